-- crm.tier / crm.tier_index: lookups at the published boundaries
SET search_path = public, crm;

-- China Merchants Bank Sunflower (金葵花) from RMB 500,000; Citi Priority from 80,000
SELECT v, crm.tier(v, crm.tiers_preset('cn_retail_aum')) AS tier_numeric,
       crm.tier(v::float8, crm.tiers_preset('cn_retail_aum')) AS tier_float8,
       crm.tier_index(v, crm.tiers_preset('cn_retail_aum')) AS idx
FROM (VALUES (0::numeric), (79999.99), (80000), (80000.01), (499999.99), (500000), (799999.99),
             (800000), (5999999.99), (6000000), (1e12), (-1)) v(v);

-- Bank of America corporate bands: a value equal to a floor is in the upper tier
SELECT v, crm.tier(v, crm.tiers_preset('corporate_sales_usd')),
       crm.tier_index(v, crm.tiers_preset('corporate_sales_usd'))
FROM (VALUES (2499999.99::numeric), (2500000), (49999999.99), (50000000), (1999999999.99), (2000000000)) v(v);

-- numeric compares exactly: these round to the floor in float8, but are below it
SELECT v, v::float8 AS as_float8,
       crm.tier(v, crm.tiers_preset('cn_retail_aum')) AS exact,
       crm.tier(v::float8, crm.tiers_preset('cn_retail_aum')) AS through_float8
FROM (VALUES (499999.99999999999999::numeric), (79999.999999999999999)) v(v);
-- a bound stands for the decimal it prints as: >= 0.1 means exactly 0.1
SELECT crm.tier(0.1::numeric, '{low, high >= 0.1}') AS at_bound,
       crm.tier(0.09999999999999999999::numeric, '{low, high >= 0.1}') AS just_below,
       crm.tier(0.1::float8, '{low, high >= 0.1}') AS float8_at_bound;

-- integers and literals resolve to the float8 version; numeric columns to the numeric one
SELECT crm.tier(500000, crm.tiers_preset('cn_retail_aum')),
       crm.tier(500000::bigint, crm.tiers_preset('cn_retail_aum')),
       crm.tier(500000::real, crm.tiers_preset('cn_retail_aum'));

-- tier_index agrees with width_bucket (+1) on the same bounds
SELECT v, crm.tier_index(v, s) AS idx, width_bucket(v, crm.bounds(s)) + 1 AS width_bucket_plus_1
FROM (SELECT crm.tiers_preset('us_wealth') AS s) p,
     (VALUES (-5::float8), (0), (49999.99), (50000), (100000), (249999), (250000), (1e6), (1e9)) v(v);

-- the scheme may change from row to row (the lookup cache follows it)
SELECT v, s, crm.tier(v, s), crm.tier(v::numeric, s)
FROM (VALUES (5::float8, '{a, b >= 1, c >= 10}'::crm.tiers),
             (5, '{x, y >= 5}'),
             (5, '{a, b >= 1, c >= 10}'),
             (0.5, '{x, y >= 5}')) v(v, s);

-- NULL in, NULL out
SELECT crm.tier(NULL::float8, crm.tiers_preset('us_wealth')) IS NULL AS null_value,
       crm.tier(NULL::numeric, crm.tiers_preset('us_wealth')) IS NULL AS null_numeric,
       crm.tier(1.0, NULL) IS NULL AS null_scheme,
       crm.tier_index(NULL::float8, crm.tiers_preset('us_wealth')) IS NULL AS null_index;

-- bad values
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.tier(''NaN''::float8, crm.tiers_preset(''us_wealth''))'),
	('crm.tier(''Infinity''::float8, crm.tiers_preset(''us_wealth''))'),
	('crm.tier(''-Infinity''::float8, crm.tiers_preset(''us_wealth''))'),
	('crm.tier(''NaN''::numeric, crm.tiers_preset(''us_wealth''))'),
	('crm.tier(''Infinity''::numeric, crm.tiers_preset(''us_wealth''))'),
	('crm.tier_index(''NaN''::float8, crm.tiers_preset(''us_wealth''))'),
	('crm.tier_index(''-Infinity''::numeric, crm.tiers_preset(''us_wealth''))'),
	('crm.tier(1, ''{a, b}'')')
) v(call);
