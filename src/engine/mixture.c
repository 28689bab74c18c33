/*
 * mixture.c — parse and write `mixture(w1, D1, ..., wn, Dn)` (mixture.h).
 *
 * The list between the parentheses is split at its commas outside inner
 * parentheses: weights and parts alternate, a weight first.  A weight is
 * an expression (expr.h) evaluated now; a part is parsed by dist_parse_span
 * as a text of its own, so its messages keep their place in the whole
 * text.  Every error is located at the character that causes it: a
 * missing part at the ')' that ends the list too early.
 */
#include "mixture.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static struct dist_mixture *mixture_list;   /* every mixture parsed, newest
                                               first */

/* What mixture_parse reads. */
struct mixture_reader {
	const char *text;                  /* the whole text, for offsets */
	const char *pos;                   /* the next character to read */
	const char *close;                 /* the list's closing ')' */
	const struct dist_origin *where;   /* the text's place, or NULL */
	struct diag *d;
	size_t n;                          /* parts read */
	double weight[MIXTURE_PARTS_MAX];
	struct dist part[MIXTURE_PARTS_MAX];
};

#define mixture_fail(r, at, ...) \
	dist_fail_at((r)->d, (r)->where, (int)((at) - (r)->text), __VA_ARGS__)

static void mixture_skip_spaces(struct mixture_reader *r)
{
	while (*r->pos == ' ' || *r->pos == '\t' || *r->pos == '\n' ||
	       *r->pos == '\r')
		r->pos++;
}

/* The end of the list item at s: its first ',' outside parentheses, or
 * the list's ')'. */
static const char *mixture_item_end(const struct mixture_reader *r,
				    const char *s)
{
	int depth = 0;
	for (; s < r->close; s++) {
		depth += (*s == '(') - (*s == ')');
		if (depth == 0 && *s == ',')
			break;
	}
	return s;
}

/* A weight, then its ','. */
static asg_status mixture_read_weight(struct mixture_reader *r)
{
	struct expr_code code;
	struct expr_error err;
	const char *start = r->pos;
	const char *end;

	memset(&code, 0, sizeof code);
	if (start == r->close)
		return mixture_fail(r, start, "expected a weight, got ')'");
	if (expr_parse(start, &end, &code, &err) != ASG_OK)
		return mixture_fail(r, err.at, "%s", err.msg);
	if (expr_uses_index(&code, 0, code.nop))
		return mixture_fail(r, start, "the worker index i has no value "
				    "in a mixture's weights");
	double w = expr_eval(&code, 0, code.nop, 0);
	if (!isfinite(w) || w <= 0)
		return mixture_fail(r, start, "a mixture's weight must be a "
				    "finite number > 0, got %g", w);
	r->pos = end;
	mixture_skip_spaces(r);
	if (*r->pos != ',')
		return mixture_fail(r, r->pos, "expected ',' and a distribution "
				    "after the weight");
	r->pos++;
	r->weight[r->n] = w;
	return ASG_OK;
}

/* A part, up to its ',' or the ')'. */
static asg_status mixture_read_part(struct mixture_reader *r)
{
	const char *end = mixture_item_end(r, r->pos);
	struct dist *part = &r->part[r->n];
	size_t from = (size_t)(r->pos - r->text);

	asg_status s = dist_parse_span(r->text, from, (size_t)(end - r->text),
				       r->where, part, r->d);
	if (s != ASG_OK)
		return s;
	if (dist_indexed(part))
		return mixture_fail(r, r->text + dist_index_offset(part),
				    "a mixture's parts cannot depend on the "
				    "worker index i");
	if (dist_replays(part))
		return mixture_fail(r, r->pos, "a mixture draws its parts at "
				    "random: a trace in it takes mode=bootstrap, "
				    "not replay");
	r->n++;
	r->pos = end;
	return ASG_OK;
}

/* The list: weight ',' part {',' weight ',' part} ')'. */
static asg_status mixture_read_list(struct mixture_reader *r)
{
	asg_status s;

	for (;;) {
		mixture_skip_spaces(r);
		if (r->n == MIXTURE_PARTS_MAX)
			return mixture_fail(r, r->pos, "a mixture has at most %d "
					    "parts", MIXTURE_PARTS_MAX);
		if ((s = mixture_read_weight(r)) != ASG_OK ||
		    (s = mixture_read_part(r)) != ASG_OK)
			return s;
		if (r->pos == r->close)
			return ASG_OK;
		r->pos++;   /* the ',' */
	}
}

/* A new mixture of the parts read, in the list. */
static struct dist_mixture *mixture_make(const struct mixture_reader *r)
{
	struct dist_mixture *m = calloc(1, sizeof *m + r->n * sizeof m->part[0]);
	if (!m)
		return NULL;
	double total = 0, sum = 0;
	for (size_t k = 0; k < r->n; k++)
		total += r->weight[k];
	m->n = r->n;
	for (size_t k = 0; k < r->n; k++) {
		m->weight[k] = r->weight[k];
		sum += r->weight[k];
		m->upto[k] = k + 1 < r->n ? sum / total : 1.0;
		m->part[k] = r->part[k];
	}
	m->next = mixture_list;
	mixture_list = m;
	return m;
}

asg_status mixture_parse(const char *text, const char *after,
			 const struct dist_origin *where, struct dist *out,
			 struct diag *d)
{
	struct mixture_reader r = { .text = text, .pos = after, .where = where,
				    .d = d };
	asg_status s;

	mixture_skip_spaces(&r);
	if (*r.pos != '(')
		return mixture_fail(&r, r.pos, "expected '(' after 'mixture'");
	r.close = dist_matching_paren(r.pos);
	if (!r.close)
		return mixture_fail(&r, r.pos, "unclosed parenthesis");
	r.pos++;
	if ((s = mixture_read_list(&r)) != ASG_OK)
		return s;
	r.pos = r.close + 1;
	mixture_skip_spaces(&r);
	if (*r.pos)
		return mixture_fail(&r, r.pos, "unexpected text after "
				    "distribution: '%s'", r.pos);
	struct dist_mixture *m = mixture_make(&r);
	if (!m)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	out->kind = DIST_MIXTURE;
	out->mixture = m;
	return ASG_OK;
}

int mixture_format(const struct dist_mixture *m, char *buf, size_t size)
{
	size_t cap = 64, len = 0;
	bool ok = true;
	char *text = malloc(cap);
	if (!text)
		return -1;
	len = (size_t)snprintf(text, cap, "mixture(");
	for (size_t k = 0; k < m->n && ok; k++) {
		char weight[64];
		expr_format_number(m->weight[k], weight, sizeof weight);
		int part = dist_format(&m->part[k], NULL, 0);
		size_t need = len + strlen(weight) + (size_t)part + 8;
		char *grown = part < 0 || need <= cap ? text : realloc(text, need);
		ok = part >= 0 && grown;
		if (!ok)
			break;
		if (need > cap) {
			text = grown;
			cap = need;
		}
		len += (size_t)snprintf(text + len, cap - len, "%s%s, ",
					k ? ", " : "", weight);
		len += (size_t)dist_format(&m->part[k], text + len, cap - len);
	}
	int n = ok ? snprintf(buf, size, "%s)", text) : -1;
	free(text);
	return n;
}

void mixture_release_all(void)
{
	while (mixture_list) {
		struct dist_mixture *next = mixture_list->next;
		free(mixture_list);
		mixture_list = next;
	}
}
