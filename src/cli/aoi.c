/*
 * aoi.c — `asgdsim aoi DB --run R --i I --j J [--from K0] [--to K1]`: the
 * age Delta_ij(k) of block j at agent i at every tick of run R, rebuilt
 * from the sparse aoi rows, and its exact mean checked against
 * aoi_summary (src/analysis/aoitrace.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/aoitrace.h"
#include "cli.h"

/* What the options have given so far. */
enum cli_aoi_given {
	AOI_RUN = 1 << 0,   /* --run */
	AOI_I = 1 << 1,     /* --i */
	AOI_J = 1 << 2,     /* --j */
};

/* A non-negative integer option value. */
static int cli_aoi_number(const char *opt, const char *text, uint64_t *v)
{
	char *end;
	errno = 0;
	if (text[0] == '-' || text[0] == '\0')
		return cli_usage_error("%s expects a non-negative integer, got '%s'", opt, text);
	unsigned long long x = strtoull(text, &end, 10);
	if (errno || *end != '\0' || x > INT64_MAX)
		return cli_usage_error("%s expects a non-negative integer, got '%s'", opt, text);
	*v = x;
	return 0;
}

/* One option with its value (argv[*i], argv[*i + 1]). */
static int cli_aoi_option(int argc, char **argv, int *i, struct aoitrace_query *q,
			  unsigned *given)
{
	const char *opt = argv[*i];
	if (*i + 1 >= argc)
		return cli_usage_error("%s needs a value", opt);
	uint64_t v = 0;
	int rc = cli_aoi_number(opt, argv[++*i], &v);
	if (rc)
		return rc;
	if (!strcmp(opt, "--run")) {
		q->run = (int64_t)v;
		*given |= AOI_RUN;
	} else if (!strcmp(opt, "--i")) {
		q->i = (long)v;
		*given |= AOI_I;
	} else if (!strcmp(opt, "--j")) {
		q->j = (long)v;
		*given |= AOI_J;
	} else if (!strcmp(opt, "--from")) {
		q->from = v;
	} else {
		q->to = v;
	}
	return 0;
}

static int cli_aoi_parse(int argc, char **argv, const char **db,
			 struct aoitrace_query *q)
{
	static const char *const valued[] = { "--run", "--i", "--j", "--from", "--to" };
	unsigned given = 0;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		bool is_valued = false;
		for (size_t v = 0; v < sizeof valued / sizeof *valued; v++)
			is_valued = is_valued || !strcmp(arg, valued[v]);
		int rc = 0;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			cli_print_help(stdout);
			return -1;
		} else if (is_valued) {
			rc = cli_aoi_option(argc, argv, &i, q, &given);
		} else if (arg[0] == '-' && arg[1] != '\0') {
			rc = cli_usage_error("unknown option '%s'", arg);
		} else if (*db) {
			rc = cli_usage_error("more than one database given: '%s'", arg);
		} else {
			*db = arg;
		}
		if (rc)
			return rc;
	}
	if (!*db)
		return cli_usage_error("aoi needs a database path");
	if ((given & (AOI_RUN | AOI_I | AOI_J)) != (AOI_RUN | AOI_I | AOI_J))
		return cli_usage_error("aoi needs --run R, --i I and --j J");
	return 0;
}

int cli_aoi(int argc, char **argv)
{
	const char *db = NULL;
	struct aoitrace_query q = { .to = UINT64_MAX };
	int rc = cli_aoi_parse(argc, argv, &db, &q);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct diag d;
	diag_init(&d);
	asg_status s = aoitrace_print(db, &q, stdout, &d);
	fflush(stdout);
	if (s != ASG_OK)
		return cli_fail(&d);
	return 0;
}
