-- Trust class 1: right answers whatever the calling context.
--
-- Functions that look a value up against a rule set (a tier scheme, a
-- scorecard, a service policy) keep a per-call-site copy of it.  The copy
-- must be keyed by the value: a PL/pgSQL variable, an SQL function's
-- argument or a generic plan's parameter changes while the expression
-- state lives on.  Each block below computes the same thing directly and
-- through one context, over rows whose rule sets differ, and lists the
-- rows where they disagree: every "mismatches" result must be empty.

CREATE TABLE cache_schemes (id int, s crm.tiers, v float8, n numeric, cur text);
INSERT INTO cache_schemes VALUES
	(1, '{a, b >= 1}', 50, 50, 'b'),
	(2, '{x, y >= 100}', 50, 50, 'y'),
	(3, '{lo, mid >= 10, hi >= 40}', 50, 50, 'hi'),
	(4, '{a, b >= 1}', 0.5, 0.5, 'b'),
	(5, '{lo, mid >= 10, hi >= 40}', 38, 38, 'hi');

CREATE TABLE cache_cards (id int, c crm.scorecard, attrs jsonb, total float8);
INSERT INTO cache_cards VALUES
	(1, 'r: category {x: 10, *: 1}; levels: {low, high >= 5}', '{"r": "x"}', 7),
	(2, 'r: category {x: 20, *: 2}; levels: {calm, alert >= 15, alarm >= 30}', '{"r": "x"}', 16),
	(3, 'r: numeric {0, 5 >= 10}; levels: {a, b >= 1}', '{"r": 12}', 0.5),
	(4, 'r: category {x: 10, *: 1}; levels: {low, high >= 5}', '{"r": "y"}', 7);

CREATE TABLE cache_policies (id int, p crm.service_policy, tier text, visits int, calls int);
INSERT INTO cache_policies VALUES
	(1, 'A: {visits_per_year: 4, visit_minutes: 60}; *: {calls_per_year: 2, call_minutes: 5}', 'A', 1, 0),
	(2, 'A: {visits_per_year: 12, visit_minutes: 30, calls_per_year: 12, call_minutes: 10}', 'A', 3, 2),
	(3, 'A: {visits_per_year: 1, visit_minutes: 90}; B: {calls_per_year: 52, call_minutes: 3}', 'B', 0, 10);

-- the issue's example: my_tier answered b, b, b
CREATE FUNCTION my_tier(v float8, s crm.tiers) RETURNS text LANGUAGE plpgsql AS $$BEGIN RETURN crm.tier(v, s); END$$;
SELECT my_tier(50, s), crm.tier(50::float8, s)
FROM (VALUES ('{a, b >= 1}'::crm.tiers), ('{x, y >= 100}'), ('{lo, mid >= 10, hi >= 40}')) t(s);

