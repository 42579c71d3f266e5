/*
 * test_rebalance_types.c
 *	  Unit tests of crm.rebalance_state and crm.rebalance_plan
 *	  (rebalance_types_core.c): row normalisation, checks, and the binary,
 *	  JSON and compact text forms with their errors.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rebalance_core.h"
#include "rebalance_types_core.h"
#include "unit.h"

/* bigint ids, and crm 0.1.0's objective (the plans these tests were written for) */
static const CrmRbIds BIG = {CRM_RB_IDS_BIGINT, NULL, 0};
static const CrmRbOptions V1OPTS = CRM_RB_OPTIONS_V1;
#define CRM_RB_WIRE_MOVE 24
#include "wire_core.h"

/* A state of n rows: customers i with managers i % 5 (some orphaned, pinned or declarations). */
static CrmRbStateValue *
sample_state(int64_t n)
{
	CrmError	err = {0};
	CrmRbStateValue *s = crm_rb_state_alloc(CRM_RB_IDS_BIGINT, 0, n > 0 ? n : 1, 0, &err);
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		CrmRbRow	r;
		bool		no_customer = i % 11 == 10;
		bool		no_manager = !no_customer && i % 7 == 3;
		bool		pinned = !no_manager && i % 5 == 1;
		int			f;

		r.customer_id = i % 2 ? -i * 1000003 : INT64_MAX - i;	/* beyond 2^53 */
		r.manager_id = i % 5 - 2;
		r.load = (i % 13) / 3.0;
		r.capacity = 1 + (i % 5) * 0.1;
		f = crm_rb_row_normalize(&r, no_customer, no_manager, pinned, false, NULL, &BIG, &err);
		CHECK(f >= 0);
		CHECK_INT(crm_rb_state_push(&s, &r, (uint8_t) f, 0, NULL, 0, NULL, 0, &err), 0);
	}
	return s;
}

static bool
same_rows(const CrmRbStateValue *a, const CrmRbStateValue *b)
{
	return a != NULL && b != NULL && a->nrows == b->nrows &&
		memcmp(a->rows, b->rows, sizeof(CrmRbRow) * (size_t) a->nrows) == 0 &&
		memcmp(CRM_RB_STATE_FLAGS(a), CRM_RB_STATE_FLAGS(b), (size_t) a->nrows) == 0;
}

