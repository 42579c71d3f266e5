#!/bin/sh
# k-means toward the scan limit (issue 16): in one run, for each size
# (CRM_BENCH_LIMIT_ROWS, default 2,000,000 and 10,000,000 rows x 8 features),
# on the synthetic heavy-tailed bank (bench/sql/kmeans_data.sql) and on
# uniform data (8 independent uniform features on [0, 10)):
#   serial crm.kmeans(f, 8) vs a bare scan sum(f[1]) of the same table
#     (target: at most 6x);
#   crm.kmeans with 2 parallel workers vs serial (target: at most 0.6x),
#     and the SSE of that parallel plan over the serial one (report);
# and at CRM_BENCH_LIMIT_SK_ROWS (default 1,000,000) rows of the bank,
#   crm.kmeans vs exporting the rows and running scikit-learn
#     KMeans(n_init=10) end to end (fetch + fit; target: at least 15x
#     faster, ratio <= 0.0667), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
#     for the Python command only.
# and, what must not change, for each size on the bank: the peak backend
# memory growth of a serial crm.kmeans (RssAnon, sampled every 20 ms; the
# budget is 2.3 MB for 8 features, the limit budget + 16 MB) and how long a
# statement_timeout of 1 s takes to stop it (target: within 2 s).
# Pairs alternate which runs first (bench.compare); ratios are medians of
# per-round ratios over CRM_BENCH_LIMIT_RUNS rounds (default 3).
set -eu
cd "$(dirname "$0")/.."
db=$CRM_BENCH_DB
PY=/usr/bin/python3
runs=${CRM_BENCH_LIMIT_RUNS:-3}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
. bench/lib.sh

q -f bench/sql/kmeans_lloyd.sql
KM="SELECT crm.clusters_sse(crm.kmeans(f, 8)) FROM km_points"
SCAN="SELECT sum(f[1]) FROM km_points"
SERIAL="SET max_parallel_workers_per_gather = 0;"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

uniform() {	# uniform rows in km_points (same columns as the bank)
	q -c "SELECT setseed(0.1616)" -c "DROP TABLE IF EXISTS km_points" -c "
		CREATE TABLE km_points AS
		SELECT g AS id, 0 AS segment,
		       ARRAY(SELECT 10 * random() FROM generate_series(1, 8) j WHERE g > 0) AS f
		FROM generate_series(1, $1::bigint) g" -c "ANALYZE km_points" >/dev/null
}

limit_pair() {	# label rows: bare scan and 2 workers vs serial on km_points
	q -c "$SERIAL" -c "SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
		'crm.kmeans vs bare scan ($1)', $2, \$q\$$KM\$q\$, \$q\$$SCAN\$q\$, '<= 6', $runs)"
	q -c "SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
		'crm.kmeans 2 workers vs serial ($1)', $2,
		\$q\$SELECT bench.with_workers(2, '$KM')\$q\$,
		\$q\$SELECT bench.with_workers(0, '$KM')\$q\$, '<= 0.6', $runs)"
	# what the parallel plan's partial sketches cost in quality (report)
	ser=$(q -c "SET max_parallel_workers_per_gather = 0;" -c "$KM")
	par=$(q -c "SET max_parallel_workers_per_gather = 2;" -c "$KM")
	echo "   SSE with 2 workers / serial ($1): $(echo "$par $ser" | awk '{printf "%.5f", $1 / $2}') (report)"
}

checks() {	# rows: memory growth and cancel latency of a serial crm.kmeans
	echo "   memory growth of a serial crm.kmeans: $(rss_growth_mb "$SERIAL" "$KM") MB (budget 2.3 MB + 16 MB)"
	t=$(date +%s%3N)
	q -c "$SERIAL SET statement_timeout = '1s';" -c "$KM" >/dev/null 2>&1 || true
	echo "   statement_timeout 1 s stopped it after $(($(date +%s%3N) - t)) ms (target <= 2000)"
}

for n in ${CRM_BENCH_LIMIT_ROWS:-2000000 10000000}; do
	echo "-- $n rows, synthetic bank"
	q -v n="$n" -f bench/sql/kmeans_data.sql >/dev/null
	limit_pair bank "$n"
	checks "$n"
	echo "-- $n rows, uniform"
	uniform "$n"
	limit_pair uniform "$n"
done

n=${CRM_BENCH_LIMIT_SK_ROWS:-1000000}
if [ "$n" -gt 0 ]; then
	echo "-- $n rows, synthetic bank: scikit-learn end to end"
	q -v n="$n" -f bench/sql/kmeans_data.sql >/dev/null
	ours_l=""; base_l=""; ratio_l=""
	i=0
	while [ $i -lt "$runs" ]; do
		sk() { PGDATABASE="$db" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY bench/py/sklearn_kmeans.py km_points 8; }
		ours() { q -c "$SERIAL" -c "SELECT round(bench.time_ms(\$q\$$KM\$q\$)::numeric, 1)"; }
		if [ $((i % 2)) -eq 0 ]; then o=$(ours); out=$(sk); else out=$(sk); o=$(ours); fi
		b=$(echo "$out" | awk '{print $3}')
		echo "   round $((i + 1)): crm.kmeans $o ms, scikit-learn fetch $(echo "$out" | awk '{print $1}') ms + fit $(echo "$out" | awk '{print $2}') ms, inertia $(echo "$out" | awk '{print $4}')"
		ours_l="$ours_l $o"; base_l="$base_l $b"; ratio_l="$ratio_l $(echo "$o $b" | awk '{printf "%.4f", $1 / $2}')"
		i=$((i + 1))
	done
	# word splitting wanted: one number a line
	# shellcheck disable=SC2086
	o=$(printf '%s\n' $ours_l | median)
	# shellcheck disable=SC2086
	b=$(printf '%s\n' $base_l | median)
	# shellcheck disable=SC2086
	r=$(printf '%s\n' $ratio_l | median)
	q -c "INSERT INTO bench.results VALUES ('crm.kmeans vs scikit-learn fetch+fit', $n, $o, $b, $r, '<= 0.0667 (15x)', $runs, now())"
	printf '%-40s %9s rows  crm %9s ms  scikit-learn %9s ms  ratio %s (%.1fx faster; target >= 15x)\n' \
		"crm.kmeans vs scikit-learn fetch+fit" "$n" "$o" "$b" "$r" "$(echo "$r" | awk '{print 1 / $1}')"
	echo "   SSE crm.kmeans: $(q -c "$SERIAL" -c "$KM")"
fi
q -c "DROP TABLE IF EXISTS km_points"
