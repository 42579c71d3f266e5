/*
 * rfm_core.c
 *	  RFM segment maps: the standard map, scaling, checking and compiling
 *	  a map into its lookup table (see rfm_core.h).
 */
#include <stdio.h>
#include <string.h>

#include "rfm_core.h"

const char *const crm_rfm_dim_names[CRM_RFM_NDIMS] = {"r", "f", "m", "fm"};

/* grid[fm - 1][r - 1]: the standard map, as 0.1.0's crm.rfm_segment reads it */
static const char *const standard_grid[5][5] = {
	/* fm = 1 */ {"lost", "hibernating", "about_to_sleep", "promising", "new"},
	/* fm = 2 */ {"hibernating", "hibernating", "about_to_sleep", "potential_loyalist", "potential_loyalist"},
	/* fm = 3 */ {"at_risk", "at_risk", "need_attention", "potential_loyalist", "potential_loyalist"},
	/* fm = 4 */ {"cannot_lose", "at_risk", "loyal", "loyal", "champions"},
	/* fm = 5 */ {"cannot_lose", "at_risk", "loyal", "champions", "champions"},
};

/*
 * The same map as fifteen disjoint rules over r and fm, best segments
 * first: {segment, r lo, r hi, fm lo, fm hi}.  The unit tests check that
 * they cover the grid above exactly once.
 */
static const struct
{
	const char *segment;
	int			r_lo,
				r_hi,
				fm_lo,
				fm_hi;
}			standard_rules[CRM_RFM_STANDARD_RULES] = {
	{"champions", 5, 5, 4, 5},
	{"champions", 4, 4, 5, 5},
	{"loyal", 3, 3, 4, 5},
	{"loyal", 4, 4, 4, 4},
	{"potential_loyalist", 4, 5, 2, 3},
	{"new", 5, 5, 1, 1},
	{"promising", 4, 4, 1, 1},
	{"need_attention", 3, 3, 3, 3},
	{"about_to_sleep", 3, 3, 1, 2},
	{"cannot_lose", 1, 1, 4, 5},
	{"at_risk", 2, 2, 3, 5},
	{"at_risk", 1, 1, 3, 3},
	{"hibernating", 1, 2, 2, 2},
	{"hibernating", 2, 2, 1, 1},
	{"lost", 1, 1, 1, 1},
};

/* See rfm_core.h. */
const char *
crm_rfm_standard_segment(int r, int f, int m)
{
	return standard_grid[(f + m) / 2 - 1][r - 1];
}

/*
 * The n-point scores whose 5-point class ceil(5 s / n) lies in [a, b]:
 * ceil(5 s / n) >= a  <=>  s > (a - 1) n / 5, and ceil(5 s / n) <= b  <=>
 * s <= b n / 5, so s runs from floor((a - 1) n / 5) + 1 to floor(b n / 5)
 * (empty when lo > hi).  Integer arithmetic: exact.
 */
static void
ScaleRange(int a, int b, int n, int64_t *lo, int64_t *hi)
{
	*lo = (int64_t) (a - 1) * n / 5 + 1;
	*hi = (int64_t) b * n / 5;
}

/* See rfm_core.h. */
int
crm_rfm_standard_rules(int n, CrmRfmRule *out)
{
	int			count = 0;
	int			i;

	for (i = 0; i < CRM_RFM_STANDARD_RULES; i++)
	{
		CrmRfmRule *rule = &out[count];

		memset(rule, 0, sizeof(*rule));
		rule->segment = standard_rules[i].segment;
		rule->segment_len = (uint32_t) strlen(rule->segment);
		rule->bounded[CRM_RFM_R] = rule->bounded[CRM_RFM_FM] = true;
		ScaleRange(standard_rules[i].r_lo, standard_rules[i].r_hi, n,
				   &rule->lo[CRM_RFM_R], &rule->hi[CRM_RFM_R]);
		ScaleRange(standard_rules[i].fm_lo, standard_rules[i].fm_hi, n,
				   &rule->lo[CRM_RFM_FM], &rule->hi[CRM_RFM_FM]);
		/* a class no n-point score falls in (n < 5) leaves the rule empty */
		if (rule->lo[CRM_RFM_R] <= rule->hi[CRM_RFM_R] &&
			rule->lo[CRM_RFM_FM] <= rule->hi[CRM_RFM_FM])
			count++;
	}
	return count;
}

/* Whether rule matches the scores (r, f, m) with fm = floor((f + m) / 2). */
static inline bool
RuleMatches(const CrmRfmRule *rule, const int64_t *score)
{
	int			d;

	for (d = 0; d < CRM_RFM_NDIMS; d++)
		if (rule->bounded[d] && (score[d] < rule->lo[d] || score[d] > rule->hi[d]))
			return false;
	return true;
}

