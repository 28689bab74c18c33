/*
 * test_models.c — each model's loss and gradients.
 *
 * Gradients of all five models with gradients (quadratic, logreg,
 * softmax, mlp, cnn) are checked against central finite differences of
 * the loss the same operation returns, in double, at every coordinate:
 * step h = 1e-5 (1 + |x_j|); the whole vector within a norm-wise relative
 * error ||g - g_fd|| / max(||g||, ||g_fd||) < 1e-6, and each coordinate
 * within |g_j - g_fd_j| <= 1e-6 max(|g_j|, |g_fd_j|) + 1e-8 (the floor is
 * for small coordinates, where the differences' own error, truncation
 * h^2 f'''/6 plus rounding, was at most 6e-9; norm-wise it was below 1e-9
 * in every case).  The datasets are small and made here (tiny images for
 * the cnn, odd and non-square sizes among them), the points random with
 * fixed seeds: a ReLU input or a max-pool tie within h of a kink would
 * show as one coordinate off, and none is.  The networks' forward pass is
 * checked against a loop-by-loop reference of its definition (net.h,
 * cnn.c), which fixes the layouts finite differences cannot see.
 *
 * The full gradient is checked against the batch gradient over every
 * index (bit for bit for the linear models, relative 1e-12 for the
 * networks, which sum the rows in other chunks); closed forms: the
 * quadratic is 0 with a zero gradient at the truth of noiseless data, the
 * logistic loss at x = 0 is log 2, the softmax loss at 0 is log K;
 * evaluate's loss and accuracy on hand-set parameters are recomputed here;
 * an mlp learns XOR and a cnn learns bar orientations by gradient descent.
 * Workspaces are checked with canaries written just past the size the
 * model asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "assert_near.h"
#include "models/model.h"
#include "src/engine/rng.h"

#define NELEM_CASES(a) (sizeof(a) / sizeof((a)[0]))
#define CANARY 1234.5678  /* written past a workspace, must survive */
#define NCANARY 64

/* A model over its own dataset, with a workspace for `batch`. */
struct fixture {
	struct dataset ds;   /* the samples */
	struct model m;      /* the model over ds */
	double *work;        /* workspace for batches up to `batch`, + canaries */
	size_t nwork;        /* doubles the model asked for */
};

/* The workspace for `batch`, followed by canaries. */
static void fixture_workspace(struct fixture *f, size_t batch)
{
	f->nwork = model_workspace_size(&f->m, batch);
	f->work = malloc((f->nwork + NCANARY) * sizeof *f->work);
	assert_non_null(f->work);
	for (size_t i = 0; i < NCANARY; i++)
		f->work[f->nwork + i] = CANARY;
}

static void fixture_make(struct fixture *f, enum model_kind kind, double l2,
			 long samples, long features, double condition,
			 double noise, double test, uint64_t seed, size_t batch)
{
	struct data_config dc = {
		.kind = DATA_SYNTHETIC, .samples = samples, .features = features,
		.condition = condition, .noise = noise, .test = test,
	};
	struct model_config mc = { .kind = kind, .l2 = l2 };
	struct diag d;
	diag_init(&d);
	if (dataset_load(&dc, model_ops_of(kind)->task, seed, &f->ds, &d) != ASG_OK ||
	    model_init(&f->m, &mc, &f->ds, &d) != ASG_OK)
		fail_msg("fixture: %s", d.text);
	fixture_workspace(f, batch);
}

/* A small dataset made here, and a model over it. */
struct handmade {
	const char *name;          /* for messages */
	enum model_kind kind;
	double l2;
	size_t n;                  /* samples */
	size_t d;                  /* features, when not images */
	size_t ch, h, w;           /* image shape, h = 0 when not images */
	size_t classes;            /* labels i % classes; 0: N(0, 1) labels */
	long hidden[MODEL_HIDDEN_MAX];
	size_t nhidden;
	long conv[MODEL_CONV_MAX]; /* model.channels */
	size_t nconv;
	long kernel;
};

static const struct handmade handmade_cases[] = {
	{ "quadratic", MODEL_QUADRATIC, 0.1, 40, .d = 5 },
	{ "logreg", MODEL_LOGREG, 0.5, 40, .d = 5, .classes = 2 },
	{ "softmax", MODEL_SOFTMAX, 0.3, 40, .d = 6, .classes = 4 },
	{ "softmax l2 0", MODEL_SOFTMAX, 0, 40, .d = 3, .classes = 2 },
	{ "mlp [7, 5]", MODEL_MLP, 0.01, 40, .d = 6, .classes = 3,
	  .hidden = { 7, 5 }, .nhidden = 2 },
	{ "mlp []", MODEL_MLP, 0.02, 40, .d = 4, .classes = 3 },
	{ "cnn 1x8x8 [3] k3 [4]", MODEL_CNN, 0.01, 40, .ch = 1, .h = 8, .w = 8,
	  .classes = 3, .hidden = { 4 }, .nhidden = 1, .conv = { 3 }, .nconv = 1,
	  .kernel = 3 },
	{ "cnn 2x10x10 [3, 4] k3 [5]", MODEL_CNN, 0.01, 40, .ch = 2, .h = 10,
	  .w = 10, .classes = 3, .hidden = { 5 }, .nhidden = 1,
	  .conv = { 3, 4 }, .nconv = 2, .kernel = 3 },
	{ "cnn 1x9x9 [2, 3] k2 []", MODEL_CNN, 0.05, 40, .ch = 1, .h = 9, .w = 9,
	  .classes = 4, .conv = { 2, 3 }, .nconv = 2, .kernel = 2 },
	{ "cnn 3x7x6 [2] k2 [3]", MODEL_CNN, 0.01, 40, .ch = 3, .h = 7, .w = 6,
	  .classes = 3, .hidden = { 3 }, .nhidden = 1, .conv = { 2 }, .nconv = 1,
	  .kernel = 2 },
};
#define NHANDMADE (sizeof handmade_cases / sizeof handmade_cases[0])

