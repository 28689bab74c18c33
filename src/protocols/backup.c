/*
 * backup.c — synchronous parameter server with backup workers.
 *
 * Source: J. Chen, X. Pan, R. Monga, S. Bengio, R. Jozefowicz, "Revisiting
 * Distributed Synchronous SGD", 2017 (arXiv 1604.00981); CMU 10-425/625
 * lecture 24 "Distributed SGD", Alg. 4.
 *
 *   D = m + e workers, e = protocol.backups
 *   server:   send (x, k) to all D workers
 *             on a gradient computed on x_k: keep it; with the m-th:
 *                 x <- x - alpha * (1/m) * sum of the m kept   (one tick)
 *                 stragglers: restart -> send (x, k) to all D workers,
 *                                        abandoning the others' jobs
 *                 stragglers: finish  -> send (x, k) to the m senders
 *             on a gradient computed on an older x (finish only):
 *                 drop it, send (x, k) to its worker (it joins the round)
 *   worker i: on (x, k): g_i <- grad F(x; minibatch); send g_i
 *
 * `finish` is TensorFlow's SyncReplicasOptimizer: stragglers complete
 * their work and their stale gradients are dropped on arrival.  With
 * `restart` every round starts all D workers afresh: a job still running
 * (its parameters on the way, computing, or its gradient on the way) is
 * abandoned.  Its pending events must not act later: the jobs are kept by
 * ticket as jobs.h says (rennala and ringmaster stop theirs the same
 * way).  A computation cut short counts as busy time up to the restart.
 *
 * Every gradient of a round is recorded at the round's tick with
 * staleness 0, in order of arrival (as sync.c); a round cut off by the
 * time limit applies and records nothing.  Thrown-away work is counted per
 * worker (struct worker.dropped): a gradient dropped on arrival, or a job
 * abandoned while computing or with its gradient on the way.  With i.i.d.
 * exponential(mean=1) compute times and no latency, a `restart` round
 * lasts E[m-th order statistic of D] = H_D - H_e (THEORY.md).
 */
#include "jobs.h"

#include <assert.h>
#include <stdlib.h>

struct backup_state {
	long m;                 /* gradients a round waits for */
	bool finish;            /* stragglers finish (else restart) */
	long received;          /* gradients of the current round so far */
	long *arrived;          /* their workers, in order of arrival (m) */
	struct jobs jobs;       /* each worker's current job (jobs.h): a kept
	                           gradient is a delivered job */
};

/* The m-th gradient arrived: apply the round, then start the next. */
static void backup_end_round(struct sim *s, struct backup_state *st)
{
	for (long i = 0; i < st->m; i++)
		sim_apply_gradient(s, &s->workers[st->arrived[i]],
				   s->step / (double)st->m, s->step);
	st->received = 0;
	sim_tick(s);
	if (st->finish) {
		for (long i = 0; i < st->m; i++)
			jobs_send(&st->jobs, s, &s->workers[st->arrived[i]]);
		return;
	}
	for (long i = 0; i < s->nworkers; i++)
		jobs_restart(&st->jobs, s, &s->workers[i]);
}

static void backup_on_gradient(struct sim *s, struct backup_state *st,
			       struct worker *w)
{
	if (w->version != s->k) {
		assert(st->finish);
		w->dropped++;
		jobs_send(&st->jobs, s, w);
		return;
	}
	st->arrived[st->received++] = w->id;
	if (st->received == st->m)
		backup_end_round(s, st);
}

static void backup_on_event(struct sim *s, const struct event *ev)
{
	struct backup_state *st = s->proto_state;
	if (jobs_event(&st->jobs, s, ev))
		backup_on_gradient(s, st, &s->workers[ev->who]);
}

static asg_status backup_setup(struct sim *s, struct diag *d)
{
	struct backup_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->m = s->nworkers - s->sc->protocol.backups;
	st->finish = s->sc->protocol.stragglers_finish;
	assert(st->m >= 1);
	st->arrived = calloc((size_t)st->m, sizeof *st->arrived);
	if (!st->arrived || jobs_init(&st->jobs, s) != ASG_OK ||
	    sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < s->nworkers; i++)
		jobs_send(&st->jobs, s, &s->workers[i]);
	return ASG_OK;
}

static void backup_finish(struct sim *s)
{
	struct backup_state *st = s->proto_state;
	if (st) {
		free(st->arrived);
		jobs_release(&st->jobs);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_backup = {
	.name = "backup",
	.setup = backup_setup,
	.on_event = backup_on_event,
	.finish = backup_finish,
};
