/*
 * rebalance_types_core.h
 *	  crm.rebalance_state (the aggregate's state) and crm.rebalance_plan (its
 *	  result): layouts, size caps, checks, and every external form (binary,
 *	  compact text "crm64:", readable JSON).  No server dependencies: the
 *	  fuzzers drive the decoders and the solver directly.
 *
 * Forms.  The binary form (send/recv, parallel query, binary COPY) is
 * big-endian and versioned:
 *   state: version byte, int64 row count, then per row a flags byte,
 *          int64 customer, int64 manager, float8 load, float8 capacity
 *          (33 bytes a row);
 *   plan:  version byte, int64 customers, int64 orphans, float8 peak_before,
 *          peak_after, lower_bound, int32 manager count, per manager int64
 *          id, float8 capacity, load_before, load_after (32 bytes), int64
 *          move count, per move int64 customer, int32 from (-1: orphan),
 *          int32 to, float8 load (24 bytes).
 * The text form is JSON while the binary form is at most
 * CRM_WIRE_READABLE_MAX bytes, else "crm64:" + base64 of the binary form;
 * text input accepts both.  The caps below keep every value's compact text
 * under PostgreSQL's 1 GB limit, so whatever can be stored can be dumped,
 * restored and shipped as text (Citus).
 *
 * Errors.  A value's structure (truncation, counts, flags, order) is
 * CRM_ERR_BINARY for binary input and CRM_ERR_SYNTAX for text; a number
 * that is not allowed (NaN, infinite, negative) is CRM_ERR_INVALID in
 * every form, with the wording of the aggregate's own argument checks; a
 * value beyond the caps is CRM_ERR_LIMIT.
 */
#ifndef CRM_REBALANCE_TYPES_CORE_H
#define CRM_REBALANCE_TYPES_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "rebalance_core.h"

#define CRM_RB_STATE_VERSION	1
#define CRM_RB_PLAN_VERSION		1

/*
 * The most rows one state holds: 24 million rows are 792 MB in memory and
 * in binary, and 1,056,000,018 bytes of compact text, under PostgreSQL's
 * 1 GB (1,073,741,823 byte) limit on a value.  A group of 20 million
 * customers with bigint ids fits, with room for 4 million manager rows.
 */
#define CRM_RB_MAX_ROWS			INT64_C(24000000)

/* bytes of one row in the binary form */
#define CRM_RB_WIRE_ROW			33
/* bytes of one manager and of one move in the plan's binary form */
#define CRM_RB_WIRE_MANAGER		32
#define CRM_RB_WIRE_MOVE		24

/*
 * The state: a flat varlena whose size is its allocated capacity.  rows
 * start right after the header, their flags (1 byte each) after room for
 * caprows rows: 33 bytes per row, plus the unused part of the capacity.
 * seal is the server's mark of a state whose rows it has checked (see
 * rebalance.c); every decoder leaves it 0.
 */
typedef struct CrmRbStateValue
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_RB_STATE_VERSION */
	uint8_t		pad[3];
	int64_t		nrows;
	int64_t		caprows;
	uint64_t	seal;
	CrmRbRow	rows[];
} CrmRbStateValue;

#define CRM_RB_STATE_HDRSZ		offsetof(CrmRbStateValue, rows)
#define CRM_RB_STATE_FLAGS(s)	((uint8_t *) ((s)->rows + (s)->caprows))

/* Allocated size of a state with room for cap rows (a multiple of 8). */
static inline size_t
crm_rb_state_size(int64_t cap)
{
	return (CRM_RB_STATE_HDRSZ + (size_t) cap * (sizeof(CrmRbRow) + 1) + 7) & ~(size_t) 7;
}

/* The plan: header, managers (by id), moves (by customer id). */
typedef struct CrmRbPlanValue
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_RB_PLAN_VERSION */
	uint8_t		pad[3];
	int32_t		nmanagers;
	int32_t		pad2;
	int64_t		ncustomers;
	int64_t		norphans;
	int64_t		nmoves;			/* derived from moves by crm_rb_plan_check */
	int64_t		nentries;
	double		peak_before;
	double		peak_after;
	double		lower_bound;
	double		moved_load;		/* derived from moves by crm_rb_plan_check */
	CrmRbManager managers[];
	/* then CrmRbMove moves[nentries] */
} CrmRbPlanValue;

#define CRM_RB_PLAN_HDRSZ		offsetof(CrmRbPlanValue, managers)
#define CRM_RB_PLAN_MOVES(p)	((CrmRbMove *) ((p)->managers + (p)->nmanagers))

/* bytes of a plan's binary form */
static inline uint64_t
crm_rb_plan_wire_size(int64_t nmanagers, int64_t nentries)
{
	return 53 + (uint64_t) nmanagers * CRM_RB_WIRE_MANAGER + (uint64_t) nentries * CRM_RB_WIRE_MOVE;
}

/* bytes of a state's binary form */
static inline uint64_t
crm_rb_state_wire_size(int64_t nrows)
{
	return 9 + (uint64_t) nrows * CRM_RB_WIRE_ROW;
}

/* ---------------------------------------------------------------- state */

/*
 * A zeroed state with room for cap rows (crm_core_alloc'd, vl_len_ not
 * set); NULL and CRM_ERR_LIMIT beyond CRM_RB_MAX_ROWS.
 */
