-- crm.rebalance: hand-checkable plans, plan I/O, bad inputs.  Sections
-- 1-7 check the least-peak objective of crm 0.1.0, which the options
-- {"target": 0, "minimise": "load"} give; section 8 on is the objective of
-- 0.2.0 (a target utilisation, the fewest relationships moved), text and
-- uuid ids, capacities on manager rows, and the readers of 0.2.0.
SET search_path = public, crm;
\set v1 '{"target": 0, "minimise": "load"}'

-- 1. Three managers, ten customers (loads in minutes, capacities in minutes;
--    utilisation = load / capacity).
--    manager 1 (cap 100): customers 1-5 = 30 + 20 + 20 + 10 + 10 = 90  (0.90)
--    manager 2 (cap 100): customers 6-8 = 15 + 10 + 5          = 30  (0.30)
--    manager 3 (cap  50): customers 9-10 = 25 + 15             = 40  (0.80)
--    Lower bound: 160 / 250 = 0.64.  0.64 needs manager 3 at exactly 32,
--    which no subset of its loads (multiples of 5) makes, so the best peak
--    is 0.65: managers 1 and 2 at 65, manager 3 at 30 (0.60).  The plan
--    below reaches it: 2 and 3 (20 each) go from 1 to 2, 10 (15) from 3 to
--    1, 8 (5) from 2 to 3: 65 = 30 + 10 + 10 + 15, 65 = 15 + 10 + 20 + 20,
--    30 = 25 + 5.  Moved load 60, the least for that peak (manager 1 must
--    lose 25 net, manager 3 10, and loads are multiples of 5); the group is
--    small enough for the exact search, which breaks ties of moved load by
--    the number of moves (4).
CREATE TABLE book (customer_id bigint, manager_id bigint, load float8, capacity float8, movable boolean DEFAULT true);
INSERT INTO book (customer_id, manager_id, load, capacity) VALUES
	(1, 1, 30, 100), (2, 1, 20, 100), (3, 1, 20, 100), (4, 1, 10, 100), (5, 1, 10, 100),
	(6, 2, 15, 100), (7, 2, 10, 100), (8, 2, 5, 100),
	(9, 3, 25, 50), (10, 3, 15, 50);
CREATE TABLE plans AS SELECT 'ten'::text AS name, crm.rebalance(customer_id, manager_id, load, capacity, true, :'v1') AS plan FROM book;
SELECT s.* FROM plans, crm.plan_summary(plan) s WHERE name = 'ten';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'ten';
SELECT l.*, l.load_after / l.capacity AS utilisation FROM plans, crm.plan_loads(plan) l WHERE name = 'ten';
-- the text form, and it reads back to the same plan
SELECT plan FROM plans WHERE name = 'ten';
SELECT plan::text::crm.rebalance_plan::text = plan::text AS text_round_trip FROM plans;
-- the same rows in another order give the same plan
SELECT crm.rebalance(customer_id, manager_id, load, capacity, true, :'v1' ORDER BY customer_id DESC)::text = plan::text AS order_independent
FROM book, plans WHERE name = 'ten' GROUP BY plan::text;

-- 2. Orphans only: two managers declared by rows without a customer
--    (capacities 100 and 50, nobody yet) and four orphans 40, 30, 20, 10.
--    Lower bound max(100 / 150, 40 / 100) = 0.667.  Splits: {40, 30} + {20, 10}
--    gives 0.70 / 0.60; {40, 20} + {30, 10} gives 0.60 / 0.80; everything
--    else is worse, so 0.70 is the best peak.  Orphan assignments are not
--    counted as moves.
INSERT INTO plans SELECT 'orphans', crm.rebalance(c, m, l, cap, true, :'v1') FROM (VALUES
	(NULL::bigint, 1::bigint, NULL::float8, 100::float8), (NULL, 2, NULL, 50),
	(1, NULL, 40, NULL), (2, NULL, 30, NULL), (3, NULL, 20, NULL), (4, NULL, 10, NULL)) v(c, m, l, cap);
SELECT s.* FROM plans, crm.plan_summary(plan) s WHERE name = 'orphans';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'orphans';
SELECT l.* FROM plans, crm.plan_loads(plan) l WHERE name = 'orphans';

