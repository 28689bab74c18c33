/*
 * dasgd.c — distributed asynchronous SGD over blocks of coordinates.
 *
 * Source: A. Redder, A. Ramaswamy, H. Karl, "Rate of Convergence Analysis
 * of Constant Step-Size Distributed Stochastic Gradient Descent", KuVS
 * Fachgespräch "Machine Learning & Networking", 2022; arXiv 2201.11343.
 * Definitions in THEORY.md.
 *
 *   x = (x^1, ..., x^D); agent i owns block x^i and keeps a view: its own
 *   block (always current) and its latest copy of every other block.
 *   agent i, forever:
 *       snapshot <- view                    (Delta_ij: ages of the copies)
 *       g <- grad_{x^i} F(snapshot; minibatch)   during its compute time
 *       x^i <- x^i - alpha^i g               (one tick of the global clock:
 *                                             the block now has stamp k+1)
 *       every send_every-th update: send (x^i, stamp) to each neighbour
 *   on a block j arriving at agent i: keep it if its stamp is newer than
 *   the copy held, else count it as outdated.
 *
 * With protocol.schedule (a communication budget), updates send nothing;
 * a global scheduler hands out message slots instead, B per unit of
 * virtual time (a slot at every t = m / B, m = 1, 2, ...), or whenever
 * fewer than B scheduled messages are in flight (after each update and
 * each arrival).  A slot goes to one edge i -> j of the topology, which
 * carries i's current block and stamp.  The scheduler knows what each
 * sender last handed to each receiver, sent_ij (0 at the start: every
 * agent holds x_0), and uses the sender-side age
 *     age_ij = k - sent_ij          (a lower bound on Delta_ji(k): the
 *                                    copy j holds is at most that recent)
 * An edge is eligible when i's block changed since sent_ij; among the
 * eligible ones the policy picks
 *     round_robin        the next in edge order after the last one served
 *     random             one uniformly (its own stream, RNG_SCHEDULE)
 *     max_age            the largest age_ij
 *     max_weighted_age   the largest L^{ji} age_ij, the receiver's term of
 *                        the bound's sum_i sum_j L^{ij} Delta_ij
 *     whittle            the largest L^{ji} age_ij^2: with ages growing
 *                        linearly, serving the largest w_e age_e serves
 *                        edge e at a rate proportional to w_e, so
 *                        max_weighted_age gives each edge a rate ~ L and
 *                        the same sum_e L_e mean_age_e as round robin to
 *                        first order, while rates ~ sqrt(L) (this policy)
 *                        minimise it: (sum_e sqrt L_e)^2 against
 *                        E sum_e L_e, over 2B
 * ties going to the first in edge order after the last one served.  A
 * slot with no eligible edge goes unused.
 *
 * The network: one FIFO link per directed edge of the topology (complete,
 * ring, star, a random regular graph from the run's seed, or an explicit
 * list of undirected edges), latency
 * from network.latency, bandwidth from the sender's group's
 * workers[g].bandwidth (by default network.bandwidth), each message
 * lost with probability network.loss (drawn from the link's stream at
 * sending; a lost message still occupies the link).
 *
 * Records: the `updates` row of agent i's update carries the block's
 * ||g||^2 and, as its staleness, max_{j != i} Delta_ij(k).  With
 * record.aoi: sparse, an `aoi` row (k, i, j, Delta_ij(k)) whenever a
 * snapshot changes the stamp of a copy (and one per pair at k = 0);
 * aoi_summary holds the exact (1/n) sum_{k<n} of the snapshot age, of
 * its lag (lag.h) and of the view age (the age of i's latest copy).  `coupling` holds L^{ij}:
 * ||G_ij||_2 exactly for the quadratic (G = A^T A / N), and the upper
 * bound ||G_ij||_2 / 4 for logreg.  For the quadratic the full gradient at
 * the global iterate is tracked exactly at every tick (quadgrad.h).
 *
 * Blocks: d coordinates cut into D consecutive blocks, of the sizes in
 * protocol.blocks or else of sizes that differ by at most one (d >= D).  The timing-only model has empty blocks: ages,
 * messages and rates are still simulated.
 */
#include "protocol.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "../engine/aoi.h"
#include "../engine/lag.h"
#include "../engine/quadgrad.h"
#include "../engine/rng.h"
#include "../net/topology.h"

