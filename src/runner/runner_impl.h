/*
 * runner_impl.h — what the ways of running share (internal to src/runner):
 * simulating one run into a recorder, a run into a database of its own,
 * the temporary directory of those databases, and the one writer's side
 * (open the database, copy a finished run into it).
 */
#ifndef ASG_RUNNER_IMPL_H
#define ASG_RUNNER_IMPL_H

#include "../engine/sim.h"
#include "../record/merge.h"
#include "../record/recorder.h"
#include "runner.h"

/* Simulate the built run s (of spec) into the open recorder rec; with
 * `show`, a progress line "run INDEX+1/TOTAL: tick ..." on stderr. */
asg_status runner_simulate(struct sim *s, const struct run_spec *spec,
			   struct recorder *rec, size_t index, size_t total,
			   bool show, struct diag *d);

/* Record spec as a run that could not be built (status 'failed'). */
void runner_record_failed(struct recorder *rec, const struct run_spec *spec);

/* Build and release the first run of r->todo: its data can be read.  The
 * failure is the run's message (ASG_EINPUT for bad data: exit 2). */
asg_status runner_check_first(const struct runner *r, struct diag *d);

/* Simulate spec into a new database at path, its only run (run_id 1).
 * ASG_OK once the run is recorded; *failed when it could not be built (it
 * is recorded 'failed' and its message printed on stderr).  Another status
 * is a database failure, with a message in *d. */
asg_status runner_one(const struct run_spec *spec, const char *path,
		      bool *failed, struct diag *d);


/* The path of the database of plan run `index` in dir. */
void runner_tmp_path(char *buf, size_t size, const char *dir, size_t index);

/* Remove a database and its side files (-wal, -shm, -journal). */
void runner_tmp_remove(const char *db);


/* The one writer: delete r->stale, then open r->db for merging. */
struct merge *runner_open_target(const struct runner *r, struct diag *d);

/* Copy the one run of the database at path into m, then remove path. */
asg_status runner_collect(struct merge *m, const char *path, struct diag *d);

/* "\rN/M runs added" on stderr (with `show`). */
void runner_show_added(size_t added, size_t total, bool show);

#endif
