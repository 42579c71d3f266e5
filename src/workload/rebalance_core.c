/*
 * rebalance_core.c
 *	  Rebalancing solver for crm.rebalance (see rebalance_core.h).
 *
 * The problem is scheduling on related machines (managers with
 * capacities, customers as jobs with loads) starting from a current
 * assignment.  Its objective (rebalance_core.h) is lexicographic: limits
 * on every manager's utilisation first, then the least moved weight.  Each
 * part is NP-hard in general (bin packing hides in both); customers' loads
 * are small next to a manager's book in practice, and the method below is
 * built for that case, with an exact search for groups small enough.
 *
 * Limits.  A probe asks whether every manager j can end within a limit
 * L_j, and builds such a plan when it can:
 *   1. An overloaded manager (load above L_j) gives up movable customers:
 *      its largest first (the fewest customers that cover the excess: no
 *      plan moves fewer out of that manager), finishing with the smallest
 *      one that covers the rest, so that it overshoots by as little as
 *      possible.  With move costs the order is load per unit of cost, and
 *      the finishing customer the cheapest that covers the rest: the
 *      greedy rule for the covering knapsack.  A manager whose pinned
 *      customers alone exceed L_j makes the limits infeasible.
 *   2. The customers given up and the orphans are placed largest first
 *      (first-fit decreasing, Johnson 1973): back with their own manager
 *      if it has room, else with the first manager, in order of capacity
 *      (largest first) then id, whose room L_j - load fits them.  A segment
 *      tree over the managers' rooms finds it in O(log m).  A customer that
 *      fits nowhere may take the place of the remaining book of the first
 *      manager that then has room; that book is placed again, largest first
 *      (see Evict).
 * The limits tried, in order (t = the target, pu_j = pinned utilisation):
 *   a. L_j = max(t, pu_j) * capacity_j.  Reachable: that is the plan, and
 *      nobody at or below t before ends above it (for them L_j = t c_j).
 *   b. Otherwise the least peak P: L_j = P c_j for all, P from the lower
 *      bound LB = max(total load / total capacity, largest load / largest
 *      capacity, max pu_j) (no plan can do better) upwards, by a geometric
 *      then a bisection search to a relative 1e-6 (Bentley and Yao 1976;
 *      reachability is not monotone in P for first fit, so P is reachable
 *      and close to the least, not certainly the least).  Then, when t > 0,
 *      the managers at or below t before are held at t c_j if the probe
 *      still succeeds (rule 2 of the objective), else everyone at P c_j.
 *      With t = 0 this is crm 0.1.0's search.
 * Then customers that left a manager that has room for them again in the
 * finished plan are sent home (SendBack): the smallest first when the
 * objective counts relationships (more of them fit), the largest first
 * when it counts load; a cap on moves (max_moves) keeps the moves that
 * help most (CapMoves).  When the objective is the load moved and the plan
 * moves more than 1.01 x the managers' excess over their limits, a plan
 * built by subset sums (PackBySums) and pairwise exact re-partitions
 * (RepartitionPairs) may replace it (ImproveLoadBySums).
 *
 * Exact search.  A group whose movable customers and orphans can be
 * assigned in at most 2^18 ways (say 8 customers and 4 managers) is solved
 * exactly instead: a depth-first enumeration of every assignment finds the
 * optimum of the same lexicographic objective (Exhaustive).
 *
 * Guarantees: every customer ends with exactly one manager, pinned
 * customers stay, orphans are assigned, every manager ends within the
 * limits the plan reports having reached, up to the rounding of the load
 * sums: loads are doubles, so a book whose loads differ by more than about
 * 2^53 (1e16 next to 1) loses the small ones in its sum, and the plan may
 * then be worse than it could be (it is still valid, and its reported
 * loads and peaks are the sums of its own assignment).  Deterministic:
 * every order has the ids as final tie-breakers, and the floating-point
 * sums run in customer-id order.
 *
 * References.  The problem is Q||Cmax in scheduling notation (R. L. Graham,
 * E. L. Lawler, J. K. Lenstra, A. H. G. Rinnooy Kan, "Optimization and
 * approximation in deterministic sequencing and scheduling: a survey",
 * Annals of Discrete Mathematics 5, 1979).  Fixing a target peak and
 * asking a bin-packing question is the dual approximation approach of
 * D. S. Hochbaum and D. B. Shmoys ("Using dual approximation algorithms for
 * scheduling problems: theoretical and practical results", J. ACM 34(1),
 * 1987).  First-fit decreasing: D. S. Johnson, "Near-optimal bin packing
 * algorithms", PhD thesis, MIT, 1973, and M. R. Garey and D. S. Johnson,
 * "Computers and Intractability", 1979.  The greedy rule for the covering
 * (min-cost) knapsack: H. Kellerer, U. Pferschy and D. Pisinger, "Knapsack
 * Problems", Springer 2004, section 13.3.3.  The search for the peak is an
 * unbounded (exponential) search: J. L. Bentley and A. C. Yao, "An almost
 * optimal algorithm for unbounded searching", Information Processing
 * Letters 5(3), 1976.
 *
 * Layout of this file: ids; sorting, the segment tree and the heap; one
 * probe (ShedExcess, PlaceAll, Probe); SendBack and the passes after it
 * (ImproveLoad, CancelCycles, the subset-sum passes for the load moved);
 * the search (CheckRange, SearchPeak); the exact search; CapMoves; the
 * setup of crm_rb_solve
 * (CheckRows ... FillPlan) and crm_rb_solve.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "rebalance_core.h"
#include "rebalance_types_core.h"

#if defined(__GNUC__) || defined(__clang__)
#define RB_PREFETCH(p) __builtin_prefetch(p)
#else
#define RB_PREFETCH(p) ((void) 0)
#endif

/* A zeroed array of n items of type (at least one, so never a NULL). */
#define ALLOC(type, n) ((type *) crm_core_alloc(sizeof(type) * (size_t) ((n) > 0 ? (n) : 1)))

/*
 * The same, not zeroed: for arrays every item of which is written before it
 * is read (the large ones of the setup, and the probes' workspace, of which a
 * probe uses only the part it needs; untouched pages cost nothing).
 */
#define ALLOC_UNINIT(type, n) \
	((type *) crm_core_alloc_uninit(sizeof(type) * (size_t) ((n) > 0 ? (n) : 1)))

/* evictions a probe may make before it gives up (see Evict) */
#define CRM_RB_MAX_EVICTIONS 16

/* assignments the exact search may enumerate */
#define CRM_RB_EXACT_LEAVES (1 << 18)

/* A sort item: the key, then the index it belongs to. */
typedef struct KeyIdx
{
	uint64_t	key;
	uint32_t	idx;
	uint32_t	pad;
} KeyIdx;

/*
 * An evicted customer with its load and manager: the queue compares loads,
 * and the placement reads both, without a lookup in the customer arrays
 * (a cache miss each, at a million customers).
 */
typedef struct HeapItem
{
	double		w;
	uint32_t	c;
	int32_t		from;
} HeapItem;

/*
 * The customers one eviction gave up, in the order they leave (largest
 * load first, then lowest index): n items of the probe's eviction buffer,
 * the next at position at.
 */
typedef struct EvictRun
{
	const HeapItem *items;
	int64_t		n;
	int64_t		at;
} EvictRun;

/* how a probe sets the managers' limits (see the header comment) */
typedef enum LimitMode
{
	LIMIT_TARGET,				/* max(T, pu) * capacity */
	LIMIT_PEAK,					/* P * capacity */
	LIMIT_PEAK_HOLD				/* P * capacity, t * capacity for those at or below t */
} LimitMode;

/*
 * The solver's state for one group: the managers and customers (both by
 * id, as indexes), the movable customers of each manager and the orphans
 * in the orders the probes read them, and the probes' workspace.
 */
typedef struct Solver
{
	uint64_t	ticks;
	CrmRbOptions opts;
	bool		has_cost;

	/* managers, by id */
	int32_t		m;
	int64_t    *mgr_id;
	double	   *cap;
	double	   *load;			/* before */
	double	   *pinned;
	double	   *limit;			/* of the current probe */
	int64_t    *ncust;
	int64_t    *mstart;			/* first movable customer in mov[] */
	int64_t    *mcount;			/* number of movable customers */
	double	   *room;
	int32_t    *order;			/* first-fit order: capacity desc, id */
	int32_t    *pos;			/* manager -> position in order, -1: no room ever */
	int32_t		norder;

	/* customers, by id */
	int64_t		nc;
	uint32_t   *crow;			/* its row (the id: CustomerKey) */
	const CrmRbRow *rows;		/* the rows (ids ranked for text and uuid) */
	const int64_t *ckey;		/* text and uuid: rank -> key; else NULL */
	double	   *cload;
	double	   *ccost;			/* move cost; NULL without costs (each 1): CostOf */
	int32_t    *cmgr;			/* -1: orphan */
	uint8_t    *cpinned;		/* movable = false */
	int32_t    *assign;

	/* movable customers of managers, by manager, shedding priority ascending */
	int64_t		nmov;
	uint32_t   *mov;			/* customer index */
	double	   *movload;
	/* orphans, load descending, id; and their loads in that order */
	int64_t		norph;
	uint32_t   *orph;
	double	   *orphw;

	/* probe workspace */
	int64_t    *keepk;			/* movable customers kept: a prefix of mov[] ... */
	int64_t    *midk;			/* ... except this one (-1: none) */
	double	   *keepload;		/* their load */
	uint8_t    *evicted;
	struct EvictRun *runs;		/* evicted customers: a heap of runs (see RunsPush) */
	int64_t		nheap;			/* runs in it */
	struct HeapItem *evbuf;		/* the runs' customers (each evicted once a probe) */
	int64_t		nev;			/* in use */
	int			nevict;			/* evictions in this probe */
	bool		evict_whole;	/* evict whole books (crm 0.1.0's rule; see Evict) */
	bool		worst_fit;		/* place into the largest room (see Probe) */
	KeyIdx	   *pool;			/* idx: position in the three arrays below */
	KeyIdx	   *pooltmp;
	uint32_t   *poolcust;		/* customers given up, in the order given up */
	double	   *poolw;			/* their loads */
	int32_t    *poolfrom;		/* their managers */
	double	   *tree;
	int32_t		treesize;

	/* totals of the setup (sums in customer-id order) */
	double		total;			/* load of all customers */
	double		maxload;		/* the largest customer's load */
	double		capsum;			/* capacity of all managers */
	double		maxcap;			/* the largest capacity */
	double		peak_before;	/* over the customers that had a manager */
} Solver;

/* ----------------------------------------------------------------------
 * Ids
 * ---------------------------------------------------------------------- */

/* Bytes of the id at a key. */
const uint8_t *
crm_rb_id_bytes(const CrmRbIds *ids, int64_t key, int *len)
{
	const uint8_t *p = ids->bytes + key;

	if (ids->kind == CRM_RB_IDS_UUID)
	{
		*len = 16;
		return p;
	}
	if (p[0] < 0x80)
	{
		*len = p[0];
		return p + 1;
	}
	*len = ((p[0] & 0x7F) << 8) | p[1];
	return p + 2;
}

/* Compare two ids: numbers, or bytes with the shorter first on a common prefix. */
int
crm_rb_id_cmp(const CrmRbIds *ids, int64_t a, int64_t b)
{
	const uint8_t *x;
	const uint8_t *y;
	int			lx,
				ly,
				c;

	if (ids == NULL || ids->kind == CRM_RB_IDS_BIGINT)
		return (a > b) - (a < b);
	x = crm_rb_id_bytes(ids, a, &lx);
	y = crm_rb_id_bytes(ids, b, &ly);
	c = memcmp(x, y, (size_t) (lx < ly ? lx : ly));
	if (c != 0)
		return c;
	return (lx > ly) - (lx < ly);
}

/* An id for a message (see rebalance_core.h). */
const char *
crm_rb_id_text(const CrmRbIds *ids, int64_t key, char *buf)
{
	const uint8_t *p;
	int			len,
				i;
	char	   *o = buf;

	if (ids == NULL || ids->kind == CRM_RB_IDS_BIGINT)
	{
		snprintf(buf, CRM_RB_ID_TEXT_LEN, "%lld", (long long) key);
		return buf;
	}
	p = crm_rb_id_bytes(ids, key, &len);
	if (ids->kind == CRM_RB_IDS_UUID)
	{
		static const char hex[] = "0123456789abcdef";

		for (i = 0; i < 16; i++)
		{
			if (i == 4 || i == 6 || i == 8 || i == 10)
				*o++ = '-';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 15];
		}
		*o = '\0';
		return buf;
	}
	*o++ = '"';
	for (i = 0; i < len && i < 60; i++)
	{
		if (p[i] >= 0x20 && p[i] != 0x7F && p[i] != '"' && p[i] != '\\')
			*o++ = (char) p[i];
		else
			o += snprintf(o, 5, "\\x%02x", p[i]);
	}
	if (len > 60)
	{
		memcpy(o, "...", 3);
		o += 3;
	}
	*o++ = '"';
	*o = '\0';
	return buf;
}

/* The key of customer c's id (see CrmRbRow). */
static inline int64_t
CustomerKey(const Solver *s, int64_t c)
{
	int64_t		k = s->rows[s->crow[c]].customer_id;

	return s->ckey ? s->ckey[k] : k;
}

/* The move cost of customer c (1 without costs). */
static inline double
CostOf(const Solver *s, int64_t c)
{
	return s->ccost ? s->ccost[c] : 1.0;
}

/*
 * An interrupt check every 65,536 steps of a loop over index i.  Tick
 * counts in the solver, a read and a write of memory on every step, which
 * showed in the profiles of the loops over a million customers; TickAt
 * reads the loop's own index.
 */
static inline void
TickAt(int64_t i)
{
	if ((i & 0xFFFF) == 0)
		crm_check_interrupts();
}

/* One step of a loop that can run long: check for interrupts now and then. */
static inline void
Tick(Solver *s)
{
	if ((++s->ticks & 0xFFFF) == 0)
		crm_check_interrupts();
}

/* The sort key of a non-negative double: its bits (-0 as 0). */
static uint64_t
DoubleKey(double d)
{
	uint64_t	u;

	d = d == 0.0 ? 0.0 : d;		/* -0 sorts as 0 */
	memcpy(&u, &d, sizeof(u));
	return u;					/* non-negative doubles sort as their bits */
}

/* keys spanning at most this many values are sorted by counting (CountingSort) */
#define CRM_RB_COUNTING_RANGE ((uint64_t) 1 << 26)

/*
 * Stable counting sort of a by key, for keys in [lo, lo + range): one pass
 * counts every key value, one places the items (Knuth, vol. 3, section
 * 5.2, "Algorithm D").  Ids of a table with a serial key and the solver's
 * compressed (manager, load rank) keys span few values, and this reads and
 * writes the items once where the byte-wise sort below does so once per
 * byte that varies.
 */
static void
CountingSort(KeyIdx *a, KeyIdx *tmp, int64_t n, uint64_t lo, uint64_t range)
{
	uint32_t   *count = ALLOC(uint32_t, range + 1);
	uint64_t	v;
	uint32_t	sum = 0;
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		count[a[i].key - lo]++;
		if ((i & 0xFFFFF) == 0)
			crm_check_interrupts();
	}
	for (v = 0; v < range; v++)
	{
		uint32_t	t = count[v];

		count[v] = sum;
		sum += t;
		TickAt((int64_t) v);
	}
	for (i = 0; i < n; i++)
	{
		tmp[count[a[i].key - lo]++] = a[i];
		if ((i & 0xFFFFF) == 0)
			crm_check_interrupts();
	}
	memcpy(a, tmp, sizeof(KeyIdx) * (size_t) n);
	crm_core_free(count);
}

/*
 * Stable LSD radix sort of a by key, bytes from low to high; bytes that are
 * the same in every item are skipped.  One pass counts all eight bytes, so
 * the data is read once plus once per byte that varies.  Keys that span
 * at most about 2n values (and CRM_RB_COUNTING_RANGE) are sorted by
 * counting instead, in one pass.  tmp has room for n items.
 *
 * Least-significant-digit radix sorting (D. E. Knuth, The Art of Computer
 * Programming, vol. 3, section 5.2.5, "Sorting by distribution"): a stable
 * counting sort on each byte, lowest first, leaves the items sorted by the
 * whole key, ties in their input order.  That stability is what the
 * solver's orders rely on: sorting by load, then by manager, gives each
 * manager's customers by load with the ids (the input order) breaking
 * ties.  O(n) per byte, with no comparisons, and every pass checks for
 * interrupts.
 */
