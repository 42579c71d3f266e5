/*
 * scorecard_core.c
 *	  crm.scorecard builder, text parser, printer and consistency check.
 *
 * Server-independent (see scorecard_core.h); the fuzzer links this file as
 * is.  The level bands are a crm.tiers value: parsed, printed and validated
 * by tiers_core.c, not by code of their own.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"
#include "lex_core.h"
#include "outbuf_core.h"
#include "scorecard_core.h"

/* The whole card is bounded so that offsets fit in 32 bits with room to spare. */
#define CRM_CARD_MAX_SIZE	((size_t) 64 * 1024 * 1024)

static const char *const reserved_words[] = {
	"name", "version", "strict", "levels", "numeric", "category", "null"
};

static bool
IsReserved(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < sizeof(reserved_words) / sizeof(reserved_words[0]); i++)
		if (strlen(reserved_words[i]) == len && memcmp(reserved_words[i], s, len) == 0)
			return true;
	return false;
}

bool
crm_card_needs_quotes(const char *s, size_t len)
{
	return IsReserved(s, len) || !crm_lex_is_bare_word(s, len);
}

int
crm_card_category_index(const CrmScorecard *c, const CrmCardFactor *f,
						const char *value, size_t len)
{
	const CrmCardStr *keys = crm_card_keys(c, f);
	int			lo = 0;
	int			hi = (int) f->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			cmp = crm_lex_compare_bytes(crm_card_str(c, keys[mid]), keys[mid].len, value, len);

		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int
crm_card_find_factor(const CrmScorecard *c, const char *name, size_t len)
{
	int			i;

	for (i = 0; i < c->nfactors; i++)
		if (c->factors[i].name.len == len &&
			memcmp(crm_card_str(c, c->factors[i].name), name, len) == 0)
			return i;
	return -1;
}

/* ----------------------------------------------------------------------
 * Builder
 * ---------------------------------------------------------------------- */

typedef struct KeyPoints
{
	const char *key;
	uint32_t	len;
	double		points;
} KeyPoints;

static int
CompareKeyPoints(const void *a, const void *b)
{
	const KeyPoints *x = a;
	const KeyPoints *y = b;

	return crm_lex_compare_bytes(x->key, x->len, y->key, y->len);
}

/* A name-like string: non-empty (unless allow_empty), bounded, no NUL. */
static bool
CheckWord(const char *s, uint32_t len, const char *what, int index, CrmError *err)
{
	if (len == 0)
	{
		if (index > 0)
			crm_error_set(err, CRM_ERR_INVALID, "%s %d is empty", what, index);
		else
			crm_error_set(err, CRM_ERR_INVALID, "%s is empty", what);
		return false;
	}
	if (len > CRM_CARD_MAX_NAME)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "%s \"%.40s...\" is %u bytes long; the limit is %d",
					  what, s, (unsigned) len, CRM_CARD_MAX_NAME);
		return false;
	}
	if (memchr(s, '\0', len) != NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s contains a NUL byte", what);
		return false;
	}
	return true;
}

static bool
CheckPoints(double p, const char *factor, uint32_t flen, const char *what, CrmError *err)
{
	if (!isfinite(p))
	{
		crm_error_set(err, CRM_ERR_INVALID, "factor \"%.*s\": %s must be finite, got %s",
					  (int) flen, factor, what,
					  isnan(p) ? "NaN" : (p > 0 ? "Infinity" : "-Infinity"));
		return false;
	}
	return true;
}

static size_t
Align8(size_t n)
{
	return (n + 7) & ~(size_t) 7;
}

/* -0 becomes 0, so that equal cards have equal bytes */
static double
NoNegZero(double d)
{
	return d == 0.0 ? 0.0 : d;
}

/* Copy a string into the card's string area (NUL-terminated) and point dst at it. */
static void
PutString(CrmScorecard *c, size_t *spos, CrmCardStr *dst, const char *src, uint32_t len)
{
	dst->off = (uint32_t) *spos;
	dst->len = len;
	if (len)
		memcpy((char *) c + *spos, src, len);
	*spos += (size_t) len + 1;
}

