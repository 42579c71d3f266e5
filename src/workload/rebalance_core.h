/*
 * rebalance_core.h
 *	  The rebalancing solver behind crm.rebalance: from rows of (customer,
 *	  current manager, load, manager capacity, pinned [, move cost]) and the
 *	  options of the call to a plan.  No server dependencies: plain C over
 *	  arrays, calling crm_check_interrupts() so the server can honour query
 *	  cancel.
 *
 * Objective (see rebalance_core.c for the method and its references), with
 * a target utilisation t (option "target", default 1) and each manager's
 * pinned utilisation pu (its pinned customers' load / capacity):
 *   1. every manager ends at or below max(t, pu) whenever moves can do it;
 *   2. where they cannot (pinned load, or a total load above t x capacity),
 *      the least peak utilisation first, then managers that were at or below
 *      t stay at or below t where the plan allows it;
 *   3. among such plans the least moved weight: relationships (a move counts
 *      1, or its move cost when the call gives one) or, with "minimise":
 *      "load", the load moved;
 *   4. orphans are always assigned; max_moves caps the moves.
 * {"target": 0, "minimise": "load"} is the objective of crm 0.1.0: the least
 * peak, then the least moved load.
 */
#ifndef CRM_REBALANCE_CORE_H
#define CRM_REBALANCE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

/*
 * One input row (32 bytes); its flags are kept in a separate byte array.
 * customer_id and manager_id are keys: the ids themselves for bigint ids,
 * offsets into the id bytes (CrmRbIds) for text and uuid ids.
 */
typedef struct CrmRbRow
{
	int64_t		customer_id;
	int64_t		manager_id;
	double		load;			/* unused when CRM_RB_NO_CUSTOMER */
	double		capacity;		/* unused when CRM_RB_NO_MANAGER or _NO_CAPACITY */
} CrmRbRow;

#define CRM_RB_NO_CUSTOMER	0x01	/* declares a manager (and capacity) only */
#define CRM_RB_NO_MANAGER	0x02	/* an orphaned customer */
#define CRM_RB_PINNED		0x04	/* movable = false */
#define CRM_RB_NO_CAPACITY	0x08	/* a manager whose capacity another row gives (0.2.0) */
#define CRM_RB_FLAGS_ALL	0x0F

/* What the keys of the rows are. */
typedef enum CrmRbIdKind
{
	CRM_RB_IDS_BIGINT = 0,		/* the key is the id */
	CRM_RB_IDS_TEXT = 1,		/* offset of a length-prefixed string */
	CRM_RB_IDS_UUID = 2			/* offset of 16 bytes */
} CrmRbIdKind;

#define CRM_RB_MAX_ID_BYTES 1000	/* longest text id */

/*
 * The id bytes of text and uuid keys: a text id at offset k is a length
 * (one byte below 128, else two: 0x80 | high 7 bits, low 8 bits) and its
 * bytes; a uuid is 16 bytes.  Ids compare bytewise (shorter first on a
 * common prefix), which is the C collation of text and the order of uuid.
 */
typedef struct CrmRbIds
{
	CrmRbIdKind kind;
	const uint8_t *bytes;
	int64_t		nbytes;
} CrmRbIds;

/* what a plan minimises after the utilisation rules */
#define CRM_RB_MIN_RELATIONSHIPS	0
#define CRM_RB_MIN_LOAD				1

/* The options of a call (crm.rebalance's options jsonb). */
typedef struct CrmRbOptions
{
	double		target;			/* t >= 0 */
	int64_t		max_moves;		/* < 0: no cap */
	int32_t		minimise;		/* CRM_RB_MIN_* */
	int32_t		pad;
} CrmRbOptions;

/* 0.2.0's defaults, and the objective of 0.1.0 */
#define CRM_RB_OPTIONS_DEFAULT	{1.0, -1, CRM_RB_MIN_RELATIONSHIPS, 0}
#define CRM_RB_OPTIONS_V1		{0.0, -1, CRM_RB_MIN_LOAD, 0}

/* largest target accepted (a utilisation of a million percent) */
#define CRM_RB_MAX_TARGET 1e4

typedef struct CrmRbManager
{
	int64_t		id;				/* key, as in the rows */
	double		capacity;
	double		pinned;			/* load of its pinned customers */
	double		load_before;
	double		load_after;
} CrmRbManager;

/* A reassignment; from = -1 for an orphan.  from/to index the managers. */
typedef struct CrmRbMove
{
	int64_t		customer_id;	/* key */
	double		load;
	double		cost;			/* the move cost (1 without one) */
	int32_t		from;
	int32_t		to;
} CrmRbMove;

typedef struct CrmRbPlan
{
	CrmRbOptions opts;
	bool		has_cost;
	int32_t		nmanagers;
	int64_t		ncustomers;
	int64_t		norphans;
	int64_t		nmoves;			/* moves of customers that had a manager */
	int64_t		nentries;		/* moves[]: those and the orphan assignments */
	double		peak_before;	/* over the customers that had a manager */
	double		peak_after;
	double		lower_bound;
	double		moved_load;		/* load of the nmoves moves */
	double		moved_cost;		/* their move costs (their number without) */
	CrmRbManager *managers;		/* by manager id */
	CrmRbMove  *moves;			/* by customer id */
} CrmRbPlan;

/*
 * Solve one group.  rows[i] with flags[i] (and costs[i] when costs is not
 * NULL); n rows; ids says what the keys are.  Returns 0 and fills *plan
 * (arrays crm_core_alloc'd; keys as in the rows), or -1 with *err for bad
 * input: a row the state's row check refuses (crm_rb_row_check, with its
 * messages), duplicate customers, conflicting, missing or zero
 * capacities, ...
 */
extern int	crm_rb_solve(const CrmRbRow *rows, const uint8_t *flags, const double *costs,
						 int64_t n, const CrmRbIds *ids, const CrmRbOptions *opts,
						 CrmRbPlan *plan, CrmError *err);

/* Compare the ids of two keys (bytewise for text and uuid): <0, 0, >0. */
extern int	crm_rb_id_cmp(const CrmRbIds *ids, int64_t a, int64_t b);

/*
 * An id for a message: the number, or the text or uuid (text cut at 60
 * bytes, non-printable bytes as \xNN), quoted when text.  buf has room for
 * CRM_RB_ID_TEXT_LEN bytes.
 */
#define CRM_RB_ID_TEXT_LEN 280
extern const char *crm_rb_id_text(const CrmRbIds *ids, int64_t key, char *buf);

/* Bytes of the id at a key (text and uuid): *len and a pointer. */
extern const uint8_t *crm_rb_id_bytes(const CrmRbIds *ids, int64_t key, int *len);

#endif							/* CRM_REBALANCE_CORE_H */