extern CrmRbStateValue *crm_rb_state_alloc(int64_t cap, CrmError *err);

/*
 * Check one row and normalise it (-0 to 0, the fields of an absent
 * customer or manager to 0).  no_customer, no_manager and pinned say which
 * fields are there; returns its flags byte, or -1 with a CRM_ERR_INVALID
 * error in the wording of the aggregate's argument checks.
 */
extern int	crm_rb_row_normalize(CrmRbRow *r, bool no_customer, bool no_manager,
								 bool pinned, CrmError *err);

/*
 * Check a state of unknown origin in O(1): version, reserved bytes, row
 * count and capacity within each other and the cap, and size (the bytes
 * the value really has) equal to the size its capacity needs, so that
 * reading or appending in place stays inside the value.  kind is the error
 * kind to report (CRM_ERR_INVALID for a state handed to an aggregate
 * function).  0, or -1 with *err.
 */
extern int	crm_rb_state_check_header(const CrmRbStateValue *s, size_t size,
									  CrmErrorKind kind, CrmError *err);

/*
 * Check row i (0-based) of a state, with flags f: flags (kind), numbers
 * (CRM_ERR_INVALID, the wording of crm_rb_row_normalize) and normal form
 * (kind).  The one check of a row, for every state function and the
 * solver.  0, or -1 with *err.
 */
extern int	crm_rb_row_check(const CrmRbRow *r, int f, int64_t i, CrmErrorKind kind,
							 CrmError *err);

/*
 * Check rows [from, nrows) of a state whose header passed: flags, and
 * numbers (CRM_ERR_INVALID for those, kind for the flags).  0 or -1.
 */
extern int	crm_rb_state_check_rows(const CrmRbStateValue *s, int64_t from,
									CrmErrorKind kind, CrmError *err);

/* Write the binary form into out (crm_rb_state_wire_size bytes). */
extern void crm_rb_state_encode(const CrmRbStateValue *s, uint8_t *out);

/*
 * Read a binary form (kind: CRM_ERR_BINARY for recv, CRM_ERR_SYNTAX when it
 * came from compact text).  A state with exactly its rows (at least room
 * for one), or NULL and *err.
 */
extern CrmRbStateValue *crm_rb_state_decode(const uint8_t *buf, size_t len,
											CrmErrorKind kind, CrmError *err);

/*
 * The text form of a checked state: JSON up to CRM_WIRE_READABLE_MAX bytes
 * of binary, compact beyond (crm_core_alloc'd, NUL-terminated).
 */
extern char *crm_rb_state_print(const CrmRbStateValue *s);

/* Read either text form.  NULL and *err on failure. */
extern CrmRbStateValue *crm_rb_state_parse(const char *text, CrmError *err);

/* ----------------------------------------------------------------- plan */

/*
 * A zeroed plan for nmanagers managers and nentries moves, with vl_len_
 * left to the server and *size its size; NULL and CRM_ERR_LIMIT when its
 * binary form would be larger than CRM_WIRE_MAX_BINARY (so that its
 * compact text stays under 1 GB).
 */
extern CrmRbPlanValue *crm_rb_plan_alloc(int64_t nmanagers, int64_t nentries,
										 size_t *size, CrmError *err);

/*
 * Check the header of a plan of unknown origin of size bytes in O(1):
 * version, reserved bytes, counts, and a size equal to what the counts
 * need (kind is the error kind).  0, or -1 with *err.
 */
extern int	crm_rb_plan_check_header(const CrmRbPlanValue *p, size_t size,
									 CrmErrorKind kind, CrmError *err);

/*
 * Check a whole plan (kind for its structure, CRM_ERR_INVALID for
 * non-finite numbers) and derive the number and load of its moves of
 * customers that had a manager (the nmoves and moved_load it should
 * hold).  Does not write to p.  0, or -1 with *err.
 */
extern int	crm_rb_plan_check(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind,
							  int64_t *nmoves, double *moved_load, CrmError *err);

/* Write the binary form into out (crm_rb_plan_wire_size bytes). */
extern void crm_rb_plan_encode(const CrmRbPlanValue *p, uint8_t *out);

/*
 * Read a binary form (kind: CRM_ERR_BINARY for recv, CRM_ERR_SYNTAX when it
 * came from compact text), checked with crm_rb_plan_check; *size is the
 * value's size.  NULL and *err on failure.
 */
extern CrmRbPlanValue *crm_rb_plan_decode(const uint8_t *buf, size_t len,
										  CrmErrorKind kind, size_t *size,
										  CrmError *err);

/*
 * The text form of a checked plan: JSON up to CRM_WIRE_READABLE_MAX bytes
 * of binary, compact beyond (crm_core_alloc'd, NUL-terminated).
 */
extern char *crm_rb_plan_print(const CrmRbPlanValue *p);

/* Read either text form; *size is the value's size.  NULL and *err on failure. */
extern CrmRbPlanValue *crm_rb_plan_parse(const char *text, size_t *size, CrmError *err);

/*
 * The plan value of a solver result (crm_rb_solve), checked like any input.
 * NULL and *err when it is too large (CRM_ERR_LIMIT) or fails the check
 * (a bug: the caller reports it as one).
 */
extern CrmRbPlanValue *crm_rb_plan_from_result(const CrmRbPlan *plan, size_t *size,
											   CrmError *err);

#endif							/* CRM_REBALANCE_TYPES_CORE_H */
