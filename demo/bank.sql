-- The example bank of the README and of `make demo`: a small synthetic bank,
-- generated inside the database with a fixed seed.  Load it from the
-- checkout's root with
--
--     CREATE EXTENSION crm;
--     \i demo/bank.sql
--
-- Schema bank (the report date is bank.as_of(), 2026-10-31):
--   branches        12 branches in 4 regions, each with 1-4 corporate outlets
--   managers        relationship managers (客户经理) 'RM-0001'..., full- and
--                   part-time (fte), capacity in client minutes a month
--   customers       4,000 customers: log-normal daily combined balances (RMB),
--                   a small private-banking tier, Pareto-shaped annual
--                   contribution (80/20), corporate sales, activity dates and
--                   12-month activity; 1.5% orphaned (their manager left),
--                   key accounts pinned to their manager; last month's tier;
--                   attrition over the next 12 months (a target to fit)
--   accounts        1-3 accounts a customer ('AC-...'), summing to its balance
--   transactions    12 months of transactions (day, amount, channel, cash)
--   contacts        visits and calls of the last 12 months
--   customer_finance  deposit spread, loan interest and fees (customer value)
--   aml_attributes  region, industry, identity, funds and cash use (AML card)
--   service_policies  service standards per service tier (crm.service_policy)
--   units           settlement departments, corporate outlets and corporate
--                   teams with their headcount per role (staffing checks)
--   daily_contacts  daily effective contacts, sales and written reasons per
--                   manager (the "511" quota), October 2026
--   working_days    view: every manager's working days of October 2026
--
-- Every draw comes from random() after setseed(), read in key order, so two
-- loads give the same bank.  It loads in a few seconds.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bank CASCADE;
CREATE SCHEMA bank;
-- (\gset swallows the empty result row)
SELECT setseed(0.42) \gset

CREATE FUNCTION bank.as_of() RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT date '2026-10-31' $$;

-- standard normal draw (Box-Muller); volatile, one per call
CREATE FUNCTION bank.normal() RETURNS float8 LANGUAGE sql VOLATILE
	AS $$ SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) $$;

CREATE TABLE bank.branches AS
SELECT b AS branch_id,
       format('Branch %s', lpad(b::text, 2, '0')) AS name,
       (ARRAY['North', 'South', 'East', 'West'])[1 + (b - 1) % 4] AS region,
       1 + b % 4 AS outlets
FROM generate_series(1, 12) b;
ALTER TABLE bank.branches ADD PRIMARY KEY (branch_id);

-- 2-5 managers a branch; capacity: the minutes a month an FTE has for
-- client service (a third of 1,650 hours a year)
CREATE TABLE bank.managers AS
SELECT format('RM-%s', lpad(row_number() OVER (ORDER BY b, k)::text, 4, '0')) AS manager_id,
       b AS branch_id,
       format('RM %s-%s', lpad(b::text, 2, '0'), k) AS name,
       fte, fte * 2750 AS capacity
FROM (SELECT b, k, CASE WHEN random() < 0.80 THEN 1.0 WHEN random() < 0.6 THEN 0.8 ELSE 0.5 END::float8 AS fte
      FROM generate_series(1, 12) b, generate_series(1, 2 + (5 * b) % 4) k ORDER BY b, k) m
ORDER BY b, k;
ALTER TABLE bank.managers ADD PRIMARY KEY (manager_id);

-- customers: draws first, derived columns after
CREATE TABLE bank.customers AS
WITH draws AS (
	SELECT i AS customer_id,
	       1 + floor(random() * 12)::int AS branch_id,
	       random() < 0.06 AS corporate,
	       random() < 0.004 AS private,
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
	       random() AS u_key,
	       random() AS engagement
	FROM generate_series(1, 4000) i
),
b AS (
	SELECT d.*,
	       -- RMB daily combined balance: median 30k retail, 800k corporate,
	       -- 12M private banking
	       CASE WHEN corporate THEN ln(800000) + 1.5 * z_balance
	            WHEN private THEN ln(12000000) + 0.4 * z_balance
	            ELSE ln(30000) + 1.7 * z_balance END AS ln_balance
	FROM draws d
)
SELECT customer_id, branch_id,
       CASE WHEN corporate THEN 'corporate' ELSE 'retail' END AS segment,
       u_manager, u_orphan, u_key,
       round(exp(ln_balance)::numeric, 2) AS balance,
       round(exp(ln_balance - 0.06 * z_drift)::numeric, 2) AS balance_prev,
       CASE WHEN corporate THEN round(exp(ln(8e6) + 1.8 * z_sales)::numeric, -3) END AS annual_sales_usd,
       round(exp(CASE WHEN corporate THEN ln(5000) + 1.2 * z_spend ELSE ln(800) + z_spend END)::numeric, 2) AS monthly_spend,
       -- annual contribution: Pareto with alpha 1.16 (the 80/20 shape)
       round((200 / (1 - u_contribution) ^ (1 / 1.16) * CASE WHEN corporate THEN 10 WHEN private THEN 20 ELSE 1 END)::numeric, 2) AS contribution,
       u_stage, u_age, u_recency, engagement
