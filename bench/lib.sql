-- Benchmark helpers, loaded by bench/run.sh into the bench database.
--
-- bench.compare(name, rows, ours, baseline, target, runs) runs two queries
-- alternately (after one warm-up each), `runs` times each, and records the
-- median time of each and the median of the per-round ratios ours/baseline:
-- measured side by side, so machine noise hits both alike.  Queries should
-- return one row (aggregate their output) so that result transfer is not
-- what is measured.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE IF NOT EXISTS bench.results (
	benchmark text, rows bigint, ours_ms numeric, baseline_ms numeric,
	ratio numeric, target text, runs int, measured_at timestamptz DEFAULT now());

CREATE OR REPLACE FUNCTION bench.time_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE q;
	RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END
$$;

CREATE OR REPLACE FUNCTION bench.median(float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest($1) x
$$;

CREATE OR REPLACE FUNCTION bench.compare(name text, nrows bigint, ours text, baseline text,
                                         target text DEFAULT NULL, runs int DEFAULT 5)
RETURNS SETOF bench.results LANGUAGE plpgsql AS $$
DECLARE
	a float8[] := '{}';
	b float8[] := '{}';
	r float8[] := '{}';
	ta float8;
	tb float8;
	row bench.results;
BEGIN
	PERFORM bench.time_ms(ours);
	PERFORM bench.time_ms(baseline);
	FOR i IN 1 .. runs LOOP
		-- alternate which goes first, so neither always runs on a warmer cache
		IF i % 2 = 1 THEN
			ta := bench.time_ms(ours);
			tb := bench.time_ms(baseline);
		ELSE
			tb := bench.time_ms(baseline);
			ta := bench.time_ms(ours);
		END IF;
		a := a || ta;
		b := b || tb;
		r := r || (ta / tb);
	END LOOP;
	row := (name, nrows, round(bench.median(a)::numeric, 1), round(bench.median(b)::numeric, 1),
	        round(bench.median(r)::numeric, 3), target, runs, now());
	INSERT INTO bench.results SELECT row.*;
	RETURN NEXT row;
END
$$;
