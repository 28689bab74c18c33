/*
 * validate_model.c — the `model` section of a scenario: its kind and the
 * keys each kind takes.
 */
#include "validate_impl.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "keys.h"
#include "value.h"

/* Names as written in a scenario, in the order of enum model_kind. */
static const char *const model_names[] = { "none", "quadratic", "logreg" };

const char *scenario_model_name(enum model_kind kind)
{
	assert((size_t)kind < NELEM(model_names));
	return model_names[kind];
}

asg_status validate_model(const struct yaml_node *root,
				 struct model_config *model, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "model");
	asg_status s;
	int kind = MODEL_NONE;

	model->kind = MODEL_NONE;
	model->l2 = 0;
	if (!n)
		return ASG_OK;
	s = validate_keys(n, "model", validate_section_of("model"), d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *k = yaml_get(n, "kind");
	if (!k)
		return validate_missing(n, "kind", "model", d);
	s = value_enum(k, "model.kind", "model", model_names, NELEM(model_names),
		       &kind, d);
	if (s != ASG_OK)
		return s;
	model->kind = (enum model_kind)kind;
	model->l2 = model->kind == MODEL_LOGREG ? 1e-4 : 0;
	const struct yaml_node *l2 = yaml_get(n, "l2");
	if (l2 && (s = value_double(l2, "model.l2", &model->l2, d)))
		return s;
	if (model->l2 < 0)
		return value_out_of_range(l2, "model.l2", ">= 0", d);
	return ASG_OK;
}
