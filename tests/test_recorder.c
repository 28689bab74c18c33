/*
 * test_recorder.c — the results database: rows round-trip (NAN as NULL),
 * run status transitions, runs are appended, foreign and other-version
 * files are refused with their messages, an interrupted or killed run
 * leaves a sound database with its checkpointed rows, the first failure is
 * kept, and the report prints the expected lines.  The insert throughput
 * of 3e6 update rows is printed, never asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/record/ckpt.h"
#include "src/record/recorder.h"
#include "src/record/report.h"
#include "src/record/schema.h"

/* Remove a database and its WAL side files. */
static void db_remove(const char *path)
{
	char side[4200];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
}

/* A database path in the build directory, unique to this process, with
 * any leftover of an earlier test removed. */
static void db_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/recorder-%ld-%s", BUILD_DIR, (long)getpid(), name);
	db_remove(buf);
}

/* The first column of the first row of sql, as an integer; -1 for NULL. */
static int64_t q_int(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_type(st, 0) == SQLITE_NULL
			    ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static double q_real(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	double v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row of sql as text ("NULL" for NULL), in
 * buf. */
static const char *q_text(const char *path, const char *sql, char *buf,
			  size_t size)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *s = sqlite3_column_text(st, 0);
	snprintf(buf, size, "%s", s ? (const char *)s : "NULL");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

/* Run sql on a writable connection. */
static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static struct run_row test_row(long point, long rep, uint64_t seed)
{
	return (struct run_row){
		.scenario = "test", .config = "name: test\n", .point = "{}",
		.point_index = point, .replication = rep, .seed = seed,
		.protocol = "async", .model = "logreg", .workers = 3,
		.version = "0.0.test",
	};
}

static struct run_result test_result(const char *status)
{
	return (struct run_result){
		.status = status, .updates = 100, .gradients = 120,
		.events = 400, .virtual_time = 10.0, .wall_seconds = 0.25,
		.mean_staleness = 1.5, .final_loss = 0.5,
		.final_grad_norm2 = NAN, .test_accuracy = NAN,
		.diverged_at = -1,
	};
}

static struct recorder *open_ok(const char *path)
{
	struct diag d;
	diag_init(&d);
	struct recorder *r = recorder_open(path, &d);
	if (!r)
		fail_msg("recorder_open: %s", d.text);
	return r;
}

/* Write n update rows k = 0..n-1 into the open run. */
static void write_updates(struct recorder *r, long n)
{
	for (long i = 0; i < n; i++)
		assert_int_equal(recorder_update(r, (uint64_t)i, 0.5 * (double)i,
						 i % 7, (uint64_t)(i % 5), 0.01,
						 1.0 / (double)(i + 1)),
				 ASG_OK);
}

/* Rows come back with their values; NAN becomes NULL. */
static void test_rows_round_trip(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "rows.db");
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	for (long i = 0; i < 5000; i++)
		assert_int_equal(recorder_update(r, (uint64_t)i, 0.5 * (double)i,
						 i % 7, (uint64_t)(i % 5), 0.01,
						 i % 10 == 0 ? NAN : 1.0 / (double)(i + 1)),
				 ASG_OK);
	for (long i = 0; i < 500; i++)
		assert_int_equal(recorder_eval(r, (uint64_t)(10 * i), 5.0 * (double)i,
					       0.1 * (double)i, 0.7, NAN,
					       i % 2 ? NAN : 0.9),
				 ASG_OK);
	struct worker_row w0 = { 0, "fast", 60, 0.6, 8.0, 1e6, 1.25, 0.01, 60, 2, 1, 3, 250, 0, 0, 0 };
	struct worker_row w1 = { 1, NULL, 0, 0.0, 0.0, 0.0, NAN, 0.01, 0, 0, 0, 0, -1, 0, 0, 0 };
	assert_int_equal(recorder_worker(r, &w0), ASG_OK);
	assert_int_equal(recorder_worker(r, &w1), ASG_OK);
	struct run_result res = test_result("done");
	assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	recorder_close(r);

	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"), 5000);
	assert_int_equal(q_int(path, "SELECT SUM(k) FROM updates"), 5000 * 4999 / 2);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"
				     " WHERE grad_norm2 IS NULL"), 500);
	assert_int_equal(q_int(path, "SELECT worker * 10 + staleness FROM updates"
				     " WHERE k = 1234"), 2 * 10 + 4);
	assert_true(q_real(path, "SELECT t FROM updates WHERE k = 1234") == 617.0);
	assert_true(q_real(path, "SELECT grad_norm2 FROM updates WHERE k = 1234") ==
		    1.0 / 1235.0);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM evals"), 500);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM evals"
				     " WHERE test_loss IS NULL"), 500);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM evals"
				     " WHERE test_accuracy IS NULL"), 250);
	assert_true(q_real(path, "SELECT full_grad_norm2 FROM evals WHERE k = 30") ==
		    0.1 * 3.0);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates WHERE run_id = 1"),
			 5000);
	char buf[256];
	assert_string_equal(q_text(path, "SELECT group_concat(grp || ':' ||"
					 " IFNULL(mean_staleness, 'NULL'), ' ')"
					 " FROM workers", buf, sizeof buf),
			    "fast:1.25");
	assert_string_equal(q_text(path, "SELECT IFNULL(grp, 'NULL') || ' ' ||"
					 " IFNULL(mean_staleness, 'NULL')"
					 " FROM workers WHERE worker = 1",
				   buf, sizeof buf),
			    "NULL NULL");
	assert_int_equal(q_int(path, "SELECT final_grad_norm2 IS NULL AND"
				     " test_accuracy IS NULL AND diverged_at IS NULL"
				     " FROM runs"), 1);
	db_remove(path);
}