static void
RadixSort(Solver *s, KeyIdx *a, KeyIdx *tmp, int64_t n)
{
	KeyIdx	   *src = a;
	KeyIdx	   *dst = tmp;
	int64_t    (*count)[256];
	int64_t		i;
	int			byte;
	uint64_t	lo = UINT64_MAX;
	uint64_t	hi = 0;

	if (n < 2)
		return;
	for (i = 0; i < n; i++)
	{
		lo = a[i].key < lo ? a[i].key : lo;
		hi = a[i].key > hi ? a[i].key : hi;
	}
	if (hi - lo < CRM_RB_COUNTING_RANGE && hi - lo <= 2 * (uint64_t) n + 65536)
	{
		CountingSort(a, tmp, n, lo, hi - lo + 1);
		return;
	}
	count = crm_core_alloc(sizeof(int64_t) * 8 * 256);
	for (i = 0; i < n; i++)
	{
		uint64_t	k = a[i].key;

		for (byte = 0; byte < 8; byte++)
			count[byte][(k >> (8 * byte)) & 0xFF]++;
		if ((i & 0xFFFFF) == 0)
			crm_check_interrupts();
	}
	for (byte = 0; byte < 8; byte++)
	{
		int			shift = 8 * byte;
		int64_t    *c = count[byte];
		int64_t		sum = 0;
		int			b;

		if (c[(a[0].key >> shift) & 0xFF] == n)
			continue;			/* every item has this byte */
		for (b = 0; b < 256; b++)
		{
			int64_t		t = c[b];

			c[b] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
			dst[c[(src[i].key >> shift) & 0xFF]++] = src[i];
		{
			KeyIdx	   *t = src;

			src = dst;
			dst = t;
		}
		crm_check_interrupts();
	}
	crm_core_free(count);
	if (src != a)
		memcpy(a, src, sizeof(KeyIdx) * (size_t) n);
}

/* ----------------------------------------------------------------------
 * Segment tree over the first-fit order: max room in each subtree.
 *
 * First fit asks for the first manager, in a fixed order, whose room is at
 * least w.  A complete binary tree over the managers in that order, each
 * node holding the largest room below it, answers in O(log m): from the
 * root, go left when the left subtree's largest room fits, else right.
 * Changing one room updates its path to the root, also O(log m).  This is
 * the tree D. S. Johnson used to run first fit in O(n log n) ("Fast
 * algorithms for bin packing", J. Computer and System Sciences 8, 1974).
 * The leaves beyond the managers hold -1, which no load fits.
 * ---------------------------------------------------------------------- */

/* The larger of two rooms (never NaN: a plain maximum; fmax is a libm call). */
static inline double
RoomMax(double a, double b)
{
	return a >= b ? a : b;
}

/* Fill the tree from the managers' rooms, leaves first. */
static void
TreeBuild(Solver *s)
{
	int32_t		i;

	for (i = 0; i < s->treesize; i++)
		s->tree[s->treesize + i] = i < s->norder ? s->room[s->order[i]] : -1.0;
	for (i = s->treesize - 1; i >= 1; i--)
		s->tree[i] = RoomMax(s->tree[2 * i], s->tree[2 * i + 1]);
}

/* Set the room of position p of the first-fit order, and its path to the root. */
static void
TreeSet(Solver *s, int32_t p, double v)
{
	int32_t		i = s->treesize + p;

	s->tree[i] = v;
	for (i /= 2; i >= 1; i /= 2)
	{
		double		m = RoomMax(s->tree[2 * i], s->tree[2 * i + 1]);

		if (s->tree[i] == m)
			break;				/* the maxima above are unchanged too */
		s->tree[i] = m;
	}
}

/* The first position of the first-fit order whose room is >= x, or -1. */
static int32_t
TreeFind(const Solver *s, double x)
{
	int32_t		i = 1;

	if (s->treesize == 0 || !(s->tree[1] >= x))
		return -1;
	while (i < s->treesize)
		i = s->tree[2 * i] >= x ? 2 * i : 2 * i + 1;
	return i - s->treesize;
}

/* The position with the largest room, if it is >= x (ties: the first), or -1. */
static int32_t
TreeFindMax(const Solver *s, double x)
{
	int32_t		i = 1;

	if (s->treesize == 0 || !(s->tree[1] >= x))
		return -1;
	while (i < s->treesize)
		i = s->tree[2 * i] >= s->tree[2 * i + 1] ? 2 * i : 2 * i + 1;
	return i - s->treesize;
}

/*
 * The evicted customers wait, so that they join the largest-first
 * placement in order.  Each eviction gives up a run of one manager's
 * customers, put in order as it is made (a pass over its part of mov[],
 * which is in load order without move costs; a sort with them); the runs
 * wait in a binary max-heap by their next customer (J. W. J. Williams,
 * "Algorithm 232: Heapsort", CACM 7(6), 1964), a k-way merge of at most
 * CRM_RB_MAX_EVICTIONS runs: O(log runs) a customer, where a heap of the
 * customers themselves took O(log n) each (whole books of a thousand
 * customers are evicted).
 */

/* Queue order: larger load first, then lower customer index. */
static inline bool
HeapAbove(HeapItem a, HeapItem b)
{
	return a.w > b.w || (a.w == b.w && a.c < b.c);
}

/* The next customer of run r. */
static inline HeapItem
RunTop(const EvictRun *r)
{
	return r->items[r->at];
}

/* qsort order of HeapItems: the queue's (HeapAbove) first. */
static int
HeapItemCmp(const void *a, const void *b)
{
	const HeapItem *x = a;
	const HeapItem *y = b;

	return HeapAbove(*x, *y) ? -1 : HeapAbove(*y, *x) ? 1 : 0;
}

/* Restore the heap of runs below position i (sift down). */
static void
RunsSiftDown(Solver *s, int64_t i)
{
	EvictRun	x = s->runs[i];

	for (;;)
	{
		int64_t		l = 2 * i + 1;
		int64_t		best = i;
		HeapItem	bv = RunTop(&x);

		if (l < s->nheap && HeapAbove(RunTop(&s->runs[l]), bv))
		{
			best = l;
			bv = RunTop(&s->runs[l]);
		}
		if (l + 1 < s->nheap && HeapAbove(RunTop(&s->runs[l + 1]), bv))
			best = l + 1;
		if (best == i)
			break;
		s->runs[i] = s->runs[best];
		i = best;
	}
	s->runs[i] = x;
}

/* The queue item of the customer at mov[at], evicted from manager from. */
static inline HeapItem
EvictedItem(const Solver *s, int64_t at, int32_t from)
{
	HeapItem	x;

	x.w = s->movload[at];
	x.c = s->mov[at];
	x.from = from;
	return x;
}

/*
 * Add the customers at manager from's mov[] positions [lo, hi) except skip
 * (given up before, by ShedExcess; -1: none) as a run, in the order they
 * leave.  Without move costs mov[] is by load, then index: the groups of
 * equal load are taken from the top, each from its lowest index (a pass);
 * with costs it is by load per cost, and the run is sorted.
 */
static void
RunsPush(Solver *s, int32_t from, int64_t lo, int64_t hi, int64_t skip)
{
	int64_t		base = s->mstart[from];
	HeapItem   *out = s->evbuf + s->nev;
	int64_t		n = 0;
	int64_t		p;
	EvictRun	r;
	int64_t		i;

	if (!s->has_cost)
	{
		int64_t		h = hi;

		while (h > lo)
		{
			double		wmax;
			int64_t		g;

			if (h - 1 == skip)
			{
				h--;
				continue;
			}
			wmax = s->movload[base + h - 1];
			for (g = h - 1; g > lo && (s->movload[base + g - 1] == wmax || g - 1 == skip); g--)
				;
			for (p = g; p < h; p++)
				if (p != skip)
				{
					out[n++] = EvictedItem(s, base + p, from);
					TickAt(n);
				}
			h = g;
		}
	}
	else
	{
		for (p = lo; p < hi; p++)
			if (p != skip)
			{
				out[n++] = EvictedItem(s, base + p, from);
				TickAt(n);
			}
		qsort(out, (size_t) n, sizeof(HeapItem), HeapItemCmp);
	}
	if (n == 0)
		return;
	s->nev += n;
	r.items = out;
	r.n = n;
	r.at = 0;
	i = s->nheap++;
	while (i > 0 && HeapAbove(RunTop(&r), RunTop(&s->runs[(i - 1) / 2])))
	{
		s->runs[i] = s->runs[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->runs[i] = r;
}

/* Remove and return the next evicted customer (the top run's next). */
static HeapItem
RunsPop(Solver *s)
{
	EvictRun   *r = &s->runs[0];
	HeapItem	top = RunTop(r);

	if (++r->at == r->n)
		s->runs[0] = s->runs[--s->nheap];
	if (s->nheap > 0)
		RunsSiftDown(s, 0);
	return top;
}

/*
 * A customer of load w fits nowhere: make room with the manager that needs
 * to give up least of its remaining movable customers for w to fit (best
 * fit: the smallest w - room; ties to the first-fit order), giving up its
 * largest first until it has room.  They go to the evicted heap and are
 * placed again (most of them back where they were, or into small rooms
 * elsewhere).  Each manager is evicted from at most once a probe, so this
 * ends; a probe gives up after CRM_RB_MAX_EVICTIONS, which leaves room for
 * a few customers heavier than anyone's free room without letting a probe
 * near the infeasible boundary shuffle every book.  crm 0.1.0 gave up the
 * whole book of the first manager with room, which moved many small
 * customers between managers that only received (measured on books of 20
 * customers a manager: twice the least load for the peak); it sometimes
 * reaches a peak the partial rule does not, so a probe that fails with the
 * partial rule is tried again with it (evict_whole; see Probe).  Returns
 * the manager or -1.
 */
static int32_t
Evict(Solver *s, double w)
{
	int32_t		p;
	int32_t		best = -1;
	double		bestneed = 0;
	int32_t		j;
	int64_t		base;
	int64_t		k;

	if (++s->nevict > CRM_RB_MAX_EVICTIONS)
		return -1;
	for (p = 0; p < s->norder; p++)
	{
		j = s->order[p];
		if (s->evicted[j] || s->keepk[j] == 0 || s->room[j] + s->keepload[j] < w)
			continue;
		if (best < 0 || w - s->room[j] < bestneed)
		{
			best = p;
			bestneed = w - s->room[j];
		}
	}
	if (best < 0)
		return -1;
	if (s->evict_whole)
	{
		/* the first in first-fit order, its whole book */
		for (p = 0; p < s->norder; p++)
		{
			j = s->order[p];
			if (!s->evicted[j] && s->keepk[j] > 0 && s->room[j] + s->keepload[j] >= w)
				break;
		}
		best = p;
		bestneed = INFINITY;
	}
	j = s->order[best];
	base = s->mstart[j];
	k = s->keepk[j];
	while ((s->room[j] < w || bestneed == INFINITY) && k > 0)
	{
		k--;
		if (k == s->midk[j])
			continue;			/* already given up by ShedExcess */
		s->room[j] += s->movload[base + k];
		s->keepload[j] -= s->movload[base + k];
	}
	RunsPush(s, j, k, s->keepk[j], s->midk[j]);
	if (s->midk[j] >= k)
		s->midk[j] = -1;
	s->keepk[j] = k;
	s->evicted[j] = 1;
	TreeSet(s, best, s->room[j]);
	return j;
}


/* ----------------------------------------------------------------------
 * One probe: can every manager j stay within s->limit[j]?  With write,
 * the assignment is recorded in s->assign.
 * ---------------------------------------------------------------------- */

/*
 * The finishing customer of a manager giving up load with move costs: of
 * the first k in mov[], the cheapest whose load covers the excess (ties:
 * the smaller load, then the lower index, which is the id order among
 * equals), or -1.  A linear scan: costs are the rare case, and the order
 * of mov[] (load per cost) says nothing about loads.
 */
static int64_t
CheapestCover(const Solver *s, int32_t j, int64_t k, double excess)
{
	int64_t		base = s->mstart[j];
	int64_t		best = -1;
	int64_t		i;

	for (i = 0; i < k; i++)
	{
		uint32_t	c = s->mov[base + i];

		if (s->movload[base + i] < excess)
			continue;
		if (best < 0 || s->ccost[c] < s->ccost[s->mov[base + best]] ||
			(s->ccost[c] == s->ccost[s->mov[base + best]] &&
			 s->movload[base + i] < s->movload[base + best]))
			best = i;
	}
	return best;
}

/*
 * Step 1 of a probe for manager j: give up movable customers until its
 * load is within its limit (see the header comment), appending them to
 * the pool; set its kept customers, kept load and room.  False when its
 * pinned customers alone exceed the limit.
 */
static bool
ShedExcess(Solver *s, int32_t j, int64_t *npool, double *poolsum)
{
	double		limit = s->limit[j];
	double		excess = s->load[j] - limit;
	int64_t		base = s->mstart[j];
	int64_t		k = s->mcount[j];
	double		kept = s->load[j] - s->pinned[j];

	s->midk[j] = -1;
	s->evicted[j] = 0;
	while (excess > 0)
	{
		int64_t		lo = 0;
		int64_t		hi = k;
		int64_t		take;
		bool		last;

		if (k == 0)
			return false;	/* pinned customers alone exceed the limit */
		if (s->has_cost)
		{
			/* the best load per cost first, or the cheapest that covers the rest */
			lo = CheapestCover(s, j, k, excess);
			last = lo >= 0;
			take = last ? lo : k - 1;
		}
		else if (s->movload[base + k - 1] < excess)
		{
			/* none covers it (the usual case): give up the largest */
			last = false;
			take = k - 1;
		}
		else
		{
			/* first of the k smallest whose load covers the excess */
			while (lo < hi)
			{
				int64_t		mid = lo + (hi - lo) / 2;

				if (s->movload[base + mid] >= excess)
					hi = mid;
				else
					lo = mid + 1;
			}
			last = lo < k;
			take = last ? lo : k - 1;
		}
		/*
		 * The placement loop reads the load and manager from these
		 * arrays, in pool order, rather than from the customer arrays
		 * at random: a probe of a million customers is bound by those
		 * cache misses otherwise.
		 */
		s->pool[*npool].key = ~(DoubleKey(s->movload[base + take]) >> 32) & 0xFFFFFFFFu;
		s->pool[*npool].idx = (uint32_t) *npool;
		s->poolcust[*npool] = s->mov[base + take];
		s->poolw[*npool] = s->movload[base + take];
		s->poolfrom[*npool] = j;
		(*npool)++;
		*poolsum += s->movload[base + take];
		excess -= s->movload[base + take];
		kept -= s->movload[base + take];
		if (last)
		{
			s->midk[j] = take;
			break;
		}
		k--;
		Tick(s);
	}
	s->keepk[j] = k;
	s->keepload[j] = kept;
	s->room[j] = s->cap[j] > 0 ? -excess : -1.0;
	return true;
}

/*
 * The next customer to place, largest first, from the three sources: the
 * pool (sorted), the orphans (sorted) and the evicted heap.  *a and *b are
 * the positions in the first two; sets the customer, its load and the
 * manager it comes from (-1 for an orphan).
 */
static void
NextToPlace(Solver *s, int64_t npool, int64_t *a, int64_t *b,
			uint32_t *c, double *w, int32_t *from)
{
	int			src = -1;
	double		bw = -1;

	if (*a < npool)
	{
		src = 0;
		bw = s->poolw[s->pool[*a].idx];
	}
	if (*b < s->norph && s->orphw[*b] > bw)
	{
		src = 1;
		bw = s->orphw[*b];
	}
	if (s->nheap > 0 && RunTop(&s->runs[0]).w > bw)
		src = 2;
	if (src == 0)
	{
		uint32_t	q = s->pool[(*a)++].idx;

		*c = s->poolcust[q];
		*w = s->poolw[q];
		*from = s->poolfrom[q];
	}
	else if (src == 1)
	{
		*c = s->orph[*b];
		*w = s->orphw[*b];
		*from = -1;
		(*b)++;
	}
	else
	{
		HeapItem	x = RunsPop(s);

		*c = x.c;
		*w = x.w;
		*from = x.from;
	}
}

/*
 * Step 2 of a probe: place the pool, the orphans and the evicted, largest
 * first, each back with its own manager when it has room, else first fit
 * (evicting when nothing fits).  False when a customer fits nowhere.
 *
 * This is first-fit decreasing bin packing (Johnson 1973; Garey and
 * Johnson 1979) with bins of unequal sizes, the rooms P * capacity - kept
 * load, taken in order of capacity: each item, largest first, goes into
 * the first bin it fits.  Largest first matters: the large items find room
 * while there is still much of it, and the small ones fill the gaps; for
 * equal bins FFD never needs more than 11/9 OPT + 6/9 bins (G. Dosa,
 * "The tight bound of first fit decreasing bin-packing algorithm is
 * FFD(I) <= 11/9 OPT(I) + 6/9", ESCAPE 2007).  Three sorted sources are
 * merged on the fly (NextToPlace), so the pool, the orphans and the
 * evicted are never sorted together.
 */
static bool
PlaceAll(Solver *s, int64_t npool, bool write)
{
	int64_t		a = 0;
	int64_t		b = 0;
	uint64_t	steps = 0;		/* for the interrupt check (a local: see TickAt) */
	int32_t		pend = -1;		/* the manager whose room the tree does not show yet */
	int32_t		lastto = -1;	/* the last first-fit answer ... */
	double		lastw = -1;		/* ... and the load it was asked for */

	s->nheap = 0;
	s->nev = 0;
	s->nevict = 0;
	while (a < npool || b < s->norph || s->nheap > 0)
	{
		uint32_t	c;
		double		w;
		int32_t		from;
		int32_t		to;

		NextToPlace(s, npool, &a, &b, &c, &w, &from);
		if (from >= 0 && s->room[from] >= w)
			to = from;		/* it fits where it is after all */
		else if (!s->worst_fit && w == lastw && s->room[lastto] >= w)
		{
			/*
			 * First fit for the load it last answered: rooms only shrank
			 * since (no eviction in between), so the managers before that
			 * answer still have no room for w, and it still has.  Runs of
			 * equal loads (a policy's tiers) skip the tree this way.
			 */
			to = lastto;
		}
		else
		{
			int32_t		p;

			if (pend >= 0)
				TreeSet(s, s->pos[pend], s->room[pend]);
			pend = -1;
			p = s->worst_fit ? TreeFindMax(s, w) : TreeFind(s, w);
			if (p >= 0)
			{
				to = s->order[p];
				lastto = to;
				lastw = w;
			}
			else
			{
				if ((to = Evict(s, w)) < 0)
					return false;
				lastto = -1;	/* rooms grew: no answer stands */
				lastw = -1;
			}
		}
		s->room[to] -= w;
		if (s->pos[to] >= 0 && to != pend)
		{
			/* the tree learns a manager's room when another one changes */
			if (pend >= 0)
				TreeSet(s, s->pos[pend], s->room[pend]);
			pend = to;
		}
		if (write)
			s->assign[c] = to;
		if ((++steps & 0xFFFF) == 0)
			crm_check_interrupts();
	}
	return true;
}


/* The limit of manager j for a probe at level T (see LimitMode). */
static double
Limit(const Solver *s, int32_t j, double T, LimitMode mode)
{
	double		c = s->cap[j];

	switch (mode)
	{
		case LIMIT_TARGET:
			return fmax(T * c, s->pinned[j]);
		case LIMIT_PEAK:
			return T * c;
		case LIMIT_PEAK_HOLD:
			/* at or below the target before: held there */
			if (s->load[j] <= s->opts.target * c)
				return fmin(T * c, s->opts.target * c);
			return T * c;
	}
	return T * c;
}

/* One probe with the current eviction rule (see Probe). */
static bool
ProbeOnce(Solver *s, double T, LimitMode mode, bool write)
{
	int64_t		npool = 0;
	double		poolsum = 0;
	double		roomsum = 0;
	int64_t		i;
	int32_t		j;

	for (j = 0; j < s->m; j++)
	{
		s->limit[j] = Limit(s, j, T, mode);
		if (!ShedExcess(s, j, &npool, &poolsum))
			return false;
		if (s->cap[j] > 0)
			roomsum += s->room[j];
		Tick(s);
	}
	if (poolsum > 0 && poolsum > roomsum * (1 + 1e-12))
		return false;

	/*
	 * Largest first.  The key is the top 32 bits of the load (sign, exponent
	 * and 20 bits of mantissa): the order of loads that differ by more than
	 * a relative 1e-6, and a stable order among the rest.
	 */
	RadixSort(s, s->pool, s->pooltmp, npool);
	TreeBuild(s);

	if (write)
		for (i = 0; i < s->nc; i++)
			s->assign[i] = s->cmgr[i];
	return PlaceAll(s, npool, write);
}

/*
 * Whether the limits at level T are reachable (steps 1 and 2); with write,
 * the assignment.  The search's probes place first fit and evict whole
 * books (crm 0.1.0's rules, which reach the tightest peaks).  The plan's
 * own probe tries gentler rules first and keeps the first that succeeds:
 * within the target's limits (modes other than the least peak), worst fit
 * (each customer to the manager with the most room left: the
 * relationships moved are the same, and they are spread over the managers
 * with slack instead of filling the first one to its limit); then first
 * fit with evictions that give up as little as they can (see Evict); then
 * the search's rules.
 */
static bool
Probe(Solver *s, double T, LimitMode mode, bool write)
{
	bool		ok;

	s->worst_fit = false;
	if (write)
	{
		if (mode != LIMIT_PEAK)
		{
			s->worst_fit = true;
			s->evict_whole = false;
			ok = ProbeOnce(s, T, mode, true);
			s->worst_fit = false;
			if (ok)
				return true;
		}
		s->evict_whole = false;
		if (ProbeOnce(s, T, mode, true))
			return true;
	}
	s->evict_whole = true;
	return ProbeOnce(s, T, mode, write);
}

/* The weight a move of customer c counts for in the objective. */
static inline double
MoveWeight(const Solver *s, uint32_t c)
{
	if (s->opts.minimise == CRM_RB_MIN_LOAD)
		return s->cload[c];
	return CostOf(s, c);
}

/*
 * The probe gives up a manager's largest customers first and places them
 * first-fit, which can move more than needed: a customer can leave a
 * manager that, once the plan is complete, has room for it again.  Send
 * such customers home while their home stays within its limit; no limit
 * is exceeded and every such step lowers the moved weight.  When the
 * objective counts load, the largest go first (the most load back);
 * when it counts relationships, the smallest first (the most customers
 * back), or with move costs the most cost per load.
 */
static void
SendBack(Solver *s)
{
	double	   *after = crm_core_alloc(sizeof(double) * (size_t) (s->m > 0 ? s->m : 1));
	KeyIdx	   *back;
	KeyIdx	   *tmp;
	int64_t		nb = 0;
	int64_t		i;

	/* those that moved are movable: at most nmov */
	back = ALLOC_UNINIT(KeyIdx, s->nmov);
	tmp = ALLOC_UNINIT(KeyIdx, s->nmov);
	for (i = 0; i < s->nc; i++)
	{
		after[s->assign[i]] += s->cload[i];
		if (s->cmgr[i] >= 0 && s->assign[i] != s->cmgr[i])
		{
			if (s->opts.minimise == CRM_RB_MIN_LOAD)
				back[nb].key = ~DoubleKey(s->cload[i]);
			else if (s->has_cost)
				back[nb].key = ~DoubleKey(s->cload[i] > 0 ? s->ccost[i] / s->cload[i] : DBL_MAX);
			else
				back[nb].key = DoubleKey(s->cload[i]);
			back[nb].idx = (uint32_t) i;
			nb++;
		}
	}
	RadixSort(s, back, tmp, nb);
	for (i = 0; i < nb; i++)
	{
		uint32_t	c = back[i].idx;
		int32_t		home = s->cmgr[c];
		double		w = s->cload[c];

		if (s->limit[home] - after[home] >= w)
		{
			after[home] += w;
			after[s->assign[c]] -= w;
			s->assign[c] = home;
		}
		TickAt(i);
	}
	crm_core_free(tmp);
	crm_core_free(back);
	crm_core_free(after);
}

/*
 * Exchanges that lower the moved load at the same limits: a customer c
 * that left manager h for d goes back home, and a smaller movable customer
 * x still at h goes to d in its place, when h's room then still holds
 * (x >= c - room of h) and the objective's weight does not grow (x's move
 * counts no more than c's: the same count of relationships, or a move
 * cost no higher).  d's load falls by c - x, so no limit is exceeded; the
 * smallest such x gains most.  Largest c first, a few passes (each
 * exchange lowers the moved load, so this ends).  The shedding step gives
 * up a manager's largest customers, which is right for the number of
 * relationships and can be far from the least load where receivers must
 * be filled exactly; this is a 2-exchange local search in the sense of
 * C. H. Papadimitriou and K. Steiglitz, "Combinatorial Optimization:
 * Algorithms and Complexity", 1982, chapter 19.
 */
static void
ImproveLoad(Solver *s)
{
	double	   *room = crm_core_alloc(sizeof(double) * (size_t) (s->m > 0 ? s->m : 1));
	KeyIdx	   *moved;
	KeyIdx	   *tmp;
	int64_t		nmoved = 0;
	int64_t		i;
	int32_t		j;
	int			pass;

	for (j = 0; j < s->m; j++)
		room[j] = s->limit[j];
	/* those that moved are movable: at most nmov */
	moved = ALLOC_UNINIT(KeyIdx, s->nmov);
	tmp = ALLOC_UNINIT(KeyIdx, s->nmov);
	for (i = 0; i < s->nc; i++)
	{
		room[s->assign[i]] -= s->cload[i];
		if (s->cmgr[i] >= 0 && s->assign[i] != s->cmgr[i])
		{
			moved[nmoved].key = ~DoubleKey(s->cload[i]);
			moved[nmoved].idx = (uint32_t) i;
			nmoved++;
		}
	}
	RadixSort(s, moved, tmp, nmoved);
	for (pass = 0; pass < 4; pass++)
	{
		bool		improved = false;

		for (i = 0; i < nmoved; i++)
		{
			uint32_t	c = moved[i].idx;
			int32_t		h = s->cmgr[c];
			int32_t		d = s->assign[c];
			double		w = s->cload[c];
			double		need;
			int64_t		base = s->mstart[h];
			int64_t		lo = 0;
			int64_t		hi = s->mcount[h];
			int64_t		k;

			if (d == h)
				continue;
			if (room[h] >= w)
			{
				/* a return home (the room may have grown since SendBack) */
				room[h] -= w;
				room[d] += w;
				s->assign[c] = h;
				improved = true;
				continue;
			}
			need = w - room[h];
			if (s->has_cost)
				continue;		/* mov[] is in load-per-cost order: no search by load */
			/* the first of h's movable customers (load ascending) with load >= need */
			while (lo < hi)
			{
				int64_t		mid = lo + (hi - lo) / 2;

				if (s->movload[base + mid] >= need)
					hi = mid;
				else
					lo = mid + 1;
			}
			for (k = lo; k < s->mcount[h] && k < lo + 64 && s->movload[base + k] < w; k++)
			{
				uint32_t	x = s->mov[base + k];

				if (s->assign[x] != h || x == c)
					continue;
				room[h] -= w - s->cload[x];
				room[d] += w - s->cload[x];
				s->assign[c] = h;
				s->assign[x] = d;
				improved = true;
				break;
			}
			TickAt(i);
		}
		if (!improved)
			break;
	}
	crm_core_free(tmp);
	crm_core_free(moved);
	crm_core_free(room);
}

/* Order of moved customers for CancelCycles: by source, then destination, then load descending. */
static int
CycleCmp(const void *a, const void *b)
{
	const double *x = a;
	const double *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	if (x[2] != y[2])
		return x[2] > y[2] ? -1 : 1;
	return (x[3] > y[3]) - (x[3] < y[3]);
}

/*
 * Undo moves that cancel each other: a customer x that went from manager a
 * to b and a customer y that went from b to a both go home when the rooms
 * of a and b allow it (the loads of a and b change by y - x and x - y;
 * equal loads always do).  Such pairs come from evictions, when a full
 * receiver's book is placed again: with no slack left (a peak at the
 * lower bound) they are most of the load a plan moves beyond what the
 * overloaded managers must give up.  Every step lowers the moved load and
 * the number of moves, and keeps every manager within its limit: the
 * 2-cycle case of cancelling cycles in the move graph (the transfers
 * between managers form a flow; a cycle in it moves load round for
 * nothing; R. K. Ahuja, T. L. Magnanti and J. B. Orlin, "Network Flows",
 * 1993, section 9.6, cycle cancelling).  O(moves log moves).
 */
static void
CancelCycles(Solver *s)
{
	double	   *room = crm_core_alloc(sizeof(double) * (size_t) (s->m > 0 ? s->m : 1));
	double	   *e;				/* per move: from, to, load, customer */
	int64_t		n = 0;
	int64_t		i;
	int32_t		j;

	for (j = 0; j < s->m; j++)
		room[j] = s->limit[j];
	/* those that moved are movable: at most nmov */
	e = ALLOC_UNINIT(double, 4 * s->nmov);
	for (i = 0; i < s->nc; i++)
	{
		room[s->assign[i]] -= s->cload[i];
		if (s->cmgr[i] >= 0 && s->assign[i] != s->cmgr[i])
		{
			e[4 * n] = s->cmgr[i];
			e[4 * n + 1] = s->assign[i];
			e[4 * n + 2] = s->cload[i];
			e[4 * n + 3] = (double) i;
			n++;
		}
	}
	qsort(e, (size_t) n, 4 * sizeof(double), CycleCmp);
	/* for each run a->b with a < b, the run b->a, matched largest first */
	for (i = 0; i < n;)
	{
		int64_t		end = i;
		int32_t		a = (int32_t) e[4 * i];
		int32_t		b = (int32_t) e[4 * i + 1];
		int64_t		lo = 0,
					hi = n - 1,
					rs = -1,
					re;

		while (end < n && e[4 * end] == a && e[4 * end + 1] == b)
			end++;
		if (a < b)
		{
			/* the run b->a, by binary search */
			while (lo <= hi)
			{
				int64_t		mid = (lo + hi) / 2;

				if (e[4 * mid] < b || (e[4 * mid] == b && e[4 * mid + 1] < a))
					lo = mid + 1;
				else
					hi = mid - 1;
			}
			if (lo < n && e[4 * lo] == b && e[4 * lo + 1] == a)
				rs = lo;
		}
		if (rs >= 0)
		{
			int64_t		x = i,
						y = rs;

			for (re = rs; re < n && e[4 * re] == b && e[4 * re + 1] == a; re++)
				;
			while (x < end && y < re)
			{
				uint32_t	cx = (uint32_t) e[4 * x + 3];
				uint32_t	cy = (uint32_t) e[4 * y + 3];
				double		wx = s->cload[cx];
				double		wy = s->cload[cy];

				if (room[a] + wy - wx >= 0 && room[b] + wx - wy >= 0)
				{
					room[a] += wy - wx;
					room[b] += wx - wy;
					s->assign[cx] = a;
					s->assign[cy] = b;
					x++;
					y++;
				}
				else if (wx > wy)
					x++;		/* x too heavy for a's room: try the next, smaller one */
				else
					y++;
				Tick(s);
			}
		}
		i = end;
	}
	crm_core_free(e);
	crm_core_free(room);
}

/* ----------------------------------------------------------------------
 * Re-partitioning pairs of managers (minimise = load)
 * ---------------------------------------------------------------------- */

/* states of one side's subset-sum enumeration (see PairStates) */
#define CRM_RB_PAIR_STATES 1024
/* a plan moving at most this times the managers' excess is kept (ImproveLoadBySums) */
#define CRM_RB_LOAD_CLOSE 1.01
/* covers of the excess PackBySums tries, least first */
#define CRM_RB_PACK_TRIES 8
/* state extensions the whole pass may make (bounded work) */
#define CRM_RB_PAIR_BUDGET (1 << 21)

/* The subset sums of one side of a pair, with the item and state they extend. */
typedef struct PairSums
{
	int32_t		n;
	double		sum[CRM_RB_PAIR_STATES];
	uint32_t	item[CRM_RB_PAIR_STATES];	/* customer index (state 0: none) */
	int32_t		parent[CRM_RB_PAIR_STATES];
	int32_t		hash[2 * CRM_RB_PAIR_STATES];	/* state + 1, 0: empty */
} PairSums;

/* Start the subset sums of ps: the empty set. */
static void
SumsInit(PairSums *ps)
{
	memset(ps->hash, 0, sizeof(ps->hash));
	ps->n = 1;
	ps->sum[0] = 0;
	ps->item[0] = 0;
	ps->parent[0] = -1;
}

/*
 * Extend the subset sums of ps by customer c of load w: every sum below
 * bound (or at it, with at) that is new joins, with c and the state it
 * extends, so that a sum's customers can be read back.  Equal sums are
 * kept once (the first reached), at most CRM_RB_PAIR_STATES of them.
 * *budget counts the extensions.
 */
static void
SumsAdd(Solver *s, PairSums *ps, uint32_t c, double w, double bound, bool at, int64_t *budget)
{
	int32_t		n0 = ps->n;
	int32_t		i;

	for (i = 0; i < n0 && ps->n < CRM_RB_PAIR_STATES; i++)
	{
		double		x = ps->sum[i] + w;
		uint64_t	h;
		int32_t		slot;

		if (at ? !(x <= bound) : !(x < bound))
			continue;
		h = DoubleKey(x) * UINT64_C(0x9E3779B97F4A7C15);
		slot = (int32_t) (h >> 53);		/* 11 bits: 2 * CRM_RB_PAIR_STATES slots */
		while (ps->hash[slot] != 0 && ps->sum[ps->hash[slot] - 1] != x)
			slot = (slot + 1) & (2 * CRM_RB_PAIR_STATES - 1);
		if (ps->hash[slot] != 0)
			continue;			/* this sum is reached already */
		ps->sum[ps->n] = x;
		ps->item[ps->n] = c;
		ps->parent[ps->n] = i;
		ps->hash[slot] = ++ps->n;
	}
	*budget -= n0;
	Tick(s);
}

/*
 * The distinct subset sums below B of the movable customers of manager a
 * that are now with a or b (load ascending in mov[], so those below B are
 * a prefix unless there are move costs).  A load already taken often
 * enough to reach B on its own adds nothing and is skipped.
 */
static void
PairStates(Solver *s, int32_t a, int32_t b, double B, PairSums *ps, int64_t *budget)
{
	int64_t		base = s->mstart[a];
	int64_t		k;
	double		prevw = -1;
	double		same = 0;

	SumsInit(ps);
	for (k = 0; k < s->mcount[a] && *budget > 0; k++)
	{
		uint32_t	c = s->mov[base + k];
		double		w = s->movload[base + k];

		if (!(w < B))
		{
			if (!s->has_cost)
				break;			/* the rest are heavier */
			continue;
		}
		if (s->assign[c] != a && s->assign[c] != b)
			continue;
		same = w == prevw ? same + w : w;
		prevw = w;
		if (same - w >= B)
			continue;			/* enough of this load already */
		SumsAdd(s, ps, c, w, B, false, budget);
	}
}

/*
 * Re-partition the movable customers of managers a and b that are now
 * with a or b: the least load moved between them, the other customers of
 * both fixed, both within their limits.  With every such customer at
 * home a's load would be la0 and b's lb0; a set Ma of a's customers sent
 * to b and Mb of b's sent to a give a the load la0 - f and b lb0 + f,
 * f = w(Ma) - w(Mb), so f must lie in [la0 - limit_a, limit_b - lb0];
 * the least w(Ma) + w(Mb) over the subset sums of both sides (PairStates)
 * with f in that range, below the load they move now (B), is applied.
 * Returns whether the plan changed.
 */
static bool
RepartitionPair(Solver *s, int32_t a, int32_t b, double B, double wab, double wba,
				double *after, PairSums *pa, PairSums *pb, KeyIdx *ord, int64_t *budget)
{
	double		la0 = after[a] + wab - wba;
	double		lb0 = after[b] - wab + wba;
	double		flo = la0 - s->limit[a];
	double		fhi = s->limit[b] - lb0;
	double		best = B;
	int32_t		bi = -1,
				bj = -1;
	int32_t		i;
	int32_t		st;

	if (flo > fhi)
		return false;
	PairStates(s, a, b, B, pa, budget);
	PairStates(s, b, a, B, pb, budget);
	/* b's sums in ascending order (ties: the state first reached) */
	for (i = 0; i < pb->n; i++)
	{
		ord[i].key = DoubleKey(pb->sum[i]);
		ord[i].idx = (uint32_t) i;
	}
	RadixSort(s, ord, ord + CRM_RB_PAIR_STATES, pb->n);
	for (i = 0; i < pa->n; i++)
	{
		double		sa = pa->sum[i];
		double		need = fmax(0, sa - fhi);	/* the least w(Mb) for b's limit */
		int32_t		lo = 0,
					hi = pb->n;

		if (!(sa < best))
			continue;
		while (lo < hi)
		{
			int32_t		mid = lo + (hi - lo) / 2;

			if (pb->sum[ord[mid].idx] >= need)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo < pb->n)
		{
			double		sb = pb->sum[ord[lo].idx];

			/* a's limit, b's limit (rechecked as the loads will be), fewer load moved */
			if (sa - sb >= flo && lb0 + (sa - sb) <= s->limit[b] &&
				la0 - (sa - sb) <= s->limit[a] && sa + sb < best)
			{
				best = sa + sb;
				bi = i;
				bj = (int32_t) ord[lo].idx;
			}
		}
	}
	if (bi < 0)
		return false;
	/* everyone home, then the chosen sets across */
	{
		int64_t		k;

		for (k = 0; k < s->mcount[a]; k++)
		{
			uint32_t	c = s->mov[s->mstart[a] + k];

			if (s->assign[c] == b)
				s->assign[c] = a;
		}
		for (k = 0; k < s->mcount[b]; k++)
		{
			uint32_t	c = s->mov[s->mstart[b] + k];

			if (s->assign[c] == a)
				s->assign[c] = b;
		}
	}
	for (st = bi; st > 0; st = pa->parent[st])
		s->assign[pa->item[st]] = b;
	for (st = bj; st > 0; st = pb->parent[st])
		s->assign[pb->item[st]] = a;
	after[a] = la0 - (pa->sum[bi] - pb->sum[bj]);
	after[b] = lb0 + (pa->sum[bi] - pb->sum[bj]);
	return true;
}

/*
 * When the objective is the load moved: for every pair of managers with
 * moves between them, the least load those moves can carry (see
 * RepartitionPair), a few passes.  The shedding step gives up a
 * manager's largest customers and the placement fills receivers first
 * fit; on a book packed to its limits (a peak at the lower bound, no
 * slack anywhere) a receiver that takes a customer larger than its room
 * gives up others in turn, and the load moves round in cycles through
 * the managers (measured on books of 20 and 50 customers a manager: up
 * to 4.5 x the least load for the peak).  Re-partitioning a pair exactly
 * (a subset-sum search, H. Kellerer, U. Pferschy and D. Pisinger,
 * "Knapsack Problems", Springer 2004, chapter 4, over the sums below
 * what the pair moves now, so over light customers only) removes the
 * cycles of two managers and, pass after pass, shortens longer ones: a
 * pairwise-interchange local search (Papadimitriou and Steiglitz 1982,
 * chapter 19).  Every step keeps both managers within their limits,
 * moves only movable customers between their own manager and one other,
 * and lowers the load moved; the work is bounded by CRM_RB_PAIR_BUDGET
 * extensions of a subset sum and a few passes over the moves.
 */
static void
RepartitionPairs(Solver *s, int64_t *budget)
{
	double	   *after = ALLOC(double, s->m);
	PairSums   *pa = crm_core_alloc(sizeof(PairSums));
	PairSums   *pb = crm_core_alloc(sizeof(PairSums));
	KeyIdx	   *ord = ALLOC(KeyIdx, 2 * CRM_RB_PAIR_STATES);	/* and its sort's workspace */
	KeyIdx	   *mv;
	KeyIdx	   *tmp;
	int64_t		n = 0;
	int64_t		i;
	int			pass;

	/* moves are of movable customers, and a pass can add moves (light for heavy) */
	mv = ALLOC(KeyIdx, s->nmov);
	tmp = ALLOC(KeyIdx, s->nmov);
	for (pass = 0; pass < 4 && *budget > 0; pass++)
	{
		bool		changed = false;

		memset(after, 0, sizeof(double) * (size_t) s->m);
		n = 0;
		for (i = 0; i < s->nc; i++)
		{
			int32_t		h = s->cmgr[i];
			int32_t		d = s->assign[i];

			after[d] += s->cload[i];
			if (h >= 0 && d != h)
			{
				/* the pair, lower manager first (its moves in customer order) */
				mv[n].key = (uint64_t) (h < d ? h : d) << 32 | (uint32_t) (h < d ? d : h);
				mv[n].idx = (uint32_t) i;
				n++;
			}
		}
		RadixSort(s, mv, tmp, n);
		for (i = 0; i < n && *budget > 0;)
		{
			int64_t		e = i;
			int32_t		a = (int32_t) (mv[i].key >> 32);
			int32_t		b = (int32_t) (mv[i].key & 0xFFFFFFFFu);
			double		B = 0,
						wab = 0,
						wba = 0;

			for (; e < n && mv[e].key == mv[i].key; e++)
			{
				double		w = s->cload[mv[e].idx];

				B += w;
				if (s->cmgr[mv[e].idx] == a)
					wab += w;
				else
					wba += w;
			}
			if (RepartitionPair(s, a, b, B, wab, wba, after, pa, pb, ord, budget))
				changed = true;
			i = e;
			Tick(s);
		}
		if (!changed)
			break;
	}
	crm_core_free(tmp);
	crm_core_free(mv);
	crm_core_free(ord);
	crm_core_free(pb);
	crm_core_free(pa);
	crm_core_free(after);
}

/*
 * A plan built for the load moved (minimise = load), into assign: each
 * manager above its limit gives up the movable customers whose load
 * covers its excess with the least overshoot (a subset sum over its
 * customers, lightest first, up to excess + its heaviest customer: a
 * cover with no customer to spare weighs less than that); then each
 * manager with room, the largest room first (then index), takes the
 * customers given up and the orphans whose load fills its room most
 * closely (a subset sum over them, heaviest first); what is left goes
 * first fit.  Where the probe's plan gives up a manager's heaviest
 * customers and its receivers then trade customers to fill their rooms
 * exactly, this moves the excess and little more.  False when a
 * customer fits nowhere, a search is cut short by its state cap, or the
 * budget runs out (the probe's plan stands).
 */
/* PackBySums's work arrays and counts. */
typedef struct Pack
{
	double	   *room;			/* by manager */
	uint8_t    *used;			/* by customer: placed by a receiver's subset sum */
	KeyIdx	   *pool;			/* customers given up and orphans, heaviest first */
	int64_t		np;
	KeyIdx	   *rec;			/* managers with room, in the variant's order */
	int32_t		nr;
	KeyIdx	   *tmp;
	uint8_t    *inpool;			/* by customer: given up by its manager */
	uint8_t    *gone;			/* by customer: given up to make room */
	uint32_t   *left;			/* customers still to place */
	int64_t		nl;
	int			nevict;
} Pack;

/*
 * Step 1 of PackBySums: each manager above its limit gives up the rank-th
 * least set of its movable customers that covers its excess (inpool), and
 * every manager's room after that.  False when a manager cannot.
 */
static bool
PackCovers(Solver *s, Pack *pk, int rank, PairSums *ps, int64_t *budget)
{
	int32_t		j;

	for (j = 0; j < s->m; j++)
	{
		double		excess = s->load[j] - s->limit[j];
		double		U;
		double		prevw = -1,
					same = 0;
		int32_t		best = -1;
		int32_t		st;
		int			r;
		int64_t		k;

		pk->room[j] = s->cap[j] > 0 ? -excess : 0;
		if (!(excess > 0))
			continue;
		if (s->mcount[j] == 0)
			return false;
		U = excess + s->movload[s->mstart[j] + s->mcount[j] - 1];
		if (s->has_cost)
			for (k = 0; k < s->mcount[j]; k++)
				U = fmax(U, excess + s->movload[s->mstart[j] + k]);
		SumsInit(ps);
		for (k = 0; k < s->mcount[j] && *budget > 0; k++)
		{
			double		w = s->movload[s->mstart[j] + k];

			same = w == prevw ? same + w : w;
			prevw = w;
			if (same - w >= U)
				continue;		/* enough of this load already */
			SumsAdd(s, ps, s->mov[s->mstart[j] + k], w, U, true, budget);
		}
		if (*budget <= 0 || ps->n >= CRM_RB_PAIR_STATES)
			return false;
		/* the rank-th least sum that covers the excess (or the last there is) */
		for (r = 0; r <= rank; r++)
		{
			int32_t		next = -1;

			for (st = 0; st < ps->n; st++)
				if (ps->sum[st] >= excess && (best < 0 || ps->sum[st] > ps->sum[best]) &&
					(next < 0 || ps->sum[st] < ps->sum[next]))
					next = st;
			if (next < 0)
				break;
			best = next;
		}
		if (best < 0)
			return false;
		for (st = best; st > 0; st = ps->parent[st])
			pk->inpool[ps->item[st]] = 1;
		pk->room[j] = s->cap[j] > 0 ? ps->sum[best] - excess : 0;
	}
	return true;
}

/*
 * Step 2: the customers given up and the orphans, heaviest first (then
 * index); the managers with room, the largest first (then index), or the
 * smallest first in variants with bit 2.
 */
static void
PackOrder(Solver *s, Pack *pk, int variant)
{
	int64_t		i;
	int32_t		j;

	for (i = 0; i < s->nc; i++)
		if (pk->inpool[i] || s->cmgr[i] < 0)
		{
			pk->pool[pk->np].key = ~DoubleKey(s->cload[i]);
			pk->pool[pk->np].idx = (uint32_t) i;
			pk->np++;
		}
	RadixSort(s, pk->pool, pk->tmp, pk->np);
	for (j = 0; j < s->m; j++)
		if (s->cap[j] > 0 && pk->room[j] > 0)
		{
			pk->rec[pk->nr].key = (variant & 2) ? DoubleKey(pk->room[j]) : ~DoubleKey(pk->room[j]);
			pk->rec[pk->nr].idx = (uint32_t) j;
			pk->nr++;
		}
	RadixSort(s, pk->rec, pk->tmp, pk->nr);
}

/*
 * Step 3: each manager with room, in that order, takes the customers of
 * the pool whose load fills its room most closely (a subset sum over them,
 * heaviest first; in variants with bit 1 the heaviest that fits first).
 */
static void
PackFill(Solver *s, Pack *pk, int variant, int32_t *assign, PairSums *ps, int64_t *budget)
{
	int32_t		j;
	int64_t		i;

	for (j = 0; j < pk->nr; j++)
	{
		int32_t		d = (int32_t) pk->rec[j].idx;
		double		prevw = -1,
					same = 0;
		int32_t		best = 0;
		int32_t		st;

		if (variant & 1)
		{
			/* the heaviest customer left that fits goes first */
			for (i = 0; i < pk->np; i++)
				if (!pk->used[pk->pool[i].idx] && s->cload[pk->pool[i].idx] <= pk->room[d])
				{
					pk->used[pk->pool[i].idx] = 1;
					assign[pk->pool[i].idx] = d;
					pk->room[d] -= s->cload[pk->pool[i].idx];
					break;
				}
			*budget -= i;
		}
		SumsInit(ps);
		for (i = 0; i < pk->np && *budget > 0 && ps->n < CRM_RB_PAIR_STATES; i++)
		{
			uint32_t	c = pk->pool[i].idx;
			double		w = s->cload[c];

			(*budget)--;
			if (pk->used[c] || !(w <= pk->room[d]))
				continue;
			same = w == prevw ? same + w : w;
			prevw = w;
			if (same - w >= pk->room[d])
				continue;
			SumsAdd(s, ps, c, w, pk->room[d], true, budget);
		}
		for (st = 1; st < ps->n; st++)
			if (ps->sum[st] > ps->sum[best])
				best = st;
		for (st = best; st > 0; st = ps->parent[st])
		{
			pk->used[ps->item[st]] = 1;
			assign[ps->item[st]] = d;
		}
		pk->room[d] -= ps->sum[best];
	}
}

/*
 * A customer of load w that fits nowhere in step 4: the manager, in the
 * probes' order, whose lightest set of its own customers that makes room
 * for w is lightest gives that set up (to the customers left to place).
 * Returns the manager, or -1.  Round 0 finds the manager, round 1 gives up
 * its set.
 */
static int32_t
PackEvict(Solver *s, Pack *pk, double w, const int32_t *assign, PairSums *ps, int64_t *budget)
{
	double		bestsum = INFINITY;
	int32_t		to = -1;
	int			round;
	int32_t		p;

	for (round = 0; round < 2; round++)
		for (p = 0; p < s->norder; p++)
		{
			int32_t		d = s->order[p];
			double		need = w - pk->room[d];
			int32_t		st,
						best = -1;
			int64_t		k;

			if ((round == 1 && d != to) || s->mcount[d] == 0)
				continue;
			SumsInit(ps);
			for (k = 0; k < s->mcount[d] && *budget > 0; k++)
			{
				uint32_t	x = s->mov[s->mstart[d] + k];

				if (assign[x] == d && !pk->gone[x])
					SumsAdd(s, ps, x, s->cload[x], need + s->movload[s->mstart[d] + s->mcount[d] - 1], true, budget);
			}
			for (st = 0; st < ps->n; st++)
				if (ps->sum[st] >= need && (best < 0 || ps->sum[st] < ps->sum[best]))
					best = st;
			if (best < 0)
				continue;
			if (round == 0)
			{
				if (ps->sum[best] < bestsum)
				{
					bestsum = ps->sum[best];
					to = d;
				}
				continue;
			}
			for (st = best; st > 0; st = ps->parent[st])
			{
				pk->gone[ps->item[st]] = 1;
				pk->left[pk->nl++] = ps->item[st];
			}
			pk->room[d] += ps->sum[best];
		}
	return to;
}

/*
 * Step 4: the rest first fit, in the probes' manager order; a customer that
 * fits nowhere takes the place of a set of a manager's own customers
 * (PackEvict), which are placed in turn; at most CRM_RB_MAX_EVICTIONS
 * times.  False when a customer cannot be placed.
 */
static bool
PackRest(Solver *s, Pack *pk, int32_t *assign, PairSums *ps, int64_t *budget)
{
	int64_t		i;

	for (i = 0; i < pk->np; i++)
		if (!pk->used[pk->pool[i].idx])
			pk->left[pk->nl++] = pk->pool[i].idx;
	for (i = 0; i < pk->nl && *budget > 0; i++)
	{
		uint32_t	c = pk->left[i];
		double		w = s->cload[c];
		int32_t		to = -1;
		int32_t		p;

		for (p = 0; p < s->norder; p++)
			if (pk->room[s->order[p]] >= w)
			{
				to = s->order[p];
				break;
			}
		*budget -= p;
		if (to < 0 && pk->nevict++ < CRM_RB_MAX_EVICTIONS)
			to = PackEvict(s, pk, w, assign, ps, budget);
		if (to < 0 || !(pk->room[to] >= w))
			return false;		/* (the second: a search cut short by the budget) */
		pk->room[to] -= w;
		assign[c] = to;
		Tick(s);
	}
	return true;
}

static bool
PackBySums(Solver *s, int rank, int variant, int32_t *assign, PairSums *ps, int64_t *budget)
{
	Pack		pk;
	int64_t		npool = s->nmov + s->norph;
	int64_t		i;
	bool		ok;

	memset(&pk, 0, sizeof(pk));
	pk.room = ALLOC(double, s->m);
	pk.used = ALLOC(uint8_t, s->nc);
	pk.pool = ALLOC(KeyIdx, npool);
	pk.rec = ALLOC(KeyIdx, s->m);
	pk.tmp = ALLOC(KeyIdx, (npool > s->m ? npool : s->m));
	pk.inpool = ALLOC(uint8_t, s->nc);
	pk.gone = ALLOC(uint8_t, s->nc);
	pk.left = ALLOC(uint32_t, 2 * npool);
	for (i = 0; i < s->nc; i++)
		assign[i] = s->cmgr[i];
	ok = PackCovers(s, &pk, rank, ps, budget);
	if (ok)
	{
		PackOrder(s, &pk, variant);
		PackFill(s, &pk, variant, assign, ps, budget);
		ok = PackRest(s, &pk, assign, ps, budget);
	}
	if (*budget <= 0)
		ok = false;
	crm_core_free(pk.left);
	crm_core_free(pk.gone);
	crm_core_free(pk.inpool);
	crm_core_free(pk.tmp);
	crm_core_free(pk.rec);
	crm_core_free(pk.pool);
	crm_core_free(pk.used);
	crm_core_free(pk.room);
	return ok;
}

/*
 * Whether every manager's load under s->assign is within its limit, up to
 * the rounding of sums taken in another order: a check that a plan built
 * by the passes below keeps the limits before it replaces the probe's.
 */
static bool
WithinLimits(Solver *s)
{
	double	   *load = ALLOC(double, s->m);
	bool		ok = true;
	int64_t		i;
	int32_t		j;

	for (i = 0; i < s->nc; i++)
		load[s->assign[i]] += s->cload[i];
	for (j = 0; j < s->m; j++)
		if (load[j] > s->limit[j] * (1 + 1e-12))
			ok = false;			/* (the passes keep the limits in their own sums) */
	crm_core_free(load);
	return ok;
}

/* The load moved by an assignment (customers that had a manager). */
static double
MovedLoad(const Solver *s, const int32_t *assign)
{
	double		w = 0;
	int64_t		i;

	for (i = 0; i < s->nc; i++)
		if (s->cmgr[i] >= 0 && assign[i] != s->cmgr[i])
			w += s->cload[i];
	return w;
}

/*
 * The improvement passes for the load moved (minimise = load): the
 * probe's plan and the plan built by subset sums (PackBySums), each
 * re-partitioned pair by pair (RepartitionPairs); the lower moved load
 * wins (ties: the probe's).  Both are within the probe's limits, so the
 * peak and every limit hold; work bounded by CRM_RB_PAIR_BUDGET.
 */
static void
ImproveLoadBySums(Solver *s)
{
	int32_t    *best;
	PairSums   *ps;
	int64_t		budget = CRM_RB_PAIR_BUDGET;
	double		w = MovedLoad(s, s->assign);
	double		least = 0;
	int			t;
	int32_t		j;

	/*
	 * No plan moves less than the managers' excess over their limits: a
	 * plan within 1% of that has little to gain (the 1,000,000-customer
	 * benchmark's plan is within 0.4%), and is kept as it is.
	 */
	for (j = 0; j < s->m; j++)
		if (s->load[j] > s->limit[j])
			least += s->load[j] - s->limit[j];
	if (w <= least * CRM_RB_LOAD_CLOSE)
		return;
	best = ALLOC(int32_t, s->nc);
	ps = crm_core_alloc(sizeof(PairSums));
	RepartitionPairs(s, &budget);
	memcpy(best, s->assign, sizeof(int32_t) * (size_t) s->nc);
	w = MovedLoad(s, best);
	/* the covers of rank 0, 1, ..., each with the four ways of filling rooms */
	for (t = 0; t < 4 * CRM_RB_PACK_TRIES && budget > 0 && w > 0; t++)
		if (PackBySums(s, t / 4, t % 4, s->assign, ps, &budget))
		{
			double		x;

			RepartitionPairs(s, &budget);
			x = MovedLoad(s, s->assign);
			if (x < w && WithinLimits(s))
			{
				w = x;
				memcpy(best, s->assign, sizeof(int32_t) * (size_t) s->nc);
			}
		}
	memcpy(s->assign, best, sizeof(int32_t) * (size_t) s->nc);
	crm_core_free(ps);
	crm_core_free(best);
}

/*
 * Numbers the search can work with, or 22003.  Sums are finite; the lower
 * bound lb is a normal double (at least DBL_MIN) when there is load, so
 * that the search's first step lb * 1e-4 is above zero (a utilisation of
 * 1e-300 / 1e300 underflows to 0 and the step with it: the search would
 * not move); and no utilisation hi (peak before, total load on the largest
 * manager) is above DBL_MAX / 16, so that every peak the search probes,
 * times (1 + 1e-9), and every probe's limit P * capacity that is not
 * infinite, stay numbers.
 */
static int
CheckRange(double lb, double hi, double total, double capsum, CrmError *err)
{
	if (!isfinite(total))
	{
		crm_error_set(err, CRM_ERR_RANGE, "crm.rebalance: the total load overflows");
		return -1;
	}
	if (!isfinite(capsum))
	{
		crm_error_set(err, CRM_ERR_RANGE, "crm.rebalance: the total capacity overflows");
		return -1;
	}
	if (!(lb <= DBL_MAX / 16 && hi <= DBL_MAX / 16))
	{
		/* e.g. a load of 1e300 on a capacity of 1e-10 */
		crm_error_set(err, CRM_ERR_RANGE,
					  "crm.rebalance: a utilisation (load / capacity) is out of range for type double precision");
		crm_error_hint(err, "Express loads and capacities in units of similar size (minutes and FTE x minutes, say).");
		return -1;
	}
	if (total > 0 && lb < DBL_MIN)
	{
		crm_error_set(err, CRM_ERR_RANGE,
					  "crm.rebalance: the utilisations (load / capacity) are too small for type double precision");
		crm_error_detail(err, "The lower bound on the peak utilisation is %g, below %g.", lb, DBL_MIN);
		crm_error_hint(err, "Express loads and capacities in units of similar size (minutes and FTE x minutes, say).");
		return -1;
	}
	return 0;
}


/*
 * The smallest peak P the probe reaches, to a relative 1e-6, when the lower
 * bound lb is not reachable.
 *
 * The search is an unbounded (exponential) search followed by bisection
 * (Bentley and Yao 1976): P grows from lb in steps that double (1e-4 * lb,
 * then twice that, ...) until a probe reaches it, which brackets the peak
 * in O(log((P - lb) / step)) probes however far above lb it lies; then
 * bisection closes the bracket.  Most groups are reachable within a few
 * steps of lb, so the geometric phase costs little where the answer is
 * near the bound and stays logarithmic where it is not.  Reachability is
 * not monotone in P in theory (first fit has anomalies: more room can
 * change its choices for the worse), so the P found is reachable and close
 * to the smallest, not certainly the smallest.
 *
 * top = max(lb, total / largest capacity) is reachable in exact arithmetic
 * (every movable customer on the largest manager) and at most managers x
 * lb; if rounding says otherwise, the peak before (nobody gives anything
 * up) is, and a few nudges of 1e-9 absorb the rest.  Every phase ends
 * whatever the magnitudes, given CheckRange: the step is above zero and
 * doubles, so the geometric phase makes at most log2(top / (1e-4 lb)) + 1
 * <= 46 probes; bisection halves hi - lo from at most top - lb to 1e-6 *
 * hi >= 1e-6 * lb, at most 67 probes; both are capped besides.
 */
static int
SearchPeak(Solver *s, double lb, double top, double peak_before, double *best, CrmError *err)
{
	double		hi = top;
	double		lo = lb;
	double		step = lb * 1e-4;
	int			n;

	if (!Probe(s, hi, LIMIT_PEAK, false))
	{
		hi = fmax(hi, peak_before);
		for (n = 0; !Probe(s, hi, LIMIT_PEAK, false); n++)
		{
			if (n >= 64)
			{
				crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: no plan found, please report a bug");
				return -1;
			}
			hi = hi * (1 + 1e-9) + 1e-300;
		}
	}
	for (n = 0; lo + step < hi && n < 2200; n++)
	{
		if (Probe(s, lo + step, LIMIT_PEAK, false))
		{
			hi = lo + step;
			break;
		}
		lo += step;
		step *= 2;
	}
	for (n = 0; hi - lo > 1e-6 * hi && n < 2200; n++)
	{
		double		mid = lo + (hi - lo) / 2;

		if (mid <= lo || mid >= hi)
			break;
		if (Probe(s, mid, LIMIT_PEAK, false))
			hi = mid;
		else
			lo = mid;
	}
	*best = hi;
	return 0;
}

/* ----------------------------------------------------------------------
 * Exact search for small groups
 * ---------------------------------------------------------------------- */

/* The enumeration's state: the customers to place, the managers, the best so far. */
typedef struct Exact
{
	Solver	   *s;
	int			k;				/* customers to place: movable and orphans */
	uint32_t   *cust;
	int			nt;				/* managers that can take customers */
	int32_t    *targets;
	double	   *loadnow;		/* per manager */
	int32_t    *choice;			/* per customer: index into targets */
	int32_t    *best;			/* the best assignment */
	int			pass;			/* 1: target and least peak; 2: at the least peak */
	bool		found_target;	/* an assignment within max(t, pu) exists */
	double		best_w;
	double		best_over;		/* the first tie-break: load above max(t, pu) x capacity */
	double		best_w2;		/* the next: load moved, or moves for "load" */
	double		min_peak;
	bool		found_hold;		/* pass 2: one holding the managers at or below t */
	bool		found;
} Exact;

/* Score one complete assignment (see Exhaustive). */
static void
ExactLeaf(Exact *e)
{
	Solver	   *s = e->s;
	double		t = s->opts.target;
	double		peak = 0;
	double		w = 0;
	double		w2 = 0;
	double		over = 0;
	bool		within_t = true;
	bool		hold = true;
	int			i;
	int32_t		j;

	for (j = 0; j < s->m; j++)
	{
		double		c = s->cap[j];

		if (c <= 0)
			continue;
		peak = fmax(peak, e->loadnow[j] / c);
		if (e->loadnow[j] > fmax(t * c, s->pinned[j]))
		{
			within_t = false;
			over += e->loadnow[j] - fmax(t * c, s->pinned[j]);
		}
		if (t > 0 && s->load[j] <= t * c && e->loadnow[j] > t * c)
			hold = false;
	}
	for (i = 0; i < e->k; i++)
	{
		uint32_t	c = e->cust[i];

		if (s->cmgr[c] >= 0 && e->targets[e->choice[i]] != s->cmgr[c])
		{
			w += MoveWeight(s, c);
			w2 += s->opts.minimise == CRM_RB_MIN_LOAD ? 1 : s->cload[c];
		}
	}
	if (e->pass == 1)
	{
		e->min_peak = fmin(e->min_peak, peak);
		if (within_t && (!e->found_target || w < e->best_w || (w == e->best_w && w2 < e->best_w2)))
		{
			e->found_target = true;
			e->best_w = w;
			e->best_over = 0;
			e->best_w2 = w2;
			memcpy(e->best, e->choice, sizeof(int32_t) * (size_t) e->k);
		}
		return;
	}
	/* pass 2: at the least peak, holding those at or below t when some plan can */
	if (peak > e->min_peak)
		return;
	if (hold && !e->found_hold)
	{
		e->found_hold = true;
		e->found = false;
	}
	if (e->found_hold && !hold)
		return;
	if (!e->found || w < e->best_w ||
		(w == e->best_w && (over < e->best_over || (over == e->best_over && w2 < e->best_w2))))
	{
		e->found = true;
		e->best_w = w;
		e->best_over = over;
		e->best_w2 = w2;
		memcpy(e->best, e->choice, sizeof(int32_t) * (size_t) e->k);
	}
}

/* Assign customers i.. of the enumeration, every way (depth first). */
static void
ExactDfs(Exact *e, int i)
{
	int			a;

	if (i == e->k)
	{
		ExactLeaf(e);
		return;
	}
	Tick(e->s);
	for (a = 0; a < e->nt; a++)
	{
		int32_t		j = e->targets[a];
		double		w = e->s->cload[e->cust[i]];
		double		saved = e->loadnow[j];

		e->choice[i] = a;
		e->loadnow[j] += w;
		ExactDfs(e, i + 1);
		e->loadnow[j] = saved;
	}
}

/*
 * Solve a group whose assignments are few exactly: every assignment of its
 * movable customers and orphans to the managers that can take customers
 * (pinned customers stay), scored by the objective of rebalance_core.h.
 * Pass 1 finds the least moved weight among the assignments within
 * max(t, pu) * capacity, and the least peak; if none is within, pass 2
 * finds the least moved weight at the least peak, among those that hold
 * the managers at or below t before at t when any does.  Ties go to the
 * least load above max(t, pu) x capacity (pass 2: nobody pushed further
 * over the target than needed), then the least load moved (the fewest
 * moves when the objective is load), then the first assignment enumerated
 * (customers and managers in id order).  Sets
 * s->assign and s->limit (the limits the plan reaches).  False when the
 * group has too many assignments.
 */
static bool
Exhaustive(Solver *s)
{
	Exact		e;
	double		leaves = 1;
	int64_t		i;
	int32_t		j;

	memset(&e, 0, sizeof(e));
	e.s = s;
	e.nt = s->norder;
	if (e.nt == 0 || s->nmov + s->norph == 0)
		return false;
	for (i = 0; i < s->nmov + s->norph; i++)
	{
		leaves *= e.nt;
		if (leaves > CRM_RB_EXACT_LEAVES)
			return false;
	}
	e.k = (int) (s->nmov + s->norph);
	e.cust = crm_core_alloc(sizeof(uint32_t) * (size_t) e.k);
	e.choice = crm_core_alloc(sizeof(int32_t) * (size_t) e.k);
	e.best = crm_core_alloc(sizeof(int32_t) * (size_t) e.k);
	e.loadnow = crm_core_alloc(sizeof(double) * (size_t) s->m);
	e.targets = crm_core_alloc(sizeof(int32_t) * (size_t) e.nt);
	/* managers in id order, customers in id order */
	for (j = 0, i = 0; j < s->m; j++)
		if (s->cap[j] > 0)
			e.targets[i++] = j;
	{
		uint8_t    *isfree = crm_core_alloc((size_t) (s->nc > 0 ? s->nc : 1));

		for (i = 0; i < s->nmov; i++)
			isfree[s->mov[i]] = 1;
		for (i = 0; i < s->norph; i++)
			isfree[s->orph[i]] = 1;
		for (i = 0, j = 0; i < s->nc; i++)
			if (isfree[i])
				e.cust[j++] = (uint32_t) i;
		crm_core_free(isfree);
	}
	for (j = 0; j < s->m; j++)
		e.loadnow[j] = s->pinned[j];
	e.min_peak = INFINITY;
	e.pass = 1;
	ExactDfs(&e, 0);
	if (e.found_target)
	{
		for (j = 0; j < s->m; j++)
			s->limit[j] = Limit(s, j, s->opts.target, LIMIT_TARGET);
	}
	else
	{
		e.pass = 2;
		ExactDfs(&e, 0);
		for (j = 0; j < s->m; j++)
			s->limit[j] = Limit(s, j, e.min_peak, e.found_hold ? LIMIT_PEAK_HOLD : LIMIT_PEAK);
	}
	for (i = 0; i < s->nc; i++)
		s->assign[i] = s->cmgr[i];
	for (i = 0; i < e.k; i++)
		s->assign[e.cust[i]] = e.targets[e.best[i]];
	crm_core_free(e.cust);
	crm_core_free(e.choice);
	crm_core_free(e.best);
	crm_core_free(e.loadnow);
	crm_core_free(e.targets);
	return true;
}

/* ----------------------------------------------------------------------
 * A cap on the number of moves
 * ---------------------------------------------------------------------- */

/*
 * Keep at most max_moves of the plan's moves (orphans are always
 * assigned): from the plan with every customer home but the orphans,
 * repeatedly take the manager furthest above its limit (in utilisation)
 * that still has a move of the plan to make, and make its largest such
 * move if the receiver stays within its limit.  A greedy rule: each step
 * removes as much excess as one move of the plan can from where it is
 * worst.  O(max_moves x managers).
 */
static void
CapMoves(Solver *s, int64_t max_moves)
{
	int64_t		nmoves = 0;
	int64_t		i;
	int64_t		done = 0;
	double	   *cur;
	int64_t    *start;
	int64_t    *next;
	int64_t    *count;
	uint32_t   *cand;
	KeyIdx	   *keys;
	KeyIdx	   *tmp;
	int32_t    *final;

	for (i = 0; i < s->nc; i++)
		if (s->cmgr[i] >= 0 && s->assign[i] != s->cmgr[i])
			nmoves++;
	if (nmoves <= max_moves)
		return;
	cur = crm_core_alloc(sizeof(double) * (size_t) s->m);
	start = crm_core_alloc(sizeof(int64_t) * (size_t) s->m);
	next = crm_core_alloc(sizeof(int64_t) * (size_t) s->m);
	count = crm_core_alloc(sizeof(int64_t) * (size_t) s->m);
	cand = crm_core_alloc(sizeof(uint32_t) * (size_t) nmoves);
	keys = crm_core_alloc(sizeof(KeyIdx) * (size_t) nmoves);
	tmp = crm_core_alloc(sizeof(KeyIdx) * (size_t) nmoves);
	final = crm_core_alloc(sizeof(int32_t) * (size_t) s->nc);
	memcpy(final, s->assign, sizeof(int32_t) * (size_t) s->nc);
	/* the moves of the plan by source manager, largest first (then id) */
	nmoves = 0;
	for (i = 0; i < s->nc; i++)
		if (s->cmgr[i] >= 0 && s->assign[i] != s->cmgr[i])
		{
			keys[nmoves].key = ~DoubleKey(s->cload[i]);
			keys[nmoves].idx = (uint32_t) i;
			nmoves++;
		}
	RadixSort(s, keys, tmp, nmoves);
	for (i = 0; i < nmoves; i++)
		keys[i].key = (uint64_t) s->cmgr[keys[i].idx];
	RadixSort(s, keys, tmp, nmoves);
	for (i = 0; i < nmoves; i++)
	{
		int32_t		j = s->cmgr[keys[i].idx];

		cand[i] = keys[i].idx;
		if (count[j]++ == 0)
			start[j] = i;
	}
	/* everyone home, orphans where the plan puts them */
	for (i = 0; i < s->nc; i++)
	{
		if (s->cmgr[i] >= 0)
			s->assign[i] = s->cmgr[i];
		cur[s->assign[i]] += s->cload[i];
	}
	while (done < max_moves)
	{
		int32_t		worst = -1;
		double		wx = 0;
		int32_t		j;

		for (j = 0; j < s->m; j++)
		{
			double		x;

			if (next[j] >= count[j] || s->cap[j] <= 0)
				continue;
			x = (cur[j] - s->limit[j]) / s->cap[j];
			if (x > wx)
			{
				wx = x;
				worst = j;
			}
		}
		if (worst < 0)
			break;
		{
			uint32_t	c = cand[start[worst] + next[worst]++];
			int32_t		to = final[c];

			if (cur[to] + s->cload[c] <= s->limit[to])
			{
				cur[worst] -= s->cload[c];
				cur[to] += s->cload[c];
				s->assign[c] = to;
				done++;
			}
		}
		Tick(s);
	}
	crm_core_free(final);
	crm_core_free(tmp);
	crm_core_free(keys);
	crm_core_free(cand);
	crm_core_free(count);
	crm_core_free(next);
	crm_core_free(start);
	crm_core_free(cur);
}


/* ----------------------------------------------------------------------
 * Setup: the rows into managers and customers (by id), checked, and the
 * orders and workspace the probes need.
 * ---------------------------------------------------------------------- */


/*
 * Check every row on its own, with the state's row check (flags, numbers,
 * normal form: crm_rb_row_check), so that the solver says what every
 * state function says about the same row.
 */
static int
CheckRows(const CrmRbRow *rows, const uint8_t *flags, const double *costs, int64_t n,
		  const CrmRbIds *ids, CrmError *err)
{
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		const CrmRbRow *r = &rows[i];

		/*
		 * The common row (a customer with a manager and a capacity, numbers
		 * positive and finite, bigint ids) passes the check below; the rest
		 * get the full check, which also words the errors.
		 */
		if ((flags[i] & ~CRM_RB_PINNED) == 0 && ids->kind == CRM_RB_IDS_BIGINT &&
			r->load > 0 && r->load <= DBL_MAX && r->capacity > 0 && r->capacity <= DBL_MAX &&
			(costs == NULL || (costs[i] > 0 && costs[i] <= DBL_MAX)))
			continue;
		if (crm_rb_row_check(r, flags[i], costs ? &costs[i] : NULL, ids, i,
							 CRM_ERR_INVALID, err) != 0)
			return -1;
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
	}
	return 0;
}

/* Stable merge sort of a[0..n) by id (tmp: room for n), for ties of a prefix. */
static void
SortByIdBytes(const CrmRbIds *ids, KeyIdx *a, KeyIdx *tmp, const int64_t *keyof, int64_t n)
{
	int64_t		width,
				i;

	for (width = 1; width < n; width *= 2)
	{
		for (i = 0; i < n; i += 2 * width)
		{
			int64_t		l = i,
						mid = i + width < n ? i + width : n,
						r = mid,
						end = i + 2 * width < n ? i + 2 * width : n,
						o = i;

			while (l < mid && r < end)
			{
				if (crm_rb_id_cmp(ids, keyof[a[r].idx], keyof[a[l].idx]) < 0)
					tmp[o++] = a[r++];
				else
					tmp[o++] = a[l++];
			}
			while (l < mid)
				tmp[o++] = a[l++];
			while (r < end)
				tmp[o++] = a[r++];
		}
		memcpy(a, tmp, sizeof(KeyIdx) * (size_t) n);
		crm_check_interrupts();
	}
}

/*
 * Ranks of text or uuid ids: keys[i] (the key of item i) become ranks in
 * id order (equal ids, equal ranks) in rank[i], and *first[r] is a key
 * whose id has rank r.  The first eight bytes of each id sort the items
 * (radix), a merge sort with the bytes settles equal prefixes.
 */
static void
RankIds(Solver *s, const CrmRbIds *ids, const int64_t *keyof, int64_t n,
		int64_t *rank, int64_t **first)
{
	KeyIdx	   *a = ALLOC(KeyIdx, n);
	KeyIdx	   *tmp = ALLOC(KeyIdx, n);
	int64_t		i,
				r = -1;

	for (i = 0; i < n; i++)
	{
		int			len,
					b;
		const uint8_t *p = crm_rb_id_bytes(ids, keyof[i], &len);
		uint64_t	k = 0;

		for (b = 0; b < 8; b++)
			k = (k << 8) | (b < len ? p[b] : 0);
		a[i].key = k;
		a[i].idx = (uint32_t) i;
	}
	RadixSort(s, a, tmp, n);
	for (i = 0; i < n;)
	{
		int64_t		e = i + 1;

		while (e < n && a[e].key == a[i].key)
			e++;
		if (e - i > 1)
			SortByIdBytes(ids, a + i, tmp, keyof, e - i);
		i = e;
	}
	*first = ALLOC(int64_t, n);
	for (i = 0; i < n; i++)
	{
		if (i == 0 || crm_rb_id_cmp(ids, keyof[a[i].idx], keyof[a[i - 1].idx]) != 0)
			(*first)[++r] = keyof[a[i].idx];
		rank[a[i].idx] = r;
		Tick(s);
	}
	crm_core_free(tmp);
	crm_core_free(a);
}

/*
 * Rows whose keys are ranks in id order, for text and uuid ids (the
 * solver sorts and compares numbers); cfirst and mfirst map the ranks of
 * customers and managers back to keys.
 */
static CrmRbRow *
RankedRows(Solver *s, const CrmRbRow *rows, const uint8_t *flags, int64_t n,
		   const CrmRbIds *ids, int64_t **cfirst, int64_t **mfirst)
{
	CrmRbRow   *out = ALLOC(CrmRbRow, n);
	int64_t    *ck = ALLOC(int64_t, n);
	int64_t    *mk = ALLOC(int64_t, n);
	int64_t    *crank = ALLOC(int64_t, n);
	int64_t    *mrank = ALLOC(int64_t, n);
	int64_t    *crow = ALLOC(int64_t, n);
	int64_t    *mrow = ALLOC(int64_t, n);
	int64_t		nck = 0,
				nmk = 0,
				i;

	memcpy(out, rows, sizeof(CrmRbRow) * (size_t) n);
	for (i = 0; i < n; i++)
	{
		if (!(flags[i] & CRM_RB_NO_CUSTOMER))
		{
			crow[nck] = i;
			ck[nck++] = rows[i].customer_id;
		}
		if (!(flags[i] & CRM_RB_NO_MANAGER))
		{
			mrow[nmk] = i;
			mk[nmk++] = rows[i].manager_id;
		}
	}
	RankIds(s, ids, ck, nck, crank, cfirst);
	RankIds(s, ids, mk, nmk, mrank, mfirst);
	for (i = 0; i < nck; i++)
		out[crow[i]].customer_id = crank[i];
	for (i = 0; i < nmk; i++)
		out[mrow[i]].manager_id = mrank[i];
	crm_core_free(ck);
	crm_core_free(mk);
	crm_core_free(crank);
	crm_core_free(mrank);
	crm_core_free(crow);
	crm_core_free(mrow);
	return out;
}

/* A 64-bit hash of a key (Fibonacci hashing: Knuth, TAOCP vol. 3, 6.4). */
static inline uint64_t
KeyHash(uint64_t k)
{
	k ^= k >> 29;
	return k * UINT64_C(0x9E3779B97F4A7C15);
}

/*
 * The distinct managers of the rows, in first-seen order, with the least
 * and largest capacity their rows give: an open-addressing hash table
 * (kept at most half full) of their keys.  There are few managers next to
 * rows, so it stays in cache.
 */
typedef struct ManagerTable
{
	int64_t		tsize;			/* slots, a power of two */
	int64_t    *tkey;			/* by slot */
	int32_t    *tidx;			/* by slot: the manager's index, -1: empty */
	int64_t		nd;				/* distinct managers */
	int64_t		dcap;			/* room in the arrays below */
	int64_t    *dkey;			/* by index */
	double	   *cmin;
	double	   *cmax;
} ManagerTable;

/* An empty table. */
static void
ManagersInit(ManagerTable *t)
{
	int64_t		i;

	memset(t, 0, sizeof(*t));
	t->tsize = 64;
	t->tkey = ALLOC(int64_t, t->tsize);
	t->tidx = ALLOC(int32_t, t->tsize);
	for (i = 0; i < t->tsize; i++)
		t->tidx[i] = -1;
}

/* The table's slot of key k: its own, or the empty one it would take. */
static inline uint64_t
ManagerSlot(const ManagerTable *t, int64_t k)
{
	uint64_t	h = KeyHash((uint64_t) k) & (uint64_t) (t->tsize - 1);

	while (t->tidx[h] >= 0 && t->tkey[h] != k)
		h = (h + 1) & (uint64_t) (t->tsize - 1);
	return h;
}

/* Twice the slots, the managers rehashed. */
static void
ManagersRehash(ManagerTable *t)
{
	int64_t		t2 = t->tsize * 2;
	int64_t    *k2 = ALLOC(int64_t, t2);
	int32_t    *x2 = ALLOC(int32_t, t2);
	int64_t		q;

	for (q = 0; q < t2; q++)
		x2[q] = -1;
	for (q = 0; q < t->tsize; q++)
		if (t->tidx[q] >= 0)
		{
			uint64_t	g = KeyHash((uint64_t) t->tkey[q]) & (uint64_t) (t2 - 1);

			while (x2[g] >= 0)
				g = (g + 1) & (uint64_t) (t2 - 1);
			k2[g] = t->tkey[q];
			x2[g] = t->tidx[q];
		}
	crm_core_free(t->tkey);
	crm_core_free(t->tidx);
	t->tkey = k2;
	t->tidx = x2;
	t->tsize = t2;
}

/* Twice the room for distinct managers. */
static void
ManagersGrow(ManagerTable *t)
{
	int64_t		nc = t->dcap ? t->dcap * 2 : 64;
	int64_t    *k2 = ALLOC(int64_t, nc);
	double	   *a2 = ALLOC(double, nc);
	double	   *b2 = ALLOC(double, nc);

	if (t->nd > 0)
	{
		memcpy(k2, t->dkey, sizeof(int64_t) * (size_t) t->nd);
		memcpy(a2, t->cmin, sizeof(double) * (size_t) t->nd);
		memcpy(b2, t->cmax, sizeof(double) * (size_t) t->nd);
		crm_core_free(t->dkey);
		crm_core_free(t->cmin);
		crm_core_free(t->cmax);
	}
	t->dkey = k2;
	t->cmin = a2;
	t->cmax = b2;
	t->dcap = nc;
}

/* The index of manager key k, added if new; -1 with 54000 beyond INT32_MAX - 1 managers. */
static int32_t
ManagerIndex(ManagerTable *t, int64_t k, CrmError *err)
{
	uint64_t	h = ManagerSlot(t, k);

	if (t->tidx[h] >= 0)
		return t->tidx[h];
	if (t->nd >= INT32_MAX - 1)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.rebalance: too many managers");
		return -1;
	}
	if (t->nd == t->dcap)
		ManagersGrow(t);
	t->tkey[h] = k;
	t->tidx[h] = (int32_t) t->nd;
	t->dkey[t->nd] = k;
	t->cmin[t->nd] = INFINITY;
	t->cmax[t->nd] = -INFINITY;
	t->nd++;
	if (2 * t->nd > t->tsize)
		ManagersRehash(t);
	return (int32_t) (t->nd - 1);
}

/* Free the table's arrays. */
static void
ManagersFree(ManagerTable *t)
{
	crm_core_free(t->tkey);
	crm_core_free(t->tidx);
	if (t->dkey)
	{
		crm_core_free(t->dkey);
		crm_core_free(t->cmin);
		crm_core_free(t->cmax);
	}
}

/*
 * Manager j's capacity from its rows' least and largest, or -1 with the
 * error: none given, or two different ones.
 */
static int
ManagerCapacity(Solver *s, const CrmRbIds *ids, int32_t j, double cmin, double cmax, CrmError *err)
{
	char		id[CRM_RB_ID_TEXT_LEN];

	if (cmin > cmax)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: manager %s has no capacity",
					  crm_rb_id_text(ids, s->mgr_id[j], id));
		crm_error_detail(err, "Every row of the manager has a NULL capacity.");
		crm_error_hint(err, "Give the capacity once, on a manager row (NULL customer), or on its customers' rows.");
		return -1;
	}
	if (cmin != cmax)
	{
		char		first[DOUBLE_SHORTEST_DECIMAL_LEN];
		char		second[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(cmin, first);
		double_to_shortest_decimal_buf(cmax, second);
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: manager %s has two capacities, %s and %s",
					  crm_rb_id_text(ids, s->mgr_id[j], id), first, second);
		crm_error_detail(err, "A manager's capacity must be the same on all its rows that give one.");
		return -1;
	}
	s->cap[j] = cmin;
	return 0;
}

