/*
 * test_optimal.c — the optimal-time protocols: Rennala's step time against
 * its exact law, Ringmaster's staleness bound, and Ringmaster with
 * R = infinity against async, bit for bit.
 */
#include <math.h>

#include "fixture.h"
#include "optim_fixture.h"

/* ---- rennala ---------------------------------------------------------------- */

/* The mean length of a Rennala step with stragglers: finish, n workers of
 * exponential(mean=1) compute times, no latency (rennala.c): every worker
 * is always busy, so events come at rate n; an event is a gradient of the
 * current point with probability f/n (f workers computing at it), else a
 * stale worker starting at the current point (f + 1).  A step starts with
 * f = 1 and ends at the S-th gradient:
 *	N(f, c) = 1 + (f/n) N(f, c + 1) + ((n - f)/n) N(f + 1, c),  N(f, S) = 0
 * and the mean step lasts N(1, 0) / n. */
static double rennala_finish_step_time(int n, int S)
{
	double N[65][65];   /* N[f][c], 1 <= f <= n, 0 <= c <= S */

	assert_true(n <= 64 && S <= n);
	for (int f = n; f >= 1; f--) {
		N[f][S] = 0;
		for (int c = S - 1; c >= 0; c--)
			N[f][c] = 1 + (double)f / n * N[f][c + 1] +
				  (f < n ? (double)(n - f) / n * N[f + 1][c] : 0);
	}
	return N[1][0] / n;
}

/* The first two moments of the lengths of the steps of the run in db:
 * step k ends at the time of its rows. */
static void step_moments(const char *db_path, double *mean, double *square)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double last = 0, sum = 0, sum2 = 0;
	long n = 0;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT MAX(t) FROM updates GROUP BY k "
					    "ORDER BY k", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double t = sqlite3_column_double(st, 0);
		sum += t - last;
		sum2 += (t - last) * (t - last);
		last = t;
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	*mean = sum / (double)n;
	*square = sum2 / (double)n;
}

/* 8 workers of exponential(mean=1), S = 1, 4 and 8, 10^5 steps each.
 * restart: every event of a step is a gradient of its point, so a step is
 * Erlang(S, 8): mean S/8 within 1.5% and second moment S(S+1)/64 within
 * 3% (a step's coefficient of variation is at most 1 and its square's at
 * most sqrt(5): more than 4 standard errors each).  finish: the chain
 * above, within 1.5%.  Every tick has S rows, all of staleness 0.  The S-th order statistic of 8 exponential
 * times, H_8 - H_{8-S}, is the law of a step whose workers start it
 * afresh and give at most one gradient each (backup workers, restart),
 * not Rennala's: printed for comparison. */
static void rennala_step_time_law(void **state)
{
	static const int gathers[] = { 1, 4, 8 };
	char yaml[512], db[4096], sql[256];

	fixture_path(db, sizeof db, "rennala.db");
	for (size_t g = 0; g < 3; g++)
		for (int finish = 0; finish < 2; finish++) {
			int S = gathers[g];
			snprintf(yaml, sizeof yaml,
				 "seed: %d\nstop: {updates: 100000}\nmodel: {kind: none}\n"
				 "protocol: {kind: rennala, gather: %d, stragglers: %s}\n"
				 "workers: [{count: 8, compute: \"exponential(mean=1)\"}]\n",
				 21 + S, S, finish ? "finish" : "restart");
			optim_run_db(yaml, db);
			double h = 0, mean, square;
			for (int j = 8 - S + 1; j <= 8; j++)
				h += 1.0 / j;
			printf("  S = %d, stragglers %s (S-th order statistic of 8: %.4f)\n",
			       S, finish ? "finish" : "restart", h);
			assert_true(fixture_query(db, "SELECT updates FROM runs") == 100000);
			step_moments(db, &mean, &square);
			if (finish) {
				fixture_assert_close("mean step time", mean,
						     rennala_finish_step_time(8, S), 0.015);
				assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers") > 0);
			} else {
				fixture_assert_close("mean step time", mean, S / 8.0, 0.015);
				fixture_assert_close("mean square step time", square,
						     S * (S + 1) / 64.0, 0.03);
			}
			assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") ==
				    100000.0 * S);
			snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT k FROM "
				 "updates GROUP BY k HAVING COUNT(*) != %d)", S);
			assert_true(fixture_query(db, sql) == 0);
			assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") == 0);
			remove(db);
		}
}

/* ---- ringmaster ------------------------------------------------------------- */

/* The paper's timing model for 40 workers, latency both ways, R = 5: every
 * applied gradient has staleness <= R - 1 = 4, the bound is reached, jobs
 * were stopped, and one gradient is applied per tick.  Without the stops
 * (R = .inf) the same workers give gradients far staler. */
