/*
 * sketch.c
 *	  crm.cluster_sketch: type I/O and equality, the crm.sketch and
 *	  crm.merge aggregates (and the transition shared with crm.kmeans, see
 *	  kmeans.c), crm.sketch_rows and crm.sketch_representatives.
 *
 * The aggregate state is the crm.cluster_sketch type itself (so partial
 * aggregation works in parallel query and on Citus workers), held while
 * aggregating as an expanded object whose context is a child of the
 * aggregate context: the transition function writes each row into it in
 * place and returns the same read-write pointer, so nothing is copied per
 * row.  Its buffer starts at 1,024 representatives and doubles up to the
 * capacity the budget allows (a few times at most, never again after that);
 * at the capacity the representatives are reduced to half of it, and
 * indexed so that the rows that follow can join them (absorption, see
 * sketch_core.c) rather than take slots, which makes reductions rare.  The
 * expanded object flattens to the compact on-disk form whenever PostgreSQL
 * needs a flat value (a partial aggregate's result, a stored sketch).
 *
 * Trust.  Any role can hand any crm.cluster_sketch to these functions: as
 * the INITCOND of its own aggregate, as a stored value to crm.merge, or a
 * k-means state to crm.sketch's final function.  So a state is validated
 * with crm_sketch_check, exactly as the input functions validate, whenever
 * it is not our own expanded object (see SketchOwn), before anything reads
 * or writes it; it is then copied into an expanded object whose buffer size
 * we track, so a value holding fewer representatives than its capacity is
 * never written past its end.  After that the state is trusted: only this
 * file makes these objects and the cores keep the invariants with every
 * change (sketch_core.c), so the per-row path stays O(dims).  Every sketch
 * returned is checked once more, and so is the state after each reduction
 * (amortised O(dims) per row), and every flat value made of our state:
 * nothing is returned that the input functions would refuse.
 */
#include "crm.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "clustering.h"
#include "validate.h"
#include "wire_core.h"

/* representatives the buffer of a new state holds (it doubles from there) */
#define INITIAL_REPS 1024

/* ------------------------------------------------------------ expanded */

/*
 * The transition state while aggregating: our expanded object.  States a
 * combine function receives are kept aside (pending) and merged into s in a
 * canonical order when the value is needed (see SketchFlushPending).
 */
typedef struct SketchEOH
{
	ExpandedObjectHeader hdr;
	CrmSketch  *s;				/* buffer in hdr.eoh_context */
	int			alloc;			/* representatives the buffer holds */
	CrmSketch **pending;		/* checked copies, in hdr.eoh_context */
	int			npending;
	int			maxpending;		/* slots in pending */
	Size		pending_bytes;	/* their sizes together */
	int64		pending_rows;	/* their rows together */
	CrmSketchIndex ix;			/* absorption index (ix.nreps 0: none) */
	void	   *ixmem;			/* its memory, in hdr.eoh_context, or NULL */
	int			limit;			/* representatives held before reducing, at
								 * most the capacity (see PartialLimit) */
} SketchEOH;

static void SketchFlushPending(SketchEOH *e);

/*
 * Flat size of our state: the representatives in use, not the buffer (the
 * pending states merged in first: the value is all of them).
 */
static Size
SketchGetFlatSize(ExpandedObjectHeader *eohptr)
{
	SketchEOH  *e = (SketchEOH *) eohptr;

	SketchFlushPending(e);
	return crm_sketch_value_size(e->s);
}

static void SketchCheck(const CrmSketch *s);

/*
 * The flat value of our state, whenever PostgreSQL needs one (a stored
 * value, a partial aggregate's result, an aggregate without a final
 * function): checked like any sketch we return.
 */
static void
SketchFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	SketchEOH  *e = (SketchEOH *) eohptr;
	Size		size;

	SketchFlushPending(e);
	size = crm_sketch_value_size(e->s);
	Assert(allocated_size == size);
	memcpy(result, e->s, size);
	SET_VARSIZE(result, size);
	SketchCheck((const CrmSketch *) result);
}

