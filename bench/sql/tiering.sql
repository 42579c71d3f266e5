-- One size of the tiering benchmark; psql variable n = number of rows.
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.7);
DROP TABLE IF EXISTS bench_tier;
-- daily balances: log-normal around RMB 30,000 (most customers in the first tier)
CREATE TABLE bench_tier AS
SELECT exp(ln(30000) + 1.7 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS x
FROM generate_series(1, :n);
VACUUM ANALYZE bench_tier;

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.tier vs CASE chain', :n,
	$$SELECT count(crm.tier(x, crm.tiers_preset('cn_retail_aum'))) FROM bench_tier$$,
	$$SELECT count(CASE WHEN x < 80000 THEN 'mass' WHEN x < 500000 THEN 'priority'
	                    WHEN x < 800000 THEN 'sunflower' WHEN x < 6000000 THEN 'citigold'
	                    ELSE 'private_banking' END) FROM bench_tier$$,
	'<= 1.05');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.tier vs bare sum(x) scan', :n,
	$$SELECT count(crm.tier(x, crm.tiers_preset('cn_retail_aum'))) FROM bench_tier$$,
	$$SELECT sum(x) FROM bench_tier$$,
	'<= 1.25');

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.abc vs plain-SQL window', :n,
	$$SELECT count(c) FROM (SELECT crm.abc(x) OVER () AS c FROM bench_tier) s$$,
	$$SELECT count(c) FROM (
	    SELECT CASE WHEN x <= 0 THEN 'C'
	                WHEN above < 0.8 * total THEN 'A'
	                WHEN above < 0.95 * total THEN 'B' ELSE 'C' END AS c
	    FROM (SELECT x, sum(greatest(x, 0)) OVER () AS total,
	                 sum(greatest(x, 0)) OVER (ORDER BY x DESC) - sum(greatest(x, 0)) OVER (PARTITION BY x) AS above
	          FROM bench_tier) w) s$$,
	'<= 0.7', 3);

SELECT benchmark, rows, ours_ms, baseline_ms, ratio, target FROM bench.compare(
	'crm.quantile_score vs ntile', :n,
	$$SELECT count(q) FROM (SELECT crm.quantile_score(x) OVER () AS q FROM bench_tier) s$$,
	$$SELECT count(q) FROM (SELECT ntile(5) OVER (ORDER BY x) AS q FROM bench_tier) s$$,
	'report', 3);

DROP TABLE bench_tier;
