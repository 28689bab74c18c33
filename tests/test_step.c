/*
 * test_step.c — step-size policies (step.h): their text and its located
 * errors, the scenario keys, the step recorded at every row against the
 * policy's formula, and momentum and DC-ASGD against hand computations on
 * small quadratics.
 */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "fixture.h"
#include "optim_fixture.h"

#include "src/engine/rng.h"
#include "src/engine/step.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the text of a policy ---------------------------------------------- */

static void policies_parse(void **state)
{
	struct step_policy p;
	double a;
	struct diag d;

	diag_init(&d);
	assert_int_equal(step_parse("inverse_sqrt(0.5)", NULL, &p, &a, &d), ASG_OK);
	assert_int_equal(p.kind, STEP_INVERSE_SQRT);
	assert_true(a == 0.5);
	assert_int_equal(step_parse("drops(0.1, at=[100, 250], factor=0.5)", NULL,
				    &p, &a, &d), ASG_OK);
	assert_int_equal(p.kind, STEP_DROPS);
	assert_int_equal(p.ndrops, 2);
	assert_true(p.at[0] == 100 && p.at[1] == 250 && p.factor == 0.5 && a == 0.1);
	assert_int_equal(step_parse("drops(0.1, at=[10])", NULL, &p, &a, &d), ASG_OK);
	assert_true(p.ndrops == 1 && p.factor == 0.1);
	assert_int_equal(step_parse("delay_adaptive(2e-3)", NULL, &p, &a, &d), ASG_OK);
	assert_true(p.kind == STEP_DELAY_ADAPTIVE && a == 2e-3);
	assert_int_equal(step_parse("koloskova(0.05)", NULL, &p, &a, &d), ASG_OK);
	assert_true(p.kind == STEP_KOLOSKOVA && !p.drop && p.concurrency == 0 &&
		    p.smoothness == 0 && step_needs_smoothness(&p));
	assert_int_equal(step_parse("koloskova(0.05, mode=drop, C=4, L=2.5)", NULL,
				    &p, &a, &d), ASG_OK);
	assert_true(p.drop && p.concurrency == 4 && p.smoothness == 2.5 &&
		    !step_needs_smoothness(&p));
	assert_int_equal(step_parse(" koloskova ( 1/8 , L = 2 ) ", NULL, &p, &a, &d),
			 ASG_OK);
	assert_true(a == 0.125 && p.smoothness == 2);
	assert_false(diag_failed(&d));
}

