/*
 * fuzz_staffing.c
 *	  libFuzzer harness for staffing rules (src/workload/staffing_core.c)
 *	  and customer value (src/scoring/value_core.c): the checks behind the
 *	  rules and multipliers that crm.staffing_gap and crm.customer_value
 *	  read from jsonb, and the arithmetic they guard.
 *
 * The input bytes are a rule (a kind of 0..3 bytes, managers and ratios as
 * raw float8 bits, so NaN, infinities, -0, denormals and huge values all
 * come up) and a unit's manager count.  A rule the check accepts gives
 * needs that are whole, non-negative, minimum <= target for each role, and
 * growing with the managers; a rule it refuses has a recorded error.  Then
 * four raw doubles are a customer's components and a multiplier: accepted
 * ones give a finite value, refused ones an error of the server's kinds.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "staffing_core.h"
#include "value_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next 8 bytes as a double (zeros once the input runs out). */
static double
take_double(const uint8_t **p, size_t *left)
{
	double		d = 0;

	if (*left >= sizeof(d))
	{
		memcpy(&d, *p, sizeof(d));
		*p += sizeof(d);
		*left -= sizeof(d);
	}
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t		left = size;
	CrmStaffingRule rule;
	CrmError	err = {0};
	char		kind[3] = {0};
	uint8_t		flags = left ? (left--, *p++) : 0;
	int			k;

	memset(&rule, 0, sizeof(rule));
	rule.kind_len = flags % 4;
	for (k = 0; k < (int) rule.kind_len; k++)
		kind[k] = left ? (left--, (char) *p++) : 'x';
	rule.kind = kind;
	rule.has_managers = (flags >> 2) & 1;
	rule.has_ratio[0] = (flags >> 3) & 1;
	rule.has_ratio[1] = (flags >> 4) & 1;
	{
		double		m0 = take_double(&p, &left);
		double		m1 = take_double(&p, &left);

		/* the server hands the core whole numbers, clamped as JsonCount does */
		rule.managers[0] = (isfinite(m0) && fabs(m0) <= 2e9) ? (int64_t) m0 : -1;
		rule.managers[1] = (isfinite(m1) && fabs(m1) <= 2e9) ? (int64_t) m1 : -1;
	}
	for (k = 0; k < 2; k++)
	{
		rule.ratio[k][0] = take_double(&p, &left);
		rule.ratio[k][1] = take_double(&p, &left);
	}
	if (!crm_staffing_check_rule(&rule, "rule", &err))
		FUZZ_ASSERT(err.kind == CRM_ERR_INVALID || err.kind == CRM_ERR_LIMIT);
	else
	{
		double		md = fabs(take_double(&p, &left));
		/* the server passes counts it checked: 0..CRM_STAFFING_MAX_COUNT */
		int64_t		managers = (md <= CRM_STAFFING_MAX_COUNT) ? (int64_t) md : CRM_STAFFING_MAX_COUNT;
		CrmStaffingNeed need[CRM_NROLES];
		CrmStaffingNeed more[CRM_NROLES];
		int			r;

		crm_staffing_needs(&rule, managers, need);
		crm_staffing_needs(&rule, managers < CRM_STAFFING_MAX_COUNT ? managers + 1 : managers, more);
		for (r = 0; r < CRM_NROLES; r++)
		{
			FUZZ_ASSERT(need[r].minimum >= 0 && need[r].minimum <= need[r].target);
			FUZZ_ASSERT(more[r].minimum >= need[r].minimum && more[r].target >= need[r].target);
			/* at most 1e9 managers over a ratio of at least 0.01 */
			FUZZ_ASSERT(need[r].target <= 100000000000LL);
		}
	}

	{
		double		dep = take_double(&p, &left);
		double		spread = take_double(&p, &left);
		double		loans = take_double(&p, &left);
		double		fees = take_double(&p, &left);
		double		mult = take_double(&p, &left);
		double		c,
					v;
		CrmError	verr = {0};

		if (!crm_value_contribution(dep, spread, loans, fees, &c, &verr))
			FUZZ_ASSERT(verr.kind == CRM_ERR_INVALID || verr.kind == CRM_ERR_RANGE);
		else
		{
			FUZZ_ASSERT(isfinite(c));
			if (!crm_value_check_multiplier(CRM_STAGE_LOYAL, mult, &verr))
				FUZZ_ASSERT(verr.kind == CRM_ERR_INVALID);
			else if (crm_value_apply(c, mult, &v, &verr))
				FUZZ_ASSERT(isfinite(v));
			else
				FUZZ_ASSERT(verr.kind == CRM_ERR_RANGE);
		}
	}
	return 0;
}
