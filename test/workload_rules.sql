-- Property checks for the seed's workload rules and customer value on
-- random inputs (fixed seed): crm.staffing_gap against the rules written in
-- SQL, crm.quota_met against its rule and as a compliance share per
-- manager in forced-parallel plans, crm.customer_value against its formula.
-- Run with pg_prove (make test).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

-- a regular (not temporary) table: temporary tables are never scanned in parallel
DROP TABLE IF EXISTS crm_tap_days;
SELECT setseed(0.511);
CREATE TABLE crm_tap_days AS
SELECT m AS manager_id, d AS day,
       CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 9)::int END AS contacts,
       CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() ^ 3 * 3)::int END AS sales,
       CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 2)::int END AS reasons,
       (ARRAY['511', '510', '500', '10-2-1', '3-1-2', '0-1-0', '7-0-0'])[1 + floor(random() * 7)::int] AS quota
FROM generate_series(1, 300) m, generate_series(1, 250) d;
ANALYZE crm_tap_days;

BEGIN;
SELECT plan(7);

-- 1. crm.quota_met = contacts >= c and (s = 0 or sales >= s or (r > 0 and reasons >= r)),
--    NULL counts as 0
SELECT is(count(*) FILTER (WHERE crm.quota_met(contacts, sales, reasons, quota) IS DISTINCT FROM
              (coalesce(contacts, 0) >= q[1] AND (q[2] = 0 OR coalesce(sales, 0) >= q[2] OR (q[3] > 0 AND coalesce(reasons, 0) >= q[3])))),
          0::bigint, 'crm.quota_met agrees with its rule on 75,000 days, 7 quotas, NULL counts as 0')
FROM (SELECT *, CASE WHEN quota ~ '^\d{3}$' THEN ARRAY[substr(quota, 1, 1)::int, substr(quota, 2, 1)::int, substr(quota, 3, 1)::int]
                     ELSE string_to_array(quota, '-')::int[] END AS q FROM crm_tap_days) d;

-- 2. compliance per manager (share of days that met "511"), serial and
--    in a forced parallel plan: the scalar runs in the workers under avg
CREATE TEMP TABLE compliance_serial AS
SELECT manager_id, avg(crm.quota_met(contacts, sales, reasons)::int) AS c FROM crm_tap_days GROUP BY manager_id;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CREATE FUNCTION pg_temp.explain(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	out text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		out := out || line || E'\n';
	END LOOP;
	RETURN out;
END
$$;
SELECT ok(pg_temp.explain('SELECT manager_id, avg(crm.quota_met(contacts, sales, reasons)::int) FROM crm_tap_days GROUP BY manager_id')
          ~ 'Partial (Hash)?Aggregate',
          'compliance per manager runs as a partial aggregate when parallel plans are forced');
SELECT is(count(*), 0::bigint, 'parallel compliance per manager = serial (300 managers)')
FROM (SELECT manager_id, avg(crm.quota_met(contacts, sales, reasons)::int) AS c FROM crm_tap_days GROUP BY manager_id) p
JOIN compliance_serial s USING (manager_id) WHERE p.c <> s.c;
SET LOCAL max_parallel_workers_per_gather = 0;

-- 3. crm.staffing_gap against the rules in SQL: managers [minimum, target],
--    specialists ceil(managers / high) and ceil(managers / low) with the
--    default ratios, shortfalls max(0, need - staffed)
CREATE TEMP TABLE units AS
SELECT u, (ARRAY['settlement_department', 'corporate_outlet', 'large', 'mid', 'sme_face_to_face', 'sme_phone'])[1 + u % 6] AS kind,
       floor(random() * 80)::int AS managers, floor(random() * 10)::int AS cash, floor(random() * 10)::int AS credit
FROM generate_series(1, 3000) u;
CREATE TEMP TABLE rules_sql (kind text, min_m int, target_m int, lo numeric, hi numeric);
INSERT INTO rules_sql VALUES ('settlement_department', 3, 3, NULL, NULL), ('corporate_outlet', 1, 2, NULL, NULL),
	('large', 0, 0, 1, 1), ('mid', 0, 0, 2, 3), ('sme_face_to_face', 0, 0, 10, 10), ('sme_phone', 0, 0, 25, 30);
CREATE TEMP TABLE gaps_sql AS
SELECT u.u, x.role, x.staffed, x.minimum, x.target,
       greatest(0, x.minimum - x.staffed) AS short_min, greatest(0, x.target - x.staffed) AS short_target
FROM units u JOIN rules_sql r USING (kind),
     LATERAL (VALUES ('manager', u.managers, r.min_m, r.target_m),
                     ('cash_management_specialist', u.cash, coalesce(ceil(u.managers / r.hi)::int, 0), coalesce(ceil(u.managers / r.lo)::int, 0)),
                     ('credit_specialist', u.credit, coalesce(ceil(u.managers / r.hi)::int, 0), coalesce(ceil(u.managers / r.lo)::int, 0)))
             x(role, staffed, minimum, target);
SELECT is(count(*), 0::bigint, 'crm.staffing_gap = the default rules in SQL (exact numeric ceilings), 3,000 random units x 3 roles')
FROM (SELECT u.u, g.role, g.staffed, g.minimum, g.target, g.short_of_minimum, g.short_of_target
      FROM units u, crm.staffing_gap(u.kind, u.managers, u.cash, u.credit) g
      EXCEPT
      SELECT u, role, staffed, minimum, target, short_min, short_target FROM gaps_sql) d;
SELECT is((SELECT count(*) FROM units) * 3, (SELECT count(*) FROM units u, crm.staffing_gap(u.kind, u.managers, u.cash, u.credit)),
          'crm.staffing_gap gives exactly three rows per unit');
-- custom decimal ratios: ceilings of the exact decimal quotient
SELECT is(count(*) FILTER (WHERE g.minimum <> ceil(u.managers / 2.5) OR g.target <> ceil(u.managers / 0.7)), 0::bigint,
          'custom ratios [0.7, 2.5]: needs are the ceilings of the exact decimal quotients')
FROM units u, crm.staffing_gap('desk', u.managers, 0, 0, '{"desk": {"managers_per_cash_specialist": [0.7, 2.5]}}') g
WHERE g.role = 'cash_management_specialist';

-- 4. crm.customer_value = (deposits x spread + loans + fees) x multiplier
SELECT is(count(*) FILTER (WHERE crm.customer_value(dep, spread, loans, fees, stage) <>
                                 (dep * spread + loans + fees) * CASE stage WHEN 'loyal' THEN 3.5 WHEN 'dormant' THEN 0.5 WHEN 'lost' THEN 0 ELSE 1 END),
          0::bigint, 'crm.customer_value = (deposits x spread + loans + fees) x the stage multiplier, bit for bit, 20,000 random customers')
FROM (SELECT exp(random() * 16) AS dep, random() * 0.04 - 0.005 AS spread, random() * 5e4 AS loans, random() * 2e3 AS fees,
             (ARRAY['potential', 'new', 'active', 'loyal', 'dormant', 'lost'])[1 + floor(random() * 6)::int] AS stage
      FROM generate_series(1, 20000)) c;

SELECT * FROM finish();
ROLLBACK;
DROP TABLE crm_tap_days;
