/*
 * validate.c — one run's scenario tree into a struct scenario
 * (validate.h): the sections, their defaults, and the checks that involve
 * more than one value.
 *
 * Each section is read by one function, in the order of scenario.h:
 * name, seed, replications, stop, model, data, protocol, workers, network,
 * record.  A section first refuses keys it does not know, then reads its
 * keys (value.h), then checks what ties them together (network.loss
 * needs a protocol that loses messages, which neither sync nor async
 * does).  The model and data sections have files of their own
 * (validate_model.c, validate_data.c).  The names of the kinds
 * (scenario_protocol_name, ...) live with the tables they are read with.
 */
#include "validate.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "validate_impl.h"
#include "value.h"


/* Names as written in a scenario, in the order of their enums. */
static const char *const protocol_names[] = {
	"sync", "async", "dasgd", "backup", "hybrid", "ssp", "local",
	"allreduce", "gossip", "fedavg", "fedbuff", "fedasync", "rennala",
	"ringmaster",
};
static const char *const topology_names[] = { "complete", "ring", "star",
					       "random_regular", "edges", "torus" };
static const char *const aoi_names[] = { "none", "sparse" };

const char *scenario_topology_name(enum topology_kind kind)
{
	assert((size_t)kind < NELEM(topology_names));
	return topology_names[kind];
}

const char *scenario_protocol_name(enum protocol_kind kind)
{
	assert((size_t)kind < NELEM(protocol_names));
	return protocol_names[kind];
}

/* ---- helpers ------------------------------------------------------------ */

const struct keys_section *validate_section_of(const char *key)
{
	const struct keys_key *k = keys_find(&keys_scenario, key, strlen(key));
	assert(k && k->child);
	return k->child;
}

/* n is a mapping whose keys are all in s; key names n in messages. */
asg_status validate_keys(const struct yaml_node *n, const char *key,
				const struct keys_section *s, struct diag *d)
{
	char got[64];

	if (n->kind != YAML_MAPPING)
		return yaml_fail(d, n, "expected a mapping for '%s', got %s", key,
				 yaml_describe(n, got, sizeof got));
	for (size_t i = 0; i < yaml_size(n); i++) {
		const struct yaml_node *k = yaml_key_at(n, i);
		if (!keys_find(s, k->text, k->len))
			return keys_unknown(d, &k->at, s, k->text, k->len, key);
	}
	return ASG_OK;
}

asg_status validate_missing(const struct yaml_node *map, const char *key,
				   const char *parent, struct diag *d)
{
	if (parent[0])
		return yaml_fail(d, map, "missing key '%s' in '%s'", key, parent);
	return yaml_fail(d, map, "missing key '%s'", key);
}

/* The optional key `full` ("data.samples") of map, read into *out when
 * present and checked to be >= min ("bound" says so in the message). */
asg_status validate_opt_long(const struct yaml_node *map,
				    const char *full, long *out, long min,
				    const char *bound, struct diag *d)
{
	const struct yaml_node *v = yaml_get(map, strrchr(full, '.') + 1);
	asg_status s;

	if (!v || (s = value_long(v, full, out, d)) != ASG_OK)
		return v ? s : ASG_OK;
	return *out >= min ? ASG_OK : value_out_of_range(v, full, bound, d);
}

/* The same for a number in [lo, hi), or [lo, hi] with closed. */
asg_status validate_opt_double(const struct yaml_node *map,
				      const char *full, double *out, double lo,
				      double hi, bool closed, const char *bound,
				      struct diag *d)
{
	const struct yaml_node *v = yaml_get(map, strrchr(full, '.') + 1);
	asg_status s;

	if (!v || (s = value_double(v, full, out, d)) != ASG_OK)
		return v ? s : ASG_OK;
	if (*out >= lo && (*out < hi || (closed && *out == hi)))
		return ASG_OK;
	return value_out_of_range(v, full, bound, d);
}

/* ---- top level ------------------------------------------------------------ */

/* The base name of path without its extension, cut to fit. */
static void validate_default_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	if (len >= size)
		len = size - 1;
	memcpy(name, base, len);
	name[len] = '\0';
}

static asg_status validate_name(const struct yaml_node *root, const char *path,
				struct scenario *sc, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "name");

	if (!n) {
		validate_default_name(path, sc->name, sizeof sc->name);
		return ASG_OK;
	}
	asg_status s = value_string(n, "name", sc->name, sizeof sc->name, d);
	if (s == ASG_OK && strchr(sc->name, '/'))
		s = yaml_fail(d, n, "'name' must not contain '/', got %s", n->text);
	return s;
}

