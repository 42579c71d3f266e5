/*
 * rfm.c
 *	  RFM analysis: crm.quantile_score(value [, n]) OVER (...), the
 *	  tie-safe quantile scores, and crm.rfm_segment(r, f, m), the standard
 *	  RFM segment map.
 *
 * Quantile scores.  With N non-NULL values in the partition and L(v) the
 * number of them strictly less than v, the score is
 * min(n, floor(n * L(v) / N) + 1): 1 for the lowest values, n for the
 * highest.  Unlike ntile(), equal values always get the same score, and the
 * result does not depend on the window's ORDER BY.  Integer arithmetic
 * throughout, so it is exact.  L is computed for every row in one pass over
 * the sorted partition; n may vary by row.
 *
 * Segment map.  Scores are 1..5 (crm.quantile_score with n = 5).  Frequency
 * and monetary value are combined as fm = floor((f + m) / 2) and the
 * segment is read off a 5 x 5 grid of recency against fm, so every
 * (r, f, m) has exactly one of the eleven segments.  README.md ("RFM")
 * prints the grid.
 */
#include "crm.h"

#include "utils/builtins.h"

#include "partition.h"
#include "validate.h"

#define MAX_SCORE 1000

/*
 * Per row: L, the number of values strictly below (-1 for NULL rows).
 *
 * The tie-safe quantile definition.  L / N is the left limit F(v-) of the
 * empirical distribution function at v, the share of the partition
 * strictly below the row, and the score is the n-quantile class that share
 * falls in, floor(n * F(v-)) + 1.  F(v-) depends on v only, so equal values
 * share a score, where ntile() numbers rows and may split a run of equal
 * values between two classes.  (Hyndman and Fan, "Sample quantiles in
 * statistical packages", The American Statistician 50 (1996) 361-365,
 * review the definitions that interpolate between order statistics
 * instead; a class needs no interpolation.)  On the partition sorted
 * ascending, L of a run of equal values is the index of its first element,
 * so one pass computes every row's L.
 */
static void
ComputeBelow(WindowObject winobj, PartitionState *ps)
{
	PartitionEntry *e = partition_load_sorted(winobj, ps, false, "crm.quantile_score");
	int64	   *below = partition_alloc_results(ps, sizeof(int64));
	int64		i;
	int64		j;

	for (i = 0; i < ps->rows; i++)
		below[i] = -1;
	for (i = 0; i < ps->n; i = j)
		for (j = i; j < ps->n && e[j].value == e[i].value; j++)
			below[e[j].pos] = i;
	ps->results = below;
	pfree(e);
	ps->ready = true;
}

/*
 * crm.quantile_score(value [, n]) OVER (...): min(n, floor(n * L / N) + 1),
 * NULL for a NULL value.
 */
PG_FUNCTION_INFO_V1(quantile_score_window);
Datum
quantile_score_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	PartitionState *ps = partition_state(winobj);
	int32		n = 5;
	int64		below;
	int64		score;
	bool		isnull;

	if (PG_NARGS() >= 2)
	{
		Datum		dn = WinGetFuncArgCurrent(winobj, 1, &isnull);

		if (isnull)
			PG_RETURN_NULL();
		n = DatumGetInt32(dn);
		CheckIntRange(n, 1, MAX_SCORE, "n");
	}

	if (!ps->ready)
		ComputeBelow(winobj, ps);

	below = ((int64 *) ps->results)[WinGetCurrentPosition(winobj)];
	if (below < 0)
		PG_RETURN_NULL();
	/* n <= 1000 and below < 2^53, so n * below cannot overflow */
	score = (int64) n * below / ps->n + 1;
	PG_RETURN_INT32((int32) Min(score, (int64) n));
}

/* grid[fm - 1][r - 1] */
static const char *const rfm_grid[5][5] = {
	/* fm = 1 */ {"lost", "hibernating", "about_to_sleep", "promising", "new"},
	/* fm = 2 */ {"hibernating", "hibernating", "about_to_sleep", "potential_loyalist", "potential_loyalist"},
	/* fm = 3 */ {"at_risk", "at_risk", "need_attention", "potential_loyalist", "potential_loyalist"},
	/* fm = 4 */ {"cannot_lose", "at_risk", "loyal", "loyal", "champions"},
	/* fm = 5 */ {"cannot_lose", "at_risk", "loyal", "champions", "champions"},
};

/*
 * crm.rfm_segment(r, f, m): the segment of the grid cell (r, floor((f + m)
 * / 2)).
 */
PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);

	CheckIntRange(r, 1, 5, "r");
	CheckIntRange(f, 1, 5, "f");
	CheckIntRange(m, 1, 5, "m");
	PG_RETURN_TEXT_P(cstring_to_text(rfm_grid[(f + m) / 2 - 1][r - 1]));
}
