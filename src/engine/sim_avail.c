/*
 * sim_avail.c — time-varying workers: straggler episodes and failures
 * (workers[g].slowdown, workers[g].failures), for the workers of the
 * groups that have them.
 *
 * Both are alternating on/off processes per worker, from the run's start:
 *
 *   slowdown  normal for a draw of `every`, slowed for a draw of `lasts`,
 *             normal again ...  A job that STARTS while its worker is
 *             slowed takes `factor` times its compute draw; the factor is
 *             fixed when the job starts (a job spanning an episode's
 *             boundary keeps it).  Long-run fraction of time slowed:
 *             E[lasts] / (E[every] + E[lasts]).
 *   failures  up for a draw of `uptime`, down for a draw of `downtime`,
 *             up again ...  A crash loses the worker's job in progress
 *             and every message to or from it still in flight (counted in
 *             `lost`, the jobs whose gradient had not reached the server);
 *             while down it receives nothing.  Availability:
 *             E[uptime] / (E[uptime] + E[downtime]).
 *
 * Each process draws from its worker's own stream (RNG_SLOWDOWN,
 * RNG_FAILURES), so adding either changes no other draw.  Episode
 * switches are SIM_SLOW_SWITCH events, handled here; crashes and
 * recoveries are SIM_WORKER_DOWN and SIM_WORKER_UP, handled here first
 * and then given to the protocol (sync.c and async.c say how they react).
 *
 * Lost messages: with failures in a run, sim_schedule tags each event of a
 * worker (parameters arriving, compute done, gradient arriving) with the
 * worker's epoch, a counter bumped at each crash, recovery and
 * abandonment; an event whose tag is not its worker's epoch any more, or
 * that reaches a worker that is down, is dropped before the protocol sees
 * it.  The tag is the epoch's low 16 bits, in the event kind's high bits:
 * an event would be mistaken for a current one only if its worker went
 * through 65536 epochs while it was pending.
 *
 * Intervals go to `timeline` as kinds 'slow' and 'down' (record.timeline),
 * the totals to the `workers` row (slowed, downtime, lost); an interval
 * still open at the end of the run is closed at its last event time.
 */
#include "sim.h"

#include <assert.h>
#include <stdlib.h>

#include "rng.h"

#define SIM_TAG_SHIFT 16
#define SIM_KIND_MASK 0xffffu

struct worker_avail {
	gsl_rng *slow_rng;        /* its episodes (owned), NULL without */
	gsl_rng *fail_rng;        /* its failures (owned), NULL without */
	struct dist every, lasts; /* its group's slowdown, at its index */
	struct dist uptime, downtime; /* its group's failures, at its index */
	double factor;            /* compute multiplier while slowed */
	bool slowed;              /* in an episode now */
	double slow_since;        /* start of the current episode */
	bool down;                /* crashed now */
	double down_since;        /* time of the current crash */
	uint32_t epoch;           /* bumped at each crash, recovery, abandon */
	bool computing;           /* a job is running (sim_start_compute ..
	                             sim_finish_compute) */
	bool job_open;            /* a job started whose gradient has not
	                             reached the server */
	struct sim_avail_totals totals;
};

/* The concrete dist of worker id from a group's (validated already). */
static void sim_avail_dist(const struct dist *group, long id, struct dist *out)
{
	struct diag unused;
	diag_init(&unused);
	asg_status in_range = dist_at(group, id, NULL, out, &unused);
	assert(in_range == ASG_OK);
	(void)in_range;
}

asg_status sim_avail_init(struct sim *s, struct worker *w)
{
	const struct worker_group *g = &s->sc->groups[w->group];
	uint64_t seed = s->sc->seed, id = (uint64_t)w->id;

	if (!g->has_slowdown && !g->has_failures)
		return ASG_OK;
	struct worker_avail *a = calloc(1, sizeof *a);
	if (!a)
		return ASG_ENOMEM;
	w->avail = a;
	s->has_avail = true;
	a->factor = 1;
	if (g->has_slowdown) {
		sim_avail_dist(&g->slow_every, w->id, &a->every);
		sim_avail_dist(&g->slow_lasts, w->id, &a->lasts);
		a->factor = g->slow_factor;
		a->slow_rng = rng_stream_alloc(seed, rng_entity(RNG_SLOWDOWN, id));
		if (!a->slow_rng)
			return ASG_ENOMEM;
	}
	if (g->has_failures) {
		sim_avail_dist(&g->uptime, w->id, &a->uptime);
		sim_avail_dist(&g->downtime, w->id, &a->downtime);
		a->fail_rng = rng_stream_alloc(seed, rng_entity(RNG_FAILURES, id));
		s->has_failures = true;
		if (!a->fail_rng)
			return ASG_ENOMEM;
	}
	return ASG_OK;
}

void sim_avail_release(struct worker *w)
{
	struct worker_avail *a = w->avail;
	if (!a)
		return;
	if (a->slow_rng)
		gsl_rng_free(a->slow_rng);
	if (a->fail_rng)
		gsl_rng_free(a->fail_rng);
	free(a);
	w->avail = NULL;
}

