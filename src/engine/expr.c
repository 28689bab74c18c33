/*
 * expr.c — expressions of the worker index: a recursive-descent parser
 * emitting postfix code, its evaluator and its printer (see expr.h).
 *
 * An instruction is one byte: an operation of enum expr_op, or
 * EXPR_NUMBER + k, which pushes num[k].  Every subexpression is a
 * contiguous range of instructions ending with its operation, which is
 * what expr_format walks backwards.  Parsing appends to the code and, on
 * error, restores it: a failed parse leaves the code unchanged.
 */
#include "expr.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/suggest.h"

enum expr_op {
	EXPR_INDEX,     /* push i */
	EXPR_ADD,       /* binary operations: pop b, pop a, push a op b */
	EXPR_SUB,
	EXPR_MUL,
	EXPR_DIV,
	EXPR_POW,
	EXPR_NEG,       /* unary: pop a, push f(a) */
	EXPR_SQRT,
	EXPR_LOG,
	EXPR_EXP,
	EXPR_ABS,
	EXPR_NUMBER,    /* EXPR_NUMBER + k: push num[k] */
};

/* The functions, in the order of their operations EXPR_SQRT.. */
static const char *const expr_functions[] = { "sqrt", "log", "exp", "abs" };
#define EXPR_NFUNCTIONS 4

struct expr_parser {
	const char *pos;            /* the next character to read */
	struct expr_code *code;     /* where instructions go */
	struct expr_error *err;     /* the first error */
};

