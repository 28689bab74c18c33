/*
 * bound_fit.c — the constants C1..C3 of the bound, the held-out check and
 * the log-log slope (bound.h).
 *
 * Split: the usable runs (every term known) are listed by sweep point,
 * then run_id; the run at position w within the p-th point is held out
 * when floor((w+p+1)F) > floor((w+p)F).  With F = 1/2: within a point
 * every second run, starting with the second run at even points and the
 * first at odd ones; points of one run alternate.  Replication r shares
 * its random streams across the points of a sweep (common random
 * numbers), so the held-out runs must not all be one replication.
 *
 * The linear program, over the fitting runs r with LHS_r > 0 (a run with
 * LHS = 0 satisfies every C >= 0):
 *
 *     minimise  sum_r (C . T_r) / LHS_r
 *     such that (C . T_r) / LHS_r >= 1   for every r,   C >= 0,
 *
 * T_r = (T1, T2, T3) of run r: the bound that overestimates the runs by the
 * smallest mean factor.  It is always feasible (T1 > 0) and bounded
 * (objective >= 0).  Column m is scaled by s_m = max_r T_mr / LHS_r so
 * that every coefficient lies in [0, 1]; a column that is 0 on every
 * fitting run is fixed at 0 (its constant is not determined by the runs).
 * GLPK's primal simplex solves it in double precision.  Its solution may
 * miss a constraint by a rounding error (or by the simplex's feasibility
 * tolerance, 1e-7, on a degenerate basis), so the constants are then
 * multiplied by max_r LHS_r / RHS_r when that exceeds 1: every fitting run
 * holds, at the price of that factor.  (glp_exact, the rational solver,
 * was tried: on nearly parallel rows it returned constants 1e-10 off where
 * the simplex was exact to 1e-16.)
 */
#include "bound.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <gsl/gsl_fit.h>

/* The T3 the fit uses. */
static double bound_t3_of(const struct bound_run *r, bool lag)
{
	return lag ? r->t3_lag : r->t3;
}

/* Every term known, finite and non-negative: the run can be fitted. */
static bool bound_usable(struct bound_run *r, bool lag)
{
	if (r->note)
		return false;
	double v[4] = { r->lhs, r->t1, r->t2, bound_t3_of(r, lag) };
	for (int m = 0; m < 4; m++)
		if (!(isfinite(v[m]) && v[m] >= 0)) {
			r->note = "a term is negative or not finite";
			return false;
		}
	return true;
}

/* A usable run and where it sorts. */
struct bound_slot {
	long group;          /* its sweep point */
	int64_t run_id;      /* then its id */
	size_t at;           /* its index in res->run */
};

static int bound_cmp_slot(const void *a, const void *b)
{
	const struct bound_slot *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->run_id != y->run_id)
		return x->run_id < y->run_id ? -1 : 1;
	return 0;
}

/* Give each usable run its role; counts in res->fit. */
static asg_status bound_split(struct bound_result *res)
{
	struct bound_slot *slot = malloc((res->nrun ? res->nrun : 1) * sizeof *slot);
	if (!slot)
		return ASG_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < res->nrun; i++)
		if (bound_usable(&res->run[i], res->lag))
			slot[m++] = (struct bound_slot){ res->run[i].group,
							 res->run[i].run_id, i };
	qsort(slot, m, sizeof *slot, bound_cmp_slot);
	double f = res->holdout;
	size_t within = 0;   /* position of slot q within its sweep point */
	size_t point = 0;    /* ordinal of that point among the usable ones */
	for (size_t q = 0; q < m; q++) {
		bool same = q && slot[q].group == slot[q - 1].group;
		within = same ? within + 1 : 0;
		point += q && !same;
		double at = (double)(within + point);
		bool held = floor((at + 1) * f) > floor(at * f);
		res->run[slot[q].at].role = held ? BOUND_HELD_OUT : BOUND_FIT;
		if (held)
			res->fit.held_runs++;
		else
			res->fit.fit_runs++;
	}
	free(slot);
	return ASG_OK;
}

