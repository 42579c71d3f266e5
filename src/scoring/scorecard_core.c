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

/*
 * The whole card is bounded so that offsets fit in 32 bits with room to
 * spare.
 */
#define CRM_CARD_MAX_SIZE	((size_t) 64 * 1024 * 1024)

static const char *const reserved_words[] = {
	"name", "version", "strict", "levels", "numeric", "category", "null"
};

/*
 * Whether a word is a keyword of the text form (it must then be quoted as a
 * name).
 */
static bool
IsReserved(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < sizeof(reserved_words) / sizeof(reserved_words[0]); i++)
		if (strlen(reserved_words[i]) == len && memcmp(reserved_words[i], s, len) == 0)
			return true;
	return false;
}

/*
 * Whether a word must be double-quoted: a keyword, or not a bare word
 * (scorecard_core.h).
 */
bool
crm_card_needs_quotes(const char *s, size_t len)
{
	return IsReserved(s, len) || !crm_lex_is_bare_word(s, len);
}

/*
 * Index of a listed category value, or -1.
 * A binary search (Knuth, The Art of Computer Programming vol. 3, 6.2.1,
 * Algorithm B) over the factor's values, which the builder stores sorted
 * by crm_lex_compare_bytes: log2(n) + 1 comparisons, whatever the value.
 */
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

/*
 * Index of the factor with this name, or -1 (a linear scan: at most 256
 * factors).
 */
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
	const CrmCardEntryStats *stats; /* NULL in a card without statistics */
} KeyPoints;

/* qsort comparator: category values in label order (crm_lex_compare_bytes). */
static int
CompareKeyPoints(const void *a, const void *b)
{
	const KeyPoints *x = a;
	const KeyPoints *y = b;

	return crm_lex_compare_bytes(x->key, x->len, y->key, y->len);
}

/* How a message names a number of a card (scorecard_core.h). */
void
crm_card_subject(char *buf, size_t size, const char *factor, uint32_t flen,
				 CrmCardNumber what, int index, const char *key, uint32_t klen)
{
	int			n = snprintf(buf, size, "factor \"%.*s\": ", (int) (flen > 60 ? 60 : flen), factor);

	if (n < 0 || (size_t) n >= size)
		return;
	buf += n;
	size -= (size_t) n;
	switch (what)
	{
		case CRM_CARD_POINTS:
			if (key != NULL)
				snprintf(buf, size, "points for \"%.*s\"", (int) (klen > 40 ? 40 : klen), key);
			else
				snprintf(buf, size, "points of bin %d", index);
			break;
		case CRM_CARD_EDGE:
			snprintf(buf, size, "bin edge %d", index);
			break;
		case CRM_CARD_MISSING:
			snprintf(buf, size, "points for a missing value");
			break;
		case CRM_CARD_OTHER:
			snprintf(buf, size, "points for other values");
			break;
		case CRM_CARD_STATS:
			if (key != NULL)
				snprintf(buf, size, "statistics for \"%.*s\"", (int) (klen > 40 ? 40 : klen), key);
			else if (index > 0)
				snprintf(buf, size, "statistics of bin %d", index);
			else
				snprintf(buf, size, "statistics for %s", index == 0 ? "a missing value" : "other values");
			break;
		case CRM_CARD_COEFFICIENT:
			snprintf(buf, size, "coefficient");
			break;
	}
}

/* A finite number of the card, or the non-finite error naming it. */
static bool
CheckNumber(double d, const CrmFactorSpec *f, CrmCardNumber what, int index,
			const char *key, uint32_t klen, CrmError *err)
{
	char		subject[160];

	if (isfinite(d))
		return true;
	crm_card_subject(subject, sizeof(subject), f->name, f->name_len, what, index, key, klen);
	crm_error_not_finite(err, subject, d);
	return false;
}

/* A name-like string (subject names it): non-empty, bounded, no NUL. */
static bool
CheckWord(const char *s, uint32_t len, const char *subject, CrmError *err)
{
	if (len == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s is empty", subject);
		return false;
	}
	if (len > CRM_CARD_MAX_NAME)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "%s \"%.40s...\" is %u bytes long; the limit is %d",
					  subject, s, (unsigned) len, CRM_CARD_MAX_NAME);
		return false;
	}
	if (memchr(s, '\0', len) != NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s contains a NUL byte", subject);
		return false;
	}
	return true;
}

/* The factor count limits, shared by the builder and the readers. */
bool
crm_card_factor_count_ok(int64_t nfactors, CrmError *err)
{
	if (nfactors < 1)
	{
		crm_error_set(err, CRM_ERR_INVALID, "a scorecard needs at least one factor");
		return false;
	}
	if (nfactors > CRM_CARD_MAX_FACTORS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "a scorecard can have at most %d factors, got %lld",
					  CRM_CARD_MAX_FACTORS, (long long) nfactors);
		return false;
	}
	return true;
}

/* The bin and listed-value limits of one factor. */
bool
crm_card_entry_count_ok(const char *factor, uint32_t flen, CrmFactorKind kind,
						int64_t n, CrmError *err)
{
	int			shown = (int) (flen > 60 ? 60 : flen);

	if (kind == CRM_FACTOR_NUMERIC && (n < 1 || n > CRM_CARD_MAX_BINS))
	{
		crm_error_set(err, n < 1 ? CRM_ERR_INVALID : CRM_ERR_LIMIT,
					  "factor \"%.*s\" has %lld bins; a numeric factor needs 1 to %d",
					  shown, factor, (long long) n, CRM_CARD_MAX_BINS);
		return false;
	}
	if (kind == CRM_FACTOR_CATEGORY && (n < 0 || n > CRM_CARD_MAX_CATEGORIES))
	{
		crm_error_set(err, CRM_ERR_LIMIT, "factor \"%.*s\" lists %lld values; the limit is %d",
					  shown, factor, (long long) n, CRM_CARD_MAX_CATEGORIES);
		return false;
	}
	return true;
}

/* n rounded up to a multiple of 8, for the card's double arrays. */
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

/*
 * Validate factor i of the spec (its name, counts, numbers and edges) and
 * add its packed sizes to *data and *strings.
 */
static bool
CheckFactor(const CrmCardSpec *spec, int i, size_t *data, size_t *strings, CrmError *err)
{
	const CrmFactorSpec *f = &spec->factors[i];
	char		subject[160];
	int			j;

	snprintf(subject, sizeof(subject), "factor name %d", i + 1);
	if (!CheckWord(f->name, f->name_len, subject, err))
		return false;
	for (j = 0; j < i; j++)
		if (spec->factors[j].name_len == f->name_len &&
			memcmp(spec->factors[j].name, f->name, f->name_len) == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID, "duplicate factor \"%.*s\"",
						  (int) f->name_len, f->name);
			crm_error_hint(err, "Each factor is scored once; give each its own name.");
			return false;
		}
	if (f->kind != CRM_FACTOR_NUMERIC && f->kind != CRM_FACTOR_CATEGORY)
	{
		crm_error_set(err, CRM_ERR_INVALID, "factor \"%.*s\" has an unknown kind %d",
					  (int) f->name_len, f->name, (int) f->kind);
		return false;
	}
	if (!crm_card_entry_count_ok(f->name, f->name_len, f->kind, f->n, err) ||
		!CheckNumber(f->missing, f, CRM_CARD_MISSING, 0, NULL, 0, err))
		return false;
	*strings += f->name_len + 1;

	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		for (j = 0; j < f->n; j++)
			if (!CheckNumber(f->points[j], f, CRM_CARD_POINTS, j + 1, NULL, 0, err))
				return false;
		for (j = 0; j < f->n - 1; j++)
		{
			if (!CheckNumber(f->edges[j], f, CRM_CARD_EDGE, j + 1, NULL, 0, err))
				return false;
			if (j > 0 && !(f->edges[j] > f->edges[j - 1]))
			{
				char		a[DOUBLE_SHORTEST_DECIMAL_LEN];
				char		b[DOUBLE_SHORTEST_DECIMAL_LEN];

				double_to_shortest_decimal_buf(f->edges[j - 1], a);
				double_to_shortest_decimal_buf(f->edges[j], b);
				crm_error_set(err, CRM_ERR_INVALID,
							  "factor \"%.*s\": bin edges must be strictly ascending: edge %d (%s) is not above edge %d (%s)",
							  (int) f->name_len, f->name, j + 1, b, j, a);
				return false;
			}
		}
		*data += Align8(sizeof(double) * (size_t) (f->n - 1)) + sizeof(double) * (size_t) f->n;
		return true;
	}

	if (!CheckNumber(f->other, f, CRM_CARD_OTHER, 0, NULL, 0, err))
		return false;
	snprintf(subject, sizeof(subject), "factor \"%.*s\": a category value",
			 (int) (f->name_len > 60 ? 60 : f->name_len), f->name);
	for (j = 0; j < f->n; j++)
	{
		if ((j & 1023) == 1023)
			crm_check_interrupts();
		if (!CheckWord(f->keys[j], f->key_lens[j], subject, err) ||
			!CheckNumber(f->points[j], f, CRM_CARD_POINTS, j + 1, f->keys[j], f->key_lens[j], err))
			return false;
		*strings += f->key_lens[j] + 1;
	}
	*data += sizeof(double) * (size_t) f->n + sizeof(CrmCardStr) * (size_t) f->n;
	return true;
}

