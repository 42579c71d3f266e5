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
#include "utils/jsonb.h"

#include "argcache.h"
#include "clustering.h"
#include "lex_core.h"
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
	size_t		size = crm_model_value_size(m);

	SET_VARSIZE(m, size);
	if (!crm_model_check(m, size, &err))
		crm_ereport(&err);
	return m;
}

/*
 * Same assignment as ref: header, scaling, center, factor and centroids
 * byte for byte, whatever the format version and the feature names.
 * Pointers prove nothing (a new value can be allocated where a freed one
 * was), so the contents are compared; the value is not validated, so its
 * sizes are checked before anything of its body is read.
 */
bool
cluster_model_matches(const CrmModel *ref, Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	const CrmModel *m = (const CrmModel *) v;
	size_t		size = VARSIZE(v);
	size_t		names_size = 0;

	if (size < CRM_MODEL_HDRSZ ||
		(m->version != CRM_MODEL_VERSION_1 && m->version != CRM_MODEL_VERSION_2) ||
		m->k != ref->k || m->dims != ref->dims)
		return false;
	if (m->version >= CRM_MODEL_VERSION_2)
	{
		if (size < CRM_MODEL_HDRSZ + CRM_NAMES_EMPTY_SIZE)
			return false;
		names_size = crm_names_block_bytes(crm_model_names(m));
		if (names_size % 8 != 0 || names_size > size - CRM_MODEL_HDRSZ)
			return false;
	}
	return size == crm_model_size(names_size, m->k, m->dims, (m->flags & CRM_MODEL_PENDING) != 0) &&
		crm_model_same_assignment(ref, m);
}

/* ------------------------------------------------------------ type I/O */

/*
 * Text input: JSON or the compact crm64: form (names in UTF-8), checked
 * alike; a version 1 text gives a version 1 value.
 */
PG_FUNCTION_INFO_V1(clusters_in);
Datum
clusters_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmModel   *m = crm_model_parse(PG_GETARG_CSTRING(0), cluster_names_from_utf8, &err);

	if (m == NULL)
		crm_ereport(&err);
	SET_VARSIZE(m, crm_model_value_size(m));
	PG_RETURN_POINTER(m);
}

/*
 * Text output: JSON up to CRM_WIRE_READABLE_MAX bytes of binary, else
 * compact (names in UTF-8); a version 1 value in its own form.
 */
PG_FUNCTION_INFO_V1(clusters_out);
Datum
clusters_out(PG_FUNCTION_ARGS)
{
	char	   *text = crm_model_print(cluster_model_arg(PG_GETARG_DATUM(0)), cluster_names_to_utf8);

	if (text == NULL)
		elog(ERROR, "crm: crm.clusters binary size mismatch, please report a bug");
	PG_RETURN_CSTRING(text);
}

/* Binary output (crm_model_encode; names in the client encoding). */
PG_FUNCTION_INFO_V1(clusters_send);
Datum
clusters_send(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	size_t		n;
	uint8	   *bin = crm_model_encode(m, cluster_names_to_client, &n);
	bytea	   *out;

	if (bin == NULL)
		elog(ERROR, "crm: crm.clusters binary size mismatch, please report a bug");
	out = palloc(VARHDRSZ + n);
	SET_VARSIZE(out, VARHDRSZ + n);
	memcpy(VARDATA(out), bin, n);
	pfree(bin);
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
									 CRM_ERR_BINARY, cluster_names_from_client, &err);

	if (m == NULL)
		crm_ereport(&err);
	buf->cursor = buf->len;
	SET_VARSIZE(m, crm_model_value_size(m));
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

/*
 * Equality: the same fields, names and body, byte for byte, whatever the
 * format version (a model stored by crm 0.1.0 equals the same model built
 * now).
 */
PG_FUNCTION_INFO_V1(clusters_eq);
Datum
clusters_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(crm_model_equal(cluster_model_arg(PG_GETARG_DATUM(0)),
								   cluster_model_arg(PG_GETARG_DATUM(1))));
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

/* ------------------------------------------------------------ named features */

/* crm.feature_names(model): the names of its features, f1, f2, ... if none. */
PG_FUNCTION_INFO_V1(clusters_feature_names);
Datum
clusters_feature_names(PG_FUNCTION_ARGS)
{
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));

	PG_RETURN_ARRAYTYPE_P(cluster_names_array(crm_model_names(m), m->dims));
}

