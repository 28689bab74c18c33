/*
 * validate_peer.c — the protocol keys of gossip, fedavg, fedbuff and
 * fedasync (docs/scenarios.md), read into struct protocol_config.
 *
 *   key                 protocols                 value
 *   mixing              gossip                    metropolis | random
 *   init_spread         gossip                    >= 0
 *   clients_per_round   fedavg                    1 .. workers
 *   local_epochs        fedavg fedbuff fedasync   >= 1
 *   deadline            fedavg                    > 0 virtual seconds, or none
 *   availability        fedavg                    {on: DIST, off: DIST}, each
 *                                                 of mean > 0
 *   concurrency         fedbuff fedasync          1 .. workers
 *   buffer              fedbuff                   >= 1
 *   staleness_weight    fedbuff fedasync          constant | inverse_sqrt |
 *                                                 polynomial(a), a > 0
 *   max_staleness       fedbuff fedasync          >= 0, or none
 *   server_step         fedbuff                   > 0
 *                       fedasync                  in (0, 1]
 *
 * A key given for a protocol that does not use it is refused.  The bounds
 * that involve the number of workers are checked by validate_peer_fit,
 * once the workers are read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_impl.h"
#include "value.h"

/* The defaults of the keys (scenario.h). */
#define PEER_LOCAL_EPOCHS 1
#define PEER_BUFFER 10
#define PEER_SERVER_STEP_FEDBUFF 1.0
#define PEER_SERVER_STEP_FEDASYNC 0.6

#define PEER_OWNER(kind) (1u << (kind))
#define PEER_GOSSIP PEER_OWNER(PROTOCOL_GOSSIP)
#define PEER_FEDAVG PEER_OWNER(PROTOCOL_FEDAVG)
#define PEER_ASYNC (PEER_OWNER(PROTOCOL_FEDBUFF) | PEER_OWNER(PROTOCOL_FEDASYNC))
#define PEER_FEDERATED (PEER_FEDAVG | PEER_ASYNC)

static const char *const mixing_names[] = { "metropolis", "random" };
static const char *const weight_names[] = { "constant", "inverse_sqrt",
					    "polynomial" };

static const struct keys_key availability_keys[] = {
	{ "on", KEYS_VALUE, NULL },
	{ "off", KEYS_VALUE, NULL },
};
static const struct keys_section availability_section = {
	availability_keys, NELEM(availability_keys)
};

/* The key `name` of protocol mapping n, refused unless the protocol is
 * one of `owners` (a mask of PEER_OWNER bits); NULL when absent. */
static asg_status peer_key(const struct yaml_node *n, const char *name,
			   enum protocol_kind kind, unsigned owners,
			   const struct yaml_node **out, struct diag *d)
{
	char list[128] = "";
	size_t used = 0, count = 0, seen = 0;

	*out = yaml_get(n, name);
	if (!*out || (owners & PEER_OWNER(kind)))
		return ASG_OK;
	for (unsigned k = 0; k < 32; k++)
		count += (owners >> k) & 1u;
	for (unsigned k = 0; k < 32 && used < sizeof list; k++) {
		if (!((owners >> k) & 1u))
			continue;
		seen++;
		const char *sep = seen == 1 ? "" : seen == count ? " and " : ", ";
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", sep,
					 scenario_protocol_name((enum protocol_kind)k));
	}
	return yaml_fail(d, *out, "'protocol.%s' applies only to protocol%s %s",
			 name, count > 1 ? "s" : "", list);
}

/* True when v is the scalar `none`. */
static bool peer_is_none(const struct yaml_node *v)
{
	return v->kind == YAML_SCALAR && !strcmp(v->text, "none");
}

/* protocol.<name>, an integer >= 1, into *out when given (refused
 * unless the protocol is one of owners). */
static asg_status peer_count(const struct yaml_node *n, const char *name,
			     enum protocol_kind kind, unsigned owners, long *out,
			     struct diag *d)
{
	const struct yaml_node *v;
	char key[64];
	asg_status s = peer_key(n, name, kind, owners, &v, d);
	if (s != ASG_OK || !v)
		return s;
	snprintf(key, sizeof key, "protocol.%s", name);
	s = value_long(v, key, out, d);
	if (s == ASG_OK && *out < 1)
		s = value_out_of_range(v, key, ">= 1", d);
	return s;
}

