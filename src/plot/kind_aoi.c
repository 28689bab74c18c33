/*
 * kind_aoi.c — the `aoi` figure: the age of information Delta_ij(k) of a
 * few pairs (agent i, block j), i != j, over a window of ticks, each with
 * its mean over the whole run (dashed).
 *
 * The aoi table holds a row (k, i, j, age) when agent i's age of block j
 * is set to `age` at tick k; until the next row of the pair it grows by
 * one per tick.  The sawtooth is drawn through the vertices (k_r, age_r)
 * and (k_next, age_r + k_next - k_r), the age the copy would have reached
 * at the next row's tick, where it drops.  The run is the first selected
 * one with aoi rows; the pairs are those of least, median and greatest
 * mean age (aoi_summary.mean_age, or when that table is missing the exact
 * time average of the sawtooth over the run's ticks, computed from aoi);
 * the window is 6 times the greatest of their means, at least 20 ticks,
 * centred in the run.
 *
 * Data: aoi.dat, per pair a block of vertices (k age), then a block of
 * its mean (the two ends of the window).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_AOI_PAIRS 3

static const char plot_aoi_pairs_summary[] =
	"SELECT i, j, mean_age FROM aoi_summary\n"
	"WHERE run_id = ?1 AND i <> j AND mean_age IS NOT NULL\n"
	"ORDER BY mean_age, i, j";

/* sum over k in [k_r, k_next) of age_r + (k - k_r), over the rows, / n. */
static const char plot_aoi_pairs_rows[] =
	"SELECT i, j, SUM(age * len + len * (len - 1) / 2.0) / ?2 AS mean_age\n"
	"FROM (SELECT i, j, age, COALESCE(LEAD(k) OVER (PARTITION BY i, j"
	" ORDER BY k), ?2) - k AS len\n"
	"  FROM aoi WHERE run_id = ?1 AND i <> j AND k < ?2)\n"
	"GROUP BY i, j ORDER BY mean_age, i, j";

static const char plot_aoi_rows[] =
	"SELECT k, age, LEAD(k) OVER (ORDER BY k) FROM aoi\n"
	"WHERE run_id = ?1 AND i = ?2 AND j = ?3 AND k <= ?5 AND k >=\n"
	"  COALESCE((SELECT MAX(k) FROM aoi WHERE run_id = ?1 AND i = ?2 AND"
	" j = ?3 AND k <= ?4), 0)\n"
	"ORDER BY k";

struct plot_aoi_pair {
	long i, j;                /* agent, block */
	double mean;              /* mean age over the run */
};

struct plot_aoi {
	long long run;            /* the run drawn */
	long long n;              /* its ticks */
	long long k0, k1;         /* the window */
	bool summary;             /* means from aoi_summary */
	struct plot_aoi_pair pair[PLOT_AOI_PAIRS]; /* the pairs drawn */
	int npairs;               /* how many */
	struct plot_range age;    /* of the ages drawn */
};

bool plot_aoi_has(struct plot_ctx *c, char *why, size_t size)
{
	return plot_table_has_runs(c, "aoi", why, size);
}

/* The run: the first selected with aoi rows, and its ticks. */
static asg_status plot_aoi_run(struct plot_ctx *c, struct plot_aoi *a,
			       struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, "SELECT r.run_id, COALESCE(r.updates,"
		" (SELECT MAX(k) + 1 FROM aoi WHERE run_id = r.run_id))"
		" FROM runs r WHERE r.run_id = (SELECT MIN(run_id) FROM aoi"
		" WHERE run_id IN (SELECT run_id FROM temp.plot_sel))", &st, d);
	if (s != ASG_OK)
		return s;
	if (sqlite3_step(st) == SQLITE_ROW) {
		a->run = sqlite3_column_int64(st, 0);
		a->n = sqlite3_column_int64(st, 1);
	} else {
		s = plot_sql_fail(c, d);
	}
	sqlite3_finalize(st);
	return s;
}

