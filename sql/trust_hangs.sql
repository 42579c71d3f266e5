-- Extreme magnitudes and sizes: every workload function finishes, or
-- refuses its input up front (22003 for numbers out of range, 54000 for
-- limits).  statement_timeout is a backstop: a loop that stops making
-- progress fails this test instead of hanging it.
SET search_path = public, crm;
SET statement_timeout = '60s';

-- 1. crm.rebalance: tiny, huge and subnormal loads and capacities, with
--    the least-peak objective ({"target": 0, "minimise": "load"}), which
--    searches for the peak (the default target of 1 is met by most of
--    these books without a search); the random instances below use both.
SELECT crm_test.error_of(format('SELECT s.* FROM (SELECT crm.rebalance(c, m, l, cap, true, ''{"target": 0, "minimise": "load"}'') AS p FROM (VALUES %s) v(c, m, l, cap)) x, crm.plan_summary(p) s', v)) AS result, what FROM (VALUES
	('the review''s example (utilisation 1e-600 underflows)', '(1::bigint, 1::bigint, 1e-300::float8, 1e300::float8)'),
	('subnormal load', '(1::bigint, 1::bigint, 5e-324::float8, 1::float8)'),
	('subnormal utilisations', '(1::bigint, 1::bigint, 1e-310::float8, 1::float8), (2, 1, 1e-310, 1)'),
	('subnormal capacity (utilisation overflows)', '(1::bigint, 1::bigint, 1::float8, 5e-324::float8)'),
	('huge load on a tiny capacity', '(1::bigint, 1::bigint, 1e300::float8, 1e-10::float8)'),
	('total load overflows', '(1::bigint, 1::bigint, 1.7976931348623157e308::float8, 1::float8), (2, 2, 1.7976931348623157e308, 1)'),
	('total capacity overflows', '(1::bigint, 1::bigint, 1::float8, 1.7976931348623157e308::float8), (2, 2, 1, 1.7976931348623157e308)'),
	('utilisation near DBL_MAX / 16', '(1::bigint, 1::bigint, 1e307::float8, 1::float8), (NULL, 2, NULL, 1)')
) x(what, v);
-- these finish with a plan (printed, to see the numbers are sane)
SELECT what, s.customers, s.peak_before, s.peak_after, s.lower_bound, s.moves FROM (VALUES
	('tiny but normal utilisations', (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0, "minimise": "load"}') FROM (VALUES
		(1::bigint, 1::bigint, 1e-300::float8, 1::float8), (2, 1, 1e-300, 1), (NULL, 2, NULL, 1)) v(c, m, l, cap))),
	('huge loads and capacities', (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0, "minimise": "load"}') FROM (VALUES
		(1::bigint, 1::bigint, 1e300::float8, 1e300::float8), (2, 1, 1e300, 1e300), (NULL, 2, NULL, 1e300)) v(c, m, l, cap))),
	('loads 1e300 and 1e-300 side by side', (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0, "minimise": "load"}') FROM (VALUES
		(1::bigint, 1::bigint, 1e300::float8, 1::float8), (2, 1, 1e-300, 1), (3, 1, 1, 1), (NULL, 2, NULL, 1)) v(c, m, l, cap))),
	('peak before 1e290, lower bound 1e-20', (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0, "minimise": "load"}') FROM (VALUES
		(1::bigint, 1::bigint, 1e-10::float8, 1e-300::float8), (NULL, 2, NULL, 1e10)) v(c, m, l, cap))),
	('subnormal load next to normal ones', (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0, "minimise": "load"}') FROM (VALUES
		(1::bigint, 1::bigint, 5e-324::float8, 1::float8), (2, 1, 3, 1), (3, 1, 1, 1), (NULL, 2, NULL, 1)) v(c, m, l, cap)))
) v(what, p), crm.plan_summary(p) s;

-- 2. Random instances with magnitudes from 1e-323 to 1e300 (fixed seed):
--    each one finishes with a plan that keeps the promises below, or is
--    refused with 22003; no other outcome.
SELECT setseed(0.125);
CREATE TEMP TABLE extreme AS
WITH inst AS (
	SELECT i, 1 + floor(random() * 5)::int AS nmgr, floor(random() * 30)::int AS ncust,
	       random() * 620 - 320 AS lo, random() * 40 AS spread
	FROM generate_series(1, 300) i
), mgr AS (
	SELECT i, j AS manager_id,
	       power(10::float8, CASE WHEN random() < 0.05 THEN random() * 620 - 320
	                              ELSE least(300, lo + random() * spread + random() * 20 - 10) END) AS capacity
	FROM inst, generate_series(1, nmgr) j
), cust AS (
	SELECT i, k AS customer_id, 1 + floor(random() * nmgr)::bigint AS manager_id,
	       CASE WHEN random() < 0.05 THEN 0 ELSE power(10::float8, least(300, lo + random() * spread)) END AS load,
	       random() AS u
	FROM inst, generate_series(1, ncust) k
)
SELECT c.i, c.customer_id::bigint, CASE WHEN c.u < 0.1 THEN NULL ELSE c.manager_id END AS manager_id,
       c.load, CASE WHEN c.u < 0.1 THEN NULL ELSE m.capacity END AS capacity, c.u >= 0.1 AND c.u < 0.2 AS pinned
FROM cust c JOIN mgr m ON m.i = c.i AND m.manager_id = c.manager_id
UNION ALL
SELECT i, NULL, manager_id, NULL, capacity, false FROM mgr;
CREATE TEMP TABLE extreme_plans (i int, p crm.rebalance_plan, state text);
DO $$
DECLARE
	inst int;
