/*
 * scorecard_core.h
 *	  crm.scorecard: layout, builder, text parser and printer, and the
 *	  per-factor scoring rules.  No server dependencies (fuzzed directly).
 *
 * A scorecard is an additive points card, the form credit and AML risk
 * scorecards take in banking (N. Siddiqi, "Credit Risk Scorecards", Wiley,
 * 2006: attributes binned, points per bin, the points added): each
 * factor gives points for the customer's attribute, the points add up to a
 * total, and the total falls in a level band.  Factors are
 *   numeric   ascending bin edges -> points per bin; a value equal to an
 *             edge falls in the upper bin (crm_bounds_locate, as crm.tiers)
 *   category  value -> points, with points for any unlisted value
 * and both have points for a missing value.  Levels are a crm.tiers scheme
 * over the total (reused as is, text form included).
 *
 * Text form (one line; clauses separated by ';'):
 *
 *   name aml_risk; version 3; strict;
 *   region: category {high_risk: 30, offshore: 40, *: 0, null: 20};
 *   fund_size: numeric {0, 5 >= 100000, 15 >= 1000000, null: 10};
 *   levels: {low, medium >= 40, high >= 70}
 *
 * name, version and strict are optional; at least one factor and the levels
 * are required.  In a numeric factor the first points have no edge and each
 * further points come with the edge their bin starts at.  In a category
 * factor `*` gives the points for an unlisted value and `null` those for a
 * missing one (both default to 0).  Words made of letters, digits, _ - . +
 * and non-ASCII characters may be written bare; anything else, and the
 * keywords (name version strict levels numeric category null), is
 * double-quoted with \" and \\ escapes.  The printed form is canonical:
 * clauses in the order above, category values sorted bytewise, every
 * default written out, numbers in shortest round-trip form.
 */
#ifndef CRM_SCORECARD_CORE_H
#define CRM_SCORECARD_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "tiers_core.h"

#define CRM_CARD_VERSION		1	/* cards without fit statistics (0.1.0) */
#define CRM_CARD_VERSION_FIT	2	/* cards with fit statistics (0.2.0) */
#define CRM_CARD_MAX_FACTORS	256
#define CRM_CARD_MAX_BINS		1000	/* per numeric factor */
#define CRM_CARD_MAX_CATEGORIES 10000	/* per category factor */
#define CRM_CARD_MAX_NAME		200		/* bytes: names, values, version */

/*
 * Longest canonical text form of a card (54000 above it), and longest text
 * literal the parser reads.  The count limits above would allow a card of
 * over 1 GB of text; this cap keeps every form of the largest valid card
 * well under PostgreSQL's 1 GB limit: its packed value is at most about 3
 * times its text (48 MB), its binary form at most about twice, its JSON
 * form at most about 6 times (control characters become \u00XX).
 */
#define CRM_CARD_MAX_TEXT		(16 * 1024 * 1024)

#define CRM_CARD_FLAG_STRICT	0x01
#define CRM_CARD_FLAG_FIT		0x02	/* version 2: fit statistics follow the levels */

/*
 * Fit statistics (format version 2, since 0.2.0).  A card fitted from data
 * (crm.scorecard_fit) records, for every entry (bin, listed value, other
 * values, missing value), the training rows that fell in it, how many of
 * them had the target, and the weight of evidence behind its points; for
 * every factor the logistic-regression coefficient; for the card the rows
 * and targets it was fitted on and the scaling of its points.  They do not
 * change a score: they are what an auditor reads (crm.scorecard_bins).  A
 * card without them (every hand-written card, every card stored by 0.1.0)
 * keeps format version 1, byte for byte and in every external form.
 *
 * Text form: each entry's points are followed by
 *     [rows 520, targets 355, woe 2.41]
 * each factor's closing brace by [coefficient 0.98], and the card ends with
 *     fit {rows 5007, targets 803, points0 600, odds0 0.05263157894736842,
 *          pdo 20, higher target, intercept -1.66}
 * Either every entry, factor and the card have them or none does.
 */
typedef struct CrmCardEntryStats
{
	double		rows;			/* training rows in the entry (an integer) */
	double		targets;		/* of which had the target (an integer) */
	double		woe;			/* weight of evidence behind the points */
} CrmCardEntryStats;

/* A factor's statistics: its coefficient, then its entries'. */
typedef struct CrmCardFactorStats
{
	double		coefficient;	/* logistic-regression coefficient of the WOE */
	CrmCardEntryStats missing;
	CrmCardEntryStats other;	/* category factors; zeros for numeric ones */
	CrmCardEntryStats entries[];	/* one per bin or listed value */
} CrmCardFactorStats;

#define CRM_CARD_HIGHER_TARGET		0	/* points rise with the target's odds */
#define CRM_CARD_HIGHER_NON_TARGET	1	/* points fall with them */

