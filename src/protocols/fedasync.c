/*
 * fedasync.c — asynchronous federated optimization.
 *
 * Source: C. Xie, S. Koyejo, I. Gupta, "Asynchronous Federated
 * Optimization", arXiv 1903.03934, 2019 (FedAsync, Algorithm 1).
 *
 *   server: x <- x_0, k <- 0
 *           C jobs on clients drawn uniformly from all N (C = concurrency)
 *           on the model x_i of a job sent x_v (tau = k - v):
 *               tau > max_staleness: reject it (counted in `dropped`)
 *               else: a_t <- alpha s(tau)
 *                     x <- (1 - a_t) x + a_t x_i            (one tick)
 *               send x to a client drawn uniformly from all N
 *   client i on x: E local epochs of SGD from x (fed.h); send x_i
 *
 * alpha is protocol.server_step in (0, 1], s(tau) protocol.staleness_weight
 * (1, 1/sqrt(1+tau), or the paper's polynomial (1+tau)^-a).  One update a
 * tick; its `updates` row has step_size = a_t and grad_norm2 =
 * ||x - x_i||^2 (x before the step), as x <- x - a_t (x - x_i).  With C
 * concurrent jobs of i.i.d. lengths of mean m (no latency), updates arrive
 * at rate C / m.
 */
#include "fed.h"

#include <stdlib.h>

static asg_status fedasync_setup(struct sim *s, struct diag *d)
{
	struct fed *f = calloc(1, sizeof *f);
	if (!f)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = f;
	return fed_async_setup(s, f, 1, true, d);
}

static void fedasync_on_event(struct sim *s, const struct event *ev)
{
	struct fed *f = s->proto_state;
	if (!fed_client_event(s, f, ev))
		fed_async_arrival(s, f, ev->who, 1, s->sc->protocol.server_step);
}

const struct protocol protocol_fedasync = {
	.name = "fedasync",
	.setup = fedasync_setup,
	.on_event = fedasync_on_event,
	.finish = fed_async_finish,
};
