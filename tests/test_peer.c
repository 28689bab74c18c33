/*
 * test_peer.c — gossip, fedavg, fedbuff and fedasync: their closed forms
 * (THEORY.md, the protocols' headers) with fixed seeds and stated
 * tolerances, their recorded rows, and the messages for bad keys.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "fixture.h"
#include "models/model.h"
#include "src/engine/rng.h"
#include "src/net/topology.h"
#include "src/protocols/protocol.h"

/* ---- helpers ---- */

/* Run a scenario into a fresh database at db. */
static void peer_run_db(const char *yaml, const char *db)
{
	struct scenario_plan plan;
	fixture_load(yaml, &plan);
	fixture_run_into(&plan, db);
	scenario_plan_release(&plan);
}

/* The consensus distance recorded at tick k. */
static double peer_consensus(const char *db, uint64_t k)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT distance FROM consensus WHERE k = %llu",
		 (unsigned long long)k);
	return fixture_query(db, sql);
}

/* The Lemma 11 population of Koloskova et al. 2022: 900 clients of 10 s
 * and 100 of 60 s, timing only. */
#define PEER_LEMMA11_WORKERS \
	"workers:\n" \
	"  - {count: 900, compute: \"constant(value=10)\", name: fast}\n" \
	"  - {count: 100, compute: \"constant(value=60)\", name: slow}\n"

/* ---- gossip ---- */

/* Metropolis with step 1e-300 (below the rounding of x: the iterates of
 * step 0), distinct starts, constant compute, no latency: the agents keep
 * in step, so at tick n r every model is W^(r-1) X^0.  The consensus
 * distance shrinks by lambda^2 a round, lambda the second largest
 * eigenvalue modulus of W (ratio within 1e-6 over rounds 20..30), falls
 * below 1e-24 of its start, and the average model does not move (its loss
 * within 1e-10).  A ring of 8: W_ij = 1/3, lambda = 1/3 + (2/3) cos(2 pi / 8);
 * a 4 x 4 torus: W_ij = 1/5, eigenvalues 1/5 + (2/5)(cos(2 pi a/4) +
 * cos(2 pi b/4)), lambda = 3/5. */
static void test_gossip_metropolis_rate(void **state)
{
	static const struct {
		const char *topology;
		long agents, rounds;
		double lambda;
	} graph[] = {
		{ "ring", 8, 150, 1.0 / 3 + 2.0 / 3 * 0.70710678118654752440 },
		{ "torus", 16, 80, 0.6 },
	};
	for (size_t g = 0; g < 2; g++) {
		char yaml[1024], db[4096];
		long n = graph[g].agents;
		uint64_t end_k = (uint64_t)(n * graph[g].rounds);
		double l2 = graph[g].lambda * graph[g].lambda;
		fixture_path(db, sizeof db, "rate.db");
		snprintf(yaml, sizeof yaml,
			 "name: rate\n"
			 "seed: 7\n"
			 "stop: {updates: %llu}\n"
			 "model: {kind: quadratic}\n"
			 "data: {kind: synthetic, samples: 64, features: 4}\n"
			 "protocol: {kind: gossip, mixing: metropolis, step: 1e-300, init_spread: 1}\n"
			 "workers: [{count: %ld, compute: \"constant(value=1)\"}]\n"
			 "network: {topology: %s}\n"
			 "record: {full_grad: every(%ld)}\n",
			 (unsigned long long)end_k, n, graph[g].topology, n);
		peer_run_db(yaml, db);
		double start = peer_consensus(db, 0);
		assert_true(start > 0.5);
		for (uint64_t r = 20; r < 30; r++) {
			double ratio = peer_consensus(db, (uint64_t)n * (r + 1)) /
				       peer_consensus(db, (uint64_t)n * r);
			if (fabs(ratio / l2 - 1) > 1e-6)
				fail_msg("%s, round %llu: ratio %.12g, lambda^2 = %.12g",
					 graph[g].topology, (unsigned long long)r, ratio, l2);
		}
		double end = peer_consensus(db, end_k);
		printf("  %s: consensus ratio a round %.9f (lambda^2 = %.9f); distance "
		       "%.3g at the start, %.3g after %ld rounds\n", graph[g].topology,
		       peer_consensus(db, (uint64_t)n * 31) / peer_consensus(db, (uint64_t)n * 30),
		       l2, start, end, graph[g].rounds);
		assert_true(end < 1e-24 * start);
		double spread = fixture_query(db, "SELECT (MAX(train_loss) - MIN(train_loss))"
						  " / MIN(train_loss) FROM evals");
		assert_true(spread < 1e-10);
		assert_true(fixture_query(db, "SELECT COUNT(*) FROM evals") ==
			    fixture_query(db, "SELECT COUNT(*) FROM consensus"));
		remove(db);
	}
}