/* its methods; their address identifies our objects (see SketchOwn) */
static const ExpandedObjectMethods sketch_methods = {
	SketchGetFlatSize,
	SketchFlattenInto
};

/*
 * Our own expanded sketch behind a datum, or NULL when the datum is
 * anything else (a flat value, or another kind of expanded object).
 *
 * This is the only "already validated" memo: it is a property of the
 * object, not of an address.  The methods pointer can only be ours when
 * SketchStateNew made the object, which it does from a value that passed
 * crm_sketch_check or from a fresh initialisation.  A memo keyed by a
 * datum's pointer (say, the last flat state checked, kept in fn_extra)
 * would be unsafe: a flat INITCOND or stored value lives in memory that is
 * freed and reused, so a later, different value can arrive at the same
 * address, and the same address can hold other bytes on the next call.
 */
static SketchEOH *
SketchOwn(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &sketch_methods)
			return (SketchEOH *) eoh;
	}
	return NULL;
}

/* Raise a core error; a sketch we produced that fails its check is one too. */
static void
SketchCheck(const CrmSketch *s)
{
	CrmError	err = {0};

	if (!crm_sketch_check(s, crm_sketch_value_size(s), &err))
		crm_ereport(&err);
}

/*
 * A new expanded sketch in a child context of parent: a copy of `from`
 * (checked by the caller; a version 1 value becomes version 2) or, without
 * it, an empty one for dims, o and the names block names (NULL: none).
 */
static SketchEOH *
SketchStateNew(MemoryContext parent, const CrmSketch *from, int dims,
			   const CrmClusterOptions *o, int k, const void *names)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "crm.cluster_sketch",
											  ALLOCSET_DEFAULT_SIZES);
	SketchEOH  *e = MemoryContextAllocZero(cxt, sizeof(SketchEOH));
	int			capacity;

	EOH_init_header(&e->hdr, &sketch_methods, cxt);
	e->limit = INT_MAX;			/* the capacity, whatever it becomes */
	if (from)
	{
		/* the buffer is ours, sized here: never the value's own allocation */
		e->alloc = Max(from->nreps, Min(INITIAL_REPS, from->capacity));
		e->s = MemoryContextAllocHuge(cxt, crm_sketch_size(crm_sketch_current_names_size(from),
														   from->dims, e->alloc));
		crm_sketch_copy_current(e->s, from);
	}
	else
	{
		CrmError	err = {0};

		capacity = crm_sketch_check_budget(dims, crm_sketch_names_cost(names), o->budget_kb, &err);
		RaiseIf(capacity > 0, &err);
		e->alloc = Min(INITIAL_REPS, capacity);
		e->s = MemoryContextAllocHuge(cxt, crm_sketch_size(names ? crm_names_block_bytes(names) :
														   CRM_NAMES_EMPTY_SIZE, dims, e->alloc));
		memset(e->s, 0, CRM_SKETCH_HDRSZ);
		crm_sketch_init(e->s, dims, o, k, names);
	}
	return e;
}

/*
 * The transition state as our expanded object: ours is used in place, any
 * other value is validated (cluster_sketch_arg) and copied into a new one.
 */
