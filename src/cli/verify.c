/*
 * verify.c — `asgdsim verify DB [--run ID]... [--replay]`: check the
 * invariants of the recorded runs (src/analysis/verify.h) and, with
 * --replay, simulate each finished run anew from its stored configuration
 * and compare its rows with the recorded ones bit for bit.
 *
 * Exit status 0 when every checked run holds (interrupted runs are listed,
 * not failures), 1 when one does not or a replay differs, 2 for bad usage
 * or a run id the database does not have.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/verify.h"
#include "../protocols/protocol.h"
#include "../runner/runner.h"
#include "cli.h"

#define VERIFY_MAX_RUNS 256

struct cli_verify {
	const char *db;                    /* the database */
	int64_t runs[VERIFY_MAX_RUNS];     /* --run ids */
	size_t nruns;
	bool replay;                       /* --replay */
	char dir[4096];                    /* temporary directory */
};

static int cli_verify_options(int argc, char **argv, struct cli_verify *v)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			cli_print_help(stdout);
			return -1;
		} else if (!strcmp(a, "--replay")) {
			v->replay = true;
		} else if (!strcmp(a, "--run")) {
			char *end;
			if (++i == argc)
				return cli_usage_error("--run expects a run id");
			errno = 0;
			long long id = strtoll(argv[i], &end, 10);
			if (errno || *end || end == argv[i] || id < 1)
				return cli_usage_error("--run expects a run id, got '%s'", argv[i]);
			if (v->nruns == VERIFY_MAX_RUNS)
				return cli_usage_error("at most %d --run options", VERIFY_MAX_RUNS);
			v->runs[v->nruns++] = id;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("verify: unknown option '%s'", a);
		} else if (v->db) {
			return cli_usage_error("verify takes one database, got '%s' and '%s'",
					       v->db, a);
		} else {
			v->db = a;
		}
	}
	if (!v->db)
		return cli_usage_error("verify expects a database");
	return 0;
}

/* What the protocol of a stored configuration promises. */
static asg_status cli_verify_expect(void *ctx, int64_t run_id, const char *config,
				    const char *protocol, struct verify_expect *e,
				    struct diag *d)
{
	struct cli_verify *v = ctx;
	struct scenario_plan plan;
	(void)protocol;
	asg_status st = runner_replay_load(config, 1, v->dir, &plan, d);
	if (st != ASG_OK) {
		char why[sizeof d->text];
		snprintf(why, sizeof why, "%s", d->text);
		return diag_set(d, st, "run %" PRId64 ": stored configuration: %s",
				run_id, why);
	}
	e->grads_per_tick = protocol_gradients_per_tick(&plan.runs[0].sc);
	e->record_all = plan.runs[0].sc.record.updates == RECORD_ALL;
	scenario_plan_release(&plan);
	return ASG_OK;
}

/* Simulate run id anew and compare; *same tells. */
static asg_status cli_verify_replay_one(struct cli_verify *v, int64_t id,
					bool *same, struct diag *d)
{
	char *config, *status, db[4200];
	uint64_t seed;
	asg_status st = verify_run_config(v->db, id, &config, &seed, &status, d);
	if (st != ASG_OK)
		return st;
	st = runner_replay(config, seed, v->dir, db, sizeof db, d);
	if (st == ASG_OK) {
		printf("run %" PRId64 " replayed: ", id);
		fflush(stdout);
		st = verify_compare(v->db, id, db, 1, stdout, same, d);
		if (st == ASG_OK && *same)
			printf("identical\n");
	}
	free(config);
	free(status);
	return st;
}

static asg_status cli_verify_replay(struct cli_verify *v, long *differ,
				    struct diag *d)
{
	int64_t *ids = v->runs;
	size_t n = v->nruns;
	asg_status st = ASG_OK;
	if (n == 0 && (st = verify_finished_runs(v->db, &ids, &n, d)) != ASG_OK)
		return st;
	for (size_t i = 0; i < n && st == ASG_OK; i++) {
		bool same = false;
		st = cli_verify_replay_one(v, ids[i], &same, d);
		*differ += st == ASG_OK && !same;
	}
	if (ids != v->runs)
		free(ids);
	return st;
}

int cli_verify(int argc, char **argv)
{
	struct cli_verify v = { 0 };
	struct verify_tally tally;
	struct diag d;
	long differ = 0;
	int rc = cli_verify_options(argc, argv, &v);
	if (rc)
		return rc < 0 ? 0 : rc;
	diag_init(&d);
	asg_status st = runner_tmpdir_make(v.dir, sizeof v.dir, &d);
	if (st != ASG_OK)
		return cli_fail(&d);
	st = verify_db(v.db, v.runs, v.nruns, cli_verify_expect, &v, stdout,
		       &tally, &d);
	if (st == ASG_OK && v.replay)
		st = cli_verify_replay(&v, &differ, &d);
	runner_tmpdir_remove(v.dir);
	if (st != ASG_OK)
		return cli_fail(&d);
	printf("%ld run%s checked, %ld broken, %ld interrupted", tally.checked,
	       tally.checked == 1 ? "" : "s", tally.failed, tally.interrupted);
	if (v.replay)
		printf(", %ld replay%s differ", differ, differ == 1 ? "" : "s");
	putchar('\n');
	return tally.failed || differ ? 1 : 0;
}
