/*
 * model_core.c
 *	  The clustering model (crm.clusters): scaling, nearest centroid,
 *	  canonical order, checking, the text forms (JSON and compact), the
 *	  binary form, and the kmeans_refine accumulator.
 *
 * Every way a model enters (JSON, compact text, binary, an aggregate state)
 * ends in crm_model_check, and every function that builds one (refine)
 * ends in it too, so a value is accepted in one form exactly when it is
 * accepted in the others, and nothing crm returns is refused on the way
 * back in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_core.h"
#include "json_core.h"
#include "wire_core.h"

/* an int64 read from JSON, clamped into int32 (the header check judges it) */
static inline int32_t
ClampInt32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t) v);
}

/* x (original units) -> y (the model's scaled space) */
void
crm_model_scale(const CrmModel *m, const double *x, double *y)
{
	int			j;

	if (m->scale == CRM_SCALE_ATAN)
	{
		double		inv = 1.0 / m->atan_scale;

		for (j = 0; j < m->dims; j++)
			y[j] = M_2_PI * atan(x[j] * inv);
	}
	else
	{
		const double *c = crm_model_center(m);
		const double *f = crm_model_factor(m);

		for (j = 0; j < m->dims; j++)
			y[j] = (x[j] - c[j]) * f[j];
	}
}

/* Scale a checked row and refuse coordinates beyond the row limit. */
bool
crm_model_scale_row(const CrmModel *m, const double *x, double *y, CrmError *err)
{
	int			j;

	crm_model_scale(m, x, y);
	for (j = 0; j < m->dims; j++)
		if (!(fabs(y[j]) <= CRM_CLUSTER_MAX_ABS))
		{
			crm_error_set(err, CRM_ERR_RANGE,
						  "feature %d is out of range in the model's scaled space: %g", j + 1, y[j]);
			crm_error_detail(err, "Scaled features must lie within +-1e100 (the model's scale factor is %g).",
							 crm_model_factor(m)[j]);
			return false;
		}
	return true;
}

/* y (scaled space) -> original units */
void
crm_model_unscale(const CrmModel *m, const double *y, double *x)
{
	int			j;

	if (m->scale == CRM_SCALE_ATAN)
	{
		for (j = 0; j < m->dims; j++)
		{
			/* means of atan values lie in [-1, 1]; the ends are +-infinity */
			double		t = y[j];

			if (t >= 1.0)
				x[j] = HUGE_VAL;
			else if (t <= -1.0)
				x[j] = -HUGE_VAL;
			else
				x[j] = m->atan_scale * tan(t * M_PI_2);
		}
	}
	else
	{
		const double *c = crm_model_center(m);
		const double *f = crm_model_factor(m);

		for (j = 0; j < m->dims; j++)
			x[j] = y[j] / f[j] + c[j];
	}
}

/*
 * Nearest centroid of y among points so close together that their squared
 * distances underflow (coordinates around 1e-200): the differences are
 * scaled by 2^600 first, which is exact, so the comparison sees them.  A
 * centroid far away overflows to Infinity, which only loses.
 */
static int
NearestScaled(const CrmModel *m, const double *y)
{
	const double *cen = crm_model_centroids(m);
	int			d = m->dims;
	int			best = 0;
	double		bestd = INFINITY;
	int			c;

	for (c = 0; c < m->k; c++)
	{
		const double *z = cen + (size_t) c * d;
		double		s = 0.0;
		int			j;

		for (j = 0; j < d && s < bestd; j++)
		{
			double		t = (y[j] - z[j]) * 0x1p600;

			s += t * t;
		}
		if (s < bestd)
		{
			bestd = s;
			best = c;
		}
		if ((c & 255) == 255)
			crm_check_interrupts();
	}
	return best;
}

/*
 * Nearest centroid of y (0-based) and its squared distance (which may
 * underflow to 0 for tiny coordinates; the choice of centroid does not).
 */
int
crm_model_nearest(const CrmModel *m, const double *y, double *dist2)
{
	const double *cen = crm_model_centroids(m);
	int			d = m->dims;
	int			best = 0;
	double		bestd = INFINITY;
	int			c;

	for (c = 0; c < m->k; c++)
	{
		const double *z = cen + (size_t) c * d;
		double		s = 0.0;
		int			j;

		for (j = 0; j < d && s < bestd; j++)
		{
			double		t = y[j] - z[j];

			s += t * t;
		}
		if (s < bestd)
		{
			bestd = s;
			best = c;
		}
		if ((c & 255) == 255)
			crm_check_interrupts();
	}
	if (bestd < 0x1p-900 && m->k > 1)
		best = NearestScaled(m, y);
	*dist2 = bestd;
	return best;
}

