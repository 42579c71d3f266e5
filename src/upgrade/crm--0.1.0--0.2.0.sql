-- crm 0.1.0 -> 0.2.0: the SQL changes of 0.2.0 (see CHANGELOG.md).
--
-- make wraps this file with the schema checks every upgrade runs (see the
-- Makefile's UPGRADE_WRAP); each change below comes with its COMMENT, as in
-- the install script.  A changed result type is a DROP and a CREATE.

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
