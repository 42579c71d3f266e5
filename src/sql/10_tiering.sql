-- ===========================================================================
-- tiers type
-- ===========================================================================

CREATE TYPE crm.tiers;

CREATE FUNCTION crm.tiers_in(cstring) RETURNS crm.tiers
	AS 'MODULE_PATHNAME', 'tiers_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_in(cstring) IS
	'text input for crm.tiers: {mass, priority >= 80000, sunflower >= 500000}';

CREATE FUNCTION crm.tiers_out(crm.tiers) RETURNS cstring
	AS 'MODULE_PATHNAME', 'tiers_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_out(crm.tiers) IS
	'text output for crm.tiers (reads back to an equal value)';

CREATE FUNCTION crm.tiers_recv(internal) RETURNS crm.tiers
	AS 'MODULE_PATHNAME', 'tiers_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_recv(internal) IS
	'binary input for crm.tiers (validated like the text form)';

CREATE FUNCTION crm.tiers_send(crm.tiers) RETURNS bytea
	AS 'MODULE_PATHNAME', 'tiers_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_send(crm.tiers) IS
	'binary output for crm.tiers';

CREATE TYPE crm.tiers (
	INPUT = crm.tiers_in,
	OUTPUT = crm.tiers_out,
	RECEIVE = crm.tiers_recv,
	SEND = crm.tiers_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.tiers IS
	'ordered, labelled tier bands: the first tier runs from -Infinity, each further tier from its floor (a value equal to a floor belongs to the upper tier)';

CREATE FUNCTION crm.tiers_eq(crm.tiers, crm.tiers) RETURNS boolean
	AS 'MODULE_PATHNAME', 'tiers_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_eq(crm.tiers, crm.tiers) IS
	'true when two schemes have the same labels and bounds';

CREATE FUNCTION crm.tiers_ne(crm.tiers, crm.tiers) RETURNS boolean
	AS 'MODULE_PATHNAME', 'tiers_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_ne(crm.tiers, crm.tiers) IS
	'true when two schemes differ in a label or a bound';

CREATE FUNCTION crm.tiers_hash(crm.tiers) RETURNS integer
	AS 'MODULE_PATHNAME', 'tiers_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_hash(crm.tiers) IS
	'hash of a scheme, for GROUP BY and DISTINCT';

CREATE OPERATOR crm.= (
	LEFTARG = crm.tiers, RIGHTARG = crm.tiers, PROCEDURE = crm.tiers_eq,
	COMMUTATOR = OPERATOR(crm.=), NEGATOR = OPERATOR(crm.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR crm.= (crm.tiers, crm.tiers) IS 'equal schemes';

CREATE OPERATOR crm.<> (
	LEFTARG = crm.tiers, RIGHTARG = crm.tiers, PROCEDURE = crm.tiers_ne,
	COMMUTATOR = OPERATOR(crm.<>), NEGATOR = OPERATOR(crm.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR crm.<> (crm.tiers, crm.tiers) IS 'different schemes';

CREATE OPERATOR CLASS crm.tiers_hash_ops
	DEFAULT FOR TYPE crm.tiers USING hash AS
	OPERATOR 1 crm.= (crm.tiers, crm.tiers),
	FUNCTION 1 crm.tiers_hash(crm.tiers);

-- ===========================================================================
-- tiers functions
-- ===========================================================================

CREATE FUNCTION crm.tiers(labels text[], bounds float8[]) RETURNS crm.tiers
	AS 'MODULE_PATHNAME', 'tiers_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers(text[], float8[]) IS
	'tier scheme from n labels and n - 1 strictly ascending bounds; label i covers [bounds[i-1], bounds[i])';

CREATE FUNCTION crm.labels(scheme crm.tiers) RETURNS text[]
	AS 'MODULE_PATHNAME', 'tiers_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.labels(crm.tiers) IS
	'the labels of a scheme, lowest tier first';

CREATE FUNCTION crm.bounds(scheme crm.tiers) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'tiers_bounds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bounds(crm.tiers) IS
	'the bounds (tier floors) of a scheme, ascending; one fewer than the labels';

CREATE FUNCTION crm.tier(value float8, scheme crm.tiers) RETURNS text
	AS 'MODULE_PATHNAME', 'tier_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier(float8, crm.tiers) IS
	'label of the tier the value falls in (a value equal to a floor belongs to the upper tier); NaN and Infinity are errors';

CREATE FUNCTION crm.tier(value numeric, scheme crm.tiers) RETURNS text
	AS 'MODULE_PATHNAME', 'tier_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier(numeric, crm.tiers) IS
	'label of the tier a numeric value falls in, compared exactly with each floor''s decimal value (never rounded through float8)';

CREATE FUNCTION crm.tier_index(value float8, scheme crm.tiers) RETURNS integer
	AS 'MODULE_PATHNAME', 'tier_index_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier_index(float8, crm.tiers) IS
	'1-based index of the tier the value falls in (1 = lowest)';

CREATE FUNCTION crm.tier_index(value numeric, scheme crm.tiers) RETURNS integer
	AS 'MODULE_PATHNAME', 'tier_index_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier_index(numeric, crm.tiers) IS
	'1-based index of the tier a numeric value falls in, compared exactly';

CREATE FUNCTION crm.tier_rank(label text, scheme crm.tiers) RETURNS integer
	AS 'MODULE_PATHNAME', 'tier_rank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier_rank(text, crm.tiers) IS
	'1-based position of a label in the scheme (1 = lowest tier), to ORDER BY tiers in their order instead of alphabetically; NULL for a label the scheme does not have';

CREATE FUNCTION crm.tier(value float8, scheme crm.tiers, current_tier text, grace float8)
	RETURNS text
	AS 'MODULE_PATHNAME', 'tier_hysteresis' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.tier(float8, crm.tiers, text, float8) IS
	'tier with hysteresis: upgrades at once; keeps current_tier while value >= its floor * (1 - grace); NULL current_tier = plain crm.tier';

CREATE FUNCTION crm.tiers_preset(name text) RETURNS crm.tiers
	AS 'MODULE_PATHNAME', 'tiers_preset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tiers_preset(text) IS
	'a published tier scheme by name: cn_retail_aum, us_wealth, corporate_sales_usd, telecom_monthly_spend (see crm.tiers_presets())';

CREATE FUNCTION crm.tiers_presets(
	OUT name text, OUT tiers crm.tiers, OUT description text, OUT source text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'tiers_presets' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 4;
COMMENT ON FUNCTION crm.tiers_presets() IS
	'the built-in tier presets with their description and source';

-- ===========================================================================
-- ranking window functions: ABC classes, quantile scores, RFM segments
-- ===========================================================================

CREATE FUNCTION crm.abc(value float8) RETURNS text
	AS 'MODULE_PATHNAME', 'abc_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.abc(float8) IS
	'Pareto class over the window partition with a = 0.8, b = 0.95: A when the positive values strictly above this one hold less than 80% of the positive total, B below 95%, else C';

CREATE FUNCTION crm.abc(value float8, a float8, b float8) RETURNS text
	AS 'MODULE_PATHNAME', 'abc_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.abc(float8, float8, float8) IS
	'Pareto class over the window partition: A when the positive values strictly above this one hold less than a of the positive total, B below b, else C; values <= 0 are C; independent of the window ORDER BY';

CREATE FUNCTION crm.quantile_score(value float8) RETURNS integer
	AS 'MODULE_PATHNAME', 'quantile_score_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.quantile_score(float8) IS
	'quintile score 1..5 over the window partition, min(5, floor(5 * L / N) + 1) with L the number of values strictly below; equal values get equal scores';

CREATE FUNCTION crm.quantile_score(value float8, n integer) RETURNS integer
	AS 'MODULE_PATHNAME', 'quantile_score_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.quantile_score(float8, integer) IS
	'quantile score 1..n over the window partition, min(n, floor(n * L / N) + 1) with L the number of values strictly below; equal values get equal scores (unlike ntile)';

CREATE FUNCTION crm.rfm_segment(r integer, f integer, m integer) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(integer, integer, integer) IS
	'RFM segment for recency, frequency and monetary scores 1..5: champions, loyal, potential_loyalist, new, promising, need_attention, about_to_sleep, at_risk, cannot_lose, hibernating or lost';

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

-- ===========================================================================
-- lifecycle
-- ===========================================================================

CREATE FUNCTION crm.lifecycle(
	first_active date, last_active date, active_months integer, as_of date,
	new_months integer DEFAULT 3, loyal_months integer DEFAULT 12,
	dormant_days integer DEFAULT 90, lost_days integer DEFAULT 365)
	RETURNS text
	AS 'MODULE_PATHNAME', 'lifecycle_stage' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle(date, date, integer, date, integer, integer, integer, integer) IS
	'lifecycle stage as of a date: potential (never active), lost, dormant, new, loyal or active';

-- ===========================================================================
-- reporting in psql
-- ===========================================================================

CREATE FUNCTION crm.bar(value float8, max float8, width integer DEFAULT 20) RETURNS text
	AS 'MODULE_PATHNAME', 'bar_chart' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bar(float8, float8, integer) IS
	'text bar of value / max over width cells in Unicode block characters (eighth-cell resolution), value clamped to [0, max]; a max of 0 gives an empty bar';
