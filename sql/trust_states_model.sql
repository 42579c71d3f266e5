-- Trust: crafted states of the model aggregates, and forged model values.
--
-- Any role can declare an aggregate over crm's support functions and give
-- it any value of the state type as INITCOND, feed any values to a combine
-- function used as a transition, or call a final function on a state it
-- made up.  Every transition, combine and final function of crm.kmeans_refine
-- and crm.silhouette must check the kind, sizes and numbers of a state it did
-- not build itself (22023), never read or write past it.  And every form of
-- crm.clusters and crm.silhouette_state (JSON, compact text, binary) must
-- accept the same values with the same SQLSTATEs.
SET search_path = public, crm;
SET extra_float_digits = 0;

-- Two groups of three rows around (0,0) and (10,10); the model M (table
-- tm) has its centroids there.
CREATE TABLE tp (id int, f float8[]);
INSERT INTO tp VALUES (1, '{0,0}'), (2, '{1,0}'), (3, '{0,1}'), (4, '{10,10}'), (5, '{11,10}'), (6, '{10,11}');
CREATE TABLE tm AS SELECT '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]]}'::crm.clusters AS m;
-- the reference: one Lloyd step from M
SELECT crm.kmeans_refine(m, f) FROM tp, tm;

-- ---------------------------------------------------------------------------
-- 1. kmeans_refine: its state type is crm.clusters, so any model is a
--    possible INITCOND.  A plain model (no accumulator) used to be written
--    past its end (heap overrun); an accumulator of another model used to be
--    refined with rows assigned by the wrong centroids.
CREATE AGGREGATE refine_plain(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":1,"dims":1,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0],"factor":[1],"weight":[0],"sse":[0],"centroids":[[0]]}');
CREATE AGGREGATE refine_plain_same(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]]}');
CREATE AGGREGATE refine_other(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,11]],"pending":{"rows":0,"weight":[0,0],"sse":[0,0],"sum":[[0,0],[0,0]]}}');
CREATE AGGREGATE refine_full(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]],"pending":{"rows":9007199254740992,"weight":[9007199254740992,0],"sse":[0,0],"sum":[[0,0],[0,0]]}}');
-- the aggregate without its final function: the state itself, to inspect
CREATE AGGREGATE refine_acc(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, COMBINEFUNC = crm.kmeans_refine_combinefn);
-- combine as a transition: merges accumulators (a rollup of refine steps)
CREATE AGGREGATE refine_merge(crm.clusters) (
	SFUNC = crm.kmeans_refine_combinefn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn);
CREATE AGGREGATE refine_merge_plain(crm.clusters) (
	SFUNC = crm.kmeans_refine_combinefn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]]}');

-- accumulators: per parity of id, of M; of a model with another centroid;
-- with sums that overflow when added; beyond the centroid limit
CREATE TABLE accs AS SELECT id % 2 AS part, refine_acc(m, f) AS a FROM tp, tm GROUP BY id % 2;
SELECT part, a FROM accs ORDER BY part;
CREATE TABLE odd_accs (name text, a crm.clusters);
INSERT INTO odd_accs VALUES
	('other model', '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,11]],"pending":{"rows":1,"weight":[1,0],"sse":[0,0],"sum":[[1,1],[0,0]]}}'),
	('huge sums', '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]],"pending":{"rows":1,"weight":[1,0],"sse":[0,0],"sum":[[1e308,0],[0,0]]}}'),
	('plain', '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]]}');