CrmScorecard *
crm_card_build(const CrmCardSpec *spec, size_t *size, CrmError *err)
{
	size_t		fixed;
	size_t		data = 0;
	size_t		strings = 0;
	size_t		total;
	size_t		pos;
	size_t		spos;
	CrmScorecard *c;
	KeyPoints **sorted;
	int			i;
	int			j;

	if (spec->nfactors < 1)
	{
		crm_error_set(err, CRM_ERR_INVALID, "a scorecard needs at least one factor");
		return NULL;
	}
	if (spec->nfactors > CRM_CARD_MAX_FACTORS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "a scorecard can have at most %d factors, got %d",
					  CRM_CARD_MAX_FACTORS, spec->nfactors);
		return NULL;
	}
	if (spec->levels == NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "a scorecard needs levels");
		crm_error_hint(err, "Add a clause like: levels: {low, medium >= 40, high >= 70}");
		return NULL;
	}
	if (spec->name_len > 0 && !CheckWord(spec->name, spec->name_len, "scorecard name", 0, err))
		return NULL;
	if (spec->version_len > 0 &&
		!CheckWord(spec->version, spec->version_len, "scorecard version", 0, err))
		return NULL;
	strings += spec->name_len + 1 + spec->version_len + 1;

	for (i = 0; i < spec->nfactors; i++)
	{
		const CrmFactorSpec *f = &spec->factors[i];

		if (!CheckWord(f->name, f->name_len, "factor name", i + 1, err))
			return NULL;
		for (j = 0; j < i; j++)
			if (spec->factors[j].name_len == f->name_len &&
				memcmp(spec->factors[j].name, f->name, f->name_len) == 0)
			{
				crm_error_set(err, CRM_ERR_INVALID, "duplicate factor \"%.*s\"",
							  (int) f->name_len, f->name);
				crm_error_hint(err, "Each factor is scored once; give each its own name.");
				return NULL;
			}
		if (!CheckPoints(f->missing, f->name, f->name_len, "missing points", err))
			return NULL;
		strings += f->name_len + 1;

		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			if (f->n < 1 || f->n > CRM_CARD_MAX_BINS)
			{
				crm_error_set(err, f->n < 1 ? CRM_ERR_INVALID : CRM_ERR_LIMIT,
							  "factor \"%.*s\" has %d bins; a numeric factor needs 1 to %d",
							  (int) f->name_len, f->name, f->n, CRM_CARD_MAX_BINS);
				return NULL;
			}
			for (j = 0; j < f->n; j++)
				if (!CheckPoints(f->points[j], f->name, f->name_len, "points", err))
					return NULL;
			for (j = 0; j < f->n - 1; j++)
			{
				if (!isfinite(f->edges[j]))
				{
					crm_error_set(err, CRM_ERR_INVALID,
								  "factor \"%.*s\": bin edge %d must be finite",
								  (int) f->name_len, f->name, j + 1);
					return NULL;
				}
				if (j > 0 && !(f->edges[j] > f->edges[j - 1]))
				{
					char		a[DOUBLE_SHORTEST_DECIMAL_LEN];
					char		b[DOUBLE_SHORTEST_DECIMAL_LEN];

					double_to_shortest_decimal_buf(f->edges[j - 1], a);
					double_to_shortest_decimal_buf(f->edges[j], b);
					crm_error_set(err, CRM_ERR_INVALID,
								  "factor \"%.*s\": bin edges must be strictly ascending: edge %d (%s) is not above edge %d (%s)",
								  (int) f->name_len, f->name, j + 1, b, j, a);
					return NULL;
				}
			}
			data += Align8(sizeof(double) * (size_t) (f->n - 1)) + sizeof(double) * (size_t) f->n;
		}
		else if (f->kind == CRM_FACTOR_CATEGORY)
		{
			if (f->n < 0 || f->n > CRM_CARD_MAX_CATEGORIES)
			{
				crm_error_set(err, CRM_ERR_LIMIT,
							  "factor \"%.*s\" lists %d values; the limit is %d",
							  (int) f->name_len, f->name, f->n, CRM_CARD_MAX_CATEGORIES);
				return NULL;
			}
			if (!CheckPoints(f->other, f->name, f->name_len, "points for other values", err))
				return NULL;
			for (j = 0; j < f->n; j++)
			{
				if (!CheckWord(f->keys[j], f->key_lens[j], "category value", j + 1, err) ||
					!CheckPoints(f->points[j], f->name, f->name_len, "points", err))
					return NULL;
				strings += f->key_lens[j] + 1;
			}
			data += sizeof(double) * (size_t) f->n + sizeof(CrmCardStr) * (size_t) f->n;
		}
		else
		{
			crm_error_set(err, CRM_ERR_INVALID, "factor \"%.*s\" has an unknown kind %d",
						  (int) f->name_len, f->name, (int) f->kind);
			return NULL;
		}
		if (data > CRM_CARD_MAX_SIZE || strings > CRM_CARD_MAX_SIZE)
		{
			crm_error_set(err, CRM_ERR_LIMIT, "scorecard is larger than %zu bytes",
						  CRM_CARD_MAX_SIZE);
			return NULL;
		}
	}

	fixed = sizeof(CrmScorecard) + sizeof(CrmCardFactor) * (size_t) spec->nfactors;
	total = Align8(fixed) + data + Align8(spec->levels_size) + strings;
	if (total > CRM_CARD_MAX_SIZE)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "scorecard is larger than %zu bytes", CRM_CARD_MAX_SIZE);
		return NULL;
	}

	/* sort each category factor's values; duplicates are then neighbours */
	sorted = crm_core_alloc(sizeof(KeyPoints *) * (size_t) spec->nfactors);
	for (i = 0; i < spec->nfactors; i++)
	{
		const CrmFactorSpec *f = &spec->factors[i];

		if (f->kind != CRM_FACTOR_CATEGORY || f->n == 0)
			continue;
		sorted[i] = crm_core_alloc(sizeof(KeyPoints) * (size_t) f->n);
		for (j = 0; j < f->n; j++)
		{
			sorted[i][j].key = f->keys[j];
			sorted[i][j].len = f->key_lens[j];
			sorted[i][j].points = f->points[j];
		}
		qsort(sorted[i], (size_t) f->n, sizeof(KeyPoints), CompareKeyPoints);
		for (j = 1; j < f->n; j++)
			if (CompareKeyPoints(&sorted[i][j - 1], &sorted[i][j]) == 0)
			{
				crm_error_set(err, CRM_ERR_INVALID, "factor \"%.*s\": duplicate value \"%.*s\"",
							  (int) f->name_len, f->name, (int) sorted[i][j].len, sorted[i][j].key);
				for (j = 0; j <= i; j++)
					if (sorted[j])
						crm_core_free(sorted[j]);
				crm_core_free(sorted);
				return NULL;
			}
	}

	c = crm_core_alloc(total);
	c->version = CRM_CARD_VERSION;
	c->flags = spec->strict ? CRM_CARD_FLAG_STRICT : 0;
	c->nfactors = (uint16_t) spec->nfactors;
	pos = Align8(fixed);
	spos = total - strings;

	PutString(c, &spos, &c->name, spec->name, spec->name_len);
	PutString(c, &spos, &c->card_version, spec->version, spec->version_len);
	for (i = 0; i < spec->nfactors; i++)
	{
		const CrmFactorSpec *f = &spec->factors[i];
		CrmCardFactor *cf = &c->factors[i];
		double	   *points;

		PutString(c, &spos, &cf->name, f->name, f->name_len);
		cf->kind = (uint8_t) f->kind;
		cf->n = (uint32_t) f->n;
		cf->missing = NoNegZero(f->missing);
		cf->other = f->kind == CRM_FACTOR_CATEGORY ? NoNegZero(f->other) : 0.0;
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			double	   *edges = (double *) ((char *) c + pos);

			cf->edges_off = (uint32_t) pos;
			for (j = 0; j < f->n - 1; j++)
				edges[j] = NoNegZero(f->edges[j]);
			pos += Align8(sizeof(double) * (size_t) (f->n - 1));
			cf->points_off = (uint32_t) pos;
			points = (double *) ((char *) c + pos);
			for (j = 0; j < f->n; j++)
				points[j] = NoNegZero(f->points[j]);
			pos += sizeof(double) * (size_t) f->n;
		}
		else
		{
			CrmCardStr *keys;

			cf->points_off = (uint32_t) pos;
			points = (double *) ((char *) c + pos);
			pos += sizeof(double) * (size_t) f->n;
			cf->keys_off = (uint32_t) pos;
			keys = (CrmCardStr *) ((char *) c + pos);
			pos += sizeof(CrmCardStr) * (size_t) f->n;
			for (j = 0; j < f->n; j++)
			{
				points[j] = NoNegZero(sorted[i][j].points);
				PutString(c, &spos, &keys[j], sorted[i][j].key, sorted[i][j].len);
			}
		}
	}

	c->levels_off = (uint32_t) pos;
	c->levels_size = (uint32_t) spec->levels_size;
	memcpy((char *) c + pos, spec->levels, spec->levels_size);
	/* the embedded value's varlena header is not used; zero it so bytes are canonical */
	((CrmTiers *) ((char *) c + pos))->vl_len_ = 0;

	for (i = 0; i < spec->nfactors; i++)
		if (spec->factors[i].kind == CRM_FACTOR_CATEGORY && spec->factors[i].n > 0)
			crm_core_free(sorted[i]);
	crm_core_free(sorted);
	*size = total;
	return c;
}