/* Bytes of a factor's statistics with n entries (a fitted card). */
static size_t
FactorStatsSize(size_t n)
{
	return offsetof(CrmCardFactorStats, entries) + sizeof(CrmCardEntryStats) * n;
}

/* Whether d counts rows: a whole number from 0 to 2^53 (exact in float8). */
static bool
IsRowCount(double d)
{
	return isfinite(d) && d >= 0 && d <= CRM_CARD_MAX_ROWS && d == floor(d);
}

/*
 * One entry's statistics: whole row and target counts, no more targets than
 * rows, a finite weight of evidence.  index and key name the entry as
 * crm_card_subject does (CRM_CARD_STATS).
 */
static bool
CheckEntryStats(const CrmCardEntryStats *st, const CrmFactorSpec *f, int index,
				const char *key, uint32_t klen, CrmError *err)
{
	char		subject[200];
	char		a[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		b[DOUBLE_SHORTEST_DECIMAL_LEN];

	crm_card_subject(subject, sizeof(subject) - 8, f->name, f->name_len, CRM_CARD_STATS,
					 index, key, klen);
	if (!IsRowCount(st->rows) || !IsRowCount(st->targets))
	{
		double_to_shortest_decimal_buf(IsRowCount(st->rows) ? st->targets : st->rows, a);
		crm_error_set(err, CRM_ERR_INVALID,
					  "%s: rows and targets must be whole numbers from 0 to 2^53, got %s",
					  subject, a);
		return false;
	}
	if (st->targets > st->rows)
	{
		double_to_shortest_decimal_buf(st->targets, a);
		double_to_shortest_decimal_buf(st->rows, b);
		crm_error_set(err, CRM_ERR_INVALID, "%s: %s targets in %s rows", subject, a, b);
		return false;
	}
	if (!isfinite(st->woe))
	{
		strcat(subject, ": woe");
		crm_error_not_finite(err, subject, st->woe);
		return false;
	}
	return true;
}

/*
 * The card's statistics: whole row and target counts, positive finite odds
 * and points to double the odds, finite points0 and intercept.
 */
static bool
CheckCardFit(const CrmCardFit *fit, CrmError *err)
{
	if (!IsRowCount(fit->rows) || !IsRowCount(fit->targets) || fit->targets > fit->rows)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "scorecard fit: rows and targets must be whole numbers from 0 to 2^53, targets at most rows");
		return false;
	}
	if (!crm_check_finite(fit->points0, "scorecard fit: points0", err) ||
		!crm_check_finite(fit->odds0, "scorecard fit: odds0", err) ||
		!crm_check_finite(fit->pdo, "scorecard fit: pdo", err) ||
		!crm_check_finite(fit->intercept, "scorecard fit: intercept", err))
		return false;
	if (!(fit->odds0 > 0) || !(fit->pdo > 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "scorecard fit: odds0 and pdo must be positive");
		return false;
	}
	if (fit->higher != CRM_CARD_HIGHER_TARGET && fit->higher != CRM_CARD_HIGHER_NON_TARGET)
	{
		crm_error_set(err, CRM_ERR_INVALID, "scorecard fit: unknown direction %d", fit->higher);
		return false;
	}
	return true;
}

/*
 * Factor i's statistics in a fitted card: each entry's, the coefficient,
 * and totals equal to the card's (every training row is in exactly one
 * entry of every factor).  Adds their packed size to *fitdata.
 */
static bool
CheckFactorStats(const CrmCardSpec *spec, int i, size_t *fitdata, CrmError *err)
{
	const CrmFactorSpec *f = &spec->factors[i];
	double		rows = f->missing_stats.rows;
	double		targets = f->missing_stats.targets;
	char		subject[160];
	int			j;

	if (f->n > 0 && f->stats == NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "factor \"%.*s\" has no fit statistics, but the card has",
					  (int) (f->name_len > 60 ? 60 : f->name_len), f->name);
		return false;
	}
	crm_card_subject(subject, sizeof(subject), f->name, f->name_len, CRM_CARD_COEFFICIENT, 0, NULL, 0);
	if (!crm_check_finite(f->coefficient, subject, err) ||
		!CheckEntryStats(&f->missing_stats, f, 0, NULL, 0, err))
		return false;
	if (f->kind == CRM_FACTOR_CATEGORY)
	{
		if (!CheckEntryStats(&f->other_stats, f, -1, NULL, 0, err))
			return false;
		rows += f->other_stats.rows;
		targets += f->other_stats.targets;
	}
	for (j = 0; j < f->n; j++)
	{
		if ((j & 1023) == 1023)
			crm_check_interrupts();
		if (!CheckEntryStats(&f->stats[j], f, j + 1,
							 f->kind == CRM_FACTOR_CATEGORY ? f->keys[j] : NULL,
							 f->kind == CRM_FACTOR_CATEGORY ? f->key_lens[j] : 0, err))
			return false;
		rows += f->stats[j].rows;
		targets += f->stats[j].targets;
	}
	if (rows != spec->fit->rows || targets != spec->fit->targets)
	{
		char		a[DOUBLE_SHORTEST_DECIMAL_LEN];
		char		b[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(rows, a);
		double_to_shortest_decimal_buf(spec->fit->rows, b);
		crm_error_set(err, CRM_ERR_INVALID,
					  "factor \"%.*s\": its entries hold %s rows, but the card was fitted on %s",
					  (int) (f->name_len > 60 ? 60 : f->name_len), f->name, a, b);
		crm_error_detail(err, "Every training row is in one entry of every factor (a bin, a listed value, other values or the missing value), and so are its targets.");
		return false;
	}
	*fitdata += FactorStatsSize((size_t) f->n);
	return true;
}

/*
 * Each category factor's values sorted bytewise (NULL for the others), or
 * NULL with the error for a duplicate value.  Freed with FreeSorted.
 */
