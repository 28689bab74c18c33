/*
 * yaml_emit.c — writing a tree of nodes (yaml.h) back as YAML or JSON text.
 *
 * YAML is written in block style, two spaces per level, a sequence at the
 * indentation of its key (as libfyaml writes it):
 *
 *	name: default
 *	workers:
 *	- count: 20
 *	  compute: lognormal(mu=-1, sigma=0.3)
 *	sweep: {}
 *
 * A scalar is written plain when it was plain and its text reads back
 * unchanged as a plain scalar in block context (yaml_emit_plain_ok, a
 * conservative test); otherwise double-quoted with escapes.  Reading the
 * output gives the same tree of texts.  (libfyaml's own emitter mangles
 * some created scalars, e.g. leading spaces and control characters, so it
 * is not used.)
 *
 * JSON: a mapping is an object, a sequence an array, a plain scalar that
 * is a number (strtod, finite) a number, plain true/false themselves,
 * YAML's null (empty, ~, null, Null, NULL) null, anything else a string.
 */
#include "yaml.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the growing string ------------------------------------------------- */

void yaml_buf_put(struct yaml_buf *b, const char *s, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void yaml_buf_puts(struct yaml_buf *b, const char *s)
{
	yaml_buf_put(b, s, strlen(s));
}

char *yaml_buf_finish(struct yaml_buf *b)
{
	if (!b->failed && !b->s)
		yaml_buf_put(b, "", 0);
	if (b->failed) {
		free(b->s);
		b->s = NULL;
	}
	char *s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* ---- YAML ---------------------------------------------------------------- */

/* True when text, written plain after "key: " or "- ", reads back as the
 * same text. */
static bool yaml_emit_plain_ok(const char *s, size_t len)
{
	static const char indicators[] = "-?:,[]{}#&*!|>'\"%@`";

	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	if (!strncmp(s, "---", 3) || !strncmp(s, "...", 3))
		return false;   /* would start a line as a document marker */
	if (strchr(indicators, s[0]) &&
	    !(s[0] == '-' && len > 1 && s[1] != ' '))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == ':' && (i + 1 == len || s[i + 1] == ' '))
			return false;
		if (c == '#' && s[i - 1] == ' ')
			return false;
	}
	return true;
}

/* s between double quotes, with \" \\ \n \t escaped and any other control
 * character written by control_fmt (YAML \xHH, JSON \u00hh). */
static void yaml_buf_escaped(struct yaml_buf *b, const char *s, size_t len,
			     const char *control_fmt)
{
	yaml_buf_put(b, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			yaml_buf_put(b, esc, 2);
		} else if (c == '\n') {
			yaml_buf_put(b, "\\n", 2);
		} else if (c == '\t') {
			yaml_buf_put(b, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, control_fmt, c);
			yaml_buf_puts(b, esc);
		} else {
			yaml_buf_put(b, s + i, 1);
		}
	}
	yaml_buf_put(b, "\"", 1);
}

static void yaml_emit_quoted(struct yaml_buf *b, const char *s, size_t len)
{
	yaml_buf_escaped(b, s, len, "\\x%02X");
}

static void yaml_emit_scalar(struct yaml_buf *b, const struct yaml_node *n)
{
	if (!n->quoted && yaml_emit_plain_ok(n->text, n->len))
		yaml_buf_put(b, n->text, n->len);
	else
		yaml_emit_quoted(b, n->text, n->len);
}

static void yaml_emit_indent(struct yaml_buf *b, int indent)
{
	for (int i = 0; i < indent; i++)
		yaml_buf_put(b, " ", 1);
}

static void yaml_emit_block(struct yaml_buf *b, const struct yaml_node *n,
			    int indent, bool inline_first);

/* The rest of a line after "key:" or "-", and what hangs under it. */
static void yaml_emit_after(struct yaml_buf *b, const struct yaml_node *v,
			    int indent, bool after_key)
{
	if (v->kind == YAML_SCALAR) {
		if (!yaml_is_empty(v)) {
			yaml_buf_put(b, " ", 1);
			yaml_emit_scalar(b, v);
		}
		yaml_buf_put(b, "\n", 1);
	} else if (v->count == 0) {
		yaml_buf_puts(b, v->kind == YAML_MAPPING ? " {}\n" : " []\n");
	} else if (after_key) {
		yaml_buf_put(b, "\n", 1);
		yaml_emit_block(b, v, v->kind == YAML_MAPPING ? indent + 2 : indent,
				false);
	} else {
		yaml_buf_put(b, " ", 1);
		yaml_emit_block(b, v, indent + 2, true);
	}
}

