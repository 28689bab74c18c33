/*
 * test_readers.c — the data files (IDX, LIBSVM, multiclass CSV), the
 * normalisations, the label-skewed partitions, and the scenario keys of
 * the data section that go with them.
 *
 * Files are written by the tests into a fresh temporary directory (IDX
 * plain and gzipped); values are compared exactly, errors as whole
 * located messages "PATH:LINE:COL: message" (for IDX, LINE 1 and COL = 1 +
 * the byte offset).  Partitions are checked for being permutations and for
 * their shape: label runs for shards, the spread of sizes for Dirichlet at
 * a huge and a tiny alpha, with fixed seeds and stated tolerances.
 */
/* realpath() is an X/Open function in glibc's headers. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "src/data/dataset.h"
#include "path_room.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The temporary directory of the files (made by the group setup). */
static char tmpdir[] = "/tmp/asg_test_readers_XXXXXX";

static void tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* Write len bytes to tmpdir/name, gzip-compressed with gz; the path into
 * path (SCENARIO_PATH_MAX). */
static void write_file(char *path, const char *name, const void *bytes,
		       size_t len, bool gz)
{
	tmp_path(path, SCENARIO_PATH_MAX, name);
	if (gz) {
		gzFile f = gzopen(path, "wb");
		assert_non_null(f);
		if (len)
			assert_int_equal(gzwrite(f, bytes, (unsigned)len), (int)len);
		assert_int_equal(gzclose(f), Z_OK);
		return;
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

static void write_text(char *path, const char *name, const char *text)
{
	write_file(path, name, text, strlen(text), false);
}

/* The message expected of a file: "PATH:" + rest. */
static void expect_at(char *buf, size_t size, const char *path,
		      const char *rest)
{
	snprintf(buf, size, "%s:%s", path, rest);
}

static void load_ok(const struct data_config *c, enum data_task task,
		    struct dataset *ds)
{
	struct diag d;
	diag_init(&d);
	if (dataset_load(c, task, 1, ds, &d) != ASG_OK)
		fail_msg("dataset_load failed: %s", d.text);
}

/* dataset_load must fail with ASG_EINPUT and exactly `message`. */
static void load_fails(const struct data_config *c, enum data_task task,
		       const char *message)
{
	struct dataset ds;
	struct diag d;
	diag_init(&d);
	asg_status st = dataset_load(c, task, 1, &ds, &d);
	if (st != ASG_EINPUT || strcmp(d.text, message))
		fail_msg("status %d, message\n  '%s'\nexpected\n  '%s'", (int)st,
			 d.text, message);
	assert_null(ds.x);
	assert_null(ds.y);
	assert_null(ds.x_test);
}

/* ---- IDX ---------------------------------------------------------------- */

/* An IDX file in buf: header with type and dims, then data; its length. */
static size_t idx_make(unsigned char *buf, unsigned type, unsigned ndims,
		       const uint32_t *dims, const unsigned char *data,
		       size_t ndata)
{
	size_t n = 0;
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = (unsigned char)type;
	buf[n++] = (unsigned char)ndims;
	for (unsigned i = 0; i < ndims; i++) {
		buf[n++] = (unsigned char)(dims[i] >> 24);
		buf[n++] = (unsigned char)(dims[i] >> 16);
		buf[n++] = (unsigned char)(dims[i] >> 8);
		buf[n++] = (unsigned char)dims[i];
	}
	memcpy(buf + n, data, ndata);
	return n + ndata;
}

/* 5 images of 2 x 3 pixels, pixel j of image i = 50 i + 7 j + 3 (< 256),
 * and their labels 4, 0, 9, 2, 4. */
#define IMG_N 5
#define IMG_ROWS 2
#define IMG_COLS 3
#define IMG_D (IMG_ROWS * IMG_COLS)
static const double img_labels[IMG_N] = { 4, 0, 9, 2, 4 };

static unsigned char img_pixel(size_t i, size_t j)
{
	return (unsigned char)(50 * i + 7 * j + 3);
}

/* The images file (n images, shape rows x cols) and labels file, with
 * `gz`; their paths into c.  Returns the config. */
static struct data_config idx_files(const char *stem, bool gz)
{
	struct data_config c = { .kind = DATA_IDX, .normalize = NORMALIZE_NONE };
	unsigned char pix[IMG_N * IMG_D], lab[IMG_N], buf[256];
	char name[64];
	for (size_t i = 0; i < IMG_N; i++) {
		for (size_t j = 0; j < IMG_D; j++)
			pix[i * IMG_D + j] = img_pixel(i, j);
		lab[i] = (unsigned char)img_labels[i];
	}
	uint32_t idims[] = { IMG_N, IMG_ROWS, IMG_COLS }, ldims[] = { IMG_N };
	size_t len = idx_make(buf, 0x08, 3, idims, pix, sizeof pix);
	snprintf(name, sizeof name, "%s-images%s", stem, gz ? ".gz" : "");
	write_file(path_room(&c.path), name, buf, len, gz);
	len = idx_make(buf, 0x08, 1, ldims, lab, sizeof lab);
	snprintf(name, sizeof name, "%s-labels%s", stem, gz ? ".gz" : "");
	write_file(path_room(&c.labels), name, buf, len, gz);
	return c;
}

static void check_images(const struct dataset *ds, size_t n)
{
	assert_int_equal(ds->n, n);
	assert_int_equal(ds->d, IMG_D);
	assert_int_equal(ds->channels, 1);
	assert_int_equal(ds->height, IMG_ROWS);
	assert_int_equal(ds->width, IMG_COLS);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < IMG_D; j++)
			assert_true(ds->x[i * IMG_D + j] == img_pixel(i, j));
		assert_true(ds->y[i] == img_labels[i]);
	}
}

