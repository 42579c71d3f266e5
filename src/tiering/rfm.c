/*
 * rfm.c
 *	  RFM analysis: crm.quantile_score(value [, n]) OVER (...), the
 *	  tie-safe quantile scores, and crm.rfm_segment(r, f, m), the standard
 *	  RFM segment map.
 *
 * Quantile scores.  With N non-NULL values in the partition and L(v) the
 * number of them strictly less than v, the score is
 * min(n, floor(n * L(v) / N) + 1): 1 for the lowest values, n for the
 * highest.  Unlike ntile(), equal values always get the same score, and the
 * result does not depend on the window's ORDER BY.  Integer arithmetic
 * throughout, so it is exact.  L is computed for every row in one pass over
 * the sorted partition; n may vary by row.
 *
 * Segment maps.  crm.rfm_segment(r, f, m) reads the standard map for
 * scores 1..5: frequency and monetary value are combined as
 * fm = floor((f + m) / 2) and the segment is read off a 5 x 5 grid of
 * recency against fm, so every (r, f, m) has exactly one of the eleven
 * segments.  crm.rfm_segment(r, f, m, map) takes the map as a value, a
 * jsonb document of ordered rules over scores of any range 1..n (deciles,
 * percentiles), checked when it is read (rfm_core.h: no gaps, no rule that
 * never matches) and compiled into a lookup table that the call site
 * keeps, keyed by the map's value (argcache.h).  crm.rfm_standard_map(n)
 * prints the standard map scaled to n-point scores; crm.rfm_grid(map)
 * lists the segment of every (r, fm) cell.  README.md ("RFM") prints the
 * grid.
 */
#include "crm.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "argcache.h"
#include "jsonb_form.h"
#include "partition.h"
#include "rfm_core.h"
#include "validate.h"

#define MAX_SCORE 1000

/*
 * Per row: L, the number of values strictly below (-1 for NULL rows).
 *
 * The tie-safe quantile definition.  L / N is the left limit F(v-) of the
 * empirical distribution function at v, the share of the partition
 * strictly below the row, and the score is the n-quantile class that share
 * falls in, floor(n * F(v-)) + 1.  F(v-) depends on v only, so equal values
 * share a score, where ntile() numbers rows and may split a run of equal
 * values between two classes.  (Hyndman and Fan, "Sample quantiles in
 * statistical packages", The American Statistician 50 (1996) 361-365,
 * review the definitions that interpolate between order statistics
 * instead; a class needs no interpolation.)  On the partition sorted
 * ascending, L of a run of equal values is the index of its first element,
 * so one pass computes every row's L.
 */
static void
ComputeBelow(WindowObject winobj, PartitionState *ps)
{
	PartitionEntry *e = partition_load_sorted(winobj, ps, false, "crm.quantile_score");
	int64	   *below = partition_alloc_results(ps, sizeof(int64));
	int64		i;
	int64		j;

	for (i = 0; i < ps->rows; i++)
		below[i] = -1;
	for (i = 0; i < ps->n; i = j)
		for (j = i; j < ps->n && e[j].value == e[i].value; j++)
			below[e[j].pos] = i;
	ps->results = below;
	pfree(e);
	ps->ready = true;
}

/*
 * crm.quantile_score(value [, n]) OVER (...): min(n, floor(n * L / N) + 1),
 * NULL for a NULL value.
 */
PG_FUNCTION_INFO_V1(quantile_score_window);
Datum
quantile_score_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	PartitionState *ps = partition_state(winobj);
	int32		n = 5;
	int64		below;
	int64		score;
	bool		isnull;

	if (PG_NARGS() >= 2)
	{
		Datum		dn = WinGetFuncArgCurrent(winobj, 1, &isnull);

		if (isnull)
			PG_RETURN_NULL();
		n = DatumGetInt32(dn);
		CheckIntRange(n, 1, MAX_SCORE, "n");
	}

	if (!ps->ready)
		ComputeBelow(winobj, ps);

	below = ((int64 *) ps->results)[WinGetCurrentPosition(winobj)];
	if (below < 0)
		PG_RETURN_NULL();
	/* n <= 1000 and below < 2^53, so n * below cannot overflow */
	score = (int64) n * below / ps->n + 1;
	PG_RETURN_INT32((int32) Min(score, (int64) n));
}

/*
 * crm.rfm_segment(r, f, m): the segment of the grid cell (r, floor((f + m)
 * / 2)) of the standard map, as in 0.1.0.
 */
PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);

	CheckIntRange(r, 1, 5, "r");
	CheckIntRange(f, 1, 5, "f");
	CheckIntRange(m, 1, 5, "m");
	PG_RETURN_TEXT_P(cstring_to_text(crm_rfm_standard_segment(r, f, m)));
}

/* ----------------------------------------------------------------------
 * Segment maps as values
 * ---------------------------------------------------------------------- */

