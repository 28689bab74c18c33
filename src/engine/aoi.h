/*
 * aoi.h — exact age-of-information bookkeeping for D agents and D blocks.
 *
 * For every pair (i, j) the tracker holds the stamp s_ij of agent i's copy
 * of block j: the tick of the iterate the copy was taken from (THEORY.md:
 * a block sent after j's update at tick s has stamp s + 1).  At tick k the
 * age is Delta_ij(k) = k - s_ij(k); between changes it grows by one per
 * tick.  The tracker keeps, exactly and in integers, the sum over ticks of
 * the age and its maximum, so that (1/n) sum_{k<n} Delta_ij(k) is exact:
 *
 *     sum_{k<n} (k - s(k)) = n(n-1)/2 - sum over segments of s * length
 *
 * Rules: stamps never exceed the current tick; a change at tick k takes
 * effect for tick k (a second change at the same tick replaces the first);
 * ticks passed to aoi_set never decrease.  Memory: 4 words per pair.
 */
#ifndef ASG_AOI_H
#define ASG_AOI_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/status.h"

struct aoi_pair {
	uint64_t stamp;      /* tick of the iterate the copy was taken from */
	uint64_t since;      /* tick from which this stamp holds */
	uint64_t stamp_sum;  /* sum over closed segments of stamp * length */
	uint64_t max_age;    /* largest age over closed segments */
};

struct aoi_tracker {
	long agents;              /* D */
	struct aoi_pair *pair;    /* D x D, pair[i * D + j] (owned) */
};

/* Every stamp 0 at tick 0.  ASG_ENOMEM on failure. */
asg_status aoi_init(struct aoi_tracker *t, long agents);

void aoi_release(struct aoi_tracker *t);

/* Agent i's copy of block j has stamp `stamp` from tick k on.  Returns true
 * if the stamp changed. */
bool aoi_set(struct aoi_tracker *t, long i, long j, uint64_t stamp, uint64_t k);

/* The current stamp of (i, j). */
static inline uint64_t aoi_stamp(const struct aoi_tracker *t, long i, long j)
{
	return t->pair[i * t->agents + j].stamp;
}

/* sum_{k<n} Delta_ij(k), exactly. */
uint64_t aoi_sum_age(const struct aoi_tracker *t, long i, long j, uint64_t n);

/* max_{k<n} Delta_ij(k) (0 when n = 0). */
uint64_t aoi_max_age(const struct aoi_tracker *t, long i, long j, uint64_t n);

#endif
