/*
 * rebalance.c
 *	  The crm.rebalance aggregates: their state type crm.rebalance_state,
 *	  their result types crm.rebalance_plan (bigint ids),
 *	  crm.rebalance_plan_text and crm.rebalance_plan_uuid, and the functions
 *	  that read a plan (crm.moves, crm.plan_summary, crm.plan_loads,
 *	  crm.plan_report, crm.plan_managers).
 *
 * One aggregate per id type (bigint, text, uuid) and argument list:
 * (customer, manager, load, capacity [, movable [, options]]) and
 * (customer, manager, load, capacity, movable, move_cost, options).  One
 * state type serves them all: it records its id type, whether its rows
 * carry move costs, and the options of the call, and every function
 * handed a state checks them against its own.  Each id type has its plan
 * type, so that crm.moves and crm.plan_loads return ids in the type they
 * came in (one overload per plan type).
 *
 * The state is a real type (not internal) so that parallel query and Citus
 * can run the aggregate partially and merge: a flat varlena of input rows
 * (rebalance_types_core.h) whose size is its allocated capacity.  The
 * transition function appends in place while there is room.  A group's
 * first state is a flat value of 8 rows; when it is full, the state moves
 * into an expanded object under the aggregate's memory (see StateExpanded),
 * which nodeAgg keeps as it is returned rather than copying it, and grows
 * there in place (capacities doubled, amortised O(1) per row).
 *
 * Every transition, combine and final function checks the state it is
 * handed before reading or writing it, as recv does (22023): its header on
 * every call, its rows when it arrives (see aggstate.h for how arrival is
 * told in O(1)); the final function checks the header and leaves the rows
 * to the solver in rebalance_core.c, which checks each with the same row
 * check before it reads it.  Checks on duplicate customers and conflicting
 * capacities need all rows, so they run there too.  A value stored by crm
 * 0.1.0 (format version 1) is converted on arrival, and prints and sends
 * as it did.
 */
#include "crm.h"

#include "catalog/pg_type_d.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "aggstate.h"
#include "rebalance.h"
#include "validate.h"

/* small groups stay small: a state starts with room for 8 rows */
#define RB_INITIAL_ROWS 8

/* relative slack of "over target" in the reports (sums of doubles) */
#define RB_OVER_TOLERANCE 1e-9

static const char *const kind_names[] = {"bigint", "text", "uuid"};

/* ----------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

/* A jsonb number of an option by the number rule (22003 beyond float8). */
static double
OptionNumber(Numeric num, const char *subject)
{
	double		d;
	char	   *lit;

	if (!crm_numeric_double(num, &d, &lit))
	{
		CrmError	err = {0};

		crm_error_out_of_range(&err, subject, lit, strlen(lit));
		crm_ereport(&err);
	}
	return d;
}

/*
 * The options jsonb of a call: {"target": t, "minimise": "relationships" |
 * "load", "max_moves": n}, each optional (NULL: all defaults); unknown
 * keys are errors.  Checked (with whether the call has move costs).
 */
static void
ParseOptions(Jsonb *jb, bool has_cost, CrmRbOptions *o)
{
	static const char *const allowed[] = {"target", "minimise", "max_moves", NULL};
	CrmRbOptions def = CRM_RB_OPTIONS_DEFAULT;
	CrmError	err = {0};
	JsonbValue *v;
	char	   *key;

	*o = def;
	if (jb == NULL)
		goto check;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rebalance: options must be a JSON object"),
				 errhint("For example '{\"target\": 0.9, \"minimise\": \"relationships\", \"max_moves\": 50}'.")));
	key = UnknownJsonbKey(&jb->root, allowed);
	if (key != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rebalance: unknown option \"%s\"", key),
				 errhint("Valid options are target, minimise and max_moves.")));
	v = getKeyJsonValueFromContainer(&jb->root, "target", 6, NULL);
	if (v != NULL)
	{
		if (v->type != jbvNumeric)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.rebalance: option \"target\" must be a number")));
		o->target = OptionNumber(v->val.numeric, "crm.rebalance: target");
	}
	v = getKeyJsonValueFromContainer(&jb->root, "minimise", 8, NULL);
	if (v != NULL)
	{
		if (v->type == jbvString && v->val.string.len == 13 &&
			memcmp(v->val.string.val, "relationships", 13) == 0)
			o->minimise = CRM_RB_MIN_RELATIONSHIPS;
		else if (v->type == jbvString && v->val.string.len == 4 &&
				 memcmp(v->val.string.val, "load", 4) == 0)
			o->minimise = CRM_RB_MIN_LOAD;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.rebalance: option \"minimise\" must be \"relationships\" or \"load\"")));
	}
	v = getKeyJsonValueFromContainer(&jb->root, "max_moves", 9, NULL);
	if (v != NULL && v->type != jbvNull)
	{
		double		d;

		if (v->type != jbvNumeric)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.rebalance: option \"max_moves\" must be an integer or null")));
		d = OptionNumber(v->val.numeric, "crm.rebalance: max_moves");
		if (d != floor(d) || d < 0 || d > 1e15)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.rebalance: option \"max_moves\" must be an integer between 0 and 1e15, got %s",
							float8out_internal(d))));
		o->max_moves = (int64) d;
	}
check:
	RaiseIf(crm_rb_options_check(o, has_cost, &err) == 0, &err);
}

