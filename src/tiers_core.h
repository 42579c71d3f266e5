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

#include <stddef.h>
#include <stdint.h>

#include "crm_error.h"

#define CRM_TIERS_VERSION		1
#define CRM_TIERS_MAX_TIERS		1000	/* program limit (54000 above it) */
#define CRM_TIERS_MAX_LABEL		200		/* bytes per label */

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

static inline const uint32_t *
crm_tiers_label_ends(const CrmTiers *t)
{
	return (const uint32_t *) (t->bounds + (t->ntiers - 1));
}

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
 * A branch-free binary search: each step moves the base by a conditional
 * move rather than a jump, so a random mix of values across the bands costs
 * no branch mispredictions (the common case: customers of all tiers in one
 * scan).  log2(n) + 1 comparisons for any n.
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

#endif							/* CRM_TIERS_CORE_H */
