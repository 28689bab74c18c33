/*
 * dist.h — a probability distribution of a duration, written in a scenario
 * as `name(param=value, ...)`.
 *
 *   constant(value=c)                      c
 *   uniform(min=a, max=b)                  flat on [a, b), 0 <= a < b
 *   exponential(mean=m)                    p(x) = exp(-x/m)/m, m > 0
 *   normal(mean=mu, sd=s)                  N(mu, s^2) truncated to x >= 0, s > 0
 *   lognormal(mu=mu, sigma=s)              log x ~ N(mu, s^2), s > 0
 *   gamma(shape=k, scale=t)                p(x) ∝ x^(k-1) exp(-x/t), k, t > 0
 *   weibull(scale=a, shape=b)              p(x) ∝ (x/a)^(b-1) exp(-(x/a)^b), a, b > 0
 *   pareto(shape=a, scale=b)               p(x) = a b^a / x^(a+1), x >= b > 0, a > 0
 *
 * Each maps onto its GSL sampler (gsl_ran_*) and knows its analytic mean
 * (INFINITY for pareto with shape <= 1).  Every parameter is required
 * unless stated; unknown names, unknown or repeated or missing parameters,
 * out-of-range values and trailing text are errors.  Values are C numbers
 * (strtod); numbers that overflow are errors.
 *
 * A parsed dist is a small value (no allocation): copy it freely.
 * dist_sample is a switch on the kind and one GSL call: cheap enough for
 * the event loop.
 */
#ifndef ASG_DIST_H
#define ASG_DIST_H

#include <gsl/gsl_rng.h>
#include "../common/diag.h"

enum dist_kind {
	DIST_CONSTANT,
	DIST_UNIFORM,
	DIST_EXPONENTIAL,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_WEIBULL,
	DIST_PARETO,
};

#define DIST_MAX_PARAMS 4

struct dist {
	enum dist_kind kind;        /* which sampler */
	double p[DIST_MAX_PARAMS];  /* parameters, in the order of the table above */
};

/* Where a distribution's text stands in its file, for located messages:
 * the column of the text's first character.  Errors are reported at
 * `file:line:(col + offset of the offending character)`. */
struct dist_origin {
	const char *file;   /* file name as the user gave it */
	int line;           /* 1-based line of the text */
	int col;            /* 1-based column of the text's first character */
};

/* Parse `text` into *out.  On error, records a located message in *d,
 * returns ASG_EINPUT and leaves *out unchanged. */
asg_status dist_parse(const char *text, const struct dist_origin *where,
		      struct dist *out, struct diag *d);

/* One draw (always >= 0). */
double dist_sample(const struct dist *dist, gsl_rng *rng);

/* The analytic mean; INFINITY where it does not exist. */
double dist_mean(const struct dist *dist);

/* The probability density at x (from gsl_ran_*_pdf; truncated normal
 * renormalised); 0 for constant. Used by the tests. */
double dist_pdf(const struct dist *dist, double x);

/* Write the canonical text of the distribution, e.g.
 * "lognormal(mu=-1, sigma=0.3)", with %.17g numbers so that it parses back
 * to the same value.  Returns what snprintf returns. */
int dist_format(const struct dist *dist, char *buf, size_t size);

/* The distribution's name, e.g. "lognormal". */
const char *dist_name(enum dist_kind kind);

#endif
