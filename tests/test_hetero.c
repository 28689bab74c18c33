/*
 * test_hetero.c — trace distributions, shifted, scaled and mixtures,
 * straggler episodes and failures (src/engine/trace.c, dist.c, mixture.c,
 * sim_avail.c), with fixed seeds against their closed forms:
 *   - replay gives a trace's values in order, wrapping; column=worker
 *     reads column i mod columns;
 *   - bootstrap's mean over 10^5 draws is within 1% of the trace's mean;
 *   - a mixture draws part k a fraction w_k / sum w of the time (within
 *     2% over 10^5 draws), its mean and density are the weighted ones,
 *     and an async worker computing with it makes 1 / mean gradients a
 *     unit of time (within 2%);
 *   - the fraction of time slowed is within 2% of
 *     E[lasts] / (E[every] + E[lasts]);
 *   - each worker's availability is within 2% of U / (U + R) for
 *     exponential uptime (mean U) and downtime (mean R), while async
 *     training goes on;
 *   - a sync round with protocol.timeout never lasts past it.
 */
#include <math.h>

#include "fixture.h"

#include "src/engine/mixture.h"
#include "src/engine/rng.h"
#include "dist_ok.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void replay_in_order(void **state)
{
	(void)state;
	char path[4096], text[4200];
	fixture_path(path, sizeof path, "replay.csv");
	write_file(path, "fast, slow\n1, 10\n2.5, 20\n\n4, 30\n");
	snprintf(text, sizeof text, "trace(file=%s, column=slow, mode=replay)", path);
	struct dist d;
	d = dist_ok(text);
	const double want[] = { 10, 20, 30, 10, 20, 30, 10 };
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_true(dist_next(&d, NULL) == want[i]);
	assert_true(dist_mean(&d) == 20);
	/* column=worker: worker 3 of a 2-column file reads column 1 */
	snprintf(text, sizeof text, "scaled(2, trace(file='%s', column=worker, "
		 "mode=replay))", path);
	struct dist family, at;
	family = dist_ok(text);
	assert_true(dist_indexed(&family));
	struct diag diag;
	diag_init(&diag);
	assert_int_equal(dist_at(&family, 3, NULL, &at, &diag), ASG_OK);
	assert_true(dist_next(&at, NULL) == 20 && dist_next(&at, NULL) == 40);
	assert_int_equal(dist_at(&family, 2, NULL, &at, &diag), ASG_OK);
	assert_true(dist_next(&at, NULL) == 2);
	remove(path);
}

static void bootstrap_mean(void **state)
{
	(void)state;
	char path[4096], text[4200];
	fixture_path(path, sizeof path, "bootstrap.csv");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	double sum = 0;
	for (int i = 0; i < 1000; i++) {   /* a skewed trace: i^2 mod 97 + 1 */
		double v = (double)((i * i) % 97 + 1) / 10;
		fprintf(f, "%.17g\n", v);
		sum += v;
	}
	fclose(f);
	snprintf(text, sizeof text, "trace(file=%s)", path);
	struct dist d;
	d = dist_ok(text);
	assert_true(fabs(dist_mean(&d) - sum / 1000) < 1e-12);
	gsl_rng *rng = rng_stream_alloc(7, rng_entity(RNG_WORKER, 0));
	double draws = 0;
	for (int i = 0; i < 100000; i++)
		draws += dist_sample(&d, rng);
	gsl_rng_free(rng);
	fixture_assert_close("bootstrap mean", draws / 1e5, sum / 1000, 0.01);
	remove(path);
}

