/*
 * gossip.c — decentralized SGD: every agent keeps its own model, takes
 * local steps and averages with its neighbours; no server.
 *
 * Sources: X. Lian, C. Zhang, H. Zhang, C.-J. Hsieh, W. Zhang, J. Liu,
 * "Can Decentralized Algorithms Outperform Centralized Algorithms?",
 * NeurIPS 2017 (D-PSGD); A. Koloskova, N. Loizou, S. Boreiri, M. Jaggi,
 * S. U. Stich, "A Unified Theory of Decentralized SGD with Changing
 * Topology and Local Updates", ICML 2020 (the order: local step, then
 * gossip); X. Lian, W. Zhang, C. Zhang, J. Liu, "Asynchronous
 * Decentralized Parallel Stochastic Gradient Descent", ICML 2018
 * (AD-PSGD: the pairwise mode).
 *
 *   agent i, model x_i, forever:
 *       g <- grad F(x_i; minibatch)           during its compute time
 *       x_i <- x_i - alpha g                  (one tick of the global clock)
 *       metropolis (round r):
 *           send x_i to every neighbour; once the round-r models of all of
 *           them are in:  x_i <- W_ii x_i + sum_{j ~ i} W_ij x_j,
 *           W_ij = 1 / (1 + max(d_i, d_j)), W_ii = 1 - sum_{j ~ i} W_ij
 *       random:
 *           pick a neighbour j uniformly (own stream, RNG_GOSSIP); send x_i
 *           to j; j answers with its x_j and sets x_j <- x_j + (x_i - x_j)/2;
 *           on the answer x_i <- x_i + (x_j - x_i)/2
 *
 * Metropolis is D-PSGD paced by the neighbours: an agent's round r + 1
 * waits for its neighbours' round-r models, so neighbours are never more
 * than a round apart, and X^{r+1} = W (X^r - alpha G^r) exactly, whatever
 * the timing.  With step 0 the models at the local step of round r are
 * W^r X^0: the consensus distance decays as lambda^(2r), lambda the second
 * largest eigenvalue modulus of W (on a ring of n agents W_ij = 1/3 and
 * lambda = 1/3 + (2/3) cos(2 pi / n)).  Random is asynchronous (AD-PSGD):
 * an agent waits only for its own exchange and answers others' at any
 * time; each half of an exchange moves half the difference of the two
 * models as they were sent, so an exchange keeps sum_i x_i exactly.
 *
 * Network: network.topology (ring, torus, complete, random_regular, star,
 * edges); one FIFO link per directed edge with latency network.latency and
 * bandwidth network.bandwidth; a message carries a model (dim * 8 bytes).
 *
 * The global iterate x (evaluations, loss) is the average model
 * xbar = (1/n) sum_i x_i, computed when an evaluation is due; with it the
 * consensus distance (1/n) sum_i ||x_i - xbar||^2 goes to the `consensus`
 * table, at every tick where record.full_grad or record.eval is due and at
 * the end.  protocol.init_spread > 0 starts agent i at
 * x_0 + init_spread * N(0, I), drawn from its own stream (RNG_MODEL, i + 1).
 * The `updates` row of a local step: staleness = the ticks of other agents
 * during its compute, step_size alpha, grad_norm2 = ||g||^2.
 */
#include "protocol.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>    /* not <cblas.h>: it clashes with gsl_randist.h */
#include <gsl/gsl_randist.h>

#include "../engine/rng.h"
#include "../net/topology.h"

struct gossip_state {
	long agents;          /* n */
	long *nbr_start;      /* n + 1 offsets into the directed edges */
	long *to;             /* the edges i -> to[e], agent by agent (E) */
	long *from;           /* their sources (E) */
	long *rev;            /* the edge to[e] -> from[e] (E) */
	double *weight;       /* W_{from, to} of each edge, metropolis (E) */
	double *self;         /* W_ii (n) */
	struct link *links;   /* one per directed edge (E) */
	double *model;        /* 2 x n x dim: metropolis, the models sent in
	                         rounds of each parity; random, [0] what an
	                         agent sent, [1] the answer it gets */
	uint64_t *round;      /* each agent's round (metropolis) */
	long *received;       /* 2 x n: round models in, by parity (metropolis) */
	bool *waiting;        /* stepped, not yet averaged */
	gsl_rng **pick;       /* each agent's choices of a neighbour (random) */
	uint64_t recorded;    /* tick of the last consensus row, UINT64_MAX if none */
};

