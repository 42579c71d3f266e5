/*
 * tiers.c
 *	  crm.tiers type (I/O, equality, constructor, accessors), the tier
 *	  lookups crm.tier / crm.tier_index, including hysteresis, and the order
 *	  of labels, crm.tier_rank.
 *
 * The layout, parser, printer and binary form live in tiers_core.c, and
 * the type plumbing shared with the other rule-set types in ruleset.c;
 * this file adds the fmgr glue, NULL/NaN handling and the per-call-site
 * cache that keeps lookups close to the cost of a hand-written CASE chain.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "ruleset.h"
#include "tiers.h"
#include "validate.h"

/* Wrap a core-built scheme as a varlena. */
CrmTiers *
tiers_finish(CrmTiers *t, size_t size)
{
	SET_VARSIZE(t, size);
	return t;
}

/* Build from arrays of labels and bounds; raises the core's error. */
static CrmTiers *
BuildOrError(int ntiers, const double *bounds, const char *const *labels,
			 const uint32 *lens)
{
	CrmError	err = {0};
	size_t		size;
	CrmTiers   *t = crm_tiers_build(ntiers, bounds, labels, lens, &size, &err);

	if (t == NULL)
		crm_ereport(&err);
	return tiers_finish(t, size);
}

/* ----------------------------------------------------------------------
 * Type I/O, equality and hashing: the rule-set plumbing (ruleset.h) with
 * the core's parser, printer and binary form (tiers_core.h).
 * ---------------------------------------------------------------------- */

/* crm_tiers_parse for the descriptor. */
static void *
TiersParse(const char *str, size_t *size, CrmError *err)
{
	return crm_tiers_parse(str, size, err);
}

/* crm_tiers_print for the descriptor. */
static char *
TiersPrint(const void *value)
{
	return crm_tiers_print((const CrmTiers *) value);
}

/* crm_tiers_encode for the descriptor. */
static uint8_t *
TiersEncode(const void *value, CrmConvFn conv, size_t *len)
{
	return crm_tiers_encode((const CrmTiers *) value, conv, len);
}

/* crm_tiers_decode for the descriptor. */
static void *
TiersDecode(const void *buf, size_t len, CrmConvFn conv, size_t *size, CrmError *err)
{
	return crm_tiers_decode(buf, len, conv, size, err);
}

/*
 * crm.tiers: values come only from crm_tiers_build, so they are not
 * re-checked when read (crm_tiers_check rebuilds the value).
 */
static const RuleSetType TiersType = {
	.name = "crm.tiers",
	.parse = TiersParse,
	.print = TiersPrint,
	.encode = TiersEncode,
	.decode = TiersDecode,
	.check = NULL,
};

/* The text form, e.g. {mass, affluent >= 80000}. */
PG_FUNCTION_INFO_V1(tiers_in);
Datum
tiers_in(PG_FUNCTION_ARGS)
{
	return ruleset_in(&TiersType, fcinfo);
}

/* The canonical text form. */
PG_FUNCTION_INFO_V1(tiers_out);
Datum
tiers_out(PG_FUNCTION_ARGS)
{
	return ruleset_out(&TiersType, fcinfo);
}

/*
 * The binary form (tiers_core.h): uint8 format version, int32 tier count,
 * the bounds as float8, then each label as an int32 byte count and its
 * bytes (client encoding).
 */
PG_FUNCTION_INFO_V1(tiers_recv);
Datum
tiers_recv(PG_FUNCTION_ARGS)
{
	return ruleset_recv(&TiersType, fcinfo);
}

/* The binary form (see tiers_recv). */
PG_FUNCTION_INFO_V1(tiers_send);
Datum
tiers_send(PG_FUNCTION_ARGS)
{
	return ruleset_send(&TiersType, fcinfo);
}

/* Equal schemes: the same labels and bounds (canonical bytes). */
PG_FUNCTION_INFO_V1(tiers_eq);
Datum
tiers_eq(PG_FUNCTION_ARGS)
{
	return ruleset_eq(&TiersType, fcinfo);
}