/* ----------------------------------------------------------------------
 * Parser
 * ---------------------------------------------------------------------- */

typedef struct CardParser
{
	const char *str;
	const char *p;
	CrmError   *err;
	char	   *scratch;		/* unescaped words, back to back */
	size_t		used;
} CardParser;

/* growable arrays for one factor */
typedef struct FactorBuf
{
	int			n;
	int			cap;
	double	   *edges;
	double	   *points;
	const char **keys;
	uint32_t   *lens;
} FactorBuf;

static void
SkipSpace(CardParser *ps)
{
	ps->p = crm_lex_skip_space(ps->p);
}

static void
SyntaxError(CardParser *ps, const char *what)
{
	crm_error_set(ps->err, CRM_ERR_SYNTAX,
				  "invalid input syntax for type crm.scorecard: \"%.120s%s\"",
				  ps->str, strlen(ps->str) > 120 ? "..." : "");
	if (*ps->p == '\0')
		crm_error_detail(ps->err, "%s at end of input.", what);
	else
		crm_error_detail(ps->err, "%s at character %d.", what, (int) (ps->p - ps->str) + 1);
}

/*
 * Read a bare or quoted word into the scratch buffer.  Returns its length
 * (>= 0), or -1 if there is no word here (no error recorded: the caller
 * decides), or -2 on an error.  *quoted tells which it was.
 */
