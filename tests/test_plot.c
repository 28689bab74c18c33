/*
 * test_plot.c — the figures of `asgdsim plot` from a database of known
 * rows, made here with plain SQL: every kind in every format gives a
 * non-empty figure whose .gp gnuplot re-runs without a word; the numbers
 * of each .dat equal the aggregates recomputed here from the rows (means,
 * sample deviations, the Student band with t_{0.975,2}, histogram
 * fractions, the sawtooth's vertices, the bound's points); the time grid
 * pools the same evaluations as the ticks when the clocks differ by less
 * than half a step; kinds without data are left out of the default set
 * (and said), refused when asked for; --runs selects; a failing or missing
 * gnuplot is an error with its message.
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
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/plot/plot.h"
#include "src/record/recorder.h"
#include "src/record/schema.h"

/* t_{0.975, 2}: three replications per sweep point. */
#define T975_2 4.302652729749464
#define REL_TOL 1e-12

/* The database: 2 sweep points (async: runs 1-3, sync: runs 4-6) of 3
 * replications, 3 workers each (groups fast, fast, slow), 60 ticks, an
 * evaluation every 10 ticks at t = k (0.1 + 0.001 run); run 7 (point 0)
 * is still running and never drawn.  aoi rows for run 1 only. */
#define NRUNS 7
#define NTICKS 60

static char db_path[4200];
static char db_bare[4200];   /* the same without aoi, bound, timeline */

static void exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static void exec_fmt(sqlite3 *db, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	exec_sql(db, sql);
}

static void make_core(sqlite3 *db)
{
	exec_fmt(db, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
		 "INSERT INTO meta VALUES ('schema_version', '%d');",
		 RECORDER_SCHEMA_VERSION);
	exec_sql(db, "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, scenario TEXT,"
		 " config TEXT, point TEXT, point_index INTEGER, replication INTEGER,"
		 " seed INTEGER, protocol TEXT, model TEXT, workers INTEGER,"
		 " status TEXT NOT NULL, updates INTEGER);"
		 "CREATE TABLE workers (run_id INTEGER, worker INTEGER, grp TEXT,"
		 " updates INTEGER, kappa REAL, busy_time REAL, bytes_sent REAL,"
		 " mean_staleness REAL);"
		 "CREATE TABLE updates (run_id INTEGER, k INTEGER, t REAL, worker"
		 " INTEGER, staleness INTEGER, step_size REAL, grad_norm2 REAL);"
		 "CREATE TABLE evals (run_id INTEGER, k INTEGER, t REAL,"
		 " full_grad_norm2 REAL, train_loss REAL, test_loss REAL,"
		 " test_accuracy REAL);");
	for (int r = 1; r <= NRUNS; r++) {
		int point = r <= 3 || r == 7 ? 0 : 1;
		exec_fmt(db, "INSERT INTO runs VALUES (%d, 't', '', '{\"protocol.kind\":"
			 "\"%s\"}', %d, %d, %d, '%s', 'logreg', 3, '%s', %d)", r,
			 point ? "sync" : "async", point, (r - 1) % 3, 10 + r,
			 point ? "sync" : "async", r == 7 ? "running" : "done", NTICKS);
		for (int w = 0; w < 3; w++)
			exec_fmt(db, "INSERT INTO workers VALUES (%d, %d, '%s', 20, %.17g,"
				 " 1, 1, 1)", r, w, w < 2 ? "fast" : "slow",
				 (w < 2 ? 0.4 : 0.2) + 0.01 * r * (w + 1));
		for (int k = 1; k <= NTICKS; k++)
			exec_fmt(db, "INSERT INTO updates VALUES (%d, %d, %g, %d, %d,"
				 " 0.1, 1)", r, k, 0.1 * k, k % 3,
				 point ? 0 : (k * 7 + r) % 5 + (k % 3 == 2 ? 3 : 0));
		for (int k = 0; k <= NTICKS; k += 10)
			exec_fmt(db, "INSERT INTO evals VALUES (%d, %d, %.17g, %.17g, %.17g,"
				 " %.17g, %.17g)", r, k, k * (0.1 + 0.001 * r),
				 exp(-k / 30.0) * (1 + 0.1 * r), 1 / (1 + k / 10.0) + 0.01 * r,
				 1 / (1 + k / 10.0) + 0.05 + 0.003 * r * r,
				 0.5 + k / 250.0 + 0.001 * r);
	}
	exec_sql(db, "CREATE TABLE update_spans (run_id INTEGER, first_rowid INTEGER,"
		 " last_rowid INTEGER, PRIMARY KEY (run_id, first_rowid)) WITHOUT ROWID;"
		 "INSERT INTO update_spans SELECT run_id, MIN(rowid), MAX(rowid)"
		 " FROM updates GROUP BY run_id;");
	exec_sql(db, schema_updates_by_run);
}

