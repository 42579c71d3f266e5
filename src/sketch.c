/*
 * sketch.c
 *	  crm.cluster_sketch: type I/O, the crm.sketch / crm.merge / crm.kmeans
 *	  aggregates' transition, combine and final functions, and the options.
 *
 * The aggregate state is the crm.cluster_sketch type itself (so partial
 * aggregation works in parallel query and on Citus workers), held while
 * aggregating as an expanded object whose context is a child of the
 * aggregate context: the transition function writes each row into it in
 * place and returns the same read-write pointer, so nothing is copied per
 * row.  Its buffer starts at 1,024 representatives and doubles up to the
 * capacity the budget allows (a few times at most, never again after that);
 * at the capacity the representatives are reduced to 70% of it.  The
 * expanded object flattens to the compact on-disk form whenever PostgreSQL
 * needs a flat value (a partial aggregate's result, a stored sketch).
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "cluster.h"
#include "validate.h"

#define INITIAL_REPS 1024

/* ------------------------------------------------------------ helpers */

static int
option_int(JsonbValue *v, const char *key, int lo, int hi)
{
	double		d;

	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number", key)));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (d != floor(d) || d < lo || d > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an integer between %d and %d", key, lo, hi)));
	return (int) d;
}

static double
option_float(JsonbValue *v, const char *key)
{
	double		d;

	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number", key)));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!isfinite(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a finite number", key)));
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
			o->budget_kb = option_int(&v, key, CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_MAX_BUDGET_KB);
			set |= CRM_OPT_BUDGET;
		}
		else if (strcmp(key, "restarts") == 0)
		{
			o->restarts = option_int(&v, key, 1, 1000);
			set |= CRM_OPT_RESTARTS;
		}
		else if (strcmp(key, "max_iter") == 0)
		{
			o->max_iter = option_int(&v, key, 1, 100000);
			set |= CRM_OPT_MAX_ITER;
		}
		else if (strcmp(key, "seed") == 0)
		{
			o->seed = (uint64) option_int(&v, key, 0, PG_INT32_MAX);
			set |= CRM_OPT_SEED;
		}
		else if (strcmp(key, "tol") == 0)
		{
			o->tol = option_float(&v, key);
			if (o->tol < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"tol\" must be >= 0")));
			set |= CRM_OPT_TOL;
		}
		else if (strcmp(key, "atan_scale") == 0)
		{
			o->atan_scale = option_float(&v, key);
			if (o->atan_scale <= 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"atan_scale\" must be > 0")));
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

/* ------------------------------------------------------------ expanded */

typedef struct SketchEOH
{
	ExpandedObjectHeader hdr;
	CrmSketch  *s;				/* buffer in hdr.eoh_context */
	int			alloc;			/* representatives the buffer holds */
} SketchEOH;

static Size
sketch_get_flat_size(ExpandedObjectHeader *eohptr)
{
	SketchEOH  *e = (SketchEOH *) eohptr;

	return crm_sketch_size(e->s->dims, e->s->nreps);
}

static void
sketch_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	SketchEOH  *e = (SketchEOH *) eohptr;
	Size		size = crm_sketch_size(e->s->dims, e->s->nreps);

	Assert(allocated_size == size);
	memcpy(result, e->s, size);
	SET_VARSIZE(result, size);
}

static const ExpandedObjectMethods sketch_methods = {
	sketch_get_flat_size,
	sketch_flatten_into
};

static SketchEOH *
sketch_eoh_new(MemoryContext parent, const CrmSketch *from, int dims,
			   const CrmClusterOptions *o, int k)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "crm.cluster_sketch",
											  ALLOCSET_DEFAULT_SIZES);
	SketchEOH  *e = MemoryContextAllocZero(cxt, sizeof(SketchEOH));
	int			capacity;

	EOH_init_header(&e->hdr, &sketch_methods, cxt);
	if (from)
	{
		e->alloc = Max(from->nreps, Min(INITIAL_REPS, from->capacity));
		e->s = MemoryContextAllocHuge(cxt, crm_sketch_size(from->dims, e->alloc));
		memcpy(e->s, from, crm_sketch_size(from->dims, from->nreps));
	}
	else
	{
		capacity = crm_sketch_capacity(dims, o->budget_kb);
		if (capacity == 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("budget_kb %d is too small for %d dimensions", (int) o->budget_kb, dims),
					 errhint("The sketch needs room for at least %d representatives of %d bytes.",
							 CRM_SKETCH_MIN_CAPACITY,
							 (int) ((dims + 2) * sizeof(double) + CRM_SKETCH_SCRATCH_PER_REP))));
		e->alloc = Min(INITIAL_REPS, capacity);
		e->s = MemoryContextAllocHuge(cxt, crm_sketch_size(dims, e->alloc));
		memset(e->s, 0, CRM_SKETCH_HDRSZ);
		crm_sketch_init(e->s, dims, o, k);
	}
	return e;
}