static KeyPoints **
SortCategories(const CrmCardSpec *spec, CrmError *err)
{
	KeyPoints **sorted = crm_core_alloc(sizeof(KeyPoints *) * (size_t) spec->nfactors);
	int			i;
	int			j;

	for (i = 0; i < spec->nfactors; i++)
	{
		const CrmFactorSpec *f = &spec->factors[i];

		if (f->kind != CRM_FACTOR_CATEGORY || f->n == 0)
			continue;
		crm_check_interrupts();
		sorted[i] = crm_core_alloc(sizeof(KeyPoints) * (size_t) f->n);
		for (j = 0; j < f->n; j++)
		{
			sorted[i][j].key = f->keys[j];
			sorted[i][j].len = f->key_lens[j];
			sorted[i][j].points = f->points[j];
			sorted[i][j].stats = f->stats ? &f->stats[j] : NULL;
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
	return sorted;
}

/* Free what SortCategories returned. */
static void
FreeSorted(KeyPoints **sorted, int nfactors)
{
	int			i;

	for (i = 0; i < nfactors; i++)
		if (sorted[i])
			crm_core_free(sorted[i]);
	crm_core_free(sorted);
}

/*
 * Copy a string into the card's string area (NUL-terminated) and point dst
 * at it.
 */
static void
PutString(CrmScorecard *c, size_t *spos, CrmCardStr *dst, const char *src, uint32_t len)
{
	dst->off = (uint32_t) *spos;
	dst->len = len;
	if (len)
		memcpy((char *) c + *spos, src, len);
	*spos += (size_t) len + 1;
}

/* Entry statistics with -0 stored as 0 (canonical bytes). */
static CrmCardEntryStats
CanonicalStats(const CrmCardEntryStats *st)
{
	CrmCardEntryStats out;

	out.rows = NoNegZero(st->rows);
	out.targets = NoNegZero(st->targets);
	out.woe = NoNegZero(st->woe);
	return out;
}

/*
 * Lay out a fitted card's statistics at pos (right after the levels): the
 * card's, then each factor's, entries in the order of the points.
 */
static void
PackFit(CrmScorecard *c, const CrmCardSpec *spec, KeyPoints **sorted, size_t pos)
{
	CrmCardFit *fit = (CrmCardFit *) ((char *) c + pos);
	int			i;
	int			j;

	c->version = CRM_CARD_VERSION_FIT;
	c->flags |= CRM_CARD_FLAG_FIT;
	fit->rows = NoNegZero(spec->fit->rows);
	fit->targets = NoNegZero(spec->fit->targets);
	fit->points0 = NoNegZero(spec->fit->points0);
	fit->odds0 = spec->fit->odds0;
	fit->pdo = spec->fit->pdo;
	fit->intercept = NoNegZero(spec->fit->intercept);
	fit->higher = spec->fit->higher;
	pos += sizeof(CrmCardFit);
	for (i = 0; i < spec->nfactors; i++)
	{
		const CrmFactorSpec *f = &spec->factors[i];
		CrmCardFactorStats *st = (CrmCardFactorStats *) ((char *) c + pos);

		c->factors[i].stats_off = (uint32_t) pos;
		st->coefficient = NoNegZero(f->coefficient);
		st->missing = CanonicalStats(&f->missing_stats);
		if (f->kind == CRM_FACTOR_CATEGORY)
			st->other = CanonicalStats(&f->other_stats);
		for (j = 0; j < f->n; j++)
			st->entries[j] = CanonicalStats(f->kind == CRM_FACTOR_CATEGORY ?
											sorted[i][j].stats : &f->stats[j]);
		pos += FactorStatsSize((size_t) f->n);
	}
}

/* Lay the validated spec out in c (total bytes, strings last). */
static void
PackCard(CrmScorecard *c, const CrmCardSpec *spec, KeyPoints **sorted, size_t pos, size_t spos)
{
	int			i;
	int			j;

	c->version = CRM_CARD_VERSION;
	c->flags = spec->strict ? CRM_CARD_FLAG_STRICT : 0;
	c->nfactors = (uint16_t) spec->nfactors;
	PutString(c, &spos, &c->name, spec->name, spec->name ? spec->name_len : 0);
	PutString(c, &spos, &c->card_version, spec->version, spec->version ? spec->version_len : 0);
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
	if (spec->fit)
		PackFit(c, spec, sorted, pos + Align8(spec->levels_size));
}

/*
 * The highest (sign 1) or lowest (sign -1) points factor i can give: over
 * its bins or listed values, the missing points and (category) the points
 * for other values.
 */
static double
ExtremePoints(const CrmScorecard *c, int i, int sign)
{
	const CrmCardFactor *f = &c->factors[i];
	const double *points = crm_card_points(c, f);
	double		best = f->missing;
	uint32_t	j;

	if (f->kind == CRM_FACTOR_CATEGORY && sign * f->other > sign * best)
		best = f->other;
	for (j = 0; j < f->n; j++)
		if (sign * points[j] > sign * best)
			best = points[j];
	return best;
}

/*
 * Whether every total the card can give is finite.  Scores add the factors'
 * points in factor order; float8 addition is monotonic (IEEE 754 rounds
 * correctly, and correct rounding preserves order: a <= b implies
 * fl(a + c) <= fl(b + c)), so each running total lies between the running
 * totals of the lowest and of the highest points, and it is enough that
 * those two sums are finite.
 */
static bool
CheckTotals(const CrmScorecard *c, CrmError *err)
{
	double		hi = 0;
	double		lo = 0;
	int			i;

	for (i = 0; i < c->nfactors; i++)
	{
		hi += ExtremePoints(c, i, 1);
		lo += ExtremePoints(c, i, -1);
	}
	if (isfinite(hi) && isfinite(lo))
		return true;
	crm_error_set(err, CRM_ERR_RANGE,
				  "scorecard totals are out of range for type double precision");
	crm_error_detail(err, "The %s points of the factors add up to %s.",
					 isfinite(hi) ? "lowest" : "highest", isfinite(hi) ? "-Infinity" : "Infinity");
	crm_error_hint(err, "Every total a card can give must be a finite number.");
	return false;
}

/*
 * Validate a card and pack it (scorecard_core.h).
 *
 * The canonical form: equal cards have equal bytes, so = and hash compare
 * bytes (ruleset.h).  Category values are sorted bytewise, -0 is stored as
 * 0, the points for other values of a numeric factor are 0, every default
 * (missing and other points) is stored, the embedded levels' varlena
 * header is zeroed and padding is left as crm_core_alloc zeroed it.  The
 * checks come first, with the sizes they add up; one allocation of the
 * exact size follows, then PackCard.
 */
CrmScorecard *
crm_card_build(const CrmCardSpec *spec, size_t *size, CrmError *err)
{
	size_t		fixed;
	size_t		data = 0;
	size_t		strings = 0;
	size_t		fitdata = 0;
	size_t		total;
	size_t		text_len;
	CrmScorecard *c;
	KeyPoints **sorted;
	int			i;

	if (!crm_card_factor_count_ok(spec->nfactors, err))
		return NULL;
	if (spec->fit && !CheckCardFit(spec->fit, err))
		return NULL;
	if (spec->levels == NULL)
	{
		crm_error_set(err, CRM_ERR_INVALID, "a scorecard needs levels");
		crm_error_hint(err, "Add a clause like: levels: {low, medium >= 40, high >= 70}");
		return NULL;
	}
	if ((spec->name && !CheckWord(spec->name, spec->name_len, "scorecard name", err)) ||
		(spec->version && !CheckWord(spec->version, spec->version_len, "scorecard version", err)))
		return NULL;
	strings += (spec->name ? spec->name_len : 0) + 1 + (spec->version ? spec->version_len : 0) + 1;

	for (i = 0; i < spec->nfactors; i++)
	{
		crm_check_interrupts();
		if (!CheckFactor(spec, i, &data, &strings, err))
			return NULL;
		if (spec->fit && !CheckFactorStats(spec, i, &fitdata, err))
			return NULL;
		if (data > CRM_CARD_MAX_SIZE || strings > CRM_CARD_MAX_SIZE)
		{
			crm_error_set(err, CRM_ERR_LIMIT, "scorecard is larger than %zu bytes",
						  CRM_CARD_MAX_SIZE);
			return NULL;
		}
	}

	fixed = sizeof(CrmScorecard) + sizeof(CrmCardFactor) * (size_t) spec->nfactors;
	total = Align8(fixed) + data + Align8(spec->levels_size) +
		(spec->fit ? sizeof(CrmCardFit) + fitdata : 0) + strings;
	if (total > CRM_CARD_MAX_SIZE)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "scorecard is larger than %zu bytes", CRM_CARD_MAX_SIZE);
		return NULL;
	}

	sorted = SortCategories(spec, err);
	if (sorted == NULL)
		return NULL;
	c = crm_core_alloc(total);
	PackCard(c, spec, sorted, Align8(fixed), total - strings);
	FreeSorted(sorted, spec->nfactors);

	if (!CheckTotals(c, err))
	{
		crm_core_free(c);
		return NULL;
	}
	text_len = crm_card_text_len(c);
	if (text_len > CRM_CARD_MAX_TEXT)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "scorecard text form would be %zu bytes long; the limit is %d",
					  text_len, CRM_CARD_MAX_TEXT);
		crm_core_free(c);
		return NULL;
	}
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
	CrmCardEntryStats *stats;
	/* fit statistics read: entries with them, and which parts had them */
	int			nstats;
	bool		missing_written;
	bool		missing_stats;
	bool		other_written;
	bool		other_stats;
	bool		coefficient;
} FactorBuf;

/* Move the cursor past white space (lex_core.h's definition). */
static void
SkipSpace(CardParser *ps)
{
	ps->p = crm_lex_skip_space(ps->p);
}

/*
 * Record 22P02 for the literal (cut at 120 bytes), the detail saying what
 * was expected where.
 */
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

/*
 * Consume the character ch after white space, or record the syntax error
 * what.
 */
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

/*
 * What ReadNumber reads, for an out-of-range message (see
 * crm_card_subject).
 */
typedef struct NumberRole
{
	const CrmFactorSpec *factor;	/* NULL: key is the whole subject */
	CrmCardNumber what;
	int			index;
	const char *key;			/* category points: the value */
	uint32_t	key_len;
} NumberRole;

/*
 * A number written as a bare word; `what` is the syntax error's detail.
 * NaN and Infinity are read as such and left to the builder, which applies
 * the same rule to every form of a card; a literal out of float8's range is
 * 22003 here, naming the number by its role.
 */