-- 3. A pinned customer that blocks balance: manager 1 (cap 100) has pinned
--    customers of 50 and 40 and a movable one of 10; manager 2 (cap 100)
--    has 10.  The pinned 90 keeps manager 1 at 0.90 whatever happens: the
--    lower bound includes pinned load / capacity.  Only customer 3 moves.
INSERT INTO plans SELECT 'pinned', crm.rebalance(c, m, l, cap, mov, :'v1') FROM (VALUES
	(1::bigint, 1::bigint, 50::float8, 100::float8, false), (2, 1, 40, 100, false), (3, 1, 10, 100, true),
	(4, 2, 10, 100, true)) v(c, m, l, cap, mov);
SELECT s.* FROM plans, crm.plan_summary(plan) s WHERE name = 'pinned';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'pinned';
-- everything pinned: nothing moves, the peak stays
SELECT s.peak_before, s.peak_after, s.moves FROM (SELECT crm.rebalance(customer_id, manager_id, load, capacity, false) AS p FROM book) x,
	crm.plan_summary(p) s;

-- 4. A customer heavier than any capacity: 300 on manager 2 (cap 50), and
--    two of 10 on manager 1 (cap 100).  No plan beats 300 / 100 = 3.0: the
--    heavy customer goes to the largest manager, whose two customers make
--    room for it by moving to manager 2 (0.40).  Moved load 320.
INSERT INTO plans SELECT 'heavy', crm.rebalance(c, m, l, cap, true, :'v1') FROM (VALUES
	(1::bigint, 2::bigint, 300::float8, 50::float8), (2, 1, 10, 100), (3, 1, 10, 100)) v(c, m, l, cap);
SELECT s.* FROM plans, crm.plan_summary(plan) s WHERE name = 'heavy';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'heavy';

-- 4b. Moving few customers is not moving little load: capacities 1.5, 1
--    and 1.5; manager 2 holds 5, 8 and 6 (19, utilisation 19), manager 3
--    holds 8 (5.33), manager 1 nothing.  Lower bound max(27 / 4, 8 / 1.5)
--    = 6.75; the best peak is 8 (manager 2 keeps 8; 5 + 6 = 11 cannot go
--    to one manager with 1.5 x 7.99 = 11.99 room without the other above 8:
--    manager 1 takes 6 and 5 = 11 (7.33), manager 3 keeps 8 (5.33)).  The
--    least load to move for that peak is 11: 5 and 6 to manager 1.
--    crm 0.1.0 reached the peak of 8 but moved all four customers (27):
--    manager 2 gave up its largest customer first (8, then 5 covered the
--    rest), and making room for the 5 evicted manager 3's book.  0.2.0
--    solves groups this small exactly (3^4 assignments): 5 and 6 move.
INSERT INTO plans SELECT 'coarse', crm.rebalance(c, m, l, cap, true, :'v1') FROM (VALUES
	(NULL::bigint, 1::bigint, NULL::float8, 1.5::float8), (1, 2, 5, 1), (2, 2, 8, 1), (3, 2, 6, 1), (4, 3, 8, 1.5)) v(c, m, l, cap);
SELECT s.* FROM plans, crm.plan_summary(plan) s WHERE name = 'coarse';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'coarse';

-- 5. Already balanced: nothing moves.  Zero loads.  A manager without capacity and customers.
SELECT s.* FROM (SELECT crm.rebalance(c, m, l, cap) AS p FROM (VALUES
	(1::bigint, 1::bigint, 10::float8, 1::float8), (2, 2, 10, 1)) v(c, m, l, cap)) x, crm.plan_summary(p) s;
SELECT s.* FROM (SELECT crm.rebalance(c, m, l, cap) AS p FROM (VALUES
	(1::bigint, 1::bigint, 0::float8, 1::float8), (2, NULL, 0, NULL), (NULL, 2, NULL, 0)) v(c, m, l, cap)) x, crm.plan_summary(p) s;
-- no rows: NULL; a row about nobody is skipped
SELECT crm.rebalance(customer_id, manager_id, load, capacity) IS NULL AS no_rows FROM book WHERE false;
SELECT crm.rebalance(c, m, 1, 1) IS NULL AS nobody FROM (VALUES (NULL::bigint, NULL::bigint)) v(c, m);

