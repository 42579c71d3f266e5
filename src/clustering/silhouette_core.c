/*
 * silhouette_core.c
 *	  crm.silhouette's state: the bottom-s hash sample, its checks, its
 *	  binary and compact text forms, and the silhouette of the sample and
 *	  of any weighted points (see silhouette_core.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silhouette_core.h"
#include "wire_core.h"

/* hashes are 53-bit integers, exact in a double */
#define HASH_LIMIT	9007199254740992.0	/* 2^53 */
#define HASH_SEED	0x5eed
/* bytes of the binary form before the entries */
#define SIL_BINARY_HDRSZ (1 + 2 + 4 * 4 + 8 * 2)

/* An empty state for the model, with room for the whole sample. */
CrmSilhouette *
crm_silhouette_new(const CrmModel *m)
{
	CrmSilhouette *s = crm_core_alloc(crm_silhouette_size(m->dims, CRM_SILHOUETTE_SAMPLE));

	s->version = CRM_SILHOUETTE_VERSION;
	s->dims = m->dims;
	s->k = m->k;
	s->sample = CRM_SILHOUETTE_SAMPLE;
	s->model = crm_model_fingerprint(m);
	return s;
}

/* The header alone (before anything is allocated for the entries). */
static bool
HeaderCheck(const CrmSilhouette *s, CrmError *err)
{
	if (s->version != CRM_SILHOUETTE_VERSION)
		crm_error_set(err, CRM_ERR_INVALID, "unsupported crm.silhouette_state version %d",
					  (int) s->version);
	else if (s->flags != 0)
		crm_error_set(err, CRM_ERR_INVALID, "unknown crm.silhouette_state flags 0x%x",
					  (unsigned) s->flags);
	else if (!crm_check_dims(s->dims, err) || !crm_check_k(s->k, err))
		return false;
	else if (s->sample != CRM_SILHOUETTE_SAMPLE)
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state sample size must be %d, got %d",
					  CRM_SILHOUETTE_SAMPLE, (int) s->sample);
	else if (s->rows < 0 || s->rows > CRM_MAX_ROWS)
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state rows must be between 0 and %lld, got %lld",
					  (long long) CRM_MAX_ROWS, (long long) s->rows);
	else if (s->used != (s->rows < s->sample ? s->rows : s->sample))
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state holds %d rows of %lld; it must hold %lld",
					  (int) s->used, (long long) s->rows,
					  (long long) (s->rows < s->sample ? s->rows : s->sample));
	else
		return true;
	return false;
}

/* One entry: integral hash in [0, 2^53), label in [0, k), coordinates in range. */
static bool
EntryCheck(const CrmSilhouette *s, const double *e, int i, CrmError *err)
{
	int			j;

	if (!(e[0] >= 0 && e[0] < HASH_LIMIT && e[0] == floor(e[0])))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state entry %d has an invalid hash", i + 1);
		return false;
	}
	if (!(e[1] >= 0 && e[1] < s->k && e[1] == floor(e[1])))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state entry %d has an invalid cluster label", i + 1);
		crm_error_detail(err, "Labels are 0 to %d.", (int) s->k - 1);
		return false;
	}
	for (j = 0; j < s->dims; j++)
		if (!(fabs(e[2 + j]) <= CRM_CLUSTER_MAX_ABS))
		{
			char		what[80];

			snprintf(what, sizeof(what), "crm.silhouette_state entry %d coordinate %d", i + 1, j + 1);
			return crm_check_feature(e[2 + j], what, err);
		}
	return true;
}

/* A whole state of size bytes. */
bool
crm_silhouette_check(const CrmSilhouette *s, size_t size, CrmError *err)
{
	int			i;
	size_t		stride;

	if (size < CRM_SILHOUETTE_HDRSZ)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state value of %zu bytes is truncated", size);
		return false;
	}
	if (!HeaderCheck(s, err))
		return false;
	if (size != crm_silhouette_size(s->dims, s->used))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.silhouette_state value of %zu bytes does not match its header",
					  size);
		crm_error_detail(err, "%d entries of %d dimensions take %zu bytes.", (int) s->used,
						 (int) s->dims, crm_silhouette_size(s->dims, s->used));
		return false;
	}
	stride = (size_t) s->dims + 2;
	for (i = 0; i < s->used; i++)
	{
		if (!EntryCheck(s, crm_silhouette_entries(s) + (size_t) i * stride, i, err))
			return false;
		if ((i & 63) == 63)
			crm_check_interrupts();
	}
	return true;
}

