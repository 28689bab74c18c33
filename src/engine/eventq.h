/*
 * eventq.h — the event queue: the only authority on the order of events.
 *
 * A min-heap of events ordered by (time, seq), where seq is a 64-bit
 * counter taken when the event is scheduled.  Two events due at the same
 * virtual time fire in the order they were scheduled, so an event scheduled
 * at the current time from inside a handler never overtakes an older event
 * due at that time.  Order never depends on pointers or hashes.
 *
 * Costs: push and pop O(log n); the heap is 4-ary (shallower, and the
 * children of a node share a cache line).  Storage is allocated by
 * eventq_init for the expected number of pending events; a push beyond it
 * doubles the storage (amortised, and never in a steady state whose pending
 * events are bounded by the capacity given).
 */
#ifndef ASG_EVENTQ_H
#define ASG_EVENTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"

struct event {
	double t;        /* virtual time at which it fires */
	uint64_t seq;    /* scheduling order: ties in t fire by increasing seq */
	uint32_t kind;   /* what happens (the simulation's enum sim_event) */
	uint32_t who;    /* the entity it happens to (a worker's index) */
};

struct eventq {
	struct event *heap;  /* heap[0] is the next event */
	size_t n;            /* pending events */
	size_t cap;          /* storage, in events */
	uint64_t next_seq;   /* seq of the next push */
};

/* Room for `capacity` pending events (at least 1).  ASG_ENOMEM on failure. */
asg_status eventq_init(struct eventq *q, size_t capacity);

/* Free the storage; the queue is then empty. */
void eventq_release(struct eventq *q);

/* Schedule an event at time t.  ASG_ENOMEM only if growing fails. */
asg_status eventq_push(struct eventq *q, double t, uint32_t kind, uint32_t who);

/* Remove the next event into *out; false if the queue is empty. */
bool eventq_pop(struct eventq *q, struct event *out);

/* The next event, left in the queue; NULL if there is none.  Valid until
 * the next push or pop. */
static inline const struct event *eventq_peek(const struct eventq *q)
{
	return q->n ? &q->heap[0] : NULL;
}

/* True when no event is pending. */
static inline bool eventq_empty(const struct eventq *q)
{
	return q->n == 0;
}

#endif
