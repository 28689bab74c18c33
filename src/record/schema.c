/*
 * schema.c — the tables of a results database, and the check that a file
 * is one (schema.h).
 *
 * A file is an asgdsim database when its table meta holds the key
 * schema_version; an empty file (no table, index or view) becomes one when
 * opened writable.  The DDL below is the reference; docs/schema.md explains
 * every column.  Changing a table means bumping RECORDER_SCHEMA_VERSION.
 */
#include "schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

#define SCHEMA_TEXT(x) SCHEMA_TEXT_(x)
#define SCHEMA_TEXT_(x) #x

#ifndef ASGDSIM_VERSION
#define ASGDSIM_VERSION "unknown"
#endif

/* How long a writer waits for another one holding the file (ms). */
#define SCHEMA_BUSY_TIMEOUT_MS 60000

/* The view of a run's updates rows through its spans (docs/schema.md). */
#define SCHEMA_UPDATES_BY_RUN \
	"CREATE VIEW IF NOT EXISTS updates_by_run AS\n" \
	"  SELECT s.run_id AS run_id, u.k AS k, u.t AS t, u.worker AS worker,\n" \
	"         u.staleness AS staleness, u.step_size AS step_size,\n" \
	"         u.grad_norm2 AS grad_norm2, u.rowid AS seq\n" \
	"  FROM update_spans s JOIN updates u\n" \
	"    ON u.rowid BETWEEN s.first_rowid AND s.last_rowid;\n"

const char schema_updates_by_run[] = SCHEMA_UPDATES_BY_RUN;

const char schema_ddl[] =
	"CREATE TABLE IF NOT EXISTS meta (\n"
	"  key   TEXT PRIMARY KEY,\n"
	"  value TEXT\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS runs (\n"
	"  run_id           INTEGER PRIMARY KEY,\n"
	"  scenario         TEXT,\n"
	"  config           TEXT,\n"
	"  point            TEXT,\n"
	"  point_index      INTEGER,\n"
	"  replication      INTEGER,\n"
	"  seed             INTEGER,\n"
	"  protocol         TEXT,\n"
	"  model            TEXT,\n"
	"  workers          INTEGER,\n"
	"  status           TEXT NOT NULL CHECK (status IN\n"
	"                   ('running', 'done', 'diverged', 'failed')),\n"
	"  updates          INTEGER,\n"
	"  gradients        INTEGER,\n"
	"  events           INTEGER,\n"
	"  virtual_time     REAL,\n"
	"  wall_seconds     REAL,\n"
	"  mean_staleness   REAL,\n"
	"  final_loss       REAL,\n"
	"  final_grad_norm2 REAL,\n"
	"  test_accuracy    REAL,\n"
	"  diverged_at      INTEGER,\n"
	"  version          TEXT,\n"
	"  started          TEXT,\n"
	"  finished         TEXT\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS workers (\n"
	"  run_id         INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  worker         INTEGER NOT NULL,\n"
	"  grp            TEXT,\n"
	"  updates        INTEGER,\n"
	"  kappa          REAL,\n"
	"  busy_time      REAL,\n"
	"  bytes_sent     REAL,\n"
	"  mean_staleness REAL,\n"
	"  step           REAL,\n"
	"  messages_sent  INTEGER,\n"
	"  messages_lost  INTEGER,\n"
	"  messages_outdated INTEGER,\n"
	"  dropped        INTEGER,\n"
	"  shard_size     INTEGER,\n"
	"  slowed         REAL,\n"
	"  downtime       REAL,\n"
	"  lost           INTEGER,\n"
	"  PRIMARY KEY (run_id, worker)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS updates (\n"
	"  run_id     INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  k          INTEGER NOT NULL,\n"
	"  t          REAL,\n"
	"  worker     INTEGER,\n"
	"  staleness  INTEGER,\n"
	"  step_size  REAL,\n"
	"  grad_norm2 REAL\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS update_spans (\n"
	"  run_id      INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  first_rowid INTEGER NOT NULL,\n"
	"  last_rowid  INTEGER NOT NULL,\n"
	"  PRIMARY KEY (run_id, first_rowid)\n"
	") WITHOUT ROWID;\n"
	SCHEMA_UPDATES_BY_RUN
	"CREATE TABLE IF NOT EXISTS evals (\n"
	"  run_id          INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  k               INTEGER NOT NULL,\n"
	"  t               REAL,\n"
	"  full_grad_norm2 REAL,\n"
	"  train_loss      REAL,\n"
	"  test_loss       REAL,\n"
	"  test_accuracy   REAL\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS evals_run_k ON evals (run_id, k);\n"
	"CREATE TABLE IF NOT EXISTS aoi (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  k      INTEGER NOT NULL,\n"
	"  i      INTEGER NOT NULL,\n"
	"  j      INTEGER NOT NULL,\n"
	"  age    INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS aoi_run_pair ON aoi (run_id, i, j, k);\n"
	"CREATE TABLE IF NOT EXISTS aoi_summary (\n"
	"  run_id        INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  i             INTEGER NOT NULL,\n"
	"  j             INTEGER NOT NULL,\n"
	"  sum_age       INTEGER,\n"
	"  mean_age      REAL,\n"
	"  max_age       INTEGER,\n"
	"  mean_view_age REAL,\n"
	"  max_view_age  INTEGER,\n"
	"  mean_lag      REAL,\n"
	"  PRIMARY KEY (run_id, i, j)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS coupling (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  i      INTEGER NOT NULL,\n"
	"  j      INTEGER NOT NULL,\n"
	"  l      REAL,\n"
	"  exact  INTEGER,\n"
	"  PRIMARY KEY (run_id, i, j)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS bound (\n"
	"  run_id   INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  n        INTEGER,\n"
	"  lhs      REAL,\n"
	"  t1       REAL,\n"
	"  t2       REAL,\n"
	"  t3       REAL,\n"
	"  t3_lag   REAL,\n"
	"  c1       REAL,\n"
	"  c2       REAL,\n"
	"  c3       REAL,\n"
	"  rhs      REAL,\n"
	"  held_out INTEGER,\n"
	"  holds    INTEGER,\n"
	"  PRIMARY KEY (run_id)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS timeline (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  worker INTEGER NOT NULL,\n"
	"  kind   TEXT NOT NULL CHECK (kind IN ('compute', 'uplink', 'downlink',\n"
	"                                     'slow', 'down')),\n"
	"  start  REAL NOT NULL,\n"
	"  end    REAL NOT NULL\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS consensus (\n"
	"  run_id   INTEGER NOT NULL REFERENCES runs (run_id),\n"
	"  k        INTEGER NOT NULL,\n"
	"  t        REAL,\n"
	"  distance REAL\n"
	");\n"
	"INSERT OR IGNORE INTO meta (key, value) VALUES\n"
	"  ('schema_version', '" SCHEMA_TEXT(RECORDER_SCHEMA_VERSION) "'),\n"
	"  ('asgdsim_version', '" ASGDSIM_VERSION "'),\n"
	"  ('created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));\n";

