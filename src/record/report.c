/*
 * report.c — the key figures of every run of a results database
 * (report.h).
 *
 * The runs are read once, in run_id order, into a table of formatted cells
 * whose columns are then sized to their widest cell, so the lines align
 * whatever the magnitudes.  The summary pools, per point, the runs that
 * finished (done or diverged): a value that is NULL in a run (the loss of
 * the timing-only model) is left out of that value's mean.  The 95%
 * half-width is t_{0.975, m-1} s / sqrt(m), with m the values pooled and s
 * their sample standard deviation; a single value is shown alone.
 * This is not a hot path: it allocates freely.
 */
#include "report.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/*
 * t_{0.975, df}, the 97.5% quantile of Student's t with df degrees of
 * freedom (gsl_cdf_tdist_Pinv(0.975, df), df = 1..30).  Beyond, the
 * Cornish-Fisher expansion z + (z^3 + z)/(4 df) + (5z^5 + 16z^3 + 3z)/(96 df^2)
 * is within 1e-4 of it.
 */
static const double report_t975_table[30] = {
	12.7062047, 4.3026527, 3.1824463, 2.7764451, 2.5705818,
	2.4469119, 2.3646243, 2.3060041, 2.2621572, 2.2281389,
	2.2009852, 2.1788128, 2.1603687, 2.1447867, 2.1314495,
	2.1199053, 2.1098156, 2.1009220, 2.0930241, 2.0859634,
	2.0796138, 2.0738731, 2.0686576, 2.0638986, 2.0595386,
	2.0555294, 2.0518305, 2.0484071, 2.0452296, 2.0422725,
};

static double report_t975(size_t df)
{
	assert(df >= 1);
	if (df <= 30)
		return report_t975_table[df - 1];
	const double z = 1.959963985;
	double n = (double)df;
	return z + (z * z * z + z) / (4 * n) +
	       (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

/* A formatted string, or NULL when out of memory. */
static char *report_strf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *report_strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * A table of text cells printed with each column as wide as its widest
 * cell, two spaces apart; 'l' columns align left, 'r' columns right.
 * A NULL cell is printed '-'.
 */
struct report_table {
	size_t ncols;              /* columns */
	const char *const *heads;  /* ncols header names */
	const char *align;         /* ncols letters, 'l' or 'r' */
	size_t nrows;              /* rows filled */
	size_t cap;                /* rows allocated */
	char **cells;              /* cap * ncols cells, row-major, owned */
};

/* A new empty row; its index in *row. */
static asg_status report_table_add(struct report_table *t, size_t *row)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
		if (!cells)
			return ASG_ENOMEM;
		t->cells = cells;
		t->cap = cap;
	}
	*row = t->nrows++;
	memset(&t->cells[*row * t->ncols], 0, t->ncols * sizeof *t->cells);
	return ASG_OK;
}

static const char *report_table_get(const struct report_table *t, size_t row,
				    size_t col)
{
	const char *s = t->cells[row * t->ncols + col];
	return s ? s : "-";
}

static void report_table_print_row(const struct report_table *t,
				   const size_t *width, FILE *out,
				   const char *(*cell)(const struct report_table *,
						       size_t, size_t),
				   size_t row)
{
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = cell(t, row, c);
		bool last = c + 1 == t->ncols;
		if (t->align[c] == 'r')
			fprintf(out, "%*s", (int)width[c], s);
		else
			fprintf(out, "%-*s", last ? 0 : (int)width[c], s);
		fputs(last ? "\n" : "  ", out);
	}
}

static const char *report_table_head(const struct report_table *t, size_t row,
				     size_t col)
{
	return t->heads[col];
}

static asg_status report_table_print(const struct report_table *t, FILE *out)
{
	size_t *width = calloc(t->ncols, sizeof *width);
	if (!width)
		return ASG_ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->heads[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = strlen(report_table_get(t, r, c));
			if (w > width[c])
				width[c] = w;
		}
	}
	report_table_print_row(t, width, out, report_table_head, 0);
	for (size_t r = 0; r < t->nrows; r++)
		report_table_print_row(t, width, out, report_table_get, r);
	free(width);
	return ASG_OK;
}

