/*
 * value.c — reading scalars of a scenario as typed values (value.h).
 *
 * Numbers are read with strtod/strtoull in the C locale (asgdsim never
 * calls setlocale).  The text of a scalar has no surrounding spaces when it
 * is plain; a quoted one is read as written, so "' 5'" is not a number.
 */
#include "value.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/suggest.h"

enum value_parse {
	VALUE_OK,
	VALUE_NOT_NUMBER,   /* not of the expected form */
	VALUE_RANGE,        /* of the form, but too large */
};

asg_status value_out_of_range(const struct yaml_node *n, const char *key,
			      const char *bound, struct diag *d)
{
	return yaml_fail(d, n, "'%s' must be %s, got %s", key, bound, n->text);
}

/* "expected WHAT for 'KEY', got DESCRIPTION" */
static asg_status value_expected(const struct yaml_node *n, const char *key,
				 const char *what, struct diag *d)
{
	char got[64];
	return yaml_fail(d, n, "expected %s for '%s', got %s", what, key,
			 yaml_describe(n, got, sizeof got));
}

static asg_status value_overflow(const struct yaml_node *n, const char *key,
				 struct diag *d)
{
	return yaml_fail(d, n, "number out of range for '%s': '%s'", key,
			 n->text);
}

static bool value_is_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A finite double from the whole of s (no hex, inf or nan). */
static enum value_parse value_parse_double(const char *s, double *out)
{
	char *end;

	if (!*s || strchr(" \t\n", *s) || strpbrk(s, "xXnN"))
		return VALUE_NOT_NUMBER;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end)
		return VALUE_NOT_NUMBER;
	if (errno == ERANGE && (isinf(v) || v == 0))
		return VALUE_RANGE;
	if (!isfinite(v))
		return VALUE_NOT_NUMBER;
	*out = v;
	return VALUE_OK;
}

/* An integer from the `len` bytes of s: [+-]digits, or a number whose
 * value is integral.  Sign and magnitude, so that both long and uint64_t
 * ranges can be checked. */
static enum value_parse value_parse_integer(const char *s, size_t len,
					    bool *neg, unsigned long long *mag)
{
	char buf[128];
	size_t sign = len > 0 && (s[0] == '+' || s[0] == '-');

	if (len == 0)
		return VALUE_NOT_NUMBER;
	if (len >= sizeof buf)   /* only a long run of digits is a number */
		return value_is_digits(s + sign, len - sign) ? VALUE_RANGE
							     : VALUE_NOT_NUMBER;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*neg = s[0] == '-';
	if (value_is_digits(buf + sign, len - sign)) {
		errno = 0;
		*mag = strtoull(buf + sign, NULL, 10);
		return errno == ERANGE ? VALUE_RANGE : VALUE_OK;
	}
	double v;
	enum value_parse r = value_parse_double(buf, &v);
	if (r != VALUE_OK)
		return r;
	if (v != floor(v))
		return VALUE_NOT_NUMBER;
	if (fabs(v) >= 18446744073709551616.0)   /* 2^64 */
		return VALUE_RANGE;
	*neg = v < 0;
	*mag = (unsigned long long)fabs(v);
	return VALUE_OK;
}

/* The sign and magnitude of an integer scalar; a located error if n is not
 * one or does not fit in 64 bits. */
static asg_status value_integer(const struct yaml_node *n, const char *key,
				bool *neg, unsigned long long *mag,
				struct diag *d)
{
	*neg = false;
	*mag = 0;
	if (n->kind != YAML_SCALAR)
		return value_expected(n, key, "an integer", d);
	switch (value_parse_integer(n->text, n->len, neg, mag)) {
	case VALUE_NOT_NUMBER:
		return value_expected(n, key, "an integer", d);
	case VALUE_RANGE:
		return value_overflow(n, key, d);
	case VALUE_OK:
		break;
	}
	return ASG_OK;
}

asg_status value_long(const struct yaml_node *n, const char *key, long *out,
		      struct diag *d)
{
	bool neg;
	unsigned long long mag;
	asg_status s = value_integer(n, key, &neg, &mag, d);
	if (s != ASG_OK)
		return s;
	if (mag > (unsigned long long)LONG_MAX + (neg ? 1u : 0u))
		return value_overflow(n, key, d);
	*out = neg ? (long)(0 - mag) : (long)mag;
	return ASG_OK;
}

asg_status value_u64(const struct yaml_node *n, const char *key,
		     uint64_t *out, struct diag *d)
{
	bool neg;
	unsigned long long mag;
	asg_status s = value_integer(n, key, &neg, &mag, d);
	if (s != ASG_OK)
		return s;
	if (neg && mag > 0)
		return value_out_of_range(n, key, ">= 0", d);
	if (mag > UINT64_MAX)
		return value_overflow(n, key, d);
	*out = (uint64_t)mag;
	return ASG_OK;
}

