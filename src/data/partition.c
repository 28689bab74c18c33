/*
 * partition.c — the training samples dealt out to the workers, W of them;
 * worker k's samples are index[start[k] .. start[k+1]).
 *
 * iid: a uniform permutation of 0 .. n-1 cut into W consecutive parts;
 * with n = q W + r, parts 0 .. r-1 hold q + 1 samples and the others q, so
 * sizes differ by at most one.
 *
 * shards (McMahan et al. 2017, "Communication-efficient learning of deep
 * networks from decentralized data", the pathological non-IID split):
 *     perm   = a uniform permutation of 0 .. n-1
 *     sorted = perm stably sorted by label (ties keep their shuffled order)
 *     cut sorted into S = W x shards_per_worker consecutive shards, sizes
 *         differing by at most one (the first n mod S one larger)
 *     deal  = a uniform permutation of 0 .. S-1; worker k gets shards
 *         deal[k s .. k s + s), s = shards_per_worker, in that order
 * so that a worker holds s runs of label-sorted samples, a few labels.
 *
 * dirichlet (Hsu et al. 2019, "Measuring the effects of non-identical data
 * distribution for federated visual classification"):
 *     perm = a uniform permutation of 0 .. n-1
 *     for every class c = 0 .. K-1, its samples in perm's order:
 *         p ~ Dirichlet(alpha, ..., alpha) over the W workers
 *         worker k gets the samples floor(n_c P_{k-1}) .. floor(n_c P_k),
 *             P_k = p_0 + ... + p_k (P_{W-1} taken as 1)
 * A worker left without samples is bad input: a larger alpha spreads the
 * classes more evenly.  Labels must be classes 0 .. K-1 (K = ds->classes).
 *
 * Every draw comes from the run's RNG_PARTITION stream 0, in the order
 * written.  Within a worker, samples are in the order above.  Cost
 * O(n log n + S) (shards), O(n + K W) (dirichlet); built once, before the
 * simulation.
 */
#include "data_impl.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "../engine/rng.h"

void partition_release(struct partition *p)
{
	free(p->index);
	free(p->start);
	memset(p, 0, sizeof *p);
}

static void partition_identity(size_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = i;
}

/* start <- the offsets of nparts parts of n samples whose sizes differ by
 * at most one, the larger first. */
static void partition_even(size_t *start, size_t n, size_t nparts)
{
	size_t q = n / nparts, r = n % nparts;
	start[0] = 0;
	for (size_t k = 0; k < nparts; k++)
		start[k + 1] = start[k] + q + (k < r);
}

static void partition_iid(size_t n, gsl_rng *rng, struct partition *p)
{
	partition_identity(p->index, n);
	gsl_ran_shuffle(rng, p->index, n, sizeof *p->index);
	partition_even(p->start, n, p->nshards);
}

/* A sample's place in the label sort of `shards`. */
struct partition_key {
	double label;     /* the sample's label */
	size_t rank;      /* its place in the shuffle: breaks ties (stable) */
	size_t sample;    /* the sample */
};

