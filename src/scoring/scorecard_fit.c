/*
 * scorecard_fit.c
 *	  Fitting a points card from labelled rows: the crm.scorecard_fit
 *	  aggregate and its state type crm.scorecard_fit_state, and reading a
 *	  fitted card's statistics (crm.scorecard_bins, crm.scorecard_iv).
 *
 * crm.scorecard_fit(target bool, attrs jsonb [, options jsonb]): each row's
 * attributes go into a crm.scorecard_fit_state (scorecard_fit_core.h: per
 * factor summaries for the bins and a bounded sample for the regression);
 * the final function bins every factor, computes the weights of evidence,
 * fits the logistic regression and scales it to points (binning_core.c,
 * logit_core.c, scorecard_fit_core.c), and returns a crm.scorecard with
 * its fit statistics (format version 2).
 *
 * While aggregating, the state is an expanded object in its own memory
 * context under the aggregate context: the transition function adds each
 * row in place and returns the same read-write pointer.  It flattens to the
 * binary form whenever PostgreSQL needs a flat value (a parallel worker's
 * partial state, an aggregate without a final function), and any flat
 * value a support function is handed (an INITCOND, a partial state, a
 * stored value) is decoded and checked in full before anything reads it
 * (crm_fit_decode: every count, order, hash and sum).  Nothing here reads
 * expression information (argument types), so the aggregate runs as a
 * partial aggregate on Citus workers.
 *
 * Rows: a NULL target skips the row; NULL attributes are a row whose
 * factors are all missing.  The options are read from the first row.
 * Attributes are read straight from the jsonb container, without building
 * JsonbValues: each row's keys are compared with the previous row's
 * (usually the same, in the same order) before the factor table is asked,
 * and numbers are converted to float8 from their decimal digits when that
 * is exact (crm_fit_decimal_double), through their text otherwise.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "lex_core.h"
#include "scorecard.h"
#include "scorecard_fit_core.h"
#include "validate.h"
#include "wire_core.h"

#define FIT "crm.scorecard_fit"
#define STATE_TYPE "crm.scorecard_fit_state"

/* ----------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

static const char *const option_names =
	"max_bins, prebins, min_bin_share, monotone, missing, higher, points0, odds0, pdo, "
	"precision, sample_rows, max_iter, name, version, levels, include, exclude and categorical";

/* Raise 22023 "crm.scorecard_fit: option "key" must be ...". */
static void pg_attribute_noreturn()
OptionError(const char *key, const char *must)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg(FIT ": option \"%s\" must be %s", key, must)));
}

/* A number option by the number rule (22003 beyond float8, 22023 not finite). */
static double
OptionNumber(JsonbValue *v, const char *key)
{
	double		d;
	char	   *literal;
	char	   *subject = psprintf(FIT ": option \"%s\"", key);

	if (v->type != jbvNumeric)
		OptionError(key, "a number");
	if (!crm_numeric_double(v->val.numeric, &d, &literal))
	{
		CrmError	err = {0};

		crm_error_out_of_range(&err, subject, literal, strlen(literal));
		crm_ereport(&err);
	}
	CheckFinite(d, subject);
	return d;
}

/* An integer option (its range is crm_fit_options_check's). */
static int32
OptionInt(JsonbValue *v, const char *key)
{
	double		d = OptionNumber(v, key);

	if (d != floor(d) || fabs(d) > 1e9)
		OptionError(key, "an integer");
	return (int32) d;
}

/* A string option, palloc'd. */
static char *
OptionString(JsonbValue *v, const char *key, uint32 *len)
{
	if (v->type != jbvString)
		OptionError(key, "a string");
	*len = v->val.string.len;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A word option: one of the words, its index. */
static int
OptionWord(JsonbValue *v, const char *key, const char *const *words, const char *must)
{
	int			i;

	if (v->type == jbvString)
		for (i = 0; words[i]; i++)
			if (strlen(words[i]) == (size_t) v->val.string.len &&
				memcmp(words[i], v->val.string.val, v->val.string.len) == 0)
				return i;
	OptionError(key, must);
}

/* An array of names (include, exclude, categorical). */
static void
OptionNames(JsonbValue *v, const char *key, CrmFitNames *l)
{
	JsonbContainer *jc;
	int			n;
	int			i;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		OptionError(key, "an array of factor names");
	jc = v->val.binary.data;
	n = JsonContainerSize(jc);
	if (n > CRM_FIT_MAX_LIST)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg(FIT ": option \"%s\" can list at most %d names", key, CRM_FIT_MAX_LIST)));
	l->n = n;
	l->names = palloc(sizeof(char *) * Max(n, 1));
	l->lens = palloc(sizeof(uint32) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(jc, i);

		if (e->type != jbvString)
			OptionError(key, "an array of factor names");
		l->names[i] = pnstrdup(e->val.string.val, e->val.string.len);
		l->lens[i] = e->val.string.len;
	}
}

