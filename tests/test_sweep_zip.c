/*
 * test_sweep_zip.c — `zip:` in a sweep (src/scenario/sweep.h): zipped keys
 * share one dimension of the grid at zip's place among the keys, a zip of
 * several mappings is several dimensions, every run's point JSON names
 * each key with its value, and malformed zips are located errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/scenario/scenario.h"

#define BASE \
	"name: z\n" \
	"stop: {updates: 10}\n" \
	"model: {kind: none}\n" \
	"protocol: {kind: async}\n" \
	"workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"

/* Load yaml (written to a file in the build directory) into plan. */
static asg_status load(const char *yaml, struct scenario_plan *plan,
		       struct diag *d)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/zip-%ld.yaml", BUILD_DIR, (long)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	struct scenario_overrides none = { 0 };
	diag_init(d);
	asg_status s = scenario_plan_load(path, &none, plan, d);
	remove(path);
	return s;
}

/* A zip between two keys: 2 x 2 points, the zip varying fastest. */
static void zip_shares_a_dimension(void **state)
{
	static const char yaml[] = BASE
		"sweep:\n"
		"  protocol.kind: [sync, async]\n"
		"  zip:\n"
		"    - {\"workers[0].count\": [3, 5], protocol.batch: [7, 9]}\n";
	static const struct { const char *kind; long workers; long batch; } want[] = {
		{ "sync", 3, 7 }, { "sync", 5, 9 }, { "async", 3, 7 }, { "async", 5, 9 },
	};
	struct scenario_plan plan;
	struct diag d;
	if (load(yaml, &plan, &d) != ASG_OK)
		fail_msg("%s", d.text);
	assert_int_equal(plan.nruns, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct scenario *sc = &plan.runs[i].sc;
		assert_int_equal(plan.runs[i].point, (long)i);
		assert_string_equal(scenario_protocol_name(sc->protocol.kind),
				    want[i].kind);
		assert_int_equal(sc->nworkers, want[i].workers);
		assert_int_equal(sc->protocol.batch, want[i].batch);
	}
	assert_string_equal(plan.runs[1].point_json,
			    "{\"protocol.kind\":\"sync\",\"workers[0].count\":5,"
			    "\"protocol.batch\":9}");
	scenario_plan_release(&plan);
}

/* zip as one mapping, before a key; two mappings are two dimensions. */
static void zip_place_and_groups(void **state)
{
	static const struct {
		const char *sweep;   /* the sweep mapping */
		size_t nruns;        /* runs expected */
		long workers[6];     /* nworkers of each run */
		long batch[6];       /* batch of each run */
	} cases[] = {
		{ "{zip: {\"workers[0].count\": [3, 5], protocol.batch: [7, 9]},"
		  " protocol.kind: [sync, async]}",
		  4, { 3, 3, 5, 5 }, { 7, 7, 9, 9 } },
		{ "{zip: [{\"workers[0].count\": [3, 5, 6]}, {protocol.batch: [7, 9]}]}",
		  6, { 3, 3, 5, 5, 6, 6 }, { 7, 9, 7, 9, 7, 9 } },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char yaml[1024];
		snprintf(yaml, sizeof yaml, BASE "sweep: %s\n", cases[c].sweep);
		struct scenario_plan plan;
		struct diag d;
		if (load(yaml, &plan, &d) != ASG_OK)
			fail_msg("%s", d.text);
		assert_int_equal(plan.nruns, cases[c].nruns);
		for (size_t i = 0; i < plan.nruns; i++) {
			assert_int_equal(plan.runs[i].sc.nworkers, cases[c].workers[i]);
			assert_int_equal(plan.runs[i].sc.protocol.batch,
					 cases[c].batch[i]);
		}
		scenario_plan_release(&plan);
	}
}

/* Malformed zips: located messages, no plan. */
/* A null value leaves its key out of that point's document: the kinds that
 * do not take model.hidden get their defaults, the others the value. */
static void null_leaves_a_key_out(void **state)
{
	static const char yaml[] =
		"name: z\n"
		"stop: {updates: 10}\n"
		"model: {kind: mlp, hidden: [7]}\n"
		"data: {kind: csv, path: /dev/null}\n"
		"protocol: {kind: async}\n"
		"workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"
		"sweep:\n"
		"  zip:\n"
		"    model.kind: [softmax, mlp, logreg]\n"
		"    model.hidden: [~, [5, 3], null]\n";
	struct scenario_plan plan;
	struct diag d;
	if (load(yaml, &plan, &d) != ASG_OK)
		fail_msg("%s", d.text);
	assert_int_equal(plan.nruns, 3);
	assert_null(strstr(plan.runs[0].config_yaml, "hidden"));
	assert_non_null(strstr(plan.runs[1].config_yaml, "hidden:\n  - 5\n  - 3\n"));
	assert_null(strstr(plan.runs[2].config_yaml, "hidden"));
	assert_string_equal(plan.runs[0].point_json,
			    "{\"model.kind\":\"softmax\",\"model.hidden\":null}");
	scenario_plan_release(&plan);
	(void)state;
}

static void zip_errors(void **state)
{
	static const struct { const char *sweep; const char *message; } cases[] = {
		{ "{zip: {\"workers[0].count\": [3, 5], protocol.batch: [7]}}",
		  ":6:59: zipped key 'protocol.batch' has 1 values,"
		  " 'workers[0].count' has 2" },
		{ "{zip: 3}",
		  ":6:14: expected a mapping or a sequence of mappings for 'zip', got '3'" },
		{ "{zip: []}", ":6:14: 'zip' has no keys" },
		{ "{zip: [{}]}", ":6:15: 'zip' has no keys" },
		{ "{zip: [[1]]}",
		  ":6:15: expected a mapping of keys to values in 'zip', got a sequence" },
		{ "{zip: {protocol.batch: 7}}",
		  ":6:31: expected a sequence of values for sweep key 'protocol.batch', got '7'" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char yaml[1024];
		snprintf(yaml, sizeof yaml, BASE "sweep: %s\n", cases[c].sweep);
		struct scenario_plan plan;
		struct diag d;
		assert_int_equal(load(yaml, &plan, &d), ASG_EINPUT);
		if (!strstr(d.text, cases[c].message))
			fail_msg("case %zu: got '%s', expected '...%s'", c, d.text,
				 cases[c].message);
		assert_int_equal(plan.nruns, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zip_shares_a_dimension),
		cmocka_unit_test(zip_place_and_groups),
		cmocka_unit_test(null_leaves_a_key_out),
		cmocka_unit_test(zip_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
