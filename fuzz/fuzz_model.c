/*
 * fuzz_model.c
 *	  libFuzzer harness for crm.clusters (src/clustering/model_core.c) and
 *	  crm.silhouette_state (src/clustering/silhouette_core.c): text, compact text and
 *	  binary readers, and the kmeans_refine and silhouette state cores fed
 *	  with decoded hostile states.
 *

 *
 * The first byte chooses what the rest is:
 *
 * 0xB1  a binary model, read as clusters_recv reads it.  Whatever is
 *       accepted writes back to the same bytes, prints to text (JSON or
 *       compact) that reads back to the same value, has centroids that are
 *       their own nearest, and keeps all that in canonical order.
 * 0xB2  a refine state: u16 length, a binary model of that length (an
 *       accumulator, or a model to start one from), then rows of dims
 *       doubles.  Rows are filtered as the server filters them (finite,
 *       within +-1e100), added, the accumulator combined with a copy of
 *       itself and finished.  After every step the accumulator passes
 *       crm_model_check (what the server would flatten stays readable); a
 *       finished model is checked like 0xB1.
 * 0xB3  a silhouette state: u16 length and a binary state, u16 length and
 *       a binary model, then rows.  A state of other dims or k than the
 *       model is replaced by an empty one for it.  Rows are added, the state
 *       combined with itself; after every step it passes
 *       crm_silhouette_check, a full sample's heap orders all its entries,
 *       and its value (for samples up to 256 rows) is NaN or within
 *       [-1, 1]; what is accepted writes back to the same bytes and reads
 *       back from its compact text.
 * other a text form of a model (JSON or "crm64:" compact), checked like
 *       0xB1 when accepted; a failure always carries an error.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model_core.h"
#include "silhouette_core.h"
#include "wire_core.h"

#define BINARY_MARKER		0xB1
#define REFINE_MARKER		0xB2
#define SILHOUETTE_MARKER	0xB3
/* states with more dimensions are only decoded: a full sample is 16 kB a dimension */
#define MAX_ADD_DIMS		16

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* bytes of a model as its header says */
static size_t
model_size(const CrmModel *m)
{
	return crm_model_value_size(m);
}

/* print -> parse -> same bytes; print -> parse -> print is the same text */
static void
check_round_trip(const CrmModel *m1, size_t size1)
{
	CrmError	err = {0};
	char	   *text1 = crm_model_print(m1, NULL);
	CrmModel   *m2 = crm_model_parse(text1, NULL, &err);
	char	   *text2;

	if (m2 == NULL)
		fprintf(stderr, "re-parse failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, text1);
	FUZZ_ASSERT(m2 != NULL);
	FUZZ_ASSERT(model_size(m2) == size1);
	/* JSON for small values, compact beyond */
	FUZZ_ASSERT(crm_wire_is_compact(text1) == (crm_model_binary_size(m1) > CRM_WIRE_READABLE_MAX));
	m2->vl_len_ = m1->vl_len_;
	FUZZ_ASSERT(memcmp(m1, m2, size1) == 0);
	text2 = crm_model_print(m2, NULL);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);
	crm_core_free(text2);
	crm_core_free(m2);
	crm_core_free(text1);
}

/* encode -> decode -> same bytes; the compact text of it reads back too */
static void
check_binary(const CrmModel *m, size_t size)
{
	CrmError	err = {0};
	size_t		n;
	uint8_t    *bin = crm_model_encode(m, NULL, &n);
	CrmModel   *m2;
	char	   *text;

	FUZZ_ASSERT(bin != NULL && n == crm_model_binary_size(m));
	m2 = crm_model_decode(bin, n, CRM_ERR_BINARY, NULL, &err);
	FUZZ_ASSERT(m2 != NULL);
	m2->vl_len_ = m->vl_len_;
	FUZZ_ASSERT(memcmp(m, m2, size) == 0);
	crm_core_free(m2);
	text = crm_wire_to_text(bin, n);
	m2 = crm_model_parse(text, NULL, &err);
	FUZZ_ASSERT(m2 != NULL);
	m2->vl_len_ = m->vl_len_;
	FUZZ_ASSERT(memcmp(m, m2, size) == 0);
	crm_core_free(m2);
	crm_core_free(text);
	crm_core_free(bin);
}