/* The transition state as our expanded object, expanding a flat one. */
static SketchEOH *
sketch_state(Datum d, MemoryContext aggctx)
{
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
	{
		SketchEOH  *e = (SketchEOH *) DatumGetEOHP(d);

		if (e->hdr.eoh_methods == &sketch_methods)
			return e;
	}
	return sketch_eoh_new(aggctx, cluster_sketch_arg(d), 0, NULL, 0);
}

/* Room for one more representative: grow the buffer or reduce. */
static void
sketch_make_room(SketchEOH *e)
{
	CrmSketch  *s = e->s;

	if (s->nreps < e->alloc)
		return;
	if (e->alloc < s->capacity)
	{
		int			alloc = (e->alloc > s->capacity / 2) ? s->capacity : e->alloc * 2;

		e->s = repalloc_huge(e->s, crm_sketch_size(s->dims, alloc));
		e->alloc = alloc;
		return;
	}
	crm_sketch_reduce(s, crm_sketch_reduce_target(s));
	if (s->nreps >= e->alloc)
		elog(ERROR, "crm: cluster sketch reduction made no room (%d of %d)", s->nreps, e->alloc);
}

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

static void
sketch_check_compatible(const CrmSketch *a, const CrmSketch *b)
{
	if (a->dims != b->dims)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge cluster sketches of %d and %d dimensions", a->dims, b->dims)));
	if (a->k != b->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge k-means states for k = %d and k = %d", a->k, b->k)));
	if (!crm_cluster_options_equal(&a->opt, &b->opt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge cluster sketches built with different options"),
				 errdetail("scale %s / %s, budget_kb %d / %d, seed " UINT64_FORMAT " / " UINT64_FORMAT ".",
						   crm_scale_name(a->opt.scale), crm_scale_name(b->opt.scale),
						   (int) a->opt.budget_kb, (int) b->opt.budget_kb,
						   (uint64) a->opt.seed, (uint64) b->opt.seed)));
}

/* ------------------------------------------------------------ type I/O */

static CrmSketch *
sketch_finish(CrmSketch *s)
{
	SET_VARSIZE(s, crm_sketch_size(s->dims, s->nreps));
	return s;
}

PG_FUNCTION_INFO_V1(cluster_sketch_in);
Datum
cluster_sketch_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmSketch  *s;

	s = crm_sketch_parse(PG_GETARG_CSTRING(0), &err);
	if (s == NULL)
		crm_ereport(&err);
	PG_RETURN_POINTER(sketch_finish(s));
}

PG_FUNCTION_INFO_V1(cluster_sketch_out);
Datum
cluster_sketch_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_sketch_print(cluster_sketch_arg(PG_GETARG_DATUM(0))));
}

/*
 * Binary form: version, then the header fields and every double in
 * network byte order (so it does not depend on the server's layout).
 */
