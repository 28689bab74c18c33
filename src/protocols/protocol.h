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
 *   end       (optional) write the protocol's own summaries when the loop
 *             has ended, before the run's summary is committed
 *   finish    free the state; called once, also after a failed setup
 */
#ifndef ASG_PROTOCOL_H
#define ASG_PROTOCOL_H

#include "../engine/sim.h"

struct protocol {
	const char *name;                                   /* as in scenarios */
	asg_status (*setup)(struct sim *s, struct diag *d);
	void (*on_event)(struct sim *s, const struct event *ev);
	void (*end)(struct sim *s);
	void (*finish)(struct sim *s);
};

/* The protocol of a kind. */
const struct protocol *protocol_of(enum protocol_kind kind);

/* The number of gradients the scenario's protocol applies at every tick,
 * or 0 when it varies (for `asgdsim verify`). */
long protocol_gradients_per_tick(const struct scenario *sc);

extern const struct protocol protocol_sync;
extern const struct protocol protocol_async;
extern const struct protocol protocol_dasgd;
extern const struct protocol protocol_backup;
extern const struct protocol protocol_hybrid;
extern const struct protocol protocol_ssp;
extern const struct protocol protocol_local;
extern const struct protocol protocol_allreduce;
extern const struct protocol protocol_gossip;
extern const struct protocol protocol_fedavg;
extern const struct protocol protocol_fedbuff;
extern const struct protocol protocol_fedasync;
extern const struct protocol protocol_rennala;
extern const struct protocol protocol_ringmaster;

/* The stamps of agent i's copy of block j in its current snapshot and in
 * its view, during or after a dasgd run (for tests: the snapshot is never
 * newer than the view). */
void dasgd_stamps(const struct sim *s, long i, long j, uint64_t *snapshot,
		  uint64_t *view);

/* The round of agent i during or after a gossip run with metropolis
 * mixing (for tests: with step 0 its model is row i of W^round X^0). */
uint64_t gossip_round(const struct sim *s, long i);

#endif
