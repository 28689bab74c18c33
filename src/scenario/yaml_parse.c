/*
 * yaml_parse.c — reading YAML text into a tree of located nodes (yaml.h).
 *
 * Reading, in order:
 *   1. the bytes are checked to be UTF-8 text: libfyaml stops silently at
 *      a NUL and at some invalid bytes, so a binary file would otherwise
 *      read as a short, valid document;
 *   2. libfyaml's event parser (fy_parser_parse) turns the text into
 *      events, with a diagnostic object that collects errors instead of
 *      printing them; the first collected error becomes our message;
 *   3. the events build the tree: an explicit stack of open collections,
 *      keys checked to be unique scalars, aliases expanded.
 * Expanding aliases copies nodes; at most YAML_MAX_NODES nodes are built
 * from one text, so that a few nested aliases cannot exhaust memory.
 */
#include "yaml.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libfyaml.h>

#define YAML_MAX_NODES 1000000

/* ---- checking the bytes ------------------------------------------------ */

/* The length of the UTF-8 sequence at s (at most `left` bytes), or 0 if it
 * is not valid (overlong forms, surrogates and code points past U+10FFFF
 * included). */
static size_t yaml_utf8_length(const unsigned char *s, size_t left)
{
	size_t n;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/* The first byte that is not UTF-8 text, located (columns count
 * characters, as libfyaml's do). */
static asg_status yaml_check_text(const char *text, size_t len,
				  const struct yaml_source *src, struct diag *d)
{
	const unsigned char *s = (const unsigned char *)text;
	struct yaml_mark at = src->base;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		if (c == 0)
			return yaml_fail_at(d, &at,
					    "unexpected NUL byte (binary file?)");
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return yaml_fail_at(d, &at,
					    "unexpected control character 0x%02x",
					    c);
		size_t n = yaml_utf8_length(s + i, len - i);
		if (n == 0)
			return yaml_fail_at(d, &at,
					    "invalid UTF-8 byte 0x%02x (binary file?)",
					    c);
		i += n;
		if (c == '\n' && !src->one_line) {
			at.line++;
			at.col = 1;
		} else {
			at.col += src->one_line ? (int)n : 1;
		}
	}
	return ASG_OK;
}

/* ---- building the tree from events -------------------------------------- */

struct yaml_frame {
	struct yaml_node *node;   /* an open mapping or sequence */
	struct yaml_node *key;    /* a mapping's key awaiting its value (owned) */
	char *anchor;             /* its anchor, registered when it closes (owned) */
};

struct yaml_anchor {
	char *name;                  /* the anchor's name (owned) */
	const struct yaml_node *node; /* the anchored node, inside the tree */
};

struct yaml_builder {
	const struct yaml_source *src;   /* where the text stands */
	struct diag *d;                  /* the first error */
	struct yaml_node *root;          /* the document's root, once started */
	struct yaml_frame *stack;        /* open collections, innermost last */
	size_t depth;                    /* entries used in stack */
	size_t stack_cap;                /* entries allocated in stack */
	struct yaml_anchor *anchors;     /* anchors seen, in order */
	size_t nanchors;                 /* entries used in anchors */
	size_t anchors_cap;              /* entries allocated in anchors */
	size_t nodes;                    /* nodes built so far */
	int documents;                   /* documents started */
};

static struct yaml_mark yaml_event_mark(const struct yaml_builder *b,
					struct fy_event *e)
{
	const struct fy_mark *m = fy_event_start_mark(e);
	struct yaml_mark at = b->src->base;

	if (!m)
		return at;
	if (b->src->one_line) {
		at.col += (int)m->input_pos;
	} else {
		at.line += m->line;
		at.col = (m->line == 0 ? at.col : 1) + m->column;
	}
	return at;
}

static size_t yaml_count_nodes(const struct yaml_node *n)
{
	size_t total = 1;
	for (size_t i = 0; i < n->count; i++)
		total += yaml_count_nodes(n->items[i]);
	return total;
}

static char *yaml_token_strdup(struct fy_token *t)
{
	size_t len;
	const char *s = fy_token_get_text(t, &len);
	char *copy = malloc(len + 1);

	if (copy && s) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	} else if (copy) {
		copy[0] = '\0';
	}
	return copy;
}

static asg_status yaml_add_anchor(struct yaml_builder *b, char *name,
				  const struct yaml_node *node)
{
	if (b->nanchors == b->anchors_cap) {
		size_t cap = b->anchors_cap ? 2 * b->anchors_cap : 8;
		struct yaml_anchor *a = realloc(b->anchors, cap * sizeof *a);
		if (!a) {
			free(name);
			return ASG_ENOMEM;
		}
		b->anchors = a;
		b->anchors_cap = cap;
	}
	b->anchors[b->nanchors].name = name;
	b->anchors[b->nanchors].node = node;
	b->nanchors++;
	return ASG_OK;
}

