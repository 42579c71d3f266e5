-- citus_emul 1.0: test-only (see citus_emul.c)
\echo Use "CREATE EXTENSION citus_emul" to load this file. \quit

CREATE FUNCTION citus_emul.partial_sfunc(internal, regprocedure, anyelement) RETURNS internal
	AS 'MODULE_PATHNAME', 'partial_sfunc' LANGUAGE C;
CREATE FUNCTION citus_emul.partial_ffunc(internal) RETURNS text
	AS 'MODULE_PATHNAME', 'partial_ffunc' LANGUAGE C;
-- the worker half: one partial state per group, in its text form
CREATE AGGREGATE citus_emul.partial_agg(regprocedure, anyelement) (
	SFUNC = citus_emul.partial_sfunc, STYPE = internal,
	FINALFUNC = citus_emul.partial_ffunc
);
COMMENT ON AGGREGATE citus_emul.partial_agg(regprocedure, anyelement) IS
	'worker half of a split aggregate: the partial state of the rows as text (ROW(...) for several arguments)';

CREATE FUNCTION citus_emul.combine_sfunc(internal, regprocedure, text, anyelement) RETURNS internal
	AS 'MODULE_PATHNAME', 'combine_sfunc' LANGUAGE C;
CREATE FUNCTION citus_emul.combine_ffunc(internal, regprocedure, text, anyelement) RETURNS anyelement
	AS 'MODULE_PATHNAME', 'combine_ffunc' LANGUAGE C;
-- the coordinator half: reads, merges in the aggregate's input order, finalises
CREATE AGGREGATE citus_emul.combine_agg(regprocedure, text, anyelement) (
	SFUNC = citus_emul.combine_sfunc, STYPE = internal,
	FINALFUNC = citus_emul.combine_ffunc, FINALFUNC_EXTRA
);
COMMENT ON AGGREGATE citus_emul.combine_agg(regprocedure, text, anyelement) IS
	'coordinator half of a split aggregate: input function, combine in input order, final function; the third argument is a NULL of the result type';
