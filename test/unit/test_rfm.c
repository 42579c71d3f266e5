/*
 * test_rfm.c
 *	  Unit tests of the RFM map core (rfm_core.c): the standard map as
 *	  rules against the 0.1.0 grid, its scaling to n-point scores against
 *	  the class rule ceil(5 s / n), checking (ranges, gaps, dead rules,
 *	  limits), the cube form against a brute-force first match, and the
 *	  JSON form.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rfm_core.h"
#include "unit.h"

/* A rule bounding r and fm. */
static CrmRfmRule
rule_rfm(const char *segment, int r_lo, int r_hi, int fm_lo, int fm_hi)
{
	CrmRfmRule	r;

	memset(&r, 0, sizeof(r));
	r.segment = segment;
	r.segment_len = (uint32_t) strlen(segment);
	r.bounded[CRM_RFM_R] = r.bounded[CRM_RFM_FM] = true;
	r.lo[CRM_RFM_R] = r_lo;
	r.hi[CRM_RFM_R] = r_hi;
	r.lo[CRM_RFM_FM] = fm_lo;
	r.hi[CRM_RFM_FM] = fm_hi;
	return r;
}

/* A rule with no range: matches everything. */
static CrmRfmRule
rule_any(const char *segment)
{
	CrmRfmRule	r;

	memset(&r, 0, sizeof(r));
	r.segment = segment;
	r.segment_len = (uint32_t) strlen(segment);
	return r;
}

static const char *
segment_of(const CrmRfmMap *map, int r, int f, int m)
{
	return map->segments[crm_rfm_map_rule(map, r, f, m)];
}

/*
 * The fifteen standard rules compile at scale 5 and give the 0.1.0 grid on
 * all 125 (r, f, m); they are disjoint (each cell is matched by exactly one
 * rule), which the scaling relies on.
 */
UNIT_TEST(rfm_standard_map_is_the_grid)
{
	CrmRfmRule	rules[CRM_RFM_STANDARD_RULES];
	int			n = crm_rfm_standard_rules(5, rules);
	CrmError	err = {0};
	CrmRfmMap  *map = crm_rfm_map_build(5, rules, n, &err);
	int			r,
				f,
				m,
				fm,
				i;

	CHECK_INT(n, CRM_RFM_STANDARD_RULES);
	CHECK(map != NULL);
	if (map == NULL)
		return;
	CHECK(!map->cube);
	for (r = 1; r <= 5; r++)
		for (f = 1; f <= 5; f++)
			for (m = 1; m <= 5; m++)
				CHECK_STR(segment_of(map, r, f, m), crm_rfm_standard_segment(r, f, m));
	for (r = 1; r <= 5; r++)
		for (fm = 1; fm <= 5; fm++)
		{
			int			matches = 0;

			for (i = 0; i < n; i++)
				matches += rules[i].lo[CRM_RFM_R] <= r && r <= rules[i].hi[CRM_RFM_R] &&
					rules[i].lo[CRM_RFM_FM] <= fm && fm <= rules[i].hi[CRM_RFM_FM];
			CHECK_INT(matches, 1);
		}
	/* the corners and a few cells by hand */
	CHECK_STR(crm_rfm_standard_segment(5, 5, 5), "champions");
	CHECK_STR(crm_rfm_standard_segment(1, 1, 1), "lost");
	CHECK_STR(crm_rfm_standard_segment(1, 5, 4), "cannot_lose");
	CHECK_STR(crm_rfm_standard_segment(5, 1, 2), "new");
	CHECK_STR(crm_rfm_standard_segment(3, 3, 4), "need_attention");
	crm_core_free(map);
}

/*
 * For every scale 1..100 the scaled standard map compiles (no gap, no dead
 * rule) and each (r, fm) gets the grid's segment of its 5-point classes
 * (ceil(5 r / n), ceil(5 fm / n)); deciles 1-2 are class 1.
 */
UNIT_TEST(rfm_standard_map_scales)
{
	int			n;

	for (n = 1; n <= CRM_RFM_MAX_SCALE; n++)
	{
		CrmRfmRule	rules[CRM_RFM_STANDARD_RULES];
		int			count = crm_rfm_standard_rules(n, rules);
		CrmError	err = {0};
		CrmRfmMap  *map = crm_rfm_map_build(n, rules, count, &err);
		int			r,
					fm;

		if (map == NULL)
		{
			unit_fail(__FILE__, __LINE__, "scale %d: %s", n, err.message);
			continue;
		}
		CHECK(n < 5 || count == CRM_RFM_STANDARD_RULES);
		for (r = 1; r <= n; r++)
			for (fm = 1; fm <= n; fm++)
			{
				int			cr = (5 * r + n - 1) / n;
				int			cfm = (5 * fm + n - 1) / n;

				/* f = m = fm gives that fm */
				if (strcmp(segment_of(map, r, fm, fm), crm_rfm_standard_segment(cr, cfm, cfm)) != 0)
					unit_fail(__FILE__, __LINE__, "scale %d, r %d, fm %d: %s, expected %s", n, r, fm,
							  segment_of(map, r, fm, fm), crm_rfm_standard_segment(cr, cfm, cfm));
			}
		crm_core_free(map);
	}
	{
		CrmRfmRule	rules[CRM_RFM_STANDARD_RULES];
		int			count = crm_rfm_standard_rules(10, rules);
		CrmError	err = {0};
		CrmRfmMap  *map = crm_rfm_map_build(10, rules, count, &err);

		CHECK_STR(segment_of(map, 10, 10, 10), "champions");
		CHECK_STR(segment_of(map, 9, 7, 8), "champions");	/* classes r 5, fm 4 */
		CHECK_STR(segment_of(map, 8, 7, 8), "loyal");	/* classes r 4, fm 4 */
		CHECK_STR(segment_of(map, 2, 1, 2), "lost");
		CHECK_STR(segment_of(map, 3, 1, 2), "hibernating");
	}
}

