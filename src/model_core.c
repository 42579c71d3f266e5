/*
 * model_core.c
 *	  The clustering model (crm.clusters): scaling, nearest centroid,
 *	  canonical order, checking and the JSON text form.
 *
 * fuzz-sources (for fuzz/run.sh): cluster_core.c json_core.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_core.h"
#include "json_core.h"

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

void
crm_model_unscale(const CrmModel *m, const double *y, double *x)
{
	int			j;

	if (m->scale == CRM_SCALE_ATAN)
	{
		for (j = 0; j < m->dims; j++)
		{
			/* |y| < 1 for every mean of atan values; clamp for safety */
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
	}
	*dist2 = bestd;
	return best;
}

static const CrmModel *sort_model;

static int
cluster_cmp(const void *a, const void *b)
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

void
crm_model_canonical_order(CrmModel *m)
{
	int			k = m->k;
	int			d = m->dims;
	int		   *order = crm_core_alloc(sizeof(int) * k);
	size_t		block = crm_model_size(k, d, m->flags & CRM_MODEL_PENDING) -
		((char *) crm_model_centroids(m) - (char *) m);
	double	   *copy = crm_core_alloc(block);
	int			c;
	bool		pending = (m->flags & CRM_MODEL_PENDING) != 0;

	for (c = 0; c < k; c++)
		order[c] = c;
	sort_model = m;
	qsort(order, k, sizeof(int), cluster_cmp);
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
	}
	crm_core_free(copy);
	crm_core_free(order);
}

uint64_t
crm_model_fingerprint(const CrmModel *m)
{
	uint64_t	h = crm_hash_bytes64(&m->k, sizeof(int32_t) * 3, 0);

	h = crm_hash_bytes64(&m->atan_scale, sizeof(double), h);
	return crm_hash_bytes64(crm_model_center(m),
							sizeof(double) * (2 * (size_t) m->dims + (size_t) m->k * m->dims), h);
}

bool
crm_model_check(const CrmModel *m, size_t size, CrmError *err)
{
	size_t		n;
	size_t		i;
	const double *v;
	bool		pending;

	if (size < CRM_MODEL_HDRSZ)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.clusters value is truncated");
		return false;
	}
	if (m->version != CRM_MODEL_VERSION)
	{
		crm_error_set(err, CRM_ERR_BINARY, "unsupported crm.clusters version %d", (int) m->version);
		return false;
	}
	if (m->k < 1 || m->k > CRM_CLUSTER_MAX_K || m->dims < 1 || m->dims > CRM_CLUSTER_MAX_DIMS ||
		m->scale < 0 || m->scale > CRM_SCALE_ATAN || (m->flags & ~CRM_MODEL_PENDING) != 0 ||
		m->rows < 0 || m->rows > ((int64_t) 1 << 53) ||
		m->iterations < 0 || m->iterations > 1000000000 ||
		m->pending_rows < 0 || m->pending_rows > ((int64_t) 1 << 53) ||
		(!(m->flags & CRM_MODEL_PENDING) && m->pending_rows != 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "invalid crm.clusters header");
		crm_error_detail(err, "k %d (1..%d), dims %d (1..%d), rows %lld, iterations %d.",
						 m->k, CRM_CLUSTER_MAX_K, m->dims, CRM_CLUSTER_MAX_DIMS,
						 (long long) m->rows, m->iterations);
		return false;
	}
	pending = (m->flags & CRM_MODEL_PENDING) != 0;
	if (size != crm_model_size(m->k, m->dims, pending))
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.clusters size %zu does not match its header", size);
		return false;
	}
	if (!(isfinite(m->total_sse) && m->total_sse >= 0) ||
		!(isfinite(m->atan_scale) && m->atan_scale > 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "crm.clusters total_sse must be >= 0 and atan_scale > 0");
		return false;
	}
	v = crm_model_center(m);
	n = (size - CRM_MODEL_HDRSZ) / sizeof(double);
	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
		{
			crm_error_set(err, CRM_ERR_INVALID, "crm.clusters values must be finite");
			return false;
		}
	for (i = 0; i < (size_t) m->dims; i++)
		if (!(crm_model_factor(m)[i] > 0))
		{
			crm_error_set(err, CRM_ERR_INVALID, "crm.clusters scale factors must be > 0");
			return false;
		}
	for (i = 0; i < (size_t) m->k; i++)
		if (crm_model_weight(m)[i] < 0 || crm_model_sse(m)[i] < 0 ||
			(pending && (crm_model_acc_w(m)[i] < 0 || crm_model_acc_sse(m)[i] < 0)))
		{
			crm_error_set(err, CRM_ERR_INVALID, "crm.clusters weights and sse must be >= 0");
			return false;
		}
	if (m->scale == CRM_SCALE_ATAN)
		for (i = 0; i < (size_t) m->k * m->dims; i++)
			if (fabs(crm_model_centroids(m)[i]) >= 1.0)
			{
				crm_error_set(err, CRM_ERR_INVALID, "crm.clusters atan centroids must lie in (-1, 1)");
				return false;
			}
	return true;
}

