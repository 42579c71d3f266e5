/*
 * model_core.h
 *	  The clustering model (crm.clusters): its layout, scaling, nearest
 *	  centroid, checks and forms, and the kmeans_refine accumulator
 *	  (model_core.c).
 */
#ifndef CRM_MODEL_CORE_H
#define CRM_MODEL_CORE_H

#include "clustering_core.h"
#include "feature_names_core.h"

/*
 * Format versions.  Version 2 (crm 0.2.0) adds the feature names; every
 * model crm builds is version 2.  Version 1 values (crm 0.1.0: stored,
 * dumped, or sent in binary) are read and used as they are, and print and
 * send in their own form, so a stored value reads back identically.
 */
#define CRM_MODEL_VERSION_1 1
#define CRM_MODEL_VERSION_2 2	/* the first with feature names */
#define CRM_MODEL_VERSION	CRM_MODEL_VERSION_2
#define CRM_MODEL_PENDING 0x01	/* carries a kmeans_refine accumulator */

/*
 * Limits of crm.clusters, the same in every form (JSON, compact text,
 * binary, aggregate states):
 *
 * - size: k <= CRM_MAX_K and dims <= CRM_MAX_DIMS (54000
 *   beyond), so a value holds at most CRM_MODEL_MAX_DOUBLES doubles (about
 *   16 MB with the refine accumulator) and at most 1,000 feature names of
 *   CRM_FEATURE_NAME_MAX bytes (about 200 kB).  Its text is JSON only up to
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
#define CRM_MODEL_MAX_DOUBLES	((size_t) 2 * CRM_MAX_DIMS + \
								 (size_t) 2 * CRM_MAX_K * CRM_MAX_DIMS + \
								 (size_t) 4 * CRM_MAX_K)

/*
 * The value: this header, then (version 2) the feature names block
 * (feature_names_core.h, a multiple of 8 bytes), then the body of doubles.
 * Version 1 has no names block: the body follows the header.
 */
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
	 * version 2: the names block
	 * double center[dims], factor[dims]	 y = (x - center) * factor (non-atan)
	 * double centroids[k][dims]			 in scaled space
	 * double weight[k], sse[k]
	 * if PENDING: double acc_sum[k][dims], acc_w[k], acc_sse[k]
	 */
} CrmModel;

#define CRM_MODEL_HDRSZ sizeof(CrmModel)

/* the names block (version 2), or NULL (version 1: no names) */
static inline const void *
crm_model_names(const CrmModel *m)
{
	return m->version >= CRM_MODEL_VERSION_2 ? (const char *) m + CRM_MODEL_HDRSZ : NULL;
}

/* bytes of the names block (0 in version 1) */
static inline size_t
crm_model_names_size(const CrmModel *m)
{
	return m->version >= CRM_MODEL_VERSION_2 ? crm_names_block_bytes(crm_model_names(m)) : 0;
}

/* doubles in the body of a model of k clusters and dims features */
static inline size_t
crm_model_body_doubles(int k, int dims, bool pending)
{
	size_t		n = 2 * (size_t) dims + (size_t) k * dims + 2 * (size_t) k;

	if (pending)
		n += (size_t) k * dims + 2 * (size_t) k;
	return n;
}

/*
 * bytes of a model with a names block of names_size bytes (0 for version
 * 1), k clusters and dims features (and its accumulator)
 */
static inline size_t
crm_model_size(size_t names_size, int k, int dims, bool pending)
{
	return CRM_MODEL_HDRSZ + names_size + crm_model_body_doubles(k, dims, pending) * sizeof(double);
}

/* bytes of a valid model as its header and names block describe it */
static inline size_t
crm_model_value_size(const CrmModel *m)
{
	return crm_model_size(crm_model_names_size(m), m->k, m->dims,
						  (m->flags & CRM_MODEL_PENDING) != 0);
}

/* center[dims]: y = (x - center) * factor (non-atan scalings) */
static inline double *
crm_model_center(const CrmModel *m)
{
	return (double *) ((char *) m + CRM_MODEL_HDRSZ + crm_model_names_size(m));
}

/* factor[dims] */
static inline double *
crm_model_factor(const CrmModel *m)
{
	return crm_model_center(m) + m->dims;
}

/* centroids[k][dims], in the scaled space */
static inline double *
crm_model_centroids(const CrmModel *m)
{
	return crm_model_factor(m) + m->dims;
}

/* weight[k]: rows per cluster */
static inline double *
crm_model_weight(const CrmModel *m)
{
	return crm_model_centroids(m) + (size_t) m->k * m->dims;
}

/* sse[k]: within-cluster sum of squares, scaled space */
static inline double *
crm_model_sse(const CrmModel *m)
{
	return crm_model_weight(m) + m->k;
}

/* the accumulator's acc_sum[k][dims] (CRM_MODEL_PENDING only) */
static inline double *
crm_model_acc_sum(const CrmModel *m)
{
	return crm_model_sse(m) + m->k;
}

/* the accumulator's acc_w[k]: rows per cluster */
static inline double *
crm_model_acc_w(const CrmModel *m)
{
	return crm_model_acc_sum(m) + (size_t) m->k * m->dims;
}

/* the accumulator's acc_sse[k]: squared distances to the old centroids */
static inline double *
crm_model_acc_sse(const CrmModel *m)
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

/*
 * A new model of the current version: header fields version, flags
 * (CRM_MODEL_PENDING when pending), k and dims set, the names block a copy
 * of names (NULL: none), everything else zero.  vl_len_ is left 0.
 */
extern CrmModel *crm_model_new(int k, int dims, bool pending, const void *names);

/*
 * Whether two valid models are the same value: every header field but the
 * version, the names (a version 1 model has none) and the body, byte for
 * byte.  So a version 1 value equals the version 2 value of the same model.
 */
extern bool crm_model_equal(const CrmModel *a, const CrmModel *b);

/*
 * Text: JSON up to CRM_WIRE_READABLE_MAX bytes of binary form, else
 * compact.  The compact form carries the names in UTF-8, whatever the
 * database encoding: utf8 converts them from it (NULL: as they are).
 */
extern char *crm_model_print(const CrmModel *m, CrmConvFn utf8);
/*
 * Reads either text form (22P02 for bad syntax), then crm_model_check;
 * from_utf8 converts the names of the compact form (NULL: as they are).
 */
extern CrmModel *crm_model_parse(const char *str, CrmConvFn from_utf8, CrmError *err);

/*
 * Binary form (send/recv, and the compact text): its size with the names
 * as stored, and the encoder (names converted by conv, NULL: as stored)
 * returning memory from crm_core_alloc, or NULL for a bug.
 */
extern size_t crm_model_binary_size(const CrmModel *m);
extern uint8_t *crm_model_encode(const CrmModel *m, CrmConvFn conv, size_t *len);
/*
 * Read a binary form of len bytes; structure errors (truncation, version,
 * trailing bytes) are of the given kind (CRM_ERR_BINARY for recv,
 * CRM_ERR_SYNTAX for compact text), names converted by conv, then
 * crm_model_check.  vl_len_ is left 0.
 */
extern CrmModel *crm_model_decode(const void *buf, size_t len, CrmErrorKind kind,
								  CrmConvFn conv, CrmError *err);

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

#endif							/* CRM_MODEL_CORE_H */
