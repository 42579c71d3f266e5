-- Catalog rules every crm object follows.  Each query lists violations, so
-- the expected output is the set of empty results below; a new function
-- without a comment, a parallel-unsafe function, a SECURITY DEFINER function
-- or an aggregate with an internal state shows up here by name.

-- every function, aggregate and window function has a COMMENT
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'crm' AND obj_description(p.oid, 'pg_proc') IS NULL
ORDER BY 1::text;

-- every type and operator has a COMMENT
SELECT t.oid::regtype AS uncommented_type
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'crm' AND t.typtype <> 'c' AND t.typelem = 0 AND obj_description(t.oid, 'pg_type') IS NULL;
SELECT o.oid::regoperator AS uncommented_operator
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = 'crm' AND obj_description(o.oid, 'pg_operator') IS NULL;

-- everything is PARALLEL SAFE, nothing is SECURITY DEFINER
SELECT p.oid::regprocedure AS not_parallel_safe
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'crm' AND p.proparallel <> 's';
SELECT p.oid::regprocedure AS security_definer
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'crm' AND p.prosecdef;

-- C functions: volatility is declared (no VOLATILE leftovers from a default)
SELECT p.oid::regprocedure AS volatile_function
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'crm' AND p.provolatile = 'v';

-- aggregates: a real (non-internal) state type and a combine function, so
-- PostgreSQL parallel query and Citus can run them partially and merge
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state,
       a.aggcombinefn AS combine
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'crm' AND (a.aggtranstype = 'internal'::regtype OR a.aggcombinefn = 0);

-- SQL-language functions would need a pinned search_path to be safe in a
-- trusted extension; crm has none
SELECT p.oid::regprocedure AS sql_function
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = 'crm' AND l.lanname NOT IN ('c', 'internal');

-- the extension is trusted: a database owner who is not a superuser can install it
SELECT current_user AS regress_user \gset
CREATE ROLE crm_regress_owner LOGIN NOSUPERUSER;
CREATE DATABASE crm_regress_trusted OWNER crm_regress_owner;
\c crm_regress_trusted crm_regress_owner
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION crm;
SELECT extname, extowner::regrole FROM pg_extension WHERE extname = 'crm';
SELECT crm.tier(520000, crm.tiers_preset('cn_retail_aum'));
\c contrib_regression :regress_user
DROP DATABASE crm_regress_trusted;
DROP ROLE crm_regress_owner;
