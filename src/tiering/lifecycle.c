/*
 * lifecycle.c
 *	  crm.lifecycle(...): customer lifecycle stage as of a date.
 *
 * potential  no first activity yet
 * lost       more than lost_days since the last activity
 * dormant    more than dormant_days since the last activity
 * new        first active less than new_months before as_of
 * loyal      active in at least loyal_months months
 * active     everyone else
 * The rules are tried in this order.
 */
#include "crm.h"

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "validate.h"

#define MAX_MONTHS	12000		/* 1,000 years: keeps month arithmetic in range */
#define MAX_DAYS	3660000

/* A date argument that must be finite. */
static DateADT
FiniteDate(FunctionCallInfo fcinfo, int argno, const char *what)
{
	DateADT		d = PG_GETARG_DATEADT(argno);

	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite date", what)));
	return d;
}

/*
 * as_of minus `months` calendar months, clamped to the month's end like
 * date - interval.
 */
static DateADT
MonthsBefore(DateADT as_of, int months)
{
	int			y,
				m,
				d;
	int			total;

	j2date(as_of + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	total = y * 12 + (m - 1) - months;
	/* floor division: dates before year 0 have negative totals */
	y = total >= 0 ? total / 12 : -((-total + 11) / 12);
	m = total - y * 12 + 1;
	if (d > day_tab[isleap(y)][m - 1])
		d = day_tab[isleap(y)][m - 1];
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

/*
 * crm.lifecycle(first_active, last_active, active_months, as_of, ...): the
 * stage, by the rules above in order.
 */
PG_FUNCTION_INFO_V1(lifecycle_stage);
Datum
lifecycle_stage(PG_FUNCTION_ARGS)
{
	DateADT		first;
	DateADT		last;
	DateADT		as_of;
	int32		active_months;
	int32		new_months;
	int32		loyal_months;
	int32		dormant_days;
	int32		lost_days;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text("potential"));
	for (i = 2; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();

	first = FiniteDate(fcinfo, 0, "first_active");
	last = PG_ARGISNULL(1) ? first : FiniteDate(fcinfo, 1, "last_active");
	active_months = PG_GETARG_INT32(2);
	as_of = FiniteDate(fcinfo, 3, "as_of");
	new_months = PG_GETARG_INT32(4);
	loyal_months = PG_GETARG_INT32(5);
	dormant_days = PG_GETARG_INT32(6);
	lost_days = PG_GETARG_INT32(7);

	CheckIntRange(active_months, 0, PG_INT32_MAX, "active_months");
	CheckIntRange(new_months, 0, MAX_MONTHS, "new_months");
	CheckIntRange(loyal_months, 0, MAX_MONTHS, "loyal_months");
	CheckIntRange(dormant_days, 0, MAX_DAYS, "dormant_days");
	CheckIntRange(lost_days, 0, MAX_DAYS, "lost_days");
	if (lost_days < dormant_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lost_days (%d) must not be less than dormant_days (%d)",
						lost_days, dormant_days)));
	if (last < first)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("last_active %s is before first_active %s",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(last))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(first))))));
	if (as_of < last)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of %s is before the customer's %s %s",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of))),
						as_of < first ? "first_active" : "last_active",
						DatumGetCString(DirectFunctionCall1(date_out,
															DateADTGetDatum(as_of < first ? first : last)))),
				 errhint("Compute stages as of a date on or after the last activity.")));

	if ((int64) as_of - last > lost_days)
		PG_RETURN_TEXT_P(cstring_to_text("lost"));
	if ((int64) as_of - last > dormant_days)
		PG_RETURN_TEXT_P(cstring_to_text("dormant"));
	if (first > MonthsBefore(as_of, new_months))
		PG_RETURN_TEXT_P(cstring_to_text("new"));
	if (active_months >= loyal_months)
		PG_RETURN_TEXT_P(cstring_to_text("loyal"));
	PG_RETURN_TEXT_P(cstring_to_text("active"));
}
