#!/bin/sh
# The heavy scale-out check of crm.rebalance (make test-large): a rebalancing
# group of 20,000,000 customers with bigint ids, all in one shard, crosses
# between nodes as text the way Citus 13 ships it (test/citus_emul: the
# state's output function on the "worker", its input function, the combine
# and final functions on the "coordinator"), and the plan is the one the
# group gives on one node.  About 4 GB of memory in the backend and a few
# minutes: too heavy for make test.  Run against the cluster in the
# environment (scripts/with-cluster.sh, which installs test/citus_emul).
# CRM_LARGE_REBALANCE_ROWS changes the group's size.
set -eu
cd "$(dirname "$0")/.."
db=crm_large_rebalance
n=${CRM_LARGE_REBALANCE_ROWS:-20000000}
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null' EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION crm' -c 'CREATE EXTENSION citus_emul'

echo "== a group of $n customers (bigint ids beyond 2^32, 2,000 managers), shipped as text in one state"
q -v n="$n" <<'SQL'
SET max_parallel_workers_per_gather = 0;
-- customer ids beyond 32 bits, so that nothing fits a narrower encoding
CREATE TABLE book AS
SELECT 5000000000 + g AS customer_id, 1 + (g * 7919) % 2000 AS manager_id,
       (1 + (hashint8(g) & 31))::float8 AS load,
       (8000 + 4000 * ((g * 7919) % 2000 % 3))::float8 AS capacity
FROM generate_series(1::bigint, :n) g;
-- the worker's half: the state's text, as Citus ships it
CREATE TABLE shipped AS
SELECT citus_emul.partial_agg('crm.rebalance(bigint,bigint,float8,float8)',
       ROW(customer_id, manager_id, load, capacity)) AS s FROM book;
SQL
q -c "SELECT 'state text: ' || octet_length(s) || ' bytes, ' || round(octet_length(s)::numeric / $n, 2)
	|| ' a row, ' || CASE WHEN s LIKE 'crm64:%' THEN 'compact form' ELSE 'JSON' END FROM shipped"
# the coordinator's half, and the same group on one node
q <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE TABLE plans AS
SELECT 'shipped'::text AS how,
       citus_emul.combine_agg('crm.rebalance(bigint,bigint,float8,float8)', s, NULL::crm.rebalance_plan) AS p
FROM shipped;
INSERT INTO plans SELECT 'local', crm.rebalance(customer_id, manager_id, load, capacity) FROM book;
SQL
same=$(q -c "SELECT count(DISTINCT md5(p::text)) = 1 AND count(*) = 2 FROM plans")
[ "$same" = t ] || { echo "  FAIL the plan from the shipped state differs from the local plan"; exit 1; }
q -c "SELECT '  ok   the plan from the shipped state is the local plan: ' || s.customers || ' customers, '
	|| s.managers || ' managers, ' || s.moves || ' moves' FROM plans, crm.plan_summary(p) s WHERE how = 'local'"
