-- Values of crm.cluster_sketch and crm.clusters for the pg_dump / pg_restore
-- check (scripts/dump-restore-test.sh): a plain and a reduced sketch, options
-- written out, sketches in the compact text form and at the row limit,
-- models with each scaling.
CREATE TABLE dump_check.cluster_points AS
SELECT g, ARRAY[(g % 5) * 3.5 + (g * 0.618) % 1, -1e-300 * g, 1e12 + g]::float8[] AS f
FROM generate_series(1, 3000) g;

CREATE TABLE dump_check.sketch_values (id int PRIMARY KEY, sketch crm.cluster_sketch);
INSERT INTO dump_check.sketch_values
SELECT 0, NULL
UNION ALL SELECT 1, crm.sketch(f) FROM dump_check.cluster_points WHERE g <= 10
UNION ALL SELECT 2, crm.sketch(f, '{"budget_kb": 64, "scale": "zscore", "seed": 7}') FROM dump_check.cluster_points
UNION ALL SELECT 3, crm.sketch(f, '{"scale": "atan", "atan_scale": 0.5}') FROM dump_check.cluster_points WHERE g <= 100
-- printed in the compact form (binary form above 8 kB): 2 MB of 1,000 dimensions
UNION ALL SELECT 4, crm.sketch(array_fill(g::float8, ARRAY[999]) || ARRAY[1e100 - g * 1e95], '{"scale": "minmax"}')
FROM generate_series(1, 250) g
-- at the row limit (2^53) with features at +-1e100
UNION ALL SELECT 5, '{"version":1,"dims":1,"k":2,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":9007199254740992,"reduced":true,"stats":[[-1e100,4.503599627370497e115,9.007199254740993e215,-1e100,1e100,0,0]],"reps":[[4503599627370497,4.503599627370497e215,0],[4503599627370495,0,-1e100]]}';

CREATE TABLE dump_check.model_values (id int PRIMARY KEY, model crm.clusters);
INSERT INTO dump_check.model_values
SELECT 0, NULL
UNION ALL SELECT 1, crm.kmeans(f, 5) FROM dump_check.cluster_points
UNION ALL SELECT 2, crm.kmeans(f, 3, '{"scale": "minmax", "budget_kb": 64}') FROM dump_check.cluster_points
UNION ALL SELECT 3, crm.kmeans(f, 4, '{"scale": "atan", "atan_scale": 3}') FROM dump_check.cluster_points;

-- A model large enough to print in the compact crm64: form (20 clusters of
-- 60 features: more than 8 kB of binary form), kmeans_refine accumulators
-- (the state form of crm.clusters; JSON and compact) and crm.silhouette_state
-- values (compact text only), through aggregates without final functions.
CREATE AGGREGATE dump_check.refine_state(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, COMBINEFUNC = crm.kmeans_refine_combinefn);
CREATE AGGREGATE dump_check.silhouette_state(crm.clusters, float8[]) (
	SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state, COMBINEFUNC = crm.silhouette_combinefn);
CREATE TABLE dump_check.wide_points AS
SELECT g, ARRAY(SELECT sin(g * j) FROM generate_series(1, 60) j)::float8[] AS f FROM generate_series(1, 200) g;
INSERT INTO dump_check.model_values
SELECT 4, crm.kmeans(f, 20, '{"restarts": 1}') FROM dump_check.wide_points;
INSERT INTO dump_check.model_values
SELECT 5, dump_check.refine_state((SELECT model FROM dump_check.model_values WHERE id = 1), f)
          FROM dump_check.cluster_points
UNION ALL SELECT 6, dump_check.refine_state((SELECT model FROM dump_check.model_values WHERE id = 4), f)
          FROM dump_check.wide_points;

CREATE TABLE dump_check.silhouette_values (id int PRIMARY KEY, state crm.silhouette_state);
INSERT INTO dump_check.silhouette_values
SELECT 0, NULL
UNION ALL SELECT 1, dump_check.silhouette_state((SELECT model FROM dump_check.model_values WHERE id = 1), f)
          FROM dump_check.cluster_points WHERE g <= 10
UNION ALL SELECT 2, dump_check.silhouette_state((SELECT model FROM dump_check.model_values WHERE id = 3), f)
          FROM dump_check.cluster_points;

-- Feature names (format version 2): quotes, backslashes and UTF-8, in JSON
-- and in the compact form (names in UTF-8); and values of format version 1
-- as crm 0.1.0 wrote them, which must restore as they were.
INSERT INTO dump_check.sketch_values
SELECT 6, crm.sketch(f, '{"names": ["余额", "say \"hi\"", "a\\b"]}') FROM dump_check.cluster_points WHERE g <= 10
UNION ALL SELECT 7, crm.sketch(f, jsonb_build_object('names', (SELECT jsonb_agg('特征 ' || j) FROM generate_series(1, 60) j)))
          FROM dump_check.wide_points
UNION ALL SELECT 8, '{"version":1,"dims":2,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[0,1,1,0,1,0,0],[0,10,100,0,10,0,0]],"reps":[[1,0,0,0],[1,0,1,10]]}';
INSERT INTO dump_check.model_values
SELECT 7, crm.kmeans(f, 3, '{"names": ["余额", "say \"hi\"", "a\\b"], "scale": "zscore"}') FROM dump_check.cluster_points
UNION ALL SELECT 8, crm.kmeans(f, 20, jsonb_build_object('restarts', 1, 'names', (SELECT jsonb_agg('特征 ' || j) FROM generate_series(1, 60) j)))
          FROM dump_check.wide_points
UNION ALL SELECT 9, '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":6,"iterations":1,"total_sse":2.666666666666667,"center":[0,0],"factor":[1,1],"weight":[3,3],"sse":[1.3333333333333335,1.3333333333333333],"centroids":[[0.3333333333333333,0.3333333333333333],[10.333333333333334,10.333333333333334]]}';
