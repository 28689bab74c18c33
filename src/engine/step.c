/*
 * step.c — step-size policies: their text, their value at each gradient,
 * and the momentum and delay-compensation updates (see step.h).
 *
 * A policy is written like a distribution, with a first positional value:
 *
 *	policy := name '(' value {',' key '=' value} ')'
 *	value  := expression (expr.h, without i) | '[' value {',' value} ']'
 *	          | word (clip, drop)
 *
 * Errors are reported at the character that causes them, as dist.c does:
 * the offset inside the text is added to the origin's column.
 */
#include "step.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "../common/suggest.h"

const char *const step_kind_names[] = {
	"constant", "inverse_sqrt", "drops", "delay_adaptive", "koloskova",
};

/* The keys each policy takes after its value. */
static const char *const step_drops_keys[] = { "at", "factor" };
static const char *const step_koloskova_keys[] = { "mode", "C", "L" };
static const char *const step_modes[] = { "clip", "drop" };

struct step_parser {
	const char *text;                 /* the whole text, for offsets */
	const char *pos;                  /* the next character */
	const struct dist_origin *where;  /* the text's place, or NULL */
	struct diag *d;
	struct step_policy policy;        /* the result under construction */
	double base;                      /* its a */
	bool seen[3];                     /* key k given */
	const char *close;                /* the closing ')' */
};

/* Record the error located at `at` of the parser's text. */
#define step_fail(p, at, ...) \
	dist_fail_at((p)->d, (p)->where, (int)((at) - (p)->text), __VA_ARGS__)

static void step_skip_spaces(struct step_parser *p)
{
	while (*p->pos == ' ' || *p->pos == '\t')
		p->pos++;
}

