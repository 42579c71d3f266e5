/*
 * fuzz_gini.c
 *	  libFuzzer harness for crm.gini_state (src/workload/gini_core.c): its binary and
 *	  compact text decoders, the O(1) header check that lets the transition
 *	  function append in place, and the coefficient.
 *

 *
 * The first byte picks what the rest is: 0 a binary form (recv), 1 a text
 * (in), 2 the raw bytes of a state value handed to an aggregate function
 * (checked, then a value is appended in place when there is room: ASan
 * sees a check that passed a value smaller than its header claims).  An
 * accepted state passes every check, reads back equal from its binary and
 * text forms, and its coefficient is in [0, 1] and matches the pairwise
 * definition (mean absolute difference / twice the mean) on few values.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gini_core.h"
#include "wire_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sum |x_i - x_j| / (2 n^2 mean), scaled like the core (exact power of two) */
static double
pairwise_gini(const double *x, int64_t n)
{
	double		max = 0;
	double		sum = 0;
	double		diff = 0;
	int			e;
	int64_t		i;
	int64_t		j;

	for (i = 0; i < n; i++)
		max = fmax(max, x[i]);
	if (max <= 0)
		return 0;
	(void) frexp(max, &e);
	for (i = 0; i < n; i++)
	{
		sum += ldexp(x[i], -e);
		for (j = 0; j < n; j++)
			diff += fabs(ldexp(x[i], -e) - ldexp(x[j], -e));
	}
	return diff / (2.0 * (double) n * sum);
}

static void
check_state(const CrmGiniState *s)
{
	CrmError	err = {0};
	size_t		n = (size_t) crm_gini_state_wire_size(s->n);
	uint8_t    *bin = crm_core_alloc(n);
	CrmGiniState *t;
	char	   *text;

	FUZZ_ASSERT(crm_gini_state_check_header(s, crm_gini_state_size(s->cap), CRM_ERR_INVALID, &err) == 0);
	FUZZ_ASSERT(crm_gini_state_check_values(s, &err) == 0);
	crm_gini_state_encode(s, bin);
	t = crm_gini_state_decode(bin, n, CRM_ERR_BINARY, &err);
	FUZZ_ASSERT(t != NULL && t->n == s->n);
	FUZZ_ASSERT(s->n == 0 || memcmp(t->v, s->v, sizeof(double) * (size_t) s->n) == 0);
	crm_core_free(t);
	text = crm_gini_state_print(s);
	t = crm_gini_state_parse(text, &err);
	FUZZ_ASSERT(t != NULL && t->n == s->n);
	FUZZ_ASSERT(s->n == 0 || memcmp(t->v, s->v, sizeof(double) * (size_t) s->n) == 0);
	crm_core_free(t);
	crm_core_free(text);
	crm_core_free(bin);
	if (s->n > 0)
	{
		double		g = crm_gini_coefficient(s->v, s->n);

		FUZZ_ASSERT(g >= 0 && g <= 1);
		if (s->n <= 64)
			FUZZ_ASSERT(fabs(g - pairwise_gini(s->v, s->n)) <= 1e-9);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmError	err = {0};
	CrmGiniState *s = NULL;
	int			mode;

	if (size == 0)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	if (mode == 0)
		s = crm_gini_state_decode(data, size, CRM_ERR_BINARY, &err);
	else if (mode == 1)
	{
		char	   *text = fuzz_cstring(data, size);

		s = crm_gini_state_parse(text, &err);
		crm_core_free(text);
	}
	else
	{
		s = crm_core_alloc(size ? size : 1);
		if (size)
			memcpy(s, data, size);
		if (crm_gini_state_check_header(s, size, CRM_ERR_INVALID, &err) == 0)
		{
			if (s->n < s->cap)
				s->v[s->n++] = 1.0;
			if (crm_gini_state_check_values(s, &err) == 0)
				check_state(s);
		}
		crm_core_free(s);
		return 0;
	}
	if (s == NULL)
		FUZZ_ASSERT(err.kind != CRM_OK && err.message[0] != '\0' &&
					err.kind != (mode == 0 ? CRM_ERR_SYNTAX : CRM_ERR_BINARY));
	else
	{
		check_state(s);
		crm_core_free(s);
	}
	return 0;
}
