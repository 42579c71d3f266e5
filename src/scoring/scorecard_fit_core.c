/*
 * scorecard_fit_core.c
 *	  The crm.scorecard_fit state: summaries, sample, combining, binary
 *	  form, checks (see scorecard_fit_core.h); the fit itself, from the
 *	  state to a card, is at the end of the file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"
#include "binning_core.h"
#include "lex_core.h"
#include "logit_core.h"
#include "scorecard_fit_core.h"
#include "validate_core.h"

#define STATE_TYPE "crm.scorecard_fit_state"

/* ----------------------------------------------------------------------
 * Hashing
 * ---------------------------------------------------------------------- */

/*
 * The 64-bit finalizer of SplitMix64 (G. L. Steele, D. Lea and C. H.
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a
 * bijection that spreads every input bit over the output.
 */
static inline uint64_t
Mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * Bytes to 64 bits: FNV-1a (G. Fowler, L. C. Noll and K.-P. Vo) over the
 * bytes, then Mix64 so every bit of the result depends on every byte.
 */
static uint64_t
HashBytes(const char *v, size_t len, uint64_t seed)
{
	const unsigned char *b = (const unsigned char *) v;
	uint64_t	h = UINT64_C(0xcbf29ce484222325) ^ seed;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return Mix64(h + len);
}

/* The hash of a category value; never CRM_FIT_MISSING. */
uint64_t
crm_fit_value_hash(const char *v, size_t len)
{
	uint64_t	h = HashBytes(v, len, UINT64_C(0x5c0ec0a7d));

	return h == CRM_FIT_MISSING ? h - 1 : h;
}

/* A factor name's hash (for the factor table and the row hash). */
static uint64_t
NameHash(const char *name, size_t len)
{
	return HashBytes(name, len, UINT64_C(0x6e616d65));
}

/* A numeric value as the sample stores it: its float8 bits, -0 as 0. */
static inline uint64_t
NumberBits(double x)
{
	uint64_t	u;

	if (x == 0)
		x = 0;
	memcpy(&u, &x, sizeof(u));
	return u;
}

/* The float8 whose bits a sample holds. */
static inline double
BitsNumber(uint64_t u)
{
	double		x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/*
 * The hash of a row: the sum over its present values of a hash of (factor
 * name, value), mixed.  A sum does not depend on the order of the factors,
 * which differs between partial states; a missing value adds nothing, as
 * an absent key and a JSON null are the same.
 */
static uint64_t
RowHash(const CrmFitState *s, const uint64_t *row)
{
	uint64_t	h = 0;
	int			j;

	for (j = 0; j < s->nfactors; j++)
		if (row[j] != CRM_FIT_MISSING)
			h += Mix64(s->factors[j].name_hash ^ Mix64(row[j] + UINT64_C(0x9E3779B97F4A7C15)));
	return Mix64(h ^ UINT64_C(0x726f7773));
}

/* ----------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

/* The defaults (scorecard_fit_core.h). */
void
crm_fit_options_default(CrmFitOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bins = 10;
	o->prebins = 50;
	o->min_bin_share = 0.05;
	o->monotone = false;
	o->missing = CRM_FIT_MISSING_BIN;
	o->higher = CRM_CARD_HIGHER_TARGET;
	o->points0 = 600;
	o->odds0 = 1.0 / 19;
	o->pdo = 20;
	o->precision = 0;
	o->sample_rows = CRM_FIT_DEFAULT_SAMPLE;
	o->max_iter = 50;
}

/* A list of names: at most CRM_FIT_MAX_LIST, each 1..200 bytes, no NUL. */
static bool
CheckNames(const CrmFitNames *l, const char *what, CrmError *err)
{
	int			i;

	if (l->n < 0 || l->n > CRM_FIT_MAX_LIST)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.scorecard_fit: option \"%s\" can list at most %d names",
					  what, CRM_FIT_MAX_LIST);
		return false;
	}
	for (i = 0; i < l->n; i++)
		if (l->lens[i] == 0 || l->lens[i] > CRM_CARD_MAX_NAME ||
			memchr(l->names[i], '\0', l->lens[i]) != NULL)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.scorecard_fit: option \"%s\": names must be 1 to %d bytes",
						  what, CRM_CARD_MAX_NAME);
			return false;
		}
	return true;
}

/* An integer option within [lo, hi]. */
static bool
CheckIntOption(int64_t v, int64_t lo, int64_t hi, const char *what, CrmError *err)
{
	if (v >= lo && v <= hi)
		return true;
	crm_error_set(err, CRM_ERR_INVALID,
				  "crm.scorecard_fit: option \"%s\" must be between %lld and %lld, got %lld",
				  what, (long long) lo, (long long) hi, (long long) v);
	return false;
}

/* Whether name is in the list. */
static bool
InNames(const CrmFitNames *l, const char *name, uint32_t len)
{
	int			i;

	for (i = 0; i < l->n; i++)
		if (l->lens[i] == len && memcmp(l->names[i], name, len) == 0)
			return true;
	return false;
}

/* The whole set of options, once given (also every state's). */
bool
crm_fit_options_check(const CrmFitOptions *o, CrmError *err)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			i;

	if (!CheckIntOption(o->max_bins, 2, CRM_CARD_MAX_BINS, "max_bins", err) ||
		!CheckIntOption(o->prebins, o->max_bins, CRM_CARD_MAX_BINS, "prebins", err) ||
		!CheckIntOption(o->precision, 0, 15, "precision", err) ||
		!CheckIntOption(o->sample_rows, CRM_FIT_MIN_SAMPLE, CRM_FIT_MAX_SAMPLE, "sample_rows", err) ||
		!CheckIntOption(o->max_iter, 1, 1000, "max_iter", err))
		return false;
	if (!crm_check_finite(o->min_bin_share, "crm.scorecard_fit: option \"min_bin_share\"", err) ||
		!crm_check_finite(o->points0, "crm.scorecard_fit: option \"points0\"", err) ||
		!crm_check_finite(o->odds0, "crm.scorecard_fit: option \"odds0\"", err) ||
		!crm_check_finite(o->pdo, "crm.scorecard_fit: option \"pdo\"", err))
		return false;
	if (!(o->min_bin_share > 0 && o->min_bin_share <= 0.5))
	{
		double_to_shortest_decimal_buf(o->min_bin_share, num);
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: option \"min_bin_share\" must be in (0, 0.5], got %s", num);
		crm_error_hint(err, "No two bins can each hold more than half of the rows.");
		return false;
	}
	if (!(o->odds0 > 0) || !(o->pdo > 0))
	{
		double_to_shortest_decimal_buf(o->odds0 > 0 ? o->pdo : o->odds0, num);
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: option \"%s\" must be positive, got %s",
					  o->odds0 > 0 ? "pdo" : "odds0", num);
		return false;
	}
	if (o->missing > CRM_FIT_MISSING_ERROR || o->higher > CRM_CARD_HIGHER_NON_TARGET)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.scorecard_fit: invalid options");
		return false;
	}
	if ((o->name && (o->name_len == 0 || o->name_len > CRM_CARD_MAX_NAME)) ||
		(o->version && (o->version_len == 0 || o->version_len > CRM_CARD_MAX_NAME)))
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: options \"name\" and \"version\" must be 1 to %d bytes",
					  CRM_CARD_MAX_NAME);
		return false;
	}
	if (o->has_include && o->include.n == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.scorecard_fit: option \"include\" lists no factor");
		return false;
	}
	if (!CheckNames(&o->include, "include", err) || !CheckNames(&o->exclude, "exclude", err) ||
		!CheckNames(&o->categorical, "categorical", err))
		return false;
	for (i = 0; i < o->include.n; i++)
		if (InNames(&o->exclude, o->include.names[i], o->include.lens[i]))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.scorecard_fit: factor \"%.60s\" is in both options \"include\" and \"exclude\"",
						  o->include.names[i]);
			return false;
		}
	return true;
}


/* A copy of a name list (into memory from crm_core_alloc). */
static void
CopyNames(CrmFitNames *dst, const CrmFitNames *src)
{
	int			i;

	dst->n = src->n;
	dst->names = crm_core_alloc(sizeof(char *) * (size_t) (src->n > 0 ? src->n : 1));
	dst->lens = crm_core_alloc(sizeof(uint32_t) * (size_t) (src->n > 0 ? src->n : 1));
	for (i = 0; i < src->n; i++)
	{
		dst->names[i] = crm_core_alloc(src->lens[i] + 1);
		memcpy(dst->names[i], src->names[i], src->lens[i]);
		dst->lens[i] = src->lens[i];
	}
}

/* Free a name list's memory. */
static void
FreeNames(CrmFitNames *l)
{
	int			i;

	for (i = 0; i < l->n; i++)
		crm_core_free(l->names[i]);
	if (l->names)
		crm_core_free(l->names);
	if (l->lens)
		crm_core_free(l->lens);
	memset(l, 0, sizeof(*l));
}

/* Free the memory of options read or copied by this file. */
static void
FreeOptions(CrmFitOptions *o)
{
	if (o->name)
		crm_core_free(o->name);
	if (o->version)
		crm_core_free(o->version);
	if (o->levels)
		crm_core_free(o->levels);
	FreeNames(&o->include);
	FreeNames(&o->exclude);
	FreeNames(&o->categorical);
}

/* A copy of the options with their strings and levels (crm_core_alloc). */
static void
CopyOptions(CrmFitOptions *dst, const CrmFitOptions *src)
{
	*dst = *src;
	if (src->name)
	{
		dst->name = crm_core_alloc(src->name_len + 1);
		memcpy(dst->name, src->name, src->name_len);
	}
	if (src->version)
	{
		dst->version = crm_core_alloc(src->version_len + 1);
		memcpy(dst->version, src->version, src->version_len);
	}
	if (src->levels)
	{
		dst->levels = crm_core_alloc(src->levels_size);
		memcpy(dst->levels, src->levels, src->levels_size);
	}
	CopyNames(&dst->include, &src->include);
	CopyNames(&dst->exclude, &src->exclude);
	CopyNames(&dst->categorical, &src->categorical);
}

/* Write (or size) a name list. */
static void
EncodeNames(CrmEnc *e, const CrmFitNames *l)
{
	int			i;

	crm_enc_u32(e, (uint32_t) l->n);
	for (i = 0; i < l->n; i++)
		crm_enc_str(e, l->names[i], l->lens[i]);
}

/*
 * Write (or size) the options: int32 max_bins, prebins; float8
 * min_bin_share; uint8 monotone, missing, higher; float8 points0, odds0,
 * pdo; int32 precision, sample_rows, max_iter; uint8 has name, string
 * name; uint8 has version, string version; uint8 has levels, the levels
 * (crm.tiers binary form); uint8 has include, then the include, exclude
 * and categorical lists (uint32 count, strings).
 */
static void
EncodeOptions(CrmEnc *e, const CrmFitOptions *o)
{
	crm_enc_u32(e, (uint32_t) o->max_bins);
	crm_enc_u32(e, (uint32_t) o->prebins);
	crm_enc_f64(e, o->min_bin_share);
	crm_enc_u8(e, o->monotone ? 1 : 0);
	crm_enc_u8(e, o->missing);
	crm_enc_u8(e, o->higher);
	crm_enc_f64(e, o->points0);
	crm_enc_f64(e, o->odds0);
	crm_enc_f64(e, o->pdo);
	crm_enc_u32(e, (uint32_t) o->precision);
	crm_enc_u32(e, (uint32_t) o->sample_rows);
	crm_enc_u32(e, (uint32_t) o->max_iter);
	crm_enc_u8(e, o->name ? 1 : 0);
	crm_enc_str(e, o->name ? o->name : "", o->name ? o->name_len : 0);
	crm_enc_u8(e, o->version ? 1 : 0);
	crm_enc_str(e, o->version ? o->version : "", o->version ? o->version_len : 0);
	crm_enc_u8(e, o->levels ? 1 : 0);
	if (o->levels)
		crm_tiers_write(e, o->levels);
	crm_enc_u8(e, o->has_include ? 1 : 0);
	EncodeNames(e, &o->include);
	EncodeNames(e, &o->exclude);
	EncodeNames(e, &o->categorical);
}

