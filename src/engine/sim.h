/*
 * sim.h — one simulated run: the event loop, the workers, the server's
 * parameters, the global clock, recording and stopping.
 *
 * Everything that does not depend on the protocol lives here; a protocol
 * (src/protocols/) only decides what happens on each event, using the
 * services below.  The pieces of a parameter-server run:
 *
 *   server  holds x (the current parameters) and the global clock k, the
 *           number of ticks so far (one tick per step of x, whatever the
 *           number of gradients applied in it);
 *   worker  receives a copy of x (its version = the k at which the server
 *           sent it), computes a minibatch gradient on it for a time drawn
 *           from its compute distribution, and sends the gradient back;
 *   links   one uplink and one downlink per worker (src/net/link.h); a
 *           message carries the parameter vector, dim * 8 bytes.
 *   NIC     the server's network interface (src/net/nic.h), one FIFO of
 *           network.server_bandwidth for every message to or from the
 *           server: a message first occupies the NIC for
 *           S / server_bandwidth, in the order messages were handed over,
 *           then goes through the worker's own link (its transmission,
 *           then its latency).
 *
 * Staleness of a gradient applied at tick k = k - the version of the
 * parameters it was computed on (the version the server *sent*).
 *
 * Rules:
 *   - The event queue alone orders events (src/engine/eventq.h).
 *   - Every worker and link draws from its own RNG stream (src/engine/rng.h):
 *     compute times from RNG_WORKER, minibatches from RNG_BATCH, latencies
 *     from RNG_UPLINK / RNG_DOWNLINK — so timing does not depend on the model.
 *   - Nothing allocates between sim_init and sim_release: parameter copies,
 *     gradients, minibatch indices and model workspaces are allocated once.
 *   - OpenBLAS runs single-threaded (sim_init sets it): threads would
 *     change the order of its sums, so the last bits of the results.
 *   - A NaN or infinity in a gradient or the loss stops the run as
 *     diverged, at the tick where it was seen; that is a result.
 */
#ifndef ASG_SIM_H
#define ASG_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "../../models/model.h"
#include "../common/diag.h"
#include "../data/dataset.h"
#include "../net/link.h"
#include "../record/recorder.h"
#include "../scenario/scenario.h"
#include "eventq.h"
#include "rng.h"
#include "step.h"

/* What an event means; `who` is a worker's index. */
enum sim_event {
	SIM_PARAMS_AT_WORKER,   /* parameters sent by the server reached worker who */
	SIM_COMPUTE_DONE,       /* worker who finished its gradient */
	SIM_GRAD_AT_SERVER,     /* worker who's gradient reached the server */
	SIM_BLOCK_AT_AGENT,     /* a block message (who = its slot) arrived */
	SIM_TIMER,              /* a protocol's own timer (who is the protocol's:
	                           fedavg's deadline carries its round) */
	SIM_SLOW_SWITCH,        /* worker who's straggler episode begins or ends
	                           (sim_avail.c; protocols never see it) */
	SIM_WORKER_DOWN,        /* worker who crashed (sim_avail.c) */
	SIM_WORKER_UP,          /* worker who recovered (sim_avail.c) */
};

/* The fields an event of the parameter server touches come first, packed
 * (about four cache lines), the cold ones after: at 10^5 workers every
 * event is a cache miss on its worker. */
struct worker {
	long id;                   /* index in 0 .. nworkers-1 */
	const struct dist *compute;/* its compute-time distribution: its group's
	                              (shared, in cache), or compute_at when it
	                              depends on the worker or replays */
	bool compute_replays;      /* compute draws replay a trace (compute_at) */
	struct rng_stream rng;     /* compute times */
	uint64_t version;          /* tick of the parameters it holds */
	double started;            /* virtual time its current job started */
	struct link up;            /* worker -> server */
	struct link down;          /* server -> worker */
	struct worker_avail *avail;/* its slowdown and failures (sim_avail.c,
	                              owned), NULL without */
	/* statistics */
	uint64_t updates;          /* its gradients applied */
	double staleness_sum;      /* sum of their staleness */
	double busy_time;          /* virtual time spent computing */
	double bytes_sent;         /* bytes it sent to the server */
	uint64_t messages_sent;    /* messages it handed to links */
	double step;               /* its step size alpha^i */
	size_t group;              /* index of its group in the scenario */
	/* with gradients */
	struct rng_stream batch_rng; /* minibatch sampling */
	double *params;            /* the copy of x it computes on (dim) */
	double *grad;              /* its last gradient (dim) */
	size_t *batch;             /* minibatch indices (batch size) */
	double grad_norm2;         /* ||grad||^2 of its last gradient */
	uint64_t messages_lost;    /* of those sent, lost by the network */
	uint64_t messages_outdated;/* copies it received older than its own */
	uint64_t dropped;          /* its jobs whose work was thrown away: a
	                              gradient refused on arrival, or a job
	                              abandoned by a restart (backup); a
	                              client dropped at a deadline (fedavg) or
	                              an update too stale (fedbuff, fedasync) */
	struct dist compute_at;    /* its group's, at its index (dist_at); what
	                              a draw reads is its first cache line */
};

