-- ===========================================================================
-- fitting a scorecard from data (since 0.2.0)
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
