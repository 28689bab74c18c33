#!/bin/sh
# bad_inputs.sh ASGDSIM BADDIR [CHECK_STATUS] — the catalogue of malformed
# scenarios: each BADDIR/NAME.yaml is refused the way DESIGN.md promises for
# bad input.
#
# For every NAME.yaml, with NAME.expect holding the one line expected on
# stderr ("@DIR@/" stands for BADDIR as given):
#   - `ASGDSIM run BADDIR/NAME.yaml -o TMP/out.db --quiet` exits 2, prints
#     exactly that line on stderr and nothing else, and writes no database;
#   - `ASGDSIM check BADDIR/NAME.yaml` exits CHECK_STATUS, 2 by default; 0
#     for BADDIR/data, good scenarios of bad data files (a data file is read
#     when a run is built, which `check` does not do).
# Prints each failure; exits non-zero if there is any.
set -u
asg=$1
dir=$2
check_status=${3:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checked=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for file in "$dir"/*.yaml; do
	[ -e "$file" ] || { fail "no scenario in $dir"; break; }
	name=$(basename "$file" .yaml)
	if [ ! -f "$dir/$name.expect" ]; then
		fail "$name: missing $name.expect"
		continue
	fi
	line=$(head -n 1 "$dir/$name.expect")
	expected="$dir/${line#@DIR@/}"
	rm -f "$tmp/out.db"
	"$asg" run "$file" -o "$tmp/out.db" --quiet > "$tmp/stdout" 2> "$tmp/stderr"
	status=$?
	[ "$status" = 2 ] || fail "$name: run exits $status, expected 2"
	got=$(cat "$tmp/stderr")
	[ "$got" = "$expected" ] ||
		fail "$name: stderr is
  '$got'
expected
  '$expected'"
	[ -e "$tmp/out.db" ] && fail "$name: run wrote $tmp/out.db"
	"$asg" check "$file" > /dev/null 2>&1
	status=$?
	[ "$status" = "$check_status" ] ||
		fail "$name: check exits $status, expected $check_status"
	checked=$((checked + 1))
done

[ "$failures" = 0 ] && echo "bad inputs: $checked scenarios refused as expected"
[ "$failures" = 0 ]
