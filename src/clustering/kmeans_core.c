/*
 * kmeans_core.c
 *	  Weighted k-means: greedy k-means++ seeding, Lloyd iterations with
 *	  Hamerly's bounds, restarts; clustering a sketch into a model.
 *
 * Each point carries a weight (a sketch representative stands for that many
 * rows), and every step below is the weighted form of the textbook one, as
 * in scikit-learn's KMeans with sample_weight, whose choices it follows
 * where the papers leave one open (greedy seeding, the tolerance, moving an
 * empty cluster), so results can be compared with it:
 *
 *   - seeding: k-means++, D^2 sampling (Arthur and Vassilvitskii,
 *     "k-means++: the advantages of careful seeding", SODA 2007), in its
 *     greedy form (SeedPlusPlus);
 *   - iterations: Lloyd's algorithm (Lloyd, "Least squares quantization in
 *     PCM", IEEE Trans. Inf. Theory 28(2), 1982), alternating assignment
 *     and means until the centres stop moving (Lloyd);
 *   - the assignment skips points whose label is proved by Hamerly's
 *     bounds (Hamerly, "Making k-means even faster", SDM 2010), which
 *     gives the labels plain Lloyd would, with far fewer distances;
 *   - `restarts` runs from seeds derived from one seed, the lowest SSE
 *     kept (crm_kmeans_run).
 *
 * Everything is deterministic: the random numbers come from xoshiro256**
 * seeded by the options, and ties are broken by index.
 *
 * Server-independent; loops call crm_check_interrupts().
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans_core.h"

/*
 * The index whose cumulative weight w[i] (times d2[i] when given) first
 * exceeds u, for u uniform in [0, total): a draw proportional to weight.
 * Points of zero weight are never drawn; rounding at the end draws the last
 * eligible point.
 */
static int
PickWeighted(const double *w, const double *d2, int n, double u)
{
	double		acc = 0.0;
	int			i;
	int			last = -1;

	for (i = 0; i < n; i++)
	{
		double		p = d2 ? w[i] * d2[i] : w[i];

		if ((i & 4095) == 4095)
			crm_check_interrupts();

		if (p <= 0)
			continue;
		last = i;
		acc += p;
		if (acc > u)
			return i;
	}
	return last;				/* rounding: the last eligible point */
}

/*
 * k-means++ seeding (Arthur and Vassilvitskii 2007): the first centre is a
 * point drawn in proportion to its weight, each next one in proportion to
 * weight times D^2, its squared distance to the nearest centre chosen so
 * far, which makes the expected SSE O(log k) times the optimum. The greedy
 * variant (suggested in the paper, and what scikit-learn runs) draws 2 + ln
 * k candidates per step and keeps the one that lowers the potential sum w
 * D^2 most. d2 holds D^2 per point. Returns the number of centres chosen:
 * fewer than k when every point already coincides with a centre.
 */
static int
SeedPlusPlus(const double *y, const double *w, int n, int d, int k, CrmRng *rng,
			 double *centers, double *d2)
{
	double		wtotal = 0.0;
	int			ntrials = 2 + (int) log((double) k);
	int			first;
	int			c;
	int			i;

	for (i = 0; i < n; i++)
		wtotal += w[i];
	first = PickWeighted(w, NULL, n, crm_rng_double(rng) * wtotal);
	memcpy(centers, y + (size_t) first * d, sizeof(double) * d);
	for (i = 0; i < n; i++)
	{
		if ((i & 4095) == 4095)
			crm_check_interrupts();
		d2[i] = crm_dist2(y + (size_t) i * d, centers, d);
	}

	for (c = 1; c < k; c++)
	{
		double		phi = 0.0;
		double		best_pot = INFINITY;
		int			best = -1;
		int			t;

		crm_check_interrupts();
		for (i = 0; i < n; i++)
			phi += w[i] * d2[i];
		if (!(phi > 0))
			return c;
		for (t = 0; t < ntrials; t++)
		{
			int			cand = PickWeighted(w, d2, n, crm_rng_double(rng) * phi);
			const double *yc = y + (size_t) cand * d;
			double		pot = 0.0;

			crm_check_interrupts();
			for (i = 0; i < n; i++)
			{
				double		e = crm_dist2(y + (size_t) i * d, yc, d);

				if ((i & 4095) == 4095)
					crm_check_interrupts();
				pot += w[i] * (e < d2[i] ? e : d2[i]);
			}
			/*
			 * the first candidate stands even when its potential overflowed
			 * to Infinity (weights near 2^53 times distances near 1e200)
			 */
			if (best < 0 || pot < best_pot)
			{
				best_pot = pot;
				best = cand;
			}
		}
		memcpy(centers + (size_t) c * d, y + (size_t) best * d, sizeof(double) * d);
		for (i = 0; i < n; i++)
		{
			double		e = crm_dist2(y + (size_t) i * d, centers + (size_t) c * d, d);

			if ((i & 4095) == 4095)
				crm_check_interrupts();
			if (e < d2[i])
				d2[i] = e;
		}
	}
	return k;
}