/* Pairs (i, j) of run 1: ages reset at the ticks of the table.  Mean ages
 * 5.83 (0, 1), 2.5 (1, 0), 5.03 (2, 1). */
static const struct { int i, j, k, age; } aoi_rows[] = {
	{ 0, 1, 0, 0 }, { 0, 1, 10, 2 }, { 0, 1, 20, 1 }, { 0, 1, 30, 3 },
	{ 0, 1, 40, 0 }, { 0, 1, 50, 2 },
	{ 1, 0, 0, 0 }, { 1, 0, 6, 0 }, { 1, 0, 12, 0 }, { 1, 0, 18, 0 },
	{ 1, 0, 24, 0 }, { 1, 0, 30, 0 }, { 1, 0, 36, 0 }, { 1, 0, 42, 0 },
	{ 1, 0, 48, 0 }, { 1, 0, 54, 0 },
	{ 2, 1, 0, 0 }, { 2, 1, 7, 1 }, { 2, 1, 16, 0 }, { 2, 1, 23, 2 },
	{ 2, 1, 35, 1 }, { 2, 1, 44, 0 }, { 2, 1, 52, 3 },
};
#define NAOI (sizeof aoi_rows / sizeof *aoi_rows)

/* The exact mean age of pair (i, j) over the run's NTICKS ticks. */
static double aoi_mean(int i, int j)
{
	double sum = 0;
	for (size_t r = 0; r < NAOI; r++) {
		if (aoi_rows[r].i != i || aoi_rows[r].j != j)
			continue;
		int next = NTICKS;
		if (r + 1 < NAOI && aoi_rows[r + 1].i == i && aoi_rows[r + 1].j == j)
			next = aoi_rows[r + 1].k;
		for (int k = aoi_rows[r].k; k < next; k++)
			sum += aoi_rows[r].age + (k - aoi_rows[r].k);
	}
	return sum / NTICKS;
}

static void make_extra(sqlite3 *db)
{
	exec_sql(db, "CREATE TABLE aoi (run_id INTEGER, k INTEGER, i INTEGER,"
		 " j INTEGER, age INTEGER);"
		 "CREATE TABLE aoi_summary (run_id INTEGER, i INTEGER, j INTEGER,"
		 " mean_age REAL, max_age INTEGER, mean_view_age REAL, mean_lag REAL);"
		 "CREATE TABLE bound (run_id INTEGER, n INTEGER, lhs REAL, t1 REAL,"
		 " t2 REAL, t3 REAL, t3_lag REAL, c1 REAL, c2 REAL, c3 REAL, rhs REAL,"
		 " held_out INTEGER, holds INTEGER);"
		 "CREATE TABLE timeline (run_id INTEGER, worker INTEGER, kind TEXT,"
		 " start REAL, end REAL);");
	for (size_t r = 0; r < NAOI; r++)
		exec_fmt(db, "INSERT INTO aoi VALUES (1, %d, %d, %d, %d)",
			 aoi_rows[r].k, aoi_rows[r].i, aoi_rows[r].j, aoi_rows[r].age);
	static const int pairs[3][2] = { { 0, 1 }, { 1, 0 }, { 2, 1 } };
	for (int p = 0; p < 3; p++)
		exec_fmt(db, "INSERT INTO aoi_summary VALUES (1, %d, %d, %.17g, 0, 0,"
			 " 0)", pairs[p][0], pairs[p][1],
			 aoi_mean(pairs[p][0], pairs[p][1]));
	for (int r = 1; r <= 6; r++) {
		double t1 = 1.0 / NTICKS, t2 = 0.5 + 0.1 * r, t3 = 2.0 * r;
		double lhs = 0.1 * r, rhs = 0.5 * t1 + 0.1 * t2 + 0.04 * t3;
		exec_fmt(db, "INSERT INTO bound VALUES (%d, %d, %.17g, %.17g, %.17g,"
			 " %.17g, 0, 0.5, 0.1, 0.04, %.17g, %d, %d)", r, NTICKS, lhs,
			 t1, t2, t3, rhs, r >= 5, lhs <= rhs);
	}
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < 4; i++) {
			double s = i * 1.0 + 0.1 * w;
			exec_fmt(db, "INSERT INTO timeline VALUES (1, %d, 'compute', %g,"
				 " %g), (1, %d, 'uplink', %g, %g), (1, %d, 'downlink',"
				 " %g, %g)", w, s, s + 0.7, w, s + 0.7, s + 0.8, w,
				 s + 0.85, s + 0.95);
		}
}