/* The levels: a crm.tiers literal, or {"labels": [...], "floors": [...]}. */
static CrmTiers *
OptionLevels(JsonbValue *v, size_t *size)
{
	CrmError	err = {0};
	CrmTiers   *t = NULL;

	if (v->type == jbvString)
		t = crm_tiers_parse(pnstrdup(v->val.string.val, v->val.string.len), size, &err);
	else if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
	{
		static const char *const keys[] = {"labels", "floors", NULL};
		JsonbContainer *obj = v->val.binary.data;
		JsonbValue *labels = getKeyJsonValueFromContainer(obj, "labels", 6, NULL);
		JsonbValue *floors = getKeyJsonValueFromContainer(obj, "floors", 6, NULL);
		int			nl;
		int			nf;
		int			i;
		const char **lp;
		uint32	   *ll;
		double	   *fl;
		char	   *unknown = UnknownJsonbKey(obj, keys);

		if (unknown || labels == NULL || floors == NULL ||
			labels->type != jbvBinary || !JsonContainerIsArray(labels->val.binary.data) ||
			floors->type != jbvBinary || !JsonContainerIsArray(floors->val.binary.data))
			OptionError("levels", "a crm.tiers literal or {\"labels\": [...], \"floors\": [...]}");
		nl = JsonContainerSize(labels->val.binary.data);
		nf = JsonContainerSize(floors->val.binary.data);
		if (!crm_tiers_count_ok(nl, &err))
			crm_ereport(&err);
		if (nl != nf + 1)
			OptionError("levels", "one more label than floors");
		lp = palloc(sizeof(char *) * nl);
		ll = palloc(sizeof(uint32) * nl);
		fl = palloc(sizeof(double) * Max(nf, 1));
		for (i = 0; i < nl; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(labels->val.binary.data, i);

			if (e->type != jbvString)
				OptionError("levels", "labels that are strings");
			lp[i] = e->val.string.val;
			ll[i] = e->val.string.len;
		}
		for (i = 0; i < nf; i++)
			fl[i] = OptionNumber(getIthJsonbValueFromContainer(floors->val.binary.data, i), "levels");
		t = crm_tiers_build(nl, fl, lp, ll, size, &err);
	}
	else
		OptionError("levels", "a crm.tiers literal or {\"labels\": [...], \"floors\": [...]}");
	if (t == NULL)
		crm_ereport(&err);
	return t;
}

/* Set option key from v. */
static void
ParseOption(const char *key, JsonbValue *v, CrmFitOptions *o, bool *prebins_set)
{
	static const char *const missing_words[] = {"bin", "neutral", "error", NULL};
	static const char *const higher_words[] = {"target", "non_target", NULL};

	if (strcmp(key, "max_bins") == 0)
		o->max_bins = OptionInt(v, key);
	else if (strcmp(key, "prebins") == 0)
	{
		o->prebins = OptionInt(v, key);
		*prebins_set = true;
	}
	else if (strcmp(key, "min_bin_share") == 0)
		o->min_bin_share = OptionNumber(v, key);
	else if (strcmp(key, "monotone") == 0)
	{
		if (v->type != jbvBool)
			OptionError(key, "true or false");
		o->monotone = v->val.boolean;
	}
	else if (strcmp(key, "missing") == 0)
		o->missing = OptionWord(v, key, missing_words, "\"bin\", \"neutral\" or \"error\"");
	else if (strcmp(key, "higher") == 0)
		o->higher = OptionWord(v, key, higher_words, "\"target\" or \"non_target\"");
	else if (strcmp(key, "points0") == 0)
		o->points0 = OptionNumber(v, key);
	else if (strcmp(key, "odds0") == 0)
		o->odds0 = OptionNumber(v, key);
	else if (strcmp(key, "pdo") == 0)
		o->pdo = OptionNumber(v, key);
	else if (strcmp(key, "precision") == 0)
		o->precision = OptionInt(v, key);
	else if (strcmp(key, "sample_rows") == 0)
		o->sample_rows = OptionInt(v, key);
	else if (strcmp(key, "max_iter") == 0)
		o->max_iter = OptionInt(v, key);
	else if (strcmp(key, "name") == 0)
		o->name = OptionString(v, key, &o->name_len);
	else if (strcmp(key, "version") == 0)
		o->version = OptionString(v, key, &o->version_len);
	else if (strcmp(key, "levels") == 0)
		o->levels = OptionLevels(v, &o->levels_size);
	else if (strcmp(key, "include") == 0)
	{
		OptionNames(v, key, &o->include);
		o->has_include = true;
	}
	else if (strcmp(key, "exclude") == 0)
		OptionNames(v, key, &o->exclude);
	else if (strcmp(key, "categorical") == 0)
		OptionNames(v, key, &o->categorical);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown " FIT " option \"%s\"", key),
				 errhint("Valid options are %s.", option_names)));
}

