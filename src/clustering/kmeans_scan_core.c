/*
 * kmeans_scan_core.c
 *	  Choosing k: the Kneedle elbow of the SSE curve and the recommendation
 *	  rule of crm.kmeans_scan (see kmeans_scan_core.h).
 */
#include <math.h>
#include <string.h>

#include "error_core.h"
#include "kmeans_scan_core.h"

/* The Kneedle elbow (see kmeans_scan_core.h). */
int
crm_scan_elbow(const int *k, const double *sse, int n, double *score)
{
	double		ymin = INFINITY,
				ymax = -INFINITY;
	double		xspan,
				yspan,
				best = 0.0;
	int			elbow = -1;
	int			i;

	if (score)
		memset(score, 0, sizeof(double) * (n > 0 ? n : 0));
	if (n < 3)
		return -1;
	for (i = 0; i < n; i++)
	{
		if (sse[i] < ymin)
			ymin = sse[i];
		if (sse[i] > ymax)
			ymax = sse[i];
	}
	xspan = (double) k[n - 1] - (double) k[0];
	yspan = ymax - ymin;
	if (!(xspan > 0) || !(yspan > 0) || !isfinite(yspan))
		return -1;
	for (i = 0; i < n; i++)
	{
		double		x = ((double) k[i] - (double) k[0]) / xspan;
		double		y = (sse[i] - ymin) / yspan;
		/* the chord from (0, 1) to (1, 0), less the curve */
		double		d = (1.0 - x) - y;

		if (score)
			score[i] = d;
		/* strictly greater: ties go to the smaller k */
		if (d > best)
		{
			best = d;
			elbow = i;
		}
	}
	return elbow;
}

/* The recommendation (see kmeans_scan_core.h). */
void
crm_scan_choose(const int *k, const double *sse, const double *silhouette, int n,
				CrmScanChoice *out)
{
	double	   *score = crm_core_alloc(sizeof(double) * (n > 0 ? n : 1));
	int			i;

	memset(out, 0, sizeof(*out));
	out->pick = -1;
	out->best = -1;
	out->elbow = crm_scan_elbow(k, sse, n, score);
	for (i = 0; i < n; i++)
		if (!isnan(silhouette[i]) && (out->best < 0 || silhouette[i] > silhouette[out->best]))
			out->best = i;
	if (out->best >= 0)
		for (i = 0; i < n; i++)
			if (!isnan(silhouette[i]) && silhouette[i] >= silhouette[out->best] - CRM_SCAN_TIE)
				out->tied++;

	if (out->best >= 0 && silhouette[out->best] > CRM_SCAN_STRUCTURE)
	{
		out->pick = out->best;
		out->reason = CRM_SCAN_SILHOUETTE;
		if (out->tied > 1 && out->elbow >= 0)
		{
			/* the tied k farthest below the chord (the smaller k on a tie) */
			int			pick = -1;

			for (i = 0; i < n; i++)
				if (!isnan(silhouette[i]) && silhouette[i] >= silhouette[out->best] - CRM_SCAN_TIE &&
					(pick < 0 || score[i] > score[pick]))
					pick = i;
			out->pick = pick;
			out->reason = CRM_SCAN_SILHOUETTE_TIE;
		}
	}
	else if (out->elbow >= 0)
	{
		out->pick = out->elbow;
		out->reason = out->best >= 0 ? CRM_SCAN_ELBOW_WEAK : CRM_SCAN_ELBOW_NO_SILHOUETTE;
	}
	else if (out->best >= 0)
	{
		out->pick = out->best;
		out->reason = CRM_SCAN_SILHOUETTE_NO_ELBOW;
	}
	crm_core_free(score);
}
