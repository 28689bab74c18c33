/*
 * quadgrad.h — the exact full gradient of the least-squares model, kept up
 * to date at every tick of a block-coordinate run.
 *
 * For f(x) = (1/2N)||Ax - b||^2 + (l2/2)||x||^2:
 *     H = A^T A / N + l2 I,   c = A^T b / N,   grad f(x) = H x - c,
 *     f(x) = (1/2) x^T grad f(x) - (1/2) c^T x + ||b||^2 / (2N).
 * A change delta of block i (coordinates lo..hi) moves the gradient by
 * H[:, lo..hi] delta: O(d * d_i) per update instead of O(N d) for a
 * recomputation.  The gradient drifts from a recomputed one only by
 * rounding; quadgrad_refresh recomputes it from x.
 *
 * Memory: d^2 + 3d doubles, allocated by quadgrad_init.
 */
#ifndef ASG_QUADGRAD_H
#define ASG_QUADGRAD_H

#include <stddef.h>

#include "../../models/model.h"

struct quadgrad {
	size_t dim;      /* d */
	double *h;       /* H, d x d row-major (symmetric) */
	double *c;       /* A^T b / N */
	double *g;       /* grad f at the tracked x */
	double beta;     /* ||b||^2 / (2N) */
};

/* H, c and beta from the model's data, and g at x.  ASG_ENOMEM on failure. */
asg_status quadgrad_init(struct quadgrad *q, const struct model *m,
			 const double *x);

void quadgrad_release(struct quadgrad *q);

/* Block lo..hi of x changed by delta[0 .. hi-lo). */
void quadgrad_move(struct quadgrad *q, size_t lo, size_t hi,
		   const double *delta);

/* Recompute g = H x - c from x. */
void quadgrad_refresh(struct quadgrad *q, const double *x);

/* ||grad f||^2 at the tracked x. */
double quadgrad_norm2(const struct quadgrad *q);

/* f at x (x must be the tracked point), from the formula above: accurate
 * to about 1e-15 * (c^T x + beta) absolutely, and never below 0. */
double quadgrad_value(const struct quadgrad *q, const double *x);

/* G = A^T A / N, d x d row-major, from a dataset (the Gram matrix). */
void quadgrad_gram(const struct dataset *ds, double *gram);

#endif
