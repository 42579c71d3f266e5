/*
 * crm.h
 *	  Declarations shared by crm's server-side files.
 */
#ifndef CRM_H
#define CRM_H

#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"

#include "error_core.h"

/* Raise a CrmError from a server-independent core as an ereport(ERROR). */
extern void crm_ereport(const CrmError *err) pg_attribute_noreturn();

/*
 * The compact text form (wire_core.h) in the server: crm_wire_out prints n
 * bytes of a type's binary form as "crm64:..." (54000 when the text would
 * not fit PostgreSQL's 1 GB limit); crm_wire_in decodes such a text back
 * into binary form, raising 22P02 for anything but canonical base64.  what
 * names the type in messages.
 */
extern char *crm_wire_out(const void *bin, size_t n, const char *what);
extern uint8 *crm_wire_in(const char *text, size_t *n, const char *what);

/*
 * Equality and hashing for crm's canonical varlena types (the rule-set
 * types of ruleset.h, crm.clusters): builders normalise every value (-0,
 * order of category values, defaults), so equal content means equal bytes.
 * Arguments are detoasted values with 4-byte headers.
 */
static inline bool
crm_canonical_equal(const struct varlena *a, const struct varlena *b)
{
	return VARSIZE(a) == VARSIZE(b) &&
		memcmp(VARDATA(a), VARDATA(b), VARSIZE(a) - VARHDRSZ) == 0;
}

/*
 * hash_any (Bob Jenkins' lookup3 hash, as PostgreSQL hashes text) of the
 * canonical bytes.
 */
static inline Datum
crm_canonical_hash(const struct varlena *a)
{
	return hash_any((const unsigned char *) VARDATA(a), VARSIZE(a) - VARHDRSZ);
}

#endif							/* CRM_H */