static void report_table_release(struct report_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* The columns of the runs query and of the run table. */
enum report_col {
	COL_RUN, COL_POINT, COL_REP, COL_SEED, COL_PROTOCOL, COL_WORKERS,
	COL_STATUS, COL_TICKS, COL_GRADS, COL_VTIME, COL_RATE, COL_STALE,
	COL_LOSS, COL_ACC, COL_GNORM2, COL_WALL, COL_NRUN
};

static const char *const report_run_heads[COL_NRUN] = {
	"run", "pt", "rep", "seed", "protocol", "workers", "status", "ticks",
	"grads", "vtime", "ticks/vs", "stale", "loss", "acc", "gnorm2", "wall_s",
};

/* How each column is aligned ('l', 'r') and formatted: 'i' integer,
 * 'u' unsigned 64-bit integer, 's' text, a digit: real with that many
 * significant digits. */
static const char report_run_align[COL_NRUN + 1] = "rrrrlrlrrrrrrrrr";
static const char report_run_kind[COL_NRUN + 1] = "iiiusisii6446443";

static const char report_runs_sql[] =
	"SELECT run_id, point_index, replication, seed, protocol, workers,"
	" status, updates, gradients, virtual_time, NULL, mean_staleness,"
	" final_loss, test_accuracy, final_grad_norm2, wall_seconds,"
	" scenario, point, model FROM runs ORDER BY run_id";

enum { SQL_SCENARIO = COL_NRUN, SQL_SWEEP, SQL_MODEL };

/* The figures a run adds to its point's summary. */
enum report_stat { STAT_VTIME, STAT_STALE, STAT_LOSS, STAT_ACC, STAT_N };

static const int report_stat_col[STAT_N] = { COL_VTIME, COL_STALE, COL_LOSS,
					     COL_ACC };
static const int report_stat_digits[STAT_N] = { 6, 4, 6, 4 };

struct report_run {
	char *key;              /* its point: the fields that define it */
	char *sweep;            /* the sweep values (JSON), NULL if none */
	bool pooled;            /* finished: done or diverged */
	double v[STAT_N];       /* the figures, NAN when NULL */
};

/* The cell of one column of the current result row; NULL for a NULL
 * value (or when out of memory: the caller tells them apart). */
static char *report_format(sqlite3_stmt *st, int col)
{
	char kind = report_run_kind[col];
	if (col == COL_RATE) {
		if (sqlite3_column_type(st, COL_TICKS) == SQLITE_NULL ||
		    sqlite3_column_type(st, COL_VTIME) == SQLITE_NULL)
			return NULL;
		double ticks = sqlite3_column_double(st, COL_TICKS);
		double vt = sqlite3_column_double(st, COL_VTIME);
		return vt > 0 ? report_strf("%.*g", kind - '0', ticks / vt) : NULL;
	}
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	switch (kind) {
	case 'i':
		return report_strf("%lld", (long long)sqlite3_column_int64(st, col));
	case 'u':  /* a seed, stored as the bits of a uint64_t */
		return report_strf("%llu", (unsigned long long)
				   sqlite3_column_int64(st, col));
	case 's':
		return report_strf("%s", (const char *)sqlite3_column_text(st, col));
	default:
		assert(kind >= '1' && kind <= '9');
		return report_strf("%.*g", kind - '0',
				   sqlite3_column_double(st, col));
	}
}

static const char *report_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s ? s : "";
}

