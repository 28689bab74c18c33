#!/bin/sh
# main.sh [SCENARIO] — the README's first command: install what is missing,
# build, run SCENARIO (default scenarios/default.yaml) into
# results/<name>.db, check the database (asgdsim verify), print its report
# and write its figures into plots/<name>/ (asgdsim plot).  A scenario that
# reads Fashion-MNIST gets the Debian package dataset-fashion-mnist
# installed first.  Runs are added to the database, never replacing earlier
# ones.
set -eu
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/default.yaml}
extra=""
grep -q /usr/share/datasets/fashion-mnist "$scenario" && extra=dataset-fashion-mnist
sh scripts/deps.sh $extra
sh scripts/build.sh
name=$(./build/asgdsim check "$scenario" | sed -n "1s/.*scenario '\(.*\)', .*/\1/p")
./build/asgdsim run "$scenario" -o "results/$name.db"
./build/asgdsim verify "results/$name.db"
./build/asgdsim report "results/$name.db"
./build/asgdsim plot "results/$name.db"
