-- Edges of crm.tiers and crm.scorecard: size caps (54000), truncated and
-- hostile binary input (22P03, before anything is allocated for a forged
-- count), points that could add up to Infinity (22003), and one rule per
-- value whatever the form (text, JSON, binary, constructor, SQL argument):
--   non-finite number       22023 "<subject> must be a finite number, got NaN"
--   out of float8's range   22003 "<subject> "1e400" is out of range for type double precision"
--   empty name or label     22023 "... is empty"
SET search_path = public, crm;

-- ---------------------------------------------------------------------------
-- Size caps.  crm.tiers literals: 1 MB (the largest valid scheme prints in
-- about 432 kB); crm.scorecard: 16 MB of canonical text, and 16 MB literals.
-- ---------------------------------------------------------------------------

-- a tiers literal of exactly 1 MB is read; one byte more is refused unread
SELECT length(lit) AS bytes, lit::crm.tiers AS scheme
FROM (SELECT '{a, b >= 1' || repeat(' ', 1048576 - 11) || '}' AS lit) v;
SELECT crm_test.error_of(format('SELECT %L::crm.tiers', '{a, b >= 1' || repeat(' ', 1048576 - 10) || '}')) AS over_1mb;
SELECT crm_test.error_of(format('SELECT %L::crm.tiers', repeat('x', 20000000))) AS tiers_20mb;

-- the largest scheme: 1,000 tiers, 200-byte labels that all need escaping,
-- 17-digit floors; its text and binary forms read back equal
CREATE TABLE edge_big_tiers AS
SELECT crm.tiers(array_agg(repeat('"', 196) || lpad(i::text, 4, '0') ORDER BY i),
                 array_agg(i / 3.0::float8 ORDER BY i) FILTER (WHERE i > 0)) AS scheme
FROM generate_series(0, 999) i;
SELECT length(scheme::text) AS text_bytes, length(crm.tiers_send(scheme)) AS binary_bytes,
       scheme::text::crm.tiers = scheme AS text_round_trip,
       (crm.labels(scheme))[1000] = repeat('"', 196) || '0999' AS last_label
FROM edge_big_tiers;
\copy edge_big_tiers TO 'results/edge_big_tiers.bin' WITH (FORMAT binary)
CREATE TABLE edge_big_tiers_back (LIKE edge_big_tiers);
\copy edge_big_tiers_back FROM 'results/edge_big_tiers.bin' WITH (FORMAT binary)
SELECT a.scheme = b.scheme AS binary_round_trip FROM edge_big_tiers a, edge_big_tiers_back b;

-- a card whose canonical text is exactly 16 MB (16,777,216 bytes): nine
-- category factors "fNNN" of 200-byte values, the last one 114 bytes long:
--   each factor prints as name + ": category {" + "value: 0, " per value
--   + "*: 0, null: 0}; " = 32 bytes + (length + 5) per value, and
--   "levels: {a, b >= 1}" adds 19:
--   8 * (32 + 10000 * 205) + 32 + 1838 * 205 + 119 + 19 = 16,777,216
CREATE FUNCTION edge_card_text(last_len int) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(format('f%s: category {%s, *: 0, null: 0}', lpad(f::text, 3, '0'), vals), '; ' ORDER BY f)
	       || '; levels: {a, b >= 1}'
	FROM (SELECT f, string_agg(v || ': 0', ', ' ORDER BY v COLLATE "C") AS vals
	      FROM (SELECT f, 'k' || lpad(i::text, 199, '0') AS v
	            FROM generate_series(1, 9) f, generate_series(1, 10000) i
	            WHERE f < 9 OR i <= 1838
	            UNION ALL
	            SELECT 9, 'k' || repeat('z', last_len - 1)) x
	      GROUP BY f) y
