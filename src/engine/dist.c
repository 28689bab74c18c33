/*
 * dist.c — distributions of durations: parse, sample, mean, pdf, format.
 *
 * A distribution is written `name(param=value, ...)`, spaces allowed
 * between any two tokens.  The grammar, in order of checking:
 *
 *	dist   := name '(' [param {',' param}] ')'
 *	param  := name '=' number          (number: strtod, finite)
 *
 * then every parameter of the kind must be present exactly once, and the
 * values in range (dist.h).  The first error is reported, located at the
 * character that causes it (missing parameters: at the closing ')'; an
 * unclosed parenthesis: at the '(').  Offsets count bytes from the text's
 * first character, as if the text were on one line.  With a NULL origin
 * the message is unlocated.
 * Numbers are read with strtod and written with "%.*g", both in the C locale
 * (asgdsim never calls setlocale).
 *
 * The truncated normal, N(mu, s^2) conditioned on x >= 0, is sampled as
 * mu + Y with Y drawn from the N(0, s^2) tail above -mu
 * (gsl_ran_gaussian_tail, valid for any sign of mu; since Y >= -mu and
 * rounding is monotone, the sum is >= 0).  With a = -mu/s and the hazard
 * h(a) = phi(a) / Q(a), its mean is mu + s h(a) and its density
 * phi((x - mu)/s) / (s Q(a)).  For a >= 5 the tail Q(a) is tiny (it
 * underflows past a = 38), so h comes from Laplace's continued fraction
 * instead of the quotient.
 */
#include "dist.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "../common/suggest.h"

#define DIST_NKINDS (DIST_PARETO + 1)

/* What a parameter's value must satisfy. */
enum dist_bound {
	DIST_ANY,        /* any finite number */
	DIST_NONNEG,     /* >= 0 */
	DIST_POSITIVE,   /* > 0 */
	DIST_ABOVE_PREV, /* > the previous parameter (uniform's max > min) */
};

struct dist_spec {
	const char *name;                           /* as written in scenarios */
	int nparams;                                /* parameters used in p[] */
	const char *params[DIST_MAX_PARAMS];        /* their names, in p[] order */
	enum dist_bound bounds[DIST_MAX_PARAMS];    /* their ranges */
};

static const struct dist_spec dist_specs[DIST_NKINDS] = {
	[DIST_CONSTANT] = { "constant", 1, { "value" }, { DIST_NONNEG } },
	[DIST_UNIFORM] = { "uniform", 2, { "min", "max" },
			   { DIST_NONNEG, DIST_ABOVE_PREV } },
	[DIST_EXPONENTIAL] = { "exponential", 1, { "mean" },
			       { DIST_POSITIVE } },
	[DIST_NORMAL] = { "normal", 2, { "mean", "sd" },
			  { DIST_ANY, DIST_POSITIVE } },
	[DIST_LOGNORMAL] = { "lognormal", 2, { "mu", "sigma" },
			     { DIST_ANY, DIST_POSITIVE } },
	[DIST_GAMMA] = { "gamma", 2, { "shape", "scale" },
			 { DIST_POSITIVE, DIST_POSITIVE } },
	[DIST_WEIBULL] = { "weibull", 2, { "scale", "shape" },
			   { DIST_POSITIVE, DIST_POSITIVE } },
	[DIST_PARETO] = { "pareto", 2, { "shape", "scale" },
			  { DIST_POSITIVE, DIST_POSITIVE } },
};

/* The names alone, for suggest_closest(); same order as dist_specs. */
static const char *const dist_names[DIST_NKINDS] = {
	"constant", "uniform", "exponential", "normal",
	"lognormal", "gamma", "weibull", "pareto",
};

const char *dist_name(enum dist_kind kind)
{
	assert((unsigned)kind < DIST_NKINDS);
	return dist_specs[kind].name;
}

/* ---- parsing ---------------------------------------------------------- */

struct dist_parser {
	const char *text;                 /* the whole text, for offsets */
	const char *pos;                  /* the next character to read */
	const struct dist_origin *where;  /* the text's place, or NULL */
	struct diag *d;                   /* where the first error goes */
	const struct dist_spec *spec;     /* the kind, once its name is read */
	const char *close;                /* the closing ')', once reached */
	struct dist dist;                 /* the result under construction */
	bool seen[DIST_MAX_PARAMS];       /* parameter i was given */
	const char *value_at[DIST_MAX_PARAMS]; /* where its value starts */
};

