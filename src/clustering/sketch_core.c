/*
 * sketch_core.c
 *	  The cluster sketch: statistics, representatives, reduction, validation,
 *	  text and binary forms.
 *
 * Server-independent (see sketch_core.h for the layout and the reasoning);
 * the server wraps it in src/clustering/sketch.c, the fuzzer in fuzz/fuzz_sketch.c.
 *
 * Invariants.  Every sketch crm_sketch_check accepts, and so every value of
 * the type, satisfies (N = rows, span_j = max_j - min_j):
 *
 *	 - N <= 2^53, and the representatives' weights are integers >= 1 that
 *	   add up to N exactly;
 *	 - shift, min and max of every dimension lie within +-1e100 (the limit
 *	   on feature values) with min <= shift <= max, and all statistics are
 *	   zero when N = 0;
 *	 - |sum| <= N span_j and 0 <= sum of squares <= N span_j^2 (what N
 *	   values within [min, max] can give around a shift inside it); in atan
 *	   sketches |sketch-space sum| <= N and 0 <= its sum of squares <= N,
 *	   otherwise both are 0;
 *	 - representative coordinates lie within [min_j, max_j] (atan: within
 *	   [-1, 1]) and each scatter within [0, w * sum_j span_j^2] (atan:
 *	   w * 4 dims).
 *
 * So no arithmetic on a valid sketch can overflow: sums of squares stay
 * below 2^53 * 4e200, scatters below 2^53 * 4e203.  Every operation that
 * changes a sketch keeps these invariants by construction: row counts are
 * checked before they grow, and sums, merged coordinates and scatters are
 * clamped to the bounds above (their exact values lie within them, so the
 * clamp only removes rounding, which over 10^15 rows could otherwise step
 * outside).  The clamps are computed with the same expressions the checker
 * uses, so a produced value always reads back.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sketch_core.h"
#include "json_core.h"
#include "wire_core.h"

/* Leaves of the reduction tree hold at most this many representatives. */
#define LEAF_SIZE 16

/*
 * Merge rounds on one tree before it is rebuilt.  A second round on the same
 * leaves is cheaper than a new tree but pairs worse: on the 1M-row benchmark
 * bank it raised the final SSE by 0.02% and was no faster overall.
 */
#define ROUNDS_PER_TREE 1

/*
 * Spreads below 2^-256 are scaled up by a power of two before squared
 * distances are compared (their squares would underflow); above it the
 * arithmetic is the plain one, bit for bit.
 */
#define TINY_SPREAD_EXP (-256)

/* the statistics' names in messages, in CRM_ST_ order */
static const char *const stat_names[CRM_ST_COUNT] = {
	"shift", "sum", "sum of squares", "min", "max", "sketch-space sum",
	"sketch-space sum of squares"
};

/* v limited to [lo, hi] */
static inline double
ClampTo(double v, double lo, double hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/*
 * The largest |sum| and sum of squares that `rows` values within a
 * dimension's [min, max] can give around a shift inside it: rows * span and
 * rows * span^2.  The checker and the clamps use this same expression.
 */
static inline void
StatBounds(const double *t, int64_t rows, double *bsum, double *bsq)
{
	double		span = t[CRM_ST_MAX] - t[CRM_ST_MIN];

	*bsum = (double) rows * span;
	*bsq = *bsum * span;
}

/* Keep one dimension's sums within what its rows can give (see above). */
static inline void
ClampStats(double *t, int64_t rows, bool atan_scaled)
{
	double		bsum,
				bsq;

	StatBounds(t, rows, &bsum, &bsq);
	t[CRM_ST_SUM] = ClampTo(t[CRM_ST_SUM], -bsum, bsum);
	t[CRM_ST_SUMSQ] = ClampTo(t[CRM_ST_SUMSQ], 0.0, bsq);
	if (atan_scaled)
	{
		double		n = (double) rows;

		t[CRM_ST_SSUM] = ClampTo(t[CRM_ST_SSUM], -n, n);
		t[CRM_ST_SSUMSQ] = ClampTo(t[CRM_ST_SSUMSQ], 0.0, n);
	}
}

/*
 * The most scatter one row of a representative can carry: the sum over
 * dimensions of the squared span (sketch space: at most 2 per dimension
 * under atan).  Grows with the statistics, never shrinks.
 */
static double
ScatterPerRow(const CrmSketch *s)
{
	const double *st = crm_sketch_stats(s);
	double		b = 0.0;
	int			j;

	if (s->opt.scale == CRM_SCALE_ATAN)
		return 4.0 * s->dims;
	for (j = 0; j < s->dims; j++)
	{
		double		span = st[j * CRM_ST_COUNT + CRM_ST_MAX] - st[j * CRM_ST_COUNT + CRM_ST_MIN];

		b += span * span;
	}
	return b;
}

/*
 * The representatives a budget of budget_kb holds for dims features: what is
 * left after the header, the names (names_cost: crm_sketch_names_cost) and
 * the statistics, divided by each representative's bytes plus the scratch
 * the reduction needs for it (at most 100 million); 0 when that is below
 * CRM_SKETCH_MIN_CAPACITY.  A sketch without names has the capacity of
 * version 1: the 8 bytes of an empty names block are within the scratch
 * allowance, which the value itself never uses.
 */
int
crm_sketch_capacity(int dims, size_t names_cost, int budget_kb)
{
	double		per_rep = (double) (dims + 2) * sizeof(double) + CRM_SKETCH_SCRATCH_PER_REP;
	double		fixed = CRM_SKETCH_HDRSZ + (double) names_cost +
		(double) dims * CRM_ST_COUNT * sizeof(double);
	double		cap = ((double) budget_kb * 1024.0 - fixed) / per_rep;

	if (cap < CRM_SKETCH_MIN_CAPACITY)
		return 0;
	if (cap > 100000000.0)
		cap = 100000000.0;
	return (int) cap;
}

/*
 * The budget of a sketch built without option budget_kb: the kB that hold
 * CRM_SKETCH_DEFAULT_REPS representatives of dims features with their
 * names, at most CRM_SKETCH_DEFAULT_BUDGET_KB (from 118 features
 * without names) and at least CRM_SKETCH_MIN_BUDGET_KB.  In representatives
 * rather than bytes so that a distributed or parallel k-means summarises
 * each part before it travels (about 16,384 representatives per part,
 * whatever its rows) while every input of up to 16,384 rows still fits
 * whole and is clustered exactly.
 */
int
crm_sketch_default_budget(int dims, size_t names_cost)
{
	double		per_rep = (double) (dims + 2) * sizeof(double) + CRM_SKETCH_SCRATCH_PER_REP;
	double		fixed = CRM_SKETCH_HDRSZ + (double) names_cost +
		(double) dims * CRM_ST_COUNT * sizeof(double);
	double		kb = ceil((fixed + CRM_SKETCH_DEFAULT_REPS * per_rep) / 1024.0);

	if (kb > CRM_SKETCH_DEFAULT_BUDGET_KB)
		return CRM_SKETCH_DEFAULT_BUDGET_KB;
	if (kb < CRM_SKETCH_MIN_BUDGET_KB)
		return CRM_SKETCH_MIN_BUDGET_KB;
	return (int) kb;
}

/* The capacity of a new sketch, or 0 and the error (see sketch_core.h). */
int
crm_sketch_check_budget(int dims, size_t names_cost, int budget_kb, CrmError *err)
{
	int			capacity = crm_sketch_capacity(dims, names_cost, budget_kb);

	if (capacity == 0)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "budget_kb %d is too small for %d dimensions%s",
					  budget_kb, dims, names_cost > 0 ? " and their names" : "");
		crm_error_hint(err, "The sketch needs room for at least %d representatives of %d bytes.",
					   CRM_SKETCH_MIN_CAPACITY,
					   (int) ((dims + 2) * sizeof(double) + CRM_SKETCH_SCRATCH_PER_REP));
	}
	return capacity;
}

/* An empty sketch: header, options, names, zero statistics. */
void
crm_sketch_init(CrmSketch *s, int dims, const CrmClusterOptions *o, int k, const void *names)
{
	s->version = CRM_SKETCH_VERSION;
	s->flags = 0;
	s->dims = dims;
	s->k = k;
	s->nreps = 0;
	s->capacity = crm_sketch_capacity(dims, crm_sketch_names_cost(names), o->budget_kb);
	s->rows = 0;
	s->opt = *o;
	if (names)
		memcpy((char *) s + CRM_SKETCH_HDRSZ, names, crm_names_block_bytes(names));
	else
		crm_names_block_write((char *) s + CRM_SKETCH_HDRSZ, 0, NULL, NULL);
	memset(crm_sketch_stats(s), 0, sizeof(double) * (size_t) dims * CRM_ST_COUNT);
}

/* Copy a sketch into the current version (see sketch_core.h). */
void
crm_sketch_copy_current(CrmSketch *dst, const CrmSketch *src)
{
	size_t		body = crm_sketch_value_size(src) - CRM_SKETCH_HDRSZ - crm_sketch_names_size(src);

	memcpy(dst, src, CRM_SKETCH_HDRSZ);
	dst->version = CRM_SKETCH_VERSION;
	if (src->version >= CRM_SKETCH_VERSION_2)
		memcpy((char *) dst + CRM_SKETCH_HDRSZ, crm_sketch_names(src), crm_sketch_names_size(src));
	else
		crm_names_block_write((char *) dst + CRM_SKETCH_HDRSZ, 0, NULL, NULL);
	memcpy(crm_sketch_stats(dst), crm_sketch_stats(src), body);
}

/* The same sketch, whatever the version (see sketch_core.h). */
bool
crm_sketch_equal(const CrmSketch *a, const CrmSketch *b)
{
	size_t		body = crm_sketch_value_size(a) - CRM_SKETCH_HDRSZ - crm_sketch_names_size(a);

	return a->flags == b->flags && a->dims == b->dims && a->k == b->k &&
		a->nreps == b->nreps && a->capacity == b->capacity && a->rows == b->rows &&
		memcmp(&a->opt, &b->opt, sizeof(CrmClusterOptions)) == 0 &&
		crm_names_equal(crm_sketch_names(a), crm_sketch_names(b)) &&
		memcmp(crm_sketch_stats(a), crm_sketch_stats(b), body) == 0;
}

/*
 * A row as it enters the sketch: 2/pi atan(x / atan_scale) under atan, else
 * x.
 */
void
crm_sketch_transform(const CrmSketch *s, const double *x, double *out)
{
	int			j;

	if (s->opt.scale == CRM_SCALE_ATAN)
	{
		double		inv = 1.0 / s->opt.atan_scale;

		for (j = 0; j < s->dims; j++)
			out[j] = M_2_PI * atan(x[j] * inv);
	}
	else
		memcpy(out, x, sizeof(double) * s->dims);
}

