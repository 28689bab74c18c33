/*
 * scenario.h — a scenario file, validated and typed, and the runs it
 * expands to.
 *
 * A scenario is a YAML mapping (DESIGN.md "Scenario file").  Loading it:
 *   1. parses the file with libfyaml;
 *   2. applies each `--set KEY=VALUE` (dotted path, `workers[0].count`),
 *      the value parsed as YAML;
 *   3. expands `sweep:` (a cartesian grid over dotted keys) x replications
 *      into runs, each run's document being the base with that point's
 *      values applied the same way as --set;
 *   4. validates every run's document into a struct scenario.
 * Nothing is written anywhere: a scenario that loads is safe to run.
 *
 * Errors are located "FILE:LINE:COL: message" at the offending node, the
 * character inside a distribution's text, or, for a --set, at
 * "--set:I:COL" (I = the 1-based index of the --set argument, COL the
 * column inside "KEY=VALUE").  Unknown keys are errors with a suggestion
 * ("unknown key 'uplnk' in 'network', did you mean 'uplink'?").
 *
 * Run seeds: run r of a sweep point has seed `seed + r`, the same at every
 * sweep point (common random numbers across the points of a sweep).
 * `--seed N` replaces the scenario's seed.  The data of every run comes
 * from data.seed, by default the scenario's seed: replications differ in
 * their timing and minibatches, not in their data.  Each run's resolved
 * YAML states both seeds.
 */
#ifndef ASG_SCENARIO_H
#define ASG_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "../engine/dist.h"
#include "../engine/step.h"

#define SCENARIO_NAME_MAX 128
#define SCENARIO_PATH_MAX 4096

enum model_kind {
	MODEL_NONE,       /* timing only: no gradients, every event still simulated */
	MODEL_QUADRATIC,  /* least squares f(x) = (1/2N)||Ax - b||^2 + (l2/2)||x||^2 */
	MODEL_LOGREG,     /* binary logistic regression with L2 */
	MODEL_SOFTMAX,    /* multinomial logistic regression with L2 */
	MODEL_MLP,        /* fully connected ReLU net, softmax cross-entropy */
	MODEL_CNN,        /* LeNet-style convolutional net on images */
};

#define MODEL_HIDDEN_MAX 8  /* entries of model.hidden */
#define MODEL_CONV_MAX 4    /* entries of model.channels */

struct model_config {
	enum model_kind kind;  /* model.kind */
	double l2;             /* model.l2 >= 0; default 0 for quadratic, 1e-4
	                          for the classifiers (logreg, softmax, mlp, cnn) */
	long hidden[MODEL_HIDDEN_MAX]; /* model.hidden (mlp, cnn): the sizes > 0
	                          of the dense hidden layers, input side first;
	                          default [128] (mlp), [120, 84] (cnn) */
	size_t nhidden;        /* entries used in hidden, may be 0 */
	long channels[MODEL_CONV_MAX]; /* model.channels (cnn): output channels
	                          > 0 of each convolution; default [6, 16] */
	size_t nchannels;      /* entries used in channels, >= 1 for cnn */
	long kernel;           /* model.kernel (cnn): side > 0 of the square
	                          kernels; default 5 */
};

enum data_kind {
	DATA_SYNTHETIC,   /* generated from the run's seed */
	DATA_CSV,         /* numeric CSV file, one sample a row */
	DATA_IDX,         /* IDX images and labels (MNIST, Fashion-MNIST) */
	DATA_LIBSVM,      /* LIBSVM sparse text format */
};

enum partition_kind {
	PARTITION_IID,    /* a random permutation cut into equal shards */
	PARTITION_SHARDS, /* label-sorted shards dealt out (McMahan et al.) */
	PARTITION_DIRICHLET, /* per-label proportions ~ Dirichlet(alpha) */
};

enum data_normalize {
	NORMALIZE_NONE,     /* features as read */
	NORMALIZE_SCALE,    /* divided by 255 (idx) or by the training max
	                       |value| of each feature */
	NORMALIZE_STANDARD, /* per-feature z-score with the training mean/sd */
};

