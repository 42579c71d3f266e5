/*
 * logit_core.c
 *	  Logistic regression by iteratively reweighted least squares (see
 *	  logit_core.h).
 *
 * Newton-Raphson on the binomial log-likelihood, which for the canonical
 * logit link is Fisher scoring, i.e. iteratively reweighted least squares
 * (P. McCullagh and J. A. Nelder, "Generalized Linear Models", 2nd ed.,
 * Chapman & Hall 1989, sections 2.5 and 4.4).  With m_i = pos_i + neg_i,
 * mu_i = m_i p_i and w_i = m_i p_i (1 - p_i), each step solves
 *     (X' W X) delta = X' (pos - mu)
 * by a Cholesky factorisation and moves beta by delta.  As in R's glm.fit,
 * the iterations stop when the deviance changes by less than
 * tol * (|deviance| + 0.1), and a step that raises the deviance (or leaves
 * it non-finite) is halved until it does not.  The deviance is
 *     D = 2 sum_i [pos_i ln(pos_i / mu_i) + neg_i ln(neg_i / (m_i - mu_i))]
 * (terms with a zero count are 0).
 *
 * Collinear columns: the Cholesky factorisation of the first step's
 * X' W X runs in column order, and a column whose pivot falls below 1e-9
 * of its diagonal is a linear combination of the columns before it (its
 * residual after projecting them out is that small); it is aliased, as R
 * reports NA for such a coefficient, and left out of every later step.
 */
#include <math.h>
#include <string.h>

#include "logit_core.h"

/* 1 / (1 + exp(-eta)) without overflow for large |eta|. */
static double
Sigmoid(double eta)
{
	if (eta >= 0)
		return 1.0 / (1.0 + exp(-eta));
	else
	{
		double		e = exp(eta);

		return e / (1.0 + e);
	}
}

/* x ln(x / y), 0 for x = 0. */
static double
XLogXOverY(double x, double y)
{
	return x > 0 ? x * log(x / y) : 0;
}

/* The linear predictor of row i. */
static double
Eta(const double *x, int p, const double *beta, int i)
{
	const double *row = x + (size_t) i * p;
	double		eta = beta[0];
	int			j;

	for (j = 0; j < p; j++)
		eta += beta[j + 1] * row[j];
	return eta;
}

/* The deviance at beta (see the file header); +Infinity if not finite. */
static double
Deviance(const double *x, const double *pos, const double *neg, int n, int p,
		 const double *beta)
{
	double		d = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		m = pos[i] + neg[i];
		double		pr = Sigmoid(Eta(x, p, beta, i));

		d += XLogXOverY(pos[i], m * pr) + XLogXOverY(neg[i], m * (1 - pr));
		if ((i & 65535) == 65535)
			crm_check_interrupts();
	}
	d *= 2;
	return isfinite(d) ? d : INFINITY;
}

/*
 * The Newton system at beta over the active columns (q = p + 1 unknowns,
 * the intercept first): h (q x q, lower triangle filled) and g.
 */
static void
NewtonSystem(const double *x, const double *pos, const double *neg, int n, int p,
			 const double *beta, double *h, double *g)
{
	int			q = p + 1;
	double		z[CRM_LOGIT_MAX_COLUMNS + 1];
	int			i;
	int			a;
	int			b;

	memset(h, 0, sizeof(double) * (size_t) q * q);
	memset(g, 0, sizeof(double) * (size_t) q);
	z[0] = 1;
	for (i = 0; i < n; i++)
	{
		double		m = pos[i] + neg[i];
		double		pr = Sigmoid(Eta(x, p, beta, i));
		double		w = m * pr * (1 - pr);
		double		r = pos[i] - m * pr;

		memcpy(z + 1, x + (size_t) i * p, sizeof(double) * (size_t) p);
		for (a = 0; a < q; a++)
		{
			double		wa = w * z[a];

			g[a] += r * z[a];
			for (b = 0; b <= a; b++)
				h[a * q + b] += wa * z[b];
		}
		if ((i & 16383) == 16383)
			crm_check_interrupts();
	}
}

/*
 * Cholesky factorisation in place of the active rows and columns of the
 * lower triangle of h (q x q); with mark set, a column whose pivot is below
 * 1e-9 of its diagonal is marked inactive (aliased) and skipped.  False if
 * an active pivot is not positive (the caller regularises).
 */
static bool
Cholesky(double *h, int q, bool *active, bool mark)
{
	int			a;
	int			b;
	int			k;

	for (a = 0; a < q; a++)
	{
		double		diag = h[a * q + a];
		double		d = diag;

		if (!active[a])
			continue;
		for (k = 0; k < a; k++)
			if (active[k])
				d -= h[a * q + k] * h[a * q + k];
		if (mark && a > 0 && !(d > 1e-9 * diag))
		{
			active[a] = false;
			continue;
		}
		if (!(d > 0))
			return false;
		d = sqrt(d);
		h[a * q + a] = d;
		for (b = a + 1; b < q; b++)
		{
			double		s = h[b * q + a];

			if (!active[b])
				continue;
			for (k = 0; k < a; k++)
				if (active[k])
					s -= h[b * q + k] * h[a * q + k];
			h[b * q + a] = s / d;
		}
	}
	return true;
}