PG_FUNCTION_INFO_V1(cluster_sketch_send);
Datum
cluster_sketch_send(PG_FUNCTION_ARGS)
{
	CrmSketch  *s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;
	size_t		n = (size_t) s->dims * CRM_ST_COUNT + (size_t) s->nreps * (s->dims + 2);
	const double *v = crm_sketch_stats(s);
	size_t		i;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, CRM_SKETCH_VERSION);
	pq_sendint16(&buf, s->flags);
	pq_sendint32(&buf, s->dims);
	pq_sendint32(&buf, s->k);
	pq_sendint32(&buf, s->nreps);
	pq_sendint64(&buf, s->rows);
	pq_sendint32(&buf, s->opt.scale);
	pq_sendint32(&buf, s->opt.budget_kb);
	pq_sendint32(&buf, s->opt.restarts);
	pq_sendint32(&buf, s->opt.max_iter);
	pq_sendint64(&buf, s->opt.seed);
	pq_sendfloat8(&buf, s->opt.tol);
	pq_sendfloat8(&buf, s->opt.atan_scale);
	for (i = 0; i < n; i++)
		pq_sendfloat8(&buf, v[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(cluster_sketch_recv);
Datum
cluster_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmSketch	h;
	CrmSketch  *s;
	CrmError	err = {0};
	size_t		n,
				i;
	double	   *v;
	int			version = pq_getmsgint(buf, 1);

	if (version != CRM_SKETCH_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported crm.cluster_sketch binary version %d", version)));
	memset(&h, 0, sizeof(h));
	h.version = CRM_SKETCH_VERSION;
	h.flags = pq_getmsgint(buf, 2);
	h.dims = pq_getmsgint(buf, 4);
	h.k = pq_getmsgint(buf, 4);
	h.nreps = pq_getmsgint(buf, 4);
	h.rows = pq_getmsgint64(buf);
	h.opt.scale = pq_getmsgint(buf, 4);
	h.opt.budget_kb = pq_getmsgint(buf, 4);
	h.opt.restarts = pq_getmsgint(buf, 4);
	h.opt.max_iter = pq_getmsgint(buf, 4);
	h.opt.seed = (uint64) pq_getmsgint64(buf);
	h.opt.tol = pq_getmsgfloat8(buf);
	h.opt.atan_scale = pq_getmsgfloat8(buf);
	if (h.dims < 1 || h.dims > CRM_CLUSTER_MAX_DIMS || h.nreps < 0 ||
		!crm_cluster_options_check(&h.opt, &err) ||
		h.nreps > crm_sketch_capacity(h.dims, h.opt.budget_kb))
	{
		if (err.kind == CRM_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid crm.cluster_sketch binary header"),
					 errdetail("dims %d, representatives %d.", h.dims, h.nreps)));
		err.kind = CRM_ERR_BINARY;
		crm_ereport(&err);
	}
	n = (size_t) h.dims * CRM_ST_COUNT + (size_t) h.nreps * (h.dims + 2);
	if ((size_t) (buf->len - buf->cursor) != n * sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("crm.cluster_sketch binary value has %d bytes of data, expected %zu",
						buf->len - buf->cursor, n * sizeof(double))));
	s = palloc_extended(crm_sketch_size(h.dims, h.nreps), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	memcpy(s, &h, sizeof(h));
	s->capacity = crm_sketch_capacity(h.dims, h.opt.budget_kb);
	v = crm_sketch_stats(s);
	for (i = 0; i < n; i++)
		v[i] = pq_getmsgfloat8(buf);
	sketch_finish(s);
	if (!crm_sketch_check(s, VARSIZE(s), &err))
	{
		err.kind = err.kind == CRM_ERR_INVALID ? CRM_ERR_BINARY : err.kind;
		crm_ereport(&err);
	}
	PG_RETURN_POINTER(s);
}

/* ------------------------------------------------------------ aggregates */

/* shared by crm.sketch(features, options) and crm.kmeans(features, k, options) */
static Datum
sketch_transition(FunctionCallInfo fcinfo, int k, int opt_arg, const char *name)
{
	MemoryContext aggctx = AggregateContext(fcinfo, name);
	SketchEOH  *e;
	const double *x;
	int			dims;

	if (PG_ARGISNULL(1))
	{
		/* NULL rows are skipped */
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		CrmClusterOptions o;

		crm_cluster_options_default(&o);
		if (opt_arg < PG_NARGS() && !PG_ARGISNULL(opt_arg))
			cluster_parse_options(PG_GETARG_JSONB_P(opt_arg), &o);
		x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), 0, &dims, "features");
		e = sketch_eoh_new(aggctx, NULL, dims, &o, k);
	}
	else
	{
		e = sketch_state(PG_GETARG_DATUM(0), aggctx);
		x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), e->s->dims, &dims, "features");
	}
	sketch_make_room(e);
	crm_sketch_add(e->s, x);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

PG_FUNCTION_INFO_V1(cluster_sketch_sfunc);
Datum
cluster_sketch_sfunc(PG_FUNCTION_ARGS)
{
	return sketch_transition(fcinfo, 0, 2, "crm.sketch");
}

PG_FUNCTION_INFO_V1(cluster_kmeans_sfunc);
Datum
cluster_kmeans_sfunc(PG_FUNCTION_ARGS)
{
	int			k;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be NULL")));
	if (PG_ARGISNULL(1) && PG_ARGISNULL(0))
		PG_RETURN_NULL();
	k = PG_GETARG_INT32(2);
	if (k < 1 || k > CRM_CLUSTER_MAX_K)
		ereport(ERROR,
				(errcode(k < 1 ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("k must be between 1 and %d, got %d", CRM_CLUSTER_MAX_K, k)));
	return sketch_transition(fcinfo, k, 3, "crm.kmeans");
}

/* crm.merge's transition function and the combine function of all three */
PG_FUNCTION_INFO_V1(cluster_sketch_combine);
Datum
cluster_sketch_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, "crm.merge");
	SketchEOH  *e;
	const CrmSketch *b;
	const double *src;
	int			left;
	int			stride;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		/* a private copy to write into */
		e = sketch_eoh_new(aggctx, cluster_sketch_arg(PG_GETARG_DATUM(1)), 0, NULL, 0);
		PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
	}
	e = sketch_state(PG_GETARG_DATUM(0), aggctx);
	b = cluster_sketch_arg(PG_GETARG_DATUM(1));
	sketch_check_compatible(e->s, b);
	crm_sketch_merge_stats(e->s, b);
	e->s->flags |= b->flags & CRM_SKETCH_REDUCED;
	stride = b->dims + 2;
	src = crm_sketch_reps(b);
	left = b->nreps;
	while (left > 0)
	{
		int			room;

		sketch_make_room(e);
		room = Min(e->alloc - e->s->nreps, left);
		memcpy(crm_sketch_reps(e->s) + (size_t) e->s->nreps * stride, src,
			   sizeof(double) * (size_t) room * stride);
		e->s->nreps += room;
		src += (size_t) room * stride;
		left -= room;
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* The flat sketch of a state (a copy; final functions must not change it). */
static CrmSketch *
sketch_flat_copy(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);
		Size		size = EOH_get_flat_size(eoh);
		void	   *flat = palloc_extended(size, MCXT_ALLOC_HUGE);

		EOH_flatten_into(eoh, flat, size);
		return (CrmSketch *) flat;
	}
	return cluster_sketch_arg(d);
}

