#!/bin/sh
# sweep.sh MODE ASGDSIM [MPIEXEC] — one behaviour of running a sweep, per
# MODE (each registered as its own CTest test):
#   jobs         --jobs 1, 2 and 3 give the same rows and run_ids
#   resume       a serial sweep killed with SIGKILL inside a run (rows of
#                it checkpointed), then --resume'd, equals one never killed
#   resume_jobs  the same with --jobs 2 (killed between copies)
#   shards       --shard I/3 into three files, merged (in any order),
#                equals the unsharded database, run_ids included
#   merge_twice  merging a shard again adds nothing and says so
#   merge_refuse shards of two scenarios are refused, nothing written;
#                --shard out of range is exit 2
#   mpi          mpirun -n 2 ... --mpi equals the serial rows
#   kill_random  a sweep SIGKILLed at 6 random moments, resumed after each:
#                every time the database passes PRAGMA integrity_check and
#                `verify`, its finished runs equal the never-killed ones,
#                and a run caught mid-way is listed as interrupted; resumed
#                to the end it equals the never-killed sweep
#   diverge      a sweep whose first point's step makes the quadratic
#                blow up: that run ends 'diverged' at the tick where it
#                did, the next point runs to the end, exit status 0, and
#                verify passes on both
#   disk         a file-size limit hit while writing (ulimit -f), and an
#                output directory that does not exist: exit 1, a message,
#                and a database that passes integrity_check
# "Rows" are every table's rows in rowid order, wall-clock columns
# (wall_seconds, started, finished) and meta left out.
set -u
mode=$1
asg=$2
mpiexec=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export TMPDIR="$tmp"
export OPENBLAS_NUM_THREADS=1

# spans DB: update_spans locates every updates row once, in its own run
spans() {
	[ "$(sqlite3 "$1" "SELECT (SELECT COUNT(*) FROM updates) =
		(SELECT COUNT(DISTINCT seq) FROM updates_by_run) AND
		(SELECT COUNT(*) FROM updates) = (SELECT COALESCE(SUM(last_rowid -
		first_rowid + 1), 0) FROM update_spans) AND NOT EXISTS (SELECT 1
		FROM updates_by_run v JOIN updates u ON u.rowid = v.seq
		WHERE u.run_id <> v.run_id)")" = 1 ] ||
		fail "$1: update_spans do not locate every updates row once"
}

# dump DB: every table but meta and update_spans (`spans` checks it),
# every column but the wall-clock ones
dump() {
	spans "$1"
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
			AND name NOT IN ('meta', 'update_spans') ORDER BY name"); do
		# reals to 17 digits (sqlite3 prints 15): equal means equal bits
		cols=$(sqlite3 "$1" "SELECT group_concat('CASE typeof(' || name ||
			') WHEN ''real'' THEN printf(''%!.17g'', ' || name ||
			') ELSE ' || name || ' END', ',') FROM
			pragma_table_info('$t') WHERE name NOT IN
			('wall_seconds', 'started', 'finished')")
		echo "== $t"
		sqlite3 "$1" "SELECT rowid, $cols FROM $t ORDER BY rowid"
	done
}

# same A B WHAT: the two databases hold the same rows
same() {
	dump "$1" > "$tmp/a.txt"
	dump "$2" > "$tmp/b.txt"
	if ! cmp -s "$tmp/a.txt" "$tmp/b.txt"; then
		fail "$3: rows differ"
		diff "$tmp/a.txt" "$tmp/b.txt" | head -5
	fi
	[ "$(wc -l < "$tmp/a.txt")" -gt 20 ] || fail "$3: almost nothing recorded"
}

q() { sqlite3 "$1" "$2"; }

# a small sweep with real gradients: 3 points x 2 replications
cat > "$tmp/grad.yaml" <<'YAML'
name: sweep-test
seed: 3
replications: 2
stop: {updates: 2000}
model: {kind: logreg}
data: {kind: synthetic, samples: 300, features: 6, test: 0.2}
protocol: {kind: async, batch: 4, step: constant(0.1)}
workers: [{count: 3, compute: "exponential(mean=1)"}]
record: {updates: all, full_grad: every(200), eval: every(500)}
sweep:
  protocol.kind: [async, sync]
  workers[0].count: [2, 4]
YAML

# long timing-only runs: 250000 update rows each, two checkpoints
cat > "$tmp/long.yaml" <<'YAML'
name: sweep-kill
seed: 1
replications: 2
stop: {updates: 250000}
model: {kind: none}
protocol: {kind: async}
workers: [{count: 8, compute: "lognormal(mu=0, sigma=0.5)"}]
network: {uplink: "exponential(mean=0.1)"}
record: {updates: all}
sweep:
  workers[0].count: [4, 8]
YAML

