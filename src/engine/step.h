/*
 * step.h — the step size of every applied gradient (protocol.step), and
 * the two changes to the update that need a memory: heavy-ball momentum
 * (protocol.momentum) and DC-ASGD's delay compensation
 * (protocol.dc_lambda).
 *
 * A policy gives the step of a gradient applied at tick k with staleness
 * tau from a base value a (the number of protocol.step, or a group's
 * workers[g].step for the gradients of its workers):
 *
 *   a, constant(a)             a
 *   inverse_sqrt(a)            a / sqrt(k + 1)
 *   drops(a, at=[k1, k2, ...], factor=f)
 *                              a f^j, j = the number of k_m <= k
 *                              (ticks k_m increasing; f in (0, 1], default 0.1)
 *   delay_adaptive(a)          a n / max(n, tau), n = the number of workers
 *                              (Mishchenko, Bach, Even, Woodworth 2022)
 *   koloskova(a, mode=clip, C=c, L=l)
 *                              a if tau <= C, else min(a, 1 / (4 L tau)) with
 *                              mode=clip (the default), 0 with mode=drop
 *                              (Koloskova, Stich, Jaggi 2022: the gradient is
 *                              dropped, i.e. applied with step 0); C defaults
 *                              to the concurrency, the number of workers, and
 *                              L to the model's smoothness (sim_smoothness)
 *
 * Momentum beta (heavy ball): x_{k+1} = x_k - sum of the tick's steps
 * - beta (x_{k-1} - x_k), the momentum term added once per tick
 * (step_tick), whatever the number of gradients applied in it.
 * DC-ASGD (Zheng et al. 2017) with lambda applies, instead of g,
 *	g + lambda g . g . (x_now - x_read)
 * (elementwise), x_read the parameters the gradient was computed on.
 *
 * A policy is a value (no pointers); struct step holds a run's policy and
 * momentum state, allocated by step_init: step_size, step_apply and
 * step_tick never allocate.
 */
#ifndef ASG_STEP_H
#define ASG_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "dist.h"

enum step_kind {
	STEP_CONSTANT,       /* a */
	STEP_INVERSE_SQRT,   /* a / sqrt(k + 1) */
	STEP_DROPS,          /* a f^j */
	STEP_DELAY_ADAPTIVE, /* a n / max(n, tau) */
	STEP_KOLOSKOVA,      /* a, or clipped / dropped beyond C */
};

#define STEP_MAX_DROPS 16

struct step_policy {
	enum step_kind kind;
	uint64_t at[STEP_MAX_DROPS];  /* drops: the ticks of the drops, increasing */
	size_t ndrops;                /* drops: how many */
	double factor;                /* drops: f in (0, 1] */
	int drop;                     /* koloskova: 1 for mode=drop, 0 for clip */
	long concurrency;             /* koloskova: C >= 0; 0 = the number of workers */
	double smoothness;            /* koloskova: L > 0; 0 = the model's */
};

/* Parse a policy call other than constant (which scenario's value_step
 * reads, with plain numbers), e.g. "drops(0.1, at=[1000], factor=0.5)":
 * *out is the policy, *base its a.  Errors are located in the text through
 * where (NULL: unlocated), and leave *out and *base unchanged. */
asg_status step_parse(const char *text, const struct dist_origin *where,
		      struct step_policy *out, double *base, struct diag *d);

/* The policy names, in enum order: "constant", "inverse_sqrt", ... */
extern const char *const step_kind_names[];
#define STEP_NKINDS (STEP_KOLOSKOVA + 1)

/* True when the policy needs L from the model (koloskova without L=). */
static inline int step_needs_smoothness(const struct step_policy *p)
{
	return p->kind == STEP_KOLOSKOVA && p->smoothness == 0;
}

/* A run's steps. */
struct step {
	struct step_policy policy;   /* the policy */
	long workers;                /* n of delay_adaptive */
	long concurrency;            /* C of koloskova */
	double smoothness;           /* L of koloskova */
	double momentum;             /* beta in [0, 1) */
	double dc_lambda;            /* lambda >= 0 */
	size_t dim;                  /* length of x */
	double *velocity;            /* momentum: x_{k-1} - x_k (dim; NULL without) */
	double *last;                /* momentum: x after the last tick (dim) */
};

/* Set up the steps of a run of `workers` workers over x (dim values, the
 * starting point), with L the model's smoothness (NAN if unknown; used
 * only by koloskova without L=).  ASG_ENOMEM on failure (nothing to
 * release then). */
asg_status step_init(struct step *st, const struct step_policy *policy,
		     long workers, double momentum, double dc_lambda,
		     size_t dim, const double *x, double smoothness);

void step_release(struct step *st);

/* The step of a gradient applied at tick k with staleness tau, from the
 * base value a. */
double step_size(const struct step *st, double a, uint64_t k, uint64_t tau);

/* x -= coef * g, or with DC-ASGD coef * (g + lambda g.g.(x - read)). */
void step_apply(const struct step *st, double *x, const double *g,
		const double *read, double coef);

/* The end of a tick: the momentum term, x -= beta (x_{k-1} - x_k) with
 * x_k the point at the previous tick; nothing without momentum. */
void step_tick(struct step *st, double *x);

#endif
