/*
 * sim_summary.c — what a run leaves in the database besides its rows: the
 * runs row before it starts, and the workers rows and the runs summary
 * when it ends.
 *
 * kappa_i = nu(n, i) / n: worker i's gradients applied per tick of the
 * global clock (THEORY.md); it sums to one when one gradient is applied
 * per tick (async), and is 1 for every worker of a synchronous round.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>

#include "../protocols/protocol.h"
#include "coupling.h"
#include "quadgrad.h"

struct run_row sim_run_row(const struct run_spec *spec)
{
	const struct scenario *sc = &spec->sc;
	return (struct run_row){
		.scenario = sc->name,
		.config = spec->config_yaml,
		.point = spec->point_json,
		.point_index = spec->point,
		.replication = spec->replication,
		.seed = sc->seed,
		.protocol = scenario_protocol_name(sc->protocol.kind),
		.model = scenario_model_name(sc->model.kind),
		.workers = sc->nworkers,
		.version = ASGDSIM_VERSION,
	};
}

static const char *sim_status_name(enum sim_outcome o)
{
	switch (o) {
	case SIM_DIVERGED:
		return "diverged";
	case SIM_FAILED:
		return "failed";
	default:
		return "done";
	}
}

static double sim_ratio(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

asg_status sim_record_summary(const struct sim *s, double wall_seconds)
{
	for (long i = 0; i < s->nworkers; i++) {
		const struct worker *w = &s->workers[i];
		struct worker_row row = {
			.worker = w->id,
			.group = s->sc->groups[w->group].name,
			.updates = w->updates,
			.kappa = sim_ratio((double)w->updates, (double)s->k),
			.busy_time = w->busy_time,
			.bytes_sent = w->bytes_sent,
			.mean_staleness = sim_ratio(w->staleness_sum, (double)w->updates),
			.step = w->step,
			.messages_sent = w->messages_sent,
			.messages_lost = w->messages_lost,
			.messages_outdated = w->messages_outdated,
			.dropped = w->dropped,
			.shard_size = s->part.start
				? (int64_t)(s->part.start[i + 1] - s->part.start[i]) : -1,
			.slowed = sim_avail_totals(w).slowed,
			.downtime = sim_avail_totals(w).downtime,
			.lost = sim_avail_totals(w).lost,
		};
		recorder_worker(s->rec, &row);
	}
	struct run_result res = {
		.status = sim_status_name(s->outcome),
		.updates = s->k,
		.gradients = s->gradients,
		.events = s->events,
		.virtual_time = s->now,
		.wall_seconds = wall_seconds,
		.mean_staleness = sim_ratio(s->staleness_sum, (double)s->gradients),
		.final_loss = s->last_loss,
		.final_grad_norm2 = s->last_full_grad_norm2,
		.test_accuracy = s->last_test_accuracy,
		.diverged_at = s->diverged_at,
	};
	return recorder_run_end(s->rec, &res);
}

/* L^{ij} of blocks i and j of x from the Gram matrix (coupling.h). */
static double sim_block_lipschitz(const struct sim *s, const double *gram,
				  const size_t *lo, long i, long j)
{
	double scale = s->sc->model.kind == MODEL_LOGREG ? 0.25 : 1.0;
	double l = scale * coupling_block_norm(gram, s->dim, lo[i], lo[i + 1],
					       lo[j], lo[j + 1]);
	return i == j ? l + s->model.l2 : l;
}

asg_status sim_coupling(const struct sim *s, const size_t *lo, long blocks,
			double *L)
{
	enum model_kind kind = s->sc->model.kind;
	size_t nb = (size_t)blocks;
	for (size_t e = 0; e < nb * nb; e++)
		L[e] = NAN;
	if (kind != MODEL_QUADRATIC && kind != MODEL_LOGREG)
		return ASG_OK;
	size_t d = s->dim;
	double *gram = malloc(d * d * sizeof *gram);
	if (!gram)
		return ASG_ENOMEM;
	quadgrad_gram(&s->data, gram);
	for (long i = 0; i < blocks; i++)
		for (long j = 0; j < blocks; j++)
			L[(size_t)i * nb + (size_t)j] = sim_block_lipschitz(s, gram, lo, i, j);
	free(gram);
	return ASG_OK;
}

asg_status sim_record_coupling(struct sim *s, const size_t *lo, long blocks)
{
	enum model_kind kind = s->sc->model.kind;
	if (!s->rec || (kind != MODEL_QUADRATIC && kind != MODEL_LOGREG))
		return ASG_OK;
	double *L = malloc((size_t)(blocks * blocks) * sizeof *L);
	if (!L || sim_coupling(s, lo, blocks, L) != ASG_OK) {
		free(L);
		return ASG_ENOMEM;
	}
	for (long i = 0; i < blocks; i++)
		for (long j = 0; j < blocks; j++)
			recorder_coupling(s->rec, i, j, L[i * blocks + j],
					  kind == MODEL_QUADRATIC);
	free(L);
	return ASG_OK;
}

asg_status sim_smoothness(const struct sim *s, double *L)
{
	enum model_kind kind = s->sc->model.kind;
	size_t whole[2] = { 0, s->dim };
	*L = NAN;
	if (kind != MODEL_QUADRATIC && kind != MODEL_LOGREG)
		return ASG_OK;
	double *gram = malloc(s->dim * s->dim * sizeof *gram);
	if (!gram)
		return ASG_ENOMEM;
	quadgrad_gram(&s->data, gram);
	*L = sim_block_lipschitz(s, gram, whole, 0, 0);
	free(gram);
	return ASG_OK;
}

asg_status sim_record_smoothness(struct sim *s)
{
	size_t whole[2] = { 0, s->dim };
	return sim_record_coupling(s, whole, 1);
}
