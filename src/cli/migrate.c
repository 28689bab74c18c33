/*
 * migrate.c — `asgdsim migrate DB`: bring a database of an older schema
 * version to this one, when only tables and columns were added since
 * (src/record/schema.h); a database already of this version is left as it
 * is.  Exit 0 when DB is of this version afterwards, 1 otherwise.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../record/recorder.h"
#include "cli.h"

int cli_migrate(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "--help")) {
		cli_print_help(stdout);
		return 0;
	}
	if (argc != 1 || argv[0][0] == '-')
		return cli_usage_error("migrate expects one database");
	struct diag d;
	diag_init(&d);
	if (access(argv[0], F_OK) != 0) {
		diag_set(&d, ASG_EIO, "cannot open '%s': %s", argv[0], strerror(errno));
		return cli_fail(&d);
	}
	struct recorder *r = recorder_open(argv[0], &d);
	if (!r)
		return cli_fail(&d);
	recorder_close(r);
	printf("%s: schema version %d\n", argv[0], RECORDER_SCHEMA_VERSION);
	return 0;
}
