#!/bin/sh
# crm on a real Citus cluster, for README's "Running on Citus" table.  Run it
# with scripts/citus-check.sh, which starts a coordinator and two workers:
#   scripts/citus-check.sh bench/citus.sh
# (not part of make bench: Citus is not in Debian's archive).
#
# Data: bench/sql/scaleout_data.sql, CRM_BENCH_CITUS_ROWS customers (default
# 1,000,000) with 4 features, distributed by customer in 8 shards, and the
# same rows in a plain table on the coordinator.  For each query: the
# distributed time against the same query on the local table (bench.compare:
# alternating, medians of CRM_BENCH_CITUS_RUNS rounds, default 3), how Citus
# runs it (split into partial states, pushed down whole, or rows pulled to
# the coordinator, from EXPLAIN), and the bytes of state text the workers
# ship (worker_partial_agg on every shard, as Citus runs it).  Then the
# coordinator's part of a distributed k-means (reading the shipped states,
# combining, clustering) against a local k-means of the same rows, and
# whether three distributed runs give the same model.
set -eu
cd "$(dirname "$0")/.."
n=${CRM_BENCH_CITUS_ROWS:-1000000}
runs=${CRM_BENCH_CITUS_RUNS:-3}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q -c 'SET client_min_messages = warning' -f bench/lib.sql
echo "-- generating $n customers (distributed and local copies)"
q -v n="$n" -f bench/sql/scaleout_data.sql >/dev/null
q <<'EOF'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench.citus, bench_model;
CREATE TABLE bench.citus (benchmark text, rows bigint, distributed_ms numeric, local_ms numeric,
	ratio numeric, plan text, shipped_bytes bigint, bytes_per_row numeric);
-- how Citus runs a query, from its plan: split into partial aggregates, or
-- crm's function computed on the workers (below the Citus scan) or on the
-- coordinator (above it: the rows were pulled)
CREATE OR REPLACE FUNCTION bench.citus_plan(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	seen_scan boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
		IF line ~ 'coord_combine_agg' THEN
			RETURN 'split';
		ELSIF line ~ 'Custom Scan \(Citus' THEN
			seen_scan := true;
		ELSIF line ~ 'Output: .*crm\.' THEN
			RETURN CASE WHEN seen_scan THEN 'whole on workers' ELSE 'rows pulled' END;
		END IF;
	END LOOP;
	RETURN 'unknown';
END
$$;
-- the model silhouette and kmeans_refine use (from the local table)
CREATE TABLE bench_model AS SELECT crm.kmeans(f, 5) AS m FROM cust_local;
EOF
model=$(q -c "SELECT m::text FROM bench_model")

# case NAME DISTRIBUTED_SQL LOCAL_SQL [SHARD_SQL]: SHARD_SQL returns the
# bytes of state text of one shard (%s: the shard's table)
case_() {
	name=$1; dist=$2; loc=$3; shard=${4:-}
	plan=$(q -c "SELECT bench.citus_plan(\$q\$$dist\$q\$)")
	if [ -n "$shard" ]; then
		bytes=$(q -c "SELECT sum(result::bigint) FROM run_command_on_shards('cust', \$q\$$shard\$q\$)")
	else
		bytes=0
	fi
	q -c "SELECT 1 FROM bench.compare(\$q\$$name\$q\$, $n, \$q\$$dist\$q\$, \$q\$$loc\$q\$, 'report', $runs)" >/dev/null
	q -c "INSERT INTO bench.citus SELECT benchmark, rows, ours_ms, baseline_ms, ratio, '$plan', $bytes,
		round($bytes::numeric / rows, 2) FROM bench.results WHERE benchmark = \$q\$$name\$q\$
		ORDER BY measured_at DESC LIMIT 1"
	q -c "SELECT format('%-60s %9s ms distributed, %9s ms local, ratio %6s, %-16s %12s bytes shipped (%s a row)',
		benchmark, distributed_ms, local_ms, ratio, plan, shipped_bytes, bytes_per_row)
		FROM bench.citus WHERE benchmark = \$q\$$name\$q\$"
}
partial() {	# AGG ARGS [GROUP BY]: bytes of the shard's partial states
	echo "SELECT coalesce(sum(octet_length(s::text)), 0) FROM (SELECT worker_partial_agg('$1'::regprocedure, $2) AS s FROM %s ${3:-}) x"
}

