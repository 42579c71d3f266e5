-- crm on a real Citus 13 cluster (scripts/citus-check.sh: a coordinator and
-- two workers): how each aggregate and window function runs, that the
-- distributed results are the local ones, and the patterns README's
-- "Running on Citus" section recommends and warns about.
SET client_min_messages = warning;
SET citus.shard_count = 8;
CREATE SCHEMA ct;
SET search_path = ct, public;

-- error_of(statement): 'SQLSTATE: message' of its error, or 'no error'
CREATE FUNCTION ct.error_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
BEGIN
	EXECUTE statement;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN state || ': ' || msg;
END
$$;

-- plan_of(query [, fn]): how Citus runs it, from EXPLAIN: 'split' (partial
-- aggregates on the workers, states shipped and combined on the
-- coordinator), 'whole on workers' (the function fn, by default crm's,
-- below the Citus scan), or 'rows pulled' (fn above it: the coordinator
-- computes it over rows the workers sent)
CREATE FUNCTION ct.plan_of(query text, fn text DEFAULT 'crm\.') RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	seen_scan boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
		IF line ~ 'coord_combine_agg' THEN
			RETURN 'split';
		ELSIF line ~ 'Custom Scan \(Citus' THEN
			seen_scan := true;
		ELSIF line ~ ('Output: .*' || fn) THEN
			RETURN CASE WHEN seen_scan THEN 'whole on workers' ELSE 'rows pulled' END;
		END IF;
	END LOOP;
	RETURN 'not distributed';
END
$$;