/* The options of a fit: defaults, the jsonb's keys, then the whole set checked. */
static void
ParseOptions(Jsonb *jb, CrmFitOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		prebins_set = false;
	CrmError	err = {0};

	crm_fit_options_default(o);
	if (jb != NULL)
	{
		if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(FIT ": options must be a JSON object"),
					 errhint("For example '{\"max_bins\": 8, \"monotone\": true}'.")));
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *key;

			if (tok != WJB_KEY)
				continue;
			key = pnstrdup(v.val.string.val, v.val.string.len);
			tok = JsonbIteratorNext(&it, &v, true);
			ParseOption(key, &v, o, &prebins_set);
		}
	}
	/* prebinning starts from at least as many groups as bins */
	if (!prebins_set && o->prebins < o->max_bins)
		o->prebins = o->max_bins;
	RaiseIf(crm_fit_options_check(o, &err), &err);
}

/* ----------------------------------------------------------------------
 * The state while aggregating: an expanded object
 * ---------------------------------------------------------------------- */

/* The previous row's keys and their factors (-1: left out). */
typedef struct KeyCache
{
	int			n;
	int			cap;
	char	  **key;
	uint32	   *len;
	uint32	   *room;			/* bytes allocated for key[i] */
	int		   *fi;
	uint32	   *scratch;		/* a row's key offsets and lengths, 2 per key */
	int			scratch_cap;
} KeyCache;

typedef struct FitEOH
{
	ExpandedObjectHeader hdr;
	CrmFitState *s;				/* in hdr.eoh_context */
	KeyCache	keys;
} FitEOH;

/* Flat size: the binary form (pending values merged first). */
static Size
FitGetFlatSize(ExpandedObjectHeader *eohptr)
{
	FitEOH	   *e = (FitEOH *) eohptr;
	MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);
	size_t		n = crm_fit_encoded_size(e->s);

	MemoryContextSwitchTo(old);
	if (n > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value of %zu bytes is too large", STATE_TYPE, n)));
	return VARHDRSZ + n;
}

/* Write the binary form into PostgreSQL's buffer. */
static void
FitFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	FitEOH	   *e = (FitEOH *) eohptr;
	MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);
	bool		ok;

	SET_VARSIZE(result, allocated_size);
	ok = crm_fit_encode(e->s, (uint8 *) VARDATA(result), allocated_size - VARHDRSZ);
	MemoryContextSwitchTo(old);
	if (!ok)
		elog(ERROR, "crm: %s binary size mismatch, please report a bug", STATE_TYPE);
}

/* its methods; their address identifies our objects (see FitOwn) */
static const ExpandedObjectMethods fit_methods = {
	FitGetFlatSize,
	FitFlattenInto
};

/*
 * Our expanded state behind a datum, or NULL: a property of the object
 * (its methods pointer, which only FitWrap sets), never of an address.
 */
static FitEOH *
FitOwn(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &fit_methods)
			return (FitEOH *) eoh;
	}
	return NULL;
}

/* A new expanded object in a child of parent, and its memory context. */
static FitEOH *
FitEOHNew(MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, STATE_TYPE, ALLOCSET_DEFAULT_SIZES);
	FitEOH	   *e = MemoryContextAllocZero(cxt, sizeof(FitEOH));

	EOH_init_header(&e->hdr, &fit_methods, cxt);
	return e;
}

/*
 * Strings of a state from outside (factor names, category values, name,
 * version, option names) must be valid in the database encoding: they end
 * up in the card, whose text a client converts.  22021 otherwise.
 */
static void
VerifyStrings(const CrmFitState *s)
{
	const CrmFitOptions *o = &s->opt;
	const CrmFitNames *lists[3] = {&o->include, &o->exclude, &o->categorical};
	int			j;
	int			i;

	if (o->name)
		(void) pg_verifymbstr(o->name, o->name_len, false);
	if (o->version)
		(void) pg_verifymbstr(o->version, o->version_len, false);
	for (j = 0; j < 3; j++)
		for (i = 0; i < lists[j]->n; i++)
			(void) pg_verifymbstr(lists[j]->names[i], lists[j]->lens[i], false);
	for (j = 0; j < s->nfactors; j++)
	{
		const CrmFitFactor *f = &s->factors[j];

		CHECK_FOR_INTERRUPTS();
		(void) pg_verifymbstr(f->name, f->name_len, false);
		for (i = 0; i < f->ncat; i++)
			(void) pg_verifymbstr(f->bytes + f->cat[i].off, f->cat[i].len, false);
	}
}

/*
 * A state decoded from len bytes of binary form, checked (kind: the error
 * kind), as a new expanded object under parent.
 */
