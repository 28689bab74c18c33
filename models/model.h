/*
 * model.h — a learning problem whose gradients the simulation computes.
 *
 * A model is a differentiable objective over a parameter vector of `dim`
 * doubles, the mean of a per-sample loss over a dataset plus a penalty:
 *     f(x) = (1/N) sum_i loss(x; a_i, y_i) + (l2/2) ||x||^2
 * (for the networks softmax, mlp and cnn the penalty is on the weights
 * only, not on the biases).  One file per model implements the operations
 * below (models/<name>.c); model_init picks the file by kind and lets its
 * setup size the parameters from the configuration and the data: dim is
 * the number of features for quadratic and logreg, the networks' layers
 * for the others (struct model_net, filled by net.c).
 *
 * Rules:
 *   - No operation allocates.  Each caller owns a workspace of
 *     model_workspace_size(m, batch) doubles and no two operations use
 *     one at the same time (a simulation computes one gradient at a time
 *     and gives every worker the same workspace).
 *   - Gradients are computed with CBLAS; the results depend only on the
 *     inputs (OpenBLAS runs single-threaded inside a simulation).
 *   - The timing-only model `none` has dim 0 and every operation returns 0.
 */
#ifndef ASG_MODEL_H
#define ASG_MODEL_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "../src/common/diag.h"
#include "../src/data/dataset.h"
#include "../src/scenario/scenario.h"

struct model;

struct model_ops {
	const char *name;
	/* Which labels the model learns from. */
	enum data_task task;
	/* m->dim (and m->net) from the configuration and m->data, which
	 * model_init has already checked; on a configuration that does not
	 * fit the data records a message and returns ASG_EINPUT.  NULL for a
	 * model without parameters. */
	asg_status (*setup)(struct model *m, const struct model_config *cfg,
			    struct diag *d);
	/* Doubles of workspace needed for a gradient over `batch` samples and
	 * for the full gradient/evaluation (which works in chunks). */
	size_t (*workspace_size)(const struct model *m, size_t batch);
	/* x <- the initial parameters (may draw from rng). */
	void (*init_params)(const struct model *m, double *x, gsl_rng *rng);
	/* g <- gradient of the mean loss over samples idx[0..b) at x, plus the
	 * penalty's gradient.  Returns the mean loss of the batch (with penalty). */
	double (*batch_grad)(const struct model *m, const double *x,
			     const size_t *idx, size_t b, double *g, double *work);
	/* g <- the full gradient of f at x over the training set (g may be
	 * NULL); returns f(x). */
	double (*full_grad)(const struct model *m, const double *x, double *g,
			    double *work);
	/* Mean loss (without penalty) and accuracy (NAN for regression) at x
	 * over n rows X, labels y. */
	void (*evaluate)(const struct model *m, const double *x, const double *X,
			 const double *y, size_t n, double *loss, double *accuracy,
			 double *work);
};

#define MODEL_LAYERS_MAX (MODEL_CONV_MAX + MODEL_HIDDEN_MAX + 1)

enum model_layer_kind {
	MODEL_LAYER_CONV,   /* valid convolution (stride 1), ReLU, 2x2 max-pool */
	MODEL_LAYER_DENSE,  /* affine map, ReLU unless it is the output layer */
};

/* One layer of a network: weights W (out x fan_in, row-major) at
 * x[weight ..] and biases b (out) at x[bias ..], where fan_in is `in` for
 * a dense layer and in * k * k for a convolution (W's row o is the kernel
 * of output channel o, indexed (input channel, kernel row, kernel col)). */
struct model_layer {
	enum model_layer_kind kind;
	size_t in, out;       /* dense: features in and out; conv: channels */
	size_t k;             /* conv: kernel side; dense: 0 */
	size_t h, w;          /* conv: height and width of its input maps; dense: 0 */
	size_t weight, bias;  /* offsets of W and b in the parameter vector */
};

/* The layers of softmax, mlp and cnn, input side first (a copy: nothing
 * points into the scenario).  Convolutions come first, the last layer is
 * dense with one output per class. */
struct model_net {
	struct model_layer layer[MODEL_LAYERS_MAX];
	size_t nlayers;       /* 0 for the models that are not networks */
};

struct model {
	const struct model_ops *ops;  /* the model's operations */
	const struct dataset *data;   /* training (and held-out) samples, not owned */
	size_t dim;                   /* number of parameters */
	double l2;                    /* L2 penalty weight */
	struct model_net net;         /* the layers (networks only) */
};

/* The operations of a model kind. */
const struct model_ops *model_ops_of(enum model_kind kind);

/* Set up a model over a dataset (data may be NULL for `none`).  On bad
 * input (labels, layers that do not fit the data) records a message in *d,
 * returns ASG_EINPUT and leaves *m zeroed. */
asg_status model_init(struct model *m, const struct model_config *cfg,
		      const struct dataset *data, struct diag *d);

/* Convenience wrappers over m->ops. */
size_t model_workspace_size(const struct model *m, size_t batch);
void model_init_params(const struct model *m, double *x, gsl_rng *rng);
double model_batch_grad(const struct model *m, const double *x,
			const size_t *idx, size_t b, double *g, double *work);
double model_full_grad(const struct model *m, const double *x, double *g,
		       double *work);
void model_evaluate(const struct model *m, const double *x, const double *X,
		    const double *y, size_t n, double *loss, double *accuracy,
		    double *work);

/* Operations of each model file. */
extern const struct model_ops model_none_ops;
extern const struct model_ops model_quadratic_ops;
extern const struct model_ops model_logreg_ops;
extern const struct model_ops model_softmax_ops;
extern const struct model_ops model_mlp_ops;
extern const struct model_ops model_cnn_ops;

#endif
