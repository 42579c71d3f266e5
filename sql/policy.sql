-- crm.service_policy and the workload functions: service minutes, contacts
-- due, contact compliance, required FTE, crm.gini and crm.kpi_score.
SET search_path = public, crm;

CREATE TABLE policies (name text PRIMARY KEY, policy crm.service_policy NOT NULL);
INSERT INTO policies VALUES ('corporate', $$
	A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40};
	A: {visits_per_year: 2, calls_per_year: 6, visit_minutes: 45, call_minutes: 10, travel_minutes: 30};
	*: {calls_per_year: 2, call_minutes: 6};
$$);

-- canonical text: tiers sorted bytewise, * last, every key written out
SELECT policy FROM policies;
SELECT * FROM crm.policy_entries((SELECT policy FROM policies));

-- text, JSON and binary round trips give equal policies
SELECT policy::text::crm.service_policy = policy AS text_round_trip,
       crm.service_policy(crm.service_policy_to_jsonb(policy)) = policy AS json_round_trip
FROM policies;
SELECT crm.service_policy_to_jsonb(policy) FROM policies;
SELECT '{"A+": {"visits_per_year": 4, "calls_per_year": 12, "visit_minutes": 60, "call_minutes": 10, "travel_minutes": 40}}'::jsonb::crm.service_policy;
-- labels that need quotes, the same policy written two ways
SELECT $$"a b": {call_minutes: 1.5e1}; 金葵花: {visits_per_year: 0.5}; "x\"y": {}$$::crm.service_policy;
SELECT 'B:{};A:{}'::crm.service_policy = 'A: {}; B: {calls_per_year: 0}'::crm.service_policy AS same,
       'A: {}'::crm.service_policy = 'A: {calls_per_year: 1}'::crm.service_policy AS different;

-- service minutes.  A+ = 4 x (60 + 40) + 12 x 10 = 520 a year; A = 2 x 75 + 6 x 10 = 210;
-- others (*) = 2 x 6 = 12.  '1 month' (the default) is 1/12 of a year.
SELECT t.tier, crm.service_minutes(p.policy, t.tier, '1 year') AS per_year,
       crm.service_minutes(p.policy, t.tier) AS per_month,
       crm.service_minutes(p.policy, t.tier, '3 months') AS per_quarter,
       crm.visits_due(p.policy, t.tier, '1 year') AS visits, crm.calls_due(p.policy, t.tier, '1 year') AS calls,
       crm.calls_due(p.policy, t.tier, '3 months') AS calls_per_quarter
FROM policies p, (VALUES ('A+'), ('A'), ('B'), ('')) t(tier) ORDER BY 1;
-- days and time: 365.25 days and 8766 hours are a year
SELECT crm.service_minutes(policy, 'A+', '365 days 6 hours') AS year_in_days,
       crm.service_minutes(policy, 'A+', '8766 hours') AS year_in_hours,
       crm.service_minutes(policy, 'A+', '0 days') AS nothing
FROM policies;

-- contact compliance, weighted by minutes: the issue's example, 4 visits
-- (100 min each) and 12 calls (10 min) due a year, 10 visits and no calls
-- done: min(10, 4) x 100 / (4 x 100 + 12 x 10) = 400 / 520
SELECT crm.contact_compliance(policy, 'A+', 10, 0, '1 year') AS example, 400.0 / 520 AS expected FROM policies;
SELECT v, c, crm.contact_compliance(policy, 'A+', v, c, '1 year') AS compliance
FROM policies, (VALUES (0, 0), (4, 12), (2, 6), (0, 12), (1, 100), (100, 100)) x(v, c) ORDER BY v, c;
-- a quarter: 1 visit and 3 calls due; 1 visit done = 100 / 130
SELECT crm.contact_compliance(policy, 'A+', 1, 0, '3 months') AS quarter FROM policies;
-- nothing due: compliant
SELECT crm.contact_compliance('A: {}', 'A', 0, 0, '1 year') AS nothing_due;

