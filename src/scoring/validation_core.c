/*
 * validation_core.c
 *	  crm.roc_state (AUC, KS) and crm.psi_state (population stability
 *	  index): see validation_core.h.
 *
 * AUC.  With the rows sorted by score, the area under the ROC curve is
 * the Mann-Whitney statistic (H. B. Mann and D. R. Whitney, Ann. Math.
 * Statist. 18, 1947; D. J. Hand and R. J. Till, Machine Learning 45,
 * 2001): for every row with the target, the rows without it that score
 * lower, plus half of those that score the same, over the product of the
 * class sizes.  Summed over the distinct scores s in ascending order,
 *     2 U = sum_s pos_s (2 neg_below(s) + neg_s)
 * in exact 128-bit integers, divided once at the end.
 *
 * KS.  The largest vertical distance between the empirical distribution
 * functions of the two classes' scores (A. N. Kolmogorov 1933, N. V.
 * Smirnov 1948), evaluated after each distinct score (both step there).
 *
 * PSI.  The population stability index over bins, sum (a - e) ln(a / e)
 * (the symmetrised Kullback-Leibler divergence of the two bin
 * distributions; B. Yurdakul, "Statistical properties of population
 * stability index", Western Michigan University, 2018).  Rules of thumb:
 * below 0.1 stable, 0.1-0.25 some shift, above 0.25 a significant shift.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "validation_core.h"
#include "validate_core.h"
#include "wire_core.h"

#define ROC_TYPE "crm.roc_state"
#define PSI_TYPE "crm.psi_state"

/* ---------------------------------------------------------------- ROC */

/* A zeroed state for cap entries (the cap's error beyond it). */
CrmRocState *
crm_roc_alloc(int64_t cap, CrmError *err)
{
	CrmRocState *s;

	if (cap < 0 || cap > CRM_ROC_MAX_ENTRIES)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.auc: too many distinct scores in one group");
		crm_error_detail(err, "A crm.roc_state holds at most %lld distinct scores (16 bytes each), so that its text form stays under 1 GB.",
						 (long long) CRM_ROC_MAX_ENTRIES);
		return NULL;
	}
	s = crm_core_alloc(crm_roc_size(cap));
	s->version = CRM_ROC_VERSION;
	s->cap = cap;
	return s;
}

/* A score must be finite (the number rule). */
int
crm_roc_score_check(double score, const char *what, CrmError *err)
{
	return crm_check_finite(score, what, err) ? 0 : -1;
}

/* The header against the bytes the value has (O(1)). */
int
crm_roc_check_header(const CrmRocState *s, size_t size, CrmErrorKind kind, CrmError *err)
{
	const char *why = NULL;

	if (size < CRM_ROC_HDRSZ)
		why = "too short";
	else if (s->version != CRM_ROC_VERSION || s->pad[0] || s->pad[1] || s->pad[2])
		why = "unsupported version or reserved bytes not zero";
	else if (s->cap < 0 || s->cap > CRM_ROC_MAX_ENTRIES || s->n < 0 || s->n > s->cap)
		why = "count beyond its capacity";
	else if (size != crm_roc_size(s->cap))
		why = "size does not match its capacity";
	if (why == NULL)
		return 0;
	crm_error_set(err, kind, "invalid " ROC_TYPE " value: %s", why);
	return -1;
}

/* Every entry: a finite score (not -0) and at least one row. */
int
crm_roc_check_entries(const CrmRocState *s, CrmErrorKind kind, CrmError *err)
{
	int64_t		i;

	for (i = 0; i < s->n; i++)
	{
		const CrmRocEntry *e = &s->e[i];

		if (!isfinite(e->score) || (e->score == 0 && signbit(e->score)) ||
			(uint64_t) e->pos + e->neg == 0)
		{
			crm_error_set(err, kind, "invalid " ROC_TYPE " value: entry %lld", (long long) i + 1);
			return -1;
		}
		if ((i & 0xFFFFF) == 0xFFFFF)
			crm_check_interrupts();
	}
	return 0;
}