static bool
ReadNumber(CardParser *ps, double *out, const char *what, NumberRole role)
{
	const char *start;
	const char *w;
	const char *end;
	bool		quoted;
	long		len;
	CrmNumRead	status;

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
	status = crm_lex_read_double(w, &end, out);
	if (status == CRM_NUM_NONE || end != w + len)
	{
		ps->p = start;
		SyntaxError(ps, what);
		return false;
	}
	if (status == CRM_NUM_RANGE)
	{
		char		subject[160];

		if (role.factor)
			crm_card_subject(subject, sizeof(subject), role.factor->name, role.factor->name_len,
							 role.what, role.index, role.key, role.key_len);
		else
			snprintf(subject, sizeof(subject), "%s", role.key);
		crm_error_out_of_range(ps->err, subject, w, (size_t) len);
		return false;
	}
	return true;
}

/*
 * Whether the word read (w, len bytes, quoted or not) is the bare keyword
 * kw.
 */
static bool
IsKeyword(const char *w, long len, bool quoted, const char *kw)
{
	return !quoted && (size_t) len == strlen(kw) && memcmp(w, kw, (size_t) len) == 0;
}

/*
 * Append one entry (edge, points, category value) to a factor's arrays,
 * doubling them when full.
 */
static void
FactorPush(FactorBuf *fb, double edge, double points, const char *key, uint32_t len,
		   const CrmCardEntryStats *st)
{
	if (fb->n == fb->cap)
	{
		int			cap = fb->cap ? fb->cap * 2 : 8;
		double	   *e = crm_core_alloc(sizeof(double) * (size_t) cap);
		double	   *p = crm_core_alloc(sizeof(double) * (size_t) cap);
		const char **k = crm_core_alloc(sizeof(char *) * (size_t) cap);
		uint32_t   *l = crm_core_alloc(sizeof(uint32_t) * (size_t) cap);
		CrmCardEntryStats *t = crm_core_alloc(sizeof(CrmCardEntryStats) * (size_t) cap);

		if (fb->n)
		{
			memcpy(e, fb->edges, sizeof(double) * (size_t) fb->n);
			memcpy(p, fb->points, sizeof(double) * (size_t) fb->n);
			memcpy(k, fb->keys, sizeof(char *) * (size_t) fb->n);
			memcpy(l, fb->lens, sizeof(uint32_t) * (size_t) fb->n);
			memcpy(t, fb->stats, sizeof(CrmCardEntryStats) * (size_t) fb->n);
			crm_core_free(fb->edges);
			crm_core_free(fb->points);
			crm_core_free(fb->keys);
			crm_core_free(fb->lens);
			crm_core_free(fb->stats);
		}
		fb->edges = e;
		fb->points = p;
		fb->keys = k;
		fb->lens = l;
		fb->stats = t;
		fb->cap = cap;
	}
	fb->edges[fb->n] = edge;
	fb->points[fb->n] = points;
	fb->keys[fb->n] = key;
	fb->lens[fb->n] = len;
	if (st)
	{
		fb->stats[fb->n] = *st;
		fb->nstats++;
	}
	fb->n++;
}

/* Free a factor's arrays (FactorPush). */
static void
FactorFree(FactorBuf *fb)
{
	if (fb->cap)
	{
		crm_core_free(fb->edges);
		crm_core_free(fb->points);
		crm_core_free(fb->keys);
		crm_core_free(fb->lens);
		crm_core_free(fb->stats);
	}
}

/*
 * A bare keyword (one of the fit statistics' names) or the syntax error
 * "Expected <kw>".
 */
static bool
ExpectKeyword(CardParser *ps, const char *kw)
{
	const char *start;
	const char *w;
	bool		quoted;
	long		len;
	char		what[64];

	SkipSpace(ps);
	start = ps->p;
	len = ReadWord(ps, &w, &quoted);
	if (len == -2)
		return false;
	if (len < 0 || !IsKeyword(w, len, quoted, kw))
	{
		ps->p = start;
		snprintf(what, sizeof(what), "Expected \"%s\"", kw);
		SyntaxError(ps, what);
		return false;
	}
	return true;
}

/*
 * An entry's optional fit statistics, "[rows N, targets T, woe W]": 1 when
 * read into *st, 0 when there are none, -1 on an error.  role names the
 * entry for out-of-range messages (its what is replaced by CRM_CARD_STATS).
 */
static int
ReadEntryStats(CardParser *ps, NumberRole role, CrmCardEntryStats *st)
{
	SkipSpace(ps);
	if (*ps->p != '[')
		return 0;
	ps->p++;
	role.what = CRM_CARD_STATS;
	if (!ExpectKeyword(ps, "rows") ||
		!ReadNumber(ps, &st->rows, "Expected the entry's rows", role) ||
		!Expect(ps, ',', "Expected \",\"") || !ExpectKeyword(ps, "targets") ||
		!ReadNumber(ps, &st->targets, "Expected the entry's targets", role) ||
		!Expect(ps, ',', "Expected \",\"") || !ExpectKeyword(ps, "woe") ||
		!ReadNumber(ps, &st->woe, "Expected the entry's weight of evidence", role) ||
		!Expect(ps, ']', "Expected \"]\""))
		return -1;
	return 1;
}

/* A factor's optional "[coefficient C]" after its closing brace. */
static bool
ReadFactorCoefficient(CardParser *ps, FactorBuf *fb, CrmFactorSpec *f)
{
	SkipSpace(ps);
	if (*ps->p != '[')
		return true;
	ps->p++;
	if (!ExpectKeyword(ps, "coefficient") ||
		!ReadNumber(ps, &f->coefficient, "Expected the factor's coefficient",
					(NumberRole) {f, CRM_CARD_COEFFICIENT, 0, NULL, 0}) ||
		!Expect(ps, ']', "Expected \"]\""))
		return false;
	fb->coefficient = true;
	return true;
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
	int			got;
	CrmCardEntryStats st;

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

		crm_check_interrupts();
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
				!ReadNumber(ps, &f->missing, "Expected the points for a missing value",
							(NumberRole) {f, CRM_CARD_MISSING, 0, NULL, 0}))
				return false;
			have_missing = true;
			fb->missing_written = true;
			got = ReadEntryStats(ps, (NumberRole) {f, CRM_CARD_MISSING, 0, NULL, 0}, &f->missing_stats);
			if (got < 0)
				return false;
			fb->missing_stats = got > 0;
		}
		else
		{
			ps->p = save;
			if (!ReadNumber(ps, &points, "Expected points",
							(NumberRole) {f, CRM_CARD_POINTS, fb->n + 1, NULL, 0}))
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
				if (!ReadNumber(ps, &edge, "Expected a bin edge after \">=\"",
								(NumberRole) {f, CRM_CARD_EDGE, fb->n, NULL, 0}))
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
			got = ReadEntryStats(ps, (NumberRole) {f, CRM_CARD_POINTS, fb->n + 1, NULL, 0}, &st);
			if (got < 0)
				return false;
			FactorPush(fb, edge, points, NULL, 0, got > 0 ? &st : NULL);
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
	return ReadFactorCoefficient(ps, fb, f);
}