/* Normalisation: -0 becomes 0, absent fields 0; the wording of the aggregate. */
UNIT_TEST(rebalance_row_normalize)
{
	CrmRbRow	r = {5, 6, -0.0, -0.0};
	CrmError	err = {0};
	uint64_t	bits;

	CHECK_INT(crm_rb_row_normalize(&r, false, false, true, false, NULL, &BIG, &err), CRM_RB_PINNED);
	memcpy(&bits, &r.load, 8);
	CHECK(bits == 0);
	memcpy(&bits, &r.capacity, 8);
	CHECK(bits == 0);

	r = (CrmRbRow) {5, 6, 7, 8};
	CHECK_INT(crm_rb_row_normalize(&r, true, false, true, false, NULL, &BIG, &err), CRM_RB_NO_CUSTOMER);	/* pinned means nothing here */
	CHECK(r.customer_id == 0 && r.load == 0 && r.manager_id == 6 && r.capacity == 8);
	r = (CrmRbRow) {5, 6, 7, 8};
	CHECK_INT(crm_rb_row_normalize(&r, false, true, false, false, NULL, &BIG, &err), CRM_RB_NO_MANAGER);
	CHECK(r.manager_id == 0 && r.capacity == 0 && r.customer_id == 5 && r.load == 7);

	r = (CrmRbRow) {5, 6, 7, 8};
	CHECK_INT(crm_rb_row_normalize(&r, false, true, true, false, NULL, &BIG, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "orphaned customer 5 cannot be pinned");
	memset(&err, 0, sizeof(err));
	r = (CrmRbRow) {5, 6, -1, 8};
	CHECK_INT(crm_rb_row_normalize(&r, false, false, false, false, NULL, &BIG, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "load of customer 5 must not be negative, got -1");
	memset(&err, 0, sizeof(err));
	r = (CrmRbRow) {5, 6, 1, NAN};
	CHECK_INT(crm_rb_row_normalize(&r, false, false, false, false, NULL, &BIG, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "capacity of manager 6 must be a finite number, got NaN");
	memset(&err, 0, sizeof(err));
	r = (CrmRbRow) {5, 6, -INFINITY, 1};
	CHECK_INT(crm_rb_row_normalize(&r, false, false, false, false, NULL, &BIG, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "got -Infinity");
}

/*
 * State round trips: encode -> decode, print -> parse (JSON below 8 kB of
 * binary, compact above), bit for bit, and the header and rows check.
 */
UNIT_TEST(rebalance_state_round_trips)
{
	int64_t		sizes[] = {0, 1, 7, 200, 600};
	size_t		i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		CrmRbStateValue *s = sample_state(sizes[i]);
		CrmRbStateValue *back;
		uint64_t	n = crm_rb_state_wire_size(s, false);
		uint8_t    *bin = crm_core_alloc((size_t) n);
		CrmError	err = {0};
		char	   *text;

		CHECK_INT(crm_rb_state_check_header(s, crm_rb_state_size(s->caprows, s->capbytes, s->sflags & CRM_RB_STATE_COSTS), CRM_ERR_INVALID, &err), 0);
		CHECK_INT(crm_rb_state_check_rows(s, 0, CRM_ERR_INVALID, &err), 0);
		crm_rb_state_encode(s, false, bin);
		back = crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err);
		CHECK(same_rows(back, s));
		if (back)
		{
			CHECK(back->seal == 0);
			CHECK_INT(crm_rb_state_check_header(back, crm_rb_state_size(back->caprows, back->capbytes, back->sflags & CRM_RB_STATE_COSTS), CRM_ERR_INVALID, &err), 0);
		}

		text = crm_rb_state_print(s, false);
		CHECK((strncmp(text, "crm64:", 6) == 0) == (n > CRM_WIRE_READABLE_MAX));
		back = crm_rb_state_parse(text, &err);
		if (back == NULL)
			unit_fail(__FILE__, __LINE__, "parse of %lld rows: %s (%s)", (long long) sizes[i], err.message, err.detail);
		CHECK(same_rows(back, s));
		if (back)
			CHECK_STR(crm_rb_state_print(back, false), text);
		/* the compact form of a small state reads too */
		back = crm_rb_state_parse(crm_wire_to_text(bin, (size_t) n), &err);
		CHECK(same_rows(back, s));
	}
	/* the JSON form, spelled out */
	{
		CrmRbStateValue *s = sample_state(0);
		CrmRbRow	r = {-3, 4, 2.5, 10};
		CrmError	err = {0};

		s->rows[0] = r;
		CRM_RB_STATE_FLAGS(s)[0] = CRM_RB_PINNED;
		s->nrows = 1;
		CHECK_STR(crm_rb_state_print(s, false), "{\"rows\": [[-3, 4, 2.5, 10, false]]}");
		CHECK(crm_rb_state_alloc(CRM_RB_IDS_BIGINT, 0, CRM_RB_MAX_ROWS + 1, 0, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_LIMIT, "too many rows");
	}
}

/* Every proper prefix of a state's binary form is truncated (22P03). */
UNIT_TEST(rebalance_state_decode_truncation)
{
	CrmRbStateValue *s = sample_state(4);
	uint64_t	n = crm_rb_state_wire_size(s, false);
	uint8_t    *bin = crm_core_alloc((size_t) n + 1);
	size_t		cut;

	crm_rb_state_encode(s, false, bin);
	for (cut = 0; cut < n; cut++)
	{
		CrmError	err = {0};

		CHECK(crm_rb_state_decode(bin, cut, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_rb_state_parse(crm_wire_to_text(bin, cut), &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	{
		CrmError	err = {0};

		CHECK(crm_rb_state_decode(bin, (size_t) n + 1, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		/* a forged count far beyond the bytes: truncation, nothing allocated */
		memset(&err, 0, sizeof(err));
		bin[3] = 0x7f;			/* the row count's high byte */
		CHECK(crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
	}
}

/* Corrupted states: header and rows checks, and the binary decoder. */
UNIT_TEST(rebalance_state_check_rejects_corruptions)
{
	CrmRbStateValue *good = sample_state(12);
	size_t		size = crm_rb_state_size(good->caprows, good->capbytes, good->sflags & CRM_RB_STATE_COSTS);
	CrmRbStateValue *s = crm_core_alloc(size);
	CrmError	err = {0};
	uint64_t	n;
	uint8_t    *bin;

#define RESET() (memcpy(s, good, size), memset(&err, 0, sizeof(err)))
	RESET();
	s->version = 3;
	CHECK(crm_rb_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "unsupported version");
	RESET();
	s->pad = 1;
	CHECK(crm_rb_state_check_header(s, size, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "reserved bytes");
	RESET();
	s->nrows = s->caprows + 1;
	CHECK(crm_rb_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "rows in a capacity");
	RESET();
	s->caprows = CRM_RB_MAX_ROWS + 1;
	CHECK(crm_rb_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "capacity of");
	RESET();
	CHECK(crm_rb_state_check_header(s, size - 8, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "bytes for a capacity");
	RESET();
	CHECK(crm_rb_state_check_header(s, 3, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "too short");

	/* rows: flags (structure), normal form (structure), numbers (22023) */
	RESET();
	CRM_RB_STATE_FLAGS(s)[5] = 0x10;
	CHECK(crm_rb_state_check_rows(s, 0, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "row 6 has invalid flags");
	RESET();
	CRM_RB_STATE_FLAGS(s)[0] = CRM_RB_NO_CUSTOMER | CRM_RB_PINNED;
	CHECK(crm_rb_state_check_rows(s, 0, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "invalid flags");
	RESET();
	s->rows[2].load = -0.0;
	CHECK(crm_rb_state_check_rows(s, 0, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "not in normal form");
	RESET();
	CHECK(CRM_RB_STATE_FLAGS(s)[3] & CRM_RB_NO_MANAGER);
	s->rows[3].manager_id = 9;
	CHECK(crm_rb_state_check_rows(s, 0, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "not in normal form");
	RESET();
	s->rows[4].load = NAN;
	CHECK(crm_rb_state_check_rows(s, 0, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "must be a finite number, got NaN");
	/* rows before `from` are not looked at */
	RESET();
	s->rows[4].load = NAN;
	CHECK_INT(crm_rb_state_check_rows(s, 5, CRM_ERR_BINARY, &err), 0);

	/* the decoder: invalid flags are structure, numbers keep their kind */
	RESET();
	n = crm_rb_state_wire_size(s, false);
	bin = crm_core_alloc((size_t) n);
	crm_rb_state_encode(s, false, bin);
	bin[11] = 0x40;				/* the first row's flags (version, kind, flags, count) */
	CHECK(crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "row 1 has invalid flags");
	RESET();
	bin[11] = CRM_RB_NO_MANAGER | CRM_RB_PINNED;
	CHECK(crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "cannot be pinned");
	RESET();
	bin[0] = 3;
	CHECK(crm_rb_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
#undef RESET
}

/* The JSON reader of states: syntax 22P02, numbers 22023. */
UNIT_TEST(rebalance_state_parse_errors)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"{\"rows\": []}", CRM_OK, NULL},
		{" { \"rows\" : [ [1, 2, 3, 4, true] , [null, 2, null, 4, true], [5, null, 1, null, true] ] } ", CRM_OK, NULL},
		{"", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"{\"rows\": [}", CRM_ERR_SYNTAX, NULL},
		{"{\"rows\": [[1, 2, 3, 4]]}", CRM_ERR_SYNTAX, NULL},
		{"{\"rows\": [[1, 2, 3, 4, true, 6]]}", CRM_ERR_SYNTAX, "after the five fields"},
		{"{\"rows\": [[null, null, null, null, true]]}", CRM_ERR_SYNTAX, "a customer or a manager"},
		{"{\"rows\": [[1, null, 3, 4, true]]}", CRM_ERR_SYNTAX, "null (the capacity of no manager)"},
		{"{\"rows\": [[null, 2, 3, 4, true]]}", CRM_ERR_SYNTAX, "null (the load of no customer)"},
		{"{\"rows\": [[1.5, 2, 3, 4, true]]}", CRM_ERR_SYNTAX, "customer id"},
		{"{\"rows\": [[9223372036854775808, 2, 3, 4, true]]}", CRM_ERR_SYNTAX, "customer id"},
		{"{\"rows\": [[-9223372036854775808, 2, 3, 4, true]]}", CRM_OK, NULL},
		{"{\"rows\": [[01, 2, 3, 4, true]]}", CRM_ERR_SYNTAX, "customer id"},
		{"{\"rows\": [[1, 2, -3, 4, true]]}", CRM_ERR_INVALID, "must not be negative"},
		{"{\"rows\": [[1, null, 3, null, false]]}", CRM_ERR_INVALID, "cannot be pinned"},
		{"{\"rows\": [[1, 2, 3, 1e999, true]]}", CRM_ERR_RANGE, NULL},
		{"{\"rows\": [[1, 2, 3, 4, true]]} x", CRM_ERR_SYNTAX, NULL},
		{"crm64:AQAAAAAAAAAB", CRM_ERR_SYNTAX, "truncated"},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		CrmRbStateValue *s = crm_rb_state_parse(cases[i].text, &err);

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
			(cases[i].fragment && !strstr(err.message, cases[i].fragment) && !strstr(err.detail, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "case %d: kind %d, \"%s\" (%s)", i, err.kind, err.message, err.detail);
	}
}

/* ------------------------------------------------------------ plans */

/* The plan of a solved random group of nc customers. */
static CrmRbPlanValue *
sample_plan(int nc, size_t *size)
{
	CrmRbRow   *rows = crm_core_alloc(sizeof(CrmRbRow) * (size_t) (nc + 4));
	uint8_t    *flags = crm_core_alloc((size_t) nc + 4);
	CrmRbPlan	plan;
	CrmError	err = {0};
	CrmRbPlanValue *p;
	int			i;

	for (i = 0; i < nc; i++)
	{
		rows[i].customer_id = (int64_t) i * 7919 - 1000;
		rows[i].manager_id = i % 3;		/* managers 0..2 hold everything */
		rows[i].load = 1 + (i * 37 % 17) / 4.0;
		rows[i].capacity = 1 + rows[i].manager_id;
		flags[i] = i % 9 == 4 ? CRM_RB_NO_MANAGER : (i % 6 == 1 ? CRM_RB_PINNED : 0);
		if (flags[i] & CRM_RB_NO_MANAGER)
			rows[i].manager_id = 0, rows[i].capacity = 0;
	}
	/* two new joiners */
	rows[nc] = (CrmRbRow) {0, 40, 0, 2.5};
	rows[nc + 1] = (CrmRbRow) {0, -40, 0, 1};
	flags[nc] = flags[nc + 1] = CRM_RB_NO_CUSTOMER;
	CHECK(crm_rb_solve(rows, flags, NULL, nc + 2, &BIG, &V1OPTS, &plan, &err) == 0);
	p = crm_rb_plan_from_result(&plan, &BIG, size, &err);
	if (p == NULL)
		unit_fail(__FILE__, __LINE__, "crm_rb_plan_from_result: %s (%s)", err.message, err.detail);
	return p;
}

/* Plan round trips: encode -> decode, print -> parse, compact text. */
UNIT_TEST(rebalance_plan_round_trips)
{
	int			sizes[] = {0, 1, 10, 3000};
	size_t		i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		size_t		size,
					size2;
		CrmRbPlanValue *p = sample_plan(sizes[i], &size);
		CrmRbPlanValue *back;
		uint64_t	n;
		uint8_t    *bin;
		CrmError	err = {0};
		char	   *text;
		int64_t		nmoves;
		double		moved;
	double		mcost;

		if (p == NULL)
			continue;
		CHECK_INT(crm_rb_plan_check(p, size, CRM_ERR_INVALID, &nmoves, &moved, &mcost, &err), 0);
		CHECK(nmoves == p->nmoves && moved == p->moved_load);
		CHECK(sizes[i] < 10 || p->nentries > 0);
		n = crm_rb_plan_wire_size(p, false);
		bin = crm_core_alloc((size_t) n);
		crm_rb_plan_encode(p, false, bin);
		back = crm_rb_plan_decode(bin, (size_t) n, CRM_ERR_BINARY, &size2, &err);
		CHECK(back != NULL && size2 == size && memcmp(back, p, size) == 0);

		text = crm_rb_plan_print(p, false);
		CHECK((strncmp(text, "crm64:", 6) == 0) == (n > CRM_WIRE_READABLE_MAX));
		CHECK(sizes[i] != 3000 || n > CRM_WIRE_READABLE_MAX);
		back = crm_rb_plan_parse(text, &size2, &err);
		if (back == NULL)
			unit_fail(__FILE__, __LINE__, "parse: %s (%s)", err.message, err.detail);
		CHECK(back != NULL && size2 == size && memcmp(back, p, size) == 0);
		if (back)
			CHECK_STR(crm_rb_plan_print(back, false), text);
		back = crm_rb_plan_parse(crm_wire_to_text(bin, (size_t) n), &size2, &err);
		CHECK(back != NULL && size2 == size && memcmp(back, p, size) == 0);
	}
}

/* The JSON form of a plan, spelled out, and read back. */
UNIT_TEST(rebalance_plan_json_form)
{
	const char *text = "{\"customers\": 3, \"orphans\": 1, \"peak_before\": 5, \"peak_after\": 3, "
		"\"lower_bound\": 2.5, \"managers\": [[-7, 2, 0, 6], [3, 1, 5, 3]], "
		"\"moves\": [[1, 3, -7, 2], [8, null, -7, 4]]}";
	size_t		size;
	CrmError	err = {0};
	CrmRbPlanValue *p = crm_rb_plan_parse(text, &size, &err);

	CHECK(p != NULL);
	if (p == NULL)
	{
		unit_fail(__FILE__, __LINE__, "%s (%s)", err.message, err.detail);
		return;
	}
	/* version 1's form reads as a plan of 0.1.0's objective and prints back in it */
	CHECK_STR(crm_rb_plan_print(p, true), text);
	CHECK(p->opts.target == 0 && p->opts.minimise == CRM_RB_MIN_LOAD);
	CHECK_STR(crm_rb_plan_print(p, false),
			  "{\"version\": 2, \"ids\": \"bigint\", \"options\": {\"target\": 0, \"minimise\": \"load\", \"max_moves\": null}, "
			  "\"costs\": false, \"customers\": 3, \"orphans\": 1, \"peak_before\": 5, \"peak_after\": 3, \"lower_bound\": 2.5, "
			  "\"managers\": [[-7, 2, 0, 0, 6], [3, 1, 0, 5, 3]], \"moves\": [[1, 3, -7, 2], [8, null, -7, 4]]}");
	CHECK_INT(p->nmanagers, 2);
	CHECK_INT(p->nentries, 2);
	/* derived by the check: one move of a customer that had a manager */
	CHECK_INT(p->nmoves, 1);
	CHECK(p->moved_load == 2);
	CHECK(CRM_RB_PLAN_MOVES(p)[0].from == 1 && CRM_RB_PLAN_MOVES(p)[0].to == 0);
	CHECK(CRM_RB_PLAN_MOVES(p)[1].from == -1);
}

/* Every proper prefix of a plan's binary form is truncated (22P03). */
UNIT_TEST(rebalance_plan_decode_truncation)
{
	size_t		size,
				size2,
				cut;
	CrmRbPlanValue *p = sample_plan(8, &size);
	uint64_t	n;
	uint8_t    *bin;

	if (p == NULL)
		return;
	n = crm_rb_plan_wire_size(p, false);
	bin = crm_core_alloc((size_t) n + 1);
	crm_rb_plan_encode(p, false, bin);
	for (cut = 0; cut < n; cut++)
	{
		CrmError	err = {0};

		CHECK(crm_rb_plan_decode(bin, cut, CRM_ERR_BINARY, &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_rb_plan_parse(crm_wire_to_text(bin, cut), &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	{
		CrmError	err = {0};

		CHECK(crm_rb_plan_decode(bin, (size_t) n + 1, CRM_ERR_BINARY, &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
}

/* A plan that breaks a rule: the check refuses it with the given kind. */
UNIT_TEST(rebalance_plan_check_rejects_corruptions)
{
	static const struct
	{
		const char *name;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"version", CRM_ERR_BINARY, "Unsupported version"},
		{"pad", CRM_ERR_BINARY, "reserved bytes"},
		{"negative count", CRM_ERR_BINARY, "negative"},
		{"size", CRM_ERR_BINARY, "bytes for"},
		{"peak NaN", CRM_ERR_INVALID, "peak_after must be a finite number, got NaN"},
		{"peak negative", CRM_ERR_BINARY, "peak_before is negative"},
		{"managers out of order", CRM_ERR_BINARY, "ascending id"},
		{"capacity Infinity", CRM_ERR_INVALID, "capacity of manager"},
		{"moves out of order", CRM_ERR_BINARY, "ascending customer id"},
		{"move to itself", CRM_ERR_BINARY, "not from one listed manager"},
		{"move to nobody", CRM_ERR_BINARY, "not from one listed manager"},
		{"move from beyond", CRM_ERR_BINARY, "not from one listed manager"},
		{"move load negative", CRM_ERR_BINARY, "load of customer"},
		{"orphans miscounted", CRM_ERR_BINARY, "orphans"},
		{"more moves than customers", CRM_ERR_BINARY, "moves for"},
		{NULL, 0, NULL}
	};
	size_t		size;
	CrmRbPlanValue *good = sample_plan(30, &size);
	int			c;

	if (good == NULL)
		return;
	CHECK(good->nentries >= 3 && good->nmanagers >= 3 && good->norphans >= 1);
	for (c = 0; cases[c].name; c++)
	{
		CrmRbPlanValue *p = crm_core_alloc(size + 64);
		CrmRbMove  *mv;
		const char *nm = cases[c].name;
		size_t		sz = size;
		CrmError	err = {0};
		int64_t		nmoves;
		double		moved;
	double		mcost;

		memcpy(p, good, size);
		mv = CRM_RB_PLAN_MOVES(p);
		if (!strcmp(nm, "version"))
			p->version = 9;
		else if (!strcmp(nm, "pad"))
			p->pad2 = 1;
		else if (!strcmp(nm, "negative count"))
			p->ncustomers = -1;
		else if (!strcmp(nm, "size"))
			sz += sizeof(CrmRbMove);
		else if (!strcmp(nm, "peak NaN"))
			p->peak_after = NAN;
		else if (!strcmp(nm, "peak negative"))
			p->peak_before = -1;
		else if (!strcmp(nm, "managers out of order"))
			p->managers[1].id = p->managers[0].id;
		else if (!strcmp(nm, "capacity Infinity"))
			p->managers[2].capacity = INFINITY;
		else if (!strcmp(nm, "moves out of order"))
			mv[2].customer_id = mv[1].customer_id;
		else if (!strcmp(nm, "move to itself"))
			mv[0].to = mv[0].from >= 0 ? mv[0].from : 0, mv[0].from = mv[0].to;
		else if (!strcmp(nm, "move to nobody"))
			mv[1].to = -1;
		else if (!strcmp(nm, "move from beyond"))
			mv[1].from = p->nmanagers;
		else if (!strcmp(nm, "move load negative"))
			mv[0].load = -2;
		else if (!strcmp(nm, "orphans miscounted"))
			p->norphans++;
		else if (!strcmp(nm, "more moves than customers"))
			p->ncustomers = p->nentries - 1;
		else
			unit_fail(__FILE__, __LINE__, "unknown case %s", nm);

		if (crm_rb_plan_check(p, sz, CRM_ERR_BINARY, &nmoves, &moved, &mcost, &err) == 0)
		{
			unit_fail(__FILE__, __LINE__, "case \"%s\" was accepted", nm);
			continue;
		}
		if ((int) err.kind != cases[c].kind ||
			(!strstr(err.message, cases[c].fragment) && !strstr(err.detail, cases[c].fragment)))
			unit_fail(__FILE__, __LINE__, "case \"%s\": kind %d, \"%s\" (%s)", nm, err.kind, err.message, err.detail);
	}
	/* beyond the cap: 54000 before anything is allocated */
	{
		CrmError	err = {0};
		size_t		sz;

		CHECK(crm_rb_plan_alloc(CRM_RB_IDS_BIGINT, 0, 1, (int64_t) (CRM_WIRE_MAX_BINARY / CRM_RB_WIRE_MOVE) + 1, 0, &sz, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_LIMIT, "too large");
		memset(&err, 0, sizeof(err));
		CHECK(crm_rb_plan_alloc(CRM_RB_IDS_BIGINT, 0, -1, 0, 0, &sz, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_LIMIT, "too large");
	}
}

/* The JSON reader of plans: unknown managers and bad syntax are 22P02. */
UNIT_TEST(rebalance_plan_parse_errors)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"{\"customers\": 0, \"orphans\": 0, \"peak_before\": 0, \"peak_after\": 0, "
			"\"lower_bound\": 0, \"managers\": [], \"moves\": []}", CRM_OK, NULL},
		{"{\"customers\": 1, \"orphans\": 0, \"peak_before\": 0, \"peak_after\": 0, "
			"\"lower_bound\": 0, \"managers\": [[1, 1, 0, 0]], \"moves\": [[5, 1, 2, 1]]}",
		CRM_ERR_SYNTAX, "not from one listed manager"},
		{"{\"customers\": 1, \"orphans\": 0, \"peak_before\": 0, \"peak_after\": 0, "
			"\"lower_bound\": 0, \"managers\": [[1, 1, 0, 0], [2, 1, 0]], \"moves\": []}",
		CRM_ERR_SYNTAX, NULL},
		{"{\"customers\": 1, \"orphans\": 0, \"peak_before\": 0, \"peak_after\": 0, "
			"\"lower_bound\": 0, \"managers\": [[1, 1, 0, 0, 9]], \"moves\": []}",
		CRM_ERR_SYNTAX, "after [id, capacity"},
		{"{\"customers\": 1, \"orphans\": 0, \"peak_before\": 0, \"peak_after\": 0, "
			"\"lower_bound\": -1, \"managers\": [], \"moves\": []}", CRM_ERR_SYNTAX, "lower_bound is negative"},
		{"{\"customers\": 1.0, \"orphans\": 0}", CRM_ERR_SYNTAX, NULL},
		{"{\"orphans\": 0}", CRM_ERR_SYNTAX, NULL},
		{"crm64:", CRM_ERR_SYNTAX, NULL},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		size_t		size;
		CrmRbPlanValue *p = crm_rb_plan_parse(cases[i].text, &size, &err);

		if (cases[i].kind == CRM_OK)
		{
			if (p == NULL)
				unit_fail(__FILE__, __LINE__, "case %d refused: %s (%s)", i, err.message, err.detail);
			continue;
		}
		if (p != NULL)
		{
			unit_fail(__FILE__, __LINE__, "case %d accepted", i);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(cases[i].fragment && !strstr(err.message, cases[i].fragment) && !strstr(err.detail, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "case %d: kind %d, \"%s\" (%s)", i, err.kind, err.message, err.detail);
	}
}