static long
ReadWord(CardParser *ps, const char **out, bool *quoted)
{
	char	   *dst = ps->scratch + ps->used;
	long		n = 0;

	SkipSpace(ps);
	*out = dst;
	*quoted = false;
	if (*ps->p == '"')
	{
		const char *end = crm_lex_read_quoted(ps->p, dst, &n);

		*quoted = true;
		if (end == NULL)
		{
			ps->p += strlen(ps->p);
			SyntaxError(ps, "Unterminated quoted string");
			return -2;
		}
		ps->p = end;
	}
	else
	{
		while (crm_lex_word_char((unsigned char) *ps->p))
			dst[n++] = *ps->p++;
		if (n == 0)
			return -1;
	}
	ps->used += (size_t) n + 1;
	dst[n] = '\0';
	return n;
}

static bool
Expect(CardParser *ps, char ch, const char *what)
{
	SkipSpace(ps);
	if (*ps->p != ch)
	{
		SyntaxError(ps, what);
		return false;
	}
	ps->p++;
	return true;
}

/* a number written as a bare word; finite */
static bool
ReadNumber(CardParser *ps, double *out, const char *what)
{
	const char *start;
	const char *w;
	bool		quoted;
	long		len;
	char	   *end;

	SkipSpace(ps);
	start = ps->p;
	len = ReadWord(ps, &w, &quoted);
	if (len < 0 || quoted)
	{
		if (len != -2)
		{
			ps->p = start;
			SyntaxError(ps, what);
		}
		return false;
	}
	errno = 0;
	*out = strtod(w, &end);
	if (end != w + len)
	{
		ps->p = start;
		SyntaxError(ps, what);
		return false;
	}
	if (errno == ERANGE && (*out == 0.0 || *out >= HUGE_VAL || *out <= -HUGE_VAL))
	{
		crm_error_set(ps->err, CRM_ERR_RANGE,
					  "\"%.60s\" is out of range for type double precision", w);
		return false;
	}
	if (!isfinite(*out))
	{
		crm_error_set(ps->err, CRM_ERR_INVALID,
					  "scorecard numbers must be finite, got \"%.60s\"", w);
		return false;
	}
	return true;
}

static bool
IsKeyword(const char *w, long len, bool quoted, const char *kw)
{
	return !quoted && (size_t) len == strlen(kw) && memcmp(w, kw, (size_t) len) == 0;
}

static void
FactorPush(FactorBuf *fb, double edge, double points, const char *key, uint32_t len)
{
	if (fb->n == fb->cap)
	{
		int			cap = fb->cap ? fb->cap * 2 : 8;
		double	   *e = crm_core_alloc(sizeof(double) * (size_t) cap);
		double	   *p = crm_core_alloc(sizeof(double) * (size_t) cap);
		const char **k = crm_core_alloc(sizeof(char *) * (size_t) cap);
		uint32_t   *l = crm_core_alloc(sizeof(uint32_t) * (size_t) cap);

		if (fb->n)
		{
			memcpy(e, fb->edges, sizeof(double) * (size_t) fb->n);
			memcpy(p, fb->points, sizeof(double) * (size_t) fb->n);
			memcpy(k, fb->keys, sizeof(char *) * (size_t) fb->n);
			memcpy(l, fb->lens, sizeof(uint32_t) * (size_t) fb->n);
			crm_core_free(fb->edges);
			crm_core_free(fb->points);
			crm_core_free(fb->keys);
			crm_core_free(fb->lens);
		}
		fb->edges = e;
		fb->points = p;
		fb->keys = k;
		fb->lens = l;
		fb->cap = cap;
	}
	fb->edges[fb->n] = edge;
	fb->points[fb->n] = points;
	fb->keys[fb->n] = key;
	fb->lens[fb->n] = len;
	fb->n++;
}

static void
FactorFree(FactorBuf *fb)
{
	if (fb->cap)
	{
		crm_core_free(fb->edges);
		crm_core_free(fb->points);
		crm_core_free(fb->keys);
		crm_core_free(fb->lens);
	}
}

/*
 * After a list entry: 1 if a ',' follows (another entry), 0 at the closing
 * '}', -1 (syntax error recorded) otherwise.
 */
static int
ListNext(CardParser *ps)
{
	SkipSpace(ps);
	if (*ps->p == ',')
	{
		ps->p++;
		return 1;
	}
	if (*ps->p == '}')
	{
		ps->p++;
		return 0;
	}
	SyntaxError(ps, "Expected \",\" or \"}\"");
	return -1;
}

