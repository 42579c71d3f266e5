/*
 * silhouette.c
 *	  crm.silhouette_state (the state of crm.silhouette): type I/O and the
 *	  aggregate's transition, combine and final functions.
 *
 * The state is a validated type of its own (silhouette_core.h), not a
 * float8[] with bookkeeping in magic slots.  While aggregating it is held as
 * an expanded object in the aggregate context with room for the whole
 * sample, updated in place; it flattens to the compact stored form when
 * PostgreSQL needs a flat value.  As in kmeans_refine (see kmeans.c), a
 * flat state that arrives from outside (INITCOND, a worker's partial state)
 * is checked in full once and copied into our expanded object, which the
 * hot path recognises by its method table, a pointer no SQL value can
 * carry; so each row costs O(1) in state checks.
 *
 * The model must be the same on every row.  The expanded state keeps a
 * copy of it: a model argument that is stable for the state's life (Const
 * or Param) is compared once per state, anything else on every row (a byte
 * comparison, cheaper than the row's own work).  A state from outside
 * records only the model's fingerprint, k and dims; the first row's model
 * must match them, and then its copy is kept.
 */
#include "crm.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "clustering.h"
#include "silhouette_core.h"
#include "validate.h"

#define SILHOUETTE "crm.silhouette"

/* ------------------------------------------------------------ type I/O */

/* A valid flat state from an argument (flattened if expanded), 22023 if not. */
static CrmSilhouette *
SilhouetteArg(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);
	CrmSilhouette *s = (CrmSilhouette *) v;
	CrmError	err = {0};

	if (!crm_silhouette_check(s, VARSIZE(v), &err))
		cluster_state_error(SILHOUETTE, &err);
	return s;
}

/* Text input: the compact form only (crm64:...), checked. */
PG_FUNCTION_INFO_V1(silhouette_state_in);
Datum
silhouette_state_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};
	CrmSilhouette *s = crm_silhouette_parse(PG_GETARG_CSTRING(0), &err);

	if (s == NULL)
		crm_ereport(&err);
	SET_VARSIZE(s, crm_silhouette_size(s->dims, s->used));
	PG_RETURN_POINTER(s);
}

/* Text output: the compact form. */
PG_FUNCTION_INFO_V1(silhouette_state_out);
Datum
silhouette_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(crm_silhouette_print(SilhouetteArg(PG_GETARG_DATUM(0))));
}

/* Binary output (crm_silhouette_encode). */
PG_FUNCTION_INFO_V1(silhouette_state_send);
Datum
silhouette_state_send(PG_FUNCTION_ARGS)
{
	CrmSilhouette *s = SilhouetteArg(PG_GETARG_DATUM(0));
	size_t		n = crm_silhouette_binary_size(s);
	bytea	   *out = palloc(VARHDRSZ + n);

	if (!crm_silhouette_encode(s, VARDATA(out)))
		elog(ERROR, "crm: crm.silhouette_state binary size mismatch, please report a bug");
	SET_VARSIZE(out, VARHDRSZ + n);
	PG_RETURN_BYTEA_P(out);
}

/* Binary input: structure errors 22P03, contents checked as in text. */
PG_FUNCTION_INFO_V1(silhouette_state_recv);
Datum
silhouette_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmSilhouette *s = crm_silhouette_decode(buf->data + buf->cursor, buf->len - buf->cursor,
											 CRM_ERR_BINARY, &err);

	if (s == NULL)
		crm_ereport(&err);
	buf->cursor = buf->len;
	SET_VARSIZE(s, crm_silhouette_size(s->dims, s->used));
	PG_RETURN_POINTER(s);
}

/* ------------------------------------------------------------ the state */

/* The transition state while aggregating (see the file header). */
typedef struct SilState
{
	ExpandedObjectHeader hdr;
	CrmSilhouette *s;			/* room for the whole sample */
	int		   *heap;			/* the sample's max-heap by hash */
	CrmModel   *model;			/* copy of the model; NULL before the first row */
	double	   *entry;			/* scratch: one entry */
	bool		model_checked;	/* a stable model argument matched, once */
} SilState;

/* Flat size: the entries in use. */
static Size
SilGetFlatSize(ExpandedObjectHeader *eohptr)
{
	CrmSilhouette *s = ((SilState *) eohptr)->s;

	return crm_silhouette_size(s->dims, s->used);
}

/* Flatten the state into PostgreSQL's buffer. */
static void
SilFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	CrmSilhouette *s = ((SilState *) eohptr)->s;
	Size		size = crm_silhouette_size(s->dims, s->used);

	Assert(allocated_size == size);
	memcpy(result, s, size);
	SET_VARSIZE(result, size);
}

static const ExpandedObjectMethods sil_methods = {
	SilGetFlatSize,
	SilFlattenInto
};