/*
 * Bottom-up merge sort of entries by score into sorted order (stable,
 * O(n log n), with interrupt checks: a library qsort of 50 million entries
 * could not be cancelled).  tmp has room for n entries.
 */
static void
SortEntries(CrmRocEntry *e, int64_t n, CrmRocEntry *tmp)
{
	CrmRocEntry *src = e;
	CrmRocEntry *dst = tmp;
	int64_t		width;
	uint64_t	ticks = 0;

	for (width = 1; width < n; width *= 2)
	{
		int64_t		lo;

		for (lo = 0; lo < n; lo += 2 * width)
		{
			int64_t		mid = lo + width < n ? lo + width : n;
			int64_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			int64_t		i = lo;
			int64_t		j = mid;
			int64_t		k = lo;

			while (i < mid && j < hi)
				dst[k++] = src[j].score < src[i].score ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
			ticks += (uint64_t) (hi - lo);
			if (ticks > (1 << 20))
			{
				ticks = 0;
				crm_check_interrupts();
			}
		}
		{
			CrmRocEntry *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != e)
		memcpy(e, src, sizeof(CrmRocEntry) * (size_t) n);
}

/*
 * Merge neighbours with equal scores in sorted entries; returns the new
 * count.  A count that would pass 2^32 - 1 starts an entry of its own.
 */
static int64_t
MergeEqual(CrmRocEntry *e, int64_t n)
{
	int64_t		m = 0;
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		if (m > 0 && e[m - 1].score == e[i].score &&
			(uint64_t) e[m - 1].pos + e[i].pos <= UINT32_MAX &&
			(uint64_t) e[m - 1].neg + e[i].neg <= UINT32_MAX)
		{
			e[m - 1].pos += e[i].pos;
			e[m - 1].neg += e[i].neg;
		}
		else
			e[m++] = e[i];
	}
	return m;
}

/* Sort and merge equal scores in place (see the header). */
void
crm_roc_compact(CrmRocState *s)
{
	CrmRocEntry *tmp;

	if (s->n < 2)
		return;
	tmp = crm_core_alloc(sizeof(CrmRocEntry) * (size_t) s->n);
	SortEntries(s->e, s->n, tmp);
	crm_core_free(tmp);
	s->n = MergeEqual(s->e, s->n);
}

/* A sorted, merged copy of the entries; *m their number. */
static CrmRocEntry *
SortedCopy(const CrmRocState *s, int64_t *m)
{
	CrmRocEntry *e = crm_core_alloc(sizeof(CrmRocEntry) * (size_t) (s->n > 0 ? s->n : 1));
	CrmRocEntry *tmp = crm_core_alloc(sizeof(CrmRocEntry) * (size_t) (s->n > 0 ? s->n : 1));

	memcpy(e, s->e, sizeof(CrmRocEntry) * (size_t) s->n);
	SortEntries(e, s->n, tmp);
	crm_core_free(tmp);
	*m = MergeEqual(e, s->n);
	return e;
}

/* The exact AUC (see the file header). */
double
crm_roc_auc(const CrmRocState *s)
{
	int64_t		m;
	CrmRocEntry *e = SortedCopy(s, &m);
	unsigned __int128 twice_u = 0;
	unsigned __int128 neg_below = 0;
	unsigned __int128 npos = 0;
	unsigned __int128 nneg = 0;
	int64_t		i = 0;
	long double auc;

	while (i < m)
	{
		unsigned __int128 pos = 0;
		unsigned __int128 neg = 0;
		int64_t		j;

		/* one distinct score (entries of the same score are neighbours) */
		for (j = i; j < m && e[j].score == e[i].score; j++)
		{
			pos += e[j].pos;
			neg += e[j].neg;
		}
		twice_u += pos * (2 * neg_below + neg);
		neg_below += neg;
		npos += pos;
		nneg += neg;
		i = j;
		if ((i & 0xFFFFF) == 0)
			crm_check_interrupts();
	}
	crm_core_free(e);
	if (npos == 0 || nneg == 0)
		return NAN;
	auc = (long double) twice_u / ((long double) 2 * (long double) npos * (long double) nneg);
	return (double) auc;
}

