/*
 * scorecard_fit_core.h
 *	  The state of the crm.scorecard_fit aggregate (the
 *	  crm.scorecard_fit_state type) and the fit from it: per-factor
 *	  summaries for the bins, a sample of the rows for the regression, the
 *	  binary form, checks, combining, and the card.  No server dependencies
 *	  (unit-tested and fuzzed directly).
 *
 * What the state holds, for the rows whose target is not NULL:
 *   - the row count and how many rows have the target;
 *   - per factor (an attribute name found in the rows, see the options
 *     include, exclude and categorical) its kind and the rows where it is
 *     missing (absent or JSON null), with and without the target, and
 *       numeric:  the values as sorted, disjoint intervals [lo, hi] with
 *                 their rows with and without the target.  Every distinct
 *                 value is an interval of its own while a factor has at
 *                 most CRM_FIT_MAX_INTERVALS of them; beyond, neighbouring
 *                 intervals are merged so that each holds at most 1/1,024
 *                 of the rows (a single value may hold more), and from then
 *                 on a new value between two intervals joins the lower one:
 *                 the counts stay exact, only the places a bin can start
 *                 get fewer (at most 4,096, a few hundred rows apart in a
 *                 million);
 *       category: each value with its rows with and without the target,
 *                 up to CRM_FIT_MAX_CATEGORIES values (and 1 MB of them);
 *                 beyond, the less frequent half is moved to "other values"
 *                 (counts exact, order-dependent which values keep their
 *                 own); empty values and values over 200 bytes, which a
 *                 card cannot list, count as "other values" too;
 *   - a sample for the regression: the distinct rows (their factor values,
 *     whatever their order in the row) with the k smallest 64-bit hashes,
 *     each with its exact rows with and without the target (a bottom-k
 *     distinct sample: P. B. Gibbons, "Distinct sampling for
 *     highly-accurate answers to distinct values queries and event
 *     reports", VLDB 2001; E. Cohen and H. Kaplan, "Summarizing data using
 *     bottom-k sketches", PODC 2007).  Every distinct row has the same
 *     chance to be in it whatever its frequency, so weighting each by its
 *     count estimates the full-data likelihood without bias; it does not
 *     depend on the order of the rows or on how they were split between
 *     partial states; and while there are at most k distinct rows it holds
 *     them all, so the regression is exact.  k is the option sample_rows
 *     (default 100,000), lowered so that the sample holds at most
 *     CRM_FIT_SAMPLE_VALUES values (64 MB) whatever the number of factors.
 * So the fit is exact (the card the same as from all rows at once, in any
 * order or split) while every numeric factor has at most 4,096 distinct
 * values, every category factor at most 10,000 values, and the rows at
 * most sample_rows distinct combinations of values; beyond, it is the
 * documented approximation, in bounded memory.
 *
 * Binary form (send/recv; the compact text form crm64: is its base64),
 * big-endian, strings as a uint32 byte count and the bytes, in the
 * database encoding:
 *	uint8	version (CRM_FIT_STATE_VERSION), uint8 flags (CRM_FIT_FLAG_*)
 *	the options (see EncodeOptions in scorecard_fit_core.c)
 *	int64	rows, targets
 *	uint32	factors, then for each: string name, uint8 kind (0: no value
 *		yet, 1 numeric, 2 category), int64 missing rows with / without the
 *		target, then
 *		numeric:  uint32 n, n x (float8 lo, float8 hi, int64 pos, int64 neg)
 *		category: uint32 n, n x (string value, int64 pos, int64 neg),
 *		          int64 other pos, int64 other neg
 *	int32	k, uint32 n, n x (uint64 hash, int64 pos, int64 neg, one uint64
 *		per factor: a numeric value's float8 bits or a category value's
 *		hash, CRM_FIT_MISSING for a missing one)
 * Intervals ascending, category values and sample entries sorted (values
 * bytewise, entries by hash), so equal states have equal bytes.
 */
#ifndef CRM_SCORECARD_FIT_CORE_H
#define CRM_SCORECARD_FIT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "scorecard_core.h"
#include "tiers_core.h"
#include "wire_core.h"

#define CRM_FIT_STATE_VERSION	1
#define CRM_FIT_FLAG_APPROX		0x01	/* a summary merged values or moved them to other */