/* Add one row, keeping the invariants (see the top of this file). */
bool
crm_sketch_add(CrmSketch *s, const double *x, CrmError *err)
{
	int			d = s->dims;
	int			j;
	double	   *st = crm_sketch_stats(s);
	double	   *rep = crm_sketch_reps(s) + (size_t) s->nreps * (d + 2);
	bool		atan_scaled = s->opt.scale == CRM_SCALE_ATAN;
	int64_t		rows = s->rows + 1;

	if (s->rows >= CRM_MAX_ROWS)
	{
		crm_error_too_many_rows(err, "a crm.cluster_sketch");
		return false;
	}
	rep[0] = 1.0;
	rep[1] = 0.0;
	crm_sketch_transform(s, x, rep + 2);
	if (s->rows == 0)
		for (j = 0; j < d; j++)
		{
			st[j * CRM_ST_COUNT + CRM_ST_SHIFT] = x[j];
			st[j * CRM_ST_COUNT + CRM_ST_MIN] = x[j];
			st[j * CRM_ST_COUNT + CRM_ST_MAX] = x[j];
		}
	for (j = 0; j < d; j++)
	{
		double	   *t = st + j * CRM_ST_COUNT;
		double		v = x[j] - t[CRM_ST_SHIFT];

		t[CRM_ST_SUM] += v;
		t[CRM_ST_SUMSQ] += v * v;
		if (x[j] < t[CRM_ST_MIN])
			t[CRM_ST_MIN] = x[j];
		if (x[j] > t[CRM_ST_MAX])
			t[CRM_ST_MAX] = x[j];
		if (atan_scaled)
		{
			t[CRM_ST_SSUM] += rep[2 + j];
			t[CRM_ST_SSUMSQ] += rep[2 + j] * rep[2 + j];
		}
		ClampStats(t, rows, atan_scaled);
	}
	s->rows = rows;
	s->nreps++;
	return true;
}

/* Compatibility and the row limit, before crm_sketch_merge_stats. */
bool
crm_sketch_mergeable(const CrmSketch *a, const CrmSketch *b, CrmError *err)
{
	if (a->dims != b->dims)
		crm_error_set(err, CRM_ERR_INVALID, "cannot merge cluster sketches of %d and %d dimensions",
					  a->dims, b->dims);
	else if (a->k != b->k)
		crm_error_set(err, CRM_ERR_INVALID, "cannot merge k-means states for k = %d and k = %d",
					  a->k, b->k);
	else if (!crm_names_equal(crm_sketch_names(a), crm_sketch_names(b)))
		crm_names_error_differ(err, crm_sketch_names(a), crm_sketch_names(b),
							   "cannot merge cluster sketches with different feature names");
	else if (!crm_cluster_options_mergeable(&a->opt, &b->opt))
	{
		crm_error_set(err, CRM_ERR_INVALID, "cannot merge cluster sketches built with different options");
		crm_error_detail(err, "scale %s / %s, seed %llu / %llu.",
						 crm_scale_name(a->opt.scale), crm_scale_name(b->opt.scale),
						 (unsigned long long) a->opt.seed, (unsigned long long) b->opt.seed);
		crm_error_hint(err, "Only budget_kb may differ: the merge takes the smaller budget.");
	}
	else if (b->rows > CRM_MAX_ROWS - a->rows)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "cannot merge cluster sketches counting more than %lld rows together",
					  (long long) CRM_MAX_ROWS);
		crm_error_detail(err, "The sketches count %lld and %lld rows.",
						 (long long) a->rows, (long long) b->rows);
	}
	else
		return true;
	return false;
}

/* Lower a sketch's budget (see sketch_core.h); true when it reduced. */
bool
crm_sketch_lower_budget(CrmSketch *s, int budget_kb)
{
	if (budget_kb >= s->opt.budget_kb)
		return false;
	s->opt.budget_kb = budget_kb;
	s->capacity = crm_sketch_capacity(s->dims, crm_sketch_names_cost(crm_sketch_names(s)), budget_kb);
	if (s->nreps <= s->capacity)
		return false;
	crm_sketch_reduce(s, crm_sketch_reduce_target(s));
	return true;
}

/*
 * Merge src's statistics into dst's. Each side's sums are of x - shift for
 * its own shift; src's are re-centred on dst's shift with the pairwise
 * update of Chan, Golub and LeVeque ("Updating formulae and a pairwise
 * algorithm for computing sample variances", Stanford CS-79-773, 1979): with
 * delta = shift_b - shift_a, sum_a += sum_b + n_b delta and sumsq_a +=
 * sumsq_b + 2 delta sum_b + n_b delta^2. Shifted sums keep the variance free
 * of the cancellation a raw sum of squares suffers. Clamped like every
 * change.
 */
void
crm_sketch_merge_stats(CrmSketch *dst, const CrmSketch *src)
{
	int			j;
	double	   *a = crm_sketch_stats(dst);
	const double *b = crm_sketch_stats(src);
	double		nb = (double) src->rows;
	int64_t		rows = dst->rows + src->rows;
	bool		atan_scaled = dst->opt.scale == CRM_SCALE_ATAN;

	if (src->rows == 0)
		return;
	if (dst->rows == 0)
	{
		/* an empty sketch's statistics are all zero: take src's */
		memcpy(a, b, sizeof(double) * (size_t) dst->dims * CRM_ST_COUNT);
		dst->rows = src->rows;
		return;
	}
	for (j = 0; j < dst->dims; j++)
	{
		double	   *ta = a + j * CRM_ST_COUNT;
		const double *tb = b + j * CRM_ST_COUNT;
		/* re-centre src's shifted sums on dst's shift */
		double		delta = tb[CRM_ST_SHIFT] - ta[CRM_ST_SHIFT];

		ta[CRM_ST_SUMSQ] += tb[CRM_ST_SUMSQ] + 2.0 * delta * tb[CRM_ST_SUM] + nb * delta * delta;
		ta[CRM_ST_SUM] += tb[CRM_ST_SUM] + nb * delta;
		if (tb[CRM_ST_MIN] < ta[CRM_ST_MIN])
			ta[CRM_ST_MIN] = tb[CRM_ST_MIN];
		if (tb[CRM_ST_MAX] > ta[CRM_ST_MAX])
			ta[CRM_ST_MAX] = tb[CRM_ST_MAX];
		ta[CRM_ST_SSUM] += tb[CRM_ST_SSUM];
		ta[CRM_ST_SSUMSQ] += tb[CRM_ST_SSUMSQ];
		ClampStats(ta, rows, atan_scaled);
	}
	dst->rows = rows;
}

/* The mean of dimension j in original units (0 for no rows). */
double
crm_sketch_mean(const CrmSketch *s, int j)
{
	const double *t = crm_sketch_stats(s) + j * CRM_ST_COUNT;

	if (s->rows == 0)
		return 0.0;
	return t[CRM_ST_SHIFT] + t[CRM_ST_SUM] / (double) s->rows;
}

/*
 * The population variance of dimension j in original units, from the shifted
 * sums (0 for no rows; rounding below 0 is 0).
 */
double
crm_sketch_var(const CrmSketch *s, int j)
{
	const double *t = crm_sketch_stats(s) + j * CRM_ST_COUNT;
	double		n = (double) s->rows;
	double		v;

	if (s->rows == 0)
		return 0.0;
	v = (t[CRM_ST_SUMSQ] - t[CRM_ST_SUM] * t[CRM_ST_SUM] / n) / n;
	return v > 0 ? v : 0.0;
}

/*
 * Metric weights for the reduction: 1 / variance (zscore), 1 / range^2
 * (minmax), else 1.  Only their ratios matter there, so they are computed in
 * log space and normalised to a largest weight of 1: a feature with a tiny
 * spread (1e-300) cannot overflow the weights, and one whose weight
 * underflows next to the others is negligible anyway.  Constant features
 * get weight 1 (their distances are 0).
 */
void
crm_sketch_metric(const CrmSketch *s, double *g)
{
	int			j;
	double		lmax = -INFINITY;

	for (j = 0; j < s->dims; j++)
	{
		const double *t = crm_sketch_stats(s) + j * CRM_ST_COUNT;
		double		v = 0.0;

		switch (s->opt.scale)
		{
			case CRM_SCALE_ZSCORE:
				v = crm_sketch_var(s, j);
				g[j] = v > 0 ? -log(v) : 0.0;
				break;
			case CRM_SCALE_MINMAX:
				v = t[CRM_ST_MAX] - t[CRM_ST_MIN];
				g[j] = v > 0 ? -2.0 * log(v) : 0.0;
				break;
			default:
				g[j] = 0.0;
				break;
		}
		if (g[j] > lmax)
			lmax = g[j];
	}
	for (j = 0; j < s->dims; j++)
		g[j] = exp(g[j] - lmax);
}

/* ------------------------------------------------------------ reduction */

/* A candidate merge: two representatives (a < b) and their Ward cost. */
typedef struct Pair
{
	double		cost;
	int32_t		a;
	int32_t		b;
} Pair;

/* (key, index) order: keys, ties by representative index (a total order) */
static inline bool
KeyBefore(const double *keys, const int32_t *idx, int a, int b)
{
	return keys[a] < keys[b] || (keys[a] == keys[b] && idx[a] < idx[b]);
}

/*
 * Sift element at of the max-heap keys/idx[base, base + n) down, in (key,
 * index) order (Williams' binary heap, see SortRange).
 */
static void
SiftDown(double *keys, int32_t *idx, int base, int at, int n)
{
	for (;;)
	{
		int			child = 2 * at + 1;
		double		tk;
		int32_t		ti;

		if (child >= n)
			return;
		if (child + 1 < n && KeyBefore(keys, idx, base + child, base + child + 1))
			child++;
		if (!KeyBefore(keys, idx, base + at, base + child))
			return;
		tk = keys[base + at];
		keys[base + at] = keys[base + child];
		keys[base + child] = tk;
		ti = idx[base + at];
		idx[base + at] = idx[base + child];
		idx[base + child] = ti;
		at = child;
	}
}

/*
 * Heapsort (Williams, "Algorithm 232: Heapsort", CACM 7(6), 1964) of
 * keys[lo, hi) and idx[lo, hi) together in (key, index) order: O(n log n)
 * whatever the order, in place, deterministic. The fallback of SelectMedian.
 */
static void
SortRange(int32_t *idx, double *keys, int lo, int hi)
{
	int			n = hi - lo;
	int			i;

	for (i = n / 2 - 1; i >= 0; i--)
	{
		if ((i & 4095) == 0)
			crm_check_interrupts();
		SiftDown(keys, idx, lo, i, n);
	}
	for (i = n - 1; i > 0; i--)
	{
		double		tk = keys[lo];
		int32_t		ti = idx[lo];

		if ((i & 4095) == 0)
			crm_check_interrupts();
		keys[lo] = keys[lo + i];
		keys[lo + i] = tk;
		idx[lo] = idx[lo + i];
		idx[lo + i] = ti;
		SiftDown(keys, idx, lo, 0, i);
	}
}

