-- A synthetic bank, generated inside the database with a fixed seed.
--
-- Schema bank:
--   branches   20 branches in 4 regions, each with 2-6 outlets
--   managers   ~200 relationship managers (客户经理), full- and part-time
--   customers  100,000 customers: log-normal daily combined balances,
--              Pareto-shaped annual contribution (80/20), corporate sales,
--              first/last activity; 1.5% orphaned (their manager left)
--   activity   12 months of monthly activity (transactions and amount)
--
-- Everything is drawn from random() after setseed(), in a serial plan, so
-- two runs give the same bank.  The report date is bank.as_of().
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bank CASCADE;
CREATE SCHEMA bank;
SELECT setseed(0.42);

CREATE FUNCTION bank.as_of() RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT date '2026-10-31' $$;

-- standard normal draw (Box-Muller); volatile, one per call
CREATE FUNCTION bank.normal() RETURNS float8 LANGUAGE sql VOLATILE
	AS $$ SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) $$;

CREATE TABLE bank.branches AS
SELECT b AS branch_id,
       format('Branch %s', lpad(b::text, 2, '0')) AS name,
       (ARRAY['North', 'South', 'East', 'West'])[1 + (b - 1) % 4] AS region,
       2 + b % 5 AS outlets
FROM generate_series(1, 20) b;
ALTER TABLE bank.branches ADD PRIMARY KEY (branch_id);

CREATE TABLE bank.managers AS
SELECT row_number() OVER (ORDER BY b, k)::int AS manager_id,
       b AS branch_id,
       format('RM %s-%s', lpad(b::text, 2, '0'), k) AS name,
       CASE WHEN random() < 0.80 THEN 1.0 WHEN random() < 0.6 THEN 0.8 ELSE 0.5 END::float8 AS fte
FROM generate_series(1, 20) b, generate_series(1, 6 + (7 * b) % 9) k
ORDER BY b, k;
ALTER TABLE bank.managers ADD PRIMARY KEY (manager_id);

-- customers: draws first, derived columns after
CREATE TABLE bank.customers AS
WITH draws AS (
	SELECT i AS customer_id,
	       1 + floor(random() * 20)::int AS branch_id,
	       random() < 0.06 AS corporate,
	       bank.normal() AS z_balance,
	       bank.normal() AS z_drift,
	       bank.normal() AS z_sales,
	       bank.normal() AS z_spend,
	       random() AS u_contribution,
	       random() AS u_manager,
	       random() AS u_orphan,
	       random() AS u_stage,
	       random() AS u_age,
	       random() AS u_recency,
	       random() AS engagement
	FROM generate_series(1, 100000) i
)
SELECT customer_id, branch_id,
       CASE WHEN corporate THEN 'corporate' ELSE 'retail' END AS segment,
       u_manager, u_orphan,
       -- RMB daily combined balance: median 30k retail, 800k corporate
       round(exp(CASE WHEN corporate THEN ln(800000) + 1.5 * z_balance
                      ELSE ln(30000) + 1.7 * z_balance END)::numeric, 2) AS balance,
       round(exp(CASE WHEN corporate THEN ln(800000) + 1.5 * z_balance
                      ELSE ln(30000) + 1.7 * z_balance END - 0.06 * z_drift)::numeric, 2) AS balance_prev,
       CASE WHEN corporate THEN round(exp(ln(8e6) + 1.8 * z_sales)::numeric, -3) END AS annual_sales_usd,
       round(exp(CASE WHEN corporate THEN ln(5000) + 1.2 * z_spend ELSE ln(800) + z_spend END)::numeric, 2) AS monthly_spend,
       -- annual contribution: Pareto with alpha 1.16 (the 80/20 shape)
       round((200 / (1 - u_contribution) ^ (1 / 1.16) * CASE WHEN corporate THEN 10 ELSE 1 END)::numeric, 2) AS contribution,
       u_stage, u_age, u_recency, engagement
FROM draws;

