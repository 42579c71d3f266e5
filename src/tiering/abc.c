/*
 * abc.c
 *	  crm.abc(value [, a, b]) OVER (...): Pareto / ABC classes.
 *
 * Over the partition let T be the sum of the positive values.  A row with
 * value v > 0 is class A when S(v) < a*T, B when S(v) < b*T, C otherwise,
 * where S(v) is the sum of the positive values strictly greater than v: the
 * share of the total held by customers ranked strictly above this one.
 * Equal values therefore always share a class, and the result does not
 * depend on the window's ORDER BY.  Values <= 0 are C; NULL gives NULL.
 *
 * On the first row of a partition the values are sorted in descending order
 * and S is computed for every row in one pass, with Neumaier's compensated
 * summation (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
 * Summation endlicher Summen"), so the sums are accurate to about one unit in
 * the last place and identical whatever order the rows arrive in; the
 * comparisons S < a*T are then done in float8.  a and b may differ from row
 * to row: only S and T are precomputed.
 */
#include "crm.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"

#include "partition.h"
#include "validate.h"

/* A compensated running sum: the sum, and the rounding error it has lost. */
typedef struct NeumaierSum
{
	double		sum;
	double		comp;
} NeumaierSum;

/*
 * Add x to a compensated sum.  Neumaier's improvement of Kahan's summation
 * (A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation
 * endlicher Summen", ZAMM 54 (1974) 39-51): t = sum + x loses the low-order
 * bits of whichever operand is smaller in magnitude, and (sum - t) + x, or
 * (x - t) + sum, recovers them exactly; they accumulate in comp, which is
 * added back once at the end.  Unlike Kahan's version this stays accurate
 * when x is larger than the running sum, so the error of the total is
 * about one unit in the last place, independent of the number of terms.
 */
static inline void
NeumaierAdd(NeumaierSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->comp += (s->sum - t) + x;
	else
		s->comp += (x - t) + s->sum;
	s->sum = t;
}

/*
 * Per row: S, the positive total above it; +Infinity for values <= 0 (always
 * class C) and NaN for NULL rows.  ps->total = T.
 */
static void
ComputeAbove(WindowObject winobj, PartitionState *ps)
{
	PartitionEntry *e = partition_load_sorted(winobj, ps, true, "crm.abc");
	double	   *above = partition_alloc_results(ps, sizeof(double));
	NeumaierSum run = {0, 0};
	int64		i;
	int64		j;

	for (i = 0; i < ps->rows; i++)
		above[i] = get_float8_nan();
	/* groups of equal values share S, the sum before the group */
	for (i = 0; i < ps->n; i = j)
	{
		double		s = run.sum + run.comp;

		for (j = i; j < ps->n && e[j].value == e[i].value; j++)
		{
			if (e[j].value > 0)
			{
				above[e[j].pos] = s;
				NeumaierAdd(&run, e[j].value);
			}
			else
				above[e[j].pos] = get_float8_infinity();
		}
	}
	ps->total = run.sum + run.comp;
	if (!isfinite(ps->total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("crm.abc: the sum of the partition's values is out of range for type double precision")));
	ps->results = above;
	pfree(e);
	ps->ready = true;
}

/*
 * crm.abc(value [, a, b]) OVER (...): the row's class, A, B or C (see the
 * file header).
 */
PG_FUNCTION_INFO_V1(abc_window);
Datum
abc_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	PartitionState *ps = partition_state(winobj);
	double		a = 0.8;
	double		b = 0.95;
	double		above;
	bool		isnull;

	if (PG_NARGS() >= 3)
	{
		Datum		da = WinGetFuncArgCurrent(winobj, 1, &isnull);
		bool		anull = isnull;
		Datum		db = WinGetFuncArgCurrent(winobj, 2, &isnull);

		if (anull || isnull)
			PG_RETURN_NULL();
		a = DatumGetFloat8(da);
		b = DatumGetFloat8(db);
		CheckFinite(a, "a");
		CheckFinite(b, "b");
		if (!(a > 0 && a < b && b <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crm.abc needs 0 < a < b <= 1, got a = %s and b = %s",
							float8out_internal(a), float8out_internal(b)),
					 errhint("a and b are cumulative shares of the total, e.g. 0.8 and 0.95.")));
	}

	/* the whole partition first, so that a NaN anywhere is reported */
	if (!ps->ready)
		ComputeAbove(winobj, ps);

	above = ((double *) ps->results)[WinGetCurrentPosition(winobj)];
	if (isnan(above))
		PG_RETURN_NULL();
	/* values <= 0 have above = +Infinity and fall through to C */
	if (above < a * ps->total)
		PG_RETURN_TEXT_P(cstring_to_text("A"));
	if (above < b * ps->total)
		PG_RETURN_TEXT_P(cstring_to_text("B"));
	PG_RETURN_TEXT_P(cstring_to_text("C"));
}
