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