static SketchEOH *
SketchStateArg(Datum d, MemoryContext aggctx)
{
	SketchEOH  *e = SketchOwn(d);

	if (e != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return e;
	return SketchStateNew(aggctx, cluster_sketch_arg(d), 0, NULL, 0, NULL);
}

/*
 * Room for one more representative: grow the buffer or reduce.  True when
 * it reduced (the caller then checks the state once it is whole again).
 * After a reduction the representatives left are indexed (a reduction moves
 * those of the old index) so that the rows, or merged representatives,
 * that follow can join them (crm_sketch_absorb_last).  The index takes 16
 * bytes per 4 representatives of the capacity, within the scratch the
 * budget allows next to the reduction's (CRM_SKETCH_SCRATCH_PER_REP).
 */
static bool
SketchMakeRoom(SketchEOH *e)
{
	CrmSketch  *s = e->s;
	/* a partial sketch's limit, once its rows alone exceed the capacity */
	int			cap = s->rows >= s->capacity ? Min(e->limit, s->capacity) : s->capacity;

	/* the buffer can exceed the capacity after a merge lowered the budget */
	if (s->nreps < Min(e->alloc, cap))
		return false;
	if (e->alloc < cap)
	{
		int			alloc = (e->alloc > cap / 2) ? cap : e->alloc * 2;

		e->s = repalloc_huge(e->s, crm_sketch_size(crm_sketch_names_size(s), s->dims, alloc));
		e->alloc = alloc;
		return false;
	}
	e->ix.nreps = 0;
	/* crm_sketch_reduce_target(s) at the capacity: half of what is held */
	crm_sketch_reduce(s, (int) (cap * 0.5));
	if (s->nreps >= Min(e->alloc, cap))
		elog(ERROR, "crm: cluster sketch reduction made no room (%d of %d), please report a bug",
			 s->nreps, e->alloc);
	if (e->ixmem == NULL)
	{
		/* sized for the capacity, which a lowered budget only shrinks */
		e->ixmem = MemoryContextAllocHuge(e->hdr.eoh_context,
										  crm_sketch_index_size(s->dims, s->capacity));
		crm_sketch_index_init(&e->ix, e->ixmem, s->dims, s->capacity);
	}
	crm_sketch_index_build(s, &e->ix);
	return true;
}

/*
 * How many representatives the partial sketch of one process of a parallel
 * plan of crm.kmeans holds once its own rows exceed the capacity: a sixth of
 * the capacity, or PARTIAL_REPS_PER_CLUSTER per cluster when that is more
 * (at most the capacity; at least CRM_SKETCH_MIN_CAPACITY).  Until then it
 * keeps the whole capacity, so an input within the budget is summarised
 * exactly whatever the plan (the README promises the serial model then).
 *
 * Why: each process sees only its share of the rows but would pay the whole
 * start of a sketch: a young sketch reduces several times before its
 * representatives are heavy enough to absorb most rows, and each reduction
 * costs in proportion to the representatives held (perf, 2M x 8, two
 * workers: 74% of the CPU a parallel plan spent beyond the serial one).  A
 * sixth: the partial sketches of the leader and five workers fit the final
 * sketch together, which keeps the whole budget, so the leader's combine
 * absorbs rather than reduces and its final clustering has fewer
 * representatives to go over.  On the benchmark (2M x 8, two workers) a
 * quarter left uniform data at 0.61-0.62 of the serial time, a sixth
 * 0.47-0.52, an eighth 0.41-0.46 with the bank's SSE 0.4-0.5% above serial
 * (a sixth: 0.3%).  Per cluster: the quality of the final clustering follows
 * the representatives each cluster gets, so a larger k keeps more
 * (320 a cluster: k = 8 takes the sixth, 2,731 of 16,387 for 8 features;
 * k = 20 takes 6,400; from k = 52 the whole capacity).
 *
 * Plain sketches (crm.sketch, k = 0) keep the whole capacity: they are
 * stored and clustered later with a k nobody knows yet.  The budget bounds
 * memory, and a partial sketch stays within it.
 */
#define PARTIAL_REPS_PER_CLUSTER 320

static int
PartialLimit(int capacity, int k)
{
	int64		per_cluster = (int64) PARTIAL_REPS_PER_CLUSTER * k;
	int64		limit = Max(capacity / 6, per_cluster);

	if (k == 0)
		return capacity;
	return (int) Min(capacity, Max(limit, CRM_SKETCH_MIN_CAPACITY));
}

/*
 * Whether this transition call is a partial aggregate of a parallel plan
 * (the leader's or a worker's; its states are serialized for the leader's
 * combine), where PartialLimit applies.  Partial aggregation outside
 * parallel mode (per partition, enable_partitionwise_aggregate) keeps the
 * whole capacity, as serial plans do.
 */
static bool
InParallelPartialAggregate(FunctionCallInfo fcinfo)
{
	return IsInParallelMode() && fcinfo->context != NULL && IsA(fcinfo->context, AggState) &&
		DO_AGGSPLIT_SERIALIZE(((AggState *) fcinfo->context)->aggsplit);
}

/*
 * A valid flat sketch from an argument (detoasted, flattened if expanded):
 * crm_sketch_check at its size, as the input functions check, or its error.
 */
CrmSketch *
cluster_sketch_arg(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	CrmSketch  *s = (CrmSketch *) v;
	CrmError	err = {0};

	if (!crm_sketch_check(s, VARSIZE(v), &err))
		crm_ereport(&err);
	return s;
}

/* The error for a state of the wrong kind: k-means state vs plain sketch. */
static void
CheckSketchKind(const CrmSketch *s, int k, const char *name)
{
	if (s->k == k)
		return;
	if (k == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot continue a k-means state (k = %d)", name, (int) s->k)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("k must be the same on every row of %s, got %d after %d", name, k, (int) s->k)));
}

/* ------------------------------------------------------------ pending */

/*
 * Merge sketch b (checked, mergeable) into our state: statistics first, then
 * its representatives one by one, reducing whenever the buffer is full; once
 * a reduction has indexed ours, each of b's joins the nearest of ours in
 * its leaf when its mean lies within that one's spread
 * (crm_sketch_absorb_last), as rows do in the transition, so that pooling
 * the states of many workers reduces rarely.  True when it reduced.
 */
static bool
SketchMergeInto(SketchEOH *e, const CrmSketch *b)
{
	const double *src = crm_sketch_reps(b);
	int			stride = b->dims + 2;
	int			i;
	bool		reduced = false;

	crm_sketch_merge_stats(e->s, b);
	e->s->flags |= b->flags & CRM_SKETCH_REDUCED;
	for (i = 0; i < b->nreps; i++)
	{
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		reduced |= SketchMakeRoom(e);
		memcpy(crm_sketch_reps(e->s) + (size_t) e->s->nreps * stride, src + (size_t) i * stride,
			   sizeof(double) * stride);
		e->s->nreps++;
		(void) crm_sketch_absorb_last(e->s, &e->ix);
	}
	return reduced;
}

/* -1, 0, 1 as the doubles a[0..n) order by their bit patterns. */
static int
CompareBits(const double *a, const double *b, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		uint64		x;
		uint64		y;

		memcpy(&x, &a[i], sizeof(x));
		memcpy(&y, &b[i], sizeof(y));
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/*
 * The canonical order of pending sketches (all mergeable, so of the same
 * dimensions and options): by rows, representatives, flags, then the bit
 * patterns of their statistics and representatives.  A total order on
 * their content, the same on every machine.
 */
static int
PendingCmp(const void *pa, const void *pb)
{
	const CrmSketch *a = *(CrmSketch *const *) pa;
	const CrmSketch *b = *(CrmSketch *const *) pb;
	int			c;

	if (a->rows != b->rows)
		return a->rows < b->rows ? -1 : 1;
	if (a->nreps != b->nreps)
		return a->nreps < b->nreps ? -1 : 1;
	if (a->flags != b->flags)
		return a->flags < b->flags ? -1 : 1;
	c = CompareBits(crm_sketch_stats(a), crm_sketch_stats(b), (size_t) a->dims * CRM_ST_COUNT);
	if (c != 0)
		return c;
	return CompareBits(crm_sketch_reps(a), crm_sketch_reps(b), (size_t) a->nreps * (a->dims + 2));
}

/*
 * Merge the pending states into ours in their canonical order, so that the
 * result depends on which states arrived, not on the order they arrived in
 * (workers of a parallel plan, Citus shards, rows of crm.merge, finish in any
 * order): ours first takes the smallest budget among them (sketches of
 * different budgets merge at the smaller one), then the statistics are
 * summed, and the representatives appended and reduced, in one order for
 * one set of states.
 */
static void
SketchFlushPending(SketchEOH *e)
{
	bool		reduced = false;
	int			budget_kb = e->s->opt.budget_kb;
	int			i;

	if (e->npending == 0)
		return;
	for (i = 0; i < e->npending; i++)
		budget_kb = Min(budget_kb, e->pending[i]->opt.budget_kb);
	e->ix.nreps = 0;
	reduced = crm_sketch_lower_budget(e->s, budget_kb);
	qsort(e->pending, e->npending, sizeof(CrmSketch *), PendingCmp);
	for (i = 0; i < e->npending; i++)
	{
		reduced |= SketchMergeInto(e, e->pending[i]);
		pfree(e->pending[i]);
		e->pending[i] = NULL;
	}
	e->npending = 0;
	e->pending_bytes = 0;
	e->pending_rows = 0;
	/* whole again: after a reduction (amortised, as in the transition) */
	if (reduced)
		SketchCheck(e->s);
}

/*
 * Received states a combine keeps aside before merging them: 64 MB.  A
 * state at full capacity holds (dims + 2) doubles per representative, so
 * 64 MB is 85 full states of 4 features at the default budget (16,384
 * representatives; 51 of 8 features, 4 of 118 features or more at its 16 MB
 * cap), and 9 of 4 features at budget_kb 16384.  Beyond, the states kept so far are
 * merged (in their canonical order) to make room, and the result can depend
 * on the order of arrival (README, "Running on Citus": determinism).
 */
#define PENDING_MAX_BYTES ((Size) 64 * 1024 * 1024)

/* Keep a checked, mergeable state b aside (a copy) until the value is needed. */
static void
SketchAddPending(SketchEOH *e, const CrmSketch *b)
{
	Size		size = crm_sketch_value_size(b);
	MemoryContext cxt = e->hdr.eoh_context;

	if (e->pending_bytes + size > PENDING_MAX_BYTES)
		SketchFlushPending(e);
	if (size > PENDING_MAX_BYTES)
	{
		/* alone beyond the limit (a crafted capacity cannot make it so): merge */
		bool		reduced;

		e->ix.nreps = 0;
		reduced = crm_sketch_lower_budget(e->s, b->opt.budget_kb);

		if (SketchMergeInto(e, b) || reduced)
			SketchCheck(e->s);
		return;
	}
	if (e->npending == e->maxpending)
	{
		int			n = Max(8, 2 * e->maxpending);

		e->pending = e->pending ? repalloc(e->pending, sizeof(CrmSketch *) * n)
			: MemoryContextAlloc(cxt, sizeof(CrmSketch *) * n);
		e->maxpending = n;
	}
	e->pending[e->npending] = MemoryContextAllocHuge(cxt, size);
	memcpy(e->pending[e->npending], b, size);
	SET_VARSIZE(e->pending[e->npending], size);
	e->npending++;
	e->pending_bytes += size;
	e->pending_rows += b->rows;
}

/* ------------------------------------------------------------ type I/O */

/*
 * Set the varlena size of a sketch the core built (its representatives in
 * use).
 */
static CrmSketch *
SketchFinish(CrmSketch *s)
{
	SET_VARSIZE(s, crm_sketch_value_size(s));
	return s;
}

/* Text input: the JSON form or the compact "crm64:" form, validated alike. */
PG_FUNCTION_INFO_V1(cluster_sketch_in);
Datum
cluster_sketch_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmSketch  *s;

	s = crm_sketch_read_text(PG_GETARG_CSTRING(0), cluster_names_from_utf8, &err);
	if (s == NULL)
		crm_ereport(&err);
	PG_RETURN_POINTER(SketchFinish(s));
}

/*
 * Text output: the readable JSON while the binary form is at most
 * CRM_WIRE_READABLE_MAX bytes, the compact form beyond (a third of JSON's
 * size; under 700 MB for the largest sketch, see CRM_SKETCH_MAX_BYTES),
 * its names in UTF-8.  A version 1 sketch prints in its own form.
 */
PG_FUNCTION_INFO_V1(cluster_sketch_out);
Datum
cluster_sketch_out(PG_FUNCTION_ARGS)
{
	CrmSketch  *s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	size_t		n;
	uint8	   *bin;
	char	   *text;

	if (crm_sketch_binary_size(s) <= CRM_WIRE_READABLE_MAX)
		PG_RETURN_CSTRING(crm_sketch_print(s));
	bin = crm_sketch_encode(s, cluster_names_to_utf8, &n);
	if (bin == NULL)
		elog(ERROR, "crm: crm.cluster_sketch binary size mismatch, please report a bug");
	text = crm_wire_out(bin, n, "crm.cluster_sketch");
	pfree(bin);
	PG_RETURN_CSTRING(text);
}

/*
 * Binary form: see crm_sketch_encode (network byte order, layout-free,
 * names in the client encoding).
 */
PG_FUNCTION_INFO_V1(cluster_sketch_send);
Datum
cluster_sketch_send(PG_FUNCTION_ARGS)
{
	CrmSketch  *s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	size_t		n;
	uint8	   *bin = crm_sketch_encode(s, cluster_names_to_client, &n);
	bytea	   *out;

	if (bin == NULL)
		elog(ERROR, "crm: crm.cluster_sketch binary size mismatch, please report a bug");
	out = palloc(VARHDRSZ + n);
	SET_VARSIZE(out, VARHDRSZ + n);
	memcpy(VARDATA(out), bin, n);
	pfree(bin);
	PG_RETURN_BYTEA_P(out);
}

/*
 * Binary input: decoded by the core from the bytes left in the message
 * (lengths checked before anything is read or allocated; 22P03 for a
 * truncated or malformed value), then validated like the text input.
 */
PG_FUNCTION_INFO_V1(cluster_sketch_recv);
Datum
cluster_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmSketch  *s;

	s = crm_sketch_decode(buf->data + buf->cursor, (size_t) (buf->len - buf->cursor),
						  CRM_ERR_BINARY, cluster_names_from_client, &err);
	if (s == NULL)
		crm_ereport(&err);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(SketchFinish(s));
}

/* ------------------------------------------------------------ aggregates */

/*
 * The transition of crm.sketch (k = 0, options in argument 2) and crm.kmeans
 * (k >= 1, options in argument 3): the first row makes the state from the
 * options, later rows must match its kind and dimensions; each row goes into
 * the sketch in place, after a reduction when the buffer is full.
 */
Datum
cluster_sketch_transition(FunctionCallInfo fcinfo, int k, int opt_arg, const char *name)
{
	MemoryContext aggctx = AggregateContext(fcinfo, name);
	SketchEOH  *e;
	const double *x;
	int			dims;
	CrmError	err;

	/* filled only by a failure, which sets every field read (772 bytes a row) */
	err.kind = CRM_OK;
	if (PG_ARGISNULL(1))
	{
		/* NULL rows are skipped; the final function checks the state */
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		CrmClusterOptions o;
		void	   *names = NULL;

		int			set = 0;

		crm_cluster_options_default(&o);
		if (opt_arg < PG_NARGS() && !PG_ARGISNULL(opt_arg))
			set = cluster_parse_options(PG_GETARG_JSONB_P(opt_arg), &o, &names);
		x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), 0, &dims);
		cluster_check_names(names, dims);
		/* no budget given: room for the default number of representatives */
		if (!(set & CRM_OPT_BUDGET))
			o.budget_kb = crm_sketch_default_budget(dims, crm_sketch_names_cost(names));
		e = SketchStateNew(aggctx, NULL, dims, &o, k, names);
		if (InParallelPartialAggregate(fcinfo))
			e->limit = PartialLimit(e->s->capacity, k);
	}
	else
	{
		e = SketchStateArg(PG_GETARG_DATUM(0), aggctx);
		SketchFlushPending(e);
		CheckSketchKind(e->s, k, name);
		x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), e->s->dims, &dims);
	}
	/* after a reduction, at most once per capacity / 2 rows: amortised O(dims) */
	if (SketchMakeRoom(e))
		SketchCheck(e->s);
	if (!crm_sketch_add_indexed(e->s, &e->ix, x, &err))
		crm_ereport(&err);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* Transition of crm.sketch(features [, options]). */
