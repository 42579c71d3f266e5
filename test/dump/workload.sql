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
