/*
 * kmeans.c
 *	  k-means: the crm.kmeans aggregate (it sketches its rows, see sketch.c,
 *	  and clusters the sketch in its final function), crm.kmeans on a
 *	  stored sketch, the crm.kmeans_refine aggregate and crm.kmeans_scan.
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

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "clustering.h"
#include "kmeans_core.h"
#include "kmeans_scan_core.h"
#include "silhouette_core.h"
#include "validate.h"

/* ------------------------------------------------------------ crm.kmeans */

/*
 * Transition of crm.kmeans(features, k [, options]): the rows are sketched
 * (cluster_sketch_transition) with k recorded in the state; k must not be
 * NULL, must pass CheckK and must be the same on every row.
 */
PG_FUNCTION_INFO_V1(kmeans_transfn);
Datum
kmeans_transfn(PG_FUNCTION_ARGS)
{
	int			k;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be NULL")));
	if (PG_ARGISNULL(1) && PG_ARGISNULL(0))
		PG_RETURN_NULL();
	k = PG_GETARG_INT32(2);
	CheckK(k);
	return cluster_sketch_transition(fcinfo, k, 3, "crm.kmeans");
}

/*
 * Cluster a sketch; emits the NOTICE for fewer distinct points than k.  The
 * model is checked as its input functions would check it.
 */
static CrmModel *
SketchToModel(const CrmSketch *s, int k, const CrmClusterOptions *o, const void *names)
{
	CrmError	err = {0};
	CrmModel   *m;
	int			found;

	m = crm_kmeans_sketch(s, k, o, names, &found, &err);
	if (m == NULL)
		crm_ereport(&err);
	if (found < k)
		ereport(NOTICE,
				(errmsg("k-means found %d clusters instead of %d", found, k),
				 errdetail("The input has only %d distinct points.", found)));
	return cluster_model_return(m);
}

/*
 * Final function of crm.kmeans: clusters the sketched rows into k clusters
 * (NULL for no rows). The state must be a k-means state, not a plain sketch
 * someone handed it.
 */
PG_FUNCTION_INFO_V1(kmeans_finalfn);
Datum
kmeans_finalfn(PG_FUNCTION_ARGS)
{
	const CrmSketch *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = cluster_sketch_state_arg(PG_GETARG_DATUM(0));
	if (s->k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the final function of crm.kmeans needs a k-means state, got a sketch with k = 0"),
				 errhint("Cluster a sketch with crm.kmeans(sketch, k).")));
	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(SketchToModel(s, s->k, &s->opt, NULL));
}

/*
 * Options for clustering a stored sketch: its own, overridden by opts.
 * Option "names" names the features of a sketch without names (*names gets
 * the block), or must repeat the sketch's own (*names is left NULL: the
 * model takes the sketch's).
 */
static void
SketchKmeansOptions(const CrmSketch *s, Jsonb *opts, CrmClusterOptions *o, void **names)
{
	int			set;
	void	   *given = NULL;

	*o = s->opt;
	*names = NULL;
	set = cluster_parse_options(opts, o, &given);
	if (set & CRM_OPT_NAMES)
	{
		cluster_check_names(given, s->dims);
		if (crm_names_count(crm_sketch_names(s)) == 0)
			*names = given;
		else if (!crm_names_equal(crm_sketch_names(s), given))
		{
			CrmError	err = {0};

			crm_names_error_differ(&err, crm_sketch_names(s), given,
								   "option \"names\" differs from the feature names of the sketch");
			crm_error_hint(&err, "Feature names are a property of the sketch: give the same ones, or none.");
			crm_ereport(&err);
		}
	}
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

/*
 * crm.kmeans(sketch, k, options): k-means on a stored sketch, with the
 * sketch's options overridden by those given (see SketchKmeansOptions).
 */
PG_FUNCTION_INFO_V1(kmeans_sketch);
Datum
kmeans_sketch(PG_FUNCTION_ARGS)
{
	CrmSketch  *s;
	int			k;
	CrmClusterOptions o;
	void	   *names;

	/* not STRICT, so that a NULL options argument means the defaults */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be NULL")));
	s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	k = PG_GETARG_INT32(1);

	CheckK(k);
	SketchKmeansOptions(s, (PG_NARGS() > 2 && !PG_ARGISNULL(2)) ? PG_GETARG_JSONB_P(2) : NULL, &o,
						&names);
	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(SketchToModel(s, k, &o, names));
}

/* ------------------------------------------------------------ kmeans_refine */

/* the aggregate's name in messages */
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
RefineGetFlatSize(ExpandedObjectHeader *eohptr)
{
	return VARSIZE(((RefineState *) eohptr)->acc);
}

/* Flatten the state into PostgreSQL's buffer. */
static void
RefineFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	RefineState *st = (RefineState *) eohptr;

	Assert(allocated_size == VARSIZE(st->acc));
	memcpy(result, st->acc, VARSIZE(st->acc));
}

