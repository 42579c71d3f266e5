/*
 * tiers_core.h
 *	  crm.tiers: memory layout, builder, text parser and printer, lookup.
 *
 * Nothing here depends on the PostgreSQL server, so the parser can be
 * unit-tested and fuzzed on its own (fuzz/fuzz_tiers.c).  The server side
 * (tiers.c) supplies the allocator and turns CrmError into ereport().
 *
 * A scheme of n tiers has n - 1 strictly ascending finite bounds; tier i
 * (0-based) covers [bounds[i-1], bounds[i]), the first from -infinity and the
 * last to +infinity, so a value equal to a bound belongs to the upper tier.
 *
 * Text form:  {mass, wealth >= 80000, sunflower >= 500000}
 * i.e. the first label, then each further label with its floor.  Labels are
 * double-quoted when they contain any of  { } , " \ > =  , whitespace or
 * control characters; inside quotes \" and \\ escape.  Bounds are printed as
 * the shortest decimal that reads back to the same float8.
 */
#ifndef CRM_TIERS_CORE_H
#define CRM_TIERS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "wire_core.h"

#define CRM_TIERS_VERSION		1
#define CRM_TIERS_MAX_TIERS		1000	/* program limit (54000 above it) */
#define CRM_TIERS_MAX_LABEL		200		/* bytes per label */

/*
 * Longest text literal the parser reads (54000 above it, before anything is
 * allocated).  The canonical text of the largest scheme the limits above
 * allow (1,000 tiers of 200-byte labels that all need escaping) is about
 * 432 kB, so every valid scheme prints well within it, with room for
 * spaces in hand-written literals.
 */
#define CRM_TIERS_MAX_TEXT		(1024 * 1024)

/*
 * On-disk / in-memory layout (a varlena, aligned 'double'):
 *
 *	int32	vl_len_		varlena header, set by the server side
 *	uint8	version		CRM_TIERS_VERSION, reserved for format changes
 *	uint8	flags		0, reserved
 *	uint16	ntiers		number of tiers, 2 .. CRM_TIERS_MAX_TIERS
 *	double	bounds[ntiers - 1]
 *	uint32	label_end[ntiers]	offset of label i's terminating NUL in the
 *								label area; label i starts at label_end[i-1]+1
 *	char	labels[]	NUL-terminated labels, back to back
 */
typedef struct CrmTiers
{
	int32_t		vl_len_;
	uint8_t		version;
	uint8_t		flags;
	uint16_t	ntiers;
	double		bounds[];
} CrmTiers;

#define CRM_TIERS_HEADER_SIZE	offsetof(CrmTiers, bounds)

/* The label_end table, which follows the bounds. */
static inline const uint32_t *
crm_tiers_label_ends(const CrmTiers *t)
{
	return (const uint32_t *) (t->bounds + (t->ntiers - 1));
}

/* The NUL-terminated labels, which follow the label_end table. */
static inline const char *
crm_tiers_label_area(const CrmTiers *t)
{
	return (const char *) (crm_tiers_label_ends(t) + t->ntiers);
}

/* Label i (0-based) and its length in bytes (without the NUL). */
static inline const char *
crm_tiers_label(const CrmTiers *t, int i, uint32_t *len)
{
	const uint32_t *ends = crm_tiers_label_ends(t);
	uint32_t	start = (i == 0) ? 0 : ends[i - 1] + 1;

	if (len)
		*len = ends[i] - start;
	return crm_tiers_label_area(t) + start;
}

/*
 * Bin of x among n ascending bounds, 0-based: the number of bounds <= x, so
 * a value equal to a bound falls in the upper bin.  x must not be NaN.
 * This is the one place crm decides which band a value is in: tiers and the
 * numeric bins of scorecards both call it.
 *
 * A branch-free binary search (P.-V. Khuong and P. Morin, "Array layouts
 * for comparison-based searching", ACM Journal of Experimental Algorithmics
 * 22 (2017)): each step halves the candidate range and moves its base by a
 * conditional move rather than a jump, so a random mix of values across
 * the bands costs no branch mispredictions (the common case: customers of
 * all tiers in one scan).  The invariant is that the answer lies in
 * [base, base + len]; log2(n) + 1 comparisons for any n.
 */