-- 6. Groups: one plan per group; moves stay inside the group
SELECT region, s.managers, s.customers, s.peak_before, s.peak_after, s.moves
FROM (SELECT customer_id % 2 AS region, crm.rebalance(customer_id, manager_id, load, capacity, true, :'v1') AS p
      FROM book GROUP BY 1) x, crm.plan_summary(p) s ORDER BY region;

-- 7. Binary COPY round trip of plans and of an aggregate state
CREATE TABLE plan_copy (LIKE plans);
\copy plans TO 'results/plans.bin' (FORMAT binary)
\copy plan_copy FROM 'results/plans.bin' (FORMAT binary)
SELECT p.name, p.plan::text = c.plan::text AS same FROM plans p JOIN plan_copy c USING (name) ORDER BY 1;
SELECT '{"rows": [[1, 2, 0.5, 1, true], [null, 3, null, 2, true], [4, null, 1.5, null, true], [5, 2, 0, 1, false]]}'::crm.rebalance_state;
SELECT crm.rebalance_finalfn('{"rows": [[1, 2, 0.5, 1, true], [null, 3, null, 2, true], [4, null, 1.5, null, true], [5, 2, 0, 1, false]]}');

-- bad inputs: one per line, with SQLSTATE
SELECT crm_test.error_of(format('SELECT s.* FROM (SELECT crm.rebalance(c, m, l, cap, mov) AS p FROM (VALUES %s) v(c, m, l, cap, mov)) x, crm.plan_summary(p) s', v)) AS result, v AS "rows (customer, manager, load, capacity, movable)" FROM (VALUES
	('(1::bigint, 1::bigint, ''NaN''::float8, 1::float8, true)'),
	('(1::bigint, 1::bigint, ''Infinity''::float8, 1::float8, true)'),
	('(1::bigint, 1::bigint, -1::float8, 1::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, ''NaN''::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, ''-Infinity''::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, -1::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, 0::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, 1::float8, true), (2, 1, 1, 2, true)'),
	('(1::bigint, 1::bigint, 1::float8, 1::float8, true), (1, 2, 1, 1, true)'),
	('(1::bigint, 1::bigint, 1::float8, 1::float8, true), (1, NULL, 1, NULL, true)'),
	('(1::bigint, 1::bigint, NULL::float8, 1::float8, true)'),
	('(1::bigint, 1::bigint, 1::float8, NULL::float8, true)'),
	('(1::bigint, NULL::bigint, 1::float8, NULL::float8, false)'),
	('(1::bigint, NULL::bigint, 1::float8, NULL::float8, true)'),
	('(1::bigint, NULL::bigint, 1::float8, NULL::float8, true), (NULL, 2, NULL, 0, true)'),
	('(NULL::bigint, 1::bigint, NULL::float8, 1::float8, true), (NULL, 1, NULL, 2, true)'),
	('(1::bigint, 1::bigint, 1e300::float8, 1e-10::float8, true)')
) x(v);
SELECT crm_test.error_of(s) AS result, s AS statement FROM (VALUES
	($$SELECT crm.rebalance_transfn(NULL, 1, 1, 1, 1)$$),
	($$SELECT crm.rebalance_combinefn(NULL, NULL)$$),
	($$SELECT '{"rows": [[1, 2, 3]]}'::crm.rebalance_state$$),
	($$SELECT '{"rows": [[null, null, 1, 1, true]]}'::crm.rebalance_state$$),
	($$SELECT '{"rows": [[1, 2, -1, 1, true]]}'::crm.rebalance_state$$),
	($$SELECT '{"rows": [[1.5, 2, 1, 1, true]]}'::crm.rebalance_state$$),
	($$SELECT '{"rows": 1}'::crm.rebalance_state$$),
	($$SELECT '{"rowz": []}'::crm.rebalance_state$$),
	($$SELECT 'not json'::crm.rebalance_state$$),
	($$SELECT '{"customers": 1, "orphans": 0, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[2, 1, 1, 1], [1, 1, 1, 1]], "moves": []}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "orphans": 0, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 1, 1]], "moves": [[1, 1, 9, 1]]}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "orphans": 0, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 1, 1]], "moves": [[1, 1, 1, 1]]}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "orphans": 0, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[1, -1, 1, 1]], "moves": []}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "orphans": 0, "peak_before": 1, "peak_after": 1, "managers": [], "moves": []}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "extra": 0}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 1, "orphans": 5, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 1, 1]], "moves": []}'::crm.rebalance_plan$$),
	($$SELECT '{"customers": 2, "orphans": 1, "peak_before": 1, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 1, 1]], "moves": []}'::crm.rebalance_plan$$)
) v(s);