/* protocol.availability: {on: DIST, off: DIST}, both required. */
static asg_status peer_availability(const struct yaml_node *v,
				    struct protocol_config *proto, struct diag *d)
{
	const char *key = "protocol.availability";
	static const char *const parts[] = { "on", "off" };
	struct dist *out[] = { &proto->avail_on, &proto->avail_off };
	char full[64];
	asg_status s = validate_keys(v, key, &availability_section, d);
	if (s != ASG_OK)
		return s;
	for (size_t i = 0; i < 2; i++) {
		const struct yaml_node *p = yaml_get(v, parts[i]);
		snprintf(full, sizeof full, "%s.%s", key, parts[i]);
		if (!p)
			return validate_missing(v, parts[i], key, d);
		if ((s = value_dist(p, full, out[i], d)))
			return s;
		if (!(dist_mean(out[i]) > 0))
			return value_out_of_range(p, full, "a distribution of mean > 0", d);
	}
	proto->has_availability = true;
	return ASG_OK;
}

/* p past spaces, `word` and the spaces after it; NULL when p is NULL or
 * the word is not there. */
static const char *peer_skip(const char *p, const char *word)
{
	if (!p)
		return NULL;
	p += strspn(p, " ");
	size_t n = strlen(word);
	if (strncmp(p, word, n))
		return NULL;
	return p + n + strspn(p + n, " ");
}

/* The a of `polynomial(A)` or `polynomial(a=A)`, the text of v. */
static asg_status peer_polynomial(const struct yaml_node *v, double *a,
				  struct diag *d)
{
	const char *key = "protocol.staleness_weight";
	const char *number = peer_skip(peer_skip(v->text, "polynomial"), "(");
	const char *named = peer_skip(peer_skip(number, "a"), "=");
	char *end = NULL;
	if (named)
		number = named;
	if (number)
		*a = strtod(number, &end);
	const char *rest = end && end != number ? peer_skip(end, ")") : NULL;
	if (!rest || *rest)
		return yaml_fail(d, v, "expected constant, inverse_sqrt or polynomial(a) "
				 "for '%s', got '%s'", key, v->text);
	if (!(*a > 0) || !isfinite(*a)) {
		struct yaml_mark m = yaml_text_mark(v, (size_t)(number - v->text));
		return yaml_fail_at(d, &m, "the exponent of polynomial(a) in '%s' must "
				    "be finite and > 0, got %.*s", key, (int)(end - number), number);
	}
	return ASG_OK;
}

/* protocol.staleness_weight: a name, or polynomial(a). */
static asg_status peer_staleness_weight(const struct yaml_node *v,
					struct protocol_config *proto,
					struct diag *d)
{
	const char *key = "protocol.staleness_weight";
	int w;
	if (v->kind == YAML_SCALAR && strchr(v->text, '(')) {
		proto->staleness_weight = STALENESS_POLYNOMIAL;
		return peer_polynomial(v, &proto->staleness_power, d);
	}
	asg_status s = value_enum(v, key, "staleness weight", weight_names,
				  NELEM(weight_names), &w, d);
	if (s != ASG_OK)
		return s;
	if (w == STALENESS_POLYNOMIAL)
		return yaml_fail(d, v, "'%s' polynomial needs its exponent: "
				 "polynomial(a)", key);
	proto->staleness_weight = (enum staleness_weight)w;
	return ASG_OK;
}

/* The gossip keys. */
static asg_status peer_gossip(const struct yaml_node *n,
			      struct protocol_config *proto, struct diag *d)
{
	const struct yaml_node *v;
	asg_status s;
	int mixing = MIXING_METROPOLIS;

	if ((s = peer_key(n, "mixing", proto->kind, PEER_GOSSIP, &v, d)))
		return s;
	if (v && (s = value_enum(v, "protocol.mixing", "mixing", mixing_names,
				 NELEM(mixing_names), &mixing, d)))
		return s;
	proto->mixing = (enum gossip_mixing)mixing;
	if ((s = peer_key(n, "init_spread", proto->kind, PEER_GOSSIP, &v, d)))
		return s;
	if (v && (s = value_double(v, "protocol.init_spread", &proto->init_spread, d)))
		return s;
	if (proto->init_spread < 0)
		return value_out_of_range(v, "protocol.init_spread", ">= 0", d);
	return ASG_OK;
}

/* The keys of fedavg alone. */
static asg_status peer_fedavg(const struct yaml_node *n,
			      struct protocol_config *proto, struct diag *d)
{
	const struct yaml_node *v;
	enum protocol_kind kind = proto->kind;
	asg_status s;

