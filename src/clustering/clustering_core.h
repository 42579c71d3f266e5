/*
 * clustering_core.h
 *	  What every server-independent clustering core shares: the limits on
 *	  features, the scaling names, the options of crm.sketch / crm.kmeans /
 *	  crm.merge, the deterministic random generator and the hash.  The
 *	  layouts and algorithms are in sketch_core.h (crm.cluster_sketch),
 *	  model_core.h (crm.clusters and the kmeans_refine accumulator),
 *	  feature_names_core.h (the feature names both carry), kmeans_core.h
 *	  (weighted k-means), kmeans_scan_core.h (choosing k) and
 *	  silhouette_core.h.
 *
 * The types are flat varlenas whose header is followed by double arrays, so
 * the same bytes are the on-disk form, the aggregate state and what the
 * parsers and fuzzers work on.
 *
 * Scaling: "atan" maps each feature through 2/pi atan(x / atan_scale) before
 * it enters the sketch (representatives live in that space); "zscore" and
 * "minmax" keep original units in the sketch and act as a diagonal metric,
 * from the running statistics while sketching and from the final ones when
 * clustering.
 */
#ifndef CRM_CLUSTERING_CORE_H
#define CRM_CLUSTERING_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "validate_core.h"
#include "wire_core.h"

/*
 * Limits.  k and the number of features are validate_core.h's CRM_MAX_K and
 * CRM_MAX_DIMS (crm_check_k, crm_check_dims).  Feature values lie within
 * +-CRM_CLUSTER_MAX_ABS, so that squares and their sums stay finite
 * (crm_check_feature); a sketch, model or sample counts at most
 * CRM_MAX_ROWS rows, so that counts and weights stay exact in a double.
 */
#define CRM_CLUSTER_MAX_ABS		1e100
#define CRM_MAX_ROWS			((int64_t) 1 << 53)

/*
 * The options' limits (crm_cluster_options_check, crm_check_option_int).
 * Without option budget_kb a sketch's budget holds CRM_SKETCH_DEFAULT_REPS
 * representatives of its features, at most CRM_SKETCH_DEFAULT_BUDGET_KB
 * (crm_sketch_default_budget; the options' default below is that cap).
 */
#define CRM_SKETCH_DEFAULT_REPS 16384
#define CRM_SKETCH_DEFAULT_BUDGET_KB 16384
#define CRM_SKETCH_MIN_BUDGET_KB 64
/* the largest budget: see the size cap in sketch_core.h */
#define CRM_SKETCH_MAX_BUDGET_KB (512 * 1024)
#define CRM_MAX_RESTARTS		1000
#define CRM_MAX_ITERATIONS		100000
/* atan_scale range: x / atan_scale stays finite for every feature value */
#define CRM_ATAN_SCALE_MIN		1e-100
#define CRM_ATAN_SCALE_MAX		1e100

typedef enum CrmScale
{
	CRM_SCALE_NONE = 0,
	CRM_SCALE_ZSCORE = 1,
	CRM_SCALE_MINMAX = 2,
	CRM_SCALE_ATAN = 3
} CrmScale;

extern const char *crm_scale_name(int scale);
extern int	crm_scale_parse(const char *s, size_t len);	/* -1 if unknown */

/*
 * Record 22023 "<subject> must be one of "none", "zscore", "minmax",
 * "atan", got <got>" (got may be NULL: no "got").
 */
extern void crm_error_scale(CrmError *err, const char *subject, const char *got);

/* Options shared by crm.sketch, crm.kmeans and crm.merge. */
typedef struct CrmClusterOptions
{
	int32_t		scale;
	int32_t		budget_kb;
	int32_t		restarts;
	int32_t		max_iter;
	uint64_t	seed;
	double		tol;
	double		atan_scale;
} CrmClusterOptions;

extern void crm_cluster_options_default(CrmClusterOptions *o);

/*
 * The one check of a set of options, whatever it came from (the options
 * jsonb of an aggregate, a sketch's text or binary form): every value
 * within its limits, with the messages of the checks below.
 */
extern bool crm_cluster_options_check(const CrmClusterOptions *o, CrmError *err);
/*
 * Whether two sets of options are the same but for budget_kb (sketches of
 * different budgets merge, the result at the smaller one).
 */
extern bool crm_cluster_options_mergeable(const CrmClusterOptions *a, const CrmClusterOptions *b);

/*
 * An integer option (budget_kb, restarts, max_iter, seed) within its
 * limits: 22023 "option "<name>" must be between <lo> and <hi>, got <v>";
 * crm_error_option_range records the same for a value given as text.
 */
extern bool crm_check_option_int(const char *name, int64_t v, CrmError *err);
extern void crm_error_option_range(CrmError *err, const char *name, const char *got);

/* atan_scale within [CRM_ATAN_SCALE_MIN, CRM_ATAN_SCALE_MAX] (22023). */
extern bool crm_check_atan_scale(double v, const char *subject, CrmError *err);

/*
 * A feature value: finite (22023, the one wording of validate_core.h) and
 * within +-CRM_CLUSTER_MAX_ABS (22003 "<subject> is out of range: v").
 */
extern bool crm_check_feature(double v, const char *subject, CrmError *err);

/* Record 54000 "<what> cannot count more than 9007199254740992 rows". */
extern void crm_error_too_many_rows(CrmError *err, const char *what);

/* squared Euclidean distance between two points of d coordinates */
static inline double
crm_dist2(const double *a, const double *b, int d)
{
	double		s = 0.0;
	int			j;

	for (j = 0; j < d; j++)
	{
		double		t = a[j] - b[j];

		s += t * t;
	}
	return s;
}

/*
 * Tiny values (see clustering_core.c): the power of two that brings count
 * values whose largest magnitude is below 2^-256 to [0.5, 1), 0 otherwise;
 * and multiplying them by 2^k.
 */
extern int	crm_tiny_exponent(const double *y, size_t count);
extern void crm_scale_pow2(double *y, size_t count, int k);

/* ---------------------------------------------------------------- misc */

/* deterministic generator (splitmix64 seeding xoshiro256**) */
typedef struct CrmRng
{
	uint64_t	s[4];
} CrmRng;

extern void crm_rng_seed(CrmRng *r, uint64_t seed);
extern uint64_t crm_rng_next(CrmRng *r);
/* uniform in [0, 1) */
static inline double
crm_rng_double(CrmRng *r)
{
	return (crm_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

extern uint64_t crm_hash_bytes64(const void *p, size_t len, uint64_t seed);

#endif							/* CRM_CLUSTERING_CORE_H */
