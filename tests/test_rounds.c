/*
 * test_rounds.c — the protocols backup, hybrid, ssp, local and allreduce:
 * their closed forms (THEORY.md) with fixed seeds and stated tolerances,
 * their invariants checked over whole runs, the runs they must reproduce
 * exactly, and the messages for their keys.
 */
#include <math.h>

#include "fixture.h"
#include "optim_fixture.h"
#include "src/protocols/protocol.h"

static double harmonic(int n)
{
	double h = 0;
	for (int i = 1; i <= n; i++)
		h += 1.0 / i;
	return h;
}

/* The db's run made `ticks` ticks, each with exactly `rows` updates rows,
 * all of staleness 0 (rows computed on the tick's own parameters). */
static void assert_rounds(const char *db, long rows, double ticks)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT k FROM updates "
		 "GROUP BY k HAVING COUNT(*) != %ld)", rows);
	assert_true(fixture_query(db, sql) == 0);
	assert_true(fixture_query(db, "SELECT COUNT(DISTINCT k) FROM updates") == ticks);
	assert_true(fixture_query(db, "SELECT MAX(staleness) FROM updates") == 0);
}

/* Load yaml, run its first run into a fresh database at db (named name). */
static void run_into(const char *yaml, const char *name, char *db, size_t size)
{
	fixture_path(db, size, name);
	optim_run_db(yaml, db);
}

/* ---- backup ---------------------------------------------------------------- */

/* Restart, m = 8 of m + e = 10 workers, exponential(mean=1), no latency:
 * a round lasts E[8th of 10] = H_10 - H_2 = 1.4290 (tolerance 2% over
 * 20000 rounds); exactly m rows of staleness 0 per tick; at every round's
 * end the e others are computing, so exactly e jobs a round are
 * abandoned. */
static void test_backup_restart_round_time(void **state)
{
	char db[4096];
	run_into("name: backup-restart\n"
		 "seed: 7\n"
		 "stop: {updates: 20000}\n"
		 "model: {kind: none}\n"
		 "protocol: {kind: backup, backups: 2, stragglers: restart}\n"
		 "workers: [{count: 10, compute: \"exponential(mean=1)\"}]\n",
		 "backup.db", db, sizeof db);
	double ticks = fixture_query(db, "SELECT updates FROM runs");
	double t = fixture_query(db, "SELECT virtual_time FROM runs");
	assert_true(ticks == 20000);
	fixture_assert_close("mean round time (restart)", t / ticks,
			     harmonic(10) - harmonic(2), 0.02);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM updates") == 8 * 20000);
	assert_rounds(db, 8, 20000);
	assert_true(fixture_query(db, "SELECT SUM(dropped) FROM workers") == 2 * 20000);
	assert_true(fixture_query(db, "SELECT SUM(updates) FROM workers") == 8 * 20000);
	remove(db);
}

/* Restart with random latencies both ways: jobs are abandoned with their
 * parameters or their gradient on the way as well; none of their events
 * may act later, so every tick still has m rows of staleness 0, and
 * every gradient sent was applied or dropped (or is the round's, at the
 * end). */
static void test_backup_restart_with_latency(void **state)
{
	char db[4096];
	run_into("name: backup-latency\n"
		 "seed: 8\n"
		 "stop: {updates: 5000}\n"
		 "model: {kind: none}\n"
		 "protocol: {kind: backup, backups: 3}\n"
		 "workers: [{count: 9, compute: \"lognormal(mu=0, sigma=0.8)\"}]\n"
		 "network: {uplink: \"exponential(mean=0.5)\", downlink: \"exponential(mean=0.5)\"}\n",
		 "backup-latency.db", db, sizeof db);
	assert_rounds(db, 6, 5000);
	double sent = fixture_query(db, "SELECT SUM(messages_sent) FROM workers");
	double applied = fixture_query(db, "SELECT SUM(updates) FROM workers");
	double dropped = fixture_query(db, "SELECT SUM(dropped) FROM workers");
	/* dropped = abandoned while computing (never sent) + gradients on the way */
	assert_true(applied == 6 * 5000);
	assert_true(sent >= applied && sent <= applied + dropped + 9);
	assert_true(dropped >= 3 * 5000 * 0.5);
	printf("  restart with latency: %.0f sent, %.0f applied, %.0f dropped\n",
	       sent, applied, dropped);
	remove(db);
}

