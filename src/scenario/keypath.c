/*
 * keypath.c — parsing dotted key paths and checking them against the
 * table of keys (keypath.h).
 */
#include "keypath.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

struct yaml_mark keypath_mark(const struct keypath *p, size_t i)
{
	struct yaml_mark m = p->at;
	m.col += (int)(i < p->n ? p->steps[i].offset : p->len);
	return m;
}

/* '[' digits ']' at *i; appends an index step. */
static asg_status keypath_parse_index(struct keypath *p, size_t *i,
				      struct diag *d)
{
	size_t start = *i;
	size_t j = start + 1;
	size_t index = 0;
	struct yaml_mark m = p->at;

	m.col += (int)start;
	if (j >= p->len || p->text[j] < '0' || p->text[j] > '9')
		return yaml_fail_at(d, &m, "expected an index after '[' in '%.*s'",
				    (int)p->len, p->text);
	for (; j < p->len && p->text[j] >= '0' && p->text[j] <= '9'; j++) {
		size_t digit = (size_t)(p->text[j] - '0');
		if (index > (SIZE_MAX - digit) / 10 || index > INT32_MAX)
			return yaml_fail_at(d, &m, "index out of range in '%.*s'",
					    (int)p->len, p->text);
		index = 10 * index + digit;
	}
	if (j >= p->len || p->text[j] != ']') {
		m.col = p->at.col + (int)j;
		return yaml_fail_at(d, &m, "expected ']' in '%.*s'", (int)p->len,
				    p->text);
	}
	p->steps[p->n++] = (struct keypath_step){ .index = index,
						  .offset = start };
	*i = j + 1;
	return ASG_OK;
}

asg_status keypath_parse(const char *text, size_t len,
			 const struct yaml_mark *at, struct keypath *p,
			 struct diag *d)
{
	size_t i = 0;
	asg_status s;

	*p = (struct keypath){ .text = text, .len = len, .at = *at };
	if (len == 0)
		return yaml_fail_at(d, at, "empty key");
	for (;;) {
		size_t start = i;
		while (i < len && !strchr(".[]", text[i]))
			i++;
		if (i == start || p->n == KEYPATH_MAX) {
			struct yaml_mark m = *at;
			m.col += (int)start;
			return yaml_fail_at(d, &m,
					    i == start ? "empty key name in '%.*s'"
						       : "too many steps in '%.*s'",
					    (int)len, text);
		}
		p->steps[p->n++] = (struct keypath_step){
			.name = text + start, .len = i - start, .offset = start };
		while (i < len && text[i] == '[') {
			if (p->n == KEYPATH_MAX) {
				struct yaml_mark m = *at;
				m.col += (int)i;
				return yaml_fail_at(d, &m, "too many steps in '%.*s'",
						    (int)len, text);
			}
			s = keypath_parse_index(p, &i, d);
			if (s != ASG_OK)
				return s;
		}
		if (i == len)
			return ASG_OK;
		if (text[i] != '.') {
			struct yaml_mark m = *at;
			m.col += (int)i;
			return yaml_fail_at(d, &m, "unexpected '%c' in '%.*s'",
					    text[i], (int)len, text);
		}
		i++;
	}
}

/* Step i names a key under a value, or is an index under a mapping. */
static asg_status keypath_not_a(struct keypath *p, size_t i, const char *kind,
				struct diag *d)
{
	struct yaml_mark m = keypath_mark(p, i);
	size_t end = p->steps[i].offset - (p->steps[i].name ? 1 : 0);
	return yaml_fail_at(d, &m, "'%.*s' is not %s", (int)end, p->text, kind);
}

asg_status keypath_check(struct keypath *p, bool sweep, struct diag *d)
{
	const struct keys_section *section = &keys_scenario;
	const struct keys_key *key = NULL;   /* the key of the last step */
	bool in_groups = false;              /* the last step was a KEYS_GROUPS key */

	for (size_t i = 0; i < p->n; i++) {
		const struct keypath_step *st = &p->steps[i];
		if (!st->name) {
			if (!in_groups)
				return keypath_not_a(p, i, "a sequence", d);
			in_groups = false;
			section = key->child;
			key = NULL;
			continue;
		}
		if (key && key->type == KEYS_SWEEP) {
			/* the rest of the text is one sweep key */
			p->steps[i].len = p->len - st->offset;
			p->n = i + 1;
			return ASG_OK;
		}
		if (in_groups) {
			struct yaml_mark m = keypath_mark(p, i);
			return yaml_fail_at(d, &m,
					    "'%.*s' is a sequence: give an index, e.g. '%.*s[0]'",
					    (int)(st->offset - 1), p->text,
					    (int)(st->offset - 1), p->text);
		}
		if (!section)
			return keypath_not_a(p, i, "a mapping", d);
		key = keys_find(section, st->name, st->len);
		if (!key) {
			struct yaml_mark m = keypath_mark(p, i);
			char parent[256];
			size_t plen = i ? st->offset - 1 : 0;
			snprintf(parent, sizeof parent, "%.*s", (int)plen, p->text);
			return keys_unknown(d, &m, section, st->name, st->len, parent);
		}
		in_groups = key->type == KEYS_GROUPS;
		section = key->type == KEYS_MAPPING ? key->child : NULL;
		if (sweep && i == 0 &&
		    (key->type == KEYS_SWEEP || !strcmp(key->name, "replications"))) {
			struct yaml_mark m = keypath_mark(p, i);
			return yaml_fail_at(d, &m, "'%s' cannot be swept", key->name);
		}
	}
	return ASG_OK;
}
