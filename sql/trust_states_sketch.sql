-- Crafted aggregate states of crm.cluster_sketch.  Any role can hand any
-- value of the type to crm's transition, combine and final functions: as
-- the INITCOND of its own aggregate, as a stored value given to crm.merge,
-- or by calling a final function directly.  Every such state is validated
-- exactly as the input functions (text, compact text, binary) validate it:
-- a clear error with its SQLSTATE, never a crash, an internal error (XX000)
-- or a write past the value; and every sketch that comes out reads back.
SET search_path = public, crm;
SET extra_float_digits = 0;

-- The starting point: a valid sketch of 2 rows, 1 dimension, budget 64 kB.
-- Its budget allows 743 representatives; the value holds 2.
CREATE TABLE base AS
SELECT crm.sketch(ARRAY[x]::float8[], '{"budget_kb": 64}') AS s FROM (VALUES (1.0), (3.0)) v(x);
SELECT s FROM base;
-- its binary form, the bytes the forgeries below edit:
-- version | flags | dims | k | nreps | rows | scale | budget_kb | restarts | max_iter | seed | tol | atan_scale
-- then the feature names (a count: 0), 7 statistics, then (weight,
-- scatter, x) per representative
SELECT crm.cluster_sketch_send(s) FROM base;

-- 1. An INITCOND smaller than its capacity: the state grows and reduces in
--    its own buffer (5,000 rows into a value with room for 2).
CREATE AGGREGATE my_sketch(float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.sketch_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
SELECT crm.sketch_rows(s) AS rows, crm.sketch_representatives(s) BETWEEN 2 AND 743 AS within_budget,
       s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back
FROM (SELECT my_sketch(ARRAY[(g % 97) * 1.5]::float8[]) AS s FROM generate_series(1, 5000) g) x;
-- the same as an aggregate without a final function (its result is the flat state)
CREATE AGGREGATE my_sketch_nofinal(float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch,
	INITCOND = '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
SELECT crm.sketch_rows(s) AS rows, s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back
FROM (SELECT my_sketch_nofinal(ARRAY[g::float8]) AS s FROM generate_series(1, 3000) g) x;
-- crm.sketch_combinefn as the transition of a merge whose INITCOND is small:
-- 40 stored sketches of 100 rows go into it, reducing on the way (a table
-- of its own name: the kmeans suite, earlier in the run, has a "daily")
CREATE TABLE merge_days AS
SELECT d, crm.sketch(ARRAY[(g % 13) * 0.5 + d]::float8[], '{"budget_kb": 64}') AS s
FROM generate_series(1, 40) d, generate_series(1, 100) g GROUP BY d;
CREATE AGGREGATE my_merge(crm.cluster_sketch) (
	SFUNC = crm.sketch_combinefn, STYPE = crm.cluster_sketch, FINALFUNC = crm.sketch_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
SELECT crm.sketch_rows(s) AS rows, crm.sketch_representatives(s) < 4000 AS reduced,
       s::text::crm.cluster_sketch OPERATOR(crm.=) s AS reads_back
FROM (SELECT my_merge(s ORDER BY d) AS s FROM merge_days) x;
-- final functions called on a state many times (a window aggregate) leave it unchanged
SELECT g, crm.sketch_rows(crm.sketch(ARRAY[g::float8]) OVER (ORDER BY g)) AS rows
FROM generate_series(1, 4) g ORDER BY g;

-- 2. States of the wrong kind or for another k: 22023 before anything is written
CREATE AGGREGATE sketch_from_kmeans_state(float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.sketch_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":3,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
CREATE AGGREGATE kmeans_from_sketch(float8[], integer) (
	SFUNC = crm.kmeans_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.kmeans_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
CREATE AGGREGATE kmeans3(float8[], integer) (
	SFUNC = crm.kmeans_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.kmeans_finalfn,
	INITCOND = '{"version":1,"dims":1,"k":3,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'
);
CREATE AGGREGATE kmeans_of_plain(float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch, FINALFUNC = crm.kmeans_finalfn
);
SELECT crm_test.error_of(q) FROM (VALUES
	($$SELECT sketch_from_kmeans_state(ARRAY[1.0::float8])$$),
	($$SELECT kmeans_from_sketch(ARRAY[1.0::float8], 2)$$),
	($$SELECT kmeans3(ARRAY[1.0::float8], 2)$$),
	($$SELECT kmeans_of_plain(ARRAY[1.0::float8])$$),
	($$SELECT crm.kmeans(ARRAY[g::float8], 1 + g % 2) FROM generate_series(1, 4) g$$),
	($$SELECT crm.kmeans_finalfn(s) FROM base$$),
	($$SELECT crm.sketch_transfn(s, ARRAY[1.0::float8]) FROM base$$),
	($$SELECT crm.sketch_combinefn(s, s) FROM base$$)
) v(q);
-- the matching k works from the same INITCOND: 3 clusters of 2 + 3 rows
SELECT crm.clusters_k(kmeans3(ARRAY[x]::float8[], 3)) FROM (VALUES (10.0), (20.0), (21.0)) v(x);
-- final functions called directly validate their argument like any input
SELECT crm.sketch_rows(crm.sketch_finalfn(s)) FROM base;

-- 3. Values the input used to accept and an aggregate cannot produce: every
--    form refuses them now, so they are no INITCOND either (CREATE AGGREGATE
--    runs the input function on it).  One rule per value: a number beyond
--    +-1e100 is 22003 "... is out of range", as for a row; a non-finite one
--    22023 "... must be a finite number".
SELECT crm_test.error_of(format('CREATE AGGREGATE bad(float8[]) (SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch, INITCOND = %L)', v))
FROM (VALUES
	-- coordinate beyond the row limit
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[1e200,0,0,1e200,1e200,0,0]],"reps":[[1,0,1e200]]}'),
	-- a JSON number beyond float8
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[1e400,0,0,0,0,0,0]],"reps":[[1,0,0]]}'),
	-- a representative outside [min, max]
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":1,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[[1,0,1e99]]}'),
	-- sums 2 rows within [1, 3] cannot give (a merge of two would overflow)
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,1e308,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'),
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,-1e300,4,1,3,0,0]],"reps":[[1,0,1],[1,0,3]]}'),
	-- sketch-space sums in a sketch that is not atan-scaled
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":false,"stats":[[1,2,4,1,3,5,0]],"reps":[[1,0,1],[1,0,3]]}'),
	-- no rows but statistics (adding a row would keep the garbage sums)
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":0,"reduced":false,"stats":[[0,1e300,0,0,0,0,0]],"reps":[]}'),
	-- a scatter no 2 rows within [1, 3] can have
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":true,"stats":[[1,2,4,1,3,0,0]],"reps":[[2,1e300,2]]}'),
	-- weights that add up to more than the rows
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":2,"reduced":true,"stats":[[1,2,4,1,3,0,0]],"reps":[[9007199254740992,0,1],[9007199254740992,0,3]]}'),
	-- more rows than a sketch can count
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":9007199254740993,"reduced":true,"stats":[[1,0,0,1,1,0,0]],"reps":[[9007199254740993,0,1]]}'),
	-- atan_scale whose inverse overflows (stored NaN statistics before)
	('{"version":1,"dims":1,"k":0,"scale":"atan","atan_scale":1e-310,"budget_kb":64,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":0,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[]}'),
	-- a budget above the maximum (text beyond 1 GB before)
	('{"version":1,"dims":1,"k":0,"scale":"none","atan_scale":1,"budget_kb":1048576,"seed":42,"restarts":10,"max_iter":300,"tol":0.0001,"rows":0,"reduced":false,"stats":[[0,0,0,0,0,0,0]],"reps":[]}')
) t(v);

