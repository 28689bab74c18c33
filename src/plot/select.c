/*
 * select.c — which runs the figures draw (--runs FILTER), and their
 * series.
 *
 * The filter (plot.h) becomes the WHERE clause of one query on runs, built
 * from fixed fragments with every user value a bound parameter: no text of
 * the filter is ever part of the SQL.  A KEY that is not a column of runs
 * is a sweep key, compared with the text of json_extract(point, '$."KEY"').
 * Runs are grouped into series the way `asgdsim report` groups points:
 * same scenario, point index, sweep values, protocol, model and number of
 * workers.  The selected runs go to temp.plot_sel(run_id, series), which
 * every figure's query joins; a read-only connection may still write its
 * temporary tables.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_MAX_TERMS 64

/* One term of the filter, pointing into the filter text. */
struct plot_term {
	const char *key;         /* KEY; NULL for run ids */
	size_t keylen;           /* its length */
	const char *value;       /* VALUE */
	size_t valuelen;         /* its length */
	long long lo, hi;        /* the run ids, for a term without key */
};

/* The columns of runs a KEY may name, and the column it means. */
static const struct {
	const char *key;         /* as written in the filter */
	const char *column;      /* the column of runs */
} plot_columns[] = {
	{ "scenario", "scenario" },
	{ "protocol", "protocol" },
	{ "model", "model" },
	{ "status", "status" },
	{ "point", "point_index" },
	{ "point_index", "point_index" },
	{ "replication", "replication" },
	{ "seed", "seed" },
	{ "workers", "workers" },
};

static const char *plot_column_of(const struct plot_term *t)
{
	for (size_t i = 0; i < sizeof plot_columns / sizeof *plot_columns; i++)
		if (strlen(plot_columns[i].key) == t->keylen &&
		    !memcmp(plot_columns[i].key, t->key, t->keylen))
			return plot_columns[i].column;
	return NULL;
}

/* A run id: decimal digits; false if s[0..n) is not one. */
static bool plot_parse_id(const char *s, size_t n, long long *v)
{
	if (n == 0 || n > 18)
		return false;
	long long x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		x = 10 * x + (s[i] - '0');
	}
	*v = x;
	return true;
}

/* One term s[0..n). */
static asg_status plot_parse_term(const char *s, size_t n,
				  struct plot_term *t, struct diag *d)
{
	memset(t, 0, sizeof *t);
	const char *eq = memchr(s, '=', n);
	if (eq) {
		t->key = s;
		t->keylen = (size_t)(eq - s);
		t->value = eq + 1;
		t->valuelen = n - t->keylen - 1;
		if (t->keylen == 0 || t->valuelen == 0 ||
		    memchr(t->key, '"', t->keylen))
			goto out_bad;
		return ASG_OK;
	}
	const char *dash = memchr(s, '-', n);
	if (!dash) {
		if (!plot_parse_id(s, n, &t->lo))
			goto out_bad;
		t->hi = t->lo;
		return ASG_OK;
	}
	if (plot_parse_id(s, (size_t)(dash - s), &t->lo) &&
	    plot_parse_id(dash + 1, n - (size_t)(dash - s) - 1, &t->hi) &&
	    t->lo <= t->hi)
		return ASG_OK;
out_bad:
	return diag_set(d, ASG_EINPUT, "bad --runs term '%.*s': expected ID,"
			" ID-ID or KEY=VALUE", (int)n, s);
}

/* Split the filter at the commas outside parentheses. */
static asg_status plot_parse_filter(const char *f, struct plot_term *terms,
				    size_t *nterms, struct diag *d)
{
	*nterms = 0;
	const char *start = f;
	int depth = 0;
	for (const char *p = f;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		if (*p != '\0' && (*p != ',' || depth > 0))
			continue;
		if (*nterms == PLOT_MAX_TERMS)
			return diag_set(d, ASG_EINPUT, "more than %d terms in --runs",
					PLOT_MAX_TERMS);
		asg_status s = plot_parse_term(start, (size_t)(p - start),
					       &terms[(*nterms)++], d);
		if (s != ASG_OK || *p == '\0')
			return s;
		start = p + 1;
	}
}

static bool plot_same_key(const struct plot_term *a, const struct plot_term *b)
{
	if (!a->key || !b->key)
		return !a->key && !b->key;
	return a->keylen == b->keylen && !memcmp(a->key, b->key, a->keylen);
}

static bool plot_has_status_term(const struct plot_term *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].key && plot_column_of(&t[i]) &&
		    !strcmp(plot_column_of(&t[i]), "status"))
			return true;
	return false;
}

static const char plot_select_head[] =
	"SELECT run_id, COALESCE(scenario, '') || char(31) ||"
	" COALESCE(point_index, '') || char(31) || COALESCE(point, '') ||"
	" char(31) || COALESCE(protocol, '') || char(31) ||"
	" COALESCE(model, '') || char(31) || COALESCE(workers, ''),"
	" CASE WHEN json_valid(point) THEN (SELECT group_concat(CAST(value"
	" AS TEXT), ', ') FROM json_each(runs.point)) END,"
	" protocol FROM runs WHERE ";

