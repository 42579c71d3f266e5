/*
 * fuzz_sketch.c
 *	  libFuzzer harness for crm.cluster_sketch: its text forms (JSON and the
 *	  compact "crm64:" form), its binary decoder, its checker, and the state
 *	  operations the aggregates run on values they did not build
 *	  (src/clustering/sketch_core.c, src/clustering/kmeans_core.c).
 *

 *
 * Text inputs (anything not starting with a marker byte below) go through
 * crm_sketch_read_text, the input function's reader, so both JSON and
 * compact text are exercised: reading either fails with a recorded error or
 * yields a sketch that passes crm_sketch_check.
 *
 * Inputs starting with 0xB2 are the binary form (what recv reads): decoding
 * either fails with a recorded error or yields a valid sketch whose
 * encoding is exactly the input bytes.
 *
 * Inputs starting with 0xB1 are laid over a sketch header and its doubles
 * (dims and representatives clamped to small numbers, version, capacity and
 * size made consistent), as the aggregates see a flat value in memory;
 * whatever passes crm_sketch_check there is used like a decoded value.
 *
 * Every sketch accepted by any of the three is then treated as a hostile
 * aggregate state: it must print as JSON and as compact text that both read
 * back to the same bytes, and adding rows to it (made from the input's
 * bytes), directly and through the absorption index built on it, merging
 * it with itself, reducing it and clustering it must each
 * give a sketch (or model) that passes its checker, or fail with a
 * recorded error, never with a crash, an overflow past a buffer, undefined
 * behaviour or a value the checker refuses.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kmeans_core.h"
#include "sketch_core.h"
#include "wire_core.h"

#define OVERLAY_MARKER 0xB1
#define BINARY_MARKER 0xB2

/* rows added to each accepted sketch */
#define ADD_ROWS 8

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A sketch must pass its checker at its own size (or the harness fails). */
static void
assert_valid(const CrmSketch *s, const char *after)
{
	CrmError	err = {0};

	if (!crm_sketch_check(s, crm_sketch_value_size(s), &err))
	{
		fprintf(stderr, "sketch fails its check after %s: %s (%s)\n", after, err.message, err.detail);
		FUZZ_ASSERT(!"sketch passes crm_sketch_check");
	}
}

/* Two sketches of this layout are the same bytes (the header word aside). */
static bool
same_sketch(const CrmSketch *a, const CrmSketch *b)
{
	size_t		size = crm_sketch_value_size(a);

	return a->dims == b->dims && a->nreps == b->nreps && a->version == b->version &&
		size == crm_sketch_value_size(b) &&
		memcmp((const char *) a + sizeof(int32_t), (const char *) b + sizeof(int32_t),
			   size - sizeof(int32_t)) == 0;
}

