/*
 * workload.c
 *	  The per-customer and per-manager workload functions: what a service
 *	  policy asks for one customer (crm.service_minutes, crm.visits_due,
 *	  crm.calls_due, crm.contact_compliance), the staff that minutes need
 *	  (crm.required_fte), and a manager's weighted achievement
 *	  (crm.kpi_score).
 *
 * Periods.  A policy counts contacts per year; a period (an interval) is
 * turned into a fraction of a year as
 *     months / 12 + days / 365.25 + time / (365.25 * 24 h)
 * so '1 month' = 1/12, '3 months' = 1/4, '1 year' = 1 and '7 days' =
 * 7/365.25.  Intervals are kept in months, days and time separately by
 * PostgreSQL, so each part is converted on its own.  Negative periods are
 * errors.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "argcache.h"
#include "policy.h"
#include "validate.h"

/* ----------------------------------------------------------------------
 * Applying a policy
 * ---------------------------------------------------------------------- */

/* Fraction of a year in a period (see the header comment); >= 0. */
static double
YearFraction(const Interval *iv, const char *fname)
{
	double		f = iv->month / 12.0 + iv->day / 365.25 +
		(double) iv->time / (365.25 * (double) USECS_PER_DAY);

	if (f < 0 || iv->month < 0 || iv->day < 0 || iv->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period must not be negative", fname),
				 errdetail("Months, days and time of the interval must each be zero or positive.")));
	return f;
}

/* per call site: the policy, through the argument cache */
typedef struct PolicyCache
{
	ArgCache	arg;			/* must be first */
} PolicyCache;

/*
 * The policy in argument 0, checked once per new value: the argument cache
 * (argcache.h) keeps it per call site, keyed by the value, so a row-by-row
 * call does not detoast or check the same policy again.
 */
static const CrmPolicy *
GetPolicy(FunctionCallInfo fcinfo)
{
	PolicyCache *cache = (PolicyCache *) fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return (const CrmPolicy *) cache->arg.value;
	if (cache == NULL)
		cache = (PolicyCache *) arg_cache_init(fcinfo, 0, sizeof(PolicyCache));
	if (arg_cache_update(&cache->arg, fcinfo, 0))
	{
		/* a new value: checked once, before any lookup reads it */
		CrmError	err = {0};

		if (crm_policy_check((const CrmPolicy *) cache->arg.value, VARSIZE(cache->arg.value), &err) != 0)
		{
			cache->arg.valid = false;
			err.kind = CRM_ERR_INVALID;
			crm_ereport(&err);
		}
	}
	return (const CrmPolicy *) cache->arg.value;
}

/* The policy entry of the tier in argument 1; an unknown tier is an error. */
static const CrmPolicyEntry *
GetEntry(FunctionCallInfo fcinfo, const char *fname)
{
	const CrmPolicy *p = GetPolicy(fcinfo);
	text	   *tier = PG_GETARG_TEXT_PP(1);
	const CrmPolicyEntry *e = crm_policy_lookup(p, VARDATA_ANY(tier), VARSIZE_ANY_EXHDR(tier));

	if (unlikely(e == NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: tier \"%s\" is not in the service policy", fname, text_to_cstring(tier)),
				 errhint("Add the tier, or a \"*\" entry for unlisted tiers.")));
	return e;
}

/*
 * crm.service_minutes(policy, tier [, period]): the minutes one customer
 * of the tier needs over the period (crm_policy_minutes_per_year times the
 * year fraction).
 */
PG_FUNCTION_INFO_V1(service_minutes);
Datum
service_minutes(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.service_minutes");
	double		f = YearFraction(PG_GETARG_INTERVAL_P(2), "crm.service_minutes");

	PG_RETURN_FLOAT8(crm_policy_minutes_per_year(e) * f);
}

/* crm.visits_due(policy, tier [, period]): visits due, fractional. */
PG_FUNCTION_INFO_V1(visits_due);
Datum
visits_due(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.visits_due");

	PG_RETURN_FLOAT8(e->v[CRM_POLICY_VISITS] * YearFraction(PG_GETARG_INTERVAL_P(2), "crm.visits_due"));
}

/* crm.calls_due(policy, tier [, period]): calls due, fractional. */
PG_FUNCTION_INFO_V1(calls_due);
Datum
calls_due(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.calls_due");

	PG_RETURN_FLOAT8(e->v[CRM_POLICY_CALLS] * YearFraction(PG_GETARG_INTERVAL_P(2), "crm.calls_due"));
}

/*
 * crm.contact_compliance(policy, tier, visits_done, calls_done [, period]):
 * the share of the due contacts' minutes that was done.  A visit weighs
 * visit + travel minutes, a call call minutes; contacts beyond what is due
 * do not count.  When contacts are due but cost no minutes (a policy that
 * lists contacts without their minutes), each contact weighs the same.
 * 1 when nothing is due.
 */
