/*
 * test_closed_forms.c — results the simulator must reproduce (THEORY.md),
 * with fixed seeds and stated tolerances.
 */
#include <math.h>

#include "fixture.h"

/* Asynchronous PS, D identical workers: mean staleness D - 1.  50 workers,
 * lognormal compute, exponential up/down links, timing only, 2*10^5 ticks;
 * tolerance 1%. */
static void test_async_identical_staleness(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: identical\n"
		     "seed: 11\n"
		     "stop: {updates: 200000}\n"
		     "model: {kind: none}\n"
		     "protocol: {kind: async}\n"
		     "workers: [{count: 50, compute: \"lognormal(mu=0, sigma=0.5)\"}]\n"
		     "network: {uplink: \"exponential(mean=0.1)\", downlink: \"exponential(mean=0.1)\"}\n"
		     "record: {updates: none}\n", &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	assert_int_equal(s.k, 200000);
	assert_int_equal(s.gradients, 200000);
	fixture_assert_close("mean staleness", s.staleness_sum / (double)s.gradients,
			     49.0, 0.01);
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* Heterogeneous asynchronous PS without latency, 10 workers of mean 1 and
 * 10 of mean 3: kappa_i proportional to 1/m_i (ratio 3, tolerance 2%),
 * kappa sums to 1, and E[staleness of i] = sum_{j != i} m_i/m_j:
 * 9 + 10/3 = 12.33 for a fast worker, 30 + 9 = 39 for a slow one (2%). */
static void test_async_heterogeneous_kappa_and_staleness(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: heterogeneous\n"
		     "seed: 5\n"
		     "stop: {updates: 400000}\n"
		     "model: {kind: none}\n"
		     "protocol: {kind: async}\n"
		     "workers:\n"
		     "  - {count: 10, compute: \"exponential(mean=1)\", name: fast}\n"
		     "  - {count: 10, compute: \"exponential(mean=3)\", name: slow}\n"
		     "record: {updates: none}\n", &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	double kappa[2] = { 0, 0 }, stale[2] = { 0, 0 }, n[2] = { 0, 0 };
	double kappa_sum = 0;
	for (long i = 0; i < s.nworkers; i++) {
		const struct worker *w = &s.workers[i];
		double k = (double)w->updates / (double)s.k;
		kappa[w->group] += k / 10;
		kappa_sum += k;
		stale[w->group] += w->staleness_sum;
		n[w->group] += (double)w->updates;
	}
	fixture_assert_close("kappa_fast / kappa_slow", kappa[0] / kappa[1], 3.0, 0.02);
	assert_true(fabs(kappa_sum - 1.0) < 1e-12);
	fixture_assert_close("staleness of a fast worker", stale[0] / n[0],
			     9.0 + 10.0 / 3.0, 0.02);
	fixture_assert_close("staleness of a slow worker", stale[1] / n[1], 39.0, 0.02);
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* Synchronous PS, 16 workers exponential(mean=1), no latency: a round lasts
 * E[max of 16] = H_16 = 3.3807 (tolerance 2%); every tick has exactly 16
 * rows in `updates`, all of staleness 0. */
static void test_sync_round_time_is_harmonic(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: sync-rounds\n"
		     "seed: 3\n"
		     "stop: {updates: 20000}\n"
		     "model: {kind: none}\n"
		     "protocol: {kind: sync}\n"
		     "workers: [{count: 16, compute: \"exponential(mean=1)\"}]\n", &plan);
	char db[4096];
	fixture_path(db, sizeof db, "sync.db");
	fixture_run_into(&plan, db);
	double h16 = 0;
	for (int i = 1; i <= 16; i++)
		h16 += 1.0 / i;
	double ticks = fixture_query(db, "SELECT updates FROM runs");
	double t = fixture_query(db, "SELECT virtual_time FROM runs");
	assert_true(ticks == 20000);
	fixture_assert_close("mean round time", t / ticks, h16, 0.02);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 16 * 20000);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM (SELECT k FROM updates "
				      "GROUP BY k HAVING COUNT(*) != 16)") == 0);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT k) FROM updates") == 20000);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") == 0);
	assert_true(fixture_query(db, "SELECT MIN(kappa) FROM workers") == 1.0);
	remove(db);
	scenario_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_async_identical_staleness),
		cmocka_unit_test(test_async_heterogeneous_kappa_and_staleness),
		cmocka_unit_test(test_sync_round_time_is_harmonic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
