/*
 * merge.c — copying runs between results databases (merge.h).
 *
 * The input is ATTACHed to the output's connection as `src`; copying a run
 * is then one INSERT ... SELECT per table, prepared once per input:
 *
 *	INSERT INTO main.runs (c2, ..., cn) SELECT c2, ..., cn
 *	    FROM src.runs WHERE run_id = ?1                    -> new id
 *	for each table T of src with a run_id column:
 *	    INSERT INTO main.T (run_id, c2, ...) SELECT ?1, c2, ...
 *	        FROM src.T WHERE run_id = ?2 ORDER BY rowid
 *
 * except `updates`, read through the run's spans (runtables.h), whose
 * copy takes consecutive rowids in main, written as one new span:
 *
 *	    INSERT INTO main.updates (...) SELECT ?1, c2, ... FROM
 *	        src.update_spans s JOIN src.updates u ON u.rowid BETWEEN
 *	        s.first_rowid AND s.last_rowid WHERE s.run_id = ?2
 *	        ORDER BY u.rowid
 *	    INSERT INTO main.update_spans VALUES (?1, last - changes + 1, last)
 *
 * inside BEGIN ... COMMIT (deferred: the output's write lock is taken by
 * the first INSERT; the input is only read).  The input is validated with
 * schema_open first, so a foreign file or another schema version gets the
 * same message as everywhere else.
 */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "runtables.h"
#include "schema.h"

struct merge {
	sqlite3 *db;               /* the output's connection */
	char *path;                /* the output's path (for messages) */
	char *in_path;             /* the attached input, NULL if none */
	struct runtables tables;   /* the input's tables of runs */
	sqlite3_stmt *copy_run;    /* copies a runs row */
	sqlite3_stmt **copy;       /* one per table of tables (owned) */
	sqlite3_stmt *copy_span;   /* writes the span of copied updates rows */
};

static asg_status merge_fail(struct merge *m, const char *in, int rc,
			     struct diag *d)
{
	return diag_set(d, schema_status(rc), "cannot merge '%s' into '%s': %s",
			in, m->path, rc == SQLITE_NOMEM ? "out of memory"
							: sqlite3_errmsg(m->db));
}

struct merge *merge_open(const char *path, struct diag *d)
{
	struct merge *m = calloc(1, sizeof *m);
	if (!m || !(m->path = strdup(path))) {
		diag_set(d, ASG_ENOMEM, "cannot open '%s': out of memory", path);
		goto out_free;
	}
	m->db = schema_open(path, true, d);
	if (!m->db)
		goto out_free;
	return m;
out_free:
	merge_close(m);
	return NULL;
}

