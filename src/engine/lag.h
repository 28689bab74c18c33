/*
 * lag.h — the lag of THEORY.md, exactly, for D agents and D blocks.
 *
 * The lag of agent i's copy of block j at tick n is 0 while the copy equals
 * the current x^j, else n - u, where u is the tick of j's first update
 * after the iterate the copy was taken from (the update that made the copy
 * out of date).  It is the tighter of the two readings of the delay in the
 * iteration: lag_ij(n) <= Delta_ij(n).
 *
 * The tracker keeps, per pair, whether the copy is out of date and since
 * which update, and the exact integer sum over ticks of the lag.  To find
 * "j's first update at or after tick s" it keeps the owner of every tick
 * (4 bytes a tick, grown by doubling: sized at set-up from stop.updates
 * when known, so it does not grow in the loop).
 *
 * Rules as in aoi.h: a change at tick k holds from tick k on; ticks given
 * never decrease.
 */
#ifndef ASG_LAG_H
#define ASG_LAG_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/status.h"

struct lag_pair {
	bool stale;          /* the copy is out of date */
	uint64_t u;          /* if so: the tick of the update that outdated it */
	uint64_t since;      /* tick from which this state holds */
	uint64_t sum;        /* sum of the lag over closed segments */
};

struct lag_tracker {
	long agents;            /* D */
	struct lag_pair *pair;  /* D x D (owned) */
	uint32_t *owner;        /* owner[u]: the agent that updated at tick u (owned) */
	uint64_t ticks;         /* ticks recorded in owner */
	uint64_t cap;           /* room in owner */
};

/* Every copy current at tick 0; room for `expected_ticks` (0 if unknown). */
asg_status lag_init(struct lag_tracker *t, long agents, uint64_t expected_ticks);

void lag_release(struct lag_tracker *t);

/* Agent j updated at tick u (ticks are recorded in order, one each); every
 * agent i whose copy of j was current (held[i] == true) now has a stale
 * copy from tick u + 1 on.  held is indexed by i.  ASG_ENOMEM if the tick
 * record cannot grow. */
asg_status lag_update(struct lag_tracker *t, long j, uint64_t u,
		      const bool *held);

/* Agent i's copy of block j became the iterate of tick `stamp` at tick k;
 * `current` is true when that is j's current block. */
void lag_copy(struct lag_tracker *t, long i, long j, uint64_t stamp,
	      bool current, uint64_t k);

/* sum_{k<n} lag_ij(k), exactly. */
uint64_t lag_sum(const struct lag_tracker *t, long i, long j, uint64_t n);

#endif
