/*
 * override.c — putting a value at a key path of a scenario's tree
 * (override.h).
 */
#include "override.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

/* "'workers' has 2 items" for the message about an index past the end. */
static asg_status override_no_item(const struct keypath *p, size_t i,
				   size_t have, struct diag *d)
{
	struct yaml_mark m = keypath_mark(p, i);
	int plen = (int)p->steps[i].offset;

	if (have == 0)
		return yaml_fail_at(d, &m, "index %zu out of range: '%.*s' has no items",
				    p->steps[i].index, plen, p->text);
	return yaml_fail_at(d, &m, "index %zu out of range: '%.*s' has %zu item%s",
			    p->steps[i].index, plen, p->text, have,
			    have == 1 ? "" : "s");
}

/* Step i is a key of the mapping cur: its value (created when absent and
 * not the last step), or the place where the value went (last step). */
static asg_status override_key_step(struct yaml_node *cur,
				    const struct keypath *p, size_t i,
				    struct yaml_node **value,
				    struct yaml_node **next, struct diag *d)
{
	const struct keypath_step *st = &p->steps[i];
	bool last = i + 1 == p->n;
	struct yaml_mark m = keypath_mark(p, i);
	size_t at = yaml_find(cur, st->name, st->len);

	if (at != SIZE_MAX) {
		if (last) {
			yaml_replace_value(cur, at, *value);
			*value = NULL;
		}
		*next = yaml_value_at(cur, at);
		return ASG_OK;
	}
	if (!last && !p->steps[i + 1].name)
		return override_no_item(p, i + 1, 0, d);
	struct yaml_node *key = yaml_scalar_new(st->name, st->len, &m);
	struct yaml_node *v = last ? *value : yaml_collection_new(YAML_MAPPING, &m);
	if (last)
		*value = NULL;
	if (!key || !v) {
		yaml_free(key);
		yaml_free(v);
		return diag_set(d, ASG_ENOMEM, "out of memory");
	}
	if (yaml_mapping_append(cur, key, v) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	*next = v;
	return ASG_OK;
}

asg_status override_apply(struct yaml_node *root, const struct keypath *p,
			  struct yaml_node *value, struct diag *d)
{
	struct yaml_node *cur = root;
	asg_status s = ASG_OK;

	assert(p->n > 0);
	for (size_t i = 0; i < p->n && s == ASG_OK; i++) {
		const struct keypath_step *st = &p->steps[i];
		struct yaml_mark m = keypath_mark(p, i);
		int plen = (int)(st->name ? (i ? st->offset - 1 : 0) : st->offset);
		if (st->name && cur->kind != YAML_MAPPING) {
			s = yaml_fail_at(d, &m, "cannot set '%.*s': '%.*s' is not a mapping",
					 (int)p->len, p->text, plen, p->text);
		} else if (st->name) {
			s = override_key_step(cur, p, i, &value, &cur, d);
		} else if (cur->kind != YAML_SEQUENCE) {
			s = yaml_fail_at(d, &m, "cannot set '%.*s': '%.*s' is not a sequence",
					 (int)p->len, p->text, plen, p->text);
		} else if (st->index >= yaml_size(cur)) {
			s = override_no_item(p, i, yaml_size(cur), d);
		} else if (i + 1 == p->n) {
			yaml_replace_item(cur, st->index, value);
			value = NULL;
		} else {
			cur = yaml_item_at(cur, st->index);
		}
	}
	yaml_free(value);
	return s;
}

void override_remove(struct yaml_node *root, const struct keypath *p)
{
	struct yaml_node *cur = root;
	assert(p->n > 0 && p->steps[p->n - 1].name);
	for (size_t i = 0; i < p->n; i++) {
		const struct keypath_step *st = &p->steps[i];
		size_t at = SIZE_MAX;
		if (st->name && cur->kind == YAML_MAPPING)
			at = yaml_find(cur, st->name, st->len);
		else if (!st->name && cur->kind == YAML_SEQUENCE &&
			 st->index < yaml_size(cur))
			at = st->index;
		if (at == SIZE_MAX)
			return;
		if (i + 1 == p->n)
			yaml_remove(cur, at);
		else
			cur = st->name ? yaml_value_at(cur, at) : yaml_item_at(cur, at);
	}
}

/* One "KEY=VALUE" argument, the index-th (from 1). */
static asg_status override_apply_set(struct yaml_node *root, const char *arg,
				     int index, struct diag *d)
{
	struct yaml_mark at = { "--set", index, 1 };
	const char *eq = strchr(arg, '=');
	struct keypath p;
	struct yaml_node *value = NULL;
	asg_status s;

	if (!eq)
		return yaml_fail_at(d, &at, "expected KEY=VALUE, got '%s'", arg);
	s = keypath_parse(arg, (size_t)(eq - arg), &at, &p, d);
	if (s == ASG_OK)
		s = keypath_check(&p, false, d);
	if (s != ASG_OK)
		return s;
	struct yaml_source src = {
		.base = { "--set", index, (int)(eq - arg) + 2 },
		.one_line = true,
	};
	s = yaml_parse(eq + 1, strlen(eq + 1), &src, &value, d);
	if (s != ASG_OK)
		return s;
	if (!value && !(value = yaml_scalar_new("", 0, &src.base)))
		return diag_set(d, ASG_ENOMEM, "out of memory");
	if (yaml_is_null(value) && p.steps[p.n - 1].name) {
		/* KEY=~ takes KEY out: its default holds again */
		override_remove(root, &p);
		yaml_free(value);
		return ASG_OK;
	}
	return override_apply(root, &p, value, d);
}

asg_status override_apply_sets(struct yaml_node *root, const char *const *sets,
			       size_t nsets, struct diag *d)
{
	for (size_t i = 0; i < nsets; i++) {
		asg_status s = override_apply_set(root, sets[i], (int)i + 1, d);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}
