/*
 * kind_gradnorm.c — the `gradnorm` figure: ||grad f(x_k)||^2, the squared
 * norm of the full gradient (evals.full_grad_norm2), on a log axis (solid),
 * and its running mean (dashed), the left-hand side of the bound of
 * THEORY.md, LHS(k) = (1/m) sum of the m values recorded at ticks <= k:
 * the mean over the recorded stride, not over every tick.  One colour per
 * sweep point, mean over replications and 95% band (curves.c).  A band
 * reaching zero or below is cut at the bottom of the axis.
 *
 * Data: gradnorm.dat, one block per sweep point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

static const char plot_gradnorm_src[] =
	"SELECT run_id, k, t, full_grad_norm2 AS y1,\n"
	"  AVG(full_grad_norm2) OVER (PARTITION BY run_id ORDER BY k"
	" ROWS UNBOUNDED PRECEDING) AS y2\n"
	"  FROM evals WHERE " PLOT_SERIES_RUNS " AND full_grad_norm2 IS NOT NULL";

bool plot_gradnorm_has(struct plot_ctx *c, char *why, size_t size)
{
	if (plot_sql_has_row(c, "SELECT 1 FROM evals JOIN temp.plot_sel"
			     " USING (run_id) WHERE full_grad_norm2 IS NOT NULL"
			     " LIMIT 1"))
		return true;
	snprintf(why, size, "no full gradient norm in evals (record.full_grad:"
		 " none, or no model)");
	return false;
}

static void plot_gradnorm_script(struct plot_fig *fig,
				 const struct plot_curves *cv)
{
	struct plot_ctx *c = fig->c;
	FILE *gp = fig->gp;
	plot_fig_key(fig);
	struct plot_range y, xr = cv->xr;
	plot_range_init(&y);
	for (int m = 0; m < 2; m++) {
		plot_range_add(&y, cv->mr[m].minpos);
		plot_range_add(&y, cv->yr[m].hi);
	}
	/* The axis starts a factor 2 below the least positive mean; a band
	 * reaching lower is cut there. */
	y.lo /= 2;
	y.hi *= 1.5;
	fprintf(gp, "set xlabel '%s'\nset ylabel '‖∇f(x_k)‖^2'\nymin = ",
		plot_curves_xlabel(c));
	plot_num(gp, y.lo);
	fputs("\nset yrange [ymin:", gp);
	plot_num(gp, y.hi);
	fputs("]\n", gp);
	plot_range_round(&xr, NAN, NAN);
	plot_axis_range(gp, "x", &xr);
	plot_axis_tics(gp, "x", &xr, false);
	plot_axis_tics(gp, "y", &y, true);
	plot_curves_fill(gp, cv, c->nseries);
	bool first = true;
	for (size_t i = 0; i < c->nseries; i++) {
		if (cv->block[i] < 0)
			continue;
		plot_curves_clause(gp, &first, c, "gradnorm.dat", cv->block[i], 0,
				   (int)i + 1, false, "ymin");
		plot_curves_clause(gp, &first, c, "gradnorm.dat", cv->block[i], 1,
				   (int)i + 1, true, "ymin");
	}
	fputc('\n', gp);
}

asg_status plot_gradnorm(struct plot_ctx *c, struct diag *d)
{
	struct plot_curves cv = {
		.src = plot_gradnorm_src, .nmetrics = 2,
		.names = { "full_grad_norm2", "running_mean" },
	};
	struct plot_fig fig;
	asg_status s;
	plot_fig_init(&fig, c, "gradnorm", "squared norm of the full gradient"
		      " and its running mean (the LHS of the bound)");
	s = plot_curves_dat(c, &cv, &fig, d);
	if (s != ASG_OK)
		goto out_free;
	if (!(cv.mr[0].minpos < HUGE_VAL)) {
		s = diag_set(d, ASG_EINPUT, "cannot plot gradnorm from '%s': no"
			     " positive full gradient norm", c->opt->db_path);
		goto out_free;
	}
	if (plot_curves_key(&fig, &cv) != ASG_OK ||
	    plot_fig_key_add(&fig, "with lines lc 'black'", "‖∇f(x_k)‖^2",
			     true) != ASG_OK ||
	    plot_fig_key_add(&fig, "with lines lc 'black' dt 2",
			     "running mean (LHS)", false) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	if ((s = plot_fig_script(&fig, PLOT_BODY_IN, d)) != ASG_OK)
		goto out_free;
	plot_gradnorm_script(&fig, &cv);
	s = plot_fig_end(&fig, d);
out_free:
	plot_fig_abort(&fig);
	free(cv.block);
	return s;
}