static void make_db(const char *path, bool extra)
{
	remove(path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec_sql(db, "BEGIN");
	make_core(db);
	if (extra)
		make_extra(db);
	exec_sql(db, "COMMIT");
	sqlite3_close(db);
}

static int setup_dbs(void **state)
{
	snprintf(db_path, sizeof db_path, "%s/test_plot-%ld.db", BUILD_DIR,
		 (long)getpid());
	snprintf(db_bare, sizeof db_bare, "%s/test_plot-%ld-bare.db", BUILD_DIR,
		 (long)getpid());
	make_db(db_path, true);
	make_db(db_bare, false);
	return 0;
}

static int teardown_dbs(void **state)
{
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/test_plot-%ld-'*", BUILD_DIR,
		 (long)getpid());
	remove(db_path);
	remove(db_bare);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- running plot_make --- */

struct run {
	char dir[4300];           /* the output directory */
	asg_status status;        /* what plot_make returned */
	char msg[DIAG_TEXT_MAX];  /* its message */
	char err[8192];           /* what it wrote on err */
};

static void run_plot(struct run *r, const char *db, unsigned kinds,
		     enum plot_format format, enum plot_axis x, const char *runs,
		     const char *gnuplot)
{
	static int count;
	snprintf(r->dir, sizeof r->dir, "%s/test_plot-%ld-%d", BUILD_DIR,
		 (long)getpid(), count++);
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
	assert_int_equal(system(cmd), 0);
	struct plot_options o = {
		.db_path = db, .out_dir = r->dir, .format = format, .x = x,
		.runs = runs, .kinds = kinds, .gnuplot = gnuplot,
	};
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	struct diag d;
	diag_init(&d);
	r->status = plot_make(&o, out, err, &d);
	snprintf(r->msg, sizeof r->msg, "%s", d.text);
	rewind(err);
	size_t n = fread(r->err, 1, sizeof r->err - 1, err);
	r->err[n] = '\0';
	fclose(out);
	fclose(err);
}

static void run_ok(struct run *r, const char *db, unsigned kinds,
		   enum plot_format format, enum plot_axis x, const char *runs)
{
	run_plot(r, db, kinds, format, x, runs, NULL);
	if (r->status != ASG_OK)
		fail_msg("plot_make: %s\n%s", r->msg, r->err);
}

static long file_size(const char *dir, const char *name, const char *ext)
{
	char path[4500];
	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* --- reading a .dat: blocks of rows of numbers --- */

#define MAX_ROWS 512
#define MAX_COLS 20

struct dat {
	int nblocks;
	int nrows[16];
	double v[16][MAX_ROWS][MAX_COLS];
	char head[16][256];       /* the "# block" line of each block */
};

static void dat_load(struct dat *t, const char *dir, const char *name)
{
	char path[4500], line[4096];
	snprintf(path, sizeof path, "%s/%s.dat", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	memset(t, 0, sizeof *t);
	int blanks = 0, cur = -1;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '\n') {
			blanks++;
			continue;
		}
		if (blanks >= 2 || cur < 0) {
			if (cur < 0 || t->nrows[cur] > 0 || blanks >= 2)
				cur++;
			assert_true(cur < 16);
		}
		blanks = 0;
		if (line[0] == '#') {
			if (!strncmp(line, "# block", 7))
				snprintf(t->head[cur], sizeof t->head[cur], "%.200s", line);
			continue;
		}
		int c = 0;
		char *p = line, *end;
		while (c < MAX_COLS) {
			double x = strtod(p, &end);
			if (end == p)
				break;
			t->v[cur][t->nrows[cur]][c++] = x;
			p = end;
		}
		assert_true(t->nrows[cur] < MAX_ROWS);
		t->nrows[cur]++;
	}
	t->nblocks = cur + 1;
	fclose(f);
}

static void assert_close(double got, double want, const char *what)
{
	if (isnan(want) && isnan(got))
		return;
	if (!(fabs(got - want) <= REL_TOL * fabs(want) + 1e-15))
		fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

/* The values of one SQL column (no NULL) into v; their number. */
static int sql_values(const char *db, const char *sql, double *v, int max)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < max)
		v[n++] = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* Mean and sample standard deviation of v[0..n). */
static void mean_sd(const double *v, int n, double *mean, double *sd)
{
	double s = 0, q = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	*mean = s / n;
	for (int i = 0; i < n; i++)
		q += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(q / (n - 1)) : NAN;
}

/* Columns n mean sd lo hi at c of a row against the values. */
static void assert_stats(const double *row, int c, const double *v, int n,
			 const char *what)
{
	double mean, sd;
	mean_sd(v, n, &mean, &sd);
	assert_int_equal((int)row[c], n);
	assert_close(row[c + 1], mean, what);
	assert_close(row[c + 2], sd, what);
	assert_true(n == 3);
	assert_close(row[c + 3], mean - T975_2 * sd / sqrt(3), what);
	assert_close(row[c + 4], mean + T975_2 * sd / sqrt(3), what);
}

/* --- every kind, every format --- */

static const enum plot_format formats[] = { PLOT_PNG, PLOT_PDF, PLOT_SVG };
static const char *const exts[] = { "png", "pdf", "svg" };

/* The figure is there, not empty, and gnuplot remakes it silently. */
static void assert_figure(const struct run *r, const char *name, int f)
{
	assert_true(file_size(r->dir, name, "gp") > 0);
	assert_true(file_size(r->dir, name, "dat") > 0);
	assert_true(file_size(r->dir, name, exts[f]) > 0);
	char cmd[4600], out[4500];
	snprintf(out, sizeof out, "%s/%s.%s", r->dir, name, exts[f]);
	remove(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot %s.gp 2> rerun.err &&"
		 " test ! -s rerun.err", r->dir, name);
	if (system(cmd) != 0)
		fail_msg("gnuplot %s/%s.gp fails or warns", r->dir, name);
	assert_true(file_size(r->dir, name, exts[f]) > 0);
}

static void test_kind_every_format(void **state)
{
	enum plot_kind k = (enum plot_kind)(intptr_t)*state;
	for (int f = 0; f < 3; f++) {
		struct run r;
		run_ok(&r, db_path, 1u << k, formats[f], PLOT_X_TIME, NULL);
		if (r.err[0])
			fail_msg("%s in %s: stderr says %s", plot_kind_name(k), exts[f],
				 r.err);
		assert_figure(&r, plot_kind_name(k), f);
	}
}

/* --- the numbers --- */

static void test_loss_ticks_equal_sql(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_LOSS, PLOT_PNG, PLOT_X_TICKS, NULL);
	dat_load(&t, r.dir, "loss");
	assert_int_equal(t.nblocks, 2);
	assert_non_null(strstr(t.head[0], "async (runs 1 2 3)"));
	assert_non_null(strstr(t.head[1], "sync (runs 4 5 6)"));
	static const char *const cols[] = { "train_loss", "test_loss",
					    "test_accuracy" };
	for (int b = 0; b < 2; b++) {
		assert_int_equal(t.nrows[b], 7);
		for (int i = 0; i < t.nrows[b]; i++) {
			const double *row = t.v[b][i];
			assert_int_equal((int)row[1], 10 * i);
			for (int m = 0; m < 3; m++) {
				char sql[256];
				double v[8];
				snprintf(sql, sizeof sql, "SELECT %s FROM evals WHERE k = %d"
					 " AND run_id BETWEEN %d AND %d", cols[m], 10 * i,
					 1 + 3 * b, 3 + 3 * b);
				int n = sql_values(db_path, sql, v, 8);
				assert_stats(row, 2 + 5 * m, v, n, cols[m]);
			}
			double tv[8], mean, sd;
			char sql[256];
			snprintf(sql, sizeof sql, "SELECT t FROM evals WHERE k = %d AND"
				 " run_id BETWEEN %d AND %d", 10 * i, 1 + 3 * b, 3 + 3 * b);
			mean_sd(tv, sql_values(db_path, sql, tv, 8), &mean, &sd);
			assert_close(row[0], mean, "mean time");
		}
	}
}

