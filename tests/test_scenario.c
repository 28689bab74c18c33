/*
 * test_scenario.c — scenario files into plans: typed values and defaults,
 * --set, sweep expansion (count, order, seeds, point JSON), the resolved
 * YAML of a run loading back to the same run, and bad input as exact
 * located messages — a table of snippets here, and the catalogue of
 * malformed files in tests/bad/ (each NAME.yaml beside the NAME.expect line
 * that `asgdsim run` must print; "@DIR@/" stands for the directory).
 *
 * Scenario files are written into a fresh temporary directory made by the
 * group setup; their messages are compared whole, path included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/scenario/scenario.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The temporary directory of this run's files (made by the group setup). */
static char tmpdir[] = "/tmp/asg_test_scenario_XXXXXX";

/* A minimal valid scenario, completed by the tests' snippets. */
#define MINIMAL                                                            \
	"stop: {updates: 100}\n"                                           \
	"protocol: {kind: async}\n"                                        \
	"workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"

static void tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write '%s'", path);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* Write yaml to tmpdir/NAME and load it with the given --set arguments. */
static asg_status load_named(const char *name, const char *yaml,
			     const char *const *sets, size_t nsets,
			     struct scenario_plan *plan, struct diag *d)
{
	char path[PATH_MAX];
	struct scenario_overrides ov = { .sets = sets, .nsets = nsets };

	tmp_path(path, sizeof path, name);
	write_file(path, yaml, strlen(yaml));
	diag_init(d);
	return scenario_plan_load(path, &ov, plan, d);
}

static void load_ok(const char *yaml, const char *const *sets, size_t nsets,
		    struct scenario_plan *plan)
{
	struct diag d;
	if (load_named("s.yaml", yaml, sets, nsets, plan, &d) != ASG_OK)
		fail_msg("scenario does not load: %s\n%s", d.text, yaml);
}

/* The message of a scenario that must not load, without "PATH:". */
static const char *load_error(const char *yaml, const char *const *sets,
			      size_t nsets, struct diag *d)
{
	struct scenario_plan plan;
	char path[PATH_MAX];

	if (load_named("s.yaml", yaml, sets, nsets, &plan, d) == ASG_OK)
		fail_msg("scenario loads, expected an error:\n%s", yaml);
	assert_int_equal(d->status, ASG_EINPUT);
	assert_null(plan.runs);
	assert_int_equal(plan.nruns, 0);
	tmp_path(path, sizeof path, "s.yaml");
	size_t n = strlen(path);
	if (!strncmp(d->text, path, n) && d->text[n] == ':')
		return d->text + n + 1;
	return d->text;
}

/* ---- typed values and defaults ------------------------------------------- */

static void full_scenario_gives_typed_values(void **state)
{
	struct scenario_plan plan;
	load_ok("name: full\n"
		"seed: 7\n"
		"replications: 1\n"
		"stop: {updates: 20000, time: 500}\n"
		"model: {kind: logreg, l2: 1.0e-3}\n"
		"data: {kind: synthetic, samples: 5000, features: 50, condition: 10,\n"
		"       noise: 0.5, test: 0.2, partition: iid}\n"
		"protocol:\n"
		"  kind: sync\n"
		"  batch: 32\n"
		"  step: constant(0.05)\n"
		"workers:\n"
		"  - {count: 20, compute: \"lognormal(mu=-1, sigma=0.3)\"}\n"
		"  - {count: 5, compute: \"gamma(shape=2, scale=0.5)\", name: stragglers}\n"
		"network:\n"
		"  uplink: \"exponential(mean=0.01)\"\n"
		"  downlink: uniform(min=0.1, max=0.2)\n"
		"  bandwidth: 1.25e9\n"
		"  loss: 0\n"
		"record: {updates: every(10), full_grad: every(50), eval: every(500)}\n",
		NULL, 0, &plan);
	assert_int_equal(plan.nruns, 1);
	assert_string_equal(plan.name, "full");
	const struct scenario *sc = &plan.runs[0].sc;
	assert_string_equal(sc->name, "full");
	assert_int_equal(sc->seed, 7);
	assert_int_equal(sc->replications, 1);
	assert_int_equal(sc->stop.updates, 20000);
	assert_true(sc->stop.time == 500);
	assert_int_equal(sc->model.kind, MODEL_LOGREG);
	assert_true(sc->model.l2 == 1.0e-3);
	assert_int_equal(sc->data.kind, DATA_SYNTHETIC);
	assert_int_equal(sc->data.samples, 5000);
	assert_int_equal(sc->data.features, 50);
	assert_true(sc->data.condition == 10 && sc->data.noise == 0.5);
	assert_true(sc->data.test == 0.2);
	assert_int_equal(sc->data.partition, PARTITION_IID);
	assert_int_equal(sc->protocol.kind, PROTOCOL_SYNC);
	assert_int_equal(sc->protocol.batch, 32);
	assert_true(sc->protocol.step == 0.05);
	assert_int_equal(sc->ngroups, 2);
	assert_int_equal(sc->nworkers, 25);
	assert_string_equal(sc->groups[0].name, "group0");
	assert_int_equal(sc->groups[0].count, 20);
	assert_int_equal(sc->groups[0].compute.kind, DIST_LOGNORMAL);
	assert_true(sc->groups[0].compute.p[0] == -1 && sc->groups[0].compute.p[1] == 0.3);
	assert_string_equal(sc->groups[1].name, "stragglers");
	assert_int_equal(sc->groups[1].compute.kind, DIST_GAMMA);
	assert_int_equal(sc->network.uplink.kind, DIST_EXPONENTIAL);
	assert_true(sc->network.uplink.p[0] == 0.01);
	assert_int_equal(sc->network.downlink.kind, DIST_UNIFORM);
	assert_true(sc->network.bandwidth == 1.25e9 && sc->network.loss == 0);
	assert_int_equal(sc->record.updates, RECORD_EVERY);
	assert_int_equal(sc->record.updates_every, 10);
	assert_int_equal(sc->record.full_grad_every, 50);
	assert_int_equal(sc->record.eval_every, 500);
	assert_string_equal(plan.runs[0].point_json, "{}");
	assert_int_equal(plan.runs[0].point, 0);
	assert_int_equal(plan.runs[0].replication, 0);
	scenario_plan_release(&plan);
	assert_null(plan.runs);
	assert_int_equal(plan.nruns, 0);
}

