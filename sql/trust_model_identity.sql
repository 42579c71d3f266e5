-- Trust: the model of crm.kmeans_refine and crm.silhouette is the same on
-- every row, judged by content.
--
-- kmeans_refine used to compare the model argument with the previous row's
-- by pointer, so models computed per row (CASE, a join) were silently mixed;
-- silhouette compared only the dimensions.  A pointer proves nothing either
-- way: the same model can arrive at a new address on every row, and a new
-- model can be allocated where a freed one was.  Now the contents are
-- compared: on every row, or once per aggregate state when the argument is
-- a constant or a parameter (fixed for the state's life).  Mixed models are
-- refused (22023); the same model computed per row is accepted and gives
-- exactly the result of a constant one.
SET search_path = public, crm;

-- three groups around (0,0), (10,10) and (20,0); the offsets are
-- multiples of 1/8, so sums are exact in any row order and results can be
-- compared for equality
CREATE TABLE ip (id int, g int, f float8[]);
INSERT INTO ip SELECT i, i % 2, ARRAY[(i % 3) * 10 + (i % 4) * 0.25, (i % 3 = 1)::int * 10 + (i % 5) * 0.125]
FROM generate_series(1, 60) i;
-- a and its copy a2; b puts its third centroid far away (another
-- partition, other results); n differs from a in one coordinate of one
-- centroid by 1e-9, c in one scale factor, d in scaling only
CREATE TABLE im (name text PRIMARY KEY, m crm.clusters);
INSERT INTO im VALUES
	('a', '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}'),
	('a2', '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}'),
	('b', '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[100,100]]}'),
	('n', '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,1e-9]]}'),
	('c', '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1.5],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}'),
	('d', '{"version":1,"k":3,"dims":2,"scale":"minmax","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}');
-- the reference results, with the model as a constant
SELECT crm.kmeans_refine('{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}', f) AS ref_a,
       crm.silhouette('{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]]}', f) AS sil_a
FROM ip \gset
SELECT crm.kmeans_refine(m, f) AS ref_b, crm.silhouette(m, f) AS sil_b FROM ip, im WHERE name = 'b' \gset
-- a and b give different results, so each check below can tell them apart
SELECT crm.clusters_sse(:'ref_a') AS sse_a, crm.clusters_sse(:'ref_b') AS sse_b,
       round(:'sil_a'::numeric, 6) AS sil_a, round(:'sil_b'::numeric, 6) AS sil_b;

-- ---------------------------------------------------------------------------
-- 1. different models on different rows: refused, whichever way they come
SELECT crm_test.error_of(q) FROM (VALUES
	-- the reported case: a model computed per row (each row's value is
	-- built in memory freed after the row, so it tends to sit at the same
	-- address on every row)
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m::text ELSE b.m::text END::crm.clusters, f) FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m::text ELSE b.m::text END::crm.clusters, f) FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$),
	-- two stored models by row
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE b.m END, f) FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE b.m END, f) FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$),
	-- 1e-9 apart in one coordinate; a scale factor apart; the scaling apart
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE n.m END, f) FROM ip, im a, im n WHERE a.name = 'a' AND n.name = 'n'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE n.m END, f) FROM ip, im a, im n WHERE a.name = 'a' AND n.name = 'n'$$),
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE c.m END, f) FROM ip, im a, im c WHERE a.name = 'a' AND c.name = 'c'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE c.m END, f) FROM ip, im a, im c WHERE a.name = 'a' AND c.name = 'c'$$),
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE d.m END, f) FROM ip, im a, im d WHERE a.name = 'a' AND d.name = 'd'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE d.m END, f) FROM ip, im a, im d WHERE a.name = 'a' AND d.name = 'd'$$),
	-- a join over two stored models: every row paired with each
	($$SELECT crm.kmeans_refine(m, f) FROM ip, im WHERE name IN ('a', 'b')$$),
	($$SELECT crm.silhouette(m, f) FROM ip, im WHERE name IN ('a', 'b')$$),
	-- the model changes only for the last row
	($$SELECT crm.kmeans_refine(CASE WHEN id < 60 THEN a.m ELSE n.m END, f) FROM ip, im a, im n WHERE a.name = 'a' AND n.name = 'n'$$),
	($$SELECT crm.silhouette(CASE WHEN id < 60 THEN a.m ELSE n.m END, f) FROM ip, im a, im n WHERE a.name = 'a' AND n.name = 'n'$$),
	-- as window aggregates
	($$SELECT crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE b.m END, f) OVER () FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$),
	($$SELECT crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE b.m END, f) OVER () FROM ip, im a, im b WHERE a.name = 'a' AND b.name = 'b'$$)
) v(q);