/* The KS statistic (see the file header). */
double
crm_roc_ks(const CrmRocState *s)
{
	int64_t		m;
	CrmRocEntry *e = SortedCopy(s, &m);
	double		npos = 0;
	double		nneg = 0;
	double		cpos = 0;
	double		cneg = 0;
	double		ks = 0;
	int64_t		i;

	for (i = 0; i < m; i++)
	{
		npos += e[i].pos;
		nneg += e[i].neg;
	}
	if (npos == 0 || nneg == 0)
	{
		crm_core_free(e);
		return NAN;
	}
	for (i = 0; i < m; i++)
	{
		cpos += e[i].pos;
		cneg += e[i].neg;
		/* after the last entry of a distinct score */
		if (i + 1 == m || e[i + 1].score != e[i].score)
		{
			double		d = fabs(cpos / npos - cneg / nneg);

			if (d > ks)
				ks = d;
		}
		if ((i & 0xFFFFF) == 0xFFFFF)
			crm_check_interrupts();
	}
	crm_core_free(e);
	return ks;
}

/* Bytes of the binary form. */
size_t
crm_roc_wire_size(const CrmRocState *s)
{
	return 9 + 16 * (size_t) s->n;
}

/* Write the binary form. */
void
crm_roc_encode(const CrmRocState *s, uint8_t *out)
{
	CrmWriter	w;
	int64_t		i;

	crm_wr_init(&w, out, crm_roc_wire_size(s));
	crm_wr_u8(&w, CRM_ROC_VERSION);
	crm_wr_u64(&w, (uint64_t) s->n);
	for (i = 0; i < s->n; i++)
	{
		crm_wr_f64(&w, s->e[i].score);
		crm_wr_u32(&w, s->e[i].pos);
		crm_wr_u32(&w, s->e[i].neg);
	}
}

/* Read the binary form, entries checked. */
CrmRocState *
crm_roc_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	int64_t		n;
	int64_t		i;
	CrmRocState *s;

	crm_rd_init(&r, buf, len, kind, ROC_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_ROC_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if (!crm_rd_i64(&r, &n))
		return NULL;
	if (n < 0)
	{
		crm_rd_fail(&r, "entry count %lld", (long long) n);
		return NULL;
	}
	if (!crm_rd_need(&r, (uint64_t) n, 16))
		return NULL;
	s = crm_roc_alloc(n > 0 ? n : 1, err);
	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		if (!crm_rd_f64(&r, &s->e[i].score) || !crm_rd_u32(&r, &s->e[i].pos) ||
			!crm_rd_u32(&r, &s->e[i].neg))
			break;
		if (s->e[i].score == 0)
			s->e[i].score = 0;	/* -0 is 0 */
	}
	s->n = n;
	if (!crm_rd_end(&r) || crm_roc_check_entries(s, kind, err) != 0)
	{
		crm_core_free(s);
		return NULL;
	}
	return s;
}

