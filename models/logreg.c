/*
 * logreg.c — binary logistic regression with an L2 penalty.
 *
 * With labels y_i in {0, 1}, signs s_i = 2 y_i - 1 and margins z_i = a_i . x:
 *     f(x)      = (1/N) sum_i log(1 + exp(-s_i z_i)) + (l2/2) ||x||^2
 *     grad f(x) = (1/N) sum_i (sigmoid(z_i) - y_i) a_i + l2 x
 * (d/dz log(1 + exp(-s z)) = -s sigmoid(-s z) = sigmoid(z) - y), and over a
 * batch B of b samples the same with 1/b and the sum over B.  Both
 * log(1 + exp(t)) and sigmoid are evaluated without overflow for any t.
 * evaluate() reports the mean logistic loss and the accuracy of predicting
 * 1 exactly when a . x > 0.
 *
 * Rows are processed in chunks of CHUNK: a batch's rows are gathered into
 * the workspace (CHUNK x d at most) and z = A_c x, g += A_c^T r are two
 * cblas_dgemv; the full gradient runs the same dgemv on the rows of the
 * dataset in place, so its workspace is CHUNK residuals whatever N.
 * A full batch 0 .. N-1 therefore gives the full gradient bit for bit.
 * Workspace: for a batch, [rows c x d][labels c][residuals c] with
 * c = min(b, CHUNK); for the full gradient and evaluation, [residuals CHUNK].
 */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <cblas.h>

#define CHUNK 256

static size_t logreg_workspace_size(const struct model *m, size_t batch)
{
	size_t c = batch < CHUNK ? batch : CHUNK;
	size_t need = c * (m->dim + 2);
	return need > CHUNK ? need : CHUNK;
}

static void logreg_init_params(const struct model *m, double *x, gsl_rng *rng)
{
	memset(x, 0, m->dim * sizeof *x);
}

/* log(1 + exp(t)). */
static double logreg_softplus(double t)
{
	return t > 0.0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

static double logreg_sigmoid(double z)
{
	if (z >= 0.0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

/* r <- sigmoid(A x) - y over the c rows A; g (if not NULL) <- A^T r +
 * beta g.  Returns the summed loss of the rows. */
static double logreg_chunk(const struct model *m, const double *x,
			   const double *A, const double *y, size_t c,
			   double *r, double *g, double beta)
{
	int d = (int)m->dim;
	double sum = 0.0;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)c, d, 1.0, A, d, x, 1,
		    0.0, r, 1);
	for (size_t i = 0; i < c; i++) {
		double z = r[i];
		sum += logreg_softplus(y[i] > 0.5 ? -z : z);
		r[i] = logreg_sigmoid(z) - y[i];
	}
	if (g)
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)c, d, 1.0, A, d, r, 1,
			    beta, g, 1);
	return sum;
}

/* g <- g / n + l2 x; returns sum / n + (l2/2) ||x||^2. */
static double logreg_finish(const struct model *m, const double *x,
			    double sum, size_t n, double *g)
{
	int d = (int)m->dim;
	if (g) {
		cblas_dscal(d, 1.0 / (double)n, g, 1);
		cblas_daxpy(d, m->l2, x, 1, g, 1);
	}
	return sum / (double)n + 0.5 * m->l2 * cblas_ddot(d, x, 1, x, 1);
}

static double logreg_batch_grad(const struct model *m, const double *x,
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
		sum += logreg_chunk(m, x, rows, y, c, r, g, s ? 1.0 : 0.0);
	}
	return logreg_finish(m, x, sum, b, g);
}

static double logreg_full_grad(const struct model *m, const double *x,
			       double *g, double *work)
{
	const struct dataset *ds = m->data;
	size_t n = ds->n, d = m->dim;
	double sum = 0.0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t c = n - s < CHUNK ? n - s : CHUNK;
		sum += logreg_chunk(m, x, ds->x + s * d, ds->y + s, c, work, g,
				    s ? 1.0 : 0.0);
	}
	return logreg_finish(m, x, sum, n, g);
}

static void logreg_evaluate(const struct model *m, const double *x,
			    const double *X, const double *y, size_t n,
			    double *loss, double *accuracy, double *work)
{
	int d = (int)m->dim;
	double sum = 0.0;
	size_t right = 0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t c = n - s < CHUNK ? n - s : CHUNK;
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)c, d, 1.0,
			    X + s * m->dim, d, x, 1, 0.0, work, 1);
		for (size_t i = 0; i < c; i++) {
			double z = work[i];
			bool one = y[s + i] > 0.5;
			sum += logreg_softplus(one ? -z : z);
			right += (z > 0.0) == one;
		}
	}
	*loss = n ? sum / (double)n : NAN;
	*accuracy = n ? (double)right / (double)n : NAN;
}

const struct model_ops model_logreg_ops = {
	.name = "logreg",
	.task = TASK_BINARY,
	.workspace_size = logreg_workspace_size,
	.init_params = logreg_init_params,
	.batch_grad = logreg_batch_grad,
	.full_grad = logreg_full_grad,
	.evaluate = logreg_evaluate,
};
