/*
 * bound_terms.c — the terms of the bound for each selected run (bound.h).
 *
 * The runs table is read once in run_id order; for each finished run the
 * workers, evals, aoi_summary and coupling rows are read through one
 * prepared statement per table, reset between runs.  What a run lacks is
 * not an error: its term is NAN and its note says why (the first reason
 * found, in the order LHS, T1, T2, T3).  Only a database failure or an
 * allocation failure stops the reading.
 */
#include "bound.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../record/schema.h"

/* Its runs, each with the rank of its sweep point (the grouping of
 * `asgdsim report`: scenario, point index, sweep values, protocol, model,
 * workers). */
static const char bound_runs_sql[] =
	"SELECT run_id, scenario, point_index, replication, protocol, model,"
	" status, updates, mean_staleness,"
	" DENSE_RANK() OVER (ORDER BY scenario, point_index, point, protocol,"
	" model, workers)"
	" FROM runs ORDER BY run_id";

enum bound_stmt {
	BOUND_ST_WORKERS,   /* a run's workers, by index */
	BOUND_ST_EVALS,     /* its full-gradient rows at ticks k < n */
	BOUND_ST_AOI,       /* its aoi_summary rows */
	BOUND_ST_COUPLING,  /* its coupling rows */
	BOUND_ST_COUNT,
};

static const char *const bound_sql[BOUND_ST_COUNT] = {
	[BOUND_ST_WORKERS] =
		"SELECT worker, step, kappa FROM workers WHERE run_id = ?1"
		" ORDER BY worker",
	[BOUND_ST_EVALS] =
		"SELECT k, full_grad_norm2 FROM evals WHERE run_id = ?1"
		" AND k >= 0 AND k < ?2 AND full_grad_norm2 IS NOT NULL"
		" ORDER BY k, rowid",
	[BOUND_ST_AOI] =
		"SELECT i, j, mean_age, sum_age, mean_lag FROM aoi_summary"
		" WHERE run_id = ?1 ORDER BY i, j",
	[BOUND_ST_COUPLING] =
		"SELECT i, j, l, exact FROM coupling WHERE run_id = ?1",
};

/* The reading of one database: its statements and the per-run arrays,
 * grown to the largest run. */
struct bound_reader {
	sqlite3 *db;                          /* the database (not owned) */
	sqlite3_stmt *st[BOUND_ST_COUNT];     /* prepared statements (owned) */
	long agents;                          /* D of the current run */
	size_t cap;                           /* agents allocated in the arrays */
	double *alpha;                        /* alpha^i, D (owned) */
	double *kappa;                        /* kappa^i, D (owned) */
	double *l;                            /* L^{ij}, D x D, NAN if absent (owned) */
	signed char *exact;                   /* coupling.exact, D x D (owned) */
	bool any_coupling;                    /* the run has coupling rows */
};

/* The message of a failed SQLite call. */
static asg_status bound_db_error(sqlite3 *db, int rc, struct diag *d)
{
	const char *path = sqlite3_db_filename(db, "main");
	return diag_set(d, schema_status(rc), "cannot read '%s': %s",
			path ? path : "database", sqlite3_errmsg(db));
}

/* Record why a run is unused, unless a reason is already there. */
static void bound_note(struct bound_run *r, const char *why)
{
	if (!r->note)
		r->note = why;
}

/* A copy of a text column; NULL for NULL.  *oom set on failure. */
static char *bound_text(sqlite3_stmt *st, int col, bool *oom)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	if (!s)
		return NULL;
	char *copy = strdup((const char *)s);
	if (!copy)
		*oom = true;
	return copy;
}

static asg_status bound_reader_open(struct bound_reader *rd, sqlite3 *db,
				    struct diag *d)
{
	memset(rd, 0, sizeof *rd);
	rd->db = db;
	for (int i = 0; i < BOUND_ST_COUNT; i++) {
		int rc = sqlite3_prepare_v2(db, bound_sql[i], -1, &rd->st[i], NULL);
		if (rc != SQLITE_OK)
			return bound_db_error(db, rc, d);
	}
	return ASG_OK;
}

