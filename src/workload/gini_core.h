/*
 * gini_core.h
 *	  crm.gini_state, the state of the crm.gini aggregate: layout, cap,
 *	  checks, binary and compact text forms, and the coefficient.  No server
 *	  dependencies (fuzzed directly).
 *
 * The exact Gini coefficient needs every value, so the state holds them
 * all: 8 bytes a value, in a buffer that doubles as it fills.  Values are
 * finite and non-negative (-0 is stored as 0).
 *
 * Binary form (send/recv, parallel query): version byte, int64 count, then
 * the values as big-endian float8.  Text form: only the compact form,
 * "crm64:" + base64 of the binary form (a state is data, not something to
 * read; Citus ships it as text).  At most CRM_GINI_MAX_VALUES values, so
 * the text stays under 1 GB.
 */
#ifndef CRM_GINI_CORE_H
#define CRM_GINI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

#define CRM_GINI_STATE_VERSION	1

/* 100 million values: 800 MB in memory and binary, 1,066,666,686 bytes of text */
#define CRM_GINI_MAX_VALUES		INT64_C(100000000)

/*
 * A flat varlena whose size is its allocated capacity; seal is the
 * server's mark of a state whose values it has checked (see aggstate.h);
 * decoders leave it 0.
 */
typedef struct CrmGiniState
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_GINI_STATE_VERSION */
	uint8_t		pad[3];
	int64_t		n;
	int64_t		cap;
	uint64_t	seal;
	double		v[];
} CrmGiniState;

#define CRM_GINI_STATE_HDRSZ	offsetof(CrmGiniState, v)

/* Allocated size of a state with room for cap values. */
static inline size_t
crm_gini_state_size(int64_t cap)
{
	return CRM_GINI_STATE_HDRSZ + sizeof(double) * (size_t) cap;
}

/* Bytes of the binary form of a state of n values. */
static inline uint64_t
crm_gini_state_wire_size(int64_t n)
{
	return 9 + 8 * (uint64_t) n;
}

/* A zeroed state with room for cap values; NULL and CRM_ERR_LIMIT beyond the cap. */
extern CrmGiniState *crm_gini_state_alloc(int64_t cap, CrmError *err);

/* A value must be finite and non-negative (CRM_ERR_INVALID).  0 or -1. */
extern int	crm_gini_value_check(double x, CrmError *err);

/* Check a state's header in O(1) (kind: the error kind); 0 or -1. */
extern int	crm_gini_state_check_header(const CrmGiniState *s, size_t size,
										CrmErrorKind kind, CrmError *err);

/* Check the values of a state whose header passed; 0 or -1. */
extern int	crm_gini_state_check_values(const CrmGiniState *s, CrmError *err);

/* Write the binary form into out (crm_gini_state_wire_size bytes). */
extern void crm_gini_state_encode(const CrmGiniState *s, uint8_t *out);

/*
 * Read a binary form (kind: CRM_ERR_BINARY for recv, CRM_ERR_SYNTAX when
 * it came from compact text), values checked.  NULL and *err on failure.
 */
extern CrmGiniState *crm_gini_state_decode(const uint8_t *buf, size_t len,
										   CrmErrorKind kind, CrmError *err);

/* The compact text of a checked state (crm_core_alloc'd). */
extern char *crm_gini_state_print(const CrmGiniState *s);

/* Read the compact text form.  NULL and *err on failure. */
extern CrmGiniState *crm_gini_state_parse(const char *text, CrmError *err);

/*
 * The Gini coefficient of n >= 1 checked values (see gini_core.c); the
 * values are not changed (a sorted copy is made).
 */
extern double crm_gini_coefficient(const double *x, int64_t n);

#endif							/* CRM_GINI_CORE_H */