/* the nearest cluster of a centroid is one at distance 0 */
static void
check_nearest(const CrmModel *m)
{
	int			c;
	int			d = m->dims;

	for (c = 0; c < m->k && c < 16; c++)
	{
		const double *y = crm_model_centroids(m) + (size_t) c * d;
		double		d2 = -1.0;
		int			best = crm_model_nearest(m, y, &d2);
		const double *z;
		double		s = 0.0;
		int			j;

		FUZZ_ASSERT(best >= 0 && best < m->k);
		FUZZ_ASSERT(d2 == 0.0);
		/* 0 in floating point: centroids 1e-200 apart are at distance 0 */
		z = crm_model_centroids(m) + (size_t) best * d;
		for (j = 0; j < d; j++)
			s += (z[j] - y[j]) * (z[j] - y[j]);
		FUZZ_ASSERT(s == 0.0);
	}
}

/* canonical order keeps the model valid and is idempotent */
static void
check_canonical(const CrmModel *m, size_t size)
{
	CrmError	err = {0};
	CrmModel   *a = crm_core_alloc(size);
	CrmModel   *b = crm_core_alloc(size);
	int			c;

	memcpy(a, m, size);
	crm_model_canonical_order(a);
	FUZZ_ASSERT(crm_model_check(a, size, &err));
	for (c = 1; c < a->k; c++)
		FUZZ_ASSERT(crm_model_weight(a)[c - 1] >= crm_model_weight(a)[c]);
	memcpy(b, a, size);
	crm_model_canonical_order(b);
	FUZZ_ASSERT(memcmp(a, b, size) == 0);
	crm_core_free(b);
	crm_core_free(a);
}

/* a version 1 model equals its copy in the current version (crm_model_equal) */
static void
check_equal_versions(const CrmModel *m)
{
	CrmModel   *c;

	if (m->flags & CRM_MODEL_PENDING)
		return;
	c = crm_refine_start(m);
	c->flags = 0;
	FUZZ_ASSERT(c->version == CRM_MODEL_VERSION);
	FUZZ_ASSERT(crm_model_equal(m, c) && crm_model_equal(c, m));
	crm_core_free(c);
}

/* every property of a valid model */
static void
check_valid(const CrmModel *m, size_t size)
{
	check_equal_versions(m);
	check_round_trip(m, size);
	check_binary(m, size);
	check_nearest(m);
	check_canonical(m, size);
}

/* A reader's failure: an error was recorded, with a message. */
static void
check_failed(const CrmError *err)
{
	FUZZ_ASSERT(err->kind != CRM_OK && err->message[0] != '\0');
}

/* a text form (JSON or compact) */
static void
fuzz_text(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	CrmModel   *m = crm_model_parse(input, NULL, &err);

	if (m == NULL)
		check_failed(&err);
	else
	{
		CrmError	err2 = {0};
		size_t		size1 = model_size(m);

		FUZZ_ASSERT(err.kind == CRM_OK);
		FUZZ_ASSERT(crm_model_check(m, size1, &err2));
		check_valid(m, size1);
		crm_core_free(m);
	}
	crm_core_free(input);
}

/* 0xB1: a binary model */
static void
fuzz_binary(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmModel   *m = crm_model_decode(data, size, CRM_ERR_BINARY, NULL, &err);

	if (m == NULL)
	{
		check_failed(&err);
		return;
	}
	/* the binary form is canonical: what was read writes back the same */
	{
		size_t		n;
		uint8_t    *bin = crm_model_encode(m, NULL, &n);

		FUZZ_ASSERT(bin != NULL && n == size);
		FUZZ_ASSERT(memcmp(bin, data, n) == 0);
		crm_core_free(bin);
	}
	check_valid(m, model_size(m));
	crm_core_free(m);
}

/* Split off a u16-length-prefixed part; false when the input is too short. */
static bool
take_part(const uint8_t **data, size_t *size, const uint8_t **part, size_t *len)
{
	if (*size < 2)
		return false;
	*len = ((size_t) (*data)[0] << 8) | (*data)[1];
	if (*len > *size - 2)
		*len = *size - 2;
	*part = *data + 2;
	*data += 2 + *len;
	*size -= 2 + *len;
	return true;
}