	if ((s = peer_count(n, "clients_per_round", kind, PEER_FEDAVG,
			    &proto->clients_per_round, d)))
		return s;
	if ((s = peer_key(n, "deadline", kind, PEER_FEDAVG, &v, d)))
		return s;
	if (v && !peer_is_none(v)) {
		if ((s = value_double(v, "protocol.deadline", &proto->deadline, d)))
			return s;
		if (!(proto->deadline > 0))
			return value_out_of_range(v, "protocol.deadline", "> 0 or none", d);
	}
	if ((s = peer_key(n, "availability", kind, PEER_FEDAVG, &v, d)))
		return s;
	return v ? peer_availability(v, proto, d) : ASG_OK;
}

/* The keys of fedbuff and fedasync. */
static asg_status peer_async(const struct yaml_node *n,
			     struct protocol_config *proto, struct diag *d)
{
	const struct yaml_node *v;
	enum protocol_kind kind = proto->kind;
	asg_status s;

	if ((s = peer_count(n, "concurrency", kind, PEER_ASYNC, &proto->concurrency, d)) ||
	    (s = peer_count(n, "buffer", kind, PEER_OWNER(PROTOCOL_FEDBUFF),
			    &proto->buffer, d)))
		return s;
	if ((s = peer_key(n, "staleness_weight", kind, PEER_ASYNC, &v, d)))
		return s;
	if (v && (s = peer_staleness_weight(v, proto, d)))
		return s;
	if ((s = peer_key(n, "max_staleness", kind, PEER_ASYNC, &v, d)))
		return s;
	if (v && !peer_is_none(v) &&
	    (s = value_u64(v, "protocol.max_staleness", &proto->max_staleness, d)))
		return s;
	if ((s = peer_key(n, "server_step", kind, PEER_ASYNC, &v, d)))
		return s;
	if (v && (s = value_double(v, "protocol.server_step", &proto->server_step, d)))
		return s;
	if (!(proto->server_step > 0))
		return value_out_of_range(v, "protocol.server_step", "> 0", d);
	if (kind == PROTOCOL_FEDASYNC && proto->server_step > 1)
		return value_out_of_range(v, "protocol.server_step",
					  "in (0, 1] for fedasync (a mixing weight)", d);
	return ASG_OK;
}

asg_status validate_peer(const struct yaml_node *n,
			 struct protocol_config *proto, struct diag *d)
{
	asg_status s;

	proto->mixing = MIXING_METROPOLIS;
	proto->init_spread = 0;
	proto->clients_per_round = 0;
	proto->local_epochs = PEER_LOCAL_EPOCHS;
	proto->deadline = 0;
	proto->has_availability = false;
	proto->concurrency = 0;
	proto->buffer = PEER_BUFFER;
	proto->staleness_weight = STALENESS_INVERSE_SQRT;
	proto->staleness_power = 0.5;
	proto->max_staleness = UINT64_MAX;
	proto->server_step = proto->kind == PROTOCOL_FEDASYNC
				     ? PEER_SERVER_STEP_FEDASYNC
				     : PEER_SERVER_STEP_FEDBUFF;
	if ((s = peer_gossip(n, proto, d)) || (s = peer_fedavg(n, proto, d)) ||
	    (s = peer_count(n, "local_epochs", proto->kind, PEER_FEDERATED,
			    &proto->local_epochs, d)))
		return s;
	return peer_async(n, proto, d);
}

/* A count of clients (key) at most the D workers. */
static asg_status peer_fits(const struct yaml_node *n, const char *key,
			    long count, long D, struct diag *d)
{
	const struct yaml_node *v = yaml_get(n, key);
	if (count <= D)
		return ASG_OK;
	return yaml_fail(d, v ? v : n, "'protocol.%s' is %ld, but there are only "
			 "%ld workers", key, count, D);
}

asg_status validate_peer_fit(const struct yaml_node *root,
			     struct scenario *sc, struct diag *d)
{
	const struct yaml_node *n = yaml_get(root, "protocol");
	struct protocol_config *proto = &sc->protocol;
	asg_status s;
	if ((s = peer_fits(n, "clients_per_round", proto->clients_per_round,
			   sc->nworkers, d)))
		return s;
	return peer_fits(n, "concurrency", proto->concurrency, sc->nworkers, d);
}