enum sim_outcome {
	SIM_RUNNING,
	SIM_DONE,          /* a stop condition was met */
	SIM_DIVERGED,      /* NaN or infinity seen */
	SIM_STALLED,       /* the event queue ran dry before a stop condition */
	SIM_FAILED,        /* out of memory or the recorder failed */
};

struct protocol;
struct quadgrad;

#define SIM_PROGRESS_EVENTS (1u << 20)

struct sim {
	const struct scenario *sc;   /* the run's configuration (not owned) */
	const struct protocol *proto;/* what happens on each event */
	void *proto_state;           /* the protocol's own state (owned by it) */
	struct eventq q;             /* pending events */
	double now;                  /* virtual time of the event being handled */
	uint64_t k;                  /* global clock: ticks so far */
	uint64_t events;             /* events handled */
	uint64_t gradients;          /* gradients applied */
	double staleness_sum;        /* over every gradient applied */
	enum sim_outcome outcome;    /* SIM_RUNNING until the loop ends */
	int64_t diverged_at;         /* tick of divergence, -1 if none */
	double step;                 /* the protocol's step size */
	struct step steps;           /* step policy, momentum, DC-ASGD (step.h) */

	struct worker *workers;      /* nworkers workers (owned) */
	long nworkers;

	struct dataset data;         /* samples (owned; empty for model none) */
	struct partition part;       /* one shard per worker (owned) */
	struct model model;          /* the learning problem */
	size_t dim;                  /* parameters (0 for model none) */
	double msg_bytes;            /* bytes of a message: dim * sizeof(double) */
	struct nic server_nic;       /* the server's NIC (network.server_bandwidth) */
	double *x;                   /* the server's parameters (dim, owned) */
	double *full_grad;           /* scratch for the full gradient (dim) */
	double *server_work;         /* the model workspace of evaluations and of
	                                every worker's gradient: the loop computes
	                                one at a time, and one buffer stays in cache */

	const struct quadgrad *exact_grad; /* when set, evaluations read the exact
	                                tracked gradient of the quadratic */
	struct recorder *rec;        /* where rows go; NULL records nothing */
	asg_status failure;          /* why the run failed (SIM_FAILED) */
	void (*progress)(const struct sim *s, void *ctx); /* called every
	                                SIM_PROGRESS_EVENTS events, or NULL */
	void *progress_ctx;          /* its argument */
	double last_loss;            /* last train loss evaluated (NAN if none) */
	double last_full_grad_norm2; /* last full-gradient norm^2 (NAN if none) */
	double last_test_accuracy;   /* last test accuracy (NAN if none) */
	int64_t last_eval_k;         /* tick of the last evaluation, -1 if none */
	bool has_avail;              /* some worker has slowdown or failures */
	bool has_failures;           /* some worker has failures (sim_avail.c) */
};

/* Build a run: data, model, workers, links, protocol state.  rec may be
 * NULL (nothing recorded).  On failure a message is in *d and everything
 * built is freed. */
asg_status sim_init(struct sim *s, const struct scenario *sc,
		    struct recorder *rec, struct diag *d);

/* Set the protocol up (its first messages), then run the event loop to a
 * stop condition.  Call once. */
asg_status sim_run(struct sim *s, struct diag *d);

void sim_release(struct sim *s);

/* The runs row of a run, before it starts. */
struct run_row sim_run_row(const struct run_spec *spec);

/* After sim_run: the workers rows and the run's summary, then commit.
 * s->rec must be set. */
asg_status sim_record_summary(const struct sim *s, double wall_seconds);

/* The block Lipschitz constants L^{ij} as `coupling` rows, for the blocks
 * lo[i] .. lo[i+1] of x (blocks + 1 offsets): ||G_ij||_2 with G = A^T A / N
 * for the quadratic (exact), ||G_ij||_2 / 4 for logreg (an upper bound),
 * plus l2 on the diagonal; nothing for the other models (no bound from
 * the data's Gram matrix) or without a recorder.  Allocates: call it at
 * set-up. */
asg_status sim_record_coupling(struct sim *s, const size_t *lo, long blocks);

/* The same L^{ij} into L (blocks x blocks, row-major), without recording:
 * NAN for the models without a bound.  Allocates: call it at set-up. */
asg_status sim_coupling(const struct sim *s, const size_t *lo, long blocks,
			double *L);

/* For a parameter server: L of grad f as the `coupling` row (0, 0), the
 * one-block case of sim_record_coupling. */
asg_status sim_record_smoothness(struct sim *s);

/* ---- services for protocols ---- */

/* Schedule an event at virtual time `at` (>= now). */
void sim_schedule(struct sim *s, double at, enum sim_event kind, long who);

/* Copy x into worker w's parameters (version = k) and send them down its
 * link; SIM_PARAMS_AT_WORKER fires on arrival. */
void sim_send_params(struct sim *s, struct worker *w);

