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
 * Rows are processed in chunks of CHUNK: a batch's rows are gathered into
 * the workspace (CHUNK x d at most) and r = A_c x - b_c, g += A_c^T r are
 * two cblas_dgemv; the full gradient runs the same dgemv on the rows of
 * the dataset in place, so its workspace is CHUNK residuals whatever N.
 * A full batch 0 .. N-1 therefore gives the full gradient bit for bit.
 * Workspace: for a batch, [rows c x d][labels c][residuals c] with
 * c = min(b, CHUNK); for the full gradient and evaluation, [residuals CHUNK].
 */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <string.h>
#include <cblas.h>

#define CHUNK 256

static size_t quadratic_workspace_size(const struct model *m, size_t batch)
{
	size_t c = batch < CHUNK ? batch : CHUNK;
	size_t need = c * (m->dim + 2);
	return need > CHUNK ? need : CHUNK;
}

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

/* g <- g / n + l2 x; returns sum / n + (l2/2) ||x||^2. */
static double quadratic_finish(const struct model *m, const double *x,
			       double sum, size_t n, double *g)
{
	int d = (int)m->dim;
	if (g) {
		cblas_dscal(d, 1.0 / (double)n, g, 1);
		cblas_daxpy(d, m->l2, x, 1, g, 1);
	}
	return sum / (double)n + 0.5 * m->l2 * cblas_ddot(d, x, 1, x, 1);
}

static double quadratic_batch_grad(const struct model *m, const double *x,
				   const size_t *idx, size_t b, double *g,
				   double *work)
{
	assert(b > 0);
	const struct dataset *ds = m->data;
	size_t d = m->dim, cap = b < CHUNK ? b : CHUNK;
	double *rows = work, *y = work + cap * d, *r = y + cap;
	double sum = 0.0;
	for (size_t s = 0; s < b; s += cap) {
		size_t c = b - s < cap ? b - s : cap;
		for (size_t i = 0; i < c; i++) {
			memcpy(rows + i * d, ds->x + idx[s + i] * d, d * sizeof *rows);
			y[i] = ds->y[idx[s + i]];
		}
		sum += quadratic_chunk(m, x, rows, y, c, r, g, s ? 1.0 : 0.0);
	}
	return quadratic_finish(m, x, sum, b, g);
}

static double quadratic_full_grad(const struct model *m, const double *x,
				  double *g, double *work)
{
	const struct dataset *ds = m->data;
	size_t n = ds->n, d = m->dim;
	double sum = 0.0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t c = n - s < CHUNK ? n - s : CHUNK;
		sum += quadratic_chunk(m, x, ds->x + s * d, ds->y + s, c, work, g,
				       s ? 1.0 : 0.0);
	}
	return quadratic_finish(m, x, sum, n, g);
}

static void quadratic_evaluate(const struct model *m, const double *x,
			       const double *X, const double *y, size_t n,
			       double *loss, double *accuracy, double *work)
{
	double sum = 0.0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t c = n - s < CHUNK ? n - s : CHUNK;
		sum += quadratic_chunk(m, x, X + s * m->dim, y + s, c, work, NULL,
				       0.0);
	}
	*loss = n ? sum / (double)n : NAN;
	*accuracy = NAN;
}

const struct model_ops model_quadratic_ops = {
	.name = "quadratic",
	.task = TASK_REGRESSION,
	.workspace_size = quadratic_workspace_size,
	.init_params = quadratic_init_params,
	.batch_grad = quadratic_batch_grad,
	.full_grad = quadratic_full_grad,
	.evaluate = quadratic_evaluate,
};