SELECT crm_test.error_of(q) FROM (VALUES
	-- transition
	($$SELECT refine_plain(m, f) FROM tp, tm$$),
	($$SELECT refine_plain_same(m, f) FROM tp, tm$$),
	($$SELECT refine_other(m, f) FROM tp, tm$$),
	($$SELECT refine_full(m, f) FROM tp, tm$$),
	-- final, on the INITCOND itself (no rows)
	($$SELECT refine_plain(m, f) FROM tp, tm WHERE false$$),
	($$SELECT crm.kmeans_refine_finalfn(m) FROM tm$$),
	-- combine
	($$SELECT refine_merge(a) FROM (SELECT a FROM accs UNION ALL SELECT a FROM odd_accs WHERE name = 'plain') x$$),
	($$SELECT refine_merge(a) FROM (SELECT a FROM accs UNION ALL SELECT a FROM odd_accs WHERE name = 'other model') x$$),
	($$SELECT refine_merge(a) FROM (SELECT a FROM odd_accs WHERE name = 'huge sums' UNION ALL SELECT a FROM odd_accs WHERE name = 'huge sums') x$$),
	($$SELECT refine_merge_plain(a) FROM accs$$),
	-- never return what the input would refuse: a mean at 1e308
	($$SELECT refine_merge(a) FROM odd_accs WHERE name = 'huge sums'$$),
	-- support functions outside an aggregate
	($$SELECT crm.kmeans_refine_transfn(NULL, m, '{1,1}') FROM tm$$),
	($$SELECT crm.kmeans_refine_combinefn(m, m) FROM tm$$)
) v(q);

-- valid states from elsewhere are accepted: merging the per-parity
-- accumulators gives exactly the one-step refine of all rows
SELECT refine_merge(a) = (SELECT crm.kmeans_refine(m, f) FROM tp, tm) AS rollup_equals_direct FROM accs;
-- an accumulator of M as INITCOND carries its rows into the result
CREATE AGGREGATE refine_carry(crm.clusters, float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters, FINALFUNC = crm.kmeans_refine_finalfn,
	INITCOND = '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,10]],"pending":{"rows":2,"weight":[0,2],"sse":[0,4],"sum":[[0,0],[20,24]]}}');
SELECT cluster, size, sse, centroid FROM (SELECT refine_carry(m, f) r FROM tp, tm) x, crm.centroids(r);

-- ---------------------------------------------------------------------------
-- 2. silhouette: its state is a type of its own, crm.silhouette_state, not a
--    float8[] whose bookkeeping slots could hold NaN (a segfault in the
--    transition function, an absurd allocation in the final function)
SELECT crm_test.error_of($$CREATE AGGREGATE sil_array(crm.clusters, float8[]) (SFUNC = crm.silhouette_transfn, STYPE = float8[])$$);
SELECT round(crm.silhouette(m, f)::numeric, 6) AS silhouette FROM tp, tm;
CREATE AGGREGATE sil_state(crm.clusters, float8[]) (
	SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state, COMBINEFUNC = crm.silhouette_combinefn);
CREATE AGGREGATE sil_merge(crm.silhouette_state) (
	SFUNC = crm.silhouette_combinefn, STYPE = crm.silhouette_state, FINALFUNC = crm.silhouette_finalfn);
CREATE TABLE sils AS SELECT id % 2 AS part, sil_state(m, f) AS s FROM tp, tm GROUP BY id % 2;
-- the state's text form is the compact one only, and reads back
SELECT part, s::text = s::text::crm.silhouette_state::text AS round_trip, left(s::text, 6) AS prefix FROM sils ORDER BY part;
-- valid states are accepted: merged per-parity samples give the same silhouette
SELECT sil_merge(s) = (SELECT crm.silhouette(m, f) FROM tp, tm) AS rollup_equals_direct FROM sils;
-- beyond the 2,000-row sample: the same sample (and value) whatever the row
-- order, and merged from parts of 715 rows each
CREATE TABLE tp_many AS
SELECT g, ARRAY[(g % 2) * 10 + (g * 0.618) % 1, (g % 2) * 10 + (g * 0.414) % 1]::float8[] AS f
FROM generate_series(1, 5000) g;
SELECT crm.silhouette(m, f ORDER BY g) = crm.silhouette(m, f ORDER BY g DESC) AS order_independent,
       crm.silhouette(m, f ORDER BY g) = (SELECT sil_merge(s) FROM (SELECT sil_state(m, f) s FROM tp_many, tm GROUP BY g % 7) x)
         AS merged_parts_equal