struct data_config {
	enum data_kind kind;        /* data.kind, default synthetic */
	long samples;               /* data.samples > 0 (synthetic), default 10000 */
	long features;              /* data.features > 0: the dimension of
	                               synthetic data (default 100), or of a
	                               libsvm file (default 0: the largest
	                               index read) */
	double condition;           /* data.condition >= 1: condition number of the
	                               feature covariance (synthetic), default 1 */
	double noise;               /* data.noise >= 0: label noise sd (synthetic
	                               regression), default 0 */
	double test;                /* data.test in [0, 1): held-out fraction,
	                               default 0; must be 0 with test_path */
	/* The data files, absolute, owned (strings on the heap rather than
	 * arrays: a plan of 10^5 runs holds 10^5 scenarios); NULL if not
	 * given: */
	char *path;                 /* data.path (csv, idx images, libsvm),
	                               resolved against the scenario file's
	                               directory; checked to exist */
	char *labels;               /* data.labels (idx): the labels of path,
	                               resolved the same way */
	char *test_path;            /* data.test_path (idx, libsvm): a given
	                               held-out part */
	char *test_labels;          /* data.test_labels (idx): the labels of
	                               test_path */
	long limit;                 /* data.limit > 0 (idx): read only the first
	                               `limit` training samples; 0 = all */
	long label_column;          /* data.label_column (csv), 0-based, default 0 */
	bool header;                /* data.header (csv): skip the first line, default false */
	enum data_normalize normalize; /* data.normalize: default scale for idx,
	                               none for the other kinds */
	enum partition_kind partition; /* data.partition, default iid */
	long shards_per_worker;     /* data.shards_per_worker > 0 (shards),
	                               default 2 */
	double alpha;               /* data.alpha > 0 (dirichlet), default 0.5 */
	uint64_t seed;              /* data.seed: the seed of the synthetic data,
	                               the held-out shuffle and the partition;
	                               default the scenario's seed (before
	                               replications), so that every run of a
	                               scenario learns from the same data */
	bool has_seed;              /* data.seed was given */
};

enum protocol_kind {
	PROTOCOL_SYNC,    /* synchronous parameter server */
	PROTOCOL_ASYNC,   /* asynchronous parameter server */
	PROTOCOL_DASGD,   /* block-coordinate distributed asynchronous SGD */
	PROTOCOL_BACKUP,  /* synchronous with e backup workers (Chen et al. 2017) */
	PROTOCOL_HYBRID,  /* buffer of K(t) gradients (arXiv 2407.00101) */
	PROTOCOL_SSP,     /* stale-synchronous parallel (Ho et al. 2013) */
	PROTOCOL_LOCAL,   /* local SGD: H local steps, then averaging */
	PROTOCOL_ALLREDUCE, /* synchronous ring all-reduce */
	PROTOCOL_GOSSIP,  /* decentralized neighbour averaging */
	PROTOCOL_FEDAVG,  /* federated averaging (McMahan et al. 2017) */
	PROTOCOL_FEDBUFF, /* buffered asynchronous federated (Nguyen et al. 2022) */
	PROTOCOL_FEDASYNC,/* asynchronous federated (Xie et al. 2019) */
	PROTOCOL_RENNALA, /* Rennala SGD (Tyurin & Richtarik 2023) */
	PROTOCOL_RINGMASTER, /* Ringmaster ASGD (Maranjyan et al. 2025) */
};

/* protocol.threshold (hybrid): K(c), a step function of a clock c, or
 * floor(start + rate * c); constants and the paper's schedule are read
 * into steps (docs/scenarios.md).  Fixed-size, so that the
 * configuration stays a plain value. */
#define THRESHOLD_STEPS_MAX 64

enum threshold_clock {
	THRESHOLD_TIME,     /* c = virtual time of the check */
	THRESHOLD_TICKS,    /* c = the global clock k (ticks so far) */
};

