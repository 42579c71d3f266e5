/*
 * scorecard.c
 *	  crm.scorecard type: text and binary I/O, equality, casts from and to
 *	  jsonb, accessors.
 *
 * The layout, text parser and printer, and the binary form live in
 * scorecard_core.c, the type plumbing shared with the other rule-set types
 * in ruleset.c; every form (text, binary, JSON) ends in crm_card_build,
 * so a card obeys the same rules whichever way it arrives.
 */
#include "crm.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "jsonb_form.h"
#include "ruleset.h"
#include "scorecard.h"
#include "tiers.h"
#include "validate.h"

/* Wrap a core-built card as a varlena (see scorecard.h). */
CrmScorecard *
scorecard_finish(CrmScorecard *c, size_t size)
{
	SET_VARSIZE(c, size);
	return c;
}

/*
 * The card's embedded levels as a crm.tiers value of their own (see
 * scorecard.h).
 */
Datum
scorecard_levels_datum(const CrmScorecard *c)
{
	CrmTiers   *t = palloc(c->levels_size);

	memcpy(t, crm_card_levels(c), c->levels_size);
	SET_VARSIZE(t, c->levels_size);
	return PointerGetDatum(t);
}

/* ----------------------------------------------------------------------
 * Type I/O, equality and hashing: the rule-set plumbing (ruleset.h) with
 * the core's parser, printer and binary form (scorecard_core.h).
 * ---------------------------------------------------------------------- */

/* crm_card_parse for the descriptor. */
static void *
CardParse(const char *str, size_t *size, CrmError *err)
{
	return crm_card_parse(str, size, err);
}

/* crm_card_print for the descriptor. */
static char *
CardPrint(const void *value)
{
	return crm_card_print((const CrmScorecard *) value);
}

/* crm_card_encode for the descriptor. */
static uint8_t *
CardEncode(const void *value, CrmConvFn conv, size_t *len)
{
	return crm_card_encode((const CrmScorecard *) value, conv, len);
}

/* crm_card_decode for the descriptor. */
static void *
CardDecode(const void *buf, size_t len, CrmConvFn conv, size_t *size, CrmError *err)
{
	return crm_card_decode(buf, len, conv, size, err);
}

/*
 * crm.scorecard: values come only from crm_card_build, so they are not
 * re-checked when read (crm_card_check rebuilds the card).
 */
static const RuleSetType ScorecardType = {
	.name = "crm.scorecard",
	.parse = CardParse,
	.print = CardPrint,
	.encode = CardEncode,
	.decode = CardDecode,
	.check = NULL,
};

/* The text form (scorecard_core.h). */
PG_FUNCTION_INFO_V1(scorecard_in);
Datum
scorecard_in(PG_FUNCTION_ARGS)
{
	return ruleset_in(&ScorecardType, fcinfo);
}

/* The canonical text form. */
PG_FUNCTION_INFO_V1(scorecard_out);
Datum
scorecard_out(PG_FUNCTION_ARGS)
{
	return ruleset_out(&ScorecardType, fcinfo);
}

/*
 * The binary form (scorecard_core.h): the card's parts, strings in the
 * client encoding.
 */
PG_FUNCTION_INFO_V1(scorecard_recv);
Datum
scorecard_recv(PG_FUNCTION_ARGS)
{
	return ruleset_recv(&ScorecardType, fcinfo);
}

/* The binary form (see scorecard_recv). */
PG_FUNCTION_INFO_V1(scorecard_send);
Datum
scorecard_send(PG_FUNCTION_ARGS)
{
	return ruleset_send(&ScorecardType, fcinfo);
}

/* Equal cards: the same factors, points and levels (canonical bytes). */
PG_FUNCTION_INFO_V1(scorecard_eq);
Datum
scorecard_eq(PG_FUNCTION_ARGS)
{
	return ruleset_eq(&ScorecardType, fcinfo);
}

/* The negation of scorecard_eq. */
PG_FUNCTION_INFO_V1(scorecard_ne);
Datum
scorecard_ne(PG_FUNCTION_ARGS)
{
	return ruleset_ne(&ScorecardType, fcinfo);
}

