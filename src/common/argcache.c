/*
 * argcache.c
 *	  Per-call-site cache of a varlena argument (see argcache.h).
 */
#include "crm.h"

#include "nodes/primnodes.h"
#include "utils/memutils.h"

#include "argcache.h"

/*
 * Whether argument argno of the call is a Const in the expression tree.
 * Only a Const is the same value on every call through this FmgrInfo:
 * get_fn_expr_arg_stable() also trusts Params, but PL/pgSQL and generic
 * plans keep the expression state, and so fn_extra, while a parameter's
 * value changes from one execution to the next.
 */
static bool
ArgIsConst(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else
		return false;
	if (argno < 0 || argno >= list_length(args))
		return false;
	return IsA(list_nth(args, argno), Const);
}

/* The call site's cache (see argcache.h), created on the first call. */
ArgCache *
arg_cache_init(FunctionCallInfo fcinfo, int argno, Size size)
{
	ArgCache   *ac = (ArgCache *) fcinfo->flinfo->fn_extra;

	Assert(size >= sizeof(ArgCache));
	if (ac == NULL)
	{
		ac = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, size);
		ac->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "crm argument cache",
										ALLOCSET_SMALL_SIZES);
		ac->stable = ArgIsConst(fcinfo->flinfo, argno);
		fcinfo->flinfo->fn_extra = ac;
	}
	return ac;
}

/*
 * Compare the argument with the cached copy, byte for byte, and take a new
 * copy when it differs.  Pointers prove nothing: a new value can be
 * allocated where the previous one was freed.
 */
bool
arg_cache_update(ArgCache *ac, FunctionCallInfo fcinfo, int argno)
{
	struct varlena *packed;
	Size		datalen;

	if (ac->valid && ac->stable)
		return false;
	packed = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	datalen = VARSIZE_ANY_EXHDR(packed);
	if (ac->valid && datalen == VARSIZE(ac->value) - VARHDRSZ &&
		memcmp(VARDATA_ANY(packed), VARDATA(ac->value), datalen) == 0)
		return false;

	MemoryContextReset(ac->cxt);
	ac->value = MemoryContextAlloc(ac->cxt, VARHDRSZ + datalen);
	SET_VARSIZE(ac->value, VARHDRSZ + datalen);
	memcpy(VARDATA(ac->value), VARDATA_ANY(packed), datalen);
	ac->valid = true;
	return true;
}