static void trace_errors_are_located(void **state)
{
	(void)state;
	char path[4096], text[4200], want[4400];
	struct dist_origin where = { "s.yaml", 3, 10 };
	struct dist out;
	struct diag d;
	fixture_path(path, sizeof path, "bad.csv");
	write_file(path, "a,b\n1,2\n3, x\n");
	snprintf(text, sizeof text, "trace(file=%s, column=b)", path);
	diag_init(&d);
	assert_int_equal(dist_parse(text, &where, &out, &d), ASG_EINPUT);
	snprintf(want, sizeof want, "%s:3:4: expected a number, got 'x'", path);
	assert_string_equal(d.text, want);
	write_file(path, "a,b\n1,2\n");
	snprintf(text, sizeof text, "trace(file=%s, column=c)", path);
	diag_init(&d);
	assert_int_equal(dist_parse(text, &where, &out, &d), ASG_EINPUT);
	snprintf(want, sizeof want, "s.yaml:3:%d: no column named 'c' in '%s'",
		 10 + (int)strlen(text) - 2, path);
	assert_string_equal(d.text, want);
	remove(path);
	diag_init(&d);
	assert_int_equal(dist_parse("trace(file=/nonexistent/t.csv)", &where,
				    &out, &d), ASG_EINPUT);
	assert_string_equal(d.text, "s.yaml:3:21: cannot open "
			    "'/nonexistent/t.csv': No such file or directory");
	diag_init(&d);
	assert_int_equal(dist_parse("scaled(0, constant(value=1))", &where,
				    &out, &d), ASG_EINPUT);
	assert_string_equal(d.text, "s.yaml:3:17: the scale must be > 0, got 0");
	diag_init(&d);
	assert_int_equal(dist_parse("shifted(1, gamma(shape=1))", &where,
				    &out, &d), ASG_EINPUT);
	assert_string_equal(d.text, "s.yaml:3:34: missing parameter 'scale' "
			    "for 'gamma'");
}

static void shifted_and_scaled(void **state)
{
	(void)state;
	struct dist d;
	char buf[256];
	d = dist_ok("scaled(2, shifted(1, exponential(mean=3)))");
	assert_true(fabs(dist_mean(&d) - 8) < 1e-12);
	dist_format(&d, buf, sizeof buf);
	assert_string_equal(buf, "shifted(2, scaled(2, exponential(mean=3)))");
	struct dist back;
	back = dist_ok(buf);
	assert_true(dist_mean(&back) == dist_mean(&d));
	/* the density of 2 X + 2 at x is p_X((x - 2) / 2) / 2 */
	assert_true(fabs(dist_pdf(&d, 5) - exp(-0.5) / 6) < 1e-15);
}

/* The run of a YAML scenario, left built for its workers' totals. */
static void run_yaml(const char *yaml, struct scenario_plan *plan,
		     struct sim *s)
{
	fixture_load(yaml, plan);
	fixture_run(&plan->runs[0].sc, NULL, s);
}

/* Three quarters uniform on [0, 1), one quarter uniform on [2, 3): the
 * part a draw came from is known from its value. */
static void mixture_draws_and_moments(void **state)
{
	(void)state;
	struct dist d, back;
	char buf[512];
	d = dist_ok("mixture(3, uniform(min=0, max=1), 1, shifted(2, "
		 "uniform(min=0, max=1)))");
	assert_int_equal(d.kind, DIST_MIXTURE);
	assert_true(fabs(dist_mean(&d) - 1.0) < 1e-15);
	assert_true(fabs(dist_pdf(&d, 0.5) - 0.75) < 1e-15);
	assert_true(fabs(dist_pdf(&d, 2.5) - 0.25) < 1e-15);
	assert_true(dist_pdf(&d, 1.5) == 0);
	gsl_rng *rng = rng_stream_alloc(3, rng_entity(RNG_WORKER, 0));
	double sum = 0, second = 0;
	for (int i = 0; i < 100000; i++) {
		double x = dist_sample(&d, rng);
		sum += x;
		second += x >= 2;
		assert_true(x >= 0 && x < 3 && !(x >= 1 && x < 2));
	}
	gsl_rng_free(rng);
	fixture_assert_close("share of the second part", second / 1e5, 0.25, 0.02);
	fixture_assert_close("sample mean", sum / 1e5, 1.0, 0.01);
	/* the text written parses back to the same distribution */
	dist_format(&d, buf, sizeof buf);
	assert_string_equal(buf, "mixture(3, uniform(min=0, max=1), 1, "
			    "shifted(2, uniform(min=0, max=1)))");
	back = dist_ok(buf);
	char again[512];
	dist_format(&back, again, sizeof again);
	assert_string_equal(again, buf);
	/* an affine map of a mixture, and a mixture in a mixture */
	d = dist_ok("scaled(2, mixture(1, constant(value=1), 1, mixture(1, "
		 "constant(value=2), 3, constant(value=6))))");
	assert_true(fabs(dist_mean(&d) - 2 * (0.5 + 0.5 * 5)) < 1e-15);
	dist_format(&d, buf, sizeof buf);
	assert_string_equal(buf, "scaled(2, mixture(1, constant(value=1), 1, "
			    "mixture(1, constant(value=2), 3, "
			    "constant(value=6))))");
}