/* Features N(0, 1) (pixels for images), labels as hm says; seeded. */
static void fixture_handmade(struct fixture *f, const struct handmade *hm,
			     uint64_t seed, size_t batch)
{
	struct dataset *ds = &f->ds;
	memset(ds, 0, sizeof *ds);
	ds->n = hm->n;
	ds->d = hm->h ? hm->ch * hm->h * hm->w : hm->d;
	if (hm->h) {
		ds->channels = hm->ch;
		ds->height = hm->h;
		ds->width = hm->w;
	}
	ds->classes = hm->classes;
	ds->x = malloc(ds->n * ds->d * sizeof *ds->x);
	ds->y = malloc(ds->n * sizeof *ds->y);
	assert_true(ds->x && ds->y);
	gsl_rng *r = rng_stream_alloc(seed, rng_entity(RNG_DATA, 0));
	assert_non_null(r);
	for (size_t i = 0; i < ds->n * ds->d; i++)
		ds->x[i] = gsl_ran_gaussian(r, 1.0);
	for (size_t i = 0; i < ds->n; i++)
		ds->y[i] = hm->classes ? (double)(i % hm->classes)
				       : gsl_ran_gaussian(r, 1.0);
	gsl_rng_free(r);
	struct model_config mc = { .kind = hm->kind, .l2 = hm->l2,
				   .nhidden = hm->nhidden, .nchannels = hm->nconv,
				   .kernel = hm->kernel };
	memcpy(mc.hidden, hm->hidden, sizeof mc.hidden);
	memcpy(mc.channels, hm->conv, sizeof mc.channels);
	struct diag d;
	diag_init(&d);
	if (model_init(&f->m, &mc, ds, &d) != ASG_OK)
		fail_msg("%s: %s", hm->name, d.text);
	fixture_workspace(f, batch);
}

static void fixture_check_canaries(const struct fixture *f)
{
	for (size_t i = 0; i < NCANARY; i++)
		if (f->work[f->nwork + i] != CANARY)
			fail_msg("workspace of %zu doubles overrun at +%zu", f->nwork, i);
}

static void fixture_release(struct fixture *f)
{
	fixture_check_canaries(f);
	free(f->work);
	dataset_release(&f->ds);
}

/* x <- N(0, 1) draws, fixed seed. */
static void random_point(double *x, size_t dim, uint64_t seed)
{
	gsl_rng *r = rng_stream_alloc(seed, rng_entity(RNG_MODEL, 0));
	assert_non_null(r);
	for (size_t j = 0; j < dim; j++)
		x[j] = gsl_ran_gaussian(r, 1.0);
	gsl_rng_free(r);
}

static double norm2(const double *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i] * v[i];
	return sqrt(s);
}

static double rel_error(const double *a, const double *b, size_t n)
{
	double diff = 0;
	for (size_t i = 0; i < n; i++)
		diff += (a[i] - b[i]) * (a[i] - b[i]);
	double scale = norm2(b, n);
	return sqrt(diff) / (scale > 0 ? scale : 1.0);
}

/* The loss whose gradient is checked: a batch's or the full one. */
static double loss_at(const struct fixture *f, const double *x,
		      const size_t *idx, size_t b, double *g)
{
	if (idx)
		return model_batch_grad(&f->m, x, idx, b, g, f->work);
	return model_full_grad(&f->m, x, g, f->work);
}

/* Central differences of loss_at, coordinate by coordinate. */
static void finite_differences(const struct fixture *f, double *x,
			       const size_t *idx, size_t b, double *g_fd)
{
	for (size_t j = 0; j < f->m.dim; j++) {
		double xj = x[j], h = 1e-5 * (1.0 + fabs(xj));
		x[j] = xj + h;
		double up = loss_at(f, x, idx, b, NULL);
		x[j] = xj - h;
		double down = loss_at(f, x, idx, b, NULL);
		x[j] = xj;
		g_fd[j] = (up - down) / (2 * h);
	}
}

/* The gradient at x (batch idx, or full when idx is NULL) against finite
 * differences: norm-wise and coordinate by coordinate (see the top). */
static void check_gradient_at(const struct fixture *f, double *x,
			      const size_t *idx, size_t b, const char *what)
{
	size_t dim = f->m.dim;
	double *g = malloc(dim * sizeof *g), *g_fd = malloc(dim * sizeof *g_fd);
	assert_true(g && g_fd);
	double loss = loss_at(f, x, idx, b, g);
	assert_true(isfinite(loss));
	finite_differences(f, x, idx, b, g_fd);
	double diff = 0, scale = fmax(norm2(g, dim), norm2(g_fd, dim));
	for (size_t j = 0; j < dim; j++) {
		double e = fabs(g[j] - g_fd[j]);
		diff += e * e;
		if (!(e <= 1e-6 * fmax(fabs(g[j]), fabs(g_fd[j])) + 1e-8))
			fail_msg("%s (%s): coordinate %zu of %zu: gradient %.12g, "
				 "differences %.12g", what, idx ? "batch" : "full", j,
				 dim, g[j], g_fd[j]);
	}
	assert_true(scale > 0);
	if (!(sqrt(diff) / scale < 1e-6))
		fail_msg("%s (%s): relative error %g", what, idx ? "batch" : "full",
			 sqrt(diff) / scale);
	free(g);
	free(g_fd);
}

struct grad_case {
	enum model_kind kind;
	double l2;
};

/* The linear models also on synthetic data (correlated features). */
static const struct grad_case grad_cases[] = {
	{ MODEL_QUADRATIC, 0.0 },
	{ MODEL_QUADRATIC, 0.1 },
	{ MODEL_LOGREG, 1e-4 },
	{ MODEL_LOGREG, 0.5 },
};

static const size_t batch_idx[] = { 3, 17, 3, 39, 0, 22, 8 };  /* repeats allowed */
#define BATCH_B (sizeof batch_idx / sizeof batch_idx[0])

/* A point near the model's own initial one: its init_params (He for the
 * networks, zeros else) plus N(0, 0.3^2) on every coordinate, so that the
 * biases are not 0 either. */
static void model_point(const struct fixture *f, double *x, uint64_t seed)
{
	gsl_rng *r = rng_stream_alloc(seed, rng_entity(RNG_MODEL, 0));
	assert_non_null(r);
	model_init_params(&f->m, x, r);
	for (size_t j = 0; j < f->m.dim; j++)
		x[j] += gsl_ran_gaussian(r, 0.3);
	gsl_rng_free(r);
}

static void check_gradients(const size_t *idx, size_t b)
{
	for (size_t k = 0; k < sizeof grad_cases / sizeof grad_cases[0]; k++) {
		const struct grad_case *gc = &grad_cases[k];
		struct fixture f;
		char what[64];
		fixture_make(&f, gc->kind, gc->l2, 40, 5, 10, 0.3, 0, 21, b ? b : 1);
		double x[5];
		random_point(x, 5, 100 + k);
		snprintf(what, sizeof what, "synthetic %s, l2 %g", f.m.ops->name,
			 gc->l2);
		check_gradient_at(&f, x, idx, b, what);
		fixture_release(&f);
	}
	for (size_t k = 0; k < NHANDMADE; k++) {
		const struct handmade *hm = &handmade_cases[k];
		struct fixture f;
		fixture_handmade(&f, hm, 200 + k, b ? b : 1);
		double *x = malloc(f.m.dim * sizeof *x);
		assert_non_null(x);
		model_point(&f, x, 300 + k);
		check_gradient_at(&f, x, idx, b, hm->name);
		free(x);
		fixture_release(&f);
	}
}