/* Metropolis keeps X^{r+1} = W X^r exactly whatever the timing: on a
 * ring of 8 with random compute times, latencies and a finite bandwidth
 * (step 1e-300, i.e. 0), every agent's model at the end is row i of
 * W^r X^0, r its own round, X^0 its start drawn as the header says
 * (x_0 = 0 for the quadratic, + N(0, I) from stream (RNG_MODEL, i + 1));
 * within 1e-12. */
static void test_gossip_metropolis_exact_rounds(void **state)
{
	enum { N = 8, DIM = 3, MAXR = 400 };
	struct scenario_plan plan;
	fixture_load("name: exact\n"
		     "seed: 12\n"
		     "stop: {updates: 400}\n"
		     "model: {kind: quadratic}\n"
		     "data: {kind: synthetic, samples: 40, features: 3}\n"
		     "protocol: {kind: gossip, step: 1e-300, init_spread: 1}\n"
		     "workers: [{count: 8, compute: \"exponential(mean=1)\"}]\n"
		     "network: {topology: ring, latency: \"exponential(mean=0.3)\","
		     " bandwidth: 100}\n"
		     "record: {full_grad: none}\n", &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	static double X[N][DIM], Y[N][DIM];
	for (long i = 0; i < N; i++) {
		gsl_rng *r = rng_stream_alloc(12, rng_entity(RNG_MODEL, (uint64_t)i + 1));
		for (int c = 0; c < DIM; c++)
			X[i][c] = gsl_ran_gaussian(r, 1.0);
		gsl_rng_free(r);
	}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (uint64_t round = 0; round < MAXR; round++) {
		for (long i = 0; i < N; i++) {
			if (gossip_round(&s, i) != round)
				continue;
			lo = round < lo ? round : lo;
			hi = round > hi ? round : hi;
			for (int c = 0; c < DIM; c++)
				if (fabs(s.workers[i].params[c] - X[i][c]) > 1e-12)
					fail_msg("agent %ld, round %llu: %.17g, expected %.17g", i,
						 (unsigned long long)round,
						 s.workers[i].params[c], X[i][c]);
		}
		for (long i = 0; i < N; i++)
			for (int c = 0; c < DIM; c++)
				Y[i][c] = (X[i][c] + X[(i + 1) % N][c] + X[(i + N - 1) % N][c]) / 3;
		memcpy(X, Y, sizeof X);
	}
	printf("  the agents ended in rounds %llu .. %llu\n", (unsigned long long)lo,
	       (unsigned long long)hi);
	assert_true(hi < MAXR && lo < hi);   /* not in step */
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* The torus graph: 12 agents on 3 x 4, each joined to its row and column
 * neighbours; a prime count is a ring. */
static void test_topology_torus(void **state)
{
	struct network_config net = { .topology = TOPOLOGY_TORUS };
	bool adj[144];
	struct diag d;
	diag_init(&d);
	assert_int_equal(topology_adjacency(&net, 12, 1, adj, &d), ASG_OK);
	for (long i = 0; i < 12; i++) {
		long degree = 0;
		for (long j = 0; j < 12; j++) {
			assert_true(adj[i * 12 + j] == adj[j * 12 + i]);
			degree += adj[i * 12 + j];
		}
		assert_int_equal(degree, 4);
	}
	static const long of0[] = { 1, 3, 4, 8 };   /* (0,1) (0,3) (1,0) (2,0) */
	for (size_t k = 0; k < 4; k++)
		assert_true(adj[of0[k]]);
	assert_false(adj[5]);
	assert_int_equal(topology_adjacency(&net, 7, 1, adj, &d), ASG_OK);
	for (long i = 0; i < 7; i++)
		for (long j = 0; j < 7; j++)
			assert_true(adj[i * 7 + j] == (j == (i + 1) % 7 || i == (j + 1) % 7));
}

/* Random pairwise gossip, exponential compute, no latency, step 1e-300:
 * an exchange is never half done at a tick, so the average model stays
 * (its loss within 1e-10) while the consensus distance falls below 1e-20
 * of its start in 4000 ticks. */
static void test_gossip_random_pairs(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "pairs.db");
	peer_run_db("name: pairs\n"
		    "seed: 9\n"
		    "stop: {updates: 4000}\n"
		    "model: {kind: quadratic}\n"
		    "data: {kind: synthetic, samples: 64, features: 4}\n"
		    "protocol: {kind: gossip, mixing: random, step: 1e-300, init_spread: 1}\n"
		    "workers: [{count: 10, compute: \"exponential(mean=1)\"}]\n"
		    "network: {topology: random_regular, degree: 3}\n"
		    "record: {full_grad: every(100)}\n", db);
	double start = peer_consensus(db, 0), end = peer_consensus(db, 4000);
	printf("  consensus distance %.3g at the start, %.3g after 4000 ticks\n",
	       start, end);
	assert_true(end < 1e-20 * start);
	assert_true(peer_consensus(db, 2000) < peer_consensus(db, 1000));
	double spread = fixture_query(db, "SELECT (MAX(train_loss) - MIN(train_loss))"
					  " / MIN(train_loss) FROM evals");
	assert_true(spread < 1e-10);
	assert_true(fixture_query(db, "SELECT SUM(messages_sent) FROM workers") > 0);
	remove(db);
}

/* Both mixings learn a noise-free least-squares problem: the gradient
 * at the average model falls below 1e-8 of its start. */
static void test_gossip_learns(void **state)
{
	static const char *const mixing[] = { "metropolis", "random" };
	for (size_t m = 0; m < 2; m++) {
		char yaml[1024], db[4096];
		fixture_path(db, sizeof db, "learn.db");
		snprintf(yaml, sizeof yaml,
			 "name: learn\n"
			 "seed: 4\n"
			 "stop: {updates: 3000}\n"
			 "model: {kind: quadratic}\n"
			 "data: {kind: synthetic, samples: 400, features: 6}\n"
			 "protocol: {kind: gossip, mixing: %s, step: 0.05, batch: 8}\n"
			 "workers: [{count: 6, compute: \"exponential(mean=1)\"}]\n"
			 "network: {topology: ring, latency: \"exponential(mean=0.2)\"}\n"
			 "record: {full_grad: every(1000)}\n", mixing[m]);
		peer_run_db(yaml, db);
		double g0 = fixture_query(db, "SELECT full_grad_norm2 FROM evals WHERE k = 0");
		double g = fixture_query(db, "SELECT final_grad_norm2 FROM runs");
		printf("  %s: ||grad f(xbar)||^2 from %.3g to %.3g\n", mixing[m], g0, g);
		assert_true(g < 1e-8 * g0);
		assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 3000);
		remove(db);
	}
}