/* Model slot `which` (0 or 1) of agent i. */
static double *gossip_model(const struct sim *s, struct gossip_state *st,
			    int which, long i)
{
	return st->model + ((size_t)which * (size_t)st->agents + (size_t)i) * s->dim;
}

/* ---- consensus and the average model ---- */

static bool gossip_due(const struct sim *s, uint64_t k)
{
	long full = s->sc->record.full_grad_every, eval = s->sc->record.eval_every;
	return (full > 0 && k % (uint64_t)full == 0) || (eval > 0 && k % (uint64_t)eval == 0);
}

/* x <- xbar; the consensus row at tick k. */
static void gossip_record(struct sim *s, struct gossip_state *st, uint64_t k)
{
	int dim = (int)s->dim;
	long n = st->agents;
	memset(s->x, 0, s->dim * sizeof *s->x);
	for (long i = 0; i < n; i++)
		cblas_daxpy(dim, 1.0, s->workers[i].params, 1, s->x, 1);
	cblas_dscal(dim, 1.0 / (double)n, s->x, 1);
	double sum = 0;
	for (long i = 0; i < n; i++) {
		const double *xi = s->workers[i].params;
		for (size_t c = 0; c < s->dim; c++)
			sum += (xi[c] - s->x[c]) * (xi[c] - s->x[c]);
	}
	st->recorded = k;
	if (s->rec && recorder_consensus(s->rec, k, s->now, sum / (double)n) != ASG_OK)
		sim_fail(s, ASG_EIO);
}

/* One tick: the average model first when the tick will be evaluated. */
static void gossip_tick(struct sim *s, struct gossip_state *st)
{
	if (s->dim && gossip_due(s, s->k + 1))
		gossip_record(s, st, s->k + 1);
	sim_tick(s);
}

uint64_t gossip_round(const struct sim *s, long i)
{
	const struct gossip_state *st = s->proto_state;
	return st->round[i];
}

/* ---- set-up ---- */

static asg_status gossip_build_graph(struct sim *s, struct gossip_state *st,
				     struct diag *d)
{
	long n = st->agents;
	const struct network_config *net = &s->sc->network;
	bool *adj = calloc((size_t)(n * n), sizeof *adj);
	st->nbr_start = calloc((size_t)n + 1, sizeof *st->nbr_start);
	asg_status status = ASG_ENOMEM;
	if (!adj || !st->nbr_start)
		goto out_free_adj;
	status = topology_adjacency(net, n, s->sc->seed, adj, d);
	if (status != ASG_OK)
		goto out_free_adj;
	long E = 0;
	for (long i = 0; i < n * n; i++)
		E += adj[i];
	status = ASG_ENOMEM;
	st->to = calloc((size_t)E + 1, sizeof *st->to);
	st->from = calloc((size_t)E + 1, sizeof *st->from);
	st->rev = calloc((size_t)E + 1, sizeof *st->rev);
	st->weight = calloc((size_t)E + 1, sizeof *st->weight);
	st->links = calloc((size_t)E + 1, sizeof *st->links);
	if (!st->to || !st->from || !st->rev || !st->weight || !st->links)
		goto out_free_adj;
	long e = 0;
	for (long i = 0; i < n; i++) {
		st->nbr_start[i] = e;
		for (long j = 0; j < n; j++) {
			if (!adj[i * n + j])
				continue;
			st->from[e] = i;
			st->to[e] = j;
			link_init(&st->links[e], &net->latency, net->bandwidth,
				  s->sc->seed,
				  rng_entity(RNG_AGENT_LINK, (uint64_t)(i * n + j)));
			e++;
		}
	}
	st->nbr_start[n] = e;
	status = ASG_OK;
out_free_adj:
	free(adj);
	if (status == ASG_ENOMEM)
		diag_set(d, ASG_ENOMEM, "out of memory");
	return status;
}

static long gossip_degree(const struct gossip_state *st, long i)
{
	return st->nbr_start[i + 1] - st->nbr_start[i];
}

/* The reverse of every edge, and the Metropolis-Hastings weights. */
static void gossip_weights(struct gossip_state *st)
{
	for (long i = 0; i < st->agents; i++) {
		st->self[i] = 1.0;
		for (long e = st->nbr_start[i]; e < st->nbr_start[i + 1]; e++) {
			long j = st->to[e];
			for (long b = st->nbr_start[j]; b < st->nbr_start[j + 1]; b++)
				if (st->to[b] == i)
					st->rev[e] = b;
			long dmax = gossip_degree(st, i) > gossip_degree(st, j)
					    ? gossip_degree(st, i) : gossip_degree(st, j);
			st->weight[e] = 1.0 / (1.0 + (double)dmax);
			st->self[i] -= st->weight[e];
		}
	}
}

