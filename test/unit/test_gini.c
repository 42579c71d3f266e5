/*
 * test_gini.c
 *	  Unit tests of the Gini core (gini_core.c): the coefficient against
 *	  hand-computed values and the all-pairs definition, and crm.gini_state
 *	  (checks, binary and compact text forms, errors).
 */
#include <stdint.h>
#include <stdlib.h>

#include "gini_core.h"
#include "unit.h"
#include "wire_core.h"

/* The definition: mean absolute difference over all ordered pairs / (2 mean). */
static double
gini_pairs(const double *x, int n)
{
	double		diff = 0,
				sum = 0;
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		sum += x[i];
		for (j = 0; j < n; j++)
			diff += fabs(x[i] - x[j]);
	}
	return sum > 0 ? diff / (2.0 * n * sum) : 0;
}

/* Hand-computed coefficients; ties, zeros and extremes. */
UNIT_TEST(gini_known_values)
{
	double		equal[] = {7, 7, 7, 7};
	double		one[] = {0, 0, 0, 1};
	double		two[] = {0, 1};
	double		ramp[] = {5, 3, 1, 4, 2};
	double		single[] = {3};
	double		zeros[] = {0, -0.0, 0};
	double		huge[] = {1e308, 0, 1.7976931348623157e308};
	double		mixed_zero[] = {-0.0, 2, 0, 2};

	CHECK(crm_gini_coefficient(equal, 4) == 0);
	CHECK(crm_gini_coefficient(one, 4) == 0.75);	/* (n - 1) / n */
	CHECK(crm_gini_coefficient(two, 2) == 0.5);
	/* sum (2i - n - 1) x_(i) / (n sum x) = (-4 - 4 + 0 + 8 + 20) / 75 */
	CHECK_NEAR(crm_gini_coefficient(ramp, 5), 20.0 / 75, 1e-15);
	CHECK(crm_gini_coefficient(single, 1) == 0);
	CHECK(crm_gini_coefficient(zeros, 3) == 0);
	/* sums near DBL_MAX do not overflow (the values are scaled by 2^-1024) */
	CHECK_NEAR(crm_gini_coefficient(huge, 3), gini_pairs((double[]) {1, 0, 1.7976931348623157}, 3), 1e-15);
	CHECK(crm_gini_coefficient(mixed_zero, 4) == 0.5);
	/* the input is not reordered */
	CHECK(ramp[0] == 5 && ramp[4] == 2);
}

/*
 * Random loads against the all-pairs definition (n^2 terms: rounding
 * ~1e-13 relative at these sizes, so 1e-12), the same result bit for bit
 * in any order (the values are sorted first), and unchanged by a power of
 * two scale (exact).
 */
UNIT_TEST(gini_matches_definition)
{
	enum
	{
		N = 257
	};
	double		x[N],
				y[N];
	uint64_t	s = 88172645463325252u;
	int			round,
				i;

	for (round = 0; round < 20; round++)
	{
		int			n = 2 + round * 13;
		double		g,
					g2;

		for (i = 0; i < n; i++)
		{
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			/* some exact ties and zeros, spread over a few magnitudes */
			x[i] = (s % 5 == 0) ? 0 : (double) (s % 1000) * (round % 3 == 0 ? 1e-3 : 1e6);
		}
		g = crm_gini_coefficient(x, n);
		CHECK(g >= 0 && g < 1);
		CHECK_NEAR(g, gini_pairs(x, n), 1e-12);
		/* reversed order */
		for (i = 0; i < n; i++)
			y[i] = x[n - 1 - i];
		g2 = crm_gini_coefficient(y, n);
		CHECK(memcmp(&g, &g2, sizeof(g)) == 0);
		/* times 2^-40 */
		for (i = 0; i < n; i++)
			y[i] = ldexp(x[i], -40);
		g2 = crm_gini_coefficient(y, n);
		CHECK(memcmp(&g, &g2, sizeof(g)) == 0);
	}
}

