/*
 * gini.c
 *	  Spread and score measures for manager workload: the crm.gini
 *	  aggregate (with its state type crm.gini_state) and crm.kpi_score.
 *
 * crm.gini keeps its inputs in a crm.gini_state (8 bytes a value, see
 * gini_core.h): the exact Gini coefficient needs every value.  The
 * transition function appends in place, in the aggregate's memory, and
 * grows the state by doubling as rebalance.c does; it needs nothing from
 * the calling expression (no argument type lookups), so it runs wherever
 * the aggregate does (Citus workers too).  The combine function appends
 * one state to the other, and the final function computes the coefficient
 * from a sorted copy (gini_core.c).  Every one of them checks the state it
 * is handed first (see aggstate.h).
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "aggstate.h"
#include "gini_core.h"
#include "validate.h"

/* a state starts with room for 8 values */
#define GINI_INITIAL_VALUES 8

/* A core state (or the core's error) as a datum-ready varlena. */
static CrmGiniState *
GiniFinish(CrmGiniState *s, CrmError *err)
{
	if (s == NULL)
		crm_ereport(err);
	SET_VARSIZE(s, crm_gini_state_size(s->cap));
	return s;
}

/* A copy of s with room for at least need values (in CurrentMemoryContext). */
static CrmGiniState *
GiniGrow(const CrmGiniState *s, int64 need)
{
	int64		cap = Max(GINI_INITIAL_VALUES, s ? s->cap : 0);
	CrmError	err = {0};
	CrmGiniState *t;

	while (cap < need)
		cap *= 2;
	if (cap > CRM_GINI_MAX_VALUES && need <= CRM_GINI_MAX_VALUES)
		cap = CRM_GINI_MAX_VALUES;
	t = GiniFinish(crm_gini_state_alloc(cap, &err), &err);
	if (s)
	{
		memcpy(t->v, s->v, sizeof(double) * s->n);
		t->n = s->n;
	}
	return t;
}

/* A state value of unknown origin, checked completely (not written to). */
static CrmGiniState *
GiniChecked(Datum d)
{
	CrmGiniState *s = (CrmGiniState *) PG_DETOAST_DATUM(d);
	CrmError	err = {0};

	if (crm_gini_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0 ||
		crm_gini_state_check_values(s, &err) != 0)
		crm_ereport(&err);
	return s;
}

/*
 * The state argument of the transition and combine functions: the header
 * checked on every call, the values when the seal does not match (the
 * state arrived), after which it is sealed (see aggstate.h).
 */
static CrmGiniState *
GiniArg(FunctionCallInfo fcinfo, int argno)
{
	CrmGiniState *s = (CrmGiniState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};

	if (crm_gini_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);
	if (s->seal != crm_state_seal(s, s->n, s->cap))
	{
		if (crm_gini_state_check_values(s, &err) != 0)
			crm_ereport(&err);
		s->seal = crm_state_seal(s, s->n, s->cap);
	}
	return s;
}

/*
 * A state the transition or combine function is about to return, sealed
 * after a last O(1) check of its header (its values were checked as they
 * came in): nothing leaves that the state's input would refuse.
 */
static Datum
GiniReturn(CrmGiniState *s)
{
	CrmError	err = {0};

	if (crm_gini_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		elog(ERROR, "crm.gini built a state its input would refuse (%s), please report a bug",
			 err.message);
	s->seal = crm_state_seal(s, s->n, s->cap);
	return PointerGetDatum(s);
}

/* crm.gini transition: check the value, append it to the state. */
PG_FUNCTION_INFO_V1(gini_transfn);
Datum
gini_transfn(PG_FUNCTION_ARGS)
{
	CrmGiniState *s;
	CrmError	err = {0};
	double		x;

	(void) AggregateContext(fcinfo, __func__);
	s = PG_ARGISNULL(0) ? NULL : GiniArg(fcinfo, 0);
	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	x = PG_GETARG_FLOAT8(1);
	if (crm_gini_value_check(x, &err) != 0)
		crm_ereport(&err);
	if (s == NULL || s->n == s->cap)
		s = GiniGrow(s, (s ? s->n : 0) + 1);
	s->v[s->n++] = x == 0.0 ? 0.0 : x;
	return GiniReturn(s);
}

/* crm.gini combine: the values of both states. */
PG_FUNCTION_INFO_V1(gini_combinefn);
Datum
gini_combinefn(PG_FUNCTION_ARGS)
{
	CrmGiniState *a;
	CrmGiniState *b;

	(void) AggregateContext(fcinfo, __func__);
	a = PG_ARGISNULL(0) ? NULL : GiniArg(fcinfo, 0);
	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	b = GiniChecked(PG_GETARG_DATUM(1));
	if (a == NULL)
		PG_RETURN_POINTER(b);	/* nodeAgg copies it */
	if (b->n > CRM_GINI_MAX_VALUES - a->n)
		(void) GiniGrow(NULL, a->n + b->n);	/* the cap's error */
	if (a->n + b->n > a->cap)
		a = GiniGrow(a, a->n + b->n);
	memcpy(a->v + a->n, b->v, sizeof(double) * b->n);
	a->n += b->n;
	return GiniReturn(a);
}

/* crm.gini final: NULL for no values, 0 when all are 0. */
PG_FUNCTION_INFO_V1(gini_finalfn);
Datum
gini_finalfn(PG_FUNCTION_ARGS)
{
	CrmGiniState *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = GiniChecked(PG_GETARG_DATUM(0));
	if (s->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(crm_gini_coefficient(s->v, s->n));
}

/* Text form: the compact form only. */
PG_FUNCTION_INFO_V1(gini_state_in);
Datum
gini_state_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmGiniState *s = crm_gini_state_parse(PG_GETARG_CSTRING(0), &err);

	PG_RETURN_POINTER(GiniFinish(s, &err));
}

/* Text output: the compact form. */
PG_FUNCTION_INFO_V1(gini_state_out);
Datum
gini_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_gini_state_print(GiniChecked(PG_GETARG_DATUM(0))));
}

/* Binary form: see gini_core.h. */
PG_FUNCTION_INFO_V1(gini_state_send);
Datum
gini_state_send(PG_FUNCTION_ARGS)
{
	CrmGiniState *s = GiniChecked(PG_GETARG_DATUM(0));
	Size		n = (Size) crm_gini_state_wire_size(s->n);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_gini_state_encode(s, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* Binary input, through the core decoder (22P03 for a bad value). */
PG_FUNCTION_INFO_V1(gini_state_recv);
Datum
gini_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmGiniState *s = crm_gini_state_decode((const uint8 *) buf->data + buf->cursor,
											(size_t) (buf->len - buf->cursor),
											CRM_ERR_BINARY, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(GiniFinish(s, &err));
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
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
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