# kill_when DB SQL ARGS...: start `asgdsim run ARGS`, SIGKILL it as soon as
# the query on DB returns a number >= 1; fails if it ended first
kill_when() {
	db=$1; sql=$2; shift 2
	"$asg" run "$@" --quiet &
	pid=$!
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			fail "the run ended before it could be killed"
			return
		fi
		n=$(sqlite3 "$db" "$sql" 2>/dev/null)
		[ "${n:-0}" -ge 1 ] 2>/dev/null && break
		sleep 0.01
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
}

# finished DB [FILTER]: the rows of every finished run, keyed by (point,
# replication) instead of run_id, wall-clock columns left out; FILTER is
# an SQL list of 'point:replication' keys (default: every finished run).
# update_spans, which names rowids, is left out: `spans` checks it.
finished() {
	filter=${2:-}
	spans "$1"
	for t in $(sqlite3 "$1" "SELECT m.name FROM sqlite_master m WHERE
			m.type = 'table' AND m.name <> 'update_spans' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name)
			WHERE name = 'run_id') ORDER BY m.name"); do
		cols=$(sqlite3 "$1" "SELECT group_concat('t.\"' || name || '\"', ',')
			FROM pragma_table_info('$t') WHERE name NOT IN
			('run_id', 'wall_seconds', 'started', 'finished')")
		where="r.status <> 'running'"
		[ -n "$filter" ] && where="$where AND (r.point_index || ':' ||
			r.replication) IN ($filter)"
		echo "== $t"
		sqlite3 "$1" "SELECT r.point_index, r.replication, $cols FROM \"$t\" t
			JOIN runs r ON r.run_id = t.run_id WHERE $where
			ORDER BY r.point_index, r.replication, t.rowid"
	done
}

case $mode in
jobs)
	"$asg" run "$tmp/grad.yaml" -o "$tmp/j1.db" --quiet --jobs 1 || fail "--jobs 1 exits $?"
	"$asg" run "$tmp/grad.yaml" -o "$tmp/j2.db" --quiet --jobs 2 || fail "--jobs 2 exits $?"
	"$asg" run "$tmp/grad.yaml" -o "$tmp/j3.db" --quiet -j 3 || fail "-j 3 exits $?"
	[ "$(q "$tmp/j2.db" 'SELECT group_concat(run_id) FROM runs')" = "1,2,3,4,5,6,7,8" ] ||
		fail "run_ids: $(q "$tmp/j2.db" 'SELECT group_concat(run_id) FROM runs')"
	same "$tmp/j1.db" "$tmp/j2.db" "--jobs 1 / --jobs 2"
	same "$tmp/j1.db" "$tmp/j3.db" "--jobs 1 / --jobs 3"
	[ -z "$(ls "$tmp" | grep asgdsim-)" ] || fail "temporary directory left behind"
	"$asg" run "$tmp/grad.yaml" --jobs x -o "$tmp/bad.db" 2>/dev/null
	[ $? = 2 ] || fail "--jobs x: expected exit 2"
	[ -e "$tmp/bad.db" ] && fail "--jobs x wrote a database"
	;;
resume)
	"$asg" run "$tmp/long.yaml" -o "$tmp/full.db" --quiet || fail "full run exits $?"
	kill_when "$tmp/k.db" "SELECT COUNT(*) FROM runs r WHERE run_id >= 3 AND
		status = 'running' AND EXISTS (SELECT 1 FROM updates_by_run u WHERE
		u.run_id = r.run_id)" "$tmp/long.yaml" -o "$tmp/k.db"
	[ "$(q "$tmp/k.db" "SELECT COUNT(*) FROM runs WHERE status = 'running'")" = 1 ] ||
		fail "no interrupted run"
	"$asg" run "$tmp/long.yaml" -o "$tmp/k.db" --resume --quiet || fail "--resume exits $?"
	same "$tmp/full.db" "$tmp/k.db" "killed then resumed"
	# resuming a finished sweep does nothing
	before=$(q "$tmp/k.db" 'SELECT COUNT(*), MAX(run_id) FROM updates')
	"$asg" run "$tmp/long.yaml" -o "$tmp/k.db" --resume 2> "$tmp/msg.txt" || fail "second --resume exits $?"
	grep -q 'nothing to run' "$tmp/msg.txt" || fail "second --resume says: $(cat "$tmp/msg.txt")"
	[ "$(q "$tmp/k.db" 'SELECT COUNT(*), MAX(run_id) FROM updates')" = "$before" ] ||
		fail "second --resume changed rows"
	;;
