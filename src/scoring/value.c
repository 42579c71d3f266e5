/*
 * value.c
 *	  Customer value: crm.customer_value(avg_deposits, deposit_spread,
 *	  loan_interest, fees, stage [, multipliers]) and the multipliers in
 *	  force, crm.value_multipliers([multipliers]).
 *
 * The rule (value_core.h): contribution = deposits x spread + loan interest
 * + fees, times a multiplier by lifecycle stage (crm.lifecycle's stages;
 * loyal 3.5, dormant 0.5, lost 0, the others 1 by default).  Custom
 * multipliers are a jsonb object of stage: multiplier that overrides the
 * stages it names; it is read once per call site and value (argcache.h).
 */
#include "crm.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "argcache.h"
#include "jsonb_form.h"
#include "validate.h"
#include "value_core.h"

/* How the multipliers' JSON form names itself in errors (jsonb_form.h). */
static const JsonbForm MultipliersForm = {
	.what = "value multipliers",
	.hint = "Multipliers are a JSON object of lifecycle stage: number, e.g. {\"loyal\": 3, \"dormant\": 0.3}; stages: potential, new, active, loyal, dormant, lost.",
};

/*
 * The multipliers in force: the defaults, overridden by the stages jb
 * names (NULL: the defaults).  Unknown stages, non-numbers and numbers
 * outside 0..1000 are errors.
 */
static void
ReadMultipliers(Jsonb *jb, double *out)
{
	static const char *const keys[] = {
		"potential", "new", "active", "loyal", "dormant", "lost", NULL
	};
	int			i;

	memcpy(out, crm_value_default_multipliers, sizeof(double) * CRM_NSTAGES);
	if (jb == NULL)
		return;
	if (!JsonContainerIsObject(&jb->root) || JsonContainerIsScalar(&jb->root))
		jsonb_form_error(&MultipliersForm, "the multipliers", "must be a JSON object of stage: multiplier");
	{
		char	   *unknown = UnknownJsonbKey(&jb->root, keys);

		if (unknown)
			jsonb_form_error(&MultipliersForm, psprintf("\"%s\"", unknown), "is not a lifecycle stage");
	}
	for (i = 0; i < CRM_NSTAGES; i++)
	{
		JsonbValue *v = jsonb_form_get(&jb->root, crm_stage_names[i]);
		CrmError	err = {0};

		if (v == NULL)
			continue;
		out[i] = jsonb_form_number(&MultipliersForm, v, psprintf("\"%s\"", crm_stage_names[i]),
								   psprintf("multiplier of stage \"%s\"", crm_stage_names[i]));
		RaiseIf(crm_value_check_multiplier(i, out[i], &err), &err);
		out[i] += 0.0;			/* -0 reads as 0 */
	}
}

/* per call site: the multipliers read from argument 5 */
typedef struct MultipliersCache
{
	ArgCache	arg;			/* must be first */
	double		m[CRM_NSTAGES];
} MultipliersCache;

/* The multipliers of this call (argument 5 when given), cached by value. */
static const double *
GetMultipliers(FunctionCallInfo fcinfo)
{
	MultipliersCache *cache;

	if (PG_NARGS() < 6)
		return crm_value_default_multipliers;
	cache = (MultipliersCache *) fcinfo->flinfo->fn_extra;
	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return cache->m;
	if (cache == NULL)
		cache = (MultipliersCache *) arg_cache_init(fcinfo, 5, sizeof(MultipliersCache));
	if (arg_cache_update(&cache->arg, fcinfo, 5))
	{
		/* invalid until read: an error must not leave a half-read cache */
		cache->arg.valid = false;
		ReadMultipliers((Jsonb *) cache->arg.value, cache->m);
		cache->arg.valid = true;
	}
	return cache->m;
}

/* The stage of a text argument; an unknown one is an error listing them. */
static int
StageArg(text *stage, const char *fname)
{
	int			i = crm_stage_index(VARDATA_ANY(stage), VARSIZE_ANY_EXHDR(stage));

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: unknown lifecycle stage \"%s\"", fname, text_to_cstring(stage)),
				 errhint("Stages are those crm.lifecycle returns: potential, new, active, loyal, dormant, lost.")));
	return i;
}

/*
 * crm.customer_value(avg_deposits, deposit_spread, loan_interest, fees,
 * stage [, multipliers]): the contribution of the components times the
 * stage's multiplier.
 */
PG_FUNCTION_INFO_V1(customer_value);
Datum
customer_value(PG_FUNCTION_ARGS)
{
	const double *mult = GetMultipliers(fcinfo);
	int			stage = StageArg(PG_GETARG_TEXT_PP(4), "crm.customer_value");
	double		contribution;
	double		value;
	CrmError	err = {0};

	RaiseIf(crm_value_contribution(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2),
								   PG_GETARG_FLOAT8(3), &contribution, &err), &err);
	RaiseIf(crm_value_apply(contribution, mult[stage], &value, &err), &err);
	PG_RETURN_FLOAT8(value);
}

/*
 * crm.value_multipliers([multipliers]): the multiplier of every stage, in
 * crm.lifecycle's order, after the overrides (checked as
 * crm.customer_value checks them).
 */
PG_FUNCTION_INFO_V1(value_multipliers);
Datum
value_multipliers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		m[CRM_NSTAGES];
	int			i;

	ReadMultipliers(PG_NARGS() > 0 ? PG_GETARG_JSONB_P(0) : NULL, m);
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < CRM_NSTAGES; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {0};

		values[0] = CStringGetTextDatum(crm_stage_names[i]);
		values[1] = Float8GetDatum(m[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
