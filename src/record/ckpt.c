/*
 * ckpt.c — the checkpointer thread (ckpt.h).
 */
#include "ckpt.h"

#include <stdlib.h>
#include <sys/resource.h>

#include <sqlite3.h>

static void *ckpt_loop(void *arg)
{
	struct ckpt *c = arg;
	setpriority(PRIO_PROCESS, 0, 19);   /* this thread (Linux), ckpt.h */
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->done == c->requested && !c->stop)
			pthread_cond_wait(&c->asked, &c->lock);
		if (c->stop)
			break;
		unsigned long covers = c->requested;
		pthread_mutex_unlock(&c->lock);
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->done = covers;
		pthread_cond_broadcast(&c->copied);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* The writer's connection committed; the log holds frames pages. */
static int ckpt_hook(void *arg, sqlite3 *db, const char *schema, int frames)
{
	(void)db;
	(void)schema;
	struct ckpt *c = arg;
	c->log_frames = frames;
	return SQLITE_OK;
}

/* The file's page size (a row of PRAGMA page_size): the log's bound in
 * pages. */
static int ckpt_page_size(void *arg, int ncols, char **values, char **names)
{
	(void)names;
	struct ckpt *c = arg;
	long page = ncols == 1 && values[0] ? atol(values[0]) : 0;
	c->max_frames = page > 0 ? CKPT_LOG_BYTES / page : 0;
	return 0;
}

asg_status ckpt_start(struct ckpt *c, const char *path, sqlite3 *writer)
{
	*c = (struct ckpt){ 0 };
	/* a read opens the connection's view of the log, without which a
	 * checkpoint does nothing */
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "SELECT COUNT(*) FROM sqlite_master", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA page_size", ckpt_page_size, c,
			 NULL) != SQLITE_OK || c->max_frames < 1)
		goto out_close;
	if (pthread_mutex_init(&c->lock, NULL) != 0)
		goto out_close;
	if (pthread_cond_init(&c->asked, NULL) != 0)
		goto out_mutex;
	if (pthread_cond_init(&c->copied, NULL) != 0)
		goto out_asked;
	if (pthread_create(&c->thread, NULL, ckpt_loop, c) != 0)
		goto out_copied;
	c->running = true;
	sqlite3_wal_hook(writer, ckpt_hook, c);
	return ASG_OK;
out_copied:
	pthread_cond_destroy(&c->copied);
out_asked:
	pthread_cond_destroy(&c->asked);
out_mutex:
	pthread_mutex_destroy(&c->lock);
out_close:
	sqlite3_close(c->db);
	c->db = NULL;
	return ASG_EIO;
}

void ckpt_after_commit(struct ckpt *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	unsigned long mine = ++c->requested;
	pthread_cond_signal(&c->asked);
	if (c->log_frames > c->max_frames)
		while (c->done < mine)
			pthread_cond_wait(&c->copied, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

void ckpt_stop(struct ckpt *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->asked);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->copied);
	pthread_cond_destroy(&c->asked);
	pthread_mutex_destroy(&c->lock);
	sqlite3_close(c->db);
	c->db = NULL;
	c->running = false;
}