FROM tp_many, tm;
-- a state of another model as INITCOND (built here, as any role could)
CREATE TABLE other_model AS SELECT '{"version":1,"k":2,"dims":2,"scale":"none","atan_scale":1,"rows":0,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1,1],"weight":[0,0],"sse":[0,0],"centroids":[[0,0],[10,11]]}'::crm.clusters AS m;
DO $$
BEGIN
	EXECUTE format('CREATE AGGREGATE sil_foreign(crm.clusters, float8[]) (SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state, FINALFUNC = crm.silhouette_finalfn, INITCOND = %L)',
				   (SELECT sil_state(m, f)::text FROM tp, other_model));
	EXECUTE format('CREATE AGGREGATE sil_carry(crm.clusters, float8[]) (SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state, FINALFUNC = crm.silhouette_finalfn, INITCOND = %L)',
				   (SELECT sil_state(m, f)::text FROM tp, tm WHERE id <= 3));
	EXECUTE format('CREATE AGGREGATE sil_merge_foreign(crm.silhouette_state) (SFUNC = crm.silhouette_combinefn, STYPE = crm.silhouette_state, FINALFUNC = crm.silhouette_finalfn, INITCOND = %L)',
				   (SELECT sil_state(m, f)::text FROM tp, other_model));
END
$$;
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT sil_foreign(m, f) FROM tp, tm$$),
	($$SELECT sil_merge_foreign(s) FROM sils$$),
	($$SELECT sil_merge(s) FROM (SELECT s FROM sils UNION ALL SELECT sil_state(m, f) FROM tp, other_model) x$$),
	($$SELECT crm.silhouette_transfn(NULL, m, '{1,1}') FROM tm$$),
	($$SELECT crm.silhouette_combinefn(s, s) FROM sils$$)
) v(q);
-- a state of the same model carries its rows: rows 1-3 from INITCOND, 4-6 added
SELECT sil_carry(m, f) = (SELECT crm.silhouette(m, f) FROM tp, tm) AS carried FROM tp, tm WHERE id > 3;
-- the final function on a state it did not build: checked, then computed
SELECT round(crm.silhouette_finalfn(s)::numeric, 6) AS half_sample FROM sils ORDER BY part;