asg_status value_double(const struct yaml_node *n, const char *key,
			double *out, struct diag *d)
{
	if (n->kind != YAML_SCALAR)
		return value_expected(n, key, "a number", d);
	switch (value_parse_double(n->text, out)) {
	case VALUE_NOT_NUMBER:
		return value_expected(n, key, "a number", d);
	case VALUE_RANGE:
		return value_overflow(n, key, d);
	case VALUE_OK:
		break;
	}
	return ASG_OK;
}

asg_status value_bool(const struct yaml_node *n, const char *key, bool *out,
		      struct diag *d)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };

	if (n->kind == YAML_SCALAR)
		for (int i = 0; i < 3; i++) {
			if (!strcmp(n->text, yes[i])) {
				*out = true;
				return ASG_OK;
			}
			if (!strcmp(n->text, no[i])) {
				*out = false;
				return ASG_OK;
			}
		}
	return value_expected(n, key, "true or false", d);
}

asg_status value_string(const struct yaml_node *n, const char *key,
			char *buf, size_t size, struct diag *d)
{
	if (n->kind != YAML_SCALAR || yaml_is_empty(n))
		return value_expected(n, key, "a string", d);
	if (n->len == 0)
		return yaml_fail(d, n, "'%s' must not be empty", key);
	if (n->len >= size)
		return yaml_fail(d, n, "'%s' is too long (at most %zu bytes)", key,
				 size - 1);
	memcpy(buf, n->text, n->len + 1);
	return ASG_OK;
}

