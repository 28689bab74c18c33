/*
 * test_model_config.c — the `model` section of a scenario for the network
 * models: the defaults of each kind, the lists model.hidden and
 * model.channels and model.kernel read into struct model_config, through
 * the file, --set and a sweep, the resolved YAML of a run loading back to
 * the same configuration, and each bad value as its exact located
 * message (the catalogue tests/bad/model-*.yaml has more, run by
 * bad_inputs.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/scenario/scenario.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The scenario around a model section. */
#define SCENARIO(model)                                                     \
	"stop: {updates: 100}\n"                                            \
	"model: " model "\n"                                                \
	"protocol: {kind: sync}\n"                                          \
	"workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"

static char tmpdir[] = "/tmp/asg_test_model_config_XXXXXX";

static int make_tmpdir(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
	remove(path);
	return rmdir(tmpdir);
}

/* Load yaml (written to tmpdir/s.yaml) with the given --set arguments;
 * on error *d holds the message with the path cut off. */
static asg_status load(const char *yaml, const char *const *sets, size_t nsets,
		       struct scenario_plan *plan, struct diag *d)
{
	char path[PATH_MAX];
	struct scenario_overrides ov = { .sets = sets, .nsets = nsets };
	snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	diag_init(d);
	asg_status st = scenario_plan_load(path, &ov, plan, d);
	size_t n = strlen(path);
	if (st != ASG_OK && !strncmp(d->text, path, n) && d->text[n] == ':')
		memmove(d->text, d->text + n + 1, strlen(d->text + n + 1) + 1);
	return st;
}

static void load_ok(const char *yaml, const char *const *sets, size_t nsets,
		    struct scenario_plan *plan)
{
	struct diag d;
	if (load(yaml, sets, nsets, plan, &d) != ASG_OK)
		fail_msg("scenario does not load: %s\n%s", d.text, yaml);
}

