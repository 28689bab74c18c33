/*
 * test_dasgd.c — distributed asynchronous SGD: ages of information, update
 * rates, losses, the exact gradient and L^{ij} (THEORY.md), fixed seeds.
 */
#include <math.h>
#include <inttypes.h>

#include "fixture.h"
#include "src/engine/coupling.h"
#include "src/engine/quadgrad.h"
#include "src/protocols/protocol.h"

static const char timing_yaml[] =
	"name: dasgd-timing\n"
	"seed: %d\n"
	"stop: {updates: %d}\n"
	"model: {kind: none}\n"
	"protocol: {kind: dasgd}\n"
	"workers:\n"
	"  - {count: %d, compute: \"exponential(mean=1)\", name: fast}\n"
	"  - {count: %d, compute: \"exponential(mean=2)\", name: slow}\n"
	"network: {latency: \"%s\", loss: %g}\n"
	"record: {updates: none}\n";

static void load_timing(struct scenario_plan *plan, int seed, int updates,
			int fast, int slow, const char *latency, double loss)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml, timing_yaml, seed, updates, fast, slow,
		 latency, loss);
	fixture_load(yaml, plan);
}

/* D = 8 identical agents, zero latency, complete graph: the mean view age
 * is D - 1 (within 2%), the snapshot is never newer than the view, and
 * Delta_ii = 0 (exactly). */
static void test_identical_agents_view_age(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: d\nseed: 7\nstop: {updates: 200000}\nmodel: {kind: none}\n"
		     "protocol: {kind: dasgd}\n"
		     "workers: [{count: 8, compute: \"exponential(mean=1)\"}]\n"
		     "record: {updates: none}\n", &plan);
	char db[4096];
	fixture_path(db, sizeof db, "view.db");
	fixture_run_into(&plan, db);
	double view = fixture_query(db, "SELECT AVG(mean_view_age) FROM aoi_summary WHERE i != j");
	fixture_assert_close("mean view age", view, 7.0, 0.02);
	assert_true(fixture_query(db, "SELECT MAX(max_age) + MAX(sum_age) FROM aoi_summary WHERE i = j") == 0);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM aoi_summary WHERE mean_age < mean_view_age") == 0);
	/* the lag is the tighter reading: 0 < lag <= age off the diagonal */
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM aoi_summary WHERE i != j AND "
				      "NOT (mean_lag > 0 AND mean_lag <= mean_age)") == 0);
	assert_true(fixture_query(db, "SELECT MAX(mean_lag) FROM aoi_summary WHERE i = j") == 0);
	remove(db);
	scenario_plan_release(&plan);

	/* the invariant at 300 ticks of one trajectory (prefixes of one seed) */
	fixture_load("name: d\nseed: 9\nstop: {updates: 3000}\nmodel: {kind: none}\n"
		     "protocol: {kind: dasgd}\n"
		     "workers: [{count: 5, compute: \"exponential(mean=1)\"}]\n"
		     "network: {latency: \"exponential(mean=0.7)\"}\n"
		     "record: {updates: none}\n", &plan);
	for (uint64_t stop = 1; stop <= 3000; stop += 10) {
		plan.runs[0].sc.stop.updates = stop;
		struct sim s;
		fixture_run(&plan.runs[0].sc, NULL, &s);
		for (long i = 0; i < 5; i++)
			for (long j = 0; j < 5; j++) {
				uint64_t snap, view_stamp;
				dasgd_stamps(&s, i, j, &snap, &view_stamp);
				if (snap > view_stamp)
					fail_msg("tick %" PRIu64 ": snapshot of (%ld, %ld) newer than the view",
						 stop, i, j);
			}
		sim_release(&s);
	}
	scenario_plan_release(&plan);
}

/* The per-tick trajectory rebuilt from the sparse aoi rows sums exactly to
 * aoi_summary.sum_age (integers, no tolerance), for every pair. */
static void test_sparse_rows_rebuild_summary(void **state)
{
	struct scenario_plan plan;
	load_timing(&plan, 3, 5000, 3, 2, "exponential(mean=0.5)", 0.2);
	char db[4096];
	fixture_path(db, sizeof db, "rebuild.db");
	fixture_run_into(&plan, db);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *rows, *sum;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT k, age FROM aoi WHERE i = ?1 AND j = ?2 "
					    "ORDER BY k, rowid", -1, &rows, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT sum_age, max_age FROM aoi_summary "
					    "WHERE i = ?1 AND j = ?2", -1, &sum, NULL), SQLITE_OK);
	const int64_t n = 5000;
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 5; j++) {
			if (i == j)
				continue;
			sqlite3_bind_int(rows, 1, i);
			sqlite3_bind_int(rows, 2, j);
			int64_t total = 0, max = 0, k_prev = 0, age_prev = 0;
			bool first = true;
			while (sqlite3_step(rows) == SQLITE_ROW) {
				int64_t k = sqlite3_column_int64(rows, 0);
				int64_t age = sqlite3_column_int64(rows, 1);
				for (int64_t t = k_prev; !first && t < k; t++) {
					int64_t a = age_prev + (t - k_prev);
					total += a;
					max = a > max ? a : max;
				}
				first = false;
				k_prev = k;
				age_prev = age;
			}
			for (int64_t t = k_prev; t < n; t++) {
				int64_t a = age_prev + (t - k_prev);
				total += a;
				max = a > max ? a : max;
			}
			sqlite3_reset(rows);
			sqlite3_bind_int(sum, 1, i);
			sqlite3_bind_int(sum, 2, j);
			assert_int_equal(sqlite3_step(sum), SQLITE_ROW);
			assert_int_equal(total, sqlite3_column_int64(sum, 0));
			assert_int_equal(max, sqlite3_column_int64(sum, 1));
			sqlite3_reset(sum);
		}
	sqlite3_finalize(rows);
	sqlite3_finalize(sum);
	sqlite3_close(h);
	remove(db);
	scenario_plan_release(&plan);
}