/* Plain and gzipped files read the same: values, shape, classes. */
static void test_idx_plain_and_gzip(void **state)
{
	(void)state;
	for (int gz = 0; gz < 2; gz++) {
		struct data_config c = idx_files("pg", gz);
		struct dataset ds;
		load_ok(&c, TASK_MULTICLASS, &ds);
		check_images(&ds, IMG_N);
		assert_int_equal(ds.classes, 10);     /* 1 + the largest label 9 */
		assert_int_equal(ds.n_test, 0);
		dataset_release(&ds);
	}
}

/* scale divides pixels by 255 (exactly); labels stay. */
static void test_idx_scale(void **state)
{
	(void)state;
	struct data_config c = idx_files("sc", true);
	c.normalize = NORMALIZE_SCALE;
	struct dataset ds;
	load_ok(&c, TASK_MULTICLASS, &ds);
	for (size_t i = 0; i < IMG_N; i++) {
		for (size_t j = 0; j < IMG_D; j++)
			assert_true(ds.x[i * IMG_D + j] == img_pixel(i, j) / 255.0);
		assert_true(ds.y[i] == img_labels[i]);
	}
	dataset_release(&ds);
}

/* data.limit reads the first samples only (all of them if it is larger). */
static void test_idx_limit(void **state)
{
	(void)state;
	struct data_config c = idx_files("lim", true);
	struct dataset ds;
	c.limit = 3;
	load_ok(&c, TASK_MULTICLASS, &ds);
	check_images(&ds, 3);
	assert_int_equal(ds.classes, 10);
	dataset_release(&ds);
	c.limit = 100;
	load_ok(&c, TASK_MULTICLASS, &ds);
	check_images(&ds, IMG_N);
	dataset_release(&ds);
}

/* A held-out pair: the training file's 5 images, the held-out file's 2
 * (labels 1, 11: classes counts both parts); data.test with it refused. */
static void test_idx_held_out(void **state)
{
	(void)state;
	struct data_config c = idx_files("ho", false);
	unsigned char buf[64], pix[2 * IMG_D], lab[] = { 1, 11 };
	for (size_t j = 0; j < sizeof pix; j++)
		pix[j] = (unsigned char)(200 + j);
	uint32_t idims[] = { 2, IMG_ROWS, IMG_COLS }, ldims[] = { 2 };
	write_file(path_room(&c.test_path), "ho-test-images", buf,
		   idx_make(buf, 0x08, 3, idims, pix, sizeof pix), false);
	write_file(path_room(&c.test_labels), "ho-test-labels.gz", buf,
		   idx_make(buf, 0x08, 1, ldims, lab, sizeof lab), true);
	c.normalize = NORMALIZE_SCALE;
	struct dataset ds;
	load_ok(&c, TASK_MULTICLASS, &ds);
	assert_int_equal(ds.n, IMG_N);
	assert_int_equal(ds.n_test, 2);
	assert_int_equal(ds.classes, 12);
	for (size_t j = 0; j < sizeof pix; j++)
		assert_true(ds.x_test[j] == (200.0 + (double)j) / 255.0);
	assert_true(ds.y_test[0] == 1 && ds.y_test[1] == 11);
	dataset_release(&ds);
	c.test = 0.5;
	load_fails(&c, TASK_MULTICLASS,
		   "data.test must be 0 with data.test_path, not 0.5");
}

/* 2-D files are vectors without an image shape; 4-D ones have channels. */
static void test_idx_other_dimensions(void **state)
{
	(void)state;
	struct data_config c = idx_files("dims", false);
	unsigned char buf[128], pix[24];
	for (size_t j = 0; j < sizeof pix; j++)
		pix[j] = (unsigned char)j;
	uint32_t two[] = { IMG_N, 4 }, four[] = { IMG_N, 2, 1, 2 };
	struct dataset ds;
	write_file(path_room(&c.path), "dims-2d", buf, idx_make(buf, 0x08, 2, two, pix, 20),
		   false);
	load_ok(&c, TASK_REGRESSION, &ds);
	assert_int_equal(ds.d, 4);
	assert_int_equal(ds.channels + ds.height + ds.width, 0);
	assert_int_equal(ds.classes, 0);
	assert_true(ds.x[19] == 19 && ds.y[2] == 9);
	dataset_release(&ds);
	write_file(path_room(&c.path), "dims-4d", buf, idx_make(buf, 0x08, 4, four, pix, 20),
		   false);
	load_ok(&c, TASK_MULTICLASS, &ds);
	assert_int_equal(ds.d, 4);
	assert_int_equal(ds.channels, 2);
	assert_int_equal(ds.height, 1);
	assert_int_equal(ds.width, 2);
	dataset_release(&ds);
}

/* A binary task takes labels 0 and 1 and nothing else. */
static void test_idx_binary_labels(void **state)
{
	(void)state;
	struct data_config c = idx_files("bin", false);
	unsigned char buf[64], lab[IMG_N] = { 1, 0, 0, 1, 1 };
	uint32_t ldims[] = { IMG_N };
	write_file(path_room(&c.labels), "bin-labels", buf,
		   idx_make(buf, 0x08, 1, ldims, lab, IMG_N), false);
	struct dataset ds;
	load_ok(&c, TASK_BINARY, &ds);
	assert_int_equal(ds.classes, 2);
	assert_true(ds.y[0] == 1 && ds.y[1] == 0);
	dataset_release(&ds);
}

/* A malformed file: which file of the pair is broken, its bytes (header
 * fields as written), and the message after "PATH:". */
struct idx_bad_case {
	const char *name;
	bool labels;          /* the labels file is the broken one */
	bool gz;              /* written gzipped */
	unsigned type, ndims;
	uint32_t dims[4];
	size_t ndata;         /* data bytes written after the header */
	size_t cut;           /* if > 0: keep only the first `cut` bytes */
	const char *message;
};

