/*
 * curves.c — a value of evals over ticks or virtual time, per sweep point:
 * the mean over replications and its 95% confidence band.
 *
 * Replications are evaluated at the same ticks (record.eval is a stride of
 * ticks), so with --x ticks the values at one tick k are pooled (above
 * PLOT_MAX_POINTS evaluation ticks, only every s-th is kept: a figure
 * could not show more).  Their virtual times differ, so with --x time
 * each series gets a common grid of B points 0, w, 2w, ..., T (T its last
 * evaluation time, B its most evaluations in a run, at most
 * PLOT_MAX_POINTS, w = T / (B - 1)), and an evaluation at time t goes to
 * the nearest point, round(t / w): at a steady update rate every run then
 * has about one evaluation per point.  A run's values at one point are
 * first averaged (one value per run and point), then pooled over runs; x
 * is the mean time of the values pooled.  In both cases one SQL query
 * gives, per x, the mean time and tick of the pooled values and, per
 * metric, the count n, the mean and the sample variance (two passes: the
 * mean, then the sum of squared deviations over n - 1); the band is
 * computed from them (stats.c).  The source query of a kind selects the
 * runs of series ?1 itself (PLOT_SERIES_RUNS), so that a window over a
 * run (a running mean) sees only them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

int plot_curves_xcol(const struct plot_ctx *c)
{
	return c->opt->x == PLOT_X_TICKS ? 2 : 1;
}

const char *plot_curves_xlabel(const struct plot_ctx *c)
{
	return c->opt->x == PLOT_X_TICKS ? "tick k (updates applied)"
					  : "virtual time (s)";
}

/* The query of a series: ?1 the series, ?2 the stride of ticks kept
 * (ticks) or the grid step (time). */
static char *plot_curves_sql(const struct plot_ctx *c,
			     const struct plot_curves *cv)
{
	char v[512] = "", m[512] = "", out[1024] = "";
	for (int i = 1; i <= cv->nmetrics; i++) {
		size_t n = strlen(v), k = strlen(m), o = strlen(out);
		snprintf(v + n, sizeof v - n, ", AVG(y%d) AS y%d", i, i);
		snprintf(m + k, sizeof m - k, ", COUNT(y%d) AS n%d, AVG(y%d) AS m%d",
			 i, i, i, i);
		snprintf(out + o, sizeof out - o, ",\n  m.n%d, m.m%d, SUM((v.y%d -"
			 " m.m%d) * (v.y%d - m.m%d)) / (m.n%d - 1)",
			 i, i, i, i, i, i, i);
	}
	const char *bin = c->opt->x == PLOT_X_TICKS
		? "k AS b, AVG(t) AS t, AVG(k) AS k%s\n"
		  "  FROM (SELECT src.*, DENSE_RANK() OVER (ORDER BY k) - 1 AS rank"
		  " FROM src)\n  WHERE rank %% ?2 = 0"
		: "CAST(ROUND(t / ?2) AS INTEGER) AS b, AVG(t) AS t, AVG(k) AS k%s\n"
		  "  FROM src";
	const char *fmt =
		"WITH src AS (%s),\n"
		"v AS MATERIALIZED (SELECT run_id, %s\n"
		"  GROUP BY run_id, b),\n"
		"m AS MATERIALIZED (SELECT b, AVG(t) AS t, AVG(k) AS k%s FROM v"
		" GROUP BY b)\n"
		"SELECT m.t, m.k%s\n"
		"FROM m JOIN v USING (b) GROUP BY m.b ORDER BY m.b";
	char vpart[1024];
	snprintf(vpart, sizeof vpart, bin, v);
	size_t size = strlen(fmt) + strlen(cv->src) + strlen(vpart) + strlen(m) +
		      strlen(out) + 1;
	char *sql = malloc(size);
	if (sql)
		snprintf(sql, size, fmt, cv->src, vpart, m, out);
	return sql;
}

/* The x of a series: with --x ticks, the stride of its evaluation ticks
 * kept (every one up to PLOT_MAX_POINTS ticks); with --x time, the grid
 * step, and its number of points.  *param is ?2 of the query. */
