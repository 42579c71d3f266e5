-- crm.tier_rank(label, scheme) and crm.policy_entries(policy, scheme):
-- labels in their scheme's order, not alphabetically

-- every label of every preset is at its 1-based position; others are NULL
SELECT name, label, crm.tier_rank(label, tiers) AS rank
FROM crm.tiers_presets(), unnest(crm.labels(tiers)) WITH ORDINALITY u(label, i)
WHERE crm.tier_rank(label, tiers) IS DISTINCT FROM i::int;
SELECT crm.tier_rank('sunflower', crm.tiers_preset('cn_retail_aum')) AS sunflower,
       crm.tier_rank('mass', crm.tiers_preset('cn_retail_aum')) AS mass,
       crm.tier_rank('Sunflower', crm.tiers_preset('cn_retail_aum')) AS case_matters,
       crm.tier_rank('sunflower ', crm.tiers_preset('cn_retail_aum')) AS blanks_matter,
       crm.tier_rank('', crm.tiers_preset('cn_retail_aum')) AS empty,
       crm.tier_rank('500000', crm.tiers_preset('cn_retail_aum')) AS a_number_is_a_label;

-- a report in tier order: alphabetical would be citigold, mass, priority, ...
SELECT tier, n
FROM (VALUES ('mass', 67), ('priority', 21), ('sunflower', 2), ('citigold', 3), ('private_banking', 1)) t(tier, n)
ORDER BY crm.tier_rank(tier, crm.tiers_preset('cn_retail_aum')) DESC;
-- quoted and non-ASCII labels
SELECT label, crm.tier_rank(label, '{"private banking", "a,b" >= 1, 金葵花 >= 2}')
FROM unnest(ARRAY['金葵花', 'private banking', 'a,b', 'a']) label;

-- untyped literals still mean what they meant in 0.1.0: crm.tier_index
-- reads a number, crm.tier_rank a label
SELECT crm.tier_index('500000', crm.tiers_preset('cn_retail_aum')) AS tier_index_of_number,
       crm.tier_rank('priority', crm.tiers_preset('cn_retail_aum')) AS tier_rank_of_label;

-- a scheme per row (the call site's cache is keyed by value)
SELECT s, crm.tier_rank('b', s::crm.tiers) FROM unnest(ARRAY['{a, b >= 1}', '{b, a >= 1}', '{x, y >= 1}', '{a, c >= 1, b >= 2}']) s;

-- NULL in, NULL out
SELECT crm.tier_rank(NULL, '{a, b >= 1}') IS NULL AS null_label, crm.tier_rank('a', NULL) IS NULL AS null_scheme;

-- crm.policy_entries in a scheme's order: its tiers lowest first, then the
-- tiers it does not have (bytewise), then *
CREATE TEMP TABLE order_policy AS SELECT $$
	key_account: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40};
	commercial_a: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 45, call_minutes: 10, travel_minutes: 30};
	vip: {calls_per_year: 24, call_minutes: 10};
	archived: {};
	*: {calls_per_year: 2, call_minutes: 6}
$$::crm.service_policy AS p;
SELECT tier, minutes_per_year FROM order_policy, crm.policy_entries(p);
SELECT tier, minutes_per_year FROM order_policy, crm.policy_entries(p, crm.tiers_preset('telecom_monthly_spend'));
-- the same rows as without a scheme, only ordered
SELECT (SELECT array_agg(e ORDER BY e.tier) FROM crm.policy_entries(p) e)
     = (SELECT array_agg(e ORDER BY e.tier) FROM crm.policy_entries(p, '{x, y >= 1}') e) AS same_rows
FROM order_policy;
-- a scheme with none of the tiers keeps the policy's order; one with all
-- of them orders all but *
SELECT string_agg(tier, ' ') FROM order_policy, crm.policy_entries(p, '{x, y >= 1}');
SELECT string_agg(tier, ' ') FROM order_policy, crm.policy_entries(p, '{vip, archived >= 1, key_account >= 2, commercial_a >= 3}');
-- a policy with only *
SELECT tier FROM crm.policy_entries('*: {calls_per_year: 1}', '{a, b >= 1}');
-- the overload captures no one-argument call
SELECT count(*) FROM pg_proc WHERE proname = 'policy_entries' AND pronamespace = 'crm'::regnamespace;
SELECT crm_test.error_of('SELECT * FROM crm.policy_entries(''*: {}'', ''{a}'')');
-- NULL in, no rows
SELECT count(*) FROM crm.policy_entries(NULL, '{a, b >= 1}');
SELECT count(*) FROM order_policy, crm.policy_entries(p, NULL);

-- bad arguments
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.tier_rank(''a'', ''{a}'')'),
	('crm.tier_rank(''a'', ''{a, b >= NaN}'')'),
	('crm.tier_rank(''a'', ''{a, a >= 1}'')'),
	('crm.tier_rank(''a'', '''')'),
	('crm.tier_rank(''a'', ''{a, b >= 1e400}'')'),
	('* FROM crm.policy_entries(''A: {visits: 1}'', ''{a, b >= 1}'')'),
	('* FROM crm.policy_entries(''A: {}'', ''{a, b >= 2, c >= 1}'')')
) v(call);
