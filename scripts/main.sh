#!/bin/sh
# main.sh — the README's first command: install what is missing, build,
# run scenarios/default.yaml into results/default.db, print its report and
# write its figures into plots/default/ (asgdsim plot).
# Runs are added to the database, never replacing earlier ones.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
./build/asgdsim run scenarios/default.yaml -o results/default.db
./build/asgdsim report results/default.db
./build/asgdsim plot results/default.db