static const struct idx_bad_case idx_bad_cases[] = {
	{ "magic", false, false, 0x08, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 30, 0,
	  "1:1: bad magic number 0x47494638, expected 0x00000803 for IDX images" },
	{ "labels magic", true, false, 0x08, 1, { IMG_N }, 5, 0,
	  "1:1: bad magic number 0x47494638, expected 0x00000801 for IDX labels" },
	{ "float labels", true, false, 0x0D, 1, { IMG_N }, 20, 0,
	  "1:3: element type 0x0d (float) is not supported: only unsigned bytes (0x08)" },
	{ "int images", false, true, 0x0C, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 120, 0,
	  "1:3: element type 0x0c (int) is not supported: only unsigned bytes (0x08)" },
	{ "3-D labels", true, false, 0x08, 3, { IMG_N, 1, 1 }, 5, 0,
	  "1:4: IDX labels have 1 dimension, this file has 3" },
	{ "1-D images", false, false, 0x08, 1, { IMG_N }, 5, 0,
	  "1:4: IDX images have 2 to 4 dimensions (samples first), this file has 1" },
	{ "short header", false, false, 0x08, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 0, 10,
	  "1:11: truncated: the file ends inside the header" },
	{ "truncated", false, false, 0x08, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 20, 0,
	  "1:37: truncated: the file ends after 3 of 5 samples" },
	{ "truncated gz", false, true, 0x08, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 20, 0,
	  "1:37: truncated: the file ends after 3 of 5 samples" },
	{ "labels truncated", true, true, 0x08, 1, { IMG_N }, 4, 0,
	  "1:13: truncated: the file ends after 4 of 5 samples" },
	{ "trailing data", false, false, 0x08, 3, { IMG_N, IMG_ROWS, IMG_COLS }, 31, 0,
	  "1:47: unexpected data after the last of 5 samples" },
	{ "oversized", false, false, 0x08, 3,
	  { 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu }, 30, 0,
	  "1:5: dimensions 4294967295 x 4294967295 x 4294967295 exceed the limit of 134217728 values" },
	{ "product over the limit", false, false, 0x08, 3, { 32769, 256, 256 }, 30, 0,
	  "1:5: dimensions 32769 x 256 x 256 exceed the limit of 134217728 values" },
	{ "one sample too large", false, false, 0x08, 4,
	  { 1, 65536, 65536, 2 }, 30, 0,
	  "1:5: dimensions 1 x 65536 x 65536 x 2 exceed the limit of 134217728 values" },
	{ "no samples", false, false, 0x08, 3, { 0, IMG_ROWS, IMG_COLS }, 0, 0,
	  "1:5: the file holds no samples (dimension 1 is 0)" },
	{ "zero width", false, false, 0x08, 3, { IMG_N, IMG_ROWS, 0 }, 0, 0,
	  "1:13: dimension 3 is 0" },
	{ "more labels", true, false, 0x08, 1, { IMG_N + 1 }, IMG_N + 1, 0,
	  "1:5: 6 labels for the 5 images of '%s'" },
};

/* Every malformed file gives its located message; the other file of the
 * pair is good. */
static void test_idx_errors(void **state)
{
	(void)state;
	int wrong = 0;
	for (size_t k = 0; k < NELEM(idx_bad_cases); k++) {
		const struct idx_bad_case *bc = &idx_bad_cases[k];
		struct data_config c = idx_files("bad", false);
		unsigned char data[256], buf[512];
		for (size_t j = 0; j < sizeof data; j++)
			data[j] = (unsigned char)(j % 7);
		size_t len = idx_make(buf, bc->type, bc->ndims, bc->dims, data,
				      bc->ndata);
		if (!strcmp(bc->name, "magic") || !strcmp(bc->name, "labels magic"))
			memcpy(buf, "GIF8", 4);
		if (bc->cut)
			len = bc->cut;
		char *path = bc->labels ? c.labels : c.path;
		write_file(path, bc->labels ? "bad-labels-x" : "bad-images-x", buf,
			   len, bc->gz);
		char rest[DIAG_TEXT_MAX], expected[SCENARIO_PATH_MAX + DIAG_TEXT_MAX];
		snprintf(rest, sizeof rest, bc->message, c.path);
		expect_at(expected, sizeof expected, path, rest);
		struct dataset ds;
		struct diag d;
		diag_init(&d);
		asg_status st = dataset_load(&c, TASK_MULTICLASS, 1, &ds, &d);
		if (st != ASG_EINPUT || strcmp(d.text, expected)) {
			printf("case %s: status %d\n got  '%s'\n want '%s'\n", bc->name,
			       (int)st, d.text, expected);
			wrong++;
		}
		assert_null(ds.x);
	}
	assert_int_equal(wrong, 0);
}

/* A label other than 0/1 for a binary task, located at its byte (header 8
 * + index 2); held-out images of another shape; a cut gzip stream. */
static void test_idx_more_errors(void **state)
{
	(void)state;
	struct data_config c = idx_files("more", false);
	unsigned char buf[128], lab[IMG_N] = { 1, 0, 2, 1, 1 }, pix[IMG_N * IMG_D] = { 0 };
	uint32_t ldims[] = { IMG_N }, tdims[] = { 1, IMG_COLS, IMG_ROWS },
		 tldims[] = { 1 };
	char expected[2 * SCENARIO_PATH_MAX];
	write_file(path_room(&c.labels), "more-labels", buf,
		   idx_make(buf, 0x08, 1, ldims, lab, IMG_N), false);
	expect_at(expected, sizeof expected, c.labels,
		  "1:11: label 2 is not 0 or 1 (binary model)");
	load_fails(&c, TASK_BINARY, expected);

	c = idx_files("more", false);
	write_file(path_room(&c.test_path), "more-test-images", buf,
		   idx_make(buf, 0x08, 3, tdims, pix, IMG_D), false);
	write_file(path_room(&c.test_labels), "more-test-labels", buf,
		   idx_make(buf, 0x08, 1, tldims, lab, 1), false);
	expect_at(expected, sizeof expected, c.test_path,
		  "1:9: held-out images are 3 x 2, training images 2 x 3");
	load_fails(&c, TASK_MULTICLASS, expected);

	/* A gzip stream cut before its end: the data ends early. */
	c = idx_files("more", true);
	FILE *f = fopen(c.path, "rb");
	assert_non_null(f);
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	write_file(path_room(&c.path), "more-cut.gz", buf, len - 4, false);
	expect_at(expected, sizeof expected, c.path,
		  "1:47: truncated gzip stream: unexpected end of file");
	load_fails(&c, TASK_MULTICLASS, expected);

	tmp_path(path_room(&c.path), SCENARIO_PATH_MAX, "absent-images");
	snprintf(expected, sizeof expected, "cannot open data file '%s': %s",
		 c.path, strerror(ENOENT));
	load_fails(&c, TASK_MULTICLASS, expected);
}