/* Scale, rule count and name limits: the kinds and wordings. */
UNIT_TEST(rfm_map_limits)
{
	CrmRfmRule	many[CRM_RFM_MAX_RULES + 1];
	char		longname[CRM_RFM_MAX_SEGMENT + 2];
	CrmRfmRule	one = rule_any("x");
	CrmError	err = {0};
	int			i;

	CHECK(crm_rfm_map_build(0, &one, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "scale must be between 1 and 100, got 0");
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(101, &one, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "got 101");
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, &one, 0, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "at least one rule");

	/* 256 rules: the limit, raised before any rule is looked at */
	for (i = 0; i < CRM_RFM_MAX_RULES + 1; i++)
		many[i] = rule_rfm("s", 1 + i % 100, 1 + i % 100, 1, 100);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, many, CRM_RFM_MAX_RULES + 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 255 rules, got 256");
	/* 100 rules, one per recency score, compile at scale 100 */
	for (i = 0; i < 100; i++)
		many[i] = rule_rfm("s", i + 1, i + 1, 1, 100);
	memset(&err, 0, sizeof(err));
	{
		CrmRfmMap  *map = crm_rfm_map_build(100, many, 100, &err);

		CHECK(map != NULL);
		if (map)
			crm_core_free(map);
	}

	memset(longname, 'a', sizeof(longname) - 1);
	longname[CRM_RFM_MAX_SEGMENT] = '\0';
	one = rule_any(longname);
	memset(&err, 0, sizeof(err));
	{
		CrmRfmMap  *map = crm_rfm_map_build(5, &one, 1, &err);

		CHECK(map != NULL);		/* 200 bytes: allowed */
		if (map)
		{
			CHECK_INT(map->segment_lens[0], CRM_RFM_MAX_SEGMENT);
			crm_core_free(map);
		}
	}
	longname[CRM_RFM_MAX_SEGMENT] = 'a';
	longname[CRM_RFM_MAX_SEGMENT + 1] = '\0';
	one = rule_any(longname);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, &one, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_LIMIT, "at most 200 bytes, got 201");

	one = rule_any("");
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, &one, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[0] needs a non-empty segment name");
	one.segment = "a\0b";
	one.segment_len = 3;
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, &one, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "NUL");
}

