#!/bin/sh
# Workload benchmark: the per-manager load report over 10,000,000 customers
# (crm.service_minutes vs a CASE per tier), crm.rebalance on 1,000,000
# customers / 1,000 managers vs the GROUP BY that computes manager loads,
# the plan's quality figures, and a greedy baseline (bench/greedy.py).
# Serial plans (max_parallel_workers_per_gather = 0).
set -eu
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$CRM_BENCH_DB" \
	-v n="${CRM_BENCH_WORKLOAD_ROWS:-1000000}" -v m="${CRM_BENCH_WORKLOAD_MANAGERS:-1000}" \
	-v nreport="${CRM_BENCH_WORKLOAD_REPORT_ROWS:-10000000}" -f bench/sql/workload.sql
"${CRM_PYTHON:-/usr/bin/python3}" bench/greedy.py
psql -X -q -d "$CRM_BENCH_DB" -c 'DROP TABLE bench_rb, bench_rb_managers, bench_rb_plan, rb_quality_table'
