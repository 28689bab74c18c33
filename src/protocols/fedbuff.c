/*
 * fedbuff.c — buffered asynchronous federated learning.
 *
 * Source: J. Nguyen, K. Malik, H. Zhan, A. Yousefpour, M. Rabbat,
 * M. Malek, D. Huba, "Federated Learning with Buffered Asynchronous
 * Aggregation", AISTATS 2022 (FedBuff, Algorithm 1); the timing model of
 * Koloskova, Stich, Jaggi 2022 (arXiv 2206.08307), Lemma 11.
 *
 *   server: x <- x_0, k <- 0
 *           C jobs on clients drawn uniformly from all N (C = concurrency)
 *           on the update delta_i of a job sent x_v (tau = k - v):
 *               tau > max_staleness: reject it (counted in `dropped`)
 *               else: acc <- acc + s(tau) delta_i
 *                     when K updates are in (K = buffer):
 *                         x <- x - (eta_g / K) acc, acc <- 0   (one tick)
 *               send x to a client drawn uniformly from all N
 *   client i on x: E local epochs of SGD from x (fed.h); send
 *                  delta_i = x - x_i
 *
 * s(tau) is protocol.staleness_weight: 1, 1/sqrt(1+tau) (the paper's) or
 * (1+tau)^-a; eta_g is protocol.server_step.  Every tick applies exactly
 * K updates: K `updates` rows with step_size = eta_g s(tau) / K and
 * grad_norm2 = ||delta_i||^2.  A client may run several jobs at once.
 * With C concurrent jobs of i.i.d. lengths of mean m (no latency), updates
 * arrive at rate C / m: the Lemma 11 setup (900 clients of 10 s, 100 of
 * 60 s, C = 10) gives 15 s per 10 updates.
 */
#include "fed.h"

#include <stdlib.h>

static asg_status fedbuff_setup(struct sim *s, struct diag *d)
{
	struct fed *f = calloc(1, sizeof *f);
	if (!f)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = f;
	return fed_async_setup(s, f, s->sc->protocol.buffer, false, d);
}

static void fedbuff_on_event(struct sim *s, const struct event *ev)
{
	struct fed *f = s->proto_state;
	long K = s->sc->protocol.buffer;
	if (!fed_client_event(s, f, ev))
		fed_async_arrival(s, f, ev->who, K,
				  s->sc->protocol.server_step / (double)K);
}

const struct protocol protocol_fedbuff = {
	.name = "fedbuff",
	.setup = fedbuff_setup,
	.on_event = fedbuff_on_event,
	.finish = fed_async_finish,
};
