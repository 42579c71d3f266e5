-- crm 0.1.0 -> 0.2.0: the SQL changes of 0.2.0 (see CHANGELOG.md).
--
-- make wraps this file with the schema checks every upgrade runs (see the
-- Makefile's UPGRADE_WRAP); each change below comes with its COMMENT, as in
-- the install script.  A changed result type is a DROP and a CREATE.

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
