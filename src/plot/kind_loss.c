/*
 * kind_loss.c — the `loss` figure: train loss (solid) and test loss
 * (dashed) in one panel, test accuracy in a second one below when it was
 * measured, against virtual time or ticks; one colour per sweep point, the
 * mean over its replications with a 95% confidence band (curves.c).
 *
 * Data: loss.dat, one block per sweep point, from evals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

static const char plot_loss_src[] =
	"SELECT run_id, k, t, train_loss AS y1, test_loss AS y2,"
	" test_accuracy AS y3 FROM evals\n"
	"  WHERE " PLOT_SERIES_RUNS " AND (train_loss IS NOT NULL OR"
	" test_loss IS NOT NULL OR test_accuracy IS NOT NULL)";

bool plot_loss_has(struct plot_ctx *c, char *why, size_t size)
{
	if (plot_sql_has_row(c, "SELECT 1 FROM evals JOIN temp.plot_sel"
			     " USING (run_id) WHERE train_loss IS NOT NULL OR"
			     " test_loss IS NOT NULL OR test_accuracy IS NOT NULL"
			     " LIMIT 1"))
		return true;
	snprintf(why, size, "no loss in evals (timing-only model, or"
		 " record.eval: none)");
	return false;
}

/* The y axis of a panel: logarithmic when the means span two decades,
 * else linear, rounded and cut to [min, max] (a band may pass a bound its
 * values never do).  Returns whether it is logarithmic. */
static bool plot_loss_axis_prepare(struct plot_range *y,
				   const struct plot_range *means, double min,
				   double max)
{
	if (plot_range_wants_log(means, 100))
		return true;
	plot_range_round(y, min, max);
	return false;
}

/* On a log axis, ymin (a factor 2 below the least mean) is the axis'
 * bottom, where bands reaching zero are cut; the floor for the clauses. */
static const char *plot_loss_axis_write(FILE *gp, const struct plot_range *y,
					const struct plot_range *means, bool log)
{
	if (log) {
		fputs("ymin = ", gp);
		plot_num(gp, means->lo / 2);
		fputs("\nset yrange [ymin:*]\n", gp);
	} else {
		plot_axis_range(gp, "y", y);
	}
	plot_axis_tics(gp, "y", y, log);
	return log ? "ymin" : NULL;
}

/* The ranges of the loss panel: train and test together. */
static void plot_loss_ranges(const struct plot_curves *cv, struct plot_range *y,
			     struct plot_range *means)
{
	*y = cv->yr[0];
	*means = cv->mr[0];
	for (int i = 0; i < 2; i++) {
		plot_range_add(y, cv->yr[1].lo);
		plot_range_add(y, cv->yr[1].hi);
		plot_range_add(means, i ? cv->mr[1].lo : cv->mr[1].hi);
	}
	if (means->lo >= 0 && y->lo < 0)
		y->lo = 0;
}

static void plot_loss_panel_loss(FILE *gp, struct plot_ctx *c,
				 const struct plot_curves *cv, bool test,
				 const char *floor)
{
	bool first = true;
	for (size_t i = 0; i < c->nseries; i++) {
		if (cv->block[i] < 0)
			continue;
		int lt = (int)i + 1;
		plot_curves_clause(gp, &first, c, "loss.dat", cv->block[i], 0, lt,
				   false, floor);
		if (test)
			plot_curves_clause(gp, &first, c, "loss.dat", cv->block[i],
					   1, lt, true, floor);
	}
	fputc('\n', gp);
}

static void plot_loss_panel_accuracy(FILE *gp, struct plot_ctx *c,
				     const struct plot_curves *cv,
				     const char *floor)
{
	bool first = true;
	for (size_t i = 0; i < c->nseries; i++)
		if (cv->block[i] >= 0)
			plot_curves_clause(gp, &first, c, "loss.dat", cv->block[i],
					   2, (int)i + 1, false, floor);
	fputc('\n', gp);
}

/* Which panels: the loss (train, and test when measured), the accuracy. */
struct plot_loss_panels {
	bool loss, test, acc;     /* what was measured */
};

static struct plot_loss_panels plot_loss_which(const struct plot_curves *cv)
{
	struct plot_loss_panels p;
	p.test = !plot_range_empty(&cv->yr[1]);
	p.loss = p.test || !plot_range_empty(&cv->yr[0]);
	p.acc = !plot_range_empty(&cv->yr[2]);
	return p;
}

