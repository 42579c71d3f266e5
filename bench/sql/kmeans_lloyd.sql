-- bench.sql_lloyd(table, k, max_iter, seed): k-means the way it is done in
-- plain SQL (MADlib style): one full-table aggregate pass per Lloyd
-- iteration, the nearest centroid found with a LATERAL ... ORDER BY distance
-- LIMIT 1 over the k centroids, new centroids as per-cluster avg().  Seeded
-- with k rows picked by a fixed-seed random order (no k-means++, one run:
-- generous to the baseline, which would need ten runs to match crm's
-- restarts).  Stops when no centroid moves more than 1e-4 (squared shift
-- summed) or after max_iter passes.  Returns the iterations and final SSE.
-- Features are the float8[8] column f.
CREATE OR REPLACE FUNCTION bench.sql_lloyd(tbl regclass, k int, max_iter int, seed float8,
                                           OUT iterations int, OUT sse float8)
LANGUAGE plpgsql AS $$
DECLARE
	dist text := '';
	avgs text := '';
	shift float8;
BEGIN
	FOR j IN 1 .. 8 LOOP
		dist := dist || format('%s(p.f[%s] - c.f[%s])^2', CASE WHEN j > 1 THEN ' + ' END, j, j);
		avgs := avgs || format('%savg(f[%s])', CASE WHEN j > 1 THEN ', ' END, j);
	END LOOP;
	SET LOCAL client_min_messages = warning;
	DROP TABLE IF EXISTS pg_temp.lloyd_c;
	RESET client_min_messages;
	PERFORM setseed(seed);
	EXECUTE format('CREATE TEMP TABLE lloyd_c AS SELECT row_number() OVER () AS cid, f
	                FROM (SELECT f FROM %s ORDER BY random() LIMIT %s) s', tbl, k);
	iterations := 0;
	LOOP
		iterations := iterations + 1;
		-- the shift is measured against the centroids before the update
		-- (every part of a data-modifying WITH sees the same snapshot)
		EXECUTE format($q$
			WITH a AS (
				SELECT n.cid, p.f FROM %s p
				CROSS JOIN LATERAL (SELECT c.cid FROM lloyd_c c ORDER BY %s LIMIT 1) n),
			m AS (SELECT cid, ARRAY[%s] AS f FROM a GROUP BY cid),
			u AS (UPDATE lloyd_c c SET f = m.f FROM m WHERE m.cid = c.cid RETURNING c.cid)
			SELECT coalesce(sum((SELECT sum((c.f[j] - m.f[j])^2) FROM generate_series(1, 8) j)), 0)
			FROM lloyd_c c JOIN m USING (cid)$q$, tbl, dist, avgs) INTO shift;
		EXIT WHEN shift <= 1e-4 OR iterations >= max_iter;
	END LOOP;
	EXECUTE format('SELECT sum(d) FROM %s p CROSS JOIN LATERAL
	                (SELECT %s AS d FROM lloyd_c c ORDER BY 1 LIMIT 1) n', tbl, dist) INTO sse;
	RAISE NOTICE 'SQL Lloyd: % passes, SSE %', iterations, round(sse::numeric);
END
$$;

-- bench.with_workers(n, query): run a query planned with n parallel workers
-- per gather (0 = serial; cheap parallel costs so that n > 0 is used).
CREATE OR REPLACE FUNCTION bench.with_workers(n int, query text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('max_parallel_workers_per_gather', n::text, true);
	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	EXECUTE query;
END
$$;
