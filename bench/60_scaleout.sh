#!/bin/sh
# Scale-out on Citus 13, emulated (make bench BENCH=scaleout; no Citus
# needed): the rows of bench/sql/scaleout_data.sql (CRM_BENCH_SCALEOUT_ROWS,
# default 1,000,000 customers x 4 features) split into the 8 shards Citus
# would put them in (by hash of the customer id), each shard's partial state
# computed and printed as text the way a Citus worker does it, then read,
# combined and finalised the way the coordinator does it (test/citus_emul,
# installed by scripts/with-cluster.sh).  Reports, for every aggregate, the
# bytes of state text shipped per input row; for crm.kmeans, the
# coordinator's part (reading the 8 states, combining, clustering) against a
# local crm.kmeans of the same rows (alternating, medians of
# CRM_BENCH_SCALEOUT_RUNS rounds, default 3), the SSE of the split model
# against the local one, whether the 0.1% private-banking cluster is found,
# and whether the model is the same whatever the order the states arrive in.
# bench/citus.sh measures the same on a real Citus cluster.
set -eu
cd "$(dirname "$0")/.."
db=$CRM_BENCH_DB
n=${CRM_BENCH_SCALEOUT_ROWS:-1000000}
runs=${CRM_BENCH_SCALEOUT_RUNS:-3}
# k-means options of every sketch-based run (CRM_BENCH_SCALEOUT_OPTS, jsonb;
# default none: the default budget), e.g. '{"budget_kb": 1024}'
opts=${CRM_BENCH_SCALEOUT_OPTS:-}
if [ -n "$opts" ]; then
	KM_AGG='crm.kmeans(float8[],integer,jsonb)'; KM_ARGS="ROW(f, 5, '$opts'::jsonb)"; KM_LOCAL_CALL="crm.kmeans(f, 5, '$opts')"
else
	KM_AGG='crm.kmeans(float8[],integer)'; KM_ARGS='ROW(f, 5)'; KM_LOCAL_CALL='crm.kmeans(f, 5)'
fi
echo "-- k-means options: ${opts:-(defaults)}"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

record() {	# name rows ours baseline ratio target runs
	q -c "INSERT INTO bench.results VALUES ('$1', $2, $3, $4, $5, '$6', $7, now())"
	printf '%-60s %9s rows  %12s  %12s  ratio %s  (target %s)\n' "$1" "$2" "$3" "$4" "$5" "$6"
}

echo "-- generating $n customers x 4 features"
q -v n="$n" -f bench/sql/scaleout_data.sql >/dev/null
q -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS citus_emul'

# What each shard ships: one row per (aggregate, shard), the state's text.
q -v km_agg="$KM_AGG" -v km_args="$KM_ARGS" <<'EOF'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
DROP TABLE IF EXISTS shipped, bench_model;
CREATE TABLE bench_model AS SELECT crm.kmeans(f, 5) AS m FROM cust_local;
CREATE TABLE shipped (agg regprocedure, shard int, s text);
INSERT INTO shipped SELECT :'km_agg', shard,
	citus_emul.partial_agg(:'km_agg', :km_args) FROM cust_local GROUP BY shard;
INSERT INTO shipped SELECT 'crm.gini(float8)', shard,
	citus_emul.partial_agg('crm.gini(float8)', balance) FROM cust_local GROUP BY shard;
INSERT INTO shipped SELECT 'crm.silhouette(crm.clusters,float8[])', shard,
	citus_emul.partial_agg('crm.silhouette(crm.clusters,float8[])', ROW((SELECT m FROM bench_model), f))
	FROM cust_local GROUP BY shard;
INSERT INTO shipped SELECT 'crm.kmeans_refine(crm.clusters,float8[])', shard,
	citus_emul.partial_agg('crm.kmeans_refine(crm.clusters,float8[])', ROW((SELECT m FROM bench_model), f))
	FROM cust_local GROUP BY shard;
INSERT INTO shipped SELECT 'crm.rebalance(bigint,bigint,float8,float8)', shard,
	citus_emul.partial_agg('crm.rebalance(bigint,bigint,float8,float8)', ROW(id, manager_id, load, capacity))
	FROM cust_local GROUP BY shard;
EOF
q -c "SELECT regexp_replace(agg::text, '\(.*', ''), sum(octet_length(s)), round(sum(octet_length(s))::numeric / $n, 2)
	FROM shipped GROUP BY agg ORDER BY agg" | while IFS='|' read -r agg bytes per_row; do
	target=report
	[ "$agg" = crm.kmeans ] && target="<= 16"
	record "state text bytes per row shipped by $agg" "$n" "$bytes" "$n" "$per_row" "$target" 1
done

# The coordinator's part of crm.kmeans against a whole local one.
KM_SPLIT="SELECT crm.clusters_sse(citus_emul.combine_agg('$KM_AGG', s, NULL::crm.clusters ORDER BY shard)) FROM shipped WHERE agg = '$KM_AGG'::regprocedure"
KM_LOCAL="SELECT crm.clusters_sse($KM_LOCAL_CALL) FROM cust_local"
q -c "SET max_parallel_workers_per_gather = 0" -c "SELECT benchmark, rows, ours_ms, baseline_ms, ratio FROM bench.compare(
	'coordinator part of a split crm.kmeans vs local crm.kmeans', $n,
	\$q\$$KM_SPLIT\$q\$, \$q\$$KM_LOCAL\$q\$, '<= 0.3', $runs)"

# Quality and determinism of the split model: the states combined in three
# orders of arrival.
q -v km_agg="$KM_AGG" <<'EOF'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
DROP TABLE IF EXISTS split_models;
CREATE TABLE split_models AS
SELECT o AS arrival, (SELECT citus_emul.combine_agg(:'km_agg', s, NULL::crm.clusters
	ORDER BY CASE o WHEN 'by shard' THEN shard::text WHEN 'reversed' THEN (-shard)::text ELSE md5(s) END)
	FROM shipped WHERE agg = :'km_agg'::regprocedure) AS m
FROM unnest(ARRAY['by shard', 'reversed', 'shuffled']) o;
EOF
distinct=$(q -c "SELECT count(DISTINCT m::text) FROM split_models")
record "split crm.kmeans: distinct models over 3 arrival orders" "$n" "$distinct" 1 "$distinct" "1" 3
sse=$(q -c "SELECT crm.clusters_sse(m) FROM split_models WHERE arrival = 'by shard'")
local_sse=$(q -c "SET max_parallel_workers_per_gather = 0" -c "$KM_LOCAL")
record "SSE of split crm.kmeans / local crm.kmeans" "$n" "$sse" "$local_sse" \
	"$(echo "$sse $local_sse" | awk '{printf "%.5f", $1 / $2}')" "<= 1.01" 1
found=$(q -c "SELECT count(*) FROM split_models, crm.centroids(m) c WHERE arrival = 'by shard'
	AND c.size BETWEEN 0.8 * $n / 1000 AND 1.2 * $n / 1000 AND c.centroid[1] > 50")
record "split crm.kmeans finds the 0.1% private-banking cluster" "$n" "$found" 1 "$found" "1" 1
q -c "DROP TABLE IF EXISTS shipped, split_models, bench_model, cust_local, book_local, managers_local"
