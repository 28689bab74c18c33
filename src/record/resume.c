/*
 * resume.c — the runs of a database by identity (resume.h).
 *
 * A list is one SELECT over runs; each row's two strings (scenario,
 * config) are copied into one allocation per run.  The set hashes a key
 * with FNV-1a over its fields and compares keys in full on a hash match;
 * it doubles when half full.  Not a hot path: it allocates freely.
 */
#include "resume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtables.h"
#include "schema.h"

struct resume_slot {
	const struct resume_key *key;  /* NULL: an empty slot (borrowed) */
	uint64_t hash;                 /* resume_key_hash(key) */
	int64_t value;                 /* the value given with it */
};

static const char resume_runs_sql[] =
	"SELECT run_id, scenario, point_index, replication, seed, config, status"
	" FROM runs ORDER BY run_id";

/* ---- keys ---------------------------------------------------------------- */

static uint64_t resume_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t resume_key_hash(const struct resume_key *k)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int64_t nums[3] = { k->point_index, k->replication, (int64_t)k->seed };
	h = resume_fnv(h, nums, sizeof nums);
	h = resume_fnv(h, k->scenario, strlen(k->scenario) + 1);
	return resume_fnv(h, k->config, strlen(k->config) + 1);
}

bool resume_key_equal(const struct resume_key *a, const struct resume_key *b)
{
	return a->point_index == b->point_index &&
	       a->replication == b->replication && a->seed == b->seed &&
	       !strcmp(a->scenario, b->scenario) && !strcmp(a->config, b->config);
}

/* ---- the list ------------------------------------------------------------ */

static const char *resume_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s ? s : "";
}

/* Run *r from the current row of st. */
static asg_status resume_read_row(sqlite3_stmt *st, struct resume_run *r)
{
	const char *scenario = resume_text(st, 1);
	const char *config = resume_text(st, 5);
	size_t ns = strlen(scenario) + 1, nc = strlen(config) + 1;
	char *buf = malloc(ns + nc);
	if (!buf)
		return ASG_ENOMEM;
	memcpy(buf, scenario, ns);
	memcpy(buf + ns, config, nc);
	*r = (struct resume_run){
		.run_id = sqlite3_column_int64(st, 0),
		.key = { buf, (long)sqlite3_column_int64(st, 2),
			 (long)sqlite3_column_int64(st, 3),
			 (uint64_t)sqlite3_column_int64(st, 4), buf + ns },
	};
	snprintf(r->status, sizeof r->status, "%s", resume_text(st, 6));
	r->finished = !strcmp(r->status, "done") || !strcmp(r->status, "diverged");
	return ASG_OK;
}

static asg_status resume_read_runs(sqlite3 *db, const char *path,
				   struct resume_list *l, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	asg_status s = ASG_OK;
	int rc = sqlite3_prepare_v2(db, resume_runs_sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			struct resume_run *more = realloc(l->runs, cap * sizeof *more);
			if (!more) {
				s = ASG_ENOMEM;
				break;
			}
			l->runs = more;
		}
		if ((s = resume_read_row(st, &l->runs[l->n])) != ASG_OK)
			break;
		l->n++;
	}
	if (s == ASG_ENOMEM)
		diag_set(d, s, "cannot read '%s': out of memory", path);
	else if (rc != SQLITE_DONE)
		s = diag_set(d, schema_status(rc), "cannot read '%s': %s", path,
			     sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return s;
}

asg_status resume_list_read(struct resume_list *l, const char *path,
			    struct diag *d)
{
	struct stat sb;
	*l = (struct resume_list){ 0 };
	if (stat(path, &sb) != 0 && errno == ENOENT)
		return ASG_OK;
	sqlite3 *db = schema_open(path, false, d);
	if (!db)
		return d->status;
	asg_status s = resume_read_runs(db, path, l, d);
	sqlite3_close(db);
	if (s != ASG_OK)
		resume_list_release(l);
	return s;
}

void resume_list_release(struct resume_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->runs[i].key.scenario);
	free(l->runs);
	*l = (struct resume_list){ 0 };
}

/* ---- the set ------------------------------------------------------------- */

/* The slot of key k (hash h): the one holding it, or the empty one where it
 * would go. */
static struct resume_slot *resume_set_slot(const struct resume_set *s,
					   const struct resume_key *k, uint64_t h)
{
	size_t mask = s->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct resume_slot *slot = &s->slots[i];
		if (!slot->key || (slot->hash == h && resume_key_equal(slot->key, k)))
			return slot;
	}
}

static asg_status resume_set_grow(struct resume_set *s)
{
	struct resume_set bigger = { calloc(s->cap ? 2 * s->cap : 64,
					    sizeof *s->slots),
				     s->cap ? 2 * s->cap : 64, s->n };
	if (!bigger.slots)
		return ASG_ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].key)
			*resume_set_slot(&bigger, s->slots[i].key,
					 s->slots[i].hash) = s->slots[i];
	free(s->slots);
	*s = bigger;
	return ASG_OK;
}

asg_status resume_set_add(struct resume_set *s, const struct resume_key *k,
			  int64_t v)
{
	if (2 * (s->n + 1) > s->cap && resume_set_grow(s) != ASG_OK)
		return ASG_ENOMEM;
	uint64_t h = resume_key_hash(k);
	struct resume_slot *slot = resume_set_slot(s, k, h);
	if (!slot->key) {
		*slot = (struct resume_slot){ k, h, v };
		s->n++;
	}
	return ASG_OK;
}

bool resume_set_find(const struct resume_set *s, const struct resume_key *k,
		     int64_t *v)
{
	if (s->n == 0)
		return false;
	const struct resume_slot *slot = resume_set_slot(s, k, resume_key_hash(k));
	if (slot->key && v)
		*v = slot->value;
	return slot->key != NULL;
}

void resume_set_release(struct resume_set *s)
{
	free(s->slots);
	*s = (struct resume_set){ 0 };
}

/* ---- forgetting runs ----------------------------------------------------- */

/* Delete the runs inside one immediate transaction. */
static asg_status resume_delete(sqlite3 *db, const char *path,
				const struct runtables *ts, const int64_t *ids,
				size_t n, struct diag *d)
{
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		rc = runtables_delete_run(db, ts, ids[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return ASG_OK;
	asg_status s = diag_set(d, schema_status(rc), "cannot write '%s': %s",
				path, sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

asg_status resume_forget(const char *path, const int64_t *ids, size_t n,
			 struct diag *d)
{
	if (n == 0)
		return ASG_OK;
	struct runtables ts;
	sqlite3 *db = schema_open(path, true, d);
	if (!db)
		return d->status;
	asg_status s = runtables_read(db, "main", path, &ts, d);
	if (s == ASG_OK) {
		s = resume_delete(db, path, &ts, ids, n, d);
		runtables_release(&ts);
	}
	sqlite3_close(db);
	return s;
}