/* the model ClusterCmp orders (qsort has no context argument) */
static const CrmModel *sort_model;

/* qsort order of cluster indexes: weight descending, then centroid */
static int
ClusterCmp(const void *a, const void *b)
{
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	const double *w = crm_model_weight(sort_model);
	const double *cen = crm_model_centroids(sort_model);
	int			d = sort_model->dims;
	int			t;

	if (w[i] != w[j])
		return w[i] > w[j] ? -1 : 1;
	for (t = 0; t < d; t++)
	{
		double		x = cen[(size_t) i * d + t];
		double		y = cen[(size_t) j * d + t];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return (i > j) - (i < j);
}

/* Reorder the clusters (and their accumulators) canonically. */
void
crm_model_canonical_order(CrmModel *m)
{
	int			k = m->k;
	int			d = m->dims;
	int		   *order = crm_core_alloc(sizeof(int) * k);
	size_t		block = crm_model_value_size(m) -
		((char *) crm_model_centroids(m) - (char *) m);
	double	   *copy = crm_core_alloc(block);
	int			c;
	bool		pending = (m->flags & CRM_MODEL_PENDING) != 0;

	for (c = 0; c < k; c++)
		order[c] = c;
	sort_model = m;
	qsort(order, k, sizeof(int), ClusterCmp);
	sort_model = NULL;
	/* copy: centroids, weight, sse [, acc_sum, acc_w, acc_sse] */
	memcpy(copy, crm_model_centroids(m), block);
	for (c = 0; c < k; c++)
	{
		int			o = order[c];

		memcpy(crm_model_centroids(m) + (size_t) c * d, copy + (size_t) o * d, sizeof(double) * d);
		crm_model_weight(m)[c] = copy[(size_t) k * d + o];
		crm_model_sse(m)[c] = copy[(size_t) k * d + k + o];
		if (pending)
		{
			double	   *acc = copy + (size_t) k * d + 2 * k;

			memcpy(crm_model_acc_sum(m) + (size_t) c * d, acc + (size_t) o * d, sizeof(double) * d);
			crm_model_acc_w(m)[c] = acc[(size_t) k * d + o];
			crm_model_acc_sse(m)[c] = acc[(size_t) k * d + k + o];
		}
		if ((c & 255) == 255)
			crm_check_interrupts();
	}
	crm_core_free(copy);
	crm_core_free(order);
}

/* bytes of the part that defines the assignment: center, factor, centroids */
static inline size_t
DefiningBytes(const CrmModel *m)
{
	return sizeof(double) * (2 * (size_t) m->dims + (size_t) m->k * m->dims);
}

/* Hash of k, dims, scale, atan_scale, center, factor and centroids. */
uint64_t
crm_model_fingerprint(const CrmModel *m)
{
	uint64_t	h = crm_hash_bytes64(&m->k, sizeof(int32_t) * 3, 0);

	h = crm_hash_bytes64(&m->atan_scale, sizeof(double), h);
	return crm_hash_bytes64(crm_model_center(m), DefiningBytes(m), h);
}

/* Same scaling and centroids, byte for byte (what assign depends on). */
bool
crm_model_same_assignment(const CrmModel *a, const CrmModel *b)
{
	return a->k == b->k && a->dims == b->dims && a->scale == b->scale &&
		memcmp(&a->atan_scale, &b->atan_scale, sizeof(double)) == 0 &&
		memcmp(crm_model_center(a), crm_model_center(b), DefiningBytes(a)) == 0;
}

/* ------------------------------------------------------------ checking */

/* The header alone: caps, ranges and flags (before anything is allocated). */
static bool
ModelHeaderCheck(const CrmModel *m, CrmError *err)
{
	char		got[40];

	if (m->version != CRM_MODEL_VERSION_1 && m->version != CRM_MODEL_VERSION_2)
		crm_error_set(err, CRM_ERR_INVALID, "unsupported crm.clusters version %d", (int) m->version);
	else if (!crm_check_k(m->k, err) || !crm_check_dims(m->dims, err))
		return false;
	else if ((m->flags & ~CRM_MODEL_PENDING) != 0)
		crm_error_set(err, CRM_ERR_INVALID, "unknown crm.clusters flags 0x%x", (unsigned) m->flags);
	else if (m->scale < 0 || m->scale > CRM_SCALE_ATAN)
	{
		snprintf(got, sizeof(got), "%d", (int) m->scale);
		crm_error_scale(err, "crm.clusters scale", got);
	}
	else if (m->rows < 0 || m->rows > CRM_MAX_ROWS)
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters rows must be between 0 and %lld, got %lld",
					  (long long) CRM_MAX_ROWS, (long long) m->rows);
	else if (m->iterations < 0 || m->iterations > 1000000000)
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters iterations must be between 0 and 1000000000, got %d",
					  (int) m->iterations);
	else if (m->pending_rows < 0 || m->pending_rows > CRM_MAX_ROWS ||
			 (!(m->flags & CRM_MODEL_PENDING) && m->pending_rows != 0))
		crm_error_set(err, CRM_ERR_INVALID, "invalid crm.clusters pending rows %lld",
					  (long long) m->pending_rows);
	else if (!crm_check_finite(m->total_sse, "crm.clusters total_sse", err))
		return false;
	else if (m->total_sse < 0)
	{
		crm_json_format_double(got, m->total_sse);
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters total_sse must be at least 0, got %s", got);
	}
	else
		return crm_check_atan_scale(m->atan_scale, "crm.clusters atan_scale", err);
	return false;
}

