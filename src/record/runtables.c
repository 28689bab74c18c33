/*
 * runtables.c — finding the tables that hold rows of runs (runtables.h).
 *
 * Two queries per schema: the tables of sqlite_master with a run_id column
 * (pragma_table_info), then each one's columns.  A table is WITHOUT ROWID
 * when its CREATE statement says so.  Not a hot path: it allocates freely.
 *
 * update_spans is left out of the list: its rows name rowids of `updates`,
 * which a copy changes.  `updates` is marked spanned instead: merge.c reads
 * a run of it through the spans and writes new ones, and
 * runtables_delete_run deletes the rows the spans locate, then the spans.
 */
#include "runtables.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

static const char runtables_sql[] =
	"SELECT m.name, m.sql FROM \"%w\".sqlite_master AS m"
	" WHERE m.type = 'table' AND m.name NOT IN ('runs', 'update_spans')"
	" AND m.name NOT LIKE 'sqlite!_%%' ESCAPE '!'"
	" AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, %Q)"
	"             WHERE name = 'run_id')"
	" ORDER BY m.rowid";

static const char runtables_cols_sql[] =
	"SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid";

static char *runtables_strdup(const unsigned char *s)
{
	return strdup(s ? (const char *)s : "");
}

/* The columns of t->name in schema. */
static int runtables_read_cols(sqlite3 *db, const char *schema,
			       struct runtable *t)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(db, runtables_cols_sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->ncols == cap) {
			cap = cap ? 2 * cap : 16;
			char **more = realloc(t->cols, cap * sizeof *more);
			if (!more) {
				rc = SQLITE_NOMEM;
				break;
			}
			t->cols = more;
		}
		t->cols[t->ncols] = runtables_strdup(sqlite3_column_text(st, 0));
		if (!t->cols[t->ncols]) {
			rc = SQLITE_NOMEM;
			break;
		}
		t->ncols++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Append the current row of st (name, sql) to ts. */
static int runtables_add(sqlite3 *db, const char *schema, sqlite3_stmt *st,
			 struct runtables *ts, size_t *cap)
{
	if (ts->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		struct runtable *more = realloc(ts->t, *cap * sizeof *more);
		if (!more)
			return SQLITE_NOMEM;
		ts->t = more;
	}
	struct runtable *t = &ts->t[ts->n++];
	*t = (struct runtable){ 0 };
	t->name = runtables_strdup(sqlite3_column_text(st, 0));
	t->sql = runtables_strdup(sqlite3_column_text(st, 1));
	if (!t->name || !t->sql)
		return SQLITE_NOMEM;
	t->rowid = sqlite3_strlike("%without rowid%", t->sql, 0) != 0;
	t->spanned = !strcmp(t->name, "updates");
	return runtables_read_cols(db, schema, t);
}

asg_status runtables_read(sqlite3 *db, const char *schema, const char *path,
			  struct runtables *out, struct diag *d)
{
	char *sql = sqlite3_mprintf(runtables_sql, schema, schema);
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;

	*out = (struct runtables){ 0 };
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = runtables_add(db, schema, st, out, &cap);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	if (rc == SQLITE_DONE)
		return ASG_OK;
	asg_status s = diag_set(d, schema_status(rc), "cannot read '%s': %s",
				path, rc == SQLITE_NOMEM ? "out of memory"
							 : sqlite3_errmsg(db));
	runtables_release(out);
	return s;
}

asg_status runtables_read_table(sqlite3 *db, const char *schema,
				const char *name, const char *path,
				struct runtable *t, struct diag *d)
{
	int rc = SQLITE_NOMEM;
	*t = (struct runtable){ .name = strdup(name), .sql = strdup(""),
				.rowid = true };
	if (t->name && t->sql)
		rc = runtables_read_cols(db, schema, t);
	if (rc == SQLITE_OK && t->ncols == 0)
		return diag_set(d, ASG_EIO, "'%s' has no table '%s'", path, name);
	if (rc == SQLITE_OK)
		return ASG_OK;
	return diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
}

const struct runtable *runtables_find(const struct runtables *ts,
				      const char *name)
{
	for (size_t i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].name, name))
			return &ts->t[i];
	return NULL;
}

bool runtables_has_column(const struct runtable *t, const char *col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], col))
			return true;
	return false;
}

char *runtables_column_list(const struct runtable *t, const char *skip,
			    const char *replace)
{
	char *list = sqlite3_mprintf("%s", "");
	for (size_t i = 0; list && i < t->ncols; i++) {
		bool is_skip = skip && !strcmp(t->cols[i], skip);
		if (is_skip && !replace)
			continue;
		char *more = is_skip
			? sqlite3_mprintf("%s%s%s", list, *list ? "," : "", replace)
			: sqlite3_mprintf("%s%s\"%w\"", list, *list ? "," : "",
					  t->cols[i]);
		sqlite3_free(list);
		list = more;
	}
	return list;
}

/* The rows of a run in a table (%w its name, %lld the run); in a spanned
 * table, the rows its update_spans locate. */
static const char runtables_delete_sql[] =
	"DELETE FROM main.\"%w\" WHERE run_id = %lld";
static const char runtables_delete_spanned_sql[] =
	"DELETE FROM main.\"%w\" WHERE rowid IN (SELECT u.rowid FROM"
	" main.update_spans s JOIN main.\"%w\" u ON u.rowid BETWEEN"
	" s.first_rowid AND s.last_rowid WHERE s.run_id = %lld)";

static int runtables_delete_rows(sqlite3 *db, const char *table, bool spanned,
				 int64_t run_id)
{
	char *sql = spanned
		? sqlite3_mprintf(runtables_delete_spanned_sql, table, table,
				  (long long)run_id)
		: sqlite3_mprintf(runtables_delete_sql, table, (long long)run_id);
	int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	return rc;
}

int runtables_delete_run(sqlite3 *db, const struct runtables *ts,
			 int64_t run_id)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < ts->n; i++)
		rc = runtables_delete_rows(db, ts->t[i].name, ts->t[i].spanned,
					   run_id);
	if (rc == SQLITE_OK)   /* after the rows they locate */
		rc = runtables_delete_rows(db, "update_spans", false, run_id);
	return rc == SQLITE_OK ? runtables_delete_rows(db, "runs", false, run_id)
			       : rc;
}

void runtables_release_table(struct runtable *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cols);
	free(t->name);
	free(t->sql);
	*t = (struct runtable){ 0 };
}

void runtables_release(struct runtables *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		runtables_release_table(&ts->t[i]);
	free(ts->t);
	*ts = (struct runtables){ 0 };
}