/* category {value: p, ..., *: other, null: missing} */
static bool
ParseCategory(CardParser *ps, FactorBuf *fb, CrmFactorSpec *f)
{
	bool		have_missing = false;
	bool		have_other = false;
	int			next;
	int			got;
	CrmCardEntryStats st;

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
			bool		is_null;
			long		len;
			double		points;

			crm_check_interrupts();
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
					!ReadNumber(ps, &f->other, "Expected the points for other values",
								(NumberRole) {f, CRM_CARD_OTHER, 0, NULL, 0}))
					return false;
				have_other = true;
				fb->other_written = true;
				got = ReadEntryStats(ps, (NumberRole) {f, CRM_CARD_OTHER, -1, NULL, 0}, &f->other_stats);
				if (got < 0)
					return false;
				fb->other_stats = got > 0;
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
				is_null = IsKeyword(w, len, quoted, "null");
				if (!Expect(ps, ':', "Expected \":\" after the value") ||
					!ReadNumber(ps, &points, "Expected points",
								is_null ? (NumberRole) {f, CRM_CARD_MISSING, 0, NULL, 0} :
								(NumberRole) {f, CRM_CARD_POINTS, fb->n + 1, w, (uint32_t) len}))
					return false;
				got = ReadEntryStats(ps, is_null ? (NumberRole) {f, CRM_CARD_MISSING, 0, NULL, 0} :
									 (NumberRole) {f, CRM_CARD_POINTS, fb->n + 1, w, (uint32_t) len},
									 &st);
				if (got < 0)
					return false;
				if (is_null)
				{
					if (have_missing)
					{
						SyntaxError(ps, "Duplicate null entry");
						return false;
					}
					f->missing = points;
					have_missing = true;
					fb->missing_written = true;
					fb->missing_stats = got > 0;
					if (got > 0)
						f->missing_stats = st;
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
					FactorPush(fb, 0, points, w, (uint32_t) len, got > 0 ? &st : NULL);
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
	return ReadFactorCoefficient(ps, fb, f);
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

/* What the clauses of a card have given so far, and the parser's buffers. */
typedef struct CardClauses
{
	CrmCardSpec spec;
	CrmFactorSpec *factors;		/* cap entries; spec.nfactors used */
	FactorBuf  *bufs;			/* each factor's growable arrays */
	int			cap;
	CrmTiers   *levels;
	size_t		levels_size;
	bool		have_name;
	bool		have_version;
	bool		have_strict;
	bool		have_fit;
	CrmCardFit	fit;
} CardClauses;

/* "name word" or "version word" (is_name tells which). */
static bool
ParseNameClause(CardParser *ps, CardClauses *cl, bool is_name, const char *clause_start)
{
	const char *v;
	bool		vq;
	long		vlen;

	if ((is_name && cl->have_name) || (!is_name && cl->have_version))
	{
		ps->p = clause_start;
		SyntaxError(ps, is_name ? "Duplicate name clause" : "Duplicate version clause");
		return false;
	}
	vlen = ReadWord(ps, &v, &vq);
	if (vlen == -2)
		return false;
	if (vlen == -1)
	{
		SyntaxError(ps, is_name ? "Expected the scorecard name" : "Expected the scorecard version");
		return false;
	}
	/* an empty name or version is the builder's error, as in every form */
	if (is_name)
	{
		cl->spec.name = v;
		cl->spec.name_len = (uint32_t) vlen;
		cl->have_name = true;
	}
	else
	{
		cl->spec.version = v;
		cl->spec.version_len = (uint32_t) vlen;
		cl->have_version = true;
	}
	return true;
}

/* "levels: {...}", a crm.tiers literal read by the tiers parser. */
static bool
ParseLevelsClause(CardParser *ps, CardClauses *cl, const char *clause_start)
{
	const char *end;
	char	   *lit;

	if (cl->levels != NULL)
	{
		ps->p = clause_start;
		SyntaxError(ps, "Duplicate levels clause");
		return false;
	}
	if (!Expect(ps, ':', "Expected \":\" after levels"))
		return false;
	SkipSpace(ps);
	if (*ps->p != '{' || (end = TiersLiteralEnd(ps->p)) == NULL)
	{
		SyntaxError(ps, "Expected the level bands, e.g. {low, medium >= 40, high >= 70}");
		return false;
	}
	lit = crm_core_alloc((size_t) (end - ps->p) + 1);
	memcpy(lit, ps->p, (size_t) (end - ps->p));
	cl->levels = crm_tiers_parse(lit, &cl->levels_size, ps->err);
	crm_core_free(lit);
	if (cl->levels == NULL)
		return false;
	ps->p = end;
	return true;
}

/* One number of the fit clause: "<kw> <number>", then a ',' unless last. */
static bool
FitNumber(CardParser *ps, const char *kw, double *out, bool last)
{
	char		subject[64];

	snprintf(subject, sizeof(subject), "scorecard fit: %s", kw);
	return ExpectKeyword(ps, kw) &&
		ReadNumber(ps, out, "Expected a number", (NumberRole) {NULL, 0, 0, subject, 0}) &&
		(last || Expect(ps, ',', "Expected \",\""));
}

/*
 * "fit {rows R, targets T, points0 P, odds0 O, pdo D, higher target,
 * intercept I}": the card's fit statistics, in this order.
 */
static bool
ParseFitClause(CardParser *ps, CardClauses *cl, const char *clause_start)
{
	const char *start;
	const char *w;
	bool		quoted;
	long		len;

	if (cl->have_fit)
	{
		ps->p = clause_start;
		SyntaxError(ps, "Duplicate fit clause");
		return false;
	}
	if (!Expect(ps, '{', "Expected \"{\"") ||
		!FitNumber(ps, "rows", &cl->fit.rows, false) ||
		!FitNumber(ps, "targets", &cl->fit.targets, false) ||
		!FitNumber(ps, "points0", &cl->fit.points0, false) ||
		!FitNumber(ps, "odds0", &cl->fit.odds0, false) ||
		!FitNumber(ps, "pdo", &cl->fit.pdo, false) ||
		!ExpectKeyword(ps, "higher"))
		return false;
	SkipSpace(ps);
	start = ps->p;
	len = ReadWord(ps, &w, &quoted);
	if (len == -2)
		return false;
	if (len >= 0 && IsKeyword(w, len, quoted, "target"))
		cl->fit.higher = CRM_CARD_HIGHER_TARGET;
	else if (len >= 0 && IsKeyword(w, len, quoted, "non_target"))
		cl->fit.higher = CRM_CARD_HIGHER_NON_TARGET;
	else
	{
		ps->p = start;
		SyntaxError(ps, "Expected target or non_target");
		return false;
	}
	if (!Expect(ps, ',', "Expected \",\"") ||
		!FitNumber(ps, "intercept", &cl->fit.intercept, true) ||
		!Expect(ps, '}', "Expected \"}\""))
		return false;
	cl->have_fit = true;
	return true;
}

/*
 * Fit statistics are all or nothing: with a fit clause every written entry
 * and every factor has them, without one none has.  Unwritten entries (the
 * default points for other and missing values) have none to give: zeros.
 */
static bool
CheckStatsComplete(CardParser *ps, CardClauses *cl)
{
	int			i;

	for (i = 0; i < cl->spec.nfactors; i++)
	{
		const FactorBuf *fb = &cl->bufs[i];
		const CrmFactorSpec *f = &cl->factors[i];
		bool		all = fb->nstats == fb->n && fb->coefficient &&
			(!fb->missing_written || fb->missing_stats) &&
			(!fb->other_written || fb->other_stats);
		bool		none = fb->nstats == 0 && !fb->coefficient && !fb->missing_stats &&
			!fb->other_stats;

		if (cl->have_fit ? all : none)
			continue;
		crm_error_set(ps->err, CRM_ERR_SYNTAX,
					  "invalid input syntax for type crm.scorecard: \"%.120s%s\"",
					  ps->str, strlen(ps->str) > 120 ? "..." : "");
		crm_error_detail(ps->err,
						 cl->have_fit ?
						 "The card has a fit clause, but factor \"%.*s\" lacks statistics: every entry needs [rows, targets, woe] and the factor [coefficient]." :
						 "Factor \"%.*s\" has fit statistics, but the card has no fit clause.",
						 (int) (f->name_len > 60 ? 60 : f->name_len), f->name);
		return false;
	}
	return true;
}

/* "name: numeric {...}" or "name: category {...}", the factor named w. */
static bool
ParseFactorClause(CardParser *ps, CardClauses *cl, const char *w, long len)
{
	const char *kind;
	bool		kq;
	long		klen;
	CrmFactorSpec *f;

	if (cl->spec.nfactors == cl->cap)
	{
		crm_error_set(ps->err, CRM_ERR_LIMIT, "a scorecard can have at most %d factors",
					  CRM_CARD_MAX_FACTORS);
		return false;
	}
	f = &cl->factors[cl->spec.nfactors];
	memset(f, 0, sizeof(*f));
	f->name = w;
	f->name_len = (uint32_t) len;
	cl->spec.nfactors++;
	if (!Expect(ps, ':', "Expected \":\" after the factor name"))
		return false;
	klen = ReadWord(ps, &kind, &kq);
	if (klen == -2)
		return false;
	if (klen >= 0 && IsKeyword(kind, klen, kq, "numeric"))
		return ParseNumeric(ps, &cl->bufs[cl->spec.nfactors - 1], f);
	if (klen >= 0 && IsKeyword(kind, klen, kq, "category"))
		return ParseCategory(ps, &cl->bufs[cl->spec.nfactors - 1], f);
	SyntaxError(ps, "Expected numeric or category");
	return false;
}

/* One clause, whose first word w (len bytes) has been read at clause_start. */
static bool
ParseClause(CardParser *ps, CardClauses *cl, const char *w, long len, bool quoted,
			const char *clause_start)
{
	if (IsKeyword(w, len, quoted, "name") || IsKeyword(w, len, quoted, "version"))
		return ParseNameClause(ps, cl, w[0] == 'n', clause_start);
	if (IsKeyword(w, len, quoted, "strict"))
	{
		if (cl->have_strict)
		{
			ps->p = clause_start;
			SyntaxError(ps, "Duplicate strict clause");
			return false;
		}
		cl->spec.strict = true;
		cl->have_strict = true;
		return true;
	}
	if (IsKeyword(w, len, quoted, "levels"))
		return ParseLevelsClause(ps, cl, clause_start);
	/* "fit {" is the statistics clause; "fit:" a factor named fit */
	if (IsKeyword(w, len, quoted, "fit") && *crm_lex_skip_space(ps->p) == '{')
		return ParseFitClause(ps, cl, clause_start);
	if (IsReserved(w, (size_t) len) && !quoted)
	{
		ps->p = clause_start;
		SyntaxError(ps, "A factor named after a keyword must be double-quoted");
		return false;
	}
	return ParseFactorClause(ps, cl, w, len);
}

/* The clauses of the whole input, separated by ';'. */
static bool
ParseClauses(CardParser *ps, CardClauses *cl)
{
	for (;;)
	{
		const char *w;
		bool		quoted;
		long		len;
		const char *clause_start;

		crm_check_interrupts();
		SkipSpace(ps);
		if (*ps->p == '\0')
			break;
		clause_start = ps->p;
		len = ReadWord(ps, &w, &quoted);
		if (len == -2)
			return false;
		if (len == -1)
		{
			SyntaxError(ps, "Expected a clause (name, version, strict, levels or a factor)");
			if (*ps->p == '{' && clause_start == ps->str + strspn(ps->str, " \t\r\n\v\f"))
				crm_error_hint(ps->err, "This looks like the JSON form of a card; cast it with '...'::jsonb::crm.scorecard.");
			return false;
		}
		if (!ParseClause(ps, cl, w, len, quoted, clause_start))
			return false;

		SkipSpace(ps);
		if (*ps->p == ';')
		{
			ps->p++;
			continue;
		}
		if (*ps->p == '\0')
			break;
		SyntaxError(ps, "Expected \";\" between clauses");
		return false;
	}
	return true;
}

/*
 * Parse the text form: bound the work by the input length, read the
 * clauses, build the card.
 */
CrmScorecard *
crm_card_parse(const char *str, size_t *size, CrmError *err)
{
	CardParser	ps;
	CardClauses cl;
	size_t		inlen = strlen(str);
	CrmScorecard *result = NULL;
	int			i;

	memset(&cl, 0, sizeof(cl));
	if (inlen > CRM_CARD_MAX_TEXT)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "crm.scorecard literal is %zu bytes long; the limit is %d",
					  inlen, CRM_CARD_MAX_TEXT);
		return NULL;
	}
	ps.str = str;
	ps.p = str;
	ps.err = err;
	/* a word may be read twice (a speculative read, then the real one) */
	ps.scratch = crm_core_alloc(2 * inlen + 2);
	ps.used = 0;
	/* every factor clause takes at least "x:numeric{0}", 12 bytes */
	cl.cap = (int) (inlen / 12 + 1);
	if (cl.cap > CRM_CARD_MAX_FACTORS + 1)
		cl.cap = CRM_CARD_MAX_FACTORS + 1;
	cl.factors = crm_core_alloc(sizeof(CrmFactorSpec) * (size_t) cl.cap);
	cl.bufs = crm_core_alloc(sizeof(FactorBuf) * (size_t) cl.cap);

	if (ParseClauses(&ps, &cl) && CheckStatsComplete(&ps, &cl))
	{
		cl.spec.factors = cl.factors;
		cl.spec.levels = cl.levels;
		cl.spec.levels_size = cl.levels_size;
		if (cl.have_fit)
		{
			cl.spec.fit = &cl.fit;
			for (i = 0; i < cl.spec.nfactors; i++)
				cl.factors[i].stats = cl.bufs[i].stats;
		}
		result = crm_card_build(&cl.spec, size, err);
	}

	for (i = 0; i < cl.cap; i++)
		FactorFree(&cl.bufs[i]);
	crm_core_free(cl.bufs);
	crm_core_free(cl.factors);
	if (cl.levels)
		crm_core_free(cl.levels);
	crm_core_free(ps.scratch);
	return result;
}