-- one PL/pgSQL function per cached function; each evaluates the same
-- expression for every call, so its expression state (and cache) is reused
CREATE FUNCTION pl_tiers(s crm.tiers, v float8, n numeric, cur text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN concat_ws(' ', crm.tier(v, s), crm.tier(n, s), crm.tier_index(v, s), crm.tier_index(n, s),
					 crm.tier(v, s, cur, 0.1));
END$$;
CREATE FUNCTION pl_cards(c crm.scorecard, attrs jsonb, total float8) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN concat_ws(' ', crm.score(c, attrs), crm.score_level(c, attrs), crm.level(c, total),
					 crm.score_values(c, attrs ->> 'r'), crm.score_level_values(c, attrs ->> 'r'),
					 (SELECT string_agg(e.bin || '=' || e.points, ',') FROM crm.score_explain(c, attrs) e));
END$$;
CREATE FUNCTION pl_policies(p crm.service_policy, tier text, visits int, calls int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN concat_ws(' ', crm.service_minutes(p, tier), crm.visits_due(p, tier, '1 year'),
					 crm.calls_due(p, tier, '1 year'), crm.contact_compliance(p, tier, visits, calls, '1 year'));
END$$;

-- the same through SQL functions: inlinable, and not (SET makes it a real call)
CREATE FUNCTION sql_tiers(s crm.tiers, v float8, n numeric, cur text) RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' ', crm.tier(v, s), crm.tier(n, s), crm.tier_index(v, s), crm.tier_index(n, s),
					 crm.tier(v, s, cur, 0.1))$$;
CREATE FUNCTION sql_tiers_call(s crm.tiers, v float8, n numeric, cur text) RETURNS text LANGUAGE sql
	SET search_path = pg_catalog AS $$
	SELECT concat_ws(' ', crm.tier(v, s), crm.tier(n, s), crm.tier_index(v, s), crm.tier_index(n, s),
					 crm.tier(v, s, cur, 0.1))$$;
CREATE FUNCTION sql_cards_call(c crm.scorecard, attrs jsonb, total float8) RETURNS text LANGUAGE sql
	SET search_path = pg_catalog AS $$
	SELECT concat_ws(' ', crm.score(c, attrs), crm.score_level(c, attrs), crm.level(c, total),
					 crm.score_values(c, attrs ->> 'r'), crm.score_level_values(c, attrs ->> 'r'),
					 (SELECT string_agg(e.bin || '=' || e.points, ',') FROM crm.score_explain(c, attrs) e))$$;
CREATE FUNCTION sql_policies_call(p crm.service_policy, tier text, visits int, calls int) RETURNS text LANGUAGE sql
	SET search_path = pg_catalog AS $$
	SELECT concat_ws(' ', crm.service_minutes(p, tier), crm.visits_due(p, tier, '1 year'),
					 crm.calls_due(p, tier, '1 year'), crm.contact_compliance(p, tier, visits, calls, '1 year'))$$;

-- the direct results, per row
CREATE VIEW direct_tiers AS
SELECT id, concat_ws(' ', crm.tier(v, s), crm.tier(n, s), crm.tier_index(v, s), crm.tier_index(n, s),
					 crm.tier(v, s, cur, 0.1)) AS r FROM cache_schemes;
CREATE VIEW direct_cards AS
SELECT id, concat_ws(' ', crm.score(c, attrs), crm.score_level(c, attrs), crm.level(c, total),
					 crm.score_values(c, attrs ->> 'r'), crm.score_level_values(c, attrs ->> 'r'),
					 (SELECT string_agg(e.bin || '=' || e.points, ',') FROM crm.score_explain(c, attrs) e)) AS r
FROM cache_cards;
CREATE VIEW direct_policies AS
SELECT id, concat_ws(' ', crm.service_minutes(p, tier), crm.visits_due(p, tier, '1 year'),
					 crm.calls_due(p, tier, '1 year'), crm.contact_compliance(p, tier, visits, calls, '1 year')) AS r
FROM cache_policies;

SELECT * FROM direct_tiers ORDER BY id;
SELECT * FROM direct_cards ORDER BY id;
SELECT * FROM direct_policies ORDER BY id;

-- per-row values through PL/pgSQL, in one statement and one transaction
SELECT d.id, d.r AS direct, pl_tiers(s, v, n, cur) AS plpgsql
FROM cache_schemes t JOIN direct_tiers d USING (id) WHERE d.r IS DISTINCT FROM pl_tiers(s, v, n, cur);
SELECT d.id, d.r AS direct, pl_cards(c, attrs, total) AS plpgsql
FROM cache_cards t JOIN direct_cards d USING (id) WHERE d.r IS DISTINCT FROM pl_cards(c, attrs, total);
SELECT d.id, d.r AS direct, pl_policies(p, tier, visits, calls) AS plpgsql
FROM cache_policies t JOIN direct_policies d USING (id) WHERE d.r IS DISTINCT FROM pl_policies(p, tier, visits, calls);

-- PL/pgSQL loops over the rows in one call (the same expression state throughout)
DO $$
DECLARE
	r record;
	got text;
	mismatches int := 0;
BEGIN
	FOR r IN SELECT t.*, d.r AS want FROM cache_schemes t JOIN direct_tiers d USING (id) ORDER BY id LOOP
		got := concat_ws(' ', crm.tier(r.v, r.s), crm.tier(r.n, r.s), crm.tier_index(r.v, r.s),
						 crm.tier_index(r.n, r.s), crm.tier(r.v, r.s, r.cur, 0.1));
		IF got IS DISTINCT FROM r.want THEN
			RAISE NOTICE 'tiers row %: % <> %', r.id, got, r.want;
			mismatches := mismatches + 1;
		END IF;
	END LOOP;
	FOR r IN SELECT t.*, d.r AS want FROM cache_cards t JOIN direct_cards d USING (id) ORDER BY id LOOP
		got := concat_ws(' ', crm.score(r.c, r.attrs), crm.score_level(r.c, r.attrs), crm.level(r.c, r.total),
						 crm.score_values(r.c, r.attrs ->> 'r'), crm.score_level_values(r.c, r.attrs ->> 'r'),
						 (SELECT string_agg(e.bin || '=' || e.points, ',') FROM crm.score_explain(r.c, r.attrs) e));
		IF got IS DISTINCT FROM r.want THEN
			RAISE NOTICE 'cards row %: % <> %', r.id, got, r.want;
			mismatches := mismatches + 1;
		END IF;
	END LOOP;
	FOR r IN SELECT t.*, d.r AS want FROM cache_policies t JOIN direct_policies d USING (id) ORDER BY id LOOP
		got := concat_ws(' ', crm.service_minutes(r.p, r.tier), crm.visits_due(r.p, r.tier, '1 year'),
						 crm.calls_due(r.p, r.tier, '1 year'),
						 crm.contact_compliance(r.p, r.tier, r.visits, r.calls, '1 year'));
		IF got IS DISTINCT FROM r.want THEN
			RAISE NOTICE 'policies row %: % <> %', r.id, got, r.want;
			mismatches := mismatches + 1;
		END IF;
	END LOOP;
	RAISE NOTICE 'PL/pgSQL loop: % mismatches', mismatches;
END$$;

-- SQL functions, inlined and called
SELECT d.id, d.r AS direct, sql_tiers(s, v, n, cur) AS sql_inlined, sql_tiers_call(s, v, n, cur) AS sql_called
FROM cache_schemes t JOIN direct_tiers d USING (id)
WHERE d.r IS DISTINCT FROM sql_tiers(s, v, n, cur) OR d.r IS DISTINCT FROM sql_tiers_call(s, v, n, cur);
SELECT d.id, d.r AS direct, sql_cards_call(c, attrs, total) AS sql_called
FROM cache_cards t JOIN direct_cards d USING (id) WHERE d.r IS DISTINCT FROM sql_cards_call(c, attrs, total);
SELECT d.id, d.r AS direct, sql_policies_call(p, tier, visits, calls) AS sql_called
FROM cache_policies t JOIN direct_policies d USING (id) WHERE d.r IS DISTINCT FROM sql_policies_call(p, tier, visits, calls);

-- prepared statements with generic plans: the rule set is a parameter
SET plan_cache_mode = force_generic_plan;
PREPARE t_stmt(crm.tiers, float8, numeric, text) AS
	SELECT concat_ws(' ', crm.tier($2, $1), crm.tier($3, $1), crm.tier_index($2, $1), crm.tier_index($3, $1),
					 crm.tier($2, $1, $4, 0.1));
PREPARE c_stmt(crm.scorecard, jsonb, float8) AS
	SELECT concat_ws(' ', crm.score($1, $2), crm.score_level($1, $2), crm.level($1, $3),
					 crm.score_values($1, $2 ->> 'r'), crm.score_level_values($1, $2 ->> 'r'),
					 (SELECT string_agg(e.bin || '=' || e.points, ',') FROM crm.score_explain($1, $2) e));
PREPARE p_stmt(crm.service_policy, text, int, int) AS
	SELECT concat_ws(' ', crm.service_minutes($1, $2), crm.visits_due($1, $2, '1 year'),
					 crm.calls_due($1, $2, '1 year'), crm.contact_compliance($1, $2, $3, $4, '1 year'));
EXECUTE t_stmt('{a, b >= 1}', 50, 50, 'b');
EXECUTE t_stmt('{x, y >= 100}', 50, 50, 'y');
EXECUTE t_stmt('{lo, mid >= 10, hi >= 40}', 50, 50, 'hi');
EXECUTE c_stmt('r: category {x: 10, *: 1}; levels: {low, high >= 5}', '{"r": "x"}', 7);
EXECUTE c_stmt('r: category {x: 20, *: 2}; levels: {calm, alert >= 15, alarm >= 30}', '{"r": "x"}', 16);
EXECUTE p_stmt('A: {visits_per_year: 4, visit_minutes: 60}; *: {calls_per_year: 2, call_minutes: 5}', 'A', 1, 0);
EXECUTE p_stmt('A: {visits_per_year: 12, visit_minutes: 30, calls_per_year: 12, call_minutes: 10}', 'A', 3, 2);
-- a generic plan run from PL/pgSQL with a changing parameter
DO $$
DECLARE
	r record;
	got text;
	mismatches int := 0;
BEGIN
	FOR r IN SELECT t.*, d.r AS want FROM cache_schemes t JOIN direct_tiers d USING (id) ORDER BY id LOOP
		EXECUTE 'SELECT concat_ws('' '', crm.tier($2, $1), crm.tier($3, $1), crm.tier_index($2, $1), crm.tier_index($3, $1), crm.tier($2, $1, $4, 0.1))'
			INTO got USING r.s, r.v, r.n, r.cur;
		IF got IS DISTINCT FROM r.want THEN
			mismatches := mismatches + 1;
		END IF;
	END LOOP;
	RAISE NOTICE 'dynamic SQL with parameters: % mismatches', mismatches;
END$$;
RESET plan_cache_mode;
DEALLOCATE ALL;

-- a constant rule set is still read once per query (the fast path), and
-- gives the same answers as per-row values
SELECT crm.tier(v, '{lo, mid >= 10, hi >= 40}'::crm.tiers) AS const_scheme, count(*)
FROM cache_schemes GROUP BY 1 ORDER BY 1;