/*
 * The managers, by id, one capacity each, given on at least one of its
 * rows; row_mgr[i] is the manager of row i (-1: none).  mkey maps a
 * manager's key in the rows to the key of its id (ranks for text and uuid
 * ids).  One pass over the rows with an open-addressing hash table of the
 * managers (there are few: it stays in cache), then the distinct managers
 * sorted by id and the rows' indexes renumbered, rather than a sort of
 * every row.  Conflicting capacities are reported as the least and the
 * largest given, whatever the row order.
 */
static int
LoadManagers(Solver *s, const CrmRbRow *rows, const uint8_t *flags, int64_t n,
			 const CrmRbIds *ids, const int64_t *mkey,
			 KeyIdx *keys, KeyIdx *tmp, int32_t *row_mgr, CrmError *err)
{
	ManagerTable t;
	int32_t    *renum;
	int64_t		i;
	int32_t		j;

	ManagersInit(&t);
	for (i = 0; i < n; i++)
	{
		int32_t		d;

		if (flags[i] & CRM_RB_NO_MANAGER)
		{
			row_mgr[i] = -1;
			continue;
		}
		if ((d = ManagerIndex(&t, rows[i].manager_id, err)) < 0)
			return -1;
		row_mgr[i] = d;
		if (!(flags[i] & CRM_RB_NO_CAPACITY))
		{
			double		c = rows[i].capacity == 0.0 ? 0.0 : rows[i].capacity;

			t.cmin[d] = c < t.cmin[d] ? c : t.cmin[d];	/* plain: capacities are checked numbers */
			t.cmax[d] = c > t.cmax[d] ? c : t.cmax[d];
		}
		TickAt(i);
	}
	/* the distinct managers by id */
	for (i = 0; i < t.nd; i++)
	{
		keys[i].key = (uint64_t) t.dkey[i] ^ ((uint64_t) 1 << 63);
		keys[i].idx = (uint32_t) i;
	}
	RadixSort(s, keys, tmp, t.nd);
	s->m = (int32_t) t.nd;
	s->mgr_id = ALLOC(int64_t, s->m);
	s->cap = ALLOC(double, s->m);
	renum = ALLOC(int32_t, t.nd);
	for (j = 0; j < s->m; j++)
	{
		int64_t		d = keys[j].idx;

		renum[d] = j;
		s->mgr_id[j] = mkey ? mkey[t.dkey[d]] : t.dkey[d];
		if (ManagerCapacity(s, ids, j, t.cmin[d], t.cmax[d], err) != 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (row_mgr[i] >= 0)
			row_mgr[i] = renum[row_mgr[i]];
	crm_core_free(renum);
	ManagersFree(&t);
	return 0;
}

/*
 * The customer rows in id order, by direct addressing, for ids that span
 * at most about twice as many values as there are customers (a serial
 * key; text and uuid ids, which are ranks by then): slot[id - lo] = row,
 * then a walk of the slots in id order.  No comparisons and no items to
 * move, where a sort of (id, row) items reads and writes them a few times.
 * When the ids fill their range (1 to n, say), the slots are the order
 * and replace *order.  False (*order undecided) when two rows share an id,
 * which OrderBySorting then reports.
 */
static bool
OrderDense(Solver *s, const CrmRbRow *rows, const uint8_t *flags, int64_t n,
		   int64_t lo, uint64_t range, int64_t nk, uint32_t **order)
{
	uint32_t   *slot = ALLOC_UNINIT(uint32_t, range);
	uint32_t	p = 0;
	uint64_t	v;
	int64_t		i;

	memset(slot, 0xFF, sizeof(uint32_t) * (size_t) range);	/* UINT32_MAX: no row */
	for (i = 0; i < n; i++)
	{
		if (flags[i] & CRM_RB_NO_CUSTOMER)
			continue;
		v = (uint64_t) rows[i].customer_id - (uint64_t) lo;
		if (slot[v] != UINT32_MAX)
		{
			crm_core_free(slot);
			return false;
		}
		slot[v] = (uint32_t) i;
		TickAt(i);
	}
	if (range == (uint64_t) nk)
	{
		/* no repeats: every slot holds a row */
		crm_core_free(*order);
		*order = slot;
		return true;
	}
	for (v = 0; v < range; v++)
		if (slot[v] != UINT32_MAX)
		{
			(*order)[p++] = slot[v];
			TickAt(v);
		}
	crm_core_free(slot);
	return true;
}

/*
 * The customer rows in id order by sorting (id, row) items, or -1 with the
 * error for a repeated customer (the first in id order).
 */
static int
OrderBySorting(Solver *s, const CrmRbRow *rows, const uint8_t *flags, int64_t n,
			   const CrmRbIds *ids, const int64_t *ckey, KeyIdx *keys, KeyIdx *tmp,
			   uint32_t *order, CrmError *err)
{
	int64_t		nk = 0;
	int64_t		i;

	for (i = 0; i < n; i++)
		if (!(flags[i] & CRM_RB_NO_CUSTOMER))
		{
			keys[nk].key = (uint64_t) rows[i].customer_id ^ ((uint64_t) 1 << 63);
			keys[nk].idx = (uint32_t) i;
			nk++;
		}
	RadixSort(s, keys, tmp, nk);
	for (i = 1; i < nk; i++)
		if (keys[i].key == keys[i - 1].key)
		{
			const CrmRbRow *r = &rows[keys[i].idx];
			char		id[CRM_RB_ID_TEXT_LEN];

			crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: customer %s appears more than once",
						  crm_rb_id_text(ids, ckey ? ckey[r->customer_id] : r->customer_id, id));
			crm_error_detail(err, "Each customer must be on exactly one row of its group.");
			return -1;
		}
	for (i = 0; i < nk; i++)
		order[i] = keys[i].idx;
	return 0;
}

/*
 * The customers, by id (no duplicates), with their managers' loads.  Rows
 * often arrive in id order (a table in insertion order), and otherwise
 * their ids are often dense (OrderDense); a sort decides the rest.  The
 * load sums run in customer-id order.  keys and tmp have room for n items.
 */
static int
LoadCustomers(Solver *s, const CrmRbRow *rows, const uint8_t *flags, const double *costs,
			  int64_t n, const CrmRbIds *ids, const int64_t *ckey,
			  KeyIdx *keys, KeyIdx *tmp, const int32_t *row_mgr, CrmError *err)
{
	uint32_t   *order;
	int64_t		nk = 0;
	int64_t		lo = INT64_MAX;
	int64_t		hi = INT64_MIN;
	bool		ascending = true;
	int64_t		i;

	for (i = 0; i < n; i++)
		if (!(flags[i] & CRM_RB_NO_CUSTOMER))
		{
			int64_t		id = rows[i].customer_id;

			ascending = ascending && (nk == 0 || id > hi);
			lo = id < lo ? id : lo;
			hi = id > hi ? id : hi;
			nk++;
		}
	/* the customer rows in id order; kept (the ids of the plan's moves) */
	s->crow = order = ALLOC_UNINIT(uint32_t, nk);
	s->rows = rows;
	s->ckey = ckey;
	if (ascending)
	{
		/* strictly ascending: in id order, no repeats */
		uint32_t	p = 0;

		for (i = 0; i < n; i++)
			if (!(flags[i] & CRM_RB_NO_CUSTOMER))
				order[p++] = (uint32_t) i;
	}
	else if (!((uint64_t) hi - (uint64_t) lo < CRM_RB_COUNTING_RANGE &&
			   (uint64_t) hi - (uint64_t) lo <= 2 * (uint64_t) nk + 65536 &&
			   OrderDense(s, rows, flags, n, lo, (uint64_t) hi - (uint64_t) lo + 1, nk, &s->crow)) &&
			 OrderBySorting(s, rows, flags, n, ids, ckey, keys, tmp, s->crow, err) != 0)
		return -1;
	order = s->crow;
	s->nc = nk;
	/* every customer's fields are written below */
	s->cload = ALLOC_UNINIT(double, nk);
	s->ccost = costs ? ALLOC_UNINIT(double, nk) : NULL;
	s->cmgr = ALLOC_UNINIT(int32_t, nk);
	s->cpinned = ALLOC_UNINIT(uint8_t, nk);
	s->assign = ALLOC(int32_t, nk);
	s->load = ALLOC(double, s->m);
	s->pinned = ALLOC(double, s->m);
	s->ncust = ALLOC(int64_t, s->m);
	s->orph = ALLOC_UNINIT(uint32_t, nk);

	/*
	 * Each customer's fields, and the sums, in id order.  The rows are read
	 * in that order, scattered over the state (a table's physical order is
	 * rarely its id order): fetched a few customers ahead, so that the
	 * reads overlap, while the writes run in order.
	 */
	for (i = 0; i < nk; i++)
	{
		uint32_t	q = order[i];
		const CrmRbRow *r = &rows[q];
		double		w = r->load == 0.0 ? 0.0 : r->load;
		int32_t		j = row_mgr[q];

		if (i + 8 < nk)
		{
			RB_PREFETCH(&rows[order[i + 8]]);
			RB_PREFETCH(&row_mgr[order[i + 8]]);
			RB_PREFETCH(&flags[order[i + 8]]);
		}
		s->cload[i] = w;
		if (costs)
			s->ccost[i] = costs[q];
		s->cmgr[i] = j;
		s->cpinned[i] = j >= 0 && (flags[q] & CRM_RB_PINNED) ? 1 : 0;
		s->total += w;
		s->maxload = w > s->maxload ? w : s->maxload;
		if (j >= 0)
		{
			s->load[j] += w;
			s->ncust[j]++;
			if (s->cpinned[i])
				s->pinned[j] += w;
			else
				s->nmov++;
		}
		else
			s->orph[s->norph++] = (uint32_t) i;	/* sorted by SortMovable */
		TickAt(i);
	}
	return 0;
}

/*
 * Capacities against the customers (no customers on a zero capacity, some
 * positive capacity for the orphans); the total and largest capacity and
 * the peak before.
 */
static int
CheckCapacities(Solver *s, const CrmRbIds *ids, CrmError *err)
{
	int32_t		j;

	for (j = 0; j < s->m; j++)
	{
		if (s->cap[j] == 0 && s->ncust[j] > 0)
		{
			char		id[CRM_RB_ID_TEXT_LEN];

			crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: manager %s has customers but zero capacity",
						  crm_rb_id_text(ids, s->mgr_id[j], id));
			crm_error_hint(err, "Give the manager a capacity, or list the customers as orphans (NULL manager_id).");
			return -1;
		}
		s->capsum += s->cap[j];
		s->maxcap = fmax(s->maxcap, s->cap[j]);
		if (s->cap[j] > 0)
			s->peak_before = fmax(s->peak_before, s->load[j] / s->cap[j]);
	}
	if (s->nc > 0 && s->maxcap <= 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: no manager with a positive capacity to assign %lld orphaned customers to",
					  (long long) s->norph);
		return -1;
	}
	return 0;
}

