/*
 * keys.h — the keys a scenario may have: which mapping accepts which keys,
 * and what each key holds.
 *
 * The table is the single list of scenario keys (DESIGN.md "Scenario
 * file"): the validator checks every mapping against it, and --set paths
 * and sweep keys are checked against it before they are applied, so a
 * misspelt key is reported where it was written, with a suggestion.
 */
#ifndef ASG_SCENARIO_KEYS_H
#define ASG_SCENARIO_KEYS_H

#include <stddef.h>

#include "../common/diag.h"
#include "yaml.h"

enum keys_type {
	KEYS_VALUE,     /* a value checked by the validator (a scalar, mostly) */
	KEYS_MAPPING,   /* a mapping of the keys of `child` */
	KEYS_GROUPS,    /* a sequence of mappings of the keys of `child` */
	KEYS_SWEEP,     /* a mapping of dotted keys to sequences of values */
};

struct keys_section;

struct keys_key {
	const char *name;                  /* as written in a scenario */
	enum keys_type type;               /* what it holds */
	const struct keys_section *child;  /* KEYS_MAPPING, KEYS_GROUPS: its keys */
};

struct keys_section {
	const struct keys_key *keys;   /* in the order they are documented */
	size_t n;                      /* entries in keys */
};

/* The keys of the top-level mapping. */
extern const struct keys_section keys_scenario;

/* The key of s named by the `len` bytes of name, or NULL. */
const struct keys_key *keys_find(const struct keys_section *s, const char *name,
				 size_t len);

/* Record "unknown key 'NAME' in 'PARENT', did you mean 'KEY'?" at `at`
 * (without a close key: "(expected K1, K2, ...)"; parent "" is the top
 * level: no "in ..." part).  Returns ASG_EINPUT. */
asg_status keys_unknown(struct diag *d, const struct yaml_mark *at,
			const struct keys_section *s, const char *name,
			size_t len, const char *parent);

#endif
