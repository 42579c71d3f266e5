/*
 * clustering_core.c
 *	  Options, scaling names, the tiny-value rule, the random generator and
 *	  hashing shared by the clustering cores.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clustering_core.h"
#include "json_core.h"

/* the scaling names, indexed by CrmScale */
static const char *const scale_names[] = {"none", "zscore", "minmax", "atan"};

/* The name of a scaling code, "?" for an unknown one. */
const char *
crm_scale_name(int scale)
{
	if (scale < 0 || scale > CRM_SCALE_ATAN)
		return "?";
	return scale_names[scale];
}

/* The scaling code named by s[0, len), or -1. */
int
crm_scale_parse(const char *s, size_t len)
{
	int			i;

	for (i = 0; i <= CRM_SCALE_ATAN; i++)
		if (strlen(scale_names[i]) == len && memcmp(scale_names[i], s, len) == 0)
			return i;
	return -1;
}

/* The defaults of every option (what an omitted key means). */
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

/* The limits of one integer option, by name. */
typedef struct OptionLimits
{
	const char *name;
	int64_t		lo;
	int64_t		hi;
} OptionLimits;

static const OptionLimits int_options[] = {
	{"budget_kb", CRM_SKETCH_MIN_BUDGET_KB, CRM_SKETCH_MAX_BUDGET_KB},
	{"restarts", 1, CRM_MAX_RESTARTS},
	{"max_iter", 1, CRM_MAX_ITERATIONS},
	/* only the options jsonb limits it; stored sketches may carry any seed */
	{"seed", 0, INT32_MAX},
};

/* The limits of integer option name, or NULL when it has none. */
static const OptionLimits *
IntOption(const char *name)
{
	size_t		i;

	for (i = 0; i < sizeof(int_options) / sizeof(int_options[0]); i++)
		if (strcmp(int_options[i].name, name) == 0)
			return &int_options[i];
	return NULL;
}

/*
 * Record the range error of integer option name for the value got (as text).
 */
void
crm_error_option_range(CrmError *err, const char *name, const char *got)
{
	const OptionLimits *l = IntOption(name);

	crm_error_set(err, CRM_ERR_INVALID, "option \"%s\" must be between %lld and %lld, got %s",
				  name, (long long) (l ? l->lo : 0), (long long) (l ? l->hi : 0), got);
}

/* Whether integer option name is within its limits; the range error if not. */
bool
crm_check_option_int(const char *name, int64_t v, CrmError *err)
{
	const OptionLimits *l = IntOption(name);
	char		got[24];

	if (l != NULL && v >= l->lo && v <= l->hi)
		return true;
	snprintf(got, sizeof(got), "%lld", (long long) v);
	crm_error_option_range(err, name, got);
	return false;
}

/*
 * Record the error for a scaling that is none of the four (see
 * clustering_core.h).
 */
void
crm_error_scale(CrmError *err, const char *subject, const char *got)
{
	crm_error_set(err, CRM_ERR_INVALID,
				  "%s must be one of \"none\", \"zscore\", \"minmax\", \"atan\"%s%s",
				  subject, got ? ", got " : "", got ? got : "");
}

/*
 * Whether atan_scale is finite and within [1e-100, 1e100]; the error if not.
 */
bool
crm_check_atan_scale(double v, const char *subject, CrmError *err)
{
	char		got[40];

	if (v >= CRM_ATAN_SCALE_MIN && v <= CRM_ATAN_SCALE_MAX)
		return true;
	if (!crm_check_finite(v, subject, err))
		return false;
	crm_json_format_double(got, v);
	crm_error_set(err, CRM_ERR_INVALID, "%s must be between 1e-100 and 1e100, got %s", subject, got);
	crm_error_detail(err, "Feature values are divided by it before atan.");
	return false;
}

/* Whether a feature value is finite and within +-1e100; the error if not. */
bool
crm_check_feature(double v, const char *subject, CrmError *err)
{
	char		got[40];

	if (fabs(v) <= CRM_CLUSTER_MAX_ABS)
		return true;
	if (!crm_check_finite(v, subject, err))
		return false;
	crm_json_format_double(got, v);
	crm_error_set(err, CRM_ERR_RANGE, "%s is out of range: %s", subject, got);
	crm_error_detail(err, "Features must lie within +-1e100, so that sums of squares cannot overflow.");
	return false;
}

/* Record the row-limit error of an aggregate or value named what. */
void
crm_error_too_many_rows(CrmError *err, const char *what)
{
	crm_error_set(err, CRM_ERR_LIMIT, "%s cannot count more than %lld rows", what,
				  (long long) CRM_MAX_ROWS);
}

/* Check every option in a fixed order (see clustering_core.h). */
bool
crm_cluster_options_check(const CrmClusterOptions *o, CrmError *err)
{
	char		got[40];

	if (o->scale < 0 || o->scale > CRM_SCALE_ATAN)
	{
		snprintf(got, sizeof(got), "%d", (int) o->scale);
		crm_error_scale(err, "option \"scale\"", got);
		return false;
	}
	if (!crm_check_option_int("budget_kb", o->budget_kb, err) ||
		!crm_check_option_int("restarts", o->restarts, err) ||
		!crm_check_option_int("max_iter", o->max_iter, err) ||
		!crm_check_finite(o->tol, "option \"tol\"", err))
		return false;
	if (o->tol < 0)
	{
		crm_json_format_double(got, o->tol);
		crm_error_set(err, CRM_ERR_INVALID, "option \"tol\" must be at least 0, got %s", got);
		return false;
	}
	return crm_check_atan_scale(o->atan_scale, "option \"atan_scale\"", err);
}

/*
 * Whether two sets of options are the same but for the budget (merging needs
 * it; the merge takes the smaller budget).
 */
bool
crm_cluster_options_mergeable(const CrmClusterOptions *a, const CrmClusterOptions *b)
{
	return a->scale == b->scale &&
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

/*
 * splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014; the 64-bit finaliser as published by Vigna):
 * advance *x by the golden-ratio increment and return its mixed value. It
 * fills xoshiro's state from one seed, and finishes crm_hash_bytes64.
 */
static uint64_t
SplitMix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Seed the generator: four splitmix64 outputs of seed (never all zero). */
void
crm_rng_seed(CrmRng *r, uint64_t seed)
{
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = SplitMix64(&seed);
}

/* x rotated left by k bits (0 < k < 64). */
static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/*
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021): the next 64 random bits. The same seed
 * gives the same stream on every platform, so k-means results are
 * reproducible bit for bit.
 */
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

/*
 * A 64-bit hash of len bytes: FNV-1a (Fowler, Noll and Vo; the 64-bit offset
 * basis and prime of the published specification) started from the basis xor
 * seed, finished with a splitmix64 round so that every output bit depends on
 * every input bit. Not cryptographic: it picks deterministic samples and
 * fingerprints models.
 */
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
