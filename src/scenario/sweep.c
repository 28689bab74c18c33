/*
 * sweep.c — the grid of a scenario's sweep (sweep.h): checking its keys
 * and values, and applying one point.
 *
 * The grid has one dimension per key, or per mapping of `zip` (its keys
 * share the dimension and must have as many values); dim_size[] holds the
 * dimensions' sizes, and point p is the mixed-radix number whose digits
 * are the values' indices, the last dimension least significant.
 */
#include "sweep.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "override.h"

/* Check one key of the sweep and its values into axis a. */
static asg_status sweep_axis_init(struct sweep_axis *a,
				  const struct yaml_node *key,
				  const struct yaml_node *values, struct diag *d)
{
	struct yaml_mark at = yaml_text_mark(key, 0);
	char got[64];
	asg_status s;

	s = keypath_parse(key->text, key->len, &at, &a->path, d);
	if (s == ASG_OK)
		s = keypath_check(&a->path, true, d);
	if (s != ASG_OK)
		return s;
	if (values->kind != YAML_SEQUENCE)
		return yaml_fail(d, values,
				 "expected a sequence of values for sweep key '%s', got %s",
				 key->text, yaml_describe(values, got, sizeof got));
	if (yaml_size(values) == 0)
		return yaml_fail(d, values, "sweep key '%s' has no values",
				 key->text);
	a->values = values;
	return ASG_OK;
}

/* True if key is `zip`. */
static bool sweep_is_zip(const struct yaml_node *key)
{
	return key->len == 3 && !memcmp(key->text, "zip", 3);
}

/* Keys of the sweep mapping t, counting those inside zip (an upper bound
 * of the axes and of the dimensions). */
static size_t sweep_count_keys(const struct yaml_node *t)
{
	size_t n = 0;
	for (size_t i = 0; i < yaml_size(t); i++) {
		const struct yaml_node *v = yaml_value_at(t, i);
		if (!sweep_is_zip(yaml_key_at(t, i)))
			n++;
		else if (v->kind == YAML_MAPPING)
			n += yaml_size(v);
		else if (v->kind == YAML_SEQUENCE)
			for (size_t j = 0; j < yaml_size(v); j++)
				n += yaml_item_at(v, j)->kind == YAML_MAPPING
					? yaml_size(yaml_item_at(v, j)) : 0;
	}
	return n ? n : 1;
}

/* One more dimension of n values. */
static asg_status sweep_add_dim(struct sweep *sw, size_t n,
				size_t max_points, struct diag *d)
{
	if (sw->npoints > max_points / n)
		return yaml_fail(d, sw->tree, "the sweep has more than %zu points",
				 max_points);
	sw->npoints *= n;
	sw->dim_size[sw->ndims++] = n;
	return ASG_OK;
}

/* One mapping of zip: keys whose values go together, one dimension. */
static asg_status sweep_zip_group(struct sweep *sw, const struct yaml_node *g,
				  size_t max_points, struct diag *d)
{
	const struct sweep_axis *first = &sw->axes[sw->naxes];
	char got[64];

	if (g->kind != YAML_MAPPING)
		return yaml_fail(d, g, "expected a mapping of keys to values in"
				 " 'zip', got %s", yaml_describe(g, got, sizeof got));
	if (yaml_size(g) == 0)
		return yaml_fail(d, g, "'zip' has no keys");
	for (size_t i = 0; i < yaml_size(g); i++) {
		const struct yaml_node *key = yaml_key_at(g, i);
		struct sweep_axis *a = &sw->axes[sw->naxes];
		asg_status s = sweep_axis_init(a, key, yaml_value_at(g, i), d);
		if (s != ASG_OK)
			return s;
		if (yaml_size(a->values) != yaml_size(first->values))
			return yaml_fail(d, a->values, "zipped key '%s' has %zu"
					 " values, '%.*s' has %zu", key->text,
					 yaml_size(a->values), (int)first->path.len,
					 first->path.text, yaml_size(first->values));
		a->dim = sw->ndims;
		sw->naxes++;
	}
	return sweep_add_dim(sw, yaml_size(first->values), max_points, d);
}