/* Read a name list (its strings copied, NUL-terminated). */
static bool
DecodeNames(CrmReader *r, CrmFitNames *l)
{
	uint32_t	n;
	uint32_t	i;

	if (!crm_rd_u32(r, &n))
		return false;
	if (n > CRM_FIT_MAX_LIST)
		return crm_rd_fail(r, "a name list of %u names", n);
	if (!crm_rd_need(r, n, 4))
		return false;
	l->n = (int) n;
	l->names = crm_core_alloc(sizeof(char *) * (size_t) (n > 0 ? n : 1));
	l->lens = crm_core_alloc(sizeof(uint32_t) * (size_t) (n > 0 ? n : 1));
	for (i = 0; i < n; i++)
	{
		const char *s;

		if (!crm_rd_str(r, NULL, &s, &l->lens[i]))
		{
			l->n = (int) i;
			return false;
		}
		l->names[i] = crm_core_alloc(l->lens[i] + 1);
		memcpy(l->names[i], s, l->lens[i]);
	}
	return true;
}

/* An optional string (a presence byte, then a string). */
static bool
DecodeOptionalString(CrmReader *r, char **out, uint32_t *len)
{
	uint8_t		has;
	const char *s;

	if (!crm_rd_u8(r, &has) || !crm_rd_str(r, NULL, &s, len))
		return false;
	if (has > 1 || (!has && *len != 0))
		return crm_rd_fail(r, "invalid optional string");
	*out = NULL;
	if (has)
	{
		*out = crm_core_alloc(*len + 1);
		memcpy(*out, s, *len);
	}
	return true;
}

/* Read the options (EncodeOptions), then check them. */
static bool
DecodeOptions(CrmReader *r, CrmFitOptions *o)
{
	uint32_t	u[6];
	uint8_t		b[3];
	uint8_t		has;

	memset(o, 0, sizeof(*o));
	if (!crm_rd_u32(r, &u[0]) || !crm_rd_u32(r, &u[1]) || !crm_rd_f64(r, &o->min_bin_share) ||
		!crm_rd_u8(r, &b[0]) || !crm_rd_u8(r, &b[1]) || !crm_rd_u8(r, &b[2]) ||
		!crm_rd_f64(r, &o->points0) || !crm_rd_f64(r, &o->odds0) || !crm_rd_f64(r, &o->pdo) ||
		!crm_rd_u32(r, &u[2]) || !crm_rd_u32(r, &u[3]) || !crm_rd_u32(r, &u[4]))
		return false;
	o->max_bins = (int32_t) u[0];
	o->prebins = (int32_t) u[1];
	if (b[0] > 1)
		return crm_rd_fail(r, "invalid option monotone %d", b[0]);
	o->monotone = b[0] == 1;
	o->missing = b[1];
	o->higher = b[2];
	o->precision = (int32_t) u[2];
	o->sample_rows = (int32_t) u[3];
	o->max_iter = (int32_t) u[4];
	if (!DecodeOptionalString(r, &o->name, &o->name_len) ||
		!DecodeOptionalString(r, &o->version, &o->version_len) || !crm_rd_u8(r, &has))
		return false;
	if (has > 1)
		return crm_rd_fail(r, "invalid levels flag");
	if (has && (o->levels = crm_tiers_read(r, NULL, &o->levels_size)) == NULL)
		return false;
	if (!crm_rd_u8(r, &has) || has > 1)
		return crm_rd_failed(r) ? false : crm_rd_fail(r, "invalid include flag");
	o->has_include = has == 1;
	if (!DecodeNames(r, &o->include) || !DecodeNames(r, &o->exclude) ||
		!DecodeNames(r, &o->categorical))
		return false;
	if (!o->has_include && o->include.n > 0)
		return crm_rd_fail(r, "include names without include");
	return crm_fit_options_check(o, r->err);
}

/* Whether two states were made with the same options (their encodings). */
static bool
SameOptions(const CrmFitOptions *a, const CrmFitOptions *b)
{
	uint8_t    *ea;
	uint8_t    *eb;
	size_t		la;
	size_t		lb;
	bool		same;

	ea = crm_encode((CrmEncodeFn) EncodeOptions, a, NULL, &la);
	eb = crm_encode((CrmEncodeFn) EncodeOptions, b, NULL, &lb);
	same = ea && eb && la == lb && memcmp(ea, eb, la) == 0;
	if (ea)
		crm_core_free(ea);
	if (eb)
		crm_core_free(eb);
	return same;
}

/* ----------------------------------------------------------------------
 * Memory
 * ---------------------------------------------------------------------- */

/* A copy of old (n used of its elements) in a new array of cap elements. */
static void *
Regrow(void *old, size_t used, size_t cap, size_t elem)
{
	void	   *p = crm_core_alloc(elem * (cap > 0 ? cap : 1));

	if (old)
	{
		if (used)
			memcpy(p, old, elem * used);
		crm_core_free(old);
	}
	return p;
}

/* The smallest power of two >= n (n >= 1, n <= 2^30). */
static int32_t
PowerOfTwo(int64_t n)
{
	int32_t		p = 16;

	while (p < n)
		p *= 2;
	return p;
}

/* ----------------------------------------------------------------------
 * Factors
 * ---------------------------------------------------------------------- */

/* Index of the factor named name, or -1. */
static int
FindFactor(const CrmFitState *s, const char *name, uint32_t len, uint64_t h)
{
	int32_t		mask = s->factor_slots - 1;
	int32_t		i;

	for (i = (int32_t) (h & (uint64_t) mask);; i = (i + 1) & mask)
	{
		int32_t		fi = s->factor_table[i];

		if (fi < 0)
			return -1;
		if (s->factors[fi].name_hash == h && s->factors[fi].name_len == len &&
			memcmp(s->factors[fi].name, name, len) == 0)
			return fi;
	}
}

/* Put factor fi into the factor table. */
static void
IndexFactor(CrmFitState *s, int fi)
{
	int32_t		mask = s->factor_slots - 1;
	int32_t		i;

	for (i = (int32_t) (s->factors[fi].name_hash & (uint64_t) mask); s->factor_table[i] >= 0;
		 i = (i + 1) & mask)
		;
	s->factor_table[i] = fi;
}

/* Whether the options leave the attribute out. */
static bool
Ignored(const CrmFitOptions *o, const char *name, uint32_t len)
{
	return (o->has_include && !InNames(&o->include, name, len)) || InNames(&o->exclude, name, len);
}

/* The sample size the options and the number of factors allow. */
static int32_t
SampleCap(const CrmFitOptions *o, int nfactors)
{
	int64_t		byvalues = CRM_FIT_SAMPLE_VALUES / (nfactors + 3);

	return (int32_t) (byvalues < o->sample_rows ? byvalues : o->sample_rows);
}

static void SampleShrink(CrmFitState *s, int32_t k);

/*
 * A new factor (name checked by the caller): its earlier rows are missing
 * values, its sample column all missing; the sample may have to shrink to
 * make room for its column.
 */
static int
AddFactor(CrmFitState *s, const char *name, uint32_t len, uint64_t h)
{
	CrmFitFactor *f;
	int			fi = s->nfactors;
	int32_t		k;
	int32_t		e;

	if (s->nfactors == s->factor_alloc)
	{
		int32_t		cap = s->factor_alloc * 2;

		s->factors = Regrow(s->factors, (size_t) s->nfactors, (size_t) cap, sizeof(CrmFitFactor));
		s->row = Regrow(s->row, (size_t) s->nfactors, (size_t) cap, sizeof(uint64_t));
		s->factor_alloc = cap;
	}
	f = &s->factors[fi];
	memset(f, 0, sizeof(*f));
	f->name = crm_core_alloc(len + 1);
	memcpy(f->name, name, len);
	f->name_len = len;
	f->name_hash = h;
	f->kind = InNames(&s->opt.categorical, name, len) ? CRM_FACTOR_CATEGORY : 0;
	f->miss_pos = s->targets;
	f->miss_neg = s->rows - s->targets;
	f->col = crm_core_alloc(sizeof(uint64_t) * (size_t) s->s_alloc);
	for (e = 0; e < s->s_alloc; e++)
		f->col[e] = CRM_FIT_MISSING;
	s->row[fi] = CRM_FIT_MISSING;
	s->nfactors++;
	IndexFactor(s, fi);
	k = SampleCap(&s->opt, s->nfactors);
	if (k < s->k)
		SampleShrink(s, k);
	return fi;
}

/* The factor of an attribute (see the header): index, -1 left out, -2 error. */
int
crm_fit_factor(CrmFitState *s, const char *name, uint32_t len, CrmError *err)
{
	uint64_t	h = NameHash(name, len);
	int			fi = FindFactor(s, name, len, h);

	if (fi >= 0)
		return fi;
	if (Ignored(&s->opt, name, len))
		return -1;
	if (len == 0 || len > CRM_CARD_MAX_NAME || memchr(name, '\0', len) != NULL)
	{
		crm_error_set(err, len > CRM_CARD_MAX_NAME ? CRM_ERR_LIMIT : CRM_ERR_INVALID,
					  "crm.scorecard_fit: attribute name \"%.*s%s\" is not a factor name (1 to %d bytes, no NUL)",
					  (int) (len > 40 ? 40 : len), name, len > 40 ? "..." : "", CRM_CARD_MAX_NAME);
		crm_error_hint(err, "Leave the attribute out with the option \"exclude\".");
		return -2;
	}
	if (s->nfactors >= CRM_CARD_MAX_FACTORS)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "crm.scorecard_fit: the rows have more than %d attributes", CRM_CARD_MAX_FACTORS);
		crm_error_hint(err, "A card has at most %d factors; choose them with the option \"include\" or \"exclude\".",
					   CRM_CARD_MAX_FACTORS);
		return -2;
	}
	return AddFactor(s, name, len, h);
}

/* Kind of factor fi: 0 (no value yet), numeric or category. */
uint8_t
crm_fit_factor_kind(const CrmFitState *s, int fi)
{
	return s->factors[fi].kind;
}

/* ----------------------------------------------------------------------
 * Numeric summaries: sorted, disjoint intervals
 * ---------------------------------------------------------------------- */

/*
 * The interval that counts x, or -1 (a new value, pending): the one holding
 * x, found by the branch-free search over the lower ends that crm.tiers
 * uses; once the intervals are merged (absorb), a value between two
 * intervals widens the lower one, as the bins could not start there anyway.
 */
static int32_t
LocateInterval(CrmFitFactor *f, double x)
{
	int32_t		i = crm_bounds_locate(f->ivlo, f->niv, x) - 1;

	if (i < 0)
		return -1;
	if (x <= f->iv[i].hi)
		return i;
	if (f->absorb && i < f->niv - 1)
	{
		f->iv[i].hi = x;		/* still below the next interval's lower end */
		return i;
	}
	return -1;
}

/* Rebuild the search array of the lower ends and the absorb flag. */
static void
IndexIntervals(CrmFitFactor *f)
{
	int32_t		i;

	if (f->ivlo)
		crm_core_free(f->ivlo);
	f->ivlo = crm_core_alloc(sizeof(double) * (size_t) (f->iv_alloc > 0 ? f->iv_alloc : 1));
	f->absorb = false;
	for (i = 0; i < f->niv; i++)
	{
		f->ivlo[i] = f->iv[i].lo;
		if (f->iv[i].lo < f->iv[i].hi)
			f->absorb = true;
	}
}

/*
 * Merge two lists of sorted, disjoint intervals into out (room for na +
 * nb): intervals of the two lists that overlap become one.  Returns the
 * count.
 */
