/*
 * fuzz_sketch.c
 *	  libFuzzer harness for the crm.cluster_sketch text form and checker
 *	  (src/sketch_core.c).
 *
 * fuzz-sources: src/cluster_core.c src/json_core.c
 *
 * Text inputs: parsing either fails with a recorded error or yields a sketch
 * that passes crm_sketch_check at crm_sketch_size(dims, nreps); printing it
 * and parsing the output gives the same bytes; printing is idempotent; and
 * reducing it to half its representatives (when it has at least 4 and
 * values the aggregate could produce, see reducible()) keeps it valid,
 * within the target, with the same rows and statistics.
 *
 * Inputs starting with the byte 0xB1 are binary: the bytes after it are laid
 * over a sketch header and its doubles (dims and representatives clamped to
 * small numbers, version, capacity and size made consistent), as
 * crm.cluster_sketch_recv builds a value.  Whatever passes crm_sketch_check
 * there must print to text that parses back to the same bytes: a value
 * received in binary can always be dumped and restored as text.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_core.h"
#include "fuzz_common.h"

#define BINARY_MARKER 0xB1

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* print -> parse -> same bytes; print -> parse -> print is the same text */
static void
check_round_trip(const CrmSketch *s1, size_t size1)
{
	CrmError	err = {0};
	char	   *text1 = crm_sketch_print(s1);
	CrmSketch  *s2 = crm_sketch_parse(text1, &err);
	char	   *text2;

	if (s2 == NULL)
		fprintf(stderr, "re-parse failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, text1);
	FUZZ_ASSERT(s2 != NULL);
	FUZZ_ASSERT(crm_sketch_size(s2->dims, s2->nreps) == size1);
	s2->vl_len_ = s1->vl_len_;
	FUZZ_ASSERT(memcmp(s1, s2, size1) == 0);
	text2 = crm_sketch_print(s2);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);
	crm_core_free(text2);
	crm_core_free(s2);
	crm_core_free(text1);
}

/*
 * Could the aggregate have built these representatives?  Features are
 * limited to +-CRM_CLUSTER_MAX_ABS, so coordinates are too and a scatter
 * stays below rows * dims * (2e100)^2 < 1e220.  The checker accepts larger
 * finite values (up to DBL_MAX), for which merge costs overflow: then
 * crm_sketch_reduce falls back to one pass of merge_in_order, which can stop
 * above the target, and summed scatters can overflow to infinity.
 */
static bool
reducible(const CrmSketch *s)
{
	const double *r = crm_sketch_reps(s);
	size_t		i;

	for (i = 0; i < (size_t) s->nreps * (s->dims + 2); i++)
		if (fabs(r[i]) > (i % (s->dims + 2) == 1 ? 1e220 : CRM_CLUSTER_MAX_ABS))
			return false;
	return true;
}

/* reduce a copy to half its representatives: still valid, same totals */
static void
check_reduce(const CrmSketch *s1, size_t size1)
{
	CrmError	err = {0};
	CrmSketch  *r;
	int			target = s1->nreps / 2;
	size_t		statsz = sizeof(double) * (size_t) s1->dims * CRM_ST_COUNT;

	if (!reducible(s1))
		return;
	r = crm_core_alloc(size1);
	memcpy(r, s1, size1);
	crm_sketch_reduce(r, target);
	FUZZ_ASSERT(r->nreps >= 1 && r->nreps <= target);
	FUZZ_ASSERT(r->rows == s1->rows);
	FUZZ_ASSERT(memcmp(crm_sketch_stats(r), crm_sketch_stats(s1), statsz) == 0);
	if (!crm_sketch_check(r, crm_sketch_size(r->dims, r->nreps), &err))
	{
		fprintf(stderr, "reduced sketch fails its check: %s (%s)\n", err.message, err.detail);
		FUZZ_ASSERT(!"reduced sketch passes crm_sketch_check");
	}
	crm_core_free(r);
}

static void
fuzz_text(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	CrmSketch  *s1 = crm_sketch_parse(input, &err);

	if (s1 == NULL)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	else
	{
		CrmError	err2 = {0};
		size_t		size1 = crm_sketch_size(s1->dims, s1->nreps);

		FUZZ_ASSERT(err.kind == CRM_OK);
		FUZZ_ASSERT(crm_sketch_check(s1, size1, &err2));
		check_round_trip(s1, size1);
		if (s1->nreps >= 4)
			check_reduce(s1, size1);
		crm_core_free(s1);
	}
	crm_core_free(input);
}

static void
fuzz_binary(const uint8_t *data, size_t size)
{
	CrmSketch	h;
	CrmSketch  *s;
	CrmError	err = {0};
	size_t		total;
	size_t		n;

	memset(&h, 0, sizeof(h));
	n = size < sizeof(h) ? size : sizeof(h);
	memcpy(&h, data, n);
	data += n;
	size -= n;
	h.vl_len_ = 0;
	h.version = CRM_SKETCH_VERSION;
	h.dims = 1 + (int) (((uint32_t) h.dims - 1) % 4);
	h.nreps = (int) ((uint32_t) h.nreps % 33);
	if (!crm_cluster_options_check(&h.opt, &err))
		return;
	h.capacity = crm_sketch_capacity(h.dims, h.opt.budget_kb);
	total = crm_sketch_size(h.dims, h.nreps);
	s = crm_core_alloc(total);
	memcpy(s, &h, sizeof(h));
	n = total - sizeof(h) < size ? total - sizeof(h) : size;
	memcpy((char *) s + sizeof(h), data, n);
	if (crm_sketch_check(s, total, &err))
	{
		check_round_trip(s, total);
		if (s->nreps >= 4)
			check_reduce(s, total);
	}
	else
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	crm_core_free(s);
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
