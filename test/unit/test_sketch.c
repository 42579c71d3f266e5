/*
 * test_sketch.c
 *	  Unit tests of the cluster sketch core (sketch_core.c): exact
 *	  statistics, reduction (moments, capacity, small far clusters),
 *	  absorption of rows between reductions (the index), merging,
 *	  the JSON, binary and compact text forms, and the checker.
 *
 * Sketches here use the smallest budget (64 kB), so a few thousand rows
 * already force many reductions, as the aggregate does (reduce to
 * crm_sketch_reduce_target when the capacity is full).
 */
#include <stdint.h>
#include <stdlib.h>

#include "clustering_core.h"
#include "kmeans_core.h"
#include "model_core.h"
#include "sketch_core.h"
#include "unit.h"
#include "wire_core.h"

/*
 * Tolerance for moments after reductions.  Every merge rounds the merged
 * coordinate and scatter by a few ulps (2^-52 ~ 2.2e-16 relative); a row
 * takes part in at most log2(rows) ~ 15 merges here and the sums over
 * 20,000 rows add ~ n ulps in the worst case, so about 20000 x 4 x 2.2e-16
 * ~ 2e-11 relative.  1e-9 leaves a wide margin, while losing one
 * representative's scatter or weight (over 1e-4 of the total here) fails.
 */
#define MOMENT_TOL 1e-9

/* A sketch with room for its whole capacity. */
static CrmSketch *
new_sketch(int d, int budget_kb, int scale)
{
	CrmClusterOptions o;
	CrmSketch  *s;

	crm_cluster_options_default(&o);
	o.budget_kb = budget_kb;
	o.scale = scale;
	s = crm_core_alloc(crm_sketch_size(CRM_NAMES_EMPTY_SIZE, d, crm_sketch_capacity(d, 0, budget_kb)));
	crm_sketch_init(s, d, &o, 0, NULL);
	return s;
}

/* Add a row as the aggregate does: reduce when the capacity is full. */
static void
add_row(CrmSketch *s, const double *x)
{
	CrmError	err = {0};

	if (s->nreps == s->capacity)
		crm_sketch_reduce(s, crm_sketch_reduce_target(s));
	CHECK(s->nreps < s->capacity);
	CHECK(crm_sketch_add(s, x, &err));
}

static bool
sketch_ok(const CrmSketch *s)
{
	CrmError	err = {0};
	bool		ok = crm_sketch_check(s, crm_sketch_value_size(s), &err);

	if (!ok)
		unit_fail(__FILE__, __LINE__, "crm_sketch_check: %s (%s)", err.message, err.detail);
	return ok;
}

/* A copy of a sketch's used part. */
static CrmSketch *
copy_sketch(const CrmSketch *s)
{
	size_t		n = crm_sketch_value_size(s);
	CrmSketch  *c = crm_core_alloc(n);

	memcpy(c, s, n);
	return c;
}

static bool
same_sketch(const CrmSketch *a, const CrmSketch *b)
{
	return a->dims == b->dims && a->nreps == b->nreps &&
		crm_sketch_value_size(a) == crm_sketch_value_size(b) &&
		memcmp(a, b, crm_sketch_value_size(a)) == 0;
}

/* Rows of a 2-D blob around (0, 0), spread about 1, deterministic. */
static void
blob_row(CrmRng *rng, double *x)
{
	x[0] = crm_rng_double(rng) + crm_rng_double(rng) - 1.0;
	x[1] = (crm_rng_double(rng) + crm_rng_double(rng) - 1.0) * 2.0;
}

/*
 * Row i of a blob with a small far cluster: blob_row, but every 1,000th row
 * (at 500, so spread through the input) moved to a tight group at
 * (1000, 1000).
 */
static void
blob_or_far_row(CrmRng *rng, int i, double *x)
{
	blob_row(rng, x);
	if (i % 1000 == 500)
	{
		x[0] = 1000 + x[0] * 0.1;
		x[1] = 1000 + x[1] * 0.1;
	}
}

/* Exact moments of rows: total weight, mean, total scatter about the mean. */
typedef struct Moments
{
	double		n;
	double		mean[2];
	double		scatter;
} Moments;

static void
row_moments(const double *x, int n, Moments *m)
{
	int			i,
				j;

	memset(m, 0, sizeof(*m));
	m->n = n;
	for (j = 0; j < 2; j++)
	{
		for (i = 0; i < n; i++)
			m->mean[j] += x[2 * i + j];
		m->mean[j] /= n;
		for (i = 0; i < n; i++)
			m->scatter += (x[2 * i + j] - m->mean[j]) * (x[2 * i + j] - m->mean[j]);
	}
}

/* The same moments from a 2-D sketch's representatives (w, q, x). */
static void
rep_moments(const CrmSketch *s, Moments *m)
{
	const double *r = crm_sketch_reps(s);
	int			i,
				j;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < s->nreps; i++)
	{
		m->n += r[4 * i];
		for (j = 0; j < 2; j++)
			m->mean[j] += r[4 * i] * r[4 * i + 2 + j];
	}
	for (j = 0; j < 2; j++)
		m->mean[j] /= m->n;
	for (i = 0; i < s->nreps; i++)
	{
		m->scatter += r[4 * i + 1];
		for (j = 0; j < 2; j++)
			m->scatter += r[4 * i] * (r[4 * i + 2 + j] - m->mean[j]) * (r[4 * i + 2 + j] - m->mean[j]);
	}
}