/* Fill table row `row` and run *run from the current result row. */
static asg_status report_read_row(sqlite3_stmt *st, struct report_table *t,
				  size_t row, struct report_run *run)
{
	for (int c = 0; c < COL_NRUN; c++) {
		bool null = sqlite3_column_type(st, c) == SQLITE_NULL;
		char *s = report_format(st, c);
		if (!s && !(null || c == COL_RATE))
			return ASG_ENOMEM;
		t->cells[row * t->ncols + (size_t)c] = s;
	}
	run->key = report_strf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
			       report_text(st, SQL_SCENARIO),
			       report_text(st, COL_POINT),
			       report_text(st, SQL_SWEEP),
			       report_text(st, COL_PROTOCOL),
			       report_text(st, SQL_MODEL),
			       report_text(st, COL_WORKERS));
	if (sqlite3_column_type(st, SQL_SWEEP) != SQLITE_NULL)
		run->sweep = report_strf("%s", report_text(st, SQL_SWEEP));
	if (!run->key)
		return ASG_ENOMEM;
	const char *status = report_text(st, COL_STATUS);
	run->pooled = !strcmp(status, "done") || !strcmp(status, "diverged");
	for (int i = 0; i < STAT_N; i++) {
		int c = report_stat_col[i];
		run->v[i] = sqlite3_column_type(st, c) == SQLITE_NULL
				    ? NAN : sqlite3_column_double(st, c);
	}
	return ASG_OK;
}

/* The runs of the database, in run_id order, into t and *runs. */
static asg_status report_read(sqlite3 *db, const char *path,
			      struct report_table *t, struct report_run **runs,
			      struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(db, report_runs_sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->nrows == cap) {
			cap = cap ? 2 * cap : 64;
			struct report_run *more = realloc(*runs, cap * sizeof **runs);
			if (!more) {
				s = ASG_ENOMEM;
				goto out_finalize;
			}
			*runs = more;
		}
		memset(&(*runs)[t->nrows], 0, sizeof **runs);
		size_t row;
		s = report_table_add(t, &row);
		if (s != ASG_OK)
			goto out_finalize;
		s = report_read_row(st, t, row, &(*runs)[row]);
		if (s != ASG_OK)
			goto out_finalize;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
out_finalize:
	sqlite3_finalize(st);
	if (s == ASG_ENOMEM)
		diag_set(d, s, "cannot read '%s': out of memory", path);
	return s;
}

/* A point: the runs with one key. */
struct report_group {
	size_t first;     /* index of its first run */
	size_t *members;  /* its runs, in run order (a slice of a shared array) */
	size_t n;         /* how many */
};

struct report_member {
	const char *key;  /* the run's key */
	size_t run;       /* the run's index */
};

static int report_member_cmp(const void *a, const void *b)
{
	const struct report_member *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return (x->run > y->run) - (x->run < y->run);
}