/* A new database says what it is and is in WAL mode. */
static void test_meta_and_wal(void **state)
{
	(void)state;
	char path[4096], buf[64];
	db_path(path, sizeof path, "meta.db");
	recorder_close(open_ok(path));
	snprintf(buf, sizeof buf, "%d", RECORDER_SCHEMA_VERSION);
	char got[64];
	assert_string_equal(q_text(path, "SELECT value FROM meta"
				   " WHERE key = 'schema_version'", got, sizeof got),
			    buf);
	assert_string_equal(q_text(path, "SELECT value FROM meta"
				   " WHERE key = 'asgdsim_version'", got, sizeof got),
			    ASGDSIM_VERSION);
	assert_string_equal(q_text(path, "PRAGMA journal_mode", got, sizeof got),
			    "wal");
	db_remove(path);
}

struct status_case {
	const char *status;   /* given to recorder_run_end */
	int64_t diverged_at;  /* given */
	int64_t stored_at;    /* expected in runs.diverged_at, -1 for NULL */
};

static const struct status_case status_cases[] = {
	{ "done", -1, -1 },
	{ "diverged", 42, 42 },
	{ "failed", -1, -1 },
};

/* running (committed at begin, seen by another connection) -> the end
 * status, with the summary and the finishing time. */
static void test_status_transitions(void **state)
{
	(void)state;
	char path[4096], buf[256];
	db_path(path, sizeof path, "status.db");
	struct recorder *r = open_ok(path);
	for (size_t c = 0; c < sizeof status_cases / sizeof status_cases[0]; c++) {
		const struct status_case *sc = &status_cases[c];
		struct run_row row = test_row(0, (long)c, 1);
		int64_t id;
		assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
		assert_int_equal(id, (int64_t)c + 1);
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT status || ' ' || IFNULL(updates, '-')"
			 " || ' ' || IFNULL(finished, '-') || ' ' ||"
			 " (started GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z')"
			 " FROM runs WHERE run_id = %lld", (long long)id);
		assert_string_equal(q_text(path, sql, buf, sizeof buf), "running - - 1");
		write_updates(r, 10);
		struct run_result res = test_result(sc->status);
		res.diverged_at = sc->diverged_at;
		assert_int_equal(recorder_run_end(r, &res), ASG_OK);
		snprintf(sql, sizeof sql, "SELECT status || ' ' || updates || ' ' ||"
			 " (finished >= started) FROM runs WHERE run_id = %lld",
			 (long long)id);
		char want[64];
		snprintf(want, sizeof want, "%s 100 1", sc->status);
		assert_string_equal(q_text(path, sql, buf, sizeof buf), want);
		snprintf(sql, sizeof sql, "SELECT diverged_at FROM runs"
			 " WHERE run_id = %lld", (long long)id);
		assert_int_equal(q_int(path, sql), sc->stored_at);
	}
	recorder_close(r);
	db_remove(path);
}