/* The hash opclass support function, consistent with scorecard_eq. */
PG_FUNCTION_INFO_V1(scorecard_hash);
Datum
scorecard_hash(PG_FUNCTION_ARGS)
{
	return ruleset_hash(&ScorecardType, fcinfo);
}

/* ----------------------------------------------------------------------
 * jsonb -> crm.scorecard
 *
 * {"name": "aml", "version": "3", "strict": true,
 *  "factors": [
 *    {"name": "region", "type": "category",
 *     "points": {"high_risk": 30, "offshore": 40}, "other": 0, "missing": 20},
 *    {"name": "fund_size", "type": "numeric",
 *     "edges": [100000, 1000000], "points": [0, 5, 15], "missing": 10}],
 *  "levels": {"labels": ["low", "medium", "high"], "floors": [40, 70]}}
 *
 * "levels" may also be a crm.tiers literal string.  Unknown keys are errors.
 *
 * A fitted card (format version 2, see scorecard_core.h) has its statistics
 * under "fit" keys: the card's
 *   "fit": {"rows": 5007, "targets": 803, "points0": 600, "odds0": 0.0526,
 *           "pdo": 20, "higher": "target", "intercept": -1.66}
 * and each factor's, an entry's as {"rows", "targets", "woe"}:
 *   numeric   "fit": {"coefficient": 0.98, "bins": [entry, ...], "missing": entry}
 *   category  "fit": {"coefficient": 1.1, "values": {"F": entry, ...},
 *                     "other": entry, "missing": entry}
 * ---------------------------------------------------------------------- */

/* How the card's JSON form names itself in errors (jsonb_form.h). */
static const JsonbForm CardForm = {
	.what = "scorecard",
	.hint = "See README.md, \"Scorecards\", for the JSON form of a card.",
};

/* The subject of a factor's number in messages (crm_card_subject). */
static char *
FactorSubject(const CrmFactorSpec *f, CrmCardNumber what, int index, const char *key, uint32 klen)
{
	char		buf[160];

	crm_card_subject(buf, sizeof(buf), f->name, f->name_len, what, index, key, klen);
	return pstrdup(buf);
}

/* optional number of factor f with a default (missing or other points) */
static double
JsonNumberOr(JsonbContainer *obj, const char *key, double dflt, const char *path,
			 const CrmFactorSpec *f, CrmCardNumber what)
{
	JsonbValue *v = jsonb_form_get(obj, key);

	if (v == NULL)
		return dflt;
	return jsonb_form_number(&CardForm, v, psprintf("%s.%s", path, key),
							 FactorSubject(f, what, 0, NULL, 0));
}

/*
 * An array of numbers: the floors of levels (f NULL) or a numeric factor's
 * edges or points (what), element i named "tier bound i+1" or by
 * crm_card_subject in out-of-range messages.
 */
static double *
JsonNumbers(JsonbValue *arr, const char *path, const CrmFactorSpec *f, CrmCardNumber what,
			int *n)
{
	JsonbValue *elems = jsonb_form_elements(&CardForm, arr, path, n);
	double	   *out = palloc(sizeof(double) * Max(*n, 1));
	int			i;

	for (i = 0; i < *n; i++)
	{
		char		subject[160];

		if (f == NULL)
			snprintf(subject, sizeof(subject), "tier bound %d", i + 1);
		else
			crm_card_subject(subject, sizeof(subject), f->name, f->name_len, what, i + 1, NULL, 0);
		out[i] = jsonb_form_number(&CardForm, &elems[i], psprintf("%s[%d]", path, i), subject);
	}
	return out;
}

