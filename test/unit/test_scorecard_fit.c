/*
 * test_scorecard_fit.c
 *	  Unit tests of the scorecard-fitting cores: binning and WOE/IV
 *	  (binning_core.c), IRLS (logit_core.c) against closed-form maximum
 *	  likelihood estimates, the decimal fast path, and the crm.scorecard_fit
 *	  state (scorecard_fit_core.c): counts, round trips, combining, the
 *	  card from hand-checked data, errors and hostile states.
 */
#include <stdint.h>
#include <stdlib.h>

#include "binning_core.h"
#include "logit_core.h"
#include "scorecard_fit_core.h"
#include "unit.h"

/* ------------------------------------------------------------ binning */

/* WOE and IV by hand, and the correction for an empty class. */
UNIT_TEST(fit_woe_iv_by_hand)
{
	/* 20 of 100 targets and 80 of 900 non-targets: ln(0.2 / (80/900)) = ln 2.25 */
	CHECK_NEAR(crm_woe(20, 80, 100, 900), log(2.25), 1e-15);
	CHECK_NEAR(crm_iv_term(20, 80, 100, 900), (0.2 - 80.0 / 900) * log(2.25), 1e-15);
	/* a bin without targets: 0.5 added to both counts */
	CHECK_NEAR(crm_woe(0, 10, 100, 900), log((0.5 / 100) / (10.5 / 900)), 1e-15);
	CHECK_NEAR(crm_woe(7, 0, 100, 900), log((7.5 / 100) / (0.5 / 900)), 1e-15);
	/* the average bin has WOE 0 */
	CHECK_NEAR(crm_woe(10, 90, 100, 900), 0, 1e-15);
	/* no targets at all: nothing to weigh */
	CHECK(crm_woe(3, 4, 0, 7) == 0);
}

/* Equal rates merge first (they lose no information). */
UNIT_TEST(fit_bins_merge_equal_rates)
{
	CrmAtom		atoms[9];
	int			starts[9];
	CrmBinOptions o = {3, 9, 0, false};
	int			i;
	int			n;

	for (i = 0; i < 9; i++)
	{
		atoms[i].pos = i < 3 ? 1 : (i < 6 ? 5 : 9);
		atoms[i].neg = 10 - atoms[i].pos;
	}
	n = crm_bin_atoms(atoms, 9, 45, 45, &o, starts);
	CHECK_INT(n, 3);
	CHECK_INT(starts[0], 0);
	CHECK_INT(starts[1], 3);
	CHECK_INT(starts[2], 6);
	/* max_bins 2: the cheaper of the two remaining merges (0.1 | 0.5 vs 0.5 | 0.9 is symmetric: the left one) */
	o.max_bins = 2;
	n = crm_bin_atoms(atoms, 9, 45, 45, &o, starts);
	CHECK_INT(n, 2);
	CHECK_INT(starts[1], 6);
}

/* Monotone: pool adjacent violators in the direction with more IV. */
UNIT_TEST(fit_bins_monotone)
{
	/* rates 0.1, 0.5, 0.3, 0.7: rising after pooling 0.5 and 0.3 */
	CrmAtom		atoms[4] = {{1, 9}, {5, 5}, {3, 7}, {7, 3}};
	int			starts[4];
	CrmBinOptions o = {10, 4, 0, true};
	int			n = crm_bin_atoms(atoms, 4, 16, 24, &o, starts);

	CHECK_INT(n, 3);
	CHECK_INT(starts[0], 0);
	CHECK_INT(starts[1], 1);
	CHECK_INT(starts[2], 3);
	/* falling data: 0.9, 0.2, 0.6, 0.1 -> 0.9 | 0.4 | 0.1 */
	{
		CrmAtom		down[4] = {{9, 1}, {2, 8}, {6, 4}, {1, 9}};

		n = crm_bin_atoms(down, 4, 18, 22, &o, starts);
		CHECK_INT(n, 3);
		CHECK_INT(starts[1], 1);
		CHECK_INT(starts[2], 3);
	}
	/* not monotone: the four stay */
	o.monotone = false;
	CHECK_INT(crm_bin_atoms(atoms, 4, 16, 24, &o, starts), 4);
}