/* ----------------------------------------------------------------------
 * Printer
 * ---------------------------------------------------------------------- */

/* Write a word, double-quoted and escaped when it needs quotes. */
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

/*
 * Write a number in shortest round-trip form (Ryu, as float8out; see
 * tiers_core.c).
 */
static void
OutNumber(CrmOut *o, double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(d, buf);
	crm_out_str(o, buf);
}

/* Bytes OutWord writes. */
static size_t
WordLen(const char *s, size_t len)
{
	size_t		n = len;
	size_t		i;

	if (!crm_card_needs_quotes(s, len))
		return len;
	n += 2;
	for (i = 0; i < len; i++)
		if (s[i] == '"' || s[i] == '\\')
			n++;
	return n;
}

/* Bytes OutNumber writes. */
static size_t
NumberLen(double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	return (size_t) double_to_shortest_decimal_bufn(d, buf);
}

/* Write an entry's fit statistics: " [rows N, targets T, woe W]". */
static void
OutStats(CrmOut *o, const CrmCardEntryStats *st)
{
	crm_out_str(o, " [rows ");
	OutNumber(o, st->rows);
	crm_out_str(o, ", targets ");
	OutNumber(o, st->targets);
	crm_out_str(o, ", woe ");
	OutNumber(o, st->woe);
	crm_out_str(o, "]");
}

/* Bytes OutStats writes. */
static size_t
StatsLen(const CrmCardEntryStats *st)
{
	return 7 + NumberLen(st->rows) + 10 + NumberLen(st->targets) + 6 + NumberLen(st->woe) + 1;
}

/* The card's fit clause, "; fit {...}" (fitted cards). */
static void
OutFit(CrmOut *o, const CrmCardFit *fit)
{
	crm_out_str(o, "; fit {rows ");
	OutNumber(o, fit->rows);
	crm_out_str(o, ", targets ");
	OutNumber(o, fit->targets);
	crm_out_str(o, ", points0 ");
	OutNumber(o, fit->points0);
	crm_out_str(o, ", odds0 ");
	OutNumber(o, fit->odds0);
	crm_out_str(o, ", pdo ");
	OutNumber(o, fit->pdo);
	crm_out_str(o, fit->higher == CRM_CARD_HIGHER_TARGET ? ", higher target" : ", higher non_target");
	crm_out_str(o, ", intercept ");
	OutNumber(o, fit->intercept);
	crm_out_str(o, "}");
}

/* Bytes OutFit writes. */
static size_t
FitLen(const CrmCardFit *fit)
{
	return 12 + NumberLen(fit->rows) + 10 + NumberLen(fit->targets) + 10 + NumberLen(fit->points0) +
		8 + NumberLen(fit->odds0) + 6 + NumberLen(fit->pdo) +
		(fit->higher == CRM_CARD_HIGHER_TARGET ? 15 : 19) + 12 + NumberLen(fit->intercept) + 1;
}

/* Keep in step with crm_card_print (the fuzzer checks that they agree). */
size_t
crm_card_text_len(const CrmScorecard *c)
{
	size_t		n = 0;
	int			i;
	uint32_t	j;

	if (c->name.len)
		n += 5 + WordLen(crm_card_str(c, c->name), c->name.len) + 2;
	if (c->card_version.len)
		n += 8 + WordLen(crm_card_str(c, c->card_version), c->card_version.len) + 2;
	if (c->flags & CRM_CARD_FLAG_STRICT)
		n += 8;
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		const double *points = crm_card_points(c, f);
		const CrmCardFactorStats *st = crm_card_has_fit(c) ? crm_card_factor_stats(c, f) : NULL;

		crm_check_interrupts();
		n += WordLen(crm_card_str(c, f->name), f->name.len);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			n += 11;			/* ": numeric {" */
			for (j = 0; j < f->n; j++)
				n += (j > 0 ? 2 + 4 + NumberLen(crm_card_edges(c, f)[j - 1]) : 0) +
					NumberLen(points[j]) + (st ? StatsLen(&st->entries[j]) : 0);
		}
		else
		{
			const CrmCardStr *keys = crm_card_keys(c, f);

			n += 12;			/* ": category {" */
			for (j = 0; j < f->n; j++)
				n += WordLen(crm_card_str(c, keys[j]), keys[j].len) + 2 + NumberLen(points[j]) + 2 +
					(st ? StatsLen(&st->entries[j]) : 0);
			n += 3 + NumberLen(f->other) + (st ? StatsLen(&st->other) : 0);	/* "*: " */
		}
		n += 8 + NumberLen(f->missing) + 3; /* ", null: " ... "}; " */
		if (st)					/* " [coefficient " ... "]" */
			n += StatsLen(&st->missing) + 14 + NumberLen(st->coefficient) + 1;
	}
	n += 8 + crm_tiers_text_len(crm_card_levels(c));	/* "levels: " */
	return crm_card_has_fit(c) ? n + FitLen(crm_card_fit(c)) : n;
}

/*
 * Print the canonical text form: clauses in a fixed order, every default
 * written out.
 */
