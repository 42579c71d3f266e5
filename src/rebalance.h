/*
 * rebalance.h
 *	  crm.rebalance_state (the aggregate's state) and crm.rebalance_plan
 *	  (its result): layouts and fmgr accessors.
 */
#ifndef CRM_REBALANCE_H
#define CRM_REBALANCE_H

#include "crm.h"

#include "rebalance_core.h"

#define RB_STATE_VERSION	1
#define RB_PLAN_VERSION		1

/*
 * The state: a flat varlena whose size is its allocated capacity.  rows
 * (CrmRbRow, 32 bytes) start right after the header, their flags (1 byte
 * each) after room for caprows rows: 33 bytes per input row, plus the
 * unused part of the capacity (which doubles as it fills).
 */
typedef struct RbState
{
	int32		vl_len_;
	uint8		version;
	uint8		pad[3];
	int64		nrows;
	int64		caprows;
	CrmRbRow	rows[FLEXIBLE_ARRAY_MEMBER];
} RbState;

#define RB_STATE_HDRSZ		offsetof(RbState, rows)
#define RB_STATE_SIZE(cap)	MAXALIGN(RB_STATE_HDRSZ + (Size) (cap) * (sizeof(CrmRbRow) + 1))
#define RB_STATE_FLAGS(s)	((uint8 *) ((s)->rows + (s)->caprows))

/* The plan: header, managers (by id), moves (by customer id). */
typedef struct RbPlan
{
	int32		vl_len_;
	uint8		version;
	uint8		pad[3];
	int32		nmanagers;
	int32		pad2;
	int64		ncustomers;
	int64		norphans;
	int64		nmoves;
	int64		nentries;
	double		peak_before;
	double		peak_after;
	double		lower_bound;
	double		moved_load;
	CrmRbManager managers[FLEXIBLE_ARRAY_MEMBER];
	/* then CrmRbMove moves[nentries] */
} RbPlan;

#define RB_PLAN_HDRSZ		offsetof(RbPlan, managers)
#define RB_PLAN_MOVES(p)	((CrmRbMove *) ((p)->managers + (p)->nmanagers))

#endif							/* CRM_REBALANCE_H */
