/*
 * allreduce.c — synchronous data-parallel SGD with a ring all-reduce.
 *
 * Source: P. Patarasuk, X. Yuan, "Bandwidth Optimal All-reduce Algorithms
 * for Clusters of Workstations", J. Parallel Distrib. Comput. 69(2), 2009;
 * A. Sergeev, M. Del Balso, "Horovod: fast and easy distributed deep
 * learning in TensorFlow", 2018 (arXiv 1802.05799).
 *
 *   p workers on a ring, worker i sends to i+1 (mod p); no server
 *   worker i, each round: g_i <- grad F(x; minibatch)
 *       the gradient cut into p chunks of S/p bytes (S = dim * 8)
 *       for step j = 0 .. 2(p-1)-1:   (p-1 of reduce-scatter, p-1 of all-gather)
 *           send a chunk to i+1: after step 0 (its gradient done), step
 *           j waits for the chunk of step j-1 from i-1
 *       after its last chunk: x <- x - alpha * (1/p) sum_i g_i,
 *       start the next round on it
 *
 * Each ring link i -> i+1 has the latency network.latency (its own RNG
 * stream, rng_entity(RNG_AGENT_LINK, i * p + i+1)) and the bandwidth
 * network.bandwidth (link.h: a chunk occupies the link for
 * (S/p)/bandwidth), and delivers in order, as a stream does (a chunk never
 * arrives before the one sent ahead of it).  network.uplink and downlink
 * are not used.  With constant compute c, latency a and bandwidth b every
 * step of every worker takes a + S/(p b), and a round lasts exactly
 * c + 2(p-1)(a + S/(p b)).
 *
 * The tick: the first worker to finish a round's all-reduce holds the sum
 * of every worker's gradient; x steps then (one tick), and the p gradients
 * are recorded at that tick in the order of the workers' indices, with
 * staleness 0.  A worker that finishes the round takes the new x (no other
 * tick can come before every worker has computed again) and computes.
 * Every worker's chunks count in its bytes_sent and messages_sent; the
 * timeline shows them as `uplink`.
 */
#include "protocol.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/rng.h"

struct allreduce_state {
	long p;                /* workers on the ring */
	long steps;            /* 2(p - 1) */
	double chunk;          /* bytes of a chunk: S / p */
	struct link *ring;     /* ring[i]: i -> i+1 (p links) */
	double *last;          /* arrival of the last chunk sent on ring[i] */
	bool *computed;        /* worker i's gradient of this round is done */
	long *sent;            /* chunks worker i sent this round */
	long *received;        /* chunks worker i received this round */
	long finished;         /* workers done with the current round */
};

/* Worker w takes x and computes its next gradient. */
static void allreduce_start(struct sim *s, struct worker *w)
{
	if (s->dim)
		memcpy(w->params, s->x, s->dim * sizeof *s->x);
	w->version = s->k;
	sim_start_compute(s, w);
}

/* Worker i sends every chunk it can: step j once its gradient is done and
 * the chunk of step j - 1 is in. */
static void allreduce_send(struct sim *s, struct allreduce_state *st, long i)
{
	struct worker *w = &s->workers[i];
	long next = (i + 1) % st->p;
	while (st->computed[i] && st->sent[i] < st->steps &&
	       st->received[i] >= st->sent[i]) {
		double arrive = link_send(&st->ring[i], s->now, st->chunk);
		if (arrive < st->last[i])
			arrive = st->last[i];
		st->last[i] = arrive;
		st->sent[i]++;
		w->bytes_sent += st->chunk;
		w->messages_sent++;
		sim_record_interval(s, w, "uplink", s->now, arrive);
		sim_schedule(s, arrive, SIM_BLOCK_AT_AGENT, next);
	}
}

/* Worker i has the whole sum: the first one steps x; i starts again. */
static void allreduce_done(struct sim *s, struct allreduce_state *st, long i)
{
	if (st->finished++ == 0) {
		for (long r = 0; r < st->p; r++)
			sim_apply_gradient(s, &s->workers[r], s->step / (double)st->p,
					   s->step);
		sim_tick(s);
	}
	if (st->finished == st->p)
		st->finished = 0;
	st->computed[i] = false;
	st->sent[i] = 0;
	st->received[i] = 0;
	allreduce_start(s, &s->workers[i]);
}

static void allreduce_on_event(struct sim *s, const struct event *ev)
{
	struct allreduce_state *st = s->proto_state;
	long i = (long)ev->who;
	switch ((enum sim_event)ev->kind) {
	case SIM_COMPUTE_DONE:
		sim_compute_gradient(s, &s->workers[i]);
		st->computed[i] = true;
		if (st->steps == 0) {
			allreduce_done(s, st, i);
			return;
		}
		allreduce_send(s, st, i);
		break;
	case SIM_BLOCK_AT_AGENT:
		st->received[i]++;
		assert(st->received[i] <= st->steps);
		allreduce_send(s, st, i);
		if (st->received[i] == st->steps)
			allreduce_done(s, st, i);
		break;
	default:
		assert(!"unexpected event");
	}
}

static asg_status allreduce_setup(struct sim *s, struct diag *d)
{
	const struct network_config *net = &s->sc->network;
	struct allreduce_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	long p = s->nworkers;
	st->p = p;
	st->steps = 2 * (p - 1);
	st->chunk = s->msg_bytes / (double)p;
	st->ring = calloc((size_t)p, sizeof *st->ring);
	st->last = calloc((size_t)p, sizeof *st->last);
	st->computed = calloc((size_t)p, sizeof *st->computed);
	st->sent = calloc((size_t)p, sizeof *st->sent);
	st->received = calloc((size_t)p, sizeof *st->received);
	if (!st->ring || !st->last || !st->computed || !st->sent || !st->received)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < p && p > 1; i++) {
		uint64_t entity = rng_entity(RNG_AGENT_LINK,
					     (uint64_t)(i * p + (i + 1) % p));
		link_init(&st->ring[i], &net->latency, net->bandwidth, s->sc->seed,
			  entity);
	}
	if (sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < p; i++)
		allreduce_start(s, &s->workers[i]);
	return ASG_OK;
}

static void allreduce_finish(struct sim *s)
{
	struct allreduce_state *st = s->proto_state;
	if (st) {
		free(st->ring);
		free(st->last);
		free(st->computed);
		free(st->sent);
		free(st->received);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_allreduce = {
	.name = "allreduce",
	.setup = allreduce_setup,
	.on_event = allreduce_on_event,
	.finish = allreduce_finish,
};
