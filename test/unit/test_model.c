/*
 * test_model.c
 *	  Unit tests of the clustering model core (model_core.c): nearest
 *	  centroid, scaling, canonical order, the kmeans_refine accumulator, the
 *	  JSON, binary and compact text forms, and the checker.
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
 * A model of k clusters in d dimensions with the given centroids (scaled
 * space), scaling none unless changed; weights 1 and SSE 0.
 */
static CrmModel *
make_model(int k, int d, const double *centroids)
{
	CrmModel   *m = crm_model_new(k, d, false, NULL);
	int			j,
				c;

	m->scale = CRM_SCALE_NONE;
	m->atan_scale = 1.0;
	m->rows = k;
	m->iterations = 3;
	for (j = 0; j < d; j++)
		crm_model_factor(m)[j] = 1.0;
	memcpy(crm_model_centroids(m), centroids, sizeof(double) * k * d);
	for (c = 0; c < k; c++)
		crm_model_weight(m)[c] = 1;
	return m;
}

static size_t
model_bytes(const CrmModel *m)
{
	return crm_model_value_size(m);
}

static bool
model_ok(const CrmModel *m)
{
	CrmError	err = {0};
	bool		ok = crm_model_check(m, model_bytes(m), &err);

	if (!ok)
		unit_fail(__FILE__, __LINE__, "crm_model_check: %s (%s)", err.message, err.detail);
	return ok;
}

static bool
same_model(const CrmModel *a, const CrmModel *b)
{
	return a != NULL && b != NULL && model_bytes(a) == model_bytes(b) &&
		memcmp(a, b, model_bytes(a)) == 0;
}

/* The nearest centroid and its squared distance; ties go to the lower index. */
UNIT_TEST(model_nearest_centroid)
{
	double		cen[] = {0, 0, 10, 0, 0, 10};
	CrmModel   *m = make_model(3, 2, cen);
	struct
	{
		double		y[2];
		int			label;
		double		d2;
	}			cases[] = {
		{{1, 1}, 0, 2}, {{9, -1}, 1, 2}, {{-3, 12}, 2, 13}, {{6, 0}, 1, 16},
		{{5, 0}, 0, 25},		/* equidistant from 0 and 1 */
		{{5, 5}, 0, 50},		/* equidistant from all three */
		{{100, 100}, 1, 90 * 90 + 100 * 100},
	};
	size_t		i;

	CHECK(model_ok(m));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		double		d2 = -1;

		CHECK_INT(crm_model_nearest(m, cases[i].y, &d2), cases[i].label);
		CHECK(d2 == cases[i].d2);
	}
}

/*
 * Centroids 1e-200 apart: their squared distances underflow to 0, yet the
 * nearest one is still told apart; centroids near the +-2e100 limit do not
 * overflow into a wrong answer.
 */
UNIT_TEST(model_nearest_tiny_and_huge)
{
	double		tiny[] = {1e-200, 2e-200};
	double		huge[] = {-2e100, 1e100, 2e100};
	CrmModel   *t = make_model(2, 1, tiny);
	CrmModel   *h = make_model(3, 1, huge);
	double		y,
				d2;

	CHECK(model_ok(t) && model_ok(h));
	y = 1.4e-200;
	CHECK_INT(crm_model_nearest(t, &y, &d2), 0);
	y = 1.6e-200;
	CHECK_INT(crm_model_nearest(t, &y, &d2), 1);
	y = 9e-200;
	CHECK_INT(crm_model_nearest(t, &y, &d2), 1);
	y = -1e-200;
	CHECK_INT(crm_model_nearest(t, &y, &d2), 0);

	y = 1.6e100;
	CHECK_INT(crm_model_nearest(h, &y, &d2), 2);
	CHECK_REL(d2, 0.16e200, 1e-15);
	y = 1.4e100;
	CHECK_INT(crm_model_nearest(h, &y, &d2), 1);
	y = -1e100;
	CHECK_INT(crm_model_nearest(h, &y, &d2), 0);
}

