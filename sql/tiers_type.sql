-- crm.tiers: text form, constructor, accessors, equality, storage, binary I/O
--
-- Operators on crm types live in schema crm: write OPERATOR(crm.=) or put crm
-- on the search_path, as the rest of this file does.
SELECT '{a, b >= 1}'::crm.tiers OPERATOR(crm.=) '{a, b >= 1.0}'::crm.tiers AS qualified_eq;
SET search_path = public, crm;

-- text form round trips (output is canonical; reading it back gives an equal value)
SELECT s::crm.tiers AS scheme, s::crm.tiers::text::crm.tiers = s::crm.tiers AS round_trip
FROM (VALUES
	('{mass, priority >= 80000, sunflower >= 500000}'),
	('  {  a ,b>=1,   c >=   2.5 }  '),
	('{low, high >= -0}'),
	('{neg, zero >= -1e-3, pos >= 1e-320}'),
	('{a, b >= 1e15, c >= 1e16, d >= 1.7976931348623157e308}'),
	('{"private banking", "a,b" >= 1, "x\"y\\z" >= 2, "{}" >= 3, ">=" >= 4}'),
	('{普通客户, 金葵花 >= 500000, 私人银行 >= 6000000}'),
	('{a, b >= 0.1, c >= 0.30000000000000004}'),
	('{a, b >= 0x10}'),
	('{a b, c d >= 1}')
) v(s);

-- constructor: labels and bounds arrays
SELECT crm.tiers(ARRAY['micro', 'sme', 'mid', 'large'], ARRAY[2.5e6, 5e7, 2e9]);
SELECT crm.tiers(ARRAY['micro', 'sme', 'mid', 'large'], ARRAY[2.5e6, 5e7, 2e9])
	= crm.tiers_preset('corporate_sales_usd') AS same_as_preset;
SELECT crm.labels(crm.tiers_preset('cn_retail_aum')), crm.bounds(crm.tiers_preset('cn_retail_aum'));

-- equality and hashing: GROUP BY and DISTINCT work on schemes
SELECT '{a, b >= 1}'::crm.tiers = '{ a , b >= 1.0 }'::crm.tiers AS eq,
       '{a, b >= 1}'::crm.tiers <> '{a, b >= 2}'::crm.tiers AS ne_bound,
       '{a, b >= 1}'::crm.tiers <> '{a, c >= 1}'::crm.tiers AS ne_label,
       '{a, b >= 0}'::crm.tiers = '{a, b >= -0}'::crm.tiers AS zero_is_zero;
SELECT count(*) AS distinct_schemes
FROM (SELECT DISTINCT s FROM (VALUES ('{a, b >= 1}'::crm.tiers), ('{a, b >= 1.0}'), ('{a, b >= 2}')) v(s)) d;
SELECT s, count(*) FROM (VALUES ('{a, b >= 1}'::crm.tiers), ('{a, b >= 1.0}'), ('{a, b >= 2}')) v(s) GROUP BY s ORDER BY 2, 1::text;

-- schemes are values: a versioned rule table
CREATE TABLE tier_rules (valid_from date PRIMARY KEY, scheme crm.tiers NOT NULL);
INSERT INTO tier_rules VALUES
	('2025-01-01', '{mass, priority >= 80000, sunflower >= 500000}'),
	('2026-01-01', '{mass, priority >= 100000, sunflower >= 500000, private >= 6e6}');
SELECT valid_from, scheme, crm.tier(90000, scheme) FROM tier_rules ORDER BY valid_from;

-- binary COPY round trip through a file, compared by equality
\copy tier_rules TO 'results/tier_rules.bin' WITH (FORMAT binary)
CREATE TABLE tier_rules_back (LIKE tier_rules);
\copy tier_rules_back FROM 'results/tier_rules.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, bool_and(a.scheme = b.scheme) AS all_equal
FROM tier_rules a JOIN tier_rules_back b USING (valid_from);
-- text COPY round trip
\copy tier_rules TO 'results/tier_rules.txt'
TRUNCATE tier_rules_back;
\copy tier_rules_back FROM 'results/tier_rules.txt'
SELECT count(*) AS rows, bool_and(a.scheme = b.scheme) AS all_equal
FROM tier_rules a JOIN tier_rules_back b USING (valid_from);
-- the binary form: version byte, tier count, bounds, counted labels
SELECT crm.tiers_send('{a, b >= 1}');

-- NULL in, NULL out
SELECT crm.tiers(NULL, ARRAY[1.0]) IS NULL AS null_labels,
       crm.tiers(ARRAY['a', 'b'], NULL) IS NULL AS null_bounds,
       crm.labels(NULL) IS NULL AS null_scheme;

-- bad text literals: one per line, each with its SQLSTATE
SELECT left(input, 24) AS input, crm_test.error_of(format('SELECT %L::crm.tiers', input)) AS error
FROM (VALUES
	(''),
	('   '),
	('{}'),
	('{a}'),
	('{a, b}'),
	('{a, b >= }'),
	('{a, b >= x}'),
	('{a, b > 1}'),
	('{a, b = 1}'),
	('{a >= 1, b >= 2}'),
	('{a, b >= 1'),
	('a, b >= 1'),
	('{a, b >= 1} x'),
	('{a,, b >= 1}'),
	('{, b >= 1}'),
	('{a, "" >= 1}'),
	('{a, "b >= 1}'),
	('{a, b >= 1, b >= 2}'),
	('{a, b >= 2, c >= 1}'),
	('{a, b >= 1, c >= 1}'),
	('{a, b >= NaN}'),
	('{a, b >= Infinity}'),
	('{a, b >= -inf}'),
	('{a, b >= 1e400}'),
	('{a, b >= -1e400}'),
	('{a, b >= 1e-400}'),
	('{a, b >= 1 2}'),
	('{a, b >= 1, }'),
	('{a, b >= 1, c}'),
	('{a\, b >= 1}'),
	('{' || repeat('x', 201) || ', b >= 1}')
) v(input);

-- bad constructor arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.tiers(ARRAY[]::text[], ARRAY[]::float8[])'),
	('crm.tiers(ARRAY[''a''], ARRAY[]::float8[])'),
	('crm.tiers(ARRAY[''a'', ''b''], ARRAY[1.0, 2.0])'),
	('crm.tiers(ARRAY[''a'', ''b'', ''c''], ARRAY[1.0])'),
	('crm.tiers(ARRAY[''a'', NULL], ARRAY[1.0])'),
	('crm.tiers(ARRAY[''a'', ''b''], ARRAY[NULL]::float8[])'),
	('crm.tiers(ARRAY[''a'', ''a''], ARRAY[1.0])'),
	('crm.tiers(ARRAY[''a'', ''''], ARRAY[1.0])'),
	('crm.tiers(ARRAY[''a'', ''b'', ''c''], ARRAY[2.0, 1.0])'),
	('crm.tiers(ARRAY[''a'', ''b''], ARRAY[''NaN''::float8])'),
	('crm.tiers(ARRAY[''a'', ''b''], ARRAY[''-Infinity''::float8])'),
	('crm.tiers(ARRAY[[''a'', ''b''], [''c'', ''d'']], ARRAY[1.0, 2.0, 3.0])'),
	('crm.tiers(ARRAY[''a'', ''b''], ARRAY[[1.0]])'),
	('crm.tiers(array_agg(''t'' || i), array_agg(i::float8) FILTER (WHERE i > 0)) FROM generate_series(0, 1000) i')
) v(call);