/* the hash of entry i */
static inline double
HashOf(const CrmSilhouette *s, int i)
{
	return crm_silhouette_entries(s)[(size_t) i * ((size_t) s->dims + 2)];
}

/*
 * Restore the max-heap by hash below position pos (n entries): the binary
 * heap of Williams ("Algorithm 232: Heapsort", CACM 7(6), 1964).
 */
static void
SiftDown(const CrmSilhouette *s, int *heap, int n, int pos)
{
	for (;;)
	{
		int			l = 2 * pos + 1;
		int			r = l + 1;
		int			big = pos;
		int			t;

		if (l < n && HashOf(s, heap[l]) > HashOf(s, heap[big]))
			big = l;
		if (r < n && HashOf(s, heap[r]) > HashOf(s, heap[big]))
			big = r;
		if (big == pos)
			return;
		t = heap[pos];
		heap[pos] = heap[big];
		heap[big] = t;
		pos = big;
	}
}

/* Arrange the entries' indexes as a max-heap by hash (see the header). */
void
crm_silhouette_heapify(const CrmSilhouette *s, int *heap)
{
	int			i;

	for (i = 0; i < s->used; i++)
		heap[i] = i;
	for (i = s->used / 2 - 1; i >= 0; i--)
	{
		SiftDown(s, heap, s->used, i);
		if ((i & 255) == 255)
			crm_check_interrupts();
	}
}

/* Would an entry with this hash enter the sample? */
static inline bool
Wants(const CrmSilhouette *s, const int *heap, double hash)
{
	return s->used < s->sample || hash < HashOf(s, heap[0]);
}

/*
 * Put one entry into the sample if its hash is low enough: the bottom-s
 * sample by hash (Cohen and Kaplan, "Summarizing data using bottom-k
 * sketches", PODC 2007), which keeps the s smallest hashes of all rows
 * offered, so it is the same whatever the order of rows or of combines.
 * Appended while there is room (the heap is built when the sample fills),
 * else in place of the largest hash, O(log s).
 */
static void
Offer(CrmSilhouette *s, int *heap, const double *entry)
{
	size_t		stride = (size_t) s->dims + 2;
	double	   *base = crm_silhouette_entries(s);

	if (!Wants(s, heap, entry[0]))
		return;
	if (s->used < s->sample)
	{
		memcpy(base + (size_t) s->used * stride, entry, sizeof(double) * stride);
		s->used++;
		if (s->used == s->sample)
			crm_silhouette_heapify(s, heap);
		return;
	}
	memcpy(base + (size_t) heap[0] * stride, entry, sizeof(double) * stride);
	SiftDown(s, heap, s->used, 0);
}

/* One row (see silhouette_core.h). */
bool
crm_silhouette_add(CrmSilhouette *s, int *heap, const CrmModel *m, const double *x,
				   double *entry, CrmError *err)
{
	double		d2;

	/* scaled for every row, so that the range check does not depend on order */
	if (!crm_model_scale_row(m, x, entry + 2, err))
		return false;
	if (s->rows >= CRM_MAX_ROWS)
	{
		crm_error_too_many_rows(err, "crm.silhouette");
		return false;
	}
	s->rows++;
	entry[0] = (double) (crm_hash_bytes64(x, sizeof(double) * (size_t) s->dims, HASH_SEED) >> 11);
	if (!Wants(s, heap, entry[0]))
		return true;
	entry[1] = crm_model_nearest(m, entry + 2, &d2);
	Offer(s, heap, entry);
	return true;
}

/* Merge b into a (same model). */
bool
crm_silhouette_combine(CrmSilhouette *a, int *heap, const CrmSilhouette *b, CrmError *err)
{
	size_t		stride = (size_t) b->dims + 2;
	int			i;

	if (a->dims != b->dims || a->k != b->k || a->sample != b->sample || a->model != b->model)
	{
		crm_error_set(err, CRM_ERR_INVALID, "cannot combine crm.silhouette states of different models");
		return false;
	}
	if (b->rows > CRM_MAX_ROWS - a->rows)
	{
		crm_error_too_many_rows(err, "crm.silhouette");
		return false;
	}
	for (i = 0; i < b->used; i++)
	{
		Offer(a, heap, crm_silhouette_entries(b) + (size_t) i * stride);
		if ((i & 63) == 63)
			crm_check_interrupts();
	}
	a->rows += b->rows;
	return true;
}

/* the state EntryCmp orders (qsort has no context argument) */
static const CrmSilhouette *sort_state;

