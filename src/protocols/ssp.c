/*
 * ssp.c — stale synchronous parallel parameter server.
 *
 * Source: Q. Ho, J. Cipar, H. Cui, J. K. Kim, S. Lee, P. B. Gibbons,
 * G. A. Gibson, G. R. Ganger, E. P. Xing, "More Effective Distributed ML
 * via a Stale Synchronous Parallel Parameter Server", NIPS 2013.
 *
 *   clock c_i = the gradients of worker i applied so far; s = protocol.bound
 *   server:   x <- x_0, k <- 0; send (x, k) to every worker
 *             on a gradient g from worker i:
 *                 x <- x - alpha * g          (one tick: k <- k + 1)
 *                 c_i <- c_i + 1
 *                 if c_i <= min_j c_j + s: send (x, k) to worker i
 *                 else hold worker i until min_j c_j >= c_i - s, then
 *                      send it the x of that moment
 *   worker i: on (x_v, v): g <- grad F(x_v; minibatch); send g
 *
 * So a worker works on iteration c_i + 1 only while c_i + 1 <= (c_min + 1)
 * + s: no worker is more than s iterations ahead of the slowest one's
 * current iteration, and the clocks always satisfy max c - min c <= s + 1.
 * s = 0 is synchronous in time (a round lasts the slowest of D jobs: H_D
 * for exponential(mean=1)), though each gradient is still applied on
 * arrival; a large s never holds anyone, which is the asynchronous server
 * (async.c; mean staleness D - 1 with identical workers).  Workers
 * released together get their parameters in the order of their indices.
 *
 * Each gradient is recorded at its own tick with staleness k - (the
 * version it was computed on), as in async.c.
 */
#include "protocol.h"

#include <assert.h>
#include <stdlib.h>

struct ssp_state {
	uint64_t bound;    /* s */
	uint64_t *clock;   /* c_i (nworkers) */
	bool *held;        /* worker i waits for the slowest (nworkers) */
	uint64_t min;      /* min_j c_j */
	long at_min;       /* workers whose clock is min */
};

/* The slowest clock moved past st->min: find the new minimum, release the
 * workers it allows. */
static void ssp_advance(struct sim *s, struct ssp_state *st)
{
	uint64_t min = UINT64_MAX;
	for (long i = 0; i < s->nworkers; i++)
		if (st->clock[i] < min)
			min = st->clock[i];
	st->min = min;
	st->at_min = 0;
	for (long i = 0; i < s->nworkers; i++)
		st->at_min += st->clock[i] == min;
	for (long i = 0; i < s->nworkers; i++)
		if (st->held[i] && st->clock[i] <= min + st->bound) {
			st->held[i] = false;
			sim_send_params(s, &s->workers[i]);
		}
}

static void ssp_on_event(struct sim *s, const struct event *ev)
{
	struct ssp_state *st = s->proto_state;
	struct worker *w = &s->workers[ev->who];
	if (sim_ps_worker_event(s, ev))
		return;
	assert(ev->kind == SIM_GRAD_AT_SERVER);
	sim_apply_gradient(s, w, s->step, s->step);
	sim_tick(s);
	bool was_min = st->clock[w->id] == st->min;
	st->clock[w->id]++;
	if (st->clock[w->id] <= st->min + st->bound)
		sim_send_params(s, w);
	else
		st->held[w->id] = true;
	if (was_min && --st->at_min == 0)
		ssp_advance(s, st);
}

static asg_status ssp_setup(struct sim *s, struct diag *d)
{
	struct ssp_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->bound = (uint64_t)s->sc->protocol.bound;
	st->clock = calloc((size_t)s->nworkers, sizeof *st->clock);
	st->held = calloc((size_t)s->nworkers, sizeof *st->held);
	if (!st->clock || !st->held || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	st->at_min = s->nworkers;
	for (long i = 0; i < s->nworkers; i++)
		sim_send_params(s, &s->workers[i]);
	return ASG_OK;
}

static void ssp_finish(struct sim *s)
{
	struct ssp_state *st = s->proto_state;
	if (st) {
		free(st->clock);
		free(st->held);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_ssp = {
	.name = "ssp",
	.setup = ssp_setup,
	.on_event = ssp_on_event,
	.finish = ssp_finish,
};
