-- Report: RFM scores and segments from the last 12 months of activity.
\set ON_ERROR_STOP 1
\echo
\echo '== RFM segments (quintile scores: recency of last activity, transactions and amount over 12 months)'
CREATE TEMP VIEW rfm AS
SELECT customer_id,
       crm.quantile_score(-(bank.as_of() - last_active)::float8) OVER () AS r,
       crm.quantile_score(transactions_12m::float8) OVER () AS f,
       crm.quantile_score(amount_12m::float8) OVER () AS m
FROM bank.customers WHERE last_active IS NOT NULL;

SELECT segment, customers, round(100.0 * customers / sum(customers) OVER (), 1) AS pct,
       round(avg_recency_days) AS avg_recency_days, round(avg_transactions) AS avg_transactions,
       round(avg_amount) AS avg_amount, crm.bar(customers, max(customers) OVER (), 25) AS chart
FROM (SELECT crm.rfm_segment(r, f, m) AS segment, count(*) AS customers,
             avg(bank.as_of() - c.last_active) AS avg_recency_days,
             avg(c.transactions_12m) AS avg_transactions, avg(c.amount_12m) AS avg_amount
      FROM rfm JOIN bank.customers c USING (customer_id) GROUP BY 1) s
ORDER BY customers DESC;

\echo '== RFM segments on decile scores: the standard map scaled to 10-point scores ({"scale": 10})'
CREATE TEMP VIEW rfm10 AS
SELECT customer_id,
       crm.quantile_score(-(bank.as_of() - last_active)::float8, 10) OVER () AS r,
       crm.quantile_score(transactions_12m::float8, 10) OVER () AS f,
       crm.quantile_score(amount_12m::float8, 10) OVER () AS m
FROM bank.customers WHERE last_active IS NOT NULL;
SELECT segment, customers, round(100.0 * customers / sum(customers) OVER (), 1) AS pct,
       crm.bar(customers, max(customers) OVER (), 25) AS chart
FROM (SELECT crm.rfm_segment(r, f, m, '{"scale": 10}') AS segment, count(*) AS customers FROM rfm10 GROUP BY 1) s
ORDER BY customers DESC;

\echo '== A custom segment map (rules tried in order, first match wins): the bank''s own five segments on deciles'
SELECT segment, customers, round(avg_amount) AS avg_amount_12m, crm.bar(customers, max(customers) OVER (), 25) AS chart
FROM (SELECT crm.rfm_segment(r, f, m, $${"scale": 10, "segments": [
             {"segment": "top_spenders", "m": 10, "r": [6, 10]},
             {"segment": "regulars", "r": [6, 10], "fm": [6, 10]},
             {"segment": "occasional", "r": [6, 10]},
             {"segment": "slipping", "r": [3, 5]},
             {"segment": "gone_quiet"}]}$$) AS segment,
             count(*) AS customers, avg(c.amount_12m) AS avg_amount
      FROM rfm10 JOIN bank.customers c USING (customer_id) GROUP BY 1) s
ORDER BY customers DESC;
