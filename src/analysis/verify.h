/*
 * verify.h — `asgdsim verify`: the invariants a recorded run must satisfy,
 * checked after the fact, and the row-by-row comparison of two runs
 * (for `verify --replay`).
 *
 * Invariants of a finished run (status done, diverged or failed):
 *   updates   rows in the order written (rowid): tick k and virtual time t
 *             never decrease; 0 <= staleness <= k; 0 <= worker < workers;
 *             with record.updates all, the rows are runs.gradients rows
 *             over every tick 0 .. runs.updates - 1;
 *   per tick  when the protocol applies a fixed number G of gradients per
 *             tick (sync: D, async and dasgd: 1), every recorded tick has
 *             exactly G rows;
 *   workers   their updates add up to runs.gradients; when G = 1 (one
 *             agent per tick) their kappa add up to one (within 1e-9);
 *   evals     k and t never decrease;
 *   aoi       the sparse aoi rows of every pair rebuild its aoi_summary
 *             sum_age and max_age exactly (aoitrace.h).
 * A run left 'running' is reported as interrupted and not checked: a kill
 * leaves it so, and `run --resume` redoes it.
 *
 * The comparison (verify_compare) takes run a of one database and run b
 * of another and reports the first difference, table by table: the runs
 * rows' results (status, counts, times but the wall clock, losses) and, of
 * every table with a run_id column, the rows in the order written, every
 * column but run_id, bit for bit (a REAL by its 64-bit pattern).
 */
#ifndef ASG_VERIFY_H
#define ASG_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/diag.h"

/* What the run's protocol promises, from its scenario (the caller knows
 * the protocols; this module only reads the database). */
struct verify_expect {
	long grads_per_tick;   /* G: gradients applied at every tick, 0 if it varies */
	bool record_all;       /* record.updates is all: every gradient has a row */
};

/* Fill *e for run run_id from its stored configuration (runs.config) and
 * protocol name; return ASG_OK, or a failure with a message in *d when the
 * configuration cannot be read. */
typedef asg_status (*verify_expect_fn)(void *ctx, int64_t run_id,
				       const char *config, const char *protocol,
				       struct verify_expect *e, struct diag *d);

/* What verify_db found. */
struct verify_tally {
	long checked;          /* finished runs checked */
	long failed;           /* of which broke an invariant */
	long interrupted;      /* runs left 'running' */
};

/*
 * Check the runs of the database at path (opened read only): every run,
 * or the nruns of ids.  One line per run on out: "run N: ok (...)",
 * "run N: interrupted" or "run N: <what is broken>".  ASG_OK when the
 * database could be read (whatever the runs' verdicts, in *tally);
 * ASG_EINPUT for an id that is not in the database; ASG_EIO for a file
 * that is not a readable asgdsim database.
 */
asg_status verify_db(const char *path, const int64_t *ids, size_t nruns,
		     verify_expect_fn expect, void *ctx, FILE *out,
		     struct verify_tally *tally, struct diag *d);

/* The ids of the finished runs of the database at path, in order
 * (malloc'd into *ids; free it). */
asg_status verify_finished_runs(const char *path, int64_t **ids, size_t *n,
				struct diag *d);

/* The stored configuration, seed and status of run id (malloc'd strings
 * into *config and *status; free them). */
asg_status verify_run_config(const char *path, int64_t id, char **config,
			     uint64_t *seed, char **status, struct diag *d);

/*
 * Compare run a of database path_a with run b of path_b.  *same is true
 * when every row matches; otherwise the first difference is printed on out
 * ("updates row 17, column t: 0.25 != 0.2500000001").  ASG_OK unless a
 * database cannot be read.
 */
asg_status verify_compare(const char *path_a, int64_t a, const char *path_b,
			  int64_t b, FILE *out, bool *same, struct diag *d);

#endif