FROM b;

-- manager: skewed towards the first managers of the branch, so books are
-- unbalanced; 1.5% orphaned (their manager left)
ALTER TABLE bank.customers ADD COLUMN manager_id text;
UPDATE bank.customers c
SET manager_id = CASE WHEN c.u_orphan < 0.015 THEN NULL ELSE m.manager_id END
FROM (SELECT branch_id, row_number() OVER (ORDER BY manager_id) AS rn, manager_id FROM bank.managers) m,
     (SELECT branch_id, min(manager_id) AS first_id, count(*) AS n FROM bank.managers GROUP BY branch_id) b
WHERE b.branch_id = c.branch_id AND m.branch_id = c.branch_id
  AND m.manager_id = format('RM-%s', lpad((substr(b.first_id, 4)::int + floor(b.n * c.u_manager ^ 1.6)::int)::text, 4, '0'));

-- key accounts: the largest corporate and private-banking relationships
-- stay with their manager (pinned in a rebalancing)
ALTER TABLE bank.customers ADD COLUMN key_account boolean NOT NULL DEFAULT false;
UPDATE bank.customers SET key_account = manager_id IS NOT NULL AND balance >= 5000000 AND u_key < 0.7;

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

-- last month's tier (preset cn_retail_aum), for hysteresis
ALTER TABLE bank.customers ADD COLUMN last_month_tier text;
UPDATE bank.customers SET last_month_tier = crm.tier(balance_prev, crm.tiers_preset('cn_retail_aum'));

-- accounts: 1-3 a customer, the balance split between them
CREATE TABLE bank.accounts AS
WITH a AS (
	SELECT c.customer_id, c.segment, c.balance, c.first_active, n.k, n.n, random() AS u_share, random() AS u_open
	FROM (SELECT * FROM bank.customers ORDER BY customer_id) c
	CROSS JOIN LATERAL (SELECT k, 1 + floor(c.engagement * 2.99)::int AS n
	                    FROM generate_series(1, 1 + floor(c.engagement * 2.99)::int) k) n
	ORDER BY c.customer_id, n.k
)
SELECT format('AC-%s-%s', lpad(customer_id::text, 5, '0'), k) AS account_id, customer_id,
       CASE WHEN k = 1 THEN 'current' WHEN segment = 'corporate' THEN 'cash_management'
            WHEN k = 2 THEN 'savings' ELSE 'wealth' END AS product,
       coalesce(first_active, bank.as_of()) + (u_open * 30)::int * (k - 1) AS opened,
       round(balance * CASE WHEN n = 1 THEN 1 WHEN k = 1 THEN 0.5 ELSE 0.5 / (n - 1) END, 2) AS balance
FROM a;
ALTER TABLE bank.accounts ADD PRIMARY KEY (account_id);

-- transactions of the last 12 months: months with activity, then each
-- month's transactions (customers read in customer_id order)
CREATE TABLE bank.transactions AS
WITH months AS (
	SELECT c.customer_id, c.monthly_spend, m.month,
	       1 + floor(random() * (2 + 12 * c.engagement))::int AS n
	FROM (SELECT * FROM bank.customers ORDER BY customer_id) c
	CROSS JOIN LATERAL (
		SELECT (date_trunc('month', bank.as_of()) - make_interval(months => k))::date AS month
		FROM generate_series(0, 11) k
	) m
	WHERE c.first_active IS NOT NULL
	  AND m.month <= c.last_active AND m.month + interval '1 month' > c.first_active
	  AND (random() < 0.35 + 0.65 * c.engagement OR m.month = date_trunc('month', c.last_active))
	ORDER BY c.customer_id, m.month
)
SELECT row_number() OVER (ORDER BY customer_id, day, t) AS transaction_id, customer_id, day, amount, channel, cash
FROM (
	SELECT m.customer_id, t,
	       least(m.month + floor(random() * 28)::int, bank.as_of()) AS day,
	       round((m.monthly_spend / m.n * (0.2 + 1.6 * random()))::numeric, 2) AS amount,
	       (ARRAY['card', 'card', 'online', 'branch', 'transfer'])[1 + floor(random() * 5)::int] AS channel,
	       random() < 0.1 AS cash
	FROM months m, generate_series(1, m.n) t
	ORDER BY m.customer_id, m.month, t
) x;
ALTER TABLE bank.transactions ADD PRIMARY KEY (transaction_id);

