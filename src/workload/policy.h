/*
 * policy.h
 *	  crm.service_policy, server side: fmgr accessors.
 */
#ifndef CRM_POLICY_H
#define CRM_POLICY_H

#include "crm.h"

#include "policy_core.h"

#define DatumGetServicePolicyP(X)		((CrmPolicy *) PG_DETOAST_DATUM(X))
#define PG_GETARG_SERVICE_POLICY_P(n)	DatumGetServicePolicyP(PG_GETARG_DATUM(n))
#define PG_RETURN_SERVICE_POLICY_P(x)	PG_RETURN_POINTER(x)

#endif							/* CRM_POLICY_H */