/* Check one rule's name and ranges. */
static bool
CheckRule(const CrmRfmRule *rule, int64_t i, int64_t scale, CrmError *err)
{
	int			d;

	if (rule->segment == NULL || rule->segment_len == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments[%lld] needs a non-empty segment name",
					  (long long) i);
		return false;
	}
	if (rule->segment_len > CRM_RFM_MAX_SEGMENT)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "RFM map: segments[%lld]: a segment name can have at most %d bytes, got %u",
					  (long long) i, CRM_RFM_MAX_SEGMENT, rule->segment_len);
		return false;
	}
	if (memchr(rule->segment, '\0', rule->segment_len) != NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments[%lld]: a segment name cannot contain a NUL byte",
					  (long long) i);
		return false;
	}
	for (d = 0; d < CRM_RFM_NDIMS; d++)
	{
		if (!rule->bounded[d])
			continue;
		if (rule->lo[d] < 1 || rule->lo[d] > scale || rule->hi[d] < 1 || rule->hi[d] > scale)
		{
			crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments[%lld].%s: %lld is outside the scores 1..%lld",
						  (long long) i, crm_rfm_dim_names[d],
						  (long long) ((rule->lo[d] < 1 || rule->lo[d] > scale) ? rule->lo[d] : rule->hi[d]),
						  (long long) scale);
			crm_error_hint(err, "Scores run from 1 to the map's \"scale\" (5 unless the map says otherwise).");
			return false;
		}
		if (rule->lo[d] > rule->hi[d])
		{
			crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments[%lld].%s: the range [%lld, %lld] is empty",
						  (long long) i, crm_rfm_dim_names[d], (long long) rule->lo[d], (long long) rule->hi[d]);
			crm_error_hint(err, "Write a range as [lowest, highest] score, or a single score.");
			return false;
		}
	}
	return true;
}

/* Name a cell in messages: "r = 3, fm = 2" or "r = 3, f = 2, m = 4". */
static void
CellName(char *buf, size_t cap, bool cube, const int64_t *score)
{
	if (cube)
		snprintf(buf, cap, "r = %lld, f = %lld, m = %lld", (long long) score[CRM_RFM_R],
				 (long long) score[CRM_RFM_F], (long long) score[CRM_RFM_M]);
	else
		snprintf(buf, cap, "r = %lld, fm = %lld", (long long) score[CRM_RFM_R],
				 (long long) score[CRM_RFM_FM]);
}

/*
 * Visit the cells of the table in order (r, then fm, or r, f, m), with
 * their scores in score[] and their index; returns false from the visitor
 * to stop.
 */
typedef bool (*CellVisitor) (void *arg, size_t index, const int64_t *score);

static bool
VisitCells(int n, bool cube, CellVisitor visit, void *arg)
{
	int64_t		score[CRM_RFM_NDIMS] = {0};
	size_t		index = 0;
	int			r;

	for (r = 1; r <= n; r++)
	{
		score[CRM_RFM_R] = r;
		crm_check_interrupts();
		if (cube)
		{
			int			f,
						m;

			for (f = 1; f <= n; f++)
				for (m = 1; m <= n; m++)
				{
					score[CRM_RFM_F] = f;
					score[CRM_RFM_M] = m;
					score[CRM_RFM_FM] = (f + m) / 2;
					if (!visit(arg, index++, score))
						return false;
				}
		}
		else
		{
			int			fm;

			for (fm = 1; fm <= n; fm++)
			{
				score[CRM_RFM_FM] = fm;
				if (!visit(arg, index++, score))
					return false;
			}
		}
	}
	return true;
}

/* State of the compiling pass. */
typedef struct Compile
{
	const CrmRfmRule *rules;
	int			nrules;
	bool		cube;
	uint8_t    *cells;
	int64_t    *wins;			/* cells each rule is the first match of */
	CrmError   *err;
} Compile;

/* Compiling visitor: the first matching rule, or the gap error. */
static bool
CompileCell(void *arg, size_t index, const int64_t *score)
{
	Compile    *c = arg;
	int			i;

	for (i = 0; i < c->nrules; i++)
		if (RuleMatches(&c->rules[i], score))
		{
			c->cells[index] = (uint8_t) i;
			c->wins[i]++;
			return true;
		}
	{
		char		cell[96];

		CellName(cell, sizeof(cell), c->cube, score);
		crm_error_set(c->err, CRM_ERR_INVALID, "RFM map: no segment for %s", cell);
		crm_error_hint(c->err, "Every combination of scores must match a rule: add one, or end the map with a rule that has only a segment (it matches everything).");
	}
	return false;
}

/* Visitor: does a rule match any cell at all (ignoring the rules before it)? */
static bool
FindMatch(void *arg, size_t index, const int64_t *score)
{
	return !RuleMatches((const CrmRfmRule *) arg, score);
}

