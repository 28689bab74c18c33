/*
 * bound.h — checking Redder, Ramaswamy & Karl's rate for distributed
 * asynchronous SGD on the runs of a results database (THEORY.md,
 * docs/bound.md).  `asgdsim bound DB` is this module.
 *
 * Per finished run (status 'done') with n ticks, from its rows:
 *   LHS    = (1/n) sum_{k<n} ||grad f(x_k)||^2, the mean of evals.full_grad_norm2
 *            over the ticks k < n that have one (every tick, or a stride)
 *   T1     = 1/n
 *   T2     = max_i alpha^i / min_i kappa^i             (workers.step, workers.kappa)
 *   T3     = sum_i (alpha^i/kappa^i) sum_{j != i} L^{ij} mean_age_ij
 *            (coupling.l, aoi_summary.mean_age)
 *   T3_lag = the same with aoi_summary.mean_lag (NAN when not measured)
 * A run without aoi_summary rows whose protocol is not dasgd is a
 * parameter server, read as THEORY.md's "Problem 2": one block, updated at
 * every tick (kappa = 1), T2 = max_i alpha^i and
 * T3 = max_i alpha^i * L * runs.mean_staleness, with L the coupling row
 * (0, 0) (the Lipschitz constant of grad f); without that row T3 is NAN.
 *
 * Over the runs (all, or a --run / --scenario selection): the runs with
 * LHS, T1, T2 and T3 known are listed by sweep point, then run_id; every
 * second one (position q held out when floor((q+1)F) > floor(qF), F the
 * held-out fraction, 1/2 by default) is held out, the others fit
 *   C >= 0 minimising sum_fit RHS/LHS subject to LHS <= RHS on every
 *   fitting run, RHS = C1 T1 + C2 T2 + C3 T3
 * (a linear program solved by GLPK's simplex, the constants then scaled
 * up by the largest LHS/RHS of a fitting run if above 1, so that every
 * fitting run holds);
 * the held-out runs are checked against it, and LHS is regressed on T3 in
 * log-log (gsl_fit_linear) over the runs with LHS > 0 and T3 > 0.
 *
 * Memory: everything is allocated per call and freed by
 * bound_result_release; nothing here is a hot path.
 */
#ifndef ASG_BOUND_H
#define ASG_BOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "../common/diag.h"

/* A run holds when LHS <= RHS (1 + BOUND_HOLD_RTOL): room for rounding. */
#define BOUND_HOLD_RTOL 1e-12

struct bound_options {
	const int64_t *runs;      /* only these run ids (--run), or NULL for all */
	size_t nruns;             /* how many ids in runs */
	const char *scenario;     /* only this scenario (--scenario), or NULL */
	double holdout;           /* fraction F of the runs held out, in [0, 1) */
	bool lag;                 /* fit and regress T3_lag instead of T3 */
	bool write;               /* write the bound rows into the database */
};

/* Every run, holdout 1/2, the age, write. */
void bound_options_init(struct bound_options *o);

/* What a run is to the fit. */
enum bound_role {
	BOUND_UNUSED,     /* a term is unknown (note says which), or not done */
	BOUND_FIT,        /* the constants are fitted on it */
	BOUND_HELD_OUT,   /* checked against the fitted constants */
};

/* One finished run and its terms; NAN for what is unknown. */
struct bound_run {
	int64_t run_id;           /* runs.run_id */
	char *scenario;           /* runs.scenario (owned, NULL if NULL) */
	char *protocol;           /* runs.protocol (owned, NULL if NULL) */
	char *model;              /* runs.model (owned, NULL if NULL) */
	long point_index;         /* runs.point_index (-1 if NULL) */
	long replication;         /* runs.replication (-1 if NULL) */
	long group;               /* its sweep point: equal for runs of one point */
	uint64_t n;               /* ticks, runs.updates */
	double lhs;               /* mean ||grad f(x_k)||^2 over the rows k < n */
	uint64_t lhs_ticks;       /* ticks averaged; n when every tick has a row */
	bool ps;                  /* read as a parameter server (Problem 2) */
	int coupling;             /* 1: the L used are exact, 0: some are upper bounds, -1: none used */
	double t1;                /* 1/n */
	double t2;                /* max alpha / min kappa */
	double t3;                /* with the age */
	double t3_lag;            /* with the lag */
	double rhs;               /* C . (T1, T2, T3 of the reading); NAN if unused or unfitted */
	enum bound_role role;     /* fit, held out or unused */
	int holds;                /* 1 LHS <= RHS, 0 not, -1 not checked */
	const char *note;         /* why the run is unused (static text), NULL if usable */
};

/* The fit over the runs. */
struct bound_fit {
	bool fitted;              /* constants were fitted (some fitting run) */
	double c[3];              /* C1, C2, C3 (0 when not fitted) */
	bool determined[3];       /* false: its term is 0 on every fitting run, C set to 0 */
	size_t fit_runs;          /* runs the constants are fitted on */
	size_t held_runs;         /* runs held out */
	size_t held_hold;         /* held-out runs with LHS <= RHS */
	double slope;             /* least-squares d log LHS / d log T3 (NAN if none) */
	double slope_se;          /* its standard error (NAN under 3 runs) */
	double intercept;         /* log LHS at T3 = 1 (NAN if no slope) */
	size_t slope_runs;        /* runs of the regression (LHS > 0, T3 > 0) */
};

struct bound_result {
	struct bound_run *run;    /* the finished runs selected, in run_id order (owned) */
	size_t nrun;              /* how many */
	size_t diverged;          /* selected runs excluded as diverged */
	size_t failed;            /* ... as failed */
	size_t running;           /* ... as still running (or interrupted) */
	size_t scenarios;         /* distinct scenario names among run[] */
	bool lag;                 /* the reading fitted: T3_lag instead of T3 */
	double holdout;           /* the held-out fraction used */
	struct bound_fit fit;     /* the constants, the held-out check, the slope */
};

/*
 * The whole check: read the runs of the database at db_path, fit, and
 * (opt->write) replace their rows of the bound table.  On failure, a
 * message in *d: ASG_EIO for a database that cannot be opened or written,
 * ASG_EINPUT for a --run id that is not in it, ASG_ENOMEM, ASG_EINTERNAL
 * when GLPK fails.  *res is then empty.
 */
asg_status bound_analyse(const char *db_path, const struct bound_options *opt,
			 struct bound_result *res, struct diag *d);

/* Free what bound_analyse (or bound_read) filled; an empty one is fine. */
void bound_result_release(struct bound_result *res);

/* The steps of bound_analyse, for tests and other readers. */

/* The selected runs and their terms (bound_terms.c). */
asg_status bound_read(sqlite3 *db, const struct bound_options *opt,
		      struct bound_result *res, struct diag *d);

/* Split, fit, check and regress; fills res->fit and each run's role, rhs
 * and holds (bound_fit.c). */
asg_status bound_fit(struct bound_result *res, struct diag *d);

/* Replace the bound rows of res's runs, in one transaction. */
asg_status bound_write(sqlite3 *db, const struct bound_result *res,
		       struct diag *d);

/* The one line a user can quote, without a newline (bound_print.c):
 * "bound: C1=2, C2=0, C3=3 fitted on 12 runs; holds on 11 of 12 held-out
 * runs; LHS ~ T3^0.93 over 24 runs". */
void bound_verdict(const struct bound_result *res, char *buf, size_t size);

/* The per-run table, the notes and the verdict, for a reader. */
void bound_print_text(const struct bound_result *res, FILE *out);

/* The same as one JSON object (NAN as null). */
void bound_print_json(const struct bound_result *res, FILE *out);

#endif