/*
 * The name of the i-th double of a model's body (center, factor,
 * centroids, weight, sse, then the accumulator) for messages, such as
 * "crm.clusters centroid 2 coordinate 1".
 */
static void
ModelValueName(const CrmModel *m, size_t i, char *buf, size_t size)
{
	size_t		d = (size_t) m->dims;
	size_t		k = (size_t) m->k;

	if (i < 2 * d)
	{
		snprintf(buf, size, "crm.clusters %s %zu", i < d ? "center" : "factor", i % d + 1);
		return;
	}
	i -= 2 * d;
	if (i < k * d)
	{
		snprintf(buf, size, "crm.clusters centroid %zu coordinate %zu", i / d + 1, i % d + 1);
		return;
	}
	i -= k * d;
	if (i < 2 * k)
	{
		snprintf(buf, size, "crm.clusters %s %zu", i < k ? "weight" : "sse", i % k + 1);
		return;
	}
	i -= 2 * k;
	if (i < k * d)
		snprintf(buf, size, "crm.clusters pending sum %zu coordinate %zu", i / d + 1, i % d + 1);
	else
		snprintf(buf, size, "crm.clusters pending %s %zu", i - k * d < k ? "weight" : "sse",
				 (i - k * d) % k + 1);
}

/* Every double of the body is finite (up to 2 million of them). */
static bool
AllFinite(const CrmModel *m, size_t n, CrmError *err)
{
	const double *v = crm_model_center(m);
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (!isfinite(v[i]))
		{
			char		what[80];

			ModelValueName(m, i, what, sizeof(what));
			crm_error_not_finite(err, what, v[i]);
			return false;
		}
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
	}
	return true;
}

/* The n body doubles from index `from` lie within [-limit, limit] (22003). */
static bool
Within(const CrmModel *m, size_t from, size_t n, double limit, CrmError *err)
{
	const double *v = crm_model_center(m) + from;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (!(fabs(v[i]) <= limit))
		{
			char		what[80];
			char		got[40];
			char		lim[40];

			ModelValueName(m, from + i, what, sizeof(what));
			crm_json_format_double(got, v[i]);
			crm_json_format_double(lim, limit);
			crm_error_set(err, CRM_ERR_RANGE, "%s is out of range: %s", what, got);
			crm_error_detail(err, "The limit is +-%s.", lim);
			return false;
		}
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
	}
	return true;
}

/* The accumulator: integral counts summing to pending_rows, SSE >= 0. */
static bool
AccumulatorCheck(const CrmModel *m, CrmError *err)
{
	const double *w = crm_model_acc_w(m);
	const double *sse = crm_model_acc_sse(m);
	uint64_t	total = 0;
	int			c;

	for (c = 0; c < m->k; c++)
	{
		if (!(w[c] >= 0 && w[c] <= (double) CRM_MAX_ROWS && w[c] == floor(w[c])) ||
			!(sse[c] >= 0))
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "crm.clusters pending weight and sse must be whole row counts and sums >= 0");
			crm_error_detail(err, "Cluster %d has weight %g and sse %g.", c + 1, w[c], sse[c]);
			return false;
		}
		total += (uint64_t) w[c];
	}
	if (total != (uint64_t) m->pending_rows)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "crm.clusters pending weights sum to %llu rows, but pending rows is %lld",
					  (unsigned long long) total, (long long) m->pending_rows);
		return false;
	}
	return true;
}

