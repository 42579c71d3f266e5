-- Hostile values of the workload types: crafted INITCOND states for
-- crm.rebalance and crm.gini, forged and truncated binary values (recv) and
-- compact texts (in) of crm.rebalance_state, crm.rebalance_plan,
-- crm.gini_state and crm.service_policy.  Each is refused with a specific
-- SQLSTATE (22023 for a number that is not allowed, 22P02 for a bad text,
-- 22P03 for a bad binary value), never accepted, never XX000 or a crash;
-- and odd but valid uses of the support functions give the right answers.
SET search_path = public, crm;

-- binary forms, built by hand: a row of a state (flags, customer, manager,
-- load, capacity), a state, a plan, a gini state, and the compact text.
-- The state and plan forms are crm 0.1.0's (format version 1), which
-- 0.2.0 still reads and checks as 0.1.0 did.
CREATE FUNCTION pg_temp.rb_row(flags int, c bigint, m bigint, l float8, cap float8) RETURNS bytea
LANGUAGE sql AS $$ SELECT set_byte('\x00'::bytea, 0, flags) || int8send(c) || int8send(m) || float8send(l) || float8send(cap) $$;
CREATE FUNCTION pg_temp.rb_state(n bigint, rows bytea, version int DEFAULT 1) RETURNS bytea
LANGUAGE sql AS $$ SELECT set_byte('\x00'::bytea, 0, version) || int8send(n) || rows $$;
CREATE FUNCTION pg_temp.gini_state(n bigint, vals float8[]) RETURNS bytea
LANGUAGE sql AS $$ SELECT '\x01'::bytea || int8send(n) || coalesce((SELECT string_agg(float8send(v), ''::bytea ORDER BY o) FROM unnest(vals) WITH ORDINALITY u(v, o)), ''::bytea) $$;
CREATE FUNCTION pg_temp.compact(b bytea) RETURNS text
LANGUAGE sql AS $$ SELECT 'crm64:' || translate(encode(b, 'base64'), E'\n', '') $$;

CREATE TABLE recv_states (s crm.rebalance_state);
CREATE TABLE recv_plans (p crm.rebalance_plan);
CREATE TABLE recv_ginis (g crm.gini_state);
CREATE TABLE recv_policies (p crm.service_policy);

-- the hand-built forms are real ones: a version-1 state reads as the same
-- rows (its JSON), and the gini state's send() gives the same bytes
SELECT pg_temp.compact(pg_temp.rb_state(2, pg_temp.rb_row(0, 1, 2, 0.5, 1) || pg_temp.rb_row(1, 0, 3, 0, 2)))::crm.rebalance_state::text
     = '{"rows": [[1, 2, 0.5, 1, true], [null, 3, null, 2, true]]}' AS state_form,
       crm.gini_state_send(pg_temp.compact(pg_temp.gini_state(2, '{1, 2}'))::crm.gini_state)
     = pg_temp.gini_state(2, '{1, 2}') AS gini_form;

