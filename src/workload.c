/*
 * workload.c
 *	  Spread and score measures for manager workload: the crm.gini
 *	  aggregate and crm.kpi_score.
 *
 * crm.gini keeps its inputs in a float8[] state (8 bytes a value): the exact
 * Gini coefficient needs every value.  The transition function appends in
 * place through PostgreSQL's expanded arrays (array_append in an aggregate
 * context keeps a read-write expanded array in the aggregate's memory), the
 * combine function concatenates, and the final function sorts a copy and
 * uses the rank form of the coefficient
 *     G = sum_i (2i - n - 1) x_(i) / (n * sum_i x_i)     (x sorted, i = 1..n)
 * which equals the mean absolute difference over all pairs divided by twice
 * the mean (Kendall & Stuart, The Advanced Theory of Statistics, vol. 1).
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "validate.h"

/* crm.gini transition: validate the value, append it to the state array. */
PG_FUNCTION_INFO_V1(gini_transfn);
Datum
gini_transfn(PG_FUNCTION_ARGS)
{
	double		x;

	(void) AggregateContext(fcinfo, __func__);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_FLOAT8(1);
	CheckFinite(x, "crm.gini value");
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.gini value must not be negative, got %s", float8out_internal(x))));
	/* array_append appends in place to a read-write expanded array */
	return array_append(fcinfo);
}

/* crm.gini combine: concatenate the partial states. */
PG_FUNCTION_INFO_V1(gini_combinefn);
Datum
gini_combinefn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
	{
		if (PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	return array_cat(fcinfo);
}

static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* crm.gini final: NULL for no values, 0 when all are 0. */
PG_FUNCTION_INFO_V1(gini_finalfn);
Datum
gini_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	double	   *x;
	int			n;
	int			i;
	double		sum = 0;
	double		weighted = 0;
	double		max;
	int			exponent;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	arr = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(arr) > 1 || ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.gini state must be a one-dimensional float8 array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	if (n == 0)
		PG_RETURN_NULL();
	x = palloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		/* a state can come from anywhere (e.g. a stored array): check again */
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.gini state must not contain NULL")));
		x[i] = DatumGetFloat8(elems[i]);
		CheckFinite(x[i], "crm.gini value");
		if (x[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.gini value must not be negative, got %s", float8out_internal(x[i]))));
	}
	qsort(x, n, sizeof(double), CompareDouble);
	max = x[n - 1];
	if (max <= 0)
		PG_RETURN_FLOAT8(0.0);	/* all zero: perfectly even */
	/*
	 * Scaled by the power of two at or above the largest value, so that
	 * neither sum can overflow however large the values are; the
	 * coefficient does not change with scale, and a power of two scales
	 * exactly.
	 */
	(void) frexp(max, &exponent);
	for (i = 0; i < n; i++)
	{
		double		y = ldexp(x[i], -exponent);

		sum += y;
		weighted += (2.0 * (i + 1) - n - 1) * y;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8(Max(0.0, weighted / ((double) n * sum)));
}

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
		if (!isfinite(out[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.kpi_score: %s[%d] must be a finite number, got %s",
							what, i + 1, float8out_internal(out[i]))));
	}
	return out;
}

/*
 * crm.kpi_score(actual[], target[], weights[] [, cap]) =
 * sum w_i * min(actual_i / target_i, cap) / sum w_i.
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
	CheckFinite(cap, "crm.kpi_score cap");
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
		wsum += weights[i];
		total += weights[i] * Min(actual[i] / target[i], cap);
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