static int32_t
MergeIntervals(const CrmFitInterval *a, int32_t na, const CrmFitInterval *b, int32_t nb,
			   CrmFitInterval *out)
{
	int32_t		i = 0;
	int32_t		j = 0;
	int32_t		n = 0;

	while (i < na || j < nb)
	{
		const CrmFitInterval *next = (j >= nb || (i < na && a[i].lo <= b[j].lo)) ? &a[i++] : &b[j++];

		if (n > 0 && next->lo <= out[n - 1].hi)
		{
			if (next->hi > out[n - 1].hi)
				out[n - 1].hi = next->hi;
			out[n - 1].pos += next->pos;
			out[n - 1].neg += next->neg;
		}
		else
			out[n++] = *next;
	}
	return n;
}

/*
 * Merge neighbouring intervals so that each holds at most 1/1024 of the
 * rows (a single value may hold more): at most CRM_FIT_MAX_INTERVALS / 2
 * remain, as any two neighbours hold more than 1/1024 together.
 */
static void
CompressIntervals(CrmFitState *s, CrmFitFactor *f)
{
	double		total = 0;
	double		per;
	int32_t		n = 0;
	int32_t		i;

	for (i = 0; i < f->niv; i++)
		total += (double) (f->iv[i].pos + f->iv[i].neg);
	per = total / (CRM_FIT_MAX_INTERVALS / 4);
	for (i = 0; i < f->niv; i++)
	{
		if (n > 0 && (double) (f->iv[n - 1].pos + f->iv[n - 1].neg + f->iv[i].pos + f->iv[i].neg) <= per)
		{
			f->iv[n - 1].hi = f->iv[i].hi;
			f->iv[n - 1].pos += f->iv[i].pos;
			f->iv[n - 1].neg += f->iv[i].neg;
		}
		else
			f->iv[n++] = f->iv[i];
	}
	f->niv = n;
	s->flags |= CRM_FIT_FLAG_APPROX;
}

/* Replace f's intervals by their union with list b (nb of them). */
static void
AddIntervals(CrmFitState *s, CrmFitFactor *f, const CrmFitInterval *b, int32_t nb)
{
	int32_t		cap = f->niv + nb;
	CrmFitInterval *out;

	if (cap < f->iv_alloc)
		cap = f->iv_alloc;
	out = crm_core_alloc(sizeof(CrmFitInterval) * (size_t) (cap > 0 ? cap : 1));
	f->niv = MergeIntervals(f->iv, f->niv, b, nb, out);
	if (f->iv)
		crm_core_free(f->iv);
	f->iv = out;
	f->iv_alloc = cap;
	if (f->niv > CRM_FIT_MAX_INTERVALS)
		CompressIntervals(s, f);
	IndexIntervals(f);
}

