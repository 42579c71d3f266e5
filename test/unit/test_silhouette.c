/*
 * test_silhouette.c
 *	  Unit tests of crm.silhouette's state (silhouette_core.c): the value
 *	  against Rousseeuw's definition, the bottom-s sample's independence of
 *	  row order and of splitting, the binary and compact text forms, and the
 *	  checker.
 */
#include <stdint.h>
#include <stdlib.h>

#include "silhouette_core.h"
#include "unit.h"
#include "wire_core.h"

/* A model (scale none) with the given centroids. */
static CrmModel *
model_of(int k, int d, const double *centroids)
{
	CrmModel   *m = crm_model_new(k, d, false, NULL);
	int			j;

	m->atan_scale = 1.0;
	for (j = 0; j < d; j++)
		crm_model_factor(m)[j] = 1.0;
	memcpy(crm_model_centroids(m), centroids, sizeof(double) * k * d);
	return m;
}

/* A state with rows x (n x d) added in order; heap is scratch. */
static CrmSilhouette *
state_of(const CrmModel *m, const double *x, int n, int *heap)
{
	CrmSilhouette *s = crm_silhouette_new(m);
	double	   *entry = crm_core_alloc(sizeof(double) * (m->dims + 2));
	int			i;

	for (i = 0; i < n; i++)
	{
		CrmError	err = {0};

		CHECK(crm_silhouette_add(s, heap, m, x + (size_t) i * m->dims, entry, &err));
	}
	return s;
}

static bool
state_ok(const CrmSilhouette *s)
{
	CrmError	err = {0};
	bool		ok = crm_silhouette_check(s, crm_silhouette_size(s->dims, s->used), &err);

	if (!ok)
		unit_fail(__FILE__, __LINE__, "crm_silhouette_check: %s", err.message);
	return ok;
}

/* Rousseeuw's silhouette of points with labels, mean over the points. */
static double
silhouette_def(const double *x, const int *label, int n, int d, int k)
{
	double		total = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		sum[16] = {0};
		int			cnt[16] = {0};
		double		a,
					b = INFINITY;
		int			m,
					c;

		for (m = 0; m < n; m++)
		{
			double		s2 = 0;
			int			j;

			if (m == i)
				continue;
			for (j = 0; j < d; j++)
				s2 += (x[i * d + j] - x[m * d + j]) * (x[i * d + j] - x[m * d + j]);
			sum[label[m]] += sqrt(s2);
			cnt[label[m]]++;
		}
		if (cnt[label[i]] == 0)
			continue;			/* a singleton scores 0 */
		a = sum[label[i]] / cnt[label[i]];
		for (c = 0; c < k; c++)
			if (c != label[i] && cnt[c] > 0 && sum[c] / cnt[c] < b)
				b = sum[c] / cnt[c];
		total += (b - a) / fmax(a, b);
	}
	return total / n;
}

/*
 * By hand: rows 0 and 2 (centroid 1) and 10 (centroid 10): s(0) = (10 - 2)
 * / 10, s(2) = (8 - 2) / 8, the singleton 0: mean (0.8 + 0.75) / 3.
 */
UNIT_TEST(silhouette_value_by_hand)
{
	double		cen[] = {1, 10};
	double		x[] = {10, 0, 2};
	int			heap[CRM_SILHOUETTE_SAMPLE];
	CrmModel   *m = model_of(2, 1, cen);
	CrmSilhouette *s = state_of(m, x, 3, heap);

	CHECK_INT(s->used, 3);
	CHECK_INT(s->rows, 3);
	CHECK(state_ok(s));
	CHECK_NEAR(crm_silhouette_value(s), (0.8 + 0.75) / 3, 1e-15);

	/* fewer than two clusters, or two rows: NaN, or the definition */
	{
		double		same[] = {0, 2, 3};
		CrmSilhouette *t = state_of(m, same, 3, heap);

		CHECK(isnan(crm_silhouette_value(t)));
		t = state_of(m, x, 1, heap);
		CHECK(isnan(crm_silhouette_value(t)));
	}
}

/*
 * Below the sample size every row is kept, and the value is the
 * definition's, with the labels the model assigns (sums of ~100 distances
 * in another order: 1e-12).
 */