#define CRM_FIT_MAX_INTERVALS	4096	/* per numeric factor */
#define CRM_FIT_PENDING			1024	/* new values buffered per numeric factor */
#define CRM_FIT_MAX_CATEGORIES	CRM_CARD_MAX_CATEGORIES /* per category factor */
#define CRM_FIT_CATEGORY_BYTES	(1024 * 1024)	/* of category values, per factor */
#define CRM_FIT_MAX_VALUE		CRM_CARD_MAX_NAME	/* longest category value a card lists */
#define CRM_FIT_MIN_SAMPLE		100
#define CRM_FIT_DEFAULT_SAMPLE	100000
#define CRM_FIT_MAX_SAMPLE		1000000
#define CRM_FIT_SAMPLE_VALUES	(8 * 1024 * 1024)	/* sample values, 8 bytes each */
#define CRM_FIT_MAX_LIST		1000	/* names in include, exclude, categorical */

/* A missing value in the sample (no finite float8 and no hash has these bits). */
#define CRM_FIT_MISSING			UINT64_MAX

typedef enum CrmFitMissing
{
	CRM_FIT_MISSING_BIN = 0,	/* a bin of its own when it holds min_bin_share */
	CRM_FIT_MISSING_NEUTRAL = 1,	/* weight of evidence 0 */
	CRM_FIT_MISSING_ERROR = 2	/* a missing value is an error */
} CrmFitMissing;

typedef struct CrmFitNames
{
	int			n;
	char	  **names;
	uint32_t   *lens;
} CrmFitNames;

/* The options (SQL: the options jsonb; defaults from crm_fit_options_default). */
typedef struct CrmFitOptions
{
	int32_t		max_bins;		/* 2 .. 1000, default 10 */
	int32_t		prebins;		/* max_bins .. 1000, default max(50, max_bins) */
	double		min_bin_share;	/* (0, 0.5], default 0.05 */
	bool		monotone;		/* default false */
	uint8_t		missing;		/* CrmFitMissing, default BIN */
	uint8_t		higher;			/* CRM_CARD_HIGHER_*, default TARGET */
	double		points0;		/* default 600 */
	double		odds0;			/* default 1/19 */
	double		pdo;			/* default 20 */
	int32_t		precision;		/* decimals of the points, 0 .. 15, default 0 */
	int32_t		sample_rows;	/* 100 .. CRM_FIT_MAX_SAMPLE, default 100,000 */
	int32_t		max_iter;		/* 1 .. 1000, default 50 */
	char	   *name;			/* NULL: no name */
	uint32_t	name_len;
	char	   *version;		/* NULL: no version */
	uint32_t	version_len;
	CrmTiers   *levels;			/* NULL: the default levels */
	size_t		levels_size;
	bool		has_include;	/* include given: only these factors */
	CrmFitNames include;
	CrmFitNames exclude;
	CrmFitNames categorical;	/* category factors whatever their JSON type */
} CrmFitOptions;

typedef struct CrmFitInterval
{
	double		lo;
	double		hi;
	int64_t		pos;			/* rows with the target */
	int64_t		neg;			/* rows without */
} CrmFitInterval;

typedef struct CrmFitCategory
{
	uint64_t	hash;			/* crm_fit_value_hash of the value */
	uint32_t	off;			/* in the factor's byte area */
	uint32_t	len;
	int64_t		pos;
	int64_t		neg;
} CrmFitCategory;

typedef struct CrmFitFactor
{
	char	   *name;
	uint32_t	name_len;
	uint64_t	name_hash;
	uint8_t		kind;			/* 0 (no value yet) or CrmFactorKind */
	int64_t		miss_pos;
	int64_t		miss_neg;
	/* numeric */
	CrmFitInterval *iv;
	int32_t		niv;
	int32_t		iv_alloc;
	double	   *ivlo;			/* the intervals' lower ends, for the search */
	bool		absorb;			/* merged intervals: a value between two joins the lower */
	double	   *pend;			/* values not in an interval yet */
	uint8_t    *pend_t;			/* their targets */
	int32_t		npend;
	/* category */
	CrmFitCategory *cat;
	int32_t		ncat;
	int32_t		cat_alloc;
	int32_t    *cat_table;		/* open addressing by hash: index or -1 */
	int32_t		cat_slots;		/* a power of two, > 2 * cat_alloc */
	char	   *bytes;
	size_t		nbytes;
	size_t		bytes_alloc;
	int64_t		other_pos;
	int64_t		other_neg;
	/* the factor's values of the sample entries (s_alloc of them) */
	uint64_t   *col;
} CrmFitFactor;

typedef struct CrmFitState
{
	CrmFitOptions opt;
	uint8_t		flags;			/* CRM_FIT_FLAG_* */
	int64_t		rows;
	int64_t		targets;
	int32_t		nfactors;
	int32_t		factor_alloc;
	CrmFitFactor *factors;
	int32_t    *factor_table;	/* open addressing by name hash: index or -1 */
	int32_t		factor_slots;
	uint64_t   *row;			/* the current row's values, one per factor */
	/* the sample: ns entries in slots 0 .. ns - 1 */
	int32_t		k;
	int32_t		ns;
	int32_t		s_alloc;
	uint64_t   *s_hash;
	int64_t    *s_pos;
	int64_t    *s_neg;
	int32_t    *heap;			/* slots, a max-heap by hash */
	int32_t    *s_table;		/* open addressing by hash: slot or -1 */
	int32_t		s_slots;
} CrmFitState;

