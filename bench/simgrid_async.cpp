/*
 * simgrid_async.cpp — the engine benchmark's model with SimGrid's S4U
 * actors (a peer): the asynchronous parameter server, timing only, as
 * asgdsim simulates it (bench/async_timing.yaml).
 *
 *   usage: simgrid_async WORKERS UPDATES [sleep|mailbox] [--cfg=...]
 *   prints: updates N seconds S updates_per_s R mean_staleness M
 *   (seconds: Engine::run alone, not the platform's set-up)
 *
 * Two S4U idioms of the same model:
 *
 *   sleep (default, the fastest): one actor per worker, no server actor.
 *     worker i, for ever:
 *         sleep_for(downlink ~ exponential(mean 0.1))
 *         sleep_for(compute  ~ lognormal(0, 0.5))
 *         sleep_for(uplink   ~ exponential(mean 0.1))
 *         apply: staleness = k - version; k += 1; version = k
 *     The server is state the actors share: S4U runs one actor at a time,
 *     so the update at the end of the uplink is the server's, atomic.
 *
 *   mailbox: a server actor besides the workers.  A worker sleeps its
 *     downlink, compute and uplink times, then puts (i, version) into the
 *     server's mailbox; the server gets it, applies it and puts the new
 *     version into the worker's mailbox (detached).  Messages are 0 bytes
 *     on one host's loopback (latency 0): the latencies stay the
 *     exponential draws, the mailboxes add the synchronisation.
 *
 * The draws are asgdsim's: the same xoshiro256** stream per worker and per
 * link (src/engine/rng.h) and GSL's samplers, so with no ties the sample
 * path, and the mean staleness, is that of bench/bare_heap.c.  The first
 * actor to count the last update kills the others.
 */
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

extern "C" {
#include <gsl/gsl_randist.h>
#include "src/engine/rng.h"
}

namespace sg4 = simgrid::s4u;

/* The parameter server's state. */
struct server {
	uint64_t k;      /* updates applied */
	uint64_t limit;  /* stop after this many */
	double stale;    /* sum of the staleness of the applied updates */
};

static server srv;

/* A worker's three streams, as asgdsim seeds them for run seed 1. */
struct streams {
	gsl_rng *compute, *up, *down;
	explicit streams(uint32_t i)
		: compute(rng_stream_alloc(1, rng_entity(RNG_WORKER, i))),
		  up(rng_stream_alloc(1, rng_entity(RNG_UPLINK, i))),
		  down(rng_stream_alloc(1, rng_entity(RNG_DOWNLINK, i)))
	{
	}
	~streams()
	{
		gsl_rng_free(compute);
		gsl_rng_free(up);
		gsl_rng_free(down);
	}
	/* Downlink, compute and uplink: one round trip of worker i. */
	void round(void)
	{
		sg4::this_actor::sleep_for(gsl_ran_exponential(down, 0.1));
		sg4::this_actor::sleep_for(gsl_ran_lognormal(compute, 0.0, 0.5));
		sg4::this_actor::sleep_for(gsl_ran_exponential(up, 0.1));
	}
};

/* Apply a gradient computed on `version`; true if it was the last. */
static bool server_apply(uint64_t *version)
{
	srv.stale += (double)(srv.k - *version);
	*version = ++srv.k;
	return srv.k == srv.limit;
}

static void sleep_worker(uint32_t i)
{
	streams s(i);
	uint64_t version = 0;
	for (;;) {
		s.round();
		if (server_apply(&version)) {
			sg4::Actor::kill_all();
			return;
		}
	}
}

/* A gradient's message: who sent it, on which version. */
struct grad_msg {
	uint32_t who;
	uint64_t version;
};

static std::vector<sg4::Mailbox *> inbox;   /* worker i's mailbox */
static std::vector<uint64_t> versions;      /* the version each carries */

static void mailbox_worker(uint32_t i)
{
	streams s(i);
	sg4::Mailbox *server_box = sg4::Mailbox::by_name("server");
	grad_msg msg = {i, 0};
	for (;;) {
		s.round();
		server_box->put(&msg, 0);
		msg.version = *inbox[i]->get<uint64_t>();
	}
}

static void mailbox_server(void)
{
	sg4::Mailbox *box = sg4::Mailbox::by_name("server");
	for (;;) {
		grad_msg *m = box->get<grad_msg>();
		uint64_t version = m->version;
		bool last = server_apply(&version);
		if (last) {
			sg4::Actor::kill_all();
			return;
		}
		versions[m->who] = version;
		inbox[m->who]->put_init(&versions[m->who], 0)->detach();
	}
}

int main(int argc, char **argv)
{
	sg4::Engine e(&argc, argv);
	if (argc < 3 || argc > 4) {
		std::fprintf(stderr, "usage: simgrid_async WORKERS UPDATES [sleep|mailbox]\n");
		return 2;
	}
	uint32_t workers = (uint32_t)std::strtoul(argv[1], nullptr, 10);
	srv.limit = std::strtoull(argv[2], nullptr, 10);
	bool mailbox = argc == 4 && std::strcmp(argv[3], "mailbox") == 0;

	sg4::NetZone *zone = sg4::create_full_zone("bench");
	sg4::Host *host = zone->create_host("host", 1e9)->seal();
	zone->seal();
	if (mailbox) {
		versions.assign(workers, 0);
		for (uint32_t i = 0; i < workers; i++)
			inbox.push_back(sg4::Mailbox::by_name("w" + std::to_string(i)));
		sg4::Actor::create("server", host, mailbox_server);
	}
	for (uint32_t i = 0; i < workers; i++)
		sg4::Actor::create("w" + std::to_string(i), host,
				   mailbox ? mailbox_worker : sleep_worker, i);

	auto start = std::chrono::steady_clock::now();
	e.run();
	std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
	std::printf("updates %llu seconds %.3f updates_per_s %.0f mean_staleness %.3f\n",
		    (unsigned long long)srv.k, s.count(), (double)srv.k / s.count(),
		    srv.stale / (double)srv.k);
	return 0;
}
