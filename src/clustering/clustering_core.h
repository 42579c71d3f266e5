/*
 * clustering_core.h
 *	  Server-independent data layouts and algorithms behind crm's clustering
 *	  aggregates: the cluster sketch (crm.cluster_sketch), the model
 *	  (crm.clusters) and weighted k-means.
 *
 * Both types are flat varlenas whose header is followed by double arrays, so
 * the same bytes are the on-disk form, the aggregate state and what the
 * parsers and fuzzers work on.
 *
 * Sketch: a bounded set of weighted representatives (w, q, x[d]) of the
 * rows seen, where w is the number of rows a representative stands for, x
 * their mean and q their internal scatter (sum of squared distances to x,
 * in the metric in force when they were merged), plus exact per-dimension
 * statistics (count, shifted sum and sum of squares, min, max).  When the
 * representatives fill the capacity the budget allows, the cheapest pairs
 * (by Ward's merge cost w1 w2 / (w1 + w2) |x1 - x2|^2) are merged until 70%
 * of the capacity is in use: first and second moments are preserved exactly
 * by every merge, so sums, the total scatter and every centroid computed
 * from representatives stay exact aggregates of the rows.
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
#include "wire_core.h"

#define CRM_CLUSTER_MAX_DIMS	1000
#define CRM_CLUSTER_MAX_K		1000
/* largest absolute feature value: squares and their sums stay finite */
#define CRM_CLUSTER_MAX_ABS		1e100
#define CRM_SKETCH_MIN_CAPACITY 64
#define CRM_SKETCH_DEFAULT_BUDGET_KB 16384
#define CRM_SKETCH_MIN_BUDGET_KB 64

/*
 * Size cap.  A sketch never holds more representatives than its budget
 * allows (crm_sketch_capacity counts the bytes of each one), so no sketch is
 * larger than its budget, and the largest budget is 512 MB: every
 * crm.cluster_sketch value, and its binary form, is under CRM_SKETCH_MAX_BYTES,
 * and its text (the compact form beyond CRM_WIRE_READABLE_MAX, 4/3 of the
 * binary form) is under 700 MB, within PostgreSQL's 1 GB limit on a value,
 * so every sketch that can be stored can be dumped, restored and copied.
 */
#define CRM_SKETCH_MAX_BUDGET_KB (512 * 1024)
#define CRM_SKETCH_MAX_BYTES	((size_t) CRM_SKETCH_MAX_BUDGET_KB * 1024)

/* most rows one sketch counts: counts and weights stay exact in a double */
#define CRM_SKETCH_MAX_ROWS		((int64_t) 1 << 53)

/* atan_scale range: x / atan_scale stays finite for every feature value */
#define CRM_ATAN_SCALE_MIN		1e-100
#define CRM_ATAN_SCALE_MAX		1e100
/* scratch bytes per representative used while reducing or clustering */
#define CRM_SKETCH_SCRATCH_PER_REP 64

typedef enum CrmScale
{
	CRM_SCALE_NONE = 0,
	CRM_SCALE_ZSCORE = 1,
	CRM_SCALE_MINMAX = 2,
	CRM_SCALE_ATAN = 3
} CrmScale;

extern const char *crm_scale_name(int scale);
extern int	crm_scale_parse(const char *s, size_t len);	/* -1 if unknown */

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
extern bool crm_cluster_options_check(const CrmClusterOptions *o, CrmError *err);
extern bool crm_cluster_options_equal(const CrmClusterOptions *a, const CrmClusterOptions *b);

/* ---------------------------------------------------------------- sketch */

#define CRM_SKETCH_VERSION 1
#define CRM_SKETCH_REDUCED 0x01	/* some representatives stand for >1 row */

/* per-dimension statistics, in this order */
enum
{
	CRM_ST_SHIFT,				/* first value seen: sums are of x - shift */
	CRM_ST_SUM,
	CRM_ST_SUMSQ,
	CRM_ST_MIN,
	CRM_ST_MAX,
	CRM_ST_SSUM,				/* sketch space (atan) sums; else 0 */
	CRM_ST_SSUMSQ,
	CRM_ST_COUNT
};

typedef struct CrmSketch
{
	int32_t		vl_len_;		/* varlena header: the allocated size */
	uint16_t	version;
	uint16_t	flags;
	int32_t		dims;
	int32_t		k;				/* clusters asked of crm.kmeans(); 0 = plain */
	int32_t		nreps;			/* representatives in use */
	int32_t		capacity;		/* most the budget allows */
	int64_t		rows;
	CrmClusterOptions opt;
	/* double stats[dims][CRM_ST_COUNT]; double reps[nreps][dims + 2]; */
} CrmSketch;