/* Record the error located at `at`; unlocated when there is no origin. */
static asg_status dist_fail(const struct dist_parser *p, const char *at,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static asg_status dist_fail(const struct dist_parser *p, const char *at,
			    const char *fmt, ...)
{
	char msg[DIAG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!p->where)
		return diag_set(p->d, ASG_EINPUT, "%s", msg);
	return diag_at(p->d, ASG_EINPUT, p->where->file, p->where->line,
		       p->where->col + (int)(at - p->text), "%s", msg);
}

static bool dist_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool dist_is_ident(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static void dist_skip_spaces(struct dist_parser *p)
{
	while (dist_is_space(*p->pos))
		p->pos++;
}

/* The end of the word at s: up to a space or one of ",()=", or the single
 * character at s if it is one of those.  s itself at the end of text. */
static const char *dist_token_end(const char *s)
{
	const char *e = s;

	while (*e && !dist_is_space(*e) && !strchr(",()=", *e))
		e++;
	return (e == s && *s) ? s + 1 : e;
}

/* The end of an identifier starting at s (s itself if there is none). */
static const char *dist_ident_end(const char *s)
{
	const char *e = s;

	if (!dist_is_ident(*e, true))
		return s;
	while (dist_is_ident(*e, false))
		e++;
	return e;
}

/* True when the len characters at s are the word name. */
static bool dist_word_is(const char *s, int len, const char *name)
{
	return (size_t)len == strlen(name) && !strncmp(s, name, (size_t)len);
}

/* The length of s without its trailing spaces. */
static int dist_trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && dist_is_space(s[n - 1]))
		n--;
	return (int)n;
}

