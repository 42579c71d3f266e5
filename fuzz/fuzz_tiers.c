/*
 * fuzz_tiers.c
 *	  libFuzzer harness for the crm.tiers text parser (src/tiers_core.c).
 *
 * For every input: parsing either fails with a recorded error or yields a
 * value that passes crm_tiers_check; printing it and parsing the output gives
 * the same bytes (exact round trip); printing is idempotent; and lookups put
 * every bound in the tier above it and the value just below it in the tier
 * below.  Any violation aborts, which libFuzzer reports as a crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tiers_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *input = fuzz_cstring(data, size);
	CrmError	err = {0};
	size_t		len1;
	CrmTiers   *t1 = crm_tiers_parse(input, &len1, &err);

	if (t1 == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
	}
	else
	{
		CrmError	err2 = {0};
		size_t		len2;
		char	   *text1;
		char	   *text2;
		CrmTiers   *t2;
		int			i;

		FUZZ_ASSERT(err.kind == CRM_OK);
		FUZZ_ASSERT(crm_tiers_check(t1, len1, &err2) == 0);

		text1 = crm_tiers_print(t1);
		t2 = crm_tiers_parse(text1, &len2, &err2);
		FUZZ_ASSERT(t2 != NULL);
		FUZZ_ASSERT(len2 == len1);
		FUZZ_ASSERT(memcmp((char *) t1 + 4, (char *) t2 + 4, len1 - 4) == 0);
		text2 = crm_tiers_print(t2);
		FUZZ_ASSERT(strcmp(text1, text2) == 0);

		for (i = 0; i < t1->ntiers - 1; i++)
		{
			double		b = t1->bounds[i];

			FUZZ_ASSERT(crm_tiers_locate(t1, b) == i + 1);
			FUZZ_ASSERT(crm_tiers_locate(t1, nextafter(b, -INFINITY)) == i);
		}
		FUZZ_ASSERT(crm_tiers_locate(t1, -INFINITY) == 0);
		FUZZ_ASSERT(crm_tiers_locate(t1, INFINITY) == t1->ntiers - 1);

		free(text2);
		free(t2);
		free(text1);
		free(t1);
	}
	free(input);
	return 0;
}
