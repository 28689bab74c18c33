/*
 * fuzz_scenario.c — libFuzzer harness for the scenario loader: any bytes
 * as a scenario file go through scenario_plan_load (YAML parsing,
 * overrides, sweep expansion, validation) and must load or be refused with
 * a located message, never crash, leak or read out of bounds.
 *
 * The bytes reach the loader as a file (a memfd, named by its
 * /proc/self/fd path), the way the command line gives a scenario.  A
 * refused input's message must start with that path ("FILE:LINE:COL: ..."
 * or "FILE: ..."), else the harness aborts: a message without a location
 * is a bug too.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/engine/mixture.h"
#include "../../src/scenario/scenario.h"

static int fuzz_fd = -1;
static char fuzz_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_fd < 0) {
		fuzz_fd = memfd_create("scenario", 0);
		if (fuzz_fd < 0)
			abort();
		snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fuzz_fd);
	}
	if (ftruncate(fuzz_fd, 0) != 0 || pwrite(fuzz_fd, data, size, 0) != (ssize_t)size)
		abort();
	struct scenario_overrides none = { 0 };
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	if (scenario_plan_load(fuzz_path, &none, &plan, &d) == ASG_OK) {
		scenario_plan_release(&plan);
	} else if (d.status == ASG_EINPUT &&
		   strncmp(d.text, fuzz_path, strlen(fuzz_path)) != 0) {
		fprintf(stderr, "message without the file's location: %s\n", d.text);
		abort();
	}
	mixture_release_all();   /* the mixtures of this input's distributions */
	return 0;
}
