-- ===========================================================================
-- the extension's schema, at the end of the script
-- ===========================================================================
--
-- Everything in schema crm must belong to the extension (see 00_schema.sql):
-- an object that is not a member was planted while the script ran.

DO $crm_schema_end$
DECLARE
	culprit text;
BEGIN
	SELECT pg_catalog.format('%s %s', kind, name) INTO culprit FROM (
		SELECT 'pg_class'::regclass AS cat, c.oid, 'relation' AS kind, c.oid::regclass::text AS name FROM pg_catalog.pg_class c WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind NOT IN ('i', 'S', 't')
		UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'function', p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_type'::regclass, t.oid, 'type', t.oid::regtype::text FROM pg_catalog.pg_type t WHERE t.typnamespace = 'crm'::regnamespace
			AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
		UNION ALL SELECT 'pg_operator'::regclass, o.oid, 'operator', o.oid::regoperator::text FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_opfamily'::regclass, f.oid, 'operator family', f.opfname::text FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_opclass'::regclass, c.oid, 'operator class', c.opcname::text FROM pg_catalog.pg_opclass c WHERE c.opcnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_collation'::regclass, c.oid, 'collation', c.collname::text FROM pg_catalog.pg_collation c WHERE c.collnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_conversion'::regclass, c.oid, 'conversion', c.conname::text FROM pg_catalog.pg_conversion c WHERE c.connamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_ts_config'::regclass, c.oid, 'text search configuration', c.cfgname::text FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_ts_dict'::regclass, d.oid, 'text search dictionary', d.dictname::text FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace = 'crm'::regnamespace
		UNION ALL SELECT 'pg_statistic_ext'::regclass, s.oid, 'statistics object', s.stxname::text FROM pg_catalog.pg_statistic_ext s WHERE s.stxnamespace = 'crm'::regnamespace
	) objects
	WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
					  WHERE d.classid = objects.cat AND d.objid = objects.oid AND d.deptype = 'e'
						AND d.refclassid = 'pg_extension'::regclass
						AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'crm'))
	LIMIT 1;
	IF culprit IS NOT NULL THEN
		RAISE EXCEPTION 'schema crm contains % which does not belong to the extension', culprit
			USING ERRCODE = 'insufficient_privilege';
	END IF;
END
$crm_schema_end$;
