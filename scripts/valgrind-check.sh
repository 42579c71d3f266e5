#!/bin/sh
# Run pg_regress suites against a PostgreSQL 15 server that runs entirely
# under valgrind memcheck, and fail on any memcheck report.
#
#   scripts/valgrind-check.sh suite [suite...]     (make valgrind)
#
# The server is Debian's own /usr/lib/postgresql/15/bin/postgres on a
# throw-away data directory (initdb without valgrind, for speed), started as
#   valgrind --tool=memcheck --trace-children=yes ... postgres -D ...
# so the postmaster and every process it forks (backends, parallel workers,
# autovacuum, checkpointer) run under memcheck; --trace-children also follows
# anything the server execs.  crm is installed into a temporary prefix that
# only this server sees (extension_destdir), on a private Unix socket, and
# everything is removed afterwards, as in scripts/with-cluster.sh.
#
# Suppressions: scripts/valgrind.supp, the server's own false positives only
# (each documented there).  Any other report fails the run: an error in
# crm.so, and also one whose stack is all server code, because crm's bugs can
# surface there (uninitialised bytes of a crm datum written to a data page).
# Each report is printed with its stack (crm frames as src/file.c:line), the
# origin of uninitialised bytes (--track-origins) and a suppression template;
# the full report is kept in valgrind.log.
#
# What memcheck can see here: Debian's server is not built with USE_VALGRIND,
# so palloc chunks inside a memory-context block are one malloc'd area to
# memcheck.  It does catch use of uninitialised memory (conditional jumps,
# bytes sent to the client or written to disk), overruns and use-after-free
# of large allocations (above 8 kB a palloc gets its own malloc'd block:
# aggregate states, sketches, models, plans), and stack overruns; it does not
# catch a small overrun inside a block.  The ASan/UBSan fuzzers (make fuzz)
# cover the server-free cores byte by byte.
#
# Environment: VALGRIND_TIMEOUT (seconds, default 900) bounds the suites;
# VALGRIND_OPTS adds valgrind options.
set -eu