/* min_rows: a small atom joins the neighbour it loses less with. */
UNIT_TEST(fit_bins_min_rows)
{
	/* rates 0.1, 0.1 (2 rows), 0.8: the small one joins the left */
	CrmAtom		atoms[3] = {{5, 45}, {0.2 * 0 + 0, 2}, {40, 10}};
	int			starts[3];
	CrmBinOptions o = {10, 100, 10, false};
	int			n = crm_bin_atoms(atoms, 3, 45, 57, &o, starts);

	CHECK_INT(n, 2);
	CHECK_INT(starts[1], 2);
	/* a bin cannot hold more than all rows: everything in one */
	o.min_rows = 200;
	CHECK_INT(crm_bin_atoms(atoms, 3, 45, 57, &o, starts), 1);
}

/*
 * Prebins: a group closes once its rows reach the next k / prebins of all
 * rows, so a cut falls only between atoms and a heavy atom takes several
 * boundaries at once.
 */
UNIT_TEST(fit_prebins_heavy_atom)
{
	CrmAtom		atoms[5] = {{1, 1}, {40, 50}, {1, 1}, {1, 1}, {1, 1}};
	CrmAtom		even[8];
	int			starts[8];
	CrmBinOptions o = {10, 4, 0, false};
	int			n = crm_bin_atoms(atoms, 5, 44, 54, &o, starts);
	int			i;

	/* 98 rows, boundaries 24.5, 49, 73.5: the heavy atom passes all three */
	CHECK_INT(n, 2);
	CHECK_INT(starts[1], 2);
	/* 8 atoms of 10 rows, 4 prebins: pairs (rates all different) */
	for (i = 0; i < 8; i++)
	{
		even[i].pos = i + 1;
		even[i].neg = 9 - i;
	}
	n = crm_bin_atoms(even, 8, 36, 44, &o, starts);
	CHECK_INT(n, 4);
	for (i = 0; i < n; i++)
		CHECK_INT(starts[i], 2 * i);
}

/* ------------------------------------------------------------ IRLS */

/*
 * One binary feature: the MLE is closed form, beta0 = ln(a / b) (the
 * log-odds where x = 0) and beta1 = ln(c / d) - ln(a / b) (the log odds
 * ratio).
 */
UNIT_TEST(fit_logit_binary_feature_closed_form)
{
	double		x[2] = {0, 1};
	double		pos[2] = {12, 30};
	double		neg[2] = {88, 45};
	double		beta[2];
	bool		aliased[1];
	CrmLogitResult res;
	CrmError	err = {0};

	CHECK(crm_logit_fit(x, pos, neg, 2, 1, 50, 1e-12, beta, aliased, &res, &err));
	CHECK(res.converged);
	CHECK_NEAR(beta[0], log(12.0 / 88), 1e-9);
	CHECK_NEAR(beta[1], log(30.0 / 45) - log(12.0 / 88), 1e-9);
	CHECK(!aliased[0]);
	CHECK_NEAR(res.deviance, 0, 1e-9);	/* two groups, two parameters: a perfect fit */
}

/*
 * Two binary features whose cell odds are exactly multiplicative: odds
 * 1/4, 1/2 (x1), 1 (x2), 2 (both).  The additive model fits the table
 * exactly, so the MLE is beta = (ln 1/4, ln 2, ln 4).
 */
UNIT_TEST(fit_logit_additive_table)
{
	double		x[8] = {0, 0, 1, 0, 0, 1, 1, 1};
	double		pos[4] = {10, 20, 30, 40};
	double		neg[4] = {40, 40, 30, 20};
	double		beta[3];
	bool		aliased[2];
	CrmLogitResult res;
	CrmError	err = {0};

	CHECK(crm_logit_fit(x, pos, neg, 4, 2, 50, 1e-12, beta, aliased, &res, &err));
	CHECK(res.converged);
	CHECK_NEAR(beta[0], log(0.25), 1e-9);
	CHECK_NEAR(beta[1], log(2.0), 1e-9);
	CHECK_NEAR(beta[2], log(4.0), 1e-9);
	CHECK(res.iterations < 20);
}