/* Start worker w's next job: SIM_COMPUTE_DONE fires after a compute time. */
void sim_start_compute(struct sim *s, struct worker *w);

/* One compute time of w's distribution, from its stream (a replay
 * advances). */
double sim_compute_draw(struct worker *w);

/* Compute worker w's minibatch gradient on its parameters (real gradient;
 * nothing for model none), account its busy time. */
void sim_compute_gradient(struct sim *s, struct worker *w);

/* The two halves of sim_compute_gradient: the end of a job (busy time,
 * timeline), and the gradient itself on w->params into w->grad. */
void sim_finish_compute(struct sim *s, struct worker *w);
void sim_worker_gradient(struct sim *s, struct worker *w);

/* The worker side of a parameter server: on SIM_PARAMS_AT_WORKER start a
 * job, on SIM_COMPUTE_DONE compute the gradient and send it up.  Returns
 * false for any other event, which is the protocol's to handle. */
bool sim_ps_worker_event(struct sim *s, const struct event *ev);

/* Count a gradient of w applied at the current tick (statistics, and the
 * `updates` row on the record.updates stride). */
void sim_count_update(struct sim *s, struct worker *w, uint64_t staleness,
		      double step, double grad_norm2);

/* Stop the run as failed (out of memory, recording failed). */
void sim_fail(struct sim *s, asg_status why);

/* Stop the run as diverged at the current tick. */
void sim_diverge(struct sim *s);

/* Record an interval of worker activity (record.timeline). */
void sim_record_interval(struct sim *s, const struct worker *w,
			 const char *kind, double start, double end);

/* Send worker w's gradient up its link; SIM_GRAD_AT_SERVER fires on arrival. */
void sim_send_gradient(struct sim *s, struct worker *w);

/* Hand a message of `bytes` between the server and a worker, on that
 * worker's link l, at the current time: through the server's NIC, then l.
 * Returns its arrival time. */
double sim_server_send(struct sim *s, struct link *l, double bytes);

/* x -= scale * w->grad, and record the gradient as applied at the current
 * tick with staleness k - w->version and step size `step`.  The step
 * policy (step.h) decides the step: `step` is its base value a, replaced
 * by the group's workers[g].step when given (a scaled by
 * workers[g].step / protocol.step), and x moves by (scale / step) times
 * the policy's step; with protocol.dc_lambda the gradient is compensated
 * with w->params as the point it was read at.  A constant policy leaves
 * scale and step as they are. */
void sim_apply_gradient(struct sim *s, struct worker *w, double scale,
			double step);

/* The policy's step for a gradient of w with this staleness applied at the
 * current tick, from the protocol's step (see sim_apply_gradient). */
double sim_step_size(const struct sim *s, const struct worker *w, double step,
		     uint64_t staleness);

/* L, the Lipschitz constant of grad f: exact for the quadratic, an upper
 * bound for logreg (as sim_record_coupling); NAN for other models.
 * Allocates d x d doubles: call it at set-up.  ASG_ENOMEM on failure. */
asg_status sim_smoothness(const struct sim *s, double *L);

/* Advance the global clock by one tick (with protocol.momentum, adding the
 * momentum term to x first); evaluates and records on the scenario's
 * strides, and stops the run when a limit is reached. */
void sim_tick(struct sim *s);

/* ---- time-varying workers (sim_avail.c) ---- */

/* Totals of a worker's episodes and failures (all 0 without). */
struct sim_avail_totals {
	double slowed;    /* virtual seconds in straggler episodes */
	double downtime;  /* virtual seconds crashed */
	uint64_t lost;    /* jobs lost to crashes */
};

/* Worker w's processes from its group (sim_init); ASG_ENOMEM. */
asg_status sim_avail_init(struct sim *s, struct worker *w);
void sim_avail_release(struct worker *w);
/* Schedule every worker's first switch and crash (sim_run). */
void sim_avail_start(struct sim *s);
/* The event's kind with its worker's epoch tag (sim_schedule). */
uint32_t sim_avail_tag(const struct sim *s, uint32_t kind, long who);
/* Handle an event's part here (tags removed): true when it is consumed,
 * false when it goes on to the protocol. */
bool sim_avail_event(struct sim *s, struct event *ev);
/* Close the intervals still open (end of sim_run). */
void sim_avail_end(struct sim *s);
struct sim_avail_totals sim_avail_totals(const struct worker *w);
/* The compute multiplier of a job starting now: factor in an episode. */
double sim_avail_factor(const struct worker *w);
/* A job of w starts (start) or ends (sim_start_compute, sim_finish_compute). */
void sim_avail_job(struct worker *w, bool start);

/* True while worker w is crashed. */
bool sim_worker_down(const struct worker *w);

/* Throw worker w's current job and messages away (a round that ended
 * without it): they are dropped, counted in w->dropped when a job was
 * open.  Nothing without failures in the run. */
void sim_avail_abandon(struct sim *s, struct worker *w);

/* True once the loop should end. */
static inline bool sim_stopped(const struct sim *s)
{
	return s->outcome != SIM_RUNNING;
}

#endif
