/*
 * validate_core.h
 *	  The rules every crm value is checked against, for the server-free
 *	  cores (validate.h applies the same rules to SQL arguments).
 *
 * One rule per value, whatever the form it arrives in (text, JSON, binary,
 * compact text, an SQL argument, an aggregate state):
 *   - a number that is NaN or +-Infinity where a finite one is required is
 *     22023 "<subject> must be a finite number, got Infinity" (and NaN,
 *     where only NaN is refused, 22023 "<subject> must not be NaN");
 *   - a literal beyond float8's range (1e400, 1e-400) is 22003
 *     "<subject> "1e400" is out of range for type double precision", as
 *     PostgreSQL's float8in says; a finite value beyond a type's own range
 *     (a feature beyond +-1e100) is 22003 "<subject> is out of range: v";
 *   - a count above a program limit (k, features, tiers, factors) is 54000,
 *     raised before anything is allocated for it.
 * <subject> names the value: "tier bound 2", "factor "x": bin edge 1",
 * "k".  No server dependencies.
 */
#ifndef CRM_VALIDATE_CORE_H
#define CRM_VALIDATE_CORE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

/* Program limits shared by the clustering types and functions. */
#define CRM_MAX_K			1000	/* clusters */
#define CRM_MAX_DIMS		1000	/* features */

/* How a non-finite value is named in messages. */
static inline const char *
crm_nonfinite_name(double d)
{
	return isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
}

/* Record 22023 "<subject> must be a finite number, got Infinity". */
static inline void
crm_error_not_finite(CrmError *err, const char *subject, double d)
{
	crm_error_set(err, CRM_ERR_INVALID, "%s must be a finite number, got %s",
				  subject, crm_nonfinite_name(d));
}

/*
 * Record 22023 "<subject> must not be NaN": the rule for a number where
 * +-Infinity has a meaning (crm.bar clamps it to an end of the bar), so
 * only NaN is refused.
 */
static inline void
crm_error_nan(CrmError *err, const char *subject)
{
	crm_error_set(err, CRM_ERR_INVALID, "%s must not be NaN", subject);
}

/* A finite number, or false with the non-finite error. */
static inline bool
crm_check_finite(double d, const char *subject, CrmError *err)
{
	if (isfinite(d))
		return true;
	crm_error_not_finite(err, subject, d);
	return false;
}

/*
 * Record 22003 "<subject> "<literal>" is out of range for type double
 * precision"; a literal longer than 40 bytes is cut, with "..." after it.
 */
static inline void
crm_error_out_of_range(CrmError *err, const char *subject, const char *lit, size_t len)
{
	crm_error_set(err, CRM_ERR_RANGE,
				  "%s \"%.*s%s\" is out of range for type double precision",
				  subject, (int) (len > 40 ? 40 : len), lit, len > 40 ? "..." : "");
}

/* k, the number of clusters: 1 .. CRM_MAX_K (22023 below, 54000 above). */
static inline bool
crm_check_k(int64_t k, CrmError *err)
{
	if (k < 1)
		crm_error_set(err, CRM_ERR_INVALID, "k must be at least 1, got %lld", (long long) k);
	else if (k > CRM_MAX_K)
		crm_error_set(err, CRM_ERR_LIMIT, "k must be at most %d, got %lld", CRM_MAX_K, (long long) k);
	else
		return true;
	return false;
}

/* The number of features: 1 .. CRM_MAX_DIMS (22023 below, 54000 above). */
static inline bool
crm_check_dims(int64_t dims, CrmError *err)
{
	if (dims < 1)
		crm_error_set(err, CRM_ERR_INVALID, "a feature vector needs at least 1 feature, got %lld",
					  (long long) dims);
	else if (dims > CRM_MAX_DIMS)
		crm_error_set(err, CRM_ERR_LIMIT, "a feature vector can have at most %d features, got %lld",
					  CRM_MAX_DIMS, (long long) dims);
	else
		return true;
	return false;
}

#endif							/* CRM_VALIDATE_CORE_H */
