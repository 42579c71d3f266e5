/*
 * quantile.c
 *	  crm.quantile_score(value [, n]) OVER (...): tie-safe quantile scores.
 *
 * With N non-NULL values in the partition and L(v) the number of them
 * strictly less than v, the score is min(n, floor(n * L(v) / N) + 1): 1 for
 * the lowest values, n for the highest.  Unlike ntile(), equal values always
 * get the same score, and the result does not depend on the window's ORDER
 * BY.  Integer arithmetic throughout, so it is exact.
 */
#include "crm.h"

#include "partition.h"
#include "validate.h"

#define MAX_SCORE 1000

PG_FUNCTION_INFO_V1(quantile_score_window);
Datum
quantile_score_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	bool		isnull;
	int32		n = 5;
	double		v;
	SortedPartition *sp;
	int64		below;
	int64		score;

	if (PG_NARGS() >= 2)
	{
		Datum		dn = WinGetFuncArgCurrent(winobj, 1, &isnull);

		if (isnull)
			PG_RETURN_NULL();
		n = DatumGetInt32(dn);
		CheckIntRange(n, 1, MAX_SCORE, "n");
	}

	sp = partition_sorted_values(winobj, false, "crm.quantile_score");
	v = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();

	below = partition_count_before(sp, v);
	/* n <= 1000 and below < 2^53, so n * below cannot overflow */
	score = (int64) n * below / sp->n + 1;
	PG_RETURN_INT32((int32) Min(score, (int64) n));
}