/* A duplicated column is aliased (coefficient 0); the other takes it all. */
UNIT_TEST(fit_logit_aliased_column)
{
	double		x[4] = {0, 0, 1, 1};
	double		pos[2] = {12, 30};
	double		neg[2] = {88, 45};
	double		beta[3];
	bool		aliased[2];
	CrmLogitResult res;
	CrmError	err = {0};

	CHECK(crm_logit_fit(x, pos, neg, 2, 2, 50, 1e-12, beta, aliased, &res, &err));
	CHECK(!aliased[0] && aliased[1]);
	CHECK_INT(res.aliased, 1);
	CHECK(beta[2] == 0);
	CHECK_NEAR(beta[1], log(30.0 / 45) - log(12.0 / 88), 1e-9);
	/* a constant column is a multiple of the intercept */
	{
		double		c[2] = {3, 3};

		CHECK(crm_logit_fit(c, pos, neg, 2, 1, 50, 1e-12, beta, aliased, &res, &err));
		CHECK(aliased[0]);
		CHECK_NEAR(beta[0], log(42.0 / 133), 1e-9);
	}
}

/*
 * Separable classes: the likelihood has no maximum; the fit stops with
 * finite coefficients (the deviance stops changing) or reports it, never a
 * NaN.
 */
UNIT_TEST(fit_logit_separable)
{
	double		x[2] = {0, 1};
	double		pos[2] = {0, 30};
	double		neg[2] = {50, 0};
	double		beta[2];
	bool		aliased[1];
	CrmLogitResult res;
	CrmError	err = {0};

	if (crm_logit_fit(x, pos, neg, 2, 1, 50, 1e-10, beta, aliased, &res, &err))
	{
		CHECK(isfinite(beta[0]) && isfinite(beta[1]));
		CHECK(beta[1] > 10);	/* heading for infinity */
		CHECK(res.deviance < 1e-3);
	}
	else
		CHECK_ERR(&err, CRM_ERR_INVALID, "converge");
}

/* ------------------------------------------------------------ numbers */

/* The decimal fast path agrees with strtod, and declines what it cannot do exactly. */
UNIT_TEST(fit_decimal_fast_path)
{
	double		x;
	int			i;
	unsigned int seed = 7;

	{
		int16_t		d[] = {0, 1000};	/* 0.1: weight -1, digit 1000 */

		CHECK(crm_fit_decimal_double(false, -1, d + 1, 1, &x) && x == 0.1);
		(void) d;
	}
	{
		int16_t		d[] = {1, 2345, 6789, 1230};	/* 1 2345 . 6789 1230 */

		CHECK(crm_fit_decimal_double(true, 1, d, 4, &x) && x == -12345.6789123);
	}
	{
		int16_t		d[] = {0, 0, 0};

		CHECK(crm_fit_decimal_double(true, 0, d, 3, &x) && x == 0 && !signbit(x));
	}
	{
		int16_t		d[] = {9007, 1992, 5474, 993};	/* 9007199254740993 > 2^53 */

		CHECK(!crm_fit_decimal_double(false, 3, d, 4, &x));
	}
	{
		int16_t		d[] = {1};

		CHECK(crm_fit_decimal_double(false, 5, d, 1, &x) && x == 1e20);
		CHECK(!crm_fit_decimal_double(false, 6, d, 1, &x));	/* 1e24: beyond 10^22 */
		CHECK(crm_fit_decimal_double(false, -5, d, 1, &x) && x == 1e-20);
		CHECK(!crm_fit_decimal_double(false, -6, d, 1, &x));
	}
	/* random decimals of up to 16 digits against strtod of their text */
	for (i = 0; i < 20000; i++)
	{
		int16_t		d[4];
		int			n = 1 + rand_r(&seed) % 4;
		int			weight = (rand_r(&seed) % 9) - 5;
		char		text[128];
		size_t		len = 0;
		int			k;

		for (k = 0; k < n; k++)
			d[k] = (int16_t) (rand_r(&seed) % 10000);
		/* the text: digits of base 10000 with the point after the weight's digit */
		len += (size_t) snprintf(text + len, sizeof(text) - len, "0.");
		for (k = 0; k < n; k++)
			len += (size_t) snprintf(text + len, sizeof(text) - len, "%04d", d[k]);
		len += (size_t) snprintf(text + len, sizeof(text) - len, "e%d", 4 * (weight + 1));
		if (crm_fit_decimal_double(false, weight, d, n, &x))
			CHECK(x == strtod(text, NULL));
	}
}