/* "levels": {"labels": [...], "floors": [...]} or a crm.tiers literal. */
static CrmTiers *
JsonLevels(JsonbValue *v, size_t *size)
{
	static const char *const keys[] = {"labels", "floors", NULL};
	CrmError	err = {0};
	CrmTiers   *t;

	if (v == NULL)
		jsonb_form_error(&CardForm, "levels", "is required");
	if (v->type == jbvString)
	{
		char	   *lit = pnstrdup(v->val.string.val, v->val.string.len);

		t = crm_tiers_parse(lit, size, &err);
	}
	else if (jsonb_form_is_object(v))
	{
		JsonbContainer *obj = v->val.binary.data;
		int			nlabels;
		int			nfloors;
		JsonbValue *labels;
		double	   *floors;
		const char **lp;
		uint32	   *ll;
		int			i;

		jsonb_form_check_keys(&CardForm, obj, keys, "levels");
		/* only the upper limits here (before allocating): the rest is the builder's */
		nlabels = jsonb_form_array_length(&CardForm, jsonb_form_get(obj, "labels"), "levels.labels");
		nfloors = jsonb_form_array_length(&CardForm, jsonb_form_get(obj, "floors"), "levels.floors");
		RaiseIf(Max(nlabels, nfloors + 1) <= CRM_TIERS_MAX_TIERS ||
				crm_tiers_count_ok(Max(nlabels, nfloors + 1), &err), &err);
		labels = jsonb_form_elements(&CardForm, jsonb_form_get(obj, "labels"), "levels.labels",
									 &nlabels);
		floors = JsonNumbers(jsonb_form_get(obj, "floors"), "levels.floors", NULL, 0, &nfloors);
		if (nlabels != nfloors + 1)
			jsonb_form_error(&CardForm, "levels",
							 psprintf("needs one more label than floors, got %d labels and %d floors",
									  nlabels, nfloors));
		lp = palloc(sizeof(char *) * nlabels);
		ll = palloc(sizeof(uint32) * nlabels);
		for (i = 0; i < nlabels; i++)
		{
			if (labels[i].type != jbvString)
				jsonb_form_error(&CardForm, psprintf("levels.labels[%d]", i), "must be a string");
			lp[i] = labels[i].val.string.val;
			ll[i] = labels[i].val.string.len;
		}
		t = crm_tiers_build(nlabels, floors, lp, ll, size, &err);
	}
	else
		jsonb_form_error(&CardForm, "levels",
						 "must be an object with labels and floors, or a crm.tiers literal");
	if (t == NULL)
		crm_ereport(&err);
	return t;
}

/* An entry's statistics {"rows", "targets", "woe"} (all required). */
static CrmCardEntryStats
JsonEntryStats(JsonbValue *v, const char *path, const CrmFactorSpec *f, int index,
			   const char *key, uint32 klen)
{
	static const char *const keys[] = {"rows", "targets", "woe", NULL};
	char	   *subject = FactorSubject(f, CRM_CARD_STATS, index, key, klen);
	CrmCardEntryStats st;
	JsonbContainer *obj;

	if (v == NULL || !jsonb_form_is_object(v))
		jsonb_form_error(&CardForm, path, "must be an object {\"rows\", \"targets\", \"woe\"}");
	obj = v->val.binary.data;
	jsonb_form_check_keys(&CardForm, obj, keys, path);
	st.rows = jsonb_form_number(&CardForm, jsonb_form_get(obj, "rows"),
								psprintf("%s.rows", path), subject);
	st.targets = jsonb_form_number(&CardForm, jsonb_form_get(obj, "targets"),
								   psprintf("%s.targets", path), subject);
	st.woe = jsonb_form_number(&CardForm, jsonb_form_get(obj, "woe"),
							   psprintf("%s.woe", path), subject);
	return st;
}

/*
 * A factor's "fit" object: its coefficient, the missing (and other) entry's
 * statistics, and the entries' (numeric: the "bins" array, in bin order;
 * category: the "values" object, one member per listed value).
 */
