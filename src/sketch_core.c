/*
 * sketch_core.c
 *	  The cluster sketch: statistics, representatives, reduction, text form.
 *
 * Server-independent (see cluster_core.h for the layout and the reasoning);
 * the server wraps it in src/sketch.c, the fuzzer in fuzz/fuzz_sketch.c.
 *
 * fuzz-sources (for fuzz/run.sh): cluster_core.c json_core.c
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_core.h"
#include "json_core.h"

/* Leaves of the reduction tree hold at most this many representatives. */
#define LEAF_SIZE 16

/*
 * Merge rounds on one tree before it is rebuilt.  A second round on the same
 * leaves is cheaper than a new tree but pairs worse: on the 1M-row benchmark
 * bank it raised the final SSE by 0.02% and was no faster overall.
 */
#define ROUNDS_PER_TREE 1

int
crm_sketch_capacity(int dims, int budget_kb)
{
	double		per_rep = (double) (dims + 2) * sizeof(double) + CRM_SKETCH_SCRATCH_PER_REP;
	double		fixed = CRM_SKETCH_HDRSZ + (double) dims * CRM_ST_COUNT * sizeof(double);
	double		cap = ((double) budget_kb * 1024.0 - fixed) / per_rep;

	if (cap < CRM_SKETCH_MIN_CAPACITY)
		return 0;
	if (cap > 100000000.0)
		cap = 100000000.0;
	return (int) cap;
}

void
crm_sketch_init(CrmSketch *s, int dims, const CrmClusterOptions *o, int k)
{
	s->version = CRM_SKETCH_VERSION;
	s->flags = 0;
	s->dims = dims;
	s->k = k;
	s->nreps = 0;
	s->capacity = crm_sketch_capacity(dims, o->budget_kb);
	s->rows = 0;
	s->opt = *o;
	memset(crm_sketch_stats(s), 0, sizeof(double) * (size_t) dims * CRM_ST_COUNT);
}

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

void
crm_sketch_add(CrmSketch *s, const double *x)
{
	int			d = s->dims;
	int			j;
	double	   *st = crm_sketch_stats(s);
	double	   *rep = crm_sketch_reps(s) + (size_t) s->nreps * (d + 2);

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
	}
	if (s->opt.scale == CRM_SCALE_ATAN)
		for (j = 0; j < d; j++)
		{
			st[j * CRM_ST_COUNT + CRM_ST_SSUM] += rep[2 + j];
			st[j * CRM_ST_COUNT + CRM_ST_SSUMSQ] += rep[2 + j] * rep[2 + j];
		}
	s->rows++;
	s->nreps++;
}

void
crm_sketch_merge_stats(CrmSketch *dst, const CrmSketch *src)
{
	int			j;
	double	   *a = crm_sketch_stats(dst);
	const double *b = crm_sketch_stats(src);
	double		nb = (double) src->rows;

	if (src->rows == 0)
		return;
	if (dst->rows == 0)
	{
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
	}
	dst->rows += src->rows;
}

double
crm_sketch_mean(const CrmSketch *s, int j)
{
	const double *t = crm_sketch_stats(s) + j * CRM_ST_COUNT;

	if (s->rows == 0)
		return 0.0;
	return t[CRM_ST_SHIFT] + t[CRM_ST_SUM] / (double) s->rows;
}

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

typedef struct Pair
{
	double		cost;
	int32_t		a;
	int32_t		b;
} Pair;

/*
 * Partially order idx[lo, hi) so that idx[mid] holds the median of dimension
 * j.  The keys are gathered into a contiguous array first (one random access
 * per representative), and the selection then swaps keys and indexes
 * together in cache-friendly passes.
 */
