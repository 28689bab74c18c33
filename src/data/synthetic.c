/*
 * synthetic.c — a generated least-squares or logistic-regression problem
 * whose Hessian has a prescribed condition number.
 *
 * With N samples of d features (N >= d) and condition number kappa:
 *     G ~ N(0, 1)^(N x d),  G = Q R     thin QR: Q is N x d, Q^T Q = I_d
 *     W ~ N(0, 1)^(d x d),  W = V R'    V orthogonal (Haar: diag R' > 0)
 *     s_j = kappa^(j / (2 (d - 1))),    j = 0 .. d-1: 1 .. sqrt(kappa)
 *     A = sqrt(N) Q diag(s) V^T
 * so that the Hessian of least squares is, up to rounding,
 *     H = A^T A / N = V diag(s^2) V^T,  eigenvalues 1 .. kappa,
 * condition number exactly kappa, and each row a_i is close to a draw from
 * N(0, V diag(s^2) V^T).  The truth is x* ~ N(0, I_d) / sqrt(d); for a
 * binary task it is rescaled to norm 3, so that the margins a_i . x* spread
 * over a few units and the classes are learnable.  Labels:
 *     regression  y_i = a_i . x* + noise e_i,   e_i ~ N(0, 1)
 *     binary      y_i ~ Bernoulli(sigmoid(a_i . x*))
 *
 * Draws, in this order, from the one generator given (the run's RNG_DATA
 * stream): G row by row, W row by row, x*, then one draw per label (e_i
 * even when noise is 0, so that runs differing only in noise share all
 * else).  Cost O(N d^2) (QR and one product, BLAS-3); memory 2 N d doubles
 * at the peak.
 */
#include "data_impl.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <cblas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>

/* Norm of the truth of a binary task. */
#define SYNTHETIC_BINARY_NORM 3.0

static asg_status synthetic_check(const struct data_config *cfg,
				  struct diag *d)
{
	if (cfg->samples < 1 || cfg->features < 1)
		return diag_set(d, ASG_EINPUT,
				"data.samples (%ld) and data.features (%ld) must be positive",
				cfg->samples, cfg->features);
	if (cfg->samples < cfg->features)
		return diag_set(d, ASG_EINPUT,
				"data.samples (%ld) must be at least data.features (%ld) for synthetic data",
				cfg->samples, cfg->features);
	if (!(cfg->condition >= 1.0) || !isfinite(cfg->condition))
		return diag_set(d, ASG_EINPUT,
				"data.condition must be a finite number >= 1, not %g",
				cfg->condition);
	if (cfg->features == 1 && cfg->condition != 1.0)
		return diag_set(d, ASG_EINPUT,
				"data.condition %g needs at least 2 features",
				cfg->condition);
	if (!(cfg->noise >= 0.0) || !isfinite(cfg->noise))
		return diag_set(d, ASG_EINPUT,
				"data.noise must be a finite number >= 0, not %g",
				cfg->noise);
	return ASG_OK;
}

static void synthetic_gaussian(gsl_rng *rng, double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
}

/* Q <- the orthonormal factor of the thin QR of G, with the signs that make
 * diag(R) positive (for a square Gaussian G, Q is then Haar distributed).
 * G is destroyed.  Returns false if out of memory. */
static bool synthetic_orthonormal(gsl_matrix *G, gsl_matrix *Q)
{
	size_t d = G->size2;
	bool ok = false;
	gsl_matrix *T = gsl_matrix_alloc(d, d);
	if (!T)
		goto out;
	gsl_matrix *R = gsl_matrix_alloc(d, d);
	if (!R)
		goto out_free_t;
	gsl_linalg_QR_decomp_r(G, T);
	gsl_linalg_QR_unpack_r(G, T, Q, R);
	for (size_t j = 0; j < d; j++) {
		if (gsl_matrix_get(R, j, j) < 0.0) {
			gsl_vector_view col = gsl_matrix_column(Q, j);
			gsl_vector_scale(&col.vector, -1.0);
		}
	}
	ok = true;
	gsl_matrix_free(R);
out_free_t:
	gsl_matrix_free(T);
out:
	return ok;
}