static FitEOH *
FitDecoded(MemoryContext parent, const uint8 *bytes, size_t len, CrmErrorKind kind)
{
	FitEOH	   *e = FitEOHNew(parent);
	MemoryContext old = MemoryContextSwitchTo(e->hdr.eoh_context);
	CrmError	err = {0};

	e->s = crm_fit_decode(bytes, len, kind, &err);
	MemoryContextSwitchTo(old);
	if (e->s == NULL)
		crm_ereport(&err);
	VerifyStrings(e->s);
	return e;
}

/*
 * A state argument: our own object as it is (read-write when rw is set),
 * anything else checked in full and decoded into a new object (*fresh
 * set: the caller owns it).
 */
static FitEOH *
FitArg(Datum d, MemoryContext parent, bool rw, bool *fresh)
{
	FitEOH	   *e = FitOwn(d);
	struct varlena *v;

	*fresh = false;
	if (e != NULL && (!rw || VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d))))
		return e;
	v = PG_DETOAST_DATUM(d);
	*fresh = true;
	return FitDecoded(parent, (const uint8 *) VARDATA(v), VARSIZE(v) - VARHDRSZ, CRM_ERR_INVALID);
}

/* ----------------------------------------------------------------------
 * Reading a row's attributes
 * ---------------------------------------------------------------------- */

/* Name of factor fi, for messages. */
static const char *
FactorName(const FitEOH *e, int fi)
{
	return pnstrdup(e->s->factors[fi].name, e->s->factors[fi].name_len);
}

/* Raise a core error; the caller's memory context is current again first. */
static void pg_attribute_noreturn()
CoreError(MemoryContext rowcxt, const CrmError *err)
{
	MemoryContextSwitchTo(rowcxt);
	crm_ereport(err);
}

/*
 * A numeric value as float8: from its digits when exact, else through its
 * text by the number rule (22003 beyond float8's range).
 */
static double
NumberOf(const FitEOH *e, int fi, Numeric num, MemoryContext rowcxt)
{
	const uint16 *p = (const uint16 *) ((const char *) num + VARHDRSZ);
	uint16		header = p[0];
	double		x;
	char	   *literal;
	MemoryContext old;

	if ((header & 0xC000) != 0xC000 && VARSIZE(num) >= VARHDRSZ + 2)
	{
		bool		is_short = (header & 0x8000) != 0;
		int			hdr = is_short ? 2 : 4;
		int			n = (int) (VARSIZE(num) - VARHDRSZ - hdr) / 2;
		bool		neg;
		int			weight;

		if (is_short)
		{
			neg = (header & 0x2000) != 0;
			weight = (header & 0x0040) ? (int) (header & 0x003F) - 64 : (int) (header & 0x003F);
		}
		else
		{
			neg = (header & 0xC000) == 0x4000;
			weight = (int16) p[1];
		}
		if (VARSIZE(num) >= (Size) (VARHDRSZ + hdr) &&
			crm_fit_decimal_double(neg, weight, (const int16 *) ((const char *) p + hdr), n, &x))
			return x;
	}
	old = MemoryContextSwitchTo(rowcxt);
	if (!crm_numeric_double(num, &x, &literal))
	{
		CrmError	err = {0};

		crm_error_out_of_range(&err, psprintf("factor \"%s\": value", FactorName(e, fi)),
							   literal, strlen(literal));
		crm_ereport(&err);
	}
	MemoryContextSwitchTo(old);
	return x;
}

/* A string holding a number, for a numeric factor (22P02 otherwise). */
static double
StringNumber(const FitEOH *e, int fi, const char *s, int len, MemoryContext rowcxt)
{
	char		local[64];
	char	   *str;
	const char *p;
	const char *end;
	double		x;
	CrmNumRead	status;

	MemoryContextSwitchTo(rowcxt);
	str = len < (int) sizeof(local) ? local : palloc(len + 1);
	memcpy(str, s, len);
	str[len] = '\0';
	p = crm_lex_skip_space(str);
	status = crm_lex_read_double(p, &end, &x);
	end = crm_lex_skip_space(end);
	if (status == CRM_NUM_NONE || *end != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("factor \"%s\" is numeric, but its value \"%s\" is not a number",
						FactorName(e, fi), str),
				 errhint("Make it a category factor with the option {\"categorical\": [\"%s\"]}, or leave out such values.",
						 FactorName(e, fi))));
	if (status == CRM_NUM_RANGE)
	{
		CrmError	err = {0};

		crm_error_out_of_range(&err, psprintf("factor \"%s\": value", FactorName(e, fi)), str, strlen(str));
		crm_ereport(&err);
	}
	MemoryContextSwitchTo(e->hdr.eoh_context);
	return x;
}

