-- k-means clustering: crm.cluster_sketch, crm.kmeans, crm.clusters and
-- friends on small deterministic data; every bad input with its SQLSTATE.
SET search_path = public, crm;
SET extra_float_digits = 0;		-- 15 significant digits in the output

-- Three separable groups in the plane, 12 rows; cluster 1 is the largest.
--   A (5 rows) around (0, 0):   (0,0) (1,0) (0,1) (1,1) (0.5,0.5) -> mean (0.5, 0.5)
--   B (4 rows) around (10, 0):  (10,0) (11,0) (10,1) (11,1)        -> mean (10.5, 0.5)
--   C (3 rows) around (0, 10):  (0,10) (0,11) (1,10)               -> mean (1/3, 31/3)
-- SSE by hand: A 4 * 0.5 + 0 = 2; B 4 * 0.5 = 2; C: (1/9+1/9)+(1/9+4/9)+(4/9+1/9) = 4/3
CREATE TABLE pts (id int, f float8[]);
INSERT INTO pts VALUES
	(1, '{0,0}'), (2, '{1,0}'), (3, '{0,1}'), (4, '{1,1}'), (5, '{0.5,0.5}'),
	(6, '{10,0}'), (7, '{11,0}'), (8, '{10,1}'), (9, '{11,1}'),
	(10, '{0,10}'), (11, '{0,11}'), (12, '{1,10}');

CREATE TABLE models AS SELECT crm.kmeans(f, 3) AS m FROM pts;
SELECT cluster, size, round(share::numeric, 4) AS share, round(sse::numeric, 6) AS sse,
	   (SELECT array_agg(round(x::numeric, 6)) FROM unnest(centroid) x) AS centroid
FROM models, crm.centroids(m);
SELECT round(crm.clusters_sse(m)::numeric, 6) AS total_sse, crm.clusters_k(m) FROM models;
-- assignment follows the centroids; cluster numbers are stable
SELECT id, crm.assign(m, f) FROM pts, models ORDER BY id;
SELECT crm.assign(m, '{100,100}'), round(crm.nearest_distance(m, '{10.5,3.5}')::numeric, 6) FROM models;
-- the same model from a stored sketch, and with a different seed
SELECT crm.kmeans(crm.sketch(f), 3) = (SELECT m FROM models) AS sketch_equals_aggregate FROM pts;
SELECT crm.kmeans(f, 3, '{"seed": 7, "restarts": 3}')::text = (SELECT m::text FROM models) AS same_optimum FROM pts;
-- scaling: z-scores and min-max act as a metric; centroids stay in original units
SELECT cluster, size, (SELECT array_agg(round(x::numeric, 4)) FROM unnest(centroid) x) AS centroid
FROM (SELECT crm.kmeans(f, 3, '{"scale": "zscore"}') m FROM pts) s, crm.centroids(m);
SELECT cluster, size, (SELECT array_agg(round(x::numeric, 4)) FROM unnest(centroid) x) AS centroid
FROM (SELECT crm.kmeans(f, 3, '{"scale": "minmax"}') m FROM pts) s, crm.centroids(m);
-- atan: 2/pi atan(x / atan_scale), centroids mapped back through tan
SELECT cluster, size, (SELECT array_agg(round(x::numeric, 4)) FROM unnest(centroid) x) AS centroid
FROM (SELECT crm.kmeans(f, 3, '{"scale": "atan", "atan_scale": 5}') m FROM pts) s, crm.centroids(m);

-- the text forms round-trip exactly
SELECT m::text::crm.clusters = m AS model_round_trip FROM models;
SELECT s::text::crm.cluster_sketch = s AS sketch_round_trip FROM (SELECT crm.sketch(f) s FROM pts) x;
SELECT crm.sketch(f, '{"scale": "zscore", "budget_kb": 128}') FROM pts WHERE id <= 3;

-- kmeans_refine: one exact Lloyd step; from the converged model nothing moves
SELECT bool_and(a.size = b.size AND round(a.sse::numeric, 9) = round(b.sse::numeric, 9)
                AND (SELECT bool_and(round(x::numeric, 12) = round(y::numeric, 12)) FROM unnest(a.centroid, b.centroid) u(x, y)))
       AS refine_fixed_point
FROM crm.centroids((SELECT m FROM models)) a
JOIN crm.centroids((SELECT crm.kmeans_refine((SELECT m FROM models), f) FROM pts)) b USING (cluster);
-- from a poor model (both centres in group A) refine moves the centres toward the data
CREATE TABLE poor AS SELECT '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[1,1]]}'::crm.clusters AS m;
SELECT cluster, size, round(sse::numeric, 6) AS sse, (SELECT array_agg(round(x::numeric, 6)) FROM unnest(centroid) x) AS centroid
FROM (SELECT crm.kmeans_refine((SELECT m FROM poor), f) r FROM pts) s, crm.centroids(r);

