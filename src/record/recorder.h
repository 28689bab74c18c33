/*
 * recorder.h — the results database: one SQLite file, many runs.
 *
 * Tables (docs/schema.md): meta, runs, workers, updates, evals.
 * Opening a database creates the schema if the file is new and checks the
 * schema version if it is not (another version is refused, ASG_EIO with a
 * message); runs are always added, never overwritten.  The database is in
 * WAL mode.
 *
 * Use:  recorder_open -> (recorder_run_begin -> recorder_update /
 *       recorder_eval ... -> recorder_worker ... -> recorder_run_end)* ->
 *       recorder_close.
 *
 * recorder_run_begin commits the run's row with status 'running' at once.
 * Rows of a run are written through one prepared statement per table inside
 * a transaction committed every RECORDER_BATCH rows (a checkpoint), so a
 * killed run leaves a readable database whose interrupted run still says
 * 'running'.  recorder_run_end writes the summary and commits.
 * recorder_update and recorder_eval are cheap (bind + step); the first
 * failure is kept and returned by them and by every later call.
 * NAN arguments are stored as NULL.
 */
#ifndef ASG_RECORDER_H
#define ASG_RECORDER_H

#include <stdint.h>

#include "../common/diag.h"

#define RECORDER_SCHEMA_VERSION 1
#define RECORDER_BATCH 100000

struct recorder;

/* What is known of a run before it starts. */
struct run_row {
	const char *scenario;     /* scenario name */
	const char *config;       /* the resolved YAML of this run */
	const char *point;        /* JSON of the sweep values, "{}" if none */
	long point_index;         /* index of the sweep point */
	long replication;         /* index of the replication */
	uint64_t seed;            /* the run's seed (stored as a 64-bit integer) */
	const char *protocol;     /* protocol kind, e.g. "async" */
	const char *model;        /* model kind, e.g. "logreg" */
	long workers;             /* number of workers */
	const char *version;      /* asgdsim version */
};

/* What is known of a run when it ends. */
struct run_result {
	const char *status;       /* "done", "diverged" or "failed" */
	uint64_t updates;         /* ticks of the global clock */
	uint64_t gradients;       /* gradients applied */
	uint64_t events;          /* events handled */
	double virtual_time;      /* virtual seconds at the end */
	double wall_seconds;      /* wall-clock duration */
	double mean_staleness;    /* mean over every applied gradient (NAN if none) */
	double final_loss;        /* train loss at the end (NAN if none) */
	double final_grad_norm2;  /* full-gradient norm^2 at the end (NAN if none) */
	double test_accuracy;     /* at the end (NAN if none) */
	int64_t diverged_at;      /* tick where it diverged, -1 if it did not */
};

/* Open (creating if needed) the database at path.  Returns NULL with a
 * message in *d on failure ("cannot open 'x.db': ..."). */
struct recorder *recorder_open(const char *path, struct diag *d);

/* Close; NULL does nothing.  An open run is left with status 'running'. */
void recorder_close(struct recorder *r);

asg_status recorder_run_begin(struct recorder *r, const struct run_row *row,
			      int64_t *run_id);

/* A gradient applied at tick k, virtual time t, from worker. */
asg_status recorder_update(struct recorder *r, uint64_t k, double t,
			   long worker, uint64_t staleness, double step_size,
			   double grad_norm2);

/* An evaluation point at tick k. */
asg_status recorder_eval(struct recorder *r, uint64_t k, double t,
			 double full_grad_norm2, double train_loss,
			 double test_loss, double test_accuracy);

/* A worker's summary. */
asg_status recorder_worker(struct recorder *r, long worker, const char *group,
			   uint64_t updates, double kappa, double busy_time,
			   double bytes_sent, double mean_staleness);

/* Finish the run: its summary, then commit. */
asg_status recorder_run_end(struct recorder *r, const struct run_result *res);

/* The message of the first failure ("" if none). */
const char *recorder_error(const struct recorder *r);

#endif
