/*
 * model.c
 *	  crm.clusters (the k-means model): type I/O, crm.assign,
 *	  crm.nearest_distance, crm.centroids, crm.kmeans_refine and
 *	  crm.kmeans_scan.
 *
 * kmeans_refine's state is a crm.clusters value carrying a "pending"
 * accumulator (per-cluster sums, weights and SSE for one Lloyd step), of
 * fixed size O(k d).  While aggregating it is held as an expanded object in
 * the aggregate context, updated in place; it flattens to the crm.clusters
 * form whenever PostgreSQL needs a flat value (a parallel worker's partial
 * state).
 *
 * States that arrive from outside are not trusted.  Any role can declare an
 * aggregate over these support functions with any crm.clusters as INITCOND,
 * and partial states come back from workers as flat values; so every flat
 * state is checked in full (crm_model_check, and that it is an accumulator)
 * when it first reaches a transition, combine or final function, and then
 * copied into our expanded object.  The hot path recognises that object by
 * its method table (refine_methods), a pointer only this file can produce:
 * INITCOND, recv and every input function make flat values, so no SQL value
 * can pose as a checked state, and an address reused by a new value proves
 * nothing because the check is on the object's kind, not on where it is.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "clustering.h"
#include "silhouette_core.h"
#include "validate.h"

/* A valid model from an argument (detoasted; flattened if expanded). */
CrmModel *
cluster_model_arg(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	CrmModel   *m = (CrmModel *) v;
	CrmError	err = {0};

	if (!crm_model_check(m, VARSIZE(v), &err))
		crm_ereport(&err);
	return m;
}

/* The last step of every function returning a model (see clustering.h). */
CrmModel *
cluster_model_return(CrmModel *m)
{
	CrmError	err = {0};
	size_t		size = crm_model_size(m->k, m->dims, (m->flags & CRM_MODEL_PENDING) != 0);

	SET_VARSIZE(m, size);
	if (!crm_model_check(m, size, &err))
		crm_ereport(&err);
	return m;
}

/*
 * Same assignment as ref: header, scaling, center, factor and centroids
 * byte for byte.  Pointers prove nothing (a new value can be allocated
 * where a freed one was), so the contents are compared.
 */
bool
cluster_model_matches(const CrmModel *ref, Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	const CrmModel *m = (const CrmModel *) v;

	return VARSIZE(v) >= CRM_MODEL_HDRSZ && m->version == CRM_MODEL_VERSION &&
		m->k == ref->k && m->dims == ref->dims &&
		VARSIZE(v) == crm_model_size(m->k, m->dims, (m->flags & CRM_MODEL_PENDING) != 0) &&
		crm_model_same_assignment(ref, m);
}

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

/* ------------------------------------------------------------ type I/O */

/* Text input: JSON or the compact crm64: form, checked alike. */
PG_FUNCTION_INFO_V1(clusters_in);
Datum
clusters_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmModel   *m = crm_model_parse(PG_GETARG_CSTRING(0), &err);

	if (m == NULL)
		crm_ereport(&err);
	SET_VARSIZE(m, crm_model_size(m->k, m->dims, m->flags & CRM_MODEL_PENDING));
	PG_RETURN_POINTER(m);
}

/* Text output: JSON up to CRM_WIRE_READABLE_MAX bytes of binary, else compact. */
PG_FUNCTION_INFO_V1(clusters_out);
Datum
clusters_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_model_print(cluster_model_arg(PG_GETARG_DATUM(0))));
}

/* Binary output (crm_model_encode). */
PG_FUNCTION_INFO_V1(clusters_send);
Datum
clusters_send(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	size_t		n = crm_model_binary_size(m);
	bytea	   *out = palloc(VARHDRSZ + n);

	if (!crm_model_encode(m, VARDATA(out)))
		elog(ERROR, "crm: crm.clusters binary size mismatch, please report a bug");
	SET_VARSIZE(out, VARHDRSZ + n);
	PG_RETURN_BYTEA_P(out);
}

/* Binary input: truncated or padded values are 22P03, contents as in text. */
PG_FUNCTION_INFO_V1(clusters_recv);
Datum
clusters_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmModel   *m = crm_model_decode(buf->data + buf->cursor, buf->len - buf->cursor,
									 CRM_ERR_BINARY, &err);

	if (m == NULL)
		crm_ereport(&err);
	buf->cursor = buf->len;
	SET_VARSIZE(m, crm_model_size(m->k, m->dims, m->flags & CRM_MODEL_PENDING));
	PG_RETURN_POINTER(m);
}

