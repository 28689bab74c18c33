/*
 * async.c — the asynchronous parameter server.
 *
 * Source: CMU 10-425/625 lecture 24 "Distributed SGD", Alg. 2-3 (the
 * asynchronous parameter server, as in Dean et al. 2012 "Large Scale
 * Distributed Deep Networks", Downpour SGD).
 *
 *   server:   x <- x_0, k <- 0; send (x, k) to every worker
 *             on a gradient g from worker i:
 *                 x <- x - alpha * g          (one tick: k <- k + 1)
 *                 send (x, k) to worker i
 *   worker i: on (x_v, v): g <- grad F(x_v; minibatch); send g
 *
 * The gradient applied at tick k was computed on x_v: its staleness is
 * k - v.  With D identical workers the mean staleness is D - 1; with mean
 * compute times m_i and no latency, kappa_i is proportional to 1/m_i and
 * worker i's mean staleness is sum_{j != i} m_i / m_j (THEORY.md).
 *
 * Failures (workers[].failures, sim_avail.c): the server does not wait
 * for anyone, so training goes on with the workers that are up.  A crashed
 * worker's job and messages in flight are lost; on recovery the server
 * sends it the current (x, k) and it goes on.
 */
#include "protocol.h"

#include <assert.h>

static asg_status async_setup(struct sim *s, struct diag *d)
{
	if (sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < s->nworkers; i++)
		sim_send_params(s, &s->workers[i]);
	return ASG_OK;
}

static void async_on_event(struct sim *s, const struct event *ev)
{
	struct worker *w = &s->workers[ev->who];
	if (sim_ps_worker_event(s, ev) || ev->kind == SIM_WORKER_DOWN)
		return;
	if (ev->kind == SIM_WORKER_UP) {
		sim_send_params(s, w);
		return;
	}
	assert(ev->kind == SIM_GRAD_AT_SERVER);
	sim_apply_gradient(s, w, s->step, s->step);
	sim_tick(s);
	sim_send_params(s, w);
}

static void async_finish(struct sim *s)
{
}

const struct protocol protocol_async = {
	.name = "async",
	.setup = async_setup,
	.on_event = async_on_event,
	.finish = async_finish,
};
