/*
 * verify.c — the invariants of recorded runs and the comparison of two
 * runs (verify.h).
 *
 * Each invariant is one SQL query over the run's rows that counts the rows
 * breaking it (window functions give "the previous row in the order
 * written"); the aoi invariant rebuilds every pair's trajectory
 * (aoitrace.h).  The comparison steps two statements side by side and
 * compares values by type and bytes.
 */
#include "verify.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "../record/runtables.h"
#include "../record/schema.h"
#include "aoitrace.h"

#define VERIFY_KAPPA_TOLERANCE 1e-9

/* A run as the runs table has it. */
struct verify_run {
	int64_t id;
	const char *status;    /* points into the statement's row */
	long workers;
	int64_t updates;       /* ticks */
	int64_t gradients;
	int64_t diverged_at;   /* -1 if it did not diverge */
};

/* The first column of the first row of sql with ?1 = run and ?2 = arg,
 * as an integer (0 for no row or NULL). */
static asg_status verify_count(sqlite3 *db, const char *path, const char *sql,
			       int64_t run, int64_t arg, int64_t *out,
			       struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, arg);
		rc = sqlite3_step(st);
	}
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	asg_status s = ASG_OK;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return s;
}

/* One invariant: a query counting the rows that break it, and what to say
 * when some do. */
struct verify_rule {
	const char *what;      /* printed with the count of offending rows */
	const char *sql;       /* ?1 = run_id, ?2 = the rule's argument */
};

static const struct verify_rule verify_order_rules[] = {
	{ "updates rows in the run's update_spans that belong to another run",
	  "SELECT COUNT(*) FROM updates_by_run v JOIN updates u ON u.rowid = v.seq"
	  " WHERE v.run_id = ?1 AND u.run_id IS NOT ?1" },
	{ "rowids in the run's update_spans without an updates row",
	  "SELECT COALESCE(SUM(last_rowid - first_rowid + 1), 0)"
	  " - (SELECT COUNT(*) FROM updates_by_run WHERE run_id = ?1)"
	  " FROM update_spans WHERE run_id = ?1" },
	{ "updates rows where k or t decreases",
	  "SELECT COUNT(*) FROM (SELECT k, t, LAG(k) OVER w AS pk, LAG(t) OVER w AS pt"
	  " FROM updates_by_run WHERE run_id = ?1 WINDOW w AS (ORDER BY seq))"
	  " WHERE k < pk OR t < pt" },
	{ "updates rows with staleness outside [0, k]",
	  "SELECT COUNT(*) FROM updates_by_run WHERE run_id = ?1"
	  " AND (staleness < 0 OR staleness > k)" },
	{ "updates rows with a worker outside [0, workers)",
	  "SELECT COUNT(*) FROM updates_by_run WHERE run_id = ?1"
	  " AND (worker < 0 OR worker >= ?2)" },
	{ "evals rows where k or t decreases",
	  "SELECT COUNT(*) FROM (SELECT k, t, LAG(k) OVER w AS pk, LAG(t) OVER w AS pt"
	  " FROM evals WHERE run_id = ?1 WINDOW w AS (ORDER BY rowid))"
	  " WHERE k < pk OR t < pt" },
};

/* Ticks whose row count is not G (?2), the tick of divergence and later
 * excepted (a run may stop inside the tick where it diverged). */
static const char verify_per_tick_sql[] =
	"SELECT COUNT(*) FROM (SELECT k, COUNT(*) AS c FROM updates_by_run"
	" WHERE run_id = ?1 AND (?3 < 0 OR k < ?3) GROUP BY k HAVING c != ?2)";

