-- What is stored can be read back: crm.rebalance_state, crm.rebalance_plan
-- and crm.gini_state print JSON (states and plans, up to 8,192 bytes of
-- binary) or the compact crm64: form (beyond, and always for crm.gini_state),
-- and every form reads back to the same value: text casts, text COPY (what
-- pg_dump and pg_restore use) and binary COPY.  The state's binary form
-- (format version 2) takes 1 + 8 + 8 bytes a row and the ids' varints; the
-- compact text 4/3 of that.
SET search_path = public, crm;

CREATE AGGREGATE pg_temp.rb_state_of(bigint, bigint, float8, float8, boolean)
	(SFUNC = crm.rebalance_transfn, STYPE = crm.rebalance_state);
CREATE AGGREGATE pg_temp.gini_state_of(float8) (SFUNC = crm.gini_transfn, STYPE = crm.gini_state);

-- rows of every kind: customers with a manager, pinned ones, orphans
-- (every 7th), manager declarations (every 10th), bigint ids at both ends
CREATE FUNCTION pg_temp.book(n int) RETURNS TABLE (c bigint, m bigint, l float8, cap float8, movable boolean)
LANGUAGE sql AS $$
	SELECT CASE WHEN g % 10 = 0 THEN NULL WHEN g = 1 THEN -9223372036854775808 WHEN g = 2 THEN 9223372036854775807 ELSE g END,
	       CASE WHEN g % 7 = 0 THEN NULL ELSE g % 50 END,
	       CASE WHEN g % 10 = 0 THEN NULL ELSE g * 0.25 END,
	       CASE WHEN g % 7 = 0 THEN NULL ELSE 1000 + g % 50 END,
	       g % 3 <> 0 OR g % 7 = 0
	FROM generate_series(1, n) g
$$;
CREATE TABLE restore_states (name text PRIMARY KEY, n int, nrows int, s crm.rebalance_state);
INSERT INTO restore_states VALUES ('empty', 0, 0, '{"rows": []}');
INSERT INTO restore_states
SELECT 'rows_' || n, n, (SELECT count(*) FROM pg_temp.book(n) WHERE c IS NOT NULL OR m IS NOT NULL),
       (SELECT pg_temp.rb_state_of(c, m, l, cap, movable) FROM pg_temp.book(n))
FROM (VALUES (1), (1000), (100000)) v(n);
-- rows (g, g % 5, 1, 10) take 1 + 1 + 1 + 8 + 8 = 19 bytes for g < 64 (a
-- one-byte varint) and 20 from 64 on, after 11 bytes of header: 412 rows
-- are 11 + 63 x 19 + 349 x 20 = 8,188 bytes of binary: JSON; 413 are 8,208: compact
INSERT INTO restore_states
SELECT 'edge_' || n, n, n, (SELECT pg_temp.rb_state_of(g, g % 5, 1, 10, true) FROM generate_series(1, n) g)
FROM (VALUES (412), (413)) v(n);

SELECT name, nrows, length(crm.rebalance_state_send(s)) AS binary_length,
       round(length(crm.rebalance_state_send(s))::numeric / greatest(nrows, 1), 2) AS bytes_a_row,
       left(s::text, 8) AS text_starts,
       length(s::text) AS text_length,
       s::text::crm.rebalance_state::text = s::text AS text_round_trip,
       crm.rebalance_state_send(s::text::crm.rebalance_state) = crm.rebalance_state_send(s) AS same_value
FROM restore_states ORDER BY n;
-- the compact text is "crm64:" and base64 of the binary form
SELECT s::text = 'crm64:' || translate(encode(crm.rebalance_state_send(s), 'base64'), E'\n', '') AS compact_is_base64_of_binary
FROM restore_states WHERE name = 'rows_1000';
-- the JSON form and the compact form of one state read back to the same value
SELECT crm.rebalance_state_send(j::crm.rebalance_state) = crm.rebalance_state_send(s) AS json_equals_compact
FROM restore_states,
     LATERAL (SELECT '{"rows": [' || string_agg(format('[%s, %s, %s, %s, %s]', coalesce(c::text, 'null'), coalesce(m::text, 'null'),
                                                        coalesce(l::text, 'null'), coalesce(cap::text, 'null'),
                                                        CASE WHEN movable THEN 'true' ELSE 'false' END), ', ' ORDER BY o) || ']}' AS j
              FROM pg_temp.book(1000) WITH ORDINALITY b(c, m, l, cap, movable, o) WHERE c IS NOT NULL OR m IS NOT NULL) x
