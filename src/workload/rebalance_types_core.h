/*
 * rebalance_types_core.h
 *	  crm.rebalance_state (the aggregate's state) and the plans it yields
 *	  (crm.rebalance_plan for bigint ids, crm.rebalance_plan_text,
 *	  crm.rebalance_plan_uuid): layouts, size caps, checks, and every
 *	  external form (binary, compact text "crm64:", readable JSON).  No
 *	  server dependencies: the fuzzers drive the decoders and the solver
 *	  directly.
 *
 * Version 2 (crm 0.2.0).  A value carries its id kind (bigint, text,
 * uuid), whether its rows carry move costs, and the options of the call.
 * Ids are keys (rebalance_core.h): bigint ids themselves, or offsets into
 * the value's id bytes (a text id: its length in one or two bytes, then
 * its bytes; a uuid: 16 bytes).
 *
 * Binary forms, big-endian:
 *   id:    bigint: zigzag LEB128 varint (1 to 10 bytes; ids below 2^27
 *          take at most 4); text: its length (one byte below 128, else two)
 *          and bytes; uuid: 16 bytes.
 *   state: version byte 2, id kind byte, flags byte (1: move costs,
 *          2: options), [options: float8 target, int64 max_moves (-1: none),
 *          byte minimise], int64 row count, then per row a flags byte,
 *          [customer id], [manager id], [float8 load (when a customer)],
 *          [float8 capacity (when a manager with a capacity)], [float8 move
 *          cost (when costs and a customer)].  A row of a bigint group of 20
 *          million customers with 1e9-sized ids and a manager takes 1 + 5 +
 *          2 + 8 + 8 = 24 bytes (32 with move costs).
 *   plan:  version byte 2, id kind, flags (1: move costs), options as
 *          above, int64 customers, int64 orphans, float8 peak_before,
 *          peak_after, lower_bound, int32 manager count, per manager id,
 *          float8 capacity, pinned, load_before, load_after; int64 move
 *          count, per move customer id, int32 from (-1: orphan), int32 to,
 *          float8 load, [float8 move cost].
 * Version 1 (crm 0.1.0) values are read in every form and converted; a
 * version-1 value stored on disk prints and sends in version 1's forms, so
 * that it reads back as it did (see crm_rb_state_upgrade).
 *
 * Text forms: JSON while the binary form is at most CRM_WIRE_READABLE_MAX
 * bytes, else "crm64:" + base64 of the binary form; input accepts both.
 * The caps keep every value's compact text under PostgreSQL's 1 GB limit,
 * so whatever can be stored can be dumped, restored and shipped as text
 * (Citus).
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

#define CRM_RB_VERSION_1		1
#define CRM_RB_VERSION			2

/*
 * The most rows one state holds (24 million: 33 bytes each in memory, 41
 * with move costs, under 1 GB), and the most bytes a state may take in
 * memory; its binary form must also stay within CRM_WIRE_MAX_BINARY (its
 * compact text under 1 GB).  A bigint group of 20 million customers fits
 * with or without move costs.
 */
#define CRM_RB_MAX_ROWS			INT64_C(24000000)
#define CRM_RB_MAX_STATE_BYTES	INT64_C(1000000000)

/* state flags */
#define CRM_RB_STATE_COSTS		0x01
#define CRM_RB_STATE_OPTIONS	0x02
/* plan flags */
#define CRM_RB_PLAN_COSTS		0x01

/*
 * The state: a flat varlena whose size is its allocated capacity: the
 * header, caprows rows (32 bytes), [caprows move costs], caprows flag
 * bytes, capbytes id bytes.  seal is the server's mark of a state whose
 * rows it has checked (see aggstate.h); every decoder leaves it 0.
 * wirebytes is the size of the binary form of its rows so far.
 */
typedef struct CrmRbStateValue
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_RB_VERSION */
	uint8_t		idkind;			/* CrmRbIdKind */
	uint8_t		sflags;			/* CRM_RB_STATE_* */
	uint8_t		pad;
	int64_t		nrows;
	int64_t		caprows;
	uint64_t	seal;
	int64_t		nbytes;			/* id bytes used */
	int64_t		capbytes;		/* id bytes allocated */
	int64_t		wirebytes;		/* binary size of the rows */
	CrmRbOptions opts;			/* when CRM_RB_STATE_OPTIONS */
	CrmRbRow	rows[];
} CrmRbStateValue;

