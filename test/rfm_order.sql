-- Property checks for RFM segment maps and tier order (fixed seed): the
-- scaled standard map against the class rule for every scale, random
-- custom maps against a first-match written in SQL, crm.tier_rank against
-- array_position, crm.policy_entries(policy, scheme) as an ordered
-- permutation, and deciles on the real bank_churners data.  Run with
-- pg_prove (make test).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(10);

SELECT setseed(0.513);

-- 1. the standard map scaled to n: every (r, fm) cell has the 5-point
--    segment of its classes ceil(5 r / n), ceil(5 fm / n), for n = 1..40
SELECT is(count(*) FILTER (WHERE g.segment <> crm.rfm_segment(ceil(5.0 * g.r / n)::int,
                                                              ceil(5.0 * g.fm / n)::int, ceil(5.0 * g.fm / n)::int)),
          0::bigint, 'scaled standard map = the 5-point grid of the classes, scales 1..40 (all cells)')
FROM generate_series(1, 40) n, crm.rfm_grid(jsonb_build_object('scale', n)) g;
-- and crm.rfm_segment reads (r, f, m) as (r, floor((f + m) / 2)) of that grid
SELECT is(ARRAY[count(*), count(*) FILTER (WHERE crm.rfm_segment(g.r, f, m, '{"scale": 7}') <> g.segment)], ARRAY[343, 0]::bigint[],
          'crm.rfm_segment(r, f, m, map) = crm.rfm_grid(map) at fm = floor((f + m) / 2), scale 7, all 343 cells')
FROM crm.rfm_grid('{"scale": 7}') g, generate_series(1, 7) f, generate_series(1, 7) m
WHERE g.fm = (f + m) / 2;

-- 2. random maps: ranges over r, f, m, fm (each bounded one time in three),
--    closed by a catch-all; every map that builds gives, on every cell, the
--    first rule matching in SQL
CREATE TEMP TABLE rules AS
SELECT map_id, n, rule, 'seg' || rule AS segment,
       CASE WHEN random() < 0.33 THEN 1 + floor(random() * n)::int END AS r1, 1 + floor(random() * n)::int AS r2,
       CASE WHEN random() < 0.33 THEN 1 + floor(random() * n)::int END AS f1, 1 + floor(random() * n)::int AS f2,
       CASE WHEN random() < 0.33 THEN 1 + floor(random() * n)::int END AS m1, 1 + floor(random() * n)::int AS m2,
       CASE WHEN random() < 0.33 THEN 1 + floor(random() * n)::int END AS fm1, 1 + floor(random() * n)::int AS fm2
FROM (SELECT map_id, 2 + floor(random() * 7)::int AS n FROM generate_series(1, 200) map_id) maps,
     generate_series(1, 3) rule;
-- the catch-all that closes every map, as rule 4
INSERT INTO rules SELECT DISTINCT map_id, n, 4, 'rest' FROM rules;
CREATE FUNCTION pg_temp.range_json(a int, b int) RETURNS jsonb LANGUAGE sql AS
	$$ SELECT CASE WHEN a IS NULL THEN NULL ELSE jsonb_build_array(least(a, b), greatest(a, b)) END $$;
CREATE TEMP TABLE random_maps AS
SELECT map_id, n, jsonb_build_object('scale', n, 'segments',
       jsonb_agg(jsonb_strip_nulls(jsonb_build_object('segment', segment, 'r', pg_temp.range_json(r1, r2),
                 'f', pg_temp.range_json(f1, f2), 'm', pg_temp.range_json(m1, m2), 'fm', pg_temp.range_json(fm1, fm2)))
                 ORDER BY rule)) AS map