static void
JsonFactorStats(JsonbValue *v, const char *path, CrmFactorSpec *f)
{
	static const char *const num_keys[] = {"coefficient", "bins", "missing", NULL};
	static const char *const cat_keys[] = {"coefficient", "values", "other", "missing", NULL};
	JsonbContainer *obj;
	CrmCardEntryStats *st = palloc0(sizeof(CrmCardEntryStats) * Max(f->n, 1));
	int			i;

	if (!jsonb_form_is_object(v))
		jsonb_form_error(&CardForm, path, "must be an object");
	obj = v->val.binary.data;
	jsonb_form_check_keys(&CardForm, obj, f->kind == CRM_FACTOR_NUMERIC ? num_keys : cat_keys, path);
	f->coefficient = jsonb_form_number(&CardForm, jsonb_form_get(obj, "coefficient"),
									   psprintf("%s.coefficient", path),
									   FactorSubject(f, CRM_CARD_COEFFICIENT, 0, NULL, 0));
	f->missing_stats = JsonEntryStats(jsonb_form_get(obj, "missing"), psprintf("%s.missing", path),
									  f, 0, NULL, 0);
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		int			n = jsonb_form_array_length(&CardForm, jsonb_form_get(obj, "bins"),
												psprintf("%s.bins", path));
		JsonbValue *bins;

		if (n != f->n)
			jsonb_form_error(&CardForm, psprintf("%s.bins", path),
							 psprintf("needs one entry per bin, got %d for %d bins", n, f->n));
		bins = jsonb_form_elements(&CardForm, jsonb_form_get(obj, "bins"), psprintf("%s.bins", path), &n);
		for (i = 0; i < n; i++)
			st[i] = JsonEntryStats(&bins[i], psprintf("%s.bins[%d]", path, i), f, i + 1, NULL, 0);
	}
	else
	{
		JsonbValue *values = jsonb_form_get(obj, "values");

		if (values == NULL || !jsonb_form_is_object(values) ||
			JsonContainerSize(values->val.binary.data) != (uint32) f->n)
			jsonb_form_error(&CardForm, psprintf("%s.values", path),
							 "must be an object with one member per listed value");
		for (i = 0; i < f->n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			st[i] = JsonEntryStats(jsonb_form_get(values->val.binary.data, f->keys[i]),
								   psprintf("%s.values.%s", path, f->keys[i]), f, i + 1,
								   f->keys[i], f->key_lens[i]);
		}
		f->other_stats = JsonEntryStats(jsonb_form_get(obj, "other"), psprintf("%s.other", path),
										f, -1, NULL, 0);
	}
	f->stats = st;
}

/* The card's "fit" object. */
static CrmCardFit *
JsonCardFit(JsonbValue *v)
{
	static const char *const keys[] = {"rows", "targets", "points0", "odds0", "pdo", "higher",
	"intercept", NULL};
	CrmCardFit *fit = palloc0(sizeof(CrmCardFit));
	JsonbContainer *obj;
	JsonbValue *higher;

	if (!jsonb_form_is_object(v))
		jsonb_form_error(&CardForm, "fit", "must be an object");
	obj = v->val.binary.data;
	jsonb_form_check_keys(&CardForm, obj, keys, "fit");
	fit->rows = jsonb_form_number(&CardForm, jsonb_form_get(obj, "rows"), "fit.rows", "scorecard fit: rows");
	fit->targets = jsonb_form_number(&CardForm, jsonb_form_get(obj, "targets"), "fit.targets", "scorecard fit: targets");
	fit->points0 = jsonb_form_number(&CardForm, jsonb_form_get(obj, "points0"), "fit.points0", "scorecard fit: points0");
	fit->odds0 = jsonb_form_number(&CardForm, jsonb_form_get(obj, "odds0"), "fit.odds0", "scorecard fit: odds0");
	fit->pdo = jsonb_form_number(&CardForm, jsonb_form_get(obj, "pdo"), "fit.pdo", "scorecard fit: pdo");
	fit->intercept = jsonb_form_number(&CardForm, jsonb_form_get(obj, "intercept"), "fit.intercept", "scorecard fit: intercept");
	higher = jsonb_form_get(obj, "higher");
	if (higher != NULL && higher->type == jbvString && higher->val.string.len == 6 &&
		memcmp(higher->val.string.val, "target", 6) == 0)
		fit->higher = CRM_CARD_HIGHER_TARGET;
	else if (higher != NULL && higher->type == jbvString && higher->val.string.len == 10 &&
			 memcmp(higher->val.string.val, "non_target", 10) == 0)
		fit->higher = CRM_CARD_HIGHER_NON_TARGET;
	else
		jsonb_form_error(&CardForm, "fit.higher", "must be \"target\" or \"non_target\"");
	return fit;
}

