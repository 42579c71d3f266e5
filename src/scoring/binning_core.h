/*
 * binning_core.h
 *	  Binning of one attribute for a points card, weight of evidence and
 *	  information value.  No server dependencies (unit-tested directly).
 *
 * The input is a sequence of "atoms" in their order: the distinct values
 * (or value intervals) of a numeric attribute in ascending order, or the
 * categories of a category attribute sorted by their target rate.  Each
 * atom carries its rows with and without the target.  A bin is a run of
 * consecutive atoms, so numeric bins are intervals and category bins are
 * groups of categories with similar target rates.
 *
 * Weight of evidence (WOE) of a bin with t targets and n non-targets, out
 * of T targets and N non-targets in all:
 *     WOE = ln((t / T) / (n / N))
 * positive where the target is more frequent than on average (some texts,
 * e.g. N. Siddiqi, "Credit Risk Scorecards", Wiley 2006, use
 * ln(%good / %bad) with "bad" the target: the same values with the opposite
 * sign).  A bin without
 * targets or without non-targets has 0.5 added to both its counts (the
 * Haldane-Anscombe correction), so its WOE stays finite.  Information
 * value: IV = sum over bins of (t / T - n / N) * WOE (S. Kullback,
 * "Information Theory and Statistics", 1959: the symmetrised divergence
 * between the two classes' distributions over the bins).
 */
#ifndef CRM_BINNING_CORE_H
#define CRM_BINNING_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "error_core.h"

/* An atom: rows with the target (pos) and without (neg). */
typedef struct CrmAtom
{
	double		pos;
	double		neg;
} CrmAtom;

typedef struct CrmBinOptions
{
	int			max_bins;		/* at most this many bins */
	int			prebins;		/* equal-frequency groups to start from */
	double		min_rows;		/* every bin holds at least this many rows */
	bool		monotone;		/* target rate strictly monotone over the bins */
} CrmBinOptions;

/* WOE of t targets and n non-targets out of T and N (see above). */
extern double crm_woe(double t, double n, double T, double N);

/* A bin's share of the information value: (t / T - n / N) * WOE. */
extern double crm_iv_term(double t, double n, double T, double N);

/*
 * Group n >= 1 atoms into bins (see binning_core.c): returns the number of
 * bins b >= 1 and sets starts[0..b-1] to the index of each bin's first
 * atom (starts[0] = 0; starts has room for n).  T and N are the targets
 * and non-targets of all rows (missing values included), the base of the
 * WOE.  Every atom must hold at least one row.
 */
extern int	crm_bin_atoms(const CrmAtom *atoms, int n, double T, double N,
						  const CrmBinOptions *o, int *starts);

#endif							/* CRM_BINNING_CORE_H */