#define CRM_RB_STATE_HDRSZ		offsetof(CrmRbStateValue, rows)
#define CRM_RB_STATE_COSTV(s)	((double *) ((s)->rows + (s)->caprows))
#define CRM_RB_STATE_FLAGS(s)	((uint8_t *) ((s)->rows + (s)->caprows) + \
								 (((s)->sflags & CRM_RB_STATE_COSTS) ? 8 * (s)->caprows : 0))
#define CRM_RB_STATE_IDBYTES(s)	(CRM_RB_STATE_FLAGS(s) + (s)->caprows)

/* Allocated size of a state with room for cap rows and capbytes id bytes (a multiple of 8). */
static inline size_t
crm_rb_state_size(int64_t cap, int64_t capbytes, bool costs)
{
	return (CRM_RB_STATE_HDRSZ + (size_t) cap * (sizeof(CrmRbRow) + 1 + (costs ? 8 : 0)) +
			(size_t) capbytes + 7) & ~(size_t) 7;
}

/* The ids of a state's keys. */
static inline CrmRbIds
crm_rb_state_ids(const CrmRbStateValue *s)
{
	CrmRbIds	ids;

	ids.kind = (CrmRbIdKind) s->idkind;
	ids.bytes = CRM_RB_STATE_IDBYTES(s);
	ids.nbytes = s->nbytes;
	return ids;
}

/* The plan (version 2): header, managers (by id), moves (by customer id), id bytes. */
typedef struct CrmRbPlanValue
{
	int32_t		vl_len_;		/* varlena header, set by the server side */
	uint8_t		version;		/* CRM_RB_VERSION */
	uint8_t		idkind;
	uint8_t		pflags;			/* CRM_RB_PLAN_* */
	uint8_t		pad;
	int32_t		nmanagers;
	int32_t		pad2;
	int64_t		ncustomers;
	int64_t		norphans;
	int64_t		nmoves;			/* derived from moves by crm_rb_plan_check */
	int64_t		nentries;
	int64_t		nbytes;			/* id bytes */
	double		peak_before;
	double		peak_after;
	double		lower_bound;
	double		moved_load;		/* derived from moves by crm_rb_plan_check */
	double		moved_cost;		/* derived from moves by crm_rb_plan_check */
	CrmRbOptions opts;
	CrmRbManager managers[];
	/* then CrmRbMove moves[nentries], then uint8_t idbytes[nbytes] */
} CrmRbPlanValue;

#define CRM_RB_PLAN_HDRSZ		offsetof(CrmRbPlanValue, managers)
#define CRM_RB_PLAN_MOVES(p)	((CrmRbMove *) ((p)->managers + (p)->nmanagers))
#define CRM_RB_PLAN_IDBYTES(p)	((uint8_t *) (CRM_RB_PLAN_MOVES(p) + (p)->nentries))

/* The ids of a plan's keys. */
static inline CrmRbIds
crm_rb_plan_ids(const CrmRbPlanValue *p)
{
	CrmRbIds	ids;

	ids.kind = (CrmRbIdKind) p->idkind;
	ids.bytes = CRM_RB_PLAN_IDBYTES(p);
	ids.nbytes = p->nbytes;
	return ids;
}

/* Check options (target finite in [0, 1e4], minimise, no costs with "load"). */
extern int	crm_rb_options_check(const CrmRbOptions *o, bool has_cost, CrmError *err);

/* The name of a minimise value ("relationships", "load"). */
extern const char *crm_rb_minimise_name(int32_t m);

/* ---------------------------------------------------------------- ids */

/* Bytes an id takes in id bytes: the length prefix and the bytes. */
extern int	crm_rb_id_store_size(CrmRbIdKind kind, int len);

/* Write an id's bytes (len bytes at src) at dst with its prefix; the bytes written. */
extern int	crm_rb_id_store(CrmRbIdKind kind, uint8_t *dst, const uint8_t *src, int len);

