/*
 * bound.c — `asgdsim bound DB [--run ID]... [--scenario NAME]
 * [--holdout F] [--lag] [--json]`: Redder et al.'s bound checked on the
 * runs of a database (src/analysis/bound.h computes, prints and writes
 * the bound rows; docs/bound.md).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/bound.h"
#include "cli.h"

/* The verb's command line. */
struct cli_bound_args {
	const char *db;                /* the database */
	int64_t *runs;                 /* --run ids (owned, argc long) */
	struct bound_options opt;      /* what to analyse */
	bool json;                     /* --json */
};

/* A run id: a positive integer. */
static int cli_bound_run_id(const char *text, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end != '\0' || v <= 0)
		return cli_usage_error("--run expects a run id (a positive integer), got '%s'", text);
	*id = v;
	return 0;
}

/* The held-out fraction: a number in [0, 1). */
static int cli_bound_holdout(const char *text, double *f)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end != '\0' || !(v >= 0 && v < 1))
		return cli_usage_error("--holdout expects a fraction in [0, 1), got '%s'", text);
	*f = v;
	return 0;
}

/* One option at argv[*i]; 0, 2 (usage error) or -1 (--help). */
static int cli_bound_one(int argc, char **argv, int *i, struct cli_bound_args *a)
{
	const char *arg = argv[*i];
	bool has_value = *i + 1 < argc;
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		cli_print_help(stdout);
		return -1;
	}
	if (!strcmp(arg, "--json")) {
		a->json = true;
	} else if (!strcmp(arg, "--lag")) {
		a->opt.lag = true;
	} else if (!strcmp(arg, "--run") || !strcmp(arg, "--scenario") ||
		   !strcmp(arg, "--holdout")) {
		if (!has_value)
			return cli_usage_error("%s needs a value", arg);
		const char *v = argv[++*i];
		if (!strcmp(arg, "--scenario"))
			a->opt.scenario = v;
		else if (!strcmp(arg, "--holdout"))
			return cli_bound_holdout(v, &a->opt.holdout);
		else
			return cli_bound_run_id(v, &a->runs[a->opt.nruns++]);
	} else if (arg[0] == '-' && arg[1] != '\0') {
		return cli_usage_error("unknown option '%s'", arg);
	} else if (a->db) {
		return cli_usage_error("more than one database given: '%s'", arg);
	} else {
		a->db = arg;
	}
	return 0;
}

static int cli_bound_parse(int argc, char **argv, struct cli_bound_args *a)
{
	for (int i = 0; i < argc; i++) {
		int rc = cli_bound_one(argc, argv, &i, a);
		if (rc)
			return rc;
	}
	if (!a->db)
		return cli_usage_error("bound needs a database path");
	if (a->opt.nruns)
		a->opt.runs = a->runs;
	return 0;
}

int cli_bound(int argc, char **argv)
{
	struct cli_bound_args a = { 0 };
	bound_options_init(&a.opt);
	a.runs = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *a.runs);
	if (!a.runs) {
		fputs("asgdsim: out of memory\n", stderr);
		return 1;
	}
	int rc = cli_bound_parse(argc, argv, &a);
	if (rc) {
		rc = rc < 0 ? 0 : rc;       /* --help: 0 */
		goto out_free_runs;
	}
	struct diag d;
	diag_init(&d);
	struct bound_result res;
	if (bound_analyse(a.db, &a.opt, &res, &d) != ASG_OK) {
		rc = cli_fail(&d);
		goto out_free_runs;
	}
	if (a.json)
		bound_print_json(&res, stdout);
	else
		bound_print_text(&res, stdout);
	bound_result_release(&res);
out_free_runs:
	free(a.runs);
	return rc;
}