asg_status validate_replications(const struct yaml_node *root, long *out,
				 struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "replications");

	*out = 1;
	if (!n)
		return ASG_OK;
	asg_status s = value_long(n, "replications", out, d);
	if (s == ASG_OK && *out < 1)
		s = value_out_of_range(n, "replications", ">= 1", d);
	return s;
}

static asg_status validate_stop(const struct yaml_node *root,
				struct stop_config *stop, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "stop");
	asg_status s;

	*stop = (struct stop_config){ 0 };
	if (!n)
		return yaml_fail(d, root,
				 "missing key 'stop' (give stop.updates, stop.time or both)");
	s = validate_keys(n, "stop", validate_section_of("stop"), d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *updates = yaml_get(n, "updates");
	const struct yaml_node *time = yaml_get(n, "time");
	if (!updates && !time)
		return yaml_fail(d, n, "missing key 'updates' or 'time' in 'stop'");
	if (updates && (s = value_u64(updates, "stop.updates", &stop->updates, d)))
		return s;
	if (time && (s = value_double(time, "stop.time", &stop->time, d)))
		return s;
	if (stop->time < 0)
		return value_out_of_range(time, "stop.time", ">= 0", d);
	if (stop->updates == 0 && stop->time == 0)
		return yaml_fail(d, n,
				 "'stop.updates' and 'stop.time' are both 0: the runs would never stop");
	return ASG_OK;
}

/* ---- protocol -------------------------------------------------------------- */

static asg_status validate_protocol(const struct yaml_node *root,
				    struct protocol_config *proto,
				    struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "protocol");
	asg_status s;
	int kind = PROTOCOL_ASYNC;

	*proto = (struct protocol_config){ .batch = 1, .step = 0.01, .send_every = 1 };
	if (!n)
		return validate_missing(root, "protocol", "", d);
	s = validate_keys(n, "protocol", validate_section_of("protocol"), d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *k = yaml_get(n, "kind");
	if (!k)
		return validate_missing(n, "kind", "protocol", d);
	s = value_enum(k, "protocol.kind", "protocol", protocol_names,
		       NELEM(protocol_names), &kind, d);
	if (s != ASG_OK)
		return s;
	proto->kind = (enum protocol_kind)kind;
	const struct yaml_node *batch = yaml_get(n, "batch");
	if (batch && (s = value_long(batch, "protocol.batch", &proto->batch, d)))
		return s;
	if (proto->batch <= 0)
		return value_out_of_range(batch, "protocol.batch", "> 0", d);
	const struct yaml_node *every = yaml_get(n, "send_every");
	if (every && proto->kind != PROTOCOL_DASGD)
		return yaml_fail(d, every, "'protocol.send_every' applies only to protocol dasgd");
	if (every && (s = value_long(every, "protocol.send_every", &proto->send_every, d)))
		return s;
	if (proto->send_every <= 0)
		return value_out_of_range(every, "protocol.send_every", "> 0", d);
	if ((s = validate_rounds(n, proto, d)))
		return s;
	if ((s = validate_peer(n, proto, d)))
		return s;
	if ((s = validate_optim(n, proto, d)))
		return s;
	if ((s = validate_schedule(n, proto, d)))
		return s;
	const struct yaml_node *step = yaml_get(n, "step");
	if (step)
		return validate_step(step, proto, d);
	return ASG_OK;
}

/* protocol.blocks: one positive size per agent; for synthetic data they
 * must add up to data.features (a data file is checked when it is read). */
static asg_status validate_blocks(const struct yaml_node *n, struct scenario *sc,
				  struct diag *d)
{
	const struct yaml_node *b = yaml_get(n, "blocks");
	struct protocol_config *proto = &sc->protocol;
	char got[64], key[64];
	asg_status s;
	if (!b)
		return ASG_OK;
	if (proto->kind != PROTOCOL_DASGD)
		return yaml_fail(d, b, "'protocol.blocks' applies only to protocol dasgd");
	if (b->kind != YAML_SEQUENCE || (long)yaml_size(b) != sc->nworkers)
		return yaml_fail(d, b, "'protocol.blocks' must list one block size per "
				 "agent (%ld), got %s", sc->nworkers,
				 yaml_describe(b, got, sizeof got));
	proto->nblocks = yaml_size(b);
	proto->blocks = calloc(proto->nblocks, sizeof *proto->blocks);
	if (!proto->blocks)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	long total = 0;
	for (size_t i = 0; i < proto->nblocks; i++) {
		const struct yaml_node *item = yaml_item_at(b, i);
		snprintf(key, sizeof key, "protocol.blocks[%zu]", i);
		if ((s = value_long(item, key, &proto->blocks[i], d)))
			return s;
		if (proto->blocks[i] <= 0)
			return value_out_of_range(item, key, "> 0", d);
		total += proto->blocks[i];
	}
	if (sc->model.kind != MODEL_NONE && sc->data.kind == DATA_SYNTHETIC &&
	    total != sc->data.features)
		return yaml_fail(d, b, "'protocol.blocks' add up to %ld, but data.features "
				 "is %ld", total, sc->data.features);
	return ASG_OK;
}