/* ---------------------------------------------------------------- state */

/*
 * A zeroed state with room for cap rows and capbytes id bytes
 * (crm_core_alloc'd, vl_len_ not set); NULL and CRM_ERR_LIMIT beyond the
 * caps.
 */
extern CrmRbStateValue *crm_rb_state_alloc(CrmRbIdKind kind, uint8_t sflags, int64_t cap,
										   int64_t capbytes, CrmError *err);

/*
 * A copy of s with room for at least need_rows rows and need_bytes id
 * bytes (capacities doubled, up to the caps); NULL and CRM_ERR_LIMIT when
 * they do not fit.
 */
extern CrmRbStateValue *crm_rb_state_grow(const CrmRbStateValue *s, int64_t need_rows,
										  int64_t need_bytes, CrmError *err);

/*
 * The capacities crm_rb_state_grow gives a state that needs room for
 * need_rows rows and need_bytes id bytes (for growing a state in place);
 * 0, or -1 and CRM_ERR_LIMIT when they do not fit.
 */
extern int	crm_rb_state_grow_caps(const CrmRbStateValue *s, int64_t need_rows,
								   int64_t need_bytes, int64_t *caprows, int64_t *capbytes,
								   CrmError *err);

/*
 * Check one input row and normalise it (-0 to 0, the fields of an absent
 * customer, manager or capacity to 0).  cost is NULL without move costs.
 * Returns its flags byte, or -1 with a CRM_ERR_INVALID error in the
 * wording of the aggregate's argument checks (ids for the messages).
 */
extern int	crm_rb_row_normalize(CrmRbRow *r, bool no_customer, bool no_manager,
								 bool pinned, bool no_capacity, double *cost,
								 const CrmRbIds *ids, CrmError *err);

/* Bytes of a row's binary form (ids as keys into ids). */
extern int64_t crm_rb_row_wire_size(const CrmRbRow *r, int f, bool costs, const CrmRbIds *ids);

/*
 * Check a version-2 state of unknown origin in O(1): version, kind,
 * flags, reserved bytes, counts within capacities and caps, and size (the
 * bytes the value really has) equal to the size its capacities need, so
 * that reading or appending in place stays inside the value.  kind is the
 * error kind to report.  0, or -1 with *err.
 */
extern int	crm_rb_state_check_header(const CrmRbStateValue *s, size_t size,
									  CrmErrorKind kind, CrmError *err);

/*
 * Check row i (0-based) of a state, with flags f and (with costs) its
 * cost: flags (kind), numbers (CRM_ERR_INVALID, the wording of
 * crm_rb_row_normalize), normal form (kind) and, for text and uuid ids,
 * that its keys are ids inside the id bytes (kind).  The one check of a
 * row, for every state function and the solver.  0, or -1 with *err.
 */
extern int	crm_rb_row_check(const CrmRbRow *r, int f, const double *cost,
							 const CrmRbIds *ids, int64_t i, CrmErrorKind kind,
							 CrmError *err);

/*
 * Check rows [from, nrows) of a state whose header passed, and the options
 * and wirebytes (when from is 0).  0 or -1.
 */
extern int	crm_rb_state_check_rows(const CrmRbStateValue *s, int64_t from,
									CrmErrorKind kind, CrmError *err);

/*
 * A version-1 state value (raw bytes as stored by crm 0.1.0), checked as
 * 0.1.0 checked it, converted to a version-2 state; NULL and *err.
 */
extern CrmRbStateValue *crm_rb_state_upgrade(const void *raw, size_t size,
											 CrmErrorKind kind, CrmError *err);

/* Bytes of the binary form (legacy: version 1's, for a bigint state without costs or options). */
extern uint64_t crm_rb_state_wire_size(const CrmRbStateValue *s, bool legacy);

/* Write the binary form into out (crm_rb_state_wire_size bytes). */
extern void crm_rb_state_encode(const CrmRbStateValue *s, bool legacy, uint8_t *out);