static asg_status expr_fail(struct expr_parser *p, enum expr_fault fault,
			    const char *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static asg_status expr_fail(struct expr_parser *p, enum expr_fault fault,
			    const char *at, const char *fmt, ...)
{
	va_list ap;

	p->err->fault = fault;
	p->err->at = at;
	p->err->end = at;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
	return ASG_EINPUT;
}

static bool expr_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool expr_is_name(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static bool expr_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void expr_skip_spaces(struct expr_parser *p)
{
	while (expr_is_space(*p->pos))
		p->pos++;
}

/* The length of the token at s, for messages: a name, a number-like run
 * of name characters and dots, or one character. */
static int expr_token_len(const char *s)
{
	const char *e = s;

	while (expr_is_name(*e, false) || *e == '.')
		e++;
	return e == s ? (*s ? 1 : 0) : (int)(e - s);
}

static asg_status expr_emit(struct expr_parser *p, uint8_t op, const char *at)
{
	if (p->code->nop == EXPR_CODE_MAX)
		return expr_fail(p, EXPR_SYNTAX, at,
				 "expression too long (at most %d operations)",
				 EXPR_CODE_MAX);
	p->code->op[p->code->nop++] = op;
	return ASG_OK;
}

static asg_status expr_emit_number(struct expr_parser *p, double v,
				   const char *at)
{
	struct expr_code *c = p->code;

	if (c->nnum == EXPR_NUMS_MAX)
		return expr_fail(p, EXPR_SYNTAX, at,
				 "expression too long (at most %d numbers)",
				 EXPR_NUMS_MAX);
	c->num[c->nnum] = v;
	asg_status s = expr_emit(p, (uint8_t)(EXPR_NUMBER + c->nnum), at);
	if (s == ASG_OK)
		c->nnum++;
	return s;
}

static asg_status expr_parse_sum(struct expr_parser *p);
static asg_status expr_parse_unary(struct expr_parser *p);

/* A number: strtod from a digit or '.' (so never inf or nan), not
 * followed by a name character or another '.'. */
static asg_status expr_parse_number(struct expr_parser *p)
{
	const char *start = p->pos;
	char *stop;

	errno = 0;
	double v = strtod(start, &stop);
	bool range = errno == ERANGE;
	if (stop == start || expr_is_name(*stop, false) || *stop == '.')
		return expr_fail(p, EXPR_OPERAND, start, "malformed number '%.*s'",
				 expr_token_len(start), start);
	if (range && (isinf(v) || v == 0)) {
		expr_fail(p, EXPR_RANGE, start, "number out of range: '%.*s'",
			  (int)(stop - start), start);
		p->err->end = stop;
		return ASG_EINPUT;
	}
	/* A subnormal result (ERANGE, v != 0) is kept, as %.17g writes them. */
	p->pos = stop;
	return expr_emit_number(p, v, start);
}

/* "unknown function 'sqr', did you mean 'sqrt'?" for a name at start. */
static asg_status expr_unknown_name(struct expr_parser *p, const char *start,
				    int len)
{
	char word[SUGGEST_MAX_LEN + 1];
	const char *near = NULL;

	if (len <= SUGGEST_MAX_LEN) {
		memcpy(word, start, (size_t)len);
		word[len] = '\0';
		near = suggest_closest(word, expr_functions, EXPR_NFUNCTIONS);
	}
	if (near)
		return expr_fail(p, EXPR_OPERAND, start,
				 "unknown function '%.*s', did you mean '%s'?",
				 len, start, near);
	return expr_fail(p, EXPR_OPERAND, start,
			 "unknown name '%.*s' in expression (expected i, sqrt, "
			 "log, exp or abs)", len, start);
}

/* ')' closing the '(' at open. */
static asg_status expr_expect_close(struct expr_parser *p, const char *open)
{
	expr_skip_spaces(p);
	if (!*p->pos)
		return expr_fail(p, EXPR_SYNTAX, open, "unclosed '(' in expression");
	if (*p->pos != ')')
		return expr_fail(p, EXPR_SYNTAX, p->pos,
				 "expected ')' to close '(', got '%.*s'",
				 expr_token_len(p->pos), p->pos);
	p->pos++;
	return ASG_OK;
}

/* A name: i, or a function and its parenthesised argument. */
static asg_status expr_parse_name(struct expr_parser *p)
{
	const char *start = p->pos;
	const char *e = start;

	while (expr_is_name(*e, false))
		e++;
	int len = (int)(e - start);
	if (len == 1 && *start == 'i') {
		p->pos = e;
		return expr_emit(p, EXPR_INDEX, start);
	}
	int f = 0;
	while (f < EXPR_NFUNCTIONS && !((size_t)len == strlen(expr_functions[f]) &&
					!strncmp(start, expr_functions[f], (size_t)len)))
		f++;
	if (f == EXPR_NFUNCTIONS)
		return expr_unknown_name(p, start, len);
	p->pos = e;
	expr_skip_spaces(p);
	if (*p->pos != '(')
		return expr_fail(p, EXPR_SYNTAX, p->pos, "expected '(' after '%s'",
				 expr_functions[f]);
	const char *open = p->pos++;
	asg_status s;
	if ((s = expr_parse_sum(p)) != ASG_OK ||
	    (s = expr_expect_close(p, open)) != ASG_OK)
		return s;
	return expr_emit(p, (uint8_t)(EXPR_SQRT + f), start);
}

static asg_status expr_parse_primary(struct expr_parser *p)
{
	expr_skip_spaces(p);
	const char *start = p->pos;
	if (expr_is_digit(*start) || *start == '.')
		return expr_parse_number(p);
	if (expr_is_name(*start, true))
		return expr_parse_name(p);
	if (*start == '(') {
		p->pos++;
		asg_status s = expr_parse_sum(p);
		return s != ASG_OK ? s : expr_expect_close(p, start);
	}
	if (!*start)
		return expr_fail(p, EXPR_OPERAND, start,
				 "expected a number, i, a function or '(', got the end of the text");
	return expr_fail(p, EXPR_OPERAND, start,
			 "expected a number, i, a function or '(', got '%.*s'",
			 expr_token_len(start), start);
}

/* primary ['^' unary] */
static asg_status expr_parse_power(struct expr_parser *p)
{
	asg_status s = expr_parse_primary(p);
	if (s != ASG_OK)
		return s;
	expr_skip_spaces(p);
	if (*p->pos != '^')
		return ASG_OK;
	const char *at = p->pos++;
	if ((s = expr_parse_unary(p)) != ASG_OK)
		return s;
	return expr_emit(p, EXPR_POW, at);
}

static asg_status expr_parse_unary(struct expr_parser *p)
{
	expr_skip_spaces(p);
	char c = *p->pos;
	if (c != '-' && c != '+')
		return expr_parse_power(p);
	const char *at = p->pos++;
	asg_status s = expr_parse_unary(p);
	if (s != ASG_OK || c == '+')
		return s;
	return expr_emit(p, EXPR_NEG, at);
}

/* unary {('*' | '/') unary} */
static asg_status expr_parse_product(struct expr_parser *p)
{
	asg_status s = expr_parse_unary(p);
	for (;;) {
		if (s != ASG_OK)
			return s;
		expr_skip_spaces(p);
		char c = *p->pos;
		if (c != '*' && c != '/')
			return ASG_OK;
		const char *at = p->pos++;
		if ((s = expr_parse_unary(p)) == ASG_OK)
			s = expr_emit(p, c == '*' ? EXPR_MUL : EXPR_DIV, at);
	}
}

/* product {('+' | '-') product} */
static asg_status expr_parse_sum(struct expr_parser *p)
{
	asg_status s = expr_parse_product(p);
	for (;;) {
		if (s != ASG_OK)
			return s;
		expr_skip_spaces(p);
		char c = *p->pos;
		if (c != '+' && c != '-')
			return ASG_OK;
		const char *at = p->pos++;
		if ((s = expr_parse_product(p)) == ASG_OK)
			s = expr_emit(p, c == '+' ? EXPR_ADD : EXPR_SUB, at);
	}
}

asg_status expr_parse(const char *text, const char **end,
		      struct expr_code *code, struct expr_error *err)
{
	struct expr_parser p = { .pos = text, .code = code, .err = err };
	struct expr_code before = *code;

	assert(text && end && code && err);
	asg_status s = expr_parse_sum(&p);
	if (s != ASG_OK) {
		*code = before;
		return s;
	}
	expr_skip_spaces(&p);
	*end = p.pos;
	return ASG_OK;
}

/* ---- evaluation ------------------------------------------------------- */

static double expr_binary(uint8_t op, double a, double b)
{
	switch (op) {
	case EXPR_ADD:
		return a + b;
	case EXPR_SUB:
		return a - b;
	case EXPR_MUL:
		return a * b;
	case EXPR_DIV:
		return a / b;
	default:
		assert(op == EXPR_POW);
		return pow(a, b);
	}
}

static double expr_unary(uint8_t op, double a)
{
	switch (op) {
	case EXPR_NEG:
		return -a;
	case EXPR_SQRT:
		return sqrt(a);
	case EXPR_LOG:
		return log(a);
	case EXPR_EXP:
		return exp(a);
	default:
		assert(op == EXPR_ABS);
		return fabs(a);
	}
}

double expr_eval(const struct expr_code *code, size_t from, size_t to,
		 double i)
{
	double stack[EXPR_CODE_MAX];
	size_t n = 0;

	assert(from < to && to <= code->nop);
	for (size_t k = from; k < to; k++) {
		uint8_t op = code->op[k];
		if (op >= EXPR_NUMBER) {
			stack[n++] = code->num[op - EXPR_NUMBER];
		} else if (op == EXPR_INDEX) {
			stack[n++] = i;
		} else if (op >= EXPR_NEG) {
			assert(n >= 1);
			stack[n - 1] = expr_unary(op, stack[n - 1]);
		} else {
			assert(n >= 2);
			stack[n - 2] = expr_binary(op, stack[n - 2], stack[n - 1]);
			n--;
		}
	}
	assert(n == 1);
	return stack[0];
}

bool expr_uses_index(const struct expr_code *code, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (code->op[k] == EXPR_INDEX)
			return true;
	return false;
}

/* ---- printing --------------------------------------------------------- */

void expr_format_number(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* The first instruction of the subexpression ending at instruction end-1. */
static size_t expr_start(const struct expr_code *code, size_t end)
{
	assert(end > 0);
	uint8_t op = code->op[end - 1];
	if (op >= EXPR_NUMBER || op == EXPR_INDEX)
		return end - 1;
	if (op >= EXPR_NEG)
		return expr_start(code, end - 1);
	return expr_start(code, expr_start(code, end - 1));
}

/* Text appended to a buffer, counted like snprintf. */
struct expr_out {
	char *buf;
	size_t size;
	size_t len;      /* what the whole text needs, without the NUL */
};

static void expr_put(struct expr_out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;
		memcpy(o->buf + o->len, s, n < room ? n : room);
		o->buf[o->len + (n < room ? n : room)] = '\0';
	}
	o->len += n;
}

static void expr_write(const struct expr_code *code, size_t from, size_t to,
		       struct expr_out *o)
{
	static const char *const binary[] = { "", " + ", " - ", " * ", " / ",
					      "^" };
	uint8_t op = code->op[to - 1];
	char num[32];

	if (op >= EXPR_NUMBER) {   /* never negative: a sign is EXPR_NEG */
		expr_format_number(code->num[op - EXPR_NUMBER], num, sizeof num);
		expr_put(o, num);
	} else if (op == EXPR_INDEX) {
		expr_put(o, "i");
	} else if (op == EXPR_NEG) {
		expr_put(o, "(-");
		expr_write(code, from, to - 1, o);
		expr_put(o, ")");
	} else if (op > EXPR_NEG) {
		expr_put(o, expr_functions[op - EXPR_SQRT]);
		expr_put(o, "(");
		expr_write(code, from, to - 1, o);
		expr_put(o, ")");
	} else {
		size_t mid = expr_start(code, to - 1);
		expr_put(o, "(");
		expr_write(code, from, mid, o);
		expr_put(o, binary[op]);
		expr_write(code, mid, to - 1, o);
		expr_put(o, ")");
	}
}

int expr_format(const struct expr_code *code, size_t from, size_t to,
		char *buf, size_t size)
{
	struct expr_out o = { buf, size, 0 };

	assert(from < to && to <= code->nop && expr_start(code, to) == from);
	if (size)
		buf[0] = '\0';
	expr_write(code, from, to, &o);
	return (int)o.len;
}