/* qsort order of intervals: by their lower end. */
static int
CompareIntervalsLo(const void *a, const void *b)
{
	const CrmFitInterval *x = a;
	const CrmFitInterval *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Move the pending values into the intervals. */
static void
FlushPending(CrmFitState *s, CrmFitFactor *f)
{
	CrmFitInterval *p;
	int32_t		n = 0;
	int32_t		i;

	if (f->npend == 0)
		return;
	p = crm_core_alloc(sizeof(CrmFitInterval) * (size_t) f->npend);
	for (i = 0; i < f->npend; i++)
	{
		p[i].lo = p[i].hi = f->pend[i];
		p[i].pos = f->pend_t[i];
		p[i].neg = 1 - f->pend_t[i];
	}
	qsort(p, (size_t) f->npend, sizeof(CrmFitInterval), CompareIntervalsLo);
	/* equal values become one interval */
	for (i = 0; i < f->npend; i++)
	{
		if (n > 0 && p[i].lo == p[n - 1].lo)
		{
			p[n - 1].pos += p[i].pos;
			p[n - 1].neg += p[i].neg;
		}
		else
			p[n++] = p[i];
	}
	f->npend = 0;
	AddIntervals(s, f, p, n);
	crm_core_free(p);
}

/* Count a numeric value: into its interval, or pending until a flush. */
static void
AddNumeric(CrmFitState *s, CrmFitFactor *f, double x, bool target)
{
	int32_t		i = LocateInterval(f, x);

	if (i >= 0)
	{
		if (target)
			f->iv[i].pos++;
		else
			f->iv[i].neg++;
		return;
	}
	if (f->pend == NULL)
	{
		f->pend = crm_core_alloc(sizeof(double) * CRM_FIT_PENDING);
		f->pend_t = crm_core_alloc(CRM_FIT_PENDING);
	}
	f->pend[f->npend] = x;
	f->pend_t[f->npend] = target ? 1 : 0;
	if (++f->npend == CRM_FIT_PENDING)
		FlushPending(s, f);
}

/* ----------------------------------------------------------------------
 * Category summaries
 * ---------------------------------------------------------------------- */

/* Index of the category with this value (and hash), or -1. */
static int32_t
FindCategory(const CrmFitFactor *f, const char *v, uint32_t len, uint64_t h)
{
	int32_t		mask = f->cat_slots - 1;
	int32_t		i;

	if (f->cat_slots == 0)
		return -1;
	for (i = (int32_t) (h & (uint64_t) mask);; i = (i + 1) & mask)
	{
		int32_t		c = f->cat_table[i];

		if (c < 0)
			return -1;
		if (f->cat[c].hash == h && f->cat[c].len == len &&
			memcmp(f->bytes + f->cat[c].off, v, len) == 0)
			return c;
	}
}

/* Index of a category by hash alone (the sample holds hashes), or -1. */
static int32_t
FindCategoryByHash(const CrmFitFactor *f, uint64_t h)
{
	int32_t		mask = f->cat_slots - 1;
	int32_t		i;

	if (f->cat_slots == 0)
		return -1;
	for (i = (int32_t) (h & (uint64_t) mask);; i = (i + 1) & mask)
	{
		int32_t		c = f->cat_table[i];

		if (c < 0)
			return -1;
		if (f->cat[c].hash == h)
			return c;
	}
}

/* Rebuild the category table for the categories 0 .. ncat - 1. */
static void
IndexCategories(CrmFitFactor *f)
{
	int32_t		i;

	if (f->cat_table)
		crm_core_free(f->cat_table);
	f->cat_slots = PowerOfTwo(2 * (int64_t) f->cat_alloc + 1);
	f->cat_table = crm_core_alloc(sizeof(int32_t) * (size_t) f->cat_slots);
	for (i = 0; i < f->cat_slots; i++)
		f->cat_table[i] = -1;
	for (i = 0; i < f->ncat; i++)
	{
		int32_t		mask = f->cat_slots - 1;
		int32_t		j;

		for (j = (int32_t) (f->cat[i].hash & (uint64_t) mask); f->cat_table[j] >= 0; j = (j + 1) & mask)
			;
		f->cat_table[j] = i;
	}
}

/* qsort context of CompareEvict */
static const CrmFitFactor *evict_factor;

/* qsort order for eviction: fewest rows first, then value bytes. */
static int
CompareEvict(const void *a, const void *b)
{
	const CrmFitCategory *x = a;
	const CrmFitCategory *y = b;
	int64_t		cx = x->pos + x->neg;
	int64_t		cy = y->pos + y->neg;

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return crm_lex_compare_bytes(evict_factor->bytes + x->off, x->len,
								 evict_factor->bytes + y->off, y->len);
}

/*
 * Make room: the less frequent half of the values (ties by value bytes)
 * move their counts to "other values"; the rest are packed anew.
 */
static void
EvictCategories(CrmFitState *s, CrmFitFactor *f)
{
	CrmFitCategory *sorted = crm_core_alloc(sizeof(CrmFitCategory) * (size_t) f->ncat);
	char	   *bytes = crm_core_alloc(f->bytes_alloc);
	int32_t		drop = f->ncat / 2 > 0 ? f->ncat / 2 : 1;
	int32_t		i;
	size_t		off = 0;

	memcpy(sorted, f->cat, sizeof(CrmFitCategory) * (size_t) f->ncat);
	evict_factor = f;
	qsort(sorted, (size_t) f->ncat, sizeof(CrmFitCategory), CompareEvict);
	evict_factor = NULL;
	for (i = 0; i < drop && i < f->ncat; i++)
	{
		f->other_pos += sorted[i].pos;
		f->other_neg += sorted[i].neg;
	}
	for (; i < f->ncat; i++)
	{
		CrmFitCategory c = sorted[i];

		memcpy(bytes + off, f->bytes + c.off, c.len);
		c.off = (uint32_t) off;
		off += c.len;
		f->cat[i - drop] = c;
	}
	f->ncat -= drop < f->ncat ? drop : f->ncat;
	crm_core_free(f->bytes);
	f->bytes = bytes;
	f->nbytes = off;
	crm_core_free(sorted);
	IndexCategories(f);
	s->flags |= CRM_FIT_FLAG_APPROX;
}

/*
 * Count pos and neg rows of a category value: into its entry, a new entry,
 * or "other values" (a value a card cannot list).
 */
static void
AddCategory(CrmFitState *s, CrmFitFactor *f, const char *v, uint32_t len, uint64_t h,
			int64_t pos, int64_t neg)
{
	int32_t		c;

	if (len == 0 || len > CRM_FIT_MAX_VALUE || memchr(v, '\0', len) != NULL)
	{
		f->other_pos += pos;
		f->other_neg += neg;
		return;
	}
	c = FindCategory(f, v, len, h);
	if (c < 0)
	{
		if (f->ncat >= CRM_FIT_MAX_CATEGORIES || f->nbytes + len > CRM_FIT_CATEGORY_BYTES)
			EvictCategories(s, f);
		if (f->ncat == f->cat_alloc)
		{
			int32_t		cap = f->cat_alloc ? f->cat_alloc * 2 : 16;

			if (cap > CRM_FIT_MAX_CATEGORIES)
				cap = CRM_FIT_MAX_CATEGORIES;
			f->cat = Regrow(f->cat, (size_t) f->ncat, (size_t) cap, sizeof(CrmFitCategory));
			f->cat_alloc = cap;
			IndexCategories(f);
		}
		if (f->nbytes + len > f->bytes_alloc)
		{
			size_t		cap = f->bytes_alloc ? f->bytes_alloc * 2 : 256;

			while (cap < f->nbytes + len)
				cap *= 2;
			if (cap > CRM_FIT_CATEGORY_BYTES)
				cap = CRM_FIT_CATEGORY_BYTES;
			f->bytes = Regrow(f->bytes, f->nbytes, cap, 1);
			f->bytes_alloc = cap;
		}
		c = f->ncat++;
		f->cat[c].hash = h;
		f->cat[c].off = (uint32_t) f->nbytes;
		f->cat[c].len = len;
		f->cat[c].pos = 0;
		f->cat[c].neg = 0;
		memcpy(f->bytes + f->nbytes, v, len);
		f->nbytes += len;
		{
			int32_t		mask = f->cat_slots - 1;
			int32_t		j;

			for (j = (int32_t) (h & (uint64_t) mask); f->cat_table[j] >= 0; j = (j + 1) & mask)
				;
			f->cat_table[j] = c;
		}
	}
	f->cat[c].pos += pos;
	f->cat[c].neg += neg;
}

/* ----------------------------------------------------------------------
 * The sample (bottom-k distinct rows)
 * ---------------------------------------------------------------------- */

/* Whether sample slot e holds exactly these values. */
static bool
SlotEquals(const CrmFitState *s, int32_t e, const uint64_t *values)
{
	int			j;

	for (j = 0; j < s->nfactors; j++)
		if (s->factors[j].col[e] != values[j])
			return false;
	return true;
}

/* The slot holding (h, values), or -1. */
static int32_t
SampleFind(const CrmFitState *s, uint64_t h, const uint64_t *values)
{
	int32_t		mask = s->s_slots - 1;
	int32_t		i;

	for (i = (int32_t) (h & (uint64_t) mask);; i = (i + 1) & mask)
	{
		int32_t		e = s->s_table[i];

		if (e < 0)
			return -1;
		if (s->s_hash[e] == h && SlotEquals(s, e, values))
			return e;
	}
}

/* Put slot e into the table. */
static void
TableInsert(CrmFitState *s, int32_t e)
{
	int32_t		mask = s->s_slots - 1;
	int32_t		i;

	for (i = (int32_t) (s->s_hash[e] & (uint64_t) mask); s->s_table[i] >= 0; i = (i + 1) & mask)
		;
	s->s_table[i] = e;
}

/*
 * Take slot e out of the table: linear probing's deletion by backward
 * shift (D. E. Knuth, The Art of Computer Programming vol. 3, 6.4,
 * Algorithm R), so no tombstones are left.
 */
static void
TableDelete(CrmFitState *s, int32_t e)
{
	int32_t		mask = s->s_slots - 1;
	int32_t		i;
	int32_t		j;

	for (i = (int32_t) (s->s_hash[e] & (uint64_t) mask); s->s_table[i] != e; i = (i + 1) & mask)
		;
	for (j = (i + 1) & mask; s->s_table[j] >= 0; j = (j + 1) & mask)
	{
		int32_t		home = (int32_t) (s->s_hash[s->s_table[j]] & (uint64_t) mask);

		/* move entry j back into the hole when its home is not in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j)))
		{
			s->s_table[i] = s->s_table[j];
			i = j;
		}
	}
	s->s_table[i] = -1;
}

/* Rebuild the table for the slots 0 .. ns - 1. */
static void
TableRebuild(CrmFitState *s)
{
	int32_t		i;

	if (s->s_table)
		crm_core_free(s->s_table);
	s->s_slots = PowerOfTwo(2 * (int64_t) s->s_alloc + 1);
	s->s_table = crm_core_alloc(sizeof(int32_t) * (size_t) s->s_slots);
	for (i = 0; i < s->s_slots; i++)
		s->s_table[i] = -1;
	for (i = 0; i < s->ns; i++)
	{
		if ((i & 65535) == 65535)
			crm_check_interrupts();
		TableInsert(s, i);
	}
}

/* Heap order: a larger hash is higher. */
static inline bool
HeapAbove(const CrmFitState *s, int32_t a, int32_t b)
{
	return s->s_hash[a] > s->s_hash[b];
}

/* Restore the heap below position i. */
static void
SiftDown(CrmFitState *s, int32_t i)
{
	for (;;)
	{
		int32_t		l = 2 * i + 1;
		int32_t		big = i;
		int32_t		t;

		if (l < s->ns && HeapAbove(s, s->heap[l], s->heap[big]))
			big = l;
		if (l + 1 < s->ns && HeapAbove(s, s->heap[l + 1], s->heap[big]))
			big = l + 1;
		if (big == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[big];
		s->heap[big] = t;
		i = big;
	}
}

/* Restore the heap above position i. */
static void
SiftUp(CrmFitState *s, int32_t i)
{
	while (i > 0)
	{
		int32_t		parent = (i - 1) / 2;
		int32_t		t;

		if (!HeapAbove(s, s->heap[i], s->heap[parent]))
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[parent];
		s->heap[parent] = t;
		i = parent;
	}
}

/* Build the heap over slots 0 .. ns - 1. */
static void
Heapify(CrmFitState *s)
{
	int32_t		i;

	for (i = 0; i < s->ns; i++)
		s->heap[i] = i;
	for (i = s->ns / 2 - 1; i >= 0; i--)
	{
		if ((i & 65535) == 65535)
			crm_check_interrupts();
		SiftDown(s, i);
	}
}

/* Room for cap slots in every sample array and column. */
static void
SampleGrow(CrmFitState *s, int32_t cap)
{
	int			j;
	int32_t		e;

	s->s_hash = Regrow(s->s_hash, (size_t) s->ns, (size_t) cap, sizeof(uint64_t));
	s->s_pos = Regrow(s->s_pos, (size_t) s->ns, (size_t) cap, sizeof(int64_t));
	s->s_neg = Regrow(s->s_neg, (size_t) s->ns, (size_t) cap, sizeof(int64_t));
	s->heap = Regrow(s->heap, (size_t) s->ns, (size_t) cap, sizeof(int32_t));
	for (j = 0; j < s->nfactors; j++)
	{
		s->factors[j].col = Regrow(s->factors[j].col, (size_t) s->ns, (size_t) cap, sizeof(uint64_t));
		for (e = s->ns; e < cap; e++)
			s->factors[j].col[e] = CRM_FIT_MISSING;
	}
	s->s_alloc = cap;
	TableRebuild(s);
}

/* Write entry (h, values, pos, neg) into slot e. */
static void
SlotWrite(CrmFitState *s, int32_t e, uint64_t h, const uint64_t *values, int64_t pos, int64_t neg)
{
	int			j;

	s->s_hash[e] = h;
	s->s_pos[e] = pos;
	s->s_neg[e] = neg;
	for (j = 0; j < s->nfactors; j++)
		s->factors[j].col[e] = values[j];
}

/*
 * Offer a distinct row (h, values in factor order) with pos and neg rows:
 * counted when present; else kept when the sample has room or its hash is
 * below the largest, which then leaves.
 */
static void
SampleAdd(CrmFitState *s, uint64_t h, const uint64_t *values, int64_t pos, int64_t neg)
{
	int32_t		e;

	if (s->ns == s->k && h > s->s_hash[s->heap[0]])
		return;
	e = SampleFind(s, h, values);
	if (e >= 0)
	{
		s->s_pos[e] += pos;
		s->s_neg[e] += neg;
		return;
	}
	if (s->ns == s->k)
	{
		if (h >= s->s_hash[s->heap[0]])
			return;				/* a tie of 64-bit hashes: the one kept stays */
		e = s->heap[0];
		TableDelete(s, e);
		SlotWrite(s, e, h, values, pos, neg);
		TableInsert(s, e);
		SiftDown(s, 0);
		return;
	}
	if (s->ns == s->s_alloc)
		SampleGrow(s, s->s_alloc * 2 < s->k ? s->s_alloc * 2 : s->k);
	e = s->ns++;
	SlotWrite(s, e, h, values, pos, neg);
	TableInsert(s, e);
	s->heap[s->ns - 1] = e;
	SiftUp(s, s->ns - 1);
}

/*
 * Lower the sample size to k: the entries with the largest hashes leave,
 * the rest are packed into slots 0 .. k - 1.
 */
static void
SampleShrink(CrmFitState *s, int32_t k)
{
	int32_t		n = 0;
	int32_t		old = s->ns;
	int32_t		e;
	int			j;

	s->k = k;
	if (s->ns <= k)
		return;
	/* pop the largest until k remain; a popped slot is marked by pos -1 */
	while (s->ns > k)
	{
		if ((s->ns & 65535) == 0)
			crm_check_interrupts();
		e = s->heap[0];
		s->s_pos[e] = -1;
		s->heap[0] = s->heap[--s->ns];
		SiftDown(s, 0);
	}
	for (e = 0; e < old; e++)
	{
		if ((e & 65535) == 65535)
			crm_check_interrupts();
		if (s->s_pos[e] < 0)
			continue;
		s->s_hash[n] = s->s_hash[e];
		s->s_pos[n] = s->s_pos[e];
		s->s_neg[n] = s->s_neg[e];
		for (j = 0; j < s->nfactors; j++)
			s->factors[j].col[n] = s->factors[j].col[e];
		n++;
	}
	s->ns = n;
	for (j = 0; j < s->nfactors; j++)
		for (e = n; e < s->s_alloc; e++)
			s->factors[j].col[e] = CRM_FIT_MISSING;
	Heapify(s);
	TableRebuild(s);
}

/* ----------------------------------------------------------------------
 * A new state, and adding rows
 * ---------------------------------------------------------------------- */

/* A new, empty state (see the header). */
CrmFitState *
crm_fit_new(const CrmFitOptions *o)
{
	CrmFitState *s = crm_core_alloc(sizeof(CrmFitState));
	int32_t		i;

	CopyOptions(&s->opt, o);
	s->factor_alloc = 16;
	s->factors = crm_core_alloc(sizeof(CrmFitFactor) * (size_t) s->factor_alloc);
	s->row = crm_core_alloc(sizeof(uint64_t) * (size_t) s->factor_alloc);
	s->factor_slots = PowerOfTwo(2 * CRM_CARD_MAX_FACTORS);
	s->factor_table = crm_core_alloc(sizeof(int32_t) * (size_t) s->factor_slots);
	for (i = 0; i < s->factor_slots; i++)
		s->factor_table[i] = -1;
	s->k = SampleCap(o, 0);
	s->ns = 0;
	SampleGrow(s, s->k < 256 ? s->k : 256);
	return s;
}

/* Start a row: every factor missing until its value comes. */
void
crm_fit_row_begin(CrmFitState *s)
{
	int			j;

	for (j = 0; j < s->nfactors; j++)
		s->row[j] = CRM_FIT_MISSING;
}

/* A factor has one value in a row (JSON objects have unique keys). */
static bool
CheckOnce(const CrmFitState *s, int fi, CrmError *err)
{
	if (s->row[fi] == CRM_FIT_MISSING)
		return true;
	crm_error_set(err, CRM_ERR_INVALID, "crm.scorecard_fit: factor \"%.60s\" has two values in one row",
				  s->factors[fi].name);
	return false;
}

/* A numeric value of factor fi (see the header). */
bool
crm_fit_value_numeric(CrmFitState *s, int fi, double x, bool target, CrmError *err)
{
	CrmFitFactor *f = &s->factors[fi];

	if (!CheckOnce(s, fi, err))
		return false;
	if (f->kind == CRM_FACTOR_CATEGORY)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: a number for category factor \"%.60s\", please report a bug",
					  f->name);
		return false;
	}
	if (!isfinite(x))
	{
		char		subject[120];

		snprintf(subject, sizeof(subject), "factor \"%.60s\": value", f->name);
		crm_error_not_finite(err, subject, x);
		return false;
	}
	f->kind = CRM_FACTOR_NUMERIC;
	if (x == 0)
		x = 0;					/* -0 is 0 */
	AddNumeric(s, f, x, target);
	s->row[fi] = NumberBits(x);
	return true;
}

/* A category value of factor fi (see the header). */
bool
crm_fit_value_category(CrmFitState *s, int fi, const char *v, uint32_t len, bool target,
					   CrmError *err)
{
	CrmFitFactor *f = &s->factors[fi];
	uint64_t	h = crm_fit_value_hash(v, len);

	if (!CheckOnce(s, fi, err))
		return false;
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: a category value for numeric factor \"%.60s\", please report a bug",
					  f->name);
		return false;
	}
	f->kind = CRM_FACTOR_CATEGORY;
	AddCategory(s, f, v, len, h, target ? 1 : 0, target ? 0 : 1);
	s->row[fi] = h;
	return true;
}

/* End a row: missing values counted, the row offered to the sample. */
bool
crm_fit_row_end(CrmFitState *s, bool target, CrmError *err)
{
	int			j;

	if ((double) s->rows >= CRM_CARD_MAX_ROWS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.scorecard_fit: more than 2^53 rows in one group");
		return false;
	}
	for (j = 0; j < s->nfactors; j++)
		if (s->row[j] == CRM_FIT_MISSING)
		{
			if (target)
				s->factors[j].miss_pos++;
			else
				s->factors[j].miss_neg++;
		}
	s->rows++;
	if (target)
		s->targets++;
	SampleAdd(s, RowHash(s, s->row), s->row, target ? 1 : 0, target ? 0 : 1);
	return true;
}

/* ----------------------------------------------------------------------
 * Combining partial states
 * ---------------------------------------------------------------------- */

/* Merge the pending values into the intervals (content unchanged). */
void
crm_fit_flush(CrmFitState *s)
{
	int			j;

	for (j = 0; j < s->nfactors; j++)
		if (s->factors[j].kind == CRM_FACTOR_NUMERIC)
			FlushPending(s, &s->factors[j]);
}

