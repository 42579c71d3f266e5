#!/bin/sh
# Build every libFuzzer harness (fuzz/fuzz_*.c) with clang's
# -fsanitize=fuzzer,address,undefined from the same core sources the
# extension uses, then run each from the committed seed corpus.
#
#   fuzz/run.sh [seconds]          each harness for that many seconds (60)
#   FUZZ_TOTAL_SECONDS=N fuzz/run.sh [seconds]
#                                  the whole run, builds included, within
#                                  about N seconds: what the builds leave is
#                                  shared evenly (at most [seconds], at least
#                                  10 each), however many harnesses there are
#   FUZZ_JOBS=n                    harnesses fuzzed side by side (default:
#                                  the number of cores; libFuzzer uses one)
#
# Prints one summary line per harness.  Exit status is non-zero if any
# harness finds a crash, a leak or a timeout; the input is left in fuzz/.
set -eu
cd "$(dirname "$0")/.."

start=$(date +%s)
seconds=${1:-60}
total=${FUZZ_TOTAL_SECONDS:-}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] || jobs=1
incdir=$(pg_config --includedir-server)
libdir=$(pg_config --pkglibdir)
mkdir -p fuzz/build

# Every harness links every server-free core (src/*/*_core.c, the shared
# helpers included), so a harness can drive whatever its type uses; the
# include path has every folder of src/.
cores=$(find src -name '*_core.c' | sort)
incs=$(find src -mindepth 1 -type d ! -name sql ! -name upgrade | sort | sed 's/^/-I/')
names=""
n=0
for harness in fuzz/fuzz_*.c; do
	name=$(basename "$harness" .c)
	echo "== building $name"
	# shellcheck disable=SC2086
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$incs -Ifuzz -I"$incdir" \
		"$harness" $cores \
		"$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm -o "fuzz/build/$name"
	names="$names $name"
	n=$((n + 1))
done

# Seconds per harness: the given number, or the budget's share.
rounds=$(( (n + jobs - 1) / jobs ))
if [ -n "$total" ] && [ "$rounds" -gt 0 ]; then
	left=$(( total - ($(date +%s) - start) ))
	# a few seconds per round for libFuzzer's start (corpus load) and exit
	share=$(( left / rounds - 5 ))
	[ "$share" -lt "$seconds" ] && seconds=$share
	if [ "$seconds" -lt 10 ]; then
		seconds=10
		echo "fuzz: FUZZ_TOTAL_SECONDS=$total is too small for $n harnesses; 10 s each" >&2
	fi
fi
echo "== fuzzing $n harnesses for ${seconds}s each, $jobs at a time"

# One harness: its log in fuzz/build/<name>.log, its status in <name>.rc.
run_one() {
	name=$1
	target=${name#fuzz_}
	work=fuzz/build/corpus-$target
	mkdir -p "$work"
	cp -n fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
	dict=""
	[ -f fuzz/"$target".dict ] && dict="-dict=fuzz/$target.dict"
	t0=$(date +%s)
	rc=0
	# the outer timeout only guards against a hung process; libFuzzer stops itself
	# shellcheck disable=SC2086
	timeout $((seconds + 120)) "fuzz/build/$name" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=fuzz/ $dict "$work" \
		>"fuzz/build/$name.log" 2>&1 || rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"fuzz/build/$name.rc"
}

i=0
for name in $names; do
	run_one "$name" &
	i=$((i + 1))
	if [ "$i" -ge "$jobs" ]; then
		wait
		i=0
	fi
done
wait

# The summary: one line per harness, then the failures' logs.
status=0
echo "== fuzz summary (${seconds}s per harness, $(( $(date +%s) - start ))s in all, builds included)"
for name in $names; do
	log=fuzz/build/$name.log
	read -r rc secs <"fuzz/build/$name.rc"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/.*DONE *cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	corp=$(sed -n 's/.*DONE .* corp: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		verdict=ok
	else
		status=1
		artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
		why=$(sed -n 's/^SUMMARY: [A-Za-z]*: //p' "$log" | head -n 1)
		verdict="FAIL (status $rc${why:+: $why}${artifact:+, input $artifact})"
	fi
	printf '  %-16s %-4s %5ss %12s runs %7s new units  cov %-6s corpus %s\n' \
		"$name" "$verdict" "$secs" "${runs:-?}" "${new:-?}" "${cov:-?}" "${corp:-?}"
done
for name in $names; do
	read -r rc secs <"fuzz/build/$name.rc"
	if [ "$rc" -ne 0 ]; then
		echo "-- $name: the report (fuzz/build/$name.log)"
		# from the sanitizer's or libFuzzer's first error line, without the shadow map
		if grep -qE "^==[0-9]+==ERROR|runtime error:|^SUMMARY:" "fuzz/build/$name.log"; then
			sed -n '/^==[0-9]*==ERROR\|runtime error:/,$p' "fuzz/build/$name.log" |
				sed '/^Shadow bytes around/,/^ *Right alloca redzone/d' | head -n 60
		else
			tail -n 40 "fuzz/build/$name.log"
		fi
	fi
done
if [ $status -eq 0 ]; then echo "  fuzz: PASS ($n harnesses, no crash)"; else echo "  fuzz: FAIL"; fi
exit $status