/* Finish (SyncReplicasOptimizer): stragglers complete, their gradients
 * are dropped on arrival.  Every tick has m rows of staleness 0, and
 * every gradient a worker sent was applied, dropped, or is in the round
 * under way (at most one a worker). */
static void test_backup_finish_drops_stale_gradients(void **state)
{
	char db[4096];
	run_into("name: backup-finish\n"
		 "seed: 9\n"
		 "stop: {updates: 5000}\n"
		 "model: {kind: none}\n"
		 "protocol: {kind: backup, backups: 2, stragglers: finish}\n"
		 "workers: [{count: 10, compute: \"exponential(mean=1)\"}]\n",
		 "backup-finish.db", db, sizeof db);
	assert_rounds(db, 8, 5000);
	assert_true(fixture_query(db, "SELECT COUNT(*) FROM workers WHERE "
				      "messages_sent - updates - dropped NOT IN (0, 1)") == 0);
	double dropped = fixture_query(db, "SELECT SUM(dropped) FROM workers");
	double t = fixture_query(db, "SELECT virtual_time FROM runs") / 5000;
	/* a straggler's first gradient of a round is always stale */
	assert_true(dropped > 0.5 * 2 * 5000);
	assert_true(t > harmonic(10) - harmonic(2));
	printf("  finish: %.0f gradients dropped, mean round %.4f\n", dropped, t);
	remove(db);
}

/* ---- hybrid ---------------------------------------------------------------- */

/* A threshold schedule and the K it must give at (t, k), D = 8. */
struct hybrid_case {
	const char *threshold;    /* protocol.threshold as written */
	long (*K)(double t, double k);
};

static long K_const4(double t, double k) { return 4; }
static long K_time(double t, double k) { return t < 40 ? 1 : t < 100 ? 5 : 8; }
static long K_ticks(double t, double k) { return k < 150 ? 2 : k < 250 ? 6 : 8; }
static long K_down(double t, double k) { return t < 60 ? 8 : 3; }
static long K_paper(double t, double k) { return t < 60 ? 1 : t < 100 ? 4 : 8; }
static long K_linear_time(double t, double k)
{
	double K = floor(1 + 0.05 * t);
	return K > 8 ? 8 : (long)K;
}
static long K_linear_ticks(double t, double k)
{
	double K = floor(1.5 + 0.02 * k);
	return K > 8 ? 8 : (long)K;
}

/* Every tick applies exactly the K of its schedule at that time: the
 * time of the tick (all its rows share it) or the ticks before it. */
