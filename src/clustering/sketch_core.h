/*
 * sketch_core.h
 *	  The cluster sketch (crm.cluster_sketch): its layout and what the
 *	  server, the fuzzer and the k-means core do with it (sketch_core.c).
 *
 * Sketch: a bounded set of weighted representatives (w, q, x[d]) of the
 * rows seen, where w is the number of rows a representative stands for, x
 * their mean and q their internal scatter (sum of squared distances to x,
 * in the metric in force when they were merged), plus exact per-dimension
 * statistics (count, shifted sum and sum of squares, min, max).  A
 * representative is BIRCH's clustering feature (Zhang, Ramakrishnan and
 * Livny, "BIRCH: an efficient data clustering method for very large
 * databases", SIGMOD 1996) in the form (count, mean, scatter).  When the
 * representatives fill the capacity the budget allows, the cheapest pairs
 * (by Ward's merge cost w1 w2 / (w1 + w2) |x1 - x2|^2, Ward 1963) are
 * merged until half of the capacity is in use; between reductions a row
 * (or a merged sketch's representative) joins the nearest representative
 * when it lies within that one's spread (absorption, see
 * crm_sketch_absorb_last), which is a merge too: first and second moments
 * are preserved exactly by every merge, so sums, the total scatter and
 * every centroid computed from representatives stay exact aggregates of
 * the rows.  Sketches of the same options merge by pooling their
 * representatives and statistics, so a sketch of a union is the merge of
 * the sketches of its parts (crm.merge, parallel and distributed plans).
 *
 * From format version 2 a sketch also carries its feature names (one per
 * dimension, or none: feature_names_core.h), in a block between the header
 * and the statistics; sketches merge only with sketches of the same names.
 */
#ifndef CRM_SKETCH_CORE_H
#define CRM_SKETCH_CORE_H

#include "clustering_core.h"
#include "feature_names_core.h"

#define CRM_SKETCH_MIN_CAPACITY 64

/*
 * Size cap.  A sketch never holds more representatives than its budget
 * allows (crm_sketch_capacity counts the bytes of each one), so no sketch is
 * larger than its budget, and the largest budget is 512 MB: every
 * crm.cluster_sketch value, and its binary form, is under CRM_SKETCH_MAX_BYTES,
 * and its text (the compact form beyond CRM_WIRE_READABLE_MAX, 4/3 of the
 * binary form) is under 700 MB, within PostgreSQL's 1 GB limit on a value,
 * so every sketch that can be stored can be dumped, restored and copied.
 */
#define CRM_SKETCH_MAX_BYTES	((size_t) CRM_SKETCH_MAX_BUDGET_KB * 1024)

/* scratch bytes per representative used while reducing or clustering */
#define CRM_SKETCH_SCRATCH_PER_REP 64

/*
 * Format versions.  Version 2 (crm 0.2.0) adds the feature names; every
 * sketch crm builds is version 2.  Version 1 values (crm 0.1.0) are read
 * and used as they are, and print and send in their own form; a state
 * built from one (crm.merge, an aggregate's INITCOND) is version 2.
 */
#define CRM_SKETCH_VERSION_1 1
#define CRM_SKETCH_VERSION_2 2	/* the first with feature names */
#define CRM_SKETCH_VERSION	CRM_SKETCH_VERSION_2
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
	/*
	 * version 2: the names block (feature_names_core.h), then
	 * double stats[dims][CRM_ST_COUNT]; double reps[nreps][dims + 2];
	 * (version 1: no names block)
	 */
} CrmSketch;

#define CRM_SKETCH_HDRSZ	sizeof(CrmSketch)

/* the names block (version 2), or NULL (version 1: no names) */
static inline const void *
crm_sketch_names(const CrmSketch *s)
{
	return s->version >= CRM_SKETCH_VERSION_2 ? (const char *) s + CRM_SKETCH_HDRSZ : NULL;
}

/* bytes of the names block (0 in version 1) */
static inline size_t
crm_sketch_names_size(const CrmSketch *s)
{
	return s->version >= CRM_SKETCH_VERSION_2 ? crm_names_block_bytes(crm_sketch_names(s)) : 0;
}