PG_FUNCTION_INFO_V1(sketch_transfn);
Datum
sketch_transfn(PG_FUNCTION_ARGS)
{
	return cluster_sketch_transition(fcinfo, 0, 2, "crm.sketch");
}

/*
 * crm.merge's transition and the combine function of crm.sketch, crm.kmeans
 * and crm.merge: the second sketch (validated, and checked mergeable with
 * the first and the others received) is kept aside and merged with them in
 * a canonical order when the value is needed (SketchFlushPending), so the
 * result does not depend on the order the states arrive in.
 */
PG_FUNCTION_INFO_V1(sketch_combinefn);
Datum
sketch_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, "crm.merge");
	SketchEOH  *e;
	const CrmSketch *b;
	CrmError	err = {0};
	bool		ok;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	/* validated before anything is read from it, whatever it is */
	b = cluster_sketch_arg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		e = SketchStateNew(aggctx, NULL, b->dims, &b->opt, b->k, crm_sketch_names(b));
	else
		e = SketchStateArg(PG_GETARG_DATUM(0), aggctx);
	/*
	 * compatible, and the rows of all of them (ours and those kept aside)
	 * within the limit: counted on our header for the check only
	 */
	e->s->rows += e->pending_rows;
	ok = crm_sketch_mergeable(e->s, b, &err);
	e->s->rows -= e->pending_rows;
	if (!ok)
		crm_ereport(&err);
	SketchAddPending(e, b);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/*
 * The flat sketch of a state, checked: a copy of our expanded object (final
 * functions must not change it), or the validated argument.
 */
