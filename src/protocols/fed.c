/*
 * fed.c — clients' jobs, local training and the server's buffer of the
 * federated protocols (see fed.h).
 */
#include "fed.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "../engine/rng.h"

/* ---- the pool of jobs ---- */

static double *fed_slot_buf(struct fed *f, const struct sim *s, uint32_t slot)
{
	return f->buf + (size_t)slot * s->dim;
}

static asg_status fed_pool_grow(struct fed *f, const struct sim *s)
{
	uint32_t cap = f->cap ? 2 * f->cap : 16;
	struct fed_job *job = realloc(f->job, cap * sizeof *job);
	if (!job)
		return ASG_ENOMEM;
	f->job = job;
	double *buf = realloc(f->buf, (size_t)cap * (s->dim ? s->dim : 1) * sizeof *buf);
	if (!buf)
		return ASG_ENOMEM;
	f->buf = buf;
	for (uint32_t i = f->cap; i < cap; i++)
		f->job[i].next_free = i + 1 < cap ? i + 1 : f->free_head;
	f->free_head = f->cap;
	f->cap = cap;
	return ASG_OK;
}

static void fed_free(struct fed *f, uint32_t slot)
{
	f->job[slot].next_free = f->free_head;
	f->free_head = slot;
}

/* ---- set-up ---- */

/* U_i = E * ceil(n_i / B), or E without data; n_i in f->shard. */
static void fed_local_steps(struct fed *f, const struct sim *s)
{
	long E = s->sc->protocol.local_epochs, B = s->sc->protocol.batch;
	for (long i = 0; i < s->nworkers; i++) {
		size_t n = s->dim ? s->part.start[i + 1] - s->part.start[i] : 1;
		f->shard[i] = (double)n;
		f->steps[i] = s->dim ? E * (long)((n + (size_t)B - 1) / (size_t)B) : E;
	}
}

