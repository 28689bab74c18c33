/*
 * test_merge.c — copying runs between databases and knowing them by key
 * (src/record/merge.h, resume.h): a copied run keeps every row of every
 * table with a run_id column, a table unknown to this file included; it
 * takes the output's next run_id; a table the output lacks is created; a
 * column the output lacks is refused with nothing copied; resume_forget
 * deletes a run from every table; the list reads keys and finished
 * flags, and a missing file is an empty list; the key set finds equal
 * keys only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/record/merge.h"
#include "src/record/recorder.h"
#include "src/record/resume.h"

static void db_remove(const char *path)
{
	char side[4200];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
}

static void db_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/merge-%ld-%s", BUILD_DIR, (long)getpid(), name);
	db_remove(buf);
}

static void exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* The first column of the first row of sql, as an integer. */
static int64_t q_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Add a run with seed `seed`, `nupdates` update rows (k = 0, 1, ...) and
 * status done (or left running). */
static void add_run(const char *path, uint64_t seed, int nupdates, bool finish)
{
	struct diag d;
	diag_init(&d);
	struct recorder *rec = recorder_open(path, &d);
	if (!rec)
		fail_msg("%s", d.text);
	char config[64];
	snprintf(config, sizeof config, "seed: %llu\n", (unsigned long long)seed);
	struct run_row row = { .scenario = "s", .config = config, .point = "{}",
			       .point_index = 0, .replication = (long)seed,
			       .seed = seed, .protocol = "async", .model = "none",
			       .workers = 2, .version = "test" };
	int64_t id;
	assert_int_equal(recorder_run_begin(rec, &row, &id), ASG_OK);
	for (int k = 0; k < nupdates; k++)
		assert_int_equal(recorder_update(rec, (uint64_t)k, 0.5 * k, k % 2,
						 1, 0.1, 2.0), ASG_OK);
	if (finish) {
		struct run_result res = { .status = "done", .updates = (uint64_t)nupdates,
					  .mean_staleness = 1, .final_loss = NAN,
					  .final_grad_norm2 = NAN,
					  .test_accuracy = NAN, .diverged_at = -1 };
		assert_int_equal(recorder_run_end(rec, &res), ASG_OK);
	}
	recorder_close(rec);
}

static void copy(struct merge *m, const char *in, int64_t id, int64_t want)
{
	struct diag d;
	int64_t got;
	diag_init(&d);
	if (merge_copy(m, in, id, &got, &d) != ASG_OK)
		fail_msg("%s", d.text);
	assert_int_equal(got, want);
}

/* Rows of every table follow their run, run_id rewritten, in order; the
 * updates rows of a run, read through its spans (two in the input, run 1's
 * last row written after run 2's), become one span in the output. */
static void merge_copies_every_table(void **state)
{
	char in[4096], out[4096];
	db_path(in, sizeof in, "in.db");
	db_path(out, sizeof out, "out.db");
	add_run(in, 1, 10, true);
	add_run(in, 2, 7, true);
	exec(in, "CREATE TABLE extra (run_id INTEGER, v REAL);"
		 "INSERT INTO extra VALUES (2, 1.5), (1, 9), (2, 2.5);"
		 "INSERT INTO updates (run_id, k) VALUES (1, 10);"
		 "INSERT INTO update_spans VALUES (1, last_insert_rowid(),"
		 " last_insert_rowid())");
	add_run(out, 9, 3, true);   /* run 1 of out */

	struct diag d;
	diag_init(&d);
	struct merge *m = merge_open(out, &d);
	assert_non_null(m);
	copy(m, in, 2, 2);
	copy(m, in, 1, 3);
	merge_close(m);

	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM runs"), 3);
	assert_int_equal(q_int(out, "SELECT seed FROM runs WHERE run_id = 2"), 2);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM updates WHERE run_id = 2"), 7);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM updates WHERE run_id = 3"), 11);
	assert_int_equal(q_int(out, "SELECT SUM(k) FROM updates WHERE run_id = 3"), 55);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM update_spans"), 3);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM updates_by_run v JOIN updates u"
			     " ON u.rowid = v.seq AND u.run_id = v.run_id"), 3 + 7 + 11);
	assert_int_equal(q_int(out, "SELECT SUM(last_rowid - first_rowid + 1)"
			     " FROM update_spans WHERE run_id = 3"), 11);
	/* written order kept: k ascends with rowid within the run */
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM updates a JOIN updates b"
			     " ON a.run_id = b.run_id AND a.rowid < b.rowid"
			     " AND a.k > b.k"), 0);
	/* the table this file does not know was created and copied */
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM extra WHERE run_id = 2"), 2);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM extra WHERE run_id = 3"), 1);
	assert_int_equal(q_int(out, "SELECT 10 * v FROM extra WHERE run_id = 2"
			     " ORDER BY rowid LIMIT 1"), 15);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM workers"), 0);
	db_remove(in);
	db_remove(out);
}