/* The card's statistics: what it was fitted on and how points are scaled. */
typedef struct CrmCardFit
{
	double		rows;			/* training rows (an integer) */
	double		targets;		/* of which had the target */
	double		points0;		/* points at odds0 */
	double		odds0;			/* odds of the target at points0 */
	double		pdo;			/* points to double the odds */
	double		intercept;		/* the regression's intercept */
	uint8_t		higher;			/* CRM_CARD_HIGHER_* */
	uint8_t		pad[7];
} CrmCardFit;

/* Largest count of rows a statistic may hold: integers stay exact in float8. */
#define CRM_CARD_MAX_ROWS	9007199254740992.0	/* 2^53 */

typedef enum CrmFactorKind
{
	CRM_FACTOR_NUMERIC = 1,
	CRM_FACTOR_CATEGORY = 2
} CrmFactorKind;

/* A string inside the card: offset from the start of the card, length. */
typedef struct CrmCardStr
{
	uint32_t	off;
	uint32_t	len;
} CrmCardStr;

typedef struct CrmCardFactor
{
	CrmCardStr	name;
	uint8_t		kind;			/* CrmFactorKind */
	uint8_t		pad[3];
	uint32_t	n;				/* numeric: bins; category: listed values */
	uint32_t	edges_off;		/* numeric: double[n - 1] */
	uint32_t	points_off;		/* double[n] */
	uint32_t	keys_off;		/* category: CrmCardStr[n], sorted bytewise */
	uint32_t	stats_off;		/* version 2: CrmCardFactorStats; else 0 */
	double		missing;		/* points for a missing value */
	double		other;			/* category: points for an unlisted value */
} CrmCardFactor;

/*
 * The card, a varlena aligned 'double'.  All offsets are from the start of
 * the struct, so the value is position independent.  The levels are a
 * complete crm.tiers value (with its own varlena header) at levels_off.
 */
typedef struct CrmScorecard
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_CARD_VERSION */
	uint8_t		flags;			/* CRM_CARD_FLAG_* */
	uint16_t	nfactors;
	CrmCardStr	name;			/* len 0: no name */
	CrmCardStr	card_version;	/* len 0: no version */
	uint32_t	levels_off;
	uint32_t	levels_size;
	CrmCardFactor factors[];
} CrmScorecard;

/* The bytes of a string of the card (s.len of them, NUL after). */
static inline const char *
crm_card_str(const CrmScorecard *c, CrmCardStr s)
{
	return (const char *) c + s.off;
}

/* A factor's points: one per bin (numeric) or per listed value (category). */
static inline const double *
crm_card_points(const CrmScorecard *c, const CrmCardFactor *f)
{
	return (const double *) ((const char *) c + f->points_off);
}

/* A numeric factor's bin edges, n - 1 of them, strictly ascending. */
static inline const double *
crm_card_edges(const CrmScorecard *c, const CrmCardFactor *f)
{
	return (const double *) ((const char *) c + f->edges_off);
}

/* A category factor's listed values, sorted bytewise. */
static inline const CrmCardStr *
crm_card_keys(const CrmScorecard *c, const CrmCardFactor *f)
{
	return (const CrmCardStr *) ((const char *) c + f->keys_off);
}

/* Whether the card carries fit statistics (format version 2). */
static inline bool
crm_card_has_fit(const CrmScorecard *c)
{
	return (c->flags & CRM_CARD_FLAG_FIT) != 0;
}

/* A fitted card's statistics (crm_card_has_fit): right after the levels. */
static inline const CrmCardFit *
crm_card_fit(const CrmScorecard *c)
{
	return (const CrmCardFit *) ((const char *) c + c->levels_off +
								 ((c->levels_size + 7) & ~(uint32_t) 7));
}

/* A factor's statistics in a fitted card. */
static inline const CrmCardFactorStats *
crm_card_factor_stats(const CrmScorecard *c, const CrmCardFactor *f)
{
	return (const CrmCardFactorStats *) ((const char *) c + f->stats_off);
}

/* The card's level bands, a complete crm.tiers value inside the card. */
static inline const CrmTiers *
crm_card_levels(const CrmScorecard *c)
{
	return (const CrmTiers *) ((const char *) c + c->levels_off);
}

/*
 * Bin of a numeric value (0-based; finite x).
 *
 * The interval search: bin i covers [edge i-1, edge i), the first from
 * -Infinity and the last to +Infinity, so the bin is the number of edges
 * <= x, found by crm_bounds_locate, the branch-free binary search that
 * crm.tiers uses (tiers_core.h): one rule decides every band in crm.
 */
static inline int
crm_card_numeric_bin(const CrmScorecard *c, const CrmCardFactor *f, double x)
{
	return crm_bounds_locate(crm_card_edges(c, f), (int) f->n - 1, x);
}

/* Index of a listed category value, or -1 (binary search). */
extern int	crm_card_category_index(const CrmScorecard *c, const CrmCardFactor *f,
									const char *value, size_t len);

/* Index of the factor with this name, or -1. */
extern int	crm_card_find_factor(const CrmScorecard *c, const char *name, size_t len);

/*
 * Builder input: plain arrays, as the parser and the jsonb cast produce
 * them.  Category values need not be sorted.
 */