static CrmSketch *
SketchFlatChecked(Datum d)
{
	SketchEOH  *e = SketchOwn(d);
	Size		size;
	CrmSketch  *flat;

	if (e == NULL)
		return cluster_sketch_arg(d);
	size = EOH_get_flat_size(&e->hdr);
	flat = palloc_extended(size, MCXT_ALLOC_HUGE);
	/* checks the value */
	EOH_flatten_into(&e->hdr, flat, size);
	return flat;
}

/*
 * Final function of crm.sketch and crm.merge: the flat, checked sketch (a
 * merge of k-means states keeps their k).
 */
PG_FUNCTION_INFO_V1(sketch_finalfn);
Datum
sketch_finalfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(SketchFlatChecked(PG_GETARG_DATUM(0)));
}

/*
 * The sketch of an aggregate state, checked, to read in place: our
 * expanded object's buffer, or the validated argument.
 */
const CrmSketch *
cluster_sketch_state_arg(Datum d)
{
	SketchEOH  *e = SketchOwn(d);

	if (e == NULL)
		return cluster_sketch_arg(d);
	SketchFlushPending(e);
	/* once per group, cheap next to clustering */
	SketchCheck(e->s);
	return e->s;
}

/*
 * Equality of sketches: the same fields, names, statistics and
 * representatives, byte for byte, whatever the format version (a sketch
 * stored by crm 0.1.0 equals the same sketch built now).
 */
PG_FUNCTION_INFO_V1(cluster_sketch_eq);
Datum
cluster_sketch_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(crm_sketch_equal(cluster_sketch_arg(PG_GETARG_DATUM(0)),
									cluster_sketch_arg(PG_GETARG_DATUM(1))));
}

/* crm.sketch_rows: the rows a sketch summarises. */
PG_FUNCTION_INFO_V1(sketch_rows);
Datum
sketch_rows(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(cluster_sketch_arg(PG_GETARG_DATUM(0))->rows);
}

/* crm.sketch_representatives: the representatives a sketch holds. */
PG_FUNCTION_INFO_V1(sketch_representatives);
Datum
sketch_representatives(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cluster_sketch_arg(PG_GETARG_DATUM(0))->nreps);
}

/* crm.feature_names(sketch): the names of its features, f1, f2, ... if none. */
PG_FUNCTION_INFO_V1(sketch_feature_names);
Datum
sketch_feature_names(PG_FUNCTION_ARGS)
{
	CrmSketch  *s = cluster_sketch_arg(PG_GETARG_DATUM(0));

	PG_RETURN_ARRAYTYPE_P(cluster_names_array(crm_sketch_names(s), s->dims));
}
