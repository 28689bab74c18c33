/*
 * validate_net.c — the keys of the shared server link, of per-group links
 * and of dasgd's communication schedule (docs/scenarios.md), read
 * into struct scenario.
 *
 *   key                          protocols              value
 *   network.server_bandwidth     parameter servers      bytes/s >= 0, 0 = infinite
 *   workers[g].uplink            all but dasgd, gossip, a latency distribution
 *   workers[g].downlink          allreduce              (default the network's)
 *   workers[g].bandwidth         all but gossip,        bytes/s >= 0 (default
 *                                allreduce              network.bandwidth)
 *   protocol.schedule.policy     dasgd                  round_robin | random |
 *                                                       max_age | max_weighted_age |
 *                                                       whittle
 *   protocol.schedule.budget     dasgd                  > 0 (per time), or an
 *                                                       integer >= 1 (per in_flight)
 *   protocol.schedule.per        dasgd                  time (default) | in_flight
 *
 * The parameter servers are the protocols whose messages go through
 * sim_send_params / sim_send_gradient: sync, async, backup, hybrid, ssp,
 * local, rennala, ringmaster.  max_weighted_age and whittle need the couplings L^{ij},
 * so a quadratic or logreg model.  A key given where it has no effect is
 * refused.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "validate_impl.h"
#include "value.h"

static const char *const schedule_names[] = {
	"none", "round_robin", "random", "max_age", "max_weighted_age", "whittle",
};
static const char *const per_names[] = { "time", "in_flight" };

/* Whether a protocol's messages go through the server's NIC. */
static bool net_has_server(enum protocol_kind kind)
{
	switch (kind) {
	case PROTOCOL_DASGD:
	case PROTOCOL_GOSSIP:
	case PROTOCOL_ALLREDUCE:
	case PROTOCOL_FEDAVG:
	case PROTOCOL_FEDBUFF:
	case PROTOCOL_FEDASYNC:
		return false;
	default:
		return true;
	}
}

/* Whether the protocol uses each worker's own up and down links. */
static bool net_has_worker_links(enum protocol_kind kind)
{
	return kind != PROTOCOL_DASGD && kind != PROTOCOL_GOSSIP &&
	       kind != PROTOCOL_ALLREDUCE;
}

/* protocol.schedule.budget: > 0 per time, an integer >= 1 in flight. */
static asg_status net_budget(const struct yaml_node *v,
			     struct protocol_config *proto, struct diag *d)
{
	const char *key = "protocol.schedule.budget";
	if (proto->schedule_in_flight) {
		long b;
		asg_status s = value_long(v, key, &b, d);
		if (s != ASG_OK)
			return s;
		if (b < 1)
			return value_out_of_range(v, key, "an integer >= 1 with per: in_flight", d);
		proto->schedule_budget = (double)b;
		return ASG_OK;
	}
	asg_status s = value_double(v, key, &proto->schedule_budget, d);
	if (s == ASG_OK && !(proto->schedule_budget > 0))
		return value_out_of_range(v, key, "> 0", d);
	return s;
}

asg_status validate_schedule(const struct yaml_node *n,
			     struct protocol_config *proto, struct diag *d)
{
	const char *key = "protocol.schedule";
	const struct yaml_node *sched = yaml_get(n, "schedule");
	const struct yaml_node *v;
	int policy = SCHEDULE_NONE, per = 0;
	asg_status s;

	proto->schedule = SCHEDULE_NONE;
	proto->schedule_budget = 0;
	proto->schedule_in_flight = false;
	if (!sched)
		return ASG_OK;
	if (proto->kind != PROTOCOL_DASGD)
		return yaml_fail(d, sched, "'%s' applies only to protocol dasgd", key);
	const struct keys_key *k = keys_find(validate_section_of("protocol"),
					     "schedule", strlen("schedule"));
	if ((s = validate_keys(sched, key, k->child, d)))
		return s;
	if (!(v = yaml_get(sched, "policy")))
		return validate_missing(sched, "policy", key, d);
	if ((s = value_enum(v, "protocol.schedule.policy", "schedule policy",
			    schedule_names, NELEM(schedule_names), &policy, d)))
		return s;
	proto->schedule = (enum schedule_policy)policy;
	if ((v = yaml_get(sched, "per")) &&
	    (s = value_enum(v, "protocol.schedule.per", "budget unit", per_names,
			    NELEM(per_names), &per, d)))
		return s;
	proto->schedule_in_flight = per == 1;
	v = yaml_get(sched, "budget");
	if (proto->schedule == SCHEDULE_NONE) {
		if (v || yaml_get(sched, "per"))
			return yaml_fail(d, v ? v : yaml_get(sched, "per"),
					 "'%s' policy none takes no budget", key);
		return ASG_OK;
	}
	if (!v)
		return validate_missing(sched, "budget", key, d);
	if (yaml_get(n, "send_every"))
		return yaml_fail(d, yaml_get(n, "send_every"),
				 "'protocol.send_every' does not apply with a "
				 "schedule: the schedule decides the messages");
	return net_budget(v, proto, d);
}

