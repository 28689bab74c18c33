/*
 * aoitrace.c — the trajectory Delta_ij(k) rebuilt from sparse aoi rows, its
 * exact sum, and `asgdsim aoi`'s printout (aoitrace.h).
 *
 * The rows of a pair are read in (k, rowid) order through the index
 * aoi_run_pair; a row at the tick of the previous one replaces it.
 * Printing walks the segments, never searching per tick.
 */
#include "aoitrace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../record/schema.h"

static const char aoitrace_sql[] =
	"SELECT k, age FROM aoi WHERE run_id = ?1 AND i = ?2 AND j = ?3"
	" AND k >= 0 AND k < ?4 ORDER BY k, rowid";

void aoitrace_release(struct aoitrace *t)
{
	free(t->start);
	free(t->age);
	memset(t, 0, sizeof *t);
}

/* Append segment (k, age); a segment at the last one's tick replaces it. */
static asg_status aoitrace_push(struct aoitrace *t, size_t *cap, uint64_t k,
				uint64_t age)
{
	if (t->nseg > 0 && t->start[t->nseg - 1] == k) {
		t->age[t->nseg - 1] = age;
		return ASG_OK;
	}
	if (t->nseg == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		uint64_t *start = realloc(t->start, c * sizeof *start);
		if (start)
			t->start = start;
		uint64_t *a = realloc(t->age, c * sizeof *a);
		if (a)
			t->age = a;
		if (!start || !a)
			return ASG_ENOMEM;
		*cap = c;
	}
	t->start[t->nseg] = k;
	t->age[t->nseg] = age;
	t->nseg++;
	return ASG_OK;
}

/* Step through the rows of the prepared statement into t. */
static asg_status aoitrace_rows(sqlite3 *db, sqlite3_stmt *st,
				struct aoitrace *t, struct diag *d)
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t age = sqlite3_column_int64(st, 1);
		if (age < 0)
			return diag_set(d, ASG_EINPUT, "a negative age in the aoi table");
		if (aoitrace_push(t, &cap, (uint64_t)sqlite3_column_int64(st, 0),
				  (uint64_t)age) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
	}
	if (rc != SQLITE_DONE)
		return diag_set(d, schema_status(rc), "cannot read the aoi table: %s",
				sqlite3_errmsg(db));
	return ASG_OK;
}

asg_status aoitrace_load(sqlite3 *db, int64_t run, long i, long j, uint64_t n,
			 struct aoitrace *t, struct diag *d)
{
	memset(t, 0, sizeof *t);
	t->n = n;
	t->growth = 1;
	if (i == j) {            /* Delta_ii = 0: one segment that stays 0 */
		size_t cap = 0;
		t->growth = 0;
		if (aoitrace_push(t, &cap, 0, 0) != ASG_OK)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		return ASG_OK;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, aoitrace_sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		diag_set(d, schema_status(rc), "cannot read the aoi table: %s",
			 sqlite3_errmsg(db));
		goto out_finalize;
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, i);
	sqlite3_bind_int64(st, 3, j);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)n);
	if (aoitrace_rows(db, st, t, d) != ASG_OK)
		goto out_finalize;
	if (n > 0 && t->nseg == 0)
		diag_set(d, ASG_EINPUT,
			 "run %lld has no aoi rows for agent %ld, block %ld"
			 " (recorded with record.aoi: none?)", (long long)run, i, j);
	else if (n > 0 && t->start[0] != 0)
		diag_set(d, ASG_EINPUT,
			 "run %lld has no aoi row at tick 0 for agent %ld, block %ld",
			 (long long)run, i, j);
out_finalize:
	sqlite3_finalize(st);
	if (diag_failed(d))
		aoitrace_release(t);
	return d->status;
}

