/*
 * local.c — local SGD: periodic model averaging through a server.
 *
 * Sources: S. U. Stich, "Local SGD Converges Fast and Communicates Little",
 * ICLR 2019 (arXiv 1805.09767); T. Lin, S. U. Stich, K. K. Patel, M. Jaggi,
 * "Don't Use Large Mini-Batches, Use Local SGD", ICLR 2020; the model
 * averaging of McMahan et al. 2017 (weights by shard size).
 *
 *   server:   x <- x_0, k <- 0; send (x, k) to every worker
 *             when the D models x_1..x_D of a round are in:
 *                 x <- sum_i p_i x_i,  p_i = n_i / N   (one tick)
 *                 send (x, k) to every worker
 *   worker i: on (x, k): x_i <- x
 *                 repeat H times (H = protocol.period):
 *                     x_i <- x_i - alpha * grad F(x_i; minibatch of shard i)
 *                 send x_i
 *
 * n_i is the size of worker i's shard (data.partition), N their sum; each
 * local step takes one draw of the worker's compute time, and the model
 * travels as one message of dim * 8 bytes.  The server computes the
 * average as x + sum_i p_i (x_i - x), with each worker's change x_i - x
 * accumulated as -alpha * sum of its gradients and added in order of
 * arrival: with H = 1 and equal shards a round is the synchronous step
 * x - (alpha/D) sum_i g_i of sync.c, up to rounding (alpha*g/D against
 * (alpha/D)*g).
 *
 * alpha is protocol.step, as sim_step_size gives it at the round's tick
 * with staleness 0 (a worker group with a step of its own scales it).
 * Each of the H * D local gradients of a round is recorded at the round's
 * tick, with step size alpha and staleness 0 (each was computed from the
 * version the round started on); a round cut off by the time limit
 * applies and records nothing.
 */
#include "protocol.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <cblas.h>

struct local_state {
	long period;       /* H */
	long received;     /* models of the current round so far */
	long *arrived;     /* their workers, in order of arrival (nworkers) */
	long *steps;       /* local steps of each worker in this round */
	double *weight;    /* p_i (nworkers) */
	double *delta;     /* x_i - x of each worker (nworkers * dim) */
	double *norm2;     /* ||g||^2 of each local step (nworkers * H) */
};

/* The step of w's local steps in this round (sim.h: the step at the
 * round's tick, staleness 0). */
static double local_alpha(const struct sim *s, const struct worker *w)
{
	return sim_step_size(s, w, s->step, 0);
}

/* A local step of w: x_i and its change move by -alpha * g. */
static void local_step(struct sim *s, struct local_state *st, struct worker *w)
{
	sim_compute_gradient(s, w);
	st->norm2[w->id * st->period + st->steps[w->id]] = w->grad_norm2;
	st->steps[w->id]++;
	if (s->dim == 0)
		return;
	double alpha = local_alpha(s, w);
	cblas_daxpy((int)s->dim, -alpha, w->grad, 1, w->params, 1);
	cblas_daxpy((int)s->dim, -alpha, w->grad, 1,
		    st->delta + (size_t)w->id * s->dim, 1);
}

static void local_broadcast(struct sim *s, struct local_state *st)
{
	for (long i = 0; i < s->nworkers; i++) {
		st->steps[i] = 0;
		sim_send_params(s, &s->workers[i]);
	}
}

/* Every model is in: average, record the round's gradients, tick. */
static void local_average(struct sim *s, struct local_state *st)
{
	for (long r = 0; r < s->nworkers; r++) {
		long i = st->arrived[r];
		struct worker *w = &s->workers[i];
		const double *norm2 = st->norm2 + i * st->period;
		for (long j = 0; j < st->period; j++) {
			if (s->dim && !isfinite(norm2[j])) {
				sim_diverge(s);
				return;
			}
			sim_count_update(s, w, s->k - w->version, local_alpha(s, w),
					 norm2[j]);
		}
		if (s->dim == 0)
			continue;
		double *delta = st->delta + (size_t)i * s->dim;
		cblas_daxpy((int)s->dim, st->weight[i], delta, 1, s->x, 1);
		for (size_t c = 0; c < s->dim; c++)
			delta[c] = 0;
	}
	st->received = 0;
	sim_tick(s);
	local_broadcast(s, st);
}

static void local_on_event(struct sim *s, const struct event *ev)
{
	struct local_state *st = s->proto_state;
	struct worker *w = &s->workers[ev->who];
	switch ((enum sim_event)ev->kind) {
	case SIM_PARAMS_AT_WORKER:
		sim_start_compute(s, w);
		break;
	case SIM_COMPUTE_DONE:
		local_step(s, st, w);
		if (st->steps[w->id] < st->period)
			sim_start_compute(s, w);
		else
			sim_send_gradient(s, w);
		break;
	case SIM_GRAD_AT_SERVER:
		st->arrived[st->received++] = w->id;
		if (st->received == s->nworkers)
			local_average(s, st);
		break;
	default:
		assert(!"unexpected event");
	}
}

/* p_i = n_i / N from the shards; 1/D without data. */
static void local_weights(const struct sim *s, double *weight)
{
	size_t total = s->dim ? s->part.start[s->nworkers] - s->part.start[0] : 0;
	for (long i = 0; i < s->nworkers; i++)
		weight[i] = total ? (double)(s->part.start[i + 1] - s->part.start[i]) /
				    (double)total
				  : 1.0 / (double)s->nworkers;
}

static asg_status local_setup(struct sim *s, struct diag *d)
{
	struct local_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	size_t n = (size_t)s->nworkers;
	st->period = s->sc->protocol.period;
	st->arrived = calloc(n, sizeof *st->arrived);
	st->steps = calloc(n, sizeof *st->steps);
	st->weight = calloc(n, sizeof *st->weight);
	st->delta = calloc(n * (s->dim ? s->dim : 1), sizeof *st->delta);
	st->norm2 = calloc(n * (size_t)st->period, sizeof *st->norm2);
	if (!st->arrived || !st->steps || !st->weight || !st->delta ||
	    !st->norm2 || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	local_weights(s, st->weight);
	local_broadcast(s, st);
	return ASG_OK;
}

static void local_finish(struct sim *s)
{
	struct local_state *st = s->proto_state;
	if (st) {
		free(st->arrived);
		free(st->steps);
		free(st->weight);
		free(st->delta);
		free(st->norm2);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_local = {
	.name = "local",
	.setup = local_setup,
	.on_event = local_on_event,
	.finish = local_finish,
};
