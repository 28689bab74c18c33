/*
 * test_bound.c — `asgdsim bound` and `asgdsim aoi` on databases built
 * here with plain SQL rows of known numbers (src/analysis):
 *   - the terms LHS, T1, T2, T3, T3_lag of a dasgd run and of a
 *     parameter-server run equal hand-computed values; rows at k >= n and
 *     a second row at one tick are not averaged; a stride is reported;
 *   - runs that lack a term are left out with the reason, unfinished runs
 *     are counted and get no bound row;
 *   - the linear program recovers C = (2, 0, 3) from runs whose LHS is
 *     exactly 2 T1 + 3 T3; fitting runs hold; held-out runs are counted; the split is by
 *     sweep point; the log-log slope of an exact power law is its
 *     exponent; the bound rows are written once per run and replaced;
 *   - the trajectory rebuilt from sparse aoi rows, and its exact sum,
 *     equal a hand-written trajectory and a generated one; Delta_ii = 0;
 *     the printout and its errors.
 * Tolerances: 1e-12 relative for terms computed from exact decimal inputs
 * (a few roundings), 1e-9 absolute for the fitted constants and the slope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/analysis/aoitrace.h"
#include "src/analysis/bound.h"
#include "src/record/recorder.h"

/* A test database: its path and a connection for the rows. */
struct tdb {
	char path[4096];   /* in the build directory, unique to this process */
	sqlite3 *db;       /* open on path */
};

static void tdb_remove(const char *path)
{
	char side[4200];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
}

/* A new empty database with the schema (made by the recorder). */
static void tdb_open(struct tdb *t, const char *name)
{
	snprintf(t->path, sizeof t->path, "%s/bound-%ld-%s.db", BUILD_DIR,
		 (long)getpid(), name);
	tdb_remove(t->path);
	struct diag d;
	diag_init(&d);
	struct recorder *rec = recorder_open(t->path, &d);
	if (!rec)
		fail_msg("recorder_open: %s", d.text);
	recorder_close(rec);
	assert_int_equal(sqlite3_open(t->path, &t->db), SQLITE_OK);
}

static void tdb_close(struct tdb *t)
{
	sqlite3_close(t->db);
	tdb_remove(t->path);
}

