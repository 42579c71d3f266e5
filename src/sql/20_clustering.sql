-- ===========================================================================
-- clustering: crm.cluster_sketch, crm.clusters, k-means aggregates
-- ===========================================================================

-- ------------------------------------------------------------------ types

CREATE TYPE crm.cluster_sketch;

CREATE FUNCTION crm.cluster_sketch_in(cstring) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'cluster_sketch_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cluster_sketch_in(cstring) IS
	'text input for crm.cluster_sketch: the JSON or the compact crm64: form its output function writes (validated like binary input)';

CREATE FUNCTION crm.cluster_sketch_out(crm.cluster_sketch) RETURNS cstring
	AS 'MODULE_PATHNAME', 'cluster_sketch_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cluster_sketch_out(crm.cluster_sketch) IS
	'text output for crm.cluster_sketch: JSON with options, statistics and representatives up to 8 kB of binary form, the compact crm64: form (base64 of the binary form) beyond; reads back exactly';

CREATE FUNCTION crm.cluster_sketch_recv(internal) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'cluster_sketch_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cluster_sketch_recv(internal) IS
	'binary input for crm.cluster_sketch (lengths checked before reading; validated like the text form)';

CREATE FUNCTION crm.cluster_sketch_send(crm.cluster_sketch) RETURNS bytea
	AS 'MODULE_PATHNAME', 'cluster_sketch_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cluster_sketch_send(crm.cluster_sketch) IS
	'binary output for crm.cluster_sketch';

