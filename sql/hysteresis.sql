-- crm.tier(value, scheme, current_tier, grace): no flapping at the boundary
SET search_path = public, crm;

-- Sunflower floor 500,000, grace 10%: kept down to 450,000 (inclusive)
SELECT v, crm.tier(v, crm.tiers_preset('cn_retail_aum'), 'sunflower', 0.1) AS with_history,
       crm.tier(v, crm.tiers_preset('cn_retail_aum')) AS without
FROM (VALUES (500000::float8), (499999.99), (450000.01), (450000), (449999.99), (80000), (79999)) v(v);

-- upgrades are immediate, whatever the grace
SELECT crm.tier(500000, crm.tiers_preset('cn_retail_aum'), 'priority', 0.5) AS up_one,
       crm.tier(7e6, crm.tiers_preset('cn_retail_aum'), 'mass', 0.5) AS up_three,
       crm.tier(800000, crm.tiers_preset('cn_retail_aum'), 'citigold', 0.2) AS stays;

-- a fall of more than the grace drops to the tier the value is in (may skip tiers)
SELECT crm.tier(5.4e6, crm.tiers_preset('cn_retail_aum'), 'private_banking', 0.1) AS kept,
       crm.tier(5399999.99, crm.tiers_preset('cn_retail_aum'), 'private_banking', 0.1) AS dropped,
       crm.tier(100000, crm.tiers_preset('cn_retail_aum'), 'private_banking', 0.1) AS dropped_far;

-- grace 0 is plain tiering; the lowest tier has no floor to fall below
SELECT crm.tier(499999.99, crm.tiers_preset('cn_retail_aum'), 'sunflower', 0) AS grace_zero,
       crm.tier(-1e9, crm.tiers_preset('cn_retail_aum'), 'mass', 0.9) AS lowest;

-- negative floors: the grace band still lies below the floor
SELECT v, crm.tier(v, '{loss, breakeven >= -100, profit >= 0}', 'breakeven', 0.1)
FROM (VALUES (-100::float8), (-110), (-110.01)) v(v);

-- a month-by-month series around the floor: the plain tier flaps, hysteresis does not
WITH RECURSIVE months(m, balance) AS (
	VALUES (1, 510000::float8), (2, 495000), (3, 505000), (4, 480000), (5, 520000), (6, 440000), (7, 460000)
), walk(m, balance, tier) AS (
	SELECT m, balance, crm.tier(balance, crm.tiers_preset('cn_retail_aum')) FROM months WHERE m = 1
	UNION ALL
	SELECT n.m, n.balance, crm.tier(n.balance, crm.tiers_preset('cn_retail_aum'), w.tier, 0.05)
	FROM walk w JOIN months n ON n.m = w.m + 1
)
SELECT m, balance, tier AS with_hysteresis, crm.tier(balance, crm.tiers_preset('cn_retail_aum')) AS plain
FROM walk ORDER BY m;

-- NULL current tier means no history; NULL value, scheme or grace give NULL
SELECT crm.tier(499999, crm.tiers_preset('cn_retail_aum'), NULL, 0.1) AS no_history,
       crm.tier(NULL, crm.tiers_preset('cn_retail_aum'), 'sunflower', 0.1) IS NULL AS null_value,
       crm.tier(1, NULL, 'sunflower', 0.1) IS NULL AS null_scheme,
       crm.tier(1, crm.tiers_preset('cn_retail_aum'), 'sunflower', NULL) IS NULL AS null_grace;

-- bad arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.tier(1, crm.tiers_preset(''cn_retail_aum''), ''gold'', 0.1)'),
	('crm.tier(1, crm.tiers_preset(''cn_retail_aum''), '''', 0.1)'),
	('crm.tier(1, crm.tiers_preset(''cn_retail_aum''), ''mass'', 1)'),
	('crm.tier(1, crm.tiers_preset(''cn_retail_aum''), ''mass'', -0.01)'),
	('crm.tier(1, crm.tiers_preset(''cn_retail_aum''), ''mass'', ''NaN'')'),
	('crm.tier(''NaN'', crm.tiers_preset(''cn_retail_aum''), ''mass'', 0.1)'),
	('crm.tier(''Infinity'', crm.tiers_preset(''cn_retail_aum''), ''mass'', 0.1)')
) v(call);
\set VERBOSITY default
SELECT crm.tier(1, crm.tiers_preset('telecom_monthly_spend'), 'gold', 0.1);