/* ---- fedavg ---- */

/* Run fedavg on the Lemma 11 clients, 10 a round, 10^4 rounds, with
 * `extra` keys of protocol and a seed; the mean round time. */
static double peer_lemma11_fedavg(const char *extra, int seed, const char *db)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "name: lemma11\n"
		 "seed: %d\n"
		 "stop: {updates: 10000}\n"
		 "model: {kind: none}\n"
		 "protocol: {kind: fedavg, clients_per_round: 10%s}\n"
		 PEER_LEMMA11_WORKERS, seed, extra);
	peer_run_db(yaml, db);
	double rounds = fixture_query(db, "SELECT updates FROM runs");
	assert_true(rounds == 10000);
	return fixture_query(db, "SELECT virtual_time FROM runs") / rounds;
}

/* P(no slow client among 10 drawn without replacement from 900 fast and
 * 100 slow) = prod_{i<10} (900 - i)/(1000 - i). */
static double peer_no_slow(void)
{
	double p = 1;
	for (int i = 0; i < 10; i++)
		p *= (900.0 - i) / (1000.0 - i);
	return p;
}

/* Koloskova et al. 2022, Lemma 11: 1000 clients, 900 of 10 s and 100 of
 * 60 s, 10 a round without replacement: a round lasts 60 - 50 P(no slow
 * client) (42.654 s; 42.566 with replacement), within 2% over 10^4
 * rounds; every tick has exactly 10 rows, of staleness 0, each of weight
 * 1/10. */