/* The negation of tiers_eq. */
PG_FUNCTION_INFO_V1(tiers_ne);
Datum
tiers_ne(PG_FUNCTION_ARGS)
{
	return ruleset_ne(&TiersType, fcinfo);
}

/* The hash opclass support function, consistent with tiers_eq. */
PG_FUNCTION_INFO_V1(tiers_hash);
Datum
tiers_hash(PG_FUNCTION_ARGS)
{
	return ruleset_hash(&TiersType, fcinfo);
}

/* ----------------------------------------------------------------------
 * Constructor and accessors
 * ---------------------------------------------------------------------- */

/*
 * Elements of a one-dimensional array argument, rejecting NULL elements.
 * An array with more than max_tiers - offset elements is the builder's
 * limit error, raised before anything is allocated for its elements
 * (offset: how many fewer elements than tiers the argument has).
 */
static void
DeconstructArg(ArrayType *arr, Oid elemtype, const char *argname, int offset,
			   Datum **elems, int *n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool	   *nulls;
	int			count;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array, got %d dimensions",
						argname, ARR_NDIM(arr))));
	count = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (count + offset > CRM_TIERS_MAX_TIERS)
	{
		CrmError	err = {0};

		crm_tiers_count_ok((int64_t) count + offset, &err);
		crm_ereport(&err);
	}
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, elems, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL elements", argname),
					 errdetail("Element %d is NULL.", i + 1)));
}

/*
 * crm.tiers(labels, bounds): a scheme from arrays; label i covers
 * [bounds[i-1], bounds[i]).
 */
PG_FUNCTION_INFO_V1(tiers_make);
Datum
tiers_make(PG_FUNCTION_ARGS)
{
	ArrayType  *labels_arr = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *bounds_arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *label_datums;
	Datum	   *bound_datums;
	int			nlabels;
	int			nbounds;
	const char **labels;
	uint32	   *lens;
	double	   *bounds;
	int			i;

	DeconstructArg(labels_arr, TEXTOID, "labels", 0, &label_datums, &nlabels);
	DeconstructArg(bounds_arr, FLOAT8OID, "bounds", 1, &bound_datums, &nbounds);
	if (nlabels != nbounds + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("labels must have one more element than bounds"),
				 errdetail("labels has %d elements and bounds has %d.", nlabels, nbounds),
				 errhint("Label i covers [bounds[i-1], bounds[i]): the first tier has no lower bound.")));

	labels = palloc(sizeof(char *) * Max(nlabels, 1));
	lens = palloc(sizeof(uint32) * Max(nlabels, 1));
	bounds = palloc(sizeof(double) * Max(nbounds, 1));
	for (i = 0; i < nlabels; i++)
	{
		text	   *t = DatumGetTextPP(label_datums[i]);

		labels[i] = VARDATA_ANY(t);
		lens[i] = VARSIZE_ANY_EXHDR(t);
	}
	for (i = 0; i < nbounds; i++)
		bounds[i] = DatumGetFloat8(bound_datums[i]);

	PG_RETURN_TIERS_P(BuildOrError(nlabels, bounds, labels, lens));
}

