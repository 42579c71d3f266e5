-- Synthetic heavy-tailed bank for the k-means tests and benchmarks:
-- :n customers x 8 features (fixed seed).  Five mass segments with
-- log-normal-tailed noise, plus 0.1% private-banking customers in a tight
-- cluster far from the rest (centre 60 in every dimension), the segment
-- uniform sampling loses.  Table km_points(id, segment, f float8[]).
-- Usage: psql -v n=1000000 -f bench/sql/kmeans_data.sql
SELECT setseed(0.4242);
DROP TABLE IF EXISTS km_points;
CREATE TABLE km_points AS
WITH centres(segment, c) AS (VALUES
	(1, ARRAY[2, 1, 0, 3, 1, 2, 0, 1]::float8[]),
	(2, ARRAY[8, 2, 5, 1, 0, 6, 3, 2]::float8[]),
	(3, ARRAY[3, 9, 2, 7, 4, 1, 8, 0]::float8[]),
	(4, ARRAY[12, 6, 9, 4, 8, 3, 1, 7]::float8[]),
	(5, ARRAY[5, 4, 12, 10, 2, 9, 6, 11]::float8[]),
	(0, ARRAY[60, 60, 60, 60, 60, 60, 60, 60]::float8[])),
rows AS (
	SELECT g AS id,
		   CASE WHEN g % 1000 = 0 THEN 0 ELSE 1 + (g * 7919::bigint) % 5 END AS segment
	FROM generate_series(1, :n::bigint) g)
SELECT r.id, r.segment,
	   ARRAY(SELECT c.c[j]
	                -- Gaussian noise (Box-Muller), sd 1, plus a log-normal
	                -- tail on the first two (money) features
	                + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
	                + CASE WHEN j <= 2 AND r.segment > 0 THEN exp(random() * 1.5) - 1 ELSE 0 END
	         FROM generate_series(1, 8) j) AS f
FROM rows r JOIN centres c USING (segment)
ORDER BY r.id;
ANALYZE km_points;