static void bound_reader_close(struct bound_reader *rd)
{
	for (int i = 0; i < BOUND_ST_COUNT; i++)
		sqlite3_finalize(rd->st[i]);
	free(rd->alpha);
	free(rd->kappa);
	free(rd->l);
	free(rd->exact);
}

/* Room for D agents. */
static asg_status bound_reader_reserve(struct bound_reader *rd, size_t agents)
{
	if (agents <= rd->cap)
		return ASG_OK;
	size_t cap = rd->cap ? rd->cap : 8;
	while (cap < agents)
		cap *= 2;
	double *alpha = realloc(rd->alpha, cap * sizeof *alpha);
	if (alpha)
		rd->alpha = alpha;
	double *kappa = realloc(rd->kappa, cap * sizeof *kappa);
	if (kappa)
		rd->kappa = kappa;
	if (!alpha || !kappa)
		return ASG_ENOMEM;
	rd->cap = cap;
	return ASG_OK;
}

/* Add x to the compensated sum (*sum, *comp) (Neumaier). */
static void bound_sum_add(double *sum, double *comp, double x)
{
	double t = *sum + x;
	if (fabs(*sum) >= fabs(x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

/* LHS: the mean of the full-gradient rows at distinct ticks k < n (the
 * first row of a tick counts). */
static asg_status bound_read_lhs(struct bound_reader *rd, struct bound_run *r,
				 struct diag *d)
{
	sqlite3_stmt *st = rd->st[BOUND_ST_EVALS];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->run_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->n);
	double sum = 0, comp = 0;
	uint64_t ticks = 0;
	int64_t last = -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 0);
		if (k == last)
			continue;
		last = k;
		bound_sum_add(&sum, &comp, sqlite3_column_double(st, 1));
		ticks++;
	}
	if (rc != SQLITE_DONE)
		return bound_db_error(rd->db, rc, d);
	r->lhs_ticks = ticks;
	if (ticks == 0)
		bound_note(r, "no full-gradient rows in evals at ticks k < n (LHS unknown)");
	else
		r->lhs = (sum + comp) / (double)ticks;
	return ASG_OK;
}

/* The workers rows into rd->alpha, rd->kappa; rd->agents = their count.
 * A NULL step or kappa is NAN. */
static asg_status bound_read_workers(struct bound_reader *rd,
				     struct bound_run *r, struct diag *d)
{
	sqlite3_stmt *st = rd->st[BOUND_ST_WORKERS];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->run_id);
	rd->agents = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (bound_reader_reserve(rd, (size_t)rd->agents + 1) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		long i = rd->agents++;
		if (sqlite3_column_int64(st, 0) != i)
			bound_note(r, "its workers rows are not numbered 0..D-1");
		rd->alpha[i] = sqlite3_column_type(st, 1) == SQLITE_NULL
				       ? NAN : sqlite3_column_double(st, 1);
		rd->kappa[i] = sqlite3_column_type(st, 2) == SQLITE_NULL
				       ? NAN : sqlite3_column_double(st, 2);
	}
	if (rc != SQLITE_DONE)
		return bound_db_error(rd->db, rc, d);
	return ASG_OK;
}

/* The coupling rows into the D x D matrices (rows beyond D ignored). */
static asg_status bound_read_coupling(struct bound_reader *rd,
				      struct bound_run *r, struct diag *d)
{
	size_t D = (size_t)rd->agents;
	free(rd->l);
	free(rd->exact);
	rd->l = malloc((D ? D * D : 1) * sizeof *rd->l);
	rd->exact = malloc((D ? D * D : 1) * sizeof *rd->exact);
	if (!rd->l || !rd->exact)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t p = 0; p < D * D; p++) {
		rd->l[p] = NAN;
		rd->exact[p] = -1;
	}
	rd->any_coupling = false;
	sqlite3_stmt *st = rd->st[BOUND_ST_COUPLING];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(st, 0);
		int64_t j = sqlite3_column_int64(st, 1);
		rd->any_coupling = true;
		if (i < 0 || j < 0 || (size_t)i >= D || (size_t)j >= D ||
		    sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		rd->l[i * (int64_t)D + j] = sqlite3_column_double(st, 2);
		rd->exact[i * (int64_t)D + j] =
			(signed char)(sqlite3_column_int(st, 3) != 0);
	}
	if (rc != SQLITE_DONE)
		return bound_db_error(rd->db, rc, d);
	return ASG_OK;
}

