/*
 * ringmaster.c — Ringmaster ASGD: asynchronous SGD that stops every job
 * which has seen R updates since it started.
 *
 * Source: A. Maranjyan, A. Tyurin, P. Richtárik, "Ringmaster ASGD: The
 * First Asynchronous SGD with Optimal Time Complexity", ICML 2025 (arXiv
 * 2501.16168), Algorithm 5, "with calculation stops".
 *
 *   server:   x <- x_0, k <- 0; send (x, k) to every worker
 *             on a gradient from worker i computed on x_v:
 *                 x <- x - gamma g              (one tick: k <- k + 1)
 *                 send (x, k) to worker i
 *                 for every worker j whose job reads x_v' with k - v' >= R:
 *                     stop it; send (x, k) to worker j
 *   worker i: on (x_v, v): g <- grad F(x_v; minibatch); send g
 *
 * R = protocol.restart_after.  A job is stopped as soon as its delay
 * k - v' reaches R, wherever it stands (its parameters on the way,
 * computing, or its gradient on the way), so it never delivers: every
 * applied gradient has staleness k - v <= R - 1 (asserted, and tested),
 * with or without network latency.  The paper's Algorithm 4 ("without
 * calculation stops") lets the job finish and ignores a gradient of delay
 * >= R on arrival instead; it idles the worker for the rest of that job.
 * With R = .inf no job is ever stopped and the run is async's, event for
 * event and bit for bit.
 *
 * A stopped job's pending event is ignored (jobs.h: by ticket); a
 * computation cut short counts as busy time up to the stop, and a job
 * stopped while computing or with its gradient on the way counts in its
 * worker's `dropped`.
 *
 * Jobs in order of their start: a list of the workers by the version of
 * their current job (a job starts at the server's k, which never
 * decreases, so sending moves a worker to the tail); after each update the
 * jobs at the head with k - v >= R are stopped: O(1) per update besides
 * the stops.
 */
#include "protocol.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "jobs.h"

#define RINGMASTER_NONE (-1L)

struct ringmaster_state {
	uint64_t restart_after;     /* R; UINT64_MAX: never */
	struct jobs jobs;           /* the workers' jobs */
	long *prev, *next;          /* the list of workers by job start */
	long head, tail;            /* its ends, RINGMASTER_NONE if empty */
};

static void ringmaster_unlink(struct ringmaster_state *st, long i)
{
	if (st->prev[i] != RINGMASTER_NONE)
		st->next[st->prev[i]] = st->next[i];
	else if (st->head == i)
		st->head = st->next[i];
	if (st->next[i] != RINGMASTER_NONE)
		st->prev[st->next[i]] = st->prev[i];
	else if (st->tail == i)
		st->tail = st->prev[i];
	st->prev[i] = st->next[i] = RINGMASTER_NONE;
}

static void ringmaster_append(struct ringmaster_state *st, long i)
{
	st->prev[i] = st->tail;
	st->next[i] = RINGMASTER_NONE;
	if (st->tail != RINGMASTER_NONE)
		st->next[st->tail] = i;
	else
		st->head = i;
	st->tail = i;
}

/* A new job for w at the current point (stopping its current one):
 * w moves to the tail of the list. */
static void ringmaster_send(struct sim *s, struct ringmaster_state *st,
			    struct worker *w)
{
	ringmaster_unlink(st, w->id);
	ringmaster_append(st, w->id);
	jobs_restart(&st->jobs, s, w);
}

/* Stop every job whose delay has reached R. */
static void ringmaster_stop_old(struct sim *s, struct ringmaster_state *st)
{
	while (st->head != RINGMASTER_NONE) {
		struct worker *w = &s->workers[st->head];
		if (s->k - w->version < st->restart_after)
			return;
		ringmaster_send(s, st, w);
	}
}

static asg_status ringmaster_setup(struct sim *s, struct diag *d)
{
	struct ringmaster_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	size_t n = (size_t)s->nworkers;
	st->restart_after = s->sc->protocol.restart_after;
	assert(st->restart_after >= 1);
	st->prev = malloc(n * sizeof *st->prev);
	st->next = malloc(n * sizeof *st->next);
	if (jobs_init(&st->jobs, s) != ASG_OK || !st->prev || !st->next ||
	    sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	st->head = st->tail = RINGMASTER_NONE;
	for (size_t i = 0; i < n; i++)
		st->prev[i] = st->next[i] = RINGMASTER_NONE;
	for (long i = 0; i < s->nworkers; i++)
		ringmaster_send(s, st, &s->workers[i]);
	return ASG_OK;
}

static void ringmaster_on_event(struct sim *s, const struct event *ev)
{
	struct ringmaster_state *st = s->proto_state;
	struct worker *w = &s->workers[ev->who];

	if (!jobs_event(&st->jobs, s, ev))
		return;   /* the worker's side, or an event of a stopped job */
	assert(s->k - w->version < st->restart_after);
	sim_apply_gradient(s, w, s->step, s->step);
	sim_tick(s);
	ringmaster_send(s, st, w);
	ringmaster_stop_old(s, st);
}

static void ringmaster_finish(struct sim *s)
{
	struct ringmaster_state *st = s->proto_state;
	if (st) {
		jobs_release(&st->jobs);
		free(st->prev);
		free(st->next);
	}
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_ringmaster = {
	.name = "ringmaster",
	.setup = ringmaster_setup,
	.on_event = ringmaster_on_event,
	.finish = ringmaster_finish,
};
