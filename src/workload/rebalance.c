/*
 * rebalance.c
 *	  The crm.rebalance aggregate: its state type crm.rebalance_state, its
 *	  result type crm.rebalance_plan, and the functions that read a plan
 *	  (crm.moves, crm.plan_summary, crm.plan_loads).
 *
 * The state is a real type (not internal) so that parallel query and Citus
 * can run the aggregate partially and merge: a flat varlena of input rows
 * (33 bytes each) whose size is its allocated capacity, at most
 * CRM_RB_MAX_ROWS rows.  The transition function appends in place while
 * there is room, which needs the state to live in the aggregate's memory:
 * nodeAgg copies a new state value there whenever the function returns a
 * pointer other than its input, and frees the old one.  So the state is
 * never repalloc'd: when full, a copy twice the size is made in the per-row
 * memory and returned, and nodeAgg moves it (amortised O(1) per row).
 *
 * Every transition, combine and final function checks the state it is
 * handed before reading or writing it, as recv does (22023): its header on
 * every call, its rows when it arrives (see aggstate.h for how arrival is
 * told in O(1)); the final function checks the header and leaves the rows
 * to the solver in rebalance_core.c, which checks each with the same row
 * check before it reads it.  Checks on duplicate customers and conflicting
 * capacities need all rows, so they run there too.  Layouts, checks and
 * the external forms (binary, compact text, JSON) are server-free, in
 * rebalance_types_core.c; this file moves values between them and the
 * server.
 */
#include "crm.h"

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "aggstate.h"
#include "rebalance.h"
#include "validate.h"

/* small groups stay small: a state starts with room for 8 rows (about 300 bytes) */
#define RB_INITIAL_ROWS 8

/* ----------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

/* A core state (or the core's error) as a datum-ready varlena. */
static RbState *
StateFinish(RbState *s, CrmError *err)
{
	if (s == NULL)
		crm_ereport(err);
	SET_VARSIZE(s, crm_rb_state_size(s->caprows));
	return s;
}

/* A copy of s with room for at least need rows (in CurrentMemoryContext). */
static RbState *
StateGrow(const RbState *s, int64 need)
{
	int64		cap = Max(RB_INITIAL_ROWS, s ? s->caprows : 0);
	CrmError	err = {0};
	RbState    *t;

	while (cap < need)
		cap *= 2;
	/* doubling past the cap: the largest state that holds the rows */
	if (cap > CRM_RB_MAX_ROWS && need <= CRM_RB_MAX_ROWS)
		cap = CRM_RB_MAX_ROWS;
	t = StateFinish(crm_rb_state_alloc(cap, &err), &err);
	if (s)
	{
		t->nrows = s->nrows;
		memcpy(t->rows, s->rows, sizeof(CrmRbRow) * s->nrows);
		memcpy(RB_STATE_FLAGS(t), RB_STATE_FLAGS(s), s->nrows);
	}
	return t;
}

/*
 * Check a state value of unknown origin completely (header and rows);
 * kind for its structure.  The state is detoasted (a copy when it was
 * toasted or had a short header).
 */
static RbState *
StateChecked(Datum d, CrmErrorKind kind)
{
	RbState    *s = (RbState *) PG_DETOAST_DATUM(d);
	CrmError	err = {0};

	if (crm_rb_state_check_header(s, VARSIZE(s), kind, &err) != 0 ||
		crm_rb_state_check_rows(s, 0, kind, &err) != 0)
		crm_ereport(&err);
	return s;
}

/*
 * The state argument of the transition and combine functions, which write
 * to it: the header is checked on every call, the rows when the state's
 * seal does not match (it arrived: see aggstate.h), after which it is
 * sealed.
 */
static RbState *
StateArg(FunctionCallInfo fcinfo, int argno)
{
	RbState    *s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};

	if (crm_rb_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);
	if (s->seal != crm_state_seal(s, s->nrows, s->caprows))
	{
		if (crm_rb_state_check_rows(s, 0, CRM_ERR_INVALID, &err) != 0)
			crm_ereport(&err);
		s->seal = crm_state_seal(s, s->nrows, s->caprows);
	}
	return s;
}

/*
 * A state the transition or combine function is about to return, sealed
 * after a last O(1) check of its header: nothing leaves that the state's
 * input would refuse (its rows were checked as they came in).
 */
