"""simpy_async.py -- the engine benchmark's model in SimPy 3 (a peer).

The asynchronous parameter server, timing only, as asgdsim simulates it
(bench/async_timing.yaml) and bench/bare_heap.c loops over it:

    worker i, a SimPy process, for ever:
        wait downlink ~ exponential(mean 0.1)     (the parameters travel)
        wait compute  ~ lognormal(mu 0, sigma 0.5)
        wait uplink   ~ exponential(mean 0.1)     (the gradient travels)
        server applies on arrival: staleness = k - version sent; k += 1;
        the new version goes down to worker i

Three timeouts per update, no Store between worker and server: the server
is the shared state the processes update on arrival, the way a SimPy user
writes the model (a Store per message would add two events per update).
Every worker has its own random.Random (seeded 1 + i), drawn with
lognormvariate and expovariate.  Stops after UPDATES updates.

    usage: python3 simpy_async.py WORKERS UPDATES
    prints: updates N seconds S updates_per_s R mean_staleness M
    (seconds: env.run alone, not the import or the set-up)
"""
import random
import sys
import time

import simpy


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: simpy_async.py WORKERS UPDATES\n")
        return 2
    workers, limit = int(sys.argv[1]), int(sys.argv[2])
    env = simpy.Environment()
    done = env.event()
    server = {"k": 0, "stale": 0}

    def worker(i):
        rng = random.Random(1 + i)
        version = 0
        timeout, expo, logn = env.timeout, rng.expovariate, rng.lognormvariate
        while True:
            yield timeout(expo(10.0))
            yield timeout(logn(0.0, 0.5))
            yield timeout(expo(10.0))
            k = server["k"]
            server["stale"] += k - version
            k += 1
            server["k"] = k
            version = k
            if k == limit:
                done.succeed()
                return

    for i in range(workers):
        env.process(worker(i))
    start = time.perf_counter()
    env.run(until=done)
    seconds = time.perf_counter() - start
    k = server["k"]
    print("updates %d seconds %.3f updates_per_s %.0f mean_staleness %.3f"
          % (k, seconds, k / seconds, server["stale"] / k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
