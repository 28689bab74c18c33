/*
 * plan.c — loading a scenario file into the runs it expands to
 * (scenario.h): read, override, expand, validate.
 *
 *	text  = the file's bytes
 *	base  = yaml_parse(text), a mapping
 *	apply every --set to base                      (override.c)
 *	sweep = base's `sweep`, taken out of base      (sweep.c)
 *	for each point p of the sweep:
 *	    doc = copy of base with p's values applied
 *	    sc  = validate(doc)                        (validate.c)
 *	    for each replication r:
 *	        run (p, r): sc with seed = (--seed or sc.seed) + r,
 *	                    config_yaml = doc with that seed, name and the
 *	                    absolute data file paths written in
 *
 * A plan holds at most SCENARIO_MAX_RUNS runs (each carries a struct
 * scenario of a few kilobytes).  Every error leaves the plan empty.
 */
#include "scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "override.h"
#include "sweep.h"
#include "validate.h"
#include "yaml.h"

#define SCENARIO_MAX_RUNS 100000
#define SCENARIO_MAX_BYTES (16L << 20)

/* The whole file into a malloc'd buffer. */
static asg_status scenario_read_file(const char *path, char **text,
				     size_t *len, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, used = 0;
	char *buf = NULL;
	asg_status s = ASG_OK;

	if (!f)
		return diag_set(d, ASG_EINPUT, "cannot open scenario file '%s': %s",
				path, strerror(errno));
	for (;;) {
		char *grown = realloc(buf, cap + 1);
		if (!grown) {
			s = diag_set(d, ASG_ENOMEM, "out of memory");
			goto out_close;
		}
		buf = grown;
		used += fread(buf + used, 1, cap - used, f);
		if (used < cap)
			break;
		if (cap >= SCENARIO_MAX_BYTES) {
			s = diag_set(d, ASG_EINPUT,
				     "scenario file '%s' is too large (more than %ld bytes)",
				     path, SCENARIO_MAX_BYTES);
			goto out_close;
		}
		cap *= 2;
	}
	if (ferror(f))
		s = diag_set(d, errno == EISDIR ? ASG_EINPUT : ASG_EIO,
			     "cannot read scenario file '%s': %s", path,
			     strerror(errno));
out_close:
	fclose(f);
	if (s != ASG_OK) {
		free(buf);
		return s;
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return ASG_OK;
}

/* The file, parsed, with the --set arguments applied: a mapping. */
static asg_status scenario_load_base(const char *path,
				     const struct scenario_overrides *ov,
				     struct yaml_node **out, struct diag *d)
{
	struct yaml_source src = { .base = { path, 1, 1 } };
	struct yaml_node *root = NULL;
	char *text = NULL;
	size_t len = 0;
	char got[64];
	asg_status s;

	*out = NULL;
	s = scenario_read_file(path, &text, &len, d);
	if (s != ASG_OK)
		return s;
	s = yaml_parse(text, len, &src, &root, d);
	free(text);
	if (s != ASG_OK)
		return s;
	if (!root)
		s = yaml_fail_at(d, &src.base,
				 "empty scenario (expected a mapping of keys)");
	else if (root->kind != YAML_MAPPING)
		s = yaml_fail(d, root,
			      "expected a mapping of keys at the top level, got %s",
			      yaml_describe(root, got, sizeof got));
	else if (ov)
		s = override_apply_sets(root, ov->sets, ov->nsets, d);
	if (s != ASG_OK)
		yaml_free(root);
	else
		*out = root;
	return s;
}

/* Set key (a scalar) to text in map, adding it at `pos` when absent. */
static asg_status scenario_put(struct yaml_node *map, const char *key,
			       const char *text, size_t pos)
{
	size_t i = yaml_find(map, key, strlen(key));
	struct yaml_node *v = yaml_scalar_new(text, strlen(text), &map->at);

	if (!v)
		return ASG_ENOMEM;
	if (i != SIZE_MAX) {
		yaml_replace_value(map, i, v);
		return ASG_OK;
	}
	struct yaml_node *k = yaml_scalar_new(key, strlen(key), &map->at);
	if (!k) {
		yaml_free(v);
		return ASG_ENOMEM;
	}
	return yaml_mapping_insert(map, pos < yaml_size(map) ? pos : yaml_size(map),
				   k, v);
}

/* A key of a YAML mapping (NULL: absent) that holds a distribution. */
struct dist_key {
	struct yaml_node *map;
	const char *key;
	const struct dist *dist;   /* its value, parsed */
};

/* Each key present whose distribution reads a trace, written anew by
 * dist_format: with the file's absolute path, so that the run's resolved
 * scenario reads the same file from any directory. */
static asg_status scenario_put_dists(const struct dist_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct dist_key *k = &keys[i];
		if (!k->map || !yaml_get(k->map, k->key) ||
		    !dist_reads_trace(k->dist))
			continue;
		int len = dist_format(k->dist, NULL, 0);
		char *text = len < 0 ? NULL : malloc((size_t)len + 1);
		if (!text)
			return ASG_ENOMEM;
		dist_format(k->dist, text, (size_t)len + 1);
		asg_status s = scenario_put(k->map, k->key, text, SIZE_MAX);
		free(text);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}

/* The distributions of workers[g] (its mapping `map`) that read traces. */
static asg_status scenario_put_group_dists(struct yaml_node *map,
					   const struct worker_group *g)
{
	if (!map)
		return ASG_OK;
	struct yaml_node *slow = (struct yaml_node *)yaml_get(map, "slowdown");
	struct yaml_node *fail = (struct yaml_node *)yaml_get(map, "failures");
	const struct dist_key keys[] = {
		{ map, "compute", &g->compute },
		{ map, "uplink", &g->uplink },
		{ map, "downlink", &g->downlink },
		{ slow, "every", &g->slow_every },
		{ slow, "lasts", &g->slow_lasts },
		{ fail, "uptime", &g->uptime },
		{ fail, "downtime", &g->downtime },
	};
	return scenario_put_dists(keys, sizeof keys / sizeof keys[0]);
}

/* The `data` mapping of doc, added (empty) when absent. */
static struct yaml_node *scenario_data_map(struct yaml_node *doc)
{
	struct yaml_node *data = yaml_get(doc, "data");
	if (data)
		return data;
	struct yaml_node *key = yaml_scalar_new("data", 4, &doc->at);
	data = yaml_collection_new(YAML_MAPPING, &doc->at);
	if (!key || !data || yaml_mapping_append(doc, key, data) != ASG_OK) {
		yaml_free(key);
		yaml_free(data);
		return NULL;
	}
	return data;
}

/* Write into doc what makes it stand alone: the name, the data's seed and
 * the data files' absolute paths (the run's seed is written per run). */
static asg_status scenario_resolve(struct yaml_node *doc, struct scenario *sc,
				   uint64_t seed)
{
	struct yaml_node *data = scenario_data_map(doc);
	char text[32];

	if (!data || scenario_put(doc, "name", sc->name, 0) != ASG_OK)
		return ASG_ENOMEM;
	if (!sc->data.has_seed) {
		sc->data.seed = seed;
		sc->data.has_seed = true;
		snprintf(text, sizeof text, "%" PRIu64, seed);
		if (scenario_put(data, "seed", text, SIZE_MAX) != ASG_OK)
			return ASG_ENOMEM;
	}
	const char *const keys[] = { "path", "labels", "test_path", "test_labels" };
	const char *const paths[] = { sc->data.path, sc->data.labels,
				      sc->data.test_path, sc->data.test_labels };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (paths[i] &&
		    scenario_put(data, keys[i], paths[i], SIZE_MAX) != ASG_OK)
			return ASG_ENOMEM;
	/* the distributions reading traces, by their files' absolute paths */
	struct yaml_node *workers = (struct yaml_node *)yaml_get(doc, "workers");
	for (size_t g = 0; workers && g < sc->ngroups; g++) {
		asg_status s = scenario_put_group_dists(
			(struct yaml_node *)yaml_item_at(workers, g), &sc->groups[g]);
		if (s != ASG_OK)
			return s;
	}
	struct yaml_node *net = (struct yaml_node *)yaml_get(doc, "network");
	struct yaml_node *proto = (struct yaml_node *)yaml_get(doc, "protocol");
	struct yaml_node *avail = proto ? (struct yaml_node *)yaml_get(proto,
					   "availability") : NULL;
	const struct dist_key keys_elsewhere[] = {
		{ net, "uplink", &sc->network.uplink },
		{ net, "downlink", &sc->network.downlink },
		{ net, "latency", &sc->network.latency },
		{ avail, "on", &sc->protocol.avail_on },
		{ avail, "off", &sc->protocol.avail_off },
	};
	return scenario_put_dists(keys_elsewhere,
				  sizeof keys_elsewhere / sizeof keys_elsewhere[0]);
}

/* The data files' paths of `from`, copied into `to` (whose pointers are
 * from's until then); on failure the ones not copied are NULL. */
static asg_status scenario_copy_paths(struct data_config *to,
				      const struct data_config *from)
{
	char **const dst[] = { &to->path, &to->labels, &to->test_path,
			       &to->test_labels };
	const char *const src[] = { from->path, from->labels, from->test_path,
				    from->test_labels };
	asg_status s = ASG_OK;
	for (size_t i = 0; i < sizeof dst / sizeof dst[0]; i++) {
		*dst[i] = src[i] ? strdup(src[i]) : NULL;
		if (src[i] && !*dst[i])
			s = ASG_ENOMEM;
	}
	return s;
}

/* Run (p, r): the point's scenario with its seed, its YAML and JSON. */
static asg_status scenario_fill_run(struct run_spec *run,
				    const struct scenario *sc, uint64_t seed,
				    struct yaml_node *doc, const char *point_json,
				    size_t p, long r)
{
	char text[32];

	run->sc = *sc;
	asg_status paths = scenario_copy_paths(&run->sc.data, &sc->data);
	run->sc.seed = seed;
	run->sc.groups = malloc(sc->ngroups * sizeof *sc->groups);
	run->sc.network.edges = NULL;
	run->sc.protocol.blocks = NULL;
	if (!run->sc.groups || paths != ASG_OK)
		return ASG_ENOMEM;
	if (sc->protocol.nblocks) {
		size_t bytes = sc->protocol.nblocks * sizeof *sc->protocol.blocks;
		if (!(run->sc.protocol.blocks = malloc(bytes)))
			return ASG_ENOMEM;
		memcpy(run->sc.protocol.blocks, sc->protocol.blocks, bytes);
	}
	memcpy(run->sc.groups, sc->groups, sc->ngroups * sizeof *sc->groups);
	if (sc->network.nedges) {
		size_t bytes = sc->network.nedges * sizeof *sc->network.edges;
		if (!(run->sc.network.edges = malloc(bytes)))
			return ASG_ENOMEM;
		memcpy(run->sc.network.edges, sc->network.edges, bytes);
	}
	run->point = (long)p;
	run->replication = r;
	snprintf(text, sizeof text, "%" PRIu64, seed);
	if (scenario_put(doc, "seed", text, 1) != ASG_OK)
		return ASG_ENOMEM;
	run->config_yaml = yaml_emit(doc);
	run->point_json = strdup(point_json);
	return run->config_yaml && run->point_json ? ASG_OK : ASG_ENOMEM;
}

/* The runs of point p: plan->runs[p * reps ... p * reps + reps - 1]. */
static asg_status scenario_expand_point(struct scenario_plan *plan,
					const struct yaml_node *base,
					const struct sweep *sw, size_t p,
					long reps, const char *path,
					const struct scenario_overrides *ov,
					struct diag *d)
{
	struct yaml_node *doc = yaml_copy(base);
	struct scenario sc = { 0 };
	char *json = NULL;
	asg_status s;

	if (!doc)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s = sweep_apply(sw, p, doc, d);
	if (s == ASG_OK)
		s = validate_scenario(doc, path, &sc, d);
	if (s != ASG_OK)
		goto out_free_doc;
	uint64_t seed = ov && ov->has_seed ? ov->seed : sc.seed;
	json = sweep_point_json(sw, p);
	if (!json || scenario_resolve(doc, &sc, seed) != ASG_OK)
		s = ASG_ENOMEM;
	for (long r = 0; r < reps && s == ASG_OK; r++)
		s = scenario_fill_run(&plan->runs[p * (size_t)reps + (size_t)r],
				      &sc, seed + (uint64_t)r, doc, json, p, r);
	if (s == ASG_ENOMEM)
		diag_set(d, s, "out of memory");
	free(json);
	validate_release(&sc);
out_free_doc:
	yaml_free(doc);
	return s;
}

/* Replications and the size of the plan, checked before expanding. */
static asg_status scenario_count_runs(const struct yaml_node *base,
				      const struct sweep *sw, long *reps,
				      size_t *nruns, struct diag *d)
{
	asg_status s = validate_replications(base, reps, d);

	if (s != ASG_OK)
		return s;
	if ((size_t)*reps > SCENARIO_MAX_RUNS / sw->npoints) {
		const struct yaml_node *at = yaml_get(base, "replications");
		if (!at)
			at = sw->tree;
		return yaml_fail(d, at,
				 "%zu sweep points x %ld replications is more than %d runs",
				 sw->npoints, *reps, SCENARIO_MAX_RUNS);
	}
	*nruns = sw->npoints * (size_t)*reps;
	return ASG_OK;
}

asg_status scenario_plan_load(const char *path,
			      const struct scenario_overrides *ov,
			      struct scenario_plan *plan, struct diag *d)
{
	struct yaml_node *base = NULL;
	struct sweep sw = { .npoints = 1 };
	long reps = 1;
	size_t nruns = 0;
	asg_status s;

	memset(plan, 0, sizeof *plan);
	if ((s = scenario_load_base(path, ov, &base, d)) ||
	    (s = sweep_init(&sw, base, SCENARIO_MAX_RUNS, d)) ||
	    (s = scenario_count_runs(base, &sw, &reps, &nruns, d)))
		goto out_release;
	plan->runs = calloc(nruns, sizeof *plan->runs);
	if (!plan->runs) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_release;
	}
	plan->nruns = nruns;
	for (size_t p = 0; p < sw.npoints && s == ASG_OK; p++)
		s = scenario_expand_point(plan, base, &sw, p, reps, path, ov, d);
	if (s == ASG_OK)
		memcpy(plan->name, plan->runs[0].sc.name, sizeof plan->name);
out_release:
	sweep_release(&sw);
	yaml_free(base);
	if (s != ASG_OK)
		scenario_plan_release(plan);
	return s;
}

void scenario_plan_release(struct scenario_plan *plan)
{
	for (size_t i = 0; i < plan->nruns; i++) {
		validate_release(&plan->runs[i].sc);
		free(plan->runs[i].config_yaml);
		free(plan->runs[i].point_json);
	}
	free(plan->runs);
	memset(plan, 0, sizeof *plan);
}
