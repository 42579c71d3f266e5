-- ===========================================================================
-- reporting in psql
-- ===========================================================================

CREATE FUNCTION crm.bar(value float8, max float8, width integer DEFAULT 20) RETURNS text
	AS 'MODULE_PATHNAME', 'bar_chart' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bar(float8, float8, integer) IS
	'text bar of value / max over width cells in Unicode block characters (eighth-cell resolution), value clamped to [0, max]';
