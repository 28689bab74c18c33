/*
 * value.h — one scalar of a scenario read as a typed value, with the
 * message for a value of the wrong type or out of range.
 *
 * Each reader takes the node, the dotted key it stands at (for messages,
 * e.g. "workers[0].count") and where to put the value; it returns ASG_OK or
 * records a message located at the node and returns ASG_EINPUT:
 *	expected an integer for 'workers[0].count', got 'ten'
 *	number out of range for 'seed': '99999999999999999999999'
 *	'workers[1].count' must be > 0, got -3
 * A scalar is read by its text, quoted or not.  Integers may be written
 * as decimal digits or as a number with an integral value (1e5).
 */
#ifndef ASG_SCENARIO_VALUE_H
#define ASG_SCENARIO_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "../engine/dist.h"
#include "scenario.h"
#include "yaml.h"

asg_status value_long(const struct yaml_node *n, const char *key, long *out,
		      struct diag *d);

/* Negative values are refused ("must be >= 0"). */
asg_status value_u64(const struct yaml_node *n, const char *key,
		     uint64_t *out, struct diag *d);

/* A finite number (strtod). */
asg_status value_double(const struct yaml_node *n, const char *key,
			double *out, struct diag *d);

/* true or false (also True, TRUE, False, FALSE). */
asg_status value_bool(const struct yaml_node *n, const char *key, bool *out,
		      struct diag *d);

/* A non-empty text that fits in size bytes with its NUL. */
asg_status value_string(const struct yaml_node *n, const char *key,
			char *buf, size_t size, struct diag *d);

/* One of `count` names; *out is its index.  `what` names the kind in the
 * message: "unknown protocol 'asynch', did you mean 'async'?". */
asg_status value_enum(const struct yaml_node *n, const char *key,
		      const char *what, const char *const *names, size_t count,
		      int *out, struct diag *d);

/* A distribution, `name(param=value, ...)` (dist.h), errors located at the
 * offending character; its values may not depend on the worker index. */
asg_status value_dist(const struct yaml_node *n, const char *key,
		      struct dist *out, struct diag *d);

/* The same, values that depend on the worker index i allowed (a worker
 * group's compute; validate_optim_fit checks them for every worker). */
asg_status value_dist_indexed(const struct yaml_node *n, const char *key,
			      struct dist *out, struct diag *d);

/* A stride: `every(N)` with N > 0, `none`, and with allow_all `all`.
 * *mode is RECORD_EVERY, RECORD_NONE or RECORD_ALL; *every is N or 0. */
asg_status value_stride(const struct yaml_node *n, const char *key,
			bool allow_all, enum record_updates *mode, long *every,
			struct diag *d);

/* A time window from the start: `none` (0), `all` (INFINITY) or
 * `until(T)` with T > 0 virtual seconds. */
asg_status value_until(const struct yaml_node *n, const char *key, double *out,
		       struct diag *d);

/* A step size: a number, `constant(a)` or `constant(value=a)`, a > 0. */
asg_status value_step(const struct yaml_node *n, const char *key, double *out,
		      struct diag *d);

/* Record "'KEY' must be BOUND, got TEXT" at n. */
asg_status value_out_of_range(const struct yaml_node *n, const char *key,
			      const char *bound, struct diag *d);

#endif
