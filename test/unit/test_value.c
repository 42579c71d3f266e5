/*
 * test_value.c
 *	  Unit tests of the customer value core (value_core.c): the rule by
 *	  hand, the stages and their default multipliers, and every check.
 */
#include <float.h>

#include "unit.h"
#include "value_core.h"

/* contribution = deposits x spread + loans + fees, times the multiplier */
UNIT_TEST(value_by_hand)
{
	CrmError	err = {0};
	double		c = -1;
	double		v = -1;

	CHECK(crm_value_contribution(100000, 0.02, 500, 200, &c, &err));
	CHECK(c == 2700);			/* 2000 + 500 + 200, exact in binary */
	CHECK(crm_value_apply(c, crm_value_default_multipliers[CRM_STAGE_LOYAL], &v, &err));
	CHECK(v == 9450);
	/* negative spread and net figures are allowed */
	CHECK(crm_value_contribution(1000, -0.5, -100, 0, &c, &err));
	CHECK(c == -600);
	CHECK(crm_value_contribution(0, 1, 0, 0, &c, &err) && c == 0);
	CHECK(crm_value_contribution(0, -1, 0, 0, &c, &err));
	CHECK_INT(err.kind, CRM_OK);
}

/* The stages in crm.lifecycle's order; loyal is 3.5 times an ordinary one. */
UNIT_TEST(value_stages)
{
	static const char *const names[] = {"potential", "new", "active", "loyal", "dormant", "lost"};
	int			i;

	for (i = 0; i < CRM_NSTAGES; i++)
	{
		CHECK_INT(crm_stage_index(names[i], strlen(names[i])), i);
		CHECK_STR(crm_stage_names[i], names[i]);
	}
	CHECK_INT(crm_stage_index("Loyal", 5), -1);
	CHECK_INT(crm_stage_index("loyal ", 6), -1);
	CHECK_INT(crm_stage_index("", 0), -1);
	CHECK_INT(crm_stage_index("loyalty", 5), CRM_STAGE_LOYAL);	/* by length */
	CHECK(crm_value_default_multipliers[CRM_STAGE_LOYAL] ==
		  3.5 * crm_value_default_multipliers[CRM_STAGE_ACTIVE]);
	CHECK(crm_value_default_multipliers[CRM_STAGE_LOST] == 0);
	CHECK(crm_value_default_multipliers[CRM_STAGE_DORMANT] == 0.5);
}

/* Bad components and multipliers: kinds and wordings. */
UNIT_TEST(value_errors)
{
	CrmError	err = {0};
	double		c;

	CHECK(!crm_value_contribution(NAN, 0.02, 0, 0, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "avg_deposits must be a finite number, got NaN");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(1, INFINITY, 0, 0, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "deposit_spread must be a finite number, got Infinity");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(1, 0, -INFINITY, 0, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "loan_interest must be a finite number, got -Infinity");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(1, 0, 0, NAN, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "fees must be a finite number, got NaN");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(-0.01, 0, 0, 0, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "avg_deposits must not be negative, got -0.01");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(1, 2, 0, 0, &c, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "deposit_spread must be between -1 and 1, got 2");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_contribution(1, 0, DBL_MAX, DBL_MAX, &c, &err));
	CHECK_ERR(&err, CRM_ERR_RANGE, "contribution is out of range");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_apply(DBL_MAX, 2, &c, &err));
	CHECK_ERR(&err, CRM_ERR_RANGE, "customer value is out of range");

	memset(&err, 0, sizeof(err));
	CHECK(crm_value_check_multiplier(CRM_STAGE_LOYAL, 0, &err));
	CHECK(crm_value_check_multiplier(CRM_STAGE_LOYAL, 1000, &err));
	CHECK(!crm_value_check_multiplier(CRM_STAGE_LOYAL, 1000.5, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "multiplier of stage \"loyal\" must be between 0 and 1000, got 1000.5");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_check_multiplier(CRM_STAGE_LOST, -1, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "stage \"lost\"");
	memset(&err, 0, sizeof(err));
	CHECK(!crm_value_check_multiplier(CRM_STAGE_NEW, NAN, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "multiplier of stage \"new\" must be a finite number, got NaN");
}