/* The condition of one term, appended to sql. */
static void plot_term_sql(const struct plot_term *t, char *sql, size_t size)
{
	size_t n = strlen(sql);
	const char *col = t->key ? plot_column_of(t) : NULL;
	if (!t->key)
		snprintf(sql + n, size - n, "run_id BETWEEN ? AND ?");
	else if (col)
		snprintf(sql + n, size - n, "%s = ?", col);
	else
		snprintf(sql + n, size - n, "(json_valid(point) AND"
			 " CAST(json_extract(point, ?) AS TEXT) = ?)");
}

/* The query: terms on one key OR'ed, keys AND'ed. */
static char *plot_select_sql(const struct plot_term *t, size_t n)
{
	size_t size = sizeof plot_select_head + 128 + n * 96;
	char *sql = malloc(size);
	if (!sql)
		return NULL;
	snprintf(sql, size, "%s%s", plot_select_head,
		 plot_has_status_term(t, n) ? "1" :
		 "status IN ('done', 'diverged')");
	bool *done = calloc(n ? n : 1, sizeof *done);
	if (!done) {
		free(sql);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		strcat(sql, " AND (");
		for (size_t j = i; j < n; j++) {
			if (done[j] || !plot_same_key(&t[i], &t[j]))
				continue;
			if (j != i)
				strcat(sql, " OR ");
			plot_term_sql(&t[j], sql, size);
			done[j] = true;
		}
		strcat(sql, ")");
	}
	strcat(sql, " ORDER BY run_id");
	free(done);
	return sql;
}

/* Bind the terms' values in the order plot_select_sql wrote them. */
static asg_status plot_select_bind(sqlite3_stmt *st, const struct plot_term *t,
				   size_t n)
{
	bool *done = calloc(n ? n : 1, sizeof *done);
	if (!done)
		return ASG_ENOMEM;
	int p = 1, rc = SQLITE_OK;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i; j < n && rc == SQLITE_OK; j++) {
			if (done[j] || !plot_same_key(&t[i], &t[j]))
				continue;
			done[j] = true;
			if (!t[j].key) {
				rc = sqlite3_bind_int64(st, p++, t[j].lo);
				if (rc == SQLITE_OK)
					rc = sqlite3_bind_int64(st, p++, t[j].hi);
				continue;
			}
			if (!plot_column_of(&t[j])) {
				char *path = sqlite3_mprintf("$.\"%.*s\"",
							     (int)t[j].keylen, t[j].key);
				rc = path ? sqlite3_bind_text(st, p++, path, -1,
							      sqlite3_free)
					  : SQLITE_NOMEM;
			}
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_text(st, p++, t[j].value,
						       (int)t[j].valuelen,
						       SQLITE_TRANSIENT);
		}
	}
	free(done);
	return rc == SQLITE_OK ? ASG_OK : rc == SQLITE_NOMEM ? ASG_ENOMEM : ASG_EINTERNAL;
}

static char *plot_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* Append " ID" to a series' run list. */
static asg_status plot_series_add_run(struct plot_series *s, long long id)
{
	size_t n = s->runs ? strlen(s->runs) : 0;
	char *r = realloc(s->runs, n + 24);
	if (!r)
		return ASG_ENOMEM;
	snprintf(r + n, 24, "%s%lld", n ? " " : "", id);
	s->runs = r;
	return ASG_OK;
}

/* The series of a run's key, added if new; NULL when out of memory. */
static struct plot_series *plot_series_of(struct plot_ctx *c, const char *key,
					  sqlite3_stmt *st)
{
	for (size_t i = 0; i < c->nseries; i++)
		if (!strcmp(c->series[i].key, key))
			return &c->series[i];
	struct plot_series *s = realloc(c->series, (c->nseries + 1) * sizeof *s);
	if (!s)
		return NULL;
	c->series = s;
	s = &c->series[c->nseries];
	memset(s, 0, sizeof *s);
	const char *sweep = (const char *)sqlite3_column_text(st, 2);
	const char *protocol = (const char *)sqlite3_column_text(st, 3);
	const char *label = sweep && *sweep ? sweep : protocol ? protocol : "runs";
	s->key = plot_strdup(key);
	s->label = plot_strdup(label);
	if (!s->key || !s->label) {
		free(s->key);
		free(s->label);
		return NULL;
	}
	c->nseries++;
	return s;
}

/* Two series of one label (the same sweep values in two scenarios): tell
 * them apart by their index. */
