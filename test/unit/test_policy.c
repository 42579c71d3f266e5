/*
 * test_policy.c
 *	  Unit tests of the service policy core (policy_core.c): canonical
 *	  printing and its fixed point, malformed literals, limits, lookup, the
 *	  binary form (a version byte and the canonical text) and the checker.
 */
#include <stdint.h>
#include <stdlib.h>

#include "policy_core.h"
#include "unit.h"

static CrmPolicy *
parse_ok(const char *text, size_t *size)
{
	CrmError	err = {0};
	CrmPolicy  *p = crm_policy_parse(text, size, &err);

	if (p == NULL)
		unit_fail(__FILE__, __LINE__, "crm_policy_parse(\"%.60s\"): %s (%s)", text, err.message, err.detail);
	return p;
}

#define ZERO "{visits_per_year: 0, calls_per_year: 0, visit_minutes: 0, call_minutes: 0, travel_minutes: 0}"

/*
 * Valid literals print canonically (entries sorted bytewise, `*` last,
 * every key written, shortest numbers), and the canonical text is a fixed
 * point that parses to the same bytes.
 */
UNIT_TEST(policy_canonical_print)
{
	static const char *const cases[][2] = {
		{"A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; "
			"*: {calls_per_year: 2, call_minutes: 10}",
			"A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, travel_minutes: 40}; "
		"*: {visits_per_year: 0, calls_per_year: 2, visit_minutes: 0, call_minutes: 10, travel_minutes: 0}"},
		{"*: {}; b: {}; a: {visits_per_year: 1};",
			"a: {visits_per_year: 1, calls_per_year: 0, visit_minutes: 0, call_minutes: 0, travel_minutes: 0}; "
		"b: " ZERO "; *: " ZERO},
		{"\"*\": {}", "*: " ZERO},
		{"  \"a b\" :{ call_minutes : 1e9 }  ", "\"a b\": {visits_per_year: 0, calls_per_year: 0, visit_minutes: 0, call_minutes: 1000000000, travel_minutes: 0}"},
		{"\"x\": {call_minutes: .5}", "x: {visits_per_year: 0, calls_per_year: 0, visit_minutes: 0, call_minutes: 0.5, travel_minutes: 0}"},
		{"z: {call_minutes: -0}; y: {travel_minutes: 5e-324}",
			"y: {visits_per_year: 0, calls_per_year: 0, visit_minutes: 0, call_minutes: 0, travel_minutes: 5e-324}; z: " ZERO},
		{"金葵花: {visits_per_year: 2}; \"q\\\"uote\": {}",
			"\"q\\\"uote\": " ZERO "; 金葵花: {visits_per_year: 2, calls_per_year: 0, visit_minutes: 0, call_minutes: 0, travel_minutes: 0}"},
		/* bytewise order: upper case before lower, shorter first */
		{"b: {}; B: {}; bb: {}", "B: " ZERO "; b: " ZERO "; bb: " ZERO},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		size_t		size,
					size2;
		CrmPolicy  *p = parse_ok(cases[i][0], &size);
		CrmPolicy  *again;
		char	   *text;
		CrmError	err = {0};

		if (p == NULL)
			continue;
		text = crm_policy_print(p);
		CHECK_STR(text, cases[i][1]);
		again = parse_ok(text, &size2);
		if (again == NULL)
			continue;
		CHECK(size2 == size && memcmp(again, p, size) == 0);
		CHECK_STR(crm_policy_print(again), text);
		CHECK_INT(crm_policy_check(p, size, &err), 0);
	}
}

