/*
 * sim_quadgrad.c — the exact, incrementally updated gradient of the
 * least-squares model (see quadgrad.h).
 */
#include "quadgrad.h"

#include <stdlib.h>
#include <cblas.h>

void quadgrad_gram(const struct dataset *ds, double *gram)
{
	int d = (int)ds->d, n = (int)ds->n;
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0 / n, ds->x,
		    d, 0.0, gram, d);
	for (int r = 0; r < d; r++)
		for (int col = 0; col < r; col++)
			gram[r * d + col] = gram[col * d + r];
}

asg_status quadgrad_init(struct quadgrad *q, const struct model *m,
			 const double *x)
{
	const struct dataset *ds = m->data;
	size_t d = m->dim;
	q->dim = d;
	q->h = malloc(d * d * sizeof *q->h);
	q->c = malloc(d * sizeof *q->c);
	q->g = malloc(d * sizeof *q->g);
	if (!q->h || !q->c || !q->g) {
		quadgrad_release(q);
		return ASG_ENOMEM;
	}
	quadgrad_gram(ds, q->h);
	for (size_t i = 0; i < d; i++)
		q->h[i * d + i] += m->l2;
	double inv_n = 1.0 / (double)ds->n;
	cblas_dgemv(CblasRowMajor, CblasTrans, (int)ds->n, (int)d, inv_n, ds->x,
		    (int)d, ds->y, 1, 0.0, q->c, 1);
	q->beta = 0.5 * inv_n * cblas_ddot((int)ds->n, ds->y, 1, ds->y, 1);
	quadgrad_refresh(q, x);
	return ASG_OK;
}

void quadgrad_release(struct quadgrad *q)
{
	free(q->h);
	free(q->c);
	free(q->g);
	q->h = q->c = q->g = NULL;
}

void quadgrad_move(struct quadgrad *q, size_t lo, size_t hi,
		   const double *delta)
{
	int d = (int)q->dim;
	/* g += H[:, lo..hi) delta: the columns lo..hi of a row-major d x d */
	cblas_dgemv(CblasRowMajor, CblasNoTrans, d, (int)(hi - lo), 1.0,
		    q->h + lo, d, delta, 1, 1.0, q->g, 1);
}

void quadgrad_refresh(struct quadgrad *q, const double *x)
{
	int d = (int)q->dim;
	cblas_dcopy(d, q->c, 1, q->g, 1);
	cblas_dsymv(CblasRowMajor, CblasUpper, d, 1.0, q->h, d, x, 1, -1.0, q->g, 1);
}

double quadgrad_norm2(const struct quadgrad *q)
{
	return cblas_ddot((int)q->dim, q->g, 1, q->g, 1);
}

double quadgrad_value(const struct quadgrad *q, const double *x)
{
	int d = (int)q->dim;
	double f = 0.5 * cblas_ddot(d, x, 1, q->g, 1) -
		   0.5 * cblas_ddot(d, q->c, 1, x, 1) + q->beta;
	return f > 0 ? f : 0.0;   /* f >= 0; cancellation can leave -1e-15 */
}
