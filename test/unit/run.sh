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
incs=$(find src -mindepth 1 -type d ! -name sql ! -name upgrade | sort | sed 's/^/-I/' | tr '\n' ' ')
cflags="-std=gnu99 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
$incs -Itest/unit -I$incdir"

# One object per source, compiled in parallel and kept between runs: an
# object is rebuilt when its source or a header it includes (its .d file,
# from -MMD) is newer, or when the compiler or flags change (flags.txt).
# Only the objects of the current sources are linked, so sources that were
# moved or removed leave nothing behind.
stamp="${CC:-gcc} $cflags"
if [ ! -f "$out/flags.txt" ] || [ "$(cat "$out/flags.txt")" != "$stamp" ]; then
	rm -f "$out"/*.o "$out"/*.d
	printf '%s' "$stamp" > "$out/flags.txt"
fi
objs=""
for src in test/unit/main.c test/unit/test_*.c $cores; do
	objs="$objs $out/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
done
# shellcheck disable=SC2086
for src in test/unit/main.c test/unit/test_*.c $cores; do
	echo "$src"
done | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
	src=$1; out=$2; shift 2
	obj=$out/$(echo "$src" | tr / _ | sed "s/\.c\$/.o/")
	dep=${obj%.o}.d
	if [ -f "$obj" ] && [ -f "$dep" ]; then
		stale=no
		for f in $(sed -e "s/^[^:]*://" -e "s/\\\\$//" "$dep"); do
			if [ ! -e "$f" ] || [ "$f" -nt "$obj" ]; then stale=yes; break; fi
		done
		[ $stale = no ] && exit 0
	fi
	# shellcheck disable=SC2068
	${CC:-gcc} "$@" -MMD -MF "$dep" -c "$src" -o "$obj"
' sh {} "$out" $cflags
# shellcheck disable=SC2086
${CC:-gcc} -fsanitize=address,undefined $objs \
	"$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm -o "$out/unit"

ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/unit" "$@"
