/*
 * sim.c — building a run, the event loop, and the services protocols use
 * (see sim.h for the model of a run and its rules).
 */
#include "sim.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "../protocols/protocol.h"
#include "quadgrad.h"
#include "rng.h"

/* ---- building ---- */

static asg_status sim_alloc_worker_buffers(struct sim *s, struct worker *w)
{
	size_t batch = (size_t)s->sc->protocol.batch;
	w->params = calloc(s->dim, sizeof *w->params);
	w->grad = calloc(s->dim, sizeof *w->grad);
	w->batch = calloc(batch, sizeof *w->batch);
	return w->params && w->grad && w->batch ? ASG_OK : ASG_ENOMEM;
}

static asg_status sim_init_worker(struct sim *s, struct worker *w, long id,
				  size_t group)
{
	const struct scenario *sc = s->sc;
	uint64_t seed = sc->seed;
	w->id = id;
	w->group = group;
	struct diag unused;
	diag_init(&unused);
	asg_status in_range = dist_at(&sc->groups[group].compute, id, NULL,
				      &w->compute_at, &unused);
	assert(in_range == ASG_OK);   /* validated for every worker index */
	(void)in_range;
	const struct dist *shared = &sc->groups[group].compute;
	bool own = dist_indexed(shared) || dist_replays(shared);
	w->compute = own ? &w->compute_at : shared;
	w->compute_replays = dist_replays(shared);
	w->step = sc->groups[group].step > 0 ? sc->groups[group].step
					     : sc->protocol.step;
	rng_stream_init(&w->rng, seed, rng_entity(RNG_WORKER, (uint64_t)id));
	rng_stream_init(&w->batch_rng, seed, rng_entity(RNG_BATCH, (uint64_t)id));
	const struct worker_group *g = &sc->groups[group];
	link_init(&w->up, &g->uplink, g->bandwidth, seed,
		  rng_entity(RNG_UPLINK, (uint64_t)id));
	link_init(&w->down, &g->downlink, g->bandwidth, seed,
		  rng_entity(RNG_DOWNLINK, (uint64_t)id));
	if (sim_avail_init(s, w) != ASG_OK)
		return ASG_ENOMEM;
	if (s->dim == 0)
		return ASG_OK;
	return sim_alloc_worker_buffers(s, w);
}

static asg_status sim_init_workers(struct sim *s)
{
	s->nworkers = s->sc->nworkers;
	s->workers = calloc((size_t)s->nworkers, sizeof *s->workers);
	if (!s->workers)
		return ASG_ENOMEM;
	long id = 0;
	for (size_t g = 0; g < s->sc->ngroups; g++)
		for (long c = 0; c < s->sc->groups[g].count; c++, id++)
			if (sim_init_worker(s, &s->workers[id], id, g) != ASG_OK)
				return ASG_ENOMEM;
	assert(id == s->nworkers);
	return ASG_OK;
}

static asg_status sim_init_problem(struct sim *s, struct diag *d)
{
	const struct scenario *sc = s->sc;
	const struct model_ops *ops = model_ops_of(sc->model.kind);
	asg_status st;
	if (sc->model.kind != MODEL_NONE) {
		st = dataset_load(&sc->data, ops->task, sc->data.seed, &s->data, d);
		if (st != ASG_OK)
			return st;
		st = partition_build(&sc->data, &s->data,
				     (size_t)sc->nworkers, sc->data.seed, &s->part, d);
		if (st != ASG_OK)
			return st;
	}
	st = model_init(&s->model, &sc->model,
			sc->model.kind == MODEL_NONE ? NULL : &s->data, d);
	if (st != ASG_OK)
		return st;
	s->dim = s->model.dim;
	s->msg_bytes = (double)s->dim * sizeof(double);
	nic_init(&s->server_nic, sc->network.server_bandwidth);
	s->x = calloc(s->dim ? s->dim : 1, sizeof *s->x);
	s->full_grad = calloc(s->dim ? s->dim : 1, sizeof *s->full_grad);
	size_t work = model_workspace_size(&s->model, (size_t)sc->protocol.batch);
	s->server_work = calloc(work ? work : 1, sizeof *s->server_work);
	if (!s->x || !s->full_grad || !s->server_work)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	gsl_rng *init = rng_stream_alloc(sc->seed, rng_entity(RNG_MODEL, 0));
	if (!init)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	model_init_params(&s->model, s->x, init);
	gsl_rng_free(init);
	return ASG_OK;
}