resume_jobs)
	"$asg" run "$tmp/long.yaml" -o "$tmp/full.db" --quiet || fail "full run exits $?"
	kill_when "$tmp/k.db" "SELECT COUNT(*) >= 2 FROM runs" \
		"$tmp/long.yaml" -o "$tmp/k.db" --jobs 2
	n=$(q "$tmp/k.db" 'SELECT COUNT(*) FROM runs')
	[ "$n" -ge 2 ] && [ "$n" -lt 4 ] || fail "killed with $n runs copied"
	"$asg" run "$tmp/long.yaml" -o "$tmp/k.db" --resume --jobs 2 --quiet ||
		fail "--resume --jobs 2 exits $?"
	same "$tmp/full.db" "$tmp/k.db" "killed with --jobs 2 then resumed"
	;;
shards)
	"$asg" run "$tmp/grad.yaml" -o "$tmp/all.db" --quiet || fail "unsharded run exits $?"
	for i in 1 2 3; do
		"$asg" run "$tmp/grad.yaml" --shard $i/3 -o "$tmp/shard-$i.db" --quiet ||
			fail "shard $i exits $?"
	done
	[ "$(q "$tmp/shard-2.db" 'SELECT group_concat(point_index || replication) FROM runs')" = "01,20,31" ] ||
		fail "shard 2 holds $(q "$tmp/shard-2.db" 'SELECT group_concat(point_index || replication) FROM runs')"
	"$asg" merge "$tmp/m.db" "$tmp/shard-3.db" "$tmp/shard-1.db" "$tmp/shard-2.db" \
		--quiet || fail "merge exits $?"
	same "$tmp/all.db" "$tmp/m.db" "shards merged"
	;;
merge_twice)
	for i in 1 2; do
		"$asg" run "$tmp/grad.yaml" --shard $i/2 -o "$tmp/shard-$i.db" --quiet ||
			fail "shard $i exits $?"
	done
	"$asg" merge "$tmp/m.db" "$tmp/shard-1.db" "$tmp/shard-2.db" --quiet || fail "merge exits $?"
	cp "$tmp/m.db" "$tmp/once.db"
	"$asg" merge "$tmp/m.db" "$tmp/shard-2.db" 2> "$tmp/msg.txt" || fail "second merge exits $?"
	[ "$(grep -c '^skipping run' "$tmp/msg.txt")" = 4 ] || fail "second merge says: $(cat "$tmp/msg.txt")"
	grep -q '^0 runs merged' "$tmp/msg.txt" || fail "second merge copied runs"
	same "$tmp/once.db" "$tmp/m.db" "shard merged twice"
	# a shard given twice in one command
	"$asg" merge "$tmp/m2.db" "$tmp/shard-1.db" "$tmp/shard-1.db" 2> "$tmp/msg.txt" ||
		fail "merge of one shard twice exits $?"
	[ "$(q "$tmp/m2.db" 'SELECT COUNT(*) FROM runs')" = 4 ] || fail "one shard twice doubled runs"
	;;
merge_refuse)
	"$asg" run "$tmp/grad.yaml" --shard 1/2 -o "$tmp/a.db" --quiet || fail "shard exits $?"
	"$asg" run "$tmp/grad.yaml" --shard 2/2 --set name=other -o "$tmp/b.db" --quiet ||
		fail "other shard exits $?"
	"$asg" merge "$tmp/m.db" "$tmp/a.db" "$tmp/b.db" 2> "$tmp/msg.txt"
	[ $? = 2 ] || fail "shards of two scenarios: expected exit 2"
	grep -q "scenario 'other'" "$tmp/msg.txt" || fail "message: $(cat "$tmp/msg.txt")"
	[ -e "$tmp/m.db" ] && fail "refused merge wrote a database"
	"$asg" merge "$tmp/m.db" "$tmp/missing.db" 2>/dev/null
	[ $? = 2 ] || fail "missing input: expected exit 2"
	"$asg" merge "$tmp/a.db" "$tmp/a.db" 2>/dev/null
	[ $? = 2 ] || fail "merge into itself: expected exit 2"
	for s in 0/2 3/2 1/0 x/2 1 2/; do
		"$asg" run "$tmp/grad.yaml" --shard "$s" -o "$tmp/s.db" 2>/dev/null
		[ $? = 2 ] || fail "--shard $s: expected exit 2"
	done
	[ -e "$tmp/s.db" ] && fail "a bad --shard wrote a database"
	;;
