/*
 * sweep.h — a scenario's `sweep:`, the cartesian grid of values its runs
 * cover.
 *
 *	sweep:
 *	  protocol.kind: [sync, async]
 *	  network.uplink: ["exponential(mean=0.01)", "exponential(mean=0.1)"]
 *
 * Each key is a key path (keypath.h) and each value a non-empty sequence.
 * Point p of the grid takes one value per key; points are numbered with
 * the last key varying fastest (here: sync/0.01, sync/0.1, async/0.01,
 * async/0.1).  A point is applied to a copy of the document like a --set,
 * each value keeping its place in the sweep for messages.
 *
 * Keys that vary together go under `zip`, a mapping (or a sequence of
 * mappings) of keys to sequences of one length; each mapping is one
 * dimension of the grid, at the place of `zip` among the keys, whose
 * value i takes the i-th value of every key in it:
 *
 *	sweep:
 *	  protocol.kind: [sync, async]
 *	  zip:
 *	    - {network.uplink: ["exponential(mean=0.01)", "exponential(mean=0.1)"],
 *	       network.downlink: ["exponential(mean=0.01)", "exponential(mean=0.1)"]}
 *
 * is 2 x 2 points: (sync, 0.01, 0.01), (sync, 0.1, 0.1), (async, ...).
 */
#ifndef ASG_SCENARIO_SWEEP_H
#define ASG_SCENARIO_SWEEP_H

#include <stddef.h>

#include "../common/diag.h"
#include "keypath.h"
#include "yaml.h"

struct sweep_axis {
	const struct yaml_node *values;  /* the sequence of values (in tree) */
	struct keypath path;             /* the key, parsed and checked */
	size_t dim;                      /* its dimension of the grid: the keys
	                                    of one zip share one */
};

struct sweep {
	struct yaml_node *tree;    /* the sweep mapping taken out of the
	                              document (owned), NULL without a sweep */
	struct sweep_axis *axes;   /* one per key, in file order (owned) */
	size_t naxes;              /* keys */
	size_t *dim_size;          /* values of each dimension (owned) */
	size_t ndims;              /* dimensions: keys, a zip counting once */
	size_t npoints;            /* product of the dimensions' sizes (1
	                              without a sweep) */
};

/* Take `sweep` out of root (a mapping) and check it: a mapping (or
 * nothing) of known keys to non-empty sequences, at most max_points points.
 * On error *sw is empty. */
asg_status sweep_init(struct sweep *sw, struct yaml_node *root,
		      size_t max_points, struct diag *d);

/* Apply the values of point p to doc (a copy of the document).  A null
 * value (~, null or nothing) for a key removes that key from doc, so that
 * a point can leave a key at its default: a zip over model.kind can give
 * model.hidden to the kinds that take it and null to the others. */
asg_status sweep_apply(const struct sweep *sw, size_t p,
		       struct yaml_node *doc, struct diag *d);

/* The values of point p as a JSON object keyed by the sweep keys as
 * written, e.g. {"protocol.kind":"sync","network.uplink":"..."}; "{}"
 * without a sweep.  malloc'd; NULL when out of memory. */
char *sweep_point_json(const struct sweep *sw, size_t p);

void sweep_release(struct sweep *sw);

#endif