/* Add b into a (see the header); b's pending values are merged first. */
bool
crm_fit_combine(CrmFitState *a, CrmFitState *b, CrmError *err)
{
	int		   *map;
	uint64_t   *values;
	bool	   *seen;
	int			j;
	int32_t		e;
	int32_t		k;

	if (!SameOptions(&a->opt, &b->opt))
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: cannot combine states made with different options");
		return false;
	}
	if ((double) a->rows + (double) b->rows > CRM_CARD_MAX_ROWS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.scorecard_fit: more than 2^53 rows in one group");
		return false;
	}
	crm_fit_flush(b);
	map = crm_core_alloc(sizeof(int) * (size_t) (b->nfactors > 0 ? b->nfactors : 1));
	seen = crm_core_alloc(sizeof(bool) * CRM_CARD_MAX_FACTORS);
	for (j = 0; j < b->nfactors; j++)
	{
		const CrmFitFactor *fb = &b->factors[j];
		int			fi = FindFactor(a, fb->name, fb->name_len, fb->name_hash);

		if (fi < 0)
		{
			if (a->nfactors >= CRM_CARD_MAX_FACTORS)
			{
				crm_error_set(err, CRM_ERR_LIMIT,
							  "crm.scorecard_fit: the rows have more than %d attributes",
							  CRM_CARD_MAX_FACTORS);
				crm_core_free(map);
				crm_core_free(seen);
				return false;
			}
			fi = AddFactor(a, fb->name, fb->name_len, fb->name_hash);
		}
		if (a->factors[fi].kind != 0 && fb->kind != 0 && a->factors[fi].kind != fb->kind)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.scorecard_fit: factor \"%.60s\" has numbers in some rows and text in others",
						  fb->name);
			crm_error_hint(err, "Make it a category factor with the option {\"categorical\": [\"%.60s\"]}, or pass numbers only.",
						   fb->name);
			crm_core_free(map);
			crm_core_free(seen);
			return false;
		}
		map[j] = fi;
		seen[fi] = true;
	}
	for (j = 0; j < a->nfactors; j++)
	{
		CrmFitFactor *fa = &a->factors[j];

		if (!seen[j])
		{
			/* b's rows are all missing values of this factor */
			fa->miss_pos += b->targets;
			fa->miss_neg += b->rows - b->targets;
		}
	}
	for (j = 0; j < b->nfactors; j++)
	{
		const CrmFitFactor *fb = &b->factors[j];
		CrmFitFactor *fa = &a->factors[map[j]];
		int32_t		c;

		crm_check_interrupts();
		fa->miss_pos += fb->miss_pos;
		fa->miss_neg += fb->miss_neg;
		if (fb->kind == 0)
			continue;
		fa->kind = fb->kind;
		if (fb->kind == CRM_FACTOR_NUMERIC)
		{
			FlushPending(a, fa);
			AddIntervals(a, fa, fb->iv, fb->niv);
		}
		else
		{
			for (c = 0; c < fb->ncat; c++)
				AddCategory(a, fa, fb->bytes + fb->cat[c].off, fb->cat[c].len, fb->cat[c].hash,
							fb->cat[c].pos, fb->cat[c].neg);
			fa->other_pos += fb->other_pos;
			fa->other_neg += fb->other_neg;
		}
	}
	a->rows += b->rows;
	a->targets += b->targets;
	a->flags |= b->flags;

	/* the samples: bottom-k of both, at the smaller k */
	k = SampleCap(&a->opt, a->nfactors);
	if (b->k < k)
		k = b->k;
	if (k < a->k)
		SampleShrink(a, k);
	values = crm_core_alloc(sizeof(uint64_t) * (size_t) a->nfactors);
	for (e = 0; e < b->ns; e++)
	{
		if ((e & 1023) == 1023)
			crm_check_interrupts();
		for (j = 0; j < a->nfactors; j++)
			values[j] = CRM_FIT_MISSING;
		for (j = 0; j < b->nfactors; j++)
			values[map[j]] = b->factors[j].col[e];
		SampleAdd(a, b->s_hash[e], values, b->s_pos[e], b->s_neg[e]);
	}
	crm_core_free(values);
	crm_core_free(map);
	crm_core_free(seen);
	return true;
}

/* ----------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------- */

/* qsort context: the factor whose categories are sorted by value. */
static const CrmFitFactor *sort_factor;

/* qsort order of category indexes: value bytes. */
static int
CompareCategoryIndex(const void *a, const void *b)
{
	const CrmFitCategory *x = &sort_factor->cat[*(const int32_t *) a];
	const CrmFitCategory *y = &sort_factor->cat[*(const int32_t *) b];

	return crm_lex_compare_bytes(sort_factor->bytes + x->off, x->len,
								 sort_factor->bytes + y->off, y->len);
}

/* qsort context: the state whose sample is sorted. */
static const CrmFitState *sort_state;

/* qsort order of sample slots: hash, then values in factor order. */
static int
CompareSlots(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;
	int			j;

	if (sort_state->s_hash[x] != sort_state->s_hash[y])
		return sort_state->s_hash[x] < sort_state->s_hash[y] ? -1 : 1;
	for (j = 0; j < sort_state->nfactors; j++)
	{
		uint64_t	u = sort_state->factors[j].col[x];
		uint64_t	v = sort_state->factors[j].col[y];

		if (u != v)
			return u < v ? -1 : 1;
	}
	return 0;
}

/* Bytes of the binary form (pending values merged first). */
size_t
crm_fit_encoded_size(CrmFitState *s)
{
	CrmEnc		e;
	size_t		n;
	int			j;

	crm_fit_flush(s);
	memset(&e, 0, sizeof(e));
	e.sizing = true;
	EncodeOptions(&e, &s->opt);
	n = 2 + e.size + 16 + 4;
	for (j = 0; j < s->nfactors; j++)
	{
		const CrmFitFactor *f = &s->factors[j];

		n += 4 + f->name_len + 1 + 16;
		if (f->kind == CRM_FACTOR_NUMERIC)
			n += 4 + 32 * (size_t) f->niv;
		else if (f->kind == CRM_FACTOR_CATEGORY)
			n += 4 + 20 * (size_t) f->ncat + f->nbytes + 16;
	}
	return n + 8 + (size_t) s->ns * (24 + 8 * (size_t) s->nfactors);
}

/* Write the binary form into buf (crm_fit_encoded_size bytes). */
bool
crm_fit_encode(CrmFitState *s, uint8_t *buf, size_t size)
{
	CrmEnc		e;
	int32_t    *order;
	int			j;
	int32_t		i;

	crm_fit_flush(s);
	memset(&e, 0, sizeof(e));
	crm_wr_init(&e.w, buf, size);
	crm_enc_u8(&e, CRM_FIT_STATE_VERSION);
	crm_enc_u8(&e, s->flags);
	EncodeOptions(&e, &s->opt);
	crm_wr_u64(&e.w, (uint64_t) s->rows);
	crm_wr_u64(&e.w, (uint64_t) s->targets);
	crm_enc_u32(&e, (uint32_t) s->nfactors);
	for (j = 0; j < s->nfactors; j++)
	{
		const CrmFitFactor *f = &s->factors[j];

		crm_check_interrupts();
		crm_enc_str(&e, f->name, f->name_len);
		crm_enc_u8(&e, f->kind);
		crm_wr_u64(&e.w, (uint64_t) f->miss_pos);
		crm_wr_u64(&e.w, (uint64_t) f->miss_neg);
		if (f->kind == CRM_FACTOR_NUMERIC)
		{
			crm_enc_u32(&e, (uint32_t) f->niv);
			for (i = 0; i < f->niv; i++)
			{
				crm_wr_f64(&e.w, f->iv[i].lo);
				crm_wr_f64(&e.w, f->iv[i].hi);
				crm_wr_u64(&e.w, (uint64_t) f->iv[i].pos);
				crm_wr_u64(&e.w, (uint64_t) f->iv[i].neg);
			}
		}
		else if (f->kind == CRM_FACTOR_CATEGORY)
		{
			order = crm_core_alloc(sizeof(int32_t) * (size_t) (f->ncat > 0 ? f->ncat : 1));
			for (i = 0; i < f->ncat; i++)
				order[i] = i;
			sort_factor = f;
			qsort(order, (size_t) f->ncat, sizeof(int32_t), CompareCategoryIndex);
			sort_factor = NULL;
			crm_enc_u32(&e, (uint32_t) f->ncat);
			for (i = 0; i < f->ncat; i++)
			{
				const CrmFitCategory *c = &f->cat[order[i]];

				crm_enc_str(&e, f->bytes + c->off, c->len);
				crm_wr_u64(&e.w, (uint64_t) c->pos);
				crm_wr_u64(&e.w, (uint64_t) c->neg);
			}
			crm_wr_u64(&e.w, (uint64_t) f->other_pos);
			crm_wr_u64(&e.w, (uint64_t) f->other_neg);
			crm_core_free(order);
		}
	}
	crm_wr_u32(&e.w, (uint32_t) s->k);
	crm_wr_u32(&e.w, (uint32_t) s->ns);
	order = crm_core_alloc(sizeof(int32_t) * (size_t) (s->ns > 0 ? s->ns : 1));
	for (i = 0; i < s->ns; i++)
		order[i] = i;
	sort_state = s;
	qsort(order, (size_t) s->ns, sizeof(int32_t), CompareSlots);
	sort_state = NULL;
	for (i = 0; i < s->ns; i++)
	{
		int32_t		slot = order[i];

		if ((i & 4095) == 4095)
			crm_check_interrupts();
		crm_wr_u64(&e.w, s->s_hash[slot]);
		crm_wr_u64(&e.w, (uint64_t) s->s_pos[slot]);
		crm_wr_u64(&e.w, (uint64_t) s->s_neg[slot]);
		for (j = 0; j < s->nfactors; j++)
			crm_wr_u64(&e.w, s->factors[j].col[slot]);
	}
	crm_core_free(order);
	return crm_wr_done(&e.w);
}

/* A count read from the input: 0 .. 2^53. */
static bool
ReadCount(CrmReader *r, int64_t *v)
{
	if (!crm_rd_i64(r, v))
		return false;
	if (*v < 0 || (double) *v > CRM_CARD_MAX_ROWS)
		return crm_rd_fail(r, "count %lld out of range", (long long) *v);
	return true;
}

