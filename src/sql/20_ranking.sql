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
