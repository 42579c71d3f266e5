/*
 * kmeans_core.h
 *	  Weighted k-means, and clustering a sketch into a model (kmeans_core.c).
 */
#ifndef CRM_KMEANS_CORE_H
#define CRM_KMEANS_CORE_H

#include "model_core.h"
#include "sketch_core.h"

typedef struct CrmKmeansResult
{
	int			k;				/* clusters found (<= asked) */
	int			iterations;		/* Lloyd iterations of the best restart */
	double		sse;			/* between-point SSE of the best restart */
	double	   *centroids;		/* k x d */
	double	   *weight;			/* k */
	double	   *sse_k;			/* k */
	int		   *labels;			/* n */
} CrmKmeansResult;

/*
 * Weighted k-means on n points y (n x d, row-major) with weights w:
 * k-means++ seeding (greedy, 2 + ln k candidates per step), Lloyd
 * iterations with Hamerly's bounds, `restarts` runs, best SSE kept.
 * Returns false with err set on failure.  Stops early (fewer clusters) when
 * there are fewer distinct points than k.
 */
extern bool crm_kmeans_run(const double *y, const double *w, int n, int d, int k,
						   uint64_t seed, int restarts, int max_iter, double tol,
						   CrmKmeansResult *res, CrmError *err);

/*
 * Build a model from a sketch: scale, cluster (the representatives in a
 * canonical order, by coordinates, so that the model does not depend on
 * the order the rows arrived in), fill in SSE and order.  The model's
 * feature names are names (a valid block for the sketch's dimensions), or
 * the sketch's own when names is NULL.
 */
extern CrmModel *crm_kmeans_sketch(const CrmSketch *s, int k, const CrmClusterOptions *o,
								   const void *names, int *k_found, CrmError *err);

#endif							/* CRM_KMEANS_CORE_H */
