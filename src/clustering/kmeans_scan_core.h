/*
 * kmeans_scan_core.h
 *	  Choosing k for crm.kmeans_scan: the elbow of the SSE curve and the
 *	  rule that recommends one k of a scan (kmeans_scan_core.c).
 *	  Server-independent, so the unit tests drive it.
 *
 * The rule, given for each scanned k its SSE and its mean silhouette
 * (undefined, NaN, below two clusters):
 *
 *	1. When the best silhouette shows structure, above
 *	   CRM_SCAN_STRUCTURE (0.25: Kaufman and Rousseeuw, "Finding Groups in
 *	   Data", 1990, section 2.2, read a largest mean silhouette of 0.25 or
 *	   less as "no substantial structure has been found"), the k with the
 *	   best silhouette is recommended.  k values whose silhouettes lie
 *	   within CRM_SCAN_TIE of the best are a tie (the silhouette is a
 *	   sampled estimate), broken by the elbow: the tied k that lies
 *	   farthest below the chord of the SSE curve.
 *	2. Otherwise the silhouette cannot tell the k values apart, and the
 *	   elbow of the SSE curve is recommended.
 *	3. Without an elbow (fewer than three k, or an SSE curve that does not
 *	   bend) the best silhouette is recommended however weak; without a
 *	   silhouette either, nothing is.
 *
 * The elbow is found by Kneedle (Satopaa, Albrecht, Irwin and Raghavan,
 * "Finding a 'Kneedle' in a Haystack: Detecting Knee Points in System
 * Behavior", ICDCS Workshops 2011): k and SSE are normalised to [0, 1]
 * and the knee is the point farthest below the chord from the first to
 * the last point, i.e. the maximum of the difference curve
 * (1 - x) - y for a decreasing convex curve; none when that maximum is
 * not positive.  Ties go to the smaller k.
 */
#ifndef CRM_KMEANS_SCAN_CORE_H
#define CRM_KMEANS_SCAN_CORE_H

#include <stdbool.h>

/* the best silhouette must exceed this for the silhouette to decide */
#define CRM_SCAN_STRUCTURE	0.25
/* silhouettes within this of the best are tied (about two standard errors
 * of a mean silhouette over 2,000 points, whose silhouettes spread by 0.2) */
#define CRM_SCAN_TIE		0.01

typedef enum CrmScanReason
{
	CRM_SCAN_NONE = 0,			/* nothing to recommend */
	CRM_SCAN_SILHOUETTE,		/* the best silhouette, alone */
	CRM_SCAN_SILHOUETTE_TIE,	/* the best silhouette, a tie broken by the elbow */
	CRM_SCAN_ELBOW_WEAK,		/* the elbow: the silhouette shows no structure */
	CRM_SCAN_ELBOW_NO_SILHOUETTE,	/* the elbow: no silhouette defined */
	CRM_SCAN_SILHOUETTE_NO_ELBOW	/* the best silhouette, weak, and no elbow */
} CrmScanReason;

typedef struct CrmScanChoice
{
	int			pick;			/* index of the recommended k, -1 for none */
	CrmScanReason reason;
	int			best;			/* index of the best silhouette, -1 for none */
	int			elbow;			/* index of the elbow, -1 for none */
	int			tied;			/* k values within CRM_SCAN_TIE of the best */
} CrmScanChoice;

/*
 * The Kneedle elbow of n points (k ascending, sse): its index, or -1.
 * score, when not NULL, receives each point's distance below the chord
 * (normalised units; 0 when there is no curve).
 */
extern int	crm_scan_elbow(const int *k, const double *sse, int n, double *score);

/* The recommendation for n scanned k values (see the rule above). */
extern void crm_scan_choose(const int *k, const double *sse, const double *silhouette, int n,
							CrmScanChoice *out);

#endif							/* CRM_KMEANS_SCAN_CORE_H */
