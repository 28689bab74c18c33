#!/bin/sh
# checks.sh — the checked builds that scripts/test.sh runs after the test
# suite (docs/reliability.md):
#   1. the whole suite built with AddressSanitizer + UBSan (build-asan/);
#   2. short runs under valgrind memcheck (the normal build): a scenario
#      with gradients, its verify --replay, and its plot;
#   3. each libFuzzer harness of tests/fuzz (clang, build-fuzz/) for
#      ASG_FUZZ_SECONDS (default 60) from its seed corpus.
# Any finding fails the script.  ASG_CHECKS=skip skips it all (for a quick
# local test run; CI never sets it).
set -eu
cd "$(dirname "$0")/.."
[ "${ASG_CHECKS:-}" = skip ] && { echo "checks: skipped (ASG_CHECKS=skip)"; exit 0; }
jobs=$(nproc)
fuzz_seconds=${ASG_FUZZ_SECONDS:-60}

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DASG_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
# OpenMPI's own allocations at exit are not ours to fix.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== valgrind memcheck"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg="valgrind --quiet --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite"
$vg build/asgdsim run scenarios/default.yaml -o "$tmp/vg.db" --quiet \
	--set stop.updates=300 --set replications=1
$vg build/asgdsim verify "$tmp/vg.db" --replay >/dev/null
$vg build/asgdsim report "$tmp/vg.db" >/dev/null
$vg build/asgdsim plot "$tmp/vg.db" loss -o "$tmp/plots" >/dev/null
echo "valgrind: clean"

echo "== libFuzzer, ${fuzz_seconds} s per harness"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASG_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$jobs" >/dev/null
for harness in build-fuzz/tests/fuzz/fuzz_*; do
	name=${harness##*/fuzz_}
	mkdir -p "$tmp/corpus-$name"
	# new inputs go to a scratch corpus; the seeds in tests/ stay as they are
	# the slow unwinder sees through libfyaml (built without frame
	# pointers), so that tests/lsan.supp can name its known leak
	ASAN_OPTIONS=fast_unwind_on_malloc=0 \
	LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
	"$harness" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$tmp/" -print_final_stats=1 \
		"$tmp/corpus-$name" "tests/fuzz/corpus/$name" > "$tmp/fuzz-$name.log" 2>&1 || {
		tail -40 "$tmp/fuzz-$name.log"
		echo "fuzz_$name found a crash: $(ls "$tmp"/crash-* "$tmp"/timeout-* "$tmp"/oom-* 2>/dev/null)"
		exit 1
	}
	echo "fuzz_$name: $(grep number_of_executed_units "$tmp/fuzz-$name.log" | awk '{print $2}') inputs, nothing found"
done