/* ---- LIBSVM ---------------------------------------------------------------- */

static struct data_config libsvm_config(const char *name, const char *text)
{
	struct data_config c = { .kind = DATA_LIBSVM };
	write_text(path_room(&c.path), name, text);
	return c;
}

/* Comments, blank lines, "\r\n", a sample without features, -1/+1. */
static void test_libsvm_binary(void **state)
{
	(void)state;
	struct data_config c = libsvm_config("bin.svm",
		"# a9a-like\n"
		"+1 1:0.5 3:2 # trailing comment\n"
		"\n"
		"-1\t2:1e-3   \n"
		"   # only a comment\n"
		"+1\r\n"
		"0 3:-7");
	static const double x[] = { 0.5, 0, 2, 0, 1e-3, 0, 0, 0, 0, 0, 0, -7 };
	static const double y[] = { 1, 0, 1, 0 };
	struct dataset ds;
	load_ok(&c, TASK_BINARY, &ds);
	assert_int_equal(ds.n, 4);
	assert_int_equal(ds.d, 3);
	assert_memory_equal(ds.x, x, sizeof x);
	assert_memory_equal(ds.y, y, sizeof y);
	assert_int_equal(ds.classes, 2);
	dataset_release(&ds);
}

/* data.features fixes d above the largest index; gzip read alike. */
static void test_libsvm_features_and_gzip(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_LIBSVM, .features = 5 };
	static const char text[] = "2.5 2:1\n-1 5:3\n";
	write_file(path_room(&c.path), "feat.svm.gz", text, strlen(text), true);
	static const double x[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 3 };
	static const double y[] = { 2.5, -1 };
	struct dataset ds;
	load_ok(&c, TASK_REGRESSION, &ds);
	assert_int_equal(ds.d, 5);
	assert_memory_equal(ds.x, x, sizeof x);
	assert_memory_equal(ds.y, y, sizeof y);
	assert_int_equal(ds.classes, 0);
	dataset_release(&ds);
}

/* Multiclass labels of both files numbered in ascending order; d from
 * both files' indices. */
static void test_libsvm_multiclass_held_out(void **state)
{
	(void)state;
	struct data_config c = libsvm_config("mc.svm", "7 1:1\n3 2:1\n5 1:2\n3 2:2\n");
	write_text(path_room(&c.test_path), "mc-test.svm", "9 4:1\n5 1:1\n");
	static const double y[] = { 2, 0, 1, 0 }, y_test[] = { 3, 1 };
	static const double x_test[] = { 0, 0, 0, 1, 1, 0, 0, 0 };
	struct dataset ds;
	load_ok(&c, TASK_MULTICLASS, &ds);
	assert_int_equal(ds.n, 4);
	assert_int_equal(ds.n_test, 2);
	assert_int_equal(ds.d, 4);
	assert_int_equal(ds.classes, 4);
	assert_memory_equal(ds.y, y, sizeof y);
	assert_memory_equal(ds.y_test, y_test, sizeof y_test);
	assert_memory_equal(ds.x_test, x_test, sizeof x_test);
	dataset_release(&ds);
}

struct libsvm_bad_case {
	const char *text;
	long features;
	enum data_task task;
	const char *message;   /* after "PATH:" */
};

static const struct libsvm_bad_case libsvm_bad_cases[] = {
	{ "1 0:1\n", 0, TASK_BINARY, "1:3: feature index 0: indices start at 1" },
	{ "1 1:1\n1 3:1 2:1\n", 0, TASK_BINARY,
	  "2:7: feature index 2 after 3: indices must ascend" },
	{ "1 3:1 3:2\n", 0, TASK_BINARY,
	  "1:7: feature index 3 after 3: indices must ascend" },
	{ "1 abc\n", 0, TASK_BINARY, "1:3: bad feature 'abc', expected INDEX:VALUE" },
	{ "1 2:x\n", 0, TASK_BINARY, "1:3: bad feature '2:x', expected INDEX:VALUE" },
	{ "1 2:\n", 0, TASK_BINARY, "1:3: bad feature '2:', expected INDEX:VALUE" },
	{ "1 :2\n", 0, TASK_BINARY, "1:3: bad feature ':2', expected INDEX:VALUE" },
	{ "1 +2:1\n", 0, TASK_BINARY, "1:3: bad feature '+2:1', expected INDEX:VALUE" },
	{ "1 2:inf\n", 0, TASK_BINARY, "1:3: bad feature '2:inf', expected INDEX:VALUE" },
	{ "1 2:1:3\n", 0, TASK_BINARY, "1:3: bad feature '2:1:3', expected INDEX:VALUE" },
	{ "# c\n  x 1:1\n", 0, TASK_BINARY, "2:3: bad label 'x'" },
	{ "1:1 2:1\n", 0, TASK_BINARY, "1:1: bad label '1:1'" },
	{ "1 1:1\n2 1:1\n", 0, TASK_BINARY, "2:1: label '2' is not 0 or 1 (nor -1 or +1)" },
	{ "1 2:1 4:1\n", 3, TASK_BINARY, "1:7: feature index 4 exceeds data.features 3" },
	{ "1 99999999999:1\n", 0, TASK_BINARY,
	  "1:3: feature index '99999999999' is too large" },
	{ "1 67108864:1\n1 1:1\n1 1:1\n", 0, TASK_BINARY,
	  "3:1: 3 samples of 67108864 features exceed the limit of 134217728 values (stored dense)" },
	{ "", 0, TASK_BINARY, "1:1: empty data file" },
	{ "# nothing\n\n", 0, TASK_REGRESSION, "1:1: empty data file" },
	{ "1\n2\n", 0, TASK_REGRESSION,
	  "1:1: no sample has a feature (data.features not set)" },
};

