-- The data of bench/60_scorecard_fit.sh: :n customers of a synthetic bank
-- with 10 attributes in a jsonb column (7 numeric, one of them missing for
-- 5% of the customers; 3 category attributes of 5, 20 and 200 values) and
-- a churn flag whose log-odds is an additive function of 6 of them plus
-- noise.  Fixed seed; id % 10 < 7 is the training part.
SET client_min_messages = warning;
SELECT setseed(0.42);
DROP TABLE IF EXISTS fit_bench;
CREATE TABLE fit_bench AS
SELECT id, random() < 1 / (1 + exp(-z)) AS target, attrs
FROM (
	SELECT id,
	       -2.0 + 1.8 * (0.3 - util) + 0.8 * (products <= 2)::int - 0.012 * tenure
	            + 0.9 * (tx < 15)::int + 0.6 * (segment = 'mass')::int
	            + 0.3 * ((hashint4(region) % 7) / 7.0) AS z,
	       jsonb_build_object(
	         'age', age, 'income', CASE WHEN id % 20 = 0 THEN NULL ELSE income END,
	         'balance', balance, 'tenure', tenure, 'products', products, 'tx', tx,
	         'utilization', util, 'segment', segment, 'region', 'R' || region,
	         'branch', 'B' || branch) AS attrs
	FROM (
		SELECT g AS id,
		       18 + floor(random() * 62)::int AS age,
		       round((-ln(1 - random()) * 30000)::numeric, 2) AS income,
		       round((random() ^ 2 * 200000)::numeric, 2) AS balance,
		       floor(random() * 240)::int AS tenure,
		       1 + floor(random() * 6)::int AS products,
		       floor(-ln(1 - random()) * 40)::int AS tx,
		       round(random()::numeric, 3) AS util,
		       (ARRAY['mass', 'affluent', 'priority', 'private', 'sme'])[1 + floor(random() * 5)::int] AS segment,
		       floor(random() * 20)::int AS region,
		       floor(random() * 200)::int AS branch
		FROM generate_series(1, :n) g) b) x;
ANALYZE fit_bench;
