/*
 * crm.h
 *	  Declarations shared by crm's server-side files.
 */
#ifndef CRM_H
#define CRM_H

#include "postgres.h"

#include "fmgr.h"

#include "crm_error.h"

/* Raise a CrmError from a server-independent core as an ereport(ERROR). */
extern void crm_ereport(const CrmError *err) pg_attribute_noreturn();

#endif							/* CRM_H */
