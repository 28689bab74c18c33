/*
 * topology.c — the communication graph of the agents (see topology.h).
 */
#include "topology.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "../engine/rng.h"

/* The rows r of the torus of D agents: the largest divisor of D with
 * r * r <= D (a prime D gives 1 row: a ring). */
static long topology_torus_rows(long D)
{
	long r = 1;
	for (long q = 1; q * q <= D; q++)
		if (D % q == 0)
			r = q;
	return r;
}

/* Agents i and j are next to each other, along a row or a column, on the
 * wrap-around r x c grid where agent i sits at (i / c, i % c). */
static bool topology_torus_edge(long D, long i, long j)
{
	long r = topology_torus_rows(D), c = D / r;
	long ri = i / c, ci = i % c, rj = j / c, cj = j % c;
	if (ri == rj)
		return cj == (ci + 1) % c || ci == (cj + 1) % c;
	return ci == cj && (rj == (ri + 1) % r || ri == (rj + 1) % r);
}

static bool topology_fixed_edge(enum topology_kind t, long D, long i, long j)
{
	switch (t) {
	case TOPOLOGY_COMPLETE:
		return true;
	case TOPOLOGY_RING:
		return j == (i + 1) % D || i == (j + 1) % D;
	case TOPOLOGY_STAR:
		return i == 0 || j == 0;
	case TOPOLOGY_TORUS:
		return topology_torus_edge(D, i, j);
	default:
		return false;
	}
}

/* A random r-regular graph on D agents by the configuration model: pair up
 * D*r shuffled stubs, start again on a self-loop or a double edge (at most
 * 1000 tries).  adj is D x D, zeroed. */
static asg_status topology_random_regular(long D, long r, gsl_rng *rng, bool *adj,
				       struct diag *d)
{
	size_t nstubs = (size_t)(D * r);
	long *stub = malloc(nstubs * sizeof *stub);
	if (!stub)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (int attempt = 0; attempt < 1000; attempt++) {
		memset(adj, 0, (size_t)(D * D) * sizeof *adj);
		for (size_t k = 0; k < nstubs; k++)
			stub[k] = (long)k / r;
		gsl_ran_shuffle(rng, stub, nstubs, sizeof *stub);
		bool simple = true;
		for (size_t k = 0; k + 1 < nstubs && simple; k += 2) {
			long a = stub[k], b = stub[k + 1];
			simple = a != b && !adj[a * D + b];
			adj[a * D + b] = adj[b * D + a] = true;
		}
		if (simple) {
			free(stub);
			return ASG_OK;
		}
	}
	free(stub);
	return diag_set(d, ASG_EINPUT, "no simple %ld-regular graph on %ld agents "
			"found in 1000 tries", r, D);
}

asg_status topology_adjacency(const struct network_config *net, long D,
			      uint64_t seed, bool *adj, struct diag *d)
{
	if (net->topology == TOPOLOGY_RANDOM_REGULAR) {
		gsl_rng *rng = rng_stream_alloc(seed, rng_entity(RNG_TOPOLOGY, 0));
		if (!rng)
			return diag_set(d, ASG_ENOMEM, "out of memory");
		asg_status st = topology_random_regular(D, net->degree, rng, adj, d);
		gsl_rng_free(rng);
		return st;
	}
	for (long i = 0; i < D; i++)
		for (long j = 0; j < D; j++)
			adj[i * D + j] = i != j && topology_fixed_edge(net->topology, D, i, j);
	for (size_t e = 0; e < net->nedges; e++) {
		long a = net->edges[e][0], b = net->edges[e][1];
		assert(a < D && b < D);
		adj[a * D + b] = adj[b * D + a] = true;
	}
	return ASG_OK;
}
