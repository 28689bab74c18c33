/*
 * kind_timeline.c — the `timeline` figure: a Gantt chart of one run, a row
 * per worker (worker 0 at the top), its compute, uplink and downlink
 * intervals as bars over virtual time (the timeline table, written with
 * `record.timeline: until(T)` or `all`).
 *
 * The run is the first selected one with timeline rows.  The window runs
 * from the first interval's start to the last one's: intervals are
 * recorded when they start before the limit T of until(T), so past the
 * last start the record is incomplete (bars crossing the edge are cut).
 * When a worker has more than 40 compute intervals in it (bars would
 * merge), it is cut to 25 mean compute times from the first interval,
 * and the .dat says so.
 *
 * Data: timeline.dat, a block per kind of interval: worker start end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_TIMELINE_MAX_PER_WORKER 40
#define PLOT_TIMELINE_CUT 25

static const char *const plot_timeline_kinds[] = { "compute", "uplink",
						   "downlink" };

static const char plot_timeline_sql[] =
	"SELECT worker, start, end FROM timeline\n"
	"WHERE run_id = ?1 AND kind = ?2 AND start <= ?3 ORDER BY worker, start";

struct plot_timeline {
	long long run;            /* the run drawn */
	double t0, t1;            /* the window */
	bool cut;                 /* the window is shorter than the record */
	long workers;             /* rows: the greatest worker + 1 */
	int block[3];             /* per kind, its block or -1 */
};

bool plot_timeline_has(struct plot_ctx *c, char *why, size_t size)
{
	return plot_table_has_runs(c, "timeline", why, size);
}

/* The run, its window and its workers. */
static asg_status plot_timeline_setup(struct plot_ctx *c, struct plot_timeline *tl,
				      struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c,
		"SELECT run_id, MIN(start), MAX(start), MAX(worker) + 1,\n"
		"  AVG(CASE WHEN kind = 'compute' THEN end - start END),\n"
		"  1.0 * SUM(kind = 'compute') / COUNT(DISTINCT worker)\n"
		"FROM timeline WHERE run_id = (SELECT MIN(run_id) FROM timeline\n"
		"  WHERE run_id IN (SELECT run_id FROM temp.plot_sel))", &st, d);
	if (s != ASG_OK)
		return s;
	if (sqlite3_step(st) != SQLITE_ROW) {
		s = plot_sql_fail(c, d);
		goto out_finalize;
	}
	tl->run = sqlite3_column_int64(st, 0);
	tl->t0 = plot_column(st, 1);
	tl->t1 = plot_column(st, 2);
	tl->workers = (long)sqlite3_column_int64(st, 3);
	double mean = plot_column(st, 4), per_worker = plot_column(st, 5);
	if (per_worker > PLOT_TIMELINE_MAX_PER_WORKER && mean > 0 &&
	    tl->t0 + PLOT_TIMELINE_CUT * mean < tl->t1) {
		tl->t1 = tl->t0 + PLOT_TIMELINE_CUT * mean;
		tl->cut = true;
	}
	if (!(tl->t1 > tl->t0))
		tl->t1 = tl->t0 + 1;
out_finalize:
	sqlite3_finalize(st);
	return s;
}

static asg_status plot_timeline_kind(struct plot_ctx *c, struct plot_timeline *tl,
				     int kind, int *block, FILE *dat,
				     struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, plot_timeline_sql, &st, d);
	if (s != ASG_OK)
		return s;
	sqlite3_bind_int64(st, 1, tl->run);
	sqlite3_bind_text(st, 2, plot_timeline_kinds[kind], -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, tl->t1);
	int rc;
	long rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0) {
			tl->block[kind] = (*block)++;
			fprintf(dat, "%s# block %d: %s intervals of run %lld (?1 = %lld,"
				" ?2 = '%s', ?3 = %.9g)\n# columns: 1 worker 2 start"
				" 3 end (virtual s)\n", tl->block[kind] ? "\n\n" : "",
				tl->block[kind], plot_timeline_kinds[kind], tl->run,
				tl->run, plot_timeline_kinds[kind], tl->t1);
		}
		fprintf(dat, "%lld ", (long long)sqlite3_column_int64(st, 0));
		plot_num(dat, plot_column(st, 1));
		fputc(' ', dat);
		plot_num(dat, plot_column(st, 2));
		fputc('\n', dat);
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	sqlite3_finalize(st);
	return s;
}