/* Opening an existing database adds runs after the ones it holds. */
static void test_second_open_appends(void **state)
{
	(void)state;
	char path[4096], buf[64];
	db_path(path, sizeof path, "append.db");
	for (int i = 0; i < 2; i++) {
		struct recorder *r = open_ok(path);
		struct run_row row = test_row(0, 0, (uint64_t)(7 + i));
		int64_t id;
		assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
		assert_int_equal(id, i + 1);
		write_updates(r, 100);
		struct run_result res = test_result("done");
		assert_int_equal(recorder_run_end(r, &res), ASG_OK);
		recorder_close(r);
	}
	assert_string_equal(q_text(path, "SELECT group_concat(run_id || ':' || seed)"
				   " FROM runs", buf, sizeof buf), "1:7,2:8");
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates WHERE run_id = 2"),
			 100);
	db_remove(path);
}

/* A seed above 2^63 comes back as the same 64 bits. */
static void test_seed_keeps_64_bits(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "seed.db");
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, UINT64_MAX - 5);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	recorder_close(r);
	assert_true((uint64_t)q_int(path, "SELECT seed FROM runs") == UINT64_MAX - 5);
	db_remove(path);
}

/* Files the recorder refuses, each with its message (%s: the path). */
struct refuse_case {
	const char *name;        /* file name in the build directory */
	void (*make)(const char *path);
	const char *message;     /* expected, %s for the path */
};

static void make_other_version(const char *path)
{
	recorder_close(open_ok(path));
	exec_sql(path, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
}

static void make_foreign(const char *path)
{
	exec_sql(path, "CREATE TABLE runs (id INTEGER)");
}

static void make_foreign_meta(const char *path)
{
	exec_sql(path, "CREATE TABLE meta (name TEXT)");
}

static void make_text_file(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a database, it is a text file long enough to fill"
	      " the header of one: 0123456789012345678901234567890123456789\n", f);
	fclose(f);
}

static void make_nothing(const char *path)
{
}

static const struct refuse_case refuse_cases[] = {
	{ "v7.db", make_other_version,
	  "'%s' has schema version 7, this asgdsim writes version 4" },
	{ "foreign.db", make_foreign, "'%s' is not an asgdsim database" },
	{ "foreign-meta.db", make_foreign_meta, "'%s' is not an asgdsim database" },
	{ "text.db", make_text_file, "cannot open '%s': file is not a database" },
	{ "no-such-dir/x.db", make_nothing,
	  "cannot open '%s': no such file or directory" },
};

static void test_refused_files(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof refuse_cases / sizeof refuse_cases[0]; c++) {
		const struct refuse_case *rc = &refuse_cases[c];
		char path[4096], want[4200];
		db_path(path, sizeof path, rc->name);
		rc->make(path);
		struct diag d;
		diag_init(&d);
		struct recorder *r = recorder_open(path, &d);
		if (r)
			fail_msg("%s: opened", rc->name);
		assert_int_equal(d.status, ASG_EIO);
		snprintf(want, sizeof want, rc->message, path);
		assert_string_equal(d.text, want);
		db_remove(path);
	}
}

/* The foreign file is left as it was: not switched to WAL. */
static void test_refused_file_untouched(void **state)
{
	(void)state;
	char path[4096], buf[64];
	db_path(path, sizeof path, "untouched.db");
	make_foreign(path);
	struct diag d;
	diag_init(&d);
	assert_null(recorder_open(path, &d));
	assert_string_equal(q_text(path, "PRAGMA journal_mode", buf, sizeof buf),
			    "delete");
	db_remove(path);
}

static void assert_integrity(const char *path);

/* Make a database of this version one of version 3: without update_spans
 * and its view, with the index on updates (run_id, k). */
static void downgrade_to_3(const char *path)
{
	exec_sql(path, "DROP VIEW updates_by_run; DROP TABLE update_spans;"
		 " CREATE INDEX updates_run_k ON updates (run_id, k);"
		 " UPDATE meta SET value = '3' WHERE key = 'schema_version'");
}

