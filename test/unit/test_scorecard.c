/*
 * test_scorecard.c
 *	  Unit tests of the scorecard core (scorecard_core.c): canonical
 *	  printing and its fixed point, malformed cards, limits, lookups, the
 *	  binary form and the checker.
 */
#include <stdint.h>
#include <stdlib.h>

#include "scorecard_core.h"
#include "unit.h"

static CrmScorecard *
parse_ok(const char *text, size_t *size)
{
	CrmError	err = {0};
	CrmScorecard *c = crm_card_parse(text, size, &err);

	if (c == NULL)
		unit_fail(__FILE__, __LINE__, "crm_card_parse(\"%.60s\"): %s (%s)", text, err.message, err.detail);
	return c;
}

#define AML "name aml_risk; version 3; strict; " \
	"region: category {high_risk: 30, offshore: 40, *: 0, null: 20}; " \
	"fund_size: numeric {0, 5 >= 100000, 15 >= 1000000, null: 10}; " \
	"levels: {low, medium >= 40, high >= 70}"

/*
 * Valid cards print canonically (clauses in order, category values sorted
 * bytewise, defaults written out, keywords quoted) and the canonical text
 * is a fixed point that parses to the same bytes.
 */
UNIT_TEST(scorecard_canonical_print)
{
	static const char *const cases[][2] = {
		{AML, AML},
		{"x: numeric {1}; levels: {a, b >= 1}", "x: numeric {1, null: 0}; levels: {a, b >= 1}"},
		{"x:numeric{1,2>=3};levels:{a,b>=1};", "x: numeric {1, 2 >= 3, null: 0}; levels: {a, b >= 1}"},
		{"x: category {}; levels: {a, b >= 1}", "x: category {*: 0, null: 0}; levels: {a, b >= 1}"},
		{"x: category {b: 1, a: 2, \"c d\": -0}; \"y z\": numeric {0, 1 >= -5}; levels: {a, b >= 1}",
		"x: category {a: 2, b: 1, \"c d\": 0, *: 0, null: 0}; \"y z\": numeric {0, 1 >= -5, null: 0}; levels: {a, b >= 1}"},
		/* clauses in any order; strict, version and name move to the front */
		{"levels: {a, b >= 1}; x: numeric {1}; strict; version \"v 1.2\"; name \"my card\"",
		"name \"my card\"; version \"v 1.2\"; strict; x: numeric {1, null: 0}; levels: {a, b >= 1}"},
		/* keywords and specials as values and names are quoted */
		{"\"null\": category {\"*\": 1, \"null\": 2, *: 3, null: 4}; levels: {a, b >= 1}",
		"\"null\": category {\"*\": 1, \"null\": 2, *: 3, null: 4}; levels: {a, b >= 1}"},
		{"x: numeric {1, 2 >= 3, null: 5}; levels: {\"lo w\", \"hi\\\"gh\" >= 1e-300}",
		"x: numeric {1, 2 >= 3, null: 5}; levels: {\"lo w\", \"hi\\\"gh\" >= 1e-300}"},
		{"区域: category {高: 0.1, 低: -0.30000000000000004}; levels: {低, 高 >= 0.5}",
		"区域: category {低: -0.30000000000000004, 高: 0.1, *: 0, null: 0}; levels: {低, 高 >= 0.5}"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		size_t		size,
					size2;
		CrmScorecard *c = parse_ok(cases[i][0], &size);
		CrmScorecard *again;
		char	   *text;
		CrmError	err = {0};

		if (c == NULL)
			continue;
		text = crm_card_print(c);
		CHECK_STR(text, cases[i][1]);
		CHECK_INT(crm_card_text_len(c), strlen(text));
		again = parse_ok(text, &size2);
		if (again == NULL)
			continue;
		CHECK(size2 == size && memcmp(again, c, size) == 0);
		CHECK_STR(crm_card_print(again), text);
		CHECK_INT(crm_card_check(c, size, &err), 0);
	}
}

/* One malformed card per line, with its error kind and a fragment. */
UNIT_TEST(scorecard_malformed_cards)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"", CRM_ERR_INVALID, "at least one factor"},
		{"levels: {a, b >= 1}", CRM_ERR_INVALID, "at least one factor"},
		{"x: numeric {1}", CRM_ERR_INVALID, "needs levels"},
		{"x: numeric {1}; levels: {a}", CRM_ERR_INVALID, "at least two tiers"},
		{"x: numeric {1, 2 >= 5, 3 >= 5}; levels: {a, b >= 1}", CRM_ERR_INVALID,
		"factor \"x\": bin edges must be strictly ascending: edge 2 (5) is not above edge 1 (5)"},
		{"x: category {a: 1, a: 2}; levels: {a, b >= 1}", CRM_ERR_INVALID, "factor \"x\": duplicate value \"a\""},
		{"x: numeric {1}; x: numeric {2}; levels: {a, b >= 1}", CRM_ERR_INVALID, "duplicate factor \"x\""},
		{"name: x; x: numeric {1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Expected the scorecard name"},
		{"name x; name y; x: numeric {1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Duplicate name clause"},
		{"x: numeric {1}; levels: {a, b >= 1}; strict; strict", CRM_ERR_SYNTAX, "Duplicate strict clause"},
		{"x: numeric {1}; levels: {a, b >= 1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Duplicate levels clause"},
		{"x: foo {1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Expected numeric or category"},
		{"x: numeric {1} levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Expected \";\" between clauses"},
		{"strict: numeric {1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Expected \";\" between clauses"},
		{"x: numeric {1 >= 3}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "invalid input syntax"},
		{"x: numeric {1, 2}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Expected \">=\" and the bin's lower edge"},
		{"x: numeric {null: 1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "A numeric factor needs at least one bin"},
		{"x: category {*: 1, *: 2}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Duplicate * entry"},
		{"x: category {null: 1, null: 2}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Duplicate null entry"},
		{"x: numeric {1, null: 1, null: 2}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Duplicate null entry"},
		{"x: category {\"a: 1}; levels: {a, b >= 1}", CRM_ERR_SYNTAX, "Unterminated quoted string"},
		{"x: numeric {1}; levels: {a, b 1}", CRM_ERR_SYNTAX, NULL},
		{"x: category {\"\": 1}; levels: {a, b >= 1}", CRM_ERR_INVALID, "factor \"x\": a category value is empty"},
		{"name \"\"; x: numeric {1}; levels: {a, b >= 1}", CRM_ERR_INVALID, "scorecard name is empty"},
		{"x: numeric {NaN}; levels: {a, b >= 1}", CRM_ERR_INVALID, "factor \"x\": points of bin 1 must be a finite number, got NaN"},
		{"x: numeric {1, 2 >= NaN}; levels: {a, b >= 1}", CRM_ERR_INVALID, "factor \"x\": bin edge 1 must be a finite number"},
		{"x: category {a: 1, *: Infinity}; levels: {a, b >= 1}", CRM_ERR_INVALID, "points for other values must be a finite number, got Infinity"},
		{"x: numeric {1e999}; levels: {a, b >= 1}", CRM_ERR_RANGE, "factor \"x\": points of bin 1 \"1e999\" is out of range"},
		{"x: numeric {1, 2 >= 1e-400}; levels: {a, b >= 1}", CRM_ERR_RANGE, "bin edge 1 \"1e-400\" is out of range"},
		{"x: numeric {1e308}; y: numeric {1e308}; levels: {a, b >= 1}", CRM_ERR_RANGE, "totals are out of range"},
		{"x: numeric {-1e308}; y: numeric {-1e308}; levels: {a, b >= 1}", CRM_ERR_RANGE, "add up to -Infinity"},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		size_t		size;

		if (crm_card_parse(cases[i].text, &size, &err) != NULL)
		{
			unit_fail(__FILE__, __LINE__, "\"%s\" was accepted", cases[i].text);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(cases[i].fragment && !strstr(err.message, cases[i].fragment) && !strstr(err.detail, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "\"%s\": kind %d, \"%s\" (%s)", cases[i].text, err.kind, err.message, err.detail);
	}
}

/* A growable string for big literals. */
typedef struct Buf
{
	char	   *s;
	size_t		len,
				cap;
} Buf;

static void
put(Buf *b, const char *fmt, int a, int c)
{
	if (b->len + 64 > b->cap)
	{
		size_t		cap = b->cap ? b->cap * 2 : 4096;
		char	   *s = crm_core_alloc(cap);

		if (b->s)
			memcpy(s, b->s, b->len + 1);
		crm_core_free(b->s);
		b->s = s;
		b->cap = cap;
	}
	b->len += (size_t) snprintf(b->s + b->len, b->cap - b->len, fmt, a, c);
}

/* n factors f1..fn of one bin each */
static char *
card_with_factors(int n)
{
	Buf			b = {0};
	int			i;

	for (i = 0; i < n; i++)
		put(&b, "f%d: numeric {%d}; ", i + 1, i);
	put(&b, "levels: {a, b >= %d}%.0d", 1, 0);
	return b.s;
}

/* one numeric factor of n bins */
static char *
card_with_bins(int n)
{
	Buf			b = {0};
	int			i;

	put(&b, "x: numeric {0%.0d%.0d", 0, 0);
	for (i = 1; i < n; i++)
		put(&b, ", %d >= %d", i, i);
	put(&b, "}; levels: {a, b >= %d}%.0d", 1, 0);
	return b.s;
}

/* one category factor of n values */
static char *
card_with_values(int n)
{
	Buf			b = {0};
	int			i;

	put(&b, "x: category {v0: 0%.0d%.0d", 0, 0);
	for (i = 1; i < n; i++)
		put(&b, ", v%d: %d", i, i % 7);
	put(&b, "}; levels: {a, b >= %d}%.0d", 1, 0);
	return b.s;
}

/* Limits at and just beyond: 256 factors, 1,000 bins, 10,000 values, 200-byte words. */
UNIT_TEST(scorecard_limits)
{
	size_t		size;
	CrmError	err = {0};
	CrmScorecard *c;
	char		word[300];

	c = parse_ok(card_with_factors(CRM_CARD_MAX_FACTORS), &size);
	CHECK(c != NULL && c->nfactors == 256);
	CHECK(crm_card_parse(card_with_factors(CRM_CARD_MAX_FACTORS + 1), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 256 factors");

	c = parse_ok(card_with_bins(CRM_CARD_MAX_BINS), &size);
	CHECK(c != NULL && c->factors[0].n == 1000);
	memset(&err, 0, sizeof(err));
	CHECK(crm_card_parse(card_with_bins(CRM_CARD_MAX_BINS + 1), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000 bins");

	c = parse_ok(card_with_values(CRM_CARD_MAX_CATEGORIES), &size);
	CHECK(c != NULL && c->factors[0].n == 10000);
	memset(&err, 0, sizeof(err));
	CHECK(crm_card_parse(card_with_values(CRM_CARD_MAX_CATEGORIES + 1), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "10000");

	/* a factor name of 200 bytes, then 201 */
	memset(word, 'n', CRM_CARD_MAX_NAME);
	strcpy(word + CRM_CARD_MAX_NAME, ": numeric {1}; levels: {a, b >= 1}");
	CHECK(parse_ok(word, &size) != NULL);
	memset(word, 'n', CRM_CARD_MAX_NAME + 1);
	strcpy(word + CRM_CARD_MAX_NAME + 1, ": numeric {1}; levels: {a, b >= 1}");
	memset(&err, 0, sizeof(err));
	CHECK(crm_card_parse(word, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "is 201 bytes long; the limit is 200");

	/* the count checks the binary reader uses */
	memset(&err, 0, sizeof(err));
	CHECK(crm_card_factor_count_ok(256, &err) && !crm_card_factor_count_ok(257, &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 256");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_card_factor_count_ok(0, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "at least one factor");
	memset(&err, 0, sizeof(err));
	CHECK(crm_card_entry_count_ok("x", 1, CRM_FACTOR_NUMERIC, 1000, &err) &&
		  !crm_card_entry_count_ok("x", 1, CRM_FACTOR_NUMERIC, 0, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "needs 1 to 1000");

	/* a literal over 16 MB is refused before it is read */
	{
		char	   *big = crm_core_alloc(CRM_CARD_MAX_TEXT + 2);

		memset(big, ' ', CRM_CARD_MAX_TEXT + 1);
		memset(&err, 0, sizeof(err));
		CHECK(crm_card_parse(big, &size, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_LIMIT, "the limit is 16777216");
	}
}

/* Lookups: factors by name, bins (edges belong to the upper bin), values. */
UNIT_TEST(scorecard_lookups)
{
	size_t		size;
	CrmScorecard *c = parse_ok(AML, &size);
	const CrmCardFactor *region,
			   *fund;
	int			r,
				f;

	if (c == NULL)
		return;
	CHECK(c->flags & CRM_CARD_FLAG_STRICT);
	r = crm_card_find_factor(c, "region", 6);
	f = crm_card_find_factor(c, "fund_size", 9);
	CHECK_INT(r, 0);
	CHECK_INT(f, 1);
	CHECK_INT(crm_card_find_factor(c, "fund", 4), -1);
	region = &c->factors[r];
	fund = &c->factors[f];
	CHECK_INT(crm_card_category_index(c, region, "offshore", 8), 1);
	CHECK(crm_card_points(c, region)[1] == 40);
	CHECK_INT(crm_card_category_index(c, region, "high_risk", 9), 0);
	CHECK_INT(crm_card_category_index(c, region, "off", 3), -1);
	CHECK(region->other == 0 && region->missing == 20);
	CHECK_INT(crm_card_numeric_bin(c, fund, -5), 0);
	CHECK_INT(crm_card_numeric_bin(c, fund, 99999.99), 0);
	CHECK_INT(crm_card_numeric_bin(c, fund, 100000), 1);
	CHECK_INT(crm_card_numeric_bin(c, fund, 1e6), 2);
	CHECK(crm_card_points(c, fund)[2] == 15 && fund->missing == 10);
	CHECK_INT(crm_tiers_locate(crm_card_levels(c), 40), 1);
}

/* Binary round trips; truncation, trailing bytes and bad headers. */
UNIT_TEST(scorecard_binary_round_trip_and_errors)
{
	const char *cards[] = {
		AML,
		"\"a b\": category {}; levels: {\"x y\", z >= -1}",
		"x: numeric {1, 2 >= 3, null: 5}; y: category {q: 1, p: 2, *: 3}; levels: {a, b >= 1, c >= 2}",
	};
	size_t		i;

	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++)
	{
		size_t		size,
					size2,
					n,
					cut;
		CrmScorecard *c = parse_ok(cards[i], &size);
		uint8_t    *bin;
		CrmScorecard *back;
		CrmError	err = {0};

		if (c == NULL)
			continue;
		bin = crm_card_encode(c, NULL, &n);
		CHECK(bin != NULL);
		back = crm_card_decode(bin, n, NULL, &size2, &err);
		CHECK(back != NULL && size2 == size && memcmp(back, c, size) == 0);
		for (cut = 0; cut < n; cut++)
		{
			memset(&err, 0, sizeof(err));
			CHECK(crm_card_decode(bin, cut, NULL, &size2, &err) == NULL);
			CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		}
		{
			uint8_t    *longer = crm_core_alloc(n + 1);

			memcpy(longer, bin, n);
			memset(&err, 0, sizeof(err));
			CHECK(crm_card_decode(longer, n + 1, NULL, &size2, &err) == NULL);
			CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
			longer[0] = 9;
			memset(&err, 0, sizeof(err));
			CHECK(crm_card_decode(longer, n, NULL, &size2, &err) == NULL);
			CHECK_ERR(&err, CRM_ERR_BINARY, "version");
			longer[0] = bin[0];
			longer[1] = 0x80;
			memset(&err, 0, sizeof(err));
			CHECK(crm_card_decode(longer, n, NULL, &size2, &err) == NULL);
			CHECK_ERR(&err, CRM_ERR_BINARY, "flags");
		}
	}
}

/* crm_card_check on corrupted values. */
UNIT_TEST(scorecard_check_rejects_corruptions)
{
	size_t		size;
	CrmScorecard *good = parse_ok(AML, &size);
	CrmScorecard *c;
	int			k;

	if (good == NULL)
		return;
	c = crm_core_alloc(size);
	for (k = 0; k < 13; k++)
	{
		CrmError	err = {0};
		const char *fragment = "corrupt";

		memcpy(c, good, size);
		switch (k)
		{
			case 0:
				c->version = 2;
				fragment = "version";
				break;
			case 1:
				c->flags = 0x10;
				fragment = "version";
				break;
			case 2:
				c->nfactors = 0;
				break;
			case 3:
				c->nfactors = 300;
				break;
			case 4:
				c->levels_off += 4;		/* misaligned */
				break;
			case 5:
				c->name.off = (uint32_t) size;
				break;
			case 6:
				c->factors[0].kind = 3;
				break;
			case 7:
				c->factors[1].points_off = (uint32_t) size - 8;
				break;
			case 8:
				c->factors[0].n = 20000;
				break;
			case 9:
				((double *) crm_card_points(c, &c->factors[1]))[0] = NAN;
				fragment = "finite";
				break;
			case 10:
				((double *) crm_card_edges(c, &c->factors[1]))[1] = 1;	/* edges 100000, 1 */
				fragment = "strictly ascending";
				break;
			case 11:
				/* valid numbers, but the builder stores -0 as 0 */
				((double *) crm_card_points(c, &c->factors[1]))[0] = -0.0;
				fragment = "not canonical";
				break;
			case 12:
				c->levels_size = 8;
				fragment = NULL;
				break;
		}
		if (crm_card_check(c, size, &err) == 0)
		{
			unit_fail(__FILE__, __LINE__, "corruption %d was accepted", k);
			continue;
		}
		if (fragment && !strstr(err.message, fragment))
			unit_fail(__FILE__, __LINE__, "corruption %d: \"%s\"", k, err.message);
		if (k == 9 || k == 10)
			CHECK_ERR(&err, CRM_ERR_INVALID, NULL);
		else
			CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
	{
		CrmError	err = {0};

		CHECK(crm_card_check(good, sizeof(CrmScorecard) - 1, &err) != 0);
		CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
		memset(&err, 0, sizeof(err));
		CHECK(crm_card_check(good, size + 8, &err) != 0);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
}

/*
 * Random cards built from arbitrary names and category values (any byte
 * but NUL, keywords included), random points and edges: print -> parse
 * gives the same bytes, and the printed length is crm_card_text_len.
 */
UNIT_TEST(scorecard_random_round_trips)
{
	static const char *const words[] = {"null", "name", "version", "strict", "levels", "numeric",
	"category", "*", "a b", "x;y", "q\"u", "back\\slash", "{", "--", "1e5", "金"};
	uint64_t	s = 0xA4093822299F31D0u;
	size_t		lsize;
	CrmScorecard *lv = parse_ok("levels: {low, high >= 10}; x: numeric {1}", &lsize);
	int			round;

	if (lv == NULL)
		return;
	for (round = 0; round < 200; round++)
	{
		CrmFactorSpec f[3];
		char		names[3][16];
		const char *keys[6];
		uint32_t	klen[6];
		char		kbuf[6][16];
		double		points[3][6];
		double		edges[6];
		CrmCardSpec spec;
		CrmScorecard *c,
				   *back;
		CrmError	err = {0};
		size_t		size,
					size2;
		char	   *text;
		int			i,
					j;

#define NEXT() (s ^= s << 13, s ^= s >> 7, s ^= s << 17, s)
		memset(f, 0, sizeof(f));
		memset(&spec, 0, sizeof(spec));
		for (i = 0; i < 6; i++)
		{
			if (NEXT() % 2)
			{
				keys[i] = words[(s >> 8) % (sizeof(words) / sizeof(words[0]))];
				klen[i] = (uint32_t) strlen(keys[i]);
			}
			else
			{
				klen[i] = 1 + (uint32_t) (NEXT() % 7);
				for (j = 0; j < (int) klen[i]; j++)
					kbuf[i][j] = (char) (1 + NEXT() % 255);
				keys[i] = kbuf[i];
			}
			edges[i] = i == 0 ? -5 : edges[i - 1] + (double) (NEXT() % 1000) / 7 + 1;
			for (j = 0; j < 3; j++)
				points[j][i] = (double) ((int64_t) (NEXT() % 2001) - 1000) / 3;
		}
		/* category values must be distinct: give each a distinct last byte */
		for (i = 0; i < 6; i++)
		{
			memmove(kbuf[i], keys[i], klen[i]);
			kbuf[i][klen[i]] = (char) ('0' + i);
			keys[i] = kbuf[i];
			klen[i]++;
		}
		for (i = 0; i < 3; i++)
		{
			snprintf(names[i], sizeof(names[i]), "%s%d", i == 1 ? "null" : "f", i);
			f[i].name = i == 2 ? words[round % 16] : names[i];
			f[i].name_len = (uint32_t) strlen(f[i].name);
			f[i].kind = i == 0 ? CRM_FACTOR_NUMERIC : CRM_FACTOR_CATEGORY;
			f[i].n = i == 0 ? 1 + (int) (NEXT() % 6) : (int) (NEXT() % 7);
			f[i].edges = edges;
			f[i].points = points[i];
			f[i].keys = keys;
			f[i].key_lens = klen;
			f[i].missing = (double) (NEXT() % 50) / 8;
			f[i].other = -(double) (NEXT() % 50) / 16;
		}
#undef NEXT
		spec.nfactors = 3;
		spec.factors = f;
		spec.strict = round % 2;
		if (round % 3 == 0)
		{
			spec.name = words[(round / 3) % 16];
			spec.name_len = (uint32_t) strlen(spec.name);
		}
		spec.levels = crm_card_levels(lv);
		spec.levels_size = lv->levels_size;
		c = crm_card_build(&spec, &size, &err);
		if (c == NULL)
		{
			unit_fail(__FILE__, __LINE__, "build %d: %s", round, err.message);
			continue;
		}
		text = crm_card_print(c);
		CHECK_INT(strlen(text), crm_card_text_len(c));
		back = crm_card_parse(text, &size2, &err);
		if (back == NULL)
		{
			unit_fail(__FILE__, __LINE__, "parse of \"%s\": %s (%s)", text, err.message, err.detail);
			continue;
		}
		CHECK(size2 == size && memcmp(back, c, size) == 0);
		CHECK_INT(crm_card_check(c, size, &err), 0);
	}
}
