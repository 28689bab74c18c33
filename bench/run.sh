#!/bin/sh
# run.sh — the engine benchmark of docs/performance.md: asgdsim against a
# bare C heap loop on the same model, in one run, medians of 3.
#   sh bench/run.sh [UPDATES]
set -eu
cd "$(dirname "$0")/.."
updates=${1:-3000000}
sh scripts/build.sh >/dev/null
cmake --build build --target bench_bare_heap >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

seconds() { # command... -> wall seconds
	s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
}
median3() { printf '%s\n%s\n%s\n' "$1" "$2" "$3" | sort -g | sed -n 2p; }

for rep in 1 2 3; do
	eval "bare$rep=\$(./build/bench_bare_heap 100 $updates | awk '{print \$4}')"
	eval "asg$rep=\$(seconds ./build/asgdsim run bench/async_timing.yaml --quiet \
		--set stop.updates=$updates -o $out/b$rep.db)"
done
bare=$(median3 "$bare1" "$bare2" "$bare3")
asg=$(median3 "$asg1" "$asg2" "$asg3")
stale=$(sqlite3 "$out/b1.db" 'SELECT mean_staleness FROM runs')
bare_stale=$(./build/bench_bare_heap 100 $updates | awk '{print $8}')
echo "async PS, timing only, 100 workers, $updates updates (median of 3)"
awk -v u="$updates" -v b="$bare" -v a="$asg" -v bs="$bare_stale" -v as="$stale" 'BEGIN {
	printf "bare heap loop: %.3f s  %.2f M updates/s  mean staleness %s\n", b, u / b / 1e6, bs
	printf "asgdsim run   : %.3f s  %.2f M updates/s  mean staleness %s (whole command)\n", a, u / a / 1e6, as
	printf "ratio asgdsim / bare: %.2f\n", a / b
}'