/* A complete value of size bytes (see model_core.h). */
bool
crm_model_check(const CrmModel *m, size_t size, CrmError *err)
{
	bool		pending;
	size_t		i;
	size_t		kd;
	size_t		names_size = 0;

	if (size < CRM_MODEL_HDRSZ)
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters value of %zu bytes is truncated", size);
		return false;
	}
	if (!ModelHeaderCheck(m, err))
		return false;
	pending = (m->flags & CRM_MODEL_PENDING) != 0;
	if (m->version >= CRM_MODEL_VERSION_2)
	{
		if (!crm_names_block_check(crm_model_names(m), size - CRM_MODEL_HDRSZ, m->dims,
								   "crm.clusters", err))
			return false;
		names_size = crm_model_names_size(m);
	}
	if (size != crm_model_size(names_size, m->k, m->dims, pending))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters value of %zu bytes does not match its header",
					  size);
		crm_error_detail(err, "k %d, dims %d%s: %zu bytes.", (int) m->k, (int) m->dims,
						 pending ? " with an accumulator" : "",
						 crm_model_size(names_size, m->k, m->dims, pending));
		return false;
	}
	kd = (size_t) m->k * m->dims;
	if (!AllFinite(m, crm_model_body_doubles(m->k, m->dims, pending), err) ||
		!Within(m, 0, m->dims, CRM_MODEL_MAX_COORD, err) ||
		!Within(m, 2 * (size_t) m->dims, kd,
				m->scale == CRM_SCALE_ATAN ? 1.0 : CRM_MODEL_MAX_COORD, err))
		return false;
	for (i = 0; i < (size_t) m->dims; i++)
		if (!(crm_model_factor(m)[i] > 0))
		{
			crm_error_set(err, CRM_ERR_INVALID, "crm.clusters scale factors must be > 0");
			return false;
		}
	for (i = 0; i < (size_t) m->k; i++)
		if (crm_model_weight(m)[i] < 0 || crm_model_sse(m)[i] < 0)
		{
			crm_error_set(err, CRM_ERR_INVALID, "crm.clusters weights and sse must be >= 0");
			return false;
		}
	return !pending || AccumulatorCheck(m, err);
}

/* A new model of the current version (see model_core.h). */
CrmModel *
crm_model_new(int k, int dims, bool pending, const void *names)
{
	size_t		names_size = names ? crm_names_block_bytes(names) : CRM_NAMES_EMPTY_SIZE;
	CrmModel   *m = crm_core_alloc(crm_model_size(names_size, k, dims, pending));

	m->version = CRM_MODEL_VERSION;
	m->flags = pending ? CRM_MODEL_PENDING : 0;
	m->k = k;
	m->dims = dims;
	if (names)
		memcpy((char *) m + CRM_MODEL_HDRSZ, names, names_size);
	else
		crm_names_block_write((char *) m + CRM_MODEL_HDRSZ, 0, NULL, NULL);
	return m;
}

/* The same model, whatever the version (see model_core.h). */
bool
crm_model_equal(const CrmModel *a, const CrmModel *b)
{
	bool		pending = (a->flags & CRM_MODEL_PENDING) != 0;

	return a->flags == b->flags && a->k == b->k && a->dims == b->dims &&
		a->scale == b->scale && a->iterations == b->iterations && a->rows == b->rows &&
		memcmp(&a->total_sse, &b->total_sse, sizeof(double)) == 0 &&
		memcmp(&a->atan_scale, &b->atan_scale, sizeof(double)) == 0 &&
		a->pending_rows == b->pending_rows &&
		crm_names_equal(crm_model_names(a), crm_model_names(b)) &&
		memcmp(crm_model_center(a), crm_model_center(b),
			   crm_model_body_doubles(a->k, a->dims, pending) * sizeof(double)) == 0;
}

/* ------------------------------------------------------------ binary form */

/* Count or write a big-endian 16-bit integer. */
static inline void
EncU16(CrmEnc *e, uint16_t v)
{
	crm_enc_u8(e, (uint8_t) (v >> 8));
	crm_enc_u8(e, (uint8_t) v);
}

/* Count or write a big-endian 64-bit integer. */
static inline void
EncU64(CrmEnc *e, uint64_t v)
{
	crm_enc_u32(e, (uint32_t) (v >> 32));
	crm_enc_u32(e, (uint32_t) v);
}

/*
 * Binary form, big-endian: version (1 byte), flags (2), k, dims, scale,
 * iterations (4 each), rows (8), total_sse, atan_scale (8 each),
 * pending_rows (8); in version 2 the feature names (a count, 0 or dims,
 * then each name as a uint32 byte count and its bytes); then every double
 * of the body in storage order.  A version 1 value is written in the
 * version 1 form, which has no names.
 */
static void
EncodeModel(CrmEnc *e, const void *value)
{
	const CrmModel *m = value;

	crm_enc_u8(e, (uint8_t) m->version);
	EncU16(e, m->flags);
	crm_enc_u32(e, (uint32_t) m->k);
	crm_enc_u32(e, (uint32_t) m->dims);
	crm_enc_u32(e, (uint32_t) m->scale);
	crm_enc_u32(e, (uint32_t) m->iterations);
	EncU64(e, (uint64_t) m->rows);
	crm_enc_f64(e, m->total_sse);
	crm_enc_f64(e, m->atan_scale);
	EncU64(e, (uint64_t) m->pending_rows);
	if (m->version >= CRM_MODEL_VERSION_2)
		crm_names_encode(e, crm_model_names(m));
	crm_enc_f64s(e, crm_model_center(m),
				 crm_model_body_doubles(m->k, m->dims, (m->flags & CRM_MODEL_PENDING) != 0));
}