-- 8. The objective of 0.2.0: a target utilisation t (default 1), the
--    fewest relationships moved.
-- 8a. The book of case 1 is within 100% everywhere: no moves (any options
--     without a target, and the 0.1.0 signatures, use t = 1).
SELECT s.target, s.minimise, s.peak_before, s.peak_after, s.over_target_before, s.over_target_after, s.moves
FROM (SELECT crm.rebalance(customer_id, manager_id, load, capacity) AS p FROM book) x, crm.plan_report(p) s;
-- 8b. t = 0.85: manager 1 (90 of 100) must give up 5 or more: one customer,
--     the smallest that covers it, 10 (customers 4 and 5 have 10; the exact
--     search of small groups keeps the lower id home on a tie).  Manager 2
--     (30) has room to 85, manager 3 (40 of 50 = 0.80) stays: 1
--     relationship, 10 of load.
SELECT m.* FROM (SELECT crm.rebalance(customer_id, manager_id, load, capacity, true, '{"target": 0.85}') AS p FROM book) x, crm.moves(p) m;
-- 8c. A manager whose pinned customers alone are 120% of capacity (60 of
--     50) keeps them and gives up every movable one (15 and 10: it may end
--     at max(t, its pinned utilisation) = 1.2); manager 2 (20 of 100) takes
--     them to 45, below 100%; manager 3, at 90% before, gets nothing (no
--     one at or below t is pushed over it).  The peak, 1.2, is the lower
--     bound; 2 relationships move.
INSERT INTO plans SELECT 'pinned_over', crm.rebalance(c, m, l, cap, mov, '{}') FROM (VALUES
	(1::bigint, 1::bigint, 40::float8, 50::float8, false), (2, 1, 20, 50, false), (3, 1, 15, 50, true), (4, 1, 10, 50, true),
	(5, 2, 20, 100, true), (6, 3, 45, 50, true)) v(c, m, l, cap, mov);
SELECT s.peak_before, s.peak_after, s.lower_bound, s.over_target_before, s.over_target_after, s.moves, s.moved_load
FROM plans, crm.plan_report(plan) s WHERE name = 'pinned_over';
SELECT m.* FROM plans, crm.moves(plan) m WHERE name = 'pinned_over';
SELECT l.* FROM plans, crm.plan_managers(plan) l WHERE name = 'pinned_over';
-- 8d. Orphans go where they keep their manager within t: manager 1 (80 of
--     100) has room for 20, manager 2 (10 of 20) for 10; orphans of 20
--     and 10 fill both exactly, the larger first into the larger room.
SELECT m.* FROM (SELECT crm.rebalance(c, m, l, cap) AS p FROM (VALUES
	(1::bigint, 1::bigint, 80::float8, 100::float8), (2, 2, 10, 20), (3, NULL, 20, NULL), (4, NULL, 10, NULL)) v(c, m, l, cap)) x, crm.moves(p) m;
-- 8e. t cannot be met: t = 0.5, manager 3's pinned 80 is 160% of its 50,
--     and the total, 220 on 250, is 88%.  The least peak is 1.6 (the
--     pinned load); manager 3 gives up its movable 10, to manager 2, which
--     was at or below t before (30 of 100) and stays there (40): the rule
--     that nobody at or below t is pushed over it holds where the peak
--     allows.  Manager 1 (100%) keeps its book: moving it would not lower
--     the peak, and nobody has room for it within t.
SELECT l.manager_id, l.utilisation_before, l.utilisation_after, l.moves_out, l.moves_in
FROM (SELECT crm.rebalance(c, m, l, cap, mov, '{"target": 0.5}') AS p FROM (VALUES
	(1::bigint, 1::bigint, 60::float8, 100::float8, true), (2, 1, 40, 100, true), (3, 2, 30, 100, true),
	(4, 3, 80, 50, false), (5, 3, 10, 50, true)) v(c, m, l, cap, mov)) x, crm.plan_managers(p) l;
