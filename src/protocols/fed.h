/*
 * fed.h — what the federated protocols share (fedavg.c, fedbuff.c,
 * fedasync.c): the jobs of clients, their local training, and the
 * server's buffer of updates.
 *
 * A job is one turn of a client (a worker): the server sends it x (the
 * job's version is the tick k at sending, over the client's downlink), the
 * client trains on its shard starting from x, and sends its update back
 * (uplink).  Jobs live in a pool of slots and their events carry the slot
 * as `who`:
 *   SIM_PARAMS_AT_WORKER  x reached the client; its compute lasts the sum
 *                         of U draws of its compute distribution, one per
 *                         local step;
 *   SIM_COMPUTE_DONE      the U local steps x_i <- x_i - alpha g(x_i) are
 *                         taken (on the client's worker buffers, alpha its
 *                         constant step), the update is kept in the slot
 *                         and sent up;
 *   SIM_GRAD_AT_SERVER    the update reached the server: the protocol's.
 * Local steps per job: U_i = E * ceil(n_i / B) for a shard of n_i samples,
 * E = protocol.local_epochs, B = protocol.batch (minibatches drawn with
 * replacement, as everywhere); U_i = E for the timing-only model.  A client
 * may hold several jobs at once (fedbuff and fedasync draw clients with
 * replacement); each has its own slot and the client's links stay FIFO.
 *
 * The update of a job: delta = x_sent - x_client, its pseudo-gradient, or
 * with keep_model (fedasync) the client's model x_client, turned into
 * x - x_client when it reaches the server.  The server buffers updates
 * (fed_buffer: acc += weight * update) and steps (fed_step: x -= scale *
 * acc, one `updates` row per buffered update, step_size = weight * scale,
 * grad_norm2 = ||update||^2, staleness = k - version); the caller ticks.
 *
 * A cancelled job (fedavg's deadline) is abandoned: its compute stops and
 * its later events only free its slot.  The pool grows (doubling) when
 * every slot is taken; in steady state it does not.
 */
#ifndef ASG_PROTOCOLS_FED_H
#define ASG_PROTOCOLS_FED_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

#define FED_NO_SLOT UINT32_MAX

struct fed_job {
	long client;         /* its worker */
	uint64_t version;    /* tick of the x it was sent */
	long tag;            /* the protocol's (fedavg: index in its round) */
	double started;      /* when its compute started */
	double norm2;        /* ||update||^2 once trained (x_client: at arrival) */
	bool computing;      /* between SIM_PARAMS_AT_WORKER and SIM_COMPUTE_DONE */
	bool cancelled;      /* abandoned: its events only free the slot */
	uint32_t next_free;  /* free list link */
};

/* An update in the server's buffer. */
struct fed_pending {
	long client;         /* whose */
	uint64_t staleness;  /* k - the version it was computed from */
	double weight;       /* its weight in the buffer */
	double norm2;        /* ||update||^2 */
};

struct fed {
	struct fed_job *job;      /* the pool (cap slots) */
	double *buf;              /* dim doubles a slot: x sent, then the update */
	uint32_t cap;             /* slots */
	uint32_t free_head;       /* first free slot, FED_NO_SLOT if none */
	long *steps;              /* U_i, local steps of a job, per client */
	double *shard;            /* n_i per client (1 without data) */
	gsl_rng *draw;            /* the server's client draws (RNG_CLIENTS) */
	bool keep_model;          /* a job keeps x_client, not the delta */
	double *acc;              /* the buffer: sum of weight * update (dim) */
	struct fed_pending *pending; /* its updates, in order of arrival */
	long npending;            /* updates buffered */
	long max_pending;         /* room in pending */
	double pending_weight;    /* sum of their weights */
};

/* Set up for s: `slots` job slots, room for `max_pending` buffered
 * updates, the client draws' stream.  On failure a message is in *d. */
asg_status fed_init(struct fed *f, struct sim *s, uint32_t slots,
		    long max_pending, bool keep_model, struct diag *d);

/* Free everything; a zeroed struct fed is fine. */
void fed_release(struct fed *f);

/* A client drawn uniformly from the n clients. */
long fed_draw(struct fed *f, long n);

/* Send x to `client` in a new job whose tag is `tag`; FED_NO_SLOT (and the
 * run failed) when out of memory. */
uint32_t fed_dispatch(struct sim *s, struct fed *f, long client, long tag);

/* The client side of a job's events, and the events of cancelled jobs.
 * Returns false only for an update of a live job reaching the server. */
bool fed_client_event(struct sim *s, struct fed *f, const struct event *ev);

/* Abandon a job: its compute stops now (counted as busy until now) and
 * its client's `dropped` counts it. */
void fed_cancel(struct sim *s, struct fed *f, uint32_t slot);

/* Throw a job's update away: its client's `dropped` counts it; the slot is
 * freed. */
void fed_reject(struct sim *s, struct fed *f, uint32_t slot);

/* Add a job's update to the buffer with `weight`; the slot is freed.  A
 * non-finite update makes the run diverge. */
void fed_buffer(struct sim *s, struct fed *f, uint32_t slot, double weight);

/* x -= scale * (the buffer), one `updates` row per buffered update; the
 * buffer is then empty.  The caller ticks. */
void fed_step(struct sim *s, struct fed *f, double scale);

/* s(tau) of protocol.staleness_weight. */
double fed_staleness_weight(const struct protocol_config *p, uint64_t tau);

/* The asynchronous server of fedbuff and fedasync: on an update of a live
 * job, reject it beyond protocol.max_staleness, else buffer it with weight
 * s(tau) and step by scale when `buffer` updates are in (then tick); then
 * send the current x to a client drawn uniformly from all. */
void fed_async_arrival(struct sim *s, struct fed *f, uint32_t slot,
		       long buffer, double scale);

/* The set-up of fedbuff and fedasync: protocol.concurrency jobs (every
 * worker without it) on clients drawn uniformly. */
asg_status fed_async_setup(struct sim *s, struct fed *f, long buffer,
			   bool keep_model, struct diag *d);

/* Free the struct fed of s->proto_state (fedbuff and fedasync). */
void fed_async_finish(struct sim *s);

#endif
