/*
 * test_data.c — the synthetic generator, the CSV reader and the partition.
 *
 * The generator is checked for determinism, for the exact condition number
 * of its least-squares Hessian (eigenvalues by gsl_eigen_symm, within 1e-6
 * relative) and for its held-out split; the CSV reader on files this test
 * writes into a fresh temporary directory, errors compared as exact
 * located messages; the partition for being a permutation cut into shards
 * whose sizes differ by at most one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_vector.h>

#include "src/data/dataset.h"
#include "path_room.h"

/* The temporary directory of the CSV files (made by the group setup). */
static char tmpdir[] = "/tmp/asg_test_data_XXXXXX";

static struct data_config synth(long samples, long features, double condition,
				double noise, double test)
{
	struct data_config c = {
		.kind = DATA_SYNTHETIC,
		.samples = samples,
		.features = features,
		.condition = condition,
		.noise = noise,
		.test = test,
		.partition = PARTITION_IID,
	};
	return c;
}

static void load_ok(const struct data_config *c, enum data_task task,
		    uint64_t seed, struct dataset *ds)
{
	struct diag d;
	diag_init(&d);
	if (dataset_load(c, task, seed, ds, &d) != ASG_OK)
		fail_msg("dataset_load failed: %s", d.text);
}

/* ---- synthetic ---- */

static void test_synthetic_same_seed_same_bytes(void **state)
{
	(void)state;
	struct data_config c = synth(300, 8, 50, 0.5, 0.2);
	struct dataset a, b;
	load_ok(&c, TASK_REGRESSION, 7, &a);
	load_ok(&c, TASK_REGRESSION, 7, &b);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.n_test, b.n_test);
	assert_memory_equal(a.x, b.x, a.n * a.d * sizeof *a.x);
	assert_memory_equal(a.y, b.y, a.n * sizeof *a.y);
	assert_memory_equal(a.x_test, b.x_test, a.n_test * a.d * sizeof *a.x);
	assert_memory_equal(a.y_test, b.y_test, a.n_test * sizeof *a.y);
	assert_memory_equal(a.truth, b.truth, a.d * sizeof *a.truth);
	dataset_release(&a);
	dataset_release(&b);
}

static void test_synthetic_other_seed_differs(void **state)
{
	(void)state;
	struct data_config c = synth(300, 8, 50, 0.5, 0.2);
	struct dataset a, b;
	load_ok(&c, TASK_REGRESSION, 7, &a);
	load_ok(&c, TASK_REGRESSION, 8, &b);
	assert_memory_not_equal(a.x, b.x, a.n * a.d * sizeof *a.x);
	assert_memory_not_equal(a.y, b.y, a.n * sizeof *a.y);
	assert_memory_not_equal(a.truth, b.truth, a.d * sizeof *a.truth);
	dataset_release(&a);
	dataset_release(&b);
}

/* Eigenvalues of X^T X / n, ascending, into eval (d). */
static void hessian_eigenvalues(const struct dataset *ds, gsl_vector *eval)
{
	gsl_matrix_const_view X = gsl_matrix_const_view_array(ds->x, ds->n, ds->d);
	gsl_matrix *H = gsl_matrix_alloc(ds->d, ds->d);
	gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(ds->d);
	assert_non_null(H);
	assert_non_null(w);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0 / (double)ds->n, &X.matrix,
		       &X.matrix, 0.0, H);
	assert_int_equal(gsl_eigen_symm(H, eval, w), 0);
	gsl_sort_vector(eval);
	gsl_eigen_symm_free(w);
	gsl_matrix_free(H);
}

struct condition_case {
	long samples, features;
	double condition;
};

static const struct condition_case condition_cases[] = {
	{ 200, 10, 1 },
	{ 200, 10, 10 },
	{ 500, 20, 1e3 },
	{ 60, 60, 1e4 },      /* square: N = d */
	{ 1000, 5, 1e6 },
	{ 300, 2, 3 },
};

