/*
 * test_model_timing.c — the cost of one batch gradient of the network
 * models at the sizes of Fashion-MNIST (28x28 grey images, 10 classes),
 * with OpenBLAS on one thread as in a simulation.
 *
 * Measured: the default cnn (channels [6, 16], kernel 5, hidden [120, 84])
 * at batch 32 and 64, and the mlp [256, 128] at batch 64; each time is the
 * median of 15 calls after 2 warm-up calls, printed (not asserted: the
 * machine decides it).  Asserted: every call gives the same bytes, and
 * the gradient of a batch of 64 is the mean of the gradients of its two
 * halves (relative 1e-12).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>

#include "models/model.h"
#include "src/engine/rng.h"

#define SAMPLES 512
#define CALLS 15

/* Random 1x28x28 images with pixels in [0, 1) and labels i % 10. */
static void images_make(struct dataset *ds)
{
	*ds = (struct dataset){ .n = SAMPLES, .d = 784, .classes = 10,
				.channels = 1, .height = 28, .width = 28 };
	ds->x = malloc(SAMPLES * 784 * sizeof *ds->x);
	ds->y = malloc(SAMPLES * sizeof *ds->y);
	assert_true(ds->x && ds->y);
	gsl_rng *r = rng_stream_alloc(1, rng_entity(RNG_DATA, 0));
	assert_non_null(r);
	for (size_t i = 0; i < SAMPLES * 784; i++)
		ds->x[i] = gsl_rng_uniform(r);
	for (size_t i = 0; i < SAMPLES; i++)
		ds->y[i] = (double)(i % 10);
	gsl_rng_free(r);
}

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Time batch_grad of cfg on the images at `batch`; check its bytes repeat
 * and that it is the mean of its halves' gradients. */
static void time_batch_grad(const struct model_config *cfg, const char *what,
			    size_t batch)
{
	struct dataset ds;
	struct model m;
	struct diag d;
	images_make(&ds);
	diag_init(&d);
	if (model_init(&m, cfg, &ds, &d) != ASG_OK)
		fail_msg("%s: %s", what, d.text);
	size_t dim = m.dim, half = batch / 2;
	double *work = malloc(model_workspace_size(&m, batch) * sizeof *work);
	double *x = malloc(dim * sizeof *x), *g = malloc(dim * sizeof *g);
	double *g0 = malloc(dim * sizeof *g0), *ga = malloc(dim * sizeof *ga);
	double *gb = malloc(dim * sizeof *gb);
	size_t *idx = malloc(batch * sizeof *idx);
	assert_true(work && x && g && g0 && ga && gb && idx);
	gsl_rng *r = rng_stream_alloc(2, rng_entity(RNG_MODEL, 0));
	assert_non_null(r);
	model_init_params(&m, x, r);
	gsl_rng_free(r);
	for (size_t i = 0; i < batch; i++)
		idx[i] = (i * 37) % SAMPLES;

	double times[CALLS];
	double l0 = model_batch_grad(&m, x, idx, batch, g0, work);
	model_batch_grad(&m, x, idx, batch, g, work);
	for (size_t c = 0; c < CALLS; c++) {
		double start = seconds_now();
		double l = model_batch_grad(&m, x, idx, batch, g, work);
		times[c] = seconds_now() - start;
		assert_memory_equal(&l, &l0, sizeof l);
		assert_memory_equal(g, g0, dim * sizeof *g);
	}
	qsort(times, CALLS, sizeof *times, compare_doubles);
	print_message("%s, batch %zu (%zu parameters): %.3f ms per batch_grad "
		      "(median of %d; fastest %.3f ms)\n", what, batch, dim,
		      1e3 * times[CALLS / 2], CALLS, 1e3 * times[0]);

	double la = model_batch_grad(&m, x, idx, half, ga, work);
	double lb = model_batch_grad(&m, x, idx + half, batch - half, gb, work);
	assert_true(isfinite(l0));
	if (!(fabs(l0 - 0.5 * (la + lb)) <= 1e-12 * fabs(l0)))
		fail_msg("%s: batch loss %.17g, halves %.17g", what, l0,
			 0.5 * (la + lb));
	double diff = 0, norm = 0;
	for (size_t j = 0; j < dim; j++) {
		double mean = 0.5 * (ga[j] + gb[j]);
		diff += (g0[j] - mean) * (g0[j] - mean);
		norm += g0[j] * g0[j];
	}
	if (!(sqrt(diff) <= 1e-12 * sqrt(norm)))
		fail_msg("%s: batch gradient and its halves' mean differ by %g",
			 what, sqrt(diff / norm));
	free(work);
	free(x);
	free(g);
	free(g0);
	free(ga);
	free(gb);
	free(idx);
	dataset_release(&ds);
}

static void test_cnn_default(void **state)
{
	(void)state;
	struct model_config cfg = { .kind = MODEL_CNN, .l2 = 1e-4,
				    .hidden = { 120, 84 }, .nhidden = 2,
				    .channels = { 6, 16 }, .nchannels = 2,
				    .kernel = 5 };
	time_batch_grad(&cfg, "cnn [6, 16] k5 [120, 84]", 32);
	time_batch_grad(&cfg, "cnn [6, 16] k5 [120, 84]", 64);
}

static void test_mlp_256_128(void **state)
{
	(void)state;
	struct model_config cfg = { .kind = MODEL_MLP, .l2 = 1e-4,
				    .hidden = { 256, 128 }, .nhidden = 2 };
	time_batch_grad(&cfg, "mlp [256, 128]", 64);
}

int main(void)
{
	/* As `asgdsim run` does: a simulation's gradients on one thread. */
	openblas_set_num_threads(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cnn_default),
		cmocka_unit_test(test_mlp_256_128),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