static int partition_cmp_key(const void *a, const void *b)
{
	const struct partition_key *x = a, *y = b;
	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

static asg_status partition_shards(const struct dataset *ds, size_t per,
				   gsl_rng *rng, struct partition *p,
				   struct diag *d)
{
	size_t n = ds->n;
	asg_status st = ASG_OK;
	if (per > n / p->nshards)       /* n < nshards x per, without overflow */
		return diag_set(d, ASG_EINPUT,
				"cannot cut %zu training samples into %zu workers x %zu shards (data.shards_per_worker)",
				n, p->nshards, per);
	size_t nshards = p->nshards * per;
	struct partition_key *key = malloc(n * sizeof *key);
	size_t *cut = malloc((nshards + 1) * sizeof *cut);
	size_t *deal = malloc(nshards * sizeof *deal);
	if (!key || !cut || !deal) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	partition_identity(p->index, n);
	gsl_ran_shuffle(rng, p->index, n, sizeof *p->index);
	for (size_t i = 0; i < n; i++)
		key[i] = (struct partition_key){ ds->y[p->index[i]], i, p->index[i] };
	qsort(key, n, sizeof *key, partition_cmp_key);
	partition_even(cut, n, nshards);
	partition_identity(deal, nshards);
	gsl_ran_shuffle(rng, deal, nshards, sizeof *deal);
	size_t at = 0;
	p->start[0] = 0;
	for (size_t k = 0; k < p->nshards; k++) {
		for (size_t j = k * per; j < (k + 1) * per; j++)
			for (size_t i = cut[deal[j]]; i < cut[deal[j] + 1]; i++)
				p->index[at++] = key[i].sample;
		p->start[k + 1] = at;
	}
	assert(at == n);
out_free:
	free(deal);
	free(cut);
	free(key);
	return st;
}

/* owner[i] <- the worker of sample i, drawn class by class. */
static asg_status partition_owners(const struct dataset *ds, double alpha,
				   gsl_rng *rng, size_t nworkers, size_t *owner,
				   struct diag *d)
{
	size_t n = ds->n, classes = ds->classes;
	asg_status st = ASG_OK;
	size_t *perm = malloc(n * sizeof *perm);
	size_t *byclass = malloc(n * sizeof *byclass);
	size_t *first = calloc(classes + 1, sizeof *first);
	size_t *next = malloc(classes * sizeof *next);
	double *a = malloc(nworkers * sizeof *a);
	double *prob = malloc(nworkers * sizeof *prob);
	if (!perm || !byclass || !first || !next || !a || !prob) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	partition_identity(perm, n);
	gsl_ran_shuffle(rng, perm, n, sizeof *perm);
	for (size_t i = 0; i < n; i++) {
		assert(ds->y[i] >= 0 && ds->y[i] < (double)classes);
		first[(size_t)ds->y[i] + 1]++;
	}
	for (size_t c = 0; c < classes; c++)
		first[c + 1] += first[c];
	memcpy(next, first, classes * sizeof *next);
	for (size_t i = 0; i < n; i++)        /* class by class, perm's order */
		byclass[next[(size_t)ds->y[perm[i]]]++] = perm[i];
	for (size_t k = 0; k < nworkers; k++)
		a[k] = alpha;
	for (size_t c = 0; c < classes; c++) {
		size_t nc = first[c + 1] - first[c], lo = 0;
		double cum = 0;
		gsl_ran_dirichlet(rng, nworkers, a, prob);
		for (size_t k = 0; k < nworkers; k++) {
			cum += prob[k];
			size_t hi = k + 1 == nworkers ? nc : (size_t)((double)nc * cum);
			if (hi > nc)     /* cum may pass 1 by rounding */
				hi = nc;
			for (size_t i = lo; i < hi; i++)
				owner[byclass[first[c] + i]] = k;
			if (hi > lo)
				lo = hi;
		}
	}
out_free:
	free(prob);
	free(a);
	free(next);
	free(first);
	free(byclass);
	free(perm);
	return st;
}

static asg_status partition_dirichlet(const struct dataset *ds, double alpha,
				      gsl_rng *rng, struct partition *p,
				      struct diag *d)
{
	size_t n = ds->n, w = p->nshards;
	if (ds->classes == 0)
		return diag_set(d, ASG_EINPUT,
				"data.partition dirichlet needs class labels (a classification model)");
	if (!(alpha > 0))
		return diag_set(d, ASG_EINPUT, "data.alpha must be > 0, not %g", alpha);
	size_t *owner = malloc(n * sizeof *owner);
	if (!owner)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	asg_status st = partition_owners(ds, alpha, rng, w, owner, d);
	if (st != ASG_OK)
		goto out_free_owner;
	memset(p->start, 0, (w + 1) * sizeof *p->start);
	for (size_t i = 0; i < n; i++)
		p->start[owner[i] + 1]++;
	for (size_t k = 0; k < w; k++) {
		if (p->start[k + 1] == 0) {
			st = diag_set(d, ASG_EINPUT,
				      "data.partition dirichlet left worker %zu without samples (data.alpha %g): try a larger data.alpha",
				      k, alpha);
			goto out_free_owner;
		}
		p->start[k + 1] += p->start[k];
	}
	/* Counting sort by owner, stable: within a worker, class by class. */
	size_t *cursor = malloc(w * sizeof *cursor);
	if (!cursor) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free_owner;
	}
	memcpy(cursor, p->start, w * sizeof *cursor);
	for (size_t i = 0; i < n; i++)
		p->index[cursor[owner[i]]++] = i;
	free(cursor);
out_free_owner:
	free(owner);
	return st;
}

asg_status partition_build(const struct data_config *cfg,
			   const struct dataset *ds, size_t nshards,
			   uint64_t seed, struct partition *out, struct diag *d)
{
	asg_status st = ASG_OK;
	size_t n = ds->n;
	memset(out, 0, sizeof *out);
	if (cfg->partition != PARTITION_IID && cfg->partition != PARTITION_SHARDS &&
	    cfg->partition != PARTITION_DIRICHLET)
		return diag_set(d, ASG_EINPUT, "unknown partition kind %d",
				(int)cfg->partition);
	if (nshards == 0 || n < nshards)
		return diag_set(d, ASG_EINPUT,
				"cannot split %zu training samples among %zu workers",
				n, nshards);
	if (cfg->partition == PARTITION_SHARDS && cfg->shards_per_worker < 1)
		return diag_set(d, ASG_EINPUT,
				"data.shards_per_worker must be > 0, not %ld",
				cfg->shards_per_worker);
	gsl_rng *rng = rng_stream_alloc(seed, rng_entity(RNG_PARTITION, 0));
	if (!rng)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	out->nshards = nshards;
	out->index = malloc(n * sizeof *out->index);
	out->start = malloc((nshards + 1) * sizeof *out->start);
	if (!out->index || !out->start) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free_rng;
	}
	switch (cfg->partition) {
	case PARTITION_IID:
		partition_iid(n, rng, out);
		break;
	case PARTITION_SHARDS:
		st = partition_shards(ds, (size_t)cfg->shards_per_worker, rng, out, d);
		break;
	case PARTITION_DIRICHLET:
		st = partition_dirichlet(ds, cfg->alpha, rng, out, d);
		break;
	}
out_free_rng:
	if (st != ASG_OK)
		partition_release(out);
	gsl_rng_free(rng);
	return st;
}