-- ---------------------------------------------------------------------------
-- 3. forged values.  Each defect is written into the binary form of a
--    valid value and read three ways: as compact text (crm64: + base64),
--    through binary COPY (the type's recv), and, for the model, as JSON with
--    the same defect where JSON can express it (it has no NaN or Infinity).
--    Structure errors are 22P02 in text and 22P03 in binary; contents are
--    judged alike in every form.
-- the SQLSTATE of a statement's error, or ok
CREATE FUNCTION crm_test.sqlstate_of(statement text) RETURNS text LANGUAGE sql AS
$$SELECT CASE WHEN e = 'no error' THEN 'ok' ELSE left(e, 5) END FROM crm_test.error_of(statement) e$$;
CREATE FUNCTION crm_test.compact(b bytea) RETURNS text LANGUAGE sql IMMUTABLE AS
$$SELECT 'crm64:' || translate(encode(b, 'base64'), E'\n', '')$$;
-- overwrite bytes at a 0-based offset
CREATE FUNCTION crm_test.poke(b bytea, pos int, x bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$SELECT overlay(b PLACING x FROM pos + 1 FOR length(x))$$;
-- load one binary field into column v of table tab through COPY (FORMAT
-- binary) from a file of this backend, written with lo_export; returns the
-- value's text
CREATE TABLE recv_model (v crm.clusters);
CREATE TABLE recv_sil (v crm.silhouette_state);
CREATE FUNCTION crm_test.recv(tab text, field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/crm_regress_recv_' || pg_backend_pid() || '.bin';
	lo oid := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x00000000000000000001'::bytea
							|| int4send(length(field)) || field || '\xffff'::bytea);
	result text;
BEGIN
	PERFORM lo_export(lo, f);
	PERFORM lo_unlink(lo);
	EXECUTE format('TRUNCATE %I', tab);
	EXECUTE format('COPY %I FROM %L WITH (FORMAT binary)', tab, f);
	EXECUTE format('SELECT v::text FROM %I', tab) INTO result;
	RETURN result;
END
$$;

-- the binary form of M, byte by byte: version 01, flags 0000, k 00000002,
-- dims 00000002, scale, iterations, rows, total_sse, atan_scale,
-- pending_rows, then center, factor, centroids, weight, sse (8 bytes each)
SELECT crm.clusters_send(m) AS bin FROM tm \gset
SELECT length(:'bin'::bytea) AS bytes, crm_test.recv('recv_model', :'bin') = (SELECT m::text FROM tm) AS valid_loads,
       crm_test.compact(:'bin')::crm.clusters = (SELECT m FROM tm) AS compact_reads;
SELECT defect, CASE WHEN json IS NOT NULL THEN crm_test.sqlstate_of(format('SELECT %L::crm.clusters', json)) END AS json,
       crm_test.sqlstate_of(format('SELECT %L::crm.clusters', crm_test.compact(b))) AS compact,
       crm_test.error_of(format('SELECT crm_test.recv(%L, %L)', 'recv_model', b)) AS binary
FROM (SELECT m::text AS j, :'bin'::bytea AS b0 FROM tm) base, LATERAL (VALUES
	('truncated', NULL, substr(b0, 1, length(b0) - 1)),
	('trailing byte', NULL, b0 || '\x00'::bytea),
	('header only', NULL, substr(b0, 1, 51)),
	('empty', NULL, ''::bytea),
	('version 3', replace(j, '"version":1', '"version":3'), crm_test.poke(b0, 0, '\x03')),
	('unknown flag', NULL, crm_test.poke(b0, 1, '\x0002')),
	('k 0', replace(j, '"k":2', '"k":0'), crm_test.poke(b0, 3, int4send(0))),
	('k 1001', replace(j, '"k":2', '"k":1001'), crm_test.poke(b0, 3, int4send(1001))),
	('k 2^31-1', replace(j, '"k":2', '"k":2147483647'), crm_test.poke(b0, 3, int4send(2147483647))),
	('dims -1', replace(j, '"dims":2', '"dims":-1'), crm_test.poke(b0, 7, int4send(-1))),
	('scale 9', NULL, crm_test.poke(b0, 11, int4send(9))),
	('rows -1', replace(j, '"rows":0', '"rows":-1'), crm_test.poke(b0, 19, int8send(-1))),
	('total_sse -1', replace(j, '"total_sse":0', '"total_sse":-1'), crm_test.poke(b0, 27, float8send(-1))),
	('atan_scale 0', replace(j, '"atan_scale":1', '"atan_scale":0'), crm_test.poke(b0, 35, float8send(0))),
	('pending rows without accumulator', NULL, crm_test.poke(b0, 43, int8send(1))),
	('center NaN', NULL, crm_test.poke(b0, 51, float8send('NaN'))),
	('center 3e100', replace(j, '"center":[0,0]', '"center":[3e100,0]'), crm_test.poke(b0, 51, float8send(3e100))),
	('factor 0', replace(j, '"factor":[1,1]', '"factor":[0,1]'), crm_test.poke(b0, 67, float8send(0))),
	('factor Infinity', NULL, crm_test.poke(b0, 67, float8send('Infinity'))),
	('centroid 3e100', replace(j, '[10,10]', '[3e100,10]'), crm_test.poke(b0, 99, float8send(3e100))),
	('centroid 2e100 (the limit)', replace(j, '[10,10]', '[2e100,10]'), crm_test.poke(b0, 99, float8send(2e100))),
	('centroid -Infinity', NULL, crm_test.poke(b0, 99, float8send('-Infinity'))),
	('weight -1', replace(j, '"weight":[0,0]', '"weight":[-1,0]'), crm_test.poke(b0, 115, float8send(-1))),
	('sse NaN', NULL, crm_test.poke(b0, 131, float8send('NaN')))
) d(defect, json, b);

-- the refine accumulator form: counts must be whole and sum to its rows
-- (a version 2 value: the names count, 4 bytes, follows the header)
SELECT crm.clusters_send(a) AS abin FROM accs WHERE part = 1 \gset
SELECT (SELECT a::text FROM accs WHERE part = 1) AS acc_text;
SELECT defect, CASE WHEN json IS NOT NULL THEN crm_test.sqlstate_of(format('SELECT %L::crm.clusters', json)) END AS json,
       crm_test.sqlstate_of(format('SELECT %L::crm.clusters', crm_test.compact(b))) AS compact,
       crm_test.error_of(format('SELECT crm_test.recv(%L, %L)', 'recv_model', b)) AS binary
FROM (SELECT a::text AS j, :'abin'::bytea AS b0 FROM accs WHERE part = 1) base, LATERAL (VALUES
	('valid', j, b0),
	('pending rows 4 (weights sum to 3)', replace(j, '"pending":{"rows":3', '"pending":{"rows":4'), crm_test.poke(b0, 43, int8send(4))),
	('pending weight 0.5', replace(j, '"weight":[2,1]', '"weight":[2.5,0.5]'), crm_test.poke(crm_test.poke(b0, 183, float8send(2.5)), 191, float8send(0.5))),
	('pending sse -1', replace(j, '"sse":[1,1]', '"sse":[-1,1]'), crm_test.poke(b0, 199, float8send(-1))),
	('pending sum NaN', NULL, crm_test.poke(b0, 151, float8send('NaN'))),
	('accumulator cut off', NULL, substr(b0, 1, 151))
) d(defect, json, b);

-- the silhouette state, byte by byte: version 01, flags 0000, dims, k,
-- sample, used (4 bytes each), rows, model fingerprint (8 each), then per
-- entry hash, label and the scaled row (8 bytes each)
SELECT crm.silhouette_state_send(s) AS sbin FROM sils WHERE part = 1 \gset
SELECT length(:'sbin'::bytea) AS bytes, crm_test.recv('recv_sil', :'sbin') = (SELECT s::text FROM sils WHERE part = 1) AS valid_loads;
SELECT defect, crm_test.sqlstate_of(format('SELECT %L::crm.silhouette_state', crm_test.compact(b))) AS compact,
       crm_test.error_of(format('SELECT crm_test.recv(%L, %L)', 'recv_sil', b)) AS binary
FROM (SELECT :'sbin'::bytea AS b0) base, LATERAL (VALUES
	('truncated', substr(b0, 1, length(b0) - 1)),
	('trailing byte', b0 || '\x00'::bytea),
	('version 2', crm_test.poke(b0, 0, '\x02')),
	('unknown flag', crm_test.poke(b0, 1, '\x0001')),
	('dims 0', crm_test.poke(b0, 3, int4send(0))),
	('dims 1001', crm_test.poke(b0, 3, int4send(1001))),
	('k 0', crm_test.poke(b0, 7, int4send(0))),
	('sample 1999', crm_test.poke(b0, 11, int4send(1999))),
	('used 2 of 3 rows', crm_test.poke(b0, 15, int4send(2))),
	('used 4 of 4 rows', crm_test.poke(crm_test.poke(b0, 15, int4send(4)), 19, int8send(4))),
	('used 2^31-1', crm_test.poke(crm_test.poke(b0, 15, int4send(2147483647)), 19, int8send(2147483647))),
	('rows -1', crm_test.poke(b0, 19, int8send(-1))),
	('hash NaN', crm_test.poke(b0, 35, float8send('NaN'))),
	('hash -1', crm_test.poke(b0, 35, float8send(-1))),
	('hash 2^53', crm_test.poke(b0, 35, float8send(9007199254740992))),
	('hash 0.5', crm_test.poke(b0, 35, float8send(0.5))),
	('label NaN', crm_test.poke(b0, 43, float8send('NaN'))),
	('label 2 (k is 2)', crm_test.poke(b0, 43, float8send(2))),
	('label -1', crm_test.poke(b0, 43, float8send(-1))),
	('label 0.5', crm_test.poke(b0, 43, float8send(0.5))),
	('coordinate NaN', crm_test.poke(b0, 51, float8send('NaN'))),
	('coordinate Infinity', crm_test.poke(b0, 51, float8send('Infinity'))),
	('coordinate 1e101', crm_test.poke(b0, 51, float8send(1e101)))
) d(defect, b);
-- text that is not the compact form
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT '{"version":1}'::crm.silhouette_state$$),
	($$SELECT ''::crm.silhouette_state$$),
	($$SELECT 'crm64:AQ'::crm.silhouette_state$$),
	($$SELECT 'crm64:AQ=='::crm.silhouette_state$$),
	($$SELECT 'crm64:A*=='::crm.silhouette_state$$),
	($$SELECT 'crm64:AB=='::crm.clusters$$),
	($$SELECT 'crm64:'::crm.clusters$$)
) v(q);