static void defaults_fill_what_is_not_written(void **state)
{
	struct scenario_plan plan;
	struct diag d;
	if (load_named("minimal.scenario.yaml", MINIMAL, NULL, 0, &plan, &d))
		fail_msg("%s", d.text);
	const struct scenario *sc = &plan.runs[0].sc;
	assert_string_equal(plan.name, "minimal.scenario");
	assert_int_equal(sc->seed, 1);
	assert_int_equal(sc->replications, 1);
	assert_true(sc->stop.time == 0);
	assert_int_equal(sc->model.kind, MODEL_NONE);
	assert_true(sc->model.l2 == 0);
	assert_int_equal(sc->data.kind, DATA_SYNTHETIC);
	assert_int_equal(sc->data.samples, 10000);
	assert_int_equal(sc->data.features, 100);
	assert_true(sc->data.condition == 1 && sc->data.noise == 0 &&
		    sc->data.test == 0);
	assert_int_equal(sc->data.label_column, 0);
	assert_false(sc->data.header);
	assert_int_equal(sc->protocol.batch, 1);
	assert_true(sc->protocol.step == 0.01);
	assert_string_equal(sc->groups[0].name, "group0");
	assert_int_equal(sc->network.uplink.kind, DIST_CONSTANT);
	assert_true(sc->network.uplink.p[0] == 0);
	assert_int_equal(sc->network.downlink.kind, DIST_CONSTANT);
	assert_true(sc->network.downlink.p[0] == 0);
	assert_true(sc->network.bandwidth == 0 && sc->network.loss == 0);
	assert_int_equal(sc->record.updates, RECORD_ALL);
	assert_int_equal(sc->record.updates_every, 0);
	assert_int_equal(sc->record.full_grad_every, 0);   /* model none */
	assert_int_equal(sc->record.eval_every, 0);
	scenario_plan_release(&plan);
}

/* Defaults that depend on the model: l2 and record.full_grad. */
static void model_sets_its_defaults(void **state)
{
	static const struct {
		const char *model;
		enum model_kind kind;
		double l2;
		long full_grad;
	} cases[] = {
		{ "none", MODEL_NONE, 0, 0 },
		{ "quadratic", MODEL_QUADRATIC, 0, 100 },
		{ "logreg", MODEL_LOGREG, 1e-4, 100 },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		char yaml[512];
		struct scenario_plan plan;
		snprintf(yaml, sizeof yaml, MINIMAL "model: {kind: %s}\n",
			 cases[i].model);
		load_ok(yaml, NULL, 0, &plan);
		const struct scenario *sc = &plan.runs[0].sc;
		assert_int_equal(sc->model.kind, cases[i].kind);
		assert_true(sc->model.l2 == cases[i].l2);
		assert_int_equal(sc->record.full_grad_every, cases[i].full_grad);
		assert_string_equal(scenario_model_name(sc->model.kind),
				    cases[i].model);
		scenario_plan_release(&plan);
	}
}