/* dasgd on synthetic data: at least one coordinate per agent, reported at
 * data.features (or at workers when the default is too small). */
static asg_status validate_agents_fit(const struct yaml_node *root,
				      const struct scenario *sc, struct diag *d)
{
	if (sc->protocol.kind != PROTOCOL_DASGD || sc->model.kind == MODEL_NONE ||
	    sc->data.kind != DATA_SYNTHETIC || sc->data.features >= sc->nworkers)
		return ASG_OK;
	const struct yaml_node *data = yaml_get(root, "data");
	const struct yaml_node *at = data ? yaml_get(data, "features") : NULL;
	return yaml_fail(d, at ? at : yaml_get(root, "workers"),
			 "dasgd needs a coordinate per agent: %ld features for "
			 "%ld agents", sc->data.features, sc->nworkers);
}

/* ---- workers --------------------------------------------------------------- */

static asg_status validate_group(const struct yaml_node *n, size_t i,
				 struct worker_group *g, struct diag *d)
{
	char key[64], field[96];
	asg_status s;

	snprintf(key, sizeof key, "workers[%zu]", i);
	s = validate_keys(n, key, validate_section_of("workers"), d);
	if (s != ASG_OK)
		return s;
	snprintf(g->name, sizeof g->name, "group%zu", i);
	g->count = 1;
	const struct yaml_node *v = yaml_get(n, "count");
	snprintf(field, sizeof field, "%s.count", key);
	if (v && (s = value_long(v, field, &g->count, d)))
		return s;
	if (g->count <= 0)
		return value_out_of_range(v, field, "> 0", d);
	v = yaml_get(n, "compute");
	snprintf(field, sizeof field, "%s.compute", key);
	if (!v)
		return validate_missing(n, "compute", key, d);
	if ((s = value_dist_indexed(v, field, &g->compute, d)))
		return s;
	v = yaml_get(n, "step");
	snprintf(field, sizeof field, "%s.step", key);
	if (v && (s = value_step(v, field, &g->step, d)))
		return s;
	v = yaml_get(n, "name");
	snprintf(field, sizeof field, "%s.name", key);
	if (v)
		return value_string(v, field, g->name, sizeof g->name, d);
	return ASG_OK;
}

/* Group i (validated) has a name of its own and keeps the total count in
 * range; it is then added to sc->nworkers. */
static asg_status validate_group_fits(struct scenario *sc, size_t i,
				      const struct yaml_node *item,
				      struct diag *d)
{
	const struct worker_group *g = &sc->groups[i];
	const struct yaml_node *name = yaml_get(item, "name");

	for (size_t j = 0; j < i; j++)
		if (!strcmp(sc->groups[j].name, g->name))
			return yaml_fail(d, name ? name : item,
					 "duplicate worker group name '%s'", g->name);
	if (g->count > LONG_MAX - sc->nworkers)
		return yaml_fail(d, yaml_get(item, "count"),
				 "too many workers in total");
	sc->nworkers += g->count;
	return ASG_OK;
}

static asg_status validate_workers(const struct yaml_node *root,
				   struct scenario *sc, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "workers");
	char got[64];
	asg_status s = ASG_OK;

	if (!n)
		return validate_missing(root, "workers", "", d);
	if (n->kind != YAML_SEQUENCE)
		return yaml_fail(d, n, "expected a sequence for 'workers', got %s",
				 yaml_describe(n, got, sizeof got));
	if (yaml_size(n) == 0)
		return yaml_fail(d, n, "'workers' must have at least one group");
	sc->groups = calloc(yaml_size(n), sizeof *sc->groups);
	if (!sc->groups)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	sc->ngroups = yaml_size(n);
	sc->nworkers = 0;
	for (size_t i = 0; i < sc->ngroups && s == ASG_OK; i++) {
		const struct yaml_node *item = yaml_item_at(n, i);
		s = validate_group(item, i, &sc->groups[i], d);
		if (s == ASG_OK)
			s = validate_group_fits(sc, i, item, d);
	}
	return s;
}

/* ---- network --------------------------------------------------------------- */

