/*
 * sim_coupling.c — spectral norms of blocks of a matrix (see coupling.h).
 * Kept apart from the CBLAS users: GSL's matrix headers and OpenBLAS's
 * cblas.h cannot be included in one file.
 */
#include "coupling.h"

#include <math.h>
#include <stdbool.h>
#include <gsl/gsl_linalg.h>

/* The spectral norm of block (i, j) of the Gram matrix g (d x d). */
double coupling_block_norm(const double *g, size_t d, size_t r0, size_t r1,
			       size_t c0, size_t c1)
{
	size_t rows = r1 - r0, cols = c1 - c0;
	bool tall = rows >= cols;
	size_t m = tall ? rows : cols, n = tall ? cols : rows;
	if (n == 0)
		return 0.0;
	gsl_matrix *a = gsl_matrix_alloc(m, n);
	gsl_matrix *v = gsl_matrix_alloc(n, n);
	gsl_vector *sv = gsl_vector_alloc(n), *work = gsl_vector_alloc(n);
	double norm = NAN;
	if (a && v && sv && work) {
		for (size_t r = 0; r < rows; r++)
			for (size_t c = 0; c < cols; c++)
				gsl_matrix_set(a, tall ? r : c, tall ? c : r,
					       g[(r0 + r) * d + c0 + c]);
		gsl_linalg_SV_decomp(a, v, sv, work);
		norm = gsl_vector_get(sv, 0);
	}
	gsl_vector_free(work);
	gsl_vector_free(sv);
	gsl_matrix_free(v);
	gsl_matrix_free(a);
	return norm;
}