/* ------------------------------------------------------------ the state */

/* A state for default options, or these changed. */
static CrmFitState *
NewState(int max_bins, int sample_rows)
{
	CrmFitOptions o;
	CrmError	err = {0};

	crm_fit_options_default(&o);
	if (max_bins)
	{
		o.max_bins = max_bins;
		o.prebins = max_bins < 50 ? 50 : max_bins;
	}
	if (sample_rows)
		o.sample_rows = sample_rows;
	CHECK(crm_fit_options_check(&o, &err));
	return crm_fit_new(&o);
}

/* Add one row: numeric x (NaN: missing), category c (NULL: missing). */
static void
AddRow(CrmFitState *s, bool target, double x, const char *c)
{
	CrmError	err = {0};

	crm_fit_row_begin(s);
	if (!isnan(x))
	{
		int			fi = crm_fit_factor(s, "x", 1, &err);

		CHECK(fi >= 0 && crm_fit_value_numeric(s, fi, x, target, &err));
	}
	if (c)
	{
		int			fi = crm_fit_factor(s, "c", 1, &err);

		CHECK(fi >= 0 && crm_fit_value_category(s, fi, c, (uint32_t) strlen(c), target, &err));
	}
	CHECK(crm_fit_row_end(s, target, &err));
}

/* The binary form of a state (and its size). */
static uint8_t *
Encode(CrmFitState *s, size_t *n)
{
	uint8_t    *b;

	*n = crm_fit_encoded_size(s);
	b = crm_core_alloc(*n);
	CHECK(crm_fit_encode(s, b, *n));
	return b;
}

/* The i-th row of a deterministic data set with a signal in x and c. */
static void
DataRow(int i, bool *target, double *x, const char **c)
{
	static const char *const cats[] = {"red", "green", "blue", "gold"};
	unsigned int h = (unsigned int) i * 2654435761u;

	*x = (double) (i % 50);
	*c = cats[i % 4];
	/* the target rises with x and with the later categories */
	*target = (h % 100) < (unsigned int) (5 + (i % 50) + 10 * (i % 4));
	if (i % 23 == 0)
		*x = NAN;				/* missing */
}

/* Counts, and the binary and text forms read back to the same bytes. */
UNIT_TEST(fit_state_round_trip)
{
	CrmFitState *s = NewState(0, 0);
	CrmFitState *t;
	CrmError	err = {0};
	size_t		n1;
	size_t		n2;
	uint8_t    *b1;
	uint8_t    *b2;
	char	   *text;
	int			i;

	for (i = 0; i < 3000; i++)
	{
		bool		target;
		double		x;
		const char *c;

		DataRow(i, &target, &x, &c);
		AddRow(s, target, x, c);
	}
	CHECK_INT(s->rows, 3000);
	CHECK_INT(s->nfactors, 2);
	CHECK(crm_fit_check(s, CRM_ERR_INVALID, &err) == 0);
	/* 131 rows have no x: 0, 23, ..., 2990 (row 0 has none, so c came first) */
	CHECK(strcmp(s->factors[1].name, "x") == 0);
	CHECK_INT(s->factors[1].miss_pos + s->factors[1].miss_neg, 131);
	CHECK_INT(s->factors[0].miss_pos + s->factors[0].miss_neg, 0);
	b1 = Encode(s, &n1);
	t = crm_fit_decode(b1, n1, CRM_ERR_BINARY, &err);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	b2 = Encode(t, &n2);
	CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
	text = crm_fit_print(t);
	crm_fit_free(t);
	t = crm_fit_parse(text, &err);
	CHECK(t != NULL);
	if (t)
	{
		crm_core_free(b2);
		b2 = Encode(t, &n2);
		CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
	}
	/* every shorter prefix is an error, never a crash */
	for (i = 0; i < (int) n1; i += 1 + (int) n1 / 200)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_fit_decode(b1, (size_t) i, CRM_ERR_BINARY, &err) == NULL);
		CHECK(err.kind != CRM_OK);
	}
}