/*
 * The nearest and second-nearest centre of point p: its label, the distance
 * to the first (Hamerly's upper bound, exact here) and to the second (its
 * lower bound).
 */
static inline void
FullSearch(const double *p, const double *centers, int k, int d,
		   int *label, double *u, double *l)
{
	double		b1 = INFINITY,
				b2 = INFINITY;
	int			a = 0;
	int			c;

	for (c = 0; c < k; c++)
	{
		double		e = crm_dist2(p, centers + (size_t) c * d, d);

		if (e < b1)
		{
			b2 = b1;
			b1 = e;
			a = c;
		}
		else if (e < b2)
			b2 = e;
	}
	*label = a;
	*u = sqrt(b1);
	*l = sqrt(b2);
}

/* Scratch memory of one k-means run (see WorkAlloc). */
typedef struct Work
{
	double	   *centers;
	double	   *newc;
	double	   *cw;
	double	   *delta;
	double	   *half;
	double	   *upper;
	double	   *lower;
	double	   *d2;
	int		   *labels;
} Work;

/* How far the centres moved in one Lloyd step. */
typedef struct Shift
{
	double		total2;			/* sum of the squared moves */
	double		max;			/* the largest move */
	double		second;			/* the second largest */
	int			argmax;			/* the centre that moved most */
} Shift;

/* Label every point by a full search and reset its bounds (exact). */
static void
AssignAll(const double *y, int n, int d, int k, Work *wk)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if ((i & 4095) == 0)
			crm_check_interrupts();
		FullSearch(y + (size_t) i * d, wk->centers, k, d, &wk->labels[i], &wk->upper[i], &wk->lower[i]);
	}
}

/*
 * The point farthest (weighted) from its centre: where an empty cluster
 * moves, as scikit-learn relocates empty clusters.
 */
static int
FarthestPoint(const double *y, const double *w, int n, int d, const Work *wk)
{
	double		far = -1.0;
	int			pick = 0;
	int			i;

	crm_check_interrupts();
	for (i = 0; i < n; i++)
	{
		double		e = w[i] * crm_dist2(y + (size_t) i * d, wk->centers + (size_t) wk->labels[i] * d, d);

		if (e > far)
		{
			far = e;
			pick = i;
		}
	}
	return pick;
}

/*
 * Lloyd's update step: each centre moves to the weighted mean of its points;
 * sh and wk->delta record how far, for the bounds. Returns whether an empty
 * cluster was relocated.
 */
