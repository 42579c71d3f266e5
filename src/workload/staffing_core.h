/*
 * staffing_core.h
 *	  Staffing rules per unit and the gap of a unit against them.  No server
 *	  dependencies.
 *
 * A rule is attached to a kind of unit and says, for each role, how many
 * people the unit needs, at the minimum and at the target:
 *   - managers: a headcount range [minimum, target];
 *   - cash-management specialists and credit specialists: a ratio of
 *     managers per specialist [low, high], as banks state it ("2-3:1:1" is
 *     2 to 3 managers per specialist of each kind).  The minimum is what the
 *     leanest ratio needs, ceil(managers / high); the target what the
 *     richest needs, ceil(managers / low).
 * A role a rule does not mention needs nobody.
 *
 * The default rules are the domain facts (bank customer-manager practice):
 *   settlement_department  >= 3 managers (a second-tier branch settlement
 *                          department)
 *   corporate_outlet       >= 1 manager, target 2 effective managers
 *   large                  1:1:1 managers : cash : credit (corporate tier)
 *   mid                    2-3:1:1
 *   sme_face_to_face       10:1:1
 *   sme_phone              25-30:1:1
 */
#ifndef CRM_STAFFING_CORE_H
#define CRM_STAFFING_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

typedef enum CrmRole
{
	CRM_ROLE_MANAGER = 0,
	CRM_ROLE_CASH,				/* cash-management specialist */
	CRM_ROLE_CREDIT,			/* credit specialist */
	CRM_NROLES
} CrmRole;

#define CRM_STAFFING_DEFAULTS		6
#define CRM_STAFFING_MAX_KINDS		1000	/* custom rules (54000 above) */
#define CRM_STAFFING_MAX_KIND		200		/* bytes per kind name (54000 above) */
#define CRM_STAFFING_MAX_COUNT		1000000000	/* people in a unit; managers of a rule */
#define CRM_STAFFING_MIN_RATIO		0.01	/* managers per specialist */
#define CRM_STAFFING_MAX_RATIO		1000000.0

extern const char *const crm_role_names[CRM_NROLES];

typedef struct CrmStaffingRule
{
	const char *kind;
	uint32_t	kind_len;
	bool		has_managers;
	int64_t		managers[2];	/* minimum, target */
	bool		has_ratio[2];	/* cash, credit */
	double		ratio[2][2];	/* managers per specialist: low, high */
} CrmStaffingRule;

/* The default rules, in the order above. */
extern const CrmStaffingRule crm_staffing_defaults[CRM_STAFFING_DEFAULTS];

/*
 * Check a rule (kind non-empty, without NUL, within the length limit;
 * managers whole, 0..CRM_STAFFING_MAX_COUNT, minimum <= target; ratios
 * finite, CRM_STAFFING_MIN_RATIO..CRM_STAFFING_MAX_RATIO, low <= high).
 * where names the rule in messages.  false and *err on failure.
 */
extern bool crm_staffing_check_rule(const CrmStaffingRule *rule, const char *where, CrmError *err);

/* People a role needs: the minimum and the target. */
typedef struct CrmStaffingNeed
{
	int64_t		minimum;
	int64_t		target;
} CrmStaffingNeed;

/*
 * What each role of a unit of the rule's kind needs, given its managers
 * (0..CRM_STAFFING_MAX_COUNT).
 */
extern void crm_staffing_needs(const CrmStaffingRule *rule, int64_t managers,
							   CrmStaffingNeed out[CRM_NROLES]);

/*
 * ceil(managers / ratio), where a quotient within 1e-14 (relative: a few
 * units in the last place, what the division and the decimal ratio's
 * rounding can add) of a whole number counts as that number: 7 / 0.7 is
 * 10.000000000000002 in float8 and needs 10 specialists, not 11.
 */
extern int64_t crm_staffing_per_ratio(int64_t managers, double ratio);

/* A count of people of a unit: 0..CRM_STAFFING_MAX_COUNT, else 22023. */
extern bool crm_staffing_check_count(int64_t n, const char *what, CrmError *err);

#endif							/* CRM_STAFFING_CORE_H */
