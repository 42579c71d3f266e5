-- Named features (crm 0.2.0): feature names in crm.cluster_sketch and
-- crm.clusters (format version 2), crm.feature_names, crm.centroid_values,
-- crm.assign_named and crm.nearest_distance_named; version 1 values (crm
-- 0.1.0) read and used as they are; every bad input with its SQLSTATE.
SET search_path = public, crm;
SET extra_float_digits = 0;		-- 15 significant digits in the output

-- The three groups of the kmeans suite, with a balance and a tenure.
CREATE TABLE people (id int, balance float8, tenure float8, region text);
INSERT INTO people VALUES
	(1, 0, 0, 'north'), (2, 1, 0, 'north'), (3, 0, 1, 'south'), (4, 1, 1, 'south'), (5, 0.5, 0.5, 'east'),
	(6, 10, 0, 'north'), (7, 11, 0, 'north'), (8, 10, 1, 'south'), (9, 11, 1, 'east'),
	(10, 0, 10, 'west'), (11, 0, 11, 'west'), (12, 1, 10, 'west');

-- 1. Names go into the sketch and the model (version 2 forms)
SELECT crm.sketch(ARRAY[balance, tenure], '{"names": ["balance", "tenure"]}') FROM people WHERE id <= 2;
CREATE TABLE named AS
SELECT crm.kmeans(ARRAY[balance, tenure], 3, '{"names": ["balance", "tenure"]}') AS m,
       crm.kmeans(ARRAY[balance, tenure], 3) AS plain
FROM people;
SELECT m FROM named;
SELECT crm.feature_names(m) AS named, crm.feature_names(plain) AS unnamed FROM named;
-- names change nothing else: the same clustering as without them
SELECT (SELECT array_agg(centroid ORDER BY cluster) FROM crm.centroids(m))
       = (SELECT array_agg(centroid ORDER BY cluster) FROM crm.centroids(plain)) AS same_centroids,
       crm.clusters_sse(m) = crm.clusters_sse(plain) AS same_sse,
       m = plain AS equal_values
FROM named;

-- 2. The long form, features in model order, and pivoted by psql
SELECT cluster, feature, round(value::numeric, 6) AS value FROM named, crm.centroid_values(m);
SELECT cluster, feature, round(value::numeric, 2) AS value FROM named, crm.centroid_values(m) \crosstabview
-- a model without names calls its features f1, f2, ...
SELECT cluster, feature, round(value::numeric, 2) AS value FROM named, crm.centroid_values(plain) \crosstabview
-- zscore: values in original units, as crm.centroids gives them
SELECT bool_and(v.value = c.centroid[array_position(crm.feature_names(x.m), v.feature)]) AS same_as_centroids
FROM (SELECT crm.kmeans(ARRAY[balance, tenure], 3, '{"names": ["b", "t"], "scale": "zscore"}') m FROM people) x,
     crm.centroids(x.m) c JOIN crm.centroid_values(x.m) v USING (cluster);

-- 3. Assigning by name: the same clusters as by position, whatever the key
-- order, extra keys (to_jsonb(row) carries id and region) ignored
SELECT id, crm.assign(m, ARRAY[balance, tenure]) AS positional,
       crm.assign_named(m, to_jsonb(p)) AS by_name,
       round(crm.nearest_distance_named(m, to_jsonb(p))::numeric, 6) AS distance
FROM people p, named ORDER BY id;
SELECT bool_and(crm.nearest_distance_named(m, to_jsonb(p)) = crm.nearest_distance(m, ARRAY[balance, tenure])) AS same_distances
FROM people p, named;
SELECT crm.assign_named(m, '{"tenure": 10.5, "balance": 0.2, "other": "x"}'),
       crm.assign_named(m, '{"balance": "10.5", "tenure": " 0.5 "}') AS numbers_as_text,
       crm.assign_named(m, '{"balance": 5e-324, "tenure": -0}') AS extremes
FROM named;
-- a model without names looks its features up as f1, f2, ...
SELECT crm.assign_named(plain, '{"f1": 0, "f2": 10}') AS unnamed FROM named;
-- the model can change from row to row (each checked by value)
SELECT crm.assign_named(x.m, '{"balance": 10, "tenure": 0, "b": 10, "t": 0}')
FROM (SELECT m FROM named UNION ALL
      SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["b", "t"]}') FROM people) x;

