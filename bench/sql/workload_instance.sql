-- The rebalancing benchmark instance (psql variables n = customers,
-- m = managers): capacities 0.5-1.0 FTE, target utilisation spread evenly
-- over 40%-160%, 2% orphans, 1% pinned.  Customers belong to tiers; a
-- customer's load is its service minutes a month under the policy, in FTE
-- (8,250 minutes a month = 1650 hours a year), scaled so that the mean
-- utilisation is 100%.  Seeded: the same instance every run.
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.44);
DROP TABLE IF EXISTS bench_rb_managers, bench_rb;
CREATE TABLE bench_rb_managers AS
SELECT j AS manager_id, round((0.5 + 0.5 * random())::numeric, 2)::float8 AS capacity,
       0.4 + 1.2 * random() AS target_util
FROM generate_series(1, :m) j;

-- a manager for each customer, with probability proportional to capacity x target utilisation
CREATE TEMP TABLE rb_bounds AS
SELECT array_agg(cum ORDER BY manager_id) AS bounds, max(cum) AS total
FROM (SELECT manager_id, sum(capacity * target_util) OVER (ORDER BY manager_id) AS cum
      FROM bench_rb_managers) x;

CREATE TABLE bench_rb AS
SELECT i::bigint AS customer_id,
       CASE WHEN u_orphan < 0.02 THEN NULL
            ELSE least(1 + width_bucket(u_mgr * b.total, b.bounds), :m) END::bigint AS manager_id,
       CASE WHEN u_tier < 0.02 THEN 'A+' WHEN u_tier < 0.10 THEN 'A' WHEN u_tier < 0.35 THEN 'B'
            ELSE 'C' END AS tier,
       u_pin >= 0.01 AS movable
FROM (SELECT i, random() AS u_orphan, random() AS u_mgr, random() AS u_tier, random() AS u_pin
      FROM generate_series(1, :n) i) r, rb_bounds b;

\set policy 'A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; A: {visits_per_year: 2, calls_per_year: 6, visit_minutes: 45, call_minutes: 10, travel_minutes: 30}; B: {visits_per_year: 1, calls_per_year: 4, visit_minutes: 30, call_minutes: 8, travel_minutes: 30}; C: {calls_per_year: 2, call_minutes: 6}'
ALTER TABLE bench_rb ADD COLUMN load float8, ADD COLUMN capacity float8;
UPDATE bench_rb c SET load = crm.service_minutes(:'policy', tier) / 8250.0,
       capacity = m.capacity
FROM bench_rb_managers m WHERE m.manager_id = c.manager_id;
UPDATE bench_rb SET load = crm.service_minutes(:'policy', tier) / 8250.0 WHERE manager_id IS NULL;
-- scale loads so that total load = total capacity (mean utilisation 100%)
UPDATE bench_rb SET load = load * (SELECT sum(capacity) FROM bench_rb_managers) / (SELECT sum(load) FROM bench_rb);
-- orphans have no capacity; pinned customers stay with their manager
UPDATE bench_rb SET movable = true WHERE manager_id IS NULL;
VACUUM ANALYZE bench_rb, bench_rb_managers;
