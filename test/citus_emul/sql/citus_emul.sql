-- Every crm aggregate run the way Citus 13 runs it on a distributed table
-- that is not grouped by its distribution column (see citus_emul.c): one
-- partial state per shard from bare calls of the transition function (no
-- expression information), shipped as the state type's text, read back with
-- its input function, combined in the order the shards answer, finalised;
-- compared with the one-node result.
CREATE SCHEMA emul;

-- error_of(statement): 'SQLSTATE: message' of the error it raises, or 'no error'
CREATE FUNCTION emul.error_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
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

-- Nine shards, the last one empty (Citus runs a task on every shard; an
-- empty one ships its INITCOND or NULL).
CREATE TABLE emul.shards AS SELECT g AS shard FROM generate_series(0, 8) g;

-- The aggregates run through the emulation, for the coverage check at the end.
CREATE TABLE emul.covered (agg regprocedure);

-- split(agg, args, src, ord): agg over src, split as Citus splits it: per
-- shard (src has a column shard), citus_emul.partial_agg of args (ROW(...)
-- for several arguments), the texts combined in the order ord (of shard
-- and the state text s), finalised; the result as text.
CREATE FUNCTION emul.split(agg regprocedure, args text, src text, ord text DEFAULT 'shard')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	INSERT INTO emul.covered VALUES (agg);
	EXECUTE format($q$
		SELECT citus_emul.combine_agg(%1$L::regprocedure, s, NULL::%2$s ORDER BY %5$s)::text
		FROM (SELECT sh.shard,
		             (SELECT citus_emul.partial_agg(%1$L::regprocedure, %3$s)
		              FROM %4$s t WHERE t.shard = sh.shard) AS s
		      FROM emul.shards sh) p$q$,
		agg, (SELECT format_type(prorettype, NULL) FROM pg_proc WHERE oid = agg), args, src, ord)
		INTO r;
	RETURN r;
END
$$;

-- states(agg, args, src): what each shard ships: bytes of text and its form
CREATE FUNCTION emul.states(agg regprocedure, args text, src text)
RETURNS TABLE (shard int, bytes int, form text) LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT sh.shard, octet_length(s),
		       CASE WHEN s IS NULL THEN 'NULL' WHEN s LIKE 'crm64:%%' THEN 'crm64' ELSE 'JSON' END
		FROM emul.shards sh,
		     LATERAL (SELECT citus_emul.partial_agg(%1$L::regprocedure, %2$s) AS s
		              FROM %3$s t WHERE t.shard = sh.shard) p
		ORDER BY sh.shard$q$, agg, args, src);
END
$$;