/*
 * Scaling round trips.  zscore and minmax are y = (x - center) * factor:
 * unscaling rounds twice, so x comes back within a few ulps of the larger
 * of |x| and |center| (1e-15 relative with an absolute floor of 1).  atan
 * is y = 2/pi atan(x / s): tan amplifies the rounding of y near +-1 by
 * 1 / (1 - |y|), at most ~ 70 for |x / s| <= 100, so a few ulps times 70
 * stay below 1e-13.
 */
UNIT_TEST(model_scale_round_trips)
{
	double		cen[] = {0, 0};
	CrmModel   *m = make_model(1, 2, cen);
	double		xs[] = {-1e6, -37.25, -1, -1e-9, 0, 3e-7, 0.1, 2, 99.5, 12345.678, 8e8};
	size_t		i;
	int			scale;

	crm_model_center(m)[0] = 5;
	crm_model_center(m)[1] = -3;
	crm_model_factor(m)[0] = 0.5;
	crm_model_factor(m)[1] = 1.0 / 7;
	for (scale = CRM_SCALE_NONE; scale <= CRM_SCALE_MINMAX; scale++)
	{
		m->scale = scale;
		CHECK(model_ok(m));
		for (i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		{
			double		x[2] = {xs[i], -xs[i] * 3},
						y[2],
						back[2];

			crm_model_scale(m, x, y);
			CHECK(y[0] == (x[0] - 5) * 0.5);
			CHECK(y[1] == (x[1] + 3) * (1.0 / 7));
			crm_model_unscale(m, y, back);
			CHECK_NEAR(back[0], x[0], 1e-15 * fmax(1, fabs(x[0]) + 5));
			CHECK_NEAR(back[1], x[1], 1e-15 * fmax(1, fabs(x[1]) + 3));
		}
	}

	m->scale = CRM_SCALE_ATAN;
	m->atan_scale = 1000;
	crm_model_center(m)[0] = crm_model_center(m)[1] = 0;
	crm_model_factor(m)[0] = crm_model_factor(m)[1] = 1;
	CHECK(model_ok(m));
	for (i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
	{
		double		x[2] = {xs[i], xs[i] / 10},
					y[2],
					back[2];

		if (fabs(x[0]) > 1e5)
			continue;
		crm_model_scale(m, x, y);
		CHECK(fabs(y[0]) < 1 && fabs(y[1]) < 1);
		crm_model_unscale(m, y, back);
		CHECK_NEAR(back[0], x[0], 1e-13 * fmax(1e-300, fabs(x[0])));
		CHECK_NEAR(back[1], x[1], 1e-13 * fmax(1e-300, fabs(x[1])));
	}
	/* the ends of atan space are the infinities */
	{
		double		y[2] = {1, -1},
					back[2];

		crm_model_unscale(m, y, back);
		CHECK(isinf(back[0]) && back[0] > 0);
		CHECK(isinf(back[1]) && back[1] < 0);
	}
}

/* A row whose scaled value exceeds +-1e100 is refused (22003). */
UNIT_TEST(model_scale_row_range)
{
	double		cen[] = {0};
	CrmModel   *m = make_model(1, 1, cen);
	double		x = 1e95,
				y;
	CrmError	err = {0};

	m->scale = CRM_SCALE_ZSCORE;
	crm_model_factor(m)[0] = 1e4;
	CHECK(crm_model_scale_row(m, &x, &y, &err));
	CHECK(y == 1e99);
	crm_model_factor(m)[0] = 1e10;
	CHECK(!crm_model_scale_row(m, &x, &y, &err));
	CHECK_ERR(&err, CRM_ERR_RANGE, "out of range");
}

/*
 * zscore and minmax models fitted on a sketch centre and scale by its
 * statistics: zscore rows have mean 0 and variance 1, minmax rows span
 * [0, 1] (to rounding of a product and a quotient: 1e-15).
 */
UNIT_TEST(model_fitted_scaling)
{
	enum
	{
		N = 50
	};
	double		x[N];
	CrmClusterOptions o;
	int			scale,
				i;

	for (i = 0; i < N; i++)
		x[i] = 1000 + (i * 37 % 50) * 3.5;
	for (scale = CRM_SCALE_ZSCORE; scale <= CRM_SCALE_MINMAX; scale++)
	{
		CrmSketch  *s;
		CrmModel   *m;
		CrmError	err = {0};
		double		sum = 0,
					sumsq = 0,
					lo = INFINITY,
					hi = -INFINITY;
		int			found;

		crm_cluster_options_default(&o);
		o.scale = scale;
		s = crm_core_alloc(crm_sketch_size(CRM_NAMES_EMPTY_SIZE, 1, N));
		crm_sketch_init(s, 1, &o, 2, NULL);
		for (i = 0; i < N; i++)
			CHECK(crm_sketch_add(s, &x[i], &err));
		m = crm_kmeans_sketch(s, 2, &o, NULL, &found, &err);
		CHECK(m != NULL);
		if (m == NULL)
			return;
		CHECK(model_ok(m));
		for (i = 0; i < N; i++)
		{
			double		y;

			crm_model_scale(m, &x[i], &y);
			sum += y;
			sumsq += y * y;
			lo = fmin(lo, y);
			hi = fmax(hi, y);
		}
		if (scale == CRM_SCALE_ZSCORE)
		{
			CHECK_NEAR(sum / N, 0, 1e-13);
			CHECK_NEAR(sumsq / N, 1, 1e-13);
		}
		else
		{
			CHECK(lo == 0);
			CHECK_NEAR(hi, 1, 1e-15);
		}
	}
}

/* Canonical order: weight descending, then centroid ascending. */
UNIT_TEST(model_canonical_order)
{
	double		cen[] = {5, 1, 3, 2};
	CrmModel   *m = make_model(4, 1, cen);
	double		w[] = {10, 30, 10, 20};
	double		sse[] = {1, 2, 3, 4};
	int			c;

	for (c = 0; c < 4; c++)
	{
		crm_model_weight(m)[c] = w[c];
		crm_model_sse(m)[c] = sse[c];
	}
	crm_model_canonical_order(m);
	/* (30, 1, sse 2), (20, 2, sse 4), (10, 3, sse 3), (10, 5, sse 1) */
	CHECK(crm_model_centroids(m)[0] == 1 && crm_model_weight(m)[0] == 30 && crm_model_sse(m)[0] == 2);
	CHECK(crm_model_centroids(m)[1] == 2 && crm_model_weight(m)[1] == 20 && crm_model_sse(m)[1] == 4);
	CHECK(crm_model_centroids(m)[2] == 3 && crm_model_weight(m)[2] == 10 && crm_model_sse(m)[2] == 3);
	CHECK(crm_model_centroids(m)[3] == 5 && crm_model_weight(m)[3] == 10 && crm_model_sse(m)[3] == 1);
}

/*
 * What defines the assignment (scaling and centroids) defines the
 * fingerprint; weights and SSE do not.
 */
UNIT_TEST(model_fingerprint_and_same_assignment)
{
	double		cen[] = {1, 2, 3, 4};
	CrmModel   *a = make_model(2, 2, cen);
	CrmModel   *b = make_model(2, 2, cen);

	crm_model_weight(b)[0] = 99;
	crm_model_sse(b)[1] = 7;
	b->total_sse = 7;
	CHECK(crm_model_fingerprint(a) == crm_model_fingerprint(b));
	CHECK(crm_model_same_assignment(a, b));
	crm_model_centroids(b)[3] = nextafter(4, 5);
	CHECK(crm_model_fingerprint(a) != crm_model_fingerprint(b));
	CHECK(!crm_model_same_assignment(a, b));
	crm_model_centroids(b)[3] = 4;
	crm_model_factor(b)[0] = 2;
	CHECK(!crm_model_same_assignment(a, b));
}

/*
 * kmeans_refine is one exact Lloyd step: rows go to their nearest
 * centroid, the new centroids are the means, the new SSE is measured about
 * them.  Centroids 0 and 10; rows 1 2 3 | 8 9 13: means 2 and 10, SSE
 * 2 and 14 (about the old centroids: 14 and 14).
 */
UNIT_TEST(model_refine_one_lloyd_step)
{
	double		cen[] = {10, 0};
	double		rows[] = {1, 13, 2, 8, 3, 9};
	CrmModel   *m = make_model(2, 1, cen);
	CrmModel   *acc = crm_refine_start(m);
	CrmModel   *r;
	CrmError	err = {0};
	double		y;
	int			i;

	CHECK(model_ok(acc));
	CHECK(acc->flags & CRM_MODEL_PENDING);
	for (i = 0; i < 6; i++)
		CHECK(crm_refine_add(acc, &rows[i], &y, &err));
	CHECK(model_ok(acc));
	CHECK_INT(acc->pending_rows, 6);
	/* cluster 0 is the centroid 10 */
	CHECK(crm_model_acc_w(acc)[0] == 3 && crm_model_acc_w(acc)[1] == 3);
	CHECK(crm_model_acc_sum(acc)[0] == 30 && crm_model_acc_sum(acc)[1] == 6);
	CHECK(crm_model_acc_sse(acc)[0] == 14 && crm_model_acc_sse(acc)[1] == 14);

	r = crm_refine_finish(acc, &err);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	CHECK(model_ok(r));
	CHECK(!(r->flags & CRM_MODEL_PENDING));
	CHECK_INT(r->rows, 6);
	CHECK_INT(r->iterations, 4);
	/* equal weights: centroid order */
	CHECK(crm_model_centroids(r)[0] == 2 && crm_model_centroids(r)[1] == 10);
	CHECK(crm_model_weight(r)[0] == 3 && crm_model_weight(r)[1] == 3);
	CHECK(crm_model_sse(r)[0] == 2 && crm_model_sse(r)[1] == 14);
	CHECK(r->total_sse == 16);
}

/*
 * A 2-D zscore refine against a direct computation in scaled space, split
 * over two accumulators that are combined; a cluster no row reaches keeps
 * its centroid with weight and SSE 0.
 */
UNIT_TEST(model_refine_scaled_and_combined)
{
	enum
	{
		N = 400
	};
	double		cen[] = {-1, -1, 1, 1, 50, 50};
	CrmModel   *m = make_model(3, 2, cen);
	CrmModel   *whole,
			   *a,
			   *b,
			   *r1,
			   *r2;
	double		x[N][2];
	double		sum[3][2] = {{0}},
				w[3] = {0},
				sse[3] = {0};
	CrmRng		rng;
	CrmError	err = {0};
	int			i,
				c;

	m->scale = CRM_SCALE_ZSCORE;
	crm_model_center(m)[0] = 100;
	crm_model_center(m)[1] = -20;
	crm_model_factor(m)[0] = 0.01;
	crm_model_factor(m)[1] = 0.5;
	CHECK(model_ok(m));
	whole = crm_refine_start(m);
	a = crm_refine_start(m);
	b = crm_refine_start(m);
	crm_rng_seed(&rng, 6);
	for (i = 0; i < N; i++)
	{
		double		y[2],
					d2;
		int			l;

		x[i][0] = 100 + (crm_rng_double(&rng) - 0.5) * 400;
		x[i][1] = -20 + (crm_rng_double(&rng) - 0.5) * 8;
		CHECK(crm_refine_add(whole, x[i], y, &err));
		CHECK(crm_refine_add(i % 3 ? a : b, x[i], y, &err));
		/* direct: scale, nearest by brute force */
		y[0] = (x[i][0] - 100) * 0.01;
		y[1] = (x[i][1] + 20) * 0.5;
		l = 0;
		for (c = 1; c < 3; c++)
			if ((y[0] - cen[2 * c]) * (y[0] - cen[2 * c]) + (y[1] - cen[2 * c + 1]) * (y[1] - cen[2 * c + 1]) <
				(y[0] - cen[2 * l]) * (y[0] - cen[2 * l]) + (y[1] - cen[2 * l + 1]) * (y[1] - cen[2 * l + 1]))
				l = c;
		CHECK_INT(crm_model_nearest(m, y, &d2), l);
		w[l]++;
		sum[l][0] += y[0];
		sum[l][1] += y[1];
	}
	for (i = 0; i < N; i++)
	{
		double		y[2] = {(x[i][0] - 100) * 0.01, (x[i][1] + 20) * 0.5},
					d2;
		int			l = crm_model_nearest(m, y, &d2);

		sse[l] += (y[0] - sum[l][0] / w[l]) * (y[0] - sum[l][0] / w[l]) +
			(y[1] - sum[l][1] / w[l]) * (y[1] - sum[l][1] / w[l]);
	}
	CHECK(w[2] == 0);			/* nobody near (50, 50) */
	CHECK(crm_refine_combine(a, b, &err));
	CHECK_INT(a->pending_rows, N);
	r1 = crm_refine_finish(whole, &err);
	r2 = crm_refine_finish(a, &err);
	CHECK(r1 != NULL && r2 != NULL);
	if (r1 == NULL || r2 == NULL)
		return;
	for (c = 0; c < 3; c++)
	{
		/* find cluster c of the direct computation by its weight and side */
		int			j;
		bool		found = false;

		for (j = 0; j < 3; j++)
		{
			double		cx = w[c] > 0 ? sum[c][0] / w[c] : cen[2 * c];
			double		cy = w[c] > 0 ? sum[c][1] / w[c] : cen[2 * c + 1];

			if (crm_model_weight(r1)[j] != w[c] || fabs(crm_model_centroids(r1)[2 * j] - cx) > 1e-12)
				continue;
			found = true;
			/* the same sums in another order: rounding only (N terms ~ 1e-13) */
			CHECK_NEAR(crm_model_centroids(r1)[2 * j + 1], cy, 1e-12);
			/* SSE by the parallel axis theorem against the direct two-pass one */
			CHECK_NEAR(crm_model_sse(r1)[j], sse[c], 1e-10);
			CHECK(crm_model_weight(r2)[j] == w[c]);
			CHECK_NEAR(crm_model_centroids(r2)[2 * j], cx, 1e-12);
			CHECK_NEAR(crm_model_centroids(r2)[2 * j + 1], cy, 1e-12);
			CHECK_NEAR(crm_model_sse(r2)[j], sse[c], 1e-10);
		}
		CHECK(found);
	}

	/* accumulators of different models do not combine */
	{
		CrmModel   *other = make_model(3, 2, cen);
		CrmModel   *acc2 = crm_refine_start(other);

		CHECK(!crm_refine_combine(whole, acc2, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "different models");
	}
}

/* The accumulator counts at most 2^53 rows. */
UNIT_TEST(model_refine_row_limit)
{
	double		cen[] = {0};
	CrmModel   *acc = crm_refine_start(make_model(1, 1, cen));
	CrmModel   *acc2 = crm_refine_start(make_model(1, 1, cen));
	CrmError	err = {0};
	double		x = 1,
				y;

	acc->pending_rows = CRM_MAX_ROWS;
	crm_model_acc_w(acc)[0] = (double) CRM_MAX_ROWS;
	CHECK(!crm_refine_add(acc, &x, &y, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "cannot count more than 9007199254740992 rows");
	memset(&err, 0, sizeof(err));
	acc2->pending_rows = 1;
	crm_model_acc_w(acc2)[0] = 1;
	CHECK(!crm_refine_combine(acc, acc2, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "cannot count more than 9007199254740992 rows");
}

/* Models for the round trips: plain, atan, with an accumulator, and large. */
static CrmModel *
sample_model(int which)
{
	int			k = which == 3 ? 100 : 3;
	int			d = which == 3 ? 10 : 2;
	double	   *cen = crm_core_alloc(sizeof(double) * k * d);
	CrmModel   *m;
	CrmRng		rng;
	int			i;

	crm_rng_seed(&rng, 30 + which);
	for (i = 0; i < k * d; i++)
		cen[i] = which == 1 ? crm_rng_double(&rng) * 2 - 1 : (crm_rng_double(&rng) - 0.5) * 1e7 / 3;
	m = make_model(k, d, cen);
	m->scale = which == 1 ? CRM_SCALE_ATAN : CRM_SCALE_ZSCORE;
	m->atan_scale = which == 1 ? 123.456 : 1;
	m->rows = 1000 + which;
	m->total_sse = 0;
	for (i = 0; i < d; i++)
	{
		crm_model_center(m)[i] = which == 1 ? 0 : 0.1 * (i + 1);
		crm_model_factor(m)[i] = which == 1 ? 1 : 1.0 / (i + 3);
	}
	for (i = 0; i < k; i++)
	{
		crm_model_weight(m)[i] = 10 + i;
		crm_model_sse(m)[i] = 1.0 / 3 + i;
		m->total_sse += crm_model_sse(m)[i];
	}
	if (which == 2)
	{
		CrmModel   *acc = crm_refine_start(m);
		CrmError	err = {0};

		for (i = 0; i < 20; i++)
		{
			double		x[2] = {crm_rng_double(&rng) * 1e6, crm_rng_double(&rng)},
						y[2];

			CHECK(crm_refine_add(acc, x, y, &err));
		}
		m = acc;
	}
	return m;
}

/* print -> parse, encode -> decode and the compact text give the same bytes. */
UNIT_TEST(model_round_trips)
{
	int			which;

	for (which = 0; which < 4; which++)
	{
		CrmModel   *m = sample_model(which);
		char	   *text = crm_model_print(m, NULL);
		CrmError	err = {0};
		CrmModel   *back;
		size_t		n = crm_model_binary_size(m);
		size_t		len;
		uint8_t    *bin;

		CHECK(model_ok(m));
		/* JSON up to 8 kB of binary form, compact beyond */
		CHECK((strncmp(text, "crm64:", 6) == 0) == (n > CRM_WIRE_READABLE_MAX));
		CHECK(which != 3 || n > CRM_WIRE_READABLE_MAX);
		back = crm_model_parse(text, NULL, &err);
		if (back == NULL)
			unit_fail(__FILE__, __LINE__, "parse %d: %s (%s)", which, err.message, err.detail);
		CHECK(same_model(back, m));
		if (back)
			CHECK_STR(crm_model_print(back, NULL), text);

		bin = crm_model_encode(m, NULL, &len);
		CHECK(bin != NULL && len == n);
		back = crm_model_decode(bin, n, CRM_ERR_BINARY, NULL, &err);
		CHECK(same_model(back, m));
		back = crm_model_parse(crm_wire_to_text(bin, n), NULL, &err);
		CHECK(same_model(back, m));
	}
}

/* Every proper prefix of a binary form, and a trailing byte, are refused. */
UNIT_TEST(model_decode_rejects_truncation)
{
	CrmModel   *m = sample_model(2);
	size_t		n = crm_model_binary_size(m),
				cut;
	uint8_t    *bin = crm_core_alloc(n + 1);
	size_t		len;
	uint8_t    *enc = crm_model_encode(m, NULL, &len);

	CHECK(enc != NULL && len == n);
	memcpy(bin, enc, n);
	for (cut = 0; cut < n; cut++)
	{
		CrmError	err = {0};

		CHECK(crm_model_decode(bin, cut, CRM_ERR_BINARY, NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_model_parse(crm_wire_to_text(bin, cut), NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	{
		CrmError	err = {0};

		CHECK(crm_model_decode(bin, n + 1, CRM_ERR_BINARY, NULL, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
}

/*
 * crm_model_check refuses each corruption with the right kind and words,
 * and the binary decoder refuses the same values.
 */
UNIT_TEST(model_check_rejects_corruptions)
{
	static const struct
	{
		const char *name;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"version", CRM_ERR_INVALID, "version"},
		{"k 0", CRM_ERR_INVALID, "k must be at least 1"},
		{"k 1001", CRM_ERR_LIMIT, "k must be at most 1000"},
		{"dims 1001", CRM_ERR_LIMIT, "at most 1000 features"},
		{"flags", CRM_ERR_INVALID, "flags"},
		{"scale 4", CRM_ERR_INVALID, "scale must be one of"},
		{"rows -1", CRM_ERR_INVALID, "rows"},
		{"iterations -1", CRM_ERR_INVALID, "iterations"},
		{"pending rows without flag", CRM_ERR_INVALID, "pending rows"},
		{"total_sse NaN", CRM_ERR_INVALID, "total_sse"},
		{"total_sse negative", CRM_ERR_INVALID, "total_sse"},
		{"atan_scale 0", CRM_ERR_INVALID, "atan_scale"},
		{"center NaN", CRM_ERR_INVALID, "finite"},
		{"centroid Infinity", CRM_ERR_INVALID, "finite"},
		{"center 3e100", CRM_ERR_RANGE, "out of range"},
		{"centroid 3e100", CRM_ERR_RANGE, "out of range"},
		{"atan centroid 1.5", CRM_ERR_RANGE, "out of range"},
		{"factor 0", CRM_ERR_INVALID, "factors"},
		{"weight -1", CRM_ERR_INVALID, "weights and sse"},
		{"sse -1", CRM_ERR_INVALID, "weights and sse"},
		{"pending weight 0.5", CRM_ERR_INVALID, "whole row counts"},
		{"pending sse -1", CRM_ERR_INVALID, "whole row counts"},
		{"pending rows mismatch", CRM_ERR_INVALID, "pending weights sum"},
		{NULL, 0, NULL}
	};
	int			c;

	for (c = 0; cases[c].name; c++)
	{
		const char *nm = cases[c].name;
		bool		pending = strncmp(nm, "pending", 7) == 0;
		CrmModel   *good = sample_model(pending ? 2 : 0);
		size_t		size = model_bytes(good);
		CrmModel   *m = crm_core_alloc(size);
		CrmError	err = {0};

		memcpy(m, good, size);
		if (!strcmp(nm, "version"))
			m->version = 3;
		else if (!strcmp(nm, "k 0"))
			m->k = 0;
		else if (!strcmp(nm, "k 1001"))
			m->k = 1001;
		else if (!strcmp(nm, "dims 1001"))
			m->dims = 1001;
		else if (!strcmp(nm, "flags"))
			m->flags |= 0x8;
		else if (!strcmp(nm, "scale 4"))
			m->scale = 4;
		else if (!strcmp(nm, "rows -1"))
			m->rows = -1;
		else if (!strcmp(nm, "iterations -1"))
			m->iterations = -1;
		else if (!strcmp(nm, "pending rows without flag"))
			m->pending_rows = 1;
		else if (!strcmp(nm, "total_sse NaN"))
			m->total_sse = NAN;
		else if (!strcmp(nm, "total_sse negative"))
			m->total_sse = -1;
		else if (!strcmp(nm, "atan_scale 0"))
			m->atan_scale = 0;
		else if (!strcmp(nm, "center NaN"))
			crm_model_center(m)[1] = NAN;
		else if (!strcmp(nm, "centroid Infinity"))
			crm_model_centroids(m)[0] = -INFINITY;
		else if (!strcmp(nm, "center 3e100"))
			crm_model_center(m)[0] = 3e100;
		else if (!strcmp(nm, "centroid 3e100"))
			crm_model_centroids(m)[5] = -3e100;
		else if (!strcmp(nm, "atan centroid 1.5"))
		{
			m->scale = CRM_SCALE_ATAN;
			crm_model_centroids(m)[0] = 1.5;
		}
		else if (!strcmp(nm, "factor 0"))
			crm_model_factor(m)[1] = 0;
		else if (!strcmp(nm, "weight -1"))
			crm_model_weight(m)[2] = -1;
		else if (!strcmp(nm, "sse -1"))
			crm_model_sse(m)[0] = -1;
		else if (!strcmp(nm, "pending weight 0.5"))
			crm_model_acc_w(m)[0] += 0.5;
		else if (!strcmp(nm, "pending sse -1"))
			crm_model_acc_sse(m)[1] = -1;
		else if (!strcmp(nm, "pending rows mismatch"))
			m->pending_rows++;
		else
			unit_fail(__FILE__, __LINE__, "unknown case %s", nm);

		if (crm_model_check(m, size, &err))
		{
			unit_fail(__FILE__, __LINE__, "case \"%s\" was accepted", nm);
			continue;
		}
		if ((int) err.kind != cases[c].kind || !strstr(err.message, cases[c].fragment))
			unit_fail(__FILE__, __LINE__, "case \"%s\": kind %d, \"%s\"", nm, err.kind, err.message);

		/* the same value in binary (the header fields it carries) */
		if (m->k == good->k && m->dims == good->dims && m->version == good->version &&
			!(m->flags & 0x8))
		{
			size_t		n;
			uint8_t    *bin = crm_model_encode(m, NULL, &n);

			memset(&err, 0, sizeof(err));
			if (crm_model_decode(bin, n, CRM_ERR_BINARY, NULL, &err) != NULL)
				unit_fail(__FILE__, __LINE__, "case \"%s\" decoded", nm);
			else if ((int) err.kind != cases[c].kind)
				unit_fail(__FILE__, __LINE__, "case \"%s\" decoded with kind %d: %s", nm, err.kind, err.message);
		}
	}
	/* a size that does not match the header */
	{
		CrmModel   *m = sample_model(0);
		CrmError	err = {0};

		CHECK(!crm_model_check(m, model_bytes(m) - 8, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "does not match");
		memset(&err, 0, sizeof(err));
		CHECK(!crm_model_check(m, CRM_MODEL_HDRSZ - 1, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "truncated");
	}
}

/* The JSON reader: syntax errors 22P02, header values before allocation. */
UNIT_TEST(model_parse_rejects_bad_text)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"[]", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"{\"version\":1,\"k\":0", CRM_ERR_INVALID, "at least 1"},
		{"{\"version\":1,\"k\":1001", CRM_ERR_LIMIT, "k must be at most 1000"},
		{"{\"version\":1,\"k\":1,\"dims\":100000000", CRM_ERR_LIMIT, "at most 1000 features"},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"log\"", CRM_ERR_INVALID, "scale must be one of"},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"none\",\"atan_scale\":1,\"rows\":1,"
			"\"iterations\":1,\"total_sse\":0,\"center\":[0],\"factor\":[1],\"weight\":[1],"
			"\"sse\":[0],\"centroids\":[[5]]}", CRM_OK, NULL},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"none\",\"atan_scale\":1,\"rows\":1,"
			"\"iterations\":1,\"total_sse\":0,\"center\":[0],\"factor\":[1],\"weight\":[1],"
			"\"sse\":[0],\"centroids\":[[5,6]]}", CRM_ERR_SYNTAX, NULL},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"none\",\"atan_scale\":1,\"rows\":1,"
			"\"iterations\":1,\"total_sse\":0,\"center\":[0],\"factor\":[1],\"weight\":[1],"
			"\"sse\":[0],\"centroids\":[[NaN]]}", CRM_ERR_SYNTAX, NULL},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"none\",\"atan_scale\":1,\"rows\":1,"
			"\"iterations\":1,\"total_sse\":0,\"center\":[0],\"factor\":[1],\"weight\":[1],"
			"\"sse\":[0],\"centroids\":[[1e999]]}", CRM_ERR_RANGE, "out of range"},
		{"{\"version\":1,\"k\":1,\"dims\":1,\"scale\":\"none\",\"atan_scale\":1,\"rows\":1,"
			"\"iterations\":1,\"total_sse\":0,\"center\":[0],\"factor\":[-1],\"weight\":[1],"
			"\"sse\":[0],\"centroids\":[[5]]}", CRM_ERR_INVALID, "factors"},
		{"crm64:!!!!", CRM_ERR_SYNTAX, NULL},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		CrmModel   *m = crm_model_parse(cases[i].text, NULL, &err);

		if (cases[i].kind == CRM_OK)
		{
			if (m == NULL)
				unit_fail(__FILE__, __LINE__, "case %d refused: %s (%s)", i, err.message, err.detail);
			continue;
		}
		if (m != NULL)
		{
			unit_fail(__FILE__, __LINE__, "case %d accepted", i);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(cases[i].fragment && !strstr(err.message, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "case %d: kind %d, \"%s\"", i, err.kind, err.message);
	}
}
