/*
 * rebalance_types_core.c
 *	  Checks and external forms of crm.rebalance_state and crm.rebalance_plan
 *	  (see rebalance_types_core.h).  Server-independent; the fuzzers link it.
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

#define STATE_TYPE	"crm.rebalance_state"
#define PLAN_TYPE	"crm.rebalance_plan"

/* rows or moves between interrupt checks */
#define CHECK_EVERY 0xFFFF

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

/*
 * A load or capacity must be a non-negative finite number: crm's rule for
 * numbers ("crm.rebalance: load of customer 1 must be a finite number, got
 * NaN", validate_core.h), then the range.  The one check of a row's
 * numbers, whichever way the row arrives (transition function, text,
 * binary, a state handed to an aggregate function, the solver's input).
 */
static bool
CheckAmount(double v, const char *field, const char *owner, long long id, CrmError *err)
{
	char		subject[80];
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isfinite(v) && v >= 0)
		return true;
	snprintf(subject, sizeof(subject), "crm.rebalance: %s of %s %lld", field, owner, id);
	if (!crm_check_finite(v, subject, err))
		return false;
	crm_error_set(err, CRM_ERR_INVALID, "%s must not be negative, got %s", subject, FormatNumber(v, num));
	return false;
}

/*
 * Whether a row's flags byte is one a row can have: known bits only, and a
 * row without a customer (a manager's declaration) neither orphaned nor
 * pinned.  The one rule for the flags of every form.
 */
static bool
FlagsValid(int f)
{
	return (f & ~CRM_RB_FLAGS_ALL) == 0 &&
		!((f & CRM_RB_NO_CUSTOMER) && (f & (CRM_RB_NO_MANAGER | CRM_RB_PINNED)));
}

/* The error for a pinned row without a manager. */
static void
PinnedOrphan(long long customer, CrmError *err)
{
	crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: orphaned customer %lld cannot be pinned", customer);
	crm_error_detail(err, "A customer without a manager must be assigned; movable = false keeps a customer with its current manager.");
}

/* ---------------------------------------------------------------- state */

/* A zeroed state with room for cap rows, or the cap's error. */
CrmRbStateValue *
crm_rb_state_alloc(int64_t cap, CrmError *err)
{
	CrmRbStateValue *s;

	if (cap < 0 || cap > CRM_RB_MAX_ROWS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.rebalance: too many rows in one group");
		crm_error_detail(err, "A crm.rebalance_state holds at most %lld rows (33 bytes each), so that its text form stays under 1 GB.",
						 (long long) CRM_RB_MAX_ROWS);
		crm_error_hint(err, "Split the group (GROUP BY region, segment, ...).");
		return NULL;
	}
	s = crm_core_alloc(crm_rb_state_size(cap));
	s->version = CRM_RB_STATE_VERSION;
	s->caprows = cap;
	return s;
}