/* The segment holding tick k: the last s with start[s] <= k. */
static size_t aoitrace_segment(const struct aoitrace *t, uint64_t k)
{
	assert(t->nseg > 0 && t->start[0] <= k);
	size_t lo = 0, hi = t->nseg;       /* start[lo] <= k < start[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->start[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint64_t aoitrace_age(const struct aoitrace *t, uint64_t k)
{
	assert(k < t->n);
	size_t s = aoitrace_segment(t, k);
	return t->age[s] + t->growth * (k - t->start[s]);
}

/* *acc += a * b, false on overflow. */
static bool aoitrace_mul_add(uint64_t *acc, uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return false;
	if (UINT64_MAX - *acc < a * b)
		return false;
	*acc += a * b;
	return true;
}

bool aoitrace_sum(const struct aoitrace *t, uint64_t *sum)
{
	*sum = 0;
	for (size_t s = 0; s < t->nseg; s++) {
		uint64_t end = s + 1 < t->nseg ? t->start[s + 1] : t->n;
		uint64_t m = end - t->start[s];
		/* m * age + m (m - 1) / 2, halving the even factor first */
		uint64_t tri_a = m % 2 == 0 ? m / 2 : m;
		uint64_t tri_b = m % 2 == 0 ? (m > 0 ? m - 1 : 0) : (m - 1) / 2;
		if (!aoitrace_mul_add(sum, m, t->age[s]) ||
		    !aoitrace_mul_add(sum, tri_a, t->growth * tri_b))
			return false;
	}
	return true;
}

/* Print "k age" for the ticks from..to (to < n). */
static void aoitrace_print_ticks(const struct aoitrace *t, uint64_t from,
				 uint64_t to, FILE *out)
{
	if (t->n == 0 || from > to)
		return;
	size_t s = aoitrace_segment(t, from);
	for (uint64_t k = from;; k++) {
		while (s + 1 < t->nseg && t->start[s + 1] <= k)
			s++;
		fprintf(out, "%llu %llu\n", (unsigned long long)k,
			(unsigned long long)(t->age[s] + t->growth * (k - t->start[s])));
		if (k == to)
			break;
	}
}

/* The run's ticks and agents; ASG_EINPUT if it is missing or unfinished. */
static asg_status aoitrace_run(sqlite3 *db, const char *path, int64_t run,
			       uint64_t *n, long *agents, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT status, updates, workers FROM runs"
				    " WHERE run_id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_DONE)
		diag_set(d, ASG_EINPUT, "no run %lld in '%s'", (long long)run, path);
	else if (rc != SQLITE_ROW)
		diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			 sqlite3_errmsg(db));
	else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		diag_set(d, ASG_EINPUT, "run %lld has not ended (status %s)",
			 (long long)run, (const char *)sqlite3_column_text(st, 0));
	if (!diag_failed(d)) {
		int64_t updates = sqlite3_column_int64(st, 1);
		*n = updates > 0 ? (uint64_t)updates : 0;
		*agents = (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return d->status;
}

/* aoi_summary.sum_age of the pair into *sum; false if there is none. */
static bool aoitrace_summary(sqlite3 *db, const struct aoitrace_query *q,
			     uint64_t *sum)
{
	sqlite3_stmt *st = NULL;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT sum_age FROM aoi_summary"
			       " WHERE run_id = ?1 AND i = ?2 AND j = ?3", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, q->run);
		sqlite3_bind_int64(st, 2, q->i);
		sqlite3_bind_int64(st, 3, q->j);
		found = sqlite3_step(st) == SQLITE_ROW &&
			sqlite3_column_type(st, 0) != SQLITE_NULL;
		if (found)
			*sum = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return found;
}

/* a/b in decimal by long division, exactly when it ends within
 * AOITRACE_DIGITS digits, else cut there and followed by "...". */
#define AOITRACE_DIGITS 15

static void aoitrace_print_ratio(uint64_t a, uint64_t b, FILE *out)
{
	assert(b > 0);
	fprintf(out, "%llu", (unsigned long long)(a / b));
	uint64_t r = a % b;
	if (r == 0)
		return;
	if (b > UINT64_MAX / 10) {      /* r * 10 could overflow */
		fprintf(out, " + %llu/%llu", (unsigned long long)r,
			(unsigned long long)b);
		return;
	}
	fputc('.', out);
	for (int digit = 0; r != 0; digit++) {
		if (digit == AOITRACE_DIGITS) {
			fputs("...", out);
			return;
		}
		r *= 10;
		fputc((int)('0' + r / b), out);
		r %= b;
	}
}

/* The closing line: the exact mean and its comparison with aoi_summary. */
static asg_status aoitrace_print_mean(sqlite3 *db, const struct aoitrace *t,
				      const struct aoitrace_query *q, FILE *out,
				      struct diag *d)
{
	uint64_t sum, recorded;
	if (t->n == 0) {
		fputs("# n = 0: no tick, no mean\n", out);
		return ASG_OK;
	}
	if (!aoitrace_sum(t, &sum))
		return diag_set(d, ASG_EINPUT, "the sum of the ages overflows 64 bits");
	fprintf(out, "# mean over k < %llu: %llu/%llu = ", (unsigned long long)t->n,
		(unsigned long long)sum, (unsigned long long)t->n);
	aoitrace_print_ratio(sum, t->n, out);
	if (!aoitrace_summary(db, q, &recorded)) {
		fputs(" (no aoi_summary.sum_age to compare)\n", out);
		return ASG_OK;
	}
	fprintf(out, " (aoi_summary.sum_age = %llu: %s)\n",
		(unsigned long long)recorded, recorded == sum ? "equal" : "DIFFERENT");
	if (recorded != sum)
		return diag_set(d, ASG_EINTERNAL,
				"the aoi rows of run %lld sum to %llu for agent %ld,"
				" block %ld, but aoi_summary.sum_age is %llu",
				(long long)q->run, (unsigned long long)sum, q->i, q->j,
				(unsigned long long)recorded);
	return ASG_OK;
}

asg_status aoitrace_print(const char *db_path, const struct aoitrace_query *q,
			  FILE *out, struct diag *d)
{
	struct aoitrace t = { 0 };
	uint64_t n = 0;
	long agents = 0;
	sqlite3 *db = schema_open(db_path, false, d);
	if (!db)
		return d->status;
	if (aoitrace_run(db, db_path, q->run, &n, &agents, d) != ASG_OK)
		goto out_close;
	if (q->i < 0 || q->i >= agents || q->j < 0 || q->j >= agents) {
		diag_set(d, ASG_EINPUT, "run %lld has %ld agents: (i, j) = (%ld, %ld)"
			 " is out of range", (long long)q->run, agents, q->i, q->j);
		goto out_close;
	}
	if (aoitrace_load(db, q->run, q->i, q->j, n, &t, d) != ASG_OK)
		goto out_close;
	fprintf(out, "# run %lld: Delta_%ld,%ld(k), the age of block %ld at agent %ld\n# k age\n",
		(long long)q->run, q->i, q->j, q->j, q->i);
	if (n > 0)
		aoitrace_print_ticks(&t, q->from, q->to < n ? q->to : n - 1, out);
	aoitrace_print_mean(db, &t, q, out, d);
	aoitrace_release(&t);
out_close:
	sqlite3_close(db);
	return d->status;
}
