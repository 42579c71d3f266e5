-- Report: tier distribution per preset, with bars; hysteresis month over month.
\set ON_ERROR_STOP 1
\echo
\echo '== Tiers: retail customers by daily combined balance (preset cn_retail_aum, RMB)'
SELECT tier, customers, round(100.0 * customers / sum(customers) OVER (), 2) AS pct,
       crm.bar(customers, max(customers) OVER (), 30) AS chart
FROM (SELECT crm.tier(balance, crm.tiers_preset('cn_retail_aum')) AS tier, count(*) AS customers
      FROM bank.customers WHERE segment = 'retail' GROUP BY 1) t
ORDER BY crm.tier_rank(tier, crm.tiers_preset('cn_retail_aum'));

\echo '== Tiers: all customers by balance in USD (preset us_wealth, RMB 7.2 = USD 1)'
SELECT tier, customers, round(100.0 * customers / sum(customers) OVER (), 2) AS pct,
       crm.bar(customers, max(customers) OVER (), 30) AS chart
FROM (SELECT crm.tier(balance / 7.2, crm.tiers_preset('us_wealth')) AS tier, count(*) AS customers
      FROM bank.customers GROUP BY 1) t
ORDER BY crm.tier_rank(tier, crm.tiers_preset('us_wealth'));

\echo '== Tiers: corporate customers by annual sales (preset corporate_sales_usd); micro gets no dedicated manager'
SELECT tier, customers, round(100.0 * customers / sum(customers) OVER (), 2) AS pct,
       crm.bar(customers, max(customers) OVER (), 30) AS chart
FROM (SELECT crm.tier(annual_sales_usd, crm.tiers_preset('corporate_sales_usd')) AS tier, count(*) AS customers
      FROM bank.customers WHERE segment = 'corporate' GROUP BY 1) t
ORDER BY crm.tier_rank(tier, crm.tiers_preset('corporate_sales_usd'));

\echo '== Key-account list by monthly spend (preset telecom_monthly_spend), corporate customers'
SELECT tier, customers, round(100.0 * customers / sum(customers) OVER (), 2) AS pct,
       crm.bar(customers, max(customers) OVER (), 30) AS chart
FROM (SELECT crm.tier(monthly_spend, crm.tiers_preset('telecom_monthly_spend')) AS tier, count(*) AS customers
      FROM bank.customers WHERE segment = 'corporate' GROUP BY 1) t
ORDER BY crm.tier_rank(tier, crm.tiers_preset('telecom_monthly_spend'));

\echo '== Hysteresis: retail tier changes from last month to this month, plain vs 5% grace'
WITH t AS (
	SELECT crm.tier(balance_prev, crm.tiers_preset('cn_retail_aum')) AS last_month,
	       crm.tier(balance, crm.tiers_preset('cn_retail_aum')) AS plain,
	       crm.tier(balance::float8, crm.tiers_preset('cn_retail_aum'),
	                crm.tier(balance_prev, crm.tiers_preset('cn_retail_aum')), 0.05) AS with_grace
	FROM bank.customers WHERE segment = 'retail'
)
SELECT count(*) FILTER (WHERE plain <> last_month) AS changed_plain,
       count(*) FILTER (WHERE with_grace <> last_month) AS changed_with_grace,
       count(*) FILTER (WHERE plain <> last_month AND with_grace = last_month) AS flaps_avoided
FROM t;
