#!/bin/sh
# Scorecard benchmark: scoring 1,000,000 customers with the 6-factor AML card,
# positional form and jsonb form vs a hand-written plain-SQL CASE sum.
set -eu
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$CRM_BENCH_DB" \
	-v n="${CRM_BENCH_SCORECARD_ROWS:-1000000}" -f bench/sql/scorecard.sql