static void
check_moments(const Moments *got, const Moments *want)
{
	CHECK(got->n == want->n);	/* weights are integers: exact */
	CHECK_NEAR(got->mean[0], want->mean[0], MOMENT_TOL);
	CHECK_NEAR(got->mean[1], want->mean[1], MOMENT_TOL);
	CHECK_REL(got->scatter, want->scatter, MOMENT_TOL);
}

/*
 * Count, shifted sum and sum of squares, min and max are exact: the same
 * operations in the same order as a direct computation, bit for bit, also
 * across reductions (which touch only the representatives); atan sketches
 * add the sketch-space sums.
 */
UNIT_TEST(sketch_add_keeps_exact_stats)
{
	enum
	{
		N = 3000
	};
	static double x[N * 2];
	CrmRng		rng;
	int			scale;

	crm_rng_seed(&rng, 1);
	for (int i = 0; i < N; i++)
	{
		x[2 * i] = (crm_rng_double(&rng) - 0.3) * 1e6;
		x[2 * i + 1] = crm_rng_double(&rng) * 1e-3 + 7;
	}
	for (scale = CRM_SCALE_NONE; scale <= CRM_SCALE_ATAN; scale++)
	{
		CrmSketch  *s = new_sketch(2, 64, scale);
		const double *st;

		for (int i = 0; i < N; i++)
			add_row(s, x + 2 * i);
		CHECK_INT(s->rows, N);
		CHECK(s->flags & CRM_SKETCH_REDUCED);	/* 3000 rows > capacity */
		CHECK(sketch_ok(s));
		st = crm_sketch_stats(s);
		for (int j = 0; j < 2; j++)
		{
			const double *t = st + j * CRM_ST_COUNT;
			double		sum = 0,
						sumsq = 0,
						ssum = 0,
						ssumsq = 0,
						mn = x[j],
						mx = x[j],
						mean = 0,
						var = 0;

			for (int i = 0; i < N; i++)
			{
				double		v = x[2 * i + j] - x[j];
				double		a = M_2_PI * atan(x[2 * i + j] / s->opt.atan_scale);

				sum += v;
				sumsq += v * v;
				ssum += a;
				ssumsq += a * a;
				mn = fmin(mn, x[2 * i + j]);
				mx = fmax(mx, x[2 * i + j]);
				mean += x[2 * i + j];
			}
			mean /= N;
			for (int i = 0; i < N; i++)
				var += (x[2 * i + j] - mean) * (x[2 * i + j] - mean) / N;
			CHECK(t[CRM_ST_SHIFT] == x[j]);
			CHECK(t[CRM_ST_SUM] == sum);
			CHECK(t[CRM_ST_SUMSQ] == sumsq);
			CHECK(t[CRM_ST_MIN] == mn);
			CHECK(t[CRM_ST_MAX] == mx);
			if (scale == CRM_SCALE_ATAN)
			{
				CHECK(t[CRM_ST_SSUM] == ssum);
				CHECK(t[CRM_ST_SSUMSQ] == ssumsq);
			}
			else
				CHECK(t[CRM_ST_SSUM] == 0 && t[CRM_ST_SSUMSQ] == 0);
			/* shifted sums: the mean and variance lose nothing to the offset */
			CHECK_NEAR(crm_sketch_mean(s, j), mean, 1e-12);
			CHECK_REL(crm_sketch_var(s, j), var, 1e-10);
		}
	}
}

/*
 * Reduction keeps the total weight exactly and the weighted mean and the
 * total scatter (internal scatter plus scatter of the representatives about
 * the mean) within MOMENT_TOL, never holds more representatives than the
 * capacity, and reducing to one representative leaves the mean and the
 * whole SSE about it.
 */
UNIT_TEST(sketch_reduce_keeps_moments)
{
	enum
	{
		N = 20000
	};
	static double x[N * 2];
	CrmSketch  *s = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmRng		rng;
	Moments		want,
				got;
	int			i,
				target;
	int			reductions = 0;

	crm_rng_seed(&rng, 2);
	for (i = 0; i < N; i++)
	{
		blob_row(&rng, x + 2 * i);
		x[2 * i] += (i % 7) * 3;	/* seven overlapping blobs along x */
	}
	CHECK(s->capacity >= CRM_SKETCH_MIN_CAPACITY && s->capacity < N / 10);
	for (i = 0; i < N; i++)
	{
		if (s->nreps == s->capacity)
			reductions++;
		add_row(s, x + 2 * i);
		CHECK(s->nreps <= s->capacity);
	}
	CHECK(reductions > 10);
	CHECK(sketch_ok(s));
	row_moments(x, N, &want);
	rep_moments(s, &got);
	check_moments(&got, &want);

	/* explicit targets: at most that many, moments unchanged */
	for (target = 200; target >= 1; target = target / 3)
	{
		crm_sketch_reduce(s, target);
		CHECK(s->nreps <= target);
		CHECK(sketch_ok(s));
		rep_moments(s, &got);
		check_moments(&got, &want);
	}
	/* one representative: the mean, the whole weight and the whole SSE */
	crm_sketch_reduce(s, 1);
	CHECK_INT(s->nreps, 1);
	CHECK(crm_sketch_reps(s)[0] == N);
	CHECK_REL(crm_sketch_reps(s)[1], want.scatter, MOMENT_TOL);
	CHECK_NEAR(crm_sketch_reps(s)[2], want.mean[0], MOMENT_TOL);
	CHECK_NEAR(crm_sketch_reps(s)[3], want.mean[1], MOMENT_TOL);
}

/*
 * A small far cluster (0.1% of the rows, 1000 units away) survives every
 * reduction as its own representatives: none of them mixes near and far
 * rows (a mixed one would sit in the gap between them), and together they
 * stand for exactly the far rows.
 */