static void plot_loss_script(struct plot_fig *fig, const struct plot_curves *cv)
{
	struct plot_ctx *c = fig->c;
	FILE *gp = fig->gp;
	struct plot_loss_panels p = plot_loss_which(cv);
	double top = plot_fig_key(fig);
	struct plot_range xr = cv->xr, ly, lm, ay = cv->yr[2];
	plot_loss_ranges(cv, &ly, &lm);
	bool llog = plot_loss_axis_prepare(&ly, &lm, NAN, NAN);
	bool alog = plot_loss_axis_prepare(&ay, &cv->mr[2], 0, 1);
	plot_range_round(&xr, NAN, NAN);
	plot_axis_range(gp, "x", &xr);
	plot_axis_tics(gp, "x", &xr, false);
	fprintf(gp, "set xlabel '%s'\n", plot_curves_xlabel(c));
	plot_curves_fill(gp, cv, c->nseries);
	if (!(p.loss && p.acc)) {
		fprintf(gp, "set ylabel '%s'\n", p.loss ? "loss" : "test accuracy");
		if (p.loss)
			plot_loss_panel_loss(gp, c, cv, p.test,
					     plot_loss_axis_write(gp, &ly, &lm, llog));
		else
			plot_loss_panel_accuracy(gp, c, cv, plot_loss_axis_write(
						 gp, &ay, &cv->mr[2], alog));
		return;
	}
	/* Two panels, one x axis: fixed margins so that they align, the left
	 * one wide enough for the wider tic labels. */
	size_t chars = plot_tic_chars(&ly, llog), chars2 = plot_tic_chars(&ay, alog);
	double left = plot_left_margin(chars > chars2 ? chars : chars2);
	plot_fig_panel(fig, top, 0, 2, left);
	fputs("set format x ''\nunset xlabel\nset ylabel 'loss'\n", gp);
	plot_loss_panel_loss(gp, c, cv, p.test,
			     plot_loss_axis_write(gp, &ly, &lm, llog));
	plot_fig_panel(fig, top, 1, 2, left);
	fprintf(gp, "set format x '%%g'\nset xlabel '%s'\n"
		"set ylabel 'test accuracy'\n", plot_curves_xlabel(c));
	fputs("unset logscale y\nset format y '%g'\n", gp);
	plot_loss_panel_accuracy(gp, c, cv,
				 plot_loss_axis_write(gp, &ay, &cv->mr[2], alog));
}

static asg_status plot_loss_key(struct plot_fig *fig,
				const struct plot_curves *cv)
{
	struct plot_loss_panels p = plot_loss_which(cv);
	if (plot_curves_key(fig, cv) != ASG_OK)
		return ASG_ENOMEM;
	if (!(p.loss && p.test))
		return ASG_OK;
	if (plot_fig_key_add(fig, "with lines lc 'black'", "train", false) != ASG_OK ||
	    plot_fig_key_add(fig, "with lines lc 'black' dt 2", "test", false) != ASG_OK)
		return ASG_ENOMEM;
	return ASG_OK;
}

asg_status plot_loss(struct plot_ctx *c, struct diag *d)
{
	struct plot_curves cv = {
		.src = plot_loss_src, .nmetrics = 3,
		.names = { "train_loss", "test_loss", "test_accuracy" },
	};
	struct plot_fig fig;
	asg_status s;
	plot_fig_init(&fig, c, "loss", "train and test loss and test accuracy,"
		      " mean and 95% band over replications");
	s = plot_curves_dat(c, &cv, &fig, d);
	if (s != ASG_OK)
		goto out_free;
	if (plot_loss_key(&fig, &cv) != ASG_OK) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	struct plot_loss_panels p = plot_loss_which(&cv);
	if ((s = plot_fig_script(&fig, p.loss && p.acc ? PLOT_BODY2_IN
				 : PLOT_BODY_IN, d)) != ASG_OK)
		goto out_free;
	plot_loss_script(&fig, &cv);
	s = plot_fig_end(&fig, d);
out_free:
	plot_fig_abort(&fig);
	free(cv.block);
	return s;
}