/* The clocks of the replications differ by less than half a grid step:
 * the time grid pools exactly the evaluations of one tick. */
static void test_loss_time_grid_pools_ticks(void **state)
{
	struct run rt, rk;
	struct dat t, k;
	run_ok(&rt, db_path, 1u << PLOT_LOSS, PLOT_PNG, PLOT_X_TIME, NULL);
	run_ok(&rk, db_path, 1u << PLOT_LOSS, PLOT_PNG, PLOT_X_TICKS, NULL);
	dat_load(&t, rt.dir, "loss");
	dat_load(&k, rk.dir, "loss");
	assert_int_equal(t.nblocks, k.nblocks);
	for (int b = 0; b < t.nblocks; b++) {
		assert_int_equal(t.nrows[b], k.nrows[b]);
		for (int i = 0; i < t.nrows[b]; i++)
			for (int c = 0; c < 17; c++)
				assert_close(t.v[b][i][c], k.v[b][i][c], "time vs ticks");
	}
}

static void test_gradnorm_running_mean(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_GRADNORM, PLOT_PNG, PLOT_X_TICKS, NULL);
	dat_load(&t, r.dir, "gradnorm");
	assert_int_equal(t.nblocks, 2);
	for (int i = 0; i < t.nrows[1]; i++) {
		double v[8], lhs[3];
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT full_grad_norm2 FROM evals WHERE"
			 " k = %d AND run_id BETWEEN 4 AND 6", 10 * i);
		assert_stats(t.v[1][i], 2, v, sql_values(db_path, sql, v, 8),
			     "gradnorm");
		for (int r3 = 0; r3 < 3; r3++) {
			snprintf(sql, sizeof sql, "SELECT AVG(full_grad_norm2) FROM evals"
				 " WHERE k <= %d AND run_id = %d", 10 * i, 4 + r3);
			sql_values(db_path, sql, &lhs[r3], 1);
		}
		assert_stats(t.v[1][i], 7, lhs, 3, "running mean");
	}
}

