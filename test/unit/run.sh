#!/bin/sh
# Build and run crm's unit tests (test/unit/test_*.c) against the
# server-free cores (src/*/*_core.c), under
# AddressSanitizer and UndefinedBehaviorSanitizer.  Arguments select tests
# by name.  The last line of the output is "unit: N passed, N failed".
# Tests named *_known_bug (bugs found and reported, not fixed yet) are
# skipped unless CRM_UNIT_KNOWN_BUGS=1 (see main.c).
set -eu
cd "$(dirname "$0")/../.."

incdir=$(pg_config --includedir-server)
libdir=$(pg_config --pkglibdir)
out=test/unit/build
mkdir -p "$out"

# every core source (the shared helpers included), and every folder of src/
# as an include path
cores=$(find src -name '*_core.c' | sort)
incs=$(find src -mindepth 1 -type d ! -name sql ! -name upgrade | sort | sed 's/^/-I/')
# shellcheck disable=SC2086
${CC:-gcc} -std=gnu99 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	$incs -Itest/unit -I"$incdir" \
	test/unit/main.c test/unit/test_*.c $cores \
	"$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm -o "$out/unit"

ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/unit" "$@"