/* The card of a state (checked) and its size. */
static CrmScorecard *
Finish(CrmFitState *s, size_t *size)
{
	CrmFitReport rep;
	CrmError	err = {0};
	CrmScorecard *c = crm_fit_finish(s, &rep, size, &err);

	CHECK(c != NULL);
	if (c == NULL)
		printf("    finish: %s / %s\n", err.message, err.detail);
	else
		CHECK(crm_card_check(c, *size, &err) == 0);
	return c;
}

/*
 * Exactness: the same rows in another order, or split into two states and
 * combined (either way round), give the same card to the last byte.
 */
UNIT_TEST(fit_combine_and_order_give_the_same_card)
{
	CrmFitState *all = NewState(0, 0);
	CrmFitState *rev = NewState(0, 0);
	CrmFitState *a = NewState(0, 0);
	CrmFitState *b = NewState(0, 0);
	CrmFitState *a2 = NewState(0, 0);
	CrmFitState *b2 = NewState(0, 0);
	CrmError	err = {0};
	CrmScorecard *c1;
	CrmScorecard *c2;
	CrmScorecard *c3;
	CrmScorecard *c4;
	size_t		s1;
	size_t		s2;
	size_t		s3;
	size_t		s4;
	int			i;

	for (i = 0; i < 4000; i++)
	{
		bool		target;
		double		x;
		const char *c;

		DataRow(i, &target, &x, &c);
		AddRow(all, target, x, c);
		AddRow(i % 3 == 0 ? a : b, target, x, c);
		AddRow(i % 3 == 0 ? a2 : b2, target, x, c);
		DataRow(3999 - i, &target, &x, &c);
		AddRow(rev, target, x, c);
	}
	CHECK(crm_fit_combine(a, b, &err));
	CHECK(crm_fit_combine(b2, a2, &err));
	c1 = Finish(all, &s1);
	c2 = Finish(rev, &s2);
	c3 = Finish(a, &s3);
	c4 = Finish(b2, &s4);
	if (!c1 || !c2 || !c3 || !c4)
		return;
	CHECK(s1 == s2 && memcmp((char *) c1 + 4, (char *) c2 + 4, s1 - 4) == 0);
	CHECK(s1 == s3 && memcmp((char *) c1 + 4, (char *) c3 + 4, s1 - 4) == 0);
	CHECK(s1 == s4 && memcmp((char *) c1 + 4, (char *) c4 + 4, s1 - 4) == 0);
}

/*
 * One category factor whose values have the target odds 1:19, 2:19 and
 * 4:19.  With a single factor the regression on WOE is exact: coefficient
 * 1 and intercept ln(T / N), since WOE = ln(odds of the value) - ln(T / N);
 * so a value's points are points0 + pdo * log2(odds / odds0): 600, 620,
 * 640 with the defaults.
 */
UNIT_TEST(fit_card_by_hand)
{
	CrmFitState *s = NewState(0, 0);
	static const struct
	{
		const char *c;
		int			pos;
		int			neg;
	}			cells[] = {{"a", 50, 950}, {"b", 100, 950}, {"c", 200, 950}};
	CrmScorecard *card;
	const CrmCardFactor *f;
	const CrmCardFactorStats *st;
	size_t		size;
	int			i;
	int			k;
	double		T = 350;
	double		N = 2850;

	for (i = 0; i < 3; i++)
		for (k = 0; k < cells[i].pos + cells[i].neg; k++)
			AddRow(s, k < cells[i].pos, NAN, cells[i].c);
	card = Finish(s, &size);
	if (card == NULL)
		return;
	CHECK_INT(card->nfactors, 1);
	f = &card->factors[0];
	CHECK_INT(f->kind, CRM_FACTOR_CATEGORY);
	CHECK_INT(f->n, 3);
	CHECK(crm_card_points(card, f)[0] == 600);
	CHECK(crm_card_points(card, f)[1] == 620);
	CHECK(crm_card_points(card, f)[2] == 640);
	st = crm_card_factor_stats(card, f);
	CHECK_NEAR(st->coefficient, 1, 1e-9);
	CHECK_NEAR(crm_card_fit(card)->intercept, log(T / N), 1e-9);
	for (i = 0; i < 3; i++)
	{
		CHECK(st->entries[i].rows == cells[i].pos + cells[i].neg);
		CHECK(st->entries[i].targets == cells[i].pos);
		CHECK_NEAR(st->entries[i].woe, crm_woe(cells[i].pos, cells[i].neg, T, N), 1e-12);
	}
	/* other and missing values: no rows, WOE 0, the neutral share */
	CHECK(st->other.rows == 0 && st->missing.rows == 0);
	CHECK_NEAR(f->other, 600 + 20 * log2((T / N) / (1.0 / 19)), 0.5);
	/* the default levels split at even odds: 600 + 20 log2(19) = 684.96 -> 685 */
	CHECK(crm_card_levels(card)->bounds[0] == 685);
}