/* Bytes of the binary form, names as stored. */
size_t
crm_model_binary_size(const CrmModel *m)
{
	CrmEnc		e;

	memset(&e, 0, sizeof(e));
	e.sizing = true;
	EncodeModel(&e, m);
	return e.size;
}

/* The binary form (see model_core.h). */
uint8_t *
crm_model_encode(const CrmModel *m, CrmConvFn conv, size_t *len)
{
	return crm_encode(EncodeModel, m, conv, len);
}

/* Read a binary form (see model_core.h). */
CrmModel *
crm_model_decode(const void *buf, size_t len, CrmErrorKind kind, CrmConvFn conv, CrmError *err)
{
	CrmReader	r;
	CrmModel	h;
	CrmModel   *m;
	uint8_t		version;
	uint16_t	flags;
	size_t		size;
	size_t		nd;
	void	   *names = NULL;

	memset(&h, 0, sizeof(h));
	crm_rd_init(&r, buf, len, kind, "crm.clusters", err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_MODEL_VERSION_1 && version != CRM_MODEL_VERSION_2)
	{
		crm_rd_fail(&r, "unsupported version %d", (int) version);
		return NULL;
	}
	h.version = version;
	crm_rd_u16(&r, &flags);
	h.flags = flags;
	crm_rd_i32(&r, &h.k);
	crm_rd_i32(&r, &h.dims);
	crm_rd_i32(&r, &h.scale);
	crm_rd_i32(&r, &h.iterations);
	crm_rd_i64(&r, &h.rows);
	crm_rd_f64(&r, &h.total_sse);
	crm_rd_f64(&r, &h.atan_scale);
	crm_rd_i64(&r, &h.pending_rows);
	if (crm_rd_failed(&r) || !ModelHeaderCheck(&h, err))
		return NULL;
	if (version >= CRM_MODEL_VERSION_2)
	{
		names = crm_names_decode(&r, conv, h.dims);
		if (names == NULL)
			return NULL;
	}
	nd = crm_model_body_doubles(h.k, h.dims, (h.flags & CRM_MODEL_PENDING) != 0);
	/* a forged header cannot make us allocate more than the input holds */
	if (!crm_rd_need(&r, nd, sizeof(double)))
	{
		if (names)
			crm_core_free(names);
		return NULL;
	}
	if (version >= CRM_MODEL_VERSION_2)
	{
		m = crm_model_new(h.k, h.dims, (h.flags & CRM_MODEL_PENDING) != 0, names);
		crm_core_free(names);
	}
	else
		m = crm_core_alloc(crm_model_size(0, h.k, h.dims, (h.flags & CRM_MODEL_PENDING) != 0));
	memcpy((char *) m + sizeof(int32_t), (char *) &h + sizeof(int32_t),
		   CRM_MODEL_HDRSZ - sizeof(int32_t));
	size = crm_model_value_size(m);
	if (!crm_rd_f64s(&r, crm_model_center(m), nd) ||
		!crm_rd_end(&r) || !crm_model_check(m, size, err))
	{
		crm_core_free(m);
		return NULL;
	}
	return m;
}

/* ------------------------------------------------------------ text forms */

/* rows x cols numbers as a JSON array of arrays */
static void
WriteJsonMatrix(CrmOut *b, const double *v, int rows, int cols)
{
	int			i;

	crm_out_str(b, "[");
	for (i = 0; i < rows; i++)
	{
		if (i > 0)
			crm_out_str(b, ",");
		crm_json_write_numbers(b, v + (size_t) i * cols, cols);
		crm_check_interrupts();
	}
	crm_out_str(b, "]");
}