static void sql(struct tdb *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sql(struct tdb *t, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *err = NULL;
	if (sqlite3_exec(t->db, buf, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", buf, err);
}

/* The first column of the first row, as a double (NAN for NULL). */
static double q_real(struct tdb *t, const char *sql_text)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(t->db, sql_text, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql_text, sqlite3_errmsg(t->db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	double v = sqlite3_column_type(st, 0) == SQLITE_NULL
			   ? NAN : sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void run_row(struct tdb *t, int id, const char *protocol, const char *status,
		    int point, int rep, int workers, long n, double staleness)
{
	sql(t, "INSERT INTO runs (run_id, scenario, config, point, point_index,"
	       " replication, seed, protocol, model, workers, status, updates,"
	       " mean_staleness) VALUES (%d, 's', '', '{}', %d, %d, 1, '%s',"
	       " 'quadratic', %d, '%s', %ld, %.17g)",
	    id, point, rep, protocol, workers, status, n, staleness);
}

static void worker_row(struct tdb *t, int run, int i, double step, double kappa)
{
	sql(t, "INSERT INTO workers (run_id, worker, grp, updates, kappa, step)"
	       " VALUES (%d, %d, 'g', 0, %.17g, %.17g)", run, i, kappa, step);
}

static void eval_row(struct tdb *t, int run, long k, double g)
{
	sql(t, "INSERT INTO evals (run_id, k, t, full_grad_norm2) VALUES"
	       " (%d, %ld, 0, %.17g)", run, k, g);
}

static void coupling_row(struct tdb *t, int run, int i, int j, double l, int exact)
{
	sql(t, "INSERT INTO coupling (run_id, i, j, l, exact) VALUES"
	       " (%d, %d, %d, %.17g, %d)", run, i, j, l, exact);
}

/* An aoi_summary row; lag < 0 stores NULL (not measured). */
static void summary_row(struct tdb *t, int run, int i, int j, double age, double lag)
{
	char lag_text[64];
	if (lag < 0)
		snprintf(lag_text, sizeof lag_text, "NULL");
	else
		snprintf(lag_text, sizeof lag_text, "%.17g", lag);
	sql(t, "INSERT INTO aoi_summary (run_id, i, j, sum_age, mean_age, max_age,"
	       " mean_view_age, max_view_age, mean_lag) VALUES"
	       " (%d, %d, %d, NULL, %.17g, 0, 0, 0, %s)", run, i, j, age, lag_text);
}

/* Analyse the database (writing the bound rows); fail on error. */
static void analyse(struct tdb *t, const struct bound_options *opt,
		    struct bound_result *res)
{
	struct diag d;
	diag_init(&d);
	if (bound_analyse(t->path, opt, res, &d) != ASG_OK)
		fail_msg("bound_analyse: %s", d.text);
}

static void analyse_all(struct tdb *t, struct bound_result *res)
{
	struct bound_options opt;
	bound_options_init(&opt);
	analyse(t, &opt, res);
}

static const struct bound_run *find_run(const struct bound_result *res, int64_t id)
{
	for (size_t i = 0; i < res->nrun; i++)
		if (res->run[i].run_id == id)
			return &res->run[i];
	fail_msg("run %lld is not in the result", (long long)id);
	return NULL;
}

static void assert_rel(const char *what, double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s = %.17g, expected %.17g (relative tolerance %g)", what,
			 got, want, tol);
}

static void assert_abs(const char *what, double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s = %.17g, expected %.17g (absolute tolerance %g)", what,
			 got, want, tol);
}

/*
 * Run 1, dasgd, D = 3, n = 4.  alpha = (0.1, 0.2, 0.05), kappa =
 * (0.5, 0.25, 0.25): alpha/kappa = (0.2, 0.8, 0.2), T2 = 0.2/0.25 = 0.8.
 * Gradient rows 1, 2, 3, 6 at k = 0..3 (LHS = 3), plus k = 4 = n and a
 * second row at k = 2, neither averaged.
 *   L:    L01 = 1, L02 = 2, L10 = 0.5, L12 = 1.5, L20 = 3, L21 = 0.25
 *   age:  a01 = 2, a02 = 1, a10 = 4,   a12 = 0.5, a20 = 1, a21 = 3
 *   lag:  l01 = 1, l02 = .5, l10 = 2,  l12 = 0,   l20 = .5, l21 = 1
 * T3 = 0.2 (2 + 2) + 0.8 (2 + 0.75) + 0.2 (3 + 0.75) = 3.75
 * T3_lag = 0.2 (1 + 1) + 0.8 (1 + 0) + 0.2 (1.5 + 0.25) = 1.55
 */
static void make_dasgd_run(struct tdb *t, int id)
{
	static const double alpha[3] = { 0.1, 0.2, 0.05 };
	static const double kappa[3] = { 0.5, 0.25, 0.25 };
	static const double l[3][3] = { { 9, 1, 2 }, { 0.5, 9, 1.5 }, { 3, 0.25, 9 } };
	static const double age[3][3] = { { 0, 2, 1 }, { 4, 0, 0.5 }, { 1, 3, 0 } };
	static const double lag[3][3] = { { 0, 1, 0.5 }, { 2, 0, 0 }, { 0.5, 1, 0 } };
	static const double grad[] = { 1, 2, 3, 6 };
	run_row(t, id, "dasgd", "done", 0, 0, 3, 4, 1.0);
	for (int i = 0; i < 3; i++) {
		worker_row(t, id, i, alpha[i], kappa[i]);
		for (int j = 0; j < 3; j++) {
			coupling_row(t, id, i, j, l[i][j], 1);
			summary_row(t, id, i, j, age[i][j], lag[i][j]);
		}
	}
	for (int k = 0; k < 4; k++)
		eval_row(t, id, k, grad[k]);
	eval_row(t, id, 2, 999);
	eval_row(t, id, 4, 100);
}

static void test_terms_dasgd(void **state)
{
	struct tdb t;
	tdb_open(&t, "dasgd");
	make_dasgd_run(&t, 1);
	struct bound_result res;
	analyse_all(&t, &res);
	assert_int_equal(res.nrun, 1);
	const struct bound_run *r = &res.run[0];
	assert_null(r->note);
	assert_false(r->ps);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->lhs_ticks, 4);
	assert_int_equal(r->coupling, 1);
	assert_rel("LHS", r->lhs, 3.0, 1e-12);
	assert_rel("T1", r->t1, 0.25, 1e-12);
	assert_rel("T2", r->t2, 0.8, 1e-12);
	assert_rel("T3", r->t3, 3.75, 1e-12);
	assert_rel("T3_lag", r->t3_lag, 1.55, 1e-12);
	bound_result_release(&res);
	tdb_close(&t);
}

/* Rows every 100 ticks of n = 1000 (and one at k = n): a stride of 10. */
static void test_terms_stride(void **state)
{
	struct tdb t;
	tdb_open(&t, "stride");
	make_dasgd_run(&t, 1);
	sql(&t, "DELETE FROM evals");
	sql(&t, "UPDATE runs SET updates = 1000");
	for (long k = 0; k <= 1000; k += 100)
		eval_row(&t, 1, k, (double)k);
	struct bound_result res;
	analyse_all(&t, &res);
	const struct bound_run *r = &res.run[0];
	assert_int_equal(r->lhs_ticks, 10);
	assert_rel("LHS on a stride", r->lhs, 450.0, 1e-12);
	assert_rel("T1", r->t1, 1e-3, 1e-12);
	FILE *out = tmpfile();
	bound_print_text(&res, out);
	rewind(out);
	char text[8192] = "";
	text[fread(text, 1, sizeof text - 1, out)] = '\0';
	fclose(out);
	assert_non_null(strstr(text, "note: LHS is a mean over a stride of ticks, not every tick, for runs 1"));
	bound_result_release(&res);
	tdb_close(&t);
}

/*
 * Parameter servers, read as one block: run 1 async with coupling (0, 0)
 * L = 4 (an upper bound), steps 0.1 and 0.3, staleness 2.5:
 * T2 = 0.3, T3 = 0.3 * 4 * 2.5 = 3.  Run 2 the same without coupling:
 * T3 unknown and the run left out.
 */
static void test_terms_parameter_server(void **state)
{
	struct tdb t;
	tdb_open(&t, "ps");
	for (int id = 1; id <= 2; id++) {
		run_row(&t, id, "async", "done", 0, id - 1, 2, 10, 2.5);
		worker_row(&t, id, 0, 0.1, 0.5);
		worker_row(&t, id, 1, 0.3, 0.5);
		for (int k = 0; k < 10; k++)
			eval_row(&t, id, k, 2.0);
	}
	coupling_row(&t, 1, 0, 0, 4.0, 0);
	struct bound_result res;
	analyse_all(&t, &res);
	const struct bound_run *r = find_run(&res, 1);
	assert_true(r->ps);
	assert_null(r->note);
	assert_int_equal(r->coupling, 0);
	assert_rel("T2", r->t2, 0.3, 1e-12);
	assert_rel("T3", r->t3, 3.0, 1e-12);
	assert_true(isnan(r->t3_lag));
	r = find_run(&res, 2);
	assert_true(r->ps);
	assert_true(isnan(r->t3));
	assert_int_equal(r->role, BOUND_UNUSED);
	assert_non_null(r->note);
	assert_non_null(strstr(r->note, "coupling row (0, 0)"));
	bound_result_release(&res);
	tdb_close(&t);
}

/* Runs that lack a term: the reason each gives. */
static void test_terms_missing(void **state)
{
	static const struct {
		const char *edit;    /* the SQL that takes the term away */
		const char *reason;  /* a part of the note */
	} table[] = {
		{ "DELETE FROM evals", "no full-gradient rows" },
		{ "DELETE FROM aoi_summary", "no aoi_summary rows" },
		{ "DELETE FROM coupling", "no coupling rows" },
		{ "DELETE FROM coupling WHERE i = 2 AND j = 0", "no coupling row for some pair" },
		{ "UPDATE workers SET kappa = 0 WHERE worker = 1", "kappa = 0" },
		{ "UPDATE workers SET kappa = NULL WHERE worker = 0", "no kappa" },
		{ "UPDATE workers SET step = NULL WHERE worker = 2", "no step" },
		{ "DELETE FROM workers", "no workers rows" },
		{ "UPDATE runs SET updates = 0", "n = 0" },
	};
	for (size_t c = 0; c < sizeof table / sizeof *table; c++) {
		struct tdb t;
		tdb_open(&t, "missing");
		make_dasgd_run(&t, 1);
		sql(&t, "%s", table[c].edit);
		struct bound_result res;
		analyse_all(&t, &res);
		assert_int_equal(res.nrun, 1);
		const struct bound_run *r = &res.run[0];
		if (!r->note || !strstr(r->note, table[c].reason))
			fail_msg("after '%s': note '%s', expected '%s'", table[c].edit,
				 r->note ? r->note : "(none)", table[c].reason);
		assert_int_equal(r->role, BOUND_UNUSED);
		assert_false(res.fit.fitted);
		bound_result_release(&res);
		tdb_close(&t);
	}
}

/* The lag reading leaves out a run whose lag was not measured. */
static void test_lag_not_measured(void **state)
{
	struct tdb t;
	tdb_open(&t, "lag");
	make_dasgd_run(&t, 1);
	sql(&t, "UPDATE aoi_summary SET mean_lag = NULL WHERE i = 0 AND j = 1");
	struct bound_options opt;
	bound_options_init(&opt);
	opt.lag = true;
	struct bound_result res;
	analyse(&t, &opt, &res);
	assert_true(isnan(res.run[0].t3_lag));
	assert_rel("T3 still known", res.run[0].t3, 3.75, 1e-12);
	assert_non_null(res.run[0].note);
	assert_non_null(strstr(res.run[0].note, "mean_lag not measured"));
	bound_result_release(&res);
	opt.lag = false;
	analyse(&t, &opt, &res);
	assert_null(res.run[0].note);
	bound_result_release(&res);
	tdb_close(&t);
}

/* Diverged, failed and running runs are counted and get no bound row. */
static void test_unfinished_excluded(void **state)
{
	struct tdb t;
	tdb_open(&t, "unfinished");
	make_dasgd_run(&t, 1);
	run_row(&t, 2, "dasgd", "diverged", 0, 1, 3, 4, 1.0);
	run_row(&t, 3, "dasgd", "failed", 0, 2, 3, 4, 1.0);
	run_row(&t, 4, "dasgd", "diverged", 0, 3, 3, 4, 1.0);
	sql(&t, "INSERT INTO runs (run_id, scenario, point_index, replication,"
		" protocol, workers, status) VALUES (5, 's', 0, 4, 'dasgd', 3, 'running')");
	struct bound_result res;
	analyse_all(&t, &res);
	assert_int_equal(res.nrun, 1);
	assert_int_equal(res.diverged, 2);
	assert_int_equal(res.failed, 1);
	assert_int_equal(res.running, 1);
	assert_int_equal(q_real(&t, "SELECT COUNT(*) FROM bound"), 1);
	assert_int_equal(q_real(&t, "SELECT run_id FROM bound"), 1);
	FILE *out = tmpfile();
	bound_print_text(&res, out);
	rewind(out);
	char text[8192] = "";
	text[fread(text, 1, sizeof text - 1, out)] = '\0';
	fclose(out);
	assert_non_null(strstr(text, "note: 4 runs not done excluded: 2 diverged, 1 failed, 1 running"));
	bound_result_release(&res);
	tdb_close(&t);
}

/*
 * A run whose terms are set directly: D = 2 agents with step a and kappa
 * 1/2 (T2 = 2a), L = 1 and mean age m both ways (T3 = 2 (2a) m = 4am),
 * n ticks of gradient rows all equal to lhs.
 */
static void make_term_run(struct tdb *t, int id, int point, int rep, long n,
			  double a, double m, double lhs)
{
	run_row(t, id, "dasgd", "done", point, rep, 2, n, 1.0);
	for (int i = 0; i < 2; i++) {
		worker_row(t, id, i, a, 0.5);
		for (int j = 0; j < 2; j++) {
			coupling_row(t, id, i, j, 1.0, 1);
			summary_row(t, id, i, j, i == j ? 0 : m, i == j ? 0 : m / 2);
		}
	}
	sql(t, "BEGIN");
	for (long k = 0; k < n; k++)
		eval_row(t, id, k, lhs);
	sql(t, "COMMIT");
}

/* (n, a, m) of six runs, one per sweep point; their LHS is
 * 2 T1 + 0 T2 + 3 T3 times the factor. */
static const struct {
	long n;          /* T1 = 1/n */
	double a;        /* T2 = 2a */
	double m;        /* T3 = 4am */
} term_runs[6] = {
	{ 10, 0.01, 1 }, { 20, 0.05, 3 }, { 40, 0.02, 0.5 },
	{ 16, 0.1, 2 }, { 32, 0.03, 7 }, { 8, 0.2, 0.1 },
};

static double exact_lhs(int r)
{
	return 2.0 / (double)term_runs[r].n + 3 * 4 * term_runs[r].a * term_runs[r].m;
}

static void make_term_runs(struct tdb *t, const double *factor)
{
	for (int r = 0; r < 6; r++)
		make_term_run(t, r + 1, r, 0, term_runs[r].n, term_runs[r].a,
			      term_runs[r].m, exact_lhs(r) * factor[r]);
}

static void test_lp_recovers_constants(void **state)
{
	static const double one[6] = { 1, 1, 1, 1, 1, 1 };
	struct tdb t;
	tdb_open(&t, "lp");
	make_term_runs(&t, one);
	struct bound_result res;
	analyse_all(&t, &res);
	assert_true(res.fit.fitted);
	assert_int_equal(res.fit.fit_runs, 3);
	assert_abs("C1", res.fit.c[0], 2.0, 1e-9);
	assert_abs("C2", res.fit.c[1], 0.0, 1e-9);
	assert_abs("C3", res.fit.c[2], 3.0, 1e-9);
	assert_int_equal(res.fit.held_runs, 3);
	assert_int_equal(res.fit.held_hold, 3);
	for (size_t i = 0; i < res.nrun; i++) {
		assert_int_equal(res.run[i].holds, 1);
		assert_rel("RHS = LHS", res.run[i].rhs, res.run[i].lhs, 1e-9);
	}
	bound_result_release(&res);
	tdb_close(&t);
}

/* Fitting runs hold, even when the solver's rows are nearly parallel:
 * the numbers of two runs of a small dasgd sweep whose T3 is ~1e-15 (a
 * basis off by 1e-10 once missed one of them). */
static void test_fitting_runs_hold(void **state)
{
	static const struct {
		double t2, t3, lhs;
	} run[4] = {
		{ 0.083565459610027856, 2.4893289685780407e-15, 0.062842757138872635 },
		{ 0.084507042253521125, 1.7468754239431904e-15, 0.05707285078721358 },
		{ 0.083565459610027856, 3.9929935837099335e-15, 0.063291813773973915 },
		{ 0.084507042253521125, 2.9025632130388466e-15, 0.05724857835795593 },
	};
	struct tdb t;
	tdb_open(&t, "parallel");
	for (int r = 0; r < 4; r++) {
		double a = run[r].t2 / 2;
		make_term_run(&t, r + 1, r, 0, 1500, a, run[r].t3 / (4 * a), run[r].lhs);
	}
	struct bound_result res;
	analyse_all(&t, &res);
	assert_int_equal(res.fit.fit_runs, 2);
	for (size_t i = 0; i < res.nrun; i++)
		if (res.run[i].role == BOUND_FIT && res.run[i].holds != 1)
			fail_msg("fitting run %lld: LHS %.17g > RHS %.17g",
				 (long long)res.run[i].run_id, res.run[i].lhs, res.run[i].rhs);
	bound_result_release(&res);
	tdb_close(&t);
}

/* Held out (runs 2, 4, 6): LHS halved holds, doubled fails, 1e-6 under
 * holds: 2 of 3; the bound rows say the same. */
static void test_held_out_counting(void **state)
{
	static const double factor[6] = { 1, 0.5, 1, 2, 1, 1 - 1e-6 };
	struct tdb t;
	tdb_open(&t, "held");
	make_term_runs(&t, factor);
	struct bound_result res;
	analyse_all(&t, &res);
	assert_abs("C1", res.fit.c[0], 2.0, 1e-9);
	assert_abs("C3", res.fit.c[2], 3.0, 1e-9);
	assert_int_equal(res.fit.held_runs, 3);
	assert_int_equal(res.fit.held_hold, 2);
	static const int role[6] = { BOUND_FIT, BOUND_HELD_OUT, BOUND_FIT,
				     BOUND_HELD_OUT, BOUND_FIT, BOUND_HELD_OUT };
	static const int holds[6] = { 1, 1, 1, 0, 1, 1 };
	for (int r = 0; r < 6; r++) {
		assert_int_equal(find_run(&res, r + 1)->role, role[r]);
		assert_int_equal(find_run(&res, r + 1)->holds, holds[r]);
	}
	assert_int_equal(q_real(&t, "SELECT COUNT(*) FROM bound"), 6);
	assert_int_equal(q_real(&t, "SELECT SUM(held_out) FROM bound"), 3);
	assert_int_equal(q_real(&t, "SELECT group_concat(run_id) FROM bound WHERE holds = 0"), 4);
	assert_abs("bound.c3", q_real(&t, "SELECT c3 FROM bound WHERE run_id = 2"), 3.0, 1e-9);
	char verdict[512];
	bound_verdict(&res, verdict, sizeof verdict);
	const char *want = "bound: C1=2, C2=0, C3=3 fitted on 3 runs; holds on 2 of 3 held-out runs; LHS ~ T3^";
	if (strncmp(verdict, want, strlen(want)) || !strstr(verdict, " over 6 runs"))
		fail_msg("verdict '%s'", verdict);
	bound_result_release(&res);
	tdb_close(&t);
}

/* Analysing again replaces the rows: one per run, the latest values. */
static void test_rows_replaced(void **state)
{
	static const double one[6] = { 1, 1, 1, 1, 1, 1 };
	struct tdb t;
	tdb_open(&t, "replace");
	make_term_runs(&t, one);
	struct bound_result res;
	analyse_all(&t, &res);
	bound_result_release(&res);
	sql(&t, "UPDATE evals SET full_grad_norm2 = 2 * full_grad_norm2 WHERE run_id = 1");
	analyse_all(&t, &res);
	bound_result_release(&res);
	assert_int_equal(q_real(&t, "SELECT COUNT(*) FROM bound"), 6);
	assert_rel("replaced lhs", q_real(&t, "SELECT lhs FROM bound WHERE run_id = 1"),
		   2 * exact_lhs(0), 1e-12);
	struct bound_options opt;
	bound_options_init(&opt);
	int64_t only = 2;
	opt.runs = &only;
	opt.nruns = 1;
	analyse(&t, &opt, &res);
	assert_int_equal(res.nrun, 1);
	assert_int_equal(res.fit.fit_runs, 1);
	bound_result_release(&res);
	assert_int_equal(q_real(&t, "SELECT COUNT(*) FROM bound"), 6);
	assert_int_equal(q_real(&t, "SELECT held_out FROM bound WHERE run_id = 2"), 0);
	tdb_close(&t);
}

/* Three points of two runs, their run ids interleaved: within point p
 * (p-th in order) the run at position w in run_id order is held out when
 * w + p is odd — the held-out runs take turns across replications, which
 * share their random streams; with --holdout 0 every run fits. */
static void test_split_by_point(void **state)
{
	static const int point_of[6] = { 2, 0, 1, 0, 2, 1 };
	struct tdb t;
	tdb_open(&t, "split");
	int rep[3] = { 0, 0, 0 };
	for (int r = 0; r < 6; r++) {
		int p = point_of[r];
		make_term_run(&t, r + 1, p, rep[p]++, term_runs[r].n, term_runs[r].a,
			      term_runs[r].m, exact_lhs(r));
	}
	struct bound_result res;
	analyse_all(&t, &res);
	/* point 0: runs 2, 4; point 1: runs 3, 6; point 2: runs 1, 5 */
	static const int role[6] = { BOUND_FIT, BOUND_FIT, BOUND_HELD_OUT,
				     BOUND_HELD_OUT, BOUND_HELD_OUT, BOUND_FIT };
	for (int r = 0; r < 6; r++)
		assert_int_equal(find_run(&res, r + 1)->role, role[r]);
	bound_result_release(&res);
	struct bound_options opt;
	bound_options_init(&opt);
	opt.holdout = 0;
	analyse(&t, &opt, &res);
	assert_int_equal(res.fit.fit_runs, 6);
	assert_int_equal(res.fit.held_runs, 0);
	bound_result_release(&res);
	tdb_close(&t);
}

/* LHS = 5 T3^0.7 exactly on five runs (T3 = 4am with a = 0.01): the
 * slope is 0.7 over 5 runs; a run with T3 = 0 is not in the regression. */
static void test_slope_power_law(void **state)
{
	static const double m[6] = { 0.5, 1, 3, 10, 40, 0 };
	struct tdb t;
	tdb_open(&t, "slope");
	for (int r = 0; r < 6; r++) {
		double t3 = 4 * 0.01 * m[r];
		double lhs = m[r] > 0 ? 5 * pow(t3, 0.7) : 1.0;
		make_term_run(&t, r + 1, r, 0, 10, 0.01, m[r], lhs);
	}
	struct bound_result res;
	analyse_all(&t, &res);
	assert_int_equal(res.fit.slope_runs, 5);
	assert_abs("slope", res.fit.slope, 0.7, 1e-9);
	assert_abs("intercept", res.fit.intercept, log(5.0), 1e-9);
	assert_abs("standard error", res.fit.slope_se, 0.0, 1e-9);
	bound_result_release(&res);
	tdb_close(&t);
}

/* --json: the constants, the roles, null for unknown values. */
static void test_json_output(void **state)
{
	static const double factor[6] = { 1, 0.5, 1, 2, 1, 1 - 1e-6 };
	struct tdb t;
	tdb_open(&t, "json");
	make_term_runs(&t, factor);
	make_dasgd_run(&t, 7);
	sql(&t, "DELETE FROM coupling WHERE run_id = 7");
	struct bound_result res;
	analyse_all(&t, &res);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	bound_print_json(&res, out);
	fclose(out);
	static const char *const want[] = {
		"\"reading\": \"age\"",
		"\"fit_runs\": 3, \"held_out_runs\": 3, \"held_out_hold\": 2",
		"\"set\": \"held_out\", \"holds\": false",
		"\"run_id\": 7,",
		"\"t3\": null",
		"\"note\": \"no coupling rows: L^{ij} unknown (T3 unknown)\"",
		"\"verdict\": \"bound: C1=2, C2=0, C3=3 fitted on 3 runs; holds on 2 of 3 held-out runs; LHS ~ T3^",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(text, want[i]))
			fail_msg("JSON lacks %s:\n%s", want[i], text);
	free(text);
	bound_result_release(&res);
	tdb_close(&t);
}

/* A --run id that is not in the database is bad input. */
static void test_unknown_run(void **state)
{
	struct tdb t;
	tdb_open(&t, "unknown");
	make_dasgd_run(&t, 1);
	struct bound_options opt;
	bound_options_init(&opt);
	int64_t ids[2] = { 1, 9 };
	opt.runs = ids;
	opt.nruns = 2;
	struct bound_result res;
	struct diag d;
	diag_init(&d);
	assert_int_equal(bound_analyse(t.path, &opt, &res, &d), ASG_EINPUT);
	assert_non_null(strstr(d.text, "no run 9 in"));
	tdb_close(&t);
}

/* ---- the AoI trajectory ---- */

/* Sparse rows of run 1, pair (1, 2), n = 10: set to 0 at k = 0, to 1 then
 * 2 at k = 3 (the later row holds), to 0 at k = 7, and a row at k = 10 = n
 * that is past the end; rows of other pairs and runs around them.  Run 2,
 * n = 3, has no aoi_summary: 0, 1, 0 for (1, 2). */
static const uint64_t hand_trajectory[10] = { 0, 1, 2, 2, 3, 4, 5, 0, 1, 2 };

static void make_aoi_run(struct tdb *t, long sum_age)
{
	run_row(t, 1, "dasgd", "done", 0, 0, 3, 10, 1.0);
	run_row(t, 2, "dasgd", "done", 0, 1, 3, 10, 1.0);
	static const int rows[][3] = {   /* k, age, pair: 1 is (1, 2) */
		{ 0, 0, 1 }, { 0, 0, 0 }, { 3, 1, 1 }, { 2, 9, 0 }, { 3, 2, 1 },
		{ 7, 0, 1 }, { 10, 0, 1 },
	};
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++)
		sql(t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES (1, %d, %d, %d, %d)",
		    rows[r][0], rows[r][2] ? 1 : 2, rows[r][2] ? 2 : 1, rows[r][1]);
	sql(t, "UPDATE runs SET updates = 3 WHERE run_id = 2");
	sql(t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES (2, 0, 1, 2, 5)");
	sql(t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES (2, 0, 1, 2, 0)");
	sql(t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES (2, 2, 1, 2, 0)");
	sql(t, "INSERT INTO aoi_summary (run_id, i, j, sum_age, mean_age) VALUES"
	       " (1, 1, 2, %ld, %ld / 10.0)", sum_age, sum_age);
}

static void test_aoi_rebuild_hand(void **state)
{
	struct tdb t;
	tdb_open(&t, "aoi");
	make_aoi_run(&t, 20);
	struct aoitrace tr;
	struct diag d;
	diag_init(&d);
	if (aoitrace_load(t.db, 1, 1, 2, 10, &tr, &d) != ASG_OK)
		fail_msg("aoitrace_load: %s", d.text);
	for (uint64_t k = 0; k < 10; k++)
		if (aoitrace_age(&tr, k) != hand_trajectory[k])
			fail_msg("Delta(%llu) = %llu, expected %llu", (unsigned long long)k,
				 (unsigned long long)aoitrace_age(&tr, k),
				 (unsigned long long)hand_trajectory[k]);
	uint64_t sum;
	assert_true(aoitrace_sum(&tr, &sum));
	assert_int_equal(sum, 20);
	aoitrace_release(&tr);
	/* Delta_ii = 0 at every tick, with or without rows */
	sql(&t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES (1, 0, 2, 2, 0)");
	for (long i = 1; i <= 2; i++) {
		if (aoitrace_load(t.db, 1, i, i, 10, &tr, &d) != ASG_OK)
			fail_msg("aoitrace_load: %s", d.text);
		for (uint64_t k = 0; k < 10; k++)
			assert_int_equal(aoitrace_age(&tr, k), 0);
		assert_true(aoitrace_sum(&tr, &sum));
		assert_int_equal(sum, 0);
		aoitrace_release(&tr);
	}
	tdb_close(&t);
}

/* A generated trajectory (fixed LCG): its sparse rows rebuild it, and the
 * exact sum equals the direct one. */
static void test_aoi_rebuild_generated(void **state)
{
	enum { N = 5000 };
	static uint64_t want[N];
	struct tdb t;
	tdb_open(&t, "aoigen");
	run_row(&t, 1, "dasgd", "done", 0, 0, 2, N, 1.0);
	uint64_t x = 12345, direct = 0;
	sql(&t, "BEGIN");
	for (uint64_t k = 0; k < N; k++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		bool reset = k == 0 || (x >> 60) == 0;
		want[k] = reset ? (x >> 33) % (k + 1) : want[k - 1] + 1;
		if (reset)
			sql(&t, "INSERT INTO aoi (run_id, k, i, j, age) VALUES"
				" (1, %llu, 0, 1, %llu)", (unsigned long long)k,
			    (unsigned long long)want[k]);
		direct += want[k];
	}
	sql(&t, "COMMIT");
	struct aoitrace tr;
	struct diag d;
	diag_init(&d);
	if (aoitrace_load(t.db, 1, 0, 1, N, &tr, &d) != ASG_OK)
		fail_msg("aoitrace_load: %s", d.text);
	assert_true(tr.nseg > 100 && tr.nseg < N / 4);
	for (uint64_t k = 0; k < N; k++)
		assert_int_equal(aoitrace_age(&tr, k), want[k]);
	uint64_t sum;
	assert_true(aoitrace_sum(&tr, &sum));
	assert_int_equal(sum, direct);
	aoitrace_release(&tr);
	tdb_close(&t);
}

/* The printout of `asgdsim aoi`: every tick, then the exact mean, equal to
 * aoi_summary; a range of ticks; a mean that does not end in decimal, and
 * no aoi_summary to compare with (run 2). */
static void test_aoi_print(void **state)
{
	static const struct {
		uint64_t from, to;   /* the range asked */
		const char *want;    /* the whole output */
	} table[] = {
		{ 0, UINT64_MAX,
		  "# run 1: Delta_1,2(k), the age of block 2 at agent 1\n# k age\n"
		  "0 0\n1 1\n2 2\n3 2\n4 3\n5 4\n6 5\n7 0\n8 1\n9 2\n"
		  "# mean over k < 10: 20/10 = 2 (aoi_summary.sum_age = 20: equal)\n" },
		{ 2, 5,
		  "# run 1: Delta_1,2(k), the age of block 2 at agent 1\n# k age\n"
		  "2 2\n3 2\n4 3\n5 4\n"
		  "# mean over k < 10: 20/10 = 2 (aoi_summary.sum_age = 20: equal)\n" },
		{ 8, 50,
		  "# run 1: Delta_1,2(k), the age of block 2 at agent 1\n# k age\n"
		  "8 1\n9 2\n"
		  "# mean over k < 10: 20/10 = 2 (aoi_summary.sum_age = 20: equal)\n" },
	};
	static const char *const run2 =
		"# run 2: Delta_1,2(k), the age of block 2 at agent 1\n# k age\n"
		"0 0\n1 1\n2 0\n"
		"# mean over k < 3: 1/3 = 0.333333333333333... (no aoi_summary.sum_age to compare)\n";
	struct tdb t;
	tdb_open(&t, "aoiprint");
	make_aoi_run(&t, 20);
	for (size_t c = 0; c <= sizeof table / sizeof *table; c++) {
		bool last = c == sizeof table / sizeof *table;
		struct aoitrace_query q = { .run = last ? 2 : 1, .i = 1, .j = 2,
					    .from = last ? 0 : table[c].from,
					    .to = last ? UINT64_MAX : table[c].to };
		char *text = NULL;
		size_t size = 0;
		FILE *out = open_memstream(&text, &size);
		struct diag d;
		diag_init(&d);
		asg_status s = aoitrace_print(t.path, &q, out, &d);
		fclose(out);
		if (s != ASG_OK)
			fail_msg("aoitrace_print: %s", d.text);
		assert_string_equal(text, last ? run2 : table[c].want);
		free(text);
	}
	tdb_close(&t);
}

/* The errors of `asgdsim aoi`. */
static void test_aoi_errors(void **state)
{
	static const struct {
		int64_t run;
		long i, j;
		const char *edit;     /* SQL run first, or NULL */
		asg_status status;
		const char *message;  /* a part of it */
	} table[] = {
		{ 1, 1, 2, "UPDATE aoi_summary SET sum_age = 21", ASG_EINTERNAL,
		  "sum to 20 for agent 1, block 2, but aoi_summary.sum_age is 21" },
		{ 9, 1, 2, NULL, ASG_EINPUT, "no run 9 in" },
		{ 1, 3, 2, NULL, ASG_EINPUT, "run 1 has 3 agents: (i, j) = (3, 2) is out of range" },
		{ 1, 2, 0, NULL, ASG_EINPUT, "run 1 has no aoi rows for agent 2, block 0" },
		{ 1, 1, 2, "DELETE FROM aoi WHERE k = 0", ASG_EINPUT, "no aoi row at tick 0" },
		{ 1, 1, 2, "UPDATE runs SET status = 'running', updates = NULL",
		  ASG_EINPUT, "run 1 has not ended (status running)" },
	};
	for (size_t c = 0; c < sizeof table / sizeof *table; c++) {
		struct tdb t;
		tdb_open(&t, "aoierr");
		make_aoi_run(&t, 20);
		if (table[c].edit)
			sql(&t, "%s", table[c].edit);
		struct aoitrace_query q = { .run = table[c].run, .i = table[c].i,
					    .j = table[c].j, .to = UINT64_MAX };
		FILE *out = tmpfile();
		struct diag d;
		diag_init(&d);
		asg_status s = aoitrace_print(t.path, &q, out, &d);
		fclose(out);
		if (s != table[c].status || !strstr(d.text, table[c].message))
			fail_msg("case %zu: status %d '%s', expected %d '%s'", c, s, d.text,
				 table[c].status, table[c].message);
		tdb_close(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_dasgd),
		cmocka_unit_test(test_terms_stride),
		cmocka_unit_test(test_terms_parameter_server),
		cmocka_unit_test(test_terms_missing),
		cmocka_unit_test(test_lag_not_measured),
		cmocka_unit_test(test_unfinished_excluded),
		cmocka_unit_test(test_lp_recovers_constants),
		cmocka_unit_test(test_fitting_runs_hold),
		cmocka_unit_test(test_held_out_counting),
		cmocka_unit_test(test_rows_replaced),
		cmocka_unit_test(test_split_by_point),
		cmocka_unit_test(test_slope_power_law),
		cmocka_unit_test(test_json_output),
		cmocka_unit_test(test_unknown_run),
		cmocka_unit_test(test_aoi_rebuild_hand),
		cmocka_unit_test(test_aoi_rebuild_generated),
		cmocka_unit_test(test_aoi_print),
		cmocka_unit_test(test_aoi_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