-- 8f. max_moves: manager 1 (cap 10) holds 4 x 5 = 20 (200%), managers 2
--     and 3 (cap 10) nothing.  Unlimited: 2 moves bring it to 100%.  With
--     max_moves 1: one move, 15 of 10 left (over target after: 1, 5 load).
SELECT s.max_moves, s.moves, s.over_target_after, s.load_over_target_after FROM (VALUES (NULL::int), (1), (0)) v(k),
	LATERAL (SELECT crm.rebalance(c, m, l, cap, true, jsonb_build_object('max_moves', k)) AS p FROM (VALUES
		(1::bigint, 1::bigint, 5::float8, 10::float8), (2, 1, 5, 10), (3, 1, 5, 10), (4, 1, 5, 10),
		(NULL, 2, NULL, 10), (NULL, 3, NULL, 10)) w(c, m, l, cap)) x, crm.plan_report(x.p) s;
-- 8g. Move costs weigh relationships: manager 1 (cap 8) holds 6 (move
--     cost 100, a valued client) and 3 + 3 (cost 1 each), 12 in all: it
--     must give up 4.  Counting relationships, the 6 alone (1 move); with
--     the costs, the two 3s (cost 2, not 100).
SELECT w.costs, s.moves, s.moved_load, s.moved_cost FROM (VALUES (false), (true)) w(costs),
	LATERAL (SELECT crm.rebalance(c, m, l, cap, true, CASE WHEN w.costs THEN cost ELSE 1 END, '{}') AS p FROM (VALUES
		(1::bigint, 1::bigint, 6::float8, 8::float8, 100::float8), (2, 1, 3, 8, 1), (3, 1, 3, 8, 1), (NULL, 2, NULL, 10, NULL)) v(c, m, l, cap, cost)) x,
	crm.plan_report(x.p) s;
-- 8h. "minimise": "load" with a target: manager 1 (cap 9) holds 9, 2 and 1
--     and must give up 3: one relationship (the 9) when counting
--     relationships, 2 + 1 when counting load.
SELECT o.minimise, m.* FROM (VALUES ('relationships'), ('load')) o(minimise),
	LATERAL (SELECT crm.rebalance(c, m, l, cap, true, jsonb_build_object('minimise', o.minimise)) AS p FROM (VALUES
		(1::bigint, 1::bigint, 9::float8, 9::float8), (2, 1, 2, 9), (3, 1, 1, 9), (NULL, 2, NULL, 10)) v(c, m, l, cap)) x,
	crm.moves(x.p) m;

-- 9. Capacities given once, on manager rows (NULL customer, load NULL or 0):
--    customer rows may carry a NULL capacity.  The same plan as case 1
--    with capacities on every row.
SELECT crm.rebalance(c, m, l, cap, true, :'v1')::text = (SELECT plan::text FROM plans WHERE name = 'ten') AS same_plan
FROM (SELECT customer_id, manager_id, load, NULL::float8 FROM book
      UNION ALL SELECT NULL, manager_id, 0, min(capacity) FROM book GROUP BY manager_id) v(c, m, l, cap);

-- 10. Text and uuid ids: plans of their own types, readers in the ids' types
CREATE TABLE text_book AS
SELECT 'C-' || lpad(customer_id::text, 3, '0') AS customer_id, 'RM ' || chr(64 + manager_id::int) AS manager_id, load, NULL::float8 AS capacity
FROM book
UNION ALL SELECT NULL, 'RM ' || chr(64 + manager_id::int), NULL, min(capacity) FROM book GROUP BY manager_id
UNION ALL SELECT 'C-orphan', NULL, 12.5, NULL
UNION ALL SELECT NULL, 'RM D (new)', NULL, 40;
CREATE TABLE text_plans AS SELECT crm.rebalance(customer_id, manager_id, load, capacity, true, '{"target": 0.7}') AS plan FROM text_book;
SELECT pg_typeof(plan) FROM text_plans;
SELECT s.* FROM text_plans, crm.plan_report(plan) s;
SELECT m.*, pg_typeof(m.customer_id) FROM text_plans, crm.moves(plan) m;
SELECT l.* FROM text_plans, crm.plan_managers(plan) l;
SELECT plan FROM text_plans;
SELECT plan::text::crm.rebalance_plan_text::text = plan::text AS text_round_trip FROM text_plans;
-- the same book with uuid ids (customer n and manager n as the uuids ...n)
SELECT m.customer_id, m.from_manager, m.to_manager, m.load, pg_typeof(m.to_manager)
FROM (SELECT crm.rebalance(('00000000-0000-0000-0000-' || lpad(customer_id::text, 12, '0'))::uuid,
                           ('00000000-0000-0000-0001-' || lpad(manager_id::text, 12, '0'))::uuid, load, capacity, true, '{"target": 0.85}') AS p
      FROM book) x, crm.moves(p) m;