/* Each text stands at s.yaml line 3, column 10. */
static void policy_errors_are_located(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "inverse_sqr(0.1)", "s.yaml:3:10: unknown step size schedule "
		  "'inverse_sqr', did you mean 'inverse_sqrt'?" },
		{ "linear(0.1)", "s.yaml:3:10: unknown step size schedule 'linear' "
		  "(expected constant, inverse_sqrt, drops, delay_adaptive, koloskova)" },
		{ "drops(0.1)", "s.yaml:3:19: missing parameter 'at' for 'drops'" },
		{ "drops(0.1, at=[100, 50])", "s.yaml:3:30: the ticks of 'at' must "
		  "increase, got 50 after 100" },
		{ "drops(0.1, at=[1.5])", "s.yaml:3:25: a tick of 'at' must be an "
		  "integer >= 0, got 1.5" },
		{ "drops(0.1, at=[10], factor=2)", "s.yaml:3:37: 'factor' must be in "
		  "(0, 1], got 2" },
		{ "drops(0.1, at=10)", "s.yaml:3:24: expected a list of ticks "
		  "'[k1, k2, ...]' for 'at', got '10'" },
		{ "drops(0.1, at=[10 20])", "s.yaml:3:28: expected ',' or ']' in 'at', "
		  "got '20'" },
		{ "koloskova(0.1, mode=cut)", "s.yaml:3:30: expected clip or drop for "
		  "'mode', got 'cut'" },
		{ "koloskova(0.1, L=0)", "s.yaml:3:27: 'L' must be > 0, got 0" },
		{ "koloskova(0.1, M=1)", "s.yaml:3:25: unknown parameter 'M' for "
		  "'koloskova' (expected mode, C, L)" },
		{ "koloskova(0.1, C=2, C=3)", "s.yaml:3:30: parameter 'C' given twice" },
		{ "inverse_sqrt(0.1, at=[1])", "s.yaml:3:28: 'inverse_sqrt' takes one "
		  "value, got 'at'" },
		{ "delay_adaptive(-1)", "s.yaml:3:25: the step size must be > 0, got -1" },
		{ "delay_adaptive(i)", "s.yaml:3:25: the worker index i has no value "
		  "in the step size" },
		{ "delay_adaptive()", "s.yaml:3:25: expected a number for the step "
		  "size, got ')'" },
		{ "delay_adaptive(0.1) x", "s.yaml:3:30: unexpected text after "
		  "'delay_adaptive(...)': 'x'" },
		{ "delay_adaptive(0.1", "s.yaml:3:24: unclosed parenthesis in "
		  "'delay_adaptive(0.1'" },
	};
	const struct dist_origin where = { "s.yaml", 3, 10 };

	for (size_t c = 0; c < NELEM(cases); c++) {
		struct step_policy p;
		double a = -7;
		struct diag d;
		diag_init(&d);
		optim_expect_message(cases[c].text,
				     step_parse(cases[c].text, &where, &p, &a, &d),
				     &d, cases[c].message);
		assert_true(a == -7);
	}
}

#define STOP_ASYNC "stop: {updates: 10}\n"
#define TWO_WORKERS "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"

static void scenario_keys_are_checked(void **state)
{
	static const struct optim_bad cases[] = {
		{ STOP_ASYNC "model: {kind: quadratic}\ndata: {features: 4, samples: 40}\n"
		  "protocol: {kind: dasgd, step: \"inverse_sqrt(0.1)\"}\n" TWO_WORKERS,
		  "s.yaml:4:31: step size schedule 'inverse_sqrt' does not apply to "
		  "protocol dasgd (only to sync, async, backup, hybrid, ssp, allreduce, "
		  "rennala and ringmaster)" },
		{ STOP_ASYNC "protocol: {kind: local, momentum: 0.9}\n" TWO_WORKERS,
		  "s.yaml:2:35: 'protocol.momentum' does not apply to protocol local "
		  "(only to sync, async, backup, hybrid, ssp, allreduce, rennala and "
		  "ringmaster)" },
		{ STOP_ASYNC "protocol: {kind: async, momentum: 1}\n" TWO_WORKERS,
		  "s.yaml:2:35: 'protocol.momentum' must be in [0, 1), got 1" },
		{ STOP_ASYNC "protocol: {kind: async, dc_lambda: -1}\n" TWO_WORKERS,
		  "s.yaml:2:36: 'protocol.dc_lambda' must be >= 0, got -1" },
		{ STOP_ASYNC "protocol: {kind: async, gather: 2}\n" TWO_WORKERS,
		  "s.yaml:2:33: 'protocol.gather' applies only to protocol rennala" },
		{ STOP_ASYNC "protocol: {kind: rennala}\n" TWO_WORKERS,
		  "s.yaml:2:11: missing key 'gather' in 'protocol'" },
		{ STOP_ASYNC "protocol: {kind: rennala, gather: 0}\n" TWO_WORKERS,
		  "s.yaml:2:35: 'protocol.gather' must be >= 1, got 0" },
		{ STOP_ASYNC "protocol: {kind: rennala, gather: 3}\n" TWO_WORKERS,
		  "s.yaml:2:35: 'protocol.gather' (3) must be at most the number of "
		  "workers (2)" },
		{ STOP_ASYNC "protocol: {kind: ringmaster}\n" TWO_WORKERS,
		  "s.yaml:2:11: missing key 'restart_after' in 'protocol'" },
		{ STOP_ASYNC "protocol: {kind: ringmaster, restart_after: 0}\n" TWO_WORKERS,
		  "s.yaml:2:45: 'protocol.restart_after' must be >= 1 (or .inf), got 0" },
		{ STOP_ASYNC "protocol: {kind: async, restart_after: 3}\n" TWO_WORKERS,
		  "s.yaml:2:40: 'protocol.restart_after' applies only to protocol "
		  "ringmaster" },
		{ STOP_ASYNC "model: {kind: none}\n"
		  "protocol: {kind: async, step: \"koloskova(0.1)\"}\n" TWO_WORKERS,
		  "s.yaml:3:31: koloskova needs L= with model none (the smoothness is "
		  "known for quadratic and logreg)" },
		{ STOP_ASYNC "protocol: {kind: async, step: \"drops(0.1, at=[100, 50])\"}\n"
		  TWO_WORKERS,
		  "s.yaml:2:52: the ticks of 'at' must increase, got 50 after 100" },
		{ STOP_ASYNC "protocol: {kind: async, step: constnt(0.1)}\n" TWO_WORKERS,
		  "s.yaml:2:31: unknown step size schedule 'constnt', did you mean "
		  "'constant'?" },
	};
	optim_check_bad(cases, NELEM(cases));
}