/* A block in flight. */
struct dasgd_msg {
	uint32_t from;       /* sending agent (the block's owner) */
	uint32_t to;         /* receiving agent */
	uint64_t stamp;      /* tick of the iterate the block was taken from */
	bool lost;           /* lost on the way (scheduled only: the slot it
	                        takes in flight is released on arrival) */
	uint32_t next_free;  /* free list link */
};

struct dasgd_state {
	long agents;                 /* D */
	size_t *lo;                  /* D + 1 block offsets into x */
	size_t max_block;            /* largest block size */
	struct aoi_tracker snap;     /* stamps of the snapshots' copies */
	struct aoi_tracker view;     /* stamps of the views' latest copies */
	struct lag_tracker lag;      /* lags of the snapshots' copies */
	uint64_t *block_stamp;       /* tick of each agent's current block */
	bool *held;                  /* D scratch: whose snapshot holds a block current */
	uint64_t *since_send;        /* updates since each agent last sent */
	struct link *links;          /* D x D, links[i * D + j] for edges i->j */
	long *nbr;                   /* neighbours, agent by agent */
	long *nbr_start;             /* D + 1 offsets into nbr */
	struct dasgd_msg *msg;       /* message pool */
	double *payload;             /* its blocks, max_block doubles a slot */
	uint32_t cap;                /* slots in the pool */
	uint32_t free_head;          /* first free slot, UINT32_MAX if none */
	struct quadgrad qg;          /* exact gradient (quadratic only) */
	double *delta;               /* max_block scratch */
	/* the schedule (protocol.schedule), when its policy is not none */
	long edges;                  /* E, the directed edges: nbr_start[D] */
	long *edge_from;             /* E: the sender of each edge (nbr: receiver) */
	uint64_t *sent;              /* E: stamp of the block last handed to the edge */
	double *weight;              /* E: L^{ji} (max_weighted_age), else 1 */
	long *pick;                  /* E scratch: the eligible edges (random) */
	long next_edge;              /* where the next search starts */
	long in_flight;              /* scheduled messages not yet arrived */
	uint64_t slots;              /* per time: the slots so far */
	gsl_rng *sched_rng;          /* random policy's stream (owned) */
};

#define NO_SLOT UINT32_MAX

/* The tracked gradient of the quadratic is recomputed from x every this
 * many ticks, so that rounding in the increments cannot accumulate. */
#define DASGD_REFRESH_TICKS 1024

/* ---- the message pool ---- */

static asg_status dasgd_pool_grow(struct dasgd_state *st)
{
	uint32_t cap = st->cap ? 2 * st->cap : 64;
	struct dasgd_msg *msg = realloc(st->msg, cap * sizeof *msg);
	if (!msg)
		return ASG_ENOMEM;
	st->msg = msg;
	size_t width = st->max_block ? st->max_block : 1;
	double *payload = realloc(st->payload, cap * width * sizeof *payload);
	if (!payload)
		return ASG_ENOMEM;
	st->payload = payload;
	for (uint32_t i = st->cap; i < cap; i++)
		st->msg[i].next_free = i + 1 < cap ? i + 1 : st->free_head;
	st->free_head = st->cap;
	st->cap = cap;
	return ASG_OK;
}

static uint32_t dasgd_slot_alloc(struct dasgd_state *st)
{
	if (st->free_head == NO_SLOT && dasgd_pool_grow(st) != ASG_OK)
		return NO_SLOT;
	uint32_t slot = st->free_head;
	st->free_head = st->msg[slot].next_free;
	return slot;
}

static void dasgd_slot_free(struct dasgd_state *st, uint32_t slot)
{
	st->msg[slot].next_free = st->free_head;
	st->free_head = slot;
}

/* ---- set-up ---- */