/* Solve L L' x = g over the active unknowns (inactive ones get 0). */
static void
CholeskySolve(const double *l, int q, const bool *active, const double *g, double *x)
{
	int			a;
	int			k;

	for (a = 0; a < q; a++)
	{
		double		s = g[a];

		if (!active[a])
		{
			x[a] = 0;
			continue;
		}
		for (k = 0; k < a; k++)
			if (active[k])
				s -= l[a * q + k] * x[k];
		x[a] = s / l[a * q + a];
	}
	for (a = q - 1; a >= 0; a--)
	{
		double		s = x[a];

		if (!active[a])
			continue;
		for (k = a + 1; k < q; k++)
			if (active[k])
				s -= l[k * q + a] * x[k];
		x[a] = s / l[a * q + a];
	}
}

/* Fit by IRLS (see the file header). */
bool
crm_logit_fit(const double *x, const double *pos, const double *neg, int n, int p,
			  int max_iter, double tol, double *beta, bool *aliased,
			  CrmLogitResult *result, CrmError *err)
{
	int			q = p + 1;
	double	   *h = crm_core_alloc(sizeof(double) * (size_t) q * q);
	double	   *g = crm_core_alloc(sizeof(double) * (size_t) q);
	double	   *delta = crm_core_alloc(sizeof(double) * (size_t) q);
	double	   *trial = crm_core_alloc(sizeof(double) * (size_t) q);
	bool	   *active = crm_core_alloc(sizeof(bool) * (size_t) q);
	double		tpos = 0;
	double		tneg = 0;
	double		dev;
	int			i;
	int			j;
	bool		ok = true;
	bool		factored;

	memset(result, 0, sizeof(*result));
	for (i = 0; i < n; i++)
	{
		tpos += pos[i];
		tneg += neg[i];
	}
	/* start from the intercept-only fit: the overall log-odds */
	memset(beta, 0, sizeof(double) * (size_t) q);
	beta[0] = (tpos > 0 && tneg > 0) ? log(tpos / tneg) : 0;
	for (j = 0; j < q; j++)
		active[j] = true;
	dev = Deviance(x, pos, neg, n, p, beta);

	for (result->iterations = 0; result->iterations < max_iter;)
	{
		double		newdev;
		int			halvings;

		NewtonSystem(x, pos, neg, n, p, beta, h, g);
		factored = Cholesky(h, q, active, result->iterations == 0);
		if (!factored && result->iterations > 0)
		{
			/*
			 * A column that passed the first step's test became dependent
			 * at these weights: alias it too (its coefficient 0 from here
			 * on) and build the system again without it.
			 */
			NewtonSystem(x, pos, neg, n, p, beta, h, g);
			(void) Cholesky(h, q, active, true);
			for (j = 1; j < q; j++)
				if (!active[j])
					beta[j] = 0;
			dev = Deviance(x, pos, neg, n, p, beta);
			NewtonSystem(x, pos, neg, n, p, beta, h, g);
			factored = Cholesky(h, q, active, false);
		}
		if (!factored)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "the logistic regression does not converge: its information matrix is singular");
			crm_error_hint(err, "The classes may be separable by the factors; try fewer or coarser bins.");
			ok = false;
			break;
		}
		CholeskySolve(h, q, active, g, delta);
		result->iterations++;
		for (halvings = 0;; halvings++)
		{
			for (j = 0; j < q; j++)
				trial[j] = beta[j] + delta[j];
			newdev = Deviance(x, pos, neg, n, p, trial);
			if ((newdev <= dev * (1 + 1e-12) && isfinite(newdev)) || halvings >= 30)
				break;
			for (j = 0; j < q; j++)
				delta[j] /= 2;
		}
		for (j = 0; j < q; j++)
			if (!isfinite(trial[j]))
				ok = false;
		if (!ok || !isfinite(newdev))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "the logistic regression does not converge: its coefficients grow without bound");
			crm_error_hint(err, "The classes may be separable by the factors; try fewer or coarser bins.");
			ok = false;
			break;
		}
		memcpy(beta, trial, sizeof(double) * (size_t) q);
		if (fabs(newdev - dev) < tol * (fabs(newdev) + 0.1))
		{
			dev = newdev;
			result->converged = true;
			break;
		}
		dev = newdev;
	}
	result->deviance = dev;
	for (j = 0; j < p; j++)
	{
		aliased[j] = !active[j + 1];
		if (aliased[j])
		{
			beta[j + 1] = 0;
			result->aliased++;
		}
	}
	crm_core_free(h);
	crm_core_free(g);
	crm_core_free(delta);
	crm_core_free(trial);
	crm_core_free(active);
	return ok;
}