/* The factor of key i (len bytes at k): the previous row's, or asked. */
static int
KeyFactor(FitEOH *e, int i, const char *k, uint32 len, MemoryContext rowcxt)
{
	KeyCache   *kc = &e->keys;
	CrmError	err = {0};
	int			fi;

	if (i < kc->n && kc->len[i] == len && memcmp(kc->key[i], k, len) == 0)
		return kc->fi[i];
	fi = crm_fit_factor(e->s, k, len, &err);
	if (fi == -2)
		CoreError(rowcxt, &err);
	if (i >= kc->cap)
	{
		int			cap = Max(16, Max(kc->cap * 2, i + 1));

		kc->key = kc->key ? repalloc(kc->key, sizeof(char *) * cap) : palloc(sizeof(char *) * cap);
		kc->len = kc->len ? repalloc(kc->len, sizeof(uint32) * cap) : palloc(sizeof(uint32) * cap);
		kc->room = kc->room ? repalloc(kc->room, sizeof(uint32) * cap) : palloc(sizeof(uint32) * cap);
		kc->fi = kc->fi ? repalloc(kc->fi, sizeof(int) * cap) : palloc(sizeof(int) * cap);
		memset(kc->room + kc->cap, 0, sizeof(uint32) * (cap - kc->cap));
		kc->cap = cap;
	}
	while (kc->n <= i)
	{
		kc->key[kc->n] = NULL;
		kc->room[kc->n] = 0;
		kc->len[kc->n] = 0;
		kc->fi[kc->n] = -1;
		kc->n++;
	}
	/* the entry's buffer is reused: memory stays bounded by the longest row */
	if (kc->room[i] < len + 1)
	{
		if (kc->key[i])
			pfree(kc->key[i]);
		kc->room[i] = Max(len + 1, 32);
		kc->key[i] = palloc(kc->room[i]);
	}
	memcpy(kc->key[i], k, len);
	kc->len[i] = len;
	kc->fi[i] = fi;
	return fi;
}

/*
 * One attribute value of factor fi (JEntry je, data at off in the
 * container's data area base).
 */
static void
AddValue(FitEOH *e, int fi, uint32 je, const char *base, uint32 off, uint32 len,
		 bool target, MemoryContext rowcxt)
{
	CrmFitState *s = e->s;
	uint8		kind = crm_fit_factor_kind(s, fi);
	CrmError	err = {0};
	bool		ok;

	if (JBE_ISNULL(je))
		return;
	if (JBE_ISCONTAINER(je))
	{
		uint32		h = *(const uint32 *) (base + INTALIGN(off));

		MemoryContextSwitchTo(rowcxt);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("factor \"%s\": value must be a JSON scalar, not an %s",
						FactorName(e, fi), (h & JB_FARRAY) ? "array" : "object")));
	}
	if (JBE_ISNUMERIC(je))
	{
		Numeric		num = (Numeric) (base + INTALIGN(off));

		if (kind == CRM_FACTOR_CATEGORY)
		{
			char	   *text;

			MemoryContextSwitchTo(rowcxt);
			text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
			MemoryContextSwitchTo(e->hdr.eoh_context);
			ok = crm_fit_value_category(s, fi, text, strlen(text), target, &err);
		}
		else
			ok = crm_fit_value_numeric(s, fi, NumberOf(e, fi, num, rowcxt), target, &err);
	}
	else if (JBE_ISSTRING(je))
	{
		if (kind == CRM_FACTOR_NUMERIC)
			ok = crm_fit_value_numeric(s, fi, StringNumber(e, fi, base + off, (int) len, rowcxt),
									   target, &err);
		else
			ok = crm_fit_value_category(s, fi, base + off, len, target, &err);
	}
	else
	{
		bool		b = JBE_ISBOOL_TRUE(je);

		if (kind == CRM_FACTOR_NUMERIC)
		{
			MemoryContextSwitchTo(rowcxt);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("factor \"%s\" is numeric, but its value is a JSON boolean",
							FactorName(e, fi))));
		}
		ok = crm_fit_value_category(s, fi, b ? "true" : "false", b ? 4 : 5, target, &err);
	}
	if (!ok)
		CoreError(rowcxt, &err);
}

/*
 * A row: its attributes read from the jsonb container directly (JEntry
 * offsets, as jsonb_util.c reads them: keys first, then the values, in
 * the same order), then the row ended.  NULL attributes: all missing.
 */
