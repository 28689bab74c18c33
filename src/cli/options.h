/*
 * options.h — the options shared by the verbs that read a scenario.
 *
 * Options may come before or after the scenario path.  Each verb says which
 * it accepts; any other is a usage error (exit 2).  The --set strings point
 * into argv.
 */
#ifndef ASG_CLI_OPTIONS_H
#define ASG_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../scenario/scenario.h"

enum cli_option_flag {
	OPT_OUTPUT = 1 << 0,  /* -o DB */
	OPT_QUIET = 1 << 1,   /* --quiet */
	OPT_YAML = 1 << 2,    /* --yaml */
};

#define CLI_MAX_SETS 256

struct cli_options {
	const char *scenario;                 /* the scenario file */
	const char *output;                   /* -o DB, or NULL */
	bool quiet;                           /* --quiet */
	bool yaml;                            /* --yaml */
	const char *sets[CLI_MAX_SETS];       /* --set KEY=VALUE, in order */
	struct scenario_overrides overrides;  /* sets and --seed for the loader */
};

/* Parse argv (after the verb).  Returns 0, or 2 after printing a usage
 * error.  --help prints the help and returns -1 (exit 0). */
int cli_parse_options(int argc, char **argv, unsigned accepted,
		      struct cli_options *opt);

#endif
