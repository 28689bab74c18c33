/*
 * net.c — the layers, passes and chunk loops of the network models
 * (net.h): softmax, mlp and cnn differ only in the layers their setup
 * appends and in their initial parameters.
 *
 * Forward, for a chunk of c rows: each layer computes
 *     dense:  Z = A W^T + 1 b^T                 (one GEMM, c x out)
 *     conv:   Z = im2col(A) W^T + 1 b^T         (one GEMM, c*oh*ow x out)
 * then ReLU (max(Z, 0), in place) for every layer but the last, and for a
 * convolution the 2x2 max-pool.  The logits' softmax gives the loss and
 * dZ = softmax(Z) - onehot(y) for the last layer.  Backward, layer by
 * layer from the last:
 *     gW += dZ^T X,  gb += 1^T dZ,  dX = dZ W     (X the layer's input rows,
 *                                                  im2col'd for a conv)
 * and dX goes through col2im (conv), the previous layer's pooling and ReLU
 * (the ReLU's derivative is taken as 0 at 0).  The im2col matrix is
 * rebuilt in the backward pass, so one buffer serves every convolution.
 * Chunks add their summed loss and gradient; net_finish divides by the
 * rows and adds the penalty once.  Every buffer is carved from the
 * caller's workspace (net_layout).
 */
#include "net.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <gsl/gsl_cblas.h>  /* not <cblas.h>: it clashes with gsl_randist.h;
                                 the symbols are OpenBLAS's all the same */
#include <gsl/gsl_randist.h>

/* ---- layers ---- */

/* The columns of W. */
static size_t net_fan_in(const struct model_layer *l)
{
	return l->kind == MODEL_LAYER_CONV ? l->in * l->k * l->k : l->in;
}

/* Rows of one sample in the layer's GEMM: output positions of a conv. */
static size_t net_positions(const struct model_layer *l)
{
	return l->kind == MODEL_LAYER_CONV ? conv_out_h(l) * conv_out_w(l) : 1;
}

size_t net_layer_inputs(const struct model_layer *l)
{
	return l->kind == MODEL_LAYER_CONV ? l->in * l->h * l->w : l->in;
}

size_t net_layer_outputs(const struct model_layer *l)
{
	if (l->kind == MODEL_LAYER_DENSE)
		return l->out;
	return l->out * (conv_out_h(l) / 2) * (conv_out_w(l) / 2);
}

/* a * b <= room, without overflow. */
static bool net_fits(size_t a, size_t b, size_t room)
{
	return b == 0 || a <= room / b;
}

/* Append l, its parameters after m->dim.  Every size CBLAS sees (the
 * GEMMs' dimensions, the parameter count) must fit in an int. */
static asg_status net_add(struct model *m, struct model_layer l,
			  struct diag *d)
{
	struct model_net *net = &m->net;
	const size_t most = INT_MAX;
	assert(net->nlayers < MODEL_LAYERS_MAX);
	assert(m->dim <= most);
	size_t fan = 0, room = most - m->dim;
	bool fits = l.in <= most && l.out <= room && l.k <= most &&
		   net_fits(l.in, l.k, most) && net_fits(l.in * l.k, l.k, most);
	if (fits) {
		fan = net_fan_in(&l);
		fits = net_fits(l.out, fan, room - l.out) &&
		       net_fits(NET_BATCH_MAX, net_positions(&l), most) &&
		       net_fits(NET_BATCH_MAX * net_positions(&l), fan, SIZE_MAX / 2);
	}
	if (!fits)
		return diag_set(d, ASG_EINPUT,
				"model '%s': layer %zu is too large for BLAS, whose "
				"sizes are limited to %d",
				m->ops->name, net->nlayers + 1, INT_MAX);
	l.weight = m->dim;
	l.bias = m->dim + l.out * fan;
	m->dim = l.bias + l.out;
	net->layer[net->nlayers++] = l;
	return ASG_OK;
}

asg_status net_add_dense(struct model *m, size_t in, size_t out,
			 struct diag *d)
{
	struct model_layer l = { .kind = MODEL_LAYER_DENSE, .in = in, .out = out };
	return net_add(m, l, d);
}

asg_status net_add_conv(struct model *m, size_t cin, size_t h, size_t w,
			size_t cout, size_t k, struct diag *d)
{
	assert(k >= 1 && h > k && w > k);
	struct model_layer l = { .kind = MODEL_LAYER_CONV, .in = cin, .out = cout,
				 .k = k, .h = h, .w = w };
	return net_add(m, l, d);
}