-- 4. Forged binary and compact forms, edited from the valid value above:
--    the same value gives the same error in every form; what breaks the
--    encoding itself is 22P03 in binary and 22P02 in text.
-- A binary COPY file holding one row with one field of the given bytes.
CREATE FUNCTION pg_temp.copy_file(field bytea) RETURNS bytea LANGUAGE sql AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea        -- PGCOPY\n\377\r\n\0
	       || '\x0000000000000000'::bytea            -- flags, header extension
	       || '\x0001'::bytea                        -- one field
	       || int4send(length(field)) || field
	       || '\xffff'::bytea                        -- trailer
$$;
-- COPY the crafted field into table loaded through a server-side file.
CREATE TABLE loaded (s crm.cluster_sketch);
CREATE FUNCTION pg_temp.load(field bytea) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/crm_regress_sketch_' || pg_backend_pid() || '.bin';
	lo oid := lo_from_bytea(0, pg_temp.copy_file(field));
BEGIN
	PERFORM lo_export(lo, f);
	PERFORM lo_unlink(lo);
	BEGIN
		EXECUTE format('COPY loaded FROM %L WITH (FORMAT binary)', f);
	EXCEPTION WHEN OTHERS THEN
		PERFORM pg_temp.remove(f);
		RAISE;
	END;
	PERFORM pg_temp.remove(f);