/* A numeric factor: monotone rising points, edges at values, stats add up. */
UNIT_TEST(fit_card_numeric)
{
	CrmFitState *s = NewState(5, 0);
	CrmScorecard *card;
	const CrmCardFactor *f;
	const CrmCardFactorStats *st;
	size_t		size;
	double		rows = 0;
	uint32_t	j;
	int			i;

	for (i = 0; i < 5000; i++)
	{
		bool		target;
		double		x;
		const char *c;

		DataRow(i, &target, &x, &c);
		AddRow(s, target, x, NULL);
	}
	card = Finish(s, &size);
	if (card == NULL)
		return;
	f = &card->factors[0];
	st = crm_card_factor_stats(card, f);
	CHECK_INT(f->kind, CRM_FACTOR_NUMERIC);
	CHECK(f->n >= 2 && f->n <= 5);
	for (j = 0; j < f->n; j++)
	{
		rows += st->entries[j].rows;
		if (j + 1 < f->n)
		{
			double		e = crm_card_edges(card, f)[j];

			CHECK(e == floor(e) && e > 0 && e < 50);	/* a value of x */
		}
	}
	CHECK(rows + st->missing.rows == 5000);
	CHECK_INT((int) st->missing.rows, 218);		/* i % 23 == 0 */
	/* the signal rises with x: the top bin scores above the bottom one */
	CHECK(crm_card_points(card, f)[f->n - 1] > crm_card_points(card, f)[0]);
}