/* A new expanded state holding a copy of the valid state from. */
static SilState *
SilStateNew(MemoryContext aggctx, const CrmSilhouette *from)
{
	MemoryContext cxt = AllocSetContextCreate(aggctx, "crm.silhouette state",
											  ALLOCSET_DEFAULT_SIZES);
	SilState   *st = MemoryContextAllocZero(cxt, sizeof(SilState));

	EOH_init_header(&st->hdr, &sil_methods, cxt);
	st->s = MemoryContextAllocHuge(cxt, crm_silhouette_size(from->dims, CRM_SILHOUETTE_SAMPLE));
	memcpy(st->s, from, crm_silhouette_size(from->dims, from->used));
	st->heap = MemoryContextAlloc(cxt, sizeof(int) * CRM_SILHOUETTE_SAMPLE);
	crm_silhouette_heapify(st->s, st->heap);
	st->entry = MemoryContextAlloc(cxt, sizeof(double) * ((size_t) from->dims + 2));
	return st;
}

/* Keep a copy of the (matching, valid) model in the state. */
static void
SilStateSetModel(SilState *st, const CrmModel *m)
{
	size_t		size = crm_model_value_size(m);

	st->model = MemoryContextAllocHuge(st->hdr.eoh_context, size);
	memcpy(st->model, m, size);
}

/* Our expanded state, if d is one (read-write only when rw is set). */
static SilState *
SilStateOf(Datum d, bool rw)
{
	Pointer		p = DatumGetPointer(d);

	if (rw ? VARATT_IS_EXTERNAL_EXPANDED_RW(p) : VARATT_IS_EXTERNAL_EXPANDED(p))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &sil_methods)
			return (SilState *) eoh;
	}
	return NULL;
}

/* A state to read: ours as it is, anything else checked in full. */
static const CrmSilhouette *
SilReadArg(Datum d)
{
	SilState   *st = SilStateOf(d, false);

	return st ? st->s : SilhouetteArg(d);
}

/* The state argument to update in place: ours, or a checked private copy. */
static SilState *
SilStateArg(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	SilState   *st = SilStateOf(PG_GETARG_DATUM(0), true);

	return st ? st : SilStateNew(aggctx, SilhouetteArg(PG_GETARG_DATUM(0)));
}

/* The model of this row must be the state's (see the file header). */
static void
SilCheckModel(FunctionCallInfo fcinfo, SilState *st)
{
	bool		same;

	if (st->model_checked)
		return;
	if (st->model == NULL)
	{
		CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(1));

		same = m->k == st->s->k && m->dims == st->s->dims &&
			crm_model_fingerprint(m) == st->s->model;
		if (same)
			SilStateSetModel(st, m);
	}
	else
		same = cluster_model_matches(st->model, PG_GETARG_DATUM(1));
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model must be the same on every row of %s", SILHOUETTE),
				 st->model ? 0 : errdetail("The state was built with another model.")));
	st->model_checked = cluster_agg_arg_stable(fcinfo, 0);
}

/* ------------------------------------------------------------ aggregate */

/* Transition: offer the row to the sample. */
PG_FUNCTION_INFO_V1(silhouette_transfn);
Datum
silhouette_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, SILHOUETTE);
	SilState   *st;
	const double *x;
	int			dims;
	CrmError	err = {0};

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of %s must not be NULL", SILHOUETTE)));
	if (PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		CrmModel   *m = cluster_model_arg(PG_GETARG_DATUM(1));

		st = SilStateNew(aggctx, crm_silhouette_new(m));
		SilStateSetModel(st, m);
		st->model_checked = cluster_agg_arg_stable(fcinfo, 0);
	}
	else
	{
		st = SilStateArg(fcinfo, aggctx);
		SilCheckModel(fcinfo, st);
	}
	x = cluster_features(PG_GETARG_ARRAYTYPE_P(2), st->s->dims, &dims);
	if (!crm_silhouette_add(st->s, st->heap, st->model, x, st->entry, &err))
		crm_ereport(&err);
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Combine: merge the second sample into the first (same model). */
PG_FUNCTION_INFO_V1(silhouette_combinefn);
Datum
silhouette_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, SILHOUETTE);
	SilState   *st;
	const CrmSilhouette *b;
	CrmError	err = {0};

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = SilReadArg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		st = SilStateNew(aggctx, b);	/* a private copy to write into */
	else
	{
		st = SilStateArg(fcinfo, aggctx);
		if (!crm_silhouette_combine(st->s, st->heap, b, &err))
			crm_ereport(&err);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Final: the mean silhouette of the sample; NULL below two clusters. */
PG_FUNCTION_INFO_V1(silhouette_finalfn);
Datum
silhouette_finalfn(PG_FUNCTION_ARGS)
{
	double		v;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = crm_silhouette_value(SilReadArg(PG_GETARG_DATUM(0)));
	if (isnan(v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}