static asg_status plot_curves_grid(struct plot_ctx *c,
				   const struct plot_curves *cv, size_t series,
				   double *param, long *points, struct diag *d)
{
	static const char fmt[] =
		"WITH src AS (%s)\n"
		"SELECT MAX(t), MAX(cnt), (SELECT COUNT(DISTINCT k) FROM src)"
		" FROM (SELECT MAX(t) AS t, COUNT(*) AS cnt FROM src GROUP BY run_id)";
	size_t size = sizeof fmt + strlen(cv->src);
	char *sql = malloc(size);
	if (!sql)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	snprintf(sql, size, fmt, cv->src);
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, sql, &st, d);
	free(sql);
	if (s != ASG_OK)
		return s;
	sqlite3_bind_int64(st, 1, (long long)series);
	double t = 0;
	long n = 1, ticks = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		t = plot_column(st, 0);
		n = (long)sqlite3_column_int64(st, 1);
		ticks = (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (c->opt->x == PLOT_X_TICKS) {
		*param = ticks > PLOT_MAX_POINTS
			 ? ceil((double)ticks / PLOT_MAX_POINTS) : 1;
		*points = (long)ceil((double)ticks / *param);
		return ASG_OK;
	}
	*points = n < 1 ? 1 : n > PLOT_MAX_POINTS ? PLOT_MAX_POINTS : n;
	*param = !(isfinite(t) && t > 0) ? 1.0
		 : *points > 1 ? t / (double)(*points - 1) : t;
	return ASG_OK;
}

/* The comment lines heading a block; blocks after the first are preceded
 * by two blank lines (gnuplot's `index`). */
static void plot_curves_head(FILE *dat, const struct plot_ctx *c,
			     const struct plot_curves *cv, size_t series,
			     int block, double param, long points)
{
	const struct plot_series *ser = &c->series[series];
	fprintf(dat, "%s# block %d: series %zu, %s (runs %s)\n",
		block ? "\n\n" : "", block, series, ser->label, ser->runs);
	if (c->opt->x == PLOT_X_TIME)
		fprintf(dat, "# ?1 = %zu; grid: %ld points %.17g virtual s apart"
			" (?2)\n", series, points, param);
	else
		fprintf(dat, "# ?1 = %zu; ticks: one evaluation tick in %.0f"
			" kept (?2), %ld ticks\n", series, param, points);
	fputs("# columns: 1 t (virtual s, mean)  2 k (tick, mean)", dat);
	for (int i = 0; i < cv->nmetrics; i++)
		fprintf(dat, "  %d-%d %s: n mean sd lo hi", 3 + 5 * i, 7 + 5 * i,
			cv->names[i]);
	fputc('\n', dat);
}

/* One row: t, k, then n mean sd lo hi per metric. */
static void plot_curves_row(FILE *dat, sqlite3_stmt *st,
			    struct plot_curves *cv, const struct plot_ctx *c)
{
	double t = plot_column(st, 0), k = plot_column(st, 1);
	plot_num(dat, t);
	fputc(' ', dat);
	plot_num(dat, k);
	plot_range_add(&cv->xr, c->opt->x == PLOT_X_TICKS ? k : t);
	for (int i = 0; i < cv->nmetrics; i++) {
		long n = sqlite3_column_int64(st, 2 + 3 * i);
		double mean = plot_column(st, 3 + 3 * i);
		double var = plot_column(st, 4 + 3 * i), sd, lo, hi;
		plot_ci95(n, mean, var, &sd, &lo, &hi);
		fprintf(dat, " %ld ", n);
		double col[4] = { mean, sd, lo, hi };
		for (int j = 0; j < 4; j++) {
			if (j)
				fputc(' ', dat);
			plot_num(dat, col[j]);
		}
		plot_range_add(&cv->mr[i], mean);
		plot_range_add(&cv->yr[i], mean);
		plot_range_add(&cv->yr[i], lo);
		plot_range_add(&cv->yr[i], hi);
	}
	fputc('\n', dat);
}

