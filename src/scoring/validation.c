/*
 * validation.c
 *	  Validating and monitoring scores: the aggregates crm.auc and crm.ks
 *	  (state crm.roc_state) and crm.psi (state crm.psi_state), over
 *	  validation_core.c.
 *
 * The states are flat values in the aggregate's memory, updated in place,
 * trusted as aggstate.h describes: the header checked on every call in
 * O(1), the contents in full when the seal does not match (the state
 * arrived from outside), then sealed.  No support function reads
 * expression information, so they run as partial aggregates on Citus
 * workers.
 */
#include "crm.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "aggstate.h"
#include "lex_core.h"
#include "scorecard.h"
#include "validate.h"
#include "validation_core.h"

/* a new ROC state starts with room for 64 entries */
#define ROC_INITIAL 64

/* ------------------------------------------------------------ ROC state */

/* A core state (or the core's error) as a datum-ready varlena. */
static CrmRocState *
RocFinish(CrmRocState *s, CrmError *err)
{
	if (s == NULL)
		crm_ereport(err);
	SET_VARSIZE(s, crm_roc_size(s->cap));
	return s;
}

/* A state of unknown origin, checked completely (not written to). */
static CrmRocState *
RocChecked(Datum d)
{
	CrmRocState *s = (CrmRocState *) PG_DETOAST_DATUM(d);
	CrmError	err = {0};

	if (crm_roc_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0 ||
		crm_roc_check_entries(s, CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);
	return s;
}

/*
 * The state argument of the transition and combine functions: the header
 * checked on every call, the entries when the seal does not match.
 */
static CrmRocState *
RocArg(FunctionCallInfo fcinfo, int argno)
{
	CrmRocState *s = (CrmRocState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};

	if (crm_roc_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);
	if (s->seal != crm_state_seal(s, s->n, s->cap))
	{
		if (crm_roc_check_entries(s, CRM_ERR_INVALID, &err) != 0)
			crm_ereport(&err);
		s->seal = crm_state_seal(s, s->n, s->cap);
	}
	return s;
}

/* Seal a state the function is about to return. */
static Datum
RocReturn(CrmRocState *s)
{
	CrmError	err = {0};

	if (crm_roc_check_header(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		elog(ERROR, "crm.auc built a state its input would refuse (%s), please report a bug",
			 err.message);
	s->seal = crm_state_seal(s, s->n, s->cap);
	return PointerGetDatum(s);
}

/*
 * Room for need more entries: merge equal scores first; grow (a copy with
 * twice the room, at most the cap) when that leaves less than half free.
 */
static CrmRocState *
RocRoom(CrmRocState *s, int64 need)
{
	CrmError	err = {0};
	CrmRocState *t;
	int64		cap;

	if (s->n + need <= s->cap)
		return s;
	crm_roc_compact(s);
	if (s->n + need <= s->cap && s->n <= s->cap / 2)
		return s;
	cap = Max(s->cap, ROC_INITIAL);
	while (cap < s->n + need || cap < 2 * s->n)
		cap *= 2;
	if (cap > CRM_ROC_MAX_ENTRIES)
		cap = Max(CRM_ROC_MAX_ENTRIES, s->n + need);
	t = RocFinish(crm_roc_alloc(cap, &err), &err);
	memcpy(t->e, s->e, sizeof(CrmRocEntry) * s->n);
	t->n = s->n;
	return t;
}

/* The transition of crm.auc and crm.ks (name: the aggregate's): (score, target); NULLs skipped. */
static Datum
RocTransition(FunctionCallInfo fcinfo, const char *name)
{
	CrmRocState *s;
	CrmError	err = {0};
	double		score;
	bool		target;

	(void) AggregateContext(fcinfo, name);
	s = PG_ARGISNULL(0) ? NULL : RocArg(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	score = PG_GETARG_FLOAT8(1);
	target = PG_GETARG_BOOL(2);
	if (crm_roc_score_check(score, psprintf("%s: score", name), &err) != 0)
		crm_ereport(&err);
	if (s == NULL)
		s = RocFinish(crm_roc_alloc(ROC_INITIAL, &err), &err);
	else
		s = RocRoom(s, 1);
	s->e[s->n].score = score == 0 ? 0 : score;
	s->e[s->n].pos = target ? 1 : 0;
	s->e[s->n].neg = target ? 0 : 1;
	s->n++;
	return RocReturn(s);
}

/* The combine of crm.auc and crm.ks: the entries of both states. */
static Datum
RocCombine(FunctionCallInfo fcinfo, const char *name)
{
	CrmRocState *a;
	CrmRocState *b;

	(void) AggregateContext(fcinfo, name);
	a = PG_ARGISNULL(0) ? NULL : RocArg(fcinfo, 0);
	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	b = RocChecked(PG_GETARG_DATUM(1));
	if (a == NULL)
		PG_RETURN_POINTER(b);	/* nodeAgg copies it */
	a = RocRoom(a, b->n);
	if (a->n + b->n > a->cap)
	{
		CrmError	err = {0};

		(void) crm_roc_alloc(CRM_ROC_MAX_ENTRIES + 1, &err);
		crm_ereport(&err);
	}
	memcpy(a->e + a->n, b->e, sizeof(CrmRocEntry) * b->n);
	a->n += b->n;
	return RocReturn(a);
}

/* crm.auc transition. */
PG_FUNCTION_INFO_V1(auc_transfn);
Datum
auc_transfn(PG_FUNCTION_ARGS)
{
	return RocTransition(fcinfo, "crm.auc");
}

/* crm.auc combine. */
PG_FUNCTION_INFO_V1(auc_combinefn);
Datum
auc_combinefn(PG_FUNCTION_ARGS)
{
	return RocCombine(fcinfo, "crm.auc");
}

/* crm.ks transition (the same state as crm.auc). */
PG_FUNCTION_INFO_V1(ks_transfn);
Datum
ks_transfn(PG_FUNCTION_ARGS)
{
	return RocTransition(fcinfo, "crm.ks");
}

/* crm.ks combine. */
PG_FUNCTION_INFO_V1(ks_combinefn);
Datum
ks_combinefn(PG_FUNCTION_ARGS)
{
	return RocCombine(fcinfo, "crm.ks");
}

/* Final of crm.auc: the exact AUC, NULL without both classes. */
PG_FUNCTION_INFO_V1(auc_finalfn);
Datum
auc_finalfn(PG_FUNCTION_ARGS)
{
	double		auc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	auc = crm_roc_auc(RocChecked(PG_GETARG_DATUM(0)));
	if (isnan(auc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(auc);
}

/* Final of crm.ks: the KS statistic, NULL without both classes. */
PG_FUNCTION_INFO_V1(ks_finalfn);
Datum
ks_finalfn(PG_FUNCTION_ARGS)
{
	double		ks;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ks = crm_roc_ks(RocChecked(PG_GETARG_DATUM(0)));
	if (isnan(ks))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ks);
}

/* Text input: the compact form only. */
PG_FUNCTION_INFO_V1(roc_state_in);
Datum
roc_state_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};

	PG_RETURN_POINTER(RocFinish(crm_roc_parse(PG_GETARG_CSTRING(0), &err), &err));
}

/* Text output: the compact form. */
PG_FUNCTION_INFO_V1(roc_state_out);
Datum
roc_state_out(PG_FUNCTION_ARGS)
{
	CrmRocState *s = RocChecked(PG_GETARG_DATUM(0));
	size_t		n = crm_roc_wire_size(s);
	uint8	   *bin = palloc(n);

	crm_roc_encode(s, bin);
	PG_RETURN_CSTRING(crm_wire_out(bin, n, "crm.roc_state"));
}

/* Binary output (see validation_core.h). */
PG_FUNCTION_INFO_V1(roc_state_send);
Datum
roc_state_send(PG_FUNCTION_ARGS)
{
	CrmRocState *s = RocChecked(PG_GETARG_DATUM(0));
	size_t		n = crm_roc_wire_size(s);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_roc_encode(s, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* Binary input, checked (22P03). */
PG_FUNCTION_INFO_V1(roc_state_recv);
Datum
roc_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmRocState *s = crm_roc_decode((const uint8 *) buf->data + buf->cursor,
									(size_t) (buf->len - buf->cursor), CRM_ERR_BINARY, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(RocFinish(s, &err));
}

/* ------------------------------------------------------------ PSI state */

/* A core state (or the error) with its varlena size set. */
static CrmPsiState *
PsiFinish(CrmPsiState *s, CrmError *err)
{
	if (s == NULL)
		crm_ereport(err);
	SET_VARSIZE(s, crm_psi_size(s->ngroups, s->nbins, s->ncuts, s->names_bytes));
	return s;
}

/* A state of unknown origin, checked completely. */
static CrmPsiState *
PsiChecked(Datum d)
{
	CrmPsiState *s = (CrmPsiState *) PG_DETOAST_DATUM(d);
	CrmError	err = {0};

	if (crm_psi_check(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
		crm_ereport(&err);
	return s;
}

/*
 * The state argument to update in place: checked in full unless sealed
 * (the counts are the only thing that changes, so the seal covers them by
 * the state's address and size).
 */
static CrmPsiState *
PsiArg(FunctionCallInfo fcinfo, int argno)
{
	CrmPsiState *s = (CrmPsiState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	CrmError	err = {0};

	if (VARSIZE(s) < CRM_PSI_HDRSZ ||
		s->seal != crm_state_seal(s, s->nbins, (int64) VARSIZE(s)))
	{
		if (crm_psi_check(s, VARSIZE(s), CRM_ERR_INVALID, &err) != 0)
			crm_ereport(&err);
		s->seal = crm_state_seal(s, s->nbins, (int64) VARSIZE(s));
	}
	return s;
}

/* Seal a state the function returns. */
static Datum
PsiReturn(CrmPsiState *s)
{
	s->seal = crm_state_seal(s, s->nbins, (int64) VARSIZE(s));
	return PointerGetDatum(s);
}

/* The cut points argument as a C array (checked; *n their number). */
static double *
CutsArg(ArrayType *arr, int *n)
{
	CrmError	err = {0};
	Datum	   *elems;
	bool	   *nulls;
	double	   *cuts;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("crm.psi: cut points must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, n);
	if (*n > CRM_PSI_MAX_CUTS)
	{
		(void) crm_psi_cuts_check(NULL, *n, &err);
		crm_ereport(&err);
	}
	cuts = palloc(sizeof(double) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("crm.psi: cut point %d is NULL", i + 1)));
		cuts[i] = DatumGetFloat8(elems[i]);
		if (cuts[i] == 0)
			cuts[i] = 0;		/* -0 is 0 */
	}
	if (crm_psi_cuts_check(cuts, *n, &err) != 0)
		crm_ereport(&err);
	return cuts;
}

/*
 * Transition of crm.psi(value, actual, cuts): the value counted in its bin
 * (a value equal to a cut point in the upper one, as crm.tier; NULL in a
 * bin of its own) of the expected (actual false) or actual population.
 * The cut points must be the same on every row.
 */
PG_FUNCTION_INFO_V1(psi_transfn);
Datum
psi_transfn(PG_FUNCTION_ARGS)
{
	CrmPsiState *s;
	ArrayType  *arr;
	int			ncuts;
	int			bin;

	(void) AggregateContext(fcinfo, "crm.psi");
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("crm.psi: the cut points must not be NULL")));
	s = PG_ARGISNULL(0) ? NULL : PsiArg(fcinfo, 0);
	arr = PG_GETARG_ARRAYTYPE_P(3);
	if (s == NULL)
	{
		CrmError	err = {0};
		double	   *cuts = CutsArg(arr, &ncuts);
		int32		bins = ncuts + 2;

		s = PsiFinish(crm_psi_alloc(CRM_PSI_CUTS, 1, &bins, "", 1, cuts, ncuts,
									crm_psi_hash(cuts, sizeof(double) * ncuts), &err), &err);
	}
	else
	{
		/* the same cut points as the state's: compared element by element */
		Datum	   *elems;
		bool	   *nulls;
		const double *cuts = crm_psi_cuts(s);
		int			i;
		bool		same;

		if (ARR_NDIM(arr) > 1)
			(void) CutsArg(arr, &ncuts);
		deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &ncuts);
		same = s->kind == CRM_PSI_CUTS && ncuts == s->ncuts;
		for (i = 0; same && i < ncuts; i++)
			same = !nulls[i] && DatumGetFloat8(elems[i]) == cuts[i];
		if (!same)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.psi: the cut points must be the same on every row")));
	}
	if (PG_ARGISNULL(2))
		return PsiReturn(s);
	if (PG_ARGISNULL(1))
		bin = s->ncuts + 1;
	else
	{
		double		x = PG_GETARG_FLOAT8(1);

		CheckFinite(x, "crm.psi: value");
		bin = crm_bounds_locate(crm_psi_cuts(s), s->ncuts, x);
	}
	crm_psi_counts(s)[2 * bin + (PG_GETARG_BOOL(2) ? 1 : 0)]++;
	return PsiReturn(s);
}

/* Combine of both forms of crm.psi: the counts added (the same bins). */
PG_FUNCTION_INFO_V1(psi_combinefn);
Datum
psi_combinefn(PG_FUNCTION_ARGS)
{
	CrmPsiState *a;
	CrmPsiState *b;
	CrmError	err = {0};

	(void) AggregateContext(fcinfo, "crm.psi");
	a = PG_ARGISNULL(0) ? NULL : PsiArg(fcinfo, 0);
	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		return PsiReturn(a);
	}
	b = PsiChecked(PG_GETARG_DATUM(1));
	if (a == NULL)
		PG_RETURN_POINTER(b);	/* nodeAgg copies it */
	if (!crm_psi_compatible(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.psi: cannot combine states of different bins")));
	if (!crm_psi_add(a, b, &err))
		crm_ereport(&err);
	return PsiReturn(a);
}

/* Final of crm.psi(value, actual, cuts): the PSI, NULL without both populations. */
PG_FUNCTION_INFO_V1(psi_finalfn);
Datum
psi_finalfn(PG_FUNCTION_ARGS)
{
	CrmPsiState *s;
	double		psi;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = PsiChecked(PG_GETARG_DATUM(0));
	if (s->kind != CRM_PSI_CUTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.psi: a state over a card's bins needs crm.psi(card, attrs, actual)")));
	psi = crm_psi_value(s, 0);
	if (isnan(psi))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(psi);
}

/* ------------------------------------------------------- PSI over a card */

/* The card of the call site, and its fingerprint (by value, not pointer). */
typedef struct PsiCardCache
{
	struct varlena *card;		/* a copy in fn_mcxt */
	uint64		fingerprint;
} PsiCardCache;

/* The card argument, compared byte for byte with the cached copy. */
static PsiCardCache *
PsiCard(FunctionCallInfo fcinfo)
{
	PsiCardCache *c = (PsiCardCache *) fcinfo->flinfo->fn_extra;
	struct varlena *v;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("crm.psi: the scorecard must not be NULL")));
	v = PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (c != NULL && VARSIZE(c->card) == VARSIZE(v) &&
		memcmp(VARDATA(c->card), VARDATA(v), VARSIZE(v) - VARHDRSZ) == 0)
		return c;
	if (c == NULL)
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PsiCardCache));
	else
		pfree(c->card);
	c->card = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE(v));
	memcpy(c->card, v, VARSIZE(v));
	c->fingerprint = crm_psi_hash(VARDATA(v), VARSIZE(v) - VARHDRSZ);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/* A new state over the card's entries: per factor its bins, other, missing. */
static CrmPsiState *
PsiCardState(const CrmScorecard *card, uint64 fingerprint)
{
	int32	   *bins = palloc(sizeof(int32) * card->nfactors);
	StringInfoData names;
	CrmError	err = {0};
	int			i;

	initStringInfo(&names);
	for (i = 0; i < card->nfactors; i++)
	{
		bins[i] = (int32) card->factors[i].n + 2;
		appendBinaryStringInfo(&names, crm_card_str(card, card->factors[i].name),
							   card->factors[i].name.len);
		appendStringInfoChar(&names, '\0');
	}
	return PsiFinish(crm_psi_alloc(CRM_PSI_CARD, card->nfactors, bins, names.data, names.len,
								   NULL, 0, fingerprint, &err), &err);
}

/* The name of factor fi of a card, for messages. */
static const char *
CardFactorName(const CrmScorecard *c, int fi)
{
	return pnstrdup(crm_card_str(c, c->factors[fi].name), c->factors[fi].name.len);
}

/*
 * The entry of factor fi that a JSON attribute falls in (scored as
 * crm.score scores it): a bin or listed value, n for other values, n + 1
 * for a missing one.
 */
static int
AttrEntry(const CrmScorecard *c, int fi, JsonbValue *v)
{
	const CrmCardFactor *f = &c->factors[fi];

	if (v == NULL || v->type == jbvNull)
		return (int) f->n + 1;
	if (v->type == jbvBinary)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("factor \"%s\": value must be a JSON scalar", CardFactorName(c, fi))));
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		double		x;

		if (v->type == jbvNumeric)
		{
			char	   *literal;

			if (!crm_numeric_double(v->val.numeric, &x, &literal))
			{
				CrmError	err = {0};

				crm_error_out_of_range(&err, psprintf("factor \"%s\": value", CardFactorName(c, fi)),
									   literal, strlen(literal));
				crm_ereport(&err);
			}
		}
		else if (v->type == jbvString)
		{
			char	   *str = pnstrdup(v->val.string.val, v->val.string.len);
			const char *end;
			CrmNumRead	st = crm_lex_read_double(crm_lex_skip_space(str), &end, &x);

			if (st != CRM_NUM_OK || *crm_lex_skip_space(end) != '\0')
				ereport(ERROR,
						(errcode(st == CRM_NUM_RANGE ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE :
								 ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("factor \"%s\" is numeric, but its value \"%s\" is not a number",
								CardFactorName(c, fi), str)));
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("factor \"%s\" is numeric, but its value is a JSON boolean",
							CardFactorName(c, fi))));
		CheckFinite(x, psprintf("factor \"%s\": value", CardFactorName(c, fi)));
		return crm_card_numeric_bin(c, f, x);
	}
	else
	{
		const char *s;
		int			len;
		int			idx;

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
		idx = crm_card_category_index(c, f, s, (size_t) len);
		return idx >= 0 ? idx : (int) f->n;
	}
}

