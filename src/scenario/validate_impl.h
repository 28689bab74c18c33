/*
 * validate_impl.h — what the files of the scenario validator share
 * (validate.c, validate_model.c, validate_data.c) and nobody else uses.
 *
 * Each section of a scenario is read by one function; these helpers give
 * every section the same messages for unknown keys, missing keys and
 * out-of-range optional values.
 */
#ifndef ASG_SCENARIO_VALIDATE_IMPL_H
#define ASG_SCENARIO_VALIDATE_IMPL_H

#include <stdbool.h>

#include "keys.h"
#include "validate.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The table of keys of the top-level section `key` ("model", "data"). */
const struct keys_section *validate_section_of(const char *key);

/* n is a mapping whose keys are all in s; key names n in messages. */
asg_status validate_keys(const struct yaml_node *n, const char *key,
			 const struct keys_section *s, struct diag *d);

/* "missing key 'key' in 'parent'", located at map. */
asg_status validate_missing(const struct yaml_node *map, const char *key,
			    const char *parent, struct diag *d);

/* The optional key `full` ("data.samples") of map, read into *out when
 * present and checked to be >= min ("bound" says so in the message). */
asg_status validate_opt_long(const struct yaml_node *map, const char *full,
			     long *out, long min, const char *bound,
			     struct diag *d);

/* The same for a number in [lo, hi), or [lo, hi] with closed. */
asg_status validate_opt_double(const struct yaml_node *map, const char *full,
			       double *out, double lo, double hi, bool closed,
			       const char *bound, struct diag *d);

/* The sections: model (validate_model.c) and data (validate_data.c).
 * `path` is the scenario file, against which data paths are resolved. */
asg_status validate_model(const struct yaml_node *root,
			  struct model_config *model, struct diag *d);
asg_status validate_data(const struct yaml_node *root, const char *path,
			 struct data_config *data, struct diag *d);

/* The keys of backup, hybrid, ssp and local (validate_rounds.c): read from
 * the protocol mapping n once proto->kind is known; then, once the
 * workers are known, the checks against their number. */
asg_status validate_rounds(const struct yaml_node *n,
			   struct protocol_config *proto, struct diag *d);
asg_status validate_rounds_fit(const struct yaml_node *root,
			       struct scenario *sc, struct diag *d);

/* The keys of gossip, fedavg, fedbuff and fedasync (validate_peer.c), in
 * the same two steps. */
asg_status validate_peer(const struct yaml_node *n,
			 struct protocol_config *proto, struct diag *d);
asg_status validate_peer_fit(const struct yaml_node *root,
			     struct scenario *sc, struct diag *d);

/* The step policy, momentum and DC-ASGD keys, and those of rennala and
 * ringmaster (validate_optim.c), in the same two steps; protocol.step by
 * validate_step.  validate_optim_fit also checks every worker group's
 * compute distribution at each of its workers' indices. */
asg_status validate_optim(const struct yaml_node *n,
			  struct protocol_config *proto, struct diag *d);
asg_status validate_step(const struct yaml_node *step,
			 struct protocol_config *proto, struct diag *d);
asg_status validate_optim_fit(const struct yaml_node *root,
			      struct scenario *sc, struct diag *d);

/* dasgd's protocol.schedule (validate_net.c), from the protocol mapping n;
 * then, once the workers and the network are read, network.server_bandwidth,
 * the groups' links, and the schedule against the model. */
asg_status validate_schedule(const struct yaml_node *n,
			     struct protocol_config *proto, struct diag *d);
asg_status validate_net(const struct yaml_node *root, struct scenario *sc,
			struct diag *d);

/* workers[g].slowdown, workers[g].failures and protocol.timeout
 * (validate_hetero.c), once the workers are known. */
asg_status validate_hetero(const struct yaml_node *root, struct scenario *sc,
			   struct diag *d);

#endif
