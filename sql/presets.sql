-- tier presets from published practice
SELECT name, tiers FROM crm.tiers_presets() ORDER BY name;
SELECT name, length(description) > 0 AS has_description, length(source) > 0 AS has_source
FROM crm.tiers_presets() ORDER BY name;

-- each preset by name equals its listing, and has the documented floors
SELECT p.name, crm.tiers_preset(p.name) OPERATOR(crm.=) p.tiers AS same,
       crm.labels(p.tiers), crm.bounds(p.tiers)
FROM crm.tiers_presets() p ORDER BY p.name;

-- telecom key accounts: commercial A/A+ from 1,500 a month, key accounts from 3,000
SELECT v, crm.tier(v, crm.tiers_preset('telecom_monthly_spend'))
FROM (VALUES (1499.99::numeric), (1500), (2999.99), (3000)) v(v);

-- the preset is folded to a constant at plan time
EXPLAIN (COSTS OFF, VERBOSE)
SELECT crm.tier(x, crm.tiers_preset('us_wealth')) FROM (VALUES (1.0::float8)) v(x);

-- unknown names list the valid ones
SELECT crm_test.error_of('SELECT crm.tiers_preset(''cn_retail'')') AS error;
\set VERBOSITY default
SELECT crm.tiers_preset('CN_RETAIL_AUM');
SELECT crm.tiers_preset('') ;
SELECT crm.tiers_preset(NULL) IS NULL AS null_name;
