/*
 * score.c
 *	  Scoring with a crm.scorecard: crm.score, crm.score_level,
 *	  crm.score_explain (attributes as jsonb) and the positional forms
 *	  crm.score_values / crm.score_level_values (card, VARIADIC "any") for
 *	  bulk scoring.
 *
 * A factor's points come from its attribute:
 *   missing (absent key, JSON null, SQL NULL)  -> the factor's missing points
 *   numeric factor   a number (JSON number, a numeric SQL type, or a string
 *                    holding a number) -> the points of its bin; a value
 *                    equal to an edge is in the upper bin (crm_bounds_locate,
 *                    the rule crm.tiers uses)
 *   category factor  the value's text (JSON string, or the text form of a
 *                    number, boolean or any SQL value whose text is fixed)
 *                    -> its listed points, or the points for other values
 * The total is the sum of the factors' points in factor order (float8, so
 * the same card and attributes always give the same bits), and the level is
 * the card's level band the total falls in.
 *
 * Every function here is IMMUTABLE, so no result may depend on a setting:
 * an expression index on crm.score_values(card, col) must keep matching
 * whatever extra_float_digits, DateStyle, TimeZone or lc_monetary the
 * session has.  float4 and float8 values are matched by their shortest
 * exact decimal (what float4out/float8out print with the default
 * extra_float_digits), numeric, integers and booleans by their canonical
 * text, and types whose text follows a setting or the catalog are refused
 * (42804, see HasFixedText).  Numbers are read by one rule (lex_core.h):
 * out of float8's range is 22003, NaN or Infinity where a finite number is
 * needed is 22023.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "argcache.h"
#include "lex_core.h"
#include "scorecard.h"
#include "validate.h"

/* How a positional argument's SQL type is read. */
typedef enum ValueKind
{
	VK_FLOAT8,
	VK_FLOAT4,
	VK_INT2,
	VK_INT4,
	VK_INT8,
	VK_NUMERIC,
	VK_TEXT,					/* text, varchar, name-like varlena text */
	VK_BPCHAR,					/* char(n): trailing blanks are not significant */
	VK_UNKNOWN,					/* an untyped literal: a C string */
	VK_BOOL,
	VK_OTHER,					/* a type with a fixed text: its output function */
	VK_UNFIXED					/* a type whose text follows a setting: refused */
} ValueKind;

typedef struct PosArg
{
	ValueKind	kind;
	Oid			type;
	FmgrInfo	out;			/* VK_OTHER */
} PosArg;

/* per call site: the card (through the argument cache) and argument kinds */
typedef struct ScoreCache
{
	ArgCache	arg;			/* must be first */
	CrmScorecard *card;
	text	  **level_labels;	/* prebuilt label texts, in arg.cxt */
	int			npos;			/* positional arguments (-1: not set up) */
	PosArg	   *pos;			/* in fn_mcxt */
} ScoreCache;

/* The card in argument 0, through the cache.  A NULL card is an error. */
static ScoreCache *
GetCard(FunctionCallInfo fcinfo, const char *fname)
{
	ScoreCache *cache = (ScoreCache *) fcinfo->flinfo->fn_extra;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the scorecard must not be NULL", fname)));
	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return cache;
	if (cache == NULL)
	{
		cache = (ScoreCache *) arg_cache_init(fcinfo, 0, sizeof(ScoreCache));
		cache->npos = -1;
	}
	if (arg_cache_update(&cache->arg, fcinfo, 0))
	{
		const CrmTiers *levels;
		int			i;

		cache->card = (CrmScorecard *) cache->arg.value;
		levels = crm_card_levels(cache->card);
		cache->level_labels = MemoryContextAlloc(cache->arg.cxt, sizeof(text *) * levels->ntiers);
		for (i = 0; i < levels->ntiers; i++)
		{
			uint32		len;
			const char *label = crm_tiers_label(levels, i, &len);
			MemoryContext old = MemoryContextSwitchTo(cache->arg.cxt);

			cache->level_labels[i] = cstring_to_text_with_len(label, len);
			MemoryContextSwitchTo(old);
		}
	}
	return cache;
}