static void plot_timeline_script(struct plot_fig *fig,
				  const struct plot_timeline *tl)
{
	FILE *gp = fig->gp;
	plot_fig_key(fig);
	struct plot_range xr = { tl->t0, tl->t1, 1 };
	struct plot_range yr = { 0, (double)(tl->workers - 1), 1 };
	fprintf(gp, "set xlabel 'virtual time (s), run %lld%s'\n"
		"set ylabel 'worker'\n", tl->run, tl->cut ? ", beginning" : "");
	fputs("set xrange [", gp);
	plot_num(gp, tl->t0);
	fputc(':', gp);
	plot_num(gp, tl->t1);
	fprintf(gp, "]\nset yrange [%ld.6:-0.6]\nset style fill solid 1.0"
		" noborder\n", tl->workers - 1);
	plot_axis_tics(gp, "x", &xr, false);
	if (tl->workers > 1)
		plot_axis_tics(gp, "y", &yr, false);
	else
		fputs("set ytics 1\n", gp);
	bool first = true;
	for (int k = 0; k < 3; k++) {
		if (tl->block[k] < 0)
			continue;
		plot_gp_next(gp, &first);
		fprintf(gp, "'timeline.dat' index %d using (($2 + $3) / 2):1:"
			"(($3 - $2) / 2):(0.38) with boxxyerror lt %d",
			tl->block[k], k + 1);
	}
	fputc('\n', gp);
}

static asg_status plot_timeline_key(struct plot_fig *fig,
				    const struct plot_timeline *tl)
{
	char style[64];
	for (int k = 0; k < 3; k++) {
		if (tl->block[k] < 0)
			continue;
		snprintf(style, sizeof style, "with boxes fs solid 1.0 noborder lt %d",
			 k + 1);
		if (plot_fig_key_add(fig, style, plot_timeline_kinds[k],
				     false) != ASG_OK)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}

asg_status plot_timeline(struct plot_ctx *c, struct diag *d)
{
	struct plot_timeline tl = { .block = { -1, -1, -1 } };
	struct plot_fig fig;
	plot_fig_init(&fig, c, "timeline", "each worker's compute, uplink and"
		      " downlink intervals over virtual time");
	asg_status s = plot_timeline_setup(c, &tl, d);
	if (s != ASG_OK)
		return s;
	FILE *dat = plot_fig_dat(&fig, "intervals of the timeline table",
				 d);
	if (!dat)
		return d->status;
	plot_dat_sql(dat, plot_timeline_sql);
	if (tl.cut)
		fprintf(dat, "# the window is cut to %d mean compute times: more"
			" than %d compute intervals per worker were recorded\n",
			PLOT_TIMELINE_CUT, PLOT_TIMELINE_MAX_PER_WORKER);
	int block = 0;
	for (int k = 0; k < 3 && s == ASG_OK; k++)
		s = plot_timeline_kind(c, &tl, k, &block, dat, d);
	asg_status sc = plot_dat_close(&fig, dat, d);
	if (s != ASG_OK || (s = sc) != ASG_OK)
		goto out_abort;
	if (plot_timeline_key(&fig, &tl) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_abort;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY_IN, d)) != ASG_OK)
		goto out_abort;
	plot_timeline_script(&fig, &tl);
	s = plot_fig_end(&fig, d);
out_abort:
	plot_fig_abort(&fig);
	return s;
}