asg_status value_enum(const struct yaml_node *n, const char *key,
		      const char *what, const char *const *names, size_t count,
		      int *out, struct diag *d)
{
	char all[256];
	size_t used = 0;

	if (n->kind != YAML_SCALAR || yaml_is_empty(n)) {
		char expected[64];
		snprintf(expected, sizeof expected, "a %s name", what);
		return value_expected(n, key, expected, d);
	}
	for (size_t i = 0; i < count; i++)
		if (!strcmp(n->text, names[i])) {
			*out = (int)i;
			return ASG_OK;
		}
	const char *near = n->len <= SUGGEST_MAX_LEN
				   ? suggest_closest(n->text, names, count)
				   : NULL;
	if (near)
		return yaml_fail(d, n, "unknown %s '%s', did you mean '%s'?", what,
				 n->text, near);
	all[0] = '\0';
	for (size_t i = 0; i < count && used < sizeof all; i++) {
		int w = snprintf(all + used, sizeof all - used, "%s%s",
				 i ? ", " : "", names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return yaml_fail(d, n, "unknown %s '%s' (expected %s)", what, n->text,
			 all);
}

asg_status value_dist_indexed(const struct yaml_node *n, const char *key,
			      struct dist *out, struct diag *d)
{
	if (n->kind != YAML_SCALAR || yaml_is_empty(n))
		return value_expected(n, key, "a distribution", d);
	struct yaml_mark m = yaml_text_mark(n, 0);
	struct dist_origin where = { m.file, m.line, m.col };
	return dist_parse(n->text, &where, out, d);
}

asg_status value_dist(const struct yaml_node *n, const char *key,
		      struct dist *out, struct diag *d)
{
	struct dist dist;
	asg_status s = value_dist_indexed(n, key, &dist, d);
	if (s != ASG_OK)
		return s;
	if (dist_indexed(&dist)) {
		struct yaml_mark m = yaml_text_mark(n, (size_t)dist_index_offset(&dist));
		return yaml_fail_at(d, &m, "the worker index i has no value in '%s' "
				    "(only in workers[].compute)", key);
	}
	if (dist_replays(&dist))   /* a replay's position is a worker's */
		return yaml_fail(d, n, "trace mode=replay is for workers[].compute, "
				 ".slowdown and .failures: use mode=bootstrap in "
				 "'%s'", key);
	*out = dist;
	return ASG_OK;
}

/* ---- NAME(ARGUMENT) ------------------------------------------------------- */

static bool value_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A text of the form "name ( argument )", e.g. "every(100)". */
struct value_call {
	const char *name;   /* first character of the name */
	size_t name_len;    /* its length */
	const char *arg;    /* first character of the argument */
	size_t arg_len;     /* its length, trimmed */
};

/* Split s into a call (spaces allowed around each part).  False when the
 * text is not of that form. */
static bool value_split_call(const char *s, struct value_call *c)
{
	const char *p = s;

	while (value_is_space(*p))
		p++;
	c->name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
		p++;
	c->name_len = (size_t)(p - c->name);
	while (value_is_space(*p))
		p++;
	if (c->name_len == 0 || *p != '(')
		return false;
	p++;
	while (value_is_space(*p))
		p++;
	const char *close = strchr(p, ')');
	if (!close)
		return false;
	c->arg = p;
	c->arg_len = (size_t)(close - p);
	while (c->arg_len > 0 && value_is_space(c->arg[c->arg_len - 1]))
		c->arg_len--;
	p = close + 1;
	while (value_is_space(*p))
		p++;
	return *p == '\0';
}

static bool value_call_is(const struct value_call *c, const char *name)
{
	return c->name_len == strlen(name) && !memcmp(c->name, name, c->name_len);
}

asg_status value_stride(const struct yaml_node *n, const char *key,
			bool allow_all, enum record_updates *mode, long *every,
			struct diag *d)
{
	const char *expected = allow_all ? "all, none or every(N)"
					 : "every(N) or none";
	struct value_call c;
	bool neg = false;
	unsigned long long mag = 0;

	if (n->kind != YAML_SCALAR)
		return value_expected(n, key, expected, d);
	if (!strcmp(n->text, "none") || (allow_all && !strcmp(n->text, "all"))) {
		*mode = n->text[0] == 'n' ? RECORD_NONE : RECORD_ALL;
		*every = 0;
		return ASG_OK;
	}
	if (!value_split_call(n->text, &c) || !value_call_is(&c, "every"))
		return value_expected(n, key, expected, d);
	switch (value_parse_integer(c.arg, c.arg_len, &neg, &mag)) {
	case VALUE_NOT_NUMBER:
		return value_expected(n, key, expected, d);
	case VALUE_RANGE:
		return value_overflow(n, key, d);
	case VALUE_OK:
		break;
	}
	if (neg || mag == 0)
		return yaml_fail(d, n, "'%s' must be every(N) with N > 0, got %s",
				 key, n->text);
	if (mag > LONG_MAX)
		return value_overflow(n, key, d);
	*mode = RECORD_EVERY;
	*every = (long)mag;
	return ASG_OK;
}

asg_status value_step(const struct yaml_node *n, const char *key, double *out,
		      struct diag *d)
{
	static const char *const schedules[] = { "constant" };
	const char *expected = "a number or constant(a)";
	struct value_call c;
	char number[128];
	double v;

	if (n->kind != YAML_SCALAR)
		return value_expected(n, key, expected, d);
	enum value_parse r = value_parse_double(n->text, &v);
	if (r == VALUE_NOT_NUMBER) {
		if (!value_split_call(n->text, &c))
			return value_expected(n, key, expected, d);
		if (!value_call_is(&c, "constant")) {
			char word[SUGGEST_MAX_LEN + 1];
			snprintf(word, sizeof word, "%.*s", (int)c.name_len, c.name);
			const char *near = suggest_closest(word, schedules, 1);
			struct yaml_mark m = yaml_text_mark(n, (size_t)(c.name - n->text));
			return near ? yaml_fail_at(d, &m,
						   "unknown step size schedule '%s', did you mean '%s'?",
						   word, near)
				    : yaml_fail_at(d, &m,
						   "unknown step size schedule '%s' (expected constant)",
						   word);
		}
		const char *arg = c.arg;
		size_t len = c.arg_len;
		if (len > 5 && !strncmp(arg, "value", 5)) {
			size_t i = 5;
			while (i < len && value_is_space(arg[i]))
				i++;
			if (i < len && arg[i] == '=') {
				i++;
				while (i < len && value_is_space(arg[i]))
					i++;
				arg += i;
				len -= i;
			}
		}
		if (len >= sizeof number)
			return value_expected(n, key, expected, d);
		snprintf(number, sizeof number, "%.*s", (int)len, arg);
		r = value_parse_double(number, &v);
		if (r == VALUE_NOT_NUMBER)
			return value_expected(n, key, expected, d);
	}
	if (r == VALUE_RANGE)
		return value_overflow(n, key, d);
	if (!(v > 0))
		return value_out_of_range(n, key, "> 0", d);
	*out = v;
	return ASG_OK;
}

asg_status value_until(const struct yaml_node *n, const char *key, double *out,
		       struct diag *d)
{
	const char *expected = "none, all or until(T)";
	struct value_call c;
	char number[128];
	double v;

	if (n->kind != YAML_SCALAR)
		return value_expected(n, key, expected, d);
	if (!strcmp(n->text, "none") || !strcmp(n->text, "all")) {
		*out = n->text[0] == 'n' ? 0.0 : INFINITY;
		return ASG_OK;
	}
	if (!value_split_call(n->text, &c) || !value_call_is(&c, "until") ||
	    c.arg_len >= sizeof number)
		return value_expected(n, key, expected, d);
	snprintf(number, sizeof number, "%.*s", (int)c.arg_len, c.arg);
	switch (value_parse_double(number, &v)) {
	case VALUE_NOT_NUMBER:
		return value_expected(n, key, expected, d);
	case VALUE_RANGE:
		return value_overflow(n, key, d);
	case VALUE_OK:
		break;
	}
	if (!(v > 0))
		return yaml_fail(d, n, "'%s' must be until(T) with T > 0, got %s",
				 key, n->text);
	*out = v;
	return ASG_OK;
}
