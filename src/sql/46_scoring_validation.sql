-- ===========================================================================
-- validating and monitoring scores (since 0.2.0)
-- ===========================================================================

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
