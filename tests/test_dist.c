/*
 * test_dist.c — distributions: parsing, sampling against mean and pdf,
 * formatting, and the "did you mean" helper their messages use.
 *
 * Sampling tests draw 10^5 values from a fixed stream per case of one
 * table.  The sample mean must be within 1% of dist_mean: every case has a
 * coefficient of variation <= 1, so 1% is >= 3.2 standard errors.  The
 * histogram over 20 bins must pass Pearson's chi-square against dist_pdf
 * integrated numerically (Simpson), at the 99.9% level.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "src/common/suggest.h"
#include "src/engine/dist.h"
#include "src/engine/rng.h"
#include "assert_near.h"
#include "dist_ok.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* cmocka 1.1's assert_float_equal works in float: compare doubles here. */
/* ---- sampling --------------------------------------------------------- */

static const char *const sample_cases[] = {
	"uniform(min=0.5, max=2)",
	"exponential(mean=0.01)",
	"exponential(mean=2)",
	"normal(mean=1, sd=0.5)",
	"normal(mean=-0.5, sd=1)",
	"normal(mean=-8, sd=1)",
	"normal(mean=-40, sd=1)",
	"lognormal(mu=-1, sigma=0.3)",
	"lognormal(mu=0.5, sigma=0.8)",
	"gamma(shape=2, scale=0.5)",
	"gamma(shape=9, scale=0.1)",
	"weibull(scale=1, shape=1.5)",
	"weibull(scale=2, shape=3)",
	"pareto(shape=3, scale=1)",
	"pareto(shape=5, scale=0.2)",
};

#define NDRAW 100000

static void sample_mean_matches_dist_mean(void **state)
{
	for (size_t c = 0; c < NELEM(sample_cases); c++) {
		struct dist d = dist_ok(sample_cases[c]);
		gsl_rng *r = rng_stream_alloc(1, rng_entity(RNG_WORKER, c));
		double sum = 0;

		assert_non_null(r);
		for (int i = 0; i < NDRAW; i++)
			sum += dist_sample(&d, r);
		double want = dist_mean(&d);
		if (!(fabs(sum / NDRAW - want) <= 0.01 * want))
			fail_msg("%s: sample mean %.6g, dist_mean %.6g",
				 sample_cases[c], sum / NDRAW, want);
		gsl_rng_free(r);
	}
}