static asg_status plot_series_unique_labels(struct plot_ctx *c)
{
	for (size_t i = 0; i < c->nseries; i++) {
		bool dup = false;
		for (size_t j = 0; j < c->nseries; j++)
			dup |= j != i && !strcmp(c->series[i].label, c->series[j].label);
		if (!dup)
			continue;
		size_t n = strlen(c->series[i].label) + 32;
		char *l = malloc(n);
		if (!l)
			return ASG_ENOMEM;
		snprintf(l, n, "%s [%zu]", c->series[i].label, i + 1);
		free(c->series[i].label);
		c->series[i].label = l;
	}
	return ASG_OK;
}

static asg_status plot_select_store(struct plot_ctx *c, sqlite3_stmt *st,
				    struct diag *d)
{
	sqlite3_stmt *ins = NULL;
	asg_status s = ASG_OK;
	char *err = NULL;
	if (sqlite3_exec(c->db, "CREATE TEMP TABLE IF NOT EXISTS plot_sel"
			 " (run_id INTEGER PRIMARY KEY, series INTEGER NOT NULL);"
			 "DELETE FROM temp.plot_sel", NULL, NULL, &err) != SQLITE_OK) {
		s = diag_set(d, ASG_EIO, "cannot read '%s': %s", c->opt->db_path,
			     err ? err : "out of memory");
		goto out_free_err;
	}
	if ((s = plot_sql_prepare(c, "INSERT INTO temp.plot_sel VALUES (?, ?)",
				  &ins, d)) != ASG_OK)
		goto out_free_err;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		struct plot_series *ser =
			plot_series_of(c, (const char *)sqlite3_column_text(st, 1), st);
		if (!ser || plot_series_add_run(ser, id) != ASG_OK) {
			s = diag_set(d, ASG_ENOMEM, "out of memory");
			goto out_finalize;
		}
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, (long long)(ser - c->series));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			s = plot_sql_fail(c, d);
			goto out_finalize;
		}
		sqlite3_reset(ins);
	}
	if (rc != SQLITE_DONE)
		s = plot_sql_fail(c, d);
	else if (plot_series_unique_labels(c) != ASG_OK)
		s = diag_set(d, ASG_ENOMEM, "out of memory");
out_finalize:
	sqlite3_finalize(ins);
out_free_err:
	sqlite3_free(err);
	return s;
}

/* The sweep keys of the selected runs, "network.latency, protocol.step",
 * when every run has the same (they title the key); else NULL. */
static asg_status plot_select_key_title(struct plot_ctx *c, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, "SELECT COUNT(DISTINCT keys), MAX(keys)"
		" FROM (SELECT (SELECT group_concat(key, ', ') FROM"
		" json_each(r.point)) AS keys FROM runs r JOIN temp.plot_sel"
		" USING (run_id) WHERE json_valid(r.point))", &st, d);
	if (s != ASG_OK)
		return s;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    !(c->key_title = plot_strdup((const char *)sqlite3_column_text(st, 1))))
		s = diag_set(d, ASG_ENOMEM, "out of memory");
	sqlite3_finalize(st);
	return s;
}

asg_status plot_select(struct plot_ctx *c, struct diag *d)
{
	struct plot_term terms[PLOT_MAX_TERMS];
	size_t n = 0;
	const char *filter = c->opt->runs;
	asg_status s;
	if (filter && (s = plot_parse_filter(filter, terms, &n, d)) != ASG_OK)
		return s;
	char *sql = plot_select_sql(terms, n);
	if (!sql)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	sqlite3_stmt *st = NULL;
	if ((s = plot_sql_prepare(c, sql, &st, d)) != ASG_OK)
		goto out_free_sql;
	if ((s = plot_select_bind(st, terms, n)) != ASG_OK) {
		s = diag_set(d, s, "cannot read '%s': %s", c->opt->db_path,
			     sqlite3_errmsg(c->db));
		goto out_finalize;
	}
	if ((s = plot_select_store(c, st, d)) != ASG_OK ||
	    (s = plot_select_key_title(c, d)) != ASG_OK ||
	    (s = plot_labels_shorten(c, d)) != ASG_OK)
		goto out_finalize;
	if (c->nseries == 0 && filter)
		s = diag_set(d, ASG_EINPUT, "no run of '%s' matches --runs '%s'%s",
			     c->opt->db_path, filter,
			     plot_has_status_term(terms, n) ? "" :
			     " (among runs done or diverged)");
	else if (c->nseries == 0)
		s = diag_set(d, ASG_EINPUT, "'%s' has no finished run (done or"
			     " diverged) to plot", c->opt->db_path);
out_finalize:
	sqlite3_finalize(st);
out_free_sql:
	free(sql);
	return s;
}

void plot_select_release(struct plot_ctx *c)
{
	for (size_t i = 0; i < c->nseries; i++) {
		free(c->series[i].key);
		free(c->series[i].label);
		free(c->series[i].runs);
	}
	free(c->series);
	free(c->key_title);
	c->series = NULL;
	c->nseries = 0;
	c->key_title = NULL;
}
