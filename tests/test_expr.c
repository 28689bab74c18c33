/*
 * test_expr.c — distribution parameters as expressions of the worker index
 * i (expr.h, dist.h): values, precedence, messages located inside the
 * text, the per-worker distributions of a run, and the Ringmaster timing
 * model's sample mean against its closed form.
 */
#include <math.h>

#include "fixture.h"
#include "optim_fixture.h"

#include "src/engine/dist.h"
#include "src/engine/expr.h"
#include "dist_ok.h"
#include "src/engine/rng.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- expressions ------------------------------------------------------ */

static double eval_text(const char *text, double i)
{
	struct expr_code code = { 0 };
	struct expr_error err;
	const char *end;

	if (expr_parse(text, &end, &code, &err) != ASG_OK)
		fail_msg("'%s': %s", text, err.msg);
	if (*end)
		fail_msg("'%s': stopped at '%s'", text, end);
	return expr_eval(&code, 0, code.nop, i);
}

/* Each value worked out by hand: precedence, associativity, signs. */
static void expressions_evaluate(void **state)
{
	static const struct {
		const char *text;
		double i, want;
	} cases[] = {
		{ "1 + sqrt(i)", 4, 3 },
		{ "sqrt(i + 1)", 8, 3 },
		{ "-2^2", 0, -4 },             /* a power binds tighter than a sign */
		{ "2^-1", 0, 0.5 },
		{ "2^3^2", 0, 512 },           /* right-associative */
		{ "(1 + 2) * 3", 0, 9 },
		{ "10 - 4 - 3", 0, 3 },        /* left-associative */
		{ "24 / 4 / 3", 0, 2 },
		{ "i^2 / 2", 3, 4.5 },
		{ "2 * -i", 3, -6 },
		{ "- - i", 5, 5 },
		{ "+i", 5, 5 },
		{ "abs(-i) + exp(0) + log(1)", 7, 8 },
		{ "0x1p-1 * i", 6, 3 },        /* hexadecimal, as strtod */
		{ "1e3*i", 2, 2000 },
		{ "\t( i )\n", 1.5, 1.5 },
	};

	for (size_t c = 0; c < NELEM(cases); c++) {
		double got = eval_text(cases[c].text, cases[c].i);
		if (got != cases[c].want)
			fail_msg("'%s' at i = %g: %.17g, want %.17g", cases[c].text,
				 cases[c].i, got, cases[c].want);
	}
	assert_true(fabs(eval_text("exp(log(i))", 5) - 5) < 1e-14);
}

/* An expression ends at what cannot continue it, spaces skipped. */
static void expression_stops_at_list_punctuation(void **state)
{
	struct expr_code code = { 0 };
	struct expr_error err;
	const char *text = "1 + i , next", *end;

	assert_int_equal(expr_parse(text, &end, &code, &err), ASG_OK);
	assert_ptr_equal(end, text + 6);
	text = "sqrt(i))";
	assert_int_equal(expr_parse(text, &end, &code, &err), ASG_OK);
	assert_string_equal(end, ")");
	assert_true(expr_uses_index(&code, 0, code.nop));
}

/* A failed parse leaves the code as it was. */
static void failed_parse_leaves_code(void **state)
{
	struct expr_code code = { 0 };
	struct expr_error err;
	const char *end;

	assert_int_equal(expr_parse("2 * i", &end, &code, &err), ASG_OK);
	struct expr_code before = code;
	assert_int_equal(expr_parse("3 + sqrt(i", &end, &code, &err), ASG_EINPUT);
	assert_memory_equal(&code, &before, sizeof code);
	assert_string_equal(err.msg, "unclosed '(' in expression");
}

/* ---- distributions with expressions ------------------------------------ */

static struct dist at_ok(const struct dist *fam, long i)
{
	struct dist d;
	struct diag diag;

	diag_init(&diag);
	if (dist_at(fam, i, NULL, &d, &diag) != ASG_OK)
		fail_msg("at i = %ld: %s", i, diag.text);
	return d;
}

/* Folded constants, indexed values evaluated per worker, shift. */
static void indexed_distributions(void **state)
{
	struct dist c = dist_ok("normal(mean=2^3 - 1, sd=sqrt(4))");
	assert_false(dist_indexed(&c));
	assert_true(c.p[0] == 7 && c.p[1] == 2 && c.shift == 0);

	struct dist fam = dist_ok("halfnormal(sd=sqrt(i + 1), shift=1 + sqrt(i))");
	assert_true(dist_indexed(&fam));
	for (long i = 0; i < 50; i++) {
		struct dist w = at_ok(&fam, i);
		assert_false(dist_indexed(&w));
		assert_int_equal(w.kind, DIST_HALFNORMAL);
		assert_true(w.p[0] == sqrt((double)i + 1));
		assert_true(w.shift == 1 + sqrt((double)i));
		assert_true(dist_mean(&w) ==
			    w.p[0] * 0.79788456080286535588 + w.shift);
	}
	/* a concrete distribution is its own value at every index */
	struct dist same = at_ok(&c, 12);
	assert_memory_equal(&same, &c, sizeof c);
}

