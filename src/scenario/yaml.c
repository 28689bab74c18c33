/*
 * yaml.c — the tree of located nodes (yaml.h): building, copying,
 * looking up, changing, and located messages about a node.
 *
 * A mapping stores its pairs flat in items (key, value, key, value...);
 * lookups are linear: scenario mappings have a dozen keys at most.
 */
#include "yaml.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- nodes ------------------------------------------------------------ */

struct yaml_node *yaml_scalar_new(const char *text, size_t len,
				  const struct yaml_mark *at)
{
	struct yaml_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->text = malloc(len + 1);
	if (!n->text) {
		free(n);
		return NULL;
	}
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->len = len;
	n->kind = YAML_SCALAR;
	n->at = *at;
	return n;
}

struct yaml_node *yaml_collection_new(enum yaml_kind kind,
				      const struct yaml_mark *at)
{
	assert(kind == YAML_MAPPING || kind == YAML_SEQUENCE);
	struct yaml_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->kind = kind;
	n->at = *at;
	return n;
}

void yaml_free(struct yaml_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->count; i++)
		yaml_free(n->items[i]);
	free(n->items);
	free(n->text);
	free(n);
}

struct yaml_node *yaml_copy(const struct yaml_node *n)
{
	struct yaml_node *c;

	if (n->kind == YAML_SCALAR) {
		c = yaml_scalar_new(n->text, n->len, &n->at);
		if (c) {
			c->quoted = n->quoted;
			c->text_col = n->text_col;
		}
		return c;
	}
	c = yaml_collection_new(n->kind, &n->at);
	if (!c)
		return NULL;
	c->items = malloc((n->count ? n->count : 1) * sizeof *c->items);
	if (!c->items)
		goto out_free;
	c->cap = n->count;
	for (size_t i = 0; i < n->count; i++) {
		c->items[i] = yaml_copy(n->items[i]);
		if (!c->items[i])
			goto out_free;
		c->count++;
	}
	return c;
out_free:
	yaml_free(c);
	return NULL;
}

/* Room for `more` entries; false when out of memory. */
static bool yaml_reserve(struct yaml_node *n, size_t more)
{
	if (n->count + more <= n->cap)
		return true;
	size_t cap = n->cap ? 2 * n->cap : 8;
	while (cap < n->count + more)
		cap *= 2;
	struct yaml_node **items = realloc(n->items, cap * sizeof *items);
	if (!items)
		return false;
	n->items = items;
	n->cap = cap;
	return true;
}

asg_status yaml_sequence_append(struct yaml_node *seq, struct yaml_node *item)
{
	assert(seq->kind == YAML_SEQUENCE);
	if (!yaml_reserve(seq, 1)) {
		yaml_free(item);
		return ASG_ENOMEM;
	}
	seq->items[seq->count++] = item;
	return ASG_OK;
}

asg_status yaml_mapping_insert(struct yaml_node *map, size_t pair,
			       struct yaml_node *key, struct yaml_node *value)
{
	assert(map->kind == YAML_MAPPING && key->kind == YAML_SCALAR);
	assert(pair <= yaml_size(map));
	assert(yaml_find(map, key->text, key->len) == SIZE_MAX);
	if (!yaml_reserve(map, 2)) {
		yaml_free(key);
		yaml_free(value);
		return ASG_ENOMEM;
	}
	memmove(map->items + 2 * pair + 2, map->items + 2 * pair,
		(map->count - 2 * pair) * sizeof *map->items);
	map->items[2 * pair] = key;
	map->items[2 * pair + 1] = value;
	map->count += 2;
	return ASG_OK;
}

asg_status yaml_mapping_append(struct yaml_node *map, struct yaml_node *key,
			       struct yaml_node *value)
{
	return yaml_mapping_insert(map, yaml_size(map), key, value);
}

size_t yaml_size(const struct yaml_node *n)
{
	switch (n->kind) {
	case YAML_MAPPING:
		return n->count / 2;
	case YAML_SEQUENCE:
		return n->count;
	case YAML_SCALAR:
		break;
	}
	return 0;
}

struct yaml_node *yaml_key_at(const struct yaml_node *map, size_t i)
{
	assert(map->kind == YAML_MAPPING && 2 * i < map->count);
	return map->items[2 * i];
}

