/*
 * none.c — the timing-only model: no parameters, no gradients.
 *
 *     dim = 0,  f(x) = 0,  grad f = (empty)
 * Every operation returns 0 and touches nothing, so that a run simulates
 * every event and staleness at the cost of the event loop alone.  The
 * model has no data (m->data may be NULL) and needs no workspace.
 */
#include "model.h"

static size_t none_workspace_size(const struct model *m, size_t batch)
{
	return 0;
}

static void none_init_params(const struct model *m, double *x, gsl_rng *rng)
{
}

static double none_batch_grad(const struct model *m, const double *x,
			      const size_t *idx, size_t b, double *g,
			      double *work)
{
	return 0.0;
}

static double none_full_grad(const struct model *m, const double *x,
			     double *g, double *work)
{
	return 0.0;
}

static void none_evaluate(const struct model *m, const double *x,
			  const double *X, const double *y, size_t n,
			  double *loss, double *accuracy, double *work)
{
	*loss = 0.0;
	*accuracy = 0.0;
}

const struct model_ops model_none_ops = {
	.name = "none",
	.task = TASK_REGRESSION,
	.workspace_size = none_workspace_size,
	.init_params = none_init_params,
	.batch_grad = none_batch_grad,
	.full_grad = none_full_grad,
	.evaluate = none_evaluate,
};
