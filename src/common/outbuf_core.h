/*
 * outbuf_core.h
 *	  The growable NUL-terminated output buffer every text printer of crm's
 *	  cores writes into (crm.tiers, crm.scorecard, crm.service_policy,
 *	  crm.cluster_sketch, crm.clusters).  Memory comes from crm_core_alloc,
 *	  so the finished string is a palloc'd cstring in the server.  No server
 *	  dependencies.
 */
#ifndef CRM_OUTBUF_CORE_H
#define CRM_OUTBUF_CORE_H

#include <stddef.h>
#include <string.h>

#include "error_core.h"

typedef struct CrmOut
{
	char	   *data;			/* NUL-terminated once anything is written */
	size_t		len;
	size_t		cap;
} CrmOut;

/*
 * Room for more bytes and a terminating NUL after them.  The capacity
 * doubles, so n appends cost O(n) copying in all (the dynamic table of
 * Cormen, Leiserson, Rivest and Stein, "Introduction to Algorithms",
 * section 17.4).
 */
static inline void
crm_out_reserve(CrmOut *o, size_t more)
{
	if (o->len + more + 1 > o->cap)
	{
		size_t		cap = o->cap ? o->cap : 256;
		char	   *d;

		while (o->len + more + 1 > cap)
			cap *= 2;
		d = crm_core_alloc(cap);
		if (o->len)
			memcpy(d, o->data, o->len);
		if (o->data)
			crm_core_free(o->data);
		o->data = d;
		o->cap = cap;
	}
}

/* Append n bytes (NUL-terminated after them). */
static inline void
crm_out_bytes(CrmOut *o, const char *s, size_t n)
{
	crm_out_reserve(o, n);
	memcpy(o->data + o->len, s, n);
	o->len += n;
	o->data[o->len] = '\0';
}

/* Append a NUL-terminated string. */
static inline void
crm_out_str(CrmOut *o, const char *s)
{
	crm_out_bytes(o, s, strlen(s));
}

#endif							/* CRM_OUTBUF_CORE_H */