/* Ascending order of 64-bit keys, for qsort. */
static int
U64Cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a;
	uint64_t	y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

/*
 * Ranks of keys among their distinct values, when they take few (loads
 * from a service policy's tiers: a handful): an open-addressing table of
 * at most CRM_RB_MAX_RANKS distinct keys; RanksAdd gives a key's slot,
 * RanksFinish the rank of every slot (ranks keep the keys' order).
 */
#define CRM_RB_MAX_RANKS 65536
#define CRM_RB_RANK_SLOTS (2 * CRM_RB_MAX_RANKS)

typedef struct KeyRanks
{
	uint64_t	last;			/* the key of the last RanksAdd ... */
	int64_t		lastslot;		/* ... and its slot (-1: none yet) */
	uint64_t   *tkey;			/* by slot */
	int32_t    *trank;			/* by slot, after RanksFinish */
	uint8_t    *used;			/* by slot */
	uint64_t   *distinct;		/* in first-seen order, then sorted */
	int64_t		nd;
} KeyRanks;

/* An empty table of ranks. */
static void
RanksInit(KeyRanks *r)
{
	r->tkey = crm_core_alloc(sizeof(uint64_t) * CRM_RB_RANK_SLOTS);
	r->trank = crm_core_alloc(sizeof(int32_t) * CRM_RB_RANK_SLOTS);
	r->used = crm_core_alloc(CRM_RB_RANK_SLOTS);
	r->distinct = crm_core_alloc(sizeof(uint64_t) * CRM_RB_MAX_RANKS);
	r->nd = 0;
	r->last = 0;
	r->lastslot = -1;
}

