/*
 * validate_rounds.c — the protocol keys of backup, hybrid, ssp and local
 * (docs/scenarios.md), read into struct protocol_config.
 *
 *   protocol.backups     backup   e >= 0, and e < the number of workers
 *   protocol.stragglers  backup   restart | finish (also rennala's)
 *   protocol.threshold   hybrid   K(t), required:
 *                                   K                         a constant
 *                                   {time: [[t0, K0], ...]}   steps in virtual time
 *                                   {ticks: [[k0, K0], ...]}  steps in ticks
 *                                   {linear: {start: K0, per_second: r}}
 *                                   {linear: {start: K0, per_tick: r}}
 *                                   {paper: {alpha: a, levels: [K0, K1, K2]}}
 *   protocol.bound       ssp      s >= 0
 *   protocol.period      local    H >= 1
 *
 * A key given for a protocol that does not use it is refused.  Steps
 * start at 0, their starts increase strictly, and every K is an integer
 * >= 1 and at most the number of workers (checked by validate_rounds_fit,
 * once the workers are read, which also gives the paper's schedule its
 * default levels 1, ceil(D/2), D).  The paper's schedule is the time steps
 * [[0, K0], [3/a, K1], [5/a, K2]].
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "validate_impl.h"
#include "value.h"

/* The defaults of the keys (scenario.h). */
#define ROUNDS_BACKUPS 1
#define ROUNDS_BOUND 3
#define ROUNDS_PERIOD 10

static const char *const straggler_names[] = { "restart", "finish" };

static const struct keys_key threshold_form_keys[] = {
	{ "time", KEYS_VALUE, NULL },
	{ "ticks", KEYS_VALUE, NULL },
	{ "linear", KEYS_VALUE, NULL },
	{ "paper", KEYS_VALUE, NULL },
};
static const struct keys_key linear_keys[] = {
	{ "start", KEYS_VALUE, NULL },
	{ "per_second", KEYS_VALUE, NULL },
	{ "per_tick", KEYS_VALUE, NULL },
};
static const struct keys_key paper_keys[] = {
	{ "alpha", KEYS_VALUE, NULL },
	{ "levels", KEYS_VALUE, NULL },
};
static const struct keys_section threshold_forms = { threshold_form_keys,
						     NELEM(threshold_form_keys) };
static const struct keys_section linear_section = { linear_keys, NELEM(linear_keys) };
static const struct keys_section paper_section = { paper_keys, NELEM(paper_keys) };

/* The key `name` of protocol mapping n, refused unless the protocol is
 * `owner`; NULL when absent. */
static asg_status rounds_key(const struct yaml_node *n, const char *name,
			     enum protocol_kind kind, enum protocol_kind owner,
			     const struct yaml_node **out, struct diag *d)
{
	*out = yaml_get(n, name);
	if (*out && kind != owner)
		return yaml_fail(d, *out, "'protocol.%s' applies only to protocol %s",
				 name, scenario_protocol_name(owner));
	return ASG_OK;
}

/* The integer key `name` >= min of protocol mapping n, for protocol
 * `owner` only; *out keeps its default when the key is absent. */
static asg_status rounds_long(const struct yaml_node *n, const char *name,
			      enum protocol_kind kind, enum protocol_kind owner,
			      long *out, long min, struct diag *d)
{
	const struct yaml_node *v;
	char key[64], bound[32];
	asg_status s = rounds_key(n, name, kind, owner, &v, d);
	if (s != ASG_OK || !v)
		return s;
	snprintf(key, sizeof key, "protocol.%s", name);
	snprintf(bound, sizeof bound, ">= %ld", min);
	if ((s = value_long(v, key, out, d)))
		return s;
	return *out >= min ? ASG_OK : value_out_of_range(v, key, bound, d);
}

/* A threshold level K >= 1 at node v, named key in messages. */
static asg_status rounds_level(const struct yaml_node *v, const char *key,
			       long *out, struct diag *d)
{
	asg_status s = value_long(v, key, out, d);
	if (s == ASG_OK && *out < 1)
		s = value_out_of_range(v, key, ">= 1", d);
	return s;
}

/* {time: [[t0, K0], ...]} or {ticks: [[k0, K0], ...]}: the steps of seq. */
static asg_status rounds_steps(const struct yaml_node *seq, bool ticks,
			       struct threshold *th, struct diag *d)
{
	const char *key = ticks ? "protocol.threshold.ticks" : "protocol.threshold.time";
	char item_key[64], got[64];
	asg_status s;

