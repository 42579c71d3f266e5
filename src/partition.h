/*
 * partition.h
 *	  The sorted non-NULL float8 values of a window partition, loaded once
 *	  per partition for window functions whose result depends on the whole
 *	  partition rather than on the frame (crm.abc, crm.quantile_score).
 */
#ifndef CRM_PARTITION_H
#define CRM_PARTITION_H

#include "crm.h"

#include "windowapi.h"

typedef struct SortedPartition
{
	bool		loaded;
	bool		descending;
	int64		n;				/* non-NULL values in the partition */
	double	   *values;			/* sorted, n of them */
	double	   *aux;			/* per-function extra data, same lifetime */
} SortedPartition;

/*
 * Load (once per partition) the values of window argument 0, sorted
 * ascending or descending.  NULLs are skipped; NaN and +-Infinity are
 * errors naming `fname`.  The arrays live in the partition's memory and go
 * away with it.
 */
extern SortedPartition *partition_sorted_values(WindowObject winobj,
												bool descending,
												const char *fname);

/* Number of values strictly before x in the sort order (binary search). */
extern int64 partition_count_before(const SortedPartition *sp, double x);

#endif							/* CRM_PARTITION_H */
