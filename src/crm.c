/*
 * crm.c
 *	  Module entry point, and the server implementation of the core hooks
 *	  declared in crm_error.h.
 */
#include "crm.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Module load.  crm has no settings of its own yet; reserving the prefix
 * makes a misspelt "crm.something" setting an error instead of a silently
 * ignored placeholder.
 */
void
_PG_init(void)
{
	MarkGUCPrefixReserved("crm");
}

void *
crm_core_alloc(size_t size)
{
	return palloc0(size);
}

void
crm_core_free(void *ptr)
{
	pfree(ptr);
}

/* Map a core error kind to its SQLSTATE and raise it. */
void
crm_ereport(const CrmError *err)
{
	int			code;

	switch (err->kind)
	{
		case CRM_ERR_SYNTAX:
			code = ERRCODE_INVALID_TEXT_REPRESENTATION;
			break;
		case CRM_ERR_INVALID:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
		case CRM_ERR_RANGE:
			code = ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
			break;
		case CRM_ERR_LIMIT:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			break;
		case CRM_ERR_BINARY:
			code = ERRCODE_INVALID_BINARY_REPRESENTATION;
			break;
		default:
			elog(ERROR, "crm: unexpected error kind %d, please report a bug", (int) err->kind);
			pg_unreachable();
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg_internal("%s", err->message),
			 err->detail[0] ? errdetail_internal("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}