/* The slot of key (added if new), or -1 when it would be one distinct key too many. */
static inline int64_t
RanksAdd(KeyRanks *r, uint64_t key)
{
	uint64_t	h;

	if (r->lastslot >= 0 && key == r->last)
		return r->lastslot;		/* runs of one load are common (tiers) */
	h = KeyHash(key) & (CRM_RB_RANK_SLOTS - 1);
	while (r->used[h] && r->tkey[h] != key)
		h = (h + 1) & (CRM_RB_RANK_SLOTS - 1);
	if (!r->used[h])
	{
		if (r->nd == CRM_RB_MAX_RANKS)
			return -1;
		r->used[h] = 1;
		r->tkey[h] = key;
		r->distinct[r->nd++] = key;
	}
	r->last = key;
	r->lastslot = (int64_t) h;
	return (int64_t) h;
}

/* The rank of every slot in use. */
static void
RanksFinish(KeyRanks *r)
{
	int64_t		i;

	qsort(r->distinct, (size_t) r->nd, sizeof(uint64_t), U64Cmp);
	for (i = 0; i < r->nd; i++)
	{
		uint64_t	h = KeyHash(r->distinct[i]) & (CRM_RB_RANK_SLOTS - 1);

		while (r->tkey[h] != r->distinct[i])
			h = (h + 1) & (CRM_RB_RANK_SLOTS - 1);
		r->trank[h] = (int32_t) i;
	}
}

