/*
 * bare_heap.c — the physical limit for the event engine: the asynchronous
 * parameter server, timing only, as a bare C loop over a binary heap with
 * the same samplers and generator as asgdsim, no protocol indirection, no
 * recording.
 *
 *   usage: bare_heap WORKERS UPDATES
 *   prints: updates, seconds, updates/s, mean staleness (must be ~ D - 1)
 *
 * Model: lognormal(mu=0, sigma=0.5) compute, exponential(mean=0.1) up- and
 * downlinks, one stream per worker and per link.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_randist.h>

#include "src/engine/rng.h"

struct ev {
	double t;        /* due time */
	uint64_t seq;    /* tie breaker */
	uint32_t who;    /* worker */
	uint32_t phase;  /* 0 params arrive, 1 compute done, 2 gradient arrives */
};

static struct ev *heap;
static size_t n;
static uint64_t seq;

static int before(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(double t, uint32_t who, uint32_t phase)
{
	struct ev e = { t, seq++, who, phase };
	size_t i = n++;
	while (i > 0 && before(&e, &heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = e;
}

static struct ev pop(void)
{
	struct ev top = heap[0], last = heap[--n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&heap[c + 1], &heap[c]))
			c++;
		if (!before(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bare_heap WORKERS UPDATES\n");
		return 2;
	}
	uint32_t D = (uint32_t)strtoul(argv[1], NULL, 10);
	uint64_t limit = strtoull(argv[2], NULL, 10);
	heap = malloc(2 * (size_t)D * sizeof *heap + 16);
	gsl_rng **cr = malloc(D * sizeof *cr), **ur = malloc(D * sizeof *ur),
		**dr = malloc(D * sizeof *dr);
	uint64_t *version = calloc(D, sizeof *version);
	for (uint32_t i = 0; i < D; i++) {
		cr[i] = rng_stream_alloc(1, rng_entity(RNG_WORKER, i));
		ur[i] = rng_stream_alloc(1, rng_entity(RNG_UPLINK, i));
		dr[i] = rng_stream_alloc(1, rng_entity(RNG_DOWNLINK, i));
		push(gsl_ran_exponential(dr[i], 0.1), i, 0);
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint64_t k = 0;
	double stale = 0;
	while (k < limit) {
		struct ev e = pop();
		uint32_t i = e.who;
		switch (e.phase) {
		case 0:
			push(e.t + gsl_ran_lognormal(cr[i], 0.0, 0.5), i, 1);
			break;
		case 1:
			push(e.t + gsl_ran_exponential(ur[i], 0.1), i, 2);
			break;
		default:
			stale += (double)(k - version[i]);
			k++;
			version[i] = k;
			push(e.t + gsl_ran_exponential(dr[i], 0.1), i, 0);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
	printf("updates %llu seconds %.3f updates_per_s %.0f mean_staleness %.3f\n",
	       (unsigned long long)k, s, (double)k / s, stale / (double)k);
	return 0;
}