/* Simpson's rule with n (even) intervals. */
static double integrate_pdf(const struct dist *d, double a, double b, int n)
{
	double h = (b - a) / n;
	double sum = dist_pdf(d, a) + dist_pdf(d, b);

	for (int i = 1; i < n; i++)
		sum += (i % 2 ? 4 : 2) * dist_pdf(d, a + i * h);
	return sum * h / 3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The bins span [lo, hi], the 0.5% and 99.5% quantiles of a pilot sample
 * from another stream, so that they do not depend on the tested draws.
 * Cells: 20 bins and "outside", whose probability is 1 minus the bins'
 * (an unnormalised pdf shows as a negative remainder).  Pearson's
 * statistic then has 20 degrees of freedom. */
static double histogram_chi_square(const struct dist *d, const char *text,
				   size_t c)
{
	enum { NBIN = 20, NPILOT = 10000 };
	static double pilot[NPILOT];
	long count[NBIN + 1] = { 0 };
	double prob[NBIN + 1];
	gsl_rng *r = rng_stream_alloc(2, rng_entity(RNG_WORKER, c));

	assert_non_null(r);
	for (int i = 0; i < NPILOT; i++)
		pilot[i] = dist_sample(d, r);
	gsl_rng_free(r);
	qsort(pilot, NPILOT, sizeof pilot[0], cmp_double);
	double lo = pilot[NPILOT / 200], hi = pilot[NPILOT - NPILOT / 200];
	double w = (hi - lo) / NBIN;

	prob[NBIN] = 1;
	for (int b = 0; b < NBIN; b++) {
		prob[b] = integrate_pdf(d, lo + b * w, lo + (b + 1) * w, 64);
		prob[NBIN] -= prob[b];
	}
	if (!(prob[NBIN] > 0))
		fail_msg("%s: the pdf has mass %.6g in [%g, %g]", text,
			 1 - prob[NBIN], lo, hi);

	r = rng_stream_alloc(1, rng_entity(RNG_BATCH, c));
	assert_non_null(r);
	for (int i = 0; i < NDRAW; i++) {
		double x = dist_sample(d, r);
		int b = NBIN;
		if (x >= lo && x < hi) {
			b = (int)((x - lo) / w);
			b = b < NBIN ? b : NBIN - 1; /* rounding just below hi */
		}
		count[b]++;
	}
	gsl_rng_free(r);

	double chi2 = 0;
	for (int b = 0; b <= NBIN; b++) {
		double e = NDRAW * prob[b];
		chi2 += (count[b] - e) * (count[b] - e) / e;
	}
	return chi2;
}

static void histogram_matches_pdf(void **state)
{
	double critical = gsl_cdf_chisq_Qinv(0.001, 20); /* 45.31 */

	for (size_t c = 0; c < NELEM(sample_cases); c++) {
		struct dist d = dist_ok(sample_cases[c]);
		double chi2 = histogram_chi_square(&d, sample_cases[c], c);
		if (!(chi2 < critical))
			fail_msg("%s: chi-square %.2f >= %.2f", sample_cases[c],
				 chi2, critical);
	}
}

static void draws_are_nonnegative(void **state)
{
	static const char *const extra[] = {
		"constant(value=0)",
		"uniform(min=0, max=1e-300)",
		"normal(mean=-1000, sd=1)",
		"normal(mean=-1, sd=1e-3)",
		"normal(mean=0, sd=1)",
		"normal(mean=1e-3, sd=1e3)",
		"gamma(shape=0.01, scale=1)",
		"weibull(scale=1, shape=0.1)",
	};

	for (size_t c = 0; c < NELEM(sample_cases) + NELEM(extra); c++) {
		const char *text = c < NELEM(sample_cases) ?
			sample_cases[c] : extra[c - NELEM(sample_cases)];
		struct dist d = dist_ok(text);
		gsl_rng *r = rng_stream_alloc(3, rng_entity(RNG_WORKER, c));

		assert_non_null(r);
		for (int i = 0; i < 10000; i++) {
			double x = dist_sample(&d, r);
			if (!(x >= 0))
				fail_msg("%s: draw %d is %g", text, i, x);
		}
		gsl_rng_free(r);
	}
}

static void constant_is_constant(void **state)
{
	struct dist d = dist_ok("constant(value=0.25)");
	gsl_rng *r = rng_stream_alloc(4, rng_entity(RNG_WORKER, 0));

	assert_non_null(r);
	for (int i = 0; i < 100; i++)
		assert_true(dist_sample(&d, r) == 0.25);
	assert_true(dist_mean(&d) == 0.25);
	assert_true(dist_pdf(&d, 0.25) == 0);
	gsl_rng_free(r);
}

/* ---- means and densities in closed form ------------------------------- */

/* The truncated normal's mean, phi(a)/Q(a) computed directly: accurate
 * while Q(a) is a normal double (a < 37).  The mean, about 2/a, is h(a) - a
 * with h(a) about a: the cancellation costs a factor a^2 in relative
 * accuracy, hence 1e-9. */
static void truncated_normal_mean_in_deep_tail(void **state)
{
	const double a[] = { 4.999, 5.0, 5.001, 6, 10, 20, 30, 36 };

	for (size_t i = 0; i < NELEM(a); i++) {
		struct dist d = { .kind = DIST_NORMAL, .p = { -2 * a[i], 2 } };
		double h = gsl_ran_ugaussian_pdf(a[i]) /
			   gsl_cdf_ugaussian_Q(a[i]);
		double want = -2 * a[i] + 2 * h;
		assert_near(dist_mean(&d), want, 1e-9 * want);
	}
}

/* Past a = 38, Q(a) underflows; h(a) = a + 1/a - 2/a^3 + 10/a^5 - ...
 * (the next term, 74/a^7, is below 1e-9 at a = 40). */
static void truncated_normal_beyond_underflow(void **state)
{
	struct dist d = { .kind = DIST_NORMAL, .p = { -40, 1 } };
	double a = 40;
	double h = a + 1 / a - 2 / pow(a, 3) + 10 / pow(a, 5);

	assert_near(dist_mean(&d), h - a, 1e-9);
	assert_near(dist_pdf(&d, 0), h, 1e-9);
	assert_near(dist_pdf(&d, 0.1), h * exp(-0.5 * 0.1 * (2 * a + 0.1)),
		    1e-9);
	assert_true(dist_pdf(&d, -0.1) == 0);
}

static void truncated_normal_far_from_zero_is_normal(void **state)
{
	struct dist d = { .kind = DIST_NORMAL, .p = { 40, 2 } };

	assert_near(dist_mean(&d), 40, 1e-12);
	assert_near(dist_pdf(&d, 41), gsl_ran_gaussian_pdf(1, 2), 1e-15);
}

static void means_in_closed_form(void **state)
{
	static const struct {
		const char *text;
		double mean;
	} cases[] = {
		{ "uniform(min=1, max=3)", 2 },
		{ "exponential(mean=0.5)", 0.5 },
		{ "lognormal(mu=-1, sigma=0.3)", 0.3848121445529786 },
		{ "gamma(shape=3, scale=0.5)", 1.5 },
		{ "weibull(scale=2, shape=1)", 2 },
		{ "weibull(scale=1, shape=2)", 0.886226925452758 },
		{ "pareto(shape=2, scale=3)", 6 },
		{ "pareto(shape=1, scale=3)", INFINITY },
		{ "pareto(shape=0.5, scale=3)", INFINITY },
		{ "weibull(scale=1, shape=0.05)", 2432902008176640000.0 },   /* 20! */
		{ "normal(mean=0, sd=1)", 0.7978845608028654 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct dist d = dist_ok(cases[i].text);
		double m = dist_mean(&d);
		if (isinf(cases[i].mean))
			assert_true(isinf(m) && m > 0);
		else
			assert_near(m, cases[i].mean, 1e-14 * cases[i].mean);
	}
}

/* The densities exactly as dist.h writes them. */
static double header_pdf(const struct dist *d, double x)
{
	const double *p = d->p;

	switch (d->kind) {
	case DIST_UNIFORM:
		return x >= p[0] && x < p[1] ? 1 / (p[1] - p[0]) : 0;
	case DIST_EXPONENTIAL:
		return exp(-x / p[0]) / p[0];
	case DIST_NORMAL: {
		double z = (x - p[0]) / p[1];
		double mass = 0.5 * erfc(-p[0] / p[1] / sqrt(2));
		return exp(-z * z / 2) / (p[1] * sqrt(2 * 3.141592653589793)) / mass;
	}
	case DIST_LOGNORMAL: {
		double z = (log(x) - p[0]) / p[1];
		return exp(-z * z / 2) / (x * p[1] * sqrt(2 * 3.141592653589793));
	}
	case DIST_GAMMA:
		return pow(x, p[0] - 1) * exp(-x / p[1]) /
		       (tgamma(p[0]) * pow(p[1], p[0]));
	case DIST_WEIBULL:
		return p[1] / p[0] * pow(x / p[0], p[1] - 1) *
		       exp(-pow(x / p[0], p[1]));
	case DIST_PARETO:
		return x >= p[1] ? p[0] * pow(p[1], p[0]) / pow(x, p[0] + 1)
				 : 0;
	case DIST_HALFNORMAL:
		return x >= 0 ? 2 * exp(-x * x / (2 * p[0] * p[0])) /
				(p[0] * sqrt(2 * 3.141592653589793)) : 0;
	case DIST_CONSTANT:
	case DIST_TRACE:
	case DIST_MIXTURE:
		break;
	}
	return 0;
}

/* At 0.5, 1, 1.5 and 2 times the mean of each sampling case (the
 * truncated normal at a = 40 aside: its mass underflows in erfc). */
static void pdf_matches_header_formula(void **state)
{
	const double at[] = { 0.5, 1, 1.5, 2 };

	for (size_t c = 0; c < NELEM(sample_cases); c++) {
		struct dist d = dist_ok(sample_cases[c]);
		if (d.kind == DIST_NORMAL && d.p[0] / d.p[1] < -30)
			continue;
		for (size_t i = 0; i < NELEM(at); i++) {
			double x = at[i] * dist_mean(&d);
			double want = header_pdf(&d, x);
			double got = dist_pdf(&d, x);
			if (!(fabs(got - want) <= 1e-12 * (1 + want)))
				fail_msg("%s: pdf(%g) = %.17g, want %.17g",
					 sample_cases[c], x, got, want);
		}
	}
}

static void pdf_is_zero_below_support(void **state)
{
	static const char *const texts[] = {
		"uniform(min=1, max=2)", "exponential(mean=1)",
		"normal(mean=1, sd=1)", "lognormal(mu=0, sigma=1)",
		"gamma(shape=2, scale=1)", "weibull(scale=1, shape=2)",
		"pareto(shape=2, scale=1)",
	};

	for (size_t i = 0; i < NELEM(texts); i++) {
		struct dist d = dist_ok(texts[i]);
		assert_true(dist_pdf(&d, -0.5) == 0);
	}
}

/* ---- parsing ---------------------------------------------------------- */

static void parse_good_texts(void **state)
{
	static const struct {
		const char *text;
		enum dist_kind kind;
		double p[DIST_MAX_PARAMS];
	} cases[] = {
		{ "constant(value=2.5)", DIST_CONSTANT, { 2.5 } },
		{ "constant(value=0)", DIST_CONSTANT, { 0 } },
		{ "uniform(min=0, max=1)", DIST_UNIFORM, { 0, 1 } },
		{ "exponential(mean=0.01)", DIST_EXPONENTIAL, { 0.01 } },
		{ "normal(mean=-0.5, sd=1)", DIST_NORMAL, { -0.5, 1 } },
		{ " normal ( mean = 1 , sd = 2 ) ", DIST_NORMAL, { 1, 2 } },
		{ "\tnormal(\n mean=+1,sd=0x1p-1\r)", DIST_NORMAL, { 1, 0.5 } },
		{ "lognormal(mu=-1, sigma=0.3)", DIST_LOGNORMAL, { -1, 0.3 } },
		{ "lognormal(sigma=0.3, mu=-1)", DIST_LOGNORMAL, { -1, 0.3 } },
		{ "gamma(shape=2,scale=.5)", DIST_GAMMA, { 2, 0.5 } },
		{ "weibull(scale=1e-3, shape=1.5)", DIST_WEIBULL, { 1e-3, 1.5 } },
		{ "pareto(shape=3, scale=1)", DIST_PARETO, { 3, 1 } },
		{ "pareto(shape=3E2, scale=1e+2)", DIST_PARETO, { 300, 100 } },
		{ "constant(value=4.9406564584124654e-324)", DIST_CONSTANT,
		  { 4.9406564584124654e-324 } },
		{ "constant(value=1e288)", DIST_CONSTANT, { 1e288 } },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct dist d = dist_ok(cases[i].text);
		assert_int_equal(d.kind, cases[i].kind);
		for (int k = 0; k < DIST_MAX_PARAMS; k++)
			if (d.p[k] != cases[i].p[k])
				fail_msg("'%s': p[%d] = %.17g, want %.17g",
					 cases[i].text, k, d.p[k],
					 cases[i].p[k]);
	}
}

/* Each text stands at s.yaml line 3, column 10: an error at offset k of the
 * text is reported at column 10 + k. */
static void parse_bad_texts(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "", "s.yaml:3:10: empty distribution" },
		{ "   ", "s.yaml:3:13: empty distribution" },
		{ "expo(mean=1)", "s.yaml:3:10: unknown distribution 'expo', "
				  "did you mean 'exponential'?" },
		{ "normla(mean=1, sd=1)", "s.yaml:3:10: unknown distribution "
					  "'normla', did you mean 'normal'?" },
		{ "  Gamma(shape=1, scale=1)", "s.yaml:3:12: unknown "
		  "distribution 'Gamma', did you mean 'gamma'?" },
		{ "foo(x=1)", "s.yaml:3:10: unknown distribution 'foo' "
			      "(expected constant, uniform, exponential, "
			      "normal, lognormal, gamma, weibull, pareto, "
			      "halfnormal, trace, mixture)" },
		{ "(mu=1)", "s.yaml:3:10: expected a distribution name, "
			    "got '('" },
		{ "2.5", "s.yaml:3:10: expected a distribution name, "
			 "got '2.5'" },
		{ "lognormal", "s.yaml:3:19: expected '(' after 'lognormal'" },
		{ "lognormal mu=1", "s.yaml:3:20: expected '(' after "
				    "'lognormal'" },
		{ "lognormal(mu=1", "s.yaml:3:19: unclosed parenthesis in "
				    "'lognormal(mu=1'" },
		{ " lognormal (mu=1, sigma ", "s.yaml:3:21: unclosed "
		  "parenthesis in 'lognormal (mu=1, sigma'" },
		{ "lognormal(sd=1, sigma=1)", "s.yaml:3:20: unknown parameter "
		  "'sd' for 'lognormal' (expected mu, sigma)" },
		{ "lognormal(mu=1)", "s.yaml:3:24: missing parameter 'sigma' "
				     "for 'lognormal'" },
		{ "lognormal( )", "s.yaml:3:21: missing parameter 'mu' for "
				  "'lognormal'" },
		{ "lognormal(mu=1, mu=2)", "s.yaml:3:26: parameter 'mu' given "
					   "twice" },
		{ "lognormal(mu=1, sigma=-0.3)", "s.yaml:3:32: sigma must be "
						 "> 0, got -0.3" },
		{ "lognormal(mu=1e999, sigma=1)", "s.yaml:3:23: number out of "
		  "range: '1e999'" },
		{ "lognormal(mu=-1e999, sigma=1)", "s.yaml:3:23: number out of "
		  "range: '-1e999'" },
		{ "exponential(mean=1e-999)", "s.yaml:3:27: number out of "
					      "range: '1e-999'" },
		{ "lognormal(mu=abc, sigma=1)", "s.yaml:3:23: expected a "
		  "number for 'mu', got 'abc'" },
		{ "lognormal(mu=1abc, sigma=1)", "s.yaml:3:23: expected a "
		  "number for 'mu', got '1abc'" },
		{ "lognormal(mu=, sigma=1)", "s.yaml:3:23: expected a number "
		  "for 'mu', got ','" },
		{ "lognormal(mu=inf, sigma=1)", "s.yaml:3:23: expected a "
		  "number for 'mu', got 'inf'" },
		{ "lognormal(mu=-Infinity, sigma=1)", "s.yaml:3:23: expected "
		  "a number for 'mu', got '-Infinity'" },
		{ "lognormal(mu=nan, sigma=1)", "s.yaml:3:23: expected a "
		  "number for 'mu', got 'nan'" },
		{ "lognormal(mu=1, sigma=NAN(0))", "s.yaml:3:32: expected a "
		  "number for 'sigma', got 'NAN'" },
		{ "lognormal(mu=1, sigma=1) x", "s.yaml:3:35: unexpected text "
		  "after distribution: 'x'" },
		{ "lognormal(mu=1, sigma=1)) ", "s.yaml:3:34: unexpected text "
		  "after distribution: ')'" },
		{ "lognormal(mu 1, sigma=1)", "s.yaml:3:23: expected '=' "
					      "after 'mu'" },
		{ "lognormal(mu=1 sigma=1)", "s.yaml:3:25: expected ',' or "
					     "')', got 'sigma'" },
		{ "lognormal(mu=1,, sigma=1)", "s.yaml:3:25: expected a "
		  "parameter name, got ','" },
		{ "lognormal(mu=1, sigma=1,)", "s.yaml:3:34: expected a "
		  "parameter name, got ')'" },
		{ "constant(value=-1)", "s.yaml:3:25: value must be >= 0, "
					"got -1" },
		{ "uniform(min=-1, max=1)", "s.yaml:3:22: min must be >= 0, "
					    "got -1" },
		{ "uniform(min=2, max=1)", "s.yaml:3:29: max must be > min "
					   "(2), got 1" },
		{ "uniform(min=1, max=1)", "s.yaml:3:29: max must be > min "
					   "(1), got 1" },
		{ "exponential(mean=0)", "s.yaml:3:27: mean must be > 0, "
					 "got 0" },
		{ "normal(mean=1, sd=0)", "s.yaml:3:28: sd must be > 0, "
					  "got 0" },
		{ "gamma(shape=0, scale=1)", "s.yaml:3:22: shape must be > 0, "
					     "got 0" },
		{ "gamma(shape=1, scale=-1)", "s.yaml:3:31: scale must be > "
					      "0, got -1" },
		{ "weibull(scale=1, shape=-2)", "s.yaml:3:33: shape must be > "
						"0, got -2" },
		{ "pareto(shape=3, scale=0)", "s.yaml:3:32: scale must be > "
					      "0, got 0" },
	};
	const struct dist_origin where = { "s.yaml", 3, 10 };

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct dist d;
		struct diag diag;
		diag_init(&diag);
		asg_status s = dist_parse(cases[i].text, &where, &d, &diag);
		if (s != ASG_EINPUT || strcmp(diag.text, cases[i].message))
			fail_msg("'%s': status %d, message\n  '%s'\nwant\n  '%s'",
				 cases[i].text, s, diag.text,
				 cases[i].message);
		assert_int_equal(diag.status, ASG_EINPUT);
	}
}

