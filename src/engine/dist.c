/*
 * dist.c — distributions of durations: parse, sample, mean, pdf, format.
 *
 * A distribution is written `name(param=value, ...)`, spaces allowed
 * between any two tokens.  The grammar, in order of checking:
 *
 *	dist   := name '(' [param {',' param}] ')'
 *	param  := name '=' value           (value: an expression, expr.h)
 *
 * then every parameter of the kind must be present exactly once (shift
 * at most once), and the values finite and in range (dist.h).  The first
 * error is reported, located at the character that causes it (missing
 * parameters: at the closing ')'; an unclosed parenthesis: at the '(').
 * A value that is not an expression at all, or a plain number out of
 * range, keeps the messages of a number ("expected a number for 'mu', got
 * 'abc'", "number out of range: '-1e999'"); an error further inside an
 * expression has the expression's message.  Offsets count bytes from the
 * text's first character, as if the text were on one line.  With a NULL
 * origin the message is unlocated.
 * A value without i is evaluated when parsed; a value with i keeps its
 * code, and its range is checked by dist_at for each worker.
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

#define DIST_NKINDS (DIST_HALFNORMAL + 1)

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
	[DIST_HALFNORMAL] = { "halfnormal", 1, { "sd" }, { DIST_POSITIVE } },
};

/* The optional parameter of every kind, in slot DIST_SHIFT. */
static const char dist_shift_name[] = "shift";

/* The names alone, for suggest_closest(); same order as dist_specs. */
static const char *const dist_names[DIST_NKINDS] = {
	"constant", "uniform", "exponential", "normal",
	"lognormal", "gamma", "weibull", "pareto", "halfnormal",
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
	bool seen[DIST_SLOTS];            /* slot s was given */
	const char *value_at[DIST_SLOTS]; /* where its value starts */
};

asg_status dist_fail_at(struct diag *d, const struct dist_origin *where,
			int offset, const char *fmt, ...)
{
	char msg[DIAG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!where)
		return diag_set(d, ASG_EINPUT, "%s", msg);
	return diag_at(d, ASG_EINPUT, where->file, where->line,
		       where->col + offset, "%s", msg);
}

/* Record the error located at `at` of the parser's text. */
#define dist_fail(p, at, ...) \
	dist_fail_at((p)->d, (p)->where, (int)((at) - (p)->text), __VA_ARGS__)

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

/* Slot s of a distribution: parameter p[s], or shift. */
static double *dist_slot(struct dist *dist, int s)
{
	return s == DIST_SHIFT ? &dist->shift : &dist->p[s];
}

static double dist_slot_value(const struct dist *dist, int s)
{
	return s == DIST_SHIFT ? dist->shift : dist->p[s];
}

static const char *dist_slot_name(enum dist_kind kind, int s)
{
	return s == DIST_SHIFT ? dist_shift_name : dist_specs[kind].params[s];
}

static bool dist_slot_is_indexed(const struct dist *dist, int s)
{
	return (dist->indexed >> s) & 1u;
}

/* The error of the value starting at start: a value that is no expression
 * at all (or a lone signed number out of range) reads as a bad number. */
static asg_status dist_value_error(const struct dist_parser *p,
				   const char *start, const char *name,
				   const struct expr_error *err)
{
	const char *lead = start + (*start == '+' || *start == '-');
	bool first = err->at == start || err->at == lead;

	if (first && err->fault == EXPR_OPERAND)
		return dist_fail(p, start, "expected a number for '%s', got '%.*s'",
				 name, (int)(dist_token_end(start) - start), start);
	if (first && err->fault == EXPR_RANGE)
		return dist_fail(p, start, "number out of range: '%.*s'",
				 (int)(err->end - start), start);
	return dist_fail(p, err->at, "%s", err->msg);
}

/* The value of slot s, named name: evaluated now, or kept as code when it
 * reads the worker index. */
