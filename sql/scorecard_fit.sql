-- crm.scorecard_fit: fitting a points card from labelled rows; the fitted
-- card's statistics (crm.scorecard_bins, crm.scorecard_iv) and its forms
-- (format version 2); the options; documented behaviour at the limits; bad
-- inputs with their SQLSTATEs.  Weights of evidence and coefficients are
-- printed rounded to 6 decimals: they are logarithms and a regression's
-- solution, whose last bits follow the C library; points are whole numbers.

-- 6,000 customers: the target is likelier with few transactions (tx), in
-- the "retail" segment and without e-mail; age is a deterministic jumble
-- of the id; email is missing for every ninth customer.
CREATE TABLE fit_rows AS
SELECT g AS id,
       ((g * 7919) % 100) < (CASE WHEN g % 40 < 10 THEN 45 WHEN g % 40 < 25 THEN 20 ELSE 6 END
                             + CASE WHEN g % 3 = 0 THEN 10 ELSE 0 END
                             + CASE WHEN g % 9 <> 0 AND g % 2 = 0 THEN 0 ELSE 5 END) AS target,
       jsonb_build_object(
         'tx', g % 40 + (g % 7) * 0.5,
         'segment', (ARRAY['retail', 'sme', 'private'])[1 + g % 3],
         'age', 20 + (g * 37) % 50,
         'email', CASE WHEN g % 9 = 0 THEN NULL ELSE g % 2 = 0 END) AS attrs
FROM generate_series(1, 6000) g;
SELECT count(*) AS rows, count(*) FILTER (WHERE target) AS targets FROM fit_rows;

CREATE TABLE fitted AS SELECT crm.scorecard_fit(target, attrs) AS card FROM fit_rows;

-- the card: factors in name order (crm.scorecard_factors keeps its 0.1.0 columns)
SELECT * FROM crm.scorecard_factors((SELECT card FROM fitted));
SELECT ordinal, factor, round(iv::numeric, 6) AS iv, round(coefficient::numeric, 6) AS coefficient
FROM crm.scorecard_iv((SELECT card FROM fitted));
SELECT factor, bin, round(woe::numeric, 6) AS woe, count, round(target_rate::numeric, 4) AS target_rate, points
FROM crm.scorecard_bins((SELECT card FROM fitted));
-- every factor's bins hold every row once
SELECT factor, sum(count) AS rows FROM crm.scorecard_bins((SELECT card FROM fitted)) GROUP BY factor ORDER BY factor;
-- the level bands: unlikely / likely, split at even odds (600 + 20 log2(19) = 684.96)
SELECT crm.levels(card) FROM fitted;
-- the fit clause: rows, targets, scaling, the intercept (rounded here)
SELECT substring(card::text FROM 'fit \{rows [0-9]+, targets [0-9]+, points0 [0-9]+, odds0 [0-9.]+, pdo [0-9]+, higher [a-z_]+') FROM fitted;

-- a normal card: scored by crm.score, the positional form, explained per factor
SELECT id, crm.score(card, attrs) AS score, crm.score_level(card, attrs) AS level,
       crm.score_values(card, (attrs->>'age')::int, attrs->>'email', attrs->>'segment', (attrs->>'tx')::numeric) AS positional,
       (SELECT sum(points) FROM crm.score_explain(card, attrs)) AS explained
FROM fit_rows, fitted WHERE id IN (1, 2, 9, 10, 35) ORDER BY id;
SELECT * FROM crm.score_explain((SELECT card FROM fitted), '{"tx": 3.5, "segment": "retail", "age": 44}');
-- not strict: extra attributes are ignored
SELECT crm.score(card, '{"tx": 3.5, "segment": "retail", "age": 44, "branch": "north"}') =
       crm.score(card, '{"tx": 3.5, "segment": "retail", "age": 44}') AS extra_ignored FROM fitted;
-- how well it separates the training rows
SELECT round(crm.auc(crm.score(card, attrs), target)::numeric, 4) AS auc FROM fit_rows, fitted;

-- the forms round-trip: text, JSON, binary COPY
SELECT card::text::crm.scorecard OPERATOR(crm.=) card AS text_round_trip,
       crm.to_jsonb(card)::crm.scorecard OPERATOR(crm.=) card AS json_round_trip,
       crm.to_jsonb(card) ? 'fit' AS json_has_fit