/* qsort order of entry indexes: by hash, then by the entry's numbers */
static int
EntryCmp(const void *pa, const void *pb)
{
	size_t		stride = (size_t) sort_state->dims + 2;
	const double *a = crm_silhouette_entries(sort_state) + (size_t) *(const int *) pa * stride;
	const double *b = crm_silhouette_entries(sort_state) + (size_t) *(const int *) pb * stride;
	size_t		j;

	for (j = 0; j < stride; j++)
		if (a[j] != b[j])
			return a[j] < b[j] ? -1 : 1;
	return 0;
}

/* Mean silhouette of the sample, summed in hash order (order-independent). */
double
crm_silhouette_value(const CrmSilhouette *s)
{
	int			n = s->used;
	int			d = s->dims;
	size_t		stride = (size_t) d + 2;
	int		   *order;
	double	   *y;
	double	   *w;
	int		   *labels;
	double		v;
	int			i;

	if (n < 2)
		return NAN;
	order = crm_core_alloc(sizeof(int) * n);
	y = crm_core_alloc(sizeof(double) * (size_t) n * d);
	w = crm_core_alloc(sizeof(double) * n);
	labels = crm_core_alloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_state = s;
	qsort(order, n, sizeof(int), EntryCmp);
	sort_state = NULL;
	for (i = 0; i < n; i++)
	{
		const double *e = crm_silhouette_entries(s) + (size_t) order[i] * stride;

		w[i] = 1.0;
		labels[i] = (int) e[1];
		memcpy(y + (size_t) i * d, e + 2, sizeof(double) * d);
		if ((i & 255) == 255)
			crm_check_interrupts();
	}
	v = crm_silhouette_weighted(y, w, labels, n, d, s->k);
	crm_core_free(labels);
	crm_core_free(w);
	crm_core_free(y);
	crm_core_free(order);
	return v;
}

/*
 * The silhouette (Rousseeuw, "Silhouettes: a graphical aid to the
 * interpretation and validation of cluster analysis", J. Comput. Appl. Math.
 * 20, 1987), weighted: for point i in cluster A, a(i) is its mean distance
 * to the other points of A, b(i) the smallest mean distance to the points of
 * another cluster, s(i) = (b - a) / max(a, b), and a singleton cluster
 * scores 0, as in the paper. Weights count points: a representative of w
 * rows stands for w points at its place, the other w - 1 at distance 0.
 * Returns the weighted mean of s(i), NaN with fewer than two non-empty
 * clusters. O(n^2 d): n is a sample of at most 2,000.
 */
static double
SilhouettePlain(const double *y, const double *w, const int *labels,
				int n, int d, int k)
{
	double	   *dsum = crm_core_alloc(sizeof(double) * k);
	double	   *wsum = crm_core_alloc(sizeof(double) * k);
	double		total = 0.0,
				wtot = 0.0;
	int			used = 0;
	int			i,
				c;

	for (c = 0; c < k; c++)
		wsum[c] = 0;
	for (i = 0; i < n; i++)
		wsum[labels[i]] += w[i];
	for (c = 0; c < k; c++)
		if (wsum[c] > 0)
			used++;
	if (used < 2)
	{
		crm_core_free(dsum);
		crm_core_free(wsum);
		return NAN;
	}
	for (i = 0; i < n; i++)
	{
		int			a = labels[i];
		double		own_w,
					ai,
					bi = INFINITY,
					si;
		int			m;

		crm_check_interrupts();
		memset(dsum, 0, sizeof(double) * k);
		for (m = 0; m < n; m++)
			if (m != i)
				dsum[labels[m]] += w[m] * sqrt(crm_dist2(y + (size_t) i * d, y + (size_t) m * d, d));
		/* the other rows a representative stands for sit at distance ~0 */
		own_w = wsum[a] - 1.0;
		if (own_w <= 0)
			si = 0.0;			/* a singleton cluster scores 0 (Rousseeuw) */
		else
		{
			ai = dsum[a] / own_w;
			for (c = 0; c < k; c++)
				if (c != a && wsum[c] > 0 && dsum[c] / wsum[c] < bi)
					bi = dsum[c] / wsum[c];
			si = (ai < bi) ? 1.0 - ai / bi : (ai > bi ? bi / ai - 1.0 : 0.0);
		}
		total += w[i] * si;
		wtot += w[i];
	}
	crm_core_free(dsum);
	crm_core_free(wsum);
	return total / wtot;
}

/*
 * Mean silhouette; points too close for their squared distances (below
 * 2^-256, see crm_tiny_exponent) are measured on a copy scaled by a power of
 * two, which leaves every ratio, and so the silhouette, as it is.
 */