$$;
CREATE TABLE edge_cap_card AS
SELECT lit, lit::crm.scorecard AS card FROM (SELECT edge_card_text(114) AS lit) v;
SELECT length(lit) AS literal_bytes, length(card::text) AS text_bytes, card::text = lit AS canonical,
       (SELECT sum(bins) FROM crm.scorecard_factors(card)) AS listed_values,
       crm.scorecard(crm.to_jsonb(card)) OPERATOR(crm.=) card AS json_round_trip,
       crm.score_values(card, VARIADIC array_fill(NULL::text, ARRAY[9])) AS score
FROM edge_cap_card;
\copy (SELECT card FROM edge_cap_card) TO 'results/edge_cap_card.bin' WITH (FORMAT binary)
CREATE TABLE edge_cap_card_back (card crm.scorecard);
\copy edge_cap_card_back FROM 'results/edge_cap_card.bin' WITH (FORMAT binary)
SELECT a.card OPERATOR(crm.=) b.card AS binary_round_trip FROM edge_cap_card a, edge_cap_card_back b;
-- one byte more (the last value 115 bytes long): the literal is refused
-- before parsing, and the same card from JSON by the builder, which
-- measures the canonical text
SELECT crm_test.error_of(format('SELECT %L::crm.scorecard',
                                replace(lit, 'k' || repeat('z', 113), 'k' || repeat('z', 114)))) AS literal_over_cap
FROM edge_cap_card;
CREATE TABLE edge_over_json AS
SELECT jsonb_set(j, '{factors,8,points}',
                 (j->'factors'->8->'points') - ('k' || repeat('z', 113)) || jsonb_build_object('k' || repeat('z', 114), 0)) AS j
FROM (SELECT crm.to_jsonb(card) AS j FROM edge_cap_card) v;
SELECT crm_test.error_of('SELECT j::crm.scorecard FROM edge_over_json') AS json_over_cap;
SELECT crm_test.error_of(format('SELECT %L::crm.scorecard', repeat(' ', 20000000))) AS card_20mb;
-- JSON arrays and objects beyond the count limits are refused before
-- anything is allocated for their elements
SELECT what, crm_test.error_of(format('SELECT %L::jsonb::crm.scorecard', j)) AS error
FROM (VALUES
	('factors', jsonb_build_object('factors', (SELECT jsonb_agg(jsonb_build_object('name', 'f' || i, 'type', 'numeric', 'points', '[0]'::jsonb)) FROM generate_series(1, 257) i), 'levels', '{a, b >= 1}')),
	('bins', jsonb_build_object('factors', jsonb_build_array(jsonb_build_object('name', 'x', 'type', 'numeric', 'points', (SELECT jsonb_agg(0) FROM generate_series(1, 1001)))), 'levels', '{a, b >= 1}')),
	('values', jsonb_build_object('factors', jsonb_build_array(jsonb_build_object('name', 'x', 'type', 'category', 'points', (SELECT jsonb_object_agg('v' || i, 0) FROM generate_series(1, 10001) i))), 'levels', '{a, b >= 1}')),
	('levels', jsonb_build_object('factors', '[{"name": "x", "type": "numeric", "points": [0]}]'::jsonb, 'levels', jsonb_build_object('labels', (SELECT jsonb_agg('l' || i) FROM generate_series(1, 1001) i), 'floors', (SELECT jsonb_agg(i) FROM generate_series(1, 1000) i))))
) v(what, j);

