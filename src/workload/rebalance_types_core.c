/*
 * rebalance_types_core.c
 *	  Checks and external forms of crm.rebalance_state and the rebalancing
 *	  plans (see rebalance_types_core.h).  Server-independent; the fuzzers
 *	  link it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "json_core.h"
#include "outbuf_core.h"
#include "rebalance_types_core.h"
#include "validate_core.h"
#include "wire_core.h"

/* out of line: error paths of per-row checks */
#if defined(__GNUC__) || defined(__clang__)
#define RB_NOINLINE __attribute__((noinline))
#else
#define RB_NOINLINE
#endif

#define STATE_TYPE	"crm.rebalance_state"
#define PLAN_TYPE	"crm.rebalance_plan"

/* rows or moves between interrupt checks */
#define CHECK_EVERY 0xFFFF

/* version-1 layouts (crm 0.1.0), as stored on disk */
typedef struct V1State
{
	int32_t		vl_len_;
	uint8_t		version;
	uint8_t		pad[3];
	int64_t		nrows;
	int64_t		caprows;
	uint64_t	seal;
	CrmRbRow	rows[];
} V1State;

typedef struct V1Manager
{
	int64_t		id;
	double		capacity;
	double		load_before;
	double		load_after;
} V1Manager;

typedef struct V1Move
{
	int64_t		customer_id;
	double		load;
	int32_t		from;
	int32_t		to;
} V1Move;

typedef struct V1Plan
{
	int32_t		vl_len_;
	uint8_t		version;
	uint8_t		pad[3];
	int32_t		nmanagers;
	int32_t		pad2;
	int64_t		ncustomers;
	int64_t		norphans;
	int64_t		nmoves;
	int64_t		nentries;
	double		peak_before;
	double		peak_after;
	double		lower_bound;
	double		moved_load;
	V1Manager	managers[];
} V1Plan;

#define V1_STATE_HDRSZ	offsetof(V1State, rows)
#define V1_PLAN_HDRSZ	offsetof(V1Plan, managers)

static const char *const kind_names[] = {"bigint", "text", "uuid"};

/* A number for a message: NaN, Infinity, -Infinity or its shortest form. */
static const char *
FormatNumber(double v, char *buf)
{
	if (isnan(v))
		return "NaN";
	if (isinf(v))
		return v > 0 ? "Infinity" : "-Infinity";
	double_to_shortest_decimal_buf(v, buf);
	return buf;
}

static bool AmountError(double v, const char *field, const char *owner, const CrmRbIds *ids,
						int64_t key, CrmError *err);

/*
 * A load, capacity or move cost must be a non-negative finite number:
 * crm's rule for numbers ("crm.rebalance: load of customer 1 must be a
 * finite number, got NaN", validate_core.h), then the range.  The one
 * check of a row's numbers, whichever way the row arrives.
 */
static inline bool
CheckAmount(double v, const char *field, const char *owner, const CrmRbIds *ids, int64_t key,
			CrmError *err)
{
	if (isfinite(v) && v >= 0)
		return true;
	return AmountError(v, field, owner, ids, key, err);
}

/* CheckAmount's error for a bad amount v (out of line: every row calls CheckAmount). */
static RB_NOINLINE bool
AmountError(double v, const char *field, const char *owner, const CrmRbIds *ids, int64_t key,
			CrmError *err)
{
	char		subject[CRM_RB_ID_TEXT_LEN + 80];
	char		id[CRM_RB_ID_TEXT_LEN];
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	snprintf(subject, sizeof(subject), "crm.rebalance: %s of %s %s", field, owner,
			 crm_rb_id_text(ids, key, id));
	if (!crm_check_finite(v, subject, err))
		return false;
	crm_error_set(err, CRM_ERR_INVALID, "%s must not be negative, got %s", subject, FormatNumber(v, num));
	return false;
}

/*
 * Whether a row's flags byte is one a row can have: known bits only, a row
 * without a customer (a manager's declaration) neither orphaned nor
 * pinned, and no capacity flag without a manager.
 */
static bool
FlagsValid(int f)
{
	return (f & ~CRM_RB_FLAGS_ALL) == 0 &&
		!((f & CRM_RB_NO_CUSTOMER) && (f & (CRM_RB_NO_MANAGER | CRM_RB_PINNED))) &&
		!((f & CRM_RB_NO_MANAGER) && (f & CRM_RB_NO_CAPACITY));
}

/* The error for a pinned row without a manager. */
static void
PinnedOrphan(const CrmRbIds *ids, int64_t customer, CrmError *err)
{
	char		id[CRM_RB_ID_TEXT_LEN];

	crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: orphaned customer %s cannot be pinned",
				  crm_rb_id_text(ids, customer, id));
	crm_error_detail(err, "A customer without a manager must be assigned; movable = false keeps a customer with its current manager.");
}

/* Options: the name of a minimise value. */
const char *
crm_rb_minimise_name(int32_t m)
{
	return m == CRM_RB_MIN_LOAD ? "load" : "relationships";
}

/* Check options (see the header). */
int
crm_rb_options_check(const CrmRbOptions *o, bool has_cost, CrmError *err)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (!crm_check_finite(o->target, "crm.rebalance: target", err))
		return -1;
	if (o->target < 0 || o->target > CRM_RB_MAX_TARGET)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: target must be between 0 and %g, got %s",
					  CRM_RB_MAX_TARGET, FormatNumber(o->target, num));
		crm_error_hint(err, "The target is a utilisation: 1 is 100%% of capacity.");
		return -1;
	}
	if (o->minimise != CRM_RB_MIN_RELATIONSHIPS && o->minimise != CRM_RB_MIN_LOAD)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: minimise must be \"relationships\" or \"load\"");
		return -1;
	}
	if (o->max_moves < -1)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: max_moves must not be negative, got %lld",
					  (long long) o->max_moves);
		return -1;
	}
	if (o->pad != 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: invalid options (reserved bytes are not zero)");
		return -1;
	}
	if (has_cost && o->minimise == CRM_RB_MIN_LOAD)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: a move cost weighs relationships; it cannot be used with \"minimise\": \"load\"");
		crm_error_hint(err, "Leave out the move cost, or minimise relationships.");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- ids */

/* Bytes an id takes in id bytes. */
int
crm_rb_id_store_size(CrmRbIdKind kind, int len)
{
	if (kind == CRM_RB_IDS_UUID)
		return 16;
	return len + (len < 128 ? 1 : 2);
}

/* Store an id with its length prefix. */
int
crm_rb_id_store(CrmRbIdKind kind, uint8_t *dst, const uint8_t *src, int len)
{
	int			h = 0;

	if (kind != CRM_RB_IDS_UUID)
	{
		if (len < 128)
			dst[h++] = (uint8_t) len;
		else
		{
			dst[h++] = (uint8_t) (0x80 | (len >> 8));
			dst[h++] = (uint8_t) (len & 0xFF);
		}
	}
	if (len > 0)
		memcpy(dst + h, src, (size_t) len);
	return h + len;
}

/* Bytes of the zigzag varint of v: 7 bits a byte. */
static inline int
VarintSize(int64_t v)
{
	uint64_t	z = ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);

	if (z < 0x80)
		return 1;
#if defined(__GNUC__) || defined(__clang__)
	return (64 - __builtin_clzll(z) + 6) / 7;
#else
	{
		int			n = 1;

		while (z >= 0x80)
		{
			z >>= 7;
			n++;
		}
		return n;
	}
#endif
}

/* Bytes of an id in the binary form. */
static inline int64_t
IdWireSize(const CrmRbIds *ids, int64_t key)
{
	int			len;

	if (ids->kind == CRM_RB_IDS_BIGINT)
		return VarintSize(key);
	if (ids->kind == CRM_RB_IDS_UUID)
		return 16;
	(void) crm_rb_id_bytes(ids, key, &len);
	return crm_rb_id_store_size(CRM_RB_IDS_TEXT, len);
}

/* Write an id in the binary form. */
static void
WriteId(CrmWriter *w, const CrmRbIds *ids, int64_t key)
{
	if (ids->kind == CRM_RB_IDS_BIGINT)
	{
		uint64_t	z = ((uint64_t) key << 1) ^ (uint64_t) (key >> 63);

		while (z >= 0x80)
		{
			crm_wr_u8(w, (uint8_t) (z | 0x80));
			z >>= 7;
		}
		crm_wr_u8(w, (uint8_t) z);
	}
	else
	{
		int			len;
		const uint8_t *b = crm_rb_id_bytes(ids, key, &len);

		w->p += crm_rb_id_store(ids->kind, w->p, b, len);
	}
}

/*
 * Read an id of the binary form: a bigint into *key, or text and uuid
 * bytes (*bytes, *len pointing into the input).  False on error.
 */
static bool
ReadId(CrmReader *r, CrmRbIdKind kind, int64_t *key, const uint8_t **bytes, int *len)
{
	if (kind == CRM_RB_IDS_BIGINT)
	{
		uint64_t	z = 0;
		int			shift = 0;
		uint8_t		b;

		do
		{
			if (!crm_rd_u8(r, &b))
				return false;
			if (shift == 63 && (b & 0x7E))
				return crm_rd_fail(r, "an id does not fit in bigint");
			z |= (uint64_t) (b & 0x7F) << shift;
			shift += 7;
		} while ((b & 0x80) && shift < 70);
		if (b & 0x80)
			return crm_rd_fail(r, "an id does not fit in bigint");
		*key = (int64_t) (z >> 1) ^ -(int64_t) (z & 1);
		return true;
	}
	if (kind == CRM_RB_IDS_UUID)
	{
		*len = 16;
		return crm_rd_bytes(r, 16, bytes);
	}
	{
		uint8_t		h,
					l;

		if (!crm_rd_u8(r, &h))
			return false;
		if (h < 0x80)
			*len = h;
		else
		{
			if (!crm_rd_u8(r, &l))
				return false;
			*len = ((h & 0x7F) << 8) | l;
			if (*len < 128)
				return crm_rd_fail(r, "an id length in two bytes is below 128");
		}
		if (*len > CRM_RB_MAX_ID_BYTES)
			return crm_rd_fail(r, "an id of %d bytes (at most %d)", *len, CRM_RB_MAX_ID_BYTES);
		return crm_rd_bytes(r, (size_t) *len, bytes);
	}
}

/*
 * Check the id at key of ids: inside the id bytes, a length within the
 * limit, no NUL byte in a text id.  (A text id's bytes are checked to be
 * valid in the database encoding where they enter: the aggregate's text
 * argument, text input of the type.)
 */
static bool
IdValid(const CrmRbIds *ids, int64_t key)
{
	int			len;
	const uint8_t *b;

	if (ids->kind == CRM_RB_IDS_BIGINT)
		return true;
	if (key < 0 || key >= ids->nbytes)
		return false;
	if (ids->kind == CRM_RB_IDS_UUID)
		return ids->nbytes - key >= 16;
	if (ids->bytes[key] >= 0x80 && ids->nbytes - key < 2)
		return false;
	b = crm_rb_id_bytes(ids, key, &len);
	if (len > CRM_RB_MAX_ID_BYTES || (ids->bytes[key] >= 0x80 && len < 128) ||
		(b - ids->bytes) + len > ids->nbytes)
		return false;
	return memchr(b, 0, (size_t) len) == NULL;
}

/* ---------------------------------------------------------------- state */

/* The caps' error for a state. */
static void
StateTooLarge(CrmError *err)
{
	crm_error_set(err, CRM_ERR_LIMIT, "crm.rebalance: too many rows in one group");
	crm_error_detail(err, "A crm.rebalance_state holds at most %lld rows and %lld bytes, and its binary form at most %llu bytes, so that its text form stays under 1 GB.",
					 (long long) CRM_RB_MAX_ROWS, (long long) CRM_RB_MAX_STATE_BYTES,
					 (unsigned long long) CRM_WIRE_MAX_BINARY);
	crm_error_hint(err, "Split the group (GROUP BY region, segment, ...).");
}

