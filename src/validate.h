/*
 * validate.h
 *	  Argument checks shared by every crm entry point.
 *
 * Each SQL-callable function validates its arguments with these helpers
 * before doing any work, so the same bad input gets the same SQLSTATE and
 * wording everywhere.  Messages name the SQL-level parameter.
 */
#ifndef CRM_VALIDATE_H
#define CRM_VALIDATE_H

#include "postgres.h"

#include <math.h>

#include "utils/float.h"

/* A float8 input that must be a real number (not NaN, not +-Infinity). */
static inline void
CheckFinite(double value, const char *what)
{
	if (unlikely(!isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, got %s", what,
						isnan(value) ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))));
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

#endif							/* CRM_VALIDATE_H */
