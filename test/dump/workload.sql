-- Values of crm.service_policy, crm.rebalance_plan and crm.rebalance_state
-- for the pg_dump / pg_restore check (scripts/dump-restore-test.sh).
CREATE TABLE dump_check.policy_values (id int PRIMARY KEY, policy crm.service_policy);
INSERT INTO dump_check.policy_values VALUES
	(0, NULL),
	(1, 'A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; *: {calls_per_year: 2, call_minutes: 6}'),
	(2, $$"a b": {call_minutes: 0.1}; 金葵花: {visits_per_year: 999999999.9999999, travel_minutes: 5e-324}; "x\"y": {}$$);

CREATE TABLE dump_check.plan_values (id int PRIMARY KEY, plan crm.rebalance_plan);
INSERT INTO dump_check.plan_values
SELECT 1, crm.rebalance(c, m, l, cap) FROM (VALUES
	(1::bigint, 1::bigint, 0.1::float8, 1::float8), (2, 1, 0.7, 1), (3, 2, 0.3, 0.5), (4, NULL, 0.2, NULL), (NULL, 3, NULL, 0.8)) v(c, m, l, cap)
UNION ALL SELECT 0, NULL;

CREATE TABLE dump_check.state_values (id int PRIMARY KEY, state crm.rebalance_state);
INSERT INTO dump_check.state_values VALUES
	(1, '{"rows": [[1, 2, 0.1, 1, true], [null, 3, null, 2, true], [4, null, 1.5, null, true], [-5, 2, 0, 1, false]]}');
-- states and plans large enough to print the compact crm64: form (above
-- 8,192 bytes of binary), which must restore to the same values
INSERT INTO dump_check.state_values
SELECT 2, ('{"rows": [' || string_agg(format('[%s, %s, %s, %s, %s]', g, g % 40, g * 0.125, 100 + g % 40, CASE WHEN g % 9 <> 0 THEN 'true' ELSE 'false' END), ', ') || ']}')::crm.rebalance_state
FROM generate_series(1, 500) g;
INSERT INTO dump_check.plan_values
SELECT 2, crm.rebalance(g, g % 300, g * 0.125, 100 + g % 300, g % 9 <> 0) FROM generate_series(1, 3000) g;

CREATE TABLE dump_check.gini_values (id int PRIMARY KEY, state crm.gini_state);
INSERT INTO dump_check.gini_values VALUES
	(0, NULL),
	(1, 'crm64:AQAAAAAAAAAA'),
	(2, 'crm64:AQAAAAAAAAACP/AAAAAAAABAAAAAAAAAAA==');
INSERT INTO dump_check.gini_values
SELECT 3, ('crm64:' || translate(encode('\x01'::bytea || int8send(1000) || string_agg(float8send(g * 1.5e-3), ''::bytea ORDER BY g), 'base64'), E'\n', ''))::crm.gini_state
FROM generate_series(1, 1000) g;
