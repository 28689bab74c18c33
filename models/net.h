/*
 * net.h — what the network models (softmax.c, mlp.c, cnn.c) share: their
 * layers (struct model_net in model.h), a forward and backward pass over a
 * chunk of rows with CBLAS, the softmax cross-entropy output, the penalty
 * on the weights, and the convolution's image operations (conv.c).
 *
 * A network maps a sample a to K logits z = net(x; a) through the layers
 * of m->net, convolutions first, then dense layers; the last dense layer
 * has no ReLU and one output per class.  With y the sample's class,
 *     loss(x; a, y) = log(sum_k exp(z_k)) - z_y        (cross-entropy)
 *     f(x) = (1/N) sum_i loss(x; a_i, y_i) + (l2/2) sum_layers ||W||_F^2
 * (biases are not penalised), and over a batch B of b samples the same
 * with 1/b and the sum over B (indices may repeat).
 *
 * Rows are processed together, a chunk at a time: one GEMM per layer for
 * the whole chunk (a convolution: im2col of the chunk's maps, then one
 * GEMM).  A batch is one chunk of up to NET_BATCH_MAX rows; the full
 * gradient and evaluate walk their rows in chunks of NET_CHUNK.  A batch
 * 0 .. N-1 therefore sums the same rows in other chunks than full_grad:
 * the two agree up to rounding, not bit for bit.
 *
 * Maps between layers are stored channel-last (HWC: sample, row, column,
 * channel); the data's images are channel-first (CHW: dataset.h).  The
 * dense layer after the last convolution reads the pooled maps flattened
 * in HWC order.
 *
 * Workspace (net_workspace_size): for c rows, the gathered input rows and
 * labels, every layer's output (for a convolution also its map before
 * pooling), a gradient of the same size for each, and one im2col matrix of
 * the largest convolution; c = max(min(batch, NET_BATCH_MAX), NET_CHUNK),
 * so it never grows with N.  Nothing here allocates.
 */
#ifndef ASG_NET_H
#define ASG_NET_H

#include "model.h"

#define NET_CHUNK 32        /* rows of a full-gradient or evaluation chunk */
#define NET_BATCH_MAX 256   /* rows of a batch processed together */

/* ---- layers, for the setup of softmax.c, mlp.c, cnn.c ---- */

/* Append a dense layer in -> out to m->net, its parameters after the
 * ones already there (m->dim grows).  Refuses, with a message, sizes
 * whose buffers CBLAS could not index. */
asg_status net_add_dense(struct model *m, size_t in, size_t out,
			 struct diag *d);

/* Append a convolution of `cin` maps h x w into `cout` maps with a k x k
 * kernel, then 2x2 pooling; the caller has checked h, w >= k + 1. */
asg_status net_add_conv(struct model *m, size_t cin, size_t h, size_t w,
			size_t cout, size_t k, struct diag *d);

/* Append the dense hidden layers of sizes hidden[0 .. nhidden) after `in`
 * features, then the output layer of data->classes. */
asg_status net_add_head(struct model *m, size_t in, const long *hidden,
			size_t nhidden, struct diag *d);

/* Values of each sample that a layer reads (its fan-in for a dense
 * layer, its input maps for a convolution) and writes (after pooling). */
size_t net_layer_inputs(const struct model_layer *l);
size_t net_layer_outputs(const struct model_layer *l);

/* ---- the operations of struct model_ops ---- */

size_t net_workspace_size(const struct model *m, size_t batch);

/* He initialisation: each W ~ N(0, 2 / fan_in) entrywise, drawn layer by
 * layer in the order of x; biases 0. */
void net_init_he(const struct model *m, double *x, gsl_rng *rng);

double net_batch_grad(const struct model *m, const double *x,
		      const size_t *idx, size_t b, double *g, double *work);
double net_full_grad(const struct model *m, const double *x, double *g,
		     double *work);

/* Mean cross-entropy (without penalty) and the fraction of rows whose
 * largest logit (the first, on a tie) is their label. */
void net_evaluate(const struct model *m, const double *x, const double *X,
		  const double *y, size_t n, double *loss, double *accuracy,
		  double *work);

/* ---- convolution pieces (conv.c) ---- */

/* Where value (sample n, channel ch, row r, column q) of a batch of maps
 * is: n * sample + ch * chan + r * row + q * col. */
struct conv_strides {
	size_t sample, chan, row, col;
};

/* The strides of maps of `ch` channels h x w, channel-first (the data's
 * images) or channel-last (the maps between layers). */
struct conv_strides conv_strides_chw(size_t ch, size_t h, size_t w);
struct conv_strides conv_strides_hwc(size_t ch, size_t h, size_t w);

/* im2col: cols (c * oh * ow rows, in * k * k columns) <- the patches of
 * the c input maps of layer l, one row per output position (sample, row,
 * column), columns in W's order (channel, kernel row, kernel column). */
void conv_im2col(const struct model_layer *l, const double *in,
		 struct conv_strides s, size_t c, double *cols);

/* The adjoint of conv_im2col: din (channel-last, zeroed here) <- the sum
 * of each patch gradient in dcols at its place. */
void conv_col2im(const struct model_layer *l, const double *dcols, size_t c,
		 double *din);

/* out (c x ph x pw x ch) <- the maximum of each 2x2 window of the maps
 * (c x oh x ow x ch, channel-last), ph = floor(oh / 2), pw = floor(ow / 2). */
void conv_pool(const struct model_layer *l, const double *maps, size_t c,
	       double *out);

/* dmaps <- the gradient of the ReLU'd maps given the gradient dout of the
 * pooled ones: each window's dout goes to its maximum (the first, on a
 * tie) when that maximum is > 0, every other entry (also the rows and
 * columns pooling drops) gets 0. */
void conv_pool_backward(const struct model_layer *l, const double *maps,
			const double *dout, size_t c, double *dmaps);

/* Output positions of a convolution, before and after pooling. */
size_t conv_out_h(const struct model_layer *l);
size_t conv_out_w(const struct model_layer *l);

#endif
