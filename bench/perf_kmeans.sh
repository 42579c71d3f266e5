#!/bin/sh
# Profile of one serial crm.kmeans(f, 8) over the synthetic bank (issue 16):
# perf record -g on the backend, then perf report --no-children (top entries).
# Usage: scripts/with-cluster.sh bench/perf_kmeans.sh [rows]  (default 2,000,000)
# Needs Debian's linux-perf and a kernel.perf_event_paranoid that allows it.
set -eu
cd "$(dirname "$0")/.."
n=${1:-2000000}
db=crm_perf
out=${CRM_PERF_OUT:-/tmp/crm-kmeans.perf}
dropdb --if-exists "$db" 2>/dev/null; createdb "$db"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q -c 'CREATE EXTENSION crm'
q -v n="$n" -f bench/sql/kmeans_data.sql >/dev/null
fifo=$(mktemp -u); mkfifo "$fifo"
# one session: print its pid, wait for the profiler, run k-means
{ echo "SET max_parallel_workers_per_gather = 0;"; echo "SELECT pg_backend_pid();";
  echo "SELECT count(*) FROM km_points;"; sleep 2;
  echo "SELECT crm.clusters_sse(crm.kmeans(f, 8)) FROM km_points;"; } | q > "$fifo" &
job=$!
exec 3<"$fifo"
read -r pid <&3
perf record -g -o "$out" -p "$pid" 2>/dev/null &
perfjob=$!
cat <&3 >/dev/null
wait "$job"
kill -INT "$perfjob"; wait "$perfjob" || true
rm -f "$fifo"
perf report -i "$out" --no-children --stdio 2>/dev/null | grep -E '^ +[0-9]+\.[0-9]+%' | head -30