struct yaml_node *yaml_value_at(const struct yaml_node *map, size_t i)
{
	assert(map->kind == YAML_MAPPING && 2 * i + 1 < map->count);
	return map->items[2 * i + 1];
}

struct yaml_node *yaml_item_at(const struct yaml_node *seq, size_t i)
{
	assert(seq->kind == YAML_SEQUENCE && i < seq->count);
	return seq->items[i];
}

size_t yaml_find(const struct yaml_node *map, const char *key, size_t len)
{
	assert(map->kind == YAML_MAPPING);
	for (size_t i = 0; 2 * i + 1 < map->count; i++) {
		const struct yaml_node *k = map->items[2 * i];
		if (k->len == len && !memcmp(k->text, key, len))
			return i;
	}
	return SIZE_MAX;
}

struct yaml_node *yaml_get(const struct yaml_node *map, const char *key)
{
	size_t i = yaml_find(map, key, strlen(key));
	return i == SIZE_MAX ? NULL : yaml_value_at(map, i);
}

void yaml_replace_value(struct yaml_node *map, size_t i,
			struct yaml_node *value)
{
	assert(map->kind == YAML_MAPPING && 2 * i + 1 < map->count);
	yaml_free(map->items[2 * i + 1]);
	map->items[2 * i + 1] = value;
}

void yaml_replace_item(struct yaml_node *seq, size_t i, struct yaml_node *item)
{
	assert(seq->kind == YAML_SEQUENCE && i < seq->count);
	yaml_free(seq->items[i]);
	seq->items[i] = item;
}

void yaml_remove(struct yaml_node *map, size_t i)
{
	assert(map->kind == YAML_MAPPING && 2 * i + 1 < map->count);
	yaml_free(map->items[2 * i]);
	yaml_free(map->items[2 * i + 1]);
	memmove(map->items + 2 * i, map->items + 2 * i + 2,
		(map->count - 2 * i - 2) * sizeof *map->items);
	map->count -= 2;
}

struct yaml_node *yaml_detach(struct yaml_node *map, size_t i)
{
	assert(map->kind == YAML_MAPPING && 2 * i + 1 < map->count);
	struct yaml_node *value = map->items[2 * i + 1];
	map->items[2 * i + 1] = NULL;
	yaml_remove(map, i);
	return value;
}

bool yaml_is_empty(const struct yaml_node *n)
{
	return n->kind == YAML_SCALAR && !n->quoted && n->len == 0;
}

bool yaml_is_null(const struct yaml_node *n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	if (n->kind != YAML_SCALAR || n->quoted)
		return false;
	if (n->len == 0)
		return true;
	for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
		if (!strcmp(n->text, nulls[i]))
			return true;
	return false;
}

struct yaml_mark yaml_text_mark(const struct yaml_node *n, size_t offset)
{
	struct yaml_mark m = n->at;
	m.col += n->text_col + (int)offset;
	return m;
}

static asg_status yaml_vfail(struct diag *d, const struct yaml_mark *at,
			     const char *fmt, va_list ap)
{
	char msg[DIAG_TEXT_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return diag_at(d, ASG_EINPUT, at->file, at->line, at->col, "%s", msg);
}

asg_status yaml_fail(struct diag *d, const struct yaml_node *at,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	asg_status s = yaml_vfail(d, &at->at, fmt, ap);
	va_end(ap);
	return s;
}

asg_status yaml_fail_at(struct diag *d, const struct yaml_mark *at,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	asg_status s = yaml_vfail(d, at, fmt, ap);
	va_end(ap);
	return s;
}

const char *yaml_describe(const struct yaml_node *n, char *buf, size_t size)
{
	enum { SHOWN = 40 };

	if (n->kind == YAML_MAPPING)
		snprintf(buf, size, "a mapping");
	else if (n->kind == YAML_SEQUENCE)
		snprintf(buf, size, "a sequence");
	else if (yaml_is_empty(n))
		snprintf(buf, size, "an empty value");
	else if (n->len > SHOWN)
		snprintf(buf, size, "'%.*s...'", SHOWN, n->text);
	else
		snprintf(buf, size, "'%s'", n->text);
	return buf;
}