static void parse_without_origin_is_unlocated(void **state)
{
	struct dist d;
	struct diag diag;

	diag_init(&diag);
	assert_int_equal(dist_parse("expo(mean=1)", NULL, &d, &diag),
			 ASG_EINPUT);
	assert_string_equal(diag.text, "unknown distribution 'expo', did "
				       "you mean 'exponential'?");
}

/* A distribution that can draw a duration beyond 1e288 s is refused, at
 * its first character: found by tests/fuzz/fuzz_dist, which saw
 * lognormal(mu=-1, sigma=913) draw infinity.  Those just inside pass. */
static void parse_refuses_unbounded_reach(void **state)
{
	static const char *const refused[] = {
		"lognormal(mu=-1, sigma=913)", "lognormal(mu=0, sigma=76)",
		"exponential(mean=1e287)", "weibull(scale=1, shape=1e-3)",
		"pareto(shape=0.1, scale=1e200)", "constant(value=1e289)",
		"gamma(shape=1e300, scale=10)", "normal(mean=1, sd=1e288)",
	};
	static const char *const accepted[] = {
		"lognormal(mu=0, sigma=75)", "exponential(mean=1e286)",
		"pareto(shape=0.1, scale=1)", "constant(value=1e288)",
	};
	const struct dist_origin where = { "s.yaml", 3, 10 };
	struct dist d;
	struct diag diag;

	for (size_t i = 0; i < NELEM(refused); i++) {
		diag_init(&diag);
		assert_int_equal(dist_parse(refused[i], &where, &d, &diag), ASG_EINPUT);
		if (!strstr(diag.text, "s.yaml:3:10: the distribution can draw"
			    " durations too large to simulate"))
			fail_msg("'%s': %s", refused[i], diag.text);
	}
	for (size_t i = 0; i < NELEM(accepted); i++)
		dist_ok(accepted[i]);
}

