/*
 * yaml.h — a YAML document as a small tree of nodes, each knowing where
 * it was written.
 *
 * The scenario loader reads YAML through libfyaml's event parser into this
 * tree instead of a struct fy_document: overrides and sweep values are
 * grafted in from other texts (a --set argument, a sweep sequence) and
 * every node must keep its own place for messages, "FILE:LINE:COL" for the
 * scenario file and "--set:I:COL" for the I-th --set argument.
 *
 * Rules of the tree:
 *   - a mapping's keys are scalars, unique (by text) within the mapping,
 *     and kept in document order;
 *   - aliases are expanded into copies of their anchored node (which keep
 *     the anchored node's place); tags are ignored: a scalar is its text;
 *   - every node is owned by its parent; yaml_free frees a whole subtree.
 * Not thread-safe per tree; no global state.
 */
#ifndef ASG_SCENARIO_YAML_H
#define ASG_SCENARIO_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/diag.h"

/* A place in a text: "FILE:LINE:COL", or "--set:I:COL" with file "--set"
 * and line I. */
struct yaml_mark {
	const char *file;   /* file name as the user gave it, or "--set" (not owned) */
	int line;           /* 1-based line, or the 1-based index of the --set */
	int col;            /* 1-based column */
};

enum yaml_kind {
	YAML_SCALAR,
	YAML_MAPPING,
	YAML_SEQUENCE,
};

struct yaml_node {
	enum yaml_kind kind;
	struct yaml_mark at;        /* where the node starts (a quoted scalar: at its quote) */
	char *text;                 /* scalar: its text, NUL-terminated (owned); else NULL */
	size_t len;                 /* scalar: length of text in bytes */
	bool quoted;                /* scalar: written quoted or as a block scalar */
	int text_col;               /* scalar: columns from `at` to the text's first character */
	struct yaml_node **items;   /* sequence: the items; mapping: key, value, key, value... (owned) */
	size_t count;               /* entries used in items (2 per mapping pair) */
	size_t cap;                 /* entries allocated in items */
};

/* How yaml_parse places the nodes of a text. */
struct yaml_source {
	struct yaml_mark base;   /* the place of the text's first character */
	bool one_line;           /* a command-line value: columns count bytes from
	                            base.col and the line stays base.line */
};

/* Parse `len` bytes of text holding at most one YAML document.  *out is
 * the root node, or NULL for a text without a document.  On error records a
 * located message in *d, returns ASG_EINPUT (ASG_ENOMEM) and *out is NULL.
 * Bytes that are not UTF-8 text (a NUL, invalid sequences, control
 * characters other than tab, newline and carriage return) are errors. */
asg_status yaml_parse(const char *text, size_t len,
		      const struct yaml_source *src, struct yaml_node **out,
		      struct diag *d);

/* Free a node and everything under it; yaml_free(NULL) does nothing. */
void yaml_free(struct yaml_node *n);

/* A deep copy of n (marks included), or NULL when out of memory. */
struct yaml_node *yaml_copy(const struct yaml_node *n);

/* New nodes, or NULL when out of memory. */
struct yaml_node *yaml_scalar_new(const char *text, size_t len,
				  const struct yaml_mark *at);
struct yaml_node *yaml_collection_new(enum yaml_kind kind,
				      const struct yaml_mark *at);

/* Append an item to a sequence, or a key and its value to a mapping (the
 * key must not be there yet).  The collection takes the nodes; on
 * ASG_ENOMEM they are freed. */
asg_status yaml_sequence_append(struct yaml_node *seq, struct yaml_node *item);
asg_status yaml_mapping_append(struct yaml_node *map, struct yaml_node *key,
			       struct yaml_node *value);

/* Insert a pair before the pair at index `pair` (0 = first). */
asg_status yaml_mapping_insert(struct yaml_node *map, size_t pair,
			       struct yaml_node *key, struct yaml_node *value);

/* Pairs of a mapping, items of a sequence. */
size_t yaml_size(const struct yaml_node *n);

/* The key and value of pair i of a mapping. */
struct yaml_node *yaml_key_at(const struct yaml_node *map, size_t i);
struct yaml_node *yaml_value_at(const struct yaml_node *map, size_t i);

/* Item i of a sequence. */
struct yaml_node *yaml_item_at(const struct yaml_node *seq, size_t i);

/* The index of the pair of `map` whose key is the `len` bytes of `key`, or
 * SIZE_MAX when there is none. */
size_t yaml_find(const struct yaml_node *map, const char *key, size_t len);

/* The value of key `key` (NUL-terminated) in map, or NULL. */
struct yaml_node *yaml_get(const struct yaml_node *map, const char *key);

/* Replace the value of pair i (freeing the old one). */
void yaml_replace_value(struct yaml_node *map, size_t i,
			struct yaml_node *value);

/* Replace item i of a sequence (freeing the old one). */
void yaml_replace_item(struct yaml_node *seq, size_t i,
		       struct yaml_node *item);

/* Remove pair i of a mapping, freeing its key and value. */
void yaml_remove(struct yaml_node *map, size_t i);

/* Remove pair i of a mapping, freeing its key; the value is returned to
 * the caller, who owns it from then on. */
struct yaml_node *yaml_detach(struct yaml_node *map, size_t i);

/* True for a plain scalar with no text (YAML's null written as nothing). */
bool yaml_is_empty(const struct yaml_node *n);

/* True for YAML's null: a plain scalar that is empty, ~, null, Null or NULL. */
bool yaml_is_null(const struct yaml_node *n);

/* The place of byte `offset` of a scalar's text (for messages located
 * inside it, e.g. a distribution's parameter). */
struct yaml_mark yaml_text_mark(const struct yaml_node *n, size_t offset);

/* Record "FILE:LINE:COL: message" at a node or a mark; returns ASG_EINPUT. */
asg_status yaml_fail(struct diag *d, const struct yaml_node *at,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
asg_status yaml_fail_at(struct diag *d, const struct yaml_mark *at,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a node is, for messages: "'text'" for a scalar (cut when long),
 * "a mapping", "a sequence", "an empty value". */
const char *yaml_describe(const struct yaml_node *n, char *buf, size_t size);

/* The document as block-style YAML text (malloc'd; NULL when out of
 * memory).  Scalars written in quotes stay quoted; plain scalars stay plain
 * where that reads back as the same text. */
char *yaml_emit(const struct yaml_node *root);

/* A node as JSON appended to nothing: numbers and true/false/null written
 * plain stay bare, every other scalar is a string (malloc'd; NULL when out
 * of memory). */
char *yaml_emit_json(const struct yaml_node *n);

/* A growing string for the emitters (yaml_emit.c and plan.c). */
struct yaml_buf {
	char *s;        /* the text, NUL-terminated (owned) */
	size_t len;     /* bytes used, without the NUL */
	size_t cap;     /* bytes allocated */
	bool failed;    /* an allocation failed: s is no longer extended */
};

void yaml_buf_put(struct yaml_buf *b, const char *s, size_t len);
void yaml_buf_puts(struct yaml_buf *b, const char *s);
void yaml_buf_json_string(struct yaml_buf *b, const char *s, size_t len);
void yaml_buf_json_value(struct yaml_buf *b, const struct yaml_node *n);

/* Hand over the text (NULL if an allocation failed, then freed). */
char *yaml_buf_finish(struct yaml_buf *b);

#endif
