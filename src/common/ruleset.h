/*
 * ruleset.h
 *	  Type plumbing shared by crm's rule-set types.
 */
#ifndef CRM_RULESET_H
#define CRM_RULESET_H

#include "crm.h"

#include "wire_core.h"

/* String conversion for binary forms (CrmConvFn): client to database encoding, verified. */
extern const char *tiers_from_client(const char *s, size_t len, size_t *out_len);

/* String conversion for binary forms (CrmConvFn): database to client encoding. */
extern const char *tiers_to_client(const char *s, size_t len, size_t *out_len);

/* A binary form from the core encoders as a bytea (frees bin). */
extern bytea *tiers_bytea(uint8_t *bin, size_t len);

#endif							/* CRM_RULESET_H */