/* A null value counts as absent (a zip over protocol.kind leaves keys out
 * with ~), and .inf is R's infinity. */
static void null_is_absent(void **state)
{
	struct scenario_plan plan;
	fixture_load(STOP_ASYNC
		     "protocol: {kind: ringmaster, gather: ~, restart_after: .inf,"
		     " momentum: null, dc_lambda: }\n" TWO_WORKERS, &plan);
	assert_true(plan.runs[0].sc.protocol.restart_after == UINT64_MAX);
	assert_true(plan.runs[0].sc.protocol.momentum == 0);
	scenario_plan_release(&plan);
}

/* ---- the step of every row ---------------------------------------------- */

/* 4 fast workers (mean 1) and 2 slow ones (mean 20), async, no model: the
 * slow ones' gradients are about 80 ticks stale, beyond n = 6. */
#define HETEROGENEOUS(policy, group_step)                                      \
	"seed: 3\nstop: {updates: 3000}\nmodel: {kind: none}\n"               \
	"protocol: {kind: async, step: \"" policy "\"}\n"                      \
	"workers:\n"                                                           \
	"  - {count: 4, compute: \"exponential(mean=1)\"}\n"                  \
	"  - {count: 2, compute: \"exponential(mean=20)\"" group_step "}\n"

enum formula {
	F_INVERSE_SQRT,   /* a / sqrt(k + 1) */
	F_DROPS,          /* a at k < 500, a/2 below 1500, a/4 after */
	F_DELAY_ADAPTIVE, /* a n / max(n, tau), n = 6 */
	F_KOLOSKOVA_CLIP, /* a if tau <= 6, else min(a, 1 / (4 * 3 * tau)) */
	F_KOLOSKOVA_DROP, /* a if tau <= 3, else 0 */
};

static double formula(enum formula f, double a, const struct optim_row *r)
{
	double k = (double)r->k, tau = (double)r->staleness;
	switch (f) {
	case F_INVERSE_SQRT:
		return a / sqrt(k + 1);
	case F_DROPS:
		return k < 500 ? a : k < 1500 ? a * pow(0.5, 1) : a * pow(0.5, 2);
	case F_DELAY_ADAPTIVE:
		return tau <= 6 ? a : a * (6.0 / tau);
	case F_KOLOSKOVA_CLIP:
		return tau <= 6 ? a : fmin(a, 1 / (4 * 3 * tau));
	case F_KOLOSKOVA_DROP:
		return tau <= 3 ? a : 0;
	}
	return NAN;
}

