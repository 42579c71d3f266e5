-- ===========================================================================
-- the extension's schema, before an update
-- ===========================================================================
--
-- make puts this section first in every generated upgrade script, followed by
-- src/sql/99_schema.sql (everything in schema crm belongs to the extension),
-- then the script's own statements from src/upgrade/crm--A--B.sql, then
-- 99_schema.sql again.  These are the install's checks (00_schema.sql) as
-- they apply to a schema that already holds the extension: an update of a
-- trusted extension also runs as the bootstrap superuser, so a role that could
-- create objects in schema crm could plant an overload there for the script,
-- or a later superuser, to call.  An installed crm's schema is owned by the
-- superuser that ran the install script (00_schema.sql hands it over), and
-- only superusers may create objects in it; if that changed since, refuse to
-- update rather than run the script in a schema others control.

DO $crm_schema_update$
DECLARE
	nsp oid;
	owner oid;
	acl aclitem[];
	culprit text;
BEGIN
	SELECT n.oid, n.nspowner, n.nspacl INTO nsp, owner, acl
	FROM pg_catalog.pg_namespace n WHERE n.nspname = 'crm';
	IF nsp IS NULL THEN
		RAISE EXCEPTION 'schema crm does not exist'
			USING ERRCODE = 'invalid_schema_name';
	END IF;

	IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = owner) THEN
		RAISE EXCEPTION 'schema crm is owned by role %, which is not a superuser', owner::regrole
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Check the schema''s contents, then have a superuser take it back (ALTER SCHEMA crm OWNER TO ...) and update again.';
	END IF;

	SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END INTO culprit
	FROM pg_catalog.aclexplode(coalesce(acl, pg_catalog.acldefault('n', owner))) a
	LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
	WHERE a.privilege_type = 'CREATE' AND NOT coalesce(r.rolsuper, false)
	LIMIT 1;
	IF culprit IS NOT NULL THEN
		RAISE EXCEPTION 'role % may create objects in schema crm', culprit
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Only superusers may create objects in the schema of a trusted extension: revoke CREATE on schema crm, then update again.';
	END IF;
END
$crm_schema_update$;
