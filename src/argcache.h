/*
 * argcache.h
 *	  Per-call-site cache of a varlena argument (a tier scheme, a scorecard)
 *	  and of whatever a function derives from it.
 *
 * A function that looks a value up against a rule set passed as an argument
 * (crm.tier(x, scheme), crm.score(card, ...)) should not re-read the rule
 * set on every row.  The cache keeps an aligned, detoasted copy in
 * fn_mcxt; when the argument is a Const or Param it cannot change during
 * the scan, and the fast path is two loads and a test.  Otherwise the copy
 * is kept while the argument's bytes match.  Derived data goes in cxt,
 * which is reset whenever the value changes.
 */
#ifndef CRM_ARGCACHE_H
#define CRM_ARGCACHE_H

#include "crm.h"

typedef struct ArgCache
{
	MemoryContext cxt;			/* owns the copy and derived data */
	bool		stable;			/* argument is a Const or Param */
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
