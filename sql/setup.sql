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

-- the helper itself: an error, and no error
SELECT crm_test.error_of('SELECT 1/0');
SELECT crm_test.error_of('SELECT 1');
-- the extension is installed in schema crm, at the version of crm.control
SELECT extname, extversion, nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'crm';
