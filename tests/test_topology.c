/*
 * test_topology.c — the communication graphs of dasgd: degrees, symmetry,
 * no self-loops, a random regular graph fixed by the seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "src/net/topology.h"

enum { D = 10 };

static void degrees(const bool *adj, long deg[D])
{
	for (long i = 0; i < D; i++) {
		deg[i] = 0;
		for (long j = 0; j < D; j++) {
			assert_int_equal(adj[i * D + j], adj[j * D + i]);
			deg[i] += adj[i * D + j];
		}
		assert_false(adj[i * D + i]);
	}
}

static void test_fixed_graphs(void **state)
{
	static const struct { enum topology_kind kind; long first, other; } cases[] = {
		{ TOPOLOGY_COMPLETE, D - 1, D - 1 },
		{ TOPOLOGY_RING, 2, 2 },
		{ TOPOLOGY_STAR, D - 1, 1 },
	};
	for (size_t c = 0; c < 3; c++) {
		struct network_config net = { .topology = cases[c].kind };
		bool adj[D * D];
		long deg[D];
		struct diag d;
		diag_init(&d);
		assert_int_equal(topology_adjacency(&net, D, 1, adj, &d), ASG_OK);
		degrees(adj, deg);
		assert_int_equal(deg[0], cases[c].first);
		for (long i = 1; i < D; i++)
			assert_int_equal(deg[i], cases[c].other);
	}
}

static void test_random_regular(void **state)
{
	struct network_config net = { .topology = TOPOLOGY_RANDOM_REGULAR, .degree = 3 };
	bool a[D * D], b[D * D], c[D * D];
	long deg[D];
	struct diag d;
	diag_init(&d);
	assert_int_equal(topology_adjacency(&net, D, 5, a, &d), ASG_OK);
	assert_int_equal(topology_adjacency(&net, D, 5, b, &d), ASG_OK);
	assert_int_equal(topology_adjacency(&net, D, 6, c, &d), ASG_OK);
	degrees(a, deg);
	for (long i = 0; i < D; i++)
		assert_int_equal(deg[i], 3);
	assert_memory_equal(a, b, sizeof a);          /* fixed by the seed */
	assert_memory_not_equal(a, c, sizeof a);      /* another seed, another graph */
}

static void test_edge_list(void **state)
{
	long edges[][2] = { { 0, 1 }, { 1, 2 }, { 9, 0 } };
	struct network_config net = { .topology = TOPOLOGY_EDGES, .edges = edges, .nedges = 3 };
	bool adj[D * D];
	long deg[D];
	struct diag d;
	diag_init(&d);
	assert_int_equal(topology_adjacency(&net, D, 1, adj, &d), ASG_OK);
	degrees(adj, deg);
	assert_int_equal(deg[0], 2);
	assert_int_equal(deg[1], 2);
	assert_int_equal(deg[5], 0);
	assert_true(adj[9 * D + 0] && adj[2 * D + 1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_graphs),
		cmocka_unit_test(test_random_regular),
		cmocka_unit_test(test_edge_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
