-- ===========================================================================
-- scorecard type
-- ===========================================================================

CREATE TYPE crm.scorecard;

CREATE FUNCTION crm.scorecard_in(cstring) RETURNS crm.scorecard
	AS 'MODULE_PATHNAME', 'scorecard_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_in(cstring) IS
	'text input for crm.scorecard: name aml; region: category {high_risk: 30, *: 0, null: 20}; levels: {low, high >= 30}';

CREATE FUNCTION crm.scorecard_out(crm.scorecard) RETURNS cstring
	AS 'MODULE_PATHNAME', 'scorecard_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_out(crm.scorecard) IS
	'canonical text output for crm.scorecard (reads back to an equal card)';

CREATE FUNCTION crm.scorecard_recv(internal) RETURNS crm.scorecard
	AS 'MODULE_PATHNAME', 'scorecard_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_recv(internal) IS
	'binary input for crm.scorecard (validated like the text form)';

CREATE FUNCTION crm.scorecard_send(crm.scorecard) RETURNS bytea
	AS 'MODULE_PATHNAME', 'scorecard_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_send(crm.scorecard) IS
	'binary output for crm.scorecard';

CREATE TYPE crm.scorecard (
	INPUT = crm.scorecard_in,
	OUTPUT = crm.scorecard_out,
	RECEIVE = crm.scorecard_recv,
	SEND = crm.scorecard_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.scorecard IS
	'additive points scorecard: numeric and category factors with points, points for missing and unlisted values, and level bands on the total';

CREATE FUNCTION crm.scorecard_eq(crm.scorecard, crm.scorecard) RETURNS boolean
	AS 'MODULE_PATHNAME', 'scorecard_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_eq(crm.scorecard, crm.scorecard) IS
	'true when two cards are the same (same canonical form)';

CREATE FUNCTION crm.scorecard_ne(crm.scorecard, crm.scorecard) RETURNS boolean
	AS 'MODULE_PATHNAME', 'scorecard_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_ne(crm.scorecard, crm.scorecard) IS
	'true when two cards differ';

CREATE FUNCTION crm.scorecard_hash(crm.scorecard) RETURNS integer
	AS 'MODULE_PATHNAME', 'scorecard_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_hash(crm.scorecard) IS
	'hash of a card, for GROUP BY and DISTINCT';

CREATE OPERATOR crm.= (
	LEFTARG = crm.scorecard, RIGHTARG = crm.scorecard, PROCEDURE = crm.scorecard_eq,
	COMMUTATOR = OPERATOR(crm.=), NEGATOR = OPERATOR(crm.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR crm.= (crm.scorecard, crm.scorecard) IS 'equal cards';

CREATE OPERATOR crm.<> (
	LEFTARG = crm.scorecard, RIGHTARG = crm.scorecard, PROCEDURE = crm.scorecard_ne,
	COMMUTATOR = OPERATOR(crm.<>), NEGATOR = OPERATOR(crm.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR crm.<> (crm.scorecard, crm.scorecard) IS 'different cards';

CREATE OPERATOR CLASS crm.scorecard_hash_ops
	DEFAULT FOR TYPE crm.scorecard USING hash AS
	OPERATOR 1 crm.= (crm.scorecard, crm.scorecard),
	FUNCTION 1 crm.scorecard_hash(crm.scorecard);

CREATE FUNCTION crm.scorecard(card jsonb) RETURNS crm.scorecard
	AS 'MODULE_PATHNAME', 'scorecard_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard(jsonb) IS
	'card from its JSON form: {"name", "version", "strict", "factors": [...], "levels": {"labels", "floors"}}';

CREATE FUNCTION crm.to_jsonb(card crm.scorecard) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'scorecard_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.to_jsonb(crm.scorecard) IS
	'the JSON form of a card (reads back with crm.scorecard(jsonb) to an equal card)';

CREATE CAST (jsonb AS crm.scorecard) WITH FUNCTION crm.scorecard(jsonb);
CREATE CAST (crm.scorecard AS jsonb) WITH FUNCTION crm.to_jsonb(crm.scorecard);

CREATE FUNCTION crm.levels(card crm.scorecard) RETURNS crm.tiers
	AS 'MODULE_PATHNAME', 'scorecard_levels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.levels(crm.scorecard) IS
	'the level bands of a card, as a crm.tiers scheme over the total';

CREATE FUNCTION crm.scorecard_factors(card crm.scorecard,
	OUT ordinal integer, OUT factor text, OUT kind text, OUT bins integer)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'scorecard_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.scorecard_factors(crm.scorecard) IS
	'the factors of a card in order (the order of the positional crm.score), with their kind and number of bins or listed values';

-- ===========================================================================
-- scoring
-- ===========================================================================

CREATE FUNCTION crm.score(card crm.scorecard, attrs jsonb) RETURNS float8
	AS 'MODULE_PATHNAME', 'score_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score(crm.scorecard, jsonb) IS
	'total points of a customer whose attributes are a JSON object of factor: value; absent keys and nulls get the missing points; NULL attrs = no attributes';

-- The positional forms have names of their own: with one overloaded name, an
-- untyped literal (crm.score(card, '{"region": "x"}')) could be either form.
CREATE FUNCTION crm.score_values(card crm.scorecard, VARIADIC "values" "any") RETURNS float8
	AS 'MODULE_PATHNAME', 'score_positional' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_values(crm.scorecard, "any") IS
	'total points from one value per factor, in factor order, each in its own SQL type (the fast form for bulk scoring); NULL values get the missing points';

CREATE FUNCTION crm.score_level(card crm.scorecard, attrs jsonb) RETURNS text
	AS 'MODULE_PATHNAME', 'score_level_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_level(crm.scorecard, jsonb) IS
	'level band of the total points of a JSON object of attributes';

CREATE FUNCTION crm.score_level_values(card crm.scorecard, VARIADIC "values" "any") RETURNS text
	AS 'MODULE_PATHNAME', 'score_level_positional' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_level_values(crm.scorecard, "any") IS
	'level band of the total points of one value per factor, in factor order';

-- ignore_unknown: attributes that are not factors are ignored even by a
-- strict card, so crm.score(card, to_jsonb(row), ignore_unknown => true)
-- scores a table row.  No default on the third argument: the two-argument
-- calls keep their functions.
CREATE FUNCTION crm.score(card crm.scorecard, attrs jsonb, ignore_unknown boolean) RETURNS float8
	AS 'MODULE_PATHNAME', 'score_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score(crm.scorecard, jsonb, boolean) IS
	'total points of a JSON object of attributes; with ignore_unknown, keys that are not factors are ignored even by a strict card (crm.score(card, to_jsonb(row), ignore_unknown => true))';

CREATE FUNCTION crm.score_level(card crm.scorecard, attrs jsonb, ignore_unknown boolean) RETURNS text
	AS 'MODULE_PATHNAME', 'score_level_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_level(crm.scorecard, jsonb, boolean) IS
	'level band of the total points of a JSON object of attributes; with ignore_unknown, keys that are not factors are ignored even by a strict card';

CREATE FUNCTION crm.level(card crm.scorecard, total float8) RETURNS text
	AS 'MODULE_PATHNAME', 'score_level_of_total' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.level(crm.scorecard, float8) IS
	'level band a total falls in (a total equal to a floor is in the upper band)';

CREATE FUNCTION crm.score_explain(card crm.scorecard, attrs jsonb,
	OUT factor text, OUT value text, OUT bin text, OUT points float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'score_explain_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_explain(crm.scorecard, jsonb) IS
	'one row per factor: the attribute value, the bin or listed value it matched (* other, null missing) and its points; the points sum to crm.score';

CREATE FUNCTION crm.score_explain(card crm.scorecard, attrs jsonb, ignore_unknown boolean,
	OUT factor text, OUT value text, OUT bin text, OUT points float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'score_explain_jsonb' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.score_explain(crm.scorecard, jsonb, boolean) IS
	'one row per factor, summing to crm.score; with ignore_unknown, keys that are not factors are ignored even by a strict card';

-- ===========================================================================
-- customer value
-- ===========================================================================

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