/* ------------------------------------------------------------ using a model */

/*
 * The arguments of crm.assign and crm.nearest_distance: the model (checked)
 * and one row of its dimensions, scaled into y (palloc'd); the row checks
 * and the scaled range check are those of the aggregates.
 */
static CrmModel *
model_and_row(FunctionCallInfo fcinfo, double **y)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	CrmError	err = {0};
	int			dims;
	const double *x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), m->dims, &dims, "features");

	*y = palloc(sizeof(double) * m->dims);
	if (!crm_model_scale_row(m, x, *y, &err))
		crm_ereport(&err);
	return m;
}

/* crm.assign: the nearest cluster, 1..k. */
PG_FUNCTION_INFO_V1(clusters_assign);
Datum
clusters_assign(PG_FUNCTION_ARGS)
{
	double	   *y;
	CrmModel   *m = model_and_row(fcinfo, &y);
	double		d2;

	PG_RETURN_INT32(crm_model_nearest(m, y, &d2) + 1);
}

/* crm.nearest_distance: distance to the nearest centroid (scaled space). */
PG_FUNCTION_INFO_V1(clusters_nearest_distance);
Datum
clusters_nearest_distance(PG_FUNCTION_ARGS)
{
	double	   *y;
	CrmModel   *m = model_and_row(fcinfo, &y);
	double		d2;

	crm_model_nearest(m, y, &d2);
	PG_RETURN_FLOAT8(sqrt(d2));
}

/* a float8[] of n values */
static ArrayType *
float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* crm.centroids: one row per cluster, centroid in original units. */
PG_FUNCTION_INFO_V1(clusters_centroids);
Datum
clusters_centroids(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	double	   *x = palloc(sizeof(double) * m->dims);
	double		total = 0.0;
	int			c;

	InitMaterializedSRF(fcinfo, 0);
	for (c = 0; c < m->k; c++)
		total += crm_model_weight(m)[c];
	for (c = 0; c < m->k; c++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		crm_model_unscale(m, crm_model_centroids(m) + (size_t) c * m->dims, x);
		values[0] = Int32GetDatum(c + 1);
		values[1] = Float8GetDatum(crm_model_weight(m)[c]);
		if (total > 0)
			values[2] = Float8GetDatum(crm_model_weight(m)[c] / total);
		else
			nulls[2] = true;
		values[3] = Float8GetDatum(crm_model_sse(m)[c]);
		values[4] = PointerGetDatum(float8_array(x, m->dims));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Equality: same bytes (both types are built canonically). */
PG_FUNCTION_INFO_V1(clusters_eq);
Datum
clusters_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(crm_canonical_equal(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
									   PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* Equality of sketches: same bytes. */
PG_FUNCTION_INFO_V1(cluster_sketch_eq);
Datum
cluster_sketch_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(crm_canonical_equal(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
									   PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* crm.clusters_k: the number of clusters. */
PG_FUNCTION_INFO_V1(clusters_k);
Datum
clusters_k(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cluster_model_arg(PG_GETARG_DATUM(0))->k);
}

/* crm.clusters_sse: the total SSE. */
PG_FUNCTION_INFO_V1(clusters_total_sse);
Datum
clusters_total_sse(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(cluster_model_arg(PG_GETARG_DATUM(0))->total_sse);
}

/* ------------------------------------------------------------ kmeans_refine */

#define REFINE "crm.kmeans_refine"

/* The transition state while aggregating (see the file header). */
typedef struct RefineState
{
	ExpandedObjectHeader hdr;
	CrmModel   *acc;			/* flat accumulator with its size set */
	double	   *y;				/* scratch: one scaled row */
	bool		model_checked;	/* a stable model argument matched, once */
} RefineState;

/* Flat size of the state: the accumulator as it is. */
static Size
refine_get_flat_size(ExpandedObjectHeader *eohptr)
{
	return VARSIZE(((RefineState *) eohptr)->acc);
}

/* Flatten the state into PostgreSQL's buffer. */
static void
refine_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	RefineState *st = (RefineState *) eohptr;

	Assert(allocated_size == VARSIZE(st->acc));
	memcpy(result, st->acc, VARSIZE(st->acc));
}

static const ExpandedObjectMethods refine_methods = {
	refine_get_flat_size,
	refine_flatten_into
};

/* A new expanded state in the aggregate context holding a copy of acc. */
static RefineState *
refine_state_new(MemoryContext aggctx, const CrmModel *acc)
{
	/* small blocks: one state per group, often of a few kB */
	MemoryContext cxt = AllocSetContextCreate(aggctx, "crm.kmeans_refine state",
											  ALLOCSET_SMALL_SIZES);
	RefineState *st = MemoryContextAllocZero(cxt, sizeof(RefineState));
	size_t		size = crm_model_size(acc->k, acc->dims, true);

	EOH_init_header(&st->hdr, &refine_methods, cxt);
	st->acc = MemoryContextAllocHuge(cxt, size);
	memcpy(st->acc, acc, size);
	SET_VARSIZE(st->acc, size);
	st->y = MemoryContextAlloc(cxt, sizeof(double) * acc->dims);
	return st;
}

/* Our expanded state, if d is one (read-write only when rw is set). */
static RefineState *
refine_state_of(Datum d, bool rw)
{
	Pointer		p = DatumGetPointer(d);

	if (rw ? VARATT_IS_EXTERNAL_EXPANDED_RW(p) : VARATT_IS_EXTERNAL_EXPANDED(p))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &refine_methods)
			return (RefineState *) eoh;
	}
	return NULL;
}

/*
 * The accumulator of a state to read: ours as it is, anything else checked
 * in full (a valid crm.clusters that carries an accumulator), 22023.
 */
static const CrmModel *
refine_acc_arg(Datum d)
{
	RefineState *st = refine_state_of(d, false);
	struct varlena *v;
	CrmModel   *m;
	CrmError	err = {0};

	if (st)
		return st->acc;
	v = PG_DETOAST_DATUM(d);
	m = (CrmModel *) v;
	if (!crm_model_check(m, VARSIZE(v), &err))
		cluster_state_error(REFINE, &err);
	if (!(m->flags & CRM_MODEL_PENDING))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s state", REFINE),
				 errdetail("The state is a crm.clusters model without a refine accumulator (\"pending\").")));
	return m;
}