/* Append ", "-separated names to buf, e.g. "mu, sigma". */
static void dist_list(char *buf, size_t size, const char *const *names, int n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s",
				 i ? ", " : "", names[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static asg_status dist_unknown_name(struct dist_parser *p, const char *start,
				    int len)
{
	char word[SUGGEST_MAX_LEN + 1];
	char all[256];
	const char *near = NULL;

	if (len <= SUGGEST_MAX_LEN) {
		memcpy(word, start, (size_t)len);
		word[len] = '\0';
		near = suggest_closest(word, dist_names, DIST_NKINDS);
	}
	if (near)
		return dist_fail(p, start,
				 "unknown distribution '%.*s', did you mean '%s'?",
				 len, start, near);
	dist_list(all, sizeof all, dist_names, DIST_NKINDS);
	return dist_fail(p, start, "unknown distribution '%.*s' (expected %s)",
			 len, start, all);
}

/* name '(' — sets p->spec and checks that a ')' follows somewhere. */
static asg_status dist_parse_head(struct dist_parser *p)
{
	dist_skip_spaces(p);
	if (!*p->pos)
		return dist_fail(p, p->pos, "empty distribution");
	const char *start = p->pos;
	const char *end = dist_ident_end(start);
	int len = (int)(end - start);
	if (len == 0)
		return dist_fail(p, start,
				 "expected a distribution name, got '%.*s'",
				 (int)(dist_token_end(start) - start), start);
	for (int k = 0; k < DIST_NKINDS && !p->spec; k++)
		if (dist_word_is(start, len, dist_specs[k].name)) {
			p->spec = &dist_specs[k];
			p->dist.kind = (enum dist_kind)k;
		}
	if (!p->spec)
		return dist_unknown_name(p, start, len);
	p->pos = end;
	dist_skip_spaces(p);
	if (*p->pos != '(')
		return dist_fail(p, p->pos, "expected '(' after '%s'",
				 p->spec->name);
	if (!strchr(p->pos, ')')) {
		const char *text = p->text;
		while (dist_is_space(*text))
			text++;
		return dist_fail(p, p->pos, "unclosed parenthesis in '%.*s'",
				 dist_trimmed_len(text), text);
	}
	p->pos++;
	return ASG_OK;
}

/* A finite number ending at a token boundary, for parameter `name`. */
static asg_status dist_parse_number(struct dist_parser *p, const char *name,
				    double *value)
{
	const char *start = p->pos;
	const char *end = dist_token_end(start);
	char *stop;

	errno = 0;
	double v = strtod(start, &stop);
	bool range = errno == ERANGE;
	if (stop == start || stop != end || isnan(v) || (isinf(v) && !range))
		return dist_fail(p, start, "expected a number for '%s', got '%.*s'",
				 name, (int)(end - start), start);
	if (range && (isinf(v) || v == 0))
		return dist_fail(p, start, "number out of range: '%.*s'",
				 (int)(end - start), start);
	/* A subnormal result (ERANGE, v != 0) is kept: %.17g writes them. */
	*value = v;
	p->pos = end;
	return ASG_OK;
}

/* name '=' number */
static asg_status dist_parse_param(struct dist_parser *p)
{
	const struct dist_spec *spec = p->spec;
	const char *start = p->pos;
	const char *end = dist_ident_end(start);
	int len = (int)(end - start);
	int i;

	if (len == 0)
		return dist_fail(p, start, "expected a parameter name, got '%.*s'",
				 (int)(dist_token_end(start) - start), start);
	for (i = 0; i < spec->nparams; i++)
		if (dist_word_is(start, len, spec->params[i]))
			break;
	if (i == spec->nparams) {
		char expected[128];
		dist_list(expected, sizeof expected, spec->params,
			  spec->nparams);
		return dist_fail(p, start,
				 "unknown parameter '%.*s' for '%s' (expected %s)",
				 len, start, spec->name, expected);
	}
	if (p->seen[i])
		return dist_fail(p, start, "parameter '%s' given twice",
				 spec->params[i]);
	p->pos = end;
	dist_skip_spaces(p);
	if (*p->pos != '=')
		return dist_fail(p, p->pos, "expected '=' after '%s'",
				 spec->params[i]);
	p->pos++;
	dist_skip_spaces(p);
	p->value_at[i] = p->pos;
	p->seen[i] = true;
	return dist_parse_number(p, spec->params[i], &p->dist.p[i]);
}

/* [param {',' param}] ')' — the '(' already read; sets p->close. */
static asg_status dist_parse_params(struct dist_parser *p)
{
	dist_skip_spaces(p);
	if (*p->pos == ')') {
		p->close = p->pos++;
		return ASG_OK;
	}
	for (;;) {
		asg_status s = dist_parse_param(p);
		if (s != ASG_OK)
			return s;
		dist_skip_spaces(p);
		if (*p->pos == ')') {
			p->close = p->pos++;
			return ASG_OK;
		}
		if (*p->pos != ',') {
			const char *e = dist_token_end(p->pos);
			return dist_fail(p, p->pos,
					 "expected ',' or ')', got '%.*s'",
					 (int)(e - p->pos), p->pos);
		}
		p->pos++;
		dist_skip_spaces(p);
	}
}

static asg_status dist_check_end(struct dist_parser *p)
{
	dist_skip_spaces(p);
	if (*p->pos)
		return dist_fail(p, p->pos,
				 "unexpected text after distribution: '%.*s'",
				 dist_trimmed_len(p->pos), p->pos);
	for (int i = 0; i < p->spec->nparams; i++)
		if (!p->seen[i])
			return dist_fail(p, p->close,
					 "missing parameter '%s' for '%s'",
					 p->spec->params[i], p->spec->name);
	return ASG_OK;
}

static asg_status dist_check_ranges(struct dist_parser *p)
{
	const struct dist_spec *spec = p->spec;
	const double *v = p->dist.p;

	for (int i = 0; i < spec->nparams; i++) {
		const char *at = p->value_at[i];
		const char *name = spec->params[i];
		switch (spec->bounds[i]) {
		case DIST_ANY:
			break;
		case DIST_NONNEG:
			if (!(v[i] >= 0))
				return dist_fail(p, at, "%s must be >= 0, got %g",
						 name, v[i]);
			break;
		case DIST_POSITIVE:
			if (!(v[i] > 0))
				return dist_fail(p, at, "%s must be > 0, got %g",
						 name, v[i]);
			break;
		case DIST_ABOVE_PREV:
			assert(i > 0);
			if (!(v[i] > v[i - 1]))
				return dist_fail(p, at,
						 "%s must be > %s (%g), got %g",
						 name, spec->params[i - 1],
						 v[i - 1], v[i]);
			break;
		}
	}
	return ASG_OK;
}

asg_status dist_parse(const char *text, const struct dist_origin *where,
		      struct dist *out, struct diag *d)
{
	struct dist_parser p = { .text = text, .pos = text, .where = where,
				 .d = d };
	asg_status s;

	assert(text && out && d);
	if ((s = dist_parse_head(&p)) != ASG_OK ||
	    (s = dist_parse_params(&p)) != ASG_OK ||
	    (s = dist_check_end(&p)) != ASG_OK ||
	    (s = dist_check_ranges(&p)) != ASG_OK)
		return s;
	*out = p.dist;
	return ASG_OK;
}

/* ---- sampling and moments --------------------------------------------- */

/* h(a) = phi(a) / Q(a), the hazard of the standard normal. */
static double dist_gauss_hazard(double a)
{
	if (a < 5.0)
		return gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a);
	/* h(a) = a + 1/(a + 2/(a + 3/(a + ...))), from the 100th term back:
	 * at a = 5 the truncation error is below 1e-15 relative. */
	double t = a;
	for (int k = 100; k >= 1; k--)
		t = a + k / t;
	return t;
}

double dist_sample(const struct dist *dist, gsl_rng *rng)
{
	const double *p = dist->p;

	switch (dist->kind) {
	case DIST_CONSTANT:
		return p[0];
	case DIST_UNIFORM:
		return gsl_ran_flat(rng, p[0], p[1]);
	case DIST_EXPONENTIAL:
		return gsl_ran_exponential(rng, p[0]);
	case DIST_NORMAL:
		return p[0] + gsl_ran_gaussian_tail(rng, -p[0], p[1]);
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(rng, p[0], p[1]);
	case DIST_GAMMA:
		return gsl_ran_gamma(rng, p[0], p[1]);
	case DIST_WEIBULL:
		return gsl_ran_weibull(rng, p[0], p[1]);
	case DIST_PARETO:
		return gsl_ran_pareto(rng, p[0], p[1]);
	}
	assert(!"unknown distribution kind");
	return 0;
}

double dist_mean(const struct dist *dist)
{
	const double *p = dist->p;

	switch (dist->kind) {
	case DIST_CONSTANT:
		return p[0];
	case DIST_UNIFORM:
		return 0.5 * (p[0] + p[1]);
	case DIST_EXPONENTIAL:
		return p[0];
	case DIST_NORMAL:
		return p[0] + p[1] * dist_gauss_hazard(-p[0] / p[1]);
	case DIST_LOGNORMAL:
		return exp(p[0] + 0.5 * p[1] * p[1]);
	case DIST_GAMMA:
		return p[0] * p[1];
	case DIST_WEIBULL:
		/* lngamma, not gamma: Gamma(1 + 1/b) overflows for tiny b */
		return p[0] * exp(gsl_sf_lngamma(1.0 + 1.0 / p[1]));
	case DIST_PARETO:
		return p[0] > 1 ? p[0] * p[1] / (p[0] - 1) : INFINITY;
	}
	assert(!"unknown distribution kind");
	return 0;
}

/* The density of N(mu, s^2) truncated to x >= 0. */
static double dist_truncnorm_pdf(double mu, double s, double x)
{
	double a = -mu / s;
	double z = (x - mu) / s;

	if (x < 0)
		return 0;
	if (a <= 0)
		return gsl_ran_ugaussian_pdf(z) / (s * gsl_cdf_ugaussian_Q(a));
	/* phi(z) / Q(a) = exp((a^2 - z^2)/2) h(a), with z >= a > 0 */
	return exp(0.5 * (a - z) * (a + z)) * dist_gauss_hazard(a) / s;
}

double dist_pdf(const struct dist *dist, double x)
{
	const double *p = dist->p;

	switch (dist->kind) {
	case DIST_CONSTANT:
		return 0;
	case DIST_UNIFORM:
		return gsl_ran_flat_pdf(x, p[0], p[1]);
	case DIST_EXPONENTIAL:
		return gsl_ran_exponential_pdf(x, p[0]);
	case DIST_NORMAL:
		return dist_truncnorm_pdf(p[0], p[1], x);
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal_pdf(x, p[0], p[1]);
	case DIST_GAMMA:
		return gsl_ran_gamma_pdf(x, p[0], p[1]);
	case DIST_WEIBULL:
		return gsl_ran_weibull_pdf(x, p[0], p[1]);
	case DIST_PARETO:
		return gsl_ran_pareto_pdf(x, p[0], p[1]);
	}
	assert(!"unknown distribution kind");
	return 0;
}

/* ---- formatting ------------------------------------------------------- */

/* The shortest of %.15g, %.16g, %.17g that reads back as v: "0.3", not
 * "0.29999999999999999" (%.17g always reads back). */
static void dist_format_number(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

int dist_format(const struct dist *dist, char *buf, size_t size)
{
	assert((unsigned)dist->kind < DIST_NKINDS);
	const struct dist_spec *spec = &dist_specs[dist->kind];
	char text[256]; /* name + 4 x (", " + name + "=" + 24 digits) fits */
	char num[32];
	int len = snprintf(text, sizeof text, "%s(", spec->name);

	for (int i = 0; i < spec->nparams; i++) {
		dist_format_number(dist->p[i], num, sizeof num);
		len += snprintf(text + len, sizeof text - (size_t)len,
				"%s%s=%s", i ? ", " : "", spec->params[i], num);
	}
	assert((size_t)len + 1 < sizeof text);
	snprintf(text + len, sizeof text - (size_t)len, ")");
	return snprintf(buf, size, "%s", text);
}
