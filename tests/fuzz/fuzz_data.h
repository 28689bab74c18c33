/*
 * fuzz_data.h — what the data-file harnesses share: bytes into a file the
 * readers can open (a memfd, named by its /proc/self/fd path), and the
 * check that a refused file's message is located at that file.
 */
#ifndef ASG_FUZZ_DATA_H
#define ASG_FUZZ_DATA_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/data/dataset.h"

/* A memfd holding exactly data[0 .. size), its path in path[64]. */
static inline void fuzz_file(int *fd, char *path, const uint8_t *data, size_t size)
{
	if (*fd < 0) {
		*fd = memfd_create("fuzz", 0);
		if (*fd < 0)
			abort();
		snprintf(path, 64, "/proc/self/fd/%d", *fd);
	}
	if (ftruncate(*fd, 0) != 0 ||
	    (size && pwrite(*fd, data, size, 0) != (ssize_t)size))
		abort();
}

/* Load cfg; a refusal must be ASG_EINPUT located at one of the files. */
static inline void fuzz_load(const struct data_config *cfg, enum data_task task)
{
	struct dataset ds;
	struct diag d;
	diag_init(&d);
	if (dataset_load(cfg, task, 1, &ds, &d) == ASG_OK) {
		dataset_release(&ds);
		return;
	}
	if (d.status == ASG_ENOMEM)
		return;
	if (d.status != ASG_EINPUT || strncmp(d.text, "/proc/self/fd/", 14) != 0) {
		fprintf(stderr, "refused without a location (status %d): %s\n",
			(int)d.status, d.text);
		abort();
	}
}

#endif
