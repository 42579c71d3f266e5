/*
 * argcache.c
 *	  Per-call-site cache of a varlena argument (see argcache.h).
 */
#include "crm.h"

#include "utils/memutils.h"

#include "argcache.h"

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
		ac->stable = get_fn_expr_arg_stable(fcinfo->flinfo, argno);
		fcinfo->flinfo->fn_extra = ac;
	}
	return ac;
}

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
