-- Sample data for make upgrade-check (scripts/upgrade-check.sh): a value of
-- every crm type, stored by a released version of crm and read back, as text
-- and as binary COPY, after ALTER EXTENSION crm UPDATE to the current version.
--
-- Runs against every version from 0.1.0 on, so it uses only what that
-- version has.  A type added later gets its column in a block guarded by the
-- installed version, e.g. for a type new in 0.2.0:
--
--   SELECT :crm_version >= 200 AS crm_0_2 \gset
--   \if :crm_0_2
--   ALTER TABLE upgrade_sample.value_of_every_type ADD COLUMN ...;
--   UPDATE upgrade_sample.value_of_every_type SET ... WHERE id = ...;
--   \endif
--
-- The check at the end fails when a type of the installed version has no
-- column here.  Values are literals or computed from generate_series, so the
-- script gives the same rows each time.

SET client_min_messages = warning;

-- the installed version as a number: 0.1.0 -> 100, 1.2.3 -> 10203
SELECT v[1] * 10000 + v[2] * 100 + v[3] AS crm_version
FROM (SELECT string_to_array(extversion, '.')::int[] AS v
      FROM pg_extension WHERE extname = 'crm') e \gset

CREATE SCHEMA upgrade_sample;

CREATE TABLE upgrade_sample.points AS
SELECT g, ARRAY[(g % 5) * 3.5 + (g * 0.618) % 1, -1e-300 * g, 1e12 + g]::float8[] AS f
FROM generate_series(1, 2000) g;

CREATE TABLE upgrade_sample.value_of_every_type (
	id int PRIMARY KEY,
	tiers crm.tiers,
	card crm.scorecard,
	sketch crm.cluster_sketch,
	model crm.clusters,
	policy crm.service_policy,
	plan crm.rebalance_plan,
	state crm.rebalance_state,
	gini crm.gini_state,
	silhouette crm.silhouette_state
);

-- the aggregate states of crm.gini and crm.silhouette, as their transition
-- functions leave them (aggregates without a final function)
CREATE AGGREGATE pg_temp.gini_state_of(float8) (SFUNC = crm.gini_transfn, STYPE = crm.gini_state);
CREATE AGGREGATE pg_temp.silhouette_state_of(crm.clusters, float8[]) (
	SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state);

-- row 0: every column NULL
INSERT INTO upgrade_sample.value_of_every_type (id) VALUES (0);

-- row 1: plain values
INSERT INTO upgrade_sample.value_of_every_type VALUES (1,
	'{mass, priority >= 80000, sunflower >= 500000}',
	'name aml; version 2026.1; strict; region: category {high_risk: 30, "a b": 1.5, *: 0, null: 20}; fund_size: numeric {0, 5 >= 100000, 15 >= 1e6, null: 10}; levels: {low, medium >= 40, high >= 70}',
	(SELECT crm.sketch(f) FROM upgrade_sample.points WHERE g <= 10),
	(SELECT crm.kmeans(f, 5) FROM upgrade_sample.points),
	'A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; *: {calls_per_year: 2, call_minutes: 6}',
	(SELECT crm.rebalance(c, m, l, cap) FROM (VALUES
		(1::bigint, 1::bigint, 0.1::float8, 1::float8), (2, 1, 0.7, 1), (3, 2, 0.3, 0.5),
		(4, NULL, 0.2, NULL), (NULL, 3, NULL, 0.8)) v(c, m, l, cap)),
	'{"rows": [[1, 2, 0.1, 1, true], [null, 3, null, 2, true], [4, null, 1.5, null, true], [-5, 2, 0, 1, false]]}');

-- row 2: quoting, extremes, options written out, a reduced sketch
INSERT INTO upgrade_sample.value_of_every_type VALUES (2,
	'{"a b", "x\"y\\z" >= -1.5e-300, 金葵花 >= 0.1, top >= 1.7976931348623157e308}',
	'"null": category {"null": 0.1, 金葵花: -0.30000000000000004}; levels: {"lo w", hi >= 2.5e-7}',
	(SELECT crm.sketch(f, '{"budget_kb": 64, "scale": "zscore", "seed": 7}') FROM upgrade_sample.points),
	(SELECT crm.kmeans(f, 3, '{"scale": "minmax", "budget_kb": 64}') FROM upgrade_sample.points),
	$$"a b": {call_minutes: 0.1}; 金葵花: {visits_per_year: 999999999.9999999, travel_minutes: 5e-324}; "x\"y": {}$$,
	NULL,
	NULL);

-- row 3: the other scalings, a preset
INSERT INTO upgrade_sample.value_of_every_type (id, tiers, sketch, model) VALUES (3,
	crm.tiers_preset('cn_retail_aum'),
	(SELECT crm.sketch(f, '{"scale": "atan", "atan_scale": 0.5}') FROM upgrade_sample.points WHERE g <= 100),
	(SELECT crm.kmeans(f, 4, '{"scale": "atan", "atan_scale": 3}') FROM upgrade_sample.points));