static bool
MoveCenters(const double *y, const double *w, int n, int d, int k, Work *wk, Shift *sh)
{
	bool		relocated = false;
	int			i,
				c;

	sh->total2 = 0.0;
	sh->max = 0.0;
	sh->second = 0.0;
	sh->argmax = -1;
	memset(wk->newc, 0, sizeof(double) * (size_t) k * d);
	memset(wk->cw, 0, sizeof(double) * k);
	for (i = 0; i < n; i++)
	{
		double	   *nc = wk->newc + (size_t) wk->labels[i] * d;
		const double *p = y + (size_t) i * d;
		double		wi = w[i];
		int			j;

		if ((i & 4095) == 4095)
			crm_check_interrupts();
		wk->cw[wk->labels[i]] += wi;
		for (j = 0; j < d; j++)
			nc[j] += wi * p[j];
	}
	for (c = 0; c < k; c++)
	{
		double	   *nc = wk->newc + (size_t) c * d;
		int			j;

		if (wk->cw[c] > 0)
			for (j = 0; j < d; j++)
				nc[j] /= wk->cw[c];
		else
		{
			/*
			 * An empty cluster takes the point farthest from its centre
			 * (weighted), as scikit-learn relocates empty clusters.
			 */
			memcpy(nc, y + (size_t) FarthestPoint(y, w, n, d, wk) * d, sizeof(double) * d);
			relocated = true;
		}
		wk->delta[c] = sqrt(crm_dist2(nc, wk->centers + (size_t) c * d, d));
		sh->total2 += wk->delta[c] * wk->delta[c];
		if (wk->delta[c] > sh->max)
		{
			sh->second = sh->max;
			sh->max = wk->delta[c];
			sh->argmax = c;
		}
		else if (wk->delta[c] > sh->second)
			sh->second = wk->delta[c];
	}
	memcpy(wk->centers, wk->newc, sizeof(double) * (size_t) k * d);
	return relocated;
}

/*
 * Hamerly's bound update after the centres moved: a point's upper bound (on
 * the distance to its own centre) grows by that centre's move, its lower
 * bound (on the distance to any other) shrinks by the largest move of
 * another centre; half[c] is half the distance from centre c to its nearest
 * other centre, below which no point of c can be closer to another centre.
 */
static void
UpdateBounds(int n, int d, int k, Work *wk, const Shift *sh)
{
	int			i,
				c;

	crm_check_interrupts();
	for (i = 0; i < n; i++)
	{
		wk->upper[i] += wk->delta[wk->labels[i]];
		wk->lower[i] -= (wk->labels[i] == sh->argmax) ? sh->second : sh->max;
	}
	for (c = 0; c < k; c++)
	{
		double		m = INFINITY;
		int			c2;

		crm_check_interrupts();
		for (c2 = 0; c2 < k; c2++)
			if (c2 != c)
			{
				double		e = crm_dist2(wk->centers + (size_t) c * d, wk->centers + (size_t) c2 * d, d);

				if (e < m)
					m = e;
			}
		wk->half[c] = 0.5 * sqrt(m);
	}
}

/*
 * Lloyd's assignment step with Hamerly's test (Hamerly 2010): a point keeps
 * its label without computing any distance when its upper bound is below
 * max(half[label], lower bound); else the upper bound is made exact and
 * tested again, and only then are all k centres searched. The labels are
 * those a full search would give. Returns how many changed.
 */
static int
HamerlyAssign(const double *y, int n, int d, int k, Work *wk)
{
	int			changed = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		int			a = wk->labels[i];
		double		m = wk->half[a] > wk->lower[i] ? wk->half[a] : wk->lower[i];

		if ((i & 4095) == 0)
			crm_check_interrupts();
		if (wk->upper[i] <= m)
			continue;
		wk->upper[i] = sqrt(crm_dist2(y + (size_t) i * d, wk->centers + (size_t) a * d, d));
		if (wk->upper[i] <= m)
			continue;
		FullSearch(y + (size_t) i * d, wk->centers, k, d, &wk->labels[i], &wk->upper[i], &wk->lower[i]);
		if (wk->labels[i] != a)
			changed++;
	}
	return changed;
}

/*
 * Lloyd's algorithm (Lloyd 1982) with Hamerly's bounds: from the seeded
 * centres, alternate the means of the current labels (MoveCenters) and the
 * assignment (HamerlyAssign) until no label changes, the centres move less
 * than tol_abs in total (squared), or max_iter iterations. A relocated empty
 * cluster invalidates the bounds, so that step searches every point again.
 * Returns the iterations done.
 */
