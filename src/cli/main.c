/*
 * main.c — `asgdsim VERB ARGS...`: dispatch to the verb, print help.
 */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

#include <gsl/gsl_errno.h>

static const char help[] =
	"usage: asgdsim VERB ARGS...\n"
	"\n"
	"A deterministic discrete-event simulator of asynchronous and distributed SGD.\n"
	"\n"
	"verbs:\n"
	"  run SCENARIO.yaml [-o DB] [--set KEY=VALUE]... [--seed N] [--quiet]\n"
	"        simulate every run of the scenario (sweep x replications) and add\n"
	"        them to DB (default results/<scenario name>.db)\n"
	"  check SCENARIO.yaml [--set KEY=VALUE]... [--seed N] [--yaml]\n"
	"        validate the scenario and print the runs it expands to\n"
	"        (--yaml: each run's resolved scenario)\n"
	"  report DB\n"
	"        one line per run with its key figures, then per sweep point the\n"
	"        mean and 95%% confidence interval over replications\n"
	"\n"
	"exit status: 0 success (a diverged run is a result), 2 bad input\n"
	"(FILE:LINE:COL: message, nothing written), 1 any other failure\n"
	"\n"
	"example:\n"
	"  asgdsim run scenarios/default.yaml --set protocol.kind=sync --seed 7\n"
	"  asgdsim report results/default.db\n"
	"  sqlite3 results/default.db 'SELECT worker, AVG(staleness) FROM updates GROUP BY worker'\n";

void cli_print_help(FILE *out)
{
	fputs(help, out);
}

int cli_fail(const struct diag *d)
{
	fprintf(stderr, "%s\n", d->text);
	return asg_status_exit_code(d->status);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("asgdsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see 'asgdsim --help')\n", stderr);
	return 2;
}

/* GSL aborts on errors by default; report them instead.  Samplers are only
 * given validated parameters, so a GSL error is an internal one. */
static void cli_gsl_error(const char *reason, const char *file, int line,
			  int gsl_errno)
{
	fprintf(stderr, "asgdsim: gsl: %s:%d: %s\n", file, line, reason);
}

int main(int argc, char **argv)
{
	gsl_set_error_handler(cli_gsl_error);
	if (argc < 2)
		return cli_usage_error("no verb given");
	const char *verb = argv[1];
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		cli_print_help(stdout);
		return 0;
	}
	if (!strcmp(verb, "--version")) {
		puts("asgdsim " ASGDSIM_VERSION);
		return 0;
	}
	if (!strcmp(verb, "run"))
		return cli_run(argc - 2, argv + 2);
	if (!strcmp(verb, "check"))
		return cli_check(argc - 2, argv + 2);
	if (!strcmp(verb, "report"))
		return cli_report(argc - 2, argv + 2);
	return cli_usage_error("unknown verb '%s'", verb);
}
