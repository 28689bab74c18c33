/*
 * run.c — `asgdsim run SCENARIO.yaml [-o DB] [--set KEY=VALUE]... [--seed N]
 * [--jobs N] [--shard I/N] [--resume] [--mpi] [--quiet]`: simulate the runs
 * of the scenario and add them to a database.
 *
 *	plan = load, override, expand and validate the scenario (bad input:
 *	       exit 2, nothing written)
 *	todo = the runs of this shard: plan index i with i % N == I - 1
 *	with --resume: drop from todo the runs the database holds finished
 *	       (done or diverged, same key: resume.h); its unfinished runs of
 *	       those keys ('running' after a kill, 'failed') are stale: deleted
 *	       with their rows, then simulated again from their beginning
 *	run todo: in this process (default, --jobs 1), in N processes side by
 *	       side (--jobs N), or over MPI ranks (--mpi): runner.h
 *
 * Runs are always added to the database in plan order, never replacing
 * earlier ones, so whichever way they ran, the rows are the same (and
 * their run_ids, in a database that held nothing else).  The first run is
 * built (its data read) before the database is opened; a later run whose
 * data cannot be built is recorded as 'failed' and the others go on (exit
 * 1 at the end).  --jobs, --shard, --resume and --mpi are parsed here, the
 * options shared with `check` by options.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../record/resume.h"
#include "../runner/runner.h"
#include "../scenario/scenario.h"
#include "cli.h"
#include "options.h"

#define RUN_MAX_JOBS 4096

/* The options of `run` that `check` does not take. */
struct run_options {
	int jobs;           /* --jobs N: processes side by side, default 1 */
	long shard;         /* --shard I/N: I, from 1 (0: no shard) */
	long shards;        /* N, 1 without --shard */
	bool resume;        /* --resume */
	bool mpi;           /* --mpi */
};

/* The runs of this invocation. */
struct run_todo {
	size_t *todo;       /* plan indices to run, ascending (owned) */
	size_t ntodo;       /* how many */
	size_t nshard;      /* runs of this shard, done ones included */
	int64_t *stale;     /* run_ids to delete first (owned) */
	size_t nstale;      /* how many */
};

/* A whole decimal number in [min, max] from text. */
static bool run_parse_long(const char *text, long min, long max, long *v)
{
	char *end;
	errno = 0;
	if (!(text[0] >= '0' && text[0] <= '9'))
		return false;
	long x = strtol(text, &end, 10);
	if (errno || *end != '\0' || x < min || x > max)
		return false;
	*v = x;
	return true;
}

static int run_parse_jobs(const char *text, struct run_options *ro)
{
	long n;
	if (!text || !run_parse_long(text, 0, RUN_MAX_JOBS, &n))
		return cli_usage_error("--jobs expects a number of processes from 1"
				       " to %d (0: one per processor), got '%s'",
				       RUN_MAX_JOBS, text ? text : "");
	if (n == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (cpus < RUN_MAX_JOBS ? cpus : RUN_MAX_JOBS) : 1;
	}
	ro->jobs = (int)n;
	return 0;
}

/* I/N, 1 <= I <= N: shard I of N, numbered from 1 like
 * SLURM_ARRAY_TASK_ID in `sbatch --array=1-N`. */
static int run_parse_shard(const char *text, struct run_options *ro)
{
	char buf[64];
	const char *slash = text ? strchr(text, '/') : NULL;
	long i = 0, n = 0;
	bool ok = slash && (size_t)(slash - text) < sizeof buf;
	if (ok) {
		memcpy(buf, text, (size_t)(slash - text));
		buf[slash - text] = '\0';
		ok = run_parse_long(buf, 1, 1L << 30, &i) &&
		     run_parse_long(slash + 1, 1, 1L << 30, &n) && i <= n;
	}
	if (!ok)
		return cli_usage_error("--shard expects I/N with 1 <= I <= N (shards"
				       " are numbered from 1), got '%s'",
				       text ? text : "");
	ro->shard = i;
	ro->shards = n;
	return 0;
}