/* The Hessian's eigenvalues span exactly [1, condition]: relative error
 * below 1e-6 on the smallest (1) and on the ratio. */
static void test_synthetic_condition_number(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof condition_cases / sizeof condition_cases[0]; k++) {
		const struct condition_case *cc = &condition_cases[k];
		struct data_config c = synth(cc->samples, cc->features,
					     cc->condition, 0.1, 0);
		struct dataset ds;
		load_ok(&c, TASK_REGRESSION, 11 + k, &ds);
		gsl_vector *eval = gsl_vector_alloc(ds.d);
		hessian_eigenvalues(&ds, eval);
		double lo = gsl_vector_get(eval, 0);
		double hi = gsl_vector_get(eval, ds.d - 1);
		if (fabs(lo - 1.0) > 1e-6 ||
		    fabs(hi / lo - cc->condition) > 1e-6 * cc->condition)
			fail_msg("case %zu (%ld x %ld, condition %g): eigenvalues %.12g .. %.12g",
				 k, cc->samples, cc->features, cc->condition, lo, hi);
		gsl_vector_free(eval);
		dataset_release(&ds);
	}
}

/* With noise 0 the labels are A x* (up to rounding). */
static void test_synthetic_noiseless_labels(void **state)
{
	(void)state;
	struct data_config c = synth(100, 6, 20, 0, 0);
	struct dataset ds;
	load_ok(&c, TASK_REGRESSION, 3, &ds);
	for (size_t i = 0; i < ds.n; i++) {
		double z = 0;
		for (size_t j = 0; j < ds.d; j++)
			z += ds.x[i * ds.d + j] * ds.truth[j];
		assert_float_equal(ds.y[i], z, 1e-12);
	}
	dataset_release(&ds);
}

/* Binary labels are 0/1, both classes well represented; truth has norm 3. */
static void test_synthetic_binary_labels(void **state)
{
	(void)state;
	struct data_config c = synth(2000, 10, 4, 0, 0);
	struct dataset ds;
	load_ok(&c, TASK_BINARY, 5, &ds);
	size_t ones = 0;
	for (size_t i = 0; i < ds.n; i++) {
		assert_true(ds.y[i] == 0.0 || ds.y[i] == 1.0);
		ones += ds.y[i] == 1.0;
	}
	assert_in_range(ones, 600, 1400);
	double norm2 = 0;
	for (size_t j = 0; j < ds.d; j++)
		norm2 += ds.truth[j] * ds.truth[j];
	assert_float_equal(sqrt(norm2), 3.0, 1e-12);
	dataset_release(&ds);
}

struct split_case {
	long samples;
	double test;
	size_t n, n_test;
};

static const struct split_case split_cases[] = {
	{ 100, 0.0, 100, 0 },
	{ 100, 0.2, 80, 20 },
	{ 10, 0.25, 8, 2 },     /* floor(2.5) */
	{ 100, 0.29, 71, 29 },  /* 0.29 * 100 is 28.999999999999996 */
	{ 7, 0.1, 7, 0 },       /* floor(0.7) */
	{ 3, 0.5, 2, 1 },
};

static void test_synthetic_split_sizes(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof split_cases / sizeof split_cases[0]; k++) {
		const struct split_case *sc = &split_cases[k];
		struct data_config c = synth(sc->samples, 2, 1, 0, sc->test);
		struct dataset ds;
		load_ok(&c, TASK_REGRESSION, 1, &ds);
		if (ds.n != sc->n || ds.n_test != sc->n_test)
			fail_msg("case %zu: %ld samples, test %g: %zu + %zu, expected %zu + %zu",
				 k, sc->samples, sc->test, ds.n, ds.n_test, sc->n,
				 sc->n_test);
		assert_true(sc->n_test ? ds.x_test != NULL : ds.x_test == NULL);
		dataset_release(&ds);
	}
}

static size_t row_width;  /* doubles of a row for cmp_row */

static int cmp_row(const void *a, const void *b)
{
	return memcmp(a, b, row_width * sizeof(double));
}