char *
crm_card_print(const CrmScorecard *c)
{
	CrmOut		o = {NULL, 0, 0};
	char	   *levels;
	int			i;
	uint32_t	j;

	/* one allocation of the exact size */
	crm_out_reserve(&o, crm_card_text_len(c));
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
		const CrmCardFactorStats *st = crm_card_has_fit(c) ? crm_card_factor_stats(c, f) : NULL;

		crm_check_interrupts();
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
				if (st)
					OutStats(&o, &st->entries[j]);
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
				if (st)
					OutStats(&o, &st->entries[j]);
				crm_out_str(&o, ", ");
			}
			crm_out_str(&o, "*: ");
			OutNumber(&o, f->other);
			if (st)
				OutStats(&o, &st->other);
		}
		crm_out_str(&o, ", null: ");
		OutNumber(&o, f->missing);
		if (st)
		{
			OutStats(&o, &st->missing);
			crm_out_str(&o, "} [coefficient ");
			OutNumber(&o, st->coefficient);
			crm_out_str(&o, "]; ");
		}
		else
			crm_out_str(&o, "}; ");
	}
	crm_out_str(&o, "levels: ");
	levels = crm_tiers_print(crm_card_levels(c));
	crm_out_str(&o, levels);
	crm_core_free(levels);
	if (crm_card_has_fit(c))
		OutFit(&o, crm_card_fit(c));
	return o.data;
}

/* ----------------------------------------------------------------------
 * Consistency check of a packed card
 * ---------------------------------------------------------------------- */

/* Whether [off, off + len) lies within size bytes (without overflow). */
static bool
InRange(size_t off, size_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/*
 * Whether every offset and length of a packed card lies inside size bytes,
 * with the alignment its arrays need, and the embedded levels pass
 * crm_tiers_check.  False with the error recorded when not.
 */
static bool
CheckCardLayout(const CrmScorecard *c, size_t size, CrmError *err)
{
	size_t		fixed;
	int			i;
	uint32_t	j;

	if (size < sizeof(CrmScorecard))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is truncated");
		return false;
	}
	if (!(c->version == CRM_CARD_VERSION && (c->flags & ~CRM_CARD_FLAG_STRICT) == 0) &&
		!(c->version == CRM_CARD_VERSION_FIT && (c->flags & CRM_CARD_FLAG_FIT) &&
		  (c->flags & ~(CRM_CARD_FLAG_STRICT | CRM_CARD_FLAG_FIT)) == 0))
	{
		crm_error_set(err, CRM_ERR_BINARY, "unsupported crm.scorecard format version %d", c->version);
		return false;
	}
	fixed = sizeof(CrmScorecard) + sizeof(CrmCardFactor) * (size_t) c->nfactors;
	if (c->nfactors < 1 || c->nfactors > CRM_CARD_MAX_FACTORS || fixed > size ||
		!InRange(c->name.off, c->name.len + 1, size) ||
		!InRange(c->card_version.off, c->card_version.len + 1, size) ||
		c->levels_off % 8 != 0 || !InRange(c->levels_off, c->levels_size, size) ||
		c->levels_size < CRM_TIERS_HEADER_SIZE ||
		crm_tiers_check(crm_card_levels(c), c->levels_size, err) != 0 ||
		(crm_card_has_fit(c) &&
		 !InRange(c->levels_off + Align8(c->levels_size), sizeof(CrmCardFit), size)))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
		return false;
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
			 (f->keys_off % 4 != 0 || !InRange(f->keys_off, n * sizeof(CrmCardStr), size))) ||
			(crm_card_has_fit(c) ?
			 (f->stats_off % 8 != 0 || !InRange(f->stats_off, FactorStatsSize(n), size)) :
			 f->stats_off != 0))
		{
			crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
			return false;
		}
		if (f->kind == CRM_FACTOR_CATEGORY)
			for (j = 0; j < f->n; j++)
				if (!InRange(crm_card_keys(c, f)[j].off, crm_card_keys(c, f)[j].len + 1, size))
				{
					crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is corrupt");
					return false;
				}
	}
	return true;
}

/*
 * The builder's input that describes a packed card (whose layout has been
 * checked): *spec, and its factors in memory from crm_core_alloc (freed by
 * FreeCardSpec).
 */
static CrmFactorSpec *
CardSpec(const CrmScorecard *c, CrmCardSpec *spec)
{
	CrmFactorSpec *factors;
	int			i;
	uint32_t	j;

	memset(spec, 0, sizeof(*spec));
	factors = crm_core_alloc(sizeof(CrmFactorSpec) * c->nfactors);
	spec->name = c->name.len ? crm_card_str(c, c->name) : NULL;
	spec->name_len = c->name.len;
	spec->version = c->card_version.len ? crm_card_str(c, c->card_version) : NULL;
	spec->version_len = c->card_version.len;
	spec->strict = (c->flags & CRM_CARD_FLAG_STRICT) != 0;
	spec->nfactors = c->nfactors;
	spec->factors = factors;
	spec->levels = crm_card_levels(c);
	spec->levels_size = c->levels_size;
	spec->fit = crm_card_has_fit(c) ? crm_card_fit(c) : NULL;
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];

		if (spec->fit)
		{
			const CrmCardFactorStats *st = crm_card_factor_stats(c, f);

			factors[i].stats = st->entries;
			factors[i].missing_stats = st->missing;
			factors[i].other_stats = st->other;
			factors[i].coefficient = st->coefficient;
		}
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
	return factors;
}

/* Free what CardSpec allocated for n factors. */
static void
FreeCardSpec(CrmFactorSpec *factors, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (factors[i].kind == CRM_FACTOR_CATEGORY && factors[i].n > 0)
		{
			crm_core_free((void *) factors[i].keys);
			crm_core_free((void *) factors[i].key_lens);
		}
	crm_core_free(factors);
}

/*
 * Check a card of unknown origin: layout, then rebuild from its parts and
 * compare bytes.
 */
int
crm_card_check(const CrmScorecard *c, size_t size, CrmError *err)
{
	CrmCardSpec spec;
	CrmFactorSpec *factors;
	CrmScorecard *rebuilt;
	size_t		rebuilt_size;
	int			ok;

	if (!CheckCardLayout(c, size, err))
		return -1;

	/* semantics: rebuild from the parts and compare bytes */
	factors = CardSpec(c, &spec);
	rebuilt = crm_card_build(&spec, &rebuilt_size, err);
	ok = rebuilt != NULL && rebuilt_size == size &&
		memcmp((const char *) rebuilt + sizeof(int32_t), (const char *) c + sizeof(int32_t),
			   size - sizeof(int32_t)) == 0;
	if (rebuilt != NULL && !ok)
		crm_error_set(err, CRM_ERR_BINARY, "crm.scorecard value is not canonical");
	if (rebuilt)
		crm_core_free(rebuilt);
	FreeCardSpec(factors, c->nfactors);
	return ok ? 0 : -1;
}

/* ----------------------------------------------------------------------
 * Binary form (see scorecard_core.h)
 * ---------------------------------------------------------------------- */

/* Write (or size) an entry's statistics. */
static void
EncodeStats(CrmEnc *e, const CrmCardEntryStats *st)
{
	crm_enc_f64(e, st->rows);
	crm_enc_f64(e, st->targets);
	crm_enc_f64(e, st->woe);
}

/* Write (or size) a fitted card's statistics, after the levels. */
static void
EncodeFit(CrmEnc *e, const CrmScorecard *c)
{
	const CrmCardFit *fit = crm_card_fit(c);
	int			i;
	uint32_t	j;

	crm_enc_f64(e, fit->rows);
	crm_enc_f64(e, fit->targets);
	crm_enc_f64(e, fit->points0);
	crm_enc_f64(e, fit->odds0);
	crm_enc_f64(e, fit->pdo);
	crm_enc_f64(e, fit->intercept);
	crm_enc_u8(e, fit->higher);
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactorStats *st = crm_card_factor_stats(c, &c->factors[i]);

		crm_check_interrupts();
		crm_enc_f64(e, st->coefficient);
		EncodeStats(e, &st->missing);
		EncodeStats(e, &st->other);
		for (j = 0; j < c->factors[i].n; j++)
			EncodeStats(e, &st->entries[j]);
	}
}

