#!/bin/sh
# jobs.sh — the --jobs benchmark of docs/performance.md: the sweep of
# bench/jobs_sweep.yaml (8 CPU-bound runs) with --jobs 1 and --jobs N,
# alternating, wall seconds (median and least of the repetitions), and a
# check that both wrote the same rows.  Before each timing it waits (up to
# a minute) until the processors are idle, for a shared machine; the least
# time is the one least disturbed.
#   sh bench/jobs.sh [N]          (N defaults to the number of processors)
#   REPS=7 sh bench/jobs.sh        (repetitions, default 5; alternating)
#   ASGDSIM=path/to/asgdsim sh bench/jobs.sh    (skip the build)
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
jobs=${1:-$(nproc)}
reps=${REPS:-5}
if [ -z "${ASGDSIM:-}" ]; then
	sh scripts/build.sh >/dev/null
	ASGDSIM=./build/asgdsim
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1

seconds() { # command... -> wall seconds
	s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
least() { printf '%s\n' "$@" | sort -g | head -1; }
wait_quiet() { # until other processes leave the processors (at most 60 s)
	for _ in $(seq 120); do
		[ "$(busy | awk '{ print ($1 < 0.05) }')" = 1 ] && return
	done
	echo "jobs.sh: the machine stays busy; timings are disturbed" >&2
}
rows() { # DB -> a checksum of its rows, wall-clock columns left out
	for t in runs workers updates evals; do
		cols=$(sqlite3 "$1" "SELECT group_concat(name, ',') FROM
			pragma_table_info('$t') WHERE name NOT IN
			('wall_seconds', 'started', 'finished')")
		sqlite3 "$1" "SELECT rowid, $cols FROM $t ORDER BY rowid"
	done | cksum
}

ones=""
manys=""
for _ in $(seq "$reps"); do
	rm -f "$out"/*.db*
	wait_quiet
	ones="$ones $(seconds "$ASGDSIM" run bench/jobs_sweep.yaml --quiet -o "$out/one.db")"
	wait_quiet
	manys="$manys $(seconds "$ASGDSIM" run bench/jobs_sweep.yaml --quiet --jobs "$jobs" -o "$out/many.db")"
done
# shellcheck disable=SC2086
one=$(median $ones)
# shellcheck disable=SC2086
one_min=$(least $ones)
# shellcheck disable=SC2086
many=$(median $manys)
# shellcheck disable=SC2086
many_min=$(least $manys)
same=no
[ "$(rows "$out/one.db")" = "$(rows "$out/many.db")" ] && same=yes
echo "bench/jobs_sweep.yaml: 8 runs, logreg 4000x200, 2e5 updates each ($reps times each)"
awk -v o="$one" -v m="$many" -v oo="$one_min" -v mm="$many_min" -v j="$jobs" -v s="$same" 'BEGIN {
	printf "           median   least\n"
	printf "--jobs 1 : %6.2f s %6.2f s\n", o, oo
	printf "--jobs %d : %6.2f s %6.2f s\n", j, m, mm
	printf "speed-up : %6.2fx  %6.2fx   (same rows: %s)\n", o / m, oo / mm, s
}'
echo "all --jobs 1:$ones"
echo "all --jobs $jobs:$manys"