static void test_staleness_equal_sql(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_STALENESS, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "staleness");
	/* 2 points x 2 groups: async fast, async slow, sync fast, sync slow */
	assert_int_equal(t.nblocks, 4);
	assert_non_null(strstr(t.head[1], "async, group slow (runs 1 2 3)"));
	for (int b = 0; b < 2; b++) {
		const char *grp = b ? "w.grp = 'slow'" : "w.grp = 'fast'";
		double total;
		char sql[512];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM updates u JOIN workers w"
			 " USING (run_id, worker) WHERE u.run_id <= 3 AND %s", grp);
		sql_values(db_path, sql, &total, 1);
		double cum = 0;
		for (int i = 0; i < t.nrows[b]; i++) {
			const double *row = t.v[b][i];
			double count = 0;
			snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM updates u JOIN"
				 " workers w USING (run_id, worker) WHERE u.run_id <= 3 AND"
				 " %s AND u.staleness = %d", grp, (int)row[0]);
			sql_values(db_path, sql, &count, 1);
			cum += count;
			assert_close(row[1], row[0], "bin width 1");
			assert_close(row[2], count, "count");
			assert_close(row[3], count / total, "fraction");
			assert_close(row[4], cum / total, "cdf");
		}
		assert_close(cum, total, "every gradient counted");
		assert_close(t.v[b][t.nrows[b] - 1][4], 1, "cdf ends at 1");
	}
}

