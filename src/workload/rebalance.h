/*
 * rebalance.h
 *	  crm.rebalance_state (the aggregate's state) and crm.rebalance_plan
 *	  (its result), server side: the layouts live in rebalance_types_core.h.
 */
#ifndef CRM_REBALANCE_H
#define CRM_REBALANCE_H

#include "crm.h"

#include "rebalance_types_core.h"

typedef CrmRbStateValue RbState;
typedef CrmRbPlanValue RbPlan;

#define RB_STATE_FLAGS(s)	CRM_RB_STATE_FLAGS(s)
#define RB_PLAN_MOVES(p)	CRM_RB_PLAN_MOVES(p)

#endif							/* CRM_REBALANCE_H */
