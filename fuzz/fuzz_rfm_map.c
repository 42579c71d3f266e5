/*
 * fuzz_rfm_map.c
 *	  libFuzzer harness for RFM segment maps (src/tiering/rfm_core.c): the
 *	  checker and compiler behind crm.rfm_segment(r, f, m, map).
 *
 * The input bytes describe a map: a scale (0..23 mostly, 90..101 now and
 * then, so the bounds are crossed), a rule count (up to 257), and per rule a segment name of 0..4
 * bytes (any bytes, NUL included) and, per dimension r, f, m, fm, whether
 * it is bounded and two signed bytes for lo and hi.  Building either fails
 * with a recorded error of the kinds the server raises (22023 or 54000),
 * or yields a map whose every cell's rule is the first rule matching it,
 * computed directly, with every rule the first match of some cell.  The
 * JSON printer runs on every accepted map (no crash, NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rfm_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes of the input, 0 once they run out. */
typedef struct Bytes
{
	const uint8_t *p;
	size_t		left;
} Bytes;

static uint8_t
take(Bytes *b)
{
	if (b->left == 0)
		return 0;
	b->left--;
	return *b->p++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Bytes		b = {data, size};
	uint8_t		sb = take(&b);
	/* mostly small scales (the check below is n^3 x rules), sometimes 90..101 */
	int64_t		scale = sb < 240 ? sb % 24 : 90 + sb % 12;
	int			nrules = take(&b) % 16;
	CrmRfmRule *rules;
	char	   *names;
	CrmError	err = {0};
	CrmRfmMap  *map;
	int			i,
				d;

	/* now and then a count beyond the limit */
	if (nrules == 15)
		nrules = 250 + take(&b) % 8;
	rules = crm_core_alloc(sizeof(CrmRfmRule) * (nrules + 1));
	names = crm_core_alloc((size_t) (nrules + 1) * 4);
	for (i = 0; i < nrules; i++)
	{
		int			len = take(&b) % 5;
		int			k;

		for (k = 0; k < len; k++)
			names[i * 4 + k] = (char) take(&b);
		rules[i].segment = &names[i * 4];
		rules[i].segment_len = (uint32_t) len;
		for (d = 0; d < CRM_RFM_NDIMS; d++)
		{
			rules[i].bounded[d] = take(&b) & 1;
			rules[i].lo[d] = (int8_t) take(&b);
			rules[i].hi[d] = (int8_t) take(&b);
		}
	}

	map = crm_rfm_map_build(scale, rules, nrules, &err);
	if (map == NULL)
	{
		FUZZ_ASSERT(err.kind == CRM_ERR_INVALID || err.kind == CRM_ERR_LIMIT);
		FUZZ_ASSERT(err.message[0] != '\0');
	}
	else
	{
		int			n = map->scale;
		int64_t    *wins = crm_core_alloc(sizeof(int64_t) * nrules);
		int			r,
					f,
					m;
		CrmOut		o = {0};

		FUZZ_ASSERT(n == scale && map->nrules == nrules);
		/*
		 * every (r, f, m); for a large map over r and fm, the cells with
		 * f = m = fm only (the others read the same (r, fm) entry), so
		 * that scales near 100 do not slow the run down
		 */
		for (r = 1; r <= n; r++)
			for (f = 1; f <= n; f++)
				for (m = (!map->cube && n > 24) ? f : 1; m <= ((!map->cube && n > 24) ? f : n); m++)
				{
					int64_t		s[CRM_RFM_NDIMS] = {r, f, m, (f + m) / 2};
					int			want = -1;
					int			got = crm_rfm_map_rule(map, r, f, m);

					for (i = 0; i < nrules && want < 0; i++)
					{
						int			ok = 1;

						for (d = 0; d < CRM_RFM_NDIMS; d++)
							if (rules[i].bounded[d] && (s[d] < rules[i].lo[d] || s[d] > rules[i].hi[d]))
								ok = 0;
						if (ok)
							want = i;
					}
					FUZZ_ASSERT(want >= 0 && got == want);
					/* a map over r and fm cannot tell f and m apart */
					if (!map->cube)
						FUZZ_ASSERT(got == crm_rfm_map_rule(map, r, (f + m) / 2, (f + m) / 2));
					wins[got]++;
				}
		for (i = 0; i < nrules; i++)
		{
			/* every rule wins a cell: with f = m = fm the (r, fm) cells are all visited */
			FUZZ_ASSERT(wins[i] > 0);
			FUZZ_ASSERT(map->segment_lens[i] == rules[i].segment_len);
			FUZZ_ASSERT(memcmp(map->segments[i], rules[i].segment, rules[i].segment_len) == 0);
		}
		crm_rfm_map_write_json(&o, scale, rules, nrules);
		FUZZ_ASSERT(o.data != NULL && strlen(o.data) == o.len);
		free(o.data);
		free(wins);
		free(map);
	}
	free(names);
	free(rules);
	return 0;
}