static void parse_error_leaves_output_unchanged(void **state)
{
	const struct dist_origin where = { "s.yaml", 1, 1 };
	struct dist d, before;
	struct diag diag;

	memset(&d, 0x5a, sizeof d);
	before = d;
	diag_init(&diag);
	assert_int_equal(dist_parse("lognormal(mu=1, sigma=0)", &where, &d,
				    &diag),
			 ASG_EINPUT);
	assert_memory_equal(&d, &before, sizeof d);
}

static void parse_success_leaves_diag_empty(void **state)
{
	struct dist d;
	struct diag diag;

	diag_init(&diag);
	assert_int_equal(dist_parse("gamma(shape=1, scale=2)", NULL, &d,
				    &diag),
			 ASG_OK);
	assert_false(diag_failed(&diag));
	assert_string_equal(diag.text, "");
}

static void names_parse_back(void **state)
{
	static const char *const names[] = {
		"constant", "uniform", "exponential", "normal",
		"lognormal", "gamma", "weibull", "pareto",
	};

	for (int k = DIST_CONSTANT; k <= DIST_PARETO; k++)
		assert_string_equal(dist_name((enum dist_kind)k), names[k]);
}

/* ---- formatting ------------------------------------------------------- */

static void format_is_canonical(void **state)
{
	static const struct {
		struct dist dist;
		const char *text;
	} cases[] = {
		{ { .kind = DIST_LOGNORMAL, .p = { -1, 0.3 } },
		  "lognormal(mu=-1, sigma=0.3)" },
		{ { .kind = DIST_CONSTANT, .p = { 0.1 } }, "constant(value=0.1)" },
		{ { .kind = DIST_UNIFORM, .p = { 0, 1 } }, "uniform(min=0, max=1)" },
		{ { .kind = DIST_EXPONENTIAL, .p = { 1e-3 } }, "exponential(mean=0.001)" },
		{ { .kind = DIST_NORMAL, .p = { 1.0 / 3, 2 } },
		  "normal(mean=0.3333333333333333, sd=2)" },
		{ { .kind = DIST_GAMMA, .p = { 2, 1e20 } }, "gamma(shape=2, scale=1e+20)" },
		{ { .kind = DIST_WEIBULL, .p = { 1.5, 0.5 } },
		  "weibull(scale=1.5, shape=0.5)" },
		{ { .kind = DIST_PARETO, .p = { 3, 1 } }, "pareto(shape=3, scale=1)" },
	};
	char buf[128];

	for (size_t i = 0; i < NELEM(cases); i++) {
		int n = dist_format(&cases[i].dist, buf, sizeof buf);
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
	}
}

