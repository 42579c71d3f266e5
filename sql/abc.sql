-- crm.abc(value [, a, b]) OVER (...): Pareto / ABC classes

-- 80/20: 20 customers hold exactly 80% of the contribution.  They are A; the
-- customer after them has 80% of the total above it, so it is not A.
CREATE TABLE pareto AS
SELECT i AS customer, CASE WHEN i <= 20 THEN 40.0 ELSE 2.5 END::float8 AS contribution
FROM generate_series(1, 100) i;
SELECT class, count(*) AS customers, sum(contribution) AS contribution,
       sum(contribution) / sum(sum(contribution)) OVER () AS share
FROM (SELECT contribution, crm.abc(contribution) OVER () AS class FROM pareto) s
GROUP BY 1 ORDER BY 1;

-- distinct values, hand-checked: total 100
--   v   values above   share above   class (a = 0.8, b = 0.95)
--   50       0            0.00          A
--   30      50            0.50          A
--   10      80            0.80          B  (not < 0.8)
--    5      90            0.90          B
--    3      95            0.95          C  (not < 0.95)
--    2      98            0.98          C
--    0, -4  (not positive)              C
SELECT v, crm.abc(v) OVER () AS abc, crm.abc(v, 0.5, 0.9) OVER () AS abc_50_90
FROM (VALUES (50::float8), (30), (10), (5), (3), (2), (0), (-4), (NULL)) t(v)
ORDER BY v DESC NULLS LAST;

-- independent of the window's ORDER BY and frame; partitions are separate
SELECT g, v, crm.abc(v) OVER (PARTITION BY g) AS by_partition,
       crm.abc(v) OVER (PARTITION BY g ORDER BY v) AS ordered_asc,
       crm.abc(v) OVER (PARTITION BY g ORDER BY v DESC ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS one_row_frame
FROM (VALUES (1, 8::float8), (1, 1), (1, 1), (2, 5), (2, 5), (2, 0)) t(g, v)
ORDER BY g, v DESC;

-- ties: equal values always share a class
SELECT v, crm.abc(v) OVER () FROM (VALUES (10::float8), (10), (10), (10), (1)) t(v) ORDER BY v DESC;

-- nothing positive: all C
SELECT v, crm.abc(v) OVER () FROM (VALUES (0::float8), (-1), (NULL)) t(v) ORDER BY v NULLS LAST;

-- the order rows arrive in does not change the class
SELECT bool_and(a = b) AS same
FROM (SELECT i, crm.abc(x) OVER () AS a FROM (SELECT i, (i * 7919 % 1000)::float8 AS x FROM generate_series(1, 1000) i) s) p
JOIN (SELECT i, crm.abc(x) OVER () AS b FROM (SELECT i, (i * 7919 % 1000)::float8 AS x FROM generate_series(1, 1000) i ORDER BY x DESC) s) q USING (i);

-- bad arguments and values
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.abc(v, 0.9, 0.8) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.abc(v, 0, 0.5) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.abc(v, 0.5, 1.01) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.abc(v, 0.5, 0.5) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.abc(v, ''NaN'', 0.5) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.abc(v) OVER () FROM (VALUES (1.0::float8), (''NaN'')) t(v)'),
	('crm.abc(v) OVER () FROM (VALUES (1.0::float8), (''Infinity'')) t(v)'),
	('crm.abc(v) OVER () FROM (VALUES (1.0::float8), (''-Infinity'')) t(v)')
) v(call);
-- NULL a or b gives NULL
SELECT crm.abc(v, NULL, 0.9) OVER () IS NULL AS null_a FROM (VALUES (1.0::float8)) t(v);
