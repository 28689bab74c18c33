/*
 * rng.h — one random stream per simulated entity.
 *
 * Every entity (a worker's compute times and minibatches, each link's
 * latencies, the data generator) draws from its own generator, seeded from
 * (run seed, entity id) through a mixing function, so that adding a worker
 * leaves every other entity's draws unchanged and no two entities share a
 * stream.  The generator is xoshiro256** (Blackman & Vigna 2018): 32 bytes
 * of state, so that 10^5 workers keep their streams in cache.  It is
 * registered as a gsl_rng_type, so every GSL sampler takes it.
 *
 * gsl_rng_env_setup() is never called: the environment must not change a run.
 */
#ifndef ASG_RNG_H
#define ASG_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The xoshiro256** generator as a GSL type: get() returns 32 bits,
 * get_double() 53 bits in [0, 1). */
extern const gsl_rng_type *rng_xoshiro256;

/* Entity kinds: the high 16 bits of an entity id. */
enum rng_entity_kind {
	RNG_WORKER = 1,     /* compute times of worker i */
	RNG_UPLINK = 2,     /* worker i -> server link */
	RNG_DOWNLINK = 3,   /* server -> worker i link */
	RNG_DATA = 4,       /* synthetic data generation */
	RNG_MODEL = 5,      /* parameter initialisation */
	RNG_PARTITION = 6,  /* assignment of samples to workers */
	RNG_BATCH = 7,      /* minibatch sampling of worker i */
	RNG_AGENT_LINK = 8, /* agent-to-agent link, index = i * D + j */
	RNG_TOPOLOGY = 9,   /* a random communication graph */
	RNG_GOSSIP = 10,    /* agent i's choices of a neighbour (gossip) */
	RNG_CLIENTS = 11,   /* the server's draws of clients (fedavg, fedbuff,
	                       fedasync), index 0 */
	RNG_AVAILABILITY = 12, /* client i's on/off intervals (fedavg) */
	RNG_SLOWDOWN = 13,  /* worker i's straggler episodes (sim_avail.c) */
	RNG_FAILURES = 14,  /* worker i's crashes and recoveries (sim_avail.c) */
	RNG_SCHEDULE = 15,  /* dasgd's random schedule policy, index 0 */
};

/* The entity id of the index-th entity of a kind. */
static inline uint64_t rng_entity(enum rng_entity_kind kind, uint64_t index)
{
	return ((uint64_t)kind << 48) ^ index;
}

/* The seed of an entity's stream: a bijective 64-bit mix (splitmix64
 * finaliser) of the run seed and the entity id.  Distinct entities of one
 * run, and one entity in runs of distinct seeds, get unrelated streams. */
uint64_t rng_stream_seed(uint64_t run_seed, uint64_t entity);

/* A new generator for an entity; NULL if out of memory.
 * Free with gsl_rng_free(). */
gsl_rng *rng_stream_alloc(uint64_t run_seed, uint64_t entity);

/* An entity's generator kept inside the entity's own struct: the state
 * alone, with no allocation and no pointer, so that a draw touches the
 * entity's memory only (at 10^5 workers, a separate allocation per stream
 * costs a cache miss or two per draw).  The struct may be copied or
 * moved.  Its draws are those of rng_stream_alloc's generator for the
 * same (run seed, entity). */
struct rng_stream {
	uint64_t s[4];   /* xoshiro256** state */
};

void rng_stream_init(struct rng_stream *st, uint64_t run_seed, uint64_t entity);

/* A gsl_rng drawing from st, for the GSL samplers: build it where the
 * draws are made (it points into st) and do not keep it. */
static inline gsl_rng rng_stream_gen(struct rng_stream *st)
{
	return (gsl_rng){ .type = rng_xoshiro256, .state = st };
}

#endif
