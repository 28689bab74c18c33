#!/bin/sh
# plot_cli.sh ASGDSIM — `asgdsim plot` from a database written by
# `asgdsim run`: the default kinds (and the note about those without data),
# every format, each .gp re-run by gnuplot, a .dat number against sqlite3,
# the default directory, --runs and --x, and the exit statuses: 2 for bad
# input (nothing written), 1 when gnuplot fails (its message shown).
set -u
asg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat > "$tmp/s.yaml" <<'YAML'
name: plotcli
seed: 3
replications: 2
stop: {updates: 400}
model: {kind: logreg}
data: {kind: synthetic, samples: 400, features: 5, test: 0.25}
protocol: {kind: async, batch: 4, step: constant(0.1)}
workers:
  - {count: 3, compute: "exponential(mean=1)", name: fast}
  - {count: 1, compute: "exponential(mean=3)", name: slow}
record: {updates: all, full_grad: every(40), eval: every(40), timeline: until(5)}
sweep:
  protocol.kind: [async, sync]
YAML
db="$tmp/plotcli.db"
"$asg" run "$tmp/s.yaml" -o "$db" --quiet || { fail "run exits $?"; exit 1; }

# every kind with data, in png; the others named on stderr
out="$tmp/fig"
"$asg" plot "$db" -o "$out" > "$tmp/stdout" 2> "$tmp/stderr" || fail "plot exits $?"
for kind in loss gradnorm staleness kappa timeline; do
	for ext in png gp dat; do
		[ -s "$out/$kind.$ext" ] || fail "no $kind.$ext"
	done
	grep -qx "$out/$kind.png" "$tmp/stdout" || fail "$kind.png not listed on stdout"
	(cd "$out" && gnuplot "$kind.gp" 2> "$tmp/gp.err") || fail "gnuplot $kind.gp exits $?"
	[ -s "$tmp/gp.err" ] && fail "gnuplot $kind.gp says: $(cat "$tmp/gp.err")"
done
for kind in aoi bound; do
	grep -q "no $kind figure" "$tmp/stderr" || fail "no note about $kind on stderr"
	[ -e "$out/$kind.gp" ] && fail "$kind.gp written without data"
done
[ "$(grep -c . "$tmp/stderr")" = 2 ] || fail "stderr: $(cat "$tmp/stderr")"
file "$out/loss.png" | grep -q 'PNG image data, 1050 x' || fail "loss.png is not 1050 px wide"

# the other formats
for fmt in pdf svg; do
	"$asg" plot "$db" loss staleness -o "$tmp/$fmt" --format "$fmt" > /dev/null ||
		fail "--format $fmt exits $?"
	[ -s "$tmp/$fmt/loss.$fmt" ] || fail "no loss.$fmt"
done
head -c 4 "$tmp/pdf/loss.pdf" | grep -q '%PDF' || fail "loss.pdf is not a PDF"
grep -q '<svg' "$tmp/svg/staleness.svg" || fail "staleness.svg is not SVG"

# a number of kappa.dat against sqlite3: worker 0 of the first point
want=$(sqlite3 "$db" "SELECT AVG(kappa) FROM workers JOIN runs USING (run_id)
	WHERE point_index = 0 AND worker = 0 AND status IN ('done', 'diverged')")
got=$(awk '!/^#/ && NF { print $3; exit }' "$out/kappa.dat")
awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * (a < 0 ? -a : a) + 1e-15) }' ||
	fail "kappa.dat mean $got, sqlite3 says $want"

# --runs and --x
"$asg" plot "$db" loss -o "$tmp/sync" --runs protocol.kind=sync --x ticks > /dev/null ||
	fail "--runs protocol.kind=sync exits $?"
grep -q '^# block 0: series 0, sync (runs 3 4)' "$tmp/sync/loss.dat" ||
	fail "--runs protocol.kind=sync: $(grep '^# block' "$tmp/sync/loss.dat")"
grep -q "using 2:" "$tmp/sync/loss.gp" || fail "--x ticks does not draw column 2"

# the default directory: plots/<database name>
(cd "$tmp" && "$asg" plot plotcli.db kappa > /dev/null) || fail "plot in cwd exits $?"
[ -s "$tmp/plots/plotcli/kappa.png" ] || fail "no plots/plotcli/kappa.png"

# bad input: exit 2, nothing written
expect2() {
	rm -rf "$tmp/bad"
	"$asg" plot "$@" -o "$tmp/bad" > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc = 2 ] || fail "plot $*: exit $rc, expected 2"
	[ -e "$tmp/bad" ] && fail "plot $*: wrote $tmp/bad"
	[ -s "$tmp/err" ] || fail "plot $*: no message"
}
expect2 "$db" lossy
grep -q "did you mean 'loss'" "$tmp/err" || fail "no suggestion for lossy: $(cat "$tmp/err")"
expect2 "$db" --format jpg
expect2 "$db" --x seconds
expect2 "$db" --bogus
expect2 "$db" aoi
grep -q "cannot plot aoi" "$tmp/err" || fail "aoi asked: $(cat "$tmp/err")"
expect2 "$db" --runs 99
expect2 "$db" --runs 'x-1'
"$asg" plot > /dev/null 2>&1; [ $? = 2 ] || fail "plot without a database: expected exit 2"
"$asg" plot "$tmp/missing.db" -o "$tmp/bad" > /dev/null 2>&1
[ $? = 1 ] || fail "plot of a missing database: expected exit 1"

# gnuplot failing: exit 1 with its message
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "boom: $1" >&2\nexit 3\n' > "$tmp/bin/gnuplot"
chmod +x "$tmp/bin/gnuplot"
PATH="$tmp/bin:$PATH" "$asg" plot "$db" loss -o "$tmp/fail" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc = 1 ] || fail "failing gnuplot: exit $rc, expected 1"
grep -q "boom: loss.gp" "$tmp/err" || fail "gnuplot's message not shown: $(cat "$tmp/err")"
grep -q "exit status 3" "$tmp/err" || fail "gnuplot's status not shown: $(cat "$tmp/err")"

[ $failures = 0 ] && echo "plot cli: ok"
exit $failures
