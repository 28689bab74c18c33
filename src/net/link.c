/*
 * link.c — FIFO transmission then a random latency (see link.h).
 */
#include "link.h"

#include "../engine/rng.h"

asg_status link_init(struct link *l, const struct dist *latency,
		     double bandwidth, uint64_t seed, uint64_t entity)
{
	l->latency = latency;
	l->bandwidth = bandwidth;
	l->free_at = 0.0;
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
	double depart = now > l->free_at ? now : l->free_at;
	double transmit = l->bandwidth > 0.0 ? bytes / l->bandwidth : 0.0;
	l->free_at = depart + transmit;
	return l->free_at + dist_sample(l->latency, l->rng);
}