UNIT_TEST(sketch_keeps_small_far_cluster)
{
	enum
	{
		N = 20000
	};
	CrmSketch  *s = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmRng		rng;
	const double *r;
	double		far_w = 0;
	int			far_reps = 0;
	int			i;

	crm_rng_seed(&rng, 3);
	for (i = 0; i < N; i++)
	{
		double		x[2];

		blob_or_far_row(&rng, i, x);
		add_row(s, x);
	}
	crm_sketch_reduce(s, crm_sketch_reduce_target(s));
	CHECK(sketch_ok(s));
	r = crm_sketch_reps(s);
	for (i = 0; i < s->nreps; i++)
	{
		const double *p = r + 4 * i;

		CHECK(p[2] < 10 || p[2] > 990);		/* nobody in the gap */
		if (p[2] > 500)
		{
			far_reps++;
			far_w += p[0];
			CHECK(p[3] > 990);
		}
	}
	CHECK(far_reps >= 1);
	CHECK(far_w == 20);
}

/* ------------------------------------------------------------ absorption */

/* A sketch with its absorption index, as the aggregate's state keeps them. */
typedef struct Absorbing
{
	CrmSketch  *s;
	CrmSketchIndex ix;
	int			reductions;
} Absorbing;

static void
absorbing_init(Absorbing *a, int d, int budget_kb, int scale)
{
	a->s = new_sketch(d, budget_kb, scale);
	crm_sketch_index_init(&a->ix, crm_core_alloc(crm_sketch_index_size(d, a->s->capacity)),
						  d, a->s->capacity);
	a->reductions = 0;
}

static void
absorbing_free(Absorbing *a)
{
	crm_core_free(a->ix.g);	/* the index memory starts with g */
	crm_core_free(a->s);
}

/* Add a row as the transition does: reduce and index when full, then absorb. */
static void
add_row_absorbing(Absorbing *a, const double *x)
{
	CrmError	err = {0};

	if (a->s->nreps == a->s->capacity)
	{
		crm_sketch_reduce(a->s, crm_sketch_reduce_target(a->s));
		crm_sketch_index_build(a->s, &a->ix);
		a->reductions++;
	}
	CHECK(a->s->nreps < a->s->capacity);
	CHECK(crm_sketch_add_indexed(a->s, &a->ix, x, &err));
}

/* qsort order of 2-D representatives (w, q, x, y): by every field */
static int
rep4_cmp(const void *pa, const void *pb)
{
	const double *a = pa;
	const double *b = pb;
	int			j;

	for (j = 0; j < 4; j++)
		if (a[j] != b[j])
			return a[j] < b[j] ? -1 : 1;
	return 0;
}

/*
 * Absorption keeps what reduction keeps: the total weight exactly, the mean
 * and total scatter within MOMENT_TOL (MOMENT_TOL's reasoning holds: a
 * row's join is one merge), a valid sketch after every row; and it makes
 * reductions rarer: on the same 20,000 rows of seven blobs, less than half
 * as many (2-D blobs; the 8-D benchmark bank goes from 243 to 25 at 2M
 * rows).  The same rows give the same bytes (deterministic).
 */
UNIT_TEST(sketch_absorb_keeps_moments)
{
	enum
	{
		N = 20000
	};
	static double x[N * 2];
	Absorbing	a,
				b;
	CrmSketch  *plain = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmRng		rng;
	Moments		want,
				got;
	int			plain_reductions = 0;
	int			i;

	crm_rng_seed(&rng, 2);
	for (i = 0; i < N; i++)
	{
		blob_row(&rng, x + 2 * i);
		x[2 * i] += (i % 7) * 3;
	}
	absorbing_init(&a, 2, 64, CRM_SCALE_NONE);
	absorbing_init(&b, 2, 64, CRM_SCALE_NONE);
	for (i = 0; i < N; i++)
	{
		if (plain->nreps == plain->capacity)
			plain_reductions++;
		add_row(plain, x + 2 * i);
		add_row_absorbing(&a, x + 2 * i);
		add_row_absorbing(&b, x + 2 * i);
		if (i % 997 == 0)
			CHECK(sketch_ok(a.s));
	}
	CHECK(sketch_ok(a.s));
	CHECK_INT(a.s->rows, N);
	CHECK(a.reductions >= 1);
	CHECK(2 * a.reductions < plain_reductions);
	row_moments(x, N, &want);
	rep_moments(a.s, &got);
	check_moments(&got, &want);
	/* the statistics do not depend on how the rows were grouped */
	CHECK(memcmp(crm_sketch_stats(a.s), crm_sketch_stats(plain), sizeof(double) * 2 * CRM_ST_COUNT) == 0);
	CHECK(same_sketch(a.s, b.s));
	absorbing_free(&a);
	absorbing_free(&b);
	crm_core_free(plain);
}

/*
 * Indexing only reorders the representatives (the same multiset, the same
 * statistics); a row at a representative's mean joins it (weight + 1, the
 * mean unchanged, no scatter added) when it stands for several rows; a row
 * far from everything takes a slot of its own; and with no index (nreps 0)
 * every row takes a slot.
 */