/* Whether every step is known (and the largest one in *max). */
static bool bound_max_alpha(const struct bound_reader *rd, double *max)
{
	*max = 0;
	for (long i = 0; i < rd->agents; i++) {
		if (!isfinite(rd->alpha[i]))
			return false;
		if (rd->alpha[i] > *max)
			*max = rd->alpha[i];
	}
	return rd->agents > 0;
}

/* T2 = max alpha / min kappa. */
static void bound_block_t2(const struct bound_reader *rd, struct bound_run *r)
{
	double max_alpha, min_kappa = INFINITY;
	if (!bound_max_alpha(rd, &max_alpha)) {
		bound_note(r, rd->agents ? "a worker has no step (T2 unknown)"
					 : "no workers rows (T2 unknown)");
		return;
	}
	for (long i = 0; i < rd->agents; i++) {
		if (isnan(rd->kappa[i])) {
			bound_note(r, "a worker has no kappa (T2 unknown)");
			return;
		}
		if (rd->kappa[i] < min_kappa)
			min_kappa = rd->kappa[i];
	}
	if (min_kappa <= 0) {
		bound_note(r, "an agent never updated: kappa = 0 (T2 infinite)");
		return;
	}
	r->t2 = max_alpha / min_kappa;
}

/* The mean age of an aoi_summary row: mean_age, else sum_age / n. */
static double bound_mean_age(sqlite3_stmt *st, uint64_t n)
{
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		return sqlite3_column_double(st, 2);
	if (sqlite3_column_type(st, 3) != SQLITE_NULL && n > 0)
		return (double)sqlite3_column_int64(st, 3) / (double)n;
	return NAN;
}

/* The factor (alpha^i/kappa^i) L^{ij} of the pair (i, j); NAN with the
 * reason in *why when one is missing (a kappa of 0 is T2's to report).
 * r->coupling tracks the exactness of the L used. */
static double bound_pair_weight(const struct bound_reader *rd,
				struct bound_run *r, int64_t i, int64_t j,
				const char **why)
{
	if (i < 0 || j < 0 || i >= rd->agents || j >= rd->agents) {
		if (!*why)
			*why = "aoi_summary names an agent beyond the workers rows";
		return NAN;
	}
	if (!(rd->kappa[i] > 0) || !isfinite(rd->alpha[i]))
		return NAN;
	double l = rd->l[i * rd->agents + j];
	if (isnan(l)) {
		if (!*why)
			*why = rd->any_coupling
				       ? "no coupling row for some pair (i, j) (T3 unknown)"
				       : "no coupling rows: L^{ij} unknown (T3 unknown)";
		return NAN;
	}
	if (rd->exact[i * rd->agents + j] == 0)
		r->coupling = 0;
	else if (r->coupling < 0)
		r->coupling = 1;
	return rd->alpha[i] / rd->kappa[i] * l;
}

/* T3 and T3_lag of a run from its aoi_summary rows; *rows = their count,
 * *why the reason when T3 is unknown. */
static asg_status bound_block_t3(struct bound_reader *rd, struct bound_run *r,
				 size_t *rows, const char **why, struct diag *d)
{
	sqlite3_stmt *st = rd->st[BOUND_ST_AOI];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->run_id);
	double t3 = 0, t3_lag = 0;
	bool lag_known = true;
	*rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		++*rows;
		int64_t i = sqlite3_column_int64(st, 0);
		int64_t j = sqlite3_column_int64(st, 1);
		if (i == j)
			continue;
		double age = bound_mean_age(st, r->n);
		if (isnan(age) && !*why)
			*why = "an aoi_summary row has no mean_age (T3 unknown)";
		double w = bound_pair_weight(rd, r, i, j, why);
		t3 += w * age;
		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			lag_known = false;
		else
			t3_lag += w * sqlite3_column_double(st, 4);
	}
	if (rc != SQLITE_DONE)
		return bound_db_error(rd->db, rc, d);
	r->t3 = t3;
	r->t3_lag = lag_known ? t3_lag : NAN;
	return ASG_OK;
}

/* Problem 2: one block updated at every tick (kappa = 1); T2 = max alpha,
 * T3 = max alpha * L * mean staleness, L the coupling row (0, 0). */
