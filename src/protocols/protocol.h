/*
 * protocol.h — the interface every protocol implements.
 *
 * A protocol decides what happens on each event of a run; the workers,
 * links, recording, evaluation and stopping belong to the simulation
 * (src/engine/sim.h) and are reached through its services.  One file per
 * protocol, opening with the algorithm and its source.
 *
 *   setup     allocate the protocol's state (s->proto_state) and schedule
 *             the first events; called once by sim_run, before the loop
 *   on_event  react to one event
 *   finish    free the state; called once, also after a failed setup
 */
#ifndef ASG_PROTOCOL_H
#define ASG_PROTOCOL_H

#include "../engine/sim.h"

struct protocol {
	const char *name;                                   /* as in scenarios */
	asg_status (*setup)(struct sim *s, struct diag *d);
	void (*on_event)(struct sim *s, const struct event *ev);
	void (*finish)(struct sim *s);
};

/* The protocol of a kind. */
const struct protocol *protocol_of(enum protocol_kind kind);

extern const struct protocol protocol_sync;
extern const struct protocol protocol_async;

#endif
