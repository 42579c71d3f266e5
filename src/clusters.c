/*
 * clusters.c
 *	  crm.clusters (the k-means model): type I/O, crm.assign,
 *	  crm.nearest_distance, crm.centroids, crm.kmeans_refine,
 *	  crm.silhouette and crm.kmeans_scan.
 *
 * kmeans_refine's state is a crm.clusters value carrying a "pending"
 * accumulator (per-cluster sums, weights and SSE for one Lloyd step), of
 * fixed size O(k d), allocated once and updated in place.  silhouette's
 * state is a float8[] holding a bottom-s hash sample of the rows (the s rows
 * with the smallest hash of their features: the same sample whatever the
 * row order or the parallel plan) with their cluster labels.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"

#include "cluster.h"
#include "validate.h"

/* rows the silhouette sample keeps */
#define SILHOUETTE_SAMPLE 2000

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

/* ------------------------------------------------------------ type I/O */

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

PG_FUNCTION_INFO_V1(clusters_out);
Datum
clusters_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_model_print(cluster_model_arg(PG_GETARG_DATUM(0))));
}

PG_FUNCTION_INFO_V1(clusters_send);
Datum
clusters_send(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;
	size_t		n = (VARSIZE(m) - CRM_MODEL_HDRSZ) / sizeof(double);
	const double *v = crm_model_center(m);
	size_t		i;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, CRM_MODEL_VERSION);
	pq_sendint16(&buf, m->flags);
	pq_sendint32(&buf, m->k);
	pq_sendint32(&buf, m->dims);
	pq_sendint32(&buf, m->scale);
	pq_sendint32(&buf, m->iterations);
	pq_sendint64(&buf, m->rows);
	pq_sendfloat8(&buf, m->total_sse);
	pq_sendfloat8(&buf, m->atan_scale);
	pq_sendint64(&buf, m->pending_rows);
	for (i = 0; i < n; i++)
		pq_sendfloat8(&buf, v[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(clusters_recv);
Datum
clusters_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmModel	h;
	CrmModel   *m;
	CrmError	err = {0};
	size_t		size,
				n,
				i;
	double	   *v;
	int			version = pq_getmsgint(buf, 1);

	if (version != CRM_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported crm.clusters binary version %d", version)));
	memset(&h, 0, sizeof(h));
	h.version = CRM_MODEL_VERSION;
	h.flags = pq_getmsgint(buf, 2);
	h.k = pq_getmsgint(buf, 4);
	h.dims = pq_getmsgint(buf, 4);
	h.scale = pq_getmsgint(buf, 4);
	h.iterations = pq_getmsgint(buf, 4);
	h.rows = pq_getmsgint64(buf);
	h.total_sse = pq_getmsgfloat8(buf);
	h.atan_scale = pq_getmsgfloat8(buf);
	h.pending_rows = pq_getmsgint64(buf);
	if (h.k < 1 || h.k > CRM_CLUSTER_MAX_K || h.dims < 1 || h.dims > CRM_CLUSTER_MAX_DIMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid crm.clusters binary header"),
				 errdetail("k %d, dims %d.", h.k, h.dims)));
	size = crm_model_size(h.k, h.dims, (h.flags & CRM_MODEL_PENDING) != 0);
	n = (size - CRM_MODEL_HDRSZ) / sizeof(double);
	if ((size_t) (buf->len - buf->cursor) != n * sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("crm.clusters binary value has %d bytes of data, expected %zu",
						buf->len - buf->cursor, n * sizeof(double))));
	m = palloc0(size);
	memcpy(m, &h, sizeof(h));
	v = crm_model_center(m);
	for (i = 0; i < n; i++)
		v[i] = pq_getmsgfloat8(buf);
	SET_VARSIZE(m, size);
	if (!crm_model_check(m, size, &err))
	{
		err.kind = CRM_ERR_BINARY;
		crm_ereport(&err);
	}
	PG_RETURN_POINTER(m);
}