static asg_status dasgd_build_network(struct sim *s, struct dasgd_state *st,
				      struct diag *d)
{
	long D = st->agents;
	const struct network_config *net = &s->sc->network;
	bool *adj = calloc((size_t)(D * D), sizeof *adj);
	st->links = calloc((size_t)(D * D), sizeof *st->links);
	st->nbr_start = calloc((size_t)D + 1, sizeof *st->nbr_start);
	st->nbr = calloc((size_t)(D * D), sizeof *st->nbr);
	st->edge_from = calloc((size_t)(D * D), sizeof *st->edge_from);
	asg_status status = ASG_ENOMEM;
	if (!adj || !st->links || !st->nbr_start || !st->nbr || !st->edge_from)
		goto out_free_adj;
	status = topology_adjacency(net, D, s->sc->seed, adj, d);
	if (status != ASG_OK)
		goto out_free_adj;
	long e = 0;
	for (long i = 0; i < D; i++) {
		st->nbr_start[i] = e;
		for (long j = 0; j < D; j++) {
			if (!adj[i * D + j])
				continue;
			st->edge_from[e] = i;
			st->nbr[e++] = j;
			link_init(&st->links[i * D + j], &net->latency,
				  s->sc->groups[s->workers[i].group].bandwidth,
				  s->sc->seed,
				  rng_entity(RNG_AGENT_LINK, (uint64_t)(i * D + j)));
		}
	}
	st->nbr_start[D] = e;
out_free_adj:
	free(adj);
	if (status == ASG_ENOMEM)
		diag_set(d, ASG_ENOMEM, "out of memory");
	return status;
}

void dasgd_stamps(const struct sim *s, long i, long j, uint64_t *snapshot,
		  uint64_t *view)
{
	const struct dasgd_state *st = s->proto_state;
	*snapshot = aoi_stamp(&st->snap, i, j);
	*view = aoi_stamp(&st->view, i, j);
}

static void dasgd_record_initial_ages(struct sim *s, struct dasgd_state *st)
{
	if (!s->rec || !s->sc->record.aoi)
		return;
	for (long i = 0; i < st->agents; i++)
		for (long j = 0; j < st->agents; j++)
			recorder_aoi(s->rec, 0, i, j, 0);
}

static void dasgd_start(struct sim *s, struct dasgd_state *st, long i);
static asg_status dasgd_setup_schedule(struct sim *s, struct dasgd_state *st);