asg_status net_add_head(struct model *m, size_t in, const long *hidden,
			size_t nhidden, struct diag *d)
{
	assert(nhidden <= MODEL_HIDDEN_MAX);
	for (size_t i = 0; i < nhidden; i++) {
		if (hidden[i] <= 0)
			return diag_set(d, ASG_EINPUT,
					"model.hidden[%zu] must be > 0, not %ld", i,
					hidden[i]);
		asg_status st = net_add_dense(m, in, (size_t)hidden[i], d);
		if (st != ASG_OK)
			return st;
		in = (size_t)hidden[i];
	}
	return net_add_dense(m, in, m->data->classes, d);
}

/* ---- workspace ---- */

/* The buffers of a chunk of rows, carved from the workspace. */
struct net_buffers {
	double *input;                     /* rows x features (a batch's rows) */
	double *labels;                    /* rows (a batch's labels) */
	double *maps[MODEL_LAYERS_MAX];    /* conv: rows x oh x ow x out after
	                                      ReLU, before pooling; else NULL */
	double *out[MODEL_LAYERS_MAX];     /* rows x outputs: the layer's output */
	double *dmaps[MODEL_LAYERS_MAX];   /* gradients of maps */
	double *dout[MODEL_LAYERS_MAX];    /* gradients of out */
	double *cols;                      /* the largest im2col matrix */
};

/* The next n doubles of work (NULL when only counting). */
static double *net_take(double *work, size_t *used, size_t n)
{
	double *p = work ? work + *used : NULL;
	*used += n;
	return p;
}

/* Lay out the buffers of `rows` rows from work (NULL: count only);
 * returns the doubles they take. */
static size_t net_layout(const struct model *m, size_t rows, double *work,
			 struct net_buffers *b)
{
	size_t used = 0, cols = 0;
	b->input = net_take(work, &used, rows * m->data->d);
	b->labels = net_take(work, &used, rows);
	for (size_t i = 0; i < m->net.nlayers; i++) {
		const struct model_layer *l = &m->net.layer[i];
		size_t maps = 0;
		if (l->kind == MODEL_LAYER_CONV) {
			size_t positions = rows * net_positions(l);
			maps = positions * l->out;
			if (positions * net_fan_in(l) > cols)
				cols = positions * net_fan_in(l);
		}
		b->maps[i] = maps ? net_take(work, &used, maps) : NULL;
		b->dmaps[i] = maps ? net_take(work, &used, maps) : NULL;
		b->out[i] = net_take(work, &used, rows * net_layer_outputs(l));
		b->dout[i] = net_take(work, &used, rows * net_layer_outputs(l));
	}
	b->cols = net_take(work, &used, cols);
	return used;
}

size_t net_workspace_size(const struct model *m, size_t batch)
{
	struct net_buffers b;
	size_t rows = batch < NET_BATCH_MAX ? batch : NET_BATCH_MAX;
	return net_layout(m, rows > NET_CHUNK ? rows : NET_CHUNK, NULL, &b);
}

/* ---- initial parameters ---- */

void net_init_he(const struct model *m, double *x, gsl_rng *rng)
{
	assert(rng != NULL);
	memset(x, 0, m->dim * sizeof *x);
	for (size_t i = 0; i < m->net.nlayers; i++) {
		const struct model_layer *l = &m->net.layer[i];
		size_t fan = net_fan_in(l);
		double sd = sqrt(2.0 / (double)fan);
		for (size_t j = 0; j < l->out * fan; j++)
			x[l->weight + j] = gsl_ran_gaussian(rng, sd);
	}
}

/* ---- one layer ---- */

/* Y (rows x out) <- X (rows x fan) W^T + 1 b^T. */
static void net_affine(size_t rows, size_t fan, size_t out, const double *X,
		       const double *W, const double *bias, double *Y)
{
	for (size_t r = 0; r < rows; r++)
		memcpy(Y + r * out, bias, out * sizeof *Y);
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)out,
		    (int)fan, 1.0, X, (int)fan, W, (int)fan, 1.0, Y, (int)out);
}

/* gW <- dY^T X + beta gW, gb <- 1^T dY + beta gb, and when dX is not
 * NULL, dX <- dY W (dX may be X: X is read first). */