asg_status fed_init(struct fed *f, struct sim *s, uint32_t slots,
		    long max_pending, bool keep_model, struct diag *d)
{
	size_t n = (size_t)s->nworkers;
	f->free_head = FED_NO_SLOT;
	f->keep_model = keep_model;
	f->max_pending = max_pending;
	f->steps = calloc(n, sizeof *f->steps);
	f->shard = calloc(n, sizeof *f->shard);
	f->acc = calloc(s->dim ? s->dim : 1, sizeof *f->acc);
	f->pending = calloc((size_t)max_pending, sizeof *f->pending);
	f->draw = rng_stream_alloc(s->sc->seed, rng_entity(RNG_CLIENTS, 0));
	if (!f->steps || !f->shard || !f->acc || !f->pending || !f->draw)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	while (f->cap < slots)
		if (fed_pool_grow(f, s) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
	fed_local_steps(f, s);
	if (sim_record_smoothness(s) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

void fed_release(struct fed *f)
{
	free(f->job);
	free(f->buf);
	free(f->steps);
	free(f->shard);
	free(f->acc);
	free(f->pending);
	if (f->draw)
		gsl_rng_free(f->draw);
	memset(f, 0, sizeof *f);
}

long fed_draw(struct fed *f, long n)
{
	return (long)gsl_rng_uniform_int(f->draw, (unsigned long)n);
}

/* ---- a job ---- */

uint32_t fed_dispatch(struct sim *s, struct fed *f, long client, long tag)
{
	if (f->free_head == FED_NO_SLOT && fed_pool_grow(f, s) != ASG_OK) {
		sim_fail(s, ASG_ENOMEM);
		return FED_NO_SLOT;
	}
	uint32_t slot = f->free_head;
	f->free_head = f->job[slot].next_free;
	f->job[slot] = (struct fed_job){ .client = client, .version = s->k, .tag = tag };
	if (s->dim)
		memcpy(fed_slot_buf(f, s, slot), s->x, s->dim * sizeof *s->x);
	struct worker *w = &s->workers[client];
	double arrive = link_send(&w->down, s->now, s->msg_bytes);
	sim_record_interval(s, w, "downlink", s->now, arrive);
	sim_schedule(s, arrive, SIM_PARAMS_AT_WORKER, (long)slot);
	return slot;
}

/* The job's compute: one draw per local step. */
static void fed_start(struct sim *s, struct fed *f, struct fed_job *job,
		      uint32_t slot)
{
	struct worker *w = &s->workers[job->client];
	double length = 0;
	for (long u = 0; u < f->steps[job->client]; u++)
		length += sim_compute_draw(w);
	job->started = s->now;
	job->computing = true;
	sim_schedule(s, s->now + length, SIM_COMPUTE_DONE, (long)slot);
}

/* The local steps from the x sent, on the client's buffers; the slot then
 * holds the update. */
static void fed_train(struct sim *s, struct fed *f, struct fed_job *job,
		      uint32_t slot)
{
	struct worker *w = &s->workers[job->client];
	double *x = fed_slot_buf(f, s, slot);
	int dim = (int)s->dim;
	memcpy(w->params, x, s->dim * sizeof *x);
	for (long u = 0; u < f->steps[job->client]; u++) {
		sim_worker_gradient(s, w);
		if (!isfinite(w->grad_norm2))
			break;   /* the server sees a non-finite update */
		cblas_daxpy(dim, -w->step, w->grad, 1, w->params, 1);
	}
	if (f->keep_model) {
		memcpy(x, w->params, s->dim * sizeof *x);
		return;
	}
	cblas_daxpy(dim, -1.0, w->params, 1, x, 1);
	job->norm2 = isfinite(w->grad_norm2) ? cblas_ddot(dim, x, 1, x, 1) : NAN;
}

/* The end of the job's compute: train, send the update up. */
static void fed_done(struct sim *s, struct fed *f, struct fed_job *job,
		     uint32_t slot)
{
	struct worker *w = &s->workers[job->client];
	job->computing = false;
	w->busy_time += s->now - job->started;
	sim_record_interval(s, w, "compute", job->started, s->now);
	if (s->dim)
		fed_train(s, f, job, slot);
	w->bytes_sent += s->msg_bytes;
	w->messages_sent++;
	double arrive = link_send(&w->up, s->now, s->msg_bytes);
	sim_record_interval(s, w, "uplink", s->now, arrive);
	sim_schedule(s, arrive, SIM_GRAD_AT_SERVER, (long)slot);
}

bool fed_client_event(struct sim *s, struct fed *f, const struct event *ev)
{
	uint32_t slot = ev->who;
	struct fed_job *job = &f->job[slot];
	if (job->cancelled) {   /* its one pending event */
		fed_free(f, slot);
		return true;
	}
	switch ((enum sim_event)ev->kind) {
	case SIM_PARAMS_AT_WORKER:
		fed_start(s, f, job, slot);
		return true;
	case SIM_COMPUTE_DONE:
		fed_done(s, f, job, slot);
		return true;
	case SIM_GRAD_AT_SERVER:
		return false;
	default:
		assert(!"unexpected event for a client");
		return true;
	}
}

void fed_cancel(struct sim *s, struct fed *f, uint32_t slot)
{
	struct fed_job *job = &f->job[slot];
	struct worker *w = &s->workers[job->client];
	assert(!job->cancelled);
	if (job->computing) {
		w->busy_time += s->now - job->started;
		sim_record_interval(s, w, "compute", job->started, s->now);
	}
	job->computing = false;
	job->cancelled = true;
	w->dropped++;
}

void fed_reject(struct sim *s, struct fed *f, uint32_t slot)
{
	s->workers[f->job[slot].client].dropped++;
	fed_free(f, slot);
}

/* ---- the server's buffer ---- */

void fed_buffer(struct sim *s, struct fed *f, uint32_t slot, double weight)
{
	struct fed_job *job = &f->job[slot];
	assert(f->npending < f->max_pending && s->k >= job->version);
	double *u = fed_slot_buf(f, s, slot);
	int dim = (int)s->dim;
	if (s->dim && f->keep_model) {   /* u <- x - x_client */
		cblas_dscal(dim, -1.0, u, 1);
		cblas_daxpy(dim, 1.0, s->x, 1, u, 1);
		job->norm2 = cblas_ddot(dim, u, 1, u, 1);
	}
	double norm2 = s->dim ? job->norm2 : NAN;
	if (s->dim && !isfinite(norm2))
		sim_diverge(s);
	else if (s->dim)
		cblas_daxpy(dim, weight, u, 1, f->acc, 1);
	f->pending[f->npending++] = (struct fed_pending){
		.client = job->client, .staleness = s->k - job->version,
		.weight = weight, .norm2 = norm2,
	};
	f->pending_weight += weight;
	fed_free(f, slot);
}

void fed_step(struct sim *s, struct fed *f, double scale)
{
	if (s->dim) {
		cblas_daxpy((int)s->dim, -scale, f->acc, 1, s->x, 1);
		memset(f->acc, 0, s->dim * sizeof *f->acc);
	}
	for (long i = 0; i < f->npending; i++) {
		const struct fed_pending *p = &f->pending[i];
		sim_count_update(s, &s->workers[p->client], p->staleness,
				 p->weight * scale, p->norm2);
	}
	f->npending = 0;
	f->pending_weight = 0;
}

double fed_staleness_weight(const struct protocol_config *p, uint64_t tau)
{
	switch (p->staleness_weight) {
	case STALENESS_CONSTANT:
		return 1.0;
	case STALENESS_INVERSE_SQRT:
		return 1.0 / sqrt(1.0 + (double)tau);
	case STALENESS_POLYNOMIAL:
		return pow(1.0 + (double)tau, -p->staleness_power);
	}
	assert(!"unknown staleness weight");
	return 1.0;
}

/* ---- the asynchronous server (fedbuff, fedasync) ---- */

void fed_async_arrival(struct sim *s, struct fed *f, uint32_t slot,
		       long buffer, double scale)
{
	const struct protocol_config *p = &s->sc->protocol;
	uint64_t tau = s->k - f->job[slot].version;
	if (tau > p->max_staleness) {
		fed_reject(s, f, slot);
	} else {
		fed_buffer(s, f, slot, fed_staleness_weight(p, tau));
		if (f->npending == buffer && !sim_stopped(s)) {
			fed_step(s, f, scale);
			sim_tick(s);
		}
	}
	if (!sim_stopped(s))
		fed_dispatch(s, f, fed_draw(f, s->nworkers), 0);
}

asg_status fed_async_setup(struct sim *s, struct fed *f, long buffer,
			   bool keep_model, struct diag *d)
{
	long C = s->sc->protocol.concurrency ? s->sc->protocol.concurrency
					      : s->nworkers;
	asg_status st = fed_init(f, s, (uint32_t)C, buffer, keep_model, d);
	if (st != ASG_OK)
		return st;
	for (long c = 0; c < C; c++)
		fed_dispatch(s, f, fed_draw(f, s->nworkers), 0);
	return ASG_OK;
}

void fed_async_finish(struct sim *s)
{
	if (s->proto_state)
		fed_release(s->proto_state);
	free(s->proto_state);
	s->proto_state = NULL;
}