/* Every row's step_size equals the formula; returns the rows beyond the
 * policy's threshold of staleness (tau > 6, or > 3 for drop). */
static size_t check_rows(const char *yaml, enum formula f, double a,
			 double a_slow)
{
	char db[4096];
	size_t n, beyond = 0;
	fixture_path(db, sizeof db, "policy.db");
	optim_run_db(yaml, db);
	struct optim_row *rows = optim_rows(db, &n);
	assert_int_equal(n, 3000);
	for (size_t r = 0; r < n; r++) {
		double base = rows[r].worker >= 4 ? a_slow : a;
		double want = formula(f, base, &rows[r]);
		if (rows[r].step != want)
			fail_msg("row %zu (k %lld, worker %lld, staleness %lld): step "
				 "%.17g, formula %.17g", r, (long long)rows[r].k,
				 (long long)rows[r].worker, (long long)rows[r].staleness,
				 rows[r].step, want);
		beyond += rows[r].staleness > (f == F_KOLOSKOVA_DROP ? 3 : 6);
	}
	free(rows);
	remove(db);
	return beyond;
}

static void recorded_steps_follow_the_policies(void **state)
{
	assert_true(check_rows(HETEROGENEOUS("inverse_sqrt(0.5)", ""),
			       F_INVERSE_SQRT, 0.5, 0.5) > 0);
	assert_true(check_rows(HETEROGENEOUS("drops(0.1, at=[500, 1500], factor=0.5)", ""),
			       F_DROPS, 0.1, 0.1) > 0);
	size_t beyond = check_rows(HETEROGENEOUS("delay_adaptive(0.2)", ""),
				   F_DELAY_ADAPTIVE, 0.2, 0.2);
	printf("  delay_adaptive: %zu of 3000 rows with staleness > n = 6\n", beyond);
	assert_true(beyond > 50);
	assert_true(check_rows(HETEROGENEOUS("koloskova(0.05, L=3)", ""),
			       F_KOLOSKOVA_CLIP, 0.05, 0.05) > 50);
	assert_true(check_rows(HETEROGENEOUS("koloskova(0.05, mode=drop, C=3, L=3)", ""),
			       F_KOLOSKOVA_DROP, 0.05, 0.05) > 50);
	/* a group's step replaces the base value for its workers */
	check_rows(HETEROGENEOUS("inverse_sqrt(0.5)", ", step: 0.02"),
		   F_INVERSE_SQRT, 0.5, 0.02);
}

/* koloskova without L= takes the model's: the `coupling` row (0, 0) that
 * async records, ||A^T A / N||_2 + l2 for the quadratic. */
static void koloskova_takes_the_model_smoothness(void **state)
{
	char db[4096];
	size_t n, clipped = 0;
	fixture_path(db, sizeof db, "kolo.db");
	optim_run_db("seed: 4\nstop: {updates: 2000}\n"
		     "model: {kind: quadratic, l2: 0.01}\n"
		     "data: {features: 5, samples: 200}\n"
		     "protocol: {kind: async, step: \"koloskova(0.5)\"}\n"
		     "workers:\n"
		     "  - {count: 3, compute: \"exponential(mean=1)\"}\n"
		     "  - {count: 1, compute: \"exponential(mean=30)\"}\n"
		     "record: {full_grad: none}\n", db);
	double L = fixture_query(db, "SELECT l FROM coupling WHERE i = 0 AND j = 0");
	assert_true(L > 0.01);
	struct optim_row *rows = optim_rows(db, &n);
	for (size_t r = 0; r < n; r++) {
		double tau = (double)rows[r].staleness;
		double want = tau <= 4 ? 0.5 : fmin(0.5, 1 / (4 * L * tau));
		if (rows[r].step != want)
			fail_msg("row %zu: step %.17g, want %.17g (L %.17g, tau %g)", r,
				 rows[r].step, want, L, tau);
		clipped += rows[r].step < 0.5;
	}
	printf("  L = %.6g, %zu of %zu steps clipped\n", L, clipped, n);
	assert_true(clipped > 0);
	free(rows);
	remove(db);
}