/* One edge [i, j] of network.edges: two agent indices. */
static asg_status validate_edge(const struct yaml_node *e, size_t k,
				long pair[2], struct diag *d)
{
	char key[64], got[64];
	snprintf(key, sizeof key, "network.edges[%zu]", k);
	if (e->kind != YAML_SEQUENCE || yaml_size(e) != 2)
		return yaml_fail(d, e, "expected a pair [i, j] for '%s', got %s", key,
				 yaml_describe(e, got, sizeof got));
	for (size_t c = 0; c < 2; c++) {
		asg_status s = value_long(yaml_item_at(e, c), key, &pair[c], d);
		if (s != ASG_OK)
			return s;
		if (pair[c] < 0)
			return value_out_of_range(yaml_item_at(e, c), key, ">= 0", d);
	}
	if (pair[0] == pair[1])
		return yaml_fail(d, e, "'%s' joins agent %ld to itself", key, pair[0]);
	return ASG_OK;
}

/* network.degree for random_regular, network.edges for edges; the agent
 * count is checked against them when the run is built. */
static asg_status validate_topology(const struct yaml_node *n, long agents,
				    struct network_config *net, struct diag *d)
{
	const struct yaml_node *degree = yaml_get(n, "degree");
	const struct yaml_node *edges = yaml_get(n, "edges");
	char got[64];
	asg_status s;
	if (degree && net->topology != TOPOLOGY_RANDOM_REGULAR)
		return yaml_fail(d, degree, "'network.degree' applies only to topology random_regular");
	if (edges && net->topology != TOPOLOGY_EDGES)
		return yaml_fail(d, edges, "'network.edges' applies only to topology edges");
	if (net->topology == TOPOLOGY_RANDOM_REGULAR) {
		if (!degree)
			return validate_missing(n, "degree", "network", d);
		if ((s = value_long(degree, "network.degree", &net->degree, d)))
			return s;
		if (net->degree <= 0 || net->degree >= agents)
			return yaml_fail(d, degree, "'network.degree' must be in 1 .. %ld "
					 "(agents - 1), got %ld", agents - 1, net->degree);
		if ((net->degree * agents) % 2)
			return yaml_fail(d, degree, "no %ld-regular graph on %ld agents: "
					 "degree x agents must be even", net->degree, agents);
	}
	if (net->topology != TOPOLOGY_EDGES)
		return ASG_OK;
	if (!edges)
		return validate_missing(n, "edges", "network", d);
	if (edges->kind != YAML_SEQUENCE || yaml_size(edges) == 0)
		return yaml_fail(d, edges, "expected a non-empty sequence of pairs for "
				 "'network.edges', got %s", yaml_describe(edges, got, sizeof got));
	net->nedges = yaml_size(edges);
	net->edges = calloc(net->nedges, sizeof *net->edges);
	if (!net->edges)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t k = 0; k < net->nedges; k++) {
		const struct yaml_node *e = yaml_item_at(edges, k);
		if ((s = validate_edge(e, k, net->edges[k], d)))
			return s;
		if (net->edges[k][0] >= agents || net->edges[k][1] >= agents)
			return yaml_fail(d, e, "'network.edges[%zu]' names agent %ld, "
					 "but there are %ld agents", k,
					 net->edges[k][0] >= agents ? net->edges[k][0]
								    : net->edges[k][1],
					 agents);
	}
	return ASG_OK;
}

static asg_status validate_network(const struct yaml_node *root,
				   enum protocol_kind protocol, long agents,
				   struct network_config *net, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "network");
	const struct yaml_node *v;
	asg_status s;

	*net = (struct network_config){
		.uplink = { .kind = DIST_CONSTANT },
		.downlink = { .kind = DIST_CONSTANT },
		.latency = { .kind = DIST_CONSTANT },
	};
	if (!n)
		return ASG_OK;
	s = validate_keys(n, "network", validate_section_of("network"), d);
	if (s != ASG_OK)
		return s;
	if ((v = yaml_get(n, "uplink")) &&
	    (s = value_dist(v, "network.uplink", &net->uplink, d)))
		return s;
	if ((v = yaml_get(n, "downlink")) &&
	    (s = value_dist(v, "network.downlink", &net->downlink, d)))
		return s;
	if ((s = validate_opt_double(n, "network.bandwidth", &net->bandwidth, 0,
				     INFINITY, false, ">= 0", d)) ||
	    (s = validate_opt_double(n, "network.loss", &net->loss, 0, 1, true,
				     "in [0, 1]", d)))
		return s;
	if ((v = yaml_get(n, "latency")) &&
	    (s = value_dist(v, "network.latency", &net->latency, d)))
		return s;
	int topology = TOPOLOGY_COMPLETE;
	if ((v = yaml_get(n, "topology")) &&
	    (s = value_enum(v, "network.topology", "topology", topology_names,
			    NELEM(topology_names), &topology, d)))
		return s;
	net->topology = (enum topology_kind)topology;
	if ((s = validate_topology(n, agents, net, d)))
		return s;
	if (net->loss != 0 && protocol != PROTOCOL_DASGD)
		return yaml_fail(d, yaml_get(n, "loss"),
				 "network.loss > 0 is not supported by protocol '%s'",
				 scenario_protocol_name(protocol));
	return ASG_OK;
}

