/*
 * main.c — `asgdsim VERB ARGS...`: dispatch to the verb, print help.
 */
#include "cli.h"

#include <signal.h>
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
	"      [--jobs N] [--shard I/N] [--resume] [--mpi]\n"
	"        simulate every run of the scenario (sweep x replications) and add\n"
	"        them to DB (default results/<scenario name>.db); --jobs: N runs\n"
	"        side by side; --shard I/N: runs i with i mod N = I-1 only (I from\n"
	"        1); --resume: skip runs DB holds finished; --mpi: over MPI ranks\n"
	"  check SCENARIO.yaml [--set KEY=VALUE]... [--seed N] [--yaml]\n"
	"        validate the scenario and print the runs it expands to\n"
	"        (--yaml: each run's resolved scenario)\n"
	"  merge OUT.db IN.db... [--quiet]\n"
	"        add the runs of the shards IN.db to OUT.db, never twice\n"
	"  verify DB [--run ID]... [--replay]\n"
	"        check the recorded runs' invariants (time never decreases,\n"
	"        0 <= staleness <= k, gradients per tick, kappa, aoi); --replay:\n"
	"        simulate each finished run anew and compare its rows bit for bit\n"
	"  migrate DB\n"
	"        bring a database of an older schema version to this one, when\n"
	"        tables and columns were only added since\n"
	"  report DB\n"
	"        one line per run with its key figures, then per sweep point the\n"
	"        mean and 95% confidence interval over replications\n"
	"  bound DB [--run ID]... [--scenario NAME] [--holdout F] [--lag] [--json]\n"
	"        per finished run the terms of Redder et al.'s rate (LHS, T1, T2, T3),\n"
	"        the smallest C1..C3 >= 0 with LHS <= C1 T1 + C2 T2 + C3 T3 on the\n"
	"        fitting runs, how many held-out runs satisfy it, the log-log slope\n"
	"        of LHS against T3; writes the bound table (docs/bound.md)\n"
	"  aoi DB --run R --i I --j J [--from K0] [--to K1]\n"
	"        the age Delta_ij(k) of block j at agent i at every tick of run R,\n"
	"        rebuilt from the sparse aoi rows, and its exact mean\n"
	"  plot DB [KIND]... [-o DIR] [--format png|pdf|svg] [--runs FILTER]\n"
	"      [--x time|ticks]\n"
	"        figures for papers, each with its gnuplot script and data, into\n"
	"        DIR (default plots/<database name>); kinds: loss, gradnorm,\n"
	"        staleness, aoi, kappa, bound, timeline (default: every kind the\n"
	"        database has data for); --runs: ids (1,3-5) and KEY=VALUE\n"
	"        (protocol=async, protocol.kind=sync, replication=0)\n"
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
	/* A file-size limit (ulimit -f) then fails a write with EFBIG, which
	 * SQLite reports like a full disk, instead of killing the process. */
	signal(SIGXFSZ, SIG_IGN);
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
	if (!strcmp(verb, "bound"))
		return cli_bound(argc - 2, argv + 2);
	if (!strcmp(verb, "aoi"))
		return cli_aoi(argc - 2, argv + 2);
	if (!strcmp(verb, "plot"))
		return cli_plot(argc - 2, argv + 2);
	if (!strcmp(verb, "merge"))
		return cli_merge(argc - 2, argv + 2);
	if (!strcmp(verb, "verify"))
		return cli_verify(argc - 2, argv + 2);
	if (!strcmp(verb, "migrate"))
		return cli_migrate(argc - 2, argv + 2);
	return cli_usage_error("unknown verb '%s'", verb);
}