UNIT_TEST(sketch_index_and_join)
{
	enum
	{
		N = 2000
	};
	Absorbing	a;
	CrmSketch  *before;
	CrmRng		rng;
	CrmError	err = {0};
	double	   *r1,
			   *r2;
	double		x[2];
	double		w,
				q;
	int			i,
				n,
				at = -1;

	absorbing_init(&a, 2, 64, CRM_SCALE_NONE);
	crm_rng_seed(&rng, 6);
	for (i = 0; i < N; i++)
	{
		blob_row(&rng, x);
		add_row(a.s, x);
	}
	crm_sketch_reduce(a.s, crm_sketch_reduce_target(a.s));
	before = copy_sketch(a.s);
	crm_sketch_index_build(a.s, &a.ix);
	CHECK_INT(a.ix.nreps, a.s->nreps);
	CHECK(a.ix.nnodes > 1);
	CHECK(sketch_ok(a.s));
	CHECK(memcmp(crm_sketch_stats(a.s), crm_sketch_stats(before), sizeof(double) * 2 * CRM_ST_COUNT) == 0);
	n = a.s->nreps;
	r1 = crm_core_alloc(sizeof(double) * 4 * n);
	r2 = crm_core_alloc(sizeof(double) * 4 * n);
	memcpy(r1, crm_sketch_reps(a.s), sizeof(double) * 4 * n);
	memcpy(r2, crm_sketch_reps(before), sizeof(double) * 4 * n);
	qsort(r1, n, sizeof(double) * 4, rep4_cmp);
	qsort(r2, n, sizeof(double) * 4, rep4_cmp);
	CHECK(memcmp(r1, r2, sizeof(double) * 4 * n) == 0);

	/* a row exactly at a heavy representative's mean joins it */
	for (i = 0; i < n && at < 0; i++)
		if (crm_sketch_reps(a.s)[4 * i] >= 2 && crm_sketch_reps(a.s)[4 * i + 1] > 0)
			at = i;
	CHECK(at >= 0);
	x[0] = crm_sketch_reps(a.s)[4 * at + 2];
	x[1] = crm_sketch_reps(a.s)[4 * at + 3];
	w = crm_sketch_reps(a.s)[4 * at];
	q = crm_sketch_reps(a.s)[4 * at + 1];
	CHECK(crm_sketch_add_indexed(a.s, &a.ix, x, &err));
	CHECK_INT(a.s->nreps, n);
	CHECK_INT(a.s->rows, N + 1);
	CHECK(crm_sketch_reps(a.s)[4 * at] == w + 1);
	CHECK(crm_sketch_reps(a.s)[4 * at + 1] == q);
	CHECK(crm_sketch_reps(a.s)[4 * at + 2] == x[0]);
	CHECK(crm_sketch_reps(a.s)[4 * at + 3] == x[1]);
	CHECK(sketch_ok(a.s));

	/* a far row takes a slot, and so does a row with no index */
	x[0] = 500;
	x[1] = -500;
	CHECK(crm_sketch_add_indexed(a.s, &a.ix, x, &err));
	CHECK_INT(a.s->nreps, n + 1);
	CHECK(crm_sketch_reps(a.s)[4 * n] == 1 && crm_sketch_reps(a.s)[4 * n + 2] == 500);
	a.ix.nreps = 0;
	x[0] = crm_sketch_reps(a.s)[4 * at + 2];
	x[1] = crm_sketch_reps(a.s)[4 * at + 3];
	CHECK(crm_sketch_add_indexed(a.s, &a.ix, x, &err));
	CHECK_INT(a.s->nreps, n + 2);
	CHECK(sketch_ok(a.s));
	crm_core_free(r1);
	crm_core_free(r2);
	crm_core_free(before);
	absorbing_free(&a);
}

/*
 * The small far cluster of sketch_keeps_small_far_cluster with absorption:
 * no near representative absorbs a far row, and the far rows end up in
 * representatives of their own that stand for exactly them.
 */
UNIT_TEST(sketch_absorb_keeps_small_far_cluster)
{
	enum
	{
		N = 20000
	};
	Absorbing	a;
	CrmRng		rng;
	const double *r;
	double		far_w = 0;
	int			i;

	absorbing_init(&a, 2, 64, CRM_SCALE_NONE);
	crm_rng_seed(&rng, 3);
	for (i = 0; i < N; i++)
	{
		double		x[2];

		blob_or_far_row(&rng, i, x);
		add_row_absorbing(&a, x);
	}
	CHECK(a.reductions >= 1);
	CHECK(sketch_ok(a.s));
	r = crm_sketch_reps(a.s);
	for (i = 0; i < a.s->nreps; i++)
	{
		const double *p = r + 4 * i;

		CHECK(p[2] < 10 || p[2] > 990);
		if (p[2] > 500)
		{
			far_w += p[0];
			CHECK(p[3] > 990);
		}
	}
	CHECK(far_w == 20);
	absorbing_free(&a);
}

/*
 * Spreads so tiny that squared distances would underflow (TinyScale): no
 * index is built, and every row takes a slot as without absorption.
 */
UNIT_TEST(sketch_index_tiny_spread)
{
	Absorbing	a;
	CrmRng		rng;
	int			i;

	absorbing_init(&a, 2, 64, CRM_SCALE_NONE);
	crm_rng_seed(&rng, 7);
	for (i = 0; i < 2 * a.s->capacity; i++)
	{
		double		x[2];

		blob_row(&rng, x);
		x[0] *= 1e-300;
		x[1] *= 1e-300;
		add_row_absorbing(&a, x);
	}
	CHECK(a.reductions >= 1);
	CHECK_INT(a.ix.nreps, 0);
	CHECK(sketch_ok(a.s));
	absorbing_free(&a);
}

/*
 * Merging: the statistics of A merged with B are those of a sketch of the
 * union (count, min and max exactly; mean and variance to rounding), and
 * the representatives of both, reduced as the combine function does, keep
 * the union's moments.  Merging into an empty sketch takes the other's
 * statistics as they are.
 */
