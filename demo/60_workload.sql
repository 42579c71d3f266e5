-- Report: relationship-manager workload.  Service standards per tier (a
-- crm.service_policy), the load they put on each manager, staffing per
-- branch, contact compliance, and a rebalancing plan per branch.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- the service policy (bank.service_policies) and the customers' service tiers
-- (bank.customers.service_tier): demo/bank.sql

DROP TABLE IF EXISTS bank.service_book;
CREATE TABLE bank.service_book AS
SELECT c.customer_id, c.branch_id, c.manager_id, c.key_account, c.service_tier AS tier,
       crm.service_minutes(p.policy, c.service_tier) AS minutes_per_month
FROM bank.customers c, (SELECT policy FROM bank.service_policies ORDER BY valid_from DESC LIMIT 1) p;

-- a manager's capacity: client minutes a month (bank.managers.capacity)
CREATE TEMP VIEW manager_load AS
SELECT m.manager_id, m.name, m.branch_id, m.fte, m.capacity,
       count(b.customer_id) AS customers, coalesce(sum(b.minutes_per_month), 0) AS load
FROM bank.managers m LEFT JOIN bank.service_book b USING (manager_id)
GROUP BY m.manager_id;

\echo
\echo '======================================================================'
\echo ' Relationship-manager workload (service minutes a month under the policy)'
\echo '======================================================================'
\echo '== The service policy: contacts a year per tier, and the minutes a customer needs'
SELECT e.tier, e.visits_per_year AS visits, e.calls_per_year AS calls,
       e.visit_minutes + e.travel_minutes AS min_per_visit, e.call_minutes AS min_per_call,
       round((e.minutes_per_year / 12)::numeric, 1) AS min_per_month,
       (SELECT count(*) FROM bank.service_book b WHERE b.tier = e.tier OR (e.tier = '*' AND b.tier = 'C')) AS customers
FROM bank.service_policies, crm.policy_entries(policy) e;

\echo '== Most loaded managers (utilisation = service minutes / capacity)'
SELECT name, fte, customers, round(load::numeric) AS minutes,
       round((100 * load / capacity)::numeric) || '%' AS utilisation,
       crm.bar(load / capacity, (SELECT max(load / capacity) FROM manager_load), 30) AS chart
FROM manager_load ORDER BY load / capacity DESC, manager_id LIMIT 15;

\echo '== Staffing per branch: required FTE (550 client hours a year an FTE) vs headcount (>= 1 manager per outlet, target 2)'
SELECT br.name AS branch, br.outlets, count(*) AS managers, round(sum(ml.fte)::numeric, 1) AS fte,
       round(crm.required_fte(sum(ml.load) + coalesce((SELECT sum(minutes_per_month) FROM bank.service_book o
                                                       WHERE o.branch_id = br.branch_id AND o.manager_id IS NULL), 0),
                              '1 month', 550)::numeric, 1) AS required_fte,
       round((crm.required_fte(sum(ml.load) + coalesce((SELECT sum(minutes_per_month) FROM bank.service_book o
                                                        WHERE o.branch_id = br.branch_id AND o.manager_id IS NULL), 0),
                               '1 month', 550) - sum(ml.fte))::numeric, 1) AS gap,
       CASE WHEN count(*) < br.outlets THEN 'below 1 per outlet'
            WHEN count(*) < 2 * br.outlets THEN 'below target 2 per outlet' ELSE 'ok' END AS minimum
FROM bank.branches br JOIN manager_load ml USING (branch_id)
GROUP BY br.branch_id ORDER BY gap DESC, br.branch_id LIMIT 10;

-- contacts done in the last 12 months (bank.contacts), per customer
DROP TABLE IF EXISTS bank.contacts_12m;
CREATE TABLE bank.contacts_12m AS
SELECT b.customer_id, b.tier,
       count(k.contact_id) FILTER (WHERE k.kind = 'visit')::int AS visits_done,
       count(k.contact_id) FILTER (WHERE k.kind = 'call')::int AS calls_done