static void test_libsvm_errors(void **state)
{
	(void)state;
	int wrong = 0;
	for (size_t k = 0; k < NELEM(libsvm_bad_cases); k++) {
		const struct libsvm_bad_case *bc = &libsvm_bad_cases[k];
		struct data_config c = libsvm_config("bad.svm", bc->text);
		c.features = bc->features;
		char expected[2 * SCENARIO_PATH_MAX];
		expect_at(expected, sizeof expected, c.path, bc->message);
		struct dataset ds;
		struct diag d;
		diag_init(&d);
		asg_status st = dataset_load(&c, bc->task, 1, &ds, &d);
		if (st != ASG_EINPUT || strcmp(d.text, expected)) {
			printf("case %zu: status %d\n got  '%s'\n want '%s'\n", k,
			       (int)st, d.text, expected);
			wrong++;
		}
		assert_null(ds.x);
	}
	assert_int_equal(wrong, 0);
}

/* An error in the held-out file names that file. */
static void test_libsvm_held_out_error(void **state)
{
	(void)state;
	struct data_config c = libsvm_config("good.svm", "1 1:1\n");
	write_text(path_room(&c.test_path), "bad-test.svm", "1 1:1\n\n1 2:1 1:1\n");
	char expected[2 * SCENARIO_PATH_MAX];
	expect_at(expected, sizeof expected, c.test_path,
		  "3:7: feature index 1 after 2: indices must ascend");
	load_fails(&c, TASK_REGRESSION, expected);
}

/* ---- CSV multiclass -------------------------------------------------------- */

static void test_csv_multiclass(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_CSV, .label_column = 1 };
	write_text(path_room(&c.path), "mc.csv", "0.5,2\n1.5,0\n2.5,1\n");
	struct dataset ds;
	load_ok(&c, TASK_MULTICLASS, &ds);
	static const double y[] = { 2, 0, 1 };
	assert_memory_equal(ds.y, y, sizeof y);
	assert_int_equal(ds.classes, 3);
	dataset_release(&ds);
	static const char *const bad[] = { "1,1.5\n", "1,-1\n", "1,65536\n" };
	static const char *const messages[] = {
		"1:3: label '1.5' is not a class number (an integer from 0 to 65535)",
		"1:3: label '-1' is not a class number (an integer from 0 to 65535)",
		"1:3: label '65536' is not a class number (an integer from 0 to 65535)",
	};
	for (size_t k = 0; k < NELEM(bad); k++) {
		char expected[2 * SCENARIO_PATH_MAX];
		write_text(path_room(&c.path), "mc-bad.csv", bad[k]);
		expect_at(expected, sizeof expected, c.path, messages[k]);
		load_fails(&c, TASK_MULTICLASS, expected);
	}
}

/* ---- normalisation --------------------------------------------------------- */

/* Training rows (1, 2, -4, 0) and (5, 2, 4, 0), held-out row (3, 7, 8, 0):
 *   scale     by max |x| = 5, 2, 4 and 1 (feature 4 is all 0):
 *             (0.2, 1, -1, 0), (1, 1, 1, 0); held out (0.6, 3.5, 2, 0)
 *   standard  means 3, 2, 0, 0 and sd 2, 0, 4, 0:
 *             (-1, 0, -1, 0), (1, 0, 1, 0); held out (0, 0, 2, 0). */
static void test_normalize_exact(void **state)
{
	(void)state;
	static const struct {
		enum data_normalize how;
		double x[8], x_test[4];
	} cases[] = {
		{ NORMALIZE_NONE, { 1, 2, -4, 0, 5, 2, 4, 0 }, { 3, 7, 8, 0 } },
		{ NORMALIZE_SCALE, { 0.2, 1, -1, 0, 1, 1, 1, 0 }, { 0.6, 3.5, 2, 0 } },
		{ NORMALIZE_STANDARD, { -1, 0, -1, 0, 1, 0, 1, 0 }, { 0, 0, 2, 0 } },
	};
	struct data_config c = libsvm_config("norm.svm",
					     "0 1:1 2:2 3:-4\n0 1:5 2:2 3:4\n");
	write_text(path_room(&c.test_path), "norm-test.svm", "0 1:3 2:7 3:8\n");
	c.features = 4;
	for (size_t k = 0; k < NELEM(cases); k++) {
		struct dataset ds;
		c.normalize = cases[k].how;
		load_ok(&c, TASK_REGRESSION, &ds);
		for (size_t j = 0; j < 8; j++)
			if (ds.x[j] != cases[k].x[j])
				fail_msg("case %zu: x[%zu] = %.17g, want %.17g", k, j,
					 ds.x[j], cases[k].x[j]);
		for (size_t j = 0; j < 4; j++)
			if (ds.x_test[j] != cases[k].x_test[j])
				fail_msg("case %zu: x_test[%zu] = %.17g, want %.17g", k, j,
					 ds.x_test[j], cases[k].x_test[j]);
		dataset_release(&ds);
	}
}

/* standard on a split (data.test) uses the training rows only: the
 * training columns have mean 0 and sd 1 exactly (within 1e-12). */
