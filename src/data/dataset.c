/*
 * dataset.c — the dataset of a scenario: its rows from a source (generated
 * or read), then the held-out part cut off (unless the source read a given
 * one, data.test_path), the number of classes counted, and the features
 * normalised (normalize.c).
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
	out->channels = all->channels;
	out->height = all->height;
	out->width = all->width;
out_free_perm:
	free(perm);
	return st;
}

bool dataset_binary_label(double v, double *label)
{
	if (v == 1.0)
		*label = 1.0;
	else if (v == 0.0 || v == -1.0)
		*label = 0.0;
	else
		return false;
	return true;
}

/* 1 + the largest of the labels of both parts (0 for regression). */
static size_t dataset_classes(const struct dataset *ds, enum data_task task)
{
	double top = -1;
	if (task == TASK_REGRESSION)
		return 0;
	for (size_t i = 0; i < ds->n; i++)
		top = fmax(top, ds->y[i]);
	for (size_t i = 0; i < ds->n_test; i++)
		top = fmax(top, ds->y_test[i]);
	assert(top >= 0 && top == floor(top));
	return (size_t)top + 1;
}

/* Read or generate all the rows of cfg into *all. */
static asg_status dataset_source(const struct data_config *cfg,
				 enum data_task task, gsl_rng *rng,
				 struct dataset *all, struct diag *d)
{
	assert(cfg->kind == DATA_SYNTHETIC || cfg->path);   /* validated */
	switch (cfg->kind) {
	case DATA_SYNTHETIC:
		if (task == TASK_MULTICLASS)
			return diag_set(d, ASG_EINPUT,
					"synthetic data has no multiclass labels: use data.kind csv, idx or libsvm");
		return synthetic_generate(cfg, task, rng, all, d);
	case DATA_CSV:
		return csv_read(cfg, task, all, d);
	case DATA_IDX:
		return idx_read(cfg, task, all, d);
	case DATA_LIBSVM:
		return libsvm_read(cfg, task, all, d);
	}
	return diag_set(d, ASG_EINPUT, "unknown data kind %d", (int)cfg->kind);
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
	if (cfg->test_path && cfg->test > 0.0)
		return diag_set(d, ASG_EINPUT,
				"data.test must be 0 with data.test_path, not %g",
				cfg->test);
	gsl_rng *rng = rng_stream_alloc(seed, rng_entity(RNG_DATA, 0));
	if (!rng)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	st = dataset_source(cfg, task, rng, &all, d);
	if (st == ASG_OK && all.n_test > 0) {     /* a given held-out part */
		*out = all;
		memset(&all, 0, sizeof all);
	} else if (st == ASG_OK) {
		st = dataset_split(&all, cfg->test, rng, out, d);
	}
	if (st == ASG_OK) {
		out->classes = dataset_classes(out, task);
		st = normalize_apply(cfg->normalize, cfg->kind, out, d);
	}
	if (st != ASG_OK)
		dataset_release(out);
	dataset_release(&all);
	gsl_rng_free(rng);
	return st;
}