/* A non-empty collection whose entries start at column `indent`; with
 * inline_first the first entry goes on the current line (after "- "). */
static void yaml_emit_block(struct yaml_buf *b, const struct yaml_node *n,
			    int indent, bool inline_first)
{
	bool map = n->kind == YAML_MAPPING;
	size_t step = map ? 2 : 1;

	for (size_t i = 0; i < n->count; i += step) {
		if (i > 0 || !inline_first)
			yaml_emit_indent(b, indent);
		if (map) {
			yaml_emit_scalar(b, n->items[i]);
			yaml_buf_put(b, ":", 1);
			yaml_emit_after(b, n->items[i + 1], indent, true);
		} else {
			yaml_buf_put(b, "-", 1);
			yaml_emit_after(b, n->items[i], indent, false);
		}
	}
}

char *yaml_emit(const struct yaml_node *root)
{
	struct yaml_buf b = { 0 };

	if (root->kind == YAML_SCALAR || root->count == 0) {
		/* not a scenario, but still a document */
		if (root->kind == YAML_SCALAR)
			yaml_emit_scalar(&b, root);
		else
			yaml_buf_puts(&b, root->kind == YAML_MAPPING ? "{}" : "[]");
		yaml_buf_put(&b, "\n", 1);
	} else {
		yaml_emit_block(&b, root, 0, false);
	}
	return yaml_buf_finish(&b);
}

/* ---- JSON ---------------------------------------------------------------- */

void yaml_buf_json_string(struct yaml_buf *b, const char *s, size_t len)
{
	yaml_buf_escaped(b, s, len, "\\u%04x");
}

/* True when s is a JSON number as written: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static bool yaml_json_number_syntax(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* A plain scalar that strtod reads whole as a finite number: write it
 * as written when that is JSON, else as the shortest %.*g that reads back
 * to the same double.  False when the text is not a number. */
static bool yaml_json_number(struct yaml_buf *b, const struct yaml_node *n)
{
	char *end;
	char out[40];

	if (n->len == 0 || strchr(" \t", n->text[0]) ||
	    strpbrk(n->text, "xXnN"))   /* no hex, inf or nan */
		return false;
	errno = 0;
	double v = strtod(n->text, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return false;
	if (yaml_json_number_syntax(n->text)) {
		yaml_buf_put(b, n->text, n->len);
		return true;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, sizeof out, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	yaml_buf_puts(b, out);
	return true;
}

void yaml_buf_json_value(struct yaml_buf *b, const struct yaml_node *n)
{
	switch (n->kind) {
	case YAML_SCALAR:
		if (yaml_is_null(n))
			yaml_buf_puts(b, "null");
		else if (!n->quoted && (!strcmp(n->text, "true") ||
					!strcmp(n->text, "false")))
			yaml_buf_puts(b, n->text);
		else if (n->quoted || !yaml_json_number(b, n))
			yaml_buf_json_string(b, n->text, n->len);
		break;
	case YAML_MAPPING:
		yaml_buf_put(b, "{", 1);
		for (size_t i = 0; i < n->count; i += 2) {
			if (i)
				yaml_buf_put(b, ",", 1);
			yaml_buf_json_string(b, n->items[i]->text,
					     n->items[i]->len);
			yaml_buf_put(b, ":", 1);
			yaml_buf_json_value(b, n->items[i + 1]);
		}
		yaml_buf_put(b, "}", 1);
		break;
	case YAML_SEQUENCE:
		yaml_buf_put(b, "[", 1);
		for (size_t i = 0; i < n->count; i++) {
			if (i)
				yaml_buf_put(b, ",", 1);
			yaml_buf_json_value(b, n->items[i]);
		}
		yaml_buf_put(b, "]", 1);
		break;
	}
}

char *yaml_emit_json(const struct yaml_node *n)
{
	struct yaml_buf b = { 0 };
	yaml_buf_json_value(&b, n);
	return yaml_buf_finish(&b);
}