/* ---- momentum and DC-ASGD ------------------------------------------------ */

/* f(x) = (x1^2 + 2 x2^2) / 2, grad = (x1, 2 x2), x0 = (1, 1), step 0.1,
 * beta 0.5, by hand:
 *   x1 = (0.9, 0.8)                         (no momentum at the first tick)
 *   x2 = x1 - 0.1 (0.9, 1.6) + 0.5 (x1 - x0) = (0.76, 0.54)
 *   x3 = x2 - 0.1 (0.76, 1.08) + 0.5 (x2 - x1) = (0.614, 0.302) */
static void momentum_by_hand(void **state)
{
	static const double want[3][2] = { { 0.9, 0.8 }, { 0.76, 0.54 },
					   { 0.614, 0.302 } };
	struct step_policy constant = { .kind = STEP_CONSTANT };
	double x[2] = { 1, 1 }, g[2];
	struct step st;

	assert_int_equal(step_init(&st, &constant, 1, 0.5, 0, 2, x, NAN), ASG_OK);
	for (int k = 0; k < 3; k++) {
		g[0] = x[0];
		g[1] = 2 * x[1];
		step_apply(&st, x, g, x, 0.1);
		step_tick(&st, x);
		for (int c = 0; c < 2; c++)
			if (fabs(x[c] - want[k][c]) > 1e-15)
				fail_msg("x%d[%d] = %.17g, want %.17g", k + 1, c, x[c],
					 want[k][c]);
	}
	step_release(&st);
}

/* DC-ASGD, same f and step, lambda 0.5: a gradient read at x_read = (1, 1),
 * g = (1, 2), applied at x_now = (0.9, 0.8):
 *   g~ = g + 0.5 g.g.(x_now - x_read) = (1 - 0.05, 2 - 0.4) = (0.95, 1.6)
 *   x  = x_now - 0.1 g~ = (0.805, 0.64) */
static void dc_asgd_by_hand(void **state)
{
	struct step_policy constant = { .kind = STEP_CONSTANT };
	double x[2] = { 0.9, 0.8 }, read[2] = { 1, 1 }, g[2] = { 1, 2 };
	struct step st;

	assert_int_equal(step_init(&st, &constant, 2, 0, 0.5, 2, x, NAN), ASG_OK);
	step_apply(&st, x, g, read, 0.1);
	assert_true(fabs(x[0] - 0.805) < 1e-15 && fabs(x[1] - 0.64) < 1e-15);
	step_tick(&st, x);   /* no momentum: nothing */
	assert_true(fabs(x[0] - 0.805) < 1e-15 && fabs(x[1] - 0.64) < 1e-15);
	step_release(&st);
}

/* Heavy ball through a run: one worker on a least-squares quadratic, its
 * minibatches replayed from its own stream (RNG_BATCH 0) and the
 * recursion x_{k+1} = x_k - a g(x_k) + beta (x_k - x_{k-1}) computed here
 * must end where the simulation's x does (1e-12 relative: the two sum in
 * other orders). */
