#!/bin/sh
# dasgd_latency_sweep.sh ASGDSIM — a latency sweep of dasgd on a coupled
# quadratic makes the mean age, T3 and the LHS of Redder et al.'s bound grow
# (averaged over 2 replications, fixed seed), and `bound` fits constants and
# reports how many held-out runs satisfy them.
set -u
asg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat > "$tmp/s.yaml" <<'YAML'
name: latency-sweep
seed: 2
replications: 2
stop: {updates: 20000}
model: {kind: quadratic}
data: {kind: synthetic, samples: 2000, features: 16, condition: 10, noise: 0.1}
protocol: {kind: dasgd, batch: 4, step: 0.05}
workers: [{count: 8, compute: "exponential(mean=1)"}]
record: {updates: none, full_grad: every(1)}
sweep:
  network.latency: ["constant(value=0)", "exponential(mean=2)", "exponential(mean=8)"]
YAML

"$asg" run "$tmp/s.yaml" -o "$tmp/s.db" --quiet || fail "run exits $?"
"$asg" bound "$tmp/s.db" > "$tmp/bound.txt" || fail "bound exits $?"
grep -q '^bound: C1=.* fitted on 3 runs; holds on [0-3] of 3 held-out runs' "$tmp/bound.txt" ||
	fail "no verdict line: $(tail -1 "$tmp/bound.txt")"

# per sweep point: mean age, T3, LHS, each strictly increasing with latency
sqlite3 "$tmp/s.db" "
  SELECT r.point_index,
         (SELECT AVG(a.mean_age) FROM aoi_summary a JOIN runs q USING (run_id)
           WHERE q.point_index = r.point_index AND a.i != a.j),
         AVG(b.t3), AVG(b.lhs)
    FROM bound b JOIN runs r USING (run_id)
   GROUP BY r.point_index ORDER BY r.point_index" > "$tmp/points.txt"
cat "$tmp/points.txt"
[ "$(wc -l < "$tmp/points.txt")" = 3 ] || fail "expected 3 sweep points"
awk -F'|' 'NR > 1 && !($2 > age && $3 > t3 && $4 > lhs) { bad = 1 }
	{ age = $2; t3 = $3; lhs = $4 } END { exit bad }' "$tmp/points.txt" ||
	fail "mean age, T3 and LHS do not all grow with latency"

[ $failures = 0 ] && echo "dasgd latency sweep: ok"
exit $failures
