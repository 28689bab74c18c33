/*
 * test_netsched.c — the server's shared NIC (closed forms of a FIFO queue),
 * per-group links, dasgd's communication budget and its policies, and
 * the messages for their keys; fixed seeds.
 */
#include <math.h>

#include "fixture.h"
#include "src/analysis/bound.h"
#include "src/net/nic.h"

/* D messages of S bytes handed to one NIC at once: the m-th leaves at
 * m S / bandwidth, the last at D S / bandwidth (exact); one handed over
 * when the NIC is idle again leaves S / bandwidth later. */
static void test_nic_fifo(void **state)
{
	(void)state;
	struct nic n;
	nic_init(&n, 400.0);
	for (int m = 1; m <= 10; m++)
		assert_true(nic_send(&n, 0.0, 100.0) == 0.25 * m);
	assert_true(nic_send(&n, 1.0, 100.0) == 2.75);
	assert_true(nic_send(&n, 10.0, 100.0) == 10.25);
	nic_init(&n, 0.0);   /* infinite: nothing waits */
	assert_true(nic_send(&n, 3.0, 1e9) == 3.0);
}

/* A sync scenario on a quadratic of F features: messages of 8F bytes. */
static const char sync_yaml[] =
	"name: nic\n"
	"seed: 3\n"
	"stop: {updates: 1}\n"
	"model: {kind: quadratic}\n"
	"data: {kind: synthetic, samples: 64, features: 10}\n"
	"protocol: {kind: sync}\n"
	"workers:\n"
	"  - {count: 3, compute: \"constant(value=1)\"}\n"
	"  - {count: 1, compute: \"constant(value=1)\", %s}\n"
	"network: {%s}\n"
	"record: {updates: none, full_grad: none}\n";

static void load_sync(struct scenario_plan *plan, const char *group,
		      const char *network)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml, sync_yaml, group, network);
	fixture_load(yaml, plan);
}

/* The time of the first sync step of a plan's run. */
static double sync_step_time(const struct scenario_plan *plan)
{
	struct sim s;
	fixture_run(&plan->runs[0].sc, NULL, &s);
	assert_int_equal(s.k, 1);
	double t = s.now;
	sim_release(&s);
	return t;
}

/* D = 4 workers, S = 80 bytes, server_bandwidth 80 B/s: the parameters
 * sent at once arrive at 1, 2, 3, 4 = D S / bandwidth; each worker
 * computes 1 s; the gradients queue at the NIC (free at 4) and leave at
 * 5, 6, 7, 8: the sync step is at 2 D S / bandwidth = 8 (exact). */
static void test_shared_server_bandwidth(void **state)
{
	(void)state;
	struct scenario_plan plan;
	load_sync(&plan, "name: last", "server_bandwidth: 80");
	assert_true(plan.runs[0].sc.network.server_bandwidth == 80.0);
	struct sim s;
	struct diag d;
	diag_init(&d);
	assert_int_equal(sim_init(&s, &plan.runs[0].sc, NULL, &d), ASG_OK);
	assert_true(s.msg_bytes == 80.0);
	for (long i = 0; i < s.nworkers; i++)
		assert_true(sim_server_send(&s, &s.workers[i].down, s.msg_bytes) ==
			    (double)(i + 1));
	sim_release(&s);
	assert_true(sync_step_time(&plan) == 8.0);
	scenario_plan_release(&plan);
	/* without server_bandwidth nothing waits: the step at 1 */
	load_sync(&plan, "name: last", "");
	assert_true(sync_step_time(&plan) == 1.0);
	scenario_plan_release(&plan);
}

/* Group overrides: the last worker's links have bandwidth 40 B/s (2 s a
 * message) and a constant uplink latency of 3; the others keep the
 * network's (infinite, 0).  A message leaves the NIC, then crosses the
 * worker's own link: downlinks arrive at 1, 2, 3 and 4 + 2 = 6; the last
 * worker's gradient is handed over at 7, leaves the NIC at 8 (the others
 * left at 5, 6, 7), its link at 10, and arrives at 13. */
