/*
 * plot.c — `asgdsim plot DB [KIND]... [-o DIR] [--format png|pdf|svg]
 * [--runs FILTER] [--x time|ticks]`: the figures of a results database
 * (src/plot/plot.h makes them).
 *
 * Options may come before or after the database and the kinds.  An unknown
 * kind, format, axis or option is a usage error (exit 2, nothing written).
 */
#include <stdio.h>
#include <string.h>

#include "../common/suggest.h"
#include "../plot/plot.h"
#include "cli.h"

/* "unknown plot kind 'x'", with the closest kind if one is close. */
static int cli_plot_bad_kind(const char *name)
{
	const char *kinds[PLOT_KINDS];
	for (int k = 0; k < PLOT_KINDS; k++)
		kinds[k] = plot_kind_name((enum plot_kind)k);
	const char *near = suggest_closest(name, kinds, PLOT_KINDS);
	if (near)
		return cli_usage_error("unknown plot kind '%s'; did you mean '%s'?",
				       name, near);
	return cli_usage_error("unknown plot kind '%s' (kinds: loss, gradnorm,"
			       " staleness, aoi, kappa, bound, timeline)", name);
}

/* The option at argv[*i] and its value; 0, or 2 after a usage error. */
static int cli_plot_option(int argc, char **argv, int *i,
			   struct plot_options *o)
{
	const char *arg = argv[*i];
	if (strcmp(arg, "-o") && strcmp(arg, "--format") && strcmp(arg, "--runs") &&
	    strcmp(arg, "--x"))
		return cli_usage_error("unknown option '%s'", arg);
	if (*i + 1 >= argc)
		return cli_usage_error("%s needs a value", arg);
	const char *v = argv[++*i];
	if (!strcmp(arg, "-o"))
		o->out_dir = v;
	else if (!strcmp(arg, "--runs"))
		o->runs = v;
	else if (!strcmp(arg, "--format") && !plot_format_parse(v, &o->format))
		return cli_usage_error("unknown format '%s' (png, pdf or svg)", v);
	else if (!strcmp(arg, "--x") && !plot_axis_parse(v, &o->x))
		return cli_usage_error("--x expects time or ticks, got '%s'", v);
	return 0;
}

int cli_plot(int argc, char **argv)
{
	struct plot_options o = { .format = PLOT_PNG, .x = PLOT_X_TIME };
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			cli_print_help(stdout);
			return 0;
		}
		int rc;
		enum plot_kind k;
		if (arg[0] == '-' && arg[1] != '\0') {
			if ((rc = cli_plot_option(argc, argv, &i, &o)))
				return rc;
		} else if (!o.db_path) {
			o.db_path = arg;
		} else if (plot_kind_parse(arg, &k)) {
			o.kinds |= 1u << k;
		} else {
			return cli_plot_bad_kind(arg);
		}
	}
	if (!o.db_path)
		return cli_usage_error("plot needs a database path");
	if (o.out_dir && !*o.out_dir)
		return cli_usage_error("-o needs a directory");
	struct diag d;
	diag_init(&d);
	if (plot_make(&o, stdout, stderr, &d) != ASG_OK)
		return cli_fail(&d);
	return 0;
}
