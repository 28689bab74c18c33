/*
 * ckpt.h — a checkpointer: a thread with a connection of its own that
 * copies a database's write-ahead log into the database file beside the
 * thread that writes, so that the writer seldom waits for the disk.
 *
 * In WAL mode a commit appends pages to the log; a checkpoint copies them
 * into the database, and with synchronous=NORMAL it syncs the log before
 * and the database after: two fsyncs.  SQLite's automatic checkpoint runs
 * them inside the writer's commit; a writer that is the bottleneck of a
 * run (src/record/recorder.c) then waits for the disk at every checkpoint.
 * Here the writer turns the automatic checkpoint off and pokes the
 * checkpointer after each commit; the checkpointer runs a PASSIVE
 * checkpoint, which blocks neither the writer nor a reader.
 *
 * The log is rewound (written again from its start) only by a write
 * transaction that began when every frame of it was copied.  A writer
 * that begins its next transaction right after a commit never sees that,
 * so once the log is longer than CKPT_LOG_BYTES the writer waits, after
 * its commit, for the checkpoint of that commit (ckpt_after_commit):
 * about one commit of copying and two fsyncs, once per CKPT_LOG_BYTES
 * written.  The writer's connection tells the log's length, in pages, at
 * each commit (sqlite3_wal_hook, which also turns SQLite's automatic
 * checkpoint off), so the log never passes CKPT_LOG_BYTES by more than
 * one commit.
 *
 * The thread runs at the lowest priority (nice 19; on Linux the nice
 * value is a thread's own): its copying is background work, which should
 * take the processor the simulation leaves while it waits for the writer,
 * not the writer's (5 % of a run that records every update, measured).
 *
 * Rules:
 *   - One writer thread calls ckpt_after_commit; requests made while a
 *     checkpoint runs fold into the next.
 *   - A failed checkpoint is not a lost row: the pages stay in the log,
 *     which the next checkpoint, or the last connection's close, copies.
 *     Failures are therefore not reported.
 *   - ckpt_stop joins the thread and closes its connection before the
 *     writer closes its own, whose close (the last) checkpoints the rest.
 */
#ifndef ASG_CKPT_H
#define ASG_CKPT_H

#include <pthread.h>
#include <stdbool.h>

#include "../common/status.h"

/* The length of the log (bytes of pages) past which the writer waits for
 * a checkpoint so that the log rewinds. */
#define CKPT_LOG_BYTES (64L << 20)

struct sqlite3;

struct ckpt {
	struct sqlite3 *db;      /* the checkpointer's connection */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t asked;    /* requested > done, or stop */
	pthread_cond_t copied;   /* done grew */
	unsigned long requested; /* checkpoints asked for */
	unsigned long done;      /* of those, the ones a checkpoint covered */
	int log_frames;          /* the log's length at the writer's last
	                            commit, in pages (the writer's) */
	long max_frames;         /* CKPT_LOG_BYTES in the file's pages */
	bool stop;
	bool running;            /* the thread exists */
};

/* Open a connection to path, start the thread and hook the writer's
 * connection; ASG_EIO if the connection or the thread fails (then nothing
 * is left open or hooked: the writer keeps SQLite's automatic
 * checkpoint). */
asg_status ckpt_start(struct ckpt *c, const char *path,
		      struct sqlite3 *writer);

/* The writer committed: ask for a checkpoint, and wait for it when the
 * log has grown past CKPT_LOG_BYTES.  Does nothing if not running. */
void ckpt_after_commit(struct ckpt *c);

/* End the thread after the checkpoint under way, close the connection.
 * Does nothing if not running. */
void ckpt_stop(struct ckpt *c);

#endif