/* its methods; their address identifies our objects (see RefineStateOf) */
static const ExpandedObjectMethods refine_methods = {
	RefineGetFlatSize,
	RefineFlattenInto
};

/* A new expanded state in the aggregate context holding a copy of acc. */
static RefineState *
RefineStateNew(MemoryContext aggctx, const CrmModel *acc)
{
	/* small blocks: one state per group, often of a few kB */
	MemoryContext cxt = AllocSetContextCreate(aggctx, "crm.kmeans_refine state",
											  ALLOCSET_SMALL_SIZES);
	RefineState *st = MemoryContextAllocZero(cxt, sizeof(RefineState));
	size_t		size = crm_model_value_size(acc);

	EOH_init_header(&st->hdr, &refine_methods, cxt);
	st->acc = MemoryContextAllocHuge(cxt, size);
	memcpy(st->acc, acc, size);
	SET_VARSIZE(st->acc, size);
	st->y = MemoryContextAlloc(cxt, sizeof(double) * acc->dims);
	return st;
}

/* Our expanded state, if d is one (read-write only when rw is set). */
static RefineState *
RefineStateOf(Datum d, bool rw)
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
RefineAccArg(Datum d)
{
	RefineState *st = RefineStateOf(d, false);
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
RefineStateArg(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	RefineState *st = RefineStateOf(PG_GETARG_DATUM(0), true);

	return st ? st : RefineStateNew(aggctx, RefineAccArg(PG_GETARG_DATUM(0)));
}

/*
 * The model argument must define the same assignment as the state on every
 * row: compared on every row, or once per state when it is stable.
 */
static void
RefineCheckModel(FunctionCallInfo fcinfo, RefineState *st)
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
PG_FUNCTION_INFO_V1(kmeans_refine_transfn);
Datum
kmeans_refine_transfn(PG_FUNCTION_ARGS)
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

		st = RefineStateNew(aggctx, acc);
		st->model_checked = cluster_agg_arg_stable(fcinfo, 0);
	}
	else
	{
		st = RefineStateArg(fcinfo, aggctx);
		RefineCheckModel(fcinfo, st);
	}
	x = cluster_features(PG_GETARG_ARRAYTYPE_P(2), st->acc->dims, &dims);
	if (!crm_refine_add(st->acc, x, st->y, &err))
		crm_ereport(&err);
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Combine: add the second accumulator into the first (same model). */
PG_FUNCTION_INFO_V1(kmeans_refine_combinefn);
Datum
kmeans_refine_combinefn(PG_FUNCTION_ARGS)
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
	b = RefineAccArg(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		st = RefineStateNew(aggctx, b);	/* a private copy to write into */
	else
	{
		st = RefineStateArg(fcinfo, aggctx);
		if (!crm_refine_combine(st->acc, b, &err))
			crm_ereport(&err);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* Final: the refined model, checked like input. */
PG_FUNCTION_INFO_V1(kmeans_refine_finalfn);
Datum
kmeans_refine_finalfn(PG_FUNCTION_ARGS)
{
	CrmModel   *m;
	CrmError	err = {0};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = crm_refine_finish(RefineAccArg(PG_GETARG_DATUM(0)), &err);
	if (m == NULL)
		crm_ereport(&err);
	PG_RETURN_POINTER(cluster_model_return(m));
}

/* ------------------------------------------------------------ kmeans_scan */

/* a representative's hash and index, sorted to pick the sample */
typedef struct HashIdx
{
	uint64		hash;
	int			idx;
} HashIdx;

/* qsort order of ScanSample's entries: hash, then index (a total order). */
static int
HashIdxCmp(const void *a, const void *b)
{
	const HashIdx *x = a;
	const HashIdx *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * The silhouette sample of crm.kmeans_scan: the CRM_SILHOUETTE_SAMPLE
 * representatives with the smallest hash of their bytes (weight, scatter,
 * coordinates), all of them when there are fewer, in hash order.  So the
 * sample, and the order of the silhouette's sums, depend on the set of
 * representatives, not on the order the rows arrived in.  Returns their
 * indexes, *ns their number.
 */
static int *
ScanSample(const CrmSketch *s, int *ns)
{
	int			d = s->dims;
	int			n = s->nreps;
	int		   *pick = palloc(sizeof(int) * Max(n, 1));
	HashIdx    *h = palloc(sizeof(HashIdx) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		h[i].hash = crm_hash_bytes64(crm_sketch_reps(s) + (size_t) i * (d + 2),
									 sizeof(double) * (d + 2), 0x5eed);
		h[i].idx = i;
	}
	qsort(h, n, sizeof(HashIdx), HashIdxCmp);
	*ns = Min(n, CRM_SILHOUETTE_SAMPLE);
	for (i = 0; i < *ns; i++)
		pick[i] = h[i].idx;
	pfree(h);
	return pick;
}

/*
 * The sampled representatives in model m's space (y, ns x dims), their
 * weights and their clusters.
 */
static void
ScanLabelSample(const CrmSketch *s, const CrmModel *m, const int *pick, int ns,
				double *y, double *w, int *labels)
{
	int			d = s->dims;
	int			i;

	for (i = 0; i < ns; i++)
	{
		const double *r = crm_sketch_reps(s) + (size_t) pick[i] * (d + 2);
		double		d2;
		int			j;

		if ((i & 255) == 255)
			CHECK_FOR_INTERRUPTS();
		w[i] = r[0];
		for (j = 0; j < d; j++)
			y[(size_t) i * d + j] = m->scale == CRM_SCALE_ATAN ? r[2 + j] :
				(r[2 + j] - crm_model_center(m)[j]) * crm_model_factor(m)[j];
		labels[i] = crm_model_nearest(m, y + (size_t) i * d, &d2);
	}
}

/* Why the scan recommends its k, for the reason column (see kmeans_scan_core.h). */
static char *
ScanReason(const CrmScanChoice *ch, const int *ks, const double *sil, const CrmSketch *s, int ns)
{
	StringInfoData r;

	initStringInfo(&r);
	switch (ch->reason)
	{
		case CRM_SCAN_NONE:
			return NULL;
		case CRM_SCAN_SILHOUETTE:
			appendStringInfo(&r, "highest silhouette (%.3f)", sil[ch->pick]);
			if (ch->elbow == ch->pick)
				appendStringInfoString(&r, ", also the elbow of the SSE curve");
			else if (ch->elbow >= 0)
				appendStringInfo(&r, "; the elbow of the SSE curve is at k = %d", ks[ch->elbow]);
			break;
		case CRM_SCAN_SILHOUETTE_TIE:
			if (ch->pick == ch->best)
				appendStringInfo(&r, "highest silhouette (%.3f)", sil[ch->pick]);
			else
				appendStringInfo(&r, "silhouette %.3f, tied with the highest (%.3f at k = %d)",
								 sil[ch->pick], sil[ch->best], ks[ch->best]);
			appendStringInfo(&r, "; of the %d k within %.2f of the highest silhouette, "
							 "the SSE curve bends most here (Kneedle)", ch->tied, CRM_SCAN_TIE);
			break;
		case CRM_SCAN_ELBOW_WEAK:
			appendStringInfo(&r, "elbow of the SSE curve (Kneedle): the highest silhouette, %.3f at k = %d, "
							 "is at most %.2f (no substantial cluster structure), so it cannot choose",
							 sil[ch->best], ks[ch->best], CRM_SCAN_STRUCTURE);
			break;
		case CRM_SCAN_ELBOW_NO_SILHOUETTE:
			appendStringInfoString(&r, "elbow of the SSE curve (Kneedle); no silhouette (fewer than two clusters)");
			break;
		case CRM_SCAN_SILHOUETTE_NO_ELBOW:
			appendStringInfo(&r, "highest silhouette (%.3f), though at most %.2f (no substantial cluster structure); "
							 "no elbow (fewer than three k, or an SSE curve without a bend)",
							 sil[ch->pick], CRM_SCAN_STRUCTURE);
			break;
	}
	if (ch->best >= 0)
	{
		if (s->flags & CRM_SKETCH_REDUCED)
			appendStringInfo(&r, "; silhouettes over %d of the sketch's %d representatives (of " INT64_FORMAT " rows)",
							 ns, s->nreps, s->rows);
		else
			appendStringInfo(&r, "; silhouettes over %d of the " INT64_FORMAT " rows", ns, s->rows);
	}
	return r.data;
}

/*
 * crm.kmeans_scan(sketch, kmin, kmax [, options]): for every k in
 * kmin..kmax, k-means on the sketch (its options, overridden by those given,
 * as crm.kmeans(sketch, k, options) takes them) and the mean silhouette of a
 * fixed sample of its representatives in the model's space; then the
 * recommended k and why (kmeans_scan_core.h).  Stops with a NOTICE at the
 * first k that finds fewer clusters than asked.  Not STRICT: a NULL sketch
 * gives no rows, NULL options the sketch's own.
 */
PG_FUNCTION_INFO_V1(kmeans_scan);
Datum
kmeans_scan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmSketch  *s;
	int			kmin;
	int			kmax;
	int			d;
	int			ns;
	int		   *pick;
	double	   *y;
	double	   *w;
	int		   *labels;
	int			k;
	int			n = 0;
	int		   *ks;
	double	   *sse;
	double	   *sil;
	CrmClusterOptions o;
	void	   *names;
	CrmScanChoice choice;
	char	   *reason;
	int			i;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", PG_ARGISNULL(1) ? "kmin" : "kmax")));
	kmin = PG_GETARG_INT32(1);
	kmax = PG_GETARG_INT32(2);
	CheckK(kmin);
	CheckK(kmax);
	if (kmin > kmax)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("kmin must be at most kmax, got %d and %d", kmin, kmax)));
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	s = cluster_sketch_arg(PG_GETARG_DATUM(0));
	SketchKmeansOptions(s, (PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? PG_GETARG_JSONB_P(3) : NULL, &o,
						&names);
	if (s->rows == 0)
		return (Datum) 0;
	d = s->dims;
	pick = ScanSample(s, &ns);
	y = palloc(sizeof(double) * (size_t) ns * d);
	w = palloc(sizeof(double) * ns);
	labels = palloc(sizeof(int) * ns);
	ks = palloc(sizeof(int) * (kmax - kmin + 1));
	sse = palloc(sizeof(double) * (kmax - kmin + 1));
	sil = palloc(sizeof(double) * (kmax - kmin + 1));

	for (k = kmin; k <= kmax; k++)
	{
		CrmError	err = {0};
		int			found;
		CrmModel   *m = crm_kmeans_sketch(s, k, &o, NULL, &found, &err);

		CHECK_FOR_INTERRUPTS();
		if (m == NULL)
			crm_ereport(&err);
		if (found < k)
		{
			ereport(NOTICE,
					(errmsg("k-means found only %d clusters; kmeans_scan stops at k = %d", found, k - 1)));
			break;
		}
		ScanLabelSample(s, m, pick, ns, y, w, labels);
		ks[n] = k;
		sse[n] = m->total_sse;
		sil[n] = crm_silhouette_weighted(y, w, labels, ns, d, m->k);
		n++;
		pfree(m);
	}
	crm_scan_choose(ks, sse, sil, n, &choice);
	reason = ScanReason(&choice, ks, sil, s, ns);
	for (i = 0; i < n; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, true};

		values[0] = Int32GetDatum(ks[i]);
		values[1] = Float8GetDatum(sse[i]);
		values[2] = Float8GetDatum(sil[i]);
		nulls[2] = isnan(sil[i]);
		values[3] = BoolGetDatum(i == choice.pick);
		if (i == choice.pick)
		{
			values[4] = CStringGetTextDatum(reason);
			nulls[4] = false;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