static void
AddRow(FitEOH *e, Jsonb *jb, bool target)
{
	MemoryContext rowcxt = MemoryContextSwitchTo(e->hdr.eoh_context);
	CrmFitState *s = e->s;
	CrmError	err = {0};

	crm_fit_row_begin(s);
	if (jb != NULL)
	{
		JsonbContainer *jc = &jb->root;
		uint32		count = JsonContainerSize(jc);
		const char *base = (const char *) &jc->children[count * 2];
		uint32		off = 0;
		uint32		i;
		KeyCache   *kc = &e->keys;

		if (!JsonContainerIsObject(jc) || JsonContainerIsScalar(jc))
		{
			MemoryContextSwitchTo(rowcxt);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(FIT ": attributes must be a JSON object of factor: value")));
		}
		if ((int) count > kc->scratch_cap)
		{
			if (kc->scratch)
				pfree(kc->scratch);
			kc->scratch_cap = Max((int) count, 64);
			kc->scratch = palloc(sizeof(uint32) * 2 * kc->scratch_cap);
		}
		/* the keys' offsets and lengths */
		for (i = 0; i < count; i++)
		{
			uint32		start = off;

			JBE_ADVANCE_OFFSET(off, jc->children[i]);
			kc->scratch[2 * i] = start;
			kc->scratch[2 * i + 1] = off - start;
		}
		/* the values follow, in key order */
		for (i = 0; i < count; i++)
		{
			uint32		je = jc->children[count + i];
			uint32		start = off;
			int			fi;

			JBE_ADVANCE_OFFSET(off, je);
			fi = KeyFactor(e, (int) i, base + kc->scratch[2 * i], kc->scratch[2 * i + 1], rowcxt);
			if (fi >= 0)
				AddValue(e, fi, je, base, start, off - start, target, rowcxt);
		}
	}
	if (!crm_fit_row_end(s, target, &err))
		CoreError(rowcxt, &err);
	MemoryContextSwitchTo(rowcxt);
}

/* ----------------------------------------------------------------------
 * The aggregate's support functions
 * ---------------------------------------------------------------------- */

/*
 * Transition: the first row makes the state from the options (argument
 * 3, when given); a row with a NULL target is skipped; every other row
 * goes into the state in place.
 */
PG_FUNCTION_INFO_V1(scorecard_fit_transfn);
Datum
scorecard_fit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, FIT);
	FitEOH	   *e;
	bool		fresh;

	if (PG_ARGISNULL(0))
	{
		CrmFitOptions o;
		MemoryContext old;

		ParseOptions(PG_NARGS() > 3 && !PG_ARGISNULL(3) ? PG_GETARG_JSONB_P(3) : NULL, &o);
		e = FitEOHNew(aggctx);
		old = MemoryContextSwitchTo(e->hdr.eoh_context);
		e->s = crm_fit_new(&o);
		MemoryContextSwitchTo(old);
	}
	else
		e = FitArg(PG_GETARG_DATUM(0), aggctx, true, &fresh);
	if (!PG_ARGISNULL(1))
		AddRow(e, PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2), PG_GETARG_BOOL(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* Combine: the second state (checked) added into the first. */
PG_FUNCTION_INFO_V1(scorecard_fit_combinefn);
Datum
scorecard_fit_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = AggregateContext(fcinfo, FIT);
	FitEOH	   *a;
	FitEOH	   *b;
	bool		a_fresh;
	bool		b_fresh;
	MemoryContext old;
	CrmError	err = {0};
	bool		ok;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		a = FitArg(PG_GETARG_DATUM(0), aggctx, true, &a_fresh);
		PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
	}
	b = FitArg(PG_GETARG_DATUM(1), aggctx, false, &b_fresh);
	/* b's pending values merged in b's own memory */
	old = MemoryContextSwitchTo(b->hdr.eoh_context);
	crm_fit_flush(b->s);
	MemoryContextSwitchTo(old);
	if (PG_ARGISNULL(0))
	{
		if (b_fresh)
			PG_RETURN_DATUM(EOHPGetRWDatum(&b->hdr));
		/* someone else's state: a new one of ours, with b added */
		a = FitEOHNew(aggctx);
		old = MemoryContextSwitchTo(a->hdr.eoh_context);
		a->s = crm_fit_new(&b->s->opt);
		MemoryContextSwitchTo(old);
	}
	else
		a = FitArg(PG_GETARG_DATUM(0), aggctx, true, &a_fresh);
	old = MemoryContextSwitchTo(a->hdr.eoh_context);
	ok = crm_fit_combine(a->s, b->s, &err);
	MemoryContextSwitchTo(old);
	if (!ok)
		crm_ereport(&err);
	if (b_fresh)
		DeleteExpandedObject(EOHPGetRWDatum(&b->hdr));
	PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
}

/*
 * Final: the card (NULL without rows).  Factors left out, a regression
 * that did not converge and an approximate fit are NOTICEs.
 */