static void test_normalize_standard_split(void **state)
{
	(void)state;
	struct data_config c = { .kind = DATA_CSV, .test = 0.25,
				 .normalize = NORMALIZE_STANDARD };
	char text[4096];
	size_t used = 0;
	for (int i = 0; i < 40; i++)
		used += (size_t)snprintf(text + used, sizeof text - used,
					 "%d,%d,%g\n", i % 3, i * i, 1.5 * i - 7);
	write_text(path_room(&c.path), "split.csv", text);
	struct dataset ds;
	load_ok(&c, TASK_REGRESSION, &ds);
	assert_int_equal(ds.n, 30);
	for (size_t j = 0; j < ds.d; j++) {
		double mean = 0, var = 0;
		for (size_t i = 0; i < ds.n; i++)
			mean += ds.x[i * ds.d + j] / (double)ds.n;
		for (size_t i = 0; i < ds.n; i++)
			var += pow(ds.x[i * ds.d + j] - mean, 2) / (double)ds.n;
		assert_float_equal(mean, 0, 1e-12);
		assert_float_equal(var, 1, 1e-12);
	}
	dataset_release(&ds);
}

/* ---- partitions ------------------------------------------------------------- */

/* A dataset of n labels y_i = label(i) (no features), classes counted. */
static struct dataset labelled(size_t n, double (*label)(size_t))
{
	struct dataset ds = { .n = n, .y = malloc(n * sizeof(double)) };
	assert_non_null(ds.y);
	double top = -1;
	for (size_t i = 0; i < n; i++) {
		ds.y[i] = label(i);
		top = fmax(top, ds.y[i]);
	}
	ds.classes = (size_t)top + 1;
	return ds;
}

static double label_blocks(size_t i) { return (double)(i / 60); } /* 10 x 60 */
static double label_mixed(size_t i) { return (double)((i * 7) % 13); }
static double label_ten(size_t i) { return (double)(i % 10); }
static double label_twenty(size_t i) { return (double)((i * 3) % 20); }

/* Every sample exactly once, worker sizes from start. */
static void check_permutation(const struct partition *p, size_t n,
			      size_t workers)
{
	assert_int_equal(p->nshards, workers);
	assert_int_equal(p->start[0], 0);
	assert_int_equal(p->start[workers], n);
	char *seen = calloc(n, 1);
	assert_non_null(seen);
	for (size_t k = 0; k < workers; k++)
		assert_true(p->start[k] <= p->start[k + 1]);
	for (size_t i = 0; i < n; i++) {
		assert_true(p->index[i] < n);
		assert_false(seen[p->index[i]]);
		seen[p->index[i]] = 1;
	}
	free(seen);
}

static void build_ok(const struct data_config *c, const struct dataset *ds,
		     size_t workers, uint64_t seed, struct partition *p)
{
	struct diag d;
	diag_init(&d);
	if (partition_build(c, ds, workers, seed, p, &d) != ASG_OK)
		fail_msg("partition_build: %s", d.text);
	check_permutation(p, ds->n, workers);
}

/* 10 classes of 60, 5 workers x 2 shards of 60: each shard one class,
 * each worker 120 samples of at most 2 labels. */
static void test_shards_whole_classes(void **state)
{
	(void)state;
	struct data_config c = { .partition = PARTITION_SHARDS,
				 .shards_per_worker = 2 };
	struct dataset ds = labelled(600, label_blocks);
	struct partition p;
	build_ok(&c, &ds, 5, 3, &p);
	for (size_t k = 0; k < 5; k++) {
		assert_int_equal(p.start[k + 1] - p.start[k], 120);
		double first = ds.y[p.index[p.start[k]]], other = -1;
		for (size_t i = p.start[k]; i < p.start[k + 1]; i++) {
			double y = ds.y[p.index[i]];
			if (y != first && other < 0)
				other = y;
			assert_true(y == first || y == other);
		}
	}
	partition_release(&p);
	free(ds.y);
}

/* 1000 samples of 13 labels, 7 workers x 3 shards (21 shards of 47 or
 * 48): a worker's samples are at most 3 runs of ascending labels, and its
 * size the sum of 3 shard sizes. */
static void test_shards_label_runs(void **state)
{
	(void)state;
	struct data_config c = { .partition = PARTITION_SHARDS,
				 .shards_per_worker = 3 };
	struct dataset ds = labelled(1000, label_mixed);
	struct partition p, again;
	build_ok(&c, &ds, 7, 11, &p);
	for (size_t k = 0; k < 7; k++) {
		size_t runs = 1;
		for (size_t i = p.start[k] + 1; i < p.start[k + 1]; i++)
			runs += ds.y[p.index[i]] < ds.y[p.index[i - 1]];
		assert_in_range(runs, 1, 3);
		assert_in_range(p.start[k + 1] - p.start[k], 3 * 47, 3 * 48);
	}
	build_ok(&c, &ds, 7, 11, &again);
	assert_memory_equal(p.index, again.index, 1000 * sizeof *p.index);
	partition_release(&again);
	build_ok(&c, &ds, 7, 12, &again);
	assert_memory_not_equal(p.index, again.index, 1000 * sizeof *p.index);
	partition_release(&again);
	partition_release(&p);
	free(ds.y);
}

/* Dirichlet(1e6): proportions within about 1e-4 of 1/W, so 10 classes of
 * 1000 split over 10 workers give each 1000 samples; the cuts round down
 * (at most 1 per class), so sizes stay within 1000 +- 15. */
static void test_dirichlet_huge_alpha_even(void **state)
{
	(void)state;
	struct data_config c = { .partition = PARTITION_DIRICHLET, .alpha = 1e6 };
	struct dataset ds = labelled(10000, label_ten);
	struct partition p;
	build_ok(&c, &ds, 10, 5, &p);
	for (size_t k = 0; k < 10; k++)
		assert_in_range(p.start[k + 1] - p.start[k], 985, 1015);
	partition_release(&p);
	free(ds.y);
}

