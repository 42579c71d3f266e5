/*
 * test_kmeans.c
 *	  Unit tests of the weighted k-means core (kmeans_core.c): k-means++
 *	  seeding, Lloyd iterations with Hamerly's bounds, restarts, and
 *	  clustering a sketch into a model (crm_kmeans_run, crm_kmeans_sketch).
 *
 * The instances are small enough that the optimum is known by hand or by
 * brute force (in one dimension the optimal clusters are intervals of the
 * sorted points, so every partition into k intervals can be tried).
 */
#include <stdint.h>
#include <stdlib.h>

#include "clustering_core.h"
#include "kmeans_core.h"
#include "model_core.h"
#include "sketch_core.h"
#include "unit.h"

/* Tolerance for sums of a few hundred doubles of similar magnitude: each
 * addition rounds by at most 2^-53 relative, so n = 1000 terms stay within
 * about 1e-13; 1e-12 leaves margin and still fails on any real mistake
 * (a point in the wrong cluster changes an SSE by far more). */
#define SUM_TOL 1e-12

/* Run k-means; false (and a failed check) when the core refuses. */
static bool
run(const double *y, const double *w, int n, int d, int k, uint64_t seed, int restarts,
	int max_iter, double tol, CrmKmeansResult *res)
{
	CrmError	err = {0};
	bool		ok = crm_kmeans_run(y, w, n, d, k, seed, restarts, max_iter, tol, res, &err);

	if (!ok)
		unit_fail(__FILE__, __LINE__, "crm_kmeans_run failed: %s", err.message);
	return ok;
}

static double
dist2(const double *a, const double *b, int d)
{
	double		s = 0;
	int			j;

	for (j = 0; j < d; j++)
		s += (a[j] - b[j]) * (a[j] - b[j]);
	return s;
}