-- 1. Crafted INITCOND states.  The input function checks an INITCOND when
--    the aggregate is created (and again when it runs), so a hostile one
--    never reaches the transition function.
SELECT crm_test.error_of(format(
	'CREATE AGGREGATE pg_temp.rb_evil(bigint, bigint, float8, float8) (SFUNC = crm.rebalance_transfn, STYPE = crm.rebalance_state, FINALFUNC = crm.rebalance_finalfn, INITCOND = %L)',
	initcond)) AS result, what FROM (VALUES
	('NaN load', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 1, 'NaN', 1)))),
	('infinite capacity', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 1, 1, 'Infinity')))),
	('negative load', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 1, -1, 1)))),
	('pinned orphan', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(6, 1, 0, 1, 0)))),
	('unknown flag', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(8, 1, 1, 1, 1)))),
	('row about nobody', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(3, 0, 0, 0, 0)))),
	('pinned manager row', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(5, 0, 1, 0, 1)))),
	('count beyond the rows', pg_temp.compact(pg_temp.rb_state(1000, pg_temp.rb_row(0, 1, 1, 1, 1)))),
	('count of 2^62', pg_temp.compact(pg_temp.rb_state(4611686018427387904, pg_temp.rb_row(0, 1, 1, 1, 1)))),
	('negative count', pg_temp.compact(pg_temp.rb_state(-1, ''))),
	('truncated row', pg_temp.compact(substr(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 1, 1, 1)), 1, 30))),
	('trailing bytes', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 1, 1, 1)) || '\x00'::bytea)),
	('version 3', pg_temp.compact(pg_temp.rb_state(0, '', 3))),
	('no bytes at all', 'crm64:'),
	('not base64', 'crm64:AQ!AAAAAAAAAAAAA'),
	('JSON with NaN', '{"rows": [[1, 1, NaN, 1, true]]}'),
	('JSON with a huge load', '{"rows": [[1, 1, 1e400, 1, true]]}'),
	('JSON id beyond bigint', '{"rows": [[9223372036854775808, 1, 1, 1, true]]}'),
	('valid: two rows', '{"rows": [[1, 1, 2, 10, true], [null, 2, null, 10, true]]}')
) v(what, initcond);
-- the valid one is used: its rows come first, then the aggregate's
SELECT s.customers, s.managers, s.peak_before, s.peak_after, s.moves
FROM (SELECT pg_temp.rb_evil(c, 1, 4, 10) AS p FROM generate_series(2, 4) c) x, crm.plan_summary(p) s;
-- and a state that has to grow (8 rows, then 16, ...) from an INITCOND copy
SELECT (SELECT pg_temp.rb_evil(c, 1 + c % 3, 1, 10) FROM generate_series(2, 1000) c)::text
     = (SELECT crm.rebalance(c, m, l, cap) FROM (SELECT 1::bigint, 1::bigint, 2::float8, 10::float8 UNION ALL
            SELECT NULL, 2, NULL, 10 UNION ALL SELECT c, 1 + c % 3, 1, 10 FROM generate_series(2, 1000) c) v(c, m, l, cap))::text
       AS initcond_rows_count;
-- a customer in the INITCOND and in the rows is a duplicate, found by the final function
SELECT crm_test.error_of('SELECT pg_temp.rb_evil(1, 1, 1, 10)');
DROP AGGREGATE pg_temp.rb_evil(bigint, bigint, float8, float8);

-- crm.gini
SELECT crm_test.error_of(format(
	'CREATE AGGREGATE pg_temp.gini_evil(float8) (SFUNC = crm.gini_transfn, STYPE = crm.gini_state, FINALFUNC = crm.gini_finalfn, INITCOND = %L)',
	initcond)) AS result, what FROM (VALUES
	('NaN', pg_temp.compact(pg_temp.gini_state(1, '{NaN}'))),
	('-Infinity', pg_temp.compact(pg_temp.gini_state(1, '{-Infinity}'))),
	('negative', pg_temp.compact(pg_temp.gini_state(2, '{1, -2}'))),
	('count beyond the values', pg_temp.compact(pg_temp.gini_state(3, '{1, 2}'))),
	('count of 2^62', pg_temp.compact(pg_temp.gini_state(4611686018427387904, '{1}'))),
	('negative count', pg_temp.compact(pg_temp.gini_state(-1, '{}'))),
	('trailing bytes', pg_temp.compact(pg_temp.gini_state(1, '{1, 2}'))),
	('a float8[] literal', '{1, 2, 3}'),
	('non-canonical base64', 'crm64:AQAAAAAAAAABP/AAAAAAAAB='),
	('valid: 0 and 10', pg_temp.compact(pg_temp.gini_state(2, '{0, 10}')))
) v(what, initcond);
-- the valid one: {0, 10} and then 0, 0 gives the coefficient of {0, 0, 0, 10} = 0.75
SELECT pg_temp.gini_evil(x) FROM (VALUES (0::float8), (0)) v(x);
-- -0 is stored as 0
SELECT crm.gini_state_send(pg_temp.compact(pg_temp.gini_state(1, '{-0}'))::crm.gini_state) = pg_temp.gini_state(1, '{0}') AS minus_zero;

-- 2. The support functions in other aggregates, on stored states.
CREATE TABLE part_states (region int, s crm.rebalance_state);
CREATE AGGREGATE pg_temp.rb_partial(bigint, bigint, float8, float8) (SFUNC = crm.rebalance_transfn, STYPE = crm.rebalance_state);
CREATE AGGREGATE pg_temp.rb_merge(crm.rebalance_state) (SFUNC = crm.rebalance_combinefn, STYPE = crm.rebalance_state, FINALFUNC = crm.rebalance_finalfn);
INSERT INTO part_states SELECT c % 3, pg_temp.rb_partial(c, 1 + c % 4, c % 7, 100) FROM generate_series(1, 300) c GROUP BY 1;
-- merged from stored states (the combine function as a transition function) = solved at once
SELECT (SELECT pg_temp.rb_merge(s ORDER BY region) FROM part_states)::text
     = (SELECT crm.rebalance(c, 1 + c % 4, c % 7, 100) FROM generate_series(1, 300) c)::text AS merged_equals_direct;
