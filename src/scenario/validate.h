/*
 * validate.h — one run's scenario tree into a typed struct scenario.
 *
 * Every key is checked against the table of keys (keys.h) and its value
 * against its type and range; defaults fill what is not written
 * (scenario.h).  The first error is reported, located at the node that
 * causes it: the key of an unknown key, the value of a wrong one, the
 * mapping that lacks a required key, the character inside a distribution.
 * Order of checking: unknown keys of the top level, then each section in
 * the order of scenario.h, each section's unknown keys first.
 */
#ifndef ASG_SCENARIO_VALIDATE_H
#define ASG_SCENARIO_VALIDATE_H

#include "../common/diag.h"
#include "scenario.h"
#include "yaml.h"

/* Fill *sc from root (a mapping without `sweep`).  `path` is the scenario
 * file as given: the default name is its base name, and a relative
 * data.path is read from its directory (sc->data.path is then the file's
 * absolute path).  sc->seed is the document's seed (default 1).  On error
 * *sc holds nothing to release. */
asg_status validate_scenario(const struct yaml_node *root, const char *path,
			     struct scenario *sc, struct diag *d);

/* The document's replications (default 1), checked. */
asg_status validate_replications(const struct yaml_node *root, long *out,
				 struct diag *d);

/* Free what a validated scenario owns (its worker groups). */
void validate_release(struct scenario *sc);

#endif
