# shellcheck shell=sh
# Shell helpers the benchmarks share; a benchmark sources it (". bench/lib.sh",
# from the checkout's root) and has CRM_BENCH_DB set (bench/run.sh sets it).

# rss_growth_mb SETUP_SQL QUERY: run SETUP_SQL then QUERY in a new backend,
# sampling the backend's RssAnon every 20 ms while QUERY runs; prints the
# growth over its value before QUERY (peak - start) in MB, one decimal.
rss_growth_mb() {
	_pidfile=$(mktemp)
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$CRM_BENCH_DB" -c "$1" -c "SELECT pg_backend_pid()" \
		-c "SELECT pg_sleep(0.5)" -c "$2" > "$_pidfile" &
	_job=$!
	sleep 0.2
	_pid=$(head -n 1 "$_pidfile")
	_base=$(awk '/RssAnon/ {print $2}' /proc/"$_pid"/status)
	_peak=$_base
	while kill -0 "$_job" 2>/dev/null; do
		_cur=$(awk '/RssAnon/ {print $2}' /proc/"$_pid"/status 2>/dev/null || true)
		[ -n "$_cur" ] && [ "$_cur" -gt "$_peak" ] && _peak=$_cur
		sleep 0.02
	done
	wait "$_job"
	rm -f "$_pidfile"
	echo "$_base $_peak" | awk '{printf "%.1f", ($2 - $1) / 1024}'
}