/* What crm_fit_finish has to say besides the card (the server's NOTICEs). */
typedef struct CrmFitReport
{
	char		dropped[1024];	/* factors left out, and why */
	int			ndropped;
	bool		converged;
	int			iterations;
	bool		approximate;	/* the bins or the regression did not see every row */
	int64_t		sampled_rows;	/* rows the regression used */
} CrmFitReport;

/* The defaults; crm_fit_options_check the whole set once given. */
extern void crm_fit_options_default(CrmFitOptions *o);
extern bool crm_fit_options_check(const CrmFitOptions *o, CrmError *err);

/*
 * A decimal in PostgreSQL's numeric layout (base-10000 digits, the first
 * of weight `weight`) as the nearest float8, by the exact fast path; false
 * when the value needs the general conversion (more than 16 significant
 * digits, or beyond 10^+-22).
 */
extern bool crm_fit_decimal_double(bool neg, int weight, const int16_t *digits, int n,
								   double *out);

/* The hash of a category value (never CRM_FIT_MISSING). */
extern uint64_t crm_fit_value_hash(const char *v, size_t len);

/* A new, empty state for checked options (copied into the state). */
extern CrmFitState *crm_fit_new(const CrmFitOptions *o);

/*
 * Adding a row: crm_fit_row_begin, then for each attribute the factor it
 * is (crm_fit_factor: >= 0 its index, -1 an attribute the options leave
 * out, -2 an error) and its value (numeric: a finite float8; category: the
 * value's bytes), then crm_fit_row_end.  A factor's kind is set by its
 * first value (or the option categorical); the caller passes numbers under
 * a category factor as their text, and must not pass a category value to
 * a numeric factor (crm_fit_factor_kind tells).
 */
extern void crm_fit_row_begin(CrmFitState *s);
extern int	crm_fit_factor(CrmFitState *s, const char *name, uint32_t len, CrmError *err);
extern uint8_t crm_fit_factor_kind(const CrmFitState *s, int fi);
extern bool crm_fit_value_numeric(CrmFitState *s, int fi, double x, bool target, CrmError *err);
extern bool crm_fit_value_category(CrmFitState *s, int fi, const char *v, uint32_t len,
								   bool target, CrmError *err);
extern bool crm_fit_row_end(CrmFitState *s, bool target, CrmError *err);

/*
 * Add state b (checked; its pending values are merged first, its content
 * is unchanged) into a: same options, factors matched by name, counts
 * added, summaries and samples merged.
 */
extern bool crm_fit_combine(CrmFitState *a, CrmFitState *b, CrmError *err);

/*
 * The card (crm_card_build; *size its bytes), or NULL with *err; NULL with
 * no error for a state without rows.  rep receives the notes.
 */
extern CrmScorecard *crm_fit_finish(CrmFitState *s, CrmFitReport *rep, size_t *size,
									CrmError *err);

/*
 * Binary form (see the header comment): the size, and the bytes written
 * into a buffer of that size.  Pending values are merged first, so the
 * state changes its inside but not its content.
 */
extern size_t crm_fit_encoded_size(CrmFitState *s);
extern bool crm_fit_encode(CrmFitState *s, uint8_t *buf, size_t size);

/*
 * Merge every factor's pending values into its intervals: the state's
 * content is unchanged, its memory is reallocated (in the current memory
 * context, so the server calls it in the state's).
 */
extern void crm_fit_flush(CrmFitState *s);

/* Free a state and everything it holds. */
extern void crm_fit_free(CrmFitState *s);

/*
 * Read a binary form (kind: CRM_ERR_BINARY for recv, CRM_ERR_INVALID for a
 * state handed to an aggregate function, CRM_ERR_SYNTAX from text), every
 * field checked.  NULL and *err on failure.
 */
extern CrmFitState *crm_fit_decode(const uint8_t *buf, size_t len, CrmErrorKind kind,
								   CrmError *err);

/* The compact text form, and reading it (crm64: only). */
extern char *crm_fit_print(CrmFitState *s);
extern CrmFitState *crm_fit_parse(const char *text, CrmError *err);

/*
 * The check every state gets: that a freshly decoded state's invariants
 * hold (also run by the fuzzer on states it modifies).  0 or -1.
 */
extern int	crm_fit_check(const CrmFitState *s, CrmErrorKind kind, CrmError *err);

#endif							/* CRM_SCORECARD_FIT_CORE_H */