UNIT_TEST(silhouette_value_matches_definition)
{
	enum
	{
		N = 90, D = 2, K = 3
	};
	double		cen[] = {0, 0, 3, 0, 0, 3};
	double		x[N * D];
	int			label[N];
	int			heap[CRM_SILHOUETTE_SAMPLE];
	CrmModel   *m = model_of(K, D, cen);
	CrmSilhouette *s;
	CrmRng		rng;
	int			i;

	crm_rng_seed(&rng, 17);
	for (i = 0; i < N; i++)
	{
		double		d2;

		x[i * D] = cen[(i % K) * D] + (crm_rng_double(&rng) - 0.5) * 4;
		x[i * D + 1] = cen[(i % K) * D + 1] + (crm_rng_double(&rng) - 0.5) * 4;
		label[i] = crm_model_nearest(m, x + i * D, &d2);
	}
	s = state_of(m, x, N, heap);
	CHECK_INT(s->used, N);
	CHECK(state_ok(s));
	CHECK_NEAR(crm_silhouette_value(s), silhouette_def(x, label, N, D, K), 1e-12);
}

/* Entries sorted by hash, for comparing samples as sets. */
static int	cmp_dims;

static int
cmp_entry(const void *a, const void *b)
{
	const double *x = a,
			   *y = b;
	int			j;

	for (j = 0; j < cmp_dims + 2; j++)
		if (x[j] != y[j])
			return x[j] < y[j] ? -1 : 1;
	return 0;
}

static double *
sorted_entries(const CrmSilhouette *s)
{
	size_t		stride = (size_t) s->dims + 2;
	double	   *e = crm_core_alloc(sizeof(double) * stride * (s->used > 0 ? s->used : 1));

	memcpy(e, crm_silhouette_entries(s), sizeof(double) * stride * s->used);
	cmp_dims = s->dims;
	qsort(e, (size_t) s->used, sizeof(double) * stride, cmp_entry);
	return e;
}

/*
 * The sample is the same whatever the row order, and whether the rows are
 * added to one state or to three that are combined: the same entries, the
 * same value bit for bit.
 */
