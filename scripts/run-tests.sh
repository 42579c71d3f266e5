#!/bin/sh
# Run every pg_regress suite (sql/, expected/), every pgTAP suite (test/) and
# the pg_dump/pg_restore check against the cluster in the environment (see
# scripts/with-cluster.sh), print the summaries, and exit non-zero if any
# failed.
set -u
cd "$(dirname "$0")/.."

echo "== pg_regress (sql/ + expected/)"
make -s installcheck > regress.log 2>&1
regress_rc=$?
# pg_regress' own summary: the per-test lines and the "All N tests passed" box.
grep -E "^(ok|not ok|test |     |#)|tests? (passed|failed)" regress.log | sed 's/^/  /'
if [ $regress_rc -ne 0 ] && [ -f regression.diffs ]; then
	echo "-- regression.diffs (first 200 lines)"
	head -n 200 regression.diffs
fi

echo "== pgTAP (test/*.sql, pg_prove)"
tapdb=crm_tap
dropdb --if-exists "$tapdb" && createdb "$tapdb"
psql -X -q -v ON_ERROR_STOP=1 -d "$tapdb" \
	-c 'SET client_min_messages = warning' \
	-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION crm'
tap_rc=$?
if [ $tap_rc -eq 0 ]; then
	# Suites that use the real data in ../shared/data read it client-side
	# (\copy), from the file CRM_BANK_CSV names; without it they skip.
	bank_csv=$(cd .. && pwd)/shared/data/bank_churners.csv
	if [ -r "$bank_csv" ]; then
		CRM_BANK_CSV=$bank_csv
		export CRM_BANK_CSV
	fi
	pg_prove -d "$tapdb" test/*.sql > tap.log 2>&1
	tap_rc=$?
	cat tap.log
fi

echo "== pg_dump / pg_restore of every type (test/dump/*.sql)"
scripts/dump-restore-test.sh
dump_rc=$?

# The summary goes to the terminal and to test-summary.log, which make test
# prints again after the cluster is gone: on a failure pg_virtualenv dumps the
# whole server log, and the reason must not scroll away under it.
{
	echo "== summary"
	grep -E "tests? (passed|failed)" regress.log | sed 's/^ */  pg_regress: /'
	grep -E "^ *test .*FAILED" regress.log | sed 's/^ */    /'
	[ $regress_rc -ne 0 ] && [ -f regression.diffs ] && head -n 30 regression.diffs | sed 's/^/    /'
	grep -E "^(Files=|Result:)" tap.log 2>/dev/null | sed 's/^/  pg_prove:   /'
	grep -E "^(not ok|# +(Failed|got|expected|Looks))|Dubious|Failed [0-9]" tap.log 2>/dev/null | head -n 40 | sed 's/^/    /'
	if [ $regress_rc -eq 0 ]; then echo "  pg_regress:   PASS"; else echo "  pg_regress:   FAIL (see regression.diffs above)"; fi
	if [ $tap_rc -eq 0 ]; then echo "  pgTAP:        PASS"; else echo "  pgTAP:        FAIL"; fi
	if [ $dump_rc -eq 0 ]; then echo "  dump/restore: PASS"; else echo "  dump/restore: FAIL"; fi
} | tee test-summary.log
[ $regress_rc -eq 0 ] && [ $tap_rc -eq 0 ] && [ $dump_rc -eq 0 ]