/* all->x <- sqrt(N) Q diag(s) V^T, drawing G into all->x and W. */
static bool synthetic_design(const struct data_config *cfg, gsl_rng *rng,
			     struct dataset *all)
{
	size_t n = all->n, dim = all->d;
	bool ok = false;
	gsl_matrix *Q = gsl_matrix_alloc(n, dim);
	if (!Q)
		goto out;
	gsl_matrix *W = gsl_matrix_alloc(dim, dim);
	if (!W)
		goto out_free_q;
	gsl_matrix *V = gsl_matrix_alloc(dim, dim);
	if (!V)
		goto out_free_w;
	gsl_matrix_view G = gsl_matrix_view_array(all->x, n, dim);
	synthetic_gaussian(rng, all->x, n * dim);
	synthetic_gaussian(rng, W->data, dim * dim);
	if (!synthetic_orthonormal(&G.matrix, Q) || !synthetic_orthonormal(W, V))
		goto out_free_v;
	for (size_t j = 0; j < dim; j++) {
		double e = dim > 1 ? (double)j / (2.0 * (double)(dim - 1)) : 0.0;
		gsl_vector_view col = gsl_matrix_column(Q, j);
		gsl_vector_scale(&col.vector, sqrt((double)n) * pow(cfg->condition, e));
	}
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)dim,
		    (int)dim, 1.0, Q->data, (int)dim, V->data, (int)dim, 0.0,
		    all->x, (int)dim);
	ok = true;
out_free_v:
	gsl_matrix_free(V);
out_free_w:
	gsl_matrix_free(W);
out_free_q:
	gsl_matrix_free(Q);
out:
	return ok;
}

static void synthetic_truth(enum data_task task, gsl_rng *rng, double *t,
			    size_t dim)
{
	synthetic_gaussian(rng, t, dim);
	double scale = 1.0 / sqrt((double)dim);
	if (task == TASK_BINARY) {
		double norm = cblas_dnrm2((int)dim, t, 1);
		scale = norm > 0.0 ? SYNTHETIC_BINARY_NORM / norm : 0.0;
	}
	cblas_dscal((int)dim, scale, t, 1);
}

static double synthetic_sigmoid(double z)
{
	if (z >= 0.0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

static void synthetic_labels(const struct data_config *cfg,
			     enum data_task task, gsl_rng *rng,
			     struct dataset *all)
{
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)all->n, (int)all->d, 1.0,
		    all->x, (int)all->d, all->truth, 1, 0.0, all->y, 1);
	for (size_t i = 0; i < all->n; i++) {
		if (task == TASK_BINARY)
			all->y[i] = gsl_rng_uniform(rng) < synthetic_sigmoid(all->y[i])
				    ? 1.0 : 0.0;
		else
			all->y[i] += cfg->noise * gsl_ran_gaussian_ziggurat(rng, 1.0);
	}
}

asg_status synthetic_generate(const struct data_config *cfg,
			      enum data_task task, gsl_rng *rng,
			      struct dataset *all, struct diag *d)
{
	asg_status st = synthetic_check(cfg, d);
	if (st != ASG_OK)
		return st;
	all->n = (size_t)cfg->samples;
	all->d = (size_t)cfg->features;
	all->x = malloc(all->n * all->d * sizeof *all->x);
	all->y = malloc(all->n * sizeof *all->y);
	all->truth = malloc(all->d * sizeof *all->truth);
	if (!all->x || !all->y || !all->truth || !synthetic_design(cfg, rng, all))
		return diag_set(d, ASG_ENOMEM, "out of memory");
	synthetic_truth(task, rng, all->truth, all->d);
	synthetic_labels(cfg, task, rng, all);
	return ASG_OK;
}