/* The name of factor fi as a palloc'd C string, for messages. */
static const char *
FactorName(const CrmScorecard *c, int fi)
{
	return pnstrdup(crm_card_str(c, c->factors[fi].name), c->factors[fi].name.len);
}

/* The number rule's errors for factor fi's value (lex_core.h); cold path. */
static void pg_attribute_noreturn()
ValueNumberError(const CrmScorecard *c, int fi, double x, const char *literal)
{
	CrmError	err = {0};
	char	   *subject = psprintf("factor \"%s\": value", FactorName(c, fi));

	if (literal)
		crm_error_out_of_range(&err, subject, literal, strlen(literal));
	else
		crm_error_not_finite(&err, subject, x);
	crm_ereport(&err);
}

/* Points of a numeric factor for a number. */
static double
NumericPoints(const CrmScorecard *c, int fi, double x, int *bin)
{
	const CrmCardFactor *f = &c->factors[fi];

	if (unlikely(!isfinite(x)))
		ValueNumberError(c, fi, x, NULL);
	*bin = crm_card_numeric_bin(c, f, x);
	return crm_card_points(c, f)[*bin];
}

/* A numeric value as float8, by the number rule. */
static double
NumericValue(const CrmScorecard *c, int fi, Numeric num)
{
	double		x;
	char	   *literal;

	if (unlikely(!crm_numeric_double(num, &x, &literal)))
		ValueNumberError(c, fi, 0, literal);
	return x;
}

/*
 * A number written as text (surrounding blanks allowed), for a numeric
 * factor.  Short values are copied to the stack, not to the heap: this runs
 * once per row in bulk scoring.
 */
static double
ParseNumber(const CrmScorecard *c, int fi, const char *s, int len)
{
	char		local[64];
	char	   *str = len < (int) sizeof(local) ? local : palloc(len + 1);
	const char *p;
	const char *end;
	double		x;
	CrmNumRead	status;

	memcpy(str, s, len);
	str[len] = '\0';
	p = crm_lex_skip_space(str);
	status = crm_lex_read_double(p, &end, &x);
	end = crm_lex_skip_space(end);
	if (status == CRM_NUM_NONE || *end != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("factor \"%s\" is numeric, but its value \"%s\" is not a number",
						FactorName(c, fi), str)));
	if (status == CRM_NUM_RANGE)
		ValueNumberError(c, fi, 0, str);
	if (str != local)
		pfree(str);
	return x;
}

/* Points of a category factor for a value's text. */
static double
CategoryPoints(const CrmScorecard *c, int fi, const char *s, int len, int *bin)
{
	const CrmCardFactor *f = &c->factors[fi];

	*bin = crm_card_category_index(c, f, s, (size_t) len);
	return *bin >= 0 ? crm_card_points(c, f)[*bin] : f->other;
}

#define BIN_MISSING (-2)
#define BIN_OTHER	(-1)

/* ----------------------------------------------------------------------
 * Attributes as jsonb
 * ---------------------------------------------------------------------- */

/*
 * Points of factor fi for a JSON attribute (NULL: absent).  *text gets the
 * value's text.
 */