/* zip: a mapping (one dimension) or a sequence of mappings. */
static asg_status sweep_zip(struct sweep *sw, const struct yaml_node *z,
			    size_t max_points, struct diag *d)
{
	char got[64];
	if (z->kind == YAML_MAPPING)
		return sweep_zip_group(sw, z, max_points, d);
	if (z->kind != YAML_SEQUENCE)
		return yaml_fail(d, z, "expected a mapping or a sequence of"
				 " mappings for 'zip', got %s",
				 yaml_describe(z, got, sizeof got));
	if (yaml_size(z) == 0)
		return yaml_fail(d, z, "'zip' has no keys");
	for (size_t j = 0; j < yaml_size(z); j++) {
		asg_status s = sweep_zip_group(sw, yaml_item_at(z, j), max_points, d);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}

static asg_status sweep_check(struct sweep *sw, size_t max_points,
			      struct diag *d)
{
	const struct yaml_node *t = sw->tree;
	char got[64];

	if (t->kind != YAML_MAPPING)
		return yaml_fail(d, t, "expected a mapping for 'sweep', got %s",
				 yaml_describe(t, got, sizeof got));
	size_t nkeys = sweep_count_keys(t);
	sw->axes = calloc(nkeys, sizeof *sw->axes);
	sw->dim_size = calloc(nkeys, sizeof *sw->dim_size);
	if (!sw->axes || !sw->dim_size)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < yaml_size(t); i++) {
		const struct yaml_node *key = yaml_key_at(t, i);
		asg_status s;
		if (sweep_is_zip(key)) {
			s = sweep_zip(sw, yaml_value_at(t, i), max_points, d);
			if (s != ASG_OK)
				return s;
			continue;
		}
		struct sweep_axis *a = &sw->axes[sw->naxes];
		s = sweep_axis_init(a, key, yaml_value_at(t, i), d);
		if (s != ASG_OK)
			return s;
		a->dim = sw->ndims;
		sw->naxes++;
		s = sweep_add_dim(sw, yaml_size(a->values), max_points, d);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}

asg_status sweep_init(struct sweep *sw, struct yaml_node *root,
		      size_t max_points, struct diag *d)
{
	size_t i = yaml_find(root, "sweep", 5);

	*sw = (struct sweep){ .npoints = 1 };
	if (i == SIZE_MAX)
		return ASG_OK;
	sw->tree = yaml_detach(root, i);
	if (yaml_is_empty(sw->tree))
		return ASG_OK;   /* `sweep:` with nothing: no sweep */
	asg_status s = sweep_check(sw, max_points, d);
	if (s != ASG_OK)
		sweep_release(sw);
	return s;
}

/* The index into axis a's values of point p: the index of its dimension,
 * the last dimension varying fastest. */
static size_t sweep_index(const struct sweep *sw, size_t p, size_t a)
{
	size_t dim = sw->axes[a].dim;
	for (size_t b = sw->ndims; b-- > dim + 1;)
		p /= sw->dim_size[b];
	return p % sw->dim_size[dim];
}

asg_status sweep_apply(const struct sweep *sw, size_t p,
		       struct yaml_node *doc, struct diag *d)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		const struct sweep_axis *ax = &sw->axes[a];
		const struct yaml_node *value =
			yaml_item_at(ax->values, sweep_index(sw, p, a));
		if (yaml_is_null(value) && ax->path.steps[ax->path.n - 1].name) {
			override_remove(doc, &ax->path);
			continue;
		}
		struct yaml_node *v = yaml_copy(value);
		if (!v)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		asg_status s = override_apply(doc, &ax->path, v, d);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}

char *sweep_point_json(const struct sweep *sw, size_t p)
{
	struct yaml_buf b = { 0 };

	yaml_buf_put(&b, "{", 1);
	for (size_t a = 0; a < sw->naxes; a++) {
		const struct sweep_axis *ax = &sw->axes[a];
		if (a)
			yaml_buf_put(&b, ",", 1);
		yaml_buf_json_string(&b, ax->path.text, ax->path.len);
		yaml_buf_put(&b, ":", 1);
		yaml_buf_json_value(&b, yaml_item_at(ax->values,
						     sweep_index(sw, p, a)));
	}
	yaml_buf_put(&b, "}", 1);
	return yaml_buf_finish(&b);
}

void sweep_release(struct sweep *sw)
{
	yaml_free(sw->tree);
	free(sw->axes);
	free(sw->dim_size);
	*sw = (struct sweep){ .npoints = 1 };
}
