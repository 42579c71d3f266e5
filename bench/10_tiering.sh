#!/bin/sh
# Tiering benchmarks on 1,000,000 and 10,000,000 log-normal balances
# (generated in the database): crm.tier vs a CASE chain and vs a bare scan,
# crm.abc vs its plain-SQL window formulation, crm.quantile_score vs ntile.
# Serial plans (max_parallel_workers_per_gather = 0) so that the ratios
# compare per-row cost; JIT is left at the server default.
set -eu
cd "$(dirname "$0")/.."
for n in ${CRM_BENCH_TIERING_ROWS:-1000000 10000000}; do
	psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$CRM_BENCH_DB" -v n="$n" -f bench/sql/tiering.sql
done