if [ $# -eq 0 ]; then
	echo "usage: $0 suite [suite...]" >&2
	exit 2
fi

LANG=C.UTF-8
LC_ALL=C.UTF-8
export LANG LC_ALL

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bindir=$(pg_config --bindir)
timeout_s=${VALGRIND_TIMEOUT:-900}
report=$top/valgrind.log

run=$(mktemp -d "${TMPDIR:-/tmp}/crm-valgrind.XXXXXX")
chmod 0755 "$run"
mkdir "$run/socket" "$run/vg" "$run/data"
# the server runs as the postgres user when we are root
chmod 0777 "$run/socket" "$run/vg"
chmod 0700 "$run/data"

if [ "$(id -u)" -eq 0 ]; then
	as_server() { runuser -u postgres -- "$@"; }
	chown postgres "$run/data"
	PGUSER=postgres
	export PGUSER
else
	as_server() { "$@"; }
fi

stop_server() {
	if [ -f "$run/data/postmaster.pid" ]; then
		as_server "$bindir/pg_ctl" stop -D "$run/data" -m fast -t 300 >/dev/null 2>&1 ||
			as_server "$bindir/pg_ctl" stop -D "$run/data" -m immediate >/dev/null 2>&1 || true
	fi
}
trap 'stop_server; rm -rf "$run"' EXIT
trap 'exit 130' INT TERM

make -s install DESTDIR="$run/stage" >/dev/null
chmod -R a+rX "$run/stage"

as_server "$bindir/initdb" -D "$run/data" --auth=trust --encoding=UTF8 \
	--locale=C.UTF-8 >"$run/initdb.log" 2>&1 || { cat "$run/initdb.log"; exit 1; }

# The socket directory is private, so any port number will do.
PGHOST=$run/socket
PGPORT=5432
export PGHOST PGPORT

# The server user may not be able to read the checkout (a clone under a 0700
# directory): it gets its own copy of the suppressions and starts in $run.
cp scripts/valgrind.supp "$run/valgrind.supp"
chmod a+r "$run/valgrind.supp"

# jit=off: LLVM-generated code would only slow memcheck down and add noise.
# The other settings are those of scripts/with-cluster.sh that the expected
# outputs depend on.
# shellcheck disable=SC2086
(cd "$run" && as_server valgrind --tool=memcheck --trace-children=yes \
	--leak-check=no --track-origins=yes --num-callers=30 \
	--suppressions="$run/valgrind.supp" --gen-suppressions=all \
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
	--fullpath-after="$top/" --log-file="$run/vg/%p.log" \
	${VALGRIND_OPTS:-} \
	"$bindir/postgres" -D "$run/data" \
	-c listen_addresses= -c unix_socket_directories="$run/socket" -c port=$PGPORT \
	-c extension_destdir="$run/stage" -c max_parallel_workers_per_gather=2 \
	-c jit=off -c fsync=off -c huge_pages=off \
	>"$run/server.log" 2>&1) &

i=0
until "$bindir/pg_isready" -q; do
	i=$((i + 1))
	if [ $i -gt 120 ]; then
		echo "valgrind: the server did not start under valgrind in 120 s" >&2
		tail -n 30 "$run/server.log" "$run"/vg/*.log >&2 2>/dev/null || true
		exit 1
	fi
	sleep 1
done

echo "== pg_regress under valgrind memcheck: $*"
start=$(date +%s)
rc=0
timeout "$timeout_s" make -s installcheck REGRESS="$*" >"$run/regress.log" 2>&1 || rc=$?
elapsed=$(( $(date +%s) - start ))
grep -E "^(ok|not ok|test |     )|tests? (passed|failed)" "$run/regress.log" | sed 's/^/  /' || true
if [ $rc -eq 124 ]; then
	echo "valgrind: the suites did not finish within VALGRIND_TIMEOUT=${timeout_s}s"
elif [ $rc -ne 0 ] && [ -f regression.diffs ]; then
	echo "-- regression.diffs (first 60 lines)"
	head -n 60 regression.diffs
fi
stop_server

# Every process wrote its own log; a report is the text between the markers.
# crm's frames are the ones under src/ (--fullpath-after strips $top/).
: >"$report"
errors=0
crm_errors=0
procs=0
for log in "$run"/vg/*.log; do
	n=$(grep -c VALGRINDERROR-BEGIN "$log" || true)
	crashed=$(grep -cE "Process terminating with default action of signal (4|6|7|8|11)" "$log" || true)
	[ "$n" -eq 0 ] && [ "$crashed" -eq 0 ] && continue
	procs=$((procs + 1))
	errors=$((errors + n + crashed))
	c=$(awk '/VALGRINDERROR-BEGIN/ { e = 0 } /\(src\/[A-Za-z0-9_\/]+\.[ch]:[0-9]+\)/ { e = 1 } /VALGRINDERROR-END/ { n += e } END { print n + 0 }' "$log")
	crm_errors=$((crm_errors + c))
	{
		echo "==== $(basename "$log" .log): $(sed -n 's/^==[0-9]*== Command: //p' "$log" | head -n 1 | cut -c1-60)"
		awk '/VALGRINDERROR-BEGIN/ { p = 1; next } /VALGRINDERROR-END/ { p = 0; print "----"; next }
		     /Process terminating with default action/ { q = 1 } p || q { sub(/^==[0-9]+== /, ""); print }
		     q && /^==[0-9]+== *$/ { q = 0 }' "$log"
	} >>"$report"
done

# The counts that show memcheck really watched the server: how many processes
# it followed and how many reports the suppressions silenced.
nlogs=$(find "$run/vg" -name "*.log" | wc -l)
suppressed=$(sed -n 's/.*ERROR SUMMARY:.*(suppressed: \([0-9]*\) from.*/\1/p' "$run"/vg/*.log | awk '{ s += $1 } END { print s + 0 }')
echo "== valgrind memcheck: $errors report(s) in $procs of $nlogs server processes, $crm_errors with a crm frame ($suppressed suppressed as server false positives, scripts/valgrind.supp); suites ran ${elapsed}s"
if [ $errors -gt 0 ]; then
	# the reports themselves, without the suppression templates (in valgrind.log)
	awk '/^\{/ { s = 1 } !s { print } /^\}/ { s = 0 }' "$report" | head -n 400
	echo "(full reports with suppression templates: $report)"
fi
if [ $errors -gt 0 ] || [ $rc -ne 0 ]; then
	[ $rc -ne 0 ] && echo "valgrind: pg_regress failed under valgrind (status $rc)"
	exit 1
fi
echo "  valgrind: PASS (no memcheck reports)"
