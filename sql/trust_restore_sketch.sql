-- crm.cluster_sketch values that could be stored but not read back (data
-- loss).  The rule now: no function returns a value the type's input would
-- refuse, and every value that can be stored survives its text form
-- (pg_dump) and its binary form (binary COPY).  The dump of a value near
-- the size cap is in scripts/large-sketch-test.sh (make test-large).
SET search_path = public, crm;
SET extra_float_digits = 0;

-- 1. Options that made unreadable sketches (atan_scale 1e-310 stored NaN
--    statistics; budget_kb 1048576 allowed a text above 1 GB) are refused,
--    and numbers follow one rule: beyond float8 (1e400) or beyond +-1e100
--    for features, 22003 "is out of range"; NaN and infinities 22023.
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"scale": "atan", "atan_scale": 1e-310}')$$),
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"scale": "atan", "atan_scale": 1e101}')$$),
	($$SELECT crm.kmeans(ARRAY[0, 1]::float8[], 2, '{"scale": "atan", "atan_scale": 0}')$$),
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"budget_kb": 1048576}')$$),
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"tol": 1e400}')$$),
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"atan_scale": -1.5e400}')$$),
	($$SELECT crm.sketch(ARRAY[0, 1]::float8[], '{"seed": 1e400}')$$),
	($$SELECT crm.sketch(ARRAY[1e101, 1]::float8[])$$),
	($$SELECT crm.sketch(ARRAY['Infinity', 1]::float8[])$$)
) v(q);
-- the extremes that are allowed read back: atan_scale 1e-100 and 1e100 with
-- features at +-1e100, z-scores of features 200 orders of magnitude apart
CREATE TABLE extremes AS
SELECT 1 AS id, crm.sketch(ARRAY[x, -x, 0]::float8[], '{"scale": "atan", "atan_scale": 1e-100}') AS s
FROM (VALUES (1e100::float8), (1e-300), (0)) v(x)
UNION ALL
SELECT 2, crm.sketch(ARRAY[x, -x, 0]::float8[], '{"scale": "atan", "atan_scale": 1e100}')
FROM (VALUES (1e100::float8), (1e-300), (0)) v(x)
UNION ALL
SELECT 3, crm.sketch(ARRAY[x, -x, y], '{"scale": "zscore"}')
FROM (VALUES (1e100::float8, 1e-300::float8), (-1e100, -2e-300), (0, 0), (1e-300, 3e-300)) v(x, y);
SELECT id, s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back, s FROM extremes ORDER BY id;

-- 2. Row counts and sums: a sketch counts at most 2^53 rows (its weights
--    stay exact); crm.merge refuses (54000) to go beyond, and below that
--    no sum can overflow.  Two hand-written sketches of 2^52 + 1 rows, half
--    at 1e100 and half at -1e100 (one representative each), and one of
--    2^52 - 1 rows at -1e100.
CREATE TABLE huge (id int, s crm.cluster_sketch);
INSERT INTO huge VALUES
	(1, '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":4503599627370497,"reduced":true,"stats":[[-1e100,4.503599627370497e115,9.007199254740993e215,-1e100,1e100,0,0]],"reps":[[4503599627370497,4.503599627370497e215,0]]}'),
	(2, '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":4503599627370497,"reduced":true,"stats":[[1e100,-4.503599627370497e115,9.007199254740993e215,-1e100,1e100,0,0]],"reps":[[4503599627370497,4.503599627370497e215,0]]}'),
	(3, '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":4503599627370495,"reduced":true,"stats":[[-1e100,0,0,-1e100,-1e100,0,0]],"reps":[[4503599627370495,0,-1e100]]}');
SELECT crm_test.error_of($$SELECT crm.merge(s) FROM huge WHERE id IN (1, 2)$$);
-- exactly 2^53 rows: finite sums, and the value reads back
SELECT crm.sketch_rows(s), s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back, s
FROM (SELECT crm.merge(s ORDER BY id) AS s FROM huge WHERE id IN (1, 3)) x;
-- one row more than 2^53, through an aggregate continuing the merged sketch
CREATE AGGREGATE continue_full(float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.sketch_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":9007199254740992,"reduced":true,"stats":[[-1e100,0,9.007199254740992e215,-1e100,1e100,0,0]],"reps":[[9007199254740992,0,0]]}'
);
SELECT crm_test.error_of($$SELECT continue_full(ARRAY[1.0::float8])$$);
SELECT crm.sketch_rows(continue_full(f)) FROM (SELECT NULL::float8[]) v(f);

