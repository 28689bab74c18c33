/*
 * validate_model.c — the `model` section of a scenario: its kind and the
 * keys each kind takes.
 *
 *     kind      required, one of model_names
 *     l2        >= 0; default 0 for quadratic, 1e-4 for the classifiers
 *     hidden    mlp, cnn: a list of at most MODEL_HIDDEN_MAX sizes > 0
 *               (may be empty); default [128] (mlp), [120, 84] (cnn)
 *     channels  cnn: a list of 1 to MODEL_CONV_MAX channel counts > 0;
 *               default [6, 16]
 *     kernel    cnn: an integer > 0; default 5
 * A key given for a kind that does not use it is an error at the key
 * ("'model.kernel' applies only to model.kind cnn").  Whether the layers
 * fit the data (a kernel larger than the image) is only known once the
 * data is read: model_init checks it (models/model.c).
 */
#include "validate_impl.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "value.h"

/* Names as written in a scenario, in the order of enum model_kind. */
static const char *const model_names[] = { "none", "quadratic", "logreg",
					   "softmax", "mlp", "cnn" };

#define KIND_BIT(kind) (1u << (kind))

/* Keys that only some kinds of model use. */
static const struct {
	const char *key;    /* a key of model */
	unsigned kinds;     /* KIND_BIT of each kind that uses it */
	const char *names;  /* the same kinds, for the message */
} model_only[] = {
	{ "hidden", KIND_BIT(MODEL_MLP) | KIND_BIT(MODEL_CNN), "mlp or cnn" },
	{ "channels", KIND_BIT(MODEL_CNN), "cnn" },
	{ "kernel", KIND_BIT(MODEL_CNN), "cnn" },
};

const char *scenario_model_name(enum model_kind kind)
{
	assert((size_t)kind < NELEM(model_names));
	return model_names[kind];
}

static asg_status validate_model_keys_fit(const struct yaml_node *n,
					  enum model_kind kind, struct diag *d)
{
	for (size_t i = 0; i < yaml_size(n); i++) {
		const struct yaml_node *k = yaml_key_at(n, i);
		for (size_t j = 0; j < NELEM(model_only); j++)
			if (!strcmp(k->text, model_only[j].key) &&
			    !(model_only[j].kinds & KIND_BIT(kind)))
				return yaml_fail(d, k,
						 "'model.%s' applies only to model.kind %s",
						 k->text, model_only[j].names);
	}
	return ASG_OK;
}

/* The optional list `model.KEY` of map: lo .. hi integers > 0 into
 * out[0 .. *count).  Left as it is when the key is absent. */
static asg_status validate_model_sizes(const struct yaml_node *map,
				       const char *key, size_t lo, size_t hi,
				       long *out, size_t *count, struct diag *d)
{
	const struct yaml_node *n = yaml_get(map, key);
	char got[64], full[64];
	asg_status s;

	if (!n)
		return ASG_OK;
	snprintf(full, sizeof full, "model.%s", key);
	if (n->kind != YAML_SEQUENCE)
		return yaml_fail(d, n, "expected a list of integers for '%s', got %s",
				 full, yaml_describe(n, got, sizeof got));
	size_t size = yaml_size(n);
	if (size < lo || size > hi) {
		if (lo == 0)
			return yaml_fail(d, n, "'%s' must have at most %zu entries, got %zu",
					 full, hi, size);
		return yaml_fail(d, n, "'%s' must have %zu to %zu entries, got %zu",
				 full, lo, hi, size);
	}
	for (size_t i = 0; i < size; i++) {
		const struct yaml_node *item = yaml_item_at(n, i);
		char at[96];   /* full (< 64) + "[" + 20 digits + "]" */
		snprintf(at, sizeof at, "%s[%zu]", full, i);
		if ((s = value_long(item, at, &out[i], d)))
			return s;
		if (out[i] <= 0)
			return value_out_of_range(item, at, "> 0", d);
	}
	*count = size;
	return ASG_OK;
}

/* The defaults of a kind, before its keys are read. */
static void validate_model_defaults(struct model_config *model)
{
	static const long mlp_hidden[] = { 128 };
	static const long cnn_hidden[] = { 120, 84 };
	static const long cnn_channels[] = { 6, 16 };
	enum model_kind kind = model->kind;

	*model = (struct model_config){ .kind = kind };
	model->l2 = kind == MODEL_NONE || kind == MODEL_QUADRATIC ? 0 : 1e-4;
	if (kind == MODEL_MLP) {
		memcpy(model->hidden, mlp_hidden, sizeof mlp_hidden);
		model->nhidden = NELEM(mlp_hidden);
	}
	if (kind == MODEL_CNN) {
		memcpy(model->hidden, cnn_hidden, sizeof cnn_hidden);
		model->nhidden = NELEM(cnn_hidden);
		memcpy(model->channels, cnn_channels, sizeof cnn_channels);
		model->nchannels = NELEM(cnn_channels);
		model->kernel = 5;
	}
}

asg_status validate_model(const struct yaml_node *root,
			  struct model_config *model, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "model");
	asg_status s;
	int kind = MODEL_NONE;

	*model = (struct model_config){ .kind = MODEL_NONE };
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
	validate_model_defaults(model);
	if ((s = validate_model_keys_fit(n, model->kind, d)))
		return s;
	const struct yaml_node *l2 = yaml_get(n, "l2");
	if (l2 && (s = value_double(l2, "model.l2", &model->l2, d)))
		return s;
	if (model->l2 < 0)
		return value_out_of_range(l2, "model.l2", ">= 0", d);
	if ((s = validate_model_sizes(n, "hidden", 0, MODEL_HIDDEN_MAX,
				      model->hidden, &model->nhidden, d)) ||
	    (s = validate_model_sizes(n, "channels", 1, MODEL_CONV_MAX,
				      model->channels, &model->nchannels, d)))
		return s;
	return validate_opt_long(n, "model.kernel", &model->kernel, 1, "> 0", d);
}