END
$$;
CREATE FUNCTION pg_temp.remove(f text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	-- the program reads its input, so the server never writes into a closed pipe
	EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || f);
END
$$;
-- the compact text of some bytes
CREATE FUNCTION pg_temp.compact(b bytea) RETURNS text LANGUAGE sql AS $$
	SELECT 'crm64:' || translate(encode(b, 'base64'), E'\n', '')
$$;
CREATE TABLE forged AS
SELECT name, b FROM base, LATERAL (VALUES
	('valid', crm.cluster_sketch_send(s)),
	('truncated', substring(crm.cluster_sketch_send(s) FROM 1 FOR 100)),
	('header only', substring(crm.cluster_sketch_send(s) FROM 1 FOR 40)),
	('trailing byte', crm.cluster_sketch_send(s) || '\x00'::bytea),
	('version 3', overlay(crm.cluster_sketch_send(s) PLACING '\x03'::bytea FROM 1 FOR 1)),
	('100000 representatives', overlay(crm.cluster_sketch_send(s) PLACING int4send(100000) FROM 12 FOR 4)),
	('3 representatives', overlay(crm.cluster_sketch_send(s) PLACING int4send(3) FROM 12 FOR 4)),
	('0 dimensions', overlay(crm.cluster_sketch_send(s) PLACING int4send(0) FROM 4 FOR 4)),
	('budget_kb 1048576', overlay(crm.cluster_sketch_send(s) PLACING int4send(1048576) FROM 28 FOR 4)),
	('NaN coordinate', overlay(crm.cluster_sketch_send(s) PLACING '\x7ff8000000000000'::bytea FROM 140 FOR 8)),
	('coordinate 1e200', overlay(crm.cluster_sketch_send(s) PLACING float8send(1e200) FROM 140 FOR 8)),
	('Infinity sum', overlay(crm.cluster_sketch_send(s) PLACING float8send('Infinity') FROM 76 FOR 8)),
	('rows 3', overlay(crm.cluster_sketch_send(s) PLACING int8send(3) FROM 16 FOR 8)),
	('k 3', overlay(crm.cluster_sketch_send(s) PLACING int4send(3) FROM 8 FOR 4))
) f(name, b);
SELECT name,
       crm_test.error_of(format('SELECT pg_temp.load(%L)', b)) AS binary,
       crm_test.error_of(format('SELECT %L::crm.cluster_sketch', pg_temp.compact(b))) AS compact
FROM forged;
-- what the binary loads accepted (the valid value and its k = 3 variant) reads back
SELECT crm.sketch_rows(s), s::text FROM loaded ORDER BY s::text;
