-- ===========================================================================
-- the extension's schema
-- ===========================================================================
--
-- crm is a trusted extension: a role with CREATE on a database may install
-- it, and its script then runs as the bootstrap superuser.  Whoever can
-- create objects in schema crm could plant a function there (an overload
-- such as crm.tier(integer, crm.tiers)) that a superuser later calls by its
-- qualified name.  So before anything is created, the schema must be empty
-- and owned by a superuser or by the role installing the extension, and no
-- role but superusers may create objects in it; the script then makes the
-- role running it (the bootstrap superuser, for a trusted install) the
-- schema's owner.  99_schema.sql checks at the end that everything in the
-- schema belongs to the extension.  The same checks run in every upgrade
-- script.

DO $crm_schema$
DECLARE
	nsp oid;
	owner oid;
	installer oid;
	acl aclitem[];
	culprit text;
BEGIN
	SELECT n.oid, n.nspowner, n.nspacl INTO nsp, owner, acl
	FROM pg_catalog.pg_namespace n WHERE n.nspname = 'crm';
	SELECT e.extowner INTO installer FROM pg_catalog.pg_extension e WHERE e.extname = 'crm';

	IF owner <> installer AND
	   NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = owner) THEN
		RAISE EXCEPTION 'schema crm is owned by role %, which is neither a superuser nor the role installing the extension',
			owner::regrole
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Drop or rename the schema, or have a superuser install crm.';
	END IF;

	SELECT pg_catalog.format('%s %s', kind, name) INTO culprit FROM (
		SELECT 'relation' AS kind, c.oid::regclass::text AS name FROM pg_catalog.pg_class c WHERE c.relnamespace = nsp
		UNION ALL SELECT 'function', p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.pronamespace = nsp
		UNION ALL SELECT 'type', t.oid::regtype::text FROM pg_catalog.pg_type t WHERE t.typnamespace = nsp
		UNION ALL SELECT 'operator', o.oid::regoperator::text FROM pg_catalog.pg_operator o WHERE o.oprnamespace = nsp
		UNION ALL SELECT 'operator family', f.opfname::text FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace = nsp
		UNION ALL SELECT 'operator class', c.opcname::text FROM pg_catalog.pg_opclass c WHERE c.opcnamespace = nsp
		UNION ALL SELECT 'collation', c.collname::text FROM pg_catalog.pg_collation c WHERE c.collnamespace = nsp
		UNION ALL SELECT 'conversion', c.conname::text FROM pg_catalog.pg_conversion c WHERE c.connamespace = nsp
		UNION ALL SELECT 'text search configuration', c.cfgname::text FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace = nsp
		UNION ALL SELECT 'text search dictionary', d.dictname::text FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace = nsp
		UNION ALL SELECT 'text search parser', p.prsname::text FROM pg_catalog.pg_ts_parser p WHERE p.prsnamespace = nsp
		UNION ALL SELECT 'text search template', t.tmplname::text FROM pg_catalog.pg_ts_template t WHERE t.tmplnamespace = nsp
		UNION ALL SELECT 'statistics object', s.stxname::text FROM pg_catalog.pg_statistic_ext s WHERE s.stxnamespace = nsp
	) objects LIMIT 1;
	IF culprit IS NOT NULL THEN
		RAISE EXCEPTION 'schema crm already contains objects (% among them)', culprit
			USING ERRCODE = 'duplicate_schema',
				  HINT = 'crm must be installed into an empty schema crm: drop or rename the existing one.';
	END IF;

	IF owner <> (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
		EXECUTE pg_catalog.format('ALTER SCHEMA crm OWNER TO %I', current_user);
		SELECT n.nspowner, n.nspacl INTO owner, acl FROM pg_catalog.pg_namespace n WHERE n.oid = nsp;
	END IF;

	SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END INTO culprit
	FROM pg_catalog.aclexplode(coalesce(acl, pg_catalog.acldefault('n', owner))) a
	LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
	WHERE a.privilege_type = 'CREATE' AND NOT coalesce(r.rolsuper, false)
	LIMIT 1;
	IF culprit IS NOT NULL THEN
		RAISE EXCEPTION 'role % may create objects in schema crm', culprit
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Only superusers may create objects in the schema of a trusted extension: revoke CREATE on schema crm, or drop it.';
	END IF;
END
$crm_schema$;

-- Every role may use crm's functions and types (revoke to restrict).
GRANT USAGE ON SCHEMA crm TO PUBLIC;