-- 4. Sketches keep their names: stored, merged, clustered
CREATE TABLE named_daily AS
SELECT id % 3 AS day, crm.sketch(ARRAY[balance, tenure], '{"names": ["balance", "tenure"]}') AS s
FROM people GROUP BY id % 3;
SELECT crm.feature_names(crm.merge(s)) AS merged_names, crm.sketch_rows(crm.merge(s)) FROM named_daily;
SELECT crm.kmeans(crm.merge(s), 3) = (SELECT m FROM named) AS same_model FROM named_daily;
-- crm.kmeans(sketch, k, options) keeps the sketch's names; repeating them is fine
SELECT crm.feature_names(crm.kmeans(crm.merge(s), 2, '{"names": ["balance", "tenure"], "seed": 3}')) FROM named_daily;
-- and names a sketch that has none
SELECT crm.feature_names(crm.kmeans(crm.sketch(ARRAY[balance, tenure]), 2, '{"names": ["x", "y"]}')) FROM people;
-- names reach every model a refine step makes
SELECT crm.feature_names(crm.kmeans_refine(m, ARRAY[balance, tenure])) FROM people, named;

-- 5. Text forms: quotes, backslashes and UTF-8 round-trip
SELECT m, m::text::crm.clusters = m AS reads_back, crm.feature_names(m)
FROM (SELECT crm.kmeans(ARRAY[balance, tenure], 1, '{"names": ["say \"hi\"", "a\\b 余额"]}') AS m FROM people) x;
-- a model beyond 8 kB prints in the compact form (names in UTF-8) and reads back
CREATE TABLE wide AS
SELECT g, ARRAY(SELECT sin(g * j) FROM generate_series(1, 60) j)::float8[] AS f FROM generate_series(1, 200) g;
CREATE TABLE wide_model AS
SELECT crm.kmeans(f, 20, jsonb_build_object('restarts', 1, 'names',
                  (SELECT jsonb_agg('特征 ' || j ORDER BY j) FROM generate_series(1, 60) j))) AS m
FROM wide;
SELECT left(m::text, 6) AS starts, m::text::crm.clusters = m AS reads_back,
       (crm.feature_names(m))[60] AS last_name, (crm.feature_names(m::text::crm.clusters))[60] AS read_back_name
FROM wide_model;
-- a sketch beyond 8 kB prints in the compact form too
SELECT left(s::text, 6) AS starts, s::text::crm.cluster_sketch = s AS reads_back, (crm.feature_names(s))[1]
FROM (SELECT crm.sketch(f, jsonb_build_object('names',
             (SELECT jsonb_agg('特征 ' || j ORDER BY j) FROM generate_series(1, 60) j))) AS s FROM wide) x;
-- binary COPY: a named model and sketch through send and recv
CREATE TABLE names_recv_model (v crm.clusters);
CREATE TABLE names_recv_sketch (v crm.cluster_sketch);
SELECT crm_test.copy_binary('names_recv_model', crm.clusters_send(m)) FROM named;
SELECT crm_test.copy_binary('names_recv_sketch', crm.cluster_sketch_send(s)) FROM named_daily WHERE day = 1;
SELECT v = (SELECT m FROM named) AS model_back, crm.feature_names(v) FROM names_recv_model;
SELECT v = (SELECT s FROM named_daily WHERE day = 1) AS sketch_back, crm.feature_names(v) FROM names_recv_sketch;

-- 6. Version 1 values (crm 0.1.0) read back as they were and work everywhere
CREATE TABLE v1 AS SELECT
	'{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":6,"iterations":1,"total_sse":2.666666666666667,"center":[0,0],"factor":[1,1],"weight":[3,3],"sse":[1.3333333333333335,1.3333333333333333],"centroids":[[0.3333333333333333,0.3333333333333333],[10.333333333333334,10.333333333333334]]}'::crm.clusters AS m,
	'{"version":1,"dims":2,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[0,1,1,0,1,0,0],[0,10,100,0,10,0,0]],"reps":[[1,0,0,0],[1,0,1,10]]}'::crm.cluster_sketch AS s;
SELECT m, s FROM v1;
-- the same text, the binary form of version 1, and its compact text
SELECT m::text::crm.clusters::text = m::text AS model_text,
       s::text::crm.cluster_sketch::text = s::text AS sketch_text,
       get_byte(crm.clusters_send(m), 0) AS model_binary_version,
       get_byte(crm.cluster_sketch_send(s), 0) AS sketch_binary_version,
       ('crm64:' || translate(encode(crm.clusters_send(m), 'base64'), E'\n', ''))::crm.clusters::text = m::text AS model_compact,
       ('crm64:' || translate(encode(crm.cluster_sketch_send(s), 'base64'), E'\n', ''))::crm.cluster_sketch::text = s::text AS sketch_compact
