/*
 * test_feature_names.c
 *	  Unit tests of feature names (feature_names_core.c): validation, the
 *	  canonical block, its checker against every corruption, and the JSON
 *	  and binary forms.
 */
#include <stdint.h>
#include <stdlib.h>

#include "feature_names_core.h"
#include "json_core.h"
#include "unit.h"
#include "wire_core.h"

/* A block of the given names. */
static void *
block_of(int n, const char *const *names)
{
	uint32_t	lens[8];
	void	   *b;
	int			i;

	for (i = 0; i < n; i++)
		lens[i] = (uint32_t) strlen(names[i]);
	b = crm_core_alloc(crm_names_block_size(n, lens));
	crm_names_block_write(b, n, names, lens);
	return b;
}

/* Validation: empty, too long, control characters, duplicates, count. */
UNIT_TEST(names_validate)
{
	static const char *const good[] = {"balance", "tenure", "余额", "say \"hi\"", "a\\b"};
	uint32_t	lens[5];
	char		long_name[202];
	const char *one[1];
	uint32_t	one_len[1];
	int			i;

	for (i = 0; i < 5; i++)
		lens[i] = (uint32_t) strlen(good[i]);
	{
		CrmError	err = {0};

		CHECK(crm_names_validate(5, good, lens, &err));
	}
	memset(long_name, 'x', sizeof(long_name));
	one[0] = long_name;
	for (i = 199; i <= 201; i++)
	{
		CrmError	err = {0};

		one_len[0] = (uint32_t) i;
		CHECK(crm_names_validate(1, one, one_len, &err) == (i <= CRM_FEATURE_NAME_MAX));
		if (i > CRM_FEATURE_NAME_MAX)
			CHECK_ERR(&err, CRM_ERR_LIMIT, "longer than 200 bytes");
	}
	{
		static const char *const bad[] = {"a", ""};
		uint32_t	bl[] = {1, 0};
		CrmError	err = {0};

		CHECK(!crm_names_validate(2, bad, bl, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "feature name 2 must not be empty");
	}
	{
		static const char *const bad[] = {"a\tb", "c"};
		uint32_t	bl[] = {3, 1};
		CrmError	err = {0};

		CHECK(!crm_names_validate(2, bad, bl, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "control characters");
	}
	{
		static const char *const bad[] = {"x\x7f", "c"};
		uint32_t	bl[] = {2, 1};
		CrmError	err = {0};

		CHECK(!crm_names_validate(2, bad, bl, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "control characters");
	}
	{
		/* a duplicate far apart is found (sorted), with both positions */
		static const char *const bad[] = {"b", "a", "c", "d", "a"};
		uint32_t	bl[] = {1, 1, 1, 1, 1};
		CrmError	err = {0};

		CHECK(!crm_names_validate(5, bad, bl, &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "duplicate feature name \"a\"");
		CHECK_ERR(&err, CRM_ERR_INVALID, "Features 2 and 5");
	}
	{
		/* a prefix is not a duplicate */
		static const char *const ok[] = {"ab", "a", "abc"};
		uint32_t	bl[] = {2, 1, 3};
		CrmError	err = {0};

		CHECK(crm_names_validate(3, ok, bl, &err));
	}
	{
		CrmError	err = {0};

		CHECK(crm_names_check_count(0, 3, "x", &err));
		CHECK(crm_names_check_count(3, 3, "x", &err));
		CHECK(!crm_names_check_count(2, 3, "option \"names\"", &err));
		CHECK_ERR(&err, CRM_ERR_INVALID, "option \"names\" has 2 feature names for 3 features");
	}
}

/* The block: canonical size, access, display names, equality, copies. */
UNIT_TEST(names_block)
{
	static const char *const names[] = {"balance", "tenure", "x"};
	void	   *b = block_of(3, names);
	void	   *e = block_of(0, NULL);
	uint32_t	len;
	char		buf[16];
	CrmError	err = {0};

	/* 8 + 3 * 4 + (8 + 7 + 2) = 37, rounded up to 40 */
	CHECK_INT(crm_names_block_bytes(b), 40);
	CHECK_INT(crm_names_count(b), 3);
	CHECK_INT(crm_names_block_bytes(e), CRM_NAMES_EMPTY_SIZE);
	CHECK_INT(crm_names_count(e), 0);
	CHECK_INT(crm_names_count(NULL), 0);
	CHECK(crm_names_block_check(b, 40, 3, "t", &err));
	CHECK(crm_names_block_check(e, 8, 3, "t", &err));
	CHECK(strncmp(crm_names_get(b, 1, &len), "tenure", 6) == 0 && len == 6);
	CHECK(strncmp(crm_names_display(b, 2, buf, &len), "x", 1) == 0 && len == 1);
	CHECK(strncmp(crm_names_display(e, 11, buf, &len), "f12", 3) == 0 && len == 3);
	CHECK(strncmp(crm_names_display(NULL, 0, buf, &len), "f1", 2) == 0 && len == 2);
	CHECK(crm_names_equal(b, b));
	CHECK(crm_names_equal(e, NULL) && crm_names_equal(NULL, e) && crm_names_equal(NULL, NULL));
	CHECK(!crm_names_equal(b, e) && !crm_names_equal(NULL, b));
	{
		static const char *const other[] = {"balance", "tenurE", "x"};
		void	   *o = block_of(3, other);

		CHECK(!crm_names_equal(b, o));
		crm_names_error_differ(&err, b, o, "differ");
		CHECK_ERR(&err, CRM_ERR_INVALID, "Feature 2 is \"tenure\" in one and \"tenurE\" in the other");
	}
	{
		void	   *c = crm_names_copy(b);
		void	   *n = crm_names_copy(NULL);

		CHECK(memcmp(c, b, 40) == 0);
		CHECK(memcmp(n, e, 8) == 0);
	}
}

/* The checker refuses every corruption of a block, and truncation. */
UNIT_TEST(names_block_check_rejects)
{
	static const char *const names[] = {"ab", "cd"};
	void	   *good = block_of(2, names);
	uint32_t	size = crm_names_block_bytes(good);
	unsigned char *b = crm_core_alloc(size + 8);
	uint32_t	v;
	int			c;

	/* 8 + 2 * 4 + 6 = 22 -> 24: text at 16, "ab\0cd\0" then 2 zero bytes */
	CHECK_INT(size, 24);
	for (c = 0; c < 12; c++)
	{
		CrmError	err = {0};
		size_t		avail = size;

		memcpy(b, good, size);
		memset(b + size, 0, 8);
		switch (c)
		{
			case 0:			/* size not a multiple of 8 */
				v = 23;
				memcpy(b, &v, 4);
				break;
			case 1:			/* size beyond the value */
				v = 32;
				memcpy(b, &v, 4);
				break;
			case 2:			/* a count for other dimensions */
				v = 3;
				memcpy(b + 4, &v, 4);
				break;
			case 3:			/* an end past the text */
				v = 100;
				memcpy(b + 12, &v, 4);
				break;
			case 4:			/* an end before its start */
				v = 1;
				memcpy(b + 12, &v, 4);
				break;
			case 5:			/* no NUL where an end says */
				b[16 + 2] = 'z';
				break;
			case 6:			/* a NUL inside a name */
				b[16 + 3] = '\0';
				break;
			case 7:			/* padding not zero */
				b[23] = 1;
				break;
			case 8:			/* a block larger than its names need */
				v = 32;
				memcpy(b, &v, 4);
				avail = 32;
				break;
			case 9:			/* a duplicate */
				b[16 + 3] = 'a';
				b[16 + 4] = 'b';
				break;
			case 10:		/* a control character */
				b[16] = '\n';
				break;
			case 11:		/* truncated */
				avail = 4;
				break;
		}
		CHECK(!crm_names_block_check(b, avail, 2, "t", &err));
		CHECK(err.kind != CRM_OK);
	}
}

/* JSON: written and read back; escapes; errors of shape and of names. */
UNIT_TEST(names_json)
{
	static const char *const names[] = {"say \"hi\"", "a\\b", "余额"};
	void	   *b = block_of(3, names);
	CrmOut		o = {0};

	crm_names_write_json(&o, b);
	CHECK_STR(o.data, "[\"say \\\"hi\\\"\",\"a\\\\b\",\"余额\"]");
	{
		CrmError	err = {0};
		CrmJson		j;
		void	   *back;

		crm_json_init(&j, o.data, &err, "t");
		back = crm_names_read_json(&j, 3, "t", &err);
		CHECK(back != NULL && crm_names_equal(back, b));
	}
	{
		static const struct
		{
			const char *text;
			int			dims;
			int			kind;
			const char *frag;
		}			cases[] = {
			{"[]", 2, CRM_OK, NULL},
			{"[\"a\",\"b\"]", 2, CRM_OK, NULL},
			{"[\"a\"]", 2, CRM_ERR_INVALID, "1 feature names for 2 features"},
			{"[\"a\",\"b\",\"c\"]", 2, CRM_ERR_INVALID, "more feature names"},
			{"[\"a\",\"a\"]", 2, CRM_ERR_INVALID, "duplicate"},
			{"[\"a\",\"\"]", 2, CRM_ERR_INVALID, "empty"},
			{"[\"a\",1]", 2, CRM_ERR_SYNTAX, NULL},
			{"[\"a\",\"\\u0062\"]", 2, CRM_ERR_SYNTAX, NULL},
			{"[\"a\",\"b\"", 2, CRM_ERR_SYNTAX, NULL},
			{"null", 2, CRM_ERR_SYNTAX, NULL},
			{NULL, 0, 0, NULL}
		};
		int			i;

		for (i = 0; cases[i].text; i++)
		{
			CrmError	err = {0};
			CrmJson		j;
			void	   *r;

			crm_json_init(&j, cases[i].text, &err, "t");
			r = crm_names_read_json(&j, cases[i].dims, "t", &err);
			if (cases[i].kind == CRM_OK)
			{
				if (r == NULL)
					unit_fail(__FILE__, __LINE__, "case %d refused: %s", i, err.message);
				continue;
			}
			if (r != NULL)
				unit_fail(__FILE__, __LINE__, "case %d accepted", i);
			else if ((int) err.kind != cases[i].kind ||
					 (cases[i].frag && !strstr(err.message, cases[i].frag)))
				unit_fail(__FILE__, __LINE__, "case %d: kind %d, \"%s\"", i, err.kind, err.message);
		}
	}
	{
		/* a name of 10,000 bytes: too long (54000), not a syntax error */
		char	   *text = crm_core_alloc(10010);
		CrmError	err = {0};
		CrmJson		j;

		strcpy(text, "[\"");
		memset(text + 2, 'x', 10000);
		strcpy(text + 10002, "\"]");
		crm_json_init(&j, text, &err, "t");
		CHECK(crm_names_read_json(&j, 1, "t", &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_LIMIT, "longer than 200 bytes (10000)");
	}
}

/* Binary: encoded, decoded to the same block; every prefix refused. */
UNIT_TEST(names_binary)
{
	static const char *const names[] = {"ab", "余额"};
	void	   *b = block_of(2, names);
	size_t		n,
				cut;
	uint8_t    *bin;

	{
		CrmEnc		e;

		memset(&e, 0, sizeof(e));
		e.sizing = true;
		crm_names_encode(&e, b);
		/* count, then 4 + 2 and 4 + 6 bytes */
		CHECK_INT(e.size, 4 + 6 + 10);
	}
	bin = crm_encode((CrmEncodeFn) crm_names_encode, b, NULL, &n);
	CHECK(bin != NULL && n == 20);
	for (cut = 0; cut <= n; cut++)
	{
		CrmError	err = {0};
		CrmReader	r;
		void	   *back;

		crm_rd_init(&r, bin, cut, CRM_ERR_BINARY, "t", &err);
		back = crm_names_decode(&r, NULL, 2);
		if (cut == n)
			CHECK(back != NULL && crm_names_equal(back, b));
		else
		{
			CHECK(back == NULL);
			CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
		}
	}
	{
		/* a count for other dimensions: refused before reading names */
		CrmError	err = {0};
		CrmReader	r;

		crm_rd_init(&r, bin, n, CRM_ERR_BINARY, "t", &err);
		CHECK(crm_names_decode(&r, NULL, 3) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, "2 feature names for 3 features");
	}
	{
		/* a huge count cannot make the reader allocate: truncated */
		static const uint8_t huge[] = {0x00, 0x0f, 0x42, 0x40};	/* 1,000,000 */
		CrmError	err = {0};
		CrmReader	r;

		crm_rd_init(&r, huge, sizeof(huge), CRM_ERR_BINARY, "t", &err);
		CHECK(crm_names_decode(&r, NULL, 1000000) == NULL);
		CHECK(err.kind == CRM_ERR_BINARY);
	}
}