static Datum
StateReturn(RbState *s)
{
	CrmError	err = {0};

	if (crm_rb_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		elog(ERROR, "crm.rebalance built a state its input would refuse (%s), please report a bug",
			 err.message);
	s->seal = crm_state_seal(s, s->nrows, s->caprows);
	return PointerGetDatum(s);
}

/*
 * crm.rebalance transition: (state, customer_id, manager_id, load, capacity
 * [, movable]).
 */
PG_FUNCTION_INFO_V1(rebalance_transfn);
Datum
rebalance_transfn(PG_FUNCTION_ARGS)
{
	RbState    *s;
	CrmRbRow	r;
	CrmError	err = {0};
	bool		no_customer = PG_ARGISNULL(1);
	bool		no_manager = PG_ARGISNULL(2);
	bool		pinned;
	int			f;

	(void) AggregateContext(fcinfo, __func__);
	s = PG_ARGISNULL(0) ? NULL : StateArg(fcinfo, 0);
	if (no_customer && no_manager)
	{
		/* a row about nobody */
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	memset(&r, 0, sizeof(r));
	if (!no_customer)
	{
		r.customer_id = PG_GETARG_INT64(1);
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.rebalance: load must not be NULL (customer %lld)", (long long) r.customer_id)));
		r.load = PG_GETARG_FLOAT8(3);
	}
	if (!no_manager)
	{
		r.manager_id = PG_GETARG_INT64(2);
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.rebalance: capacity must not be NULL (manager %lld)", (long long) r.manager_id)));
		r.capacity = PG_GETARG_FLOAT8(4);
	}
	/* movable: true when absent or NULL */
	pinned = PG_NARGS() > 5 && !PG_ARGISNULL(5) && !PG_GETARG_BOOL(5);
	f = crm_rb_row_normalize(&r, no_customer, no_manager, pinned, &err);
	if (f < 0)
		crm_ereport(&err);

	if (s == NULL || s->nrows == s->caprows)
		s = StateGrow(s, (s ? s->nrows : 0) + 1);
	RB_STATE_FLAGS(s)[s->nrows] = (uint8) f;
	s->rows[s->nrows++] = r;
	return StateReturn(s);
}

/* crm.rebalance combine: the rows of both states. */
PG_FUNCTION_INFO_V1(rebalance_combinefn);
Datum
rebalance_combinefn(PG_FUNCTION_ARGS)
{
	RbState    *a;
	RbState    *b;

	(void) AggregateContext(fcinfo, __func__);
	a = PG_ARGISNULL(0) ? NULL : StateArg(fcinfo, 0);
	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	/* an input: checked in full (the copy below reads it all anyway) */
	b = StateChecked(PG_GETARG_DATUM(1), CRM_ERR_INVALID);
	if (a == NULL)
	{
		/* nodeAgg copies a returned value that is not its state */
		PG_RETURN_POINTER(b);
	}
	if (b->nrows > CRM_RB_MAX_ROWS - a->nrows)
		(void) StateGrow(NULL, a->nrows + b->nrows);	/* the cap's error */
	if (a->nrows + b->nrows > a->caprows)
		a = StateGrow(a, a->nrows + b->nrows);
	memcpy(a->rows + a->nrows, b->rows, sizeof(CrmRbRow) * b->nrows);
	memcpy(RB_STATE_FLAGS(a) + a->nrows, RB_STATE_FLAGS(b), b->nrows);
	a->nrows += b->nrows;
	return StateReturn(a);
}

/* Text form: JSON for small states, compact text beyond (both read back). */
PG_FUNCTION_INFO_V1(rebalance_state_out);
Datum
rebalance_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_rb_state_print(StateChecked(PG_GETARG_DATUM(0), CRM_ERR_INVALID)));
}

/* Text input: JSON or the compact form. */
PG_FUNCTION_INFO_V1(rebalance_state_in);
Datum
rebalance_state_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	RbState    *s = crm_rb_state_parse(PG_GETARG_CSTRING(0), &err);

	PG_RETURN_POINTER(StateFinish(s, &err));
}

/* Binary form: see rebalance_types_core.h. */
PG_FUNCTION_INFO_V1(rebalance_state_send);
Datum
rebalance_state_send(PG_FUNCTION_ARGS)
{
	RbState    *s = StateChecked(PG_GETARG_DATUM(0), CRM_ERR_INVALID);
	Size		n = (Size) crm_rb_state_wire_size(s->nrows);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_rb_state_encode(s, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* Binary input, through the core decoder (22P03 for a bad value). */
PG_FUNCTION_INFO_V1(rebalance_state_recv);
Datum
rebalance_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	RbState    *s = crm_rb_state_decode((const uint8 *) buf->data + buf->cursor,
										(size_t) (buf->len - buf->cursor),
										CRM_ERR_BINARY, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(StateFinish(s, &err));
}

/* ----------------------------------------------------------------------
 * Final function: solve, and pack the plan.
 * ---------------------------------------------------------------------- */

/* A core plan (or the core's error) as a datum-ready varlena. */
static RbPlan *
PlanFinish(RbPlan *p, size_t size, CrmError *err)
{
	if (p == NULL)
		crm_ereport(err);
	SET_VARSIZE(p, size);
	return p;
}

/* crm.rebalance final: check the rows, solve, pack the plan. */
PG_FUNCTION_INFO_V1(rebalance_finalfn);
Datum
rebalance_finalfn(PG_FUNCTION_ARGS)
{
	RbState    *s;
	MemoryContext work;
	MemoryContext old;
	CrmRbPlan	plan;
	CrmError	err = {0};
	RbPlan	   *p;
	size_t		size;
	int			rc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/*
	 * Read-only, never sealed here.  The header is checked now; the solver
	 * checks every row with the state's own row check (crm_rb_row_check)
	 * before it reads it, so the rows are checked once, in one wording.
	 */
	s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (crm_rb_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);

	work = AllocSetContextCreate(CurrentMemoryContext, "crm.rebalance solver", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	rc = crm_rb_solve(s->rows, RB_STATE_FLAGS(s), s->nrows, &plan, &err);
	MemoryContextSwitchTo(old);
	if (rc != 0)
		crm_ereport(&err);
	p = crm_rb_plan_from_result(&plan, &size, &err);
	if (p == NULL && err.kind != CRM_ERR_LIMIT)
		elog(ERROR, "crm.rebalance built a plan its input would refuse (%s: %s), please report a bug",
			 err.message, err.detail);
	p = PlanFinish(p, size, &err);
	MemoryContextDelete(work);
	PG_RETURN_POINTER(p);
}

/* ----------------------------------------------------------------------
 * crm.rebalance_plan I/O
 * ---------------------------------------------------------------------- */

/*
 * A plan argument of unknown origin, checked before it is read: its header
 * (O(1), enough for functions that read only the header and managers), or
 * everything when full (functions that follow the moves' manager indexes).
 */
static RbPlan *
PlanArg(FunctionCallInfo fcinfo, int argno, bool full)
{
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};
	int64		nmoves;
	double		moved;

	if (!full)
	{
		if (crm_rb_plan_check_header(p, VARSIZE(p), CRM_ERR_INVALID, &err) != 0)
			crm_ereport(&err);
		return p;
	}
	if (crm_rb_plan_check(p, VARSIZE(p), CRM_ERR_INVALID, &nmoves, &moved, &err) != 0)
		crm_ereport(&err);
	if (nmoves != p->nmoves || moved != p->moved_load)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid crm.rebalance_plan value"),
				 errdetail("The count and load of its moves do not match the moves.")));
	return p;
}