FROM v1;
SELECT crm_test.copy_binary('names_recv_model', crm.clusters_send(m)) FROM v1;
SELECT v::text = (SELECT m::text FROM v1) AS v1_binary_back FROM names_recv_model WHERE crm.clusters_k(v) = 2;
SELECT crm.feature_names(m), crm.assign(m, '{10,10}'), crm.assign_named(m, '{"f1": 10, "f2": 10}'),
       crm.feature_names(s), crm.sketch_rows(s)
FROM v1;
SELECT cluster, feature, round(value::numeric, 4) FROM v1, crm.centroid_values(m);
-- a version 1 value equals the version 2 value of the same model or sketch
SELECT m = replace(replace(m::text, '"version":1', '"version":2'), '"dims":2,', '"dims":2,"names":[],')::crm.clusters AS model_equal,
       s = replace(replace(s::text, '"version":1', '"version":2'), '"k":0,', '"k":0,"names":[],')::crm.cluster_sketch AS sketch_equal,
       m = replace(replace(m::text, '"version":1', '"version":2'), '"dims":2,', '"dims":2,"names":["a","b"],')::crm.clusters AS named_differs
FROM v1;
-- what crm builds from them is version 2
SELECT left((SELECT crm.kmeans_refine(m, f) FROM (VALUES ('{0,0}'::float8[]), ('{10,10}')) v(f))::text, 13) AS refined,
       left(crm.kmeans(s, 1)::text, 13) AS clustered
FROM v1;
SELECT left(crm.merge(x)::text, 13) AS merged, crm.sketch_rows(crm.merge(x))
FROM (SELECT s FROM v1 UNION ALL SELECT crm.sketch(ARRAY[balance, tenure], '{"budget_kb": 64}') FROM people) y(x);

