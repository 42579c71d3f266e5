#!/bin/sh
# Large crm.rebalance_state values survive pg_dump / pg_restore and cross as
# text (too slow for make test; not one of make bench's benchmarks).  Run:
#
#   scripts/with-cluster.sh bench/restore_workload_big.sh
#
# 1. A state of CRM_BIG_DUMP_ROWS rows (default 4,000,000: above the ~3.5
#    million at which the old JSON text form passed jsonb's 256 MB limit and
#    restored an empty table) is dumped (custom format) and restored into a
#    second database; the restored value must equal the original (md5 of
#    its binary form), and solve to the same plan.
# 2. A group of CRM_BIG_TEXT_ROWS customers (default 20,000,000, bigint ids
#    above 2^40, 1,000 managers) is printed as text and read back (what
#    Citus does with a partial aggregate state): equal again.
# 3. With CRM_BIG_CAP=1: one row more than the cap (24,000,000 rows) is
#    54000, not an out-of-memory or a value that cannot be printed.
# Needs about 6 GB of memory for step 2 and 10 GB of disk.
set -eu
cd "$(dirname "$0")/.."
rows=${CRM_BIG_DUMP_ROWS:-4000000}
text_rows=${CRM_BIG_TEXT_ROWS:-20000000}
src=crm_big_src
dst=crm_big_dst
work=$(mktemp -d "${TMPDIR:-/tmp}/crm-big.XXXXXX")
trap 'rm -rf "$work"; dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null' EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

for db in $src $dst; do dropdb --if-exists "$db" 2>/dev/null; done
createdb "$src"
q -d "$src" <<EOF
SET client_min_messages = warning;
CREATE EXTENSION crm;
CREATE AGGREGATE rb_state_of(bigint, bigint, float8, float8)
	(SFUNC = crm.rebalance_transfn, STYPE = crm.rebalance_state);
CREATE TABLE big_state (id int PRIMARY KEY, s crm.rebalance_state);
INSERT INTO big_state
SELECT 1, rb_state_of(1099511627776 + g, g % 1000, 1 + g % 97, 50000) FROM generate_series(1, $rows) g;
EOF
echo "== 1. dump and restore a state of $rows rows"
q -d "$src" -c "SELECT 'binary bytes: ' || length(crm.rebalance_state_send(s)) || ', text bytes: ' || length(s::text) || ', text form: ' || left(s::text, 6) FROM big_state"
before=$(q -d "$src" -c "SELECT md5(crm.rebalance_state_send(s)) || ' ' || md5(crm.rebalance_finalfn(s)::text) FROM big_state")
start=$(date +%s)
pg_dump -Fc -d "$src" -t big_state -f "$work/dump"
createdb "$dst"
q -d "$dst" -c 'CREATE EXTENSION crm'
pg_restore --exit-on-error -d "$dst" "$work/dump"
after=$(q -d "$dst" -c "SELECT md5(crm.rebalance_state_send(s)) || ' ' || md5(crm.rebalance_finalfn(s)::text) FROM big_state")
echo "   dump + restore: $(( $(date +%s) - start )) s, dump file $(du -h "$work/dump" | cut -f1)"
status=0
if [ -n "$after" ] && [ "$before" = "$after" ]; then
	echo "   ok: the restored state and its plan are equal to the original"
else
	echo "   FAIL: before '$before', after '$after'"
	status=1
fi

echo "== 2. a group of $text_rows customers as text and back"
start=$(date +%s)
res=$(q -d "$src" <<EOF
SET client_min_messages = warning;
CREATE TEMP TABLE t AS SELECT rb_state_of(1099511627776 + g, g % 1000, 1 + g % 97, 500000) AS s
FROM generate_series(1, $text_rows) g;
SELECT length(s::text) || ' text bytes; equal after text: ' ||
       (crm.rebalance_state_send(s::text::crm.rebalance_state) = crm.rebalance_state_send(s)) FROM t;
EOF
)
echo "   $res ($(( $(date +%s) - start )) s)"
case "$res" in *"equal after text: true") ;; *) status=1 ;; esac

if [ "${CRM_BIG_CAP:-0}" = 1 ]; then
	echo "== 3. one row beyond the cap of 24,000,000"
	res=$(q -d "$src" -c "SELECT rb_state_of(g, 1, 1, 1) IS NULL FROM generate_series(1, 24000001) g" 2>&1 || true)
	echo "   $res"
	case "$res" in *"too many rows in one group"*) ;; *) status=1 ;; esac
fi
exit $status
