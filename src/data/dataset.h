/*
 * dataset.h — the samples a model learns from: a dense design matrix with
 * one label per row, a training part and an optional held-out part.
 *
 * Rows are stored row-major (sample i's features at x[i*d .. i*d+d)).
 * Labels are real numbers for regression, 0/1 for binary classification
 * and 0 .. classes-1 for multiclass.  A dataset is built once, before the
 * simulation, and read-only afterwards: workers share it.
 */
#ifndef ASG_DATASET_H
#define ASG_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "../scenario/scenario.h"

enum data_task {
	TASK_REGRESSION,   /* real labels: b = A x* + noise */
	TASK_BINARY,       /* 0/1 labels: y ~ Bernoulli(sigmoid(a . x*)) */
	TASK_MULTICLASS,   /* labels 0 .. classes-1, stored as doubles */
};

struct dataset {
	size_t n;          /* training samples */
	size_t d;          /* features */
	double *x;         /* n x d, row-major (owned) */
	double *y;         /* n labels (owned) */
	size_t n_test;     /* held-out samples, 0 if none */
	double *x_test;    /* n_test x d (owned, NULL if none) */
	double *y_test;    /* n_test labels (owned, NULL if none) */
	double *truth;     /* d: the parameter the labels were generated from
	                      (synthetic only, else NULL, owned) */
	size_t classes;    /* 1 + the largest label of a classification data
	                      set (train and held-out), 0 for regression */
	size_t channels, height, width; /* image shape, d = channels x height x
	                      width, pixel (c, r, k) at c*h*w + r*w + k; all 0
	                      when the samples are not images */
};

/* Build the dataset of a scenario: generate it (synthetic, from `seed`
 * through the RNG_DATA stream) or read it (csv, idx, libsvm).  The held-out
 * part is the given file (data.test_path), or the last `test` fraction of
 * a seeded shuffle.  Then `classes` is counted and the features normalised
 * (data.normalize, with the training rows' statistics).  On error records
 * a message in *d (located for a bad data file: "FILE:LINE:COL: ...") and
 * returns it; *out is then empty. */
asg_status dataset_load(const struct data_config *cfg, enum data_task task,
			uint64_t seed, struct dataset *out, struct diag *d);

/* Free what the dataset owns; safe on an empty (zeroed) dataset. */
void dataset_release(struct dataset *ds);

/* Shards of the training samples, one per worker. */
struct partition {
	size_t nshards;    /* workers */
	size_t *index;     /* all training sample indices, shard by shard (owned) */
	size_t *start;     /* nshards + 1 offsets into index (owned): worker k
	                      holds index[start[k] .. start[k+1]) */
};

/* Split the ds->n training samples among nshards workers the way
 * cfg->partition says (partition.c), drawing from `seed` through the
 * RNG_PARTITION stream: iid (a random permutation cut into shards whose
 * sizes differ by at most one), shards (label-sorted shards dealt out,
 * cfg->shards_per_worker each) or dirichlet (each class split by
 * proportions ~ Dirichlet(cfg->alpha); needs ds->classes).  Fails with
 * ASG_EINPUT if there are fewer samples than shards, or a worker would get
 * none; *out is then empty. */
asg_status partition_build(const struct data_config *cfg,
			   const struct dataset *ds, size_t nshards,
			   uint64_t seed, struct partition *out, struct diag *d);

void partition_release(struct partition *p);

#endif