/* The options argument of a transition call, parsed once per distinct value (fn_extra). */
typedef struct OptionsCache
{
	bool		valid;
	bool		has_cost;
	bool		isnull;
	Size		len;
	char	   *bytes;
	CrmRbOptions opts;
} OptionsCache;

/* The options of this row: argument argno (NULL: defaults), keyed by value. */
static const CrmRbOptions *
RowOptions(FunctionCallInfo fcinfo, int argno, bool has_cost)
{
	OptionsCache *c = fcinfo->flinfo->fn_extra;
	bool		isnull = PG_ARGISNULL(argno);
	Jsonb	   *jb = isnull ? NULL : PG_GETARG_JSONB_P(argno);
	Size		len = isnull ? 0 : VARSIZE(jb);

	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(OptionsCache));
	if (c->valid && c->has_cost == has_cost && c->isnull == isnull && c->len == len &&
		(isnull || memcmp(c->bytes, jb, len) == 0))
		return &c->opts;
	c->valid = false;
	ParseOptions(jb, has_cost, &c->opts);
	if (c->bytes)
		pfree(c->bytes);
	c->bytes = isnull ? NULL : MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
	if (!isnull)
		memcpy(c->bytes, jb, len);
	c->len = len;
	c->isnull = isnull;
	c->has_cost = has_cost;
	c->valid = true;
	return &c->opts;
}

/* ----------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

/* A core state (or the core's error) as a datum-ready varlena. */
static RbState *
StateFinish(RbState *s, CrmError *err)
{
	if (s == NULL)
		crm_ereport(err);
	SET_VARSIZE(s, crm_rb_state_size(s->caprows, s->capbytes, s->sflags & CRM_RB_STATE_COSTS));
	return s;
}

/* The version byte of a state or plan datum of size bytes (0: too short). */
static inline int
ValueVersion(const void *v, Size size)
{
	return size > offsetof(CrmRbStateValue, version) ? ((const uint8 *) v)[offsetof(CrmRbStateValue, version)] : 0;
}

/*
 * A state value of unknown origin, read-only: version 1 (crm 0.1.0's, on
 * disk) converted and checked; version 2 checked in full when full, else
 * its header (the solver checks the rows).  *legacy says it was version 1.
 */
static RbState *
StateRead(Datum d, bool full, bool *legacy)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	CrmError	err = {0};
	RbState    *s;

	*legacy = ValueVersion(v, VARSIZE(v)) == CRM_RB_VERSION_1;
	if (*legacy)
		return StateFinish(crm_rb_state_upgrade(v, VARSIZE(v), CRM_ERR_INVALID, &err), &err);
	s = (RbState *) v;
	if (crm_rb_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0 ||
		(full && crm_rb_state_check_rows(s, 0, CRM_ERR_INVALID, &err) != 0))
		crm_ereport(&err);
	return s;
}

/*
 * A growing state lives in an expanded object (utils/expandeddatum.h)
 * whose memory is a child of the aggregate context: nodeAgg (and Citus's
 * wrapper) keep such a read/write value as it is returned, where they
 * copy any other new value, so the state grows inside the object without
 * the executor copying it, and it is not re-checked after it moved (its
 * seal, which includes its address, is not used while it is expanded).  Only this backend's
 * transition and combine functions make such an object (its methods are
 * this file's), and they write to it only rows they checked or built, so
 * a read/write object with these methods is trusted as it is; everything
 * else (a flat value: an INITCOND copy, a partial state from another
 * process, the first small state) is checked as before.  The final
 * function reads the object's flat state directly; everything else sees
 * it flattened, a flat state with its seal cleared.
 */
typedef struct RbExpanded
{
	ExpandedObjectHeader hdr;
	RbState    *s;				/* the flat state, in hdr.eoh_context */
} RbExpanded;

static Size
RbFlatSize(ExpandedObjectHeader *eoh)
{
	return VARSIZE(((RbExpanded *) eoh)->s);
}

static void
RbFlattenInto(ExpandedObjectHeader *eoh, void *result, Size allocated_size)
{
	const RbState *s = ((RbExpanded *) eoh)->s;
	RbState    *t = result;

	/* the used parts; zeros beyond them (a grown state's are not zeroed) */
	Assert(allocated_size == VARSIZE(s));
	memset(result, 0, allocated_size);
	memcpy(t, s, CRM_RB_STATE_HDRSZ);
	memcpy(t->rows, s->rows, sizeof(CrmRbRow) * (size_t) s->nrows);
	if (s->sflags & CRM_RB_STATE_COSTS)
		memcpy(CRM_RB_STATE_COSTV(t), CRM_RB_STATE_COSTV(s), sizeof(double) * (size_t) s->nrows);
	memcpy(CRM_RB_STATE_FLAGS(t), CRM_RB_STATE_FLAGS(s), (size_t) s->nrows);
	memcpy(CRM_RB_STATE_IDBYTES(t), CRM_RB_STATE_IDBYTES(s), (size_t) s->nbytes);
	t->seal = 0;
}

static const ExpandedObjectMethods rb_expanded_methods = {RbFlatSize, RbFlattenInto};

/* This backend's expanded state behind datum d, or NULL; rw: only a read/write one. */
static inline RbExpanded *
StateExpanded(Datum d, bool rw)
{
	Pointer		p = DatumGetPointer(d);

	if (!(rw ? VARATT_IS_EXTERNAL_EXPANDED_RW(p) : VARATT_IS_EXTERNAL_EXPANDED(p)))
		return NULL;
	if (DatumGetEOHP(d)->eoh_methods != &rb_expanded_methods)
		return NULL;
	return (RbExpanded *) DatumGetEOHP(d);
}

