/*
 * path_room.h — room for the data files' paths of the configs a test
 * builds: a data_config holds pointers (scenario.h), and a test writes a
 * path into a slot with path_room(&cfg.path).  A slot gets one of a few
 * static buffers the first time; a test holds at most 8 paths at once.
 */
#ifndef ASG_TEST_PATH_ROOM_H
#define ASG_TEST_PATH_ROOM_H

#include <stddef.h>

#include "src/scenario/scenario.h"

#define PATH_ROOM_SLOTS 8

static inline char *path_room(char **slot)
{
	static char store[PATH_ROOM_SLOTS][SCENARIO_PATH_MAX];
	static size_t next;
	if (!*slot)
		*slot = store[next++ % PATH_ROOM_SLOTS];
	return *slot;
}

#endif