/* ------------------------------------------------------------ text form */

static void
buf_matrix(CrmOut *b, const double *v, int rows, int cols)
{
	int			i;

	crm_out_str(b, "[");
	for (i = 0; i < rows; i++)
	{
		if (i > 0)
			crm_out_str(b, ",");
		crm_json_write_numbers(b, v + (size_t) i * cols, cols);
	}
	crm_out_str(b, "]");
}

char *
crm_model_print(const CrmModel *m)
{
	CrmOut			b = {0};

	crm_out_str(&b, "{\"version\":");
	crm_json_write_int(&b, m->version);
	crm_out_str(&b, ",\"k\":");
	crm_json_write_int(&b, m->k);
	crm_out_str(&b, ",\"dims\":");
	crm_json_write_int(&b, m->dims);
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
	buf_matrix(&b, crm_model_centroids(m), m->k, m->dims);
	if (m->flags & CRM_MODEL_PENDING)
	{
		crm_out_str(&b, ",\"pending\":{\"rows\":");
		crm_json_write_int(&b, (long long) m->pending_rows);
		crm_out_str(&b, ",\"weight\":");
		crm_json_write_numbers(&b, crm_model_acc_w(m), m->k);
		crm_out_str(&b, ",\"sse\":");
		crm_json_write_numbers(&b, crm_model_acc_sse(m), m->k);
		crm_out_str(&b, ",\"sum\":");
		buf_matrix(&b, crm_model_acc_sum(m), m->k, m->dims);
		crm_out_str(&b, "}");
	}
	crm_out_str(&b, "}");
	return b.data;
}

static bool
json_matrix(CrmJson *j, double *v, int rows, int cols)
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
	}
	return crm_json_expect(j, ']');
}

CrmModel *
crm_model_parse(const char *str, CrmError *err)
{
	CrmJson		j;
	CrmModel	h;
	CrmModel   *m = NULL;
	int64_t		v;
	char		name[16];
	bool		pending;

	memset(&h, 0, sizeof(h));
	crm_json_init(&j, str, err, "crm.clusters");
	if (!crm_json_expect(&j, '{') || !crm_json_key(&j, "version") ||
		!crm_json_int(&j, CRM_MODEL_VERSION, CRM_MODEL_VERSION, &v))
		return NULL;
	h.version = CRM_MODEL_VERSION;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "k") ||
		!crm_json_int(&j, 1, CRM_CLUSTER_MAX_K, &v))
		return NULL;
	h.k = (int32_t) v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "dims") ||
		!crm_json_int(&j, 1, CRM_CLUSTER_MAX_DIMS, &v))
		return NULL;
	h.dims = (int32_t) v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "scale") ||
		!crm_json_string(&j, name, sizeof(name)))
		return NULL;
	h.scale = crm_scale_parse(name, strlen(name));
	if (h.scale < 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "unknown scaling \"%s\" in crm.clusters input", name);
		crm_error_hint(err, "Valid scalings are none, zscore, minmax and atan.");
		return NULL;
	}
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "atan_scale") ||
		!crm_json_number(&j, &h.atan_scale))
		return NULL;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "rows") ||
		!crm_json_int(&j, 0, (int64_t) 1 << 53, &v))
		return NULL;
	h.rows = v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "iterations") ||
		!crm_json_int(&j, 0, 1000000000, &v))
		return NULL;
	h.iterations = (int32_t) v;
	if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "total_sse") ||
		!crm_json_number(&j, &h.total_sse))
		return NULL;

	/* allocate for the pending part too; the size is fixed below */
	m = crm_core_alloc(crm_model_size(h.k, h.dims, true));
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
		!json_matrix(&j, crm_model_centroids(m), m->k, m->dims))
		goto fail;
	pending = crm_json_accept(&j, ',');
	if (pending)
	{
		m->flags |= CRM_MODEL_PENDING;
		if (!crm_json_key(&j, "pending") || !crm_json_expect(&j, '{') ||
			!crm_json_key(&j, "rows") || !crm_json_int(&j, 0, (int64_t) 1 << 53, &v))
			goto fail;
		m->pending_rows = v;
		if (!crm_json_expect(&j, ',') || !crm_json_key(&j, "weight") ||
			!crm_json_numbers(&j, crm_model_acc_w(m), m->k) ||
			!crm_json_expect(&j, ',') || !crm_json_key(&j, "sse") ||
			!crm_json_numbers(&j, crm_model_acc_sse(m), m->k) ||
			!crm_json_expect(&j, ',') || !crm_json_key(&j, "sum") ||
			!json_matrix(&j, crm_model_acc_sum(m), m->k, m->dims) ||
			!crm_json_expect(&j, '}'))
			goto fail;
	}
	if (!crm_json_expect(&j, '}') || !crm_json_end(&j))
		goto fail;
	if (!crm_model_check(m, crm_model_size(m->k, m->dims, pending), err))
		goto fail;
	return m;
fail:
	crm_core_free(m);
	return NULL;
}
