/*
 * model.c
 *	  crm.clusters (the k-means model): type I/O and equality, crm.assign,
 *	  crm.nearest_distance, crm.centroids, crm.clusters_k, crm.clusters_sse,
 *	  and the helpers every function taking or returning a model uses.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "clustering.h"
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
ModelAndRow(FunctionCallInfo fcinfo, double **y)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	CrmError	err = {0};
	int			dims;
	const double *x = cluster_features(PG_GETARG_ARRAYTYPE_P(1), m->dims, &dims);

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
	CrmModel   *m = ModelAndRow(fcinfo, &y);
	double		d2;

	PG_RETURN_INT32(crm_model_nearest(m, y, &d2) + 1);
}

/* crm.nearest_distance: distance to the nearest centroid (scaled space). */
PG_FUNCTION_INFO_V1(clusters_nearest_distance);
Datum
clusters_nearest_distance(PG_FUNCTION_ARGS)
{
	double	   *y;
	CrmModel   *m = ModelAndRow(fcinfo, &y);
	double		d2;

	crm_model_nearest(m, y, &d2);
	PG_RETURN_FLOAT8(sqrt(d2));
}

/* a float8[] of n values */
static ArrayType *
Float8Array(const double *v, int n)
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
		values[4] = PointerGetDatum(Float8Array(x, m->dims));
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

/* crm.clusters_k: the number of clusters. */
PG_FUNCTION_INFO_V1(clusters_k);
Datum
clusters_k(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cluster_model_arg(PG_GETARG_DATUM(0))->k);
}

/* crm.clusters_sse: the total SSE. */
PG_FUNCTION_INFO_V1(clusters_sse);
Datum
clusters_sse(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(cluster_model_arg(PG_GETARG_DATUM(0))->total_sse);
}