/*
 * Partially order idx[lo, hi) so that idx[mid] holds the median of dimension
 * j: Hoare's selection ("Algorithm 65: FIND", CACM 4(7), 1961) with a
 * median-of-three pivot and a three-way partition (runs of equal keys end it
 * at once). The keys are gathered into a contiguous array first (one random
 * access per representative), and the selection then swaps keys and indexes
 * together in cache-friendly passes. Quickselect is linear on any order seen
 * in practice, but an order crafted against it (a hostile state) would make
 * it quadratic: after 8 n elements of partitioning the rest of the range is
 * heapsorted instead (SortRange), as introselect does (Musser,
 * "Introspective sorting and selection algorithms", Softw. Pract. Exper.
 * 27(8), 1997), so the selection stays O(n log n) whatever the order.
 */
static double
SelectMedian(int32_t *idx, double *keys, int lo, int hi, int mid,
			 const double *reps, int stride, int j)
{
	int			i;
	int64_t		work = 0;
	int64_t		limit = 8 * (int64_t) (hi - lo) + 1024;

	for (i = lo; i < hi; i++)
	{
#ifdef __GNUC__
		/* the representatives are visited in tree order, not memory order */
		if (i + 16 < hi)
			__builtin_prefetch(reps + (size_t) idx[i + 16] * stride + j);
#endif
		keys[i] = reps[(size_t) idx[i] * stride + j];
	}
	while (hi - lo > 1)
	{
		double		pivot;
		int			lt = lo;
		int			gt = hi;
		double		a = keys[lo],
					b = keys[lo + (hi - lo) / 2],
					c = keys[hi - 1];

		work += hi - lo;
		if (work > limit)
		{
			SortRange(idx, keys, lo, hi);
			break;
		}
		crm_check_interrupts();
		/* median of three */
		pivot = (a < b) ? ((b < c) ? b : (a < c ? c : a)) : ((a < c) ? a : (b < c ? c : b));
		i = lo;
		/* three-way partition: [lo,lt) < pivot, [lt,gt) == pivot, [gt,hi) > */
		while (i < gt)
		{
			double		v = keys[i];
			int32_t		ti;

			if (v < pivot)
			{
				keys[i] = keys[lt];
				keys[lt] = v;
				ti = idx[i];
				idx[i] = idx[lt];
				idx[lt] = ti;
				i++;
				lt++;
			}
			else if (v > pivot)
			{
				gt--;
				keys[i] = keys[gt];
				keys[gt] = v;
				ti = idx[i];
				idx[i] = idx[gt];
				idx[gt] = ti;
			}
			else
				i++;
		}
		if (mid < lt)
			hi = lt;
		else if (mid >= gt)
			lo = gt;
		else
			break;
	}
	return keys[mid];
}

/*
 * Sort pairs by cost: a least-significant-digit radix sort (Knuth, TAOCP
 * vol. 3, 5.2.5) on the 64-bit IEEE patterns of the costs in four 16-bit
 * digits. The costs are >= 0, so their bit patterns order like their values.
 * Each pass is a stable counting sort, so equal costs keep the deterministic
 * order the pairs were generated in; a digit every pair shares is skipped.
 * O(n) per pass, where a comparison sort would be O(n log n).
 */
static void
SortPairs(Pair *pairs, Pair *tmp, int n, uint32_t *count)
{
	int			pass;
	Pair	   *src = pairs;
	Pair	   *dst = tmp;

	for (pass = 0; pass < 4; pass++)
	{
		int			shift = pass * 16;
		uint32_t	sum = 0;
		int			i;
		bool		trivial = false;

		memset(count, 0, sizeof(uint32_t) * 65536);
		for (i = 0; i < n; i++)
		{
			uint64_t	bits;

			memcpy(&bits, &src[i].cost, sizeof(bits));
			count[(bits >> shift) & 0xFFFF]++;
		}
		for (i = 0; i < 65536; i++)
		{
			uint32_t	c = count[i];

			if (c == (uint32_t) n)
				trivial = true;
			count[i] = sum;
			sum += c;
		}
		if (trivial)
			continue;			/* every pair has the same digit */
		for (i = 0; i < n; i++)
		{
			uint64_t	bits;

			memcpy(&bits, &src[i].cost, sizeof(bits));
			dst[count[(bits >> shift) & 0xFFFF]++] = src[i];
		}
		{
			Pair	   *t = src;

			src = dst;
			dst = t;
		}
		crm_check_interrupts();
	}
	if (src != pairs)
		memcpy(pairs, src, sizeof(Pair) * n);
}

/*
 * Ward's merge cost (Ward, "Hierarchical grouping to optimize an objective
 * function", JASA 58(301), 1963): merging clusters of weights w1, w2 and
 * means x1, x2 raises the total within-cluster SSE by exactly w1 w2 / (w1 +
 * w2) |x1 - x2|^2, here in the metric g. With sg (tiny spreads, see
 * TinyScale) the differences are first multiplied by sg[j] = sqrt(g[j]) 2^k,
 * so the cost comes out 2^2k times larger.
 */
static inline double
WardCost(const double *a, const double *b, const double *g, const double *sg, int d)
{
	double		s = 0.0;
	int			j;

	if (sg == NULL)
		for (j = 0; j < d; j++)
		{
			double		t = a[2 + j] - b[2 + j];

			s += g[j] * t * t;
		}
	else
		for (j = 0; j < d; j++)
		{
			double		u = sg[j] * (a[2 + j] - b[2 + j]);

			s += u * u;
		}
	return a[0] * b[0] / (a[0] + b[0]) * s;
}

/*
 * The weighted mean of two coordinates of dimension j, kept within the
 * range lo[j] .. hi[j] every coordinate of the sketch lies in (rounding can
 * step an ulp past it when both are at its end); anywhere else the plain
 * weighted mean, bit for bit.
 */
static inline double
MergedCoordinate(double a, double wa, double b, double wb, double wsum,
				 const double *range, int d, int j)
{
	return ClampTo((wa * a + wb * b) / wsum, range[j], range[d + j]);
}

/*
 * range[j], range[d + j]: the interval dimension j's coordinates lie in
 * (the statistics' min and max; [-1, 1] under atan).
 */
static void
CoordinateRange(const CrmSketch *s, double *range)
{
	const double *st = crm_sketch_stats(s);
	int			d = s->dims;
	int			j;

	for (j = 0; j < d; j++)
	{
		if (s->opt.scale == CRM_SCALE_ATAN)
		{
			range[j] = -1.0;
			range[d + j] = 1.0;
		}
		else
		{
			range[j] = st[j * CRM_ST_COUNT + CRM_ST_MIN];
			range[d + j] = st[j * CRM_ST_COUNT + CRM_ST_MAX];
		}
	}
}

/* Scratch memory of a reduction, allocated once for all its passes. */
typedef struct Scratch
{
	double	   *g;
	double	   *sg;				/* scaled sqrt(g) for tiny spreads, else NULL */
	double	   *sg_buf;
	int			cost_exp;		/* costs computed with sg are 2^-cost_exp too large */
	double		qrow;			/* ScatterPerRow() of the sketch */
	double	   *range;			/* CoordinateRange() of the sketch */
	int32_t    *idx;
	double	   *keys;
	Pair	   *pairs;
	Pair	   *tmp;
	uint32_t   *count;
	unsigned char *gone;
	int32_t    *stack;
	double	   *boxes;
	int32_t    *leaves;			/* (lo, hi) of each leaf */
} Scratch;

/*
 * When the largest spread of the representatives in the metric,
 * max_j sqrt(g_j) (max_j - min_j), is below 2^TINY_SPREAD_EXP, squared
 * differences would underflow (features around 1e-200 all look alike):
 * then differences are multiplied by a power of two 2^k that brings that
 * spread to [0.5, 1) (exact, so deterministic), and costs are scaled back by
 * 2^-2k where they become scatter.  Returns sg, or NULL when no scaling is
 * needed (the plain arithmetic, unchanged).
 */
static double *
TinyScale(const double *box, const double *g, int d, Scratch *sc)
{
	double		m = 0.0;
	int			e;
	int			k;
	int			j;

	for (j = 0; j < d; j++)
	{
		double		v = sqrt(g[j]) * (box[d + j] - box[j]);

		if (v > m)
			m = v;
	}
	if (!(m > 0.0) || m >= ldexp(1.0, TINY_SPREAD_EXP))
		return NULL;
	(void) frexp(m, &e);
	k = -e > 1000 ? 1000 : -e;
	for (j = 0; j < d; j++)
		sc->sg_buf[j] = ldexp(sqrt(g[j]), k);
	sc->cost_exp = -2 * k;
	return sc->sg_buf;
}

/*
 * The bounding box of every representative (box[0, d): mins, box[d, 2d):
 * maxes), and idx[i] = i.
 */
static void
RootBox(const CrmSketch *s, int32_t *idx, double *box)
{
	int			d = s->dims;
	int			stride = d + 2;
	const double *reps = crm_sketch_reps(s);
	int			i;
	int			j;

	for (j = 0; j < d; j++)
	{
		box[j] = INFINITY;
		box[d + j] = -INFINITY;
	}
	for (i = 0; i < s->nreps; i++)
	{
		if ((i & 4095) == 4095)
			crm_check_interrupts();
		idx[i] = i;
		for (j = 0; j < d; j++)
		{
			double		v = reps[(size_t) i * stride + 2 + j];

			if (v < box[j])
				box[j] = v;
			if (v > box[d + j])
				box[d + j] = v;
		}
	}
}

/*
 * The side to cut a cell on: the widest in the metric g (with sg, the
 * tiny-spread scaling, see TinyScale), or -1 when every side is flat.
 */
static int
WidestSide(const double *box, const double *g, const double *sg, int d)
{
	int			best_j = -1;
	double		best_spread = 0.0;
	int			j;

	for (j = 0; j < d; j++)
	{
		double		spread;

		if (sg == NULL)
			spread = (box[d + j] - box[j]) * (box[d + j] - box[j]) * g[j];
		else
		{
			double		u = (box[d + j] - box[j]) * sg[j];

			spread = u * u;
		}
		if (spread > best_spread)
		{
			best_spread = spread;
			best_j = j;
		}
	}
	return best_j;
}

/*
 * Split a cell's box (mins, then maxes, 2d values) at cut on side j into
 * its children's boxes at left (the left child's) and left + 2d (the
 * right's); box may be left itself (a frame's box becomes its left
 * child's).  When every point of the cell has the cut value on that side,
 * both children keep the side whole: it is done.
 */