struct threshold {
	enum threshold_clock clock;      /* what K is a function of */
	bool linear;                     /* K = floor(start + rate * c), else steps */
	double start;                    /* linear: K at c = 0, >= 1 */
	double rate;                     /* linear: growth per unit of c, > 0 */
	size_t nsteps;                   /* steps: entries used, >= 1 */
	double from[THRESHOLD_STEPS_MAX];/* steps: from[0] = 0, increasing */
	long k[THRESHOLD_STEPS_MAX];     /* steps: K >= 1 from from[i] on; 0 = a
	                                    default level of the paper's
	                                    schedule, set once the workers
	                                    are known */
};

/* protocol.mixing (gossip): how an agent averages after its local step. */
enum gossip_mixing {
	MIXING_METROPOLIS,  /* with every neighbour, Metropolis-Hastings weights */
	MIXING_RANDOM,      /* pairwise with one neighbour drawn uniformly */
};

/* protocol.staleness_weight (fedbuff, fedasync): s(tau). */
enum staleness_weight {
	STALENESS_CONSTANT,     /* 1 */
	STALENESS_INVERSE_SQRT, /* 1 / sqrt(1 + tau) */
	STALENESS_POLYNOMIAL,   /* (1 + tau)^-a */
};

/* protocol.schedule.policy (dasgd): which (sender, receiver) pair gets
 * the next message slot of the budget. */
enum schedule_policy {
	SCHEDULE_NONE,             /* no schedule: every update is sent to every
	                              neighbour (send_every) */
	SCHEDULE_ROUND_ROBIN,      /* the edges in turn */
	SCHEDULE_RANDOM,           /* an edge drawn uniformly */
	SCHEDULE_MAX_AGE,          /* the largest age k - sent_ij */
	SCHEDULE_MAX_WEIGHTED_AGE, /* the largest L^{ji} (k - sent_ij) */
	SCHEDULE_WHITTLE,          /* the largest L^{ji} (k - sent_ij)^2 */
};

struct protocol_config {
	enum protocol_kind kind;  /* protocol.kind (required) */
	/* backup, hybrid, ssp, local (src/scenario/validate_rounds.c) */
	long backups;             /* protocol.backups (backup): e >= 0 backup
	                             workers, fewer than the workers; default 1 */
	bool stragglers_finish;   /* protocol.stragglers (backup, rennala): restart
	                             (false, default) | finish */
	struct threshold threshold; /* protocol.threshold (hybrid, required) */
	long bound;               /* protocol.bound (ssp): s >= 0; default 3 */
	long period;              /* protocol.period (local): H >= 1 local
	                             steps between averagings; default 10 */
	/* gossip, fedavg, fedbuff, fedasync (src/scenario/validate_peer.c) */
	enum gossip_mixing mixing; /* protocol.mixing (gossip): metropolis
	                             (default) | random */
	double init_spread;       /* protocol.init_spread (gossip) >= 0: agent i's
	                             copy starts at x_0 + init_spread * N(0, I);
	                             default 0 (every copy at x_0) */
	long clients_per_round;   /* protocol.clients_per_round (fedavg): C in
	                             1 .. workers; default 0 = every worker */
	long local_epochs;        /* protocol.local_epochs (fedavg, fedbuff,
	                             fedasync): E >= 1; default 1 */
	double deadline;          /* protocol.deadline (fedavg): virtual seconds
	                             > 0 from a round's start; 0 = none (default) */
	bool has_availability;    /* protocol.availability (fedavg) was given */
	struct dist avail_on;     /* its `on` intervals */
	struct dist avail_off;    /* its `off` intervals */
	long concurrency;         /* protocol.concurrency (fedbuff, fedasync):
	                             clients training at once, 1 .. workers;
	                             default 0 = every worker */
	long buffer;              /* protocol.buffer (fedbuff): K >= 1; default 10 */
	enum staleness_weight staleness_weight; /* protocol.staleness_weight
	                             (fedbuff, fedasync); default inverse_sqrt */
	double staleness_power;   /* a of polynomial(a), > 0 */
	uint64_t max_staleness;   /* protocol.max_staleness (fedbuff, fedasync):
	                             updates staler are rejected; default
	                             UINT64_MAX (none) */
	double server_step;       /* protocol.server_step (fedbuff, fedasync):
	                             fedbuff's eta_g > 0 (default 1), fedasync's
	                             alpha in (0, 1] (default 0.6) */
	/* step policies, momentum, DC-ASGD (every protocol applying gradients
	 * through sim_apply_gradient), rennala, ringmaster
	 * (src/scenario/validate_optim.c) */
	struct step_policy policy; /* protocol.step beyond its value `step`:
	                             inverse_sqrt(a), drops(a, ...),
	                             delay_adaptive(a), koloskova(a, ...);
	                             default constant */
	double momentum;          /* protocol.momentum in [0, 1): heavy-ball
	                             beta; default 0 */
	double dc_lambda;         /* protocol.dc_lambda >= 0: DC-ASGD's lambda;
	                             default 0 */
	long gather;              /* protocol.gather (rennala, required): S in
	                             1 .. workers gradients a step */
	uint64_t restart_after;   /* protocol.restart_after (ringmaster,
	                             required): R >= 1, or .inf (UINT64_MAX) */
	long batch;               /* protocol.batch > 0, default 1 */
	double step;              /* protocol.step: a > 0 of a number,
	                             `constant(a)` or a policy; default 0.01 */
	long send_every;          /* protocol.send_every (dasgd): an agent sends
	                             its block after every k-th update; default 1 */
	long *blocks;             /* protocol.blocks (dasgd): nblocks sizes, one
	                             per agent, summing to the features; NULL =
	                             even blocks (owned) */
	size_t nblocks;
	/* failures (src/scenario/validate_hetero.c) */
	double timeout;           /* protocol.timeout (sync): virtual seconds > 0
	                             after its start at which a round ends with
	                             the gradients it has; 0 = none (default) */
	/* dasgd's communication schedule (src/scenario/validate_net.c) */
	enum schedule_policy schedule; /* protocol.schedule.policy; default none */
	double schedule_budget;   /* protocol.schedule.budget B: messages per
	                             unit of virtual time (> 0), or in flight
	                             at once (an integer >= 1) */
	bool schedule_in_flight;  /* protocol.schedule.per: in_flight (true) |
	                             time (false, default) */
};

