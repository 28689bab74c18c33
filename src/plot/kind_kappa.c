/*
 * kind_kappa.c — the `kappa` figure: kappa_i = nu(n, i) / n, each
 * worker's (agent's) share of the ticks (workers.kappa), per worker: the
 * mean over the replications of a sweep point and its 95% interval
 * (stats.c), one colour per point, the points of a worker side by side.
 * The axis is logarithmic when the means span more than a factor 20 (a
 * synchronous point has kappa near 1, an asynchronous one near 1/D).
 *
 * Data: kappa.dat, one block per sweep point: worker n mean sd lo hi.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

static const char plot_kappa_sql[] =
	"WITH v AS (SELECT s.series, w.worker, w.grp, w.kappa AS y FROM workers w\n"
	"  JOIN temp.plot_sel s USING (run_id) WHERE w.kappa IS NOT NULL),\n"
	"m AS (SELECT series, worker, MIN(grp) AS grp, COUNT(y) AS n, AVG(y) AS mean\n"
	"  FROM v GROUP BY series, worker)\n"
	"SELECT m.series, m.worker, m.grp, m.n, m.mean,\n"
	"  SUM((v.y - m.mean) * (v.y - m.mean)) / (m.n - 1)\n"
	"FROM m JOIN v USING (series, worker) GROUP BY m.series, m.worker\n"
	"ORDER BY m.series, m.worker";

bool plot_kappa_has(struct plot_ctx *c, char *why, size_t size)
{
	if (plot_sql_has_row(c, "SELECT 1 FROM workers JOIN temp.plot_sel"
			     " USING (run_id) WHERE kappa IS NOT NULL LIMIT 1"))
		return true;
	snprintf(why, size, "no row in workers for the runs selected");
	return false;
}

struct plot_kappa {
	int *block;               /* per series, its block or -1 */
	long workers;             /* the most workers of a point */
	struct plot_range mean;   /* of the means */
	struct plot_range all;    /* of the means and intervals */
};

static void plot_kappa_row(FILE *dat, sqlite3_stmt *st, struct plot_kappa *k)
{
	long worker = (long)sqlite3_column_int64(st, 1);
	const char *grp = (const char *)sqlite3_column_text(st, 2);
	long n = (long)sqlite3_column_int64(st, 3);
	double mean = plot_column(st, 4), sd, lo, hi;
	plot_ci95(n, mean, plot_column(st, 5), &sd, &lo, &hi);
	fprintf(dat, "%ld %ld ", worker, n);
	double col[4] = { mean, sd, lo, hi };
	for (int j = 0; j < 4; j++) {
		plot_num(dat, col[j]);
		fputc(' ', dat);
	}
	/* The group, double-quoted as gnuplot reads a text column. */
	fputc('"', dat);
	for (const char *g = grp ? grp : ""; *g; g++)
		fputc(*g == '"' || (unsigned char)*g < 0x20 ? '_' : *g, dat);
	fputs("\"\n", dat);
	if (worker + 1 > k->workers)
		k->workers = worker + 1;
	plot_range_add(&k->mean, mean);
	plot_range_add(&k->all, mean);
	plot_range_add(&k->all, lo);
	plot_range_add(&k->all, hi);
}

static asg_status plot_kappa_data(struct plot_ctx *c, struct plot_kappa *k,
				  FILE *dat, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, plot_kappa_sql, &st, d);
	if (s != ASG_OK)
		return s;
	plot_dat_sql(dat, plot_kappa_sql);
	fputs("# the interval is mean +- t_{0.975,n-1} sd / sqrt(n) over the"
	      " replications\n", dat);
	int rc, block = -1;
	long long cur = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long series = sqlite3_column_int64(st, 0);
		if (series != cur) {
			cur = series;
			k->block[series] = ++block;
			fprintf(dat, "%s# block %d: series %lld, %s (runs %s)\n"
				"# columns: 1 worker 2 n 3 mean 4 sd 5 lo 6 hi"
				" 7 group\n", block ? "\n\n" : "", block, series,
				c->series[series].label, c->series[series].runs);
		}
		plot_kappa_row(dat, st, k);
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	sqlite3_finalize(st);
	return s;
}

static void plot_kappa_script(struct plot_fig *fig, const struct plot_kappa *k)
{
	struct plot_ctx *c = fig->c;
	FILE *gp = fig->gp;
	size_t entries = fig->nkey, drawn = 0;
	plot_fig_key(fig);
	bool log = plot_range_wants_log(&k->mean, 20);
	fprintf(gp, "set xlabel 'worker i'\nset ylabel 'κ_i (gradients per tick)'\n"
		"set xrange [-0.7:%ld.7]\n", k->workers - 1);
	struct plot_range xr = { 0, (double)(k->workers - 1), 1 };
	plot_axis_tics(gp, "x", &xr, false);
	struct plot_range yr = k->all;
	if (log) {
		/* a factor 2 of room both ways; intervals reaching 0 are cut */
		yr.lo = yr.minpos = k->mean.lo / 2;
		yr.hi *= 2;
		plot_axis_range(gp, "y", &yr);
	}
	plot_axis_tics(gp, "y", &yr, log);
	/* Side by side: the points of a worker spread over 0.7 of a unit. */
	double step = entries > 1 ? fmin(0.7 / (double)(entries - 1), 0.2) : 0;
	bool first = true;
	for (size_t i = 0; i < c->nseries; i++) {
		if (k->block[i] < 0)
			continue;
		double off = ((double)drawn++ - (double)(entries - 1) / 2) * step;
		plot_gp_next(gp, &first);
		fprintf(gp, "'kappa.dat' index %d using ($1 + (%.4f)):3:5:6 with"
			" yerrorbars lt %zu dt solid", k->block[i], off, i + 1);
	}
	fputc('\n', gp);
}

static asg_status plot_kappa_key(struct plot_fig *fig, const struct plot_kappa *k)
{
	struct plot_ctx *c = fig->c;
	char style[64];
	fig->key_title = c->key_title;
	for (size_t i = 0; i < c->nseries; i++) {
		if (k->block[i] < 0)
			continue;
		snprintf(style, sizeof style, "with points lt %zu", i + 1);
		if (plot_fig_key_add(fig, style, c->series[i].label, false) != ASG_OK)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}

asg_status plot_kappa(struct plot_ctx *c, struct diag *d)
{
	struct plot_kappa k = { .workers = 1 };
	struct plot_fig fig;
	asg_status s;
	plot_range_init(&k.mean);
	plot_range_init(&k.all);
	plot_fig_init(&fig, c, "kappa", "update rate kappa_i per worker, mean and"
		      " 95% interval over replications");
	k.block = malloc(c->nseries * sizeof *k.block);
	if (!k.block)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nseries; i++)
		k.block[i] = -1;
	FILE *dat = plot_fig_dat(&fig, "kappa_i per sweep point and worker",
				 d);
	if (!dat) {
		s = d->status;
		goto out_free;
	}
	s = plot_kappa_data(c, &k, dat, d);
	asg_status sc = plot_dat_close(&fig, dat, d);
	if (s != ASG_OK || (s = sc) != ASG_OK)
		goto out_free;
	if (plot_kappa_key(&fig, &k) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY_IN, d)) != ASG_OK)
		goto out_free;
	plot_kappa_script(&fig, &k);
	s = plot_fig_end(&fig, d);
out_free:
	plot_fig_abort(&fig);
	free(k.block);
	return s;
}
