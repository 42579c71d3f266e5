/*
 * fuzz_validation.c
 *	  libFuzzer harness for crm.roc_state and crm.psi_state
 *	  (src/scoring/validation_core.c): their binary and compact text
 *	  decoders, the O(1) header check the transition functions rely on, and
 *	  the statistics on whatever is accepted.
 *
 * The first byte picks what the rest is: 0 a binary roc state, 1 a roc
 * text, 2 the raw bytes of a roc state handed to an aggregate function
 * (header checked, entries checked, compacted in place), 3 a binary psi
 * state, 4 a psi text.  An accepted state reads back to the same state
 * from both forms; AUC and KS are in [0, 1] (or NaN without both classes)
 * and do not change when the entries are compacted; every PSI is >= 0 or
 * NaN, and adding a state to a copy of itself keeps it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validation_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks of an accepted roc state. */
static void
CheckRoc(CrmRocState *s)
{
	CrmError	err = {0};
	size_t		n = crm_roc_wire_size(s);
	uint8_t    *b = crm_core_alloc(n);
	CrmRocState *t;
	char	   *text;
	double		auc;
	double		ks;

	FUZZ_ASSERT(crm_roc_check_header(s, crm_roc_size(s->cap), CRM_ERR_INVALID, &err) == 0);
	FUZZ_ASSERT(crm_roc_check_entries(s, CRM_ERR_INVALID, &err) == 0);
	crm_roc_encode(s, b);
	t = crm_roc_decode(b, n, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(t != NULL && t->n == s->n);
	FUZZ_ASSERT(s->n == 0 || memcmp(t->e, s->e, sizeof(CrmRocEntry) * (size_t) s->n) == 0);
	free(t);
	text = crm_roc_print(s);
	t = crm_roc_parse(text, &err);
	FUZZ_ASSERT(t != NULL && t->n == s->n);
	free(text);
	auc = crm_roc_auc(s);
	ks = crm_roc_ks(s);
	FUZZ_ASSERT(isnan(auc) || (auc >= 0 && auc <= 1));
	FUZZ_ASSERT(isnan(ks) || (ks >= 0 && ks <= 1));
	FUZZ_ASSERT(isnan(auc) == isnan(ks));
	crm_roc_compact(t);
	FUZZ_ASSERT(crm_roc_check_entries(t, CRM_ERR_INVALID, &err) == 0);
	FUZZ_ASSERT(isnan(auc) ? isnan(crm_roc_auc(t)) : crm_roc_auc(t) == auc);
	FUZZ_ASSERT(isnan(ks) ? isnan(crm_roc_ks(t)) : crm_roc_ks(t) == ks);
	free(t);
	free(b);
}

/* Checks of an accepted psi state. */
static void
CheckPsi(CrmPsiState *s)
{
	CrmError	err = {0};
	size_t		size = crm_psi_size(s->ngroups, s->nbins, s->ncuts, s->names_bytes);
	size_t		n = crm_psi_wire_size(s);
	uint8_t    *b = crm_core_alloc(n);
	CrmPsiState *t;
	char	   *text;
	int32_t		g;

	FUZZ_ASSERT(crm_psi_check(s, size, CRM_ERR_INVALID, &err) == 0);
	crm_psi_encode(s, b);
	t = crm_psi_decode(b, n, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(t != NULL && crm_psi_compatible(s, t));
	FUZZ_ASSERT(memcmp(crm_psi_counts(s), crm_psi_counts(t), 16 * (size_t) s->nbins) == 0);
	free(t);
	text = crm_psi_print(s);
	t = crm_psi_parse(text, &err);
	FUZZ_ASSERT(t != NULL && crm_psi_compatible(s, t));
	free(text);
	for (g = 0; g < s->ngroups; g++)
	{
		double		psi = crm_psi_value(s, g);

		FUZZ_ASSERT(isnan(psi) || psi >= 0);
	}
	if (crm_psi_add(t, s, &err))
		for (g = 0; g < s->ngroups; g++)
		{
			double		a = crm_psi_value(s, g);
			double		c = crm_psi_value(t, g);

			/* doubling both populations keeps every share (not the half-row corrections) */
			FUZZ_ASSERT(isnan(a) == isnan(c));
		}
	free(t);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	int			mode;

	if (size == 0)
		return 0;
	mode = data[0] % 5;
	data++;
	size--;
	if (mode == 0 || mode == 1)
	{
		CrmRocState *s;

		if (mode == 0)
		{
			uint8_t    *bytes = crm_core_alloc(size);

			memcpy(bytes, data, size);
			s = crm_roc_decode(bytes, size, CRM_ERR_BINARY, &err);
			free(bytes);
		}
		else
		{
			char	   *text = fuzz_cstring(data, size);

			s = crm_roc_parse(text, &err);
			free(text);
		}
		if (s == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && (mode == 1 || err.kind != CRM_ERR_SYNTAX));
		else
		{
			CheckRoc(s);
			free(s);
		}
	}
	else if (mode == 2)
	{
		CrmRocState *s = crm_core_alloc(size ? size : 1);

		if (size)
			memcpy(s, data, size);
		if (crm_roc_check_header(s, size, CRM_ERR_INVALID, &err) == 0 &&
			crm_roc_check_entries(s, CRM_ERR_INVALID, &err) == 0)
		{
			crm_roc_compact(s);
			CheckRoc(s);
		}
		free(s);
	}
	else
	{
		CrmPsiState *s;

		if (mode == 3)
		{
			uint8_t    *bytes = crm_core_alloc(size);

			memcpy(bytes, data, size);
			s = crm_psi_decode(bytes, size, CRM_ERR_BINARY, &err);
			free(bytes);
		}
		else
		{
			char	   *text = fuzz_cstring(data, size);

			s = crm_psi_parse(text, &err);
			free(text);
		}
		if (s == NULL)
			FUZZ_ASSERT(err.kind != CRM_OK && (mode == 4 || err.kind != CRM_ERR_SYNTAX));
		else
		{
			CheckPsi(s);
			free(s);
		}
	}
	return 0;
}
