-- crm 0.1.0 -> 0.2.0: the SQL changes of 0.2.0 (see CHANGELOG.md).
--
-- make wraps this file with the schema checks every upgrade runs (see the
-- Makefile's UPGRADE_WRAP); each change below comes with its COMMENT, as in
-- the install script.  A changed result type is a DROP and a CREATE.

-- ===========================================================================
-- issue 13, items 5-8 (tiering, workload rules, scoring): RFM segment maps,
-- tier order, small traps, customer value, staffing checks, contact quotas
-- ===========================================================================

-- crm.bar: a max of 0 draws an empty bar (was an error); same function
COMMENT ON FUNCTION crm.bar(float8, float8, integer) IS
	'text bar of value / max over width cells in Unicode block characters (eighth-cell resolution), value clamped to [0, max]; a max of 0 gives an empty bar';

-- crm.gini: documented as load inequality
COMMENT ON AGGREGATE crm.gini(float8) IS
	'load inequality: Gini coefficient of non-negative values such as manager loads (0 = all equal, towards 1 = one has everything), not the credit-scoring Gini 2 AUC - 1; NULLs ignored, NULL for no values, 0 when all are 0';

-- tier order
CREATE FUNCTION crm.tier_rank(label text, scheme crm.tiers) RETURNS integer
	AS 'MODULE_PATHNAME', 'tier_rank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier_rank(text, crm.tiers) IS
	'1-based position of a label in the scheme (1 = lowest tier), to ORDER BY tiers in their order instead of alphabetically; NULL for a label the scheme does not have';

CREATE FUNCTION crm.policy_entries(policy crm.service_policy, scheme crm.tiers,
	OUT tier text, OUT visits_per_year float8, OUT calls_per_year float8,
	OUT visit_minutes float8, OUT call_minutes float8, OUT travel_minutes float8,
	OUT minutes_per_year float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'service_policy_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.policy_entries(crm.service_policy, crm.tiers) IS
	'the entries of a policy in the order of a tier scheme (its tiers lowest first, then tiers it does not have, bytewise, then *) with the service minutes a year each implies';

-- RFM segment maps
CREATE FUNCTION crm.rfm_segment(r integer, f integer, m integer, map jsonb) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_map' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(integer, integer, integer, jsonb) IS
	'RFM segment from a segment map: {"scale": n, "segments": [{"segment": ..., "r": [lo, hi], "fm": [lo, hi]}, ...]}, rules over scores 1..n tried in order (first match wins; fm = floor((f + m) / 2)); {"scale": n} alone is the standard map scaled to n-point scores';

CREATE FUNCTION crm.rfm_standard_map(scale integer DEFAULT 5) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'rfm_standard_map' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_standard_map(integer) IS
	'the standard eleven-segment RFM map for scores 1..scale as a map document: each n-point score read as the 5-point class ceil(5 s / n)';

CREATE FUNCTION crm.rfm_grid(map jsonb, OUT r integer, OUT fm integer, OUT segment text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rfm_grid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 25;
COMMENT ON FUNCTION crm.rfm_grid(jsonb) IS
	'the segment of every (r, fm) cell of a map whose rules bound only r and fm (checked like crm.rfm_segment reads it); \crosstabview prints it as a grid';

-- scoring rows with strict cards: ignore_unknown
CREATE FUNCTION crm.score(card crm.scorecard, attrs jsonb, ignore_unknown boolean) RETURNS float8
	AS 'MODULE_PATHNAME', 'score_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score(crm.scorecard, jsonb, boolean) IS
	'total points of a JSON object of attributes; with ignore_unknown, keys that are not factors are ignored even by a strict card (crm.score(card, to_jsonb(row), ignore_unknown => true))';

CREATE FUNCTION crm.score_level(card crm.scorecard, attrs jsonb, ignore_unknown boolean) RETURNS text
	AS 'MODULE_PATHNAME', 'score_level_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_level(crm.scorecard, jsonb, boolean) IS
	'level band of the total points of a JSON object of attributes; with ignore_unknown, keys that are not factors are ignored even by a strict card';

CREATE FUNCTION crm.score_explain(card crm.scorecard, attrs jsonb, ignore_unknown boolean,
	OUT factor text, OUT value text, OUT bin text, OUT points float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'score_explain_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_explain(crm.scorecard, jsonb, boolean) IS
	'one row per factor, summing to crm.score; with ignore_unknown, keys that are not factors are ignored even by a strict card';

-- customer value
CREATE FUNCTION crm.customer_value(avg_deposits float8, deposit_spread float8,
	loan_interest float8, fees float8, stage text) RETURNS float8
	AS 'MODULE_PATHNAME', 'customer_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customer_value(float8, float8, float8, float8, text) IS
	'customer value: (average daily deposits x deposit spread + loan interest + fees) x the lifecycle stage''s multiplier (potential, new, active 1; loyal 3.5; dormant 0.5; lost 0)';

CREATE FUNCTION crm.customer_value(avg_deposits float8, deposit_spread float8,
	loan_interest float8, fees float8, stage text, multipliers jsonb) RETURNS float8
	AS 'MODULE_PATHNAME', 'customer_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customer_value(float8, float8, float8, float8, text, jsonb) IS
	'customer value with custom multipliers: a JSON object of stage: multiplier (0..1000) overriding the defaults of the stages it names';

CREATE FUNCTION crm.value_multipliers(OUT stage text, OUT multiplier float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'value_multipliers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 6;
COMMENT ON FUNCTION crm.value_multipliers() IS
	'the default lifecycle multipliers of crm.customer_value, in crm.lifecycle''s order';

CREATE FUNCTION crm.value_multipliers(multipliers jsonb, OUT stage text, OUT multiplier float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'value_multipliers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 6;
COMMENT ON FUNCTION crm.value_multipliers(jsonb) IS
	'the lifecycle multipliers in force with custom ones merged over the defaults, checked as crm.customer_value reads them';

-- staffing checks and daily contact quotas
CREATE FUNCTION crm.staffing_gap(unit_kind text, managers bigint, cash_specialists bigint,
	credit_specialists bigint,
	OUT role text, OUT staffed bigint, OUT minimum bigint, OUT target bigint,
	OUT short_of_minimum bigint, OUT short_of_target bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'staffing_gap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 3;
COMMENT ON FUNCTION crm.staffing_gap(text, bigint, bigint, bigint) IS
	'per role (manager, cash_management_specialist, credit_specialist): staffed, minimum and target for the unit kind, and what is missing of each; default rules: settlement_department >= 3 managers, corporate_outlet >= 1 (target 2), managers : cash : credit specialists 1:1:1 large, 2-3:1:1 mid, 10:1:1 sme_face_to_face, 25-30:1:1 sme_phone';

CREATE FUNCTION crm.staffing_gap(unit_kind text, managers bigint, cash_specialists bigint,
	credit_specialists bigint, rules jsonb,
	OUT role text, OUT staffed bigint, OUT minimum bigint, OUT target bigint,
	OUT short_of_minimum bigint, OUT short_of_target bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'staffing_gap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 3;
COMMENT ON FUNCTION crm.staffing_gap(text, bigint, bigint, bigint, jsonb) IS
	'staffing gap per role under custom rules: {"kind": {"managers": [minimum, target], "managers_per_cash_specialist": [low, high], "managers_per_credit_specialist": [low, high]}}, merged over the defaults (a kind named replaces its default rule)';

CREATE FUNCTION crm.staffing_rules(
	OUT unit_kind text, OUT min_managers bigint, OUT target_managers bigint,
	OUT managers_per_cash_specialist float8[], OUT managers_per_credit_specialist float8[])
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'staffing_rules' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 6;
COMMENT ON FUNCTION crm.staffing_rules() IS
	'the default staffing rules per unit kind: managers [minimum, target] and managers per cash-management and per credit specialist [low, high] (NULL: no requirement)';

CREATE FUNCTION crm.staffing_rules(rules jsonb,
	OUT unit_kind text, OUT min_managers bigint, OUT target_managers bigint,
	OUT managers_per_cash_specialist float8[], OUT managers_per_credit_specialist float8[])
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'staffing_rules' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 6;
COMMENT ON FUNCTION crm.staffing_rules(jsonb) IS
	'the staffing rules in force with custom rules merged over the defaults, checked as crm.staffing_gap reads them';

CREATE FUNCTION crm.quota_met(contacts bigint, sales bigint, reasons bigint,
	quota text DEFAULT '511') RETURNS boolean
	AS 'MODULE_PATHNAME', 'quota_met' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.quota_met(bigint, bigint, bigint, text) IS
	'whether a manager''s day meets a daily contact quota such as 511: at least 5 effective contacts and 1 sale or 1 written reason ("10-2-1" beyond 9); NULL counts are 0 (a working day without a record is missed); compliance = avg(crm.quota_met(...)::int)';

-- ===========================================================================
-- end of issue 13, items 5-8
-- ===========================================================================
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

-- ===========================================================================
-- rebalancing (issues 13 item 2 and 14): changed comments, then the new objects
-- ===========================================================================

COMMENT ON FUNCTION crm.rebalance_state_in(cstring) IS
	'text input for crm.rebalance_state: {["ids": "text" | "uuid",] ["options": {...},] ["costs": true,] "rows": [[customer, manager, load, capacity, movable(, move_cost)], ...]} or the compact crm64: form';
COMMENT ON FUNCTION crm.rebalance_state_out(crm.rebalance_state) IS
	'text output for crm.rebalance_state (JSON, compact crm64: beyond 8 kB of binary; reads back to the same rows)';
COMMENT ON TYPE crm.rebalance_state IS
	'state of crm.rebalance: the input rows (customer, manager, load, capacity, flags [, move cost]), the id type and the options, in a buffer that doubles as it fills';
COMMENT ON FUNCTION crm.rebalance_plan_in(cstring) IS
	'text input for crm.rebalance_plan (the JSON its output prints, or crm64:)';
COMMENT ON FUNCTION crm.rebalance_plan_out(crm.rebalance_plan) IS
	'text output for crm.rebalance_plan: JSON with the options, the summary, managers [id, capacity, pinned, load_before, load_after] and moves [customer, from, to, load]';
COMMENT ON TYPE crm.rebalance_plan IS
	'result of crm.rebalance for bigint ids: loads per manager before and after, the moves and orphan assignments, and the summary';
COMMENT ON FUNCTION crm.rebalance_combinefn(crm.rebalance_state, crm.rebalance_state) IS
	'crm.rebalance combine: the rows of both partial states, which must come from the same kind of call (consistency of the rows is checked by the final function)';
COMMENT ON AGGREGATE crm.rebalance(bigint, bigint, float8, float8) IS
	'rebalancing plan for the group: every manager at or below the target utilisation (1) or its pinned utilisation, nobody pushed over it, then the fewest relationships moved; NULL customer_id declares a manager, NULL manager_id an orphan to assign';

-- crm.rebalance since 0.2.0: options and move costs (bigint ids), text and
-- uuid ids with a plan type each, crm.plan_report and crm.plan_managers.

CREATE FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean, jsonb) IS
	'crm.rebalance transition: checks and appends a row (customer, manager, load, capacity, movable, options)';

CREATE FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean, float8, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean, float8, jsonb) IS
	'crm.rebalance transition: checks and appends a row (customer, manager, load, capacity, movable, move_cost, options)';

CREATE AGGREGATE crm.rebalance(customer_id bigint, manager_id bigint, load float8, capacity float8, movable boolean, options jsonb) (
	SFUNC = crm.rebalance_transfn,
	STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn,
	FINALFUNC = crm.rebalance_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.rebalance(bigint, bigint, float8, float8, boolean, jsonb) IS
	'rebalancing plan for the group with options {"target": utilisation (1), "minimise": "relationships" | "load", "max_moves": n}';

CREATE AGGREGATE crm.rebalance(customer_id bigint, manager_id bigint, load float8, capacity float8, movable boolean, move_cost float8, options jsonb) (
	SFUNC = crm.rebalance_transfn,
	STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn,
	FINALFUNC = crm.rebalance_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.rebalance(bigint, bigint, float8, float8, boolean, float8, jsonb) IS
	'rebalancing plan for the group, each relationship moved weighted by its move cost, with options';

CREATE FUNCTION crm.plan_report(plan crm.rebalance_plan,
	OUT target float8, OUT minimise text, OUT max_moves bigint,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT over_target_before integer, OUT over_target_after integer,
	OUT load_over_target_before float8, OUT load_over_target_after float8,
	OUT moves bigint, OUT moved_load float8, OUT moved_cost float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_report' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_report(crm.rebalance_plan) IS
	'one row: the options, the summary, managers and load above target x capacity before and after, relationships moved, their load and move cost';

CREATE FUNCTION crm.plan_managers(plan crm.rebalance_plan,
	OUT manager_id bigint, OUT capacity float8, OUT load_before float8, OUT load_after float8,
	OUT utilisation_before float8, OUT utilisation_after float8, OUT pinned_utilisation float8,
	OUT moves_out bigint, OUT moves_in bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_managers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_managers(crm.rebalance_plan) IS
	'per manager: capacity, load and utilisation before and after, pinned utilisation, relationships given and taken (orphans among those taken)';

-- text ids

CREATE TYPE crm.rebalance_plan_text;

CREATE FUNCTION crm.rebalance_plan_text_in(cstring) RETURNS crm.rebalance_plan_text
	AS 'MODULE_PATHNAME', 'rebalance_plan_text_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_text_in(cstring) IS
	'text input for crm.rebalance_plan_text (the JSON its output prints, or crm64:)';

CREATE FUNCTION crm.rebalance_plan_text_out(crm.rebalance_plan_text) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rebalance_plan_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_text_out(crm.rebalance_plan_text) IS
	'text output for crm.rebalance_plan_text (JSON, compact crm64: beyond 8 kB of binary)';

CREATE FUNCTION crm.rebalance_plan_text_recv(internal) RETURNS crm.rebalance_plan_text
	AS 'MODULE_PATHNAME', 'rebalance_plan_text_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_text_recv(internal) IS
	'binary input for crm.rebalance_plan_text (validated)';

CREATE FUNCTION crm.rebalance_plan_text_send(crm.rebalance_plan_text) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rebalance_plan_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_text_send(crm.rebalance_plan_text) IS
	'binary output for crm.rebalance_plan_text';

CREATE TYPE crm.rebalance_plan_text (
	INPUT = crm.rebalance_plan_text_in,
	OUTPUT = crm.rebalance_plan_text_out,
	RECEIVE = crm.rebalance_plan_text_recv,
	SEND = crm.rebalance_plan_text_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.rebalance_plan_text IS
	'result of crm.rebalance for text ids: loads per manager before and after, the moves and orphan assignments, and the summary';

CREATE FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8) IS
	'crm.rebalance transition, text ids: checks and appends a row (customer, manager, load, capacity)';

CREATE FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean) IS
	'crm.rebalance transition, text ids: checks and appends a row (customer, manager, load, capacity, movable)';

CREATE FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean, jsonb) IS
	'crm.rebalance transition, text ids: checks and appends a row (customer, manager, load, capacity, movable, options)';

CREATE FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean, float8, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_text_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_text_transfn(crm.rebalance_state, text, text, float8, float8, boolean, float8, jsonb) IS
	'crm.rebalance transition, text ids: checks and appends a row (customer, manager, load, capacity, movable, move_cost, options)';

CREATE FUNCTION crm.rebalance_text_finalfn(crm.rebalance_state) RETURNS crm.rebalance_plan_text
	AS 'MODULE_PATHNAME', 'rebalance_text_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_text_finalfn(crm.rebalance_state) IS
	'crm.rebalance final, text ids: checks the rows (duplicates, capacities) and solves';

CREATE AGGREGATE crm.rebalance(customer_id text, manager_id text, load float8, capacity float8) (
	SFUNC = crm.rebalance_text_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_text_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(text, text, float8, float8) IS
	'rebalancing plan for the group, text ids (see crm.rebalance(bigint, ...))';

CREATE AGGREGATE crm.rebalance(customer_id text, manager_id text, load float8, capacity float8, movable boolean) (
	SFUNC = crm.rebalance_text_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_text_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(text, text, float8, float8, boolean) IS
	'rebalancing plan for the group, text ids, movable = false pinning a customer to its manager';

CREATE AGGREGATE crm.rebalance(customer_id text, manager_id text, load float8, capacity float8, movable boolean, options jsonb) (
	SFUNC = crm.rebalance_text_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_text_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(text, text, float8, float8, boolean, jsonb) IS
	'rebalancing plan for the group, text ids, with options';

CREATE AGGREGATE crm.rebalance(customer_id text, manager_id text, load float8, capacity float8, movable boolean, move_cost float8, options jsonb) (
	SFUNC = crm.rebalance_text_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_text_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(text, text, float8, float8, boolean, float8, jsonb) IS
	'rebalancing plan for the group, text ids, moves weighted by their move cost, with options';

CREATE FUNCTION crm.moves(plan crm.rebalance_plan_text,
	OUT customer_id text, OUT from_manager text, OUT to_manager text, OUT load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_moves' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.moves(crm.rebalance_plan_text) IS
	'the reassignments of a plan by customer id (text ids, in byte order); from_manager is NULL for an orphan';

CREATE FUNCTION crm.plan_summary(plan crm.rebalance_plan_text,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT moves bigint, OUT moved_load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_summary(crm.rebalance_plan_text) IS
	'one row: managers, customers, orphans, peak utilisation before and after, the lower bound, the number and load of moves';

CREATE FUNCTION crm.plan_loads(plan crm.rebalance_plan_text,
	OUT manager_id text, OUT capacity float8, OUT load_before float8, OUT load_after float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_loads' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_loads(crm.rebalance_plan_text) IS
	'per manager (text ids): capacity, load before and after the plan';

CREATE FUNCTION crm.plan_report(plan crm.rebalance_plan_text,
	OUT target float8, OUT minimise text, OUT max_moves bigint,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT over_target_before integer, OUT over_target_after integer,
	OUT load_over_target_before float8, OUT load_over_target_after float8,
	OUT moves bigint, OUT moved_load float8, OUT moved_cost float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_report' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_report(crm.rebalance_plan_text) IS
	'one row: the options, the summary, managers and load above target before and after, relationships moved, their load and move cost';

CREATE FUNCTION crm.plan_managers(plan crm.rebalance_plan_text,
	OUT manager_id text, OUT capacity float8, OUT load_before float8, OUT load_after float8,
	OUT utilisation_before float8, OUT utilisation_after float8, OUT pinned_utilisation float8,
	OUT moves_out bigint, OUT moves_in bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_managers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_managers(crm.rebalance_plan_text) IS
	'per manager (text ids): capacity, load and utilisation before and after, pinned utilisation, relationships given and taken';

-- uuid ids

CREATE TYPE crm.rebalance_plan_uuid;

CREATE FUNCTION crm.rebalance_plan_uuid_in(cstring) RETURNS crm.rebalance_plan_uuid
	AS 'MODULE_PATHNAME', 'rebalance_plan_uuid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_uuid_in(cstring) IS
	'text input for crm.rebalance_plan_uuid (the JSON its output prints, or crm64:)';

CREATE FUNCTION crm.rebalance_plan_uuid_out(crm.rebalance_plan_uuid) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rebalance_plan_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_uuid_out(crm.rebalance_plan_uuid) IS
	'text output for crm.rebalance_plan_uuid (JSON, compact crm64: beyond 8 kB of binary)';

CREATE FUNCTION crm.rebalance_plan_uuid_recv(internal) RETURNS crm.rebalance_plan_uuid
	AS 'MODULE_PATHNAME', 'rebalance_plan_uuid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_uuid_recv(internal) IS
	'binary input for crm.rebalance_plan_uuid (validated)';

CREATE FUNCTION crm.rebalance_plan_uuid_send(crm.rebalance_plan_uuid) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rebalance_plan_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_uuid_send(crm.rebalance_plan_uuid) IS
	'binary output for crm.rebalance_plan_uuid';

CREATE TYPE crm.rebalance_plan_uuid (
	INPUT = crm.rebalance_plan_uuid_in,
	OUTPUT = crm.rebalance_plan_uuid_out,
	RECEIVE = crm.rebalance_plan_uuid_recv,
	SEND = crm.rebalance_plan_uuid_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.rebalance_plan_uuid IS
	'result of crm.rebalance for uuid ids: loads per manager before and after, the moves and orphan assignments, and the summary';

CREATE FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_uuid_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8) IS
	'crm.rebalance transition, uuid ids: checks and appends a row (customer, manager, load, capacity)';

CREATE FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_uuid_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean) IS
	'crm.rebalance transition, uuid ids: checks and appends a row (customer, manager, load, capacity, movable)';

CREATE FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_uuid_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean, jsonb) IS
	'crm.rebalance transition, uuid ids: checks and appends a row (customer, manager, load, capacity, movable, options)';

CREATE FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean, float8, jsonb)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_uuid_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_uuid_transfn(crm.rebalance_state, uuid, uuid, float8, float8, boolean, float8, jsonb) IS
	'crm.rebalance transition, uuid ids: checks and appends a row (customer, manager, load, capacity, movable, move_cost, options)';

CREATE FUNCTION crm.rebalance_uuid_finalfn(crm.rebalance_state) RETURNS crm.rebalance_plan_uuid
	AS 'MODULE_PATHNAME', 'rebalance_uuid_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_uuid_finalfn(crm.rebalance_state) IS
	'crm.rebalance final, uuid ids: checks the rows (duplicates, capacities) and solves';

CREATE AGGREGATE crm.rebalance(customer_id uuid, manager_id uuid, load float8, capacity float8) (
	SFUNC = crm.rebalance_uuid_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_uuid_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(uuid, uuid, float8, float8) IS
	'rebalancing plan for the group, uuid ids (see crm.rebalance(bigint, ...))';

CREATE AGGREGATE crm.rebalance(customer_id uuid, manager_id uuid, load float8, capacity float8, movable boolean) (
	SFUNC = crm.rebalance_uuid_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_uuid_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(uuid, uuid, float8, float8, boolean) IS
	'rebalancing plan for the group, uuid ids, movable = false pinning a customer to its manager';

CREATE AGGREGATE crm.rebalance(customer_id uuid, manager_id uuid, load float8, capacity float8, movable boolean, options jsonb) (
	SFUNC = crm.rebalance_uuid_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_uuid_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(uuid, uuid, float8, float8, boolean, jsonb) IS
	'rebalancing plan for the group, uuid ids, with options';

CREATE AGGREGATE crm.rebalance(customer_id uuid, manager_id uuid, load float8, capacity float8, movable boolean, move_cost float8, options jsonb) (
	SFUNC = crm.rebalance_uuid_transfn, STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn, FINALFUNC = crm.rebalance_uuid_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rebalance(uuid, uuid, float8, float8, boolean, float8, jsonb) IS
	'rebalancing plan for the group, uuid ids, moves weighted by their move cost, with options';

CREATE FUNCTION crm.moves(plan crm.rebalance_plan_uuid,
	OUT customer_id uuid, OUT from_manager uuid, OUT to_manager uuid, OUT load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_moves' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.moves(crm.rebalance_plan_uuid) IS
	'the reassignments of a plan by customer id (uuid ids); from_manager is NULL for an orphan';

CREATE FUNCTION crm.plan_summary(plan crm.rebalance_plan_uuid,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT moves bigint, OUT moved_load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_summary(crm.rebalance_plan_uuid) IS
	'one row: managers, customers, orphans, peak utilisation before and after, the lower bound, the number and load of moves';

CREATE FUNCTION crm.plan_loads(plan crm.rebalance_plan_uuid,
	OUT manager_id uuid, OUT capacity float8, OUT load_before float8, OUT load_after float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_loads' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_loads(crm.rebalance_plan_uuid) IS
	'per manager (uuid ids): capacity, load before and after the plan';

CREATE FUNCTION crm.plan_report(plan crm.rebalance_plan_uuid,
	OUT target float8, OUT minimise text, OUT max_moves bigint,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT over_target_before integer, OUT over_target_after integer,
	OUT load_over_target_before float8, OUT load_over_target_after float8,
	OUT moves bigint, OUT moved_load float8, OUT moved_cost float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_report' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_report(crm.rebalance_plan_uuid) IS
	'one row: the options, the summary, managers and load above target before and after, relationships moved, their load and move cost';

CREATE FUNCTION crm.plan_managers(plan crm.rebalance_plan_uuid,
	OUT manager_id uuid, OUT capacity float8, OUT load_before float8, OUT load_after float8,
	OUT utilisation_before float8, OUT utilisation_after float8, OUT pinned_utilisation float8,
	OUT moves_out bigint, OUT moves_in bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_managers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_managers(crm.rebalance_plan_uuid) IS
	'per manager (uuid ids): capacity, load and utilisation before and after, pinned utilisation, relationships given and taken';

-- end of the rebalancing block


-- ===========================================================================
-- BEGIN issue 17: fitting scorecards from data (crm.scorecard_fit), their
-- statistics (crm.scorecard_bins, crm.scorecard_iv), validation (crm.auc,
-- crm.ks) and monitoring (crm.psi).  The same statements as the install
-- script's sections src/sql/45_scoring_fit.sql and 46_scoring_validation.sql.
-- crm.scorecard's SQL definition is unchanged: fitted cards are its stored
-- format version 2, and version 1 values (every card stored by 0.1.0) read
-- back byte for byte.
-- ===========================================================================
CREATE TYPE crm.scorecard_fit_state;

CREATE FUNCTION crm.scorecard_fit_state_in(cstring) RETURNS crm.scorecard_fit_state
	AS 'MODULE_PATHNAME', 'scorecard_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_state_in(cstring) IS
	'text input for crm.scorecard_fit_state: the compact form crm64:<base64 of the binary form>, checked in full';

CREATE FUNCTION crm.scorecard_fit_state_out(crm.scorecard_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'scorecard_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_state_out(crm.scorecard_fit_state) IS
	'text output for crm.scorecard_fit_state: crm64:<base64 of the binary form>';

CREATE FUNCTION crm.scorecard_fit_state_recv(internal) RETURNS crm.scorecard_fit_state
	AS 'MODULE_PATHNAME', 'scorecard_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_state_recv(internal) IS
	'binary input for crm.scorecard_fit_state (checked like the text form)';

CREATE FUNCTION crm.scorecard_fit_state_send(crm.scorecard_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'scorecard_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_state_send(crm.scorecard_fit_state) IS
	'binary output for crm.scorecard_fit_state';

CREATE TYPE crm.scorecard_fit_state (
	INPUT = crm.scorecard_fit_state_in,
	OUTPUT = crm.scorecard_fit_state_out,
	RECEIVE = crm.scorecard_fit_state_recv,
	SEND = crm.scorecard_fit_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.scorecard_fit_state IS
	'state of crm.scorecard_fit: options, per-factor value summaries with target counts (exact up to 4,096 numeric or 10,000 category values a factor) and a bottom-k sample of distinct rows for the regression (exact up to sample_rows distinct rows)';

CREATE FUNCTION crm.scorecard_fit_transfn(crm.scorecard_fit_state, boolean, jsonb) RETURNS crm.scorecard_fit_state
	AS 'MODULE_PATHNAME', 'scorecard_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_transfn(crm.scorecard_fit_state, boolean, jsonb) IS
	'crm.scorecard_fit transition: adds a row (target, attributes) to the state; NULL targets are skipped';

CREATE FUNCTION crm.scorecard_fit_transfn(crm.scorecard_fit_state, boolean, jsonb, jsonb) RETURNS crm.scorecard_fit_state
	AS 'MODULE_PATHNAME', 'scorecard_fit_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_transfn(crm.scorecard_fit_state, boolean, jsonb, jsonb) IS
	'crm.scorecard_fit transition with options (read from the first row)';

CREATE FUNCTION crm.scorecard_fit_combinefn(crm.scorecard_fit_state, crm.scorecard_fit_state) RETURNS crm.scorecard_fit_state
	AS 'MODULE_PATHNAME', 'scorecard_fit_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_combinefn(crm.scorecard_fit_state, crm.scorecard_fit_state) IS
	'crm.scorecard_fit combine: the second partial state (checked) added into the first; both made with the same options';

CREATE FUNCTION crm.scorecard_fit_finalfn(crm.scorecard_fit_state) RETURNS crm.scorecard
	AS 'MODULE_PATHNAME', 'scorecard_fit_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_fit_finalfn(crm.scorecard_fit_state) IS
	'crm.scorecard_fit final: bins, weights of evidence, logistic regression, points; the card with its fit statistics (NULL without rows)';

CREATE AGGREGATE crm.scorecard_fit(target boolean, attrs jsonb, options jsonb) (
	SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state,
	COMBINEFUNC = crm.scorecard_fit_combinefn, FINALFUNC = crm.scorecard_fit_finalfn,
	FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.scorecard_fit(boolean, jsonb, jsonb) IS
	'fits a points card from labelled rows: binning, WOE, logistic regression on WOE, points scaled by points0, odds0 and pdo; options max_bins, prebins, min_bin_share, monotone, missing, higher, points0, odds0, pdo, precision, sample_rows, max_iter, name, version, levels, include, exclude, categorical';

CREATE AGGREGATE crm.scorecard_fit(target boolean, attrs jsonb) (
	SFUNC = crm.scorecard_fit_transfn, STYPE = crm.scorecard_fit_state,
	COMBINEFUNC = crm.scorecard_fit_combinefn, FINALFUNC = crm.scorecard_fit_finalfn,
	FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.scorecard_fit(boolean, jsonb) IS
	'fits a points card from labelled rows (default options: 10 bins of at least 5% of the rows, 600 points at odds 1:19, 20 points to double the odds)';

CREATE FUNCTION crm.scorecard_bins(card crm.scorecard,
	OUT factor text, OUT bin text, OUT woe float8, OUT count bigint, OUT target_rate float8,
	OUT points float8, OUT iv float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scorecard_bins' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_bins(crm.scorecard) IS
	'every bin of a card (numeric bins, listed values, * for other values, null for a missing one) with its points; for a fitted card also its weight of evidence, training rows, target rate and the factor''s information value';

CREATE FUNCTION crm.scorecard_iv(card crm.scorecard,
	OUT ordinal integer, OUT factor text, OUT iv float8, OUT coefficient float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scorecard_iv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_iv(crm.scorecard) IS
	'the factors of a card with their information value and logistic-regression coefficient (NULL for a card that was not fitted)';

CREATE TYPE crm.roc_state;

CREATE FUNCTION crm.roc_state_in(cstring) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'roc_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.roc_state_in(cstring) IS
	'text input for crm.roc_state: the compact form crm64:<base64 of the binary form> (entries checked)';

CREATE FUNCTION crm.roc_state_out(crm.roc_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'roc_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.roc_state_out(crm.roc_state) IS
	'text output for crm.roc_state: crm64:<base64 of the binary form>';

CREATE FUNCTION crm.roc_state_recv(internal) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'roc_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.roc_state_recv(internal) IS
	'binary input for crm.roc_state (version byte, int64 count, entries of float8 score and uint32 counts with and without the target; checked)';

CREATE FUNCTION crm.roc_state_send(crm.roc_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'roc_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.roc_state_send(crm.roc_state) IS
	'binary output for crm.roc_state';

CREATE TYPE crm.roc_state (
	INPUT = crm.roc_state_in,
	OUTPUT = crm.roc_state_out,
	RECEIVE = crm.roc_state_recv,
	SEND = crm.roc_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.roc_state IS
	'state of crm.auc and crm.ks: every score with its rows with and without the target, 16 bytes a distinct score (equal scores merged), at most 50 million';

CREATE FUNCTION crm.auc_transfn(crm.roc_state, float8, boolean) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'auc_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.auc_transfn(crm.roc_state, float8, boolean) IS
	'crm.auc transition: adds (score, target) to the state; rows with a NULL score or target are skipped';

CREATE FUNCTION crm.auc_combinefn(crm.roc_state, crm.roc_state) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'auc_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.auc_combinefn(crm.roc_state, crm.roc_state) IS
	'crm.auc combine: the scores of both partial states';

CREATE FUNCTION crm.auc_finalfn(crm.roc_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'auc_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.auc_finalfn(crm.roc_state) IS
	'crm.auc final: the exact AUC (ties count half), NULL without rows of both classes';

CREATE AGGREGATE crm.auc(score float8, target boolean) (
	SFUNC = crm.auc_transfn, STYPE = crm.roc_state,
	COMBINEFUNC = crm.auc_combinefn, FINALFUNC = crm.auc_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.auc(float8, boolean) IS
	'area under the ROC curve: the probability that a row with the target (true) scores above one without, ties counted half; exact; never folded to max(AUC, 1 - AUC); Gini = 2 AUC - 1';

CREATE FUNCTION crm.ks_transfn(crm.roc_state, float8, boolean) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'ks_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ks_transfn(crm.roc_state, float8, boolean) IS
	'crm.ks transition: adds (score, target) to the state; rows with a NULL score or target are skipped';

CREATE FUNCTION crm.ks_combinefn(crm.roc_state, crm.roc_state) RETURNS crm.roc_state
	AS 'MODULE_PATHNAME', 'ks_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ks_combinefn(crm.roc_state, crm.roc_state) IS
	'crm.ks combine: the scores of both partial states';

CREATE FUNCTION crm.ks_finalfn(crm.roc_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'ks_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ks_finalfn(crm.roc_state) IS
	'crm.ks final: the Kolmogorov-Smirnov statistic, NULL without rows of both classes';

CREATE AGGREGATE crm.ks(score float8, target boolean) (
	SFUNC = crm.ks_transfn, STYPE = crm.roc_state,
	COMBINEFUNC = crm.ks_combinefn, FINALFUNC = crm.ks_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.ks(float8, boolean) IS
	'Kolmogorov-Smirnov statistic: the largest distance between the score distributions of the rows with and without the target, in [0, 1]; exact';

CREATE TYPE crm.psi_state;

CREATE FUNCTION crm.psi_state_in(cstring) RETURNS crm.psi_state
	AS 'MODULE_PATHNAME', 'psi_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_state_in(cstring) IS
	'text input for crm.psi_state: the compact form crm64:<base64 of the binary form> (checked)';

CREATE FUNCTION crm.psi_state_out(crm.psi_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'psi_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_state_out(crm.psi_state) IS
	'text output for crm.psi_state: crm64:<base64 of the binary form>';

CREATE FUNCTION crm.psi_state_recv(internal) RETURNS crm.psi_state
	AS 'MODULE_PATHNAME', 'psi_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_state_recv(internal) IS
	'binary input for crm.psi_state (checked like the text form)';

CREATE FUNCTION crm.psi_state_send(crm.psi_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'psi_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_state_send(crm.psi_state) IS
	'binary output for crm.psi_state';

CREATE TYPE crm.psi_state (
	INPUT = crm.psi_state_in,
	OUTPUT = crm.psi_state_out,
	RECEIVE = crm.psi_state_recv,
	SEND = crm.psi_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.psi_state IS
	'state of crm.psi: counts of the expected and the actual population over bins (of cut points, or of every factor of a card); fixed size';

CREATE FUNCTION crm.psi_transfn(crm.psi_state, float8, boolean, float8[]) RETURNS crm.psi_state
	AS 'MODULE_PATHNAME', 'psi_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_transfn(crm.psi_state, float8, boolean, float8[]) IS
	'crm.psi transition: counts the value in its bin of the cut points (NULL in a bin of its own) for the expected (actual false) or actual population';

CREATE FUNCTION crm.psi_combinefn(crm.psi_state, crm.psi_state) RETURNS crm.psi_state
	AS 'MODULE_PATHNAME', 'psi_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_combinefn(crm.psi_state, crm.psi_state) IS
	'crm.psi combine: the counts of both partial states (the same bins)';

CREATE FUNCTION crm.psi_finalfn(crm.psi_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'psi_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_finalfn(crm.psi_state) IS
	'crm.psi final: the population stability index, NULL without rows of both populations';

CREATE AGGREGATE crm.psi(value float8, actual boolean, cuts float8[]) (
	SFUNC = crm.psi_transfn, STYPE = crm.psi_state,
	COMBINEFUNC = crm.psi_combinefn, FINALFUNC = crm.psi_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.psi(float8, boolean, float8[]) IS
	'population stability index of the actual population (actual true) against the expected one (actual false) over the bins of the cut points (a value equal to a cut in the upper bin; NULL a bin of its own): sum (a - e) ln(a / e); an empty bin counts half a row';

CREATE FUNCTION crm.psi_card_transfn(crm.psi_state, crm.scorecard, jsonb, boolean) RETURNS crm.psi_state
	AS 'MODULE_PATHNAME', 'psi_card_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_card_transfn(crm.psi_state, crm.scorecard, jsonb, boolean) IS
	'crm.psi over a card transition: counts the entry (bin, listed value, other, missing) of every factor the attributes fall in';

CREATE FUNCTION crm.psi_card_finalfn(crm.psi_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'psi_card_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.psi_card_finalfn(crm.psi_state) IS
	'crm.psi over a card final: a JSON object {"factor": psi, ...}, null for a factor without rows of both populations';

CREATE AGGREGATE crm.psi(card crm.scorecard, attrs jsonb, actual boolean) (
	SFUNC = crm.psi_card_transfn, STYPE = crm.psi_state,
	COMBINEFUNC = crm.psi_combinefn, FINALFUNC = crm.psi_card_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.psi(crm.scorecard, jsonb, boolean) IS
	'population stability index of every factor of a card over its bins (listed values, other and missing values included): a JSON object of factor: PSI';

-- END issue 17