-- ---------------------------------------------------------------------------
-- 2. the same model on every row, however it is computed: accepted, and the
--    result equals the constant model's exactly
CREATE TEMP TABLE same_model (how text, refine crm.clusters, sil float8);
INSERT INTO same_model
SELECT 'initplan (a Param)', (SELECT crm.kmeans_refine((SELECT m FROM im WHERE name = 'a'), f) FROM ip),
       (SELECT crm.silhouette((SELECT m FROM im WHERE name = 'a'), f) FROM ip)
UNION ALL
SELECT 'join (a column)', crm.kmeans_refine(m, f), crm.silhouette(m, f) FROM ip JOIN im ON name = 'a'
UNION ALL
SELECT 'read from text on every row', crm.kmeans_refine(m::text::crm.clusters, f), crm.silhouette(m::text::crm.clusters, f)
FROM ip JOIN im ON name = 'a'
UNION ALL
SELECT 'CASE over two equal copies', crm.kmeans_refine(CASE WHEN id % 2 = 0 THEN a.m ELSE a2.m END, f),
       crm.silhouette(CASE WHEN id % 2 = 0 THEN a.m ELSE a2.m END, f)
FROM ip, im a, im a2 WHERE a.name = 'a' AND a2.name = 'a2'
UNION ALL
SELECT 'window aggregate', r, s FROM (
	SELECT crm.kmeans_refine(m, f) OVER () r, crm.silhouette(m, f) OVER () s FROM ip JOIN im ON name = 'a' LIMIT 1) w;
SELECT how, refine = :'ref_a'::crm.clusters AS same_refine, sil = :'sil_a'::float8 AS same_silhouette FROM same_model;

-- per group: each group has its own model, the same on all of its rows;
-- sorted grouping frees each state before the next group's is allocated
CREATE TEMP TABLE group_model (g int, name text);
INSERT INTO group_model VALUES (0, 'a'), (1, 'b');
SET enable_hashagg = off;
SELECT ip.g, crm.kmeans_refine(im.m, f) = (SELECT crm.kmeans_refine(m2.m, f2.f) FROM ip f2, im m2 WHERE f2.g = ip.g AND m2.name = gm.name) AS refine_ok,
       crm.silhouette(im.m, f) = (SELECT crm.silhouette(m2.m, f2.f) FROM ip f2, im m2 WHERE f2.g = ip.g AND m2.name = gm.name) AS silhouette_ok
FROM ip JOIN group_model gm USING (g) JOIN im USING (name)
GROUP BY ip.g, gm.name ORDER BY ip.g;
RESET enable_hashagg;

-- ---------------------------------------------------------------------------
-- 3. a parameter is fixed for one state's life, not for the call site's:
--    a correlated subquery, a PL/pgSQL function and a generic plan see other
--    models in later executions, and each must be compared afresh
SELECT name, (SELECT crm.kmeans_refine(im.m, f) FROM ip) = CASE name WHEN 'b' THEN :'ref_b'::crm.clusters ELSE :'ref_a'::crm.clusters END AS refine_ok,
       (SELECT crm.silhouette(im.m, f) FROM ip) = CASE name WHEN 'b' THEN :'sil_b'::float8 ELSE :'sil_a'::float8 END AS silhouette_ok
