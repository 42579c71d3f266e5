/*
 * partition.h
 *	  Whole-partition evaluation for window functions whose result depends
 *	  on the whole partition rather than on the frame (crm.abc,
 *	  crm.quantile_score).
 *
 * On the first row of a partition the caller loads every row's argument,
 * sorted, with its row position; computes one result per row in a single
 * pass over the sorted values; and frees the sorted copy.  Each row's call
 * is then an array lookup by its position: no per-row search, no re-reading
 * of the argument.
 */
#ifndef CRM_PARTITION_H
#define CRM_PARTITION_H

#include "crm.h"

#include "windowapi.h"

/* one non-NULL value and the position of its row in the partition */
typedef struct PartitionEntry
{
	double		value;
	int64		pos;
} PartitionEntry;

typedef struct PartitionState
{
	bool		ready;			/* per-row results computed */
	int64		rows;			/* rows in the partition */
	int64		n;				/* non-NULL values */
	double		total;			/* function-specific partition summary */
	void	   *results;		/* function-specific, one per row */
} PartitionState;

/*
 * The partition's state, zeroed on the first call of each partition.  The
 * memory lives (and dies) with the partition.
 */
extern PartitionState *partition_state(WindowObject winobj);

/*
 * Load the non-NULL values of window argument 0 with their row positions,
 * sorted ascending or descending by value (*n receives the count).  NaN and
 * +-Infinity are errors naming `fname`.  Allocated in the partition's
 * memory; pfree it when the per-row results are built.
 */
extern PartitionEntry *partition_load_sorted(WindowObject winobj,
											 PartitionState *ps,
											 bool descending,
											 const char *fname);

/* Allocate one result slot per row in the partition's memory. */
extern void *partition_alloc_results(PartitionState *ps, Size elemsize);

#endif							/* CRM_PARTITION_H */