struct worker_group {
	char name[SCENARIO_NAME_MAX]; /* workers[i].name, default "group<i>" */
	long count;                   /* workers[i].count > 0, default 1 */
	struct dist compute;          /* workers[i].compute (required) */
	double step;                  /* workers[i].step: this group's step size
	                                 alpha^i (dasgd); 0 = protocol.step */
	/* its workers' links (src/scenario/validate_net.c): the network's
	 * unless workers[i].uplink, .downlink or .bandwidth is given */
	struct dist uplink;           /* latency worker -> server */
	struct dist downlink;         /* latency server -> worker */
	double bandwidth;             /* bytes/s >= 0 of its links (and of the
	                                 links out of its agents, dasgd); 0 =
	                                 infinite */
	/* straggler episodes and failures (src/scenario/validate_hetero.c) */
	bool has_slowdown;            /* workers[i].slowdown was given */
	struct dist slow_every;       /* .every: time between episodes */
	struct dist slow_lasts;       /* .lasts: an episode's length */
	double slow_factor;           /* .factor > 0: compute times multiplied */
	bool has_failures;            /* workers[i].failures was given */
	struct dist uptime;           /* .uptime: time from recovery to crash */
	struct dist downtime;         /* .downtime: time from crash to recovery */
};

enum topology_kind {
	TOPOLOGY_COMPLETE,   /* every agent sends to every other */
	TOPOLOGY_RING,       /* agent i sends to i-1 and i+1 (mod D) */
	TOPOLOGY_STAR,       /* agent 0 and every other agent, both ways */
	TOPOLOGY_RANDOM_REGULAR, /* a random graph, every agent of network.degree
	                            neighbours, drawn from the run's seed */
	TOPOLOGY_EDGES,      /* network.edges: [[i, j], ...], both ways */
	TOPOLOGY_TORUS,      /* a wrap-around r x c grid, r the largest divisor
	                        of D not above sqrt(D) (topology.h) */
};