PG_FUNCTION_INFO_V1(scorecard_fit_finalfn);
Datum
scorecard_fit_finalfn(PG_FUNCTION_ARGS)
{
	FitEOH	   *e;
	bool		fresh;
	MemoryContext old;
	CrmFitReport rep;
	CrmError	err = {0};
	CrmScorecard *card;
	size_t		size;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	e = FitArg(PG_GETARG_DATUM(0), CurrentMemoryContext, false, &fresh);
	old = MemoryContextSwitchTo(e->hdr.eoh_context);
	crm_fit_flush(e->s);
	MemoryContextSwitchTo(old);
	card = crm_fit_finish(e->s, &rep, &size, &err);
	if (card == NULL)
	{
		if (err.kind != CRM_OK)
			crm_ereport(&err);
		PG_RETURN_NULL();
	}
	if (rep.ndropped > 0)
		ereport(NOTICE,
				(errmsg(FIT ": %d factor%s left out of the card", rep.ndropped,
						rep.ndropped == 1 ? "" : "s"),
				 errdetail_internal("%s.", rep.dropped)));
	if (!rep.converged)
		ereport(NOTICE,
				(errmsg(FIT ": the logistic regression did not converge in %d iterations",
						rep.iterations),
				 errhint("Raise the option max_iter, or use fewer bins.")));
	if (rep.approximate)
	{
		bool		sampled = rep.sampled_rows < e->s->rows;
		bool		summarised = (e->s->flags & CRM_FIT_FLAG_APPROX) != 0;

		ereport(NOTICE,
				(errmsg(FIT ": the fit is approximate"),
				 sampled ?
				 errdetail("The regression used a sample of " INT64_FORMAT " of the " INT64_FORMAT " rows (the rows have more distinct combinations of values than sample_rows)%s.",
						   rep.sampled_rows, e->s->rows,
						   summarised ? "; the bins come from summaries of the values" : "") :
				 errdetail("The bins come from summaries of the values: a numeric factor has more than %d distinct values, or a category factor more than %d.",
						   CRM_FIT_MAX_INTERVALS, CRM_FIT_MAX_CATEGORIES)));
	}
	PG_RETURN_SCORECARD_P(scorecard_finish(card, size));
}

/* ----------------------------------------------------------------------
 * crm.scorecard_fit_state: type I/O (the compact text form only)
 * ---------------------------------------------------------------------- */

/* A checked state, flat or ours, for output. */
static FitEOH *
StateForOutput(Datum d)
{
	bool		fresh;

	return FitArg(d, CurrentMemoryContext, false, &fresh);
}

/* The binary form of a state as a new varlena of the type. */
static struct varlena *
FlatState(FitEOH *e)
{
	Size		size = FitGetFlatSize(&e->hdr);
	struct varlena *v = palloc(size);

	FitFlattenInto(&e->hdr, v, size);
	return v;
}

/* Text input: crm64: and the base64 of the binary form, checked. */
PG_FUNCTION_INFO_V1(scorecard_fit_state_in);
Datum
scorecard_fit_state_in(PG_FUNCTION_ARGS)
{
	const char *text = PG_GETARG_CSTRING(0);
	size_t		n;
	uint8	   *bin;

	if (!crm_wire_is_compact(text))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", STATE_TYPE),
				 errdetail("The text form of a %s is \"%s\" followed by base64.", STATE_TYPE, CRM_WIRE_PREFIX)));
	bin = crm_wire_in(text, &n, STATE_TYPE);
	PG_RETURN_POINTER(FlatState(FitDecoded(CurrentMemoryContext, bin, n, CRM_ERR_SYNTAX)));
}

/* Text output: the compact form. */
PG_FUNCTION_INFO_V1(scorecard_fit_state_out);
Datum
scorecard_fit_state_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = FlatState(StateForOutput(PG_GETARG_DATUM(0)));

	PG_RETURN_CSTRING(crm_wire_out(VARDATA(v), VARSIZE(v) - VARHDRSZ, STATE_TYPE));
}

/* Binary output: the binary form (see scorecard_fit_core.h). */
PG_FUNCTION_INFO_V1(scorecard_fit_state_send);
Datum
scorecard_fit_state_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = FlatState(StateForOutput(PG_GETARG_DATUM(0)));

	PG_RETURN_BYTEA_P((bytea *) v);
}

/* Binary input, checked like the text form (22P03). */
PG_FUNCTION_INFO_V1(scorecard_fit_state_recv);
Datum
scorecard_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	FitEOH	   *e = FitDecoded(CurrentMemoryContext, (const uint8 *) buf->data + buf->cursor,
							   (size_t) (buf->len - buf->cursor), CRM_ERR_BINARY);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(FlatState(e));
}

/* ----------------------------------------------------------------------
 * A fitted card's statistics: crm.scorecard_bins, crm.scorecard_iv
 * ---------------------------------------------------------------------- */

