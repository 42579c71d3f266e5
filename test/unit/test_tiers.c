/*
 * test_tiers.c
 *	  Unit tests of the crm.tiers core (tiers_core.c): the text parser and
 *	  printer (canonical form, fixed point), the binary form, the checker,
 *	  the limits, and the lookup.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tiers_core.h"
#include "unit.h"

static CrmTiers *
parse_ok(const char *text, size_t *size)
{
	CrmError	err = {0};
	CrmTiers   *t = crm_tiers_parse(text, size, &err);

	if (t == NULL)
		unit_fail(__FILE__, __LINE__, "crm_tiers_parse(\"%.60s\"): %s (%s)", text, err.message, err.detail);
	return t;
}

/*
 * Valid literals print in canonical form, and the canonical form is a
 * fixed point: print(parse(print(parse(x)))) == print(parse(x)), byte for
 * byte the same value.
 */
UNIT_TEST(tiers_canonical_print)
{
	static const char *const cases[][2] = {
		{"{mass, priority >= 80000, sunflower >= 500000}", "{mass, priority >= 80000, sunflower >= 500000}"},
		{"  {  mass ,priority>=8e4,\tsunflower >=\n  500000 }  ", "{mass, priority >= 80000, sunflower >= 500000}"},
		{"{\"private banking\", \"a,b\" >= 1}", "{\"private banking\", \"a,b\" >= 1}"},
		{"{\"plain\", x >= -0}", "{plain, x >= 0}"},
		{"{a, \"b\\\"c\" >= 1, \"d\\\\e\" >= 2.5}", "{a, \"b\\\"c\" >= 1, \"d\\\\e\" >= 2.5}"},
		{"{a, b >= 0.1, c >= 0.30000000000000004}", "{a, b >= 0.1, c >= 0.30000000000000004}"},
		{"{a, b >= -1e300, c >= 5e-324}", "{a, b >= -1e+300, c >= 5e-324}"},
		{"{金葵花, 私人银行 >= 6000000}", "{金葵花, 私人银行 >= 6000000}"},
		{"{\"{x}\", \"y=1\" >= 1, \"t\ttab\" >= 2, \" lead\" >= 3}", "{\"{x}\", \"y=1\" >= 1, \"t\ttab\" >= 2, \" lead\" >= 3}"},
		/* a backslash makes the next character literal: \t is a plain t */
		{"{a, \"x\\ty\" >= 1}", "{a, xty >= 1}"},
		{"{a b, c d >= 1}", "{\"a b\", \"c d\" >= 1}"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		size_t		size,
					size2;
		CrmTiers   *t = parse_ok(cases[i][0], &size);
		CrmTiers   *again;
		char	   *text;

		if (t == NULL)
			continue;
		text = crm_tiers_print(t);
		CHECK_STR(text, cases[i][1]);
		CHECK_INT(crm_tiers_text_len(t), strlen(text));
		again = parse_ok(text, &size2);
		if (again == NULL)
			continue;
		CHECK(size2 == size && memcmp(again, t, size) == 0);
		CHECK_STR(crm_tiers_print(again), text);
		{
			CrmError	err = {0};

			CHECK_INT(crm_tiers_check(t, size, &err), 0);
		}
	}
}

/* One malformed literal per line, with its error kind and a fragment. */
UNIT_TEST(tiers_malformed_literals)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"", CRM_ERR_SYNTAX, "Expected \"{\""},
		{"mass, priority >= 1", CRM_ERR_SYNTAX, "Expected \"{\""},
		{"{}", CRM_ERR_SYNTAX, "Expected a tier label"},
		{"{a}", CRM_ERR_INVALID, "at least two tiers, got 1"},
		{"{a, b}", CRM_ERR_SYNTAX, "Expected \">=\" and the tier's lower bound"},
		{"{a >= 1, b >= 2}", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"{a, b >= 2, c >= 1}", CRM_ERR_INVALID, "strictly ascending: bound 2 (1) is not above bound 1 (2)"},
		{"{a, b >= 2, c >= 2}", CRM_ERR_INVALID, "strictly ascending"},
		{"{a, a >= 1}", CRM_ERR_INVALID, "duplicate tier label \"a\""},
		{"{a, b >= 1", CRM_ERR_SYNTAX, "at end of input"},
		{"{a, b >= 1} x", CRM_ERR_SYNTAX, "Junk after closing"},
		{"{a, b >= 1}}", CRM_ERR_SYNTAX, "Junk after closing"},
		{"{a, b > 1}", CRM_ERR_SYNTAX, "Expected \">=\""},
		{"{a, b >= }", CRM_ERR_SYNTAX, "Expected a number"},
		{"{a, b >= x}", CRM_ERR_SYNTAX, "Expected a number"},
		{"{a, b >= 1,}", CRM_ERR_SYNTAX, "Expected a tier label"},
		{"{a,, b >= 1}", CRM_ERR_SYNTAX, "Expected a tier label"},
		{"{a, \"b >= 1}", CRM_ERR_SYNTAX, "Unterminated quoted label"},
		{"{\"\", b >= 1}", CRM_ERR_INVALID, "tier label 1 is empty"},
		{"{a, b >= NaN}", CRM_ERR_INVALID, "tier bound 1 must be a finite number, got NaN"},
		{"{a, b >= -Infinity}", CRM_ERR_INVALID, "got -Infinity"},
		{"{a, b >= 1e400}", CRM_ERR_RANGE, "tier bound 1 \"1e400\" is out of range for type double precision"},
		{"{a, b >= 1e-400}", CRM_ERR_RANGE, "out of range"},
		{"{a, b >= 1 2}", CRM_ERR_SYNTAX, "Expected \",\" or \"}\""},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		size_t		size;

		if (crm_tiers_parse(cases[i].text, &size, &err) != NULL)
		{
			unit_fail(__FILE__, __LINE__, "\"%s\" was accepted", cases[i].text);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(!strstr(err.message, cases[i].fragment) && !strstr(err.detail, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "\"%s\": kind %d, \"%s\" (%s)", cases[i].text, err.kind, err.message, err.detail);
	}
}

