-- The rebalancing scenario of issue 14 on real data: ../shared/data/
-- bank_churners.csv (10,127 card customers) as the book of 40 relationship
-- managers in 4 regions; skipped without the file (the client reads it:
-- scripts/run-tests.sh sets CRM_BANK_CSV when it is readable).
--
-- The book, deterministic from the data:
--   * region: clientnum % 4 (North, East, South, West); a manager within the
--     region by a hash of clientnum, skewed so that books range from about
--     a third to about 1.4 times the regional mean (North much less);
--   * load: the service minutes a month of the card tier under a service
--     policy (Platinum 135, Gold 60, Silver 22.5, Blue 2.7);
--   * elite (Gold and Platinum) customers are pinned to their manager; in
--     the South every elite customer is with S-01, whose capacity is set so
--     that this pinned book alone is 122% of it;
--   * E-04 and W-07 left: their customers are orphans;
--   * capacities (minutes a month; managers' FTE vary from 0.8 to 1.2) are
--     set so that the average utilisation is 62%, given once per manager on
--     a manager row; ids are text ('S-01', clientnum as text).
-- Checks: the default objective (target 100%) keeps rules (1), (2), (5) and
-- (6) of the issue and moves few relationships; 0.1.0's objective ({"target":
-- 0, "minimise": "load"}) pushes managers who were under 100% over it (the
-- issue's complaint).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(9);

\getenv bank_csv CRM_BANK_CSV
\if :{?bank_csv}
CREATE TEMP TABLE churners (
	clientnum bigint, attrition_flag text, customer_age float8, gender text, dependent_count float8,
	education_level text, marital_status text, income_category text, card_category text,
	months_on_book float8, total_relationship_count float8, months_inactive_12_mon float8,
	contacts_count_12_mon float8, credit_limit float8, total_revolving_bal float8, avg_open_to_buy float8,
	total_amt_chng_q4_q1 float8, total_trans_amt float8, total_trans_ct float8,
	total_ct_chng_q4_q1 float8, avg_utilization_ratio float8);
\copy churners FROM PROGRAM 'cat "$CRM_BANK_CSV"' WITH (FORMAT csv, HEADER)

CREATE TEMP TABLE bank_book AS
WITH c AS (
	SELECT clientnum, card_category IN ('Gold', 'Platinum') AS elite,
	       (ARRAY['North', 'East', 'South', 'West'])[1 + clientnum % 4] AS region,
	       ((clientnum * 2654435761) % 1000003) / 1000003.0 AS u,
	       crm.service_minutes('Platinum: {visits_per_year: 12, calls_per_year: 24, visit_minutes: 60, call_minutes: 15, travel_minutes: 45};
	                            Gold: {visits_per_year: 6, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40};
	                            Silver: {visits_per_year: 2, calls_per_year: 12, visit_minutes: 45, call_minutes: 10, travel_minutes: 30};
	                            Blue: {calls_per_year: 4, call_minutes: 8}', card_category) AS load
	FROM churners
)
SELECT clientnum::text AS customer_id, region, elite, load,
       CASE WHEN region = 'South' AND elite THEN 'S-01'
            ELSE left(region, 1) || '-' || lpad((1 + floor(10 * u ^ CASE WHEN region = 'North' THEN 1.0 ELSE 1.6 END))::int::text, 2, '0')
       END AS manager_id
FROM c;
-- the two managers who left
UPDATE bank_book SET manager_id = NULL WHERE manager_id IN ('E-04', 'W-07');

-- capacities: S-01's pinned book is 122% of its capacity; the others share
-- what makes the average utilisation 62%, by FTE 0.8 .. 1.2
CREATE TEMP TABLE bank_managers AS
WITH m AS (
	SELECT region, left(region, 1) || '-' || lpad(j::text, 2, '0') AS manager_id, 0.8 + 0.4 * ((j * 7) % 10) / 9.0 AS fte
	FROM (SELECT DISTINCT region FROM bank_book) r, generate_series(1, 10) j
), active AS (
	SELECT * FROM m WHERE manager_id NOT IN ('E-04', 'W-07')
), s01 AS (
	SELECT sum(load) / 1.22 AS capacity FROM bank_book WHERE manager_id = 'S-01' AND elite
)
SELECT a.region, a.manager_id,
       CASE WHEN a.manager_id = 'S-01' THEN (SELECT capacity FROM s01)
            ELSE ((SELECT sum(load) FROM bank_book) / 0.62 - (SELECT capacity FROM s01))
                 * a.fte / (SELECT sum(fte) FROM active WHERE manager_id <> 'S-01') END AS capacity
FROM active a;

-- the aggregate's rows: customers (capacity NULL: given on the manager rows) and managers
CREATE TEMP VIEW bank_rows AS
SELECT region, customer_id, manager_id, load, NULL::float8 AS capacity, NOT elite OR manager_id IS NULL AS movable FROM bank_book
UNION ALL
SELECT region, NULL, manager_id, NULL, capacity, NULL FROM bank_managers;

CREATE TEMP TABLE bank_plans AS
SELECT region, crm.rebalance(customer_id, manager_id, load, capacity, movable, '{}') AS p,
       crm.rebalance(customer_id, manager_id, load, capacity, movable, '{"target": 0, "minimise": "load"}') AS p01
FROM bank_rows GROUP BY region;
CREATE TEMP TABLE bank_after AS
SELECT region, m.* FROM bank_plans, crm.plan_managers(p) m;
CREATE TEMP TABLE bank_after01 AS
SELECT region, m.* FROM bank_plans, crm.plan_managers(p01) m;
-- the issue's lower bound on relationships moved: per manager above
-- max(100%, its pinned utilisation), the fewest movable customers, largest
-- first, whose removal brings it there
CREATE TEMP TABLE bank_lb AS
WITH over AS (
	SELECT region, manager_id, load_before - greatest(capacity, pinned_utilisation * capacity) AS excess
	FROM bank_after WHERE load_before > greatest(capacity, pinned_utilisation * capacity)
), ranked AS (
	SELECT o.region, o.manager_id, o.excess, b.load,
	       sum(b.load) OVER (PARTITION BY o.manager_id ORDER BY b.load DESC, b.customer_id) AS cum
	FROM over o JOIN bank_book b USING (manager_id) WHERE NOT b.elite
)
SELECT count(*) FILTER (WHERE cum - load < excess) AS lb_moves FROM ranked;

SELECT is((SELECT count(*) FROM bank_book), 10127::bigint,
          'bank_churners: 10,127 customers in 4 regions, 38 managers (2 left: their customers are orphans)');
SELECT is((SELECT round(100 * (SELECT sum(load) FROM bank_book) / sum(capacity))::int FROM bank_managers), 62,
          'bank_churners: the book of the issue: average utilisation 62% (the orphans'' load included)');
SELECT is((SELECT count(*) FROM bank_after
           WHERE load_after > greatest(capacity, pinned_utilisation * capacity) * (1 + 1e-12)), 0::bigint,
          'bank_churners rule (1): every manager ends at or below max(100%, its pinned utilisation)');
SELECT is((SELECT count(*) FROM bank_after WHERE utilisation_before <= 1 AND utilisation_after > 1 + 1e-12), 0::bigint,
          'bank_churners rule (2): nobody at or below 100% before is above it after');
SELECT is((SELECT count(*) FROM bank_plans, crm.moves(p) mv JOIN bank_after a ON a.manager_id = mv.to_manager
           WHERE mv.from_manager IS NULL AND a.utilisation_after > 1 + 1e-12), 0::bigint,
          'bank_churners rule (5): every orphan is assigned, to a manager at or below 100%');
SELECT is((SELECT array_agg(region || ' ' || s.moves ORDER BY region) FROM bank_plans, crm.plan_report(p) s
           WHERE s.over_target_before = 0 AND s.orphans = 0), ARRAY['North 0'],
          'bank_churners rule (6): the region with nobody above 100% and no orphans gets no moves');
SELECT is((SELECT round(utilisation_after::numeric, 2) || ' ' || round(pinned_utilisation::numeric, 2) || ' ' || moves_out
           FROM bank_after WHERE manager_id = 'S-01'),
          (SELECT '1.22 1.22 ' || count(*) FROM bank_book WHERE manager_id = 'S-01' AND NOT elite),
          'bank_churners: S-01 keeps its pinned elite book (122%) and gives up every other customer');
SELECT cmp_ok((SELECT sum(s.moves) FROM bank_plans, crm.plan_report(p) s)::float8, '<=',
              1.10 * (SELECT lb_moves FROM bank_lb)::float8,
              'bank_churners: relationships moved within 10% of the lower bound on moves');
SELECT cmp_ok((SELECT count(*) FROM bank_after01 WHERE utilisation_before <= 1 AND utilisation_after > 1 + 1e-12), '>',
              0::bigint,
              'bank_churners: 0.1.0''s objective (least peak) pushes managers under 100% over it (the issue''s complaint)');
\else
SELECT skip('../shared/data/bank_churners.csv not found or not readable: the bank_churners rebalancing scenario is skipped', 9);
\endif

SELECT * FROM finish();
ROLLBACK;