/*
 * crm.centroid_values(model): the centroids in long form, one row per
 * cluster and feature (features in model order, clusters in model order),
 * values in original units: the input of psql's \crosstabview.
 */
PG_FUNCTION_INFO_V1(clusters_centroid_values);
Datum
clusters_centroid_values(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(0));
	const void *names = crm_model_names(m);
	double	   *x = palloc(sizeof(double) * m->dims);
	text	  **feature = palloc(sizeof(text *) * m->dims);
	int			c,
				j;

	InitMaterializedSRF(fcinfo, 0);
	for (j = 0; j < m->dims; j++)
	{
		char		buf[16];
		uint32		len;
		const char *name = crm_names_display(names, j, buf, &len);

		feature[j] = cstring_to_text_with_len(name, (int) len);
	}
	for (c = 0; c < m->k; c++)
	{
		crm_model_unscale(m, crm_model_centroids(m) + (size_t) c * m->dims, x);
		for (j = 0; j < m->dims; j++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			CHECK_FOR_INTERRUPTS();
			values[0] = Int32GetDatum(c + 1);
			values[1] = PointerGetDatum(feature[j]);
			values[2] = Float8GetDatum(x[j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * Per call site of crm.assign_named and crm.nearest_distance_named: the
 * model through the argument cache (checked once per value), the key each
 * feature is looked up by, and scratch for one row.
 */
typedef struct NamedCache
{
	ArgCache	arg;			/* must be first */
	CrmModel   *m;				/* arg.value, checked */
	const char **key;			/* dims lookup keys (names, or f1, f2, ...) */
	uint32	   *key_len;
	char	   *key_text;		/* a readable list of the keys, for hints */
	double	   *x;				/* scratch: the row, then its scaled form */
	double	   *y;
} NamedCache;

/* The model argument through the cache (see NamedCache). */
static NamedCache *
NamedModel(FunctionCallInfo fcinfo)
{
	NamedCache *cache = (NamedCache *) fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL && cache->m != NULL && arg_cache_current(&cache->arg)))
		return cache;
	if (cache == NULL)
		cache = (NamedCache *) arg_cache_init(fcinfo, 0, sizeof(NamedCache));
	/* rebuilt for a new value, or after an error left it half built */
	if (arg_cache_update(&cache->arg, fcinfo, 0) || cache->m == NULL)
	{
		CrmModel   *m = (CrmModel *) cache->arg.value;
		MemoryContext old;
		StringInfoData list;
		CrmError	err = {0};
		int			j;

		cache->m = NULL;
		if (!crm_model_check(m, VARSIZE(cache->arg.value), &err))
		{
			cache->arg.valid = false;
			crm_ereport(&err);
		}
		old = MemoryContextSwitchTo(cache->arg.cxt);
		cache->key = palloc(sizeof(char *) * m->dims);
		cache->key_len = palloc(sizeof(uint32) * m->dims);
		cache->x = palloc(sizeof(double) * m->dims);
		cache->y = palloc(sizeof(double) * m->dims);
		initStringInfo(&list);
		for (j = 0; j < m->dims; j++)
		{
			char		buf[16];
			const char *name = crm_names_display(crm_model_names(m), j, buf, &cache->key_len[j]);

			cache->key[j] = pnstrdup(name, cache->key_len[j]);
			/* the first 20 names are enough to recognise them */
			if (j < 20)
				appendStringInfo(&list, "%s%s", j > 0 ? ", " : "", cache->key[j]);
		}
		if (m->dims > 20)
			appendStringInfo(&list, ", ... (%d features)", m->dims);
		cache->key_text = list.data;
		MemoryContextSwitchTo(old);
		cache->m = m;
	}
	return cache;
}

/* The error for feature j's value v (not a usable number); cold path. */
static void pg_attribute_noreturn()
NamedValueError(const NamedCache *cache, int j, const JsonbValue *v, const char *fname)
{
	const char *key = cache->key[j];

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the attributes have no feature \"%s\"", fname, key),
				 errhint("Every feature of the model needs a number: %s.", cache->key_text)));
	if (v->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: feature \"%s\" is null", fname, key)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: feature \"%s\" must be a number, got a JSON %s", fname, key,
					v->type == jbvBool ? "boolean" :
					(v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data)) ? "array" :
					"object")));
}

