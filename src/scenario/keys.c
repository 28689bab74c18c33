/*
 * keys.c — the table of scenario keys (keys.h) and the message for a key
 * that is not in it.
 */
#include "keys.h"

#include <stdio.h>
#include <string.h>

#include "../common/suggest.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SECTION(keys) { keys, NELEM(keys) }
#define KEYS_MAX 48   /* keys of the largest section */

static const struct keys_key stop_keys[] = {
	{ "updates", KEYS_VALUE, NULL },
	{ "time", KEYS_VALUE, NULL },
};

static const struct keys_key model_keys[] = {
	{ "kind", KEYS_VALUE, NULL },
	{ "l2", KEYS_VALUE, NULL },
	{ "hidden", KEYS_VALUE, NULL },
	{ "channels", KEYS_VALUE, NULL },
	{ "kernel", KEYS_VALUE, NULL },
};

static const struct keys_key data_keys[] = {
	{ "kind", KEYS_VALUE, NULL },
	{ "samples", KEYS_VALUE, NULL },
	{ "features", KEYS_VALUE, NULL },
	{ "condition", KEYS_VALUE, NULL },
	{ "noise", KEYS_VALUE, NULL },
	{ "test", KEYS_VALUE, NULL },
	{ "path", KEYS_VALUE, NULL },
	{ "label_column", KEYS_VALUE, NULL },
	{ "header", KEYS_VALUE, NULL },
	{ "labels", KEYS_VALUE, NULL },
	{ "test_path", KEYS_VALUE, NULL },
	{ "test_labels", KEYS_VALUE, NULL },
	{ "limit", KEYS_VALUE, NULL },
	{ "normalize", KEYS_VALUE, NULL },
	{ "partition", KEYS_VALUE, NULL },
	{ "shards_per_worker", KEYS_VALUE, NULL },
	{ "alpha", KEYS_VALUE, NULL },
	{ "seed", KEYS_VALUE, NULL },
};

/* protocol.schedule (dasgd, src/scenario/validate_net.c) */
static const struct keys_key schedule_keys[] = {
	{ "policy", KEYS_VALUE, NULL },
	{ "budget", KEYS_VALUE, NULL },
	{ "per", KEYS_VALUE, NULL },
};

static const struct keys_section schedule_section = SECTION(schedule_keys);

static const struct keys_key protocol_keys[] = {
	{ "kind", KEYS_VALUE, NULL },
	{ "batch", KEYS_VALUE, NULL },
	{ "step", KEYS_VALUE, NULL },
	{ "send_every", KEYS_VALUE, NULL },
	{ "blocks", KEYS_VALUE, NULL },
	{ "backups", KEYS_VALUE, NULL },     /* backup */
	{ "stragglers", KEYS_VALUE, NULL },  /* backup */
	{ "threshold", KEYS_VALUE, NULL },   /* hybrid */
	{ "bound", KEYS_VALUE, NULL },       /* ssp */
	{ "period", KEYS_VALUE, NULL },      /* local */
	{ "mixing", KEYS_VALUE, NULL },      /* gossip */
	{ "init_spread", KEYS_VALUE, NULL }, /* gossip */
	{ "clients_per_round", KEYS_VALUE, NULL }, /* fedavg */
	{ "local_epochs", KEYS_VALUE, NULL },/* fedavg fedbuff fedasync */
	{ "deadline", KEYS_VALUE, NULL },    /* fedavg */
	{ "availability", KEYS_VALUE, NULL },/* fedavg */
	{ "concurrency", KEYS_VALUE, NULL }, /* fedbuff fedasync */
	{ "buffer", KEYS_VALUE, NULL },      /* fedbuff */
	{ "staleness_weight", KEYS_VALUE, NULL }, /* fedbuff fedasync */
	{ "max_staleness", KEYS_VALUE, NULL },/* fedbuff fedasync */
	{ "server_step", KEYS_VALUE, NULL }, /* fedbuff fedasync */
	{ "momentum", KEYS_VALUE, NULL },    /* protocols of sim_apply_gradient */
	{ "dc_lambda", KEYS_VALUE, NULL },   /* protocols of sim_apply_gradient */
	{ "gather", KEYS_VALUE, NULL },      /* rennala */
	{ "restart_after", KEYS_VALUE, NULL },/* ringmaster */
	{ "timeout", KEYS_VALUE, NULL },     /* sync, validate_hetero.c */
	{ "schedule", KEYS_MAPPING, &schedule_section }, /* dasgd */
};

/* workers[i].slowdown and .failures (src/scenario/validate_hetero.c) */
static const struct keys_key slowdown_keys[] = {
	{ "every", KEYS_VALUE, NULL },
	{ "lasts", KEYS_VALUE, NULL },
	{ "factor", KEYS_VALUE, NULL },
};