/*
 * numeric {p0, p1 >= e1, ..., null: m}.  fb->edges[i] holds bin i's lower
 * edge (unused for bin 0).
 */
static bool
ParseNumeric(CardParser *ps, FactorBuf *fb, CrmFactorSpec *f)
{
	bool		have_missing = false;
	int			next;

	if (!Expect(ps, '{', "Expected \"{\""))
		return false;
	for (;;)
	{
		const char *save;
		const char *w;
		bool		quoted;
		long		len;
		double		points;
		double		edge = 0;

		SkipSpace(ps);
		save = ps->p;
		len = ReadWord(ps, &w, &quoted);
		if (len == -2)
			return false;
		if (len >= 0 && IsKeyword(w, len, quoted, "null"))
		{
			if (have_missing)
			{
				SyntaxError(ps, "Duplicate null entry");
				return false;
			}
			if (!Expect(ps, ':', "Expected \":\" after null") ||
				!ReadNumber(ps, &f->missing, "Expected the points for a missing value"))
				return false;
			have_missing = true;
		}
		else
		{
			ps->p = save;
			if (!ReadNumber(ps, &points, "Expected points"))
				return false;
			SkipSpace(ps);
			if (ps->p[0] == '>' && ps->p[1] == '=')
			{
				ps->p += 2;
				if (fb->n == 0)
				{
					crm_error_set(ps->err, CRM_ERR_SYNTAX,
								  "invalid input syntax for type crm.scorecard: \"%.120s\"", ps->str);
					crm_error_hint(ps->err, "The first bin of a numeric factor runs from -Infinity; write its points without \">=\", e.g. numeric {0, 5 >= 100000}.");
					return false;
				}
				if (!ReadNumber(ps, &edge, "Expected a bin edge after \">=\""))
					return false;
			}
			else if (fb->n > 0)
			{
				SyntaxError(ps, "Expected \">=\" and the bin's lower edge");
				return false;
			}
			if (fb->n >= CRM_CARD_MAX_BINS)
			{
				crm_error_set(ps->err, CRM_ERR_LIMIT, "a numeric factor can have at most %d bins",
							  CRM_CARD_MAX_BINS);
				return false;
			}
			FactorPush(fb, edge, points, NULL, 0);
		}
		next = ListNext(ps);
		if (next < 0)
			return false;
		if (next == 0)
			break;
	}
	if (fb->n == 0)
	{
		SyntaxError(ps, "A numeric factor needs at least one bin");
		return false;
	}
	f->kind = CRM_FACTOR_NUMERIC;
	f->n = fb->n;
	f->points = fb->points;
	f->edges = fb->edges + 1;	/* edge of bin i is edges[i - 1] */
	return true;
}

/* category {value: p, ..., *: other, null: missing} */
static bool
ParseCategory(CardParser *ps, FactorBuf *fb, CrmFactorSpec *f)
{
	bool		have_missing = false;
	bool		have_other = false;
	int			next;

	if (!Expect(ps, '{', "Expected \"{\""))
		return false;
	SkipSpace(ps);
	if (*ps->p == '}')
		ps->p++;
	else
		for (;;)
		{
			const char *w;
			bool		quoted;
			long		len;
			double		points;

			SkipSpace(ps);
			if (*ps->p == '*')
			{
				ps->p++;
				if (have_other)
				{
					SyntaxError(ps, "Duplicate * entry");
					return false;
				}
				if (!Expect(ps, ':', "Expected \":\" after *") ||
					!ReadNumber(ps, &f->other, "Expected the points for other values"))
					return false;
				have_other = true;
			}
			else
			{
				len = ReadWord(ps, &w, &quoted);
				if (len == -2)
					return false;
				if (len == -1)
				{
					SyntaxError(ps, "Expected a value, * or null");
					return false;
				}
				if (!Expect(ps, ':', "Expected \":\" after the value") ||
					!ReadNumber(ps, &points, "Expected points"))
					return false;
				if (IsKeyword(w, len, quoted, "null"))
				{
					if (have_missing)
					{
						SyntaxError(ps, "Duplicate null entry");
						return false;
					}
					f->missing = points;
					have_missing = true;
				}
				else
				{
					if (fb->n >= CRM_CARD_MAX_CATEGORIES)
					{
						crm_error_set(ps->err, CRM_ERR_LIMIT,
									  "a category factor can list at most %d values",
									  CRM_CARD_MAX_CATEGORIES);
						return false;
					}
					FactorPush(fb, 0, points, w, (uint32_t) len);
				}
			}
			next = ListNext(ps);
			if (next < 0)
				return false;
			if (next == 0)
				break;
		}
	f->kind = CRM_FACTOR_CATEGORY;
	f->n = fb->n;
	f->points = fb->points;
	f->keys = fb->keys;
	f->key_lens = fb->lens;
	return true;
}

