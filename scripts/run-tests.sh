#!/bin/sh
# Run every pg_regress suite (sql/, expected/), the Citus 13 emulation suite
# (test/citus_emul), every pgTAP suite (test/) and the pg_dump/pg_restore
# check against the cluster in the environment (see scripts/with-cluster.sh),
# print the summaries, and exit non-zero if any failed.
set -u
cd "$(dirname "$0")/.."

echo "== unit tests of the server-free cores (test/unit, ASan + UBSan)"
test/unit/run.sh > unit.log 2>&1
unit_rc=$?
grep -vE "^  ok " unit.log
unit_line=$(tail -n 1 unit.log | grep -E "^unit: [0-9]+ passed, [0-9]+ failed$" || echo "unit: 0 passed, 1 failed (the unit tests did not build or run: see unit.log)")
[ $unit_rc -eq 0 ] || case "$unit_line" in *" 0 failed") unit_line="unit: 0 passed, 1 failed (status $unit_rc: see unit.log)" ;; esac

echo "== pg_regress (sql/ + expected/)"
make -s installcheck > regress.log 2>&1
regress_rc=$?
# pg_regress' own summary: the per-test lines and the "All N tests passed" box.
grep -E "^(ok|not ok|test |     |#)|tests? (passed|failed)" regress.log | sed 's/^/  /'
if [ $regress_rc -ne 0 ] && [ -f regression.diffs ]; then
	echo "-- regression.diffs (first 200 lines)"
	head -n 200 regression.diffs
fi

# Every crm aggregate split the way Citus 13 splits it (bare calls, states
# shipped as text; test/citus_emul), against the one-node result.  The
# test-only module is in the cluster's throw-away prefix (with-cluster.sh).
echo "== Citus 13 emulation (test/citus_emul)"
make -s -C test/citus_emul installcheck > citus_emul.log 2>&1
emul_rc=$?
grep -E "^(ok|not ok|test |     |#)|tests? (passed|failed)" citus_emul.log | sed 's/^/  /'
if [ $emul_rc -ne 0 ] && [ -f test/citus_emul/regression.diffs ]; then
	echo "-- test/citus_emul/regression.diffs (first 200 lines)"
	head -n 200 test/citus_emul/regression.diffs
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
	# test/superuser/ holds what needs a superuser: crafted binary COPY
	# files written on the server (lo_export)
	{ PGUSER=$taprole pg_prove --verbose -d "$tapdb" test/*.sql &&
	  pg_prove --verbose -d "$tapdb" test/superuser/*.sql; } > tap.log 2>&1
	tap_rc=$?
	# the per-file verdicts and any failure, without the per-test lines
	grep -vE "^(ok [0-9]|# Subtest|[0-9]+\.\.[0-9]+$)" tap.log
fi
# checks on ../shared/data (their descriptions start with the file's name)
real_ran=$(grep -cE "^ok [0-9]+ - bank_churners" tap.log 2>/dev/null)
real_skip=$(grep -E "^ok [0-9]+ # skip .*bank_churners" tap.log 2>/dev/null | head -n 1 | sed 's/^ok [0-9]* # skip //')

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
	if [ $emul_rc -eq 0 ]; then echo "  Citus emulation: PASS (every crm aggregate split as Citus 13 splits it)"; else echo "  Citus emulation: FAIL (see test/citus_emul/regression.diffs)"; fi
	if [ $tap_rc -eq 0 ]; then echo "  pgTAP:        PASS (test/ as $taprole, not a superuser; test/superuser/ as a superuser)"; else echo "  pgTAP:        FAIL (as $taprole, not a superuser)"; fi
	if [ $dump_rc -eq 0 ]; then echo "  dump/restore: PASS"; else echo "  dump/restore: FAIL"; fi
	echo "  $unit_line"
	if [ "${real_ran:-0}" -gt 0 ]; then
		echo "  real data: ran $real_ran checks on bank_churners.csv"
	else
		echo "  real data: SKIPPED (${real_skip:-no check on bank_churners.csv ran})"
	fi
} | tee test-summary.log
[ $unit_rc -eq 0 ] && [ $regress_rc -eq 0 ] && [ $emul_rc -eq 0 ] && [ $tap_rc -eq 0 ] && [ $dump_rc -eq 0 ]
