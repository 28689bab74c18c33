#!/bin/sh
# examples.sh — remake the example figures of the README, docs/figures/*.png,
# one per kind of `asgdsim plot`:
#   - loss, gradnorm, staleness, kappa, timeline: the default scenario
#     (scenarios/default.yaml) with 5 replications instead of 2 and the
#     first 4 virtual seconds of worker activity recorded;
#   - aoi, bound: Redder et al.'s DASGD scenario
#     (scenarios/redder-dasgd-quadratic.yaml), its bound fitted by
#     `asgdsim bound`.
# Takes a minute or so.  ASGDSIM names the command (default ./build/asgdsim).
set -eu
cd "$(dirname "$0")/.."
asg=${ASGDSIM:-./build/asgdsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$asg" run scenarios/default.yaml -o "$tmp/default.db" --quiet \
	--set replications=5 --set 'record.timeline=until(4)'
"$asg" plot "$tmp/default.db" loss gradnorm staleness kappa timeline -o "$tmp/fig"

"$asg" run scenarios/redder-dasgd-quadratic.yaml -o "$tmp/dasgd.db" --quiet
"$asg" bound "$tmp/dasgd.db" > /dev/null
"$asg" plot "$tmp/dasgd.db" aoi bound -o "$tmp/fig"

mkdir -p docs/figures
for kind in loss gradnorm staleness kappa timeline aoi bound; do
	cp "$tmp/fig/$kind.png" "docs/figures/$kind.png"
done
echo "docs/figures: $(ls docs/figures | tr '\n' ' ')"