static asg_status dist_parse_value(struct dist_parser *p, int s,
				   const char *name)
{
	struct expr_code *code = &p->dist.code;
	uint8_t from = code->nop, nnum = code->nnum;
	const char *start = p->pos;
	const char *end;
	struct expr_error err;

	if (expr_parse(start, &end, code, &err) != ASG_OK)
		return dist_value_error(p, start, name, &err);
	size_t offset = (size_t)(start - p->text);
	p->dist.text_at[s] = offset < UINT16_MAX ? (uint16_t)offset : UINT16_MAX;
	if (expr_uses_index(code, from, code->nop)) {
		p->dist.indexed |= (uint8_t)(1u << s);
		p->dist.code_from[s] = from;
		p->dist.code_to[s] = code->nop;
	} else {
		*dist_slot(&p->dist, s) = expr_eval(code, from, code->nop, 0);
		code->nop = from;
		code->nnum = nnum;
		memset(code->op + from, 0, EXPR_CODE_MAX - from);
		memset(code->num + nnum, 0, (EXPR_NUMS_MAX - nnum) * sizeof *code->num);
	}
	p->pos = end;
	return ASG_OK;
}

/* name '=' value */
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
	if (i == spec->nparams && dist_word_is(start, len, dist_shift_name))
		i = DIST_SHIFT;
	if (i == spec->nparams) {
		char expected[128];
		dist_list(expected, sizeof expected, spec->params,
			  spec->nparams);
		return dist_fail(p, start,
				 "unknown parameter '%.*s' for '%s' (expected %s)",
				 len, start, spec->name, expected);
	}
	const char *name = dist_slot_name(p->dist.kind, i);
	if (p->seen[i])
		return dist_fail(p, start, "parameter '%s' given twice", name);
	p->pos = end;
	dist_skip_spaces(p);
	if (*p->pos != '=')
		return dist_fail(p, p->pos, "expected '=' after '%s'", name);
	p->pos++;
	dist_skip_spaces(p);
	p->value_at[i] = p->pos;
	p->seen[i] = true;
	return dist_parse_value(p, i, name);
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

/* Whether the value of slot s is finite and in range; if not, the message
 * ("sigma must be > 0, got -0.3") goes to msg. */
static bool dist_slot_ok(const struct dist *dist, int s, char *msg,
			 size_t size)
{
	const struct dist_spec *spec = &dist_specs[dist->kind];
	const char *name = dist_slot_name(dist->kind, s);
	double v = dist_slot_value(dist, s);

	if (!isfinite(v)) {
		snprintf(msg, size, "%s must be a finite number, got %g", name, v);
		return false;
	}
	switch (s == DIST_SHIFT ? DIST_NONNEG : spec->bounds[s]) {
	case DIST_ANY:
		return true;
	case DIST_NONNEG:
		snprintf(msg, size, "%s must be >= 0, got %g", name, v);
		return v >= 0;
	case DIST_POSITIVE:
		snprintf(msg, size, "%s must be > 0, got %g", name, v);
		return v > 0;
	case DIST_ABOVE_PREV:
		assert(s > 0);
		snprintf(msg, size, "%s must be > %s (%g), got %g", name,
			 spec->params[s - 1], dist->p[s - 1], v);
		return v > dist->p[s - 1];
	}
	assert(!"unknown bound");
	return false;
}

/* Slot s is a parameter of the kind, or shift. */
static bool dist_has_slot(const struct dist *dist, int s)
{
	return s == DIST_SHIFT || s < dist_specs[dist->kind].nparams;
}

/* Every value that is known now: those not indexed, whose bound does not
 * involve an indexed one. */
static asg_status dist_check_ranges(struct dist_parser *p)
{
	const struct dist *dist = &p->dist;
	char msg[DIAG_TEXT_MAX];

	for (int s = 0; s < DIST_SLOTS; s++) {
		if (!dist_has_slot(dist, s))
			continue;
		bool later = dist_slot_is_indexed(dist, s) ||
			     (s != DIST_SHIFT &&
			      dist_specs[dist->kind].bounds[s] == DIST_ABOVE_PREV &&
			      dist_slot_is_indexed(dist, s - 1));
		if (!later && !dist_slot_ok(dist, s, msg, sizeof msg))
			return dist_fail(p, p->value_at[s], "%s", msg);
	}
	if (!dist_indexed(dist))   /* offsets serve dist_at's messages only */
		memset(p->dist.text_at, 0, sizeof p->dist.text_at);
	return ASG_OK;
}

asg_status dist_parse(const char *text, const struct dist_origin *where,
		      struct dist *out, struct diag *d)
{
	struct dist_parser p = { .text = text, .pos = text, .where = where,
				 .d = d };
	asg_status s;

	assert(text && out && d);
	memset(&p.dist, 0, sizeof p.dist);   /* padding too: dists compare by bytes */
	if ((s = dist_parse_head(&p)) != ASG_OK ||
	    (s = dist_parse_params(&p)) != ASG_OK ||
	    (s = dist_check_end(&p)) != ASG_OK ||
	    (s = dist_check_ranges(&p)) != ASG_OK)
		return s;
	*out = p.dist;
	return ASG_OK;
}

