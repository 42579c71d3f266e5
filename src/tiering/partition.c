/*
 * partition.c
 *	  Whole-partition value loading for crm's window functions.
 *
 * A window function normally sees its frame; crm.abc and crm.quantile_score
 * are defined over the whole partition instead, so they do not depend on the
 * window's ORDER BY.  On the first row of a partition we read every row's
 * argument through the WindowObject and sort the (value, position) pairs
 * once; the calling function turns them into per-row results in one pass.
 * Memory is O(rows) in the partition's context: 16 bytes a row while
 * sorting, then the per-row results.
 */
#include "crm.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "partition.h"
#include "validate_core.h"

/*
 * qsort specialisations on the value (no NaN by the time we sort):
 * PostgreSQL's sort template, the quicksort of J. L. Bentley and M. D.
 * McIlroy, "Engineering a sort function", Software: Practice and
 * Experience 23 (1993) 1249-1265, with the comparison inlined.
 */
#define ST_SORT sort_entries_asc
#define ST_ELEMENT_TYPE PartitionEntry
#define ST_COMPARE(a, b) (((a)->value > (b)->value) - ((a)->value < (b)->value))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_entries_desc
#define ST_ELEMENT_TYPE PartitionEntry
#define ST_COMPARE(a, b) (((a)->value < (b)->value) - ((a)->value > (b)->value))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* The non-finite error for the value of row i (0-based), naming the row. */
static void pg_attribute_noreturn()
NotFiniteRow(const char *fname, double v, int64 i)
{
	CrmError	err = {0};

	crm_error_not_finite(&err, psprintf("%s: value", fname), v);
	crm_error_detail(&err, "Row %lld of the window partition.", (long long) i + 1);
	crm_ereport(&err);
}

/* The partition's state (see partition.h). */
PartitionState *
partition_state(WindowObject winobj)
{
	return (PartitionState *) WinGetPartitionLocalMemory(winobj, sizeof(PartitionState));
}

/*
 * One result slot of elemsize bytes per row of the partition (see
 * partition.h).
 */
void *
partition_alloc_results(PartitionState *ps, Size elemsize)
{
	return MemoryContextAllocHuge(GetMemoryChunkContext(ps),
								  mul_size(elemsize, Max(ps->rows, 1)));
}

/*
 * Read every row's argument, refusing non-finite values, and sort (see
 * partition.h).
 */
PartitionEntry *
partition_load_sorted(WindowObject winobj, PartitionState *ps, bool descending,
					  const char *fname)
{
	PartitionEntry *entries;
	int64		i;

	ps->rows = WinGetPartitionRowCount(winobj);
	entries = MemoryContextAllocHuge(GetMemoryChunkContext(ps),
									 mul_size(sizeof(PartitionEntry), Max(ps->rows, 1)));
	ps->n = 0;
	for (i = 0; i < ps->rows; i++)
	{
		bool		isnull;
		bool		isout;
		Datum		d;
		double		v;

		CHECK_FOR_INTERRUPTS();
		d = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD, false,
									 &isnull, &isout);
		if (isnull || isout)
			continue;
		v = DatumGetFloat8(d);
		if (unlikely(!isfinite(v)))
			NotFiniteRow(fname, v, i);
		entries[ps->n].value = v;
		entries[ps->n].pos = i;
		ps->n++;
	}
	if (descending)
		sort_entries_desc(entries, ps->n);
	else
		sort_entries_asc(entries, ps->n);
	return entries;
}
