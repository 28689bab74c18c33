/*
 * stats.c — confidence intervals over replications, and value ranges.
 *
 * The interval of a mean over n replications is Student's:
 *     mean +- t_{0.975, n-1} * sd / sqrt(n),
 * sd the sample standard deviation (the variance divides by n - 1), the
 * quantile from GSL (gsl_cdf_tdist_Pinv).  The mean and variance
 * themselves are computed by SQL (curves.c, kind_kappa.c), so that the
 * numbers of a .dat are the database's aggregates.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "plot_impl.h"

void plot_ci95(long n, double mean, double var, double *sd, double *lo,
	       double *hi)
{
	if (n < 2 || !isfinite(var) || !isfinite(mean)) {
		*sd = NAN;
		*lo = *hi = mean;
		return;
	}
	*sd = sqrt(var > 0 ? var : 0);
	double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * *sd /
		      sqrt((double)n);
	*lo = mean - half;
	*hi = mean + half;
}

void plot_range_init(struct plot_range *r)
{
	r->lo = HUGE_VAL;
	r->hi = -HUGE_VAL;
	r->minpos = HUGE_VAL;
}

void plot_range_add(struct plot_range *r, double v)
{
	if (!isfinite(v))
		return;
	if (v < r->lo)
		r->lo = v;
	if (v > r->hi)
		r->hi = v;
	if (v > 0 && v < r->minpos)
		r->minpos = v;
}

bool plot_range_empty(const struct plot_range *r)
{
	return r->lo > r->hi;
}
