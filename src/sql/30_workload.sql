-- ===========================================================================
-- service policy type
-- ===========================================================================

CREATE TYPE crm.service_policy;

CREATE FUNCTION crm.service_policy_in(cstring) RETURNS crm.service_policy
	AS 'MODULE_PATHNAME', 'service_policy_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_in(cstring) IS
	'text input for crm.service_policy: A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; *: {...}';

CREATE FUNCTION crm.service_policy_out(crm.service_policy) RETURNS cstring
	AS 'MODULE_PATHNAME', 'service_policy_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_out(crm.service_policy) IS
	'canonical text output for crm.service_policy (reads back to an equal policy)';

CREATE FUNCTION crm.service_policy_recv(internal) RETURNS crm.service_policy
	AS 'MODULE_PATHNAME', 'service_policy_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_recv(internal) IS
	'binary input for crm.service_policy (validated like the text form)';

CREATE FUNCTION crm.service_policy_send(crm.service_policy) RETURNS bytea
	AS 'MODULE_PATHNAME', 'service_policy_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_send(crm.service_policy) IS
	'binary output for crm.service_policy';

CREATE TYPE crm.service_policy (
	INPUT = crm.service_policy_in,
	OUTPUT = crm.service_policy_out,
	RECEIVE = crm.service_policy_recv,
	SEND = crm.service_policy_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.service_policy IS
	'service standards per customer tier: visits and calls per year, minutes per visit and per call, travel minutes per visit; an optional * entry for unlisted tiers';

CREATE FUNCTION crm.service_policy_eq(crm.service_policy, crm.service_policy) RETURNS boolean
	AS 'MODULE_PATHNAME', 'service_policy_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_eq(crm.service_policy, crm.service_policy) IS
	'true when two policies are the same (same canonical form)';

CREATE FUNCTION crm.service_policy_ne(crm.service_policy, crm.service_policy) RETURNS boolean
	AS 'MODULE_PATHNAME', 'service_policy_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_ne(crm.service_policy, crm.service_policy) IS
	'true when two policies differ';

CREATE FUNCTION crm.service_policy_hash(crm.service_policy) RETURNS integer
	AS 'MODULE_PATHNAME', 'service_policy_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_hash(crm.service_policy) IS
	'hash of a policy, for GROUP BY and DISTINCT';

CREATE OPERATOR crm.= (
	LEFTARG = crm.service_policy, RIGHTARG = crm.service_policy, PROCEDURE = crm.service_policy_eq,
	COMMUTATOR = OPERATOR(crm.=), NEGATOR = OPERATOR(crm.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR crm.= (crm.service_policy, crm.service_policy) IS 'equal policies';

CREATE OPERATOR crm.<> (
	LEFTARG = crm.service_policy, RIGHTARG = crm.service_policy, PROCEDURE = crm.service_policy_ne,
	COMMUTATOR = OPERATOR(crm.<>), NEGATOR = OPERATOR(crm.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR crm.<> (crm.service_policy, crm.service_policy) IS 'different policies';

CREATE OPERATOR CLASS crm.service_policy_hash_ops
	DEFAULT FOR TYPE crm.service_policy USING hash AS
	OPERATOR 1 crm.= (crm.service_policy, crm.service_policy),
	FUNCTION 1 crm.service_policy_hash(crm.service_policy);

CREATE FUNCTION crm.service_policy(policy jsonb) RETURNS crm.service_policy
	AS 'MODULE_PATHNAME', 'service_policy_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy(jsonb) IS
	'policy from its JSON form: {"A+": {"visits_per_year": 4, "calls_per_year": 12, "visit_minutes": 60, "call_minutes": 10, "travel_minutes": 40}, "*": {...}}';

CREATE FUNCTION crm.service_policy_to_jsonb(policy crm.service_policy) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'service_policy_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_policy_to_jsonb(crm.service_policy) IS
	'the JSON form of a policy (also the cast to jsonb; crm.to_jsonb is the scorecard''s name, so untyped literals stay unambiguous; reads back with crm.service_policy(jsonb) to an equal policy)';

CREATE CAST (jsonb AS crm.service_policy) WITH FUNCTION crm.service_policy(jsonb);
CREATE CAST (crm.service_policy AS jsonb) WITH FUNCTION crm.service_policy_to_jsonb(crm.service_policy);

CREATE FUNCTION crm.policy_entries(policy crm.service_policy,
	OUT tier text, OUT visits_per_year float8, OUT calls_per_year float8,
	OUT visit_minutes float8, OUT call_minutes float8, OUT travel_minutes float8,
	OUT minutes_per_year float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'service_policy_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.policy_entries(crm.service_policy) IS
	'the entries of a policy (tiers sorted bytewise, * last) with the service minutes a year each implies';

CREATE FUNCTION crm.policy_entries(policy crm.service_policy, scheme crm.tiers,
	OUT tier text, OUT visits_per_year float8, OUT calls_per_year float8,
	OUT visit_minutes float8, OUT call_minutes float8, OUT travel_minutes float8,
	OUT minutes_per_year float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'service_policy_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.policy_entries(crm.service_policy, crm.tiers) IS
	'the entries of a policy in the order of a tier scheme (its tiers lowest first, then tiers it does not have, bytewise, then *) with the service minutes a year each implies';

-- ===========================================================================
-- workload functions (per customer and per manager)
-- ===========================================================================

CREATE FUNCTION crm.service_minutes(policy crm.service_policy, tier text,
	period interval DEFAULT '1 month') RETURNS float8
	AS 'MODULE_PATHNAME', 'service_minutes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.service_minutes(crm.service_policy, text, interval) IS
	'service minutes one customer of the tier needs over the period: (visits x (visit + travel minutes) + calls x call minutes) per year x the period as a fraction of a year (months/12 + days/365.25 + time/365.25 days)';

CREATE FUNCTION crm.visits_due(policy crm.service_policy, tier text,
	period interval DEFAULT '1 month') RETURNS float8
	AS 'MODULE_PATHNAME', 'visits_due' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.visits_due(crm.service_policy, text, interval) IS
	'visits due to one customer of the tier over the period (fractional)';

CREATE FUNCTION crm.calls_due(policy crm.service_policy, tier text,
	period interval DEFAULT '1 month') RETURNS float8
	AS 'MODULE_PATHNAME', 'calls_due' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.calls_due(crm.service_policy, text, interval) IS
	'calls due to one customer of the tier over the period (fractional)';

CREATE FUNCTION crm.contact_compliance(policy crm.service_policy, tier text,
	visits_done integer, calls_done integer, period interval DEFAULT '1 month') RETURNS float8
	AS 'MODULE_PATHNAME', 'contact_compliance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.contact_compliance(crm.service_policy, text, integer, integer, interval) IS
	'share in [0, 1] of the due contacts done over the period, each weighted by its minutes (visit: visit + travel, call: call); contacts beyond what is due do not count; 1 when nothing is due';

CREATE FUNCTION crm.required_fte(minutes float8, period interval,
	hours_per_fte_year float8 DEFAULT 1650) RETURNS float8
	AS 'MODULE_PATHNAME', 'required_fte' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.required_fte(float8, interval, float8) IS
	'full-time equivalents needed for service minutes over a period: minutes / 60 / (hours_per_fte_year x the period as a fraction of a year)';

CREATE FUNCTION crm.kpi_score(actual float8[], target float8[], weights float8[],
	cap float8 DEFAULT 1.2) RETURNS float8
	AS 'MODULE_PATHNAME', 'kpi_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.kpi_score(float8[], float8[], float8[], float8) IS
	'weighted achievement: sum of w x min(actual / target, cap) / sum of w; targets > 0, weights >= 0 with a positive sum';

-- ===========================================================================
-- staffing checks and daily contact quotas
-- ===========================================================================

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
-- gini
-- ===========================================================================

CREATE TYPE crm.gini_state;

CREATE FUNCTION crm.gini_state_in(cstring) RETURNS crm.gini_state
	AS 'MODULE_PATHNAME', 'gini_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_state_in(cstring) IS
	'text input for crm.gini_state: the compact form crm64:<base64 of the binary form> (values checked: finite, >= 0)';

CREATE FUNCTION crm.gini_state_out(crm.gini_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'gini_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_state_out(crm.gini_state) IS
	'text output for crm.gini_state: crm64:<base64 of the binary form> (reads back to the same values)';

CREATE FUNCTION crm.gini_state_recv(internal) RETURNS crm.gini_state
	AS 'MODULE_PATHNAME', 'gini_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_state_recv(internal) IS
	'binary input for crm.gini_state (version byte, int64 count, big-endian float8 values; checked like the text form)';

CREATE FUNCTION crm.gini_state_send(crm.gini_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'gini_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_state_send(crm.gini_state) IS
	'binary output for crm.gini_state';

CREATE TYPE crm.gini_state (
	INPUT = crm.gini_state_in,
	OUTPUT = crm.gini_state_out,
	RECEIVE = crm.gini_state_recv,
	SEND = crm.gini_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.gini_state IS
	'state of crm.gini: the values (8 bytes each, at most 100 million) in a buffer that doubles as it fills';

CREATE FUNCTION crm.gini_transfn(crm.gini_state, float8) RETURNS crm.gini_state
	AS 'MODULE_PATHNAME', 'gini_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_transfn(crm.gini_state, float8) IS
	'crm.gini transition: checks the value (finite, >= 0) and appends it to the state';

CREATE FUNCTION crm.gini_combinefn(crm.gini_state, crm.gini_state) RETURNS crm.gini_state
	AS 'MODULE_PATHNAME', 'gini_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_combinefn(crm.gini_state, crm.gini_state) IS
	'crm.gini combine: the values of both partial states';

CREATE FUNCTION crm.gini_finalfn(crm.gini_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'gini_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini_finalfn(crm.gini_state) IS
	'crm.gini final: the Gini coefficient of the values in the state';

CREATE AGGREGATE crm.gini(float8) (
	SFUNC = crm.gini_transfn,
	STYPE = crm.gini_state,
	COMBINEFUNC = crm.gini_combinefn,
	FINALFUNC = crm.gini_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.gini(float8) IS
	'load inequality: Gini coefficient of non-negative values such as manager loads (0 = all equal, towards 1 = one has everything), not the credit-scoring Gini 2 AUC - 1; NULLs ignored, NULL for no values, 0 when all are 0';

-- ===========================================================================
-- rebalancing
-- ===========================================================================

CREATE TYPE crm.rebalance_state;

CREATE FUNCTION crm.rebalance_state_in(cstring) RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_state_in(cstring) IS
	'text input for crm.rebalance_state: {["ids": "text" | "uuid",] ["options": {...},] ["costs": true,] "rows": [[customer, manager, load, capacity, movable(, move_cost)], ...]} or the compact crm64: form';

CREATE FUNCTION crm.rebalance_state_out(crm.rebalance_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rebalance_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_state_out(crm.rebalance_state) IS
	'text output for crm.rebalance_state (JSON, compact crm64: beyond 8 kB of binary; reads back to the same rows)';

CREATE FUNCTION crm.rebalance_state_recv(internal) RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_state_recv(internal) IS
	'binary input for crm.rebalance_state (validated row by row)';

CREATE FUNCTION crm.rebalance_state_send(crm.rebalance_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rebalance_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_state_send(crm.rebalance_state) IS
	'binary output for crm.rebalance_state';

CREATE TYPE crm.rebalance_state (
	INPUT = crm.rebalance_state_in,
	OUTPUT = crm.rebalance_state_out,
	RECEIVE = crm.rebalance_state_recv,
	SEND = crm.rebalance_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.rebalance_state IS
	'state of crm.rebalance: the input rows (customer, manager, load, capacity, flags [, move cost]), the id type and the options, in a buffer that doubles as it fills';

CREATE TYPE crm.rebalance_plan;

CREATE FUNCTION crm.rebalance_plan_in(cstring) RETURNS crm.rebalance_plan
	AS 'MODULE_PATHNAME', 'rebalance_plan_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_in(cstring) IS
	'text input for crm.rebalance_plan (the JSON its output prints, or crm64:)';

CREATE FUNCTION crm.rebalance_plan_out(crm.rebalance_plan) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rebalance_plan_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_out(crm.rebalance_plan) IS
	'text output for crm.rebalance_plan: JSON with the options, the summary, managers [id, capacity, pinned, load_before, load_after] and moves [customer, from, to, load]';

CREATE FUNCTION crm.rebalance_plan_recv(internal) RETURNS crm.rebalance_plan
	AS 'MODULE_PATHNAME', 'rebalance_plan_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_recv(internal) IS
	'binary input for crm.rebalance_plan (validated)';

CREATE FUNCTION crm.rebalance_plan_send(crm.rebalance_plan) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rebalance_plan_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_plan_send(crm.rebalance_plan) IS
	'binary output for crm.rebalance_plan';

CREATE TYPE crm.rebalance_plan (
	INPUT = crm.rebalance_plan_in,
	OUTPUT = crm.rebalance_plan_out,
	RECEIVE = crm.rebalance_plan_recv,
	SEND = crm.rebalance_plan_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.rebalance_plan IS
	'result of crm.rebalance for bigint ids: loads per manager before and after, the moves and orphan assignments, and the summary';

CREATE FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8) IS
	'crm.rebalance transition: checks and appends a row (customer, manager, load, capacity)';

CREATE FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_transfn(crm.rebalance_state, bigint, bigint, float8, float8, boolean) IS
	'crm.rebalance transition: checks and appends a row (customer, manager, load, capacity, movable)';

CREATE FUNCTION crm.rebalance_combinefn(crm.rebalance_state, crm.rebalance_state)
	RETURNS crm.rebalance_state
	AS 'MODULE_PATHNAME', 'rebalance_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_combinefn(crm.rebalance_state, crm.rebalance_state) IS
	'crm.rebalance combine: the rows of both partial states, which must come from the same kind of call (consistency of the rows is checked by the final function)';

CREATE FUNCTION crm.rebalance_finalfn(crm.rebalance_state) RETURNS crm.rebalance_plan
	AS 'MODULE_PATHNAME', 'rebalance_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rebalance_finalfn(crm.rebalance_state) IS
	'crm.rebalance final: checks the rows (duplicates, capacities) and solves';

CREATE AGGREGATE crm.rebalance(customer_id bigint, manager_id bigint, load float8, capacity float8) (
	SFUNC = crm.rebalance_transfn,
	STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn,
	FINALFUNC = crm.rebalance_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.rebalance(bigint, bigint, float8, float8) IS
	'rebalancing plan for the group: every manager at or below the target utilisation (1) or its pinned utilisation, nobody pushed over it, then the fewest relationships moved; NULL customer_id declares a manager, NULL manager_id an orphan to assign';

CREATE AGGREGATE crm.rebalance(customer_id bigint, manager_id bigint, load float8, capacity float8, movable boolean) (
	SFUNC = crm.rebalance_transfn,
	STYPE = crm.rebalance_state,
	COMBINEFUNC = crm.rebalance_combinefn,
	FINALFUNC = crm.rebalance_finalfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.rebalance(bigint, bigint, float8, float8, boolean) IS
	'rebalancing plan for the group, with movable = false pinning a customer to its manager';

CREATE FUNCTION crm.moves(plan crm.rebalance_plan,
	OUT customer_id bigint, OUT from_manager bigint, OUT to_manager bigint, OUT load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_moves' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.moves(crm.rebalance_plan) IS
	'the reassignments of a plan by customer id; from_manager is NULL for an orphan';

CREATE FUNCTION crm.plan_summary(plan crm.rebalance_plan,
	OUT managers integer, OUT customers bigint, OUT orphans bigint,
	OUT peak_before float8, OUT peak_after float8, OUT lower_bound float8,
	OUT moves bigint, OUT moved_load float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_summary(crm.rebalance_plan) IS
	'one row: managers, customers, orphans, peak utilisation before (customers with a manager) and after, the lower bound on any plan''s peak, and the number and load of moves (orphan assignments not counted)';

CREATE FUNCTION crm.plan_loads(plan crm.rebalance_plan,
	OUT manager_id bigint, OUT capacity float8, OUT load_before float8, OUT load_after float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'rebalance_plan_loads' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.plan_loads(crm.rebalance_plan) IS
	'per manager: capacity, load before and after the plan';

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