static void
SplitBox(const double *box, double *left, int d, int j, double cut)
{
	double	   *right = left + 2 * d;

	memmove(left, box, sizeof(double) * 2 * d);
	memcpy(right, left, sizeof(double) * 2 * d);
	left[d + j] = cut;
	right[j] = cut;
	if (left[j] == cut && right[d + j] == cut)
	{
		left[d + j] = left[j];
		right[j] = right[d + j];
	}
}

/*
 * The leaves of a k-d tree over the representatives (Bentley,
 * "Multidimensional binary search trees used for associative searching",
 * CACM 18(9), 1975), into sc->leaves as (lo, hi) ranges of sc->idx; returns
 * their number. Each cell is cut at the median of its widest side in the
 * metric, so the leaves hold 8 to 16 representatives that are near one
 * another, and the cheapest partner of each is looked for in its leaf only:
 * O(n log n) for the tree and O(n) for the pairs, where all pairs would be
 * O(n^2). Cells are tracked as boxes on a stack (frame f's box at boxes + f
 * * 2d: mins, then maxes) rather than measured, so each cut costs one
 * selection pass. Sets sc->sg for the tiny-spread case (see TinyScale).
 */
static int
BuildLeaves(CrmSketch *s, Scratch *sc)
{
	int			d = s->dims;
	int			stride = d + 2;
	double	   *reps = crm_sketch_reps(s);
	int32_t    *idx = sc->idx;
	int32_t    *stack = sc->stack;
	double	   *boxes = sc->boxes;
	int			top = 0;
	int			nleaves = 0;

	RootBox(s, idx, boxes);
	sc->sg = TinyScale(boxes, sc->g, d, sc);
	stack[top++] = 0;
	stack[top++] = s->nreps;
	while (top > 0)
	{
		int			hi = stack[top - 1];
		int			lo = stack[top - 2];
		double	   *box = boxes + (size_t) (top / 2 - 1) * 2 * d;
		int			best_j;

		top -= 2;
		crm_check_interrupts();
		best_j = hi - lo > LEAF_SIZE ? WidestSide(box, sc->g, sc->sg, d) : -1;
		if (best_j >= 0)
		{
			int			mid = lo + (hi - lo) / 2;
			double		cut;

			cut = SelectMedian(idx, sc->keys, lo, hi, mid, reps, stride, 2 + best_j);
			SplitBox(box, boxes + (size_t) (top / 2) * 2 * d, d, best_j, cut);
			stack[top++] = lo;
			stack[top++] = mid;
			stack[top++] = mid;
			stack[top++] = hi;
			continue;
		}
		/* a leaf (or a run of identical points) */
		sc->leaves[2 * nleaves] = lo;
		sc->leaves[2 * nleaves + 1] = hi;
		nleaves++;
	}
	return nleaves;
}

/*
 * Leaves hold at most LEAF_SIZE representatives; up to this many dimensions
 * their Ward costs are computed a leaf at a time from a transposed copy
 * (LeafCosts), above it pair by pair.
 */
#define LEAF_COST_MAX_DIMS 64

/*
 * The Ward costs of every pair of the n (<= LEAF_SIZE) representatives
 * at[0 .. n) into cost[t * LEAF_SIZE + u] for t < u.  WardCost is symmetric
 * bit for bit (IEEE addition and multiplication commute and (a - b)^2 =
 * (b - a)^2 exactly), so each pair is computed once, where pairing looked at
 * it from both ends.  Without the tiny-spread scaling and up to
 * LEAF_COST_MAX_DIMS dimensions the coordinates are transposed first, so
 * that one representative's costs against all later ones accumulate
 * dimension by dimension across independent lanes: the same operations in
 * the same order for each pair as WardCost (no reassociation, so no
 * -ffast-math is needed to vectorise it and the results are identical).
 */
static void
LeafCosts(const double *const *at, int n, const Scratch *sc, int d, double *cost)
{
	double		col[LEAF_COST_MAX_DIMS * LEAF_SIZE];
	double		w[LEAF_SIZE];
	int			t;
	int			u;
	int			j;

	if (sc->sg != NULL || d > LEAF_COST_MAX_DIMS)
	{
		for (t = 0; t < n; t++)
			for (u = t + 1; u < n; u++)
				cost[t * LEAF_SIZE + u] = WardCost(at[t], at[u], sc->g, sc->sg, d);
		return;
	}
	for (t = 0; t < n; t++)
	{
		w[t] = at[t][0];
		for (j = 0; j < d; j++)
			col[j * LEAF_SIZE + t] = at[t][2 + j];
	}
	for (t = 0; t < n; t++)
	{
		double	   *row = cost + t * LEAF_SIZE;

		for (u = t + 1; u < n; u++)
			row[u] = 0.0;
		for (j = 0; j < d; j++)
		{
			const double *c = col + j * LEAF_SIZE;
			double		a = c[t];
			double		gj = sc->g[j];

			for (u = t + 1; u < n; u++)
			{
				double		diff = a - c[u];

				row[u] += gj * diff * diff;
			}
		}
		for (u = t + 1; u < n; u++)
			row[u] = w[t] * w[u] / (w[t] + w[u]) * row[u];
	}
}

/* Append the pair (x, y) of cost c, the lower index first. */
static inline void
AddPair(Pair *pairs, int *npairs, double c, int32_t x, int32_t y)
{
	pairs[*npairs].cost = c;
	pairs[*npairs].a = x < y ? x : y;
	pairs[*npairs].b = x < y ? y : x;
	(*npairs)++;
}

/*
 * The candidate pairs of one round, into sc->pairs: every surviving
 * representative of each leaf with its cheapest surviving partner in the
 * leaf (ties to the lower index).  Returns their number.
 */
static int
LeafPairs(const CrmSketch *s, const Scratch *sc, int nleaves)
{
	int			d = s->dims;
	int			stride = d + 2;
	const double *reps = crm_sketch_reps(s);
	const int32_t *idx = sc->idx;
	const unsigned char *gone = sc->gone;
	Pair	   *pairs = sc->pairs;
	int			npairs = 0;
	int			leaf;
	double		cost[LEAF_SIZE * LEAF_SIZE];
	const double *at[LEAF_SIZE];
	int32_t		who[LEAF_SIZE];

	for (leaf = 0; leaf < nleaves; leaf++)
	{
		int			lo = sc->leaves[2 * leaf];
		int			hi = sc->leaves[2 * leaf + 1];
		int			i;

		crm_check_interrupts();
		if (hi - lo <= LEAF_SIZE)
		{
			/* the survivors, in leaf order, and all their costs at once */
			int			n = 0;
			int			t;
			int			u;

			for (i = lo; i < hi; i++)
				if (gone[idx[i]] != 2)
				{
					who[n] = idx[i];
					at[n++] = reps + (size_t) idx[i] * stride;
				}
			LeafCosts(at, n, sc, d, cost);
			for (t = 0; t < n; t++)
			{
				double		best = INFINITY;
				int			partner = -1;

				/* partners in leaf order, as pair by pair (same ties) */
				for (u = 0; u < n; u++)
				{
					double		c;

					if (u == t)
						continue;
					c = u > t ? cost[t * LEAF_SIZE + u] : cost[u * LEAF_SIZE + t];
					if (c < best || (c == best && who[u] < partner))
					{
						best = c;
						partner = who[u];
					}
				}
				if (partner < 0)
					continue;
				AddPair(pairs, &npairs, best, who[t], partner);
			}
			continue;
		}
		for (i = lo; i < hi; i++)
		{
			const double *a;
			double		best = INFINITY;
			int			partner = -1;
			int			m;
			int			from;
			int			to;

			if (gone[idx[i]] == 2)
				continue;
			a = reps + (size_t) idx[i] * stride;
			/* identical-point runs can be long: look at neighbours only */
			from = i > lo + 2 ? i - 3 : lo;
			to = i + 4 < hi ? i + 4 : hi;
			for (m = from; m < to; m++)
			{
				double		c;

				if (m == i || gone[idx[m]] == 2)
					continue;
				c = WardCost(a, reps + (size_t) idx[m] * stride, sc->g, sc->sg, d);
				if (c < best || (c == best && idx[m] < partner))
				{
					best = c;
					partner = idx[m];
				}
			}
			if (partner < 0)
				continue;
			AddPair(pairs, &npairs, best, idx[i], partner);
		}
	}
	return npairs;
}

/*
 * Merge the first `limit` sorted pairs, cheapest first, each representative
 * at most once per round (sc->gone: 1 merged this round, 2 gone), while
 * more than target of the n representatives remain (*removed counts the
 * gone ones).  Returns the number merged.
 */
static int
MergePairs(CrmSketch *s, Scratch *sc, int limit, int target, int *removed)
{
	int			d = s->dims;
	int			stride = d + 2;
	int			n = s->nreps;
	double	   *reps = crm_sketch_reps(s);
	const Pair *pairs = sc->pairs;
	unsigned char *gone = sc->gone;
	int			merged = 0;
	int			i;
	int			j;

	for (i = 0; i < limit && n - *removed > target; i++)
	{
		double	   *a = reps + (size_t) pairs[i].a * stride;
		double	   *b = reps + (size_t) pairs[i].b * stride;
		double		wa,
					wb,
					wsum,
					cost,
					q;

		/* 1: merged this round (may merge again next round); 2: gone */
		if (gone[pairs[i].a] || gone[pairs[i].b])
			continue;
		if ((i & 1023) == 1023)
			crm_check_interrupts();
		wa = a[0];
		wb = b[0];
		wsum = wa + wb;
		/*
		 * Neither has changed since the pair was costed this round, and
		 * WardCost is symmetric bit for bit: its cost is the pair's.
		 */
		cost = pairs[i].cost;
		if (sc->sg)
			cost = ldexp(cost, sc->cost_exp);
		q = a[1] + (b[1] + cost);
		a[1] = q < wsum * sc->qrow ? q : wsum * sc->qrow;
		for (j = 0; j < d; j++)
			a[2 + j] = MergedCoordinate(a[2 + j], wa, b[2 + j], wb, wsum, sc->range, d, j);
		a[0] = wsum;
		gone[pairs[i].a] = 1;
		gone[pairs[i].b] = 2;
		(*removed)++;
		merged++;
	}
	return merged;
}

/*
 * Drop the representatives marked gone (2), keeping the survivors' order;
 * the sketch is reduced when any went.
 */
static void
CompactReps(CrmSketch *s, const unsigned char *gone, int removed)
{
	int			stride = s->dims + 2;
	int			n = s->nreps;
	double	   *reps = crm_sketch_reps(s);
	int			w = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if ((i & 4095) == 4095)
			crm_check_interrupts();
		if (gone[i] == 2)
			continue;
		if (w != i)
			memmove(reps + (size_t) w * stride, reps + (size_t) i * stride, sizeof(double) * stride);
		w++;
	}
	s->nreps = w;
	if (removed > 0)
		s->flags |= CRM_SKETCH_REDUCED;
}

