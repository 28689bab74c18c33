/*
 * run.c — `asgdsim run SCENARIO.yaml [-o DB] [--set KEY=VALUE]... [--seed N]
 * [--quiet]`: simulate every run of the scenario and add it to a database.
 *
 * Order of work, so that bad input writes nothing: the scenario is loaded
 * and validated whole, then the first run is built (its data read), and
 * only then is the database opened.  Runs are always added to the
 * database, never replacing earlier ones.  A run whose data cannot be
 * built after the database exists is recorded as 'failed' and the others
 * go on (exit 1 at the end).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cblas.h>

#include "../engine/sim.h"
#include "../scenario/scenario.h"
#include "cli.h"
#include "options.h"

struct run_progress {
	size_t index;     /* 0-based run being simulated */
	size_t total;     /* runs of the plan */
	uint64_t limit;   /* stop.updates, 0 if none */
};

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_show_progress(const struct sim *s, void *ctx)
{
	const struct run_progress *p = ctx;
	fprintf(stderr, "\rrun %zu/%zu: tick %llu", p->index + 1, p->total,
		(unsigned long long)s->k);
	if (p->limit)
		fprintf(stderr, " (%.0f%%)", 100.0 * (double)s->k / (double)p->limit);
	fprintf(stderr, ", virtual time %.6g s   ", s->now);
	fflush(stderr);
}

/* The database path: -o, else results/<scenario name>.db (creating
 * results/ if needed). */
static int run_database_path(const struct cli_options *opt,
			     const struct scenario_plan *plan, char *path,
			     size_t size)
{
	if (opt->output) {
		snprintf(path, size, "%s", opt->output);
		return 0;
	}
	if (mkdir("results", 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "asgdsim: cannot create directory 'results': %s\n",
			strerror(errno));
		return 1;
	}
	snprintf(path, size, "results/%s.db", plan->name);
	return 0;
}

/* Simulate one built run into the open database. */
static asg_status run_simulate(struct sim *s, const struct run_spec *spec,
			       struct recorder *rec, struct run_progress *progress,
			       bool show, struct diag *d)
{
	struct run_row row = sim_run_row(spec);
	int64_t run_id;
	asg_status st = recorder_run_begin(rec, &row, &run_id);
	if (st != ASG_OK)
		return diag_set(d, st, "%s", recorder_error(rec));
	s->rec = rec;
	if (show) {
		s->progress = run_show_progress;
		s->progress_ctx = progress;
	}
	double start = wall_now();
	st = sim_run(s, d);
	if (show)
		fputs("\r\033[K", stderr);
	asg_status end = sim_record_summary(s, wall_now() - start);
	if (st == ASG_OK && end != ASG_OK)
		st = diag_set(d, end, "%s", recorder_error(rec));
	return st;
}

/* A run that could not be built, once the database exists: recorded as failed. */
static void run_record_failed(struct recorder *rec, const struct run_spec *spec)
{
	struct run_row row = sim_run_row(spec);
	int64_t run_id;
	if (recorder_run_begin(rec, &row, &run_id) != ASG_OK)
		return;
	struct run_result res = { .status = "failed", .mean_staleness = NAN,
				  .final_loss = NAN, .final_grad_norm2 = NAN,
				  .test_accuracy = NAN, .diverged_at = -1 };
	recorder_run_end(rec, &res);
}

static int run_plan(const struct cli_options *opt, const struct scenario_plan *plan)
{
	char db[SCENARIO_PATH_MAX + 32];
	if (run_database_path(opt, plan, db, sizeof db))
		return 1;
	bool show = !opt->quiet && isatty(STDERR_FILENO);
	struct recorder *rec = NULL;
	int exit_code = 0;
	for (size_t i = 0; i < plan->nruns; i++) {
		const struct run_spec *spec = &plan->runs[i];
		struct diag d;
		diag_init(&d);
		struct sim s;
		if (sim_init(&s, &spec->sc, NULL, &d) != ASG_OK) {
			if (!rec)
				return cli_fail(&d);
			cli_fail(&d);
			run_record_failed(rec, spec);
			exit_code = 1;
			continue;
		}
		if (!rec && !(rec = recorder_open(db, &d))) {
			sim_release(&s);
			return cli_fail(&d);
		}
		struct run_progress progress = { i, plan->nruns, spec->sc.stop.updates };
		asg_status st = run_simulate(&s, spec, rec, &progress, show, &d);
		sim_release(&s);
		if (st != ASG_OK) {
			recorder_close(rec);
			return cli_fail(&d);
		}
	}
	recorder_close(rec);
	if (!opt->quiet)
		fprintf(stderr, "%zu run%s added to %s\n", plan->nruns,
			plan->nruns == 1 ? "" : "s", db);
	return exit_code;
}

int cli_run(int argc, char **argv)
{
	struct cli_options opt;
	int rc = cli_parse_options(argc, argv, OPT_OUTPUT | OPT_QUIET, &opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	openblas_set_num_threads(1);
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	if (scenario_plan_load(opt.scenario, &opt.overrides, &plan, &d) != ASG_OK)
		return cli_fail(&d);
	rc = run_plan(&opt, &plan);
	scenario_plan_release(&plan);
	return rc;
}