static int
Lloyd(const double *y, const double *w, int n, int d, int k, int max_iter,
	  double tol_abs, Work *wk)
{
	int			it;

	AssignAll(y, n, d, k, wk);
	for (it = 1; it <= max_iter; it++)
	{
		Shift		sh;

		crm_check_interrupts();
		if (MoveCenters(y, w, n, d, k, wk, &sh))
		{
			/* a relocated centre: the bounds start again */
			AssignAll(y, n, d, k, wk);
			continue;
		}
		if (sh.total2 <= tol_abs)
			return it;
		UpdateBounds(n, d, k, wk, &sh);
		if (HamerlyAssign(y, n, d, k, wk) == 0)
			return it;
	}
	return max_iter;
}

/*
 * scikit-learn's convergence threshold: tol times the mean over dimensions
 * of the (weighted) variance of the points, so that tol does not depend on
 * the units of the data.
 */
static double
AbsoluteTolerance(const double *y, const double *w, int n, int d, double tol)
{
	double		tol_abs = 0.0;
	double		wtotal = 0.0;
	int			i,
				j;

	for (i = 0; i < n; i++)
		wtotal += w[i];
	for (j = 0; j < d; j++)
	{
		double		mean = 0.0,
					var = 0.0;

		crm_check_interrupts();
		for (i = 0; i < n; i++)
			mean += w[i] * y[(size_t) i * d + j];
		mean /= wtotal;
		for (i = 0; i < n; i++)
		{
			double		t = y[(size_t) i * d + j] - mean;

			var += w[i] * t * t;
		}
		tol_abs += var / wtotal;
	}
	return tol * tol_abs / d;
}

/*
 * Allocate the scratch memory of one k-means run (n points, k centres, d
 * dimensions).
 */
static void
WorkAlloc(Work *wk, int n, int d, int k)
{
	wk->centers = crm_core_alloc(sizeof(double) * (size_t) k * d);
	wk->newc = crm_core_alloc(sizeof(double) * (size_t) k * d);
	wk->cw = crm_core_alloc(sizeof(double) * k);
	wk->delta = crm_core_alloc(sizeof(double) * k);
	wk->half = crm_core_alloc(sizeof(double) * k);
	wk->upper = crm_core_alloc(sizeof(double) * n);
	wk->lower = crm_core_alloc(sizeof(double) * n);
	wk->d2 = wk->lower;			/* seeding's D^2 shares the lower bounds' memory */
	wk->labels = crm_core_alloc(sizeof(int) * n);
}

/* Free what WorkAlloc allocated. */
static void
WorkFree(Work *wk)
{
	crm_core_free(wk->centers);
	crm_core_free(wk->newc);
	crm_core_free(wk->cw);
	crm_core_free(wk->delta);
	crm_core_free(wk->half);
	crm_core_free(wk->upper);
	crm_core_free(wk->lower);
	crm_core_free(wk->labels);
}

/*
 * The final E step of a restart: exact labels for the final centres, and
 * the weighted SSE they give.
 */
static double
FinalLabels(const double *y, const double *w, int n, int d, int k, Work *wk)
{
	double		sse = 0.0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		u,
					l;

		if ((i & 4095) == 0)
			crm_check_interrupts();
		FullSearch(y + (size_t) i * d, wk->centers, k, d, &wk->labels[i], &u, &l);
		sse += w[i] * u * u;
	}
	return sse;
}

/* The weight and SSE of each cluster of the result (k slots). */
static void
ClusterTotals(const double *y, const double *w, int n, int d, int k, CrmKmeansResult *res)
{
	int			i;

	memset(res->weight, 0, sizeof(double) * k);
	memset(res->sse_k, 0, sizeof(double) * k);
	for (i = 0; i < n; i++)
	{
		int			a = res->labels[i];

		if ((i & 4095) == 4095)
			crm_check_interrupts();
		res->weight[a] += w[i];
		res->sse_k[a] += w[i] * crm_dist2(y + (size_t) i * d, res->centroids + (size_t) a * d, d);
	}
}

/*
 * Weighted k-means with restarts (see kmeans_core.h): each restart seeds
 * from its own stream (the seed plus r times the golden-ratio constant),
 * runs Lloyd, labels every point exactly; the lowest SSE wins (the first on
 * ties).
 */
