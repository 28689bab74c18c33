/*
 * rennala.c — Rennala SGD: every step averages S gradients computed at the
 * current point, taken from whichever workers finish first.
 *
 * Source: A. Tyurin, P. Richtárik, "Optimal Time Complexities of Parallel
 * Stochastic Optimization Methods Under a Fixed Computation Model",
 * NeurIPS 2023 (arXiv 2305.12387); as written in Algorithm 2 of
 * A. Maranjyan, A. Tyurin, P. Richtárik, "Ringmaster ASGD", ICML 2025
 * (arXiv 2501.16168).
 *
 *   server:   x <- x_0, k <- 0, b <- 0, g <- 0; send (x, k) to every worker
 *             on a gradient from worker i computed on x_v:
 *                 if v = k: g <- g + grad, b <- b + 1   (else: drop it)
 *                 if b = S: x <- x - gamma g / S        (one tick: k <- k + 1)
 *                           b <- 0, g <- 0
 *                           restart: send (x, k) to every worker
 *                 send (x, k) to worker i        (it starts again at once)
 *   worker i: on (x_v, v): grad <- grad F(x_v; minibatch); send grad
 *
 * S = protocol.gather.  Every worker is busy at all times: one that
 * delivers a gradient of the current point gets the current point again
 * (a fast worker may give several gradients to one step).  What the
 * others do at a step is protocol.stragglers:
 *   restart (default)  every job is stopped and every worker gets the new
 *                      point (jobs.h), as the authors' experiments do (and
 *                      Method 4 of the NeurIPS paper): every gradient that
 *                      arrives was computed at the current point;
 *   finish             as Algorithm 2 reads: a job under way goes on, its
 *                      gradient arrives stale and is dropped, and its
 *                      worker starts again at the current point.
 * A stopped job (computing, or its gradient on the way) or a dropped
 * gradient counts in its worker's `dropped`.
 *
 * Records: the S gradients of a step at its tick, staleness 0, in order of
 * arrival, each with its step (sim_step_size: the policy at staleness 0).
 * They are summed into a buffer as they arrive, since their workers go on
 * computing, and x moves once, at the step.
 *
 * Time of a step, exponential(mean=1) compute times, no latency: all n
 * workers are always busy, so events come at rate n.  With restart every
 * event of a step is a gradient of its point: a step lasts the S-th
 * arrival of a Poisson process of rate n, Erlang(S, n), mean S/n.  With
 * finish an event is a gradient of the current point with probability f/n
 * (f workers computing at it), or else a stale worker starting at it
 * (f <- f + 1); a step starts with f = 1 (the worker that completed the
 * previous one) and ends at the S-th gradient: its mean length is
 * E[number of events] / n over this chain (tests/test_optimal.c).
 */
#include "protocol.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "jobs.h"

struct rennala_state {
	long gather;      /* S */
	bool restart;     /* protocol.stragglers: restart */
	struct jobs jobs; /* the workers' jobs */
	long gathered;    /* gradients of the current point so far (b) */
	long *from;       /* their workers, in order of arrival (S) */
	double *norm2;    /* their ||grad||^2 (S) */
	double *alpha;    /* their steps (S) */
	double *sum;      /* sum of alpha_j grad_j / S (dim) */
};

static asg_status rennala_setup(struct sim *s, struct diag *d)
{
	struct rennala_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->gather = s->sc->protocol.gather;
	st->restart = !s->sc->protocol.stragglers_finish;
	assert(st->gather >= 1 && st->gather <= s->nworkers);
	size_t n = (size_t)st->gather;
	st->from = calloc(n, sizeof *st->from);
	st->norm2 = calloc(n, sizeof *st->norm2);
	st->alpha = calloc(n, sizeof *st->alpha);
	st->sum = calloc(s->dim ? s->dim : 1, sizeof *st->sum);
	if (!st->from || !st->norm2 || !st->alpha || !st->sum ||
	    jobs_init(&st->jobs, s) != ASG_OK || sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < s->nworkers; i++)
		jobs_send(&st->jobs, s, &s->workers[i]);
	return ASG_OK;
}

/* The step: x moves by the sum, the S gradients are recorded. */
static void rennala_step(struct sim *s, struct rennala_state *st)
{
	if (s->dim) {
		cblas_daxpy((int)s->dim, -1.0, st->sum, 1, s->x, 1);
		memset(st->sum, 0, s->dim * sizeof *st->sum);
	}
	for (long j = 0; j < st->gathered; j++)
		sim_count_update(s, &s->workers[st->from[j]], 0, st->alpha[j],
				 st->norm2[j]);
	st->gathered = 0;
	sim_tick(s);
}

/* A gradient of the current point from w joins the step; true when it
 * completes it. */
static bool rennala_gather(struct sim *s, struct rennala_state *st,
			   struct worker *w)
{
	double alpha = sim_step_size(s, w, s->step, 0);
	if (s->dim) {
		if (!isfinite(w->grad_norm2)) {
			sim_diverge(s);
			return false;
		}
		cblas_daxpy((int)s->dim, alpha / (double)st->gather, w->grad, 1,
			    st->sum, 1);
	}
	st->from[st->gathered] = w->id;
	st->norm2[st->gathered] = w->grad_norm2;
	st->alpha[st->gathered] = alpha;
	if (++st->gathered < st->gather)
		return false;
	rennala_step(s, st);
	return true;
}

static void rennala_on_event(struct sim *s, const struct event *ev)
{
	struct rennala_state *st = s->proto_state;
	struct worker *w = &s->workers[ev->who];
	bool stepped = false;

	if (!jobs_event(&st->jobs, s, ev))
		return;   /* the worker's side, or an event of a stopped job */
	if (w->version == s->k)
		stepped = rennala_gather(s, st, w);
	else
		w->dropped++;
	if (stepped && st->restart)
		for (long i = 0; i < s->nworkers; i++)
			jobs_restart(&st->jobs, s, &s->workers[i]);
	else
		jobs_send(&st->jobs, s, w);
}

static void rennala_finish(struct sim *s)
{
	struct rennala_state *st = s->proto_state;
	if (st) {
		jobs_release(&st->jobs);
		free(st->from);
		free(st->norm2);
		free(st->alpha);
		free(st->sum);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_rennala = {
	.name = "rennala",
	.setup = rennala_setup,
	.on_event = rennala_on_event,
	.finish = rennala_finish,
};
