/*
 * quadratic.c — least squares with an L2 penalty.
 *
 *     f(x)      = (1/2N) ||A x - b||^2 + (l2/2) ||x||^2
 *     grad f(x) = (1/N) A^T (A x - b) + l2 x
 * and over a batch B of b samples (indices may repeat)
 *     f_B(x)    = (1/2b) ||A_B x - b_B||^2 + (l2/2) ||x||^2
 *     g_B(x)    = (1/b) A_B^T (A_B x - b_B) + l2 x.
 * The Hessian is A^T A / N + l2 I: constant, known to the synthetic
 * generator (src/data/synthetic.c).
 *
 * The rows are walked in chunks by the loops of linear.h; this file gives
 * the chunk: the residual and the loss of c rows.
 */
#include "linear.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

static void quadratic_init_params(const struct model *m, double *x,
				  gsl_rng *rng)
{
	memset(x, 0, m->dim * sizeof *x);
}

/* r <- A x - y over the c rows A; g (if not NULL) <- A^T r + beta g.
 * Returns ||r||^2 / 2. */
static double quadratic_chunk(const struct model *m, const double *x,
			      const double *A, const double *y, size_t c,
			      double *r, double *g, double beta)
{
	int d = (int)m->dim;
	memcpy(r, y, c * sizeof *r);
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)c, d, 1.0, A, d, x, 1,
		    -1.0, r, 1);
	if (g)
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)c, d, 1.0, A, d, r, 1,
			    beta, g, 1);
	return 0.5 * cblas_ddot((int)c, r, 1, r, 1);
}

static double quadratic_batch_grad(const struct model *m, const double *x,
				   const size_t *idx, size_t b, double *g,
				   double *work)
{
	return linear_batch_grad(m, x, idx, b, g, work, quadratic_chunk);
}

static double quadratic_full_grad(const struct model *m, const double *x,
				  double *g, double *work)
{
	return linear_full_grad(m, x, g, work, quadratic_chunk);
}

static void quadratic_evaluate(const struct model *m, const double *x,
			       const double *X, const double *y, size_t n,
			       double *loss, double *accuracy, double *work)
{
	double sum = 0.0;
	for (size_t s = 0; s < n; s += LINEAR_CHUNK) {
		size_t c = n - s < LINEAR_CHUNK ? n - s : LINEAR_CHUNK;
		sum += quadratic_chunk(m, x, X + s * m->dim, y + s, c, work, NULL,
				       0.0);
	}
	*loss = n ? sum / (double)n : NAN;
	*accuracy = NAN;
}

const struct model_ops model_quadratic_ops = {
	.name = "quadratic",
	.task = TASK_REGRESSION,
	.setup = linear_setup,
	.workspace_size = linear_workspace_size,
	.init_params = quadratic_init_params,
	.batch_grad = quadratic_batch_grad,
	.full_grad = quadratic_full_grad,
	.evaluate = quadratic_evaluate,
};