static void test_group_links(void **state)
{
	(void)state;
	struct scenario_plan plan;
	load_sync(&plan, "bandwidth: 40, uplink: \"constant(value=3)\"",
		  "server_bandwidth: 80, downlink: \"constant(value=0)\"");
	const struct worker_group *g = plan.runs[0].sc.groups;
	assert_true(g[0].bandwidth == 0.0 && g[1].bandwidth == 40.0);
	assert_true(g[1].uplink.kind == DIST_CONSTANT && g[1].uplink.p[0] == 3.0);
	assert_true(sync_step_time(&plan) == 13.0);
	scenario_plan_release(&plan);
}

/* A timing-only dasgd run with a schedule: 4 agents of constant compute 1
 * (12 edges, 12 blocks made eligible per unit of time).  Per time, B = 2:
 * slots at 0.5, 1, ..., 50; the one at 0.5 finds nothing to send (no
 * block has changed), the 99 others each send one message.  In flight,
 * with latency 0.25: waves of B messages, each freeing the slots of the
 * next. */
static long schedule_messages(const char *schedule, const char *latency)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "name: budget\nseed: 5\nstop: {time: 50}\nmodel: {kind: none}\n"
		 "protocol: {kind: dasgd, schedule: %s}\n"
		 "workers: [{count: 4, compute: \"constant(value=1)\"}]\n"
		 "network: {latency: \"%s\"}\n"
		 "record: {updates: none}\n", schedule, latency);
	struct scenario_plan plan;
	fixture_load(yaml, &plan);
	struct sim s;
	fixture_run(&plan.runs[0].sc, NULL, &s);
	long sent = 0;
	for (long i = 0; i < s.nworkers; i++)
		sent += (long)s.workers[i].messages_sent;
	sim_release(&s);
	scenario_plan_release(&plan);
	return sent;
}

static void test_budget(void **state)
{
	(void)state;
	static const char *const policies[] = { "round_robin", "random", "max_age" };
	char sched[128];
	for (size_t p = 0; p < 3; p++) {
		snprintf(sched, sizeof sched, "{policy: %s, budget: 2}", policies[p]);
		assert_int_equal(schedule_messages(sched, "constant(value=0)"), 99);
		/* updates at t = 1 .. 50 make 12 edges eligible; waves of B
		 * messages at t, t + 0.25, t + 0.5, t + 0.75, the one at 50 the
		 * last before the stop */
		snprintf(sched, sizeof sched, "{policy: %s, budget: 3, per: in_flight}",
			 policies[p]);
		assert_int_equal(schedule_messages(sched, "constant(value=0.25)"),
				 12 * 49 + 3);
		snprintf(sched, sizeof sched, "{policy: %s, budget: 1, per: in_flight}",
			 policies[p]);
		assert_int_equal(schedule_messages(sched, "constant(value=0.25)"),
				 4 * 50 - 3);
	}
}

/* The coupled quadratic of scenarios/aoi-scheduling.yaml, one replication
 * per policy: the terms of the bound by policy (point order). */
static void schedule_terms(double t3[5], double lhs[5])
{
	struct scenario_plan plan;
	fixture_load("name: sched\nseed: 1\nstop: {updates: 20000}\n"
		     "model: {kind: quadratic}\n"
		     "data: {kind: synthetic, samples: 2000, features: 32, condition: 50, noise: 0.1}\n"
		     "protocol:\n  kind: dasgd\n  batch: 8\n  step: 0.02\n"
		     "  blocks: [1, 1, 1, 1, 1, 1, 13, 13]\n"
		     "  schedule: {policy: round_robin, budget: 2}\n"
		     "workers: [{count: 8, compute: \"exponential(mean=1)\"}]\n"
		     "network: {latency: \"exponential(mean=0.5)\"}\n"
		     "record: {updates: every(10), full_grad: every(1)}\n"
		     "sweep:\n  protocol.schedule.policy: [round_robin, random, max_age,"
		     " max_weighted_age, whittle]\n", &plan);
	assert_int_equal(plan.nruns, 5);
	char db[4096];
	fixture_path(db, sizeof db, "sched.db");
	fixture_run_into(&plan, db);
	struct bound_options opt;
	bound_options_init(&opt);
	opt.write = false;
	struct bound_result res;
	struct diag d;
	diag_init(&d);
	assert_int_equal(bound_analyse(db, &opt, &res, &d), ASG_OK);
	assert_int_equal(res.nrun, 5);
	for (size_t r = 0; r < 5; r++) {
		assert_int_equal(res.run[r].point_index, (long)r);
		t3[r] = res.run[r].t3;
		lhs[r] = res.run[r].lhs;
	}
	bound_result_release(&res);
	remove(db);
	scenario_plan_release(&plan);
}