static void format_truncates_like_snprintf(void **state)
{
	const struct dist d = { .kind = DIST_PARETO, .p = { 3, 1 } };
	char buf[8];

	assert_int_equal(dist_format(&d, buf, sizeof buf),
			 strlen("pareto(shape=3, scale=1)"));
	assert_string_equal(buf, "pareto(");
}

/* Every bit of every parameter survives format then parse. */
static void format_round_trips(void **state)
{
	static const struct dist cases[] = {
		{ .kind = DIST_CONSTANT, .p = { 4.9406564584124654e-324 } },
		{ .kind = DIST_CONSTANT, .p = { 1e288 } },
		{ .kind = DIST_UNIFORM, .p = { 0.1, 0.30000000000000004 } },
		{ .kind = DIST_EXPONENTIAL, .p = { 2.0 / 3 } },
		{ .kind = DIST_NORMAL, .p = { -0.0, 1e-300 } },
		{ .kind = DIST_NORMAL, .p = { -1e300, 2.2250738585072014e-308 } },
		{ .kind = DIST_LOGNORMAL, .p = { -1, 0.3 } },
		{ .kind = DIST_GAMMA, .p = { 3.141592653589793, 2.718281828459045 } },
		{ .kind = DIST_WEIBULL, .p = { 1.0000000000000002, 0.99999999999999989 } },
		{ .kind = DIST_PARETO, .p = { 123456789.123456789, 1e-5 } },
	};
	char buf[128];

	for (size_t i = 0; i < NELEM(cases); i++) {
		assert_true(dist_format(&cases[i], buf, sizeof buf) <
			    (int)sizeof buf);
		struct dist d = dist_ok(buf);
		assert_int_equal(d.kind, cases[i].kind);
		if (memcmp(d.p, cases[i].p, sizeof d.p))
			fail_msg("'%s' parsed back differently", buf);
	}
}