-- ---------------------------------------------------------------------------
-- 4. never return a value the input would refuse.  A zscore model whose scale
--    factor is 1e300 puts the row {1,1} at 1e300 in its scaled space: its
--    squared distances overflow.  Refine used to return a model with an
--    infinite SSE (which its own output function then refused); every use of
--    the model now refuses the row, with the same message.
CREATE TABLE steep AS SELECT '{"version":1,"k":1,"dims":2,"scale":"zscore","atan_scale":1,"rows":1,"iterations":0,"total_sse":0,"center":[0,0],"factor":[1e300,1],"weight":[1],"sse":[0],"centroids":[[0,0]]}'::crm.clusters AS m;
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT crm.kmeans_refine(m, '{1,1}') FROM steep$$),
	($$SELECT crm.silhouette(m, '{1,1}') FROM steep$$),
	($$SELECT crm.assign(m, '{1,1}') FROM steep$$),
	($$SELECT crm.nearest_distance(m, '{1,1}') FROM steep$$),
	($$SELECT crm.assign(m, '{1e-300,1}') FROM steep$$)
) v(q);
-- rows at the row limit: the means round past 1e100 but stay valid values
SELECT crm.clusters_k(r), r::text::crm.clusters = r AS round_trip
FROM (SELECT crm.kmeans_refine((SELECT m FROM tm), ARRAY[1e100, -1e100]::float8[]) r
      FROM generate_series(1, 10)) x;