/* A database as version 2 wrote it: one finished run, without the
 * workers columns and the table consensus that version 3 added, and with
 * its timeline CHECK of three kinds. */
static void make_version_2(const char *path)
{
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	assert_int_equal(recorder_update(r, 0, 0.5, 1, 0, 0.01, 2.0), ASG_OK);
	struct worker_row w = { 0, "g", 1, 1.0, 0.5, 0.0, 0.0, 0.01, 1, 0, 0, 0, -1, 0, 0, 0 };
	assert_int_equal(recorder_worker(r, &w), ASG_OK);
	struct run_result res = test_result("done");
	assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	recorder_close(r);
	downgrade_to_3(path);
	exec_sql(path, "DROP TABLE consensus;"
		 " ALTER TABLE workers DROP COLUMN dropped;"
		 " ALTER TABLE workers DROP COLUMN shard_size;"
		 " ALTER TABLE workers DROP COLUMN slowed;"
		 " ALTER TABLE workers DROP COLUMN downtime;"
		 " ALTER TABLE workers DROP COLUMN lost;"
		 " DROP TABLE timeline;"
		 " CREATE TABLE timeline (run_id INTEGER NOT NULL REFERENCES runs (run_id),"
		 "  worker INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN"
		 "  ('compute', 'uplink', 'downlink')), start REAL NOT NULL, end REAL NOT NULL);"
		 " INSERT INTO timeline VALUES (1, 0, 'compute', 0, 0.5);"
		 " UPDATE meta SET value = '2' WHERE key = 'schema_version'");
}

/* Opened to add runs, a version 2 database becomes version 4 with its run
 * intact (NULL in the new columns); read only, it is refused with the way
 * to migrate it. */
static void test_migrates_version_2(void **state)
{
	(void)state;
	char path[4096], want[8400];
	struct diag d;
	db_path(path, sizeof path, "v2.db");
	make_version_2(path);
	diag_init(&d);
	assert_int_equal(report_print(path, stdout, &d), ASG_EIO);
	snprintf(want, sizeof want, "'%s' has schema version 2, this asgdsim reads"
		 " version 4 ('asgdsim migrate %s' upgrades it)", path, path);
	assert_string_equal(d.text, want);
	recorder_close(open_ok(path));
	assert_int_equal(q_int(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 4);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM workers WHERE dropped IS NULL"
			       " AND shard_size IS NULL AND updates = 1"), 1);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates WHERE grad_norm2 = 2.0"), 1);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM consensus"), 0);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM timeline WHERE kind = 'compute'"
			       " AND end = 0.5"), 1);
	exec_sql(path, "INSERT INTO timeline VALUES (1, 0, 'slow', 1, 2)");
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM timeline"), 2);
	assert_integrity(path);
	db_remove(path);
}

/* A version 3 database, its updates rows of two runs interleaved (two
 * writers) and one deleted, becomes version 4: each run's rows are found
 * through its spans, one per island of consecutive rowids, and the index
 * the spans replace is gone. */
static void test_migrates_version_3(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "v3.db");
	struct recorder *r = open_ok(path);
	for (int run = 0; run < 2; run++) {
		struct run_row row = test_row(0, run, 1);
		int64_t id;
		assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
		for (int k = 0; k < 5; k++)
			assert_int_equal(recorder_update(r, (uint64_t)k, k, 0, 0, 0.01, 1),
					 ASG_OK);
		struct run_result res = test_result("done");
		assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	}
	recorder_close(r);
	downgrade_to_3(path);
	exec_sql(path, "INSERT INTO updates (run_id, k) VALUES (1, 5), (2, 5), (1, 6);"
		 " DELETE FROM updates WHERE rowid = 3");
	recorder_close(open_ok(path));
	assert_int_equal(q_int(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 4);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM sqlite_master"
			       " WHERE name = 'updates_run_k'"), 0);
	/* run 1: rowids 1-2, 4-5, 11, 13; run 2: 6-10, 12 */
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM update_spans WHERE run_id = 1"), 4);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM update_spans WHERE run_id = 2"), 2);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates_by_run WHERE run_id = 1"), 6);
	assert_int_equal(q_int(path, "SELECT SUM(k) FROM updates_by_run WHERE run_id = 2"),
			 0 + 1 + 2 + 3 + 4 + 5);
	assert_integrity(path);
	db_remove(path);
}

