-- Property checks for tiering on 100,000 random values (fixed seed), and
-- COPY round trips of crm.tiers.  Run with pg_prove (make test).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(19);

SELECT setseed(0.2026);

-- values: heavy-tailed, with ties (rounded), zeros, negatives, NULLs, and
-- values exactly on the preset floors
CREATE TEMP TABLE vals AS
SELECT i, i % 7 AS g,
       CASE
         WHEN i % 97 = 0 THEN NULL
         WHEN i % 89 = 0 THEN 0
         WHEN i % 83 = 0 THEN -round((random() * 1000)::numeric, 2)::float8
         WHEN i % 79 = 0 THEN (ARRAY[50000, 80000, 100000, 250000, 500000, 800000, 1e6, 2.5e6, 6e6, 5e7, 2e9])[1 + i % 11]
         ELSE round(exp(random() * 22)::numeric, 1)::float8
       END AS v
FROM generate_series(1, 100000) i;

-- 1. tier_index agrees with width_bucket(+1) on every preset and on random schemes
CREATE TEMP TABLE schemes AS
SELECT name, tiers AS s FROM crm.tiers_presets()
UNION ALL
SELECT 'random_' || k,
       crm.tiers(array_agg('t' || j ORDER BY j), (array_agg(b ORDER BY j))[2:])
FROM (SELECT k, j, sum(round(exp(random() * 14)::numeric, 2)) OVER (PARTITION BY k ORDER BY j)::float8 - 1e4 AS b
      FROM generate_series(1, 20) k, generate_series(1, 2 + (k % 9)) j) r
GROUP BY k;

SELECT is(count(*), 24::bigint, 'four presets and twenty random schemes') FROM schemes;

SELECT is(count(*) FILTER (WHERE crm.tier_index(v, s) <> width_bucket(v, crm.bounds(s)) + 1), 0::bigint,
          'crm.tier_index(v, s) = width_bucket(v, bounds) + 1 for 100,000 values x 24 schemes')
FROM vals, schemes WHERE v IS NOT NULL;

SELECT is(count(*) FILTER (WHERE crm.tier(v, s) <> (crm.labels(s))[crm.tier_index(v, s)]), 0::bigint,
          'crm.tier returns the label at crm.tier_index')
FROM vals, schemes WHERE v IS NOT NULL;

SELECT is(count(*) FILTER (WHERE crm.tier(v::numeric, s) <> crm.tier(v, s)), 0::bigint,
          'numeric and float8 lookups agree on values exactly representable in both')
FROM vals, schemes WHERE v IS NOT NULL AND v::numeric::float8 = v;

SELECT is(count(*) FILTER (WHERE crm.tier(NULL::float8, s) IS NOT NULL), 0::bigint, 'NULL value gives NULL')
FROM schemes;

-- 2. hysteresis: never below the plain tier; never a downgrade while value >= floor * (1 - grace)
SELECT is(count(*) FILTER (WHERE crm.tier_index(v, s) >
                                 array_position(crm.labels(s), crm.tier(v, s, cur, 0.1))), 0::bigint,
          'hysteresis never gives a lower tier than the value''s own')
FROM vals, (SELECT crm.tiers_preset('cn_retail_aum') AS s) p,
     unnest(crm.labels(p.s)) cur
WHERE v IS NOT NULL;

SELECT is(count(*) FILTER (WHERE kept <> (v >= floor * 0.9))::bigint, 0::bigint,
          'hysteresis keeps the current tier exactly while value >= floor * (1 - grace)')
FROM (SELECT v, floor, crm.tier(v, s, cur, 0.1) = cur AS kept
      FROM vals, (SELECT crm.tiers_preset('cn_retail_aum') AS s) p,
           LATERAL unnest((crm.labels(p.s))[2:], crm.bounds(p.s)) AS c(cur, floor)
      WHERE v IS NOT NULL AND v < floor) x;

-- 3. crm.abc equals the plain-SQL formulation of its rule, with exact (numeric) sums
CREATE TEMP TABLE abc_ours AS
SELECT i, crm.abc(v) OVER (PARTITION BY g) AS c, crm.abc(v, 0.5, 0.9) OVER (PARTITION BY g) AS c59 FROM vals;
CREATE TEMP TABLE abc_sql AS
SELECT i,
       CASE WHEN v IS NULL THEN NULL WHEN v <= 0 THEN 'C'
            WHEN coalesce(above, 0) < 0.8 * total THEN 'A'
            WHEN coalesce(above, 0) < 0.95 * total THEN 'B' ELSE 'C' END AS c,
       CASE WHEN v IS NULL THEN NULL WHEN v <= 0 THEN 'C'
            WHEN coalesce(above, 0) < 0.5 * total THEN 'A'
            WHEN coalesce(above, 0) < 0.9 * total THEN 'B' ELSE 'C' END AS c59
FROM (SELECT i, v,
             sum(greatest(v, 0)::numeric) OVER (PARTITION BY g) AS total,
             -- positive values strictly above v: the running sum including v's
             -- peers, minus the peers (EXCLUDE GROUP would say it directly but
             -- makes PostgreSQL recompute every frame, O(N^2))
             sum(greatest(v, 0)::numeric) OVER (PARTITION BY g ORDER BY v DESC NULLS LAST)
               - sum(greatest(v, 0)::numeric) OVER (PARTITION BY g, v) AS above
      FROM vals) s;

