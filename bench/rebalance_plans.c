/*
 * rebalance_plans.c
 *	  Print the plan crm_rb_solve makes for a book, for comparing two
 *	  builds of the solver (bench/rebalance_same_plans.sh).
 *
 *	  rebalance_plans BOOK.csv [load] [cost]
 *
 * BOOK.csv rows: customer_id,manager_id,load,capacity,flags (flags as in
 * rebalance_core.h; manager_id 0 with flag CRM_RB_NO_MANAGER for an
 * orphan, customer_id 0 with CRM_RB_NO_CUSTOMER for a manager row).
 * "load" asks for {"target": 0, "minimise": "load"} instead of the default
 * objective; "cost" gives every customer a move cost of (id mod 7) / 2.
 * Prints the plan's summary, managers and moves with every double in full
 * (%.17g), so two outputs are equal exactly when the plans are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rebalance_core.h"
#include "core_alloc.h"

int
main(int argc, char **argv)
{
	FILE	   *f;
	CrmRbRow   *rows = NULL;
	uint8_t    *flags = NULL;
	double	   *costs = NULL;
	int64_t		n = 0,
				cap = 0,
				i;
	long long	c,
				m;
	double		l,
				k;
	int			fl;
	int			a;
	bool		with_cost = false;
	CrmRbIds	ids = {CRM_RB_IDS_BIGINT, NULL, 0};
	CrmRbOptions o = CRM_RB_OPTIONS_DEFAULT;
	CrmRbPlan	p;
	CrmError	err = {0};

	if (argc < 2 || (f = fopen(argv[1], "r")) == NULL)
	{
		fprintf(stderr, "usage: %s BOOK.csv [load] [cost]\n", argv[0]);
		return 2;
	}
	for (a = 2; a < argc; a++)
	{
		if (strcmp(argv[a], "load") == 0)
			o = (CrmRbOptions) CRM_RB_OPTIONS_V1;
		else if (strcmp(argv[a], "cost") == 0)
			with_cost = true;
	}
	while (fscanf(f, "%lld,%lld,%lf,%lf,%d", &c, &m, &l, &k, &fl) == 5)
	{
		if (n == cap)
		{
			cap = cap ? 2 * cap : 1024;
			rows = realloc(rows, sizeof(CrmRbRow) * (size_t) cap);
			flags = realloc(flags, (size_t) cap);
			costs = realloc(costs, sizeof(double) * (size_t) cap);
			if (!rows || !flags || !costs)
				abort();
		}
		rows[n].customer_id = c;
		rows[n].manager_id = m;
		rows[n].load = l;
		rows[n].capacity = k;
		flags[n] = (uint8_t) fl;
		costs[n] = (double) (c % 7) / 2;
		n++;
	}
	fclose(f);
	if (crm_rb_solve(rows, flags, with_cost ? costs : NULL, n, &ids, &o, &p, &err) != 0)
	{
		printf("error: %s\n", err.message);
		return 0;
	}
	printf("managers %d customers %lld orphans %lld moves %lld entries %lld\n", p.nmanagers,
		   (long long) p.ncustomers, (long long) p.norphans, (long long) p.nmoves, (long long) p.nentries);
	printf("peak_before %.17g peak_after %.17g lower_bound %.17g moved_load %.17g moved_cost %.17g\n",
		   p.peak_before, p.peak_after, p.lower_bound, p.moved_load, p.moved_cost);
	for (i = 0; i < p.nmanagers; i++)
		printf("manager %lld %.17g %.17g %.17g %.17g\n", (long long) p.managers[i].id,
			   p.managers[i].capacity, p.managers[i].pinned, p.managers[i].load_before,
			   p.managers[i].load_after);
	for (i = 0; i < p.nentries; i++)
		printf("move %lld %d %d %.17g %.17g\n", (long long) p.moves[i].customer_id,
			   p.moves[i].from, p.moves[i].to, p.moves[i].load, p.moves[i].cost);
	return 0;
}