static void ringmaster_staleness_bound(void **state)
{
	static const char *const texts[] = {
		"seed: 5\nstop: {updates: 20000}\nmodel: {kind: none}\n"
		"protocol: {kind: ringmaster, restart_after: %s}\n"
		"workers: [{count: 40, compute: \"halfnormal(sd=sqrt(i + 1), "
		"shift=1 + sqrt(i))\"}]\n"
		"network: {uplink: \"exponential(mean=0.2)\", "
		"downlink: \"exponential(mean=0.2)\"}\n",
	};   /* restart_after 5 or .inf */
	char yaml[512], db[4096];

	fixture_path(db, sizeof db, "ringmaster.db");
	snprintf(yaml, sizeof yaml, texts[0], "5");
	optim_run_db(yaml, db);
	double max = fixture_query(db, "SELECT MAX(staleness) FROM updates");
	double stopped = fixture_query(db, "SELECT SUM(dropped) FROM workers");
	printf("  R = 5: max staleness %g, %g jobs stopped\n", max, stopped);
	assert_true(max == 4);
	assert_true(stopped > 0);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 20000);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT k) FROM updates") == 20000);
	remove(db);
	snprintf(yaml, sizeof yaml, texts[0], ".inf");
	optim_run_db(yaml, db);
	max = fixture_query(db, "SELECT MAX(staleness) FROM updates");
	printf("  R = .inf: max staleness %g, %g jobs stopped\n", max,
	       fixture_query(db, "SELECT SUM(dropped) FROM workers"));
	assert_true(max > 40);
	assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers") == 0);
	remove(db);
}

/* Run a scenario into db_path, keeping its final x (dim values, malloc'd). */
static double *run_keep_x(const char *yaml, const char *db_path, size_t *dim)
{
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	fixture_load(yaml, &plan);
	remove(db_path);
	struct recorder *rec = recorder_open(db_path, &d);
	if (!rec)
		fail_msg("recorder_open: %s", d.text);
	struct run_row row = sim_run_row(&plan.runs[0]);
	int64_t id;
	assert_int_equal(recorder_run_begin(rec, &row, &id), ASG_OK);
	struct sim s;
	fixture_run(&plan.runs[0].sc, rec, &s);
	assert_int_equal(sim_record_summary(&s, 0.0), ASG_OK);
	*dim = s.dim;
	double *x = malloc(s.dim * sizeof *x);
	memcpy(x, s.x, s.dim * sizeof *x);
	sim_release(&s);
	recorder_close(rec);
	scenario_plan_release(&plan);
	return x;
}

/* With R = .inf Ringmaster is async: the same rows, bit for bit, and the
 * same final x, on a quadratic with heterogeneous workers and latency. */
static void ringmaster_without_stops_is_async(void **state)
{
	static const char *const texts[] = {
		"seed: 8\nstop: {updates: 3000}\n"
		"model: {kind: quadratic}\ndata: {features: 8, samples: 400}\n"
		"protocol: {kind: %s, step: 0.02, batch: 2}\n"
		"workers: [{count: 10, compute: \"halfnormal(sd=sqrt(i + 1), "
		"shift=1 + sqrt(i))\"}]\n"
		"network: {uplink: \"exponential(mean=0.1)\", "
		"downlink: \"exponential(mean=0.1)\"}\n"
		"record: {full_grad: \"every(100)\"}\n",
	};   /* async, or ringmaster with restart_after: .inf */
	char yaml[1024], db[2][4096];
	size_t dim[2], n[2];
	double *x[2];
	struct optim_row *rows[2];

	for (int r = 0; r < 2; r++) {
		snprintf(yaml, sizeof yaml, texts[0],
			 r ? "ringmaster, restart_after: .inf" : "async");
		fixture_path(db[r], sizeof db[r], r ? "ring-inf.db" : "async.db");
		x[r] = run_keep_x(yaml, db[r], &dim[r]);
		rows[r] = optim_rows(db[r], &n[r]);
	}
	assert_int_equal(n[0], 3000);
	assert_int_equal(n[1], n[0]);
	assert_memory_equal(rows[0], rows[1], n[0] * sizeof *rows[0]);
	assert_int_equal(dim[0], dim[1]);
	assert_memory_equal(x[0], x[1], dim[0] * sizeof *x[0]);
	assert_true(fixture_query(db[0], "SELECT SUM(full_grad_norm2) FROM evals") ==
		    fixture_query(db[1], "SELECT SUM(full_grad_norm2) FROM evals"));
	assert_true(fixture_query(db[0], "SELECT virtual_time FROM runs") ==
		    fixture_query(db[1], "SELECT virtual_time FROM runs"));
	for (int r = 0; r < 2; r++) {
		free(x[r]);
		free(rows[r]);
		remove(db[r]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rennala_step_time_law),
		cmocka_unit_test(ringmaster_staleness_bound),
		cmocka_unit_test(ringmaster_without_stops_is_async),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
