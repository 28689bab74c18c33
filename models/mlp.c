/*
 * mlp.c — a fully connected ReLU network with a softmax cross-entropy
 * output and an L2 penalty on the weights.
 *
 * With hidden sizes h_1 .. h_L (model.hidden, default [128]), h_0 = d
 * features and h_{L+1} = K classes, layer j = 1 .. L+1 has W_j
 * (h_j x h_{j-1}) and b_j (h_j), stored in that order in x, and
 *     u_0 = a,  u_j = relu(W_j u_{j-1} + b_j) (j <= L),
 *     z = W_{L+1} u_L + b_{L+1}
 *     f(x) = (1/N) sum_i [log(sum_k exp(z_ik)) - z_{i,y_i}]
 *            + (l2/2) sum_j ||W_j||_F^2             (biases not penalised)
 * and over a batch the same with 1/b (net.h).  dim = sum_j h_j (h_{j-1} + 1).
 * The initial parameters are He's: W_j entries N(0, 2 / h_{j-1}) from the
 * given rng, biases 0.
 */
#include "net.h"

static asg_status mlp_setup(struct model *m, const struct model_config *cfg,
			    struct diag *d)
{
	return net_add_head(m, m->data->d, cfg->hidden, cfg->nhidden, d);
}

const struct model_ops model_mlp_ops = {
	.name = "mlp",
	.task = TASK_MULTICLASS,
	.setup = mlp_setup,
	.workspace_size = net_workspace_size,
	.init_params = net_init_he,
	.batch_grad = net_batch_grad,
	.full_grad = net_full_grad,
	.evaluate = net_evaluate,
};