/* Read one factor's part of the binary form into a new factor of s. */
static bool
DecodeFactor(CrmReader *r, CrmFitState *s)
{
	const char *name;
	uint32_t	len;
	uint8_t		kind;
	uint32_t	n;
	uint32_t	i;
	CrmFitFactor *f;
	int			fi;

	if (!crm_rd_str(r, NULL, &name, &len) || !crm_rd_u8(r, &kind))
		return false;
	if (len == 0 || len > CRM_CARD_MAX_NAME || memchr(name, '\0', len) != NULL)
		return crm_rd_fail(r, "invalid factor name");
	if (FindFactor(s, name, len, NameHash(name, len)) >= 0)
		return crm_rd_fail(r, "duplicate factor \"%.60s\"", name);
	if (Ignored(&s->opt, name, len))
		return crm_rd_fail(r, "factor \"%.60s\" is left out by the options", name);
	if (kind > CRM_FACTOR_CATEGORY ||
		(kind == CRM_FACTOR_NUMERIC && InNames(&s->opt.categorical, name, len)))
		return crm_rd_fail(r, "invalid kind %d of factor \"%.60s\"", kind, name);
	fi = AddFactor(s, name, len, NameHash(name, len));
	f = &s->factors[fi];
	f->kind = kind;
	if (!ReadCount(r, &f->miss_pos) || !ReadCount(r, &f->miss_neg))
		return false;
	if (kind == CRM_FACTOR_NUMERIC)
	{
		if (!crm_rd_u32(r, &n))
			return false;
		if (n > CRM_FIT_MAX_INTERVALS)
			return crm_rd_fail(r, "%u intervals in factor \"%.60s\"", n, name);
		if (!crm_rd_need(r, n, 32))
			return false;
		f->iv = crm_core_alloc(sizeof(CrmFitInterval) * (size_t) (n > 0 ? n : 1));
		f->iv_alloc = (int32_t) (n > 0 ? n : 1);
		for (i = 0; i < n; i++)
		{
			CrmFitInterval *v = &f->iv[i];

			if (!crm_rd_f64(r, &v->lo) || !crm_rd_f64(r, &v->hi) ||
				!ReadCount(r, &v->pos) || !ReadCount(r, &v->neg))
				return false;
			if (!isfinite(v->lo) || !isfinite(v->hi) || !(v->lo <= v->hi) ||
				(v->lo == 0 && signbit(v->lo)) || (v->hi == 0 && signbit(v->hi)) ||
				(i > 0 && !(f->iv[i - 1].hi < v->lo)) || v->pos + v->neg < 1)
				return crm_rd_fail(r, "invalid interval %u of factor \"%.60s\"", i + 1, name);
			f->niv++;
		}
		IndexIntervals(f);
	}
	else if (kind == CRM_FACTOR_CATEGORY)
	{
		const char *prev = NULL;
		uint32_t	prevlen = 0;

		if (!crm_rd_u32(r, &n))
			return false;
		if (n > CRM_FIT_MAX_CATEGORIES)
			return crm_rd_fail(r, "%u values in factor \"%.60s\"", n, name);
		if (!crm_rd_need(r, n, 20))
			return false;
		f->cat_alloc = (int32_t) (n > 16 ? n : 16);
		f->cat = crm_core_alloc(sizeof(CrmFitCategory) * (size_t) f->cat_alloc);
		IndexCategories(f);
		for (i = 0; i < n; i++)
		{
			const char *v;
			uint32_t	vlen;
			int64_t		pos;
			int64_t		neg;

			if ((i & 1023) == 1023)
				crm_check_interrupts();
			if (!crm_rd_str(r, NULL, &v, &vlen) || !ReadCount(r, &pos) || !ReadCount(r, &neg))
				return false;
			if (vlen == 0 || vlen > CRM_FIT_MAX_VALUE || memchr(v, '\0', vlen) != NULL ||
				f->nbytes + vlen > CRM_FIT_CATEGORY_BYTES || pos + neg < 1 ||
				(prev && crm_lex_compare_bytes(prev, prevlen, v, vlen) >= 0))
				return crm_rd_fail(r, "invalid value %u of factor \"%.60s\"", i + 1, name);
			prev = v;
			prevlen = vlen;
			AddCategory(s, f, v, vlen, crm_fit_value_hash(v, vlen), pos, neg);
		}
		if (!ReadCount(r, &f->other_pos) || !ReadCount(r, &f->other_neg))
			return false;
	}
	return true;
}

/* Read the sample part of the binary form. */
static bool
DecodeSample(CrmReader *r, CrmFitState *s)
{
	int32_t		k;
	uint32_t	n;
	uint32_t	i;
	uint64_t   *values = crm_core_alloc(sizeof(uint64_t) * (size_t) (s->nfactors > 0 ? s->nfactors : 1));
	uint64_t	prev = 0;
	int			j;

	bool		ok = false;

	if (!crm_rd_i32(r, &k) || !crm_rd_u32(r, &n))
		goto done;
	if (k < 1 || k > SampleCap(&s->opt, s->nfactors) || n > (uint32_t) k)
	{
		crm_rd_fail(r, "invalid sample size %d (%u entries)", k, n);
		goto done;
	}
	if (!crm_rd_need(r, n, 24 + 8 * (size_t) s->nfactors))
		goto done;
	s->k = k;
	if ((int32_t) n > s->s_alloc)
		SampleGrow(s, (int32_t) n);
	for (i = 0; i < n; i++)
	{
		uint64_t	h;
		int64_t		pos;
		int64_t		neg;

		if ((i & 4095) == 4095)
			crm_check_interrupts();
		if (!crm_rd_u64(r, &h) || !ReadCount(r, &pos) || !ReadCount(r, &neg))
			goto done;
		for (j = 0; j < s->nfactors; j++)
		{
			uint8_t		kind = s->factors[j].kind;

			if (!crm_rd_u64(r, &values[j]))
				goto done;
			if (values[j] != CRM_FIT_MISSING &&
				(kind == 0 ||
				 (kind == CRM_FACTOR_NUMERIC &&
				  (!isfinite(BitsNumber(values[j])) || values[j] == (UINT64_C(1) << 63)))))
			{
				crm_rd_fail(r, "invalid value in sample entry %u", i + 1);
				goto done;
			}
		}
		if (pos + neg < 1 || (i > 0 && h < prev) || h != RowHash(s, values) ||
			SampleFind(s, h, values) >= 0)
		{
			crm_rd_fail(r, "invalid sample entry %u", i + 1);
			goto done;
		}
		prev = h;
		SlotWrite(s, (int32_t) i, h, values, pos, neg);
		s->ns++;
		TableInsert(s, (int32_t) i);
	}
	Heapify(s);
	ok = true;
done:
	crm_core_free(values);
	return ok;
}

/* Free an array of the cores' memory when it is set. */
static void
FreeIf(void *p)
{
	if (p)
		crm_core_free(p);
}

/* Free a state and everything it holds. */
void
crm_fit_free(CrmFitState *s)
{
	int			j;

	for (j = 0; j < s->nfactors; j++)
	{
		CrmFitFactor *f = &s->factors[j];

		FreeIf(f->name);
		FreeIf(f->iv);
		FreeIf(f->ivlo);
		FreeIf(f->pend);
		FreeIf(f->pend_t);
		FreeIf(f->cat);
		FreeIf(f->cat_table);
		FreeIf(f->bytes);
		FreeIf(f->col);
	}
	FreeOptions(&s->opt);
	FreeIf(s->factors);
	FreeIf(s->factor_table);
	FreeIf(s->row);
	FreeIf(s->s_hash);
	FreeIf(s->s_pos);
	FreeIf(s->s_neg);
	FreeIf(s->heap);
	FreeIf(s->s_table);
	crm_core_free(s);
}