/* The next row of dims doubles that the server would accept, or false. */
static bool
next_row(const uint8_t **data, size_t *size, int dims, double *x)
{
	while (*size >= sizeof(double) * (size_t) dims)
	{
		bool		ok = true;
		int			j;

		memcpy(x, *data, sizeof(double) * (size_t) dims);
		*data += sizeof(double) * (size_t) dims;
		*size -= sizeof(double) * (size_t) dims;
		for (j = 0; j < dims; j++)
			if (!(fabs(x[j]) <= CRM_CLUSTER_MAX_ABS))
				ok = false;
		if (ok)
			return true;
	}
	return false;
}

/* A state operation's error: a kind the server maps to a SQLSTATE, a message. */
static void
check_state_error(const CrmError *err)
{
	check_failed(err);
	FUZZ_ASSERT(err->kind == CRM_ERR_RANGE || err->kind == CRM_ERR_LIMIT ||
				err->kind == CRM_ERR_INVALID);
}

/* 0xB2: a refine state and rows */
static void
fuzz_refine(const uint8_t *data, size_t size)
{
	const uint8_t *part;
	size_t		len;
	CrmError	err = {0};
	CrmModel   *m;
	CrmModel   *acc;
	CrmModel   *copy;
	CrmModel   *done;
	double	   *x;
	double	   *y;
	size_t		asize;

	if (!take_part(&data, &size, &part, &len))
		return;
	m = crm_model_decode(part, len, CRM_ERR_BINARY, NULL, &err);
	if (m == NULL)
	{
		check_failed(&err);
		return;
	}
	if (m->flags & CRM_MODEL_PENDING)
		acc = m;
	else
	{
		acc = crm_refine_start(m);
		crm_core_free(m);
	}
	asize = model_size(acc);
	x = crm_core_alloc(sizeof(double) * acc->dims);
	y = crm_core_alloc(sizeof(double) * acc->dims);
	while (next_row(&data, &size, acc->dims, x))
	{
		CrmError	e = {0};

		if (!crm_refine_add(acc, x, y, &e))
			check_state_error(&e);
		FUZZ_ASSERT(crm_model_check(acc, asize, &e));
	}
	copy = crm_core_alloc(asize);
	memcpy(copy, acc, asize);
	{
		CrmError	e = {0};

		if (!crm_refine_combine(acc, copy, &e))
		{
			check_state_error(&e);
			memcpy(acc, copy, asize);	/* the server discards a failed state */
		}
		FUZZ_ASSERT(crm_model_check(acc, asize, &e));
	}
	{
		CrmError	e = {0};

		done = crm_refine_finish(acc, &e);
		if (done == NULL)
			check_state_error(&e);
		else
		{
			FUZZ_ASSERT(!(done->flags & CRM_MODEL_PENDING));
			FUZZ_ASSERT(done->rows == acc->pending_rows);
			/* the refined model keeps the accumulator's feature names */
			FUZZ_ASSERT(done->version == CRM_MODEL_VERSION &&
						crm_names_equal(crm_model_names(done), crm_model_names(acc)));
			check_valid(done, model_size(done));
			crm_core_free(done);
		}
	}
	crm_core_free(copy);
	crm_core_free(y);
	crm_core_free(x);
	crm_core_free(acc);
}