static void net_affine_backward(size_t rows, size_t fan, size_t out,
				const double *X, const double *dY,
				const double *W, double *gW, double *gb,
				double beta, double *dX)
{
	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)fan,
		    (int)rows, 1.0, dY, (int)out, X, (int)fan, beta, gW, (int)fan);
	if (beta == 0.0)
		memset(gb, 0, out * sizeof *gb);
	for (size_t r = 0; r < rows; r++)
		for (size_t o = 0; o < out; o++)
			gb[o] += dY[r * out + o];
	if (dX)
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
			    (int)fan, (int)out, 1.0, dY, (int)out, W, (int)fan, 0.0,
			    dX, (int)fan);
}

static void net_relu(double *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (y[i] < 0.0)
			y[i] = 0.0;
}

/* dy <- dy where the ReLU's output y is > 0, else 0. */
static void net_relu_backward(const double *y, double *dy, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(y[i] > 0.0))
			dy[i] = 0.0;
}

/* The maps the convolution of layer i reads: the data's images (CHW) for
 * the first layer, the previous layer's pooled maps (HWC) after. */
static struct conv_strides net_conv_input(const struct model_layer *l,
					  size_t i)
{
	return i == 0 ? conv_strides_chw(l->in, l->h, l->w)
		      : conv_strides_hwc(l->in, l->h, l->w);
}

/* ---- passes over a chunk ---- */

static void net_forward(const struct model *m, const double *x,
			const double *in, size_t c, struct net_buffers *b)
{
	const double *prev = in;
	size_t last = m->net.nlayers - 1;
	for (size_t i = 0; i <= last; i++) {
		const struct model_layer *l = &m->net.layer[i];
		const double *W = x + l->weight, *bias = x + l->bias;
		if (l->kind == MODEL_LAYER_CONV) {
			size_t rows = c * net_positions(l);
			conv_im2col(l, prev, net_conv_input(l, i), c, b->cols);
			net_affine(rows, net_fan_in(l), l->out, b->cols, W, bias,
				   b->maps[i]);
			net_relu(b->maps[i], rows * l->out);
			conv_pool(l, b->maps[i], c, b->out[i]);
		} else {
			net_affine(c, l->in, l->out, prev, W, bias, b->out[i]);
			if (i < last)
				net_relu(b->out[i], c * l->out);
		}
		prev = b->out[i];
	}
}

/* The gradient of layer i's output (dout[i]) into the gradient before its
 * activation: the ReLU's mask, and for a conv the pooling's routing. */
static void net_activation_backward(const struct model *m, size_t i, size_t c,
				    struct net_buffers *b)
{
	const struct model_layer *l = &m->net.layer[i];
	if (l->kind == MODEL_LAYER_CONV)
		conv_pool_backward(l, b->maps[i], b->dout[i], c, b->dmaps[i]);
	else
		net_relu_backward(b->out[i], b->dout[i], c * l->out);
}

/* g <- the summed gradient of the chunk + beta g, from dout of the last
 * layer; net_forward has filled b for the same x and rows. */
static void net_backward(const struct model *m, const double *x,
			 const double *in, size_t c, double *g, double beta,
			 struct net_buffers *b)
{
	for (size_t i = m->net.nlayers; i-- > 0;) {
		const struct model_layer *l = &m->net.layer[i];
		const double *prev = i ? b->out[i - 1] : in;
		double *dprev = i ? b->dout[i - 1] : NULL;
		const double *W = x + l->weight;
		double *gW = g + l->weight, *gb = g + l->bias;
		if (l->kind == MODEL_LAYER_CONV) {
			conv_im2col(l, prev, net_conv_input(l, i), c, b->cols);
			net_affine_backward(c * net_positions(l), net_fan_in(l), l->out,
					    b->cols, b->dmaps[i], W, gW, gb, beta,
					    dprev ? b->cols : NULL);
			if (dprev)
				conv_col2im(l, b->cols, c, dprev);
		} else {
			net_affine_backward(c, l->in, l->out, prev, b->dout[i], W, gW,
					    gb, beta, dprev);
		}
		if (dprev)
			net_activation_backward(m, i - 1, c, b);
	}
}

/* The summed cross-entropy of the logits z (c x K) against the labels y.
 * dz (when not NULL) <- softmax(z) - onehot(y), row by row; *right (when
 * not NULL) += the rows whose first largest logit is the label. */
