/*
 * hybrid.c — the hybrid parameter server: a buffer of K(t) gradients.
 *
 * Source: A. S. Vora, D. C. Joshi, A. K. Patel, "Hybrid Approach to
 * Parallel Stochastic Gradient Descent", 2024 (arXiv 2407.00101).
 *
 *   server:   x <- x_0, k <- 0; send (x, k) to every worker; buffer B = ()
 *             on a gradient g from worker i: append (g, i) to B
 *                 while |B| >= K(now, k):          (K = protocol.threshold)
 *                     take the K oldest entries of B
 *                     x <- x - alpha * (1/K) * sum of their g   (one tick)
 *                     send (x, k) to each of their workers
 *   worker i: on (x_v, v): g <- grad F(x_v; minibatch); send g
 *
 * A worker that sent a gradient waits, idle, until the buffer holding it
 * is applied, and then gets the new parameters (as in the paper).  K = 1
 * is the asynchronous server (async.c), K = D the synchronous one
 * (sync.c); a K that grows with time moves from the one to the other.
 * K(t) is evaluated at each arrival, on the schedule's clock (virtual time
 * or ticks so far), and clamped to 1 .. D (only the linear form can go
 * past D; steps are checked against D when the scenario is read).  When
 * K is reached the buffer holds exactly K gradients, unless the schedule
 * stepped down since the last arrival: then the K oldest are applied, and
 * again while K are left, each application one tick of exactly K
 * gradients.
 *
 * Each gradient is recorded at its tick with staleness k - (the version
 * it was computed on) and step size alpha.
 */
#include "protocol.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hybrid_state {
	const struct threshold *th; /* K(t) (the scenario's) */
	long count;                 /* gradients in the buffer */
	long *buffer;               /* their workers, oldest first (nworkers) */
};

/* K now: the schedule at the current time or tick, clamped to 1 .. D. */
static long hybrid_threshold(const struct sim *s, const struct threshold *th)
{
	double c = th->clock == THRESHOLD_TIME ? s->now : (double)s->k;
	double K;
	if (th->linear) {
		K = floor(th->start + th->rate * c);
	} else {
		size_t i = 0;
		while (i + 1 < th->nsteps && th->from[i + 1] <= c)
			i++;
		K = (double)th->k[i];
	}
	if (!(K < (double)s->nworkers))
		return s->nworkers;
	return K < 1 ? 1 : (long)K;
}

/* Apply the K oldest gradients of the buffer in one tick; their workers
 * get the new parameters. */
static void hybrid_apply(struct sim *s, struct hybrid_state *st, long K)
{
	for (long i = 0; i < K; i++)
		sim_apply_gradient(s, &s->workers[st->buffer[i]], s->step / (double)K,
				   s->step);
	sim_tick(s);
	for (long i = 0; i < K; i++)
		sim_send_params(s, &s->workers[st->buffer[i]]);
	st->count -= K;
	memmove(st->buffer, st->buffer + K, (size_t)st->count * sizeof *st->buffer);
}

static void hybrid_on_event(struct sim *s, const struct event *ev)
{
	struct hybrid_state *st = s->proto_state;
	if (sim_ps_worker_event(s, ev))
		return;
	assert(ev->kind == SIM_GRAD_AT_SERVER);
	assert(st->count < s->nworkers);
	st->buffer[st->count++] = (long)ev->who;
	long K;
	while (!sim_stopped(s) && st->count >= (K = hybrid_threshold(s, st->th)))
		hybrid_apply(s, st, K);
}

static asg_status hybrid_setup(struct sim *s, struct diag *d)
{
	struct hybrid_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->th = &s->sc->protocol.threshold;
	st->buffer = calloc((size_t)s->nworkers, sizeof *st->buffer);
	if (!st->buffer || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < s->nworkers; i++)
		sim_send_params(s, &s->workers[i]);
	return ASG_OK;
}

static void hybrid_finish(struct sim *s)
{
	struct hybrid_state *st = s->proto_state;
	if (st)
		free(st->buffer);
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_hybrid = {
	.name = "hybrid",
	.setup = hybrid_setup,
	.on_event = hybrid_on_event,
	.finish = hybrid_finish,
};
