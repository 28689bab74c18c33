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
 * `shifted(c, D)` and `scaled(s, D)` are read by dist_parse_affine: the
 * number, then D parsed as a text of its own (its messages located by
 * the offset of D in the whole), folded into D's scale and offset.
 * `trace(...)` has parameters that are words, not numbers: read by
 * dist_parse_trace, which loads the file (trace.h).  `mixture(...)` is read
 * by mixture_parse (mixture.c), each part by dist_parse_span.
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
/* realpath() is an X/Open function in glibc's headers. */
#define _XOPEN_SOURCE 700
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
#include "mixture.h"

#define DIST_NKINDS (DIST_MIXTURE + 1)

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
	[DIST_MIXTURE] = { "mixture", 0, { NULL }, { DIST_ANY } }, /* mixture.c */
	[DIST_TRACE] = { "trace", 0, { NULL }, { DIST_ANY } },  /* parameters
	                   of their own: dist_parse_trace */
};

/* The optional parameter of every kind, in slot DIST_SHIFT. */
static const char dist_shift_name[] = "shift";

/* The names alone, for suggest_closest(); same order as dist_specs. */
static const char *const dist_names[DIST_NKINDS] = {
	"constant", "uniform", "exponential", "normal",
	"lognormal", "gamma", "weibull", "pareto", "halfnormal", "trace",
	"mixture",
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

static asg_status dist_parse_trace(struct dist_parser *p);

/* [param {',' param}] ')' — the '(' already read; sets p->close. */
static asg_status dist_parse_params(struct dist_parser *p)
{
	if (p->dist.kind == DIST_TRACE)
		return dist_parse_trace(p);
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

/* ---- trace(file=F, column=C, mode=M) ------------------------------------ */

static const char *const dist_trace_params[] = { "file", "column", "mode" };

/* A word value of trace: quoted with ' or ", or up to ',' or ')' and
 * trimmed.  *from and *to bound it; p->pos goes past it. */
static asg_status dist_trace_word(struct dist_parser *p, const char **from,
				  const char **to)
{
	const char *start = p->pos;
	if (*start == '\'' || *start == '"') {
		const char *q = strchr(start + 1, *start);
		if (!q)
			return dist_fail(p, start, "unclosed quote");
		*from = start + 1;
		*to = q;
		p->pos = q + 1;
		return ASG_OK;
	}
	const char *e = start;
	while (*e && *e != ',' && *e != ')')
		e++;
	p->pos = e;
	while (e > start && dist_is_space(e[-1]))
		e--;
	if (e == start)
		return dist_fail(p, start, "expected a value, got '%.*s'",
				 (int)(dist_token_end(start) - start), start);
	*from = start;
	*to = e;
	return ASG_OK;
}

/* Load the file named by [from, to), relative to the directory of the
 * text's file; open errors located at the value. */
static asg_status dist_trace_file(struct dist_parser *p, const char *from,
				  const char *to)
{
	char path[4096];
	int dir = 0;
	const char *file = p->where ? p->where->file : NULL;
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (*from != '/' && slash)
		dir = (int)(slash - file) + 1;
	int len = snprintf(path, sizeof path, "%.*s%.*s", dir, file ? file : "",
			   (int)(to - from), from);
	if (len < 0 || (size_t)len >= sizeof path)
		return dist_fail(p, from, "path too long");
	struct diag tmp;
	diag_init(&tmp);
	char *real = realpath(path, NULL);   /* one trace per file; absolute in
	                                        the resolved scenario */
	p->dist.trace = trace_load(real ? real : path, &tmp);
	free(real);
	if (p->dist.trace)
		return ASG_OK;
	if (tmp.status == ASG_EIO)   /* unlocated: located at the value */
		return dist_fail(p, from, "%s", tmp.text);
	return diag_set(p->d, tmp.status, "%s", tmp.text);
}

/* The column [from, to) of the loaded trace: `worker`, an index or a
 * header name. */
static asg_status dist_trace_column(struct dist_parser *p, const char *from,
				    const char *to)
{
	const struct trace *t = p->dist.trace;
	int len = (int)(to - from);
	char *end;

	if (dist_word_is(from, len, "worker")) {
		p->dist.column = -1;
		p->dist.indexed = 1;
		size_t offset = (size_t)(from - p->text);
		p->dist.text_at[0] = offset < UINT16_MAX ? (uint16_t)offset : UINT16_MAX;
		return ASG_OK;
	}
	if (*from >= '0' && *from <= '9') {
		unsigned long c = strtoul(from, &end, 10);
		if (end == to && c < t->cols) {
			p->dist.column = (long)c;
			return ASG_OK;
		}
		if (end == to)
			return dist_fail(p, from, "column %.*s out of range: '%s' has "
					 "%zu column%s", len, from, t->path, t->cols,
					 t->cols == 1 ? "" : "s");
	}
	long c = trace_column(t, from, (size_t)len);
	if (c < 0)
		return dist_fail(p, from, "no column named '%.*s' in '%s'%s", len,
				 from, t->path, t->names ? "" : " (it has no header)");
	p->dist.column = c;
	return ASG_OK;
}

/* The parameters of trace, up to and with the ')'. */
static asg_status dist_parse_trace(struct dist_parser *p)
{
	const char *value[3] = { NULL }, *value_end[3] = { NULL };
	asg_status s;

	dist_skip_spaces(p);
	while (*p->pos != ')') {
		const char *start = p->pos;
		int len = (int)(dist_ident_end(start) - start);
		int k = 0;
		while (k < 3 && !dist_word_is(start, len, dist_trace_params[k]))
			k++;
		if (len == 0)
			return dist_fail(p, start, "expected a parameter name, got '%.*s'",
					 (int)(dist_token_end(start) - start), start);
		if (k == 3)
			return dist_fail(p, start, "unknown parameter '%.*s' for 'trace' "
					 "(expected file, column, mode)", len, start);
		if (value[k])
			return dist_fail(p, start, "parameter '%s' given twice",
					 dist_trace_params[k]);
		p->pos = start + len;
		dist_skip_spaces(p);
		if (*p->pos != '=')
			return dist_fail(p, p->pos, "expected '=' after '%s'",
					 dist_trace_params[k]);
		p->pos++;
		dist_skip_spaces(p);
		if ((s = dist_trace_word(p, &value[k], &value_end[k])) != ASG_OK)
			return s;
		dist_skip_spaces(p);
		if (*p->pos == ',') {
			p->pos++;
			dist_skip_spaces(p);
		} else if (*p->pos != ')') {
			return dist_fail(p, p->pos, "expected ',' or ')', got '%.*s'",
					 (int)(dist_token_end(p->pos) - p->pos), p->pos);
		}
	}
	p->close = p->pos++;
	if (!value[0])
		return dist_fail(p, p->close, "missing parameter 'file' for 'trace'");
	if (value[2]) {
		int len = (int)(value_end[2] - value[2]);
		p->dist.replay = dist_word_is(value[2], len, "replay");
		if (!p->dist.replay && !dist_word_is(value[2], len, "bootstrap"))
			return dist_fail(p, value[2], "unknown mode '%.*s' for 'trace' "
					 "(expected replay, bootstrap)", len, value[2]);
	}
	if ((s = dist_trace_file(p, value[0], value_end[0])) != ASG_OK)
		return s;
	if (value[1])
		return dist_trace_column(p, value[1], value_end[1]);
	return ASG_OK;
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

/* A duration a draw can reach: the quantile at 1 - DIST_TAIL of the kind
 * (closed forms; for gamma the upper bound a + sqrt(2 a t) + t with
 * t = -ln DIST_TAIL of its Bernstein inequality), plus shift.  A
 * distribution whose reach exceeds DIST_REACH_MAX is refused: then even
 * 2^64 draws add up to a finite virtual time. */
#define DIST_TAIL_LOG 41.45       /* -ln 1e-18 */
#define DIST_TAIL_Z 8.76          /* the standard normal's 1 - 1e-18 quantile */
#define DIST_REACH_MAX 1e288

static double dist_reach(const struct dist *dist)
{
	const double *p = dist->p;
	double r = 0;

	switch (dist->kind) {
	case DIST_CONSTANT:
		r = p[0];
		break;
	case DIST_UNIFORM:
		r = p[1];
		break;
	case DIST_EXPONENTIAL:
		r = p[0] * DIST_TAIL_LOG;
		break;
	case DIST_NORMAL:
		r = p[0] + p[1] * DIST_TAIL_Z;
		break;
	case DIST_LOGNORMAL:
		r = exp(p[0] + p[1] * DIST_TAIL_Z);
		break;
	case DIST_GAMMA:
		r = p[1] * (p[0] + sqrt(2 * p[0] * DIST_TAIL_LOG) + DIST_TAIL_LOG);
		break;
	case DIST_WEIBULL:
		r = p[0] * pow(DIST_TAIL_LOG, 1 / p[1]);
		break;
	case DIST_PARETO:
		r = p[1] * exp(DIST_TAIL_LOG / p[0]);
		break;
	case DIST_HALFNORMAL:
		r = p[0] * (DIST_TAIL_Z + 0.07);
		break;
	case DIST_TRACE:   /* the column's largest value */
		for (size_t i = 0; i < dist->trace->rows; i++)
			r = fmax(r, trace_values(dist->trace, (size_t)dist->column)[i]);
		break;
	case DIST_MIXTURE:   /* its parts' largest */
		for (size_t k = 0; k < dist->mixture->n; k++)
			r = fmax(r, dist_reach(&dist->mixture->part[k]));
		break;
	}
	return (dist->scale ? dist->scale : 1) * (r + dist->shift) + dist->offset;
}

/* The message when dist can reach durations too large, into msg. */
static bool dist_reach_ok(const struct dist *dist, char *msg, size_t size)
{
	double r = dist_reach(dist);
	snprintf(msg, size, "the distribution can draw durations too large to"
		 " simulate: its 1 - 1e-18 quantile is %.3g s, more than %g s", r,
		 DIST_REACH_MAX);
	return r <= DIST_REACH_MAX;
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
	if (!dist_indexed(dist) && !dist_reach_ok(dist, msg, sizeof msg))
		return dist_fail(p, p->text, "%s", msg);
	if (!dist_indexed(dist))   /* offsets serve dist_at's messages only */
		memset(p->dist.text_at, 0, sizeof p->dist.text_at);
	return ASG_OK;
}

static asg_status dist_parse_affine(struct dist_parser *p, bool scaled);

asg_status dist_parse(const char *text, const struct dist_origin *where,
		      struct dist *out, struct diag *d)
{
	struct dist_parser p = { .text = text, .pos = text, .where = where,
				 .d = d };
	asg_status s;

	assert(text && out && d);
	memset(&p.dist, 0, sizeof p.dist);   /* padding too: dists compare by bytes */
	dist_skip_spaces(&p);
	const char *end = dist_ident_end(p.pos);
	int len = (int)(end - p.pos);
	if (dist_word_is(p.pos, len, "scaled") || dist_word_is(p.pos, len, "shifted")) {
		bool scaled = dist_word_is(p.pos, len, "scaled");
		p.pos = end;
		if ((s = dist_parse_affine(&p, scaled)) != ASG_OK)
			return s;
		*out = p.dist;
		return ASG_OK;
	}
	if (dist_word_is(p.pos, len, "mixture")) {
		if ((s = mixture_parse(text, end, where, &p.dist, d)) != ASG_OK)
			return s;
		*out = p.dist;
		return ASG_OK;
	}
	if ((s = dist_parse_head(&p)) != ASG_OK ||
	    (s = dist_parse_params(&p)) != ASG_OK ||
	    (s = dist_check_end(&p)) != ASG_OK ||
	    (s = dist_check_ranges(&p)) != ASG_OK)
		return s;
	*out = p.dist;
	return ASG_OK;
}

const char *dist_matching_paren(const char *open)
{
	int depth = 0;
	for (const char *c = open; *c; c++) {
		depth += (*c == '(') - (*c == ')');
		if (depth == 0)
			return c;
	}
	return NULL;
}

asg_status dist_parse_span(const char *text, size_t from, size_t to,
			   const struct dist_origin *where, struct dist *out,
			   struct diag *d)
{
	assert(from <= to && to <= strlen(text));
	size_t len = to - from;
	char *span = malloc(len + 1);
	if (!span)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	memcpy(span, text + from, len);
	span[len] = '\0';
	struct dist_origin at;
	if (where) {
		at = *where;
		at.col += (int)from;
	}
	asg_status s = dist_parse(span, where ? &at : NULL, out, d);
	free(span);
	if (s != ASG_OK)
		return s;
	for (int k = 0; k < DIST_SLOTS; k++)   /* offsets in the whole text */
		if (dist_slot_is_indexed(out, k))
			out->text_at[k] = (uint16_t)(out->text_at[k] + from);
	return ASG_OK;
}

/* The inner distribution of an affine map: the text from `from` to
 * `to` (excluded), parsed as a distribution of its own. */
static asg_status dist_parse_inner(struct dist_parser *p, const char *from,
				   const char *to)
{
	return dist_parse_span(p->text, (size_t)(from - p->text),
			       (size_t)(to - p->text), p->where, &p->dist, p->d);
}

/* '(' number ',' dist ')' after `scaled` or `shifted`: the inner
 * distribution into p->dist, mapped. */
static asg_status dist_parse_affine(struct dist_parser *p, bool scaled)
{
	const char *name = scaled ? "scaled" : "shifted";
	struct expr_code code;
	struct expr_error err;
	const char *end;

	dist_skip_spaces(p);
	if (*p->pos != '(')
		return dist_fail(p, p->pos, "expected '(' after '%s'", name);
	const char *close = dist_matching_paren(p->pos);
	if (!close)
		return dist_fail(p, p->pos, "unclosed parenthesis in '%.*s'",
				 dist_trimmed_len(p->text), p->text);
	p->pos++;
	dist_skip_spaces(p);
	const char *value = p->pos;
	memset(&code, 0, sizeof code);
	if (expr_parse(value, &end, &code, &err) != ASG_OK)
		return dist_value_error(p, value, scaled ? "s" : "c", &err);
	if (expr_uses_index(&code, 0, code.nop))
		return dist_fail(p, value, "the worker index i has no value in "
				 "'%s' (only inside its distribution)", name);
	double v = expr_eval(&code, 0, code.nop, 0);
	if (!isfinite(v) || (scaled ? v <= 0 : v < 0))
		return dist_fail(p, value, "%s must be %s, got %g",
				 scaled ? "the scale" : "the shift",
				 scaled ? "> 0" : ">= 0", v);
	p->pos = end;
	dist_skip_spaces(p);
	if (*p->pos != ',')
		return dist_fail(p, p->pos, "expected ',' after the %s of '%s'",
				 scaled ? "scale" : "shift", name);
	asg_status s = dist_parse_inner(p, p->pos + 1, close);
	if (s != ASG_OK)
		return s;
	p->pos = close + 1;
	dist_skip_spaces(p);
	if (*p->pos)
		return dist_fail(p, p->pos,
				 "unexpected text after distribution: '%.*s'",
				 dist_trimmed_len(p->pos), p->pos);
	struct dist *dist = &p->dist;
	if (scaled) {
		dist->scale = (dist->scale ? dist->scale : 1) * v;
		dist->offset *= v;
	} else {
		dist->offset += v;
	}
	char msg[DIAG_TEXT_MAX];
	if (!dist_indexed(dist) && !dist_reach_ok(dist, msg, sizeof msg))
		return dist_fail(p, p->text, "%s", msg);
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
	if (dist->kind == DIST_TRACE) {   /* column=worker */
		c.column = i % (long)dist->trace->cols;
		c.indexed = 0;
		memset(c.text_at, 0, sizeof c.text_at);
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
	if (!dist_reach_ok(&c, msg, sizeof msg))
		return dist_fail_at(d, where, 0, "%s at i = %ld", msg, i);
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
	case DIST_TRACE:   /* bootstrap: one of the column's values */
		return trace_values(dist->trace, (size_t)dist->column)
			[gsl_rng_uniform_int(rng, dist->trace->rows)];
	case DIST_MIXTURE: {
		const struct dist_mixture *m = dist->mixture;
		return dist_sample(&m->part[mixture_pick(m, gsl_rng_uniform(rng))],
				   rng);
	}
	}
	assert(!"unknown distribution kind");
	return 0;
}

/* The affine map of shifted and scaled. */
static double dist_map(const struct dist *dist, double x)
{
	return (dist->scale ? dist->scale * x : x) + dist->offset;
}

double dist_sample(const struct dist *dist, gsl_rng *rng)
{
	assert(!dist_indexed(dist) && !dist_replays(dist));
	return dist_map(dist, dist_draw(dist, rng) + dist->shift);
}

double dist_next(struct dist *dist, gsl_rng *rng)
{
	if (!dist_replays(dist))
		return dist_sample(dist, rng);
	assert(!dist_indexed(dist));
	const struct trace *t = dist->trace;
	double x = trace_values(t, (size_t)dist->column)[dist->drawn % t->rows];
	dist->drawn++;
	return dist_map(dist, x + dist->shift);
}

/* The weighted mean of a mixture's parts' means. */
static double dist_mixture_mean(const struct dist_mixture *m)
{
	double total = 0, mean = 0;
	for (size_t k = 0; k < m->n; k++) {
		total += m->weight[k];
		mean += m->weight[k] * dist_mean(&m->part[k]);
	}
	return mean / total;
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
	case DIST_TRACE:
		return dist->trace->means[dist->column];
	case DIST_MIXTURE:
		return dist_mixture_mean(dist->mixture);
	}
	assert(!"unknown distribution kind");
	return 0;
}

double dist_mean(const struct dist *dist)
{
	assert(!dist_indexed(dist));
	return dist_map(dist, dist_kind_mean(dist) + dist->shift);
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

/* The weighted sum of a mixture's parts' densities at x. */
static double dist_mixture_pdf(const struct dist_mixture *m, double x)
{
	double total = 0, pdf = 0;
	for (size_t k = 0; k < m->n; k++) {
		total += m->weight[k];
		pdf += m->weight[k] * dist_pdf(&m->part[k], x);
	}
	return pdf / total;
}

double dist_pdf(const struct dist *dist, double x)
{
	const double *p = dist->p;

	assert(!dist_indexed(dist));
	double scale = dist->scale ? dist->scale : 1;
	x = (x - dist->offset) / scale - dist->shift;
	switch (dist->kind) {
	case DIST_CONSTANT:
	case DIST_TRACE:
		return 0;
	case DIST_UNIFORM:
		return gsl_ran_flat_pdf(x, p[0], p[1]) / scale;
	case DIST_EXPONENTIAL:
		return gsl_ran_exponential_pdf(x, p[0]) / scale;
	case DIST_NORMAL:
		return dist_truncnorm_pdf(p[0], p[1], x) / scale;
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal_pdf(x, p[0], p[1]) / scale;
	case DIST_GAMMA:
		return gsl_ran_gamma_pdf(x, p[0], p[1]) / scale;
	case DIST_WEIBULL:
		return gsl_ran_weibull_pdf(x, p[0], p[1]) / scale;
	case DIST_PARETO:
		return gsl_ran_pareto_pdf(x, p[0], p[1]) / scale;
	case DIST_HALFNORMAL:
		return x < 0 ? 0 : 2 * gsl_ran_gaussian_pdf(x, p[0]) / scale;
	case DIST_MIXTURE:
		return dist_mixture_pdf(dist->mixture, x) / scale;
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

/* The text of a distribution D with its affine map: D, scaled(s, D),
 * shifted(c, D) or shifted(c, scaled(s, D)). */
static int dist_format_affine(const struct dist *dist, const char *inner,
			      char *buf, size_t size)
{
	char scale[64], offset[64];
	expr_format_number(dist->scale, scale, sizeof scale);
	expr_format_number(dist->offset, offset, sizeof offset);
	if (dist->scale && dist->offset)
		return snprintf(buf, size, "shifted(%s, scaled(%s, %s))", offset,
				scale, inner);
	if (dist->scale)
		return snprintf(buf, size, "scaled(%s, %s)", scale, inner);
	if (dist->offset)
		return snprintf(buf, size, "shifted(%s, %s)", offset, inner);
	return snprintf(buf, size, "%s", inner);
}

/* trace(file='F', column=C, mode=M); C a name when the file has one. */
static int dist_format_trace(const struct dist *dist, char *buf, size_t size)
{
	const struct trace *t = dist->trace;
	char column[256];
	if (dist->column < 0)
		snprintf(column, sizeof column, "worker");
	else if (t->names)
		snprintf(column, sizeof column, "'%s'", t->names[dist->column]);
	else
		snprintf(column, sizeof column, "%ld", dist->column);
	size_t len = strlen(t->path) + strlen(column) + 64;
	char *text = malloc(len);
	if (!text)
		return -1;
	snprintf(text, len, "trace(file='%s', column=%s, mode=%s)", t->path,
		 column, dist->replay ? "replay" : "bootstrap");
	int n = dist_format_affine(dist, text, buf, size);
	free(text);
	return n;
}

/* mixture(w1, D1, ...) with its affine map. */
static int dist_format_mixture(const struct dist *dist, char *buf, size_t size)
{
	int len = mixture_format(dist->mixture, NULL, 0);
	char *text = len < 0 ? NULL : malloc((size_t)len + 1);
	if (!text)
		return -1;
	mixture_format(dist->mixture, text, (size_t)len + 1);
	int n = dist_format_affine(dist, text, buf, size);
	free(text);
	return n;
}

bool dist_reads_trace(const struct dist *dist)
{
	if (dist->kind == DIST_TRACE)
		return true;
	if (dist->kind != DIST_MIXTURE)
		return false;
	for (size_t k = 0; k < dist->mixture->n; k++)
		if (dist_reads_trace(&dist->mixture->part[k]))
			return true;
	return false;
}

int dist_format(const struct dist *dist, char *buf, size_t size)
{
	assert((unsigned)dist->kind < DIST_NKINDS);
	if (dist->kind == DIST_TRACE)
		return dist_format_trace(dist, buf, size);
	if (dist->kind == DIST_MIXTURE)
		return dist_format_mixture(dist, buf, size);
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
	return dist_format_affine(dist, text, buf, size);
}
