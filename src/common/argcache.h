/*
 * argcache.h
 *	  Per-call-site cache of a varlena argument (a tier scheme, a scorecard)
 *	  and of whatever a function derives from it.
 *
 * A function that looks a value up against a rule set passed as an argument
 * (crm.tier(x, scheme), crm.score(card, ...)) should not re-read the rule
 * set on every row.  The cache keeps an aligned, detoasted copy in
 * fn_mcxt.  The cache is keyed by value: when the argument is a Const in
 * the expression it cannot change, and the fast path is two loads and a
 * test; anything else (a column, a PL/pgSQL variable, a parameter of a
 * generic plan, which change while the expression state and fn_extra live
 * on) is compared with the copy, byte for byte, on every call.  Derived
 * data goes in cxt, which is reset whenever the value changes.
 */
#ifndef CRM_ARGCACHE_H
#define CRM_ARGCACHE_H

#include "crm.h"

typedef struct ArgCache
{
	MemoryContext cxt;			/* owns the copy and derived data */
	bool		stable;			/* argument is a Const */
	bool		valid;
	struct varlena *value;		/* aligned copy with a 4-byte header */
} ArgCache;

/*
 * The cache in fn_extra, created zeroed with `size` bytes (a struct that
 * starts with an ArgCache) on the first call.
 */
extern ArgCache *arg_cache_init(FunctionCallInfo fcinfo, int argno, Size size);

/*
 * Bring the cache up to date with argument argno.  Returns true when the
 * value changed: the caller then rebuilds its derived data in ac->cxt.
 */
extern bool arg_cache_update(ArgCache *ac, FunctionCallInfo fcinfo, int argno);

/* Fast-path test: nothing to do for this row. */
static inline bool
arg_cache_current(const ArgCache *ac)
{
	return ac->stable && ac->valid;
}

#endif							/* CRM_ARGCACHE_H */
