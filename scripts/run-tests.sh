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

# The pgTAP suites run as an ordinary role, as crm's users do: not a
# superuser, owner of its database, and it installs pgtap (superuser = false
# in its control file) and crm (trusted) itself.  The superuser only creates
# the role and the database.
tapdb=crm_tap
taprole=crm_tap_owner
echo "== pgTAP (test/*.sql, pg_prove) as role $taprole: not a superuser, owns $tapdb, installs pgtap and crm"
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" dropdb --if-exists "$tapdb"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'SET client_min_messages = warning' \
	-c "DROP ROLE IF EXISTS $taprole" \
	-c "CREATE ROLE $taprole LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS" &&
	createdb -O "$taprole" "$tapdb"
tap_rc=$?
# Transitional, until every suite copies through the client (\copy, COPY ...
# TO STDOUT): tiering, scorecard, kmeans and binary_input still round-trip
# through server-side files (COPY TO/FROM a file, TO PROGRAM 'rm', lo_export)
# and kmeans finds the bank data with pg_stat_file.  These grants give the
# role those file functions only; it stays NOSUPERUSER, so crm's functions
# run without superuser rights.  Remove each one when no suite needs it.
tap_grants="GRANT pg_read_server_files, pg_write_server_files, pg_execute_server_program TO $taprole;
GRANT EXECUTE ON FUNCTION pg_catalog.lo_export(oid, text) TO $taprole;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO $taprole;"
if [ $tap_rc -eq 0 ] && [ -n "$tap_grants" ]; then
	echo "$tap_grants" | psql -X -q -v ON_ERROR_STOP=1 -d "$tapdb"
	tap_rc=$?
	echo "  transitional grants (server-side files):"
	echo "$tap_grants" | sed 's/^/    /'
fi
if [ $tap_rc -eq 0 ]; then
	PGUSER=$taprole psql -X -q -v ON_ERROR_STOP=1 -d "$tapdb" \
		-c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION crm'
	tap_rc=$?
fi
if [ $tap_rc -eq 0 ]; then
	# the role really is an ordinary one and really owns what it installed
	who=$(PGUSER=$taprole psql -X -At -d "$tapdb" -c "SELECT r.rolsuper, e.extowner::regrole
		FROM pg_roles r, pg_extension e WHERE r.rolname = current_user AND e.extname = 'crm'")
	if [ "$who" != "f|$taprole" ]; then
		echo "  pgTAP role check failed: superuser|crm owner = $who"
		tap_rc=1
	fi
fi
if [ $tap_rc -eq 0 ]; then
	# Suites that use the real data in ../shared/data read it client-side
	# (\copy), from the file CRM_BANK_CSV names; without it they skip.
	bank_csv=$(cd .. && pwd)/shared/data/bank_churners.csv
	if [ -r "$bank_csv" ]; then
		CRM_BANK_CSV=$bank_csv
		export CRM_BANK_CSV
	fi
	PGUSER=$taprole pg_prove -d "$tapdb" test/*.sql > tap.log 2>&1
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
	if [ $tap_rc -eq 0 ]; then echo "  pgTAP:        PASS (as $taprole, not a superuser)"; else echo "  pgTAP:        FAIL (as $taprole, not a superuser)"; fi
	if [ $dump_rc -eq 0 ]; then echo "  dump/restore: PASS"; else echo "  dump/restore: FAIL"; fi
} | tee test-summary.log
[ $regress_rc -eq 0 ] && [ $tap_rc -eq 0 ] && [ $dump_rc -eq 0 ]