/* Free the table's arrays. */
static void
RanksFree(KeyRanks *r)
{
	crm_core_free(r->distinct);
	crm_core_free(r->used);
	crm_core_free(r->trank);
	crm_core_free(r->tkey);
}

/*
 * The order in which a manager gives up movable customer i, as a sort key:
 * its load, or with move costs its load per unit of cost (a free move
 * first of all), ascending (ShedExcess takes them from the end).
 */
static inline uint64_t
ShedKey(const Solver *s, int64_t i)
{
	double		prio = s->cload[i];

	if (s->has_cost)
		prio = s->ccost[i] > 0 ? s->cload[i] / s->ccost[i] : DBL_MAX;
	if (!(prio <= DBL_MAX))
		prio = DBL_MAX;
	return DoubleKey(prio);
}

/* Whether customer i is movable (has a manager and is not pinned). */
static inline bool
Movable(const Solver *s, int64_t i)
{
	return s->cmgr[i] >= 0 && !s->cpinned[i];
}

/*
 * mov[], movload[], mstart[] and mcount[] by counting, when the shedding
 * keys take few distinct values and managers x distinct values is small:
 * each movable customer's key becomes manager x distinct values + the rank
 * of its shedding key, the keys are counted, and the customers, read in id
 * order, go to their places (a stable counting sort: Knuth, vol. 3,
 * section 5.2, "Algorithm D").  Two reads of the customers and one write
 * of mov[], where sorting (manager, key, id) items needs several passes
 * over items four times the size.  key has room for the customers (memory
 * the setup used already: fresh pages cost a fault each).  False (nothing
 * written but key) otherwise.
 */
