/*
 * dataset.c — the dataset of a scenario: its rows from a source (generated
 * or read), then the held-out part cut off.
 *
 * The run's RNG_DATA stream draws the synthetic rows first, then the
 * split.  The split, when data.test > 0: a uniform shuffle of all N rows
 * (gsl_ran_shuffle); the first N - floor(test N) rows of the shuffle, in
 * shuffled order, are the training set, the rest held out.  With test = 0
 * the rows keep their order and nothing is drawn.  floor() forgives 1e-9,
 * so that test = 0.29 of 100 rows holds out 29 rows despite 0.29 * 100 =
 * 28.999999999999996 in binary.
 */
#include "data_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "../engine/rng.h"

void dataset_release(struct dataset *ds)
{
	free(ds->x);
	free(ds->y);
	free(ds->x_test);
	free(ds->y_test);
	free(ds->truth);
	memset(ds, 0, sizeof *ds);
}

/* dst rows <- src rows perm[0 .. n), with labels. */
static void dataset_gather(const struct dataset *src, const size_t *perm,
			   size_t n, double *x, double *y)
{
	size_t dim = src->d;
	for (size_t i = 0; i < n; i++) {
		memcpy(x + i * dim, src->x + perm[i] * dim, dim * sizeof *x);
		y[i] = src->y[perm[i]];
	}
}

/* *out <- *all split into training and held-out rows; *all is emptied. */
static asg_status dataset_split(struct dataset *all, double test,
				gsl_rng *rng, struct dataset *out,
				struct diag *d)
{
	size_t n_test = (size_t)floor(test * (double)all->n + 1e-9);
	if (n_test >= all->n)
		return diag_set(d, ASG_EINPUT,
				"data.test %g of %zu samples leaves none for training",
				test, all->n);
	if (n_test == 0) {
		*out = *all;
		memset(all, 0, sizeof *all);
		return ASG_OK;
	}
	asg_status st = ASG_OK;
	size_t n = all->n - n_test, dim = all->d;
	size_t *perm = malloc(all->n * sizeof *perm);
	if (!perm)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < all->n; i++)
		perm[i] = i;
	gsl_ran_shuffle(rng, perm, all->n, sizeof *perm);
	out->n = n;
	out->d = dim;
	out->n_test = n_test;
	out->x = malloc(n * dim * sizeof *out->x);
	out->y = malloc(n * sizeof *out->y);
	out->x_test = malloc(n_test * dim * sizeof *out->x_test);
	out->y_test = malloc(n_test * sizeof *out->y_test);
	if (!out->x || !out->y || !out->x_test || !out->y_test) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free_perm;
	}
	dataset_gather(all, perm, n, out->x, out->y);
	dataset_gather(all, perm + n, n_test, out->x_test, out->y_test);
	out->truth = all->truth;
	all->truth = NULL;
out_free_perm:
	free(perm);
	return st;
}

asg_status dataset_load(const struct data_config *cfg, enum data_task task,
			uint64_t seed, struct dataset *out, struct diag *d)
{
	struct dataset all = { 0 };
	asg_status st;
	memset(out, 0, sizeof *out);
	if (!(cfg->test >= 0.0 && cfg->test < 1.0))
		return diag_set(d, ASG_EINPUT, "data.test must be in [0, 1), not %g",
				cfg->test);
	gsl_rng *rng = rng_stream_alloc(seed, rng_entity(RNG_DATA, 0));
	if (!rng)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	switch (cfg->kind) {
	case DATA_SYNTHETIC:
		st = synthetic_generate(cfg, task, rng, &all, d);
		break;
	case DATA_CSV:
		st = csv_read(cfg, task, &all, d);
		break;
	default:
		st = diag_set(d, ASG_EINPUT, "unknown data kind %d", (int)cfg->kind);
		break;
	}
	if (st == ASG_OK)
		st = dataset_split(&all, cfg->test, rng, out, d);
	if (st != ASG_OK)
		dataset_release(out);
	dataset_release(&all);
	gsl_rng_free(rng);
	return st;
}
