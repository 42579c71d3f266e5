/*
 * gini_core.c
 *	  crm.gini_state and the Gini coefficient (see gini_core.h).
 *
 * The Gini coefficient (C. Gini, "Variabilità e mutabilità", 1912) is the
 * mean absolute difference between all pairs of values, divided by twice
 * the mean: 0 when every manager carries the same load, towards 1 when one
 * carries it all.  Over all pairs it costs O(n^2); on sorted values it is
 * a weighted sum, O(n) after the sort (a radix sort, O(n) too).
 * The coefficient uses the rank form
 *     G = sum_i (2i - n - 1) x_(i) / (n * sum_i x_i)     (x sorted, i = 1..n)
 * which equals the mean absolute difference over all pairs divided by twice
 * the mean (Kendall & Stuart, The Advanced Theory of Statistics, vol. 1).
 * The numerator is summed with the terms of i and n + 1 - i paired:
 *     sum_{i <= n/2} (n + 1 - 2i) (x_(n+1-i) - x_(i))
 * so every term is non-negative and nothing cancels (summed term by term,
 * n equal values left a residue of about 1e-17 instead of 0).
 * The values are sorted by an in-place most-significant-digit radix sort on
 * their bits (non-negative doubles order as their bit patterns), which
 * checks for interrupts as it goes; a library qsort of 100 million values
 * could not be cancelled.
 */
#include <math.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "gini_core.h"
#include "validate_core.h"
#include "wire_core.h"

#define STATE_TYPE "crm.gini_state"

/* A zeroed state with room for cap values, or the cap's error. */
CrmGiniState *
crm_gini_state_alloc(int64_t cap, CrmError *err)
{
	CrmGiniState *s;

	if (cap < 0 || cap > CRM_GINI_MAX_VALUES)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "crm.gini: too many values in one group");
		crm_error_detail(err, "A crm.gini_state holds at most %lld values (8 bytes each), so that its text form stays under 1 GB.",
						 (long long) CRM_GINI_MAX_VALUES);
		return NULL;
	}
	s = crm_core_alloc(crm_gini_state_size(cap));
	s->version = CRM_GINI_STATE_VERSION;
	s->cap = cap;
	return s;
}

/*
 * A value must be finite (crm's rule for numbers, validate_core.h) and not
 * negative: the one check of a value, whichever way it arrives.
 */
int
crm_gini_value_check(double x, CrmError *err)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isfinite(x) && x >= 0)
		return 0;
	if (crm_check_finite(x, "crm.gini: value", err))
	{
		double_to_shortest_decimal_buf(x, num);
		crm_error_set(err, CRM_ERR_INVALID, "crm.gini: value must not be negative, got %s", num);
	}
	return -1;
}

/* Check a state's header against the bytes it really has, in O(1). */
int
crm_gini_state_check_header(const CrmGiniState *s, size_t size, CrmErrorKind kind,
							CrmError *err)
{
	const char *why = NULL;

	if (size < CRM_GINI_STATE_HDRSZ)
		why = "too short";
	else if (s->version != CRM_GINI_STATE_VERSION || s->pad[0] || s->pad[1] || s->pad[2])
		why = "unsupported version or reserved bytes not zero";
	else if (s->cap < 0 || s->cap > CRM_GINI_MAX_VALUES || s->n < 0 || s->n > s->cap)
		why = "count beyond its capacity";
	else if (size != crm_gini_state_size(s->cap))
		why = "size does not match its capacity";
	if (why == NULL)
		return 0;
	crm_error_set(err, kind, "invalid " STATE_TYPE " value: %s", why);
	return -1;
}

/* Check the values of a state (and that -0 is stored as 0). */
int
crm_gini_state_check_values(const CrmGiniState *s, CrmError *err)
{
	int64_t		i;

	for (i = 0; i < s->n; i++)
	{
		if (crm_gini_value_check(s->v[i], err) != 0)
			return -1;
		if (s->v[i] == 0 && signbit(s->v[i]))
		{
			/* values are stored with -0 as 0 */
			crm_error_set(err, CRM_ERR_INVALID, "invalid " STATE_TYPE " value: value %lld is -0",
						  (long long) i + 1);
			return -1;
		}
		if ((i & 0xFFFFF) == 0xFFFFF)
			crm_check_interrupts();
	}
	return 0;
}

/* Write a state's binary form. */
void
crm_gini_state_encode(const CrmGiniState *s, uint8_t *out)
{
	CrmWriter	w;

	crm_wr_init(&w, out, crm_gini_state_wire_size(s->n));
	crm_wr_u8(&w, CRM_GINI_STATE_VERSION);
	crm_wr_u64(&w, (uint64_t) s->n);
	crm_wr_f64s(&w, s->v, (size_t) s->n);
}

