/*
 * link.c — FIFO transmission then a random latency (see link.h).
 */
#include "link.h"

void link_init(struct link *l, const struct dist *latency, double bandwidth,
	       uint64_t seed, uint64_t entity)
{
	l->latency = latency;
	nic_init(&l->tx, bandwidth);
	rng_stream_init(&l->rng, seed, entity);
}

double link_send(struct link *l, double now, double bytes)
{
	gsl_rng gen = rng_stream_gen(&l->rng);
	return nic_send(&l->tx, now, bytes) + dist_sample(l->latency, &gen);
}
