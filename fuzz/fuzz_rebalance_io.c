/*
 * fuzz_rebalance_io.c
 *	  libFuzzer harness for the decoders and checks of crm.rebalance_state
 *	  and crm.rebalance_plan (src/workload/rebalance_types_core.c): binary, compact text
 *	  and JSON forms, and the O(1) header check that lets the aggregate
 *	  functions write into a state in place.
 *

 *
 * The first byte picks what the rest is:
 *   0  a state's binary form (recv)        1  a state's text (in: JSON or crm64:)
 *   2  a plan's binary form (recv)         3  a plan's text (in)
 *   4  the raw bytes of a state value, as an aggregate function is handed
 *      them (header and rows checked; then a row is appended in place when
 *      there is room, so a check that passed a value whose size is smaller
 *      than its header claims shows up as an overflow under ASan)
 *   5  the raw bytes of a plan value, as crm.moves is handed them
 * Whatever is accepted passes every check, and its binary form and its text
 * form (JSON or compact) decode back to the same value; whatever is refused
 * is refused with a recorded error of a kind the entry point may raise.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rebalance_types_core.h"
#include "wire_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same kind, options, rows (ids compared as ids), flags, costs and count */
static void
assert_same_state(const CrmRbStateValue *a, const CrmRbStateValue *b)
{
	CrmRbIds	ia = crm_rb_state_ids(a);
	CrmRbIds	ib = crm_rb_state_ids(b);
	int64_t		i;

	FUZZ_ASSERT(a->nrows == b->nrows && a->idkind == b->idkind && a->sflags == b->sflags);
	FUZZ_ASSERT(!(a->sflags & CRM_RB_STATE_OPTIONS) || memcmp(&a->opts, &b->opts, sizeof(a->opts)) == 0);
	FUZZ_ASSERT(a->wirebytes == b->wirebytes);
	for (i = 0; i < a->nrows; i++)
	{
		uint8_t		f = CRM_RB_STATE_FLAGS(a)[i];
		const CrmRbRow *x = &a->rows[i];
		const CrmRbRow *y = &b->rows[i];

		FUZZ_ASSERT(f == CRM_RB_STATE_FLAGS(b)[i]);
		FUZZ_ASSERT(memcmp(&x->load, &y->load, 2 * sizeof(double)) == 0);
		if (a->idkind == CRM_RB_IDS_BIGINT)
			FUZZ_ASSERT(x->customer_id == y->customer_id && x->manager_id == y->manager_id);
		else
		{
			int			la,
						lb;
			const uint8_t *pa,
					   *pb;

			if (!(f & CRM_RB_NO_CUSTOMER))
			{
				pa = crm_rb_id_bytes(&ia, x->customer_id, &la);
				pb = crm_rb_id_bytes(&ib, y->customer_id, &lb);
				FUZZ_ASSERT(la == lb && memcmp(pa, pb, (size_t) la) == 0);
			}
			if (!(f & CRM_RB_NO_MANAGER))
			{
				pa = crm_rb_id_bytes(&ia, x->manager_id, &la);
				pb = crm_rb_id_bytes(&ib, y->manager_id, &lb);
				FUZZ_ASSERT(la == lb && memcmp(pa, pb, (size_t) la) == 0);
			}
		}
		if (a->sflags & CRM_RB_STATE_COSTS)
			FUZZ_ASSERT(memcmp(&CRM_RB_STATE_COSTV(a)[i], &CRM_RB_STATE_COSTV(b)[i], sizeof(double)) == 0);
	}
}