/*
 * Read a binary form, version 1 or 2 (kind: CRM_ERR_BINARY for recv,
 * CRM_ERR_SYNTAX when it came from compact text).  A state with exactly
 * its rows (at least room for one), or NULL and *err.
 */
extern CrmRbStateValue *crm_rb_state_decode(const uint8_t *buf, size_t len,
											CrmErrorKind kind, CrmError *err);

/*
 * The text form of a checked state: JSON up to CRM_WIRE_READABLE_MAX bytes
 * of binary, compact beyond (crm_core_alloc'd, NUL-terminated).
 */
extern char *crm_rb_state_print(const CrmRbStateValue *s, bool legacy);

/* Read either text form (and version 1's).  NULL and *err on failure. */
extern CrmRbStateValue *crm_rb_state_parse(const char *text, CrmError *err);

/*
 * Append a row to *sp (growing it when full): ids as bytes (cbytes/mbytes
 * with their lengths; NULL for an absent one) for text and uuid, in
 * r->customer_id / r->manager_id for bigint.  The row must be normalised.
 * 0, or -1 with the caps' error.
 */
extern int	crm_rb_state_push(CrmRbStateValue **sp, const CrmRbRow *r, uint8_t f, double cost,
							  const uint8_t *cbytes, int clen, const uint8_t *mbytes, int mlen,
							  CrmError *err);

/* ----------------------------------------------------------------- plan */

/*
 * A zeroed plan for nmanagers managers, nentries moves and nbytes id
 * bytes, with vl_len_ left to the server and *size its size; NULL and
 * CRM_ERR_LIMIT when its binary form would be larger than
 * CRM_WIRE_MAX_BINARY.
 */
extern CrmRbPlanValue *crm_rb_plan_alloc(CrmRbIdKind kind, uint8_t pflags, int64_t nmanagers,
										 int64_t nentries, int64_t nbytes, size_t *size,
										 CrmError *err);

/* Check the header of a version-2 plan of size bytes in O(1). 0, or -1 with *err. */
extern int	crm_rb_plan_check_header(const CrmRbPlanValue *p, size_t size,
									 CrmErrorKind kind, CrmError *err);

/*
 * Check a whole plan (kind for its structure, CRM_ERR_INVALID for
 * non-finite numbers) and derive the number, load and cost of its moves of
 * customers that had a manager.  Does not write to p.  0, or -1 with *err.
 */
extern int	crm_rb_plan_check(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind,
							  int64_t *nmoves, double *moved_load, double *moved_cost,
							  CrmError *err);

/* A version-1 plan (raw bytes as stored by crm 0.1.0), checked and converted; *size its size. */
extern CrmRbPlanValue *crm_rb_plan_upgrade(const void *raw, size_t rawsize, CrmErrorKind kind,
										   size_t *size, CrmError *err);

/* Bytes of the binary form (legacy: version 1's). */
extern uint64_t crm_rb_plan_wire_size(const CrmRbPlanValue *p, bool legacy);

/* Write the binary form into out. */
extern void crm_rb_plan_encode(const CrmRbPlanValue *p, bool legacy, uint8_t *out);

/* Read a binary form, version 1 or 2, checked; *size is the value's size. */
extern CrmRbPlanValue *crm_rb_plan_decode(const uint8_t *buf, size_t len,
										  CrmErrorKind kind, size_t *size,
										  CrmError *err);

/* The text form of a checked plan (legacy: version 1's JSON and binary). */
extern char *crm_rb_plan_print(const CrmRbPlanValue *p, bool legacy);

/* Read either text form; *size is the value's size.  NULL and *err on failure. */
extern CrmRbPlanValue *crm_rb_plan_parse(const char *text, size_t *size, CrmError *err);

/*
 * The plan value of a solver result (crm_rb_solve on rows whose keys are
 * in ids), checked like any input.  NULL and *err when it is too large
 * (CRM_ERR_LIMIT) or fails the check (a bug: the caller reports it as one).
 */
extern CrmRbPlanValue *crm_rb_plan_from_result(const CrmRbPlan *plan, const CrmRbIds *ids,
											   size_t *size, CrmError *err);

#endif							/* CRM_REBALANCE_TYPES_CORE_H */
