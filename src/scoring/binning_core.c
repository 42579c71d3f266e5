/*
 * binning_core.c
 *	  Supervised binning of one attribute (see binning_core.h).
 *
 * The method is the usual "fine classing, then coarse classing" of credit
 * scorecards (Siddiqi 2006, ch. 6; G. Zeng, "A necessary condition for a
 * good binning algorithm in credit scoring", Applied Mathematical
 * Sciences 8 (2014)):
 *   1. fine classing: the atoms are cut into at most `prebins` groups of
 *      about equal rows (equal-frequency prebinning; a cut only ever falls
 *      between two atoms, so a heavy atom is a group of its own);
 *   2. with `monotone`, adjacent groups whose target rates do not rise (or
 *      do not fall) are pooled, the pool-adjacent-violators algorithm
 *      (M. Ayer et al., "An empirical distribution function for sampling
 *      with incomplete information", Ann. Math. Statist. 26 (1955)), in the
 *      direction that keeps more information value;
 *   3. coarse classing: while a group holds fewer than min_rows rows, the
 *      smallest is merged into the neighbour with which it loses the least
 *      information value; then, while there are more than max_bins groups,
 *      the adjacent pair that loses the least information value is merged
 *      (a greedy bottom-up merge, as ChiMerge does with the chi-square
 *      statistic: R. Kerber, "ChiMerge: discretization of numeric
 *      attributes", AAAI 1992).
 * Merging two adjacent groups never raises the information value (it is a
 * divergence, and merging is a coarsening), so each step picks the
 * cheapest coarsening.  Ties go to the leftmost candidate, so the result
 * depends only on the atoms.  Merging adjacent groups of a strictly
 * monotone sequence keeps it strictly monotone.
 */
#include <math.h>
#include <string.h>

#include "binning_core.h"

/* WOE with the Haldane-Anscombe correction for an empty class (header). */
double
crm_woe(double t, double n, double T, double N)
{
	if (t <= 0 || n <= 0)
	{
		t += 0.5;
		n += 0.5;
	}
	if (T <= 0 || N <= 0)
		return 0;
	return log((t / T) / (n / N));
}

/* (t / T - n / N) * WOE: one bin's share of the information value. */
double
crm_iv_term(double t, double n, double T, double N)
{
	if (T <= 0 || N <= 0)
		return 0;
	return (t / T - n / N) * crm_woe(t, n, T, N);
}

/* A group of consecutive atoms while binning. */
typedef struct Group
{
	double		pos;
	double		neg;
	int			start;			/* first atom */
} Group;

/* Target rate of a group (it holds at least one row). */
static double
Rate(const Group *g)
{
	return g->pos / (g->pos + g->neg);
}

/* Information value lost by merging groups i and i + 1. */
static double
MergeLoss(const Group *g, int i, double T, double N)
{
	return crm_iv_term(g[i].pos, g[i].neg, T, N) + crm_iv_term(g[i + 1].pos, g[i + 1].neg, T, N) -
		crm_iv_term(g[i].pos + g[i + 1].pos, g[i].neg + g[i + 1].neg, T, N);
}

/* Merge group i + 1 into group i; returns the new number of groups. */
static int
MergeInto(Group *g, int ng, int i)
{
	g[i].pos += g[i + 1].pos;
	g[i].neg += g[i + 1].neg;
	memmove(&g[i + 1], &g[i + 2], sizeof(Group) * (size_t) (ng - i - 2));
	return ng - 1;
}

/*
 * Equal-frequency prebinning: group k closes once the rows so far reach
 * k / prebins of all rows.  Returns the number of groups.
 */