struct network_config {
	struct dist uplink;       /* network.uplink latency, default constant(value=0) */
	struct dist downlink;     /* network.downlink latency, default constant(value=0) */
	double bandwidth;         /* network.bandwidth bytes/s >= 0; 0 = infinite (default) */
	double server_bandwidth;  /* network.server_bandwidth bytes/s >= 0 of the
	                             server's NIC, one FIFO for every message
	                             to or from the server; 0 = infinite
	                             (default) */
	double loss;              /* network.loss: probability that an agent-to-agent
	                             message is lost; only 0 for sync and async */
	struct dist latency;      /* network.latency: every agent-to-agent link
	                             (dasgd), default constant(value=0) */
	enum topology_kind topology; /* network.topology (dasgd), default complete */
	long degree;              /* network.degree (random_regular) */
	long (*edges)[2];         /* network.edges (edges): nedges pairs (owned) */
	size_t nedges;
};

enum record_updates {
	RECORD_ALL,     /* every applied gradient */
	RECORD_EVERY,   /* the rows of ticks k with k % every == 0 */
	RECORD_NONE,    /* summaries only */
};

struct record_config {
	enum record_updates updates;  /* record.updates: all | every(N) | none; default all */
	long updates_every;           /* N of every(N), else 0 */
	long full_grad_every;         /* record.full_grad: every(N) | none; 0 = none;
	                                 default every(100) when the model has gradients */
	long eval_every;              /* record.eval: every(N) | none; 0 = none; default none */
	double timeline_until;        /* record.timeline: none | all | until(T): the
	                                 compute and link intervals starting
	                                 before T go to `timeline`; 0 = none
	                                 (default), INFINITY = all */
	bool aoi;                     /* record.aoi: sparse | none (dasgd); default sparse */
};

struct stop_config {
	uint64_t updates;   /* stop.updates: ticks of the global clock; 0 = no limit */
	double time;        /* stop.time: virtual seconds; 0 = no limit */
};

struct scenario {
	char name[SCENARIO_NAME_MAX];   /* name, default the file's base name
	                                   without extension */
	uint64_t seed;                  /* this run's seed */
	long replications;              /* replications >= 1, default 1 */
	struct stop_config stop;        /* at least one limit is required */
	struct model_config model;
	struct data_config data;
	struct protocol_config protocol;
	struct worker_group *groups;    /* workers: array of ngroups (owned) */
	size_t ngroups;                 /* >= 1 */
	long nworkers;                  /* sum of the groups' counts */
	struct network_config network;
	struct record_config record;
};

/* One run of a plan: a point of the sweep and a replication. */
struct run_spec {
	struct scenario sc;   /* the typed configuration of this run */
	char *config_yaml;    /* the resolved YAML document of this run (owned) */
	char *point_json;     /* the sweep values, e.g. {"protocol.kind":"sync"};
	                         "{}" without a sweep (owned) */
	long point;           /* index of the sweep point, from 0 */
	long replication;     /* index of the replication, from 0 */
};

struct scenario_plan {
	char name[SCENARIO_NAME_MAX];  /* the scenario's name */
	struct run_spec *runs;         /* points x replications, point-major (owned) */
	size_t nruns;
};

/* What the command line adds to a scenario file. */
struct scenario_overrides {
	const char *const *sets;  /* "KEY=VALUE" strings, in command-line order */
	size_t nsets;
	bool has_seed;            /* --seed given */
	uint64_t seed;            /* its value */
};

/* Load, override, expand and validate `path`.  On success fills *plan
 * (release with scenario_plan_release); on error records a located message
 * in *d, returns ASG_EINPUT (or ASG_EIO / ASG_ENOMEM) and *plan is empty. */
asg_status scenario_plan_load(const char *path,
			      const struct scenario_overrides *ov,
			      struct scenario_plan *plan, struct diag *d);

void scenario_plan_release(struct scenario_plan *plan);

/* The name of a kind as written in a scenario ("async", "logreg", ...). */
const char *scenario_protocol_name(enum protocol_kind kind);
const char *scenario_model_name(enum model_kind kind);
const char *scenario_topology_name(enum topology_kind kind);

#endif
