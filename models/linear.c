/*
 * linear.c — the chunked loops of the linear-predictor models (linear.h).
 */
#include "linear.h"

#include <assert.h>
#include <string.h>
#include <cblas.h>

asg_status linear_setup(struct model *m, const struct model_config *cfg,
			struct diag *d)
{
	m->dim = m->data->d;
	return ASG_OK;
}

size_t linear_workspace_size(const struct model *m, size_t batch)
{
	size_t c = batch < LINEAR_CHUNK ? batch : LINEAR_CHUNK;
	size_t need = c * (m->dim + 2);
	return need > LINEAR_CHUNK ? need : LINEAR_CHUNK;
}

/* g <- g / n + l2 x; returns sum / n + (l2/2) ||x||^2. */
static double linear_finish(const struct model *m, const double *x,
			    double sum, size_t n, double *g)
{
	int d = (int)m->dim;
	if (g) {
		cblas_dscal(d, 1.0 / (double)n, g, 1);
		cblas_daxpy(d, m->l2, x, 1, g, 1);
	}
	return sum / (double)n + 0.5 * m->l2 * cblas_ddot(d, x, 1, x, 1);
}

double linear_batch_grad(const struct model *m, const double *x,
			 const size_t *idx, size_t b, double *g, double *work,
			 linear_chunk_fn chunk)
{
	assert(b > 0);
	const struct dataset *ds = m->data;
	size_t d = m->dim, cap = b < LINEAR_CHUNK ? b : LINEAR_CHUNK;
	double *rows = work, *y = work + cap * d, *r = y + cap;
	double sum = 0.0;
	for (size_t s = 0; s < b; s += cap) {
		size_t c = b - s < cap ? b - s : cap;
		for (size_t i = 0; i < c; i++) {
			memcpy(rows + i * d, ds->x + idx[s + i] * d, d * sizeof *rows);
			y[i] = ds->y[idx[s + i]];
		}
		sum += chunk(m, x, rows, y, c, r, g, s ? 1.0 : 0.0);
	}
	return linear_finish(m, x, sum, b, g);
}

double linear_full_grad(const struct model *m, const double *x, double *g,
			double *work, linear_chunk_fn chunk)
{
	const struct dataset *ds = m->data;
	size_t n = ds->n, d = m->dim;
	double sum = 0.0;
	for (size_t s = 0; s < n; s += LINEAR_CHUNK) {
		size_t c = n - s < LINEAR_CHUNK ? n - s : LINEAR_CHUNK;
		sum += chunk(m, x, ds->x + s * d, ds->y + s, c, work, g,
			     s ? 1.0 : 0.0);
	}
	return linear_finish(m, x, sum, n, g);
}