bool
crm_kmeans_run(const double *y, const double *w, int n, int d, int k,
			   uint64_t seed, int restarts, int max_iter, double tol,
			   CrmKmeansResult *res, CrmError *err)
{
	Work		wk;
	double		best_sse = INFINITY;
	double		tol_abs;
	int			r;

	if (n < 1 || k < 1)
	{
		crm_error_set(err, CRM_ERR_INVALID, "k-means needs at least one point and one cluster");
		return false;
	}
	tol_abs = AbsoluteTolerance(y, w, n, d, tol);
	WorkAlloc(&wk, n, d, k);
	res->centroids = crm_core_alloc(sizeof(double) * (size_t) k * d);
	res->weight = crm_core_alloc(sizeof(double) * k);
	res->sse_k = crm_core_alloc(sizeof(double) * k);
	res->labels = crm_core_alloc(sizeof(int) * n);
	res->k = 0;

	for (r = 0; r < restarts; r++)
	{
		CrmRng		rng;
		int			kk;
		int			iters;
		double		sse;

		crm_rng_seed(&rng, seed + (uint64_t) r * UINT64_C(0x9E3779B97F4A7C15));
		kk = SeedPlusPlus(y, w, n, d, k, &rng, wk.centers, wk.d2);
		iters = Lloyd(y, w, n, d, kk, max_iter, tol_abs, &wk);
		sse = FinalLabels(y, w, n, d, kk, &wk);
		if (sse < best_sse)
		{
			best_sse = sse;
			res->k = kk;
			res->iterations = iters;
			memcpy(res->centroids, wk.centers, sizeof(double) * (size_t) kk * d);
			memcpy(res->labels, wk.labels, sizeof(int) * n);
		}
	}
	res->sse = best_sse;
	ClusterTotals(y, w, n, d, k, res);
	WorkFree(&wk);
	return true;
}

/* Run k-means on y, scaled up first when it is tiny (see crm_tiny_exponent). */
static bool
KmeansScaled(double *y, const double *w, int n, int d, int k, const CrmClusterOptions *o,
			 CrmKmeansResult *res, CrmError *err)
{
	size_t		count = (size_t) n * d;
	int			e = crm_tiny_exponent(y, count);
	int			c;

	if (e != 0)
		crm_scale_pow2(y, count, e);
	if (!crm_kmeans_run(y, w, n, d, k, o->seed, o->restarts, o->max_iter, o->tol, res, err))
		return false;
	if (e == 0)
		return true;
	/* back to the model's units: y exactly, centroids and SSE rounded */
	crm_scale_pow2(y, count, -e);
	crm_scale_pow2(res->centroids, (size_t) res->k * d, -e);
	res->sse = ldexp(res->sse, -2 * e);
	for (c = 0; c < res->k; c++)
		res->sse_k[c] = ldexp(res->sse_k[c], -2 * e);
	return true;
}

/*
 * The model's scaling of a sketch: y = (x - center) * factor, from the
 * sketch's statistics for zscore and minmax, the identity otherwise (atan
 * sketches hold scaled coordinates already).  A constant feature, or one
 * whose inverse spread overflows, keeps factor 1.
 */
static void
ModelScaling(const CrmSketch *s, const CrmClusterOptions *o, double *center, double *factor)
{
	const double *st = crm_sketch_stats(s);
	int			j;

	for (j = 0; j < s->dims; j++)
	{
		const double *t = st + j * CRM_ST_COUNT;
		double		v;

		center[j] = 0.0;
		factor[j] = 1.0;
		if (o->scale == CRM_SCALE_ZSCORE)
		{
			center[j] = crm_sketch_mean(s, j);
			v = sqrt(crm_sketch_var(s, j));
			factor[j] = (v > 0 && isfinite(1.0 / v)) ? 1.0 / v : 1.0;
		}
		else if (o->scale == CRM_SCALE_MINMAX)
		{
			center[j] = t[CRM_ST_MIN];
			v = t[CRM_ST_MAX] - t[CRM_ST_MIN];
			factor[j] = (v > 0 && isfinite(1.0 / v)) ? 1.0 / v : 1.0;
		}
	}
}

/* a representative and its index, sorted into the canonical order */
typedef struct RepRef
{
	const double *r;			/* (w, q, x[d]) */
	int32_t		d;
	int32_t		i;
} RepRef;