ALTER TABLE bank.customers
	ADD COLUMN active_months int NOT NULL DEFAULT 0,
	ADD COLUMN transactions_12m int NOT NULL DEFAULT 0,
	ADD COLUMN amount_12m numeric NOT NULL DEFAULT 0;
UPDATE bank.customers c SET active_months = a.n, transactions_12m = a.t, amount_12m = a.amt
FROM (SELECT customer_id, count(DISTINCT date_trunc('month', day)) AS n, count(*) AS t, sum(amount) AS amt
      FROM bank.transactions GROUP BY customer_id) a
WHERE a.customer_id = c.customer_id;

-- attrition over the next 12 months (the target of the scorecard_fit
-- example): likelier for disengaged, idle and small customers; drawn from a
-- hash of the customer id, so it leaves the random() stream alone
ALTER TABLE bank.customers ADD COLUMN attrited boolean;
UPDATE bank.customers SET attrited =
	(hashint8(customer_id * 7919 + 13) & 2147483647)::float8 / 2147483648
	< 1 / (1 + exp(-(-2.2 + 4 * (0.4 - engagement)
	                 + CASE WHEN last_active IS NULL OR last_active < bank.as_of() - 90 THEN 1.2 ELSE 0 END
	                 - 0.25 * ln(greatest(balance, 1) / 30000))));

-- service tiers: corporate A+ (balance >= 5M) and A, retail B (>= 500k) and C
CREATE TABLE bank.service_policies (valid_from date PRIMARY KEY, policy crm.service_policy NOT NULL);
INSERT INTO bank.service_policies VALUES ('2026-01-01', $$
	A+: {visits_per_year: 12, calls_per_year: 24, visit_minutes: 90, call_minutes: 15, travel_minutes: 60};
	A:  {visits_per_year: 6, calls_per_year: 12, visit_minutes: 60, call_minutes: 15, travel_minutes: 40};
	B:  {visits_per_year: 4, calls_per_year: 12, visit_minutes: 45, call_minutes: 10, travel_minutes: 30};
	*:  {visits_per_year: 1, calls_per_year: 4, visit_minutes: 30, call_minutes: 10, travel_minutes: 20}
$$);
ALTER TABLE bank.customers ADD COLUMN service_tier text;
UPDATE bank.customers SET service_tier =
	CASE WHEN segment = 'corporate' THEN CASE WHEN balance >= 5000000 THEN 'A+' ELSE 'A' END
	     WHEN balance >= 500000 THEN 'B' ELSE 'C' END;

-- contacts of the last 12 months: each customer's visits and calls, a
-- share of what its tier is due (drawn in customer_id order)
CREATE TABLE bank.contacts AS
WITH due AS (
	SELECT c.customer_id, c.manager_id,
	       floor(crm.visits_due(p.policy, c.service_tier, '1 year') * (0.2 + 1.1 * random()))::int AS visits,
	       floor(crm.calls_due(p.policy, c.service_tier, '1 year') * (0.3 + 1.0 * random()))::int AS calls
	FROM (SELECT * FROM bank.customers WHERE manager_id IS NOT NULL ORDER BY customer_id) c,
	     (SELECT policy FROM bank.service_policies ORDER BY valid_from DESC LIMIT 1) p
)
SELECT row_number() OVER (ORDER BY customer_id, kind, k) AS contact_id, customer_id, manager_id, kind,
       bank.as_of() - (1 + floor(random() * 364))::int AS day
FROM (SELECT customer_id, manager_id, 'visit' AS kind, k FROM due, generate_series(1, visits) k
      UNION ALL
      SELECT customer_id, manager_id, 'call', k FROM due, generate_series(1, calls) k
      ORDER BY 1, 3, 4) x;
ALTER TABLE bank.contacts ADD PRIMARY KEY (contact_id);

-- customer value: deposit spread, loan interest and fees (a third of retail
-- customers and most corporate ones borrow; fees follow card spend)
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