-- Data from a deterministic generator (hashes, no random()): 6,000
-- customers in three well separated groups over four features, a balance x,
-- spread over shards 0..7 by a hash of the id (as Citus distributes by
-- hash).
CREATE FUNCTION emul.u(i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$ SELECT (hashint8(i) & 1048575) / 1048576.0 $$;
CREATE TABLE emul.pts AS
SELECT id::bigint AS id, (hashint8(id * 7 + 3) & 7) AS shard,
       round((1000 * emul.u(id) * emul.u(id + 100000))::numeric, 2)::float8 AS x,
       ARRAY[(id % 3) * 10 + emul.u(id * 4), (id % 3) * -5 + emul.u(id * 4 + 1),
             emul.u(id * 4 + 2), (id % 3) * 3 + emul.u(id * 4 + 3)] AS f
FROM generate_series(1, 6000) id;
SELECT shard, count(*) > 0 AS has_rows FROM emul.shards LEFT JOIN emul.pts USING (shard)
GROUP BY shard ORDER BY shard;

-- 1. The emulation reproduces the Citus failure: a transition function that
--    asks for its argument types (array_append, as crm.gini's did in its
--    first version) works in an ordinary query and fails split.
CREATE AGGREGATE emul.collect(float8) (SFUNC = array_append, STYPE = float8[], COMBINEFUNC = array_cat);
SELECT cardinality(emul.collect(x)) AS local_values FROM emul.pts;
SELECT emul.error_of($$SELECT emul.split('emul.collect(float8)', 'x', 'emul.pts')$$) AS split;
DELETE FROM emul.covered;

-- 2. crm.gini: exact (the coefficient is computed from the sorted values),
--    in any order of arrival; each shard ships compact text, 8 bytes a value
SELECT crm.gini(x) AS local,
       emul.split('crm.gini(float8)', 'x', 'emul.pts')::float8 = crm.gini(x) AS split_same,
       emul.split('crm.gini(float8)', 'x', 'emul.pts', 'shard DESC')::float8 = crm.gini(x) AS reversed_same,
       emul.split('crm.gini(float8)', 'x', 'emul.pts', 'md5(s)')::float8 = crm.gini(x) AS shuffled_same
FROM emul.pts;
SELECT form, count(*) AS shards, sum(bytes) AS bytes,
       round(sum(bytes)::numeric / (SELECT count(*) FROM emul.pts), 2) AS bytes_per_row
FROM emul.states('crm.gini(float8)', 'x', 'emul.pts') GROUP BY form ORDER BY form;
-- NULL values are skipped, as locally; only NULLs: NULL
SELECT emul.split('crm.gini(float8)', 'CASE WHEN id % 2 = 0 THEN x END', 'emul.pts')::float8
       = crm.gini(CASE WHEN id % 2 = 0 THEN x END) AS nulls_skipped,
       emul.split('crm.gini(float8)', 'NULL::float8', 'emul.pts') IS NULL AS all_null
FROM emul.pts;

-- 3. crm.sketch and crm.merge: the same rows and representatives; the rows
--    fit the budget, so the representatives are the rows themselves and
--    k-means on either sketch finds the same clusters
CREATE TABLE emul.sketches AS
SELECT 'local'::text AS how, crm.sketch(f) AS s FROM emul.pts
UNION ALL SELECT 'split', emul.split('crm.sketch(float8[])', 'f', 'emul.pts')::crm.cluster_sketch
UNION ALL SELECT 'local, options', crm.sketch(f, '{"scale": "minmax"}') FROM emul.pts
UNION ALL SELECT 'split, options', emul.split('crm.sketch(float8[],jsonb)', $$ROW(f, '{"scale": "minmax"}'::jsonb)$$, 'emul.pts')::crm.cluster_sketch;
SELECT how, crm.sketch_rows(s) AS rows, crm.sketch_representatives(s) AS reps,
       round(crm.clusters_sse(crm.kmeans(s, 3, '{"seed": 1}'))::numeric, 6) AS sse_k3
FROM emul.sketches ORDER BY how;
SELECT form, count(*) AS shards, min(bytes) AS min_bytes, max(bytes) AS max_bytes
FROM emul.states('crm.sketch(float8[])', 'f', 'emul.pts') GROUP BY form ORDER BY form;
-- small states print the readable JSON form, and that crosses as well
CREATE TABLE emul.few AS SELECT * FROM emul.pts WHERE id <= 60;
SELECT form, count(*) AS shards FROM emul.states('crm.sketch(float8[])', 'f', 'emul.few') GROUP BY form ORDER BY form;
SELECT crm.sketch_rows(emul.split('crm.sketch(float8[])', 'f', 'emul.few')::crm.cluster_sketch) AS few_rows;
-- crm.merge of stored sketches (one per day, rolled up): split like any aggregate
CREATE TABLE emul.daily AS
SELECT id % 5 AS day, shard, crm.sketch(f) AS s FROM emul.pts GROUP BY 1, 2;
SELECT crm.sketch_rows(crm.merge(s)) AS local_rows,
       crm.sketch_rows(emul.split('crm.merge(crm.cluster_sketch)', 's', 'emul.daily')::crm.cluster_sketch) AS split_rows,
       crm.sketch_representatives(emul.split('crm.merge(crm.cluster_sketch)', 's', 'emul.daily')::crm.cluster_sketch)
         = crm.sketch_representatives(crm.merge(s)) AS same_reps
FROM emul.daily;
-- a budget too small for the rows (64 kB: 585 representatives of 4
-- features, fewer than a shard's 750 rows): every shard reduces its
-- representatives, and the coordinator reduces again while merging; still
-- every row is counted
SELECT crm.sketch_rows(s) AS rows, crm.sketch_representatives(s) < 6000 AS reduced
FROM (SELECT emul.split('crm.sketch(float8[],jsonb)', $$ROW(f, '{"budget_kb": 64}'::jsonb)$$, 'emul.pts')::crm.cluster_sketch AS s) x;

-- 4. crm.kmeans: the split model against the local one.  The three groups
--    are far apart, so both find them: same sizes; centroids equal to 1e-9
--    (sums in another order round differently); SSE within 1e-9 relative.
CREATE TABLE emul.models AS
SELECT 'local'::text AS how, crm.kmeans(f, 3, '{"seed": 7}') AS m FROM emul.pts
UNION ALL SELECT 'split', emul.split('crm.kmeans(float8[],integer,jsonb)', $$ROW(f, 3, '{"seed": 7}'::jsonb)$$, 'emul.pts')::crm.clusters
UNION ALL SELECT 'split, reversed', emul.split('crm.kmeans(float8[],integer,jsonb)', $$ROW(f, 3, '{"seed": 7}'::jsonb)$$, 'emul.pts', 'shard DESC')::crm.clusters
UNION ALL SELECT 'local, defaults', crm.kmeans(f, 3) FROM emul.pts
UNION ALL SELECT 'split, defaults', emul.split('crm.kmeans(float8[],integer)', 'ROW(f, 3)', 'emul.pts')::crm.clusters;
SELECT a.how, c.cluster, c.size,
       CASE WHEN abs(c.size - l.size) = 0 THEN NULL ELSE c.size - l.size END AS size_err,
       (SELECT max(abs(u - v)) < 1e-9 FROM unnest(c.centroid, l.centroid) z(u, v)) AS centroid_same
FROM emul.models a, crm.centroids(a.m) c,
     emul.models b, crm.centroids(b.m) l
WHERE b.how = CASE WHEN a.how LIKE '%defaults' THEN 'local, defaults' ELSE 'local' END
  AND a.how NOT LIKE 'local%' AND l.cluster = c.cluster
ORDER BY a.how, c.cluster;
SELECT a.how,
       CASE WHEN abs(crm.clusters_sse(a.m) / crm.clusters_sse(b.m) - 1) < 1e-9 THEN NULL
            ELSE crm.clusters_sse(a.m) / crm.clusters_sse(b.m) - 1 END AS sse_rel_err
FROM emul.models a, emul.models b
WHERE b.how = CASE WHEN a.how LIKE '%defaults' THEN 'local, defaults' ELSE 'local' END
  AND a.how NOT LIKE 'local%' ORDER BY a.how;

-- whatever order the shards answer in, one model and one merged sketch:
-- the coordinator merges the received states in a canonical order.  With
-- budget_kb 64 every shard reduces and so does the merge, where the order
-- of merging would otherwise show.
SELECT count(DISTINCT emul.split('crm.kmeans(float8[],integer,jsonb)', $$ROW(f, 3, '{"budget_kb": 64}'::jsonb)$$,
                                 'emul.pts', o)) AS kmeans_models,
       count(DISTINCT emul.split('crm.sketch(float8[],jsonb)', $$ROW(f, '{"budget_kb": 64}'::jsonb)$$,
                                 'emul.pts', o)) AS sketches
FROM unnest(ARRAY['shard', 'shard DESC', 'md5(s)', 'shard % 3, shard']) o;

-- 5. crm.kmeans_refine: one exact Lloyd step from the local model: the
--    same sizes, centroids to 1e-9, SSE to 1e-12 relative (sums in shard
--    order instead of row order)
CREATE TABLE emul.refined AS
SELECT 'local'::text AS how, crm.kmeans_refine((SELECT m FROM emul.models WHERE how = 'local'), f) AS m FROM emul.pts
UNION ALL SELECT 'split', emul.split('crm.kmeans_refine(crm.clusters,float8[])',
	$$ROW((SELECT m FROM emul.models WHERE how = 'local'), f)$$, 'emul.pts')::crm.clusters;
SELECT c.cluster, c.size = l.size AS same_size,
       (SELECT max(abs(u - v)) < 1e-9 FROM unnest(c.centroid, l.centroid) z(u, v)) AS centroid_same,
       CASE WHEN abs(c.sse / l.sse - 1) < 1e-12 THEN NULL ELSE c.sse / l.sse - 1 END AS sse_rel_err
FROM emul.refined a, crm.centroids(a.m) c, emul.refined b, crm.centroids(b.m) l
WHERE a.how = 'split' AND b.how = 'local' AND l.cluster = c.cluster ORDER BY c.cluster;

-- 6. crm.silhouette: the sample is a set of hashes (the same whatever the
--    order), so the split value equals the local one
SELECT round(crm.silhouette((SELECT m FROM emul.models WHERE how = 'local'), f)::numeric, 6) AS local,
       emul.split('crm.silhouette(crm.clusters,float8[])',
                  $$ROW((SELECT m FROM emul.models WHERE how = 'local'), f)$$, 'emul.pts')::float8
         = crm.silhouette((SELECT m FROM emul.models WHERE how = 'local'), f) AS split_same
FROM emul.pts;
SELECT form, count(*) AS shards FROM emul.states('crm.silhouette(crm.clusters,float8[])',
	$$ROW((SELECT m FROM emul.models WHERE how = 'local'), f)$$, 'emul.pts') GROUP BY form ORDER BY form;

-- 7. crm.rebalance: a book of 40 managers and 6,000 customers spread over
--    the shards by customer (not co-located): the solver sorts the rows, so
--    the split plan is the local plan, in any order of arrival
CREATE TABLE emul.book AS
SELECT id AS customer_id, shard,
       CASE WHEN id % 97 <> 0 THEN 1 + id % 40 END AS manager_id,
       (1 + (hashint8(id) & 15))::float8 AS load, (480 + 60 * (id % 40 % 3))::float8 AS capacity,
       id % 17 <> 0 OR id % 97 = 0 AS movable
FROM emul.pts;
SELECT crm.rebalance(customer_id, manager_id, load, capacity)::text
         = emul.split('crm.rebalance(bigint,bigint,float8,float8)',
                      'ROW(customer_id, manager_id, load, capacity)', 'emul.book') AS same_plan,
       crm.rebalance(customer_id, manager_id, load, capacity, movable)::text
         = emul.split('crm.rebalance(bigint,bigint,float8,float8,boolean)',
                      'ROW(customer_id, manager_id, load, capacity, movable)', 'emul.book', 'md5(s)') AS same_plan_pinned
FROM emul.book;
SELECT s.managers, s.customers, s.orphans, s.moves > 0 AS moved
FROM crm.plan_summary(emul.split('crm.rebalance(bigint,bigint,float8,float8,boolean)',
	'ROW(customer_id, manager_id, load, capacity, movable)', 'emul.book')::crm.rebalance_plan) s;
SELECT form, count(*) AS shards, round(sum(bytes)::numeric / (SELECT count(*) FROM emul.book), 2) AS bytes_per_row
FROM emul.states('crm.rebalance(bigint,bigint,float8,float8,boolean)',
	'ROW(customer_id, manager_id, load, capacity, movable)', 'emul.book') GROUP BY form ORDER BY form;

-- 7b. crm.rebalance 0.2.0: options, move costs, text and uuid ids; the
--     same plan split as local, in any order of arrival
SELECT crm.rebalance(customer_id, manager_id, load, capacity, movable, '{"target": 0.9}')::text
         = emul.split('crm.rebalance(bigint,bigint,float8,float8,boolean,jsonb)',
                      $$ROW(customer_id, manager_id, load, capacity, movable, '{"target": 0.9}'::jsonb)$$,
                      'emul.book', 'md5(s)') AS same_plan_options,
       crm.rebalance(customer_id, manager_id, load, capacity, movable, 1 + customer_id % 3, '{"max_moves": 50}')::text
         = emul.split('crm.rebalance(bigint,bigint,float8,float8,boolean,float8,jsonb)',
                      $$ROW(customer_id, manager_id, load, capacity, movable, (1 + customer_id % 3)::float8,
                            '{"max_moves": 50}'::jsonb)$$,
                      'emul.book', 'shard DESC') AS same_plan_move_cost
FROM emul.book;
CREATE TABLE emul.book_ids AS
SELECT shard, 'c' || customer_id AS ct, 'm' || manager_id AS mt,
       md5('c' || customer_id)::uuid AS cu, md5('m' || manager_id)::uuid AS mu,
       load, capacity, movable, (1 + customer_id % 3)::float8 AS cost
FROM emul.book;
SELECT crm.rebalance(ct, mt, load, capacity)::text
         = emul.split('crm.rebalance(text,text,float8,float8)', 'ROW(ct, mt, load, capacity)', 'emul.book_ids') AS text_ids,
       crm.rebalance(ct, mt, load, capacity, movable)::text
         = emul.split('crm.rebalance(text,text,float8,float8,boolean)', 'ROW(ct, mt, load, capacity, movable)',
                      'emul.book_ids', 'md5(s)') AS text_ids_pinned,
       crm.rebalance(ct, mt, load, capacity, movable, '{"target": 0.9}')::text
         = emul.split('crm.rebalance(text,text,float8,float8,boolean,jsonb)',
                      $$ROW(ct, mt, load, capacity, movable, '{"target": 0.9}'::jsonb)$$, 'emul.book_ids') AS text_ids_options,
       crm.rebalance(ct, mt, load, capacity, movable, cost, '{}')::text
         = emul.split('crm.rebalance(text,text,float8,float8,boolean,float8,jsonb)',
                      $$ROW(ct, mt, load, capacity, movable, cost, '{}'::jsonb)$$, 'emul.book_ids', 'shard DESC') AS text_ids_cost
FROM emul.book_ids;
SELECT crm.rebalance(cu, mu, load, capacity)::text
         = emul.split('crm.rebalance(uuid,uuid,float8,float8)', 'ROW(cu, mu, load, capacity)', 'emul.book_ids') AS uuid_ids,
       crm.rebalance(cu, mu, load, capacity, movable)::text
         = emul.split('crm.rebalance(uuid,uuid,float8,float8,boolean)', 'ROW(cu, mu, load, capacity, movable)',
                      'emul.book_ids', 'md5(s)') AS uuid_ids_pinned,
       crm.rebalance(cu, mu, load, capacity, movable, '{"target": 0.9}')::text
         = emul.split('crm.rebalance(uuid,uuid,float8,float8,boolean,jsonb)',
                      $$ROW(cu, mu, load, capacity, movable, '{"target": 0.9}'::jsonb)$$, 'emul.book_ids') AS uuid_ids_options,
       crm.rebalance(cu, mu, load, capacity, movable, cost, '{}')::text
         = emul.split('crm.rebalance(uuid,uuid,float8,float8,boolean,float8,jsonb)',
                      $$ROW(cu, mu, load, capacity, movable, cost, '{}'::jsonb)$$, 'emul.book_ids', 'shard DESC') AS uuid_ids_cost
FROM emul.book_ids;
SELECT form, count(*) AS shards, round(sum(bytes)::numeric / (SELECT count(*) FROM emul.book_ids), 2) AS bytes_per_row
FROM emul.states('crm.rebalance(uuid,uuid,float8,float8,boolean)',
	'ROW(cu, mu, load, capacity, movable)', 'emul.book_ids') GROUP BY form ORDER BY form;

-- 7c. Scoring: crm.scorecard_fit (exact counts per factor value while a
--     factor has at most 4096 distinct values, as here, and a sample chosen
--     by hashes: the same card in any order), crm.auc and crm.ks (exact),
--     crm.psi over cut points and over a card's bins
CREATE TABLE emul.scored AS
SELECT id, shard, x AS score, emul.u(id * 9) < 0.1 + 0.3 * (id % 3) AS bad,
       jsonb_build_object('grp', 'g' || (id % 3), 'x', round(x / 10)) AS attrs, id % 2 = 0 AS later
FROM emul.pts;
CREATE TABLE emul.cards AS
SELECT 'local'::text AS how, crm.scorecard_fit(bad, attrs) AS card FROM emul.scored
UNION ALL SELECT 'split', emul.split('crm.scorecard_fit(boolean,jsonb)', 'ROW(bad, attrs)', 'emul.scored', 'md5(s)')::crm.scorecard
UNION ALL SELECT 'local, options', crm.scorecard_fit(bad, attrs, '{"max_bins": 4}') FROM emul.scored
UNION ALL SELECT 'split, options', emul.split('crm.scorecard_fit(boolean,jsonb,jsonb)',
	$$ROW(bad, attrs, '{"max_bins": 4}'::jsonb)$$, 'emul.scored', 'shard DESC')::crm.scorecard;
SELECT a.how, a.card::text = b.card::text AS same_card, (SELECT count(*) FROM crm.scorecard_bins(a.card)) AS bins
FROM emul.cards a JOIN emul.cards b ON b.how = replace(a.how, 'split', 'local')
WHERE a.how LIKE 'split%' ORDER BY a.how;
SELECT round(crm.auc(score, bad)::numeric, 6) AS local_auc,
       emul.split('crm.auc(float8,boolean)', 'ROW(score, bad)', 'emul.scored', 'md5(s)')::float8 = crm.auc(score, bad) AS auc_same,
       round(crm.ks(score, bad)::numeric, 6) AS local_ks,
       emul.split('crm.ks(float8,boolean)', 'ROW(score, bad)', 'emul.scored', 'shard DESC')::float8 = crm.ks(score, bad) AS ks_same,
       round(crm.psi(score, later, '{100, 300, 600}')::numeric, 6) AS local_psi,
       emul.split('crm.psi(float8,boolean,float8[])', $$ROW(score, later, '{100, 300, 600}'::float8[])$$, 'emul.scored', 'md5(s)')::float8
         = crm.psi(score, later, '{100, 300, 600}') AS psi_same
FROM emul.scored;
SELECT emul.split('crm.psi(crm.scorecard,jsonb,boolean)', $$ROW((SELECT card FROM emul.cards WHERE how = 'local'), attrs, later)$$,
                  'emul.scored', 'shard DESC')::jsonb
         = crm.psi((SELECT card FROM emul.cards WHERE how = 'local'), attrs, later) AS psi_card_same
FROM emul.scored;
SELECT form, count(*) AS shards, round(sum(bytes)::numeric / (SELECT count(*) FROM emul.scored), 2) AS bytes_per_row
FROM emul.states('crm.auc(float8,boolean)', 'ROW(score, bad)', 'emul.scored') GROUP BY form ORDER BY form;

-- 8. Bad inputs split as Citus splits them: the same errors as on one node
--    (each line: the rows kept, the split error, and whether the local query
--    fails with the same SQLSTATE; the wording can differ when the error is
--    found while merging rather than row by row, e.g. mixed dimensions)
CREATE TABLE emul.bad AS
SELECT 1 AS shard, 1::bigint AS id, 'NaN'::float8 AS x, ARRAY[1, 'NaN']::float8[] AS f
UNION ALL SELECT 2, 2, 'Infinity', ARRAY['-Infinity', 1]::float8[]
UNION ALL SELECT 3, 3, -1, ARRAY[1e308, 1]::float8[]
UNION ALL SELECT 4, 4, 1e-308, ARRAY[1e-308, 2]::float8[]
UNION ALL SELECT 5, 5, 2, ARRAY[1, 2, 3]::float8[]
UNION ALL SELECT 6, 6, 3, '{}'::float8[]
UNION ALL SELECT 7, 7, NULL, NULL;
CREATE FUNCTION emul.bad_case(agg regprocedure, args text, local text, filter text)
RETURNS TABLE (rows_kept text, split text, local_sqlstate_same boolean) LANGUAGE plpgsql AS $$
DECLARE
	src text := format('(SELECT * FROM emul.bad WHERE %s)', filter);
	s text := emul.error_of(format('SELECT emul.split(%L, %L, %L)', agg, args, src));
	l text := emul.error_of(format('SELECT %s FROM %s t', local, src));
BEGIN
	RETURN QUERY SELECT filter, s, left(s, 5) = left(l, 5);
END
$$;
SELECT b.* FROM (VALUES
	('crm.gini(float8)', 'x', 'crm.gini(x)', 'id = 1'),
	('crm.gini(float8)', 'x', 'crm.gini(x)', 'id = 2'),
	('crm.gini(float8)', 'x', 'crm.gini(x)', 'id = 3'),
	('crm.gini(float8)', 'x', 'crm.gini(x)', 'id IN (4, 5, 7)'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id = 1'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id = 2'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id = 3'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id IN (4, 5)'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id = 6'),
	('crm.sketch(float8[])', 'f', 'crm.sketch(f)', 'id IN (4, 7)'),
	('crm.kmeans(float8[],integer)', 'ROW(f, 0)', 'crm.kmeans(f, 0)', 'id = 4'),
	('crm.kmeans(float8[],integer,jsonb)', $$ROW(f, 2, '{"seeds": 1}'::jsonb)$$, $$crm.kmeans(f, 2, '{"seeds": 1}')$$, 'id = 4'),
	('crm.kmeans(float8[],integer,jsonb)', $$ROW(f, 2, '{"budget_kb": 1e400}'::jsonb)$$, $$crm.kmeans(f, 2, '{"budget_kb": 1e400}')$$, 'id = 4'),
	('crm.kmeans(float8[],integer)', 'ROW(f, 2)', 'crm.kmeans(f, 2)', 'id = 7'),
	('crm.kmeans_refine(crm.clusters,float8[])', 'ROW(NULL::crm.clusters, f)', 'crm.kmeans_refine(NULL, f)', 'id = 4'),
	('crm.rebalance(bigint,bigint,float8,float8)', 'ROW(id, 1::bigint, x, 100::float8)', 'crm.rebalance(id, 1, x, 100)', 'id = 1'),
	('crm.rebalance(bigint,bigint,float8,float8)', 'ROW(id, 1::bigint, x, 100::float8)', 'crm.rebalance(id, 1, x, 100)', 'id = 3'),
	('crm.rebalance(bigint,bigint,float8,float8)', 'ROW(1::bigint, 1::bigint, x, 100::float8)', 'crm.rebalance(1, 1, x, 100)', 'id IN (4, 5)')
	) v(agg, args, local, filter),
	emul.bad_case(v.agg::regprocedure, v.args, v.local, v.filter) b;
-- a model that changes from row to row within one shard: an error split
-- as locally (the wrapper's Aggref, whose first argument is a constant, is
-- not taken for crm.kmeans_refine's: every row's model is compared; taken,
-- the shard's state silently used its first row's model)
CREATE TABLE emul.two_models AS
SELECT 0 AS k2, m FROM emul.models WHERE how = 'local'
UNION ALL SELECT 1, crm.kmeans(f, 2, '{"seed": 7}') FROM emul.pts;
SELECT emul.error_of($$SELECT emul.split('crm.kmeans_refine(crm.clusters,float8[])',
	'ROW((SELECT m FROM emul.two_models w WHERE w.k2 = (t.id % 2)::int), f)',
	'(SELECT * FROM emul.pts WHERE shard = 0)')$$) AS split,
       emul.error_of($$SELECT crm.kmeans_refine((SELECT m FROM emul.two_models w WHERE w.k2 = (t.id % 2)::int), f)
	FROM emul.pts t WHERE shard = 0$$) AS local;
DELETE FROM emul.covered WHERE agg::text LIKE 'emul.%';

-- States that arrive broken or foreign: the input function or the combine
-- function refuses them (22P02 malformed text, 22023 an incompatible state).
CREATE TABLE emul.shipped AS
SELECT 'gini'::text AS what, (SELECT citus_emul.partial_agg('crm.gini(float8)', x) FROM emul.pts WHERE shard = 0) AS s
UNION ALL SELECT 'sketch', (SELECT citus_emul.partial_agg('crm.sketch(float8[])', f) FROM emul.pts WHERE shard = 0)
UNION ALL SELECT 'sketch 2-d', (SELECT citus_emul.partial_agg('crm.sketch(float8[])', f[1:2]) FROM emul.pts WHERE shard = 1)
UNION ALL SELECT 'kmeans k=3', (SELECT citus_emul.partial_agg('crm.kmeans(float8[],integer)', ROW(f, 3)) FROM emul.pts WHERE shard = 1)
UNION ALL SELECT 'rebalance', (SELECT citus_emul.partial_agg('crm.rebalance(bigint,bigint,float8,float8)',
	ROW(customer_id, manager_id, load, capacity)) FROM emul.book WHERE shard = 2);
SELECT v.case, emul.error_of(format('SELECT citus_emul.combine_agg(%L, s, NULL::%s) FROM (VALUES %s) v(s)',
	v.agg, v.rettype, v.states)) AS combined
FROM (VALUES
	('truncated compact gini state', 'crm.gini(float8)', 'float8',
	 (SELECT format('(%L)', left(s, -4)) FROM emul.shipped WHERE what = 'gini')),
	('not base64', 'crm.gini(float8)', 'float8', $$('crm64:!!!!')$$),
	('empty text', 'crm.gini(float8)', 'float8', $$('')$$),
	('gini state read as a sketch', 'crm.sketch(float8[])', 'crm.cluster_sketch',
	 (SELECT format('(%L)', s) FROM emul.shipped WHERE what = 'gini')),
	('sketches of 4 and 2 features', 'crm.sketch(float8[])', 'crm.cluster_sketch',
	 (SELECT string_agg(format('(%L)', s), ', ' ORDER BY what) FROM emul.shipped WHERE what LIKE 'sketch%')),
	('a plain sketch into k-means', 'crm.kmeans(float8[],integer)', 'crm.clusters',
	 (SELECT string_agg(format('(%L)', s), ', ' ORDER BY what DESC) FROM emul.shipped WHERE what IN ('sketch', 'kmeans k=3'))),
	('rebalance state, a byte flipped', 'crm.rebalance(bigint,bigint,float8,float8)', 'crm.rebalance_plan',
	 (SELECT format('(%L)', overlay(s placing (CASE WHEN substr(s, 40, 1) = 'A' THEN 'B' ELSE 'A' END) from 40 for 1))
	  FROM emul.shipped WHERE what = 'rebalance')),
	('rebalance state with a negative load', 'crm.rebalance(bigint,bigint,float8,float8)', 'crm.rebalance_plan',
	 $$('{"rows": [[1, 1, -5, 100, true]]}')$$)
	) v("case", agg, rettype, states);

-- 9. Citus splits an aggregate only when it has a combine function and a
--    state type that is not internal (otherwise it pulls every row to the
--    coordinator): every crm aggregate qualifies
SELECT p.oid::regprocedure AS aggregate, a.aggcombinefn, a.aggtranstype::regtype
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'crm'::regnamespace
  AND (a.aggcombinefn = 0 OR a.aggtranstype = 'internal'::regtype);

-- 10. Coverage: every crm aggregate (every overload) ran through the
--     emulation above; an aggregate added to crm without a case here shows up
SELECT p.oid::regprocedure AS not_emulated
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'crm'::regnamespace
  AND p.oid NOT IN (SELECT agg FROM emul.covered)
ORDER BY 1;
SELECT count(DISTINCT agg) AS aggregates_emulated FROM emul.covered;