	if (seq->kind != YAML_SEQUENCE || yaml_size(seq) == 0)
		return yaml_fail(d, seq, "expected a non-empty sequence of pairs [from, K] "
				 "for '%s', got %s", key, yaml_describe(seq, got, sizeof got));
	if (yaml_size(seq) > THRESHOLD_STEPS_MAX)
		return yaml_fail(d, seq, "'%s' has %zu steps, at most %d are supported",
				 key, yaml_size(seq), THRESHOLD_STEPS_MAX);
	th->clock = ticks ? THRESHOLD_TICKS : THRESHOLD_TIME;
	th->nsteps = yaml_size(seq);
	for (size_t i = 0; i < th->nsteps; i++) {
		const struct yaml_node *e = yaml_item_at(seq, i);
		snprintf(item_key, sizeof item_key, "%s[%zu]", key, i);
		if (e->kind != YAML_SEQUENCE || yaml_size(e) != 2)
			return yaml_fail(d, e, "expected a pair [from, K] for '%s', got %s",
					 item_key, yaml_describe(e, got, sizeof got));
		const struct yaml_node *from = yaml_item_at(e, 0);
		if (ticks) {
			long k;
			if ((s = value_long(from, item_key, &k, d)))
				return s;
			th->from[i] = (double)k;
		} else if ((s = value_double(from, item_key, &th->from[i], d))) {
			return s;
		}
		if (i == 0 && th->from[0] != 0)
			return yaml_fail(d, from, "'%s' must start at 0, got %s", key,
					 from->text);
		if (i > 0 && !(th->from[i] > th->from[i - 1]))
			return yaml_fail(d, from, "the starts of '%s' must increase, "
					 "got %s after %.17g", key, from->text, th->from[i - 1]);
		if ((s = rounds_level(yaml_item_at(e, 1), item_key, &th->k[i], d)))
			return s;
	}
	return ASG_OK;
}

/* {linear: {start: K0, per_second: r}} or {..., per_tick: r}. */
static asg_status rounds_linear(const struct yaml_node *m, struct threshold *th,
				struct diag *d)
{
	const char *key = "protocol.threshold.linear";
	asg_status s = validate_keys(m, key, &linear_section, d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *start = yaml_get(m, "start");
	const struct yaml_node *second = yaml_get(m, "per_second");
	const struct yaml_node *tick = yaml_get(m, "per_tick");
	if (!start)
		return validate_missing(m, "start", key, d);
	if (second && tick)
		return yaml_fail(d, tick, "give one of 'per_second' and 'per_tick' in '%s'",
				 key);
	if (!second && !tick)
		return yaml_fail(d, m, "missing key 'per_second' or 'per_tick' in '%s'", key);
	th->linear = true;
	th->clock = second ? THRESHOLD_TIME : THRESHOLD_TICKS;
	if ((s = value_double(start, "protocol.threshold.linear.start", &th->start, d)))
		return s;
	if (th->start < 1)
		return value_out_of_range(start, "protocol.threshold.linear.start", ">= 1", d);
	const struct yaml_node *rate = second ? second : tick;
	const char *rate_key = second ? "protocol.threshold.linear.per_second"
				      : "protocol.threshold.linear.per_tick";
	if ((s = value_double(rate, rate_key, &th->rate, d)))
		return s;
	return th->rate > 0 ? ASG_OK : value_out_of_range(rate, rate_key, "> 0", d);
}

/* {paper: {alpha: a, levels: [K0, K1, K2]}}: time steps at 0, 3/a, 5/a;
 * levels left 0 are given their defaults by validate_rounds_fit. */
static asg_status rounds_paper(const struct yaml_node *m, struct threshold *th,
			       struct diag *d)
{
	const char *key = "protocol.threshold.paper";
	char got[64], item_key[64];
	double alpha;
	asg_status s = validate_keys(m, key, &paper_section, d);
	if (s != ASG_OK)
		return s;
	const struct yaml_node *a = yaml_get(m, "alpha");
	if (!a)
		return validate_missing(m, "alpha", key, d);
	if ((s = value_double(a, "protocol.threshold.paper.alpha", &alpha, d)))
		return s;
	if (!(alpha > 0) || !isfinite(5 / alpha))
		return value_out_of_range(a, "protocol.threshold.paper.alpha",
					  "> 0 with 5/alpha finite", d);
	*th = (struct threshold){ .clock = THRESHOLD_TIME, .nsteps = 3,
				  .from = { 0, 3 / alpha, 5 / alpha } };
	const struct yaml_node *levels = yaml_get(m, "levels");
	if (!levels)
		return ASG_OK;
	if (levels->kind == YAML_SEQUENCE)
		snprintf(got, sizeof got, "%zu", yaml_size(levels));
	else
		yaml_describe(levels, got, sizeof got);
	if (levels->kind != YAML_SEQUENCE || yaml_size(levels) != 3)
		return yaml_fail(d, levels, "expected three levels [K0, K1, K2] for "
				 "'protocol.threshold.paper.levels', got %s", got);
	for (size_t i = 0; i < 3; i++) {
		snprintf(item_key, sizeof item_key, "protocol.threshold.paper.levels[%zu]", i);
		if ((s = rounds_level(yaml_item_at(levels, i), item_key, &th->k[i], d)))
			return s;
	}
	return ASG_OK;
}

/* protocol.threshold: a constant or one of the forms of the table. */
static asg_status rounds_threshold(const struct yaml_node *v, struct threshold *th,
				   struct diag *d)
{
	*th = (struct threshold){ .clock = THRESHOLD_TIME, .nsteps = 1 };
	if (v->kind == YAML_SCALAR)
		return rounds_level(v, "protocol.threshold", &th->k[0], d);
	asg_status s = validate_keys(v, "protocol.threshold", &threshold_forms, d);
	if (s != ASG_OK)
		return s;
	if (yaml_size(v) != 1)
		return yaml_fail(d, yaml_size(v) ? yaml_key_at(v, 1) : v,
				 "'protocol.threshold' takes one form (time, ticks, "
				 "linear or paper), got %zu", yaml_size(v));
	const char *form = yaml_key_at(v, 0)->text;
	const struct yaml_node *body = yaml_value_at(v, 0);
	if (!strcmp(form, "time") || !strcmp(form, "ticks"))
		return rounds_steps(body, !strcmp(form, "ticks"), th, d);
	if (!strcmp(form, "linear"))
		return rounds_linear(body, th, d);
	return rounds_paper(body, th, d);
}

asg_status validate_rounds(const struct yaml_node *n,
			   struct protocol_config *proto, struct diag *d)
{
	const struct yaml_node *v;
	enum protocol_kind kind = proto->kind;
	asg_status s;

