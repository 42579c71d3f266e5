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