/* A version 2 database with a column this schema does not have is not
 * migrated: refused with the column named, and left at version 2. */
static void test_migration_refused(void **state)
{
	(void)state;
	char path[4096], want[8400];
	struct diag d;
	db_path(path, sizeof path, "v2-extra.db");
	make_version_2(path);
	exec_sql(path, "ALTER TABLE runs ADD COLUMN extra REAL");
	diag_init(&d);
	assert_null(recorder_open(path, &d));
	snprintf(want, sizeof want, "cannot migrate '%s': column runs.extra is not"
		 " in this schema", path);
	assert_string_equal(d.text, want);
	assert_int_equal(q_int(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM pragma_table_info('workers')"
			       " WHERE name = 'dropped'"), 0);
	db_remove(path);
}

/* A sound database: integrity_check says ok, and update_spans locates
 * every updates row exactly once, in a span of its own run with no hole. */
static void assert_integrity(const char *path)
{
	char buf[256];
	assert_string_equal(q_text(path, "PRAGMA integrity_check", buf, sizeof buf),
			    "ok");
	int64_t rows = q_int(path, "SELECT COUNT(*) FROM updates");
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates_by_run"), rows);
	assert_int_equal(q_int(path, "SELECT COUNT(DISTINCT seq) FROM updates_by_run"),
			 rows);
	assert_int_equal(q_int(path, "SELECT COALESCE(SUM(last_rowid - first_rowid"
			       " + 1), 0) FROM update_spans"), rows);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates_by_run v JOIN"
			       " updates u ON u.rowid = v.seq WHERE u.run_id != v.run_id"),
			 0);
}

/* Closing in the middle of a run keeps every row written (the last ones
 * committed at close) and the run still says 'running'. */
static void test_close_without_end(void **state)
{
	(void)state;
	char path[4096], buf[64];
	db_path(path, sizeof path, "closed.db");
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	write_updates(r, 2 * RECORDER_BATCH + 500);
	recorder_close(r);
	assert_integrity(path);
	assert_string_equal(q_text(path, "SELECT status FROM runs", buf, sizeof buf),
			    "running");
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"),
			 2 * RECORDER_BATCH + 500);
	db_remove(path);
}

/* Rows of several tables, interleaved and over many of the writer's
 * blocks, reach each table in the order they were recorded, every one of
 * them; a row written directly (workers) in the middle of the run waits
 * for the queue. */
static void test_rows_keep_their_order(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "order.db");
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	const long n = 50000;
	for (long i = 0; i < n; i++) {
		assert_int_equal(recorder_update(r, (uint64_t)i, (double)i, i % 3,
						 0, 0.01, 1), ASG_OK);
		if (i % 7 == 0)
			assert_int_equal(recorder_timeline(r, i % 3, "compute",
							   (double)i, (double)i + 1),
					 ASG_OK);
		if (i % 1000 == 0)
			assert_int_equal(recorder_eval(r, (uint64_t)i, (double)i,
						       NAN, 1, 1, NAN), ASG_OK);
		if (i == n / 2) {
			struct worker_row w = { .worker = 9, .group = "g",
						.shard_size = -1 };
			assert_int_equal(recorder_worker(r, &w), ASG_OK);
		}
	}
	struct run_result res = test_result("done");
	assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	recorder_close(r);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"), n);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM timeline"), (n + 6) / 7);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM evals"), n / 1000);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates u JOIN updates v"
			       " ON v.rowid = u.rowid + 1 WHERE v.k != u.k + 1"), 0);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM timeline u JOIN timeline v"
			       " ON v.rowid = u.rowid + 1 WHERE v.start != u.start + 7"), 0);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM evals u JOIN evals v"
			       " ON v.rowid = u.rowid + 1 WHERE v.k != u.k + 1000"), 0);
	assert_int_equal(q_int(path, "SELECT worker FROM workers"), 9);
	assert_integrity(path);
	db_remove(path);
}