/*
 * Grow the state e->s in place to room for need_rows rows and need_bytes
 * id bytes (the capacities crm_rb_state_grow would give): repalloc, which
 * for a large state can remap its pages rather than copy them, then the
 * regions after the rows moved up to their new places, the last first.
 * Nothing is zeroed: only rows below nrows and id bytes below nbytes are
 * ever read, and flattening writes zeros beyond them.  false when the
 * capacities would shrink (near the caps), for the caller to copy instead.
 */
static bool
StateGrowInPlace(RbExpanded *e, int64 need_rows, int64 need_bytes)
{
	RbState    *s = e->s;
	bool		costs = s->sflags & CRM_RB_STATE_COSTS;
	int64		oldcap = s->caprows;
	int64		oldcapb = s->capbytes;
	int64		cap;
	int64		capb;
	Size		size;
	Size		costs_at;
	Size		flags_at;
	Size		ids_at;
	CrmError	err;

	err.kind = CRM_OK;			/* not {0}: see RebalanceTrans */
	if (crm_rb_state_grow_caps(s, need_rows, need_bytes, &cap, &capb, &err) != 0)
		crm_ereport(&err);
	if (cap < oldcap || capb < oldcapb)
		return false;
	/* the old regions, as offsets (the value may move) */
	costs_at = (const char *) CRM_RB_STATE_COSTV(s) - (const char *) s;
	flags_at = (const char *) CRM_RB_STATE_FLAGS(s) - (const char *) s;
	ids_at = (const char *) CRM_RB_STATE_IDBYTES(s) - (const char *) s;
	size = crm_rb_state_size(cap, capb, costs);
	s = repalloc(s, size);
	s->caprows = cap;
	s->capbytes = capb;
	if (s->nbytes > 0)
		memmove(CRM_RB_STATE_IDBYTES(s), (char *) s + ids_at, (size_t) s->nbytes);
	memmove(CRM_RB_STATE_FLAGS(s), (char *) s + flags_at, (size_t) s->nrows);
	if (costs)
		memmove(CRM_RB_STATE_COSTV(s), (char *) s + costs_at, sizeof(double) * (size_t) s->nrows);
	SET_VARSIZE(s, size);
	e->s = s;
	return true;
}

/*
 * Make room in state s for need_rows rows and need_bytes id bytes, inside
 * the expanded object *ep: grown in place, or (when s is still flat: the
 * object is made then, under the aggregate context, and nodeAgg frees the
 * flat value once the object is returned) a grown copy.
 */
static RbState *
StateMakeRoom(FunctionCallInfo fcinfo, RbState *s, RbExpanded **ep, int64 need_rows, int64 need_bytes)
{
	RbExpanded *e = *ep;
	MemoryContext old;
	CrmError	err;
	RbState    *t;

	err.kind = CRM_OK;			/* not {0}: see RebalanceTrans */
	if (e != NULL && StateGrowInPlace(e, need_rows, need_bytes))
		return e->s;
	if (e == NULL)
	{
		MemoryContext cxt = AllocSetContextCreate(AggregateContext(fcinfo, "crm.rebalance"),
												  "crm.rebalance state", ALLOCSET_SMALL_SIZES);

		e = MemoryContextAlloc(cxt, sizeof(RbExpanded));
		EOH_init_header(&e->hdr, &rb_expanded_methods, cxt);
		e->s = NULL;
		*ep = e;
	}
	old = MemoryContextSwitchTo(e->hdr.eoh_context);
	t = crm_rb_state_grow(s, need_rows, need_bytes, &err);
	MemoryContextSwitchTo(old);
	t = StateFinish(t, &err);
	if (e->s != NULL)
		pfree(e->s);
	e->s = t;
	return t;
}

/*
 * The state argument of the transition and combine functions, which write
 * to it.  This backend's read/write expanded state (*ep set) as it is; any
 * other value: the header is checked on every call, the rows when the
 * state's seal does not match (it arrived: see aggstate.h), after which it
 * is sealed.  A version-1 state is converted (a new value).
 */
static RbState *
StateArg(FunctionCallInfo fcinfo, int argno, RbExpanded **ep)
{
	RbState    *s;
	CrmError	err;

	err.kind = CRM_OK;			/* not {0}: see RebalanceTrans */
	*ep = StateExpanded(PG_GETARG_DATUM(argno), true);
	if (*ep != NULL)
		return (*ep)->s;
	s = (RbState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if (unlikely(ValueVersion(s, VARSIZE(s)) == CRM_RB_VERSION_1))
	{
		bool		legacy;

		return StateRead(PointerGetDatum(s), true, &legacy);
	}
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
 * A state the transition or combine function is about to return: the
 * expanded object when there is one, else the flat value, sealed: nothing
 * leaves that the state's input would refuse (its header was checked when
 * it arrived and only crm_rb_state_push and crm_rb_state_grow changed it
 * since; its rows were checked as they came in).  Assertion-enabled
 * builds check the header again.
 */
static Datum
StateReturn(RbState *s, RbExpanded *e)
{
#ifdef USE_ASSERT_CHECKING
	CrmError	err = {0};

	if (crm_rb_state_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		elog(ERROR, "crm.rebalance built a state its input would refuse (%s), please report a bug",
			 err.message);
#endif
	if (e != NULL)
	{
		Assert(e->s == s);
		return EOHPGetRWDatum(&e->hdr);
	}
	s->seal = crm_state_seal(s, s->nrows, s->caprows);
	return PointerGetDatum(s);
}

/* The error for a state of another kind of call than this function's. */
static void pg_attribute_noreturn()
StateMismatch(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("crm.rebalance: %s", what),
			 errdetail("%s", detail),
			 errhint("Every row of a group must come from the same crm.rebalance call (the same id type, move costs and options).")));
}