/* A numeric factor's edges and points. */
static void
JsonNumericFactor(JsonbContainer *obj, const char *path, CrmFactorSpec *f)
{
	JsonbValue *edges = jsonb_form_get(obj, "edges");
	JsonbValue *points = jsonb_form_get(obj, "points");
	int			nedges = 0;
	int			npoints;
	CrmError	err = {0};

	/* the bin limit before anything is allocated; the rest is the builder's */
	npoints = jsonb_form_array_length(&CardForm, points, psprintf("%s.points", path));
	if (edges)
		nedges = jsonb_form_array_length(&CardForm, edges, psprintf("%s.edges", path));
	RaiseIf(Max(npoints, nedges + 1) <= CRM_CARD_MAX_BINS ||
			crm_card_entry_count_ok(f->name, f->name_len, CRM_FACTOR_NUMERIC,
									Max(npoints, nedges + 1), &err), &err);
	f->edges = edges ? JsonNumbers(edges, psprintf("%s.edges", path), f, CRM_CARD_EDGE, &nedges) : NULL;
	f->points = JsonNumbers(points, psprintf("%s.points", path), f, CRM_CARD_POINTS, &npoints);
	if (npoints != nedges + 1)
		jsonb_form_error(&CardForm, path,
						 psprintf("needs one more points than edges, got %d points and %d edges",
								  npoints, nedges));
	f->kind = CRM_FACTOR_NUMERIC;
	f->n = npoints;
}

/* A category factor's listed values and their points. */
static void
JsonCategoryFactor(JsonbContainer *obj, const char *path, CrmFactorSpec *f)
{
	JsonbValue *pts = jsonb_form_get(obj, "points");
	CrmError	err = {0};
	JsonbPair  *members;
	const char **keys;
	uint32	   *lens;
	double	   *points;
	int			n;
	int			i;

	if (pts == NULL || !jsonb_form_is_object(pts))
		jsonb_form_error(&CardForm, psprintf("%s.points", path), "must be an object of value: points");
	RaiseIf(crm_card_entry_count_ok(f->name, f->name_len, CRM_FACTOR_CATEGORY,
									JsonContainerSize(pts->val.binary.data), &err), &err);
	members = jsonb_form_members(pts->val.binary.data, &n);
	keys = palloc(sizeof(char *) * Max(n, 1));
	lens = palloc(sizeof(uint32) * Max(n, 1));
	points = palloc(sizeof(double) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		keys[i] = pnstrdup(members[i].key.val.string.val, members[i].key.val.string.len);
		lens[i] = members[i].key.val.string.len;
		points[i] = jsonb_form_number(&CardForm, &members[i].value,
									  psprintf("%s.points.%s", path, keys[i]),
									  FactorSubject(f, CRM_CARD_POINTS, i + 1, keys[i], lens[i]));
	}
	f->kind = CRM_FACTOR_CATEGORY;
	f->n = n;
	f->keys = keys;
	f->key_lens = lens;
	f->points = points;
	f->other = JsonNumberOr(obj, "other", 0, path, f, CRM_CARD_OTHER);
}