-- required FTE: 1650 hours a year; 99,000 minutes a year = 1 FTE; a month
SELECT crm.required_fte(99000, '1 year') AS one,
       crm.required_fte(8250, '1 month') AS one_month,
       crm.required_fte(99000, '1 year', 1800) AS longer_hours;

-- Gini: 0 = all equal; {1, 2, 3, 4}: sum (2i - 5) x_i / (4 x 10) = (-3 - 2 + 3 + 12) / 40 = 0.25
SELECT crm.gini(x) FROM (VALUES (1.0::float8), (2), (3), (4)) v(x);
SELECT crm.gini(x) FROM (VALUES (5.0::float8), (5), (5)) v(x);
SELECT crm.gini(x) FROM (VALUES (0::float8), (0), (0), (10)) v(x);   -- (3 x 10) / (4 x 10) = 0.75
SELECT crm.gini(x) FROM (VALUES (0::float8), (0)) v(x);              -- all zero: 0
SELECT crm.gini(x) FROM (VALUES (0::float8), (1e308)) v(x);          -- no overflow near the float limit: 0.5
SELECT round(crm.gini(x)::numeric, 6) FROM (SELECT CASE WHEN g = 1000 THEN 1e306 ELSE 0 END::float8 FROM generate_series(1, 1000) g) v(x);  -- 999/1000
SELECT crm.gini(x) FROM (VALUES (NULL::float8), (2), (NULL)) v(x);   -- NULLs ignored: one value, 0
SELECT crm.gini(x) IS NULL AS empty FROM (SELECT 1.0::float8 WHERE false) v(x);
SELECT crm.gini(x) IS NULL AS all_null FROM (VALUES (NULL::float8)) v(x);
SELECT g, crm.gini(x) FROM (VALUES (1, 1.0::float8), (1, 3), (2, 7), (2, 7)) v(g, x) GROUP BY g ORDER BY g;

-- KPI score: 0.5 x min(1.5, 1.2) + 0.3 x 0.5 + 0.2 x 1 = 0.6 + 0.15 + 0.2 = 0.95
SELECT crm.kpi_score('{150, 50, 10}', '{100, 100, 10}', '{0.5, 0.3, 0.2}') AS score;
SELECT crm.kpi_score('{150, 50, 10}', '{100, 100, 10}', '{0.5, 0.3, 0.2}', 2) AS higher_cap;
SELECT crm.kpi_score('{-10, 20}', '{10, 10}', '{1, 0}') AS negative_actual;

-- limits: a policy value may be as large as 1e9, and stays finite in every product
SELECT crm.service_minutes('A: {visits_per_year: 1e9, visit_minutes: 1e9, travel_minutes: 1e9, calls_per_year: 1e9, call_minutes: 1e9}', 'A', '1 year') AS largest_minutes;
-- contacts due that cost no minutes count one each: 2 of 4 visits, 0 of 4 calls = 0.25
SELECT crm.contact_compliance('A: {visits_per_year: 4, calls_per_year: 4}', 'A', 2, 0, '1 year') AS unweighted;