/* Check that state s was made by a call like this one (ids, costs, options). */
static void
StateMatches(const RbState *s, CrmRbIdKind kind, uint8 sflags, const CrmRbOptions *opts)
{
	if (s->idkind != kind)
		StateMismatch("the state holds ids of another type",
					  psprintf("The state holds %s ids; this call takes %s ids.",
							   kind_names[s->idkind], kind_names[kind]));
	if (s->sflags != sflags)
		StateMismatch("the state was made by a call with other arguments",
					  "The state and this call differ in having move costs or options.");
	if ((sflags & CRM_RB_STATE_OPTIONS) && memcmp(&s->opts, opts, sizeof(*opts)) != 0)
		StateMismatch("the options differ between rows of one group",
					  "Every row of a group must give the same options.");
}

/*
 * An id argument as bytes (text or uuid) or a bigint: *key for bigint,
 * else *bytes and *len.
 */
static void
IdArg(FunctionCallInfo fcinfo, int argno, CrmRbIdKind kind, int64 *key, const uint8 **bytes, int *len)
{
	if (kind == CRM_RB_IDS_BIGINT)
		*key = PG_GETARG_INT64(argno);
	else if (kind == CRM_RB_IDS_UUID)
	{
		*bytes = PG_GETARG_UUID_P(argno)->data;
		*len = UUID_LEN;
	}
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);
		Size		n = VARSIZE_ANY_EXHDR(t);

		if (n > CRM_RB_MAX_ID_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("crm.rebalance: an id of %zu bytes is longer than %d bytes", n, CRM_RB_MAX_ID_BYTES)));
		*bytes = (const uint8 *) VARDATA_ANY(t);
		*len = (int) n;
	}
}

/*
 * The transition of every crm.rebalance: (state, customer, manager, load,
 * capacity [, movable [, options]]) and (state, customer, manager, load,
 * capacity, movable, move_cost, options), ids of the given kind.
 */
static Datum
RebalanceTrans(FunctionCallInfo fcinfo, CrmRbIdKind kind)
{
	int			nargs = PG_NARGS();
	bool		has_cost = nargs == 8;
	int			opt_arg = nargs == 8 ? 7 : nargs == 7 ? 6 : -1;
	uint8		sflags = (has_cost ? CRM_RB_STATE_COSTS : 0) | (opt_arg > 0 ? CRM_RB_STATE_OPTIONS : 0);
	RbState    *s;
	RbExpanded *e = NULL;
	CrmRbRow	r;
	CrmError	err;
	bool		no_customer = PG_ARGISNULL(1);
	bool		no_manager = PG_ARGISNULL(2);
	bool		pinned;
	double		cost = 0;
	const CrmRbOptions *opts = NULL;
	CrmRbOptions def = CRM_RB_OPTIONS_DEFAULT;
	const uint8 *cb = NULL,
			   *mb = NULL;
	int			cl = 0,
				ml = 0;
	int			f;
	int64		need;
	uint8		idbuf[2 * (CRM_RB_MAX_ID_BYTES + 2)];
	CrmRbIds	ids;

	/* not {0}: zeroing its 772 bytes on every row showed in profiles */
	err.kind = CRM_OK;
	(void) AggregateContext(fcinfo, __func__);
	s = PG_ARGISNULL(0) ? NULL : StateArg(fcinfo, 0, &e);
	if (no_customer && no_manager)
	{
		/* a row about nobody */
		if (s == NULL)
			PG_RETURN_NULL();
		return StateReturn(s, e);
	}
	opts = opt_arg > 0 ? RowOptions(fcinfo, opt_arg, has_cost) : &def;
	if (s != NULL)
		StateMatches(s, kind, sflags, opts);
	memset(&r, 0, sizeof(r));
	ids.kind = kind;
	ids.bytes = idbuf;
	ids.nbytes = 0;
	if (!no_customer)
	{
		IdArg(fcinfo, 1, kind, &r.customer_id, &cb, &cl);
		if (kind != CRM_RB_IDS_BIGINT)
		{
			r.customer_id = 0;
			ids.nbytes += crm_rb_id_store(kind, idbuf, cb, cl);
		}
	}
	if (!no_manager)
	{
		IdArg(fcinfo, 2, kind, &r.manager_id, &mb, &ml);
		if (kind != CRM_RB_IDS_BIGINT)
		{
			r.manager_id = ids.nbytes;
			ids.nbytes += crm_rb_id_store(kind, idbuf + ids.nbytes, mb, ml);
		}
	}
	if (!no_customer)
	{
		char		id[CRM_RB_ID_TEXT_LEN];

		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.rebalance: load must not be NULL (customer %s)",
							crm_rb_id_text(&ids, r.customer_id, id))));
		r.load = PG_GETARG_FLOAT8(3);
		if (has_cost)
		{
			if (PG_ARGISNULL(6))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("crm.rebalance: move_cost must not be NULL (customer %s)",
								crm_rb_id_text(&ids, r.customer_id, id)),
						 errhint("A move cost of 1 counts a relationship as one move.")));
			cost = PG_GETARG_FLOAT8(6);
		}
	}
	if (!no_manager && !PG_ARGISNULL(4))
		r.capacity = PG_GETARG_FLOAT8(4);
	/* movable: true when absent or NULL */
	pinned = nargs > 5 && !PG_ARGISNULL(5) && !PG_GETARG_BOOL(5);
	f = crm_rb_row_normalize(&r, no_customer, no_manager, pinned, !no_manager && PG_ARGISNULL(4),
							 has_cost ? &cost : NULL, &ids, &err);
	if (f < 0)
		crm_ereport(&err);

	need = kind == CRM_RB_IDS_BIGINT ? 0 :
		(no_customer ? 0 : crm_rb_id_store_size(kind, cl)) + (no_manager ? 0 : crm_rb_id_store_size(kind, ml));
	if (s == NULL)
	{
		s = crm_rb_state_alloc(kind, sflags, RB_INITIAL_ROWS, need > 0 ? Max(64, need) : 0, &err);
		if (s == NULL)
			crm_ereport(&err);
		if (opt_arg > 0)
			s->opts = *opts;
		s = StateFinish(s, &err);
	}
	else if (s->nrows == s->caprows || s->capbytes - s->nbytes < need)
	{
		/* a copy with room, in the expanded object */
		s = StateMakeRoom(fcinfo, s, &e, s->nrows + 1, s->nbytes + need);
	}
	if (crm_rb_state_push(&s, &r, (uint8) f, cost, cb, cl, mb, ml, &err) != 0)
		crm_ereport(&err);
	return StateReturn(s, e);
}