/* Dirichlet(0.01): 20 classes of 100 over 4 workers (seed 2).  Each
 * class lands almost whole on one worker: one worker holds >= 90% of it
 * for at least 14 of the 20 classes (for Dirichlet(0.01) over 4 workers
 * the count is >= 15 with probability 0.999).  The sizes are unequal:
 * their coefficient of variation is >= 0.1 (median 0.34 over seeds; with
 * alpha 1e6 it is below 0.001). */
static void test_dirichlet_tiny_alpha_skewed(void **state)
{
	(void)state;
	struct data_config c = { .partition = PARTITION_DIRICHLET, .alpha = 0.01 };
	struct dataset ds = labelled(2000, label_twenty);
	struct partition p;
	build_ok(&c, &ds, 4, 2, &p);
	size_t count[20][4] = { { 0 } };
	double mean = 500, var = 0;
	for (size_t k = 0; k < 4; k++) {
		double size = (double)(p.start[k + 1] - p.start[k]);
		var += (size - mean) * (size - mean) / 4;
		for (size_t i = p.start[k]; i < p.start[k + 1]; i++)
			count[(size_t)ds.y[p.index[i]]][k]++;
	}
	size_t concentrated = 0;
	for (size_t label = 0; label < 20; label++) {
		size_t top = 0;
		for (size_t k = 0; k < 4; k++)
			top = count[label][k] > top ? count[label][k] : top;
		concentrated += top >= 90;
	}
	double cv = sqrt(var) / mean;
	printf("dirichlet(0.01): %zu of 20 classes concentrated, size cv %.3f\n",
	       concentrated, cv);
	if (concentrated < 14 || cv < 0.1)
		fail_msg("dirichlet(0.01): %zu of 20 classes concentrated, size cv %g",
			 concentrated, cv);
	partition_release(&p);
	free(ds.y);
}

/* Bad input: too few samples for the shards, an empty worker, dirichlet
 * without classes. */
static void test_partition_errors(void **state)
{
	(void)state;
	struct dataset few = labelled(10, label_ten);
	struct dataset two = labelled(200, label_blocks);   /* 4 classes */
	struct dataset reg = labelled(50, label_ten);
	reg.classes = 0;
	static const struct {
		struct data_config cfg;
		int data;          /* 0 few, 1 two, 2 reg */
		size_t workers;
		const char *message;
	} cases[] = {
		{ { .partition = PARTITION_SHARDS, .shards_per_worker = 4 }, 0, 3,
		  "cannot cut 10 training samples into 3 workers x 4 shards (data.shards_per_worker)" },
		{ { .partition = PARTITION_SHARDS, .shards_per_worker = LONG_MAX }, 0, 3,
		  "cannot cut 10 training samples into 3 workers x 9223372036854775807 shards (data.shards_per_worker)" },
		{ { .partition = PARTITION_SHARDS, .shards_per_worker = 0 }, 0, 3,
		  "data.shards_per_worker must be > 0, not 0" },
		{ { .partition = PARTITION_DIRICHLET, .alpha = 0.001 }, 1, 10,
		  "data.partition dirichlet left worker 0 without samples (data.alpha 0.001): try a larger data.alpha" },
		{ { .partition = PARTITION_DIRICHLET, .alpha = 0.5 }, 2, 3,
		  "data.partition dirichlet needs class labels (a classification model)" },
		{ { .partition = PARTITION_DIRICHLET, .alpha = 0 }, 0, 3,
		  "data.alpha must be > 0, not 0" },
		{ { .partition = PARTITION_IID }, 0, 11,
		  "cannot split 10 training samples among 11 workers" },
	};
	const struct dataset *sets[] = { &few, &two, &reg };
	for (size_t k = 0; k < NELEM(cases); k++) {
		struct partition p;
		struct diag d;
		diag_init(&d);
		asg_status st = partition_build(&cases[k].cfg, sets[cases[k].data],
						cases[k].workers, 1, &p, &d);
		if (st != ASG_EINPUT || strcmp(d.text, cases[k].message))
			fail_msg("case %zu: status %d\n got  '%s'\n want '%s'", k,
				 (int)st, d.text, cases[k].message);
		assert_null(p.index);
		assert_null(p.start);
	}
	free(few.y);
	free(two.y);
	free(reg.y);
}

/* ---- scenario keys ----------------------------------------------------------- */

#define MINIMAL                                                            \
	"stop: {updates: 100}\n"                                           \
	"protocol: {kind: async}\n"                                        \
	"workers: [{count: 2, compute: \"exponential(mean=1)\"}]\n"

/* Load scenario text (written to tmpdir/s.yaml); its message without the
 * path, or NULL when it loads (plan filled). */
static const char *scenario_try(const char *yaml, struct scenario_plan *plan,
				struct diag *d)
{
	char path[SCENARIO_PATH_MAX];
	struct scenario_overrides none = { 0 };
	write_text(path, "s.yaml", yaml);
	diag_init(d);
	if (scenario_plan_load(path, &none, plan, d) == ASG_OK)
		return NULL;
	size_t n = strlen(path);
	return strncmp(d->text, path, n) ? d->text : d->text + n + 1;
}

