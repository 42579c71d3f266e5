/*
 * clustering.c
 *	  Server-side helpers shared by the clustering files (see clustering.h):
 *	  the options parser, the feature-array reader, and what the aggregates
 *	  need to judge their arguments and report a bad state.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "clustering.h"
#include "validate.h"

/* ------------------------------------------------------------ helpers */

/* A jsonb option's number as a float8 (+-Infinity beyond float8's range). */
static double
OptionNumber(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number", key)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											  NumericGetDatum(v->val.numeric)));
}

/* An integer option within [lo, hi]. */
static int
OptionInt(JsonbValue *v, const char *key, int lo, int hi)
{
	double		d = OptionNumber(v, key);

	if (d != floor(d) || d < lo || d > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an integer between %d and %d", key, lo, hi)));
	return (int) d;
}

/* A numeric in short scientific notation: 1e+400, 1.5e+400 (as %g would). */
static char *
NumericShortSci(Numeric num)
{
	char	   *s = numeric_out_sci(num, 16);
	char	   *e = strchr(s, 'e');
	char	   *z;

	if (e == NULL)
		return s;
	z = e;
	while (z > s && z[-1] == '0')
		z--;
	if (z > s && z[-1] == '.')
		z--;
	memmove(z, e, strlen(e) + 1);
	return s;
}

/*
 * A float8 option.  A JSON number beyond float8 (1e400) is out of range:
 * 22003 "... is out of range: <number>", the rule for every out-of-range
 * number in crm's clustering inputs (rows, options, sketch text and binary).
 */
static double
OptionFloat(JsonbValue *v, const char *key)
{
	double		d = OptionNumber(v, key);

	if (!isfinite(d))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("option \"%s\" is out of range: %s", key, NumericShortSci(v->val.numeric)),
				 errdetail("It must be a finite float8 number.")));
	return d;
}

int
cluster_parse_options(Jsonb *jb, CrmClusterOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			set = 0;
	CrmError	err = {0};

	if (jb == NULL)
		return 0;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clustering options must be a JSON object"),
				 errhint("For example '{\"scale\": \"zscore\", \"seed\": 7}'.")));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		tok = JsonbIteratorNext(&it, &v, true);
		if (strcmp(key, "scale") == 0)
		{
			int			s = -1;

			if (v.type == jbvString)
				s = crm_scale_parse(v.val.string.val, v.val.string.len);
			if (s < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"scale\" must be one of \"none\", \"zscore\", \"minmax\", \"atan\"")));
			o->scale = s;
			set |= CRM_OPT_SCALE;
		}
		else if (strcmp(key, "budget_kb") == 0)
		{
			o->budget_kb = OptionInt(&v, key, CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_MAX_BUDGET_KB);
			set |= CRM_OPT_BUDGET;
		}
		else if (strcmp(key, "restarts") == 0)
		{
			o->restarts = OptionInt(&v, key, 1, 1000);
			set |= CRM_OPT_RESTARTS;
		}
		else if (strcmp(key, "max_iter") == 0)
		{
			o->max_iter = OptionInt(&v, key, 1, 100000);
			set |= CRM_OPT_MAX_ITER;
		}
		else if (strcmp(key, "seed") == 0)
		{
			o->seed = (uint64) OptionInt(&v, key, 0, PG_INT32_MAX);
			set |= CRM_OPT_SEED;
		}
		else if (strcmp(key, "tol") == 0)
		{
			o->tol = OptionFloat(&v, key);
			if (o->tol < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"tol\" must be >= 0")));
			set |= CRM_OPT_TOL;
		}
		else if (strcmp(key, "atan_scale") == 0)
		{
			o->atan_scale = OptionFloat(&v, key);
			if (!(o->atan_scale >= CRM_ATAN_SCALE_MIN && o->atan_scale <= CRM_ATAN_SCALE_MAX))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"atan_scale\" must be between 1e-100 and 1e100"),
						 errdetail("Feature values are divided by it before atan.")));
			set |= CRM_OPT_ATAN_SCALE;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown clustering option \"%s\"", key),
					 errhint("Valid options are scale, seed, restarts, max_iter, tol, budget_kb and atan_scale.")));
		pfree(key);
	}
	if (!crm_cluster_options_check(o, &err))
		crm_ereport(&err);
	return set;
}

const double *
cluster_features(ArrayType *arr, int expected_dims, int *dims, const char *what)
{
	int			n;
	const double *x;
	int			j;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be a float8[] array", what)));
	if (ARR_NDIM(arr) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", what)));
	if (ARR_NDIM(arr) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array, got %d dimensions", what, ARR_NDIM(arr))));
	if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULL elements", what)));
	n = ARR_DIMS(arr)[0];
	if (n > CRM_CLUSTER_MAX_DIMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has %d elements, more than the maximum of %d", what, n, CRM_CLUSTER_MAX_DIMS)));
	if (expected_dims > 0 && n != expected_dims)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has %d elements, but %d were expected", what, n, expected_dims),
				 errdetail("Every row must have as many features as the first one (or as the model).")));
	x = (const double *) ARR_DATA_PTR(arr);
	for (j = 0; j < n; j++)
		if (unlikely(!(fabs(x[j]) <= CRM_CLUSTER_MAX_ABS)))
		{
			if (!isfinite(x[j]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s element %d must be a finite number, got %s", what, j + 1,
								isnan(x[j]) ? "NaN" : (x[j] > 0 ? "Infinity" : "-Infinity"))));
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s element %d is out of range: %g", what, j + 1, x[j]),
					 errdetail("Features must lie within +-1e100, so that sums of squares cannot overflow.")));
		}
	*dims = n;
	return x;
}

/* ------------------------------------------------------------ aggregates */

/*
 * Whether aggregate argument argno is the same value for the whole life of
 * one transition state, so that it needs comparing only once per state.  A
 * Const cannot change.  A Param is constant during one scan of the Agg
 * node: an external parameter for the whole execution, an initplan's output
 * once computed, an outer reference until the Agg is rescanned, and a
 * rescan with changed aggregate parameters builds new states.  Anything else
 * (a column, an expression over the row, a window aggregate, where there is
 * no Aggref) is compared on every row.
 */
bool
cluster_agg_arg_stable(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	TargetEntry *tle;

	if (aggref == NULL || argno >= list_length(aggref->args))
		return false;
	tle = list_nth_node(TargetEntry, aggref->args, argno);
	return IsA(tle->expr, Const) || IsA(tle->expr, Param);
}

/* A state that fails its check (see clustering.h). */
void
cluster_state_error(const char *agg, const CrmError *err)
{
	ereport(ERROR,
			(errcode(err->kind == CRM_ERR_LIMIT ? ERRCODE_PROGRAM_LIMIT_EXCEEDED
					 : ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s state", agg),
			 errdetail_internal("%s", err->message)));
}
