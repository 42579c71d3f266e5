/*
 * fuzz_tiers.c
 *	  libFuzzer harness for the crm.tiers text parser and binary decoder
 *	  (src/tiering/tiers_core.c).
 *

 *
 * An input starting with a NUL byte is a binary value (the rest of the
 * bytes); any other input is text (parsers stop at a NUL anyway).  For every
 * input: decoding either fails with a recorded error (never a syntax error
 * for binary input) or yields a value that passes crm_tiers_check, and then
 *   - print -> parse gives the same bytes, printing is idempotent, and
 *     crm_tiers_text_len is the printed length;
 *   - encode -> decode gives the same bytes, and encoding is idempotent;
 *   - lookups put every bound in the tier above it and the value just
 *     below it in the tier below.
 * Any violation aborts, which libFuzzer reports as a crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tiers_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Same bytes after the varlena header. */
static int
SameTiers(const CrmTiers *a, size_t alen, const CrmTiers *b, size_t blen)
{
	return alen == blen && memcmp((const char *) a + 4, (const char *) b + 4, alen - 4) == 0;
}

/* Every property of a valid scheme (see the header comment). */
static void
CheckScheme(const CrmTiers *t1, size_t len1)
{
	CrmError	err = {0};
	size_t		len2;
	size_t		blen1;
	size_t		blen2;
	char	   *text1;
	char	   *text2;
	uint8_t    *bin1;
	uint8_t    *bin2;
	CrmTiers   *t2;
	int			i;

	FUZZ_ASSERT(crm_tiers_check(t1, len1, &err) == 0);

	text1 = crm_tiers_print(t1);
	FUZZ_ASSERT(strlen(text1) == crm_tiers_text_len(t1));
	FUZZ_ASSERT(strlen(text1) <= CRM_TIERS_MAX_TEXT);
	t2 = crm_tiers_parse(text1, &len2, &err);
	FUZZ_ASSERT(t2 != NULL);
	FUZZ_ASSERT(SameTiers(t1, len1, t2, len2));
	text2 = crm_tiers_print(t2);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);
	free(text2);
	free(t2);
	free(text1);

	bin1 = crm_tiers_encode(t1, NULL, &blen1);
	FUZZ_ASSERT(bin1 != NULL);
	t2 = crm_tiers_decode(bin1, blen1, NULL, &len2, &err);
	FUZZ_ASSERT(t2 != NULL);
	FUZZ_ASSERT(SameTiers(t1, len1, t2, len2));
	bin2 = crm_tiers_encode(t2, NULL, &blen2);
	FUZZ_ASSERT(bin2 != NULL && blen2 == blen1 && memcmp(bin1, bin2, blen1) == 0);
	/* a value cut short anywhere is an error, never a read past the end */
	FUZZ_ASSERT(crm_tiers_decode(bin1, blen1 - 1, NULL, &len2, &err) == NULL);
	free(bin2);
	free(bin1);
	free(t2);

	for (i = 0; i < t1->ntiers - 1; i++)
	{
		double		b = t1->bounds[i];

		FUZZ_ASSERT(crm_tiers_locate(t1, b) == i + 1);
		FUZZ_ASSERT(crm_tiers_locate(t1, nextafter(b, -INFINITY)) == i);
	}
	FUZZ_ASSERT(crm_tiers_locate(t1, -INFINITY) == 0);
	FUZZ_ASSERT(crm_tiers_locate(t1, INFINITY) == t1->ntiers - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	size_t		len;
	CrmTiers   *t;
	int			binary = size > 0 && data[0] == 0;

	if (binary)
	{
		/* a copy of exactly the value's bytes, so ASan sees any overread */
		uint8_t    *bytes = crm_core_alloc(size - 1);

		memcpy(bytes, data + 1, size - 1);
		t = crm_tiers_decode(bytes, size - 1, NULL, &len, &err);
		free(bytes);
	}
	else
	{
		char	   *input = fuzz_cstring(data, size);

		t = crm_tiers_parse(input, &len, &err);
		free(input);
	}

	if (t == NULL)
	{
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		FUZZ_ASSERT(!binary || err.kind != CRM_ERR_SYNTAX);
		return 0;
	}
	FUZZ_ASSERT(err.kind == CRM_OK);
	CheckScheme(t, len);
	free(t);
	return 0;
}
