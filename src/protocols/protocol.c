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
	default:
		return NULL;
	}
}

long protocol_gradients_per_tick(const struct scenario *sc)
{
	switch (sc->protocol.kind) {
	case PROTOCOL_SYNC:
		return sc->nworkers;
	case PROTOCOL_ASYNC:
	case PROTOCOL_DASGD:
		return 1;
	default:
		return 0;
	}
}
