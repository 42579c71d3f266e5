/*
 * test_json.c
 *	  Unit tests of the JSON pull reader and writers (json_core.c) behind
 *	  the text forms of crm.cluster_sketch, crm.clusters and the rebalance
 *	  types: the number grammar, exact integers, strings, and round trips
 *	  of the shortest number form.
 */
#include <stdint.h>
#include <stdlib.h>

#include "json_core.h"
#include "unit.h"

/* Read one number from text; the error kind (CRM_OK when read). */
static int
read_number(const char *text, double *out)
{
	CrmError	err = {0};
	CrmJson		j;

	crm_json_init(&j, text, &err, "crm.test");
	if (crm_json_number(&j, out) && crm_json_end(&j))
		return CRM_OK;
	return (int) err.kind;
}

/* JSON's number grammar, strictly; NaN and infinities are not JSON. */
UNIT_TEST(json_number_grammar)
{
	static const struct
	{
		const char *text;
		double		value;
	}			good[] = {
		{"0", 0}, {"-0", -0.0}, {" 12 ", 12}, {"1.5e3", 1500}, {"1E-2", 0.01}, {"-7.25", -7.25},
		{"5e-324", 5e-324}, {"1.7976931348623157e308", 1.7976931348623157e308}, {"2e+2", 200},
	};
	static const char *const bad[] = {
		"", "01", ".5", "1.", "+1", "1e", "1e+", "- 1", "NaN", "Infinity", "-Infinity", "0x10",
		"1,5", "\"1\"", "1 2", NULL
	};
	size_t		i;
	double		d;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		CHECK_INT(read_number(good[i].text, &d), CRM_OK);
		CHECK(memcmp(&d, &good[i].value, sizeof(d)) == 0);
	}
	for (i = 0; bad[i]; i++)
		if (read_number(bad[i], &d) != CRM_ERR_SYNTAX)
			unit_fail(__FILE__, __LINE__, "\"%s\" was not a syntax error", bad[i]);
	CHECK_INT(read_number("1e400", &d), CRM_ERR_RANGE);
	CHECK_INT(read_number("-1e400", &d), CRM_ERR_RANGE);
}

/*
 * A literal too small for float8 is 22003 by crm's rule for numbers
 * (validate_core.h: "a literal beyond float8's range (1e400, 1e-400) is
 * 22003 ... whatever the form it arrives in (text, JSON, ...)"), in the
 * JSON forms as in crm.tiers and crm.scorecard: it must not read as 0.
 */
UNIT_TEST(json_number_underflow)
{
	double		d = 1;

	CHECK_INT(read_number("1e-400", &d), CRM_ERR_RANGE);
}

/* Integers: exact in a double (at most 2^53) and within the bounds. */
UNIT_TEST(json_integers)
{
	static const struct
	{
		const char *text;
		int64_t		lo,
					hi;
		int			kind;
		int64_t		value;
	}			cases[] = {
		{"9007199254740992", 0, INT64_C(1) << 62, CRM_OK, INT64_C(9007199254740992)},
		{"9007199254740993", 0, INT64_C(1) << 62, CRM_ERR_SYNTAX, 0},
		{"-9007199254740992", -(INT64_C(1) << 62), 0, CRM_OK, -INT64_C(9007199254740992)},
		{"1e3", 0, 5000, CRM_OK, 1000},
		{"1.5", 0, 5, CRM_ERR_SYNTAX, 0},
		{"5", 0, 4, CRM_ERR_SYNTAX, 0},
		{"-1", 0, 4, CRM_ERR_SYNTAX, 0},
		{"1e400", 0, 4, CRM_ERR_RANGE, 0},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CrmError	err = {0};
		CrmJson		j;
		int64_t		v = 0;
		bool		ok;

		crm_json_init(&j, cases[i].text, &err, "crm.test");
		ok = crm_json_int(&j, cases[i].lo, cases[i].hi, &v);
		CHECK_INT(ok ? CRM_OK : (int) err.kind, cases[i].kind);
		if (ok)
			CHECK_INT(v, cases[i].value);
	}
	{
		CrmError	err = {0};
		CrmJson		j;
		uint64_t	u = 0;

		crm_json_init(&j, "18446744073709551615", &err, "crm.test");
		CHECK(crm_json_uint64(&j, &u) && u == UINT64_MAX);
		crm_json_init(&j, "18446744073709551616", &err, "crm.test");
		CHECK(!crm_json_uint64(&j, &u));
		CHECK_ERR(&err, CRM_ERR_SYNTAX, "unsigned 64-bit");
		memset(&err, 0, sizeof(err));
		crm_json_init(&j, "01", &err, "crm.test");
		CHECK(!crm_json_uint64(&j, &u));
		memset(&err, 0, sizeof(err));
		crm_json_init(&j, "1.0", &err, "crm.test");
		CHECK(!crm_json_uint64(&j, &u));
	}
}