-- manager: skewed towards the first managers of the branch, so books are unbalanced
ALTER TABLE bank.customers ADD COLUMN manager_id int;
UPDATE bank.customers c
SET manager_id = CASE WHEN c.u_orphan < 0.015 THEN NULL ELSE m.manager_id END
FROM (SELECT branch_id, min(manager_id) AS first_id, count(*) AS n FROM bank.managers GROUP BY branch_id) b,
     bank.managers m
WHERE b.branch_id = c.branch_id
  AND m.manager_id = b.first_id + floor(b.n * c.u_manager ^ 1.6)::int;

-- activity history: 3% never active (potential), the rest first active up to
-- 8 years ago; some stopped a while ago (dormant, lost)
ALTER TABLE bank.customers ADD COLUMN first_active date, ADD COLUMN last_active date;
UPDATE bank.customers SET
	first_active = CASE WHEN u_stage < 0.03 THEN NULL
	                    WHEN u_stage < 0.08 THEN bank.as_of() - (u_age * 85)::int
	                    ELSE bank.as_of() - (90 + u_age * 2800)::int END;
UPDATE bank.customers SET
	last_active = CASE WHEN first_active IS NULL THEN NULL
	                   WHEN u_stage > 0.92 THEN least(bank.as_of(), first_active + (u_recency * 400)::int)  -- may have stopped long ago
	                   WHEN u_stage > 0.82 THEN greatest(first_active, bank.as_of() - (91 + u_recency * 270)::int)
	                   ELSE greatest(first_active, bank.as_of() - (u_recency ^ 3 * 60)::int) END;

-- 12 months of monthly activity for customers active in the window.  The
-- customers are read in customer_id order (a sorted subquery), so the draws do
-- not depend on where the UPDATEs above left each row physically.
CREATE TABLE bank.activity AS
SELECT c.customer_id, m.month,
       1 + floor(random() * (2 + 20 * c.engagement))::int AS transactions,
       round((c.monthly_spend * (0.5 + random()))::numeric, 2) AS amount
FROM (SELECT * FROM bank.customers ORDER BY customer_id) c
CROSS JOIN LATERAL (
	SELECT (date_trunc('month', bank.as_of()) - make_interval(months => k))::date AS month
	FROM generate_series(0, 11) k
) m
WHERE c.first_active IS NOT NULL
  AND m.month <= c.last_active AND m.month + interval '1 month' > c.first_active
  AND (random() < 0.35 + 0.65 * c.engagement OR m.month = date_trunc('month', c.last_active))
ORDER BY c.customer_id, m.month;

ALTER TABLE bank.customers
	ADD COLUMN active_months int NOT NULL DEFAULT 0,
	ADD COLUMN transactions_12m int NOT NULL DEFAULT 0,
	ADD COLUMN amount_12m numeric NOT NULL DEFAULT 0;
UPDATE bank.customers c SET active_months = a.n, transactions_12m = a.t, amount_12m = a.amt
FROM (SELECT customer_id, count(*) AS n, sum(transactions) AS t, sum(amount) AS amt
      FROM bank.activity GROUP BY customer_id) a
WHERE a.customer_id = c.customer_id;

ALTER TABLE bank.customers DROP COLUMN u_manager, DROP COLUMN u_orphan, DROP COLUMN u_stage,
	DROP COLUMN u_age, DROP COLUMN u_recency, DROP COLUMN engagement;
ALTER TABLE bank.customers ADD PRIMARY KEY (customer_id);
CREATE INDEX ON bank.customers (manager_id);
CREATE INDEX ON bank.activity (customer_id);
VACUUM ANALYZE bank.branches, bank.managers, bank.customers, bank.activity;

\echo
\echo '======================================================================'
\echo ' crm demo: a synthetic bank (seeded, generated in the database)'
\echo '======================================================================'
SELECT (SELECT count(*) FROM bank.branches) AS branches,
       (SELECT count(*) FROM bank.managers) AS managers,
       (SELECT count(*) FROM bank.customers) AS customers,
       (SELECT count(*) FROM bank.customers WHERE manager_id IS NULL) AS orphaned,
       (SELECT count(*) FROM bank.activity) AS activity_months,
       bank.as_of() AS as_of;
