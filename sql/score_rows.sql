-- Scoring table rows with crm.score(card, to_jsonb(row), ignore_unknown => true):
-- a strict card refuses keys that are not its factors, and a row always has
-- some (the customer id); ignore_unknown ignores them for this call.

CREATE TEMP TABLE row_cards (name text PRIMARY KEY, card crm.scorecard);
INSERT INTO row_cards VALUES
	('strict', 'strict; region: category {high_risk: 30, offshore: 25, *: 0, null: 15}; fund_size: numeric {0, 5 >= 500000, 10 >= 5000000, null: 10}; levels: {low, medium >= 20, high >= 35}'),
	('lenient', 'region: category {high_risk: 30, offshore: 25, *: 0, null: 15}; fund_size: numeric {0, 5 >= 500000, 10 >= 5000000, null: 10}; levels: {low, medium >= 20, high >= 35}');
CREATE TEMP TABLE row_customers (customer_id int, region text, fund_size numeric, segment text);
INSERT INTO row_customers VALUES (1, 'offshore', 6000000, 'retail'), (2, 'domestic', 100, 'corporate'), (3, NULL, NULL, 'retail');

-- the strict card refuses the row as it is
SELECT crm_test.error_of($$SELECT crm.score(card, to_jsonb(c)) FROM row_cards, row_customers c WHERE name = 'strict'$$);
-- with ignore_unknown => true it scores it, as the non-strict card does
SELECT c.customer_id, k.name,
       crm.score(k.card, to_jsonb(c), ignore_unknown => true) AS points,
       crm.score_level(k.card, to_jsonb(c), ignore_unknown => true) AS level,
       crm.score(k.card, to_jsonb(c) - 'customer_id' - 'segment') AS points_without_extra_keys
FROM row_cards k, row_customers c ORDER BY 1, 2;
SELECT e.* FROM row_cards k, row_customers c, crm.score_explain(k.card, to_jsonb(c), true) e
WHERE k.name = 'strict' AND c.customer_id = 1;
-- ignore_unknown => false is the card's own rule
SELECT crm_test.error_of($$SELECT crm.score_level(card, '{"region": "x", "typo": 1}', false) FROM row_cards WHERE name = 'strict'$$);
SELECT crm.score_level(card, '{"region": "x", "typo": 1}', false) FROM row_cards WHERE name = 'lenient';
-- unknown keys are ignored, known ones still checked
SELECT crm_test.error_of($$SELECT crm.score(card, '{"fund_size": "lots", "typo": 1}', true) FROM row_cards WHERE name = 'strict'$$);
-- NULL attributes: nothing known, as with two arguments
SELECT crm.score(card, NULL, true) = crm.score(card, NULL) AS same FROM row_cards WHERE name = 'strict';

-- the two-argument forms are unchanged, and untyped literals resolve as before
SELECT crm.score(card, '{"region": "offshore"}') AS two_args, crm.score(card, '{"region": "offshore"}', true) AS three_args
FROM row_cards WHERE name = 'strict';
SELECT proname, pronargs FROM pg_proc
WHERE pronamespace = 'crm'::regnamespace AND proname IN ('score', 'score_level', 'score_explain') ORDER BY 1, 2;

-- bad arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.score(card, ''{}'', NULL) FROM row_cards WHERE name = ''strict'''),
	('crm.score_level(card, ''{}'', NULL) FROM row_cards WHERE name = ''strict'''),
	('* FROM row_cards, crm.score_explain(card, ''{}'', NULL) WHERE name = ''strict'''),
	('crm.score(NULL, ''{}'', true)'),
	('crm.score(card, ''[1]'', true) FROM row_cards WHERE name = ''strict'''),
	('crm.score(card, ''{"region": [1]}'', true) FROM row_cards WHERE name = ''strict''')
) v(call);
