/*
 * cli.h — the verbs of the `asgdsim` command, one file each.
 *
 * Each verb takes the arguments after its name and returns the process
 * exit status: 0 success, 2 bad input (a message on stderr, located
 * "FILE:LINE:COL: message" for scenario errors, nothing written), 1 any
 * other failure (a message on stderr).
 */
#ifndef ASG_CLI_H
#define ASG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../common/diag.h"

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_bound(int argc, char **argv);
int cli_aoi(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_migrate(int argc, char **argv);

/* Print the diagnostic's message on stderr and return its exit status. */
int cli_fail(const struct diag *d);

/* Print "asgdsim: <message>" on stderr and return 2 (bad usage). */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The text of `asgdsim --help` (and of `asgdsim VERB --help`). */
void cli_print_help(FILE *out);

#endif
