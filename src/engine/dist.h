/*
 * dist.h — a probability distribution of a duration, written in a scenario
 * as `name(param=value, ...)`.
 *
 *   constant(value=c)                      c
 *   uniform(min=a, max=b)                  flat on [a, b), 0 <= a < b
 *   exponential(mean=m)                    p(x) = exp(-x/m)/m, m > 0
 *   normal(mean=mu, sd=s)                  N(mu, s^2) truncated to x >= 0, s > 0
 *   halfnormal(sd=s)                       |N(0, s^2)|, s > 0: mean s sqrt(2/pi)
 *   lognormal(mu=mu, sigma=s)              log x ~ N(mu, s^2), s > 0
 *   gamma(shape=k, scale=t)                p(x) ∝ x^(k-1) exp(-x/t), k, t > 0
 *   weibull(scale=a, shape=b)              p(x) ∝ (x/a)^(b-1) exp(-(x/a)^b), a, b > 0
 *   pareto(shape=a, scale=b)               p(x) = a b^a / x^(a+1), x >= b > 0, a > 0
 *
 * Every distribution also takes an optional `shift=c` (c >= 0, default
 * 0): the draw is c + X, the mean c + E[X].  halfnormal(sd=s) is the law of
 * normal(mean=0, sd=s), sampled as |N(0, s^2)| with one Gaussian draw.
 *
 * Each maps onto its GSL sampler (gsl_ran_*) and knows its analytic mean
 * (INFINITY for pareto with shape <= 1).  Every parameter but shift is
 * required; unknown names, unknown or repeated or missing parameters,
 * out-of-range values and trailing text are errors.
 *
 * A value is a number or an expression (expr.h): `sd=sqrt(2)` is folded
 * to a number when parsed, and an expression of the worker index i, such
 * as `shift=1 + sqrt(i)`, makes the distribution *indexed*: a family of
 * distributions, one per worker, made concrete by dist_at once per worker
 * at set-up (i is the worker's index, from 0, as in the `worker` columns
 * of the database).  Ringmaster's timing model (Maranjyan et al. 2025),
 * worker i taking 1 + sqrt(i) + |N(0, i+1)| seconds, is
 *	halfnormal(sd=sqrt(i + 1), shift=1 + sqrt(i))
 * Values must be finite; out-of-range values of an indexed parameter are
 * found by dist_at, at the worker where they occur.
 *
 * Measured durations and compositions (src/engine/trace.h):
 *
 *   trace(file=F, column=C, mode=M)        values of column C of CSV file F
 *   shifted(c, D)                          c + X for X ~ D, c >= 0
 *   scaled(s, D)                           s X for X ~ D, s > 0
 *   mixture(w1, D1, ..., wn, Dn)           X ~ Dk with probability
 *                                          wk / (w1 + ... + wn), n <= 8
 *
 * F is resolved against the directory of the file the text stands in
 * (cwd for a text without a file); it may be quoted with ' or ".  C is a
 * header name or a 0-based index (default 0), or `worker`: worker i reads
 * column i mod (columns), which makes the distribution indexed.  M is
 * `bootstrap` (default: each draw one of the column's values, uniformly,
 * i.e. a draw from its empirical distribution) or `replay`: the values in
 * order, wrapping at the end; the position is the dist's own (`drawn`,
 * advanced by dist_next), so each worker's copy replays from the first
 * value.  A replay is sampled only through dist_next.  shifted and
 * scaled nest freely and fold into one affine map a X + b applied after
 * the inner distribution's own shift: `scaled(2, shifted(1, D))` is
 * `shifted(2, scaled(2, D))`, the form dist_format writes.  Their c and s
 * are expressions without i.  A mixture's weights are expressions
 * without i, > 0; its parts neither depend on i nor replay (mixture.h).
 *
 * A parsed dist is a value without pointers (no allocation) but for a
 * trace's, which points to the process's immutable copy of the file
 * (trace.h), and a mixture's, which points to its immutable parts
 * (mixture.h): copy it freely.  dist_sample is a switch on the kind and one
 * GSL call: cheap enough for the event loop; it takes a concrete
 * distribution only.
 */
#ifndef ASG_DIST_H
#define ASG_DIST_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "../common/diag.h"
#include "expr.h"
#include "trace.h"

enum dist_kind {
	DIST_CONSTANT,
	DIST_UNIFORM,
	DIST_EXPONENTIAL,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_WEIBULL,
	DIST_PARETO,
	DIST_HALFNORMAL,
	DIST_TRACE,
	DIST_MIXTURE,
};

struct dist_mixture;   /* mixture.h */

#define DIST_MAX_PARAMS 4
#define DIST_SHIFT DIST_MAX_PARAMS        /* the slot of `shift` */
#define DIST_SLOTS (DIST_MAX_PARAMS + 1)  /* the parameters, then shift */