/* crm.tiers_labels(scheme): the labels, lowest tier first. */
PG_FUNCTION_INFO_V1(tiers_labels);
Datum
tiers_labels(PG_FUNCTION_ARGS)
{
	CrmTiers   *t = PG_GETARG_TIERS_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * t->ntiers);
	int			i;

	for (i = 0; i < t->ntiers; i++)
	{
		uint32		len;
		const char *label = crm_tiers_label(t, i, &len);

		elems[i] = PointerGetDatum(cstring_to_text_with_len(label, len));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, t->ntiers, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* crm.tiers_bounds(scheme): the lower bounds of tiers 2..n, ascending. */
PG_FUNCTION_INFO_V1(tiers_bounds);
Datum
tiers_bounds(PG_FUNCTION_ARGS)
{
	CrmTiers   *t = PG_GETARG_TIERS_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * (t->ntiers - 1));
	int			i;

	for (i = 0; i < t->ntiers - 1; i++)
		elems[i] = Float8GetDatum(t->bounds[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, t->ntiers - 1, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}

/* ----------------------------------------------------------------------
 * Lookup cache
 * ---------------------------------------------------------------------- */

/* See tiers_cache_get in tiers.h. */
TiersCache *
tiers_cache_refresh(FunctionCallInfo fcinfo, int argno)
{
	TiersCache *cache = (TiersCache *) arg_cache_init(fcinfo, argno, sizeof(TiersCache));

	if (arg_cache_update(&cache->arg, fcinfo, argno))
	{
		MemoryContext old = MemoryContextSwitchTo(cache->arg.cxt);
		int			i;

		cache->tiers = (CrmTiers *) cache->arg.value;
		cache->labels = palloc(sizeof(text *) * cache->tiers->ntiers);
		for (i = 0; i < cache->tiers->ntiers; i++)
		{
			uint32		len;
			const char *label = crm_tiers_label(cache->tiers, i, &len);

			cache->labels[i] = cstring_to_text_with_len(label, len);
		}
		cache->numeric_bounds = NULL;
		MemoryContextSwitchTo(old);
	}
	return cache;
}

/*
 * Exact numeric bounds.  A float8 bound stands for the decimal it prints as
 * (its shortest round-trip form), so `>= 0.1` means exactly 0.1 to a numeric
 * value, although the nearest double is slightly above 0.1.
 */
Numeric *
tiers_cache_numeric_bounds(TiersCache *cache)
{
	if (cache->numeric_bounds == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(cache->arg.cxt);
		int			n = cache->tiers->ntiers - 1;
		Numeric    *nb = palloc(sizeof(Numeric) * n);
		int			i;

		for (i = 0; i < n; i++)
		{
			char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

			double_to_shortest_decimal_buf(cache->tiers->bounds[i], buf);
			nb[i] = DatumGetNumeric(DirectFunctionCall3(numeric_in,
														CStringGetDatum(buf),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
		}
		cache->numeric_bounds = nb;
		MemoryContextSwitchTo(old);
	}
	return cache->numeric_bounds;
}

/* See tiers.h: out of line, so the inline lookup stays small. */
void
tiers_value_error(float8 value)
{
	ErrorNotFinite(value, "value");
}

/*
 * 0-based tier of a numeric value, compared exactly with the numeric bounds
 * (see tiers.h).  A binary search (Knuth, The Art of Computer Programming
 * vol. 3, 6.2.1) for the first bound above the value: the answer always
 * lies in [lo, hi], and its index is the number of bounds <= value, the
 * count crm_bounds_locate returns for float8.
 */
int
tiers_locate_numeric(TiersCache *cache, Numeric value)
{
	Numeric    *nb;
	int			lo = 0;
	int			hi = cache->tiers->ntiers - 1;

	CheckFiniteNumeric(value, "value");
	nb = tiers_cache_numeric_bounds(cache);
	/* the number of bounds <= value, as in crm_tiers_locate */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											  NumericGetDatum(nb[mid]),
											  NumericGetDatum(value))) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ----------------------------------------------------------------------
 * crm.tier / crm.tier_index
 * ---------------------------------------------------------------------- */

/*
 * crm.tier(float8, scheme): the label of the tier the value falls in.  The
 * hot path: the call site's cached scheme, a finiteness test, the
 * branch-free search and a prebuilt label; nothing is allocated per row.
 */
PG_FUNCTION_INFO_V1(tier_float8);
Datum
tier_float8(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	TiersCache *cache = tiers_cache_get(fcinfo, 1);

	PG_RETURN_TEXT_P(cache->labels[tiers_locate_float8(cache->tiers, value)]);
}

/* crm.tier(numeric, scheme): the label of the tier the value falls in. */
PG_FUNCTION_INFO_V1(tier_numeric);
Datum
tier_numeric(PG_FUNCTION_ARGS)
{
	Numeric		value = PG_GETARG_NUMERIC(0);
	TiersCache *cache = tiers_cache_get(fcinfo, 1);

	PG_RETURN_TEXT_P(cache->labels[tiers_locate_numeric(cache, value)]);
}

/*
 * crm.tier_index(float8, scheme): the 1-based number of the tier the value
 * falls in.
 */
PG_FUNCTION_INFO_V1(tier_index_float8);
Datum
tier_index_float8(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	TiersCache *cache = tiers_cache_get(fcinfo, 1);

	PG_RETURN_INT32(tiers_locate_float8(cache->tiers, value) + 1);
}

/*
 * crm.tier_index(numeric, scheme): the 1-based number of the tier the value
 * falls in.
 */
PG_FUNCTION_INFO_V1(tier_index_numeric);
Datum
tier_index_numeric(PG_FUNCTION_ARGS)
{
	Numeric		value = PG_GETARG_NUMERIC(0);
	TiersCache *cache = tiers_cache_get(fcinfo, 1);

	PG_RETURN_INT32(tiers_locate_numeric(cache, value) + 1);
}

/*
 * crm.tier_rank(label, scheme): the 1-based position of a label in the
 * scheme (1 = the lowest tier), so that reports can ORDER BY it instead of
 * sorting labels alphabetically; NULL for a label that is not in the
 * scheme, as array_position(crm.labels(scheme), label) would give (such
 * rows sort after the scheme's labels in ascending order).  A new name, not
 * an overload of crm.tier_index: crm.tier_index(text, crm.tiers) would
 * capture today's crm.tier_index('500000', s), an untyped literal read as
 * a number.
 */
PG_FUNCTION_INFO_V1(tier_rank);
Datum
tier_rank(PG_FUNCTION_ARGS)
{
	text	   *label = PG_GETARG_TEXT_PP(0);
	TiersCache *cache = tiers_cache_get(fcinfo, 1);
	int			i = crm_tiers_find_label(cache->tiers, VARDATA_ANY(label),
										 VARSIZE_ANY_EXHDR(label));

	if (i < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(i + 1);
}

/*
 * crm.tier(value, scheme, current_tier, grace): tiering with hysteresis.
 *
 * The hysteresis rule.  As in a Schmitt trigger (O. H. Schmitt, "A
 * thermionic trigger", Journal of Scientific Instruments 15 (1938) 24-26),
 * the threshold to enter a state is above the threshold to leave it, so a
 * value wandering around one threshold does not flip the state at every
 * step: a customer whose balance hovers at a tier's floor keeps the tier.
 * Upgrades take effect at once.  A customer whose value falls below the
 * floor of current_tier keeps it while value >= floor * (1 - grace) (for a
 * negative floor, floor * (1 + grace): the grace band always lies below the
 * floor); below that it gets the tier its value falls in.  NULL current_tier means no history: plain
 * crm.tier.  Not STRICT because of that; a NULL value, scheme or grace
 * gives NULL.
 */
PG_FUNCTION_INFO_V1(tier_hysteresis);
Datum
tier_hysteresis(PG_FUNCTION_ARGS)
{
	float8		value;
	float8		grace;
	TiersCache *cache;
	int			now;
	int			cur;
	text	   *current;
	float8		floor;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	value = PG_GETARG_FLOAT8(0);
	grace = PG_GETARG_FLOAT8(3);
	CheckRange(grace, 0.0, 1.0, false, "grace");
	cache = tiers_cache_get(fcinfo, 1);
	now = tiers_locate_float8(cache->tiers, value);
	if (PG_ARGISNULL(2))
		PG_RETURN_TEXT_P(cache->labels[now]);

	current = PG_GETARG_TEXT_PP(2);
	cur = crm_tiers_find_label(cache->tiers, VARDATA_ANY(current),
							   VARSIZE_ANY_EXHDR(current));
	if (cur < 0)
	{
		char	   *printed = crm_tiers_print(cache->tiers);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("current_tier \"%s\" is not a tier of the scheme",
						text_to_cstring(current)),
				 errhint("The scheme is %s.", printed)));
	}
	if (now >= cur)
		PG_RETURN_TEXT_P(cache->labels[now]);	/* same tier or an upgrade */

	/* now < cur, so cur >= 1 and has a floor */
	floor = cache->tiers->bounds[cur - 1];
	if (value >= (floor >= 0 ? floor * (1.0 - grace) : floor * (1.0 + grace)))
		PG_RETURN_TEXT_P(cache->labels[cur]);
	PG_RETURN_TEXT_P(cache->labels[now]);
}
