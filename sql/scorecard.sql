-- crm.scorecard: an illustrative anti-money-laundering (AML) customer risk card.
-- The points are an example only; each institution sets its own.
SET search_path = public, crm;

CREATE TABLE cards (valid_from date PRIMARY KEY, card crm.scorecard NOT NULL);
INSERT INTO cards VALUES ('2026-01-01', $$
	name aml_customer_risk; version 2026.1;
	region: category {high_risk: 30, offshore: 25, medium: 10, *: 0, null: 15};
	industry: category {casino: 30, precious_metals: 25, money_services: 25, real_estate: 15, restaurant: 10, null: 10};
	identity: category {pep: 30, non_resident: 20, resident: 0, *: 5, null: 15};
	fund_size: numeric {0, 5 >= 500000, 10 >= 5000000, 20 >= 50000000, null: 10};
	cash_share: numeric {0, 5 >= 0.2, 15 >= 0.5, 25 >= 0.8, null: 10};
	cash_tx_per_month: numeric {0, 5 >= 10, 15 >= 30, null: 5};
	levels: {low, medium >= 40, high >= 70}
$$);

-- the canonical text form: defaults written out, category values sorted
SELECT card FROM cards;
SELECT * FROM crm.scorecard_factors((SELECT card FROM cards));
SELECT crm.levels(card) FROM cards;

-- customers, with the totals worked out by hand:
--  1 domestic office worker            0+0+0+0+0+0                      =   0  low
--  2 non-resident casino, high risk    30+30+20+10(8M)+25(0.85)+15(45)  = 130  high
--  3 restaurant, medium region         10+10+0+5(600k)+15(0.5 = edge)+5(10 = edge) = 45 medium
--  4 nothing known                     15+10+15+10+10+5                 =  65  medium
--  5 PEP in real estate, offshore      25+15+30+10(5M = edge)+5(0.2 = edge)+0(9) = 85 high
--  6 money services, other identity    0+25+5+0+5(0.2)+5(10)            =  40  medium (total = floor)
--  7 numbers as strings, a JSON null  0+0+0+10("6000000")+0("0.1")+5(null: missing) = 15 low
CREATE TABLE customers (id int PRIMARY KEY, attrs jsonb NOT NULL, expected_total float8, expected_level text);
INSERT INTO customers VALUES
	(1, '{"region": "east", "industry": "office", "identity": "resident", "fund_size": 120000, "cash_share": 0.05, "cash_tx_per_month": 2}', 0, 'low'),
	(2, '{"region": "high_risk", "industry": "casino", "identity": "non_resident", "fund_size": 8000000, "cash_share": 0.85, "cash_tx_per_month": 45}', 130, 'high'),
	(3, '{"region": "medium", "industry": "restaurant", "identity": "resident", "fund_size": 600000, "cash_share": 0.5, "cash_tx_per_month": 10}', 45, 'medium'),
	(4, '{}', 65, 'medium'),
	(5, '{"region": "offshore", "industry": "real_estate", "identity": "pep", "fund_size": 5000000, "cash_share": 0.2, "cash_tx_per_month": 9}', 85, 'high'),
	(6, '{"region": "west", "industry": "money_services", "identity": "student", "fund_size": 100, "cash_share": 0.2, "cash_tx_per_month": 10}', 40, 'medium'),
	(7, '{"region": "east", "industry": "office", "identity": "resident", "fund_size": "6000000", "cash_share": "0.1", "cash_tx_per_month": null}', 15, 'low');

SELECT id, crm.score(card, attrs) AS total, expected_total,
       crm.score_level(card, attrs) AS level, expected_level,
       crm.score(card, attrs) = expected_total AND crm.score_level(card, attrs) = expected_level AS ok
FROM customers, cards ORDER BY id;

-- customer 7: strings read as numbers, and a JSON null gets the missing points
SELECT * FROM crm.score_explain((SELECT card FROM cards), (SELECT attrs FROM customers WHERE id = 7));

-- the explanation: one row per factor, summing to the score (customer 3, edges)
SELECT * FROM crm.score_explain((SELECT card FROM cards), (SELECT attrs FROM customers WHERE id = 3));
SELECT id, (SELECT sum(points) FROM crm.score_explain(card, attrs)) AS explained, crm.score(card, attrs) AS total
FROM customers, cards ORDER BY id;