static double net_output(const double *z, const double *y, size_t c, size_t K,
			 double *dz, size_t *right)
{
	double sum = 0.0;
	for (size_t i = 0; i < c; i++, z += K) {
		assert(y[i] >= 0.0 && y[i] < (double)K);
		size_t label = (size_t)y[i], top = 0;
		for (size_t k = 1; k < K; k++)
			if (z[k] > z[top])
				top = k;
		double s = 0.0;
		for (size_t k = 0; k < K; k++)
			s += exp(z[k] - z[top]);
		double lse = z[top] + log(s);
		sum += lse - z[label];
		if (right)
			*right += top == label;
		if (dz) {
			for (size_t k = 0; k < K; k++)
				dz[k] = exp(z[k] - lse);
			dz[label] -= 1.0;
			dz += K;
		}
	}
	return sum;
}

/* The summed loss of c rows `in` with labels y; when g is not NULL, g <-
 * their summed gradient + beta g. */
static double net_chunk(const struct model *m, const double *x,
			const double *in, const double *y, size_t c, double *g,
			double beta, struct net_buffers *b)
{
	size_t last = m->net.nlayers - 1;
	net_forward(m, x, in, c, b);
	double sum = net_output(b->out[last], y, c, m->net.layer[last].out,
				g ? b->dout[last] : NULL, NULL);
	if (g)
		net_backward(m, x, in, c, g, beta, b);
	return sum;
}

/* g <- g / n + l2 W (weights only); returns sum / n + (l2/2) sum ||W||^2. */
static double net_finish(const struct model *m, const double *x, double sum,
			 size_t n, double *g)
{
	double squares = 0.0;
	if (g)
		cblas_dscal((int)m->dim, 1.0 / (double)n, g, 1);
	for (size_t i = 0; i < m->net.nlayers; i++) {
		const struct model_layer *l = &m->net.layer[i];
		int nw = (int)(l->out * net_fan_in(l));
		const double *W = x + l->weight;
		squares += cblas_ddot(nw, W, 1, W, 1);
		if (g)
			cblas_daxpy(nw, m->l2, W, 1, g + l->weight, 1);
	}
	return sum / (double)n + 0.5 * m->l2 * squares;
}

/* ---- the operations ---- */

double net_batch_grad(const struct model *m, const double *x,
		      const size_t *idx, size_t b, double *g, double *work)
{
	assert(b > 0);
	const struct dataset *ds = m->data;
	size_t d = ds->d, cap = b < NET_BATCH_MAX ? b : NET_BATCH_MAX;
	struct net_buffers buf;
	double sum = 0.0;
	net_layout(m, cap, work, &buf);
	for (size_t s = 0; s < b; s += cap) {
		size_t c = b - s < cap ? b - s : cap;
		for (size_t i = 0; i < c; i++) {
			memcpy(buf.input + i * d, ds->x + idx[s + i] * d,
			       d * sizeof *buf.input);
			buf.labels[i] = ds->y[idx[s + i]];
		}
		sum += net_chunk(m, x, buf.input, buf.labels, c, g, s ? 1.0 : 0.0,
				 &buf);
	}
	return net_finish(m, x, sum, b, g);
}

double net_full_grad(const struct model *m, const double *x, double *g,
		     double *work)
{
	const struct dataset *ds = m->data;
	size_t n = ds->n, d = ds->d;
	struct net_buffers buf;
	double sum = 0.0;
	net_layout(m, NET_CHUNK, work, &buf);
	for (size_t s = 0; s < n; s += NET_CHUNK) {
		size_t c = n - s < NET_CHUNK ? n - s : NET_CHUNK;
		sum += net_chunk(m, x, ds->x + s * d, ds->y + s, c, g,
				 s ? 1.0 : 0.0, &buf);
	}
	return net_finish(m, x, sum, n, g);
}

void net_evaluate(const struct model *m, const double *x, const double *X,
		  const double *y, size_t n, double *loss, double *accuracy,
		  double *work)
{
	size_t d = m->data->d, last = m->net.nlayers - 1, right = 0;
	struct net_buffers buf;
	double sum = 0.0;
	net_layout(m, NET_CHUNK, work, &buf);
	for (size_t s = 0; s < n; s += NET_CHUNK) {
		size_t c = n - s < NET_CHUNK ? n - s : NET_CHUNK;
		net_forward(m, x, X + s * d, c, &buf);
		sum += net_output(buf.out[last], y + s, c, m->net.layer[last].out,
				  NULL, &right);
	}
	*loss = n ? sum / (double)n : NAN;
	*accuracy = n ? (double)right / (double)n : NAN;
}
