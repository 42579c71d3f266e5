-- crm.rfm_segment(r, f, m, map), crm.rfm_standard_map(n), crm.rfm_grid(map):
-- RFM segment maps as values, for scores of any range 1..n

-- the standard map as a document (five-point scores): fifteen rules
SELECT crm.rfm_standard_map() = crm.rfm_standard_map(5) AS default_is_5,
       jsonb_array_length(crm.rfm_standard_map() -> 'segments') AS rules;
SELECT r.ordinality AS rule, r.value ->> 'segment' AS segment, r.value -> 'r' AS r, r.value -> 'fm' AS fm
FROM jsonb_array_elements(crm.rfm_standard_map() -> 'segments') WITH ORDINALITY r;

-- with the default map, every (r, f, m) in 1..5 gets 0.1.0's segment
SELECT count(*) AS cells, count(*) FILTER (WHERE crm.rfm_segment(r, f, m, '{}') <> crm.rfm_segment(r, f, m)) AS differ,
       count(*) FILTER (WHERE crm.rfm_segment(r, f, m, crm.rfm_standard_map()) <> crm.rfm_segment(r, f, m)) AS differ_explicit
FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m;

-- the grid (rows fm from 5 down, columns r)
SELECT fm, string_agg(segment, ' | ' ORDER BY r) AS "r = 1 .. 5"
FROM crm.rfm_grid('{}') GROUP BY fm ORDER BY fm DESC;

-- deciles: {"scale": 10} is the standard map scaled (a score s reads as the
-- 5-point class ceil(5 s / 10): deciles 1-2 are class 1, ...)
SELECT fm, string_agg(segment, ' | ' ORDER BY r) AS "r = 1 .. 10"
FROM crm.rfm_grid('{"scale": 10}') GROUP BY fm ORDER BY fm DESC;
SELECT crm.rfm_segment(10, 10, 10, '{"scale": 10}') AS top, crm.rfm_segment(1, 1, 1, '{"scale": 10}') AS bottom,
       crm.rfm_segment(9, 7, 8, '{"scale": 10}') AS r9_fm7, crm.rfm_segment(8, 7, 8, '{"scale": 10}') AS r8_fm7;
-- each decile cell is the 5-point segment of its classes, for every (r, f, m)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE crm.rfm_segment(r, f, m, '{"scale": 10}')
                              <> crm.rfm_segment(ceil(r / 2.0)::int, ceil(((f + m) / 2) / 2.0)::int, ceil(((f + m) / 2) / 2.0)::int)) AS differ
FROM generate_series(1, 10) r, generate_series(1, 10) f, generate_series(1, 10) m;
-- three-point and percentile scales: every segment that can occur, occurs
SELECT n, count(DISTINCT segment) AS segments, count(*) AS cells
FROM unnest(ARRAY[1, 2, 3, 4, 5, 7, 10, 100]) n, crm.rfm_grid(jsonb_build_object('scale', n)) g
GROUP BY n ORDER BY n;

-- a custom map with r, f and m bounded separately (first match wins,
-- overlaps allowed, a last catch-all rule)
CREATE TEMP TABLE maps (name text PRIMARY KEY, map jsonb);
INSERT INTO maps VALUES ('spenders', '{"scale": 4, "segments": [
	{"segment": "vip", "r": [3, 4], "m": 4},
	{"segment": "big_spender", "m": 4},
	{"segment": "frequent", "f": [3, 4]},
	{"segment": "recent", "r": 4},
	{"segment": "other"}]}');
SELECT r, f, m, crm.rfm_segment(r, f, m, map) AS segment
FROM maps, (VALUES (4, 1, 4), (1, 1, 4), (2, 4, 2), (4, 2, 2), (1, 1, 1), (3, 3, 4)) v(r, f, m)
WHERE name = 'spenders';
SELECT crm_test.error_of($$SELECT * FROM crm.rfm_grid('{"scale": 4, "segments": [{"segment": "x", "f": 1}, {"segment": "y"}]}')$$);

-- the table idiom: rules as rows, assembled with jsonb_agg in rule order
CREATE TEMP TABLE rfm_rules (map_name text, priority int, segment text, r_lo int, r_hi int, fm_lo int, fm_hi int);
INSERT INTO rfm_rules VALUES
	('simple', 1, 'best', 3, 3, 2, 3), ('simple', 2, 'keep', 2, 3, 1, 3), ('simple', 3, 'rest', 1, 3, 1, 3);
INSERT INTO maps
SELECT map_name, jsonb_build_object('scale', 3, 'segments',
       jsonb_agg(jsonb_build_object('segment', segment, 'r', jsonb_build_array(r_lo, r_hi), 'fm', jsonb_build_array(fm_lo, fm_hi)) ORDER BY priority))
FROM rfm_rules GROUP BY map_name;
SELECT fm, string_agg(segment, ' ' ORDER BY r) FROM maps, crm.rfm_grid(map) WHERE name = 'simple' GROUP BY fm ORDER BY fm DESC;

