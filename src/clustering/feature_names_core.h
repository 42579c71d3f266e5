/*
 * feature_names_core.h
 *	  Feature names: the names crm.cluster_sketch and crm.clusters carry
 *	  from format version 2 on, one per feature, or none
 *	  (feature_names_core.c).  Server-independent, so the fuzzers and unit
 *	  tests drive it.
 *
 * A name is 1 .. CRM_FEATURE_NAME_MAX bytes without control characters
 * (bytes below 0x20 and 0x7f), and the names of one value are distinct.
 * A value without names calls its features f1, f2, ... wherever a name is
 * shown or looked up (crm_names_display).
 *
 * In a value the names are one block of bytes right after the header,
 * 8-byte aligned so that the doubles after it stay aligned:
 *
 *	uint32	size		bytes of the block, this field included (multiple of 8)
 *	uint32	count		0 (no names) or the number of features
 *	uint32	end[count]	offset in text[] of the NUL that ends name i; name
 *						i starts at end[i - 1] + 1 (name 0 at 0)
 *	char	text[]		the names, each followed by a NUL, then zero bytes
 *						up to size (fewer than 8)
 *
 * Only the canonical block is accepted (crm_names_block_check), so two
 * blocks hold the same names exactly when their bytes are equal.  A value
 * of format version 1 has no block; the functions below take NULL for it
 * and treat it as a block without names.
 *
 * Forms: JSON ["balance","age"] ([] without names); binary uint32 count,
 * then count strings (crm_enc_str: uint32 byte count and the bytes,
 * converted by the caller's CrmConvFn).
 */
#ifndef CRM_FEATURE_NAMES_CORE_H
#define CRM_FEATURE_NAMES_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error_core.h"
#include "json_core.h"
#include "outbuf_core.h"
#include "wire_core.h"

/* bytes per name */
#define CRM_FEATURE_NAME_MAX	200
/* the block of a value without names: size and count */
#define CRM_NAMES_EMPTY_SIZE	8

/* The block's size in bytes (its first field). */
static inline uint32_t
crm_names_block_bytes(const void *block)
{
	uint32_t	v;

	memcpy(&v, block, sizeof(v));
	return v;
}

/* The number of names (0 for none, and for NULL: a version 1 value). */
static inline int
crm_names_count(const void *block)
{
	uint32_t	v;

	if (block == NULL)
		return 0;
	memcpy(&v, (const char *) block + 4, sizeof(v));
	return (int) v;
}

/*
 * Whether count names (lens[i] bytes each) may name count features: each
 * 1 .. CRM_FEATURE_NAME_MAX bytes (54000 above), no control characters,
 * all distinct (22023), at most CRM_MAX_DIMS of them (54000).  Messages
 * say "feature name <i>".
 */
extern bool crm_names_validate(int count, const char *const *names, const uint32_t *lens,
							   CrmError *err);

/*
 * Whether count names fit dims features: 0 or dims (22023 "<what> has
 * <count> feature names for <dims> features").
 */
extern bool crm_names_check_count(int count, int dims, const char *what, CrmError *err);

/* Bytes of the block holding count names of lens[i] bytes each. */
extern size_t crm_names_block_size(int count, const uint32_t *lens);

/*
 * Write the block of count validated names into block, which has
 * crm_names_block_size bytes (zeroed or not).
 */
extern void crm_names_block_write(void *block, int count, const char *const *names,
								  const uint32_t *lens);

/*
 * Whether the avail bytes at block start with a valid, canonical block for
 * dims features (0 or dims names, each valid, distinct).  Errors name
 * <what> ("crm.clusters").
 */
extern bool crm_names_block_check(const void *block, size_t avail, int dims, const char *what,
								  CrmError *err);

/* Name i (0-based) of a block with names, and its length. */
extern const char *crm_names_get(const void *block, int i, uint32_t *len);

/*
 * Name i as shown: the stored name, or "f<i + 1>" written into buf (at
 * least 16 bytes) when the block has none (or is NULL).
 */
extern const char *crm_names_display(const void *block, int i, char *buf, uint32_t *len);

/* Whether two blocks (NULL: none) hold the same names. */
extern bool crm_names_equal(const void *a, const void *b);

/*
 * Record 22023 "<message>" with a detail naming the first feature whose
 * names differ ("feature 2 is "age" in one and "tenure" in the other").
 */
extern void crm_names_error_differ(CrmError *err, const void *a, const void *b,
								   const char *message);

/* A block from crm_core_alloc holding a copy of block's names (NULL: none). */
extern void *crm_names_copy(const void *block);

/* JSON: ["a","b"] (names escape only " and \), [] without names. */
extern void crm_names_write_json(CrmOut *o, const void *block);

/*
 * Read the JSON array of names for dims features into a new block (from
 * crm_core_alloc), validated; NULL on failure with the error.  A name
 * longer than CRM_FEATURE_NAME_MAX is 54000 however long it is.
 */
extern void *crm_names_read_json(CrmJson *j, int dims, const char *what, CrmError *err);

/* Binary: count, then the strings (converted by e->conv). */
extern void crm_names_encode(CrmEnc *e, const void *block);

/*
 * Read the binary names for dims features into a new block (from
 * crm_core_alloc), strings converted by conv, then validated; NULL on
 * failure (the reader's error, or the validation's).
 */
extern void *crm_names_decode(CrmReader *r, CrmConvFn conv, int dims);

#endif							/* CRM_FEATURE_NAMES_CORE_H */
