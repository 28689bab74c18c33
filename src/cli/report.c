/*
 * report.c — `asgdsim report DB`: the key figures of every run of a
 * database (src/record/report.c prints them).
 */
#include <stdio.h>
#include <string.h>

#include "../record/report.h"
#include "cli.h"

int cli_report(int argc, char **argv)
{
	if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		cli_print_help(stdout);
		return 0;
	}
	if (argc != 1)
		return cli_usage_error("report takes one database path");
	struct diag d;
	diag_init(&d);
	if (report_print(argv[0], stdout, &d) != ASG_OK)
		return cli_fail(&d);
	return 0;
}