static void test_fedavg_round_time(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "fedavg.db");
	fixture_assert_close("mean round time", peer_lemma11_fedavg("", 21, db),
			     60 - 50 * peer_no_slow(), 0.02);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM (SELECT k FROM updates "
				      "GROUP BY k HAVING COUNT(*) != 10)") == 0);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT k) FROM updates") == 10000);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") == 0);
	assert_true(fixture_query(db, "SELECT MAX(ABS(step_size - 0.1)) FROM updates") < 1e-15);
	assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers") == 0);
	remove(db);
}

/* The same clients with a deadline of 30 s: a round lasts 10 s when no
 * slow client is sampled, else 30 s (10 P + 30 (1 - P) = 23.06 s, 2%);
 * the slow clients are all dropped, so no row is theirs and the rows and
 * drops of a round add up to 10. */
static void test_fedavg_deadline(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "deadline.db");
	double p = peer_no_slow();
	fixture_assert_close("mean round time with a deadline",
			     peer_lemma11_fedavg(", deadline: 30", 22, db),
			     10 * p + 30 * (1 - p), 0.02);
	double rounds = 10000;
	assert_true(fixture_query(db, "SELECT MAX(worker) FROM updates") < 900);
	double dropped = fixture_query(db, "SELECT SUM(dropped) FROM workers");
	double grads = fixture_query(db, "SELECT gradients FROM runs");
	assert_true(dropped > 0);
	/* the last round's drops are counted when it closes, after the stop */
	assert_true(grads + dropped <= 10 * rounds && grads + dropped >= 10 * rounds - 10);
	assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers WHERE worker < 900") == 0);
	fixture_assert_close("slow clients dropped a round", dropped / rounds, 1.0, 0.03);
	remove(db);
}

/* Availability: every client on for 100 s, off for 100 s; rounds of 1 s
 * start only while on, so 1000 s hold 5 on-intervals of 100 rounds, and
 * every round ends within 1 s after an on-interval's start + 100 s. */
static void test_fedavg_availability(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "avail.db");
	peer_run_db("name: avail\n"
		    "seed: 23\n"
		    "stop: {time: 1000}\n"
		    "model: {kind: none}\n"
		    "protocol: {kind: fedavg, clients_per_round: 5,\n"
		    "           availability: {on: \"constant(value=100)\", off: \"constant(value=100)\"}}\n"
		    "workers: [{count: 20, compute: \"constant(value=1)\"}]\n", db);
	assert_true(fixture_query(db, "SELECT updates FROM runs") == 500);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates WHERE "
				      "t - 200 * CAST(t / 200 AS INTEGER) > 100") == 0);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 2500);
	remove(db);
}

/* One sample per client, batch 1, one epoch, every client: a round is
 * exactly a full gradient step from x_0 = 0, x_1 = -alpha grad f(0)
 * (relative 1e-12). */
