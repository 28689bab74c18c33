/*
 * link.h — a one-way network link: latency, bandwidth, first in first out.
 *
 * A message of S bytes handed to a link at time t leaves when the link is
 * free (the link sends one message at a time, in the order they were
 * handed over: its transmitter is a FIFO interface, nic.h), takes
 * S / bandwidth seconds to transmit, then travels for a latency drawn from
 * the link's own distribution and RNG stream:
 *     depart  = max(t, free_at)
 *     free_at = depart + S / bandwidth          (bandwidth 0 = infinite)
 *     arrive  = free_at + latency
 * Latencies are drawn per message, so a later message may arrive before an
 * earlier one when latencies vary; the transmission order is FIFO.
 */
#ifndef ASG_LINK_H
#define ASG_LINK_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "../engine/dist.h"
#include "../engine/rng.h"
#include "nic.h"

struct link {
	const struct dist *latency;  /* latency distribution (not owned) */
	struct rng_stream rng;       /* this link's own stream */
	struct nic tx;               /* its transmitter: bandwidth, FIFO */
};

/* Set up a link; its RNG stream comes from (seed, entity).  A link owns
 * no memory: nothing to release. */
void link_init(struct link *l, const struct dist *latency, double bandwidth,
	       uint64_t seed, uint64_t entity);

/* Hand a message of `bytes` to the link at time `now`; returns its arrival
 * time at the other end. */
double link_send(struct link *l, double now, double bytes);

#endif