/* qsort order of representatives: coordinates, then weight and scatter */
static int
RepRefCmp(const void *a, const void *b)
{
	const RepRef *x = a;
	const RepRef *y = b;
	int			j;

	for (j = 0; j < x->d; j++)
		if (x->r[2 + j] != y->r[2 + j])
			return x->r[2 + j] < y->r[2 + j] ? -1 : 1;
	for (j = 0; j < 2; j++)
		if (x->r[j] != y->r[j])
			return x->r[j] < y->r[j] ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * The representatives' canonical order: by coordinates, then weight and
 * scatter.  k-means++ draws its seeds from the points in the order it is
 * given them, so clustering them in this order makes the model depend on
 * the set of representatives, not on the order the rows arrived in: a
 * sketch that holds every row gives the same clusters from a serial scan,
 * a parallel one (whose workers' rows are merged in whatever order they
 * finish) or a merge of stored sketches.  Only the statistics' last bits
 * can still differ, through the order of their sums.
 */
static int *
CanonicalOrder(const CrmSketch *s)
{
	int			n = s->nreps;
	int			stride = s->dims + 2;
	RepRef	   *refs = crm_core_alloc(sizeof(RepRef) * (size_t) (n > 0 ? n : 1));
	int		   *perm = crm_core_alloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		refs[i].r = crm_sketch_reps(s) + (size_t) i * stride;
		refs[i].d = s->dims;
		refs[i].i = i;
	}
	crm_check_interrupts();
	qsort(refs, (size_t) n, sizeof(RepRef), RepRefCmp);
	crm_check_interrupts();
	for (i = 0; i < n; i++)
		perm[i] = refs[i].i;
	crm_core_free(refs);
	return perm;
}

/*
 * The representatives, in the order perm gives, as weighted points y
 * (n x d) in the model's space.
 */
static void
ScaledPoints(const CrmSketch *s, const int *perm, const double *center, const double *factor,
			 double *y, double *w)
{
	int			d = s->dims;
	int			stride = d + 2;
	const double *reps = crm_sketch_reps(s);
	int			i,
				j;

	for (i = 0; i < s->nreps; i++)
	{
		const double *r = reps + (size_t) perm[i] * stride;

		if ((i & 4095) == 4095)
			crm_check_interrupts();
		w[i] = r[0];
		for (j = 0; j < d; j++)
			y[(size_t) i * d + j] = (r[2 + j] - center[j]) * factor[j];
	}
}

/*
 * The scatter inside the representatives, which clustering them cannot see:
 * by the decomposition of the sum of squares (Huygens-Koenig: total = within
 * + between groups), per dimension the total scatter of the rows, exact from
 * the sketch's sums, minus the scatter between the weighted representatives.
 * 0 for a sketch that was never reduced.
 */
static double
InternalScatter(const CrmSketch *s, const CrmClusterOptions *o, const double *factor,
				const double *y, const double *w)
{
	const double *st = crm_sketch_stats(s);
	int			d = s->dims;
	int			n = s->nreps;
	double		nrows = (double) s->rows;
	double		internal = 0.0;
	int			i,
				j;

	if (!(s->flags & CRM_SKETCH_REDUCED))
		return 0.0;
	for (j = 0; j < d; j++)
	{
		const double *t = st + j * CRM_ST_COUNT;
		double		total,
					mean = 0.0,
					between = 0.0;

		crm_check_interrupts();
		if (o->scale == CRM_SCALE_ATAN)
			total = t[CRM_ST_SSUMSQ] - t[CRM_ST_SSUM] * t[CRM_ST_SSUM] / nrows;
		else
			total = (t[CRM_ST_SUMSQ] - t[CRM_ST_SUM] * t[CRM_ST_SUM] / nrows) * factor[j] * factor[j];
		for (i = 0; i < n; i++)
			mean += w[i] * y[(size_t) i * d + j];
		mean /= nrows;
		for (i = 0; i < n; i++)
		{
			double		e = y[(size_t) i * d + j] - mean;

			between += w[i] * e * e;
		}
		if (total > between)
			internal += total - between;
	}
	return internal;
}