/* How the map's JSON form names itself in errors (jsonb_form.h). */
static const JsonbForm RfmForm = {
	.what = "RFM map",
	.hint = "An RFM map is {\"scale\": n, \"segments\": [{\"segment\": \"champions\", \"r\": [4, 5], \"fm\": [4, 5]}, ...]}: rules tried in order, each bounding some of r, f, m and fm; crm.rfm_standard_map(n) prints the standard one.",
};

/*
 * A whole number of the map (a score or the scale) as int64; what is not
 * a whole number is the form's error, a magnitude beyond any scale the
 * core's wording (outside the scores).
 */
static int64
JsonWhole(const JsonbValue *v, const char *path, const char *subject, int64 scale)
{
	double		d = jsonb_form_number(&RfmForm, v, path, subject);

	if (d != floor(d))
		jsonb_form_error(&RfmForm, path, psprintf("must be a whole number, got %s", float8out_internal(d)));
	if (fabs(d) > 1e9)
	{
		if (scale < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("RFM map: scale must be between 1 and %d, got %s",
							CRM_RFM_MAX_SCALE, float8out_internal(d))));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("RFM map: %s: %s is outside the scores 1..%lld", subject,
						float8out_internal(d), (long long) scale)));
	}
	return (int64) d;
}

/* A rule's range of one dimension: a score, or [lowest, highest]. */
static void
JsonRange(const JsonbValue *v, const char *path, int64 scale, int64 *lo, int64 *hi)
{
	if (jsonb_form_is_array(v))
	{
		int			n;
		JsonbValue *elems;

		if (jsonb_form_array_length(&RfmForm, v, path) != 2)
			jsonb_form_error(&RfmForm, path, "must be a score or [lowest, highest]");
		elems = jsonb_form_elements(&RfmForm, v, path, &n);
		*lo = JsonWhole(&elems[0], psprintf("%s[0]", path), path, scale);
		*hi = JsonWhole(&elems[1], psprintf("%s[1]", path), path, scale);
	}
	else if (v->type == jbvNumeric)
		*lo = *hi = JsonWhole(v, path, path, scale);
	else
		jsonb_form_error(&RfmForm, path, "must be a score or [lowest, highest]");
}

/*
 * Read a map from jsonb and build it (rfm_core.h) in the current memory
 * context, which also holds what reading it allocates.  Without
 * "segments" the map is the standard one at its scale.
 */
static CrmRfmMap *
ParseMap(Jsonb *jb)
{
	static const char *const top_keys[] = {"scale", "segments", NULL};
	static const char *const rule_keys[] = {"segment", "r", "f", "m", "fm", NULL};
	JsonbContainer *root = &jb->root;
	JsonbValue *sv;
	JsonbValue *segs;
	int64		scale = 5;
	CrmRfmRule *rules;
	int			nrules;
	CrmRfmMap  *map;
	CrmError	err = {0};
	int			i;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		jsonb_form_error(&RfmForm, "the map", "must be a JSON object");
	jsonb_form_check_keys(&RfmForm, root, top_keys, "the map");
	sv = jsonb_form_get(root, "scale");
	if (sv != NULL)
		scale = JsonWhole(sv, "scale", "scale", -1);
	segs = jsonb_form_get(root, "segments");
	if (segs == NULL)
	{
		rules = palloc(sizeof(CrmRfmRule) * CRM_RFM_STANDARD_RULES);
		nrules = (scale >= 1 && scale <= CRM_RFM_MAX_SCALE) ? crm_rfm_standard_rules((int) scale, rules) : 0;
	}
	else
	{
		JsonbValue *elems;

		nrules = jsonb_form_array_length(&RfmForm, segs, "segments");
		if (nrules > CRM_RFM_MAX_RULES || scale < 1 || scale > CRM_RFM_MAX_SCALE)
		{
			/* the core's limit or scale error, before reading the rules */
			map = crm_rfm_map_build(scale, NULL, nrules, &err);
			Assert(map == NULL);
			crm_ereport(&err);
		}
		elems = jsonb_form_elements(&RfmForm, segs, "segments", &nrules);
		rules = palloc0(sizeof(CrmRfmRule) * Max(nrules, 1));
		for (i = 0; i < nrules; i++)
		{
			char	   *path = psprintf("segments[%d]", i);
			JsonbContainer *obj;
			int			len = 0;
			int			d;

			if (!jsonb_form_is_object(&elems[i]))
				jsonb_form_error(&RfmForm, path, "must be an object");
			obj = elems[i].val.binary.data;
			jsonb_form_check_keys(&RfmForm, obj, rule_keys, path);
			rules[i].segment = jsonb_form_string(&RfmForm, jsonb_form_get(obj, "segment"),
												 psprintf("%s.segment", path), &len);
			if (rules[i].segment == NULL)
				jsonb_form_error(&RfmForm, path, "needs a \"segment\"");
			rules[i].segment_len = (uint32) len;
			for (d = 0; d < CRM_RFM_NDIMS; d++)
			{
				JsonbValue *rv = jsonb_form_get(obj, crm_rfm_dim_names[d]);

				if (rv == NULL)
					continue;
				rules[i].bounded[d] = true;
				JsonRange(rv, psprintf("%s.%s", path, crm_rfm_dim_names[d]), scale,
						  &rules[i].lo[d], &rules[i].hi[d]);
			}
		}
	}
	map = crm_rfm_map_build(scale, rules, nrules, &err);
	if (map == NULL)
		crm_ereport(&err);
	return map;
}

