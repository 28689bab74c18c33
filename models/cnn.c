/*
 * cnn.c — a LeNet-style convolutional network on the data's images, with
 * a softmax cross-entropy output and an L2 penalty on the weights.
 *
 * On images of C channels H x W (dataset.h; data without an image shape is
 * refused), with channels c_1 .. c_m (model.channels, default [6, 16]),
 * kernel side k (model.kernel, default 5) and hidden sizes h_1 .. h_L
 * (model.hidden, default [120, 84]):
 *     conv j = 1 .. m:  valid k x k convolution of c_{j-1} maps into c_j
 *                       (stride 1, c_0 = C), ReLU, 2x2 max-pool (stride
 *                       2, an odd last row or column dropped):
 *                       H_j = floor((H_{j-1} - k + 1) / 2), the same for W
 *     dense:            the pooled maps flattened (c_m H_m W_m values, in
 *                       row, column, channel order), then h_1 .. h_L with
 *                       ReLU, then K logits
 *     f(x) = (1/N) sum_i [log(sum_k exp(z_ik)) - z_{i,y_i}]
 *            + (l2/2) (sum of the squares of every kernel and weight)
 * (biases not penalised).  Each convolution has c_j kernels of c_{j-1} k k
 * weights and c_j biases.  A convolution whose input maps are not larger
 * than k (so that its pooled output would be empty) is refused.  The
 * initial parameters are He's: N(0, 2 / fan_in) with fan_in = c_{j-1} k k
 * for a kernel, the input size for a dense layer; biases 0.  On 28 x 28
 * grey images the default is LeNet-5 without padding: 28 -> 24 -> 12 ->
 * 8 -> 4, 256 -> 120 -> 84 -> K.
 */
#include "net.h"

#include <assert.h>

static asg_status cnn_setup(struct model *m, const struct model_config *cfg,
			    struct diag *d)
{
	const struct dataset *ds = m->data;
	const char *name = m->ops->name;
	if (ds->channels == 0)
		return diag_set(d, ASG_EINPUT,
				"model '%s' needs images (data with channels, height "
				"and width, such as data.kind idx), the data has %zu "
				"features and no image shape", name, ds->d);
	assert(ds->channels * ds->height * ds->width == ds->d);
	if (cfg->nchannels < 1 || cfg->nchannels > MODEL_CONV_MAX)
		return diag_set(d, ASG_EINPUT,
				"model '%s' needs 1 to %d convolutions, not %zu", name,
				MODEL_CONV_MAX, cfg->nchannels);
	if (cfg->kernel <= 0)
		return diag_set(d, ASG_EINPUT,
				"model.kernel must be > 0, not %ld", cfg->kernel);
	size_t k = (size_t)cfg->kernel, c = ds->channels;
	size_t h = ds->height, w = ds->width;
	for (size_t j = 0; j < cfg->nchannels; j++) {
		if (cfg->channels[j] <= 0)
			return diag_set(d, ASG_EINPUT,
					"model.channels[%zu] must be > 0, not %ld", j,
					cfg->channels[j]);
		if (h <= k || w <= k)
			return diag_set(d, ASG_EINPUT,
					"model '%s': convolution %zu (kernel %zu, then 2x2 "
					"pooling) needs maps larger than %zux%zu, it gets "
					"%zux%zu from %zux%zux%zu images",
					name, j + 1, k, k, k, h, w, ds->channels,
					ds->height, ds->width);
		asg_status st = net_add_conv(m, c, h, w, (size_t)cfg->channels[j],
					     k, d);
		if (st != ASG_OK)
			return st;
		c = (size_t)cfg->channels[j];
		h = (h - k + 1) / 2;
		w = (w - k + 1) / 2;
	}
	return net_add_head(m, c * h * w, cfg->hidden, cfg->nhidden, d);
}

const struct model_ops model_cnn_ops = {
	.name = "cnn",
	.task = TASK_MULTICLASS,
	.setup = cnn_setup,
	.workspace_size = net_workspace_size,
	.init_params = net_init_he,
	.batch_grad = net_batch_grad,
	.full_grad = net_full_grad,
	.evaluate = net_evaluate,
};
