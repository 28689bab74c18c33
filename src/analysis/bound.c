/*
 * bound.c — `asgdsim bound`: read the runs, fit, write the bound rows
 * (bound.h).
 *
 * The database is first opened read only, so that a missing path is an
 * error and not a new empty database; then, to write, read-write.  The
 * bound rows of the runs analysed replace their earlier rows (PRIMARY KEY
 * run_id) in one transaction: a run keeps the row of the latest analysis
 * that included it.
 */
#include "bound.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../record/schema.h"

void bound_options_init(struct bound_options *o)
{
	memset(o, 0, sizeof *o);
	o->holdout = 0.5;
	o->write = true;
}

void bound_result_release(struct bound_result *res)
{
	for (size_t i = 0; i < res->nrun; i++) {
		free(res->run[i].scenario);
		free(res->run[i].protocol);
		free(res->run[i].model);
	}
	free(res->run);
	memset(res, 0, sizeof *res);
}

/* Bind a double, NAN as NULL. */
static void bound_bind_real(sqlite3_stmt *st, int col, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_double(st, col, v);
}

/* Bind the values of one run's row (columns as in bound_insert_sql). */
static void bound_bind_row(sqlite3_stmt *st, const struct bound_result *res,
			   const struct bound_run *r)
{
	bool used = r->role != BOUND_UNUSED;
	sqlite3_bind_int64(st, 1, r->run_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->n);
	bound_bind_real(st, 3, r->lhs);
	bound_bind_real(st, 4, r->t1);
	bound_bind_real(st, 5, r->t2);
	bound_bind_real(st, 6, r->t3);
	bound_bind_real(st, 7, r->t3_lag);
	for (int m = 0; m < 3; m++)
		bound_bind_real(st, 8 + m, used ? res->fit.c[m] : NAN);
	bound_bind_real(st, 11, r->rhs);
	if (used)
		sqlite3_bind_int(st, 12, r->role == BOUND_HELD_OUT);
	else
		sqlite3_bind_null(st, 12);
	if (r->holds >= 0)
		sqlite3_bind_int(st, 13, r->holds);
	else
		sqlite3_bind_null(st, 13);
}

static const char bound_insert_sql[] =
	"INSERT OR REPLACE INTO bound (run_id, n, lhs, t1, t2, t3, t3_lag,"
	" c1, c2, c3, rhs, held_out, holds)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

asg_status bound_write(sqlite3 *db, const struct bound_result *res,
		       struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, bound_insert_sql, -1, &st, NULL);
	for (size_t i = 0; i < res->nrun && rc == SQLITE_OK; i++) {
		sqlite3_reset(st);
		bound_bind_row(st, res, &res->run[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return ASG_OK;
	const char *path = sqlite3_db_filename(db, "main");
	asg_status s = diag_set(d, schema_status(rc), "cannot write '%s': %s",
				path ? path : "database", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

asg_status bound_analyse(const char *db_path, const struct bound_options *opt,
			 struct bound_result *res, struct diag *d)
{
	memset(res, 0, sizeof *res);
	sqlite3 *db = schema_open(db_path, false, d);
	if (db && opt->write) {
		sqlite3_close(db);
		db = schema_open(db_path, true, d);
	}
	if (!db)
		return d->status;
	asg_status s = bound_read(db, opt, res, d);
	if (s == ASG_OK)
		s = bound_fit(res, d);
	if (s == ASG_OK && opt->write)
		s = bound_write(db, res, d);
	if (s != ASG_OK)
		bound_result_release(res);
	sqlite3_close(db);
	return s;
}
