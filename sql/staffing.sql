-- crm.staffing_gap(unit_kind, managers, cash_specialists, credit_specialists [, rules])
-- and crm.staffing_rules([rules])

-- the default rules: the domain facts
SELECT * FROM crm.staffing_rules();

-- settlement departments of second-tier branches: at least 3 managers
SELECT * FROM crm.staffing_gap('settlement_department', 2, 0, 0);
-- corporate outlets: at least 1, target 2 effective managers
SELECT role, staffed, minimum, target, short_of_minimum, short_of_target
FROM (VALUES (0), (1), (2), (3)) v(managers), crm.staffing_gap('corporate_outlet', v.managers, 0, 0) g
WHERE role = 'manager' ORDER BY staffed;
-- corporate tiers: managers : cash-management : credit specialists
-- 1:1:1 large, 2-3:1:1 mid, 10:1:1 SME face to face, 25-30:1:1 SME by phone
SELECT kind, managers, role, staffed, minimum, target, short_of_minimum, short_of_target
FROM (VALUES ('large', 4, 3, 4), ('mid', 7, 2, 4), ('mid', 6, 2, 3), ('sme_face_to_face', 25, 2, 3),
             ('sme_face_to_face', 5, 0, 1), ('sme_phone', 60, 2, 2), ('sme_phone', 0, 1, 0)) u(kind, managers, cash, credit),
     crm.staffing_gap(u.kind, u.managers, u.cash, u.credit) g
WHERE role <> 'manager' ORDER BY kind, managers, role;

-- one row per unit: what is missing, from a table of units
CREATE TEMP TABLE units (unit text, kind text, managers int, cash int, credit int);
INSERT INTO units VALUES ('Branch 3 settlement', 'settlement_department', 3, 0, 0),
	('Outlet 7', 'corporate_outlet', 1, 0, 0), ('Mid-market East', 'mid', 9, 2, 3), ('SME phone desk', 'sme_phone', 55, 1, 2);
SELECT u.unit, g.role, g.staffed, g.minimum, g.target, g.short_of_minimum, g.short_of_target
FROM units u, crm.staffing_gap(u.kind, u.managers, u.cash, u.credit) g
WHERE g.short_of_target > 0 ORDER BY u.unit, g.role;

-- custom rules: a kind named replaces its default, new kinds are added
SELECT * FROM crm.staffing_rules('{"mid": {"managers_per_cash_specialist": [2, 2.5]}, "private_bank_desk": {"managers": [2, 4], "managers_per_credit_specialist": 0.5}}');
SELECT kind, role, minimum, target
FROM (VALUES ('mid', 7), ('private_bank_desk', 3)) u(kind, managers),
     crm.staffing_gap(u.kind, u.managers, 0, 0, '{"mid": {"managers_per_cash_specialist": [2, 2.5]}, "private_bank_desk": {"managers": [2, 4], "managers_per_credit_specialist": 0.5}}') g
ORDER BY kind, role;
-- a ratio whose quotient float8 misses by an ulp: 7 managers at 0.7 need 10
SELECT minimum, target FROM crm.staffing_gap('desk', 7, 0, 0, '{"desk": {"managers_per_cash_specialist": 0.7}}') WHERE role = 'cash_management_specialist';

-- one rules document per row (cached by value), through PL/pgSQL too
CREATE TEMP TABLE unit_rules (id int, rules jsonb);
INSERT INTO unit_rules VALUES (1, '{"x": {"managers": 1}}'), (2, '{"x": {"managers": 5}}'), (3, '{"x": {"managers": [2, 3]}}');
SELECT id, g.minimum, g.target FROM unit_rules, crm.staffing_gap('x', 0, 0, 0, rules) g WHERE g.role = 'manager' ORDER BY id;
CREATE FUNCTION pl_staff(rules jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT target FROM crm.staffing_gap('x', 0, 0, 0, rules) WHERE role = 'manager'); END$$;
SELECT id, pl_staff(rules) FROM unit_rules ORDER BY id;
-- bad and good documents in turn at one call site, errors caught
CREATE FUNCTION pl_staff_each(rs jsonb[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	r jsonb;
	res text[] := '{}';
BEGIN
	FOREACH r IN ARRAY rs LOOP
		BEGIN
			res := res || (SELECT target FROM crm.staffing_gap('x', 0, 0, 0, r) WHERE role = 'manager')::text;
		EXCEPTION WHEN OTHERS THEN
			res := res || ('error: ' || SQLERRM);
		END;
	END LOOP;
	RETURN res;
END$$;
SELECT unnest(pl_staff_each(ARRAY['{"x": {"managers": [2, 1]}}', '{"x": {"managers": [2, 1]}}', '{"x": {"managers": 4}}',
                                  '{"y": {}}', '{"x": {"managers": 6}}']::jsonb[])) AS result;

-- NULL in, no rows
SELECT count(*) FROM crm.staffing_gap(NULL, 1, 0, 0);
SELECT count(*) FROM crm.staffing_gap('mid', 1, NULL, 0);
SELECT count(*) FROM crm.staffing_gap('mid', 1, 0, 0, NULL);
SELECT count(*) FROM crm.staffing_rules(NULL);

-- bad arguments
SELECT left(call, 100) AS call, crm_test.error_of('SELECT * FROM ' || call) AS error
FROM (VALUES
	('crm.staffing_gap(''branch'', 1, 0, 0)'),
	('crm.staffing_gap('''', 1, 0, 0)'),
	('crm.staffing_gap(''Mid'', 1, 0, 0)'),
	('crm.staffing_gap(''mid'', -1, 0, 0)'),
	('crm.staffing_gap(''mid'', 1, -1, 0)'),
	('crm.staffing_gap(''mid'', 1, 0, -1)'),
	('crm.staffing_gap(''mid'', 1000000001, 0, 0)'),
	('crm.staffing_gap(''mid'', 9223372036854775807, 0, 0)'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''[]'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''"mid"'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": 3}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"ratio": 3}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": [3, 2]}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": 1.5}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": -1}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": 1e300}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": 1e400}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": "3"}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers": [1, 2, 3]}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_cash_specialist": [3, 2]}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_cash_specialist": 0}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_cash_specialist": 0.001}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_credit_specialist": 1e7}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_credit_specialist": [1, null]}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"mid": {"managers_per_credit_specialist": 1e-400}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ''{"": {"managers": 1}}'')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ' || quote_literal(jsonb_build_object(repeat('k', 201), '{}'::jsonb)) || ')'),
	('crm.staffing_gap(''mid'', 1, 0, 0, ' || quote_literal((SELECT jsonb_object_agg('k' || i, '{}'::jsonb) FROM generate_series(1, 1001) i)) || ')'),
	('crm.staffing_rules(''{"a": {"managers": [2, 1]}}'')')
) v(call);
-- at the limits: 1,000 kinds, 200-byte names
SELECT count(*) FROM crm.staffing_rules((SELECT jsonb_object_agg('k' || i, '{}'::jsonb) FROM generate_series(1, 1000) i));
SELECT length(unit_kind) FROM crm.staffing_rules(jsonb_build_object(repeat('k', 200), '{"managers": 1}'::jsonb)) WHERE length(unit_kind) > 30;
