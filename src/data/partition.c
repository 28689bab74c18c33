/*
 * partition.c — the training samples dealt out to the workers.
 *
 * iid: a uniform permutation of 0 .. n-1 (gsl_ran_shuffle on the run's
 * RNG_PARTITION stream 0) cut into nshards consecutive shards; with
 * n = q nshards + r, shards 0 .. r-1 hold q + 1 samples and the others q,
 * so sizes differ by at most one.  Shard k is index[start[k] .. start[k+1]).
 * Cost O(n); built once, before the simulation.
 */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "dataset.h"
#include "../engine/rng.h"

void partition_release(struct partition *p)
{
	free(p->index);
	free(p->start);
	memset(p, 0, sizeof *p);
}

static void partition_iid(size_t n, gsl_rng *rng, struct partition *p)
{
	size_t q = n / p->nshards, r = n % p->nshards;
	for (size_t i = 0; i < n; i++)
		p->index[i] = i;
	gsl_ran_shuffle(rng, p->index, n, sizeof *p->index);
	p->start[0] = 0;
	for (size_t k = 0; k < p->nshards; k++)
		p->start[k + 1] = p->start[k] + q + (k < r);
}

asg_status partition_build(enum partition_kind kind, size_t n, size_t nshards,
			   uint64_t seed, struct partition *out, struct diag *d)
{
	asg_status st = ASG_OK;
	memset(out, 0, sizeof *out);
	if (kind != PARTITION_IID)
		return diag_set(d, ASG_EINPUT, "unknown partition kind %d", (int)kind);
	if (nshards == 0 || n < nshards)
		return diag_set(d, ASG_EINPUT,
				"cannot split %zu training samples among %zu workers",
				n, nshards);
	gsl_rng *rng = rng_stream_alloc(seed, rng_entity(RNG_PARTITION, 0));
	if (!rng)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	out->nshards = nshards;
	out->index = malloc(n * sizeof *out->index);
	out->start = malloc((nshards + 1) * sizeof *out->start);
	if (!out->index || !out->start) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		partition_release(out);
		goto out_free_rng;
	}
	partition_iid(n, rng, out);
out_free_rng:
	gsl_rng_free(rng);
	return st;
}
