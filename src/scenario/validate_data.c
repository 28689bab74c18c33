/*
 * validate_data.c — the `data` section of a scenario: where the samples
 * come from (generated, or files that are checked to open and made
 * absolute; their contents are read when a run is built, src/data), the
 * held-out part, the normalisation and the partition among workers.
 * Keys that only some kinds of data, or one kind of partition, use are
 * refused with the others.
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
static const char *const data_names[] = { "synthetic", "csv", "idx", "libsvm" };
static const char *const partition_names[] = { "iid", "shards", "dirichlet" };
static const char *const normalize_names[] = { "none", "scale", "standard" };

#define DATA_KIND(k) (1u << (k))
#define DATA_FILES (DATA_KIND(DATA_CSV) | DATA_KIND(DATA_IDX) | DATA_KIND(DATA_LIBSVM))

/* Keys that only some kinds of data use. */
static const struct {
	const char *key;        /* a key of data */
	unsigned kinds;         /* DATA_KIND() of the kinds that use it */
} data_only[] = {
	{ "samples", DATA_KIND(DATA_SYNTHETIC) },
	{ "features", DATA_KIND(DATA_SYNTHETIC) | DATA_KIND(DATA_LIBSVM) },
	{ "condition", DATA_KIND(DATA_SYNTHETIC) },
	{ "noise", DATA_KIND(DATA_SYNTHETIC) },
	{ "path", DATA_FILES },
	{ "label_column", DATA_KIND(DATA_CSV) },
	{ "header", DATA_KIND(DATA_CSV) },
	{ "labels", DATA_KIND(DATA_IDX) },
	{ "test_path", DATA_KIND(DATA_IDX) | DATA_KIND(DATA_LIBSVM) },
	{ "test_labels", DATA_KIND(DATA_IDX) },
	{ "limit", DATA_KIND(DATA_IDX) },
};

/* Keys that only one kind of partition uses. */
static const struct {
	const char *key;                /* a key of data */
	enum partition_kind partition;  /* the only partition that uses it */
} partition_only[] = {
	{ "shards_per_worker", PARTITION_SHARDS },
	{ "alpha", PARTITION_DIRICHLET },
};

/* "'data.KEY' applies only to data.kind K1, K2" at k. */
static asg_status validate_data_kind_misfit(const struct yaml_node *k,
					    unsigned kinds, struct diag *d)
{
	char names[128] = "";
	size_t used = 0;
	for (size_t i = 0; i < NELEM(data_names); i++)
		if (kinds & DATA_KIND(i))
			used += (size_t)snprintf(names + used, sizeof names - used,
						 "%s%s", used ? ", " : "",
						 data_names[i]);
	return yaml_fail(d, k, "'data.%s' applies only to data.kind %s", k->text,
			 names);
}

static asg_status validate_data_keys_fit(const struct yaml_node *n,
					 const struct data_config *data,
					 struct diag *d)
{
	for (size_t i = 0; i < yaml_size(n); i++) {
		const struct yaml_node *k = yaml_key_at(n, i);
		for (size_t j = 0; j < NELEM(data_only); j++)
			if (!strcmp(k->text, data_only[j].key) &&
			    !(data_only[j].kinds & DATA_KIND(data->kind)))
				return validate_data_kind_misfit(k, data_only[j].kinds, d);
		for (size_t j = 0; j < NELEM(partition_only); j++)
			if (!strcmp(k->text, partition_only[j].key) &&
			    partition_only[j].partition != data->partition)
				return yaml_fail(d, k,
						 "'data.%s' applies only to data.partition %s",
						 k->text,
						 partition_names[partition_only[j].partition]);
	}
	return ASG_OK;
}

/* A data file's path (the value n of key `full`, "data.path"): opened to
 * check that it can be read, then made absolute into *out (owned, at most
 * SCENARIO_PATH_MAX bytes) so that the resolved scenario reads it from
 * anywhere. */
