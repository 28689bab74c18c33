/*
 * validate_data.c — the `data` section of a scenario: where the samples
 * come from, the held-out part and the partition among workers.
 */
/* realpath() is an X/Open function in glibc's headers. */
#define _XOPEN_SOURCE 700

#include "validate_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "value.h"

/* Names as written in a scenario, in the order of their enums. */
static const char *const data_names[] = { "synthetic", "csv" };
static const char *const partition_names[] = { "iid" };

/* Keys that only one kind of data uses. */
static const struct {
	const char *key;        /* a key of data */
	enum data_kind kind;    /* the only kind that uses it */
} data_only[] = {
	{ "samples", DATA_SYNTHETIC },   { "features", DATA_SYNTHETIC },
	{ "condition", DATA_SYNTHETIC }, { "noise", DATA_SYNTHETIC },
	{ "path", DATA_CSV },            { "label_column", DATA_CSV },
	{ "header", DATA_CSV },
};

static asg_status validate_data_keys_fit(const struct yaml_node *n,
					 enum data_kind kind, struct diag *d)
{
	for (size_t i = 0; i < yaml_size(n); i++) {
		const struct yaml_node *k = yaml_key_at(n, i);
		for (size_t j = 0; j < NELEM(data_only); j++)
			if (!strcmp(k->text, data_only[j].key) && data_only[j].kind != kind)
				return yaml_fail(d, k,
						 "'data.%s' applies only to data.kind %s",
						 k->text, data_names[data_only[j].kind]);
	}
	return ASG_OK;
}

/* data.path: opened to check that it can be read, then made absolute so
 * that the resolved scenario reads it from anywhere. */
static asg_status validate_data_path(const struct yaml_node *n,
				     const char *scenario_path,
				     struct data_config *data, struct diag *d)
{
	char text[SCENARIO_PATH_MAX];
	char resolved[2 * SCENARIO_PATH_MAX];
	asg_status s = value_string(n, "data.path", text, sizeof text, d);

	if (s != ASG_OK)
		return s;
	const char *slash = strrchr(scenario_path, '/');
	if (text[0] == '/' || !slash)
		snprintf(resolved, sizeof resolved, "%s", text);
	else
		snprintf(resolved, sizeof resolved, "%.*s/%s",
			 (int)(slash - scenario_path), scenario_path, text);
	int fd = open(resolved, O_RDONLY);
	if (fd < 0)
		return yaml_fail(d, n, "cannot open data file '%s': %s", text,
				 strerror(errno));
	struct stat st;
	int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	close(fd);
	if (err)
		return yaml_fail(d, n, "cannot open data file '%s': %s", text,
				 strerror(err));
	char *real = realpath(resolved, NULL);
	if (!real)
		return yaml_fail(d, n, "cannot open data file '%s': %s", text,
				 strerror(errno));
	if (strlen(real) >= sizeof data->path)
		s = yaml_fail(d, n, "data file path too long: '%s'", real);
	else
		memcpy(data->path, real, strlen(real) + 1);
	free(real);
	return s;
}

/* The synthetic generator's constraints between values (synthetic.c). */
static asg_status validate_synthetic(const struct yaml_node *n,
				     const struct data_config *data,
				     struct diag *d)
{
	if (data->samples < data->features) {
		const struct yaml_node *at = yaml_get(n, "samples");
		if (!at)
			at = yaml_get(n, "features");
		return yaml_fail(d, at,
				 "'data.samples' (%ld) must be >= 'data.features' (%ld)",
				 data->samples, data->features);
	}
	if (data->features == 1 && data->condition != 1)
		return yaml_fail(d, yaml_get(n, "condition"),
				 "'data.condition' must be 1 with a single feature, got %s",
				 yaml_get(n, "condition")->text);
	return ASG_OK;
}

static asg_status validate_data_values(const struct yaml_node *n,
				       struct data_config *data, struct diag *d)
{
	const struct yaml_node *v;
	asg_status s;
	int partition = PARTITION_IID;

	if ((s = validate_opt_long(n, "data.samples", &data->samples, 1, "> 0", d)) ||
	    (s = validate_opt_long(n, "data.features", &data->features, 1, "> 0", d)) ||
	    (s = validate_opt_double(n, "data.condition", &data->condition, 1,
				     INFINITY, false, ">= 1", d)) ||
	    (s = validate_opt_double(n, "data.noise", &data->noise, 0, INFINITY,
				     false, ">= 0", d)) ||
	    (s = validate_opt_double(n, "data.test", &data->test, 0, 1, false,
				     "in [0, 1)", d)) ||
	    (s = validate_opt_long(n, "data.label_column", &data->label_column, 0,
				   ">= 0", d)))
		return s;
	if ((v = yaml_get(n, "header")) &&
	    (s = value_bool(v, "data.header", &data->header, d)))
		return s;
	if ((v = yaml_get(n, "seed"))) {
		if ((s = value_u64(v, "data.seed", &data->seed, d)))
			return s;
		data->has_seed = true;
	}
	if ((v = yaml_get(n, "partition")) &&
	    (s = value_enum(v, "data.partition", "partition", partition_names,
			    NELEM(partition_names), &partition, d)))
		return s;
	data->partition = (enum partition_kind)partition;
	return ASG_OK;
}

asg_status validate_data(const struct yaml_node *root, const char *path,
				struct data_config *data, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "data");
	asg_status s;
	int kind = DATA_SYNTHETIC;

	*data = (struct data_config){ .kind = DATA_SYNTHETIC, .samples = 10000,
				      .features = 100, .condition = 1,
				      .partition = PARTITION_IID };
	if (!n)
		return ASG_OK;
	s = validate_keys(n, "data", validate_section_of("data"), d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *k = yaml_get(n, "kind");
	if (k && (s = value_enum(k, "data.kind", "data kind", data_names,
				 NELEM(data_names), &kind, d)))
		return s;
	data->kind = (enum data_kind)kind;
	if ((s = validate_data_keys_fit(n, data->kind, d)) ||
	    (s = validate_data_values(n, data, d)))
		return s;
	if (data->kind == DATA_SYNTHETIC)
		return validate_synthetic(n, data, d);
	const struct yaml_node *p = yaml_get(n, "path");
	if (!p)
		return validate_missing(n, "path", "data", d);
	return validate_data_path(p, path, data, d);
}