/*
 * One pass: split the representatives into leaves of at most LEAF_SIZE by
 * median cuts on the widest dimension (in the metric), pair every
 * representative with its cheapest partner in its leaf, and merge pairs
 * cheapest first until `target` remain or the pairs run out.
 *
 * Rounds on the same leaves: pair every surviving representative with its
 * cheapest surviving partner in its leaf, merge pairs cheapest first (each
 * representative at most once per round), until `target` remain or a round
 * merges nothing.
 */
static void
ReducePass(CrmSketch *s, int target, Scratch *sc)
{
	int			n = s->nreps;
	int			removed = 0;
	int			nleaves;
	int			round;
	int			i;

	nleaves = BuildLeaves(s, sc);
	memset(sc->gone, 0, n);
	for (round = 0; round < ROUNDS_PER_TREE && n - removed > target; round++)
	{
		int			npairs = LeafPairs(s, sc, nleaves);

		crm_check_interrupts();
		SortPairs(sc->pairs, sc->tmp, npairs, sc->count);

		/*
		 * Only the cheaper part of the candidate pairs is used in one round:
		 * the dearest candidates are often a lone representative's only
		 * partner across a cell boundary, which a fresh tree pairs better.
		 */
		if (MergePairs(s, sc, npairs - npairs / 3, target, &removed) == 0)
			break;
		for (i = 0; i < n; i++)
			if (sc->gone[i] == 1)
				sc->gone[i] = 0;
	}
	CompactReps(s, sc->gone, removed);
}

/*
 * The fallback when a pass merges nothing: merge neighbours in index order,
 * pass after pass, until at most target remain (each pass halves the
 * count).  Moments stay exact; the scatter added is the unweighted Ward cost
 * (the metric only apportions SSE between clusters), clamped like any
 * scatter.
 */
static void
MergeInOrder(CrmSketch *s, int target, double qrow, const double *range)
{
	int			d = s->dims;
	int			stride = d + 2;
	double	   *reps = crm_sketch_reps(s);
	int			j;

	while (s->nreps > target)
	{
		int			n = s->nreps;
		int			w = 0;
		int			i = 0;

		while (i < n)
		{
			double	   *dst = reps + (size_t) w * stride;

			if ((i & 4095) == 0)
				crm_check_interrupts();
			memmove(dst, reps + (size_t) i * stride, sizeof(double) * stride);
			/* merge the next one in while more must go */
			if (i + 1 < n && (n - i) + w > target)
			{
				const double *b = reps + (size_t) (i + 1) * stride;
				double		wsum = dst[0] + b[0];
				double		add = 0.0;
				double		q;

				for (j = 0; j < d; j++)
					add += (dst[2 + j] - b[2 + j]) * (dst[2 + j] - b[2 + j]);
				add *= dst[0] * b[0] / wsum;
				q = dst[1] + (b[1] + add);
				dst[1] = q < wsum * qrow ? q : wsum * qrow;
				for (j = 0; j < d; j++)
					dst[2 + j] = MergedCoordinate(dst[2 + j], dst[0], b[2 + j], b[0], wsum, range, d, j);
				dst[0] = wsum;
				i += 2;
			}
			else
				i++;
			w++;
		}
		s->nreps = w;
	}
	s->flags |= CRM_SKETCH_REDUCED;
}

/*
 * Reduce the sketch to at most target representatives by greedy merging with
 * Ward's criterion, as agglomerative clustering (Ward 1963) does one merge
 * at a time, but in bulk: each pass builds a k-d tree over the
 * representatives, pairs each with its cheapest partner in its leaf, and
 * merges the cheaper two thirds of the pairs, cheapest first, each
 * representative once (ReducePass). A merge keeps weights, means and scatter
 * exact (the scatter grows by the Ward cost), so the statistics of the rows
 * survive any number of reductions; only their grouping is approximated.
 * Scratch memory stays within CRM_SKETCH_SCRATCH_PER_REP bytes per
 * representative.
 */
void
crm_sketch_reduce(CrmSketch *s, int target)
{
	int			n = s->nreps;
	Scratch		sc;

	if (target < 1)
		target = 1;
	if (n <= target)
		return;
	/* within CRM_SKETCH_SCRATCH_PER_REP bytes per representative */
	sc.g = crm_core_alloc(sizeof(double) * s->dims);
	sc.sg_buf = crm_core_alloc(sizeof(double) * s->dims);
	sc.sg = NULL;
	sc.cost_exp = 0;
	sc.qrow = ScatterPerRow(s);
	sc.range = crm_core_alloc(sizeof(double) * 2 * s->dims);
	CoordinateRange(s, sc.range);
	sc.idx = crm_core_alloc(sizeof(int32_t) * n);
	sc.keys = crm_core_alloc(sizeof(double) * n);
	sc.pairs = crm_core_alloc(sizeof(Pair) * n);
	sc.tmp = crm_core_alloc(sizeof(Pair) * n);
	sc.count = crm_core_alloc(sizeof(uint32_t) * 65536);
	sc.gone = crm_core_alloc(n);
	/* median cuts: depth <= log2(n) + 1 < 128 frames */
	sc.stack = crm_core_alloc(sizeof(int32_t) * 2 * 128);
	sc.boxes = crm_core_alloc(sizeof(double) * 2 * s->dims * 128);
	/* leaves hold at least LEAF_SIZE / 2 representatives, bar a first small one */
	sc.leaves = crm_core_alloc(sizeof(int32_t) * 2 * (n / (LEAF_SIZE / 2) + 2));
	crm_sketch_metric(s, sc.g);
	while (s->nreps > target)
	{
		int			before = s->nreps;

		ReducePass(s, target, &sc);
		if (s->nreps == before)
		{
			/*
			 * No pair merged (cannot happen with at least two
			 * representatives, whose costs are finite in a valid sketch;
			 * kept so that the memory bound never depends on it): merge
			 * neighbours in index order, which keeps the moments exact.
			 */
			MergeInOrder(s, target, sc.qrow, sc.range);
			break;
		}
	}
	crm_core_free(sc.leaves);
	crm_core_free(sc.boxes);
	crm_core_free(sc.stack);
	crm_core_free(sc.gone);
	crm_core_free(sc.count);
	crm_core_free(sc.tmp);
	crm_core_free(sc.pairs);
	crm_core_free(sc.keys);
	crm_core_free(sc.idx);
	crm_core_free(sc.range);
	crm_core_free(sc.sg_buf);
	crm_core_free(sc.g);
}

/* ------------------------------------------------------------ absorption */

/*
 * Absorbing rows.  Between reductions, a row near a representative that
 * already stands for several rows joins it instead of taking a slot of its
 * own (BIRCH's absorption, Zhang et al. 1996): the sketch then fills, and
 * reduces, only as fast as rows arrive that nothing near them can take.
 * The representatives present after a reduction are indexed by a k-d tree
 * built like the reduction's (median cuts on the widest side in the
 * metric, here leaves of at most INDEX_LEAF) and put in the order of its
 * leaves, so that a leaf is one contiguous block.  A row descends the tree
 * to its leaf and is compared with the leaf's representatives in the
 * metric g of the build; it joins the nearest when its squared distance is
 * at most ABSORB_RADIUS times that representative's scatter per row, q / w
 * (the mean squared distance of its rows to its mean): a row within the
 * spread of what the representative already stands for.  A representative
 * of one row (q = 0) takes only an identical row; a row far from
 * everything in its leaf (an outlier, a small distant segment) is never
 * absorbed by a big representative, whatever its weight, and takes a slot
 * of its own.
 *
 * A join is a merge of a representative with a one-row representative:
 * weights add, the mean is the weighted mean and the scatter grows by the
 * Ward cost w / (w + 1) |x - c|^2 in the metric (as MergePairs), clamped
 * like every merge, so the moments stay exact aggregates of the rows.
 * Representatives indexed stay in place until the next reduction; rows
 * that are not absorbed go after them.
 *
 * The radius: on the benchmark bank and on uniform data (bench/kmeans_micro.sh,
 * 2M x 8), 1, 2, 3, 4 and 8 times q / w give models whose SSE differ by under
 * 0.3%, with 108, 25, 7, 4 and 3 reductions; 3 is the smallest that makes
 * reductions rare.  Leaves of 8 rather than 16 halve the distances per row
 * for as many joins.
 */
#define ABSORB_RADIUS 3.0
#define INDEX_LEAF 8

/*
 * A node of the index: an inner node cuts side `side` at `cut` (rows with
 * x[side] <= cut go to the left child, at index `other`; the right child
 * follows its parent); a leaf has side = -(its representatives) and its
 * first representative at `other`.
 */
typedef struct IndexNode
{
	double		cut;
	int32_t		side;
	int32_t		other;
} IndexNode;

/* nodes an index over n representatives can need (leaves hold >= 4 but the root) */
static inline int
IndexMaxNodes(int n)
{
	return 2 * (n / (INDEX_LEAF / 2) + 1) + 1;
}

/* Bytes of the index of a sketch of dims features and this capacity. */
size_t
crm_sketch_index_size(int dims, int capacity)
{
	return sizeof(double) * (size_t) dims + sizeof(IndexNode) * (size_t) IndexMaxNodes(capacity);
}

/* An empty index in mem (crm_sketch_index_size bytes, 8-byte aligned). */
void
crm_sketch_index_init(CrmSketchIndex *ix, void *mem, int dims, int capacity)
{
	ix->dims = dims;
	ix->nreps = 0;
	ix->nnodes = 0;
	ix->maxnodes = IndexMaxNodes(capacity);
	ix->qrow = 0.0;
	ix->g = mem;
	ix->nodes = ix->g + dims;
}

/*
 * Put reps[0, n) in the order idx gives (position p gets the
 * representative that was at idx[p]), following the permutation's cycles
 * with one representative of scratch; idx is consumed.
 */
static void
PermuteReps(double *reps, int stride, int32_t *idx, int n, double *tmp)
{
	int			p;
	int			moved = 0;

	for (p = 0; p < n; p++)
	{
		int			q = p;

		if ((p & 4095) == 4095)
			crm_check_interrupts();
		if (idx[p] < 0 || idx[p] == p)
			continue;
		memcpy(tmp, reps + (size_t) p * stride, sizeof(double) * stride);
		while (idx[q] != p)
		{
			int			from = idx[q];

			if ((++moved & 4095) == 0)
				crm_check_interrupts();
			memcpy(reps + (size_t) q * stride, reps + (size_t) from * stride,
				   sizeof(double) * stride);
			idx[q] = -1;
			q = from;
		}
		memcpy(reps + (size_t) q * stride, tmp, sizeof(double) * stride);
		idx[q] = -1;
	}
}