/* A literal of n tiers, labels t1..tn, bounds 1..n-1, labels padded to len. */
static char *
many_tiers(int n, int label_len)
{
	size_t		cap = (size_t) n * (label_len + 32) + 16;
	char	   *s = crm_core_alloc(cap);
	size_t		p = 0;
	int			i;

	s[p++] = '{';
	for (i = 0; i < n; i++)
	{
		int			w = snprintf(s + p, cap - p, "%st%d", i ? ", " : "", i + 1);
		int			pad = label_len - (w - (i ? 2 : 0));

		p += w;
		for (; pad > 0; pad--)
			s[p++] = 'x';
		if (i)
			p += snprintf(s + p, cap - p, " >= %d", i);
	}
	s[p++] = '}';
	s[p] = '\0';
	return s;
}

/* Limits at and just beyond: 1,000 tiers, 200-byte labels, 1 MB literals. */
UNIT_TEST(tiers_limits)
{
	size_t		size;
	CrmError	err = {0};
	CrmTiers   *t;
	char	   *big;
	char		label[260];

	t = parse_ok(many_tiers(CRM_TIERS_MAX_TIERS, 5), &size);
	CHECK(t != NULL && t->ntiers == 1000);
	CHECK(crm_tiers_parse(many_tiers(CRM_TIERS_MAX_TIERS + 1, 5), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000 tiers");

	/* the largest scheme: 1,000 labels of 200 bytes */
	t = parse_ok(many_tiers(CRM_TIERS_MAX_TIERS, CRM_TIERS_MAX_LABEL), &size);
	CHECK(t != NULL);
	if (t)
	{
		CHECK(strlen(crm_tiers_print(t)) < CRM_TIERS_MAX_TEXT);
		CHECK(crm_tiers_label(t, 999, NULL)[0] == 't');
	}

	/* labels of 200 bytes are fine, 201 are not */
	memcpy(label, "{a, ", 4);
	memset(label + 4, 'b', CRM_TIERS_MAX_LABEL);
	strcpy(label + 4 + CRM_TIERS_MAX_LABEL, " >= 1}");
	CHECK(parse_ok(label, &size) != NULL);
	memset(label + 4, 'b', CRM_TIERS_MAX_LABEL + 1);
	strcpy(label + 4 + CRM_TIERS_MAX_LABEL + 1, " >= 1}");
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_parse(label, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "tier label 2 is 201 bytes long; the limit is 200");

	/* a literal just over 1 MB (spaces are allowed, so only the length is wrong) */
	big = crm_core_alloc(CRM_TIERS_MAX_TEXT + 2);
	memset(big, ' ', CRM_TIERS_MAX_TEXT + 1);
	memcpy(big, "{a, b >= 1}", 11);
	big[CRM_TIERS_MAX_TEXT] = '\0';
	CHECK(parse_ok(big, &size) != NULL);
	big[CRM_TIERS_MAX_TEXT] = ' ';
	big[CRM_TIERS_MAX_TEXT + 1] = '\0';
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_parse(big, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "the limit is 1048576");

	/* the builder's count check, also used by the binary reader */
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_count_ok(1000, &err) && !crm_tiers_count_ok(1001, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000");
}

/* A value equal to a floor belongs to the upper tier; the ends are open. */
UNIT_TEST(tiers_locate)
{
	size_t		size;
	CrmTiers   *t = parse_ok("{mass, priority >= 80000, sunflower >= 500000, private >= 6e6}", &size);
	double		bounds[17];
	int			n,
				i;

	if (t == NULL)
		return;
	CHECK_INT(crm_tiers_locate(t, -INFINITY), 0);
	CHECK_INT(crm_tiers_locate(t, -1e308), 0);
	CHECK_INT(crm_tiers_locate(t, 79999.99), 0);
	CHECK_INT(crm_tiers_locate(t, 80000), 1);
	CHECK_INT(crm_tiers_locate(t, nextafter(500000, 0)), 1);
	CHECK_INT(crm_tiers_locate(t, 500000), 2);
	CHECK_INT(crm_tiers_locate(t, 6e6), 3);
	CHECK_INT(crm_tiers_locate(t, INFINITY), 3);
	CHECK_INT(crm_tiers_find_label(t, "sunflower", 9), 2);
	CHECK_INT(crm_tiers_find_label(t, "sun", 3), -1);

	/* the branch-free search against a linear count, for every size up to 17 */
	for (n = 0; n <= 17; n++)
	{
		for (i = 0; i < n; i++)
			bounds[i] = i * 2;
		for (i = -2; i <= 2 * n + 1; i++)
		{
			int			want = 0,
						j;
			double		x = i / 1.0;

			for (j = 0; j < n; j++)
				want += bounds[j] <= x;
			CHECK_INT(crm_bounds_locate(bounds, n, x), want);
		}
	}
}

/* Binary round trips, and a conversion function applied to labels. */
static const char *
upper_conv(const char *s, size_t len, size_t *out_len)
{
	char	   *u = crm_core_alloc(len + 1);
	size_t		i;

	for (i = 0; i < len; i++)
		u[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char) (s[i] - 32) : s[i];
	*out_len = len;
	return u;
}

UNIT_TEST(tiers_binary_round_trip)
{
	const char *lits[] = {
		"{mass, priority >= 80000, sunflower >= 500000}",
		"{\"a b\", \"c\\\"d\" >= -1e-300, 金葵花 >= 1e300}",
	};
	size_t		i;

	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++)
	{
		size_t		size,
					size2,
					n;
		CrmTiers   *t = parse_ok(lits[i], &size);
		uint8_t    *bin;
		CrmTiers   *back;
		CrmError	err = {0};

		if (t == NULL)
			continue;
		bin = crm_tiers_encode(t, NULL, &n);
		CHECK(bin != NULL);
		back = crm_tiers_decode(bin, n, NULL, &size2, &err);
		CHECK(back != NULL && size2 == size && memcmp(back, t, size) == 0);
	}
	/* the conversion applies to every label, both ways */
	{
		size_t		size,
					size2,
					n;
		CrmTiers   *t = parse_ok("{low, high >= 1}", &size);
		uint8_t    *bin = crm_tiers_encode(t, upper_conv, &n);
		CrmError	err = {0};
		CrmTiers   *back = crm_tiers_decode(bin, n, NULL, &size2, &err);

		CHECK(back != NULL);
		if (back)
			CHECK_STR(crm_tiers_print(back), "{LOW, HIGH >= 1}");
	}
}

/* Binary input: truncation at every prefix, trailing bytes, bad headers. */
UNIT_TEST(tiers_binary_errors)
{
	size_t		size,
				size2,
				n,
				cut;
	CrmTiers   *t = parse_ok("{mass, priority >= 80000, sunflower >= 500000}", &size);
	uint8_t    *bin = crm_tiers_encode(t, NULL, &n);
	uint8_t    *buf = crm_core_alloc(n + 1);
	CrmError	err = {0};

	for (cut = 0; cut < n; cut++)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_tiers_decode(bin, cut, NULL, &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
	memcpy(buf, bin, n);
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n + 1, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, NULL);

	/* version */
	buf[0] = 2;
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
	/* counts: negative is structure, 1 and 1001 are the type's rules */
	memcpy(buf, bin, n);
	buf[1] = 0xFF;
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "negative tier count");
	memcpy(buf, bin, n);
	buf[4] = 1;
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "at least two tiers");
	buf[3] = 0x03;
	buf[4] = 0xE9;				/* 1001 */
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000 tiers");
	/* binary input obeys the text rules: bounds in order */
	memcpy(buf, bin, n);
	memcpy(buf + 5, bin + 13, 8);	/* bound 1 := bound 2 */
	memset(&err, 0, sizeof(err));
	CHECK(crm_tiers_decode(buf, n, NULL, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "strictly ascending");
}

/* crm_tiers_check on corrupted values. */
UNIT_TEST(tiers_check_rejects_corruptions)
{
	size_t		size;
	CrmTiers   *good = parse_ok("{mass, priority >= 80000, sunflower >= 500000}", &size);
	CrmTiers   *t;
	CrmError	err = {0};
	uint32_t   *ends;
	char	   *area;

	if (good == NULL)
		return;
	t = crm_core_alloc(size);
#define RESET() (memcpy(t, good, size), memset(&err, 0, sizeof(err)))
	RESET();
	CHECK_INT(crm_tiers_check(t, size, &err), 0);
	CHECK(crm_tiers_check(t, CRM_TIERS_HEADER_SIZE - 1, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
	RESET();
	CHECK(crm_tiers_check(t, CRM_TIERS_HEADER_SIZE + 8, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
	RESET();
	t->version = 2;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
	RESET();
	t->flags = 1;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
	RESET();
	t->ntiers = 1;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "tier count");
	RESET();
	t->ntiers = 1001;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "tier count");
	RESET();
	ends = (uint32_t *) crm_tiers_label_ends(t);
	ends[2] = 1000;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "label table");
	RESET();
	ends = (uint32_t *) crm_tiers_label_ends(t);
	area = (char *) crm_tiers_label_area(t);
	area[ends[0]] = 'x';		/* no NUL after "mass" */
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "label table");
	RESET();
	t->bounds[1] = NAN;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "finite");
	RESET();
	t->bounds[1] = t->bounds[0];
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "strictly ascending");
	RESET();
	t->bounds[0] = -0.0;
	CHECK(crm_tiers_check(t, size, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "not canonical");
	/* trailing bytes beyond the last label */
	RESET();
	CHECK(crm_tiers_check(t, size + 8, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
#undef RESET

	/* labels that became equal */
	{
		CrmTiers   *d = parse_ok("{ab, cd >= 1}", &size);

		if (d == NULL)
			return;
		area = (char *) crm_tiers_label_area(d);
		area[3] = 'a';
		area[4] = 'b';
		memset(&err, 0, sizeof(err));
		CHECK(crm_tiers_check(d, size, &err) != 0);
		CHECK_ERR(&err, CRM_ERR_INVALID, "duplicate tier label \"ab\"");
	}
}

/*
 * Random schemes built from arbitrary labels (any byte but NUL, up to 12
 * of them) and random ascending bounds (denormals, negatives, all 17
 * digits): print -> parse gives the same bytes, and the printed length is
 * crm_tiers_text_len.
 */
UNIT_TEST(tiers_random_round_trips)
{
	uint64_t	s = 0x243F6A8885A308D3u;
	int			round;

	for (round = 0; round < 400; round++)
	{
		int			n = 2 + round % 9;
		char		buf[16][12];
		const char *labels[16];
		uint32_t	lens[16];
		double		bounds[16];
		size_t		size,
					size2;
		CrmError	err = {0};
		CrmTiers   *t;
		CrmTiers   *back;
		char	   *text;
		int			i,
					j;

		for (i = 0; i < n; i++)
		{
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			lens[i] = 1 + (uint32_t) (s % 12);
			for (j = 0; j < (int) lens[i]; j++)
			{
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				/* mostly printable, sometimes any byte but NUL */
				buf[i][j] = (char) (s % 4 ? 32 + (s >> 8) % 95 : 1 + (s >> 8) % 255);
			}
			/* a unique prefix keeps the labels distinct */
			buf[i][0] = (char) ('A' + i);
			labels[i] = buf[i];
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			/* adjacent doubles, denormals near 0, or random steps */
			if (i == 0)
				bounds[i] = round % 5 == 0 ? -3e-322 : -1e6;
			else if (round % 5 == 0 || s % 7 == 0)
				bounds[i] = nextafter(bounds[i - 1], INFINITY);
			else
				bounds[i] = bounds[i - 1] + (double) (s >> 11) / 9007199254740992.0 * 1e5 + 1e-3;
		}
		t = crm_tiers_build(n, bounds, labels, lens, &size, &err);
		if (t == NULL)
		{
			unit_fail(__FILE__, __LINE__, "build: %s", err.message);
			continue;
		}
		text = crm_tiers_print(t);
		CHECK_INT(strlen(text), crm_tiers_text_len(t));
		back = crm_tiers_parse(text, &size2, &err);
		if (back == NULL)
		{
			unit_fail(__FILE__, __LINE__, "parse of \"%s\": %s (%s)", text, err.message, err.detail);
			continue;
		}
		CHECK(size2 == size && memcmp(back, t, size) == 0);
	}
}
