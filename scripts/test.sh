#!/bin/sh
# test.sh — the README's second command: install what is missing, build,
# run the whole test suite through CTest, then the checked builds of
# scripts/checks.sh (sanitizers, valgrind, fuzzing; ASG_CHECKS=skip leaves
# them out).
set -eu
cd "$(dirname "$0")/.."
# the shipped Fashion-MNIST scenarios are verified too (tests/verify_cli.sh)
sh scripts/deps.sh dataset-fashion-mnist
sh scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
sh scripts/checks.sh