/* A process killed in the middle of a run (no close at all) leaves a sound
 * database with the rows up to the writer's last checkpoint, the run
 * 'running', and the database takes new runs.  The writer thread may be
 * behind the rows recorded by at most its queue (RECORDER_BLOCKS blocks
 * of 4096 rows), so of the 2 * RECORDER_BATCH + 500 rows recorded, the
 * first RECORDER_BATCH or all 2 * RECORDER_BATCH are there. */
static void test_killed_run_keeps_checkpoints(void **state)
{
	(void)state;
	char path[4096], buf[64];
	db_path(path, sizeof path, "killed.db");
	fflush(NULL);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct diag d;
		diag_init(&d);
		struct recorder *r = recorder_open(path, &d);
		struct run_row row = test_row(0, 0, 1);
		int64_t id;
		if (!r || recorder_run_begin(r, &row, &id) != ASG_OK)
			_exit(3);
		for (long i = 0; i < 2 * RECORDER_BATCH + 500; i++)
			if (recorder_update(r, (uint64_t)i, 0, 0, 0, 0.01, 1) != ASG_OK)
				_exit(4);
		raise(SIGKILL);  /* no close, no commit */
		_exit(5);
	}
	int wstatus;
	assert_int_equal(waitpid(child, &wstatus, 0), child);
	if (!WIFSIGNALED(wstatus) || WTERMSIG(wstatus) != SIGKILL)
		fail_msg("the writer was not killed (exit status %d)",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	assert_integrity(path);
	assert_string_equal(q_text(path, "SELECT status FROM runs", buf, sizeof buf),
			    "running");
	long kept = q_int(path, "SELECT COUNT(*) FROM updates");
	if (kept != RECORDER_BATCH && kept != 2 * RECORDER_BATCH)
		fail_msg("%ld update rows kept, not a checkpoint's", kept);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates WHERE k >= "
			       "(SELECT COUNT(*) FROM updates)"), 0);
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 1, 2);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	assert_int_equal(id, 2);
	recorder_close(r);
	db_remove(path);
}

/* The first failure is kept: its message, and its status from every later
 * call, which writes nothing. */
static void test_first_failure_kept(void **state)
{
	(void)state;
	char path[4096], want[4200];
	db_path(path, sizeof path, "fail.db");
	struct recorder *r = open_ok(path);
	assert_string_equal(recorder_error(r), "");
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	write_updates(r, 10);
	struct run_result res = test_result("finished");  /* not a status */
	assert_int_equal(recorder_run_end(r, &res), ASG_EIO);
	snprintf(want, sizeof want, "cannot write '%s': CHECK constraint failed",
		 path);
	const char *err = recorder_error(r);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error is '%s', expected '%s...'", err, want);
	char first[DIAG_TEXT_MAX];
	snprintf(first, sizeof first, "%s", err);
	assert_int_equal(recorder_update(r, 10, 0, 0, 0, 0.01, 1), ASG_EIO);
	assert_int_equal(recorder_eval(r, 10, 0, 1, 1, 1, 1), ASG_EIO);
	res.status = "done";
	assert_int_equal(recorder_run_end(r, &res), ASG_EIO);
	assert_string_equal(recorder_error(r), first);
	recorder_close(r);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"), 10);
	assert_integrity(path);
	db_remove(path);
}

/* One run of the report database. */
struct report_case {
	long point, rep;       /* sweep point and replication */
	const char *protocol;  /* protocol */
	const char *status;    /* end status, NULL: left running */
	uint64_t ticks;        /* updates */
	double vtime, stale, loss, gnorm2, acc;
};

static const struct report_case report_cases[] = {
	{ 0, 0, "async", "done", 100, 10.0, 1.5, 0.5, 0.02, 0.8 },
	{ 0, 1, "async", "done", 110, 12.0, 2.0, 0.6, NAN, 0.9 },
	{ 0, 2, "async", "done", 120, 14.0, 2.5, 0.7, 0.0125, 1.0 },
	{ 1, 0, "sync", "diverged", 30000, 1234.5, 0.0, INFINITY, NAN, NAN },
	{ 1, 1, "sync", NULL, 0, 0, 0, 0, 0, 0 },
};