/* factors[index] of a card's JSON form (fitted: the card has "fit"). */
static void
JsonFactor(JsonbValue *v, int index, CrmFactorSpec *f, bool fitted)
{
	static const char *const num_keys[] = {"name", "type", "edges", "points", "missing", "fit", NULL};
	static const char *const cat_keys[] = {"name", "type", "points", "other", "missing", "fit", NULL};
	char	   *path = psprintf("factors[%d]", index);
	JsonbContainer *obj;
	JsonbValue *type;
	int			len;

	if (!jsonb_form_is_object(v))
		jsonb_form_error(&CardForm, path, "must be an object");
	obj = v->val.binary.data;
	f->name = jsonb_form_string(&CardForm, jsonb_form_get(obj, "name"), psprintf("%s.name", path), &len);
	if (f->name == NULL)
		jsonb_form_error(&CardForm, path, "needs a name");
	f->name_len = len;
	type = jsonb_form_get(obj, "type");
	if (type == NULL || type->type != jbvString)
		jsonb_form_error(&CardForm, path, "needs a type: \"numeric\" or \"category\"");

	if (type->val.string.len == 7 && memcmp(type->val.string.val, "numeric", 7) == 0)
	{
		jsonb_form_check_keys(&CardForm, obj, num_keys, path);
		JsonNumericFactor(obj, path, f);
	}
	else if (type->val.string.len == 8 && memcmp(type->val.string.val, "category", 8) == 0)
	{
		jsonb_form_check_keys(&CardForm, obj, cat_keys, path);
		JsonCategoryFactor(obj, path, f);
	}
	else
		jsonb_form_error(&CardForm, psprintf("%s.type", path), "must be \"numeric\" or \"category\"");
	f->missing = JsonNumberOr(obj, "missing", 0, path, f, CRM_CARD_MISSING);
	if (jsonb_form_get(obj, "fit") != NULL)
	{
		if (!fitted)
			jsonb_form_error(&CardForm, psprintf("%s.fit", path),
							 "needs the card's fit statistics (\"fit\" at the top level)");
		JsonFactorStats(jsonb_form_get(obj, "fit"), psprintf("%s.fit", path), f);
	}
	else if (fitted)
		jsonb_form_error(&CardForm, path, "needs fit statistics, as the card has them");
}

/*
 * The cast jsonb -> crm.scorecard: the JSON form above, read into a
 * CrmCardSpec and built by crm_card_build like every other form.
 */
PG_FUNCTION_INFO_V1(scorecard_from_jsonb);
Datum
scorecard_from_jsonb(PG_FUNCTION_ARGS)
{
	static const char *const keys[] = {"name", "version", "strict", "factors", "levels", "fit", NULL};
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbContainer *root = &jb->root;
	CrmCardSpec spec;
	JsonbValue *factors;
	JsonbValue *strict;
	JsonbValue *elems;
	CrmFactorSpec *fs;
	CrmError	err = {0};
	size_t		size;
	CrmScorecard *c;
	int			n;
	int			len;
	int			i;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		jsonb_form_error(&CardForm, "the card", "must be a JSON object");
	jsonb_form_check_keys(&CardForm, root, keys, "the card");
	memset(&spec, 0, sizeof(spec));
	spec.name = jsonb_form_string(&CardForm, jsonb_form_get(root, "name"), "name", &len);
	spec.name_len = spec.name ? len : 0;
	spec.version = jsonb_form_string(&CardForm, jsonb_form_get(root, "version"), "version", &len);
	spec.version_len = spec.version ? len : 0;
	strict = jsonb_form_get(root, "strict");
	if (strict != NULL && strict->type != jbvBool)
		jsonb_form_error(&CardForm, "strict", "must be true or false");
	spec.strict = strict != NULL && strict->val.boolean;
	factors = jsonb_form_get(root, "factors");
	if (factors == NULL)
		jsonb_form_error(&CardForm, "factors", "is required");
	n = jsonb_form_array_length(&CardForm, factors, "factors");
	RaiseIf(n <= CRM_CARD_MAX_FACTORS || crm_card_factor_count_ok(n, &err), &err);
	elems = jsonb_form_elements(&CardForm, factors, "factors", &n);
	fs = palloc0(sizeof(CrmFactorSpec) * Max(n, 1));
	if (jsonb_form_get(root, "fit") != NULL)
		spec.fit = JsonCardFit(jsonb_form_get(root, "fit"));
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		JsonFactor(&elems[i], i, &fs[i], spec.fit != NULL);
	}
	spec.nfactors = n;
	spec.factors = fs;
	spec.levels = JsonLevels(jsonb_form_get(root, "levels"), &spec.levels_size);

	c = crm_card_build(&spec, &size, &err);
	if (c == NULL)
		crm_ereport(&err);
	PG_RETURN_SCORECARD_P(scorecard_finish(c, size));
}

