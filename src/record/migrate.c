/*
 * migrate.c — an older results database brought to this schema, when that
 * is safe (schema.h).
 *
 * Safe means additive: every table of the old file exists in this schema
 * with every one of its columns, of the same declared type.  Then a table
 * whose CREATE statement changed (columns added, a CHECK widened) is made
 * anew and its rows copied in the order written (the new columns NULL in
 * them: "not recorded"), the tables this schema adds are created, the
 * indexes made, and meta.schema_version set, in one transaction: a
 * failure (an old row the new constraints refuse) leaves the file as it
 * was.  Anything else (a column dropped or retyped) is refused with the
 * first difference named.  Tables whose statement did not change (the
 * millions of `updates` rows) are not touched.
 *
 *	ref = this schema's DDL run in an in-memory database
 *	for each table t of the file: t in ref with all its columns, or refuse
 *		if ref's CREATE of t differs: rename t, create it, copy, drop
 *	the DDL itself (IF NOT EXISTS) creates the missing tables and indexes
 *	a file without update_spans (version 3 and older): fill it, one span
 *		per island of consecutive rowids of a run, and drop the index
 *		updates_run_k it replaces
 */
#include "schema.h"

#include <stdio.h>
#include <string.h>

/* Run sql on db; a message in *d on failure. */
static asg_status migrate_exec(sqlite3 *db, const char *path, const char *sql,
			       struct diag *d)
{
	char buf[256];
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return ASG_OK;
	return diag_set(d, schema_status(rc), "cannot migrate '%s': %s", path,
			schema_reason(db, buf, sizeof buf));
}

/* The declared type of column col of table in db, into type; false when
 * the table has no such column. */
static bool migrate_column_type(sqlite3 *db, const char *table,
				const char *col, char *type, size_t size)
{
	sqlite3_stmt *st = NULL;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT type FROM pragma_table_info(?1)"
			       " WHERE name = ?2", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(type, size, "%s", (const char *)sqlite3_column_text(st, 0));
			found = true;
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* Every column of table in `from` must be in `to` with the same type;
 * names the first that is not ("column runs.x is gone") in *d. */
static asg_status migrate_covers(sqlite3 *from, sqlite3 *to, const char *table,
				 const char *path, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	char type[64];
	int rc = sqlite3_prepare_v2(from, "SELECT name, type FROM pragma_table_info(?1)",
				    -1, &st, NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		const char *was = (const char *)sqlite3_column_text(st, 1);
		if (!migrate_column_type(to, table, col, type, sizeof type)) {
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': column %s.%s is"
				     " not in this schema", path, table, col);
			break;
		}
		if (strcmp(type, was) != 0) {
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': column %s.%s is"
				     " %s here, %s there", path, table, col, type, was);
			break;
		}
	}
	sqlite3_finalize(st);
	return s;
}

/* The CREATE statement of table in db, into a sqlite3_malloc'd string
 * (NULL when there is no such table or no memory). */
static char *migrate_table_sql(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table'"
			       " AND name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			sql = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return sql;
}

/* The file's table, when its CREATE statement is not ref's, made anew as
 * ref has it and its rows copied in the order written: the columns it
 * lacks are NULL, and new constraints (a CHECK with more kinds) hold. */
static asg_status migrate_rebuild(sqlite3 *db, sqlite3 *ref, const char *table,
				  const char *path, struct diag *d)
{
	asg_status s = ASG_OK;
	char *want = migrate_table_sql(ref, table), *have = migrate_table_sql(db, table);
	char *cols = NULL, *sql = NULL;
	if (!want || !have) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	if (!strcmp(want, have))
		goto out_free;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT group_concat('\"' || replace(name, '\"', '\"\"')"
			       " || '\"', ', ') FROM pragma_table_info(?1)", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			cols = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sql = cols ? sqlite3_mprintf(
		"ALTER TABLE \"%w\" RENAME TO \"%w__old\"; %s;"
		" INSERT INTO \"%w\" (%s) SELECT %s FROM \"%w__old\" ORDER BY rowid;"
		" DROP TABLE \"%w__old\";",
		table, table, want, table, cols, cols, table, table) : NULL;
	s = sql ? migrate_exec(db, path, sql, d)
		: diag_set(d, ASG_ENOMEM, "out of memory");
out_free:
	sqlite3_free(want);
	sqlite3_free(have);
	sqlite3_free(cols);
	sqlite3_free(sql);
	return s;
}

/* The spans of the updates rows of a file that had none: an island of
 * rowids of one run has rowid - (its rank within the run) constant. */
static const char migrate_spans_sql[] =
	"INSERT INTO update_spans (run_id, first_rowid, last_rowid)"
	" SELECT run_id, MIN(r), MAX(r) FROM (SELECT rowid AS r, run_id,"
	"  rowid - ROW_NUMBER() OVER (PARTITION BY run_id ORDER BY rowid)"
	"  AS island FROM updates) GROUP BY run_id, island;"
	"DROP INDEX IF EXISTS updates_run_k;";

#define MIGRATE_TABLES_MAX 64

/* Check the file's tables against ref, then remake those that changed.
 * The names are read first: a table cannot be dropped while a statement
 * reads sqlite_master. */
static asg_status migrate_tables(sqlite3 *db, sqlite3 *ref, const char *path,
				 struct diag *d)
{
	char *names[MIGRATE_TABLES_MAX];
	size_t n = 0;
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master"
				    " WHERE type = 'table' ORDER BY name", -1, &st, NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW && s == ASG_OK) {
		if (n == MIGRATE_TABLES_MAX)
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': more than %d tables",
				     path, MIGRATE_TABLES_MAX);
		else if (!(names[n++] = sqlite3_mprintf("%s", sqlite3_column_text(st, 0))))
			s = diag_set(d, ASG_ENOMEM, "out of memory");
	}
	if (s == ASG_OK && rc != SQLITE_OK)
		s = diag_set(d, schema_status(rc), "cannot migrate '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && s == ASG_OK; i++) {
		if (sqlite3_table_column_metadata(ref, "main", names[i], NULL, NULL,
						  NULL, NULL, NULL, NULL) != SQLITE_OK)
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': table %s is not"
				     " in this schema", path, names[i]);
		if (s == ASG_OK)
			s = migrate_covers(db, ref, names[i], path, d);
		if (s == ASG_OK)
			s = migrate_rebuild(db, ref, names[i], path, d);
	}
	for (size_t i = 0; i < n; i++)
		sqlite3_free(names[i]);
	return s;
}

asg_status schema_migrate(sqlite3 *db, const char *path, struct diag *d)
{
	sqlite3 *ref = NULL;
	asg_status s;
	if (sqlite3_open(":memory:", &ref) != SQLITE_OK ||
	    sqlite3_exec(ref, schema_ddl, NULL, NULL, NULL) != SQLITE_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_close;
	}
	/* renaming a table must not rewrite the other tables' references to
	 * it: the table of that name is back before the transaction ends */
	s = migrate_exec(db, path, "PRAGMA legacy_alter_table = ON; BEGIN IMMEDIATE", d);
	if (s != ASG_OK)
		goto out_close;
	bool had_spans = sqlite3_table_column_metadata(db, "main", "update_spans",
						       NULL, NULL, NULL, NULL, NULL,
						       NULL) == SQLITE_OK;
	s = migrate_tables(db, ref, path, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, schema_ddl, d);
	if (s == ASG_OK && !had_spans)
		s = migrate_exec(db, path, migrate_spans_sql, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, schema_version_update, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, "COMMIT", d);
	if (s != ASG_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
out_close:
	sqlite3_close(ref);
	return s;
}
