/*
 * replay.c — a recorded run simulated anew, for `asgdsim verify --replay`.
 *
 * The run's stored configuration (runs.config, the resolved scenario) is
 * written to a file in a temporary directory, loaded with the run's seed
 * and one replication, and simulated into a database of its own there
 * (runner_one), whose run 1 the caller compares with the original.
 * Nothing is written next to the original database.
 */
#include "runner_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

asg_status runner_replay_load(const char *config, uint64_t seed, const char *dir,
			      struct scenario_plan *plan, struct diag *d)
{
	static const char *const one[] = { "replications=1" };
	char path[SCENARIO_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/config.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return diag_set(d, ASG_EIO, "cannot write '%s': %s", path,
				strerror(errno));
	bool written = fputs(config, f) >= 0;
	if (fclose(f) != 0 || !written)
		return diag_set(d, ASG_EIO, "cannot write '%s'", path);
	struct scenario_overrides ov = { .sets = one, .nsets = 1,
					 .has_seed = true, .seed = seed };
	return scenario_plan_load(path, &ov, plan, d);
}

asg_status runner_replay(const char *config, uint64_t seed, const char *dir,
			 char *db, size_t dbsize, struct diag *d)
{
	struct scenario_plan plan;
	bool failed = false;
	asg_status st = runner_replay_load(config, seed, dir, &plan, d);
	if (st != ASG_OK)
		return st;
	runner_tmp_path(db, dbsize, dir, 0);
	runner_tmp_remove(db);
	if (plan.nruns != 1)
		st = diag_set(d, ASG_EINPUT, "the stored configuration expands to %zu runs",
			      plan.nruns);
	else
		st = runner_one(&plan.runs[0], db, &failed, d);
	scenario_plan_release(&plan);
	return st;
}
