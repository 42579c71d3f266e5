/*
 * rebalance_core.h
 *	  The rebalancing solver behind crm.rebalance: from rows of (customer,
 *	  current manager, load, manager capacity, pinned) to a plan.  No server
 *	  dependencies: plain C over arrays, calling crm_check_interrupts() so the server
 *	  can honour query cancel.
 *
 * Objective, in order: the lowest peak utilisation (max over managers of
 * load / capacity), then the least moved load.  See rebalance_core.c for
 * the method and its guarantees.
 */
#ifndef CRM_REBALANCE_CORE_H
#define CRM_REBALANCE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

/* One input row (32 bytes); its flags are kept in a separate byte array. */
typedef struct CrmRbRow
{
	int64_t		customer_id;
	int64_t		manager_id;
	double		load;			/* unused when CRM_RB_NO_CUSTOMER */
	double		capacity;		/* unused when CRM_RB_NO_MANAGER */
} CrmRbRow;

#define CRM_RB_NO_CUSTOMER	0x01	/* declares a manager (and capacity) only */
#define CRM_RB_NO_MANAGER	0x02	/* an orphaned customer */
#define CRM_RB_PINNED		0x04	/* movable = false */
#define CRM_RB_FLAGS_ALL	0x07

typedef struct CrmRbManager
{
	int64_t		id;
	double		capacity;
	double		load_before;
	double		load_after;
} CrmRbManager;

/* A reassignment; from = -1 for an orphan.  from/to index the managers. */
typedef struct CrmRbMove
{
	int64_t		customer_id;
	double		load;
	int32_t		from;
	int32_t		to;
} CrmRbMove;

typedef struct CrmRbPlan
{
	int32_t		nmanagers;
	int64_t		ncustomers;
	int64_t		norphans;
	int64_t		nmoves;			/* moves of customers that had a manager */
	int64_t		nentries;		/* moves[]: those and the orphan assignments */
	double		peak_before;	/* over the customers that had a manager */
	double		peak_after;
	double		lower_bound;
	double		moved_load;		/* load of the nmoves moves */
	CrmRbManager *managers;		/* by manager id */
	CrmRbMove  *moves;			/* by customer id */
} CrmRbPlan;

/*
 * Solve one group.  rows[i] with flags[i]; n rows.  Returns 0 and fills
 * *plan (arrays crm_core_alloc'd), or -1 with *err for bad input: a row
 * the state's row check refuses (crm_rb_row_check, with its messages),
 * duplicate customers, conflicting or zero capacities, ...
 */
extern int	crm_rb_solve(const CrmRbRow *rows, const uint8_t *flags, int64_t n,
						 CrmRbPlan *plan, CrmError *err);

#endif							/* CRM_REBALANCE_CORE_H */