/*
 * Feature j's value from the attributes: a JSON number, or a string holding
 * one (as crm.score reads numbers), by the number rule: beyond float8 is
 * 22003, NaN or Infinity 22023, beyond +-1e100 22003 (crm_check_feature).
 */
static double
NamedValue(const NamedCache *cache, int j, JsonbValue *v, const char *fname)
{
	double		x;
	CrmError	err = {0};
	char	   *subject;

	if (v != NULL && v->type == jbvNumeric)
	{
		char	   *literal;

		if (unlikely(!crm_numeric_double(v->val.numeric, &x, &literal)))
		{
			subject = psprintf("%s: feature \"%s\"", fname, cache->key[j]);
			crm_error_out_of_range(&err, subject, literal, strlen(literal));
			crm_ereport(&err);
		}
	}
	else if (v != NULL && v->type == jbvString)
	{
		char		local[64];
		int			len = v->val.string.len;
		char	   *str = len < (int) sizeof(local) ? local : palloc(len + 1);
		const char *p;
		const char *end;
		CrmNumRead	status;

		memcpy(str, v->val.string.val, len);
		str[len] = '\0';
		p = crm_lex_skip_space(str);
		status = crm_lex_read_double(p, &end, &x);
		end = crm_lex_skip_space(end);
		if (status == CRM_NUM_NONE || *end != '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s: feature \"%s\" must be a number, got \"%s\"", fname, cache->key[j],
							len > 40 ? psprintf("%.40s...", str) : str)));
		if (status == CRM_NUM_RANGE)
		{
			subject = psprintf("%s: feature \"%s\"", fname, cache->key[j]);
			crm_error_out_of_range(&err, subject, str, strlen(str));
			crm_ereport(&err);
		}
		if (str != local)
			pfree(str);
	}
	else
		NamedValueError(cache, j, v, fname);
	if (unlikely(!(fabs(x) <= CRM_CLUSTER_MAX_ABS)))
	{
		subject = psprintf("%s: feature \"%s\"", fname, cache->key[j]);
		crm_check_feature(x, subject, &err);
		crm_ereport(&err);
	}
	return x;
}

/*
 * The model and one row read from the attributes jsonb by feature name,
 * scaled into cache->y (the checks of crm.assign); keys that are not
 * features are ignored, so to_jsonb(row) may carry other columns.
 */
static NamedCache *
ModelAndAttrs(FunctionCallInfo fcinfo, const char *fname)
{
	NamedCache *cache = NamedModel(fcinfo);
	CrmModel   *m = cache->m;
	Jsonb	   *jb = PG_GETARG_JSONB_P(1);
	CrmError	err = {0};
	int			j;

	if (!JsonContainerIsObject(&jb->root) || JsonContainerIsScalar(&jb->root))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the attributes must be a JSON object", fname),
				 errhint("For example to_jsonb(row), or jsonb_build_object('balance', balance, ...).")));
	for (j = 0; j < m->dims; j++)
	{
		JsonbValue	vbuf;
		JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, cache->key[j],
													 (int) cache->key_len[j], &vbuf);

		cache->x[j] = NamedValue(cache, j, v, fname);
	}
	if (!crm_model_scale_row(m, cache->x, cache->y, &err))
		crm_ereport(&err);
	return cache;
}

/* crm.assign_named(model, attrs jsonb): the nearest cluster, 1..k. */
PG_FUNCTION_INFO_V1(clusters_assign_named);
Datum
clusters_assign_named(PG_FUNCTION_ARGS)
{
	NamedCache *cache = ModelAndAttrs(fcinfo, "crm.assign_named");
	double		d2;

	PG_RETURN_INT32(crm_model_nearest(cache->m, cache->y, &d2) + 1);
}

/* crm.nearest_distance_named(model, attrs jsonb): distance to it (scaled space). */
PG_FUNCTION_INFO_V1(clusters_nearest_distance_named);
Datum
clusters_nearest_distance_named(PG_FUNCTION_ARGS)
{
	NamedCache *cache = ModelAndAttrs(fcinfo, "crm.nearest_distance_named");
	double		d2;

	crm_model_nearest(cache->m, cache->y, &d2);
	PG_RETURN_FLOAT8(sqrt(d2));
}
