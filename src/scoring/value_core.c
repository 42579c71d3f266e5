/*
 * value_core.c
 *	  Customer value: contribution from components, lifecycle multipliers
 *	  (see value_core.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json_core.h"
#include "validate_core.h"
#include "value_core.h"

const char *const crm_stage_names[CRM_NSTAGES] = {
	"potential", "new", "active", "loyal", "dormant", "lost"
};

/* see value_core.h for where each comes from */
const double crm_value_default_multipliers[CRM_NSTAGES] = {
	1.0,						/* potential */
	1.0,						/* new */
	1.0,						/* active: the ordinary customer */
	3.5,						/* loyal: ~3.5x an ordinary one */
	0.5,						/* dormant */
	0.0,						/* lost */
};

/* See value_core.h. */
int
crm_stage_index(const char *s, size_t len)
{
	int			i;

	for (i = 0; i < CRM_NSTAGES; i++)
		if (strlen(crm_stage_names[i]) == len && memcmp(crm_stage_names[i], s, len) == 0)
			return i;
	return -1;
}

/* See value_core.h. */
bool
crm_value_check_multiplier(int stage, double x, CrmError *err)
{
	char		subject[64];

	snprintf(subject, sizeof(subject), "multiplier of stage \"%s\"", crm_stage_names[stage]);
	if (!crm_check_finite(x, subject, err))
		return false;
	if (x < 0 || x > CRM_VALUE_MAX_MULTIPLIER)
	{
		char		num[40];

		crm_json_format_double(num, x);
		crm_error_set(err, CRM_ERR_INVALID, "%s must be between 0 and %g, got %s",
					  subject, CRM_VALUE_MAX_MULTIPLIER, num);
		return false;
	}
	return true;
}

/* See value_core.h. */
bool
crm_value_contribution(double avg_deposits, double deposit_spread, double loan_interest,
					   double fees, double *out, CrmError *err)
{
	double		c;

	if (!crm_check_finite(avg_deposits, "avg_deposits", err) ||
		!crm_check_finite(deposit_spread, "deposit_spread", err) ||
		!crm_check_finite(loan_interest, "loan_interest", err) ||
		!crm_check_finite(fees, "fees", err))
		return false;
	if (avg_deposits < 0)
	{
		char		num[40];

		crm_json_format_double(num, avg_deposits);
		crm_error_set(err, CRM_ERR_INVALID, "avg_deposits must not be negative, got %s", num);
		return false;
	}
	if (deposit_spread < -1 || deposit_spread > 1)
	{
		char		num[40];

		crm_json_format_double(num, deposit_spread);
		crm_error_set(err, CRM_ERR_INVALID, "deposit_spread must be between -1 and 1, got %s", num);
		crm_error_hint(err, "The spread is a fraction of the balance a year: 2%% is 0.02.");
		return false;
	}
	/* deposits x spread, then loans, then fees: one fixed order, so the same bits */
	c = avg_deposits * deposit_spread + loan_interest + fees;
	if (!isfinite(c))
	{
		crm_error_set(err, CRM_ERR_RANGE, "the contribution is out of range for type double precision");
		return false;
	}
	*out = c;
	return true;
}

/* See value_core.h. */
bool
crm_value_apply(double contribution, double multiplier, double *out, CrmError *err)
{
	double		v = contribution * multiplier;

	if (!isfinite(v))
	{
		crm_error_set(err, CRM_ERR_RANGE, "the customer value is out of range for type double precision");
		return false;
	}
	*out = v;
	return true;
}
