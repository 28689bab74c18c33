/*
 * aoi.c — stamps per pair and their exact time sums (see aoi.h).
 */
#include "aoi.h"

#include <assert.h>
#include <stdlib.h>

asg_status aoi_init(struct aoi_tracker *t, long agents)
{
	t->agents = agents;
	t->pair = calloc((size_t)agents * (size_t)agents, sizeof *t->pair);
	return t->pair ? ASG_OK : ASG_ENOMEM;
}

void aoi_release(struct aoi_tracker *t)
{
	free(t->pair);
	t->pair = NULL;
}

/* Close p's segment at tick k: ticks since .. k-1 had stamp p->stamp. */
static void aoi_close(struct aoi_pair *p, uint64_t k)
{
	assert(k >= p->since && p->stamp <= p->since);
	if (k == p->since)
		return;
	p->stamp_sum += p->stamp * (k - p->since);
	uint64_t last_age = (k - 1) - p->stamp;
	if (last_age > p->max_age)
		p->max_age = last_age;
}

bool aoi_set(struct aoi_tracker *t, long i, long j, uint64_t stamp, uint64_t k)
{
	struct aoi_pair *p = &t->pair[i * t->agents + j];
	assert(stamp <= k);
	if (stamp == p->stamp)
		return false;
	aoi_close(p, k);
	p->stamp = stamp;
	p->since = k;
	return true;
}

uint64_t aoi_sum_age(const struct aoi_tracker *t, long i, long j, uint64_t n)
{
	struct aoi_pair p = t->pair[i * t->agents + j];
	aoi_close(&p, n);
	uint64_t ticks = n * (n - (n > 0)) / 2;   /* sum of k for k < n */
	return ticks - p.stamp_sum;
}

uint64_t aoi_max_age(const struct aoi_tracker *t, long i, long j, uint64_t n)
{
	struct aoi_pair p = t->pair[i * t->agents + j];
	aoi_close(&p, n);
	return p.max_age;
}