/* Point 0: vtime 10, 12, 14 -> 12 +- t(0.975, 2) * 2 / sqrt(3) = 4.968;
 * stale 1.5, 2, 2.5 -> 2 +- 1.242; loss 0.5, 0.6, 0.7 -> 0.6 +- 0.2484;
 * accuracy 0.8, 0.9, 1 -> 0.9 +- 0.2484.
 * Point 1 pools its diverged run alone (the other is running). */
static const char report_expected[] =
	"run  pt  rep  seed  protocol  workers  status    ticks  grads   vtime  ticks/vs  stale  loss  acc  gnorm2  wall_s\n"
	"  1   0    0     1  async           3  done        100    120      10        10    1.5   0.5  0.8    0.02    0.25\n"
	"  2   0    1     2  async           3  done        110    120      12     9.167      2   0.6  0.9       -    0.25\n"
	"  3   0    2     3  async           3  done        120    120      14     8.571    2.5   0.7    1  0.0125    0.25\n"
	"  4   1    0     1  sync            3  diverged  30000    120  1234.5      24.3      0   inf    -       -    0.25\n"
	"  5   1    1     2  sync            3  running       -      -       -         -      -     -    -       -       -\n"
	"\n"
	"per point, over finished runs: mean +- 95% confidence half-width (student t)\n"
	"pt  n  protocol  workers    vtime     stale         loss          acc  sweep\n"
	" 0  3  async           3  12 +- 5  2 +- 1.2  0.6 +- 0.25  0.9 +- 0.25  {}\n"
	" 1  1  sync            3   1234.5         0          inf            -  {}\n";

static void make_report_db(const char *path)
{
	struct recorder *r = open_ok(path);
	for (size_t c = 0; c < sizeof report_cases / sizeof report_cases[0]; c++) {
		const struct report_case *rc = &report_cases[c];
		struct run_row row = test_row(rc->point, rc->rep,
					      (uint64_t)rc->rep + 1);
		row.protocol = rc->protocol;
		int64_t id;
		assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
		if (!rc->status)
			break;  /* the last run is left running */
		struct run_result res = test_result(rc->status);
		res.updates = rc->ticks;
		res.virtual_time = rc->vtime;
		res.mean_staleness = rc->stale;
		res.final_loss = rc->loss;
		res.final_grad_norm2 = rc->gnorm2;
		res.test_accuracy = rc->acc;
		assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	}
	recorder_close(r);
}

static void test_report_lines(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "report.db");
	make_report_db(path);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	struct diag d;
	diag_init(&d);
	asg_status s = report_print(path, out, &d);
	fclose(out);
	if (s != ASG_OK)
		fail_msg("report_print: %s", d.text);
	if (strcmp(text, report_expected) != 0)
		fail_msg("report:\n%s\nexpected:\n%s", text, report_expected);
	free(text);
	db_remove(path);
}

/* Without a second finished run at any point, no summary. */
static void test_report_no_summary_without_replications(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "report1.db");
	struct recorder *r = open_ok(path);
	for (long p = 0; p < 2; p++) {
		struct run_row row = test_row(p, 0, 1);
		int64_t id;
		assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
		struct run_result res = test_result("done");
		assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	}
	recorder_close(r);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	struct diag d;
	diag_init(&d);
	assert_int_equal(report_print(path, out, &d), ASG_OK);
	fclose(out);
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	assert_null(strstr(text, "per point"));
	free(text);
	db_remove(path);
}

/* A database without runs: the header alone. */
static void test_report_empty_database(void **state)
{
	(void)state;
	char path[4096];
	db_path(path, sizeof path, "report0.db");
	recorder_close(open_ok(path));
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	struct diag d;
	diag_init(&d);
	assert_int_equal(report_print(path, out, &d), ASG_OK);
	fclose(out);
	assert_string_equal(text, "run  pt  rep  seed  protocol  workers  status"
			    "  ticks  grads  vtime  ticks/vs  stale  loss  acc  gnorm2"
			    "  wall_s\n");
	free(text);
	db_remove(path);
}