SELECT is(count(*) FILTER (WHERE o.c IS DISTINCT FROM q.c), 0::bigint,
          'crm.abc(v) = plain SQL (a = 0.8, b = 0.95) on 100,000 values in 7 partitions')
FROM abc_ours o JOIN abc_sql q USING (i);
SELECT is(count(*) FILTER (WHERE o.c59 IS DISTINCT FROM q.c59), 0::bigint,
          'crm.abc(v, 0.5, 0.9) = plain SQL')
FROM abc_ours o JOIN abc_sql q USING (i);
SELECT ok(count(DISTINCT c) = 3, 'all three classes occur') FROM abc_ours;
SELECT is(count(*), 0::bigint, 'equal values in a partition share a class')
FROM (SELECT g, v FROM vals JOIN abc_ours USING (i) WHERE v IS NOT NULL
      GROUP BY g, v HAVING count(DISTINCT c) > 1) x;

-- 4. crm.quantile_score: ties share a score, distinct values split evenly, = plain SQL
CREATE TEMP TABLE qs AS
SELECT i, g, v, crm.quantile_score(v) OVER (PARTITION BY g) AS q5,
       crm.quantile_score(v, 10) OVER (PARTITION BY g ORDER BY i) AS q10,
       CASE WHEN v IS NOT NULL THEN
         least(5, floor(5.0 * (rank() OVER (PARTITION BY g ORDER BY v) - 1)
                     / count(v) OVER (PARTITION BY g)) + 1) END AS q5_sql
FROM vals;
SELECT is(count(*) FILTER (WHERE q5 IS DISTINCT FROM q5_sql), 0::bigint,
          'quantile_score(v) = least(5, floor(5 * (rank - 1) / N) + 1)')
FROM qs;
SELECT is(count(*), 0::bigint, 'equal values always get equal scores')
FROM (SELECT g, v FROM qs WHERE v IS NOT NULL GROUP BY g, v HAVING count(DISTINCT q5) > 1 OR count(DISTINCT q10) > 1) x;
SELECT is(count(*) FILTER (WHERE v IS NULL AND (q5 IS NOT NULL OR q10 IS NOT NULL)), 0::bigint,
          'NULL values get NULL scores') FROM qs;

CREATE TEMP TABLE distinct_vals AS
SELECT i, i % 3 AS g, (i * 7919 % 100003)::float8 + random() AS v FROM generate_series(1, 100000) i;
SELECT is(max(spread), 1::bigint, 'on distinct values group sizes differ by at most one (n = 7)')
FROM (SELECT g, max(c) - min(c) AS spread
      FROM (SELECT g, q, count(*) AS c
            FROM (SELECT g, crm.quantile_score(v, 7) OVER (PARTITION BY g) AS q FROM distinct_vals) s
            GROUP BY g, q) t
      GROUP BY g) u;
SELECT is(count(DISTINCT q), 7::bigint, 'all seven scores occur')
FROM (SELECT crm.quantile_score(v, 7) OVER () AS q FROM distinct_vals) s;

-- 5. COPY round trips of random schemes (labels with quotes, backslashes,
--    commas, spaces, non-ASCII; bounds over many magnitudes), by equality
CREATE TEMP TABLE rand_schemes AS
SELECT k, crm.tiers(array_agg(label ORDER BY j), (array_agg(b ORDER BY j))[2:]) AS s
FROM (SELECT k, j,
             (ARRAY['a', 'b c', 'x"y', 'p\q', 'm,n', '{}', '>=', '金葵花', ' lead', 'tail '])[1 + (k + j) % 10] || j AS label,
             -- strictly ascending over 1e-13 .. 1e24, negative for odd k
             CASE WHEN k % 2 = 0 THEN exp(-30 + 5 * j + 4 * random())
                  ELSE -exp(30 - 5 * j - 4 * random()) END AS b
      FROM generate_series(1, 500) k, generate_series(1, 2 + k % 12) j) r
GROUP BY k;

CREATE TEMP TABLE back_bin (LIKE rand_schemes);
CREATE TEMP TABLE back_txt (LIKE rand_schemes);
-- client-side \copy through files of this psql's own (named by its process id)
\copy rand_schemes TO PROGRAM 'cat > "${TMPDIR:-/tmp}/crm_tap_tiers_${PPID}.bin"' WITH (FORMAT binary)
\copy back_bin FROM PROGRAM 'cat "${TMPDIR:-/tmp}/crm_tap_tiers_${PPID}.bin"' WITH (FORMAT binary)
\copy rand_schemes TO PROGRAM 'cat > "${TMPDIR:-/tmp}/crm_tap_tiers_${PPID}.txt"'
\copy back_txt FROM PROGRAM 'cat "${TMPDIR:-/tmp}/crm_tap_tiers_${PPID}.txt"'
\! rm -f "${TMPDIR:-/tmp}"/crm_tap_tiers_${PPID}.*
SELECT is(count(*) FILTER (WHERE a.s OPERATOR(crm.=) b.s), 500::bigint, 'binary COPY round trip: 500 random schemes equal')
FROM rand_schemes a JOIN back_bin b USING (k);
SELECT is(count(*) FILTER (WHERE a.s OPERATOR(crm.=) b.s), 500::bigint, 'text COPY round trip: 500 random schemes equal')
FROM rand_schemes a JOIN back_txt b USING (k);
SELECT is(count(*) FILTER (WHERE s::text::crm.tiers::text <> s::text), 0::bigint, 'text output is a fixed point')
FROM rand_schemes;

SELECT * FROM finish();
ROLLBACK;
