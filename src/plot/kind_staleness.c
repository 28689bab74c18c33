/*
 * kind_staleness.c — the `staleness` figure: the distribution of the
 * staleness of applied gradients (updates.staleness), as a histogram (the
 * fraction of gradients per staleness) above a CDF (the fraction with
 * staleness <= s), one curve per sweep point and worker group when
 * points have several groups and that makes at most 8 curves, else one
 * per sweep point.  The gradients of all
 * replications of a point are pooled.
 *
 * Staleness up to 100 is counted per value; above, in bins of
 * ceil((max + 1) / 100) values.  A curve's bins run without a gap from an
 * empty bin before its first gradient to one after its last (a bin
 * without gradient is written with count 0), so that its outline closes.
 * When one curve's peak is five times another's (a synchronous point has
 * all its mass at 0), the histogram's axis is logarithmic.
 *
 * Data: staleness.dat, one block per curve: lo hi count fraction cdf.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

/* Curves per sweep point and worker group only up to this many. */
#define PLOT_STALE_MAX_CURVES 8

/* One curve: a series, or a series and a worker group. */
struct plot_stale_curve {
	size_t series;        /* its sweep point */
	char *group;          /* its worker group, "" for all */
	double mean;          /* its mean staleness */
	long long total;      /* gradients counted */
	double peak;          /* its largest fraction */
};

struct plot_stale {
	struct plot_stale_curve *curves;   /* in block order */
	size_t n;                          /* how many */
	bool by_group;                     /* curves per worker group */
	long long width;                   /* staleness values per bin */
	long long lo, hi;                  /* range of the bins' bounds */
	struct plot_range frac;            /* of the fractions */
};

static const char plot_stale_sql[] =
	"SELECT s.series, %s AS g, u.staleness / ?1 AS b, COUNT(*),\n"
	"  SUM(COUNT(*)) OVER (PARTITION BY s.series, %s ORDER BY u.staleness / ?1),\n"
	"  SUM(COUNT(*)) OVER (PARTITION BY s.series, %s),\n"
	"  SUM(SUM(u.staleness)) OVER (PARTITION BY s.series, %s)\n"
	"FROM updates_by_run u JOIN temp.plot_sel s USING (run_id)%s\n"
	"WHERE u.staleness IS NOT NULL\n"
	"GROUP BY s.series, g, b ORDER BY s.series, g, b";

static const char plot_stale_join[] =
	"\n  LEFT JOIN workers w ON w.run_id = u.run_id AND w.worker = u.worker";

bool plot_staleness_has(struct plot_ctx *c, char *why, size_t size)
{
	if (plot_sql_has_row(c, "SELECT 1 FROM updates_by_run JOIN temp.plot_sel"
			     " USING (run_id) WHERE staleness IS NOT NULL LIMIT 1"))
		return true;
	snprintf(why, size, "no row in updates (record.updates: none)");
	return false;
}

/* Bin width, and whether curves go per group. */
static asg_status plot_stale_setup(struct plot_ctx *c, struct plot_stale *p,
				   struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, "SELECT MAX(staleness) FROM updates_by_run"
					" JOIN temp.plot_sel USING (run_id)", &st, d);
	if (s != ASG_OK)
		return s;
	long long max = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	p->width = max + 1 <= 100 ? 1 : (max + 1 + 99) / 100;
	/* Curves per group while they stay few. */
	p->by_group = false;
	if ((s = plot_sql_prepare(c, "SELECT COUNT(DISTINCT s.series || char(31)"
				  " || COALESCE(w.grp, '')), COUNT(DISTINCT s.series)"
				  " FROM workers w JOIN temp.plot_sel s USING"
				  " (run_id)", &st, d)) != ASG_OK)
		return s;
	if (sqlite3_step(st) == SQLITE_ROW)
		p->by_group = sqlite3_column_int(st, 0) > sqlite3_column_int(st, 1) &&
			      sqlite3_column_int(st, 0) <= PLOT_STALE_MAX_CURVES;
	sqlite3_finalize(st);
	return ASG_OK;
}

static char *plot_stale_query(const struct plot_stale *p)
{
	const char *g = p->by_group ? "COALESCE(w.grp, '')" : "''";
	size_t size = sizeof plot_stale_sql + 4 * strlen(g) + sizeof plot_stale_join;
	char *sql = malloc(size);
	if (sql)
		snprintf(sql, size, plot_stale_sql, g, g, g, g,
			 p->by_group ? plot_stale_join : "");
	return sql;
}

