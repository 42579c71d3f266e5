-- RFM segment maps and tier order on 1,000,000 customers' scores (serial
-- plans, as the other tiering benchmarks): crm.rfm_segment with a decile map
-- against the fixed 5-point crm.rfm_segment of 0.1.0 (a constant map is
-- read once per query; a map from a column is compared byte for byte per
-- row, argcache.h) and against a CASE over the standard grid in plain SQL;
-- crm.tier_rank against array_position(crm.labels(s), label).
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.15);
DROP TABLE IF EXISTS bench_rfm;
CREATE TABLE bench_rfm AS
SELECT 1 + floor(random() * 10)::int AS r, 1 + floor(random() * 10)::int AS f, 1 + floor(random() * 10)::int AS m,
       (ARRAY['mass', 'priority', 'sunflower', 'citigold', 'private_banking'])[1 + floor(random() ^ 3 * 5)::int] AS tier
FROM generate_series(1, 1000000);
VACUUM ANALYZE bench_rfm;
CREATE TABLE bench_rfm_map AS SELECT '{"scale": 10}'::jsonb AS map;

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.rfm_segment decile map vs 0.1.0 5-point form', 1000000,
	$$SELECT count(crm.rfm_segment(r, f, m, '{"scale": 10}')) FROM bench_rfm$$,
	$$SELECT count(crm.rfm_segment((r + 1) / 2, (f + 1) / 2, (m + 1) / 2)) FROM bench_rfm$$,
	'<= 1.25');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.rfm_segment map from a column vs constant map', 1000000,
	$$SELECT count(crm.rfm_segment(r, f, m, x.map)) FROM bench_rfm, bench_rfm_map x$$,
	$$SELECT count(crm.rfm_segment(r, f, m, '{"scale": 10}')) FROM bench_rfm, bench_rfm_map x$$,
	'report');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.rfm_segment decile map vs plain-SQL CASE grid', 1000000,
	$$SELECT count(crm.rfm_segment(r, f, m, '{"scale": 10}')) FROM bench_rfm$$,
	$$SELECT count(CASE
	    WHEN rc = 5 AND fc >= 4 OR rc = 4 AND fc = 5 THEN 'champions'
	    WHEN rc = 3 AND fc >= 4 OR rc = 4 AND fc = 4 THEN 'loyal'
	    WHEN rc >= 4 AND fc BETWEEN 2 AND 3 THEN 'potential_loyalist'
	    WHEN rc = 5 AND fc = 1 THEN 'new'
	    WHEN rc = 4 AND fc = 1 THEN 'promising'
	    WHEN rc = 3 AND fc = 3 THEN 'need_attention'
	    WHEN rc = 3 THEN 'about_to_sleep'
	    WHEN rc = 1 AND fc >= 4 THEN 'cannot_lose'
	    WHEN rc = 2 AND fc >= 3 OR rc = 1 AND fc = 3 THEN 'at_risk'
	    WHEN fc = 2 OR rc = 2 THEN 'hibernating'
	    ELSE 'lost' END)
	  FROM (SELECT (r + 1) / 2 AS rc, ((f + m) / 2 + 1) / 2 AS fc FROM bench_rfm) s$$,
	'report');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.tier_rank vs array_position(crm.labels(s), label)', 1000000,
	$$SELECT sum(crm.tier_rank(tier, crm.tiers_preset('cn_retail_aum'))) FROM bench_rfm$$,
	$$SELECT sum(array_position(crm.labels(crm.tiers_preset('cn_retail_aum')), tier)) FROM bench_rfm$$,
	'report');

DROP TABLE bench_rfm, bench_rfm_map;