static void test_scenario_data_keys(void **state)
{
	(void)state;
	char path[SCENARIO_PATH_MAX], real[PATH_MAX], labels[PATH_MAX];
	struct scenario_plan plan;
	struct diag d;
	write_text(path, "img", "x");
	assert_non_null(realpath(path, real));
	write_text(path, "lab", "x");
	assert_non_null(realpath(path, labels));
	const char *err = scenario_try(MINIMAL
		"data: {kind: idx, path: img, labels: lab, limit: 100,\n"
		"       partition: shards}\n", &plan, &d);
	if (err)
		fail_msg("%s", d.text);
	const struct data_config *c = &plan.runs[0].sc.data;
	assert_int_equal(c->kind, DATA_IDX);
	assert_string_equal(c->path, real);
	assert_string_equal(c->labels, labels);
	assert_null(c->test_path);
	assert_int_equal(c->limit, 100);
	assert_int_equal(c->normalize, NORMALIZE_SCALE);
	assert_int_equal(c->partition, PARTITION_SHARDS);
	assert_int_equal(c->shards_per_worker, 2);
	assert_non_null(strstr(plan.runs[0].config_yaml, labels));
	scenario_plan_release(&plan);

	err = scenario_try(MINIMAL
		"data: {kind: libsvm, path: img, test_path: lab, normalize: standard,\n"
		"       partition: dirichlet, alpha: 0.25}\n", &plan, &d);
	if (err)
		fail_msg("%s", d.text);
	c = &plan.runs[0].sc.data;
	assert_int_equal(c->kind, DATA_LIBSVM);
	assert_int_equal(c->features, 0);
	assert_string_equal(c->test_path, labels);
	assert_int_equal(c->normalize, NORMALIZE_STANDARD);
	assert_int_equal(c->partition, PARTITION_DIRICHLET);
	assert_true(c->alpha == 0.25);
	scenario_plan_release(&plan);

	err = scenario_try(MINIMAL "data: {samples: 500}\n", &plan, &d);
	assert_null(err);
	c = &plan.runs[0].sc.data;
	assert_int_equal(c->normalize, NORMALIZE_NONE);
	assert_int_equal(c->features, 100);
	assert_true(c->alpha == 0.5);
	scenario_plan_release(&plan);
}

static void test_scenario_data_errors(void **state)
{
	(void)state;
	char path[SCENARIO_PATH_MAX];
	write_text(path, "img", "x");
	static const struct {
		const char *yaml;
		const char *message;
	} cases[] = {
		{ MINIMAL "data: {kind: idx, path: img}\n",
		  "4:7: missing key 'labels' in 'data'" },
		{ MINIMAL "data: {kind: idx, path: img, labels: img, test_path: img}\n",
		  "4:7: missing key 'test_labels' in 'data'" },
		{ MINIMAL "data: {kind: idx, path: img, labels: img, test_labels: img}\n",
		  "4:7: missing key 'test_path' in 'data'" },
		{ MINIMAL "data: {kind: libsvm, path: img, test_path: img, test: 0.2}\n",
		  "4:55: 'data.test' must be 0 with 'data.test_path' (the held-out part is given), got 0.2" },
		{ MINIMAL "data: {kind: libsvm, path: img, labels: img}\n",
		  "4:33: 'data.labels' applies only to data.kind idx" },
		{ MINIMAL "data: {kind: csv, path: img, test_path: img}\n",
		  "4:30: 'data.test_path' applies only to data.kind idx, libsvm" },
		{ MINIMAL "data: {kind: csv, path: img, features: 3}\n",
		  "4:30: 'data.features' applies only to data.kind synthetic, libsvm" },
		{ MINIMAL "data: {kind: idx, path: img, labels: img, limit: 0}\n",
		  "4:50: 'data.limit' must be > 0, got 0" },
		{ MINIMAL "data: {kind: idx, path: img, labels: absent}\n",
		  "4:38: cannot open data file 'absent': No such file or directory" },
		{ MINIMAL "data: {normalize: scaled}\n",
		  "4:19: unknown normalization 'scaled', did you mean 'scale'?" },
		{ MINIMAL "data: {partition: dirichlet, alpha: 0}\n",
		  "4:37: 'data.alpha' must be > 0, got 0" },
		{ MINIMAL "data: {alpha: 2}\n",
		  "4:8: 'data.alpha' applies only to data.partition dirichlet" },
		{ MINIMAL "data: {partition: dirichlet, shards_per_worker: 3}\n",
		  "4:30: 'data.shards_per_worker' applies only to data.partition shards" },
		{ MINIMAL "data: {partition: shards, shards_per_worker: 0}\n",
		  "4:46: 'data.shards_per_worker' must be > 0, got 0" },
		{ MINIMAL "data: {partition: shard}\n",
		  "4:19: unknown partition 'shard', did you mean 'shards'?" },
		{ MINIMAL "data: {kind: libsvm, path: img, features: 0}\n",
		  "4:43: 'data.features' must be > 0, got 0" },
	};
	int wrong = 0;
	for (size_t k = 0; k < NELEM(cases); k++) {
		struct scenario_plan plan;
		struct diag d;
		const char *got = scenario_try(cases[k].yaml, &plan, &d);
		if (!got) {
			printf("case %zu loads:\n%s", k, cases[k].yaml);
			scenario_plan_release(&plan);
			wrong++;
		} else if (strcmp(got, cases[k].message)) {
			printf("case %zu:\n got  '%s'\n want '%s'\n", k, got,
			       cases[k].message);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[sizeof tmpdir + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idx_plain_and_gzip),
		cmocka_unit_test(test_idx_scale),
		cmocka_unit_test(test_idx_limit),
		cmocka_unit_test(test_idx_held_out),
		cmocka_unit_test(test_idx_other_dimensions),
		cmocka_unit_test(test_idx_binary_labels),
		cmocka_unit_test(test_idx_errors),
		cmocka_unit_test(test_idx_more_errors),
		cmocka_unit_test(test_libsvm_binary),
		cmocka_unit_test(test_libsvm_features_and_gzip),
		cmocka_unit_test(test_libsvm_multiclass_held_out),
		cmocka_unit_test(test_libsvm_errors),
		cmocka_unit_test(test_libsvm_held_out_error),
		cmocka_unit_test(test_csv_multiclass),
		cmocka_unit_test(test_normalize_exact),
		cmocka_unit_test(test_normalize_standard_split),
		cmocka_unit_test(test_shards_whole_classes),
		cmocka_unit_test(test_shards_label_runs),
		cmocka_unit_test(test_dirichlet_huge_alpha_even),
		cmocka_unit_test(test_dirichlet_tiny_alpha_skewed),
		cmocka_unit_test(test_partition_errors),
		cmocka_unit_test(test_scenario_data_keys),
		cmocka_unit_test(test_scenario_data_errors),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