BEGIN
	FOR inst IN SELECT DISTINCT i FROM extreme ORDER BY 1 LOOP
		BEGIN
			INSERT INTO extreme_plans
			SELECT inst, crm.rebalance(customer_id, manager_id, load, capacity, NOT pinned,
			                           CASE WHEN inst % 2 = 0 THEN '{"target": 0, "minimise": "load"}' ELSE '{}' END::jsonb), NULL
			FROM extreme WHERE i = inst;
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO extreme_plans VALUES (inst, NULL, SQLSTATE);
		END;
	END LOOP;
END
$$;
CREATE TEMP TABLE extreme_after AS
SELECT e.i, e.customer_id, e.manager_id AS before, coalesce(mv.to_manager, e.manager_id) AS after, e.load, e.pinned,
       mv.customer_id IS NOT NULL AS moved
FROM extreme e JOIN extreme_plans p ON p.i = e.i AND p.p IS NOT NULL
LEFT JOIN LATERAL crm.moves(p.p) mv ON mv.customer_id = e.customer_id
WHERE e.customer_id IS NOT NULL;
SELECT count(*) AS instances,
       count(*) FILTER (WHERE p IS NOT NULL) > 0 AS some_solved,
       count(*) FILTER (WHERE state = '22003') > 0 AS some_refused_22003,
       count(*) FILTER (WHERE p IS NULL AND state <> '22003') AS other_outcomes
FROM extreme_plans;
SELECT
	(SELECT count(*) FROM extreme_after WHERE pinned AND moved) AS pinned_moved,
	(SELECT count(*) FROM extreme_after WHERE before IS NULL AND NOT moved) AS orphans_left,
	(SELECT count(*) FROM extreme_plans x, crm.plan_summary(x.p) s
	 WHERE NOT (s.peak_after >= s.lower_bound * (1 - 1e-9)) OR s.peak_after = 'Infinity' OR s.peak_after = 'NaN'
	    OR s.peak_before = 'NaN' OR s.lower_bound = 'NaN') AS peak_below_bound_or_nan,
	(SELECT count(*) FROM extreme_plans x, crm.plan_loads(x.p) l
	 WHERE abs(l.load_after - coalesce((SELECT sum(a.load) FROM extreme_after a WHERE a.i = x.i AND a.after = l.manager_id), 0))
	       > 1e-9 * greatest(l.load_after, (SELECT max(load) FROM extreme_after a WHERE a.i = x.i))) AS loads_not_adding_up;

-- 3. crm.gini: subnormal and huge values, many of them
SELECT crm.gini(x) FROM (VALUES (5e-324::float8), (1.7976931348623157e308)) v(x);
SELECT crm.gini(x) FROM (VALUES (5e-324::float8), (1e-323)) v(x);           -- (1e-323 - 5e-324) / (2 x 1.5e-323) = 1/6
SELECT round(crm.gini(CASE WHEN g % 2 = 0 THEN 5e-324 ELSE 1e308 END)::numeric, 6) FROM generate_series(1, 200000) g;
SELECT crm.gini(1.7976931348623157e308) FROM generate_series(1, 100000);   -- all equal: exactly 0

-- 4. crm.kpi_score at the float limits
SELECT crm_test.error_of(s) AS result, s AS statement FROM (VALUES
	($$SELECT crm.kpi_score('{1e308}', '{1e-308}', '{1}')$$),
	($$SELECT crm.kpi_score('{-1e308}', '{1e-308}', '{1}')$$),
	($$SELECT crm.kpi_score('{-1e308, 1}', '{1e-308, 1}', '{0, 1}')$$),
	($$SELECT crm.kpi_score('{1, 1}', '{1, 1}', '{1e308, 1e308}')$$)
) v(s);
SELECT crm.kpi_score('{-1e308, 1}', '{1e-308, 1}', '{0, 1}') AS zero_weight_counts_for_nothing,
       crm.kpi_score(array_fill(1::float8, ARRAY[1000000]), array_fill(2::float8, ARRAY[1000000]),
                     array_fill(1::float8, ARRAY[1000000])) AS a_million_kpis;

-- 5. crm.service_policy: huge literals finish in bounded memory
--    (the parser used to allocate 14 bytes per input byte)
SELECT crm_test.error_of(s) AS result, what FROM (VALUES
	('100 MB of 20 million entries', $$SELECT repeat('a:{};', 20000000)::crm.service_policy$$),
	('5,000 entries', $$SELECT (SELECT string_agg('t' || g || ': {}', '; ') FROM generate_series(1, 5000) g)::crm.service_policy$$),
	('a label of 10 MB', $$SELECT (repeat('x', 10000000) || ': {}')::crm.service_policy$$),
	('a quoted label of 10 MB', $$SELECT ('"' || repeat('\"', 5000000) || '": {}')::crm.service_policy$$),
	('10 MB of white space, then an entry', $$SELECT (repeat(' ', 10000000) || 'A: {calls_per_year: 1}')::crm.service_policy$$),
	('a number of 1,000,000 digits', $$SELECT ('A: {calls_per_year: 0.' || repeat('0', 1000000) || '1}')::crm.service_policy$$),
	('an unterminated label of 10 MB', $$SELECT ('"' || repeat('y', 10000000))::crm.service_policy$$),
	('the largest values, a long period', $$SELECT crm.service_minutes('A: {visits_per_year: 1e9, visit_minutes: 1e9, travel_minutes: 1e9, calls_per_year: 1e9, call_minutes: 1e9}', 'A', '178000000 years')$$)
) v(what, s);
