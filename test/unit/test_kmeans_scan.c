/*
 * test_kmeans_scan.c
 *	  Unit tests of choosing k (kmeans_scan_core.c): the Kneedle elbow and
 *	  the recommendation rule of crm.kmeans_scan, on hand-made SSE curves
 *	  and silhouettes whose answer is known.
 */
#include <math.h>

#include "kmeans_scan_core.h"
#include "unit.h"

/* k = 2..10 and the SSE crm.kmeans reports on bank_churners (14 z-scored features) */
static const int churn_k[] = {2, 3, 4, 5, 6, 7, 8, 9, 10};
static const double churn_sse[] = {123978.93, 112353.48, 103114.18, 96081.05, 91647.13,
87735.06, 84862.05, 82461.52, 80429.97};
static const double churn_sil[] = {0.175, 0.114, 0.133, 0.128, 0.118, 0.121, 0.112, 0.113, 0.105};

/*
 * Kneedle by hand on the bank_churners curve: normalised, the distance
 * below the chord is 0.142 (k 3), 0.229 (4), 0.266 (5), 0.242 (6), 0.207 (7):
 * the knee is k = 5.
 */
UNIT_TEST(scan_elbow_bank_churners)
{
	double		score[9];
	int			e = crm_scan_elbow(churn_k, churn_sse, 9, score);

	CHECK_INT(e, 3);
	CHECK_INT(churn_k[e], 5);
	CHECK_NEAR(score[0], 0.0, 1e-12);
	CHECK_NEAR(score[8], 0.0, 1e-12);
	/* (1 - 3/8) - (96081.05 - 80429.97) / (123978.93 - 80429.97) */
	CHECK_NEAR(score[3], 0.625 - 15651.08 / 43548.96, 1e-12);
	CHECK(score[3] > score[2] && score[3] > score[4]);
}

/* An L-shaped curve bends where the drop stops; a straight line has no knee. */
UNIT_TEST(scan_elbow_shapes)
{
	static const int k[] = {1, 2, 3, 4, 5, 6};
	static const double l_shape[] = {100, 60, 20, 18, 16, 14};
	static const double line[] = {60, 50, 40, 30, 20, 10};
	static const double concave[] = {100, 99, 97, 93, 85, 69};
	static const double flat[] = {5, 5, 5, 5, 5, 5};

	CHECK_INT(crm_scan_elbow(k, l_shape, 6, NULL), 2);
	CHECK_INT(crm_scan_elbow(k, line, 6, NULL), -1);
	CHECK_INT(crm_scan_elbow(k, concave, 6, NULL), -1);
	CHECK_INT(crm_scan_elbow(k, flat, 6, NULL), -1);
	/* fewer than three points have no elbow */
	CHECK_INT(crm_scan_elbow(k, l_shape, 2, NULL), -1);
	CHECK_INT(crm_scan_elbow(k, l_shape, 0, NULL), -1);
	/* two equally deep points: the smaller k */
	{
		static const int k2[] = {1, 2, 3, 4, 5};
		static const double twin[] = {4, 1.5, 1.5, 0.5, 0};

		/* distances below the chord: 0, 0.375, 0.125, 0.125, 0; and with a tie */
		static const double tie[] = {4, 2, 1, 0.5, 0};

		CHECK_INT(crm_scan_elbow(k2, twin, 5, NULL), 1);
		/* 0.25 at k = 2 and 0.25 at k = 3: the smaller k */
		CHECK_INT(crm_scan_elbow(k2, tie, 5, NULL), 1);
	}
}

/* bank_churners: silhouettes below 0.25 cannot choose; the elbow does. */
UNIT_TEST(scan_choose_weak_structure_takes_the_elbow)
{
	CrmScanChoice ch;

	crm_scan_choose(churn_k, churn_sse, churn_sil, 9, &ch);
	CHECK_INT(ch.best, 0);			/* k = 2 has the best silhouette */
	CHECK_INT(ch.elbow, 3);
	CHECK_INT(ch.pick, 3);			/* k = 5 */
	CHECK_INT(ch.reason, CRM_SCAN_ELBOW_WEAK);
}