/* Loss probability 0.3: the lost fraction of >= 10^5 messages is within
 * 2% of 0.3; kappa_fast / kappa_slow is the speed ratio 2 within 2%. */
static void test_loss_fraction_and_kappa(void **state)
{
	struct scenario_plan plan;
	load_timing(&plan, 5, 100000, 4, 4, "exponential(mean=0.1)", 0.3);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	double sent = 0, lost = 0, kappa[2] = { 0, 0 };
	for (long i = 0; i < s.nworkers; i++) {
		sent += (double)s.workers[i].messages_sent;
		lost += (double)s.workers[i].messages_lost;
		kappa[s.workers[i].group] += (double)s.workers[i].updates / (double)s.k;
	}
	assert_true(sent >= 1e5);
	fixture_assert_close("lost fraction", lost / sent, 0.3, 0.02);
	fixture_assert_close("kappa_fast / kappa_slow", kappa[0] / kappa[1], 2.0, 0.02);
	assert_true(fabs(kappa[0] + kappa[1] - 1.0) < 1e-12);
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* The quadratic with zero delay and a small step: ||grad f(x_k)||^2 falls
 * below 1e-10, and the incrementally kept gradient equals a recomputed
 * one to 1e-9 relative at sampled ticks (ticks where the gradient is still
 * far from 0: near the optimum a relative difference measures rounding). */
static void test_quadratic_exact_gradient(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: q\nseed: 4\nstop: {updates: 20000}\n"
		     "model: {kind: quadratic}\n"
		     "data: {kind: synthetic, samples: 1000, features: 12, condition: 5}\n"
		     "protocol: {kind: dasgd, batch: 8, step: 0.05}\n"
		     "workers: [{count: 4, compute: \"exponential(mean=1)\"}]\n"
		     "record: {updates: none, full_grad: every(1)}\n", &plan);
	static const uint64_t ticks[] = { 10, 50, 200, 400, 20000 };
	for (size_t t = 0; t < sizeof ticks / sizeof ticks[0]; t++) {
		uint64_t stop = ticks[t];
		plan.runs[0].sc.stop.updates = stop;
		struct sim s;
		fixture_run(&plan.runs[0].sc, NULL, &s);
		assert_non_null(s.exact_grad);
		double *g = calloc(s.dim, sizeof *g);
		double *work = calloc(model_workspace_size(&s.model, 8), sizeof *work);
		model_full_grad(&s.model, s.x, g, work);
		double diff = 0, norm = 0;
		for (size_t c = 0; c < s.dim; c++) {
			diff += pow(g[c] - s.exact_grad->g[c], 2);
			norm += g[c] * g[c];
		}
		printf("  tick %" PRIu64 ": ||grad f||^2 = %.3g, tracked vs recomputed %.3g\n",
		       stop, norm, sqrt(diff / norm));
		if (stop == 20000)
			assert_true(quadgrad_norm2(s.exact_grad) < 1e-10 && norm < 1e-10);
		else
			assert_true(sqrt(diff) <= 1e-9 * sqrt(norm));
		free(g);
		free(work);
		sim_release(&s);
	}
	scenario_plan_release(&plan);
}

/* L^{ij} of a small quadratic: the spectral norm of the Gram block equals
 * sqrt of the largest eigenvalue of B^T B, by power iteration here. */
static void test_coupling_matches_direct(void **state)
{
	const double g[16] = {
		4, 1, 0.5, 2,
		1, 3, 1.5, -1,
		0.5, 1.5, 5, 0,
		2, -1, 0, 2,
	};
	/* block rows 0..2, columns 2..4: B = [[0.5, 2], [1.5, -1]] */
	double btb[4] = { 0.5 * 0.5 + 1.5 * 1.5, 0.5 * 2 + 1.5 * -1,
			  0.5 * 2 + 1.5 * -1, 2 * 2 + 1 };
	double v[2] = { 1, 0.3 }, lambda = 0;
	for (int it = 0; it < 200; it++) {
		double w[2] = { btb[0] * v[0] + btb[1] * v[1], btb[2] * v[0] + btb[3] * v[1] };
		lambda = sqrt(w[0] * w[0] + w[1] * w[1]);
		v[0] = w[0] / lambda;
		v[1] = w[1] / lambda;
	}
	double l = coupling_block_norm(g, 4, 0, 2, 2, 4);
	assert_true(fabs(l - sqrt(lambda)) < 1e-12 * sqrt(lambda));
	/* a 1 x 3 block: the norm is the row's Euclidean norm */
	assert_true(fabs(coupling_block_norm(g, 4, 3, 4, 0, 3) - sqrt(4 + 1)) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_agents_view_age),
		cmocka_unit_test(test_sparse_rows_rebuild_summary),
		cmocka_unit_test(test_loss_fraction_and_kappa),
		cmocka_unit_test(test_quadratic_exact_gradient),
		cmocka_unit_test(test_coupling_matches_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
