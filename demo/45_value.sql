-- Report: customer value.  Contribution from its components (daily-average
-- deposits x deposit spread, loan interest, fees), times a multiplier by
-- lifecycle stage (a loyal client is worth about 3.5 times an ordinary one).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- (\gset swallows the empty result row)
SELECT setseed(0.45) \gset

-- loans and fees of the demo customers (seeded draws in customer_id order):
-- a third of retail customers and most corporate ones borrow; fees follow
-- card spend and services
DROP TABLE IF EXISTS bank.customer_finance;
CREATE TABLE bank.customer_finance AS
SELECT customer_id,
       CASE WHEN segment = 'corporate' THEN 0.012 ELSE 0.018 END AS deposit_spread,
       CASE WHEN u_loan < CASE WHEN segment = 'corporate' THEN 0.7 ELSE 0.33 END
            THEN round((balance * (0.5 + 3 * u_size) * CASE WHEN segment = 'corporate' THEN 0.025 ELSE 0.035 END)::numeric, 2)
            ELSE 0 END AS loan_interest,
       round((monthly_spend * 12 * 0.004 + CASE WHEN u_fee < 0.2 THEN 120 ELSE 0 END)::numeric, 2) AS fees
FROM (SELECT c.*, random() AS u_loan, random() AS u_size, random() AS u_fee
      FROM (SELECT customer_id, segment, balance, monthly_spend FROM bank.customers ORDER BY customer_id) c) c;
ALTER TABLE bank.customer_finance ADD PRIMARY KEY (customer_id);

CREATE TEMP VIEW customer_values AS
SELECT c.customer_id, c.segment, f.loan_interest, f.fees,
       crm.lifecycle(c.first_active, c.last_active, c.active_months, bank.as_of()) AS stage,
       crm.customer_value(c.balance, f.deposit_spread, f.loan_interest, f.fees, 'active') AS contribution,
       crm.customer_value(c.balance, f.deposit_spread, f.loan_interest, f.fees,
                          crm.lifecycle(c.first_active, c.last_active, c.active_months, bank.as_of())) AS value
FROM bank.customers c JOIN bank.customer_finance f USING (customer_id);

\echo
\echo '== Customer value by lifecycle stage: contribution (deposits x spread + loan interest + fees) x the stage multiplier'
SELECT v.stage, m.multiplier, count(*) AS customers, round(avg(v.contribution)::numeric) AS avg_contribution,
       round(avg(v.value)::numeric) AS avg_value, round((sum(v.value) / 1e6)::numeric, 1) AS value_mrmb,
       crm.bar(sum(v.value), max(sum(v.value)) OVER (), 25) AS share_of_value
FROM customer_values v JOIN crm.value_multipliers() m USING (stage)
GROUP BY v.stage, m.multiplier
ORDER BY array_position(ARRAY['potential', 'new', 'active', 'loyal', 'dormant', 'lost'], v.stage);

\echo '== The same with the bank''s own multipliers (loyal 3, dormant 0.3): value moves between stages'
SELECT stage, round((sum(value) / 1e6)::numeric, 1) AS value_default_mrmb,
       round((sum(crm.customer_value(c.balance, f.deposit_spread, f.loan_interest, f.fees, stage,
                                     '{"loyal": 3, "dormant": 0.3}')) / 1e6)::numeric, 1) AS value_own_mrmb
FROM customer_values v JOIN bank.customers c USING (customer_id) JOIN bank.customer_finance f USING (customer_id)
GROUP BY stage ORDER BY array_position(ARRAY['potential', 'new', 'active', 'loyal', 'dormant', 'lost'], stage);

\echo '== Value ABC classes: 20% of customers bring most of the value'
SELECT class, count(*) AS customers, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct_customers,
       round((100 * sum(value) / sum(sum(value)) OVER ())::numeric) AS pct_value
FROM (SELECT value, crm.abc(value) OVER () AS class FROM customer_values) s
GROUP BY class ORDER BY class;