/* The JSON form (keys in a fixed order, shortest round-trip numbers). */
static char *
ModelPrintJson(const CrmModel *m)
{
	CrmOut		b = {0};

	crm_out_str(&b, "{\"version\":");
	crm_json_write_int(&b, m->version);
	crm_out_str(&b, ",\"k\":");
	crm_json_write_int(&b, m->k);
	crm_out_str(&b, ",\"dims\":");
	crm_json_write_int(&b, m->dims);
	if (m->version >= CRM_MODEL_VERSION_2)
	{
		crm_out_str(&b, ",\"names\":");
		crm_names_write_json(&b, crm_model_names(m));
	}
	crm_out_str(&b, ",\"scale\":\"");
	crm_out_str(&b, crm_scale_name(m->scale));
	crm_out_str(&b, "\",\"atan_scale\":");
	crm_json_write_double(&b, m->atan_scale);
	crm_out_str(&b, ",\"rows\":");
	crm_json_write_int(&b, (long long) m->rows);
	crm_out_str(&b, ",\"iterations\":");
	crm_json_write_int(&b, m->iterations);
	crm_out_str(&b, ",\"total_sse\":");
	crm_json_write_double(&b, m->total_sse);
	crm_out_str(&b, ",\"center\":");
	crm_json_write_numbers(&b, crm_model_center(m), m->dims);
	crm_out_str(&b, ",\"factor\":");
	crm_json_write_numbers(&b, crm_model_factor(m), m->dims);
	crm_out_str(&b, ",\"weight\":");
	crm_json_write_numbers(&b, crm_model_weight(m), m->k);
	crm_out_str(&b, ",\"sse\":");
	crm_json_write_numbers(&b, crm_model_sse(m), m->k);
	crm_out_str(&b, ",\"centroids\":");
	WriteJsonMatrix(&b, crm_model_centroids(m), m->k, m->dims);
	if (m->flags & CRM_MODEL_PENDING)
	{
		crm_out_str(&b, ",\"pending\":{\"rows\":");
		crm_json_write_int(&b, (long long) m->pending_rows);
		crm_out_str(&b, ",\"weight\":");
		crm_json_write_numbers(&b, crm_model_acc_w(m), m->k);
		crm_out_str(&b, ",\"sse\":");
		crm_json_write_numbers(&b, crm_model_acc_sse(m), m->k);
		crm_out_str(&b, ",\"sum\":");
		WriteJsonMatrix(&b, crm_model_acc_sum(m), m->k, m->dims);
		crm_out_str(&b, "}");
	}
	crm_out_str(&b, "}");
	return b.data;
}

/*
 * JSON for small values, the compact crm64: form for large ones (by the
 * size of the binary form with the names as stored, so the choice does not
 * depend on an encoding).
 */
char *
crm_model_print(const CrmModel *m, CrmConvFn utf8)
{
	size_t		n;
	uint8_t    *bin;
	char	   *text;

	if (crm_model_binary_size(m) <= CRM_WIRE_READABLE_MAX)
		return ModelPrintJson(m);
	bin = crm_model_encode(m, utf8, &n);
	if (bin == NULL)
		return NULL;
	text = crm_wire_to_text(bin, n);
	crm_core_free(bin);
	return text;
}

/* [[...], ...]: rows arrays of cols numbers */
static bool
ReadJsonMatrix(CrmJson *j, double *v, int rows, int cols)
{
	int			i;

	if (!crm_json_expect(j, '['))
		return false;
	for (i = 0; i < rows; i++)
	{
		if (i > 0 && !crm_json_expect(j, ','))
			return false;
		if (!crm_json_numbers(j, v + (size_t) i * cols, cols))
			return false;
		crm_check_interrupts();
	}
	return crm_json_expect(j, ']');
}

/* an integer field of the header; its range is checked with the others */
static bool
JsonIntField(CrmJson *j, const char *key, bool first, int64_t *out)
{
	if (!first && !crm_json_expect(j, ','))
		return false;
	return crm_json_key(j, key) &&
		crm_json_int(j, -((int64_t) 1 << 62), (int64_t) 1 << 62, out);
}

/*
 * The JSON header, up to total_sse (with the names of version 2 into
 * *names, a new block); checked like a binary header.
 */
static bool
JsonHeader(CrmJson *j, CrmModel *h, void **names, CrmError *err)
{
	int64_t		v;
	char		name[16];

	if (!crm_json_expect(j, '{') || !crm_json_key(j, "version") ||
		!crm_json_int(j, CRM_MODEL_VERSION_1, CRM_MODEL_VERSION_2, &v))
		return false;
	h->version = (uint16_t) v;
	if (!JsonIntField(j, "k", false, &v) || !crm_check_k(v, err))
		return false;
	h->k = (int32_t) v;
	if (!JsonIntField(j, "dims", false, &v) || !crm_check_dims(v, err))
		return false;
	h->dims = (int32_t) v;
	if (h->version >= CRM_MODEL_VERSION_2)
	{
		if (!crm_json_expect(j, ',') || !crm_json_key(j, "names"))
			return false;
		*names = crm_names_read_json(j, h->dims, "crm.clusters", err);
		if (*names == NULL)
			return false;
	}
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "scale") ||
		!crm_json_string(j, name, sizeof(name)))
		return false;
	h->scale = crm_scale_parse(name, strlen(name));
	if (h->scale < 0)
	{
		char		got[20];

		snprintf(got, sizeof(got), "\"%s\"", name);
		crm_error_scale(err, "crm.clusters scale", got);
		return false;
	}
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "atan_scale") ||
		!crm_json_number(j, &h->atan_scale) ||
		!JsonIntField(j, "rows", false, &h->rows) ||
		!JsonIntField(j, "iterations", false, &v))
		return false;
	h->iterations = ClampInt32(v);
	if (!crm_json_expect(j, ',') || !crm_json_key(j, "total_sse") ||
		!crm_json_number(j, &h->total_sse))
		return false;
	/* the pending part comes later: check the rest now, before allocating */
	h->flags = 0;
	h->pending_rows = 0;
	return ModelHeaderCheck(h, err);
}

