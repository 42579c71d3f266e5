-- crm.auc, crm.ks and crm.psi: values by hand and against plain-SQL
-- definitions, NULLs, parallel plans, their states, bad inputs.

-- ---------------------------------------------------------------- AUC and KS by hand
-- positives 2 and 4 against negatives 1 and 3: three pairs of four
SELECT crm.auc(s, t) AS auc, crm.ks(s, t) AS ks, 2 * crm.auc(s, t) - 1 AS gini
FROM (VALUES (1, false), (2, true), (3, false), (4, true)) v(s, t);
-- a tie counts half
SELECT crm.auc(s, t) AS auc, crm.ks(s, t) AS ks FROM (VALUES (1, true), (1, false)) v(s, t);
-- reversed scores: below one half, never folded to 1 - AUC
SELECT crm.auc(-s, t) AS auc FROM (VALUES (1, false), (2, true), (3, false), (4, true)) v(s, t);
-- perfect separation
SELECT crm.auc(s, t) AS auc, crm.ks(s, t) AS ks FROM (VALUES (0.1, false), (0.2, false), (0.9, true), (0.95, true)) v(s, t);
-- NULL scores and NULL targets are skipped; one class, or no rows: NULL
SELECT crm.auc(s, t) AS auc, crm.ks(s, t) AS ks FROM (VALUES (1, false), (2, true), (NULL, true), (0, NULL)) v(s, t);
SELECT crm.auc(s, t) IS NULL AS one_class, crm.ks(s, t) IS NULL AS ks_one_class FROM (VALUES (1, true), (2, true)) v(s, t);
SELECT crm.auc(s, t) IS NULL AS no_rows FROM (VALUES (1, true)) v(s, t) WHERE false;
-- -0 and 0 are the same score
SELECT crm.auc(s, t) AS auc FROM (VALUES (-0.0::float8, true), (0.0::float8, false)) v(s, t);

-- ---------------------------------------------------------------- against the definitions
-- 4,000 scores on 25 levels (many ties), in a regular table
CREATE TABLE roc_rows AS
SELECT g, ((g * 37) % 25)::float8 / 5 AS score, ((g * 7919) % 100) < 10 + ((g * 37) % 25) * 2 AS target
FROM generate_series(1, 4000) g;
-- AUC: the pairs (positive, negative), ties half, counted in numeric; the
-- same value up to float8 rounding of the one division (tolerance 1e-12)
WITH pairs AS (
	SELECT sum(CASE WHEN p.score > n.score THEN 1 WHEN p.score = n.score THEN 0.5 ELSE 0 END)::numeric / count(*) AS auc
	FROM roc_rows p, roc_rows n WHERE p.target AND NOT n.target)
SELECT CASE WHEN abs(crm.auc(score, target) - auc) < 1e-12 THEN 'equal' ELSE (crm.auc(score, target) - auc)::text END AS auc_vs_pairs
FROM roc_rows, pairs GROUP BY auc;
-- KS: the largest difference of the two empirical distributions after each distinct score
WITH cdf AS (
	SELECT DISTINCT score,
	       count(*) FILTER (WHERE target) OVER w::float8 / (SELECT count(*) FROM roc_rows WHERE target) AS fp,
	       count(*) FILTER (WHERE NOT target) OVER w::float8 / (SELECT count(*) FROM roc_rows WHERE NOT target) AS fn
	FROM roc_rows WINDOW w AS (ORDER BY score RANGE UNBOUNDED PRECEDING))
SELECT CASE WHEN abs((SELECT crm.ks(score, target) FROM roc_rows) - max(abs(fp - fn))) < 1e-12 THEN 'equal'
       ELSE ((SELECT crm.ks(score, target) FROM roc_rows) - max(abs(fp - fn)))::text END AS ks_vs_definition
FROM cdf;
-- parallel partial states combine to the same value, bit for bit
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT crm.auc(score, target) FROM roc_rows;
CREATE TEMP TABLE parallel_values AS SELECT crm.auc(score, target) AS auc, crm.ks(score, target) AS ks,
	crm.psi(score, g % 2 = 0, '{1, 2, 3}') AS psi FROM roc_rows;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT p.auc = s.auc AS auc_equal, p.ks = s.ks AS ks_equal, p.psi = s.psi AS psi_equal
FROM parallel_values p,
     (SELECT crm.auc(score, target) AS auc, crm.ks(score, target) AS ks, crm.psi(score, g % 2 = 0, '{1, 2, 3}') AS psi
      FROM roc_rows) s;
-- 200,000 distinct scores: the state merges nothing and still agrees with the ranks
-- (the Mann-Whitney U from rank sums, in numeric)
WITH r AS (SELECT g::float8 / 7 AS score, (g * 7919) % 3 = 0 AS target FROM generate_series(1, 200000) g),
ranked AS (SELECT target, rank() OVER (ORDER BY score) AS rk FROM r),
u AS (SELECT (sum(rk) FILTER (WHERE target) - count(*) FILTER (WHERE target) * (count(*) FILTER (WHERE target) + 1) / 2.0)
             / (count(*) FILTER (WHERE target) * count(*) FILTER (WHERE NOT target)) AS auc FROM ranked)
