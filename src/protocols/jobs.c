/*
 * jobs.c — workers' jobs that the server may stop, by ticket (jobs.h).
 */
#include "jobs.h"

#include <assert.h>
#include <stdlib.h>

asg_status jobs_init(struct jobs *j, const struct sim *s)
{
	size_t n = (size_t)s->nworkers;
	j->ticket = calloc(n, sizeof *j->ticket);
	j->stage = calloc(n, sizeof *j->stage);
	return j->ticket && j->stage ? ASG_OK : ASG_ENOMEM;
}

void jobs_release(struct jobs *j)
{
	free(j->ticket);
	free(j->stage);
	j->ticket = NULL;
	j->stage = NULL;
}

void jobs_send(struct jobs *j, struct sim *s, struct worker *w)
{
	j->ticket[w->id] = s->q.next_seq;
	j->stage[w->id] = JOBS_DOWN;
	sim_send_params(s, w);
}

void jobs_restart(struct jobs *j, struct sim *s, struct worker *w)
{
	switch (j->stage[w->id]) {
	case JOBS_COMPUTING:
		sim_finish_compute(s, w);
		w->dropped++;
		break;
	case JOBS_UP:
		w->dropped++;
		break;
	case JOBS_DOWN:
	case JOBS_DELIVERED:
		break;
	}
	jobs_send(j, s, w);
}

bool jobs_event(struct jobs *j, struct sim *s, const struct event *ev)
{
	struct worker *w = &s->workers[ev->who];

	if (ev->seq != j->ticket[w->id])
		return false;   /* an event of a stopped job */
	switch ((enum sim_event)ev->kind) {
	case SIM_PARAMS_AT_WORKER:
		j->ticket[w->id] = s->q.next_seq;
		j->stage[w->id] = JOBS_COMPUTING;
		sim_start_compute(s, w);
		return false;
	case SIM_COMPUTE_DONE:
		sim_compute_gradient(s, w);
		j->ticket[w->id] = s->q.next_seq;
		j->stage[w->id] = JOBS_UP;
		sim_send_gradient(s, w);
		return false;
	case SIM_GRAD_AT_SERVER:
		j->stage[w->id] = JOBS_DELIVERED;
		return true;
	default:
		assert(!"unexpected event");
		return false;
	}
}
