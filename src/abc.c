/*
 * abc.c
 *	  crm.abc(value [, a, b]) OVER (...): Pareto / ABC classes.
 *
 * Over the partition let T be the sum of the positive values.  A row with
 * value v > 0 is class A when S(v) < a*T, B when S(v) < b*T, C otherwise,
 * where S(v) is the sum of the positive values strictly greater than v: the
 * share of the total held by customers ranked strictly above this one.
 * Equal values therefore always share a class, and the result does not
 * depend on the window's ORDER BY.  Values <= 0 are C; NULL gives NULL.
 *
 * Sums are accumulated over the values sorted in descending order with
 * Neumaier's compensated summation (Neumaier 1974, "Rundungsfehleranalyse
 * einiger Verfahren zur Summation endlicher Summen"), so they are accurate to
 * about one unit in the last place and identical whatever order the rows
 * arrive in; the comparisons S < a*T are then done in float8.
 */
#include "crm.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/memutils.h"

#include "partition.h"
#include "validate.h"

/* prefix[i] = compensated sum of the i largest positive values */
static double *
PositivePrefixSums(SortedPartition *sp)
{
	double	   *prefix;
	double		sum = 0.0;
	double		comp = 0.0;
	int64		i;

	prefix = MemoryContextAllocHuge(GetMemoryChunkContext(sp->values),
									sizeof(double) * (sp->n + 1));
	prefix[0] = 0.0;
	for (i = 0; i < sp->n && sp->values[i] > 0; i++)
	{
		double		x = sp->values[i];
		double		t = sum + x;

		if (fabs(sum) >= fabs(x))
			comp += (sum - t) + x;
		else
			comp += (x - t) + sum;
		sum = t;
		prefix[i + 1] = sum + comp;
	}
	/* entries past the positives repeat the total */
	for (; i < sp->n; i++)
		prefix[i + 1] = prefix[i];
	return prefix;
}

PG_FUNCTION_INFO_V1(abc_window);
Datum
abc_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	bool		isnull;
	double		v;
	double		a = 0.8;
	double		b = 0.95;
	SortedPartition *sp;
	double		total;
	double		above;

	if (PG_NARGS() >= 3)
	{
		Datum		da = WinGetFuncArgCurrent(winobj, 1, &isnull);
		bool		anull = isnull;
		Datum		db = WinGetFuncArgCurrent(winobj, 2, &isnull);

		if (anull || isnull)
			PG_RETURN_NULL();
		a = DatumGetFloat8(da);
		b = DatumGetFloat8(db);
		CheckFinite(a, "a");
		CheckFinite(b, "b");
		if (!(a > 0 && a < b && b <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.abc needs 0 < a < b <= 1, got a = %s and b = %s",
							float8out_internal(a), float8out_internal(b)),
					 errhint("a and b are cumulative shares of the total, e.g. 0.8 and 0.95.")));
	}

	/* load the partition first so that a NaN anywhere is reported */
	sp = partition_sorted_values(winobj, true, "crm.abc");
	if (sp->aux == NULL)
		sp->aux = PositivePrefixSums(sp);

	v = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	if (v <= 0)
		PG_RETURN_TEXT_P(cstring_to_text("C"));

	total = sp->aux[sp->n];
	above = sp->aux[partition_count_before(sp, v)];
	if (above < a * total)
		PG_RETURN_TEXT_P(cstring_to_text("A"));
	if (above < b * total)
		PG_RETURN_TEXT_P(cstring_to_text("B"));
	PG_RETURN_TEXT_P(cstring_to_text("C"));
}