struct dist {
	/* What a draw reads, first, within one cache line: */
	enum dist_kind kind;        /* which sampler */
	double p[DIST_MAX_PARAMS];  /* parameters, in the order of the table above
	                               (an indexed one: 0 until dist_at) */
	double shift;               /* added to every draw, >= 0 */
	/* shifted(c, .) and scaled(s, .): a draw is scale * X + offset */
	double scale;               /* s > 0; 0 = not scaled (1) */
	double offset;              /* c >= 0 */
	/* DIST_TRACE */
	const struct trace *trace;  /* its file's values (trace.h, shared) */
	long column;                /* the column read; -1 = the worker's,
	                               i mod columns (set by dist_at) */
	bool replay;                /* replay in order, else bootstrap */
	uint64_t drawn;             /* replay: values drawn so far (dist_next) */
	/* DIST_MIXTURE */
	const struct dist_mixture *mixture; /* its weights and parts (mixture.h,
	                                       shared) */
	/* The slots given as expressions of the worker index (none for a
	 * concrete distribution): */
	uint8_t indexed;            /* bit s: slot s (p[s], or shift for
	                               DIST_SHIFT) is an expression of i */
	uint8_t code_from[DIST_SLOTS]; /* slot s: instructions code_from[s] .. */
	uint8_t code_to[DIST_SLOTS];   /* .. code_to[s] - 1 of code */
	uint16_t text_at[DIST_SLOTS];  /* slot s: byte offset of its value in
	                                  the text, for messages */
	struct expr_code code;      /* the expressions' code */
};

/* Where a distribution's text stands in its file, for located messages:
 * the column of the text's first character.  Errors are reported at
 * `file:line:(col + offset of the offending character)`. */
struct dist_origin {
	const char *file;   /* file name as the user gave it */
	int line;           /* 1-based line of the text */
	int col;            /* 1-based column of the text's first character */
};

/* Record "FILE:LINE:COL: message" for byte `offset` of a text standing
 * at `where` (the message alone when where is NULL); returns ASG_EINPUT.
 * For the parsers of texts inside a scenario's values (dist.c, step.c). */
asg_status dist_fail_at(struct diag *d, const struct dist_origin *where,
			int offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse `text` into *out.  On error, records a located message in *d,
 * returns ASG_EINPUT and leaves *out unchanged. */
asg_status dist_parse(const char *text, const struct dist_origin *where,
		      struct dist *out, struct diag *d);

/* Parse the bytes [from, to) of `text` as a distribution of their own,
 * its messages located where those bytes stand in `text` (for texts that
 * nest distributions: shifted, scaled, mixture).  As dist_parse. */
asg_status dist_parse_span(const char *text, size_t from, size_t to,
			   const struct dist_origin *where, struct dist *out,
			   struct diag *d);

/* The ')' closing the '(' at open, or NULL (for the parsers of nested
 * distributions). */
const char *dist_matching_paren(const char *open);

/* True when a draw may read a trace file: a trace, or a mixture with one
 * among its parts. */
bool dist_reads_trace(const struct dist *dist);

/* True when some parameter is an expression of the worker index. */
static inline bool dist_indexed(const struct dist *dist)
{
	return dist->indexed != 0;
}

/* The offset in its text of the first indexed value (for a message that
 * refuses an indexed distribution where there are no workers); 0 if none. */
int dist_index_offset(const struct dist *dist);

/* The concrete distribution of worker i: *out is *dist with every indexed
 * parameter evaluated at i and checked (range and finiteness; a message
 * located at the parameter's value through `where`, which may be NULL,
 * e.g. "sd must be > 0, got -1 for worker i = 3").  A concrete dist is
 * copied as is.  On error *out is unchanged and ASG_EINPUT returned. */
asg_status dist_at(const struct dist *dist, long i,
		   const struct dist_origin *where, struct dist *out,
		   struct diag *d);

/* One draw (always >= 0) of a concrete distribution, not a replay. */
double dist_sample(const struct dist *dist, gsl_rng *rng);

/* True for a trace in replay mode: sampled only by dist_next. */
static inline bool dist_replays(const struct dist *dist)
{
	return dist->kind == DIST_TRACE && dist->replay;
}

/* The next draw of a concrete distribution that may be a replay (which
 * then advances): for per-worker copies (struct worker). */
double dist_next(struct dist *dist, gsl_rng *rng);

/* The analytic mean; INFINITY where it does not exist. */
double dist_mean(const struct dist *dist);

/* The probability density at x (from gsl_ran_*_pdf; truncated normal
 * renormalised); 0 for constant and trace. Used by the tests. */
double dist_pdf(const struct dist *dist, double x);

/* Write the canonical text of the distribution, e.g.
 * "lognormal(mu=-1, sigma=0.3)", with %.17g numbers so that it parses back
 * to the same value; shift only when not 0; an indexed value as its
 * expression (expr_format).  Returns what snprintf returns. */
int dist_format(const struct dist *dist, char *buf, size_t size);

/* The distribution's name, e.g. "lognormal". */
const char *dist_name(enum dist_kind kind);

#endif