static void step_forms_are_equivalent(void **state)
{
	static const char *const forms[] = {
		"0.05", "constant(0.05)", "constant(value=0.05)",
		"\"constant( value = 0.05 )\"", "5e-2",
	};
	for (size_t i = 0; i < NELEM(forms); i++) {
		char yaml[512];
		struct scenario_plan plan;
		snprintf(yaml, sizeof yaml,
			 "stop: {updates: 100}\n"
			 "protocol: {kind: sync, step: %s}\n"
			 "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
			 forms[i]);
		load_ok(yaml, NULL, 0, &plan);
		if (plan.runs[0].sc.protocol.step != 0.05)
			fail_msg("%s: step %.17g", forms[i], plan.runs[0].sc.protocol.step);
		scenario_plan_release(&plan);
	}
}

static void record_strides(void **state)
{
	static const struct {
		const char *record;
		enum record_updates updates;
		long every, full_grad, eval;
	} cases[] = {
		{ "{updates: all}", RECORD_ALL, 0, 100, 0 },
		{ "{updates: none, full_grad: none}", RECORD_NONE, 0, 0, 0 },
		{ "{updates: every(7), eval: every(3)}", RECORD_EVERY, 7, 100, 3 },
		{ "{updates: \"every( 12 )\", full_grad: every(1)}", RECORD_EVERY, 12, 1, 0 },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		char yaml[512];
		struct scenario_plan plan;
		snprintf(yaml, sizeof yaml,
			 MINIMAL "model: {kind: quadratic}\nrecord: %s\n",
			 cases[i].record);
		load_ok(yaml, NULL, 0, &plan);
		const struct record_config *r = &plan.runs[0].sc.record;
		assert_int_equal(r->updates, cases[i].updates);
		assert_int_equal(r->updates_every, cases[i].every);
		assert_int_equal(r->full_grad_every, cases[i].full_grad);
		assert_int_equal(r->eval_every, cases[i].eval);
		scenario_plan_release(&plan);
	}
}

/* Anchors and aliases: an alias is a copy of its anchored value. */
static void aliases_expand(void **state)
{
	struct scenario_plan plan;
	load_ok("stop: {updates: 10}\n"
		"protocol: {kind: async}\n"
		"workers:\n"
		"  - {count: 3, compute: &slow \"exponential(mean=2)\"}\n"
		"  - {count: 4, compute: *slow, name: again}\n",
		NULL, 0, &plan);
	const struct scenario *sc = &plan.runs[0].sc;
	assert_int_equal(sc->nworkers, 7);
	assert_int_equal(sc->groups[1].compute.kind, DIST_EXPONENTIAL);
	assert_true(sc->groups[1].compute.p[0] == 2);
	scenario_plan_release(&plan);
}

/* ---- --set ------------------------------------------------------------------ */

static void set_overrides_values(void **state)
{
	static const char *const sets[] = {
		"workers[0].count=50",
		"protocol.kind=sync",
		"network.uplink=exponential(mean=0.1)",
		"workers[1]={count: 3, compute: \"constant(value=2)\", name: slow}",
	};
	struct scenario_plan plan;
	load_ok("stop: {updates: 10}\n"
		"protocol: {kind: async}\n"
		"workers:\n"
		"  - {count: 2, compute: \"exponential(mean=1)\"}\n"
		"  - {count: 2, compute: \"exponential(mean=1)\"}\n"
		"network: {uplink: \"exponential(mean=0.01)\"}\n",
		sets, NELEM(sets), &plan);
	const struct scenario *sc = &plan.runs[0].sc;
	assert_int_equal(sc->groups[0].count, 50);
	assert_int_equal(sc->protocol.kind, PROTOCOL_SYNC);
	assert_true(sc->network.uplink.p[0] == 0.1);
	assert_string_equal(sc->groups[1].name, "slow");
	assert_int_equal(sc->groups[1].compute.kind, DIST_CONSTANT);
	assert_int_equal(sc->nworkers, 53);
	scenario_plan_release(&plan);
}

/* A key the file does not have is added, inner mappings included. */
static void set_adds_absent_keys(void **state)
{
	static const char *const sets[] = {
		"network.bandwidth=1e9", "model.kind=quadratic", "seed=12",
	};
	struct scenario_plan plan;
	load_ok(MINIMAL, sets, NELEM(sets), &plan);
	const struct scenario *sc = &plan.runs[0].sc;
	assert_true(sc->network.bandwidth == 1e9);
	assert_int_equal(sc->model.kind, MODEL_QUADRATIC);
	assert_int_equal(sc->seed, 12);
	scenario_plan_release(&plan);
}

/* Later --set arguments win over earlier ones. */
static void set_applies_in_order(void **state)
{
	static const char *const sets[] = { "seed=3", "seed=4" };
	struct scenario_plan plan;
	load_ok(MINIMAL, sets, NELEM(sets), &plan);
	assert_int_equal(plan.runs[0].sc.seed, 4);
	scenario_plan_release(&plan);
}