/* Print "run N: " and the problem; count the run as failed once. */
static void verify_complain(FILE *out, const struct verify_run *r, bool *bad,
			    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void verify_complain(FILE *out, const struct verify_run *r, bool *bad,
			    const char *fmt, ...)
{
	va_list ap;
	fprintf(out, "run %" PRId64 ": ", r->id);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	*bad = true;
}

static asg_status verify_rules(sqlite3 *db, const char *path,
			       const struct verify_run *r, FILE *out, bool *bad,
			       struct diag *d)
{
	for (size_t i = 0; i < sizeof verify_order_rules / sizeof *verify_order_rules; i++) {
		int64_t n;
		asg_status s = verify_count(db, path, verify_order_rules[i].sql, r->id,
					    r->workers, &n, d);
		if (s != ASG_OK)
			return s;
		if (n)
			verify_complain(out, r, bad, "%" PRId64 " %s", n,
					verify_order_rules[i].what);
	}
	return ASG_OK;
}

static asg_status verify_per_tick(sqlite3 *db, const char *path,
				  const struct verify_run *r,
				  const struct verify_expect *e, FILE *out,
				  bool *bad, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, verify_per_tick_sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_int64(st, 2, e->grads_per_tick);
		sqlite3_bind_int64(st, 3, r->diverged_at);
		rc = sqlite3_step(st);
	}
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
				sqlite3_errmsg(db));
	if (n)
		verify_complain(out, r, bad,
				"%" PRId64 " ticks without exactly %ld gradients",
				n, e->grads_per_tick);
	return ASG_OK;
}

/* With record.updates all: one row per gradient, every tick present. */
static asg_status verify_complete(sqlite3 *db, const char *path,
				  const struct verify_run *r, FILE *out,
				  bool *bad, struct diag *d)
{
	int64_t rows, ticks;
	asg_status s = verify_count(db, path,
		"SELECT COUNT(*) FROM updates_by_run WHERE run_id = ?1", r->id, 0, &rows, d);
	if (s == ASG_OK)
		s = verify_count(db, path,
			"SELECT COUNT(DISTINCT k) FROM updates_by_run WHERE run_id = ?1"
			" AND k < ?2", r->id, r->updates, &ticks, d);
	if (s != ASG_OK)
		return s;
	if (rows != r->gradients)
		verify_complain(out, r, bad, "%" PRId64 " updates rows for %" PRId64
				" gradients", rows, r->gradients);
	if (ticks != r->updates)
		verify_complain(out, r, bad, "updates rows cover %" PRId64
				" of %" PRId64 " ticks", ticks, r->updates);
	return ASG_OK;
}

static asg_status verify_workers(sqlite3 *db, const char *path,
				 const struct verify_run *r,
				 const struct verify_expect *e, FILE *out,
				 bool *bad, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
		"SELECT COUNT(*), COALESCE(SUM(updates), 0), COALESCE(SUM(kappa), 0)"
		" FROM workers WHERE run_id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, r->id);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_ROW) {
		asg_status s = diag_set(d, schema_status(rc), "cannot read '%s': %s",
					path, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return s;
	}
	int64_t n = sqlite3_column_int64(st, 0);
	int64_t updates = sqlite3_column_int64(st, 1);
	double kappa = sqlite3_column_double(st, 2);
	sqlite3_finalize(st);
	if (n != r->workers)
		verify_complain(out, r, bad, "%" PRId64 " workers rows for %ld workers",
				n, r->workers);
	if (updates != r->gradients)
		verify_complain(out, r, bad, "workers' updates add up to %" PRId64
				", not runs.gradients %" PRId64, updates, r->gradients);
	if (e->grads_per_tick == 1 && r->updates > 0 &&
	    !(fabs(kappa - 1.0) <= VERIFY_KAPPA_TOLERANCE))
		verify_complain(out, r, bad, "kappa adds up to %.17g, not 1", kappa);
	return ASG_OK;
}

/* The largest age of a trajectory over k < n. */
static uint64_t verify_max_age(const struct aoitrace *t)
{
	uint64_t max = 0;
	for (size_t s = 0; s < t->nseg; s++) {
		uint64_t end = s + 1 < t->nseg ? t->start[s + 1] : t->n;
		uint64_t last = t->age[s] + t->growth * (end - t->start[s] - 1);
		if (end > t->start[s] && last > max)
			max = last;
	}
	return max;
}