static void test_kappa_equal_sql(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_KAPPA, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "kappa");
	assert_int_equal(t.nblocks, 2);
	for (int b = 0; b < 2; b++) {
		assert_int_equal(t.nrows[b], 3);
		for (int w = 0; w < 3; w++) {
			double v[8];
			char sql[256];
			snprintf(sql, sizeof sql, "SELECT kappa FROM workers WHERE"
				 " worker = %d AND run_id BETWEEN %d AND %d", w,
				 1 + 3 * b, 3 + 3 * b);
			assert_int_equal((int)t.v[b][w][0], w);
			assert_stats(t.v[b][w], 1, v, sql_values(db_path, sql, v, 8),
				     "kappa");
		}
	}
}

/* The pairs of least, median and greatest mean age; per pair a block of
 * vertices, then one of its mean from aoi_summary; the window is 6 times
 * the greatest mean, ceil(6 x 5.83) = 35 ticks, centred: [12, 47]. */
static void test_aoi_sawtooth(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_AOI, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "aoi");
	assert_int_equal(t.nblocks, 6);
	double means[3] = { aoi_mean(1, 0), aoi_mean(2, 1), aoi_mean(0, 1) };
	assert_close(means[0], 2.5, "mean (1, 0)");
	assert_close(means[2], 350.0 / 60, "mean (0, 1)");
	for (int p = 0; p < 3; p++) {
		assert_int_equal(t.nrows[2 * p + 1], 2);
		assert_close(t.v[2 * p + 1][0][0], 12, "window start");
		assert_close(t.v[2 * p + 1][1][0], 47, "window end");
		assert_close(t.v[2 * p + 1][0][1], means[p], "mean age");
	}
	/* (0, 1): age 2 from 10 (4 at 12), 1 from 20, 3 from 30, 0 from 40 */
	static const double want[8][2] = {
		{ 12, 4 }, { 20, 12 }, { 20, 1 }, { 30, 11 },
		{ 30, 3 }, { 40, 13 }, { 40, 0 }, { 47, 7 },
	};
	assert_int_equal(t.nrows[4], 8);
	for (int i = 0; i < 8; i++) {
		assert_close(t.v[4][i][0], want[i][0], "vertex k");
		assert_close(t.v[4][i][1], want[i][1], "vertex age");
	}
	/* every segment rises by one per tick, inside the window */
	for (int b = 0; b < 6; b += 2)
		for (int i = 0; i + 1 < t.nrows[b]; i += 2) {
			assert_close(t.v[b][i + 1][1] - t.v[b][i][1],
				     t.v[b][i + 1][0] - t.v[b][i][0], "slope 1");
			assert_true(t.v[b][i][0] >= 12 && t.v[b][i + 1][0] <= 47);
		}
}

static void test_bound_points(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_BOUND, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "bound");
	assert_int_equal(t.nblocks, 2);
	assert_int_equal(t.nrows[0], 4);   /* fitted: runs 1-4 */
	assert_int_equal(t.nrows[1], 2);   /* held out: runs 5, 6 */
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < t.nrows[b]; i++) {
			const double *row = t.v[b][i];
			double v[2];
			char sql[128];
			snprintf(sql, sizeof sql, "SELECT rhs FROM bound WHERE run_id = %d"
				 " UNION ALL SELECT lhs FROM bound WHERE run_id = %d",
				 (int)row[0], (int)row[0]);
			assert_int_equal(sql_values(db_path, sql, v, 2), 2);
			assert_close(row[2], v[0], "rhs");
			assert_close(row[3], v[1], "lhs");
		}
}