/* The pairs of least, median and greatest mean age. */
static asg_status plot_aoi_pairs(struct plot_ctx *c, struct plot_aoi *a,
				 struct diag *d)
{
	a->summary = plot_table_exists(c, "aoi_summary");
	struct plot_aoi_pair *all = NULL;
	size_t n = 0;
	asg_status s = ASG_OK;
	for (int pass = a->summary ? 0 : 1; pass < 2 && n == 0; pass++) {
		sqlite3_stmt *st = NULL;
		a->summary = pass == 0;
		s = plot_sql_prepare(c, pass ? plot_aoi_pairs_rows
					     : plot_aoi_pairs_summary, &st, d);
		if (s != ASG_OK)
			break;
		sqlite3_bind_int64(st, 1, a->run);
		if (pass)
			sqlite3_bind_int64(st, 2, a->n > 0 ? a->n : 1);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct plot_aoi_pair *p = realloc(all, (n + 1) * sizeof *p);
			if (!p) {
				s = diag_set(d, ASG_ENOMEM, "out of memory");
				break;
			}
			all = p;
			all[n++] = (struct plot_aoi_pair){
				sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
				sqlite3_column_double(st, 2) };
		}
		if (s == ASG_OK && rc != SQLITE_DONE)
			s = plot_sql_fail(c, d);
		sqlite3_finalize(st);
		if (s != ASG_OK)
			break;
	}
	size_t pick[PLOT_AOI_PAIRS] = { 0, n / 2, n ? n - 1 : 0 };
	a->npairs = 0;
	for (int p = 0; p < PLOT_AOI_PAIRS && n; p++)
		if (p == 0 || pick[p] != pick[p - 1])
			a->pair[a->npairs++] = all[pick[p]];
	free(all);
	if (s == ASG_OK && a->npairs == 0)
		s = diag_set(d, ASG_EINPUT, "cannot plot aoi from '%s': run %lld"
			     " has no pair i != j", c->opt->db_path, a->run);
	return s;
}

static void plot_aoi_window(struct plot_aoi *a)
{
	double top = 0;
	for (int p = 0; p < a->npairs; p++)
		top = fmax(top, a->pair[p].mean);
	long long w = (long long)ceil(6 * top);
	if (w < 20)
		w = 20;
	if (a->n > 0 && w > a->n)
		w = a->n;
	a->k0 = a->n > w ? (a->n - w) / 2 : 0;
	a->k1 = a->k0 + w;
}

static void plot_aoi_vertex(FILE *dat, struct plot_aoi *a, long long k,
			    long long age)
{
	fprintf(dat, "%lld %lld\n", k, age);
	plot_range_add(&a->age, (double)age);
}

/* The sawtooth of pair p in the window, then its mean. */
static asg_status plot_aoi_pair_data(struct plot_ctx *c, struct plot_aoi *a,
				     int p, FILE *dat, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, plot_aoi_rows, &st, d);
	if (s != ASG_OK)
		return s;
	const struct plot_aoi_pair *pr = &a->pair[p];
	sqlite3_bind_int64(st, 1, a->run);
	sqlite3_bind_int64(st, 2, pr->i);
	sqlite3_bind_int64(st, 3, pr->j);
	sqlite3_bind_int64(st, 4, a->k0);
	sqlite3_bind_int64(st, 5, a->k1);
	fprintf(dat, "%s# block %d: Delta_%ld,%ld(k) of run %lld, ticks %lld to"
		" %lld (?1 = %lld, ?2 = %ld, ?3 = %ld, ?4 = %lld, ?5 = %lld)\n"
		"# columns: 1 k 2 age\n", p ? "\n\n" : "", 2 * p, pr->i, pr->j,
		a->run, a->k0, a->k1, a->run, pr->i, pr->j, a->k0, a->k1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long k = sqlite3_column_int64(st, 0);
		long long age = sqlite3_column_int64(st, 1);
		long long next = sqlite3_column_type(st, 2) == SQLITE_NULL
					 ? a->k1 : sqlite3_column_int64(st, 2);
		long long from = k > a->k0 ? k : a->k0;
		long long to = next < a->k1 ? next : a->k1;
		if (to < from)
			continue;
		plot_aoi_vertex(dat, a, from, age + (from - k));
		plot_aoi_vertex(dat, a, to, age + (to - k));
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	sqlite3_finalize(st);
	fprintf(dat, "\n\n# block %d: mean age of Delta_%ld,%ld over the run"
		" (%s)\n# columns: 1 k 2 mean_age\n%lld ", 2 * p + 1, pr->i, pr->j,
		a->summary ? "aoi_summary.mean_age" : "time average of the aoi rows",
		a->k0);
	plot_num(dat, pr->mean);
	fprintf(dat, "\n%lld ", a->k1);
	plot_num(dat, pr->mean);
	fputc('\n', dat);
	plot_range_add(&a->age, pr->mean);
	return s;
}