static void bound_ps_terms(const struct bound_reader *rd, struct bound_run *r,
			   double staleness)
{
	double max_alpha;
	r->ps = true;
	if (!bound_max_alpha(rd, &max_alpha)) {
		bound_note(r, rd->agents ? "a worker has no step (T2 unknown)"
					 : "no workers rows (T2 unknown)");
		return;
	}
	r->t2 = max_alpha;
	double l = rd->agents > 0 ? rd->l[0] : NAN;
	if (isnan(l)) {
		bound_note(r, "parameter server without a coupling row (0, 0): L unknown (T3 unknown)");
		return;
	}
	if (isnan(staleness)) {
		bound_note(r, "parameter server without a mean staleness (T3 unknown)");
		return;
	}
	r->coupling = rd->exact[0] ? 1 : 0;
	r->t3 = max_alpha * l * staleness;
}

/* Every term of a finished run (r->run_id, r->n and r->protocol set). */
static asg_status bound_run_terms(struct bound_reader *rd, struct bound_run *r,
				  double staleness, bool lag, struct diag *d)
{
	r->lhs = r->t1 = r->t2 = r->t3 = r->t3_lag = r->rhs = NAN;
	r->coupling = -1;
	r->holds = -1;
	r->role = BOUND_UNUSED;
	if (r->n == 0)
		bound_note(r, "no ticks: n = 0");
	else
		r->t1 = 1.0 / (double)r->n;
	asg_status s = bound_read_lhs(rd, r, d);
	if (s == ASG_OK)
		s = bound_read_workers(rd, r, d);
	if (s == ASG_OK)
		s = bound_read_coupling(rd, r, d);
	size_t aoi_rows = 0;
	const char *why = NULL;
	if (s == ASG_OK)
		s = bound_block_t3(rd, r, &aoi_rows, &why, d);
	if (s != ASG_OK)
		return s;
	if (aoi_rows > 0) {
		bound_block_t2(rd, r);
		if (why)
			bound_note(r, why);
	} else if (r->protocol && !strcmp(r->protocol, "dasgd")) {
		r->t3 = r->t3_lag = NAN;
		bound_block_t2(rd, r);
		bound_note(r, "no aoi_summary rows (record.aoi: none?): T3 unknown");
	} else {
		r->t3 = r->t3_lag = NAN;
		bound_ps_terms(rd, r, staleness);
	}
	if (lag && isnan(r->t3_lag))
		bound_note(r, r->ps ? "parameter server: no lag (T3_lag unknown)"
				    : "mean_lag not measured (T3_lag unknown)");
	return ASG_OK;
}

/* Whether run_id is selected by opt; marks it found. */
static bool bound_selected(const struct bound_options *opt, int64_t run_id,
			   const char *scenario, bool *found)
{
	if (opt->scenario && (!scenario || strcmp(scenario, opt->scenario)))
		return false;
	if (!opt->runs)
		return true;
	for (size_t i = 0; i < opt->nruns; i++)
		if (opt->runs[i] == run_id) {
			found[i] = true;
			return true;
		}
	return false;
}

/* Count a run that did not finish; false if its status is 'done'. */
static bool bound_count_unfinished(struct bound_result *res, const char *status)
{
	if (status && !strcmp(status, "done"))
		return false;
	if (status && !strcmp(status, "diverged"))
		res->diverged++;
	else if (status && !strcmp(status, "failed"))
		res->failed++;
	else
		res->running++;
	return true;
}

/* A new run at the end of res->run. */
static struct bound_run *bound_append(struct bound_result *res, size_t *cap)
{
	if (res->nrun == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		struct bound_run *run = realloc(res->run, c * sizeof *run);
		if (!run)
			return NULL;
		res->run = run;
		*cap = c;
	}
	struct bound_run *r = &res->run[res->nrun++];
	memset(r, 0, sizeof *r);
	return r;
}

