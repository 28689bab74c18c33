/*
 * rng.c — xoshiro256** as a GSL generator, and the per-entity stream seeds.
 *
 * xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018; reference code at https://prng.di.unimi.it/) keeps
 * four 64-bit words of state and produces 64 bits per step:
 *
 *	result = rotl(s[1] * 5, 7) * 9
 *	t = s[1] << 17
 *	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
 *	s[2] ^= t; s[3] = rotl(s[3], 45)
 *
 * The all-zero state is its only fixed point and must never be entered.
 * As a gsl_rng_type: get() returns the high 32 bits of a step (the high bits
 * are the best ones), get_double() the high 53 bits scaled to [0, 1).
 *
 * Seeding (set): the 64-bit seed is the state of a splitmix64 generator
 * (Steele, Lea & Flood 2014) and the first four splitmix64 outputs are the
 * four state words, as the xoshiro authors recommend.  splitmix64 is a
 * bijection of its counter, so the four words are distinct and at most one
 * of them is zero: the state is never all zero, for any seed (0 included:
 * unlike mt19937, no two seeds give the same stream).
 *
 * Stream seeds: see rng_stream_seed() below.
 */
#include "rng.h"

#include <assert.h>

#define RNG_GOLDEN 0x9e3779b97f4a7c15u /* 2^64 / golden ratio, odd */

struct rng_state {
	uint64_t s[4]; /* xoshiro256** state, never all zero */
};

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The splitmix64 output function: a bijection of 64-bit words. */
static inline uint64_t rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* One splitmix64 step: advance *x by the golden gamma, mix the result. */
static inline uint64_t rng_splitmix64(uint64_t *x)
{
	*x += RNG_GOLDEN;
	return rng_mix64(*x);
}

static inline uint64_t rng_next(struct rng_state *st)
{
	uint64_t *s = st->s;
	const uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

static void rng_set(void *vstate, unsigned long int seed)
{
	struct rng_state *st = vstate;
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		st->s[i] = rng_splitmix64(&x);
	assert(st->s[0] | st->s[1] | st->s[2] | st->s[3]);
}

static unsigned long int rng_get(void *vstate)
{
	return (unsigned long int)(rng_next(vstate) >> 32);
}

static double rng_get_double(void *vstate)
{
	return (double)(rng_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type rng_xoshiro256_type = {
	"xoshiro256**",           /* name */
	0xffffffffUL,             /* max of get() */
	0,                        /* min of get() */
	sizeof(struct rng_state), /* state size */
	rng_set,
	rng_get,
	rng_get_double,
};

const gsl_rng_type *rng_xoshiro256 = &rng_xoshiro256_type;

/*
 * seed(run_seed, entity) = mix64(splitmix64(run_seed) ^ entity * GOLDEN)
 *
 * where splitmix64(x) = mix64(x + GOLDEN) is the first splitmix64 output
 * from state x.  For a fixed run seed the map from entity to seed is a
 * bijection (multiplication by an odd constant, xor with a constant, mix64
 * are each bijective), so no two entities of a run share a stream; for a
 * fixed entity the map from run seed to seed is a bijection too.  Entity
 * ids that differ in few bits (worker 3 and worker 4, or kind changes in the
 * high bits) give unrelated seeds through the final mix.
 */
uint64_t rng_stream_seed(uint64_t run_seed, uint64_t entity)
{
	uint64_t x = run_seed;
	uint64_t base = rng_splitmix64(&x);

	return rng_mix64(base ^ (entity * RNG_GOLDEN));
}

void rng_stream_init(struct rng_stream *st, uint64_t run_seed, uint64_t entity)
{
	_Static_assert(sizeof st->s == sizeof(struct rng_state),
		       "struct rng_stream holds a struct rng_state");
	rng_set(st, rng_stream_seed(run_seed, entity));
}

gsl_rng *rng_stream_alloc(uint64_t run_seed, uint64_t entity)
{
	_Static_assert(sizeof(unsigned long int) >= sizeof(uint64_t),
		       "gsl_rng_set takes the 64-bit stream seed as unsigned long");
	gsl_rng *r = gsl_rng_alloc(rng_xoshiro256);

	if (!r)
		return NULL;
	gsl_rng_set(r, rng_stream_seed(run_seed, entity));
	return r;
}