void sim_avail_start(struct sim *s)
{
	for (long i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];
		struct worker_avail *a = w->avail;
		if (a && a->slow_rng)
			sim_schedule(s, s->now + dist_next(&a->every, a->slow_rng),
				     SIM_SLOW_SWITCH, w->id);
		if (a && a->fail_rng)
			sim_schedule(s, s->now + dist_next(&a->uptime, a->fail_rng),
				     SIM_WORKER_DOWN, w->id);
	}
}

static bool sim_avail_worker_kind(uint32_t kind)
{
	return kind == SIM_PARAMS_AT_WORKER || kind == SIM_COMPUTE_DONE ||
	       kind == SIM_GRAD_AT_SERVER;
}

uint32_t sim_avail_tag(const struct sim *s, uint32_t kind, long who)
{
	if (!s->has_failures || !sim_avail_worker_kind(kind))
		return kind;
	const struct worker_avail *a = s->workers[who].avail;
	return a ? kind | (a->epoch & SIM_KIND_MASK) << SIM_TAG_SHIFT : kind;
}

double sim_avail_factor(const struct worker *w)
{
	return w->avail && w->avail->slowed ? w->avail->factor : 1;
}

bool sim_worker_down(const struct worker *w)
{
	return w->avail && w->avail->down;
}

void sim_avail_job(struct worker *w, bool start)
{
	if (!w->avail)
		return;
	w->avail->computing = start;
	if (start)
		w->avail->job_open = true;
}

void sim_avail_abandon(struct sim *s, struct worker *w)
{
	struct worker_avail *a = w->avail;
	if (!a)
		return;
	a->epoch++;
	if (a->computing)
		sim_finish_compute(s, w);
	if (a->job_open)
		w->dropped++;
	a->job_open = false;
}

static void sim_avail_switch(struct sim *s, struct worker *w)
{
	struct worker_avail *a = w->avail;
	if (a->slowed) {
		a->totals.slowed += s->now - a->slow_since;
		sim_record_interval(s, w, "slow", a->slow_since, s->now);
	}
	a->slowed = !a->slowed;
	a->slow_since = s->now;
	struct dist *next = a->slowed ? &a->lasts : &a->every;
	sim_schedule(s, s->now + dist_next(next, a->slow_rng), SIM_SLOW_SWITCH,
		     w->id);
}

static void sim_avail_crash(struct sim *s, struct worker *w)
{
	struct worker_avail *a = w->avail;
	a->epoch++;
	if (a->computing)
		sim_finish_compute(s, w);
	if (a->job_open)
		a->totals.lost++;
	a->job_open = false;
	a->down = true;
	a->down_since = s->now;
	sim_schedule(s, s->now + dist_next(&a->downtime, a->fail_rng),
		     SIM_WORKER_UP, w->id);
}

static void sim_avail_recover(struct sim *s, struct worker *w)
{
	struct worker_avail *a = w->avail;
	a->epoch++;
	a->down = false;
	a->totals.downtime += s->now - a->down_since;
	sim_record_interval(s, w, "down", a->down_since, s->now);
	sim_schedule(s, s->now + dist_next(&a->uptime, a->fail_rng),
		     SIM_WORKER_DOWN, w->id);
}

bool sim_avail_event(struct sim *s, struct event *ev)
{
	uint32_t kind = ev->kind & SIM_KIND_MASK;
	uint32_t tag = ev->kind >> SIM_TAG_SHIFT;

	if (sim_avail_worker_kind(kind) && s->has_failures) {
		struct worker_avail *a = s->workers[ev->who].avail;
		ev->kind = kind;
		if (!a)
			return false;
		if (a->down || tag != (a->epoch & SIM_KIND_MASK))
			return true;   /* lost with a crash, or abandoned */
		if (kind == SIM_GRAD_AT_SERVER)
			a->job_open = false;
		return false;
	}
	switch ((enum sim_event)kind) {
	case SIM_SLOW_SWITCH:
		sim_avail_switch(s, &s->workers[ev->who]);
		return true;
	case SIM_WORKER_DOWN:
		sim_avail_crash(s, &s->workers[ev->who]);
		return false;
	case SIM_WORKER_UP:
		sim_avail_recover(s, &s->workers[ev->who]);
		return false;
	default:
		return false;
	}
}

void sim_avail_end(struct sim *s)
{
	for (long i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];
		struct worker_avail *a = w->avail;
		if (!a)
			continue;
		if (a->slowed) {
			a->totals.slowed += s->now - a->slow_since;
			sim_record_interval(s, w, "slow", a->slow_since, s->now);
			a->slow_since = s->now;
		}
		if (a->down) {
			a->totals.downtime += s->now - a->down_since;
			sim_record_interval(s, w, "down", a->down_since, s->now);
			a->down_since = s->now;
		}
	}
}

struct sim_avail_totals sim_avail_totals(const struct worker *w)
{
	struct sim_avail_totals none = { 0, 0, 0 };
	return w->avail ? w->avail->totals : none;
}
