/*
 * staffing_core.c
 *	  Staffing rules and the needs of a unit (see staffing_core.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json_core.h"
#include "staffing_core.h"
#include "validate_core.h"

const char *const crm_role_names[CRM_NROLES] = {
	"manager", "cash_management_specialist", "credit_specialist"
};

#define KIND(s) s, sizeof(s) - 1

const CrmStaffingRule crm_staffing_defaults[CRM_STAFFING_DEFAULTS] = {
	{KIND("settlement_department"), true, {3, 3}, {false, false}, {{0, 0}, {0, 0}}},
	{KIND("corporate_outlet"), true, {1, 2}, {false, false}, {{0, 0}, {0, 0}}},
	{KIND("large"), false, {0, 0}, {true, true}, {{1, 1}, {1, 1}}},
	{KIND("mid"), false, {0, 0}, {true, true}, {{2, 3}, {2, 3}}},
	{KIND("sme_face_to_face"), false, {0, 0}, {true, true}, {{10, 10}, {10, 10}}},
	{KIND("sme_phone"), false, {0, 0}, {true, true}, {{25, 30}, {25, 30}}},
};

/* See staffing_core.h. */
bool
crm_staffing_check_count(int64_t n, const char *what, CrmError *err)
{
	if (n < 0 || n > CRM_STAFFING_MAX_COUNT)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s must be between 0 and %d, got %lld",
					  what, CRM_STAFFING_MAX_COUNT, (long long) n);
		return false;
	}
	return true;
}

/* See staffing_core.h. */
bool
crm_staffing_check_rule(const CrmStaffingRule *rule, const char *where, CrmError *err)
{
	static const char *const ratio_keys[2] = {
		"managers_per_cash_specialist", "managers_per_credit_specialist"
	};
	int			k;

	if (rule->kind == NULL || rule->kind_len == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s: a unit kind must not be empty", where);
		return false;
	}
	if (rule->kind_len > CRM_STAFFING_MAX_KIND)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "%s: a unit kind can have at most %d bytes, got %u",
					  where, CRM_STAFFING_MAX_KIND, rule->kind_len);
		return false;
	}
	if (memchr(rule->kind, '\0', rule->kind_len) != NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s: a unit kind cannot contain a NUL byte", where);
		return false;
	}
	if (rule->has_managers)
	{
		char		what[256];

		snprintf(what, sizeof(what), "%s: managers", where);
		if (!crm_staffing_check_count(rule->managers[0], what, err) ||
			!crm_staffing_check_count(rule->managers[1], what, err))
			return false;
		if (rule->managers[0] > rule->managers[1])
		{
			crm_error_set(err, CRM_ERR_INVALID, "%s: the minimum %lld is above the target %lld",
						  what, (long long) rule->managers[0], (long long) rule->managers[1]);
			crm_error_hint(err, "Write managers as [minimum, target], or one number for both.");
			return false;
		}
	}
	for (k = 0; k < 2; k++)
	{
		char		what[256];
		int			e;

		if (!rule->has_ratio[k])
			continue;
		snprintf(what, sizeof(what), "%s: %s", where, ratio_keys[k]);
		for (e = 0; e < 2; e++)
		{
			double		x = rule->ratio[k][e];

			if (!crm_check_finite(x, what, err))
				return false;
			if (x < CRM_STAFFING_MIN_RATIO || x > CRM_STAFFING_MAX_RATIO)
			{
				char		num[40];

				crm_json_format_double(num, x);
				crm_error_set(err, CRM_ERR_INVALID, "%s must be between %g and %g, got %s",
							  what, CRM_STAFFING_MIN_RATIO, CRM_STAFFING_MAX_RATIO, num);
				return false;
			}
		}
		if (rule->ratio[k][0] > rule->ratio[k][1])
		{
			char		lo[40],
						hi[40];

			crm_json_format_double(lo, rule->ratio[k][0]);
			crm_json_format_double(hi, rule->ratio[k][1]);
			crm_error_set(err, CRM_ERR_INVALID, "%s: the range [%s, %s] is empty", what, lo, hi);
			crm_error_hint(err, "Write a ratio as [low, high] managers per specialist (2-3:1:1 is [2, 3]), or one number.");
			return false;
		}
	}
	return true;
}

/* See staffing_core.h. */
int64_t
crm_staffing_per_ratio(int64_t managers, double ratio)
{
	double		q = (double) managers / ratio;
	double		r = nearbyint(q);

	if (fabs(q - r) <= 1e-14 * fmax(1.0, q))
		return (int64_t) r;
	return (int64_t) ceil(q);
}

/* See staffing_core.h. */
void
crm_staffing_needs(const CrmStaffingRule *rule, int64_t managers, CrmStaffingNeed out[CRM_NROLES])
{
	int			k;

	memset(out, 0, sizeof(CrmStaffingNeed) * CRM_NROLES);
	if (rule->has_managers)
	{
		out[CRM_ROLE_MANAGER].minimum = rule->managers[0];
		out[CRM_ROLE_MANAGER].target = rule->managers[1];
	}
	for (k = 0; k < 2; k++)
		if (rule->has_ratio[k])
		{
			/* the high ratio (fewest specialists) is the minimum */
			out[CRM_ROLE_CASH + k].minimum = crm_staffing_per_ratio(managers, rule->ratio[k][1]);
			out[CRM_ROLE_CASH + k].target = crm_staffing_per_ratio(managers, rule->ratio[k][0]);
		}
}
