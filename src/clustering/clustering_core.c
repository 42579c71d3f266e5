/*
 * clustering_core.c
 *	  Options, scaling names, the tiny-value rule, the random generator and
 *	  hashing shared by the clustering cores.
 */
#include <math.h>
#include <string.h>

#include "clustering_core.h"


static const char *const scale_names[] = {"none", "zscore", "minmax", "atan"};

const char *
crm_scale_name(int scale)
{
	if (scale < 0 || scale > CRM_SCALE_ATAN)
		return "?";
	return scale_names[scale];
}

int
crm_scale_parse(const char *s, size_t len)
{
	int			i;

	for (i = 0; i <= CRM_SCALE_ATAN; i++)
		if (strlen(scale_names[i]) == len && memcmp(scale_names[i], s, len) == 0)
			return i;
	return -1;
}

void
crm_cluster_options_default(CrmClusterOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->scale = CRM_SCALE_NONE;
	o->budget_kb = CRM_SKETCH_DEFAULT_BUDGET_KB;
	o->restarts = 10;
	o->max_iter = 300;
	o->seed = 42;
	o->tol = 1e-4;
	o->atan_scale = 1.0;
}

bool
crm_cluster_options_check(const CrmClusterOptions *o, CrmError *err)
{
	if (o->scale < 0 || o->scale > CRM_SCALE_ATAN)
		crm_error_set(err, CRM_ERR_INVALID, "unknown scaling %d", (int) o->scale);
	else if (o->budget_kb < CRM_SKETCH_MIN_BUDGET_KB || o->budget_kb > CRM_SKETCH_MAX_BUDGET_KB)
		crm_error_set(err, CRM_ERR_INVALID, "budget_kb must be between %d and %d, got %d",
					  CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_MAX_BUDGET_KB, (int) o->budget_kb);
	else if (o->restarts < 1 || o->restarts > 1000)
		crm_error_set(err, CRM_ERR_INVALID, "restarts must be between 1 and 1000, got %d",
					  (int) o->restarts);
	else if (o->max_iter < 1 || o->max_iter > 100000)
		crm_error_set(err, CRM_ERR_INVALID, "max_iter must be between 1 and 100000, got %d",
					  (int) o->max_iter);
	else if (!isfinite(o->tol) || o->tol < 0)
		crm_error_set(err, CRM_ERR_INVALID, "tol must be a finite number >= 0");
	else if (!(o->atan_scale >= CRM_ATAN_SCALE_MIN && o->atan_scale <= CRM_ATAN_SCALE_MAX))
		crm_error_set(err, CRM_ERR_INVALID, "atan_scale must be between 1e-100 and 1e100, got %g",
					  o->atan_scale);
	else
		return true;
	return false;
}

bool
crm_cluster_options_equal(const CrmClusterOptions *a, const CrmClusterOptions *b)
{
	return a->scale == b->scale && a->budget_kb == b->budget_kb &&
		a->restarts == b->restarts && a->max_iter == b->max_iter &&
		a->seed == b->seed && a->tol == b->tol && a->atan_scale == b->atan_scale;
}

/*
 * Points whose coordinates are all below 2^-256 in magnitude (features
 * around 1e-200, or a z-score whose variance underflowed) have squared
 * distances that underflow to zero: k-means would see one point.  They are
 * clustered multiplied by 2^k, the power of two that brings the largest
 * coordinate to [0.5, 1): exact, so the result is deterministic, and
 * since every step of k-means is homogeneous in the coordinates, for data
 * that does not underflow it is the same, bit for bit, as without scaling.
 * Returns k (0: no scaling).
 */
int
crm_tiny_exponent(const double *y, size_t count)
{
	double		m = 0.0;
	size_t		i;
	int			e;

	for (i = 0; i < count; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
		if (fabs(y[i]) > m)
			m = fabs(y[i]);
	}
	if (!(m > 0.0) || m >= ldexp(1.0, -256))
		return 0;
	(void) frexp(m, &e);
	return -e > 1000 ? 1000 : -e;
}

/* y[i] *= 2^k for count values (exact: k keeps them in range) */
void
crm_scale_pow2(double *y, size_t count, int k)
{
	double		f = ldexp(1.0, k);
	size_t		i;

	for (i = 0; i < count; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			crm_check_interrupts();
		y[i] *= f;
	}
}

static uint64_t
SplitMix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void
crm_rng_seed(CrmRng *r, uint64_t seed)
{
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = SplitMix64(&seed);
}

static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
crm_rng_next(CrmRng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = Rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = Rotl(s[3], 45);
	return result;
}

/* FNV-1a over the bytes, finished with a splitmix round */
uint64_t
crm_hash_bytes64(const void *p, size_t len, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t	h = UINT64_C(0xcbf29ce484222325) ^ seed;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return SplitMix64(&h);
}
