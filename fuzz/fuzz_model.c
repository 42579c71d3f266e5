/*
 * fuzz_model.c
 *	  libFuzzer harness for the crm.clusters text form and checker
 *	  (src/model_core.c).
 *
 * fuzz-sources: src/cluster_core.c src/json_core.c
 *
 * Text inputs: parsing either fails with a recorded error or yields a model
 * that passes crm_model_check at crm_model_size(k, dims, pending); printing
 * it and parsing the output gives the same bytes; printing is idempotent;
 * the nearest cluster of every centroid is at (floating-point) distance 0; putting the
 * clusters in canonical order is idempotent and keeps the model valid.
 *
 * Inputs starting with the byte 0xB1 are binary: the bytes after it are laid
 * over a model header and its doubles (k and dims clamped to small numbers,
 * version and size made consistent), as crm.clusters_recv builds a value.
 * Whatever passes crm_model_check there must print to text that parses back
 * to the same bytes: a value received in binary can always be dumped and
 * restored as text.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_core.h"
#include "fuzz_common.h"

#define BINARY_MARKER 0xB1

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
model_size(const CrmModel *m)
{
	return crm_model_size(m->k, m->dims, (m->flags & CRM_MODEL_PENDING) != 0);
}

/* print -> parse -> same bytes; print -> parse -> print is the same text */
static void
check_round_trip(const CrmModel *m1, size_t size1)
{
	CrmError	err = {0};
	char	   *text1 = crm_model_print(m1);
	CrmModel   *m2 = crm_model_parse(text1, &err);
	char	   *text2;

	if (m2 == NULL)
		fprintf(stderr, "re-parse failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, text1);
	FUZZ_ASSERT(m2 != NULL);
	FUZZ_ASSERT(model_size(m2) == size1);
	m2->vl_len_ = m1->vl_len_;
	FUZZ_ASSERT(memcmp(m1, m2, size1) == 0);
	text2 = crm_model_print(m2);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);
	crm_core_free(text2);
	crm_core_free(m2);
	crm_core_free(text1);
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

static void
check_valid(const CrmModel *m, size_t size)
{
	check_round_trip(m, size);
	check_nearest(m);
	check_canonical(m, size);
}

static void
fuzz_text(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	CrmModel   *m = crm_model_parse(input, &err);

	if (m == NULL)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
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

static void
fuzz_binary(const uint8_t *data, size_t size)
{
	CrmModel	h;
	CrmModel   *m;
	CrmError	err = {0};
	size_t		total;
	size_t		n;

	memset(&h, 0, sizeof(h));
	n = size < sizeof(h) ? size : sizeof(h);
	memcpy(&h, data, n);
	data += n;
	size -= n;
	h.vl_len_ = 0;
	h.version = CRM_MODEL_VERSION;
	h.k = 1 + (int) (((uint32_t) h.k - 1) % 4);
	h.dims = 1 + (int) (((uint32_t) h.dims - 1) % 4);
	total = model_size(&h);
	m = crm_core_alloc(total);
	memcpy(m, &h, sizeof(h));
	n = total - sizeof(h) < size ? total - sizeof(h) : size;
	memcpy((char *) m + sizeof(h), data, n);
	if (crm_model_check(m, total, &err))
		check_valid(m, total);
	else
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	crm_core_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == BINARY_MARKER)
		fuzz_binary(data + 1, size - 1);
	else
		fuzz_text(data, size);
	return 0;
}