FROM im WHERE name IN ('a', 'b', 'a2') ORDER BY name;

CREATE FUNCTION refine_with(model crm.clusters) RETURNS crm.clusters LANGUAGE plpgsql AS $$
BEGIN
	RETURN (SELECT crm.kmeans_refine(model, f) FROM ip);
END
$$;
SELECT name, refine_with(m) = CASE name WHEN 'b' THEN :'ref_b'::crm.clusters ELSE :'ref_a'::crm.clusters END AS plpgsql_ok
FROM im WHERE name IN ('a', 'b', 'a2') ORDER BY name;

-- a PL/pgSQL loop: one cached plan, its parameter changing between runs
CREATE TEMP TABLE loop_results (name text, r crm.clusters, s float8);
DO $$
DECLARE
	n text;
	model crm.clusters;
BEGIN
	FOR n, model IN SELECT name, m FROM im WHERE name IN ('a', 'b', 'a2') ORDER BY name LOOP
		INSERT INTO loop_results
		SELECT n, crm.kmeans_refine(model, f), crm.silhouette(model, f) FROM ip;
	END LOOP;
END
$$;
SELECT name, r = CASE name WHEN 'b' THEN :'ref_b'::crm.clusters ELSE :'ref_a'::crm.clusters END AS refine_ok,
       s = CASE name WHEN 'b' THEN :'sil_b'::float8 ELSE :'sil_a'::float8 END AS silhouette_ok
FROM loop_results ORDER BY name;

-- a generic plan executed with a, then b
SET plan_cache_mode = force_generic_plan;
PREPARE refine_p(crm.clusters) AS SELECT crm.kmeans_refine($1, f) AS r, crm.silhouette($1, f) AS s FROM ip;
SELECT m AS pm FROM im WHERE name = 'a' \gset
EXECUTE refine_p(:'pm') \gset pa_
SELECT m AS pm FROM im WHERE name = 'b' \gset
EXECUTE refine_p(:'pm') \gset pb_
SELECT :'pa_r'::crm.clusters = :'ref_a'::crm.clusters AS a_refine_ok, :'pa_s'::float8 = :'sil_a'::float8 AS a_silhouette_ok,
       :'pb_r'::crm.clusters = :'ref_b'::crm.clusters AS b_refine_ok, :'pb_s'::float8 = :'sil_b'::float8 AS b_silhouette_ok;
DEALLOCATE refine_p;
RESET plan_cache_mode;

-- a state from INITCOND (an accumulator of model a) with the model as a
-- parameter: accepted for a, refused for b in the next execution, though
-- the call site is the same
CREATE AGGREGATE refine_from_a(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":3,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0,0],"sse":[0,0,0],"centroids":[[0,0],[10,10],[20,0]],"pending":{"rows":0,"weight":[0,0,0],"sse":[0,0,0],"sum":[[0,0],[0,0],[0,0]]}}');
SELECT crm_test.error_of($$SELECT name, (SELECT refine_from_a(im.m, f) FROM ip) FROM im WHERE name IN ('a', 'b') ORDER BY name$$);
SELECT (SELECT refine_from_a(im.m, f) FROM ip) = :'ref_a'::crm.clusters AS initcond_ok FROM im WHERE name IN ('a', 'a2');
SET plan_cache_mode = force_generic_plan;
PREPARE refine_from_a_p(crm.clusters) AS SELECT refine_from_a($1, f) FROM ip;
SELECT m AS pm FROM im WHERE name = 'a' \gset
SELECT crm_test.error_of(format('EXECUTE refine_from_a_p(%L)', :'pm'));
SELECT m AS pm FROM im WHERE name = 'b' \gset
SELECT crm_test.error_of(format('EXECUTE refine_from_a_p(%L)', :'pm'));
RESET plan_cache_mode;
