/*
 * fedavg.c — federated averaging.
 *
 * Source: H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y
 * Arcas, "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017 (FederatedAveraging, Algorithm 1);
 * deadlines and availability as in K. Bonawitz et al., "Towards Federated
 * Learning at Scale: System Design", MLSys 2019.
 *
 *   server: x <- x_0, k <- 0
 *     each round:
 *       S <- C clients drawn uniformly without replacement among the
 *            clients that are on (all of them without availability)
 *       send x to every client of S
 *       wait until every client of S is back, or until the deadline
 *            (a client not back by then is dropped: its work is
 *            abandoned and counted in `dropped`)
 *       x <- sum_{i back} n_i x_i / sum_{i back} n_i      (one tick)
 *   client i on x: x_i <- x; E local epochs of SGD on its shard of n_i
 *                  samples (fed.h); send x_i
 *
 * Timing: a client's compute distribution is the time of one local step
 * (one minibatch gradient), drawn afresh for each of its U_i = E *
 * ceil(n_i / B) steps (U_i = E for the timing-only model): a round lasts
 * the longest of the sampled clients' downlink + sum of U_i draws +
 * uplink, or the deadline.  Koloskova et al. 2022, Lemma 11 (900 clients
 * of 10 s, 100 of 60 s, C = 10, E = 1): a round lasts 60 - 50 P(no slow
 * client among the 10) = 42.6 s.
 *
 * Availability (protocol.availability: {on: DIST, off: DIST}): every
 * client alternates on and off intervals drawn from its own stream
 * (RNG_AVAILABILITY), starting on at time 0; it may be sampled only while
 * on (going off does not stop a job it has).  A round that finds no client
 * on waits for the first to come on.  The sample is drawn from the
 * server's stream (RNG_CLIENTS) by a partial Fisher-Yates shuffle.
 *
 * Records: the clients back in a round, in order of arrival, one `updates`
 * row each at the round's tick, staleness 0, step_size = n_i / sum n_j
 * (its weight in the average), grad_norm2 = ||x - x_i||^2.  A round with
 * no client back changes nothing and does not tick; after
 * FEDAVG_EMPTY_MAX such rounds in a row the run ends as stalled.
 */
#include "fed.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "../engine/rng.h"

#define FEDAVG_EMPTY_MAX 1000

struct fedavg_state {
	struct fed fed;          /* jobs and the server's buffer */
	long clients;            /* C */
	uint64_t round;          /* rounds started so far, this one included */
	bool open;               /* a round is under way (else waiting for a
	                            client to come on) */
	long sent;               /* jobs of the round under way */
	long back;               /* of those, back at the server */
	uint32_t *slot;          /* their slots (C) */
	bool *is_back;           /* which are back (C) */
	long *pool;              /* the clients to sample from (N) */
	long empty;              /* rounds in a row with no client back */
	/* availability: NULL arrays without it */
	gsl_rng **avail_rng;     /* each client's on/off stream (N) */
	bool *on;                /* whether it is on (N) */
	double *next_switch;     /* when it next switches (N) */
};

/* ---- availability ---- */

/* Client i's on/off state at the current time. */
static void fedavg_advance(const struct sim *s, struct fedavg_state *st, long i)
{
	const struct protocol_config *p = &s->sc->protocol;
	while (st->next_switch[i] <= s->now) {
		st->on[i] = !st->on[i];
		st->next_switch[i] += dist_sample(st->on[i] ? &p->avail_on : &p->avail_off,
						  st->avail_rng[i]);
	}
}

/* The clients on now into pool; their number, and in *wake the first time
 * a client that is off comes on. */
static long fedavg_on_clients(const struct sim *s, struct fedavg_state *st,
			      double *wake)
{
	long m = 0;
	*wake = INFINITY;
	for (long i = 0; i < s->nworkers; i++) {
		fedavg_advance(s, st, i);
		if (st->on[i])
			st->pool[m++] = i;
		else if (st->next_switch[i] < *wake)
			*wake = st->next_switch[i];
	}
	return m;
}

static asg_status fedavg_setup_availability(struct sim *s, struct fedavg_state *st)
{
	size_t n = (size_t)s->nworkers;
	st->avail_rng = calloc(n, sizeof *st->avail_rng);
	st->on = calloc(n, sizeof *st->on);
	st->next_switch = calloc(n, sizeof *st->next_switch);
	if (!st->avail_rng || !st->on || !st->next_switch)
		return ASG_ENOMEM;
	for (long i = 0; i < s->nworkers; i++) {
		st->avail_rng[i] = rng_stream_alloc(s->sc->seed,
						    rng_entity(RNG_AVAILABILITY, (uint64_t)i));
		if (!st->avail_rng[i])
			return ASG_ENOMEM;
		st->on[i] = true;
		st->next_switch[i] = dist_sample(&s->sc->protocol.avail_on,
						 st->avail_rng[i]);
	}
	return ASG_OK;
}

