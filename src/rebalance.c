/*
 * rebalance.c
 *	  The crm.rebalance aggregate: its state type crm.rebalance_state, its
 *	  result type crm.rebalance_plan, and the functions that read a plan
 *	  (crm.moves, crm.plan_summary, crm.plan_loads).
 *
 * The state is a real type (not internal) so that parallel query and Citus
 * can run the aggregate partially and merge: a flat varlena of input rows
 * (33 bytes each) whose size is its allocated capacity.  The transition
 * function appends in place while there is room, which needs the state to
 * live in the aggregate's memory: nodeAgg copies a new state value there
 * whenever the function returns a pointer other than its input, and frees
 * the old one.  So the state is never repalloc'd: when full, a copy twice
 * the size is made in the per-row memory and returned, and nodeAgg moves it
 * (amortised O(1) per row).  Checks on duplicate customers and conflicting
 * capacities need all rows, so they run in the final function, which hands
 * the rows to the solver in rebalance_core.c.
 */
#include "crm.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "rebalance.h"
#include "validate.h"

/* small groups stay small: a state starts with room for 8 rows (about 300 bytes) */
#define RB_INITIAL_ROWS 8
/* the most rows one state can hold (33 bytes each, within 1 GB) */
#define RB_MAX_ROWS ((int64) ((MaxAllocSize - RB_STATE_HDRSZ - 8) / (sizeof(CrmRbRow) + 1)))

/* ----------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

static RbState *
StateAlloc(int64 caprows)
{
	Size		size = RB_STATE_SIZE(caprows);
	RbState    *s;

	if (caprows > RB_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("crm.rebalance: too many rows in one group"),
				 errdetail("The state holds at most %lld rows (33 bytes each, 1 GB).",
						   (long long) RB_MAX_ROWS),
				 errhint("Split the group (GROUP BY region, segment, ...).")));
	s = palloc0(size);
	SET_VARSIZE(s, size);
	s->version = RB_STATE_VERSION;
	s->caprows = caprows;
	return s;
}

/* A copy of s with room for at least need rows (in CurrentMemoryContext). */
static RbState *
StateGrow(const RbState *s, int64 need)
{
	int64		cap = Max(RB_INITIAL_ROWS, s ? s->caprows : 0);
	RbState    *t;

	while (cap < need)
		cap *= 2;
	/* doubling past the limit: the largest state that holds the rows */
	if (cap > RB_MAX_ROWS && need <= RB_MAX_ROWS)
		cap = RB_MAX_ROWS;
	t = StateAlloc(cap);
	if (s)
	{
		t->nrows = s->nrows;
		memcpy(t->rows, s->rows, sizeof(CrmRbRow) * s->nrows);
		memcpy(RB_STATE_FLAGS(t), RB_STATE_FLAGS(s), s->nrows);
	}
	return t;
}

/* Check a state of unknown origin (recv, in, combine input). */
static void
StateCheck(const RbState *s)
{
	if (VARSIZE(s) < RB_STATE_HDRSZ || s->version != RB_STATE_VERSION ||
		s->caprows < 0 || s->nrows < 0 || s->nrows > s->caprows ||
		VARSIZE(s) < RB_STATE_SIZE(s->caprows))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("corrupt crm.rebalance_state value")));
}

/* Validate one input row and store its flags; shared by transfn and recv. */
static uint8
RowCheck(bool no_customer, bool no_manager, bool pinned, CrmRbRow *r)
{
	uint8		f = 0;

	if (no_customer)
		f |= CRM_RB_NO_CUSTOMER;
	else if (!isfinite(r->load) || r->load < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rebalance: load must be a non-negative finite number, got %s for customer %lld",
						float8out_internal(r->load), (long long) r->customer_id)));
	if (no_manager)
		f |= CRM_RB_NO_MANAGER;
	else if (!isfinite(r->capacity) || r->capacity < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rebalance: capacity must be a non-negative finite number, got %s for manager %lld",
						float8out_internal(r->capacity), (long long) r->manager_id)));
	if (pinned && !no_customer)
	{
		if (no_manager)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.rebalance: orphaned customer %lld cannot be pinned", (long long) r->customer_id),
					 errdetail("A customer without a manager must be assigned; movable = false keeps a customer with its current manager.")));
		f |= CRM_RB_PINNED;
	}
	if (no_customer)
		r->load = 0;
	if (no_manager)
		r->capacity = 0;
	if (no_customer)
		r->customer_id = 0;
	if (no_manager)
		r->manager_id = 0;
	/* -0 becomes 0 */
	r->load = r->load == 0.0 ? 0.0 : r->load;
	r->capacity = r->capacity == 0.0 ? 0.0 : r->capacity;
	return f;
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
	bool		no_customer = PG_ARGISNULL(1);
	bool		no_manager = PG_ARGISNULL(2);
	bool		pinned;

	(void) AggregateContext(fcinfo, __func__);
	s = PG_ARGISNULL(0) ? NULL : (RbState *) PG_GETARG_POINTER(0);
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

	if (s == NULL || s->nrows == s->caprows)
		s = StateGrow(s, (s ? s->nrows : 0) + 1);
	RB_STATE_FLAGS(s)[s->nrows] = RowCheck(no_customer, no_manager, pinned, &r);
	s->rows[s->nrows++] = r;
	PG_RETURN_POINTER(s);
}