/* crm.rebalance transition, bigint ids. */
PG_FUNCTION_INFO_V1(rebalance_transfn);
Datum
rebalance_transfn(PG_FUNCTION_ARGS)
{
	return RebalanceTrans(fcinfo, CRM_RB_IDS_BIGINT);
}

/* crm.rebalance transition, text ids. */
PG_FUNCTION_INFO_V1(rebalance_text_transfn);
Datum
rebalance_text_transfn(PG_FUNCTION_ARGS)
{
	return RebalanceTrans(fcinfo, CRM_RB_IDS_TEXT);
}

/* crm.rebalance transition, uuid ids. */
PG_FUNCTION_INFO_V1(rebalance_uuid_transfn);
Datum
rebalance_uuid_transfn(PG_FUNCTION_ARGS)
{
	return RebalanceTrans(fcinfo, CRM_RB_IDS_UUID);
}

/* crm.rebalance combine: the rows of both states, which must be of one kind of call. */
PG_FUNCTION_INFO_V1(rebalance_combinefn);
Datum
rebalance_combinefn(PG_FUNCTION_ARGS)
{
	RbState    *a;
	RbExpanded *e = NULL;
	RbState    *b;
	CrmError	err = {0};
	bool		legacy;
	int64		i;
	CrmRbIds	bids;

	(void) AggregateContext(fcinfo, __func__);
	a = PG_ARGISNULL(0) ? NULL : StateArg(fcinfo, 0, &e);
	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		return StateReturn(a, e);
	}
	/* an input: checked in full (the copy below reads it all anyway) */
	b = StateRead(PG_GETARG_DATUM(1), true, &legacy);
	if (a == NULL)
	{
		/* nodeAgg copies a returned value that is not its state */
		PG_RETURN_POINTER(b);
	}
	if (b->nrows == 0)
		return StateReturn(a, e);
	if (a->nrows > 0)
		StateMatches(a, b->idkind, b->sflags, &b->opts);
	else if (a->idkind != b->idkind || a->sflags != b->sflags ||
			 memcmp(&a->opts, &b->opts, sizeof(a->opts)) != 0)
		PG_RETURN_POINTER(b);	/* a has no rows: b as it is */
	if (b->nrows > CRM_RB_MAX_ROWS - a->nrows)
	{
		crm_error_set(&err, CRM_ERR_LIMIT, "crm.rebalance: too many rows in one group");
		crm_ereport(&err);
	}
	if (a->nrows + b->nrows > a->caprows || a->capbytes - a->nbytes < b->nbytes)
		a = StateMakeRoom(fcinfo, a, &e, a->nrows + b->nrows, a->nbytes + b->nbytes);
	bids = crm_rb_state_ids(b);
	for (i = 0; i < b->nrows; i++)
	{
		const CrmRbRow *r = &b->rows[i];
		uint8		f = CRM_RB_STATE_FLAGS(b)[i];
		const uint8 *cb = NULL,
				   *mb = NULL;
		int			cl = 0,
					ml = 0;

		if (b->idkind != CRM_RB_IDS_BIGINT)
		{
			if (!(f & CRM_RB_NO_CUSTOMER))
				cb = crm_rb_id_bytes(&bids, r->customer_id, &cl);
			if (!(f & CRM_RB_NO_MANAGER))
				mb = crm_rb_id_bytes(&bids, r->manager_id, &ml);
		}
		if (crm_rb_state_push(&a, r, f, (b->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(b)[i] : 0,
							  cb, cl, mb, ml, &err) != 0)
			crm_ereport(&err);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	SET_VARSIZE(a, crm_rb_state_size(a->caprows, a->capbytes, a->sflags & CRM_RB_STATE_COSTS));
	return StateReturn(a, e);
}

/* Text form: JSON for small states, compact text beyond (both read back). */
PG_FUNCTION_INFO_V1(rebalance_state_out);
Datum
rebalance_state_out(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbState    *s = StateRead(PG_GETARG_DATUM(0), true, &legacy);

	PG_RETURN_CSTRING(crm_rb_state_print(s, legacy));
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
	bool		legacy;
	RbState    *s = StateRead(PG_GETARG_DATUM(0), true, &legacy);
	Size		n = (Size) crm_rb_state_wire_size(s, legacy);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_rb_state_encode(s, legacy, (uint8 *) VARDATA(out));
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
 * Final functions: solve, and pack the plan.
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

/* crm.rebalance final for ids of kind: check the rows, solve, pack the plan. */
static Datum
RebalanceFinal(FunctionCallInfo fcinfo, CrmRbIdKind kind)
{
	RbState    *s;
	RbExpanded *e;
	MemoryContext work;
	MemoryContext old;
	CrmRbPlan	plan;
	CrmError	err = {0};
	RbPlan	   *p;
	size_t		size;
	int			rc;
	bool		legacy;
	CrmRbOptions opts = CRM_RB_OPTIONS_DEFAULT;
	CrmRbIds	ids;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();

	/*
	 * Read-only, never sealed here.  The header is checked now; the solver
	 * checks every row with the state's own row check (crm_rb_row_check)
	 * before it reads it, so the rows are checked once, in one wording.
	 */
	e = StateExpanded(PG_GETARG_DATUM(0), false);
	if (e != NULL)
	{
		/* this backend's transition's state, read in place */
		s = e->s;
		legacy = false;
	}
	else
		s = StateRead(PG_GETARG_DATUM(0), false, &legacy);
	if (s->idkind != kind)
		StateMismatch("the state holds ids of another type",
					  psprintf("The state holds %s ids; this function makes a plan of %s ids.",
							   kind_names[s->idkind], kind_names[kind]));
	if (s->sflags & CRM_RB_STATE_OPTIONS)
		opts = s->opts;
	ids = crm_rb_state_ids(s);

	work = AllocSetContextCreate(CurrentMemoryContext, "crm.rebalance solver", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	rc = crm_rb_solve(s->rows, CRM_RB_STATE_FLAGS(s),
					  (s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(s) : NULL,
					  s->nrows, &ids, &opts, &plan, &err);
	MemoryContextSwitchTo(old);
	if (rc != 0)
		crm_ereport(&err);
	p = crm_rb_plan_from_result(&plan, &ids, &size, &err);
	if (p == NULL && err.kind != CRM_ERR_LIMIT)
		elog(ERROR, "crm.rebalance built a plan its input would refuse (%s: %s), please report a bug",
			 err.message, err.detail);
	p = PlanFinish(p, size, &err);
	MemoryContextDelete(work);
	PG_RETURN_POINTER(p);
}

/* crm.rebalance final, bigint ids: a crm.rebalance_plan. */
PG_FUNCTION_INFO_V1(rebalance_finalfn);
Datum
rebalance_finalfn(PG_FUNCTION_ARGS)
{
	return RebalanceFinal(fcinfo, CRM_RB_IDS_BIGINT);
}

/* crm.rebalance final, text ids: a crm.rebalance_plan_text. */
PG_FUNCTION_INFO_V1(rebalance_text_finalfn);
Datum
rebalance_text_finalfn(PG_FUNCTION_ARGS)
{
	return RebalanceFinal(fcinfo, CRM_RB_IDS_TEXT);
}

/* crm.rebalance final, uuid ids: a crm.rebalance_plan_uuid. */
PG_FUNCTION_INFO_V1(rebalance_uuid_finalfn);
Datum
rebalance_uuid_finalfn(PG_FUNCTION_ARGS)
{
	return RebalanceFinal(fcinfo, CRM_RB_IDS_UUID);
}

/* ----------------------------------------------------------------------
 * Plan I/O (one set of functions per plan type)
 * ---------------------------------------------------------------------- */

/*
 * A plan argument of unknown origin, checked before it is read (version 1
 * converted, *legacy set): its header (O(1), enough for functions that
 * read only the header and managers), or everything when full (functions
 * that follow the moves' manager indexes, or print them).
 */
static RbPlan *
PlanArg(FunctionCallInfo fcinfo, int argno, bool full, bool *legacy)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};
	int64		nmoves;
	double		moved;
	double		cost;
	RbPlan	   *p;

	*legacy = ValueVersion(v, VARSIZE(v)) == CRM_RB_VERSION_1;
	if (*legacy)
	{
		size_t		size = 0;

		return PlanFinish(crm_rb_plan_upgrade(v, VARSIZE(v), CRM_ERR_INVALID, &size, &err), size, &err);
	}
	p = (RbPlan *) v;
	if (!full)
	{
		if (crm_rb_plan_check_header(p, VARSIZE(p), CRM_ERR_INVALID, &err) != 0)
			crm_ereport(&err);
		return p;
	}
	if (crm_rb_plan_check(p, VARSIZE(p), CRM_ERR_INVALID, &nmoves, &moved, &cost, &err) != 0)
		crm_ereport(&err);
	if (nmoves != p->nmoves || moved != p->moved_load || cost != p->moved_cost)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid crm.rebalance_plan value"),
				 errdetail("The count, load and cost of its moves do not match the moves.")));
	return p;
}