-- ---------------------------------------------------------------------------
-- Binary input: each case is the one field of a binary COPY file
-- (crm_test.copy_binary, see setup.sql), so the recv function gets exactly
-- these bytes.
-- ---------------------------------------------------------------------------
CREATE TABLE edge_bin (name text PRIMARY KEY, kind text, bytes bytea);
INSERT INTO edge_bin VALUES
	('tiers_version_only', 'tiers', substr(crm.tiers_send('{a, b >= 1, c >= 2}'), 1, 1)),
	('tiers_header_only', 'tiers', substr(crm.tiers_send('{a, b >= 1, c >= 2}'), 1, 5)),
	('tiers_in_a_bound', 'tiers', substr(crm.tiers_send('{a, b >= 1, c >= 2}'), 1, 12)),
	('tiers_in_a_label', 'tiers', substr(crm.tiers_send('{a, bb >= 1, c >= 2}'), 1, 31)),
	('tiers_last_byte_cut', 'tiers', substr(crm.tiers_send('{a, b >= 1}'), 1, 22)),
	('tiers_trailing_byte', 'tiers', crm.tiers_send('{a, b >= 1}') || '\x00'::bytea),
	('tiers_count_2147483647', 'tiers', '\x017fffffff'::bytea),
	('tiers_label_not_utf8', 'tiers', overlay(crm.tiers_send('{a, b >= 1}') placing '\xff'::bytea from 23 for 1)),
	('tiers_infinite_bound', 'tiers', overlay(crm.tiers_send('{a, b >= 1}') placing float8send('Infinity') from 6 for 8)),
	('card_version_only', 'card', '\x01'::bytea),
	('card_in_a_factor', 'card', substr(crm.scorecard_send('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}'), 1, 30)),
	('card_in_the_levels', 'card', substr(crm.scorecard_send('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}'), 1, 60)),
	('card_last_byte_cut', 'card', substr(crm.scorecard_send('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}'),
	                                      1, length(crm.scorecard_send('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}')) - 1)),
	('card_trailing_byte', 'card', crm.scorecard_send('x: numeric {0}; levels: {a, b >= 1}') || '\x00'::bytea),
	('card_257_factors', 'card', '\x0100' || '\x00000000'::bytea || '\x00000000'::bytea || int4send(257)),
	('card_4294967295_factors', 'card', '\x0100' || '\x00000000'::bytea || '\x00000000'::bytea || '\xffffffff'::bytea),
	('card_2147483647_values', 'card', '\x0100' || '\x00000000'::bytea || '\x00000000'::bytea || int4send(1)
	                                    || int4send(1) || 'x'::bytea || '\x02'::bytea || int4send(2147483647)
	                                    || float8send(0)),
	('card_5000_values_no_bytes', 'card', '\x0100' || '\x00000000'::bytea || '\x00000000'::bytea || int4send(1)
	                                       || int4send(1) || 'x'::bytea || '\x02'::bytea || int4send(5000)
	                                       || float8send(0) || float8send(0)),
	('card_unknown_kind', 'card', '\x0100' || '\x00000000'::bytea || '\x00000000'::bytea || int4send(1)
	                               || int4send(1) || 'x'::bytea || '\x07'::bytea || int4send(1) || float8send(0)),
	('card_unknown_flags', 'card', overlay(crm.scorecard_send('x: numeric {0}; levels: {a, b >= 1}') placing '\x80'::bytea from 2 for 1)),
	-- values: the builder's rules and messages, as for text and JSON
	('card_nan_points', 'card', overlay(crm.scorecard_send('x: numeric {1}; levels: {a, b >= 1}') placing float8send('NaN') from 33 for 8)),
	('card_empty_factor_name', 'card', overlay(crm.scorecard_send('x: numeric {1}; levels: {a, b >= 1}') placing int4send(0) from 15 for 5)),
	('card_missing_1e308_twice', 'card', overlay(overlay(crm.scorecard_send('x: numeric {0}; y: numeric {0}; levels: {a, b >= 1}')
	                                     placing float8send(1e308) from 25 for 8) placing float8send(1e308) from 51 for 8));
CREATE TABLE edge_tiers_in (v crm.tiers);
CREATE TABLE edge_card_in (v crm.scorecard);
SELECT name, length(bytes) AS bytes,
       crm_test.error_of(format('SELECT crm_test.copy_binary(%L, %L::bytea)',
                                CASE kind WHEN 'tiers' THEN 'edge_tiers_in' ELSE 'edge_card_in' END, bytes)) AS error
FROM edge_bin ORDER BY kind DESC, name;
-- nothing was loaded: every case was refused
SELECT (SELECT count(*) FROM edge_tiers_in) AS tiers_loaded, (SELECT count(*) FROM edge_card_in) AS cards_loaded;