static int
Prebin(const CrmAtom *atoms, int n, int prebins, Group *g)
{
	double		total = 0;
	double		cum = 0;
	int			ng = 0;
	int			next = 1;
	int			i;

	for (i = 0; i < n; i++)
		total += atoms[i].pos + atoms[i].neg;
	for (i = 0; i < n; i++)
	{
		if (i == 0 || cum >= total * next / prebins)
		{
			if (i > 0)
				while (next < prebins && cum >= total * next / prebins)
					next++;
			g[ng].pos = 0;
			g[ng].neg = 0;
			g[ng].start = i;
			ng++;
		}
		g[ng - 1].pos += atoms[i].pos;
		g[ng - 1].neg += atoms[i].neg;
		cum += atoms[i].pos + atoms[i].neg;
		if ((i & 4095) == 4095)
			crm_check_interrupts();
	}
	return ng;
}

/*
 * Pool adjacent violators: merge neighbours until the rates strictly rise
 * (dir 1) or strictly fall (dir -1).  A stack pass: each group is pushed,
 * then merged into the one below while the order is violated.
 */
static int
Pava(Group *g, int ng, int dir)
{
	int			top = 0;
	int			i;

	for (i = 1; i < ng; i++)
	{
		g[++top] = g[i];
		while (top > 0 && dir * (Rate(&g[top]) - Rate(&g[top - 1])) <= 0)
		{
			g[top - 1].pos += g[top].pos;
			g[top - 1].neg += g[top].neg;
			top--;
		}
	}
	return top + 1;
}

/* The information value of ng groups. */
static double
GroupsIv(const Group *g, int ng, double T, double N)
{
	double		iv = 0;
	int			i;

	for (i = 0; i < ng; i++)
		iv += crm_iv_term(g[i].pos, g[i].neg, T, N);
	return iv;
}

/*
 * Monotone groups: PAVA rising and falling, keeping the direction with the
 * larger information value (rising on a tie).  up and down are scratch of
 * ng groups each.
 */
static int
MakeMonotone(Group *g, int ng, double T, double N, Group *up, Group *down)
{
	int			nu;
	int			nd;

	memcpy(up, g, sizeof(Group) * (size_t) ng);
	memcpy(down, g, sizeof(Group) * (size_t) ng);
	nu = Pava(up, ng, 1);
	nd = Pava(down, ng, -1);
	if (GroupsIv(down, nd, T, N) > GroupsIv(up, nu, T, N))
	{
		memcpy(g, down, sizeof(Group) * (size_t) nd);
		return nd;
	}
	memcpy(g, up, sizeof(Group) * (size_t) nu);
	return nu;
}

/* Bin the atoms (see the header comment). */
int
crm_bin_atoms(const CrmAtom *atoms, int n, double T, double N, const CrmBinOptions *o,
			  int *starts)
{
	Group	   *g = crm_core_alloc(sizeof(Group) * (size_t) n * 3);
	int			ng;
	int			i;

	ng = Prebin(atoms, n, o->prebins > 0 ? o->prebins : 1, g);
	if (o->monotone && ng > 1)
		ng = MakeMonotone(g, ng, T, N, g + n, g + 2 * (size_t) n);
	while (ng > 1)
	{
		int			smallest = 0;
		int			merge;

		crm_check_interrupts();
		for (i = 1; i < ng; i++)
			if (g[i].pos + g[i].neg < g[smallest].pos + g[smallest].neg)
				smallest = i;
		if (g[smallest].pos + g[smallest].neg < o->min_rows)
		{
			/* into the neighbour it loses less with (the left one on a tie) */
			if (smallest == 0)
				merge = 0;
			else if (smallest == ng - 1)
				merge = ng - 2;
			else
				merge = MergeLoss(g, smallest, T, N) < MergeLoss(g, smallest - 1, T, N) ?
					smallest : smallest - 1;
		}
		else if (ng > o->max_bins)
		{
			double		best = INFINITY;

			merge = 0;
			for (i = 0; i + 1 < ng; i++)
			{
				double		loss = MergeLoss(g, i, T, N);

				if (loss < best)
				{
					best = loss;
					merge = i;
				}
			}
		}
		else
			break;
		ng = MergeInto(g, ng, merge);
	}
	for (i = 0; i < ng; i++)
		starts[i] = g[i].start;
	crm_core_free(g);
	return ng;
}