/* A zeroed state with room for cap rows and capbytes id bytes, or the cap's error. */
CrmRbStateValue *
crm_rb_state_alloc(CrmRbIdKind kind, uint8_t sflags, int64_t cap, int64_t capbytes, CrmError *err)
{
	CrmRbStateValue *s;

	if (cap < 0 || cap > CRM_RB_MAX_ROWS || capbytes < 0 || capbytes > CRM_RB_MAX_STATE_BYTES ||
		crm_rb_state_size(cap, capbytes, sflags & CRM_RB_STATE_COSTS) > (size_t) CRM_RB_MAX_STATE_BYTES)
	{
		StateTooLarge(err);
		return NULL;
	}
	s = crm_core_alloc(crm_rb_state_size(cap, capbytes, sflags & CRM_RB_STATE_COSTS));
	s->version = CRM_RB_VERSION;
	s->idkind = (uint8_t) kind;
	s->sflags = sflags;
	s->caprows = cap;
	s->capbytes = capbytes;
	s->opts.target = 1.0;
	s->opts.max_moves = -1;
	s->opts.minimise = CRM_RB_MIN_RELATIONSHIPS;
	return s;
}

/* The capacities of a grown state (see the header). */
int
crm_rb_state_grow_caps(const CrmRbStateValue *s, int64_t need_rows, int64_t need_bytes,
					   int64_t *caprows, int64_t *capbytes, CrmError *err)
{
	int64_t		cap = s->caprows > 8 ? s->caprows : 8;
	int64_t		capb = s->capbytes;
	bool		costs = s->sflags & CRM_RB_STATE_COSTS;

	while (cap < need_rows)
		cap *= 2;
	if (cap > CRM_RB_MAX_ROWS && need_rows <= CRM_RB_MAX_ROWS)
		cap = CRM_RB_MAX_ROWS;
	if (need_bytes > 0)
	{
		if (capb < 64)
			capb = 64;
		while (capb < need_bytes)
			capb *= 2;
	}
	/* doubling past the byte cap: the largest state that holds them */
	if (crm_rb_state_size(cap, capb, costs) > (size_t) CRM_RB_MAX_STATE_BYTES &&
		crm_rb_state_size(need_rows, need_bytes, costs) <= (size_t) CRM_RB_MAX_STATE_BYTES)
	{
		int64_t		room = CRM_RB_MAX_STATE_BYTES - (int64_t) crm_rb_state_size(need_rows, need_bytes, costs);
		int64_t		per = (int64_t) sizeof(CrmRbRow) + 1 + (costs ? 8 : 0);

		/* the spare room, shared between rows and bytes as needed */
		cap = need_rows + (cap > need_rows ? (room / 2) / per : 0);
		capb = need_bytes + (capb > need_bytes ? room / 2 - 8 : 0);
		if (capb < need_bytes)
			capb = need_bytes;
	}
	if (cap < 0 || cap > CRM_RB_MAX_ROWS || capb < 0 || capb > CRM_RB_MAX_STATE_BYTES ||
		crm_rb_state_size(cap, capb, costs) > (size_t) CRM_RB_MAX_STATE_BYTES)
	{
		StateTooLarge(err);
		return -1;
	}
	*caprows = cap;
	*capbytes = capb;
	return 0;
}

/* A copy with room for need_rows rows and need_bytes id bytes. */
CrmRbStateValue *
crm_rb_state_grow(const CrmRbStateValue *s, int64_t need_rows, int64_t need_bytes, CrmError *err)
{
	int64_t		cap;
	int64_t		capb;
	bool		costs = s->sflags & CRM_RB_STATE_COSTS;
	CrmRbStateValue *t;

	if (crm_rb_state_grow_caps(s, need_rows, need_bytes, &cap, &capb, err) != 0)
		return NULL;
	t = crm_rb_state_alloc((CrmRbIdKind) s->idkind, s->sflags, cap, capb, err);
	if (t == NULL)
		return NULL;
	t->nrows = s->nrows;
	t->nbytes = s->nbytes;
	t->wirebytes = s->wirebytes;
	t->opts = s->opts;
	if (s->nrows > 0)
	{
		memcpy(t->rows, s->rows, sizeof(CrmRbRow) * (size_t) s->nrows);
		if (costs)
			memcpy(CRM_RB_STATE_COSTV(t), CRM_RB_STATE_COSTV(s), sizeof(double) * (size_t) s->nrows);
		memcpy(CRM_RB_STATE_FLAGS(t), CRM_RB_STATE_FLAGS(s), (size_t) s->nrows);
	}
	if (s->nbytes > 0)
		memcpy(CRM_RB_STATE_IDBYTES(t), CRM_RB_STATE_IDBYTES(s), (size_t) s->nbytes);
	return t;
}

/* Check one input row and normalise it; its flags, or -1. */
int
crm_rb_row_normalize(CrmRbRow *r, bool no_customer, bool no_manager, bool pinned,
					 bool no_capacity, double *cost, const CrmRbIds *ids, CrmError *err)
{
	int			f = 0;

	if (no_customer)
	{
		f |= CRM_RB_NO_CUSTOMER;
		r->customer_id = 0;
		r->load = 0;
		if (cost)
			*cost = 0;
	}
	else
	{
		if (!CheckAmount(r->load, "load", "customer", ids, r->customer_id, err))
			return -1;
		if (cost && !CheckAmount(*cost, "move_cost", "customer", ids, r->customer_id, err))
			return -1;
	}
	if (no_manager)
	{
		f |= CRM_RB_NO_MANAGER;
		r->manager_id = 0;
		r->capacity = 0;
	}
	else if (no_capacity)
	{
		f |= CRM_RB_NO_CAPACITY;
		r->capacity = 0;
	}
	else if (!CheckAmount(r->capacity, "capacity", "manager", ids, r->manager_id, err))
		return -1;
	/* movable = false means something only for a customer */
	if (pinned && !no_customer)
	{
		if (no_manager)
		{
			PinnedOrphan(ids, r->customer_id, err);
			return -1;
		}
		f |= CRM_RB_PINNED;
	}
	/* -0 becomes 0 */
	if (r->load == 0.0)
		r->load = 0.0;
	if (r->capacity == 0.0)
		r->capacity = 0.0;
	if (cost && *cost == 0.0)
		*cost = 0.0;
	return f;
}

/* Bytes of a row's binary form (inline: crm_rb_state_push runs it for every row). */
static inline int64_t
RowWireSize(const CrmRbRow *r, int f, bool costs, const CrmRbIds *ids)
{
	int64_t		n = 1;

	if (!(f & CRM_RB_NO_CUSTOMER))
		n += IdWireSize(ids, r->customer_id) + 8 + (costs ? 8 : 0);
	if (!(f & CRM_RB_NO_MANAGER))
		n += IdWireSize(ids, r->manager_id) + ((f & CRM_RB_NO_CAPACITY) ? 0 : 8);
	return n;
}

/* Bytes of a row's binary form. */
int64_t
crm_rb_row_wire_size(const CrmRbRow *r, int f, bool costs, const CrmRbIds *ids)
{
	return RowWireSize(r, f, costs, ids);
}