/* ---- rounds ---- */

static void fedavg_start_round(struct sim *s, struct fedavg_state *st)
{
	long m = s->nworkers;
	if (st->on) {
		double wake;
		m = fedavg_on_clients(s, st, &wake);
		if (m == 0) {
			st->open = false;
			sim_schedule(s, wake, SIM_TIMER, (long)(uint32_t)st->round);
			return;
		}
	}
	long take = st->clients < m ? st->clients : m;
	for (long j = 0; j < take; j++) {
		long r = j + fed_draw(&st->fed, m - j);
		long c = st->pool[r];
		st->pool[r] = st->pool[j];
		st->pool[j] = c;
		st->slot[j] = fed_dispatch(s, &st->fed, c, j);
		st->is_back[j] = false;
		if (st->slot[j] == FED_NO_SLOT)
			return;
	}
	st->sent = take;
	st->back = 0;
	st->open = true;
	if (s->sc->protocol.deadline > 0)
		sim_schedule(s, s->now + s->sc->protocol.deadline, SIM_TIMER,
			     (long)(uint32_t)st->round);
}

/* The round ends: drop the clients not back, average, start the next. */
static void fedavg_close_round(struct sim *s, struct fedavg_state *st)
{
	struct fed *f = &st->fed;
	for (long j = 0; j < st->sent; j++)
		if (!st->is_back[j])
			fed_cancel(s, f, st->slot[j]);
	st->open = false;
	if (f->npending > 0) {
		st->empty = 0;
		fed_step(s, f, 1.0 / f->pending_weight);
		sim_tick(s);
	} else if (++st->empty >= FEDAVG_EMPTY_MAX && s->outcome == SIM_RUNNING) {
		s->outcome = SIM_STALLED;   /* no client can make the deadline */
	}
	if (sim_stopped(s))
		return;
	st->round++;
	fedavg_start_round(s, st);
}

static void fedavg_on_event(struct sim *s, const struct event *ev)
{
	struct fedavg_state *st = s->proto_state;
	struct fed *f = &st->fed;
	if (ev->kind == SIM_TIMER) {
		if (ev->who != (uint32_t)st->round)
			return;   /* the deadline of a round that ended before it */
		if (st->open)
			fedavg_close_round(s, st);
		else
			fedavg_start_round(s, st);
		return;
	}
	if (fed_client_event(s, f, ev))
		return;
	const struct fed_job *job = &f->job[ev->who];
	assert(st->open && job->tag < st->sent && !st->is_back[job->tag]);
	st->is_back[job->tag] = true;
	fed_buffer(s, f, ev->who, f->shard[job->client]);
	if (++st->back == st->sent)
		fedavg_close_round(s, st);
}

static asg_status fedavg_setup(struct sim *s, struct diag *d)
{
	struct fedavg_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	long N = s->nworkers;
	st->clients = s->sc->protocol.clients_per_round ? s->sc->protocol.clients_per_round
							: N;
	asg_status status = fed_init(&st->fed, s, 2 * (uint32_t)st->clients, st->clients,
				     false, d);
	if (status != ASG_OK)
		return status;
	st->slot = calloc((size_t)st->clients, sizeof *st->slot);
	st->is_back = calloc((size_t)st->clients, sizeof *st->is_back);
	st->pool = calloc((size_t)N, sizeof *st->pool);
	if (!st->slot || !st->is_back || !st->pool ||
	    (s->sc->protocol.has_availability &&
	     fedavg_setup_availability(s, st) != ASG_OK))
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < N; i++)
		st->pool[i] = i;
	fedavg_start_round(s, st);
	return ASG_OK;
}

static void fedavg_finish(struct sim *s)
{
	struct fedavg_state *st = s->proto_state;
	if (!st)
		return;
	fed_release(&st->fed);
	for (long i = 0; st->avail_rng && i < s->nworkers; i++)
		if (st->avail_rng[i])
			gsl_rng_free(st->avail_rng[i]);
	free(st->avail_rng);
	free(st->on);
	free(st->next_switch);
	free(st->slot);
	free(st->is_back);
	free(st->pool);
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_fedavg = {
	.name = "fedavg",
	.setup = fedavg_setup,
	.on_event = fedavg_on_event,
	.finish = fedavg_finish,
};
