#!/bin/sh
# Workload benchmark: the per-manager load report over 10,000,000 customers
# (crm.service_minutes vs a CASE per tier), crm.rebalance on 1,000,000
# customers / 1,000 managers vs the GROUP BY that computes manager loads
# (default objective and {"target": 0, "minimise": "load"}), the plans'
# quality figures, a greedy baseline (bench/greedy.py), and the solver's
# quality on generated books against the issue's bounds and CBC's exact
# optimum (bench/rebalance_quality.c, no server; CRM_BENCH_QUALITY=0 skips it).
# Serial plans (max_parallel_workers_per_gather = 0).
set -eu
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$CRM_BENCH_DB" \
	-v n="${CRM_BENCH_WORKLOAD_ROWS:-1000000}" -v m="${CRM_BENCH_WORKLOAD_MANAGERS:-1000}" \
	-v nreport="${CRM_BENCH_WORKLOAD_REPORT_ROWS:-10000000}" -f bench/sql/workload.sql
"${CRM_PYTHON:-/usr/bin/python3}" bench/greedy.py
psql -X -q -d "$CRM_BENCH_DB" -c 'DROP TABLE bench_rb, bench_rb_managers, bench_rb_plan, rb_quality_table'

if [ "${CRM_BENCH_QUALITY:-1}" != 0 ]; then
	# the solver's core and the shared cores, built without the server
	out=$(mktemp -d)
	incs=$(find src -mindepth 1 -type d ! -name sql ! -name upgrade | sort | sed 's/^/-I/' | tr '\n' ' ')
	libdir=$(pg_config --pkglibdir)
	# shellcheck disable=SC2086
	${CC:-gcc} -std=gnu99 -O2 $incs -I"$(pg_config --includedir-server)" -o "$out/rebalance_quality" \
		bench/rebalance_quality.c src/workload/rebalance_core.c src/workload/rebalance_types_core.c \
		src/common/*_core.c "$libdir"/libpgcommon.a "$libdir"/libpgport.a -lm
	rc=0
	(cd "$out" && ./rebalance_quality) || rc=$?
	rm -rf "$out"
	[ $rc -eq 0 ] || echo "bench workload: rebalance quality targets missed (see above)"
fi
