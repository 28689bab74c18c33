/*
 * plot_impl.h — what the files of src/plot share; not for other modules.
 *
 * A plot_ctx is one `asgdsim plot` invocation: the database opened read
 * only, the runs selected (the temporary table temp.plot_sel(run_id,
 * series) maps each to its series, a sweep point), the output directory.
 * A plot_fig is one figure being written: its .gp script is open while the
 * kind writes its .dat files and plot commands; plot_fig_end closes it and
 * runs gnuplot.  Every kind is one file, kind_<name>.c, with two entry
 * points: whether the selected runs have its data, and the figure.
 * Nothing here is a hot path: it allocates freely.
 */
#ifndef ASG_PLOT_IMPL_H
#define ASG_PLOT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "plot.h"

/* A sweep point of the selected runs: a curve or a set of points. */
struct plot_series {
	char *key;          /* scenario, point index, point, protocol, model,
	                       workers: runs sharing it are pooled */
	char *label;        /* legend text: the sweep values */
	char *runs;         /* its run ids, "1 2 5" */
};

struct plot_ctx {
	const struct plot_options *opt;  /* what was asked */
	sqlite3 *db;                     /* the database, read only */
	char *dir;                       /* the output directory */
	struct plot_series *series;      /* the sweep points, by first run */
	size_t nseries;                  /* their number */
	char *key_title;                 /* the sweep keys, "protocol.kind", when
	                                    every point has the same; or NULL */
	FILE *out;                       /* where figure paths go */
	FILE *err;                       /* notes and gnuplot's messages */
};

/* Width of a one-column figure; height of a one-panel figure without its
 * key, of a two-panel one (inches). */
#define PLOT_WIDTH_IN 3.5
#define PLOT_BODY_IN 2.0
#define PLOT_BODY2_IN 3.0

/* An entry of a figure's key: a sample in a curve's style, a title. */
struct plot_key_entry {
	char *style;              /* "with lines lt 1 dt 2" */
	char *title;              /* its text */
	bool enhanced;            /* gnuplot's markup (subscripts) is on */
};

struct plot_fig {
	struct plot_ctx *c;       /* the invocation */
	const char *name;         /* "loss": loss.gp, loss.dat, loss.png */
	const char *what;         /* what it draws, for the headers */
	double height_in;         /* canvas height (inches): body and key */
	FILE *gp;                 /* the script being written */
	const char *key_title;    /* the key's first line, or NULL */
	struct plot_key_entry *key; /* the key's entries */
	size_t nkey;              /* their number */
	bool multiplot;           /* the script is in multiplot mode */
};

/* The range of finite values seen; minpos is the least positive one. */
struct plot_range {
	double lo, hi;            /* extremes; lo > hi while empty */
	double minpos;            /* least value > 0; HUGE_VAL if none */
};

/* --- selection (select.c) --- */

/* Select the runs of c->opt->runs into temp.plot_sel and c->series.
 * ASG_EINPUT for a bad filter or when no run is selected. */
asg_status plot_select(struct plot_ctx *c, struct diag *d);

/* Free the series. */
void plot_select_release(struct plot_ctx *c);

/* Labels and key title of only the sweep keys that tell the series apart
 * (label.c); ASG_ENOMEM or a read error in *d. */
asg_status plot_labels_shorten(struct plot_ctx *c, struct diag *d);

/* --- database helpers (plot.c) --- */

/* Prepare sql; on failure a message "cannot read 'DB': reason". */
asg_status plot_sql_prepare(struct plot_ctx *c, const char *sql,
			    sqlite3_stmt **st, struct diag *d);

/* The message for a failed step of a statement. */
asg_status plot_sql_fail(struct plot_ctx *c, struct diag *d);

/* True when the database has a table of that name. */
bool plot_table_exists(struct plot_ctx *c, const char *table);

/* True when sql (no parameters) returns a row; false on an error too. */
bool plot_sql_has_row(struct plot_ctx *c, const char *sql);

/* Column i as a double, NAN for NULL. */
double plot_column(sqlite3_stmt *st, int i);

/* --- figures (fig.c) --- */