/* The JSON form (see crm_model_print). */
static CrmModel *
ModelParseJson(const char *str, CrmError *err)
{
	CrmJson		j;
	CrmModel	h;
	CrmModel   *m;
	int64_t		v;
	bool		pending;
	void	   *names = NULL;

	memset(&h, 0, sizeof(h));
	crm_json_init(&j, str, err, "crm.clusters");
	if (!JsonHeader(&j, &h, &names, err))
	{
		if (names)
			crm_core_free(names);
		return NULL;
	}
	/* allocate for the pending part too; the size is fixed below */
	if (h.version >= CRM_MODEL_VERSION_2)
	{
		m = crm_model_new(h.k, h.dims, true, names);
		crm_core_free(names);
	}
	else
		m = crm_core_alloc(crm_model_size(0, h.k, h.dims, true));
	*m = h;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "center") ||
		!crm_json_numbers(&j, crm_model_center(m), m->dims) ||
		!crm_json_expect(&j, ',') || !crm_json_key(&j, "factor") ||
		!crm_json_numbers(&j, crm_model_factor(m), m->dims) ||
		!crm_json_expect(&j, ',') || !crm_json_key(&j, "weight") ||
		!crm_json_numbers(&j, crm_model_weight(m), m->k) ||
		!crm_json_expect(&j, ',') || !crm_json_key(&j, "sse") ||
		!crm_json_numbers(&j, crm_model_sse(m), m->k) ||
		!crm_json_expect(&j, ',') || !crm_json_key(&j, "centroids") ||
		!ReadJsonMatrix(&j, crm_model_centroids(m), m->k, m->dims))
		goto fail;
	pending = crm_json_accept(&j, ',');
	if (pending)
	{
		m->flags |= CRM_MODEL_PENDING;
		if (!crm_json_key(&j, "pending") || !crm_json_expect(&j, '{') ||
			!crm_json_key(&j, "rows") || !crm_json_int(&j, -((int64_t) 1 << 62), (int64_t) 1 << 62, &v))
			goto fail;
		m->pending_rows = v;
		if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "weight") ||
			!crm_json_numbers(&j, crm_model_acc_w(m), m->k) ||
			!crm_json_expect(&j, ',') || !crm_json_key(&j, "sse") ||
			!crm_json_numbers(&j, crm_model_acc_sse(m), m->k) ||
			!crm_json_expect(&j, ',') || !crm_json_key(&j, "sum") ||
			!ReadJsonMatrix(&j, crm_model_acc_sum(m), m->k, m->dims) ||
			!crm_json_expect(&j, '}'))
			goto fail;
	}
	if (!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto fail;
	if (!crm_model_check(m, crm_model_value_size(m), err))
		goto fail;
	return m;
fail:
	crm_core_free(m);
	return NULL;
}

/* Either text form: compact (crm64:) or JSON. */
CrmModel *
crm_model_parse(const char *str, CrmConvFn from_utf8, CrmError *err)
{
	uint8_t    *bin;
	size_t		n;
	CrmModel   *m;

	if (!crm_wire_is_compact(str))
		return ModelParseJson(str, err);
	bin = crm_wire_from_text(str, &n, "crm.clusters", err);
	if (bin == NULL)
		return NULL;
	m = crm_model_decode(bin, n, CRM_ERR_SYNTAX, from_utf8, err);
	crm_core_free(bin);
	return m;
}

/* ------------------------------------------------------------ kmeans_refine */

/*
 * A copy of model m (either version) in the current version, with its
 * names, header and the body without accumulator; an empty accumulator
 * when pending.
 */
static CrmModel *
CopyAsCurrent(const CrmModel *m, bool pending)
{
	CrmModel   *c = crm_model_new(m->k, m->dims, pending, crm_model_names(m));

	c->scale = m->scale;
	c->iterations = m->iterations;
	c->rows = m->rows;
	c->total_sse = m->total_sse;
	c->atan_scale = m->atan_scale;
	memcpy(crm_model_center(c), crm_model_center(m),
		   crm_model_body_doubles(m->k, m->dims, false) * sizeof(double));
	return c;
}