static void test_batch_grad_matches_finite_differences(void **state)
{
	(void)state;
	check_gradients(batch_idx, BATCH_B);
}

static void test_full_grad_matches_finite_differences(void **state)
{
	(void)state;
	check_gradients(NULL, 0);
}

/* The batch 0 .. N-1 against the full gradient of f->m at x: the same
 * loss and gradient within `tol` (relative), and full_grad without g
 * returns the same loss. */
static void check_full_equals_batch(struct fixture *f, const double *x,
				    double tol)
{
	size_t n = f->ds.n, dim = f->m.dim;
	size_t *all = malloc(n * sizeof *all);
	double *gb = malloc(dim * sizeof *gb), *gf = malloc(dim * sizeof *gf);
	assert_true(all && gb && gf);
	for (size_t i = 0; i < n; i++)
		all[i] = i;
	double lb = model_batch_grad(&f->m, x, all, n, gb, f->work);
	double lf = model_full_grad(&f->m, x, gf, f->work);
	double lonly = model_full_grad(&f->m, x, NULL, f->work);
	assert_near(lb, lf, tol * fabs(lf));
	assert_near(lonly, lf, 0);
	if (!(rel_error(gb, gf, dim) <= tol))
		fail_msg("%s: batch and full gradients differ by %g", f->m.ops->name,
			 rel_error(gb, gf, dim));
	free(all);
	free(gb);
	free(gf);
}

/* Over 600 rows (three chunks of a batch, 19 of the full gradient) the
 * batch 0 .. N-1 is the full gradient: bit for bit for the linear models,
 * up to rounding for the networks. */
static void test_full_grad_equals_batch_over_all(void **state)
{
	(void)state;
	const enum model_kind kinds[] = { MODEL_QUADRATIC, MODEL_LOGREG };
	for (size_t k = 0; k < 2; k++) {
		struct fixture f;
		fixture_make(&f, kinds[k], 0.05, 600, 4, 30, 0.2, 0, 31, 600);
		double x[4];
		random_point(x, 4, 7);
		check_full_equals_batch(&f, x, 0);
		fixture_release(&f);
	}
	for (size_t k = 2; k < NHANDMADE; k++) {
		struct handmade hm = handmade_cases[k];
		struct fixture f;
		hm.n = 600;
		fixture_handmade(&f, &hm, 400 + k, 600);
		double *x = malloc(f.m.dim * sizeof *x);
		assert_non_null(x);
		model_point(&f, x, 500 + k);
		check_full_equals_batch(&f, x, 1e-12);
		free(x);
		fixture_release(&f);
	}
}

/* Noiseless least squares at its truth, l2 = 0: f = 0 and grad f = 0. */
static void test_quadratic_zero_at_truth(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, MODEL_QUADRATIC, 0.0, 500, 8, 100, 0.0, 0, 41, 1);
	double g[8];
	double loss = model_full_grad(&f.m, f.ds.truth, g, f.work);
	assert_true(loss >= 0 && loss < 1e-24);
	assert_true(norm2(g, 8) < 1e-12);
	fixture_release(&f);
}

/* init_params gives zeros; at zero the logistic loss is log 2 (penalty 0),
 * on the training and on the held-out set. */
static void test_logreg_loss_at_zero_is_log2(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, MODEL_LOGREG, 0.3, 300, 6, 5, 0, 0.2, 51, 1);
	double x[6] = { 1, 2, 3, 4, 5, 6 };
	model_init_params(&f.m, x, NULL);
	for (size_t j = 0; j < 6; j++)
		assert_near(x[j], 0.0, 0);
	assert_near(model_full_grad(&f.m, x, NULL, f.work), log(2.0), 1e-13);
	double loss, acc;
	model_evaluate(&f.m, x, f.ds.x_test, f.ds.y_test, f.ds.n_test, &loss, &acc,
		       f.work);
	assert_near(loss, log(2.0), 1e-13);
	fixture_release(&f);
}

/* At the truth the held-out accuracy is high (labels are drawn from the
 * logistic model itself, margins of a few units: Bayes accuracy ~0.9),
 * and far better than at zero, which predicts 0 everywhere. */
static void test_logreg_accuracy_at_truth(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, MODEL_LOGREG, 1e-4, 4000, 10, 10, 0, 0.25, 61, 1);
	double loss, acc, loss0, acc0, zero[10] = { 0 };
	model_evaluate(&f.m, f.ds.truth, f.ds.x_test, f.ds.y_test, f.ds.n_test,
		       &loss, &acc, f.work);
	model_evaluate(&f.m, zero, f.ds.x_test, f.ds.y_test, f.ds.n_test,
		       &loss0, &acc0, f.work);
	if (!(acc > 0.8))
		fail_msg("accuracy at the truth %g", acc);
	assert_true(acc0 < 0.7);
	assert_true(loss < loss0);
	fixture_release(&f);
}

/* The quadratic's evaluation: mean of r^2 / 2, no accuracy. */
static void test_quadratic_evaluate(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, MODEL_QUADRATIC, 0.7, 300, 3, 4, 0.5, 0, 71, 1);
	double x[3], loss, acc;
	random_point(x, 3, 8);
	model_evaluate(&f.m, x, f.ds.x, f.ds.y, f.ds.n, &loss, &acc, f.work);
	double full = model_full_grad(&f.m, x, NULL, f.work);
	double penalty = 0.5 * 0.7 * norm2(x, 3) * norm2(x, 3);
	assert_near(loss, full - penalty, 1e-12 * full);
	assert_true(isnan(acc));
	fixture_release(&f);
}

/* The workspace a model asks for does not grow with N nor past a chunk of
 * rows, and the operations stay inside it (canaries). */
