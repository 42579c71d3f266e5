/*
 * fuzz_common.h
 *	  Shared pieces of crm's libFuzzer harnesses: the malloc-based core
 *	  allocator and an assertion that survives NDEBUG.
 */
#ifndef CRM_FUZZ_COMMON_H
#define CRM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_core.h"

#define FUZZ_ASSERT(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

void *
crm_core_alloc(size_t size)
{
	void	   *p = calloc(1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

/*
 * The cores' allocator without zeroing: crm_core_alloc's block filled with
 * 0xA5, so that a core reading memory it never wrote gets garbage here
 * rather than zeros it might silently rely on.
 */
void *
crm_core_alloc_uninit(size_t size)
{
	void	   *p = crm_core_alloc(size);

	memset(p, 0xA5, size);
	return p;
}

void
crm_core_free(void *ptr)
{
	free(ptr);
}

/* The fuzzer's bytes as a NUL-terminated string (parsers take C strings). */
static inline char *
fuzz_cstring(const unsigned char *data, size_t size)
{
	char	   *s = crm_core_alloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif							/* CRM_FUZZ_COMMON_H */
