/*
 * recorder.h — the results database: one SQLite file, many runs.
 *
 * Tables (docs/schema.md): meta, runs, workers, updates, evals, aoi,
 * aoi_summary, coupling, bound, timeline, consensus.
 * Opening a database creates the schema if the file is new and checks the
 * schema version if it is not (another version is refused, ASG_EIO with a
 * message); runs are always added, never overwritten.  The database is in
 * WAL mode.
 *
 * Use:  recorder_open -> (recorder_run_begin -> recorder_update /
 *       recorder_eval ... -> recorder_worker ... -> recorder_run_end)* ->
 *       recorder_close.
 *
 * recorder_run_begin commits the run's row with status 'running' at once
 * and starts the run's writer thread.  Rows of a run are written by that
 * thread, in the order they were recorded, through one prepared statement
 * per table inside a transaction committed every RECORDER_BATCH rows (a
 * checkpoint), so a killed run leaves a readable database whose
 * interrupted run still says 'running' and holds its rows up to the
 * writer's last checkpoint.  recorder_run_end waits for the writer, writes
 * the summary and commits.  recorder_update, recorder_eval, recorder_aoi,
 * recorder_consensus and recorder_timeline copy their row into a queue
 * (cheap: no SQLite call); the first failure is kept and returned by them
 * (from the next block handed to the writer on) and by every later call.
 * A recorder is used by one thread (besides its own writer).
 * NAN arguments are stored as NULL.
 */
#ifndef ASG_RECORDER_H
#define ASG_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/diag.h"

#define RECORDER_SCHEMA_VERSION 4
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

/* A worker's (or agent's) summary. */
struct worker_row {
	long worker;              /* index */
	const char *group;        /* its group's name */
	uint64_t updates;         /* nu(n, i): its gradients applied */
	double kappa;             /* nu(n, i) / n */
	double busy_time;         /* virtual seconds computing */
	double bytes_sent;        /* bytes it sent */
	double mean_staleness;    /* mean staleness of its gradients (NAN if none) */
	double step;              /* its step size alpha^i */
	uint64_t messages_sent;   /* messages it handed to links */
	uint64_t messages_lost;   /* of those, lost by the network */
	uint64_t messages_outdated; /* messages it received older than its copy */
	uint64_t dropped;         /* jobs whose work was thrown away */
	int64_t shard_size;       /* training samples of its shard, -1 if none */
	double slowed;            /* virtual seconds in straggler episodes */
	double downtime;          /* virtual seconds crashed */
	uint64_t lost;            /* jobs lost to crashes */
};

asg_status recorder_worker(struct recorder *r, const struct worker_row *w);

/* Agent i's age of block j became `age` at tick k (the aoi table). */
asg_status recorder_aoi(struct recorder *r, uint64_t k, long i, long j,
			uint64_t age);

/* The exact time averages of a pair (i, j) over the run's n ticks. */
struct aoi_summary_row {
	long i, j;                /* agent, block */
	uint64_t sum_age;         /* sum_{k<n} Delta_ij(k), exact */
	double mean_age;          /* sum_age / n */
	uint64_t max_age;         /* max_k Delta_ij(k) */
	double mean_view_age;     /* (1/n) sum_k of the age of i's latest copy */
	uint64_t max_view_age;    /* its maximum */
	double mean_lag;          /* (1/n) sum_k lag_ij(k) (THEORY.md); NAN if not measured */
};

asg_status recorder_aoi_summary(struct recorder *r,
				const struct aoi_summary_row *row);

/* L^{ij}, the block Lipschitz constant; exact = false for an upper bound. */
asg_status recorder_coupling(struct recorder *r, long i, long j, double l,
			     bool exact);

/* An interval of worker activity (kind: compute, uplink, downlink; slow
 * and down for straggler episodes and crashes; a string that lives as long
 * as the recorder, such as a literal: it is written later). */
asg_status recorder_timeline(struct recorder *r, long worker, const char *kind,
			     double start, double end);

/* The consensus distance (1/n) sum_i ||x_i - xbar||^2 of the agents'
 * models at tick k (gossip). */
asg_status recorder_consensus(struct recorder *r, uint64_t k, double t,
			      double distance);

/* Finish the run: its summary, then commit. */
asg_status recorder_run_end(struct recorder *r, const struct run_result *res);

/* The message of the first failure ("" if none). */
const char *recorder_error(const struct recorder *r);

#endif
