/*
 * test_quota.c
 *	  Unit tests of the daily contact quota core (quota_core.c): the two
 *	  text forms, malformed quotas, limits, and when a day meets a quota.
 */
#include "quota_core.h"
#include "unit.h"

static CrmQuota
parse_ok(const char *s)
{
	CrmQuota	q = {-1, -1, -1};
	CrmError	err = {0};

	if (!crm_quota_parse(s, strlen(s), &q, &err))
		unit_fail(__FILE__, __LINE__, "crm_quota_parse(\"%s\"): %s", s, err.message);
	return q;
}

/* "511", "10-2-1", blanks around. */
UNIT_TEST(quota_forms)
{
	CrmQuota	q = parse_ok("511");

	CHECK(q.contacts == 5 && q.sales == 1 && q.reasons == 1);
	q = parse_ok("10-2-1");
	CHECK(q.contacts == 10 && q.sales == 2 && q.reasons == 1);
	q = parse_ok(" 5-1-1\n");
	CHECK(q.contacts == 5 && q.sales == 1 && q.reasons == 1);
	q = parse_ok("0010-0-0");
	CHECK(q.contacts == 10 && q.sales == 0 && q.reasons == 0);
	q = parse_ok("510");
	CHECK(q.contacts == 5 && q.sales == 1 && q.reasons == 0);
	q = parse_ok("10000-10000-10000");
	CHECK(q.contacts == 10000 && q.reasons == 10000);
	q = parse_ok("010");
	CHECK(q.contacts == 0 && q.sales == 1);
}

/* Malformed (22P02), too large and trivially met (22023). */
UNIT_TEST(quota_errors)
{
	static const char *const malformed[] = {
		"", " ", "51", "5111", "5-1", "5-1-1-1", "5--1-1", "-5-1-1", "5-1-1-", "a11", "5 1 1",
		"+5-1-1", "5.0-1-1", "５11", "5-1-1x"
	};
	size_t		i;
	CrmQuota	q;
	CrmError	err = {0};

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
	{
		memset(&err, 0, sizeof(err));
		if (crm_quota_parse(malformed[i], strlen(malformed[i]), &q, &err))
			unit_fail(__FILE__, __LINE__, "\"%s\" parsed", malformed[i]);
		else
			CHECK_ERR(&err, CRM_ERR_SYNTAX, "invalid contact quota");
	}
	memset(&err, 0, sizeof(err));
	CHECK(!crm_quota_parse("10001-1-1", 9, &q, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "contacts must be at most 10000 a day");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_quota_parse("1-99999999999999999999999-1", 27, &q, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "sales must be at most 10000 a day");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_quota_parse("000", 3, &q, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "is met by every day");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_quota_parse("0-0-7", 5, &q, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "is met by every day");
	/* only len bytes are read: no NUL needed */
	memset(&err, 0, sizeof(err));
	CHECK(crm_quota_parse("5119", 3, &q, &err) && q.reasons == 1);
}

/* A day meets c-s-r when contacts >= c and (s = 0 or sales >= s or (r > 0 and reasons >= r)). */
UNIT_TEST(quota_met)
{
	CrmQuota	q511 = parse_ok("511");
	CrmQuota	q510 = parse_ok("510");
	CrmQuota	q500 = parse_ok("500");
	CrmQuota	q10_2_3 = parse_ok("10-2-3");

	CHECK(crm_quota_met(&q511, 5, 1, 0));
	CHECK(crm_quota_met(&q511, 5, 0, 1));
	CHECK(crm_quota_met(&q511, 9, 3, 2));
	CHECK(!crm_quota_met(&q511, 4, 1, 1));
	CHECK(!crm_quota_met(&q511, 5, 0, 0));
	CHECK(!crm_quota_met(&q510, 5, 0, 5));	/* no reason replaces the sale */
	CHECK(crm_quota_met(&q510, 5, 1, 0));
	CHECK(crm_quota_met(&q500, 5, 0, 0));
	CHECK(!crm_quota_met(&q500, 4, 9, 9));
	CHECK(!crm_quota_met(&q10_2_3, 10, 1, 2));
	CHECK(crm_quota_met(&q10_2_3, 10, 1, 3));
	CHECK(crm_quota_met(&q10_2_3, 10, 2, 0));
}