-- the positional form: one value per factor, in factor order, in its own type
SELECT id,
       crm.score_values(card, attrs->>'region', attrs->>'industry', attrs->>'identity',
                        (attrs->>'fund_size')::numeric, (attrs->>'cash_share')::float8,
                        (attrs->>'cash_tx_per_month')::int) AS positional,
       crm.score(card, attrs) AS jsonb_form,
       crm.score_level_values(card, attrs->>'region', attrs->>'industry', attrs->>'identity',
                        (attrs->>'fund_size')::numeric, (attrs->>'cash_share')::float8,
                        (attrs->>'cash_tx_per_month')::int) AS level
FROM customers, cards ORDER BY id;
-- values as text, and as an explicit VARIADIC array
SELECT crm.score_values(card, 'high_risk', 'casino', 'pep', '50000000', '0.8', '30') AS all_top_bins,
       crm.score_values(card, VARIADIC ARRAY['high_risk', 'casino', 'pep', '50000000', '0.8', '30']) AS as_array,
       crm.score_values(card, NULL::text, NULL, NULL, NULL::int, NULL::int, NULL::int) AS all_missing
FROM cards;
-- category values of any type are matched by their text form; char(n) ignores trailing blanks
SELECT crm.score_values('x: category {1: 10, true: 20, 2.5: 30}; levels: {a, b >= 1}', 1) AS int_value,
       crm.score_values('x: category {1: 10, true: 20, 2.5: 30}; levels: {a, b >= 1}', true) AS bool_value,
       crm.score_values('x: category {1: 10, true: 20, 2.5: 30}; levels: {a, b >= 1}', 2.5) AS numeric_value,
       crm.score_values('x: category {ab: 7}; levels: {a, b >= 1}', 'ab  '::char(4)) AS bpchar_value;

-- a value equal to an edge is in the upper bin, as in crm.tiers
SELECT v, crm.score_values('x: numeric {0, 1 >= 10, 2 >= 20}; levels: {a, b >= 1}', v) AS points,
       crm.tier_index(v, '{a, b >= 10, c >= 20}') - 1 AS tier_rule
FROM (VALUES (9.99::float8), (10), (19.99), (20), (-1e9), (1e9)) t(v);

-- levels of a total
SELECT t, crm.level(card, t) FROM cards, (VALUES (-5::float8), (39.99), (40), (69.99), (70), (1000)) v(t);

-- cards are values: text and JSON forms round trip; equal cards compare equal
SELECT card::text::crm.scorecard OPERATOR(crm.=) card AS text_round_trip,
       crm.scorecard(crm.to_jsonb(card)) OPERATOR(crm.=) card AS json_round_trip,
       card::jsonb::crm.scorecard OPERATOR(crm.=) card AS cast_round_trip
FROM cards;
SELECT crm.to_jsonb('name t; strict; x: category {b: 2, a: 1, *: -1}; y: numeric {0, 1 >= 5}; levels: {lo, hi >= 2}');
SELECT 'x: category {b: 2, a: 1}; levels: {lo, hi >= 2}'::crm.scorecard
       OPERATOR(crm.=) 'x: category {a: 1, b: 2, *: 0, null: 0}; levels: {lo, hi >= 2}'::crm.scorecard AS same_card;
-- quoting: keywords, punctuation and blanks are quoted; non-ASCII words are not
SELECT $$"name": category {"null": 1, "a b": 2, "x:y": 3, 金葵花: 4, 5411: 5}; "levels": numeric {0, 1 >= -1.5}; levels: {低, 高 >= 1}$$::crm.scorecard;

-- strict cards reject unknown attributes; others ignore them
SELECT crm.score('x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": 6, "other": "ignored"}') AS lenient;
SELECT crm_test.error_of($$SELECT crm.score('strict; x: numeric {0, 1 >= 5}; levels: {a, b >= 1}', '{"x": 6, "other": 1}')$$) AS strict;

-- NULL attributes mean nothing is known (every factor gets its missing points)
SELECT crm.score(card, NULL) AS null_attrs FROM cards;

-- binary COPY round trip
\copy cards TO 'results/cards.bin' WITH (FORMAT binary)
CREATE TABLE cards_back (LIKE cards);
\copy cards_back FROM 'results/cards.bin' WITH (FORMAT binary)
SELECT a.card OPERATOR(crm.=) b.card AS binary_round_trip FROM cards a JOIN cards_back b USING (valid_from);