/* Order of clusters by their first coordinate, so results compare as sets. */
static void
order_by_x(const CrmKmeansResult *r, int d, int *order)
{
	int			i,
				j;

	for (i = 0; i < r->k; i++)
		order[i] = i;
	for (i = 1; i < r->k; i++)
		for (j = i; j > 0 && r->centroids[(size_t) order[j] * d] < r->centroids[(size_t) order[j - 1] * d]; j--)
		{
			int			t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

/* Uniform points in [0, scale)^d from a fixed generator. */
static void
random_points(double *y, int n, int d, double scale, uint64_t seed)
{
	CrmRng		rng;
	int			i;

	crm_rng_seed(&rng, seed);
	for (i = 0; i < n * d; i++)
		y[i] = crm_rng_double(&rng) * scale;
}

static void
ones(double *w, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		w[i] = 1.0;
}

/*
 * One Lloyd step (max_iter 1) is a deterministic function of the seeds, so
 * equal seeds give bit-identical results and different seeds different
 * ones.
 */
UNIT_TEST(kmeans_seeding_deterministic_per_seed)
{
	enum
	{
		N = 200, D = 2, K = 6
	};
	double		y[N * D],
				w[N];
	CrmKmeansResult a,
				b;
	int			s,
				differ = 0;

	random_points(y, N, D, 1.0, 99);
	ones(w, N);
	if (!run(y, w, N, D, K, 7, 1, 1, 0.0, &a) || !run(y, w, N, D, K, 7, 1, 1, 0.0, &b))
		return;
	CHECK_INT(a.k, K);
	CHECK_INT(b.k, a.k);
	CHECK(memcmp(a.centroids, b.centroids, sizeof(double) * K * D) == 0);
	CHECK(memcmp(a.labels, b.labels, sizeof(int) * N) == 0);
	CHECK(a.sse == b.sse);

	/* eight other seeds: uniform data has no preferred seeding */
	for (s = 1; s <= 8; s++)
	{
		CrmKmeansResult c;

		if (!run(y, w, N, D, K, 1000 + s, 1, 1, 0.0, &c))
			return;
		if (memcmp(a.centroids, c.centroids, sizeof(double) * K * D) != 0)
			differ++;
	}
	CHECK(differ >= 7);
}

/*
 * Three obvious clusters of very different sizes (1000 rows, 10 rows, one
 * row): D^2 sampling puts one seed in each, so a single Lloyd step from any
 * seed already finds them.  Uniform seeding would miss the one-row cluster
 * almost every time.
 */
UNIT_TEST(kmeans_plusplus_seeds_far_apart)
{
	enum
	{
		N = 1011, D = 2
	};
	static double y[N * D];
	double		w[N];
	double		mean[3][2] = {{0}};
	double		opt = 0;
	int			i,
				s;

	for (i = 0; i < 1000; i++)
	{
		y[2 * i] = (i % 40) * 0.00025;	/* a 0.01 x 0.01 grid at the origin */
		y[2 * i + 1] = (i / 40) * 0.0004;
	}
	for (i = 1000; i < 1010; i++)
	{
		y[2 * i] = 100 + (i - 1000) * 0.001;
		y[2 * i + 1] = 0;
	}
	y[2 * 1010] = 0;
	y[2 * 1010 + 1] = 100;
	ones(w, N);
	/* the optimal SSE: each group about its own mean */
	for (i = 0; i < N; i++)
	{
		int			g = i < 1000 ? 0 : (i < 1010 ? 1 : 2);

		mean[g][0] += y[2 * i] / (g == 0 ? 1000 : (g == 1 ? 10 : 1));
		mean[g][1] += y[2 * i + 1] / (g == 0 ? 1000 : (g == 1 ? 10 : 1));
	}
	for (i = 0; i < N; i++)
		opt += dist2(y + 2 * i, mean[i < 1000 ? 0 : (i < 1010 ? 1 : 2)], D);

	for (s = 0; s < 40; s++)
	{
		CrmKmeansResult r;
		double		ws[3];
		int			c;

		if (!run(y, w, N, D, 3, (uint64_t) s * 7919, 1, 1, 0.0, &r))
			return;
		CHECK_INT(r.k, 3);
		if (r.k != 3)
			continue;
		for (c = 0; c < 3; c++)
			ws[c] = r.weight[c];
		/* sizes, in any order */
		CHECK(ws[0] + ws[1] + ws[2] == 1011);
		CHECK((ws[0] == 1000 || ws[1] == 1000 || ws[2] == 1000) &&
			  (ws[0] == 10 || ws[1] == 10 || ws[2] == 10) &&
			  (ws[0] == 1 || ws[1] == 1 || ws[2] == 1));
		CHECK_NEAR(r.sse, opt, 1e-9);
	}
}

/* Three groups on a line: centroids 1, 11, 21 and SSE 6, exactly. */
UNIT_TEST(kmeans_lloyd_1d_known_optimum)
{
	double		y[] = {20, 0, 11, 2, 21, 10, 1, 22, 12};
	double		w[9];
	CrmKmeansResult r;
	int			order[3];
	int			c;

	ones(w, 9);
	if (!run(y, w, 9, 1, 3, 42, 10, 300, 1e-4, &r))
		return;
	CHECK_INT(r.k, 3);
	if (r.k != 3)
		return;
	order_by_x(&r, 1, order);
	CHECK(r.centroids[order[0]] == 1);
	CHECK(r.centroids[order[1]] == 11);
	CHECK(r.centroids[order[2]] == 21);
	CHECK(r.sse == 6);
	for (c = 0; c < 3; c++)
	{
		CHECK(r.weight[c] == 3);
		CHECK(r.sse_k[c] == 2);
	}
	/* labels follow the groups */
	CHECK(r.labels[1] == r.labels[3] && r.labels[3] == r.labels[6]);
	CHECK(r.labels[5] == r.labels[2] && r.labels[2] == r.labels[8]);
	CHECK(r.labels[0] == r.labels[4] && r.labels[4] == r.labels[7]);
	CHECK(r.labels[1] != r.labels[5] && r.labels[5] != r.labels[0] && r.labels[0] != r.labels[1]);
}

/* Four squares in the plane: centroids at their centres, SSE 4 x 8. */
UNIT_TEST(kmeans_lloyd_2d_separated)
{
	double		y[16 * 2];
	double		w[16];
	double		cx[4] = {0, 100, 0, 100},
				cy[4] = {0, 0, 100, 100};
	CrmKmeansResult r;
	int			g,
				i,
				c;

	for (g = 0; g < 4; g++)
		for (i = 0; i < 4; i++)
		{
			y[2 * (4 * g + i)] = cx[g] + ((i & 1) ? 1 : -1);
			y[2 * (4 * g + i) + 1] = cy[g] + ((i & 2) ? 1 : -1);
		}
	ones(w, 16);
	if (!run(y, w, 16, 2, 4, 5, 10, 300, 1e-4, &r))
		return;
	CHECK_INT(r.k, 4);
	/* the core sums w * sqrt(d2)^2: sqrt(2)^2 rounds to 2 + 4e-16 */
	CHECK_NEAR(r.sse, 32, 1e-15);
	for (c = 0; c < r.k; c++)
	{
		bool		found = false;

		for (g = 0; g < 4; g++)
			found |= r.centroids[2 * c] == cx[g] && r.centroids[2 * c + 1] == cy[g];
		CHECK(found);
		CHECK(r.weight[c] == 4);
		CHECK_NEAR(r.sse_k[c], 8, 1e-15);
	}
}

/* The optimal SSE of sorted 1-D weighted points in k intervals (brute force). */
static double
best_1d(const double *x, const double *w, int n, int k, int from)
{
	double		best = INFINITY;
	int			end;

	if (k == 1 || from >= n)
	{
		double		sw = 0,
					sx = 0,
					sse = 0;
		int			i;

		if (from >= n)
			return k >= 1 ? 0 : INFINITY;
		for (i = from; i < n; i++)
		{
			sw += w[i];
			sx += w[i] * x[i];
		}
		for (i = from; i < n; i++)
			sse += w[i] * (x[i] - sx / sw) * (x[i] - sx / sw);
		return sse;
	}
	/* the first interval is [from, end) */
	for (end = from + 1; end <= n; end++)
	{
		double		sw = 0,
					sx = 0,
					sse = 0,
					rest;
		int			i;

		for (i = from; i < end; i++)
		{
			sw += w[i];
			sx += w[i] * x[i];
		}
		for (i = from; i < end; i++)
			sse += w[i] * (x[i] - sx / sw) * (x[i] - sx / sw);
		rest = best_1d(x, w, n, k - 1, end);
		if (sse + rest < best)
			best = sse + rest;
	}
	return best;
}

/*
 * Random 1-D instances of 10 weighted points: the result can never beat the
 * brute-force optimum, its SSE is the SSE of its own labels and centroids,
 * every label is the nearest centroid, and with 10 restarts it finds the
 * optimum on nearly every instance (k-means is a local search, so not on
 * all: the threshold is what the seeding achieves on these 200 instances
 * with a margin, and a broken seeding or Lloyd step drops far below it).
 */
UNIT_TEST(kmeans_lloyd_1d_brute_force)
{
	CrmRng		rng;
	int			inst,
				hits = 0;

	crm_rng_seed(&rng, 2024);
	for (inst = 0; inst < 200; inst++)
	{
		enum
		{
			N = 10
		};
		double		x[N],
					w[N],
					opt,
					sse = 0;
		int			k = 2 + inst % 3;
		int			i,
					j;
		CrmKmeansResult r;

		for (i = 0; i < N; i++)
		{
			x[i] = (double) (crm_rng_next(&rng) % 101);
			w[i] = (double) (1 + crm_rng_next(&rng) % 5);
		}
		/* sort by x (insertion sort), weights along */
		for (i = 1; i < N; i++)
			for (j = i; j > 0 && x[j] < x[j - 1]; j--)
			{
				double		t = x[j];

				x[j] = x[j - 1];
				x[j - 1] = t;
				t = w[j];
				w[j] = w[j - 1];
				w[j - 1] = t;
			}
		opt = best_1d(x, w, N, k, 0);
		if (!run(x, w, N, 1, k, (uint64_t) inst, 10, 300, 0.0, &r))
			return;
		CHECK(r.sse >= opt * (1 - SUM_TOL) - 1e-9);
		for (i = 0; i < N; i++)
		{
			int			c;

			sse += w[i] * dist2(&x[i], &r.centroids[r.labels[i]], 1);
			for (c = 0; c < r.k; c++)
				CHECK(dist2(&x[i], &r.centroids[r.labels[i]], 1) <= dist2(&x[i], &r.centroids[c], 1));
		}
		CHECK_NEAR(r.sse, sse, SUM_TOL);
		if (r.sse <= opt * (1 + 1e-9) + 1e-9)
			hits++;
	}
	CHECK(hits >= 190);
}

/*
 * Lloyd never increases the SSE: with the same seeding, stopping after
 * t + 1 iterations is never worse than after t (exact arithmetic; SUM_TOL
 * allows the rounding of the sums).
 */
UNIT_TEST(kmeans_sse_never_increases)
{
	enum
	{
		N = 300, D = 2, K = 8
	};
	double		y[N * D],
				w[N];
	double		prev = INFINITY;
	int			t,
				seed;

	random_points(y, N, D, 10.0, 3);
	ones(w, N);
	for (seed = 1; seed <= 3; seed++)
	{
		prev = INFINITY;
		for (t = 1; t <= 25; t++)
		{
			CrmKmeansResult r;

			if (!run(y, w, N, D, K, (uint64_t) seed, 1, t, 0.0, &r))
				return;
			CHECK(r.iterations <= t);
			CHECK(r.sse <= prev * (1 + SUM_TOL));
			prev = r.sse;
		}
	}
}

/*
 * At convergence the centroids are the weighted means of their points and
 * every point is labelled with its nearest centroid: a fixed point of
 * Lloyd.  This is what Hamerly's bounds must not break (a point whose
 * bounds wrongly skip it would end with a centroid that is not the mean of
 * its cluster).  Overlapping blobs, so many points sit near boundaries.
 */
UNIT_TEST(kmeans_converges_to_lloyd_fixed_point)
{
	enum
	{
		N = 600, D = 3, K = 7
	};
	double		y[N * D],
				w[N];
	double		sum[K][D],
				sw[K],
				ssek[K];
	double		total = 0;
	CrmKmeansResult r;
	CrmRng		rng;
	int			i,
				j,
				c;

	crm_rng_seed(&rng, 77);
	for (i = 0; i < N; i++)
	{
		int			blob = i % 5;

		for (j = 0; j < D; j++)
			y[i * D + j] = blob * 1.5 + (crm_rng_double(&rng) + crm_rng_double(&rng) - 1.0) * 2.0;
		w[i] = 1 + (double) (i % 3);
	}
	if (!run(y, w, N, D, K, 11, 3, 10000, 0.0, &r))
		return;
	CHECK_INT(r.k, K);
	CHECK(r.iterations < 10000);
	memset(sum, 0, sizeof(sum));
	memset(sw, 0, sizeof(sw));
	memset(ssek, 0, sizeof(ssek));
	for (i = 0; i < N; i++)
	{
		int			a = r.labels[i];

		CHECK(a >= 0 && a < r.k);
		for (c = 0; c < r.k; c++)
			CHECK(dist2(y + i * D, r.centroids + a * D, D) <= dist2(y + i * D, r.centroids + c * D, D));
		sw[a] += w[i];
		for (j = 0; j < D; j++)
			sum[a][j] += w[i] * y[i * D + j];
	}
	for (c = 0; c < r.k; c++)
	{
		CHECK(sw[c] > 0);
		CHECK(r.weight[c] == sw[c]);
		for (j = 0; j < D; j++)
			CHECK_NEAR(r.centroids[c * D + j], sum[c][j] / sw[c], SUM_TOL);
	}
	for (i = 0; i < N; i++)
		ssek[r.labels[i]] += w[i] * dist2(y + i * D, r.centroids + r.labels[i] * D, D);
	for (c = 0; c < r.k; c++)
	{
		CHECK_NEAR(r.sse_k[c], ssek[c], SUM_TOL);
		total += r.sse_k[c];
	}
	CHECK_NEAR(r.sse, total, SUM_TOL);
}

/* Fewer distinct points than k: as many clusters as distinct points. */
UNIT_TEST(kmeans_fewer_distinct_points_than_k)
{
	double		y[] = {1, 5, 1, 5, 1, 5, 5};
	double		same[] = {3, 3, 3, 3};
	double		w[7];
	CrmKmeansResult r;
	int			order[4];

	ones(w, 7);
	if (!run(y, w, 7, 1, 4, 42, 10, 300, 1e-4, &r))
		return;
	CHECK_INT(r.k, 2);
	order_by_x(&r, 1, order);
	CHECK(r.centroids[order[0]] == 1 && r.centroids[order[1]] == 5);
	CHECK(r.weight[order[0]] == 3 && r.weight[order[1]] == 4);
	CHECK(r.sse == 0);

	if (!run(same, w, 4, 1, 3, 42, 10, 300, 1e-4, &r))
		return;
	CHECK_INT(r.k, 1);
	CHECK(r.centroids[0] == 3 && r.weight[0] == 4 && r.sse == 0);
}

/* A point of weight w acts as w copies of it. */
UNIT_TEST(kmeans_weights_act_as_copies)
{
	enum
	{
		N = 40, D = 2
	};
	double		y[N * D],
				w[N];
	static double ey[4 * N * D];
	double		ew[4 * N];
	int			n = 0;
	double		one_y[] = {0, 4};
	double		one_w[] = {3, 1};
	CrmKmeansResult a,
				b;
	int			oa[3],
				ob[3];
	CrmRng		rng;
	int			i,
				c;

	/* k = 1: the weighted mean (3 x 0 + 4) / 4 = 1, SSE 3 x 1 + 9 */
	if (!run(one_y, one_w, 2, 1, 1, 1, 1, 300, 1e-4, &a))
		return;
	CHECK(a.centroids[0] == 1);
	CHECK(a.sse == 12);

	/* three blobs, integer weights 1..4, against the expanded copies */
	crm_rng_seed(&rng, 5);
	for (i = 0; i < N; i++)
	{
		int			m;

		y[i * D] = (i % 3) * 50 + crm_rng_double(&rng) * 10;
		y[i * D + 1] = crm_rng_double(&rng) * 10;
		w[i] = (double) (1 + crm_rng_next(&rng) % 4);
		for (m = 0; m < (int) w[i]; m++)
		{
			ey[n * D] = y[i * D];
			ey[n * D + 1] = y[i * D + 1];
			ew[n] = 1;
			n++;
		}
	}
	if (!run(y, w, N, D, 3, 9, 10, 300, 0.0, &a) || !run(ey, ew, n, D, 3, 9, 10, 300, 0.0, &b))
		return;
	CHECK_INT(a.k, 3);
	CHECK_INT(b.k, 3);
	if (a.k != 3 || b.k != 3)
		return;
	order_by_x(&a, D, oa);
	order_by_x(&b, D, ob);
	for (c = 0; c < 3; c++)
	{
		CHECK(a.weight[oa[c]] == b.weight[ob[c]]);
		CHECK_NEAR(a.centroids[oa[c] * D], b.centroids[ob[c] * D], SUM_TOL);
		CHECK_NEAR(a.centroids[oa[c] * D + 1], b.centroids[ob[c] * D + 1], SUM_TOL);
		CHECK_NEAR(a.sse_k[oa[c]], b.sse_k[ob[c]], SUM_TOL);
	}
	CHECK_NEAR(a.sse, b.sse, SUM_TOL);
}

/* k-means refuses an empty input. */
UNIT_TEST(kmeans_rejects_no_points)
{
	double		y[1] = {0},
				w[1] = {1};
	CrmKmeansResult r;
	CrmError	err = {0};

	CHECK(!crm_kmeans_run(y, w, 0, 1, 2, 1, 1, 10, 0, &r, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "at least one point");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_kmeans_run(y, w, 1, 1, 0, 1, 1, 10, 0, &r, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "one cluster");
}

/* ------------------------------------------------------------ sketches */

/* A sketch of the n rows x (n x d) with room for all of them, unreduced. */
static CrmSketch *
sketch_of(const double *x, int n, int d, const CrmClusterOptions *o, int k)
{
	CrmSketch  *s = crm_core_alloc(crm_sketch_size(CRM_NAMES_EMPTY_SIZE, d, n));
	CrmError	err = {0};
	int			i;

	crm_sketch_init(s, d, o, k, NULL);
	for (i = 0; i < n; i++)
		CHECK(crm_sketch_add(s, x + (size_t) i * d, &err));
	CHECK(crm_sketch_check(s, crm_sketch_value_size(s), &err));
	return s;
}

/*
 * Two groups of three rows at scale `unit` (0, 1, 2 and 100, 101, 102
 * units): centroids 1 and 101 units, sizes 3 and 3, whatever the scale.
 * Returns the model (NULL after a failed check).
 */
static CrmModel *
two_groups(double unit, CrmClusterOptions *o)
{
	double		x[6];
	int			i,
				found = 0;
	CrmSketch  *s;
	CrmModel   *m;
	CrmError	err = {0};

	for (i = 0; i < 6; i++)
		x[i] = ((i < 3) ? i : 97 + i) * unit;
	s = sketch_of(x, 6, 1, o, 2);
	m = crm_kmeans_sketch(s, 2, o, NULL, &found, &err);
	CHECK(m != NULL);
	if (m == NULL)
	{
		unit_fail(__FILE__, __LINE__, "crm_kmeans_sketch: %s", err.message);
		return NULL;
	}
	CHECK_INT(found, 2);
	CHECK_INT(m->k, 2);
	CHECK(crm_model_check(m, crm_model_value_size(m), &err));
	return m;
}

/*
 * Features around 1e-200: their squared distances (1e-400) underflow, so
 * without the core's power-of-two rescaling every row would look like one
 * point and k-means would find a single cluster.
 */
UNIT_TEST(kmeans_tiny_values_cluster)
{
	CrmClusterOptions o;
	CrmModel   *m;
	double		lo,
				hi;

	crm_cluster_options_default(&o);
	m = two_groups(1e-200, &o);
	if (m == NULL || m->k != 2)
		return;
	CHECK(crm_model_weight(m)[0] == 3 && crm_model_weight(m)[1] == 3);
	lo = fmin(crm_model_centroids(m)[0], crm_model_centroids(m)[1]);
	hi = fmax(crm_model_centroids(m)[0], crm_model_centroids(m)[1]);
	/* the means of three values each: a few ulps of rounding */
	CHECK_REL(lo, 1e-200, 1e-14);
	CHECK_REL(hi, 101e-200, 1e-14);
	/* the SSE (2e-400 per cluster) underflows, but is never negative */
	CHECK(m->total_sse >= 0 && m->total_sse < 1e-300);
}

/* Features around 1e90: squares near 1e184 stay finite and exact enough. */
UNIT_TEST(kmeans_huge_values_cluster)
{
	CrmClusterOptions o;
	CrmModel   *m;
	double		lo,
				hi;

	crm_cluster_options_default(&o);
	m = two_groups(1e90, &o);
	if (m == NULL || m->k != 2)
		return;
	CHECK(crm_model_weight(m)[0] == 3 && crm_model_weight(m)[1] == 3);
	lo = fmin(crm_model_centroids(m)[0], crm_model_centroids(m)[1]);
	hi = fmax(crm_model_centroids(m)[0], crm_model_centroids(m)[1]);
	CHECK_REL(lo, 1e90, 1e-14);
	CHECK_REL(hi, 101e90, 1e-14);
	/* two clusters of SSE 2 units^2 each */
	CHECK_REL(m->total_sse, 4e180, 1e-13);
}

/* qsort order of 2-D rows: the first coordinate, then the second */
static int
row2_cmp(const void *a, const void *b)
{
	const double *x = a;
	const double *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/*
 * On an unreduced sketch crm_kmeans_sketch is crm_kmeans_run on the rows
 * in the representatives' canonical order (by coordinates) with the
 * sketch's options (the same seed gives the same clusters), and zscore
 * scaling centres on the mean and divides by the standard deviation.
 */
UNIT_TEST(kmeans_sketch_matches_run)
{
	enum
	{
		N = 120, D = 2, K = 4
	};
	double		x[N * D],
				w[N];
	CrmClusterOptions o;
	CrmSketch  *s;
	CrmModel   *m;
	CrmKmeansResult r;
	CrmError	err = {0};
	int			found = 0;
	int			i,
				c,
				j;

	random_points(x, N, D, 100.0, 8);
	ones(w, N);
	crm_cluster_options_default(&o);
	s = sketch_of(x, N, D, &o, K);
	m = crm_kmeans_sketch(s, K, &o, NULL, &found, &err);
	{
		double		sorted[N * D];

		memcpy(sorted, x, sizeof(x));
		qsort(sorted, N, sizeof(double) * D, row2_cmp);
		if (!run(sorted, w, N, D, K, o.seed, o.restarts, o.max_iter, o.tol, &r))
			return;
	}
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(found, r.k);
	CHECK_INT(m->rows, N);
	CHECK_NEAR(m->total_sse, r.sse, SUM_TOL);
	/* every centroid of the run is one of the model's, bit for bit */
	for (c = 0; c < r.k; c++)
	{
		bool		found_c = false;

		for (j = 0; j < m->k; j++)
			found_c |= memcmp(crm_model_centroids(m) + j * D, r.centroids + c * D, sizeof(double) * D) == 0;
		CHECK(found_c);
	}
	/* canonical order: weight descending */
	for (c = 1; c < m->k; c++)
		CHECK(crm_model_weight(m)[c - 1] >= crm_model_weight(m)[c]);

	/* zscore: center = mean, factor = 1 / population standard deviation */
	o.scale = CRM_SCALE_ZSCORE;
	s = sketch_of(x, N, D, &o, K);
	m = crm_kmeans_sketch(s, K, &o, NULL, &found, &err);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	for (j = 0; j < D; j++)
	{
		double		mean = 0,
					var = 0;

		for (i = 0; i < N; i++)
			mean += x[i * D + j] / N;
		for (i = 0; i < N; i++)
			var += (x[i * D + j] - mean) * (x[i * D + j] - mean) / N;
		CHECK_NEAR(crm_model_center(m)[j], mean, SUM_TOL);
		CHECK_NEAR(crm_model_factor(m)[j], 1 / sqrt(var), SUM_TOL);
	}
}

/*
 * The model depends on the set of representatives, not on their order: the
 * same rows added in another order (as parallel workers or a merge of
 * stored sketches deliver them) give the same model, bit for bit, for a
 * metric that needs no statistics (none) and for one that does (zscore: its
 * sums are added in another order, so the rows are integers, whose sums are
 * exact in any order).
 */
UNIT_TEST(kmeans_sketch_order_independent)
{
	enum
	{
		N = 300, D = 2, K = 5
	};
	double		x[N * D],
				rev[N * D];
	int			scale,
				i;

	random_points(x, N, D, 100.0, 11);
	for (i = 0; i < N * D; i++)
		x[i] = floor(x[i]);
	for (i = 0; i < N; i++)
		memcpy(rev + (size_t) (N - 1 - i) * D, x + (size_t) i * D, sizeof(double) * D);
	for (scale = CRM_SCALE_NONE; scale <= CRM_SCALE_ZSCORE; scale++)
	{
		CrmClusterOptions o;
		CrmError	err = {0};
		int			f1 = 0,
					f2 = 0;
		CrmModel   *a,
				   *b;

		crm_cluster_options_default(&o);
		o.scale = scale;
		o.restarts = 2;
		a = crm_kmeans_sketch(sketch_of(x, N, D, &o, K), K, &o, NULL, &f1, &err);
		b = crm_kmeans_sketch(sketch_of(rev, N, D, &o, K), K, &o, NULL, &f2, &err);
		CHECK(a != NULL && b != NULL);
		if (a == NULL || b == NULL)
			return;
		CHECK(crm_model_equal(a, b));
	}
}
