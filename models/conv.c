/*
 * conv.c — the image operations of a convolution layer (net.h): im2col
 * and its adjoint, 2x2 max-pooling and its gradient.
 *
 * A convolution of layer l reads c samples of l->in maps l->h x l->w and
 * computes, for output channel o at position (r, q),
 *     y(o, r, q) = b_o + sum_{ch, i, j} W(o; ch, i, j) a(ch, r + i, q + j)
 * for 0 <= r < oh = h - k + 1, 0 <= q < ow = w - k + 1 (valid convolution,
 * stride 1, in the cross-correlation convention).  With the patches laid
 * out as rows (im2col) this is one matrix product, done by net.c; this
 * file only moves values.  Pooling takes non-overlapping 2x2 windows
 * (stride 2); an odd last row or column is dropped.
 */
#include "net.h"

#include <assert.h>
#include <string.h>

size_t conv_out_h(const struct model_layer *l)
{
	assert(l->kind == MODEL_LAYER_CONV && l->h >= l->k);
	return l->h - l->k + 1;
}

size_t conv_out_w(const struct model_layer *l)
{
	assert(l->kind == MODEL_LAYER_CONV && l->w >= l->k);
	return l->w - l->k + 1;
}

struct conv_strides conv_strides_chw(size_t ch, size_t h, size_t w)
{
	return (struct conv_strides){ .sample = ch * h * w, .chan = h * w,
				      .row = w, .col = 1 };
}

struct conv_strides conv_strides_hwc(size_t ch, size_t h, size_t w)
{
	return (struct conv_strides){ .sample = h * w * ch, .chan = 1,
				      .row = w * ch, .col = ch };
}

void conv_im2col(const struct model_layer *l, const double *in,
		 struct conv_strides s, size_t c, double *cols)
{
	size_t k = l->k, oh = conv_out_h(l), ow = conv_out_w(l);
	for (size_t n = 0; n < c; n++)
		for (size_t r = 0; r < oh; r++)
			for (size_t q = 0; q < ow; q++) {
				const double *at = in + n * s.sample + r * s.row + q * s.col;
				for (size_t ch = 0; ch < l->in; ch++)
					for (size_t i = 0; i < k; i++) {
						const double *src = at + ch * s.chan + i * s.row;
						for (size_t j = 0; j < k; j++)
							*cols++ = src[j * s.col];
					}
			}
}

void conv_col2im(const struct model_layer *l, const double *dcols, size_t c,
		 double *din)
{
	size_t k = l->k, oh = conv_out_h(l), ow = conv_out_w(l);
	struct conv_strides s = conv_strides_hwc(l->in, l->h, l->w);
	memset(din, 0, c * s.sample * sizeof *din);
	for (size_t n = 0; n < c; n++)
		for (size_t r = 0; r < oh; r++)
			for (size_t q = 0; q < ow; q++) {
				double *at = din + n * s.sample + r * s.row + q * s.col;
				for (size_t ch = 0; ch < l->in; ch++)
					for (size_t i = 0; i < k; i++) {
						double *dst = at + ch * s.chan + i * s.row;
						for (size_t j = 0; j < k; j++)
							dst[j * s.col] += *dcols++;
					}
			}
}

/* The offset, within one sample's channel-last maps, of the largest of the
 * four values of window (pr, pc) in channel ch (the first, on a tie). */
static size_t conv_window_max(const double *maps, size_t ow, size_t ch,
			      size_t chans, size_t pr, size_t pc)
{
	size_t best = ((2 * pr) * ow + 2 * pc) * chans + ch;
	const size_t step[3] = { chans, ow * chans, (ow + 1) * chans };
	size_t first = best;
	for (size_t t = 0; t < 3; t++)
		if (maps[first + step[t]] > maps[best])
			best = first + step[t];
	return best;
}

void conv_pool(const struct model_layer *l, const double *maps, size_t c,
	       double *out)
{
	size_t oh = conv_out_h(l), ow = conv_out_w(l), ch = l->out;
	size_t ph = oh / 2, pw = ow / 2;
	for (size_t n = 0; n < c; n++, maps += oh * ow * ch)
		for (size_t pr = 0; pr < ph; pr++)
			for (size_t pc = 0; pc < pw; pc++)
				for (size_t o = 0; o < ch; o++)
					*out++ = maps[conv_window_max(maps, ow, o, ch, pr, pc)];
}

void conv_pool_backward(const struct model_layer *l, const double *maps,
			const double *dout, size_t c, double *dmaps)
{
	size_t oh = conv_out_h(l), ow = conv_out_w(l), ch = l->out;
	size_t ph = oh / 2, pw = ow / 2, size = oh * ow * ch;
	memset(dmaps, 0, c * size * sizeof *dmaps);
	for (size_t n = 0; n < c; n++, maps += size, dmaps += size)
		for (size_t pr = 0; pr < ph; pr++)
			for (size_t pc = 0; pc < pw; pc++)
				for (size_t o = 0; o < ch; o++, dout++) {
					size_t at = conv_window_max(maps, ow, o, ch, pr, pc);
					if (maps[at] > 0.0)
						dmaps[at] = *dout;
				}
}