static void test_fedavg_full_gradient_round(void **state)
{
	struct scenario_plan plan;
	fixture_load("name: gd\n"
		     "seed: 24\n"
		     "stop: {updates: 1}\n"
		     "model: {kind: quadratic}\n"
		     "data: {kind: synthetic, samples: 6, features: 5}\n"
		     "protocol: {kind: fedavg, step: 0.1, batch: 1}\n"
		     "workers: [{count: 6, compute: \"exponential(mean=1)\"}]\n", &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	assert_int_equal(s.k, 1);
	double zero[5] = { 0 }, g[5], work[4096];
	assert_true(model_workspace_size(&s.model, 6) <= 4096);
	model_full_grad(&s.model, zero, g, work);
	for (int c = 0; c < 5; c++)
		assert_true(fabs(s.x[c] + 0.1 * g[c]) <= 1e-12 * fabs(0.1 * g[c]));
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* Unequal shards (10 samples, 3 clients): each row's weight is n_i / 10,
 * a shard size over the round's total. */
static void test_fedavg_shard_weights(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "weights.db");
	peer_run_db("name: weights\n"
		    "seed: 25\n"
		    "stop: {updates: 20}\n"
		    "model: {kind: quadratic}\n"
		    "data: {kind: synthetic, samples: 10, features: 2}\n"
		    "protocol: {kind: fedavg, step: 0.05, local_epochs: 2}\n"
		    "workers: [{count: 3, compute: \"exponential(mean=1)\"}]\n", db);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates WHERE "
				      "ABS(step_size * 10 - 3) > 1e-12 AND "
				      "ABS(step_size * 10 - 4) > 1e-12") == 0);
	assert_true(fixture_query(db, "SELECT MAX(ABS(w - 1)) FROM (SELECT SUM(step_size) "
				      "AS w FROM updates GROUP BY k)") < 1e-12);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT step_size) FROM updates") == 2);
	remove(db);
}

/* ---- fedbuff and fedasync ---- */

/* Lemma 11 asynchronously: 10 jobs at once on clients drawn uniformly
 * from all 1000: one update every 15 s / 10 (within 2%, 10^5 updates). */
static void test_async_federated_rate(void **state)
{
	static const char *const protocol[] = {
		"{kind: fedasync, concurrency: 10}",
		"{kind: fedbuff, concurrency: 10, buffer: 10}",
	};
	static const char *const stop[] = { "100000", "10000" };
	static const int seed[] = { 31, 35 };
	for (size_t i = 0; i < 2; i++) {
		char yaml[1024], db[4096];
		fixture_path(db, sizeof db, "rate.db");
		snprintf(yaml, sizeof yaml,
			 "name: rate\n"
			 "seed: %d\n"
			 "stop: {updates: %s}\n"
			 "model: {kind: none}\n"
			 "protocol: %s\n"
			 PEER_LEMMA11_WORKERS
			 "record: {updates: none}\n", seed[i], stop[i], protocol[i]);
		peer_run_db(yaml, db);
		double grads = fixture_query(db, "SELECT gradients FROM runs");
		assert_true(grads == 100000);
		fixture_assert_close(i ? "fedbuff: seconds per 10 updates"
				       : "fedasync: seconds per 10 updates",
				     10 * fixture_query(db, "SELECT virtual_time FROM runs") / grads,
				     15.0, 0.02);
		remove(db);
	}
}

/* fedbuff: every tick applies exactly K updates, each weighted
 * eta_g / (K sqrt(1 + tau)); fedasync: a_t = alpha (1 + tau)^-a. */
static void test_async_federated_weights(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "weights.db");
	peer_run_db("name: fedbuff\n"
		    "seed: 32\n"
		    "stop: {updates: 300}\n"
		    "model: {kind: logreg}\n"
		    "data: {kind: synthetic, samples: 500, features: 5}\n"
		    "protocol: {kind: fedbuff, concurrency: 6, buffer: 4, server_step: 0.5,\n"
		    "           staleness_weight: inverse_sqrt, step: 0.1, batch: 5}\n"
		    "workers: [{count: 10, compute: \"exponential(mean=1)\"}]\n", db);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM (SELECT k FROM updates "
				      "GROUP BY k HAVING COUNT(*) != 4)") == 0);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 1200);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") > 0);
	assert_true(fixture_query(db, "SELECT MAX(ABS(step_size - 0.125 / SQRT(1 + staleness)))"
				      " FROM updates") < 1e-15);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates WHERE NOT grad_norm2 > 0") == 0);
	remove(db);
	peer_run_db("name: fedasync\n"
		    "seed: 33\n"
		    "stop: {updates: 300}\n"
		    "model: {kind: logreg}\n"
		    "data: {kind: synthetic, samples: 500, features: 5}\n"
		    "protocol: {kind: fedasync, concurrency: 6, server_step: 0.3,\n"
		    "           staleness_weight: \"polynomial(a=0.7)\", step: 0.1, batch: 5}\n"
		    "workers: [{count: 10, compute: \"exponential(mean=1)\"}]\n", db);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 300);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") > 0);
	assert_true(fixture_query(db, "SELECT MAX(ABS(step_size - 0.3 * EXP(-0.7 * "
				      "LN(1 + staleness)))) FROM updates") < 1e-15);
	remove(db);
}