-- silhouette of the separable clustering is high; kmeans_scan chooses k = 3
SELECT round(crm.silhouette((SELECT m FROM models), f)::numeric, 4) AS silhouette FROM pts;
SELECT k, round(sse::numeric, 4) AS sse, round(silhouette::numeric, 4) AS silhouette
FROM (SELECT crm.sketch(f) s FROM pts) x, crm.kmeans_scan(s, 1, 4);

-- NULL rows are skipped; no rows gives NULL
SELECT crm.clusters_k(crm.kmeans(f, 2)) FROM (SELECT f FROM pts UNION ALL SELECT NULL) s;
SELECT crm.kmeans(f, 2) IS NULL AS no_rows FROM pts WHERE false;
SELECT crm.sketch(f) IS NULL AS no_rows FROM pts WHERE false;
-- fewer distinct points than k: fewer clusters and a NOTICE
SELECT crm.clusters_k(crm.kmeans(f, 5)) FROM (VALUES ('{1,1}'::float8[]), ('{1,1}'), ('{2,2}')) v(f);

-- rollup: sketches per group merged give the same totals as one sketch
CREATE TABLE daily AS SELECT id % 3 AS day, crm.sketch(f) AS s FROM pts GROUP BY id % 3;
SELECT crm.sketch_rows(crm.merge(s)) AS rows, crm.sketch_representatives(crm.merge(s)) AS reps FROM daily;
SELECT round(crm.clusters_sse(crm.kmeans(crm.merge(s), 3))::numeric, 6) AS merged_sse FROM daily;

-- a budget small enough to force merging: totals stay exact, SSE close
CREATE TABLE many AS
SELECT g, ARRAY[(g % 4) * 10 + (g * 0.618) % 1, (g / 4 % 2) * 10 + (g * 0.414) % 1] AS f
FROM generate_series(1, 2000) g;
SELECT crm.sketch_representatives(s) < 2000 AS reduced, crm.sketch_rows(s)
FROM (SELECT crm.sketch(f, '{"budget_kb": 64}') s FROM many) x;
SELECT size FROM (SELECT crm.kmeans(f, 8, '{"budget_kb": 64}') m FROM many) x, crm.centroids(m);

-- extreme spreads (1e-297 and 3e3 around 1e12) under minmax with forced
-- reduction: the reduction metric is normalised, nothing overflows
SELECT crm.clusters_k(m), crm.sketch_rows(s) > 0 AS ok
FROM (SELECT crm.kmeans(f, 3, '{"scale": "minmax", "budget_kb": 64}') m,
             crm.sketch(f, '{"scale": "minmax", "budget_kb": 64}') s
      FROM (SELECT ARRAY[g, -1e-300 * g, 1e12 + g] FROM generate_series(1, 3000) g) v(f)) x;

-- the default budget (no budget_kb) is 16,384 representatives of the
-- features, at most 16 MB: 1,793 kB for 4 features, the 16384 kB cap from
-- 118 features (117 still hold 16,384); it is stored like a given budget
SELECT (crm.sketch(f)::text::jsonb)->>'budget_kb' AS default_budget_kb FROM pts;
SELECT d, (crm.sketch(array_fill(1::float8, ARRAY[d]))::text::jsonb)->>'budget_kb' AS default_budget_kb
FROM (VALUES (1), (4), (117), (118)) v(d) GROUP BY d ORDER BY d;
-- 4 features: the capacity is 16,390 (the budget rounded up to a whole kB),
-- so 16,390 rows stay exact and the 16,391st reduces; an explicit budget_kb
-- keeps its meaning (16384: 16 MB, 149,796 representatives of 4 features)
CREATE TABLE rows4 AS
SELECT g, ARRAY[g % 97, g % 89, g % 83, g]::float8[] AS f FROM generate_series(1, 16391) g;
SELECT n, crm.sketch_rows(s) AS rows, crm.sketch_representatives(s) AS reps
FROM (SELECT 16390 AS n, crm.sketch(f) AS s FROM rows4 WHERE g <= 16390
      UNION ALL SELECT 16391, crm.sketch(f) FROM rows4
      UNION ALL SELECT 16391, crm.sketch(f, '{"budget_kb": 16384}') FROM rows4) x ORDER BY reps;
