-- crm.kmeans_scan (crm 0.2.0): options as crm.kmeans on a sketch takes
-- them, the recommended k and why; every bad input with its SQLSTATE.  The
-- rule itself (best silhouette above 0.25, ties broken by the Kneedle
-- elbow, else the elbow) is unit-tested in test/unit/test_kmeans_scan.c.
SET search_path = public, crm;
SET extra_float_digits = 0;		-- 15 significant digits in the output

-- Four separated groups in the plane, 3,000 rows (a deterministic
-- generator: fractional parts of multiples of irrational numbers), and the
-- same 3,000 rows spread evenly over an 8-dimensional cube (no clusters at
-- all: in 8 dimensions k-means cuts of uniform points have silhouettes well
-- below 0.25; in 2 they reach 0.4).
CREATE TABLE groups AS
SELECT g, ARRAY[(g % 4 / 2) * 20 + (g * 0.618034) % 1 * 3, (g % 2) * 20 + (g * 0.414214) % 1 * 3]::float8[] AS f,
       ARRAY(SELECT (g * sqrt(p::numeric)) % 1 FROM unnest('{2,3,5,7,11,13,17,19}'::int[]) p)::float8[] AS flat
FROM generate_series(1, 3000) g;

-- 1. Clear structure: the highest silhouette chooses, over a 2,000-row sample
SELECT k, round(sse::numeric, 1) AS sse, round(silhouette::numeric, 3) AS silhouette, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 8);
-- no structure: the silhouette cannot choose, the elbow of the SSE curve does
SELECT k, round(sse::numeric, 1) AS sse, round(silhouette::numeric, 3) AS silhouette, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(flat) FROM groups), 2, 8);

-- 2. The one-statement pattern over rows: the same options for the sketch
-- and the scan (names, scale and budget_kb must agree with the sketch's)
\set opts '{"names": ["x", "y"], "scale": "zscore", "budget_kb": 64, "seed": 7, "restarts": 3}'
SELECT k, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(f, :'opts') FROM groups), 2, 6, :'opts') WHERE recommended;
-- a reduced sketch: the sample is of its representatives
SELECT crm.sketch_representatives(crm.sketch(f, :'opts')) < 3000 AS reduced FROM groups;
-- options change the runs: seed, restarts, max_iter, tol, and the metric
SELECT count(DISTINCT sse) > 1 AS options_matter FROM (
	SELECT sse FROM crm.kmeans_scan((SELECT crm.sketch(flat) FROM groups), 5, 5, '{"seed": 1, "restarts": 1}')
	UNION ALL SELECT sse FROM crm.kmeans_scan((SELECT crm.sketch(flat) FROM groups), 5, 5, '{"seed": 2, "restarts": 1}')
	UNION ALL SELECT sse FROM crm.kmeans_scan((SELECT crm.sketch(flat) FROM groups), 5, 5, '{"max_iter": 1, "restarts": 1}')) x;
-- the SSE of each k is that of crm.kmeans with the same options
SELECT bool_and(abs(s.sse - crm.clusters_sse(crm.kmeans(x.sk, s.k, '{"scale": "minmax", "seed": 5}'))) = 0) AS same_sse
FROM (SELECT crm.sketch(f) AS sk FROM groups) x,
     crm.kmeans_scan(x.sk, 2, 5, '{"scale": "minmax", "seed": 5}') s;
-- the rows' order does not matter while the sketch holds them all: the
-- representatives are clustered in a canonical order
SELECT (SELECT array_agg(row(k, sse, silhouette, recommended) ORDER BY k)
        FROM crm.kmeans_scan((SELECT crm.sketch(flat ORDER BY g) FROM groups), 2, 6))
     = (SELECT array_agg(row(k, sse, silhouette, recommended) ORDER BY k)
        FROM crm.kmeans_scan((SELECT crm.sketch(flat ORDER BY g DESC) FROM groups), 2, 6)) AS order_independent;
-- a NULL options argument means the sketch's own options
SELECT count(*) FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, NULL);

-- 3. Edge cases: k = 1 has no silhouette; two k give no elbow; one k
-- recommends nothing; fewer distinct points than k stops the scan
SELECT k, round(silhouette::numeric, 3) AS silhouette, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 1, 2);
SELECT k, round(silhouette::numeric, 3) AS silhouette, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(flat) FROM groups), 1, 2);
SELECT k, recommended, reason FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 1, 1);
SELECT k, round(sse::numeric, 4) AS sse, recommended, reason
FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM (VALUES ('{0,0}'::float8[]), ('{0,1}'), ('{5,5}'), ('{5,6}'), ('{9,0}')) v(f)), 2, 6);
-- no rows, a NULL sketch: no rows
SELECT count(*) FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups WHERE false), 2, 3);
SELECT count(*) FROM crm.kmeans_scan(NULL, 2, 3);

-- 4. Bad input: each a clear error with its SQLSTATE
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), NULL, 3)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, NULL)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 3, 2)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 0, 2)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), -5, 2)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 1001)$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '[]')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '"zscore"')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"k": 3}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"seed": -1}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"restarts": 0}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"restarts": 1001}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"max_iter": 1.5}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"tol": -1}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"tol": 1e400}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"scale": "log"}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"scale": "atan"}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"budget_kb": 64}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f, '{"scale": "atan"}') FROM groups), 2, 3, '{"atan_scale": 2}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f) FROM groups), 2, 3, '{"names": ["x"]}')$$),
	($$SELECT * FROM crm.kmeans_scan((SELECT crm.sketch(f, '{"names": ["x", "y"]}') FROM groups), 2, 3, '{"names": ["y", "x"]}')$$),
	($$SELECT * FROM crm.kmeans_scan('{"version":3}'::crm.cluster_sketch, 2, 3)$$)
) v(q);