FROM rules GROUP BY map_id, n;
-- which maps build (a rule hidden by those before it is an error)
CREATE FUNCTION pg_temp.builds(map jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN PERFORM crm.rfm_segment(1, 1, 1, map); RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN RETURN false; END$$;
CREATE TEMP TABLE built AS SELECT * FROM random_maps WHERE pg_temp.builds(map);
-- the first matching rule of every cell of every map, in SQL
CREATE TEMP TABLE first_match AS
SELECT rm.map_id, r, f, m,
       (SELECT x.rule FROM rules x
        WHERE x.map_id = rm.map_id
          AND (x.r1 IS NULL OR r BETWEEN least(x.r1, x.r2) AND greatest(x.r1, x.r2))
          AND (x.f1 IS NULL OR f BETWEEN least(x.f1, x.f2) AND greatest(x.f1, x.f2))
          AND (x.m1 IS NULL OR m BETWEEN least(x.m1, x.m2) AND greatest(x.m1, x.m2))
          AND (x.fm1 IS NULL OR (f + m) / 2 BETWEEN least(x.fm1, x.fm2) AND greatest(x.fm1, x.fm2))
        ORDER BY x.rule LIMIT 1) AS rule
FROM random_maps rm, generate_series(1, rm.n) r, generate_series(1, rm.n) f, generate_series(1, rm.n) m;
SELECT cmp_ok(count(*), '>=', 30::bigint, 'at least 30 of 200 random maps build') FROM built;
SELECT is(count(*) FILTER (WHERE crm.rfm_segment(fm.r, fm.f, fm.m, b.map) IS DISTINCT FROM x.segment), 0::bigint,
          'random maps: every cell gets the segment of its first matching rule (computed in SQL)')
FROM built b JOIN first_match fm USING (map_id) JOIN rules x ON x.map_id = fm.map_id AND x.rule = fm.rule;
-- a map builds exactly when each of its four rules is the first match of some cell
SELECT is(count(*), 0::bigint, 'random maps build exactly when no rule is hidden by the rules before it')
FROM random_maps rm
WHERE pg_temp.builds(rm.map) <> ((SELECT count(DISTINCT rule) FROM first_match x WHERE x.map_id = rm.map_id) = 4);

-- 3. crm.tier_rank = array_position(crm.labels(s), label), labels or not
CREATE TEMP TABLE schemes AS
SELECT name, tiers AS s FROM crm.tiers_presets()
UNION ALL
SELECT 'random_' || k, crm.tiers(array_agg('t' || (j * 7919 % 101) ORDER BY j), (array_agg(j::float8 ORDER BY j))[2:])
FROM generate_series(1, 20) k, generate_series(1, 2 + (k % 9)) j GROUP BY k;
SELECT is(count(*) FILTER (WHERE crm.tier_rank(l, s) IS DISTINCT FROM array_position(crm.labels(s), l)), 0::bigint,
          'crm.tier_rank(label, s) = array_position(crm.labels(s), label) for every label of 24 schemes and 101 others')
FROM schemes, (SELECT unnest(crm.labels(s)) AS l FROM schemes UNION SELECT 't' || i FROM generate_series(0, 100) i) labels;

-- 4. crm.policy_entries(policy, scheme): the rows of crm.policy_entries(policy),
--    ordered by tier_rank (NULLs after), then as the policy lists them
CREATE TEMP TABLE policies AS
SELECT k, string_agg(format('%s: {calls_per_year: %s}', 't' || (j * 31 % 23), j), '; ') || '; *: {}' AS p
FROM generate_series(1, 30) k, generate_series(1, 1 + k % 7) j GROUP BY k;
SELECT is(count(*), 0::bigint, 'crm.policy_entries(p, s) = crm.policy_entries(p) ordered by (tier_rank, position), 30 policies x 24 schemes')
FROM policies, schemes
WHERE (SELECT array_agg(e.tier ORDER BY o) FROM crm.policy_entries(p::crm.service_policy, s) WITH ORDINALITY e(tier, v, c, vm, cm, tm, mpy, o))
   IS DISTINCT FROM
      (SELECT array_agg(e.tier ORDER BY crm.tier_rank(e.tier, s) NULLS LAST, e.tier = '*', o)
       FROM crm.policy_entries(p::crm.service_policy) WITH ORDINALITY e(tier, v, c, vm, cm, tm, mpy, o));

-- 5. real data: ../shared/data/bank_churners.csv (see its README), scored in
--    deciles; skipped when the data folder is absent (scripts/run-tests.sh
--    sets CRM_BANK_CSV when the file is readable)
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
CREATE TEMP TABLE churn_rfm AS
SELECT clientnum, attrition_flag,
       crm.quantile_score(-months_inactive_12_mon, 10) OVER () AS r,
       crm.quantile_score(total_trans_ct, 10) OVER () AS f,
       crm.quantile_score(total_trans_amt, 10) OVER () AS m,
       crm.quantile_score(-months_inactive_12_mon) OVER () AS r5,
       crm.quantile_score(total_trans_ct) OVER () AS f5,
       crm.quantile_score(total_trans_amt) OVER () AS m5
FROM churners;
SELECT is(count(*) FILTER (WHERE crm.rfm_segment(r, f, m, '{"scale": 10}') IS NOT NULL), 10127::bigint,
          'bank_churners: all 10,127 customers get a decile RFM segment')
FROM churn_rfm;
-- a decile read as its class is the quintile score (ceil(s10 / 2) = s5), so
-- recency's class agrees cell by cell with the 5-point scoring
SELECT is(count(*) FILTER (WHERE (r + 1) / 2 <> r5 OR (f + 1) / 2 <> f5 OR (m + 1) / 2 <> m5), 0::bigint,
          'bank_churners: every decile score''s class is the customer''s quintile score')
FROM churn_rfm;
-- churn is concentrated where the map says so: attrited customers are a
-- larger share of the worst segments than of the champions
SELECT cmp_ok(avg((attrition_flag = 'Attrited Customer')::int) FILTER (WHERE s IN ('lost', 'hibernating', 'at_risk', 'cannot_lose')),
              '>', 2 * avg((attrition_flag = 'Attrited Customer')::int) FILTER (WHERE s = 'champions'),
              'bank_churners: attrition in lost/hibernating/at_risk/cannot_lose deciles is over twice that of champions')
FROM (SELECT attrition_flag, crm.rfm_segment(r, f, m, '{"scale": 10}') AS s FROM churn_rfm) x;
\else
SELECT skip('../shared/data/bank_churners.csv not found or not readable: RFM deciles on real data skipped', 3);
\endif

SELECT * FROM finish();
ROLLBACK;