WHERE name = 'rows_1000';

-- plans: small ones print JSON, large ones compact text; both read back
CREATE TABLE restore_plans AS SELECT name, n, crm.rebalance_finalfn(s) AS p FROM restore_states WHERE n > 0;
SELECT name, left(p::text, 8) AS text_starts,
       p::text::crm.rebalance_plan::text = p::text AS text_round_trip,
       crm.rebalance_plan_send(p::text::crm.rebalance_plan) = crm.rebalance_plan_send(p) AS same_value,
       (SELECT row(s.*)::text FROM crm.plan_summary(p::text::crm.rebalance_plan) s) = (SELECT row(s.*)::text FROM crm.plan_summary(p) s) AS same_summary
FROM restore_plans ORDER BY n;
SELECT s.managers, s.customers, s.orphans, s.moves, s.peak_after >= s.lower_bound AS peak_at_least_bound
FROM restore_plans, crm.plan_summary(p) s WHERE name = 'rows_100000';

-- gini states: always compact
CREATE TABLE restore_ginis (name text PRIMARY KEY, g crm.gini_state);
INSERT INTO restore_ginis VALUES ('empty', 'crm64:AQAAAAAAAAAA');
INSERT INTO restore_ginis
SELECT 'values_' || n, (SELECT pg_temp.gini_state_of(CASE WHEN x % 5 = 0 THEN 0 ELSE x * 1e-3 END) FROM generate_series(1, n) x)
FROM (VALUES (1), (1000), (100000)) v(n);
SELECT name, left(g::text, 8) AS text_starts, length(g::text) AS text_length,
       g::text::crm.gini_state::text = g::text AS text_round_trip,
       crm.gini_finalfn(g) AS gini
FROM restore_ginis ORDER BY name;

-- text COPY (pg_dump's path) and binary COPY round trips, compared as values
CREATE TABLE copy_states (LIKE restore_states);
CREATE TABLE copy_plans (LIKE restore_plans);
CREATE TABLE copy_ginis (LIKE restore_ginis);
\copy restore_states TO 'results/restore_states.txt'
\copy copy_states FROM 'results/restore_states.txt'
\copy restore_plans TO 'results/restore_plans.txt'
\copy copy_plans FROM 'results/restore_plans.txt'
\copy restore_ginis TO 'results/restore_ginis.txt'
\copy copy_ginis FROM 'results/restore_ginis.txt'
SELECT 'text' AS copy, count(*) AS rows,
       bool_and(crm.rebalance_state_send(a.s) = crm.rebalance_state_send(b.s)) AS same
FROM restore_states a JOIN copy_states b USING (name)
UNION ALL
SELECT 'text', count(*), bool_and(crm.rebalance_plan_send(a.p) = crm.rebalance_plan_send(b.p))
FROM restore_plans a JOIN copy_plans b USING (name)
UNION ALL
SELECT 'text', count(*), bool_and(crm.gini_state_send(a.g) = crm.gini_state_send(b.g))
FROM restore_ginis a JOIN copy_ginis b USING (name);
TRUNCATE copy_states, copy_plans, copy_ginis;
\copy restore_states TO 'results/restore_states.bin' (FORMAT binary)
\copy copy_states FROM 'results/restore_states.bin' (FORMAT binary)
\copy restore_plans TO 'results/restore_plans.bin' (FORMAT binary)
\copy copy_plans FROM 'results/restore_plans.bin' (FORMAT binary)
\copy restore_ginis TO 'results/restore_ginis.bin' (FORMAT binary)
\copy copy_ginis FROM 'results/restore_ginis.bin' (FORMAT binary)
SELECT 'binary' AS copy, count(*) AS rows,
       bool_and(crm.rebalance_state_send(a.s) = crm.rebalance_state_send(b.s)) AS same
FROM restore_states a JOIN copy_states b USING (name)
UNION ALL
SELECT 'binary', count(*), bool_and(crm.rebalance_plan_send(a.p) = crm.rebalance_plan_send(b.p))
FROM restore_plans a JOIN copy_plans b USING (name)
UNION ALL
SELECT 'binary', count(*), bool_and(crm.gini_state_send(a.g) = crm.gini_state_send(b.g))
FROM restore_ginis a JOIN copy_ginis b USING (name);
-- and the restored states still solve to the same plans
SELECT bool_and(crm.rebalance_finalfn(b.s)::text = a.p::text) AS same_plans
FROM restore_plans a JOIN copy_states b USING (name);