int dist_index_offset(const struct dist *dist)
{
	for (int s = 0; s < DIST_SLOTS; s++)
		if (dist_slot_is_indexed(dist, s))
			return dist->text_at[s];
	return 0;
}

asg_status dist_at(const struct dist *dist, long i,
		   const struct dist_origin *where, struct dist *out,
		   struct diag *d)
{
	struct dist c = *dist;
	char msg[DIAG_TEXT_MAX];

	if (!dist_indexed(dist)) {
		*out = c;
		return ASG_OK;
	}
	for (int s = 0; s < DIST_SLOTS; s++)
		if (dist_slot_is_indexed(dist, s))
			*dist_slot(&c, s) = expr_eval(&dist->code, dist->code_from[s],
						      dist->code_to[s], (double)i);
	for (int s = 0; s < DIST_SLOTS; s++) {
		if (!dist_has_slot(dist, s) || dist_slot_ok(&c, s, msg, sizeof msg))
			continue;
		return dist_fail_at(d, where, dist->text_at[s], "%s at i = %ld",
				    msg, i);
	}
	c.indexed = 0;
	memset(c.code_from, 0, sizeof c.code_from);
	memset(c.code_to, 0, sizeof c.code_to);
	memset(c.text_at, 0, sizeof c.text_at);
	memset(&c.code, 0, sizeof c.code);
	*out = c;
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

/* A draw of the kind, without shift. */
static double dist_draw(const struct dist *dist, gsl_rng *rng)
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
	case DIST_HALFNORMAL:
		return fabs(gsl_ran_gaussian(rng, p[0]));
	}
	assert(!"unknown distribution kind");
	return 0;
}

double dist_sample(const struct dist *dist, gsl_rng *rng)
{
	assert(!dist_indexed(dist));
	return dist_draw(dist, rng) + dist->shift;
}

/* The mean of the kind, without shift. */
static double dist_kind_mean(const struct dist *dist)
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
	case DIST_HALFNORMAL:
		return p[0] * 0.79788456080286535588;   /* sqrt(2 / pi) */
	}
	assert(!"unknown distribution kind");
	return 0;
}

double dist_mean(const struct dist *dist)
{
	assert(!dist_indexed(dist));
	return dist_kind_mean(dist) + dist->shift;
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

	assert(!dist_indexed(dist));
	x -= dist->shift;
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
	case DIST_HALFNORMAL:
		return x < 0 ? 0 : 2 * gsl_ran_gaussian_pdf(x, p[0]);
	}
	assert(!"unknown distribution kind");
	return 0;
}

/* ---- formatting ------------------------------------------------------- */

/* Slot s as text: its expression, or its number. */
static void dist_format_slot(const struct dist *dist, int s, char *buf,
			     size_t size)
{
	if (dist_slot_is_indexed(dist, s))
		expr_format(&dist->code, dist->code_from[s], dist->code_to[s],
			    buf, size);
	else
		expr_format_number(dist_slot_value(dist, s), buf, size);
}

int dist_format(const struct dist *dist, char *buf, size_t size)
{
	assert((unsigned)dist->kind < DIST_NKINDS);
	const struct dist_spec *spec = &dist_specs[dist->kind];
	/* name + 5 x (", " + name + "=" + a value); a value is at most an
	 * expression of EXPR_CODE_MAX instructions, each within 32 bytes */
	char text[DIST_SLOTS * (EXPR_CODE_MAX * 32 + 16) + 32];
	char value[EXPR_CODE_MAX * 32];
	int len = snprintf(text, sizeof text, "%s(", spec->name);

	for (int s = 0; s < DIST_SLOTS; s++) {
		if (!dist_has_slot(dist, s) ||
		    (s == DIST_SHIFT && dist->shift == 0 &&
		     !dist_slot_is_indexed(dist, s)))
			continue;
		dist_format_slot(dist, s, value, sizeof value);
		len += snprintf(text + len, sizeof text - (size_t)len, "%s%s=%s",
				s ? ", " : "", dist_slot_name(dist->kind, s), value);
	}
	assert((size_t)len + 1 < sizeof text);
	snprintf(text + len, sizeof text - (size_t)len, ")");
	return snprintf(buf, size, "%s", text);
}
