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
 * The rows are walked in chunks by the loops of linear.h; this file gives
 * the chunk: the residual and the loss of c rows.
 */
#include "linear.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <cblas.h>

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

static double logreg_batch_grad(const struct model *m, const double *x,
				const size_t *idx, size_t b, double *g,
				double *work)
{
	return linear_batch_grad(m, x, idx, b, g, work, logreg_chunk);
}

static double logreg_full_grad(const struct model *m, const double *x,
			       double *g, double *work)
{
	return linear_full_grad(m, x, g, work, logreg_chunk);
}

static void logreg_evaluate(const struct model *m, const double *x,
			    const double *X, const double *y, size_t n,
			    double *loss, double *accuracy, double *work)
{
	int d = (int)m->dim;
	double sum = 0.0;
	size_t right = 0;
	for (size_t s = 0; s < n; s += LINEAR_CHUNK) {
		size_t c = n - s < LINEAR_CHUNK ? n - s : LINEAR_CHUNK;
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
	.setup = linear_setup,
	.workspace_size = linear_workspace_size,
	.init_params = logreg_init_params,
	.batch_grad = logreg_batch_grad,
	.full_grad = logreg_full_grad,
	.evaluate = logreg_evaluate,
};
