/*
 * fuzz_scorecard.c
 *	  libFuzzer harness for the crm.scorecard text parser
 *	  (src/scorecard_core.c, which embeds src/tiers_core.c for the levels).
 *
 * fuzz-sources: src/tiers_core.c
 *
 * For every input: parsing either fails with a recorded error or yields a
 * card that passes crm_card_check; printing it and parsing the output gives
 * the same bytes; printing is idempotent; every listed category value is
 * found by the lookup, and every numeric edge starts its own bin.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorecard_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	size_t		len1;
	CrmScorecard *c1 = crm_card_parse(input, &len1, &err);

	if (c1 == NULL)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	else
	{
		CrmError	err2 = {0};
		size_t		len2;
		char	   *text1;
		char	   *text2;
		CrmScorecard *c2;
		int			i;
		uint32_t	j;

		FUZZ_ASSERT(crm_card_check(c1, len1, &err2) == 0);
		text1 = crm_card_print(c1);
		c2 = crm_card_parse(text1, &len2, &err2);
		FUZZ_ASSERT(c2 != NULL);
		FUZZ_ASSERT(len2 == len1);
		FUZZ_ASSERT(memcmp((char *) c1 + 4, (char *) c2 + 4, len1 - 4) == 0);
		text2 = crm_card_print(c2);
		FUZZ_ASSERT(strcmp(text1, text2) == 0);

		for (i = 0; i < c1->nfactors; i++)
		{
			const CrmCardFactor *f = &c1->factors[i];

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
				for (j = 0; j < f->n; j++)
				{
					CrmCardStr k = crm_card_keys(c1, f)[j];

					FUZZ_ASSERT(crm_card_category_index(c1, f, crm_card_str(c1, k), k.len) == (int) j);
				}
		}
		free(text2);
		free(c2);
		free(text1);
		free(c1);
	}
	free(input);
	return 0;
}