/* The errors of a fit and of adding rows. */
UNIT_TEST(fit_errors)
{
	CrmFitState *s = NewState(0, 0);
	CrmFitReport rep;
	CrmError	err = {0};
	size_t		size;
	int			i;
	char		name[300];

	/* one class only */
	for (i = 0; i < 10; i++)
		AddRow(s, true, i, "a");
	CHECK(crm_fit_finish(s, &rep, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "with and without the target");
	/* no rows: no card, no error */
	s = NewState(0, 0);
	memset(&err, 0, sizeof(err));
	CHECK(crm_fit_finish(s, &rep, &size, &err) == NULL && err.kind == CRM_OK);
	/* a constant factor is left out; with nothing else there is no card */
	for (i = 0; i < 100; i++)
		AddRow(s, i % 3 == 0, 7, NULL);
	CHECK(crm_fit_finish(s, &rep, &size, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "no factor separates");
	CHECK(strstr(err.detail, "\"x\" (one bin") != NULL);
	/* non-finite values, names beyond the limits, more than 256 factors */
	memset(&err, 0, sizeof(err));
	crm_fit_row_begin(s);
	CHECK(!crm_fit_value_numeric(s, 0, INFINITY, true, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "finite");
	memset(&err, 0, sizeof(err));
	memset(name, 'n', sizeof(name));
	CHECK(crm_fit_factor(s, name, 201, &err) == -2);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "factor name");
	memset(&err, 0, sizeof(err));
	CHECK(crm_fit_factor(s, "", 0, &err) == -2);
	CHECK_ERR(&err, CRM_ERR_INVALID, "factor name");
	memset(&err, 0, sizeof(err));
	for (i = 0; i < 300 && err.kind == CRM_OK; i++)
	{
		snprintf(name, sizeof(name), "f%d", i);
		(void) crm_fit_factor(s, name, (uint32_t) strlen(name), &err);
	}
	CHECK_ERR(&err, CRM_ERR_LIMIT, "more than 256");
}

/* Options: the ranges, and what a state refuses to combine. */
UNIT_TEST(fit_options)
{
	CrmFitOptions o;
	CrmError	err = {0};
	CrmFitState *a;
	CrmFitState *b;

	crm_fit_options_default(&o);
	CHECK(crm_fit_options_check(&o, &err));
	o.min_bin_share = 0.6;
	CHECK(!crm_fit_options_check(&o, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "min_bin_share");
	crm_fit_options_default(&o);
	o.max_bins = 1;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_fit_options_check(&o, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "max_bins");
	crm_fit_options_default(&o);
	o.odds0 = 0;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_fit_options_check(&o, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "odds0");
	crm_fit_options_default(&o);
	o.pdo = NAN;
	memset(&err, 0, sizeof(err));
	CHECK(!crm_fit_options_check(&o, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "finite");
	/* states of different options do not combine */
	a = NewState(0, 0);
	b = NewState(7, 0);
	memset(&err, 0, sizeof(err));
	CHECK(!crm_fit_combine(a, b, &err));
	CHECK_ERR(&err, CRM_ERR_INVALID, "different options");
}

/*
 * Beyond the exact limits: more than 4,096 distinct numeric values are
 * merged into intervals, more than 10,000 categories move to "other"; the
 * counts stay exact and the state valid.
 */
UNIT_TEST(fit_summaries_beyond_exact)
{
	CrmFitState *s = NewState(0, 200);
	CrmError	err = {0};
	int64_t		rows = 0;
	int			i;
	char		v[32];

	for (i = 0; i < 25000; i++)
	{
		snprintf(v, sizeof(v), "v%d", i);
		AddRow(s, i % 4 == 0, (double) i * 0.5, v);
	}
	CHECK(crm_fit_check(s, CRM_ERR_INVALID, &err) == 0);
	crm_fit_flush(s);
	CHECK(s->factors[0].niv <= CRM_FIT_MAX_INTERVALS);
	CHECK(s->factors[1].ncat <= CRM_FIT_MAX_CATEGORIES);
	CHECK(s->factors[1].other_pos + s->factors[1].other_neg > 0);
	CHECK(s->flags & CRM_FIT_FLAG_APPROX);
	for (i = 0; i < s->factors[0].niv; i++)
		rows += s->factors[0].iv[i].pos + s->factors[0].iv[i].neg;
	CHECK_INT(rows, 25000);
	CHECK_INT(s->ns, 200);		/* the sample is full: 25,000 distinct rows */
	{
		size_t		size;
		CrmScorecard *card = Finish(s, &size);

		(void) card;
	}
}

/* Hostile states: every corruption of a valid binary form is refused or valid, never a crash. */
UNIT_TEST(fit_hostile_states)
{
	CrmFitState *s = NewState(0, 100);
	uint8_t    *b;
	size_t		n;
	size_t		i;
	int			bit;

	for (i = 0; i < 300; i++)
	{
		bool		target;
		double		x;
		const char *c;

		DataRow((int) i, &target, &x, &c);
		AddRow(s, target, x, c);
	}
	b = Encode(s, &n);
	for (i = 0; i < n; i += 1 + n / 400)
		for (bit = 0; bit < 8; bit += 3)
		{
			CrmError	err = {0};
			CrmFitState *t;

			b[i] ^= (uint8_t) (1 << bit);
			t = crm_fit_decode(b, n, CRM_ERR_BINARY, &err);
			if (t)
			{
				/* a valid state: it survives a fit and re-encoding */
				size_t		m;
				uint8_t    *b2 = Encode(t, &m);
				CrmFitReport rep;
				size_t		size;

				CHECK(crm_fit_check(t, CRM_ERR_INVALID, &err) == 0);
				(void) crm_fit_finish(t, &rep, &size, &err);
				crm_core_free(b2);
				crm_fit_free(t);
			}
			else
				CHECK(err.kind != CRM_OK && err.kind != CRM_ERR_SYNTAX);
			b[i] ^= (uint8_t) (1 << bit);
		}
}
