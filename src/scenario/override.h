/*
 * override.h — changing a scenario's tree at a key path: the --set
 * arguments of the command line and the values of a sweep point.
 *
 * A path leads from the top-level mapping through keys and sequence
 * indices.  A key missing from a mapping is added (an inner one as an
 * empty mapping), so that any key of the table can be set; an index must
 * name an existing item.  The value replaces whatever was there and keeps
 * its own place for messages: "--set:I:COL" for a --set value, its place in
 * the sweep sequence for a sweep value.
 */
#ifndef ASG_SCENARIO_OVERRIDE_H
#define ASG_SCENARIO_OVERRIDE_H

#include <stddef.h>

#include "../common/diag.h"
#include "keypath.h"
#include "yaml.h"

/* Put `value` at path p (checked with keypath_check) under root, a
 * mapping.  Takes value (freed on error). */
asg_status override_apply(struct yaml_node *root, const struct keypath *p,
			  struct yaml_node *value, struct diag *d);

/* Remove the key at path p (whose last step is a key) when it is there;
 * nothing happens when a step on the way is missing. */
void override_remove(struct yaml_node *root, const struct keypath *p);

/* Apply "KEY=VALUE" arguments in order; VALUE is read as YAML (a scalar or
 * a flow collection, e.g. "[1, 2]", "{count: 5}"); a null VALUE (~, null
 * or nothing) removes KEY, so that its default holds.  Argument i is located
 * as "--set:i+1:COL", COL the column inside "KEY=VALUE". */
asg_status override_apply_sets(struct yaml_node *root, const char *const *sets,
			       size_t nsets, struct diag *d);

#endif