/*
 * Index the sketch's representatives (see above), putting them in leaf
 * order.  No index (nreps 0: every row takes a slot) when the sketch has
 * fewer than two representatives, or spreads so tiny that squared
 * distances would underflow (TinyScale).  The tree is built as
 * BuildLeaves builds the reduction's, frames on a stack; a frame also
 * records the node whose left child it is (-1 for a right child, which
 * is made right after its parent).
 */
void
crm_sketch_index_build(CrmSketch *s, CrmSketchIndex *ix)
{
	int			d = s->dims;
	int			stride = d + 2;
	int			n = s->nreps;
	double	   *reps = crm_sketch_reps(s);
	IndexNode  *nodes = ix->nodes;
	Scratch		sc;
	int32_t    *parent;
	int			top = 0;

	ix->nreps = 0;
	ix->nnodes = 0;
	if (n < 2 || IndexMaxNodes(n) > ix->maxnodes)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.g = ix->g;
	sc.sg_buf = crm_core_alloc(sizeof(double) * d);
	sc.idx = crm_core_alloc(sizeof(int32_t) * n);
	sc.keys = crm_core_alloc(sizeof(double) * n);
	/* depth <= log2(n) + 1 < 64; at most one pending frame per level, plus one */
	sc.stack = crm_core_alloc(sizeof(int32_t) * 2 * 128);
	parent = crm_core_alloc(sizeof(int32_t) * 128);
	sc.boxes = crm_core_alloc(sizeof(double) * 2 * d * 128);
	crm_sketch_metric(s, sc.g);
	RootBox(s, sc.idx, sc.boxes);
	if (TinyScale(sc.boxes, sc.g, d, &sc) != NULL)
		goto done;
	sc.stack[top++] = 0;
	sc.stack[top++] = n;
	parent[0] = -1;
	while (top > 0)
	{
		int			hi = sc.stack[top - 1];
		int			lo = sc.stack[top - 2];
		int			frame = top / 2 - 1;
		double	   *box = sc.boxes + (size_t) frame * 2 * d;
		int			me = ix->nnodes++;
		int			best_j;

		top -= 2;
		crm_check_interrupts();
		if (parent[frame] >= 0)
			nodes[parent[frame]].other = me;
		best_j = hi - lo > INDEX_LEAF ? WidestSide(box, sc.g, NULL, d) : -1;
		if (best_j >= 0)
		{
			int			mid = lo + (hi - lo) / 2;
			double		cut;

			cut = SelectMedian(sc.idx, sc.keys, lo, hi, mid, reps, stride, 2 + best_j);
			nodes[me].cut = cut;
			nodes[me].side = best_j;
			nodes[me].other = -1;	/* the left child: set when it is made */
			SplitBox(box, sc.boxes + (size_t) (top / 2) * 2 * d, d, best_j, cut);
			/* left below, right on top: the right child is made next */
			parent[top / 2] = me;
			sc.stack[top++] = lo;
			sc.stack[top++] = mid;
			parent[top / 2] = -1;
			sc.stack[top++] = mid;
			sc.stack[top++] = hi;
			continue;
		}
		/* a leaf (a longer one is a run of identical representatives) */
		nodes[me].cut = 0.0;
		nodes[me].side = -(hi - lo < INDEX_LEAF ? hi - lo : INDEX_LEAF);
		nodes[me].other = lo;
	}
	{
		double	   *tmp = crm_core_alloc(sizeof(double) * stride);

		PermuteReps(reps, stride, sc.idx, n, tmp);
		crm_core_free(tmp);
	}
	ix->nreps = n;
	ix->qrow = ScatterPerRow(s);
done:
	crm_core_free(sc.boxes);
	crm_core_free(parent);
	crm_core_free(sc.stack);
	crm_core_free(sc.keys);
	crm_core_free(sc.idx);
	crm_core_free(sc.sg_buf);
	if (ix->nreps == 0)
		ix->nnodes = 0;
}

/*
 * The last representative, reps[nreps - 1] (a row just added, or one of a
 * sketch being merged in), joins the representative it is nearest to in
 * its leaf of the index when its mean lies within that one's spread (see
 * above); true when it did.  It must not be one of the indexed ones.
 *
 * The leaf's distances are computed a dimension at a time across
 * INDEX_LEAF lanes (a short leaf repeats its last representative, which
 * never wins a tie), each lane with the same operations in the same order
 * as one distance computed alone: no reassociation, so the compiler may
 * interleave the lanes without changing a bit.
 */
bool
crm_sketch_absorb_last(CrmSketch *s, const CrmSketchIndex *ix)
{
	int			d = s->dims;
	int			stride = d + 2;
	double	   *reps;
	const double *last;
	const double *row;
	const double *g = ix->g;
	const IndexNode *nodes = ix->nodes;
	const double *leaf;
	size_t		off[INDEX_LEAF];
	double		acc[INDEX_LEAF];
	int			i = 0;
	int			n,
				m,
				j;
	int			side;
	int			best;
	double		best_dist;
	double	   *r;
	double		wa,
				wb,
				wsum,
				q;
	const double *st;

	if (ix->nreps == 0 || s->nreps <= ix->nreps)
		return false;
	reps = crm_sketch_reps(s);
	last = reps + (size_t) (s->nreps - 1) * stride;
	row = last + 2;
	/* down to the leaf: at most log2(capacity) steps, no branches to mispredict */
	while ((side = nodes[i].side) >= 0)
	{
		int			right = i + 1;
		int			go_left = row[side] <= nodes[i].cut;

		/* arithmetic rather than a branch: half the steps would mispredict */
		i = right + go_left * (nodes[i].other - right);
	}
	n = -side;
	leaf = reps + (size_t) nodes[i].other * stride + 2;
	for (m = 0; m < INDEX_LEAF; m++)
	{
		off[m] = (size_t) (m < n ? m : n - 1) * stride;
		acc[m] = 0.0;
	}
	for (j = 0; j < d; j++)
	{
		double		gj = g[j];
		double		xj = row[j];

		for (m = 0; m < INDEX_LEAF; m++)
		{
			double		t = leaf[off[m] + j] - xj;

			acc[m] += gj * t * t;
		}
	}
	best = 0;
	best_dist = acc[0];
	for (m = 1; m < n; m++)
		if (acc[m] < best_dist)
		{
			best_dist = acc[m];
			best = m;
		}
	r = reps + (size_t) nodes[i].other * stride + (size_t) best * stride;
	wa = r[0];
	if (!(best_dist <= ABSORB_RADIUS * r[1] / wa))
		return false;
	/* a merge, as MergePairs merges (one row: wb = 1, no scatter of its own) */
	wb = last[0];
	wsum = wa + wb;
	q = r[1] + (last[1] + wa * wb / wsum * best_dist);
	/*
	 * The scatter's bound, as MergePairs clamps it: ScatterPerRow only grows
	 * with the statistics, so below the one of the build is below today's.
	 */
	if (!(q <= wsum * ix->qrow))
	{
		double		qmax = wsum * ScatterPerRow(s);

		q = q < qmax ? q : qmax;
	}
	r[1] = q;
	st = crm_sketch_stats(s);
	for (j = 0; j < d; j++)
	{
		double		lo_j = -1.0,
					hi_j = 1.0;

		if (s->opt.scale != CRM_SCALE_ATAN)
		{
			lo_j = st[j * CRM_ST_COUNT + CRM_ST_MIN];
			hi_j = st[j * CRM_ST_COUNT + CRM_ST_MAX];
		}
		r[2 + j] = ClampTo((wa * r[2 + j] + wb * row[j]) / wsum, lo_j, hi_j);
	}
	r[0] = wsum;
	s->nreps--;
	s->flags |= CRM_SKETCH_REDUCED;
	return true;
}

/* crm_sketch_add, then the row may join a representative (see above). */
bool
crm_sketch_add_indexed(CrmSketch *s, const CrmSketchIndex *ix, const double *x, CrmError *err)
{
	if (!crm_sketch_add(s, x, err))
		return false;
	(void) crm_sketch_absorb_last(s, ix);
	return true;
}

/* ------------------------------------------------------------ checking */

/* A sketch's dims (crm_check_dims) and k: 0 for a plain sketch, else crm_check_k. */
static bool
CheckDimsAndK(int64_t dims, int64_t k, CrmError *err)
{
	return crm_check_dims(dims, err) && (k == 0 || crm_check_k(k, err));
}

/* The statistics of every dimension (see the invariants at the top). */
static bool
CheckStats(const CrmSketch *s, CrmError *err)
{
	const double *st = crm_sketch_stats(s);
	bool		atan_scaled = s->opt.scale == CRM_SCALE_ATAN;
	double		n = (double) s->rows;
	int			i,
				j;

	for (j = 0; j < s->dims; j++)
	{
		const double *t = st + j * CRM_ST_COUNT;
		double		bsum,
					bsq;

		for (i = 0; i < CRM_ST_COUNT; i++)
		{
			if (!isfinite(t[i]))
			{
				char		what[80];

				snprintf(what, sizeof(what), "crm.cluster_sketch statistic \"%s\" of dimension %d",
						 stat_names[i], j + 1);
				crm_error_not_finite(err, what, t[i]);
				return false;
			}
			if (s->rows == 0 && t[i] != 0.0)
			{
				crm_error_set(err, CRM_ERR_INVALID,
							  "crm.cluster_sketch with no rows has a nonzero statistic in dimension %d",
							  j + 1);
				return false;
			}
		}
		for (i = CRM_ST_SHIFT; i <= CRM_ST_MAX; i++)
		{
			char		what[80];

			if (i != CRM_ST_SHIFT && i != CRM_ST_MIN && i != CRM_ST_MAX)
				continue;
			if (fabs(t[i]) <= CRM_CLUSTER_MAX_ABS)
				continue;
			snprintf(what, sizeof(what), "crm.cluster_sketch statistic \"%s\" of dimension %d",
					 stat_names[i], j + 1);
			return crm_check_feature(t[i], what, err);
		}
		if (!(t[CRM_ST_MIN] <= t[CRM_ST_SHIFT] && t[CRM_ST_SHIFT] <= t[CRM_ST_MAX]))
		{
			crm_error_set(err, CRM_ERR_INVALID, "inconsistent crm.cluster_sketch statistics for dimension %d",
						  j + 1);
			return false;
		}
		StatBounds(t, s->rows, &bsum, &bsq);
		if (!(fabs(t[CRM_ST_SUM]) <= bsum) ||
			!(t[CRM_ST_SUMSQ] >= 0 && t[CRM_ST_SUMSQ] <= bsq) ||
			(atan_scaled && !(fabs(t[CRM_ST_SSUM]) <= n && t[CRM_ST_SSUMSQ] >= 0 && t[CRM_ST_SSUMSQ] <= n)) ||
			(!atan_scaled && (t[CRM_ST_SSUM] != 0.0 || t[CRM_ST_SSUMSQ] != 0.0)))
		{
			crm_error_set(err, CRM_ERR_INVALID, "inconsistent crm.cluster_sketch statistics for dimension %d",
						  j + 1);
			crm_error_detail(err, "Its sums exceed what %lld rows within [min, max] can give.",
							 (long long) s->rows);
			return false;
		}
	}
	return true;
}