/* The compact text form. */
char *
crm_roc_print(const CrmRocState *s)
{
	size_t		n = crm_roc_wire_size(s);
	uint8_t    *bin = crm_core_alloc(n);
	char	   *text;

	crm_roc_encode(s, bin);
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* Read the compact text form (the only text form). */
CrmRocState *
crm_roc_parse(const char *text, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmRocState *s;

	bin = crm_wire_from_compact_only(text, &n, ROC_TYPE, err);
	if (bin == NULL)
		return NULL;
	s = crm_roc_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}

/* ---------------------------------------------------------------- PSI */

/* n rounded up to a multiple of 8. */
static size_t
Align8(size_t n)
{
	return (n + 7) & ~(size_t) 7;
}

/* Bytes of a state of these dimensions. */
size_t
crm_psi_size(int32_t ngroups, int32_t nbins, int32_t ncuts, int32_t names_bytes)
{
	return CRM_PSI_HDRSZ + sizeof(double) * (size_t) ncuts +
		Align8(sizeof(int32_t) * (size_t) ngroups) + 2 * sizeof(int64_t) * (size_t) nbins +
		(size_t) names_bytes;
}

/* The cut points. */
double *
crm_psi_cuts(const CrmPsiState *s)
{
	return (double *) ((char *) s + CRM_PSI_HDRSZ);
}

/* Each group's number of bins. */
int32_t *
crm_psi_group_bins(const CrmPsiState *s)
{
	return (int32_t *) (crm_psi_cuts(s) + s->ncuts);
}

/* The counts: expected, actual for each bin. */
int64_t *
crm_psi_counts(const CrmPsiState *s)
{
	return (int64_t *) ((char *) crm_psi_group_bins(s) + Align8(sizeof(int32_t) * (size_t) s->ngroups));
}

/* The groups' names, each followed by a NUL. */
char *
crm_psi_names(const CrmPsiState *s)
{
	return (char *) (crm_psi_counts(s) + 2 * (size_t) s->nbins);
}

/* FNV-1a over the bytes, then the SplitMix64 finalizer. */
uint64_t
crm_psi_hash(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t	h = UINT64_C(0xcbf29ce484222325);
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	h ^= len;
	h = (h ^ (h >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94D049BB133111EB);
	return h ^ (h >> 31);
}

/* Cut points: finite, strictly ascending, bounded in number. */
int
crm_psi_cuts_check(const double *cuts, int32_t n, CrmError *err)
{
	char		subject[64];
	int32_t		i;

	if (n < 0 || n > CRM_PSI_MAX_CUTS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.psi: at most %d cut points, got %d", CRM_PSI_MAX_CUTS, n);
		return -1;
	}
	for (i = 0; i < n; i++)
	{
		snprintf(subject, sizeof(subject), "crm.psi: cut point %d", i + 1);
		if (!crm_check_finite(cuts[i], subject, err))
			return -1;
		if (i > 0 && !(cuts[i] > cuts[i - 1]))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.psi: cut points must be strictly ascending: cut point %d is not above cut point %d",
						  i + 1, i);
			return -1;
		}
	}
	return 0;
}

/* A new state (see the header). */
CrmPsiState *
crm_psi_alloc(uint8_t kind, int32_t ngroups, const int32_t *group_bins, const char *names,
			  int32_t names_bytes, const double *cuts, int32_t ncuts, uint64_t fingerprint,
			  CrmError *err)
{
	int64_t		nbins = 0;
	CrmPsiState *s;
	int32_t		g;

	for (g = 0; g < ngroups; g++)
		nbins += group_bins[g];
	if (ngroups < 1 || ngroups > 256 || nbins > CRM_PSI_MAX_BINS || ncuts < 0 ||
		ncuts > CRM_PSI_MAX_CUTS || names_bytes < ngroups)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.psi: too many bins");
		return NULL;
	}
	s = crm_core_alloc(crm_psi_size(ngroups, (int32_t) nbins, ncuts, names_bytes));
	s->version = CRM_PSI_VERSION;
	s->kind = kind;
	s->ngroups = ngroups;
	s->nbins = (int32_t) nbins;
	s->ncuts = ncuts;
	s->names_bytes = names_bytes;
	s->fingerprint = fingerprint;
	if (ncuts > 0)
		memcpy(crm_psi_cuts(s), cuts, sizeof(double) * (size_t) ncuts);
	memcpy(crm_psi_group_bins(s), group_bins, sizeof(int32_t) * (size_t) ngroups);
	memcpy(crm_psi_names(s), names, (size_t) names_bytes);
	return s;
}

/* Record why a state is invalid. */
static int
PsiInvalid(CrmErrorKind kind, CrmError *err, const char *why)
{
	crm_error_set(err, kind, "invalid " PSI_TYPE " value: %s", why);
	return -1;
}