/* A state that passes its check writes back and reads back the same. */
static void
check_silhouette(const CrmSilhouette *s)
{
	CrmError	err = {0};
	size_t		size = crm_silhouette_size(s->dims, s->used);
	size_t		n = crm_silhouette_binary_size(s);
	uint8_t    *bin = crm_core_alloc(n);
	CrmSilhouette *s2;
	char	   *text;
	double		v;

	FUZZ_ASSERT(crm_silhouette_check(s, size, &err));
	FUZZ_ASSERT(crm_silhouette_encode(s, bin));
	s2 = crm_silhouette_decode(bin, n, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(s2 != NULL);
	s2->vl_len_ = s->vl_len_;
	FUZZ_ASSERT(memcmp(s, s2, size) == 0);
	crm_core_free(s2);
	text = crm_silhouette_print(s);
	s2 = crm_silhouette_parse(text, &err);
	FUZZ_ASSERT(s2 != NULL);
	s2->vl_len_ = s->vl_len_;
	FUZZ_ASSERT(memcmp(s, s2, size) == 0);
	crm_core_free(s2);
	crm_core_free(text);
	crm_core_free(bin);
	/* quadratic in the sample: computed for small ones */
	if (s->used <= 256)
	{
		v = crm_silhouette_value(s);
		FUZZ_ASSERT(isnan(v) || (v >= -1.0 && v <= 1.0));
	}
}

/* A full sample's heap: a permutation of its entries, largest hash on top. */
static void
check_heap(const CrmSilhouette *s, const int *heap)
{
	size_t		stride = (size_t) s->dims + 2;
	const double *e = crm_silhouette_entries(s);
	char	   *seen;
	int			i;

	if (s->used < s->sample)
		return;
	seen = crm_core_alloc(s->used);
	for (i = 0; i < s->used; i++)
	{
		FUZZ_ASSERT(heap[i] >= 0 && heap[i] < s->used && !seen[heap[i]]);
		seen[heap[i]] = 1;
		if (i > 0)
			FUZZ_ASSERT(e[(size_t) heap[(i - 1) / 2] * stride] >= e[(size_t) heap[i] * stride]);
	}
	crm_core_free(seen);
}

/*
 * A state for the model with room for the whole sample: the decoded one
 * when its dims and k fit (its fingerprint replaced by the model's, as if
 * it had been built with it), else an empty one.
 */
static CrmSilhouette *
silhouette_for(const CrmModel *m, const CrmSilhouette *decoded)
{
	CrmSilhouette *s = crm_silhouette_new(m);

	if (decoded && decoded->dims == m->dims && decoded->k == m->k)
	{
		memcpy(s, decoded, crm_silhouette_size(decoded->dims, decoded->used));
		s->model = crm_model_fingerprint(m);
	}
	return s;
}

/* 0xB3: a silhouette state, a model and rows */
static void
fuzz_silhouette(const uint8_t *data, size_t size)
{
	const uint8_t *part;
	size_t		len;
	CrmError	err = {0};
	CrmSilhouette *decoded;
	CrmSilhouette *s;
	CrmSilhouette *copy;
	CrmModel   *m;
	double	   *x;
	double	   *entry;
	int		   *heap;

	if (!take_part(&data, &size, &part, &len))
		return;
	decoded = crm_silhouette_decode(part, len, CRM_ERR_BINARY, &err);
	if (decoded == NULL)
		check_failed(&err);
	else
		check_silhouette(decoded);
	memset(&err, 0, sizeof(err));
	if (!take_part(&data, &size, &part, &len) ||
		(m = crm_model_decode(part, len, CRM_ERR_BINARY, NULL, &err)) == NULL ||
		m->dims > MAX_ADD_DIMS)
	{
		if (decoded)
			crm_core_free(decoded);
		return;
	}
	s = silhouette_for(m, decoded);
	heap = crm_core_alloc(sizeof(int) * CRM_SILHOUETTE_SAMPLE);
	crm_silhouette_heapify(s, heap);
	x = crm_core_alloc(sizeof(double) * m->dims);
	entry = crm_core_alloc(sizeof(double) * (m->dims + 2));
	while (next_row(&data, &size, m->dims, x))
	{
		CrmError	e = {0};

		if (!crm_silhouette_add(s, heap, m, x, entry, &e))
			check_state_error(&e);
	}
	check_heap(s, heap);
	check_silhouette(s);
	copy = crm_core_alloc(crm_silhouette_size(s->dims, s->used));
	memcpy(copy, s, crm_silhouette_size(s->dims, s->used));
	{
		CrmError	e = {0};

		if (crm_silhouette_combine(s, heap, copy, &e))
		{
			check_silhouette(s);
			check_heap(s, heap);
		}
		else
			check_state_error(&e);
	}
	crm_core_free(copy);
	crm_core_free(heap);
	crm_core_free(entry);
	crm_core_free(x);
	crm_core_free(s);
	crm_core_free(m);
	if (decoded)
		crm_core_free(decoded);
}

/* libFuzzer's entry: the first byte chooses the mode */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == BINARY_MARKER)
		fuzz_binary(data + 1, size - 1);
	else if (size > 0 && data[0] == REFINE_MARKER)
		fuzz_refine(data + 1, size - 1);
	else if (size > 0 && data[0] == SILHOUETTE_MARKER)
		fuzz_silhouette(data + 1, size - 1);
	else
		fuzz_text(data, size);
	return 0;
}