/* How a numeric bin reads (as crm.score_explain writes it). */
static char *
NumericBinText(const CrmScorecard *c, const CrmCardFactor *f, uint32 bin)
{
	const double *edges = crm_card_edges(c, f);
	char		lo[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		hi[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (f->n == 1)
		return pstrdup("all");
	if (bin > 0)
		double_to_shortest_decimal_buf(edges[bin - 1], lo);
	if (bin < f->n - 1)
		double_to_shortest_decimal_buf(edges[bin], hi);
	if (bin == 0)
		return psprintf("< %s", hi);
	if (bin == f->n - 1)
		return psprintf(">= %s", lo);
	return psprintf("[%s, %s)", lo, hi);
}

/* A factor's information value from its entries' statistics. */
static double
FactorIv(const CrmScorecard *c, const CrmCardFactor *f)
{
	const CrmCardFit *fit = crm_card_fit(c);
	const CrmCardFactorStats *st = crm_card_factor_stats(c, f);
	double		T = fit->targets;
	double		N = fit->rows - fit->targets;
	double		iv = 0;
	uint32		j;

	if (T <= 0 || N <= 0)
		return 0;
#define IV_TERM(e) (((e).targets / T - ((e).rows - (e).targets) / N) * (e).woe)
	for (j = 0; j < f->n; j++)
		iv += IV_TERM(st->entries[j]);
	iv += IV_TERM(st->missing);
	if (f->kind == CRM_FACTOR_CATEGORY)
		iv += IV_TERM(st->other);
#undef IV_TERM
	return iv;
}

/* One row of crm.scorecard_bins. */
static void
PutBin(ReturnSetInfo *rsinfo, const char *factor, char *bin, double points,
	   const CrmCardEntryStats *st, double iv)
{
	Datum		values[7];
	bool		nulls[7] = {false, false, st == NULL, st == NULL, st == NULL || st->rows == 0,
	false, st == NULL};

	values[0] = CStringGetTextDatum(factor);
	values[1] = CStringGetTextDatum(bin);
	values[2] = st ? Float8GetDatum(st->woe) : (Datum) 0;
	values[3] = st ? Int64GetDatum((int64) st->rows) : (Datum) 0;
	values[4] = (st && st->rows > 0) ? Float8GetDatum(st->targets / st->rows) : (Datum) 0;
	values[5] = Float8GetDatum(points);
	values[6] = Float8GetDatum(iv);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.scorecard_bins(card) -> (factor, bin, woe, count, target_rate,
 * points, iv): every entry of every factor, in the card's order (numeric
 * bins ascending, then the missing value; category values, other values,
 * the missing value).  Statistics are NULL for a card without them.
 */
PG_FUNCTION_INFO_V1(scorecard_bins);
Datum
scorecard_bins(PG_FUNCTION_ARGS)
{
	CrmScorecard *c = PG_GETARG_SCORECARD_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		fitted = crm_card_has_fit(c);
	int			i;
	uint32		j;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		const CrmCardFactorStats *st = fitted ? crm_card_factor_stats(c, f) : NULL;
		const double *points = crm_card_points(c, f);
		char	   *name = pnstrdup(crm_card_str(c, f->name), f->name.len);
		double		iv = fitted ? FactorIv(c, f) : 0;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < f->n; j++)
		{
			char	   *bin;

			if ((j & 1023) == 1023)
				CHECK_FOR_INTERRUPTS();
			if (f->kind == CRM_FACTOR_NUMERIC)
				bin = NumericBinText(c, f, j);
			else
			{
				CrmCardStr	k = crm_card_keys(c, f)[j];

				bin = pnstrdup(crm_card_str(c, k), k.len);
			}
			PutBin(rsinfo, name, bin, points[j], st ? &st->entries[j] : NULL, iv);
		}
		if (f->kind == CRM_FACTOR_CATEGORY)
			PutBin(rsinfo, name, pstrdup("*"), f->other, st ? &st->other : NULL, iv);
		PutBin(rsinfo, name, pstrdup("null"), f->missing, st ? &st->missing : NULL, iv);
	}
	return (Datum) 0;
}

/*
 * crm.scorecard_iv(card) -> (ordinal, factor, iv, coefficient): each
 * factor's information value and regression coefficient (NULL for a card
 * without fit statistics).
 */
PG_FUNCTION_INFO_V1(scorecard_iv);
Datum
scorecard_iv(PG_FUNCTION_ARGS)
{
	CrmScorecard *c = PG_GETARG_SCORECARD_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		fitted = crm_card_has_fit(c);
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, !fitted, !fitted};

		values[0] = Int32GetDatum(i + 1);
		values[1] = PointerGetDatum(cstring_to_text_with_len(crm_card_str(c, f->name), f->name.len));
		values[2] = fitted ? Float8GetDatum(FactorIv(c, f)) : (Datum) 0;
		values[3] = fitted ? Float8GetDatum(crm_card_factor_stats(c, f)->coefficient) : (Datum) 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