/* A state that was accepted: checks pass; binary and text read back equal. */
static void
check_state(const CrmRbStateValue *s)
{
	CrmError	err = {0};
	uint64_t	n = crm_rb_state_wire_size(s, false);
	uint8_t    *bin;
	CrmRbStateValue *t;
	char	   *text;

	FUZZ_ASSERT(crm_rb_state_check_header(s, crm_rb_state_size(s->caprows, s->capbytes, s->sflags & CRM_RB_STATE_COSTS), CRM_ERR_INVALID, &err) == 0);
	FUZZ_ASSERT(crm_rb_state_check_rows(s, 0, CRM_ERR_INVALID, &err) == 0);
	FUZZ_ASSERT(n <= CRM_WIRE_MAX_BINARY);

	bin = crm_core_alloc((size_t) n);
	crm_rb_state_encode(s, false, bin);
	t = crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(t != NULL);
	assert_same_state(s, t);
	crm_core_free(t);
	crm_core_free(bin);

	text = crm_rb_state_print(s, false);
	t = crm_rb_state_parse(text, &err);
	if (t == NULL)
		fprintf(stderr, "re-parse failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, text);
	FUZZ_ASSERT(t != NULL);
	assert_same_state(s, t);
	crm_core_free(t);
	crm_core_free(text);
}

/* A plan that was accepted: checks pass; binary and text read back equal. */
static void
check_plan(const CrmRbPlanValue *p, size_t size)
{
	CrmError	err = {0};
	uint64_t	n = crm_rb_plan_wire_size(p, false);
	int64_t		nmoves;
	double		moved;
	double		mcost;
	uint8_t    *bin;
	CrmRbPlanValue *q;
	size_t		qsize;
	char	   *text;

	FUZZ_ASSERT(crm_rb_plan_check(p, size, CRM_ERR_INVALID, &nmoves, &moved, &mcost, &err) == 0);
	FUZZ_ASSERT(nmoves == p->nmoves && moved == p->moved_load && mcost == p->moved_cost);

	bin = crm_core_alloc((size_t) n);
	crm_rb_plan_encode(p, false, bin);
	q = crm_rb_plan_decode(bin, (size_t) n, CRM_ERR_BINARY, &qsize, &err);
	FUZZ_ASSERT(q != NULL && qsize == size);
	FUZZ_ASSERT(memcmp((const char *) p + 4, (const char *) q + 4, size - 4) == 0);
	crm_core_free(q);
	crm_core_free(bin);

	text = crm_rb_plan_print(p, false);
	q = crm_rb_plan_parse(text, &qsize, &err);
	if (q == NULL)
		fprintf(stderr, "re-parse failed: %s (%s)\ntext: %.300s\n", err.message, err.detail, text);
	FUZZ_ASSERT(q != NULL && qsize == size);
	FUZZ_ASSERT(memcmp((const char *) p + 4, (const char *) q + 4, size - 4) == 0);
	crm_core_free(q);
	crm_core_free(text);
}

/* The raw bytes of a state value handed to an aggregate function. */
static void
raw_state(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	/* an exact-size allocation: ASan sees any access past size */
	CrmRbStateValue *s = crm_core_alloc(size ? size : 1);

	if (size)
		memcpy(s, data, size);
	if (crm_rb_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0)
	{
		FUZZ_ASSERT(err.kind == CRM_ERR_INVALID);
		crm_core_free(s);
		return;
	}
	/* the transition function's in-place append */
	if (s->nrows < s->caprows && s->idkind == CRM_RB_IDS_BIGINT)
	{
		CrmRbRow	r = {1, 2, 3.0, 4.0};
		CrmRbStateValue *before = s;

		if (crm_rb_state_push(&s, &r, 0, 0, NULL, 0, NULL, 0, &err) != 0)
		{
			FUZZ_ASSERT(err.kind == CRM_ERR_LIMIT);
			crm_core_free(s);
			return;
		}
		FUZZ_ASSERT(s == before);	/* in place: there was room */
	}
	if (crm_rb_state_check_rows(s, 0, CRM_ERR_INVALID, &err) == 0)
		check_state(s);
	else
		FUZZ_ASSERT(err.kind == CRM_ERR_INVALID);
	crm_core_free(s);
}

/* The raw bytes of a plan value handed to a function that reads plans. */
static void
raw_plan(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmRbPlanValue *p = crm_core_alloc(size ? size : 1);
	int64_t		nmoves;
	double		moved;
	double		mcost;

	if (size)
		memcpy(p, data, size);
	if (crm_rb_plan_check(p, size, CRM_ERR_INVALID, &nmoves, &moved, &mcost, &err) == 0)
	{
		const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
		int64_t		i;

		/* what crm.moves reads: the managers a move names exist */
		for (i = 0; i < p->nentries; i++)
		{
			FUZZ_ASSERT(mv[i].to >= 0 && mv[i].to < p->nmanagers);
			FUZZ_ASSERT(mv[i].from >= -1 && mv[i].from < p->nmanagers && mv[i].from != mv[i].to);
		}
		p->nmoves = nmoves;
		p->moved_load = moved;
		p->moved_cost = mcost;
		check_plan(p, size);
	}
	else
		FUZZ_ASSERT(err.kind == CRM_ERR_INVALID || err.kind == CRM_ERR_LIMIT);
	crm_core_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	int			mode;

	if (size == 0)
		return 0;
	mode = data[0] % 6;
	data++;
	size--;
	if (mode == 0 || mode == 1)
	{
		CrmRbStateValue *s;

		if (mode == 0)
			s = crm_rb_state_decode(data, size, CRM_ERR_BINARY, &err);
		else
		{
			char	   *text = fuzz_cstring(data, size);

			s = crm_rb_state_parse(text, &err);
			crm_core_free(text);
		}
		if (s == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0' &&
						err.kind != (mode == 0 ? CRM_ERR_SYNTAX : CRM_ERR_BINARY));
		else
		{
			check_state(s);
			crm_core_free(s);
		}
	}
	else if (mode == 2 || mode == 3)
	{
		CrmRbPlanValue *p;
		size_t		psize = 0;

		if (mode == 2)
			p = crm_rb_plan_decode(data, size, CRM_ERR_BINARY, &psize, &err);
		else
		{
			char	   *text = fuzz_cstring(data, size);

			p = crm_rb_plan_parse(text, &psize, &err);
			crm_core_free(text);
		}
		if (p == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0' &&
						err.kind != (mode == 2 ? CRM_ERR_SYNTAX : CRM_ERR_BINARY));
		else
		{
			check_plan(p, psize);
			crm_core_free(p);
		}
	}
	else if (mode == 4)
		raw_state(data, size);
	else
		raw_plan(data, size);
	return 0;
}