/* Read a state's binary form (recv, or compact text). */
CrmGiniState *
crm_gini_state_decode(const uint8_t *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	int64_t		n;
	int64_t		i;
	CrmGiniState *s;

	crm_rd_init(&r, buf, len, kind, STATE_TYPE, err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_GINI_STATE_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	if (!crm_rd_i64(&r, &n))
		return NULL;
	if (n < 0)
	{
		crm_rd_fail(&r, "value count %lld", (long long) n);
		return NULL;
	}
	if (!crm_rd_need(&r, (uint64_t) n, 8))
		return NULL;
	s = crm_gini_state_alloc(n > 0 ? n : 1, err);
	if (s == NULL)
		return NULL;
	crm_rd_f64s(&r, s->v, (size_t) n);
	s->n = n;
	for (i = 0; i < n; i++)
		if (s->v[i] == 0.0)
			s->v[i] = 0.0;		/* -0 becomes 0 */
	if (!crm_rd_end(&r) || crm_gini_state_check_values(s, err) != 0)
	{
		crm_core_free(s);
		return NULL;
	}
	return s;
}

/* A state's text form: always the compact form. */
char *
crm_gini_state_print(const CrmGiniState *s)
{
	size_t		n = (size_t) crm_gini_state_wire_size(s->n);
	uint8_t    *bin = crm_core_alloc(n);
	char	   *text;

	/* n <= CRM_WIRE_MAX_BINARY: the cap keeps it there */
	crm_gini_state_encode(s, bin);
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* Read a state's text form (the compact form only). */
CrmGiniState *
crm_gini_state_parse(const char *text, CrmError *err)
{
	size_t		n;
	uint8_t    *bin;
	CrmGiniState *s;

	bin = crm_wire_from_compact_only(text, &n, STATE_TYPE, err);
	if (bin == NULL)
		return NULL;
	s = crm_gini_state_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}

/* Insertion sort of a few keys. */
static void
InsertionSort(uint64_t *a, size_t n)
{
	size_t		i;

	for (i = 1; i < n; i++)
	{
		uint64_t	v = a[i];
		size_t		j = i;

		while (j > 0 && a[j - 1] > v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/*
 * In-place MSD radix sort of keys by their byte at shift and below
 * (American flag sort: count the buckets, then move each key into its
 * bucket by following cycles, then sort each bucket by the next byte).
 * At most 8 levels deep; *ticks counts moves for the interrupt checks.
 *
 * American flag sort (P. M. McIlroy, K. Bostic and M. D. McIlroy,
 * "Engineering radix sort", Computing Systems 6(1), 1993) needs no second
 * buffer, which matters for a state of up to 100 million values (800 MB):
 * the cycle-following permutation moves each key straight into its
 * bucket.  Buckets of 32 keys or fewer are finished by insertion sort,
 * where the 256 counters would cost more than the keys.  The keys are the
 * values' bits: non-negative doubles order as their bit patterns.
 */
static void
RadixSortKeys(uint64_t *a, size_t n, int shift, uint64_t *ticks)
{
	size_t		count[256] = {0};
	size_t		next[256];
	size_t		end[256];
	size_t		sum = 0;
	int			b;
	size_t		i;

	if (n <= 32)
	{
		InsertionSort(a, n);
		return;
	}
	for (i = 0; i < n; i++)
		count[(a[i] >> shift) & 0xFF]++;
	for (b = 0; b < 256; b++)
	{
		next[b] = sum;
		sum += count[b];
		end[b] = sum;
	}
	for (b = 0; b < 256; b++)
	{
		while (next[b] < end[b])
		{
			uint64_t	v = a[next[b]];
			int			d = (int) ((v >> shift) & 0xFF);

			while (d != b)
			{
				uint64_t	t = a[next[d]];

				a[next[d]++] = v;
				v = t;
				d = (int) ((v >> shift) & 0xFF);
				if ((++*ticks & 0xFFFFF) == 0)
					crm_check_interrupts();
			}
			a[next[b]++] = v;
		}
	}
	if (shift == 0)
		return;
	for (b = 0; b < 256; b++)
		if (count[b] > 1)
			RadixSortKeys(a + end[b] - count[b], count[b], shift - 8, ticks);
}

/*
 * The Gini coefficient of n checked values (sorted copy): the rank form
 * with paired terms, scaled by a power of two (see the header comment).
 */
double
crm_gini_coefficient(const double *x, int64_t n)
{
	uint64_t   *key = crm_core_alloc(sizeof(uint64_t) * (size_t) n);
	uint64_t	ticks = 0;
	double		sum = 0;
	double		weighted = 0;
	double		max;
	int			exponent;
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		double		v = x[i] == 0.0 ? 0.0 : x[i];

		memcpy(&key[i], &v, sizeof(v));
	}
	RadixSortKeys(key, (size_t) n, 56, &ticks);
	memcpy(&max, &key[n - 1], sizeof(max));
	if (max <= 0)
	{
		crm_core_free(key);
		return 0.0;				/* all zero: perfectly even */
	}

	/*
	 * Scaled by the power of two at or above the largest value, so that
	 * neither sum can overflow however large the values are; the
	 * coefficient does not change with scale, and a power of two scales
	 * exactly.
	 */
	(void) frexp(max, &exponent);
	for (i = 0; i < n; i++)
	{
		double		lo;
		double		hi;

		memcpy(&lo, &key[i], sizeof(lo));
		sum += ldexp(lo, -exponent);
		if (i < n / 2)
		{
			memcpy(&hi, &key[n - 1 - i], sizeof(hi));
			weighted += (double) (n - 1 - 2 * i) * (ldexp(hi, -exponent) - ldexp(lo, -exponent));
		}
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
	}
	crm_core_free(key);
	return fmax(0.0, weighted / ((double) n * sum));
}