-- row 4: aggregate states: a few loads, and a silhouette sample
INSERT INTO upgrade_sample.value_of_every_type (id, gini, silhouette) VALUES (4,
	(SELECT pg_temp.gini_state_of(x) FROM (VALUES (0.5::float8), (0), (1e300), (2.5e-300)) v(x)),
	(SELECT pg_temp.silhouette_state_of(m, f)
	 FROM upgrade_sample.points, (SELECT crm.kmeans(f, 3) AS m FROM upgrade_sample.points) k WHERE g <= 300));

-- since 0.2.0: plans of text and uuid ids, and a state of 0.2.0's form
-- (text ids, options, move costs)
SELECT :crm_version >= 200 AS crm_0_2 \gset
\if :crm_0_2
ALTER TABLE upgrade_sample.value_of_every_type
	ADD COLUMN plan_text crm.rebalance_plan_text, ADD COLUMN plan_uuid crm.rebalance_plan_uuid;
UPDATE upgrade_sample.value_of_every_type SET
	plan_text = (SELECT crm.rebalance(c, m, l, cap, true, '{"target": 0.8}') FROM (VALUES
		('c-1', 'rm "a"', 0.5::float8, NULL::float8), ('c-2', 'rm "a"', 0.7, NULL), (NULL, 'rm "a"', NULL, 1),
		('c-3', NULL, 0.2, NULL), (NULL, '金葵花', NULL, 0.8)) v(c, m, l, cap)),
	plan_uuid = (SELECT crm.rebalance(c::uuid, m::uuid, l, cap, true, 2, '{"max_moves": 5}') FROM (VALUES
		('00000000-0000-0000-0000-000000000001', 'ffffffff-0000-0000-0000-000000000001', 0.9::float8, 1::float8),
		('00000000-0000-0000-0000-000000000002', 'ffffffff-0000-0000-0000-000000000001', 0.6, 1),
		(NULL, 'ffffffff-0000-0000-0000-000000000002', NULL, 1)) v(c, m, l, cap)),
	state = '{"ids": "text", "options": {"target": 0.9, "minimise": "relationships", "max_moves": 3}, "costs": true, "rows": [["a", "m", 1, null, true, 2.5], [null, "m", null, 10, true, null]]}'
WHERE id = 2;
-- 0.2.0: the states of crm.scorecard_fit, crm.auc / crm.ks and crm.psi, and
-- a fitted card (crm.scorecard format version 2, with its fit statistics)
ALTER TABLE upgrade_sample.value_of_every_type
	ADD COLUMN fit_state crm.scorecard_fit_state,
	ADD COLUMN roc crm.roc_state,
	ADD COLUMN psi crm.psi_state;
CREATE AGGREGATE pg_temp.fit_state_of(boolean, jsonb, jsonb) (
	SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state);
CREATE AGGREGATE pg_temp.roc_state_of(float8, boolean) (SFUNC = crm.auc_transfn, STYPE = crm.roc_state);
CREATE AGGREGATE pg_temp.psi_state_of(float8, boolean, float8[]) (SFUNC = crm.psi_transfn, STYPE = crm.psi_state);
CREATE TEMP VIEW fit_rows AS
SELECT g % 5 = 0 OR (g % 3 = 0 AND g % 2 = 0) AS target,
       jsonb_build_object('x', g % 17, 'c', 'v' || g % 4, 'y', (g * 0.618) % 1,
                          'm', CASE WHEN g % 11 = 0 THEN NULL ELSE g % 9 END) AS attrs
FROM generate_series(1, 500) g;
INSERT INTO upgrade_sample.value_of_every_type (id, card, fit_state, roc, psi) VALUES (5,
	(SELECT crm.scorecard_fit(target, attrs, '{"max_bins": 4, "name": "sample"}') FROM fit_rows),
	(SELECT pg_temp.fit_state_of(target, attrs, '{"sample_rows": 100, "categorical": ["m"]}') FROM fit_rows),
	(SELECT pg_temp.roc_state_of((g % 13)::float8 / 4, g % 3 = 0) FROM generate_series(1, 300) g),
	(SELECT pg_temp.psi_state_of(CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 7)::float8 END, g > 150, '{1, 2.5, 4}')
	 FROM generate_series(1, 300) g));
\endif

-- every type of the installed version has a column in upgrade_sample
DO $$
DECLARE
	missing text;
BEGIN
	SELECT string_agg(t.oid::regtype::text, ', ' ORDER BY t.typname) INTO missing
	FROM pg_type t
	WHERE t.typnamespace = 'crm'::regnamespace
	  AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
	  AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	                  WHERE c.relnamespace = 'upgrade_sample'::regnamespace
	                    AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = t.oid);
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'test/upgrade/sample.sql has no column of type %', missing
			USING HINT = 'Add a column and values of each new type, guarded by the version that added it.';
	END IF;
END
$$;