/* See rfm_core.h. */
CrmRfmMap *
crm_rfm_map_build(int64_t scale, const CrmRfmRule *rules, int64_t nrules, CrmError *err)
{
	CrmRfmMap  *map;
	Compile		c;
	size_t		ncells;
	size_t		names = 0;
	size_t		size;
	char	   *p;
	bool		cube = false;
	int64_t		i;

	if (scale < 1 || scale > CRM_RFM_MAX_SCALE)
	{
		crm_error_set(err, CRM_ERR_INVALID, "RFM map: scale must be between 1 and %d, got %lld",
					  CRM_RFM_MAX_SCALE, (long long) scale);
		return NULL;
	}
	if (nrules < 1)
	{
		crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments must have at least one rule");
		return NULL;
	}
	if (nrules > CRM_RFM_MAX_RULES)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "RFM map: segments can have at most %d rules, got %lld",
					  CRM_RFM_MAX_RULES, (long long) nrules);
		return NULL;
	}
	for (i = 0; i < nrules; i++)
	{
		if (!CheckRule(&rules[i], i, scale, err))
			return NULL;
		cube |= rules[i].bounded[CRM_RFM_F] || rules[i].bounded[CRM_RFM_M];
		names += rules[i].segment_len + 1;
	}

	/* one block: header, name pointers and lengths, win counts, names, cells */
	ncells = cube ? (size_t) scale * scale * scale : (size_t) scale * scale;
	size = sizeof(CrmRfmMap) + nrules * (sizeof(char *) + sizeof(uint32_t) + sizeof(int64_t)) +
		names + ncells;
	map = crm_core_alloc(size);
	map->scale = (int) scale;
	map->nrules = (int) nrules;
	map->cube = cube;
	p = (char *) (map + 1);
	map->segments = (const char **) p;
	p += nrules * sizeof(char *);
	c.wins = (int64_t *) p;
	p += nrules * sizeof(int64_t);
	map->segment_lens = (uint32_t *) p;
	p += nrules * sizeof(uint32_t);
	for (i = 0; i < nrules; i++)
	{
		memcpy(p, rules[i].segment, rules[i].segment_len);
		p[rules[i].segment_len] = '\0';
		map->segments[i] = p;
		map->segment_lens[i] = rules[i].segment_len;
		p += rules[i].segment_len + 1;
	}
	map->cells = (uint8_t *) p;

	c.rules = rules;
	c.nrules = (int) nrules;
	c.cube = cube;
	c.cells = map->cells;
	c.err = err;
	if (!VisitCells((int) scale, cube, CompileCell, &c))
	{
		crm_core_free(map);
		return NULL;
	}
	for (i = 0; i < nrules; i++)
		if (c.wins[i] == 0)
		{
			bool		empty = VisitCells((int) scale, cube, FindMatch, (void *) &rules[i]);

			crm_error_set(err, CRM_ERR_INVALID, "RFM map: segments[%lld] (\"%.*s\") never matches: %s",
						  (long long) i, (int) (rules[i].segment_len > 60 ? 60 : rules[i].segment_len),
						  rules[i].segment,
						  empty ? "no scores satisfy its ranges" : "the rules before it cover all its scores");
			crm_error_hint(err, "Rules are tried in order and the first match wins: remove the rule, move it up or change its ranges.");
			crm_core_free(map);
			return NULL;
		}
	return map;
}

/* A JSON string: quotes, \" \\ and \u00XX for control characters. */
static void
WriteJsonString(CrmOut *o, const char *s, size_t len)
{
	size_t		i;

	crm_out_bytes(o, "\"", 1);
	for (i = 0; i < len; i++)
	{
		unsigned char ch = (unsigned char) s[i];

		if (ch == '"' || ch == '\\')
		{
			char		esc[2] = {'\\', (char) ch};

			crm_out_bytes(o, esc, 2);
		}
		else if (ch < 0x20)
		{
			char		esc[8];

			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			crm_out_str(o, esc);
		}
		else
			crm_out_bytes(o, (const char *) &s[i], 1);
	}
	crm_out_bytes(o, "\"", 1);
}

/* See rfm_core.h. */
void
crm_rfm_map_write_json(CrmOut *o, int64_t scale, const CrmRfmRule *rules, int nrules)
{
	char		buf[64];
	int			i;
	int			d;

	snprintf(buf, sizeof(buf), "{\"scale\": %lld, \"segments\": [", (long long) scale);
	crm_out_str(o, buf);
	for (i = 0; i < nrules; i++)
	{
		crm_out_str(o, i ? ", {\"segment\": " : "{\"segment\": ");
		WriteJsonString(o, rules[i].segment, rules[i].segment_len);
		for (d = 0; d < CRM_RFM_NDIMS; d++)
		{
			if (!rules[i].bounded[d])
				continue;
			if (rules[i].lo[d] == rules[i].hi[d])
				snprintf(buf, sizeof(buf), ", \"%s\": %lld", crm_rfm_dim_names[d], (long long) rules[i].lo[d]);
			else
				snprintf(buf, sizeof(buf), ", \"%s\": [%lld, %lld]", crm_rfm_dim_names[d],
						 (long long) rules[i].lo[d], (long long) rules[i].hi[d]);
			crm_out_str(o, buf);
		}
		crm_out_str(o, "}");
	}
	crm_out_str(o, "]}");
}