-- 3. Text forms: JSON up to 8,192 bytes of binary form (336 representatives
--    of one dimension), the compact "crm64:" form beyond (337), both read
--    back equal; the compact text is exactly base64 of the binary form.
CREATE TABLE sized AS
SELECT 1 AS id, crm.sketch(ARRAY[g]::float8[]) AS s FROM generate_series(1, 336) g
UNION ALL SELECT 2, crm.sketch(ARRAY[g]::float8[]) FROM generate_series(1, 337) g
UNION ALL SELECT 3, crm.sketch(ARRAY[g % 7, g % 11, g]::float8[], '{"budget_kb": 128}') FROM generate_series(1, 5000) g
-- a sizeable value: 500 representatives of 1,000 dimensions (4 MB)
UNION ALL SELECT 4, crm.sketch(array_fill(g::float8, ARRAY[999]) || ARRAY[-g::float8], '{"scale": "zscore"}')
FROM generate_series(1, 500) g;
SELECT id, octet_length(crm.cluster_sketch_send(s)) AS binary_bytes, left(s::text, 6) AS starts,
       length(s::text) AS text_length,
       s::text = 'crm64:' || translate(encode(crm.cluster_sketch_send(s), 'base64'), E'\n', '')
           AS compact_is_base64_of_binary,
       s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back
FROM sized ORDER BY id;

-- 4. Text and binary COPY round trips of every value above (client side,
--    files in results/), compared as values
CREATE TABLE everything AS
SELECT 'extremes ' || id AS name, s FROM extremes
UNION ALL SELECT 'huge ' || id, s FROM huge
UNION ALL SELECT 'sized ' || id, s FROM sized;
CREATE TABLE back_text (LIKE everything);
CREATE TABLE back_binary (LIKE everything);
\copy everything TO 'results/trust_restore_sketch.txt'
\copy back_text FROM 'results/trust_restore_sketch.txt'
\copy everything TO 'results/trust_restore_sketch.bin' WITH (FORMAT binary)
\copy back_binary FROM 'results/trust_restore_sketch.bin' WITH (FORMAT binary)
SELECT count(*) AS values,
       count(*) FILTER (WHERE t.s OPERATOR(crm.=) e.s) AS text_equal,
       count(*) FILTER (WHERE b.s OPERATOR(crm.=) e.s) AS binary_equal
FROM everything e JOIN back_text t USING (name) JOIN back_binary b USING (name);

-- 5. Edges: features around 1e-200, whose squared distances underflow, are
--    clustered as they are (scaled by a power of two inside: exact, so the
--    model is the same on every run), both from rows and through a reduced
--    sketch (budget 64 kB: 3,000 rows in 3 groups of 1,000)
SELECT cluster, size, centroid
FROM crm.centroids((SELECT crm.kmeans(ARRAY[x]::float8[], 2, '{"scale": "zscore"}')
                    FROM (VALUES (1e-200), (2e-200), (10e-200), (11e-200)) v(x)));
SELECT cluster, size, centroid
FROM crm.centroids((SELECT crm.kmeans(ARRAY[x]::float8[], 2)
                    FROM (VALUES (1e-200), (2e-200), (10e-200), (11e-200)) v(x)));
CREATE TABLE tiny AS
SELECT g, ARRAY[(g % 3) * 1e-200 + (g % 17) * 1e-203, (g % 3) * -1e-201]::float8[] AS f
FROM generate_series(1, 3000) g;
SELECT crm.sketch_representatives(s) < 3000 AS reduced, m1 OPERATOR(crm.=) m2 AS same_model_twice
FROM (SELECT crm.sketch(f, '{"budget_kb": 64}') AS s,
             crm.kmeans(f, 3, '{"budget_kb": 64, "seed": 3}') AS m1,
             crm.kmeans(f, 3, '{"budget_kb": 64, "seed": 3}') AS m2 FROM tiny) x;
SELECT cluster, size FROM crm.centroids((SELECT crm.kmeans(f, 3, '{"budget_kb": 64}') FROM tiny)) ORDER BY cluster;
-- and the model assigns those rows (and measures its silhouette) in the
-- same scaled way: the three groups of 1,000, well separated
SELECT crm.assign(m, f) AS cluster, count(*)
FROM tiny, (SELECT crm.kmeans(f, 3, '{"budget_kb": 64}') AS m FROM tiny) x GROUP BY 1 ORDER BY 1;
SELECT crm.silhouette(m, f) > 0.9 AS separated
FROM tiny, (SELECT crm.kmeans(f, 3, '{"budget_kb": 64}') AS m FROM tiny) x;
