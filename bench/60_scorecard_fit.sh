#!/bin/sh
# Scorecard-fitting benchmark: crm.scorecard_fit on CRM_BENCH_FIT_ROWS
# (default 1,000,000) customers x 10 attributes in a jsonb column
# (bench/sql/scorecard_fit_data.sql).  In one run:
#   crm.scorecard_fit vs a bare scan of the jsonb column (every document
#     touched: count(attrs -> 'age'));
#   crm.scorecard_fit vs exporting the rows to Python and fitting the WOE +
#     logistic-regression pipeline with scikit-learn end to end (fetch +
#     decile bins + WOE + LogisticRegression, bench/py/sklearn_scorecard.py),
#     run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset;
#   crm.scorecard_fit with 2 parallel workers vs serial;
#   held-out AUC of both pipelines (train id % 10 < 7), for quality parity;
#   peak backend memory growth (RssAnon, sampled every 20 ms) of a serial fit.
# Timed pairs alternate which runs first; ratios are medians of per-round
# ratios over CRM_BENCH_FIT_RUNS rounds (default 5).
set -eu
cd "$(dirname "$0")/.."
db=$CRM_BENCH_DB
PY=/usr/bin/python3
n=${CRM_BENCH_FIT_ROWS:-1000000}
runs=${CRM_BENCH_FIT_RUNS:-5}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
. bench/lib.sh
SERIAL="SET max_parallel_workers_per_gather = 0; SET client_min_messages = warning;"
PARALLEL="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET client_min_messages = warning;"
FIT="SELECT crm.scorecard_fit(target, attrs) IS NOT NULL FROM fit_bench"

time_ms() { q -c "$1" -c "SELECT round(bench.time_ms(\$q\$$2\$q\$)::numeric, 1)"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
record() {	# name rows ours baseline ratio target runs
	q -c "INSERT INTO bench.results VALUES ('$1', $2, $3, $4, $5, '$6', $7, now())"
	printf '%-52s %9s rows  crm %9s ms  baseline %9s ms  ratio %s  (target %s)\n' "$1" "$2" "$3" "$4" "$5" "$6"
}
# the Python baseline, without the OpenBLAS settings of the environment
python_fit() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PGDATABASE="$db" $PY bench/py/sklearn_scorecard.py fit_bench "$@"; }

echo "-- generating $n rows"
q -v n="$n" -f bench/sql/scorecard_fit_data.sql >/dev/null
q -c "SELECT pg_size_pretty(pg_relation_size('fit_bench')) AS table_size, count(*) AS rows, count(*) FILTER (WHERE target) AS targets FROM fit_bench"

# bare scan (bench.compare: alternating, medians)
q -c "$SERIAL" -c "SELECT benchmark, rows, ours_ms, baseline_ms, ratio FROM bench.compare(
	'crm.scorecard_fit vs bare scan of the jsonb column', $n,
	\$q\$$FIT\$q\$, \$q\$SELECT count(attrs -> 'age') FROM fit_bench\$q\$, 'report', $runs)"

# scikit-learn end to end, alternating with crm.scorecard_fit
ours_l=""; base_l=""; ratio_l=""
i=0
while [ $i -lt "$runs" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		o=$(time_ms "$SERIAL" "$FIT"); out=$(python_fit)
	else
		out=$(python_fit); o=$(time_ms "$SERIAL" "$FIT")
	fi
	b=$(echo "$out" | awk '{print $3}')
	echo "   round $((i + 1)): crm.scorecard_fit $o ms, scikit-learn fetch $(echo "$out" | awk '{print $1}') ms + WOE and fit $(echo "$out" | awk '{print $2}') ms"
	ours_l="$ours_l $o"; base_l="$base_l $b"; ratio_l="$ratio_l $(echo "$o $b" | awk '{printf "%.4f", $1 / $2}')"
	i=$((i + 1))
done
record "crm.scorecard_fit vs scikit-learn fetch+WOE+fit" "$n" \
	"$(echo $ours_l | tr ' ' '\n' | median)" "$(echo $base_l | tr ' ' '\n' | median)" \
	"$(echo $ratio_l | tr ' ' '\n' | median)" "< 1" "$runs"

# parallel workers
ours_l=""; base_l=""; ratio_l=""
i=0
while [ $i -lt "$runs" ]; do
	o=$(time_ms "$PARALLEL" "$FIT"); b=$(time_ms "$SERIAL" "$FIT")
	ours_l="$ours_l $o"; base_l="$base_l $b"; ratio_l="$ratio_l $(echo "$o $b" | awk '{printf "%.4f", $1 / $2}')"
	i=$((i + 1))
done
record "crm.scorecard_fit 2 workers vs serial" "$n" \
	"$(echo $ours_l | tr ' ' '\n' | median)" "$(echo $base_l | tr ' ' '\n' | median)" \
	"$(echo $ratio_l | tr ' ' '\n' | median)" "report" "$runs"

# quality: held-out AUC of both pipelines on the same split
crm_auc=$(q -c "$SERIAL" -c "WITH c AS (SELECT crm.scorecard_fit(target, attrs) AS card FROM fit_bench WHERE id % 10 < 7)
	SELECT round(crm.auc(crm.score(c.card, attrs), target)::numeric, 4) FROM fit_bench, c WHERE id % 10 >= 7")
py_auc=$(python_fit --split | awk '{printf "%.4f", $4}')
record "held-out AUC, crm card / scikit-learn pipeline" "$n" "$crm_auc" "$py_auc" \
	"$(echo "$crm_auc $py_auc" | awk '{printf "%.4f", $1 / $2}')" ">= 0.99" 1

# memory: RssAnon of the backend, sampled while a serial fit runs
mem_mb=$(rss_growth_mb "$SERIAL" "$FIT")
record "crm.scorecard_fit memory growth MB (sample 100,000)" "$n" "$mem_mb" 64 \
	"$(echo "$mem_mb" | awk '{printf "%.3f", $1 / 64}')" "<= 64 MB" 1
q -c "DROP TABLE IF EXISTS fit_bench"
