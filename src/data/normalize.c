/*
 * normalize.c — the features of a dataset rescaled (data.normalize), the
 * held-out rows with the statistics of the training rows, so that nothing
 * of the held-out part leaks into training:
 *     none      x as read
 *     scale     idx: x / 255 (pixels 0 .. 255 into [0, 1]);
 *               other kinds: x_j / max_i |x_ij| over the training rows i
 *               (a feature that is 0 on every training row is left as is)
 *     standard  (x_j - mean_j) / sd_j, mean and sd (divided by n) over the
 *               training rows; a feature constant on the training rows is
 *               set to 0 everywhere, held-out rows included
 * Cost O((n + n_test) d), three passes for standard; 2 d doubles of
 * workspace, allocated here, once, before the simulation.
 */
#include "data_impl.h"

#include <math.h>
#include <stdlib.h>

/* The largest pixel value of an IDX image of unsigned bytes. */
#define NORMALIZE_PIXEL_MAX 255.0

/* x_ij <- (x_ij - shift_j) / div_j on the n rows of x (d columns), 0
 * where div_j is 0. */
static void normalize_rows(double *x, size_t n, size_t d, const double *shift,
			   const double *div)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			x[i * d + j] = div[j] > 0.0 ? (x[i * d + j] - shift[j]) / div[j]
						    : 0.0;
}

/* shift <- 0, div <- max |x_j| (1 where that is 0). */
static void normalize_scale(const struct dataset *ds, double *shift,
			    double *div)
{
	for (size_t j = 0; j < ds->d; j++)
		shift[j] = div[j] = 0.0;
	for (size_t i = 0; i < ds->n; i++)
		for (size_t j = 0; j < ds->d; j++)
			div[j] = fmax(div[j], fabs(ds->x[i * ds->d + j]));
	for (size_t j = 0; j < ds->d; j++)
		if (div[j] == 0.0)
			div[j] = 1.0;
}

/* shift <- the means, div <- the sd (0 for a constant feature). */
static void normalize_standard(const struct dataset *ds, double *shift,
			       double *div)
{
	size_t n = ds->n, d = ds->d;
	for (size_t j = 0; j < d; j++)
		shift[j] = div[j] = 0.0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			shift[j] += ds->x[i * d + j];
	for (size_t j = 0; j < d; j++)
		shift[j] /= (double)n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++) {
			double dev = ds->x[i * d + j] - shift[j];
			div[j] += dev * dev;
		}
	for (size_t j = 0; j < d; j++) {
		bool constant = true;
		for (size_t i = 1; i < n && constant; i++)
			constant = ds->x[i * d + j] == ds->x[j];
		div[j] = constant ? 0.0 : sqrt(div[j] / (double)n);
	}
}

asg_status normalize_apply(enum data_normalize how, enum data_kind kind,
			   struct dataset *ds, struct diag *d)
{
	if (how == NORMALIZE_NONE)
		return ASG_OK;
	if (how != NORMALIZE_SCALE && how != NORMALIZE_STANDARD)
		return diag_set(d, ASG_EINPUT, "unknown data.normalize %d", (int)how);
	double *shift = malloc(2 * ds->d * sizeof *shift);
	if (!shift)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	double *div = shift + ds->d;
	if (how == NORMALIZE_STANDARD) {
		normalize_standard(ds, shift, div);
	} else if (kind == DATA_IDX) {
		for (size_t j = 0; j < ds->d; j++) {
			shift[j] = 0.0;
			div[j] = NORMALIZE_PIXEL_MAX;
		}
	} else {
		normalize_scale(ds, shift, div);
	}
	normalize_rows(ds->x, ds->n, ds->d, shift, div);
	normalize_rows(ds->x_test, ds->n_test, ds->d, shift, div);
	free(shift);
	return ASG_OK;
}