static bool
MovableByCounting(Solver *s, int64_t a, uint32_t *key)
{
	KeyRanks	r;
	uint32_t   *count = NULL;
	uint64_t	range = 0;
	int64_t		i;
	int32_t		j;
	bool		ok = true;

	RanksInit(&r);
	for (i = 0; i < s->nc && ok; i++)
		if (Movable(s, i))
		{
			int64_t		h = RanksAdd(&r, ShedKey(s, i));

			ok = h >= 0;
			key[i] = (uint32_t) h;
			TickAt(i);
		}
	if (ok)
	{
		range = (uint64_t) s->m * (uint64_t) r.nd;
		ok = range < CRM_RB_COUNTING_RANGE && range <= 2 * (uint64_t) a + 65536;
	}
	if (ok)
	{
		uint32_t	sum = 0;
		uint64_t	v;

		RanksFinish(&r);
		count = ALLOC(uint32_t, range + 1);
		for (i = 0; i < s->nc; i++)
			if (Movable(s, i))
			{
				key[i] = (uint32_t) ((uint64_t) s->cmgr[i] * (uint64_t) r.nd +
									 (uint64_t) r.trank[key[i]]);
				count[key[i]]++;
				TickAt(i);
			}
		for (v = 0; v <= range; v++)
		{
			uint32_t	t = count[v];

			count[v] = sum;
			sum += t;
			TickAt((int64_t) v);
		}
		/* count[v]: the first place of key v; a manager's keys are consecutive */
		for (j = 0; j < s->m; j++)
		{
			uint32_t	first = count[(uint64_t) j * (uint64_t) r.nd];
			uint32_t	end = count[(uint64_t) (j + 1) * (uint64_t) r.nd];

			s->mcount[j] = end - first;
			s->mstart[j] = end > first ? first : 0;
		}
		for (i = 0; i < s->nc; i++)
			if (Movable(s, i))
			{
				uint32_t	p = count[key[i]]++;

				s->mov[p] = (uint32_t) i;
				s->movload[p] = s->cload[i];
				TickAt(i);
			}
		crm_core_free(count);
	}
	RanksFree(&r);
	return ok;
}