static void assert_longs(const long *got, size_t ngot, const long *want,
			 size_t nwant)
{
	assert_int_equal(ngot, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_int_equal(got[i], want[i]);
}

/* model: {kind: K} alone gives the kind's defaults. */
static void test_defaults_of_each_kind(void **state)
{
	static const struct {
		const char *yaml;
		double l2;
		long hidden[2];
		size_t nhidden;
		long channels[2];
		size_t nchannels;
		long kernel;
	} cases[] = {
		{ SCENARIO("{kind: quadratic}"), .l2 = 0 },
		{ SCENARIO("{kind: logreg}"), .l2 = 1e-4 },
		{ SCENARIO("{kind: softmax}"), .l2 = 1e-4 },
		{ SCENARIO("{kind: mlp}"), .l2 = 1e-4, .hidden = { 128 }, .nhidden = 1 },
		{ SCENARIO("{kind: cnn}"), .l2 = 1e-4, .hidden = { 120, 84 },
		  .nhidden = 2, .channels = { 6, 16 }, .nchannels = 2, .kernel = 5 },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct scenario_plan plan;
		load_ok(cases[i].yaml, NULL, 0, &plan);
		const struct model_config *mc = &plan.runs[0].sc.model;
		assert_true(mc->l2 == cases[i].l2);
		assert_longs(mc->hidden, mc->nhidden, cases[i].hidden, cases[i].nhidden);
		assert_longs(mc->channels, mc->nchannels, cases[i].channels,
			     cases[i].nchannels);
		assert_int_equal(mc->kernel, cases[i].kernel);
		scenario_plan_release(&plan);
	}
}

/* Given values replace the defaults; an empty hidden list is allowed. */
static void test_given_values(void **state)
{
	struct scenario_plan plan;
	load_ok(SCENARIO("{kind: mlp, hidden: [256, 128], l2: 0}"), NULL, 0, &plan);
	const struct model_config *mc = &plan.runs[0].sc.model;
	assert_int_equal(mc->kind, MODEL_MLP);
	assert_true(mc->l2 == 0);
	assert_longs(mc->hidden, mc->nhidden, (const long[]){ 256, 128 }, 2);
	scenario_plan_release(&plan);

	load_ok(SCENARIO("{kind: cnn, channels: [8], kernel: 3, hidden: []}"),
		NULL, 0, &plan);
	mc = &plan.runs[0].sc.model;
	assert_int_equal(mc->kind, MODEL_CNN);
	assert_longs(mc->channels, mc->nchannels, (const long[]){ 8 }, 1);
	assert_int_equal(mc->kernel, 3);
	assert_int_equal(mc->nhidden, 0);
	assert_string_equal(scenario_model_name(mc->kind), "cnn");
	scenario_plan_release(&plan);
}

/* --set and a sweep reach the lists; each run's resolved YAML loads back
 * to the same model configuration. */
static void test_set_sweep_and_reload(void **state)
{
	static const char *const sets[] = { "model.channels=[4, 8, 12]",
					    "model.kernel=2" };
	struct scenario_plan plan;
	load_ok(SCENARIO("{kind: cnn}") "sweep:\n  model.hidden: [[64], [32, 16]]\n",
		sets, NELEM(sets), &plan);
	assert_int_equal(plan.nruns, 2);
	for (size_t r = 0; r < 2; r++) {
		const struct model_config *mc = &plan.runs[r].sc.model;
		assert_longs(mc->channels, mc->nchannels, (const long[]){ 4, 8, 12 }, 3);
		assert_int_equal(mc->kernel, 2);
		if (r == 0)
			assert_longs(mc->hidden, mc->nhidden, (const long[]){ 64 }, 1);
		else
			assert_longs(mc->hidden, mc->nhidden, (const long[]){ 32, 16 }, 2);
		struct scenario_plan again;
		load_ok(plan.runs[r].config_yaml, NULL, 0, &again);
		assert_memory_equal(&again.runs[0].sc.model, mc, sizeof *mc);
		scenario_plan_release(&again);
	}
	scenario_plan_release(&plan);
}

/* Each bad value: its message, located at the offending node. */
static void test_bad_values(void **state)
{
	static const struct {
		const char *yaml;
		const char *message;
	} cases[] = {
		{ SCENARIO("{kind: logreg, hidden: [8]}"),
		  "2:23: 'model.hidden' applies only to model.kind mlp or cnn" },
		{ SCENARIO("{kind: mlp, kernel: 3}"),
		  "2:20: 'model.kernel' applies only to model.kind cnn" },
		{ SCENARIO("{kind: softmax, channels: [3]}"),
		  "2:24: 'model.channels' applies only to model.kind cnn" },
		{ SCENARIO("{kind: mlp, hidden: [1, 2, 3, 4, 5, 6, 7, 8, 9]}"),
		  "2:28: 'model.hidden' must have at most 8 entries, got 9" },
		{ SCENARIO("{kind: cnn, channels: []}"),
		  "2:30: 'model.channels' must have 1 to 4 entries, got 0" },
		{ SCENARIO("{kind: cnn, channels: [6, 0]}"),
		  "2:34: 'model.channels[1]' must be > 0, got 0" },
		{ SCENARIO("{kind: mlp, hidden: [64, wide]}"),
		  "2:33: expected an integer for 'model.hidden[1]', got 'wide'" },
		{ SCENARIO("{kind: mlp, hidden: {a: 1}}"),
		  "2:28: expected a list of integers for 'model.hidden', got a mapping" },
		{ SCENARIO("{kind: cnn, kernel: -5}"),
		  "2:28: 'model.kernel' must be > 0, got -5" },
		{ SCENARIO("{kind: cnn, kernel: 2.5}"),
		  "2:28: expected an integer for 'model.kernel', got '2.5'" },
		{ SCENARIO("{kind: mlp, l2: -1}"),
		  "2:24: 'model.l2' must be >= 0, got -1" },
		{ SCENARIO("{kind: mlp, hiden: [3]}"),
		  "2:20: unknown key 'hiden' in 'model', did you mean 'hidden'?" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct scenario_plan plan;
		struct diag d;
		if (load(cases[i].yaml, NULL, 0, &plan, &d) == ASG_OK)
			fail_msg("case %zu loads:\n%s", i, cases[i].yaml);
		assert_int_equal(d.status, ASG_EINPUT);
		assert_string_equal(d.text, cases[i].message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_of_each_kind),
		cmocka_unit_test(test_given_values),
		cmocka_unit_test(test_set_sweep_and_reload),
		cmocka_unit_test(test_bad_values),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
