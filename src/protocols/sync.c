/*
 * sync.c — the synchronous parameter server.
 *
 * Source: CMU 10-425/625 lecture 24 "Distributed SGD", Alg. 1 (synchronous
 * minibatch SGD with a parameter server).
 *
 *   server:   x <- x_0, k <- 0
 *             repeat:
 *                 send (x, k) to all D workers
 *                 wait for the D gradients g_1..g_D computed on x
 *                 x <- x - alpha * (1/D) * sum_i g_i   (one tick: k <- k + 1)
 *   worker i: on (x, k): g_i <- grad F(x; minibatch); send g_i
 *
 * Every gradient of a round is recorded at the round's tick with staleness
 * 0.  The server keeps the arrival order and, when the D-th gradient
 * arrives, adds each to x scaled by alpha/D in that order; a round cut off
 * by the time limit applies and records nothing.
 * With i.i.d. compute times and no latency a round lasts E[max of D
 * times]: H_D for exponential(mean=1) (THEORY.md).
 */
#include "protocol.h"

#include <assert.h>

#include <stdlib.h>

struct sync_state {
	long received;   /* gradients of the current round so far */
	long *arrived;   /* their workers, in order of arrival (nworkers) */
};

static void sync_broadcast(struct sim *s)
{
	for (long i = 0; i < s->nworkers; i++)
		sim_send_params(s, &s->workers[i]);
}

static asg_status sync_setup(struct sim *s, struct diag *d)
{
	struct sync_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->arrived = calloc((size_t)s->nworkers, sizeof *st->arrived);
	if (!st->arrived || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	sync_broadcast(s);
	return ASG_OK;
}

static void sync_on_event(struct sim *s, const struct event *ev)
{
	struct sync_state *st = s->proto_state;
	if (sim_ps_worker_event(s, ev))
		return;
	assert(ev->kind == SIM_GRAD_AT_SERVER);
	st->arrived[st->received++] = (long)ev->who;
	if (st->received < s->nworkers)
		return;
	for (long i = 0; i < s->nworkers; i++)
		sim_apply_gradient(s, &s->workers[st->arrived[i]],
				   s->step / (double)s->nworkers, s->step);
	st->received = 0;
	sim_tick(s);
	sync_broadcast(s);
}

static void sync_finish(struct sim *s)
{
	struct sync_state *st = s->proto_state;
	if (st)
		free(st->arrived);
	free(s->proto_state);
	s->proto_state = NULL;
}

const struct protocol protocol_sync = {
	.name = "sync",
	.setup = sync_setup,
	.on_event = sync_on_event,
	.finish = sync_finish,
};