PG_FUNCTION_INFO_V1(cluster_sketch_final);
Datum
cluster_sketch_final(PG_FUNCTION_ARGS)
{
	CrmSketch  *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = sketch_flat_copy(PG_GETARG_DATUM(0));
	/* crm.merge of kmeans states keeps k; a plain sketch has k = 0 */
	PG_RETURN_POINTER(s);
}

/* Cluster a sketch; emits the NOTICE for fewer distinct points than k. */
static CrmModel *
sketch_to_model(const CrmSketch *s, int k, const CrmClusterOptions *o)
{
	CrmError	err = {0};
	CrmModel   *m;
	int			found;

	m = crm_kmeans_sketch(s, k, o, &found, &err);
	if (m == NULL)
		crm_ereport(&err);
	if (found < k)
		ereport(NOTICE,
				(errmsg("k-means found %d clusters instead of %d", found, k),
				 errdetail("The input has only %d distinct points.", found)));
	SET_VARSIZE(m, crm_model_size(m->k, m->dims, false));
	return m;
}

PG_FUNCTION_INFO_V1(cluster_kmeans_final);
Datum
cluster_kmeans_final(PG_FUNCTION_ARGS)
{
	const CrmSketch *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(0))))
		s = ((SketchEOH *) DatumGetEOHP(PG_GETARG_DATUM(0)))->s;
	else
		s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(sketch_to_model(s, s->k, &s->opt));
}

/* Options for clustering a stored sketch: its own, overridden by opts. */
static void
sketch_kmeans_options(const CrmSketch *s, Jsonb *opts, CrmClusterOptions *o)
{
	int			set;

	*o = s->opt;
	set = cluster_parse_options(opts, o);
	if ((set & CRM_OPT_BUDGET) && o->budget_kb != s->opt.budget_kb)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("budget_kb is a property of the sketch and cannot change when clustering it")));
	if ((set & CRM_OPT_SCALE) && o->scale != s->opt.scale &&
		(o->scale == CRM_SCALE_ATAN || s->opt.scale == CRM_SCALE_ATAN))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot cluster a sketch built with scale \"%s\" using scale \"%s\"",
						crm_scale_name(s->opt.scale), crm_scale_name(o->scale)),
				 errhint("atan scaling is applied while sketching: build the sketch with {\"scale\": \"atan\"}.")));
	if ((set & CRM_OPT_ATAN_SCALE) && o->atan_scale != s->opt.atan_scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("atan_scale is applied while sketching and cannot change when clustering")));
}

PG_FUNCTION_INFO_V1(cluster_kmeans_sketch);
Datum
cluster_kmeans_sketch(PG_FUNCTION_ARGS)
{
	CrmSketch  *s;
	int			k;
	CrmClusterOptions o;

	/* not STRICT, so that a NULL options argument means the defaults */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be NULL")));
	s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	k = PG_GETARG_INT32(1);

	if (k < 1 || k > CRM_CLUSTER_MAX_K)
		ereport(ERROR,
				(errcode(k < 1 ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("k must be between 1 and %d, got %d", CRM_CLUSTER_MAX_K, k)));
	sketch_kmeans_options(s, (PG_NARGS() > 2 && !PG_ARGISNULL(2)) ? PG_GETARG_JSONB_P(2) : NULL, &o);
	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(sketch_to_model(s, k, &o));
}

/* small accessors */
PG_FUNCTION_INFO_V1(cluster_sketch_rows);
Datum
cluster_sketch_rows(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(cluster_sketch_arg(PG_GETARG_DATUM(0))->rows);
}

PG_FUNCTION_INFO_V1(cluster_sketch_representatives);
Datum
cluster_sketch_representatives(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cluster_sketch_arg(PG_GETARG_DATUM(0))->nreps);
}
