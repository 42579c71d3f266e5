-- Scoring functions are IMMUTABLE: no result may depend on a setting.
-- The same card and values are scored under many settings and must give the
-- same totals, explanations and levels; an expression index built under one
-- setting must still be found and agree with a sequential scan under another.
-- Types whose text form follows a setting are refused (42804) rather than
-- matched by a text that changes.
SET search_path = public, crm;

-- values whose text changes with extra_float_digits (0.1 + 0.2 prints as
-- 0.3 with extra_float_digits = 0), with their matching labels: float8 and
-- float4 match by their shortest exact decimal, numeric by its canonical text
CREATE TABLE trust_card (card crm.scorecard NOT NULL);
INSERT INTO trust_card VALUES ($$
	f8: category {0.1: 1, 0.30000000000000004: 2, 1e-07: 4, 1e+21: 8, -0: 16, 123456.789: 32, null: 64};
	f4: category {0.1: 100, 3.4028235e+38: 200, 1e-07: 400};
	n: category {0.30000000000000004: 1000, 1.50: 2000};
	i: category {5411: 10000};
	b: category {true: 20000, false: 40000};
	edge: numeric {0, 100000 >= 0.30000000000000004, 200000 >= 1e21};
	levels: {low, high >= 100000}
$$);
CREATE TABLE trust_rows (id int PRIMARY KEY, f8 float8, f4 float4, n numeric, i int, b bool, attrs jsonb);
INSERT INTO trust_rows (id, f8, f4, n, i, b) VALUES
	(1, 0.1, 0.1, 0.30000000000000004, 5411, true),
	(2, 0.1::float8 + 0.2::float8, 3.4028235e38, 1.50, 1, false),
	(3, 1e-7, 1e-7, 1.5, NULL, NULL),
	(4, 1e21, 0.2, NULL, 5411, true),
	(5, '-0', NULL, 0, 0, false),
	(6, 123456.789, 1, 1, 1, true),
	(7, NULL, NULL, NULL, NULL, NULL),
	(8, 0.3, 0.3, 0.3, 3, false);
-- the jsonb attributes, built once here (to_jsonb of a float8 is itself
-- STABLE: it follows extra_float_digits)
UPDATE trust_rows SET attrs = jsonb_build_object('f8', f8::numeric, 'f4', f4::numeric, 'n', n,
                                                 'i', i, 'b', b, 'edge', f8::numeric);

-- everything the scoring functions return for every row, as one text (the
-- float8 results are printed through numeric: printing a float8 follows
-- extra_float_digits itself)
CREATE FUNCTION trust_fingerprint() RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(format('%s: %s %s %s %s [%s]', r.id,
	                         crm.score_values(k.card, r.f8, r.f4, r.n, r.i, r.b, r.f8)::numeric,
	                         crm.score_level_values(k.card, r.f8, r.f4, r.n, r.i, r.b, r.f8),
	                         crm.score_values(k.card, VARIADIC ARRAY[r.f8, r.f4, r.f8, r.i, NULL, r.f8])::numeric,
	                         crm.score(k.card, r.attrs)::numeric,
	                         (SELECT string_agg(e.bin || '=' || e.points::numeric, ' ')
	                          FROM crm.score_explain(k.card, r.attrs) e)),
	                  E'\n' ORDER BY r.id)
	FROM trust_rows r, trust_card k
$$;

-- the results under the default settings, worked out by hand:
--  1: f8 0.1 (1) + f4 0.1 (100) + n 0.30000000000000004 (1000) + i 5411 (10000) + true (20000) + edge 0.1 (0) = 31101
--  2: f8 0.1+0.2 (2) + f4 max (200) + n 1.50 (2000) + 1 (0) + false (40000) + edge = 0.30000000000000004 (100000) = 142202
--  3: 1e-07 (4) + 1e-07 (400) + 1.5 is not 1.50 (0) + null (0) + null (0) + edge (0) = 404
--  4: 1e+21 (8) + 0.2 (0) + null + 5411 (10000) + true (20000) + edge 1e21 (200000) = 230008
--  5: -0 (16) + null + 0 + 0 + false (40000) + edge (0) = 40016
--  6: 123456.789 (32) + 1 + 1 + 1 + true (20000) + edge (100000) = 120032
--  7: f8 null (64) = 64
--  8: 0.3 is not 0.30000000000000004 anywhere (0), false (40000), edge 0.3 < 0.30000000000000004 (0) = 40000
-- then the VARIADIC float8[] form (f4 widened to float8 is no longer 0.1, the
-- third value is f8, the fifth NULL) and the jsonb form (attributes built
-- through numeric, so 0.1 + 0.2 became 0.3 there) with its explanation
SELECT trust_fingerprint();