/* Take run's own options out of argv into *ro; the others stay, in order,
 * in rest[0 .. *nrest).  Returns 0 or the exit status of a usage error. */
static int run_take_options(int argc, char **argv, struct run_options *ro,
			    char **rest, int *nrest)
{
	*ro = (struct run_options){ .jobs = 1, .shards = 1 };
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = 0;
		if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			rc = run_parse_jobs(value, ro);
			i++;
		} else if (!strcmp(a, "--shard")) {
			rc = run_parse_shard(value, ro);
			i++;
		} else if (!strcmp(a, "--resume")) {
			ro->resume = true;
		} else if (!strcmp(a, "--mpi")) {
			ro->mpi = true;
		} else {
			/* an option's value is never taken for an option */
			bool has_value = !strcmp(a, "--set") || !strcmp(a, "--seed") ||
					 !strcmp(a, "-o");
			rest[(*nrest)++] = argv[i];
			if (has_value && value)
				rest[(*nrest)++] = argv[++i];
		}
		if (rc)
			return rc;
	}
	if (ro->mpi && ro->jobs > 1)
		return cli_usage_error("--jobs and --mpi do not combine (start one"
				       " rank per processor instead)");
	return 0;
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

static struct resume_key run_key(const struct run_spec *spec)
{
	return (struct resume_key){ spec->sc.name, spec->point,
				    spec->replication, spec->sc.seed,
				    spec->config_yaml };
}

/* Mark done[j] the runs of todo the database holds finished; gather its
 * unfinished runs with one of their keys into stale. */
static asg_status run_scan(const struct scenario_plan *plan,
			   struct run_todo *t, const struct resume_list *l,
			   bool *done)
{
	struct resume_key *keys = malloc((t->ntodo + 1) * sizeof *keys);
	struct resume_set set = { 0 };
	asg_status st = keys ? ASG_OK : ASG_ENOMEM;
	for (size_t j = 0; j < t->ntodo && st == ASG_OK; j++) {
		keys[j] = run_key(&plan->runs[t->todo[j]]);
		st = resume_set_add(&set, &keys[j], (int64_t)j);
	}
	if (st == ASG_OK && !(t->stale = malloc((l->n + 1) * sizeof *t->stale)))
		st = ASG_ENOMEM;
	for (size_t i = 0; i < l->n && st == ASG_OK; i++) {
		int64_t j;
		if (!resume_set_find(&set, &l->runs[i].key, &j))
			continue;
		if (l->runs[i].finished)
			done[j] = true;
		else
			t->stale[t->nstale++] = l->runs[i].run_id;
	}
	resume_set_release(&set);
	free(keys);
	return st;
}

/* --resume: leave in t the runs the database does not hold finished. */
static asg_status run_resume(const struct scenario_plan *plan, const char *db,
			     struct run_todo *t, struct diag *d)
{
	struct resume_list l;
	asg_status st = resume_list_read(&l, db, d);
	if (st != ASG_OK)
		return st;
	bool *done = calloc(t->ntodo + 1, sizeof *done);
	st = done ? run_scan(plan, t, &l, done) : ASG_ENOMEM;
	if (st == ASG_ENOMEM)
		diag_set(d, st, "out of memory");
	size_t kept = 0;
	for (size_t j = 0; j < t->ntodo && st == ASG_OK; j++)
		if (!done[j])
			t->todo[kept++] = t->todo[j];
	if (st == ASG_OK)
		t->ntodo = kept;
	free(done);
	resume_list_release(&l);
	return st;
}

/* The runs of this shard, less those already done with --resume. */
static asg_status run_select(const struct run_options *ro,
			     const struct scenario_plan *plan, const char *db,
			     struct run_todo *t, struct diag *d)
{
	*t = (struct run_todo){ 0 };
	t->todo = malloc((plan->nruns + 1) * sizeof *t->todo);
	if (!t->todo)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < plan->nruns; i++)
		if (ro->shards == 1 || i % (size_t)ro->shards == (size_t)ro->shard - 1)
			t->todo[t->ntodo++] = i;
	t->nshard = t->ntodo;
	return ro->resume ? run_resume(plan, db, t, d) : ASG_OK;
}