-- 6,000 customers (deterministic: hashes, no random()) in three groups over
-- four features, a balance, a branch, a manager with a load and capacity;
-- distributed by customer (8 shards) and the same rows in a local table.
CREATE FUNCTION ct.u(i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$ SELECT (hashint8(i) & 1048575) / 1048576.0 $$;
CREATE TABLE ct.pts_local AS
SELECT id::bigint AS id, (id % 10)::int AS branch,
       round((1000 * ct.u(id) * ct.u(id + 100000))::numeric, 2)::float8 AS x,
       ARRAY[(id % 3) * 10 + ct.u(id * 4), (id % 3) * -5 + ct.u(id * 4 + 1),
             ct.u(id * 4 + 2), (id % 3) * 3 + ct.u(id * 4 + 3)] AS f,
       CASE WHEN id % 97 <> 0 THEN (1 + id % 40)::bigint END AS manager_id,
       (1 + (hashint8(id) & 15))::float8 AS load,
       (480 + 60 * (id % 40 % 3))::float8 AS capacity
FROM generate_series(1, 6000) id;
CREATE TABLE ct.pts (LIKE ct.pts_local);
SELECT create_distributed_table('ct.pts', 'id');
INSERT INTO ct.pts SELECT * FROM ct.pts_local;
SELECT count(*) AS shards FROM pg_dist_shard WHERE logicalrelid = 'ct.pts'::regclass;

-- 1. What pushes down.  Without grouping by the distribution column every
--    crm aggregate is split: each worker computes partial states of its
--    shards and ships them, the coordinator combines and finalises.
SELECT agg, ct.plan_of(query) AS plan FROM (VALUES
	('crm.sketch', 'SELECT crm.sketch(f) FROM ct.pts'),
	('crm.sketch + options', $$SELECT crm.sketch(f, '{"scale": "minmax"}') FROM ct.pts$$),
	('crm.kmeans', 'SELECT crm.kmeans(f, 3) FROM ct.pts'),
	('crm.kmeans + options', $$SELECT crm.kmeans(f, 3, '{"seed": 7}') FROM ct.pts$$),
	('crm.kmeans_refine', 'SELECT crm.kmeans_refine((SELECT crm.kmeans(f, 3) FROM ct.pts_local), f) FROM ct.pts'),
	('crm.silhouette', 'SELECT crm.silhouette((SELECT crm.kmeans(f, 3) FROM ct.pts_local), f) FROM ct.pts'),
	('crm.gini', 'SELECT crm.gini(x) FROM ct.pts'),
	('crm.rebalance', 'SELECT crm.rebalance(id, manager_id, load, capacity) FROM ct.pts'),
	('crm.rebalance + movable', 'SELECT crm.rebalance(id, manager_id, load, capacity, true) FROM ct.pts'),
	('crm.rebalance + options', $$SELECT crm.rebalance(id, manager_id, load, capacity, true, '{"target": 0.9}') FROM ct.pts$$),
	('crm.rebalance text ids + move cost', $$SELECT crm.rebalance(id::text, manager_id::text, load, capacity, true, 1.0, '{}') FROM ct.pts$$),
	('crm.scorecard_fit', $$SELECT crm.scorecard_fit(x > 500, jsonb_build_object('branch', branch)) FROM ct.pts$$),
	('crm.auc', 'SELECT crm.auc(x, id % 3 = 0) FROM ct.pts'),
	('crm.ks', 'SELECT crm.ks(x, id % 3 = 0) FROM ct.pts'),
	('crm.psi', $$SELECT crm.psi(x, id % 2 = 0, '{100, 300, 600}') FROM ct.pts$$),
	('crm.gini GROUP BY branch', 'SELECT branch, crm.gini(x) FROM ct.pts GROUP BY branch'),
	('crm.gini GROUP BY id (the distribution column)', 'SELECT id, crm.gini(x) FROM ct.pts GROUP BY id'),
	('crm.abc OVER (PARTITION BY branch)', 'SELECT crm.abc(x) OVER (PARTITION BY branch) FROM ct.pts'),
	('crm.quantile_score OVER (PARTITION BY branch)', 'SELECT crm.quantile_score(x, 5) OVER (PARTITION BY branch) FROM ct.pts'),
	('crm.abc OVER (PARTITION BY id)', 'SELECT crm.abc(x) OVER (PARTITION BY id) FROM ct.pts')
	) v(agg, query);
-- crm.merge over stored sketches in a distributed table
CREATE TABLE ct.daily (day int, id bigint, s crm.cluster_sketch);
SELECT create_distributed_table('ct.daily', 'id');
INSERT INTO ct.daily SELECT id % 5, id % 8, crm.sketch(f) FROM ct.pts_local GROUP BY 1, 2;
SELECT ct.plan_of('SELECT crm.merge(s) FROM ct.daily') AS merge_plan;

-- 2. The distributed results are the local ones.  Exact: crm.gini (from the
--    sorted values), crm.silhouette (a sample chosen by hash), crm.rebalance
--    (the solver sorts the rows).  crm.sketch and crm.merge count every row.
CREATE TABLE ct.model AS SELECT crm.kmeans(f, 3, '{"seed": 7}') AS m FROM ct.pts_local;
SELECT (SELECT crm.gini(x) FROM ct.pts) = (SELECT crm.gini(x) FROM ct.pts_local) AS gini_same,
       (SELECT crm.silhouette((SELECT m FROM ct.model), f) FROM ct.pts)
         = (SELECT crm.silhouette((SELECT m FROM ct.model), f) FROM ct.pts_local) AS silhouette_same,
       (SELECT crm.rebalance(id, manager_id, load, capacity)::text FROM ct.pts)
         = (SELECT crm.rebalance(id, manager_id, load, capacity)::text FROM ct.pts_local) AS rebalance_same,
       (SELECT crm.sketch_rows(crm.sketch(f)) FROM ct.pts) AS sketch_rows,
       (SELECT crm.sketch_rows(crm.merge(s)) FROM ct.daily) AS merge_rows;
-- the 0.2.0 rebalance overloads and the scoring aggregates: exact
SELECT (SELECT crm.rebalance(id::text, manager_id::text, load, capacity, true, 1 + id % 3, '{"target": 0.9}')::text FROM ct.pts)
         = (SELECT crm.rebalance(id::text, manager_id::text, load, capacity, true, 1 + id % 3, '{"target": 0.9}')::text
            FROM ct.pts_local) AS rebalance_text_same,
       (SELECT crm.scorecard_fit(x > 500, jsonb_build_object('branch', branch, 'g', id % 3))::text FROM ct.pts)
         = (SELECT crm.scorecard_fit(x > 500, jsonb_build_object('branch', branch, 'g', id % 3))::text FROM ct.pts_local)
         AS card_same,
       (SELECT crm.auc(x, id % 3 = 0) FROM ct.pts) = (SELECT crm.auc(x, id % 3 = 0) FROM ct.pts_local) AS auc_same,
       (SELECT crm.ks(x, id % 3 = 0) FROM ct.pts) = (SELECT crm.ks(x, id % 3 = 0) FROM ct.pts_local) AS ks_same,
       (SELECT crm.psi(x, id % 2 = 0, '{100, 300, 600}') FROM ct.pts)
         = (SELECT crm.psi(x, id % 2 = 0, '{100, 300, 600}') FROM ct.pts_local) AS psi_same;
-- crm.gini per branch: exact in every group
SELECT count(*) AS branches, count(*) FILTER (WHERE d.g = l.g) AS same
FROM (SELECT branch, crm.gini(x) AS g FROM ct.pts GROUP BY branch) d
JOIN (SELECT branch, crm.gini(x) AS g FROM ct.pts_local GROUP BY branch) l USING (branch);
-- crm.kmeans and crm.kmeans_refine: the same clusters (sizes exact,
-- centroids to 1e-9: sums added in another order round differently)
SELECT c.cluster, c.size = l.size AS same_size,
       (SELECT max(abs(a - b)) < 1e-9 FROM unnest(c.centroid, l.centroid) z(a, b)) AS same_centroid
FROM crm.centroids((SELECT crm.kmeans(f, 3, '{"seed": 7}') FROM ct.pts)) c
JOIN crm.centroids((SELECT m FROM ct.model)) l USING (cluster) ORDER BY cluster;
SELECT c.cluster, c.size = l.size AS same_size,
       (SELECT max(abs(a - b)) < 1e-9 FROM unnest(c.centroid, l.centroid) z(a, b)) AS same_centroid
FROM crm.centroids((SELECT crm.kmeans_refine((SELECT m FROM ct.model), f) FROM ct.pts)) c
JOIN crm.centroids((SELECT crm.kmeans_refine((SELECT m FROM ct.model), f) FROM ct.pts_local)) l USING (cluster)
ORDER BY cluster;

-- 3. Caveats.
-- EXPLAIN ANALYZE of a split custom aggregate fails on Citus 13 (Citus
-- declares the shipped text column as cstring); EXPLAIN works
SELECT ct.error_of('EXPLAIN ANALYZE SELECT crm.gini(x) FROM ct.pts') AS explain_analyze;
SELECT ct.error_of('EXPLAIN SELECT crm.gini(x) FROM ct.pts') AS explain;
-- Refining a stored model: the UPDATE whose subquery refers to the row
-- being updated is refused; with the model read in a subquery it works.
CREATE TABLE ct.segment_models (name text PRIMARY KEY, model crm.clusters);
INSERT INTO ct.segment_models SELECT 'retail', m FROM ct.model;
SELECT ct.error_of($$UPDATE ct.segment_models SET model = (SELECT crm.kmeans_refine(model, f) FROM ct.pts) WHERE name = 'retail'$$) AS correlated;
UPDATE ct.segment_models SET model = r.m
FROM (SELECT crm.kmeans_refine((SELECT model FROM ct.segment_models WHERE name = 'retail'), f) AS m FROM ct.pts) r
WHERE name = 'retail';
SELECT crm.clusters_k(model) AS k, (SELECT sum(size) FROM crm.centroids(model)) AS rows
FROM ct.segment_models;
-- PARALLEL SAFE is not what Citus checks: a PARALLEL UNSAFE aggregate with a
-- combine function and a non-internal state is still split; one without a
-- combine function has its rows pulled to the coordinator
CREATE AGGREGATE ct.gini_unsafe(float8) (SFUNC = crm.gini_transfn, STYPE = crm.gini_state,
	COMBINEFUNC = crm.gini_combinefn, FINALFUNC = crm.gini_finalfn, PARALLEL = UNSAFE);
CREATE AGGREGATE ct.gini_no_combine(float8) (SFUNC = crm.gini_transfn, STYPE = crm.gini_state,
	FINALFUNC = crm.gini_finalfn, PARALLEL = SAFE);
SELECT ct.plan_of('SELECT ct.gini_unsafe(x) FROM ct.pts', 'gini_unsafe') AS parallel_unsafe,
       ct.plan_of('SELECT ct.gini_no_combine(x) FROM ct.pts', 'gini_no_combine') AS no_combine;
SELECT (SELECT ct.gini_unsafe(x) FROM ct.pts) = (SELECT crm.gini(x) FROM ct.pts_local) AS unsafe_same,
       (SELECT ct.gini_no_combine(x) FROM ct.pts) = (SELECT crm.gini(x) FROM ct.pts_local) AS no_combine_same;

-- 4. Co-location.  Tables distributed by branch, managers co-located with
--    their customers: a rebalance per branch (manager rows joined on the
--    distribution column and the manager) runs whole on the workers, one
--    plan per branch next to its data; joined on the manager alone it is
--    refused.
CREATE TABLE ct.book (branch int, customer_id bigint, manager_id bigint, load float8, key_account boolean);
CREATE TABLE ct.managers (branch int, manager_id bigint, capacity float8);
SELECT create_distributed_table('ct.book', 'branch');
SELECT create_distributed_table('ct.managers', 'branch', colocate_with => 'ct.book');
INSERT INTO ct.managers SELECT DISTINCT manager_id % 10, manager_id, capacity FROM ct.pts_local WHERE manager_id IS NOT NULL;
INSERT INTO ct.book SELECT coalesce(manager_id, id) % 10, id, manager_id, load,
	manager_id IS NOT NULL AND id % 50 = 0 FROM ct.pts_local;
CREATE VIEW ct.book_rows AS
	SELECT c.branch, c.customer_id, c.manager_id, c.load, m.capacity, c.key_account
	FROM ct.book c LEFT JOIN ct.managers m USING (branch, manager_id)
	UNION ALL SELECT branch, NULL, manager_id, NULL, capacity, NULL FROM ct.managers;
SELECT ct.plan_of('SELECT branch, crm.rebalance(customer_id, manager_id, load, capacity, NOT key_account) FROM ct.book_rows GROUP BY branch') AS per_branch;
SELECT count(*) AS branches, sum(s.customers) AS customers
FROM (SELECT branch, crm.rebalance(customer_id, manager_id, load, capacity, NOT key_account) AS p
      FROM ct.book_rows GROUP BY branch) x, crm.plan_summary(x.p) s;
SELECT ct.error_of('SELECT c.branch, crm.rebalance(c.customer_id, manager_id, c.load, m.capacity)
	FROM ct.book c LEFT JOIN ct.managers m USING (manager_id) GROUP BY c.branch') AS joined_on_manager_only;
-- a rollup by the distribution column runs whole on the workers: one
-- sketch per branch
CREATE TABLE ct.pts_by_branch (LIKE ct.pts_local);
SELECT create_distributed_table('ct.pts_by_branch', 'branch');
INSERT INTO ct.pts_by_branch SELECT * FROM ct.pts_local;
SELECT ct.plan_of('SELECT branch, crm.sketch(f) FROM ct.pts_by_branch GROUP BY branch') AS sketch_per_branch,
       ct.plan_of('SELECT crm.abc(x) OVER (PARTITION BY branch) FROM ct.pts_by_branch') AS abc_per_branch;

DROP SCHEMA ct CASCADE;