/* Attach a new node to the innermost open collection (or make it the
 * root).  In a mapping a key waits in its frame for its value.  Takes the
 * node: it is freed on error. */
static asg_status yaml_attach(struct yaml_builder *b, struct yaml_node *n)
{
	if (b->depth == 0) {
		assert(!b->root);
		b->root = n;
		return ASG_OK;
	}
	struct yaml_frame *f = &b->stack[b->depth - 1];
	asg_status s = ASG_OK;
	if (f->node->kind == YAML_SEQUENCE) {
		s = yaml_sequence_append(f->node, n);
	} else if (f->key) {
		s = yaml_mapping_append(f->node, f->key, n);
		f->key = NULL;
	} else if (n->kind != YAML_SCALAR) {
		s = yaml_fail(b->d, n, "a mapping key must be a scalar, got %s",
			      n->kind == YAML_MAPPING ? "a mapping" : "a sequence");
		yaml_free(n);
		return s;
	} else if (yaml_find(f->node, n->text, n->len) != SIZE_MAX) {
		s = yaml_fail(b->d, n, "duplicate key '%s'", n->text);
		yaml_free(n);
		return s;
	} else {
		f->key = n;
	}
	return s == ASG_OK ? ASG_OK : diag_set(b->d, s, "out of memory");
}

static asg_status yaml_on_scalar(struct yaml_builder *b, struct fy_event *e)
{
	struct yaml_mark at = yaml_event_mark(b, e);
	size_t len = 0;
	const char *text = fy_token_get_text(e->scalar.value, &len);
	struct yaml_node *n = yaml_scalar_new(text ? text : "", text ? len : 0, &at);

	if (!n)
		return diag_set(b->d, ASG_ENOMEM, "out of memory");
	enum fy_scalar_style style = fy_token_scalar_style(e->scalar.value);
	n->quoted = style != FYSS_PLAIN;
	if (style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) {
		/* libfyaml marks a quoted scalar at its text: step back to
		 * the quote, which is on the same line */
		n->text_col = 1;
		n->at.col -= 1;
	}
	if (memchr(n->text, '\0', n->len)) {
		/* an escape ("\0") made a NUL: the text would be cut short */
		asg_status err = yaml_fail(b->d, n, "NUL character in a scalar");
		yaml_free(n);
		return err;
	}
	b->nodes++;
	asg_status s = yaml_attach(b, n);
	if (s == ASG_OK && e->scalar.anchor) {
		char *name = yaml_token_strdup(e->scalar.anchor);
		s = name ? yaml_add_anchor(b, name, n) : ASG_ENOMEM;
		if (s != ASG_OK)
			diag_set(b->d, s, "out of memory");
	}
	return s;
}

static asg_status yaml_on_alias(struct yaml_builder *b, struct fy_event *e)
{
	struct yaml_mark at = yaml_event_mark(b, e);
	at.col -= at.col > 1;   /* libfyaml marks the name: step back to the '*' */
	size_t len = 0;
	const char *name = fy_token_get_text(e->alias.anchor, &len);
	const struct yaml_node *target = NULL;

	for (size_t i = b->nanchors; i-- > 0 && !target;)
		if (strlen(b->anchors[i].name) == len &&
		    !memcmp(b->anchors[i].name, name, len))
			target = b->anchors[i].node;
	if (!target)
		return yaml_fail_at(b->d, &at, "unknown alias '%.*s'", (int)len,
				    name);
	size_t more = yaml_count_nodes(target);
	if (more > YAML_MAX_NODES - b->nodes)
		return yaml_fail_at(b->d, &at,
				    "aliases expand to more than %d nodes",
				    YAML_MAX_NODES);
	struct yaml_node *copy = yaml_copy(target);
	if (!copy)
		return diag_set(b->d, ASG_ENOMEM, "out of memory");
	b->nodes += more;
	return yaml_attach(b, copy);
}

static asg_status yaml_on_start(struct yaml_builder *b, struct fy_event *e,
				enum yaml_kind kind)
{
	struct yaml_mark at = yaml_event_mark(b, e);
	struct fy_token *anchor = kind == YAML_MAPPING
					  ? e->mapping_start.anchor
					  : e->sequence_start.anchor;
	struct yaml_node *n = yaml_collection_new(kind, &at);