/* The fitting runs' coefficients T_mr / LHS_r (rows with LHS_r > 0) in
 * a[r * 3 + m]; their count in *rows. */
static void bound_lp_rows(const struct bound_result *res, double *a,
			  size_t *rows)
{
	*rows = 0;
	for (size_t i = 0; i < res->nrun; i++) {
		const struct bound_run *r = &res->run[i];
		if (r->role != BOUND_FIT || !(r->lhs > 0))
			continue;
		double t[3] = { r->t1, r->t2, bound_t3_of(r, res->lag) };
		for (int m = 0; m < 3; m++)
			a[*rows * 3 + m] = t[m] / r->lhs;
		++*rows;
	}
}

/* Build the scaled problem into lp from a (rows x 3) and the scales s. */
static asg_status bound_lp_load(glp_prob *lp, const double *a, size_t rows,
				const double *s)
{
	int *ia = malloc((3 * rows + 1) * sizeof *ia);
	int *ja = malloc((3 * rows + 1) * sizeof *ja);
	double *ar = malloc((3 * rows + 1) * sizeof *ar);
	asg_status st = ASG_ENOMEM;
	if (!ia || !ja || !ar)
		goto out_free;
	glp_set_obj_dir(lp, GLP_MIN);
	glp_add_cols(lp, 3);
	glp_add_rows(lp, (int)rows);
	int ne = 0;
	for (int m = 0; m < 3; m++) {
		double obj = 0;
		for (size_t r = 0; r < rows && s[m] > 0; r++) {
			double v = a[r * 3 + m] / s[m];
			obj += v;
			if (v != 0) {
				ne++;
				ia[ne] = (int)r + 1;
				ja[ne] = m + 1;
				ar[ne] = v;
			}
		}
		glp_set_col_bnds(lp, m + 1, s[m] > 0 ? GLP_LO : GLP_FX, 0.0, 0.0);
		glp_set_obj_coef(lp, m + 1, obj);
	}
	for (size_t r = 0; r < rows; r++)
		glp_set_row_bnds(lp, (int)r + 1, GLP_LO, 1.0, 0.0);
	glp_load_matrix(lp, ne, ia, ja, ar);
	st = ASG_OK;
out_free:
	free(ia);
	free(ja);
	free(ar);
	return st;
}

/* Solve the scaled problem with the primal simplex. */
static asg_status bound_lp_solve(glp_prob *lp, struct diag *d)
{
	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	int rc = glp_simplex(lp, &parm);
	if (rc != 0 || glp_get_status(lp) != GLP_OPT)
		return diag_set(d, ASG_EINTERNAL,
				"glpk did not solve the bound's linear program"
				" (return code %d, status %d)", rc, glp_get_status(lp));
	return ASG_OK;
}

/* Scale the constants up until every fitting run holds (see the top). */
static void bound_polish(struct bound_result *res)
{
	const double *c = res->fit.c;
	double f = 1;
	for (size_t i = 0; i < res->nrun; i++) {
		const struct bound_run *r = &res->run[i];
		if (r->role != BOUND_FIT || !(r->lhs > 0))
			continue;
		double rhs = c[0] * r->t1 + c[1] * r->t2 + c[2] * bound_t3_of(r, res->lag);
		if (r->lhs > f * rhs)
			f = r->lhs / rhs;
	}
	for (int m = 0; m < 3; m++)
		res->fit.c[m] *= f;
}