-- 7. Bad input: each a clear error with its SQLSTATE
SELECT crm_test.error_of(q) FROM (VALUES
	-- option "names"
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": null}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": "balance"}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": {"a": 1}}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": []}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", 2]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", null]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", ["x"]]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", "balance"]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", ""]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", "a\nb"]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, jsonb_build_object('names', jsonb_build_array('balance', repeat('x', 201)))) FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, jsonb_build_object('names', (SELECT jsonb_agg('n' || g) FROM generate_series(1, 1001) g))) FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance"]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"names": ["balance", "tenure", "age"]}') FROM people$$),
	($$SELECT crm.sketch(ARRAY[balance, tenure], '{"names": ["balance"]}') FROM people$$),
	($$SELECT crm.kmeans(ARRAY[balance, tenure], 2, '{"name": ["balance", "tenure"]}') FROM people$$),
	-- on a stored sketch: other names than the sketch's, or a wrong count
	($$SELECT crm.kmeans(crm.merge(s), 2, '{"names": ["balance", "age"]}') FROM named_daily$$),
	($$SELECT crm.kmeans(crm.sketch(ARRAY[balance, tenure]), 2, '{"names": ["x"]}') FROM people$$),
	-- merging sketches of other names, or named with unnamed
	($$SELECT crm.merge(x) FROM (SELECT s FROM named_daily UNION ALL SELECT crm.sketch(ARRAY[balance, tenure], '{"names": ["balance", "age"]}') FROM people) y(x)$$),
	($$SELECT crm.merge(x) FROM (SELECT s FROM named_daily UNION ALL SELECT crm.sketch(ARRAY[balance, tenure]) FROM people) y(x)$$),
	-- crm.assign_named and crm.nearest_distance_named
	($$SELECT crm.assign_named(m, '[0, 0]') FROM named$$),
	($$SELECT crm.assign_named(m, '0') FROM named$$),
	($$SELECT crm.assign_named(m, '"balance"') FROM named$$),
	($$SELECT crm.assign_named(m, '{}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"Balance": 1, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": null, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": "abc", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": "", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": "1 2", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, jsonb_build_object('balance', repeat('9', 100) || 'x', 'tenure', 1)) FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": "NaN", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": "-Infinity", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, to_jsonb(p)) FROM named, (SELECT 'Infinity'::float8 AS balance, 1 AS tenure) p$$),
	($$SELECT crm.assign_named(m, '{"balance": "1e400", "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": 1e400, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": 1e-400, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": 1e101, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": true, "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": [1], "tenure": 1}') FROM named$$),
	($$SELECT crm.assign_named(m, '{"balance": {"v": 1}, "tenure": 1}') FROM named$$),
	($$SELECT crm.nearest_distance_named(m, '{"balance": 1}') FROM named$$),
	($$SELECT crm.nearest_distance_named(m, '{"b": 1e50, "t": 1}') FROM (SELECT crm.kmeans(ARRAY[balance * 1e-60, tenure], 2, '{"scale": "zscore", "names": ["b", "t"]}') m FROM people) x$$),
	($$SELECT crm.assign_named(plain, '{"balance": 1, "tenure": 1}') FROM named$$),
	-- the type input: names in the JSON form
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a","b","c"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a","a"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a",""],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT format('{"version":2,"k":1,"dims":2,"names":["a","%s"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}', repeat('x', 201))::crm.clusters$$),
	($$SELECT format('{"version":2,"k":1,"dims":2,"names":["a","%s"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}', E'x\ty')::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a","\u0062"],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":["a",1],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"names":null,"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"k":1,"dims":2,"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":1,"k":1,"dims":2,"names":[],"scale":"none","atan_scale":1,"rows":1,"iterations":1,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters$$),
	($$SELECT '{"version":2,"dims":1,"k":0,"names":["a","b"],"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":0,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[]}'::crm.cluster_sketch$$),
	($$SELECT '{"version":2,"dims":2,"k":0,"names":["a","a"],"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":0,"reduced":false,"stats":[[0,0,0,0,0,0,0],[0,0,0,0,0,0,0]],"reps":[]}'::crm.cluster_sketch$$),
	-- a budget too small for the features and their names
	($$SELECT crm.sketch(array_fill(1::float8, ARRAY[300]), jsonb_build_object('budget_kb', 64, 'names', (SELECT jsonb_agg(repeat('n', 190) || g) FROM generate_series(1, 300) g)))$$)
) v(q);

-- crafted binary forms of a named model (recv: 22P03 for the structure,
-- the names' own rules as in the other forms); its binary form: the
-- header (51 bytes), the names (a count, then length and bytes of each),
-- then the doubles
SELECT crm.clusters_send(m) AS nbin FROM (SELECT crm.kmeans(ARRAY[balance, tenure], 1, '{"names": ["ab", "cd"]}') m FROM people) x \gset
SELECT substr(:'nbin'::bytea, 52, 16) AS names_part;
SELECT defect, crm_test.error_of(format('SELECT crm_test.copy_binary(%L, %L)', 'names_recv_model', b)) AS binary,
       crm_test.error_of(format('SELECT %L::crm.clusters', 'crm64:' || translate(encode(b, 'base64'), E'\n', ''))) AS compact
FROM (SELECT :'nbin'::bytea AS b0) x, LATERAL (VALUES
	('valid', b0),
	('3 names for 2 features', overlay(b0 PLACING int4send(3) FROM 52 FOR 4)),
	('1 name for 2 features', overlay(b0 PLACING int4send(1) FROM 52 FOR 4)),
	('names cut off', substr(b0, 1, 60)),
	('name longer than the value', overlay(b0 PLACING int4send(1000000) FROM 56 FOR 4)),
	('duplicate name', overlay(b0 PLACING '\x6162'::bytea FROM 66 FOR 2)),
	('empty name', substr(b0, 1, 61) || int4send(0) || substr(b0, 68)),
	('NUL in a name', overlay(b0 PLACING '\x00'::bytea FROM 60 FOR 1)),
	('control character', overlay(b0 PLACING '\x07'::bytea FROM 60 FOR 1)),
	('invalid UTF-8', overlay(b0 PLACING '\xff'::bytea FROM 60 FOR 1))
) d(defect, b);
SELECT count(*) AS loaded FROM names_recv_model;

-- NULL arguments: the functions are strict
SELECT crm.feature_names(NULL::crm.clusters) IS NULL AS a, crm.feature_names(NULL::crm.cluster_sketch) IS NULL AS b,
       crm.assign_named(NULL, '{}') IS NULL AS c, crm.assign_named(m, NULL) IS NULL AS d,
       crm.nearest_distance_named(m, NULL) IS NULL AS e,
       (SELECT count(*) FROM crm.centroid_values(NULL)) AS f
FROM named;
-- a NULL options argument means the defaults, names included
SELECT crm.feature_names(crm.kmeans(ARRAY[balance, tenure], 2, NULL)) FROM people;
