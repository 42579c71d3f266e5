/*
 * silhouette_core.h
 *	  The state of crm.silhouette (the crm.silhouette_state type): a sample
 *	  of the rows with their cluster labels.  Server-independent, so the
 *	  fuzzers drive it.
 *
 * The sample keeps the CRM_SILHOUETTE_SAMPLE rows whose features hash
 * lowest (a 53-bit hash), so it is the same whatever the row order or the
 * parallel plan: combining two samples keeps the lowest hashes of both.
 * Each entry is (hash, label, y[dims]): the hash as an exact integer in a
 * double, the label 0..k-1 of the row's nearest centroid and the row in the
 * model's scaled space.  The state records k, dims and the model's
 * fingerprint, so that states of different models are not combined.
 *
 * Every field is checked when a state arrives (crm_silhouette_check): the
 * input and receive functions, and every transition, combine and final
 * function given a state it did not build itself.
 */
#ifndef CRM_SILHOUETTE_CORE_H
#define CRM_SILHOUETTE_CORE_H

#include "model_core.h"

#define CRM_SILHOUETTE_VERSION	1
/* rows the sample keeps */
#define CRM_SILHOUETTE_SAMPLE	2000

/*
 * Size cap: dims <= CRM_MAX_DIMS (54000 beyond), so a state holds
 * at most 2,000 x 1,002 doubles (16 MB) and its compact text about 21 MB.
 */
typedef struct CrmSilhouette
{
	int32_t		vl_len_;		/* varlena header */
	uint16_t	version;
	uint16_t	flags;			/* none defined: 0 */
	int32_t		dims;
	int32_t		k;
	int32_t		sample;			/* CRM_SILHOUETTE_SAMPLE */
	int32_t		used;			/* entries: min(rows, sample) */
	int64_t		rows;			/* rows offered */
	uint64_t	model;			/* crm_model_fingerprint of the model */
	/* double entries[used][dims + 2]: hash, label, y[dims] */
} CrmSilhouette;

#define CRM_SILHOUETTE_HDRSZ sizeof(CrmSilhouette)

/* bytes of a state of dims features holding used entries */
static inline size_t
crm_silhouette_size(int dims, int used)
{
	return CRM_SILHOUETTE_HDRSZ + sizeof(double) * (size_t) used * ((size_t) dims + 2);
}

/* the entries: used blocks of (hash, label, y[dims]) */
static inline double *
crm_silhouette_entries(const CrmSilhouette *s)
{
	return (double *) ((char *) s + CRM_SILHOUETTE_HDRSZ);
}

/* An empty state for a valid model, with room for the whole sample. */
extern CrmSilhouette *crm_silhouette_new(const CrmModel *m);

/*
 * Whether size bytes are a valid state: header, size, and every entry
 * (integral hash below 2^53, label below k, coordinates within
 * +-CRM_CLUSTER_MAX_ABS).  CRM_ERR_INVALID, or CRM_ERR_LIMIT for dims
 * beyond the cap.
 */
extern bool crm_silhouette_check(const CrmSilhouette *s, size_t size, CrmError *err);

/*
 * Working on a state: s has room for the whole sample, and heap (room for
 * CRM_SILHOUETTE_SAMPLE ints) holds the indexes of its entries as a
 * max-heap by hash once the sample is full, so that the entry to replace is
 * found in O(1) and replaced in O(log s).  crm_silhouette_heapify builds it
 * for a state that arrives full; add and combine keep it.
 */
extern void crm_silhouette_heapify(const CrmSilhouette *s, int *heap);

/*
 * Offer one checked row x of a model that matches the state (the caller
 * compares them): scaled (22003 beyond +-1e100, whether or not the row is
 * sampled), hashed, and kept when its hash is among the lowest.  entry is
 * scratch of dims + 2 doubles.
 */
extern bool crm_silhouette_add(CrmSilhouette *s, int *heap, const CrmModel *m,
							   const double *x, double *entry, CrmError *err);

/* Merge the valid state b into a. */
extern bool crm_silhouette_combine(CrmSilhouette *a, int *heap, const CrmSilhouette *b,
								   CrmError *err);

/* mean silhouette of weighted points with labels (0-based), NaN if < 2 clusters */
extern double crm_silhouette_weighted(const double *y, const double *w, const int *labels,
									  int n, int d, int k);

/* Mean silhouette of the sample (entries in hash order); NaN below 2 clusters. */
extern double crm_silhouette_value(const CrmSilhouette *s);

/*
 * Binary form, big-endian: version (1 byte), flags (2), dims, k, sample,
 * used (4 each), rows, model (8 each), then the entries' doubles.  Its only
 * text form is the compact one (crm64: + base64), as it is an internal
 * state; parse accepts only that (22P02 otherwise).
 */
extern size_t crm_silhouette_binary_size(const CrmSilhouette *s);
extern bool crm_silhouette_encode(const CrmSilhouette *s, void *buf);
extern CrmSilhouette *crm_silhouette_decode(const void *buf, size_t len, CrmErrorKind kind,
											CrmError *err);
extern char *crm_silhouette_print(const CrmSilhouette *s);
extern CrmSilhouette *crm_silhouette_parse(const char *text, CrmError *err);

#endif							/* CRM_SILHOUETTE_CORE_H */