static bool step_is_name(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* The length of the name at s (0 if none). */
static int step_name_len(const char *s)
{
	int n = 0;

	if (!step_is_name(*s, true))
		return 0;
	while (step_is_name(s[n], false))
		n++;
	return n;
}

/* The length of the token at s, for messages: up to a space or ",()=[]". */
static int step_token_len(const char *s)
{
	int n = 0;

	while (s[n] && !strchr(" \t,()=[]", s[n]))
		n++;
	return n ? n : (*s ? 1 : 0);
}

static bool step_word_is(const char *s, int len, const char *word)
{
	return (size_t)len == strlen(word) && !strncmp(s, word, (size_t)len);
}

/* A number (a constant expression) for `what`, into *v. */
static asg_status step_number(struct step_parser *p, const char *what,
			      double *v)
{
	struct expr_code code = { 0 };
	struct expr_error err;
	const char *start = p->pos, *end;

	if (expr_parse(start, &end, &code, &err) != ASG_OK) {
		if (err.at == start && err.fault == EXPR_OPERAND)
			return step_fail(p, start, "expected a number for %s, got '%.*s'",
					 what, step_token_len(start), start);
		return step_fail(p, err.at, "%s", err.msg);
	}
	if (expr_uses_index(&code, 0, code.nop))
		return step_fail(p, start, "the worker index i has no value in %s",
				 what);
	*v = expr_eval(&code, 0, code.nop, 0);
	if (!isfinite(*v))
		return step_fail(p, start, "%s must be a finite number, got %g",
				 what, *v);
	p->pos = end;
	return ASG_OK;
}

/* A number that is an integer >= min. */
static asg_status step_integer(struct step_parser *p, const char *what,
			       double min, double *v)
{
	const char *start = p->pos;
	asg_status s = step_number(p, what, v);

	if (s == ASG_OK && (*v != floor(*v) || *v < min || *v > 9.0e15))
		return step_fail(p, start, "%s must be an integer >= %g, got %g",
				 what, min, *v);
	return s;
}

/* at=[k1, k2, ...]: increasing ticks. */
static asg_status step_parse_ticks(struct step_parser *p)
{
	struct step_policy *pol = &p->policy;
	const char *open = p->pos;
	asg_status s;

	if (*p->pos != '[')
		return step_fail(p, p->pos, "expected a list of ticks '[k1, k2, ...]' "
				 "for 'at', got '%.*s'", step_token_len(p->pos), p->pos);
	p->pos++;
	for (;;) {
		step_skip_spaces(p);
		const char *item = p->pos;
		double v;
		if (pol->ndrops == STEP_MAX_DROPS)
			return step_fail(p, item, "too many drops (at most %d)",
					 STEP_MAX_DROPS);
		if ((s = step_integer(p, "a tick of 'at'", 0, &v)) != ASG_OK)
			return s;
		if (pol->ndrops > 0 && !(v > (double)pol->at[pol->ndrops - 1]))
			return step_fail(p, item, "the ticks of 'at' must increase, "
					 "got %g after %llu", v,
					 (unsigned long long)pol->at[pol->ndrops - 1]);
		pol->at[pol->ndrops++] = (uint64_t)v;
		step_skip_spaces(p);
		if (*p->pos == ']') {
			p->pos++;
			return ASG_OK;
		}
		if (*p->pos != ',')
			return step_fail(p, *p->pos ? p->pos : open,
					 *p->pos ? "expected ',' or ']' in 'at', got '%.*s'"
						 : "unclosed '[' in 'at'%.*s",
					 step_token_len(p->pos), p->pos);
		p->pos++;
	}
}

/* mode=clip|drop */
static asg_status step_parse_mode(struct step_parser *p)
{
	int len = step_name_len(p->pos);

	for (int m = 0; m < 2; m++)
		if (step_word_is(p->pos, len, step_modes[m])) {
			p->policy.drop = m;
			p->pos += len;
			return ASG_OK;
		}
	return step_fail(p, p->pos, "expected clip or drop for 'mode', got '%.*s'",
			 step_token_len(p->pos), p->pos);
}

/* The value of key k of the policy, at p->pos. */
static asg_status step_parse_key_value(struct step_parser *p, const char *key)
{
	struct step_policy *pol = &p->policy;
	const char *at = p->pos;
	double v;
	asg_status s;

	if (!strcmp(key, "at"))
		return step_parse_ticks(p);
	if (!strcmp(key, "mode"))
		return step_parse_mode(p);
	if (!strcmp(key, "C")) {
		if ((s = step_integer(p, "'C'", 0, &v)) == ASG_OK)
			pol->concurrency = (long)v;
		return s;
	}
	if ((s = step_number(p, !strcmp(key, "L") ? "'L'" : "'factor'", &v)))
		return s;
	if (!strcmp(key, "L")) {
		if (!(v > 0))
			return step_fail(p, at, "'L' must be > 0, got %g", v);
		pol->smoothness = v;
		return ASG_OK;
	}
	if (!(v > 0 && v <= 1))
		return step_fail(p, at, "'factor' must be in (0, 1], got %g", v);
	pol->factor = v;
	return ASG_OK;
}

/* key '=' value, one of the policy's keys. */
static asg_status step_parse_key(struct step_parser *p)
{
	const char *const *keys = p->policy.kind == STEP_DROPS ? step_drops_keys
							       : step_koloskova_keys;
	int nkeys = p->policy.kind == STEP_DROPS ? 2
		  : p->policy.kind == STEP_KOLOSKOVA ? 3 : 0;
	const char *start = p->pos;
	int len = step_name_len(start);
	int k = 0;

	while (k < nkeys && !step_word_is(start, len, keys[k]))
		k++;
	if (k == nkeys) {
		const char *name = step_kind_names[p->policy.kind];
		if (nkeys == 0)
			return step_fail(p, start, "'%s' takes one value, got '%.*s'",
					 name, step_token_len(start), start);
		return step_fail(p, start, "unknown parameter '%.*s' for '%s' "
				 "(expected %s)", step_token_len(start), start, name,
				 nkeys == 2 ? "at, factor" : "mode, C, L");
	}
	if (p->seen[k])
		return step_fail(p, start, "parameter '%s' given twice", keys[k]);
	p->seen[k] = true;
	p->pos += len;
	step_skip_spaces(p);
	if (*p->pos != '=')
		return step_fail(p, p->pos, "expected '=' after '%s'", keys[k]);
	p->pos++;
	step_skip_spaces(p);
	return step_parse_key_value(p, keys[k]);
}

/* name '(' */
static asg_status step_parse_head(struct step_parser *p)
{
	step_skip_spaces(p);
	const char *start = p->pos;
	int len = step_name_len(start);
	int k = 1;

	while (k < STEP_NKINDS && !step_word_is(start, len, step_kind_names[k]))
		k++;
	if (k == STEP_NKINDS) {
		char word[SUGGEST_MAX_LEN + 1];
		const char *near = NULL;
		if (len > 0 && len <= SUGGEST_MAX_LEN) {
			memcpy(word, start, (size_t)len);
			word[len] = '\0';
			near = suggest_closest(word, step_kind_names, STEP_NKINDS);
		}
		if (near)
			return step_fail(p, start, "unknown step size schedule '%.*s', "
					 "did you mean '%s'?", step_token_len(start),
					 start, near);
		return step_fail(p, start, "unknown step size schedule '%.*s' "
				 "(expected constant, inverse_sqrt, drops, "
				 "delay_adaptive, koloskova)", step_token_len(start),
				 start);
	}
	p->policy.kind = (enum step_kind)k;
	p->pos += len;
	step_skip_spaces(p);
	if (*p->pos != '(')
		return step_fail(p, p->pos, "expected '(' after '%s'",
				 step_kind_names[k]);
	if (!strchr(p->pos, ')'))
		return step_fail(p, p->pos, "unclosed parenthesis in '%s'", p->text);
	p->pos++;
	return ASG_OK;
}

/* a {',' key=value} ')' then the end of the text */
static asg_status step_parse_args(struct step_parser *p)
{
	const char *at;
	asg_status s;

	step_skip_spaces(p);
	at = p->pos;
	if ((s = step_number(p, "the step size", &p->base)) != ASG_OK)
		return s;
	if (!(p->base > 0))
		return step_fail(p, at, "the step size must be > 0, got %g", p->base);
	for (;;) {
		step_skip_spaces(p);
		if (*p->pos == ')')
			break;
		if (*p->pos != ',')
			return step_fail(p, p->pos, "expected ',' or ')', got '%.*s'",
					 step_token_len(p->pos), p->pos);
		p->pos++;
		step_skip_spaces(p);
		if ((s = step_parse_key(p)) != ASG_OK)
			return s;
	}
	p->close = p->pos++;
	step_skip_spaces(p);
	if (*p->pos)
		return step_fail(p, p->pos, "unexpected text after '%s(...)': '%s'",
				 step_kind_names[p->policy.kind], p->pos);
	if (p->policy.kind == STEP_DROPS && !p->seen[0])
		return step_fail(p, p->close, "missing parameter 'at' for 'drops'");
	return ASG_OK;
}

asg_status step_parse(const char *text, const struct dist_origin *where,
		      struct step_policy *out, double *base, struct diag *d)
{
	struct step_parser p = { .text = text, .pos = text, .where = where,
				 .d = d };
	asg_status s;

	memset(&p.policy, 0, sizeof p.policy);
	p.policy.factor = 0.1;
	if ((s = step_parse_head(&p)) != ASG_OK ||
	    (s = step_parse_args(&p)) != ASG_OK)
		return s;
	*out = p.policy;
	*base = p.base;
	return ASG_OK;
}

/* ---- a run's steps ---------------------------------------------------- */

asg_status step_init(struct step *st, const struct step_policy *policy,
		     long workers, double momentum, double dc_lambda,
		     size_t dim, const double *x, double smoothness)
{
	memset(st, 0, sizeof *st);
	st->policy = *policy;
	st->workers = workers;
	st->concurrency = policy->concurrency ? policy->concurrency : workers;
	st->smoothness = policy->smoothness ? policy->smoothness : smoothness;
	st->momentum = momentum;
	st->dc_lambda = dc_lambda;
	st->dim = dim;
	if (momentum == 0 || dim == 0)
		return ASG_OK;
	st->velocity = calloc(dim, sizeof *st->velocity);
	st->last = malloc(dim * sizeof *st->last);
	if (!st->velocity || !st->last) {
		step_release(st);
		return ASG_ENOMEM;
	}
	memcpy(st->last, x, dim * sizeof *st->last);
	return ASG_OK;
}

void step_release(struct step *st)
{
	free(st->velocity);
	free(st->last);
	st->velocity = st->last = NULL;
}

double step_size(const struct step *st, double a, uint64_t k, uint64_t tau)
{
	const struct step_policy *p = &st->policy;
	size_t j = 0;

	switch (p->kind) {
	case STEP_CONSTANT:
		return a;
	case STEP_INVERSE_SQRT:
		return a / sqrt((double)k + 1);
	case STEP_DROPS:
		while (j < p->ndrops && p->at[j] <= k)
			j++;
		return j ? a * pow(p->factor, (double)j) : a;
	case STEP_DELAY_ADAPTIVE:
		return tau <= (uint64_t)st->workers
			       ? a : a * ((double)st->workers / (double)tau);
	case STEP_KOLOSKOVA:
		if (tau <= (uint64_t)st->concurrency)
			return a;
		return p->drop ? 0 : fmin(a, 1 / (4 * st->smoothness * (double)tau));
	}
	assert(!"unknown step policy");
	return a;
}

void step_apply(const struct step *st, double *x, const double *g,
		const double *read, double coef)
{
	double lambda = st->dc_lambda;

	if (lambda == 0) {
		cblas_daxpy((int)st->dim, -coef, g, 1, x, 1);
		return;
	}
	for (size_t j = 0; j < st->dim; j++)
		x[j] -= coef * (g[j] + lambda * g[j] * g[j] * (x[j] - read[j]));
}

void step_tick(struct step *st, double *x)
{
	double beta = st->momentum;

	if (!st->velocity)
		return;
	for (size_t j = 0; j < st->dim; j++) {
		x[j] -= beta * st->velocity[j];
		st->velocity[j] = st->last[j] - x[j];
		st->last[j] = x[j];
	}
}