/* The report refuses what it cannot read, with the message. */
static void test_report_refuses(void **state)
{
	(void)state;
	static const struct refuse_case cases[] = {
		{ "missing.db", make_nothing,
		  "cannot open '%s': no such file or directory" },
		{ "rfor.db", make_foreign, "'%s' is not an asgdsim database" },
		{ "rtext.db", make_text_file,
		  "cannot open '%s': file is not a database" },
		{ "rv7.db", make_other_version,
		  "'%s' has schema version 7, this asgdsim reads version 4" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char path[4096], want[4200];
		db_path(path, sizeof path, cases[c].name);
		cases[c].make(path);
		struct diag d;
		diag_init(&d);
		assert_int_equal(report_print(path, stdout, &d), ASG_EIO);
		snprintf(want, sizeof want, cases[c].message, path);
		assert_string_equal(d.text, want);
		db_remove(path);
	}
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The size of a file, 0 if there is none. */
static long long file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* 3e6 update rows, ~110 MB: the throughput is printed (no timing
 * assertion).  The checkpointer copies the log into the file during the
 * run, and the log rewinds once past CKPT_LOG_BYTES instead of holding
 * the whole run. */
static void test_insert_throughput(void **state)
{
	(void)state;
	const long n = 3000000;
	char path[4096];
	db_path(path, sizeof path, "speed.db");
	struct recorder *r = open_ok(path);
	struct run_row row = test_row(0, 0, 1);
	int64_t id;
	assert_int_equal(recorder_run_begin(r, &row, &id), ASG_OK);
	double start = seconds_now();
	for (long i = 0; i < n; i++)
		if (recorder_update(r, (uint64_t)i, 0.001 * (double)i, i % 100,
				    (uint64_t)(i % 13), 0.01, 1.0 / (double)(i + 1))
		    != ASG_OK)
			fail_msg("update %ld: %s", i, recorder_error(r));
	struct run_result res = test_result("done");
	assert_int_equal(recorder_run_end(r, &res), ASG_OK);
	double elapsed = seconds_now() - start;
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", path);
	long long log_bytes = file_bytes(wal), db_bytes = file_bytes(path);
	recorder_close(r);
	long long final_bytes = file_bytes(path);
	printf("  recorder: log %.0f MB at most, file %.0f of %.0f MB before close\n",
	       1e-6 * (double)log_bytes, 1e-6 * (double)db_bytes,
	       1e-6 * (double)final_bytes);
	/* a log frame is a page and a 24-byte header; the log may pass
	 * CKPT_LOG_BYTES by one commit of RECORDER_BATCH rows, ~4 MB */
	const long page = SCHEMA_PAGE_SIZE;
	assert_int_equal(q_int(path, "PRAGMA page_size"), page);
	assert_true(log_bytes <= (CKPT_LOG_BYTES / page + 400) * (page + 24));
	assert_true(db_bytes >= final_bytes / 2);
	assert_int_equal(file_bytes(wal), 0);
	printf("  recorder: %ld update rows in %.2f s: %.2f M rows/s\n", n,
	       elapsed, 1e-6 * (double)n / elapsed);
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM updates"), n);
	/* a span per checkpoint: the rows of one transaction are consecutive */
	assert_int_equal(q_int(path, "SELECT COUNT(*) FROM update_spans"),
			 n / RECORDER_BATCH);
	assert_integrity(path);
	db_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_round_trip),
		cmocka_unit_test(test_meta_and_wal),
		cmocka_unit_test(test_status_transitions),
		cmocka_unit_test(test_second_open_appends),
		cmocka_unit_test(test_seed_keeps_64_bits),
		cmocka_unit_test(test_refused_files),
		cmocka_unit_test(test_refused_file_untouched),
		cmocka_unit_test(test_close_without_end),
		cmocka_unit_test(test_migrates_version_2),
		cmocka_unit_test(test_migrates_version_3),
		cmocka_unit_test(test_migration_refused),
		cmocka_unit_test(test_rows_keep_their_order),
		cmocka_unit_test(test_killed_run_keeps_checkpoints),
		cmocka_unit_test(test_first_failure_kept),
		cmocka_unit_test(test_report_lines),
		cmocka_unit_test(test_report_no_summary_without_replications),
		cmocka_unit_test(test_report_empty_database),
		cmocka_unit_test(test_report_refuses),
		cmocka_unit_test(test_insert_throughput),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