/* ---- suggestions ------------------------------------------------------ */

static void suggest_closest_table(void **state)
{
	static const char *const dists[] = {
		"constant", "uniform", "exponential", "normal",
		"lognormal", "gamma", "weibull", "pareto",
	};
	static const char *const keys[] = {
		"name", "seed", "replications", "stop", "updates", "update_rule",
	};
	static const char *const lognormal[] = { "mu", "sigma" };
	static const struct {
		const char *word;
		const char *const *cands;
		size_t n;
		const char *want; /* NULL: no suggestion */
	} cases[] = {
		{ "normla", dists, NELEM(dists), "normal" },
		{ "nromal", dists, NELEM(dists), "normal" },
		{ "gama", dists, NELEM(dists), "gamma" },
		{ "Gamma", dists, NELEM(dists), "gamma" },
		{ "lognormal", dists, NELEM(dists), "lognormal" },
		{ "weibul", dists, NELEM(dists), "weibull" },
		{ "expo", dists, NELEM(dists), "exponential" },
		{ "unif", dists, NELEM(dists), "uniform" },
		{ "xyz", dists, NELEM(dists), NULL },
		{ "", dists, NELEM(dists), NULL },
		{ "replication", keys, NELEM(keys), "replications" },
		{ "seeds", keys, NELEM(keys), "seed" },
		{ "upd", keys, NELEM(keys), NULL }, /* two keys begin so */
		{ "sd", lognormal, NELEM(lognormal), NULL },
		{ "anything", keys, 0, NULL },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *got = suggest_closest(cases[i].word, cases[i].cands,
						  cases[i].n);
		if (cases[i].want == NULL ? got != NULL :
		    got == NULL || strcmp(got, cases[i].want))
			fail_msg("'%s': got %s, want %s", cases[i].word,
				 got ? got : "NULL",
				 cases[i].want ? cases[i].want : "NULL");
	}
}

