/*
 * plot.c — `asgdsim plot`: open the database, select the runs, make each
 * kind of figure asked for (plot.h).
 *
 * Without kinds named, every kind whose data the selected runs have is
 * made, and each other kind is named on err with the reason ("no aoi
 * figure: table 'aoi' is missing"); a kind named without its data is bad
 * input.  Every check is made before the first file is written.  The
 * figures are made in the order of the kinds table.
 */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../record/schema.h"
#include "plot_impl.h"

static const struct {
	const char *name;        /* as on the command line */
	plot_has_fn *has;        /* whether the runs have its data */
	plot_make_fn *make;      /* the figure */
} plot_kinds[PLOT_KINDS] = {
	[PLOT_LOSS] = { "loss", plot_loss_has, plot_loss },
	[PLOT_GRADNORM] = { "gradnorm", plot_gradnorm_has, plot_gradnorm },
	[PLOT_STALENESS] = { "staleness", plot_staleness_has, plot_staleness },
	[PLOT_AOI] = { "aoi", plot_aoi_has, plot_aoi },
	[PLOT_KAPPA] = { "kappa", plot_kappa_has, plot_kappa },
	[PLOT_BOUND] = { "bound", plot_bound_has, plot_bound },
	[PLOT_TIMELINE] = { "timeline", plot_timeline_has, plot_timeline },
};

const char *plot_kind_name(enum plot_kind k)
{
	return k < PLOT_KINDS ? plot_kinds[k].name : "?";
}

bool plot_kind_parse(const char *name, enum plot_kind *k)
{
	for (int i = 0; i < PLOT_KINDS; i++)
		if (!strcmp(name, plot_kinds[i].name)) {
			*k = (enum plot_kind)i;
			return true;
		}
	return false;
}

bool plot_format_parse(const char *name, enum plot_format *f)
{
	static const char *const names[] = { "png", "pdf", "svg" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i])) {
			*f = (enum plot_format)i;
			return true;
		}
	return false;
}

bool plot_axis_parse(const char *name, enum plot_axis *x)
{
	if (!strcmp(name, "time"))
		*x = PLOT_X_TIME;
	else if (!strcmp(name, "ticks"))
		*x = PLOT_X_TICKS;
	else
		return false;
	return true;
}

/* --- database helpers --- */

asg_status plot_sql_prepare(struct plot_ctx *c, const char *sql,
			    sqlite3_stmt **st, struct diag *d)
{
	int rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
	if (rc == SQLITE_OK)
		return ASG_OK;
	*st = NULL;
	return diag_set(d, schema_status(rc), "cannot read '%s': %s",
			c->opt->db_path, sqlite3_errmsg(c->db));
}

asg_status plot_sql_fail(struct plot_ctx *c, struct diag *d)
{
	return diag_set(d, schema_status(sqlite3_errcode(c->db)),
			"cannot read '%s': %s", c->opt->db_path,
			sqlite3_errmsg(c->db));
}

bool plot_table_exists(struct plot_ctx *c, const char *table)
{
	sqlite3_stmt *st = NULL;
	bool found = false;
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE"
			       " type = 'table' AND name = ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

bool plot_sql_has_row(struct plot_ctx *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK)
		row = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return row;
}

double plot_column(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN : sqlite3_column_double(st, i);
}

bool plot_table_has_runs(struct plot_ctx *c, const char *table, char *why,
			 size_t size)
{
	if (!plot_table_exists(c, table)) {
		snprintf(why, size, "table '%s' is missing", table);
		return false;
	}
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE run_id IN"
		 " (SELECT run_id FROM temp.plot_sel) LIMIT 1", table);
	if (!plot_sql_has_row(c, sql)) {
		snprintf(why, size, "table '%s' has no row of the runs selected",
			 table);
		return false;
	}
	return true;
}

/* --- the output directory --- */

/* plots/<database name without its extension>. */
static char *plot_default_dir(const char *db_path)
{
	const char *base = strrchr(db_path, '/');
	base = base ? base + 1 : db_path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	char *dir = malloc(n + 8);
	if (dir)
		snprintf(dir, n + 8, "plots/%.*s", (int)n, base);
	return dir;
}

/* mkdir -p. */
static asg_status plot_mkdirs(const char *dir, struct diag *d)
{
	char *p = malloc(strlen(dir) + 1);
	if (!p)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	strcpy(p, dir);
	asg_status s = ASG_OK;
	for (char *q = p + 1;; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		char ch = *q;
		*q = '\0';
		struct stat sb;
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			s = diag_set(d, ASG_EIO, "cannot create '%s': %s", p,
				     strerror(errno));
			break;
		}
		if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			s = diag_set(d, ASG_EIO, "cannot create '%s': not a"
				     " directory", p);
			break;
		}
		*q = ch;
		if (ch == '\0')
			break;
	}
	free(p);
	return s;
}

/* --- the figures --- */

/* The kinds to make: those asked for, each checked; or every kind with
 * data, the others said on err. */
static asg_status plot_choose(struct plot_ctx *c, unsigned *todo,
			      struct diag *d)
{
	char why[256];
	*todo = 0;
	for (int k = 0; k < PLOT_KINDS; k++) {
		bool asked = c->opt->kinds & (1u << k);
		if (c->opt->kinds && !asked)
			continue;
		why[0] = '\0';
		if (plot_kinds[k].has(c, why, sizeof why)) {
			*todo |= 1u << k;
			continue;
		}
		if (asked)
			return diag_set(d, ASG_EINPUT, "cannot plot %s from '%s': %s",
					plot_kinds[k].name, c->opt->db_path, why);
		fprintf(c->err, "asgdsim: no %s figure: %s\n", plot_kinds[k].name,
			why);
	}
	if (!*todo)
		return diag_set(d, ASG_EINPUT, "nothing to plot in '%s'",
				c->opt->db_path);
	return ASG_OK;
}

static asg_status plot_all(struct plot_ctx *c, struct diag *d)
{
	asg_status s;
	unsigned todo;
	if ((s = plot_select(c, d)) != ASG_OK ||
	    (s = plot_choose(c, &todo, d)) != ASG_OK ||
	    (s = plot_mkdirs(c->dir, d)) != ASG_OK)
		return s;
	for (int k = 0; k < PLOT_KINDS; k++)
		if ((todo & (1u << k)) && (s = plot_kinds[k].make(c, d)) != ASG_OK)
			return s;
	return ASG_OK;
}

asg_status plot_make(const struct plot_options *o, FILE *out, FILE *err,
		     struct diag *d)
{
	struct plot_ctx c = { .opt = o, .out = out, .err = err };
	asg_status s;
	c.dir = o->out_dir ? malloc(strlen(o->out_dir) + 1)
			   : plot_default_dir(o->db_path);
	if (!c.dir)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	if (o->out_dir)
		strcpy(c.dir, o->out_dir);
	size_t n = strlen(c.dir);
	while (n > 1 && c.dir[n - 1] == '/')
		c.dir[--n] = '\0';
	c.db = schema_open(o->db_path, false, d);
	if (!c.db) {
		s = d->status;
		goto out_free_dir;
	}
	s = plot_all(&c, d);
	plot_select_release(&c);
	sqlite3_close(c.db);
out_free_dir:
	free(c.dir);
	return s;
}
