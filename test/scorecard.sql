-- Property checks for scorecards on random cards and attributes (fixed seed):
-- crm.score equals the sum of crm.score_explain, equals a plain-SQL CASE sum
-- generated from the card, equals the positional form; levels follow
-- crm.tier; text, JSON and binary round trips.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(11);
SELECT setseed(0.5);

-- 60 random cards of 1..6 factors, built through the JSON form
CREATE TEMP TABLE factor_specs AS
SELECT c AS card_id, f AS ord, 'f' || f AS name,
       CASE WHEN random() < 0.5 THEN 'numeric' ELSE 'category' END AS kind,
       1 + floor(random() * 6)::int AS n,
       round((random() * 40 - 10)::numeric, 1)::float8 AS missing,
       round((random() * 20)::numeric, 2)::float8 AS other
FROM generate_series(1, 60) c, generate_series(1, 6) f
WHERE f <= 1 + (c % 6);

CREATE TEMP TABLE card_json AS
SELECT card_id, jsonb_build_object(
	'name', 'card' || card_id,
	'factors', jsonb_agg(
		CASE WHEN kind = 'numeric' THEN jsonb_build_object(
			'name', name, 'type', 'numeric', 'missing', missing,
			-- strictly ascending edges: a running sum of positive steps
			'edges', (SELECT coalesce(jsonb_agg(e ORDER BY k), '[]')
			          FROM (SELECT k, sum(1 + floor(random() * 100)) OVER (ORDER BY k) - 50 AS e
			                FROM generate_series(1, n - 1) k) x),
			'points', (SELECT jsonb_agg(round((random() * 30 - 5)::numeric, 1)) FROM generate_series(1, n)))
		ELSE jsonb_build_object(
			'name', name, 'type', 'category', 'missing', missing, 'other', other,
			'points', (SELECT coalesce(jsonb_object_agg('v' || k, round((random() * 30)::numeric, 1)), '{}')
			           FROM generate_series(1, n) k))
		END ORDER BY ord),
	'levels', jsonb_build_object('labels', '["low", "medium", "high"]'::jsonb,
	                             'floors', jsonb_build_array(20, 60))) AS j
FROM factor_specs GROUP BY card_id;

CREATE TEMP TABLE cards AS SELECT card_id, j::crm.scorecard AS card FROM card_json;

-- 300 attribute sets per card: listed, unlisted, on-edge, random, string, null and absent values
CREATE TEMP TABLE attrs AS
SELECT card_id, r, jsonb_strip_nulls(jsonb_object_agg(name, v) FILTER (WHERE v IS NOT NULL))
       || coalesce(jsonb_object_agg(name, 'null'::jsonb) FILTER (WHERE v = 'null'::jsonb), '{}') AS a
FROM (
	SELECT s.card_id, s.r, s.name,
	       CASE
	         WHEN u < 0.08 THEN NULL                                   -- absent
	         WHEN u < 0.14 THEN 'null'::jsonb                          -- JSON null
	         WHEN s.kind = 'category' AND u < 0.7 THEN to_jsonb('v' || (1 + floor(random() * (s.n + 1)))::int)  -- listed or just beyond
	         WHEN s.kind = 'category' THEN to_jsonb(floor(random() * 3)::int)  -- a number, matched as text
	         WHEN u < 0.4 THEN (SELECT e FROM card_json j, jsonb_array_elements(j.j->'factors') fx, jsonb_array_elements(fx->'edges') e
	                            WHERE j.card_id = s.card_id AND fx->>'name' = s.name ORDER BY random() LIMIT 1)  -- exactly an edge
	         WHEN u < 0.55 THEN to_jsonb((round((random() * 600 - 100)::numeric, 2))::text)  -- a numeric string
	         ELSE to_jsonb(round((random() * 600 - 100)::numeric, 3))
	       END AS v
	-- u is drawn per row in a subquery (a LATERAL random() that does not
	-- reference the row would be evaluated once for all rows)
	FROM (SELECT s.*, r, random() AS u FROM factor_specs s, generate_series(1, 300) r) s
) t
GROUP BY card_id, r;

SELECT is(count(*), 18000::bigint, '60 cards x 300 attribute sets') FROM attrs;

CREATE TEMP TABLE scored AS
SELECT card_id, r, a, crm.score(card, a) AS total, crm.score_level(card, a) AS level,
       (SELECT sum(points) FROM crm.score_explain(card, a)) AS explained,
       (SELECT count(*) FROM crm.score_explain(card, a)) AS explain_rows,
       crm.score_values(card, VARIADIC (SELECT array_agg(a->>factor ORDER BY ordinal) FROM crm.scorecard_factors(card))) AS positional
FROM cards JOIN attrs USING (card_id);