/* Read a binary form (see the header). */
CrmFitState *
crm_fit_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	CrmFitOptions o;
	CrmFitState *s;
	uint8_t		version;
	uint8_t		flags;
	uint32_t	n;
	uint32_t	i;

	crm_rd_init(&r, buf, len, kind, STATE_TYPE, err);
	if (!crm_rd_u8(&r, &version) || !crm_rd_u8(&r, &flags))
		return NULL;
	if (version != CRM_FIT_STATE_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if ((flags & ~CRM_FIT_FLAG_APPROX) != 0)
	{
		crm_rd_fail(&r, "unknown flags 0x%02x", flags);
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	if (!DecodeOptions(&r, &o))
	{
		if (err->kind == CRM_OK)
			crm_rd_fail(&r, "invalid options");
		FreeOptions(&o);
		return NULL;
	}
	s = crm_fit_new(&o);
	FreeOptions(&o);
	s->flags = flags;
	if (!ReadCount(&r, &s->rows) || !ReadCount(&r, &s->targets) || !crm_rd_u32(&r, &n))
		goto fail;
	if (n > CRM_CARD_MAX_FACTORS)
	{
		crm_rd_fail(&r, "%u factors", n);
		goto fail;
	}
	for (i = 0; i < n; i++)
	{
		crm_check_interrupts();
		if (!DecodeFactor(&r, s))
			goto fail;
	}
	if (!DecodeSample(&r, s) || !crm_rd_end(&r) || crm_fit_check(s, kind, err) != 0)
		goto fail;
	return s;

fail:
	crm_fit_free(s);
	return NULL;
}

/* Record the invariant failure why (crm_fit_check). */
static int
CheckFailed(CrmErrorKind kind, CrmError *err, const char *why)
{
	crm_error_set(err, kind, "invalid " STATE_TYPE " value: %s", why);
	return -1;
}

/* Add a count to a sum bounded by limit; false when it goes beyond. */
static bool
AddBounded(int64_t *sum, int64_t v, int64_t limit)
{
	if (v < 0 || v > limit - *sum)
		return false;
	*sum += v;
	return true;
}

/* A state's invariants (see the header). */
int
crm_fit_check(const CrmFitState *s, CrmErrorKind kind, CrmError *err)
{
	int64_t		nontargets;
	int64_t		spos = 0;
	int64_t		sneg = 0;
	int			j;
	int32_t		i;

	if (!crm_fit_options_check(&s->opt, err))
		return -1;
	if (s->rows < 0 || s->targets < 0 || s->targets > s->rows || (double) s->rows > CRM_CARD_MAX_ROWS)
		return CheckFailed(kind, err, "row counts");
	nontargets = s->rows - s->targets;
	for (j = 0; j < s->nfactors; j++)
	{
		const CrmFitFactor *f = &s->factors[j];
		int64_t		pos = 0;
		int64_t		neg = 0;
		bool		ok = AddBounded(&pos, f->miss_pos, s->targets) &&
			AddBounded(&neg, f->miss_neg, nontargets);

		for (i = 0; ok && i < f->niv; i++)
			ok = AddBounded(&pos, f->iv[i].pos, s->targets) && AddBounded(&neg, f->iv[i].neg, nontargets);
		for (i = 0; ok && i < f->npend; i++)
			ok = AddBounded(&pos, f->pend_t[i], s->targets) && AddBounded(&neg, 1 - f->pend_t[i], nontargets);
		for (i = 0; ok && i < f->ncat; i++)
			ok = AddBounded(&pos, f->cat[i].pos, s->targets) && AddBounded(&neg, f->cat[i].neg, nontargets);
		ok = ok && AddBounded(&pos, f->other_pos, s->targets) &&
			AddBounded(&neg, f->other_neg, nontargets);
		if (!ok || pos != s->targets || neg != nontargets)
			return CheckFailed(kind, err, "a factor's counts do not add up to the rows");
		if (f->kind == 0 && (f->niv || f->npend || f->ncat || f->other_pos || f->other_neg))
			return CheckFailed(kind, err, "values of a factor without a kind");
	}
	if (s->k < 1 || s->k > SampleCap(&s->opt, s->nfactors) || s->ns < 0 || s->ns > s->k)
		return CheckFailed(kind, err, "sample size");
	for (i = 0; i < s->ns; i++)
		if (s->s_pos[i] + s->s_neg[i] < 1 ||
			!AddBounded(&spos, s->s_pos[i], s->targets) || !AddBounded(&sneg, s->s_neg[i], nontargets))
			return CheckFailed(kind, err, "sample counts");
	/* a sample with room has seen every row */
	if (s->ns < s->k && (spos != s->targets || sneg != nontargets))
		return CheckFailed(kind, err, "the sample does not hold every row");
	return 0;
}

/* The compact text form. */
char *
crm_fit_print(CrmFitState *s)
{
	size_t		n = crm_fit_encoded_size(s);
	uint8_t    *bin = crm_core_alloc(n);
	char	   *text;

	if (!crm_fit_encode(s, bin, n))
	{
		crm_core_free(bin);
		return NULL;
	}
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* Read the compact text form. */
CrmFitState *
crm_fit_parse(const char *text, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmFitState *s;

	bin = crm_wire_from_compact_only(text, &n, STATE_TYPE, err);
	if (bin == NULL)
		return NULL;
	s = crm_fit_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}

/* ----------------------------------------------------------------------
 * The fit: bins, weights of evidence, the regression, points
 * ---------------------------------------------------------------------- */

/* One factor's model while fitting. */
typedef struct FitModel
{
	int			fi;				/* the state's factor */
	int			natoms;
	CrmAtom    *atoms;
	int32_t    *atom_cat;		/* category: the atom's category, -1 for other */
	int			ngroups;
	int		   *starts;
	double	   *gwoe;			/* each group's WOE */
	int		   *cat_group;		/* category: each category's group */
	int			other_group;	/* category: other values' group, -1: none */
	double	   *edges;			/* numeric: ngroups - 1 */
	double		miss_woe;
	double		other_woe;
	bool		keep;
	double		coefficient;
} FitModel;

/* Append "name (why)" to the report's list of factors left out. */
static void
ReportDropped(CrmFitReport *rep, const CrmFitFactor *f, const char *why)
{
	size_t		used = strlen(rep->dropped);

	if (used < sizeof(rep->dropped) - 1)
		snprintf(rep->dropped + used, sizeof(rep->dropped) - used, "%s\"%.60s\" (%s)",
				 used ? ", " : "", f->name, why);
	rep->ndropped++;
}

/* qsort context of CompareAtomRate */
static const FitModel *rate_model;
static const CrmFitFactor *rate_factor;

/* qsort context and order: categories by target rate, then value bytes. */
static int
CompareAtomRate(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;
	const CrmAtom *ax = &rate_model->atoms[x];
	const CrmAtom *ay = &rate_model->atoms[y];
	double		rx = (ax->pos + 0.5) / (ax->pos + ax->neg + 1);
	double		ry = (ay->pos + 0.5) / (ay->pos + ay->neg + 1);
	int32_t		cx = rate_model->atom_cat[x];
	int32_t		cy = rate_model->atom_cat[y];

	if (rx != ry)
		return rx < ry ? -1 : 1;
	/* other values first among equal rates, then categories by value */
	if (cx < 0 || cy < 0)
		return (cx >= 0) - (cy >= 0);
	return crm_lex_compare_bytes(rate_factor->bytes + rate_factor->cat[cx].off, rate_factor->cat[cx].len,
								 rate_factor->bytes + rate_factor->cat[cy].off, rate_factor->cat[cy].len);
}

/*
 * The atoms of factor f in binning order: numeric intervals as they are;
 * categories (and other values, when they have rows) by target rate.
 */
static void
MakeAtoms(const CrmFitFactor *f, FitModel *m)
{
	int			i;

	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		m->natoms = f->niv;
		m->atoms = crm_core_alloc(sizeof(CrmAtom) * (size_t) (f->niv > 0 ? f->niv : 1));
		for (i = 0; i < f->niv; i++)
		{
			m->atoms[i].pos = (double) f->iv[i].pos;
			m->atoms[i].neg = (double) f->iv[i].neg;
		}
		return;
	}
	else
	{
		int			n = f->ncat + ((f->other_pos + f->other_neg) > 0 ? 1 : 0);
		int		   *order = crm_core_alloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
		CrmAtom    *atoms = crm_core_alloc(sizeof(CrmAtom) * (size_t) (n > 0 ? n : 1));
		int32_t    *cats = crm_core_alloc(sizeof(int32_t) * (size_t) (n > 0 ? n : 1));

		m->natoms = n;
		m->atoms = crm_core_alloc(sizeof(CrmAtom) * (size_t) (n > 0 ? n : 1));
		m->atom_cat = crm_core_alloc(sizeof(int32_t) * (size_t) (n > 0 ? n : 1));
		for (i = 0; i < f->ncat; i++)
		{
			m->atoms[i].pos = (double) f->cat[i].pos;
			m->atoms[i].neg = (double) f->cat[i].neg;
			m->atom_cat[i] = i;
		}
		if (n > f->ncat)
		{
			m->atoms[f->ncat].pos = (double) f->other_pos;
			m->atoms[f->ncat].neg = (double) f->other_neg;
			m->atom_cat[f->ncat] = -1;
		}
		for (i = 0; i < n; i++)
			order[i] = i;
		rate_model = m;
		rate_factor = f;
		qsort(order, (size_t) n, sizeof(int), CompareAtomRate);
		rate_model = NULL;
		rate_factor = NULL;
		for (i = 0; i < n; i++)
		{
			atoms[i] = m->atoms[order[i]];
			cats[i] = m->atom_cat[order[i]];
		}
		crm_core_free(m->atoms);
		crm_core_free(m->atom_cat);
		crm_core_free(order);
		m->atoms = atoms;
		m->atom_cat = cats;
	}
}

/*
 * Bin factor f and give every group, the missing value and other values
 * their WOE; false (with the reason in the report) when the factor
 * carries no information.
 */
static bool
BinFactor(const CrmFitState *s, const CrmFitFactor *f, FitModel *m, CrmFitReport *rep)
{
	double		T = (double) s->targets;
	double		N = (double) (s->rows - s->targets);
	double		min_rows = s->opt.min_bin_share * (double) s->rows;
	double		lo = INFINITY;
	double		hi = -INFINITY;
	double		miss = (double) (f->miss_pos + f->miss_neg);
	CrmBinOptions bo;
	int			g;
	int			i;

	if (f->kind == 0)
	{
		ReportDropped(rep, f, "no value in any row");
		return false;
	}
	MakeAtoms(f, m);
	if (m->natoms == 0)
	{
		ReportDropped(rep, f, "no value a card can list");
		return false;
	}
	bo.max_bins = s->opt.max_bins;
	bo.prebins = s->opt.prebins;
	bo.min_rows = min_rows;
	bo.monotone = s->opt.monotone && f->kind == CRM_FACTOR_NUMERIC;
	m->starts = crm_core_alloc(sizeof(int) * (size_t) m->natoms);
	m->ngroups = crm_bin_atoms(m->atoms, m->natoms, T, N, &bo, m->starts);
	m->gwoe = crm_core_alloc(sizeof(double) * (size_t) m->ngroups);
	for (g = 0; g < m->ngroups; g++)
	{
		int			end = g + 1 < m->ngroups ? m->starts[g + 1] : m->natoms;
		double		pos = 0;
		double		neg = 0;

		for (i = m->starts[g]; i < end; i++)
		{
			pos += m->atoms[i].pos;
			neg += m->atoms[i].neg;
		}
		m->gwoe[g] = crm_woe(pos, neg, T, N);
		lo = fmin(lo, m->gwoe[g]);
		hi = fmax(hi, m->gwoe[g]);
	}
	m->miss_woe = 0;
	if (s->opt.missing == CRM_FIT_MISSING_BIN && miss > 0 && miss >= min_rows)
		m->miss_woe = crm_woe((double) f->miss_pos, (double) f->miss_neg, T, N);
	if (miss > 0)
	{
		lo = fmin(lo, m->miss_woe);
		hi = fmax(hi, m->miss_woe);
	}
	m->other_group = -1;
	m->other_woe = 0;
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		m->edges = crm_core_alloc(sizeof(double) * (size_t) m->ngroups);
		for (g = 1; g < m->ngroups; g++)
			m->edges[g - 1] = f->iv[m->starts[g]].lo;
	}
	else
	{
		m->cat_group = crm_core_alloc(sizeof(int) * (size_t) (f->ncat > 0 ? f->ncat : 1));
		for (g = 0; g < m->ngroups; g++)
		{
			int			end = g + 1 < m->ngroups ? m->starts[g + 1] : m->natoms;

			for (i = m->starts[g]; i < end; i++)
			{
				if (m->atom_cat[i] >= 0)
					m->cat_group[m->atom_cat[i]] = g;
				else
					m->other_group = g;
			}
		}
		if (m->other_group >= 0)
			m->other_woe = m->gwoe[m->other_group];
	}
	if (!(hi > lo))
	{
		ReportDropped(rep, f, m->ngroups == 1 ? "one bin: constant, or no bins of min_bin_share" :
					  "no difference between its bins");
		return false;
	}
	return true;
}

/* The WOE of a sample value of factor f (model m). */
static double
ValueWoe(const CrmFitFactor *f, const FitModel *m, uint64_t v)
{
	if (v == CRM_FIT_MISSING)
		return m->miss_woe;
	if (f->kind == CRM_FACTOR_NUMERIC)
		return m->gwoe[crm_bounds_locate(m->edges, m->ngroups - 1, BitsNumber(v))];
	else
	{
		int32_t		c = FindCategoryByHash(f, v);

		return c >= 0 ? m->gwoe[m->cat_group[c]] : m->other_woe;
	}
}

/* Points rounded to the option precision (decimals). */
static double
RoundPoints(double x, int precision)
{
	double		scale = pow(10, precision);
	double		r = round(x * scale) / scale;

	return isfinite(r) ? r : x;
}

/* Entry statistics from counts and a WOE. */
static CrmCardEntryStats
EntryStats(double pos, double neg, double woe)
{
	CrmCardEntryStats st;

	st.rows = pos + neg;
	st.targets = pos;
	st.woe = woe;
	return st;
}

/* The default levels: the target likely or unlikely, split at even odds. */
static CrmTiers *
DefaultLevels(const CrmFitOptions *o, double scale, size_t *size, CrmError *err)
{
	/* the score at odds 1:1: logit 0 */
	double		floor = RoundPoints(o->points0 - scale * log(o->odds0), o->precision);
	const char *target[] = {"unlikely", "likely"};
	const char *non_target[] = {"likely", "unlikely"};
	const char *const *labels = o->higher == CRM_CARD_HIGHER_TARGET ? target : non_target;
	uint32_t	lens[2];

	lens[0] = (uint32_t) strlen(labels[0]);
	lens[1] = (uint32_t) strlen(labels[1]);
	return crm_tiers_build(2, &floor, labels, lens, size, err);
}

/*
 * Factor spec j of the card from model m: points scale * coefficient * WOE
 * + share for every entry, with the entries' statistics.
 */
static void
FactorSpec(const CrmFitState *s, const FitModel *m, double scale, double share,
		   CrmFactorSpec *fs)
{
	const CrmFitFactor *f = &s->factors[m->fi];
	double		b = m->coefficient;
	int			prec = s->opt.precision;
	int			g;
	int			i;

	memset(fs, 0, sizeof(*fs));
	fs->name = f->name;
	fs->name_len = f->name_len;
	fs->coefficient = b;
	fs->missing = RoundPoints(scale * b * m->miss_woe + share, prec);
	fs->missing_stats = EntryStats((double) f->miss_pos, (double) f->miss_neg, m->miss_woe);
	if (f->kind == CRM_FACTOR_NUMERIC)
	{
		double	   *points = crm_core_alloc(sizeof(double) * (size_t) m->ngroups);
		CrmCardEntryStats *st = crm_core_alloc(sizeof(CrmCardEntryStats) * (size_t) m->ngroups);

		for (g = 0; g < m->ngroups; g++)
		{
			int			end = g + 1 < m->ngroups ? m->starts[g + 1] : m->natoms;
			double		pos = 0;
			double		neg = 0;

			for (i = m->starts[g]; i < end; i++)
			{
				pos += m->atoms[i].pos;
				neg += m->atoms[i].neg;
			}
			points[g] = RoundPoints(scale * b * m->gwoe[g] + share, prec);
			st[g] = EntryStats(pos, neg, m->gwoe[g]);
		}
		fs->kind = CRM_FACTOR_NUMERIC;
		fs->n = m->ngroups;
		fs->edges = m->edges;
		fs->points = points;
		fs->stats = st;
	}
	else
	{
		int			n = f->ncat;
		double	   *points = crm_core_alloc(sizeof(double) * (size_t) (n > 0 ? n : 1));
		CrmCardEntryStats *st = crm_core_alloc(sizeof(CrmCardEntryStats) * (size_t) (n > 0 ? n : 1));
		const char **keys = crm_core_alloc(sizeof(char *) * (size_t) (n > 0 ? n : 1));
		uint32_t   *lens = crm_core_alloc(sizeof(uint32_t) * (size_t) (n > 0 ? n : 1));

		for (i = 0; i < n; i++)
		{
			double		w = m->gwoe[m->cat_group[i]];

			keys[i] = f->bytes + f->cat[i].off;
			lens[i] = f->cat[i].len;
			points[i] = RoundPoints(scale * b * w + share, prec);
			st[i] = EntryStats((double) f->cat[i].pos, (double) f->cat[i].neg, w);
		}
		fs->kind = CRM_FACTOR_CATEGORY;
		fs->n = n;
		fs->keys = keys;
		fs->key_lens = lens;
		fs->points = points;
		fs->stats = st;
		fs->other = RoundPoints(scale * b * m->other_woe + share, prec);
		fs->other_stats = EntryStats((double) f->other_pos, (double) f->other_neg, m->other_woe);
	}
}