static inline int
crm_bounds_locate(const double *bounds, int nbounds, double x)
{
	const double *base = bounds;
	int			len = nbounds;

	if (len == 0)
		return 0;
	while (len > 1)
	{
		int			half = len / 2;

		base += (base[half] <= x) ? half : 0;
		len -= half;
	}
	return (int) (base - bounds) + (*base <= x);
}

/* Tier of x, 0-based (see crm_bounds_locate). */
static inline int
crm_tiers_locate(const CrmTiers *t, double x)
{
	return crm_bounds_locate(t->bounds, t->ntiers - 1, x);
}

/*
 * Build a scheme from labels and bounds, validating everything the type
 * promises (count, finite strictly ascending bounds, unique non-empty labels
 * within the length limit).  Returns NULL and fills *err on failure.  The
 * result is allocated with crm_core_alloc(); *size receives its total size.
 */
extern CrmTiers *crm_tiers_build(int ntiers, const double *bounds,
								 const char *const *labels,
								 const uint32_t *label_lens,
								 size_t *size, CrmError *err);

/* Parse the text form (NUL-terminated).  NULL and *err on failure. */
extern CrmTiers *crm_tiers_parse(const char *str, size_t *size, CrmError *err);

/*
 * Print the text form into a crm_core_alloc()'d NUL-terminated string.
 * The printer is the exact inverse of the parser: parse(print(t)) == t
 * byte for byte.
 */
extern char *crm_tiers_print(const CrmTiers *t);

/* Index of the tier with this label, or -1. */
extern int	crm_tiers_find_label(const CrmTiers *t, const char *label, size_t len);

/*
 * Check a value of unknown origin (e.g. a corrupted datum) for internal
 * consistency: sizes and offsets within `size`, NUL terminators, and the
 * same semantic rules as crm_tiers_build.  Returns 0 or fills *err.
 */
extern int	crm_tiers_check(const CrmTiers *t, size_t size, CrmError *err);

/* Does a label need double quotes in the text form? */
extern int	crm_tiers_label_needs_quotes(const char *label, size_t len);

/* Length of the text form crm_tiers_print writes (without the NUL). */
extern size_t crm_tiers_text_len(const CrmTiers *t);

/*
 * Whether ntiers is within the type's limits; records the builder's error
 * when not.  Readers of counts check with it before allocating.
 */
extern bool crm_tiers_count_ok(int64_t ntiers, CrmError *err);

/* ----------------------------------------------------------------------
 * Binary form (send/recv, binary COPY), big-endian:
 *
 *	uint8	version		CRM_TIERS_VERSION
 *	int32	ntiers
 *	float8	bounds[ntiers - 1]
 *	ntiers times: int32 byte count, then the label's bytes
 *
 * Labels travel in the client's encoding, as text does: the server passes
 * a conversion function (NULL: bytes as they are).  The decoder checks
 * every length against the bytes left before reading or allocating (a
 * short value is 22P03), then builds the scheme with crm_tiers_build, so
 * binary input obeys exactly the rules of the text form.
 * ---------------------------------------------------------------------- */

/* Write a scheme's binary form (see CrmEnc). */
extern void crm_tiers_write(CrmEnc *e, const CrmTiers *t);

/*
 * Read a scheme's binary form from r and build it; NULL with the error in
 * r->err on failure.  Reads exactly the scheme (the caller checks the end).
 */
extern CrmTiers *crm_tiers_read(CrmReader *r, CrmConvFn conv, size_t *size);

/* The binary form of a scheme, in memory from crm_core_alloc. */
extern uint8_t *crm_tiers_encode(const CrmTiers *t, CrmConvFn conv, size_t *len);

/*
 * Decode a whole binary value (nothing may follow).  NULL and *err on
 * failure.
 */
extern CrmTiers *crm_tiers_decode(const void *buf, size_t len, CrmConvFn conv,
								  size_t *size, CrmError *err);

#endif							/* CRM_TIERS_CORE_H */
