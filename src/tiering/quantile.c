/*
 * quantile.c
 *	  crm.quantile_score(value [, n]) OVER (...): tie-safe quantile scores.
 *
 * With N non-NULL values in the partition and L(v) the number of them
 * strictly less than v, the score is min(n, floor(n * L(v) / N) + 1): 1 for
 * the lowest values, n for the highest.  Unlike ntile(), equal values always
 * get the same score, and the result does not depend on the window's ORDER
 * BY.  Integer arithmetic throughout, so it is exact.  L is computed for
 * every row in one pass over the sorted partition; n may vary by row.
 */
#include "crm.h"

#include "partition.h"
#include "validate.h"

#define MAX_SCORE 1000

/* per row: L, the number of values strictly below (-1 for NULL rows) */
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