case_ "crm.kmeans(f, 5)" \
	"SELECT crm.clusters_sse(crm.kmeans(f, 5)) FROM cust" \
	"SELECT crm.clusters_sse(crm.kmeans(f, 5)) FROM cust_local" \
	"$(partial 'crm.kmeans(float8[],integer)' 'ROW(f, 5)')"
case_ "crm.kmeans(f, 5, budget_kb 1024)" \
	"SELECT crm.clusters_sse(crm.kmeans(f, 5, '{\"budget_kb\": 1024}')) FROM cust" \
	"SELECT crm.clusters_sse(crm.kmeans(f, 5, '{\"budget_kb\": 1024}')) FROM cust_local" \
	"$(partial 'crm.kmeans(float8[],integer,jsonb)' "ROW(f, 5, '{\"budget_kb\": 1024}'::jsonb)")"
case_ "crm.sketch(f)" \
	"SELECT crm.sketch_rows(crm.sketch(f)) FROM cust" \
	"SELECT crm.sketch_rows(crm.sketch(f)) FROM cust_local" \
	"$(partial 'crm.sketch(float8[])' 'f')"
case_ "crm.gini(balance)" \
	"SELECT crm.gini(balance) FROM cust" \
	"SELECT crm.gini(balance) FROM cust_local" \
	"$(partial 'crm.gini(float8)' 'balance')"
case_ "crm.silhouette(model, f)" \
	"SELECT crm.silhouette((SELECT m FROM bench_model), f) FROM cust" \
	"SELECT crm.silhouette((SELECT m FROM bench_model), f) FROM cust_local" \
	"$(partial 'crm.silhouette(crm.clusters,float8[])' "ROW('$model'::crm.clusters, f)")"
case_ "crm.kmeans_refine(model, f)" \
	"SELECT crm.clusters_sse(crm.kmeans_refine((SELECT m FROM bench_model), f)) FROM cust" \
	"SELECT crm.clusters_sse(crm.kmeans_refine((SELECT m FROM bench_model), f)) FROM cust_local" \
	"$(partial 'crm.kmeans_refine(crm.clusters,float8[])' "ROW('$model'::crm.clusters, f)")"
case_ "crm.rebalance GROUP BY region (8 groups; not the distribution column)" \
	"SELECT region, crm.rebalance(id, manager_id, load, capacity) IS NOT NULL FROM cust GROUP BY region" \
	"SELECT region, crm.rebalance(id, manager_id, load, capacity) IS NOT NULL FROM cust_local GROUP BY region" \
	"$(partial 'crm.rebalance(bigint,bigint,float8,float8)' 'ROW(id, manager_id, load, capacity)' 'GROUP BY region')"
case_ "crm.rebalance GROUP BY branch_id, managers co-located" \
	"SELECT branch_id, crm.rebalance(customer_id, manager_id, load, capacity, NOT key_account) IS NOT NULL FROM (
		SELECT c.branch_id, c.customer_id, c.manager_id, c.load, m.capacity, c.key_account
		FROM book c LEFT JOIN managers m USING (branch_id, manager_id)
		UNION ALL SELECT branch_id, NULL, manager_id, NULL, capacity, NULL FROM managers) r GROUP BY branch_id" \
	"SELECT branch_id, crm.rebalance(customer_id, manager_id, load, capacity, NOT key_account) IS NOT NULL FROM (
		SELECT c.branch_id, c.customer_id, c.manager_id, c.load, m.capacity, c.key_account
		FROM book_local c LEFT JOIN managers_local m USING (branch_id, manager_id)
		UNION ALL SELECT branch_id, NULL, manager_id, NULL, capacity, NULL FROM managers_local) r GROUP BY branch_id"