static double
select_median(int32_t *idx, double *keys, int lo, int hi, int mid,
			  const double *reps, int stride, int j)
{
	int			i;

	for (i = lo; i < hi; i++)
		keys[i] = reps[(size_t) idx[i] * stride + j];
	while (hi - lo > 1)
	{
		double		pivot;
		int			lt = lo;
		int			gt = hi;
		double		a = keys[lo],
					b = keys[lo + (hi - lo) / 2],
					c = keys[hi - 1];

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
 * Sort pairs by cost (all >= 0, so the IEEE bit patterns order like the
 * values): LSD radix sort on 16-bit digits, stable, so equal costs keep the
 * deterministic order the pairs were generated in.
 */
static void
sort_pairs(Pair *pairs, Pair *tmp, int n, uint32_t *count)
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

static inline double
ward_cost(const double *a, const double *b, const double *g, int d)
{
	double		s = 0.0;
	int			j;

	for (j = 0; j < d; j++)
	{
		double		t = a[2 + j] - b[2 + j];

		s += g[j] * t * t;
	}
	return a[0] * b[0] / (a[0] + b[0]) * s;
}

/*
 * One pass: split the representatives into leaves of at most LEAF_SIZE by
 * median cuts on the widest dimension (in the metric), pair every
 * representative with its cheapest partner in its leaf, and merge pairs
 * cheapest first until `target` remain or the pairs run out.
 */
typedef struct Scratch
{
	double	   *g;
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

static void
reduce_pass(CrmSketch *s, int target, Scratch *sc)
{
	int			d = s->dims;
	int			stride = d + 2;
	int			n = s->nreps;
	double	   *reps = crm_sketch_reps(s);
	int			npairs = 0;
	int			top = 0;
	int			i;
	int			removed = 0;
	int			w;
	int			j;
	const double *g = sc->g;
	int			nleaves = 0;
	int			round;
	int			limit;
	int32_t    *idx = sc->idx;
	Pair	   *pairs = sc->pairs;
	unsigned char *gone = sc->gone;
	int32_t    *stack = sc->stack;
	double	   *boxes = sc->boxes;

	/*
	 * A kd-tree over the representatives, built by median cuts on the
	 * widest side of each cell (in the metric).  Cells are tracked as
	 * boxes on a stack (frame f's box at boxes + f * 2d: mins, then maxes)
	 * rather than measured, so each cut costs one selection pass.
	 */
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (j = 0; j < d; j++)
	{
		boxes[j] = INFINITY;
		boxes[d + j] = -INFINITY;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++)
		{
			double		v = reps[(size_t) i * stride + 2 + j];

			if (v < boxes[j])
				boxes[j] = v;
			if (v > boxes[d + j])
				boxes[d + j] = v;
		}
	stack[top++] = 0;
	stack[top++] = n;
	while (top > 0)
	{
		int			hi = stack[top - 1];
		int			lo = stack[top - 2];
		double	   *box = boxes + (size_t) (top / 2 - 1) * 2 * d;
		int			best_j = -1;
		double		best_spread = 0.0;

		top -= 2;
		crm_check_interrupts();
		if (hi - lo > LEAF_SIZE)
		{
			for (j = 0; j < d; j++)
			{
				double		spread = (box[d + j] - box[j]) * (box[d + j] - box[j]) * g[j];

				if (spread > best_spread)
				{
					best_spread = spread;
					best_j = j;
				}
			}
		}
		if (best_j >= 0)
		{
			int			mid = lo + (hi - lo) / 2;
			double		cut;
			double	   *left;
			double	   *right;

			cut = select_median(idx, sc->keys, lo, hi, mid, reps, stride, 2 + best_j);
			/* this frame's box becomes the left child's; the right is next */
			left = boxes + (size_t) (top / 2) * 2 * d;
			right = left + 2 * d;
			memmove(left, box, sizeof(double) * 2 * d);
			memcpy(right, left, sizeof(double) * 2 * d);
			left[d + best_j] = cut;
			right[best_j] = cut;
			if (left[best_j] == cut && right[d + best_j] == cut)
			{
				/* every point of the cell has this value: the side is done */
				left[d + best_j] = left[best_j];
				right[best_j] = right[d + best_j];
			}
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

	/*
	 * Rounds on the same leaves: pair every surviving representative with
	 * its cheapest surviving partner in its leaf, merge pairs cheapest first
	 * (each representative at most once per round), until `target` remain
	 * or a round merges nothing.
	 */
	memset(gone, 0, n);
	for (round = 0; round < ROUNDS_PER_TREE && n - removed > target; round++)
	{
		int			merged = 0;
		int			leaf;

		npairs = 0;
		for (leaf = 0; leaf < nleaves; leaf++)
		{
			int			lo = sc->leaves[2 * leaf];
			int			hi = sc->leaves[2 * leaf + 1];

			crm_check_interrupts();
			for (i = lo; i < hi; i++)
			{
				const double *a;
				double		best = INFINITY;
				int			partner = -1;
				int			m;
				int			from = lo;
				int			to = hi;

				if (gone[idx[i]] == 2)
					continue;
				a = reps + (size_t) idx[i] * stride;
				/* identical-point runs can be long: look at neighbours only */
				if (hi - lo > LEAF_SIZE)
				{
					from = i > lo + 2 ? i - 3 : lo;
					to = i + 4 < hi ? i + 4 : hi;
				}
				for (m = from; m < to; m++)
				{
					double		c;

					if (m == i || gone[idx[m]] == 2)
						continue;
					c = ward_cost(a, reps + (size_t) idx[m] * stride, g, d);
					if (c < best || (c == best && idx[m] < partner))
					{
						best = c;
						partner = idx[m];
					}
				}
				if (partner < 0)
					continue;
				pairs[npairs].cost = best;
				pairs[npairs].a = idx[i] < partner ? idx[i] : partner;
				pairs[npairs].b = idx[i] < partner ? partner : idx[i];
				npairs++;
			}
		}
		crm_check_interrupts();
		sort_pairs(pairs, sc->tmp, npairs, sc->count);
		/*
		 * Only the cheaper part of the candidate pairs is used in one round:
		 * the dearest candidates are often a lone representative's only
		 * partner across a cell boundary, which a fresh tree pairs better.
		 */
		limit = npairs - npairs / 3;
		for (i = 0; i < limit && n - removed > target; i++)
		{
			double	   *a = reps + (size_t) pairs[i].a * stride;
			double	   *b = reps + (size_t) pairs[i].b * stride;
			double		wa,
						wb,
						wsum;

			/* 1: merged this round (may merge again next round); 2: gone */
			if (gone[pairs[i].a] || gone[pairs[i].b])
				continue;
			wa = a[0];
			wb = b[0];
			wsum = wa + wb;
			a[1] += b[1] + ward_cost(a, b, g, d);
			for (j = 0; j < d; j++)
				a[2 + j] = (wa * a[2 + j] + wb * b[2 + j]) / wsum;
			a[0] = wsum;
			gone[pairs[i].a] = 1;
			gone[pairs[i].b] = 2;
			removed++;
			merged++;
		}
		if (merged == 0)
			break;
		for (i = 0; i < n; i++)
			if (gone[i] == 1)
				gone[i] = 0;
	}
	/* compact, keeping the survivors' order */
	w = 0;
	for (i = 0; i < n; i++)
	{
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

static void
merge_in_order(CrmSketch *s, int target)
{
	int			d = s->dims;
	int			stride = d + 2;
	double	   *reps = crm_sketch_reps(s);
	int			n = s->nreps;
	int			w = 0;
	int			i = 0;
	int			j;

	while (i < n)
	{
		double	   *dst = reps + (size_t) w * stride;

		memmove(dst, reps + (size_t) i * stride, sizeof(double) * stride);
		/* merge the next one in while more must go */
		if (i + 1 < n && (n - i) + w > target)
		{
			const double *b = reps + (size_t) (i + 1) * stride;
			double		wsum = dst[0] + b[0];
			double		add = 0.0;

			/* the scatter only apportions SSE between clusters: keep it finite */
			for (j = 0; j < d; j++)
				add += (dst[2 + j] - b[2 + j]) * (dst[2 + j] - b[2 + j]);
			add *= dst[0] * b[0] / wsum;
			dst[1] += b[1] + (isfinite(add) ? add : 0.0);
			if (!isfinite(dst[1]))
				dst[1] = DBL_MAX;
			for (j = 0; j < d; j++)
				dst[2 + j] = dst[2 + j] * (dst[0] / wsum) + b[2 + j] * (b[0] / wsum);
			dst[0] = wsum;
			i += 2;
		}
		else
			i++;
		w++;
	}
	s->nreps = w;
	s->flags |= CRM_SKETCH_REDUCED;
}

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

		reduce_pass(s, target, &sc);
		if (s->nreps == before)
		{
			/*
			 * No finite pair cost anywhere (coordinates so large that their
			 * squares overflow): merge neighbours in index order, which
			 * keeps the moments exact and the memory bound.
			 */
			merge_in_order(s, target);
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
	crm_core_free(sc.g);
}

/* ------------------------------------------------------------ checking */

bool
crm_sketch_check(const CrmSketch *s, size_t size, CrmError *err)
{
	int			d;
	int			i,
				j;
	double		wsum = 0.0;
	const double *st;
	const double *reps;

	if (size < CRM_SKETCH_HDRSZ)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.cluster_sketch value is truncated");
		return false;
	}
	if (s->version != CRM_SKETCH_VERSION)
	{
		crm_error_set(err, CRM_ERR_BINARY, "unsupported crm.cluster_sketch version %d", (int) s->version);
		return false;
	}
	d = s->dims;
	if (d < 1 || d > CRM_CLUSTER_MAX_DIMS || s->k < 0 || s->k > CRM_CLUSTER_MAX_K ||
		(s->flags & ~CRM_SKETCH_REDUCED) != 0 || s->rows < 0 || s->rows > ((int64_t) 1 << 53) ||
		s->nreps < 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "invalid crm.cluster_sketch header");
		crm_error_detail(err, "dims %d (1..%d), k %d (0..%d), representatives %d, rows %lld.",
						 d, CRM_CLUSTER_MAX_DIMS, s->k, CRM_CLUSTER_MAX_K, s->nreps,
						 (long long) s->rows);
		return false;
	}
	if (!crm_cluster_options_check(&s->opt, err))
		return false;
	if (s->capacity != crm_sketch_capacity(d, s->opt.budget_kb) || s->capacity == 0)
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
	if (size != crm_sketch_size(d, s->nreps))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.cluster_sketch size %zu does not match its header",
					  size);
		return false;
	}
	if ((s->rows == 0) != (s->nreps == 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.cluster_sketch with %lld rows cannot have %d representatives",
					  (long long) s->rows, s->nreps);
		return false;
	}
	st = crm_sketch_stats(s);
	for (j = 0; j < d; j++)
	{
		const double *t = st + j * CRM_ST_COUNT;

		for (i = 0; i < CRM_ST_COUNT; i++)
			if (!isfinite(t[i]))
			{
				crm_error_set(err, CRM_ERR_INVALID, "crm.cluster_sketch statistics must be finite");
				return false;
			}
		if (t[CRM_ST_SUMSQ] < 0 || t[CRM_ST_SSUMSQ] < 0 ||
			(s->rows > 0 && !(t[CRM_ST_MIN] <= t[CRM_ST_SHIFT] && t[CRM_ST_SHIFT] <= t[CRM_ST_MAX])))
		{
			crm_error_set(err, CRM_ERR_INVALID, "inconsistent crm.cluster_sketch statistics for dimension %d",
						  j + 1);
			return false;
		}
	}
	reps = crm_sketch_reps(s);
	for (i = 0; i < s->nreps; i++)
	{
		const double *r = reps + (size_t) i * (d + 2);

		if (!(r[0] >= 1.0 && r[0] == floor(r[0]) && r[0] <= 9007199254740992.0) ||
			!(isfinite(r[1]) && r[1] >= 0))
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
		for (j = 0; j < d; j++)
			if (!isfinite(r[2 + j]) ||
				(s->opt.scale == CRM_SCALE_ATAN && fabs(r[2 + j]) > 1.0))
			{
				crm_error_set(err, CRM_ERR_INVALID,
							  "crm.cluster_sketch representative %d has an invalid coordinate", i + 1);
				return false;
			}
		wsum += r[0];
	}
	if (s->rows < (int64_t) 1 << 53 && wsum != (double) s->rows)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.cluster_sketch representatives stand for %.0f rows, but it counts %lld",
					  wsum, (long long) s->rows);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ text form */

static void
print_options(CrmOut *b, const CrmClusterOptions *o)
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
	crm_out_str(&b, ",");
	print_options(&b, &s->opt);
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
		if (i > 0)
			crm_out_str(&b, ",");
		crm_json_write_numbers(&b, crm_sketch_reps(s) + (size_t) i * (d + 2), d + 2);
	}
	crm_out_str(&b, "]}");
	return b.data;
}

static bool
json_options(CrmJson *j, CrmClusterOptions *o)
{
	char		name[16];
	int64_t		v;
	int			scale;

	if (!crm_json_key(j, "scale") || !crm_json_string(j, name, sizeof(name)))
		return false;
	scale = crm_scale_parse(name, strlen(name));
	if (scale < 0)
	{
		crm_error_set(j->err, CRM_ERR_INVALID, "unknown scaling \"%s\" in %s input", name, j->what);
		crm_error_hint(j->err, "Valid scalings are none, zscore, minmax and atan.");
		return false;
	}
	o->scale = scale;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "atan_scale") || !crm_json_number(j, &o->atan_scale))
		return false;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "budget_kb") ||
		!crm_json_int(j, CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_MAX_BUDGET_KB, &v))
		return false;
	o->budget_kb = (int32_t) v;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "seed") || !crm_json_uint64(j, &o->seed))
		return false;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "restarts") || !crm_json_int(j, 1, 1000, &v))
		return false;
	o->restarts = (int32_t) v;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "max_iter") || !crm_json_int(j, 1, 100000, &v))
		return false;
	o->max_iter = (int32_t) v;
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "tol") || !crm_json_number(j, &o->tol))
		return false;
	return crm_cluster_options_check(o, j->err);
}

