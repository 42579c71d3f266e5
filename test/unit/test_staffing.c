/*
 * test_staffing.c
 *	  Unit tests of the staffing core (staffing_core.c): the default rules
 *	  (the domain facts), the needs they give, rounding of ratios, and the
 *	  rule checks.
 */
#include "staffing_core.h"
#include "unit.h"

static const CrmStaffingRule *
default_rule(const char *kind)
{
	int			i;

	for (i = 0; i < CRM_STAFFING_DEFAULTS; i++)
		if (strcmp(crm_staffing_defaults[i].kind, kind) == 0)
			return &crm_staffing_defaults[i];
	return NULL;
}

/* The needs of the default rules, worked out by hand. */
UNIT_TEST(staffing_default_needs)
{
	CrmStaffingNeed need[CRM_NROLES];
	int			i;

	for (i = 0; i < CRM_STAFFING_DEFAULTS; i++)
	{
		CrmError	err = {0};

		CHECK(crm_staffing_check_rule(&crm_staffing_defaults[i], "default", &err));
		CHECK_INT(crm_staffing_defaults[i].kind_len, strlen(crm_staffing_defaults[i].kind));
	}
	/* >= 3 managers per settlement department, whatever the headcount */
	crm_staffing_needs(default_rule("settlement_department"), 2, need);
	CHECK_INT(need[CRM_ROLE_MANAGER].minimum, 3);
	CHECK_INT(need[CRM_ROLE_MANAGER].target, 3);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 0);
	CHECK_INT(need[CRM_ROLE_CREDIT].target, 0);
	/* corporate outlet: >= 1, target 2 */
	crm_staffing_needs(default_rule("corporate_outlet"), 0, need);
	CHECK_INT(need[CRM_ROLE_MANAGER].minimum, 1);
	CHECK_INT(need[CRM_ROLE_MANAGER].target, 2);
	/* large 1:1:1 */
	crm_staffing_needs(default_rule("large"), 4, need);
	CHECK_INT(need[CRM_ROLE_MANAGER].minimum, 0);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 4);
	CHECK_INT(need[CRM_ROLE_CREDIT].target, 4);
	/* mid 2-3:1:1 with 7 managers: at least ceil(7/3) = 3, target ceil(7/2) = 4 */
	crm_staffing_needs(default_rule("mid"), 7, need);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 3);
	CHECK_INT(need[CRM_ROLE_CASH].target, 4);
	CHECK_INT(need[CRM_ROLE_CREDIT].minimum, 3);
	CHECK_INT(need[CRM_ROLE_CREDIT].target, 4);
	/* 6 managers: exactly 2 and 3 */
	crm_staffing_needs(default_rule("mid"), 6, need);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 2);
	CHECK_INT(need[CRM_ROLE_CASH].target, 3);
	/* SME face to face 10:1:1: 5 managers still need one of each */
	crm_staffing_needs(default_rule("sme_face_to_face"), 5, need);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 1);
	CHECK_INT(need[CRM_ROLE_CREDIT].target, 1);
	/* SME by phone 25-30:1:1 with 60 managers: 2 at least, target 3 */
	crm_staffing_needs(default_rule("sme_phone"), 60, need);
	CHECK_INT(need[CRM_ROLE_CASH].minimum, 2);
	CHECK_INT(need[CRM_ROLE_CASH].target, 3);
	/* no managers: no specialists */
	crm_staffing_needs(default_rule("sme_phone"), 0, need);
	CHECK_INT(need[CRM_ROLE_CASH].target, 0);
}

/* ceil(m / ratio), with quotients that float8 misses by an ulp rounded to the whole number. */
UNIT_TEST(staffing_ratio_rounding)
{
	CHECK_INT(crm_staffing_per_ratio(3, 0.1), 30);	/* 29.999999999999996 */
	CHECK_INT(crm_staffing_per_ratio(7, 0.7), 10);	/* 10.000000000000002 */
	CHECK_INT(crm_staffing_per_ratio(7, 3), 3);
	CHECK_INT(crm_staffing_per_ratio(1, 30), 1);
	CHECK_INT(crm_staffing_per_ratio(0, 30), 0);
	CHECK_INT(crm_staffing_per_ratio(1000000000, 0.01), 100000000000LL);
	CHECK_INT(crm_staffing_per_ratio(1000000000, 1000000), 1000);
	CHECK_INT(crm_staffing_per_ratio(1000000001, 1000000), 1001);
}

/* Rule checks: kinds and wordings. */
UNIT_TEST(staffing_rule_checks)
{
	CrmStaffingRule r;
	CrmError	err = {0};
	char		longkind[CRM_STAFFING_MAX_KIND + 1];

	memset(&r, 0, sizeof(r));
	r.kind = "x";
	r.kind_len = 1;
	CHECK(crm_staffing_check_rule(&r, "rule", &err));	/* no requirement at all: fine */
	r.has_managers = true;
	r.managers[0] = 3;
	r.managers[1] = 2;
	CHECK(!crm_staffing_check_rule(&r, "rule \"x\"", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "rule \"x\": managers: the minimum 3 is above the target 2");
	r.managers[0] = -1;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "managers must be between 0 and 1000000000, got -1");
	r.has_managers = false;
	r.has_ratio[1] = true;
	r.ratio[1][0] = 3;
	r.ratio[1][1] = 2;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "managers_per_credit_specialist: the range [3, 2] is empty");
	r.ratio[1][0] = 0.001;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "must be between 0.01 and 1e+06, got 0.001");
	r.ratio[1][0] = NAN;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "managers_per_credit_specialist must be a finite number, got NaN");
	r.has_ratio[1] = false;
	r.kind_len = 0;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "must not be empty");
	memset(longkind, 'k', sizeof(longkind));
	r.kind = longkind;
	r.kind_len = CRM_STAFFING_MAX_KIND + 1;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 200 bytes, got 201");
	r.kind = "a\0b";
	r.kind_len = 3;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_staffing_check_rule(&r, "rule", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "NUL");

	memset(&err, 0, sizeof(err));
	CHECK(crm_staffing_check_count(0, "n", &err));
	CHECK(crm_staffing_check_count(CRM_STAFFING_MAX_COUNT, "n", &err));
	CHECK(!crm_staffing_check_count(CRM_STAFFING_MAX_COUNT + 1LL, "n", &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "n must be between 0 and 1000000000, got 1000000001");
}
