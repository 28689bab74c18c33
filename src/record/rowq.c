/*
 * rowq.c — the queue of row blocks between the simulation and its writer
 * thread (rowq.h).
 *
 * Blocks tail .. tail + queued - 1 (mod nblocks) are handed over; the
 * consumer writes block `tail` outside the lock, then advances tail.  The
 * producer fills block head = tail + queued (mod nblocks), which the
 * consumer never touches, and waits while queued == nblocks.
 */
#include "rowq.h"

#include <assert.h>
#include <stdlib.h>

asg_status rowq_init(struct rowq *q, size_t block_rows, size_t nblocks)
{
	assert(block_rows >= 1 && nblocks >= 2);
	*q = (struct rowq){ .block_rows = block_rows, .nblocks = nblocks };
	q->rows = calloc(block_rows * nblocks, sizeof *q->rows);
	q->count = calloc(nblocks, sizeof *q->count);
	if (!q->rows || !q->count) {
		rowq_release(q);
		return ASG_ENOMEM;
	}
	return ASG_OK;
}

static void *rowq_consume(void *arg)
{
	struct rowq *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->queued == 0 && !q->stop)
			pthread_cond_wait(&q->handed, &q->lock);
		if (q->queued == 0)
			break;
		size_t b = q->tail;
		bool skip = q->failed;
		pthread_mutex_unlock(&q->lock);
		bool ok = skip ||
			  q->write(q->ctx, &q->rows[b * q->block_rows], q->count[b]);
		pthread_mutex_lock(&q->lock);
		q->failed = q->failed || !ok;
		q->tail = (q->tail + 1) % q->nblocks;
		q->queued--;
		pthread_cond_signal(&q->written);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

asg_status rowq_start(struct rowq *q, rowq_write_fn write, void *ctx)
{
	assert(!q->running);
	q->write = write;
	q->ctx = ctx;
	q->head = q->tail = q->fill = q->queued = 0;
	q->failed = q->stop = false;
	if (pthread_mutex_init(&q->lock, NULL) != 0)
		return ASG_EINTERNAL;
	if (pthread_cond_init(&q->handed, NULL) != 0 ||
	    pthread_cond_init(&q->written, NULL) != 0 ||
	    pthread_create(&q->thread, NULL, rowq_consume, q) != 0) {
		pthread_mutex_destroy(&q->lock);
		return ASG_EINTERNAL;
	}
	q->running = true;
	return ASG_OK;
}

/* Hand over the filled block (any rows) and wait for room for the next;
 * call with the lock held. */
static void rowq_hand_locked(struct rowq *q)
{
	q->count[q->head] = q->fill;
	q->queued++;
	pthread_cond_signal(&q->handed);
	while (q->queued == q->nblocks)
		pthread_cond_wait(&q->written, &q->lock);
	q->head = (q->head + 1) % q->nblocks;
	q->fill = 0;
}

bool rowq_handover(struct rowq *q)
{
	assert(q->running);
	pthread_mutex_lock(&q->lock);
	rowq_hand_locked(q);
	bool ok = !q->failed;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool rowq_drain(struct rowq *q)
{
	if (!q->running)
		return true;
	pthread_mutex_lock(&q->lock);
	if (q->fill > 0)
		rowq_hand_locked(q);
	while (q->queued > 0)
		pthread_cond_wait(&q->written, &q->lock);
	bool ok = !q->failed;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool rowq_stop(struct rowq *q)
{
	if (!q->running)
		return true;
	bool ok = rowq_drain(q);
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_signal(&q->handed);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->handed);
	pthread_cond_destroy(&q->written);
	pthread_mutex_destroy(&q->lock);
	q->running = false;
	return ok;
}

void rowq_release(struct rowq *q)
{
	assert(!q->running);
	free(q->rows);
	free(q->count);
	q->rows = NULL;
	q->count = NULL;
}