SELECT CASE WHEN abs((SELECT crm.auc(score, target) FROM r) - auc) < 1e-12 THEN 'equal' ELSE 'differs' END AS auc_vs_ranks FROM u;

-- ---------------------------------------------------------------- PSI by hand
-- expected shares 0.1, 0.2, 0.7 and actual 0.2, 0.2, 0.6 over cuts {10, 20}:
-- (0.2 - 0.1) ln 2 + 0 + (0.6 - 0.7) ln(6/7) = 0.0847298...
CREATE TEMP TABLE psi_rows AS
SELECT v, false AS actual FROM (SELECT 5 AS v FROM generate_series(1, 10) UNION ALL SELECT 15 FROM generate_series(1, 20)
                                UNION ALL SELECT 25 FROM generate_series(1, 70)) e
UNION ALL
SELECT v, true FROM (SELECT 5 AS v FROM generate_series(1, 20) UNION ALL SELECT 15 FROM generate_series(1, 20)
                     UNION ALL SELECT 25 FROM generate_series(1, 60)) a;
SELECT round(crm.psi(v, actual, '{10, 20}')::numeric, 12) AS psi,
       round((0.1 * ln(2) + (-0.1) * ln(6.0 / 7))::numeric, 12) AS by_hand FROM psi_rows;
-- a value equal to a cut is in the upper bin (as crm.tier): 10 counts with 15
SELECT round(crm.psi(v, actual, '{10, 20}')::numeric, 12) AS psi
FROM (SELECT CASE WHEN v = 15 THEN 10 ELSE v END AS v, actual FROM psi_rows) x;
-- NULL values are a bin of their own; NULL actual rows are skipped
SELECT round(crm.psi(v, actual, '{10, 20}')::numeric, 12) AS psi_with_nulls
FROM (SELECT v, actual FROM psi_rows UNION ALL SELECT NULL, false FROM generate_series(1, 10)
      UNION ALL SELECT 99, NULL) x;
-- an empty bin counts half a row of its population: shares 0.005 and 0.1
SELECT round(crm.psi(v, actual, '{10, 20}')::numeric, 12) AS psi,
       round(((0.005 - 0.1) * ln(0.005 / 0.1) + (0.4 - 0.2) * ln(2) + (0.6 - 0.7) * ln(0.6 / 0.7))::numeric, 12) AS by_hand
FROM (SELECT CASE WHEN actual AND v = 5 THEN 15 ELSE v END AS v, actual FROM psi_rows) x;
-- no cuts: one bin (and the NULL one); the same population twice: 0; one population only: NULL
SELECT crm.psi(v, actual, '{}') AS one_bin, crm.psi(v, true, '{10}') IS NULL AS one_population,
       (SELECT crm.psi(v, x, '{10, 20}') FROM psi_rows, (VALUES (false), (true)) b(x) WHERE NOT actual) AS same
FROM psi_rows;

-- ---------------------------------------------------------------- PSI over a card's bins
CREATE TEMP TABLE psi_card (card crm.scorecard);
INSERT INTO psi_card VALUES ('fund: numeric {0, 5 >= 1000, 10 >= 5000, null: 3}; region: category {north: 2, south: 1, *: 0, null: 0}; levels: {low, high >= 10}');
-- two months: the second has more large funds and more unlisted regions
CREATE TEMP TABLE months AS
SELECT m, jsonb_build_object('fund', CASE WHEN g % 10 = 0 THEN NULL ELSE (g * (7 + m)) % 9000 END,
                             'region', (ARRAY['north', 'south', 'east', 'north'])[1 + (g + m) % (3 + m)]) AS attrs
FROM generate_series(1, 2) m, generate_series(1, 1000) g;
SELECT key AS factor, round(value::numeric, 6) AS psi
FROM jsonb_each((SELECT crm.psi(card, attrs, m = 2) FROM months, psi_card)) ORDER BY key;
-- the same as the cut form over the factor's bins (fund: cuts at its edges, missing as NULL)
SELECT round(crm.psi((attrs->>'fund')::float8, m = 2, '{1000, 5000}')::numeric, 6) AS fund_by_cuts FROM months;
-- a month against itself: 0 everywhere
SELECT crm.psi(card, attrs, x) FROM months, psi_card, (VALUES (false), (true)) b(x) WHERE m = 1;

-- ---------------------------------------------------------------- the states
CREATE AGGREGATE pg_temp.roc_state_of(float8, boolean) (SFUNC = crm.auc_transfn, STYPE = crm.roc_state);
CREATE AGGREGATE pg_temp.psi_state_of(float8, boolean, float8[]) (SFUNC = crm.psi_transfn, STYPE = crm.psi_state);
CREATE TEMP TABLE states AS
SELECT pg_temp.roc_state_of(score, target) AS roc, pg_temp.psi_state_of(score, target, '{1, 2.5}') AS psi FROM roc_rows;
-- text forms round-trip; equal scores are merged (25 distinct scores: 25 entries)
SELECT roc::text::crm.roc_state::text = roc::text AS roc_text, psi::text::crm.psi_state::text = psi::text AS psi_text,
       length(crm.roc_state_send(roc)) AS roc_bytes, length(crm.psi_state_send(psi)) AS psi_bytes
