/*
 * linear.h — what the models on a linear predictor share: the rows of a
 * batch or of the whole dataset in chunks, a loss whose gradient is
 * A^T r for a residual r of the chunk, and the L2 penalty.
 *
 * A model gives its chunk function: for the c rows A (row-major c x d) and
 * labels y, it sets r to the residual of the rows at x, adds A^T r to g
 * scaled as g <- A^T r + beta g (when g is not NULL), and returns the sum
 * of the rows' losses.  The loops below then:
 *   - batch:  gather the batch's rows into the workspace, chunk by chunk;
 *   - full:   run the chunk on the dataset's rows in place;
 * and finish with g <- g / n + l2 x, f = sum / n + (l2/2) ||x||^2.  A full
 * batch 0 .. N-1 therefore gives the full gradient bit for bit.
 * Workspace: for a batch [rows c x d][labels c][residuals c] with
 * c = min(b, LINEAR_CHUNK); for the full gradient [residuals LINEAR_CHUNK]:
 * it never grows with N.
 */
#ifndef ASG_LINEAR_H
#define ASG_LINEAR_H

#include "model.h"

#define LINEAR_CHUNK 256

typedef double (*linear_chunk_fn)(const struct model *m, const double *x,
				  const double *A, const double *y, size_t c,
				  double *r, double *g, double beta);

/* dim = the number of features. */
asg_status linear_setup(struct model *m, const struct model_config *cfg,
			struct diag *d);

size_t linear_workspace_size(const struct model *m, size_t batch);

double linear_batch_grad(const struct model *m, const double *x,
			 const size_t *idx, size_t b, double *g, double *work,
			 linear_chunk_fn chunk);

double linear_full_grad(const struct model *m, const double *x, double *g,
			double *work, linear_chunk_fn chunk);

#endif
