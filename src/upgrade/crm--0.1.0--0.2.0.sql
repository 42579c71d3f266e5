-- crm 0.1.0 -> 0.2.0: the SQL changes of 0.2.0 (see CHANGELOG.md).
--
-- make wraps this file with the schema checks every upgrade runs (see the
-- Makefile's UPGRADE_WRAP); each change below comes with its COMMENT, as in
-- the install script.  A changed result type is a DROP and a CREATE.

-- ===================================================== clustering (issue 13)
-- Named features and a recommended k.  crm.cluster_sketch and crm.clusters
-- change format (version 2: feature names); the new .so reads version 1
-- values as they are, so nothing stored needs rewriting.  crm.centroids
-- keeps its 0.1.0 columns; the names come from crm.feature_names and
-- crm.centroid_values.  crm.kmeans_scan gains options and two result
-- columns: a DROP and a CREATE (a view over it must be dropped first).

COMMENT ON TYPE crm.cluster_sketch IS
	'bounded-size, mergeable summary of a point set: weighted representatives plus exact count, sums, sums of squares, min and max per dimension, and the feature names if given (at most 512 MB and 2^53 rows)';
COMMENT ON FUNCTION crm.cluster_sketch_eq(crm.cluster_sketch, crm.cluster_sketch) IS
	'true when two sketches are identical (a sketch stored by crm 0.1.0 equals the same sketch built now)';
COMMENT ON TYPE crm.clusters IS
	'k-means model: k, dimensions, feature names, scaling, centroids, weights, per-cluster and total SSE, iterations, rows seen';
COMMENT ON FUNCTION crm.clusters_eq(crm.clusters, crm.clusters) IS
	'true when two models are identical (a model stored by crm 0.1.0 equals the same model built now)';
COMMENT ON AGGREGATE crm.sketch(float8[], jsonb) IS
	'bounded-memory, mergeable summary of the feature vectors (options: names, scale, budget_kb, atan_scale, seed, restarts, max_iter, tol)';
COMMENT ON AGGREGATE crm.merge(crm.cluster_sketch) IS
	'merges sketches built with the same options and feature names (rollups: per day -> per month -> whole bank); refuses to count more than 2^53 rows';
COMMENT ON AGGREGATE crm.kmeans(float8[], integer, jsonb) IS
	'k-means in one scan with bounded memory: k-means++ seeding, Lloyd, restarts; options names, scale, seed, restarts, max_iter, tol, budget_kb, atan_scale';
COMMENT ON FUNCTION crm.kmeans(crm.cluster_sketch, integer, jsonb) IS
	'k-means on a stored sketch (options default to the sketch''s own; seed, restarts, max_iter, tol and zscore/minmax scale may be changed, names given to a sketch without them)';

CREATE FUNCTION crm.feature_names(model crm.clusters) RETURNS text[]
	AS 'MODULE_PATHNAME', 'clusters_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.feature_names(crm.clusters) IS
	'the names of the model''s features in order (f1, f2, ... when it has none)';

CREATE FUNCTION crm.feature_names(sketch crm.cluster_sketch) RETURNS text[]
	AS 'MODULE_PATHNAME', 'sketch_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.feature_names(crm.cluster_sketch) IS
	'the names of the sketch''s features in order (f1, f2, ... when it has none)';

CREATE FUNCTION crm.centroid_values(model crm.clusters,
	OUT cluster integer, OUT feature text, OUT value float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'clusters_centroid_values' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.centroid_values(crm.clusters) IS
	'the centroids in long form, one row per cluster and feature in model order, values in original units (for psql''s \crosstabview)';

CREATE FUNCTION crm.assign_named(model crm.clusters, attrs jsonb) RETURNS integer
	AS 'MODULE_PATHNAME', 'clusters_assign_named' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.assign_named(crm.clusters, jsonb) IS
	'the nearest cluster, 1..k, of a row given as a JSON object keyed by feature name (other keys ignored, so to_jsonb(row) works)';

CREATE FUNCTION crm.nearest_distance_named(model crm.clusters, attrs jsonb) RETURNS float8
	AS 'MODULE_PATHNAME', 'clusters_nearest_distance_named' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nearest_distance_named(crm.clusters, jsonb) IS
	'Euclidean distance to the nearest centroid, in the model''s scaled space, of a row given as a JSON object keyed by feature name';

DROP FUNCTION crm.kmeans_scan(crm.cluster_sketch, integer, integer);
CREATE FUNCTION crm.kmeans_scan(sketch crm.cluster_sketch, kmin integer, kmax integer, options jsonb DEFAULT NULL,
	OUT k integer, OUT sse float8, OUT silhouette float8, OUT recommended boolean, OUT reason text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'kmeans_scan' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_scan(crm.cluster_sketch, integer, integer, jsonb) IS
	'k-means for every k in kmin..kmax on one sketch (options as crm.kmeans on a sketch): total SSE, silhouette over a sample of at most 2,000 of the sketch''s points, and the recommended k with the reason (best silhouette above 0.25, else the Kneedle elbow of the SSE curve)';
-- ================================================= end clustering (issue 13)
