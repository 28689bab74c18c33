/*
 * label.c — short legend labels: of a sweep's keys, those that tell the
 * series apart.
 *
 * A series' label is the values of its sweep point, all of them (select.c).
 * In a zip sweep several keys change together (batch 32 goes with one
 * compute time, 64 with another), and such a label grows past what a key
 * can show.  So, when every selected run has the same sweep keys, the keys
 * are taken in their order and one is kept when it splits series that the
 * keys kept so far leave together; once every series is apart from the
 * others, the labels become the kept values and the key's title the kept
 * keys.  Values are compared as text (a null as "null").  When the series cannot
 * all be told apart, or no key can be left out, nothing changes.
 */
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_LABEL_KEYS_MAX 32

/* One series' sweep point: its keys and values, in order. */
struct plot_point {
	size_t n;
	char *key[PLOT_LABEL_KEYS_MAX];
	char *value[PLOT_LABEL_KEYS_MAX];
};

static void plot_point_release(struct plot_point *p)
{
	for (size_t m = 0; m < p->n; m++) {
		free(p->key[m]);
		free(p->value[m]);
	}
	p->n = 0;
}

static char *plot_label_dup(const unsigned char *s)
{
	const char *t = s ? (const char *)s : "null";
	char *d = malloc(strlen(t) + 1);
	return d ? strcpy(d, t) : NULL;
}

/* The point of run `run` into *p: 1, or 0 when it has too many keys to
 * consider, -1 when memory runs out. */
static int plot_point_read(sqlite3_stmt *st, long long run, struct plot_point *p)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	p->n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (p->n == PLOT_LABEL_KEYS_MAX)
			return 0;
		p->key[p->n] = plot_label_dup(sqlite3_column_text(st, 0));
		p->value[p->n] = plot_label_dup(sqlite3_column_text(st, 1));
		p->n++;
		if (!p->key[p->n - 1] || !p->value[p->n - 1])
			return -1;
	}
	return 1;
}

/* Which keys to keep (keep[m]); false when the series stay mixed. */
static bool plot_label_choose(const struct plot_point *pt, size_t nseries,
			      bool *keep, size_t *group, size_t *next)
{
	size_t ngroups = 1;
	for (size_t i = 0; i < nseries; i++)
		group[i] = 0;
	for (size_t m = 0; m < pt[0].n && ngroups < nseries; m++) {
		size_t distinct = 0;
		for (size_t i = 0; i < nseries; i++) {
			size_t j = 0;
			while (group[j] != group[i] ||
			       strcmp(pt[j].value[m], pt[i].value[m]))
				j++;
			next[i] = j;
			distinct += j == i;
		}
		keep[m] = distinct > ngroups;
		if (keep[m]) {
			memcpy(group, next, nseries * sizeof *group);
			ngroups = distinct;
		}
	}
	return ngroups == nseries;
}

/* s1, s2, ... of the kept entries of `items`, into a new string. */
static char *plot_label_join(char *const *items, const bool *keep, size_t n)
{
	size_t len = 1;
	for (size_t m = 0; m < n; m++)
		len += keep[m] ? strlen(items[m]) + 2 : 0;
	char *out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t m = 0; m < n; m++)
		if (keep[m]) {
			if (out[0])
				strcat(out, ", ");
			strcat(out, items[m]);
		}
	return out;
}

/* The labels and the key's title from the kept keys. */
static asg_status plot_label_apply(struct plot_ctx *c, const struct plot_point *pt,
				   const bool *keep)
{
	char *title = plot_label_join(pt[0].key, keep, pt[0].n);
	if (!title)
		return ASG_ENOMEM;
	free(c->key_title);
	c->key_title = title;
	for (size_t i = 0; i < c->nseries; i++) {
		char *label = plot_label_join(pt[i].value, keep, pt[i].n);
		if (!label)
			return ASG_ENOMEM;
		free(c->series[i].label);
		c->series[i].label = label;
	}
	return ASG_OK;
}

asg_status plot_labels_shorten(struct plot_ctx *c, struct diag *d)
{
	if (!c->key_title || c->nseries < 2)
		return ASG_OK;   /* no common sweep keys */
	sqlite3_stmt *st = NULL;
	asg_status s = plot_sql_prepare(c, "SELECT key, CAST(value AS TEXT) FROM"
		" runs, json_each(runs.point) WHERE run_id = ?1", &st, d);
	if (s != ASG_OK)
		return s;
	struct plot_point *pt = calloc(c->nseries, sizeof *pt);
	size_t *group = calloc(2 * c->nseries, sizeof *group);
	bool keep[PLOT_LABEL_KEYS_MAX] = { false };
	int read = pt && group ? 1 : -1;
	for (size_t i = 0; read == 1 && i < c->nseries; i++) {
		read = plot_point_read(st, atoll(c->series[i].runs), &pt[i]);
		if (read == 1 && pt[i].n != pt[0].n)
			read = 0;
	}
	s = read < 0 ? ASG_ENOMEM : ASG_OK;
	if (read == 1 && pt[0].n > 1 &&
	    plot_label_choose(pt, c->nseries, keep, group, group + c->nseries)) {
		size_t kept = 0;
		for (size_t m = 0; m < pt[0].n; m++)
			kept += keep[m];
		if (kept < pt[0].n)
			s = plot_label_apply(c, pt, keep);
	}
	if (s != ASG_OK)
		s = diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; pt && i < c->nseries; i++)
		plot_point_release(&pt[i]);
	free(pt);
	free(group);
	sqlite3_finalize(st);
	return s;
}