static void test_workspace_independent_of_n(void **state)
{
	(void)state;
	const enum model_kind kinds[] = { MODEL_QUADRATIC, MODEL_LOGREG };
	for (size_t k = 0; k < 2; k++) {
		struct fixture small, big;
		fixture_make(&small, kinds[k], 0.01, 300, 10, 3, 0.1, 0, 81, 1);
		fixture_make(&big, kinds[k], 0.01, 5000, 10, 3, 0.1, 0, 81, 1000);
		assert_int_equal(model_workspace_size(&small.m, 1),
				 model_workspace_size(&big.m, 1));
		assert_int_equal(model_workspace_size(&small.m, 32),
				 model_workspace_size(&big.m, 32));
		assert_int_equal(model_workspace_size(&big.m, 1000),
				 model_workspace_size(&big.m, 100000));
		double x[10], g[10];
		random_point(x, 10, 9);
		model_full_grad(&small.m, x, g, small.work);
		model_full_grad(&big.m, x, g, big.work);
		size_t *idx = malloc(1000 * sizeof *idx);
		assert_non_null(idx);
		for (size_t i = 0; i < 1000; i++)
			idx[i] = (i * 7919) % 5000;
		model_batch_grad(&big.m, x, idx, 1000, g, big.work);
		model_evaluate(&big.m, x, big.ds.x, big.ds.y, big.ds.n, &g[0], &g[1],
			       big.work);
		free(idx);
		fixture_release(&small);
		fixture_release(&big);
	}
}

/* Same inputs, same bytes. */
static void test_batch_grad_deterministic(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, MODEL_LOGREG, 0.01, 200, 7, 3, 0, 0, 91, BATCH_B);
	double x[7], g1[7], g2[7];
	random_point(x, 7, 10);
	double l1 = model_batch_grad(&f.m, x, batch_idx, BATCH_B, g1, f.work);
	double l2 = model_batch_grad(&f.m, x, batch_idx, BATCH_B, g2, f.work);
	assert_memory_equal(&l1, &l2, sizeof l1);
	assert_memory_equal(g1, g2, sizeof g1);
	fixture_release(&f);
}

/* The timing-only model: no data, no dimension, no workspace, zeros. */
static void test_none_model(void **state)
{
	(void)state;
	struct model m;
	struct model_config mc = { .kind = MODEL_NONE };
	struct diag d;
	diag_init(&d);
	assert_int_equal(model_init(&m, &mc, NULL, &d), ASG_OK);
	assert_int_equal(m.dim, 0);
	assert_string_equal(m.ops->name, "none");
	assert_int_equal(model_workspace_size(&m, 64), 0);
	size_t idx[1] = { 0 };
	assert_near(model_batch_grad(&m, NULL, idx, 1, NULL, NULL), 0, 0);
	assert_near(model_full_grad(&m, NULL, NULL, NULL), 0, 0);
	double loss = 1, acc = 1;
	model_evaluate(&m, NULL, NULL, NULL, 0, &loss, &acc, NULL);
	assert_near(loss, 0, 0);
	assert_near(acc, 0, 0);
}

static void test_model_ops_of(void **state)
{
	(void)state;
	assert_string_equal(model_ops_of(MODEL_NONE)->name, "none");
	assert_string_equal(model_ops_of(MODEL_QUADRATIC)->name, "quadratic");
	assert_string_equal(model_ops_of(MODEL_LOGREG)->name, "logreg");
	assert_int_equal(model_ops_of(MODEL_QUADRATIC)->task, TASK_REGRESSION);
	assert_int_equal(model_ops_of(MODEL_LOGREG)->task, TASK_BINARY);
}