/* max_staleness: nothing staler is applied, and what was is counted. */
static void test_async_federated_max_staleness(void **state)
{
	char db[4096];
	fixture_path(db, sizeof db, "stale.db");
	peer_run_db("name: stale\n"
		    "seed: 34\n"
		    "stop: {updates: 5000}\n"
		    "model: {kind: none}\n"
		    "protocol: {kind: fedasync, concurrency: 10, max_staleness: 5}\n"
		    PEER_LEMMA11_WORKERS, db);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") == 5);
	double dropped = fixture_query(db, "SELECT SUM(dropped) FROM workers");
	printf("  %g updates rejected for 5000 applied\n", dropped);
	assert_true(dropped > 0);
	assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers WHERE worker >= 900") > 0);
	remove(db);
}

/* ---- the keys ---- */

#define PEER_HEAD "name: bad\nstop: {updates: 10}\nmodel: {kind: none}\n"
#define PEER_TEN "workers: [{count: 10, compute: \"constant(value=1)\"}]\n"

static void test_peer_keys_refused(void **state)
{
	fixture_refused(PEER_HEAD "protocol: {kind: fedasync, buffer: 3}\n" PEER_TEN,
		     ":4:36: 'protocol.buffer' applies only to protocol fedbuff");
	fixture_refused(PEER_HEAD "protocol: {kind: fedavg, concurrency: 3}\n" PEER_TEN,
		     ":4:39: 'protocol.concurrency' applies only to protocols fedbuff and fedasync");
	fixture_refused(PEER_HEAD "protocol: {kind: gossip, local_epochs: 2}\n" PEER_TEN,
		     ":4:40: 'protocol.local_epochs' applies only to protocols fedavg, "
		     "fedbuff and fedasync");
	fixture_refused(PEER_HEAD "protocol: {kind: async, mixing: random}\n" PEER_TEN,
		     ":4:33: 'protocol.mixing' applies only to protocol gossip");
	fixture_refused(PEER_HEAD "protocol: {kind: fedavg, clients_per_round: 20}\n" PEER_TEN,
		     ":4:45: 'protocol.clients_per_round' is 20, but there are only 10 workers");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, concurrency: 0}\n" PEER_TEN,
		     ":4:40: 'protocol.concurrency' must be >= 1, got 0");
	fixture_refused(PEER_HEAD "protocol: {kind: fedasync, server_step: 1.5}\n" PEER_TEN,
		     ":4:41: 'protocol.server_step' must be in (0, 1] for fedasync "
		     "(a mixing weight), got 1.5");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, staleness_weight: \"polynomial(a=-1)\"}\n"
		     PEER_TEN,
		     ":4:59: the exponent of polynomial(a) in 'protocol.staleness_weight' "
		     "must be finite and > 0, got -1");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, staleness_weight: polynomial}\n"
		     PEER_TEN,
		     ":4:45: 'protocol.staleness_weight' polynomial needs its exponent: "
		     "polynomial(a)");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, staleness_weight: \"poly(2)\"}\n"
		     PEER_TEN,
		     ":4:45: expected constant, inverse_sqrt or polynomial(a) for "
		     "'protocol.staleness_weight', got 'poly(2)'");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, staleness_weight: \"polynomial(a=0.5\"}\n"
		     PEER_TEN,
		     ":4:45: expected constant, inverse_sqrt or polynomial(a) for "
		     "'protocol.staleness_weight', got 'polynomial(a=0.5'");
	fixture_refused(PEER_HEAD "protocol: {kind: fedbuff, staleness_weight: inverse}\n"
		     PEER_TEN,
		     ":4:45: unknown staleness weight 'inverse', did you mean 'inverse_sqrt'?");
	fixture_refused(PEER_HEAD "protocol: {kind: fedavg, availability: {on: \"constant(value=1)\"}}\n"
		     PEER_TEN,
		     ":4:40: missing key 'off' in 'protocol.availability'");
	fixture_refused(PEER_HEAD "protocol: {kind: fedavg, availability: {on: \"constant(value=1)\","
		     " off: \"constant(value=0)\"}}\n" PEER_TEN,
		     ":4:71: 'protocol.availability.off' must be a distribution of mean > 0, "
		     "got constant(value=0)");
	fixture_refused(PEER_HEAD "protocol: {kind: fedavg, deadline: -1}\n" PEER_TEN,
		     ":4:36: 'protocol.deadline' must be > 0 or none, got -1");
	fixture_refused(PEER_HEAD "protocol: {kind: gossip, mixing: metropolys}\n" PEER_TEN,
		     ":4:34: unknown mixing 'metropolys', did you mean 'metropolis'?");
	fixture_refused(PEER_HEAD "protocol: {kind: gossip, init_spread: -1}\n" PEER_TEN,
		     ":4:39: 'protocol.init_spread' must be >= 0, got -1");
}

