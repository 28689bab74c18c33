/*
 * aoitrace.h — the per-tick trajectory Delta_ij(k), k = 0..n-1, of one pair
 * of one run, rebuilt from the sparse rows of the aoi table
 * (`asgdsim aoi`; THEORY.md for Delta_ij, docs/bound.md).
 *
 * The aoi table holds a row (k, i, j, age) when agent i's age of block j
 * is set to `age` at tick k, one row at k = 0 for every pair; between rows
 * the age grows by one per tick.  Of two rows at one tick the later one
 * (by rowid) holds.  The trajectory is a list of segments: segment s
 * starts at tick start[s] with age age[s], and at a tick k of it
 *     Delta_ij(k) = age[s] + (k - start[s]).
 * Its sum over k < n is exact, in 64-bit integers: a segment of length m
 * adds m * age[s] + m (m - 1) / 2.  That sum over n must equal
 * aoi_summary.sum_age / n; `aoi` checks it.
 * An agent's own block is always current: Delta_ii = 0 at every tick
 * (THEORY.md), whatever rows the pair (i, i) has; its trace is one
 * segment that does not grow.
 */
#ifndef ASG_AOITRACE_H
#define ASG_AOITRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "../common/diag.h"

struct aoitrace {
	uint64_t n;          /* ticks of the run: the trajectory is k < n */
	size_t nseg;         /* segments */
	uint64_t *start;     /* start[s]: first tick of segment s, increasing, start[0] = 0 (owned) */
	uint64_t *age;       /* age[s]: Delta_ij(start[s]) (owned) */
	uint64_t growth;     /* per tick within a segment: 1, or 0 for i == j */
};

/*
 * Rebuild the trajectory of pair (i, j) of run `run`, whose n ticks the
 * caller gives (runs.updates).  Rows at ticks k >= n are ignored.
 * ASG_EINPUT with a message when the pair has no row, or none at tick 0;
 * ASG_EIO for a database failure; ASG_ENOMEM.  *t is empty on failure.
 */
asg_status aoitrace_load(sqlite3 *db, int64_t run, long i, long j, uint64_t n,
			 struct aoitrace *t, struct diag *d);

/* Free the segments; an empty trace is fine. */
void aoitrace_release(struct aoitrace *t);

/* Delta_ij(k) for k < n (O(log segments)). */
uint64_t aoitrace_age(const struct aoitrace *t, uint64_t k);

/* sum_{k<n} Delta_ij(k) into *sum; false if it overflows 64 bits. */
bool aoitrace_sum(const struct aoitrace *t, uint64_t *sum);

/* What `asgdsim aoi` prints. */
struct aoitrace_query {
	int64_t run;         /* the run */
	long i;              /* the agent */
	long j;              /* the block */
	uint64_t from;       /* first tick printed */
	uint64_t to;         /* last tick printed (clipped to n - 1) */
};

/*
 * Print the trajectory of the database at db_path (opened read only): a
 * comment line, one line "k age" per tick from q->from to q->to (at most
 * n - 1), then "# mean over k < n: SUM/n = MEAN" and how SUM compares with
 * aoi_summary.sum_age.  ASG_EINPUT (message in *d) for a run that does not
 * exist or has not ended, an agent or block out of range, a pair without
 * rows; ASG_EINTERNAL when the sums differ (after printing them).
 */
asg_status aoitrace_print(const char *db_path, const struct aoitrace_query *q,
			  FILE *out, struct diag *d);

#endif
