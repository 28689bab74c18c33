/*
 * validate_hetero.c — the keys of time-varying workers: straggler
 * episodes (workers[g].slowdown), crashes and recoveries
 * (workers[g].failures), and the synchronous round's protocol.timeout.
 *
 *   workers[g].slowdown: {every: DIST, lasts: DIST, factor: X > 0}
 *   workers[g].failures: {uptime: DIST, downtime: DIST}
 *   protocol.timeout: T > 0 (sync)
 *
 * The distributions may depend on the worker index i (checked at each
 * worker of the group) and may be traces in either mode.  Failures are
 * simulated for sync and async only (src/engine/sim_avail.c says how
 * they react); every other protocol refuses them.  protocol.timeout
 * applies to sync alone, and only with failures somewhere: without them a
 * round cannot wait for a worker that is down.
 */
#include <string.h>

#include "validate_impl.h"
#include "value.h"

/* The distribution `key` of mapping n (e.g. "every"), required, checked at
 * every worker first .. first + count - 1. */
static asg_status hetero_dist(const struct yaml_node *n, const char *parent,
			      const char *key, long first, long count,
			      struct dist *out, struct diag *d)
{
	const struct yaml_node *v = yaml_get(n, key);
	char field[160];
	asg_status s;

	snprintf(field, sizeof field, "%s.%s", parent, key);
	if (!v)
		return validate_missing(n, key, parent, d);
	if ((s = value_dist_indexed(v, field, out, d)))
		return s;
	if (!dist_indexed(out))
		return ASG_OK;
	struct yaml_mark m = yaml_text_mark(v, 0);
	struct dist_origin where = { m.file, m.line, m.col };
	struct dist at;
	for (long i = first; i < first + count; i++)
		if ((s = dist_at(out, i, &where, &at, d)))
			return s;
	return ASG_OK;
}

/* The mapping workers[g].`key`, checked against its keys. */
static const struct yaml_node *hetero_section(const struct yaml_node *item,
					      const char *key, char *parent,
					      size_t size, size_t g,
					      asg_status *s, struct diag *d)
{
	const struct yaml_node *n = yaml_get(item, key);
	const struct keys_key *k;

	*s = ASG_OK;
	if (!n)
		return NULL;
	snprintf(parent, size, "workers[%zu].%s", g, key);
	k = keys_find(validate_section_of("workers"), key, strlen(key));
	*s = validate_keys(n, parent, k->child, d);
	return n;
}

static asg_status hetero_group(const struct yaml_node *item, size_t g,
			       long first, struct worker_group *grp,
			       struct diag *d)
{
	char parent[96];
	asg_status s;
	const struct yaml_node *n;

	n = hetero_section(item, "slowdown", parent, sizeof parent, g, &s, d);
	if (s)
		return s;
	if (n) {
		grp->has_slowdown = true;
		if ((s = hetero_dist(n, parent, "every", first, grp->count,
				     &grp->slow_every, d)) ||
		    (s = hetero_dist(n, parent, "lasts", first, grp->count,
				     &grp->slow_lasts, d)))
			return s;
		const struct yaml_node *f = yaml_get(n, "factor");
		char field[160];
		snprintf(field, sizeof field, "%s.factor", parent);
		if (!f)
			return validate_missing(n, "factor", parent, d);
		if ((s = value_double(f, field, &grp->slow_factor, d)))
			return s;
		if (!(grp->slow_factor > 0))
			return value_out_of_range(f, field, "> 0", d);
	}
	n = hetero_section(item, "failures", parent, sizeof parent, g, &s, d);
	if (s || !n)
		return s;
	grp->has_failures = true;
	if ((s = hetero_dist(n, parent, "uptime", first, grp->count,
			     &grp->uptime, d)))
		return s;
	return hetero_dist(n, parent, "downtime", first, grp->count,
			   &grp->downtime, d);
}

/* protocol.timeout, once the groups are read. */
static asg_status hetero_timeout(const struct yaml_node *root,
				 struct scenario *sc,
				 const struct yaml_node *failures,
				 struct diag *d)
{
	const struct yaml_node *proto = yaml_get(root, "protocol");
	const struct yaml_node *t = proto ? yaml_get(proto, "timeout") : NULL;
	asg_status s;

	if (!t)
		return ASG_OK;
	if (sc->protocol.kind != PROTOCOL_SYNC)
		return yaml_fail(d, t, "'protocol.timeout' applies only to protocol sync");
	if (!failures)
		return yaml_fail(d, t, "'protocol.timeout' needs failures: give "
				 "workers[].failures");
	if ((s = value_double(t, "protocol.timeout", &sc->protocol.timeout, d)))
		return s;
	if (!(sc->protocol.timeout > 0))
		return value_out_of_range(t, "protocol.timeout", "> 0", d);
	return ASG_OK;
}

asg_status validate_hetero(const struct yaml_node *root, struct scenario *sc,
			   struct diag *d)
{
	const struct yaml_node *workers = yaml_get(root, "workers");
	const struct yaml_node *failures = NULL;
	asg_status s;
	long first = 0;

	for (size_t g = 0; g < sc->ngroups; g++) {
		const struct yaml_node *item = yaml_item_at(workers, g);
		if ((s = hetero_group(item, g, first, &sc->groups[g], d)))
			return s;
		if (!failures)
			failures = yaml_get(item, "failures");
		first += sc->groups[g].count;
	}
	enum protocol_kind k = sc->protocol.kind;
	if (failures && k != PROTOCOL_SYNC && k != PROTOCOL_ASYNC)
		return yaml_fail(d, failures, "'failures' is simulated for protocols "
				 "sync and async only, not %s",
				 scenario_protocol_name(k));
	return hetero_timeout(root, sc, failures, d);
}