static void test_timeline_intervals(void **state)
{
	struct run r;
	struct dat t;
	run_ok(&r, db_path, 1u << PLOT_TIMELINE, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "timeline");
	assert_int_equal(t.nblocks, 3);
	assert_non_null(strstr(t.head[0], "compute"));
	assert_non_null(strstr(t.head[2], "downlink"));
	for (int b = 0; b < 3; b++) {
		assert_int_equal(t.nrows[b], 12);
		for (int i = 0; i < 12; i++)
			assert_close(t.v[b][i][2] - t.v[b][i][1], b == 0 ? 0.7 : 0.1,
				     "interval length");
	}
}

/* --- which kinds, which runs --- */

static void test_default_skips_kinds_without_data(void **state)
{
	struct run r;
	run_ok(&r, db_bare, 0, PLOT_PNG, PLOT_X_TIME, NULL);
	static const char *const made[] = { "loss", "gradnorm", "staleness",
					    "kappa" };
	for (int i = 0; i < 4; i++)
		assert_true(file_size(r.dir, made[i], "png") > 0);
	assert_non_null(strstr(r.err, "no aoi figure: table 'aoi' is missing"));
	assert_non_null(strstr(r.err, "no bound figure"));
	assert_non_null(strstr(r.err, "no timeline figure"));
	assert_int_equal(file_size(r.dir, "aoi", "gp"), -1);
}

static void test_kind_asked_without_data_is_bad_input(void **state)
{
	struct run r;
	run_plot(&r, db_bare, 1u << PLOT_BOUND | 1u << PLOT_LOSS, PLOT_PNG,
		 PLOT_X_TIME, NULL, NULL);
	assert_int_equal(r.status, ASG_EINPUT);
	assert_non_null(strstr(r.msg, "cannot plot bound from"));
	assert_int_equal(file_size(r.dir, "loss", "png"), -1);
}

static void test_runs_filter(void **state)
{
	static const struct {
		const char *filter;    /* --runs */
		asg_status status;     /* expected */
		const char *block0;    /* in the first block's header */
		int nblocks;           /* blocks of kappa.dat */
	} cases[] = {
		{ NULL, ASG_OK, "async (runs 1 2 3)", 2 },
		{ "4-6", ASG_OK, "sync (runs 4 5 6)", 1 },
		{ "1,5", ASG_OK, "async (runs 1)", 2 },
		{ "protocol=sync,replication=0", ASG_OK, "sync (runs 4)", 1 },
		{ "protocol.kind=async", ASG_OK, "async (runs 1 2 3)", 1 },
		{ "status=running", ASG_OK, "async (runs 7)", 1 },
		{ "point=0,status=done,status=running", ASG_OK, "(runs 1 2 3 7)", 1 },
		{ "protocol.kind=gossip", ASG_EINPUT, NULL, 0 },
		{ "9", ASG_EINPUT, NULL, 0 },
		{ "3-1", ASG_EINPUT, NULL, 0 },
		{ "=sync", ASG_EINPUT, NULL, 0 },
		{ "1,,2", ASG_EINPUT, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct run r;
		struct dat t;
		run_plot(&r, db_path, 1u << PLOT_KAPPA, PLOT_PNG, PLOT_X_TIME,
			 cases[i].filter, NULL);
		if (r.status != cases[i].status)
			fail_msg("--runs %s: status %d (%s)", cases[i].filter,
				 r.status, r.msg);
		if (r.status != ASG_OK)
			continue;
		dat_load(&t, r.dir, "kappa");
		assert_int_equal(t.nblocks, cases[i].nblocks);
		if (!strstr(t.head[0], cases[i].block0))
			fail_msg("--runs %s: %s", cases[i].filter, t.head[0]);
	}
}

/* A zip sweep whose keys change together (batch 32 with one compute time,
 * 64 with another): the key names only the keys that tell the series
 * apart, protocol.batch and protocol.kind, and the labels their values. */
static void test_labels_keep_keys_that_tell_apart(void **state)
{
	(void)state;
	char path[4300];
	snprintf(path, sizeof path, "%s/test_plot-%ld-zip.db", BUILD_DIR,
		 (long)getpid());
	make_db(path, false);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec_sql(db, "UPDATE runs SET point = json_object('protocol.batch',"
		 " CASE WHEN run_id % 2 THEN 32 ELSE 64 END, 'workers[0].compute',"
		 " CASE WHEN run_id % 2 THEN 'lognormal(mu=-2.3, sigma=0.1)'"
		 " ELSE 'lognormal(mu=-1.6, sigma=0.1)' END, 'protocol.kind',"
		 " protocol), point_index = (run_id % 2) * 2 + (protocol = 'sync')");
	sqlite3_close(db);
	struct run r;
	struct dat t;
	run_ok(&r, path, 1u << PLOT_KAPPA, PLOT_PNG, PLOT_X_TIME, NULL);
	dat_load(&t, r.dir, "kappa");
	assert_int_equal(t.nblocks, 4);
	const char *const want[] = { "32, async (runs 1 3)", "64, async (runs 2)",
				     "64, sync (runs 4 6)", "32, sync (runs 5)" };
	for (int b = 0; b < 4; b++) {
		bool found = false;
		for (int c = 0; c < 4; c++)
			found |= strstr(t.head[c], want[b]) != NULL;
		if (!found)
			fail_msg("no block '%s' (first: %s)", want[b], t.head[0]);
	}
	char gp[4400], text[8192];
	snprintf(gp, sizeof gp, "%s/kappa.gp", r.dir);
	FILE *f = fopen(gp, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "protocol.batch, protocol.kind"));
	assert_null(strstr(text, "lognormal"));
	remove(path);
}