static int report_group_cmp(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

/* "mean +- half-width" of the non-NULL values of figure i over the pooled
 * runs of g; NULL if there are none (printed '-', as is the rare cell that
 * finds no memory). */
static char *report_stat_cell(const struct report_group *g,
			      const struct report_run *runs, int i)
{
	double sum = 0, sum2 = 0;
	size_t m = 0;
	for (size_t j = 0; j < g->n; j++) {
		const struct report_run *r = &runs[g->members[j]];
		if (!r->pooled || isnan(r->v[i]))
			continue;
		sum += r->v[i];
		m++;
	}
	if (m == 0)
		return NULL;
	double mean = sum / (double)m;
	if (m == 1)
		return report_strf("%.*g", report_stat_digits[i], mean);
	for (size_t j = 0; j < g->n; j++) {
		const struct report_run *r = &runs[g->members[j]];
		if (r->pooled && !isnan(r->v[i]))
			sum2 += (r->v[i] - mean) * (r->v[i] - mean);
	}
	double sd = sqrt(sum2 / (double)(m - 1));
	double half = report_t975(m - 1) * sd / sqrt((double)m);
	return report_strf("%.*g +- %.2g", report_stat_digits[i], mean, half);
}

static const char *const report_point_heads[] = {
	"pt", "n", "protocol", "workers", "vtime", "stale", "loss", "acc", "sweep",
};

static const char report_point_align[] = "rrlrrrrrl";

/* One summary row for point g. */
static asg_status report_point_row(struct report_table *pt,
				   const struct report_table *rt,
				   const struct report_run *runs,
				   const struct report_group *g, size_t pooled)
{
	size_t row;
	if (report_table_add(pt, &row) != ASG_OK)
		return ASG_ENOMEM;
	char **cell = &pt->cells[row * pt->ncols];
	cell[0] = report_strf("%s", report_table_get(rt, g->first, COL_POINT));
	cell[1] = report_strf("%zu", pooled);
	cell[2] = report_strf("%s", report_table_get(rt, g->first, COL_PROTOCOL));
	cell[3] = report_strf("%s", report_table_get(rt, g->first, COL_WORKERS));
	for (int i = 0; i < STAT_N; i++)
		cell[4 + i] = report_stat_cell(g, runs, i);
	const char *sweep = runs[g->first].sweep;
	cell[4 + STAT_N] = report_strf("%s", sweep ? sweep : "-");
	for (int c = 0; c < 4; c++)
		if (!cell[c])
			return ASG_ENOMEM;
	return cell[4 + STAT_N] ? ASG_OK : ASG_ENOMEM;
}

static size_t report_pooled(const struct report_group *g,
			    const struct report_run *runs)
{
	size_t n = 0;
	for (size_t j = 0; j < g->n; j++)
		n += runs[g->members[j]].pooled;
	return n;
}

/* The points of the runs, in order of their first run. */
static asg_status report_group_runs(const struct report_run *runs, size_t n,
				    struct report_group **groups,
				    size_t *ngroups, size_t **members)
{
	struct report_member *m = malloc(n * sizeof *m);
	*members = malloc(n * sizeof **members);
	*groups = malloc(n * sizeof **groups);
	if (!m || !*members || !*groups) {
		free(m);
		return ASG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		m[i] = (struct report_member){ runs[i].key, i };
	qsort(m, n, sizeof *m, report_member_cmp);
	*ngroups = 0;
	for (size_t i = 0; i < n; i++) {
		(*members)[i] = m[i].run;
		if (i == 0 || strcmp(m[i].key, m[i - 1].key) != 0)
			(*groups)[(*ngroups)++] = (struct report_group){
				m[i].run, &(*members)[i], 0 };
		(*groups)[*ngroups - 1].n++;
	}
	qsort(*groups, *ngroups, sizeof **groups, report_group_cmp);
	free(m);
	return ASG_OK;
}

/* The summary per point, when some point has two finished runs. */
static asg_status report_points(const struct report_table *rt,
				const struct report_run *runs, FILE *out)
{
	struct report_group *groups = NULL;
	size_t *members = NULL, ngroups = 0;
	struct report_table pt = { 5 + STAT_N, report_point_heads, report_point_align,
				   0, 0, NULL };
	if (rt->nrows == 0)
		return ASG_OK;
	asg_status s = report_group_runs(runs, rt->nrows, &groups, &ngroups,
					 &members);
	bool shared = false;
	for (size_t g = 0; s == ASG_OK && g < ngroups; g++) {
		size_t pooled = report_pooled(&groups[g], runs);
		shared = shared || pooled >= 2;
		if (pooled > 0)
			s = report_point_row(&pt, rt, runs, &groups[g], pooled);
	}
	if (s == ASG_OK && shared) {
		fputs("\nper point, over finished runs: mean +- 95% confidence"
		      " half-width (student t)\n", out);
		s = report_table_print(&pt, out);
	}
	report_table_release(&pt);
	free(groups);
	free(members);
	return s;
}

asg_status report_print(const char *db_path, FILE *out, struct diag *d)
{
	struct report_table rt = { COL_NRUN, report_run_heads, report_run_align,
				   0, 0, NULL };
	struct report_run *runs = NULL;
	sqlite3 *db = schema_open(db_path, false, d);
	if (!db)
		return d->status;
	asg_status s = report_read(db, db_path, &rt, &runs, d);
	if (s != ASG_OK)
		goto out_free;
	s = report_table_print(&rt, out);
	if (s == ASG_OK)
		s = report_points(&rt, runs, out);
	if (s != ASG_OK)
		diag_set(d, s, "cannot report '%s': out of memory", db_path);
out_free:
	for (size_t i = 0; i < rt.nrows; i++) {
		free(runs[i].key);
		free(runs[i].sweep);
	}
	free(runs);
	report_table_release(&rt);
	sqlite3_close(db);
	return s;
}
