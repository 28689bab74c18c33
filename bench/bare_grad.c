/*
 * bare_grad.c — the limit for a simulation with gradients: the minibatch
 * gradients of an asynchronous run computed in a plain loop, with the
 * project's own model and data code and no simulation.
 *
 *   usage: bare_grad SCENARIO.yaml [UPDATES]
 *   prints: updates N seconds S updates_per_s R last_batch_loss L
 *   (seconds: the loop alone, not building the data)
 *
 * The scenario file is the one asgdsim runs (bench/async_logreg.yaml,
 * bench/async_softmax.yaml): its data, partition, model, batch size and
 * step are read through scenario_plan_load, so both compute the same
 * gradients over the same samples.  The loop is sequential SGD:
 *
 *     for k = 0 .. UPDATES - 1:
 *         i = k mod D
 *         draw the minibatch from worker i's shard (its RNG_BATCH stream,
 *             uniform with replacement, as the simulation does)
 *         g = model_batch_grad(x; minibatch)
 *         x = x - step * g
 *
 * What it leaves out is the simulation's own work per update: the event
 * queue, the compute and link draws, the copy of x to the worker
 * (dim doubles) and the squared norm of g that asgdsim records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>

#include "models/model.h"
#include "src/data/dataset.h"
#include "src/engine/rng.h"
#include "src/scenario/scenario.h"

/* The gradient loop's state: the problem and one workspace. */
struct bare {
	struct scenario_plan plan;  /* the scenario, expanded */
	const struct scenario *sc;  /* its first run */
	struct dataset data;        /* training samples */
	struct partition part;      /* worker shards */
	struct model model;         /* the model over data */
	gsl_rng **batch_rng;        /* nworkers RNG_BATCH streams */
	double *x, *g, *work;       /* parameters, gradient, workspace */
	size_t *batch;              /* minibatch indices */
};

static double bare_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void bare_release(struct bare *b)
{
	for (long i = 0; b->batch_rng && i < b->sc->nworkers; i++)
		gsl_rng_free(b->batch_rng[i]);
	free(b->batch_rng);
	free(b->x);
	free(b->g);
	free(b->work);
	free(b->batch);
	partition_release(&b->part);
	dataset_release(&b->data);
	scenario_plan_release(&b->plan);
}

/* Everything the simulation builds before its loop; on failure a message
 * in *d. */
static asg_status bare_init(struct bare *b, const char *path, struct diag *d)
{
	struct scenario_overrides none = {0};
	asg_status st = scenario_plan_load(path, &none, &b->plan, d);
	if (st != ASG_OK)
		return st;
	const struct scenario *sc = b->sc = &b->plan.runs[0].sc;
	const struct model_ops *ops = model_ops_of(sc->model.kind);
	if (sc->model.kind == MODEL_NONE)
		return diag_set(d, ASG_EINPUT, "%s: the model has no gradients", path);
	st = dataset_load(&sc->data, ops->task, sc->data.seed, &b->data, d);
	if (st == ASG_OK)
		st = partition_build(&sc->data, &b->data, (size_t)sc->nworkers,
				     sc->data.seed, &b->part, d);
	if (st == ASG_OK)
		st = model_init(&b->model, &sc->model, &b->data, d);
	if (st != ASG_OK)
		return st;
	size_t batch = (size_t)sc->protocol.batch;
	b->batch_rng = calloc((size_t)sc->nworkers, sizeof *b->batch_rng);
	b->x = calloc(b->model.dim, sizeof *b->x);
	b->g = calloc(b->model.dim, sizeof *b->g);
	b->work = calloc(model_workspace_size(&b->model, batch) + 1, sizeof *b->work);
	b->batch = calloc(batch, sizeof *b->batch);
	if (!b->batch_rng || !b->x || !b->g || !b->work || !b->batch)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (long i = 0; i < sc->nworkers; i++) {
		b->batch_rng[i] = rng_stream_alloc(sc->seed, rng_entity(RNG_BATCH, (uint64_t)i));
		if (!b->batch_rng[i])
			return diag_set(d, ASG_ENOMEM, "out of memory");
	}
	gsl_rng *init = rng_stream_alloc(sc->seed, rng_entity(RNG_MODEL, 0));
	if (!init)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	model_init_params(&b->model, b->x, init);
	gsl_rng_free(init);
	return ASG_OK;
}

/* `updates` minibatch gradients applied in turn; the last batch's loss. */
static double bare_loop(struct bare *b, uint64_t updates)
{
	const struct scenario *sc = b->sc;
	size_t batch = (size_t)sc->protocol.batch;
	double loss = 0.0;
	for (uint64_t k = 0; k < updates; k++) {
		size_t i = (size_t)(k % (uint64_t)sc->nworkers);
		size_t from = b->part.start[i], size = b->part.start[i + 1] - from;
		for (size_t j = 0; j < batch; j++)
			b->batch[j] = b->part.index[from + gsl_rng_uniform_int(b->batch_rng[i], size)];
		loss = model_batch_grad(&b->model, b->x, b->batch, batch, b->g, b->work);
		cblas_daxpy((int)b->model.dim, -sc->protocol.step, b->g, 1, b->x, 1);
	}
	return loss;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: bare_grad SCENARIO.yaml [UPDATES]\n");
		return 2;
	}
	openblas_set_num_threads(1);
	struct bare b = {0};
	struct diag d;
	diag_init(&d);
	int code = 0;
	if (bare_init(&b, argv[1], &d) != ASG_OK) {
		fprintf(stderr, "bare_grad: %s\n", d.text);
		code = asg_status_exit_code(d.status);
		goto out_release;
	}
	uint64_t updates = argc == 3 ? strtoull(argv[2], NULL, 10) : b.sc->stop.updates;
	double start = bare_seconds();
	double loss = bare_loop(&b, updates);
	double s = bare_seconds() - start;
	printf("updates %llu seconds %.3f updates_per_s %.0f last_batch_loss %.6f\n",
	       (unsigned long long)updates, s, (double)updates / s, loss);

out_release:
	bare_release(&b);
	return code;
}