case_ "crm.abc(balance) OVER (PARTITION BY region)" \
	"SELECT crm.abc(balance) OVER (PARTITION BY region) FROM cust" \
	"SELECT crm.abc(balance) OVER (PARTITION BY region) FROM cust_local"
case_ "crm.abc(load) OVER (PARTITION BY branch_id), book by branch" \
	"SELECT crm.abc(load) OVER (PARTITION BY branch_id) FROM book" \
	"SELECT crm.abc(load) OVER (PARTITION BY branch_id) FROM book_local"
case_ "crm.quantile_score(balance, 5) OVER (PARTITION BY region)" \
	"SELECT crm.quantile_score(balance, 5) OVER (PARTITION BY region) FROM cust" \
	"SELECT crm.quantile_score(balance, 5) OVER (PARTITION BY region) FROM cust_local"

# The coordinator's part of crm.kmeans: the shipped states, read, combined
# and clustered by coord_combine_agg as Citus does, against a whole local
# k-means of the same rows; and reading the states alone.  Then determinism:
# three distributed runs (the shards answer in whatever order they finish).
# For the default budget and for budget_kb 1024.
q -c "DROP TABLE IF EXISTS runs; CREATE TABLE runs (variant text, m text)"
for v in default 1024; do
	if [ $v = default ]; then
		agg='crm.kmeans(float8[],integer)'; args='ROW(f, 5)'; call='crm.kmeans(f, 5)'; label='crm.kmeans(f, 5)'
	else
		agg='crm.kmeans(float8[],integer,jsonb)'; args="ROW(f, 5, '{\"budget_kb\": 1024}'::jsonb)"
		call="crm.kmeans(f, 5, '{\"budget_kb\": 1024}')"; label='crm.kmeans(f, 5, budget_kb 1024)'
	fi
	q -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS shipped_kmeans" \
	  -c "CREATE TABLE shipped_kmeans AS SELECT shardid, result AS s FROM run_command_on_shards('cust',
		\$q\$SELECT worker_partial_agg('$agg'::regprocedure, $args)::text FROM %s\$q\$)"
	q -c "SELECT 1 FROM bench.compare(\$q\$coordinator part of $label / local k-means\$q\$, $n,
		\$q\$SELECT crm.clusters_sse(coord_combine_agg('$agg'::regprocedure, s::cstring, NULL::crm.clusters)) FROM shipped_kmeans\$q\$,
		\$q\$SELECT crm.clusters_sse($call) FROM cust_local\$q\$, '<= 0.3', $runs)" >/dev/null
	q -c "SELECT 1 FROM bench.compare(\$q\$reading the shipped states of $label / local k-means\$q\$, $n,
		\$q\$SELECT count(s::crm.cluster_sketch) FROM shipped_kmeans\$q\$,
		\$q\$SELECT crm.clusters_sse($call) FROM cust_local\$q\$, 'report', $runs)" >/dev/null
	for i in 1 2 3; do
		q -c "INSERT INTO runs SELECT '$v', $call::text FROM cust"
	done
done

echo "== Citus $(q -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'"), coordinator + 2 workers on one machine, $n customers, 8 shards"
psql -X -q -P pager=off -c "SELECT * FROM bench.citus ORDER BY benchmark"
psql -X -q -P pager=off -c "SELECT benchmark, ours_ms, baseline_ms, ratio, target FROM bench.results
	WHERE benchmark LIKE '%/ local k-means' ORDER BY benchmark"
q -c "SELECT format('distinct models in 3 distributed runs, %s: %s (SSE spread %s)', variant, count(DISTINCT m),
	max(crm.clusters_sse(m::crm.clusters)) / min(crm.clusters_sse(m::crm.clusters)) - 1) FROM runs GROUP BY variant ORDER BY variant"
q -c "DROP TABLE IF EXISTS runs, shipped_kmeans, bench_model, cust, cust_local, book, book_local, managers, managers_local"