/* The empty accumulator of a valid model (of the current version). */
CrmModel *
crm_refine_start(const CrmModel *m)
{
	return CopyAsCurrent(m, true);
}

/*
 * One checked row into the accumulator of its nearest cluster: the row's
 * scaled coordinates into the cluster's sum, one to its count, its squared
 * distance to the (old) centroid to its SSE.
 */
bool
crm_refine_add(CrmModel *acc, const double *x, double *y, CrmError *err)
{
	int			d = acc->dims;
	double	   *sum;
	double		d2;
	int			c,
				j;

	if (!crm_model_scale_row(acc, x, y, err))
		return false;
	if (acc->pending_rows >= CRM_MAX_ROWS)
	{
		crm_error_too_many_rows(err, "crm.kmeans_refine");
		return false;
	}
	c = crm_model_nearest(acc, y, &d2);
	sum = crm_model_acc_sum(acc) + (size_t) c * d;
	for (j = 0; j < d; j++)
		sum[j] += y[j];
	crm_model_acc_w(acc)[c] += 1.0;
	crm_model_acc_sse(acc)[c] += d2;
	acc->pending_rows++;
	return true;
}

/* Add the accumulator of the same model into acc. */
bool
crm_refine_combine(CrmModel *acc, const CrmModel *other, CrmError *err)
{
	size_t		n,
				i;
	double	   *a;
	const double *b;

	if (!(acc->flags & CRM_MODEL_PENDING) || !(other->flags & CRM_MODEL_PENDING) ||
		!crm_model_same_assignment(acc, other))
	{
		crm_error_set(err, CRM_ERR_INVALID, "cannot combine crm.kmeans_refine states of different models");
		return false;
	}
	if (other->pending_rows > CRM_MAX_ROWS - acc->pending_rows)
	{
		crm_error_too_many_rows(err, "crm.kmeans_refine");
		return false;
	}
	n = (size_t) acc->k * acc->dims + 2 * (size_t) acc->k;
	a = crm_model_acc_sum(acc);
	b = crm_model_acc_sum(other);
	for (i = 0; i < n; i++)
	{
		a[i] += b[i];
		if (!isfinite(a[i]))
		{
			crm_error_set(err, CRM_ERR_RANGE, "crm.kmeans_refine sums overflow");
			return false;
		}
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
	}
	acc->pending_rows += other->pending_rows;
	return true;
}

/*
 * The refined model: one exact step of Lloyd's algorithm (Lloyd 1982) over
 * all the rows the accumulator saw. Each centroid moves to the mean of its
 * rows, and each cluster's SSE around the new mean follows from the SSE
 * around the old centroid by the parallel axis theorem (Huygens-Steiner):
 * sum |x - m'|^2 = sum |x - m|^2 - w |m' - m|^2. Sizes and SSE are exact,
 * and repeating the step converges to exact Lloyd.
 */
CrmModel *
crm_refine_finish(const CrmModel *acc, CrmError *err)
{
	int			k = acc->k;
	int			d = acc->dims;
	CrmModel   *m = CopyAsCurrent(acc, false);
	size_t		size = crm_model_value_size(m);
	int			c,
				j;

	m->rows = acc->pending_rows;
	m->pending_rows = 0;
	/* saturates: the header allows at most 1e9 */
	m->iterations = acc->iterations < 1000000000 ? acc->iterations + 1 : acc->iterations;
	m->total_sse = 0.0;
	for (c = 0; c < k; c++)
	{
		double		w = crm_model_acc_w(acc)[c];
		double	   *cen = crm_model_centroids(m) + (size_t) c * d;
		double		shift2 = 0.0;
		double		sse;

		if (w > 0)
			for (j = 0; j < d; j++)
			{
				double		nc = crm_model_acc_sum(acc)[(size_t) c * d + j] / w;

				/* a mean of atan values lies in [-1, 1]; rounding may step out */
				if (m->scale == CRM_SCALE_ATAN)
					nc = nc > 1.0 ? 1.0 : (nc < -1.0 ? -1.0 : nc);
				shift2 += (nc - cen[j]) * (nc - cen[j]);
				cen[j] = nc;
			}
		/* the SSE of the same rows around their mean (parallel axis theorem) */
		sse = crm_model_acc_sse(acc)[c] - w * shift2;
		crm_model_weight(m)[c] = w;
		crm_model_sse(m)[c] = sse > 0 ? sse : 0.0;
		m->total_sse += crm_model_sse(m)[c];
		if ((c & 255) == 255)
			crm_check_interrupts();
	}
	crm_model_canonical_order(m);
	if (!crm_model_check(m, size, err))
	{
		crm_core_free(m);
		return NULL;
	}
	return m;
}