static void plot_aoi_script(struct plot_fig *fig, const struct plot_aoi *a)
{
	FILE *gp = fig->gp;
	plot_fig_key(fig);
	struct plot_range xr = { (double)a->k0, (double)a->k1, 1 };
	struct plot_range yr = { 0, a->age.hi, 1 };
	plot_range_round(&yr, 0, NAN);
	fprintf(gp, "set xlabel 'tick k (run %lld)'\n"
		"set ylabel 'age Δ_{ij}(k) (ticks)'\n"
		"set xrange [%lld:%lld]\n", a->run, a->k0, a->k1);
	plot_axis_range(gp, "y", &yr);
	plot_axis_tics(gp, "x", &xr, false);
	plot_axis_tics(gp, "y", &yr, false);
	bool first = true;
	for (int p = 0; p < a->npairs; p++) {
		plot_gp_next(gp, &first);
		fprintf(gp, "'aoi.dat' index %d using 1:2 with lines lt %d lw 0.9",
			2 * p, p + 1);
		plot_gp_next(gp, &first);
		fprintf(gp, "'aoi.dat' index %d using 1:2 with lines lt %d dt 2"
			" lw 1.5", 2 * p + 1, p + 1);
	}
	fputc('\n', gp);
}

static asg_status plot_aoi_key(struct plot_fig *fig, const struct plot_aoi *a)
{
	char style[64], title[96];
	for (int p = 0; p < a->npairs; p++) {
		snprintf(style, sizeof style, "with lines lt %d lw 0.9", p + 1);
		snprintf(title, sizeof title, "Δ_{%ld,%ld}(k), mean %.3g",
			 a->pair[p].i, a->pair[p].j, a->pair[p].mean);
		if (plot_fig_key_add(fig, style, title, true) != ASG_OK)
			return ASG_ENOMEM;
	}
	if (plot_fig_key_add(fig, "with lines lc 'black' dt 2 lw 1.5",
			     "mean over the run", false) != ASG_OK)
		return ASG_ENOMEM;
	return ASG_OK;
}

asg_status plot_aoi(struct plot_ctx *c, struct diag *d)
{
	struct plot_aoi a = { .npairs = 0 };
	struct plot_fig fig;
	plot_range_init(&a.age);
	plot_fig_init(&fig, c, "aoi", "age of information of a few pairs over a"
		      " window of ticks, and their means");
	asg_status s;
	if ((s = plot_aoi_run(c, &a, d)) != ASG_OK ||
	    (s = plot_aoi_pairs(c, &a, d)) != ASG_OK)
		return s;
	plot_aoi_window(&a);
	FILE *dat = plot_fig_dat(&fig, "sawtooth vertices of Delta_ij(k)"
				 " from the aoi rows, and the mean ages", d);
	if (!dat)
		return d->status;
	plot_dat_sql(dat, plot_aoi_rows);
	fputs("# vertices: (k, age) at a row's tick, then (next, age + next - k)"
	      " just before the next row\n# mean ages from the query\n", dat);
	plot_dat_sql(dat, a.summary ? plot_aoi_pairs_summary : plot_aoi_pairs_rows);
	for (int p = 0; p < a.npairs && s == ASG_OK; p++)
		s = plot_aoi_pair_data(c, &a, p, dat, d);
	asg_status sc = plot_dat_close(&fig, dat, d);
	if (s != ASG_OK || (s = sc) != ASG_OK)
		goto out_abort;
	if (plot_aoi_key(&fig, &a) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_abort;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY_IN, d)) != ASG_OK)
		goto out_abort;
	plot_aoi_script(&fig, &a);
	s = plot_fig_end(&fig, d);
out_abort:
	plot_fig_abort(&fig);
	return s;
}
