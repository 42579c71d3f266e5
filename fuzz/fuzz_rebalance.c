/*
 * fuzz_rebalance.c
 *	  libFuzzer harness for the rebalancing solver (src/workload/rebalance_core.c)
 *	  fed with hostile states: the solver must finish (libFuzzer's timeout
 *	  catches a search that does not move), refuse bad input with a
 *	  recorded error, and otherwise return a plan that keeps its promises.
 *

 *
 * Inputs whose first byte is even are a state's binary form, decoded as
 * recv decodes it.  Odd ones are an instance in a denser code, so that the
 * fuzzer reaches the solver's search with extreme magnitudes: a row is 4
 * bytes (kind and manager, customer, load, capacity), and loads and
 * capacities are drawn from magnitudes between 0, the smallest subnormal
 * and DBL_MAX.  Rows are checked as the transition function checks them.
 *
 * Invariants of a plan: every customer ends with exactly one manager,
 * pinned customers stay, orphans are assigned, moves leave from the
 * customer's manager; load_before and load_after are the sums of the
 * customers' loads before and after (in customer-id order, exactly); loads
 * add up; peak_after is the real peak, not below the lower bound, not
 * above the peak before when there are no orphans, and no number is NaN;
 * the plan passes the plan input's check; the same rows in reverse order
 * give the same plan.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rebalance_types_core.h"

static const CrmRbIds BIG = {CRM_RB_IDS_BIGINT, NULL, 0};

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/*
 * The core allocator, as an arena freed after every input: the solver
 * leaves its arrays to the caller's memory context (the server deletes the
 * context), which under the leak checker would read as leaks.
 */
typedef union ArenaHead
{
	struct
	{
		union ArenaHead *prev;
		union ArenaHead *next;
	}			l;
	max_align_t align;
} ArenaHead;

static ArenaHead arena = {{&arena, &arena}};

void *
crm_core_alloc(size_t size)
{
	ArenaHead  *h = calloc(1, sizeof(ArenaHead) + size);

	if (h == NULL)
		abort();
	h->l.prev = &arena;
	h->l.next = arena.l.next;
	arena.l.next->l.prev = h;
	arena.l.next = h;
	return h + 1;
}

/*
 * The cores' allocator without zeroing: crm_core_alloc's block filled with
 * 0xA5, so that a core reading memory it never wrote gets garbage here
 * rather than zeros it might silently rely on.
 */
void *
crm_core_alloc_uninit(size_t size)
{
	void	   *p = crm_core_alloc(size);

	memset(p, 0xA5, size);
	return p;
}

void
crm_core_free(void *ptr)
{
	ArenaHead  *h = (ArenaHead *) ptr - 1;

	h->l.prev->l.next = h->l.next;
	h->l.next->l.prev = h->l.prev;
	free(h);
}

/* Free everything the input allocated. */
static void
arena_reset(void)
{
	while (arena.l.next != &arena)
		crm_core_free(arena.l.next + 1);
}

/* a load or capacity from a byte: 16 magnitudes, 16 mantissas */
static double
magnitude(uint8_t b)
{
	static const double mags[16] = {
		0, 4.9406564584124654e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-10,
		1e-3, 0.5, 1, 3, 10, 1000, 1e10, 1e100, 1e300, 1.7976931348623157e308
	};

	return mags[b & 15] * (1 + (b >> 4) / 16.0);
}

/* Build a state from the dense code (see the header); NULL for none. */
static CrmRbStateValue *
dense_state(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	int64_t		n = (int64_t) (size / 4);
	CrmRbStateValue *s = crm_rb_state_alloc(CRM_RB_IDS_BIGINT, 0, n > 0 ? n : 1, 0, &err);
	double		caps[64];
	bool		capset[64] = {false};
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		const uint8_t *d = data + 4 * i;
		int			kind = d[0] & 3;
		int			mgr = d[0] >> 2;
		CrmRbRow	r;
		CrmError	rerr = {0};
		int			f;

		if (!capset[mgr])
		{
			caps[mgr] = magnitude(d[3]);
			capset[mgr] = true;
		}
		r.customer_id = d[1];
		r.manager_id = mgr;
		r.load = magnitude(d[2]);
		r.capacity = caps[mgr];
		f = crm_rb_row_normalize(&r, kind == 2, kind == 1, kind == 3, false, NULL, &BIG, &rerr);
		if (f < 0)
			continue;			/* the transition function refuses it */
		if (crm_rb_state_push(&s, &r, (uint8_t) f, 0, NULL, 0, NULL, 0, &rerr) != 0)
			break;
	}
	return s;
}