/* Text output of every plan type: JSON for small plans, compact text beyond. */
PG_FUNCTION_INFO_V1(rebalance_plan_out);
Datum
rebalance_plan_out(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, true, &legacy);

	PG_RETURN_CSTRING(crm_rb_plan_print(p, legacy));
}

/* A plan read by the input of the plan type of ids of kind. */
static RbPlan *
PlanOfKind(RbPlan *p, size_t size, CrmError *err, CrmRbIdKind kind, CrmErrorKind ekind)
{
	p = PlanFinish(p, size, err);
	if (p->idkind != kind)
		ereport(ERROR,
				(errcode(ekind == CRM_ERR_BINARY ? ERRCODE_INVALID_BINARY_REPRESENTATION : ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid %s value", kind == CRM_RB_IDS_BIGINT ? "crm.rebalance_plan" :
						kind == CRM_RB_IDS_TEXT ? "crm.rebalance_plan_text" : "crm.rebalance_plan_uuid"),
				 errdetail("The plan has %s ids; this type holds plans of %s ids.",
						   kind_names[p->idkind], kind_names[kind])));
	return p;
}

/* Text input of the plan type of kind: JSON or the compact form. */
static Datum
PlanIn(FunctionCallInfo fcinfo, CrmRbIdKind kind)
{
	CrmError	err = {0};
	size_t		size = 0;
	RbPlan	   *p = crm_rb_plan_parse(PG_GETARG_CSTRING(0), &size, &err);

	PG_RETURN_POINTER(PlanOfKind(p, size, &err, kind, CRM_ERR_SYNTAX));
}

