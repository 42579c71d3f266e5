/*
 * citus_emul.c
 *	  Test-only: how Citus 13 runs a custom aggregate split between workers
 *	  and the coordinator, without Citus.
 *
 * When a query aggregates a distributed table without grouping by its
 * distribution column, Citus 13 (PostgreSQL 15) runs a custom aggregate
 * that has a combine function and a non-internal state type in two halves.
 * Each worker computes a partial state per shard, calling the aggregate's
 * transition function itself through a bare function call, and ships that
 * state as TEXT (the state type's output function); the coordinator reads
 * each state back with the type's input function, merges them with the
 * combine function in the order the shards answer, and applies the final
 * function.  None of these calls carries expression information
 * (flinfo->fn_expr is NULL), so a support function that asks for its
 * argument types (get_fn_expr_argtype, or a polymorphic built-in such as
 * array_append) fails there although it works in an ordinary query.
 *
 * This module reproduces that calling convention so that make test can
 * check every crm aggregate against it without a Citus installation:
 *
 *   citus_emul.partial_agg(agg regprocedure, args anyelement) -> text
 *	   the worker half: args is the aggregate's one argument, or ROW(...) of
 *	   its arguments; the result is the state's text form.
 *   citus_emul.combine_agg(agg regprocedure, state text, tag anyelement)
 *	   the coordinator half: tag is a NULL of the aggregate's result type.
 *
 * Written from the behaviour described above and PostgreSQL's nodeAgg.c
 * rules for transition values (strictness, INITCOND, the copy of a new
 * by-reference value into the aggregate's memory); no code is taken from
 * Citus.  Only the wrappers use expression information (to learn the
 * argument type); the aggregate's own functions are called with none, and
 * with the wrapper's aggregate context, as Citus calls them.
 *
 * Installed only into the throw-away prefix of the test scripts; it is not
 * part of crm.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/regproc.h"
#include "utils/datum.h"
#include "utils/expandeddatum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

PG_MODULE_MAGIC;

/* what one half needs to know about the aggregate it runs */
typedef struct EmulAgg
{
	Oid			agg;			/* the aggregate (pg_proc oid) */
	int			nargs;			/* its declared arguments */
	Oid			argtypes[FUNC_MAX_ARGS];
	FmgrInfo	transfn;		/* bare: fn_expr stays NULL */
	FmgrInfo	combinefn;
	FmgrInfo	finalfn;
	bool		has_final;
	bool		final_extra;
	Oid			finaltype;		/* the aggregate's result type */
	Oid			transtype;
	int16		translen;
	bool		transbyval;
	Oid			typinput;
	Oid			typioparam;
	Oid			typoutput;
	bool		has_init;
	char	   *initval;		/* INITCOND text */
} EmulAgg;

/* the transition value of one half, kept in the aggregate's memory */
typedef struct EmulState
{
	EmulAgg		a;
	Datum		value;
	bool		isnull;
	bool		started;		/* false until the first value (strict rules) */
	TupleDesc	rowdesc;		/* ROW(...) arguments: their descriptor */
} EmulState;

/* Look the aggregate up once per group, in the aggregate's memory. */
static void
EmulAggInit(EmulAgg *a, Oid agg, MemoryContext cxt)
{
	HeapTuple	tup;
	Form_pg_aggregate form;
	Datum		initval;
	bool		initnull;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Oid		   *types;
	int			i;

	a->agg = agg;
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(agg));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("citus_emul: %u is not an aggregate", agg)));
	form = (Form_pg_aggregate) GETSTRUCT(tup);
	if (form->aggkind != AGGKIND_NORMAL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("citus_emul: only plain aggregates are split")));
	/* what Citus 13 requires before it splits an aggregate */
	if (!OidIsValid(form->aggcombinefn))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("citus_emul: %s has no combine function (Citus would pull its rows to the coordinator)",
						format_procedure(agg))));
	if (form->aggtranstype == INTERNALOID)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("citus_emul: %s has an internal state (Citus would pull its rows to the coordinator)",
						format_procedure(agg))));
	fmgr_info_cxt(form->aggtransfn, &a->transfn, cxt);
	fmgr_info_cxt(form->aggcombinefn, &a->combinefn, cxt);
	a->has_final = OidIsValid(form->aggfinalfn);
	if (a->has_final)
		fmgr_info_cxt(form->aggfinalfn, &a->finalfn, cxt);
	a->final_extra = form->aggfinalextra;
	a->transtype = form->aggtranstype;
	initval = SysCacheGetAttr(AGGFNOID, tup, Anum_pg_aggregate_agginitval, &initnull);
	a->has_init = !initnull;
	a->initval = initnull ? NULL : TextDatumGetCString(initval);
	ReleaseSysCache(tup);

	get_func_signature(agg, &types, &a->nargs);
	for (i = 0; i < a->nargs; i++)
		a->argtypes[i] = types[i];
	a->finaltype = get_func_rettype(agg);
	get_typlenbyval(a->transtype, &a->translen, &a->transbyval);
	getTypeInputInfo(a->transtype, &a->typinput, &a->typioparam);
	{
		bool		varlena;

		getTypeOutputInfo(a->transtype, &a->typoutput, &varlena);
	}
	MemoryContextSwitchTo(old);
}