-- quoting in the JSON forms, and a state of text ids with options and costs
SELECT crm.rebalance_state_in('{"ids": "text", "options": {"target": 0.5, "minimise": "relationships", "max_moves": 3}, "costs": true, "rows": [["a \"b\" \\ c", "m", 1, null, true, 2.5], [null, "m", null, 10, true, null]]}');
SELECT crm.rebalance_text_finalfn('{"ids": "text", "rows": [["x", "m1", 8, 10, true], ["y", "m1", 4, 10, true], [null, "m2", null, 10, true]]}');

-- 11. Readers of 0.1.0 plans stored on disk keep working (format version 1
--     reads as a plan of 0.1.0's objective, and prints as it was)
SELECT '{"customers": 1, "orphans": 0, "peak_before": 2, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 2, 1], [2, 1, 0, 1]], "moves": [[7, 1, 2, 1]]}'::crm.rebalance_plan;
SELECT s.target, s.minimise, s.moves FROM crm.plan_report('{"customers": 1, "orphans": 0, "peak_before": 2, "peak_after": 1, "lower_bound": 1, "managers": [[1, 1, 2, 1], [2, 1, 0, 1]], "moves": [[7, 1, 2, 1]]}'::crm.rebalance_plan) s;

-- 12. bad options, move costs, ids and capacities, one per line
SELECT crm_test.error_of(s) AS result, s AS statement FROM (VALUES
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"targt": 1}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '[1]')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"target": "high"}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"target": -0.5}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"target": 1e5}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"target": 1e400}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"minimise": "moves"}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"max_moves": -1}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"max_moves": 1.5}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, '{"max_moves": "ten"}')$$),
	($$SELECT crm.rebalance(c, 1, 1, 1, true, jsonb_build_object('target', c)) FROM generate_series(1, 2) c$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, 'NaN'::float8, '{}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, -1, '{}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, NULL, '{}')$$),
	($$SELECT crm.rebalance(1, 1, 1, 1, true, 1, '{"minimise": "load"}')$$),
	($$SELECT crm.rebalance(repeat('x', 1001), 'm', 1, 1)$$),
	($$SELECT crm.rebalance(c, m, l, cap) FROM (VALUES ('a', 'm', 1::float8, NULL::float8), ('b', 'm', 1, NULL)) v(c, m, l, cap)$$),
	($$SELECT crm.rebalance(c, m, l, cap) FROM (VALUES ('a', 'm', 1::float8, 2::float8), (NULL, 'm', NULL, 3)) v(c, m, l, cap)$$),
	($$SELECT crm.rebalance(c, m, l, cap) FROM (VALUES ('a', 'm', 1::float8, 2::float8), ('a', 'n', 1, 3)) v(c, m, l, cap)$$),
	($$SELECT crm.rebalance_text_finalfn('{"rows": [[1, 1, 1, 1, true]]}')$$),
	($$SELECT '{"version": 2, "ids": "text", "options": {"target": 1, "minimise": "relationships", "max_moves": null}, "costs": false, "customers": 0, "orphans": 0, "peak_before": 0, "peak_after": 0, "lower_bound": 0, "managers": [], "moves": []}'::crm.rebalance_plan$$),
	($$SELECT '{"ids": "uuid", "rows": [["not-a-uuid", null, 1, null, true]]}'::crm.rebalance_state$$),
	($$SELECT '{"ids": "text", "costs": true, "rows": [["a", "m", 1, 1, true]]}'::crm.rebalance_state$$),
	($$SELECT '{"ids": "int", "rows": []}'::crm.rebalance_state$$)
) v(s);