/* ------------------------------------------------------------ using a model */

static const double *
model_features(const CrmModel *m, ArrayType *arr, double *y)
{
	int			dims;
	const double *x = cluster_features(arr, m->dims, &dims, "features");

	crm_model_scale(m, x, y);
	return x;
}

PG_FUNCTION_INFO_V1(clusters_assign);
Datum
clusters_assign(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	double	   *y = palloc(sizeof(double) * m->dims);
	double		d2;

	model_features(m, PG_GETARG_ARRAYTYPE_P(1), y);
	PG_RETURN_INT32(crm_model_nearest(m, y, &d2) + 1);
}

PG_FUNCTION_INFO_V1(clusters_nearest_distance);
Datum
clusters_nearest_distance(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	double	   *y = palloc(sizeof(double) * m->dims);
	double		d2;

	model_features(m, PG_GETARG_ARRAYTYPE_P(1), y);
	crm_model_nearest(m, y, &d2);
	PG_RETURN_FLOAT8(sqrt(d2));
}

static ArrayType *
float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

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

PG_FUNCTION_INFO_V1(cluster_sketch_eq);
Datum
cluster_sketch_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(crm_canonical_equal(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
									   PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* Accessors for the header fields, for SQL. */
PG_FUNCTION_INFO_V1(clusters_k);
Datum
clusters_k(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cluster_model_arg(PG_GETARG_DATUM(0))->k);
}

PG_FUNCTION_INFO_V1(clusters_total_sse);
Datum
clusters_total_sse(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(cluster_model_arg(PG_GETARG_DATUM(0))->total_sse);
}

/* ------------------------------------------------------------ kmeans_refine */

typedef struct ModelCheckCache
{
	Pointer		last;			/* the model argument already compared */
} ModelCheckCache;

/* the model argument must define the same assignment as the state */
static void
refine_check_model(FunctionCallInfo fcinfo, const CrmModel *state, Datum arg)
{
	ModelCheckCache *cache = fcinfo->flinfo->fn_extra;
	CrmModel   *m;

	if (cache && cache->last == DatumGetPointer(arg))
		return;
	m = cluster_model_arg(arg);
	if (m->k != state->k || m->dims != state->dims || m->scale != state->scale ||
		m->atan_scale != state->atan_scale ||
		memcmp(crm_model_center(m), crm_model_center(state),
			   sizeof(double) * (2 * (size_t) m->dims + (size_t) m->k * m->dims)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model must be the same on every row of crm.kmeans_refine")));
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCheckCache));
	cache->last = DatumGetPointer(arg);
}

PG_FUNCTION_INFO_V1(clusters_refine_sfunc);
Datum
clusters_refine_sfunc(PG_FUNCTION_ARGS)
{
	CrmModel   *st;
	double	   *y;
	double		d2;
	int			c,
				j;
	const double *x;
	int			dims;

	(void) AggregateContext(fcinfo, "crm.kmeans_refine");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of crm.kmeans_refine must not be NULL")));
	if (PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		/*
		 * Built in the per-call context: nodeAgg copies a new state into the
		 * aggregate context once, and later rows update that copy in place.
		 */
		CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(1));
		size_t		base = crm_model_size(m->k, m->dims, false);
		size_t		size = crm_model_size(m->k, m->dims, true);

		st = palloc0(size);
		memcpy(st, m, base);
		st->flags |= CRM_MODEL_PENDING;
		st->pending_rows = 0;
		SET_VARSIZE(st, size);
		memset(crm_model_acc_sum(st), 0, size - base);
	}
	else
		st = (CrmModel *) DatumGetPointer(PG_GETARG_DATUM(0));
	refine_check_model(fcinfo, st, PG_GETARG_DATUM(1));

	x = cluster_features(PG_GETARG_ARRAYTYPE_P(2), st->dims, &dims, "features");
	y = palloc(sizeof(double) * dims);
	crm_model_scale(st, x, y);
	c = crm_model_nearest(st, y, &d2);
	for (j = 0; j < dims; j++)
		crm_model_acc_sum(st)[(size_t) c * dims + j] += y[j];
	crm_model_acc_w(st)[c] += 1.0;
	crm_model_acc_sse(st)[c] += d2;
	st->pending_rows++;
	pfree(y);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clusters_refine_combine);