#define CRM_SKETCH_HDRSZ	sizeof(CrmSketch)

static inline double *
crm_sketch_stats(const CrmSketch *s)
{
	return (double *) ((char *) s + CRM_SKETCH_HDRSZ);
}

static inline double *
crm_sketch_reps(const CrmSketch *s)
{
	return crm_sketch_stats(s) + (size_t) s->dims * CRM_ST_COUNT;
}

static inline size_t
crm_sketch_size(int dims, int nreps)
{
	return CRM_SKETCH_HDRSZ + sizeof(double) * ((size_t) dims * CRM_ST_COUNT +
												(size_t) nreps * (dims + 2));
}

/* representatives the budget allows for this many dimensions (0: too few) */
extern int	crm_sketch_capacity(int dims, int budget_kb);

/* Initialise a zeroed buffer of crm_sketch_size(dims, alloc) bytes. */
extern void crm_sketch_init(CrmSketch *s, int dims, const CrmClusterOptions *o, int k);

/* the point as it enters the sketch (atan applied) */
extern void crm_sketch_transform(const CrmSketch *s, const double *x, double *out);

/*
 * Add one row (already checked: finite, within +-CRM_CLUSTER_MAX_ABS, right
 * length).  The caller makes sure there is room for one more representative
 * (nreps < allocated) and calls crm_sketch_reduce when nreps reaches the
 * capacity.  False (54000) when the sketch already counts
 * CRM_SKETCH_MAX_ROWS rows.
 */
extern bool crm_sketch_add(CrmSketch *s, const double *x, CrmError *err);

/*
 * Whether src can be merged into dst: same dimensions, k and options, and
 * at most CRM_SKETCH_MAX_ROWS rows together (22023 or 54000 otherwise).
 */
extern bool crm_sketch_mergeable(const CrmSketch *dst, const CrmSketch *src, CrmError *err);

/* Merge the statistics of src into dst (crm_sketch_mergeable holds). */
extern void crm_sketch_merge_stats(CrmSketch *dst, const CrmSketch *src);

/* Reduce to at most target representatives. */
extern void crm_sketch_reduce(CrmSketch *s, int target);

/* the representative count reduction aims for */
static inline int
crm_sketch_reduce_target(const CrmSketch *s)
{
	return (int) (s->capacity * 0.5);
}

/* metric weights g[d] from the current statistics */
extern void crm_sketch_metric(const CrmSketch *s, double *g);

/* mean, variance (population) of dimension j in original units */
extern double crm_sketch_mean(const CrmSketch *s, int j);
extern double crm_sketch_var(const CrmSketch *s, int j);

/*
 * The one validation of a sketch, applied to every value the text, compact
 * and binary input read, to every aggregate state that did not come from
 * crm's own initialisation, and to every sketch crm returns.  See
 * sketch_core.c for the invariants it enforces.
 */
extern bool crm_sketch_check(const CrmSketch *s, size_t size, CrmError *err);

/* the readable JSON text form */
extern char *crm_sketch_print(const CrmSketch *s);
extern CrmSketch *crm_sketch_parse(const char *str, CrmError *err);

/*
 * The binary form (send/recv, and the compact text "crm64:" + base64 of it):
 * big-endian header fields, then every double of the statistics and the
 * representatives.  crm_sketch_decode reads it from untrusted bytes, errors
 * in its structure of kind `kind` (CRM_ERR_BINARY for recv, CRM_ERR_SYNTAX
 * for compact text), then applies crm_sketch_check.
 */
extern size_t crm_sketch_binary_size(const CrmSketch *s);
extern void crm_sketch_write(const CrmSketch *s, CrmWriter *w);
extern uint8_t *crm_sketch_encode(const CrmSketch *s, size_t *len);
extern CrmSketch *crm_sketch_decode(const void *buf, size_t len, CrmErrorKind kind,
									CrmError *err);

/* Text input in either form: JSON, or the compact "crm64:" form. */
extern CrmSketch *crm_sketch_read_text(const char *str, CrmError *err);

/* ---------------------------------------------------------------- model */

#define CRM_MODEL_VERSION 1
#define CRM_MODEL_PENDING 0x01	/* carries a kmeans_refine accumulator */

