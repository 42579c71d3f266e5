/*
 * crm.h
 *	  Declarations shared by crm's server-side files.
 */
#ifndef CRM_H
#define CRM_H

#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"

#include "crm_error.h"

/* Raise a CrmError from a server-independent core as an ereport(ERROR). */
extern void crm_ereport(const CrmError *err) pg_attribute_noreturn();

/*
 * Equality and hashing for crm's canonical varlena types (crm.tiers,
 * crm.scorecard): builders normalise every value (-0, order of category
 * values, defaults), so equal content means equal bytes.  Arguments are
 * detoasted values with 4-byte headers.
 */
static inline bool
crm_canonical_equal(const struct varlena *a, const struct varlena *b)
{
	return VARSIZE(a) == VARSIZE(b) &&
		memcmp(VARDATA(a), VARDATA(b), VARSIZE(a) - VARHDRSZ) == 0;
}

static inline Datum
crm_canonical_hash(const struct varlena *a)
{
	return hash_any((const unsigned char *) VARDATA(a), VARSIZE(a) - VARHDRSZ);
}

#endif							/* CRM_H */