-- bad card literals, one per line
SELECT left(input, 40) AS input, crm_test.error_of(format('SELECT %L::crm.scorecard', input)) AS error
FROM (VALUES
	(''),
	('x'),
	('levels: {a, b >= 1}'),
	('x: numeric {0}'),
	('x: numeric {0}; levels: {a}'),
	('x: numeric {}; levels: {a, b >= 1}'),
	('x: numeric {1 >= 2}; levels: {a, b >= 1}'),
	('x: numeric {0, 1}; levels: {a, b >= 1}'),
	('x: numeric {0, 1 >= 5, 2 >= 5}; levels: {a, b >= 1}'),
	('x: numeric {0, 1 >= 5, 2 >= 1}; levels: {a, b >= 1}'),
	('x: numeric {NaN}; levels: {a, b >= 1}'),
	('x: numeric {0, 1 >= Infinity}; levels: {a, b >= 1}'),
	('x: numeric {1e400}; levels: {a, b >= 1}'),
	('x: numeric {0, null: 1, null: 2}; levels: {a, b >= 1}'),
	('x: numeric {0}; x: numeric {1}; levels: {a, b >= 1}'),
	('x: category {a: 1, a: 2}; levels: {a, b >= 1}'),
	('x: category {a: 1, *: 1, *: 2}; levels: {a, b >= 1}'),
	('x: category {a: NaN}; levels: {a, b >= 1}'),
	('x: category {a 1}; levels: {a, b >= 1}'),
	('x: category {"a: 1}; levels: {a, b >= 1}'),
	('x: category {"": 1}; levels: {a, b >= 1}'),
	('x: text {a: 1}; levels: {a, b >= 1}'),
	('"": numeric {0}; levels: {a, b >= 1}'),
	('numeric: numeric {0}; levels: {a, b >= 1}'),
	('name ""; x: numeric {0}; levels: {a, b >= 1}'),
	('name a; name b; x: numeric {0}; levels: {a, b >= 1}'),
	('strict; strict; x: numeric {0}; levels: {a, b >= 1}'),
	('x: numeric {0}; levels: {a, b >= 1}; levels: {c, d >= 2}'),
	('x: numeric {0} levels: {a, b >= 1}'),
	('x: numeric {0}; levels: {a, a >= 1}'),
	('x: numeric {0}; levels: {a, b >= 2, c >= 1}'),
	('x: numeric {0}; levels: a, b'),
	('{"factors": []}'),
	('x: numeric {0}; levels: {a, b >= 1}; ' || repeat('y', 201) || ': numeric {0}')
) v(input);

-- bad JSON cards
SELECT input, crm_test.error_of(format('SELECT %L::jsonb::crm.scorecard', input)) AS error
FROM (VALUES
	('[]'),
	('{"factors": [], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1]}]}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": "{a, b >= 1}", "extra": 1}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1], "bins": 3}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "points": [1]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "text", "points": [1]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"type": "numeric", "points": [1]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "numeric", "edges": [1], "points": [1]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": ["1"]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "category", "points": [1]}], "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "category", "points": {"a": true}}], "levels": "{a, b >= 1}"}'),
	('{"factors": {"name": "x"}, "levels": "{a, b >= 1}"}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": {"labels": ["a", "b"], "floors": []}}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": {"labels": ["a", 2], "floors": [1]}}'),
	('{"factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": 5}'),
	('{"strict": "yes", "factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": "{a, b >= 1}"}')
) v(input);

-- bad attributes and arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.score(NULL, ''{}'')'),
	('crm.score_values(NULL, 1)'),
	('crm.score_explain(NULL, ''{}'')'),
	('crm.score(card, ''[1, 2]'') FROM cards'),
	('crm.score(card, ''"x"'') FROM cards'),
	('crm.score(card, ''{"fund_size": true}'') FROM cards'),
	('crm.score(card, ''{"fund_size": "abc"}'') FROM cards'),
	('crm.score(card, ''{"fund_size": "NaN"}'') FROM cards'),
	('crm.score(card, ''{"fund_size": "1e999"}'') FROM cards'),
	('crm.score(card, ''{"region": {"a": 1}}'') FROM cards'),
	('crm.score(card, ''{"region": [1]}'') FROM cards'),
	('crm.score_values(card, ''a'', ''b'') FROM cards'),
	('crm.score_values(card, ''a'', ''b'', ''c'', true, 1, 1) FROM cards'),
	('crm.score_values(card, ''a'', ''b'', ''c'', ''NaN''::float8, 1, 1) FROM cards'),
	('crm.score_values(card, ''a'', ''b'', ''c'', ''x1'', 1, 1) FROM cards'),
	('crm.score_values(card, VARIADIC NULL::text[]) FROM cards'),
	('crm.score_values(card, VARIADIC ARRAY[[''a'']]) FROM cards'),
	('crm.score_values(card, VARIADIC ARRAY[''a'']) FROM cards'),
	('crm.level(card, ''NaN'') FROM cards')
) v(call);
