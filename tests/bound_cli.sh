#!/bin/sh
# bound_cli.sh ASGDSIM — `asgdsim bound` and `asgdsim aoi` from a scenario
# to their output: a small dasgd latency sweep is run, then
#   - aoi rebuilds every pair's trajectory of a run, one line per tick, and
#     its exact mean equals aoi_summary (the printed ages also sum to
#     sum_age, added up here with awk);
#   - bound prints a table and the verdict line, writes one bound row per
#     finished run (replaced, not added, when run again), says how many
#     runs it excluded, and prints JSON with --json;
#   - usage errors exit 2, a missing database exits 1 and is not created.
set -u
asg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat > "$tmp/s.yaml" <<'YAML'
name: bound-cli
seed: 3
replications: 2
stop: {updates: 1500}
model: {kind: quadratic}
data: {kind: synthetic, samples: 200, features: 8, condition: 10}
protocol: {kind: dasgd, batch: 4, step: 0.02}
workers: [{count: 4, compute: "exponential(mean=1)"}]
network: {latency: "constant(value=0)", topology: complete}
record: {updates: none, full_grad: every(1), aoi: sparse}
sweep:
  network.latency: ["constant(value=0)", "exponential(mean=2)"]
YAML

db=$tmp/out.db
q() { sqlite3 "$db" "$1"; }

"$asg" run "$tmp/s.yaml" -o "$db" --quiet || fail "run exits $?"
[ "$(q "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 4 ] || fail "4 finished runs expected"

# aoi: every pair of run 3 (latency 2)
n=$(q 'SELECT updates FROM runs WHERE run_id = 3')
for i in 0 1 2 3; do
	for j in 0 1 2 3; do
		"$asg" aoi "$db" --run 3 --i $i --j $j > "$tmp/aoi.txt" || fail "aoi ($i, $j) exits $?"
		lines=$(grep -vc '^#' "$tmp/aoi.txt")
		[ "$lines" = "$n" ] || fail "aoi ($i, $j): $lines ticks printed, expected $n"
		tail -n 1 "$tmp/aoi.txt" | grep -q ': equal)$' ||
			fail "aoi ($i, $j): $(tail -n 1 "$tmp/aoi.txt")"
		sum=$(awk '!/^#/ { s += $2 } END { printf "%d", s }' "$tmp/aoi.txt")
		want=$(q "SELECT sum_age FROM aoi_summary WHERE run_id = 3 AND i = $i AND j = $j")
		[ "$sum" = "$want" ] || fail "aoi ($i, $j): printed ages sum to $sum, sum_age is $want"
	done
done
"$asg" aoi "$db" --run 3 --i 1 --j 0 --from 10 --to 19 > "$tmp/range.txt" || fail "aoi range exits $?"
[ "$(grep -vc '^#' "$tmp/range.txt")" = 10 ] || fail "aoi --from 10 --to 19: not 10 lines"
[ "$(grep -v '^#' "$tmp/range.txt" | head -n 1 | cut -d ' ' -f 1)" = 10 ] || fail "aoi --from 10: first tick"

# bound
"$asg" bound "$db" > "$tmp/bound.txt" || fail "bound exits $?"
tail -n 1 "$tmp/bound.txt" | grep -q '^bound: C1=.* fitted on 2 runs; holds on [0-2] of 2 held-out runs; LHS ~ T3^.* over [0-9]* runs$' ||
	fail "verdict: $(tail -n 1 "$tmp/bound.txt")"
[ "$(grep -c ' dasgd ' "$tmp/bound.txt")" = 4 ] || fail "bound table: not 4 runs"
[ "$(q 'SELECT COUNT(*) FROM bound')" = 4 ] || fail "bound rows: $(q 'SELECT COUNT(*) FROM bound'), expected 4"
[ "$(q 'SELECT COUNT(*) FROM bound WHERE t3 > 0 AND lhs > 0 AND rhs IS NOT NULL')" = 4 ] ||
	fail "bound rows lack terms"
[ "$(q 'SELECT COUNT(*) FROM bound b JOIN runs r USING (run_id) WHERE b.n = r.updates AND abs(b.t1 * r.updates - 1) < 1e-12')" = 4 ] ||
	fail "bound rows: n or t1 wrong"

q "UPDATE runs SET status = 'diverged' WHERE run_id = 4"
"$asg" bound "$db" > "$tmp/bound2.txt" || fail "second bound exits $?"
grep -q '^note: 1 run not done excluded: 1 diverged, 0 failed, 0 running$' "$tmp/bound2.txt" ||
	fail "no note of the diverged run"
[ "$(q 'SELECT COUNT(*) FROM bound')" = 4 ] || fail "bound rows added, not replaced"

"$asg" bound "$db" --json > "$tmp/bound.json" || fail "bound --json exits $?"
[ "$(head -n 1 "$tmp/bound.json")" = "{" ] || fail "--json does not open an object"
grep -q '"verdict": "bound: C1=' "$tmp/bound.json" || fail "--json has no verdict"
grep -q '"excluded": {"diverged": 1, "failed": 0, "running": 0}' "$tmp/bound.json" || fail "--json excluded"

# errors
"$asg" bound 2>/dev/null; [ $? = 2 ] || fail "bound without a database: expected exit 2"
"$asg" bound "$db" --holdout 1 2>/dev/null; [ $? = 2 ] || fail "--holdout 1: expected exit 2"
"$asg" bound "$db" --run x 2>/dev/null; [ $? = 2 ] || fail "--run x: expected exit 2"
"$asg" bound "$db" --run 99 2>/dev/null; [ $? = 2 ] || fail "--run 99: expected exit 2"
"$asg" bound "$db" --bogus 2>/dev/null; [ $? = 2 ] || fail "unknown option: expected exit 2"
"$asg" bound "$tmp/missing.db" 2>/dev/null; [ $? = 1 ] || fail "missing database: expected exit 1"
[ -e "$tmp/missing.db" ] && fail "bound created a missing database"
"$asg" aoi "$db" --run 3 --i 0 2>/dev/null; [ $? = 2 ] || fail "aoi without --j: expected exit 2"
"$asg" aoi "$db" --run 3 --i 0 --j -1 2>/dev/null; [ $? = 2 ] || fail "aoi --j -1: expected exit 2"
"$asg" aoi "$db" --run 99 --i 0 --j 1 2>/dev/null; [ $? = 2 ] || fail "aoi of a missing run: expected exit 2"
"$asg" aoi "$db" --run 3 --i 0 --j 4 2>/dev/null; [ $? = 2 ] || fail "aoi of a missing agent: expected exit 2"
q "UPDATE aoi_summary SET sum_age = sum_age + 1 WHERE run_id = 3 AND i = 0 AND j = 1"
"$asg" aoi "$db" --run 3 --i 0 --j 1 > /dev/null 2>&1; [ $? = 1 ] || fail "aoi with a wrong sum_age: expected exit 1"

[ $failures = 0 ] && echo "bound and aoi commands: ok"
exit $failures