/* Acceptance: the L-weighted policies give a lower T3 than round robin at
 * the same budget; whittle (rates ~ sqrt L, the optimum of the fluid
 * model) by more than 10%, max_weighted_age (rates ~ L: the same as round
 * robin to first order) by less. */
static void test_policies_t3(void **state)
{
	(void)state;
	static const char *const names[] = { "round_robin", "random", "max_age",
					     "max_weighted_age", "whittle" };
	double t3[5], lhs[5];
	schedule_terms(t3, lhs);
	for (size_t r = 0; r < 5; r++)
		printf("  %-16s T3 = %.1f  LHS = %.3f\n", names[r], t3[r], lhs[r]);
	assert_true(t3[3] < t3[0]);
	assert_true(t3[4] < 0.9 * t3[0]);
	assert_true(t3[4] < t3[3]);
	assert_true(t3[1] > t3[0]);   /* random: geometric gaps, older ages */
}

#define HEAD "name: b\nstop: {updates: 10}\n"
#define DASGD HEAD "model: {kind: none}\nworkers: [{count: 2, compute: \"constant(value=1)\"}]\n"

static void test_messages(void **state)
{
	(void)state;
	fixture_refused(DASGD "protocol: {kind: dasgd}\nnetwork: {server_bandwidth: 10}\n",
		     "'network.server_bandwidth' applies only to parameter-server "
		     "protocols (sync, async, backup, hybrid, ssp, local, rennala, "
		     "ringmaster), not dasgd");
	fixture_refused(HEAD "model: {kind: none}\nprotocol: {kind: sync}\n"
		     "network: {server_bandwidth: -1}\n"
		     "workers: [{count: 2, compute: \"constant(value=1)\"}]\n",
		     "'network.server_bandwidth' must be >= 0, got -1");
	fixture_refused(HEAD "model: {kind: none}\nprotocol: {kind: dasgd}\n"
		     "workers: [{count: 2, compute: \"constant(value=1)\", uplink: \"constant(value=1)\"}]\n",
		     "'workers[0].uplink' does not apply to protocol dasgd: its "
		     "agents have no link to a server");
	fixture_refused(HEAD "model: {kind: none}\nprotocol: {kind: async}\n"
		     "workers: [{count: 2, compute: \"constant(value=1)\", bandwidth: -2}]\n",
		     "'workers[0].bandwidth' must be >= 0, got -2");
	fixture_refused(DASGD "protocol: {kind: async, schedule: {policy: random, budget: 1}}\n",
		     "'protocol.schedule' applies only to protocol dasgd");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {budget: 1}}\n",
		     "missing key 'policy' in 'protocol.schedule'");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: random}}\n",
		     "missing key 'budget' in 'protocol.schedule'");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: random, budget: 0}}\n",
		     "'protocol.schedule.budget' must be > 0, got 0");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: random, budget: 1.5, per: in_flight}}\n",
		     "expected an integer for 'protocol.schedule.budget', got '1.5'");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: random, budget: 0, per: in_flight}}\n",
		     "'protocol.schedule.budget' must be an integer >= 1 with per: in_flight, got 0");
	fixture_refused(DASGD "protocol: {kind: dasgd, send_every: 2, schedule: {policy: random, budget: 1}}\n",
		     "'protocol.send_every' does not apply with a schedule: the "
		     "schedule decides the messages");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: max_weighted_age, budget: 1}}\n",
		     "schedule policy max_weighted_age needs the couplings L^ij: "
		     "model quadratic or logreg, not none");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: none, budget: 1}}\n",
		     "'protocol.schedule' policy none takes no budget");
	fixture_refused(DASGD "protocol: {kind: dasgd, schedule: {policy: random, budget: 1, pre: time}}\n",
		     "unknown key 'pre' in 'protocol.schedule', did you mean 'per'?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nic_fifo),
		cmocka_unit_test(test_shared_server_bandwidth),
		cmocka_unit_test(test_group_links),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_policies_t3),
		cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
