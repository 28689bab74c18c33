/*
 * keypath.h — a dotted key path into a scenario, as written after --set and
 * as a sweep key: `protocol.kind`, `workers[0].count`, `network.uplink`.
 *
 *	path := name {'.' name | '[' digits ']'}
 *
 * A name is any run of characters other than '.', '[' and ']'.  Under
 * `sweep` the rest of the path is one key, dots included
 * (`sweep.protocol.kind` is the sweep key `protocol.kind`).  A path is
 * parsed, then checked against the table of keys (keys.h); errors are
 * located at the step that causes them.
 */
#ifndef ASG_SCENARIO_KEYPATH_H
#define ASG_SCENARIO_KEYPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/diag.h"
#include "yaml.h"

#define KEYPATH_MAX 16

struct keypath_step {
	const char *name;   /* a key: its first character in the path text
	                       (not NUL-terminated); NULL for an index */
	size_t len;         /* a key: its length in bytes */
	size_t index;       /* an index: its value */
	size_t offset;      /* bytes from the path's start to the step (a key's
	                       first character, an index's '[') */
};

struct keypath {
	const char *text;   /* the path as written (not owned) */
	size_t len;         /* its length in bytes */
	struct keypath_step steps[KEYPATH_MAX]; /* the steps, outermost first */
	size_t n;           /* steps used */
	struct yaml_mark at; /* the place of the path's first character */
};

/* Parse the `len` bytes of `text`, written at `at`. */
asg_status keypath_parse(const char *text, size_t len,
			 const struct yaml_mark *at, struct keypath *p,
			 struct diag *d);

/* Check the path against the table of keys: each key exists where it
 * stands, indices follow sequences only, a value has no keys under it.
 * With `sweep`, keys that cannot vary between the points of a sweep
 * (sweep, replications) are refused. */
asg_status keypath_check(struct keypath *p, bool sweep, struct diag *d);

/* The place of step i (for messages). */
struct yaml_mark keypath_mark(const struct keypath *p, size_t i);

#endif