static void mixture_error(const char *text, const char *want)
{
	struct dist_origin where = { "s.yaml", 3, 10 };
	struct dist out;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dist_parse(text, &where, &out, &d), ASG_EINPUT);
	if (strcmp(d.text, want))
		fail_msg("'%s': got '%s', want '%s'", text, d.text, want);
}

static void mixture_errors_are_located(void **state)
{
	(void)state;
	char path[4096], text[4200];
	mixture_error("mixture(0, constant(value=1))", "s.yaml:3:18: a "
		      "mixture's weight must be a finite number > 0, got 0");
	mixture_error("mixture(-1, constant(value=1))", "s.yaml:3:18: a "
		      "mixture's weight must be a finite number > 0, got -1");
	mixture_error("mixture(i, constant(value=1))", "s.yaml:3:18: the "
		      "worker index i has no value in a mixture's weights");
	mixture_error("mixture(1, constant(value=1 + i))", "s.yaml:3:36: a "
		      "mixture's parts cannot depend on the worker index i");
	mixture_error("mixture(1, constant(value=1), 2)", "s.yaml:3:41: "
		      "expected ',' and a distribution after the weight");
	mixture_error("mixture(1, expo(mean=1))", "s.yaml:3:21: unknown "
		      "distribution 'expo', did you mean 'exponential'?");
	mixture_error("mixture(1, exponential(mean=1)", "s.yaml:3:17: "
		      "unclosed parenthesis");
	mixture_error("mixture(1, constant(value=1)) x", "s.yaml:3:40: "
		      "unexpected text after distribution: 'x'");
	mixture_error("mixtur(1, constant(value=1))", "s.yaml:3:10: unknown "
		      "distribution 'mixtur', did you mean 'mixture'?");
	char many[512] = "mixture(";
	for (int k = 0; k < 9; k++)
		strcat(many, k ? ",1,constant(value=1)" : "1,constant(value=1)");
	strcat(many, ")");
	mixture_error(many, "s.yaml:3:178: a mixture has at most 8 parts");
	fixture_path(path, sizeof path, "mix.csv");
	write_file(path, "1\n2\n");
	snprintf(text, sizeof text, "mixture(1, trace(file=%s, mode=replay))",
		 path);
	mixture_error(text, "s.yaml:3:20: a mixture draws its parts at random: "
		      "a trace in it takes mode=bootstrap, not replay");
	remove(path);
}

/* One async worker computing 1 or 3 (even odds), no network: 1/2 of a
 * gradient a unit of time. */
static void mixture_in_a_run(void **state)
{
	(void)state;
	struct scenario_plan plan;
	struct sim s;
	run_yaml("seed: 4\nstop: {time: 100000}\nmodel: {kind: none}\n"
		 "protocol: {kind: async}\n"
		 "workers:\n  - compute: 'mixture(1, constant(value=1), 1, "
		 "constant(value=3))'\n", &plan, &s);
	fixture_assert_close("gradients per unit of time",
			     (double)s.gradients / s.now, 0.5, 0.02);
	sim_release(&s);
	scenario_plan_release(&plan);
}

static void slowdown_fraction(void **state)
{
	(void)state;
	struct scenario_plan plan;
	struct sim s;
	run_yaml("seed: 11\nstop: {time: 40000}\nmodel: {kind: none}\n"
		 "protocol: {kind: async}\n"
		 "workers:\n  - count: 4\n    compute: constant(value=1)\n"
		 "    slowdown:\n      every: exponential(mean=3)\n"
		 "      lasts: uniform(min=0.5, max=1.5)\n      factor: 3\n", &plan, &s);
	double slowed = 0;
	for (long i = 0; i < s.nworkers; i++)
		slowed += sim_avail_totals(&s.workers[i]).slowed;
	fixture_assert_close("fraction of time slowed",
			     slowed / (s.nworkers * s.now), 1.0 / 4, 0.02);
	/* jobs started slowed take 3: fewer than 40000 gradients a worker */
	assert_true(s.workers[0].updates < 40000 * 0.8);
	sim_release(&s);
	scenario_plan_release(&plan);
}