/* Rows of (x | y) of [from, from + n) into out, n x (d + 1). */
static void rows_with_labels(const double *x, const double *y, size_t n,
			     size_t d, double *out)
{
	for (size_t i = 0; i < n; i++) {
		memcpy(out + i * (d + 1), x + i * d, d * sizeof *x);
		out[i * (d + 1) + d] = y[i];
	}
}

/* The split only deals out the generated rows: training + held-out rows
 * are the rows generated without a split, as a multiset. */
static void test_synthetic_split_is_a_permutation(void **state)
{
	(void)state;
	struct data_config whole = synth(50, 3, 5, 0.1, 0);
	struct data_config split = synth(50, 3, 5, 0.1, 0.3);
	struct dataset a, b;
	load_ok(&whole, TASK_REGRESSION, 9, &a);
	load_ok(&split, TASK_REGRESSION, 9, &b);
	assert_int_equal(b.n + b.n_test, a.n);
	size_t w = a.d + 1;
	double *ra = malloc(a.n * w * sizeof *ra), *rb = malloc(a.n * w * sizeof *rb);
	assert_non_null(ra);
	assert_non_null(rb);
	rows_with_labels(a.x, a.y, a.n, a.d, ra);
	rows_with_labels(b.x, b.y, b.n, b.d, rb);
	rows_with_labels(b.x_test, b.y_test, b.n_test, b.d, rb + b.n * w);
	assert_memory_not_equal(ra, rb, a.n * w * sizeof *ra);  /* shuffled */
	row_width = w;
	qsort(ra, a.n, w * sizeof *ra, cmp_row);
	qsort(rb, a.n, w * sizeof *rb, cmp_row);
	assert_memory_equal(ra, rb, a.n * w * sizeof *ra);
	free(ra);
	free(rb);
	dataset_release(&a);
	dataset_release(&b);
}

struct bad_synth_case {
	struct data_config cfg;
	const char *message;
};