/* Create in main the input's table t and its indexes. */
static int merge_create_table(struct merge *m, const struct runtable *t)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_exec(m->db, t->sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(m->db,
			"SELECT sql FROM src.sqlite_master WHERE type = 'index'"
			" AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY rowid",
			-1, &st, NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = sqlite3_exec(m->db, (const char *)sqlite3_column_text(st, 0),
				  NULL, NULL, NULL);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Every column of in is a column of out. */
static asg_status merge_check_columns(struct merge *m, const char *in_path,
				      const struct runtable *in,
				      const struct runtable *out, struct diag *d)
{
	for (size_t c = 0; c < in->ncols; c++)
		if (!runtables_has_column(out, in->cols[c]))
			return diag_set(d, ASG_EIO,
					"cannot merge '%s' into '%s': table '%s'"
					" has a column '%s' that '%s' lacks",
					in_path, m->path, in->name, in->cols[c],
					m->path);
	return ASG_OK;
}

/* The tables of runs of main, creating those of src it lacks. */
static asg_status merge_match_tables(struct merge *m, const char *in_path,
				     struct diag *d)
{
	struct runtables out;
	asg_status s = runtables_read(m->db, "main", m->path, &out, d);
	if (s != ASG_OK)
		return s;
	for (size_t i = 0; i < m->tables.n && s == ASG_OK; i++) {
		const struct runtable *in = &m->tables.t[i];
		const struct runtable *o = runtables_find(&out, in->name);
		if (o) {
			s = merge_check_columns(m, in_path, in, o, d);
			continue;
		}
		int rc = merge_create_table(m, in);
		if (rc != SQLITE_OK)
			s = merge_fail(m, in_path, rc, d);
	}
	runtables_release(&out);
	return s;
}

/* Prepare the statement that copies the runs row. */
static asg_status merge_prepare_runs(struct merge *m, const char *in_path,
				     struct diag *d)
{
	struct runtable in, out;
	asg_status s = runtables_read_table(m->db, "src", "runs", in_path, &in, d);
	if (s != ASG_OK)
		return s;
	s = runtables_read_table(m->db, "main", "runs", m->path, &out, d);
	if (s == ASG_OK)
		s = merge_check_columns(m, in_path, &in, &out, d);
	char *cols = s == ASG_OK ? runtables_column_list(&in, "run_id", NULL) : NULL;
	char *sql = cols ? sqlite3_mprintf("INSERT INTO main.runs (%s) SELECT %s"
					   " FROM src.runs WHERE run_id = ?1",
					   cols, cols) : NULL;
	if (s == ASG_OK) {
		int rc = sql ? sqlite3_prepare_v2(m->db, sql, -1, &m->copy_run, NULL)
			     : SQLITE_NOMEM;
		if (rc != SQLITE_OK)
			s = merge_fail(m, in_path, rc, d);
	}
	sqlite3_free(sql);
	sqlite3_free(cols);
	runtables_release_table(&in);
	runtables_release_table(&out);
	return s;
}

/* Prepare the statement that copies the rows of table t. */
static int merge_prepare_table(struct merge *m, const struct runtable *t,
			       sqlite3_stmt **st)
{
	char *into = runtables_column_list(t, NULL, NULL);
	char *from = runtables_column_list(t, "run_id", "?1");
	char *sql = !into || !from ? NULL
		: t->spanned
		? sqlite3_mprintf("INSERT INTO main.\"%w\" (%s) SELECT %s FROM"
				  " src.update_spans s JOIN src.\"%w\" u ON u.rowid"
				  " BETWEEN s.first_rowid AND s.last_rowid"
				  " WHERE s.run_id = ?2 ORDER BY u.rowid", t->name,
				  into, from, t->name)
		: sqlite3_mprintf("INSERT INTO main.\"%w\" (%s) SELECT %s FROM"
				  " src.\"%w\" WHERE run_id = ?2%s", t->name,
				  into, from, t->name,
				  t->rowid ? " ORDER BY rowid" : "");
	int rc = sql ? sqlite3_prepare_v2(m->db, sql, -1, st, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	sqlite3_free(from);
	sqlite3_free(into);
	return rc;
}

static asg_status merge_prepare(struct merge *m, const char *in_path,
				struct diag *d)
{
	asg_status s = merge_prepare_runs(m, in_path, d);
	if (s != ASG_OK)
		return s;
	m->copy = calloc(m->tables.n ? m->tables.n : 1, sizeof *m->copy);
	if (!m->copy)
		return merge_fail(m, in_path, SQLITE_NOMEM, d);
	for (size_t i = 0; i < m->tables.n; i++) {
		int rc = merge_prepare_table(m, &m->tables.t[i], &m->copy[i]);
		if (rc != SQLITE_OK)
			return merge_fail(m, in_path, rc, d);
	}
	int rc = sqlite3_prepare_v2(m->db, "INSERT INTO main.update_spans"
				    " (run_id, first_rowid, last_rowid)"
				    " VALUES (?1, ?2, ?3)", -1, &m->copy_span, NULL);
	return rc == SQLITE_OK ? ASG_OK : merge_fail(m, in_path, rc, d);
}

/* Make in_path the attached input. */
static asg_status merge_attach(struct merge *m, const char *in_path,
			       struct diag *d)
{
	if (m->in_path && !strcmp(m->in_path, in_path))
		return ASG_OK;
	merge_detach(m);
	sqlite3 *check = schema_open(in_path, false, d);
	if (!check)
		return d->status;
	sqlite3_close(check);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(m->db, "ATTACH DATABASE ?1 AS src", -1, &st,
				    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, in_path, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return merge_fail(m, in_path, rc, d);
	m->in_path = strdup(in_path);
	if (!m->in_path) {
		sqlite3_exec(m->db, "DETACH DATABASE src", NULL, NULL, NULL);
		return merge_fail(m, in_path, SQLITE_NOMEM, d);
	}
	asg_status s = runtables_read(m->db, "src", in_path, &m->tables, d);
	if (s == ASG_OK)
		s = merge_match_tables(m, in_path, d);
	if (s == ASG_OK)
		s = merge_prepare(m, in_path, d);
	if (s != ASG_OK)
		merge_detach(m);
	return s;
}

/* Step a copy statement to its end. */
static int merge_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The span of the rows the last copy inserted, if any: consecutive
 * rowids, since the transaction is ours. */
static int merge_write_span(struct merge *m, int64_t new_id)
{
	int64_t n = sqlite3_changes64(m->db);
	if (n == 0)
		return SQLITE_OK;
	int64_t last = sqlite3_last_insert_rowid(m->db);
	sqlite3_bind_int64(m->copy_span, 1, new_id);
	sqlite3_bind_int64(m->copy_span, 2, last - n + 1);
	sqlite3_bind_int64(m->copy_span, 3, last);
	return merge_step(m->copy_span);
}

/* The INSERTs of one run, inside the open transaction. */
static asg_status merge_copy_rows(struct merge *m, int64_t run_id,
				  int64_t *new_id, struct diag *d)
{
	sqlite3_bind_int64(m->copy_run, 1, run_id);
	int rc = merge_step(m->copy_run);
	if (rc == SQLITE_OK && sqlite3_changes(m->db) != 1)
		return diag_set(d, ASG_EIO, "cannot merge '%s' into '%s': it has"
				" no run %lld", m->in_path, m->path,
				(long long)run_id);
	*new_id = sqlite3_last_insert_rowid(m->db);
	for (size_t i = 0; rc == SQLITE_OK && i < m->tables.n; i++) {
		sqlite3_bind_int64(m->copy[i], 1, *new_id);
		sqlite3_bind_int64(m->copy[i], 2, run_id);
		rc = merge_step(m->copy[i]);
		if (rc == SQLITE_OK && m->tables.t[i].spanned)
			rc = merge_write_span(m, *new_id);
	}
	return rc == SQLITE_OK ? ASG_OK : merge_fail(m, m->in_path, rc, d);
}

asg_status merge_copy(struct merge *m, const char *in_path, int64_t run_id,
		      int64_t *new_id, struct diag *d)
{
	asg_status s = merge_attach(m, in_path, d);
	if (s != ASG_OK)
		return s;
	int rc = sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return merge_fail(m, in_path, rc, d);
	s = merge_copy_rows(m, run_id, new_id, d);
	if (s == ASG_OK && (rc = sqlite3_exec(m->db, "COMMIT", NULL, NULL,
					      NULL)) != SQLITE_OK)
		s = merge_fail(m, in_path, rc, d);
	if (s != ASG_OK && !sqlite3_get_autocommit(m->db))
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

void merge_detach(struct merge *m)
{
	if (!m->in_path)
		return;
	sqlite3_finalize(m->copy_run);
	m->copy_run = NULL;
	sqlite3_finalize(m->copy_span);
	m->copy_span = NULL;
	for (size_t i = 0; m->copy && i < m->tables.n; i++)
		sqlite3_finalize(m->copy[i]);
	free(m->copy);
	m->copy = NULL;
	runtables_release(&m->tables);
	sqlite3_exec(m->db, "DETACH DATABASE src", NULL, NULL, NULL);
	free(m->in_path);
	m->in_path = NULL;
}

void merge_close(struct merge *m)
{
	if (!m)
		return;
	if (m->db)
		merge_detach(m);
	sqlite3_close(m->db);
	free(m->path);
	free(m);
}
