/*
 * runtables.h — the tables of a results database that hold rows of runs
 * (internal to src/record, for merge.c and resume.c).
 *
 * A run's rows are those of every table with a column named run_id, found
 * in the schema's sqlite_master, so that a table added to the schema later
 * is copied and deleted with its runs without a list here to keep up to
 * date.  The table `runs` itself is not listed: it is the run; nor is
 * update_spans, which locates the rows of `updates` (schema.c).
 *
 *	tables = runtables_read(db, "main")
 *	for each table t: its name, its columns in order, whether it has a
 *	rowid (rows are copied in rowid order, the order they were written)
 *
 * Identifiers are kept as SQLite stores them; statements quote them
 * ("%w" of sqlite3_mprintf).
 */
#ifndef ASG_RECORD_RUNTABLES_H
#define ASG_RECORD_RUNTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "../common/diag.h"

struct runtable {
	char *name;         /* the table's name (owned) */
	char *sql;          /* its CREATE TABLE statement (owned) */
	char **cols;        /* its columns, in declaration order (owned) */
	size_t ncols;       /* how many */
	bool rowid;         /* false for a WITHOUT ROWID table */
	bool spanned;       /* `updates`: a run's rows are the rowid ranges
	                       of its update_spans rows */
};

struct runtables {
	struct runtable *t; /* the tables, in creation order (owned) */
	size_t n;           /* how many */
};

/* The tables of schema ("main" or an attached name) that have a run_id
 * column, `runs` excepted.  On failure ASG_EIO or ASG_ENOMEM with the
 * SQLite message in *d ("cannot read 'path': ...") and *out is empty. */
asg_status runtables_read(sqlite3 *db, const char *schema, const char *path,
			  struct runtables *out, struct diag *d);

/* One table's columns (for `runs`); a missing table is ASG_EIO "'path'
 * has no table 'name'".  Release with runtables_release_table. */
asg_status runtables_read_table(sqlite3 *db, const char *schema,
				const char *name, const char *path,
				struct runtable *t, struct diag *d);

/* The table named name, or NULL. */
const struct runtable *runtables_find(const struct runtables *ts,
				      const char *name);

/* True if table t has column col. */
bool runtables_has_column(const struct runtable *t, const char *col);

/* The columns of a table of runs as "c1","c2",... (sqlite3_malloc'd; free
 * with sqlite3_free), every column but `skip` (NULL: every column); with
 * `replace` not NULL, the column `skip` is written as `replace` in its
 * place instead of being left out.  NULL when out of memory. */
char *runtables_column_list(const struct runtable *t, const char *skip,
			    const char *replace);

/* Delete the rows of run run_id from every table of ts, update_spans and
 * runs, in main (the caller holds the transaction).  SQLite's result
 * code. */
int runtables_delete_run(sqlite3 *db, const struct runtables *ts,
			 int64_t run_id);

void runtables_release_table(struct runtable *t);
void runtables_release(struct runtables *ts);

#endif