-- a state merged with itself has every customer twice
SELECT crm_test.error_of('SELECT pg_temp.rb_merge(s) FROM part_states, generate_series(1, 2)');
-- the final function on a stored state, and a stored state read back through its text
SELECT crm.rebalance_finalfn(s)::text = crm.rebalance_finalfn(s::text::crm.rebalance_state)::text AS same
FROM part_states WHERE region = 0;
-- as a window function: the transition function appends in place frame after frame
SELECT c, (crm.plan_summary(crm.rebalance(c, 1 + c % 2, 1, 10) OVER (ORDER BY c))).customers
FROM generate_series(1, 5) c ORDER BY c;
SELECT c, crm.gini(c::float8) OVER (ORDER BY c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM generate_series(1, 4) c ORDER BY c;

-- 3. Forged and truncated binary values (recv), one per line.
SELECT crm_test.error_of(format('SELECT crm_test.copy_binary(%L, %L::bytea)', tab, field)) AS result, what FROM (VALUES
	('recv_states', 'valid', pg_temp.rb_state(2, pg_temp.rb_row(0, 1, 2, 0.5, 1) || pg_temp.rb_row(2, 4, 0, 1.5, 0))),
	('recv_states', 'empty value', ''::bytea),
	('recv_states', 'version only', '\x01'::bytea),
	('recv_states', 'cut in the count', '\x01000000'::bytea),
	('recv_states', 'count beyond the rows', pg_temp.rb_state(2, pg_temp.rb_row(0, 1, 2, 0.5, 1))),
	('recv_states', 'cut in a row', substr(pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 2, 0.5, 1)), 1, 40)),
	('recv_states', 'trailing byte', pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 2, 0.5, 1)) || '\x00'::bytea),
	('recv_states', 'version 3', pg_temp.rb_state(0, '', 3)),
	('recv_states', 'flags 0x40', pg_temp.rb_state(1, pg_temp.rb_row(64, 1, 2, 0.5, 1))),
	('recv_states', 'NaN capacity', pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 2, 0.5, 'NaN'))),
	('recv_states', 'negative load', pg_temp.rb_state(1, pg_temp.rb_row(0, 1, 2, -0.5, 1))),
	('recv_states', 'pinned orphan', pg_temp.rb_state(1, pg_temp.rb_row(6, 1, 0, 0.5, 0))),
	('recv_plans', 'valid', crm.rebalance_plan_send(crm.rebalance_finalfn('{"rows": [[1, 2, 0.5, 1, true], [4, null, 1.5, null, true], [null, 3, null, 2, true]]}'))),
	('recv_plans', 'empty value', ''::bytea),
	('recv_plans', 'cut after the header', substr(crm.rebalance_plan_send(crm.rebalance_finalfn('{"rows": [[1, 2, 0.5, 1, true]]}')), 1, 45)),
	('recv_plans', 'cut in a move', substr(crm.rebalance_plan_send(crm.rebalance_finalfn('{"rows": [[4, null, 1.5, null, true], [null, 3, null, 2, true]]}')), 1, 100)),
	('recv_plans', 'manager count 2^31-1', '\x01' || int8send(0) || int8send(0) || float8send(0) || float8send(0) || float8send(0) || int4send(2147483647)),
	('recv_plans', 'NaN peak', '\x01' || int8send(0) || int8send(0) || float8send('NaN') || float8send(0) || float8send(0) || int4send(0) || int8send(0)),
	('recv_plans', 'move to manager 5 of 1', '\x01' || int8send(1) || int8send(0) || float8send(1) || float8send(1) || float8send(1) || int4send(1)
		|| int8send(7) || float8send(1) || float8send(1) || float8send(1) || int8send(1) || int8send(1) || int4send(0) || int4send(5) || float8send(1)),
	('recv_plans', 'managers out of order', '\x01' || int8send(0) || int8send(0) || float8send(1) || float8send(1) || float8send(1) || int4send(2)
		|| int8send(7) || float8send(1) || float8send(1) || float8send(1) || int8send(3) || float8send(1) || float8send(1) || float8send(1) || int8send(0)),
	('recv_ginis', 'valid', pg_temp.gini_state(2, '{1, 3}')),
	('recv_ginis', 'empty value', ''::bytea),
	('recv_ginis', 'cut in a value', substr(pg_temp.gini_state(2, '{1, 3}'), 1, 20)),
	('recv_ginis', 'NaN', pg_temp.gini_state(1, '{NaN}')),
	('recv_ginis', 'negative', pg_temp.gini_state(1, '{-3}')),
	('recv_policies', 'valid', '\x01'::bytea || convert_to('A: {visits_per_year: 4}', 'UTF8')),
	('recv_policies', 'empty value', ''::bytea),
	('recv_policies', 'version only', '\x01'::bytea),
	('recv_policies', 'cut text', '\x01'::bytea || convert_to('A: {visits_per_year: 4', 'UTF8')),
	('recv_policies', 'version 2', '\x02'::bytea || convert_to('A: {}', 'UTF8')),
	('recv_policies', 'NaN, as in the text form', '\x01'::bytea || convert_to('A: {visits_per_year: NaN}', 'UTF8')),
	('recv_policies', 'above 1e9, as in the text form', '\x01'::bytea || convert_to('A: {visits_per_year: 2e9}', 'UTF8'))
) v(tab, what, field);
-- the valid ones were stored and read back
SELECT s FROM recv_states;
SELECT p FROM recv_plans;
SELECT g::text = pg_temp.compact(pg_temp.gini_state(2, '{1, 3}')) AS gini_stored, crm.gini_finalfn(g) FROM recv_ginis;
SELECT p FROM recv_policies;

