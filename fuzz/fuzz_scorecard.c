/*
 * fuzz_scorecard.c
 *	  libFuzzer harness for the crm.scorecard text parser and binary decoder
 *	  (src/scoring/scorecard_core.c, which embeds src/tiering/tiers_core.c for the levels).
 *

 *
 * An input starting with a NUL byte is a binary card (the rest of the
 * bytes); any other input is text.  For every input: decoding either fails
 * with a recorded error (never a syntax error for binary input) or yields a
 * card that passes crm_card_check, and then
 *   - print -> parse gives the same bytes, printing is idempotent, and
 *     crm_card_text_len is the printed length, within CRM_CARD_MAX_TEXT;
 *   - encode -> decode gives the same bytes, and encoding is idempotent;
 *   - every listed category value is found by the lookup, every numeric
 *     edge starts its own bin, and the lowest and highest totals are finite.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorecard_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Same bytes after the varlena header. */
static int
SameCard(const CrmScorecard *a, size_t alen, const CrmScorecard *b, size_t blen)
{
	return alen == blen && memcmp((const char *) a + 4, (const char *) b + 4, alen - 4) == 0;
}

/* Text and binary round trips of a valid card. */
static void
CheckRoundTrips(const CrmScorecard *c1, size_t len1)
{
	CrmError	err = {0};
	size_t		len2;
	size_t		blen1;
	size_t		blen2;
	char	   *text1;
	char	   *text2;
	uint8_t    *bin1;
	uint8_t    *bin2;
	CrmScorecard *c2;

	FUZZ_ASSERT(crm_card_check(c1, len1, &err) == 0);
	text1 = crm_card_print(c1);
	FUZZ_ASSERT(strlen(text1) == crm_card_text_len(c1));
	FUZZ_ASSERT(strlen(text1) <= CRM_CARD_MAX_TEXT);
	c2 = crm_card_parse(text1, &len2, &err);
	FUZZ_ASSERT(c2 != NULL);
	FUZZ_ASSERT(SameCard(c1, len1, c2, len2));
	text2 = crm_card_print(c2);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);
	free(text2);
	free(c2);
	free(text1);

	bin1 = crm_card_encode(c1, NULL, &blen1);
	FUZZ_ASSERT(bin1 != NULL);
	c2 = crm_card_decode(bin1, blen1, NULL, &len2, &err);
	FUZZ_ASSERT(c2 != NULL);
	FUZZ_ASSERT(SameCard(c1, len1, c2, len2));
	bin2 = crm_card_encode(c2, NULL, &blen2);
	FUZZ_ASSERT(bin2 != NULL && blen2 == blen1 && memcmp(bin1, bin2, blen1) == 0);
	FUZZ_ASSERT(crm_card_decode(bin1, blen1 - 1, NULL, &len2, &err) == NULL);
	free(bin2);
	free(bin1);
	free(c2);
}

/* Lookups and totals of a valid card. */
static void
CheckScoring(const CrmScorecard *c1)
{
	double		hi = 0;
	double		lo = 0;
	int			i;
	uint32_t	j;

	for (i = 0; i < c1->nfactors; i++)
	{
		const CrmCardFactor *f = &c1->factors[i];
		const double *points = crm_card_points(c1, f);
		double		fhi = f->missing;
		double		flo = f->missing;

		FUZZ_ASSERT(crm_card_find_factor(c1, crm_card_str(c1, f->name), f->name.len) == i);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			const double *edges = crm_card_edges(c1, f);

			for (j = 0; j + 1 < f->n; j++)
			{
				FUZZ_ASSERT(crm_card_numeric_bin(c1, f, edges[j]) == (int) j + 1);
				FUZZ_ASSERT(crm_card_numeric_bin(c1, f, nextafter(edges[j], -INFINITY)) == (int) j);
			}
		}
		else
		{
			fhi = fmax(fhi, f->other);
			flo = fmin(flo, f->other);
			for (j = 0; j < f->n; j++)
			{
				CrmCardStr	k = crm_card_keys(c1, f)[j];

				FUZZ_ASSERT(crm_card_category_index(c1, f, crm_card_str(c1, k), k.len) == (int) j);
			}
		}
		for (j = 0; j < f->n; j++)
		{
			fhi = fmax(fhi, points[j]);
			flo = fmin(flo, points[j]);
		}
		hi += fhi;
		lo += flo;
	}
	FUZZ_ASSERT(isfinite(hi) && isfinite(lo));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	size_t		len;
	CrmScorecard *c;
	int			binary = size > 0 && data[0] == 0;

	if (binary)
	{
		/* a copy of exactly the value's bytes, so ASan sees any overread */
		uint8_t    *bytes = crm_core_alloc(size - 1);

		memcpy(bytes, data + 1, size - 1);
		c = crm_card_decode(bytes, size - 1, NULL, &len, &err);
		free(bytes);
	}
	else
	{
		char	   *input = fuzz_cstring(data, size);

		c = crm_card_parse(input, &len, &err);
		free(input);
	}

	if (c == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		FUZZ_ASSERT(!binary || err.kind != CRM_ERR_SYNTAX);
		return 0;
	}
	FUZZ_ASSERT(err.kind == CRM_OK);
	CheckRoundTrips(c, len);
	CheckScoring(c);
	free(c);
	return 0;
}