/* A clear winner above 0.25 is taken, elbow or not. */
UNIT_TEST(scan_choose_clear_silhouette)
{
	static const int k[] = {2, 3, 4, 5, 6};
	static const double sse[] = {1000, 400, 100, 90, 80};
	static const double sil[] = {0.40, 0.62, 0.71, 0.55, 0.50};
	CrmScanChoice ch;

	crm_scan_choose(k, sse, sil, 5, &ch);
	CHECK_INT(ch.pick, 2);
	CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE);
	CHECK_INT(ch.tied, 1);
	/* just above the threshold is enough; exactly at it is not */
	{
		double		s2[] = {0.10, 0.2501, 0.12, 0.11, 0.10};

		crm_scan_choose(k, sse, s2, 5, &ch);
		CHECK_INT(ch.pick, 1);
		CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE);
		s2[1] = 0.25;
		crm_scan_choose(k, sse, s2, 5, &ch);
		CHECK_INT(ch.reason, CRM_SCAN_ELBOW_WEAK);
		CHECK_INT(ch.pick, ch.elbow);
	}
}

/* Silhouettes within 0.01 of the best are a tie: the deepest below the chord wins. */
UNIT_TEST(scan_choose_tie_broken_by_elbow)
{
	static const int k[] = {2, 3, 4, 5, 6};
	/* chord from (0, 1) to (1, 0); k = 4 lies farthest below it */
	static const double sse[] = {1000, 700, 200, 150, 100};
	static const double sil[] = {0.600, 0.595, 0.592, 0.40, 0.30};
	CrmScanChoice ch;

	crm_scan_choose(k, sse, sil, 5, &ch);
	CHECK_INT(ch.best, 0);
	CHECK_INT(ch.tied, 3);
	CHECK_INT(ch.elbow, 2);
	CHECK_INT(ch.pick, 2);
	CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE_TIE);
	/* just outside the tolerance, the best silhouette alone */
	{
		static const double sil2[] = {0.600, 0.585, 0.589, 0.40, 0.30};

		crm_scan_choose(k, sse, sil2, 5, &ch);
		CHECK_INT(ch.pick, 0);
		CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE);
	}
	/* a tie without an elbow (a straight SSE line): the best silhouette */
	{
		static const double line[] = {50, 40, 30, 20, 10};

		crm_scan_choose(k, line, sil, 5, &ch);
		CHECK_INT(ch.pick, 0);
		CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE);
	}
}

/* Undefined silhouettes (NaN: k = 1), too few k, nothing at all. */
UNIT_TEST(scan_choose_edges)
{
	static const int k[] = {1, 2, 3, 4};
	static const double sse[] = {100, 30, 20, 15};
	const double nan_ = NAN;
	CrmScanChoice ch;

	{
		double		sil[] = {nan_, nan_, nan_, nan_};

		crm_scan_choose(k, sse, sil, 4, &ch);
		CHECK_INT(ch.best, -1);
		CHECK_INT(ch.pick, 1);
		CHECK_INT(ch.reason, CRM_SCAN_ELBOW_NO_SILHOUETTE);
	}
	{
		/* k = 1, 2 only: no elbow; a weak silhouette is still recommended */
		double		sil[] = {nan_, 0.1};

		crm_scan_choose(k, sse, sil, 2, &ch);
		CHECK_INT(ch.pick, 1);
		CHECK_INT(ch.reason, CRM_SCAN_SILHOUETTE_NO_ELBOW);
	}
	{
		double		sil[] = {nan_};

		crm_scan_choose(k, sse, sil, 1, &ch);
		CHECK_INT(ch.pick, -1);
		CHECK_INT(ch.reason, CRM_SCAN_NONE);
		crm_scan_choose(k, sse, sil, 0, &ch);
		CHECK_INT(ch.pick, -1);
	}
	{
		/* k = 1 has no silhouette and is never the best */
		double		sil[] = {nan_, 0.5, 0.8, 0.3};

		crm_scan_choose(k, sse, sil, 4, &ch);
		CHECK_INT(ch.best, 2);
		CHECK_INT(ch.pick, 2);
	}
}
