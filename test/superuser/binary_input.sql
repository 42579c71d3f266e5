-- Binary input (recv) of crm.tiers and crm.scorecard on corrupted and
-- hostile data: every bad value is rejected with a specific SQLSTATE, never
-- accepted, never a crash.
-- Each case is a one-row binary COPY file whose field bytes are crafted from
-- crm.tiers_send() of a valid value; the file is written with lo_export.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(19);

CREATE TEMP TABLE t (s crm.tiers);
CREATE TEMP TABLE c (s crm.scorecard);

-- A binary COPY file holding one row with one field of the given bytes.
CREATE FUNCTION pg_temp.copy_file(field bytea) RETURNS bytea LANGUAGE sql AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea        -- PGCOPY\n\377\r\n\0
	       || '\x0000000000000000'::bytea            -- flags, header extension
	       || '\x0001'::bytea                        -- one field
	       || int4send(length(field)) || field
	       || '\xffff'::bytea                        -- trailer
$$;

-- COPY the crafted field into a table (t by default) through a server-side file.
CREATE FUNCTION pg_temp.load(field bytea, tab text DEFAULT 't') RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/crm_tap_recv_' || pg_backend_pid() || '.bin';
	lo oid := lo_from_bytea(0, pg_temp.copy_file(field));
BEGIN
	PERFORM lo_export(lo, f);
	PERFORM lo_unlink(lo);
	BEGIN
		EXECUTE format('COPY %I FROM %L WITH (FORMAT binary)', tab, f);
	EXCEPTION WHEN OTHERS THEN
		EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || f);
		RAISE;
	END;
	EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || f);
END
$$;

-- valid: {a, b >= 1} is 01 | 00000002 | 3ff0000000000000 | 00000001 61 | 00000001 62
SELECT is(crm.tiers_send('{a, b >= 1}'),
          '\x01000000023ff000000000000000000001610000000162'::bytea, 'binary layout of {a, b >= 1}');
SELECT lives_ok($$SELECT pg_temp.load('\x01000000023ff000000000000000000001610000000162')$$,
                'the valid value loads');
SELECT is((SELECT s::text FROM t), '{a, b >= 1}', 'and reads back equal');

-- structure (22P03): version, truncation, trailing bytes; values (22023,
-- 54000): the same rules and messages as the text form
SELECT throws_ok($$SELECT pg_temp.load('\x02000000023ff000000000000000000001610000000162')$$,
                 '22P03', 'invalid crm.tiers binary value: unsupported format version 2', 'unknown format version');
SELECT throws_ok($$SELECT pg_temp.load('\x0100000001000000016100')$$,
                 '22023', 'a tier scheme needs at least two tiers, got 1', 'one tier: as in the text form');
SELECT throws_ok($$SELECT pg_temp.load('\x01000003e9')$$,
                 '54000', 'a tier scheme can have at most 1000 tiers, got 1001', 'too many tiers: the limit, before reading on');
SELECT throws_ok($$SELECT pg_temp.load('\x01ffffffff')$$,
                 '22P03', 'invalid crm.tiers binary value: negative tier count -1', 'negative tier count');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000023ff00000000000007fffffff61')$$,
                 '22P03', 'crm.tiers binary value is truncated', 'label length beyond the value');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000037ff80000000000000000000000000000000000016100000001620000000163')$$,
                 '22023', 'tier bound 1 must be a finite number, got NaN', 'NaN bound');
SELECT throws_ok($$SELECT pg_temp.load('\x010000000340000000000000003ff0000000000000000000016100000001620000000163')$$,
                 '22023', 'tier bounds must be strictly ascending: bound 2 (1) is not above bound 1 (2)', 'descending bounds');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000023ff000000000000000000001610000000161')$$,
                 '22023', 'duplicate tier label "a"', 'duplicate labels');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000023ff0000000000000000000016100')$$,
                 '22P03', 'crm.tiers binary value is truncated', 'truncated value');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000023ff00000000000000000000161000000016200')$$,
                 '22P03', 'invalid crm.tiers binary value: 1 bytes after the end of the value', 'trailing byte');

-- crm.scorecard: version, flags, name, version, factors, levels (scorecard_core.h)
SELECT is(crm.scorecard_send('x: numeric {1}; levels: {a, b >= 1}'),
          '\x01000000000000000000000000010000000178010000000100000000000000003ff000000000000001000000023ff000000000000000000001610000000162'::bytea,
          'binary layout of a scorecard');
SELECT lives_ok($$SELECT pg_temp.load(crm.scorecard_send('x: numeric {1}; levels: {a, b >= 1}'), 'c')$$,
                'a valid scorecard loads');
SELECT throws_ok($$SELECT pg_temp.load('\x03000000000000000000000000010000000178010000000100000000000000003ff000000000000001000000023ff000000000000000000001610000000162', 'c')$$,
                 '22P03', 'invalid crm.scorecard binary value: unsupported format version 3', 'unknown scorecard format version');
-- format version 2 (0.2.0) is a card with fit statistics: its flag is required
SELECT throws_ok($$SELECT pg_temp.load('\x02000000000000000000000000010000000178010000000100000000000000003ff000000000000001000000023ff000000000000000000001610000000162', 'c')$$,
                 '22P03', 'invalid crm.scorecard binary value: flags 0x00 do not match format version 2', 'format version 2 without the fit flag');
SELECT throws_ok($$SELECT pg_temp.load('\x010000000000000000000000000100000001780100000003000000000000000000000000000000003ff0000000000000400000000000000040140000000000003ff000000000000001000000023ff000000000000000000001610000000162', 'c')$$,
                 '22023', 'factor "x": bin edges must be strictly ascending: edge 2 (1) is not above edge 1 (5)',
                 'unsorted edges are rejected as in the text form');
SELECT throws_ok($$SELECT pg_temp.load('\x01000000000000000000000000010000000178010000000100000000000000003ff0000000', 'c')$$,
                 '22P03', 'crm.scorecard binary value is truncated', 'truncated scorecard');

SELECT * FROM finish();
ROLLBACK;