FROM fitted;
\copy fitted TO 'results/scorecard_fit.bin' WITH (FORMAT binary)
CREATE TABLE fitted_copy (card crm.scorecard);
\copy fitted_copy FROM 'results/scorecard_fit.bin' WITH (FORMAT binary)
SELECT a.card OPERATOR(crm.=) b.card AS binary_round_trip FROM fitted a, fitted_copy b;

-- exact: the same card in any row order, and from a parallel plan (partial
-- states combined); fit_rows is a regular table, so it can be scanned in parallel
SELECT (SELECT crm.scorecard_fit(target, attrs ORDER BY id DESC) FROM fit_rows)
       OPERATOR(crm.=) card AS any_order FROM fitted;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT crm.scorecard_fit(target, attrs) FROM fit_rows;
SELECT (SELECT crm.scorecard_fit(target, attrs) FROM fit_rows) OPERATOR(crm.=) card AS parallel_equals_serial
FROM fitted;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- one card per group
SELECT attrs->>'segment' AS segment, (SELECT count(*) FROM crm.scorecard_factors(crm.scorecard_fit(target, attrs - 'segment'))) AS factors
FROM fit_rows GROUP BY 1 ORDER BY 1;

-- ---------------------------------------------------------------- options
-- max_bins and min_bin_share: at most 3 bins a factor, each of >= 20% of the rows
SELECT factor, count(*) FILTER (WHERE bin NOT IN ('*', 'null')) AS bins,
       min(count) FILTER (WHERE bin NOT IN ('*', 'null') AND count > 0) >= 0.2 * 6000 AS min_share_met
FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, attrs, '{"max_bins": 3, "min_bin_share": 0.2}') FROM fit_rows))
GROUP BY factor ORDER BY factor;
-- monotone: the target rate of tx's bins only rises or only falls
WITH b AS (SELECT bin, target_rate, row_number() OVER () AS i
           FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, attrs, '{"monotone": true}') FROM fit_rows))
           WHERE factor = 'tx' AND bin <> 'null')
SELECT count(*) AS bins,
       bool_and(d > 0) OR bool_and(d < 0) AS strictly_monotone
FROM (SELECT target_rate - lag(target_rate) OVER (ORDER BY i) AS d FROM b) x WHERE d IS NOT NULL;
-- the scaling with one factor is exact: points0 + pdo * log2(odds / odds0), here
-- 500 points at odds 1:1 and 50 to double them (a value with odds 1:3 gets 500 - 50 * log2(3) = 420.75)
SELECT bin, count, round(target_rate::numeric, 4) AS target_rate, points,
       round((500 + 50 * log(2, (target_rate / (1 - target_rate))::numeric))::numeric, 2) AS expected
FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, jsonb_build_object('segment', attrs->'segment'),
                                                  '{"points0": 500, "odds0": 1, "pdo": 50, "precision": 2}') FROM fit_rows))
WHERE count > 0;
-- higher non_target: points fall as the target gets likelier (credit-score style)
SELECT bin, round(target_rate::numeric, 4) AS target_rate, points
FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, jsonb_build_object('segment', attrs->'segment'),
                                                  '{"higher": "non_target"}') FROM fit_rows))
WHERE count > 0 ORDER BY target_rate;
-- include, exclude, categorical (age's numbers as categories), name, version, levels
SELECT * FROM crm.scorecard_factors((SELECT crm.scorecard_fit(target, attrs,
	'{"include": ["age", "tx"], "categorical": ["age"]}') FROM fit_rows));
SELECT * FROM crm.scorecard_factors((SELECT crm.scorecard_fit(target, attrs, '{"exclude": ["age", "email", "nonesuch"]}') FROM fit_rows));
SELECT left(crm.scorecard_fit(target, attrs, '{"name": "churn", "version": "2026.12", "include": ["segment"]}')::text, 40) FROM fit_rows;
SELECT crm.levels(crm.scorecard_fit(target, attrs, '{"levels": "{low, medium >= 600, high >= 650}"}')) FROM fit_rows;
SELECT crm.levels(crm.scorecard_fit(target, attrs, '{"levels": {"labels": ["a", "b"], "floors": [620]}}')) FROM fit_rows;
-- missing values: their own bin (default, when they hold min_bin_share), or neutral (WOE 0)
SELECT bin, count, round(woe::numeric, 6) AS woe FROM crm.scorecard_bins((SELECT card FROM fitted)) WHERE factor = 'email';
SELECT bin, count, round(woe::numeric, 6) AS woe
FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, attrs, '{"missing": "neutral"}') FROM fit_rows)) WHERE factor = 'email';
-- a sample smaller than the distinct rows: the fit is approximate (NOTICE), still a card
SELECT (SELECT count(*) FROM crm.scorecard_factors(crm.scorecard_fit(target, attrs, '{"sample_rows": 500}'))) AS factors FROM fit_rows;
-- NULL options are the defaults
SELECT crm.scorecard_fit(target, attrs, NULL) OPERATOR(crm.=) (SELECT card FROM fitted) AS null_options FROM fit_rows;

