#!/bin/sh
# Build every libFuzzer harness (fuzz/fuzz_*.c) with clang's
# -fsanitize=fuzzer,address,undefined from the same core sources the
# extension uses, then run each for the given number of seconds (default 60)
# starting from the committed seed corpus.  Exit status is non-zero if any
# harness finds a crash; the crashing input is left in fuzz/.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-60}
incdir=$(pg_config --includedir-server)
libdir=$(pg_config --pkglibdir)
mkdir -p fuzz/build

# Which core sources each harness needs: fuzz_<name>.c links src/<name>_core.c,
# the shared error helpers, and any sources listed on a "fuzz-sources:" line
# in the harness.
status=0
for harness in fuzz/fuzz_*.c; do
	name=$(basename "$harness" .c)
	target=${name#fuzz_}
	bin=fuzz/build/$name
	extra=$(sed -n 's/.*fuzz-sources:\(.*\)/\1/p' "$harness")
	echo "== building $name"
	# shellcheck disable=SC2086
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Isrc -Ifuzz -I"$incdir" \
		"$harness" src/"$target"_core.c src/crm_error.c $extra \
		"$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm -o "$bin"

	work=fuzz/build/corpus-$target
	mkdir -p "$work"
	cp -n fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
	dict=""
	[ -f fuzz/"$target".dict ] && dict="-dict=fuzz/$target.dict"
	echo "== running $name for ${seconds}s"
	# shellcheck disable=SC2086
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=fuzz/ $dict "$work" 2>fuzz/build/$name.log; then
		status=1
		tail -n 40 fuzz/build/$name.log
	fi
	grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::new_units_added)" fuzz/build/$name.log || tail -n 3 fuzz/build/$name.log
done
exit $status
