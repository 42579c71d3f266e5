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

/* the malloc-based allocator, as the benchmark programs have it */
#include "../bench/core_alloc.h"

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