static void set_errors_are_located_in_the_argument(void **state)
{
	static const struct {
		const char *set;
		const char *message;
	} cases[] = {
		{ "workers", "--set:2:1: expected KEY=VALUE, got 'workers'" },
		{ "=3", "--set:2:1: empty key" },
		{ "network.uplnk=constant(value=1)",
		  "--set:2:9: unknown key 'uplnk' in 'network', did you mean 'uplink'?" },
		{ "workers[1].count=3",
		  "--set:2:8: index 1 out of range: 'workers' has 1 item" },
		{ "workers[x].count=3",
		  "--set:2:8: expected an index after '[' in 'workers[x].count'" },
		{ "workers.count=3",
		  "--set:2:9: 'workers' is a sequence: give an index, e.g. 'workers[0]'" },
		{ "seed.low=3", "--set:2:6: 'seed' is not a mapping" },
		{ "workers[0].count=ten",
		  "--set:2:18: expected an integer for 'workers[0].count', got 'ten'" },
		{ "network.uplink=exponential(mean=-1)",
		  "--set:2:33: mean must be > 0, got -1" },
		{ "network.uplink='exponential(mean=-1)'",
		  "--set:2:34: mean must be > 0, got -1" },
		{ "protocol.kind=[sync, async",
		  "--set:2:15: flow sequence without a closing bracket" },
		{ "protocol.kind=asynch",
		  "--set:2:15: unknown protocol 'asynch', did you mean 'async'?" },
		{ "bogus=1",
		  "--set:2:1: unknown key 'bogus' (expected name, seed, replications, "
		  "stop, model, data, protocol, workers, network, record, sweep)" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *sets[] = { "seed=2", cases[i].set };
		struct diag d;
		assert_string_equal(load_error(MINIMAL, sets, 2, &d),
				    cases[i].message);
	}
}

/* ---- sweep -------------------------------------------------------------------- */

static const char sweep_yaml[] =
	"name: grid\n"
	"seed: 10\n"
	"replications: 2\n"
	MINIMAL
	"sweep:\n"
	"  protocol.kind: [sync, async]\n"
	"  network.uplink: [\"exponential(mean=0.01)\", \"exponential(mean=0.1)\",\n"
	"                   \"constant(value=0)\"]\n";

/* 2 x 3 points x 2 replications, point-major, the last key fastest. */
static void sweep_expands_point_major(void **state)
{
	static const struct {
		enum protocol_kind kind;
		double uplink;
		const char *json;
	} points[] = {
		{ PROTOCOL_SYNC, 0.01, "{\"protocol.kind\":\"sync\",\"network.uplink\":\"exponential(mean=0.01)\"}" },
		{ PROTOCOL_SYNC, 0.1, "{\"protocol.kind\":\"sync\",\"network.uplink\":\"exponential(mean=0.1)\"}" },
		{ PROTOCOL_SYNC, 0, "{\"protocol.kind\":\"sync\",\"network.uplink\":\"constant(value=0)\"}" },
		{ PROTOCOL_ASYNC, 0.01, "{\"protocol.kind\":\"async\",\"network.uplink\":\"exponential(mean=0.01)\"}" },
		{ PROTOCOL_ASYNC, 0.1, "{\"protocol.kind\":\"async\",\"network.uplink\":\"exponential(mean=0.1)\"}" },
		{ PROTOCOL_ASYNC, 0, "{\"protocol.kind\":\"async\",\"network.uplink\":\"constant(value=0)\"}" },
	};
	struct scenario_plan plan;
	load_ok(sweep_yaml, NULL, 0, &plan);
	assert_string_equal(plan.name, "grid");
	assert_int_equal(plan.nruns, 12);
	for (size_t i = 0; i < plan.nruns; i++) {
		const struct run_spec *r = &plan.runs[i];
		size_t p = i / 2;
		assert_int_equal(r->point, p);
		assert_int_equal(r->replication, i % 2);
		assert_int_equal(r->sc.seed, 10 + i % 2);
		assert_int_equal(r->sc.protocol.kind, points[p].kind);
		assert_true(r->sc.network.uplink.p[0] == points[p].uplink);
		assert_string_equal(r->point_json, points[p].json);
		assert_null(strstr(r->config_yaml, "sweep"));
	}
	scenario_plan_release(&plan);
}

static void seed_option_replaces_the_scenario_seed(void **state)
{
	struct scenario_plan plan;
	struct diag d;
	char path[PATH_MAX];
	struct scenario_overrides ov = { .has_seed = true, .seed = 42 };

	tmp_path(path, sizeof path, "seeded.yaml");
	write_file(path, sweep_yaml, strlen(sweep_yaml));
	diag_init(&d);
	assert_int_equal(scenario_plan_load(path, &ov, &plan, &d), ASG_OK);
	for (size_t i = 0; i < plan.nruns; i++)
		assert_int_equal(plan.runs[i].sc.seed, 42 + i % 2);
	assert_non_null(strstr(plan.runs[1].config_yaml, "\nseed: 43\n"));
	scenario_plan_release(&plan);
}

/* The sweep applies after --set: a swept key keeps the sweep's values;
 * --set can replace or empty the sweep itself. */
static void sweep_applies_after_set(void **state)
{
	struct scenario_plan plan;
	static const char *const kind[] = { "protocol.kind=sync" };
	load_ok(sweep_yaml, kind, 1, &plan);
	assert_int_equal(plan.runs[6].sc.protocol.kind, PROTOCOL_ASYNC);
	scenario_plan_release(&plan);

	static const char *const none[] = { "sweep={}" };
	load_ok(sweep_yaml, none, 1, &plan);
	assert_int_equal(plan.nruns, 2);
	assert_string_equal(plan.runs[0].point_json, "{}");
	scenario_plan_release(&plan);

	static const char *const one[] = { "sweep={\"workers[0].count\": [5, 6]}",
					   "sweep.seed=[1]" };
	load_ok(sweep_yaml, one, 2, &plan);
	assert_int_equal(plan.nruns, 4);
	assert_int_equal(plan.runs[2].sc.nworkers, 6);
	assert_string_equal(plan.runs[2].point_json,
			    "{\"workers[0].count\":6,\"seed\":1}");
	scenario_plan_release(&plan);
}

/* Sweep values in JSON: numbers bare, strings quoted and escaped. */
static void point_json_types(void **state)
{
	struct scenario_plan plan;
	load_ok(MINIMAL
		"sweep:\n"
		"  protocol.step: [0.5, .25, \"constant(0.1)\"]\n"
		"  name: ['say \"hi\"\\path']\n",
		NULL, 0, &plan);
	assert_int_equal(plan.nruns, 3);
	assert_string_equal(plan.runs[0].point_json,
			    "{\"protocol.step\":0.5,\"name\":\"say \\\"hi\\\"\\\\path\"}");
	assert_string_equal(plan.runs[1].point_json,
			    "{\"protocol.step\":0.25,\"name\":\"say \\\"hi\\\"\\\\path\"}");
	assert_string_equal(plan.runs[2].point_json,
			    "{\"protocol.step\":\"constant(0.1)\",\"name\":\"say \\\"hi\\\"\\\\path\"}");
	assert_string_equal(plan.runs[0].sc.name, "say \"hi\"\\path");
	scenario_plan_release(&plan);
}

/* ---- the resolved YAML of a run ------------------------------------------------ */

static void assert_same_scenario(const struct scenario *a,
				 const struct scenario *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->seed, b->seed);
	assert_int_equal(a->replications, b->replications);
	assert_memory_equal(&a->stop, &b->stop, sizeof a->stop);
	assert_memory_equal(&a->model, &b->model, sizeof a->model);
	assert_int_equal(a->data.kind, b->data.kind);
	assert_int_equal(a->data.samples, b->data.samples);
	assert_int_equal(a->data.features, b->data.features);
	assert_true(a->data.condition == b->data.condition);
	assert_true(a->data.noise == b->data.noise && a->data.test == b->data.test);
	assert_string_equal(a->data.path, b->data.path);
	assert_int_equal(a->data.label_column, b->data.label_column);
	assert_int_equal(a->data.header, b->data.header);
	assert_int_equal(a->protocol.kind, b->protocol.kind);
	assert_int_equal(a->protocol.batch, b->protocol.batch);
	assert_true(a->protocol.step == b->protocol.step);
	assert_int_equal(a->ngroups, b->ngroups);
	assert_int_equal(a->nworkers, b->nworkers);
	for (size_t i = 0; i < a->ngroups; i++) {
		assert_string_equal(a->groups[i].name, b->groups[i].name);
		assert_int_equal(a->groups[i].count, b->groups[i].count);
		assert_memory_equal(&a->groups[i].compute, &b->groups[i].compute,
				    sizeof a->groups[i].compute);
	}
	assert_memory_equal(&a->network, &b->network, sizeof a->network);
	assert_memory_equal(&a->record, &b->record, sizeof a->record);
}