/* A figure DIR/NAME.*, drawing `what` (for the headers); nothing is
 * written yet. */
void plot_fig_init(struct plot_fig *fig, struct plot_ctx *c,
		   const char *name, const char *what);

/* Open DIR/NAME.gp (once the .dat files are written and the key filled)
 * and write its header and the paper style for a canvas PLOT_WIDTH_IN
 * wide, body_in plus the key's height tall. */
asg_status plot_fig_script(struct plot_fig *fig, double body_in,
			   struct diag *d);

/* --- the key (key.c) --- */

/* A longer key title would not fit the width (gnuplot would drop the
 * key): it is cut, the .dat headers keep every label whole. */
#define PLOT_KEY_TITLE_MAX 40

/* Add an entry to the key (before plot_fig_script); ASG_ENOMEM. */
asg_status plot_fig_key_add(struct plot_fig *fig, const char *style,
			    const char *title, bool enhanced);

/* The height (inches) the key takes above the plot. */
double plot_fig_key_space(const struct plot_fig *fig);

/* Write the key panel, then set the plot below it (margins automatic but
 * the top, axes and tics restored); returns the screen y of the plot's
 * top.  The script is then in multiplot mode until plot_fig_end. */
double plot_fig_key(struct plot_fig *fig);

/* Place panel i of n stacked below top, with left margin `left`. */
void plot_fig_panel(struct plot_fig *fig, double top, int i, int n,
		    double left);

/* Free the key's entries. */
void plot_fig_key_release(struct plot_fig *fig);

/* Open DIR/NAME.dat for writing, with a first comment line saying what
 * it holds; NULL with a message on failure. */
FILE *plot_fig_dat(struct plot_fig *fig, const char *what, struct diag *d);

/* Write an SQL query as comment lines of a .dat, one line of the query
 * a line. */
void plot_dat_sql(FILE *f, const char *sql);

/* Close a .dat; ASG_EIO if writing it failed. */
asg_status plot_dat_close(struct plot_fig *fig, FILE *f, struct diag *d);

/* Close the script (ending its multiplot), run gnuplot on it, print the
 * figure's path. */
asg_status plot_fig_end(struct plot_fig *fig, struct diag *d);

/* Close the script, if open, and free the key: after plot_fig_end or a
 * failure (twice does no harm). */
void plot_fig_abort(struct plot_fig *fig);

/* --- style (style.c) --- */

/* The terminal, output and paper style of a figure. */
void plot_style_write(FILE *gp, enum plot_format format, double height_in,
		      const char *output);

/* The file extension of a format, "png". */
const char *plot_format_ext(enum plot_format format);

/* Write s as a single-quoted gnuplot string (control characters become
 * spaces, quotes are doubled). */
void plot_gp_string(FILE *gp, const char *s);

/* Begin the next clause of a plot command: "plot " before the first
 * (*first is then cleared), ", \" and a new line before the others. */
void plot_gp_next(FILE *gp, bool *first);

/* A number in a .dat or .gp: %.15g, or NaN. */
void plot_num(FILE *f, double v);

/* Tics of an axis ("x", "y") for the range r: a round step giving four to
 * eight tics on a linear axis (fewer along x when the labels would touch),
 * decades on a log one, 1-2-5 within two decades. */
void plot_axis_tics(FILE *gp, const char *axis, const struct plot_range *r,
		    bool log);

/* Widen r to round multiples of its tic step, then cut it to [min, max]
 * (NAN: no cut). */
void plot_range_round(struct plot_range *r, double min, double max);

/* "set <axis>range [lo:hi]" of r (nothing if r is empty). */
void plot_axis_range(FILE *gp, const char *axis, const struct plot_range *r);

/* Characters of the widest tic label plot_axis_tics gives the range. */
size_t plot_tic_chars(const struct plot_range *r, bool log);

/* The left margin (screen fraction) that holds a y label and tic labels of
 * `chars` characters: panels of a multiplot share it, so their axes
 * align. */
double plot_left_margin(size_t chars);

/* Whether r, all positive, spans enough decades for a log axis. */
bool plot_range_wants_log(const struct plot_range *r, double ratio);