/* ----------------------------------------------------------------------
 * crm.scorecard -> jsonb (the same schema)
 * ---------------------------------------------------------------------- */

/* Append a number in shortest round-trip form (as the text form prints it). */
static void
AppendJsonNumber(StringInfo buf, double d)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(d, num);
	appendStringInfoString(buf, num);
}

/* Append len bytes as a JSON string, escaped. */
static void
AppendJsonString(StringInfo buf, const char *s, size_t len)
{
	escape_json(buf, pnstrdup(s, len));
}

/* Append an entry's statistics as {"rows": .., "targets": .., "woe": ..}. */
static void
AppendJsonStats(StringInfo buf, const CrmCardEntryStats *st)
{
	appendStringInfoString(buf, "{\"rows\": ");
	AppendJsonNumber(buf, st->rows);
	appendStringInfoString(buf, ", \"targets\": ");
	AppendJsonNumber(buf, st->targets);
	appendStringInfoString(buf, ", \"woe\": ");
	AppendJsonNumber(buf, st->woe);
	appendStringInfoChar(buf, '}');
}

/* Append factor f's "fit" member (a fitted card). */
static void
AppendJsonFactorStats(StringInfo buf, const CrmScorecard *c, const CrmCardFactor *f)
{
	const CrmCardFactorStats *st = crm_card_factor_stats(c, f);
	uint32		j;

	appendStringInfoString(buf, ", \"fit\": {\"coefficient\": ");
	AppendJsonNumber(buf, st->coefficient);
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		appendStringInfoString(buf, ", \"bins\": [");
		for (j = 0; j < f->n; j++)
		{
			if (j)
				appendStringInfoString(buf, ", ");
			AppendJsonStats(buf, &st->entries[j]);
		}
		appendStringInfoChar(buf, ']');
	}
	else
	{
		appendStringInfoString(buf, ", \"values\": {");
		for (j = 0; j < f->n; j++)
		{
			CrmCardStr	k = crm_card_keys(c, f)[j];

			if (j)
				appendStringInfoString(buf, ", ");
			AppendJsonString(buf, crm_card_str(c, k), k.len);
			appendStringInfoString(buf, ": ");
			AppendJsonStats(buf, &st->entries[j]);
		}
		appendStringInfoString(buf, "}, \"other\": ");
		AppendJsonStats(buf, &st->other);
	}
	appendStringInfoString(buf, ", \"missing\": ");
	AppendJsonStats(buf, &st->missing);
	appendStringInfoChar(buf, '}');
}

/*
 * The cast crm.scorecard -> jsonb: the JSON form, every default written
 * out.
 */