/* Each run's config_yaml, loaded on its own (from another directory, with
 * no --set or --seed), gives that run again as its first run. */
static void config_yaml_reloads_to_the_same_run(void **state)
{
	char csv[PATH_MAX], sub[PATH_MAX], path[PATH_MAX];
	static const char *const sets[] = { "workers[1].count=7",
					    "protocol.batch=4" };
	struct scenario_plan plan, again;
	struct scenario_overrides ov = { .sets = sets, .nsets = 2,
					 .has_seed = true, .seed = 99 };
	struct diag d;

	tmp_path(csv, sizeof csv, "train.csv");
	write_file(csv, "1,0.5\n0,0.25\n", 13);
	tmp_path(path, sizeof path, "round-trip.yaml");
	static const char yaml[] =
		"replications: 2\n"
		"stop: {updates: 100, time: 2.5}\n"
		"model: {kind: logreg, l2: 0.125}\n"
		"data: {kind: csv, path: train.csv, header: false, test: 0.5}\n"
		"protocol: {kind: async, step: constant(0.3)}\n"
		"workers:\n"
		"  - {count: 2, compute: 'lognormal(mu=-1, sigma=0.3)', name: 'fast: #1'}\n"
		"  - {count: 1, compute: \"weibull(scale=1, shape=2)\", name: \"  padded\"}\n"
		"network: {downlink: \"normal(mean=1, sd=0.5)\", bandwidth: 1e6}\n"
		"record: {updates: every(3), eval: none}\n"
		"sweep:\n"
		"  model.l2: [0, 1.5]\n";
	write_file(path, yaml, strlen(yaml));
	diag_init(&d);
	if (scenario_plan_load(path, &ov, &plan, &d) != ASG_OK)
		fail_msg("%s", d.text);
	assert_int_equal(plan.nruns, 4);
	assert_string_equal(plan.name, "round-trip");
	assert_string_equal(plan.runs[0].sc.data.path, csv);
	tmp_path(sub, sizeof sub, "elsewhere");
	assert_int_equal(mkdir(sub, 0700), 0);
	for (size_t i = 0; i < plan.nruns; i++) {
		char again_path[PATH_MAX + 32];
		struct scenario_overrides none = { 0 };
		snprintf(again_path, sizeof again_path, "%s/run%zu.yaml", sub, i);
		write_file(again_path, plan.runs[i].config_yaml,
			   strlen(plan.runs[i].config_yaml));
		diag_init(&d);
		if (scenario_plan_load(again_path, &none, &again, &d) != ASG_OK)
			fail_msg("run %zu: %s\n%s", i, d.text, plan.runs[i].config_yaml);
		assert_int_equal(again.nruns, 2);
		assert_string_equal(again.runs[0].point_json, "{}");
		assert_same_scenario(&again.runs[0].sc, &plan.runs[i].sc);
		assert_string_equal(again.runs[0].config_yaml, plan.runs[i].config_yaml);
		scenario_plan_release(&again);
	}
	scenario_plan_release(&plan);
}

