-- Trust class 2: privilege escalation through the trusted extension's schema.
--
-- crm is trusted, so a role with CREATE on a database can install it.  No
-- unprivileged role may then be able to create objects in schema crm (a
-- planted overload such as crm.tier(integer, crm.tiers) would run with the
-- rights of a superuser who calls crm.tier by its qualified name), and
-- CREATE EXTENSION refuses a schema crm that someone else owns, that holds
-- objects, or in which a non-superuser may create objects.
SELECT current_user AS regress_user \gset
CREATE ROLE regress_crm_mallory LOGIN NOSUPERUSER;
CREATE ROLE regress_crm_eve LOGIN NOSUPERUSER;
CREATE DATABASE crm_regress_priv;
GRANT CREATE ON DATABASE crm_regress_priv TO regress_crm_mallory;
\c crm_regress_priv regress_crm_mallory

-- 1. a trusted install by a role that only has CREATE on the database
CREATE EXTENSION crm;
-- the schema and every object in it belong to the bootstrap superuser ...
SELECT n.nspowner = 10 AS schema_owned_by_bootstrap_superuser,
       pg_catalog.has_schema_privilege('regress_crm_mallory', 'crm', 'CREATE') AS mallory_may_create,
       pg_catalog.has_schema_privilege('regress_crm_eve', 'crm', 'USAGE') AS others_may_use
FROM pg_namespace n WHERE n.nspname = 'crm';
SELECT count(*) AS objects_not_owned_by_superuser
FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
WHERE p.pronamespace = 'crm'::regnamespace AND NOT r.rolsuper;
-- ... so nothing can be planted there, by the installer or anyone else
CREATE FUNCTION crm.tier(integer, crm.tiers) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
CREATE TABLE crm.planted (x int);
CREATE TYPE crm.planted AS (x int);
CREATE OPERATOR crm.= (LEFTARG = integer, RIGHTARG = crm.tiers, FUNCTION = int4eq);
ALTER SCHEMA crm RENAME TO crm_old;
GRANT CREATE ON SCHEMA crm TO regress_crm_mallory;
-- a superuser's qualified call reaches crm's own function
\c crm_regress_priv :regress_user
SELECT crm.tier(100000, crm.tiers_preset('us_wealth'));
-- another role may call crm's functions
\c crm_regress_priv regress_crm_eve
SELECT crm.tier(100000, crm.tiers_preset('us_wealth'));
-- the installer may drop the extension and install it again
\c crm_regress_priv regress_crm_mallory
DROP EXTENSION crm;
CREATE EXTENSION crm;
SELECT extowner::regrole FROM pg_extension WHERE extname = 'crm';
-- DROP EXTENSION leaves the (superuser-owned) schema behind; a superuser drops it
DROP EXTENSION crm;
DROP SCHEMA crm;
\c crm_regress_priv :regress_user
DROP SCHEMA crm;

-- 2. a schema crm created beforehand by another role is refused, also for a superuser
\c crm_regress_priv regress_crm_mallory
CREATE SCHEMA crm;
\c crm_regress_priv :regress_user
CREATE EXTENSION crm;
\c crm_regress_priv regress_crm_mallory

-- 3. a schema crm that already holds objects is refused, also for its owner
CREATE FUNCTION crm.tier(integer, text) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
CREATE EXTENSION crm;
DROP FUNCTION crm.tier(integer, text);

-- 4. a schema crm in which another non-superuser may create objects is refused
GRANT CREATE ON SCHEMA crm TO regress_crm_eve;
CREATE EXTENSION crm;
REVOKE CREATE ON SCHEMA crm FROM regress_crm_eve;
GRANT CREATE ON SCHEMA crm TO PUBLIC;
CREATE EXTENSION crm;
REVOKE CREATE ON SCHEMA crm FROM PUBLIC;

-- 5. an empty schema of the installer's own, with no grants, is taken over
CREATE EXTENSION crm;
SELECT n.nspowner = 10 AS schema_owned_by_bootstrap_superuser,
       pg_catalog.has_schema_privilege('regress_crm_mallory', 'crm', 'CREATE') AS mallory_may_create
FROM pg_namespace n WHERE n.nspname = 'crm';

\c contrib_regression :regress_user
DROP DATABASE crm_regress_priv;
DROP ROLE regress_crm_mallory;
DROP ROLE regress_crm_eve;
