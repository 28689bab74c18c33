#!/bin/sh
# test.sh — the README's second command: install what is missing, build,
# and run the whole test suite through CTest.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
