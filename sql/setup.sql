-- Helpers shared by the pg_regress suites; runs first (see REGRESS in Makefile).
--
-- crm_test.error_of(statement) runs a statement and returns
-- 'SQLSTATE: message' for the error it raises (with '; DETAIL' when the
-- error has one), or 'no error'.  Bad-input
-- blocks use it to show one input per line with its SQLSTATE, so an
-- internal error (XX000) or a missing error shows up in the diff.
CREATE SCHEMA crm_test;
CREATE FUNCTION crm_test.error_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
	detail text;
BEGIN
	EXECUTE statement;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL;
	RETURN state || ': ' || msg || coalesce('; ' || nullif(detail, ''), '');
END
$$;

-- crm_test.copy_binary(tab, field) loads a binary COPY file of one row whose
-- one field holds exactly the given bytes into table tab: what the type's
-- recv function is handed.  The file is written on the server, in its data
-- directory (lo_export), so no client directory needs to be readable by the
-- server, and removed afterwards.
CREATE FUNCTION crm_test.copy_binary(tab text, field bytea) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	f text := 'crm_regress_recv_' || pg_backend_pid() || '.bin';
	lo oid := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
	                            || '\x0001'::bytea || int4send(length(field)) || field || '\xffff'::bytea);
BEGIN
	PERFORM lo_export(lo, f);
	PERFORM lo_unlink(lo);
	BEGIN
		EXECUTE format('COPY %s FROM %L WITH (FORMAT binary)', tab, f);
	EXCEPTION WHEN OTHERS THEN
		-- a COPY of no rows: rm reads nothing, so no pipe can break
		EXECUTE format('COPY (SELECT 1 WHERE false) TO PROGRAM %L', 'rm -f ' || f);
		RAISE;
	END;
	EXECUTE format('COPY (SELECT 1 WHERE false) TO PROGRAM %L', 'rm -f ' || f);
END
$$;

-- the helper itself: an error, and no error
SELECT crm_test.error_of('SELECT 1/0');
SELECT crm_test.error_of('SELECT 1');
-- the extension is installed in schema crm, at the version of crm.control
SELECT extname, extversion, nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'crm';