/*
 * What the names cost of the budget: the block when there are names, 0
 * otherwise (so a sketch without names has the capacity of version 1).
 */
static inline size_t
crm_sketch_names_cost(const void *names)
{
	return crm_names_count(names) > 0 ? crm_names_block_bytes(names) : 0;
}

/* the statistics: dims blocks of CRM_ST_COUNT doubles */
static inline double *
crm_sketch_stats(const CrmSketch *s)
{
	return (double *) ((char *) s + CRM_SKETCH_HDRSZ + crm_sketch_names_size(s));
}

/* the representatives: nreps blocks of (w, q, x[dims]) */
static inline double *
crm_sketch_reps(const CrmSketch *s)
{
	return crm_sketch_stats(s) + (size_t) s->dims * CRM_ST_COUNT;
}

/*
 * bytes of a sketch with a names block of names_size bytes (0 in version
 * 1) and dims features, holding nreps representatives
 */
static inline size_t
crm_sketch_size(size_t names_size, int dims, int nreps)
{
	return CRM_SKETCH_HDRSZ + names_size +
		sizeof(double) * ((size_t) dims * CRM_ST_COUNT + (size_t) nreps * (dims + 2));
}

/* bytes of a sketch as its header and names block describe it */
static inline size_t
crm_sketch_value_size(const CrmSketch *s)
{
	return crm_sketch_size(crm_sketch_names_size(s), s->dims, s->nreps);
}

/*
 * representatives the budget allows for this many dimensions and names
 * (their crm_sketch_names_cost), 0 for too few
 */
extern int	crm_sketch_capacity(int dims, size_t names_cost, int budget_kb);

/*
 * The capacity of a sketch of dims features, names costing names_cost
 * bytes and budget_kb, or 0 with 54000 "budget_kb <b> is too small for <d>
 * dimensions" when it would hold fewer than CRM_SKETCH_MIN_CAPACITY
 * representatives.
 */
extern int	crm_sketch_check_budget(int dims, size_t names_cost, int budget_kb, CrmError *err);

/*
 * The budget_kb of a sketch of dims features whose options do not give one:
 * room for CRM_SKETCH_DEFAULT_REPS representatives, within
 * [CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_DEFAULT_BUDGET_KB].  It is stored
 * in the sketch like a given budget (the format does not change).
 */
extern int	crm_sketch_default_budget(int dims, size_t names_cost);

/*
 * Initialise a buffer of crm_sketch_size(names block size, dims, alloc)
 * bytes as an empty sketch of the current version with a copy of the names
 * block names (NULL: no names).
 */
extern void crm_sketch_init(CrmSketch *s, int dims, const CrmClusterOptions *o, int k,
							const void *names);

/* bytes of the names block a sketch has in the current version */
static inline size_t
crm_sketch_current_names_size(const CrmSketch *s)
{
	return s->version >= CRM_SKETCH_VERSION_2 ? crm_sketch_names_size(s) : CRM_NAMES_EMPTY_SIZE;
}

/*
 * Copy the valid sketch src (either version) into dst, which has room for
 * crm_sketch_size(crm_sketch_current_names_size(src), dims, src->nreps)
 * bytes at least, in the current version.
 */
extern void crm_sketch_copy_current(CrmSketch *dst, const CrmSketch *src);

/*
 * Whether two valid sketches are the same value: every header field but
 * the version, the names (a version 1 sketch has none), the statistics and
 * the representatives, byte for byte.
 */
extern bool crm_sketch_equal(const CrmSketch *a, const CrmSketch *b);

/* the point as it enters the sketch (atan applied) */
extern void crm_sketch_transform(const CrmSketch *s, const double *x, double *out);

/*
 * Add one row (already checked: finite, within +-CRM_CLUSTER_MAX_ABS, right
 * length).  The caller makes sure there is room for one more representative
 * (nreps < allocated) and calls crm_sketch_reduce when nreps reaches the
 * capacity.  False (54000) when the sketch already counts
 * CRM_MAX_ROWS rows.
 */
extern bool crm_sketch_add(CrmSketch *s, const double *x, CrmError *err);

