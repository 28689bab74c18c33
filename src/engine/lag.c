/*
 * lag.c — exact lag sums per pair (see lag.h).
 */
#include "lag.h"

#include <assert.h>
#include <stdlib.h>

asg_status lag_init(struct lag_tracker *t, long agents, uint64_t expected_ticks)
{
	t->agents = agents;
	t->ticks = 0;
	t->cap = expected_ticks ? expected_ticks : 1024;
	t->pair = calloc((size_t)agents * (size_t)agents, sizeof *t->pair);
	t->owner = malloc(t->cap * sizeof *t->owner);
	if (!t->pair || !t->owner) {
		lag_release(t);
		return ASG_ENOMEM;
	}
	return ASG_OK;
}

void lag_release(struct lag_tracker *t)
{
	free(t->pair);
	free(t->owner);
	t->pair = NULL;
	t->owner = NULL;
}

/* Close p's segment at tick k. */
static void lag_close(struct lag_pair *p, uint64_t k)
{
	assert(k >= p->since);
	if (!p->stale || k == p->since)
		return;
	assert(p->since > p->u);
	uint64_t len = k - p->since;
	/* sum over t in [since, k) of (t - u) */
	p->sum += len * (p->since - p->u) + len * (len - 1) / 2;
}

static void lag_set(struct lag_pair *p, bool stale, uint64_t u, uint64_t k)
{
	lag_close(p, k);
	p->stale = stale;
	p->u = u;
	p->since = k;
}

asg_status lag_update(struct lag_tracker *t, long j, uint64_t u,
		      const bool *held)
{
	assert(u == t->ticks);
	if (t->ticks == t->cap) {
		uint32_t *owner = realloc(t->owner, 2 * t->cap * sizeof *owner);
		if (!owner)
			return ASG_ENOMEM;
		t->owner = owner;
		t->cap *= 2;
	}
	t->owner[t->ticks++] = (uint32_t)j;
	for (long i = 0; i < t->agents; i++)
		if (i != j && held[i])
			lag_set(&t->pair[i * t->agents + j], true, u, u + 1);
	return ASG_OK;
}

/* The tick of j's first update at or after tick s (one exists). */
static uint64_t lag_first_update(const struct lag_tracker *t, long j, uint64_t s)
{
	for (uint64_t u = s; u < t->ticks; u++)
		if (t->owner[u] == (uint32_t)j)
			return u;
	assert(!"a stale copy without a later update");
	return s;
}

void lag_copy(struct lag_tracker *t, long i, long j, uint64_t stamp,
	      bool current, uint64_t k)
{
	struct lag_pair *p = &t->pair[i * t->agents + j];
	if (current)
		lag_set(p, false, 0, k);
	else
		lag_set(p, true, lag_first_update(t, j, stamp), k);
}

uint64_t lag_sum(const struct lag_tracker *t, long i, long j, uint64_t n)
{
	struct lag_pair p = t->pair[i * t->agents + j];
	lag_close(&p, n);
	return p.sum;
}
