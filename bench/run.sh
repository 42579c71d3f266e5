#!/bin/sh
# Run benchmarks against the cluster in the environment (make bench starts a
# throw-away one with larger shared_buffers).  Each bench/NN_name.sh or
# bench/NN_name.sql is one benchmark; arguments select some by name
# (e.g. "tiering"), default all.  Prints every comparison and a summary table.
set -eu
cd "$(dirname "$0")/.."
export CRM_BENCH_DB=crm_bench
dropdb --if-exists "$CRM_BENCH_DB" 2>/dev/null
createdb "$CRM_BENCH_DB"
psql -X -q -d "$CRM_BENCH_DB" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION crm' -f bench/lib.sql

for f in bench/[0-9]*_*; do
	name=$(basename "$f"); name=${name#*_}; name=${name%.*}
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "== bench: $name ($f)"
	case "$f" in
		*.sql) psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$CRM_BENCH_DB" -f "$f" ;;
		*.sh)  sh "$f" ;;
	esac
done

echo "== summary (median of per-round ratios ours/baseline; lower is faster for us)"
psql -X -q -P pager=off -d "$CRM_BENCH_DB" -c \
	"SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target, runs FROM bench.results ORDER BY measured_at, benchmark"