/*
 * The model of a clustering of the sketch's representatives, in canonical
 * order: the internal scatter goes to each cluster in proportion to its
 * representatives' scatter (or, when there is none, to its weight).
 */
static CrmModel *
ResultModel(const CrmSketch *s, const int *perm, const CrmClusterOptions *o, const void *names,
			const double *center, const double *factor, const CrmKmeansResult *res,
			double internal)
{
	int			d = s->dims;
	int			stride = d + 2;
	const double *reps = crm_sketch_reps(s);
	double	   *qk = crm_core_alloc(sizeof(double) * res->k);
	double		qtotal = 0.0;
	CrmModel   *m;
	int			i,
				c;

	for (i = 0; i < s->nreps; i++)
	{
		if ((i & 4095) == 4095)
			crm_check_interrupts();
		qk[res->labels[i]] += reps[(size_t) perm[i] * stride + 1];
		qtotal += reps[(size_t) perm[i] * stride + 1];
	}
	m = crm_model_new(res->k, d, false, names);
	m->scale = o->scale;
	m->atan_scale = o->atan_scale;
	m->iterations = res->iterations;
	m->rows = s->rows;
	memcpy(crm_model_center(m), center, sizeof(double) * d);
	memcpy(crm_model_factor(m), factor, sizeof(double) * d);
	memcpy(crm_model_centroids(m), res->centroids, sizeof(double) * (size_t) res->k * d);
	m->total_sse = 0.0;
	for (c = 0; c < res->k; c++)
	{
		/* internal scatter goes where its representatives went */
		double		share = qtotal > 0 ? qk[c] / qtotal : res->weight[c] / (double) s->rows;

		crm_model_weight(m)[c] = res->weight[c];
		crm_model_sse(m)[c] = res->sse_k[c] + internal * share;
		m->total_sse += crm_model_sse(m)[c];
	}
	crm_model_canonical_order(m);
	crm_core_free(qk);
	return m;
}

/*
 * Cluster a sketch into a model: the representatives, scaled as the options
 * say, are clustered as weighted points, and each cluster's SSE adds the
 * scatter inside its representatives, so that sizes and SSE describe the
 * rows, not the representatives.
 */
CrmModel *
crm_kmeans_sketch(const CrmSketch *s, int k, const CrmClusterOptions *o, const void *names,
				  int *k_found, CrmError *err)
{
	int			d = s->dims;
	int			n = s->nreps;
	double	   *y = crm_core_alloc(sizeof(double) * (size_t) n * d);
	double	   *w = crm_core_alloc(sizeof(double) * n);
	double	   *center = crm_core_alloc(sizeof(double) * d);
	double	   *factor = crm_core_alloc(sizeof(double) * d);
	int		   *perm = CanonicalOrder(s);
	CrmKmeansResult res;
	CrmModel   *m;

	ModelScaling(s, o, center, factor);
	ScaledPoints(s, perm, center, factor, y, w);
	if (!KmeansScaled(y, w, n, d, k, o, &res, err))
		return NULL;
	if (!isfinite(res.sse))
	{
		crm_error_set(err, CRM_ERR_RANGE, "squared distances between the features overflow");
		crm_error_hint(err, "Rescale the features (or use scale zscore, minmax or atan).");
		return NULL;
	}
	m = ResultModel(s, perm, o, names ? names : crm_sketch_names(s), center, factor, &res,
					InternalScatter(s, o, factor, y, w));
	*k_found = res.k;
	/*
	 * The model must read back: a sketch whose statistics disagree with its
	 * representatives (a tiny variance next to spread-out points, which no
	 * rows produce) can scale a centroid beyond the model's range.
	 */
	if (!crm_model_check(m, crm_model_value_size(m), err))
	{
		crm_core_free(m);
		m = NULL;
	}

	crm_core_free(res.centroids);
	crm_core_free(res.weight);
	crm_core_free(res.sse_k);
	crm_core_free(res.labels);
	crm_core_free(y);
	crm_core_free(w);
	crm_core_free(center);
	crm_core_free(factor);
	crm_core_free(perm);
	return m;
}