/* The extent of a {...} tiers literal starting at ps->p (quotes respected). */
static const char *
TiersLiteralEnd(const char *p)
{
	bool		inquote = false;

	for (; *p; p++)
	{
		if (inquote)
		{
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				inquote = false;
		}
		else if (*p == '"')
			inquote = true;
		else if (*p == '}')
			return p + 1;
	}
	return NULL;
}

CrmScorecard *
crm_card_parse(const char *str, size_t *size, CrmError *err)
{
	CardParser	ps;
	size_t		inlen = strlen(str);
	CrmCardSpec spec;
	CrmFactorSpec *factors;
	FactorBuf  *bufs;
	int			cap;
	CrmTiers   *levels = NULL;
	size_t		levels_size = 0;
	bool		have_name = false;
	bool		have_version = false;
	bool		have_strict = false;
	CrmScorecard *result = NULL;
	int			i;

	memset(&spec, 0, sizeof(spec));
	ps.str = str;
	ps.p = str;
	ps.err = err;
	/* a word may be read twice (a speculative read, then the real one) */
	ps.scratch = crm_core_alloc(2 * inlen + 2);
	ps.used = 0;
	/* every factor clause takes at least "x:numeric{0}", 12 bytes */
	cap = (int) (inlen / 12 + 1);
	if (cap > CRM_CARD_MAX_FACTORS + 1)
		cap = CRM_CARD_MAX_FACTORS + 1;
	factors = crm_core_alloc(sizeof(CrmFactorSpec) * (size_t) cap);
	bufs = crm_core_alloc(sizeof(FactorBuf) * (size_t) cap);

	for (;;)
	{
		const char *w;
		bool		quoted;
		long		len;
		const char *clause_start;

		SkipSpace(&ps);
		if (*ps.p == '\0')
			break;
		clause_start = ps.p;
		len = ReadWord(&ps, &w, &quoted);
		if (len == -2)
			goto done;
		if (len == -1)
		{
			SyntaxError(&ps, "Expected a clause (name, version, strict, levels or a factor)");
			if (*ps.p == '{' && clause_start == str + strspn(str, " \t\r\n\v\f"))
				crm_error_hint(err, "This looks like the JSON form of a card; cast it with '...'::jsonb::crm.scorecard.");
			goto done;
		}

		if (IsKeyword(w, len, quoted, "name") || IsKeyword(w, len, quoted, "version"))
		{
			bool		is_name = w[0] == 'n';
			const char *v;
			bool		vq;
			long		vlen;

			if ((is_name && have_name) || (!is_name && have_version))
			{
				ps.p = clause_start;
				SyntaxError(&ps, is_name ? "Duplicate name clause" : "Duplicate version clause");
				goto done;
			}
			vlen = ReadWord(&ps, &v, &vq);
			if (vlen == -2)
				goto done;
			if (vlen == -1)
			{
				SyntaxError(&ps, is_name ? "Expected the scorecard name" : "Expected the scorecard version");
				goto done;
			}
			if (is_name)
			{
				spec.name = v;
				spec.name_len = (uint32_t) vlen;
				have_name = true;
				if (vlen == 0)
				{
					crm_error_set(err, CRM_ERR_INVALID, "scorecard name is empty");
					goto done;
				}
			}
			else
			{
				spec.version = v;
				spec.version_len = (uint32_t) vlen;
				have_version = true;
				if (vlen == 0)
				{
					crm_error_set(err, CRM_ERR_INVALID, "scorecard version is empty");
					goto done;
				}
			}
		}
		else if (IsKeyword(w, len, quoted, "strict"))
		{
			if (have_strict)
			{
				ps.p = clause_start;
				SyntaxError(&ps, "Duplicate strict clause");
				goto done;
			}
			spec.strict = true;
			have_strict = true;
		}
		else if (IsKeyword(w, len, quoted, "levels"))
		{
			const char *end;
			char	   *lit;

			if (levels != NULL)
			{
				ps.p = clause_start;
				SyntaxError(&ps, "Duplicate levels clause");
				goto done;
			}
			if (!Expect(&ps, ':', "Expected \":\" after levels"))
				goto done;
			SkipSpace(&ps);
			if (*ps.p != '{' || (end = TiersLiteralEnd(ps.p)) == NULL)
			{
				SyntaxError(&ps, "Expected the level bands, e.g. {low, medium >= 40, high >= 70}");
				goto done;
			}
			lit = crm_core_alloc((size_t) (end - ps.p) + 1);
			memcpy(lit, ps.p, (size_t) (end - ps.p));
			levels = crm_tiers_parse(lit, &levels_size, err);
			crm_core_free(lit);
			if (levels == NULL)
				goto done;
			ps.p = end;
		}
		else if (IsReserved(w, (size_t) len) && !quoted)
		{
			ps.p = clause_start;
			SyntaxError(&ps, "A factor named after a keyword must be double-quoted");
			goto done;
		}
		else
		{
			const char *kind;
			bool		kq;
			long		klen;
			CrmFactorSpec *f;

			if (spec.nfactors == cap)
			{
				crm_error_set(err, CRM_ERR_LIMIT, "a scorecard can have at most %d factors",
							  CRM_CARD_MAX_FACTORS);
				goto done;
			}
			f = &factors[spec.nfactors];
			memset(f, 0, sizeof(*f));
			f->name = w;
			f->name_len = (uint32_t) len;
			spec.nfactors++;
			if (!Expect(&ps, ':', "Expected \":\" after the factor name"))
				goto done;
			klen = ReadWord(&ps, &kind, &kq);
			if (klen == -2)
				goto done;
			if (klen >= 0 && IsKeyword(kind, klen, kq, "numeric"))
			{
				if (!ParseNumeric(&ps, &bufs[spec.nfactors - 1], f))
					goto done;
			}
			else if (klen >= 0 && IsKeyword(kind, klen, kq, "category"))
			{
				if (!ParseCategory(&ps, &bufs[spec.nfactors - 1], f))
					goto done;
			}
			else
			{
				SyntaxError(&ps, "Expected numeric or category");
				goto done;
			}
		}

		SkipSpace(&ps);
		if (*ps.p == ';')
		{
			ps.p++;
			continue;
		}
		if (*ps.p == '\0')
			break;
		SyntaxError(&ps, "Expected \";\" between clauses");
		goto done;
	}

	spec.factors = factors;
	spec.levels = levels;
	spec.levels_size = levels_size;
	result = crm_card_build(&spec, size, err);

done:
	for (i = 0; i < cap; i++)
		FactorFree(&bufs[i]);
	crm_core_free(bufs);
	crm_core_free(factors);
	if (levels)
		crm_core_free(levels);
	crm_core_free(ps.scratch);
	return result;
}