/* One malformed literal per line, with its error kind and a fragment. */
UNIT_TEST(policy_malformed_literals)
{
	static const struct
	{
		const char *text;
		int			kind;
		const char *fragment;
	}			cases[] = {
		{"", CRM_ERR_SYNTAX, "Expected a tier label at end of input"},
		{";", CRM_ERR_SYNTAX, "Expected a tier label"},
		{"a: {call_minutes: 1", CRM_ERR_SYNTAX, "Expected \",\" or \"}\""},
		{"a {call_minutes: 1}", CRM_ERR_SYNTAX, "Expected \":\" after the tier label"},
		{"a: {call_minutes 1}", CRM_ERR_SYNTAX, "Expected \":\""},
		{"a: {call_minutes: 1,}", CRM_ERR_SYNTAX, "Expected one of visits_per_year"},
		{"a: {calls: 1}", CRM_ERR_SYNTAX, "Expected one of visits_per_year"},
		{"a: {call_minutes: 1, call_minutes: 2}", CRM_ERR_SYNTAX, "Key written twice"},
		{"a: {} b: {}", CRM_ERR_SYNTAX, "Expected \";\" or end of input"},
		{"a: {call_minutes: 0x10}", CRM_ERR_SYNTAX, "Expected a number"},
		{"a: {call_minutes: +1}", CRM_ERR_SYNTAX, "Expected a number"},
		{"a: {call_minutes: 1e}", CRM_ERR_SYNTAX, "Expected a number"},
		{"\"a: {}", CRM_ERR_SYNTAX, "Unterminated quoted string"},
		{"a: {}; a: {}", CRM_ERR_INVALID, "lists tier \"a\" twice"},
		{"*: {}; \"*\": {}", CRM_ERR_INVALID, "more than one \"*\" entry"},
		{"\"\": {}", CRM_ERR_INVALID, "tier label is empty"},
		{"a: {call_minutes: 1000000001}", CRM_ERR_INVALID, "call_minutes must be between 0 and 1e9, got 1000000001"},
		{"a: {visit_minutes: -1}", CRM_ERR_INVALID, "visit_minutes must be between 0 and 1e9, got -1"},
		{"a: {visits_per_year: NaN}", CRM_ERR_INVALID, "visits_per_year must be a finite number, got NaN"},
		{"*: {calls_per_year: -Infinity}", CRM_ERR_INVALID, "entry \"*\": calls_per_year must be a finite number, got -Infinity"},
		{"a: {call_minutes: 1e999}", CRM_ERR_RANGE, "call_minutes \"1e999\" is out of range for type double precision"},
		{NULL, 0, NULL}
	};
	int			i;

	for (i = 0; cases[i].text; i++)
	{
		CrmError	err = {0};
		size_t		size;

		if (crm_policy_parse(cases[i].text, &size, &err) != NULL)
		{
			unit_fail(__FILE__, __LINE__, "\"%s\" was accepted", cases[i].text);
			continue;
		}
		if ((int) err.kind != cases[i].kind ||
			(!strstr(err.message, cases[i].fragment) && !strstr(err.detail, cases[i].fragment)))
			unit_fail(__FILE__, __LINE__, "\"%s\": kind %d, \"%s\" (%s)", cases[i].text, err.kind, err.message, err.detail);
	}
}

/*
 * A literal too small for float8 (1e-400) is 22003 by crm's rule for
 * numbers (validate_core.h: "a literal beyond float8's range (1e400,
 * 1e-400) is 22003", as PostgreSQL's float8in says, and as crm.tiers and
 * crm.scorecard do): it must not round to 0.
 */
