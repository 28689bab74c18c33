#!/bin/sh
# verify_cli.sh ASGDSIM SCENARIOS_DIR — `asgdsim verify`:
#   - every shipped scenario, cut short (200 ticks, one replication; a
#     scenario on Fashion-MNIST: 0.5 virtual seconds on its first 400
#     training images, without the held-out files), gives a database that
#     verify passes, and --replay finds identical;
#   - a database tampered with in each way verify checks fails it (exit 1,
#     the broken invariant named): time going back, staleness above k, a
#     missing update row, kappa not adding up to one, an aoi row changed;
#   - one ulp changed in a gradient norm keeps the invariants but fails
#     --replay, which names the row and column.
set -u
asg=$1
scenarios=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export TMPDIR="$tmp"
q() { sqlite3 "$1" "$2"; }

for s in "$scenarios"/*.yaml; do
	name=$(basename "$s" .yaml)
	set -- --set stop.updates=200 --set replications=1
	grep -q 'kind: idx' "$s" && set -- --set stop.time=0.5 --set replications=1 \
		--set data.limit=400 --set data.test_path=~ --set data.test_labels=~
	"$asg" run "$s" -o "$tmp/$name.db" --quiet "$@" ||
		{ fail "$name: run exits $?"; continue; }
	"$asg" verify "$tmp/$name.db" --replay > "$tmp/out.txt" ||
		fail "$name: verify --replay: $(grep -v ': ok\|identical' "$tmp/out.txt")"
done

cat > "$tmp/dasgd.yaml" <<'YAML'
name: verify-dasgd
seed: 5
stop: {updates: 3000}
model: {kind: quadratic}
data: {kind: synthetic, samples: 200, features: 8}
protocol: {kind: dasgd, step: constant(0.05)}
workers: [{count: 4, compute: "exponential(mean=1)"}]
network: {latency: "exponential(mean=0.5)"}
record: {updates: all, aoi: sparse}
YAML
cat > "$tmp/sync.yaml" <<'YAML'
name: verify-sync
seed: 5
stop: {updates: 300}
model: {kind: logreg}
data: {kind: synthetic, samples: 200, features: 8}
protocol: {kind: sync, batch: 4}
workers: [{count: 5, compute: "exponential(mean=1)"}]
YAML
"$asg" run "$tmp/dasgd.yaml" -o "$tmp/base.db" --quiet || fail "dasgd run exits $?"
"$asg" run "$tmp/sync.yaml" -o "$tmp/base.db" --quiet || fail "sync run exits $?"
"$asg" verify "$tmp/base.db" > "$tmp/out.txt" || fail "untouched: $(cat "$tmp/out.txt")"
grep -q '^2 runs checked, 0 broken, 0 interrupted$' "$tmp/out.txt" ||
	fail "untouched says: $(tail -1 "$tmp/out.txt")"

# tamper WHAT SQL EXPECTED: verify fails on a copy changed by SQL, saying EXPECTED
tamper() {
	cp "$tmp/base.db" "$tmp/t.db"
	q "$tmp/t.db" "$2"
	"$asg" verify "$tmp/t.db" > "$tmp/out.txt"
	rc=$?
	[ $rc = 1 ] || fail "$1: verify exits $rc, expected 1"
	grep -q "$3" "$tmp/out.txt" || fail "$1: verify says: $(cat "$tmp/out.txt")"
}
tamper "time going back" \
	"UPDATE updates SET t = t - 10 WHERE run_id = 1 AND k = 1500" \
	"^run 1: 1 updates rows where k or t decreases$"
tamper "staleness above k" \
	"UPDATE updates SET staleness = k + 1 WHERE run_id = 1 AND k = 7" \
	"^run 1: 1 updates rows with staleness outside \[0, k\]$"
tamper "a missing update row" \
	"DELETE FROM updates WHERE rowid = (SELECT MIN(rowid) + 40 FROM updates WHERE run_id = 2)" \
	"^run 2: 1 ticks without exactly 5 gradients$"
tamper "kappa" \
	"UPDATE workers SET kappa = kappa + 1e-6 WHERE run_id = 1 AND worker = 0" \
	"^run 1: kappa adds up to"
tamper "an aoi row" \
	"UPDATE aoi SET age = age + 1 WHERE rowid = (SELECT MAX(rowid) FROM aoi WHERE run_id = 1 AND k > 0 AND i <> j)" \
	"^run 1: aoi pair ([0-9], [0-9]): rows sum to"

cp "$tmp/base.db" "$tmp/t.db"
q "$tmp/t.db" "UPDATE updates SET grad_norm2 = grad_norm2 * (1 + 2.3e-16) WHERE run_id = 2 AND rowid = (SELECT MIN(rowid) + 99 FROM updates WHERE run_id = 2)"
"$asg" verify "$tmp/t.db" --run 2 > /dev/null || fail "one ulp: invariants should hold"
"$asg" verify "$tmp/t.db" --run 2 --replay > "$tmp/out.txt"
[ $? = 1 ] || fail "one ulp: --replay should fail"
grep -q "^run 2 replayed: updates row 100, column grad_norm2: " "$tmp/out.txt" ||
	fail "one ulp: --replay says: $(cat "$tmp/out.txt")"

"$asg" verify "$tmp/base.db" --run 9 2> "$tmp/msg.txt"
[ $? = 2 ] || fail "--run 9: expected exit 2"
grep -q "has no run 9" "$tmp/msg.txt" || fail "--run 9 says: $(cat "$tmp/msg.txt")"
"$asg" verify "$tmp/none.db" 2> /dev/null
[ $? = 1 ] || fail "missing database: expected exit 1"

[ $failures = 0 ] && echo "verify_cli: ok"
exit $failures