/* The block of one series; *rows the rows written. */
static asg_status plot_curves_series(struct plot_ctx *c, struct plot_curves *cv,
				     const char *sql, size_t series, int block,
				     FILE *dat, long *rows, struct diag *d)
{
	double param = 1;
	long points = 1;
	asg_status s;
	*rows = 0;
	if ((s = plot_curves_grid(c, cv, series, &param, &points, d)) != ASG_OK)
		return s;
	sqlite3_stmt *st = NULL;
	if ((s = plot_sql_prepare(c, sql, &st, d)) != ASG_OK)
		return s;
	sqlite3_bind_int64(st, 1, (long long)series);
	if (c->opt->x == PLOT_X_TIME)
		sqlite3_bind_double(st, 2, param);
	else
		sqlite3_bind_int64(st, 2, (long long)param);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*rows == 0)
			plot_curves_head(dat, c, cv, series, block, param,
					 points);
		plot_curves_row(dat, st, cv, c);
		++*rows;
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	sqlite3_finalize(st);
	return s;
}

asg_status plot_curves_write(struct plot_ctx *c, struct plot_curves *cv,
			     FILE *dat, struct diag *d)
{
	plot_range_init(&cv->xr);
	for (int i = 0; i < cv->nmetrics; i++) {
		plot_range_init(&cv->yr[i]);
		plot_range_init(&cv->mr[i]);
	}
	char *sql = plot_curves_sql(c, cv);
	if (!sql)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	plot_dat_sql(dat, sql);
	fprintf(dat, "# ?1 = the series, ?2 = %s; per metric, the band is mean +-"
		" t_{0.975,n-1} sd / sqrt(n)\n", c->opt->x == PLOT_X_TIME
		? "the grid step (s)" : "the stride of the evaluation ticks kept");
	asg_status s = ASG_OK;
	int block = 0;
	for (size_t i = 0; i < c->nseries && s == ASG_OK; i++) {
		long rows;
		s = plot_curves_series(c, cv, sql, i, block, dat, &rows, d);
		cv->block[i] = rows ? block++ : -1;
	}
	free(sql);
	return s;
}

asg_status plot_curves_dat(struct plot_ctx *c, struct plot_curves *cv,
			   struct plot_fig *fig, struct diag *d)
{
	cv->block = calloc(c->nseries, sizeof *cv->block);
	if (!cv->block)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	FILE *dat = plot_fig_dat(fig, "per sweep point and x, the"
				 " replications' count, mean, sd and 95% band",
				 d);
	if (!dat)
		return d->status;
	asg_status s = plot_curves_write(c, cv, dat, d);
	asg_status closed = plot_dat_close(fig, dat, d);
	return s != ASG_OK ? s : closed;
}

void plot_curves_clause(FILE *gp, bool *first, const struct plot_ctx *c,
			const char *dat, int block, int metric, int lt,
			bool dashed, const char *floor_var)
{
	int x = plot_curves_xcol(c), base = 3 + 5 * metric;
	plot_gp_next(gp, first);
	fprintf(gp, "'%s' index %d using %d:", dat, block, x);
	if (floor_var)
		fprintf(gp, "(column(%d) > %s ? column(%d) : %s)", base + 3,
			floor_var, base + 3, floor_var);
	else
		fprintf(gp, "%d", base + 3);
	fprintf(gp, ":%d with filledcurves lt %d", base + 4, lt);
	plot_gp_next(gp, first);
	fprintf(gp, "'%s' index %d using %d:%d with lines lt %d%s", dat, block,
		x, base + 1, lt, dashed ? " dt 2" : "");
}

void plot_curves_fill(FILE *gp, const struct plot_curves *cv, size_t nseries)
{
	size_t n = 0;
	for (size_t i = 0; i < nseries; i++)
		n += cv->block[i] >= 0;
	fprintf(gp, "set style fill transparent solid %.2f noborder\n",
		n <= 2 ? 0.22 : n <= 4 ? 0.15 : 0.08);
}

asg_status plot_curves_key(struct plot_fig *fig, const struct plot_curves *cv)
{
	struct plot_ctx *c = fig->c;
	char style[64];
	fig->key_title = c->key_title;
	for (size_t i = 0; i < c->nseries; i++) {
		if (cv->block[i] < 0)
			continue;
		snprintf(style, sizeof style, "with lines lt %zu", i + 1);
		if (plot_fig_key_add(fig, style, c->series[i].label, false) != ASG_OK)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}
