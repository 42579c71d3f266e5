/*
 * test_wire.c
 *	  Unit tests of wire_core: the big-endian reader and writer and the
 *	  compact crm64: text form.
 */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "wire_core.h"

/* Every byte string of lengths 0..40 round-trips through the compact text. */
UNIT_TEST(wire_base64_round_trip)
{
	uint8_t		buf[40];
	unsigned	seed = 12345;
	size_t		n,
				i;

	for (n = 0; n <= sizeof(buf); n++)
	{
		char	   *text;
		uint8_t    *back;
		size_t		m;
		CrmError	err = {0};

		for (i = 0; i < n; i++)
		{
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t) (seed >> 16);
		}
		text = crm_wire_to_text(buf, n);
		CHECK(crm_wire_is_compact(text));
		CHECK_INT(strlen(text), crm_wire_text_len(n));
		back = crm_wire_from_text(text, &m, "crm.test", &err);
		CHECK(back != NULL);
		CHECK_INT(m, n);
		CHECK(back == NULL || memcmp(back, buf, n) == 0);
	}
}

/* Known vectors (RFC 4648 section 10). */
UNIT_TEST(wire_base64_vectors)
{
	CHECK_STR(crm_wire_to_text("", 0), "crm64:");
	CHECK_STR(crm_wire_to_text("f", 1), "crm64:Zg==");
	CHECK_STR(crm_wire_to_text("fo", 2), "crm64:Zm8=");
	CHECK_STR(crm_wire_to_text("foo", 3), "crm64:Zm9v");
	CHECK_STR(crm_wire_to_text("foobar", 6), "crm64:Zm9vYmFy");
}

/* Only canonical base64 is read: one text per value. */
UNIT_TEST(wire_base64_rejects_non_canonical)
{
	const char *bad[] = {
		"crm64:Zg", "crm64:Zg=", "crm64:Zh==", "crm64:Zm9=", "crm64:Z===",
		"crm64:=Zg=", "crm64:Zm9v Zm9v", "crm64:Zm9v\n", "crm64:Zm-v",
		"crm64:Zg==Zm9v", "crm65:Zm9v", "Zm9v", NULL
	};
	int			i;

	for (i = 0; bad[i]; i++)
	{
		CrmError	err = {0};
		size_t		n;

		CHECK(crm_wire_from_text(bad[i], &n, "crm.test", &err) == NULL);
		CHECK_INT(err.kind, CRM_ERR_SYNTAX);
	}
}

/* The writer's bytes read back; the reader refuses to run past the end. */
UNIT_TEST(wire_reader_writer)
{
	uint8_t		buf[2 + 4 + 8 + 8 + 3 * 8];
	double		v[3] = {-0.0, 1e308, 5e-324};
	double		w[3];
	CrmWriter	wr;
	CrmReader	rd;
	CrmError	err = {0};
	uint16_t	a;
	int32_t		b;
	int64_t		c;
	double		d;

	crm_wr_init(&wr, buf, sizeof(buf));
	crm_wr_u16(&wr, 0xBEEF);
	crm_wr_u32(&wr, (uint32_t) -7);
	crm_wr_u64(&wr, (uint64_t) INT64_MIN);
	crm_wr_f64(&wr, 3.5);
	crm_wr_f64s(&wr, v, 3);
	CHECK(crm_wr_done(&wr));
	CHECK_INT(buf[0], 0xBE);	/* big-endian */

	crm_rd_init(&rd, buf, sizeof(buf), CRM_ERR_BINARY, "crm.test", &err);
	CHECK(crm_rd_u16(&rd, &a) && a == 0xBEEF);
	CHECK(crm_rd_i32(&rd, &b) && b == -7);
	CHECK(crm_rd_i64(&rd, &c) && c == INT64_MIN);
	CHECK(crm_rd_f64(&rd, &d) && d == 3.5);
	CHECK(crm_rd_f64s(&rd, w, 3));
	CHECK(memcmp(v, w, sizeof(v)) == 0);
	CHECK(crm_rd_end(&rd));
	CHECK_INT(err.kind, CRM_OK);

	/* one byte short: the last array is refused whole, with 22P03's kind */
	crm_rd_init(&rd, buf, sizeof(buf) - 1, CRM_ERR_BINARY, "crm.test", &err);
	CHECK(crm_rd_u16(&rd, &a) && crm_rd_i32(&rd, &b) && crm_rd_i64(&rd, &c) && crm_rd_f64(&rd, &d));
	CHECK(!crm_rd_f64s(&rd, w, 3));
	CHECK_INT(err.kind, CRM_ERR_BINARY);
	CHECK(strstr(err.message, "truncated") != NULL);
	/* after an error every read fails */
	CHECK(!crm_rd_u16(&rd, &a));

	/* a forged count cannot make the reader promise more than the input holds */
	memset(&err, 0, sizeof(err));
	crm_rd_init(&rd, buf, sizeof(buf), CRM_ERR_SYNTAX, "crm.test", &err);
	CHECK(!crm_rd_need(&rd, UINT64_MAX / 2, 8));
	CHECK_INT(err.kind, CRM_ERR_SYNTAX);

	/* trailing bytes are an error */
	memset(&err, 0, sizeof(err));
	crm_rd_init(&rd, buf, sizeof(buf), CRM_ERR_BINARY, "crm.test", &err);
	CHECK(crm_rd_u16(&rd, &a));
	CHECK(!crm_rd_end(&rd));
	CHECK(strstr(err.message, "after the end") != NULL);
}
