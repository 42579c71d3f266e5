/*
 * test_validation.c
 *	  Unit tests of validation_core.c: AUC and KS by hand and against the
 *	  all-pairs definition (ties, merged and split entries), the PSI by
 *	  hand, and the crm.roc_state and crm.psi_state forms and checks.
 */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "validation_core.h"

/* A ROC state of n (score, target) pairs, entries unmerged. */
static CrmRocState *
Roc(const double *score, const bool *target, int n)
{
	CrmError	err = {0};
	CrmRocState *s = crm_roc_alloc(n > 0 ? n : 1, &err);
	int			i;

	for (i = 0; i < n; i++)
	{
		s->e[i].score = score[i];
		s->e[i].pos = target[i] ? 1 : 0;
		s->e[i].neg = target[i] ? 0 : 1;
	}
	s->n = n;
	return s;
}

/* The definition: pairs (positive, negative), ties half. */
static double
AucPairs(const double *score, const bool *target, int n)
{
	double		num = 0;
	double		pairs = 0;
	int			i;
	int			j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (target[i] && !target[j])
			{
				pairs++;
				num += score[i] > score[j] ? 1 : (score[i] == score[j] ? 0.5 : 0);
			}
	return num / pairs;
}

/* The definition of KS: max over thresholds of |F_pos - F_neg|. */
static double
KsDirect(const double *score, const bool *target, int n)
{
	double		ks = 0;
	int			i;
	int			j;

	for (i = 0; i < n; i++)
	{
		double		p = 0;
		double		q = 0;
		double		np = 0;
		double		nq = 0;

		for (j = 0; j < n; j++)
		{
			if (target[j])
			{
				np++;
				p += score[j] <= score[i];
			}
			else
			{
				nq++;
				q += score[j] <= score[i];
			}
		}
		ks = fmax(ks, fabs(p / np - q / nq));
	}
	return ks;
}

/* AUC and KS by hand. */
UNIT_TEST(roc_by_hand)
{
	double		s1[] = {1, 2, 3, 4};
	bool		t1[] = {false, true, false, true};
	double		s2[] = {1, 1};
	bool		t2[] = {true, false};
	double		s3[] = {4, 3, 2, 1};
	bool		t3[] = {false, true, false, true};
	double		s4[] = {1, 2, 3};
	bool		t4[] = {true, true, true};

	/* positives 2, 4 over negatives 1, 3: three pairs of four */
	CHECK(crm_roc_auc(Roc(s1, t1, 4)) == 0.75);
	CHECK(crm_roc_ks(Roc(s1, t1, 4)) == 0.5);
	/* one tie: a half */
	CHECK(crm_roc_auc(Roc(s2, t2, 2)) == 0.5);
	CHECK(crm_roc_ks(Roc(s2, t2, 2)) == 0);
	/* reversed: below one half, never folded */
	CHECK(crm_roc_auc(Roc(s3, t3, 4)) == 0.25);
	/* one class: undefined */
	CHECK(isnan(crm_roc_auc(Roc(s4, t4, 3))));
	CHECK(isnan(crm_roc_ks(Roc(s4, t4, 3))));
	/* perfect separation */
	{
		double		s[] = {0.1, 0.2, 0.9, 0.95};
		bool		t[] = {false, false, true, true};

		CHECK(crm_roc_auc(Roc(s, t, 4)) == 1);
		CHECK(crm_roc_ks(Roc(s, t, 4)) == 1);
	}
}

/* Random scores with many ties against the definitions; compaction changes nothing. */
UNIT_TEST(roc_against_pairs)
{
	unsigned int seed = 11;
	int			round;

	for (round = 0; round < 40; round++)
	{
		int			n = 2 + rand_r(&seed) % 300;
		double	   *score = crm_core_alloc(sizeof(double) * n);
		bool	   *target = crm_core_alloc(sizeof(bool) * n);
		CrmRocState *s;
		double		auc;
		double		ks;
		int			i;
		int			levels = 1 + rand_r(&seed) % 20;

		for (i = 0; i < n; i++)
		{
			score[i] = (rand_r(&seed) % levels) - levels / 2.0;
			target[i] = rand_r(&seed) % 3 == 0;
		}
		target[0] = true;
		target[1] = false;
		s = Roc(score, target, n);
		auc = crm_roc_auc(s);
		ks = crm_roc_ks(s);
		CHECK_NEAR(auc, AucPairs(score, target, n), 1e-15);
		CHECK_NEAR(ks, KsDirect(score, target, n), 1e-15);
		crm_roc_compact(s);
		CHECK(s->n <= levels);
		CHECK(crm_roc_auc(s) == auc);
		CHECK(crm_roc_ks(s) == ks);
	}
}

