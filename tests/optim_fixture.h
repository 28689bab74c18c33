/*
 * optim_fixture.h — what the tests of expressions, step policies and the
 * optimal-time protocols share besides fixture.h: the message of a
 * scenario that must not load, and the rows of a run's `updates` table.
 *
 * Include it after fixture.h, once per test program.
 */
#ifndef ASG_TEST_OPTIM_FIXTURE_H
#define ASG_TEST_OPTIM_FIXTURE_H

#include <math.h>

#include "fixture.h"

/* The message of a scenario (YAML text) that must not load, with its file
 * name replaced by "s.yaml"; exit status ASG_EINPUT. */
static inline const char *optim_load_error(const char *yaml, struct diag *d)
{
	static char msg[DIAG_TEXT_MAX + 16];
	char path[4096];
	struct scenario_plan plan;
	struct scenario_overrides none = { 0 };

	fixture_path(path, sizeof path, "bad.yaml");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	diag_init(d);
	if (scenario_plan_load(path, &none, &plan, d) == ASG_OK)
		fail_msg("scenario loads, expected an error:\n%s", yaml);
	remove(path);
	assert_int_equal(d->status, ASG_EINPUT);
	size_t n = strlen(path);
	if (strncmp(d->text, path, n) || d->text[n] != ':')
		fail_msg("message not located in the file: %s", d->text);
	snprintf(msg, sizeof msg, "s.yaml%s", d->text + n);
	return msg;
}

/* A parse of `text` that must fail with exactly the message `want`. */
static inline void optim_expect_message(const char *text, asg_status s,
					const struct diag *d, const char *want)
{
	if (s != ASG_EINPUT || strcmp(d->text, want))
		fail_msg("'%s': status %d, message\n  '%s'\nwant\n  '%s'", text, s,
			 d->text, want);
}

/* Check a table of scenarios and the messages they must give. */
struct optim_bad {
	const char *yaml;
	const char *message;   /* "s.yaml:LINE:COL: ..." */
};

static inline void optim_check_bad(const struct optim_bad *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct diag d;
		const char *got = optim_load_error(cases[i].yaml, &d);
		if (strcmp(got, cases[i].message))
			fail_msg("case %zu:\n got  '%s'\n want '%s'", i, got,
				 cases[i].message);
	}
	printf("  %zu bad scenarios refused with the expected message\n", n);
}

/* One row of `updates`. */
struct optim_row {
	int64_t k;
	double t;
	int64_t worker;
	int64_t staleness;
	double step;
	double norm2;
};

/* The updates rows of the only run of a database, in the order written
 * (malloc'd; *n rows). */
static inline struct optim_row *optim_rows(const char *db_path, size_t *n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t cap = 1024;
	struct optim_row *rows = malloc(cap * sizeof *rows);

	assert_non_null(rows);
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT k, t, worker, staleness, "
					    "step_size, grad_norm2 FROM updates "
					    "ORDER BY rowid", -1, &st, NULL),
			 SQLITE_OK);
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap *= 2;
			rows = realloc(rows, cap * sizeof *rows);
			assert_non_null(rows);
		}
		struct optim_row *r = &rows[(*n)++];
		r->k = sqlite3_column_int64(st, 0);
		r->t = sqlite3_column_double(st, 1);
		r->worker = sqlite3_column_int64(st, 2);
		r->staleness = sqlite3_column_int64(st, 3);
		r->step = sqlite3_column_double(st, 4);
		r->norm2 = sqlite3_column_type(st, 5) == SQLITE_NULL
				   ? NAN : sqlite3_column_double(st, 5);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rows;
}

/* Load a scenario and run it into a new database db_path. */
static inline void optim_run_db(const char *yaml, const char *db_path)
{
	struct scenario_plan plan;
	fixture_load(yaml, &plan);
	fixture_run_into(&plan, db_path);
	scenario_plan_release(&plan);
}

#endif