/* ----------------------------------------------------------------------
 * Printer
 * ---------------------------------------------------------------------- */

static void
OutWord(CrmOut *o, const char *s, size_t len)
{
	if (!crm_card_needs_quotes(s, len))
	{
		crm_out_bytes(o, s, len);
		return;
	}
	crm_out_reserve(o, 2 * len + 2);
	o->len += crm_lex_write_quoted(o->data + o->len, s, len);
	o->data[o->len] = '\0';
}

static void
OutNumber(CrmOut *o, double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(d, buf);
	crm_out_str(o, buf);
}

char *
crm_card_print(const CrmScorecard *c)
{
	CrmOut		o = {NULL, 0, 0};
	char	   *levels;
	int			i;
	uint32_t	j;

	crm_out_reserve(&o, 0);
	o.data[0] = '\0';
	if (c->name.len)
	{
		crm_out_str(&o, "name ");
		OutWord(&o, crm_card_str(c, c->name), c->name.len);
		crm_out_str(&o, "; ");
	}
	if (c->card_version.len)
	{
		crm_out_str(&o, "version ");
		OutWord(&o, crm_card_str(c, c->card_version), c->card_version.len);
		crm_out_str(&o, "; ");
	}
	if (c->flags & CRM_CARD_FLAG_STRICT)
		crm_out_str(&o, "strict; ");
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		const double *points = crm_card_points(c, f);

		OutWord(&o, crm_card_str(c, f->name), f->name.len);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			const double *edges = crm_card_edges(c, f);

			crm_out_str(&o, ": numeric {");
			for (j = 0; j < f->n; j++)
			{
				if (j > 0)
					crm_out_str(&o, ", ");
				OutNumber(&o, points[j]);
				if (j > 0)
				{
					crm_out_str(&o, " >= ");
					OutNumber(&o, edges[j - 1]);
				}
			}
		}
		else
		{
			const CrmCardStr *keys = crm_card_keys(c, f);

			crm_out_str(&o, ": category {");
			for (j = 0; j < f->n; j++)
			{
				OutWord(&o, crm_card_str(c, keys[j]), keys[j].len);
				crm_out_str(&o, ": ");
				OutNumber(&o, points[j]);
				crm_out_str(&o, ", ");
			}
			crm_out_str(&o, "*: ");
			OutNumber(&o, f->other);
		}
		crm_out_str(&o, ", null: ");
		OutNumber(&o, f->missing);
		crm_out_str(&o, "}; ");
	}
	crm_out_str(&o, "levels: ");
	levels = crm_tiers_print(crm_card_levels(c));
	crm_out_str(&o, levels);
	crm_core_free(levels);
	return o.data;
}

/* ----------------------------------------------------------------------
 * Consistency check of a packed card
 * ---------------------------------------------------------------------- */

