-- Report: customer value.  Contribution from its components (daily-average
-- deposits x deposit spread, loan interest, fees), times a multiplier by
-- lifecycle stage (a loyal client is worth about 3.5 times an ordinary one).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- bank.customer_finance (demo/bank.sql): deposit spread, loan interest, fees

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
