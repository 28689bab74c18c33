/*
 * fixture.h — what the simulation tests share: a scenario from a YAML
 * string, a run to its end, a query on a results database.
 *
 * Each test program includes it once; the functions fail the current
 * cmocka test on any error.
 */
#ifndef ASG_TEST_FIXTURE_H
#define ASG_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/engine/sim.h"
#include "src/scenario/scenario.h"

/* A path in the build directory, unique to this process. */
static inline void fixture_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s-%ld-%s", BUILD_DIR, "fixture", (long)getpid(), name);
}

/* Load a scenario given as YAML text (written to a file first). */
static inline void fixture_load(const char *yaml, struct scenario_plan *plan)
{
	char path[4096];
	fixture_path(path, sizeof path, "scenario.yaml");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	struct scenario_overrides none = { 0 };
	struct diag d;
	diag_init(&d);
	if (scenario_plan_load(path, &none, plan, &d) != ASG_OK)
		fail_msg("scenario does not load: %s", d.text);
	remove(path);
}

/* Build and run one scenario to its end, recording into rec (or not). */
static inline void fixture_run(const struct scenario *sc, struct recorder *rec,
			       struct sim *s)
{
	struct diag d;
	diag_init(&d);
	if (sim_init(s, sc, rec, &d) != ASG_OK)
		fail_msg("sim_init: %s", d.text);
	if (sim_run(s, &d) != ASG_OK)
		fail_msg("sim_run: %s", d.text);
}

/* Run every run of a plan into a new database at db_path. */
static inline void fixture_run_into(const struct scenario_plan *plan,
				    const char *db_path)
{
	struct diag d;
	diag_init(&d);
	remove(db_path);
	struct recorder *rec = recorder_open(db_path, &d);
	if (!rec)
		fail_msg("recorder_open: %s", d.text);
	for (size_t i = 0; i < plan->nruns; i++) {
		struct run_row row = sim_run_row(&plan->runs[i]);
		int64_t id;
		assert_int_equal(recorder_run_begin(rec, &row, &id), ASG_OK);
		struct sim s;
		fixture_run(&plan->runs[i].sc, rec, &s);
		assert_int_equal(sim_record_summary(&s, 0.0), ASG_OK);
		sim_release(&s);
	}
	recorder_close(rec);
}

/* The scenario given as YAML text must be refused with a located message
 * ending in `want` ("FILE:LINE:COL: ..." with FILE the scenario's). */
static inline void fixture_refused(const char *yaml, const char *want)
{
	char path[4096];
	fixture_path(path, sizeof path, "refused.yaml");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	struct scenario_overrides none = { 0 };
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	asg_status s = scenario_plan_load(path, &none, &plan, &d);
	remove(path);
	if (s == ASG_OK) {
		scenario_plan_release(&plan);
		fail_msg("scenario loads, expected '%s'", want);
	}
	assert_int_equal(s, ASG_EINPUT);
	size_t n = strlen(d.text), m = strlen(want);
	if (n < m || strcmp(d.text + n - m, want) || strncmp(d.text, path, strlen(path)))
		fail_msg("got '%s', expected '%s:...%s'", d.text, path, want);
}

/* The first column of the first row of a query, as a double. */
static inline double fixture_query(const char *db_path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	double v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Relative error |got - want| / |want| within tol, with a message. */
static inline void fixture_assert_close(const char *what, double got,
					double want, double tol)
{
	double rel = fabs(got - want) / fabs(want);
	if (!(rel <= tol))
		fail_msg("%s = %.6g, expected %.6g within %.2g%% (off by %.3g%%)",
			 what, got, want, 100 * tol, 100 * rel);
	printf("  %s = %.6g (closed form %.6g, off by %.3f%%, tolerance %.2g%%)\n",
	       what, got, want, 100 * rel, 100 * tol);
}

#endif
