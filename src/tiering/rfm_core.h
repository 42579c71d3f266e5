/*
 * rfm_core.h
 *	  RFM segment maps: ordered rules over recency, frequency and monetary
 *	  scores of any range 1..n, checked and compiled into a lookup table.
 *	  No server dependencies (unit-tested and fuzzed directly).
 *
 * A map has a scale n (scores are 1..n, as crm.quantile_score(v, n) gives
 * them) and an ordered list of rules.  A rule names a segment and bounds
 * some of r, f, m and fm = floor((f + m) / 2) to inclusive ranges; a
 * dimension it does not bound matches every score.  The segment of (r, f, m)
 * is the segment of the first rule that matches it.  A map is checked
 * once, when it is built:
 *   - every range lies within 1..n and is not empty;
 *   - no gap: every (r, f, m) matches some rule (a last rule with no range
 *     matches everything);
 *   - no dead rule: every rule is the first match of some (r, f, m), so a
 *     rule hidden by the rules before it, or one whose ranges no scores
 *     satisfy (f = 1, m = 10, fm = 1), is reported rather than ignored.
 * Rules may overlap: the first match wins.
 *
 * The built map keeps the first matching rule of every cell: of the n x n
 * grid (r, fm) when no rule bounds f or m, else of the n x n x n cube
 * (r, f, m).  A lookup is one table read.
 *
 * The standard map is the classic eleven-segment map over r and fm for
 * scores 1..5 (champions, loyal, potential_loyalist, new, promising,
 * need_attention, about_to_sleep, at_risk, cannot_lose, hibernating,
 * lost): fifteen disjoint rules.  For n-point scores it is scaled: a score
 * s reads as the 5-point class ceil(5 s / n), so a 5-point range [a, b]
 * becomes [floor((a - 1) n / 5) + 1, floor(b n / 5)] (deciles 1-2 are class
 * 1, ...), and rules left empty (n < 5) are dropped.  The rules stay
 * disjoint and cover the grid, so the scaled map is valid for every n.
 */
#ifndef CRM_RFM_CORE_H
#define CRM_RFM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "outbuf_core.h"

#define CRM_RFM_MAX_SCALE		100		/* scores 1..100: percentiles (22023 above) */
#define CRM_RFM_MAX_RULES		255		/* 54000 above */
#define CRM_RFM_MAX_SEGMENT		200		/* bytes per segment name (54000 above) */
#define CRM_RFM_STANDARD_RULES	15		/* rules of the standard map */

/* The dimensions a rule can bound. */
typedef enum CrmRfmDim
{
	CRM_RFM_R = 0,
	CRM_RFM_F,
	CRM_RFM_M,
	CRM_RFM_FM,					/* floor((f + m) / 2) */
	CRM_RFM_NDIMS
} CrmRfmDim;

extern const char *const crm_rfm_dim_names[CRM_RFM_NDIMS];

/* A rule: the segment, and for each bounded dimension lo..hi (inclusive). */
typedef struct CrmRfmRule
{
	const char *segment;
	uint32_t	segment_len;
	bool		bounded[CRM_RFM_NDIMS];
	int64_t		lo[CRM_RFM_NDIMS];
	int64_t		hi[CRM_RFM_NDIMS];
} CrmRfmRule;

/*
 * A built map: one block from crm_core_alloc (free it with crm_core_free).
 * cells[] holds the 0-based first matching rule of each cell.
 */
typedef struct CrmRfmMap
{
	int			scale;
	int			nrules;
	bool		cube;			/* cells by (r, f, m); else by (r, fm) */
	const char **segments;		/* nrules names, NUL-terminated copies */
	uint32_t   *segment_lens;
	uint8_t    *cells;
} CrmRfmMap;

/*
 * Check and compile a map.  NULL with *err on failure: a scale outside
 * 1..CRM_RFM_MAX_SCALE, no rules, an empty segment name, a range outside
 * 1..scale or empty (22023); more than CRM_RFM_MAX_RULES rules or a name
 * over CRM_RFM_MAX_SEGMENT bytes (54000); a gap or a dead rule (22023, the
 * first one found, in the order r, then fm or f and m, ascending).
 */
extern CrmRfmMap *crm_rfm_map_build(int64_t scale, const CrmRfmRule *rules, int64_t nrules,
									CrmError *err);

/* The 0-based rule of (r, f, m), each in 1..scale (the caller checks). */
static inline int
crm_rfm_map_rule(const CrmRfmMap *map, int r, int f, int m)
{
	int			n = map->scale;

	if (map->cube)
		return map->cells[((size_t) (r - 1) * n + (f - 1)) * n + (m - 1)];
	return map->cells[(size_t) (r - 1) * n + ((f + m) / 2 - 1)];
}

/*
 * The standard map scaled to n-point scores (n in 1..CRM_RFM_MAX_SCALE):
 * writes its rules (at most CRM_RFM_STANDARD_RULES) to out and returns
 * their number.  Segment names are static strings.
 */
extern int	crm_rfm_standard_rules(int n, CrmRfmRule *out);

/*
 * The 0.1.0 segment of (r, f, m) in 1..5: the standard map read directly
 * (crm.rfm_segment(r, f, m)).
 */
extern const char *crm_rfm_standard_segment(int r, int f, int m);

/*
 * The JSON form of a map, {"scale": n, "segments": [{"segment": "...",
 * "r": [lo, hi], ...}, ...]}, with a single number for a range of one
 * score; what crm.rfm_standard_map prints.
 */
extern void crm_rfm_map_write_json(CrmOut *o, int64_t scale, const CrmRfmRule *rules, int nrules);

#endif							/* CRM_RFM_CORE_H */