/* ---- record ---------------------------------------------------------------- */

static asg_status validate_record(const struct yaml_node *root,
				  enum model_kind model,
				  struct record_config *rec, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "record");
	const struct yaml_node *v;
	enum record_updates mode;
	asg_status s;

	*rec = (struct record_config){
		.aoi = true,
		.updates = RECORD_ALL,
		.full_grad_every = model == MODEL_NONE ? 0 : 100,
	};
	if (!n)
		return ASG_OK;
	s = validate_keys(n, "record", validate_section_of("record"), d);
	if (s != ASG_OK)
		return s;
	if ((v = yaml_get(n, "updates")) &&
	    (s = value_stride(v, "record.updates", true, &rec->updates,
			      &rec->updates_every, d)))
		return s;
	if ((v = yaml_get(n, "full_grad")) &&
	    (s = value_stride(v, "record.full_grad", false, &mode,
			      &rec->full_grad_every, d)))
		return s;
	if ((v = yaml_get(n, "eval")) &&
	    (s = value_stride(v, "record.eval", false, &mode, &rec->eval_every, d)))
		return s;
	int aoi = 1;
	if ((v = yaml_get(n, "aoi")) &&
	    (s = value_enum(v, "record.aoi", "aoi record", aoi_names,
			    NELEM(aoi_names), &aoi, d)))
		return s;
	rec->aoi = aoi == 1;
	if ((v = yaml_get(n, "timeline")) &&
	    (s = value_until(v, "record.timeline", &rec->timeline_until, d)))
		return s;
	return ASG_OK;
}

/* ---- the whole --------------------------------------------------------------- */

asg_status validate_scenario(const struct yaml_node *root, const char *path,
			     struct scenario *sc, struct diag *d)
{
	const struct yaml_node *seed;
	asg_status s;

	memset(sc, 0, sizeof *sc);
	sc->seed = 1;
	if ((s = validate_keys(root, "", &keys_scenario, d)) ||
	    (s = validate_name(root, path, sc, d)) ||
	    ((seed = yaml_get(root, "seed")) &&
	     (s = value_u64(seed, "seed", &sc->seed, d))) ||
	    (s = validate_replications(root, &sc->replications, d)) ||
	    (s = validate_stop(root, &sc->stop, d)) ||
	    (s = validate_model(root, &sc->model, d)) ||
	    (s = validate_data(root, path, &sc->data, d)) ||
	    (s = validate_protocol(root, &sc->protocol, d)) ||
	    (s = validate_workers(root, sc, d)) ||
	    (s = validate_rounds_fit(root, sc, d)) ||
	    (s = validate_peer_fit(root, sc, d)) ||
	    (s = validate_optim_fit(root, sc, d)) ||
	    (yaml_get(root, "protocol") &&
	     (s = validate_blocks(yaml_get(root, "protocol"), sc, d))) ||
	    (s = validate_agents_fit(root, sc, d)) ||
	    (s = validate_network(root, sc->protocol.kind, sc->nworkers,
				  &sc->network, d)) ||
	    (s = validate_net(root, sc, d)) ||
	    (s = validate_hetero(root, sc, d)) ||
	    (s = validate_record(root, sc->model.kind, &sc->record, d)))
		validate_release(sc);
	return s;
}

void validate_release(struct scenario *sc)
{
	char **const paths[] = { &sc->data.path, &sc->data.labels,
				 &sc->data.test_path, &sc->data.test_labels };
	for (size_t i = 0; i < NELEM(paths); i++) {
		free(*paths[i]);
		*paths[i] = NULL;
	}
	free(sc->protocol.blocks);
	sc->protocol.blocks = NULL;
	sc->protocol.nblocks = 0;
	free(sc->network.edges);
	sc->network.edges = NULL;
	sc->network.nedges = 0;
	free(sc->groups);
	sc->groups = NULL;
	sc->ngroups = 0;
	sc->nworkers = 0;
}
