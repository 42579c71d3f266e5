/*
 * value_core.h
 *	  Customer value: a customer's contribution from its components and a
 *	  multiplier by lifecycle stage.  No server dependencies.
 *
 * contribution = average daily deposits x deposit spread + loan interest +
 *                fees
 * value        = contribution x multiplier(stage)
 *
 * Deposits earn the bank their spread (the funds-transfer price less the
 * rate paid) on the daily average balance; loan interest and fees are what
 * the customer's loans and services bring in over the same period (a year
 * with an annual spread).  The stage is one of crm.lifecycle's: potential,
 * new, active, loyal, dormant, lost.  The default multipliers take an
 * ordinary (active) customer as 1 and a loyal one as 3.5 (a loyal affluent
 * client is worth about 3.5 times an ordinary one); potential and new
 * customers are valued at what they bring now (1), a dormant one at half
 * (0.5: still holding balances, at risk of leaving) and a lost one at 0.
 * Only the loyal multiplier comes from the domain facts; the others are
 * crm's neutral choices, and every one can be overridden.
 */
#ifndef CRM_VALUE_CORE_H
#define CRM_VALUE_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "error_core.h"

/* crm.lifecycle's stages, in its order. */
typedef enum CrmStage
{
	CRM_STAGE_POTENTIAL = 0,
	CRM_STAGE_NEW,
	CRM_STAGE_ACTIVE,
	CRM_STAGE_LOYAL,
	CRM_STAGE_DORMANT,
	CRM_STAGE_LOST,
	CRM_NSTAGES
} CrmStage;

#define CRM_VALUE_MAX_MULTIPLIER 1000.0

extern const char *const crm_stage_names[CRM_NSTAGES];
extern const double crm_value_default_multipliers[CRM_NSTAGES];

/* The stage named by len bytes at s, or -1. */
extern int	crm_stage_index(const char *s, size_t len);

/*
 * A multiplier for a stage: finite, 0 .. CRM_VALUE_MAX_MULTIPLIER, or
 * false with 22023 naming the stage.
 */
extern bool crm_value_check_multiplier(int stage, double x, CrmError *err);

/*
 * The contribution of the components, checked: each finite (22023),
 * avg_deposits >= 0, deposit_spread in [-1, 1] (a fraction: 2% is 0.02),
 * and a finite sum (22003).  false and *err on failure.
 */
extern bool crm_value_contribution(double avg_deposits, double deposit_spread,
								   double loan_interest, double fees,
								   double *out, CrmError *err);

/* contribution x multiplier; false with 22003 when it overflows. */
extern bool crm_value_apply(double contribution, double multiplier, double *out, CrmError *err);

#endif							/* CRM_VALUE_CORE_H */