static asg_status dasgd_setup_state(struct sim *s, struct dasgd_state *st,
				    struct diag *d)
{
	long D = st->agents;
	if (s->dim > 0 && s->dim < (size_t)D)
		return diag_set(d, ASG_EINPUT,
				"dasgd needs at least one coordinate per agent: "
				"%zu features for %ld agents", s->dim, D);
	st->lo = calloc((size_t)D + 1, sizeof *st->lo);
	st->since_send = calloc((size_t)D, sizeof *st->since_send);
	st->block_stamp = calloc((size_t)D, sizeof *st->block_stamp);
	st->held = calloc((size_t)D, sizeof *st->held);
	if (!st->lo || !st->since_send || !st->block_stamp || !st->held ||
	    lag_init(&st->lag, D, s->sc->stop.updates) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	const struct protocol_config *proto = &s->sc->protocol;
	for (long i = 0; i <= D; i++)
		st->lo[i] = proto->blocks && s->dim
				    ? (i ? st->lo[i - 1] + (size_t)proto->blocks[i - 1] : 0)
				    : s->dim * (size_t)i / (size_t)D;
	if (st->lo[D] != s->dim)
		return diag_set(d, ASG_EINPUT, "protocol.blocks add up to %zu, but the "
				"data has %zu features", st->lo[D], s->dim);
	for (long i = 0; i < D; i++)
		if (st->lo[i + 1] - st->lo[i] > st->max_block)
			st->max_block = st->lo[i + 1] - st->lo[i];
	st->delta = calloc(st->max_block ? st->max_block : 1, sizeof *st->delta);
	st->free_head = NO_SLOT;
	if (!st->delta || aoi_init(&st->snap, D) != ASG_OK ||
	    aoi_init(&st->view, D) != ASG_OK || dasgd_pool_grow(st) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	asg_status status = dasgd_build_network(s, st, d);
	if (status != ASG_OK)
		return status;
	if (s->sc->model.kind == MODEL_QUADRATIC) {
		if (quadgrad_init(&st->qg, &s->model, s->x) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		s->exact_grad = &st->qg;
	}
	if (sim_record_coupling(s, st->lo, D) != ASG_OK ||
	    dasgd_setup_schedule(s, st) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

static asg_status dasgd_setup(struct sim *s, struct diag *d)
{
	struct dasgd_state *st = calloc(1, sizeof *st);
	if (!st)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	s->proto_state = st;
	st->agents = s->nworkers;
	asg_status status = dasgd_setup_state(s, st, d);
	if (status != ASG_OK)
		return status;
	for (long i = 0; i < st->agents; i++)
		if (s->dim)
			memcpy(s->workers[i].params, s->x, s->dim * sizeof *s->x);
	dasgd_record_initial_ages(s, st);
	for (long i = 0; i < st->agents; i++)
		dasgd_start(s, st, i);
	return ASG_OK;
}

/* ---- the loop of an agent ---- */

/* Take the snapshot (record the ages that changed), compute the gradient
 * on it, and schedule the end of the job. */
static void dasgd_start(struct sim *s, struct dasgd_state *st, long i)
{
	struct worker *w = &s->workers[i];
	for (long j = 0; j < st->agents; j++) {
		if (j == i)
			continue;
		uint64_t stamp = aoi_stamp(&st->view, i, j);
		assert(stamp >= aoi_stamp(&st->snap, i, j));
		if (!aoi_set(&st->snap, i, j, stamp, s->k))
			continue;
		lag_copy(&st->lag, i, j, stamp, stamp == st->block_stamp[j], s->k);
		if (s->rec && s->sc->record.aoi)
			recorder_aoi(s->rec, s->k, i, j, s->k - stamp);
	}
	sim_worker_gradient(s, w);
	sim_start_compute(s, w);
}

/* The oldest copy in agent i's snapshot: max_{j != i} Delta_ij(k). */
static uint64_t dasgd_snapshot_staleness(const struct sim *s,
					 const struct dasgd_state *st, long i)
{
	uint64_t oldest = 0;
	for (long j = 0; j < st->agents; j++)
		if (j != i && s->k - aoi_stamp(&st->snap, i, j) > oldest)
			oldest = s->k - aoi_stamp(&st->snap, i, j);
	return oldest;
}

/* x^i <- x^i - alpha^i g^i, in the global iterate and in i's own view. */
static double dasgd_step_block(struct sim *s, struct dasgd_state *st, long i)
{
	struct worker *w = &s->workers[i];
	size_t lo = st->lo[i], len = st->lo[i + 1] - lo;
	if (len == 0)
		return NAN;
	double norm2 = cblas_ddot((int)len, w->grad + lo, 1, w->grad + lo, 1);
	for (size_t c = 0; c < len; c++)
		st->delta[c] = -w->step * w->grad[lo + c];
	cblas_daxpy((int)len, 1.0, st->delta, 1, s->x + lo, 1);
	cblas_daxpy((int)len, 1.0, st->delta, 1, w->params + lo, 1);
	if (s->exact_grad && (s->k + 1) % DASGD_REFRESH_TICKS == 0)
		quadgrad_refresh(&st->qg, s->x);
	else if (s->exact_grad)
		quadgrad_move(&st->qg, lo, lo + len, st->delta);
	return norm2;
}

/* Hand agent i's current block to the link i -> j (edge e); a lost
 * message still occupies the link, and with a schedule its slot in flight
 * until its arrival time. */
static void dasgd_send_edge(struct sim *s, struct dasgd_state *st, long e)
{
	long i = st->edge_from[e], j = st->nbr[e];
	struct worker *w = &s->workers[i];
	size_t lo = st->lo[i], len = st->lo[i + 1] - lo;
	double bytes = (double)len * sizeof(double);
	bool scheduled = s->sc->protocol.schedule != SCHEDULE_NONE;
	struct link *l = &st->links[i * st->agents + j];
	double arrive = link_send(l, s->now, bytes);
	w->messages_sent++;
	w->bytes_sent += bytes;
	gsl_rng gen = rng_stream_gen(&l->rng);
	bool lost = s->sc->network.loss > 0 && gsl_rng_uniform(&gen) < s->sc->network.loss;
	if (lost)
		w->messages_lost++;
	if (lost && !scheduled)
		return;
	uint32_t slot = dasgd_slot_alloc(st);
	if (slot == NO_SLOT) {
		sim_fail(s, ASG_ENOMEM);
		return;
	}
	st->msg[slot] = (struct dasgd_msg){ .from = (uint32_t)i, .to = (uint32_t)j,
					    .stamp = st->block_stamp[i],
					    .lost = lost };
	if (len && !lost)
		memcpy(st->payload + (size_t)slot * st->max_block, s->x + lo,
		       len * sizeof *s->x);
	sim_schedule(s, arrive, SIM_BLOCK_AT_AGENT, (long)slot);
}

static void dasgd_send(struct sim *s, struct dasgd_state *st, long i)
{
	for (long e = st->nbr_start[i]; e < st->nbr_start[i + 1]; e++)
		dasgd_send_edge(s, st, e);
}

/* ---- the schedule ---- */

/* Whether edge e has a block its receiver was not handed yet. */
static bool dasgd_eligible(const struct dasgd_state *st, long e)
{
	return st->block_stamp[st->edge_from[e]] > st->sent[e];
}

/* The policy's edge for the next slot, -1 if none is eligible. */
static long dasgd_pick(const struct sim *s, struct dasgd_state *st)
{
	enum schedule_policy policy = s->sc->protocol.schedule;
	long best = -1, n = 0;
	double best_score = -1;
	for (long c = 0; c < st->edges; c++) {
		long e = (st->next_edge + c) % st->edges;
		if (!dasgd_eligible(st, e))
			continue;
		if (policy == SCHEDULE_ROUND_ROBIN)
			return e;
		if (policy == SCHEDULE_RANDOM) {
			st->pick[n++] = e;
			continue;
		}
		double age = (double)(s->k - st->sent[e]);
		double score = st->weight[e] * age * (policy == SCHEDULE_WHITTLE ? age : 1);
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	if (policy == SCHEDULE_RANDOM && n > 0)
		best = st->pick[gsl_rng_uniform_int(st->sched_rng, (unsigned long)n)];
	return best;
}

/* Give one slot to the policy's edge; false when no edge is eligible. */
static bool dasgd_grant(struct sim *s, struct dasgd_state *st)
{
	long e = dasgd_pick(s, st);
	if (e < 0)
		return false;
	st->sent[e] = st->block_stamp[st->edge_from[e]];
	st->next_edge = (e + 1) % st->edges;
	st->in_flight++;
	dasgd_send_edge(s, st, e);
	return true;
}

/* Per in_flight: fill the free slots. */
static void dasgd_fill(struct sim *s, struct dasgd_state *st)
{
	const struct protocol_config *p = &s->sc->protocol;
	if (p->schedule == SCHEDULE_NONE || !p->schedule_in_flight)
		return;
	while ((double)st->in_flight < p->schedule_budget && !sim_stopped(s) &&
	       dasgd_grant(s, st))
		;
}

/* Per time: the slot at t = slots / B, and the next one. */
static void dasgd_slot(struct sim *s, struct dasgd_state *st)
{
	dasgd_grant(s, st);
	st->slots++;
	sim_schedule(s, (double)(st->slots + 1) / s->sc->protocol.schedule_budget,
		     SIM_TIMER, 0);
}

static asg_status dasgd_setup_schedule(struct sim *s, struct dasgd_state *st)
{
	const struct protocol_config *p = &s->sc->protocol;
	long D = st->agents, E = st->nbr_start[D];
	st->edges = E;
	if (p->schedule == SCHEDULE_NONE || E == 0)
		return ASG_OK;
	st->sent = calloc((size_t)E, sizeof *st->sent);
	st->weight = calloc((size_t)E, sizeof *st->weight);
	st->pick = calloc((size_t)E, sizeof *st->pick);
	double *L = calloc((size_t)(D * D), sizeof *L);
	asg_status status = ASG_ENOMEM;
	if (!st->sent || !st->weight || !st->pick || !L)
		goto out_free_L;
	bool weighted = p->schedule == SCHEDULE_MAX_WEIGHTED_AGE ||
			p->schedule == SCHEDULE_WHITTLE;
	if (weighted && sim_coupling(s, st->lo, D, L) != ASG_OK)
		goto out_free_L;
	for (long i = 0; i < D; i++)
		for (long e = st->nbr_start[i]; e < st->nbr_start[i + 1]; e++)
			st->weight[e] = weighted ? L[st->nbr[e] * D + i] : 1.0;
	if (p->schedule == SCHEDULE_RANDOM &&
	    !(st->sched_rng = rng_stream_alloc(s->sc->seed, rng_entity(RNG_SCHEDULE, 0))))
		goto out_free_L;
	if (!p->schedule_in_flight)
		sim_schedule(s, 1.0 / p->schedule_budget, SIM_TIMER, 0);
	status = ASG_OK;
out_free_L:
	free(L);
	return status;
}

static void dasgd_update(struct sim *s, struct dasgd_state *st, long i)
{
	struct worker *w = &s->workers[i];
	sim_finish_compute(s, w);
	double norm2 = dasgd_step_block(s, st, i);
	if (s->dim && !isfinite(norm2)) {
		sim_diverge(s);
		return;
	}
	sim_count_update(s, w, dasgd_snapshot_staleness(s, st, i), w->step, norm2);
	sim_tick(s);
	for (long a = 0; a < st->agents; a++)
		st->held[a] = aoi_stamp(&st->snap, a, i) == st->block_stamp[i];
	if (lag_update(&st->lag, i, s->k - 1, st->held) != ASG_OK)
		sim_fail(s, ASG_ENOMEM);
	st->block_stamp[i] = s->k;
	if (s->sc->protocol.schedule == SCHEDULE_NONE &&
	    ++st->since_send[i] >= (uint64_t)s->sc->protocol.send_every) {
		st->since_send[i] = 0;
		dasgd_send(s, st, i);
	}
	dasgd_fill(s, st);
	dasgd_start(s, st, i);
}

static void dasgd_receive(struct sim *s, struct dasgd_state *st, uint32_t slot)
{
	const struct dasgd_msg *m = &st->msg[slot];
	struct worker *to = &s->workers[m->to];
	if (s->sc->protocol.schedule != SCHEDULE_NONE)
		st->in_flight--;
	if (m->lost) {
		/* nothing arrives */
	} else if (m->stamp > aoi_stamp(&st->view, m->to, m->from)) {
		size_t lo = st->lo[m->from], len = st->lo[m->from + 1] - lo;
		if (len)
			memcpy(to->params + lo, st->payload + (size_t)slot * st->max_block,
			       len * sizeof *to->params);
		aoi_set(&st->view, m->to, m->from, m->stamp, s->k);
	} else {
		to->messages_outdated++;
	}
	dasgd_slot_free(st, slot);
	dasgd_fill(s, st);
}

static void dasgd_on_event(struct sim *s, const struct event *ev)
{
	struct dasgd_state *st = s->proto_state;
	switch ((enum sim_event)ev->kind) {
	case SIM_COMPUTE_DONE:
		dasgd_update(s, st, (long)ev->who);
		break;
	case SIM_BLOCK_AT_AGENT:
		dasgd_receive(s, st, ev->who);
		break;
	case SIM_TIMER:
		dasgd_slot(s, st);
		break;
	case SIM_PARAMS_AT_WORKER:
	case SIM_GRAD_AT_SERVER:
		assert(!"no parameter server in dasgd");
		break;
	case SIM_SLOW_SWITCH:
		assert(!"straggler episodes are the simulation's (sim_avail.c)");
		break;
	case SIM_WORKER_DOWN:
	case SIM_WORKER_UP:
		assert(!"failures are refused for dasgd");
		break;
	}
}

/* ---- the end ---- */

static void dasgd_end(struct sim *s)
{
	struct dasgd_state *st = s->proto_state;
	uint64_t n = s->k;
	if (!s->rec || !s->sc->record.aoi || n == 0)
		return;
	for (long i = 0; i < st->agents; i++)
		for (long j = 0; j < st->agents; j++) {
			struct aoi_summary_row row = { .i = i, .j = j };
			if (i != j) {   /* Delta_ii = 0: an agent's own block is current */
				row.sum_age = aoi_sum_age(&st->snap, i, j, n);
				row.max_age = aoi_max_age(&st->snap, i, j, n);
				row.mean_view_age = (double)aoi_sum_age(&st->view, i, j, n) / (double)n;
				row.max_view_age = aoi_max_age(&st->view, i, j, n);
				row.mean_lag = (double)lag_sum(&st->lag, i, j, n) / (double)n;
			}
			row.mean_age = (double)row.sum_age / (double)n;
			recorder_aoi_summary(s->rec, &row);
		}
}

static void dasgd_finish(struct sim *s)
{
	struct dasgd_state *st = s->proto_state;
	if (!st)
		return;
	free(st->links);
	free(st->nbr);
	free(st->nbr_start);
	free(st->lo);
	free(st->since_send);
	free(st->delta);
	free(st->msg);
	free(st->payload);
	aoi_release(&st->snap);
	aoi_release(&st->view);
	lag_release(&st->lag);
	free(st->block_stamp);
	free(st->held);
	free(st->edge_from);
	free(st->sent);
	free(st->weight);
	free(st->pick);
	if (st->sched_rng)
		gsl_rng_free(st->sched_rng);
	quadgrad_release(&st->qg);
	s->exact_grad = NULL;
	free(st);
	s->proto_state = NULL;
}

const struct protocol protocol_dasgd = {
	.name = "dasgd",
	.setup = dasgd_setup,
	.on_event = dasgd_on_event,
	.end = dasgd_end,
	.finish = dasgd_finish,
};
