/*
 * kind_bound.c — the `bound` figure (THEORY.md): for each run, the LHS
 * (1/n) sum_{k<n} ||grad f(x_k)||^2 against the fitted right-hand side
 * C1 T1 + C2 T2 + C3 T3, one point per run, runs used for the fit filled,
 * held-out runs open; the line y = x.  A point above the line is a run
 * where the fitted bound does not hold.  Both axes are logarithmic when
 * every value is positive, and span the same range so that the line is
 * the diagonal.
 *
 * Data: bound.dat, block 0 the fitted runs, block 1 the held-out ones.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

/* One row per run: the check with the most ticks if there are several. */
static const char plot_bound_sql[] =
	"SELECT b.run_id, s.series, b.rhs, b.lhs, b.holds, MAX(b.n), b.t1, b.t2,\n"
	"  b.t3, b.c1, b.c2, b.c3\n"
	"FROM bound b JOIN temp.plot_sel s USING (run_id)\n"
	"WHERE b.lhs IS NOT NULL AND b.rhs IS NOT NULL AND COALESCE(b.held_out, 0) = ?1\n"
	"GROUP BY b.run_id ORDER BY b.run_id";

bool plot_bound_has(struct plot_ctx *c, char *why, size_t size)
{
	return plot_table_has_runs(c, "bound", why, size);
}

struct plot_bound {
	long runs[2];             /* runs fitted, held out */
	long holds[2];            /* of which the bound holds */
	int block[2];             /* their block, -1 if none */
	struct plot_range r;      /* of lhs and rhs */
};

static asg_status plot_bound_block(struct plot_ctx *c, struct plot_bound *b,
				   int held_out, FILE *dat, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, plot_bound_sql, &st, d);
	if (s != ASG_OK)
		return s;
	sqlite3_bind_int(st, 1, held_out);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->runs[held_out]++ == 0) {
			b->block[held_out] = b->block[0] >= 0 && held_out ? 1 : 0;
			fprintf(dat, "%s# block %d: %s runs (?1 = %d)\n# columns: 1 run"
				" 2 series 3 rhs 4 lhs 5 holds 6 n 7 t1 8 t2 9 t3"
				" 10 c1 11 c2 12 c3\n",
				b->block[held_out] ? "\n\n" : "", b->block[held_out],
				held_out ? "held-out" : "fitted", held_out);
		}
		b->holds[held_out] += sqlite3_column_int(st, 4) != 0;
		for (int i = 0; i < 12; i++) {
			if (i)
				fputc(' ', dat);
			if (i < 2 || i == 4 || i == 5)
				fprintf(dat, "%lld", (long long)sqlite3_column_int64(st, i));
			else
				plot_num(dat, plot_column(st, i));
		}
		fputc('\n', dat);
		plot_range_add(&b->r, plot_column(st, 2));
		plot_range_add(&b->r, plot_column(st, 3));
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	sqlite3_finalize(st);
	return s;
}

/* The style of the fitted (0) and held-out (1) points: filled circles,
 * open triangles. */
static void plot_bound_style(int h, char *buf, size_t size)
{
	snprintf(buf, size, "with points lt %d pt %d ps 0.8", h + 1, h ? 8 : 7);
}

static void plot_bound_script(struct plot_fig *fig, const struct plot_bound *b)
{
	FILE *gp = fig->gp;
	plot_fig_key(fig);
	bool log = b->r.lo > 0;
	double lo = log ? b->r.lo / 1.6 : b->r.lo - 0.05 * (b->r.hi - b->r.lo);
	double hi = log ? b->r.hi * 1.6 : b->r.hi + 0.05 * (b->r.hi - b->r.lo);
	if (!(hi > lo)) {
		lo = log ? lo / 2 : lo - 1;
		hi = log ? hi * 2 : hi + 1;
	}
	struct plot_range r = { lo, hi, log ? lo : HUGE_VAL };
	fputs("set xlabel 'fitted bound C_1T_1 + C_2T_2 + C_3T_3'\n"
	      "set ylabel 'LHS (1/n) Σ_{k<n} ‖∇f(x_k)‖^2'\n", gp);
	fprintf(gp, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", lo, hi,
		lo, hi);
	plot_axis_tics(gp, "x", &r, log);
	plot_axis_tics(gp, "y", &r, log);
	fputs("set samples 2\nplot \\\n  x with lines lc 'black' dt 2 lw 0.8", gp);
	char style[64];
	for (int h = 0; h < 2; h++) {
		if (b->block[h] < 0)
			continue;
		plot_bound_style(h, style, sizeof style);
		fprintf(gp, ", \\\n  'bound.dat' index %d using 3:4 %s", b->block[h],
			style);
	}
	fputc('\n', gp);
}

static asg_status plot_bound_key(struct plot_fig *fig, const struct plot_bound *b)
{
	char style[64], title[96];
	if (plot_fig_key_add(fig, "with lines lc 'black' dt 2 lw 0.8",
			     "LHS = RHS", false) != ASG_OK)
		return ASG_ENOMEM;
	for (int h = 0; h < 2; h++) {
		if (b->block[h] < 0)
			continue;
		plot_bound_style(h, style, sizeof style);
		snprintf(title, sizeof title, "%s: holds on %ld of %ld",
			 h ? "held out" : "fitted", b->holds[h], b->runs[h]);
		if (plot_fig_key_add(fig, style, title, false) != ASG_OK)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}

asg_status plot_bound(struct plot_ctx *c, struct diag *d)
{
	struct plot_bound b = { .block = { -1, -1 } };
	struct plot_fig fig;
	plot_range_init(&b.r);
	plot_fig_init(&fig, c, "bound", "LHS of the bound against its fitted"
		      " right-hand side, one point per run");
	FILE *dat = plot_fig_dat(&fig, "the bound table, one row per run",
				 d);
	if (!dat)
		return d->status;
	plot_dat_sql(dat, plot_bound_sql);
	asg_status s = plot_bound_block(c, &b, 0, dat, d);
	if (s == ASG_OK)
		s = plot_bound_block(c, &b, 1, dat, d);
	asg_status sc = plot_dat_close(&fig, dat, d);
	if (s != ASG_OK || (s = sc) != ASG_OK)
		goto out_abort;
	if (plot_range_empty(&b.r)) {
		s = diag_set(d, ASG_EINPUT, "cannot plot bound from '%s': no run"
			     " has both lhs and rhs", c->opt->db_path);
		goto out_abort;
	}
	if (plot_bound_key(&fig, &b) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_abort;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY_IN, d)) != ASG_OK)
		goto out_abort;
	plot_bound_script(&fig, &b);
	s = plot_fig_end(&fig, d);
out_abort:
	plot_fig_abort(&fig);
	return s;
}