/* index of customer id in the plan's moves, or -1 */
static int64_t
find_move(const CrmRbPlan *plan, int64_t id)
{
	int64_t		lo = 0;
	int64_t		hi = plan->nentries - 1;

	while (lo <= hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;

		if (plan->moves[mid].customer_id == id)
			return mid;
		if (plan->moves[mid].customer_id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* index of manager id in the plan's managers, or -1 */
static int32_t
find_manager(const CrmRbPlan *plan, int64_t id)
{
	int32_t		j;

	for (j = 0; j < plan->nmanagers; j++)
		if (plan->managers[j].id == id)
			return j;
	return -1;
}

static int
compare_rows(const void *a, const void *b)
{
	const CrmRbRow *x = *(const CrmRbRow *const *) a;
	const CrmRbRow *y = *(const CrmRbRow *const *) b;

	return (x->customer_id > y->customer_id) - (x->customer_id < y->customer_id);
}

/* The invariants of the header comment. */
static void
check_plan(const CrmRbStateValue *s, const CrmRbPlan *plan)
{
	const uint8_t *flags = CRM_RB_STATE_FLAGS(s);
	const CrmRbRow **cust = crm_core_alloc(sizeof(CrmRbRow *) * (size_t) (s->nrows + 1));
	double	   *before = crm_core_alloc(sizeof(double) * (size_t) (plan->nmanagers + 1));
	double	   *after = crm_core_alloc(sizeof(double) * (size_t) (plan->nmanagers + 1));
	int64_t		nc = 0;
	int64_t		i;
	int32_t		j;
	double		peak = 0;
	double		total_before = 0;
	double		total_after = 0;
	double		maxload = 0;

	for (i = 0; i < s->nrows; i++)
		if (!(flags[i] & CRM_RB_NO_CUSTOMER))
			cust[nc++] = &s->rows[i];
	qsort(cust, (size_t) nc, sizeof(*cust), compare_rows);
	FUZZ_ASSERT(plan->ncustomers == nc);
	for (i = 0; i < nc; i++)
	{
		const CrmRbRow *r = cust[i];
		uint8_t		f = flags[r - s->rows];
		int64_t		mv = find_move(plan, r->customer_id);
		int32_t		home = (f & CRM_RB_NO_MANAGER) ? -1 : find_manager(plan, r->manager_id);
		int32_t		end = mv >= 0 ? plan->moves[mv].to : home;

		FUZZ_ASSERT((f & CRM_RB_NO_MANAGER) || home >= 0);
		if (f & CRM_RB_NO_MANAGER)
			FUZZ_ASSERT(mv >= 0 && plan->moves[mv].from == -1);
		if (f & CRM_RB_PINNED)
			FUZZ_ASSERT(mv < 0);
		if (mv >= 0)
		{
			FUZZ_ASSERT(plan->moves[mv].from == home && plan->moves[mv].load == r->load);
			FUZZ_ASSERT(end >= 0 && end < plan->nmanagers && end != home);
		}
		if (home >= 0)
			before[home] += r->load;
		after[end] += r->load;
		maxload = fmax(maxload, r->load);
	}
	for (j = 0; j < plan->nmanagers; j++)
	{
		const CrmRbManager *m = &plan->managers[j];

		FUZZ_ASSERT(m->load_before == before[j] && m->load_after == after[j]);
		FUZZ_ASSERT(!isnan(m->capacity) && m->capacity >= 0);
		FUZZ_ASSERT(m->capacity > 0 || m->load_after == 0);
		if (m->capacity > 0)
			peak = fmax(peak, m->load_after / m->capacity);
		total_before += m->load_before;
		total_after += m->load_after;
	}
	for (i = 0; i < plan->nentries; i++)
		if (plan->moves[i].from < 0)
			total_before += plan->moves[i].load;
	FUZZ_ASSERT(isfinite(plan->peak_after) && isfinite(plan->peak_before) && isfinite(plan->lower_bound));
	FUZZ_ASSERT(plan->peak_after == peak);
	FUZZ_ASSERT(plan->peak_after >= plan->lower_bound * (1 - 1e-9));
	/* sums in another order: equal up to rounding at the scale of the total */
	FUZZ_ASSERT(fabs(total_after - total_before) <= 1e-9 * fmax(total_before, maxload));
	if (plan->norphans == 0)
		FUZZ_ASSERT(plan->peak_after <= plan->peak_before * (1 + 1e-6));
	crm_core_free(after);
	crm_core_free(before);
	crm_core_free(cust);
}

/* The same rows, reversed (costs and id bytes along). */
static CrmRbStateValue *
reversed(const CrmRbStateValue *s)
{
	CrmError	err = {0};
	CrmRbStateValue *t = crm_rb_state_alloc((CrmRbIdKind) s->idkind, s->sflags, s->caprows, s->capbytes, &err);
	int64_t		i;

	for (i = 0; i < s->nrows; i++)
	{
		t->rows[i] = s->rows[s->nrows - 1 - i];
		CRM_RB_STATE_FLAGS(t)[i] = CRM_RB_STATE_FLAGS(s)[s->nrows - 1 - i];
		if (s->sflags & CRM_RB_STATE_COSTS)
			CRM_RB_STATE_COSTV(t)[i] = CRM_RB_STATE_COSTV(s)[s->nrows - 1 - i];
	}
	if (s->nbytes > 0)
		memcpy(CRM_RB_STATE_IDBYTES(t), CRM_RB_STATE_IDBYTES(s), (size_t) s->nbytes);
	t->nbytes = s->nbytes;
	t->wirebytes = s->wirebytes;
	t->opts = s->opts;
	t->nrows = s->nrows;
	return t;
}

/*
 * The options of a dense input, from bits 1..5 of its first byte: target
 * 0, 0.5, 1 or 1.5, minimise relationships or load, max_moves 3 or none.
 * A decoded state keeps its own (defaults without).
 */
static CrmRbOptions
input_options(const CrmRbStateValue *s, uint8_t b)
{
	static const double targets[4] = {0, 0.5, 1, 1.5};
	CrmRbOptions o = CRM_RB_OPTIONS_DEFAULT;

	if (s->sflags & CRM_RB_STATE_OPTIONS)
		return s->opts;
	if ((b & 1) == 0)
		return o;
	o.target = targets[(b >> 1) & 3];
	o.minimise = ((b >> 3) & 1) && !(s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_MIN_LOAD : CRM_RB_MIN_RELATIONSHIPS;
	o.max_moves = (b >> 4) & 1 ? 3 : -1;
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmRbStateValue *s;
	CrmRbPlan	plan;
	CrmRbOptions opts;
	CrmRbIds	ids;
	const double *costs;

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0)
		s = crm_rb_state_decode(data + 1, size - 1, CRM_ERR_BINARY, &err);
	else
		s = dense_state(data + 1, size - 1);
	if (s == NULL)
	{
		arena_reset();
		return 0;
	}
	opts = input_options(s, data[0]);
	ids = crm_rb_state_ids(s);
	costs = (s->sflags & CRM_RB_STATE_COSTS) ? CRM_RB_STATE_COSTV(s) : NULL;
	if (crm_rb_solve(s->rows, CRM_RB_STATE_FLAGS(s), costs, s->nrows, &ids, &opts, &plan, &err) != 0)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	else
	{
		CrmError	err2 = {0};
		CrmRbStateValue *t = reversed(s);
		CrmRbIds	tids = crm_rb_state_ids(t);
		CrmRbPlan	plan2;
		size_t		psize;
		CrmRbPlanValue *p;
		int32_t		j;
		int64_t		i;

		if (s->idkind == CRM_RB_IDS_BIGINT)
			check_plan(s, &plan);
		/* 0 moves when everyone is within the target and nobody is orphaned */
		if (plan.norphans == 0 && plan.peak_before <= opts.target)
			FUZZ_ASSERT(plan.nentries == 0);
		if (opts.max_moves >= 0)
			FUZZ_ASSERT(plan.nmoves <= opts.max_moves);
		/* never a value the plan's input would refuse */
		p = crm_rb_plan_from_result(&plan, &ids, &psize, &err2);
		if (p == NULL)
			fprintf(stderr, "plan refused: %s (%s)\n", err2.message, err2.detail);
		FUZZ_ASSERT(p != NULL);
		/* the same rows in another order, the same plan */
		FUZZ_ASSERT(crm_rb_solve(t->rows, CRM_RB_STATE_FLAGS(t), costs ? CRM_RB_STATE_COSTV(t) : NULL,
								 t->nrows, &tids, &opts, &plan2, &err2) == 0);
		FUZZ_ASSERT(plan2.nmanagers == plan.nmanagers && plan2.nentries == plan.nentries &&
					plan2.peak_after == plan.peak_after && plan2.lower_bound == plan.lower_bound);
		for (j = 0; j < plan.nmanagers; j++)
			FUZZ_ASSERT(crm_rb_id_cmp(&ids, plan.managers[j].id, plan2.managers[j].id) == 0 &&
						memcmp(&plan.managers[j].capacity, &plan2.managers[j].capacity, 4 * sizeof(double)) == 0);
		for (i = 0; i < plan.nentries; i++)
			FUZZ_ASSERT(crm_rb_id_cmp(&ids, plan.moves[i].customer_id, plan2.moves[i].customer_id) == 0 &&
						plan.moves[i].from == plan2.moves[i].from && plan.moves[i].to == plan2.moves[i].to &&
						memcmp(&plan.moves[i].load, &plan2.moves[i].load, 2 * sizeof(double)) == 0);
	}
	arena_reset();
	return 0;
}