/* A new half-state for aggregate agg, with its INITCOND if it has one. */
static EmulState *
EmulStateNew(Oid agg, MemoryContext aggcxt)
{
	EmulState  *st = MemoryContextAllocZero(aggcxt, sizeof(EmulState));

	EmulAggInit(&st->a, agg, aggcxt);
	st->isnull = true;
	if (st->a.has_init)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcxt);

		st->value = OidInputFunctionCall(st->a.typinput, st->a.initval,
										 st->a.typioparam, -1);
		st->isnull = false;
		st->started = true;
		MemoryContextSwitchTo(old);
	}
	return st;
}

/*
 * Keep a value a support function returned as the new transition value,
 * as nodeAgg does: a by-reference value other than the current one is
 * copied into the aggregate's memory (unless it is a read-write expanded
 * object already living there) and the old one is freed.
 */
static void
EmulKeep(EmulState *st, Datum v, bool isnull, MemoryContext aggcxt)
{
	if (!st->a.transbyval && DatumGetPointer(v) != DatumGetPointer(st->value))
	{
		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(aggcxt);

			if (!(DatumIsReadWriteExpandedObject(v, false, st->a.translen) &&
				  MemoryContextGetParent(DatumGetEOHP(v)->eoh_context) == aggcxt))
				v = datumCopy(v, false, st->a.translen);
			MemoryContextSwitchTo(old);
		}
		if (!st->isnull)
		{
			if (DatumIsReadWriteExpandedObject(st->value, false, st->a.translen))
				DeleteExpandedObject(st->value);
			else
				pfree(DatumGetPointer(st->value));
		}
	}
	st->value = v;
	st->isnull = isnull;
}

/* The aggregate context of a wrapper call (it must be an aggregate call). */
static MemoryContext
EmulAggContext(FunctionCallInfo fcinfo)
{
	MemoryContext cxt;

	if (AggCheckCallContext(fcinfo, &cxt) != AGG_CONTEXT_AGGREGATE)
		elog(ERROR, "citus_emul: called outside an aggregate");
	return cxt;
}

/*
 * Call f bare: no expression information, the wrapper's context (so the
 * function finds the aggregate's memory, as under Citus) and collation.
 */
static Datum
EmulCall(FunctionCallInfo outer, FmgrInfo *f, int nargs, const Datum *args,
		 const bool *nulls, bool *isnull)
{
	LOCAL_FCINFO(inner, FUNC_MAX_ARGS);
	Datum		result;
	int			i;

	Assert(f->fn_expr == NULL);
	InitFunctionCallInfoData(*inner, f, nargs, outer->fncollation,
							 outer->context, NULL);
	for (i = 0; i < nargs; i++)
	{
		inner->args[i].value = args[i];
		inner->args[i].isnull = nulls[i];
	}
	result = FunctionCallInvoke(inner);
	*isnull = inner->isnull;
	return result;
}

/*
 * The worker half's transition: split ROW(...) into the aggregate's
 * arguments (checking their types against its declaration), then apply
 * the aggregate's transition function with PostgreSQL's rules for strict
 * functions.
 */
