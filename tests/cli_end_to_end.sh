#!/bin/sh
# cli_end_to_end.sh ASGDSIM ROOT — the command from a scenario file to the
# database and the report: run, re-run (runs are added, never replaced),
# --set and --seed, check, report, usage errors.
set -u
asg=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat > "$tmp/s.yaml" <<'YAML'
name: e2e
seed: 4
replications: 2
stop: {updates: 500}
model: {kind: logreg}
data: {kind: synthetic, samples: 400, features: 5, test: 0.25}
protocol: {kind: async, batch: 4, step: constant(0.1)}
workers: [{count: 3, compute: "exponential(mean=1)"}]
record: {updates: all, full_grad: every(100), eval: every(100)}
sweep:
  protocol.kind: [async, sync]
YAML

q() { sqlite3 "$tmp/out.db" "$1"; }

"$asg" check "$tmp/s.yaml" > "$tmp/check.txt" || fail "check exits $?"
[ "$(grep -c '^run ' "$tmp/check.txt")" = 4 ] || fail "check lists $(grep -c '^run ' "$tmp/check.txt") runs, expected 4"
[ -e "$tmp/out.db" ] && fail "check wrote a database"

"$asg" run "$tmp/s.yaml" -o "$tmp/out.db" --quiet || fail "run exits $?"
[ "$(q 'SELECT COUNT(*) FROM runs')" = 4 ] || fail "runs: $(q 'SELECT COUNT(*) FROM runs'), expected 4"
[ "$(q "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 4 ] || fail "not every run is done"
[ "$(q "SELECT group_concat(seed) FROM runs")" = "4,5,4,5" ] || fail "seeds: $(q 'SELECT group_concat(seed) FROM runs')"
[ "$(q "SELECT point FROM runs WHERE run_id = 3")" = '{"protocol.kind":"sync"}' ] || fail "point: $(q 'SELECT point FROM runs WHERE run_id = 3')"
[ "$(q 'SELECT COUNT(*) FROM updates WHERE run_id = 1')" = 500 ] || fail "async rows"
[ "$(q 'SELECT COUNT(*) FROM updates WHERE run_id = 3')" = 1500 ] || fail "sync rows: 3 per tick expected"
[ "$(q 'SELECT COUNT(*) FROM workers')" = 12 ] || fail "workers rows"

# a second run adds runs, and --set / --seed reach the runs
"$asg" run "$tmp/s.yaml" -o "$tmp/out.db" --quiet --set replications=1 --seed 9 \
	--set 'workers[0].count=2' || fail "second run exits $?"
[ "$(q 'SELECT COUNT(*) FROM runs')" = 6 ] || fail "second run did not add 2 runs"
[ "$(q 'SELECT group_concat(seed) FROM runs WHERE run_id > 4')" = "9,9" ] || fail "--seed not applied"
[ "$(q 'SELECT MAX(workers) FROM runs WHERE run_id > 4')" = 2 ] || fail "--set workers[0].count not applied"

"$asg" report "$tmp/out.db" > "$tmp/report.txt" || fail "report exits $?"
[ "$(grep -c 'done' "$tmp/report.txt")" -ge 6 ] || fail "report does not list 6 runs"

# usage errors: exit 2, nothing written
"$asg" run 2>/dev/null; [ $? = 2 ] || fail "no scenario: expected exit 2"
"$asg" run "$tmp/s.yaml" --bogus -o "$tmp/x.db" 2>/dev/null; [ $? = 2 ] || fail "unknown option: expected exit 2"
[ -e "$tmp/x.db" ] && fail "usage error wrote a database"
"$asg" report "$tmp/missing.db" 2>/dev/null; [ $? = 1 ] || fail "report of a missing database: expected exit 1"
"$asg" --help | grep -q 'example' || fail "--help has no example"

[ $failures = 0 ] && echo "cli end to end: ok"
exit $failures