-- bad inputs: one per line, with SQLSTATE
SELECT crm_test.error_of(format('SELECT %L::crm.service_policy', s)) AS result, s AS input FROM (VALUES
	(''), ('   '), ('A'), ('A:'), ('A: {'), ('A: {}}'), ('A: {} B: {}'), ('A: {visits_per_year}'),
	('A: {visits_per_year: }'), ('A: {visits: 4}'), ('A: {visits_per_year: 4, visits_per_year: 5}'),
	('A: {visits_per_year: -1}'), ('A: {visits_per_year: NaN}'), ('A: {visits_per_year: Infinity}'),
	('A: {visits_per_year: 1e400}'), ('A: {visits_per_year: 0x10}'), ('A: {visits_per_year: +1}'),
	('A: {visits_per_year: 1,}'), ('A: {}; A: {}'), ('*: {}; "*": {}'), ('"": {}'), ('"A: {}'),
	('A: {call_minutes: 1 2}'), (';'), ('A: {};;'), ('A: {visit_minutes: 1000000001}'),
	('"' || repeat('客', 50) || '": {visits_per_year: x}'), ('"' || repeat('客', 70) || '": {}')
) v(s);
SELECT crm_test.error_of(format('SELECT %L::jsonb::crm.service_policy', s)) AS result, s AS input FROM (VALUES
	('[]'), ('1'), ('{}'), ('{"A": 1}'), ('{"A": {"visits": 1}}'), ('{"A": {"visits_per_year": "4"}}'),
	('{"A": {"visits_per_year": -4}}'), ('{"A": {"call_minutes": null}}'), ('{"": {}}'),
	('{"A": {"visit_minutes": 1e308, "travel_minutes": 1e308}}')
) v(s);
SELECT crm_test.error_of(s) AS result, s AS statement FROM (VALUES
	($$SELECT crm.service_minutes('A: {}', 'B')$$),
	($$SELECT crm.service_minutes('A: {}', 'A', '-1 month')$$),
	($$SELECT crm.service_minutes('A: {}', 'A', '1 month -1 day')$$),
	($$SELECT crm.contact_compliance('A: {}', 'A', -1, 0)$$),
	($$SELECT crm.visits_due('A: {}', 'a')$$),
	($$SELECT crm.required_fte(100, '0 days')$$),
	($$SELECT crm.required_fte(100, '1 month', 0)$$),
	($$SELECT crm.required_fte(-1, '1 month')$$),
	($$SELECT crm.required_fte('NaN', '1 month')$$),
	($$SELECT crm.required_fte(1e300, '1 microsecond', 1e-300)$$),
	($$SELECT crm.gini(x) FROM (VALUES (1::float8), (-1)) v(x)$$),
	($$SELECT crm.gini(x) FROM (VALUES ('NaN'::float8)) v(x)$$),
	($$SELECT crm.gini(x) FROM (VALUES ('Infinity'::float8)) v(x)$$),
	($$SELECT crm.gini_finalfn('{1, NULL}')$$),
	($$SELECT crm.gini_finalfn(('crm64:' || encode('\x01'::bytea || int8send(2) || float8send(1) || float8send(-1), 'base64'))::crm.gini_state)$$),
	($$SELECT crm.gini_transfn(NULL, 1)$$),
	($$SELECT crm.kpi_score('{1, 2}', '{1}', '{1, 1}')$$),
	($$SELECT crm.kpi_score('{1}', '{0}', '{1}')$$),
	($$SELECT crm.kpi_score('{1}', '{-1}', '{1}')$$),
	($$SELECT crm.kpi_score('{1, 1}', '{1, 1}', '{1, -1}')$$),
	($$SELECT crm.kpi_score('{1}', '{1}', '{0}')$$),
	($$SELECT crm.kpi_score('{}', '{}', '{}')$$),
	($$SELECT crm.kpi_score('{NULL}', '{1}', '{1}')$$),
	($$SELECT crm.kpi_score('{NaN}', '{1}', '{1}')$$),
	($$SELECT crm.kpi_score('{1}', '{1}', '{1}', 0)$$),
	($$SELECT crm.kpi_score('{1}', '{1}', '{1}', 'NaN')$$),
	($$SELECT crm.kpi_score('{{1}}', '{{1}}', '{{1}}')$$)
) v(s);

-- binary COPY round trip of a policy
CREATE TABLE policy_copy (LIKE policies);
\copy policies TO 'results/policies.bin' (FORMAT binary)
\copy policy_copy FROM 'results/policies.bin' (FORMAT binary)
SELECT p.name, p.policy = c.policy AS same FROM policies p JOIN policy_copy c USING (name);