/* A column the output's table lacks: refused, nothing of the run copied. */
static void merge_refuses_unknown_column(void **state)
{
	char in[4096], out[4096];
	db_path(in, sizeof in, "in.db");
	db_path(out, sizeof out, "out.db");
	add_run(in, 1, 5, true);
	exec(in, "CREATE TABLE extra (run_id INTEGER, v REAL)");
	add_run(out, 9, 3, true);
	exec(out, "CREATE TABLE extra (run_id INTEGER)");

	struct diag d;
	int64_t id;
	diag_init(&d);
	struct merge *m = merge_open(out, &d);
	assert_non_null(m);
	assert_int_equal(merge_copy(m, in, 1, &id, &d), ASG_EIO);
	assert_non_null(strstr(d.text, "table 'extra' has a column 'v'"));
	merge_close(m);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM runs"), 1);
	db_remove(in);
	db_remove(out);
}

/* Copying a run that is not there is an error, nothing written. */
static void merge_refuses_missing_run(void **state)
{
	char in[4096], out[4096];
	db_path(in, sizeof in, "in.db");
	db_path(out, sizeof out, "out.db");
	add_run(in, 1, 5, true);
	struct diag d;
	int64_t id;
	diag_init(&d);
	struct merge *m = merge_open(out, &d);
	assert_int_equal(merge_copy(m, in, 7, &id, &d), ASG_EIO);
	assert_non_null(strstr(d.text, "no run 7"));
	merge_close(m);
	assert_int_equal(q_int(out, "SELECT COUNT(*) FROM runs"), 0);
	db_remove(in);
	db_remove(out);
}

/* resume_forget deletes the run and its rows in every table. */
static void forget_deletes_every_row(void **state)
{
	char p[4096];
	db_path(p, sizeof p, "f.db");
	add_run(p, 1, 10, true);
	add_run(p, 2, 6, false);   /* left running */
	exec(p, "CREATE TABLE extra (run_id INTEGER, v REAL);"
		"INSERT INTO extra VALUES (1, 1), (2, 2), (2, 3)");
	struct diag d;
	diag_init(&d);
	int64_t ids[] = { 2 };
	assert_int_equal(resume_forget(p, ids, 1, &d), ASG_OK);
	assert_int_equal(q_int(p, "SELECT COUNT(*) FROM runs"), 1);
	assert_int_equal(q_int(p, "SELECT COUNT(*) FROM updates WHERE run_id = 2"), 0);
	assert_int_equal(q_int(p, "SELECT COUNT(*) FROM updates WHERE run_id = 1"), 10);
	assert_int_equal(q_int(p, "SELECT COUNT(*) FROM extra"), 1);
	db_remove(p);
}

/* The list: keys, statuses, finished flags; a missing file holds nothing. */
static void list_reads_keys(void **state)
{
	char p[4096];
	db_path(p, sizeof p, "l.db");
	struct resume_list l;
	struct diag d;
	diag_init(&d);
	assert_int_equal(resume_list_read(&l, p, &d), ASG_OK);
	assert_int_equal(l.n, 0);
	add_run(p, 4, 2, true);
	add_run(p, 5, 2, false);
	assert_int_equal(resume_list_read(&l, p, &d), ASG_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.runs[0].run_id, 1);
	assert_string_equal(l.runs[0].key.scenario, "s");
	assert_string_equal(l.runs[0].key.config, "seed: 4\n");
	assert_int_equal(l.runs[0].key.seed, 4);
	assert_true(l.runs[0].finished);
	assert_string_equal(l.runs[1].status, "running");
	assert_false(l.runs[1].finished);
	resume_list_release(&l);
	db_remove(p);
}

/* The set finds a key equal in every field, and nothing else. */
static void set_matches_whole_keys(void **state)
{
	static const struct resume_key keys[] = {
		{ "s", 0, 0, 1, "a" }, { "s", 0, 1, 1, "a" }, { "s", 1, 0, 1, "a" },
		{ "s", 0, 0, 2, "a" }, { "s", 0, 0, 1, "b" }, { "t", 0, 0, 1, "a" },
	};
	const size_t n = sizeof keys / sizeof *keys;
	struct resume_set set = { 0 };
	int64_t v;
	for (size_t i = 0; i < n; i++) {
		struct resume_key copy = keys[i];
		assert_false(resume_set_find(&set, &copy, &v));
		assert_int_equal(resume_set_add(&set, &keys[i], (int64_t)i), ASG_OK);
		assert_true(resume_set_find(&set, &copy, &v));
		assert_int_equal(v, (int64_t)i);
	}
	/* a key added twice keeps its first value; many keys grow the set */
	assert_int_equal(resume_set_add(&set, &keys[0], 99), ASG_OK);
	assert_true(resume_set_find(&set, &keys[0], &v));
	assert_int_equal(v, 0);
	struct resume_key *many = calloc(1000, sizeof *many);
	for (long i = 0; i < 1000; i++) {
		many[i] = (struct resume_key){ "u", i, 0, 1, "a" };
		assert_int_equal(resume_set_add(&set, &many[i], i), ASG_OK);
	}
	assert_int_equal(set.n, n + 1000);
	for (long i = 0; i < 1000; i++) {
		assert_true(resume_set_find(&set, &many[i], &v));
		assert_int_equal(v, i);
	}
	resume_set_release(&set);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_copies_every_table),
		cmocka_unit_test(merge_refuses_unknown_column),
		cmocka_unit_test(merge_refuses_missing_run),
		cmocka_unit_test(forget_deletes_every_row),
		cmocka_unit_test(list_reads_keys),
		cmocka_unit_test(set_matches_whole_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