/* Check a state (see the header). */
int
crm_psi_check(const CrmPsiState *s, size_t size, CrmErrorKind kind, CrmError *err)
{
	const int32_t *gb;
	const int64_t *counts;
	const char *names;
	int64_t		nbins = 0;
	int32_t		g;
	int32_t		i;
	size_t		off = 0;

	if (size < CRM_PSI_HDRSZ)
		return PsiInvalid(kind, err, "too short");
	if (s->version != CRM_PSI_VERSION || s->pad != 0 ||
		(s->kind != CRM_PSI_CUTS && s->kind != CRM_PSI_CARD))
		return PsiInvalid(kind, err, "unsupported version or kind");
	if (s->ngroups < 1 || s->ngroups > 256 || s->nbins < 2 || s->nbins > CRM_PSI_MAX_BINS ||
		s->ncuts < 0 || s->ncuts > CRM_PSI_MAX_CUTS || s->names_bytes < s->ngroups ||
		s->names_bytes > s->ngroups * 201 ||
		(s->kind == CRM_PSI_CUTS && s->ngroups != 1) || (s->kind == CRM_PSI_CARD && s->ncuts != 0))
		return PsiInvalid(kind, err, "dimensions");
	if (size != crm_psi_size(s->ngroups, s->nbins, s->ncuts, s->names_bytes))
		return PsiInvalid(kind, err, "size does not match its dimensions");
	gb = crm_psi_group_bins(s);
	for (g = 0; g < s->ngroups; g++)
	{
		if (gb[g] < 2)
			return PsiInvalid(kind, err, "a group without bins");
		nbins += gb[g];
	}
	if (nbins != s->nbins || (s->kind == CRM_PSI_CUTS && gb[0] != s->ncuts + 2))
		return PsiInvalid(kind, err, "bin counts");
	if (s->kind == CRM_PSI_CUTS &&
		(crm_psi_cuts_check(crm_psi_cuts(s), s->ncuts, err) != 0 ||
		 s->fingerprint != crm_psi_hash(crm_psi_cuts(s), sizeof(double) * (size_t) s->ncuts)))
	{
		err->kind = CRM_OK;
		return PsiInvalid(kind, err, "cut points");
	}
	names = crm_psi_names(s);
	for (g = 0; g < s->ngroups; g++)
	{
		const char *nul = memchr(names + off, '\0', (size_t) s->names_bytes - off);
		size_t		len;

		if (nul == NULL)
			return PsiInvalid(kind, err, "names");
		len = (size_t) (nul - (names + off));
		if ((s->kind == CRM_PSI_CARD && (len == 0 || len > 200)) ||
			(s->kind == CRM_PSI_CUTS && len != 0))
			return PsiInvalid(kind, err, "names");
		off += len + 1;
	}
	if (off != (size_t) s->names_bytes)
		return PsiInvalid(kind, err, "names");
	counts = crm_psi_counts(s);
	for (i = 0; i < 2 * s->nbins; i++)
		if (counts[i] < 0 || (double) counts[i] > 9007199254740992.0)
			return PsiInvalid(kind, err, "counts");
	return 0;
}

/* Whether a and b count the same bins. */
bool
crm_psi_compatible(const CrmPsiState *a, const CrmPsiState *b)
{
	return a->kind == b->kind && a->ngroups == b->ngroups && a->nbins == b->nbins &&
		a->ncuts == b->ncuts && a->names_bytes == b->names_bytes &&
		a->fingerprint == b->fingerprint &&
		memcmp(crm_psi_cuts(a), crm_psi_cuts(b), sizeof(double) * (size_t) a->ncuts) == 0 &&
		memcmp(crm_psi_group_bins(a), crm_psi_group_bins(b), sizeof(int32_t) * (size_t) a->ngroups) == 0 &&
		memcmp(crm_psi_names(a), crm_psi_names(b), (size_t) a->names_bytes) == 0;
}