Datum
clusters_refine_combine(PG_FUNCTION_ARGS)
{
	CrmModel   *a;
	CrmModel   *b;
	size_t		i,
				n;

	(void) AggregateContext(fcinfo, "crm.kmeans_refine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = cluster_model_arg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);	/* nodeAgg copies it into the aggregate context */
	a = (CrmModel *) DatumGetPointer(PG_GETARG_DATUM(0));
	if (!(a->flags & CRM_MODEL_PENDING) || !(b->flags & CRM_MODEL_PENDING) ||
		crm_model_fingerprint(a) != crm_model_fingerprint(b) ||
		a->k != b->k || a->dims != b->dims)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine crm.kmeans_refine states of different models")));
	n = (size_t) a->k * a->dims + 2 * (size_t) a->k;
	for (i = 0; i < n; i++)
		crm_model_acc_sum(a)[i] += crm_model_acc_sum(b)[i];
	a->pending_rows += b->pending_rows;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(clusters_refine_final);
Datum
clusters_refine_final(PG_FUNCTION_ARGS)
{
	CrmModel   *st;
	CrmModel   *m;
	int			k,
				d,
				c,
				j;
	size_t		size;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = cluster_model_arg(PG_GETARG_DATUM(0));
	if (!(st->flags & CRM_MODEL_PENDING))
		PG_RETURN_POINTER(st);
	k = st->k;
	d = st->dims;
	size = crm_model_size(k, d, false);
	m = palloc(size);
	memcpy(m, st, size);
	m->flags &= ~CRM_MODEL_PENDING;
	m->rows = st->pending_rows;
	m->pending_rows = 0;
	m->iterations = st->iterations + 1;
	m->total_sse = 0.0;
	for (c = 0; c < k; c++)
	{
		double		w = crm_model_acc_w(st)[c];
		double	   *cen = crm_model_centroids(m) + (size_t) c * d;
		double		shift2 = 0.0;
		double		sse;

		if (w > 0)
			for (j = 0; j < d; j++)
			{
				double		nc = crm_model_acc_sum(st)[(size_t) c * d + j] / w;

				shift2 += (nc - cen[j]) * (nc - cen[j]);
				cen[j] = nc;
			}
		/* the SSE of the same rows around their mean (parallel axis theorem) */
		sse = crm_model_acc_sse(st)[c] - w * shift2;
		crm_model_weight(m)[c] = w;
		crm_model_sse(m)[c] = sse > 0 ? sse : 0.0;
		m->total_sse += crm_model_sse(m)[c];
	}
	SET_VARSIZE(m, size);
	crm_model_canonical_order(m);
	PG_RETURN_POINTER(m);
}

/* ------------------------------------------------------------ silhouette */

/* float8[] state: header, then entries (hash, label, y[dims]) */
enum
{
	SIL_MAGIC,					/* 1 = layout version */
	SIL_DIMS,
	SIL_K,
	SIL_CAP,
	SIL_USED,
	SIL_FP_LO,					/* model fingerprint, two 32-bit halves */
	SIL_FP_HI,
	SIL_ROWS,
	SIL_WORST,					/* index of the largest hash once full */
	SIL_HDR
};

static ArrayType *
sil_new(const CrmModel *m)
{
	int			nelems = SIL_HDR + SILHOUETTE_SAMPLE * (m->dims + 2);
	Size		size = ARR_OVERHEAD_NONULLS(1) + sizeof(double) * (Size) nelems;
	ArrayType  *a = palloc0(size);
	double	   *v;
	uint64		fp = crm_model_fingerprint(m);

	SET_VARSIZE(a, size);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = nelems;
	ARR_LBOUND(a)[0] = 1;
	v = (double *) ARR_DATA_PTR(a);
	v[SIL_MAGIC] = 1;
	v[SIL_DIMS] = m->dims;
	v[SIL_K] = m->k;
	v[SIL_CAP] = SILHOUETTE_SAMPLE;
	v[SIL_USED] = 0;
	v[SIL_FP_LO] = (double) (fp & 0xFFFFFFFF);
	v[SIL_FP_HI] = (double) (fp >> 32);
	v[SIL_ROWS] = 0;
	return a;
}

static double *
sil_data(ArrayType *a)
{
	double	   *v;

	if (ARR_NDIM(a) != 1 || ARR_ELEMTYPE(a) != FLOAT8OID || ARR_HASNULL(a) ||
		ARR_DIMS(a)[0] < SIL_HDR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid crm.silhouette state")));
	v = (double *) ARR_DATA_PTR(a);
	if (v[SIL_MAGIC] != 1 || v[SIL_DIMS] < 1 || v[SIL_DIMS] > CRM_CLUSTER_MAX_DIMS ||
		v[SIL_K] < 1 || v[SIL_K] > CRM_CLUSTER_MAX_K || v[SIL_CAP] != SILHOUETTE_SAMPLE ||
		v[SIL_USED] < 0 || v[SIL_USED] > v[SIL_CAP] ||
		v[SIL_WORST] < 0 || v[SIL_WORST] >= SILHOUETTE_SAMPLE ||
		ARR_DIMS(a)[0] != SIL_HDR + SILHOUETTE_SAMPLE * ((int) v[SIL_DIMS] + 2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid crm.silhouette state")));
	return v;
}

static void
sil_find_worst(double *v)
{
	int			stride = (int) v[SIL_DIMS] + 2;
	double	   *base = v + SIL_HDR;
	int			used = (int) v[SIL_USED];
	int			i,
				worst = 0;

	for (i = 1; i < used; i++)
		if (base[(size_t) i * stride] >= base[(size_t) worst * stride])
			worst = i;
	v[SIL_WORST] = worst;
}

/* would an entry with this hash enter the bottom-s sample? */
static inline bool
sil_wants(const double *v, double hash)
{
	int			stride = (int) v[SIL_DIMS] + 2;

	return v[SIL_USED] < SILHOUETTE_SAMPLE ||
		hash < v[SIL_HDR + (size_t) v[SIL_WORST] * stride];
}

/* Offer one (hash, label, y) entry to the bottom-s sample. */
static void
sil_offer(double *v, const double *entry)
{
	int			stride = (int) v[SIL_DIMS] + 2;
	int			used = (int) v[SIL_USED];
	double	   *base = v + SIL_HDR;

	if (!sil_wants(v, entry[0]))
		return;
	if (used < SILHOUETTE_SAMPLE)
	{
		memcpy(base + (size_t) used * stride, entry, sizeof(double) * stride);
		v[SIL_USED] = used + 1;
		if (used + 1 == SILHOUETTE_SAMPLE)
			sil_find_worst(v);
		return;
	}
	/* replace the entry with the largest hash; rare once the sample fills */
	memcpy(base + (size_t) v[SIL_WORST] * stride, entry, sizeof(double) * stride);
	sil_find_worst(v);
}

PG_FUNCTION_INFO_V1(clusters_silhouette_sfunc);
Datum
clusters_silhouette_sfunc(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double	   *v;
	CrmModel   *m;
	const double *x;
	double	   *entry;
	double		d2;
	double		hash;
	int			dims;

	(void) AggregateContext(fcinfo, "crm.silhouette");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of crm.silhouette must not be NULL")));
	if (PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	m = cluster_model_arg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		state = sil_new(m);		/* copied into the aggregate context once */
	else
		state = (ArrayType *) DatumGetPointer(PG_GETARG_DATUM(0));
	v = sil_data(state);
	if ((int) v[SIL_DIMS] != m->dims)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model must be the same on every row of crm.silhouette")));
	x = cluster_features(PG_GETARG_ARRAYTYPE_P(2), m->dims, &dims, "features");
	v[SIL_ROWS] += 1;
	/* 53-bit hash of the features decides which rows are sampled */
	hash = (double) (crm_hash_bytes64(x, sizeof(double) * dims, 0x5eed) >> 11);
	if (sil_wants(v, hash))
	{
		entry = palloc(sizeof(double) * (dims + 2));
		entry[0] = hash;
		crm_model_scale(m, x, entry + 2);
		entry[1] = crm_model_nearest(m, entry + 2, &d2);
		sil_offer(v, entry);
		pfree(entry);
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(clusters_silhouette_combine);
Datum
clusters_silhouette_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b;
	double	   *va;
	double	   *vb;
	int			i,
				stride;

	(void) AggregateContext(fcinfo, "crm.silhouette");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	vb = sil_data(b);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);
	a = (ArrayType *) DatumGetPointer(PG_GETARG_DATUM(0));
	va = sil_data(a);
	if (va[SIL_DIMS] != vb[SIL_DIMS] || va[SIL_K] != vb[SIL_K] ||
		va[SIL_FP_LO] != vb[SIL_FP_LO] || va[SIL_FP_HI] != vb[SIL_FP_HI])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine crm.silhouette states of different models")));
	stride = (int) vb[SIL_DIMS] + 2;
	for (i = 0; i < (int) vb[SIL_USED]; i++)
		sil_offer(va, vb + SIL_HDR + (size_t) i * stride);
	va[SIL_ROWS] += vb[SIL_ROWS];
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(clusters_silhouette_final);
Datum
clusters_silhouette_final(PG_FUNCTION_ARGS)
{
	double	   *v;
	int			n,
				d,
				k,
				i;
	double	   *y;
	double	   *w;
	int		   *labels;
	double		s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = sil_data(PG_GETARG_ARRAYTYPE_P(0));
	n = (int) v[SIL_USED];
	d = (int) v[SIL_DIMS];
	k = (int) v[SIL_K];
	y = palloc(sizeof(double) * (size_t) n * d);
	w = palloc(sizeof(double) * n);
	labels = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
	{
		const double *e = v + SIL_HDR + (size_t) i * (d + 2);

		w[i] = 1.0;
		labels[i] = (int) e[1];
		if (labels[i] < 0 || labels[i] >= k)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid crm.silhouette state")));
		memcpy(y + (size_t) i * d, e + 2, sizeof(double) * d);
	}
	s = crm_silhouette_weighted(y, w, labels, n, d, k);
	if (isnan(s))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s);
}

/* ------------------------------------------------------------ kmeans_scan */

typedef struct HashIdx
{
	uint64		hash;
	int			idx;
} HashIdx;

static int
hashidx_cmp(const void *a, const void *b)
{
	const HashIdx *x = a;
	const HashIdx *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

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
	 * the SILHOUETTE_SAMPLE with the smallest hash of their coordinates.
	 */
	pick = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
		pick[i] = i;
	ns = n;
	if (n > SILHOUETTE_SAMPLE)
	{
		HashIdx    *h = palloc(sizeof(HashIdx) * n);

		for (i = 0; i < n; i++)
		{
			h[i].hash = crm_hash_bytes64(crm_sketch_reps(s) + (size_t) i * (d + 2),
										 sizeof(double) * (d + 2), 0x5eed);
			h[i].idx = i;
		}
		qsort(h, n, sizeof(HashIdx), hashidx_cmp);
		for (i = 0; i < SILHOUETTE_SAMPLE; i++)
			pick[i] = h[i].idx;
		ns = SILHOUETTE_SAMPLE;
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