double
crm_silhouette_weighted(const double *y, const double *w, const int *labels,
						int n, int d, int k)
{
	size_t		count = (size_t) n * d;
	int			e = crm_tiny_exponent(y, count);
	double	   *scaled;
	double		result;

	if (e == 0)
		return SilhouettePlain(y, w, labels, n, d, k);
	scaled = crm_core_alloc(sizeof(double) * count);
	memcpy(scaled, y, sizeof(double) * count);
	crm_scale_pow2(scaled, count, e);
	result = SilhouettePlain(scaled, w, labels, n, d, k);
	crm_core_free(scaled);
	return result;
}

/* ------------------------------------------------------------ forms */

/* Bytes of the binary form. */
size_t
crm_silhouette_binary_size(const CrmSilhouette *s)
{
	return SIL_BINARY_HDRSZ + crm_silhouette_size(s->dims, s->used) - CRM_SILHOUETTE_HDRSZ;
}

/* Write the binary form into buf (crm_silhouette_binary_size bytes). */
bool
crm_silhouette_encode(const CrmSilhouette *s, void *buf)
{
	CrmWriter	w;

	crm_wr_init(&w, buf, crm_silhouette_binary_size(s));
	crm_wr_u8(&w, CRM_SILHOUETTE_VERSION);
	crm_wr_u16(&w, s->flags);
	crm_wr_u32(&w, (uint32_t) s->dims);
	crm_wr_u32(&w, (uint32_t) s->k);
	crm_wr_u32(&w, (uint32_t) s->sample);
	crm_wr_u32(&w, (uint32_t) s->used);
	crm_wr_u64(&w, (uint64_t) s->rows);
	crm_wr_u64(&w, s->model);
	crm_wr_f64s(&w, crm_silhouette_entries(s), (size_t) s->used * ((size_t) s->dims + 2));
	return crm_wr_done(&w);
}

/* Read a binary form: structure errors of kind, then crm_silhouette_check. */
CrmSilhouette *
crm_silhouette_decode(const void *buf, size_t len, CrmErrorKind kind, CrmError *err)
{
	CrmReader	r;
	CrmSilhouette h;
	CrmSilhouette *s;
	uint8_t		version;
	uint16_t	flags;
	size_t		n;

	memset(&h, 0, sizeof(h));
	crm_rd_init(&r, buf, len, kind, "crm.silhouette_state", err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_SILHOUETTE_VERSION)
	{
		crm_rd_fail(&r, "unsupported version %d", (int) version);
		return NULL;
	}
	h.version = version;
	crm_rd_u16(&r, &flags);
	h.flags = flags;
	crm_rd_i32(&r, &h.dims);
	crm_rd_i32(&r, &h.k);
	crm_rd_i32(&r, &h.sample);
	crm_rd_i32(&r, &h.used);
	crm_rd_i64(&r, &h.rows);
	crm_rd_u64(&r, &h.model);
	if (crm_rd_failed(&r) || !HeaderCheck(&h, err))
		return NULL;
	n = (size_t) h.used * ((size_t) h.dims + 2);
	if (!crm_rd_need(&r, n, sizeof(double)))
		return NULL;
	s = crm_core_alloc(crm_silhouette_size(h.dims, h.used));
	*s = h;
	if (!crm_rd_f64s(&r, crm_silhouette_entries(s), n) || !crm_rd_end(&r) ||
		!crm_silhouette_check(s, crm_silhouette_size(h.dims, h.used), err))
	{
		crm_core_free(s);
		return NULL;
	}
	return s;
}

/* The compact text: crm64: and the binary form in base64. */
char *
crm_silhouette_print(const CrmSilhouette *s)
{
	size_t		n = crm_silhouette_binary_size(s);
	uint8_t    *bin = crm_core_alloc(n);
	char	   *text;

	crm_silhouette_encode(s, bin);
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* Read the compact text (the only text form). */
CrmSilhouette *
crm_silhouette_parse(const char *text, CrmError *err)
{
	uint8_t    *bin;
	size_t		n;
	CrmSilhouette *s;

	if (!crm_wire_is_compact(text))
	{
		crm_error_set(err, CRM_ERR_SYNTAX, "invalid input syntax for type crm.silhouette_state");
		crm_error_detail(err, "The text form is \"" CRM_WIRE_PREFIX "\" followed by base64.");
		return NULL;
	}
	bin = crm_wire_from_text(text, &n, "crm.silhouette_state", err);
	if (bin == NULL)
		return NULL;
	s = crm_silhouette_decode(bin, n, CRM_ERR_SYNTAX, err);
	crm_core_free(bin);
	return s;
}