/* crm.rebalance combine: the rows of both states. */
PG_FUNCTION_INFO_V1(rebalance_combinefn);
Datum
rebalance_combinefn(PG_FUNCTION_ARGS)
{
	RbState    *a;
	RbState    *b;

	(void) AggregateContext(fcinfo, __func__);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	StateCheck(b);
	if (PG_ARGISNULL(0))
	{
		/* nodeAgg copies a returned value that is not its state */
		PG_RETURN_POINTER(b);
	}
	a = (RbState *) PG_GETARG_POINTER(0);
	StateCheck(a);
	if (a->nrows + b->nrows > a->caprows)
		a = StateGrow(a, a->nrows + b->nrows);
	memcpy(a->rows + a->nrows, b->rows, sizeof(CrmRbRow) * b->nrows);
	memcpy(RB_STATE_FLAGS(a) + a->nrows, RB_STATE_FLAGS(b), b->nrows);
	a->nrows += b->nrows;
	PG_RETURN_POINTER(a);
}

/* text form of the state: {"rows": [[customer, manager, load, capacity, movable], ...]} */
static void
AppendNumber(StringInfo buf, double d)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(d, num);
	appendStringInfoString(buf, num);
}

PG_FUNCTION_INFO_V1(rebalance_state_out);
Datum
rebalance_state_out(PG_FUNCTION_ARGS)
{
	RbState    *s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int64		i;

	StateCheck(s);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"rows\": [");
	for (i = 0; i < s->nrows; i++)
	{
		const CrmRbRow *r = &s->rows[i];
		uint8		f = RB_STATE_FLAGS(s)[i];

		if (i)
			appendStringInfoString(&buf, ", ");
		appendStringInfoChar(&buf, '[');
		if (f & CRM_RB_NO_CUSTOMER)
			appendStringInfoString(&buf, "null, ");
		else
			appendStringInfo(&buf, "%lld, ", (long long) r->customer_id);
		if (f & CRM_RB_NO_MANAGER)
			appendStringInfoString(&buf, "null, ");
		else
			appendStringInfo(&buf, "%lld, ", (long long) r->manager_id);
		if (f & CRM_RB_NO_CUSTOMER)
			appendStringInfoString(&buf, "null");
		else
			AppendNumber(&buf, r->load);
		appendStringInfoString(&buf, ", ");
		if (f & CRM_RB_NO_MANAGER)
			appendStringInfoString(&buf, "null");
		else
			AppendNumber(&buf, r->capacity);
		appendStringInfoString(&buf, (f & CRM_RB_PINNED) ? ", false]" : ", true]");
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* ---- reading JSON (the text input of both types goes through jsonb) ---- */

static void pg_attribute_noreturn()
JsonError(const char *type, const char *path, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: %s %s", type, path, problem)));
}

static Jsonb *
ParseJson(const char *str)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
}

static JsonbValue *
JsonGet(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* Every key of obj must be one of allowed (NULL-terminated). */
static void
JsonKeys(JsonbContainer *obj, const char *const *allowed, const char *type)
{
	char	   *key = UnknownJsonbKey(obj, allowed);

	if (key)
		JsonError(type, psprintf("key \"%s\"", key), "is unknown");
}

/* elements of an array container (scalars as values, containers as jbvBinary) */
static JsonbValue *
JsonArray(JsonbValue *v, const char *type, const char *path, int *n)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	JsonbValue *out;

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		JsonError(type, path, "must be an array");
	out = palloc(sizeof(JsonbValue) * Max(JsonContainerSize(v->val.binary.data), 1));
	*n = 0;
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
			out[(*n)++] = e;
	return out;
}