FROM bank.service_book b LEFT JOIN bank.contacts k USING (customer_id)
WHERE b.manager_id IS NOT NULL
GROUP BY b.customer_id, b.tier;

\echo '== Contact compliance per tier (minutes-weighted share of due visits and calls done, 12 months)'
SELECT c.tier, count(*) AS customers,
       round(avg(crm.contact_compliance(p.policy, c.tier, c.visits_done, c.calls_done, '1 year'))::numeric, 3) AS compliance,
       crm.bar(avg(crm.contact_compliance(p.policy, c.tier, c.visits_done, c.calls_done, '1 year')), 1, 30) AS chart
FROM bank.contacts_12m c, (SELECT policy FROM bank.service_policies ORDER BY valid_from DESC LIMIT 1) p
GROUP BY c.tier ORDER BY c.tier;

-- rebalancing plan per branch (text ids): moves stay inside the branch;
-- orphans are assigned; key accounts stay; every manager takes part with
-- its capacity on a manager row (also those without customers); the 0.2.0
-- objective: every manager at or below 100% where it can be, fewest moves
DROP TABLE IF EXISTS bank.rebalance_plans;
CREATE TABLE bank.rebalance_plans AS
SELECT branch_id, crm.rebalance(customer_id, manager_id, load, capacity, movable, '{"target": 1}') AS plan
FROM (SELECT b.branch_id, b.customer_id::text, b.manager_id, b.minutes_per_month AS load, NULL::float8 AS capacity,
             NOT b.key_account AS movable
      FROM bank.service_book b
      UNION ALL
      SELECT branch_id, NULL, manager_id, NULL, capacity, NULL FROM bank.managers) rows
GROUP BY branch_id;

\echo '== Rebalancing per branch (one plan each; moves stay in the branch): the ten most loaded branches'
SELECT br.name AS branch, s.managers, s.customers, s.orphans AS orphans_assigned,
       round(100 * s.peak_before::numeric) || '%' AS peak_before, round(100 * s.peak_after::numeric) || '%' AS peak_after,
       round(100 * s.lower_bound::numeric) || '%' AS lower_bound, s.moves, round(s.moved_load::numeric) AS moved_minutes
FROM bank.rebalance_plans rp JOIN bank.branches br USING (branch_id), crm.plan_summary(rp.plan) s
ORDER BY s.peak_before DESC, br.branch_id LIMIT 10;

\echo '== Rebalancing, all branches: highest peak before and after, total moves (orphan assignments apart)'
SELECT sum(s.managers) AS managers, sum(s.customers) AS customers, sum(s.orphans) AS orphans_assigned,
       round(100 * max(s.peak_before)::numeric) || '%' AS peak_before, round(100 * max(s.peak_after)::numeric) || '%' AS peak_after,
       round(100 * max(s.lower_bound)::numeric) || '%' AS lower_bound,
       sum(s.moves) AS moves, round(sum(s.moved_load)::numeric) AS moved_minutes
FROM bank.rebalance_plans, crm.plan_summary(plan) s;

\echo '== Load inequality across managers (Gini of utilisation: 0 = even)'
SELECT round(crm.gini(l.load_before / l.capacity)::numeric, 3) AS gini_before,
       round(crm.gini(l.load_after / l.capacity)::numeric, 3) AS gini_after,
       round(max(l.load_before / l.capacity)::numeric, 2) AS max_util_before,
       round(max(l.load_after / l.capacity)::numeric, 2) AS max_util_after
FROM bank.rebalance_plans, crm.plan_loads(plan) l;

\echo '== Largest moves'
SELECT mv.customer_id, b.tier, fm.name AS from_manager, tm.name AS to_manager, round(mv.load::numeric, 1) AS minutes
FROM bank.rebalance_plans, crm.moves(plan) mv
JOIN bank.service_book b ON b.customer_id::text = mv.customer_id
LEFT JOIN bank.managers fm ON fm.manager_id = mv.from_manager
JOIN bank.managers tm ON tm.manager_id = mv.to_manager
WHERE mv.from_manager IS NOT NULL
ORDER BY mv.load DESC, mv.customer_id LIMIT 10;
