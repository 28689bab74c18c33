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
 * abandoned.  Its pending events must not act later: each worker holds a
 * ticket, the sequence number of the one event its current job waits for
 * (eventq.h: an event's seq is the queue's next_seq when it is pushed),
 * and an event with another seq is ignored.  A computation cut short
 * counts as busy time up to the restart.
 *
 * Every gradient of a round is recorded at the round's tick with
 * staleness 0, in order of arrival (as sync.c); a round cut off by the
 * time limit applies and records nothing.  Thrown-away work is counted per
 * worker (struct worker.dropped): a gradient dropped on arrival, or a job
 * abandoned while computing or with its gradient on the way.  With i.i.d.
 * exponential(mean=1) compute times and no latency, a `restart` round
 * lasts E[m-th order statistic of D] = H_D - H_e (THEORY.md).
 */
#include "protocol.h"

#include <assert.h>
#include <stdlib.h>

/* Where a worker's current job stands. */
enum backup_job {
	BACKUP_DOWN,       /* its parameters are on the way */
	BACKUP_COMPUTING,  /* computing */
	BACKUP_UP,         /* its gradient is on the way */
	BACKUP_WAITING,    /* its gradient is kept in the round */
};

struct backup_state {
	long m;                 /* gradients a round waits for */
	bool finish;            /* stragglers finish (else restart) */
	long received;          /* gradients of the current round so far */
	long *arrived;          /* their workers, in order of arrival (m) */
	uint64_t *ticket;       /* seq of the event each worker's job waits for */
	enum backup_job *job;   /* where each worker's job stands */
};

/* The seq the next scheduled event will get. */
static uint64_t backup_next_seq(const struct sim *s)
{
	return s->q.next_seq;
}

static void backup_send_params(struct sim *s, struct backup_state *st,
			       struct worker *w)
{
	st->ticket[w->id] = backup_next_seq(s);
	st->job[w->id] = BACKUP_DOWN;
	sim_send_params(s, w);
}

/* The job of w is thrown away at a restart. */
static void backup_abandon(struct sim *s, struct backup_state *st,
			   struct worker *w)
{
	switch (st->job[w->id]) {
	case BACKUP_COMPUTING:
		sim_finish_compute(s, w);
		w->dropped++;
		break;
	case BACKUP_UP:
		w->dropped++;
		break;
	default:
		break;
	}
}

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
			backup_send_params(s, st, &s->workers[st->arrived[i]]);
		return;
	}
	for (long i = 0; i < s->nworkers; i++) {
		backup_abandon(s, st, &s->workers[i]);
		backup_send_params(s, st, &s->workers[i]);
	}
}

static void backup_on_gradient(struct sim *s, struct backup_state *st,
			       struct worker *w)
{
	if (w->version != s->k) {
		assert(st->finish);
		w->dropped++;
		backup_send_params(s, st, w);
		return;
	}
	st->job[w->id] = BACKUP_WAITING;
	st->arrived[st->received++] = w->id;
	if (st->received == st->m)
		backup_end_round(s, st);
}

static void backup_on_event(struct sim *s, const struct event *ev)
{
	struct backup_state *st = s->proto_state;
	struct worker *w = &s->workers[ev->who];
	if (ev->seq != st->ticket[w->id]) {
		assert(!st->finish);
		return;   /* an event of an abandoned job */
	}
	switch ((enum sim_event)ev->kind) {
	case SIM_PARAMS_AT_WORKER:
		st->ticket[w->id] = backup_next_seq(s);
		st->job[w->id] = BACKUP_COMPUTING;
		sim_start_compute(s, w);
		break;
	case SIM_COMPUTE_DONE:
		sim_compute_gradient(s, w);
		st->ticket[w->id] = backup_next_seq(s);
		st->job[w->id] = BACKUP_UP;
		sim_send_gradient(s, w);
		break;
	case SIM_GRAD_AT_SERVER:
		backup_on_gradient(s, st, w);
		break;
	default:
		assert(!"unexpected event");
	}
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
	size_t n = (size_t)s->nworkers;
	st->arrived = calloc((size_t)st->m, sizeof *st->arrived);
	st->ticket = calloc(n, sizeof *st->ticket);
	st->job = calloc(n, sizeof *st->job);
	if (!st->arrived || !st->ticket || !st->job ||
	    sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < s->nworkers; i++)
		backup_send_params(s, st, &s->workers[i]);
	return ASG_OK;
}

static void backup_finish(struct sim *s)
{
	struct backup_state *st = s->proto_state;
	if (st) {
		free(st->arrived);
		free(st->ticket);
		free(st->job);
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