/*
 * Limits of crm.clusters, the same in every form (JSON, compact text,
 * binary, aggregate states):
 *
 * - size: k <= CRM_CLUSTER_MAX_K and dims <= CRM_CLUSTER_MAX_DIMS (54000
 *   beyond), so a value holds at most CRM_MODEL_MAX_DOUBLES doubles (about
 *   16 MB with the refine accumulator).  Its text is JSON only up to
 *   CRM_WIRE_READABLE_MAX bytes of binary form and the compact crm64: form
 *   beyond (4/3 of the binary form, about 21 MB at most), so the text of
 *   every value stays far below PostgreSQL's 1 GB limit.
 * - coordinates: centers and (non-atan) centroids within
 *   +-CRM_MODEL_MAX_COORD.  Rows are limited to +-CRM_CLUSTER_MAX_ABS; the
 *   mean of such values can exceed it by rounding (ten rows of 1e100 average
 *   to 1.0000000000000002e100), by less than a factor 1 + n 2^-53 <= 2 for
 *   n <= 2^53 rows, so the model allows twice the row limit.  atan
 *   centroids lie in [-1, 1] (2/pi atan(x) rounds to 1 for huge x).
 */
#define CRM_MODEL_MAX_COORD		(2 * CRM_CLUSTER_MAX_ABS)
#define CRM_MODEL_MAX_DOUBLES	((size_t) 2 * CRM_CLUSTER_MAX_DIMS + \
								 (size_t) 2 * CRM_CLUSTER_MAX_K * CRM_CLUSTER_MAX_DIMS + \
								 (size_t) 4 * CRM_CLUSTER_MAX_K)
/* largest row count a model or accumulator records (exact in a double) */
#define CRM_MODEL_MAX_ROWS		((int64_t) 1 << 53)

typedef struct CrmModel
{
	int32_t		vl_len_;
	uint16_t	version;
	uint16_t	flags;
	int32_t		k;
	int32_t		dims;
	int32_t		scale;
	int32_t		iterations;
	int64_t		rows;			/* rows the model was fitted on */
	double		total_sse;
	double		atan_scale;
	int64_t		pending_rows;	/* kmeans_refine: rows accumulated */
	/*
	 * double center[dims], factor[dims]	 y = (x - center) * factor (non-atan)
	 * double centroids[k][dims]			 in scaled space
	 * double weight[k], sse[k]
	 * if PENDING: double acc_sum[k][dims], acc_w[k], acc_sse[k]
	 */
} CrmModel;

#define CRM_MODEL_HDRSZ sizeof(CrmModel)

static inline size_t
crm_model_size(int k, int dims, bool pending)
{
	size_t		n = 2 * (size_t) dims + (size_t) k * dims + 2 * (size_t) k;

	if (pending)
		n += (size_t) k * dims + 2 * (size_t) k;
	return CRM_MODEL_HDRSZ + n * sizeof(double);
}

static inline double *crm_model_center(const CrmModel *m)
{
	return (double *) ((char *) m + CRM_MODEL_HDRSZ);
}
static inline double *crm_model_factor(const CrmModel *m)
{
	return crm_model_center(m) + m->dims;
}
static inline double *crm_model_centroids(const CrmModel *m)
{
	return crm_model_factor(m) + m->dims;
}
static inline double *crm_model_weight(const CrmModel *m)
{
	return crm_model_centroids(m) + (size_t) m->k * m->dims;
}
static inline double *crm_model_sse(const CrmModel *m)
{
	return crm_model_weight(m) + m->k;
}
static inline double *crm_model_acc_sum(const CrmModel *m)
{
	return crm_model_sse(m) + m->k;
}
static inline double *crm_model_acc_w(const CrmModel *m)
{
	return crm_model_acc_sum(m) + (size_t) m->k * m->dims;
}
static inline double *crm_model_acc_sse(const CrmModel *m)
{
	return crm_model_acc_w(m) + m->k;
}

/* x (original units) -> y (the model's scaled space) */
extern void crm_model_scale(const CrmModel *m, const double *x, double *y);
/* y -> original units */
extern void crm_model_unscale(const CrmModel *m, const double *y, double *x);
/* nearest cluster (0-based) of y and its squared distance */
extern int	crm_model_nearest(const CrmModel *m, const double *y, double *dist2);
/* Put clusters in canonical order: weight descending, then centroid. */
extern void crm_model_canonical_order(CrmModel *m);
/* fingerprint of what defines the model's assignment (scaling, centroids) */
extern uint64_t crm_model_fingerprint(const CrmModel *m);
/* whether two valid models assign every point alike (same scaling, centroids) */
extern bool crm_model_same_assignment(const CrmModel *a, const CrmModel *b);

