/*
 * sweep.c — the grid of a scenario's sweep (sweep.h): checking its keys
 * and values, and applying one point.
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

static asg_status sweep_check(struct sweep *sw, size_t max_points,
			      struct diag *d)
{
	const struct yaml_node *t = sw->tree;
	char got[64];

	if (t->kind != YAML_MAPPING)
		return yaml_fail(d, t, "expected a mapping for 'sweep', got %s",
				 yaml_describe(t, got, sizeof got));
	sw->axes = calloc(yaml_size(t) ? yaml_size(t) : 1, sizeof *sw->axes);
	if (!sw->axes)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < yaml_size(t); i++) {
		asg_status s = sweep_axis_init(&sw->axes[i], yaml_key_at(t, i),
					       yaml_value_at(t, i), d);
		if (s != ASG_OK)
			return s;
		sw->naxes++;
		size_t n = yaml_size(sw->axes[i].values);
		if (sw->npoints > max_points / n)
			return yaml_fail(d, t, "the sweep has more than %zu points",
					 max_points);
		sw->npoints *= n;
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

/* The index into axis a's values of point p. */
static size_t sweep_index(const struct sweep *sw, size_t p, size_t a)
{
	for (size_t b = sw->naxes; b-- > a + 1;)
		p /= yaml_size(sw->axes[b].values);
	return p % yaml_size(sw->axes[a].values);
}

asg_status sweep_apply(const struct sweep *sw, size_t p,
		       struct yaml_node *doc, struct diag *d)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		const struct sweep_axis *ax = &sw->axes[a];
		struct yaml_node *v =
			yaml_copy(yaml_item_at(ax->values, sweep_index(sw, p, a)));
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
	*sw = (struct sweep){ .npoints = 1 };
}