-- sketches of different budgets merge, at the smaller budget (reduced to
-- it when they do not fit), whatever the order: a sketch stored by crm
-- 0.1.0 (version 1, budget_kb 16384) merges with one of today's default
CREATE TABLE budgets AS
SELECT 1 AS id, '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":16384,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[0,1,1,0,1,0,0]],"reps":[[1,0,0],[1,0,1]]}'::crm.cluster_sketch AS s
UNION ALL SELECT 2, crm.sketch(ARRAY[2]::float8[]);
SELECT crm.merge(s ORDER BY id) FROM budgets;
SELECT crm.merge(s ORDER BY id) OPERATOR(crm.=) crm.merge(s ORDER BY id DESC) AS same_both_ways FROM budgets;
-- 16,391 rows at 16 MB merged with 2 rows at the default: reduced to its
-- capacity (16,390 representatives of 4 features)
CREATE TABLE big_and_default AS
SELECT 1 AS id, crm.sketch(f, '{"budget_kb": 16384}') AS s FROM rows4
UNION ALL SELECT 2, crm.sketch(f) FROM rows4 WHERE g <= 2;
SELECT crm.sketch_rows(m) AS rows, crm.sketch_representatives(m) <= 16390 AS within_default_capacity,
       m OPERATOR(crm.=) (SELECT crm.merge(s ORDER BY id DESC) FROM big_and_default) AS same_both_ways
FROM (SELECT crm.merge(s ORDER BY id) AS m FROM big_and_default) x;

-- bad input: each a clear error with its SQLSTATE
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT crm.kmeans(f, 0) FROM pts$$),
	($$SELECT crm.kmeans(f, 1001) FROM pts$$),
	($$SELECT crm.kmeans(f, NULL) FROM pts$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{1,NULL}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{1,NaN}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{1,Infinity}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{-Infinity,1}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{1e101,1}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{{1,2},{3,4}}'::float8[])) v(f)$$),
	($$SELECT crm.kmeans(f, 2) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(f)$$),
	($$SELECT crm.sketch(f) FROM (VALUES ('{1,2}'::float8[]), ('{1}')) v(f)$$),
	($$SELECT crm.kmeans(array_fill(1::float8, ARRAY[1001]), 2)$$),
	($$SELECT crm.kmeans(f, 2, '{"scale": "log"}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"scale": 1}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"seed": "x"}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"seed": -1}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"restarts": 0}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"max_iter": 1.5}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"tol": -1}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"budget_kb": 1}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"atan_scale": 0}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '{"k": 3}') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '[1, 2]') FROM pts$$),
	($$SELECT crm.kmeans(f, 2, '"zscore"') FROM pts$$),
	($$SELECT crm.sketch(array_fill(1::float8, ARRAY[1000]), '{"budget_kb": 64}')$$),
	($$SELECT crm.kmeans(crm.sketch(f), 0) FROM pts$$),
	($$SELECT crm.kmeans(crm.sketch(f), 2, '{"scale": "atan"}') FROM pts$$),
	($$SELECT crm.kmeans(crm.sketch(f), 2, '{"budget_kb": 128}') FROM pts$$),
	($$SELECT crm.merge(s) FROM (SELECT crm.sketch(f) FROM pts UNION ALL SELECT crm.sketch(ARRAY[1.0::float8]) FROM pts) x(s)$$),
	($$SELECT crm.merge(s) FROM (SELECT crm.sketch(f) FROM pts UNION ALL SELECT crm.sketch(f, '{"seed": 1}') FROM pts) x(s)$$),
	($$SELECT crm.assign(m, '{1,2,3}') FROM models$$),
	($$SELECT crm.assign(m, '{1,NaN}') FROM models$$),
	($$SELECT crm.nearest_distance(m, '{}') FROM models$$),
	($$SELECT crm.kmeans_refine(m, f) FROM pts, (SELECT m FROM models UNION ALL SELECT m FROM poor) x$$),
	($$SELECT crm.kmeans_refine(NULL, f) FROM pts$$),
	($$SELECT crm.silhouette(m, '{1}') FROM models$$),
	($$SELECT crm.kmeans(crm.sketch(f), NULL) FROM pts$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM pts), 3, 2)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM pts), 0, 2)$$),
	($$SELECT 'not json'::crm.clusters$$),
	($$SELECT '{"version":3}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":0}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":1,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0],"factor":[0],"weight":[0],"sse":[0],"centroids":[[0]]}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0],"sse":[0],"centroids":[[0]]}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":1,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":1e999,"center":[0],"factor":[1],"weight":[0],"sse":[0],"centroids":[[0]]}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":1,"scale":"cubic","atan_scale":1}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":1,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0],"factor":[1],"weight":[0],"sse":[0],"centroids":[[0]]} x'::crm.clusters$$),
	($$SELECT '{}'::crm.cluster_sketch$$),
	($$SELECT '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[[1,0,0]]}'::crm.cluster_sketch$$),
	($$SELECT '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[[2,0,0]]}'::crm.cluster_sketch$$),
	($$SELECT '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[0,0,0,1,0,0,0]],"reps":[[1,0,0]]}'::crm.cluster_sketch$$),
	($$SELECT '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[[1,0,NaN]]}'::crm.cluster_sketch$$)
) v(q);
