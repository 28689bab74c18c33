/*
 * mixture.h — the parts of a finite mixture distribution (dist.h):
 *
 *	mixture(w1, D1, w2, D2, ..., wn, Dn)
 *
 * A draw picks part k with probability w_k / (w_1 + ... + w_n), with one
 * uniform draw, then draws from D_k; the mean is the weighted mean of the
 * parts' means, the density the weighted sum of their densities.  The
 * weights are expressions without i, finite and > 0; 1 <= n <=
 * MIXTURE_PARTS_MAX.  A part is any distribution (a mixture too) but one
 * that depends on the worker index i or replays a trace: a mixture is the
 * same for every worker and draws its parts at random.
 *
 * The typical use is a bimodal compute time, e.g. a worker that is
 * usually fast and now and then ten times slower:
 *	mixture(0.9, lognormal(mu=-2.3, sigma=0.1), 0.1, scaled(10, lognormal(mu=-2.3, sigma=0.1)))
 *
 * A struct dist stays a small value: it points to its parts, which are
 * parsed once and never change.  Like traces (trace.h), parsed mixtures
 * live until the process ends, kept in one list; mixture_release_all
 * frees them for programs that parse without end (the fuzz harnesses),
 * and invalidates every dist holding one.  Not thread-safe: parse at
 * set-up (scenario validation).
 */
#ifndef ASG_MIXTURE_H
#define ASG_MIXTURE_H

#include <stddef.h>

#include "dist.h"

#define MIXTURE_PARTS_MAX 8

struct dist_mixture {
	size_t n;                           /* parts, 1 .. MIXTURE_PARTS_MAX */
	double weight[MIXTURE_PARTS_MAX];   /* as written, > 0 */
	double upto[MIXTURE_PARTS_MAX];     /* part k is drawn when the uniform
	                                       u < upto[k] (and u >= upto[k-1]):
	                                       the cumulative normalised
	                                       weights; upto[n - 1] = 1 */
	struct dist_mixture *next;          /* the mixture parsed before */
	struct dist part[];                 /* n concrete, non-replay parts */
};

/* Parse the mixture whose name ends at `after` (the '(' and its list
 * follow) in `text`, which stands at `where` (NULL: unlocated), into
 * *out: kind DIST_MIXTURE and its parts, nothing else set.  The whole
 * rest of the text must be the mixture.  Errors are located messages in
 * *d (ASG_EINPUT) or ASG_ENOMEM. */
asg_status mixture_parse(const char *text, const char *after,
			 const struct dist_origin *where, struct dist *out,
			 struct diag *d);

/* The text "mixture(w1, D1, ...)" of m, parts by dist_format; returns what
 * snprintf returns, or -1 when out of memory. */
int mixture_format(const struct dist_mixture *m, char *buf, size_t size);

/* The index of the part the uniform u in [0, 1) picks. */
static inline size_t mixture_pick(const struct dist_mixture *m, double u)
{
	size_t k = 0;
	while (k + 1 < m->n && u >= m->upto[k])
		k++;
	return k;
}

/* Free every mixture parsed so far (see above). */
void mixture_release_all(void);

#endif
