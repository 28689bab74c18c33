/*
 * topology.h — which agent sends its block to which (network.topology).
 *
 *   complete        every agent to every other
 *   ring            agent i to i - 1 and i + 1 (mod D)
 *   star            agent 0 to every other, and every other to agent 0
 *   random_regular  a uniformly drawn simple graph with every agent of
 *                   network.degree neighbours (configuration model with
 *                   restarts), from the run's RNG_TOPOLOGY stream
 *   edges           the undirected pairs of network.edges
 *   torus           a wrap-around grid of r rows and c = D / r columns, r
 *                   the largest divisor of D with r * r <= D (16 agents:
 *                   4 x 4, 12: 3 x 4); agent i at row i / c, column i % c
 *                   is joined to its left, right, upper and lower
 *                   neighbours (fewer when r or c is 1 or 2)
 * Every graph is undirected: adj[i * D + j] == adj[j * D + i].
 */
#ifndef ASG_TOPOLOGY_H
#define ASG_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/diag.h"
#include "../scenario/scenario.h"

/* Fill adj (D x D): adj[i * D + j] when agent i sends to agent j.  Fails
 * (ASG_EINPUT) only when no random regular graph is found. */
asg_status topology_adjacency(const struct network_config *net, long D,
			      uint64_t seed, bool *adj, struct diag *d);

#endif