/* The step policy, momentum and DC-ASGD of the run (step.h); koloskova
 * without L= takes the model's. */
static asg_status sim_init_steps(struct sim *s, struct diag *d)
{
	const struct protocol_config *p = &s->sc->protocol;
	double smoothness = NAN;
	if (step_needs_smoothness(&p->policy) &&
	    sim_smoothness(s, &smoothness) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	if (step_init(&s->steps, &p->policy, s->nworkers, p->momentum,
		      p->dc_lambda, s->dim, s->x, smoothness) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

asg_status sim_init(struct sim *s, const struct scenario *sc,
		    struct recorder *rec, struct diag *d)
{
	memset(s, 0, sizeof *s);
	/* Threads would change the order of BLAS sums, so the last bits. */
	openblas_set_num_threads(1);
	s->sc = sc;
	s->rec = rec;
	s->outcome = SIM_RUNNING;
	s->diverged_at = -1;
	s->last_eval_k = -1;
	s->step = sc->protocol.step;
	s->last_loss = NAN;
	s->last_full_grad_norm2 = NAN;
	s->last_test_accuracy = NAN;
	s->proto = protocol_of(sc->protocol.kind);
	if (!s->proto)
		return diag_set(d, ASG_EINPUT, "protocol '%s' is not simulated by this build",
				scenario_protocol_name(sc->protocol.kind));
	asg_status st = sim_init_problem(s, d);
	if (st != ASG_OK)
		goto out_release;
	if (sim_init_workers(s) != ASG_OK ||
	    eventq_init(&s->q, 4 * (size_t)s->nworkers + 16) != ASG_OK) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_release;
	}
	if ((st = sim_init_steps(s, d)) != ASG_OK)
		goto out_release;
	return ASG_OK;

out_release:
	sim_release(s);
	return st;
}

static void sim_release_worker(struct worker *w)
{
	sim_avail_release(w);
	free(w->params);
	free(w->grad);
	free(w->batch);
}

void sim_release(struct sim *s)
{
	if (s->proto && s->proto->finish)
		s->proto->finish(s);
	s->proto = NULL;
	for (long i = 0; s->workers && i < s->nworkers; i++)
		sim_release_worker(&s->workers[i]);
	free(s->workers);
	s->workers = NULL;
	eventq_release(&s->q);
	step_release(&s->steps);
	free(s->x);
	free(s->full_grad);
	free(s->server_work);
	s->x = s->full_grad = s->server_work = NULL;
	partition_release(&s->part);
	dataset_release(&s->data);
}

/* ---- failure and divergence ---- */

void sim_fail(struct sim *s, asg_status why)
{
	if (s->outcome == SIM_RUNNING || s->outcome == SIM_DONE) {
		s->outcome = SIM_FAILED;
		s->failure = why;
	}
}

void sim_diverge(struct sim *s)
{
	if (s->outcome != SIM_RUNNING)
		return;
	s->outcome = SIM_DIVERGED;
	s->diverged_at = (int64_t)s->k;
}

/* ---- services ---- */

void sim_schedule(struct sim *s, double at, enum sim_event kind, long who)
{
	assert(at >= s->now);
	uint32_t tagged = sim_avail_tag(s, (uint32_t)kind, who);
	if (eventq_push(&s->q, at, tagged, (uint32_t)who) != ASG_OK)
		sim_fail(s, ASG_ENOMEM);
}

/* An interval of worker activity into `timeline`, within record.timeline. */
void sim_record_interval(struct sim *s, const struct worker *w,
			 const char *kind, double start, double end)
{
	if (s->rec && start < s->sc->record.timeline_until &&
	    recorder_timeline(s->rec, w->id, kind, start, end) != ASG_OK)
		sim_fail(s, ASG_EIO);
}

double sim_server_send(struct sim *s, struct link *l, double bytes)
{
	return link_send(l, nic_send(&s->server_nic, s->now, bytes), bytes);
}

void sim_send_params(struct sim *s, struct worker *w)
{
	if (s->dim)
		memcpy(w->params, s->x, s->dim * sizeof *s->x);
	w->version = s->k;
	double arrive = sim_server_send(s, &w->down, s->msg_bytes);
	sim_record_interval(s, w, "downlink", s->now, arrive);
	sim_schedule(s, arrive, SIM_PARAMS_AT_WORKER, w->id);
}

double sim_compute_draw(struct worker *w)
{
	gsl_rng gen = rng_stream_gen(&w->rng);
	return w->compute_replays ? dist_next(&w->compute_at, &gen)
				  : dist_sample(w->compute, &gen);
}

void sim_start_compute(struct sim *s, struct worker *w)
{
	w->started = s->now;
	double length = sim_compute_draw(w);
	if (s->has_avail) {
		length *= sim_avail_factor(w);
		sim_avail_job(w, true);
	}
	sim_schedule(s, s->now + length, SIM_COMPUTE_DONE, w->id);
}

/* Minibatch indices drawn uniformly, with replacement, from w's shard. */
static void sim_draw_batch(struct sim *s, struct worker *w)
{
	size_t from = s->part.start[w->id];
	size_t size = s->part.start[w->id + 1] - from;
	gsl_rng gen = rng_stream_gen(&w->batch_rng);
	for (long b = 0; b < s->sc->protocol.batch; b++)
		w->batch[b] = s->part.index[from + gsl_rng_uniform_int(&gen, size)];
}

void sim_finish_compute(struct sim *s, struct worker *w)
{
	w->busy_time += s->now - w->started;
	sim_avail_job(w, false);
	sim_record_interval(s, w, "compute", w->started, s->now);
}

void sim_worker_gradient(struct sim *s, struct worker *w)
{
	if (s->dim == 0) {
		w->grad_norm2 = NAN;
		return;
	}
	sim_draw_batch(s, w);
	model_batch_grad(&s->model, w->params, w->batch,
			 (size_t)s->sc->protocol.batch, w->grad, s->server_work);
	w->grad_norm2 = cblas_ddot((int)s->dim, w->grad, 1, w->grad, 1);
}

void sim_compute_gradient(struct sim *s, struct worker *w)
{
	sim_finish_compute(s, w);
	sim_worker_gradient(s, w);
}

void sim_send_gradient(struct sim *s, struct worker *w)
{
	w->bytes_sent += s->msg_bytes;
	w->messages_sent++;
	double arrive = sim_server_send(s, &w->up, s->msg_bytes);
	sim_record_interval(s, w, "uplink", s->now, arrive);
	sim_schedule(s, arrive, SIM_GRAD_AT_SERVER, w->id);
}

bool sim_ps_worker_event(struct sim *s, const struct event *ev)
{
	struct worker *w = &s->workers[ev->who];
	switch ((enum sim_event)ev->kind) {
	case SIM_PARAMS_AT_WORKER:
		sim_start_compute(s, w);
		return true;
	case SIM_COMPUTE_DONE:
		sim_compute_gradient(s, w);
		sim_send_gradient(s, w);
		return true;
	default:
		return false;
	}
}

static bool sim_records_tick(const struct sim *s)
{
	const struct record_config *r = &s->sc->record;
	return s->rec && (r->updates == RECORD_ALL ||
			  (r->updates == RECORD_EVERY && s->k % (uint64_t)r->updates_every == 0));
}

double sim_step_size(const struct sim *s, const struct worker *w, double step,
		     uint64_t staleness)
{
	double a = w->step == s->step ? step
		 : step == s->step ? w->step : step * (w->step / s->step);
	return step_size(&s->steps, a, s->k, staleness);
}

void sim_apply_gradient(struct sim *s, struct worker *w, double scale,
			double step)
{
	assert(s->k >= w->version);
	uint64_t staleness = s->k - w->version;
	double alpha = sim_step_size(s, w, step, staleness);
	if (s->dim) {
		if (!isfinite(w->grad_norm2)) {
			sim_diverge(s);
			return;
		}
		double coef = alpha == step ? scale : scale / step * alpha;
		if (coef != 0)
			step_apply(&s->steps, s->x, w->grad, w->params, coef);
	}
	sim_count_update(s, w, staleness, alpha, w->grad_norm2);
}

void sim_count_update(struct sim *s, struct worker *w, uint64_t staleness,
		      double step, double grad_norm2)
{
	w->updates++;
	w->staleness_sum += (double)staleness;
	s->gradients++;
	s->staleness_sum += (double)staleness;
	if (sim_records_tick(s) &&
	    recorder_update(s->rec, s->k, s->now, w->id, staleness, step,
			    grad_norm2) != ASG_OK)
		sim_fail(s, ASG_EIO);
}

/* ---- evaluation ---- */

static bool sim_due(uint64_t k, long every)
{
	return every > 0 && k % (uint64_t)every == 0;
}

/* Evaluate at the current x and write an evals row: the full gradient when
 * `full` (else NULL), the train loss always, the held-out loss and accuracy
 * when `test` and there is a held-out set. */
static void sim_evaluate(struct sim *s, bool full, bool test)
{
	double norm2 = NAN, test_loss = NAN, test_acc = NAN, loss;
	if (s->exact_grad) {
		loss = quadgrad_value(s->exact_grad, s->x);
		if (full)
			norm2 = quadgrad_norm2(s->exact_grad);
	} else {
		loss = model_full_grad(&s->model, s->x, full ? s->full_grad : NULL,
				       s->server_work);
		if (full)
			norm2 = cblas_ddot((int)s->dim, s->full_grad, 1, s->full_grad, 1);
	}
	if (test && s->data.n_test > 0) {
		model_evaluate(&s->model, s->x, s->data.x_test, s->data.y_test,
			       s->data.n_test, &test_loss, &test_acc, s->server_work);
		s->last_test_accuracy = test_acc;
	}
	s->last_loss = loss;
	s->last_eval_k = (int64_t)s->k;
	if (full)
		s->last_full_grad_norm2 = norm2;
	if (!isfinite(loss) || (full && !isfinite(norm2)))
		sim_diverge(s);
	if (s->rec && recorder_eval(s->rec, s->k, s->now, norm2, loss, test_loss,
				    test_acc) != ASG_OK)
		sim_fail(s, ASG_EIO);
}

static void sim_evaluate_if_due(struct sim *s)
{
	if (s->dim == 0)
		return;
	bool full = sim_due(s->k, s->sc->record.full_grad_every);
	bool test = sim_due(s->k, s->sc->record.eval_every);
	if (full || test)
		sim_evaluate(s, full, test);
}

void sim_tick(struct sim *s)
{
	if (s->dim)
		step_tick(&s->steps, s->x);
	s->k++;
	sim_evaluate_if_due(s);
	if (s->sc->stop.updates && s->k >= s->sc->stop.updates &&
	    s->outcome == SIM_RUNNING)
		s->outcome = SIM_DONE;
}

/* ---- the loop ---- */

static bool sim_past_time_limit(const struct sim *s, double t)
{
	return s->sc->stop.time > 0 && t > s->sc->stop.time;
}

/* Start loading the worker of the next event while this one is handled:
 * with 10^5 workers, its first touch is a miss on memory otherwise.  A
 * hint only (`who` of some events is no worker; nothing is read). */
static void sim_prefetch_next(const struct sim *s)
{
	const struct event *next = eventq_peek(&s->q);
	if (next && next->who < (uint64_t)s->nworkers) {
		const char *w = (const char *)&s->workers[next->who];
		__builtin_prefetch(w);
		__builtin_prefetch(w + 64);
	}
}

asg_status sim_run(struct sim *s, struct diag *d)
{
	asg_status st = s->proto->setup(s, d);
	if (st != ASG_OK) {
		sim_fail(s, st);
		return st;
	}
	sim_evaluate_if_due(s);   /* the starting point, k = 0 */
	if (s->has_avail)
		sim_avail_start(s);
	struct event ev;
	while (s->outcome == SIM_RUNNING) {
		if (!eventq_pop(&s->q, &ev)) {
			s->outcome = SIM_STALLED;
			break;
		}
		if (sim_past_time_limit(s, ev.t)) {
			s->now = s->sc->stop.time;
			s->outcome = SIM_DONE;
			break;
		}
		s->now = ev.t;
		s->events++;
		sim_prefetch_next(s);
		if (s->has_avail && sim_avail_event(s, &ev))
			continue;
		s->proto->on_event(s, &ev);
		if (s->progress && (s->events & (SIM_PROGRESS_EVENTS - 1)) == 0)
			s->progress(s, s->progress_ctx);
	}
	if (s->has_avail)
		sim_avail_end(s);
	if (s->proto->end && s->outcome != SIM_FAILED)
		s->proto->end(s);
	/* the end point, unless this tick was evaluated already */
	bool ended = s->outcome == SIM_DONE || s->outcome == SIM_STALLED;
	if (s->dim && ended && s->last_eval_k != (int64_t)s->k)
		sim_evaluate(s, true, true);
	if (s->outcome != SIM_FAILED)
		return ASG_OK;
	if (s->failure == ASG_ENOMEM)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return diag_set(d, s->failure, "%s",
			s->rec ? recorder_error(s->rec) : "recording failed");
}
