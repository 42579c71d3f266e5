-- crm.quantile_score and crm.rfm_segment

-- score = min(n, floor(n * L / N) + 1), L = values strictly below, N = non-NULL count
-- ten values with a tie at 30: ntile splits the tie, quantile_score does not
SELECT v, crm.quantile_score(v) OVER () AS score, ntile(5) OVER (ORDER BY v) AS ntile
FROM (VALUES (10::float8), (20), (30), (30), (30), (60), (70), (80), (90), (100)) t(v)
ORDER BY v;

-- distinct values: group sizes are as equal as they can be
SELECT score, count(*) FROM (SELECT crm.quantile_score(i::float8, 4) OVER () AS score FROM generate_series(1, 10) i) s
GROUP BY 1 ORDER BY 1;

-- all equal: everyone gets score 1; NULLs are skipped and get NULL
SELECT v, crm.quantile_score(v) OVER () FROM (VALUES (7::float8), (7), (NULL)) t(v);

-- n = 1 and per-partition scoring, independent of ORDER BY
SELECT g, v, crm.quantile_score(v, 1) OVER (PARTITION BY g) AS n1,
       crm.quantile_score(v, 3) OVER (PARTITION BY g ORDER BY v DESC) AS n3
FROM (VALUES (1, 1::float8), (1, 2), (1, 3), (2, 10), (2, 20)) t(g, v) ORDER BY g, v;

-- recency scored so that recent is high: score the negated days
SELECT days, crm.quantile_score(-days) OVER () AS r
FROM (VALUES (1::float8), (5), (30), (90), (365)) t(days) ORDER BY days;

-- the segment map: every (r, f, m) has exactly one of the eleven segments
SELECT crm.rfm_segment(5, 5, 5) AS best, crm.rfm_segment(1, 1, 1) AS worst;
SELECT segment, count(*) AS cells
FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m,
     LATERAL crm.rfm_segment(r, f, m) segment
GROUP BY 1 ORDER BY 1;
-- the grid by recency and fm = floor((f + m) / 2)
SELECT fm, crm.rfm_segment(1, fm, fm) AS r1, crm.rfm_segment(2, fm, fm) AS r2,
       crm.rfm_segment(3, fm, fm) AS r3, crm.rfm_segment(4, fm, fm) AS r4,
       crm.rfm_segment(5, fm, fm) AS r5
FROM generate_series(5, 1, -1) fm;
SELECT crm.rfm_segment(5, 5, 4) AS fm_4_5, crm.rfm_segment(4, 1, 5) AS fm_3, crm.rfm_segment(5, 1, 2) AS fm_1_5;

-- NULL in, NULL out
SELECT crm.rfm_segment(NULL, 1, 1) IS NULL AS null_r;

-- bad arguments and values
SELECT call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.quantile_score(v, 0) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.quantile_score(v, -5) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.quantile_score(v, 1001) OVER () FROM (VALUES (1.0::float8)) t(v)'),
	('crm.quantile_score(v) OVER () FROM (VALUES (1.0::float8), (''NaN'')) t(v)'),
	('crm.quantile_score(v) OVER () FROM (VALUES (1.0::float8), (''Infinity'')) t(v)'),
	('crm.rfm_segment(0, 1, 1)'),
	('crm.rfm_segment(1, 6, 1)'),
	('crm.rfm_segment(1, 1, -1)')
) v(call);
