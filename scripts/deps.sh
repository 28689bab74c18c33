#!/bin/sh
# deps.sh [PACKAGE]... — install the Debian packages asgdsim needs, and
# the PACKAGEs given, if any is missing.  Used by main.sh and test.sh; safe
# to run again (does nothing then).
# libopenblas-serial-dev is OpenBLAS built single-threaded (CMakeLists.txt).
# fonts-urw-base35 gives the figures their serif (Nimbus Roman, a Times);
# clang, libclang-rt-14-dev and valgrind serve the checked builds of
# scripts/checks.sh (libFuzzer, sanitizers, memcheck).
set -eu

packages="build-essential cmake pkg-config libgsl-dev libsqlite3-dev
libopenblas-serial-dev libfyaml-dev libcmocka-dev zlib1g-dev gnuplot-nox sqlite3
libglpk-dev libopenmpi-dev openmpi-bin fonts-urw-base35
clang libclang-rt-14-dev valgrind $*"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "deps.sh: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