/*
 * Transition of crm.psi(card, attrs, actual): each factor's entry counted
 * for the expected (actual false) or actual population.  The card must be
 * the same on every row.
 */
PG_FUNCTION_INFO_V1(psi_card_transfn);
Datum
psi_card_transfn(PG_FUNCTION_ARGS)
{
	PsiCardCache *cache;
	const CrmScorecard *card;
	CrmPsiState *s;
	JsonbContainer *attrs = NULL;
	int64	   *counts;
	int			first = 0;
	int			i;

	(void) AggregateContext(fcinfo, "crm.psi");
	cache = PsiCard(fcinfo);
	card = (const CrmScorecard *) cache->card;
	s = PG_ARGISNULL(0) ? PsiCardState(card, cache->fingerprint) : PsiArg(fcinfo, 0);
	if (s->kind != CRM_PSI_CARD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.psi: the state counts the bins of cut points, not of a card")));
	if (s->fingerprint != cache->fingerprint ||
		s->ngroups != card->nfactors)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.psi: the scorecard must be the same on every row")));
	/* the state's bins are the card's (a state could copy a fingerprint) */
	for (i = 0; i < card->nfactors; i++)
		if (crm_psi_group_bins(s)[i] != (int32) card->factors[i].n + 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.psi: the state does not count this card's bins")));
	if (PG_ARGISNULL(3))
		return PsiReturn(s);
	if (!PG_ARGISNULL(2))
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(2);

		if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.psi: attributes must be a JSON object of factor: value")));
		attrs = &jb->root;
	}
	counts = crm_psi_counts(s);
	for (i = 0; i < card->nfactors; i++)
	{
		JsonbValue	buf;
		JsonbValue *v = attrs ? getKeyJsonValueFromContainer(attrs, crm_card_str(card, card->factors[i].name),
															  card->factors[i].name.len, &buf) : NULL;
		int			entry = AttrEntry(card, i, v);

		counts[2 * (first + entry) + (PG_GETARG_BOOL(3) ? 1 : 0)]++;
		first += (int) card->factors[i].n + 2;
	}
	return PsiReturn(s);
}

/* Final of crm.psi(card, attrs, actual): a JSON object {"factor": psi} (null: no rows of a population). */
PG_FUNCTION_INFO_V1(psi_card_finalfn);
Datum
psi_card_finalfn(PG_FUNCTION_ARGS)
{
	CrmPsiState *s;
	StringInfoData buf;
	const char *name;
	int32		g;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = PsiChecked(PG_GETARG_DATUM(0));
	if (s->kind != CRM_PSI_CARD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.psi: a state over cut points needs crm.psi(value, actual, cuts)")));
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	name = crm_psi_names(s);
	for (g = 0; g < s->ngroups; g++)
	{
		double		psi = crm_psi_value(s, g);

		if (g > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, name);
		appendStringInfoString(&buf, ": ");
		if (isnan(psi))
			appendStringInfoString(&buf, "null");
		else
		{
			char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

			double_to_shortest_decimal_buf(psi, num);
			appendStringInfoString(&buf, num);
		}
		name += strlen(name) + 1;
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* Text input: the compact form only. */
PG_FUNCTION_INFO_V1(psi_state_in);
Datum
psi_state_in(PG_FUNCTION_ARGS)
{
	CrmError	err = {0};

	PG_RETURN_POINTER(PsiFinish(crm_psi_parse(PG_GETARG_CSTRING(0), &err), &err));
}

/* Text output: the compact form. */
PG_FUNCTION_INFO_V1(psi_state_out);
Datum
psi_state_out(PG_FUNCTION_ARGS)
{
	CrmPsiState *s = PsiChecked(PG_GETARG_DATUM(0));
	size_t		n = crm_psi_wire_size(s);
	uint8	   *bin = palloc(n);

	crm_psi_encode(s, bin);
	PG_RETURN_CSTRING(crm_wire_out(bin, n, "crm.psi_state"));
}

/* Binary output (see validation_core.c). */
PG_FUNCTION_INFO_V1(psi_state_send);
Datum
psi_state_send(PG_FUNCTION_ARGS)
{
	CrmPsiState *s = PsiChecked(PG_GETARG_DATUM(0));
	size_t		n = crm_psi_wire_size(s);
	bytea	   *out = palloc(VARHDRSZ + n);

	SET_VARSIZE(out, VARHDRSZ + n);
	crm_psi_encode(s, (uint8 *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* Binary input, checked (22P03). */
PG_FUNCTION_INFO_V1(psi_state_recv);
Datum
psi_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	CrmPsiState *s = crm_psi_decode((const uint8 *) buf->data + buf->cursor,
									(size_t) (buf->len - buf->cursor), CRM_ERR_BINARY, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(PsiFinish(s, &err));
}