-- AML attributes: region, industry, identity, yearly funds (from the
-- balance), cash share and cash transactions a month
CREATE TABLE bank.aml_attributes AS
SELECT customer_id,
       CASE WHEN u1 < 0.03 THEN NULL WHEN u1 < 0.05 THEN 'high_risk' WHEN u1 < 0.08 THEN 'offshore'
            WHEN u1 < 0.20 THEN 'medium' ELSE 'domestic' END AS region,
       CASE WHEN segment = 'retail' THEN NULL
            ELSE (ARRAY['manufacturing', 'trade', 'it', 'restaurant', 'real_estate', 'casino',
                        'precious_metals', 'money_services', 'transport', 'construction'])[1 + floor(u2 * 10)::int] END AS industry,
       CASE WHEN u3 < 0.02 THEN 'pep' WHEN u3 < 0.07 THEN 'non_resident' WHEN u3 < 0.09 THEN NULL ELSE 'resident' END AS identity,
       round(balance * 12, 2) AS fund_size,
       round((u4 ^ 3)::numeric, 3) AS cash_share,
       floor(u5 ^ 4 * 60)::int AS cash_tx_per_month
FROM (SELECT c.*, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5
      FROM (SELECT customer_id, segment, balance FROM bank.customers ORDER BY customer_id) c) c;
ALTER TABLE bank.aml_attributes ADD PRIMARY KEY (customer_id);

-- units for the staffing checks: each branch's settlement department, its
-- corporate outlets and, in some branches, corporate teams by tier
CREATE TABLE bank.units AS
SELECT row_number() OVER (ORDER BY branch_id, kind_order, k)::int AS unit_id, branch_id, kind, name,
       managers, cash_specialists, credit_specialists
FROM (
	SELECT b.branch_id, 1 AS kind_order, 1 AS k, 'settlement_department' AS kind,
	       format('%s settlement dept', b.name) AS name,
	       2 + floor(random() * 3)::int AS managers, 0 AS cash_specialists, 0 AS credit_specialists
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b
	UNION ALL
	SELECT b.branch_id, 2, o, 'corporate_outlet', format('%s outlet %s', b.name, o),
	       floor(random() * 3.4)::int, 0, 0
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b, generate_series(1, b.outlets) o
	UNION ALL
	SELECT b.branch_id, 3, t.k, t.kind, format('%s %s team', b.name, t.kind),
	       t.base + floor(random() * t.base)::int, floor(random() * 4)::int, 1 + floor(random() * 3)::int
	FROM (SELECT * FROM bank.branches ORDER BY branch_id) b,
	     (VALUES (1, 'large', 2), (2, 'mid', 5), (3, 'sme_face_to_face', 12), (4, 'sme_phone', 30)) t(k, kind, base)
	WHERE (b.branch_id + t.k) % 3 = 0
) u;
ALTER TABLE bank.units ADD PRIMARY KEY (unit_id);

-- daily contact records ("511" quota) for the working days of October 2026,
-- drawn in manager and day order; some days have none
CREATE TABLE bank.daily_contacts AS
SELECT m.manager_id, d.day,
       floor(3 + 5 * random() * m.diligence)::int AS contacts,
       (random() < 0.3 * m.diligence)::int AS sales,
       (random() < 0.75)::int AS reasons
FROM (SELECT manager_id, 0.8 + 0.6 * random() AS diligence FROM bank.managers ORDER BY manager_id) m,
     (SELECT d::date AS day FROM generate_series(date '2026-10-01', date '2026-10-31', '1 day') d
      WHERE extract(isodow FROM d) < 6 ORDER BY 1) d
WHERE random() < 0.93
ORDER BY m.manager_id, d.day;
ALTER TABLE bank.daily_contacts ADD PRIMARY KEY (manager_id, day);

CREATE VIEW bank.working_days AS
SELECT m.manager_id, m.branch_id, m.name, d::date AS day
FROM bank.managers m, generate_series(date '2026-10-01', date '2026-10-31', '1 day') d
WHERE extract(isodow FROM d) < 6;

ALTER TABLE bank.customers DROP COLUMN u_manager, DROP COLUMN u_orphan, DROP COLUMN u_key,
	DROP COLUMN u_stage, DROP COLUMN u_age, DROP COLUMN u_recency, DROP COLUMN engagement;
ALTER TABLE bank.customers ADD PRIMARY KEY (customer_id);
CREATE INDEX ON bank.customers (manager_id);
CREATE INDEX ON bank.transactions (customer_id);
CREATE INDEX ON bank.contacts (customer_id);
ANALYZE bank.branches, bank.managers, bank.customers, bank.accounts, bank.transactions,
	bank.contacts, bank.customer_finance, bank.aml_attributes, bank.units, bank.daily_contacts;
RESET client_min_messages;