UNIT_TEST(silhouette_sample_independent_of_order_and_split)
{
	enum
	{
		N = 5000, D = 2
	};
	double		cen[] = {0, 0, 5, 5};
	static double x[N * D],
				r[N * D];
	static int	heap[CRM_SILHOUETTE_SAMPLE];
	CrmModel   *m = model_of(2, D, cen);
	CrmSilhouette *a,
			   *b,
			   *parts[3];
	CrmRng		rng;
	CrmError	err = {0};
	double	   *ea,
			   *eb;
	double		va,
				vb;
	int			i,
				p;

	crm_rng_seed(&rng, 23);
	for (i = 0; i < N * D; i++)
		x[i] = crm_rng_double(&rng) * 6 - 0.5;
	for (i = 0; i < N; i++)
	{
		r[i * D] = x[(N - 1 - i) * D];
		r[i * D + 1] = x[(N - 1 - i) * D + 1];
	}
	a = state_of(m, x, N, heap);
	b = state_of(m, r, N, heap);
	CHECK_INT(a->used, CRM_SILHOUETTE_SAMPLE);
	CHECK_INT(a->rows, N);
	CHECK(state_ok(a) && state_ok(b));
	ea = sorted_entries(a);
	eb = sorted_entries(b);
	CHECK(memcmp(ea, eb, sizeof(double) * (D + 2) * CRM_SILHOUETTE_SAMPLE) == 0);
	va = crm_silhouette_value(a);
	vb = crm_silhouette_value(b);
	CHECK(memcmp(&va, &vb, sizeof(double)) == 0);
	CHECK(va > -1 && va < 1);

	/* three states of interleaved rows, combined into the first */
	for (p = 0; p < 3; p++)
	{
		static double part[N * D];
		int			n = 0;

		for (i = p; i < N; i += 3)
		{
			part[n * D] = x[i * D];
			part[n * D + 1] = x[i * D + 1];
			n++;
		}
		parts[p] = state_of(m, part, n, heap);
	}
	/* the first arrives with a full sample: its heap is built first */
	crm_silhouette_heapify(parts[0], heap);
	CHECK(crm_silhouette_combine(parts[0], heap, parts[1], &err));
	CHECK(crm_silhouette_combine(parts[0], heap, parts[2], &err));
	CHECK_INT(parts[0]->rows, N);
	CHECK_INT(parts[0]->used, CRM_SILHOUETTE_SAMPLE);
	eb = sorted_entries(parts[0]);
	CHECK(memcmp(ea, eb, sizeof(double) * (D + 2) * CRM_SILHOUETTE_SAMPLE) == 0);
	vb = crm_silhouette_value(parts[0]);
	CHECK(memcmp(&va, &vb, sizeof(double)) == 0);

	/* a state of another model does not combine */
	{
		double		cen2[] = {0, 0, 5, 6};
		CrmSilhouette *o = crm_silhouette_new(model_of(2, D, cen2));

		memset(&err, 0, sizeof(err));
		CHECK(!crm_silhouette_combine(a, heap, o, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "different models");
	}
}

/* Rows beyond +-1e100 in scaled space, and the row limit. */
UNIT_TEST(silhouette_add_errors)
{
	double		cen[] = {0};
	CrmModel   *m = model_of(1, 1, cen);
	CrmSilhouette *s = crm_silhouette_new(m);
	int			heap[CRM_SILHOUETTE_SAMPLE];
	double		entry[3];
	double		x = 1e95;
	CrmError	err = {0};

	crm_model_factor(m)[0] = 1e10;
	m->scale = CRM_SCALE_ZSCORE;
	CHECK(!crm_silhouette_add(s, heap, m, &x, entry, &err));
	CHECK_ERR(&err, CRM_ERR_RANGE, "out of range");
	CHECK_INT(s->rows, 0);
	crm_model_factor(m)[0] = 1;
	s->rows = CRM_MAX_ROWS;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_silhouette_add(s, heap, m, &x, entry, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "cannot count more than 9007199254740992 rows");
}

/* Binary and compact round trips; the text form is compact only. */
UNIT_TEST(silhouette_round_trips_and_truncation)
{
	double		cen[] = {0, 0, 4, 4};
	double		x[40];
	int			heap[CRM_SILHOUETTE_SAMPLE];
	CrmModel   *m = model_of(2, 2, cen);
	CrmSilhouette *s,
			   *back;
	size_t		n,
				cut;
	uint8_t    *bin;
	CrmError	err = {0};
	int			i;

	for (i = 0; i < 40; i++)
		x[i] = i * 0.37 - 3;
	s = state_of(m, x, 20, heap);
	n = crm_silhouette_binary_size(s);
	bin = crm_core_alloc(n + 1);
	CHECK(crm_silhouette_encode(s, bin));
	back = crm_silhouette_decode(bin, n, CRM_ERR_BINARY, &err);
	CHECK(back != NULL && memcmp(back, s, crm_silhouette_size(2, s->used)) == 0);
	back = crm_silhouette_parse(crm_silhouette_print(s), &err);
	CHECK(back != NULL && memcmp(back, s, crm_silhouette_size(2, s->used)) == 0);
	if (back)
		CHECK_STR(crm_silhouette_print(back), crm_silhouette_print(s));

	for (cut = 0; cut < n; cut++)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_silhouette_decode(bin, cut, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_silhouette_parse(crm_wire_to_text(bin, cut), &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	memset(&err, 0, sizeof(err));
	CHECK(crm_silhouette_decode(bin, n + 1, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	memset(&err, 0, sizeof(err));
	CHECK(crm_silhouette_parse("{\"dims\": 2}", &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "invalid input syntax for type crm.silhouette_state");
	bin[0] = 7;
	memset(&err, 0, sizeof(err));
	CHECK(crm_silhouette_decode(bin, n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
}

/* crm_silhouette_check and the decoder refuse corrupted states. */
UNIT_TEST(silhouette_check_rejects_corruptions)
{
	static const struct
	{
		const char *name;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"version", CRM_ERR_INVALID, "version"},
		{"flags", CRM_ERR_INVALID, "flags"},
		{"dims 1001", CRM_ERR_LIMIT, "at most 1000 features"},
		{"k 0", CRM_ERR_INVALID, "k must be at least 1"},
		{"sample", CRM_ERR_INVALID, "sample size must be 2000"},
		{"rows -1", CRM_ERR_INVALID, "rows must be between"},
		{"used", CRM_ERR_INVALID, "it must hold"},
		{"hash 2^53", CRM_ERR_INVALID, "invalid hash"},
		{"hash fraction", CRM_ERR_INVALID, "invalid hash"},
		{"label k", CRM_ERR_INVALID, "invalid cluster label"},
		{"label -1", CRM_ERR_INVALID, "invalid cluster label"},
		{"coordinate 1e101", CRM_ERR_RANGE, "is out of range"},
		{"coordinate NaN", CRM_ERR_INVALID, "must be a finite number, got NaN"},
		{NULL, 0, NULL}
	};
	double		cen[] = {0, 0, 4, 4};
	double		x[20];
	int			heap[CRM_SILHOUETTE_SAMPLE];
	CrmModel   *m = model_of(2, 2, cen);
	CrmSilhouette *good;
	size_t		size;
	int			i,
				c;

	for (i = 0; i < 20; i++)
		x[i] = i * 0.41 - 2;
	good = state_of(m, x, 10, heap);
	size = crm_silhouette_size(2, good->used);
	for (c = 0; cases[c].name; c++)
	{
		CrmSilhouette *s = crm_core_alloc(size);
		double	   *e = crm_silhouette_entries(s);
		const char *nm = cases[c].name;
		CrmError	err = {0};
		size_t		n;
		uint8_t    *bin;

		memcpy(s, good, size);
		if (!strcmp(nm, "version"))
			s->version = 2;
		else if (!strcmp(nm, "flags"))
			s->flags = 1;
		else if (!strcmp(nm, "dims 1001"))
			s->dims = 1001;
		else if (!strcmp(nm, "k 0"))
			s->k = 0;
		else if (!strcmp(nm, "sample"))
			s->sample = 1000;
		else if (!strcmp(nm, "rows -1"))
			s->rows = -1;
		else if (!strcmp(nm, "used"))
			s->rows = 11;
		else if (!strcmp(nm, "hash 2^53"))
			e[0] = 9007199254740992.0;
		else if (!strcmp(nm, "hash fraction"))
			e[4] = 0.5;
		else if (!strcmp(nm, "label k"))
			e[1] = 2;
		else if (!strcmp(nm, "label -1"))
			e[5] = -1;
		else if (!strcmp(nm, "coordinate 1e101"))
			e[2] = 1e101;
		else if (!strcmp(nm, "coordinate NaN"))
			e[3] = NAN;
		if (crm_silhouette_check(s, size, &err))
		{
			unit_fail(__FILE__, __LINE__, "case \"%s\" was accepted", nm);
			continue;
		}
		if ((int) err.kind != cases[c].kind || !strstr(err.message, cases[c].fragment))
			unit_fail(__FILE__, __LINE__, "case \"%s\": kind %d, \"%s\"", nm, err.kind, err.message);
		/* the same value through the binary form (its own version byte aside) */
		if (!strcmp(nm, "version") || !strcmp(nm, "dims 1001"))
			continue;
		n = crm_silhouette_binary_size(s);
		bin = crm_core_alloc(n);
		crm_silhouette_encode(s, bin);
		memset(&err, 0, sizeof(err));
		if (crm_silhouette_decode(bin, n, CRM_ERR_BINARY, &err) != NULL)
			unit_fail(__FILE__, __LINE__, "case \"%s\" decoded", nm);
		else if ((int) err.kind != cases[c].kind)
			unit_fail(__FILE__, __LINE__, "case \"%s\" decoded with kind %d: %s", nm, err.kind, err.message);
	}
	{
		CrmError	err = {0};

		CHECK(!crm_silhouette_check(good, size + 8, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "does not match");
		memset(&err, 0, sizeof(err));
		CHECK(!crm_silhouette_check(good, 8, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "truncated");
	}
}
