/*
 * coupling.h — the block Lipschitz constants L^{ij} of THEORY.md.
 *
 * For least squares f = (1/2N)||Ax - b||^2, L^{ij} = ||A_i^T A_j||_2 / N,
 * the spectral norm of block (i, j) of the Gram matrix G = A^T A / N; for
 * logistic regression ||G_ij||_2 / 4 is an upper bound.  The norm is the
 * largest singular value (gsl_linalg_SV_decomp, which allocates its
 * workspace: call it at set-up, never in the event loop).
 */
#ifndef ASG_COUPLING_H
#define ASG_COUPLING_H

#include <stddef.h>

/* ||g[r0..r1, c0..c1]||_2 of the d x d row-major g; 0 for an empty block,
 * NAN if out of memory. */
double coupling_block_norm(const double *g, size_t d, size_t r0, size_t r1,
			   size_t c0, size_t c1);

#endif
