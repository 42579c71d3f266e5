/*
 * core_alloc.h
 *	  The cores' allocation hooks (error_core.h) for the programs that link
 *	  the server-free cores without a server (the benchmark programs, the
 *	  libFuzzer harnesses through fuzz/fuzz_common.h): plain calloc and
 *	  free, nothing of an arena.  Include it in exactly one file of a
 *	  program.
 */
#ifndef CRM_BENCH_CORE_ALLOC_H
#define CRM_BENCH_CORE_ALLOC_H

#include <stdlib.h>
#include <string.h>

#include "error_core.h"

/* The cores' allocator: zeroed, never NULL. */
void *
crm_core_alloc(size_t size)
{
	void	   *p = calloc(1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

/*
 * Without zeroing: crm_core_alloc's block filled with 0xA5, so that a core
 * reading memory it never wrote gets garbage here (and a different result)
 * rather than zeros it might silently rely on.
 */
void *
crm_core_alloc_uninit(size_t size)
{
	void	   *p = crm_core_alloc(size);

	memset(p, 0xA5, size);
	return p;
}

/* The cores' free. */
void
crm_core_free(void *ptr)
{
	free(ptr);
}

#endif							/* CRM_BENCH_CORE_ALLOC_H */
