/*
 * fuzz_scorecard_fit.c
 *	  libFuzzer harness for crm.scorecard_fit_state and the fit
 *	  (src/scoring/scorecard_fit_core.c, binning_core.c, logit_core.c): the
 *	  binary and compact text decoders on hostile states, and the row,
 *	  combine and finish paths on states built from the fuzzer's bytes.
 *
 * The first byte picks what the rest is: 0 a binary state (recv), 1 a text
 * (in), 2 a stream of rows.  An accepted state passes crm_fit_check, reads
 * back to the same bytes from its binary and text forms, survives being
 * combined with a copy of itself (which doubles every count) and a fit
 * whose card, when there is one, passes crm_card_check.  A stream of rows
 * is fitted whole and in two parts combined: the cards are equal while the
 * fit is exact.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorecard_fit_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The binary form of a state (freed by the caller). */
static uint8_t *
Encode(CrmFitState *s, size_t *n)
{
	uint8_t    *b;

	*n = crm_fit_encoded_size(s);
	b = crm_core_alloc(*n);
	FUZZ_ASSERT(crm_fit_encode(s, b, *n));
	return b;
}

/* Fit a state; a card is valid; returns it (or NULL). */
static CrmScorecard *
Fit(CrmFitState *s, size_t *size, bool *approximate)
{
	CrmFitReport rep;
	CrmError	err = {0};
	CrmScorecard *c = crm_fit_finish(s, &rep, size, &err);

	if (c)
	{
		FUZZ_ASSERT(crm_card_check(c, *size, &err) == 0);
		FUZZ_ASSERT(crm_card_has_fit(c));
	}
	else
		FUZZ_ASSERT(err.kind != CRM_OK || s->rows == 0);
	if (approximate)
		*approximate = rep.approximate;
	return c;
}