-- ---------------------------------------------------------------- documented behaviour
-- NULL targets are skipped; NULL attributes are a row with every factor missing
SELECT crm.scorecard_fit(CASE WHEN id % 2 = 0 THEN target END, attrs) OPERATOR(crm.=)
       (SELECT crm.scorecard_fit(target, attrs) FROM fit_rows WHERE id % 2 = 0) AS null_targets_skipped
FROM fit_rows;
SELECT bin, count FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, CASE WHEN id % 4 = 0 THEN NULL ELSE attrs END) FROM fit_rows))
WHERE factor = 'segment';
-- no rows, or only NULL targets: NULL
SELECT crm.scorecard_fit(target, attrs) IS NULL AS no_rows FROM fit_rows WHERE false;
SELECT crm.scorecard_fit(NULL::boolean, attrs) IS NULL AS null_targets FROM fit_rows;
-- a constant attribute and one that is always null carry nothing: left out (NOTICE)
SELECT factor FROM crm.scorecard_factors((SELECT crm.scorecard_fit(target, attrs || '{"country": "CN", "fax": null}') FROM fit_rows));
-- a category attribute with 12,000 values: a summary holds at most 10,000;
-- when it is full, the less frequent half of its values move to "other
-- values" (here, all having one row, the 5,000 first in value order), so
-- the card lists 7,000 and the rest score as other values (NOTICE)
SELECT count(*) FILTER (WHERE bin NOT IN ('*', 'null')) AS listed, sum(count) AS rows,
       sum(count) FILTER (WHERE bin = '*') > 0 AS other_has_rows
FROM crm.scorecard_bins((SELECT crm.scorecard_fit(target, jsonb_build_object('account', 'A' || (id + 6000 * k), 'tx', attrs->'tx'))
                         FROM fit_rows, generate_series(0, 1) k WHERE id + 6000 * k <= 12000)) WHERE factor = 'account';
-- numbers written as strings are numbers for a numeric factor
SELECT crm.scorecard_fit(target, jsonb_build_object('tx', (attrs->>'tx'))) IS NOT NULL AS string_numbers
FROM fit_rows WHERE id > 10;
-- a factor whose bins cannot meet min_bin_share: merged to one bin, left out
SELECT factor FROM crm.scorecard_factors((SELECT crm.scorecard_fit(target, attrs || jsonb_build_object('vip', id % 50 = 0), '{"min_bin_share": 0.1}') FROM fit_rows));

-- ---------------------------------------------------------------- the state
CREATE AGGREGATE pg_temp.fit_state_of(boolean, jsonb) (SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state);
CREATE TABLE fit_states AS SELECT id % 2 AS half, pg_temp.fit_state_of(target, attrs) AS st FROM fit_rows GROUP BY 1;
-- text and binary forms read back to the same state
SELECT half, st::text::crm.scorecard_fit_state::text = st::text AS text_round_trip,
       left(st::text, 6) AS prefix FROM fit_states ORDER BY half;
\copy fit_states TO 'results/scorecard_fit_state.bin' WITH (FORMAT binary)
CREATE TABLE fit_states_copy (half int, st crm.scorecard_fit_state);
\copy fit_states_copy FROM 'results/scorecard_fit_state.bin' WITH (FORMAT binary)
SELECT a.half, a.st::text = b.st::text AS binary_round_trip FROM fit_states a JOIN fit_states_copy b USING (half) ORDER BY 1;
-- a stored state continues as an aggregate's INITCOND
CREATE AGGREGATE pg_temp.fit_more(boolean, jsonb) (SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state,
	FINALFUNC = crm.scorecard_fit_finalfn, FINALFUNC_MODIFY = READ_WRITE);
