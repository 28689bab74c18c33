/*
 * options.c — parsing the scenario verbs' options (see options.h).
 */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cli_parse_seed(const char *text, struct cli_options *opt)
{
	char *end;
	errno = 0;
	if (text[0] == '-' || text[0] == '\0')
		return cli_usage_error("--seed expects a non-negative integer, got '%s'", text);
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end != '\0')
		return cli_usage_error("--seed expects a non-negative integer, got '%s'", text);
	opt->overrides.has_seed = true;
	opt->overrides.seed = (uint64_t)v;
	return 0;
}

/* The value of option argv[*i], moving *i past it; NULL if missing. */
static const char *cli_option_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int cli_parse_one(int argc, char **argv, int *i, unsigned accepted,
			 struct cli_options *opt)
{
	const char *arg = argv[*i];
	const char *value;
	if (!strcmp(arg, "--set")) {
		if (!(value = cli_option_value(argc, argv, i)))
			return cli_usage_error("--set needs KEY=VALUE");
		if (opt->overrides.nsets == CLI_MAX_SETS)
			return cli_usage_error("more than %d --set options", CLI_MAX_SETS);
		opt->sets[opt->overrides.nsets++] = value;
	} else if (!strcmp(arg, "--seed")) {
		if (!(value = cli_option_value(argc, argv, i)))
			return cli_usage_error("--seed needs a value");
		return cli_parse_seed(value, opt);
	} else if (!strcmp(arg, "-o") && (accepted & OPT_OUTPUT)) {
		if (!(opt->output = cli_option_value(argc, argv, i)))
			return cli_usage_error("-o needs a database path");
	} else if (!strcmp(arg, "--quiet") && (accepted & OPT_QUIET)) {
		opt->quiet = true;
	} else if (!strcmp(arg, "--yaml") && (accepted & OPT_YAML)) {
		opt->yaml = true;
	} else if (arg[0] == '-' && arg[1] != '\0') {
		return cli_usage_error("unknown option '%s'", arg);
	} else if (opt->scenario) {
		return cli_usage_error("more than one scenario given: '%s'", arg);
	} else {
		opt->scenario = arg;
	}
	return 0;
}

int cli_parse_options(int argc, char **argv, unsigned accepted,
		      struct cli_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->overrides.sets = opt->sets;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_print_help(stdout);
			return -1;
		}
		int rc = cli_parse_one(argc, argv, &i, accepted, opt);
		if (rc)
			return rc;
	}
	if (!opt->scenario)
		return cli_usage_error("no scenario file given");
	return 0;
}
