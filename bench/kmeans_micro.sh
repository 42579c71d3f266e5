#!/bin/sh
# Build bench/kmeans_micro.c against the cores of a source tree (default
# this one; CRM_SRC=dir for another checkout, to compare) with the server's
# compiler flags and run it: bench/kmeans_micro.sh [rows] [bank|uniform]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${CRM_SRC:-$here}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
incs=$(find "$src/src" -mindepth 1 -type d ! -name sql ! -name upgrade | sed 's/^/-I/' | tr '\n' ' ')
# shellcheck disable=SC2086,SC2046
${CC:-gcc} -std=gnu99 -O2 -g ${MICRO_CFLAGS:-} -fno-strict-aliasing -fwrapv -fexcess-precision=standard \
	$incs -I"$(pg_config --includedir-server)" -o "$out/micro" \
	"$here/bench/kmeans_micro.c" $(find "$src/src" -name '*_core.c' | sort) \
	"$(pg_config --pkglibdir)/libpgcommon.a" "$(pg_config --pkglibdir)/libpgport.a" -lm
if [ -n "${CRM_MICRO_PERF:-}" ]; then perf record -o "$CRM_MICRO_PERF" "$out/micro" "$@"; else "$out/micro" "$@"; fi