typedef struct CrmFactorSpec
{
	const char *name;
	uint32_t	name_len;
	CrmFactorKind kind;
	int			n;				/* numeric: bins; category: listed values */
	const double *edges;		/* numeric: n - 1 */
	const double *points;		/* n */
	const char *const *keys;	/* category: n values */
	const uint32_t *key_lens;
	double		missing;
	double		other;
	/* fit statistics: NULL in a card without them (see CrmCardFit) */
	const CrmCardEntryStats *stats; /* n entries, in the order of points */
	CrmCardEntryStats missing_stats;
	CrmCardEntryStats other_stats;	/* category factors */
	double		coefficient;
} CrmFactorSpec;

typedef struct CrmCardSpec
{
	const char *name;			/* NULL or length 0: none */
	uint32_t	name_len;
	const char *version;
	uint32_t	version_len;
	bool		strict;
	int			nfactors;
	const CrmFactorSpec *factors;
	const CrmTiers *levels;		/* a valid crm.tiers value */
	size_t		levels_size;
	const CrmCardFit *fit;		/* NULL: no fit statistics (format version 1) */
} CrmCardSpec;

/*
 * Validate and pack.  NULL and *err on failure; allocated with crm_core_alloc.
 * A name or version that is given (not NULL) must not be empty.  Besides
 * the per-value rules, the card's canonical text must fit
 * CRM_CARD_MAX_TEXT and the points must add up to a finite total whatever
 * the attributes (22003 otherwise), so no score can overflow.
 */
extern CrmScorecard *crm_card_build(const CrmCardSpec *spec, size_t *size, CrmError *err);

/* The number in a card a message is about. */
typedef enum CrmCardNumber
{
	CRM_CARD_POINTS,			/* index: bin (numeric) or the key (category) */
	CRM_CARD_EDGE,				/* index: edge, 1-based */
	CRM_CARD_MISSING,
	CRM_CARD_OTHER,
	CRM_CARD_STATS,				/* index as for POINTS (0: missing, -1: other) */
	CRM_CARD_COEFFICIENT
} CrmCardNumber;

/*
 * Name a number of factor f for a message (see lex_core.h, "Numbers"):
 * factor "x": points of bin 2, factor "x": points for "abc", factor "x":
 * bin edge 1, factor "x": points for a missing value / for other values.
 * index is 1-based; key is used for category points.
 */
extern void crm_card_subject(char *buf, size_t size, const char *factor, uint32_t flen,
							 CrmCardNumber what, int index, const char *key, uint32_t klen);

/*
 * Whether a count read from input (factors, bins, listed values) is within
 * the limits; records the builder's error when not.  Readers check counts
 * with these before allocating for them.
 */
extern bool crm_card_factor_count_ok(int64_t nfactors, CrmError *err);
extern bool crm_card_entry_count_ok(const char *factor, uint32_t flen, CrmFactorKind kind,
									int64_t n, CrmError *err);

/* Parse the text form (NUL-terminated). */
extern CrmScorecard *crm_card_parse(const char *str, size_t *size, CrmError *err);

/* Print the canonical text form (crm_core_alloc'd, NUL-terminated). */
extern char *crm_card_print(const CrmScorecard *c);

/* Length of the text crm_card_print writes (without the NUL). */
extern size_t crm_card_text_len(const CrmScorecard *c);

/*
 * Binary form (send/recv, binary COPY), big-endian; strings are a uint32
 * byte count and the bytes, in the client's encoding (see CrmConvFn):
 *
 *	uint8	format version (CRM_CARD_VERSION, or CRM_CARD_VERSION_FIT)
 *	uint8	flags (CRM_CARD_FLAG_*)
 *	string	name (empty: none), string version (empty: none)
 *	uint32	number of factors, then for each factor:
 *		string name, uint8 kind, uint32 n, float8 missing points
 *		numeric:	float8 points[n], float8 edges[n - 1]
 *		category:	float8 other points, then n times: string value, float8 points
 *	the levels in the crm.tiers binary form
 *	version 2 only, the fit statistics:
 *		float8 rows, targets, points0, odds0, pdo, intercept; uint8 higher
 *		then per factor: float8 coefficient, the missing and the other
 *		entry's (rows, targets, woe), then each entry's, in the order of
 *		its points
 *
 * The decoder checks every count against the bytes left before allocating
 * (a short value is 22P03) and builds the card with crm_card_build, so
 * binary input obeys the rules of the text form.
 */
extern uint8_t *crm_card_encode(const CrmScorecard *c, CrmConvFn conv, size_t *len);
extern CrmScorecard *crm_card_decode(const void *buf, size_t len, CrmConvFn conv,
									 size_t *size, CrmError *err);

/*
 * Check a packed card of unknown origin: every offset and length inside
 * `size`, and the builder's rules.  0, or -1 with *err.
 */
extern int	crm_card_check(const CrmScorecard *c, size_t size, CrmError *err);

/* Does a word need double quotes in the text form? */
extern bool crm_card_needs_quotes(const char *s, size_t len);

#endif							/* CRM_SCORECARD_CORE_H */