/* The checks of an accepted state (see the file header). */
static void
CheckState(CrmFitState *s)
{
	CrmError	err = {0};
	size_t		n1;
	size_t		n2;
	uint8_t    *b1;
	uint8_t    *b2;
	CrmFitState *t;
	CrmFitState *u;
	char	   *text;
	size_t		size;
	CrmScorecard *c;

	if (crm_fit_check(s, CRM_ERR_INVALID, &err) != 0)
		fprintf(stderr, "check: %s\n", err.message);
	FUZZ_ASSERT(err.kind == CRM_OK);
	b1 = Encode(s, &n1);
	t = crm_fit_decode(b1, n1, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(t != NULL);
	b2 = Encode(t, &n2);
	FUZZ_ASSERT(n1 == n2 && memcmp(b1, b2, n1) == 0);
	free(b2);
	text = crm_fit_print(t);
	FUZZ_ASSERT(text != NULL);
	u = crm_fit_parse(text, &err);
	FUZZ_ASSERT(u != NULL);
	free(text);
	/* with a copy of itself: every count doubles, unless beyond 2^53 */
	if ((double) t->rows * 2 <= 9007199254740992.0)
	{
		FUZZ_ASSERT(crm_fit_combine(t, u, &err));
		FUZZ_ASSERT(crm_fit_check(t, CRM_ERR_INVALID, &err) == 0);
		FUZZ_ASSERT(t->rows == 2 * s->rows);
	}
	c = Fit(t, &size, NULL);
	if (c)
		free(c);
	crm_fit_free(u);
	crm_fit_free(t);
	free(b1);
}

/* A state from the row stream's first bytes (options), NULL if refused. */
static CrmFitState *
StreamState(const uint8_t *p)
{
	CrmFitOptions o;
	CrmError	err = {0};

	crm_fit_options_default(&o);
	o.max_bins = 2 + p[0] % 12;
	o.prebins = o.max_bins + p[1] % 40;
	o.min_bin_share = (1 + p[2] % 50) / 100.0;
	o.monotone = p[3] & 1;
	o.missing = (p[3] >> 1) % 2;	/* bin or neutral: error is a fit error, tested apart */
	o.higher = (p[3] >> 2) & 1;
	o.sample_rows = 100 + p[4] % 50;
	o.precision = p[5] % 4;
	if (!crm_fit_options_check(&o, &err))
		return NULL;
	return crm_fit_new(&o);
}

/* Add the rows of the stream (4 bytes a value, a 0xff byte ends a row) to s. */
static void
StreamRows(CrmFitState *s, const uint8_t *p, size_t n, int part, int parts)
{
	static const char *const names[] = {"a", "b", "c", "d", "e", "f"};
	static const char *const cats[] = {"x", "y", "z", "", "w", "long"};
	size_t		i = 0;
	int			row = 0;

	while (i + 4 <= n)
	{
		bool		target = p[i] & 1;
		bool		mine = row % parts == part;
		bool		seen[6] = {false};
		CrmError	err = {0};

		if (mine)
			crm_fit_row_begin(s);
		i++;
		while (i + 3 <= n && p[i] != 0xff)
		{
			int			f = p[i] % 6;
			int			fi;

			if (mine && seen[f])
			{
				/* a second value of a factor in a row is an error */
				fi = crm_fit_factor(s, names[f], 1, &err);
				if (fi >= 0 && crm_fit_factor_kind(s, fi) == CRM_FACTOR_CATEGORY)
					FUZZ_ASSERT(!crm_fit_value_category(s, fi, "x", 1, target, &err));
				else if (fi >= 0)
					FUZZ_ASSERT(!crm_fit_value_numeric(s, fi, 1, target, &err));
			}
			else if (mine && (fi = crm_fit_factor(s, names[f], 1, &err)) >= 0)
			{
				uint8_t		kind = crm_fit_factor_kind(s, fi);

				seen[f] = true;

				if (f < 3 && kind != CRM_FACTOR_CATEGORY)
					FUZZ_ASSERT(crm_fit_value_numeric(s, fi, (double) (int8_t) p[i + 1] * (p[i + 2] % 7) / 4.0,
													  target, &err));
				else if (kind != CRM_FACTOR_NUMERIC)
				{
					const char *v = cats[p[i + 1] % 6];

					FUZZ_ASSERT(crm_fit_value_category(s, fi, v, (uint32_t) strlen(v), target, &err));
				}
			}
			i += 3;
		}
		i++;
		if (mine)
			FUZZ_ASSERT(crm_fit_row_end(s, target, &err));
		row++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmFitState *s = NULL;
	int			mode;

	if (size == 0)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	if (mode == 0)
	{
		/* a copy of exactly the value's bytes, so ASan sees any overread */
		uint8_t    *bytes = crm_core_alloc(size);

		memcpy(bytes, data, size);
		s = crm_fit_decode(bytes, size, CRM_ERR_BINARY, &err);
		free(bytes);
	}
	else if (mode == 1)
	{
		char	   *text = fuzz_cstring(data, size);

		s = crm_fit_parse(text, &err);
		free(text);
	}
	else
	{
		CrmFitState *whole;
		CrmFitState *a;
		CrmFitState *b;
		CrmScorecard *c1;
		CrmScorecard *c2;
		size_t		s1 = 0;
		size_t		s2 = 0;
		bool		approx;

		if (size < 6 || (whole = StreamState(data)) == NULL)
			return 0;
		a = StreamState(data);
		b = StreamState(data);
		StreamRows(whole, data + 6, size - 6, 0, 1);
		StreamRows(a, data + 6, size - 6, 0, 2);
		StreamRows(b, data + 6, size - 6, 1, 2);
		CheckState(whole);
		FUZZ_ASSERT(crm_fit_combine(a, b, &err));
		FUZZ_ASSERT(a->rows == whole->rows && a->targets == whole->targets);
		c1 = Fit(whole, &s1, &approx);
		c2 = Fit(a, &s2, NULL);
		FUZZ_ASSERT((c1 == NULL) == (c2 == NULL));
		if (c1 && !approx)
			FUZZ_ASSERT(s1 == s2 && memcmp((char *) c1 + 4, (char *) c2 + 4, s1 - 4) == 0);
		free(c1);
		free(c2);
		crm_fit_free(whole);
		crm_fit_free(a);
		crm_fit_free(b);
		return 0;
	}
	if (s == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		FUZZ_ASSERT(mode != 0 || err.kind != CRM_ERR_SYNTAX);
		return 0;
	}
	CheckState(s);
	crm_fit_free(s);
	return 0;
}