static double
JsonbFactorPoints(const CrmScorecard *c, int fi, JsonbValue *v, int *bin, char **text)
{
	const CrmCardFactor *f = &c->factors[fi];

	if (text)
		*text = NULL;
	if (v == NULL || v->type == jbvNull)
	{
		*bin = BIN_MISSING;
		return f->missing;
	}
	if (v->type == jbvBinary)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("factor \"%s\": value must be a JSON scalar, not an %s",
						FactorName(c, fi),
						JsonContainerIsArray(v->val.binary.data) ? "array" : "object")));

	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		double		x;

		if (v->type == jbvNumeric)
		{
			x = NumericValue(c, fi, v->val.numeric);
			if (text)
				*text = DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(v->val.numeric)));
		}
		else if (v->type == jbvString)
		{
			x = ParseNumber(c, fi, v->val.string.val, v->val.string.len);
			if (text)
				*text = pnstrdup(v->val.string.val, v->val.string.len);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("factor \"%s\" is numeric, but its value is a JSON boolean",
							FactorName(c, fi))));
		return NumericPoints(c, fi, x, bin);
	}
	else
	{
		const char *s;
		int			len;

		if (v->type == jbvString)
		{
			s = v->val.string.val;
			len = v->val.string.len;
		}
		else if (v->type == jbvNumeric)
		{
			s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
			len = strlen(s);
		}
		else
		{
			s = v->val.boolean ? "true" : "false";
			len = strlen(s);
		}
		if (text)
			*text = pnstrdup(s, len);
		return CategoryPoints(c, fi, s, len, bin);
	}
}

/*
 * Whether attributes that are not factors are ignored even by a strict
 * card: the optional third argument, ignore_unknown, of crm.score,
 * crm.score_level and crm.score_explain (false without it).  It makes the
 * documented crm.score(card, to_jsonb(row), ignore_unknown => true) work
 * with a strict card, whose rows always carry columns (the customer id) that
 * are not factors.  NULL is an error: the caller must say which it wants.
 */
static bool
IgnoreUnknown(FunctionCallInfo fcinfo, const char *fname)
{
	if (PG_NARGS() < 3)
		return false;
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: ignore_unknown must not be NULL", fname)));
	return PG_GETARG_BOOL(2);
}

/*
 * The attributes object; NULL attributes are treated as an empty object.
 * A strict card refuses a key that is not one of its factors, unless the
 * call passed ignore_unknown => true.
 */
static JsonbContainer *
GetAttrs(FunctionCallInfo fcinfo, const CrmScorecard *c, const char *fname)
{
	Jsonb	   *jb;
	bool		ignore_unknown = IgnoreUnknown(fcinfo, fname);

	if (PG_ARGISNULL(1))
		return NULL;
	jb = PG_GETARG_JSONB_P(1);
	if (!JsonContainerIsObject(&jb->root) || JsonContainerIsScalar(&jb->root))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: attributes must be a JSON object of factor: value", fname)));
	if ((c->flags & CRM_CARD_FLAG_STRICT) && !ignore_unknown)
	{
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbValue	v;
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_KEY &&
				crm_card_find_factor(c, v.val.string.val, v.val.string.len) < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: unknown attribute \"%.*s\" for a strict scorecard", fname,
								v.val.string.len, v.val.string.val),
						 errhint("A strict card accepts only its factors as keys; remove the key, pass ignore_unknown => true (for to_jsonb(row)), or drop \"strict\" from the card.")));
	}
	return &jb->root;
}

/*
 * The attribute of factor fi in the attributes object (NULL: absent, or no
 * object).
 */
static JsonbValue *
AttrValue(JsonbContainer *attrs, const CrmScorecard *c, int fi, JsonbValue *buf)
{
	if (attrs == NULL)
		return NULL;
	return getKeyJsonValueFromContainer(attrs, crm_card_str(c, c->factors[fi].name),
										c->factors[fi].name.len, buf);
}

/*
 * A total must be a finite number (22003 otherwise).  crm_card_build
 * refuses cards whose points could add up to +-Infinity, so this only
 * guards the invariant; it costs one test per row.
 */