static void run_todo_release(struct run_todo *t)
{
	free(t->todo);
	free(t->stale);
	*t = (struct run_todo){ 0 };
}

/* What was done, on stderr. */
static void run_say(const struct run_todo *t, const struct runner_result *res,
		    const char *db)
{
	size_t skipped = t->nshard - t->ntodo;
	if (t->ntodo == 0 && t->nshard == 0) {
		fprintf(stderr, "nothing to run: this shard has no run\n");
		return;
	}
	if (t->ntodo == 0) {
		fprintf(stderr, "nothing to run: the %zu run%s %s already in %s\n",
			t->nshard, t->nshard == 1 ? "" : "s",
			t->nshard == 1 ? "is" : "are", db);
		return;
	}
	fprintf(stderr, "%zu run%s added to %s", res->added,
		res->added == 1 ? "" : "s", db);
	if (skipped)
		fprintf(stderr, " (%zu already there)", skipped);
	if (t->nstale)
		fprintf(stderr, " (%zu unfinished run%s started again)", t->nstale,
			t->nstale == 1 ? "" : "s");
	fputc('\n', stderr);
}

/* Select, run and report, on one rank (rank 0 writes). */
static int run_plan(const struct cli_options *opt, const struct run_options *ro,
		    const struct scenario_plan *plan, int rank)
{
	char db[SCENARIO_PATH_MAX + 32];
	struct run_todo t;
	struct runner_result res;
	struct diag d;
	diag_init(&d);
	if (run_database_path(opt, plan, db, sizeof db))
		return 1;
	asg_status st = rank == 0 ? run_select(ro, plan, db, &t, &d)
				  : (t = (struct run_todo){ 0 }, ASG_OK);
	if (st != ASG_OK)
		goto out_release;
	struct runner r = {
		.plan = plan, .todo = t.todo, .ntodo = t.ntodo, .db = db,
		.stale = t.stale, .nstale = t.nstale, .jobs = ro->jobs,
		.progress = !opt->quiet && isatty(STDERR_FILENO),
	};
	if (ro->mpi)
		st = runner_mpi(&r, &res, &d);
	else if (ro->jobs > 1 && t.ntodo > 1)
		st = runner_pool(&r, &res, &d);
	else
		st = runner_serial(&r, &res, &d);
	if (st == ASG_OK && rank == 0 && !opt->quiet)
		run_say(&t, &res, db);
out_release:
	run_todo_release(&t);
	if (st != ASG_OK)
		return rank == 0 ? cli_fail(&d) : asg_status_exit_code(st);
	return res.failed ? 1 : 0;
}

/* Parse, start MPI if asked, load the plan and run it. */
static int run_main(int argc, char **argv, char **rest)
{
	struct run_options ro;
	struct cli_options opt;
	struct scenario_plan plan;
	struct diag d;
	int nrest, rank = 0, size = 1;
	int rc = run_take_options(argc, argv, &ro, rest, &nrest);
	if (rc)
		return rc;
	rc = cli_parse_options(nrest, rest, OPT_OUTPUT | OPT_QUIET, &opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	diag_init(&d);
	if (ro.mpi && runner_mpi_init(&rank, &size, &d) != ASG_OK)
		return cli_fail(&d);
	if (scenario_plan_load(opt.scenario, &opt.overrides, &plan, &d) != ASG_OK) {
		rc = rank == 0 ? cli_fail(&d) : asg_status_exit_code(d.status);
	} else {
		rc = run_plan(&opt, &ro, &plan, rank);
		scenario_plan_release(&plan);
	}
	if (ro.mpi)
		runner_mpi_finalize();
	return rc;
}

int cli_run(int argc, char **argv)
{
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest) {
		fputs("asgdsim: out of memory\n", stderr);
		return 1;
	}
	int rc = run_main(argc, argv, rest);
	free(rest);
	return rc;
}