/* One representative's coordinates (see the invariants at the top). */
static bool
CheckCoordinates(const CrmSketch *s, const double *r, int i, CrmError *err)
{
	const double *st = crm_sketch_stats(s);
	int			j;

	for (j = 0; j < s->dims; j++)
	{
		double		x = r[2 + j];
		const double *t = st + j * CRM_ST_COUNT;

		if (!(fabs(x) <= CRM_CLUSTER_MAX_ABS))
		{
			char		what[80];

			snprintf(what, sizeof(what), "crm.cluster_sketch representative %d coordinate %d", i + 1, j + 1);
			return crm_check_feature(x, what, err);
		}
		if (s->opt.scale == CRM_SCALE_ATAN)
		{
			if (fabs(x) > 1.0)
			{
				crm_error_set(err, CRM_ERR_INVALID,
							  "crm.cluster_sketch representative %d has an invalid coordinate", i + 1);
				crm_error_detail(err, "atan-scaled coordinates lie within [-1, 1].");
				return false;
			}
			continue;
		}
		if (x < t[CRM_ST_MIN] || x > t[CRM_ST_MAX])
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.cluster_sketch representative %d lies outside the range of dimension %d",
						  i + 1, j + 1);
			return false;
		}
	}
	return true;
}

/* Weights, scatters and coordinates of the representatives. */
static bool
CheckReps(const CrmSketch *s, CrmError *err)
{
	const double *reps = crm_sketch_reps(s);
	double		qrow = ScatterPerRow(s);
	int64_t		wsum = 0;
	int			d = s->dims;
	int			i;

	for (i = 0; i < s->nreps; i++)
	{
		const double *r = reps + (size_t) i * (d + 2);

		if ((i & 1023) == 1023)
			crm_check_interrupts();
		if (!(r[0] >= 1.0 && r[0] == floor(r[0]) && r[0] <= (double) CRM_MAX_ROWS) ||
			!(r[1] >= 0 && r[1] <= r[0] * qrow))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.cluster_sketch representative %d has an invalid weight or scatter", i + 1);
			return false;
		}
		if (!(s->flags & CRM_SKETCH_REDUCED) && (r[0] != 1.0 || r[1] != 0.0))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.cluster_sketch is not marked reduced but representative %d stands for several rows",
						  i + 1);
			return false;
		}
		if (!CheckCoordinates(s, r, i, err))
			return false;
		/* both at most 2^53: no overflow, and a surplus shows at once */
		wsum += (int64_t) r[0];
		if (wsum > s->rows)
			break;
	}
	if (wsum != s->rows)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.cluster_sketch representatives stand for %s%lld rows, but it counts %lld",
					  wsum > s->rows ? "more than " : "", (long long) wsum, (long long) s->rows);
		return false;
	}
	return true;
}

/*
 * The one validation of a sketch (see sketch_core.h): the header, the
 * options, the capacity and size, then every statistic and representative
 * against the invariants at the top of this file.
 */
bool
crm_sketch_check(const CrmSketch *s, size_t size, CrmError *err)
{
	int			d;
	size_t		names_cost = 0;

	if (size < CRM_SKETCH_HDRSZ)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.cluster_sketch value is truncated");
		return false;
	}
	if (s->version != CRM_SKETCH_VERSION_1 && s->version != CRM_SKETCH_VERSION_2)
	{
		crm_error_set(err, CRM_ERR_BINARY, "unsupported crm.cluster_sketch version %d", (int) s->version);
		return false;
	}
	d = s->dims;
	if (!CheckDimsAndK(d, s->k, err))
		return false;
	if (s->version >= CRM_SKETCH_VERSION_2)
	{
		if (!crm_names_block_check(crm_sketch_names(s), size - CRM_SKETCH_HDRSZ, d,
								   "crm.cluster_sketch", err))
			return false;
		names_cost = crm_sketch_names_cost(crm_sketch_names(s));
	}
	if ((s->flags & ~CRM_SKETCH_REDUCED) != 0 || s->rows < 0 || s->rows > CRM_MAX_ROWS ||
		s->nreps < 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "invalid crm.cluster_sketch header");
		crm_error_detail(err, "flags 0x%x, representatives %d, rows %lld (0..%lld).",
						 (unsigned) s->flags, s->nreps, (long long) s->rows, (long long) CRM_MAX_ROWS);
		return false;
	}
	if (!crm_cluster_options_check(&s->opt, err) ||
		crm_sketch_check_budget(d, names_cost, s->opt.budget_kb, err) == 0)
		return false;
	if (s->capacity != crm_sketch_capacity(d, names_cost, s->opt.budget_kb))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.cluster_sketch capacity does not match its budget");
		return false;
	}
	if (s->nreps > s->capacity)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.cluster_sketch has %d representatives, more than its budget allows (%d)",
					  s->nreps, s->capacity);
		return false;
	}
	if (size != crm_sketch_value_size(s))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.cluster_sketch size %zu does not match its header",
					  size);
		return false;
	}
	/* implied by the budget; checked so that no change can break dumps */
	if (size > CRM_SKETCH_MAX_BYTES)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.cluster_sketch value of %zu bytes exceeds the maximum of %zu",
					  size, CRM_SKETCH_MAX_BYTES);
		return false;
	}
	if ((s->rows == 0) != (s->nreps == 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.cluster_sketch with %lld rows cannot have %d representatives",
					  (long long) s->rows, s->nreps);
		return false;
	}
	return CheckStats(s, err) && CheckReps(s, err);
}

/* ------------------------------------------------------------ text form */

/* The options as the JSON members of the text form, in their fixed order. */
static void
PrintOptions(CrmOut *b, const CrmClusterOptions *o)
{
	char		tmp[32];

	crm_out_str(b, "\"scale\":\"");
	crm_out_str(b, crm_scale_name(o->scale));
	crm_out_str(b, "\",\"atan_scale\":");
	crm_json_write_double(b, o->atan_scale);
	crm_out_str(b, ",\"budget_kb\":");
	crm_json_write_int(b, o->budget_kb);
	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long) o->seed);
	crm_out_str(b, ",\"seed\":");
	crm_out_str(b, tmp);
	crm_out_str(b, ",\"restarts\":");
	crm_json_write_int(b, o->restarts);
	crm_out_str(b, ",\"max_iter\":");
	crm_json_write_int(b, o->max_iter);
	crm_out_str(b, ",\"tol\":");
	crm_json_write_double(b, o->tol);
}

/*
 * The readable JSON text form: keys in a fixed order, shortest round-trip
 * numbers.
 */
char *
crm_sketch_print(const CrmSketch *s)
{
	CrmOut			b = {0};
	int			d = s->dims;
	int			i;

	crm_out_str(&b, "{\"version\":");
	crm_json_write_int(&b, s->version);
	crm_out_str(&b, ",\"dims\":");
	crm_json_write_int(&b, d);
	crm_out_str(&b, ",\"k\":");
	crm_json_write_int(&b, s->k);
	if (s->version >= CRM_SKETCH_VERSION_2)
	{
		crm_out_str(&b, ",\"names\":");
		crm_names_write_json(&b, crm_sketch_names(s));
	}
	crm_out_str(&b, ",");
	PrintOptions(&b, &s->opt);
	crm_out_str(&b, ",\"rows\":");
	crm_json_write_int(&b, (long long) s->rows);
	crm_out_str(&b, (s->flags & CRM_SKETCH_REDUCED) ? ",\"reduced\":true" : ",\"reduced\":false");
	crm_out_str(&b, ",\"stats\":[");
	for (i = 0; i < d; i++)
	{
		if (i > 0)
			crm_out_str(&b, ",");
		crm_json_write_numbers(&b, crm_sketch_stats(s) + (size_t) i * CRM_ST_COUNT, CRM_ST_COUNT);
	}
	crm_out_str(&b, "],\"reps\":[");
	for (i = 0; i < s->nreps; i++)
	{
		crm_check_interrupts();
		if (i > 0)
			crm_out_str(&b, ",");
		crm_json_write_numbers(&b, crm_sketch_reps(s) + (size_t) i * (d + 2), d + 2);
	}
	crm_out_str(&b, "]}");
	return b.data;
}

/* A header integer of the text form, read wide: its limits are checked after. */
static bool
JsonWideInt(CrmJson *j, const char *key, int64_t *out)
{
	return crm_json_expect(j, ',') && crm_json_key(j, key) &&
		crm_json_int(j, -((int64_t) 1 << 62), (int64_t) 1 << 62, out);
}

/* An integer option of the text form within its limits (crm_check_option_int). */
static bool
JsonOptionInt(CrmJson *j, const char *name, int32_t *out)
{
	int64_t		v;

	if (!JsonWideInt(j, name, &v) || !crm_check_option_int(name, v, j->err))
		return false;
	*out = (int32_t) v;
	return true;
}

/*
 * The options of the JSON text form, in their fixed order; each integer
 * within its limits, then the whole set checked like any options.
 */
static bool
JsonOptions(CrmJson *j, CrmClusterOptions *o)
{
	char		name[16];
	int			scale;

	if (!crm_json_key(j, "scale") || !crm_json_string(j, name, sizeof(name)))
		return false;
	scale = crm_scale_parse(name, strlen(name));
	if (scale < 0)
	{
		char		got[20];

		snprintf(got, sizeof(got), "\"%s\"", name);
		crm_error_scale(j->err, "option \"scale\"", got);
		return false;
	}
	o->scale = scale;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "atan_scale") || !crm_json_number(j, &o->atan_scale))
		return false;
	if (!JsonOptionInt(j, "budget_kb", &o->budget_kb))
		return false;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "seed") || !crm_json_uint64(j, &o->seed))
		return false;
	if (!JsonOptionInt(j, "restarts", &o->restarts) || !JsonOptionInt(j, "max_iter", &o->max_iter))
		return false;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "tol") || !crm_json_number(j, &o->tol))
		return false;
	return crm_cluster_options_check(o, j->err);
}

/*
 * Read the JSON text form: the header and options (checked before anything
 * is allocated for the representatives), the statistics, then the
 * representatives into a buffer that doubles up to the capacity; the result
 * passes crm_sketch_check or NULL is returned with the error.
 */