-- one map per row: the call site's cache is keyed by the map's value
SELECT name, crm.rfm_segment(3, 3, 3, map) FROM maps ORDER BY name;
-- through PL/pgSQL, whose expression state (and cache) outlives one value
CREATE FUNCTION pl_rfm(map jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN crm.rfm_segment(3, 3, 3, map); END$$;
SELECT name, pl_rfm(map) = crm.rfm_segment(3, 3, 3, map) AS same FROM maps ORDER BY name;
-- a generic plan's parameter
PREPARE rfm_p(jsonb) AS SELECT crm.rfm_segment(3, 3, 3, $1);
SET plan_cache_mode = force_generic_plan;
EXECUTE rfm_p('{"scale": 3}');
EXECUTE rfm_p('{"scale": 5}');
EXECUTE rfm_p('{"scale": 3, "segments": [{"segment": "one"}]}');
RESET plan_cache_mode;
-- bad and good maps in turn at one call site, errors caught: a failed
-- build is never taken for a built map
CREATE FUNCTION pl_rfm_each(maps jsonb[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	m jsonb;
	res text[] := '{}';
BEGIN
	FOREACH m IN ARRAY maps LOOP
		BEGIN
			res := res || crm.rfm_segment(3, 3, 3, m);
		EXCEPTION WHEN OTHERS THEN
			res := res || ('error: ' || SQLERRM);
		END;
	END LOOP;
	RETURN res;
END$$;
SELECT unnest(pl_rfm_each(ARRAY['{"scale": 3, "segments": [{"segment": "x", "r": 1}]}',
                                '{"scale": 3, "segments": [{"segment": "x", "r": 1}]}',
                                '{"scale": 3}', '{"scale": 3}',
                                '{"scale": 3, "segments": [{"segment": "x", "r": 1}]}',
                                '{"scale": 2}']::jsonb[])) AS result;

-- NULL in, NULL out
SELECT crm.rfm_segment(NULL, 1, 1, '{}') IS NULL AS null_r, crm.rfm_segment(1, 1, 1, NULL) IS NULL AS null_map,
       crm.rfm_standard_map(NULL) IS NULL AS null_scale;
SELECT count(*) FROM crm.rfm_grid(NULL);

-- bad scores, scales and maps
SELECT left(call, 100) AS call, crm_test.error_of('SELECT ' || call) AS error
FROM (VALUES
	('crm.rfm_segment(6, 1, 1)'),
	('crm.rfm_segment(6, 1, 1, ''{}'')'),
	('crm.rfm_segment(11, 1, 1, ''{"scale": 10}'')'),
	('crm.rfm_segment(1, 0, 1, ''{"scale": 10}'')'),
	('crm.rfm_segment(1, 1, -2147483648, ''{"scale": 10}'')'),
	('crm.rfm_standard_map(0)'),
	('crm.rfm_standard_map(101)'),
	('crm.rfm_standard_map(-1)'),
	('crm.rfm_segment(1, 1, 1, ''[]'')'),
	('crm.rfm_segment(1, 1, 1, ''5'')'),
	('crm.rfm_segment(1, 1, 1, ''null'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 10, "segment": []}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 0}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 101}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 2.5}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": "5"}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 1e400}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 1e300}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": null}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": {}}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": []}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [5]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": ""}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": 5}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "x": 1}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": 6}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": 0}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": [4, 2]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": [1, 2, 3]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": [1]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": "1"}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": 1.5}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": [1, "NaN"]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": 1e400}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": -1e300}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": null}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "r": [2, 5]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a"}, {"segment": "b", "fm": 1}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "f": 1, "m": 5, "fm": 1}, {"segment": "b"}]}'')'),
	('crm.rfm_segment(1, 1, 1, ''{"segments": [{"segment": "a", "f": [2, 5]}]}'')'),
	('crm.rfm_segment(1, 1, 1, ' || quote_literal(jsonb_build_object('segments', jsonb_build_array(jsonb_build_object('segment', repeat('x', 201))))) || ')'),
	('crm.rfm_segment(1, 1, 1, ' || quote_literal(jsonb_build_object('segments', (SELECT jsonb_agg(jsonb_build_object('segment', 's')) FROM generate_series(1, 256)))) || ')'),
	('crm.rfm_segment(1, 1, 1, ''{"scale": 0, "segments": [5]}'')')
) v(call);
-- a segment name of 200 bytes and 255 rules are within the limits
SELECT length(crm.rfm_segment(1, 1, 1, jsonb_build_object('segments', jsonb_build_array(jsonb_build_object('segment', repeat('x', 200)))))) AS longest_name;
SELECT crm.rfm_segment(100, 2, 1, m) AS r100_fm1, crm.rfm_segment(7, 3, 4, m) AS r7_fm3, crm.rfm_segment(100, 5, 5, m) AS r100_fm5
FROM (SELECT jsonb_build_object('scale', 100, 'segments',
             (SELECT jsonb_agg(jsonb_build_object('segment', 's' || i, 'r', 1 + i % 100, 'fm', 1 + i / 100) ORDER BY i)
              FROM generate_series(0, 253) i) || '[{"segment": "rest"}]') AS m) x;