static asg_status verify_aoi(sqlite3 *db, const char *path,
			     const struct verify_run *r, FILE *out, bool *bad,
			     struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	int rc = sqlite3_prepare_v2(db,
		"SELECT i, j, sum_age, max_age FROM aoi_summary WHERE run_id = ?1"
		" ORDER BY i, j", -1, &st, NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_int64(st, 1, r->id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long i = (long)sqlite3_column_int64(st, 0);
		long j = (long)sqlite3_column_int64(st, 1);
		uint64_t sum_age = (uint64_t)sqlite3_column_int64(st, 2);
		uint64_t max_age = (uint64_t)sqlite3_column_int64(st, 3);
		struct aoitrace t;
		uint64_t sum;
		s = aoitrace_load(db, r->id, i, j, (uint64_t)r->updates, &t, d);
		if (s == ASG_EINPUT) {
			verify_complain(out, r, bad, "aoi pair (%ld, %ld): %s", i, j, d->text);
			s = ASG_OK;
			rc = SQLITE_OK;
			continue;
		}
		if (s != ASG_OK)
			break;
		if (!aoitrace_sum(&t, &sum) || sum != sum_age)
			verify_complain(out, r, bad, "aoi pair (%ld, %ld): rows sum to %"
					PRIu64 ", aoi_summary.sum_age is %" PRIu64,
					i, j, sum, sum_age);
		else if (verify_max_age(&t) != max_age)
			verify_complain(out, r, bad, "aoi pair (%ld, %ld): largest age %"
					PRIu64 ", aoi_summary.max_age is %" PRIu64,
					i, j, verify_max_age(&t), max_age);
		aoitrace_release(&t);
		rc = SQLITE_OK;
	}
	if (s == ASG_OK && rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return s;
}

static asg_status verify_one(sqlite3 *db, const char *path,
			     const struct verify_run *r,
			     const struct verify_expect *e, FILE *out,
			     bool *bad, struct diag *d)
{
	asg_status s = verify_rules(db, path, r, out, bad, d);
	if (s == ASG_OK && e->grads_per_tick > 0)
		s = verify_per_tick(db, path, r, e, out, bad, d);
	if (s == ASG_OK && e->record_all)
		s = verify_complete(db, path, r, out, bad, d);
	if (s == ASG_OK)
		s = verify_workers(db, path, r, e, out, bad, d);
	if (s == ASG_OK)
		s = verify_aoi(db, path, r, out, bad, d);
	return s;
}

/* The runs to check: every run, or those of ids (each must exist). */
static asg_status verify_select(sqlite3 *db, const char *path,
				const int64_t *ids, size_t nruns,
				sqlite3_stmt **st, struct diag *d)
{
	for (size_t i = 0; i < nruns; i++) {
		int64_t n;
		asg_status s = verify_count(db, path,
			"SELECT COUNT(*) FROM runs WHERE run_id = ?1", ids[i], 0, &n, d);
		if (s != ASG_OK)
			return s;
		if (!n)
			return diag_set(d, ASG_EINPUT, "'%s' has no run %" PRId64,
					path, ids[i]);
	}
	int rc = sqlite3_prepare_v2(db,
		"SELECT run_id, status, workers, COALESCE(updates, 0),"
		" COALESCE(gradients, 0), COALESCE(diverged_at, -1), config, protocol"
		" FROM runs ORDER BY run_id", -1, st, NULL);
	if (rc != SQLITE_OK)
		return diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
				sqlite3_errmsg(db));
	return ASG_OK;
}

static bool verify_wanted(int64_t id, const int64_t *ids, size_t nruns)
{
	if (nruns == 0)
		return true;
	for (size_t i = 0; i < nruns; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Check the run of the current row of st. */
static asg_status verify_row(sqlite3 *db, const char *path, sqlite3_stmt *st,
			     verify_expect_fn expect, void *ctx, FILE *out,
			     struct verify_tally *tally, struct diag *d)
{
	struct verify_run r = {
		.id = sqlite3_column_int64(st, 0),
		.status = (const char *)sqlite3_column_text(st, 1),
		.workers = (long)sqlite3_column_int64(st, 2),
		.updates = sqlite3_column_int64(st, 3),
		.gradients = sqlite3_column_int64(st, 4),
		.diverged_at = sqlite3_column_int64(st, 5),
	};
	if (!strcmp(r.status, "running")) {
		fprintf(out, "run %" PRId64 ": interrupted (status 'running')\n", r.id);
		tally->interrupted++;
		return ASG_OK;
	}
	const char *config = (const char *)sqlite3_column_text(st, 6);
	const char *protocol = (const char *)sqlite3_column_text(st, 7);
	struct verify_expect e = { 0 };
	asg_status s = expect(ctx, r.id, config ? config : "",
			      protocol ? protocol : "", &e, d);
	if (s != ASG_OK)
		return s;
	bool bad = false;
	s = verify_one(db, path, &r, &e, out, &bad, d);
	if (s != ASG_OK)
		return s;
	tally->checked++;
	tally->failed += bad;
	if (!bad)
		fprintf(out, "run %" PRId64 ": ok (%s, %" PRId64 " ticks, %" PRId64
			" gradients)\n", r.id, r.status, r.updates, r.gradients);
	return ASG_OK;
}

asg_status verify_db(const char *path, const int64_t *ids, size_t nruns,
		     verify_expect_fn expect, void *ctx, FILE *out,
		     struct verify_tally *tally, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	memset(tally, 0, sizeof *tally);
	sqlite3 *db = schema_open(path, false, d);
	if (!db)
		return d->status;
	asg_status s = verify_select(db, path, ids, nruns, &st, d);
	int rc = SQLITE_OK;
	while (s == ASG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (verify_wanted(sqlite3_column_int64(st, 0), ids, nruns))
			s = verify_row(db, path, st, expect, ctx, out, tally, d);
	if (s == ASG_OK && rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return s;
}

asg_status verify_finished_runs(const char *path, int64_t **ids, size_t *n,
				struct diag *d)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	asg_status s = ASG_OK;
	*ids = NULL;
	*n = 0;
	sqlite3 *db = schema_open(path, false, d);
	if (!db)
		return d->status;
	int rc = sqlite3_prepare_v2(db, "SELECT run_id FROM runs"
				    " WHERE status != 'running' ORDER BY run_id",
				    -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			int64_t *grown = realloc(*ids, cap * sizeof **ids);
			if (!grown) {
				s = diag_set(d, ASG_ENOMEM, "out of memory");
				break;
			}
			*ids = grown;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	if (s == ASG_OK && rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (s != ASG_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return s;
}

asg_status verify_run_config(const char *path, int64_t id, char **config,
			     uint64_t *seed, char **status, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = ASG_OK;
	*config = *status = NULL;
	sqlite3 *db = schema_open(path, false, d);
	if (!db)
		return d->status;
	int rc = sqlite3_prepare_v2(db, "SELECT config, seed, status FROM runs"
				    " WHERE run_id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		const char *t = (const char *)sqlite3_column_text(st, 2);
		*seed = (uint64_t)sqlite3_column_int64(st, 1);
		*config = strdup(c ? c : "");
		*status = strdup(t ? t : "");
		if (!*config || !*status)
			s = diag_set(d, ASG_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE) {
		s = diag_set(d, ASG_EINPUT, "'%s' has no run %" PRId64, path, id);
	} else {
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (s != ASG_OK) {
		free(*config);
		free(*status);
		*config = *status = NULL;
	}
	return s;
}

/* ---- comparison ------------------------------------------------------------ */

/* The runs columns that are results (not the wall clock, not the
 * configuration or the place in a sweep, which a replay states anew). */
static const char verify_runs_columns[] =
	"status, updates, gradients, events, virtual_time, mean_staleness,"
	" final_loss, final_grad_norm2, test_accuracy, diverged_at, seed,"
	" protocol, model, workers";

/* Whether column c of the current rows of a and b holds the same value. */
static bool verify_same_value(sqlite3_stmt *a, sqlite3_stmt *b, int c)
{
	int type = sqlite3_column_type(a, c);
	if (type != sqlite3_column_type(b, c))
		return false;
	switch (type) {
	case SQLITE_NULL:
		return true;
	case SQLITE_INTEGER:
		return sqlite3_column_int64(a, c) == sqlite3_column_int64(b, c);
	case SQLITE_FLOAT: {
		double x = sqlite3_column_double(a, c), y = sqlite3_column_double(b, c);
		return memcmp(&x, &y, sizeof x) == 0;
	}
	default: {
		int n = sqlite3_column_bytes(a, c);
		return n == sqlite3_column_bytes(b, c) &&
		       memcmp(sqlite3_column_blob(a, c), sqlite3_column_blob(b, c),
			      (size_t)n) == 0;
	}
	}
}

static void verify_print_value(FILE *out, sqlite3_stmt *st, int c)
{
	switch (sqlite3_column_type(st, c)) {
	case SQLITE_NULL:
		fputs("NULL", out);
		break;
	case SQLITE_FLOAT:
		fprintf(out, "%.17g", sqlite3_column_double(st, c));
		break;
	default:
		fprintf(out, "'%s'", (const char *)sqlite3_column_text(st, c));
		break;
	}
}

/* Step the rows of a and b side by side; print the first difference. */
static asg_status verify_same_rows(sqlite3_stmt *a, sqlite3_stmt *b,
				   const char *table, FILE *out, bool *same,
				   struct diag *d)
{
	for (long row = 1;; row++) {
		int ra = sqlite3_step(a), rb = sqlite3_step(b);
		if (ra != SQLITE_ROW && ra != SQLITE_DONE)
			return diag_set(d, schema_status(ra), "cannot read %s: %s", table,
					sqlite3_errmsg(sqlite3_db_handle(a)));
		if (rb != SQLITE_ROW && rb != SQLITE_DONE)
			return diag_set(d, schema_status(rb), "cannot read %s: %s", table,
					sqlite3_errmsg(sqlite3_db_handle(b)));
		if (ra == SQLITE_DONE && rb == SQLITE_DONE)
			return ASG_OK;
		if (ra != rb) {
			fprintf(out, "%s: %s rows in the first run than in the second"
				" (from row %ld)\n", table,
				ra == SQLITE_ROW ? "more" : "fewer", row);
			*same = false;
			return ASG_OK;
		}
		for (int c = 0; c < sqlite3_column_count(a); c++)
			if (!verify_same_value(a, b, c)) {
				fprintf(out, "%s row %ld, column %s: ", table, row,
					sqlite3_column_name(a, c));
				verify_print_value(out, a, c);
				fputs(" != ", out);
				verify_print_value(out, b, c);
				fputc('\n', out);
				*same = false;
				return ASG_OK;
			}
	}
}

/* Compare `SELECT cols FROM table WHERE run_id = ? ORDER BY order` in both. */
static asg_status verify_compare_table(sqlite3 *da, int64_t a, sqlite3 *db,
				       int64_t b, const char *table,
				       const char *cols, const char *order,
				       FILE *out, bool *same, struct diag *d)
{
	sqlite3_stmt *sa = NULL, *sb = NULL;
	asg_status s = ASG_OK;
	char *sql = sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE run_id = ?1"
				    " ORDER BY %s", cols, table, order);
	if (!sql)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	int rc = sqlite3_prepare_v2(da, sql, -1, &sa, NULL);
	sqlite3 *failed = da;
	if (rc == SQLITE_OK) {
		failed = db;
		rc = sqlite3_prepare_v2(db, sql, -1, &sb, NULL);
	}
	if (rc != SQLITE_OK) {
		s = diag_set(d, schema_status(rc), "cannot read %s: %s", table,
			     sqlite3_errmsg(failed));
		goto out_finalize;
	}
	sqlite3_bind_int64(sa, 1, a);
	sqlite3_bind_int64(sb, 1, b);
	s = verify_same_rows(sa, sb, table, out, same, d);
out_finalize:
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	sqlite3_free(sql);
	return s;
}

/* Every table of runs but `runs`, compared on every column but run_id. */
static asg_status verify_compare_tables(sqlite3 *da, const char *path_a,
					int64_t a, sqlite3 *db, int64_t b,
					FILE *out, bool *same, struct diag *d)
{
	struct runtables ts;
	asg_status s = runtables_read(da, "main", path_a, &ts, d);
	for (size_t i = 0; s == ASG_OK && *same && i < ts.n; i++) {
		char *cols = runtables_column_list(&ts.t[i], "run_id", NULL);
		if (!cols) {
			s = diag_set(d, ASG_ENOMEM, "out of memory");
			break;
		}
		s = verify_compare_table(da, a, db, b, ts.t[i].name, cols,
					 ts.t[i].rowid ? "rowid" : cols, out, same, d);
		sqlite3_free(cols);
	}
	runtables_release(&ts);
	return s;
}

asg_status verify_compare(const char *path_a, int64_t a, const char *path_b,
			  int64_t b, FILE *out, bool *same, struct diag *d)
{
	asg_status s = ASG_OK;
	*same = true;
	sqlite3 *da = schema_open(path_a, false, d);
	if (!da)
		return d->status;
	sqlite3 *db = schema_open(path_b, false, d);
	if (!db) {
		s = d->status;
		goto out_close_a;
	}
	s = verify_compare_table(da, a, db, b, "runs", verify_runs_columns,
				 "run_id", out, same, d);
	if (s == ASG_OK && *same)
		s = verify_compare_tables(da, path_a, a, db, b, out, same, d);
	sqlite3_close(db);
out_close_a:
	sqlite3_close(da);
	return s;
}