/* ---- bad input -------------------------------------------------------------------- */

static void bad_snippets_give_exact_messages(void **state)
{
	static const struct {
		const char *yaml;
		const char *message;
	} cases[] = {
		{ MINIMAL "network: {uplnk: \"exponential(mean=1)\"}\n",
		  "4:11: unknown key 'uplnk' in 'network', did you mean 'uplink'?" },
		{ MINIMAL "sed: 3\n", "4:1: unknown key 'sed', did you mean 'seed'?" },
		{ "stop: {updates: 100}\nprotocol: {kind: async}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\", nme: x}]\n",
		  "3:54: unknown key 'nme' in 'workers[0]', did you mean 'name'?" },
		{ "stop: {updates: 100}\nprotocol: {kind: asynch}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "2:18: unknown protocol 'asynch', did you mean 'async'?" },
		{ "stop: {updates: 100}\nprotocol: {kind: async}\n"
		  "workers: [{count: ten, compute: \"exponential(mean=1)\"}]\n",
		  "3:19: expected an integer for 'workers[0].count', got 'ten'" },
		{ "stop: {updates: 100}\nprotocol: {kind: async}\n"
		  "workers:\n  - {count: 1, compute: \"constant(value=1)\"}\n"
		  "  - {count: -3, compute: \"constant(value=1)\"}\n",
		  "5:13: 'workers[1].count' must be > 0, got -3" },
		{ MINIMAL "seed: 99999999999999999999999\n",
		  "4:7: number out of range for 'seed': '99999999999999999999999'" },
		{ MINIMAL "seed: -1\n", "4:7: 'seed' must be >= 0, got -1" },
		{ MINIMAL "replications: 2.5\n",
		  "4:15: expected an integer for 'replications', got '2.5'" },
		{ "stop: {updates: 100}\nprotocol: {batch: 2}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "2:11: missing key 'kind' in 'protocol'" },
		{ "stop: {updates: 100}\nprotocol: {kind: sync}\n",
		  "1:1: missing key 'workers'" },
		{ "stop: {time: 0}\nprotocol: {kind: sync}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "1:7: 'stop.updates' and 'stop.time' are both 0: the runs would never stop" },
		{ MINIMAL "data: {kind: csv, path: absent.csv}\n",
		  "4:25: cannot open data file 'absent.csv': No such file or directory" },
		{ MINIMAL "network: {loss: 0.1}\n",
		  "4:17: network.loss > 0 is not supported by protocol 'async'" },
		{ MINIMAL "network: {loss: 1.5}\n",
		  "4:17: 'network.loss' must be in [0, 1], got 1.5" },
		{ MINIMAL "record: {updates: every(0)}\n",
		  "4:19: 'record.updates' must be every(N) with N > 0, got every(0)" },
		{ MINIMAL "record: {eval: all}\n",
		  "4:16: expected every(N) or none for 'record.eval', got 'all'" },
		{ MINIMAL "record: {aoi: dense}\n",
		  "4:15: unknown aoi record 'dense' (expected none, sparse)" },
		{ MINIMAL "record: {timeline: until(-1)}\n",
		  "4:20: 'record.timeline' must be until(T) with T > 0, got until(-1)" },
		{ "stop: {updates: 100}\n"
		  "protocol: {kind: async, send_every: 2}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "2:37: 'protocol.send_every' applies only to protocol dasgd" },
		{ MINIMAL "network: {topology: random_regular, degree: 3}\n",
		  "4:45: 'network.degree' must be in 1 .. 1 (agents - 1), got 3" },
		{ MINIMAL "network: {topology: edges, edges: [[0, 1], [1, 5]]}\n",
		  "4:44: 'network.edges[1]' names agent 5, but there are 2 agents" },
		{ MINIMAL "network: {topology: ring, degree: 3}\n",
		  "4:35: 'network.degree' applies only to topology random_regular" },
		{ "stop: {updates: 100}\n"
		  "model: {kind: quadratic}\n"
		  "data: {features: 10, samples: 100}\n"
		  "protocol: {kind: dasgd, blocks: [4, 5]}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "4:33: 'protocol.blocks' add up to 9, but data.features is 10" },
		{ MINIMAL "network: {topology: rung}\n",
		  "4:21: unknown topology 'rung', did you mean 'ring'?" },
		{ MINIMAL "data: {header: yes}\n",
		  "4:8: 'data.header' applies only to data.kind csv" },
		{ MINIMAL "data: {kind: csv, header: yes, path: x}\n",
		  "4:27: expected true or false for 'data.header', got 'yes'" },
		{ MINIMAL "data: {samples: 10, features: 20}\n",
		  "4:17: 'data.samples' (10) must be >= 'data.features' (20)" },
		{ MINIMAL "model: {kind: resnet}\n",
		  "4:15: unknown model 'resnet' (expected none, quadratic, logreg, "
		  "softmax, mlp, cnn)" },
		{ MINIMAL "model: logreg\n",
		  "4:8: expected a mapping for 'model', got 'logreg'" },
		{ "stop: {updates: 100}\nprotocol: {kind: sync, step: linear(0.1)}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n",
		  "2:30: unknown step size schedule 'linear' (expected constant, "
		  "inverse_sqrt, drops, delay_adaptive, koloskova)" },
		{ MINIMAL "name: a/b\n", "4:7: 'name' must not contain '/', got a/b" },
		{ "stop: {updates: 100}\nprotocol: {kind: sync}\n"
		  "workers:\n  - {compute: \"constant(value=1)\", name: a}\n"
		  "  - {compute: \"constant(value=1)\", name: a}\n",
		  "5:42: duplicate worker group name 'a'" },
		{ MINIMAL "sweep: {protocol.kind: sync}\n",
		  "4:24: expected a sequence of values for sweep key 'protocol.kind', got 'sync'" },
		{ MINIMAL "sweep: {protocol.kind: []}\n",
		  "4:24: sweep key 'protocol.kind' has no values" },
		{ MINIMAL "sweep: {replications: [1, 2]}\n",
		  "4:9: 'replications' cannot be swept" },
		{ MINIMAL "sweep:\n  \"network.uplnk\": [x]\n",
		  "5:12: unknown key 'uplnk' in 'network', did you mean 'uplink'?" },
		{ MINIMAL "sweep:\n  workers[0].count: [1, zero]\n",
		  "5:25: expected an integer for 'workers[0].count', got 'zero'" },
		{ "[1, 2]\n", "1:1: expected a mapping of keys at the top level, got a sequence" },
		{ "just text\n", "1:1: expected a mapping of keys at the top level, got 'just text'" },
		{ "# only a comment\n", "1:1: empty scenario (expected a mapping of keys)" },
		{ "a: [1, 2\n", "2:1: flow sequence without a closing bracket" },
		{ "a: &x [1]\nb: *y\n", "2:4: unknown alias 'y'" },
		{ MINIMAL "stop: {updates: 5}\n", "4:1: duplicate key 'stop'" },
		{ "name: caf\xc3\n", "1:10: invalid UTF-8 byte 0xc3 (binary file?)" },
		{ "name: bell\x07\n", "1:11: unexpected control character 0x07" },
		{ "name: \"a\\0b\"\n", "1:7: NUL character in a scalar" },
	};
	int wrong = 0;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct diag d;
		const char *got = load_error(cases[i].yaml, NULL, 0, &d);
		if (strcmp(got, cases[i].message)) {
			printf("case %zu:\n got  '%s'\n want '%s'\n", i, got,
			       cases[i].message);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void missing_file_is_an_input_error(void **state)
{
	struct scenario_plan plan;
	struct diag d;
	char path[PATH_MAX];

	tmp_path(path, sizeof path, "absent.yaml");
	diag_init(&d);
	assert_int_equal(scenario_plan_load(path, NULL, &plan, &d), ASG_EINPUT);
	assert_null(plan.runs);
	char want[PATH_MAX + 80];
	snprintf(want, sizeof want,
		 "cannot open scenario file '%s': No such file or directory", path);
	assert_string_equal(d.text, want);
}

/* NUL bytes cannot pass through a C string: written with their length. */
static void nul_bytes_are_refused(void **state)
{
	static const char text[] = "name: x\nseed: 1\0\nstop: {updates: 1}\n";
	struct scenario_plan plan;
	struct diag d;
	char path[PATH_MAX], want[PATH_MAX + 64];

	tmp_path(path, sizeof path, "nul.yaml");
	write_file(path, text, sizeof text - 1);
	diag_init(&d);
	assert_int_equal(scenario_plan_load(path, NULL, &plan, &d), ASG_EINPUT);
	snprintf(want, sizeof want, "%s:2:8: unexpected NUL byte (binary file?)", path);
	assert_string_equal(d.text, want);
}

/* Every file of tests/bad/ is refused with the message of its .expect. */
static void catalogue_of_bad_files(void **state)
{
	const char *dir = TESTS_DIR "/bad";
	DIR *dp = opendir(dir);
	struct dirent *e;
	int checked = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml"))
			continue;
		char path[PATH_MAX], expect_path[PATH_MAX], line[1200], want[2400];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir,
			 (int)(n - 5), e->d_name);
		FILE *f = fopen(expect_path, "r");
		if (!f)
			fail_msg("%s has no .expect file", e->d_name);
		if (!fgets(line, sizeof line, f))
			fail_msg("%s is empty", expect_path);
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "@DIR@/", 6))
			fail_msg("%s does not start with @DIR@/", expect_path);
		snprintf(want, sizeof want, "%s/%s", dir, line + 6);
		struct scenario_plan plan;
		struct diag d;
		diag_init(&d);
		if (scenario_plan_load(path, NULL, &plan, &d) == ASG_OK)
			fail_msg("%s loads", e->d_name);
		assert_int_equal(d.status, ASG_EINPUT);
		assert_null(plan.runs);
		if (strcmp(d.text, want))
			fail_msg("%s:\n got  '%s'\n want '%s'", e->d_name, d.text, want);
		checked++;
	}
	closedir(dp);
	printf("  %d malformed scenarios refused as expected\n", checked);
	assert_true(checked >= 14);
}

/* ---- setup ------------------------------------------------------------------------ */

static int make_tmpdir(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_scenario_gives_typed_values),
		cmocka_unit_test(defaults_fill_what_is_not_written),
		cmocka_unit_test(model_sets_its_defaults),
		cmocka_unit_test(step_forms_are_equivalent),
		cmocka_unit_test(record_strides),
		cmocka_unit_test(aliases_expand),
		cmocka_unit_test(set_overrides_values),
		cmocka_unit_test(set_adds_absent_keys),
		cmocka_unit_test(set_applies_in_order),
		cmocka_unit_test(set_errors_are_located_in_the_argument),
		cmocka_unit_test(sweep_expands_point_major),
		cmocka_unit_test(seed_option_replaces_the_scenario_seed),
		cmocka_unit_test(sweep_applies_after_set),
		cmocka_unit_test(point_json_types),
		cmocka_unit_test(config_yaml_reloads_to_the_same_run),
		cmocka_unit_test(bad_snippets_give_exact_messages),
		cmocka_unit_test(missing_file_is_an_input_error),
		cmocka_unit_test(nul_bytes_are_refused),
		cmocka_unit_test(catalogue_of_bad_files),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