const char schema_version_update[] =
	"UPDATE meta SET value = '" SCHEMA_TEXT(RECORDER_SCHEMA_VERSION) "'"
	" WHERE key = 'schema_version';";

asg_status schema_status(int sqlite_rc)
{
	return (sqlite_rc & 0xff) == SQLITE_NOMEM ? ASG_ENOMEM : ASG_EIO;
}

const char *schema_reason(sqlite3 *db, char *buf, size_t size)
{
	int e = db ? sqlite3_system_errno(db) : 0;
	int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
	if (e == 0 && (code == SQLITE_IOERR_WRITE || code == SQLITE_FULL ||
		       code == SQLITE_IOERR_FSYNC)) {
		snprintf(buf, size, "%s (the disk may be full, or a file-size"
			 " limit reached)", sqlite3_errstr(code));
		return buf;
	}
	if (e == 0 || strerror_r(e, buf, size) != 0)
		return db ? sqlite3_errmsg(db) : "out of memory";
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* What a file holds. */
enum schema_kind {
	SCHEMA_EMPTY,     /* no schema at all: a new file */
	SCHEMA_OURS,      /* meta with a schema_version */
	SCHEMA_FOREIGN,   /* some other SQLite database */
};

/* The kind of database db is; for SCHEMA_OURS, its version in
 * version[size].  A failure (not a database, locked) is a message. */
static asg_status schema_classify(sqlite3 *db, const char *path,
				  enum schema_kind *kind, char *version,
				  size_t size, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
		"SELECT COUNT(*), COALESCE(SUM(type = 'table' AND name = 'meta'), 0)"
		" FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		asg_status s = diag_set(d, schema_status(rc), "cannot open '%s': %s",
					path, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return s;
	}
	bool empty = sqlite3_column_int64(st, 0) == 0;
	bool has_meta = sqlite3_column_int64(st, 1) > 0;
	sqlite3_finalize(st);
	*kind = empty ? SCHEMA_EMPTY : SCHEMA_FOREIGN;
	if (!has_meta)
		return ASG_OK;
	/* A table named meta of another program may lack our columns: then
	 * the statement does not prepare, and the file is foreign. */
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta"
			       " WHERE key = 'schema_version'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(version, size, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		*kind = SCHEMA_OURS;
	}
	sqlite3_finalize(st);
	return ASG_OK;
}

