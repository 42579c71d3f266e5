#!/bin/sh
# The heavy dump check (make test-large): a crm.cluster_sketch at the size
# cap survives pg_dump / pg_restore (its text, in the compact form), and
# text and binary COPY.
#
# The sketch has 1,000 dimensions and the largest budget (budget_kb 524288):
# as many distinct rows as that budget holds without merging, so the value
# is as large as a sketch can be (about 533 MB; compact text about 710 MB,
# under PostgreSQL's 1 GB limit).  Needs about 3 GB of memory in the backend
# and 2 GB of disk, and takes a minute or two: too heavy for make test.
# Run against the cluster in the environment (scripts/with-cluster.sh).
set -eu
cd "$(dirname "$0")/.."
src=crm_large_src
dst=crm_large_dst
work=$(mktemp -d "${TMPDIR:-/tmp}/crm-large.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 0777 "$work"

for db in $src $dst; do dropdb --if-exists "$db" 2>/dev/null; done
createdb "$src"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION crm;
-- the capacity of 1,000 dimensions at the largest budget: every row a representative
CREATE TABLE big AS
SELECT crm.sketch(array_fill(g::float8, ARRAY[999]) || ARRAY[-g::float8], '{"budget_kb": 524288}') AS s
FROM generate_series(1, (524288 * 1024 - 72 - 56000) / 8080) g;
SQL
psql -X -At -d "$src" -c "SELECT 'rows ' || crm.sketch_rows(s) || ', representatives ' || crm.sketch_representatives(s)
	|| ', binary form ' || octet_length(crm.cluster_sketch_send(s)) || ' bytes' FROM big"

echo "== text COPY and binary COPY round trips"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<SQL
CREATE TABLE back_text (LIKE big);
CREATE TABLE back_binary (LIKE big);
COPY big TO '$work/big.txt';
COPY back_text FROM '$work/big.txt';
COPY big TO '$work/big.bin' WITH (FORMAT binary);
COPY back_binary FROM '$work/big.bin' WITH (FORMAT binary);
SQL
rm -f "$work/big.txt" "$work/big.bin"
same=$(psql -X -At -d "$src" -c "SELECT (SELECT s FROM big) OPERATOR(crm.=) (SELECT s FROM back_text)
	AND (SELECT s FROM big) OPERATOR(crm.=) (SELECT s FROM back_binary)")
[ "$same" = t ] || { echo "  FAIL COPY round trip"; exit 1; }
echo "  ok   text and binary COPY give the same value"
psql -X -q -d "$src" -c 'DROP TABLE back_text, back_binary'

echo "== pg_dump / pg_restore"
pg_dump -Fc -Z0 -d "$src" -f "$work/dump"
createdb "$dst"
pg_restore --exit-on-error -d "$dst" "$work/dump"
q="SELECT md5(crm.cluster_sketch_send(s)) FROM big"
a=$(psql -X -At -d "$src" -c "$q")
b=$(psql -X -At -d "$dst" -c "$q")
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "  FAIL dump/restore changed the value ($a / $b)"; exit 1; }
echo "  ok   the restored value is the same ($a)"
for db in $src $dst; do dropdb --if-exists "$db" 2>/dev/null; done