CREATE TYPE crm.cluster_sketch (
	INPUT = crm.cluster_sketch_in,
	OUTPUT = crm.cluster_sketch_out,
	RECEIVE = crm.cluster_sketch_recv,
	SEND = crm.cluster_sketch_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.cluster_sketch IS
	'bounded-size, mergeable summary of a point set: weighted representatives plus exact count, sums, sums of squares, min and max per dimension, and the feature names if given (at most 512 MB and 2^53 rows)';

CREATE FUNCTION crm.cluster_sketch_eq(crm.cluster_sketch, crm.cluster_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME', 'cluster_sketch_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cluster_sketch_eq(crm.cluster_sketch, crm.cluster_sketch) IS
	'true when two sketches are identical (a sketch stored by crm 0.1.0 equals the same sketch built now)';

CREATE OPERATOR crm.= (
	LEFTARG = crm.cluster_sketch, RIGHTARG = crm.cluster_sketch,
	PROCEDURE = crm.cluster_sketch_eq, COMMUTATOR = OPERATOR(crm.=)
);
COMMENT ON OPERATOR crm.= (crm.cluster_sketch, crm.cluster_sketch) IS 'identical sketches';

CREATE TYPE crm.clusters;

CREATE FUNCTION crm.clusters_in(cstring) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'clusters_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_in(cstring) IS
	'text input for crm.clusters: the JSON or the compact crm64: form its output function writes (validated like the binary form)';

CREATE FUNCTION crm.clusters_out(crm.clusters) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clusters_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_out(crm.clusters) IS
	'text output for crm.clusters: JSON with k, scaling, centroids (scaled space), weights and SSE, or the compact crm64: form beyond 8 kB of binary (reads back exactly)';

CREATE FUNCTION crm.clusters_recv(internal) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'clusters_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_recv(internal) IS
	'binary input for crm.clusters (versioned; validated like the text forms)';

CREATE FUNCTION crm.clusters_send(crm.clusters) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clusters_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_send(crm.clusters) IS
	'binary output for crm.clusters';

CREATE TYPE crm.clusters (
	INPUT = crm.clusters_in,
	OUTPUT = crm.clusters_out,
	RECEIVE = crm.clusters_recv,
	SEND = crm.clusters_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.clusters IS
	'k-means model: k, dimensions, feature names, scaling, centroids, weights, per-cluster and total SSE, iterations, rows seen';

CREATE FUNCTION crm.clusters_eq(crm.clusters, crm.clusters) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clusters_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_eq(crm.clusters, crm.clusters) IS
	'true when two models are identical (a model stored by crm 0.1.0 equals the same model built now)';

CREATE OPERATOR crm.= (
	LEFTARG = crm.clusters, RIGHTARG = crm.clusters,
	PROCEDURE = crm.clusters_eq, COMMUTATOR = OPERATOR(crm.=)
);
COMMENT ON OPERATOR crm.= (crm.clusters, crm.clusters) IS 'identical models';

-- the silhouette state: a validated type of its own (a bottom-2000 hash
-- sample with labels, the model's fingerprint, k and dims)
CREATE TYPE crm.silhouette_state;

CREATE FUNCTION crm.silhouette_state_in(cstring) RETURNS crm.silhouette_state
	AS 'MODULE_PATHNAME', 'silhouette_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_state_in(cstring) IS
	'text input for crm.silhouette_state: the compact crm64: form only (validated like the binary form)';

CREATE FUNCTION crm.silhouette_state_out(crm.silhouette_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'silhouette_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_state_out(crm.silhouette_state) IS
	'text output for crm.silhouette_state: crm64: and the binary form in base64';

CREATE FUNCTION crm.silhouette_state_recv(internal) RETURNS crm.silhouette_state
	AS 'MODULE_PATHNAME', 'silhouette_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_state_recv(internal) IS
	'binary input for crm.silhouette_state (versioned; every field validated)';

CREATE FUNCTION crm.silhouette_state_send(crm.silhouette_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'silhouette_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_state_send(crm.silhouette_state) IS
	'binary output for crm.silhouette_state';

CREATE TYPE crm.silhouette_state (
	INPUT = crm.silhouette_state_in,
	OUTPUT = crm.silhouette_state_out,
	RECEIVE = crm.silhouette_state_recv,
	SEND = crm.silhouette_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.silhouette_state IS
	'partial state of crm.silhouette: the 2,000 rows with the lowest feature hash, their clusters, and the model''s fingerprint';

-- ----------------------------------------------------------------- sketch

CREATE FUNCTION crm.sketch_transfn(crm.cluster_sketch, float8[], jsonb) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'sketch_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_transfn(crm.cluster_sketch, float8[], jsonb) IS
	'transition function of crm.sketch (updates the state in place)';

CREATE FUNCTION crm.sketch_transfn(crm.cluster_sketch, float8[]) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'sketch_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_transfn(crm.cluster_sketch, float8[]) IS
	'transition function of crm.sketch without options';

CREATE FUNCTION crm.sketch_combinefn(crm.cluster_sketch, crm.cluster_sketch) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'sketch_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_combinefn(crm.cluster_sketch, crm.cluster_sketch) IS
	'merges two sketches (combine function of crm.sketch, crm.kmeans and crm.merge; rejects different dimensions, k or options)';

CREATE FUNCTION crm.sketch_finalfn(crm.cluster_sketch) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'sketch_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_finalfn(crm.cluster_sketch) IS
	'final function of crm.sketch and crm.merge (the compact sketch)';

CREATE AGGREGATE crm.sketch(features float8[], options jsonb) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch,
	COMBINEFUNC = crm.sketch_combinefn, FINALFUNC = crm.sketch_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.sketch(float8[], jsonb) IS
	'bounded-memory, mergeable summary of the feature vectors (options: names, scale, budget_kb, atan_scale, seed, restarts, max_iter, tol)';

CREATE AGGREGATE crm.sketch(features float8[]) (
	SFUNC = crm.sketch_transfn, STYPE = crm.cluster_sketch,
	COMBINEFUNC = crm.sketch_combinefn, FINALFUNC = crm.sketch_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.sketch(float8[]) IS
	'bounded-memory, mergeable summary of the feature vectors (default options)';

CREATE AGGREGATE crm.merge(crm.cluster_sketch) (
	SFUNC = crm.sketch_combinefn, STYPE = crm.cluster_sketch,
	COMBINEFUNC = crm.sketch_combinefn, FINALFUNC = crm.sketch_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.merge(crm.cluster_sketch) IS
	'merges sketches built with the same options and feature names (rollups: per day -> per month -> whole bank); refuses to count more than 2^53 rows';

CREATE FUNCTION crm.sketch_rows(crm.cluster_sketch) RETURNS bigint
	AS 'MODULE_PATHNAME', 'sketch_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_rows(crm.cluster_sketch) IS 'rows summarised by a sketch';

CREATE FUNCTION crm.sketch_representatives(crm.cluster_sketch) RETURNS integer
	AS 'MODULE_PATHNAME', 'sketch_representatives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sketch_representatives(crm.cluster_sketch) IS
	'weighted representatives a sketch holds (equals its rows until the budget forces merging)';

-- ----------------------------------------------------------------- kmeans

CREATE FUNCTION crm.kmeans_transfn(crm.cluster_sketch, float8[], integer, jsonb) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'kmeans_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_transfn(crm.cluster_sketch, float8[], integer, jsonb) IS
	'transition function of crm.kmeans (sketches the rows in place)';

CREATE FUNCTION crm.kmeans_transfn(crm.cluster_sketch, float8[], integer) RETURNS crm.cluster_sketch
	AS 'MODULE_PATHNAME', 'kmeans_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_transfn(crm.cluster_sketch, float8[], integer) IS
	'transition function of crm.kmeans without options';

CREATE FUNCTION crm.kmeans_finalfn(crm.cluster_sketch) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'kmeans_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_finalfn(crm.cluster_sketch) IS
	'final function of crm.kmeans: clusters the sketch';

CREATE AGGREGATE crm.kmeans(features float8[], k integer, options jsonb) (
	SFUNC = crm.kmeans_transfn, STYPE = crm.cluster_sketch,
	COMBINEFUNC = crm.sketch_combinefn, FINALFUNC = crm.kmeans_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.kmeans(float8[], integer, jsonb) IS
	'k-means in one scan with bounded memory: k-means++ seeding, Lloyd, restarts; options names, scale, seed, restarts, max_iter, tol, budget_kb, atan_scale';

CREATE AGGREGATE crm.kmeans(features float8[], k integer) (
	SFUNC = crm.kmeans_transfn, STYPE = crm.cluster_sketch,
	COMBINEFUNC = crm.sketch_combinefn, FINALFUNC = crm.kmeans_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.kmeans(float8[], integer) IS
	'k-means in one scan with bounded memory (default options)';

CREATE FUNCTION crm.kmeans(sketch crm.cluster_sketch, k integer, options jsonb DEFAULT NULL) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'kmeans_sketch' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans(crm.cluster_sketch, integer, jsonb) IS
	'k-means on a stored sketch (options default to the sketch''s own; seed, restarts, max_iter, tol and zscore/minmax scale may be changed, names given to a sketch without them)';

-- -------------------------------------------------------- model functions

CREATE FUNCTION crm.assign(model crm.clusters, features float8[]) RETURNS integer
	AS 'MODULE_PATHNAME', 'clusters_assign' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.assign(crm.clusters, float8[]) IS
	'the nearest cluster, 1..k (cluster 1 is the largest)';

CREATE FUNCTION crm.nearest_distance(model crm.clusters, features float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'clusters_nearest_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nearest_distance(crm.clusters, float8[]) IS
	'Euclidean distance to the nearest centroid, in the model''s scaled space';

CREATE FUNCTION crm.centroids(model crm.clusters,
	OUT cluster integer, OUT size float8, OUT share float8, OUT sse float8, OUT centroid float8[])
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'clusters_centroids' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION crm.centroids(crm.clusters) IS
	'one row per cluster: size (rows), share of rows, SSE (scaled space) and centroid in original units';

CREATE FUNCTION crm.clusters_k(crm.clusters) RETURNS integer
	AS 'MODULE_PATHNAME', 'clusters_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_k(crm.clusters) IS 'the number of clusters of a model';

CREATE FUNCTION crm.clusters_sse(crm.clusters) RETURNS float8
	AS 'MODULE_PATHNAME', 'clusters_sse' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clusters_sse(crm.clusters) IS
	'total within-cluster sum of squares of a model, in its scaled space';

-- ---------------------------------------------------------- named features

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

-- ---------------------------------------------------------- kmeans_refine

CREATE FUNCTION crm.kmeans_refine_transfn(crm.clusters, crm.clusters, float8[]) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'kmeans_refine_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_refine_transfn(crm.clusters, crm.clusters, float8[]) IS
	'transition function of crm.kmeans_refine (accumulates one Lloyd step in place)';

CREATE FUNCTION crm.kmeans_refine_combinefn(crm.clusters, crm.clusters) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'kmeans_refine_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_refine_combinefn(crm.clusters, crm.clusters) IS
	'combine function of crm.kmeans_refine (rejects states of different models)';

CREATE FUNCTION crm.kmeans_refine_finalfn(crm.clusters) RETURNS crm.clusters
	AS 'MODULE_PATHNAME', 'kmeans_refine_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_refine_finalfn(crm.clusters) IS
	'final function of crm.kmeans_refine: the moved centroids with exact sizes and SSE';

CREATE AGGREGATE crm.kmeans_refine(model crm.clusters, features float8[]) (
	SFUNC = crm.kmeans_refine_transfn, STYPE = crm.clusters,
	COMBINEFUNC = crm.kmeans_refine_combinefn, FINALFUNC = crm.kmeans_refine_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.kmeans_refine(crm.clusters, float8[]) IS
	'one exact Lloyd step over all rows: exact sizes and SSE; repeating it converges to exact Lloyd';

-- ------------------------------------------------------------- silhouette

CREATE FUNCTION crm.silhouette_transfn(crm.silhouette_state, crm.clusters, float8[]) RETURNS crm.silhouette_state
	AS 'MODULE_PATHNAME', 'silhouette_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_transfn(crm.silhouette_state, crm.clusters, float8[]) IS
	'transition function of crm.silhouette (bottom-2000 hash sample, in place; rejects a model that changes between rows)';

CREATE FUNCTION crm.silhouette_combinefn(crm.silhouette_state, crm.silhouette_state) RETURNS crm.silhouette_state
	AS 'MODULE_PATHNAME', 'silhouette_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_combinefn(crm.silhouette_state, crm.silhouette_state) IS
	'combine function of crm.silhouette (rejects states of different models)';

CREATE FUNCTION crm.silhouette_finalfn(crm.silhouette_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'silhouette_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.silhouette_finalfn(crm.silhouette_state) IS
	'final function of crm.silhouette: the mean silhouette of the sample';

CREATE AGGREGATE crm.silhouette(model crm.clusters, features float8[]) (
	SFUNC = crm.silhouette_transfn, STYPE = crm.silhouette_state,
	COMBINEFUNC = crm.silhouette_combinefn, FINALFUNC = crm.silhouette_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.silhouette(crm.clusters, float8[]) IS
	'mean silhouette of the model''s clustering over a deterministic sample of 2,000 rows (the same whatever the row order)';

-- ------------------------------------------------------------ kmeans_scan

CREATE FUNCTION crm.kmeans_scan(sketch crm.cluster_sketch, kmin integer, kmax integer, options jsonb DEFAULT NULL,
	OUT k integer, OUT sse float8, OUT silhouette float8, OUT recommended boolean, OUT reason text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'kmeans_scan' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.kmeans_scan(crm.cluster_sketch, integer, integer, jsonb) IS
	'k-means for every k in kmin..kmax on one sketch (options as crm.kmeans on a sketch): total SSE, silhouette over a sample of at most 2,000 of the sketch''s points, and the recommended k with the reason (best silhouette above 0.25, else the Kneedle elbow of the SSE curve)';