/*
 * mov[] and the rest by sorting (manager, shedding key, id) items, when
 * MovableByCounting does not apply: the shedding keys replaced by their
 * ranks when they take few distinct values (one sort of manager x distinct
 * values + rank), else a stable sort by key, then a stable sort by manager.
 * tmp has room for a items.
 */
static void
MovableBySorting(Solver *s, int64_t a, KeyIdx *tmp)
{
	KeyIdx	   *mk = ALLOC_UNINIT(KeyIdx, a);
	KeyRanks	r;
	int64_t		n = 0;
	int64_t		i;
	bool		ranked = true;

	for (i = 0; i < s->nc; i++)
		if (Movable(s, i))
		{
			mk[n].key = ShedKey(s, i);
			mk[n].idx = (uint32_t) i;
			mk[n].pad = (uint32_t) s->cmgr[i];	/* the manager travels along */
			n++;
		}
	RanksInit(&r);
	for (i = 0; i < n && ranked; i++)
	{
		int64_t		h = RanksAdd(&r, mk[i].key);

		ranked = h >= 0;
		TickAt(i);
	}
	if (ranked && n >= 1024)
	{
		RanksFinish(&r);
		for (i = 0; i < n; i++)
		{
			int64_t		h = RanksAdd(&r, mk[i].key);	/* found: no insertion */

			mk[i].key = (uint64_t) mk[i].pad * (uint64_t) r.nd + (uint64_t) r.trank[h];
			TickAt(i);
		}
	}
	else
	{
		/* by key, then (stable) by manager below */
		RadixSort(s, mk, tmp, n);
		for (i = 0; i < n; i++)
			mk[i].key = (uint64_t) mk[i].pad;
	}
	RanksFree(&r);
	RadixSort(s, mk, tmp, n);
	for (i = 0; i < n; i++)
	{
		if (i + 16 < n)
			RB_PREFETCH(&s->cload[mk[i + 16].idx]);
		s->mov[i] = mk[i].idx;
		s->movload[i] = s->cload[mk[i].idx];
		if (s->mcount[mk[i].pad]++ == 0)
			s->mstart[mk[i].pad] = i;
	}
	crm_core_free(mk);
}

/*
 * Movable customers of each manager in the order they are given up, from
 * the last (mov[] ascending: load, or with move costs load per cost; ties
 * in id order), and the orphans, load descending then id.  tmp has room
 * for the customers, scratch for a uint32 each.
 */
static void
SortMovable(Solver *s, KeyIdx *tmp, uint32_t *scratch)
{
	int64_t		i;
	KeyIdx	   *ok;
	int64_t		a = s->nmov;	/* the movable customers (LoadCustomers counted them) */
	int64_t		b = s->norph;

	s->mov = ALLOC_UNINIT(uint32_t, a);
	s->movload = ALLOC_UNINIT(double, a);
	s->mstart = ALLOC(int64_t, s->m);
	s->mcount = ALLOC(int64_t, s->m);
	if (!MovableByCounting(s, a, scratch))
		MovableBySorting(s, a, tmp);

	/* the orphans, listed in id order by LoadCustomers */
	ok = ALLOC_UNINIT(KeyIdx, b);
	for (i = 0; i < b; i++)
	{
		ok[i].key = ~DoubleKey(s->cload[s->orph[i]]);
		ok[i].idx = s->orph[i];
	}
	crm_core_free(s->orph);
	RadixSort(s, ok, tmp, b);
	s->orph = ALLOC_UNINIT(uint32_t, b);
	s->orphw = ALLOC_UNINIT(double, b);
	for (i = 0; i < b; i++)
	{
		s->orph[i] = ok[i].idx;
		s->orphw[i] = s->cload[ok[i].idx];
	}
	crm_core_free(ok);
}

/*
 * The first-fit order of the managers that can take customers (capacity
 * descending, then id), their positions, and the segment tree over it.
 */
static void
BuildOrder(Solver *s)
{
	KeyIdx	   *mk = ALLOC(KeyIdx, s->m);
	KeyIdx	   *mt = ALLOC(KeyIdx, s->m);
	int32_t		j;

	for (j = 0; j < s->m; j++)
		if (s->cap[j] > 0)
		{
			mk[s->norder].key = ~DoubleKey(s->cap[j]);
			mk[s->norder].idx = (uint32_t) j;
			s->norder++;
		}
	RadixSort(s, mk, mt, s->norder);
	s->order = ALLOC(int32_t, s->norder);
	s->pos = ALLOC(int32_t, s->m);
	for (j = 0; j < s->m; j++)
		s->pos[j] = -1;
	for (j = 0; j < s->norder; j++)
	{
		s->order[j] = (int32_t) mk[j].idx;
		s->pos[mk[j].idx] = j;
	}
	crm_core_free(mk);
	crm_core_free(mt);
	s->treesize = 1;
	while (s->treesize < s->norder)
		s->treesize *= 2;
	s->tree = ALLOC(double, 2 * (int64_t) s->treesize);
}

/* The probes' workspace: per manager, and per movable customer. */
static void
AllocWorkspace(Solver *s)
{
	s->room = ALLOC(double, s->m);
	s->limit = ALLOC(double, s->m);
	s->keepk = ALLOC(int64_t, s->m);
	s->midk = ALLOC(int64_t, s->m);
	s->keepload = ALLOC(double, s->m);
	s->evicted = ALLOC(uint8_t, s->m);
	/* a probe writes what it reads of these, often a small part */
	s->runs = ALLOC_UNINIT(EvictRun, CRM_RB_MAX_EVICTIONS + 1);
	s->evbuf = ALLOC_UNINIT(HeapItem, s->nmov);
	s->pool = ALLOC_UNINIT(KeyIdx, s->nmov);
	s->pooltmp = ALLOC_UNINIT(KeyIdx, s->nmov);
	s->poolcust = ALLOC_UNINIT(uint32_t, s->nmov);
	s->poolw = ALLOC_UNINIT(double, s->nmov);
	s->poolfrom = ALLOC_UNINIT(int32_t, s->nmov);
}

/* The lower bound LB on any plan's peak (see the header comment). */
static double
LowerBound(const Solver *s)
{
	double		lb = 0;
	int32_t		j;

	if (s->capsum > 0)
		lb = fmax(s->total / s->capsum, s->maxload / s->maxcap);
	for (j = 0; j < s->m; j++)
		if (s->cap[j] > 0)
			lb = fmax(lb, s->pinned[j] / s->cap[j]);
	return lb;
}

/* The plan of the assignment in s->assign: loads, moves, peaks. */
static void
FillPlan(const Solver *s, double lb, CrmRbPlan *plan)
{
	int64_t		i;
	int32_t		j;

	plan->opts = s->opts;
	plan->has_cost = s->has_cost;
	plan->nmanagers = s->m;
	plan->ncustomers = s->nc;
	plan->norphans = s->norph;
	plan->peak_before = s->peak_before;
	plan->lower_bound = lb;
	plan->managers = ALLOC(CrmRbManager, s->m);
	for (j = 0; j < s->m; j++)
	{
		plan->managers[j].id = s->mgr_id[j];
		plan->managers[j].capacity = s->cap[j];
		plan->managers[j].pinned = s->pinned[j];
		plan->managers[j].load_before = s->load[j];
	}
	/* moves and orphan assignments: at most nmov + norph */
	plan->moves = ALLOC_UNINIT(CrmRbMove, s->nmov + s->norph);
	for (i = 0; i < s->nc; i++)
	{
		plan->managers[s->assign[i]].load_after += s->cload[i];
		if (s->assign[i] != s->cmgr[i])
		{
			CrmRbMove  *mv = &plan->moves[plan->nentries++];

			memset(mv, 0, sizeof(*mv));	/* no stray bytes in the plan value */
			mv->customer_id = i;	/* its key below */
			mv->load = s->cload[i];
			mv->cost = CostOf(s, i);
			mv->from = s->cmgr[i];
			mv->to = s->assign[i];
			if (mv->from >= 0)
			{
				plan->nmoves++;
				plan->moved_load += mv->load;
				plan->moved_cost += mv->cost;
			}
		}
	}
	/* the keys, their rows fetched a few moves ahead (they are scattered) */
	for (i = 0; i < plan->nentries; i++)
	{
		if (i + 8 < plan->nentries)
			RB_PREFETCH(&s->rows[s->crow[plan->moves[i + 8].customer_id]]);
		plan->moves[i].customer_id = CustomerKey(s, plan->moves[i].customer_id);
	}
	for (j = 0; j < s->m; j++)
		if (s->cap[j] > 0)
			plan->peak_after = fmax(plan->peak_after, plan->managers[j].load_after / s->cap[j]);
}

/* Whether a probe at the limits of (T, mode) succeeds, and the plan of the last one. */
static int
Solve(Solver *s, double lb, CrmError *err)
{
	double		t = s->opts.target;
	double		best;
	LimitMode	mode = LIMIT_TARGET;

	if (Exhaustive(s))
		return 0;
	/* a. every manager within max(t, pu) * capacity */
	if (Probe(s, t, LIMIT_TARGET, false))
		best = t;
	else
	{
		/* b. the least peak (crm 0.1.0's search), then hold those at or below t */
		mode = LIMIT_PEAK;
		if (Probe(s, lb, LIMIT_PEAK, false))
			best = lb;
		else if (SearchPeak(s, lb, fmax(lb, s->total / s->maxcap), s->peak_before, &best, err) != 0)
			return -1;
		if (t > 0 && Probe(s, best, LIMIT_PEAK_HOLD, false))
			mode = LIMIT_PEAK_HOLD;
	}
	if (!Probe(s, best, mode, true))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.rebalance: no plan found, please report a bug");
		return -1;
	}
	SendBack(s);
	CancelCycles(s);
	ImproveLoad(s);
	if (s->opts.minimise == CRM_RB_MIN_LOAD)
		ImproveLoadBySums(s);
	return 0;
}

/* Solve one group (see rebalance_core.h and the header comment). */
int
crm_rb_solve(const CrmRbRow *rows, const uint8_t *flags, const double *costs, int64_t n,
			 const CrmRbIds *ids, const CrmRbOptions *opts, CrmRbPlan *plan, CrmError *err)
{
	Solver		S;
	Solver	   *s = &S;
	KeyIdx	   *keys;
	KeyIdx	   *tmp;
	int32_t    *row_mgr;
	int64_t    *ckey = NULL;
	int64_t    *mkey = NULL;
	const CrmRbRow *use = rows;
	double		lb;

	memset(s, 0, sizeof(*s));
	memset(plan, 0, sizeof(*plan));
	s->opts = *opts;
	s->has_cost = costs != NULL;
	if (n >= (int64_t) UINT32_MAX)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.rebalance: too many rows (%lld)", (long long) n);
		return -1;
	}
	if (crm_rb_options_check(opts, s->has_cost, err) != 0 ||
		CheckRows(rows, flags, costs, n, ids, err) != 0)
		return -1;
	if (ids->kind != CRM_RB_IDS_BIGINT)
		use = RankedRows(s, rows, flags, n, ids, &ckey, &mkey);

	keys = ALLOC_UNINIT(KeyIdx, n);
	tmp = ALLOC_UNINIT(KeyIdx, n);
	row_mgr = ALLOC_UNINIT(int32_t, n);
	if (LoadManagers(s, use, flags, n, ids, mkey, keys, tmp, row_mgr, err) != 0 ||
		LoadCustomers(s, use, flags, costs, n, ids, ckey, keys, tmp, row_mgr, err) != 0 ||
		CheckCapacities(s, ids, err) != 0)
		return -1;
	SortMovable(s, tmp, (uint32_t *) row_mgr);	/* row_mgr is done with */
	crm_core_free(row_mgr);
	crm_core_free(tmp);
	crm_core_free(keys);
	BuildOrder(s);
	AllocWorkspace(s);

	/* the lower bound, and the range every utilisation must be in */
	lb = LowerBound(s);
	if (s->nc > 0 && CheckRange(lb, fmax(s->peak_before, s->total / s->maxcap), s->total, s->capsum, err) != 0)
		return -1;
	if (s->nc > 0 && s->opts.target * s->maxcap > DBL_MAX / 16)
	{
		crm_error_set(err, CRM_ERR_RANGE,
					  "crm.rebalance: target x capacity is out of range for type double precision");
		return -1;
	}

	if (s->nc > 0)
	{
		if (Solve(s, lb, err) != 0)
			return -1;
		if (s->opts.max_moves >= 0)
			CapMoves(s, s->opts.max_moves);
	}
	FillPlan(s, lb, plan);
	if (use != rows)
		crm_core_free((void *) use);
	return 0;
}