PG_FUNCTION_INFO_V1(contact_compliance);
Datum
contact_compliance(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.contact_compliance");
	int32		visits_done = PG_GETARG_INT32(2);
	int32		calls_done = PG_GETARG_INT32(3);
	double		f = YearFraction(PG_GETARG_INTERVAL_P(4), "crm.contact_compliance");
	double		due_v = e->v[CRM_POLICY_VISITS] * f;
	double		due_c = e->v[CRM_POLICY_CALLS] * f;
	double		w_v = e->v[CRM_POLICY_VISIT_MIN] + e->v[CRM_POLICY_TRAVEL_MIN];
	double		w_c = e->v[CRM_POLICY_CALL_MIN];
	double		due;
	double		done;

	if (visits_done < 0 || calls_done < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.contact_compliance: visits_done and calls_done must not be negative, got %d and %d",
						visits_done, calls_done)));
	due = due_v * w_v + due_c * w_c;
	if (due <= 0 && due_v + due_c > 0)
	{
		w_v = 1;
		w_c = 1;
		due = due_v + due_c;
	}
	if (due <= 0)
		PG_RETURN_FLOAT8(1.0);
	done = Min((double) visits_done, due_v) * w_v + Min((double) calls_done, due_c) * w_c;
	PG_RETURN_FLOAT8(Min(done / due, 1.0));
}

/*
 * crm.required_fte(minutes, period [, hours_per_fte_year]): the full-time
 * equivalents that minutes of work over the period need,
 * minutes / 60 / (hours_per_fte_year x the year fraction).
 */
PG_FUNCTION_INFO_V1(required_fte);
Datum
required_fte(PG_FUNCTION_ARGS)
{
	double		minutes = PG_GETARG_FLOAT8(0);
	double		f = YearFraction(PG_GETARG_INTERVAL_P(1), "crm.required_fte");
	double		hours = PG_GETARG_FLOAT8(2);

	CheckFinite(minutes, "crm.required_fte: minutes");
	if (minutes < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: minutes must not be negative")));
	CheckFinite(hours, "crm.required_fte: hours_per_fte_year");
	if (hours <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: hours_per_fte_year must be positive, got %s",
						float8out_internal(hours))));
	if (f <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: period must be longer than zero")));
	{
		double		fte = minutes / 60.0 / (hours * f);

		if (!isfinite(fte))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("crm.required_fte: the result is out of range for type double precision")));
		PG_RETURN_FLOAT8(fte);
	}
}

/* ----------------------------------------------------------------------
 * A manager's score
 * ---------------------------------------------------------------------- */

/* A float8[] argument as a C array: one-dimensional, no NULLs, finite. */
static double *
Float8Array(ArrayType *arr, const char *what, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	double	   *out;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("crm.kpi_score: %s must be a one-dimensional array", what)));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, n);
	out = palloc(sizeof(double) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.kpi_score: %s[%d] is NULL", what, i + 1)));
		out[i] = DatumGetFloat8(elems[i]);
		if (unlikely(!isfinite(out[i])))
			CheckFinite(out[i], psprintf("crm.kpi_score: %s[%d]", what, i + 1));
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return out;
}

/*
 * crm.kpi_score(actual[], target[], weights[] [, cap]) =
 * sum w_i * min(actual_i / target_i, cap) / sum w_i.
 *
 * A weighted arithmetic mean of capped achievement ratios: each KPI's
 * actual over its target, capped so that overshooting one target cannot
 * make up for missing another by more than the cap allows.  A zero weight
 * leaves its KPI out entirely.  Sums run in array order.
 */
PG_FUNCTION_INFO_V1(kpi_score);
Datum
kpi_score(PG_FUNCTION_ARGS)
{
	int			na;
	int			nt;
	int			nw;
	double	   *actual = Float8Array(PG_GETARG_ARRAYTYPE_P(0), "actual", &na);
	double	   *target = Float8Array(PG_GETARG_ARRAYTYPE_P(1), "target", &nt);
	double	   *weights = Float8Array(PG_GETARG_ARRAYTYPE_P(2), "weights", &nw);
	double		cap = PG_GETARG_FLOAT8(3);
	double		wsum = 0;
	double		total = 0;
	int			i;

	if (na != nt || na != nw)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.kpi_score: actual, target and weights must have the same length, got %d, %d and %d",
						na, nt, nw)));
	CheckFinite(cap, "crm.kpi_score: cap");
	if (cap <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.kpi_score: cap must be positive, got %s", float8out_internal(cap))));
	for (i = 0; i < na; i++)
	{
		if (target[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.kpi_score: target[%d] must be positive, got %s",
							i + 1, float8out_internal(target[i]))));
		if (weights[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.kpi_score: weights[%d] must not be negative, got %s",
							i + 1, float8out_internal(weights[i]))));
		/* a zero weight counts for nothing, even next to an infinite ratio */
		if (weights[i] > 0)
		{
			wsum += weights[i];
			total += weights[i] * Min(actual[i] / target[i], cap);
		}
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	if (!(wsum > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.kpi_score: the weights must have a positive sum")));
	if (!isfinite(total) || !isfinite(wsum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("crm.kpi_score: the result overflows")));
	PG_RETURN_FLOAT8(total / wsum);
}