/* The state argument to update in place: ours, or a checked private copy. */
static RefineState *
refine_state_arg(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	RefineState *st = refine_state_of(PG_GETARG_DATUM(0), true);

	return st ? st : refine_state_new(aggctx, refine_acc_arg(PG_GETARG_DATUM(0)));
}

/*
 * The model argument must define the same assignment as the state on every
 * row: compared on every row, or once per state when it is stable.
 */
static void
refine_check_model(FunctionCallInfo fcinfo, RefineState *st)
{
	if (st->model_checked)
		return;
	if (!cluster_model_matches(st->acc, PG_GETARG_DATUM(1)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model must be the same on every row of %s", REFINE)));
	st->model_checked = cluster_agg_arg_stable(fcinfo, 0);
}

/* Transition: the row goes into the accumulator of its nearest cluster. */
PG_FUNCTION_INFO_V1(clusters_refine_sfunc);
Datum
clusters_refine_sfunc(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, REFINE);
	RefineState *st;
	const double *x;
	int			dims;
	CrmError	err = {0};

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of %s must not be NULL", REFINE)));
	if (PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		CrmModel   *acc = crm_refine_start(cluster_model_arg(PG_GETARG_DATUM(1)));

		st = refine_state_new(aggctx, acc);
		st->model_checked = cluster_agg_arg_stable(fcinfo, 0);
	}
	else
	{
		st = refine_state_arg(fcinfo, aggctx);
		refine_check_model(fcinfo, st);
	}
	x = cluster_features(PG_GETARG_ARRAYTYPE_P(2), st->acc->dims, &dims, "features");
	if (!crm_refine_add(st->acc, x, st->y, &err))
		crm_ereport(&err);
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Combine: add the second accumulator into the first (same model). */
PG_FUNCTION_INFO_V1(clusters_refine_combine);
Datum
clusters_refine_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, REFINE);
	RefineState *st;
	const CrmModel *b;
	CrmError	err = {0};

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = refine_acc_arg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		st = refine_state_new(aggctx, b);	/* a private copy to write into */
	else
	{
		st = refine_state_arg(fcinfo, aggctx);
		if (!crm_refine_combine(st->acc, b, &err))
			crm_ereport(&err);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Final: the refined model, checked like input. */
PG_FUNCTION_INFO_V1(clusters_refine_final);
Datum
clusters_refine_final(PG_FUNCTION_ARGS)
{
	CrmModel   *m;
	CrmError	err = {0};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = crm_refine_finish(refine_acc_arg(PG_GETARG_DATUM(0)), &err);
	if (m == NULL)
		crm_ereport(&err);
	PG_RETURN_POINTER(cluster_model_return(m));
}

/* ------------------------------------------------------------ kmeans_scan */

typedef struct HashIdx
{
	uint64		hash;
	int			idx;
} HashIdx;

/* qsort order: hash, then index */
static int
hashidx_cmp(const void *a, const void *b)
{
	const HashIdx *x = a;
	const HashIdx *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* crm.kmeans_scan: SSE and silhouette for every k in kmin..kmax. */
PG_FUNCTION_INFO_V1(clusters_kmeans_scan);
Datum
clusters_kmeans_scan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmSketch  *s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	int			kmin = PG_GETARG_INT32(1);
	int			kmax = PG_GETARG_INT32(2);
	int			d = s->dims;
	int			n = s->nreps;
	int			ns;
	int		   *pick;
	double	   *y;
	double	   *w;
	int		   *labels;
	int			k,
				i;

	if (kmin < 1 || kmax > CRM_CLUSTER_MAX_K || kmin > kmax)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("kmin and kmax must satisfy 1 <= kmin <= kmax <= %d, got %d and %d",
						CRM_CLUSTER_MAX_K, kmin, kmax)));
	InitMaterializedSRF(fcinfo, 0);
	if (s->rows == 0)
		return (Datum) 0;

	/*
	 * The silhouette sample: every representative when there are few, else
	 * the CRM_SILHOUETTE_SAMPLE with the smallest hash of their coordinates.
	 */
	pick = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
		pick[i] = i;
	ns = n;
	if (n > CRM_SILHOUETTE_SAMPLE)
	{
		HashIdx    *h = palloc(sizeof(HashIdx) * n);

		for (i = 0; i < n; i++)
		{
			if ((i & 1023) == 1023)
				CHECK_FOR_INTERRUPTS();
			h[i].hash = crm_hash_bytes64(crm_sketch_reps(s) + (size_t) i * (d + 2),
										 sizeof(double) * (d + 2), 0x5eed);
			h[i].idx = i;
		}
		qsort(h, n, sizeof(HashIdx), hashidx_cmp);
		for (i = 0; i < CRM_SILHOUETTE_SAMPLE; i++)
			pick[i] = h[i].idx;
		ns = CRM_SILHOUETTE_SAMPLE;
	}
	y = palloc(sizeof(double) * (size_t) ns * d);
	w = palloc(sizeof(double) * ns);
	labels = palloc(sizeof(int) * ns);

	for (k = kmin; k <= kmax; k++)
	{
		CrmError	err = {0};
		int			found;
		CrmModel   *m = crm_kmeans_sketch(s, k, &s->opt, &found, &err);
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		double		sil;

		CHECK_FOR_INTERRUPTS();
		if (m == NULL)
			crm_ereport(&err);
		if (found < k)
		{
			ereport(NOTICE,
					(errmsg("k-means found only %d clusters; kmeans_scan stops at k = %d", found, k - 1)));
			break;
		}
		for (i = 0; i < ns; i++)
		{
			const double *r = crm_sketch_reps(s) + (size_t) pick[i] * (d + 2);
			double		d2;
			int			j;

			if ((i & 255) == 255)
				CHECK_FOR_INTERRUPTS();
			w[i] = r[0];
			for (j = 0; j < d; j++)
				y[(size_t) i * d + j] = s->opt.scale == CRM_SCALE_ATAN ? r[2 + j] :
					(r[2 + j] - crm_model_center(m)[j]) * crm_model_factor(m)[j];
			labels[i] = crm_model_nearest(m, y + (size_t) i * d, &d2);
		}
		sil = crm_silhouette_weighted(y, w, labels, ns, d, m->k);
		values[0] = Int32GetDatum(k);
		values[1] = Float8GetDatum(m->total_sse);
		values[2] = Float8GetDatum(sil);
		nulls[2] = isnan(sil);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(m);
	}
	return (Datum) 0;
}