-- ---------------------------------------------------------------------------
-- Totals.  A card whose points could add up to +-Infinity is refused in
-- every form (22003); up to the largest float8 the totals are exact sums.
-- ---------------------------------------------------------------------------
SELECT form, crm_test.error_of(stmt) AS error
FROM (VALUES
	('text, missing points', $$SELECT 'x: numeric {0, null: 1e308}; y: numeric {0, null: 1e308}; levels: {a, b >= 1}'::crm.scorecard$$),
	('text, other points', $$SELECT 'x: category {*: 1e308}; y: category {a: 1, *: 1e308}; levels: {a, b >= 1}'::crm.scorecard$$),
	('text, lowest points', $$SELECT 'x: numeric {-1e308, 0 >= 1}; y: category {a: -1e308}; levels: {a, b >= 1}'::crm.scorecard$$),
	('JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1e308]}, {"name": "y", "type": "numeric", "points": [1e308]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('binary', format('SELECT crm_test.copy_binary(%L, %L::bytea)', 'edge_card_in', (SELECT bytes FROM edge_bin WHERE name = 'card_missing_1e308_twice')))
) v(form, stmt);
SELECT crm.score(card, '{}') AS largest_total, crm.score_values(card, NULL::float8, 1) AS positional,
       crm.score_level(card, '{"y": 1}') AS level,
       (SELECT sum(points) FROM crm.score_explain(card, '{}')) AS explained
FROM (SELECT 'x: numeric {0, null: 1e308}; y: numeric {0, null: 7e307}; levels: {a, b >= 1}'::crm.scorecard AS card) k;
SELECT crm_test.error_of($$SELECT crm.level('x: numeric {0}; levels: {a, b >= 1}', 'Infinity')$$) AS level_of_infinity,
       crm_test.error_of($$SELECT crm.level('x: numeric {0}; levels: {a, b >= 1}', '-Infinity')$$) AS level_of_minus_infinity;

-- ---------------------------------------------------------------------------
-- One rule per value, every form: the same SQLSTATE and message.
-- ---------------------------------------------------------------------------
SELECT value, form, crm_test.error_of(stmt) AS error
FROM (VALUES
	-- numbers in a card
	('points 1e400', 'text', $$SELECT 'x: numeric {1e400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('points 1e400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1e400]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('points 1e-400', 'text', $$SELECT 'x: numeric {1e-400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('points 1e-400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1e-400]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('edge -1e400', 'text', $$SELECT 'x: numeric {0, 1 >= -1e400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('edge -1e400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "edges": [-1e400], "points": [0, 1]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('value points 1e400', 'text', $$SELECT 'x: category {"a b": 1e400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('value points 1e400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "category", "points": {"a b": 1e400}}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('missing 1e400', 'text', $$SELECT 'x: category {null: 1e400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('missing 1e400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "category", "points": {}, "missing": 1e400}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('other 1e400', 'text', $$SELECT 'x: category {*: 1e400}; levels: {a, b >= 1}'::crm.scorecard$$),
	('other 1e400', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "category", "points": {}, "other": 1e400}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('points NaN', 'text', $$SELECT 'x: numeric {NaN}; levels: {a, b >= 1}'::crm.scorecard$$),
	('points NaN', 'binary', format('SELECT crm_test.copy_binary(%L, %L::bytea)', 'edge_card_in', (SELECT bytes FROM edge_bin WHERE name = 'card_nan_points'))),
	('edge Infinity', 'text', $$SELECT 'x: numeric {0, 1 >= Infinity}; levels: {a, b >= 1}'::crm.scorecard$$),
	-- tier bounds, also as a card's levels
	('bound 1e400', 'text', $$SELECT '{a, b >= 1e400}'::crm.tiers$$),
	('bound 1e400', 'card text', $$SELECT 'x: numeric {0}; levels: {a, b >= 1e400}'::crm.scorecard$$),
	('bound 1e400', 'card JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": {"labels": ["a", "b"], "floors": [1e400]}}'::jsonb::crm.scorecard$$),
	('bound Infinity', 'text', $$SELECT '{a, b >= Infinity}'::crm.tiers$$),
	('bound Infinity', 'constructor', $$SELECT crm.tiers(ARRAY['a', 'b'], ARRAY['Infinity'::float8])$$),
	('bound Infinity', 'binary', format('SELECT crm_test.copy_binary(%L, %L::bytea)', 'edge_tiers_in', (SELECT bytes FROM edge_bin WHERE name = 'tiers_infinite_bound'))),
	-- names and labels
	('empty card name', 'text', $$SELECT 'name ""; x: numeric {0}; levels: {a, b >= 1}'::crm.scorecard$$),
	('empty card name', 'JSON', $$SELECT '{"name": "", "factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('empty version', 'text', $$SELECT 'version ""; x: numeric {0}; levels: {a, b >= 1}'::crm.scorecard$$),
	('empty version', 'JSON', $$SELECT '{"version": "", "factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('numeric card name', 'JSON', $$SELECT '{"name": 5, "factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('numeric version', 'JSON', $$SELECT '{"version": 2026.1, "factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('empty factor name', 'text', $$SELECT '"": numeric {0}; levels: {a, b >= 1}'::crm.scorecard$$),
	('empty factor name', 'JSON', $$SELECT '{"factors": [{"name": "", "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('empty factor name', 'binary', format('SELECT crm_test.copy_binary(%L, %L::bytea)', 'edge_card_in', (SELECT bytes FROM edge_bin WHERE name = 'card_empty_factor_name'))),
	('numeric factor name', 'JSON', $$SELECT '{"factors": [{"name": 5, "type": "numeric", "points": [0]}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('empty value', 'text', $$SELECT 'x: category {"": 1}; levels: {a, b >= 1}'::crm.scorecard$$),
	('empty value', 'JSON', $$SELECT '{"factors": [{"name": "x", "type": "category", "points": {"": 1}}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$),
	('empty label', 'text', $$SELECT '{a, "" >= 1}'::crm.tiers$$),
	('empty label', 'constructor', $$SELECT crm.tiers(ARRAY['a', ''], ARRAY[1.0])$$),
	('empty label', 'card JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": {"labels": ["a", ""], "floors": [1]}}'::jsonb::crm.scorecard$$),
	('numeric label', 'card JSON', $$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [0]}], "levels": {"labels": ["a", 2], "floors": [1]}}'::jsonb::crm.scorecard$$),
	-- attributes when scoring
	('value 1e400', 'JSON number', $$SELECT crm.score('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": 1e400}')$$),
	('value 1e400', 'JSON string', $$SELECT crm.score('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": "1e400"}')$$),
	('value 1e400', 'numeric', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', 1e400::numeric)$$),
	('value 1e400', 'text', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '1e400'::text)$$),
	('value -1e-400', 'JSON number', $$SELECT crm.score('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": -1e-400}')$$),
	('value -1e-400', 'text', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '-1e-400'::text)$$),
	('value NaN', 'JSON string', $$SELECT crm.score('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": "NaN"}')$$),
	('value NaN', 'float8', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', 'NaN'::float8)$$),
	('value NaN', 'numeric', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', 'NaN'::numeric)$$),
	('value -Infinity', 'float8', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '-Infinity'::float8)$$),
	('value -Infinity', 'numeric', $$SELECT crm.score_values('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '-Infinity'::numeric)$$),
	('value -Infinity', 'explain', $$SELECT * FROM crm.score_explain('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": "-Infinity"}')$$),
	('value Infinity', 'tier', $$SELECT crm.tier('Infinity'::float8, '{a, b >= 1}')$$),
	('value Infinity', 'tier numeric', $$SELECT crm.tier('Infinity'::numeric, '{a, b >= 1}')$$)
) v(value, form, stmt);