PG_FUNCTION_INFO_V1(partial_sfunc);
Datum
partial_sfunc(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = EmulAggContext(fcinfo);
	EmulState  *st;
	Datum		args[FUNC_MAX_ARGS];
	bool		nulls[FUNC_MAX_ARGS];
	Datum		v;
	bool		isnull;
	int			i;
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 2);

	if (PG_ARGISNULL(1))
		elog(ERROR, "citus_emul: the aggregate must not be NULL");
	if (PG_ARGISNULL(0))
		st = EmulStateNew(PG_GETARG_OID(1), aggcxt);
	else
		st = (EmulState *) PG_GETARG_POINTER(0);

	args[0] = st->value;
	nulls[0] = st->isnull;
	if (st->a.nargs == 1 && argtype == st->a.argtypes[0])
	{
		args[1] = PG_GETARG_DATUM(2);
		nulls[1] = PG_ARGISNULL(2);
	}
	else
	{
		HeapTupleHeader row;
		HeapTupleData tuple;

		if (argtype != RECORDOID)
			elog(ERROR, "citus_emul: argument of type %s for %s; pass ROW(...) of its arguments",
				 format_type_be(argtype), format_procedure(st->a.agg));
		if (PG_ARGISNULL(2))
			elog(ERROR, "citus_emul: NULL ROW(...)");
		row = PG_GETARG_HEAPTUPLEHEADER(2);
		if (st->rowdesc == NULL)
		{
			TupleDesc	d = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row),
												   HeapTupleHeaderGetTypMod(row));
			MemoryContext old = MemoryContextSwitchTo(aggcxt);

			st->rowdesc = CreateTupleDescCopy(d);
			MemoryContextSwitchTo(old);
			ReleaseTupleDesc(d);
			if (st->rowdesc->natts != st->a.nargs)
				elog(ERROR, "citus_emul: %d arguments for %s", st->rowdesc->natts,
					 format_procedure(st->a.agg));
			for (i = 0; i < st->a.nargs; i++)
				if (TupleDescAttr(st->rowdesc, i)->atttypid != st->a.argtypes[i])
					elog(ERROR, "citus_emul: argument %d of %s has type %s, not %s", i + 1,
						 format_procedure(st->a.agg),
						 format_type_be(TupleDescAttr(st->rowdesc, i)->atttypid),
						 format_type_be(st->a.argtypes[i]));
		}
		tuple.t_len = HeapTupleHeaderGetDatumLength(row);
		ItemPointerSetInvalid(&tuple.t_self);
		tuple.t_tableOid = InvalidOid;
		tuple.t_data = row;
		heap_deform_tuple(&tuple, st->rowdesc, args + 1, nulls + 1);
	}

	if (st->a.transfn.fn_strict)
	{
		for (i = 1; i <= st->a.nargs; i++)
			if (nulls[i])
				PG_RETURN_POINTER(st);
		if (!st->started)
		{
			/* the first input becomes the state, as without INITCOND */
			st->started = true;
			EmulKeep(st, args[1], false, aggcxt);
			PG_RETURN_POINTER(st);
		}
		if (st->isnull)
			PG_RETURN_POINTER(st);
	}
	v = EmulCall(fcinfo, &st->a.transfn, st->a.nargs + 1, args, nulls, &isnull);
	EmulKeep(st, v, isnull, aggcxt);
	st->started = true;
	PG_RETURN_POINTER(st);
}

/*
 * The aggregate a wrapper names, from its Aggref (for a group without rows,
 * whose state was never made): the first argument must be a constant.
 */
static Oid
EmulAggOfAggref(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	TargetEntry *te;

	if (aggref == NULL || aggref->args == NIL)
		return InvalidOid;
	te = linitial(aggref->args);
	if (!IsA(te->expr, Const) || ((Const *) te->expr)->constisnull)
		return InvalidOid;
	return DatumGetObjectId(((Const *) te->expr)->constvalue);
}

/*
 * The worker half's result: the state's text form (its output function,
 * called bare), or NULL for a NULL state.  A shard without rows ships its
 * INITCOND, or NULL.
 */
PG_FUNCTION_INFO_V1(partial_ffunc);
Datum
partial_ffunc(PG_FUNCTION_ARGS)
{
	EmulState  *st;
	FmgrInfo	out;
	Datum		v;
	bool		isnull;
	bool		argnull = false;

	if (PG_ARGISNULL(0))
	{
		Oid			agg = EmulAggOfAggref(fcinfo);

		if (!OidIsValid(agg))
			PG_RETURN_NULL();
		st = EmulStateNew(agg, EmulAggContext(fcinfo));
	}
	else
		st = (EmulState *) PG_GETARG_POINTER(0);
	if (st->isnull)
		PG_RETURN_NULL();
	fmgr_info(st->a.typoutput, &out);
	v = EmulCall(fcinfo, &out, 1, &st->value, &argnull, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(DatumGetCString(v)));
}