/* Refuse a foreign file or another schema version; migrate an older
 * version opened writable (migrate.c). */
static asg_status schema_check(sqlite3 *db, const char *path, bool writable,
			       bool *empty, struct diag *d)
{
	enum schema_kind kind = SCHEMA_FOREIGN;
	char version[64];
	asg_status s = schema_classify(db, path, &kind, version, sizeof version, d);
	if (s != ASG_OK)
		return s;
	*empty = kind == SCHEMA_EMPTY;
	if (kind == SCHEMA_FOREIGN || (kind == SCHEMA_EMPTY && !writable))
		return diag_set(d, ASG_EIO, "'%s' is not an asgdsim database", path);
	if (kind != SCHEMA_OURS ||
	    strcmp(version, SCHEMA_TEXT(RECORDER_SCHEMA_VERSION)) == 0)
		return ASG_OK;
	char *end;
	long old = strtol(version, &end, 10);
	bool older = *end == '\0' && old >= 1 && old < RECORDER_SCHEMA_VERSION;
	if (older && writable)
		return schema_migrate(db, path, d);
	if (older)
		return diag_set(d, ASG_EIO,
				"'%s' has schema version %s, this asgdsim reads version %d"
				" ('asgdsim migrate %s' upgrades it)",
				path, version, RECORDER_SCHEMA_VERSION, path);
	return diag_set(d, ASG_EIO,
			"'%s' has schema version %s, this asgdsim %s version %d",
			path, version, writable ? "writes" : "reads",
			RECORDER_SCHEMA_VERSION);
}

/* WAL, synchronous=NORMAL, a page cache that holds a checkpoint's dirty
 * pages (RECORDER_BATCH rows are ~4 MB) instead of spilling them to the
 * WAL mid-transaction, and, if the file is new, its page size (which must
 * come before WAL) and the tables.  Creating is idempotent (IF NOT EXISTS,
 * OR IGNORE) and runs in one immediate transaction, so two processes
 * creating the same file agree. */
static asg_status schema_prepare_writer(sqlite3 *db, const char *path,
					bool empty, struct diag *d)
{
	char buf[256];
	int rc = SQLITE_OK;
	if (empty)
		rc = sqlite3_exec(db, "PRAGMA page_size = "
				  SCHEMA_TEXT(SCHEMA_PAGE_SIZE), NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
				  "PRAGMA synchronous = NORMAL;"
				  "PRAGMA cache_size = -16384;", NULL, NULL, NULL);
	if (rc == SQLITE_OK && empty) {
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, schema_ddl, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		return ASG_OK;
	asg_status s = diag_set(d, schema_status(rc), "cannot write '%s': %s", path,
				schema_reason(db, buf, sizeof buf));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

sqlite3 *schema_open(const char *path, bool writable, struct diag *d)
{
	/* A connection is used by one thread at a time (the recorder is not
	 * shared): no mutex around every bind. */
	int flags = SQLITE_OPEN_NOMUTEX |
		    (writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
			      : SQLITE_OPEN_READONLY);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		char buf[256];
		diag_set(d, schema_status(rc), "cannot open '%s': %s", path,
			 schema_reason(db, buf, sizeof buf));
		goto out_close;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, SCHEMA_BUSY_TIMEOUT_MS);
	bool empty;
	if (schema_check(db, path, writable, &empty, d) != ASG_OK)
		goto out_close;
	if (writable && schema_prepare_writer(db, path, empty, d) != ASG_OK)
		goto out_close;
	return db;
out_close:
	sqlite3_close(db);
	return NULL;
}