CrmSketch *
crm_sketch_parse(const char *str, CrmError *err)
{
	CrmJson		j;
	CrmSketch	hdr;
	CrmSketch  *s = NULL;
	int64_t		v;
	int			d;
	int			i;
	int			alloc;
	bool		reduced;

	memset(&hdr, 0, sizeof(hdr));
	crm_json_init(&j, str, err, "crm.cluster_sketch");
	if (!crm_json_expect(&j, '{') || !crm_json_key(&j, "version") ||
		!crm_json_int(&j, CRM_SKETCH_VERSION, CRM_SKETCH_VERSION, &v))
		return NULL;
	hdr.version = CRM_SKETCH_VERSION;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "dims") ||
		!crm_json_int(&j, 1, CRM_CLUSTER_MAX_DIMS, &v))
		return NULL;
	d = (int) v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "k") ||
		!crm_json_int(&j, 0, CRM_CLUSTER_MAX_K, &v))
		return NULL;
	hdr.k = (int32_t) v;
	if (!crm_json_expect(&j, ',') || !json_options(&j, &hdr.opt))
		return NULL;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "rows") ||
		!crm_json_int(&j, 0, (int64_t) 1 << 53, &v))
		return NULL;
	hdr.rows = v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "reduced") || !crm_json_bool(&j, &reduced))
		return NULL;
	if (crm_sketch_capacity(d, hdr.opt.budget_kb) == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "budget_kb %d is too small for %d dimensions",
					  (int) hdr.opt.budget_kb, d);
		return NULL;
	}

	alloc = 16;
	s = crm_core_alloc(crm_sketch_size(d, alloc));
	crm_sketch_init(s, d, &hdr.opt, hdr.k);
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
				bigger = crm_core_alloc(crm_sketch_size(d, alloc));
				memcpy(bigger, s, crm_sketch_size(d, s->nreps));
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
	if (!crm_sketch_check(s, crm_sketch_size(d, s->nreps), err))
		goto fail;
	return s;
fail:
	crm_core_free(s);
	return NULL;
}