/* The defaults, and none for the open-ended keys. */
static void test_peer_keys_defaults(void **state)
{
	struct scenario_plan plan;
	fixture_load(PEER_HEAD "protocol: {kind: fedbuff, max_staleness: none}\n" PEER_TEN, &plan);
	const struct protocol_config *p = &plan.runs[0].sc.protocol;
	assert_int_equal(p->buffer, 10);
	assert_int_equal(p->concurrency, 0);
	assert_int_equal(p->local_epochs, 1);
	assert_int_equal(p->staleness_weight, STALENESS_INVERSE_SQRT);
	assert_true(p->max_staleness == UINT64_MAX);
	assert_true(p->server_step == 1.0);
	scenario_plan_release(&plan);
	fixture_load(PEER_HEAD "protocol: {kind: fedasync, max_staleness: 4,"
		     " staleness_weight: \"polynomial( 0.25 )\"}\n" PEER_TEN, &plan);
	p = &plan.runs[0].sc.protocol;
	assert_true(p->server_step == 0.6);
	assert_true(p->max_staleness == 4);
	assert_int_equal(p->staleness_weight, STALENESS_POLYNOMIAL);
	assert_true(p->staleness_power == 0.25);
	scenario_plan_release(&plan);
	fixture_load(PEER_HEAD "protocol: {kind: gossip}\n" PEER_TEN
		     "network: {topology: torus}\n", &plan);
	p = &plan.runs[0].sc.protocol;
	assert_int_equal(p->mixing, MIXING_METROPOLIS);
	assert_int_equal(plan.runs[0].sc.network.topology, TOPOLOGY_TORUS);
	scenario_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gossip_metropolis_rate),
		cmocka_unit_test(test_gossip_metropolis_exact_rounds),
		cmocka_unit_test(test_topology_torus),
		cmocka_unit_test(test_gossip_random_pairs),
		cmocka_unit_test(test_gossip_learns),
		cmocka_unit_test(test_fedavg_round_time),
		cmocka_unit_test(test_fedavg_deadline),
		cmocka_unit_test(test_fedavg_availability),
		cmocka_unit_test(test_fedavg_full_gradient_round),
		cmocka_unit_test(test_fedavg_shard_weights),
		cmocka_unit_test(test_async_federated_rate),
		cmocka_unit_test(test_async_federated_weights),
		cmocka_unit_test(test_async_federated_max_staleness),
		cmocka_unit_test(test_peer_keys_refused),
		cmocka_unit_test(test_peer_keys_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