DO $$
BEGIN
	EXECUTE format('CREATE AGGREGATE pg_temp.fit_from_half(boolean, jsonb) (SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state, FINALFUNC = crm.scorecard_fit_finalfn, FINALFUNC_MODIFY = READ_WRITE, INITCOND = %L)',
	               (SELECT st::text FROM fit_states WHERE half = 0));
END
$$;
SELECT (SELECT pg_temp.fit_from_half(target, attrs) FROM fit_rows WHERE id % 2 = 1)
       OPERATOR(crm.=) card AS initcond_continues FROM fitted;

-- ---------------------------------------------------------------- a hand-written card
SELECT * FROM crm.scorecard_bins('fund: numeric {0, 5 >= 1000, null: 3}; region: category {north: 2, *: 1}; levels: {a, b >= 4}');
SELECT * FROM crm.scorecard_iv('fund: numeric {0, 5 >= 1000, null: 3}; levels: {a, b >= 4}');

-- ---------------------------------------------------------------- format version 2 literals
SELECT 'x: numeric {1 [rows 2, targets 1, woe 0.5], 2 >= 10 [rows 3, targets 0, woe -1], null: 0 [rows 0, targets 0, woe 0]} [coefficient 0.9]; levels: {lo, hi >= 5}; fit {rows 5, targets 1, points0 600, odds0 0.05, pdo 20, higher target, intercept -1.5}'::crm.scorecard;
SELECT crm.to_jsonb('g: category {a: 1 [rows 4, targets 1, woe 0.1], *: 0 [rows 1, targets 0, woe 0], null: 2 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {lo, hi >= 5}; fit {rows 5, targets 1, points0 600, odds0 0.05, pdo 20, higher non_target, intercept -1.5}');
-- a factor named fit is still a factor
SELECT 'fit: numeric {1}; levels: {a, b >= 1}'::crm.scorecard;

-- ---------------------------------------------------------------- bad input
SELECT input, crm_test.error_of(format('SELECT crm.scorecard_fit(t, a::jsonb, %L) FROM (VALUES (true, %L), (false, %L), (NULL::boolean, %L)) v(t, a)',
       opts, a1, a2, a3)) AS error