/* Add b's counts into a. */
bool
crm_psi_add(CrmPsiState *a, const CrmPsiState *b, CrmError *err)
{
	int64_t    *ca = crm_psi_counts(a);
	const int64_t *cb = crm_psi_counts(b);
	int32_t		i;

	for (i = 0; i < 2 * a->nbins; i++)
	{
		if ((double) ca[i] + (double) cb[i] > 9007199254740992.0)
		{
			crm_error_set(err, CRM_ERR_LIMIT, "crm.psi: more than 2^53 rows in one bin");
			return false;
		}
		ca[i] += cb[i];
	}
	return true;
}

/* PSI of group g (see the header). */
double
crm_psi_value(const CrmPsiState *s, int32_t g)
{
	const int32_t *gb = crm_psi_group_bins(s);
	const int64_t *counts = crm_psi_counts(s);
	int32_t		first = 0;
	double		E = 0;
	double		A = 0;
	double		psi = 0;
	int32_t		i;

	for (i = 0; i < g; i++)
		first += gb[i];
	for (i = first; i < first + gb[g]; i++)
	{
		E += (double) counts[2 * i];
		A += (double) counts[2 * i + 1];
	}
	if (E == 0 || A == 0)
		return NAN;
	for (i = first; i < first + gb[g]; i++)
	{
		double		e = (double) counts[2 * i];
		double		a = (double) counts[2 * i + 1];

		if (e == 0 && a == 0)
			continue;
		e = (e > 0 ? e : 0.5) / E;
		a = (a > 0 ? a : 0.5) / A;
		psi += (a - e) * log(a / e);
	}
	return psi;
}

/*
 * Binary form: uint8 version, uint8 kind, uint32 ngroups, uint32 ncuts,
 * uint64 fingerprint, float8 cuts[ncuts], then per group: uint32 name
 * length, the name, uint32 bins, then bins x (int64 expected, int64
 * actual).
 */
size_t
crm_psi_wire_size(const CrmPsiState *s)
{
	return 2 + 4 + 4 + 8 + 8 * (size_t) s->ncuts + 8 * (size_t) s->ngroups +
		(size_t) (s->names_bytes - s->ngroups) + 16 * (size_t) s->nbins;
}

/* Write the binary form. */
void
crm_psi_encode(const CrmPsiState *s, uint8_t *out)
{
	CrmWriter	w;
	const int32_t *gb = crm_psi_group_bins(s);
	const int64_t *counts = crm_psi_counts(s);
	const char *name = crm_psi_names(s);
	int32_t		bin = 0;
	int32_t		g;
	int32_t		i;

	crm_wr_init(&w, out, crm_psi_wire_size(s));
	crm_wr_u8(&w, CRM_PSI_VERSION);
	crm_wr_u8(&w, s->kind);
	crm_wr_u32(&w, (uint32_t) s->ngroups);
	crm_wr_u32(&w, (uint32_t) s->ncuts);
	crm_wr_u64(&w, s->fingerprint);
	crm_wr_f64s(&w, crm_psi_cuts(s), (size_t) s->ncuts);
	for (g = 0; g < s->ngroups; g++)
	{
		size_t		len = strlen(name);

		crm_wr_u32(&w, (uint32_t) len);
		crm_wr_bytes(&w, name, len);
		name += len + 1;
		crm_wr_u32(&w, (uint32_t) gb[g]);
		for (i = 0; i < gb[g]; i++, bin++)
		{
			crm_wr_u64(&w, (uint64_t) counts[2 * bin]);
			crm_wr_u64(&w, (uint64_t) counts[2 * bin + 1]);
		}
	}
}