FROM states;
-- a stored state goes on as an INITCOND: the AUC of both halves
DO $$
BEGIN
	EXECUTE format('CREATE AGGREGATE pg_temp.auc_from(float8, boolean) (SFUNC = crm.auc_transfn, STYPE = crm.roc_state, FINALFUNC = crm.auc_finalfn, INITCOND = %L)',
	               (SELECT pg_temp.roc_state_of(score, target)::text FROM roc_rows WHERE g <= 2000));
END
$$;
SELECT (SELECT pg_temp.auc_from(score, target) FROM roc_rows WHERE g > 2000) = crm.auc(score, target) AS initcond_continues FROM roc_rows;

-- ---------------------------------------------------------------- bad input
SELECT input, crm_test.error_of(stmt) AS error
FROM (VALUES
	('auc NaN',            $$SELECT crm.auc(s, true) FROM (VALUES ('NaN'::float8)) v(s)$$),
	('auc Infinity',       $$SELECT crm.auc(s, true) FROM (VALUES ('Infinity'::float8)) v(s)$$),
	('ks -Infinity',       $$SELECT crm.ks(s, false) FROM (VALUES ('-Infinity'::float8)) v(s)$$),
	('psi NaN value',      $$SELECT crm.psi('NaN', true, '{1}')$$),
	('psi NULL cuts',      $$SELECT crm.psi(1, true, NULL)$$),
	('psi NULL cut',       $$SELECT crm.psi(1, true, '{1, NULL}')$$),
	('psi unsorted',       $$SELECT crm.psi(1, true, '{2, 1}')$$),
	('psi duplicate cut',  $$SELECT crm.psi(1, true, '{1, 1}')$$),
	('psi NaN cut',        $$SELECT crm.psi(1, true, '{1, NaN}')$$),
	('psi Infinity cut',   $$SELECT crm.psi(1, true, '{1, Infinity}')$$),
	('psi 2-D cuts',       $$SELECT crm.psi(1, true, '{{1, 2}}')$$),
	('psi 1000 cuts',      $$SELECT crm.psi(1, true, (SELECT array_agg(g::float8) FROM generate_series(1, 1000) g))$$),
	('psi cuts change',    $$SELECT crm.psi(v, true, ARRAY[v]) FROM (VALUES (1.0::float8), (2.0)) x(v)$$),
	('psi NULL card',      $$SELECT crm.psi(NULL::crm.scorecard, '{}', true)$$),
	('psi cards change',   $$SELECT crm.psi(c::crm.scorecard, '{}', true) FROM (VALUES ('x: numeric {1}; levels: {a, b >= 1}'), ('x: numeric {2}; levels: {a, b >= 1}')) v(c)$$),
	('psi card not num',   $$SELECT crm.psi(card, '{"fund": "lots"}', true) FROM psi_card$$),
	('psi card boolean',   $$SELECT crm.psi(card, '{"fund": false}', true) FROM psi_card$$),
	('psi card 1e400',     $$SELECT crm.psi(card, '{"fund": 1e400}', true) FROM psi_card$$),
	('psi card array',     $$SELECT crm.psi(card, '{"region": [1]}', true) FROM psi_card$$),
	('psi card attrs',     $$SELECT crm.psi(card, '[1]', true) FROM psi_card$$),
	('roc state text',     $$SELECT '{}'::crm.roc_state$$),
	('roc state short',    $$SELECT 'crm64:AQ=='::crm.roc_state$$),
	('roc state version',  $$SELECT 'crm64:AgAAAAAAAAAA'::crm.roc_state$$),
	('roc state NaN',      $$SELECT ('crm64:' || encode('\x010000000000000001fff80000000000000000000100000000'::bytea, 'base64'))::crm.roc_state$$),
	('roc state no rows',  $$SELECT ('crm64:' || encode('\x0100000000000000013ff00000000000000000000000000000'::bytea, 'base64'))::crm.roc_state$$),
	('psi state text',     $$SELECT 'x'::crm.psi_state$$),
	('psi state short',    $$SELECT 'crm64:AQE='::crm.psi_state$$),
	('auc outside agg',    $$SELECT crm.auc_transfn(NULL, 1, true)$$),
	('psi outside agg',    $$SELECT crm.psi_transfn(NULL, 1, true, '{}')$$)
) v(input, stmt);
-- a psi state of one form handed to the other's final function
SELECT crm_test.error_of(format($$CREATE AGGREGATE pg_temp.psi_card_of_cuts(crm.scorecard, jsonb, boolean) (SFUNC = crm.psi_card_transfn, STYPE = crm.psi_state, FINALFUNC = crm.psi_card_finalfn, INITCOND = %L)$$,
       (SELECT psi::text FROM states))) AS create_agg;
SELECT crm_test.error_of($$SELECT pg_temp.psi_card_of_cuts(card, '{}', true) FROM psi_card$$) AS wrong_form;