/* Check one input row and normalise it; its flags, or -1. */
int
crm_rb_row_normalize(CrmRbRow *r, bool no_customer, bool no_manager, bool pinned,
					 CrmError *err)
{
	int			f = 0;

	if (no_customer)
	{
		f |= CRM_RB_NO_CUSTOMER;
		r->customer_id = 0;
		r->load = 0;
	}
	else if (!CheckAmount(r->load, "load", "customer", (long long) r->customer_id, err))
		return -1;
	if (no_manager)
	{
		f |= CRM_RB_NO_MANAGER;
		r->manager_id = 0;
		r->capacity = 0;
	}
	else if (!CheckAmount(r->capacity, "capacity", "manager", (long long) r->manager_id, err))
		return -1;
	/* movable = false means something only for a customer */
	if (pinned && !no_customer)
	{
		if (no_manager)
		{
			PinnedOrphan((long long) r->customer_id, err);
			return -1;
		}
		f |= CRM_RB_PINNED;
	}
	/* -0 becomes 0 */
	if (r->load == 0.0)
		r->load = 0.0;
	if (r->capacity == 0.0)
		r->capacity = 0.0;
	return f;
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

/* Check a state's header against the bytes it really has, in O(1). */
int
crm_rb_state_check_header(const CrmRbStateValue *s, size_t size, CrmErrorKind kind,
						  CrmError *err)
{
	if (size < CRM_RB_STATE_HDRSZ)
		return StateInvalid(err, kind, "%zu bytes is too short", size);
	if (s->version != CRM_RB_STATE_VERSION)
		return StateInvalid(err, kind, "unsupported version %d", s->version);
	if (s->pad[0] != 0 || s->pad[1] != 0 || s->pad[2] != 0)
		return StateInvalid(err, kind, "reserved bytes are not zero");
	if (s->caprows < 0 || s->caprows > CRM_RB_MAX_ROWS)
		return StateInvalid(err, kind, "capacity of %lld rows", (long long) s->caprows);
	if (s->nrows < 0 || s->nrows > s->caprows)
		return StateInvalid(err, kind, "%lld rows in a capacity of %lld",
							(long long) s->nrows, (long long) s->caprows);
	if (size != crm_rb_state_size(s->caprows))
		return StateInvalid(err, kind, "%zu bytes for a capacity of %lld rows (%zu expected)",
							size, (long long) s->caprows, crm_rb_state_size(s->caprows));
	return 0;
}

/* Whether d is +0 (all bits zero). */
static bool
IsPlusZero(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u == 0;
}

/* Check one row of a state: flags, numbers and normal form (see the header). */
int
crm_rb_row_check(const CrmRbRow *r, int f, int64_t i, CrmErrorKind kind, CrmError *err)
{
	if (!FlagsValid(f))
		return StateInvalid(err, kind, "row %lld has invalid flags 0x%02x", (long long) i + 1, f);
	if ((f & CRM_RB_NO_MANAGER) && (f & CRM_RB_PINNED))
	{
		PinnedOrphan((long long) r->customer_id, err);
		return -1;
	}
	if (!(f & CRM_RB_NO_CUSTOMER) &&
		!CheckAmount(r->load, "load", "customer", (long long) r->customer_id, err))
		return -1;
	if (!(f & CRM_RB_NO_MANAGER) &&
		!CheckAmount(r->capacity, "capacity", "manager", (long long) r->manager_id, err))
		return -1;
	/* as crm_rb_row_normalize leaves it: no -0, absent fields 0 */
	if (((f & CRM_RB_NO_CUSTOMER) && (r->customer_id != 0 || !IsPlusZero(r->load))) ||
		((f & CRM_RB_NO_MANAGER) && (r->manager_id != 0 || !IsPlusZero(r->capacity))) ||
		(r->load == 0 && !IsPlusZero(r->load)) || (r->capacity == 0 && !IsPlusZero(r->capacity)))
		return StateInvalid(err, kind, "row %lld is not in normal form", (long long) i + 1);
	return 0;
}

/* Check the rows of a state from row from on. */
int
crm_rb_state_check_rows(const CrmRbStateValue *s, int64_t from, CrmErrorKind kind,
						CrmError *err)
{
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	int64_t		i;

	for (i = from < 0 ? 0 : from; i < s->nrows; i++)
	{
		if (crm_rb_row_check(&s->rows[i], flags[i], i, kind, err) != 0)
			return -1;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	return 0;
}

/* Write a state's binary form. */
void
crm_rb_state_encode(const CrmRbStateValue *s, uint8_t *out)
{
	CrmWriter	w;
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	int64_t		i;

	crm_wr_init(&w, out, crm_rb_state_wire_size(s->nrows));
	crm_wr_u8(&w, CRM_RB_STATE_VERSION);
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
}

/* Read the rows of a binary state whose count was checked; 0 or -1. */
static int
DecodeRows(CrmReader *r, CrmRbStateValue *s, int64_t n)
{
	uint8_t    *flags = CRM_RB_STATE_FLAGS(s);
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		uint8_t		f;
		CrmRbRow	row;
		int			nf;

		crm_rd_u8(r, &f);
		crm_rd_i64(r, &row.customer_id);
		crm_rd_i64(r, &row.manager_id);
		crm_rd_f64(r, &row.load);
		if (!crm_rd_f64(r, &row.capacity))
			return -1;
		if (!FlagsValid(f))
		{
			crm_rd_fail(r, "row %lld has invalid flags 0x%02x", (long long) i + 1, f);
			return -1;
		}
		nf = crm_rb_row_normalize(&row, f & CRM_RB_NO_CUSTOMER, f & CRM_RB_NO_MANAGER,
								  f & CRM_RB_PINNED, r->err);
		if (nf < 0)
			return -1;
		s->rows[i] = row;
		flags[i] = (uint8_t) nf;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	s->nrows = n;
	return 0;
}

/* Read a state's binary form (recv, or compact text). */
CrmRbStateValue *
crm_rb_state_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	int64_t		n;
	CrmRbStateValue *s;

	crm_rd_init(&r, buf, len, kind, STATE_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_RB_STATE_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if (!crm_rd_i64(&r, &n))
		return NULL;
	if (n < 0)
	{
		crm_rd_fail(&r, "row count %lld", (long long) n);
		return NULL;
	}
	/* a count the input cannot hold is truncation; then the cap */
	if (!crm_rd_need(&r, (uint64_t) n, CRM_RB_WIRE_ROW))
		return NULL;
	s = crm_rb_state_alloc(n > 0 ? n : 1, err);
	if (s == NULL)
		return NULL;
	if (DecodeRows(&r, s, n) != 0 || !crm_rd_end(&r))
	{
		crm_core_free(s);
		return NULL;
	}
	return s;
}

/* ---------------------------------------------------------------- JSON */

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

/* The JSON form: {"rows": [[customer, manager, load, capacity, movable], ...]} */
static char *
StateJson(const CrmRbStateValue *s)
{
	CrmOut		o = {NULL, 0, 0};
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	int64_t		i;

	crm_out_str(&o, "{\"rows\": [");
	for (i = 0; i < s->nrows; i++)
	{
		const CrmRbRow *r = &s->rows[i];
		uint8_t		f = flags[i];

		crm_out_str(&o, i ? ", [" : "[");
		if (f & CRM_RB_NO_CUSTOMER)
			crm_out_str(&o, "null, ");
		else
		{
			WriteInt(&o, r->customer_id);
			crm_out_str(&o, ", ");
		}
		if (f & CRM_RB_NO_MANAGER)
			crm_out_str(&o, "null, ");
		else
		{
			WriteInt(&o, r->manager_id);
			crm_out_str(&o, ", ");
		}
		if (f & CRM_RB_NO_CUSTOMER)
			crm_out_str(&o, "null");
		else
			crm_json_write_double(&o, r->load);
		crm_out_str(&o, ", ");
		if (f & CRM_RB_NO_MANAGER)
			crm_out_str(&o, "null");
		else
			crm_json_write_double(&o, r->capacity);
		crm_out_str(&o, (f & CRM_RB_PINNED) ? ", false]" : ", true]");
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	crm_out_str(&o, "]}");
	return o.data;
}

/* A load or capacity: null when absent (then *out stays 0), else a number. */
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
 * movable]: a null customer has a null load, a null manager a null
 * capacity.  The flags byte, or -1.
 */
static int
JsonRow(CrmJson *j, CrmRbRow *r)
{
	bool		nc;
	bool		nm;
	bool		movable;

	memset(r, 0, sizeof(*r));
	if (!crm_json_expect(j, '['))
		return -1;
	nc = JsonNull(j);
	if (!nc && !JsonInt64(j, "a customer id (an integer) or null", &r->customer_id))
		return -1;
	if (!crm_json_expect(j, ','))
		return -1;
	nm = JsonNull(j);
	if (!nm && !JsonInt64(j, "a manager id (an integer) or null", &r->manager_id))
		return -1;
	if (nc && nm)
	{
		JsonFail(j, "a row with a customer or a manager");
		return -1;
	}
	if (!crm_json_expect(j, ',') || !JsonAmount(j, nc, "null (the load of no customer)", &r->load) ||
		!crm_json_expect(j, ',') || !JsonAmount(j, nm, "null (the capacity of no manager)", &r->capacity) ||
		!crm_json_expect(j, ',') || !crm_json_bool(j, &movable))
		return -1;
	if (!crm_json_accept(j, ']'))
	{
		JsonFail(j, "\"]\" after the five fields of a row");
		return -1;
	}
	return crm_rb_row_normalize(r, nc, nm, !movable, j->err);
}

/* Append a row to *s, doubling its capacity when full; 0 or -1. */
static int
StatePush(CrmRbStateValue **sp, const CrmRbRow *r, uint8_t f, CrmError *err)
{
	CrmRbStateValue *s = *sp;

	if (s->nrows == s->caprows)
	{
		int64_t		cap = s->caprows * 2;
		CrmRbStateValue *t;

		if (cap > CRM_RB_MAX_ROWS && s->nrows < CRM_RB_MAX_ROWS)
			cap = CRM_RB_MAX_ROWS;
		t = crm_rb_state_alloc(cap, err);
		if (t == NULL)
			return -1;
		memcpy(t->rows, s->rows, sizeof(CrmRbRow) * (size_t) s->nrows);
		memcpy(CRM_RB_STATE_FLAGS(t), CRM_RB_STATE_FLAGS(s), (size_t) s->nrows);
		t->nrows = s->nrows;
		crm_core_free(s);
		*sp = s = t;
	}
	s->rows[s->nrows] = *r;
	CRM_RB_STATE_FLAGS(s)[s->nrows] = f;
	s->nrows++;
	return 0;
}

/* Read the JSON form of a state. */
static CrmRbStateValue *
StateFromJson(const char *text, CrmError *err)
{
	CrmJson		j;
	CrmRbStateValue *s = crm_rb_state_alloc(8, err);

	crm_json_init(&j, text, err, STATE_TYPE);
	if (!crm_json_expect(&j, '{') || !crm_json_key(&j, "rows") || !crm_json_expect(&j, '['))
		goto fail;
	if (!crm_json_accept(&j, ']'))
	{
		do
		{
			CrmRbRow	r;
			int			f = JsonRow(&j, &r);

			if (f < 0 || StatePush(&s, &r, (uint8_t) f, err) != 0)
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
crm_rb_state_print(const CrmRbStateValue *s)
{
	uint64_t	n = crm_rb_state_wire_size(s->nrows);
	uint8_t    *bin;
	char	   *text;

	if (n <= CRM_WIRE_READABLE_MAX)
		return StateJson(s);
	/* n <= CRM_WIRE_MAX_BINARY: the row cap keeps it there */
	bin = crm_core_alloc((size_t) n);
	crm_rb_state_encode(s, bin);
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
	crm_error_detail(err, "A crm.rebalance_plan holds at most %llu bytes (32 per manager, 24 per move), so that its text form stays under 1 GB.",
					 (unsigned long long) CRM_WIRE_MAX_BINARY);
	crm_error_hint(err, "Split the group (GROUP BY region, segment, ...).");
	return -1;
}

/* Whether a plan of this many managers and moves is within the cap. */
static bool
PlanFits(int64_t nmanagers, int64_t nentries)
{
	return nmanagers >= 0 && nentries >= 0 && nmanagers <= INT32_MAX &&
		(uint64_t) nentries <= CRM_WIRE_MAX_BINARY / CRM_RB_WIRE_MOVE &&
		crm_rb_plan_wire_size(nmanagers, nentries) <= CRM_WIRE_MAX_BINARY;
}

/* A zeroed plan of this many managers and moves, or the cap's error. */
CrmRbPlanValue *
crm_rb_plan_alloc(int64_t nmanagers, int64_t nentries, size_t *size, CrmError *err)
{
	CrmRbPlanValue *p;

	if (!PlanFits(nmanagers, nentries))
	{
		PlanTooLarge(err);
		return NULL;
	}
	*size = CRM_RB_PLAN_HDRSZ + sizeof(CrmRbManager) * (size_t) nmanagers +
		sizeof(CrmRbMove) * (size_t) nentries;
	p = crm_core_alloc(*size);
	p->version = CRM_RB_PLAN_VERSION;
	p->nmanagers = (int32_t) nmanagers;
	p->nentries = nentries;
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

/*
 * A number of a plan (field, of owner id when owner is not NULL): finite
 * (CRM_ERR_INVALID), then not negative (kind).
 */
static int
PlanNumber(double v, const char *field, const char *owner, int64_t id,
		   CrmErrorKind kind, CrmError *err)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		name[80];
	char		subject[120];

	if (owner == NULL)
		snprintf(name, sizeof(name), "%s", field);
	else
		snprintf(name, sizeof(name), "%s of %s %lld", field, owner, (long long) id);
	snprintf(subject, sizeof(subject), PLAN_TYPE ": %s", name);
	if (!crm_check_finite(v, subject, err))
		return -1;
	if (v < 0)
		return PlanInvalid(err, kind, "The %s is negative (%s).", name, FormatNumber(v, num));
	return 0;
}

/* Check a plan's header against the bytes it really has, in O(1). */
int
crm_rb_plan_check_header(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind,
						 CrmError *err)
{
	if (size < CRM_RB_PLAN_HDRSZ)
		return PlanInvalid(err, kind, "%zu bytes is too short.", size);
	if (p->version != CRM_RB_PLAN_VERSION || p->pad[0] || p->pad[1] || p->pad[2] || p->pad2)
		return PlanInvalid(err, kind, "Unsupported version %d or reserved bytes not zero.", p->version);
	if (p->nmanagers < 0 || p->nentries < 0 || p->ncustomers < 0 || p->norphans < 0)
		return PlanInvalid(err, kind, "A count is negative.");
	if ((uint64_t) p->nentries > size / sizeof(CrmRbMove) ||
		size != CRM_RB_PLAN_HDRSZ + sizeof(CrmRbManager) * (size_t) p->nmanagers +
		sizeof(CrmRbMove) * (size_t) p->nentries)
		return PlanInvalid(err, kind, "%zu bytes for %d managers and %lld moves.",
						   size, (int) p->nmanagers, (long long) p->nentries);
	if (!PlanFits(p->nmanagers, p->nentries))
		return PlanTooLarge(err);
	return 0;
}

/* The numbers and managers of a plan whose header passed; 0 or -1. */
static int
PlanCheckManagers(const CrmRbPlanValue *p, CrmErrorKind kind, CrmError *err)
{
	int32_t		i;

	if (PlanNumber(p->peak_before, "peak_before", NULL, 0, kind, err) ||
		PlanNumber(p->peak_after, "peak_after", NULL, 0, kind, err) ||
		PlanNumber(p->lower_bound, "lower_bound", NULL, 0, kind, err))
		return -1;
	for (i = 0; i < p->nmanagers; i++)
	{
		const CrmRbManager *m = &p->managers[i];

		if (i > 0 && m->id <= p->managers[i - 1].id)
			return PlanInvalid(err, kind, "Manager %lld is listed after manager %lld; managers must be listed by ascending id.",
							   (long long) m->id, (long long) p->managers[i - 1].id);
		if (PlanNumber(m->capacity, "capacity", "manager", m->id, kind, err) ||
			PlanNumber(m->load_before, "load_before", "manager", m->id, kind, err) ||
			PlanNumber(m->load_after, "load_after", "manager", m->id, kind, err))
			return -1;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	return 0;
}

/* Check a whole plan; derive the count and load of its moves. */
int
crm_rb_plan_check(const CrmRbPlanValue *p, size_t size, CrmErrorKind kind,
				  int64_t *nmoves_out, double *moved_out, CrmError *err)
{
	const CrmRbMove *mv;
	int64_t		i;
	int64_t		nmoves = 0;
	int64_t		norphans = 0;
	double		moved = 0;

	if (crm_rb_plan_check_header(p, size, kind, err) != 0 ||
		PlanCheckManagers(p, kind, err) != 0)
		return -1;
	mv = CRM_RB_PLAN_MOVES(p);
	for (i = 0; i < p->nentries; i++)
	{
		if (i > 0 && mv[i].customer_id <= mv[i - 1].customer_id)
			return PlanInvalid(err, kind, "Customer %lld is listed after customer %lld; moves must be listed by ascending customer id.",
							   (long long) mv[i].customer_id, (long long) mv[i - 1].customer_id);
		if (mv[i].from < -1 || mv[i].from >= p->nmanagers || mv[i].to < 0 ||
			mv[i].to >= p->nmanagers || mv[i].from == mv[i].to)
			return PlanInvalid(err, kind, "The move of customer %lld is not from one listed manager (or none) to another.",
							   (long long) mv[i].customer_id);
		if (PlanNumber(mv[i].load, "load", "customer", mv[i].customer_id, kind, err))
			return -1;
		if (mv[i].from >= 0)
		{
			nmoves++;
			moved += mv[i].load;
		}
		else
			norphans++;
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!isfinite(moved))
		return PlanInvalid(err, kind, "The moved load is out of range for type double precision.");
	/* every orphan is assigned, so it has exactly one entry */
	if (norphans != p->norphans)
		return PlanInvalid(err, kind, "The plan counts %lld orphans but assigns %lld; each orphan has one move.",
						   (long long) p->norphans, (long long) norphans);
	if (p->nentries > p->ncustomers)
		return PlanInvalid(err, kind, "The plan has %lld moves for %lld customers.",
						   (long long) p->nentries, (long long) p->ncustomers);
	*nmoves_out = nmoves;
	*moved_out = moved;
	return 0;
}

/* Check a plan this file built, and store what the check derives. */
static int
PlanFinish(CrmRbPlanValue *p, size_t size, CrmErrorKind kind, CrmError *err)
{
	return crm_rb_plan_check(p, size, kind, &p->nmoves, &p->moved_load, err);
}

/* Write a plan's binary form. */
void
crm_rb_plan_encode(const CrmRbPlanValue *p, uint8_t *out)
{
	CrmWriter	w;
	const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
	int64_t		i;

	crm_wr_init(&w, out, crm_rb_plan_wire_size(p->nmanagers, p->nentries));
	crm_wr_u8(&w, CRM_RB_PLAN_VERSION);
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
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
}

/* Read a plan's binary form (recv, or compact text). */
CrmRbPlanValue *
crm_rb_plan_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, size_t *size,
				   CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	int64_t		ncust;
	int64_t		norph;
	double		peaks[3];
	int32_t		nm;
	int64_t		nv;
	int64_t		i;
	const uint8_t *mgrs;
	CrmRbPlanValue *p;
	CrmRbMove  *mv;

	crm_rd_init(&r, buf, len, kind, PLAN_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_RB_PLAN_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
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
	/* the managers are read after the move count is known */
	if (!crm_rd_bytes(&r, (size_t) nm * CRM_RB_WIRE_MANAGER, &mgrs) || !crm_rd_i64(&r, &nv))
		return NULL;
	if (nv < 0)
	{
		crm_rd_fail(&r, "move count %lld", (long long) nv);
		return NULL;
	}
	if (!crm_rd_need(&r, (uint64_t) nv, CRM_RB_WIRE_MOVE))
		return NULL;
	p = crm_rb_plan_alloc(nm, nv, size, err);
	if (p == NULL)
		return NULL;
	p->ncustomers = ncust;
	p->norphans = norph;
	p->peak_before = peaks[0];
	p->peak_after = peaks[1];
	p->lower_bound = peaks[2];
	{
		CrmReader	mr;

		crm_rd_init(&mr, mgrs, (size_t) nm * CRM_RB_WIRE_MANAGER, kind, PLAN_TYPE, err);
		for (i = 0; i < nm; i++)
		{
			crm_rd_i64(&mr, &p->managers[i].id);
			crm_rd_f64(&mr, &p->managers[i].capacity);
			crm_rd_f64(&mr, &p->managers[i].load_before);
			crm_rd_f64(&mr, &p->managers[i].load_after);
		}
	}
	mv = CRM_RB_PLAN_MOVES(p);
	for (i = 0; i < nv; i++)
	{
		crm_rd_i64(&r, &mv[i].customer_id);
		crm_rd_i32(&r, &mv[i].from);
		crm_rd_i32(&r, &mv[i].to);
		crm_rd_f64(&r, &mv[i].load);
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	if (!crm_rd_end(&r) || PlanFinish(p, *size, kind, err) != 0)
	{
		crm_core_free(p);
		return NULL;
	}
	return p;
}

/*
 * The JSON form:
 * {"customers": n, "orphans": n, "peak_before": x, "peak_after": x,
 *  "lower_bound": x, "managers": [[id, capacity, load_before, load_after], ...],
 *  "moves": [[customer, from_manager | null, to_manager, load], ...]}
 */
static char *
PlanJson(const CrmRbPlanValue *p)
{
	CrmOut		o = {NULL, 0, 0};
	const CrmRbMove *mv = CRM_RB_PLAN_MOVES(p);
	int64_t		i;

	crm_out_str(&o, "{\"customers\": ");
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
		WriteInt(&o, m->id);
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, m->capacity);
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
		WriteInt(&o, mv[i].customer_id);
		crm_out_str(&o, ", ");
		if (mv[i].from < 0)
			crm_out_str(&o, "null");
		else
			WriteInt(&o, p->managers[mv[i].from].id);
		crm_out_str(&o, ", ");
		WriteInt(&o, p->managers[mv[i].to].id);
		crm_out_str(&o, ", ");
		crm_json_write_double(&o, mv[i].load);
		crm_out_str(&o, "]");
		if ((i & CHECK_EVERY) == CHECK_EVERY)
			crm_check_interrupts();
	}
	crm_out_str(&o, "]}");
	return o.data;
}

/* Growable arrays of the JSON plan reader. */
typedef struct PlanLists
{
	CrmRbManager *mgr;
	int64_t		nm;
	int64_t		capm;
	CrmRbMove  *mv;
	int64_t    *from_id;		/* manager ids of the moves, mapped at the end */
	int64_t    *to_id;
	int64_t		nv;
	int64_t		capv;
} PlanLists;

/* Room for one more manager (more_mgr) or move; 0, or -1 beyond the cap. */
static int
PlanListsGrow(PlanLists *l, bool more_mgr, CrmError *err)
{
	if (!PlanFits(l->nm + more_mgr, l->nv + !more_mgr))
		return PlanTooLarge(err);
	if (more_mgr && l->nm == l->capm)
	{
		CrmRbManager *m = crm_core_alloc(sizeof(CrmRbManager) * (size_t) (l->capm * 2));

		memcpy(m, l->mgr, sizeof(CrmRbManager) * (size_t) l->nm);
		crm_core_free(l->mgr);
		l->mgr = m;
		l->capm *= 2;
	}
	if (!more_mgr && l->nv == l->capv)
	{
		CrmRbMove  *v = crm_core_alloc(sizeof(CrmRbMove) * (size_t) (l->capv * 2));
		int64_t    *f = crm_core_alloc(sizeof(int64_t) * (size_t) (l->capv * 2));
		int64_t    *t = crm_core_alloc(sizeof(int64_t) * (size_t) (l->capv * 2));

		memcpy(v, l->mv, sizeof(CrmRbMove) * (size_t) l->nv);
		memcpy(f, l->from_id, sizeof(int64_t) * (size_t) l->nv);
		memcpy(t, l->to_id, sizeof(int64_t) * (size_t) l->nv);
		crm_core_free(l->mv);
		crm_core_free(l->from_id);
		crm_core_free(l->to_id);
		l->mv = v;
		l->from_id = f;
		l->to_id = t;
		l->capv *= 2;
	}
	return 0;
}

/* "managers": [[id, capacity, load_before, load_after], ...] */
static bool
JsonManagers(CrmJson *j, PlanLists *l)
{
	if (!crm_json_key(j, "managers") || !crm_json_expect(j, '['))
		return false;
	if (crm_json_accept(j, ']'))
		return true;
	do
	{
		CrmRbManager *m;
		double		v[3];

		if (PlanListsGrow(l, true, j->err) != 0)
			return false;
		m = &l->mgr[l->nm];
		if (!crm_json_expect(j, '[') || !JsonInt64(j, "a manager id (an integer)", &m->id) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &v[0]) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &v[1]) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &v[2]))
			return false;
		if (!crm_json_accept(j, ']'))
			return JsonFail(j, "\"]\" after [id, capacity, load_before, load_after]");
		m->capacity = v[0];
		m->load_before = v[1];
		m->load_after = v[2];
		l->nm++;
		if ((l->nm & CHECK_EVERY) == 0)
			crm_check_interrupts();
	} while (crm_json_accept(j, ','));
	return crm_json_expect(j, ']');
}

/* "moves": [[customer, from_manager | null, to_manager, load], ...] */
static bool
JsonMoves(CrmJson *j, PlanLists *l)
{
	if (!crm_json_key(j, "moves") || !crm_json_expect(j, '['))
		return false;
	if (crm_json_accept(j, ']'))
		return true;
	do
	{
		if (PlanListsGrow(l, false, j->err) != 0 ||
			!crm_json_expect(j, '[') ||
			!JsonInt64(j, "a customer id (an integer)", &l->mv[l->nv].customer_id) ||
			!crm_json_expect(j, ','))
			return false;
		if (JsonNull(j))
			l->from_id[l->nv] = INT64_MIN;
		else if (!JsonInt64(j, "a manager id (an integer) or null", &l->from_id[l->nv]))
			return false;
		if (!crm_json_expect(j, ',') ||
			!JsonInt64(j, "a manager id (an integer)", &l->to_id[l->nv]) ||
			!crm_json_expect(j, ',') || !crm_json_number(j, &l->mv[l->nv].load))
			return false;
		if (!crm_json_accept(j, ']'))
			return JsonFail(j, "\"]\" after [customer, from_manager, to_manager, load]");
		l->nv++;
		if ((l->nv & CHECK_EVERY) == 0)
			crm_check_interrupts();
	} while (crm_json_accept(j, ','));
	return crm_json_expect(j, ']');
}

/* Index of manager id in the plan's (ascending) managers, or -2. */
static int32_t
ManagerIndex(const CrmRbPlanValue *p, int64_t id)
{
	int32_t		lo = 0;
	int32_t		hi = p->nmanagers - 1;

	while (lo <= hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;

		if (p->managers[mid].id == id)
			return mid;
		if (p->managers[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -2;
}

/* Read the JSON form of a plan. */
static CrmRbPlanValue *
PlanFromJson(const char *text, size_t *size, CrmError *err)
{
	CrmJson		j;
	PlanLists	l;
	int64_t		ncust = 0;
	int64_t		norph = 0;
	double		peaks[3] = {0, 0, 0};
	CrmRbPlanValue *p = NULL;
	int64_t		i;

	memset(&l, 0, sizeof(l));
	l.capm = l.capv = 16;
	l.mgr = crm_core_alloc(sizeof(CrmRbManager) * 16);
	l.mv = crm_core_alloc(sizeof(CrmRbMove) * 16);
	l.from_id = crm_core_alloc(sizeof(int64_t) * 16);
	l.to_id = crm_core_alloc(sizeof(int64_t) * 16);
	crm_json_init(&j, text, err, PLAN_TYPE);
	if (!crm_json_expect(&j, '{') ||
		!crm_json_key(&j, "customers") || !JsonInt64(&j, "an integer", &ncust) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "orphans") || !JsonInt64(&j, "an integer", &norph) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "peak_before") || !crm_json_number(&j, &peaks[0]) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "peak_after") || !crm_json_number(&j, &peaks[1]) ||
		!crm_json_expect(&j, ',') ||
		!crm_json_key(&j, "lower_bound") || !crm_json_number(&j, &peaks[2]) ||
		!crm_json_expect(&j, ',') || !JsonManagers(&j, &l) ||
		!crm_json_expect(&j, ',') || !JsonMoves(&j, &l) ||
		!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto done;
	p = crm_rb_plan_alloc(l.nm, l.nv, size, err);
	if (p == NULL)
		goto done;
	p->ncustomers = ncust;
	p->norphans = norph;
	p->peak_before = peaks[0];
	p->peak_after = peaks[1];
	p->lower_bound = peaks[2];
	if (l.nm > 0)
		memcpy(p->managers, l.mgr, sizeof(CrmRbManager) * (size_t) l.nm);
	for (i = 0; i < l.nv; i++)
	{
		CrmRbMove  *mv = &CRM_RB_PLAN_MOVES(p)[i];

		*mv = l.mv[i];
		/* unknown ids map to -2, which the check rejects */
		mv->from = l.from_id[i] == INT64_MIN ? -1 : ManagerIndex(p, l.from_id[i]);
		mv->to = ManagerIndex(p, l.to_id[i]);
	}
	if (PlanFinish(p, *size, CRM_ERR_SYNTAX, err) != 0)
	{
		crm_core_free(p);
		p = NULL;
	}
done:
	crm_core_free(l.mgr);
	crm_core_free(l.mv);
	crm_core_free(l.from_id);
	crm_core_free(l.to_id);
	return p;
}

/* A plan's text form: JSON when small, compact beyond. */
char *
crm_rb_plan_print(const CrmRbPlanValue *p)
{
	uint64_t	n = crm_rb_plan_wire_size(p->nmanagers, p->nentries);
	uint8_t    *bin;
	char	   *text;

	if (n <= CRM_WIRE_READABLE_MAX)
		return PlanJson(p);
	bin = crm_core_alloc((size_t) n);
	crm_rb_plan_encode(p, bin);
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
crm_rb_plan_from_result(const CrmRbPlan *plan, size_t *size, CrmError *err)
{
	CrmRbPlanValue *p = crm_rb_plan_alloc(plan->nmanagers, plan->nentries, size, err);

	if (p == NULL)
		return NULL;
	p->ncustomers = plan->ncustomers;
	p->norphans = plan->norphans;
	p->peak_before = plan->peak_before;
	p->peak_after = plan->peak_after;
	p->lower_bound = plan->lower_bound;
	if (plan->nmanagers > 0)
		memcpy(p->managers, plan->managers, sizeof(CrmRbManager) * (size_t) plan->nmanagers);
	if (plan->nentries > 0)
		memcpy(CRM_RB_PLAN_MOVES(p), plan->moves, sizeof(CrmRbMove) * (size_t) plan->nentries);
	/* what the input functions would refuse is never returned */
	if (PlanFinish(p, *size, CRM_ERR_INVALID, err) != 0)
	{
		crm_core_free(p);
		return NULL;
	}
	return p;
}