SELECT is(count(*) FILTER (WHERE total IS DISTINCT FROM explained), 0::bigint,
          'crm.score = sum of crm.score_explain points') FROM scored;
SELECT is(count(*) FILTER (WHERE explain_rows <> (SELECT count(*) FROM factor_specs f WHERE f.card_id = s.card_id)), 0::bigint,
          'crm.score_explain has one row per factor') FROM scored s;
SELECT is(count(*) FILTER (WHERE total IS DISTINCT FROM positional), 0::bigint,
          'positional form (values as text, in factor order) = jsonb form') FROM scored;
SELECT is(count(*) FILTER (WHERE level <> crm.tier(total, '{low, medium >= 20, high >= 60}')), 0::bigint,
          'crm.score_level = crm.tier(total, levels)') FROM scored;
SELECT ok(count(DISTINCT level) = 3 AND count(DISTINCT total) > 500, 'the data covers all levels and many totals')
FROM scored;

-- The plain-SQL CASE formulation of a card, generated from its JSON form:
-- one CASE per factor, summed in factor order.
CREATE FUNCTION pg_temp.case_sql(card jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(
		CASE WHEN f->>'type' = 'numeric' THEN
			format('(CASE WHEN (a->>%L) IS NULL THEN %s::float8 %s ELSE %s::float8 END)',
			       f->>'name', f->>'missing',
			       (SELECT coalesce(string_agg(format('WHEN (a->>%L)::float8 >= %s THEN %s::float8',
			                                         f->>'name', e.v, f->'points'->>(e.i::int)), ' ' ORDER BY e.i DESC), '')
			        FROM jsonb_array_elements_text(f->'edges') WITH ORDINALITY e(v, i)),
			       f->'points'->>0)
		ELSE
			format('(CASE WHEN (a->>%L) IS NULL THEN %s::float8 %s ELSE %s::float8 END)',
			       f->>'name', f->>'missing',
			       (SELECT coalesce(string_agg(format('WHEN (a->>%L) = %L THEN %s::float8', f->>'name', p.key, p.value), ' '), '')
			        FROM jsonb_each_text(f->'points') p),
			       f->>'other')
		END, ' + ' ORDER BY i)
	FROM jsonb_array_elements(card->'factors') WITH ORDINALITY x(f, i)
$$;

CREATE TEMP TABLE case_totals (card_id int, r int, total float8);
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT card_id, crm.to_jsonb(card) AS j FROM cards LOOP
		EXECUTE format('INSERT INTO case_totals SELECT card_id, r, %s FROM attrs WHERE card_id = %s',
		               pg_temp.case_sql(c.j), c.card_id);
	END LOOP;
END
$$;
SELECT is(count(*) FILTER (WHERE s.total IS DISTINCT FROM c.total), 0::bigint,
          'crm.score = the plain-SQL CASE sum generated from the card (exact float8 equality)')
FROM scored s JOIN case_totals c USING (card_id, r);
SELECT is(count(*), 18000::bigint, 'every attribute set compared') FROM case_totals;

-- round trips
SELECT is(count(*) FILTER (WHERE NOT (card::text::crm.scorecard OPERATOR(crm.=) card)), 0::bigint,
          'text round trip of 60 random cards') FROM cards;
SELECT is(count(*) FILTER (WHERE NOT (crm.to_jsonb(card)::crm.scorecard OPERATOR(crm.=) card)), 0::bigint,
          'JSON round trip of 60 random cards') FROM cards;

CREATE TEMP TABLE cards_bin (LIKE cards);
CREATE TEMP TABLE cards_txt (LIKE cards);
-- client-side \copy through files of this psql's own (named by its process id)
\copy cards TO PROGRAM 'cat > "${TMPDIR:-/tmp}/crm_tap_cards_${PPID}.bin"' WITH (FORMAT binary)
\copy cards_bin FROM PROGRAM 'cat "${TMPDIR:-/tmp}/crm_tap_cards_${PPID}.bin"' WITH (FORMAT binary)
\copy cards TO PROGRAM 'cat > "${TMPDIR:-/tmp}/crm_tap_cards_${PPID}.txt"'
\copy cards_txt FROM PROGRAM 'cat "${TMPDIR:-/tmp}/crm_tap_cards_${PPID}.txt"'
\! rm -f "${TMPDIR:-/tmp}"/crm_tap_cards_${PPID}.*
SELECT is(count(*) FILTER (WHERE a.card OPERATOR(crm.=) b.card AND a.card OPERATOR(crm.=) t.card), 60::bigint,
          'binary and text COPY round trips of 60 random cards')
FROM cards a JOIN cards_bin b USING (card_id) JOIN cards_txt t USING (card_id);

SELECT * FROM finish();
ROLLBACK;
