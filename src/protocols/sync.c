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
 *
 * Failures (workers[].failures, sim_avail.c): a crashed worker's job and
 * messages are lost, and a worker that is down gets no parameters.  The
 * round waits: on recovery, a worker whose gradient of the round has not
 * arrived gets (x, k) again.  With protocol.timeout T the round ends at
 * T after it started with the m >= 1 gradients it has, x moving by
 * alpha/m times their sum; the jobs of the others are abandoned (their
 * results dropped, counted in workers.dropped).  A round that reaches T
 * with no gradient at all applies nothing and does not tick: it starts
 * again (same k, every job abandoned, (x, k) sent to the workers up).
 */
#include "protocol.h"

#include <assert.h>

#include <stdlib.h>

struct sync_state {
	long received;   /* gradients of the current round so far */
	long *arrived;   /* their workers, in order of arrival (nworkers) */
	bool *got;       /* got[i]: worker i's gradient of the round arrived */
	uint32_t round;  /* rounds started, mod 2^32: its timer's `who` */
};

/* Start a round: (x, k) to every worker up, and its timer. */
static void sync_broadcast(struct sim *s)
{
	struct sync_state *st = s->proto_state;
	for (long i = 0; i < s->nworkers; i++)
		if (!sim_worker_down(&s->workers[i]))
			sim_send_params(s, &s->workers[i]);
	st->round++;
	if (s->sc->protocol.timeout > 0)
		sim_schedule(s, s->now + s->sc->protocol.timeout, SIM_TIMER,
			     (long)st->round);
}

/* End the round with the gradients it has (at least one), or start it
 * again without any. */
static void sync_end_round(struct sim *s, struct sync_state *st)
{
	for (long i = 0; i < s->nworkers; i++) {
		if (!st->got[i])
			sim_avail_abandon(s, &s->workers[i]);
		st->got[i] = false;
	}
	long m = st->received;
	st->received = 0;
	if (m > 0) {
		for (long i = 0; i < m; i++)
			sim_apply_gradient(s, &s->workers[st->arrived[i]],
					   s->step / (double)m, s->step);
		sim_tick(s);
	}
	sync_broadcast(s);
}

static asg_status sync_setup(struct sim *s, struct diag *d)
{
	struct sync_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->arrived = calloc((size_t)s->nworkers, sizeof *st->arrived);
	st->got = calloc((size_t)s->nworkers, sizeof *st->got);
	if (!st->arrived || !st->got || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	sync_broadcast(s);
	return ASG_OK;
}

static void sync_on_event(struct sim *s, const struct event *ev)
{
	struct sync_state *st = s->proto_state;
	if (sim_ps_worker_event(s, ev))
		return;
	switch ((enum sim_event)ev->kind) {
	case SIM_WORKER_DOWN:
		return;
	case SIM_WORKER_UP:
		if (!st->got[ev->who])
			sim_send_params(s, &s->workers[ev->who]);
		return;
	case SIM_TIMER:
		if (ev->who == st->round)
			sync_end_round(s, st);
		return;
	default:
		break;
	}
	assert(ev->kind == SIM_GRAD_AT_SERVER);
	st->arrived[st->received++] = (long)ev->who;
	st->got[ev->who] = true;
	if (st->received == s->nworkers)
		sync_end_round(s, st);
}

static void sync_finish(struct sim *s)
{
	struct sync_state *st = s->proto_state;
	if (st) {
		free(st->arrived);
		free(st->got);
	}
	free(s->proto_state);
	s->proto_state = NULL;
}

const struct protocol protocol_sync = {
	.name = "sync",
	.setup = sync_setup,
	.on_event = sync_on_event,
	.finish = sync_finish,
};
