/*
 * partition.c
 *	  Whole-partition value loading for crm's window functions.
 *
 * A window function normally sees its frame; crm.abc and crm.quantile_score
 * are defined over the whole partition instead (so they do not depend on the
 * window's ORDER BY).  On the first row of a partition we read every row's
 * argument through the WindowObject, sort the non-NULL values once, and keep
 * them in partition-local memory; each row is then a binary search.
 */
#include "crm.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "partition.h"
#include "validate.h"

/* qsort specialisations for doubles (no NaN by the time we sort) */
#define ST_SORT sort_float8_asc
#define ST_ELEMENT_TYPE double
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_float8_desc
#define ST_ELEMENT_TYPE double
#define ST_COMPARE(a, b) ((*(a) < *(b)) - (*(a) > *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

SortedPartition *
partition_sorted_values(WindowObject winobj, bool descending, const char *fname)
{
	SortedPartition *sp = WinGetPartitionLocalMemory(winobj, sizeof(SortedPartition));
	MemoryContext partcxt;
	int64		rows;
	int64		i;

	if (sp->loaded)
		return sp;

	rows = WinGetPartitionRowCount(winobj);
	partcxt = GetMemoryChunkContext(sp);
	sp->values = MemoryContextAllocHuge(partcxt, sizeof(double) * Max(rows, 1));
	sp->n = 0;
	for (i = 0; i < rows; i++)
	{
		bool		isnull;
		bool		isout;
		Datum		d;

		CHECK_FOR_INTERRUPTS();
		d = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD, false,
									 &isnull, &isout);
		if (isnull || isout)
			continue;
		{
			double		v = DatumGetFloat8(d);

			if (!isfinite(v))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: value must be a finite number, got %s", fname,
								isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity")),
						 errdetail("Row %lld of the window partition.", (long long) i + 1)));
			sp->values[sp->n++] = v;
		}
	}
	if (descending)
		sort_float8_desc(sp->values, sp->n);
	else
		sort_float8_asc(sp->values, sp->n);
	sp->descending = descending;
	sp->loaded = true;
	return sp;
}

int64
partition_count_before(const SortedPartition *sp, double x)
{
	int64		lo = 0;
	int64		hi = sp->n;

	/* first index whose value is not strictly before x */
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		bool		before = sp->descending ? sp->values[mid] > x : sp->values[mid] < x;

		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