/*
 * Whether src can be merged into dst: same dimensions, k, options but for
 * budget_kb and feature names, and at most CRM_MAX_ROWS rows together
 * (22023 or 54000 otherwise).  Sketches of different budgets merge at the
 * smaller one (crm_sketch_lower_budget first), so a sketch stored by crm
 * 0.1.0 (budget_kb 16384) merges with one of today's default budget.
 */
extern bool crm_sketch_mergeable(const CrmSketch *dst, const CrmSketch *src, CrmError *err);

/*
 * Lower s's budget to budget_kb when it is smaller (that of a valid sketch
 * mergeable with s, so enough for its dimensions and names): its capacity
 * follows, and representatives beyond the new capacity are reduced to
 * crm_sketch_reduce_target.  True when it reduced.
 */
extern bool crm_sketch_lower_budget(CrmSketch *s, int budget_kb);

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

/*
 * An index of the representatives a reduction left, so that rows near one
 * of them join it instead of taking a slot (absorption, see sketch_core.c).
 * Kept by the caller beside the sketch (not part of the value); valid for
 * the representatives reps[0, nreps) until they move (a reduction, a
 * lowered budget): rebuild it after each reduction.  nreps 0: no index,
 * every row takes a slot.
 */
typedef struct CrmSketchIndex
{
	int32_t		dims;
	int32_t		nreps;			/* representatives indexed, in leaf order */
	int32_t		nnodes;
	int32_t		maxnodes;
	double		qrow;			/* the sketch's scatter bound per row when built */
	double	   *g;				/* the metric when it was built */
	void	   *nodes;			/* the tree (sketch_core.c) */
} CrmSketchIndex;

/* bytes of an index for a sketch of dims features and this capacity */
extern size_t crm_sketch_index_size(int dims, int capacity);

/* an empty index in mem (crm_sketch_index_size bytes, aligned for doubles) */
extern void crm_sketch_index_init(CrmSketchIndex *ix, void *mem, int dims, int capacity);

/* Index s's representatives, putting them in the index's order. */
extern void crm_sketch_index_build(CrmSketch *s, CrmSketchIndex *ix);

/*
 * The last representative (a row just added, or one of a sketch being
 * merged in, not indexed) joins the nearest representative in its leaf of
 * the index when its mean lies within that one's spread; true when it did
 * (nreps is then one less).
 */
extern bool crm_sketch_absorb_last(CrmSketch *s, const CrmSketchIndex *ix);

/*
 * crm_sketch_add, then the row joins the nearest representative in its
 * leaf of the index when it lies within that one's spread (same contract
 * as crm_sketch_add: room for one more representative).
 */
extern bool crm_sketch_add_indexed(CrmSketch *s, const CrmSketchIndex *ix, const double *x,
								   CrmError *err);

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

/* the readable JSON text form (of the value's version) */
extern char *crm_sketch_print(const CrmSketch *s);
extern CrmSketch *crm_sketch_parse(const char *str, CrmError *err);

/*
 * The binary form (send/recv, and the compact text "crm64:" + base64 of it):
 * big-endian header fields, in version 2 the feature names (a count, then
 * each as a uint32 byte count and its bytes, converted by conv; NULL: as
 * stored), then every double of the statistics and the representatives.
 * crm_sketch_binary_size is its size with the names as stored.
 * crm_sketch_decode reads it from untrusted bytes, errors in its structure
 * of kind `kind` (CRM_ERR_BINARY for recv, CRM_ERR_SYNTAX for compact
 * text), then applies crm_sketch_check.
 */
extern size_t crm_sketch_binary_size(const CrmSketch *s);
extern uint8_t *crm_sketch_encode(const CrmSketch *s, CrmConvFn conv, size_t *len);
extern CrmSketch *crm_sketch_decode(const void *buf, size_t len, CrmErrorKind kind,
									CrmConvFn conv, CrmError *err);

/*
 * Text input in either form: JSON, or the compact "crm64:" form (whose
 * names are UTF-8: from_utf8 converts them, NULL: as they are).
 */
extern CrmSketch *crm_sketch_read_text(const char *str, CrmConvFn from_utf8, CrmError *err);

#endif							/* CRM_SKETCH_CORE_H */