/* Ranges outside 1..n or empty; gaps; dead rules: the first one reported. */
UNIT_TEST(rfm_map_checks)
{
	CrmRfmRule	rules[3];
	CrmError	err = {0};

	rules[0] = rule_rfm("a", 1, 6, 1, 5);
	CHECK(crm_rfm_map_build(5, rules, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[0].r: 6 is outside the scores 1..5");
	rules[0] = rule_rfm("a", 0, 5, 1, 5);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[0].r: 0 is outside the scores 1..5");
	rules[0] = rule_rfm("a", 1, 5, 4, 2);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[0].fm: the range [4, 2] is empty");

	/* a gap: the first cell in order r, fm */
	rules[0] = rule_rfm("top", 3, 5, 1, 5);
	rules[1] = rule_rfm("low", 1, 2, 2, 5);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "no segment for r = 1, fm = 1");
	/* closed with a catch-all: fine, overlaps allowed */
	rules[2] = rule_any("rest");
	memset(&err, 0, sizeof(err));
	{
		CrmRfmMap  *map = crm_rfm_map_build(5, rules, 3, &err);

		CHECK(map != NULL);
		if (map)
		{
			CHECK_STR(segment_of(map, 1, 1, 1), "rest");
			CHECK_STR(segment_of(map, 1, 5, 5), "low");
			CHECK_STR(segment_of(map, 4, 1, 1), "top");
			crm_core_free(map);
		}
	}
	/* a rule after a catch-all never matches */
	rules[0] = rule_any("all");
	rules[1] = rule_rfm("late", 1, 1, 1, 1);
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[1] (\"late\") never matches: the rules before it cover all its scores");
	/* ranges no scores satisfy: f = 1, m = 5 gives fm = 3, not 1 */
	rules[0] = rule_any("odd");
	rules[0].bounded[CRM_RFM_F] = rules[0].bounded[CRM_RFM_M] = rules[0].bounded[CRM_RFM_FM] = true;
	rules[0].lo[CRM_RFM_F] = rules[0].hi[CRM_RFM_F] = 1;
	rules[0].lo[CRM_RFM_M] = rules[0].hi[CRM_RFM_M] = 5;
	rules[0].lo[CRM_RFM_FM] = rules[0].hi[CRM_RFM_FM] = 1;
	rules[1] = rule_any("rest");
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 2, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "segments[0] (\"odd\") never matches: no scores satisfy its ranges");
	/* a gap in a cube map names r, f and m */
	rules[0] = rule_any("f_high");
	rules[0].bounded[CRM_RFM_F] = true;
	rules[0].lo[CRM_RFM_F] = 2;
	rules[0].hi[CRM_RFM_F] = 5;
	memset(&err, 0, sizeof(err));
	CHECK(crm_rfm_map_build(5, rules, 1, &err) == NULL);
	CHECK_ERR(&err, CRM_ERR_INVALID, "no segment for r = 1, f = 1, m = 1");
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/*
 * Random maps (random ranges over any of r, f, m, fm, closed by a
 * catch-all) compile whenever no rule is dead, and every cell's rule is the
 * first rule that matches it, computed directly.
 */
UNIT_TEST(rfm_map_first_match)
{
	uint64_t	seed = 0x2026;
	int			trial;
	int			built = 0;

	for (trial = 0; trial < 300; trial++)
	{
		int			n = 1 + (int) (next_random(&seed) % 12);
		int			nrules = 1 + (int) (next_random(&seed) % 6);
		CrmRfmRule	rules[7];
		CrmError	err = {0};
		CrmRfmMap  *map;
		int			i,
					d,
					r,
					f,
					m;

		for (i = 0; i < nrules; i++)
		{
			rules[i] = rule_any(i % 2 ? "odd" : "even");
			for (d = 0; d < CRM_RFM_NDIMS; d++)
				if (next_random(&seed) % 3 == 0)
				{
					int64_t		a = 1 + (int64_t) (next_random(&seed) % n);
					int64_t		b = 1 + (int64_t) (next_random(&seed) % n);

					rules[i].bounded[d] = true;
					rules[i].lo[d] = a < b ? a : b;
					rules[i].hi[d] = a < b ? b : a;
				}
		}
		rules[nrules] = rule_any("rest");
		map = crm_rfm_map_build(n, rules, nrules + 1, &err);
		if (map == NULL)
		{
			/* only a dead rule can fail a map closed by a catch-all */
			CHECK_ERR(&err, CRM_ERR_INVALID, "never matches");
			continue;
		}
		built++;
		for (r = 1; r <= n; r++)
			for (f = 1; f <= n; f++)
				for (m = 1; m <= n; m++)
				{
					int64_t		s[CRM_RFM_NDIMS] = {r, f, m, (f + m) / 2};
					int			want = -1;

					for (i = 0; i <= nrules && want < 0; i++)
					{
						bool		ok = true;

						for (d = 0; d < CRM_RFM_NDIMS; d++)
							if (rules[i].bounded[d] && (s[d] < rules[i].lo[d] || s[d] > rules[i].hi[d]))
								ok = false;
						if (ok)
							want = i;
					}
					CHECK_INT(crm_rfm_map_rule(map, r, f, m), want);
				}
		crm_core_free(map);
	}
	CHECK(built > 50);
}

/* The JSON form: scale first, single scores as numbers, names escaped. */
UNIT_TEST(rfm_map_json)
{
	CrmRfmRule	rules[CRM_RFM_STANDARD_RULES];
	int			n = crm_rfm_standard_rules(5, rules);
	CrmOut		o = {0};
	CrmRfmRule	odd[2];

	crm_rfm_map_write_json(&o, 5, rules, n);
	CHECK(strncmp(o.data, "{\"scale\": 5, \"segments\": [{\"segment\": \"champions\", \"r\": 5, \"fm\": [4, 5]}, ",
				  strlen("{\"scale\": 5, \"segments\": [{\"segment\": \"champions\", \"r\": 5, \"fm\": [4, 5]}, ")) == 0);
	CHECK(strstr(o.data, "{\"segment\": \"lost\", \"r\": 1, \"fm\": 1}]}") != NULL);
	crm_core_free(o.data);

	odd[0] = rule_any("a \"b\" \\ \x01");
	odd[0].bounded[CRM_RFM_M] = true;
	odd[0].lo[CRM_RFM_M] = 2;
	odd[0].hi[CRM_RFM_M] = 3;
	odd[1] = rule_any("rest");
	memset(&o, 0, sizeof(o));
	crm_rfm_map_write_json(&o, 3, odd, 2);
	CHECK_STR(o.data, "{\"scale\": 3, \"segments\": [{\"segment\": \"a \\\"b\\\" \\\\ \\u0001\", \"m\": [2, 3]}, {\"segment\": \"rest\"}]}");
	crm_core_free(o.data);
}