/* An empty bin b of the current curve (count 0, fraction 0). */
static void plot_stale_bin(FILE *dat, struct plot_stale *p, long long b,
			   long long count, long long cum, long long total)
{
	long long lo = b * p->width, hi = lo + p->width - 1;
	double frac = (double)count / (double)total;
	fprintf(dat, "%lld %lld %lld ", lo, hi, count);
	plot_num(dat, frac);
	fputc(' ', dat);
	plot_num(dat, (double)cum / (double)total);
	fputc('\n', dat);
	if (lo < p->lo)
		p->lo = lo;
	if (hi > p->hi)
		p->hi = hi;
	if (count > 0)
		plot_range_add(&p->frac, frac);
}

/* Start a new curve at the current row. */
static asg_status plot_stale_curve_new(FILE *dat, struct plot_ctx *c,
				       struct plot_stale *p, sqlite3_stmt *st)
{
	struct plot_stale_curve *cv = realloc(p->curves, (p->n + 1) * sizeof *cv);
	if (!cv)
		return ASG_ENOMEM;
	p->curves = cv;
	cv = &p->curves[p->n];
	const char *g = (const char *)sqlite3_column_text(st, 1);
	cv->series = (size_t)sqlite3_column_int64(st, 0);
	cv->group = malloc(strlen(g ? g : "") + 1);
	if (!cv->group)
		return ASG_ENOMEM;
	strcpy(cv->group, g ? g : "");
	cv->total = sqlite3_column_int64(st, 5);
	cv->mean = sqlite3_column_double(st, 6) / (double)cv->total;
	cv->peak = 0;
	const struct plot_series *ser = &c->series[cv->series];
	fprintf(dat, "%s# block %zu: series %zu, %s%s%s (runs %s): %lld"
		" gradients, mean staleness %.6g\n"
		"# columns: 1 lo 2 hi (the bin's staleness values) 3 count"
		" 4 fraction 5 cdf (fraction <= hi)\n", p->n ? "\n\n" : "", p->n,
		cv->series, ser->label, *cv->group ? ", group " : "", cv->group,
		ser->runs, cv->total, cv->mean);
	p->n++;
	return ASG_OK;
}

static asg_status plot_stale_data(struct plot_ctx *c, struct plot_stale *p,
				  FILE *dat, struct diag *d)
{
	char *sql = plot_stale_query(p);
	if (!sql)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	plot_dat_sql(dat, sql);
	fprintf(dat, "# ?1 = %lld (staleness values per bin); fraction = count"
		" / total, cdf = cumulative count / total\n", p->width);
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, sql, &st, d);
	free(sql);
	if (s != ASG_OK)
		return s;
	sqlite3_bind_int64(st, 1, p->width);
	int rc;
	long long last_b = 0, total = 1;
	bool cur_b_started = false;
	size_t cur_series = (size_t)-1;
	const char *cur_group = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t series = (size_t)sqlite3_column_int64(st, 0);
		const char *g = (const char *)sqlite3_column_text(st, 1);
		long long b = sqlite3_column_int64(st, 2);
		if (series != cur_series || !cur_group || strcmp(g ? g : "", cur_group)) {
			if (p->n)
				plot_stale_bin(dat, p, last_b + 1, 0, total, total);
			if (plot_stale_curve_new(dat, c, p, st) != ASG_OK) {
				s = diag_set(d, ASG_ENOMEM, "out of memory");
				break;
			}
			cur_series = series;
			cur_group = p->curves[p->n - 1].group;
			total = p->curves[p->n - 1].total;
			plot_stale_bin(dat, p, b - 1, 0, 0, total);
			cur_b_started = false;
		}
		long long count = sqlite3_column_int64(st, 3);
		long long cum = sqlite3_column_int64(st, 4);
		/* Bins without a gradient: count 0, the CDF unchanged. */
		for (long long e = last_b + 1; e < b && cur_b_started; e++)
			plot_stale_bin(dat, p, e, 0, cum - count, total);
		plot_stale_bin(dat, p, b, count, cum, total);
		cur_b_started = true;
		double frac = (double)count / (double)total;
		if (frac > p->curves[p->n - 1].peak)
			p->curves[p->n - 1].peak = frac;
		last_b = b;
	}
	if (s == ASG_OK && rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	if (s == ASG_OK && p->n)
		plot_stale_bin(dat, p, last_b + 1, 0, total, total);
	sqlite3_finalize(st);
	return s;
}

/* "label, group (mean 3.2)" into buf. */
/* "label, group (mean 3.2)", the label cut so that the whole fits a key
 * entry (PLOT_KEY_TITLE_MAX). */
static void plot_stale_title(const struct plot_ctx *c,
			     const struct plot_stale_curve *cv, char *buf,
			     size_t size)
{
	char tail[128];
	snprintf(tail, sizeof tail, "%s%s (mean %.3g)", *cv->group ? ", " : "",
		 cv->group, cv->mean);
	const char *label = c->series[cv->series].label;
	int room = PLOT_KEY_TITLE_MAX - (int)strlen(tail);
	if (room < 8)
		room = 8;
	if ((int)strlen(label) <= room)
		snprintf(buf, size, "%s%s", label, tail);
	else
		snprintf(buf, size, "%.*s...%s", room - 3, label, tail);
}