CrmSketch *
crm_sketch_parse(const char *str, CrmError *err)
{
	CrmJson		j;
	CrmSketch	hdr;
	CrmSketch  *s = NULL;
	int64_t		v;
	int64_t		k;
	int			d;
	int			i;
	int			alloc;
	bool		reduced;
	void	   *names = NULL;
	size_t		names_size;

	memset(&hdr, 0, sizeof(hdr));
	crm_json_init(&j, str, err, "crm.cluster_sketch");
	if (!crm_json_expect(&j, '{') || !crm_json_key(&j, "version") ||
		!crm_json_int(&j, CRM_SKETCH_VERSION_1, CRM_SKETCH_VERSION_2, &v))
		return NULL;
	hdr.version = (uint16_t) v;
	if (!JsonWideInt(&j, "dims", &v) || !JsonWideInt(&j, "k", &k) || !CheckDimsAndK(v, k, err))
		return NULL;
	d = (int) v;
	hdr.k = (int32_t) k;
	if (hdr.version >= CRM_SKETCH_VERSION_2)
	{
		if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "names"))
			return NULL;
		names = crm_names_read_json(&j, d, "crm.cluster_sketch", err);
		if (names == NULL)
			return NULL;
	}
	if (!crm_json_expect(&j, ',') || !JsonOptions(&j, &hdr.opt))
		goto fail;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "rows") ||
		!crm_json_int(&j, 0, CRM_MAX_ROWS, &v))
		goto fail;
	hdr.rows = v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "reduced") || !crm_json_bool(&j, &reduced))
		goto fail;
	if (crm_sketch_check_budget(d, crm_sketch_names_cost(names), hdr.opt.budget_kb, err) == 0)
		goto fail;

	names_size = hdr.version >= CRM_SKETCH_VERSION_2 ? crm_names_block_bytes(names) : 0;
	alloc = 16;
	s = crm_core_alloc(crm_sketch_size(names_size, d, alloc));
	if (hdr.version >= CRM_SKETCH_VERSION_2)
		crm_sketch_init(s, d, &hdr.opt, hdr.k, names);
	else
	{
		/* version 1: no names block; the (zeroed) statistics follow the header */
		s->version = hdr.version;
		s->dims = d;
		s->k = hdr.k;
		s->opt = hdr.opt;
		s->capacity = crm_sketch_capacity(d, 0, hdr.opt.budget_kb);
	}
	s->rows = hdr.rows;
	s->flags = reduced ? CRM_SKETCH_REDUCED : 0;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "stats") || !crm_json_expect(&j, '['))
		goto fail;
	for (i = 0; i < d; i++)
	{
		if (i > 0 && !crm_json_expect(&j, ','))
			goto fail;
		if (!crm_json_numbers(&j, crm_sketch_stats(s) + (size_t) i * CRM_ST_COUNT, CRM_ST_COUNT))
			goto fail;
	}
	if (!crm_json_expect(&j, ']') || !crm_json_expect(&j, ',') || !crm_json_key(&j, "reps") ||
		!crm_json_expect(&j, '['))
		goto fail;
	if (!crm_json_accept(&j, ']'))
	{
		do
		{
			crm_check_interrupts();
			if (s->nreps == alloc)
			{
				CrmSketch  *bigger;

				if (alloc >= s->capacity)
				{
					crm_error_set(err, CRM_ERR_INVALID,
								  "crm.cluster_sketch has more representatives than its budget allows (%d)",
								  s->capacity);
					goto fail;
				}
				alloc = alloc * 2 < s->capacity ? alloc * 2 : s->capacity;
				bigger = crm_core_alloc(crm_sketch_size(names_size, d, alloc));
				memcpy(bigger, s, crm_sketch_value_size(s));
				crm_core_free(s);
				s = bigger;
			}
			if (!crm_json_numbers(&j, crm_sketch_reps(s) + (size_t) s->nreps * (d + 2), d + 2))
				goto fail;
			s->nreps++;
		} while (crm_json_accept(&j, ','));
		if (!crm_json_expect(&j, ']'))
			goto fail;
	}
	if (!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto fail;
	s->vl_len_ = 0;				/* the caller sets the varlena header */
	if (!crm_sketch_check(s, crm_sketch_value_size(s), err))
		goto fail;
	if (names)
		crm_core_free(names);
	return s;
fail:
	if (names)
		crm_core_free(names);
	if (s)
		crm_core_free(s);
	return NULL;
}

/* ------------------------------------------------------------ binary form */

/* Count or write a big-endian 16-bit integer. */
static inline void
EncU16(CrmEnc *e, uint16_t v)
{
	crm_enc_u8(e, (uint8_t) (v >> 8));
	crm_enc_u8(e, (uint8_t) v);
}

/* Count or write a big-endian 64-bit integer. */
static inline void
EncU64(CrmEnc *e, uint64_t v)
{
	crm_enc_u32(e, (uint32_t) (v >> 32));
	crm_enc_u32(e, (uint32_t) v);
}

/*
 * The binary form: version (1 byte), flags (2), dims, k, nreps (4 each),
 * rows (8), scale, budget_kb, restarts, max_iter (4 each), seed (8), tol,
 * atan_scale (8 each); in version 2 the feature names (feature_names_core.h);
 * then every double of the statistics and the representatives.  A version 1
 * value is written in the version 1 form, which has no names.
 */
static void
EncodeSketch(CrmEnc *e, const void *value)
{
	const CrmSketch *s = value;

	crm_enc_u8(e, (uint8_t) s->version);
	EncU16(e, s->flags);
	crm_enc_u32(e, (uint32_t) s->dims);
	crm_enc_u32(e, (uint32_t) s->k);
	crm_enc_u32(e, (uint32_t) s->nreps);
	EncU64(e, (uint64_t) s->rows);
	crm_enc_u32(e, (uint32_t) s->opt.scale);
	crm_enc_u32(e, (uint32_t) s->opt.budget_kb);
	crm_enc_u32(e, (uint32_t) s->opt.restarts);
	crm_enc_u32(e, (uint32_t) s->opt.max_iter);
	EncU64(e, s->opt.seed);
	crm_enc_f64(e, s->opt.tol);
	crm_enc_f64(e, s->opt.atan_scale);
	if (s->version >= CRM_SKETCH_VERSION_2)
		crm_names_encode(e, crm_sketch_names(s));
	crm_enc_f64s(e, crm_sketch_stats(s),
				 (size_t) s->dims * CRM_ST_COUNT + (size_t) s->nreps * (s->dims + 2));
}

/* Bytes of the binary form, names as stored. */
size_t
crm_sketch_binary_size(const CrmSketch *s)
{
	CrmEnc		e;

	memset(&e, 0, sizeof(e));
	e.sizing = true;
	EncodeSketch(&e, s);
	return e.size;
}

/* The binary form in memory from crm_core_alloc (NULL: a bug). */
uint8_t *
crm_sketch_encode(const CrmSketch *s, CrmConvFn conv, size_t *len)
{
	return crm_encode(EncodeSketch, s, conv, len);
}

/*
 * Read the header fields into h and check what the size of the value
 * depends on before anything is allocated for it: dimensions, options (the
 * budget, with the names: *names gets their block in version 2) and the
 * representative count against the capacity.
 */
static bool
DecodeHeader(CrmReader *r, CrmSketch *h, CrmConvFn conv, void **names)
{
	uint8_t		version;
	uint16_t	flags;
	int32_t		i32;

	memset(h, 0, sizeof(*h));
	if (!crm_rd_u8(r, &version))
		return false;
	if (version != CRM_SKETCH_VERSION_1 && version != CRM_SKETCH_VERSION_2)
		return crm_rd_fail(r, "unsupported version %d", (int) version);
	h->version = version;
	crm_rd_u16(r, &flags);
	h->flags = flags;
	crm_rd_i32(r, &h->dims);
	crm_rd_i32(r, &h->k);
	crm_rd_i32(r, &h->nreps);
	crm_rd_i64(r, &h->rows);
	crm_rd_i32(r, &i32);
	h->opt.scale = i32;
	crm_rd_i32(r, &h->opt.budget_kb);
	crm_rd_i32(r, &h->opt.restarts);
	crm_rd_i32(r, &h->opt.max_iter);
	crm_rd_u64(r, &h->opt.seed);
	crm_rd_f64(r, &h->opt.tol);
	if (!crm_rd_f64(r, &h->opt.atan_scale))
		return false;
	if (!CheckDimsAndK(h->dims, h->k, r->err) || !crm_cluster_options_check(&h->opt, r->err))
		return false;
	if (version >= CRM_SKETCH_VERSION_2)
	{
		*names = crm_names_decode(r, conv, h->dims);
		if (*names == NULL)
			return false;
	}
	h->capacity = crm_sketch_check_budget(h->dims, crm_sketch_names_cost(*names),
										  h->opt.budget_kb, r->err);
	if (h->capacity == 0)
		return false;
	if (h->nreps < 0 || h->nreps > h->capacity)
		return crm_rd_fail(r, "%d representatives (0..%d for its budget)",
						   (int) h->nreps, (int) h->capacity);
	return true;
}

/* Read a binary form from untrusted bytes (see sketch_core.h). */
CrmSketch *
crm_sketch_decode(const void *buf, size_t len, CrmErrorKind kind, CrmConvFn conv, CrmError *err)
{
	CrmReader	r;
	CrmSketch	h;
	CrmSketch  *s = NULL;
	size_t		n;
	size_t		names_size;
	void	   *names = NULL;

	crm_rd_init(&r, buf, len, kind, "crm.cluster_sketch", err);
	if (!DecodeHeader(&r, &h, conv, &names))
		goto done;
	n = (size_t) h.dims * CRM_ST_COUNT + (size_t) h.nreps * (h.dims + 2);
	/* the doubles must be there before memory is allocated for them */
	if (!crm_rd_need(&r, n, sizeof(double)))
		goto done;
	names_size = names ? crm_names_block_bytes(names) : 0;
	s = crm_core_alloc(crm_sketch_size(names_size, h.dims, h.nreps));
	memcpy(s, &h, sizeof(h));
	if (names)
		memcpy((char *) s + CRM_SKETCH_HDRSZ, names, names_size);
	if (!crm_rd_f64s(&r, crm_sketch_stats(s), n) || !crm_rd_end(&r) ||
		!crm_sketch_check(s, crm_sketch_value_size(s), err))
	{
		crm_core_free(s);
		s = NULL;
	}
done:
	if (names)
		crm_core_free(names);
	return s;
}

/* The input function's reader: compact text, else JSON. */
CrmSketch *
crm_sketch_read_text(const char *str, CrmConvFn from_utf8, CrmError *err)
{
	uint8_t    *bin;
	size_t		n;
	CrmSketch  *s;

	if (!crm_wire_is_compact(str))
		return crm_sketch_parse(str, err);
	bin = crm_wire_from_text(str, &n, "crm.cluster_sketch", err);
	if (bin == NULL)
		return NULL;
	s = crm_sketch_decode(bin, n, CRM_ERR_SYNTAX, from_utf8, err);
	crm_core_free(bin);
	return s;
}
