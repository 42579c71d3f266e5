-- The catalogue of the installed crm as sorted text lines, one per object or
-- property, for make upgrade-check (scripts/upgrade-check.sh): an updated
-- database and a fresh install must print the same lines.  No OIDs: objects
-- are named (search_path = pg_catalog, so every crm name is qualified).
-- Covers the extension and its schema, every member object, and for the
-- objects in schema crm: functions (signature, defaults, result, kind,
-- language, volatility, strictness, parallel safety, security definer,
-- leakproof, cost, rows, support, settings, C symbol or body, library,
-- privileges), types (I/O, binary, typmod and analyze functions, length,
-- alignment, storage, category, privileges), operators, operator families
-- and classes with their members, aggregates, casts, relations with their
-- columns, and comments.
SET search_path = pg_catalog;

WITH ext AS (
	SELECT e.oid, e.extname, e.extversion, e.extnamespace, e.extrelocatable, e.extconfig, e.extcondition
	FROM pg_extension e WHERE e.extname = 'crm'
), member AS (
	SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
	WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), nsp AS (
	SELECT n.oid FROM pg_namespace n WHERE n.nspname = 'crm'
), lines(line) AS (
	-- newlines and tabs in bodies and comments are written as \n and \t
	SELECT format('extension %s version %s schema %s relocatable %s config %s condition %s',
		extname, extversion, extnamespace::regnamespace, extrelocatable,
		coalesce((SELECT array_agg(c::regclass::text ORDER BY c::regclass::text) FROM unnest(extconfig) c)::text, '-'),
		coalesce(extcondition::text, '-'))
	FROM ext
	UNION ALL
	SELECT format('schema %s owner-is-superuser %s acl %s', n.nspname,
		(SELECT r.rolsuper FROM pg_roles r WHERE r.oid = n.nspowner), coalesce(n.nspacl::text, '-'))
	FROM pg_namespace n, nsp WHERE n.oid = nsp.oid
	UNION ALL
	SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM member
	UNION ALL
	SELECT format('function %s %s', p.oid::regprocedure, prop)
	FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang, nsp,
	LATERAL unnest(ARRAY[
		format('kind %s', p.prokind),
		'arguments (' || pg_get_function_arguments(p.oid) || ')',
		format('returns %s', coalesce(pg_get_function_result(p.oid), '-')),
		format('language %s', l.lanname),
		format('volatility %s', p.provolatile),
		format('strict %s', p.proisstrict),
		format('parallel %s', p.proparallel),
		format('security-definer %s', p.prosecdef),
		format('leakproof %s', p.proleakproof),
		format('cost %s', p.procost),
		format('rows %s', p.prorows),
		format('support %s', p.prosupport::regprocedure),
		format('config %s', coalesce(p.proconfig::text, '-')),
		format('variadic %s', p.provariadic::regtype),
		format('acl %s', coalesce(p.proacl::text, '-')),
		format('library %s', coalesce(p.probin, '-')),
		format('source %s', replace(replace(coalesce(pg_get_function_sqlbody(p.oid), p.prosrc), E'\n', '\n'), E'\t', '\t'))
	]) prop
	WHERE p.pronamespace = nsp.oid
	UNION ALL
	SELECT format('type %s %s', t.oid::regtype, prop)
	FROM pg_type t, nsp,
	LATERAL unnest(ARRAY[
		format('kind %s', t.typtype),
		format('length %s', t.typlen),
		format('byval %s', t.typbyval),
		format('category %s', t.typcategory),
		format('preferred %s', t.typispreferred),
		format('delimiter %s', t.typdelim),
		format('input %s', t.typinput::regprocedure),
		format('output %s', t.typoutput::regprocedure),
		format('receive %s', t.typreceive::regprocedure),
		format('send %s', t.typsend::regprocedure),
		format('typmod-in %s', t.typmodin::regprocedure),
		format('typmod-out %s', t.typmodout::regprocedure),
		format('analyze %s', t.typanalyze::regprocedure),
		format('subscript %s', t.typsubscript::regprocedure),
		format('element %s', t.typelem::regtype),
		format('array %s', t.typarray::regtype),
		format('align %s', t.typalign),
		format('storage %s', t.typstorage),
		format('not-null %s', t.typnotnull),
		format('base %s', t.typbasetype::regtype),
		format('typmod %s', t.typtypmod),
		format('dimensions %s', t.typndims),
		format('collation %s', t.typcollation::regcollation),
		format('default %s', coalesce(t.typdefault, '-')),
		format('acl %s', coalesce(t.typacl::text, '-'))
	]) prop
	WHERE t.typnamespace = nsp.oid
	UNION ALL
	SELECT format('operator %s %s', o.oid::regoperator, prop)
	FROM pg_operator o, nsp,
	LATERAL unnest(ARRAY[
		format('kind %s', o.oprkind),
		format('result %s', o.oprresult::regtype),
		format('function %s', o.oprcode::regprocedure),
		format('commutator %s', o.oprcom::regoperator),
		format('negator %s', o.oprnegate::regoperator),
		format('restrict %s', o.oprrest::regprocedure),
		format('join %s', o.oprjoin::regprocedure),
		format('merges %s', o.oprcanmerge),
		format('hashes %s', o.oprcanhash)
	]) prop
	WHERE o.oprnamespace = nsp.oid
	UNION ALL
	SELECT format('operator family %s', pg_describe_object('pg_opfamily'::regclass, f.oid, 0))
	FROM pg_opfamily f, nsp WHERE f.opfnamespace = nsp.oid
	UNION ALL
	SELECT format('operator class %s input %s default %s family %s stored %s',
		pg_describe_object('pg_opclass'::regclass, c.oid, 0), c.opcintype::regtype, c.opcdefault,
		pg_describe_object('pg_opfamily'::regclass, c.opcfamily, 0), c.opckeytype::regtype)
	FROM pg_opclass c, nsp WHERE c.opcnamespace = nsp.oid
	UNION ALL
	SELECT format('family member %s purpose %s sort-family %s',
		pg_describe_object('pg_amop'::regclass, a.oid, 0), a.amoppurpose,
		CASE WHEN a.amopsortfamily = 0 THEN '-' ELSE pg_describe_object('pg_opfamily'::regclass, a.amopsortfamily, 0) END)
	FROM pg_amop a JOIN pg_opfamily f ON f.oid = a.amopfamily, nsp WHERE f.opfnamespace = nsp.oid
	UNION ALL
	SELECT 'family member ' || pg_describe_object('pg_amproc'::regclass, a.oid, 0)
	FROM pg_amproc a JOIN pg_opfamily f ON f.oid = a.amprocfamily, nsp WHERE f.opfnamespace = nsp.oid
	UNION ALL
	SELECT format('aggregate %s %s', g.aggfnoid::regprocedure, prop)
	FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid, nsp,
	LATERAL unnest(ARRAY[
		format('kind %s', g.aggkind),
		format('direct-arguments %s', g.aggnumdirectargs),
		format('state %s', g.aggtranstype::regtype),
		format('initcond %s', coalesce(g.agginitval, '-')),
		format('transition %s', g.aggtransfn::regprocedure),
		format('final %s', g.aggfinalfn::regprocedure),
		format('final-extra %s', g.aggfinalextra),
		format('final-modify %s', g.aggfinalmodify),
		format('combine %s', g.aggcombinefn::regprocedure),
		format('serial %s', g.aggserialfn::regprocedure),
		format('deserial %s', g.aggdeserialfn::regprocedure),
		format('state-space %s', g.aggtransspace),
		format('moving-state %s', g.aggmtranstype::regtype),
		format('moving-initcond %s', coalesce(g.aggminitval, '-')),
		format('moving-transition %s', g.aggmtransfn::regprocedure),
		format('moving-inverse %s', g.aggminvtransfn::regprocedure),
		format('moving-final %s', g.aggmfinalfn::regprocedure),
		format('moving-final-extra %s', g.aggmfinalextra),
		format('moving-final-modify %s', g.aggmfinalmodify),
		format('moving-state-space %s', g.aggmtransspace),
		format('sort-operator %s', g.aggsortop::regoperator)
	]) prop
	WHERE p.pronamespace = nsp.oid
	UNION ALL
	SELECT format('cast (%s AS %s) function %s context %s method %s',
		c.castsource::regtype, c.casttarget::regtype, c.castfunc::regprocedure, c.castcontext, c.castmethod)
	FROM pg_cast c
	WHERE c.oid IN (SELECT objid FROM member WHERE classid = 'pg_cast'::regclass)
	   OR c.castsource IN (SELECT t.oid FROM pg_type t, nsp WHERE t.typnamespace = nsp.oid)
	   OR c.casttarget IN (SELECT t.oid FROM pg_type t, nsp WHERE t.typnamespace = nsp.oid)
	UNION ALL
	SELECT format('relation %s kind %s persistence %s options %s acl %s', c.oid::regclass, c.relkind,
		c.relpersistence, coalesce(c.reloptions::text, '-'), coalesce(c.relacl::text, '-'))
	FROM pg_class c, nsp WHERE c.relnamespace = nsp.oid
	UNION ALL
	SELECT format('column %s.%s type %s not-null %s default %s', c.oid::regclass, a.attname,
		format_type(a.atttypid, a.atttypmod), a.attnotnull,
		coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-'))
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum, nsp
	WHERE c.relnamespace = nsp.oid AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT format('comment on %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid),
		replace(replace(d.description, E'\n', '\n'), E'\t', '\t'))
	FROM pg_description d
	WHERE (d.classoid, d.objoid, d.objsubid) IN (SELECT classid, objid, objsubid FROM member)
	   OR (d.classoid = 'pg_extension'::regclass AND d.objoid = (SELECT oid FROM ext))
	   OR (d.classoid = 'pg_namespace'::regclass AND d.objoid = (SELECT oid FROM nsp))
	   OR (d.classoid = 'pg_proc'::regclass AND d.objoid IN (SELECT p.oid FROM pg_proc p, nsp WHERE p.pronamespace = nsp.oid))
	   OR (d.classoid = 'pg_type'::regclass AND d.objoid IN (SELECT t.oid FROM pg_type t, nsp WHERE t.typnamespace = nsp.oid))
)
SELECT line FROM lines ORDER BY line COLLATE "C";