/* An indexed distribution formats to a text that parses to the same
 * family, and formatting is idempotent. */
static void indexed_format_round_trips(void **state)
{
	static const char *const texts[] = {
		"halfnormal(sd=sqrt(i + 1), shift=1 + sqrt(i))",
		"uniform(min=i/3, max=2^-1 + i)",
		"lognormal(mu=-log(1 + i), sigma=0.25)",
		"exponential(mean=exp(-i / 7), shift=0.125)",
	};
	char buf[1024], again[1024];

	for (size_t t = 0; t < NELEM(texts); t++) {
		struct dist a = dist_ok(texts[t]);
		dist_format(&a, buf, sizeof buf);
		struct dist b = dist_ok(buf);
		dist_format(&b, again, sizeof again);
		assert_string_equal(buf, again);
		for (long i = 0; i < 30; i++) {
			struct dist x = at_ok(&a, i), y = at_ok(&b, i);
			if (memcmp(x.p, y.p, sizeof x.p) || x.shift != y.shift)
				fail_msg("'%s' -> '%s' differs at i = %ld", texts[t],
					 buf, i);
		}
	}
	assert_string_equal(buf, "exponential(mean=exp(((-i) / 7)), shift=0.125)");
}

/* Each text stands at s.yaml line 3, column 10: an error at offset k of the
 * text is reported at column 10 + k. */
static void expression_errors_are_located(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "halfnormal(sd=sqrt(i + 1), shift=1 + sqr(i))",
		  "s.yaml:3:47: unknown function 'sqr', did you mean 'sqrt'?" },
		{ "halfnormal(sd=2 * (i + 1, shift=1)",
		  "s.yaml:3:34: expected ')' to close '(', got ','" },
		{ "halfnormal(sd=2 + )",
		  "s.yaml:3:28: expected a number, i, a function or '(', got ')'" },
		{ "halfnormal(sd=2i)",
		  "s.yaml:3:24: expected a number for 'sd', got '2i'" },
		{ "halfnormal(sd=1 + 2i)", "s.yaml:3:28: malformed number '2i'" },
		{ "halfnormal(sd=sqrt 2)", "s.yaml:3:29: expected '(' after 'sqrt'" },
		{ "halfnormal(sd=log(0))",
		  "s.yaml:3:24: sd must be a finite number, got -inf" },
		{ "halfnormal(sd=1, shift=-1)", "s.yaml:3:33: shift must be >= 0, got -1" },
		{ "halfnormal(sd=1, shift=1, shift=2)",
		  "s.yaml:3:36: parameter 'shift' given twice" },
		{ "normal(mean=1e999 * i, sd=1)",
		  "s.yaml:3:22: number out of range: '1e999'" },
		{ "normal(mean=i * 1e999, sd=1)",
		  "s.yaml:3:26: number out of range: '1e999'" },
		{ "exponential(mean=speed(i))",
		  "s.yaml:3:27: expected a number for 'mean', got 'speed'" },
		{ "exponential(mean=1 + speed(i))",
		  "s.yaml:3:31: unknown name 'speed' in expression (expected i, "
		  "sqrt, log, exp or abs)" },
		{ "exponential(mean=1 + x)",
		  "s.yaml:3:31: unknown name 'x' in expression (expected i, sqrt, "
		  "log, exp or abs)" },
		{ "exponential(mean=i+i+i+i+i+i+i+i+i+i+i+i+i+i+i+i+i)",
		  "s.yaml:3:58: expression too long (at most 32 operations)" },
	};
	const struct dist_origin where = { "s.yaml", 3, 10 };

	for (size_t c = 0; c < NELEM(cases); c++) {
		struct dist d;
		struct diag diag;
		diag_init(&diag);
		optim_expect_message(cases[c].text,
				     dist_parse(cases[c].text, &where, &d, &diag),
				     &diag, cases[c].message);
	}
}

/* Values out of range at some worker: found by dist_at, located at the
 * parameter's value, naming the index. */
static void indexed_range_errors_are_located(void **state)
{
	static const struct {
		const char *text;
		long i;
		const char *message;
	} cases[] = {
		{ "halfnormal(sd=1 - i)", 1, "s.yaml:3:24: sd must be > 0, got 0 at i = 1" },
		{ "uniform(min=i, max=2)", 2,
		  "s.yaml:3:29: max must be > min (2), got 2 at i = 2" },
		{ "gamma(shape=log(i), scale=1)", 0,
		  "s.yaml:3:22: shape must be a finite number, got -inf at i = 0" },
	};
	const struct dist_origin where = { "s.yaml", 3, 10 };

	for (size_t c = 0; c < NELEM(cases); c++) {
		struct dist fam = dist_ok(cases[c].text), d;
		struct diag diag;
		if (cases[c].i > 0)
			at_ok(&fam, cases[c].i - 1);   /* fine one worker before */
		diag_init(&diag);
		optim_expect_message(cases[c].text,
				     dist_at(&fam, cases[c].i, &where, &d, &diag),
				     &diag, cases[c].message);
	}
}