/*
 * Scale a row x for the model into y and check it: every scaled coordinate
 * within +-CRM_CLUSTER_MAX_ABS (22003 otherwise), so that squared distances
 * and sums of rows cannot overflow.  x must be a checked row.
 */
extern bool crm_model_scale_row(const CrmModel *m, const double *x, double *y, CrmError *err);

/*
 * Whether a value of size bytes is a valid model (with its accumulator when
 * flagged): the header, the size, and every number.  Errors are
 * CRM_ERR_INVALID (22023), CRM_ERR_RANGE (22003) for coordinates beyond
 * CRM_MODEL_MAX_COORD, CRM_ERR_LIMIT (54000) for k or dims beyond the caps.
 * The text, compact and binary readers and every aggregate state check use
 * it, so all forms accept the same values.
 */
extern bool crm_model_check(const CrmModel *m, size_t size, CrmError *err);

/* Text: JSON up to CRM_WIRE_READABLE_MAX bytes of binary form, else compact. */
extern char *crm_model_print(const CrmModel *m);
/* Reads either text form (22P02 for bad syntax), then crm_model_check. */
extern CrmModel *crm_model_parse(const char *str, CrmError *err);

/* Binary form (send/recv, and the compact text): its size and the writer. */
extern size_t crm_model_binary_size(const CrmModel *m);
extern bool crm_model_encode(const CrmModel *m, void *buf);	/* false: a bug */
/*
 * Read a binary form of len bytes; structure errors (truncation, version,
 * trailing bytes) are of the given kind (CRM_ERR_BINARY for recv,
 * CRM_ERR_SYNTAX for compact text), then crm_model_check.  vl_len_ is left 0.
 */
extern CrmModel *crm_model_decode(const void *buf, size_t len, CrmErrorKind kind,
								  CrmError *err);

/*
 * kmeans_refine: one exact Lloyd step over the rows.  The accumulator is a
 * model with CRM_MODEL_PENDING: per cluster the sum of its rows (scaled),
 * their count and their squared distances to the centroid.
 *
 * crm_refine_start: the empty accumulator of a valid model (a copy).
 * crm_refine_add: add one checked row x (y: scratch of dims doubles).
 * crm_refine_combine: add a valid accumulator of the same model into acc.
 * crm_refine_finish: the model with centroids moved to the means, exact
 *   sizes and SSE; it passes crm_model_check (or NULL and the error).
 */
extern CrmModel *crm_refine_start(const CrmModel *m);
extern bool crm_refine_add(CrmModel *acc, const double *x, double *y, CrmError *err);
extern bool crm_refine_combine(CrmModel *acc, const CrmModel *other, CrmError *err);
extern CrmModel *crm_refine_finish(const CrmModel *acc, CrmError *err);

/* ---------------------------------------------------------------- k-means */

typedef struct CrmKmeansResult
{
	int			k;				/* clusters found (<= asked) */
	int			iterations;		/* Lloyd iterations of the best restart */
	double		sse;			/* between-point SSE of the best restart */
	double	   *centroids;		/* k x d */
	double	   *weight;			/* k */
	double	   *sse_k;			/* k */
	int		   *labels;			/* n */
} CrmKmeansResult;

/*
 * Weighted k-means on n points y (n x d, row-major) with weights w:
 * k-means++ seeding (greedy, 2 + ln k candidates per step), Lloyd
 * iterations with Hamerly's bounds, `restarts` runs, best SSE kept.
 * Returns false with err set on failure.  Stops early (fewer clusters) when
 * there are fewer distinct points than k.
 */
extern bool crm_kmeans_run(const double *y, const double *w, int n, int d, int k,
						   uint64_t seed, int restarts, int max_iter, double tol,
						   CrmKmeansResult *res, CrmError *err);

/* Build a model from a sketch: scale, cluster, fill in SSE and order. */
extern CrmModel *crm_kmeans_sketch(const CrmSketch *s, int k, const CrmClusterOptions *o,
								   int *k_found, CrmError *err);

/* mean silhouette of weighted points with labels (0-based), NaN if < 2 clusters */
extern double crm_silhouette_weighted(const double *y, const double *w, const int *labels,
									  int n, int d, int k);

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
