/*
 * logit_core.h
 *	  Logistic regression by iteratively reweighted least squares, on
 *	  grouped rows.  No server dependencies (unit-tested directly).
 *
 * The model: logit P(target | x) = beta[0] + sum_j beta[j + 1] x[j].  The
 * data are n rows of p values, each row standing for pos[i] rows with the
 * target and neg[i] without (identical rows grouped: a binomial response).
 */
#ifndef CRM_LOGIT_CORE_H
#define CRM_LOGIT_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "error_core.h"

#define CRM_LOGIT_MAX_COLUMNS	256

typedef struct CrmLogitResult
{
	int			iterations;		/* Newton steps taken */
	bool		converged;		/* the deviance settled within max_iter steps */
	double		deviance;		/* -2 log-likelihood relative to the saturated model */
	int			aliased;		/* columns left out as linear combinations of others */
} CrmLogitResult;

/*
 * Fit the model (see logit_core.c).  x: n rows of p values, row-major
 * (p <= CRM_LOGIT_MAX_COLUMNS); pos, neg: the rows' counts (pos + neg > 0).
 * beta receives p + 1 coefficients, the intercept first; a column that is
 * a linear combination of the intercept and earlier columns is aliased:
 * its coefficient is 0 and aliased[j] is set.  tol is the relative change
 * of the deviance that ends the iterations.  false with *err when the
 * coefficients do not stay finite (e.g. separable classes).
 */
extern bool crm_logit_fit(const double *x, const double *pos, const double *neg, int n, int p,
						  int max_iter, double tol, double *beta, bool *aliased,
						  CrmLogitResult *result, CrmError *err);

#endif							/* CRM_LOGIT_CORE_H */
