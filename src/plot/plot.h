/*
 * plot.h — figures for papers from a results database (`asgdsim plot`).
 *
 * plot_make reads the runs of a database (docs/schema.md) and writes, for
 * each kind of figure, three things side by side in the output directory:
 *   FIG.dat   the numbers drawn, every one an SQL aggregate of the
 *             database, with comment lines saying which;
 *   FIG.gp    a gnuplot script that draws them (`gnuplot FIG.gp`, run in
 *             that directory, remakes the figure: edit it freely);
 *   FIG.png   (or .pdf, .svg) the figure, made by running gnuplot as a
 *             subprocess.
 * The kinds:
 *   loss       train and test loss and test accuracy against virtual time
 *              or ticks, one curve per sweep point: the mean over its
 *              replications and a 95% confidence band
 *              mean +- t_{0.975, n-1} sd / sqrt(n);
 *   gradnorm   ||grad f(x_k)||^2 (evals.full_grad_norm2) on a log axis
 *              with its running mean, the LHS of the bound (THEORY.md);
 *   staleness  the histogram and CDF of the staleness of applied
 *              gradients, per sweep point and worker group;
 *   aoi        the sawtooth Delta_ij(k) of a few pairs over a tick window,
 *              with each pair's mean age;
 *   kappa      kappa_i per worker, mean and 95% interval per sweep point;
 *   bound      LHS against the fitted right-hand side, one point per run,
 *              the line y = x, held-out runs marked;
 *   timeline   a Gantt chart of each worker's compute, uplink and downlink
 *              intervals (the timeline table).
 * Only finished runs (done, diverged) are drawn unless the filter names a
 * status.  The style is a paper's: one-column size (3.5 in wide), serif
 * 8 pt text, the Okabe-Ito colour-blind-safe palette, axes with units, the
 * key above the plot.
 */
#ifndef ASG_PLOT_H
#define ASG_PLOT_H

#include <stdbool.h>
#include <stdio.h>

#include "../common/diag.h"

enum plot_kind {
	PLOT_LOSS,
	PLOT_GRADNORM,
	PLOT_STALENESS,
	PLOT_AOI,
	PLOT_KAPPA,
	PLOT_BOUND,
	PLOT_TIMELINE,
	PLOT_KINDS,         /* the number of kinds */
};

enum plot_format {
	PLOT_PNG,           /* pngcairo, 300 dpi */
	PLOT_PDF,           /* pdfcairo */
	PLOT_SVG,           /* svg */
};

enum plot_axis {
	PLOT_X_TIME,        /* virtual seconds (curves binned on a grid) */
	PLOT_X_TICKS,       /* ticks k of the global clock */
};

struct plot_options {
	const char *db_path;       /* the results database */
	const char *out_dir;       /* -o DIR; NULL: plots/<database name> */
	enum plot_format format;   /* --format */
	enum plot_axis x;          /* --x, for loss and gradnorm */
	const char *runs;          /* --runs FILTER; NULL: every finished run */
	unsigned kinds;            /* bit 1u << kind per kind asked for; 0:
	                              every kind the database has data for */
	const char *gnuplot;       /* the program run, looked up in PATH;
	                              NULL: "gnuplot" */
};

/*
 * The --runs filter: terms separated by commas (commas inside parentheses
 * belong to the value), each
 *   ID or ID-ID       run ids, a range inclusive;
 *   KEY=VALUE         a column of runs (scenario, protocol, model, status,
 *                     point = point_index, replication, seed, workers), or
 *                     else a sweep key of runs.point (protocol.kind=sync).
 * Terms on the same key (ids count as one key) are alternatives; terms on
 * different keys must all hold.  Without a status term, only runs done or
 * diverged are selected.
 */

/* The name of a kind ("loss"). */
const char *plot_kind_name(enum plot_kind k);

/* The kind, format or axis of a name; false if there is none. */
bool plot_kind_parse(const char *name, enum plot_kind *k);
bool plot_format_parse(const char *name, enum plot_format *f);
bool plot_axis_parse(const char *name, enum plot_axis *x);

/*
 * Make the figures.  Each figure's path goes to out, one a line; a kind
 * left out of the default set for want of data is said on err, as is what
 * gnuplot prints on its standard error.  Failures, with a message in *d:
 *   ASG_EINPUT   a bad filter, no run selected, a kind asked for that the
 *                database has no data for (exit 2);
 *   ASG_EIO      the database cannot be read, a file cannot be written;
 *   ASG_EINTERNAL gnuplot cannot be run or fails (its standard error is
 *                copied to err first).
 * The figures made before a failure stay.
 */
asg_status plot_make(const struct plot_options *o, FILE *out, FILE *err,
		     struct diag *d);

#endif