/* Binary input of the plan type of kind. */
static Datum
PlanRecv(FunctionCallInfo fcinfo, CrmRbIdKind kind)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	size_t		size = 0;
	RbPlan	   *p = crm_rb_plan_decode((const uint8 *) buf->data + buf->cursor,
									   (size_t) (buf->len - buf->cursor),
									   CRM_ERR_BINARY, &size, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(PlanOfKind(p, size, &err, kind, CRM_ERR_BINARY));
}

/* Text input of crm.rebalance_plan. */
PG_FUNCTION_INFO_V1(rebalance_plan_in);
Datum
rebalance_plan_in(PG_FUNCTION_ARGS)
{
	return PlanIn(fcinfo, CRM_RB_IDS_BIGINT);
}

/* Text input of crm.rebalance_plan_text. */
PG_FUNCTION_INFO_V1(rebalance_plan_text_in);
Datum
rebalance_plan_text_in(PG_FUNCTION_ARGS)
{
	return PlanIn(fcinfo, CRM_RB_IDS_TEXT);
}

/* Text input of crm.rebalance_plan_uuid. */
PG_FUNCTION_INFO_V1(rebalance_plan_uuid_in);
Datum
rebalance_plan_uuid_in(PG_FUNCTION_ARGS)
{
	return PlanIn(fcinfo, CRM_RB_IDS_UUID);
}

/* Binary input of crm.rebalance_plan. */
PG_FUNCTION_INFO_V1(rebalance_plan_recv);
Datum
rebalance_plan_recv(PG_FUNCTION_ARGS)
{
	return PlanRecv(fcinfo, CRM_RB_IDS_BIGINT);
}

/* Binary input of crm.rebalance_plan_text. */
PG_FUNCTION_INFO_V1(rebalance_plan_text_recv);
Datum
rebalance_plan_text_recv(PG_FUNCTION_ARGS)
{
	return PlanRecv(fcinfo, CRM_RB_IDS_TEXT);
}

/* Binary input of crm.rebalance_plan_uuid. */
PG_FUNCTION_INFO_V1(rebalance_plan_uuid_recv);
Datum
rebalance_plan_uuid_recv(PG_FUNCTION_ARGS)
{
	return PlanRecv(fcinfo, CRM_RB_IDS_UUID);
}

/* Binary output of every plan type (see rebalance_types_core.h). */
PG_FUNCTION_INFO_V1(rebalance_plan_send);
Datum
rebalance_plan_send(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, true, &legacy);
	Size		n = (Size) crm_rb_plan_wire_size(p, legacy);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_rb_plan_encode(p, legacy, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* ----------------------------------------------------------------------
 * Reading a plan
 * ---------------------------------------------------------------------- */

/* An id of a plan as a datum of its SQL type. */
static Datum
IdDatum(const RbPlan *p, int64 key)
{
	CrmRbIds	ids = crm_rb_plan_ids(p);
	int			len;
	const uint8 *b;

	if (p->idkind == CRM_RB_IDS_BIGINT)
		return Int64GetDatum(key);
	b = crm_rb_id_bytes(&ids, key, &len);
	if (p->idkind == CRM_RB_IDS_UUID)
	{
		pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

		memcpy(u->data, b, UUID_LEN);
		return UUIDPGetDatum(u);
	}
	return PointerGetDatum(cstring_to_text_with_len((const char *) b, len));
}

/*
 * Start a set-returning reader whose first column is an id: the result's
 * id column must be of the plan's id type (each overload is declared for
 * its plan type, whose input admits only its own ids).
 */
static void
StartIdSRF(FunctionCallInfo fcinfo, const RbPlan *p)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const Oid types[] = {INT8OID, TEXTOID, UUIDOID};

	InitMaterializedSRF(fcinfo, 0);
	if (TupleDescAttr(rsinfo->setDesc, 0)->atttypid != types[p->idkind])
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("crm.rebalance: a plan of %s ids read as another plan type", kind_names[p->idkind])));
}

