-- crm.customer_value(avg_deposits, deposit_spread, loan_interest, fees, stage [, multipliers])
-- and crm.value_multipliers([multipliers])

-- the default multipliers, in crm.lifecycle's order
SELECT * FROM crm.value_multipliers();

-- by hand: 500,000 daily average at a 1.5% spread = 7,500, plus 2,000 loan
-- interest and 300 fees = 9,800 a year; a loyal client is worth 3.5 times that
SELECT stage, crm.customer_value(500000, 0.015, 2000, 300, stage) AS value
FROM unnest(ARRAY['potential', 'new', 'active', 'loyal', 'dormant', 'lost']) stage;
-- a loyal affluent client against an ordinary (active) one with the same book
SELECT crm.customer_value(500000, 0.015, 2000, 300, 'loyal') / crm.customer_value(500000, 0.015, 2000, 300, 'active') AS ratio;
-- negative spreads and net figures are allowed; the sum runs deposits, loans, fees
SELECT crm.customer_value(100000, -0.002, -50, 10, 'active') AS net_negative,
       crm.customer_value(0, 1, 0, 0, 'loyal') AS nothing, crm.customer_value(1e300, 1, 1e300, 0, 'active') AS huge;

-- custom multipliers override the stages they name
SELECT * FROM crm.value_multipliers('{"loyal": 3, "dormant": 0.25, "lost": -0}');
SELECT crm.customer_value(500000, 0.015, 2000, 300, 'loyal', '{"loyal": 3}') AS loyal_3,
       crm.customer_value(500000, 0.015, 2000, 300, 'active', '{"loyal": 3}') AS active_default,
       crm.customer_value(500000, 0.015, 2000, 300, 'new', '{}') AS empty_override;

-- a lifecycle stage straight from crm.lifecycle
SELECT crm.lifecycle(date '2020-01-01', date '2026-10-15', 12, date '2026-10-31') AS stage,
       crm.customer_value(800000, 0.012, 0, 500, crm.lifecycle(date '2020-01-01', date '2026-10-15', 12, date '2026-10-31')) AS value;

-- one set of multipliers per row (the call site's cache is keyed by value),
-- through PL/pgSQL and a generic plan too
CREATE TEMP TABLE value_mults (id int, m jsonb);
INSERT INTO value_mults VALUES (1, '{"loyal": 2}'), (2, '{"loyal": 5}'), (3, '{}'), (4, '{"loyal": 2}');
SELECT id, crm.customer_value(1000, 0.1, 0, 0, 'loyal', m) FROM value_mults ORDER BY id;
CREATE FUNCTION pl_value(m jsonb) RETURNS float8 LANGUAGE plpgsql AS $$
BEGIN RETURN crm.customer_value(1000, 0.1, 0, 0, 'loyal', m); END$$;
SELECT id, pl_value(m) FROM value_mults ORDER BY id;
PREPARE value_p(jsonb) AS SELECT crm.customer_value(1000, 0.1, 0, 0, 'loyal', $1);
SET plan_cache_mode = force_generic_plan;
EXECUTE value_p('{"loyal": 7}');
EXECUTE value_p('{"loyal": 8}');
RESET plan_cache_mode;
-- bad and good documents in turn at one call site, errors caught
CREATE FUNCTION pl_value_each(ms jsonb[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	m jsonb;
	res text[] := '{}';
BEGIN
	FOREACH m IN ARRAY ms LOOP
		BEGIN
			res := res || crm.customer_value(1000, 0.1, 0, 0, 'loyal', m)::text;
		EXCEPTION WHEN OTHERS THEN
			res := res || ('error: ' || SQLERRM);
		END;
	END LOOP;
	RETURN res;
END$$;
SELECT unnest(pl_value_each(ARRAY['{"loyal": -1}', '{"loyal": -1}', '{"loyal": 1}', '{"loyal": -1}', '{"loyal": 2}']::jsonb[])) AS result;

-- NULL in, NULL out
SELECT crm.customer_value(NULL, 0.01, 0, 0, 'active') IS NULL AS null_deposits,
       crm.customer_value(1, 0.01, NULL, 0, 'active') IS NULL AS null_loans,
       crm.customer_value(1, 0.01, 0, 0, NULL) IS NULL AS null_stage,
       crm.customer_value(1, 0.01, 0, 0, 'active', NULL) IS NULL AS null_multipliers;
SELECT count(*) FROM crm.value_multipliers(NULL);

-- bad arguments
SELECT left(call, 100) AS call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.customer_value(''NaN'', 0.01, 0, 0, ''active'')'),
	('crm.customer_value(''Infinity'', 0.01, 0, 0, ''active'')'),
	('crm.customer_value(1, ''-Infinity'', 0, 0, ''active'')'),
	('crm.customer_value(1, 0.01, ''NaN'', 0, ''active'')'),
	('crm.customer_value(1, 0.01, 0, ''Infinity'', ''active'')'),
	('crm.customer_value(-1, 0.01, 0, 0, ''active'')'),
	('crm.customer_value(-1e-300, 0.01, 0, 0, ''active'')'),
	('crm.customer_value(1, 1.5, 0, 0, ''active'')'),
	('crm.customer_value(1, -1.000001, 0, 0, ''active'')'),
	('crm.customer_value(1e308, 0, 1e308, 1e308, ''active'')'),
	('crm.customer_value(0, 0, 1e308, 0, ''loyal'')'),
	('crm.customer_value(0, 0, 1e308, 0, ''loyal'', ''{"loyal": 1000}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''Loyal'')'),
	('crm.customer_value(1, 0.01, 0, 0, '''')'),
	('crm.customer_value(1, 0.01, 0, 0, ''vip'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''[]'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''3.5'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"royal": 3}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": "3"}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": null}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": -0.5}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": 1000.5}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": 1e400}'')'),
	('crm.customer_value(1, 0.01, 0, 0, ''active'', ''{"loyal": 1e-400}'')'),
	('* FROM crm.value_multipliers(''{"new": [1]}'')')
) v(call);
