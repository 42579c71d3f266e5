/*
 * gini.c
 *	  The crm.gini aggregate, the spread of manager workload, with its
 *	  state type crm.gini_state.
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

#include "libpq/pqformat.h"

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
