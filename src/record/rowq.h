/*
 * rowq.h — the rows of a run on their way from the simulation to the
 * database: a bounded queue of blocks of rows between the thread that
 * simulates (the producer) and a writer thread (the consumer) that
 * inserts them, so that SQLite's cost of a row overlaps the simulation's
 * instead of adding to it.
 *
 * Rules:
 *   - One producer and one consumer.  The producer fills the block at
 *     `head` row by row (rowq_slot, rowq_push); a full block is handed
 *     over, and the producer waits only when every block is handed over
 *     and not yet written (back-pressure: the queue never grows).
 *   - The consumer writes blocks in the order they were handed over, each
 *     by one call of `write`, so rows reach the database in the order they
 *     were recorded.
 *   - rowq_drain hands over the partial block and waits until every block
 *     is written: afterwards the producer's thread may use what the
 *     consumer used (the database connection) until the next rowq_push.
 *   - After `write` fails, the consumer skips the blocks still queued and
 *     rowq_push and rowq_drain return false; the producer learns the
 *     reason from what `write` left behind, after a drain.
 *   - Storage is allocated by rowq_init; nothing allocates after.
 */
#ifndef ASG_ROWQ_H
#define ASG_ROWQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"

/* Which table a row goes to. */
enum rowq_table {
	ROWQ_UPDATE,
	ROWQ_EVAL,
	ROWQ_AOI,
	ROWQ_CONSENSUS,
	ROWQ_TIMELINE,
};

/* One row of a run's tables; run_id is the recorder's.  Reals may be NAN
 * (stored as NULL). */
struct rowq_row {
	enum rowq_table table;
	union {
		struct {
			int64_t k, worker, staleness;
			double t, step_size, grad_norm2;
		} update;
		struct {
			int64_t k;
			double t, full_grad_norm2, train_loss, test_loss,
			       test_accuracy;
		} eval;
		struct {
			int64_t k, i, j, age;
		} aoi;
		struct {
			int64_t k;
			double t, distance;
		} consensus;
		struct {
			int64_t worker;
			const char *kind;   /* a string that outlives the queue */
			double start, end;
		} timeline;
	};
};

/* Write rows[0 .. n-1] in order; false on failure. */
typedef bool (*rowq_write_fn)(void *ctx, const struct rowq_row *rows, size_t n);

struct rowq {
	struct rowq_row *rows;   /* nblocks blocks of block_rows rows */
	size_t *count;           /* rows in each handed-over block */
	size_t block_rows;
	size_t nblocks;
	size_t head;             /* the block the producer fills */
	size_t fill;             /* rows in it */
	size_t tail;             /* the next block to write */
	size_t queued;           /* blocks handed over and not yet written */
	bool failed;             /* write failed */
	bool stop;               /* the consumer is to end */
	bool running;            /* the consumer thread exists */
	rowq_write_fn write;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;    /* guards head .. stop */
	pthread_cond_t handed;   /* a block was handed over, or stop */
	pthread_cond_t written;  /* a block was written */
};

/* Room for nblocks (>= 2) blocks of block_rows rows; no thread yet.
 * ASG_ENOMEM on failure. */
asg_status rowq_init(struct rowq *q, size_t block_rows, size_t nblocks);

/* Start the consumer thread, writing with write(ctx, ...).
 * ASG_EINTERNAL if no thread can be started. */
asg_status rowq_start(struct rowq *q, rowq_write_fn write, void *ctx);

/* The slot of the next row (valid until rowq_push). */
static inline struct rowq_row *rowq_slot(struct rowq *q)
{
	return &q->rows[q->head * q->block_rows + q->fill];
}

bool rowq_handover(struct rowq *q);

/* The row in rowq_slot is complete.  False once a write has failed. */
static inline bool rowq_push(struct rowq *q)
{
	if (++q->fill < q->block_rows)
		return true;
	return rowq_handover(q);
}

/* Hand over the rows recorded and wait until all are written.  False
 * once a write has failed. */
bool rowq_drain(struct rowq *q);

/* Drain, then end the consumer thread.  Nothing if it is not running.
 * False once a write has failed. */
bool rowq_stop(struct rowq *q);

/* Free the storage (the thread stopped). */
void rowq_release(struct rowq *q);

#endif
