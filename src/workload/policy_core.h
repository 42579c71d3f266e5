/*
 * policy_core.h
 *	  crm.service_policy: layout, builder, text parser and printer, tier
 *	  lookup.  No server dependencies (fuzzed directly).
 *
 * A service policy says, per customer tier, how many on-site visits and
 * proactive calls a relationship manager owes a customer per year, and what
 * each costs in minutes (a visit also costs travel minutes).  An optional
 * `*` entry applies to tiers that are not listed.
 *
 * Text form (entries separated by ';', a trailing ';' is allowed):
 *
 *   A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60,
 *        call_minutes: 10, travel_minutes: 40};
 *   *: {calls_per_year: 2, call_minutes: 10}
 *
 * Keys not written are 0.  Labels made of letters, digits, _ - . + and
 * non-ASCII characters may be written bare, anything else double-quoted with
 * \" and \\ escapes (the lexical rules of crm.tiers and crm.scorecard).
 * `*` (bare or quoted) is the entry for unlisted tiers, so no tier can be
 * called "*".  The printed form is canonical: entries sorted bytewise by
 * label, `*` last, every key written out, numbers in shortest round-trip
 * form.
 */
#ifndef CRM_POLICY_CORE_H
#define CRM_POLICY_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

#define CRM_POLICY_VERSION		1
#define CRM_POLICY_MAX_ENTRIES	1000
#define CRM_POLICY_MAX_LABEL	200		/* bytes */
/*
 * Largest value of any key: no standard has a billion contacts or minutes a
 * year, and the bound keeps every product (minutes a year, times the years
 * of any interval) finite.
 */
#define CRM_POLICY_MAX_VALUE	1e9

#define CRM_POLICY_FLAG_DEFAULT 0x01	/* the last entry is `*` */

/* The five numbers of an entry, in the order of the text form. */
typedef enum CrmPolicyKey
{
	CRM_POLICY_VISITS = 0,		/* visits_per_year */
	CRM_POLICY_CALLS,			/* calls_per_year */
	CRM_POLICY_VISIT_MIN,		/* visit_minutes */
	CRM_POLICY_CALL_MIN,		/* call_minutes */
	CRM_POLICY_TRAVEL_MIN,		/* travel_minutes (per visit) */
	CRM_POLICY_NKEYS
} CrmPolicyKey;

extern const char *const crm_policy_key_names[CRM_POLICY_NKEYS];

typedef struct CrmPolicyEntry
{
	uint32_t	label_off;		/* from the start of the policy; NUL-terminated */
	uint32_t	label_len;		/* 0 for the `*` entry */
	double		v[CRM_POLICY_NKEYS];
} CrmPolicyEntry;

/*
 * The policy, a varlena aligned 'double'.  Entries sorted bytewise by label,
 * then the `*` entry if any; the labels follow the entries.
 */
typedef struct CrmPolicy
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_POLICY_VERSION */
	uint8_t		flags;			/* CRM_POLICY_FLAG_* */
	uint16_t	pad;
	uint32_t	nentries;		/* including `*` */
	uint32_t	pad2;
	CrmPolicyEntry entries[];
} CrmPolicy;

/* The label of a listed entry (label_len bytes and a NUL); `*` has label_len 0. */
static inline const char *
crm_policy_label(const CrmPolicy *p, const CrmPolicyEntry *e)
{
	return (const char *) p + e->label_off;
}

/* Service minutes a year of one customer of an entry's tier. */
static inline double
crm_policy_minutes_per_year(const CrmPolicyEntry *e)
{
	return e->v[CRM_POLICY_VISITS] * (e->v[CRM_POLICY_VISIT_MIN] + e->v[CRM_POLICY_TRAVEL_MIN]) +
		e->v[CRM_POLICY_CALLS] * e->v[CRM_POLICY_CALL_MIN];
}

/*
 * The entry for a tier label: the listed one, else `*`, else NULL (binary
 * search over the listed labels).
 */
extern const CrmPolicyEntry *crm_policy_lookup(const CrmPolicy *p, const char *label, size_t len);

/* Builder input: one entry per tier; label NULL means the `*` entry. */
typedef struct CrmPolicySpec
{
	const char *label;
	uint32_t	label_len;
	double		v[CRM_POLICY_NKEYS];
} CrmPolicySpec;

/* Validate and pack (any order).  NULL and *err on failure. */
extern CrmPolicy *crm_policy_build(const CrmPolicySpec *entries, int n, size_t *size, CrmError *err);

/* Parse the text form (NUL-terminated). */
extern CrmPolicy *crm_policy_parse(const char *str, size_t *size, CrmError *err);

/*
 * A number of a policy written as len bytes at lit (no sign but -, no hex;
 * NaN, Infinity and -Infinity, in any case, are numbers here, for the
 * builder to refuse with the one wording of crm_policy_build).  label
 * (NULL for `*`) and key name the entry in errors.  0 and *out; -1 when
 * lit is not a number (no error recorded: the caller says where); -2 with
 * a CRM_ERR_RANGE error for a literal beyond the range of float8.
 */
extern int	crm_policy_number(const char *lit, size_t len, const char *label,
							  size_t label_len, int key, double *out, CrmError *err);

/*
 * The binary form: a version byte, then the canonical text form (in the
 * server encoding; the server converts it before calling this).  Decode
 * a whole binary value: structure errors, malformed text included, are
 * CRM_ERR_BINARY; value errors are those of the text form.
 */
#define CRM_POLICY_BINARY_VERSION 1
extern CrmPolicy *crm_policy_decode(const uint8_t *buf, size_t len, size_t *size,
									CrmError *err);

/* Print the canonical text form (crm_core_alloc'd, NUL-terminated). */
extern char *crm_policy_print(const CrmPolicy *p);

/* Check a packed policy of unknown origin.  0, or -1 with *err. */
extern int	crm_policy_check(const CrmPolicy *p, size_t size, CrmError *err);

/* Key index of a key name, or -1. */
extern int	crm_policy_key_index(const char *name, size_t len);

#endif							/* CRM_POLICY_CORE_H */