-- 4. The same numbers in the text, JSON and binary forms of a policy get
--    the same SQLSTATE and wording.
SELECT form, crm_test.error_of(stmt) AS result FROM (VALUES
	('text', $$SELECT 'A: {visits_per_year: -4}'::crm.service_policy$$),
	('json', $$SELECT '{"A": {"visits_per_year": -4}}'::jsonb::crm.service_policy$$),
	('binary', $$SELECT crm_test.copy_binary('recv_policies', '\x01'::bytea || convert_to('A: {visits_per_year: -4}', 'UTF8'))$$),
	('text', $$SELECT 'A: {visit_minutes: 1e400}'::crm.service_policy$$),
	('json', $$SELECT '{"A": {"visit_minutes": 1e400}}'::jsonb::crm.service_policy$$),
	('text', $$SELECT 'A: {call_minutes: Infinity}'::crm.service_policy$$),
	('binary', $$SELECT crm_test.copy_binary('recv_policies', '\x01'::bytea || convert_to('A: {call_minutes: Infinity}', 'UTF8'))$$)
) v(form, stmt);
-- and crm.rebalance's loads: the aggregate, the JSON form, the binary form
SELECT form, crm_test.error_of(stmt) AS result FROM (VALUES
	('aggregate', $$SELECT crm.rebalance(7, 1, 'NaN', 1)$$),
	('json', $$SELECT crm.rebalance_finalfn('{"rows": [[7, 1, -1, 1, true]]}')$$),
	('compact', format('SELECT %L::crm.rebalance_state', pg_temp.compact(pg_temp.rb_state(1, pg_temp.rb_row(0, 7, 1, 'NaN', 1))))),
	('binary', format('SELECT crm_test.copy_binary(%L, %L::bytea)', 'recv_states', pg_temp.rb_state(1, pg_temp.rb_row(0, 7, 1, 'NaN', 1))))
) v(form, stmt);

-- 5. Compact text of the plan, forged.
SELECT crm_test.error_of(format('SELECT %L::crm.rebalance_plan', t)) AS result, what FROM (VALUES
	('cut', pg_temp.compact(substr(crm.rebalance_plan_send(crm.rebalance_finalfn('{"rows": [[1, 2, 0.5, 1, true]]}')), 1, 60))),
	('negative orphan count', pg_temp.compact('\x01' || int8send(0) || int8send(-1) || float8send(0) || float8send(0) || float8send(0) || int4send(0) || int8send(0))),
	('infinite lower bound', pg_temp.compact('\x01' || int8send(0) || int8send(0) || float8send(0) || float8send(0) || float8send('Infinity') || int4send(0) || int8send(0))),
	('valid, empty', pg_temp.compact('\x01' || int8send(0) || int8send(0) || float8send(0) || float8send(0) || float8send(0) || int4send(0) || int8send(0)))
) v(what, t);