static inline double
FiniteTotal(double total, const char *fname)
{
	if (unlikely(!isfinite(total)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the total points are out of range for type double precision", fname)));
	return total;
}

/* Total of the attributes in jsonb argument 1. */
static double
JsonbTotal(FunctionCallInfo fcinfo, const CrmScorecard *c, const char *fname)
{
	JsonbContainer *attrs = GetAttrs(fcinfo, c, fname);
	double		total = 0;
	int			i;

	for (i = 0; i < c->nfactors; i++)
	{
		JsonbValue	buf;
		int			bin;

		total += JsonbFactorPoints(c, i, AttrValue(attrs, c, i, &buf), &bin, NULL);
	}
	return FiniteTotal(total, fname);
}

/*
 * The card's level label for a total (the crm.tiers search, prebuilt
 * labels).
 */
static text *
LevelOf(ScoreCache *cache, double total)
{
	const CrmTiers *levels = crm_card_levels(cache->card);

	return cache->level_labels[crm_tiers_locate(levels, total)];
}

/* crm.score(card, attributes jsonb [, ignore_unknown]): the total points. */
PG_FUNCTION_INFO_V1(score_jsonb);
Datum
score_jsonb(PG_FUNCTION_ARGS)
{
	ScoreCache *cache = GetCard(fcinfo, "crm.score");

	PG_RETURN_FLOAT8(JsonbTotal(fcinfo, cache->card, "crm.score"));
}

/*
 * crm.score_level(card, attributes jsonb [, ignore_unknown]): the level band
 * of the total.
 */
PG_FUNCTION_INFO_V1(score_level_jsonb);
Datum
score_level_jsonb(PG_FUNCTION_ARGS)
{
	ScoreCache *cache = GetCard(fcinfo, "crm.score_level");

	PG_RETURN_TEXT_P(LevelOf(cache, JsonbTotal(fcinfo, cache->card, "crm.score_level")));
}

/* crm.level(card, total): the level band of a total */
PG_FUNCTION_INFO_V1(score_level_of_total);
Datum
score_level_of_total(PG_FUNCTION_ARGS)
{
	ScoreCache *cache = GetCard(fcinfo, "crm.level");
	double		total;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	total = PG_GETARG_FLOAT8(1);
	/* as crm.tier: a total no card can give has no level */
	CheckFinite(total, "crm.level: total");
	PG_RETURN_TEXT_P(LevelOf(cache, total));
}

/* How a bin reads in crm.score_explain. */
static char *
BinText(const CrmScorecard *c, int fi, int bin)
{
	const CrmCardFactor *f = &c->factors[fi];

	if (bin == BIN_MISSING)
		return pstrdup("null");
	if (f->kind == CRM_FACTOR_CATEGORY)
	{
		CrmCardStr	k;

		if (bin == BIN_OTHER)
			return pstrdup("*");
		k = crm_card_keys(c, f)[bin];
		return pnstrdup(crm_card_str(c, k), k.len);
	}
	else
	{
		const double *edges = crm_card_edges(c, f);
		char		lo[DOUBLE_SHORTEST_DECIMAL_LEN];
		char		hi[DOUBLE_SHORTEST_DECIMAL_LEN];

		/* shortest exact decimals, as the card prints them: no setting changes them */
		if (f->n == 1)
			return pstrdup("all");
		if (bin > 0)
			double_to_shortest_decimal_buf(edges[bin - 1], lo);
		if (bin < (int) f->n - 1)
			double_to_shortest_decimal_buf(edges[bin], hi);
		if (bin == 0)
			return psprintf("< %s", hi);
		if (bin == (int) f->n - 1)
			return psprintf(">= %s", lo);
		return psprintf("[%s, %s)", lo, hi);
	}
}

/*
 * crm.score_explain(card, attributes jsonb [, ignore_unknown]): one row per
 * factor (factor, value, bin, points).
 */
PG_FUNCTION_INFO_V1(score_explain_jsonb);
Datum
score_explain_jsonb(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ScoreCache *cache = GetCard(fcinfo, "crm.score_explain");
	const CrmScorecard *c = cache->card;
	JsonbContainer *attrs = GetAttrs(fcinfo, c, "crm.score_explain");
	double		total = 0;
	int			i;

	/* the rows sum to crm.score, so they fail where crm.score fails */
	for (i = 0; i < c->nfactors; i++)
	{
		JsonbValue	buf;
		int			bin;

		total += JsonbFactorPoints(c, i, AttrValue(attrs, c, i, &buf), &bin, NULL);
	}
	FiniteTotal(total, "crm.score_explain");

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < c->nfactors; i++)
	{
		JsonbValue	buf;
		int			bin;
		char	   *value;
		double		points = JsonbFactorPoints(c, i, AttrValue(attrs, c, i, &buf), &bin, &value);
		Datum		values[4];
		bool		nulls[4] = {false, value == NULL, false, false};

		values[0] = PointerGetDatum(cstring_to_text(FactorName(c, i)));
		values[1] = value ? CStringGetTextDatum(value) : (Datum) 0;
		values[2] = CStringGetTextDatum(BinText(c, i, bin));
		values[3] = Float8GetDatum(points);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * Positional form: crm.score_values(card, VARIADIC "any"), one value per
 * factor in factor order, each in its own SQL type.
 * ---------------------------------------------------------------------- */

/*
 * Whether a type's text form is fixed for each value, so that matching it
 * against category labels cannot depend on the session.  PostgreSQL marks
 * output functions STABLE when the text follows a setting or the catalog
 * (date and time types: DateStyle, TimeZone, IntervalStyle; money:
 * lc_monetary; enums, which can be renamed; arrays, records, ranges and
 * reg* types); of the IMMUTABLE ones, bytea follows bytea_output and the
 * geometric types extra_float_digits.  float4 and float8 never get here
 * (crm prints them itself, see FloatText).
 */
static bool
HasFixedText(Oid type)
{
	Oid			outfunc;
	bool		isvarlena;

	switch (type)
	{
		case BYTEAOID:
		case POINTOID:
		case LSEGOID:
		case PATHOID:
		case BOXOID:
		case POLYGONOID:
		case LINEOID:
		case CIRCLEOID:
			return false;
		default:
			break;
	}
	getTypeOutputInfo(type, &outfunc, &isvarlena);
	return func_volatile(outfunc) == PROVOLATILE_IMMUTABLE;
}

/* How values of a type are read (domains as their base type). */
static ValueKind
KindOfType(Oid type)
{
	switch (type)
	{
		case FLOAT8OID:
			return VK_FLOAT8;
		case FLOAT4OID:
			return VK_FLOAT4;
		case INT2OID:
			return VK_INT2;
		case INT4OID:
			return VK_INT4;
		case INT8OID:
			return VK_INT8;
		case NUMERICOID:
			return VK_NUMERIC;
		case TEXTOID:
		case VARCHAROID:
			return VK_TEXT;
		case BPCHAROID:
			return VK_BPCHAR;
		case UNKNOWNOID:
			return VK_UNKNOWN;
		case BOOLOID:
			return VK_BOOL;
		default:
			return HasFixedText(type) ? VK_OTHER : VK_UNFIXED;
	}
}

/*
 * The shortest decimal that reads back to the same float8: float8out's
 * default.
 */
static int
FloatText(double d, char *buf)
{
	return double_to_shortest_decimal_bufn(d, buf);
}

/*
 * Decide once per call site how each positional argument's SQL type is read
 * (PosArg).
 */
static void
SetUpPositional(ScoreCache *cache, FunctionCallInfo fcinfo, Oid *types, int n)
{
	PosArg	   *pos = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PosArg) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		Oid			base;

		if (!OidIsValid(types[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INDETERMINATE_DATATYPE),
					 errmsg("could not determine the type of value %d", i + 1)));
		base = getBaseType(types[i]);
		pos[i].type = types[i];
		pos[i].kind = KindOfType(base);
		if (pos[i].kind == VK_OTHER)
		{
			Oid			outfunc;
			bool		isvarlena;

			getTypeOutputInfo(base, &outfunc, &isvarlena);
			fmgr_info_cxt(outfunc, &pos[i].out, fcinfo->flinfo->fn_mcxt);
		}
	}
	cache->pos = pos;
	cache->npos = n;
}

/* A positional value whose type the factor cannot take (42804); cold path. */
static void pg_attribute_noreturn()
PositionalTypeError(const CrmScorecard *c, int fi, const PosArg *pa)
{
	if (c->factors[fi].kind == CRM_FACTOR_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("factor \"%s\" is numeric, but its value has type %s",
						FactorName(c, fi), format_type_be(pa->type)),
				 errhint("Pass a number, or a text holding one.")));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("factor \"%s\" is a category factor, but values of type %s have no fixed text form",
					FactorName(c, fi), format_type_be(pa->type)),
			 errdetail("Its text depends on a setting (such as DateStyle, TimeZone, lc_monetary or bytea_output) or on the catalog, so the score would too."),
			 errhint("Pass the value as text in a format of your choosing, or as a number.")));
}

