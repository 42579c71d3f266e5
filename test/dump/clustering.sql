-- Values of crm.cluster_sketch and crm.clusters for the pg_dump / pg_restore
-- check (scripts/dump-restore-test.sh): a plain and a reduced sketch, options
-- written out, models with each scaling.
CREATE TABLE dump_check.cluster_points AS
SELECT g, ARRAY[(g % 5) * 3.5 + (g * 0.618) % 1, -1e-300 * g, 1e12 + g]::float8[] AS f
FROM generate_series(1, 3000) g;

CREATE TABLE dump_check.sketch_values (id int PRIMARY KEY, sketch crm.cluster_sketch);
INSERT INTO dump_check.sketch_values
SELECT 0, NULL
UNION ALL SELECT 1, crm.sketch(f) FROM dump_check.cluster_points WHERE g <= 10
UNION ALL SELECT 2, crm.sketch(f, '{"budget_kb": 64, "scale": "zscore", "seed": 7}') FROM dump_check.cluster_points
UNION ALL SELECT 3, crm.sketch(f, '{"scale": "atan", "atan_scale": 0.5}') FROM dump_check.cluster_points WHERE g <= 100;

CREATE TABLE dump_check.model_values (id int PRIMARY KEY, model crm.clusters);
INSERT INTO dump_check.model_values
SELECT 0, NULL
UNION ALL SELECT 1, crm.kmeans(f, 5) FROM dump_check.cluster_points
UNION ALL SELECT 2, crm.kmeans(f, 3, '{"scale": "minmax", "budget_kb": 64}') FROM dump_check.cluster_points
UNION ALL SELECT 3, crm.kmeans(f, 4, '{"scale": "atan", "atan_scale": 3}') FROM dump_check.cluster_points;
