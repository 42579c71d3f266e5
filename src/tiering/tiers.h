/*
 * tiers.h
 *	  crm.tiers, server side: fmgr accessors and the per-call-site cache
 *	  that tier lookups (and later the scorecard bins) share.
 */
#ifndef CRM_TIERS_H
#define CRM_TIERS_H

#include "crm.h"

#include <math.h>

#include "fmgr.h"
#include "utils/numeric.h"

#include "argcache.h"
#include "tiers_core.h"

#define DatumGetTiersP(X)		((CrmTiers *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TIERS_P(n)	DatumGetTiersP(PG_GETARG_DATUM(n))
#define PG_RETURN_TIERS_P(x)	PG_RETURN_POINTER(x)

/*
 * What a call site keeps between rows about the scheme it was last called
 * with (see argcache.h): the scheme, each label prebuilt as a text datum,
 * and (lazily) each bound as an exact numeric, all in arg.cxt.
 */
typedef struct TiersCache
{
	ArgCache	arg;			/* must be first */
	CrmTiers   *tiers;			/* == arg.value */
	text	  **labels;			/* ntiers prebuilt text values */
	Numeric    *numeric_bounds; /* ntiers - 1, or NULL until first needed */
} TiersCache;

/* Slow path of tiers_cache_get: first call, or a scheme that may change. */
extern TiersCache *tiers_cache_refresh(FunctionCallInfo fcinfo, int argno);

/* The scheme passed as argument argno, through the call site's cache. */
static inline TiersCache *
tiers_cache_get(FunctionCallInfo fcinfo, int argno)
{
	TiersCache *cache = (TiersCache *) fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return cache;
	return tiers_cache_refresh(fcinfo, argno);
}

/* Wrap a core-built scheme as a varlena (sets the header). */
extern CrmTiers *tiers_finish(CrmTiers *t, size_t size);

/* Exact numeric value of each bound (the decimal float8out prints). */
extern Numeric *tiers_cache_numeric_bounds(TiersCache *cache);

/* Error for a NaN or infinite value (kept out of line: it is the cold path). */
extern void tiers_value_error(float8 value) pg_attribute_noreturn();

/* 0-based tier of a float8 value; errors on NaN and Infinity. */
static inline int
tiers_locate_float8(const CrmTiers *t, float8 value)
{
	if (unlikely(!isfinite(value)))
		tiers_value_error(value);
	return crm_tiers_locate(t, value);
}

/* 0-based tier of a numeric value, compared exactly; errors on NaN and Infinity. */
extern int	tiers_locate_numeric(TiersCache *cache, Numeric value);

#endif							/* CRM_TIERS_H */