static void suggest_distance_table(void **state)
{
	static const struct {
		const char *a, *b;
		size_t d;
	} cases[] = {
		{ "", "", 0 },          { "abc", "", 3 },
		{ "", "abc", 3 },       { "normal", "normal", 0 },
		{ "normla", "normal", 1 }, /* one swap */
		{ "kitten", "sitting", 3 }, { "expo", "exponential", 7 },
		{ "ca", "abc", 3 },     /* OSA, not Damerau: 3 */
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		assert_int_equal(suggest_distance(cases[i].a, cases[i].b),
				 cases[i].d);
	char longword[SUGGEST_MAX_LEN + 2];
	memset(longword, 'a', sizeof longword - 1);
	longword[sizeof longword - 1] = '\0';
	assert_int_equal(suggest_distance(longword, "a"), SIZE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sample_mean_matches_dist_mean),
		cmocka_unit_test(histogram_matches_pdf),
		cmocka_unit_test(draws_are_nonnegative),
		cmocka_unit_test(constant_is_constant),
		cmocka_unit_test(truncated_normal_mean_in_deep_tail),
		cmocka_unit_test(truncated_normal_beyond_underflow),
		cmocka_unit_test(truncated_normal_far_from_zero_is_normal),
		cmocka_unit_test(means_in_closed_form),
		cmocka_unit_test(pdf_matches_header_formula),
		cmocka_unit_test(pdf_is_zero_below_support),
		cmocka_unit_test(parse_good_texts),
		cmocka_unit_test(parse_bad_texts),
		cmocka_unit_test(parse_without_origin_is_unlocated),
		cmocka_unit_test(parse_refuses_unbounded_reach),
		cmocka_unit_test(parse_error_leaves_output_unchanged),
		cmocka_unit_test(parse_success_leaves_diag_empty),
		cmocka_unit_test(names_parse_back),
		cmocka_unit_test(format_is_canonical),
		cmocka_unit_test(format_truncates_like_snprintf),
		cmocka_unit_test(format_round_trips),
		cmocka_unit_test(suggest_closest_table),
		cmocka_unit_test(suggest_distance_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