UNIT_TEST(sketch_merge_equals_union)
{
	enum
	{
		NA = 1500, NB = 2500
	};
	static double x[(NA + NB) * 2];
	CrmSketch  *a = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmSketch  *b = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmSketch  *u = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmSketch  *e = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmError	err = {0};
	Moments		want,
				got;
	const double *rb;
	int			i,
				j;

	{
		CrmRng		rng;

		crm_rng_seed(&rng, 4);
		for (i = 0; i < NA + NB; i++)
		{
			blob_row(&rng, x + 2 * i);
			/* B's rows sit elsewhere, so the shifts differ a lot */
			if (i >= NA)
			{
				x[2 * i] += 250;
				x[2 * i + 1] -= 40;
			}
		}
	}
	for (i = 0; i < NA + NB; i++)
	{
		add_row(i < NA ? a : b, x + 2 * i);
		add_row(u, x + 2 * i);
	}
	CHECK(crm_sketch_mergeable(e, b, &err));
	crm_sketch_merge_stats(e, b);
	CHECK(e->rows == b->rows);
	CHECK(memcmp(crm_sketch_stats(e), crm_sketch_stats(b), sizeof(double) * 2 * CRM_ST_COUNT) == 0);

	CHECK(crm_sketch_mergeable(a, b, &err));
	crm_sketch_merge_stats(a, b);
	CHECK_INT(a->rows, NA + NB);
	for (j = 0; j < 2; j++)
	{
		const double *ta = crm_sketch_stats(a) + j * CRM_ST_COUNT;
		const double *tu = crm_sketch_stats(u) + j * CRM_ST_COUNT;

		CHECK(ta[CRM_ST_MIN] == tu[CRM_ST_MIN]);
		CHECK(ta[CRM_ST_MAX] == tu[CRM_ST_MAX]);
		/* re-centring B's sums on A's shift: a few roundings of values ~ 1e5 */
		CHECK_NEAR(crm_sketch_mean(a, j), crm_sketch_mean(u, j), 1e-12);
		CHECK_REL(crm_sketch_var(a, j), crm_sketch_var(u, j), 1e-10);
	}
	/* the representatives, as cluster_sketch_combine moves them */
	a->flags |= b->flags & CRM_SKETCH_REDUCED;
	rb = crm_sketch_reps(b);
	for (i = 0; i < b->nreps; i++)
	{
		if (a->nreps == a->capacity)
			crm_sketch_reduce(a, crm_sketch_reduce_target(a));
		memcpy(crm_sketch_reps(a) + (size_t) a->nreps * 4, rb + (size_t) i * 4, sizeof(double) * 4);
		a->nreps++;
	}
	CHECK(sketch_ok(a));
	row_moments(x, NA + NB, &want);
	rep_moments(a, &got);
	check_moments(&got, &want);
}

/*
 * Merging is refused across dimensions, k, options (but budget_kb), and
 * beyond 2^53 rows.
 */