static void test_hybrid_ticks_apply_the_scheduled_K(void **state)
{
	static const struct hybrid_case cases[] = {
		{ "4", K_const4 },
		{ "{time: [[0, 1], [40, 5], [100, 8]]}", K_time },
		{ "{ticks: [[0, 2], [150, 6], [250, 8]]}", K_ticks },
		{ "{time: [[0, 8], [60, 3]]}", K_down },
		{ "{paper: {alpha: 0.05}}", K_paper },
		{ "{linear: {start: 1, per_second: 0.05}}", K_linear_time },
		{ "{linear: {start: 1.5, per_tick: 0.02}}", K_linear_ticks },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char yaml[1024], db[4096];
		snprintf(yaml, sizeof yaml,
			 "name: hybrid\n"
			 "seed: %zu\n"
			 "stop: {time: 400}\n"
			 "model: {kind: none}\n"
			 "protocol: {kind: hybrid, threshold: %s}\n"
			 "workers:\n"
			 "  - {count: 4, compute: \"exponential(mean=1)\"}\n"
			 "  - {count: 4, compute: \"exponential(mean=3)\", name: delayed}\n"
			 "network: {uplink: \"exponential(mean=0.1)\"}\n",
			 c + 1, cases[c].threshold);
		run_into(yaml, "hybrid.db", db, sizeof db);
		sqlite3 *h;
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "SELECT k, MIN(t), MAX(t), COUNT(*) "
						    "FROM updates GROUP BY k ORDER BY k",
						    -1, &st, NULL), SQLITE_OK);
		long ticks = 0, wrong = 0, sizes[9] = { 0 };
		while (sqlite3_step(st) == SQLITE_ROW) {
			double k = sqlite3_column_double(st, 0);
			double t = sqlite3_column_double(st, 1);
			long n = sqlite3_column_int64(st, 3);
			assert_true(t == sqlite3_column_double(st, 2));
			assert_true(k == (double)ticks);
			wrong += n != cases[c].K(t, k);
			sizes[n > 8 ? 0 : n]++;
			ticks++;
		}
		sqlite3_finalize(st);
		sqlite3_close(h);
		printf("  threshold %s: %ld ticks, %ld off schedule; ticks of K = 1..8:",
		       cases[c].threshold, ticks, wrong);
		for (int K = 1; K <= 8; K++)
			printf(" %ld", sizes[K]);
		printf("\n");
		assert_true(ticks > 100);
		assert_int_equal(wrong, 0);
		remove(db);
	}
}

/* Run yaml in process (no recorder), for comparing iterates. */
static void run_sim(const char *yaml, struct scenario_plan *plan, struct sim *s)
{
	fixture_load(yaml, plan);
	fixture_run(&plan->runs[0].sc, NULL, s);
}

/* The same scenario run two ways, in process. */
struct run_pair {
	struct scenario_plan pa, pb;
	struct sim a, b;
};

static void pair_run(struct run_pair *r, const char *yaml_a, const char *yaml_b)
{
	run_sim(yaml_a, &r->pa, &r->a);
	run_sim(yaml_b, &r->pb, &r->b);
}

static void pair_release(struct run_pair *r)
{
	sim_release(&r->a);
	sim_release(&r->b);
	scenario_plan_release(&r->pa);
	scenario_plan_release(&r->pb);
}

/* x of two runs: the largest |difference| over max |x|. */
static double x_difference(const struct sim *a, const struct sim *b)
{
	double diff = 0, scale = 0;
	assert_int_equal(a->dim, b->dim);
	for (size_t i = 0; i < a->dim; i++) {
		diff = fmax(diff, fabs(a->x[i] - b->x[i]));
		scale = fmax(scale, fabs(a->x[i]));
	}
	return scale > 0 ? diff / scale : diff;
}

#define QUAD_RUN(kind, extra, compute, net) \
	"name: same\n" \
	"seed: 21\n" \
	"stop: {updates: 400}\n" \
	"model: {kind: quadratic}\n" \
	"data: {kind: synthetic, samples: 400, features: 12, noise: 0.1}\n" \
	"protocol: {kind: " kind ", batch: 4, step: 0.05" extra "}\n" \
	"workers: [{count: 8, compute: \"" compute "\"}]\n" \
	net \
	"record: {updates: none}\n"

/* Hybrid with K = 1 is the asynchronous server and with K = D the
 * synchronous one, and ssp with a bound never reached the asynchronous
 * one, to the bit: the same x after the same ticks at the same virtual
 * time. */
