/*
 * link.c — FIFO transmission then a random latency (see link.h).
 */
#include "link.h"

#include "../engine/rng.h"

asg_status link_init(struct link *l, const struct dist *latency,
		     double bandwidth, uint64_t seed, uint64_t entity)
{
	l->latency = latency;
	nic_init(&l->tx, bandwidth);
	l->rng = rng_stream_alloc(seed, entity);
	return l->rng ? ASG_OK : ASG_ENOMEM;
}

void link_release(struct link *l)
{
	if (l->rng)
		gsl_rng_free(l->rng);
	l->rng = NULL;
}

double link_send(struct link *l, double now, double bytes)
{
	return nic_send(&l->tx, now, bytes) + dist_sample(l->latency, l->rng);
}