/* JSON, compact text and binary forms all read back to the same bytes. */
static void
check_round_trips(const CrmSketch *s1)
{
	CrmError	err = {0};
	char	   *json = crm_sketch_print(s1);
	CrmSketch  *s2 = crm_sketch_read_text(json, NULL, &err);
	char	   *json2;
	size_t		n;
	uint8_t    *bin = crm_sketch_encode(s1, NULL, &n);
	char	   *compact;
	CrmSketch  *s3;

	if (s2 == NULL)
		fprintf(stderr, "JSON re-read failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, json);
	FUZZ_ASSERT(s2 != NULL && same_sketch(s1, s2));
	json2 = crm_sketch_print(s2);
	FUZZ_ASSERT(strcmp(json, json2) == 0);

	FUZZ_ASSERT(n == crm_sketch_binary_size(s1));
	compact = crm_wire_to_text(bin, n);
	s3 = crm_sketch_read_text(compact, NULL, &err);
	if (s3 == NULL)
		fprintf(stderr, "compact re-read failed: %s (%s)\n", err.message, err.detail);
	FUZZ_ASSERT(s3 != NULL && same_sketch(s1, s3));

	crm_core_free(s3);
	crm_core_free(compact);
	crm_core_free(bin);
	crm_core_free(json2);
	crm_core_free(s2);
	crm_core_free(json);
}

/*
 * A private copy of s with room for `alloc` representatives, as the
 * aggregates' expanded state holds it (in the current version, as
 * sketch.c's SketchStateNew copies it).
 */
static CrmSketch *
copy_with_room(const CrmSketch *s, int alloc)
{
	CrmSketch  *c = crm_core_alloc(crm_sketch_size(crm_sketch_current_names_size(s), s->dims,
												   alloc > s->nreps ? alloc : s->nreps));

	crm_sketch_copy_current(c, s);
	FUZZ_ASSERT(c->version == CRM_SKETCH_VERSION && crm_sketch_equal(c, s));
	return c;
}

/* Room for one more representative, as sketch.c's SketchMakeRoom. */
static CrmSketch *
make_room(CrmSketch *s, int *alloc)
{
	if (s->nreps < *alloc)
		return s;
	if (*alloc < s->capacity)
	{
		int			more = *alloc > s->capacity / 2 ? s->capacity : *alloc * 2 + 1;
		CrmSketch  *bigger = copy_with_room(s, more);

		crm_core_free(s);
		*alloc = more;
		return bigger;
	}
	crm_sketch_reduce(s, crm_sketch_reduce_target(s));
	FUZZ_ASSERT(s->nreps < *alloc);
	assert_valid(s, "reduction when full");
	return s;
}

/*
 * Row r of dims features from the fuzzer's bytes, read from *at on (0 when
 * there are fewer than 8 bytes); values a feature may not take are folded
 * into range.
 */
static void
row_from_bytes(const uint8_t *data, size_t size, size_t *at, int r, int dims, double *x)
{
	int			j;

	for (j = 0; j < dims; j++)
	{
		double		v = 0.0;

		if (size >= 8)
		{
			memcpy(&v, data + *at % (size - 7), sizeof(v));
			*at += 8 + (size_t) r;
		}
		if (!isfinite(v) || fabs(v) > CRM_CLUSTER_MAX_ABS)
			v = fmod(isfinite(v) ? v : 1.0, CRM_CLUSTER_MAX_ABS);
		x[j] = v;
	}
}

/*
 * Add rows made of the input's bytes, limited the way cluster_features
 * limits a row (finite, within +-1e100), to a copy of s.
 */
static void
check_add(const CrmSketch *s, const uint8_t *data, size_t size)
{
	int			alloc = s->nreps + 1;
	CrmSketch  *c = copy_with_room(s, alloc);
	double	   *x = crm_core_alloc(sizeof(double) * s->dims);
	size_t		at = 0;
	int			r;

	for (r = 0; r < ADD_ROWS; r++)
	{
		CrmError	err = {0};

		row_from_bytes(data, size, &at, r, s->dims, x);
		c = make_room(c, &alloc);
		if (!crm_sketch_add(c, x, &err))
		{
			FUZZ_ASSERT(err.kind == CRM_ERR_LIMIT && c->rows == CRM_MAX_ROWS);
			break;
		}
		assert_valid(c, "adding a row");
	}
	crm_core_free(x);
	crm_core_free(c);
}

/*
 * Index a reduced copy for absorption, as the transition does after a
 * reduction: indexing only reorders (same statistics, still valid); then
 * rows made of the input's bytes, and rows at representatives' means
 * (which exercise joins), go in through crm_sketch_add_indexed, each
 * leaving a valid sketch and one more row.
 */
static void
check_absorb(const CrmSketch *s, const uint8_t *data, size_t size)
{
	CrmSketch  *c;
	CrmSketchIndex ix;
	void	   *mem;
	double	   *x;
	size_t		statsz = sizeof(double) * (size_t) s->dims * CRM_ST_COUNT;
	size_t		at = 0;
	int			nreps;
	int			r;

	if (s->nreps < 2)
		return;
	c = copy_with_room(s, s->nreps + ADD_ROWS);
	mem = crm_core_alloc(crm_sketch_index_size(s->dims, c->nreps));
	crm_sketch_index_init(&ix, mem, s->dims, c->nreps);
	crm_sketch_index_build(c, &ix);
	FUZZ_ASSERT(ix.nreps == 0 || ix.nreps == c->nreps);
	FUZZ_ASSERT(c->nreps == s->nreps && memcmp(crm_sketch_stats(c), crm_sketch_stats(s), statsz) == 0);
	assert_valid(c, "indexing");
	nreps = c->nreps;
	x = crm_core_alloc(sizeof(double) * s->dims);
	for (r = 0; r < ADD_ROWS; r++)
	{
		CrmError	err = {0};
		int64_t		rows = c->rows;

		if (r % 2 == 0 && s->opt.scale != CRM_SCALE_ATAN)
		{
			/* a representative's mean (in row space without atan) */
			const double *rep = crm_sketch_reps(c) + (size_t) ((r * 7919) % nreps) * (s->dims + 2);

			memcpy(x, rep + 2, sizeof(double) * s->dims);
		}
		else
			row_from_bytes(data, size, &at, r, s->dims, x);
		if (c->nreps >= c->capacity)
		{
			/* full: reduce and index again, as the transition does */
			crm_sketch_reduce(c, crm_sketch_reduce_target(c));
			crm_sketch_index_build(c, &ix);
			assert_valid(c, "reduction and indexing when full");
			nreps = c->nreps;
		}
		if (!crm_sketch_add_indexed(c, &ix, x, &err))
		{
			FUZZ_ASSERT(err.kind == CRM_ERR_LIMIT && c->rows == CRM_MAX_ROWS);
			break;
		}
		FUZZ_ASSERT(c->rows == rows + 1);
		assert_valid(c, "adding a row through the index");
	}
	crm_core_free(x);
	crm_core_free(mem);
	crm_core_free(c);
}

/* Merge s into a copy of itself, as the combine function does. */
static void
check_merge(const CrmSketch *s)
{
	CrmError	err = {0};
	int			alloc = s->nreps;
	CrmSketch  *c = copy_with_room(s, alloc > 0 ? alloc : 1);
	const double *src = crm_sketch_reps(s);
	int			stride = s->dims + 2;
	int			left = s->nreps;

	if (alloc == 0)
		alloc = 1;
	if (!crm_sketch_mergeable(c, s, &err))
	{
		/* same dimensions, k, options and names: only the row count can refuse */
		FUZZ_ASSERT(err.kind == CRM_ERR_LIMIT && 2 * s->rows > CRM_MAX_ROWS);
		crm_core_free(c);
		return;
	}
	crm_sketch_merge_stats(c, s);
	c->flags |= s->flags & CRM_SKETCH_REDUCED;
	while (left > 0)
	{
		int			room;

		if (c->nreps == alloc)
		{
			/* as sketch_make_room, but the state is whole only at the end */
			if (alloc < c->capacity)
			{
				int			more = alloc > c->capacity / 2 ? c->capacity : alloc * 2;
				CrmSketch  *bigger = copy_with_room(c, more);

				crm_core_free(c);
				c = bigger;
				alloc = more;
			}
			else
				crm_sketch_reduce(c, crm_sketch_reduce_target(c));
		}
		room = alloc - c->nreps < left ? alloc - c->nreps : left;
		memcpy(crm_sketch_reps(c) + (size_t) c->nreps * stride, src, sizeof(double) * (size_t) room * stride);
		c->nreps += room;
		src += (size_t) room * stride;
		left -= room;
	}
	FUZZ_ASSERT(c->rows == 2 * s->rows);
	assert_valid(c, "merging with itself");
	crm_core_free(c);
}

/* Reduce a copy to half its representatives: still valid, same statistics. */
static void
check_reduce(const CrmSketch *s)
{
	CrmSketch  *r;
	int			target = s->nreps / 2;
	size_t		statsz = sizeof(double) * (size_t) s->dims * CRM_ST_COUNT;

	if (s->nreps < 4)
		return;
	r = copy_with_room(s, s->nreps);
	crm_sketch_reduce(r, target);
	FUZZ_ASSERT(r->nreps >= 1 && r->nreps <= target);
	FUZZ_ASSERT(r->rows == s->rows);
	FUZZ_ASSERT(memcmp(crm_sketch_stats(r), crm_sketch_stats(s), statsz) == 0);
	assert_valid(r, "reduction to half");
	crm_core_free(r);
}

/* k-means on the sketch, kept cheap: a valid model or a recorded error. */
static void
check_kmeans(const CrmSketch *s, uint8_t knob)
{
	CrmError	err = {0};
	CrmClusterOptions o = s->opt;
	int			found = 0;
	CrmModel   *m;

	if (s->rows == 0)
		return;
	o.restarts = 1;
	o.max_iter = 5;
	/* the scalings a stored sketch may be clustered with */
	if (s->opt.scale != CRM_SCALE_ATAN)
		o.scale = knob % 3;
	m = crm_kmeans_sketch(s, 1 + (knob >> 2) % 4, &o, NULL, &found, &err);
	if (m == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		return;
	}
	FUZZ_ASSERT(found >= 1 && found == m->k);
	/* the model carries the sketch's names */
	FUZZ_ASSERT(crm_names_equal(crm_model_names(m), crm_sketch_names(s)));
	if (!crm_model_check(m, crm_model_value_size(m), &err))
	{
		fprintf(stderr, "model of a valid sketch fails its check: %s (%s)\n", err.message, err.detail);
		FUZZ_ASSERT(!"model passes crm_model_check");
	}
	crm_core_free(m);
}

/* Everything done with a sketch some reader accepted. */
static void
check_accepted(const CrmSketch *s, const uint8_t *data, size_t size)
{
	assert_valid(s, "reading");
	check_round_trips(s);
	check_add(s, data, size);
	check_absorb(s, data, size);
	check_merge(s);
	check_reduce(s);
	check_kmeans(s, size > 0 ? data[size - 1] : 0);
}

static void
fuzz_text(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	CrmSketch  *s = crm_sketch_read_text(input, NULL, &err);

	if (s == NULL)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	else
	{
		FUZZ_ASSERT(err.kind == CRM_OK);
		check_accepted(s, data, size);
		crm_core_free(s);
	}
	crm_core_free(input);
}

static void
fuzz_binary(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmSketch  *s = crm_sketch_decode(data, size, CRM_ERR_BINARY, NULL, &err);
	uint8_t    *bin;
	size_t		n;

	if (s == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		return;
	}
	bin = crm_sketch_encode(s, NULL, &n);
	FUZZ_ASSERT(n == size && memcmp(bin, data, n) == 0);
	crm_core_free(bin);
	check_accepted(s, data, size);
	crm_core_free(s);
}

/*
 * The names block of an overlay: none (version 1), or in version 2 no names
 * or the names "a", "b", ... (the version field's low bits choose).
 */
static void *
overlay_names(const CrmSketch *h, int choice)
{
	static const char *const letters[] = {"a", "b", "c", "d"};
	uint32_t	lens[4] = {1, 1, 1, 1};
	void	   *block;
	int			count = choice == 2 ? h->dims : 0;

	if (choice == 0)
		return NULL;
	block = crm_core_alloc(crm_names_block_size(count, lens));
	crm_names_block_write(block, count, letters, lens);
	return block;
}

static void
fuzz_overlay(const uint8_t *data, size_t size)
{
	CrmSketch	h;
	CrmSketch  *s;
	CrmError	err = {0};
	size_t		total;
	size_t		n;
	size_t		names_size;
	void	   *names;
	int			choice;

	memset(&h, 0, sizeof(h));
	n = size < sizeof(h) ? size : sizeof(h);
	memcpy(&h, data, n);
	data += n;
	size -= n;
	h.vl_len_ = 0;
	choice = h.version % 3;
	h.version = choice == 0 ? CRM_SKETCH_VERSION_1 : CRM_SKETCH_VERSION_2;
	h.dims = 1 + (int) (((uint32_t) h.dims - 1) % 4);
	h.nreps = (int) ((uint32_t) h.nreps % 33);
	if (!crm_cluster_options_check(&h.opt, &err))
		return;
	names = overlay_names(&h, choice);
	names_size = names ? crm_names_block_bytes(names) : 0;
	h.capacity = crm_sketch_capacity(h.dims, crm_sketch_names_cost(names), h.opt.budget_kb);
	total = crm_sketch_size(names_size, h.dims, h.nreps);
	s = crm_core_alloc(total);
	memcpy(s, &h, sizeof(h));
	if (names)
	{
		memcpy((char *) s + sizeof(h), names, names_size);
		crm_core_free(names);
	}
	n = total - sizeof(h) - names_size < size ? total - sizeof(h) - names_size : size;
	memcpy((char *) s + sizeof(h) + names_size, data, n);
	if (crm_sketch_check(s, total, &err))
		check_accepted(s, data, size);
	else
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	crm_core_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == OVERLAY_MARKER)
		fuzz_overlay(data + 1, size - 1);
	else if (size > 0 && data[0] == BINARY_MARKER)
		fuzz_binary(data + 1, size - 1);
	else
		fuzz_text(data, size);
	return 0;
}