/* Every agent's model: x_0, plus init_spread * N(0, I) from its stream. */
static asg_status gossip_init_models(struct sim *s)
{
	double spread = s->sc->protocol.init_spread;
	for (long i = 0; i < s->nworkers; i++) {
		double *xi = s->workers[i].params;
		memcpy(xi, s->x, s->dim * sizeof *xi);
		if (spread == 0)
			continue;
		gsl_rng *r = rng_stream_alloc(s->sc->seed, rng_entity(RNG_MODEL, (uint64_t)i + 1));
		if (!r)
			return ASG_ENOMEM;
		for (size_t c = 0; c < s->dim; c++)
			xi[c] += spread * gsl_ran_gaussian(r, 1.0);
		gsl_rng_free(r);
	}
	return ASG_OK;
}

static asg_status gossip_setup_state(struct sim *s, struct gossip_state *st,
				     struct diag *d)
{
	long n = st->agents;
	asg_status status = gossip_build_graph(s, st, d);
	if (status != ASG_OK)
		return status;
	st->self = calloc((size_t)n, sizeof *st->self);
	st->model = calloc(2 * (size_t)n * (s->dim ? s->dim : 1), sizeof *st->model);
	st->round = calloc((size_t)n, sizeof *st->round);
	st->received = calloc(2 * (size_t)n, sizeof *st->received);
	st->waiting = calloc((size_t)n, sizeof *st->waiting);
	st->pick = calloc((size_t)n, sizeof *st->pick);
	if (!st->self || !st->model || !st->round || !st->received || !st->waiting ||
	    !st->pick)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	gossip_weights(st);
	for (long i = 0; i < n && s->sc->protocol.mixing == MIXING_RANDOM; i++)
		if (!(st->pick[i] = rng_stream_alloc(s->sc->seed,
						     rng_entity(RNG_GOSSIP, (uint64_t)i))))
			return diag_set(d, ASG_ENOMEM, "out of memory");
	if ((s->dim && gossip_init_models(s) != ASG_OK) ||
	    sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

/* ---- an agent ---- */

/* The next job: the gradient at x_i as it is now, ready after a compute time. */
static void gossip_start(struct sim *s, struct worker *w)
{
	w->version = s->k;
	sim_worker_gradient(s, w);
	sim_start_compute(s, w);
}

/* A model message over edge e; `bit` tells its parity or its direction. */
static void gossip_send(struct sim *s, struct gossip_state *st, long e, int bit)
{
	struct worker *w = &s->workers[st->from[e]];
	double arrive = link_send(&st->links[e], s->now, s->msg_bytes);
	w->messages_sent++;
	w->bytes_sent += s->msg_bytes;
	sim_schedule(s, arrive, SIM_BLOCK_AT_AGENT, 2 * e + bit);
}

/* Metropolis: average once the round's models of every neighbour are in. */
static void gossip_try_average(struct sim *s, struct gossip_state *st, long i)
{
	int p = (int)(st->round[i] % 2);
	if (!st->waiting[i] || st->received[p * st->agents + i] < gossip_degree(st, i))
		return;
	st->received[p * st->agents + i] = 0;
	struct worker *w = &s->workers[i];
	int dim = (int)s->dim;
	if (dim) {
		cblas_dscal(dim, st->self[i], w->params, 1);
		for (long e = st->nbr_start[i]; e < st->nbr_start[i + 1]; e++)
			cblas_daxpy(dim, st->weight[e], gossip_model(s, st, p, st->to[e]), 1,
				    w->params, 1);
	}
	st->round[i]++;
	st->waiting[i] = false;
	gossip_start(s, w);
}

/* After the local step: send x_i to be averaged. */
static void gossip_share(struct sim *s, struct gossip_state *st, long i)
{
	struct worker *w = &s->workers[i];
	long deg = gossip_degree(st, i);
	bool metropolis = s->sc->protocol.mixing == MIXING_METROPOLIS;
	int p = metropolis ? (int)(st->round[i] % 2) : 0;
	if (!metropolis && deg == 0) {
		gossip_start(s, w);
		return;
	}
	memcpy(gossip_model(s, st, p, i), w->params, s->dim * sizeof *w->params);
	st->waiting[i] = true;
	if (!metropolis) {
		long e = st->nbr_start[i] + (long)gsl_rng_uniform_int(st->pick[i],
								     (unsigned long)deg);
		gossip_send(s, st, e, 0);
		return;
	}
	for (long e = st->nbr_start[i]; e < st->nbr_start[i + 1]; e++)
		gossip_send(s, st, e, p);
	gossip_try_average(s, st, i);
}

static void gossip_step(struct sim *s, struct gossip_state *st, long i)
{
	struct worker *w = &s->workers[i];
	sim_finish_compute(s, w);
	if (s->dim && !isfinite(w->grad_norm2)) {
		sim_diverge(s);
		return;
	}
	if (s->dim)
		cblas_daxpy((int)s->dim, -w->step, w->grad, 1, w->params, 1);
	sim_count_update(s, w, s->k - w->version, w->step, w->grad_norm2);
	gossip_tick(s, st);
	if (!sim_stopped(s))
		gossip_share(s, st, i);
}

/* Random: agent `to[e]` answers the model sent by `from[e]`, and the
 * sender takes the answer. */
static void gossip_exchange(struct sim *s, struct gossip_state *st, long e,
			    bool answer)
{
	int dim = (int)s->dim;
	if (!answer) {
		long i = st->from[e];
		double *xj = s->workers[st->to[e]].params;
		double *sent = gossip_model(s, st, 0, i), *got = gossip_model(s, st, 1, i);
		memcpy(got, xj, s->dim * sizeof *xj);
		cblas_daxpy(dim, 0.5, sent, 1, xj, 1);     /* x_j + (x_i - x_j)/2 */
		cblas_daxpy(dim, -0.5, got, 1, xj, 1);
		gossip_send(s, st, st->rev[e], 1);
		return;
	}
	long i = st->to[e];
	double *xi = s->workers[i].params;
	cblas_daxpy(dim, 0.5, gossip_model(s, st, 1, i), 1, xi, 1);
	cblas_daxpy(dim, -0.5, gossip_model(s, st, 0, i), 1, xi, 1);
	st->waiting[i] = false;
	gossip_start(s, &s->workers[i]);
}

static void gossip_on_event(struct sim *s, const struct event *ev)
{
	struct gossip_state *st = s->proto_state;
	switch ((enum sim_event)ev->kind) {
	case SIM_COMPUTE_DONE:
		gossip_step(s, st, (long)ev->who);
		break;
	case SIM_BLOCK_AT_AGENT: {
		long e = (long)(ev->who / 2);
		int bit = (int)(ev->who % 2);
		if (s->sc->protocol.mixing == MIXING_RANDOM) {
			gossip_exchange(s, st, e, bit == 1);
			break;
		}
		st->received[bit * st->agents + st->to[e]]++;
		gossip_try_average(s, st, st->to[e]);
		break;
	}
	default:
		assert(!"no parameter server in gossip");
	}
}

static asg_status gossip_setup(struct sim *s, struct diag *d)
{
	struct gossip_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->agents = s->nworkers;
	st->recorded = UINT64_MAX;
	asg_status status = gossip_setup_state(s, st, d);
	if (status != ASG_OK)
		return status;
	if (s->dim && gossip_due(s, 0))
		gossip_record(s, st, 0);
	for (long i = 0; i < st->agents; i++)
		gossip_start(s, &s->workers[i]);
	return ASG_OK;
}

/* The end point: x is the average model, with its consensus row. */
static void gossip_end(struct sim *s)
{
	struct gossip_state *st = s->proto_state;
	if (s->dim && st->recorded != s->k &&
	    (s->outcome == SIM_DONE || s->outcome == SIM_STALLED))
		gossip_record(s, st, s->k);
}

static void gossip_finish(struct sim *s)
{
	struct gossip_state *st = s->proto_state;
	if (!st)
		return;
	for (long i = 0; st->pick && i < st->agents; i++)
		if (st->pick[i])
			gsl_rng_free(st->pick[i]);
	free(st->nbr_start);
	free(st->to);
	free(st->from);
	free(st->rev);
	free(st->weight);
	free(st->self);
	free(st->links);
	free(st->model);
	free(st->round);
	free(st->received);
	free(st->waiting);
	free(st->pick);
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_gossip = {
	.name = "gossip",
	.setup = gossip_setup,
	.on_event = gossip_on_event,
	.end = gossip_end,
	.finish = gossip_finish,
};
