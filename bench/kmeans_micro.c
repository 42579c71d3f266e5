/*
 * kmeans_micro.c: CPU time of the k-means cores outside the server (issue
 * 16), so that changes to the sketch and the final clustering can be timed
 * on a shared, noisy machine (thread CPU time, not wall time).  Rows of the
 * synthetic heavy-tailed bank of bench/sql/kmeans_data.sql (same centres and
 * noise, a C generator instead of PostgreSQL's) or uniform on [0, 10)^8 go
 * into a sketch as the transition does (crm_sketch_add, reducing at the
 * server's default budget's capacity (crm_sketch_default_budget) to
 * crm_sketch_reduce_target, indexing what is left for absorption as the
 * transition does; "noabsorb" as a third argument: without the index), then
 * crm_kmeans_sketch(k = 8, default options).  Prints the CPU milliseconds of
 * both phases, the representatives and the model's SSE.
 * Build and run: bench/kmeans_micro.sh [rows] [bank|uniform] [noabsorb]
 * (CRM_MICRO_PERF=file: under perf record, into file; CRM_MICRO_TRACE=1:
 * a line per reduction, the row and CPU time it came at; CRM_MICRO_PARTIAL=1:
 * as the partial sketch of one process of a parallel plan, see sketch.c's
 * PartialLimit; CRM_MICRO_BUDGET_KB=n: another budget; MICRO_CFLAGS: extra
 * compiler flags, e.g. -fno-inline-functions to profile by function)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmeans_core.h"
#include "sketch_core.h"
#include "core_alloc.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double
Uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double) (rng >> 11) / 9007199254740992.0;
}

static double
CpuMs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	static const double centres[6][8] = {
		{60, 60, 60, 60, 60, 60, 60, 60},
		{2, 1, 0, 3, 1, 2, 0, 1}, {8, 2, 5, 1, 0, 6, 3, 2}, {3, 9, 2, 7, 4, 1, 8, 0},
		{12, 6, 9, 4, 8, 3, 1, 7}, {5, 4, 12, 10, 2, 9, 6, 11}};
	long		n = argc > 1 ? atol(argv[1]) : 1000000;
	int			uniform = argc > 2 && strcmp(argv[2], "uniform") == 0;
	int			absorb = !(argc > 3 && strcmp(argv[3], "noabsorb") == 0);
	CrmSketchIndex ix;
	long		reductions = 0;
	double	   *rows;
	int			d = 8;
	CrmClusterOptions o;
	CrmSketch  *s;
	int			cap;
	double		t0, t1, t2;
	long		g;
	CrmError	err = {0};
	CrmModel   *m;
	int			kf;

	crm_cluster_options_default(&o);
	/* the server's default: room for CRM_SKETCH_DEFAULT_REPS representatives */
	o.budget_kb = getenv("CRM_MICRO_BUDGET_KB") ? atoi(getenv("CRM_MICRO_BUDGET_KB")) : crm_sketch_default_budget(d, 0);
	cap = crm_sketch_capacity(d, 0, o.budget_kb);
	s = crm_core_alloc(crm_sketch_size(0, d, cap));
	crm_sketch_init(s, d, &o, 8, NULL);
	crm_sketch_index_init(&ix, crm_core_alloc(crm_sketch_index_size(d, cap)), d, cap);
	/* the rows first, so that the timings are of the cores alone */
	rows = malloc(sizeof(double) * d * (size_t) n);
	if (rows == NULL)
		return 1;
	for (g = 1; g <= n; g++)
	{
		double	   *x = rows + (size_t) (g - 1) * d;
		int			seg = g % 1000 == 0 ? 0 : 1 + (int) ((g * 7919L) % 5);
		int			j;

		for (j = 0; j < d; j++)
		{
			if (uniform)
				x[j] = 10 * Uniform();
			else
			{
				double		u1 = Uniform(), u2 = Uniform();

				x[j] = centres[seg][j] + sqrt(-2 * log(1 - u1)) * cos(2 * M_PI * u2);
				if (j < 2 && seg > 0)
					x[j] += exp(Uniform() * 1.5) - 1;
			}
		}
	}
	t0 = CpuMs();
	for (g = 0; g < n; g++)
	{
		/* CRM_MICRO_PARTIAL=1: a parallel process's partial sketch (sketch.c's PartialLimit) */
		int			lim = getenv("CRM_MICRO_PARTIAL") && s->rows >= s->capacity ? s->capacity / 6 : cap;

		if (s->nreps >= lim)
		{
			double		tr = CpuMs();

			crm_sketch_reduce(s, (int) (lim * 0.5));
			reductions++;
			if (absorb)
				crm_sketch_index_build(s, &ix);
			if (getenv("CRM_MICRO_TRACE"))
				printf("reduction %ld at row %ld: %.1f ms cpu since start, this one %.1f ms\n",
					   reductions, g, tr - t0, CpuMs() - tr);
		}
		if (!crm_sketch_add_indexed(s, &ix, rows + (size_t) g * d, &err))
			return 1;
	}
	t1 = CpuMs();
	m = crm_kmeans_sketch(s, 8, &o, NULL, &kf, &err);
	t2 = CpuMs();
	if (m == NULL)
		return 1;
	printf("rows %ld %s%s: sketch %.0f ms cpu, kmeans %.0f ms cpu, reps %d, reductions %ld, iterations %d, sse %.10g\n",
		   n, uniform ? "uniform" : "bank", absorb ? "" : " noabsorb", t1 - t0, t2 - t1,
		   s->nreps, reductions, (int) m->iterations, m->total_sse);
	return 0;
}