UNIT_TEST(sketch_mergeable_errors)
{
	CrmSketch  *a = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmSketch  *b = new_sketch(3, 64, CRM_SCALE_NONE);
	CrmSketch  *c = new_sketch(2, 64, CRM_SCALE_ZSCORE);
	CrmSketch   h1,
				h2;
	CrmError	err = {0};

	CHECK(!crm_sketch_mergeable(a, b, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "2 and 3 dimensions");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_sketch_mergeable(a, c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "different options");
	CHECK(strstr(err.hint, "budget_kb") != NULL);
	memset(&err, 0, sizeof(err));
	/* headers alone: version 1 has no names block after the header */
	h1 = *a;
	h1.version = CRM_SKETCH_VERSION_1;
	h2 = h1;
	h2.k = 3;
	CHECK(!crm_sketch_mergeable(&h1, &h2, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "k = 0 and k = 3");
	memset(&err, 0, sizeof(err));
	h1.rows = CRM_MAX_ROWS / 2 + 1;
	h2 = h1;
	CHECK(!crm_sketch_mergeable(&h1, &h2, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "more than");
	memset(&err, 0, sizeof(err));
	h2.rows = CRM_MAX_ROWS / 2 - 1;
	CHECK(crm_sketch_mergeable(&h1, &h2, &err));
}

/*
 * The default budget holds CRM_SKETCH_DEFAULT_REPS representatives (rounded
 * up to a whole kB: at most a few more), names included, up to its 16 MB
 * cap; wide rows get the cap, as every sketch did in crm 0.1.0.
 */
UNIT_TEST(sketch_default_budget)
{
	static const int dims[] = {1, 4, 14, 100, 117};
	size_t		names_cost = 4096;
	int			i;

	for (i = 0; i < (int) (sizeof(dims) / sizeof(dims[0])); i++)
	{
		int			d = dims[i];
		int			b = crm_sketch_default_budget(d, 0);
		int			per_rep = (d + 2) * 8 + CRM_SKETCH_SCRATCH_PER_REP;

		CHECK(b >= CRM_SKETCH_MIN_BUDGET_KB && b <= CRM_SKETCH_DEFAULT_BUDGET_KB);
		CHECK(crm_sketch_capacity(d, 0, b) >= CRM_SKETCH_DEFAULT_REPS);
		/* one kB less would not do: the smallest such budget */
		CHECK(crm_sketch_capacity(d, 0, b - 1) < CRM_SKETCH_DEFAULT_REPS);
		CHECK(crm_sketch_capacity(d, 0, b) < CRM_SKETCH_DEFAULT_REPS + 1024 / per_rep + 1);
		b = crm_sketch_default_budget(d, names_cost);
		CHECK(crm_sketch_capacity(d, names_cost, b) >= CRM_SKETCH_DEFAULT_REPS);
		CHECK(crm_sketch_capacity(d, names_cost, b - 1) < CRM_SKETCH_DEFAULT_REPS);
	}
	/* 4 features: 16,384 representatives of 112 bytes, about 1.75 MB */
	CHECK_INT(crm_sketch_default_budget(4, 0), 1793);
	/* from 118 features the cap: fewer representatives, as in crm 0.1.0 */
	CHECK_INT(crm_sketch_default_budget(118, 0), CRM_SKETCH_DEFAULT_BUDGET_KB);
	CHECK(crm_sketch_capacity(118, 0, CRM_SKETCH_DEFAULT_BUDGET_KB) < CRM_SKETCH_DEFAULT_REPS);
	CHECK_INT(crm_sketch_default_budget(1000, 0), CRM_SKETCH_DEFAULT_BUDGET_KB);
}

/*
 * Sketches of different budgets merge; lowering a budget (the merge's
 * first step) sets the capacity of the smaller budget and reduces to it
 * only when the representatives exceed it, keeping the moments.
 */
UNIT_TEST(sketch_lower_budget)
{
	enum
	{
		N = 3000
	};
	static double x[N * 2];
	CrmSketch  *big = new_sketch(2, 128, CRM_SCALE_NONE);
	CrmSketch  *small = new_sketch(2, 64, CRM_SCALE_NONE);
	CrmSketch  *c;
	CrmRng		rng;
	CrmError	err = {0};
	Moments		want,
				got;
	int			i;

	crm_rng_seed(&rng, 5);
	for (i = 0; i < N; i++)
		blob_row(&rng, x + 2 * i);
	CHECK(crm_sketch_mergeable(big, small, &err));
	CHECK(crm_sketch_mergeable(small, big, &err));
	/* a higher budget changes nothing */
	CHECK(!crm_sketch_lower_budget(small, 128));
	CHECK_INT(small->opt.budget_kb, 64);
	/* fewer rows than the smaller capacity: no reduction, exact */
	for (i = 0; i < 100; i++)
		add_row(big, x + 2 * i);
	c = copy_sketch(big);
	CHECK(!crm_sketch_lower_budget(c, 64));
	CHECK_INT(c->opt.budget_kb, 64);
	CHECK_INT(c->capacity, small->capacity);
	CHECK_INT(c->nreps, 100);
	CHECK(sketch_ok(c));
	crm_core_free(c);
	/* more: reduced to half the smaller capacity, moments unchanged */
	for (; i < N; i++)
		add_row(big, x + 2 * i);
	CHECK(big->nreps > small->capacity);
	CHECK(crm_sketch_lower_budget(big, 64));
	CHECK_INT(big->capacity, small->capacity);
	CHECK(big->nreps <= crm_sketch_reduce_target(big));
	CHECK(big->flags & CRM_SKETCH_REDUCED);
	CHECK(sketch_ok(big));
	row_moments(x, N, &want);
	rep_moments(big, &got);
	check_moments(&got, &want);
	crm_core_free(big);
	crm_core_free(small);
}

/* A sketch counting 2^53 rows refuses another (counts stay exact). */
UNIT_TEST(sketch_add_row_limit)
{
	CrmSketch  *s = new_sketch(1, 64, CRM_SCALE_NONE);
	CrmError	err = {0};
	double		x = 1;

	s->rows = CRM_MAX_ROWS;
	CHECK(!crm_sketch_add(s, &x, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "rows");
	CHECK_INT(s->nreps, 0);
}

/* Sketches of every kind for the round trips: unreduced, reduced, atan, empty. */
static CrmSketch *
sample_sketch(int which)
{
	CrmSketch  *s;
	CrmRng		rng;
	int			n = which == 0 ? 5 : (which == 3 ? 0 : 3000);
	int			i;

	s = new_sketch(2, 64, which == 2 ? CRM_SCALE_ATAN : (which == 1 ? CRM_SCALE_ZSCORE : CRM_SCALE_NONE));
	s->opt.seed = UINT64_MAX - which;	/* seeds beyond 2^63 print exactly */
	s->opt.tol = 1e-7;
	crm_rng_seed(&rng, 10 + which);
	for (i = 0; i < n; i++)
	{
		double		x[2];

		blob_row(&rng, x);
		x[0] = x[0] * 1e5 + 0.1;	/* values that need all 17 digits */
		x[1] /= 3;
		add_row(s, x);
	}
	return s;
}

/* print -> parse gives the same bytes, and printing is a fixed point. */
UNIT_TEST(sketch_print_parse_round_trip)
{
	int			which;

	for (which = 0; which < 4; which++)
	{
		CrmSketch  *s = sample_sketch(which);
		char	   *text = crm_sketch_print(s);
		CrmError	err = {0};
		CrmSketch  *back = crm_sketch_parse(text, &err);

		CHECK(sketch_ok(s));
		CHECK(back != NULL);
		if (back == NULL)
		{
			unit_fail(__FILE__, __LINE__, "parse: %s (%s)", err.message, err.detail);
			continue;
		}
		CHECK(same_sketch(back, s));
		CHECK_STR(crm_sketch_print(back), text);
		/* crm_sketch_read_text takes the JSON form too */
		back = crm_sketch_read_text(text, NULL, &err);
		CHECK(back != NULL && same_sketch(back, s));
	}
}

/* encode -> decode and the compact text give the same bytes. */
UNIT_TEST(sketch_encode_decode_round_trip)
{
	int			which;

	for (which = 0; which < 4; which++)
	{
		CrmSketch  *s = sample_sketch(which);
		size_t		n;
		uint8_t    *bin = crm_sketch_encode(s, NULL, &n);
		CrmError	err = {0};
		CrmSketch  *back;
		char	   *compact;

		CHECK(n == crm_sketch_binary_size(s));
		back = crm_sketch_decode(bin, n, CRM_ERR_BINARY, NULL, &err);
		CHECK(back != NULL && same_sketch(back, s));
		compact = crm_wire_to_text(bin, n);
		back = crm_sketch_read_text(compact, NULL, &err);
		CHECK(back != NULL && same_sketch(back, s));
		/* a sketch of a few hundred representatives: compact is smaller */
		if (s->nreps > 100)
			CHECK(strlen(compact) < strlen(crm_sketch_print(s)));
	}
}

/*
 * Every proper prefix of a binary form is refused as truncated (22P03 for
 * recv, 22P02 through the compact text), and so is a trailing byte.
 */
UNIT_TEST(sketch_decode_rejects_truncation)
{
	CrmSketch  *s = sample_sketch(0);
	size_t		n,
				cut;
	uint8_t    *bin = crm_sketch_encode(s, NULL, &n);
	uint8_t    *longer = crm_core_alloc(n + 1);

	for (cut = 0; cut < n; cut++)
	{
		CrmError	err = {0};

		CHECK(crm_sketch_decode(bin, cut, CRM_ERR_BINARY, NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_sketch_read_text(crm_wire_to_text(bin, cut), NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	memcpy(longer, bin, n);
	{
		CrmError	err = {0};

		CHECK(crm_sketch_decode(longer, n + 1, CRM_ERR_BINARY, NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
}

/* One corruption of a valid reduced sketch and the error it must give. */
typedef struct Corruption
{
	const char *name;
	int			kind;
	const char *fragment;
} Corruption;

/*
 * crm_sketch_check refuses each corruption with the right kind and words;
 * the binary decoder and the JSON parser refuse them alike.
 */
UNIT_TEST(sketch_check_rejects_corruptions)
{
	static const Corruption cases[] = {
		{"version", CRM_ERR_BINARY, "version"},
		{"dims 0", CRM_ERR_INVALID, "needs at least 1 feature"},
		{"k -1", CRM_ERR_INVALID, "k must be at least 1"},
		{"unknown flag", CRM_ERR_INVALID, "header"},
		{"rows -1", CRM_ERR_INVALID, "header"},
		{"scale 9", CRM_ERR_INVALID, "must be one of \"none\""},
		{"restarts 0", CRM_ERR_INVALID, "restarts"},
		{"capacity", CRM_ERR_INVALID, "capacity"},
		{"stat NaN", CRM_ERR_INVALID, "finite"},
		{"min above shift", CRM_ERR_INVALID, "inconsistent"},
		{"max beyond 1e100", CRM_ERR_RANGE, "out of range"},
		{"sum too large", CRM_ERR_INVALID, "inconsistent"},
		{"sumsq negative", CRM_ERR_INVALID, "inconsistent"},
		{"sketch-space sum without atan", CRM_ERR_INVALID, "inconsistent"},
		{"weight 0.5", CRM_ERR_INVALID, "weight or scatter"},
		{"weights short", CRM_ERR_INVALID, "stand for"},
		{"weights over", CRM_ERR_INVALID, "more than"},
		{"scatter negative", CRM_ERR_INVALID, "weight or scatter"},
		{"coordinate outside", CRM_ERR_INVALID, "outside the range"},
		{"coordinate Infinity", CRM_ERR_INVALID, "finite"},
		{"not marked reduced", CRM_ERR_INVALID, "not marked reduced"},
		{NULL, 0, NULL}
	};
	CrmSketch  *good = sample_sketch(0);
	int			c;

	/* sample 0 is unreduced; reduce it to two representatives */
	crm_sketch_reduce(good, 2);
	CHECK(sketch_ok(good));
	CHECK_INT(good->nreps, 2);
	for (c = 0; cases[c].name; c++)
	{
		CrmSketch  *s = copy_sketch(good);
		double	   *st = crm_sketch_stats(s);
		double	   *r = crm_sketch_reps(s);
		const char *nm = cases[c].name;
		CrmError	err = {0};
		size_t		n;
		uint8_t    *bin;

		if (!strcmp(nm, "version"))
			s->version = 3;
		else if (!strcmp(nm, "dims 0"))
			s->dims = 0;
		else if (!strcmp(nm, "k -1"))
			s->k = -1;
		else if (!strcmp(nm, "unknown flag"))
			s->flags |= 0x40;
		else if (!strcmp(nm, "rows -1"))
			s->rows = -1;
		else if (!strcmp(nm, "scale 9"))
			s->opt.scale = 9;
		else if (!strcmp(nm, "restarts 0"))
			s->opt.restarts = 0;
		else if (!strcmp(nm, "capacity"))
			s->capacity++;
		else if (!strcmp(nm, "stat NaN"))
			st[CRM_ST_SUMSQ] = NAN;
		else if (!strcmp(nm, "min above shift"))
			st[CRM_ST_MIN] = st[CRM_ST_SHIFT] + 1;
		else if (!strcmp(nm, "max beyond 1e100"))
			st[CRM_ST_MAX] = 2e100;
		else if (!strcmp(nm, "sum too large"))
			st[CRM_ST_SUM] = 2 * (double) s->rows * (st[CRM_ST_MAX] - st[CRM_ST_MIN]);
		else if (!strcmp(nm, "sumsq negative"))
			st[CRM_ST_SUMSQ] = -1;
		else if (!strcmp(nm, "sketch-space sum without atan"))
			st[CRM_ST_SSUM] = 1;
		else if (!strcmp(nm, "weight 0.5"))
			r[0] = 0.5;
		else if (!strcmp(nm, "weights short"))
			r[0] -= 1;
		else if (!strcmp(nm, "weights over"))
			r[0] += 1;
		else if (!strcmp(nm, "scatter negative"))
			r[1] = -1;
		else if (!strcmp(nm, "coordinate outside"))
			r[2] = st[CRM_ST_MAX] + 1;
		else if (!strcmp(nm, "coordinate Infinity"))
			r[3] = INFINITY;
		else if (!strcmp(nm, "not marked reduced"))
			s->flags &= ~CRM_SKETCH_REDUCED;
		else
			unit_fail(__FILE__, __LINE__, "unknown case %s", nm);

		if (crm_sketch_check(s, crm_sketch_value_size(good), &err))
		{
			unit_fail(__FILE__, __LINE__, "case \"%s\" was accepted", nm);
			continue;
		}
		if ((int) err.kind != cases[c].kind || !strstr(err.message, cases[c].fragment))
			unit_fail(__FILE__, __LINE__, "case \"%s\": kind %d, \"%s\"", nm, err.kind, err.message);

		/*
		 * The decoder refuses the same value.  The binary form has no
		 * capacity (it follows from the budget) and writes its own version,
		 * and dims 0 is a structure error there.
		 */
		if (s->dims < 1 || !strcmp(nm, "version") || !strcmp(nm, "capacity"))
			continue;
		memset(&err, 0, sizeof(err));
		bin = crm_sketch_encode(s, NULL, &n);
		if (crm_sketch_decode(bin, n, CRM_ERR_BINARY, NULL, &err) != NULL)
			unit_fail(__FILE__, __LINE__, "case \"%s\" decoded", nm);
		CHECK(err.kind != CRM_OK);
	}

	/* the size must match the header: 22P03 */
	{
		CrmError	err = {0};

		CHECK(!crm_sketch_check(good, crm_sketch_value_size(good) + 8, &err));
		CHECK_ERR(&err, CRM_ERR_BINARY, "does not match");
		memset(&err, 0, sizeof(err));
		CHECK(!crm_sketch_check(good, CRM_SKETCH_HDRSZ - 1, &err));
		CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
	}
}

/* The JSON reader: syntax errors are 22P02, bad values 22023 or 22003. */
UNIT_TEST(sketch_parse_rejects_bad_text)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"{}", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"{\"version\":3}", CRM_ERR_SYNTAX, NULL},
		{"{\"version\":1,\"dims\":0}", CRM_ERR_SYNTAX, NULL},
		{"{\"version\":1,\"dims\":1,\"k\":0,\"scale\":\"log\"}", CRM_ERR_INVALID, "must be one of \"none\""},
		{"{\"version\":1,\"dims\":1,\"k\":0,\"scale\":\"none\",\"atan_scale\":1,\"budget_kb\":64,"
			"\"seed\":42,\"restarts\":10,\"max_iter\":300,\"tol\":0.0001,\"rows\":1,\"reduced\":false,"
			"\"stats\":[[1,0,0,1,1,0,0]],\"reps\":[[1,0,1]]}", CRM_OK, NULL},
		/* the same with a coordinate outside [min, max] */
		{"{\"version\":1,\"dims\":1,\"k\":0,\"scale\":\"none\",\"atan_scale\":1,\"budget_kb\":64,"
			"\"seed\":42,\"restarts\":10,\"max_iter\":300,\"tol\":0.0001,\"rows\":1,\"reduced\":false,"
			"\"stats\":[[1,0,0,1,1,0,0]],\"reps\":[[1,0,2]]}", CRM_ERR_INVALID, "outside the range"},
		/* a number beyond float8 */
		{"{\"version\":1,\"dims\":1,\"k\":0,\"scale\":\"none\",\"atan_scale\":1,\"budget_kb\":64,"
			"\"seed\":42,\"restarts\":10,\"max_iter\":300,\"tol\":0.0001,\"rows\":1,\"reduced\":false,"
			"\"stats\":[[1,0,0,1,1e400,0,0]],\"reps\":[[1,0,1]]}", CRM_ERR_RANGE, "out of range"},
		/* trailing junk */
		{"{\"version\":1,\"dims\":1,\"k\":0,\"scale\":\"none\",\"atan_scale\":1,\"budget_kb\":64,"
			"\"seed\":42,\"restarts\":10,\"max_iter\":300,\"tol\":0.0001,\"rows\":1,\"reduced\":false,"
			"\"stats\":[[1,0,0,1,1,0,0]],\"reps\":[[1,0,1]]} x", CRM_ERR_SYNTAX, NULL},
		{"crm64:AQ", CRM_ERR_SYNTAX, NULL},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		CrmSketch  *s = crm_sketch_read_text(cases[i].text, NULL, &err);

		if (cases[i].kind == CRM_OK)
		{
			if (s == NULL)
				unit_fail(__FILE__, __LINE__, "case %d refused: %s (%s)", i, err.message, err.detail);
			continue;
		}
		if (s != NULL)
		{
			unit_fail(__FILE__, __LINE__, "case %d accepted", i);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(cases[i].fragment && !strstr(err.message, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "case %d: kind %d, \"%s\"", i, err.kind, err.message);
	}
}