static void test_synthetic_bad_config(void **state)
{
	(void)state;
	const struct bad_synth_case cases[] = {
		{ synth(5, 10, 1, 0, 0),
		  "data.samples (5) must be at least data.features (10) for synthetic data" },
		{ synth(10, 2, 0.5, 0, 0),
		  "data.condition must be a finite number >= 1, not 0.5" },
		{ synth(10, 1, 2, 0, 0), "data.condition 2 needs at least 2 features" },
		{ synth(10, 2, 1, -1, 0), "data.noise must be a finite number >= 0, not -1" },
		{ synth(10, 2, 1, 0, 1), "data.test must be in [0, 1), not 1" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct dataset ds;
		struct diag d;
		diag_init(&d);
		assert_int_equal(dataset_load(&cases[k].cfg, TASK_REGRESSION, 1, &ds, &d),
				 ASG_EINPUT);
		assert_string_equal(d.text, cases[k].message);
		assert_null(ds.x);
		dataset_release(&ds);
	}
}

/* ---- csv ---- */

static void csv_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static struct data_config csv_config(const char *name, const char *content,
				     long label, int header)
{
	struct data_config c = { .kind = DATA_CSV, .label_column = label,
				 .header = header };
	csv_path(path_room(&c.path), SCENARIO_PATH_MAX, name);
	FILE *f = fopen(c.path, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	return c;
}

struct csv_good_case {
	const char *name;
	const char *content;
	long label;
	int header;
	enum data_task task;
	size_t n, d;
	double x[6];
	double y[3];
};

static const struct csv_good_case csv_good_cases[] = {
	{ "plain", "1,2,3\n4,5,6\n", 0, 0, TASK_REGRESSION, 2, 2,
	  { 2, 3, 5, 6 }, { 1, 4 } },
	{ "header", "y,a,b\n1,2,3\n4,5,6\n", 0, 1, TASK_REGRESSION, 2, 2,
	  { 2, 3, 5, 6 }, { 1, 4 } },
	{ "label last", "2,3,1\n5,6,4\n", 2, 0, TASK_REGRESSION, 2, 2,
	  { 2, 3, 5, 6 }, { 1, 4 } },
	{ "label middle", "2,1,3\n5,4,6\n", 1, 0, TASK_REGRESSION, 2, 2,
	  { 2, 3, 5, 6 }, { 1, 4 } },
	{ "crlf blanks spaces", "1, 2 ,3\r\n\r\n  \n4,\t5,6e0", 0, 0,
	  TASK_REGRESSION, 2, 2, { 2, 3, 5, 6 }, { 1, 4 } },
	{ "binary -1/+1", "-1,2.5\n+1,-0.5\n1,1e-3\n", 0, 0, TASK_BINARY, 3, 1,
	  { 2.5, -0.5, 1e-3 }, { 0, 1, 1 } },
	{ "binary 0/1", "0,2\n1,5\n", 0, 0, TASK_BINARY, 2, 1, { 2, 5 }, { 0, 1 } },
};

static void test_csv_reads_good_files(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof csv_good_cases / sizeof csv_good_cases[0]; k++) {
		const struct csv_good_case *gc = &csv_good_cases[k];
		struct data_config c = csv_config("good.csv", gc->content, gc->label,
						  gc->header);
		struct dataset ds;
		struct diag d;
		diag_init(&d);
		if (dataset_load(&c, gc->task, 1, &ds, &d) != ASG_OK)
			fail_msg("%s: %s", gc->name, d.text);
		if (ds.n != gc->n || ds.d != gc->d)
			fail_msg("%s: %zu x %zu, expected %zu x %zu", gc->name, ds.n,
				 ds.d, gc->n, gc->d);
		assert_memory_equal(ds.x, gc->x, gc->n * gc->d * sizeof *ds.x);
		assert_memory_equal(ds.y, gc->y, gc->n * sizeof *ds.y);
		assert_null(ds.truth);
		assert_int_equal(ds.n_test, 0);
		dataset_release(&ds);
		remove(c.path);
	}
}

struct csv_bad_case {
	const char *content;
	long label;
	int header;
	enum data_task task;
	const char *message;   /* after "PATH:" */
};

static const struct csv_bad_case csv_bad_cases[] = {
	{ "1,2,3\n4,x5,6\n", 0, 0, TASK_REGRESSION, "2:3: bad number 'x5'" },
	{ "1,2,3\n4,5,6 7\n", 0, 0, TASK_REGRESSION, "2:5: bad number '6 7'" },
	{ "1,,3\n", 0, 0, TASK_REGRESSION, "1:3: bad number ''" },
	{ "1,inf\n", 0, 0, TASK_REGRESSION, "1:3: bad number 'inf'" },
	{ "\"1\",2\n", 0, 0, TASK_REGRESSION, "1:1: bad number '\"1\"'" },
	{ "h\n\n1,2\n x,3\n", 0, 1, TASK_REGRESSION, "4:2: bad number 'x'" },
	{ "1,2,3\n4,5\n", 0, 0, TASK_REGRESSION, "2:4: row has 2 fields, expected 3" },
	{ "1,2\n3,4,5\n", 0, 0, TASK_REGRESSION, "2:5: row has 3 fields, expected 2" },
	{ "", 0, 0, TASK_REGRESSION, "1:1: empty data file" },
	{ "\n\n", 0, 0, TASK_REGRESSION, "1:1: empty data file" },
	{ "a,b\n", 0, 1, TASK_REGRESSION, "2:1: no samples after the header" },
	{ "1\n2\n", 0, 0, TASK_REGRESSION,
	  "1:1: a row needs a label and at least one feature, this one has 1 field" },
	{ "1,2\n", 2, 0, TASK_REGRESSION,
	  "1:1: label column 2 out of range: the row has 2 fields" },
	{ "1,2\n2,1\n", 0, 0, TASK_BINARY,
	  "2:1: label '2' is not 0 or 1 (nor -1 or +1)" },
	{ "3,0.5\n", 1, 0, TASK_BINARY,
	  "1:3: label '0.5' is not 0 or 1 (nor -1 or +1)" },
};

static void test_csv_errors_are_located(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof csv_bad_cases / sizeof csv_bad_cases[0]; k++) {
		const struct csv_bad_case *bc = &csv_bad_cases[k];
		struct data_config c = csv_config("bad.csv", bc->content, bc->label,
						  bc->header);
		char expected[SCENARIO_PATH_MAX + DIAG_TEXT_MAX];
		snprintf(expected, sizeof expected, "%s:%s", c.path, bc->message);
		struct dataset ds;
		struct diag d;
		diag_init(&d);
		asg_status st = dataset_load(&c, bc->task, 1, &ds, &d);
		if (st != ASG_EINPUT || strcmp(d.text, expected) != 0)
			fail_msg("case %zu: status %d, message\n  '%s'\nexpected\n  '%s'",
				 k, (int)st, d.text, expected);
		assert_null(ds.x);
		assert_null(ds.y);
		remove(c.path);
	}
}