static void failures_availability(void **state)
{
	(void)state;
	struct scenario_plan plan;
	struct sim s;
	run_yaml("seed: 5\nstop: {time: 200000}\nmodel: {kind: none}\n"
		 "protocol: {kind: async}\n"
		 "workers:\n  - count: 4\n    compute: exponential(mean=1)\n"
		 "    failures: {uptime: exponential(mean=10), "
		 "downtime: exponential(mean=5)}\n", &plan, &s);
	uint64_t lost = 0, updates = 0;
	for (long i = 0; i < s.nworkers; i++) {
		struct sim_avail_totals t = sim_avail_totals(&s.workers[i]);
		char what[64];
		snprintf(what, sizeof what, "availability of worker %ld", i);
		fixture_assert_close(what, 1 - t.downtime / s.now, 10.0 / 15, 0.02);
		lost += t.lost;
		updates += s.workers[i].updates;
	}
	/* async goes on: about availability x rate x time gradients, and
	 * every crash while computing loses a job */
	assert_true(s.outcome == SIM_DONE);
	fixture_assert_close("gradients per unit of time",
			     (double)s.gradients / s.now, 4 * 10.0 / 15, 0.03);
	assert_true(lost > 1000);
	assert_int_equal(updates, s.k);
	sim_release(&s);
	scenario_plan_release(&plan);
}

static void sync_timeout_bounds_rounds(void **state)
{
	(void)state;
	struct scenario_plan plan;
	char db[4096];
	fixture_path(db, sizeof db, "sync_timeout.db");
	fixture_load("seed: 3\nstop: {updates: 3000}\nmodel: {kind: none}\n"
		     "protocol: {kind: sync, timeout: 1.6}\n"
		     "workers:\n  - count: 8\n    compute: uniform(min=0.5, max=1.5)\n"
		     "    failures: {uptime: exponential(mean=20), "
		     "downtime: exponential(mean=5)}\n", &plan);
	fixture_run_into(&plan, db);
	double longest = fixture_query(db,
		"WITH r AS (SELECT k, MAX(t) AS t FROM updates GROUP BY k) "
		"SELECT MAX(a.t - COALESCE(b.t, 0)) FROM r a LEFT JOIN r b "
		"ON a.k = b.k + 1");
	printf("  longest round %.6g (timeout 1.6)\n", longest);
	assert_true(longest <= 1.6 + 1e-9);
	double partial = fixture_query(db,
		"SELECT COUNT(*) FROM (SELECT k FROM updates GROUP BY k "
		"HAVING COUNT(*) < 8)");
	printf("  rounds with fewer than 8 gradients: %g of 3000\n", partial);
	assert_true(partial > 100);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT k) FROM updates") == 3000);
	assert_true(fixture_query(db, "SELECT SUM(downtime) FROM workers") > 0);
	assert_true(fixture_query(db, "SELECT SUM(dropped) + SUM(lost) FROM workers") > 0);
	remove(db);
	scenario_plan_release(&plan);
}

static void load_error(const char *yaml, const char *want)
{
	char path[4096];
	fixture_path(path, sizeof path, "refused.yaml");
	write_file(path, yaml);
	struct scenario_overrides none = { 0 };
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	assert_int_equal(scenario_plan_load(path, &none, &plan, &d), ASG_EINPUT);
	remove(path);
	const char *msg = strstr(d.text, ".yaml:");
	assert_non_null(msg);
	assert_string_equal(msg + 6, want);
}

static void refusals(void **state)
{
	(void)state;
	load_error("stop: {time: 10}\nmodel: {kind: none}\n"
		   "protocol: {kind: backup}\nworkers:\n  - count: 4\n"
		   "    compute: constant(value=1)\n"
		   "    failures: {uptime: constant(value=1), downtime: "
		   "constant(value=1)}\n",
		   "7:15: 'failures' is simulated for protocols sync and "
		   "async only, not backup");
	load_error("stop: {time: 10}\nmodel: {kind: none}\n"
		   "protocol: {kind: async, timeout: 3}\nworkers:\n"
		   "  - compute: constant(value=1)\n",
		   "3:34: 'protocol.timeout' applies only to protocol sync");
	load_error("stop: {time: 10}\nmodel: {kind: none}\n"
		   "protocol: {kind: sync}\nworkers:\n"
		   "  - compute: constant(value=1)\n"
		   "    slowdown: {every: constant(value=1), factor: 2}\n",
		   "6:15: missing key 'lasts' in 'workers[0].slowdown'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_in_order),
		cmocka_unit_test(bootstrap_mean),
		cmocka_unit_test(trace_errors_are_located),
		cmocka_unit_test(shifted_and_scaled),
		cmocka_unit_test(mixture_draws_and_moments),
		cmocka_unit_test(mixture_errors_are_located),
		cmocka_unit_test(mixture_in_a_run),
		cmocka_unit_test(slowdown_fraction),
		cmocka_unit_test(failures_availability),
		cmocka_unit_test(sync_timeout_bounds_rounds),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