static bool
JsonIsNull(const JsonbValue *v)
{
	return v->type == jbvNull;
}

static double
JsonFloat(const JsonbValue *v, const char *type, const char *path)
{
	if (v == NULL || v->type != jbvNumeric)
		JsonError(type, path, "must be a number");
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int64
JsonInt64(const JsonbValue *v, const char *type, const char *path)
{
	if (v == NULL || v->type != jbvNumeric ||
		!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(v->val.numeric),
										  DirectFunctionCall2(numeric_trunc, NumericGetDatum(v->val.numeric),
															  Int32GetDatum(0)))))
		JsonError(type, path, "must be an integer");
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric)));
}

PG_FUNCTION_INFO_V1(rebalance_state_in);
Datum
rebalance_state_in(PG_FUNCTION_ARGS)
{
	static const char *const keys[] = {"rows", NULL};
	const char *type = "crm.rebalance_state";
	Jsonb	   *jb = ParseJson(PG_GETARG_CSTRING(0));
	JsonbValue *rows;
	RbState    *s;
	int			n;
	int			i;

	if (!JsonContainerIsObject(&jb->root) || JsonContainerIsScalar(&jb->root))
		JsonError(type, "the value", "must be a JSON object");
	JsonKeys(&jb->root, keys, type);
	rows = JsonArray(JsonGet(&jb->root, "rows"), type, "rows", &n);
	s = StateAlloc(Max(n, 1));
	for (i = 0; i < n; i++)
	{
		int			m;
		JsonbValue *f = JsonArray(&rows[i], type, "a row", &m);
		CrmRbRow	r;
		bool		nc;
		bool		nm;

		if (m != 5 || f[4].type != jbvBool)
			JsonError(type, "a row", "must be [customer, manager, load, capacity, movable]");
		memset(&r, 0, sizeof(r));
		nc = JsonIsNull(&f[0]);
		nm = JsonIsNull(&f[1]);
		if (nc && nm)
			JsonError(type, "a row", "needs a customer or a manager");
		if (!nc)
		{
			r.customer_id = JsonInt64(&f[0], type, "customer");
			r.load = JsonFloat(&f[2], type, "load");
		}
		if (!nm)
		{
			r.manager_id = JsonInt64(&f[1], type, "manager");
			r.capacity = JsonFloat(&f[3], type, "capacity");
		}
		RB_STATE_FLAGS(s)[i] = RowCheck(nc, nm, !f[4].val.boolean, &r);
		s->rows[i] = r;
	}
	s->nrows = n;
	PG_RETURN_POINTER(s);
}

