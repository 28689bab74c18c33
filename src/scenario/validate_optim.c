/*
 * validate_optim.c — the keys of step-size policies, momentum and
 * DC-ASGD, and those of rennala and ringmaster (docs/scenarios.md),
 * read into struct protocol_config; and the worker groups' compute
 * distributions checked at every worker's index.
 *
 *   protocol.step           a number or constant(a) (value_step), or a
 *                           policy (step.h): inverse_sqrt(a),
 *                           drops(a, at=[k1, ...], factor=f),
 *                           delay_adaptive(a), koloskova(a, mode=clip|drop,
 *                           C=c, L=l)
 *   protocol.momentum       beta in [0, 1)
 *   protocol.dc_lambda      lambda >= 0
 *   protocol.gather         rennala     S, an integer in 1 .. workers (required)
 *   protocol.restart_after  ringmaster  R, an integer >= 1, or .inf (required)
 *
 * A policy other than constant, momentum and dc_lambda act in
 * sim_apply_gradient and sim_tick: they are refused for the protocols that
 * apply their gradients otherwise (dasgd, local, gossip and the federated
 * ones).  koloskova without L= needs a model whose smoothness the
 * simulator knows (quadratic, logreg).  A key whose value is null (`~`,
 * null or nothing) counts as absent, so that a zip over protocol.kind can
 * leave it out for the kinds that do not use it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "validate_impl.h"
#include "value.h"

/* The protocols whose gradients go through sim_apply_gradient. */
static bool optim_applies(enum protocol_kind kind)
{
	switch (kind) {
	case PROTOCOL_SYNC:
	case PROTOCOL_ASYNC:
	case PROTOCOL_BACKUP:
	case PROTOCOL_HYBRID:
	case PROTOCOL_SSP:
	case PROTOCOL_ALLREDUCE:
	case PROTOCOL_RENNALA:
	case PROTOCOL_RINGMASTER:
		return true;
	default:
		return false;
	}
}

/* Key `name` of the protocol mapping n; NULL when absent or null (nothing,
 * or a plain ~, null, Null, NULL). */
static const struct yaml_node *optim_get(const struct yaml_node *n,
					 const char *name)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	const struct yaml_node *v = yaml_get(n, name);

	if (!v || yaml_is_empty(v))
		return NULL;
	for (size_t i = 0; i < NELEM(nulls); i++)
		if (v->kind == YAML_SCALAR && !v->quoted && !strcmp(v->text, nulls[i]))
			return NULL;
	return v;
}

/* "'protocol.momentum' does not apply to protocol dasgd" */
static asg_status optim_refuse(const struct yaml_node *v, const char *what,
			       enum protocol_kind kind, struct diag *d)
{
	return yaml_fail(d, v, "%s does not apply to protocol %s (only to sync, "
			 "async, backup, hybrid, ssp, allreduce, rennala and "
			 "ringmaster)", what, scenario_protocol_name(kind));
}

/* A number key of the protocol in [lo, hi) for the protocols of
 * sim_apply_gradient. */
static asg_status optim_number(const struct yaml_node *n, const char *name,
			       enum protocol_kind kind, double lo, double hi,
			       const char *bound, double *out, struct diag *d)
{
	const struct yaml_node *v = optim_get(n, name);
	char key[64], what[80];
	asg_status s;

	if (!v)
		return ASG_OK;
	snprintf(key, sizeof key, "protocol.%s", name);
	snprintf(what, sizeof what, "'%s'", key);
	if (!optim_applies(kind))
		return optim_refuse(v, what, kind, d);
	if ((s = value_double(v, key, out, d)))
		return s;
	if (!(*out >= lo && *out < hi))
		return value_out_of_range(v, key, bound, d);
	return ASG_OK;
}

/* Key `name` of protocol `owner`: refused for another, required for it. */
static asg_status optim_owned(const struct yaml_node *n, const char *name,
			      enum protocol_kind kind, enum protocol_kind owner,
			      const struct yaml_node **out, struct diag *d)
{
	*out = optim_get(n, name);
	if (*out && kind != owner)
		return yaml_fail(d, *out, "'protocol.%s' applies only to protocol %s",
				 name, scenario_protocol_name(owner));
	if (!*out && kind == owner)
		return validate_missing(n, name, "protocol", d);
	return ASG_OK;
}

/* protocol.restart_after: R >= 1 or .inf. */
static asg_status optim_restart_after(const struct yaml_node *v,
				      uint64_t *out, struct diag *d)
{
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "inf" };

	for (size_t i = 0; i < NELEM(inf); i++)
		if (v->kind == YAML_SCALAR && !strcmp(v->text, inf[i])) {
			*out = UINT64_MAX;
			return ASG_OK;
		}
	asg_status s = value_u64(v, "protocol.restart_after", out, d);
	if (s == ASG_OK && (*out == 0 || *out == UINT64_MAX))
		return value_out_of_range(v, "protocol.restart_after",
					  ">= 1 (or .inf)", d);
	return s;
}

