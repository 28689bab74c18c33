/*
 * eventq.c — 4-ary min-heap on (time, seq).
 *
 * Node i has children 4i+1 .. 4i+4 and parent (i-1)/4.  Sifting moves a
 * hole instead of swapping, so each level costs one copy.
 */
#include "eventq.h"

#include <assert.h>
#include <stdlib.h>

#define ARITY 4

/* True when a fires before b.  Compared with <, never by subtraction. */
static inline bool event_before(const struct event *a, const struct event *b)
{
	if (a->t < b->t)
		return true;
	if (b->t < a->t)
		return false;
	return a->seq < b->seq;
}

asg_status eventq_init(struct eventq *q, size_t capacity)
{
	if (capacity < 1)
		capacity = 1;
	q->heap = malloc(capacity * sizeof *q->heap);
	if (!q->heap)
		return ASG_ENOMEM;
	q->n = 0;
	q->cap = capacity;
	q->next_seq = 0;
	return ASG_OK;
}

void eventq_release(struct eventq *q)
{
	free(q->heap);
	q->heap = NULL;
	q->n = q->cap = 0;
}

static asg_status eventq_grow(struct eventq *q)
{
	size_t cap = q->cap * 2;
	struct event *heap = realloc(q->heap, cap * sizeof *heap);
	if (!heap)
		return ASG_ENOMEM;
	q->heap = heap;
	q->cap = cap;
	return ASG_OK;
}

static void eventq_sift_up(struct eventq *q, size_t hole, struct event ev)
{
	while (hole > 0) {
		size_t parent = (hole - 1) / ARITY;
		if (!event_before(&ev, &q->heap[parent]))
			break;
		q->heap[hole] = q->heap[parent];
		hole = parent;
	}
	q->heap[hole] = ev;
}

static void eventq_sift_down(struct eventq *q, size_t hole, struct event ev)
{
	for (;;) {
		size_t first = hole * ARITY + 1;
		if (first >= q->n)
			break;
		size_t last = first + ARITY < q->n ? first + ARITY : q->n;
		size_t best = first;
		for (size_t c = first + 1; c < last; c++)
			if (event_before(&q->heap[c], &q->heap[best]))
				best = c;
		if (!event_before(&q->heap[best], &ev))
			break;
		q->heap[hole] = q->heap[best];
		hole = best;
	}
	q->heap[hole] = ev;
}

asg_status eventq_push(struct eventq *q, double t, uint32_t kind, uint32_t who)
{
	if (q->n == q->cap && eventq_grow(q) != ASG_OK)
		return ASG_ENOMEM;
	struct event ev = { .t = t, .seq = q->next_seq++, .kind = kind, .who = who };
	q->n++;
	eventq_sift_up(q, q->n - 1, ev);
	return ASG_OK;
}

bool eventq_pop(struct eventq *q, struct event *out)
{
	if (q->n == 0)
		return false;
	*out = q->heap[0];
	q->n--;
	if (q->n > 0)
		eventq_sift_down(q, 0, q->heap[q->n]);
	assert(q->n < q->cap);
	return true;
}