/* Free what FactorSpec allocated. */
static void
FreeFactorSpec(CrmFactorSpec *fs)
{
	FreeIf((void *) fs->points);
	FreeIf((void *) fs->stats);
	if (fs->kind == CRM_FACTOR_CATEGORY)
	{
		FreeIf((void *) fs->keys);
		FreeIf((void *) fs->key_lens);
	}
}

/* Free a model's arrays. */
static void
FreeModel(FitModel *m)
{
	FreeIf(m->atoms);
	FreeIf(m->atom_cat);
	FreeIf(m->starts);
	FreeIf(m->gwoe);
	FreeIf(m->cat_group);
	FreeIf(m->edges);
}

/* qsort context of CompareFactorNames */
static const CrmFitState *name_state;

/* qsort context and order: factor indexes by name bytes. */
static int
CompareFactorNames(const void *a, const void *b)
{
	const CrmFitFactor *x = &name_state->factors[*(const int *) a];
	const CrmFitFactor *y = &name_state->factors[*(const int *) b];

	return crm_lex_compare_bytes(x->name, x->name_len, y->name, y->name_len);
}

/* The checks before a fit: both classes, include, missing values. */
static bool
CheckFittable(const CrmFitState *s, CrmError *err)
{
	int			i;
	int			j;

	if (s->targets == 0 || s->targets == s->rows)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit needs rows with and without the target");
		crm_error_detail(err, "The target is %s in all %lld rows.",
						 s->targets == 0 ? "false" : "true", (long long) s->rows);
		return false;
	}
	for (i = 0; i < s->opt.include.n; i++)
	{
		int			fi = FindFactor(s, s->opt.include.names[i], s->opt.include.lens[i],
									NameHash(s->opt.include.names[i], s->opt.include.lens[i]));

		if (fi < 0 || s->factors[fi].kind == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.scorecard_fit: factor \"%.60s\" of option \"include\" has no value in any row",
						  s->opt.include.names[i]);
			return false;
		}
	}
	if (s->opt.missing == CRM_FIT_MISSING_ERROR)
		for (j = 0; j < s->nfactors; j++)
			if (s->factors[j].miss_pos + s->factors[j].miss_neg > 0)
			{
				int64_t		n = s->factors[j].miss_pos + s->factors[j].miss_neg;

				crm_error_set(err, CRM_ERR_INVALID,
							  "crm.scorecard_fit: factor \"%.60s\" is missing in %lld row%s",
							  s->factors[j].name, (long long) n, n == 1 ? "" : "s");
				crm_error_hint(err, "The option {\"missing\": \"error\"} refuses absent and null values; \"bin\" and \"neutral\" score them.");
				return false;
			}
	return true;
}

/*
 * The regression on the sample: the kept factors' WOE as columns, each
 * entry weighted by its rows.  Coefficients go to the models; aliased
 * factors are dropped.  *intercept receives beta[0].
 */
static bool
Regress(CrmFitState *s, FitModel *models, int nm, double *intercept, CrmFitReport *rep,
		CrmError *err)
{
	int		   *cols = crm_core_alloc(sizeof(int) * (size_t) nm);
	int32_t    *order = crm_core_alloc(sizeof(int32_t) * (size_t) (s->ns > 0 ? s->ns : 1));
	int			p = 0;
	double	   *x;
	double	   *pos;
	double	   *neg;
	double	   *beta;
	bool	   *aliased;
	CrmLogitResult res;
	bool		ok;
	int32_t		e;
	int			j;

	for (j = 0; j < nm; j++)
		if (models[j].keep)
			cols[p++] = j;
	x = crm_core_alloc(sizeof(double) * (size_t) s->ns * (size_t) p + 1);
	pos = crm_core_alloc(sizeof(double) * (size_t) (s->ns > 0 ? s->ns : 1));
	neg = crm_core_alloc(sizeof(double) * (size_t) (s->ns > 0 ? s->ns : 1));
	beta = crm_core_alloc(sizeof(double) * (size_t) (p + 1));
	aliased = crm_core_alloc(sizeof(bool) * (size_t) (p > 0 ? p : 1));
	/*
	 * The entries in their canonical order (hash, then values), so the
	 * sums of the regression, and so the card to the last bit, do not
	 * depend on the order the rows came in.
	 */
	for (e = 0; e < s->ns; e++)
		order[e] = e;
	sort_state = s;
	qsort(order, (size_t) s->ns, sizeof(int32_t), CompareSlots);
	sort_state = NULL;
	rep->sampled_rows = 0;
	for (e = 0; e < s->ns; e++)
	{
		int32_t		slot = order[e];

		if ((e & 4095) == 4095)
			crm_check_interrupts();
		for (j = 0; j < p; j++)
		{
			const FitModel *m = &models[cols[j]];

			x[(size_t) e * p + j] = ValueWoe(&s->factors[m->fi], m, s->factors[m->fi].col[slot]);
		}
		pos[e] = (double) s->s_pos[slot];
		neg[e] = (double) s->s_neg[slot];
		rep->sampled_rows += s->s_pos[slot] + s->s_neg[slot];
	}
	ok = crm_logit_fit(x, pos, neg, s->ns, p, s->opt.max_iter, 1e-10, beta, aliased, &res, err);
	if (ok)
	{
		rep->converged = res.converged;
		rep->iterations = res.iterations;
		*intercept = beta[0];
		for (j = 0; j < p; j++)
		{
			FitModel   *m = &models[cols[j]];

			m->coefficient = beta[j + 1];
			if (aliased[j])
			{
				m->keep = false;
				ReportDropped(rep, &s->factors[m->fi], "a linear combination of other factors");
			}
		}
	}
	crm_core_free(cols);
	crm_core_free(order);
	crm_core_free(x);
	crm_core_free(pos);
	crm_core_free(neg);
	crm_core_free(beta);
	crm_core_free(aliased);
	return ok;
}

/* Build the card from the fitted models (see scorecard_fit_core.h). */
static CrmScorecard *
BuildCard(const CrmFitState *s, FitModel *models, int nm, double intercept, size_t *size,
		  CrmError *err)
{
	const CrmFitOptions *o = &s->opt;
	double		scale = (o->higher == CRM_CARD_HIGHER_TARGET ? 1 : -1) * o->pdo / log(2.0);
	CrmFactorSpec *fs = crm_core_alloc(sizeof(CrmFactorSpec) * (size_t) nm);
	CrmCardSpec spec;
	CrmCardFit	fit;
	CrmTiers   *levels = NULL;
	CrmScorecard *card = NULL;
	double		base;
	int			p = 0;
	int			j;

	for (j = 0; j < nm; j++)
		if (models[j].keep)
			p++;
	/* score = points0 + scale (logit - ln odds0), the intercept shared out */
	base = o->points0 + scale * (intercept - log(o->odds0));
	memset(&spec, 0, sizeof(spec));
	p = 0;
	for (j = 0; j < nm; j++)
		if (models[j].keep)
			p++;
	for (j = 0; j < nm; j++)
		if (models[j].keep)
			FactorSpec(s, &models[j], scale, base / p, &fs[spec.nfactors++]);
	memset(&fit, 0, sizeof(fit));
	fit.rows = (double) s->rows;
	fit.targets = (double) s->targets;
	fit.points0 = o->points0;
	fit.odds0 = o->odds0;
	fit.pdo = o->pdo;
	fit.intercept = intercept;
	fit.higher = o->higher;
	spec.name = o->name;
	spec.name_len = o->name_len;
	spec.version = o->version;
	spec.version_len = o->version_len;
	spec.factors = fs;
	spec.fit = &fit;
	if (o->levels)
	{
		spec.levels = o->levels;
		spec.levels_size = o->levels_size;
	}
	else
	{
		levels = DefaultLevels(o, scale, &spec.levels_size, err);
		spec.levels = levels;
	}
	if (spec.levels)
		card = crm_card_build(&spec, size, err);
	for (j = 0; j < spec.nfactors; j++)
		FreeFactorSpec(&fs[j]);
	crm_core_free(fs);
	if (levels)
		crm_core_free(levels);
	return card;
}

/* The fit (see the header). */
CrmScorecard *
crm_fit_finish(CrmFitState *s, CrmFitReport *rep, size_t *size, CrmError *err)
{
	FitModel   *models;
	int		   *order;
	CrmScorecard *card = NULL;
	double		intercept = 0;
	int			kept = 0;
	int			j;

	memset(rep, 0, sizeof(*rep));
	if (s->rows == 0)
		return NULL;
	if (!CheckFittable(s, err))
		return NULL;
	crm_fit_flush(s);
	/* factors in name order: the card's order does not depend on the rows' */
	order = crm_core_alloc(sizeof(int) * (size_t) (s->nfactors > 0 ? s->nfactors : 1));
	for (j = 0; j < s->nfactors; j++)
		order[j] = j;
	name_state = s;
	qsort(order, (size_t) s->nfactors, sizeof(int), CompareFactorNames);
	name_state = NULL;
	models = crm_core_alloc(sizeof(FitModel) * (size_t) (s->nfactors > 0 ? s->nfactors : 1));
	for (j = 0; j < s->nfactors; j++)
	{
		crm_check_interrupts();
		models[j].fi = order[j];
		models[j].keep = BinFactor(s, &s->factors[order[j]], &models[j], rep);
		kept += models[j].keep ? 1 : 0;
	}
	if (kept > 0 && Regress(s, models, s->nfactors, &intercept, rep, err))
	{
		kept = 0;
		for (j = 0; j < s->nfactors; j++)
			kept += models[j].keep ? 1 : 0;
		if (kept > 0)
			card = BuildCard(s, models, s->nfactors, intercept, size, err);
	}
	if (kept == 0 && err->kind == CRM_OK)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.scorecard_fit: no factor separates the rows with the target from the others");
		if (rep->dropped[0])
			crm_error_detail(err, "Left out: %s.", rep->dropped);
		else
			crm_error_detail(err, "The rows have no attributes.");
	}
	rep->approximate = (s->flags & CRM_FIT_FLAG_APPROX) != 0 || rep->sampled_rows < s->rows;
	for (j = 0; j < s->nfactors; j++)
		FreeModel(&models[j]);
	crm_core_free(models);
	crm_core_free(order);
	return card;
}

/* ----------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------- */

/* 10^0 .. 10^22, every one exact in float8. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * A decimal sum(digits[i] * 10000^(weight - i)) (PostgreSQL's numeric
 * layout, base 10000) as the nearest float8, when that can be had with one
 * correctly rounded operation: an integer mantissa m <= 2^53 and a power of
 * ten 10^e, |e| <= 22, are both exact, so m * 10^e or m / 10^e is the
 * correctly rounded value (W. D. Clinger, "How to read floating point
 * numbers accurately", PLDI 1990: the fast path).  false otherwise, for
 * the caller's general conversion.
 */
bool
crm_fit_decimal_double(bool neg, int weight, const int16_t *digits, int n, double *out)
{
	uint64_t	m = 0;
	int			e10;
	int			i;
	double		d;

	while (n > 0 && digits[n - 1] == 0)
		n--;
	if (n == 0)
	{
		*out = 0;
		return true;
	}
	if (n > 4)
		return false;
	for (i = 0; i < n; i++)
	{
		if (digits[i] < 0 || digits[i] > 9999)
			return false;
		m = m * 10000 + (uint64_t) digits[i];
	}
	if (m > (UINT64_C(1) << 53))
		return false;
	e10 = 4 * (weight - n + 1);
	if (e10 < -22 || e10 > 22)
		return false;
	d = (double) m;
	d = e10 >= 0 ? d * exact_pow10[e10] : d / exact_pow10[-e10];
	*out = neg ? -d : d;
	return true;
}