/* Write (or size) a card's binary form: CrmEncodeFn for crm_encode. */
static void
EncodeCard(CrmEnc *e, const void *value)
{
	const CrmScorecard *c = value;
	int			i;
	uint32_t	j;

	crm_enc_u8(e, crm_card_has_fit(c) ? CRM_CARD_VERSION_FIT : CRM_CARD_VERSION);
	crm_enc_u8(e, c->flags);
	crm_enc_str(e, crm_card_str(c, c->name), c->name.len);
	crm_enc_str(e, crm_card_str(c, c->card_version), c->card_version.len);
	crm_enc_u32(e, c->nfactors);
	for (i = 0; i < c->nfactors; i++)
	{
		const CrmCardFactor *f = &c->factors[i];
		const double *points = crm_card_points(c, f);

		crm_check_interrupts();
		crm_enc_str(e, crm_card_str(c, f->name), f->name.len);
		crm_enc_u8(e, f->kind);
		crm_enc_u32(e, f->n);
		crm_enc_f64(e, f->missing);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			crm_enc_f64s(e, points, f->n);
			crm_enc_f64s(e, crm_card_edges(c, f), f->n - 1);
			continue;
		}
		crm_enc_f64(e, f->other);
		for (j = 0; j < f->n; j++)
		{
			CrmCardStr	k = crm_card_keys(c, f)[j];

			crm_enc_str(e, crm_card_str(c, k), k.len);
			crm_enc_f64(e, points[j]);
		}
	}
	crm_tiers_write(e, crm_card_levels(c));
	if (crm_card_has_fit(c))
		EncodeFit(e, c);
}

/* The binary form of a card (send). */
uint8_t *
crm_card_encode(const CrmScorecard *c, CrmConvFn conv, size_t *len)
{
	return crm_encode(EncodeCard, c, conv, len);
}

/*
 * Read one factor's binary form into f, its arrays in memory from
 * crm_core_alloc (freed by FreeDecoded).  False with the error in r->err.
 */
static bool
DecodeFactor(CrmReader *r, CrmConvFn conv, CrmFactorSpec *f)
{
	uint8_t		kind;
	uint32_t	n;
	uint32_t	j;

	if (!crm_rd_str(r, conv, &f->name, &f->name_len) ||
		!crm_rd_u8(r, &kind) || !crm_rd_u32(r, &n) || !crm_rd_f64(r, &f->missing))
		return false;
	if (kind != CRM_FACTOR_NUMERIC && kind != CRM_FACTOR_CATEGORY)
		return crm_rd_fail(r, "factor \"%.*s\" has an unknown kind %d",
						   (int) (f->name_len > 60 ? 60 : f->name_len), f->name, kind);
	f->kind = (CrmFactorKind) kind;
	if (!crm_card_entry_count_ok(f->name, f->name_len, f->kind, n, r->err))
		return false;
	f->n = (int) n;
	if (kind == CRM_FACTOR_NUMERIC)
	{
		double	   *points = crm_core_alloc(sizeof(double) * n);
		double	   *edges = crm_core_alloc(sizeof(double) * n);

		f->points = points;
		f->edges = edges;
		return crm_rd_f64s(r, points, n) && crm_rd_f64s(r, edges, n - 1);
	}
	/* each listed value takes at least 12 bytes: bound the count first */
	if (!crm_rd_f64(r, &f->other) || !crm_rd_need(r, n, 12))
		return false;
	{
		double	   *points = crm_core_alloc(sizeof(double) * (n > 0 ? n : 1));
		const char **keys = crm_core_alloc(sizeof(char *) * (n > 0 ? n : 1));
		uint32_t   *lens = crm_core_alloc(sizeof(uint32_t) * (n > 0 ? n : 1));

		f->points = points;
		f->keys = keys;
		f->key_lens = lens;
		for (j = 0; j < n; j++)
		{
			if ((j & 1023) == 1023)
				crm_check_interrupts();
			if (!crm_rd_str(r, conv, &keys[j], &lens[j]) || !crm_rd_f64(r, &points[j]))
				return false;
		}
	}
	return true;
}

/* Free what DecodeFactor allocated for the first n factors, and the array. */
static void
FreeDecoded(CrmFactorSpec *factors, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (factors[i].points)
			crm_core_free((void *) factors[i].points);
		if (factors[i].edges)
			crm_core_free((void *) factors[i].edges);
		if (factors[i].keys)
			crm_core_free((void *) factors[i].keys);
		if (factors[i].key_lens)
			crm_core_free((void *) factors[i].key_lens);
		if (factors[i].stats)
			crm_core_free((void *) factors[i].stats);
	}
	crm_core_free(factors);
}

/* Read an entry's statistics. */
static bool
DecodeStats(CrmReader *r, CrmCardEntryStats *st)
{
	return crm_rd_f64(r, &st->rows) && crm_rd_f64(r, &st->targets) && crm_rd_f64(r, &st->woe);
}

/*
 * Read a fitted card's statistics (after the levels) into *fit and the
 * factors' specs; their entry arrays in memory from crm_core_alloc, freed
 * with the factors' other arrays (FreeDecoded).
 */
static bool
DecodeFit(CrmReader *r, CrmCardFit *fit, CrmFactorSpec *factors, uint32_t n)
{
	uint32_t	i;
	int			j;

	memset(fit, 0, sizeof(*fit));
	if (!crm_rd_f64(r, &fit->rows) || !crm_rd_f64(r, &fit->targets) ||
		!crm_rd_f64(r, &fit->points0) || !crm_rd_f64(r, &fit->odds0) ||
		!crm_rd_f64(r, &fit->pdo) || !crm_rd_f64(r, &fit->intercept) ||
		!crm_rd_u8(r, &fit->higher))
		return false;
	for (i = 0; i < n; i++)
	{
		CrmFactorSpec *f = &factors[i];
		CrmCardEntryStats *st;

		crm_check_interrupts();
		/* 56 bytes, then 24 an entry: bound the count first */
		if (!crm_rd_f64(r, &f->coefficient) || !DecodeStats(r, &f->missing_stats) ||
			!DecodeStats(r, &f->other_stats) || !crm_rd_need(r, (uint64_t) f->n, 24))
			return false;
		st = crm_core_alloc(sizeof(CrmCardEntryStats) * (size_t) (f->n > 0 ? f->n : 1));
		f->stats = st;
		for (j = 0; j < f->n; j++)
			if (!DecodeStats(r, &st[j]))
				return false;
	}
	return true;
}

/*
 * A whole binary value (recv): read the parts, then build like any other
 * form.
 */
CrmScorecard *
crm_card_decode(const void *buf, size_t len, CrmConvFn conv, size_t *size, CrmError *err)
{
	CrmReader	r;
	CrmCardSpec spec;
	CrmFactorSpec *factors = NULL;
	CrmTiers   *levels = NULL;
	CrmScorecard *c = NULL;
	CrmCardFit	fit;
	uint8_t		version;
	uint8_t		flags;
	uint32_t	n;
	uint32_t	i;

	memset(&spec, 0, sizeof(spec));
	crm_rd_init(&r, buf, len, CRM_ERR_BINARY, "crm.scorecard", err);
	if (!crm_rd_u8(&r, &version) || !crm_rd_u8(&r, &flags))
		return NULL;
	if (version != CRM_CARD_VERSION && version != CRM_CARD_VERSION_FIT)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	/* version 1 has no fit statistics, version 2 always has them */
	if ((flags & ~(CRM_CARD_FLAG_STRICT | CRM_CARD_FLAG_FIT)) != 0)
	{
		crm_rd_fail(&r, "unknown flags 0x%02x", flags);
		return NULL;
	}
	if (((flags & CRM_CARD_FLAG_FIT) != 0) != (version == CRM_CARD_VERSION_FIT))
	{
		crm_rd_fail(&r, "flags 0x%02x do not match format version %d", flags, version);
		return NULL;
	}
	spec.strict = (flags & CRM_CARD_FLAG_STRICT) != 0;
	if (!crm_rd_str(&r, conv, &spec.name, &spec.name_len) ||
		!crm_rd_str(&r, conv, &spec.version, &spec.version_len) ||
		!crm_rd_u32(&r, &n) || !crm_card_factor_count_ok(n, err))
		return NULL;
	/* an empty string is how the binary form writes "no name" */
	if (spec.name_len == 0)
		spec.name = NULL;
	if (spec.version_len == 0)
		spec.version = NULL;
	factors = crm_core_alloc(sizeof(CrmFactorSpec) * n);
	for (i = 0; i < n; i++)
	{
		crm_check_interrupts();
		if (!DecodeFactor(&r, conv, &factors[i]))
			break;
	}
	if (!crm_rd_failed(&r))
		levels = crm_tiers_read(&r, conv, &spec.levels_size);
	if (levels != NULL && version == CRM_CARD_VERSION_FIT)
	{
		if (DecodeFit(&r, &fit, factors, n))
			spec.fit = &fit;
		else
		{
			crm_core_free(levels);
			levels = NULL;
		}
	}
	if (levels != NULL && crm_rd_end(&r))
	{
		spec.nfactors = (int) n;
		spec.factors = factors;
		spec.levels = levels;
		c = crm_card_build(&spec, size, err);
	}
	if (levels)
		crm_core_free(levels);
	FreeDecoded(factors, (int) n);
	return c;
}