static bool
InRange(size_t off, size_t len, size_t size)
{
	return off <= size && len <= size - off;
}

int
crm_card_check(const CrmScorecard *c, size_t size, CrmError *err)
{
	size_t		fixed;
	CrmCardSpec spec;
	CrmFactorSpec *factors;
	CrmScorecard *rebuilt;
	size_t		rebuilt_size;
	int			ok;
	int			i;
	uint32_t	j;

	if (size < sizeof(CrmScorecard))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is truncated");
		return -1;
	}
	if (c->version != CRM_CARD_VERSION || (c->flags & ~CRM_CARD_FLAG_STRICT) != 0)
	{
		crm_error_set(err, CRM_ERR_BINARY, "unsupported crm.scorecard format version %d", c->version);
		return -1;
	}
	fixed = sizeof(CrmScorecard) + sizeof(CrmCardFactor) * (size_t) c->nfactors;
	if (c->nfactors < 1 || c->nfactors > CRM_CARD_MAX_FACTORS || fixed > size ||
		!InRange(c->name.off, c->name.len + 1, size) ||
		!InRange(c->card_version.off, c->card_version.len + 1, size) ||
		c->levels_off % 8 != 0 || !InRange(c->levels_off, c->levels_size, size) ||
		c->levels_size < CRM_TIERS_HEADER_SIZE ||
		crm_tiers_check(crm_card_levels(c), c->levels_size, err) != 0)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
		return -1;
	}
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		size_t		n = f->n;

		if (!InRange(f->name.off, f->name.len + 1, size) ||
			(f->kind != CRM_FACTOR_NUMERIC && f->kind != CRM_FACTOR_CATEGORY) ||
			n > CRM_CARD_MAX_CATEGORIES || f->points_off % 8 != 0 ||
			!InRange(f->points_off, n * sizeof(double), size) ||
			(f->kind == CRM_FACTOR_NUMERIC &&
			 (n < 1 || f->edges_off % 8 != 0 ||
			  !InRange(f->edges_off, (n - 1) * sizeof(double), size))) ||
			(f->kind == CRM_FACTOR_CATEGORY &&
			 (f->keys_off % 4 != 0 || !InRange(f->keys_off, n * sizeof(CrmCardStr), size))))
		{
			crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
			return -1;
		}
		if (f->kind == CRM_FACTOR_CATEGORY)
			for (j = 0; j < f->n; j++)
				if (!InRange(crm_card_keys(c, f)[j].off, crm_card_keys(c, f)[j].len + 1, size))
				{
					crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
					return -1;
				}
	}

	/* semantics: rebuild from the parts and compare bytes */
	memset(&spec, 0, sizeof(spec));
	factors = crm_core_alloc(sizeof(CrmFactorSpec) * c->nfactors);
	spec.name = crm_card_str(c, c->name);
	spec.name_len = c->name.len;
	spec.version = crm_card_str(c, c->card_version);
	spec.version_len = c->card_version.len;
	spec.strict = (c->flags & CRM_CARD_FLAG_STRICT) != 0;
	spec.nfactors = c->nfactors;
	spec.factors = factors;
	spec.levels = crm_card_levels(c);
	spec.levels_size = c->levels_size;
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];

		factors[i].name = crm_card_str(c, f->name);
		factors[i].name_len = f->name.len;
		factors[i].kind = (CrmFactorKind) f->kind;
		factors[i].n = (int) f->n;
		factors[i].points = crm_card_points(c, f);
		factors[i].missing = f->missing;
		factors[i].other = f->other;
		if (f->kind == CRM_FACTOR_NUMERIC)
			factors[i].edges = crm_card_edges(c, f);
		else if (f->n > 0)
		{
			const char **keys = crm_core_alloc(sizeof(char *) * f->n);
			uint32_t   *lens = crm_core_alloc(sizeof(uint32_t) * f->n);

			for (j = 0; j < f->n; j++)
			{
				keys[j] = crm_card_str(c, crm_card_keys(c, f)[j]);
				lens[j] = crm_card_keys(c, f)[j].len;
			}
			factors[i].keys = keys;
			factors[i].key_lens = lens;
		}
	}
	rebuilt = crm_card_build(&spec, &rebuilt_size, err);
	ok = rebuilt != NULL && rebuilt_size == size &&
		memcmp((const char *) rebuilt + sizeof(int32_t), (const char *) c + sizeof(int32_t),
			   size - sizeof(int32_t)) == 0;
	if (rebuilt != NULL && !ok)
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is not canonical");
	if (rebuilt)
		crm_core_free(rebuilt);
	for (i = 0; i < c->nfactors; i++)
		if (factors[i].kind == CRM_FACTOR_CATEGORY && factors[i].n > 0)
		{
			crm_core_free((void *) factors[i].keys);
			crm_core_free((void *) factors[i].key_lens);
		}
	crm_core_free(factors);
	return ok ? 0 : -1;
}