FROM (VALUES
	('not an object',      '{}', '[1, 2]', '{"x": 1}', '{"x": 1}'),
	('a scalar',           '{}', '5', '{"x": 1}', '{"x": 1}'),
	('not a number',       '{}', '{"x": 1}', '{"x": "abc"}', '{"x": 1}'),
	('a boolean',          '{}', '{"x": 1}', '{"x": true}', '{"x": 1}'),
	('an object value',    '{}', '{"x": {"a": 1}}', '{"x": 1}', '{"x": 1}'),
	('an array value',     '{}', '{"x": [1]}', '{"x": 1}', '{"x": 1}'),
	('1e400',              '{}', '{"x": 1e400}', '{"x": 1}', '{"x": 1}'),
	('"1e400"',            '{}', '{"x": 1}', '{"x": "1e400"}', '{"x": 1}'),
	('"-1e-400"',          '{}', '{"x": 1}', '{"x": "-1e-400"}', '{"x": 1}'),
	('"NaN"',              '{}', '{"x": 1}', '{"x": "NaN"}', '{"x": 1}'),
	('"-Infinity"',        '{}', '{"x": 1}', '{"x": "-Infinity"}', '{"x": 1}'),
	('empty key',          '{}', '{"": 1}', '{"x": 1}', '{"x": 1}'),
	('201-byte key',       '{}', format('{"%s": 1}', repeat('k', 201)), '{"x": 1}', '{"x": 1}'),
	('unknown option',     '{"max_bin": 5}', '{"x": 1}', '{"x": 2}', '{}'),
	('options not object', '[1]', '{"x": 1}', '{"x": 2}', '{}'),
	('max_bins 1',         '{"max_bins": 1}', '{"x": 1}', '{"x": 2}', '{}'),
	('max_bins 1001',      '{"max_bins": 1001}', '{"x": 1}', '{"x": 2}', '{}'),
	('max_bins 2.5',       '{"max_bins": 2.5}', '{"x": 1}', '{"x": 2}', '{}'),
	('max_bins text',      '{"max_bins": "5"}', '{"x": 1}', '{"x": 2}', '{}'),
	('prebins < max_bins', '{"max_bins": 10, "prebins": 5}', '{"x": 1}', '{"x": 2}', '{}'),
	('min_bin_share 0',    '{"min_bin_share": 0}', '{"x": 1}', '{"x": 2}', '{}'),
	('min_bin_share 0.6',  '{"min_bin_share": 0.6}', '{"x": 1}', '{"x": 2}', '{}'),
	('min_bin_share 1e400','{"min_bin_share": 1e400}', '{"x": 1}', '{"x": 2}', '{}'),
	('min_bin_share tiny', '{"min_bin_share": 1e-400}', '{"x": 1}', '{"x": 2}', '{}'),
	('monotone 1',         '{"monotone": 1}', '{"x": 1}', '{"x": 2}', '{}'),
	('missing maybe',      '{"missing": "maybe"}', '{"x": 1}', '{"x": 2}', '{}'),
	('higher up',          '{"higher": "up"}', '{"x": 1}', '{"x": 2}', '{}'),
	('odds0 0',            '{"odds0": 0}', '{"x": 1}', '{"x": 2}', '{}'),
	('odds0 -1',           '{"odds0": -1}', '{"x": 1}', '{"x": 2}', '{}'),
	('pdo 0',              '{"pdo": 0}', '{"x": 1}', '{"x": 2}', '{}'),
	('points0 huge',       '{"points0": 1e400}', '{"x": 1}', '{"x": 2}', '{}'),
	('precision 16',       '{"precision": 16}', '{"x": 1}', '{"x": 2}', '{}'),
	('sample_rows 10',     '{"sample_rows": 10}', '{"x": 1}', '{"x": 2}', '{}'),
	('max_iter 0',         '{"max_iter": 0}', '{"x": 1}', '{"x": 2}', '{}'),
	('name empty',         '{"name": ""}', '{"x": 1}', '{"x": 2}', '{}'),
	('name number',        '{"name": 5}', '{"x": 1}', '{"x": 2}', '{}'),
	('levels bad',         '{"levels": "{a, b >= x}"}', '{"x": 1}', '{"x": 2}', '{}'),
	('levels one',         '{"levels": {"labels": ["a"], "floors": [1]}}', '{"x": 1}', '{"x": 2}', '{}'),
	('levels object',      '{"levels": {"labels": ["a", "b"]}}', '{"x": 1}', '{"x": 2}', '{}'),
	('include empty',      '{"include": []}', '{"x": 1}', '{"x": 2}', '{}'),
	('include text',       '{"include": "x"}', '{"x": 1}', '{"x": 2}', '{}'),
	('include numbers',    '{"include": [1]}', '{"x": 1}', '{"x": 2}', '{}'),
	('include absent',     '{"include": ["x", "y"]}', '{"x": 1}', '{"x": 2}', '{}'),
	('missing error',      '{"missing": "error"}', '{"x": 1}', '{}', '{}'),
	('include and exclude','{"include": ["x"], "exclude": ["x"]}', '{"x": 1}', '{"x": 2}', '{}'),
	('only the constant',  '{}', '{"x": 1}', '{"x": 1}', '{}')
) v(input, opts, a1, a2, a3);
-- one class only
SELECT crm_test.error_of($$SELECT crm.scorecard_fit(true, jsonb_build_object('x', g)) FROM generate_series(1, 10) g$$) AS one_class;
-- 257 attributes; a number, then text that is not one, in a numeric factor
SELECT crm_test.error_of($$SELECT crm.scorecard_fit(g % 2 = 0, (SELECT jsonb_object_agg('f' || k, k) FROM generate_series(1, 257) k)) FROM generate_series(1, 4) g$$) AS too_many;
SELECT crm_test.error_of($$SELECT crm.scorecard_fit(g % 2 = 0, jsonb_build_object('x', CASE WHEN g < 3 THEN to_jsonb(g) ELSE to_jsonb('n/a'::text) END) ORDER BY g) FROM generate_series(1, 4) g$$) AS mixed;
-- text first, then numbers: a category factor (numbers match as text)
SELECT * FROM crm.scorecard_factors((SELECT crm.scorecard_fit(g % 2 = 0, jsonb_build_object('x', CASE WHEN g < 30 THEN to_jsonb('n/a'::text) ELSE to_jsonb(g % 3) END) ORDER BY g) FROM generate_series(1, 300) g));
-- the support functions outside an aggregate
SELECT crm_test.error_of($$SELECT crm.scorecard_fit_transfn(NULL, true, '{}')$$) AS transfn_direct;
-- crafted states: text input, and as an INITCOND
SELECT input, crm_test.error_of(format('SELECT %L::crm.scorecard_fit_state', input)) AS error
FROM (VALUES
	('{}'), (''), ('crm64:'), ('crm64:AQ=='), ('crm64:AgA='), ('crm64:AQAAAAA='), ('crm64:!!!!'),
	('crm64:' || encode('\x0101'::bytea, 'base64'))
) v(input);
-- a valid state with one byte changed: refused, or valid (then usable)
SELECT count(*) FILTER (WHERE e LIKE '22%') AS refused, count(*) FILTER (WHERE e = 'no error') AS valid, count(*) AS tried
FROM (SELECT crm_test.error_of(format('SELECT crm.scorecard_fit_state_out(%L::crm.scorecard_fit_state)',
           'crm64:' || encode(set_byte(b, i, (get_byte(b, i) + 1) % 256), 'base64'))) AS e
      FROM (SELECT crm.scorecard_fit_state_send(st) AS b FROM fit_states WHERE half = 1) s,
           generate_series(0, 400, 7) i) x;
