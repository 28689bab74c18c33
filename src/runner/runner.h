/*
 * runner.h — running the runs of a plan into one results database: in this
 * process (the default), side by side in child processes (`--jobs N`), or
 * spread over the ranks of an MPI job (`--mpi`).
 *
 * Whatever the way, the database ends with the same rows (wall-clock
 * columns aside): every run is simulated from its own seed, and the runs
 * are added in plan order, each taking the database's next run_id.
 *
 *   serial  simulates each run straight into the database (recorder.h).
 *   pool    forks up to `jobs` children at once, one per run; a child
 *           simulates its run into a database of its own in a temporary
 *           directory and exits; the parent, the one writer, copies the
 *           finished runs into the database in plan order (merge.h), as
 *           soon as every run before them is copied.
 *   mpi     run j of the list goes to rank j % P; a rank simulates it into a
 *           database of its own (node-local temporary directory) and sends
 *           the file to rank 0, which copies the runs in plan order.
 *
 * Order of work, so that bad input writes nothing: the first run to do is
 * built (its data read) before the database is opened.  Runs in `stale`
 * (--resume: left 'running' by a kill, or 'failed') are deleted with their
 * rows just before the first run is added.  A run whose data cannot be built
 * once the database exists is recorded as 'failed', its message printed,
 * and the others go on.
 */
#ifndef ASG_RUNNER_H
#define ASG_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "../scenario/scenario.h"

struct runner {
	const struct scenario_plan *plan; /* the runs (not owned) */
	const size_t *todo;       /* indices into plan->runs to run, ascending */
	size_t ntodo;             /* how many */
	const char *db;           /* the database the runs are added to */
	const int64_t *stale;     /* run_ids to delete from db first */
	size_t nstale;            /* how many */
	int jobs;                 /* children side by side (runner_pool), >= 1 */
	bool progress;            /* show progress on stderr */
};

/* What a runner did. */
struct runner_result {
	size_t added;             /* runs added to the database */
	size_t failed;            /* of which recorded as 'failed' */
};

/* Each returns ASG_OK when every run was added (some maybe 'failed'), else
 * the failure with a message in *d: the first run's data (nothing
 * written), the database, a child or rank that died. */
asg_status runner_serial(const struct runner *r, struct runner_result *res,
			 struct diag *d);
asg_status runner_pool(const struct runner *r, struct runner_result *res,
		       struct diag *d);

/* MPI.  runner_mpi_init starts MPI (once per process) and gives this
 * process's rank and the number of ranks; without MPI at build time it
 * fails with ASG_EINPUT "this asgdsim was built without MPI".
 * runner_mpi is called by every rank; r->todo, r->stale and r->db need only
 * be right on rank 0 (which broadcasts the list).  On ranks other than 0,
 * res counts nothing and a failure has an empty message (rank 0 reports
 * it).  A failure once the work is spread aborts the whole job
 * (MPI_Abort), so that no rank waits forever. */
bool runner_mpi_available(void);
asg_status runner_mpi_init(int *rank, int *size, struct diag *d);
asg_status runner_mpi(const struct runner *r, struct runner_result *res,
		      struct diag *d);
void runner_mpi_finalize(void);

/* A new directory $TMPDIR/asgdsim-XXXXXX (TMPDIR defaults to /tmp), and
 * its removal with everything in it. */
asg_status runner_tmpdir_make(char *dir, size_t size, struct diag *d);
void runner_tmpdir_remove(const char *dir);

/* Replay (replay.c), in a directory made by runner_tmpdir_make.
 * runner_replay_load writes config into dir and loads it with the given
 * seed and one replication.  runner_replay simulates it into a database of
 * its own in dir (*db, run 1). */
asg_status runner_replay_load(const char *config, uint64_t seed, const char *dir,
			      struct scenario_plan *plan, struct diag *d);
asg_status runner_replay(const char *config, uint64_t seed, const char *dir,
			 char *db, size_t dbsize, struct diag *d);

#endif
