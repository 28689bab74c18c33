/*
 * updrows.c — asg_update_rows, an eponymous-only virtual table (updrows.h).
 *
 * Its columns are those of an update row, and a hidden column `rows`
 * that only the function's argument may constrain: the plan without it
 * is refused, so that no query scans an array it was not given.
 */
#include "updrows.h"

#include <math.h>
#include <string.h>

#include <sqlite3.h>

/* The pointer type of sqlite3_bind_pointer: a value bound under another
 * type reads as NULL. */
#define UPDROWS_POINTER "asg_update_rows"

enum updrows_column {
	UPDROWS_K,
	UPDROWS_T,
	UPDROWS_WORKER,
	UPDROWS_STALENESS,
	UPDROWS_STEP_SIZE,
	UPDROWS_GRAD_NORM2,
	UPDROWS_ROWS         /* hidden: the argument */
};

struct updrows_cursor {
	sqlite3_vtab_cursor base;   /* first: SQLite's part */
	const struct updrows *u;    /* the rows, NULL if none were given */
	size_t i;                   /* the current row */
};

static int updrows_connect(sqlite3 *db, void *aux, int argc,
			   const char *const *argv, sqlite3_vtab **out,
			   char **err)
{
	(void)aux;
	(void)argc;
	(void)argv;
	(void)err;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(k, t, worker,"
				      " staleness, step_size, grad_norm2,"
				      " rows HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	*out = v;
	return SQLITE_OK;
}

static int updrows_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

/* The one plan: rows = the argument, used and not checked again. */
static int updrows_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	for (int c = 0; c < info->nConstraint; c++) {
		const struct sqlite3_index_constraint *con = &info->aConstraint[c];
		if (con->iColumn == UPDROWS_ROWS &&
		    con->op == SQLITE_INDEX_CONSTRAINT_EQ && con->usable) {
			info->aConstraintUsage[c].argvIndex = 1;
			info->aConstraintUsage[c].omit = 1;
			info->estimatedCost = 1.0;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT;
}

static int updrows_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	(void)v;
	struct updrows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int updrows_close(sqlite3_vtab_cursor *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

static int updrows_filter(sqlite3_vtab_cursor *base, int plan,
			  const char *plan_text, int argc, sqlite3_value **argv)
{
	(void)plan;
	(void)plan_text;
	struct updrows_cursor *c = (struct updrows_cursor *)base;
	c->u = argc == 1 ? sqlite3_value_pointer(argv[0], UPDROWS_POINTER) : NULL;
	c->i = 0;
	return SQLITE_OK;
}

static int updrows_next(sqlite3_vtab_cursor *base)
{
	((struct updrows_cursor *)base)->i++;
	return SQLITE_OK;
}

static int updrows_eof(sqlite3_vtab_cursor *base)
{
	const struct updrows_cursor *c = (const struct updrows_cursor *)base;
	return !c->u || c->i >= c->u->n;
}

static void updrows_result_real(sqlite3_context *ctx, double v)
{
	if (isnan(v))
		sqlite3_result_null(ctx);
	else
		sqlite3_result_double(ctx, v);
}

static int updrows_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx,
			  int column)
{
	const struct updrows_cursor *c = (const struct updrows_cursor *)base;
	const struct rowq_row *row = &c->u->rows[c->i];
	switch ((enum updrows_column)column) {
	case UPDROWS_K:
		sqlite3_result_int64(ctx, row->update.k);
		break;
	case UPDROWS_T:
		updrows_result_real(ctx, row->update.t);
		break;
	case UPDROWS_WORKER:
		sqlite3_result_int64(ctx, row->update.worker);
		break;
	case UPDROWS_STALENESS:
		sqlite3_result_int64(ctx, row->update.staleness);
		break;
	case UPDROWS_STEP_SIZE:
		updrows_result_real(ctx, row->update.step_size);
		break;
	case UPDROWS_GRAD_NORM2:
		updrows_result_real(ctx, row->update.grad_norm2);
		break;
	case UPDROWS_ROWS:
		sqlite3_result_null(ctx);
		break;
	}
	return SQLITE_OK;
}

static int updrows_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((const struct updrows_cursor *)base)->i;
	return SQLITE_OK;
}

static const sqlite3_module updrows_module = {
	.iVersion = 0,
	.xCreate = NULL,   /* eponymous only */
	.xConnect = updrows_connect,
	.xBestIndex = updrows_best_index,
	.xDisconnect = updrows_disconnect,
	.xDestroy = updrows_disconnect,
	.xOpen = updrows_open,
	.xClose = updrows_close,
	.xFilter = updrows_filter,
	.xNext = updrows_next,
	.xEof = updrows_eof,
	.xColumn = updrows_column,
	.xRowid = updrows_rowid,
};

int updrows_register(sqlite3 *db)
{
	return sqlite3_create_module_v2(db, "asg_update_rows", &updrows_module,
					NULL, NULL);
}

int updrows_bind(sqlite3_stmt *st, int i, const struct updrows *u)
{
	return sqlite3_bind_pointer(st, i, (void *)u, UPDROWS_POINTER, NULL);
}
