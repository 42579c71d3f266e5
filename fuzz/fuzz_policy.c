/*
 * fuzz_policy.c
 *	  libFuzzer harness for crm.service_policy: the text parser and the
 *	  binary decoder behind recv (src/workload/policy_core.c).
 *

 *
 * Text inputs: parsing either fails with a recorded error or yields a
 * policy that passes crm_policy_check; printing it and parsing the output
 * gives the same bytes; printing is idempotent; every listed tier is found
 * by the lookup, and an unlisted label finds the `*` entry or nothing.
 *
 * Inputs starting with the byte 0xB1 are a binary value (what recv is
 * handed): decoding fails with a recorded error of a kind recv may raise
 * (never a syntax error: a malformed binary value is CRM_ERR_BINARY), or
 * yields a policy with the properties above whose binary form (version
 * byte and printed text) decodes to the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_core.h"
#include "fuzz_common.h"

#define BINARY_MARKER 0xB1

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The properties every policy that was accepted has. */
static void
check_policy(CrmPolicy *p1, size_t len1)
{
	CrmError	err2 = {0};
	size_t		len2;
	char	   *text1;
	char	   *text2;
	CrmPolicy  *p2;
	uint32_t	i;
	const CrmPolicyEntry *other;

	FUZZ_ASSERT(crm_policy_check(p1, len1, &err2) == 0);
	text1 = crm_policy_print(p1);
	p2 = crm_policy_parse(text1, &len2, &err2);
	FUZZ_ASSERT(p2 != NULL);
	FUZZ_ASSERT(len2 == len1);
	FUZZ_ASSERT(memcmp((char *) p1 + 4, (char *) p2 + 4, len1 - 4) == 0);
	text2 = crm_policy_print(p2);
	FUZZ_ASSERT(strcmp(text1, text2) == 0);

	for (i = 0; i < p1->nentries; i++)
	{
		const CrmPolicyEntry *e = &p1->entries[i];

		FUZZ_ASSERT(crm_policy_minutes_per_year(e) >= 0);
		FUZZ_ASSERT(isfinite(crm_policy_minutes_per_year(e)));
		if (e->label_len > 0)
			FUZZ_ASSERT(crm_policy_lookup(p1, crm_policy_label(p1, e), e->label_len) == e);
	}
	/* a label that cannot be listed (it has a NUL byte) */
	other = crm_policy_lookup(p1, "\0x", 2);
	if (p1->flags & CRM_POLICY_FLAG_DEFAULT)
		FUZZ_ASSERT(other == &p1->entries[p1->nentries - 1]);
	else
		FUZZ_ASSERT(other == NULL);

	/* its binary form (send) decodes to the same bytes (recv) */
	{
		size_t		tlen = strlen(text1);
		uint8_t    *bin = crm_core_alloc(tlen + 1);
		size_t		len3;
		CrmPolicy  *p3;

		bin[0] = CRM_POLICY_BINARY_VERSION;
		memcpy(bin + 1, text1, tlen);
		p3 = crm_policy_decode(bin, tlen + 1, &len3, &err2);
		FUZZ_ASSERT(p3 != NULL && len3 == len1);
		FUZZ_ASSERT(memcmp((char *) p1 + 4, (char *) p3 + 4, len1 - 4) == 0);
		free(p3);
		free(bin);
	}
	free(text2);
	free(p2);
	free(text1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	size_t		len1;
	CrmPolicy  *p1;

	if (size > 0 && data[0] == BINARY_MARKER)
	{
		p1 = crm_policy_decode(data + 1, size - 1, &len1, &err);
		if (p1 == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && err.kind != CRM_ERR_SYNTAX && err.message[0] != '\0');
		else
		{
			check_policy(p1, len1);
			free(p1);
		}
		return 0;
	}
	{
		char	   *input = fuzz_cstring(data, size);

		p1 = crm_policy_parse(input, &len1, &err);
		if (p1 == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0');
		else
		{
			check_policy(p1, len1);
			free(p1);
		}
		free(input);
	}
	return 0;
}