/* A colour per curve by group, else per sweep point. */
static size_t plot_stale_lt(const struct plot_stale *p, size_t i)
{
	return p->by_group ? i + 1 : p->curves[i].series + 1;
}

static void plot_stale_script(struct plot_fig *fig, const struct plot_stale *p)
{
	FILE *gp = fig->gp;
	double hi_peak = 0, lo_peak = HUGE_VAL;
	for (size_t i = 0; i < p->n; i++) {
		hi_peak = fmax(hi_peak, p->curves[i].peak);
		lo_peak = fmin(lo_peak, p->curves[i].peak);
	}
	bool log = hi_peak > 5 * lo_peak;
	double top = plot_fig_key(fig);
	struct plot_range xr = { (double)p->lo, (double)p->hi, 1 };
	struct plot_range fr = p->frac, cdf = { 0, 1, 1 };
	double pad = 0.02 * (xr.hi - xr.lo);
	if (!log)
		plot_range_round(&fr, 0, 1);
	size_t chars = plot_tic_chars(&fr, log);
	double left = plot_left_margin(chars < 3 ? 3 : chars);
	plot_fig_panel(fig, top, 0, 2, left);
	fprintf(gp, "set xrange [%.6g:%.6g]\n", xr.lo - pad, xr.hi + pad);
	plot_axis_tics(gp, "x", &xr, false);
	fputs("set format x ''\nset ylabel 'P(staleness = s)'\n", gp);
	if (log) {
		fputs("ymin = ", gp);
		plot_num(gp, p->frac.minpos / 2);
		fputs("\nset yrange [ymin:1.5]\n", gp);
	} else {
		fputs("ymin = 0\n", gp);
		plot_axis_range(gp, "y", &fr);
	}
	plot_axis_tics(gp, "y", &fr, log);
	bool first = true;
	for (size_t i = 0; i < p->n; i++) {
		plot_gp_next(gp, &first);
		fprintf(gp, "'staleness.dat' index %zu using (($1 + $2) / 2):"
			"(column(4) > ymin ? column(4) : ymin) with histeps lt %zu",
			i, plot_stale_lt(p, i));
	}
	fputs("\n", gp);
	plot_fig_panel(fig, top, 1, 2, left);
	fputs("unset logscale y\nset format y '%g'\nset format x '%g'\n"
	      "set xlabel 'staleness s (ticks)'\nset ylabel 'P(staleness ≤ s)'\n"
	      "set yrange [0:1]\n", gp);
	plot_axis_tics(gp, "y", &cdf, false);
	first = true;
	for (size_t i = 0; i < p->n; i++) {
		plot_gp_next(gp, &first);
		fprintf(gp, "'staleness.dat' index %zu using 2:5 with steps lt %zu",
			i, plot_stale_lt(p, i));
	}
	fputc('\n', gp);
}

static void plot_stale_release(struct plot_stale *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->curves[i].group);
	free(p->curves);
}

static asg_status plot_stale_key(struct plot_fig *fig, const struct plot_stale *p)
{
	char title[512], style[64];
	fig->key_title = p->by_group ? NULL : fig->c->key_title;
	for (size_t i = 0; i < p->n; i++) {
		plot_stale_title(fig->c, &p->curves[i], title, sizeof title);
		snprintf(style, sizeof style, "with lines lt %zu", plot_stale_lt(p, i));
		if (plot_fig_key_add(fig, style, title, false) != ASG_OK)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}

asg_status plot_staleness(struct plot_ctx *c, struct diag *d)
{
	struct plot_stale p = { .lo = LLONG_MAX, .hi = LLONG_MIN };
	struct plot_fig fig;
	plot_range_init(&p.frac);
	plot_fig_init(&fig, c, "staleness", "distribution of the staleness of"
		      " applied gradients: histogram and CDF");
	asg_status s = plot_stale_setup(c, &p, d);
	if (s != ASG_OK)
		return s;
	FILE *dat = plot_fig_dat(&fig, "staleness histogram and CDF per"
				 " sweep point (and worker group), replications"
				 " pooled", d);
	if (!dat)
		return d->status;
	s = plot_stale_data(c, &p, dat, d);
	asg_status sc = plot_dat_close(&fig, dat, d);
	if (s != ASG_OK || (s = sc) != ASG_OK)
		goto out_release;
	if (plot_stale_key(&fig, &p) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_release;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY2_IN, d)) != ASG_OK)
		goto out_release;
	plot_stale_script(&fig, &p);
	s = plot_fig_end(&fig, d);
out_release:
	plot_fig_abort(&fig);
	plot_stale_release(&p);
	return s;
}