static void test_csv_missing_file(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_CSV };
	csv_path(path_room(&c.path), SCENARIO_PATH_MAX, "missing.csv");
	char expected[SCENARIO_PATH_MAX + DIAG_TEXT_MAX];
	snprintf(expected, sizeof expected, "cannot open data file '%s': %s",
		 c.path, strerror(ENOENT));
	struct dataset ds;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dataset_load(&c, TASK_REGRESSION, 1, &ds, &d), ASG_EINPUT);
	assert_string_equal(d.text, expected);
}

/* A file larger than the reader's first buffer (64 KiB) is read whole. */
static void test_csv_large_file(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_CSV, .label_column = 1 };
	csv_path(path_room(&c.path), SCENARIO_PATH_MAX, "large.csv");
	FILE *f = fopen(c.path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "%d.25,%d,%d.5\n", i, -i, 3 * i);
	fclose(f);
	struct dataset ds;
	load_ok(&c, TASK_REGRESSION, 1, &ds);
	assert_int_equal(ds.n, 20000);
	assert_int_equal(ds.d, 2);
	for (size_t i = 0; i < ds.n; i += 997) {
		assert_float_equal(ds.x[2 * i], (double)i + 0.25, 0);
		assert_float_equal(ds.x[2 * i + 1], 3.0 * (double)i + 0.5, 0);
		assert_float_equal(ds.y[i], -(double)i, 0);
	}
	dataset_release(&ds);
	remove(c.path);
}

/* A path that opens but cannot be read (a directory) is an I/O error. */
static void test_csv_unreadable(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_CSV };
	snprintf(path_room(&c.path), SCENARIO_PATH_MAX, "%s", tmpdir);
	char expected[SCENARIO_PATH_MAX + DIAG_TEXT_MAX];
	snprintf(expected, sizeof expected, "cannot read data file '%s': %s",
		 c.path, strerror(EISDIR));
	struct dataset ds;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dataset_load(&c, TASK_REGRESSION, 1, &ds, &d), ASG_EIO);
	assert_string_equal(d.text, expected);
}

/* A CSV file is split like generated data: 4 rows, test 0.5 -> 2 + 2,
 * together the file's rows. */
static void test_csv_split(void **state)
{
	(void)state;
	struct data_config c = csv_config("split.csv", "1,10\n2,20\n3,30\n4,40\n",
					  0, 0);
	c.test = 0.5;
	struct dataset ds;
	load_ok(&c, TASK_REGRESSION, 4, &ds);
	assert_int_equal(ds.n, 2);
	assert_int_equal(ds.n_test, 2);
	double seen = 0;
	for (size_t i = 0; i < 2; i++) {
		assert_float_equal(ds.x[i], 10 * ds.y[i], 0);
		assert_float_equal(ds.x_test[i], 10 * ds.y_test[i], 0);
		seen += ds.y[i] + ds.y_test[i];
	}
	assert_float_equal(seen, 10, 0);
	dataset_release(&ds);
	remove(c.path);
}

/* ---- partition ---- */