/* Text form: JSON for small plans, compact text beyond (both read back). */
PG_FUNCTION_INFO_V1(rebalance_plan_out);
Datum
rebalance_plan_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_rb_plan_print(PlanArg(fcinfo, 0, true)));
}

/* Text input: JSON or the compact form. */
PG_FUNCTION_INFO_V1(rebalance_plan_in);
Datum
rebalance_plan_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	size_t		size = 0;
	RbPlan	   *p = crm_rb_plan_parse(PG_GETARG_CSTRING(0), &size, &err);

	PG_RETURN_POINTER(PlanFinish(p, size, &err));
}

/* Binary output (see rebalance_types_core.h). */
PG_FUNCTION_INFO_V1(rebalance_plan_send);
Datum
rebalance_plan_send(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = PlanArg(fcinfo, 0, true);
	Size		n = (Size) crm_rb_plan_wire_size(p->nmanagers, p->nentries);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_rb_plan_encode(p, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* Binary input, through the core decoder (22P03 for a bad value). */
PG_FUNCTION_INFO_V1(rebalance_plan_recv);
Datum
rebalance_plan_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	size_t		size = 0;
	RbPlan	   *p = crm_rb_plan_decode((const uint8 *) buf->data + buf->cursor,
									   (size_t) (buf->len - buf->cursor),
									   CRM_ERR_BINARY, &size, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(PlanFinish(p, size, &err));
}

/* ----------------------------------------------------------------------
 * Reading a plan
 * ---------------------------------------------------------------------- */

/* crm.moves(plan) -> (customer_id, from_manager, to_manager, load) */
PG_FUNCTION_INFO_V1(rebalance_moves);
Datum
rebalance_moves(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = PlanArg(fcinfo, 0, true);
	CrmRbMove  *mv = RB_PLAN_MOVES(p);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < p->nentries; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int64GetDatum(mv[i].customer_id);
		if (mv[i].from < 0)
			nulls[1] = true;
		else
			values[1] = Int64GetDatum(p->managers[mv[i].from].id);
		values[2] = Int64GetDatum(p->managers[mv[i].to].id);
		values[3] = Float8GetDatum(mv[i].load);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* crm.plan_summary(plan) -> one row */
PG_FUNCTION_INFO_V1(rebalance_plan_summary);
Datum
rebalance_plan_summary(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = PlanArg(fcinfo, 0, false);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[8];
	bool		nulls[8] = {0};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int32GetDatum(p->nmanagers);
	values[1] = Int64GetDatum(p->ncustomers);
	values[2] = Int64GetDatum(p->norphans);
	values[3] = Float8GetDatum(p->peak_before);
	values[4] = Float8GetDatum(p->peak_after);
	values[5] = Float8GetDatum(p->lower_bound);
	values[6] = Int64GetDatum(p->nmoves);
	values[7] = Float8GetDatum(p->moved_load);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* crm.plan_loads(plan) -> (manager_id, capacity, load_before, load_after) */
PG_FUNCTION_INFO_V1(rebalance_plan_loads);
Datum
rebalance_plan_loads(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = PlanArg(fcinfo, 0, false);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < p->nmanagers; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int64GetDatum(p->managers[i].id);
		values[1] = Float8GetDatum(p->managers[i].capacity);
		values[2] = Float8GetDatum(p->managers[i].load_before);
		values[3] = Float8GetDatum(p->managers[i].load_after);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