	if (!n)
		return diag_set(b->d, ASG_ENOMEM, "out of memory");
	b->nodes++;
	asg_status s = yaml_attach(b, n);
	if (s != ASG_OK)
		return s;
	if (b->depth == b->stack_cap) {
		size_t cap = b->stack_cap ? 2 * b->stack_cap : 16;
		struct yaml_frame *f = realloc(b->stack, cap * sizeof *f);
		if (!f)
			return diag_set(b->d, ASG_ENOMEM, "out of memory");
		b->stack = f;
		b->stack_cap = cap;
	}
	b->stack[b->depth].node = n;
	b->stack[b->depth].key = NULL;
	b->stack[b->depth].anchor = anchor ? yaml_token_strdup(anchor) : NULL;
	if (anchor && !b->stack[b->depth].anchor)
		return diag_set(b->d, ASG_ENOMEM, "out of memory");
	b->depth++;
	return ASG_OK;
}

static asg_status yaml_on_end(struct yaml_builder *b)
{
	assert(b->depth > 0);
	struct yaml_frame *f = &b->stack[--b->depth];
	assert(!f->key);   /* libfyaml gives every key a value, null if empty */
	if (!f->anchor)
		return ASG_OK;
	asg_status s = yaml_add_anchor(b, f->anchor, f->node);
	f->anchor = NULL;
	return s == ASG_OK ? ASG_OK : diag_set(b->d, s, "out of memory");
}

static asg_status yaml_on_event(struct yaml_builder *b, struct fy_event *e)
{
	switch (e->type) {
	case FYET_DOCUMENT_START:
		if (++b->documents > 1) {
			struct yaml_mark at = yaml_event_mark(b, e);
			return yaml_fail_at(b->d, &at, "unexpected second document");
		}
		return ASG_OK;
	case FYET_SCALAR:
		return yaml_on_scalar(b, e);
	case FYET_ALIAS:
		return yaml_on_alias(b, e);
	case FYET_MAPPING_START:
		return yaml_on_start(b, e, YAML_MAPPING);
	case FYET_SEQUENCE_START:
		return yaml_on_start(b, e, YAML_SEQUENCE);
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return yaml_on_end(b);
	default:
		return ASG_OK;
	}
}

static void yaml_builder_release(struct yaml_builder *b)
{
	for (size_t i = 0; i < b->depth; i++) {
		yaml_free(b->stack[i].key);
		free(b->stack[i].anchor);
	}
	free(b->stack);
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
}

/* libfyaml prints nothing: its messages are collected and read back. */
static void yaml_diag_silent(struct fy_diag *diag, void *user, const char *buf,
			     size_t len)
{
}

/* The parser's first collected error, located. */
static asg_status yaml_parser_error(const struct yaml_source *src,
				    struct fy_diag *diag, struct diag *d)
{
	void *iter = NULL;
	struct fy_diag_error *err = fy_diag_errors_iterate(diag, &iter);
	struct yaml_mark at = src->base;

	if (!err)
		return yaml_fail_at(d, &at, "invalid YAML");
	if (src->one_line) {
		at.col += err->column > 0 ? err->column - 1 : 0;
	} else if (err->line > 0) {
		at.line += err->line - 1;
		at.col = (err->line == 1 ? at.col : 1) +
			 (err->column > 0 ? err->column - 1 : 0);
	}
	return yaml_fail_at(d, &at, "%s", err->msg ? err->msg : "invalid YAML");
}

static asg_status yaml_run_parser(struct yaml_builder *b, const char *text,
				  size_t len, struct fy_diag *diag)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET, .diag = diag };
	struct fy_parser *fyp = fy_parser_create(&cfg);
	asg_status s = ASG_OK;

	if (!fyp)
		return diag_set(b->d, ASG_ENOMEM, "out of memory");
	if (fy_parser_set_string(fyp, text, len) != 0) {
		s = diag_set(b->d, ASG_ENOMEM, "out of memory");
		goto out_destroy;
	}
	struct fy_event *e;
	while (s == ASG_OK && (e = fy_parser_parse(fyp)) != NULL) {
		s = yaml_on_event(b, e);
		fy_parser_event_free(fyp, e);
	}
	if (s == ASG_OK && fy_parser_get_stream_error(fyp))
		s = yaml_parser_error(b->src, diag, b->d);
out_destroy:
	fy_parser_destroy(fyp);
	return s;
}

asg_status yaml_parse(const char *text, size_t len,
		      const struct yaml_source *src, struct yaml_node **out,
		      struct diag *d)
{
	struct yaml_builder b = { .src = src, .d = d };
	struct fy_diag_cfg dcfg;
	asg_status s;

	*out = NULL;
	s = yaml_check_text(text, len, src, d);
	if (s != ASG_OK)
		return s;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = yaml_diag_silent;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	fy_diag_set_collect_errors(diag, true);
	s = yaml_run_parser(&b, text, len, diag);
	fy_diag_destroy(diag);
	if (s == ASG_OK)
		*out = b.root;
	else
		yaml_free(b.root);
	yaml_builder_release(&b);
	return s;
}