static asg_status validate_data_path(const struct yaml_node *n,
				     const char *full, const char *scenario_path,
				     char **out, struct diag *d)
{
	char text[SCENARIO_PATH_MAX];
	char resolved[2 * SCENARIO_PATH_MAX];
	asg_status s = value_string(n, full, text, sizeof text, d);

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
	if (strlen(real) >= SCENARIO_PATH_MAX) {
		s = yaml_fail(d, n, "data file path too long: '%s'", real);
		free(real);
		return s;
	}
	free(*out);
	*out = real;
	return ASG_OK;
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
	int normalize = data->normalize;

	if ((s = validate_opt_long(n, "data.samples", &data->samples, 1, "> 0", d)) ||
	    (s = validate_opt_long(n, "data.features", &data->features, 1, "> 0", d)) ||
	    (s = validate_opt_double(n, "data.condition", &data->condition, 1,
				     INFINITY, false, ">= 1", d)) ||
	    (s = validate_opt_double(n, "data.noise", &data->noise, 0, INFINITY,
				     false, ">= 0", d)) ||
	    (s = validate_opt_double(n, "data.test", &data->test, 0, 1, false,
				     "in [0, 1)", d)) ||
	    (s = validate_opt_long(n, "data.label_column", &data->label_column, 0,
				   ">= 0", d)) ||
	    (s = validate_opt_long(n, "data.limit", &data->limit, 1, "> 0", d)) ||
	    (s = validate_opt_long(n, "data.shards_per_worker",
				   &data->shards_per_worker, 1, "> 0", d)) ||
	    (s = validate_opt_double(n, "data.alpha", &data->alpha, 0, INFINITY,
				     false, "> 0", d)))
		return s;
	if (data->alpha == 0)
		return value_out_of_range(yaml_get(n, "alpha"), "data.alpha", "> 0", d);
	if ((v = yaml_get(n, "header")) &&
	    (s = value_bool(v, "data.header", &data->header, d)))
		return s;
	if ((v = yaml_get(n, "normalize")) &&
	    (s = value_enum(v, "data.normalize", "normalization", normalize_names,
			    NELEM(normalize_names), &normalize, d)))
		return s;
	data->normalize = (enum data_normalize)normalize;
	if ((v = yaml_get(n, "seed"))) {
		if ((s = value_u64(v, "data.seed", &data->seed, d)))
			return s;
		data->has_seed = true;
	}
	return ASG_OK;
}

/* The data files: data.path, and for idx data.labels, both required; the
 * held-out pair data.test_path (and for idx data.test_labels), which rules
 * out data.test. */
static asg_status validate_data_files(const struct yaml_node *n,
				      const char *path, struct data_config *data,
				      struct diag *d)
{
	static const char *const keys[] = { "path", "labels", "test_path",
					    "test_labels" };
	char **const out[] = { &data->path, &data->labels, &data->test_path,
			       &data->test_labels };
	bool idx = data->kind == DATA_IDX;
	asg_status s;

	if (!yaml_get(n, "path"))
		return validate_missing(n, "path", "data", d);
	if (idx && !yaml_get(n, "labels"))
		return validate_missing(n, "labels", "data", d);
	if (idx && !yaml_get(n, "test_path") != !yaml_get(n, "test_labels"))
		return validate_missing(n, yaml_get(n, "test_path") ? "test_labels"
								     : "test_path",
					"data", d);
	const struct yaml_node *t = yaml_get(n, "test");
	if (t && yaml_get(n, "test_path") && data->test > 0)
		return yaml_fail(d, t,
				 "'data.test' must be 0 with 'data.test_path' (the held-out part is given), got %s",
				 t->text);
	for (size_t i = 0; i < NELEM(keys); i++) {
		char full[32];
		const struct yaml_node *v = yaml_get(n, keys[i]);
		snprintf(full, sizeof full, "data.%s", keys[i]);
		if (v && (s = validate_data_path(v, full, path, out[i], d)))
			return s;
	}
	return ASG_OK;
}

asg_status validate_data(const struct yaml_node *root, const char *path,
				struct data_config *data, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "data");
	const struct yaml_node *v;
	asg_status s;
	int kind = DATA_SYNTHETIC, partition = PARTITION_IID;

	*data = (struct data_config){ .kind = DATA_SYNTHETIC, .samples = 10000,
				      .features = 100, .condition = 1,
				      .partition = PARTITION_IID,
				      .shards_per_worker = 2, .alpha = 0.5 };
	if (!n)
		return ASG_OK;
	s = validate_keys(n, "data", validate_section_of("data"), d);
	if (s != ASG_OK)
		return s;
	if ((v = yaml_get(n, "kind")) &&
	    (s = value_enum(v, "data.kind", "data kind", data_names,
			    NELEM(data_names), &kind, d)))
		return s;
	if ((v = yaml_get(n, "partition")) &&
	    (s = value_enum(v, "data.partition", "partition", partition_names,
			    NELEM(partition_names), &partition, d)))
		return s;
	data->kind = (enum data_kind)kind;
	data->partition = (enum partition_kind)partition;
	if (data->kind != DATA_SYNTHETIC)
		data->features = 0;     /* libsvm: the largest index read */
	if (data->kind == DATA_IDX)
		data->normalize = NORMALIZE_SCALE;
	if ((s = validate_data_keys_fit(n, data, d)) ||
	    (s = validate_data_values(n, data, d)))
		return s;
	if (data->kind == DATA_SYNTHETIC)
		return validate_synthetic(n, data, d);
	return validate_data_files(n, path, data, d);
}