/*
 * The coordinator half's transition: read one shipped state with the
 * state type's input function, then merge it with the combine function
 * (PostgreSQL's rules for a strict combine function).
 */
PG_FUNCTION_INFO_V1(combine_sfunc);
Datum
combine_sfunc(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = EmulAggContext(fcinfo);
	EmulState  *st;
	Datum		in;
	bool		innull;
	Datum		args[2];
	bool		nulls[2];
	Datum		v;
	bool		isnull;

	if (PG_ARGISNULL(1))
		elog(ERROR, "citus_emul: the aggregate must not be NULL");
	if (PG_ARGISNULL(0))
		st = EmulStateNew(PG_GETARG_OID(1), aggcxt);
	else
		st = (EmulState *) PG_GETARG_POINTER(0);

	innull = PG_ARGISNULL(2);
	if (innull)
		in = (Datum) 0;
	else
	{
		FmgrInfo	inf;
		Datum		inargs[3];
		bool		innulls[3] = {false, false, false};

		fmgr_info(st->a.typinput, &inf);
		inargs[0] = CStringGetDatum(text_to_cstring(PG_GETARG_TEXT_PP(2)));
		inargs[1] = ObjectIdGetDatum(st->a.typioparam);
		inargs[2] = Int32GetDatum(-1);
		in = EmulCall(fcinfo, &inf, 3, inargs, innulls, &innull);
	}

	if (st->a.combinefn.fn_strict)
	{
		if (innull)
			PG_RETURN_POINTER(st);
		if (!st->started)
		{
			st->started = true;
			EmulKeep(st, in, false, aggcxt);
			PG_RETURN_POINTER(st);
		}
		if (st->isnull)
			PG_RETURN_POINTER(st);
	}
	args[0] = st->value;
	nulls[0] = st->isnull;
	args[1] = in;
	nulls[1] = innull;
	v = EmulCall(fcinfo, &st->a.combinefn, 2, args, nulls, &isnull);
	EmulKeep(st, v, isnull, aggcxt);
	st->started = true;
	PG_RETURN_POINTER(st);
}

/*
 * The coordinator half's result: the final function applied to the merged
 * state (extra arguments NULL, as PostgreSQL passes them), or the state
 * itself for an aggregate without one.  The tag's type must be the
 * aggregate's result type.
 */
PG_FUNCTION_INFO_V1(combine_ffunc);
Datum
combine_ffunc(PG_FUNCTION_ARGS)
{
	EmulState  *st;
	Datum		args[FUNC_MAX_ARGS];
	bool		nulls[FUNC_MAX_ARGS];
	Datum		v;
	bool		isnull;
	int			nargs;
	int			i;

	if (PG_ARGISNULL(0))
	{
		Oid			agg = EmulAggOfAggref(fcinfo);

		if (!OidIsValid(agg))
			PG_RETURN_NULL();
		st = EmulStateNew(agg, EmulAggContext(fcinfo));
	}
	else
		st = (EmulState *) PG_GETARG_POINTER(0);
	if (get_fn_expr_argtype(fcinfo->flinfo, 3) != st->a.finaltype)
		elog(ERROR, "citus_emul: tag of type %s, but %s returns %s",
			 format_type_be(get_fn_expr_argtype(fcinfo->flinfo, 3)),
			 format_procedure(st->a.agg), format_type_be(st->a.finaltype));
	if (!st->a.has_final)
	{
		if (st->isnull)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(st->value);
	}
	if (st->a.finalfn.fn_strict && st->isnull)
		PG_RETURN_NULL();
	nargs = st->a.final_extra ? st->a.nargs + 1 : 1;
	args[0] = st->value;
	nulls[0] = st->isnull;
	for (i = 1; i < nargs; i++)
	{
		args[i] = (Datum) 0;
		nulls[i] = true;
	}
	v = EmulCall(fcinfo, &st->a.finalfn, nargs, args, nulls, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(v);
}