/* Counts beyond 2^32 - 1 stay in entries of their own, and count in full. */
UNIT_TEST(roc_large_counts)
{
	CrmError	err = {0};
	CrmRocState *s = crm_roc_alloc(4, &err);

	s->n = 4;
	s->e[0] = (CrmRocEntry) {1.0, UINT32_MAX, 0};
	s->e[1] = (CrmRocEntry) {1.0, 5, 0};
	s->e[2] = (CrmRocEntry) {0.5, 0, UINT32_MAX};
	s->e[3] = (CrmRocEntry) {1.0, 0, 2};
	crm_roc_compact(s);
	CHECK_INT(s->n, 3);
	CHECK(crm_roc_check_entries(s, CRM_ERR_INVALID, &err) == 0);
	/*
	 * positives (2^32 + 4 at 1.0) over negatives (2^32 - 1 at 0.5, 2 at
	 * 1.0): U = P * (2^32 - 1) + P * 2 / 2, AUC = U / (P * N)
	 */
	{
		double		P = 4294967295.0 + 5;
		double		N = 4294967295.0 + 2;

		CHECK_NEAR(crm_roc_auc(s), (P * 4294967295.0 + P) / (P * N), 1e-15);
	}
}

/* Binary and text forms; truncations and corruptions are errors. */
UNIT_TEST(roc_state_forms)
{
	double		sc[] = {3, -0.0, 2.5, 3};
	bool		t[] = {true, false, true, false};
	CrmRocState *s = Roc(sc, t, 4);
	CrmError	err = {0};
	size_t		n = crm_roc_wire_size(s);
	uint8_t    *b = crm_core_alloc(n);
	CrmRocState *r;
	char	   *text;
	size_t		i;

	s->e[1].score = 0;
	crm_roc_encode(s, b);
	r = crm_roc_decode(b, n, CRM_ERR_BINARY, &err);
	CHECK(r != NULL && r->n == 4 && memcmp(r->e, s->e, sizeof(CrmRocEntry) * 4) == 0);
	text = crm_roc_print(s);
	r = crm_roc_parse(text, &err);
	CHECK(r != NULL && r->n == 4 && crm_roc_auc(r) == crm_roc_auc(s));
	for (i = 0; i < n; i++)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_roc_decode(b, i, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	}
	/* a NaN score, an entry of no rows */
	{
		double		nan = NAN;
		uint64_t	u;

		memcpy(&u, &nan, 8);
		for (i = 0; i < 8; i++)
			b[9 + i] = (uint8_t) (u >> (56 - 8 * i));
		memset(&err, 0, sizeof(err));
		CHECK(crm_roc_decode(b, n, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, "entry 1");
	}
	memset(&err, 0, sizeof(err));
	CHECK(crm_roc_parse("{1, 2}", &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	/* header checks: the size must match the capacity */
	memset(&err, 0, sizeof(err));
	CHECK(crm_roc_check_header(s, crm_roc_size(s->cap) - 1, CRM_ERR_INVALID, &err) != 0);
	s->n = s->cap + 1;
	memset(&err, 0, sizeof(err));
	CHECK(crm_roc_check_header(s, crm_roc_size(s->cap), CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "capacity");
}

/* A cuts state with these counts (expected, actual per bin). */
static CrmPsiState *
PsiOf(const double *cuts, int ncuts, const int64_t *counts)
{
	CrmError	err = {0};
	int32_t		bins = ncuts + 2;
	CrmPsiState *s = crm_psi_alloc(CRM_PSI_CUTS, 1, &bins, "", 1, cuts, ncuts,
								   crm_psi_hash(cuts, sizeof(double) * (size_t) ncuts), &err);

	if (s)
		memcpy(crm_psi_counts(s), counts, sizeof(int64_t) * 2 * (size_t) bins);
	return s;
}

/* PSI by hand: shares (0.1, 0.2, 0.7) against (0.2, 0.2, 0.6); empty bins. */
UNIT_TEST(psi_by_hand)
{
	double		cuts[] = {10, 20};
	int64_t		c1[] = {10, 20, 20, 20, 70, 60, 0, 0};
	int64_t		c2[] = {10, 0, 20, 40, 70, 60, 0, 0};
	int64_t		c3[] = {10, 10, 20, 20, 70, 70, 5, 5};
	int64_t		c4[] = {10, 0, 20, 0, 70, 0, 0, 0};
	CrmPsiState *s = PsiOf(cuts, 2, c1);
	CrmError	err = {0};

	CHECK(s != NULL);
	CHECK(crm_psi_check(s, crm_psi_size(1, 4, 2, 1), CRM_ERR_INVALID, &err) == 0);
	CHECK_NEAR(crm_psi_value(s, 0),
			   (0.2 - 0.1) * log(2.0) + 0 + (0.6 - 0.7) * log(0.6 / 0.7), 1e-15);
	/* an empty bin counts half a row of its population */
	CHECK_NEAR(crm_psi_value(PsiOf(cuts, 2, c2), 0),
			   (0.5 / 100 - 0.1) * log(0.005 / 0.1) + (0.4 - 0.2) * log(2.0) +
			   (0.6 - 0.7) * log(0.6 / 0.7), 1e-15);
	/* the same shares: 0 */
	CHECK(crm_psi_value(PsiOf(cuts, 2, c3), 0) == 0);
	/* no actual rows: undefined */
	CHECK(isnan(crm_psi_value(PsiOf(cuts, 2, c4), 0)));
}

/* Cut points, states that do not fit together, forms and corruptions. */
UNIT_TEST(psi_checks_and_forms)
{
	double		cuts[] = {1, 2.5, 4};
	double		bad[] = {1, 1};
	double		nan[] = {NAN};
	int64_t		counts[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	CrmPsiState *s = PsiOf(cuts, 3, counts);
	CrmPsiState *r;
	CrmError	err = {0};
	size_t		n = crm_psi_wire_size(s);
	uint8_t    *b = crm_core_alloc(n);
	size_t		i;

	CHECK(crm_psi_cuts_check(bad, 2, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "ascending");
	memset(&err, 0, sizeof(err));
	CHECK(crm_psi_cuts_check(nan, 1, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "finite");
	memset(&err, 0, sizeof(err));
	CHECK(crm_psi_cuts_check(cuts, 1000, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 999");
	crm_psi_encode(s, b);
	memset(&err, 0, sizeof(err));
	r = crm_psi_decode(b, n, CRM_ERR_BINARY, &err);
	CHECK(r != NULL && crm_psi_compatible(r, s) &&
		  memcmp(crm_psi_counts(r), counts, sizeof(counts)) == 0);
	r = crm_psi_parse(crm_psi_print(s), &err);
	CHECK(r != NULL && crm_psi_value(r, 0) == crm_psi_value(s, 0));
	CHECK(crm_psi_add(r, s, &err));
	CHECK(crm_psi_counts(r)[9] == 20);
	for (i = 0; i < n; i++)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_psi_decode(b, i, CRM_ERR_BINARY, &err) == NULL);
	}
	/* a changed cut point no longer matches the fingerprint; a negative count */
	crm_psi_cuts(s)[1] = 3;
	memset(&err, 0, sizeof(err));
	CHECK(crm_psi_check(s, crm_psi_size(1, 5, 3, 1), CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "cut points");
	crm_psi_cuts(s)[1] = 2.5;
	crm_psi_counts(s)[3] = -1;
	memset(&err, 0, sizeof(err));
	CHECK(crm_psi_check(s, crm_psi_size(1, 5, 3, 1), CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "counts");
	/* a card state: names per group */
	{
		int32_t		bins[2] = {3, 4};
		CrmPsiState *c = crm_psi_alloc(CRM_PSI_CARD, 2, bins, "age\0region", 11, NULL, 0, 42, &err);

		CHECK(c != NULL);
		CHECK(crm_psi_check(c, crm_psi_size(2, 7, 0, 11), CRM_ERR_INVALID, &err) == 0);
		CHECK(!crm_psi_compatible(c, s));
		crm_psi_names(c)[3] = 'x';	/* the names no longer end where they should */
		memset(&err, 0, sizeof(err));
		CHECK(crm_psi_check(c, crm_psi_size(2, 7, 0, 11), CRM_ERR_INVALID, &err) != 0);
	}
}