/* Bad input to model_init is a message, not a crash. */
static void test_model_init_rejects_bad_input(void **state)
{
	(void)state;
	double x[4] = { 1, 2, 3, 4 }, y[2] = { 0.5, 1 };
	struct dataset ds = { .n = 2, .d = 2, .x = x, .y = y };
	struct model m;
	struct diag d;
	struct model_config logreg = { .kind = MODEL_LOGREG, .l2 = 0 };
	diag_init(&d);
	assert_int_equal(model_init(&m, &logreg, &ds, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model 'logreg' needs 0/1 labels, sample 0 has 0.5");
	struct model_config negative = { .kind = MODEL_QUADRATIC, .l2 = -1 };
	diag_init(&d);
	assert_int_equal(model_init(&m, &negative, &ds, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model.l2 must be a finite number >= 0, not -1");
	struct model_config quad = { .kind = MODEL_QUADRATIC, .l2 = 0 };
	diag_init(&d);
	assert_int_equal(model_init(&m, &quad, &ds, &d), ASG_OK);
	assert_int_equal(m.dim, 2);
}

/* ---- the network models ---- */

/* A network fixture on n samples of a handmade case's shape. */
static void fixture_case(struct fixture *f, size_t k, size_t n, uint64_t seed,
			 size_t batch)
{
	struct handmade hm = handmade_cases[k];
	hm.n = n;
	fixture_handmade(f, &hm, seed, batch);
}

/* The index of the handmade case named `name`. */
static size_t handmade_index(const char *name)
{
	for (size_t k = 0; k < NHANDMADE; k++)
		if (!strcmp(handmade_cases[k].name, name))
			return k;
	fail_msg("no handmade case '%s'", name);
	return 0;
}

/* The logits of one sample by the definitions of net.h and cnn.c, loop by
 * loop, maps kept channel-first here: for each convolution
 * y(o, r, q) = b_o + sum_{ch, i, j} W(o; ch, i, j) a(ch, r + i, q + j),
 * ReLU, the maximum of each 2x2 window; the pooled maps flattened in
 * (row, column, channel) order; dense layers with ReLU but the last.
 * `a` and `b` are scratch of at least the largest layer's values. */
static void reference_logits(const struct model *m, const double *x,
			     const double *sample, double *a, double *b,
			     double *logits)
{
	size_t last = m->net.nlayers - 1;
	memcpy(a, sample, m->data->d * sizeof *a);
	for (size_t i = 0; i <= last; i++) {
		const struct model_layer *l = &m->net.layer[i];
		const double *W = x + l->weight, *bias = x + l->bias;
		if (l->kind == MODEL_LAYER_CONV) {
			size_t k = l->k, oh = l->h - k + 1, ow = l->w - k + 1;
			size_t ph = oh / 2, pw = ow / 2;
			for (size_t o = 0; o < l->out; o++)
				for (size_t r = 0; r < ph; r++)
					for (size_t q = 0; q < pw; q++) {
						double best = -INFINITY;
						for (size_t u = 0; u < 4; u++) {
							size_t rr = 2 * r + u / 2, qq = 2 * q + u % 2;
							double y = bias[o];
							for (size_t ch = 0; ch < l->in; ch++)
								for (size_t s = 0; s < k; s++)
									for (size_t t = 0; t < k; t++)
										y += W[((o * l->in + ch) * k + s) * k + t] *
										     a[(ch * l->h + rr + s) * l->w + qq + t];
							best = fmax(best, fmax(y, 0));
						}
						b[(o * ph + r) * pw + q] = best;
					}
			bool flatten = i + 1 <= last &&
				       m->net.layer[i + 1].kind == MODEL_LAYER_DENSE;
			for (size_t o = 0; o < l->out; o++)
				for (size_t r = 0; r < ph; r++)
					for (size_t q = 0; q < pw; q++)
						a[flatten ? (r * pw + q) * l->out + o
							  : (o * ph + r) * pw + q] =
							b[(o * ph + r) * pw + q];
		} else {
			for (size_t o = 0; o < l->out; o++) {
				double y = bias[o];
				for (size_t j = 0; j < l->in; j++)
					y += W[o * l->in + j] * a[j];
				b[o] = i < last ? fmax(y, 0) : y;
			}
			memcpy(i < last ? a : logits, b, l->out * sizeof *b);
		}
	}
}

/* evaluate's loss and accuracy are those of the reference logits, on
 * every network case, at a random point. */
static void test_network_matches_reference(void **state)
{
	(void)state;
	for (size_t k = handmade_index("softmax"); k < NHANDMADE; k++) {
		struct fixture f;
		fixture_case(&f, k, 70, 800 + k, 1);
		const struct model *m = &f.m;
		size_t most = m->data->d, K = m->data->classes, right = 0;
		for (size_t i = 0; i < m->net.nlayers; i++) {
			const struct model_layer *l = &m->net.layer[i];
			size_t values = l->kind == MODEL_LAYER_CONV ? l->in * l->h * l->w
								    : l->out;
			most = values > most ? values : most;
		}
		double *x = malloc(m->dim * sizeof *x), *a = malloc(most * sizeof *a);
		double *b = malloc(most * sizeof *b), *z = malloc(K * sizeof *z);
		assert_true(x && a && b && z);
		model_point(&f, x, 900 + k);
		double want = 0;
		for (size_t n = 0; n < f.ds.n; n++) {
			reference_logits(m, x, f.ds.x + n * f.ds.d, a, b, z);
			size_t label = (size_t)f.ds.y[n], top = 0;
			double s = 0;
			for (size_t c = 0; c < K; c++) {
				s += exp(z[c]);
				top = z[c] > z[top] ? c : top;
			}
			want += log(s) - z[label];
			right += top == label;
		}
		want /= (double)f.ds.n;
		double loss, acc;
		model_evaluate(m, x, f.ds.x, f.ds.y, f.ds.n, &loss, &acc, f.work);
		if (!(fabs(loss - want) <= 1e-12 * want))
			fail_msg("%s: loss %.17g, reference %.17g", handmade_cases[k].name,
				 loss, want);
		assert_near(acc, (double)right / (double)f.ds.n, 0);
		assert_true(right > 0 && right < f.ds.n);
		free(x);
		free(a);
		free(b);
		free(z);
		fixture_release(&f);
	}
}

/* Parameter counts and where each layer's W and b are. */
static void test_network_dims(void **state)
{
	(void)state;
	static const struct handmade cases[] = {
		{ "softmax 6 -> 4", MODEL_SOFTMAX, 0, 10, .d = 6, .classes = 4 },
		{ "mlp [256, 128] on 784 -> 10", MODEL_MLP, 1e-4, 10, .d = 784,
		  .classes = 10, .hidden = { 256, 128 }, .nhidden = 2 },
		{ "cnn default on 1x28x28 -> 10", MODEL_CNN, 1e-4, 10, .ch = 1,
		  .h = 28, .w = 28, .classes = 10, .hidden = { 120, 84 },
		  .nhidden = 2, .conv = { 6, 16 }, .nconv = 2, .kernel = 5 },
	};
	/* 4 (6 + 1); 256 (784 + 1) + 128 (256 + 1) + 10 (128 + 1);
	 * 6 (1*25 + 1) + 16 (6*25 + 1) + 120 (16*4*4 + 1) + 84 (120 + 1)
	 * + 10 (84 + 1). */
	static const size_t dims[] = { 28, 235146, 44426 };
	static const size_t layers[] = { 1, 3, 5 };
	for (size_t k = 0; k < NELEM_CASES(cases); k++) {
		struct fixture f;
		fixture_handmade(&f, &cases[k], 1, 1);
		assert_int_equal(f.m.dim, dims[k]);
		assert_int_equal(f.m.net.nlayers, layers[k]);
		size_t at = 0;
		for (size_t i = 0; i < f.m.net.nlayers; i++) {
			const struct model_layer *l = &f.m.net.layer[i];
			size_t fan = l->kind == MODEL_LAYER_CONV ? l->in * l->k * l->k
								 : l->in;
			assert_int_equal(l->weight, at);
			assert_int_equal(l->bias, at + l->out * fan);
			at = l->bias + l->out;
		}
		assert_int_equal(at, f.m.dim);
		assert_int_equal(f.m.net.layer[f.m.net.nlayers - 1].out, 10 - 6 * !k);
		fixture_release(&f);
	}
}

/* At x = 0 every class has probability 1/K: the loss is log K (the
 * penalty is 0 too), and evaluate predicts class 0 (the first of tied
 * logits), right on the 11 of 42 rows labelled 0 (labels i % 4). */
static void test_softmax_loss_at_zero_is_logK(void **state)
{
	(void)state;
	struct fixture f;
	fixture_case(&f, handmade_index("softmax"), 42, 11, 1);
	double *x = malloc(f.m.dim * sizeof *x);
	assert_non_null(x);
	for (size_t j = 0; j < f.m.dim; j++)
		x[j] = 1;
	model_init_params(&f.m, x, NULL);
	for (size_t j = 0; j < f.m.dim; j++)
		assert_near(x[j], 0, 0);
	assert_near(model_full_grad(&f.m, x, NULL, f.work), log(4.0), 1e-13);
	double loss, acc;
	model_evaluate(&f.m, x, f.ds.x, f.ds.y, f.ds.n, &loss, &acc, f.work);
	assert_near(loss, log(4.0), 1e-13);
	assert_near(acc, 11.0 / 42.0, 0);
	free(x);
	fixture_release(&f);
}

/* Three well separated classes in the plane, centres at radius 3 and
 * angles 0, 120, 240 degrees, 70 points (three evaluation chunks) with
 * every 7th label wrong.  With W's rows the centres and b given, the
 * prediction is the nearest centre: accuracy 60/70; the loss is the
 * cross-entropy computed here, term by term. */
static void test_softmax_evaluate_by_hand(void **state)
{
	(void)state;
	enum { N = 70, K = 3 };
	double X[N * 2], y[N], W[K * 2 + K];
	gsl_rng *r = rng_stream_alloc(12, rng_entity(RNG_DATA, 0));
	assert_non_null(r);
	for (size_t k = 0; k < K; k++) {
		double angle = 2 * acos(-1.0) * (double)k / K;
		W[2 * k] = 3 * cos(angle);
		W[2 * k + 1] = 3 * sin(angle);
		W[2 * K + k] = 0.1 * (double)k - 0.1;
	}
	size_t wrong = 0;
	for (size_t i = 0; i < N; i++) {
		size_t k = i % K;
		X[2 * i] = W[2 * k] + gsl_ran_gaussian(r, 0.3);
		X[2 * i + 1] = W[2 * k + 1] + gsl_ran_gaussian(r, 0.3);
		y[i] = (double)(i % 7 == 0 ? (k + 1) % K : k);
		wrong += i % 7 == 0;
	}
	gsl_rng_free(r);
	assert_int_equal(wrong, 10);
	double want = 0;
	for (size_t i = 0; i < N; i++) {
		double z[K], s = 0;
		for (size_t k = 0; k < K; k++) {
			z[k] = W[2 * k] * X[2 * i] + W[2 * k + 1] * X[2 * i + 1] +
			       W[2 * K + k];
			s += exp(z[k]);
		}
		want += log(s) - z[(size_t)y[i]];
	}
	want /= N;
	struct dataset ds = { .n = N, .d = 2, .x = X, .y = y, .classes = K };
	struct model_config mc = { .kind = MODEL_SOFTMAX, .l2 = 1 };
	struct model m;
	struct diag d;
	diag_init(&d);
	assert_int_equal(model_init(&m, &mc, &ds, &d), ASG_OK);
	assert_int_equal(m.dim, 9);
	double *work = malloc(model_workspace_size(&m, 1) * sizeof *work);
	assert_non_null(work);
	double loss, acc;
	model_evaluate(&m, W, X, y, N, &loss, &acc, work);
	assert_near(acc, 60.0 / 70.0, 0);
	assert_near(loss, want, 1e-12 * want);
	free(work);
}

/* The penalty is (l2/2) sum ||W||^2 over the weights only: the full loss
 * minus evaluate's is that sum, and the gradient minus the one with l2 = 0
 * is l2 W on the weights and exactly 0 on the biases. */
static void test_network_penalty_on_weights_only(void **state)
{
	(void)state;
	for (size_t k = handmade_index("softmax"); k < NHANDMADE; k++) {
		struct fixture f;
		fixture_case(&f, k, 50, 600 + k, 1);
		size_t dim = f.m.dim;
		double *x = malloc(dim * sizeof *x), *g = malloc(dim * sizeof *g);
		double *g0 = malloc(dim * sizeof *g0);
		assert_true(x && g && g0);
		model_point(&f, x, 700 + k);
		double squares = 0, l2 = f.m.l2;
		for (size_t i = 0; i < f.m.net.nlayers; i++) {
			const struct model_layer *l = &f.m.net.layer[i];
			for (size_t j = l->weight; j < l->bias; j++)
				squares += x[j] * x[j];
		}
		double full = model_full_grad(&f.m, x, g, f.work), loss, acc;
		model_evaluate(&f.m, x, f.ds.x, f.ds.y, f.ds.n, &loss, &acc, f.work);
		assert_near(full - loss, 0.5 * l2 * squares, 1e-12 * full);
		struct model bare = f.m;
		bare.l2 = 0;
		double full0 = model_full_grad(&bare, x, g0, f.work);
		assert_near(full0, loss, 1e-12 * loss);
		for (size_t i = 0; i < f.m.net.nlayers; i++) {
			const struct model_layer *l = &f.m.net.layer[i];
			for (size_t j = l->weight; j < l->bias; j++)
				assert_near(g[j] - g0[j], l2 * x[j], 1e-14);
			for (size_t j = l->bias; j < l->bias + l->out; j++)
				assert_near(g[j], g0[j], 0);
		}
		free(x);
		free(g);
		free(g0);
		fixture_release(&f);
	}
}

/* He initialisation: each layer's weights have mean 0 and variance
 * 2 / fan_in (checked on layers of more than 30000 weights, where the
 * sample variance is within 2.5% with overwhelming probability), biases
 * are 0, and the same seed gives the same bytes. */
static void test_network_init_he(void **state)
{
	(void)state;
	static const struct handmade cases[] = {
		{ "mlp", MODEL_MLP, 1e-4, 10, .d = 784, .classes = 10,
		  .hidden = { 256, 128 }, .nhidden = 2 },
		{ "cnn", MODEL_CNN, 1e-4, 10, .ch = 1, .h = 28, .w = 28,
		  .classes = 10, .hidden = { 120, 84 }, .nhidden = 2,
		  .conv = { 6, 16 }, .nconv = 2, .kernel = 5 },
	};
	for (size_t k = 0; k < NELEM_CASES(cases); k++) {
		struct fixture f;
		fixture_handmade(&f, &cases[k], 1, 1);
		size_t dim = f.m.dim, checked = 0;
		double *x = malloc(dim * sizeof *x), *x2 = malloc(dim * sizeof *x2);
		assert_true(x && x2);
		gsl_rng *r = rng_stream_alloc(5, rng_entity(RNG_MODEL, 0));
		assert_non_null(r);
		model_init_params(&f.m, x, r);
		gsl_rng_set(r, 0);
		gsl_rng_free(r);
		r = rng_stream_alloc(5, rng_entity(RNG_MODEL, 0));
		model_init_params(&f.m, x2, r);
		gsl_rng_free(r);
		assert_memory_equal(x, x2, dim * sizeof *x);
		for (size_t i = 0; i < f.m.net.nlayers; i++) {
			const struct model_layer *l = &f.m.net.layer[i];
			size_t nw = l->bias - l->weight, fan = nw / l->out;
			for (size_t j = l->bias; j < l->bias + l->out; j++)
				assert_near(x[j], 0, 0);
			if (nw < 30000)
				continue;
			double mean = 0, var = 0;
			for (size_t j = l->weight; j < l->bias; j++)
				mean += x[j];
			mean /= (double)nw;
			for (size_t j = l->weight; j < l->bias; j++)
				var += (x[j] - mean) * (x[j] - mean);
			var /= (double)(nw - 1);
			double want = 2.0 / (double)fan;
			assert_near(mean, 0, 5 * sqrt(want / (double)nw));
			assert_near(var / want, 1, 0.025);
			checked++;
		}
		assert_true(checked >= 1);
		free(x);
		free(x2);
		fixture_release(&f);
	}
}

/* Plain gradient descent on the full gradient for `steps` steps of size
 * `step` from the model's initial point (seed 3). */
static void descend(struct fixture *f, double *x, size_t steps, double step)
{
	double *g = malloc(f->m.dim * sizeof *g);
	assert_non_null(g);
	gsl_rng *r = rng_stream_alloc(3, rng_entity(RNG_MODEL, 0));
	assert_non_null(r);
	model_init_params(&f->m, x, r);
	gsl_rng_free(r);
	for (size_t t = 0; t < steps; t++) {
		model_full_grad(&f->m, x, g, f->work);
		for (size_t j = 0; j < f->m.dim; j++)
			x[j] -= step * g[j];
	}
	free(g);
}

/* XOR: four clusters at (+-1, +-1), class 1 where both signs agree.  No
 * linear classifier gets more than 3 of the 4 clusters right; an mlp
 * with one hidden layer of 8 learns all of them. */
static void test_mlp_learns_xor(void **state)
{
	(void)state;
	enum { N = 80 };
	static const double sign[4][2] = { { 1, 1 }, { -1, -1 }, { 1, -1 }, { -1, 1 } };
	struct fixture f[2];
	const enum model_kind kinds[2] = { MODEL_MLP, MODEL_SOFTMAX };
	double acc[2];
	for (size_t k = 0; k < 2; k++) {
		struct dataset *ds = &f[k].ds;
		*ds = (struct dataset){ .n = N, .d = 2, .classes = 2 };
		ds->x = malloc(N * 2 * sizeof *ds->x);
		ds->y = malloc(N * sizeof *ds->y);
		assert_true(ds->x && ds->y);
		gsl_rng *r = rng_stream_alloc(13, rng_entity(RNG_DATA, 0));
		assert_non_null(r);
		for (size_t i = 0; i < N; i++) {
			ds->x[2 * i] = sign[i % 4][0] + gsl_ran_gaussian(r, 0.15);
			ds->x[2 * i + 1] = sign[i % 4][1] + gsl_ran_gaussian(r, 0.15);
			ds->y[i] = i % 4 < 2;
		}
		gsl_rng_free(r);
		struct model_config mc = { .kind = kinds[k], .l2 = 1e-4,
					   .hidden = { 8 }, .nhidden = 1 };
		struct diag d;
		diag_init(&d);
		if (model_init(&f[k].m, &mc, ds, &d) != ASG_OK)
			fail_msg("%s", d.text);
		fixture_workspace(&f[k], 1);
		double *x = malloc(f[k].m.dim * sizeof *x);
		assert_non_null(x);
		descend(&f[k], x, 2000, 0.5);
		double loss;
		model_evaluate(&f[k].m, x, ds->x, ds->y, N, &loss, &acc[k], f[k].work);
		free(x);
		fixture_release(&f[k]);
	}
	if (!(acc[0] == 1.0))
		fail_msg("mlp accuracy %g on xor", acc[0]);
	if (!(acc[1] <= 0.75))
		fail_msg("softmax accuracy %g on xor", acc[1]);
}

/* Images 1x8x8 of a bright bar on noise: vertical (class 0) or
 * horizontal (class 1), at a random place.  A cnn of one convolution
 * learns them: every training image right, and at least 95% of 100 new
 * ones. */
static void make_bars(struct dataset *ds, size_t n, gsl_rng *r, double **x,
		      double **y)
{
	*x = malloc(n * 64 * sizeof **x);
	*y = malloc(n * sizeof **y);
	assert_true(*x && *y);
	for (size_t i = 0; i < n; i++) {
		size_t at = 1 + gsl_rng_uniform_int(r, 6);
		bool vertical = i % 2 == 0;
		for (size_t p = 0; p < 64; p++) {
			size_t row = p / 8, col = p % 8;
			double bar = (vertical ? col : row) == at;
			(*x)[i * 64 + p] = bar + gsl_ran_gaussian(r, 0.2);
		}
		(*y)[i] = !vertical;
	}
}

static void test_cnn_learns_bars(void **state)
{
	(void)state;
	struct fixture f;
	struct dataset *ds = &f.ds;
	*ds = (struct dataset){ .n = 60, .d = 64, .classes = 2, .channels = 1,
				.height = 8, .width = 8, .n_test = 100 };
	gsl_rng *r = rng_stream_alloc(14, rng_entity(RNG_DATA, 0));
	assert_non_null(r);
	make_bars(ds, ds->n, r, &ds->x, &ds->y);
	make_bars(ds, ds->n_test, r, &ds->x_test, &ds->y_test);
	gsl_rng_free(r);
	struct model_config mc = { .kind = MODEL_CNN, .l2 = 1e-4, .channels = { 4 },
				   .nchannels = 1, .kernel = 3 };
	struct diag d;
	diag_init(&d);
	if (model_init(&f.m, &mc, ds, &d) != ASG_OK)
		fail_msg("%s", d.text);
	fixture_workspace(&f, 1);
	double *x = malloc(f.m.dim * sizeof *x);
	assert_non_null(x);
	descend(&f, x, 300, 0.1);
	double loss, acc, test_loss, test_acc;
	model_evaluate(&f.m, x, ds->x, ds->y, ds->n, &loss, &acc, f.work);
	model_evaluate(&f.m, x, ds->x_test, ds->y_test, ds->n_test, &test_loss,
		       &test_acc, f.work);
	if (!(acc == 1.0 && test_acc >= 0.95))
		fail_msg("cnn accuracy %g (loss %g), held-out %g (loss %g)", acc, loss,
			 test_acc, test_loss);
	free(x);
	fixture_release(&f);
}

/* The networks' workspace does not grow with N nor past NET_BATCH_MAX
 * rows, and every operation stays inside it (canaries). */
static void test_network_workspace_independent_of_n(void **state)
{
	(void)state;
	for (size_t k = handmade_index("softmax"); k < NHANDMADE; k++) {
		struct fixture small, big;
		fixture_case(&small, k, 300, 81, 1);
		fixture_case(&big, k, 5000, 81, 1000);
		assert_int_equal(model_workspace_size(&small.m, 1),
				 model_workspace_size(&big.m, 1));
		assert_int_equal(model_workspace_size(&small.m, 64),
				 model_workspace_size(&big.m, 64));
		assert_int_equal(model_workspace_size(&big.m, 1000),
				 model_workspace_size(&big.m, 100000));
		double *x = malloc(big.m.dim * sizeof *x), *g = malloc(big.m.dim * sizeof *g);
		size_t *idx = malloc(1000 * sizeof *idx);
		assert_true(x && g && idx);
		model_point(&big, x, 9);
		for (size_t i = 0; i < 1000; i++)
			idx[i] = (i * 7919) % 5000;
		double l = model_full_grad(&small.m, x, g, small.work);
		l += model_full_grad(&big.m, x, g, big.work);
		l += model_batch_grad(&big.m, x, idx, 1000, g, big.work);
		double loss, acc;
		model_evaluate(&big.m, x, big.ds.x, big.ds.y, big.ds.n, &loss, &acc,
			       big.work);
		assert_true(isfinite(l) && isfinite(loss) && acc >= 0 && acc <= 1);
		free(x);
		free(g);
		free(idx);
		fixture_release(&small);
		fixture_release(&big);
	}
}

/* Same inputs, same bytes, for a batch of two chunks too. */
static void test_network_batch_grad_deterministic(void **state)
{
	(void)state;
	struct fixture f;
	fixture_case(&f, handmade_index("cnn 2x10x10 [3, 4] k3 [5]"), 400, 92, 300);
	size_t dim = f.m.dim, idx[300];
	for (size_t i = 0; i < 300; i++)
		idx[i] = (i * 13) % 400;
	double *x = malloc(dim * sizeof *x), *g1 = malloc(dim * sizeof *g1);
	double *g2 = malloc(dim * sizeof *g2);
	assert_true(x && g1 && g2);
	model_point(&f, x, 10);
	double l1 = model_batch_grad(&f.m, x, idx, 300, g1, f.work);
	double l2 = model_batch_grad(&f.m, x, idx, 300, g2, f.work);
	assert_memory_equal(&l1, &l2, sizeof l1);
	assert_memory_equal(g1, g2, dim * sizeof *g1);
	free(x);
	free(g1);
	free(g2);
	fixture_release(&f);
}

/* model_init's messages for data the networks cannot use. */
static void test_network_init_rejects_bad_input(void **state)
{
	(void)state;
	double x[2 * 64] = { 0 }, y[2] = { 0, 1 }, yt[1] = { 2 };
	struct dataset flat = { .n = 2, .d = 64, .x = x, .y = y, .classes = 2 };
	struct dataset img = flat;
	img.channels = 1;
	img.height = img.width = 8;
	struct model m;
	struct diag d;
	struct model_config cnn = { .kind = MODEL_CNN, .l2 = 1e-4,
				    .channels = { 6, 16 }, .nchannels = 2,
				    .kernel = 5 };
	const struct {
		const struct dataset *ds;
		const char *text;
	} cases[] = {
		{ &flat, "model 'cnn' needs images (data with channels, "
		  "height and width, such as data.kind idx), the data has 64 features "
		  "and no image shape" },
		{ &img, "model 'cnn': convolution 2 (kernel 5, then 2x2 "
		  "pooling) needs maps larger than 5x5, it gets 2x2 from 1x8x8 images" },
	};
	for (size_t k = 0; k < NELEM_CASES(cases); k++) {
		diag_init(&d);
		assert_int_equal(model_init(&m, &cnn, cases[k].ds, &d), ASG_EINPUT);
		assert_string_equal(d.text, cases[k].text);
		assert_int_equal(m.dim, 0);
	}
	struct model_config softmax = { .kind = MODEL_SOFTMAX, .l2 = 1e-4 };
	struct dataset bad = flat;
	bad.classes = 1;
	diag_init(&d);
	assert_int_equal(model_init(&m, &softmax, &bad, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model 'softmax' needs at least 2 classes, the data has 1");
	double ybad[2] = { 0, 1.5 };
	bad = flat;
	bad.y = ybad;
	diag_init(&d);
	assert_int_equal(model_init(&m, &softmax, &bad, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model 'softmax' needs class labels 0 .. 1, "
			    "training sample 1 has 1.5");
	bad = flat;
	bad.n_test = 1;
	bad.x_test = x;
	bad.y_test = yt;
	diag_init(&d);
	assert_int_equal(model_init(&m, &softmax, &bad, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model 'softmax' needs class labels 0 .. 1, "
			    "held-out sample 0 has 2");
	diag_init(&d);
	assert_int_equal(model_init(&m, &softmax, &flat, &d), ASG_OK);
	assert_int_equal(m.dim, 2 * 64 + 2);
	struct model_config huge = { .kind = MODEL_MLP, .hidden = { 1000, 3000000 },
				     .nhidden = 2 };
	diag_init(&d);
	assert_int_equal(model_init(&m, &huge, &flat, &d), ASG_EINPUT);
	assert_string_equal(d.text, "model 'mlp': layer 2 is too large for BLAS, "
			    "whose sizes are limited to 2147483647");
	assert_int_equal(m.dim, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_grad_matches_finite_differences),
		cmocka_unit_test(test_full_grad_matches_finite_differences),
		cmocka_unit_test(test_full_grad_equals_batch_over_all),
		cmocka_unit_test(test_quadratic_zero_at_truth),
		cmocka_unit_test(test_logreg_loss_at_zero_is_log2),
		cmocka_unit_test(test_logreg_accuracy_at_truth),
		cmocka_unit_test(test_quadratic_evaluate),
		cmocka_unit_test(test_workspace_independent_of_n),
		cmocka_unit_test(test_batch_grad_deterministic),
		cmocka_unit_test(test_none_model),
		cmocka_unit_test(test_model_ops_of),
		cmocka_unit_test(test_model_init_rejects_bad_input),
		cmocka_unit_test(test_network_dims),
		cmocka_unit_test(test_network_matches_reference),
		cmocka_unit_test(test_softmax_loss_at_zero_is_logK),
		cmocka_unit_test(test_softmax_evaluate_by_hand),
		cmocka_unit_test(test_network_penalty_on_weights_only),
		cmocka_unit_test(test_network_init_he),
		cmocka_unit_test(test_mlp_learns_xor),
		cmocka_unit_test(test_cnn_learns_bars),
		cmocka_unit_test(test_network_workspace_independent_of_n),
		cmocka_unit_test(test_network_batch_grad_deterministic),
		cmocka_unit_test(test_network_init_rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