/* A positional value as a number, for numeric factor fi (by its SQL type). */
static double
DatumNumber(const CrmScorecard *c, int fi, PosArg *pa, Datum d)
{
	switch (pa->kind)
	{
		case VK_FLOAT8:
			return DatumGetFloat8(d);
		case VK_FLOAT4:
			return DatumGetFloat4(d);
		case VK_INT2:
			return DatumGetInt16(d);
		case VK_INT4:
			return DatumGetInt32(d);
		case VK_INT8:
			return (double) DatumGetInt64(d);
		case VK_NUMERIC:
			return NumericValue(c, fi, DatumGetNumeric(d));
		case VK_TEXT:
		case VK_BPCHAR:
			{
				text	   *t = DatumGetTextPP(d);

				return ParseNumber(c, fi, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
		case VK_UNKNOWN:
			{
				char	   *s = DatumGetCString(d);

				return ParseNumber(c, fi, s, strlen(s));
			}
		default:
			PositionalTypeError(c, fi, pa);
	}
}

/*
 * A positional value's text, for a category factor: *len bytes at the
 * result, which is d's own data, a constant, or written into buf (room for
 * an int8 or a shortest float8).
 */
static const char *
DatumText(PosArg *pa, Datum d, char *buf, int *len)
{
	const char *s;

	switch (pa->kind)
	{
		case VK_TEXT:
		case VK_BPCHAR:
			{
				text	   *t = DatumGetTextPP(d);

				s = VARDATA_ANY(t);
				*len = VARSIZE_ANY_EXHDR(t);
				if (pa->kind == VK_BPCHAR)
					while (*len > 0 && s[*len - 1] == ' ')
						(*len)--;
				return s;
			}
		case VK_UNKNOWN:
			s = DatumGetCString(d);
			break;
		case VK_INT2:
		case VK_INT4:
			*len = pg_ltoa(pa->kind == VK_INT2 ? DatumGetInt16(d) : DatumGetInt32(d), buf);
			return buf;
		case VK_INT8:
			*len = pg_lltoa(DatumGetInt64(d), buf);
			return buf;
		case VK_BOOL:
			s = DatumGetBool(d) ? "true" : "false";
			break;
		case VK_FLOAT8:
			*len = FloatText(DatumGetFloat8(d), buf);
			return buf;
		case VK_FLOAT4:
			/* float4out's shortest form, so 0.1::float4 is "0.1" */
			*len = float_to_shortest_decimal_bufn(DatumGetFloat4(d), buf);
			return buf;
		case VK_NUMERIC:
			s = DatumGetCString(DirectFunctionCall1(numeric_out, d));
			break;
		default:
			s = OutputFunctionCall(&pa->out, d);
			break;
	}
	*len = strlen(s);
	return s;
}

/*
 * Points of factor fi for a positional value.  The type is checked before
 * NULL: a type the factor cannot take is an error of the call, whatever the
 * row.
 */
static double
DatumFactorPoints(const CrmScorecard *c, int fi, PosArg *pa, Datum d, bool isnull, int *bin)
{
	const CrmCardFactor *f = &c->factors[fi];

	if (unlikely(pa->kind >= VK_BOOL) &&
		(pa->kind == VK_UNFIXED || f->kind == CRM_FACTOR_NUMERIC))
		PositionalTypeError(c, fi, pa);
	if (isnull)
	{
		*bin = BIN_MISSING;
		return f->missing;
	}
	if (f->kind == CRM_FACTOR_NUMERIC)
		return NumericPoints(c, fi, DatumNumber(c, fi, pa, d), bin);
	else
	{
		char		buf[Max(MAXINT8LEN + 1, DOUBLE_SHORTEST_DECIMAL_LEN)];
		int			len;
		const char *s = DatumText(pa, d, buf, &len);

		return CategoryPoints(c, fi, s, len, bin);
	}
}

/*
 * Total of the positional values (arguments 1..n), or of the elements of an
 * array passed as VARIADIC ARRAY[...].
 */
static double
PositionalTotal(FunctionCallInfo fcinfo, ScoreCache *cache, const char *fname)
{
	const CrmScorecard *c = cache->card;
	double		total = 0;
	int			i;

	if (get_fn_expr_variadic(fcinfo->flinfo))
	{
		ArrayType  *arr;
		Oid			elemtype;
		int16		typlen;
		bool		typbyval;
		char		typalign;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		PosArg		pa;

		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: the VARIADIC array must not be NULL", fname)));
		arr = PG_GETARG_ARRAYTYPE_P(1);
		elemtype = ARR_ELEMTYPE(arr);
		if (ARR_NDIM(arr) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("%s: the VARIADIC array must be one-dimensional", fname)));
		get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
		deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &elems, &nulls, &n);
		if (n != c->nfactors)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the card has %d factors, but %d values were given",
							fname, c->nfactors, n),
					 errhint("Pass one value per factor, in the card's factor order (crm.scorecard_factors).")));
		if (cache->npos < 0)
			SetUpPositional(cache, fcinfo, &elemtype, 1);
		pa = cache->pos[0];
		for (i = 0; i < n; i++)
		{
			int			bin;

			total += DatumFactorPoints(c, i, &pa, elems[i], nulls[i], &bin);
		}
		return FiniteTotal(total, fname);
	}

	if (PG_NARGS() - 1 != c->nfactors)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the card has %d factors, but %d values were given",
						fname, c->nfactors, PG_NARGS() - 1),
				 errhint("Pass one value per factor, in the card's factor order (crm.scorecard_factors).")));
	if (unlikely(cache->npos < 0))
	{
		Oid		   *types = palloc(sizeof(Oid) * Max(PG_NARGS() - 1, 1));

		for (i = 1; i < PG_NARGS(); i++)
			types[i - 1] = get_fn_expr_argtype(fcinfo->flinfo, i);
		SetUpPositional(cache, fcinfo, types, PG_NARGS() - 1);
	}
	for (i = 0; i < c->nfactors; i++)
	{
		int			bin;

		total += DatumFactorPoints(c, i, &cache->pos[i], PG_GETARG_DATUM(i + 1),
								   PG_ARGISNULL(i + 1), &bin);
	}
	return FiniteTotal(total, fname);
}

/*
 * crm.score_values(card, VARIADIC "any"): the total points, one value per
 * factor.
 */
PG_FUNCTION_INFO_V1(score_positional);
Datum
score_positional(PG_FUNCTION_ARGS)
{
	ScoreCache *cache = GetCard(fcinfo, "crm.score_values");

	PG_RETURN_FLOAT8(PositionalTotal(fcinfo, cache, "crm.score_values"));
}

/*
 * crm.score_level_values(card, VARIADIC "any"): the level band of the
 * total.
 */
PG_FUNCTION_INFO_V1(score_level_positional);
Datum
score_level_positional(PG_FUNCTION_ARGS)
{
	ScoreCache *cache = GetCard(fcinfo, "crm.score_level_values");

	PG_RETURN_TEXT_P(LevelOf(cache, PositionalTotal(fcinfo, cache, "crm.score_level_values")));
}