/* Strings: only \" and \\ escapes, a bounded length; keys in order. */
UNIT_TEST(json_strings_and_keys)
{
	CrmError	err = {0};
	CrmJson		j;
	char		buf[8];

	crm_json_init(&j, " \"a\\\"b\\\\c\" ", &err, "crm.test");
	CHECK(crm_json_string(&j, buf, sizeof(buf)));
	CHECK_STR(buf, "a\"b\\c");
	crm_json_init(&j, "\"a\\nb\"", &err, "crm.test");
	CHECK(!crm_json_string(&j, buf, sizeof(buf)));
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "no other escapes");
	memset(&err, 0, sizeof(err));
	crm_json_init(&j, "\"1234567\"", &err, "crm.test");
	CHECK(crm_json_string(&j, buf, sizeof(buf)));
	crm_json_init(&j, "\"12345678\"", &err, "crm.test");
	CHECK(!crm_json_string(&j, buf, sizeof(buf)));
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "shorter string");
	memset(&err, 0, sizeof(err));
	crm_json_init(&j, "\"abc", &err, "crm.test");
	CHECK(!crm_json_string(&j, buf, sizeof(buf)));
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "closing quote");

	memset(&err, 0, sizeof(err));
	crm_json_init(&j, "{\"k\": 1, \"m\": true}", &err, "crm.test");
	{
		double		d;
		bool		b;

		CHECK(crm_json_expect(&j, '{') && crm_json_key(&j, "k") && crm_json_number(&j, &d) && d == 1);
		CHECK(crm_json_expect(&j, ',') && crm_json_key(&j, "m") && crm_json_bool(&j, &b) && b);
		CHECK(crm_json_expect(&j, '}') && crm_json_end(&j));
	}
	crm_json_init(&j, "{\"x\": 1}", &err, "crm.test");
	CHECK(crm_json_expect(&j, '{') && !crm_json_key(&j, "k"));
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "key \"k\"");
	/* after an error every call fails */
	CHECK(!crm_json_expect(&j, '"'));
}

/* The writers' shortest form reads back bit for bit. */
UNIT_TEST(json_write_read_round_trip)
{
	double		values[] = {0, -0.0, 0.1, 1.0 / 3, -2.5e-308, 5e-324, 1.7976931348623157e308,
	123456789012345678.0, 1e100, -1e-100};
	size_t		i;
	CrmOut		o = {0};
	CrmError	err = {0};
	CrmJson		j;
	double		back[10];

	crm_json_write_numbers(&o, values, 10);
	crm_json_init(&j, o.data, &err, "crm.test");
	CHECK(crm_json_numbers(&j, back, 10) && crm_json_end(&j));
	for (i = 0; i < 10; i++)
		CHECK(memcmp(&back[i], &values[i], sizeof(double)) == 0);
	/* an array of the wrong length */
	memset(&err, 0, sizeof(err));
	crm_json_init(&j, o.data, &err, "crm.test");
	CHECK(!crm_json_numbers(&j, back, 9));
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "after 9 numbers");
}