static void test_extremes_are_async_and_sync(void **state)
{
	static const char *const pairs[][2] = {
		{ QUAD_RUN("hybrid", ", threshold: 1", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n"),
		  QUAD_RUN("async", "", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n") },
		{ QUAD_RUN("hybrid", ", threshold: 8", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n"),
		  QUAD_RUN("sync", "", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n") },
		{ QUAD_RUN("ssp", ", bound: 1000000000", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n"),
		  QUAD_RUN("async", "", "exponential(mean=1)",
			   "network: {uplink: \"exponential(mean=0.2)\"}\n") },
	};
	for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
		struct run_pair r;
		pair_run(&r, pairs[p][0], pairs[p][1]);
		assert_int_equal(r.a.k, r.b.k);
		assert_true(r.a.now == r.b.now);
		assert_true(r.a.staleness_sum == r.b.staleness_sum);
		assert_int_equal(memcmp(r.a.x, r.b.x, r.a.dim * sizeof *r.a.x), 0);
		pair_release(&r);
	}
}

/* ---- ssp ------------------------------------------------------------------- */

/* Clocks rebuilt from the updates rows in the order written: after every
 * row, max_i c_i - min_j c_j <= s + 1 (no worker more than s iterations
 * ahead of the slowest one's current iteration); returns the largest
 * gap seen. */
static long ssp_largest_gap(const char *db, long workers)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long clock[16] = { 0 }, gap = 0;
	assert_true(workers <= 16);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT worker FROM updates ORDER BY rowid",
					    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		clock[sqlite3_column_int64(st, 0)]++;
		long lo = clock[0], hi = clock[0];
		for (long i = 1; i < workers; i++) {
			lo = clock[i] < lo ? clock[i] : lo;
			hi = clock[i] > hi ? clock[i] : hi;
		}
		gap = hi - lo > gap ? hi - lo : gap;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return gap;
}

/* Three fast and three slow workers (mean 1 and 4): the slow ones hold
 * the fast ones back; over 20000 ticks the gap of the clocks reaches
 * s + 1 and never passes it, for s = 0, 2, 5. */
static void test_ssp_bound_is_never_exceeded(void **state)
{
	static const long bounds[] = { 0, 2, 5 };
	for (size_t b = 0; b < 3; b++) {
		char yaml[1024], db[4096];
		snprintf(yaml, sizeof yaml,
			 "name: ssp-bound\n"
			 "seed: 12\n"
			 "stop: {updates: 20000}\n"
			 "model: {kind: none}\n"
			 "protocol: {kind: ssp, bound: %ld}\n"
			 "workers:\n"
			 "  - {count: 3, compute: \"exponential(mean=1)\"}\n"
			 "  - {count: 3, compute: \"exponential(mean=4)\", name: slow}\n"
			 "network: {uplink: \"exponential(mean=0.1)\", downlink: \"exponential(mean=0.1)\"}\n",
			 bounds[b]);
		run_into(yaml, "ssp.db", db, sizeof db);
		long gap = ssp_largest_gap(db, 6);
		printf("  s = %ld: largest clock gap %ld (bound s + 1 = %ld)\n",
		       bounds[b], gap, bounds[b] + 1);
		assert_int_equal(gap, bounds[b] + 1);
		remove(db);
	}
}

/* s = 0: rounds of the slowest of D jobs: 16 workers exponential(mean=1),
 * no latency, 20000 rounds: time per round (D ticks) = H_16 within 2%. */
static void test_ssp_zero_is_synchronous(void **state)
{
	struct scenario_plan plan;
	struct sim s;
	run_sim("name: ssp0\n"
		"seed: 3\n"
		"stop: {updates: 320000}\n"
		"model: {kind: none}\n"
		"protocol: {kind: ssp, bound: 0}\n"
		"workers: [{count: 16, compute: \"exponential(mean=1)\"}]\n"
		"record: {updates: none}\n", &plan, &s);
	assert_int_equal(s.k, 320000);
	fixture_assert_close("ssp s=0 time per round", s.now / (320000.0 / 16),
			     harmonic(16), 0.02);
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* A bound never reached: the asynchronous law, mean staleness D - 1 for 50
 * identical workers (1%), and the asynchronous run itself, to the bit. */
static void test_ssp_large_bound_is_asynchronous(void **state)
{
#define SSP_ASYNC(kind) \
	"name: ssp-async\n" \
	"seed: 11\n" \
	"stop: {updates: 200000}\n" \
	"model: {kind: none}\n" \
	"protocol: {kind: " kind "}\n" \
	"workers: [{count: 50, compute: \"lognormal(mu=0, sigma=0.5)\"}]\n" \
	"network: {uplink: \"exponential(mean=0.1)\", downlink: \"exponential(mean=0.1)\"}\n" \
	"record: {updates: none}\n"
	struct run_pair r;
	pair_run(&r, SSP_ASYNC("ssp, bound: 1000000000"), SSP_ASYNC("async"));
	fixture_assert_close("ssp large s mean staleness",
			     r.a.staleness_sum / (double)r.a.gradients, 49.0, 0.01);
	assert_true(r.a.now == r.b.now);
	assert_true(r.a.staleness_sum == r.b.staleness_sum);
	pair_release(&r);
}

/* ---- local ----------------------------------------------------------------- */

/* H = 1 with equal shards (400 samples, 8 workers) is the synchronous
 * server: the same evaluation rows at every tick (k, t exactly; loss and
 * full-gradient norm within 1e-12 relative), and the same x at the end
 * within 1e-12 of max |x|.  The two differ only in rounding: local adds
 * (1/8) * (alpha g) where sync adds (alpha/8) * g. */
static void test_local_period_one_is_sync(void **state)
{
#define LOCAL_SYNC(kind) \
	"name: local-sync\n" \
	"seed: 4\n" \
	"stop: {updates: 300}\n" \
	"model: {kind: quadratic}\n" \
	"data: {kind: synthetic, samples: 400, features: 12, condition: 10, noise: 0.1}\n" \
	"protocol: {kind: " kind ", batch: 4, step: 0.1}\n" \
	"workers: [{count: 8, compute: \"exponential(mean=1)\"}]\n" \
	"network: {uplink: \"exponential(mean=0.1)\", downlink: \"exponential(mean=0.1)\"}\n" \
	"record: {full_grad: every(1), eval: every(1)}\n"
	char db_local[4096], db_sync[4096];
	run_into(LOCAL_SYNC("local, period: 1"), "local.db", db_local, sizeof db_local);
	run_into(LOCAL_SYNC("sync"), "sync.db", db_sync, sizeof db_sync);
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(db_local, &h), SQLITE_OK);
	char attach[4200];
	snprintf(attach, sizeof attach, "ATTACH '%s' AS s", db_sync);
	assert_int_equal(sqlite3_exec(h, attach, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
		"SELECT a.k, a.t = b.t, a.train_loss, b.train_loss, a.full_grad_norm2,"
		" b.full_grad_norm2 FROM main.evals a JOIN s.evals b ON a.rowid = b.rowid",
		-1, &st, NULL), SQLITE_OK);
	long rows = 0;
	double worst_loss = 0, worst_grad = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_int64(st, 0), rows);
		assert_int_equal(sqlite3_column_int(st, 1), 1);
		double la = sqlite3_column_double(st, 2), lb = sqlite3_column_double(st, 3);
		double ga = sqlite3_column_double(st, 4), gb = sqlite3_column_double(st, 5);
		worst_loss = fmax(worst_loss, fabs(la - lb) / fabs(lb));
		worst_grad = fmax(worst_grad, fabs(ga - gb) / fabs(gb));
		rows++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	printf("  local H=1 vs sync over %ld ticks: loss off by %.3g, ||grad f||^2 "
	       "off by %.3g (relative, largest)\n", rows, worst_loss, worst_grad);
	assert_int_equal(rows, 301);
	assert_true(worst_loss <= 1e-12);
	assert_true(worst_grad <= 1e-12);
	assert_true(fixture_query(db_local, "SELECT COUNT(*) FROM updates") ==
		    fixture_query(db_sync, "SELECT COUNT(*) FROM updates"));
	remove(db_local);
	remove(db_sync);

	struct run_pair r;
	pair_run(&r, LOCAL_SYNC("local, period: 1"), LOCAL_SYNC("sync"));
	double off = x_difference(&r.a, &r.b);
	printf("  final x off by %.3g of max |x|\n", off);
	assert_true(off <= 1e-12);
	assert_true(r.a.now == r.b.now);
	pair_release(&r);
}

/* H = 5 local steps of constant time 0.5, no latency: a round lasts
 * exactly 2.5, and records H * D = 20 gradients at its tick; the loss
 * decreases. */
static void test_local_period_rounds(void **state)
{
	char db[4096];
	run_into("name: local5\n"
		 "seed: 5\n"
		 "stop: {updates: 200}\n"
		 "model: {kind: quadratic}\n"
		 "data: {kind: synthetic, samples: 403, features: 12, noise: 0.1}\n"
		 "protocol: {kind: local, period: 5, batch: 4, step: 0.05}\n"
		 "workers: [{count: 4, compute: \"constant(value=0.5)\"}]\n"
		 "record: {full_grad: every(50)}\n",
		 "local5.db", db, sizeof db);
	assert_true(fixture_query(db, "SELECT virtual_time FROM runs") == 200 * 2.5);
	assert_rounds(db, 20, 200);
	double first = fixture_query(db, "SELECT train_loss FROM evals ORDER BY k LIMIT 1");
	double last = fixture_query(db, "SELECT train_loss FROM evals ORDER BY k DESC LIMIT 1");
	printf("  local H=5: loss %.6g -> %.6g\n", first, last);
	assert_true(last < 0.5 * first);
	remove(db);
}

/* ---- allreduce ------------------------------------------------------------- */

/* Constant compute c, latency a, bandwidth b, p = 5 workers, S = dim * 8:
 * every round lasts c + 2(p-1)(a + S/(p b)), to 1e-12 relative over 1000
 * rounds; p rows of staleness 0 a tick; each worker sent 2(p-1) chunks of
 * S/p bytes a round. */
static void test_allreduce_round_time(void **state)
{
	struct scenario_plan plan;
	struct sim s;
	run_sim("name: ring\n"
		"seed: 2\n"
		"stop: {updates: 1000}\n"
		"model: {kind: quadratic}\n"
		"data: {kind: synthetic, samples: 500, features: 100}\n"
		"protocol: {kind: allreduce, batch: 2}\n"
		"workers: [{count: 5, compute: \"constant(value=0.5)\"}]\n"
		"network: {latency: \"constant(value=0.01)\", bandwidth: 100000}\n"
		"record: {full_grad: none}\n", &plan, &s);
	double p = 5, c = 0.5, a = 0.01, b = 1e5, S = (double)s.dim * 8;
	double round = c + 2 * (p - 1) * (a + S / (p * b));
	assert_int_equal(s.k, 1000);
	double rel = fabs(s.now / 1000 - round) / round;
	printf("  allreduce round %.15g, closed form %.15g (relative %.3g; S = %.0f bytes)\n",
	       s.now / 1000, round, rel, S);
	assert_true(rel <= 1e-12);
	assert_int_equal(s.gradients, 5 * 1000);
	for (long i = 0; i < s.nworkers; i++) {
		assert_true(s.workers[i].bytes_sent == 1000 * 2 * (p - 1) * S / p);
		assert_int_equal(s.workers[i].messages_sent, 1000 * 8);
	}
	sim_release(&s);
	scenario_plan_release(&plan);
}

/* Random latencies: every tick has p rows of staleness 0; with a free
 * network and constant compute the ring is the synchronous server, to
 * the bit. */
static void test_allreduce_ticks_and_sync(void **state)
{
	char db[4096];
	run_into("name: ring-random\n"
		 "seed: 6\n"
		 "stop: {updates: 2000}\n"
		 "model: {kind: none}\n"
		 "protocol: {kind: allreduce}\n"
		 "workers: [{count: 7, compute: \"exponential(mean=1)\"}]\n"
		 "network: {latency: \"exponential(mean=0.05)\"}\n",
		 "ring.db", db, sizeof db);
	assert_rounds(db, 7, 2000);
	remove(db);

	struct run_pair r;
	pair_run(&r, QUAD_RUN("allreduce", "", "constant(value=1)", ""),
		 QUAD_RUN("sync", "", "constant(value=1)", ""));
	assert_int_equal(r.a.k, r.b.k);
	assert_true(r.a.now == r.b.now);
	assert_int_equal(memcmp(r.a.x, r.b.x, r.a.dim * sizeof *r.a.x), 0);
	pair_release(&r);
}

/* ---- keys ------------------------------------------------------------------ */

static void test_keys_are_checked(void **state)
{
	static const struct {
		const char *protocol;   /* line 3 of the scenario */
		const char *message;
	} cases[] = {
		{ "{kind: sync, backups: 1}",
		  "3:33: 'protocol.backups' applies only to protocol backup" },
		{ "{kind: backup, bound: 1}",
		  "3:33: 'protocol.bound' applies only to protocol ssp" },
		{ "{kind: ssp, period: 2}",
		  "3:31: 'protocol.period' applies only to protocol local" },
		{ "{kind: async, threshold: 2}",
		  "3:36: 'protocol.threshold' applies only to protocol hybrid" },
		{ "{kind: local, stragglers: finish}",
		  "3:37: 'protocol.stragglers' applies only to protocol backup" },
		{ "{kind: backup, backups: 4}",
		  "3:35: protocol backup waits for the workers that are not backups: "
		  "4 backups leave none of 4 workers" },
		{ "{kind: backup, backups: -1}",
		  "3:35: 'protocol.backups' must be >= 0, got -1" },
		{ "{kind: backup, stragglers: restrat}",
		  "3:38: unknown straggler policy 'restrat', did you mean 'restart'?" },
		{ "{kind: ssp, bound: -2}", "3:30: 'protocol.bound' must be >= 0, got -2" },
		{ "{kind: local, period: 0}", "3:33: 'protocol.period' must be >= 1, got 0" },
		{ "{kind: hybrid}",
		  "3:11: missing key 'threshold' in 'protocol' (hybrid needs its K(t))" },
		{ "{kind: hybrid, threshold: 0}",
		  "3:37: 'protocol.threshold' must be >= 1, got 0" },
		{ "{kind: hybrid, threshold: 5}",
		  "3:37: the threshold 5 is more than the 4 workers: the buffer would never fill" },
		{ "{kind: hybrid, threshold: {tme: [[0, 1]]}}",
		  "3:38: unknown key 'tme' in 'protocol.threshold', did you mean 'time'?" },
		{ "{kind: hybrid, threshold: {time: [[1, 1]]}}",
		  "3:46: 'protocol.threshold.time' must start at 0, got 1" },
		{ "{kind: hybrid, threshold: {ticks: [[0, 1], [10, 2], [10, 3]]}}",
		  "3:64: the starts of 'protocol.threshold.ticks' must increase, got 10 after 10" },
		{ "{kind: hybrid, threshold: {time: [[0, 1], [5, 9]]}}",
		  "3:57: the threshold 9 is more than the 4 workers: the buffer would never fill" },
		{ "{kind: hybrid, threshold: {time: [[0, 1], 5]}}",
		  "3:53: expected a pair [from, K] for 'protocol.threshold.time[1]', got '5'" },
		{ "{kind: hybrid, threshold: {time: [], ticks: []}}",
		  "3:48: 'protocol.threshold' takes one form (time, ticks, linear or paper), got 2" },
		{ "{kind: hybrid, threshold: {linear: {start: 1}}}",
		  "3:46: missing key 'per_second' or 'per_tick' in 'protocol.threshold.linear'" },
		{ "{kind: hybrid, threshold: {linear: {start: 1, per_tick: 0}}}",
		  "3:67: 'protocol.threshold.linear.per_tick' must be > 0, got 0" },
		{ "{kind: hybrid, threshold: {paper: {alpha: 0}}}",
		  "3:53: 'protocol.threshold.paper.alpha' must be > 0 with 5/alpha finite, got 0" },
		{ "{kind: hybrid, threshold: {paper: {alpha: 1, levels: [1, 2]}}}",
		  "3:64: expected three levels [K0, K1, K2] for 'protocol.threshold.paper.levels', "
		  "got 2" },
		{ "{kind: hybrid, threshold: {paper: {alpha: 1, levels: 3}}}",
		  "3:64: expected three levels [K0, K1, K2] for 'protocol.threshold.paper.levels', "
		  "got '3'" },
		{ "{kind: hybrid, threshold: {paper: {alpha: 1, levels: [1, 2, 6]}}}",
		  "3:71: the threshold 6 is more than the 4 workers: the buffer would never fill" },
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[1024];
		struct diag d;
		snprintf(yaml, sizeof yaml,
			 "stop: {updates: 10}\n"
			 "model: {kind: none}\n"
			 "protocol: %s\n"
			 "workers: [{count: 4, compute: \"exponential(mean=1)\"}]\n",
			 cases[i].protocol);
		char want[512];
		snprintf(want, sizeof want, "s.yaml:%s", cases[i].message);
		const char *got = optim_load_error(yaml, &d);
		if (strcmp(got, want)) {
			printf("  protocol: %s\n    got      %s\n    expected %s\n",
			       cases[i].protocol, got, cases[i].message);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

/* The paper's schedule takes its default levels from the workers, and
 * the defaults of the other keys. */
static void test_keys_defaults(void **state)
{
	struct scenario_plan plan;
	fixture_load("stop: {updates: 10}\n"
		     "model: {kind: none}\n"
		     "protocol: {kind: hybrid, threshold: {paper: {alpha: 0.5}}}\n"
		     "workers: [{count: 25, compute: \"exponential(mean=1)\"}]\n", &plan);
	const struct threshold *th = &plan.runs[0].sc.protocol.threshold;
	assert_int_equal(th->nsteps, 3);
	assert_true(th->from[0] == 0 && th->from[1] == 6 && th->from[2] == 10);
	assert_int_equal(th->k[0], 1);
	assert_int_equal(th->k[1], 13);
	assert_int_equal(th->k[2], 25);
	assert_int_equal(plan.runs[0].sc.protocol.backups, 1);
	assert_int_equal(plan.runs[0].sc.protocol.bound, 3);
	assert_int_equal(plan.runs[0].sc.protocol.period, 10);
	assert_false(plan.runs[0].sc.protocol.stragglers_finish);
	scenario_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_restart_round_time),
		cmocka_unit_test(test_backup_restart_with_latency),
		cmocka_unit_test(test_backup_finish_drops_stale_gradients),
		cmocka_unit_test(test_hybrid_ticks_apply_the_scheduled_K),
		cmocka_unit_test(test_extremes_are_async_and_sync),
		cmocka_unit_test(test_ssp_bound_is_never_exceeded),
		cmocka_unit_test(test_ssp_zero_is_synchronous),
		cmocka_unit_test(test_ssp_large_bound_is_asynchronous),
		cmocka_unit_test(test_local_period_one_is_sync),
		cmocka_unit_test(test_local_period_rounds),
		cmocka_unit_test(test_allreduce_round_time),
		cmocka_unit_test(test_allreduce_ticks_and_sync),
		cmocka_unit_test(test_keys_are_checked),
		cmocka_unit_test(test_keys_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