-- atan: 2/pi atan(1e100 / 1e-100) is exactly 1; the model holds it and reads back
SELECT m::text::crm.clusters = m AS atan_round_trip, centroid
FROM (SELECT crm.kmeans(ARRAY[1e100]::float8[], 1, '{"scale": "atan", "atan_scale": 1e-100}') m
      FROM generate_series(1, 10)) x, crm.centroids(m);

-- ---------------------------------------------------------------------------
-- 5. the size cap and the text forms: JSON up to 8 kB of binary form, the
--    compact form beyond; both read back exactly.  k = 1 and 338 features
--    take 8,179 bytes, 339 take 8,203.
SELECT d, left(m::text, 8) AS text_starts, length(crm.clusters_send(m)) AS binary_bytes,
       m::text::crm.clusters = m AS round_trip
FROM (SELECT d, crm.kmeans(array_fill(1.5::float8, ARRAY[d]), 1) AS m FROM (VALUES (338), (339)) v(d) GROUP BY d) x
ORDER BY d;
-- a larger model: 20 clusters of 60 features
CREATE TABLE big AS
SELECT crm.kmeans(ARRAY(SELECT sin(g * j) FROM generate_series(1, 60) j), 20, '{"restarts": 1}') AS m
FROM generate_series(1, 200) g;
SELECT left(m::text, 6) AS prefix, length(m::text) AS text_length, m::text::crm.clusters = m AS round_trip,
       crm_test.recv('recv_model', crm.clusters_send(m))::crm.clusters = m AS binary_round_trip
FROM big;

-- remove this backend's file (COPY of no rows: nothing is written to rm)
DO $$
BEGIN
	EXECUTE format('COPY (SELECT 1 WHERE false) TO PROGRAM %L',
				   'rm -f /tmp/crm_regress_recv_' || pg_backend_pid() || '.bin');
END
$$;
DROP FUNCTION crm_test.recv(text, bytea);