asg_status validate_optim(const struct yaml_node *n,
			  struct protocol_config *proto, struct diag *d)
{
	const struct yaml_node *v;
	asg_status s;

	proto->restart_after = UINT64_MAX;
	if ((s = optim_number(n, "momentum", proto->kind, 0, 1, "in [0, 1)",
			      &proto->momentum, d)) ||
	    (s = optim_number(n, "dc_lambda", proto->kind, 0, INFINITY, ">= 0",
			      &proto->dc_lambda, d)))
		return s;
	if ((s = optim_owned(n, "gather", proto->kind, PROTOCOL_RENNALA, &v, d)))
		return s;
	if (v && (s = value_long(v, "protocol.gather", &proto->gather, d)))
		return s;
	if (v && proto->gather < 1)
		return value_out_of_range(v, "protocol.gather", ">= 1", d);
	if ((s = optim_owned(n, "restart_after", proto->kind,
			     PROTOCOL_RINGMASTER, &v, d)))
		return s;
	return v ? optim_restart_after(v, &proto->restart_after, d) : ASG_OK;
}

/* The name of the call the text starts with ("drops" of "drops(..."), or
 * an empty one when it is not of that form. */
static size_t optim_call_name(const char *text, const char **name)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	*name = p;
	size_t len = 0;
	while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= 'A' && p[len] <= 'Z') ||
	       p[len] == '_')
		len++;
	const char *after = p + len;
	while (*after == ' ' || *after == '\t')
		after++;
	return len && *after == '(' ? len : 0;
}

asg_status validate_step(const struct yaml_node *step,
			 struct protocol_config *proto, struct diag *d)
{
	const char *name;
	size_t len = step->kind == YAML_SCALAR ? optim_call_name(step->text, &name)
					       : 0;

	if (!len || (len == strlen("constant") && !strncmp(name, "constant", len)))
		return value_step(step, "protocol.step", &proto->step, d);
	struct yaml_mark m = yaml_text_mark(step, 0);
	struct dist_origin where = { m.file, m.line, m.col };
	asg_status s = step_parse(step->text, &where, &proto->policy,
				  &proto->step, d);
	if (s != ASG_OK)
		return s;
	if (!optim_applies(proto->kind)) {
		char what[64];
		snprintf(what, sizeof what, "step size schedule '%s'",
			 step_kind_names[proto->policy.kind]);
		return optim_refuse(step, what, proto->kind, d);
	}
	return ASG_OK;
}

/* Group g's compute distribution at each of its workers' indices, its
 * first worker being `first`. */
static asg_status optim_group_indices(const struct yaml_node *item,
				      const struct worker_group *g, long first,
				      struct diag *d)
{
	if (!dist_indexed(&g->compute))
		return ASG_OK;
	struct yaml_mark m = yaml_text_mark(yaml_get(item, "compute"), 0);
	struct dist_origin where = { m.file, m.line, m.col };
	struct dist at;
	for (long i = first; i < first + g->count; i++) {
		asg_status s = dist_at(&g->compute, i, &where, &at, d);
		if (s != ASG_OK)
			return s;
	}
	return ASG_OK;
}

asg_status validate_optim_fit(const struct yaml_node *root,
			      struct scenario *sc, struct diag *d)
{
	const struct yaml_node *proto = yaml_get(root, "protocol");
	const struct yaml_node *workers = yaml_get(root, "workers");
	const struct protocol_config *p = &sc->protocol;
	asg_status s;

	if (p->kind == PROTOCOL_RENNALA && p->gather > sc->nworkers)
		return yaml_fail(d, yaml_get(proto, "gather"),
				 "'protocol.gather' (%ld) must be at most the number "
				 "of workers (%ld)", p->gather, sc->nworkers);
	if (step_needs_smoothness(&p->policy) && sc->model.kind != MODEL_QUADRATIC &&
	    sc->model.kind != MODEL_LOGREG)
		return yaml_fail(d, yaml_get(proto, "step"),
				 "koloskova needs L= with model %s (the smoothness "
				 "is known for quadratic and logreg)",
				 scenario_model_name(sc->model.kind));
	long first = 0;
	for (size_t g = 0; g < sc->ngroups; g++) {
		if ((s = optim_group_indices(yaml_item_at(workers, g),
					     &sc->groups[g], first, d)))
			return s;
		first += sc->groups[g].count;
	}
	return ASG_OK;
}