/* per call site: the map (through the argument cache) and its segment texts */
typedef struct RfmCache
{
	ArgCache	arg;			/* must be first */
	CrmRfmMap  *map;
	text	  **segments;		/* per rule, prebuilt */
} RfmCache;

/*
 * The map in argument argno, built once per new value (argcache.h: keyed
 * by the value, so a PL/pgSQL variable or a generic plan's parameter that
 * changes gets its own map).
 */
static RfmCache *
GetMap(FunctionCallInfo fcinfo, int argno)
{
	RfmCache   *cache = (RfmCache *) fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return cache;
	if (cache == NULL)
		cache = (RfmCache *) arg_cache_init(fcinfo, argno, sizeof(RfmCache));
	if (arg_cache_update(&cache->arg, fcinfo, argno))
	{
		MemoryContext old;
		Jsonb	   *jb = (Jsonb *) cache->arg.value;
		int			i;

		/* invalid until built: an error below must not leave a half cache */
		cache->arg.valid = false;
		old = MemoryContextSwitchTo(cache->arg.cxt);
		cache->map = ParseMap(jb);
		cache->segments = palloc(sizeof(text *) * cache->map->nrules);
		for (i = 0; i < cache->map->nrules; i++)
			cache->segments[i] = cstring_to_text_with_len(cache->map->segments[i],
														  cache->map->segment_lens[i]);
		MemoryContextSwitchTo(old);
		cache->arg.valid = true;
	}
	return cache;
}

/*
 * crm.rfm_segment(r, f, m, map): the segment of the first rule of the map
 * that (r, f, m) matches; scores outside the map's 1..n are errors, with
 * the wording of the 5-point form.
 */
PG_FUNCTION_INFO_V1(rfm_segment_map);
Datum
rfm_segment_map(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);
	RfmCache   *cache = GetMap(fcinfo, 3);
	int			n = cache->map->scale;

	if (unlikely(r < 1 || r > n))
		CheckIntRange(r, 1, n, "r");
	if (unlikely(f < 1 || f > n))
		CheckIntRange(f, 1, n, "f");
	if (unlikely(m < 1 || m > n))
		CheckIntRange(m, 1, n, "m");
	PG_RETURN_TEXT_P(cache->segments[crm_rfm_map_rule(cache->map, r, f, m)]);
}

/*
 * crm.rfm_standard_map(n): the standard map scaled to n-point scores, as a
 * map document to store, read or edit.
 */
PG_FUNCTION_INFO_V1(rfm_standard_map);
Datum
rfm_standard_map(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);
	CrmRfmRule	rules[CRM_RFM_STANDARD_RULES];
	int			nrules;
	CrmOut		o = {0};

	CheckIntRange(n, 1, CRM_RFM_MAX_SCALE, "scale");
	nrules = crm_rfm_standard_rules(n, rules);
	crm_rfm_map_write_json(&o, n, rules, nrules);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(o.data));
}

/*
 * crm.rfm_grid(map): the segment of every (r, fm) cell, for maps whose
 * rules bound r and fm only (the usual shape; \crosstabview prints it as a
 * grid).
 */
PG_FUNCTION_INFO_V1(rfm_grid);
Datum
rfm_grid(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CrmRfmMap  *map = ParseMap(PG_GETARG_JSONB_P(0));
	int			r;
	int			fm;

	if (map->cube)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rfm_grid: the map has rules on f or m, so its segments are not a function of r and fm"),
				 errhint("List such a map with crm.rfm_segment(r, f, m, map) over generate_series(1, n) for each score.")));
	InitMaterializedSRF(fcinfo, 0);
	for (r = 1; r <= map->scale; r++)
	{
		CHECK_FOR_INTERRUPTS();
		for (fm = 1; fm <= map->scale; fm++)
		{
			int			rule = map->cells[(r - 1) * map->scale + (fm - 1)];
			Datum		values[3];
			bool		nulls[3] = {0};

			values[0] = Int32GetDatum(r);
			values[1] = Int32GetDatum(fm);
			values[2] = PointerGetDatum(cstring_to_text_with_len(map->segments[rule],
																 map->segment_lens[rule]));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
