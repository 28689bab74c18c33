/*
 * model.c — a model kind's operations bound to a dataset.
 *
 * model_init checks what the operations assume and then never checks
 * again: the penalty is finite and >= 0, a model with gradients has a
 * dataset with samples and features, a binary model's labels are 0 or 1,
 * and a multiclass model has at least 2 classes and every label, training
 * and held-out, an integer in 0 .. classes-1.  The kind's setup then sizes
 * the parameters (and refuses layers that do not fit the data).  The
 * wrappers only forward to m->ops.
 */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <string.h>

const struct model_ops *model_ops_of(enum model_kind kind)
{
	switch (kind) {
	case MODEL_NONE:
		return &model_none_ops;
	case MODEL_QUADRATIC:
		return &model_quadratic_ops;
	case MODEL_LOGREG:
		return &model_logreg_ops;
	case MODEL_SOFTMAX:
		return &model_softmax_ops;
	case MODEL_MLP:
		return &model_mlp_ops;
	case MODEL_CNN:
		return &model_cnn_ops;
	}
	return NULL;
}

/* The labels y[0 .. n) are integers in 0 .. classes-1; `part` names the
 * rows in the message. */
static asg_status model_check_classes(const struct model_ops *ops,
				      const double *y, size_t n, size_t classes,
				      const char *part, struct diag *d)
{
	for (size_t i = 0; i < n; i++)
		if (!(y[i] >= 0.0 && y[i] < (double)classes && y[i] == floor(y[i])))
			return diag_set(d, ASG_EINPUT,
					"model '%s' needs class labels 0 .. %zu, %s sample %zu has %g",
					ops->name, classes - 1, part, i, y[i]);
	return ASG_OK;
}

static asg_status model_check_data(const struct model_ops *ops,
				   const struct dataset *data, struct diag *d)
{
	if (data->n == 0 || data->d == 0)
		return diag_set(d, ASG_EINPUT,
				"model '%s' needs samples and features, the data has %zu x %zu",
				ops->name, data->n, data->d);
	if (ops->task == TASK_MULTICLASS) {
		if (data->classes < 2)
			return diag_set(d, ASG_EINPUT,
					"model '%s' needs at least 2 classes, the data has %zu",
					ops->name, data->classes);
		asg_status st = model_check_classes(ops, data->y, data->n,
						    data->classes, "training", d);
		if (st != ASG_OK)
			return st;
		return model_check_classes(ops, data->y_test, data->n_test,
					   data->classes, "held-out", d);
	}
	if (ops->task != TASK_BINARY)
		return ASG_OK;
	for (size_t i = 0; i < data->n; i++)
		if (data->y[i] != 0.0 && data->y[i] != 1.0)
			return diag_set(d, ASG_EINPUT,
					"model '%s' needs 0/1 labels, sample %zu has %g",
					ops->name, i, data->y[i]);
	return ASG_OK;
}

asg_status model_init(struct model *m, const struct model_config *cfg,
		      const struct dataset *data, struct diag *d)
{
	memset(m, 0, sizeof *m);
	const struct model_ops *ops = model_ops_of(cfg->kind);
	if (!ops)
		return diag_set(d, ASG_EINPUT, "unknown model kind %d",
				(int)cfg->kind);
	if (!(cfg->l2 >= 0.0) || !isfinite(cfg->l2))
		return diag_set(d, ASG_EINPUT,
				"model.l2 must be a finite number >= 0, not %g",
				cfg->l2);
	if (cfg->kind != MODEL_NONE) {
		assert(data != NULL);
		asg_status st = model_check_data(ops, data, d);
		if (st != ASG_OK)
			return st;
	}
	m->ops = ops;
	m->data = data;
	m->l2 = cfg->l2;
	if (ops->setup) {
		asg_status st = ops->setup(m, cfg, d);
		if (st != ASG_OK) {
			memset(m, 0, sizeof *m);
			return st;
		}
	}
	return ASG_OK;
}

size_t model_workspace_size(const struct model *m, size_t batch)
{
	return m->ops->workspace_size(m, batch);
}

void model_init_params(const struct model *m, double *x, gsl_rng *rng)
{
	m->ops->init_params(m, x, rng);
}

double model_batch_grad(const struct model *m, const double *x,
			const size_t *idx, size_t b, double *g, double *work)
{
	return m->ops->batch_grad(m, x, idx, b, g, work);
}

double model_full_grad(const struct model *m, const double *x, double *g,
		       double *work)
{
	return m->ops->full_grad(m, x, g, work);
}

void model_evaluate(const struct model *m, const double *x, const double *X,
		    const double *y, size_t n, double *loss, double *accuracy,
		    double *work)
{
	m->ops->evaluate(m, x, X, y, n, loss, accuracy, work);
}
