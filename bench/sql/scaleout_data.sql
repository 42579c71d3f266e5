-- Data for the scale-out benchmarks, bench/60_scaleout.sh (Citus emulated,
-- make bench) and bench/citus.sh (a real Citus cluster): :n customers (fixed
-- seed) with 4 heavy-tailed features in five segments plus a 0.1%
-- private-banking cluster (bench/sql/kmeans_data.sql's shape, 4 features), a
-- balance, a region (8) and branch (80), a manager (960, 12 per branch) with
-- a load and a capacity, and a key-account flag.
--   cust_local  the rows in a plain table, with the shard (0..7) Citus puts
--               each in when the table is distributed by id in 8 shards
--               (hash ranges of hashint8(id))
--   book_local, managers_local  the book and its managers
-- With Citus installed (bench/citus.sh), also:
--   cust        distributed by id, 8 shards (the usual layout: by customer)
--   book        distributed by branch_id, 8 shards; managers co-located
--               with it (the layout for rebalancing per branch)
-- Usage: psql -v n=1000000 -f bench/sql/scaleout_data.sql
SET client_min_messages = warning;
SELECT setseed(0.4242);
DROP TABLE IF EXISTS cust_local, book_local, managers_local;
CREATE TABLE cust_local AS
WITH centres(segment, c) AS (VALUES
	(1, ARRAY[2, 1, 0, 3]::float8[]),
	(2, ARRAY[8, 2, 5, 1]::float8[]),
	(3, ARRAY[3, 9, 2, 7]::float8[]),
	(4, ARRAY[12, 6, 9, 4]::float8[]),
	(5, ARRAY[5, 4, 12, 10]::float8[]),
	(0, ARRAY[60, 60, 60, 60]::float8[])),
rows AS (
	SELECT g AS id,
	       CASE WHEN g % 1000 = 0 THEN 0 ELSE 1 + (g * 7919::bigint) % 5 END AS segment
	FROM generate_series(1, :n::bigint) g)
SELECT r.id, r.segment,
       ((hashint8(r.id)::bigint + 2147483648) >> 29)::int AS shard,
       (r.id % 8)::int AS region,
       (r.id % 80)::int AS branch_id,
       1 + (r.id % 80) + 80 * ((r.id / 80) % 12) AS manager_id,
       round((1000 * exp(2 * random()))::numeric, 2)::float8 AS balance,
       round((5 + 60 * random() ^ 3)::numeric, 1)::float8 AS load,
       r.id % 97 = 0 AS key_account,
       ARRAY(SELECT c.c[j]
                    + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
                    + CASE WHEN j <= 2 AND r.segment > 0 THEN exp(random() * 1.5) - 1 ELSE 0 END
             FROM generate_series(1, 4) j) AS f
FROM rows r JOIN centres c USING (segment)
ORDER BY r.id;
-- capacities 0.5, 0.75 or 1 (by manager) times 27 minutes per customer of an
-- even book (about the average load), so the books start near full
CREATE TABLE managers_local AS
SELECT DISTINCT branch_id, manager_id, (0.5 + 0.25 * (manager_id % 3)) * 27 * (:n / 960.0) AS capacity
FROM cust_local;
ALTER TABLE cust_local ADD COLUMN capacity float8;
UPDATE cust_local c SET capacity = m.capacity FROM managers_local m WHERE m.manager_id = c.manager_id;
CREATE TABLE book_local AS SELECT branch_id, id AS customer_id, manager_id, load, key_account FROM cust_local;
VACUUM ANALYZE cust_local;
VACUUM ANALYZE managers_local;
VACUUM ANALYZE book_local;

SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') AS citus \gset
\if :citus
DROP TABLE IF EXISTS cust, book, managers;
SET citus.shard_count = 8;
CREATE TABLE cust (LIKE cust_local);
SELECT create_distributed_table('cust', 'id');
INSERT INTO cust SELECT * FROM cust_local;
CREATE TABLE book (LIKE book_local);
SELECT create_distributed_table('book', 'branch_id');
INSERT INTO book SELECT * FROM book_local;
CREATE TABLE managers (LIKE managers_local);
SELECT create_distributed_table('managers', 'branch_id', colocate_with => 'book');
INSERT INTO managers SELECT * FROM managers_local;
VACUUM ANALYZE cust;
VACUUM ANALYZE book;
VACUUM ANALYZE managers;
\endif