UNIT_TEST(policy_underflow_literal)
{
	CrmError	err = {0};
	size_t		size;

	CHECK(crm_policy_parse("a: {call_minutes: 1e-400}", &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_RANGE, "out of range for type double precision");
}

/* A literal of n tiers t1..tn (and a `*` entry when star). */
static char *
many_entries(int n, bool star)
{
	size_t		cap = (size_t) n * 16 + 32;
	char	   *s = crm_core_alloc(cap);
	size_t		p = 0;
	int			i;

	for (i = 0; i < n; i++)
		p += (size_t) snprintf(s + p, cap - p, "%st%d: {}", i ? "; " : "", i + 1);
	if (star)
		snprintf(s + p, cap - p, "; *: {}");
	return s;
}

/* Limits at and just beyond: 1,000 tiers (and `*`), 200-byte labels, 1e9. */
UNIT_TEST(policy_limits)
{
	size_t		size;
	CrmError	err = {0};
	CrmPolicy  *p;
	char		label[300];

	p = parse_ok(many_entries(CRM_POLICY_MAX_ENTRIES, true), &size);
	CHECK(p != NULL && p->nentries == 1001);
	CHECK(crm_policy_parse(many_entries(CRM_POLICY_MAX_ENTRIES + 1, false), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000 tiers, got 1001");
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_parse(many_entries(CRM_POLICY_MAX_ENTRIES + 5, true), &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 1000");

	memset(label, 'q', CRM_POLICY_MAX_LABEL);
	strcpy(label + CRM_POLICY_MAX_LABEL, ": {}");
	CHECK(parse_ok(label, &size) != NULL);
	memset(label, 'q', CRM_POLICY_MAX_LABEL + 1);
	strcpy(label + CRM_POLICY_MAX_LABEL + 1, ": {}");
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_parse(label, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "201 bytes long; the limit is 200");

	CHECK(parse_ok("a: {visits_per_year: 1e9, calls_per_year: 1000000000}", &size) != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_parse("a: {visits_per_year: 1000000000.0000001}", &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "between 0 and 1e9");
}

/* Lookup: the listed entry, else `*`, else none; minutes a year. */
UNIT_TEST(policy_lookup)
{
	size_t		size;
	CrmPolicy  *p = parse_ok("A+: {visits_per_year: 4, calls_per_year: 12, visit_minutes: 60, call_minutes: 10, "
							 "travel_minutes: 40}; B: {calls_per_year: 6, call_minutes: 15}; "
							 "*: {calls_per_year: 2, call_minutes: 10}", &size);
	CrmPolicy  *q = parse_ok("A+: {calls_per_year: 1}", &size);
	const CrmPolicyEntry *e;

	if (p == NULL || q == NULL)
		return;
	e = crm_policy_lookup(p, "A+", 2);
	CHECK(e != NULL && crm_policy_minutes_per_year(e) == 4 * (60 + 40) + 12 * 10);
	e = crm_policy_lookup(p, "B", 1);
	CHECK(e != NULL && crm_policy_minutes_per_year(e) == 90);
	e = crm_policy_lookup(p, "C", 1);
	CHECK(e != NULL && e->label_len == 0 && crm_policy_minutes_per_year(e) == 20);
	e = crm_policy_lookup(p, "A", 1);
	CHECK(e != NULL && e->label_len == 0);
	CHECK(crm_policy_lookup(q, "B", 1) == NULL);
	CHECK(crm_policy_lookup(q, "A+", 2) != NULL);
	CHECK_INT(crm_policy_key_index("travel_minutes", 14), CRM_POLICY_TRAVEL_MIN);
	CHECK_INT(crm_policy_key_index("travel", 6), -1);
}

/* The binary form: a version byte and the canonical text. */
static uint8_t *
encode_policy(const CrmPolicy *p, size_t *n)
{
	char	   *text = crm_policy_print(p);
	size_t		len = strlen(text);
	uint8_t    *buf = crm_core_alloc(len + 1);

	buf[0] = CRM_POLICY_BINARY_VERSION;
	memcpy(buf + 1, text, len);
	*n = len + 1;
	return buf;
}

UNIT_TEST(policy_binary_round_trip_and_errors)
{
	size_t		size,
				size2,
				n,
				cut;
	CrmPolicy  *p = parse_ok("a: {call_minutes: 3}; b: {visits_per_year: 2}; *: {}", &size);
	uint8_t    *bin;
	CrmPolicy  *back;
	CrmError	err = {0};

	if (p == NULL)
		return;
	bin = encode_policy(p, &n);
	back = crm_policy_decode(bin, n, &size2, &err);
	CHECK(back != NULL && size2 == size && memcmp(back, p, size) == 0);

	/* every proper prefix: a binary error (truncated text is malformed) */
	for (cut = 0; cut < n; cut++)
	{
		memset(&err, 0, sizeof(err));
		back = crm_policy_decode(bin, cut, &size2, &err);
		/*
		 * A prefix that ends after an entry (and its ";" and space: a
		 * trailing ";" is allowed) is a shorter valid policy.
		 */
		if (back != NULL)
		{
			CHECK(cut > 1 && (bin[cut - 1] == '}' || bin[cut - 1] == ';' ||
							  (bin[cut - 1] == ' ' && bin[cut - 2] == ';')));
			continue;
		}
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
	/* version, NUL bytes, malformed text: binary errors; bad values keep their kind */
	bin[0] = 2;
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_decode(bin, n, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
	bin[0] = 1;
	bin[3] = '\0';
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_decode(bin, n, &size2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "NUL");
	{
		const char *bad = "\001a: {call_minutes: -3}";

		memset(&err, 0, sizeof(err));
		CHECK(crm_policy_decode((const uint8_t *) bad, strlen(bad), &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_INVALID, "between 0 and 1e9");
		bad = "\001a: {call_minutes: 3";
		memset(&err, 0, sizeof(err));
		CHECK(crm_policy_decode((const uint8_t *) bad, strlen(bad), &size2, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, "malformed");
	}
}

/* crm_policy_check on corrupted values. */
UNIT_TEST(policy_check_rejects_corruptions)
{
	size_t		size;
	CrmPolicy  *good = parse_ok("a: {call_minutes: 3}; b: {visits_per_year: 2}; *: {}", &size);
	CrmPolicy  *p;
	CrmError	err = {0};
	int			c;

	if (good == NULL)
		return;
	p = crm_core_alloc(size);
	for (c = 0; c < 12; c++)
	{
		memcpy(p, good, size);
		memset(&err, 0, sizeof(err));
		switch (c)
		{
			case 0:
				p->version = 2;
				break;
			case 1:
				p->flags = 0x80;
				break;
			case 2:
				p->nentries = 0;
				break;
			case 3:
				p->nentries = 1000000;
				break;
			case 4:
				p->entries[0].v[CRM_POLICY_CALL_MIN] = NAN;
				break;
			case 5:
				p->entries[1].v[CRM_POLICY_VISITS] = 2e9;
				break;
			case 6:
				p->entries[2].label_len = 1;	/* the `*` entry has no label */
				break;
			case 7:
				p->entries[0].label_off = (uint32_t) size;
				break;
			case 8:
				p->entries[1].label_len = 0;
				break;
			case 9:
				{
					/* labels out of order: swap the first two entries */
					CrmPolicyEntry t = p->entries[0];

					p->entries[0] = p->entries[1];
					p->entries[1] = t;
				}
				break;
			case 10:
				((char *) p)[p->entries[0].label_off + 1] = 'x';	/* no NUL after "a" */
				break;
			case 11:
				p->flags = 0;	/* the last entry is then a listed one, with no label */
				break;
		}
		if (crm_policy_check(p, size, &err) == 0)
			unit_fail(__FILE__, __LINE__, "corruption %d was accepted", c);
		else
			CHECK_ERR(&err, CRM_ERR_BINARY, "corrupt crm.service_policy value");
	}
	memset(&err, 0, sizeof(err));
	CHECK(crm_policy_check(good, sizeof(CrmPolicy) - 1, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "corrupt");
}

/*
 * Random policies built from arbitrary labels (any byte but NUL) and
 * values (0 to 1e9, denormals, all 17 digits): print -> parse gives the
 * same bytes.
 */
UNIT_TEST(policy_random_round_trips)
{
	uint64_t	s = 0x13198A2E03707344u;
	int			round;

	for (round = 0; round < 300; round++)
	{
		int			n = 1 + round % 7;
		char		buf[8][10];
		CrmPolicySpec specs[8];
		size_t		size,
					size2;
		CrmError	err = {0};
		CrmPolicy  *p,
				   *back;
		char	   *text;
		int			i,
					j,
					k;

		memset(specs, 0, sizeof(specs));
		for (i = 0; i < n; i++)
		{
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			specs[i].label_len = 1 + (uint32_t) (s % 10);
			for (j = 0; j < (int) specs[i].label_len; j++)
			{
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				buf[i][j] = (char) (s % 3 ? 32 + (s >> 8) % 95 : 1 + (s >> 8) % 255);
			}
			buf[i][0] = (char) ('a' + i);
			specs[i].label = buf[i];
			for (k = 0; k < CRM_POLICY_NKEYS; k++)
			{
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				specs[i].v[k] = s % 9 == 0 ? 5e-324 * (double) (s >> 60) :
					(double) (s >> 11) / 9007199254740992.0 * (s % 2 ? 1e9 : 10);
			}
		}
		/* sometimes a `*` entry (label NULL) */
		if (round % 3 == 0)
			specs[n - 1].label = NULL, specs[n - 1].label_len = 0;
		p = crm_policy_build(specs, n, &size, &err);
		if (p == NULL)
		{
			unit_fail(__FILE__, __LINE__, "build: %s", err.message);
			continue;
		}
		CHECK_INT(crm_policy_check(p, size, &err), 0);
		text = crm_policy_print(p);
		back = crm_policy_parse(text, &size2, &err);
		if (back == NULL)
		{
			unit_fail(__FILE__, __LINE__, "parse of \"%s\": %s (%s)", text, err.message, err.detail);
			continue;
		}
		CHECK(size2 == size && memcmp(back, p, size) == 0);
	}
}