-- the fitted card's statistics must hold together
SELECT input, crm_test.error_of(format('SELECT %L::crm.scorecard', input)) AS error
FROM (VALUES
	('x: numeric {1 [rows 2, targets 3, woe 0.5], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 2, targets 3, points0 600, odds0 0.05, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe 0.5], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 3, targets 1, points0 600, odds0 0.05, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2.5, targets 1, woe 0.5], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 2.5, targets 1, points0 600, odds0 0.05, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe NaN], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 2, targets 1, points0 600, odds0 0.05, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe 1e400], null: 0} [coefficient 1]; levels: {a, b >= 1}'),
	('x: numeric {1 [rows 2, targets 1, woe 0.5], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 2, targets 1, points0 600, odds0 0, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe 0.5], null: 0 [rows 0, targets 0, woe 0]} [coefficient 1]; levels: {a, b >= 1}; fit {rows 2, targets 1, points0 600, odds0 1, pdo 20, higher up, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe 0.5], null: 0 [rows 0, targets 0, woe 0]}; levels: {a, b >= 1}; fit {rows 2, targets 1, points0 600, odds0 1, pdo 20, higher target, intercept 0}'),
	('x: numeric {1 [rows 2, targets 1, woe 0.5], null: 0}; levels: {a, b >= 1}'),
	('x: numeric {1 [rows 2, targets 1]} [coefficient 1]; levels: {a, b >= 1}'),
	('x: numeric {1} [coef 1]; levels: {a, b >= 1}'),
	('x: numeric {1}; levels: {a, b >= 1}; fit {rows 1}'),
	('x: numeric {1}; levels: {a, b >= 1}; fit {rows 0, targets 0, points0 600, odds0 1, pdo 20, higher target, intercept 0}; fit {}')
) v(input);
SELECT crm_test.error_of($$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1], "fit": {"coefficient": 1, "bins": [{"rows": 1, "targets": 0, "woe": 0}], "missing": {"rows": 0, "targets": 0, "woe": 0}}}], "levels": "{a, b >= 1}"}'::jsonb::crm.scorecard$$) AS factor_fit_without_card_fit;
SELECT crm_test.error_of($$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1], "fit": {"coefficient": 1, "bins": [], "missing": {"rows": 0, "targets": 0, "woe": 0}}}], "levels": "{a, b >= 1}", "fit": {"rows": 1, "targets": 0, "points0": 600, "odds0": 1, "pdo": 20, "higher": "target", "intercept": 0}}'::jsonb::crm.scorecard$$) AS bins_count;
SELECT crm_test.error_of($$SELECT '{"factors": [{"name": "x", "type": "numeric", "points": [1]}], "levels": "{a, b >= 1}", "fit": {"rows": 1, "targets": 0, "points0": 600, "odds0": 1, "pdo": 20, "higher": "target", "intercept": 0}}'::jsonb::crm.scorecard$$) AS factor_without_fit;