/* The value check and its wording. */
UNIT_TEST(gini_value_check)
{
	CrmError	err = {0};

	CHECK_INT(crm_gini_value_check(0, &err), 0);
	CHECK_INT(crm_gini_value_check(1e308, &err), 0);
	CHECK_INT(crm_gini_value_check(-1.5, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "crm.gini: value must not be negative, got -1.5");
	memset(&err, 0, sizeof(err));
	CHECK_INT(crm_gini_value_check(NAN, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "must be a finite number, got NaN");
	memset(&err, 0, sizeof(err));
	CHECK_INT(crm_gini_value_check(INFINITY, &err), -1);
	CHECK_ERR(&err, CRM_ERR_INVALID, "got Infinity");
}

static CrmGiniState *
sample_state(int64_t n)
{
	CrmError	err = {0};
	CrmGiniState *s = crm_gini_state_alloc(n > 0 ? n : 1, &err);
	int64_t		i;

	for (i = 0; i < n; i++)
		s->v[i] = (double) (i * 7919 % 101) / 3.0;
	s->n = n;
	return s;
}

/* Binary and compact text round trips; -0 in binary input becomes 0. */
UNIT_TEST(gini_state_round_trips)
{
	int64_t		sizes[] = {0, 1, 5, 1000};
	size_t		i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		CrmGiniState *s = sample_state(sizes[i]);
		uint64_t	n = crm_gini_state_wire_size(s->n);
		uint8_t    *bin = crm_core_alloc((size_t) n);
		CrmError	err = {0};
		CrmGiniState *back;
		char	   *text;

		CHECK_INT(crm_gini_state_check_header(s, crm_gini_state_size(s->cap), CRM_ERR_INVALID, &err), 0);
		CHECK_INT(crm_gini_state_check_values(s, &err), 0);
		crm_gini_state_encode(s, bin);
		back = crm_gini_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err);
		CHECK(back != NULL && back->n == s->n && memcmp(back->v, s->v, sizeof(double) * (size_t) s->n) == 0);
		if (back)
			CHECK_INT(crm_gini_state_check_header(back, crm_gini_state_size(back->cap), CRM_ERR_INVALID, &err), 0);
		text = crm_gini_state_print(s);
		CHECK(strncmp(text, "crm64:", 6) == 0);
		back = crm_gini_state_parse(text, &err);
		CHECK(back != NULL && back->n == s->n && memcmp(back->v, s->v, sizeof(double) * (size_t) s->n) == 0);
		if (back)
			CHECK_STR(crm_gini_state_print(back), text);
	}
	/* a -0 read from binary is stored as 0 */
	{
		CrmGiniState *s = sample_state(3);
		uint8_t		bin[9 + 24];
		CrmError	err = {0};
		CrmGiniState *back;

		s->v[1] = -0.0;
		crm_gini_state_encode(s, bin);
		back = crm_gini_state_decode(bin, sizeof(bin), CRM_ERR_BINARY, &err);
		CHECK(back != NULL && back->v[1] == 0 && !signbit(back->v[1]));
	}
}

/* Errors: text that is not compact, truncation, bad values, caps, headers. */
UNIT_TEST(gini_state_errors)
{
	CrmGiniState *s = sample_state(4);
	uint64_t	n = crm_gini_state_wire_size(s->n);
	uint8_t    *bin = crm_core_alloc((size_t) n + 1);
	CrmError	err = {0};
	size_t		cut;
	size_t		size = crm_gini_state_size(s->cap);

	CHECK(crm_gini_state_parse("[1, 2, 3]", &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_SYNTAX, "invalid input syntax for type crm.gini_state");
	CHECK(strstr(err.detail, "crm64:") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_parse("crm64:AQ=", &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);

	crm_gini_state_encode(s, bin);
	for (cut = 0; cut < n; cut++)
	{
		memset(&err, 0, sizeof(err));
		CHECK(crm_gini_state_decode(bin, cut, CRM_ERR_BINARY, &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
		memset(&err, 0, sizeof(err));
		CHECK(crm_gini_state_parse(crm_wire_to_text(bin, cut), &err) == NULL);
		CHECK_ERR(&err, CRM_ERR_SYNTAX, NULL);
	}
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_decode(bin, (size_t) n + 1, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, NULL);
	/* a forged count: truncation, before anything is allocated for it */
	bin[1] = 0x10;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "truncated");
	bin[1] = 0;
	bin[0] = 2;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_BINARY, "version");
	/* a negative value in binary: 22023, the aggregate's wording */
	s->v[2] = -4;
	crm_gini_state_encode(s, bin);
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_decode(bin, (size_t) n, CRM_ERR_BINARY, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "must not be negative, got -4");
	s->v[2] = 1;

	/* the cap */
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_alloc(CRM_GINI_MAX_VALUES + 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "too many values");

	/* headers, with the kind the caller gives */
	s->version = 3;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "unsupported version");
	s->version = CRM_GINI_STATE_VERSION;
	s->pad[2] = 1;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_header(s, size, CRM_ERR_BINARY, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_BINARY, "reserved bytes");
	s->pad[2] = 0;
	s->n = s->cap + 1;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_header(s, size, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "beyond its capacity");
	s->n = 4;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_header(s, size + 8, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "size does not match");
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_header(s, 4, CRM_ERR_INVALID, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "too short");
	/* values: -0 must be stored as 0; NaN is refused */
	s->v[0] = -0.0;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_values(s, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "value 1 is -0");
	s->v[0] = NAN;
	memset(&err, 0, sizeof(err));
	CHECK(crm_gini_state_check_values(s, &err) != 0);
	CHECK_ERR(&err, CRM_ERR_INVALID, "finite");
}