kill_random)
	"$asg" run "$tmp/long.yaml" -o "$tmp/full.db" --quiet || fail "full run exits $?"
	# kill moments from 0.05 to 0.75 s, the same on every machine
	delays=$(awk 'BEGIN { srand(11); for (i = 0; i < 6; i++)
		printf "%.2f ", 0.05 + 0.7 * rand() }')
	interrupted=0
	for delay in $delays; do
		"$asg" run "$tmp/long.yaml" -o "$tmp/k.db" --resume --quiet 2>/dev/null &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ -e "$tmp/k.db" ] || continue
		[ "$(q "$tmp/k.db" 'PRAGMA integrity_check')" = ok ] ||
			fail "killed after $delay s: integrity_check fails"
		"$asg" verify "$tmp/k.db" > "$tmp/verify.txt" ||
			fail "killed after $delay s: verify: $(cat "$tmp/verify.txt")"
		grep -q interrupted "$tmp/verify.txt" && interrupted=$((interrupted + 1))
		keys=$(q "$tmp/k.db" "SELECT group_concat('''' || point_index || ':' ||
			replication || '''', ',') FROM runs WHERE status <> 'running'")
		[ -n "$keys" ] || continue
		finished "$tmp/k.db" > "$tmp/a.txt"
		finished "$tmp/full.db" "$keys" > "$tmp/b.txt"
		cmp -s "$tmp/a.txt" "$tmp/b.txt" ||
			fail "killed after $delay s: finished runs differ from the never-killed ones"
	done
	[ $interrupted -ge 1 ] || fail "no kill caught a run mid-way (delays $delays)"
	"$asg" run "$tmp/long.yaml" -o "$tmp/k.db" --resume --quiet || fail "last --resume exits $?"
	same "$tmp/full.db" "$tmp/k.db" "killed 6 times, resumed"
	;;
diverge)
	cat > "$tmp/diverge.yaml" <<'YAML'
name: diverge
seed: 2
stop: {updates: 3000}
model: {kind: quadratic}
data: {kind: synthetic, samples: 200, features: 5, condition: 10}
protocol: {kind: async, batch: 4}
workers: [{count: 4, compute: "exponential(mean=1)"}]
record: {updates: all, full_grad: every(10)}
sweep:
  protocol.step: [constant(50), constant(0.01)]
YAML
	"$asg" run "$tmp/diverge.yaml" -o "$tmp/dv.db" --quiet || fail "run exits $?"
	[ "$(q "$tmp/dv.db" "SELECT group_concat(status) FROM runs")" = "diverged,done" ] ||
		fail "statuses: $(q "$tmp/dv.db" "SELECT group_concat(status) FROM runs")"
	at=$(q "$tmp/dv.db" "SELECT diverged_at FROM runs WHERE run_id = 1")
	[ "$at" -ge 1 ] && [ "$at" -lt 3000 ] 2>/dev/null || fail "diverged_at: '$at'"
	[ "$(q "$tmp/dv.db" "SELECT updates FROM runs WHERE run_id = 1")" = "$at" ] ||
		fail "the diverged run went on past tick $at"
	[ "$(q "$tmp/dv.db" "SELECT updates FROM runs WHERE run_id = 2")" = 3000 ] ||
		fail "the second run did not run to its end"
	"$asg" verify "$tmp/dv.db" > "$tmp/verify.txt" || fail "verify: $(cat "$tmp/verify.txt")"
	;;
disk)
	for limit in 16 400; do
		rm -f "$tmp"/d.db*
		(ulimit -f $limit; "$asg" run "$tmp/long.yaml" -o "$tmp/d.db" --quiet \
			2> "$tmp/msg.txt")
		rc=$?
		[ $rc = 1 ] || fail "file-size limit $limit: exit $rc, expected 1"
		grep -q "^cannot write '$tmp/d.db': .*file-size limit\|^cannot write '$tmp/d.db': file too large" \
			"$tmp/msg.txt" || fail "file-size limit $limit says: $(cat "$tmp/msg.txt")"
		[ "$(q "$tmp/d.db" 'PRAGMA integrity_check')" = ok ] ||
			fail "file-size limit $limit: integrity_check fails"
	done
	"$asg" run "$tmp/grad.yaml" -o "$tmp/no/such/dir/x.db" --quiet 2> "$tmp/msg.txt"
	rc=$?
	[ $rc = 1 ] || fail "missing directory: exit $rc, expected 1"
	grep -q "^cannot open '$tmp/no/such/dir/x.db': no such file or directory" \
		"$tmp/msg.txt" || fail "missing directory says: $(cat "$tmp/msg.txt")"
	;;
mpi)
	"$asg" run "$tmp/grad.yaml" -o "$tmp/serial.db" --quiet || fail "serial run exits $?"
	export OMPI_MCA_btl_vader_single_copy_mechanism=none
	"$mpiexec" --oversubscribe --allow-run-as-root -n 2 \
		"$asg" run "$tmp/grad.yaml" --mpi -o "$tmp/mpi.db" --quiet ||
		fail "mpirun exits $?"
	same "$tmp/serial.db" "$tmp/mpi.db" "MPI with 2 ranks"
	;;
*)
	echo "sweep.sh: unknown mode '$mode'" >&2
	exit 2
	;;
esac

[ $failures = 0 ] && echo "sweep $mode: ok"
exit $failures
