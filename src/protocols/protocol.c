/*
 * protocol.c — the table from a scenario's protocol.kind to its protocol;
 * NULL for a kind this build does not simulate.
 */
#include "protocol.h"

#include <assert.h>
#include <stddef.h>

const struct protocol *protocol_of(enum protocol_kind kind)
{
	switch (kind) {
	case PROTOCOL_SYNC:
		return &protocol_sync;
	case PROTOCOL_ASYNC:
		return &protocol_async;
	case PROTOCOL_DASGD:
		return &protocol_dasgd;
	case PROTOCOL_BACKUP:
		return &protocol_backup;
	case PROTOCOL_HYBRID:
		return &protocol_hybrid;
	case PROTOCOL_SSP:
		return &protocol_ssp;
	case PROTOCOL_LOCAL:
		return &protocol_local;
	case PROTOCOL_ALLREDUCE:
		return &protocol_allreduce;
	case PROTOCOL_GOSSIP:
		return &protocol_gossip;
	case PROTOCOL_FEDAVG:
		return &protocol_fedavg;
	case PROTOCOL_FEDBUFF:
		return &protocol_fedbuff;
	case PROTOCOL_FEDASYNC:
		return &protocol_fedasync;
	case PROTOCOL_RENNALA:
		return &protocol_rennala;
	case PROTOCOL_RINGMASTER:
		return &protocol_ringmaster;
	default:
		return NULL;
	}
}

long protocol_gradients_per_tick(const struct scenario *sc)
{
	switch (sc->protocol.kind) {
	case PROTOCOL_SYNC:     /* fewer with failures and a timeout */
		for (size_t g = 0; g < sc->ngroups; g++)
			if (sc->groups[g].has_failures)
				return 0;
		return sc->nworkers;
	case PROTOCOL_ALLREDUCE:
		return sc->nworkers;
	case PROTOCOL_BACKUP:
		return sc->nworkers - sc->protocol.backups;
	case PROTOCOL_LOCAL:
		return sc->nworkers * sc->protocol.period;
	case PROTOCOL_HYBRID:   /* a constant K, else it varies */
		if (sc->protocol.threshold.linear || sc->protocol.threshold.nsteps != 1)
			return 0;
		return sc->protocol.threshold.k[0];
	case PROTOCOL_SSP:
	case PROTOCOL_ASYNC:
	case PROTOCOL_DASGD:
	case PROTOCOL_GOSSIP:
	case PROTOCOL_FEDASYNC:
		return 1;
	case PROTOCOL_FEDBUFF:
		return sc->protocol.buffer;
	case PROTOCOL_RENNALA:
		return sc->protocol.gather;
	case PROTOCOL_RINGMASTER:
		return 1;
	case PROTOCOL_FEDAVG:   /* C clients a round, unless some may be dropped or away */
		if (sc->protocol.deadline > 0 || sc->protocol.has_availability)
			return 0;
		return sc->protocol.clients_per_round ? sc->protocol.clients_per_round
						      : sc->nworkers;
	default:
		return 0;
	}
}