/* ---- in scenarios and runs --------------------------------------------- */

/* In a scenario: checked at every worker of each group (i counts across
 * groups), refused where there is no worker. */
static void scenario_messages(void **state)
{
	static const struct optim_bad cases[] = {
		{ "stop: {updates: 10}\n"
		  "protocol: {kind: async}\n"
		  "workers:\n"
		  "  - {count: 2, compute: \"halfnormal(sd=1)\"}\n"
		  "  - {count: 3, compute: \"halfnormal(sd=4 - i)\"}\n",
		  "s.yaml:5:40: sd must be > 0, got 0 at i = 4" },
		{ "stop: {updates: 10}\n"
		  "protocol: {kind: async}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"
		  "network: {uplink: \"exponential(mean=1 + i)\"}\n",
		  "s.yaml:4:37: the worker index i has no value in 'network.uplink' "
		  "(only in workers[].compute)" },
		{ "stop: {updates: 10}\n"
		  "protocol: {kind: async}\n"
		  "workers: [{count: 2, compute: \"exponential(mean=1 + sqr(i))\"}]\n",
		  "s.yaml:3:53: unknown function 'sqr', did you mean 'sqrt'?" },
	};
	optim_check_bad(cases, NELEM(cases));
}

/* Each worker of a run samples from its group's distribution at its own
 * index, counted across groups. */
static void workers_get_their_own_distribution(void **state)
{
	struct scenario_plan plan;
	fixture_load("stop: {updates: 10}\n"
		     "model: {kind: none}\n"
		     "protocol: {kind: async}\n"
		     "workers:\n"
		     "  - {count: 3, compute: \"constant(value=2)\"}\n"
		     "  - {count: 4, compute: \"halfnormal(sd=sqrt(i + 1), shift=1 + sqrt(i))\"}\n",
		     &plan);
	struct sim s;
	struct diag d;
	diag_init(&d);
	assert_int_equal(sim_init(&s, &plan.runs[0].sc, NULL, &d), ASG_OK);
	for (long i = 0; i < 3; i++)
		assert_true(s.workers[i].compute->kind == DIST_CONSTANT &&
			    s.workers[i].compute->p[0] == 2);
	for (long i = 3; i < 7; i++) {
		const struct dist *c = s.workers[i].compute;
		assert_int_equal(c->kind, DIST_HALFNORMAL);
		assert_true(c->p[0] == sqrt((double)i + 1));
		assert_true(c->shift == 1 + sqrt((double)i));
	}
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* Ringmaster's timing model, worker i taking 1 + sqrt(i) + |N(0, i + 1)|:
 * over 10^5 draws the sample mean of workers 0, 5 and 99 is within 1% of
 * 1 + sqrt(i) + sqrt(i + 1) sqrt(2 / pi).  The coefficient of variation
 * of a draw is at most 0.35, so 1% is more than 9 standard errors. */
static void ringmaster_timing_model_mean(void **state)
{
	static const long workers[] = { 0, 5, 99 };
	struct dist fam = dist_ok("halfnormal(sd=sqrt(i + 1), shift=1 + sqrt(i))");

	for (size_t w = 0; w < NELEM(workers); w++) {
		long i = workers[w];
		struct dist d = at_ok(&fam, i);
		gsl_rng *rng = rng_stream_alloc(7, rng_entity(RNG_WORKER, (uint64_t)i));
		double sum = 0;
		for (int n = 0; n < 100000; n++)
			sum += dist_sample(&d, rng);
		gsl_rng_free(rng);
		double want = 1 + sqrt((double)i) + sqrt((double)i + 1) *
						     sqrt(2 / 3.14159265358979323846);
		char what[64];
		snprintf(what, sizeof what, "mean time of worker %ld", i);
		fixture_assert_close(what, sum / 100000, want, 0.01);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expressions_evaluate),
		cmocka_unit_test(expression_stops_at_list_punctuation),
		cmocka_unit_test(failed_parse_leaves_code),
		cmocka_unit_test(indexed_distributions),
		cmocka_unit_test(indexed_format_round_trips),
		cmocka_unit_test(expression_errors_are_located),
		cmocka_unit_test(indexed_range_errors_are_located),
		cmocka_unit_test(scenario_messages),
		cmocka_unit_test(workers_get_their_own_distribution),
		cmocka_unit_test(ringmaster_timing_model_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
