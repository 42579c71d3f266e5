#!/bin/sh
# pg_dump / pg_restore round trip of every crm type: load test/dump/*.sql into
# a fresh database, dump it (custom format), restore into another, and compare
# every table of schema dump_check as text.  Exit status 0 when identical.
set -eu
cd "$(dirname "$0")/.."
src=crm_dump_src
dst=crm_dump_dst
work=$(mktemp -d "${TMPDIR:-/tmp}/crm-dump.XXXXXX")
trap 'rm -rf "$work"' EXIT

for db in $src $dst; do dropdb --if-exists "$db" 2>/dev/null; done
createdb "$src"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c 'SET client_min_messages = warning' \
	-c 'CREATE EXTENSION crm' -c 'CREATE SCHEMA dump_check'
for f in test/dump/*.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -d "$src" -f "$f"
done

pg_dump -Fc -d "$src" -f "$work/dump"
createdb "$dst"
pg_restore --exit-on-error -d "$dst" "$work/dump"

tables=$(psql -X -At -d "$src" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'dump_check' ORDER BY 1")
status=0
n=0
for t in $tables; do
	q="SELECT * FROM dump_check.$t ORDER BY 1"
	psql -X -At -d "$src" -c "$q" > "$work/$t.src"
	psql -X -At -d "$dst" -c "$q" > "$work/$t.dst"
	rows=$(wc -l < "$work/$t.src")
	if cmp -s "$work/$t.src" "$work/$t.dst" && [ "$rows" -gt 0 ]; then
		echo "  ok   dump_check.$t ($rows rows identical after dump/restore)"
	else
		echo "  FAIL dump_check.$t"
		diff "$work/$t.src" "$work/$t.dst" | head -n 20 || true
		status=1
	fi
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "  FAIL no tables in dump_check"; status=1; }
for db in $src $dst; do dropdb --if-exists "$db" 2>/dev/null; done
exit $status