static const struct keys_key failures_keys[] = {
	{ "uptime", KEYS_VALUE, NULL },
	{ "downtime", KEYS_VALUE, NULL },
};

static const struct keys_section slowdown_section = SECTION(slowdown_keys);
static const struct keys_section failures_section = SECTION(failures_keys);

static const struct keys_key group_keys[] = {
	{ "count", KEYS_VALUE, NULL },
	{ "compute", KEYS_VALUE, NULL },
	{ "name", KEYS_VALUE, NULL },
	{ "step", KEYS_VALUE, NULL },
	{ "uplink", KEYS_VALUE, NULL },      /* validate_net.c */
	{ "downlink", KEYS_VALUE, NULL },    /* validate_net.c */
	{ "bandwidth", KEYS_VALUE, NULL },   /* validate_net.c */
	{ "slowdown", KEYS_MAPPING, &slowdown_section }, /* validate_hetero.c */
	{ "failures", KEYS_MAPPING, &failures_section }, /* validate_hetero.c */
};

static const struct keys_key network_keys[] = {
	{ "uplink", KEYS_VALUE, NULL },
	{ "downlink", KEYS_VALUE, NULL },
	{ "bandwidth", KEYS_VALUE, NULL },
	{ "loss", KEYS_VALUE, NULL },
	{ "latency", KEYS_VALUE, NULL },
	{ "topology", KEYS_VALUE, NULL },
	{ "degree", KEYS_VALUE, NULL },
	{ "edges", KEYS_VALUE, NULL },
	{ "server_bandwidth", KEYS_VALUE, NULL },
};

static const struct keys_key record_keys[] = {
	{ "updates", KEYS_VALUE, NULL },
	{ "full_grad", KEYS_VALUE, NULL },
	{ "eval", KEYS_VALUE, NULL },
	{ "timeline", KEYS_VALUE, NULL },
	{ "aoi", KEYS_VALUE, NULL },
};

static const struct keys_section stop_section = SECTION(stop_keys);
static const struct keys_section model_section = SECTION(model_keys);
static const struct keys_section data_section = SECTION(data_keys);
static const struct keys_section protocol_section = SECTION(protocol_keys);
static const struct keys_section group_section = SECTION(group_keys);
static const struct keys_section network_section = SECTION(network_keys);
static const struct keys_section record_section = SECTION(record_keys);

static const struct keys_key scenario_keys[] = {
	{ "name", KEYS_VALUE, NULL },
	{ "seed", KEYS_VALUE, NULL },
	{ "replications", KEYS_VALUE, NULL },
	{ "stop", KEYS_MAPPING, &stop_section },
	{ "model", KEYS_MAPPING, &model_section },
	{ "data", KEYS_MAPPING, &data_section },
	{ "protocol", KEYS_MAPPING, &protocol_section },
	{ "workers", KEYS_GROUPS, &group_section },
	{ "network", KEYS_MAPPING, &network_section },
	{ "record", KEYS_MAPPING, &record_section },
	{ "sweep", KEYS_SWEEP, NULL },
};

const struct keys_section keys_scenario = SECTION(scenario_keys);

const struct keys_key *keys_find(const struct keys_section *s, const char *name,
				 size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->keys[i].name) == len &&
		    !memcmp(s->keys[i].name, name, len))
			return &s->keys[i];
	return NULL;
}

asg_status keys_unknown(struct diag *d, const struct yaml_mark *at,
			const struct keys_section *s, const char *name,
			size_t len, const char *parent)
{
	const char *names[KEYS_MAX];
	char word[SUGGEST_MAX_LEN + 1];
	char where[256] = "";
	const char *near = NULL;

	_Static_assert(NELEM(data_keys) <= KEYS_MAX, "KEYS_MAX too small");
	_Static_assert(NELEM(protocol_keys) <= KEYS_MAX, "KEYS_MAX too small");
	_Static_assert(NELEM(model_keys) <= KEYS_MAX, "KEYS_MAX too small");
	for (size_t i = 0; i < s->n; i++)
		names[i] = s->keys[i].name;
	if (len <= SUGGEST_MAX_LEN) {
		memcpy(word, name, len);
		word[len] = '\0';
		near = suggest_closest(word, names, s->n);
	}
	if (parent[0])
		snprintf(where, sizeof where, " in '%s'", parent);
	if (near)
		return yaml_fail_at(d, at, "unknown key '%.*s'%s, did you mean '%s'?",
				    (int)len, name, where, near);
	char all[256];
	size_t used = 0;
	all[0] = '\0';
	for (size_t i = 0; i < s->n && used < sizeof all; i++) {
		int w = snprintf(all + used, sizeof all - used, "%s%s",
				 i ? ", " : "", names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return yaml_fail_at(d, at, "unknown key '%.*s'%s (expected %s)", (int)len,
			    name, where, all);
}