/* The identity of a finished run from the runs statement's row. */
static asg_status bound_run_row(sqlite3_stmt *st, struct bound_run *r,
				double *staleness)
{
	bool oom = false;
	r->run_id = sqlite3_column_int64(st, 0);
	r->scenario = bound_text(st, 1, &oom);
	r->point_index = sqlite3_column_type(st, 2) == SQLITE_NULL
				 ? -1 : (long)sqlite3_column_int64(st, 2);
	r->replication = sqlite3_column_type(st, 3) == SQLITE_NULL
				 ? -1 : (long)sqlite3_column_int64(st, 3);
	r->protocol = bound_text(st, 4, &oom);
	r->model = bound_text(st, 5, &oom);
	int64_t n = sqlite3_column_int64(st, 7);
	r->n = n > 0 ? (uint64_t)n : 0;
	*staleness = sqlite3_column_type(st, 8) == SQLITE_NULL
			     ? NAN : sqlite3_column_double(st, 8);
	r->group = (long)sqlite3_column_int64(st, 9);
	return oom ? ASG_ENOMEM : ASG_OK;
}

static int bound_cmp_text(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	if (!x || !y)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

/* How many distinct scenario names res's runs have. */
static asg_status bound_count_scenarios(struct bound_result *res)
{
	res->scenarios = 0;
	if (res->nrun == 0)
		return ASG_OK;
	const char **name = malloc(res->nrun * sizeof *name);
	if (!name)
		return ASG_ENOMEM;
	for (size_t i = 0; i < res->nrun; i++)
		name[i] = res->run[i].scenario;
	qsort(name, res->nrun, sizeof *name, bound_cmp_text);
	res->scenarios = 1;
	for (size_t i = 1; i < res->nrun; i++)
		if (bound_cmp_text(&name[i - 1], &name[i]))
			res->scenarios++;
	free(name);
	return ASG_OK;
}

/* Each selected row of the runs table: counted if unfinished, else read. */
static asg_status bound_read_rows(struct bound_reader *rd, sqlite3_stmt *st,
				  const struct bound_options *opt, bool *found,
				  struct bound_result *res, struct diag *d)
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *scenario = (const char *)sqlite3_column_text(st, 1);
		if (!bound_selected(opt, sqlite3_column_int64(st, 0), scenario, found))
			continue;
		if (bound_count_unfinished(res, (const char *)sqlite3_column_text(st, 6)))
			continue;
		struct bound_run *r = bound_append(res, &cap);
		double staleness;
		if (!r || bound_run_row(st, r, &staleness) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		asg_status s = bound_run_terms(rd, r, staleness, opt->lag, d);
		if (s != ASG_OK)
			return s;
	}
	if (rc != SQLITE_DONE)
		return bound_db_error(rd->db, rc, d);
	return ASG_OK;
}

/* Every --run id must name a run. */
static asg_status bound_check_found(sqlite3 *db, const struct bound_options *opt,
				    const bool *found, struct diag *d)
{
	for (size_t i = 0; opt->runs && i < opt->nruns; i++)
		if (!found[i]) {
			const char *path = sqlite3_db_filename(db, "main");
			return diag_set(d, ASG_EINPUT, "no run %lld in '%s'%s",
					(long long)opt->runs[i], path ? path : "database",
					opt->scenario ? " of that scenario" : "");
		}
	return ASG_OK;
}

asg_status bound_read(sqlite3 *db, const struct bound_options *opt,
		      struct bound_result *res, struct diag *d)
{
	memset(res, 0, sizeof *res);
	res->lag = opt->lag;
	res->holdout = opt->holdout;
	struct bound_reader rd;
	sqlite3_stmt *st = NULL;
	bool *found = calloc(opt->nruns ? opt->nruns : 1, sizeof *found);
	asg_status s = bound_reader_open(&rd, db, d);
	if (s != ASG_OK)
		goto out_close;
	if (!found) {
		s = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_close;
	}
	int rc = sqlite3_prepare_v2(db, bound_runs_sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		s = bound_db_error(db, rc, d);
		goto out_close;
	}
	s = bound_read_rows(&rd, st, opt, found, res, d);
	if (s == ASG_OK)
		s = bound_check_found(db, opt, found, d);
	if (s == ASG_OK && bound_count_scenarios(res) != ASG_OK)
		s = diag_set(d, ASG_ENOMEM, "out of memory");
out_close:
	sqlite3_finalize(st);
	bound_reader_close(&rd);
	free(found);
	if (s != ASG_OK)
		bound_result_release(res);
	return s;
}