-- the same under every setting that changes how values print
CREATE TABLE trust_settings (name text, value text);
INSERT INTO trust_settings VALUES
	('extra_float_digits', '-15'), ('extra_float_digits', '0'), ('extra_float_digits', '3'),
	('TimeZone', 'Asia/Shanghai'), ('TimeZone', 'America/New_York'),
	('DateStyle', 'SQL, DMY'), ('DateStyle', 'German'), ('DateStyle', 'Postgres, YMD'),
	('IntervalStyle', 'iso_8601'), ('IntervalStyle', 'sql_standard'),
	('lc_monetary', 'C'), ('lc_numeric', 'C'),
	('bytea_output', 'escape');
CREATE FUNCTION trust_under(name text, value text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	old text := current_setting(name);
	result text;
BEGIN
	PERFORM set_config(name, value, true);
	result := trust_fingerprint();
	PERFORM set_config(name, old, true);
	RETURN result;
END
$$;
SELECT trust_fingerprint() AS baseline \gset
SELECT name, value, trust_under(name, value) = :'baseline' AS same_scores
FROM trust_settings ORDER BY name, value;

-- an expression index built with extra_float_digits = 0 is found, and
-- agrees with a sequential scan, under the default extra_float_digits
CREATE TABLE trust_indexed (id int PRIMARY KEY, x float8 NOT NULL);
INSERT INTO trust_indexed SELECT g, (g % 10) * 0.1::float8 FROM generate_series(1, 2000) g;
CREATE FUNCTION trust_points(x float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT crm.score_values('x: category {0.30000000000000004: 3, 0.6000000000000001: 6, 0.7000000000000001: 7, 0.9: 9}; levels: {low, high >= 5}', x)
$$;
SET extra_float_digits = 0;
CREATE INDEX trust_indexed_points ON trust_indexed (trust_points(x));
RESET extra_float_digits;
ANALYZE trust_indexed;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM trust_indexed WHERE trust_points(x) = 3;
SELECT p, count(*) AS by_index FROM (VALUES (0::float8), (3), (6), (7), (9)) v(p),
       LATERAL (SELECT id FROM trust_indexed WHERE trust_points(x) = v.p) i
GROUP BY p ORDER BY p;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SELECT p, count(*) AS by_scan FROM (VALUES (0::float8), (3), (6), (7), (9)) v(p),
       LATERAL (SELECT id FROM trust_indexed WHERE trust_points(x) = v.p) i
GROUP BY p ORDER BY p;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;

-- types whose text follows a setting or the catalog are refused for a
-- category factor, NULL or not (the type is wrong, not the row); types with
-- a fixed text (uuid, inet, time, jsonb, a domain over float8) are matched
CREATE TYPE trust_region AS ENUM ('east', 'west');
CREATE DOMAIN trust_amount AS float8;
SELECT value, crm_test.error_of(format(
	'SELECT crm.score_values(%L::crm.scorecard, %s)',
	'x: category {a: 1}; levels: {low, high >= 1}', value)) AS error
FROM (VALUES
	('now()'),
	('NULL::timestamptz'),
	('''2026-01-01''::timestamp'),
	('''2026-01-01''::date'),
	('''1 day''::interval'),
	('1::money'),
	('''\x01''::bytea'),
	('''(1,2)''::point'),
	('''east''::trust_region'),
	('ARRAY[0.1]'),
	('ROW(1, 2)'),
	('''[1,2)''::int4range'),
	('''pg_class''::regclass')
) v(value);
SELECT crm.score_values('x: category {a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11: 1}; levels: {low, high >= 1}',
                        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid) AS uuid_value,
       crm.score_values('x: category {"10.0.0.1": 1}; levels: {low, high >= 1}', '10.0.0.1'::inet) AS inet_value,
       crm.score_values('x: category {"12:30:00": 1}; levels: {low, high >= 1}', '12:30'::time) AS time_value,
       crm.score_values($$x: category {"{\"a\": 1}": 1}; levels: {low, high >= 1}$$, '{"a": 1}'::jsonb) AS jsonb_value,
       crm.score_values('x: category {0.30000000000000004: 1}; levels: {low, high >= 1}',
                        (0.1::float8 + 0.2::float8)::trust_amount) AS domain_value;
SET extra_float_digits = 0;
SELECT crm.score_values('x: category {0.30000000000000004: 1}; levels: {low, high >= 1}',
                        (0.1::float8 + 0.2::float8)::trust_amount) AS domain_value_efd0;
RESET extra_float_digits;
-- a numeric factor takes numbers and text only, also for a NULL
SELECT crm_test.error_of($$SELECT crm.score_values('x: numeric {0}; levels: {low, high >= 1}', NULL::bool)$$) AS null_bool;