/* Read the binary form, then check the state as any other. */
CrmPsiState *
crm_psi_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	uint8_t		skind;
	uint32_t	ngroups;
	uint32_t	ncuts;
	uint64_t	fingerprint;
	double	   *cuts = NULL;
	int32_t    *gb = NULL;
	char	   *names = NULL;
	int64_t    *counts = NULL;
	size_t		names_bytes = 0;
	int64_t		nbins = 0;
	CrmPsiState *s = NULL;
	uint32_t	g;

	crm_rd_init(&r, buf, len, kind, PSI_TYPE, err);
	if (!crm_rd_u8(&r, &version) || !crm_rd_u8(&r, &skind) ||
		!crm_rd_u32(&r, &ngroups) || !crm_rd_u32(&r, &ncuts) || !crm_rd_u64(&r, &fingerprint))
		return NULL;
	if (version != CRM_PSI_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if (ngroups < 1 || ngroups > 256 || ncuts > CRM_PSI_MAX_CUTS)
	{
		crm_rd_fail(&r, "dimensions");
		return NULL;
	}
	if (!crm_rd_need(&r, ncuts, 8))
		return NULL;
	cuts = crm_core_alloc(sizeof(double) * (ncuts > 0 ? ncuts : 1));
	gb = crm_core_alloc(sizeof(int32_t) * ngroups);
	names = crm_core_alloc((size_t) ngroups * 201);
	counts = crm_core_alloc(16);
	crm_rd_f64s(&r, cuts, ncuts);
	for (g = 0; g < ngroups && !crm_rd_failed(&r); g++)
	{
		const uint8_t *name;
		uint32_t	nlen;
		uint32_t	bins;
		uint32_t	i;
		int64_t    *more;

		if (!crm_rd_u32(&r, &nlen))
			break;
		if (nlen > 200)
		{
			crm_rd_fail(&r, "a name of %u bytes", nlen);
			break;
		}
		if (!crm_rd_bytes(&r, nlen, &name) || !crm_rd_u32(&r, &bins))
			break;
		if (bins < 2 || nbins + bins > CRM_PSI_MAX_BINS)
		{
			crm_rd_fail(&r, "bins");
			break;
		}
		if (!crm_rd_need(&r, bins, 16))
			break;
		memcpy(names + names_bytes, name, nlen);
		names_bytes += nlen + 1;
		gb[g] = (int32_t) bins;
		more = crm_core_alloc(16 * (size_t) (nbins + bins));
		memcpy(more, counts, 16 * (size_t) nbins);
		crm_core_free(counts);
		counts = more;
		for (i = 0; i < bins; i++)
		{
			crm_rd_i64(&r, &counts[2 * (nbins + i)]);
			crm_rd_i64(&r, &counts[2 * (nbins + i) + 1]);
		}
		nbins += bins;
		crm_check_interrupts();
	}
	if (!crm_rd_failed(&r) && crm_rd_end(&r))
	{
		CrmError	aerr = {0};

		s = crm_psi_alloc(skind, (int32_t) ngroups, gb, names, (int32_t) names_bytes, cuts,
						  (int32_t) ncuts, fingerprint, &aerr);
		if (s == NULL)
			crm_error_set(err, kind, "invalid " PSI_TYPE " value: %s", aerr.message);
		else
		{
			memcpy(crm_psi_counts(s), counts, 16 * (size_t) nbins);
			if (crm_psi_check(s, crm_psi_size(s->ngroups, s->nbins, s->ncuts, s->names_bytes),
							  kind, err) != 0)
			{
				crm_core_free(s);
				s = NULL;
			}
		}
	}
	crm_core_free(cuts);
	crm_core_free(gb);
	crm_core_free(names);
	crm_core_free(counts);
	return s;
}

/* The compact text form. */
char *
crm_psi_print(const CrmPsiState *s)
{
	size_t		n = crm_psi_wire_size(s);
	uint8_t    *bin = crm_core_alloc(n);
	char	   *text;

	crm_psi_encode(s, bin);
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* Read the compact text form (the only text form). */
CrmPsiState *
crm_psi_parse(const char *text, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmPsiState *s;

	bin = crm_wire_from_compact_only(text, &n, PSI_TYPE, err);
	if (bin == NULL)
		return NULL;
	s = crm_psi_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}