/* binary: version byte, row count, then per row flags, customer, manager, load, capacity */
PG_FUNCTION_INFO_V1(rebalance_state_send);
Datum
rebalance_state_send(PG_FUNCTION_ARGS)
{
	RbState    *s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int64		i;

	StateCheck(s);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RB_STATE_VERSION);
	pq_sendint64(&buf, s->nrows);
	for (i = 0; i < s->nrows; i++)
	{
		pq_sendbyte(&buf, RB_STATE_FLAGS(s)[i]);
		pq_sendint64(&buf, s->rows[i].customer_id);
		pq_sendint64(&buf, s->rows[i].manager_id);
		pq_sendfloat8(&buf, s->rows[i].load);
		pq_sendfloat8(&buf, s->rows[i].capacity);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(rebalance_state_recv);
Datum
rebalance_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int64		n;
	int64		i;
	RbState    *s;

	if (version != RB_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported crm.rebalance_state binary format version %d", version)));
	n = pq_getmsgint64(buf);
	if (n < 0 || n > (buf->len - buf->cursor) / 33)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid row count %lld in binary crm.rebalance_state", (long long) n)));
	s = StateAlloc(Max(n, 1));
	for (i = 0; i < n; i++)
	{
		int			f = pq_getmsgbyte(buf);
		CrmRbRow	r;

		r.customer_id = pq_getmsgint64(buf);
		r.manager_id = pq_getmsgint64(buf);
		r.load = pq_getmsgfloat8(buf);
		r.capacity = pq_getmsgfloat8(buf);
		if ((f & ~CRM_RB_FLAGS_ALL) != 0 ||
			((f & CRM_RB_NO_CUSTOMER) && (f & CRM_RB_NO_MANAGER)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid row flags %d in binary crm.rebalance_state", f)));
		RB_STATE_FLAGS(s)[i] = RowCheck(f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER, f & CRM_RB_PINNED, &r);
		s->rows[i] = r;
	}
	s->nrows = n;
	PG_RETURN_POINTER(s);
}

/* ----------------------------------------------------------------------
 * Final function: solve, and pack the plan.
 * ---------------------------------------------------------------------- */

static RbPlan *
PlanAlloc(int32 nmanagers, int64 nentries)
{
	Size		size = add_size(add_size(RB_PLAN_HDRSZ, mul_size(sizeof(CrmRbManager), nmanagers)),
								mul_size(sizeof(CrmRbMove), nentries));
	RbPlan	   *p;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("crm.rebalance: the plan would be larger than 1 GB")));
	p = palloc0(size);
	SET_VARSIZE(p, size);
	p->version = RB_PLAN_VERSION;
	p->nmanagers = nmanagers;
	p->nentries = nentries;
	return p;
}

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
	int			rc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StateCheck(s);

	work = AllocSetContextCreate(CurrentMemoryContext, "crm.rebalance solver", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	rc = crm_rb_solve(s->rows, RB_STATE_FLAGS(s), s->nrows, &plan, &err);
	MemoryContextSwitchTo(old);
	if (rc != 0)
		crm_ereport(&err);

	p = PlanAlloc(plan.nmanagers, plan.nentries);
	p->ncustomers = plan.ncustomers;
	p->norphans = plan.norphans;
	p->nmoves = plan.nmoves;
	p->peak_before = plan.peak_before;
	p->peak_after = plan.peak_after;
	p->lower_bound = plan.lower_bound;
	p->moved_load = plan.moved_load;
	memcpy(p->managers, plan.managers, sizeof(CrmRbManager) * plan.nmanagers);
	memcpy(RB_PLAN_MOVES(p), plan.moves, sizeof(CrmRbMove) * plan.nentries);
	MemoryContextDelete(work);
	PG_RETURN_POINTER(p);
}

/* ----------------------------------------------------------------------
 * crm.rebalance_plan I/O
 * ---------------------------------------------------------------------- */

/*
 * Check a plan of unknown origin and derive nmoves and moved_load from its
 * moves; managers ascending by id, moves by customer id, indexes in range,
 * one entry for each orphan.  sqlstate: 22P02 for text, 22P03 for binary.
 */
static void
PlanCheck(RbPlan *p, int sqlstate)
{
	CrmRbMove  *mv;
	int64		i;
	int64		nmoves = 0;
	int64		norphans = 0;
	double		moved = 0;

	if (VARSIZE(p) < RB_PLAN_HDRSZ || p->version != RB_PLAN_VERSION || p->nmanagers < 0 ||
		p->nentries < 0 || p->ncustomers < 0 || p->norphans < 0 ||
		VARSIZE(p) != RB_PLAN_HDRSZ + sizeof(CrmRbManager) * (Size) p->nmanagers +
		sizeof(CrmRbMove) * (Size) p->nentries)
		goto corrupt;
	if (!isfinite(p->peak_before) || !isfinite(p->peak_after) || !isfinite(p->lower_bound) ||
		p->peak_before < 0 || p->peak_after < 0 || p->lower_bound < 0)
		goto corrupt;
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		if ((i > 0 && m->id <= p->managers[i - 1].id) ||
			!isfinite(m->capacity) || m->capacity < 0 ||
			!isfinite(m->load_before) || m->load_before < 0 ||
			!isfinite(m->load_after) || m->load_after < 0)
			goto corrupt;
	}
	mv = RB_PLAN_MOVES(p);
	for (i = 0; i < p->nentries; i++)
	{
		if ((i > 0 && mv[i].customer_id <= mv[i - 1].customer_id) ||
			mv[i].from < -1 || mv[i].from >= p->nmanagers ||
			mv[i].to < 0 || mv[i].to >= p->nmanagers || mv[i].from == mv[i].to ||
			!isfinite(mv[i].load) || mv[i].load < 0)
			goto corrupt;
		if (mv[i].from >= 0)
		{
			nmoves++;
			moved += mv[i].load;
		}
		else
			norphans++;
	}
	/* every orphan is assigned, so it has exactly one entry */
	if (p->nentries > p->ncustomers || p->norphans > p->ncustomers || norphans != p->norphans)
		goto corrupt;
	p->nmoves = nmoves;
	p->moved_load = moved;
	return;

corrupt:
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid crm.rebalance_plan value"),
			 errdetail("Managers must be listed by ascending id and moves by ascending customer id, "
					   "between listed managers, with non-negative finite numbers and one move for each orphan.")));
}

