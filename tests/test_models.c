/*
 * test_models.c — each model's loss and gradients.
 *
 * Gradients are checked against central finite differences of the loss
 * the same operation returns (step h = 1e-5 (1 + |x_j|), relative error of
 * the whole vector below 1e-6) on small synthetic datasets; the full
 * gradient against the batch gradient over every index (relative 1e-12);
 * closed forms: the quadratic is 0 with a zero gradient at the truth of
 * noiseless data, the logistic loss at x = 0 is log 2.  Workspaces are
 * checked with canaries written just past the size the model asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "models/model.h"
#include "src/engine/rng.h"

#define CANARY 1234.5678  /* written past a workspace, must survive */
#define NCANARY 64

/* A model over its own dataset, with a workspace for `batch`. */
struct fixture {
	struct dataset ds;   /* the samples */
	struct model m;      /* the model over ds */
	double *work;        /* workspace for batches up to `batch`, + canaries */
	size_t nwork;        /* doubles the model asked for */
};

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
	f->nwork = model_workspace_size(&f->m, batch);
	f->work = malloc((f->nwork + NCANARY) * sizeof *f->work);
	assert_non_null(f->work);
	for (size_t i = 0; i < NCANARY; i++)
		f->work[f->nwork + i] = CANARY;
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

struct grad_case {
	enum model_kind kind;
	double l2;
};

static const struct grad_case grad_cases[] = {
	{ MODEL_QUADRATIC, 0.0 },
	{ MODEL_QUADRATIC, 0.1 },
	{ MODEL_LOGREG, 1e-4 },
	{ MODEL_LOGREG, 0.5 },
};

static const size_t batch_idx[] = { 3, 17, 3, 39, 0, 22, 8 };  /* repeats allowed */
#define BATCH_B (sizeof batch_idx / sizeof batch_idx[0])

static void check_gradients(const size_t *idx, size_t b)
{
	for (size_t k = 0; k < sizeof grad_cases / sizeof grad_cases[0]; k++) {
		const struct grad_case *gc = &grad_cases[k];
		struct fixture f;
		fixture_make(&f, gc->kind, gc->l2, 40, 5, 10, 0.3, 0, 21, b ? b : 1);
		double x[5], g[5], g_fd[5];
		random_point(x, 5, 100 + k);
		double loss = loss_at(&f, x, idx, b, g);
		assert_true(isfinite(loss));
		finite_differences(&f, x, idx, b, g_fd);
		double err = rel_error(g, g_fd, 5);
		if (!(err < 1e-6))
			fail_msg("case %zu (%s, l2 %g, %s): relative error %g",
				 k, f.m.ops->name, gc->l2, idx ? "batch" : "full", err);
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

/* Over 600 rows (three chunks) the batch 0 .. N-1 is the full gradient, and
 * full_grad without g returns the same loss. */
static void test_full_grad_equals_batch_over_all(void **state)
{
	(void)state;
	const enum model_kind kinds[] = { MODEL_QUADRATIC, MODEL_LOGREG };
	for (size_t k = 0; k < 2; k++) {
		struct fixture f;
		fixture_make(&f, kinds[k], 0.05, 600, 4, 30, 0.2, 0, 31, 600);
		size_t *all = malloc(600 * sizeof *all);
		assert_non_null(all);
		for (size_t i = 0; i < 600; i++)
			all[i] = i;
		double x[4], gb[4], gf[4];
		random_point(x, 4, 7);
		double lb = model_batch_grad(&f.m, x, all, 600, gb, f.work);
		double lf = model_full_grad(&f.m, x, gf, f.work);
		double lonly = model_full_grad(&f.m, x, NULL, f.work);
		assert_float_equal(lb, lf, 1e-12 * fabs(lf));
		assert_float_equal(lonly, lf, 0);
		if (!(rel_error(gb, gf, 4) < 1e-12))
			fail_msg("%s: batch and full gradients differ by %g",
				 f.m.ops->name, rel_error(gb, gf, 4));
		free(all);
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
		assert_float_equal(x[j], 0.0, 0);
	assert_float_equal(model_full_grad(&f.m, x, NULL, f.work), log(2.0), 1e-15);
	double loss, acc;
	model_evaluate(&f.m, x, f.ds.x_test, f.ds.y_test, f.ds.n_test, &loss, &acc,
		       f.work);
	assert_float_equal(loss, log(2.0), 1e-15);
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
	assert_float_equal(loss, full - penalty, 1e-12 * full);
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
	assert_float_equal(model_batch_grad(&m, NULL, idx, 1, NULL, NULL), 0, 0);
	assert_float_equal(model_full_grad(&m, NULL, NULL, NULL), 0, 0);
	double loss = 1, acc = 1;
	model_evaluate(&m, NULL, NULL, NULL, 0, &loss, &acc, NULL);
	assert_float_equal(loss, 0, 0);
	assert_float_equal(acc, 0, 0);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