/* --- statistics (stats.c) --- */

void plot_range_init(struct plot_range *r);
void plot_range_add(struct plot_range *r, double v);
bool plot_range_empty(const struct plot_range *r);

/* The 95% confidence interval of a mean over n values with sample
 * variance var: mean +- t_{0.975, n-1} sd / sqrt(n).  With n < 2 or var
 * NaN, sd is NaN and lo = hi = mean. */
void plot_ci95(long n, double mean, double var, double *sd, double *lo,
	       double *hi);

/* --- curves over time or ticks (curves.c) --- */

#define PLOT_MAX_METRICS 3

/* Points of a curve at most: a 3.5 in figure shows no more. */
#define PLOT_MAX_POINTS 500

/* The condition a curves source puts on its rows: the runs of series ?1. */
#define PLOT_SERIES_RUNS \
	"run_id IN (SELECT run_id FROM temp.plot_sel WHERE series = ?1)"

/*
 * Curves of evals values: src is a SELECT giving run_id, k, t and y1..yN
 * (N = nmetrics) of the runs of series ?1 (PLOT_SERIES_RUNS).  Per series,
 * the values are pooled at common x, the tick k or a point of a grid over
 * virtual time; one row per x:
 *   t k  then per metric  n mean sd lo hi
 * (columns 1, 2, then 3 + 5 m ...).  block[s] is the index of series s in
 * the .dat, -1 when it has no row; yr[m] the range of metric m's means and
 * band, xr that of x.
 */
struct plot_curves {
	const char *src;                    /* SELECT run_id, k, t, y1.. */
	int nmetrics;                       /* N */
	const char *names[PLOT_MAX_METRICS]; /* column names in the header */
	int *block;                         /* nseries entries, filled */
	struct plot_range xr;               /* filled */
	struct plot_range yr[PLOT_MAX_METRICS]; /* filled: means and bands */
	struct plot_range mr[PLOT_MAX_METRICS]; /* filled: means alone */
};

asg_status plot_curves_write(struct plot_ctx *c, struct plot_curves *cv,
			     FILE *dat, struct diag *d);

/* Allocate cv->block (the caller frees it, also on failure), then write
 * the curves into the figure's .dat and close it. */
asg_status plot_curves_dat(struct plot_ctx *c, struct plot_curves *cv,
			   struct plot_fig *fig, struct diag *d);

/*
 * Append to a plot command the band and the mean line of one metric of
 * block `block` of dat, in linetype lt, dashed or not.  floor_var names a
 * gnuplot variable below which the band is cut (a log axis), or is NULL.
 */
void plot_curves_clause(FILE *gp, bool *first, const struct plot_ctx *c,
			const char *dat, int block, int metric, int lt,
			bool dashed, const char *floor_var);

/* The opacity of the bands: lighter as they are more. */
void plot_curves_fill(FILE *gp, const struct plot_curves *cv, size_t nseries);

/* Key entries for the series drawn: a line of each one's colour. */
asg_status plot_curves_key(struct plot_fig *fig, const struct plot_curves *cv);

/* The column of x in a curves .dat (1 time, 2 ticks) and its label. */
int plot_curves_xcol(const struct plot_ctx *c);
const char *plot_curves_xlabel(const struct plot_ctx *c);

/* --- kinds (kind_*.c) --- */

/* Whether the selected runs have the data of a kind; if not, why (to
 * complete "no <kind> figure: ..."). */
typedef bool plot_has_fn(struct plot_ctx *c, char *why, size_t size);
typedef asg_status plot_make_fn(struct plot_ctx *c, struct diag *d);

plot_has_fn plot_loss_has, plot_gradnorm_has, plot_staleness_has,
	plot_aoi_has, plot_kappa_has, plot_bound_has, plot_timeline_has;
plot_make_fn plot_loss, plot_gradnorm, plot_staleness, plot_aoi,
	plot_kappa, plot_bound, plot_timeline;

/* Whether a table exists and has rows of the selected runs; else why. */
bool plot_table_has_runs(struct plot_ctx *c, const char *table, char *why,
			 size_t size);

#endif