static void momentum_in_a_run_matches_the_recursion(void **state)
{
	enum { TICKS = 300, BATCH = 4 };
	struct scenario_plan plan;
	fixture_load("seed: 9\nstop: {updates: 300}\n"
		     "model: {kind: quadratic}\n"
		     "data: {features: 6, samples: 120}\n"
		     "protocol: {kind: async, step: 0.02, momentum: 0.7, batch: 4}\n"
		     "workers: [{count: 1, compute: \"exponential(mean=1)\"}]\n"
		     "record: {full_grad: none}\n", &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	assert_int_equal(s.k, TICKS);
	size_t dim = s.dim;
	double *x = calloc(dim, sizeof *x), *prev = calloc(dim, sizeof *prev);
	double *g = calloc(dim, sizeof *g), *next = calloc(dim, sizeof *next);
	double *work = calloc(model_workspace_size(&s.model, BATCH) + 1, sizeof *work);
	gsl_rng *init = rng_stream_alloc(9, rng_entity(RNG_MODEL, 0));
	gsl_rng *batch = rng_stream_alloc(9, rng_entity(RNG_BATCH, 0));
	model_init_params(&s.model, x, init);
	memcpy(prev, x, dim * sizeof *x);
	size_t from = s.part.start[0], size = s.part.start[1] - from, idx[BATCH];
	for (int k = 0; k < TICKS; k++) {
		for (int b = 0; b < BATCH; b++)
			idx[b] = s.part.index[from + gsl_rng_uniform_int(batch, size)];
		model_batch_grad(&s.model, x, idx, BATCH, g, work);
		for (size_t c = 0; c < dim; c++)
			next[c] = x[c] - 0.02 * g[c] + 0.7 * (x[c] - prev[c]);
		memcpy(prev, x, dim * sizeof *x);
		memcpy(x, next, dim * sizeof *x);
	}
	double err = 0, norm = 0;
	for (size_t c = 0; c < dim; c++) {
		err = fmax(err, fabs(s.x[c] - x[c]));
		norm = fmax(norm, fabs(x[c]));
	}
	printf("  after %d ticks: max |x_sim - x_recursion| = %.3g (|x| %.3g)\n",
	       TICKS, err, norm);
	assert_true(err <= 1e-12 * norm);
	gsl_rng_free(init);
	gsl_rng_free(batch);
	free(x);
	free(prev);
	free(g);
	free(next);
	free(work);
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* DC-ASGD in a run: with one worker every gradient is applied where it
 * was read, so lambda changes nothing, bit for bit; with four it does. */
static void dc_asgd_in_a_run(void **state)
{
	static const char *const texts[] = {
		"seed: 2\nstop: {updates: 400}\nmodel: {kind: quadratic}\n"
		"data: {features: 5, samples: 100}\n"
		"protocol: {kind: async, step: 0.05, dc_lambda: %s}\n"
		"workers: [{count: %d, compute: \"exponential(mean=1)\"}]\n"
		"record: {full_grad: none}\n",
	};   /* dc_lambda 0 or 2, 1 or 4 workers */
	char yaml[512];
	double *x[2][2];
	for (int w = 0; w < 2; w++)
		for (int dc = 0; dc < 2; dc++) {
			struct scenario_plan plan;
			snprintf(yaml, sizeof yaml, texts[0], dc ? "2" : "0", w ? 4 : 1);
			fixture_load(yaml, &plan);
			struct sim s;
			fixture_run(&plan.runs[0].sc, NULL, &s);
			x[w][dc] = malloc(s.dim * sizeof *s.x);
			memcpy(x[w][dc], s.x, s.dim * sizeof *s.x);
			sim_release(&s);
			scenario_plan_release(&plan);
		}
	assert_memory_equal(x[0][0], x[0][1], 5 * sizeof(double));
	assert_memory_not_equal(x[1][0], x[1][1], 5 * sizeof(double));
	for (int w = 0; w < 2; w++)
		for (int dc = 0; dc < 2; dc++)
			free(x[w][dc]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policies_parse),
		cmocka_unit_test(policy_errors_are_located),
		cmocka_unit_test(scenario_keys_are_checked),
		cmocka_unit_test(null_is_absent),
		cmocka_unit_test(recorded_steps_follow_the_policies),
		cmocka_unit_test(koloskova_takes_the_model_smoothness),
		cmocka_unit_test(momentum_by_hand),
		cmocka_unit_test(dc_asgd_by_hand),
		cmocka_unit_test(momentum_in_a_run_matches_the_recursion),
		cmocka_unit_test(dc_asgd_in_a_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