PG_FUNCTION_INFO_V1(scorecard_to_jsonb);
Datum
scorecard_to_jsonb(PG_FUNCTION_ARGS)
{
	CrmScorecard *c = PG_GETARG_SCORECARD_P(0);
	const CrmTiers *levels = crm_card_levels(c);
	StringInfoData buf;
	int			i;
	uint32		j;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	if (c->name.len)
	{
		appendStringInfoString(&buf, "\"name\": ");
		AppendJsonString(&buf, crm_card_str(c, c->name), c->name.len);
		appendStringInfoString(&buf, ", ");
	}
	if (c->card_version.len)
	{
		appendStringInfoString(&buf, "\"version\": ");
		AppendJsonString(&buf, crm_card_str(c, c->card_version), c->card_version.len);
		appendStringInfoString(&buf, ", ");
	}
	appendStringInfo(&buf, "\"strict\": %s, \"factors\": [",
					 (c->flags & CRM_CARD_FLAG_STRICT) ? "true" : "false");
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		const double *points = crm_card_points(c, f);

		appendStringInfoString(&buf, i ? ", {\"name\": " : "{\"name\": ");
		AppendJsonString(&buf, crm_card_str(c, f->name), f->name.len);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			appendStringInfoString(&buf, ", \"type\": \"numeric\", \"edges\": [");
			for (j = 0; j + 1 < f->n; j++)
			{
				if (j)
					appendStringInfoString(&buf, ", ");
				AppendJsonNumber(&buf, crm_card_edges(c, f)[j]);
			}
			appendStringInfoString(&buf, "], \"points\": [");
			for (j = 0; j < f->n; j++)
			{
				if (j)
					appendStringInfoString(&buf, ", ");
				AppendJsonNumber(&buf, points[j]);
			}
			appendStringInfoChar(&buf, ']');
		}
		else
		{
			appendStringInfoString(&buf, ", \"type\": \"category\", \"points\": {");
			for (j = 0; j < f->n; j++)
			{
				CrmCardStr k = crm_card_keys(c, f)[j];

				if (j)
					appendStringInfoString(&buf, ", ");
				AppendJsonString(&buf, crm_card_str(c, k), k.len);
				appendStringInfoString(&buf, ": ");
				AppendJsonNumber(&buf, points[j]);
			}
			appendStringInfoString(&buf, "}, \"other\": ");
			AppendJsonNumber(&buf, f->other);
		}
		appendStringInfoString(&buf, ", \"missing\": ");
		AppendJsonNumber(&buf, f->missing);
		if (crm_card_has_fit(c))
			AppendJsonFactorStats(&buf, c, f);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "], \"levels\": {\"labels\": [");
	for (i = 0; i < levels->ntiers; i++)
	{
		uint32		len;
		const char *label = crm_tiers_label(levels, i, &len);

		if (i)
			appendStringInfoString(&buf, ", ");
		AppendJsonString(&buf, label, len);
	}
	appendStringInfoString(&buf, "], \"floors\": [");
	for (i = 0; i < levels->ntiers - 1; i++)
	{
		if (i)
			appendStringInfoString(&buf, ", ");
		AppendJsonNumber(&buf, levels->bounds[i]);
	}
	appendStringInfoString(&buf, "]}");
	if (crm_card_has_fit(c))
	{
		const CrmCardFit *fit = crm_card_fit(c);

		appendStringInfoString(&buf, ", \"fit\": {\"rows\": ");
		AppendJsonNumber(&buf, fit->rows);
		appendStringInfoString(&buf, ", \"targets\": ");
		AppendJsonNumber(&buf, fit->targets);
		appendStringInfoString(&buf, ", \"points0\": ");
		AppendJsonNumber(&buf, fit->points0);
		appendStringInfoString(&buf, ", \"odds0\": ");
		AppendJsonNumber(&buf, fit->odds0);
		appendStringInfoString(&buf, ", \"pdo\": ");
		AppendJsonNumber(&buf, fit->pdo);
		appendStringInfo(&buf, ", \"higher\": \"%s\", \"intercept\": ",
						 fit->higher == CRM_CARD_HIGHER_TARGET ? "target" : "non_target");
		AppendJsonNumber(&buf, fit->intercept);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* crm.scorecard_levels(card): the level bands as a crm.tiers value. */
PG_FUNCTION_INFO_V1(scorecard_levels);
Datum
scorecard_levels(PG_FUNCTION_ARGS)
{
	return scorecard_levels_datum(PG_GETARG_SCORECARD_P(0));
}

/* crm.scorecard_factors(card) -> (ordinal, factor, kind, bins) */
PG_FUNCTION_INFO_V1(scorecard_factors);
Datum
scorecard_factors(PG_FUNCTION_ARGS)
{
	CrmScorecard *c = PG_GETARG_SCORECARD_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = PointerGetDatum(cstring_to_text_with_len(crm_card_str(c, f->name), f->name.len));
		values[2] = CStringGetTextDatum(f->kind == CRM_FACTOR_NUMERIC ? "numeric" : "category");
		values[3] = Int32GetDatum((int32) f->n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