/* workers[g].uplink, .downlink, .bandwidth over the network's. */
static asg_status net_group(const struct yaml_node *item, size_t g,
			    struct scenario *sc, struct diag *d)
{
	struct worker_group *grp = &sc->groups[g];
	enum protocol_kind kind = sc->protocol.kind;
	static const char *const lat[] = { "uplink", "downlink" };
	struct dist *out[] = { &grp->uplink, &grp->downlink };
	char key[96];
	asg_status s;

	grp->uplink = sc->network.uplink;
	grp->downlink = sc->network.downlink;
	grp->bandwidth = sc->network.bandwidth;
	for (size_t i = 0; i < 2; i++) {
		const struct yaml_node *v = yaml_get(item, lat[i]);
		snprintf(key, sizeof key, "workers[%zu].%s", g, lat[i]);
		if (!v)
			continue;
		if (!net_has_worker_links(kind))
			return yaml_fail(d, v, "'%s' does not apply to protocol %s: its "
					 "agents have no link to a server", key,
					 scenario_protocol_name(kind));
		if ((s = value_dist(v, key, out[i], d)))
			return s;
	}
	const struct yaml_node *bw = yaml_get(item, "bandwidth");
	snprintf(key, sizeof key, "workers[%zu].bandwidth", g);
	if (bw && (kind == PROTOCOL_GOSSIP || kind == PROTOCOL_ALLREDUCE))
		return yaml_fail(d, bw, "'%s' does not apply to protocol %s", key,
				 scenario_protocol_name(kind));
	return validate_opt_double(item, key, &grp->bandwidth, 0, INFINITY, false,
				   ">= 0", d);
}

asg_status validate_net(const struct yaml_node *root, struct scenario *sc,
			struct diag *d)
{
	const struct yaml_node *net = yaml_get(root, "network");
	const struct yaml_node *workers = yaml_get(root, "workers");
	const struct yaml_node *v = net ? yaml_get(net, "server_bandwidth") : NULL;
	asg_status s;

	sc->network.server_bandwidth = 0;
	if (v && !net_has_server(sc->protocol.kind))
		return yaml_fail(d, v, "'network.server_bandwidth' applies only to "
				 "parameter-server protocols (sync, async, backup, "
				 "hybrid, ssp, local, rennala, ringmaster), not %s",
				 scenario_protocol_name(sc->protocol.kind));
	if (v && (s = validate_opt_double(net, "network.server_bandwidth",
					  &sc->network.server_bandwidth, 0,
					  INFINITY, false, ">= 0", d)))
		return s;
	for (size_t g = 0; g < sc->ngroups; g++)
		if ((s = net_group(yaml_item_at(workers, g), g, sc, d)))
			return s;
	bool weighted = sc->protocol.schedule == SCHEDULE_MAX_WEIGHTED_AGE ||
			sc->protocol.schedule == SCHEDULE_WHITTLE;
	if (weighted && sc->model.kind != MODEL_QUADRATIC && sc->model.kind != MODEL_LOGREG) {
		const struct yaml_node *p = yaml_get(yaml_get(root, "protocol"), "schedule");
		return yaml_fail(d, yaml_get(p, "policy"), "schedule policy %s "
				 "needs the couplings L^ij: model quadratic or "
				 "logreg, not %s", schedule_names[sc->protocol.schedule],
				 scenario_model_name(sc->model.kind));
	}
	return ASG_OK;
}