	proto->backups = ROUNDS_BACKUPS;
	proto->stragglers_finish = false;
	proto->bound = ROUNDS_BOUND;
	proto->period = ROUNDS_PERIOD;
	if ((s = rounds_long(n, "backups", kind, PROTOCOL_BACKUP, &proto->backups,
			     0, d)) ||
	    (s = rounds_long(n, "bound", kind, PROTOCOL_SSP, &proto->bound, 0, d)) ||
	    (s = rounds_long(n, "period", kind, PROTOCOL_LOCAL, &proto->period, 1, d)))
		return s;
	if ((s = rounds_key(n, "stragglers", kind, kind == PROTOCOL_RENNALA ?
			    PROTOCOL_RENNALA : PROTOCOL_BACKUP, &v, d)))   /* rennala too */
		return s;
	int finish = 0;
	if (v && (s = value_enum(v, "protocol.stragglers", "straggler policy",
				 straggler_names, NELEM(straggler_names), &finish, d)))
		return s;
	proto->stragglers_finish = finish == 1;
	if ((s = rounds_key(n, "threshold", kind, PROTOCOL_HYBRID, &v, d)))
		return s;
	if (kind == PROTOCOL_HYBRID && !v)
		return yaml_fail(d, n, "missing key 'threshold' in 'protocol' "
				 "(hybrid needs its K(t))");
	if (v)
		return rounds_threshold(v, &proto->threshold, d);
	return ASG_OK;
}

/* The node that gave level i of the step schedule of protocol.threshold
 * th (a constant, time or ticks steps, or the paper's explicit levels). */
static const struct yaml_node *rounds_level_node(const struct yaml_node *th,
						 size_t i)
{
	if (th->kind == YAML_SCALAR)
		return th;
	const struct yaml_node *body = yaml_value_at(th, 0);
	if (body->kind == YAML_MAPPING)   /* paper: its levels */
		return yaml_item_at(yaml_get(body, "levels"), i);
	return yaml_item_at(yaml_item_at(body, i), 1);
}

asg_status validate_rounds_fit(const struct yaml_node *root,
			       struct scenario *sc, struct diag *d)
{
	struct protocol_config *proto = &sc->protocol;
	const struct yaml_node *n = yaml_get(root, "protocol");
	long D = sc->nworkers;

	if (proto->kind == PROTOCOL_BACKUP && proto->backups >= D) {
		const struct yaml_node *v = yaml_get(n, "backups");
		return yaml_fail(d, v ? v : n, "protocol backup waits for the workers "
				 "that are not backups: %ld backups leave none of %ld workers",
				 proto->backups, D);
	}
	if (proto->kind != PROTOCOL_HYBRID || proto->threshold.linear)
		return ASG_OK;
	struct threshold *th = &proto->threshold;
	const struct yaml_node *v = yaml_get(n, "threshold");
	bool paper = v->kind == YAML_MAPPING && !strcmp(yaml_key_at(v, 0)->text, "paper");
	if (paper && th->k[0] == 0) {
		th->k[0] = 1;
		th->k[1] = (D + 1) / 2;
		th->k[2] = D;
	}
	for (size_t i = 0; i < th->nsteps; i++)
		if (th->k[i] > D)
			return yaml_fail(d, rounds_level_node(v, i), "the threshold %ld is "
					 "more than the %ld workers: the buffer would never "
					 "fill", th->k[i], D);
	return ASG_OK;
}