/* crm.moves(plan) -> (customer_id, from_manager, to_manager, load), ids in the plan's type */
PG_FUNCTION_INFO_V1(rebalance_moves);
Datum
rebalance_moves(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, true, &legacy);
	CrmRbMove  *mv = RB_PLAN_MOVES(p);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		i;

	StartIdSRF(fcinfo, p);
	for (i = 0; i < p->nentries; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = IdDatum(p, mv[i].customer_id);
		if (mv[i].from < 0)
			nulls[1] = true;
		else
			values[1] = IdDatum(p, p->managers[mv[i].from].id);
		values[2] = IdDatum(p, p->managers[mv[i].to].id);
		values[3] = Float8GetDatum(mv[i].load);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* crm.plan_summary(plan) -> one row (0.1.0's columns) */
PG_FUNCTION_INFO_V1(rebalance_plan_summary);
Datum
rebalance_plan_summary(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, false, &legacy);
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

/* Whether a load is over target x capacity (a relative 1e-9 of slack for sums). */
static inline bool
OverTarget(double load, double target, double capacity)
{
	return load > target * capacity * (1 + RB_OVER_TOLERANCE);
}

/*
 * crm.plan_report(plan) -> one row: the options, the 0.1.0 summary, and
 * managers and load over target before and after, relationships moved,
 * their load and cost.
 */
PG_FUNCTION_INFO_V1(rebalance_plan_report);
Datum
rebalance_plan_report(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, false, &legacy);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[16];
	bool		nulls[16] = {0};
	double		t = p->opts.target;
	int32		over_before = 0,
				over_after = 0;
	double		excess_before = 0,
				excess_after = 0;
	int32		i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		if (OverTarget(m->load_before, t, m->capacity))
		{
			over_before++;
			excess_before += m->load_before - t * m->capacity;
		}
		if (OverTarget(m->load_after, t, m->capacity))
		{
			over_after++;
			excess_after += m->load_after - t * m->capacity;
		}
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	values[0] = Float8GetDatum(t);
	values[1] = CStringGetTextDatum(crm_rb_minimise_name(p->opts.minimise));
	values[2] = Int64GetDatum(p->opts.max_moves);
	nulls[2] = p->opts.max_moves < 0;
	values[3] = Int32GetDatum(p->nmanagers);
	values[4] = Int64GetDatum(p->ncustomers);
	values[5] = Int64GetDatum(p->norphans);
	values[6] = Float8GetDatum(p->peak_before);
	values[7] = Float8GetDatum(p->peak_after);
	values[8] = Float8GetDatum(p->lower_bound);
	values[9] = Int32GetDatum(over_before);
	values[10] = Int32GetDatum(over_after);
	values[11] = Float8GetDatum(excess_before);
	values[12] = Float8GetDatum(excess_after);
	values[13] = Int64GetDatum(p->nmoves);
	values[14] = Float8GetDatum(p->moved_load);
	values[15] = Float8GetDatum(p->moved_cost);
	nulls[15] = !(p->pflags & CRM_RB_PLAN_COSTS);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* crm.plan_loads(plan) -> (manager_id, capacity, load_before, load_after) */
PG_FUNCTION_INFO_V1(rebalance_plan_loads);
Datum
rebalance_plan_loads(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, false, &legacy);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		i;

	StartIdSRF(fcinfo, p);
	for (i = 0; i < p->nmanagers; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = IdDatum(p, p->managers[i].id);
		values[1] = Float8GetDatum(p->managers[i].capacity);
		values[2] = Float8GetDatum(p->managers[i].load_before);
		values[3] = Float8GetDatum(p->managers[i].load_after);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * crm.plan_managers(plan) -> (manager_id, capacity, load_before,
 * load_after, utilisation_before, utilisation_after, pinned_utilisation,
 * moves_out, moves_in): per manager, utilisation before and after and the
 * relationships it gives and takes (orphans among those it takes).
 */
PG_FUNCTION_INFO_V1(rebalance_plan_managers);
Datum
rebalance_plan_managers(PG_FUNCTION_ARGS)
{
	bool		legacy;
	RbPlan	   *p = PlanArg(fcinfo, 0, true, &legacy);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmRbMove  *mv = RB_PLAN_MOVES(p);
	int64	   *out = palloc0(sizeof(int64) * Max(p->nmanagers, 1));
	int64	   *in = palloc0(sizeof(int64) * Max(p->nmanagers, 1));
	int64		e;
	int32		i;

	StartIdSRF(fcinfo, p);
	for (e = 0; e < p->nentries; e++)
	{
		if (mv[e].from >= 0)
			out[mv[e].from]++;
		in[mv[e].to]++;
	}
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];
		Datum		values[9];
		bool		nulls[9] = {0};

		values[0] = IdDatum(p, m->id);
		values[1] = Float8GetDatum(m->capacity);
		values[2] = Float8GetDatum(m->load_before);
		values[3] = Float8GetDatum(m->load_after);
		values[4] = Float8GetDatum(m->capacity > 0 ? m->load_before / m->capacity : 0);
		values[5] = Float8GetDatum(m->capacity > 0 ? m->load_after / m->capacity : 0);
		values[6] = Float8GetDatum(m->capacity > 0 ? m->pinned / m->capacity : 0);
		nulls[4] = nulls[5] = nulls[6] = !(m->capacity > 0);
		nulls[6] |= legacy;
		values[7] = Int64GetDatum(out[i]);
		values[8] = Int64GetDatum(in[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
