/*
 * softmax.c — multinomial logistic regression with an L2 penalty on the
 * weights.
 *
 * With K classes (data->classes), parameters W (K x d, row-major, first in
 * x) and b (K, after W), logits z_i = W a_i + b and labels y_i in
 * 0 .. K-1:
 *     f(W, b)  = (1/N) sum_i [log(sum_k exp(z_ik)) - z_{i,y_i}]
 *                + (l2/2) ||W||_F^2                 (b is not penalised)
 *     grad_W f = (1/N) sum_i (p_i - e_{y_i}) a_i^T + l2 W
 *     grad_b f = (1/N) sum_i (p_i - e_{y_i})
 * with p_i = softmax(z_i) and e_y the y-th unit vector; over a batch B of
 * b samples the same with 1/b and the sum over B.  The log-sum-exp is
 * taken after subtracting the largest logit, so no logit overflows.
 * dim = K d + K.  The initial parameters are 0, where the loss is log K.
 *
 * It is the network of net.h with a single dense layer d -> K: the
 * operations are net.c's.
 */
#include "net.h"

#include <string.h>

static asg_status softmax_setup(struct model *m, const struct model_config *cfg,
				struct diag *d)
{
	return net_add_head(m, m->data->d, NULL, 0, d);
}

static void softmax_init_params(const struct model *m, double *x, gsl_rng *rng)
{
	memset(x, 0, m->dim * sizeof *x);
}

const struct model_ops model_softmax_ops = {
	.name = "softmax",
	.task = TASK_MULTICLASS,
	.setup = softmax_setup,
	.workspace_size = net_workspace_size,
	.init_params = softmax_init_params,
	.batch_grad = net_batch_grad,
	.full_grad = net_full_grad,
	.evaluate = net_evaluate,
};