/* The constants over the fitting runs, into res->fit. */
static asg_status bound_lp(struct bound_result *res, struct diag *d)
{
	struct bound_fit *fit = &res->fit;
	double *a = malloc((res->nrun ? res->nrun : 1) * 3 * sizeof *a);
	if (!a)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	size_t rows;
	bound_lp_rows(res, a, &rows);
	double s[3] = { 0, 0, 0 };
	for (size_t r = 0; r < rows; r++)
		for (int m = 0; m < 3; m++)
			if (a[r * 3 + m] > s[m])
				s[m] = a[r * 3 + m];
	for (int m = 0; m < 3; m++) {
		fit->determined[m] = s[m] > 0;
		fit->c[m] = 0;
	}
	asg_status st = ASG_OK;
	glp_prob *lp = NULL;
	if (rows == 0)
		goto out_free;
	int term = glp_term_out(GLP_OFF);
	lp = glp_create_prob();
	st = bound_lp_load(lp, a, rows, s);
	if (st != ASG_OK)
		diag_set(d, st, "out of memory");
	else
		st = bound_lp_solve(lp, d);
	for (int m = 0; m < 3 && st == ASG_OK; m++) {
		double v = s[m] > 0 ? glp_get_col_prim(lp, m + 1) : 0.0;
		fit->c[m] = v > 0 ? v / s[m] : 0.0;
	}
	glp_delete_prob(lp);
	glp_term_out(term);
	if (st == ASG_OK)
		bound_polish(res);
out_free:
	fit->fitted = st == ASG_OK;
	free(a);
	return st;
}

/* RHS and whether LHS <= RHS for every run with a role. */
static void bound_check(struct bound_result *res)
{
	for (size_t i = 0; i < res->nrun; i++) {
		struct bound_run *r = &res->run[i];
		if (r->role == BOUND_UNUSED)
			continue;
		const double *c = res->fit.c;
		r->rhs = c[0] * r->t1 + c[1] * r->t2 +
			 c[2] * bound_t3_of(r, res->lag);
		r->holds = r->lhs <= r->rhs * (1 + BOUND_HOLD_RTOL);
		if (r->role == BOUND_HELD_OUT && r->holds)
			res->fit.held_hold++;
	}
}

/* Least squares of log LHS on log T3 over the usable runs with both > 0;
 * only from 3 runs on, with distinct T3, so that the slope comes with its
 * standard error (two runs of nearly equal T3 give any slope at all). */
static asg_status bound_slope(struct bound_result *res)
{
	struct bound_fit *fit = &res->fit;
	fit->slope = fit->slope_se = fit->intercept = NAN;
	fit->slope_runs = 0;
	double *x = malloc((res->nrun ? res->nrun : 1) * 2 * sizeof *x);
	if (!x)
		return ASG_ENOMEM;
	double *y = x + (res->nrun ? res->nrun : 1);
	size_t m = 0;
	for (size_t i = 0; i < res->nrun; i++) {
		const struct bound_run *r = &res->run[i];
		double t3 = bound_t3_of(r, res->lag);
		if (r->role == BOUND_UNUSED || !(r->lhs > 0) || !(t3 > 0))
			continue;
		x[m] = log(t3);
		y[m] = log(r->lhs);
		m++;
	}
	bool spread = false;
	for (size_t i = 1; i < m; i++)
		spread = spread || x[i] != x[0];
	if (spread && m >= 3) {
		double c0, c1, cov00, cov01, cov11, sumsq;
		gsl_fit_linear(x, 1, y, 1, m, &c0, &c1, &cov00, &cov01, &cov11,
			       &sumsq);
		fit->slope = c1;
		fit->intercept = c0;
		fit->slope_se = sqrt(cov11);
		fit->slope_runs = m;
	}
	free(x);
	return ASG_OK;
}

asg_status bound_fit(struct bound_result *res, struct diag *d)
{
	memset(&res->fit, 0, sizeof res->fit);
	for (size_t i = 0; i < res->nrun; i++) {
		res->run[i].role = BOUND_UNUSED;
		res->run[i].rhs = NAN;
		res->run[i].holds = -1;
	}
	if (bound_split(res) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	if (res->fit.fit_runs > 0) {
		asg_status s = bound_lp(res, d);
		if (s != ASG_OK)
			return s;
		bound_check(res);
	} else {
		for (size_t i = 0; i < res->nrun; i++)
			res->run[i].role = BOUND_UNUSED;
		res->fit.held_runs = 0;
	}
	if (bound_slope(res) != ASG_OK)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}
