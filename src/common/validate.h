/*
 * validate.h
 *	  Argument checks shared by every crm entry point.
 *
 * Each SQL-callable function (in, recv, casts, transition, combine, final
 * and the scalar functions) validates its arguments with these helpers
 * before doing any work, so the same bad input gets the same SQLSTATE and
 * wording everywhere.  The rules themselves are validate_core.h's, which
 * the server-free cores apply to the values they read; messages name the
 * SQL-level parameter.
 *
 *   CheckFinite, CheckFiniteNumeric  a number that must be finite (22023,
 *                                    the one wording, through ErrorNotFinite)
 *   CheckNotNaN                      a number that may be infinite
 *   CheckRange, CheckIntRange        a number within bounds (22023)
 *   CheckK, CheckDims                k and the number of features (54000
 *                                    above the program limits)
 *   RaiseIf                          a core rule's CrmError as an ereport
 *   AggregateContext                 transition/combine/final functions
 *   UnknownJsonbKey                  the JSON forms' unknown keys
 *   crm_numeric_double               a numeric read by the number rule
 * The JSON forms read from jsonb build on these in jsonb_form.h.
 */
#ifndef CRM_VALIDATE_H
#define CRM_VALIDATE_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "crm.h"
#include "validate_core.h"

/*
 * The aggregate memory context of a transition, combine or final function;
 * called directly from SQL (no aggregate) it is an error.  fn names the
 * function in the message.
 */
static inline MemoryContext
AggregateContext(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fn)));
	return aggctx;
}

/*
 * The first key of a jsonb object that is not in allowed (NULL-terminated),
 * as a palloc'd string, or NULL when every key is known.  The JSON forms of
 * crm's types reject unknown keys rather than ignore a misspelt one.
 */
static inline char *
UnknownJsonbKey(JsonbContainer *obj, const char *const *allowed)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		const char *const *a;

		if (tok != WJB_KEY)
			continue;
		for (a = allowed; *a; a++)
			if (strlen(*a) == (size_t) v.val.string.len &&
				memcmp(*a, v.val.string.val, v.val.string.len) == 0)
				break;
		if (*a == NULL)
			return pnstrdup(v.val.string.val, v.val.string.len);
	}
	return NULL;
}

/* Raise a core rule's error (validate_core.h) as an ereport. */
static inline void
RaiseIf(bool ok, const CrmError *err)
{
	if (unlikely(!ok))
		crm_ereport(err);
}

/*
 * Raise 22023 "<what> must be a finite number, got NaN" for a non-finite
 * value: every entry point reports a non-finite number through this (or
 * through crm_error_not_finite, when it adds a detail), so the wording is
 * written once, in validate_core.h.
 */
static inline void pg_attribute_noreturn()
ErrorNotFinite(double value, const char *what)
{
	CrmError	err = {0};

	crm_error_not_finite(&err, what, value);
	crm_ereport(&err);
}

/* A float8 input that must be a real number (not NaN, not +-Infinity). */
static inline void
CheckFinite(double value, const char *what)
{
	if (unlikely(!isfinite(value)))
		ErrorNotFinite(value, what);
}

/* A numeric input that must be finite (the numeric NaN and +-Infinity). */
static inline void
CheckFiniteNumeric(Numeric value, const char *what)
{
	if (unlikely(numeric_is_nan(value)))
		ErrorNotFinite(get_float8_nan(), what);
	if (unlikely(numeric_is_inf(value)))
		ErrorNotFinite(DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														  NumericGetDatum(value))), what);
}

/* A float8 input that may be infinite but not NaN (validate_core.h). */
static inline void
CheckNotNaN(double value, const char *what)
{
	if (unlikely(isnan(value)))
	{
		CrmError	err = {0};

		crm_error_nan(&err, what);
		crm_ereport(&err);
	}
}

/*
 * k, the number of clusters (validate_core.h's limits).  Called per row by
 * transition functions: the error (772 bytes) is filled only when the
 * check fails, which sets every field it reads, so only its kind is
 * initialised.
 */
static inline void
CheckK(int64 k)
{
	CrmError	err;

	err.kind = CRM_OK;
	RaiseIf(crm_check_k(k, &err), &err);
}

/* The number of features of a feature vector (as CheckK: per row). */
static inline void
CheckDims(int64 dims)
{
	CrmError	err;

	err.kind = CRM_OK;
	RaiseIf(crm_check_dims(dims, &err), &err);
}

/* A float8 input in [lo, hi) (hi_inclusive: [lo, hi]). */
static inline void
CheckRange(double value, double lo, double hi, bool hi_inclusive, const char *what)
{
	CheckFinite(value, what);
	if (value < lo || value > hi || (!hi_inclusive && value == hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be in [%s, %s%s, got %s", what,
						float8out_internal(lo), float8out_internal(hi),
						hi_inclusive ? "]" : ")", float8out_internal(value))));
}

/* An integer input in [lo, hi]. */
static inline void
CheckIntRange(int64 value, int64 lo, int64 hi, const char *what)
{
	if (value < lo || value > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between " INT64_FORMAT " and " INT64_FORMAT ", got " INT64_FORMAT,
						what, lo, hi, value)));
}

/*
 * A numeric as float8 by crm's number rule (validate_core.h, read as
 * lex_core.h reads a literal): NaN and Infinity come back as such, for the
 * caller to judge; false when the value is beyond float8's range (its
 * magnitude too large, or so small it would read as zero), with *literal
 * set to its decimal text, in scientific notation, for the 22003 message
 * (crm_error_out_of_range).
 */
extern bool crm_numeric_double(Numeric num, double *out, char **literal);

#endif							/* CRM_VALIDATE_H */