static int32
ManagerIndex(const RbPlan *p, int64 id)
{
	int32		lo = 0;
	int32		hi = p->nmanagers - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (p->managers[mid].id == id)
			return mid;
		if (p->managers[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -2;
}

/*
 * Text form (JSON):
 * {"customers": n, "orphans": n, "peak_before": x, "peak_after": x,
 *  "lower_bound": x, "managers": [[id, capacity, load_before, load_after], ...],
 *  "moves": [[customer, from_manager | null, to_manager, load], ...]}
 */
PG_FUNCTION_INFO_V1(rebalance_plan_out);
Datum
rebalance_plan_out(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	CrmRbMove  *mv = RB_PLAN_MOVES(p);
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"customers\": %lld, \"orphans\": %lld, \"peak_before\": ",
					 (long long) p->ncustomers, (long long) p->norphans);
	AppendNumber(&buf, p->peak_before);
	appendStringInfoString(&buf, ", \"peak_after\": ");
	AppendNumber(&buf, p->peak_after);
	appendStringInfoString(&buf, ", \"lower_bound\": ");
	AppendNumber(&buf, p->lower_bound);
	appendStringInfoString(&buf, ", \"managers\": [");
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		appendStringInfo(&buf, "%s[%lld, ", i ? ", " : "", (long long) m->id);
		AppendNumber(&buf, m->capacity);
		appendStringInfoString(&buf, ", ");
		AppendNumber(&buf, m->load_before);
		appendStringInfoString(&buf, ", ");
		AppendNumber(&buf, m->load_after);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"moves\": [");
	for (i = 0; i < p->nentries; i++)
	{
		appendStringInfo(&buf, "%s[%lld, ", i ? ", " : "", (long long) mv[i].customer_id);
		if (mv[i].from < 0)
			appendStringInfoString(&buf, "null");
		else
			appendStringInfo(&buf, "%lld", (long long) p->managers[mv[i].from].id);
		appendStringInfo(&buf, ", %lld, ", (long long) p->managers[mv[i].to].id);
		AppendNumber(&buf, mv[i].load);
		appendStringInfoChar(&buf, ']');
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(rebalance_plan_in);
Datum
rebalance_plan_in(PG_FUNCTION_ARGS)
{
	static const char *const keys[] = {"customers", "orphans", "peak_before", "peak_after",
	"lower_bound", "managers", "moves", NULL};
	const char *type = "crm.rebalance_plan";
	Jsonb	   *jb = ParseJson(PG_GETARG_CSTRING(0));
	JsonbContainer *root = &jb->root;
	JsonbValue *mgrs;
	JsonbValue *moves;
	int			nm;
	int			nv;
	int			i;
	RbPlan	   *p;
	CrmRbMove  *mv;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		JsonError(type, "the value", "must be a JSON object");
	JsonKeys(root, keys, type);
	mgrs = JsonArray(JsonGet(root, "managers"), type, "managers", &nm);
	moves = JsonArray(JsonGet(root, "moves"), type, "moves", &nv);
	p = PlanAlloc(nm, nv);
	p->ncustomers = JsonInt64(JsonGet(root, "customers"), type, "customers");
	p->norphans = JsonInt64(JsonGet(root, "orphans"), type, "orphans");
	p->peak_before = JsonFloat(JsonGet(root, "peak_before"), type, "peak_before");
	p->peak_after = JsonFloat(JsonGet(root, "peak_after"), type, "peak_after");
	p->lower_bound = JsonFloat(JsonGet(root, "lower_bound"), type, "lower_bound");
	for (i = 0; i < nm; i++)
	{
		int			k;
		JsonbValue *f = JsonArray(&mgrs[i], type, "a manager", &k);

		if (k != 4)
			JsonError(type, "a manager", "must be [id, capacity, load_before, load_after]");
		p->managers[i].id = JsonInt64(&f[0], type, "manager id");
		p->managers[i].capacity = JsonFloat(&f[1], type, "capacity");
		p->managers[i].load_before = JsonFloat(&f[2], type, "load_before");
		p->managers[i].load_after = JsonFloat(&f[3], type, "load_after");
	}
	mv = RB_PLAN_MOVES(p);
	for (i = 0; i < nv; i++)
	{
		int			k;
		JsonbValue *f = JsonArray(&moves[i], type, "a move", &k);

		if (k != 4)
			JsonError(type, "a move", "must be [customer, from_manager, to_manager, load]");
		mv[i].customer_id = JsonInt64(&f[0], type, "customer");
		mv[i].from = JsonIsNull(&f[1]) ? -1 : ManagerIndex(p, JsonInt64(&f[1], type, "from_manager"));
		mv[i].to = ManagerIndex(p, JsonInt64(&f[2], type, "to_manager"));
		mv[i].load = JsonFloat(&f[3], type, "load");
	}
	PlanCheck(p, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(p);
}

PG_FUNCTION_INFO_V1(rebalance_plan_send);
Datum
rebalance_plan_send(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	CrmRbMove  *mv = RB_PLAN_MOVES(p);
	StringInfoData buf;
	int64		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RB_PLAN_VERSION);
	pq_sendint64(&buf, p->ncustomers);
	pq_sendint64(&buf, p->norphans);
	pq_sendfloat8(&buf, p->peak_before);
	pq_sendfloat8(&buf, p->peak_after);
	pq_sendfloat8(&buf, p->lower_bound);
	pq_sendint32(&buf, p->nmanagers);
	for (i = 0; i < p->nmanagers; i++)
	{
		pq_sendint64(&buf, p->managers[i].id);
		pq_sendfloat8(&buf, p->managers[i].capacity);
		pq_sendfloat8(&buf, p->managers[i].load_before);
		pq_sendfloat8(&buf, p->managers[i].load_after);
	}
	pq_sendint64(&buf, p->nentries);
	for (i = 0; i < p->nentries; i++)
	{
		pq_sendint64(&buf, mv[i].customer_id);
		pq_sendint32(&buf, mv[i].from);
		pq_sendint32(&buf, mv[i].to);
		pq_sendfloat8(&buf, mv[i].load);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(rebalance_plan_recv);
Datum
rebalance_plan_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int64		ncustomers;
	int64		norphans;
	double		peaks[3];
	int32		nm;
	int64		nv;
	int64		i;
	RbPlan	   *p;
	CrmRbManager *mgrs;
	CrmRbMove  *mv;

	if (version != RB_PLAN_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported crm.rebalance_plan binary format version %d", version)));
	ncustomers = pq_getmsgint64(buf);
	norphans = pq_getmsgint64(buf);
	peaks[0] = pq_getmsgfloat8(buf);
	peaks[1] = pq_getmsgfloat8(buf);
	peaks[2] = pq_getmsgfloat8(buf);
	nm = pq_getmsgint(buf, 4);
	if (nm < 0 || nm > (buf->len - buf->cursor) / 32)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid manager count %d in binary crm.rebalance_plan", nm)));
	mgrs = palloc(sizeof(CrmRbManager) * Max(nm, 1));
	for (i = 0; i < nm; i++)
	{
		mgrs[i].id = pq_getmsgint64(buf);
		mgrs[i].capacity = pq_getmsgfloat8(buf);
		mgrs[i].load_before = pq_getmsgfloat8(buf);
		mgrs[i].load_after = pq_getmsgfloat8(buf);
	}
	nv = pq_getmsgint64(buf);
	if (nv < 0 || nv > (buf->len - buf->cursor) / 24)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid move count %lld in binary crm.rebalance_plan", (long long) nv)));
	p = PlanAlloc(nm, nv);
	p->ncustomers = ncustomers;
	p->norphans = norphans;
	p->peak_before = peaks[0];
	p->peak_after = peaks[1];
	p->lower_bound = peaks[2];
	memcpy(p->managers, mgrs, sizeof(CrmRbManager) * nm);
	mv = RB_PLAN_MOVES(p);
	for (i = 0; i < nv; i++)
	{
		mv[i].customer_id = pq_getmsgint64(buf);
		mv[i].from = (int32) pq_getmsgint(buf, 4);
		mv[i].to = (int32) pq_getmsgint(buf, 4);
		mv[i].load = pq_getmsgfloat8(buf);
	}
	PlanCheck(p, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(p);
}

/* ----------------------------------------------------------------------
 * Reading a plan
 * ---------------------------------------------------------------------- */

/* crm.moves(plan) -> (customer_id, from_manager, to_manager, load) */
PG_FUNCTION_INFO_V1(rebalance_moves);
Datum
rebalance_moves(PG_FUNCTION_ARGS)
{
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
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
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
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
	RbPlan	   *p = (RbPlan *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
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
	}
	return (Datum) 0;
}
