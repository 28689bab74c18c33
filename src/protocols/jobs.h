/*
 * jobs.h — parameter-server workers whose jobs the server may stop
 * (backup with stragglers: restart, rennala, ringmaster).
 *
 * A job is what a worker does with a point the server sent: the point on
 * its way down, the computation, the gradient on its way up.  Stopping a
 * job at any stage sends the worker the current point; the stopped job's
 * pending event must not act later.  So each worker holds a ticket, the
 * seq of the one event its current job waits for (eventq.h: an event's
 * seq is the queue's next_seq when it is pushed), and an event with
 * another seq is not the job's.  A computation cut short counts as busy
 * time up to the stop, and a job stopped while computing or with its
 * gradient on the way counts in its worker's `dropped`.
 *
 * Memory: a ticket and a stage per worker, allocated by jobs_init.
 */
#ifndef ASG_PROTOCOLS_JOBS_H
#define ASG_PROTOCOLS_JOBS_H

#include "protocol.h"

/* Where a worker's current job stands. */
enum jobs_stage {
	JOBS_DOWN,        /* its point is on the way */
	JOBS_COMPUTING,   /* computing */
	JOBS_UP,          /* its gradient is on the way */
	JOBS_DELIVERED,   /* its gradient reached the server */
};

struct jobs {
	uint64_t *ticket;          /* seq of the event each job waits for */
	enum jobs_stage *stage;    /* where each job stands */
};

/* For the s->nworkers workers.  ASG_ENOMEM on failure (then release). */
asg_status jobs_init(struct jobs *j, const struct sim *s);

void jobs_release(struct jobs *j);

/* A new job for w: send it the current point (sim_send_params). */
void jobs_send(struct jobs *j, struct sim *s, struct worker *w);

/* Stop w's job and send it the current point. */
void jobs_restart(struct jobs *j, struct sim *s, struct worker *w);

/* An event of w's current job (false: of a stopped job, to be ignored).
 * The worker's side is done here: the point's arrival starts the
 * computation, its end computes the gradient and sends it.  Returns true
 * for SIM_GRAD_AT_SERVER of the current job, which is the server's to
 * handle (the job is then delivered), false for anything else. */
bool jobs_event(struct jobs *j, struct sim *s, const struct event *ev);

#endif
