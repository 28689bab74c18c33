/*
 * migrate.c — an older results database brought to this schema, when that
 * is safe (schema.h).
 *
 * Safe means additive: every table of the old file exists in this schema
 * with every one of its columns, of the same declared type.  Then the
 * tables this schema adds are created, the columns it adds are appended
 * (NULL in the old rows: "not recorded"), the indexes made, and
 * meta.schema_version set, in one transaction: a failure leaves the file
 * as it was.  Anything else (a column dropped or retyped) is refused with
 * the first difference named.
 *
 *	ref = this schema's DDL run in an in-memory database
 *	for each table t of ref present in the file:
 *		for each column c of ref.t missing in the file: ALTER TABLE ADD
 *	the DDL itself (IF NOT EXISTS) creates the missing tables and indexes
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

/* Add to the file's table the columns of ref's table it lacks. */
static asg_status migrate_add_columns(sqlite3 *db, sqlite3 *ref, const char *table,
				      const char *path, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	char type[64];
	int rc = sqlite3_prepare_v2(ref, "SELECT name, type, \"notnull\", pk"
				    " FROM pragma_table_info(?1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (s == ASG_OK && rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		if (migrate_column_type(db, table, col, type, sizeof type))
			continue;
		if (sqlite3_column_int(st, 2) || sqlite3_column_int(st, 3)) {
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': new column %s.%s"
				     " cannot be NULL in old rows", path, table, col);
			break;
		}
		char *sql = sqlite3_mprintf("ALTER TABLE \"%w\" ADD COLUMN \"%w\" %s",
					    table, col, sqlite3_column_text(st, 1));
		s = sql ? migrate_exec(db, path, sql, d)
			: diag_set(d, ASG_ENOMEM, "out of memory");
		sqlite3_free(sql);
	}
	sqlite3_finalize(st);
	return s;
}

/* Check the file's tables against ref, then add what ref has more. */
static asg_status migrate_tables(sqlite3 *db, sqlite3 *ref, const char *path,
				 struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master"
				    " WHERE type = 'table' ORDER BY name", -1, &st, NULL);
	while (s == ASG_OK && rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_table_column_metadata(ref, "main", table, NULL, NULL,
						  NULL, NULL, NULL, NULL) == SQLITE_OK)
			s = migrate_covers(db, ref, table, path, d);
		else
			s = diag_set(d, ASG_EIO, "cannot migrate '%s': table %s is not"
				     " in this schema", path, table);
		if (s == ASG_OK)
			s = migrate_add_columns(db, ref, table, path, d);
	}
	if (s == ASG_OK && rc != SQLITE_OK)
		s = diag_set(d, schema_status(rc), "cannot migrate '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
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
	s = migrate_exec(db, path, "BEGIN IMMEDIATE", d);
	if (s != ASG_OK)
		goto out_close;
	s = migrate_tables(db, ref, path, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, schema_ddl, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, schema_version_update, d);
	if (s == ASG_OK)
		s = migrate_exec(db, path, "COMMIT", d);
	if (s != ASG_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out_close:
	sqlite3_close(ref);
	return s;
}