/* partition_build iid of n samples (labels 0) among `shards` workers. */
static asg_status iid_build(size_t n, size_t shards, uint64_t seed,
			    struct partition *p, struct diag *d)
{
	struct data_config c = { .partition = PARTITION_IID };
	struct dataset ds = { .n = n, .y = calloc(n ? n : 1, sizeof(double)) };
	assert_non_null(ds.y);
	asg_status st = partition_build(&c, &ds, shards, seed, p, d);
	free(ds.y);
	return st;
}

struct partition_case {
	size_t n, shards;
};

static const struct partition_case partition_cases[] = {
	{ 10, 3 }, { 9, 3 }, { 1, 1 }, { 100, 7 }, { 5, 5 }, { 1000, 1 },
};

static void test_partition_shards(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof partition_cases / sizeof partition_cases[0]; k++) {
		const struct partition_case *pc = &partition_cases[k];
		struct partition p;
		struct diag d;
		diag_init(&d);
		assert_int_equal(iid_build(pc->n, pc->shards, 3, &p, &d), ASG_OK);
		assert_int_equal(p.nshards, pc->shards);
		assert_int_equal(p.start[0], 0);
		assert_int_equal(p.start[pc->shards], pc->n);
		size_t lo = pc->n / pc->shards;
		for (size_t s = 0; s < pc->shards; s++)
			assert_in_range(p.start[s + 1] - p.start[s], lo, lo + 1);
		char *seen = calloc(pc->n, 1);
		assert_non_null(seen);
		for (size_t i = 0; i < pc->n; i++) {
			assert_true(p.index[i] < pc->n);
			assert_false(seen[p.index[i]]);
			seen[p.index[i]] = 1;
		}
		free(seen);
		partition_release(&p);
	}
}

static void test_partition_seeded(void **state)
{
	(void)state;
	struct partition a, b, c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(iid_build(100, 4, 5, &a, &d), ASG_OK);
	assert_int_equal(iid_build(100, 4, 5, &b, &d), ASG_OK);
	assert_int_equal(iid_build(100, 4, 6, &c, &d), ASG_OK);
	assert_memory_equal(a.index, b.index, 100 * sizeof *a.index);
	assert_memory_not_equal(a.index, c.index, 100 * sizeof *a.index);
	partition_release(&a);
	partition_release(&b);
	partition_release(&c);
}

static void test_partition_too_few_samples(void **state)
{
	(void)state;
	const struct partition_case cases[] = { { 2, 3 }, { 5, 0 } };
	const char *messages[] = {
		"cannot split 2 training samples among 3 workers",
		"cannot split 5 training samples among 0 workers",
	};
	for (size_t k = 0; k < 2; k++) {
		struct partition p;
		struct diag d;
		diag_init(&d);
		assert_int_equal(iid_build(cases[k].n, cases[k].shards, 1, &p, &d),
				 ASG_EINPUT);
		assert_string_equal(d.text, messages[k]);
		assert_null(p.index);
		partition_release(&p);
	}
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_same_seed_same_bytes),
		cmocka_unit_test(test_synthetic_other_seed_differs),
		cmocka_unit_test(test_synthetic_condition_number),
		cmocka_unit_test(test_synthetic_noiseless_labels),
		cmocka_unit_test(test_synthetic_binary_labels),
		cmocka_unit_test(test_synthetic_split_sizes),
		cmocka_unit_test(test_synthetic_split_is_a_permutation),
		cmocka_unit_test(test_synthetic_bad_config),
		cmocka_unit_test(test_csv_reads_good_files),
		cmocka_unit_test(test_csv_errors_are_located),
		cmocka_unit_test(test_csv_missing_file),
		cmocka_unit_test(test_csv_large_file),
		cmocka_unit_test(test_csv_unreadable),
		cmocka_unit_test(test_csv_split),
		cmocka_unit_test(test_partition_shards),
		cmocka_unit_test(test_partition_seeded),
		cmocka_unit_test(test_partition_too_few_samples),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