/* printf-style error helpers, checked by the compiler (defined below) */
static int	StateInvalid(CrmError *err, CrmErrorKind kind, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
static int	PlanInvalid(CrmError *err, CrmErrorKind kind, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Record a structural error about a state value. */
static int
StateInvalid(CrmError *err, CrmErrorKind kind, const char *fmt,...)
{
	char		msg[200];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	crm_error_set(err, kind, "invalid " STATE_TYPE " value: %s", msg);
	return -1;
}

/* The binary size of a state's fixed part (before its rows). */
static uint64_t
StateWireHead(const CrmRbStateValue *s)
{
	return 3 + ((s->sflags & CRM_RB_STATE_OPTIONS) ? 17 : 0) + 8;
}

/* Check a version-2 state's header against the bytes it really has, in O(1). */
int
crm_rb_state_check_header(const CrmRbStateValue *s, size_t size, CrmErrorKind kind,
						  CrmError *err)
{
	if (size < CRM_RB_STATE_HDRSZ)
		return StateInvalid(err, kind, "%zu bytes is too short", size);
	if (s->version != CRM_RB_VERSION)
		return StateInvalid(err, kind, "unsupported version %d", s->version);
	if (s->idkind > CRM_RB_IDS_UUID || (s->sflags & ~(CRM_RB_STATE_COSTS | CRM_RB_STATE_OPTIONS)) ||
		s->pad != 0)
		return StateInvalid(err, kind, "invalid id kind, flags or reserved bytes");
	if (s->caprows < 0 || s->caprows > CRM_RB_MAX_ROWS)
		return StateInvalid(err, kind, "capacity of %lld rows", (long long) s->caprows);
	if (s->nrows < 0 || s->nrows > s->caprows)
		return StateInvalid(err, kind, "%lld rows in a capacity of %lld",
							(long long) s->nrows, (long long) s->caprows);
	if (s->capbytes < 0 || s->capbytes > CRM_RB_MAX_STATE_BYTES || s->nbytes < 0 ||
		s->nbytes > s->capbytes || (s->idkind == CRM_RB_IDS_BIGINT && s->capbytes != 0))
		return StateInvalid(err, kind, "%lld id bytes in a capacity of %lld",
							(long long) s->nbytes, (long long) s->capbytes);
	if (s->wirebytes < 0 || (uint64_t) s->wirebytes > CRM_WIRE_MAX_BINARY)
		return StateInvalid(err, kind, "binary size %lld", (long long) s->wirebytes);
	if (size != crm_rb_state_size(s->caprows, s->capbytes, s->sflags & CRM_RB_STATE_COSTS))
		return StateInvalid(err, kind, "%zu bytes for a capacity of %lld rows and %lld id bytes",
							size, (long long) s->caprows, (long long) s->capbytes);
	return 0;
}

/* Check one row of a state (see the header). */
int
crm_rb_row_check(const CrmRbRow *r, int f, const double *cost, const CrmRbIds *ids, int64_t i,
				 CrmErrorKind kind, CrmError *err)
{
	CrmRbRow	n = *r;
	double		c = cost ? *cost : 0;
	int			nf;

	if (!FlagsValid(f))
		return StateInvalid(err, kind, "row %lld has invalid flags 0x%02x", (long long) i + 1, f);
	if (ids->kind != CRM_RB_IDS_BIGINT &&
		((!(f & CRM_RB_NO_CUSTOMER) && !IdValid(ids, r->customer_id)) ||
		 (!(f & CRM_RB_NO_MANAGER) && !IdValid(ids, r->manager_id))))
		return StateInvalid(err, kind, "row %lld has an id outside the id bytes", (long long) i + 1);
	nf = crm_rb_row_normalize(&n, f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER,
							  f & CRM_RB_PINNED, f & CRM_RB_NO_CAPACITY, cost ? &c : NULL, ids, err);
	if (nf < 0)
		return -1;
	if (nf != f || memcmp(&n, r, sizeof(n)) != 0 || (cost && memcmp(&c, cost, sizeof(c)) != 0))
		return StateInvalid(err, kind, "row %lld is not in normal form", (long long) i + 1);
	return 0;
}

/* Check rows [from, nrows) of a state whose header passed. */
int
crm_rb_state_check_rows(const CrmRbStateValue *s, int64_t from, CrmErrorKind kind, CrmError *err)
{
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	const double *costs = (s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(s) : NULL;
	CrmRbIds	ids = crm_rb_state_ids(s);
	int64_t		wire = 0;
	int64_t		i;

	if (from == 0 && (s->sflags & CRM_RB_STATE_OPTIONS) &&
		crm_rb_options_check(&s->opts, costs != NULL, err) != 0)
		return -1;
	for (i = from; i < s->nrows; i++)
	{
		if (crm_rb_row_check(&s->rows[i], flags[i], costs ? &costs[i] : NULL, &ids, i, kind, err) != 0)
			return -1;
		if (from == 0)
			wire += crm_rb_row_wire_size(&s->rows[i], flags[i], costs != NULL, &ids);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (from == 0 && wire != s->wirebytes)
		return StateInvalid(err, kind, "binary size %lld, but its rows take %lld",
							(long long) s->wirebytes, (long long) wire);
	return 0;
}

/* Append a row (see the header). */
int
crm_rb_state_push(CrmRbStateValue **sp, const CrmRbRow *r, uint8_t f, double cost,
				  const uint8_t *cbytes, int clen, const uint8_t *mbytes, int mlen,
				  CrmError *err)
{
	CrmRbStateValue *s = *sp;
	CrmRbIdKind kind = (CrmRbIdKind) s->idkind;
	int64_t		need = 0;
	CrmRbRow	row = *r;
	CrmRbIds	ids;
	int64_t		wire;

	if (kind != CRM_RB_IDS_BIGINT)
	{
		if (!(f & CRM_RB_NO_CUSTOMER))
			need += crm_rb_id_store_size(kind, clen);
		if (!(f & CRM_RB_NO_MANAGER))
			need += crm_rb_id_store_size(kind, mlen);
	}
	if (s->nrows == s->caprows || s->capbytes - s->nbytes < need)
	{
		CrmRbStateValue *t = crm_rb_state_grow(s, s->nrows + 1, s->nbytes + need, err);

		if (t == NULL)
			return -1;
		crm_core_free(s);
		*sp = s = t;
	}
	if (kind != CRM_RB_IDS_BIGINT)
	{
		uint8_t    *b = CRM_RB_STATE_IDBYTES(s);

		if (!(f & CRM_RB_NO_CUSTOMER))
		{
			row.customer_id = s->nbytes;
			s->nbytes += crm_rb_id_store(kind, b + s->nbytes, cbytes, clen);
		}
		if (!(f & CRM_RB_NO_MANAGER))
		{
			row.manager_id = s->nbytes;
			s->nbytes += crm_rb_id_store(kind, b + s->nbytes, mbytes, mlen);
		}
	}
	ids = crm_rb_state_ids(s);
	wire = RowWireSize(&row, f, s->sflags & CRM_RB_STATE_COSTS, &ids);
	if ((uint64_t) (s->wirebytes + wire) + StateWireHead(s) > CRM_WIRE_MAX_BINARY)
	{
		StateTooLarge(err);
		return -1;
	}
	s->wirebytes += wire;
	s->rows[s->nrows] = row;
	if (s->sflags & CRM_RB_STATE_COSTS)
		CRM_RB_STATE_COSTV(s)[s->nrows] = cost;
	CRM_RB_STATE_FLAGS(s)[s->nrows] = f;
	s->nrows++;
	return 0;
}

/* A version-1 state, checked as 0.1.0 did, as a version-2 state. */
CrmRbStateValue *
crm_rb_state_upgrade(const void *raw, size_t size, CrmErrorKind kind, CrmError *err)
{
	const V1State *v = raw;
	const uint8_t *flags;
	CrmRbStateValue *s;
	CrmRbIds	ids = {CRM_RB_IDS_BIGINT, NULL, 0};
	int64_t		i;

	if (size < V1_STATE_HDRSZ || v->version != CRM_RB_VERSION_1 ||
		v->pad[0] != 0 || v->pad[1] != 0 || v->pad[2] != 0 ||
		v->caprows < 0 || v->caprows > CRM_RB_MAX_ROWS || v->nrows < 0 || v->nrows > v->caprows ||
		size != ((V1_STATE_HDRSZ + (size_t) v->caprows * (sizeof(CrmRbRow) + 1) + 7) & ~(size_t) 7))
	{
		StateInvalid(err, kind, "a version-1 value of %zu bytes with an invalid header", size);
		return NULL;
	}
	flags = (const uint8_t *) (v->rows + v->caprows);
	s = crm_rb_state_alloc(CRM_RB_IDS_BIGINT, 0, v->nrows > 0 ? v->nrows : 1, 0, err);
	if (s == NULL)
		return NULL;
	for (i = 0; i < v->nrows; i++)
	{
		/* 0.1.0's rows: no capacity flag */
		if ((flags[i] & CRM_RB_NO_CAPACITY) ||
			crm_rb_row_check(&v->rows[i], flags[i], NULL, &ids, i, kind, err) != 0)
		{
			if (err->kind == CRM_OK)
				StateInvalid(err, kind, "row %lld has invalid flags 0x%02x", (long long) i + 1, flags[i]);
			crm_core_free(s);
			return NULL;
		}
		s->rows[i] = v->rows[i];
		CRM_RB_STATE_FLAGS(s)[i] = flags[i];
		s->wirebytes += crm_rb_row_wire_size(&v->rows[i], flags[i], false, &ids);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	s->nrows = v->nrows;
	return s;
}

/* Bytes of a state's binary form. */
uint64_t
crm_rb_state_wire_size(const CrmRbStateValue *s, bool legacy)
{
	if (legacy)
		return 9 + (uint64_t) s->nrows * 33;
	return StateWireHead(s) + (uint64_t) s->wirebytes;
}

/* Write the options of the binary forms. */
static void
WriteOptions(CrmWriter *w, const CrmRbOptions *o)
{
	crm_wr_f64(w, o->target);
	crm_wr_u64(w, (uint64_t) o->max_moves);
	crm_wr_u8(w, (uint8_t) o->minimise);
}

/* Read the options of the binary forms (checked). */
static bool
ReadOptions(CrmReader *r, CrmRbOptions *o, bool has_cost)
{
	uint8_t		m;

	memset(o, 0, sizeof(*o));
	if (!crm_rd_f64(r, &o->target) || !crm_rd_i64(r, &o->max_moves) || !crm_rd_u8(r, &m))
		return false;
	o->minimise = m;
	return crm_rb_options_check(o, has_cost, r->err) == 0;
}

/* Write a state's binary form. */
void
crm_rb_state_encode(const CrmRbStateValue *s, bool legacy, uint8_t *out)
{
	CrmWriter	w;
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	const double *costs = (s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(s) : NULL;
	CrmRbIds	ids = crm_rb_state_ids(s);
	int64_t		i;

	crm_wr_init(&w, out, crm_rb_state_wire_size(s, legacy));
	if (legacy)
	{
		crm_wr_u8(&w, CRM_RB_VERSION_1);
		crm_wr_u64(&w, (uint64_t) s->nrows);
		for (i = 0; i < s->nrows; i++)
		{
			crm_wr_u8(&w, flags[i]);
			crm_wr_u64(&w, (uint64_t) s->rows[i].customer_id);
			crm_wr_u64(&w, (uint64_t) s->rows[i].manager_id);
			crm_wr_f64(&w, s->rows[i].load);
			crm_wr_f64(&w, s->rows[i].capacity);
			if ((i & CHECK_EVERY) == CHECK_EVERY)
				crm_check_interrupts();
		}
		return;
	}
	crm_wr_u8(&w, CRM_RB_VERSION);
	crm_wr_u8(&w, s->idkind);
	crm_wr_u8(&w, s->sflags);
	if (s->sflags & CRM_RB_STATE_OPTIONS)
		WriteOptions(&w, &s->opts);
	crm_wr_u64(&w, (uint64_t) s->nrows);
	for (i = 0; i < s->nrows; i++)
	{
		const CrmRbRow *r = &s->rows[i];
		uint8_t		f = flags[i];

		crm_wr_u8(&w, f);
		if (!(f & CRM_RB_NO_CUSTOMER))
			WriteId(&w, &ids, r->customer_id);
		if (!(f & CRM_RB_NO_MANAGER))
			WriteId(&w, &ids, r->manager_id);
		if (!(f & CRM_RB_NO_CUSTOMER))
			crm_wr_f64(&w, r->load);
		if (!(f & (CRM_RB_NO_MANAGER | CRM_RB_NO_CAPACITY)))
			crm_wr_f64(&w, r->capacity);
		if (costs && !(f & CRM_RB_NO_CUSTOMER))
			crm_wr_f64(&w, costs[i]);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
}

/* Read version 1's binary rows into a new state. */
static CrmRbStateValue *
DecodeV1(CrmReader *r, CrmError *err)
{
	int64_t		n;
	int64_t		i;
	CrmRbStateValue *s;
	CrmRbIds	ids = {CRM_RB_IDS_BIGINT, NULL, 0};

	if (!crm_rd_i64(r, &n))
		return NULL;
	if (n < 0)
	{
		crm_rd_fail(r, "row count %lld", (long long) n);
		return NULL;
	}
	if (!crm_rd_need(r, (uint64_t) n, 33))
		return NULL;
	s = crm_rb_state_alloc(CRM_RB_IDS_BIGINT, 0, n > 0 ? n : 1, 0, err);
	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		CrmRbRow	row;
		uint8_t		f;
		int			nf;

		crm_rd_u8(r, &f);
		crm_rd_i64(r, &row.customer_id);
		crm_rd_i64(r, &row.manager_id);
		crm_rd_f64(r, &row.load);
		crm_rd_f64(r, &row.capacity);
		if (!FlagsValid(f) || (f & CRM_RB_NO_CAPACITY))
		{
			crm_rd_fail(r, "row %lld has invalid flags 0x%02x", (long long) i + 1, f);
			crm_core_free(s);
			return NULL;
		}
		nf = crm_rb_row_normalize(&row, f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER,
								  f & CRM_RB_PINNED, false, NULL, &ids, err);
		if (nf < 0)
		{
			crm_core_free(s);
			return NULL;
		}
		s->rows[i] = row;
		CRM_RB_STATE_FLAGS(s)[i] = (uint8_t) nf;
		s->wirebytes += crm_rb_row_wire_size(&row, nf, false, &ids);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	s->nrows = n;
	return s;
}

/*
 * Row i (0-based) of a version-2 state's binary form, read from r, checked
 * (flags, ids, numbers: the state's own row rules) and appended to *sp.
 * False with the error.
 */
static bool
DecodeStateRow(CrmReader *r, CrmRbStateValue **sp, int64_t i, uint8_t idkind, uint8_t sflags,
			   CrmError *err)
{
	CrmRbRow	row = {0, 0, 0, 0};
	uint8_t		f;
	double		cost = 0;
	const uint8_t *cb = NULL,
			   *mb = NULL;
	int			cl = 0,
				ml = 0;
	int			nf;
	CrmRbIds	ids = crm_rb_state_ids(*sp);

	if (!crm_rd_u8(r, &f))
		return false;
	if (!FlagsValid(f))
	{
		crm_rd_fail(r, "row %lld has invalid flags 0x%02x", (long long) i + 1, f);
		return false;
	}
	if (!(f & CRM_RB_NO_CUSTOMER) && !ReadId(r, (CrmRbIdKind) idkind, &row.customer_id, &cb, &cl))
		return false;
	if (!(f & CRM_RB_NO_MANAGER) && !ReadId(r, (CrmRbIdKind) idkind, &row.manager_id, &mb, &ml))
		return false;
	if (!(f & CRM_RB_NO_CUSTOMER) && !crm_rd_f64(r, &row.load))
		return false;
	if (!(f & (CRM_RB_NO_MANAGER | CRM_RB_NO_CAPACITY)) && !crm_rd_f64(r, &row.capacity))
		return false;
	if ((sflags & CRM_RB_STATE_COSTS) && !(f & CRM_RB_NO_CUSTOMER) && !crm_rd_f64(r, &cost))
		return false;
	if (idkind == CRM_RB_IDS_TEXT && ((cb && memchr(cb, 0, (size_t) cl)) || (mb && memchr(mb, 0, (size_t) ml))))
	{
		crm_rd_fail(r, "row %lld has an id with a zero byte", (long long) i + 1);
		return false;
	}
	/* numbers: the messages name the ids, which are not stored yet for text */
	if (idkind != CRM_RB_IDS_BIGINT)
	{
		CrmRbIds	tmp;
		uint8_t		buf[2 * (CRM_RB_MAX_ID_BYTES + 2)];
		int			o = 0;

		tmp.kind = (CrmRbIdKind) idkind;
		tmp.bytes = buf;
		if (cb)
		{
			row.customer_id = 0;
			o += crm_rb_id_store((CrmRbIdKind) idkind, buf, cb, cl);
		}
		if (mb)
		{
			row.manager_id = o;
			o += crm_rb_id_store((CrmRbIdKind) idkind, buf + o, mb, ml);
		}
		tmp.nbytes = o;
		nf = crm_rb_row_normalize(&row, f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER,
								  f & CRM_RB_PINNED, f & CRM_RB_NO_CAPACITY,
								  (sflags & CRM_RB_STATE_COSTS) ? &cost : NULL, &tmp, err);
	}
	else
		nf = crm_rb_row_normalize(&row, f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER,
								  f & CRM_RB_PINNED, f & CRM_RB_NO_CAPACITY,
								  (sflags & CRM_RB_STATE_COSTS) ? &cost : NULL, &ids, err);
	return nf >= 0 && crm_rb_state_push(sp, &row, (uint8_t) nf, cost, cb, cl, mb, ml, err) == 0;
}

/* Read a state's binary form (recv, or compact text), version 1 or 2. */
CrmRbStateValue *
crm_rb_state_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	uint8_t		version,
				idkind,
				sflags;
	CrmRbOptions opts;
	int64_t		n;
	int64_t		i;
	CrmRbStateValue *s;

	crm_rd_init(&r, buf, len, kind, STATE_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version == CRM_RB_VERSION_1)
	{
		s = DecodeV1(&r, err);
		if (s != NULL && !crm_rd_end(&r))
		{
			crm_core_free(s);
			return NULL;
		}
		return s;
	}
	if (version != CRM_RB_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if (!crm_rd_u8(&r, &idkind) || !crm_rd_u8(&r, &sflags))
		return NULL;
	if (idkind > CRM_RB_IDS_UUID || (sflags & ~(CRM_RB_STATE_COSTS | CRM_RB_STATE_OPTIONS)))
	{
		crm_rd_fail(&r, "id kind %d, flags 0x%02x", idkind, sflags);
		return NULL;
	}
	if ((sflags & CRM_RB_STATE_OPTIONS) && !ReadOptions(&r, &opts, sflags & CRM_RB_STATE_COSTS))
		return NULL;
	if (!crm_rd_i64(&r, &n))
		return NULL;
	if (n < 0)
	{
		crm_rd_fail(&r, "row count %lld", (long long) n);
		return NULL;
	}
	/* every row takes at least 10 bytes (flags and a load, or an id and a capacity) */
	if (!crm_rd_need(&r, (uint64_t) n, 2))
		return NULL;
	s = crm_rb_state_alloc((CrmRbIdKind) idkind, sflags, n > 0 ? n : 1,
						   idkind == CRM_RB_IDS_BIGINT ? 0 : (int64_t) len, err);
	if (s == NULL)
		return NULL;
	if (sflags & CRM_RB_STATE_OPTIONS)
		s->opts = opts;
	for (i = 0; i < n; i++)
	{
		if (!DecodeStateRow(&r, &s, i, idkind, sflags, err))
			goto fail;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!crm_rd_end(&r))
		goto fail;
	return s;
fail:
	crm_core_free(s);
	return NULL;
}

/*
 * Additions to the pull reader of json_core.h that the rebalance forms
 * need: exact 64-bit integers (ids are bigint; a double is exact only to
 * 2^53), null, and an error in the reader's style.
 */

/* Skip JSON white space. */
static void
JsonSpace(CrmJson *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

/* Record "expected ..." at the reader's position (the reader's wording). */
static bool
JsonFail(CrmJson *j, const char *expected)
{
	char		near[24];
	size_t		n = strnlen(j->p, sizeof(near) - 1);

	memcpy(near, j->p, n);
	near[n] = '\0';
	crm_error_set(j->err, CRM_ERR_SYNTAX, "invalid input syntax for type %s", j->what);
	if (n == 0)
		crm_error_detail(j->err, "Expected %s at offset %ld, found the end of the input.",
						 expected, (long) (j->p - j->start));
	else
		crm_error_detail(j->err, "Expected %s at offset %ld, near \"%s\".",
						 expected, (long) (j->p - j->start), near);
	return false;
}

/* true (and consumed) when the next token is null */
static bool
JsonNull(CrmJson *j)
{
	if (crm_json_failed(j))
		return false;
	JsonSpace(j);
	if (strncmp(j->p, "null", 4) != 0)
		return false;
	j->p += 4;
	return true;
}

/* A JSON integer in the range of int64, read exactly. */
static bool
JsonInt64(CrmJson *j, const char *what, int64_t *out)
{
	const char *q;
	uint64_t	v = 0;
	uint64_t	limit;
	bool		neg;

	if (crm_json_failed(j))
		return false;
	JsonSpace(j);
	q = j->p;
	neg = (*q == '-');
	if (neg)
		q++;
	limit = neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
	if (!(*q >= '0' && *q <= '9') || (*q == '0' && q[1] >= '0' && q[1] <= '9'))
		return JsonFail(j, what);
	while (*q >= '0' && *q <= '9')
	{
		uint64_t	digit = (uint64_t) (*q - '0');

		if (v > (limit - digit) / 10)
			return JsonFail(j, what);
		v = v * 10 + digit;
		q++;
	}
	if (*q == '.' || *q == 'e' || *q == 'E')
		return JsonFail(j, what);
	j->p = q;
	*out = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

/* Append a JSON integer (an id or a count, exactly). */
static void
WriteInt(CrmOut *o, int64_t v)
{
	crm_json_write_int(o, (long long) v);
}


/* Append an id as JSON: a number, or a string (\" and \\ escaped; a uuid in its canonical form). */
static void
WriteIdJson(CrmOut *o, const CrmRbIds *ids, int64_t key)
{
	int			len,
				i;
	const uint8_t *b;

	if (ids->kind == CRM_RB_IDS_BIGINT)
	{
		WriteInt(o, key);
		return;
	}
	if (ids->kind == CRM_RB_IDS_UUID)
	{
		char		buf[CRM_RB_ID_TEXT_LEN];

		crm_out_str(o, "\"");
		crm_out_str(o, crm_rb_id_text(ids, key, buf));
		crm_out_str(o, "\"");
		return;
	}
	b = crm_rb_id_bytes(ids, key, &len);
	crm_out_str(o, "\"");
	for (i = 0; i < len; i++)
	{
		if (b[i] == '"' || b[i] == '\\')
			crm_out_bytes(o, "\\", 1);
		crm_out_bytes(o, (const char *) &b[i], 1);
	}
	crm_out_str(o, "\"");
}

/* The value of a hex digit, or -1. */
static int
HexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * An id of the JSON forms: a bigint into *key, or the bytes of a text id
 * (a string: \" and \\ the only escapes) or a uuid (a string, 32 hex
 * digits with the hyphens of the canonical form) into buf (*len bytes).
 */
static bool
JsonId(CrmJson *j, CrmRbIdKind kind, const char *what, int64_t *key, uint8_t *buf, int *len)
{
	int			n = 0;

	if (kind == CRM_RB_IDS_BIGINT)
		return JsonInt64(j, what, key);
	if (crm_json_failed(j))
		return false;
	JsonSpace(j);
	if (*j->p != '"')
		return JsonFail(j, what);
	j->p++;
	while (*j->p != '"')
	{
		char		c = *j->p;

		if (c == '\0')
			return JsonFail(j, "a closing quote");
		if (c == '\\')
		{
			c = j->p[1];
			if (c != '"' && c != '\\')
				return JsonFail(j, "\\\" or \\\\ (no other escapes in an id)");
			j->p++;
		}
		if (n >= CRM_RB_MAX_ID_BYTES)
		{
			crm_error_set(j->err, CRM_ERR_LIMIT, "crm.rebalance: an id is longer than %d bytes",
						  CRM_RB_MAX_ID_BYTES);
			return false;
		}
		buf[n++] = (uint8_t) c;
		j->p++;
	}
	j->p++;
	if (kind == CRM_RB_IDS_UUID)
	{
		uint8_t		u[16];
		int			i,
					d = 0;

		if (n != 36)
			return JsonFail(j, "a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
		for (i = 0; i < 36; i++)
		{
			int			h;

			if (i == 8 || i == 13 || i == 18 || i == 23)
			{
				if (buf[i] != '-')
					return JsonFail(j, "a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
				continue;
			}
			h = HexValue((char) buf[i]);
			if (h < 0)
				return JsonFail(j, "a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
			if (d % 2 == 0)
				u[d / 2] = (uint8_t) (h << 4);
			else
				u[d / 2] |= (uint8_t) h;
			d++;
		}
		memcpy(buf, u, 16);
		n = 16;
	}
	*len = n;
	return true;
}

/* {"target": x, "minimise": "...", "max_moves": n | null} */
static void
WriteOptionsJson(CrmOut *o, const CrmRbOptions *opts)
{
	crm_out_str(o, "{\"target\": ");
	crm_json_write_double(o, opts->target);
	crm_out_str(o, ", \"minimise\": \"");
	crm_out_str(o, crm_rb_minimise_name(opts->minimise));
	crm_out_str(o, "\", \"max_moves\": ");
	if (opts->max_moves < 0)
		crm_out_str(o, "null");
	else
		WriteInt(o, opts->max_moves);
	crm_out_str(o, "}");
}

/* Read the options object of the JSON forms (all three keys, in that order). */
static bool
JsonOptions(CrmJson *j, CrmRbOptions *opts, bool has_cost)
{
	char		m[32];

	memset(opts, 0, sizeof(*opts));
	if (!crm_json_expect(j, '{') || !crm_json_key(j, "target") || !crm_json_number(j, &opts->target) ||
		!crm_json_expect(j, ',') || !crm_json_key(j, "minimise") || !crm_json_string(j, m, sizeof(m)) ||
		!crm_json_expect(j, ',') || !crm_json_key(j, "max_moves"))
		return false;
	if (strcmp(m, "relationships") == 0)
		opts->minimise = CRM_RB_MIN_RELATIONSHIPS;
	else if (strcmp(m, "load") == 0)
		opts->minimise = CRM_RB_MIN_LOAD;
	else
		return JsonFail(j, "\"relationships\" or \"load\"");
	if (JsonNull(j))
		opts->max_moves = -1;
	else if (!JsonInt64(j, "an integer or null", &opts->max_moves))
		return false;
	if (!crm_json_expect(j, '}'))
		return false;
	return crm_rb_options_check(opts, has_cost, j->err) == 0;
}

/*
 * The JSON form: {["ids": "text" | "uuid",] ["options": {...},] ["costs":
 * true,] "rows": [[customer, manager, load, capacity, movable(, cost)],
 * ...]}; crm 0.1.0's form is the one with none of the optional keys.
 */
static char *
StateJson(const CrmRbStateValue *s)
{
	CrmOut		o = {NULL, 0, 0};
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	const double *costs = (s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(s) : NULL;
	CrmRbIds	ids = crm_rb_state_ids(s);
	int64_t		i;

	crm_out_str(&o, "{");
	if (s->idkind != CRM_RB_IDS_BIGINT)
	{
		crm_out_str(&o, "\"ids\": \"");
		crm_out_str(&o, kind_names[s->idkind]);
		crm_out_str(&o, "\", ");
	}
	if (s->sflags & CRM_RB_STATE_OPTIONS)
	{
		crm_out_str(&o, "\"options\": ");
		WriteOptionsJson(&o, &s->opts);
		crm_out_str(&o, ", ");
	}
	if (costs)
		crm_out_str(&o, "\"costs\": true, ");
	crm_out_str(&o, "\"rows\": [");
	for (i = 0; i < s->nrows; i++)
	{
		const CrmRbRow *r = &s->rows[i];
		uint8_t		f = flags[i];

		crm_out_str(&o, i ? ", [" : "[");
		if (f & CRM_RB_NO_CUSTOMER)
			crm_out_str(&o, "null");
		else
			WriteIdJson(&o, &ids, r->customer_id);
		crm_out_str(&o, ", ");
		if (f & CRM_RB_NO_MANAGER)
			crm_out_str(&o, "null");
		else
			WriteIdJson(&o, &ids, r->manager_id);
		crm_out_str(&o, ", ");
		if (f & CRM_RB_NO_CUSTOMER)
			crm_out_str(&o, "null");
		else
			crm_json_write_double(&o, r->load);
		crm_out_str(&o, ", ");
		if (f & (CRM_RB_NO_MANAGER | CRM_RB_NO_CAPACITY))
			crm_out_str(&o, "null");
		else
			crm_json_write_double(&o, r->capacity);
		crm_out_str(&o, (f & CRM_RB_PINNED) ? ", false" : ", true");
		if (costs)
		{
			crm_out_str(&o, ", ");
			if (f & CRM_RB_NO_CUSTOMER)
				crm_out_str(&o, "null");
			else
				crm_json_write_double(&o, costs[i]);
		}
		crm_out_str(&o, "]");
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	crm_out_str(&o, "]}");
	return o.data;
}

/* A load, capacity or cost: null when absent (then *out stays 0), else a number. */
static bool
JsonAmount(CrmJson *j, bool absent, const char *expected_null, double *out)
{
	if (!absent)
		return crm_json_number(j, out);
	if (JsonNull(j))
		return true;
	return crm_json_failed(j) ? false : JsonFail(j, expected_null);
}

/*
 * One row [customer | null, manager | null, load | null, capacity | null,
 * movable(, cost | null)]: a null customer has a null load (and cost), a
 * null manager a null capacity; a manager may have a null capacity.
 * Appends it to *sp.
 */
static bool
JsonRow(CrmJson *j, CrmRbStateValue **sp)
{
	CrmRbIdKind kind = (CrmRbIdKind) (*sp)->idkind;
	bool		costs = (*sp)->sflags & CRM_RB_STATE_COSTS;
	CrmRbRow	r;
	bool		nc,
				nm,
				ncap = false,
				movable;
	double		cost = 0;
	uint8_t		cb[CRM_RB_MAX_ID_BYTES + 2];
	uint8_t		mb[CRM_RB_MAX_ID_BYTES + 2];
	uint8_t		both[2 * (CRM_RB_MAX_ID_BYTES + 2)];
	int			cl = 0,
				ml = 0,
				f;
	CrmRbIds	tmp;

	memset(&r, 0, sizeof(r));
	if (!crm_json_expect(j, '['))
		return false;
	nc = JsonNull(j);
	if (!nc && !JsonId(j, kind, "a customer id or null", &r.customer_id, cb, &cl))
		return false;
	if (!crm_json_expect(j, ','))
		return false;
	nm = JsonNull(j);
	if (!nm && !JsonId(j, kind, "a manager id or null", &r.manager_id, mb, &ml))
		return false;
	if (nc && nm)
		return JsonFail(j, "a row with a customer or a manager");
	if (!crm_json_expect(j, ',') || !JsonAmount(j, nc, "null (the load of no customer)", &r.load) ||
		!crm_json_expect(j, ','))
		return false;
	if (!nm && JsonNull(j))
		ncap = true;
	else if (!JsonAmount(j, nm, "null (the capacity of no manager)", &r.capacity))
		return false;
	if (!crm_json_expect(j, ',') || !crm_json_bool(j, &movable))
		return false;
	if (costs && (!crm_json_expect(j, ',') || !JsonAmount(j, nc, "null (the move cost of no customer)", &cost)))
		return false;
	if (!crm_json_accept(j, ']'))
		return JsonFail(j, costs ? "\"]\" after the six fields of a row" : "\"]\" after the five fields of a row");
	/* the ids for the messages of the row check */
	tmp.kind = kind;
	tmp.bytes = both;
	tmp.nbytes = 0;
	if (kind != CRM_RB_IDS_BIGINT)
	{
		if (!nc)
		{
			r.customer_id = 0;
			tmp.nbytes += crm_rb_id_store(kind, both, cb, cl);
		}
		if (!nm)
		{
			r.manager_id = tmp.nbytes;
			tmp.nbytes += crm_rb_id_store(kind, both + tmp.nbytes, mb, ml);
		}
	}
	f = crm_rb_row_normalize(&r, nc, nm, !movable, ncap, costs ? &cost : NULL, &tmp, j->err);
	if (f < 0)
		return false;
	return crm_rb_state_push(sp, &r, (uint8_t) f, cost, cb, cl, mb, ml, j->err) == 0;
}

/* Read the JSON form of a state. */
static CrmRbStateValue *
StateFromJson(const char *text, CrmError *err)
{
	CrmJson		j;
	CrmRbIdKind kind = CRM_RB_IDS_BIGINT;
	uint8_t		sflags = 0;
	CrmRbOptions opts;
	CrmRbStateValue *s = NULL;
	const char *save;

	crm_json_init(&j, text, err, STATE_TYPE);
	if (!crm_json_expect(&j, '{'))
		return NULL;
	JsonSpace(&j);
	if (strncmp(j.p, "\"ids\"", 5) == 0)
	{
		char		k[16];

		if (!crm_json_key(&j, "ids") || !crm_json_string(&j, k, sizeof(k)) || !crm_json_expect(&j, ','))
			return NULL;
		if (strcmp(k, "text") == 0)
			kind = CRM_RB_IDS_TEXT;
		else if (strcmp(k, "uuid") == 0)
			kind = CRM_RB_IDS_UUID;
		else
		{
			JsonFail(&j, "\"text\" or \"uuid\" for \"ids\"");
			return NULL;
		}
		JsonSpace(&j);
	}
	save = j.p;
	if (strncmp(j.p, "\"options\"", 9) == 0)
	{
		/* read after the costs, which the options check needs */
		const char *q = j.p;
		int			depth = 0;

		while (*q && !(*q == '}' && depth == 1))
		{
			if (*q == '{')
				depth++;
			else if (*q == '}')
				depth--;
			q++;
		}
		j.p = *q ? q + 1 : q;
		if (!crm_json_expect(&j, ','))
			return NULL;
		sflags |= CRM_RB_STATE_OPTIONS;
		JsonSpace(&j);
	}
	if (strncmp(j.p, "\"costs\"", 7) == 0)
	{
		bool		b;

		if (!crm_json_key(&j, "costs") || !crm_json_bool(&j, &b) || !crm_json_expect(&j, ','))
			return NULL;
		if (!b)
		{
			JsonFail(&j, "\"costs\": true (leave the key out for rows without costs)");
			return NULL;
		}
		sflags |= CRM_RB_STATE_COSTS;
	}
	if (sflags & CRM_RB_STATE_OPTIONS)
	{
		const char *after = j.p;

		j.p = save;
		if (!crm_json_key(&j, "options") || !JsonOptions(&j, &opts, sflags & CRM_RB_STATE_COSTS) ||
			!crm_json_expect(&j, ','))
			return NULL;
		j.p = after;
	}
	s = crm_rb_state_alloc(kind, sflags, 8, kind == CRM_RB_IDS_BIGINT ? 0 : 256, err);
	if (s == NULL)
		return NULL;
	if (sflags & CRM_RB_STATE_OPTIONS)
		s->opts = opts;
	if (!crm_json_key(&j, "rows") || !crm_json_expect(&j, '['))
		goto fail;
	if (!crm_json_accept(&j, ']'))
	{
		do
		{
			if (!JsonRow(&j, &s))
				goto fail;
			if ((s->nrows & CHECK_EVERY) == 0)
				crm_check_interrupts();
		} while (crm_json_accept(&j, ','));
		if (!crm_json_expect(&j, ']'))
			goto fail;
	}
	if (!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto fail;
	return s;

fail:
	crm_core_free(s);
	return NULL;
}

/* A state's text form: JSON when small, compact beyond. */
char *
crm_rb_state_print(const CrmRbStateValue *s, bool legacy)
{
	uint64_t	n = crm_rb_state_wire_size(s, legacy);
	uint8_t    *bin;
	char	   *text;

	if (n <= CRM_WIRE_READABLE_MAX)
		return StateJson(s);
	bin = crm_core_alloc((size_t) n);
	crm_rb_state_encode(s, legacy, bin);
	text = crm_wire_to_text(bin, (size_t) n);
	crm_core_free(bin);
	return text;
}

/* Read a state's text form, JSON or compact. */
CrmRbStateValue *
crm_rb_state_parse(const char *text, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmRbStateValue *s;

	if (!crm_wire_is_compact(text))
		return StateFromJson(text, err);
	bin = crm_wire_from_text(text, &n, STATE_TYPE, err);
	if (bin == NULL)
		return NULL;
	s = crm_rb_state_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}

/* ----------------------------------------------------------------- plan */

/* The error for a plan beyond the cap; -1. */
static int
PlanTooLarge(CrmError *err)
{
	crm_error_set(err, CRM_ERR_LIMIT, "crm.rebalance: the plan is too large");
	crm_error_detail(err, "A rebalancing plan's binary form holds at most %llu bytes, so that its text form stays under 1 GB.",
					 (unsigned long long) CRM_WIRE_MAX_BINARY);
	crm_error_hint(err, "Split the group (GROUP BY region, segment, ...).");
	return -1;
}

/* Size of a plan value with these counts. */
static size_t
PlanSize(int64_t nmanagers, int64_t nentries, int64_t nbytes)
{
	return CRM_RB_PLAN_HDRSZ + sizeof(CrmRbManager) * (size_t) nmanagers +
		sizeof(CrmRbMove) * (size_t) nentries + (size_t) nbytes;
}

/* A zeroed plan of these counts, or the cap's error. */
CrmRbPlanValue *
crm_rb_plan_alloc(CrmRbIdKind kind, uint8_t pflags, int64_t nmanagers, int64_t nentries,
				  int64_t nbytes, size_t *size, CrmError *err)
{
	CrmRbPlanValue *p;

	/* the binary form takes at least 34 bytes a manager and 17 a move */
	if (nmanagers < 0 || nentries < 0 || nbytes < 0 || nmanagers > INT32_MAX ||
		(uint64_t) nmanagers > CRM_WIRE_MAX_BINARY / 34 || (uint64_t) nentries > CRM_WIRE_MAX_BINARY / 17 ||
		(uint64_t) nbytes > CRM_WIRE_MAX_BINARY ||
		PlanSize(nmanagers, nentries, nbytes) > (size_t) CRM_RB_MAX_STATE_BYTES)
	{
		PlanTooLarge(err);
		return NULL;
	}
	*size = PlanSize(nmanagers, nentries, nbytes);
	p = crm_core_alloc(*size);
	p->version = CRM_RB_VERSION;
	p->idkind = (uint8_t) kind;
	p->pflags = pflags;
	p->nmanagers = (int32_t) nmanagers;
	p->nentries = nentries;
	p->nbytes = nbytes;
	return p;
}

/* Record an inconsistency of a plan value; the detail says which. */
static int
PlanInvalid(CrmError *err, CrmErrorKind kind, const char *fmt,...)
{
	char		msg[200];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	crm_error_set(err, kind, "invalid " PLAN_TYPE " value");
	crm_error_detail(err, "%s", msg);
	return -1;
}

/* A number of a plan: finite (CRM_ERR_INVALID), then not negative (kind). */
static int
PlanNumber(double v, const char *field, const char *owner, const CrmRbIds *ids, int64_t key,
		   CrmErrorKind kind, CrmError *err)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		id[CRM_RB_ID_TEXT_LEN];
	char		name[CRM_RB_ID_TEXT_LEN + 40];
	char		subject[CRM_RB_ID_TEXT_LEN + 80];

	if (isfinite(v) && v >= 0)
		return 0;				/* the common case: no message to build */
	if (owner == NULL)
		snprintf(name, sizeof(name), "%s", field);
	else
		snprintf(name, sizeof(name), "%s of %s %s", field, owner, crm_rb_id_text(ids, key, id));
	snprintf(subject, sizeof(subject), PLAN_TYPE ": %s", name);
	if (!crm_check_finite(v, subject, err))
		return -1;
	if (v < 0)
		return PlanInvalid(err, kind, "The %s is negative (%s).", name, FormatNumber(v, num));
	return 0;
}

/* Check a version-2 plan's header against the bytes it really has, in O(1). */
int
crm_rb_plan_check_header(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind, CrmError *err)
{
	if (size < CRM_RB_PLAN_HDRSZ)
		return PlanInvalid(err, kind, "%zu bytes is too short.", size);
	if (p->version != CRM_RB_VERSION)
		return PlanInvalid(err, kind, "Unsupported version %d.", p->version);
	if (p->idkind > CRM_RB_IDS_UUID || (p->pflags & ~CRM_RB_PLAN_COSTS) || p->pad != 0 || p->pad2 != 0)
		return PlanInvalid(err, kind, "Invalid id kind, flags or reserved bytes.");
	if (p->nmanagers < 0 || p->nentries < 0 || p->nbytes < 0 || p->ncustomers < 0 ||
		p->norphans < 0 || p->norphans > p->ncustomers ||
		(p->idkind == CRM_RB_IDS_BIGINT && p->nbytes != 0))
		return PlanInvalid(err, kind, "A count is negative or inconsistent (%lld customers, %lld orphans).",
						   (long long) p->ncustomers, (long long) p->norphans);
	if ((uint64_t) p->nentries > CRM_WIRE_MAX_BINARY / 17 || (uint64_t) p->nbytes > CRM_WIRE_MAX_BINARY ||
		size != PlanSize(p->nmanagers, p->nentries, p->nbytes))
		return PlanInvalid(err, kind, "%zu bytes for %d managers, %lld moves and %lld id bytes.",
						   size, p->nmanagers, (long long) p->nentries, (long long) p->nbytes);
	if (crm_rb_options_check(&p->opts, p->pflags & CRM_RB_PLAN_COSTS, err) != 0)
		return -1;
	if (PlanNumber(p->peak_before, "peak_before", NULL, NULL, 0, kind, err) ||
		PlanNumber(p->peak_after, "peak_after", NULL, NULL, 0, kind, err) ||
		PlanNumber(p->lower_bound, "lower_bound", NULL, NULL, 0, kind, err))
		return -1;
	return 0;
}

/* Check a whole plan; derive the count, load and cost of its moves. */
int
crm_rb_plan_check(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind,
				  int64_t *nmoves_out, double *moved_out, double *cost_out, CrmError *err)
{
	const CrmRbMove *mv;
	CrmRbIds	ids;
	int64_t		i;
	int64_t		nmoves = 0;
	int64_t		norphans = 0;
	double		moved = 0;
	double		cost = 0;
	bool		costs;

	if (crm_rb_plan_check_header(p, size, kind, err) != 0)
		return -1;
	ids = crm_rb_plan_ids(p);
	costs = p->pflags & CRM_RB_PLAN_COSTS;
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		if (!IdValid(&ids, m->id))
			return PlanInvalid(err, kind, "Manager %lld has an id outside the id bytes.", (long long) i + 1);
		if (i > 0 && crm_rb_id_cmp(&ids, m->id, p->managers[i - 1].id) <= 0)
		{
			char		a[CRM_RB_ID_TEXT_LEN],
						b[CRM_RB_ID_TEXT_LEN];

			return PlanInvalid(err, kind, "Manager %s is listed after manager %s; managers must be listed by ascending id.",
							   crm_rb_id_text(&ids, m->id, a), crm_rb_id_text(&ids, p->managers[i - 1].id, b));
		}
		if (PlanNumber(m->capacity, "capacity", "manager", &ids, m->id, kind, err) ||
			PlanNumber(m->pinned, "pinned", "manager", &ids, m->id, kind, err) ||
			PlanNumber(m->load_before, "load_before", "manager", &ids, m->id, kind, err) ||
			PlanNumber(m->load_after, "load_after", "manager", &ids, m->id, kind, err))
			return -1;
		if (m->pinned > m->load_before || m->pinned > m->load_after)
			return PlanInvalid(err, kind, "A manager's pinned load is above its load.");
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	mv = CRM_RB_PLAN_MOVES(p);
	for (i = 0; i < p->nentries; i++)
	{
		if (!IdValid(&ids, mv[i].customer_id))
			return PlanInvalid(err, kind, "Move %lld has an id outside the id bytes.", (long long) i + 1);
		if (i > 0 && crm_rb_id_cmp(&ids, mv[i].customer_id, mv[i - 1].customer_id) <= 0)
		{
			char		a[CRM_RB_ID_TEXT_LEN],
						b[CRM_RB_ID_TEXT_LEN];

			return PlanInvalid(err, kind, "Customer %s is listed after customer %s; moves must be listed by ascending customer id.",
							   crm_rb_id_text(&ids, mv[i].customer_id, a), crm_rb_id_text(&ids, mv[i - 1].customer_id, b));
		}
		if (mv[i].from < -1 || mv[i].from >= p->nmanagers || mv[i].to < 0 ||
			mv[i].to >= p->nmanagers || mv[i].from == mv[i].to)
		{
			char		a[CRM_RB_ID_TEXT_LEN];

			return PlanInvalid(err, kind, "The move of customer %s is not from one listed manager (or none) to another.",
							   crm_rb_id_text(&ids, mv[i].customer_id, a));
		}
		if (PlanNumber(mv[i].load, "load", "customer", &ids, mv[i].customer_id, kind, err) ||
			PlanNumber(mv[i].cost, "move cost", "customer", &ids, mv[i].customer_id, kind, err))
			return -1;
		if (!costs && mv[i].cost != 1.0)
			return PlanInvalid(err, kind, "A move without a move cost counts 1.");
		if (mv[i].from >= 0)
		{
			nmoves++;
			moved += mv[i].load;
			cost += mv[i].cost;
		}
		else
			norphans++;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!isfinite(moved) || !isfinite(cost))
		return PlanInvalid(err, kind, "The moved load or cost is out of range for type double precision.");
	/* every orphan is assigned, so it has exactly one entry */
	if (norphans != p->norphans)
		return PlanInvalid(err, kind, "The plan counts %lld orphans but assigns %lld; each orphan has one move.",
						   (long long) p->norphans, (long long) norphans);
	if (p->nentries > p->ncustomers)
		return PlanInvalid(err, kind, "The plan has %lld moves for %lld customers.",
						   (long long) p->nentries, (long long) p->ncustomers);
	*nmoves_out = nmoves;
	*moved_out = moved;
	*cost_out = cost;
	return 0;
}

/* Check a plan this file built, and store what the check derives. */
static int
PlanFinish(CrmRbPlanValue *p, size_t size, CrmErrorKind kind, CrmError *err)
{
	return crm_rb_plan_check(p, size, kind, &p->nmoves, &p->moved_load, &p->moved_cost, err);
}

/* A version-1 plan, converted (0.1.0's objective; pinned loads unknown, 0). */
CrmRbPlanValue *
crm_rb_plan_upgrade(const void *raw, size_t rawsize, CrmErrorKind kind, size_t *size, CrmError *err)
{
	const V1Plan *v = raw;
	const V1Move *vm;
	CrmRbPlanValue *p;
	CrmRbOptions v1 = CRM_RB_OPTIONS_V1;
	int64_t		i;

	if (rawsize < V1_PLAN_HDRSZ || v->version != CRM_RB_VERSION_1 || v->pad[0] || v->pad[1] || v->pad[2] ||
		v->pad2 != 0 || v->nmanagers < 0 || v->nentries < 0 ||
		(uint64_t) v->nentries > CRM_WIRE_MAX_BINARY / 24 ||
		rawsize != V1_PLAN_HDRSZ + sizeof(V1Manager) * (size_t) v->nmanagers + sizeof(V1Move) * (size_t) v->nentries)
	{
		PlanInvalid(err, kind, "A version-1 value of %zu bytes with an invalid header.", rawsize);
		return NULL;
	}
	p = crm_rb_plan_alloc(CRM_RB_IDS_BIGINT, 0, v->nmanagers, v->nentries, 0, size, err);
	if (p == NULL)
		return NULL;
	p->opts = v1;
	p->ncustomers = v->ncustomers;
	p->norphans = v->norphans;
	p->peak_before = v->peak_before;
	p->peak_after = v->peak_after;
	p->lower_bound = v->lower_bound;
	for (i = 0; i < v->nmanagers; i++)
	{
		p->managers[i].id = v->managers[i].id;
		p->managers[i].capacity = v->managers[i].capacity;
		p->managers[i].load_before = v->managers[i].load_before;
		p->managers[i].load_after = v->managers[i].load_after;
	}
	vm = (const V1Move *) (v->managers + v->nmanagers);
	for (i = 0; i < v->nentries; i++)
	{
		CrmRbMove  *m = &CRM_RB_PLAN_MOVES(p)[i];

		m->customer_id = vm[i].customer_id;
		m->load = vm[i].load;
		m->cost = 1.0;
		m->from = vm[i].from;
		m->to = vm[i].to;
	}
	if (PlanFinish(p, *size, kind, err) != 0 ||
		p->nmoves != v->nmoves || memcmp(&p->moved_load, &v->moved_load, sizeof(double)) != 0)
	{
		if (err->kind == CRM_OK)
			PlanInvalid(err, kind, "The count and load of its moves do not match the moves.");
		crm_core_free(p);
		return NULL;
	}
	return p;
}

/* Bytes of a plan's binary form. */
uint64_t
crm_rb_plan_wire_size(const CrmRbPlanValue *p, bool legacy)
{
	CrmRbIds	ids = crm_rb_plan_ids(p);
	const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
	uint64_t	n;
	int64_t		i;

	if (legacy)
		return 53 + (uint64_t) p->nmanagers * 32 + (uint64_t) p->nentries * 24;
	n = 3 + 17 + 8 + 8 + 24 + 4 + 8;
	for (i = 0; i < p->nmanagers; i++)
		n += (uint64_t) IdWireSize(&ids, p->managers[i].id) + 32;
	for (i = 0; i < p->nentries; i++)
		n += (uint64_t) IdWireSize(&ids, mv[i].customer_id) + 16 + ((p->pflags & CRM_RB_PLAN_COSTS) ? 8 : 0);
	return n;
}

/* Write a plan's binary form. */
void
crm_rb_plan_encode(const CrmRbPlanValue *p, bool legacy, uint8_t *out)
{
	CrmWriter	w;
	const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
	CrmRbIds	ids = crm_rb_plan_ids(p);
	int64_t		i;

	crm_wr_init(&w, out, crm_rb_plan_wire_size(p, legacy));
	if (legacy)
	{
		crm_wr_u8(&w, CRM_RB_VERSION_1);
		crm_wr_u64(&w, (uint64_t) p->ncustomers);
		crm_wr_u64(&w, (uint64_t) p->norphans);
		crm_wr_f64(&w, p->peak_before);
		crm_wr_f64(&w, p->peak_after);
		crm_wr_f64(&w, p->lower_bound);
		crm_wr_u32(&w, (uint32_t) p->nmanagers);
		for (i = 0; i < p->nmanagers; i++)
		{
			crm_wr_u64(&w, (uint64_t) p->managers[i].id);
			crm_wr_f64(&w, p->managers[i].capacity);
			crm_wr_f64(&w, p->managers[i].load_before);
			crm_wr_f64(&w, p->managers[i].load_after);
		}
		crm_wr_u64(&w, (uint64_t) p->nentries);
		for (i = 0; i < p->nentries; i++)
		{
			crm_wr_u64(&w, (uint64_t) mv[i].customer_id);
			crm_wr_u32(&w, (uint32_t) mv[i].from);
			crm_wr_u32(&w, (uint32_t) mv[i].to);
			crm_wr_f64(&w, mv[i].load);
		}
		return;
	}
	crm_wr_u8(&w, CRM_RB_VERSION);
	crm_wr_u8(&w, p->idkind);
	crm_wr_u8(&w, p->pflags);
	WriteOptions(&w, &p->opts);
	crm_wr_u64(&w, (uint64_t) p->ncustomers);
	crm_wr_u64(&w, (uint64_t) p->norphans);
	crm_wr_f64(&w, p->peak_before);
	crm_wr_f64(&w, p->peak_after);
	crm_wr_f64(&w, p->lower_bound);
	crm_wr_u32(&w, (uint32_t) p->nmanagers);
	for (i = 0; i < p->nmanagers; i++)
	{
		WriteId(&w, &ids, p->managers[i].id);
		crm_wr_f64(&w, p->managers[i].capacity);
		crm_wr_f64(&w, p->managers[i].pinned);
		crm_wr_f64(&w, p->managers[i].load_before);
		crm_wr_f64(&w, p->managers[i].load_after);
	}
	crm_wr_u64(&w, (uint64_t) p->nentries);
	for (i = 0; i < p->nentries; i++)
	{
		WriteId(&w, &ids, mv[i].customer_id);
		crm_wr_u32(&w, (uint32_t) mv[i].from);
		crm_wr_u32(&w, (uint32_t) mv[i].to);
		crm_wr_f64(&w, mv[i].load);
		if (p->pflags & CRM_RB_PLAN_COSTS)
			crm_wr_f64(&w, mv[i].cost);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
}

/* Growable lists of a plan being read: managers, moves, id bytes. */
typedef struct PlanLists
{
	CrmRbIdKind kind;
	CrmRbManager *mgr;
	int64_t		nm,
				capm;
	CrmRbMove  *mv;
	int64_t    *from_id;		/* manager keys of the moves (JSON), mapped at the end */
	int64_t    *to_id;
	int64_t		nv,
				capv;
	uint8_t    *bytes;
	int64_t		nb,
				capb;
} PlanLists;

/* Start empty lists. */
static void
PlanListsInit(PlanLists *l, CrmRbIdKind kind)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->capm = l->capv = 16;
	l->capb = 256;
	l->mgr = crm_core_alloc(sizeof(CrmRbManager) * 16);
	l->mv = crm_core_alloc(sizeof(CrmRbMove) * 16);
	l->from_id = crm_core_alloc(sizeof(int64_t) * 16);
	l->to_id = crm_core_alloc(sizeof(int64_t) * 16);
	l->bytes = crm_core_alloc(256);
}

/* Free the lists. */
static void
PlanListsFree(PlanLists *l)
{
	crm_core_free(l->mgr);
	crm_core_free(l->mv);
	crm_core_free(l->from_id);
	crm_core_free(l->to_id);
	crm_core_free(l->bytes);
}

/* A copy of a, n used items of size sz, in cap2 items. */
static void *
Regrow(void *a, int64_t n, int64_t cap2, size_t sz)
{
	void	   *b = crm_core_alloc(sz * (size_t) cap2);

	if (n > 0)
		memcpy(b, a, sz * (size_t) n);
	crm_core_free(a);
	return b;
}

/* Room for one more manager (more_mgr) or move and len id bytes; 0 or -1 beyond the cap. */
static int
PlanListsGrow(PlanLists *l, bool more_mgr, int len, CrmError *err)
{
	int64_t		need = crm_rb_id_store_size(l->kind, len);

	if (l->kind == CRM_RB_IDS_BIGINT)
		need = 0;
	if (l->nm + more_mgr > INT32_MAX || (uint64_t) (l->nm + more_mgr) > CRM_WIRE_MAX_BINARY / 34 ||
		(uint64_t) (l->nv + !more_mgr) > CRM_WIRE_MAX_BINARY / 17 ||
		(uint64_t) (l->nb + need) > CRM_WIRE_MAX_BINARY)
		return PlanTooLarge(err);
	if (more_mgr && l->nm == l->capm)
	{
		l->mgr = Regrow(l->mgr, l->nm, l->capm * 2, sizeof(CrmRbManager));
		l->capm *= 2;
	}
	if (!more_mgr && l->nv == l->capv)
	{
		l->mv = Regrow(l->mv, l->nv, l->capv * 2, sizeof(CrmRbMove));
		l->from_id = Regrow(l->from_id, l->nv, l->capv * 2, sizeof(int64_t));
		l->to_id = Regrow(l->to_id, l->nv, l->capv * 2, sizeof(int64_t));
		l->capv *= 2;
	}
	while (l->nb + need > l->capb)
	{
		l->bytes = Regrow(l->bytes, l->nb, l->capb * 2, 1);
		l->capb *= 2;
	}
	return 0;
}

/* Store an id's bytes in the lists; its key. */
static int64_t
PlanListsId(PlanLists *l, int64_t key, const uint8_t *b, int len)
{
	int64_t		at = l->nb;

	if (l->kind == CRM_RB_IDS_BIGINT)
		return key;
	l->nb += crm_rb_id_store(l->kind, l->bytes + l->nb, b, len);
	return at;
}

/* The plan value of finished lists (moves' from/to already indexes). */
static CrmRbPlanValue *
PlanFromLists(PlanLists *l, uint8_t pflags, size_t *size, CrmError *err)
{
	CrmRbPlanValue *p = crm_rb_plan_alloc(l->kind, pflags, l->nm, l->nv, l->nb, size, err);

	if (p == NULL)
		return NULL;
	if (l->nm > 0)
		memcpy(p->managers, l->mgr, sizeof(CrmRbManager) * (size_t) l->nm);
	if (l->nv > 0)
		memcpy(CRM_RB_PLAN_MOVES(p), l->mv, sizeof(CrmRbMove) * (size_t) l->nv);
	if (l->nb > 0)
		memcpy(CRM_RB_PLAN_IDBYTES(p), l->bytes, (size_t) l->nb);
	return p;
}

/*
 * The id of a plan's manager (manager) or move entry, read from r into *id:
 * a bigint in version 1, of the plan's id kind in version 2, kept in l's
 * id store (room made first).  False with the error.
 */
static bool
DecodePlanId(CrmReader *r, PlanLists *l, bool manager, bool v1, CrmRbIdKind idkind,
			 int64_t *id, CrmError *err)
{
	const uint8_t *b = NULL;
	int			bl = 0;

	if (v1)
	{
		if (!crm_rd_i64(r, id))
			return false;
	}
	else if (!ReadId(r, idkind, id, &b, &bl))
		return false;
	if (PlanListsGrow(l, manager, bl, err) != 0)
		return false;
	*id = PlanListsId(l, *id, b, bl);
	return true;
}

/* A plan's manager entry, read from r (version 1 or 2) into l.  False with the error. */
static bool
DecodePlanManager(CrmReader *r, PlanLists *l, bool v1, CrmRbIdKind idkind, CrmError *err)
{
	CrmRbManager m = {0, 0, 0, 0, 0};

	if (!DecodePlanId(r, l, true, v1, idkind, &m.id, err))
		return false;
	crm_rd_f64(r, &m.capacity);
	if (!v1)
		crm_rd_f64(r, &m.pinned);
	crm_rd_f64(r, &m.load_before);
	if (!crm_rd_f64(r, &m.load_after))
		return false;
	l->mgr[l->nm++] = m;
	return true;
}

/* A plan's move entry, read from r (version 1 or 2) into l.  False with the error. */
static bool
DecodePlanMove(CrmReader *r, PlanLists *l, bool v1, CrmRbIdKind idkind, uint8_t pflags, CrmError *err)
{
	CrmRbMove	m = {0, 0, 1.0, 0, 0};

	if (!DecodePlanId(r, l, false, v1, idkind, &m.customer_id, err))
		return false;
	crm_rd_i32(r, &m.from);
	crm_rd_i32(r, &m.to);
	if (!crm_rd_f64(r, &m.load))
		return false;
	if ((pflags & CRM_RB_PLAN_COSTS) && !crm_rd_f64(r, &m.cost))
		return false;
	l->mv[l->nv++] = m;
	return true;
}

/* Read a plan's binary form (recv, or compact text). */
CrmRbPlanValue *
crm_rb_plan_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, size_t *size, CrmError *err)
{
	CrmReader	r;
	uint8_t		version,
				idkind = 0,
				pflags = 0;
	CrmRbOptions opts = CRM_RB_OPTIONS_V1;
	int64_t		ncust,
				norph,
				nv,
				i;
	double		peaks[3];
	int32_t		nm;
	PlanLists	l;
	CrmRbPlanValue *p = NULL;
	bool		v1;

	crm_rd_init(&r, buf, len, kind, PLAN_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_RB_VERSION_1 && version != CRM_RB_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	v1 = version == CRM_RB_VERSION_1;
	if (!v1)
	{
		if (!crm_rd_u8(&r, &idkind) || !crm_rd_u8(&r, &pflags))
			return NULL;
		if (idkind > CRM_RB_IDS_UUID || (pflags & ~CRM_RB_PLAN_COSTS))
		{
			crm_rd_fail(&r, "id kind %d, flags 0x%02x", idkind, pflags);
			return NULL;
		}
		if (!ReadOptions(&r, &opts, pflags & CRM_RB_PLAN_COSTS))
			return NULL;
	}
	crm_rd_i64(&r, &ncust);
	crm_rd_i64(&r, &norph);
	crm_rd_f64s(&r, peaks, 3);
	if (!crm_rd_i32(&r, &nm))
		return NULL;
	if (nm < 0)
	{
		crm_rd_fail(&r, "manager count %d", nm);
		return NULL;
	}
	if (!crm_rd_need(&r, (uint64_t) nm, v1 ? 32 : 33))
		return NULL;
	PlanListsInit(&l, (CrmRbIdKind) idkind);
	for (i = 0; i < nm; i++)
	{
		if (!DecodePlanManager(&r, &l, v1, (CrmRbIdKind) idkind, err))
			goto done;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!crm_rd_i64(&r, &nv))
		goto done;
	if (nv < 0)
	{
		crm_rd_fail(&r, "move count %lld", (long long) nv);
		goto done;
	}
	if (!crm_rd_need(&r, (uint64_t) nv, v1 ? 24 : 17))
		goto done;
	for (i = 0; i < nv; i++)
	{
		if (!DecodePlanMove(&r, &l, v1, (CrmRbIdKind) idkind, pflags, err))
			goto done;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!crm_rd_end(&r))
		goto done;
	p = PlanFromLists(&l, pflags, size, err);
	if (p == NULL)
		goto done;
	p->opts = opts;
	p->ncustomers = ncust;
	p->norphans = norph;
	p->peak_before = peaks[0];
	p->peak_after = peaks[1];
	p->lower_bound = peaks[2];
	if (PlanFinish(p, *size, kind, err) != 0)
	{
		crm_core_free(p);
		p = NULL;
	}
done:
	PlanListsFree(&l);
	return p;
}

/*
 * The JSON form.  Version 2: {"version": 2, "ids": "bigint" | "text" |
 * "uuid", "options": {...}, "costs": false | true, "customers": n,
 * "orphans": n, "peak_before": x, "peak_after": x, "lower_bound": x,
 * "managers": [[id, capacity, pinned, load_before, load_after], ...],
 * "moves": [[customer, from_manager | null, to_manager, load(, cost)],
 * ...]}.  Version 1 (legacy, and what a plan without "version" is): no
 * "version", "ids", "options" or "costs", managers [id, capacity,
 * load_before, load_after].
 */
static char *
PlanJson(const CrmRbPlanValue *p, bool legacy)
{
	CrmOut		o = {NULL, 0, 0};
	const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
	CrmRbIds	ids = crm_rb_plan_ids(p);
	bool		costs = p->pflags & CRM_RB_PLAN_COSTS;
	int64_t		i;

	crm_out_str(&o, "{");
	if (!legacy)
	{
		crm_out_str(&o, "\"version\": 2, \"ids\": \"");
		crm_out_str(&o, kind_names[p->idkind]);
		crm_out_str(&o, "\", \"options\": ");
		WriteOptionsJson(&o, &p->opts);
		crm_out_str(&o, costs ? ", \"costs\": true, " : ", \"costs\": false, ");
	}
	crm_out_str(&o, "\"customers\": ");
	WriteInt(&o, p->ncustomers);
	crm_out_str(&o, ", \"orphans\": ");
	WriteInt(&o, p->norphans);
	crm_out_str(&o, ", \"peak_before\": ");
	crm_json_write_double(&o, p->peak_before);
	crm_out_str(&o, ", \"peak_after\": ");
	crm_json_write_double(&o, p->peak_after);
	crm_out_str(&o, ", \"lower_bound\": ");
	crm_json_write_double(&o, p->lower_bound);
	crm_out_str(&o, ", \"managers\": [");
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		crm_out_str(&o, i ? ", [" : "[");
		WriteIdJson(&o, &ids, m->id);
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, m->capacity);
		if (!legacy)
		{
			crm_out_str(&o, ", ");
			crm_json_write_double(&o, m->pinned);
		}
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, m->load_before);
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, m->load_after);
		crm_out_str(&o, "]");
	}
	crm_out_str(&o, "], \"moves\": [");
	for (i = 0; i < p->nentries; i++)
	{
		crm_out_str(&o, i ? ", [" : "[");
		WriteIdJson(&o, &ids, mv[i].customer_id);
		crm_out_str(&o, ", ");
		if (mv[i].from < 0)
			crm_out_str(&o, "null");
		else
			WriteIdJson(&o, &ids, p->managers[mv[i].from].id);
		crm_out_str(&o, ", ");
		WriteIdJson(&o, &ids, p->managers[mv[i].to].id);
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, mv[i].load);
		if (costs)
		{
			crm_out_str(&o, ", ");
			crm_json_write_double(&o, mv[i].cost);
		}
		crm_out_str(&o, "]");
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	crm_out_str(&o, "]}");
	return o.data;
}

/* "managers": [[id, capacity, (pinned,) load_before, load_after], ...] */
static bool
JsonManagers(CrmJson *j, PlanLists *l, bool v1)
{
	if (!crm_json_key(j, "managers") || !crm_json_expect(j, '['))
		return false;
	if (crm_json_accept(j, ']'))
		return true;
	do
	{
		CrmRbManager m = {0, 0, 0, 0, 0};
		uint8_t		b[CRM_RB_MAX_ID_BYTES + 2];
		int			bl = 0;

		if (!crm_json_expect(j, '[') || !JsonId(j, l->kind, "a manager id", &m.id, b, &bl) ||
			PlanListsGrow(l, true, bl, j->err) != 0 ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &m.capacity) ||
			(!v1 && (!crm_json_expect(j, ',') || !crm_json_number(j, &m.pinned))) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &m.load_before) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &m.load_after))
			return false;
		if (!crm_json_accept(j, ']'))
			return JsonFail(j, v1 ? "\"]\" after [id, capacity, load_before, load_after]" :
							"\"]\" after [id, capacity, pinned, load_before, load_after]");
		m.id = PlanListsId(l, m.id, b, bl);
		l->mgr[l->nm++] = m;
		if ((l->nm & CHECK_EVERY) == 0)
			crm_check_interrupts();
	} while (crm_json_accept(j, ','));
	return crm_json_expect(j, ']');
}

/* Index of the manager with the id at key (kb: its bytes), or -2. */
static int32_t
ManagerIndex(const PlanLists *l, int64_t key)
{
	CrmRbIds	ids = {l->kind, l->bytes, l->nb};
	int32_t		lo = 0;
	int32_t		hi = (int32_t) l->nm - 1;

	while (lo <= hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;
		int			c = crm_rb_id_cmp(&ids, l->mgr[mid].id, key);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -2;
}

/*
 * "moves": [[customer, from_manager | null, to_manager, load(, cost)], ...].
 * The managers must be listed by id for the lookups; the plan check says
 * so when they are not (a lookup then fails, and that too is refused).
 */
static bool
JsonMoves(CrmJson *j, PlanLists *l, bool costs)
{
	if (!crm_json_key(j, "moves") || !crm_json_expect(j, '['))
		return false;
	if (crm_json_accept(j, ']'))
		return true;
	do
	{
		CrmRbMove	m = {0, 0, 1.0, 0, 0};
		uint8_t		b[CRM_RB_MAX_ID_BYTES + 2];
		int			bl = 0;
		int64_t		k;
		int64_t		mark;

		if (!crm_json_expect(j, '[') || !JsonId(j, l->kind, "a customer id", &m.customer_id, b, &bl) ||
			PlanListsGrow(l, false, 2 * (CRM_RB_MAX_ID_BYTES + 2), j->err) != 0 ||
			!crm_json_expect(j, ','))
			return false;
		m.customer_id = PlanListsId(l, m.customer_id, b, bl);
		mark = l->nb;
		/* the managers' ids: stored after the customer's, then dropped */
		if (JsonNull(j))
			m.from = -1;
		else
		{
			if (!JsonId(j, l->kind, "a manager id or null", &k, b, &bl))
				return false;
			m.from = ManagerIndex(l, PlanListsId(l, k, b, bl));
			l->nb = mark;
		}
		if (!crm_json_expect(j, ',') || !JsonId(j, l->kind, "a manager id", &k, b, &bl))
			return false;
		m.to = ManagerIndex(l, PlanListsId(l, k, b, bl));
		l->nb = mark;
		if (!crm_json_expect(j, ',') || !crm_json_number(j, &m.load))
			return false;
		if (costs && (!crm_json_expect(j, ',') || !crm_json_number(j, &m.cost)))
			return false;
		if (!crm_json_accept(j, ']'))
			return JsonFail(j, costs ? "\"]\" after [customer, from_manager, to_manager, load, cost]" :
							"\"]\" after [customer, from_manager, to_manager, load]");
		/* unknown managers are -2, which the check refuses */
		if (m.from == -2)
			m.to = -2;
		l->mv[l->nv++] = m;
		if ((l->nv & CHECK_EVERY) == 0)
			crm_check_interrupts();
	} while (crm_json_accept(j, ','));
	return crm_json_expect(j, ']');
}

/* Read the JSON form of a plan (version 2, or 1 without "version"). */
static CrmRbPlanValue *
PlanFromJson(const char *text, size_t *size, CrmError *err)
{
	CrmJson		j;
	PlanLists	l;
	int64_t		ncust = 0;
	int64_t		norph = 0;
	double		peaks[3] = {0, 0, 0};
	CrmRbPlanValue *p = NULL;
	CrmRbOptions opts = CRM_RB_OPTIONS_V1;
	CrmRbIdKind kind = CRM_RB_IDS_BIGINT;
	bool		v1 = true;
	bool		costs = false;

	crm_json_init(&j, text, err, PLAN_TYPE);
	if (!crm_json_expect(&j, '{'))
		return NULL;
	JsonSpace(&j);
	if (strncmp(j.p, "\"version\"", 9) == 0)
	{
		int64_t		v;
		char		k[16];

		if (!crm_json_key(&j, "version") || !crm_json_int(&j, 2, 2, &v) || !crm_json_expect(&j, ',') ||
			!crm_json_key(&j, "ids") || !crm_json_string(&j, k, sizeof(k)) || !crm_json_expect(&j, ','))
			return NULL;
		if (strcmp(k, "bigint") == 0)
			kind = CRM_RB_IDS_BIGINT;
		else if (strcmp(k, "text") == 0)
			kind = CRM_RB_IDS_TEXT;
		else if (strcmp(k, "uuid") == 0)
			kind = CRM_RB_IDS_UUID;
		else
		{
			JsonFail(&j, "\"bigint\", \"text\" or \"uuid\" for \"ids\"");
			return NULL;
		}
		{
			const char *save = j.p;
			const char *q;

			/* "costs" follows the options, whose check needs it */
			q = strstr(j.p, "\"costs\"");
			if (q != NULL)
			{
				j.p = q;
				if (!crm_json_key(&j, "costs") || !crm_json_bool(&j, &costs))
					return NULL;
			}
			j.p = save;
		}
		if (!crm_json_key(&j, "options") || !JsonOptions(&j, &opts, costs) || !crm_json_expect(&j, ',') ||
			!crm_json_key(&j, "costs") || !crm_json_bool(&j, &costs) || !crm_json_expect(&j, ','))
			return NULL;
		v1 = false;
	}
	PlanListsInit(&l, kind);
	if (!crm_json_key(&j, "customers") || !JsonInt64(&j, "an integer", &ncust) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "orphans") || !JsonInt64(&j, "an integer", &norph) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "peak_before") || !crm_json_number(&j, &peaks[0]) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "peak_after") || !crm_json_number(&j, &peaks[1]) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "lower_bound") || !crm_json_number(&j, &peaks[2]) ||
		!crm_json_expect(&j, ',') || !JsonManagers(&j, &l, v1) ||
		!crm_json_expect(&j, ',') || !JsonMoves(&j, &l, costs) ||
		!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto done;
	p = PlanFromLists(&l, costs ? CRM_RB_PLAN_COSTS : 0, size, err);
	if (p == NULL)
		goto done;
	p->opts = opts;
	p->ncustomers = ncust;
	p->norphans = norph;
	p->peak_before = peaks[0];
	p->peak_after = peaks[1];
	p->lower_bound = peaks[2];
	if (PlanFinish(p, *size, CRM_ERR_SYNTAX, err) != 0)
	{
		crm_core_free(p);
		p = NULL;
	}
done:
	PlanListsFree(&l);
	return p;
}

/* A plan's text form: JSON when small, compact beyond. */
char *
crm_rb_plan_print(const CrmRbPlanValue *p, bool legacy)
{
	uint64_t	n = crm_rb_plan_wire_size(p, legacy);
	uint8_t    *bin;
	char	   *text;

	if (n <= CRM_WIRE_READABLE_MAX)
		return PlanJson(p, legacy);
	bin = crm_core_alloc((size_t) n);
	crm_rb_plan_encode(p, legacy, bin);
	text = crm_wire_to_text(bin, (size_t) n);
	crm_core_free(bin);
	return text;
}

/* Read a plan's text form, JSON or compact. */
CrmRbPlanValue *
crm_rb_plan_parse(const char *text, size_t *size, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmRbPlanValue *p;

	if (!crm_wire_is_compact(text))
		return PlanFromJson(text, size, err);
	bin = crm_wire_from_text(text, &n, PLAN_TYPE, err);
	if (bin == NULL)
		return NULL;
	p = crm_rb_plan_decode(bin, n, CRM_ERR_SYNTAX, size, err);
	crm_core_free(bin);
	return p;
}

/* The plan value of a solver result, checked like input. */
CrmRbPlanValue *
crm_rb_plan_from_result(const CrmRbPlan *plan, const CrmRbIds *ids, size_t *size, CrmError *err)
{
	CrmRbPlanValue *p;
	int64_t		nbytes = 0;
	int64_t		i;
	uint8_t    *b;

	if (ids->kind != CRM_RB_IDS_BIGINT)
	{
		for (i = 0; i < plan->nmanagers; i++)
		{
			int			len;

			(void) crm_rb_id_bytes(ids, plan->managers[i].id, &len);
			nbytes += crm_rb_id_store_size(ids->kind, len);
		}
		for (i = 0; i < plan->nentries; i++)
		{
			int			len;

			(void) crm_rb_id_bytes(ids, plan->moves[i].customer_id, &len);
			nbytes += crm_rb_id_store_size(ids->kind, len);
		}
	}
	p = crm_rb_plan_alloc(ids->kind, plan->has_cost ? CRM_RB_PLAN_COSTS : 0,
						  plan->nmanagers, plan->nentries, nbytes, size, err);
	if (p == NULL)
		return NULL;
	p->opts = plan->opts;
	p->ncustomers = plan->ncustomers;
	p->norphans = plan->norphans;
	p->peak_before = plan->peak_before;
	p->peak_after = plan->peak_after;
	p->lower_bound = plan->lower_bound;
	if (plan->nmanagers > 0)
		memcpy(p->managers, plan->managers, sizeof(CrmRbManager) * (size_t) plan->nmanagers);
	if (plan->nentries > 0)
		memcpy(CRM_RB_PLAN_MOVES(p), plan->moves, sizeof(CrmRbMove) * (size_t) plan->nentries);
	if (ids->kind != CRM_RB_IDS_BIGINT)
	{
		int64_t		at = 0;

		b = CRM_RB_PLAN_IDBYTES(p);
		for (i = 0; i < plan->nmanagers; i++)
		{
			int			len;
			const uint8_t *src = crm_rb_id_bytes(ids, plan->managers[i].id, &len);

			p->managers[i].id = at;
			at += crm_rb_id_store(ids->kind, b + at, src, len);
		}
		for (i = 0; i < plan->nentries; i++)
		{
			int			len;
			const uint8_t *src = crm_rb_id_bytes(ids, plan->moves[i].customer_id, &len);

			CRM_RB_PLAN_MOVES(p)[i].customer_id = at;
			at += crm_rb_id_store(ids->kind, b + at, src, len);
		}
	}
	if (!plan->has_cost)
		for (i = 0; i < plan->nentries; i++)
			CRM_RB_PLAN_MOVES(p)[i].cost = 1.0;
	/* what the input functions would refuse is never returned */
	if (PlanFinish(p, *size, CRM_ERR_INVALID, err) != 0)
	{
		crm_core_free(p);
		return NULL;
	}
	return p;
}
