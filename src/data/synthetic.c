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
#include <gsl/gsl_blas.h>     /* not <cblas.h>: it clashes with gsl_cblas.h */
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

/* A <- the thin Q factor of A = Q R (Q^T Q = I), the signs chosen so that
 * diag(R) > 0 (for a square Gaussian A, Q is then Haar distributed).
 * gsl_linalg_QR_decomp_r leaves R above the diagonal and the Householder
 * vectors Y (unit lower trapezoidal) below it, with Q_full = I - Y T Y^T;
 * so Q = Q_full [I; 0] = [I; 0] - Y (T Y1^T), Y1 the top d x d block of Y,
 * and T Y1^T is upper triangular: two dtrmm, in place.  Returns false if
 * out of memory. */
static bool synthetic_orthonormal(gsl_matrix *A)
{
	size_t d = A->size2;
	bool ok = false;
	gsl_matrix *T = gsl_matrix_alloc(d, d);
	if (!T)
		goto out;
	gsl_matrix *W = gsl_matrix_alloc(d, d);
	if (!W)
		goto out_free_t;
	gsl_vector *sign = gsl_vector_alloc(d);
	if (!sign)
		goto out_free_w;
	gsl_linalg_QR_decomp_r(A, T);
	for (size_t i = 0; i < d; i++) {
		gsl_vector_set(sign, i, gsl_matrix_get(A, i, i) < 0.0 ? -1.0 : 1.0);
		for (size_t j = i; j < d; j++)
			gsl_matrix_set(A, i, j, i == j ? 1.0 : 0.0);
	}
	gsl_matrix_const_view Y1 = gsl_matrix_const_submatrix(A, 0, 0, d, d);
	gsl_matrix_transpose_memcpy(W, &Y1.matrix);
	gsl_blas_dtrmm(CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, 1.0,
		       T, W);
	gsl_blas_dtrmm(CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, -1.0,
		       W, A);
	for (size_t j = 0; j < d; j++) {
		gsl_matrix_set(A, j, j, gsl_matrix_get(A, j, j) + 1.0);
		gsl_vector_view col = gsl_matrix_column(A, j);
		gsl_vector_scale(&col.vector, gsl_vector_get(sign, j));
	}
	ok = true;
	gsl_vector_free(sign);
out_free_w:
	gsl_matrix_free(W);
out_free_t:
	gsl_matrix_free(T);
out:
	return ok;
}

/* all->x <- sqrt(N) Q diag(s) V^T, drawing G and W. */
static bool synthetic_design(const struct data_config *cfg, gsl_rng *rng,
			     struct dataset *all)
{
	size_t n = all->n, dim = all->d;
	bool ok = false;
	gsl_matrix *Q = gsl_matrix_alloc(n, dim);
	if (!Q)
		goto out;
	gsl_matrix *V = gsl_matrix_alloc(dim, dim);
	if (!V)
		goto out_free_q;
	synthetic_gaussian(rng, Q->data, n * dim);     /* G */
	synthetic_gaussian(rng, V->data, dim * dim);   /* W */
	if (!synthetic_orthonormal(Q) || !synthetic_orthonormal(V))
		goto out_free_v;
	for (size_t j = 0; j < dim; j++) {
		double e = dim > 1 ? (double)j / (2.0 * (double)(dim - 1)) : 0.0;
		gsl_vector_view col = gsl_matrix_column(Q, j);
		gsl_vector_scale(&col.vector, sqrt((double)n) * pow(cfg->condition, e));
	}
	gsl_matrix_view X = gsl_matrix_view_array(all->x, n, dim);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, Q, V, 0.0, &X.matrix);
	ok = true;
out_free_v:
	gsl_matrix_free(V);
out_free_q:
	gsl_matrix_free(Q);
out:
	return ok;
}

static void synthetic_truth(enum data_task task, gsl_rng *rng, double *t,
			    size_t dim)
{
	gsl_vector_view v = gsl_vector_view_array(t, dim);
	synthetic_gaussian(rng, t, dim);
	double scale = 1.0 / sqrt((double)dim);
	if (task == TASK_BINARY) {
		double norm = gsl_blas_dnrm2(&v.vector);
		scale = norm > 0.0 ? SYNTHETIC_BINARY_NORM / norm : 0.0;
	}
	gsl_vector_scale(&v.vector, scale);
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
	gsl_matrix_const_view A = gsl_matrix_const_view_array(all->x, all->n,
							      all->d);
	gsl_vector_const_view t = gsl_vector_const_view_array(all->truth, all->d);
	gsl_vector_view z = gsl_vector_view_array(all->y, all->n);
	gsl_blas_dgemv(CblasNoTrans, 1.0, &A.matrix, &t.vector, 0.0, &z.vector);
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
