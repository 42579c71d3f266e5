/*
 * quota.c
 *	  Daily contact quotas: crm.quota_met(contacts, sales, reasons [, quota])
 *	  says whether a manager's day meets a quota such as "511" (5 effective
 *	  contacts and 1 sale, or 1 written reason; quota_core.h).
 *
 * Compliance per manager and period is the share of working days that met
 * the quota: avg(crm.quota_met(...)::int) over one row per manager and
 * working day.  A working day without a record is a missed day, not one
 * left out: rows come from a calendar of working days left-joined to the
 * day's counts, and NULL counts read as 0 (so the function is not STRICT).
 * Days a manager does not work (leave, holidays) are the ones the calendar
 * leaves out.  A scalar and the built-in avg, rather than an aggregate of
 * its own, so that parallel query and Citus distribute it as they
 * distribute avg.
 */
#include "crm.h"

#include "utils/builtins.h"

#include "quota_core.h"
#include "validate.h"

/* A count argument: NULL is 0 (a day without a record); negative is an error. */
static int64
CountArg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	int64		n;

	if (PG_ARGISNULL(argno))
		return 0;
	n = PG_GETARG_INT64(argno);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.quota_met: %s must not be negative, got " INT64_FORMAT, what, n)));
	return n;
}

/*
 * crm.quota_met(contacts, sales, reasons [, quota = '511']): whether the
 * day's counts meet the quota.
 */
PG_FUNCTION_INFO_V1(quota_met);
Datum
quota_met(PG_FUNCTION_ARGS)
{
	int64		contacts = CountArg(fcinfo, 0, "contacts");
	int64		sales = CountArg(fcinfo, 1, "sales");
	int64		reasons = CountArg(fcinfo, 2, "reasons");
	text	   *qt;
	CrmQuota	q;
	CrmError	err = {0};

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("crm.quota_met: quota must not be NULL"),
				 errhint("Omit the quota for the default \"511\".")));
	qt = PG_GETARG_TEXT_PP(3);
	/* three bytes to read: parsing per row costs less than caching it */
	RaiseIf(crm_quota_parse(VARDATA_ANY(qt), VARSIZE_ANY_EXHDR(qt), &q, &err), &err);
	PG_RETURN_BOOL(crm_quota_met(&q, contacts, sales, reasons));
}