static void test_gnuplot_failure(void **state)
{
	char fake[4300];
	snprintf(fake, sizeof fake, "%s/test_plot-%ld-gnuplot.sh", BUILD_DIR,
		 (long)getpid());
	FILE *f = fopen(fake, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho \"line 3: bad script $1\" >&2\nexit 1\n", f);
	fclose(f);
	chmod(fake, 0755);
	struct run r;
	run_plot(&r, db_path, 1u << PLOT_KAPPA, PLOT_PNG, PLOT_X_TIME, NULL, fake);
	assert_int_equal(r.status, ASG_EINTERNAL);
	assert_non_null(strstr(r.msg, "gnuplot failed on"));
	assert_non_null(strstr(r.err, "line 3: bad script kappa.gp"));
	run_plot(&r, db_path, 1u << PLOT_KAPPA, PLOT_PNG, PLOT_X_TIME, NULL,
		 "asgdsim-no-such-gnuplot");
	assert_int_equal(r.status, ASG_EINTERNAL);
	assert_non_null(strstr(r.msg, "cannot run 'asgdsim-no-such-gnuplot'"));
	remove(fake);
}

#define KIND_TEST(k) \
	cmocka_unit_test_prestate(test_kind_every_format, (void *)(intptr_t)(k))

int main(void)
{
	const struct CMUnitTest tests[] = {
		KIND_TEST(PLOT_LOSS), KIND_TEST(PLOT_GRADNORM),
		KIND_TEST(PLOT_STALENESS), KIND_TEST(PLOT_AOI),
		KIND_TEST(PLOT_KAPPA), KIND_TEST(PLOT_BOUND),
		KIND_TEST(PLOT_TIMELINE),
		cmocka_unit_test(test_loss_ticks_equal_sql),
		cmocka_unit_test(test_loss_time_grid_pools_ticks),
		cmocka_unit_test(test_gradnorm_running_mean),
		cmocka_unit_test(test_staleness_equal_sql),
		cmocka_unit_test(test_kappa_equal_sql),
		cmocka_unit_test(test_aoi_sawtooth),
		cmocka_unit_test(test_bound_points),
		cmocka_unit_test(test_timeline_intervals),
		cmocka_unit_test(test_default_skips_kinds_without_data),
		cmocka_unit_test(test_kind_asked_without_data_is_bad_input),
		cmocka_unit_test(test_runs_filter),
		cmocka_unit_test(test_labels_keep_keys_that_tell_apart),
		cmocka_unit_test(test_gnuplot_failure),
	};
	return cmocka_run_group_tests(tests, setup_dbs, teardown_dbs);
}
