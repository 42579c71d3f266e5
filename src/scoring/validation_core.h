/*
 * validation_core.h
 *	  Validation and monitoring of scores: the states of crm.auc / crm.ks
 *	  (crm.roc_state) and of crm.psi (crm.psi_state), their checks, binary
 *	  and compact text forms, and the statistics.  No server dependencies
 *	  (unit-tested and fuzzed directly).
 *
 * crm.roc_state: every (score, target) pair, as entries (score, rows with
 * the target, rows without), 16 bytes each.  The exact AUC and KS need
 * every score, but not every row: entries with equal scores are merged
 * whenever the buffer fills, so a card's few distinct totals take a few
 * entries however many rows are scored, and continuous scores take 16
 * bytes a distinct value.  At most CRM_ROC_MAX_ENTRIES entries (54000
 * beyond), so the binary form stays under 1 GB.
 *
 * crm.psi_state: counts of an expected (baseline) and an actual population
 * over bins: the bins of cut points (crm.psi(value, actual, cuts)), or
 * every entry of every factor of a card (crm.psi(card, attrs, actual)).
 * Fixed size once made; combining adds counts.
 */
#ifndef CRM_VALIDATION_CORE_H
#define CRM_VALIDATION_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

/* ---------------------------------------------------------------- ROC */

#define CRM_ROC_VERSION		1
#define CRM_ROC_MAX_ENTRIES	INT64_C(50000000)	/* 800 MB of entries */

typedef struct CrmRocEntry
{
	double		score;
	uint32_t	pos;			/* rows with the target */
	uint32_t	neg;			/* rows without */
} CrmRocEntry;

/*
 * A flat varlena whose size is its capacity; entries 0 .. n - 1 are used.
 * seal: the server's mark of a state it checked (aggstate.h); decoders
 * leave it 0.
 */
typedef struct CrmRocState
{
	int32_t		vl_len_;
	uint8_t		version;		/* CRM_ROC_VERSION */
	uint8_t		pad[3];
	int64_t		n;
	int64_t		cap;
	uint64_t	seal;
	CrmRocEntry e[];
} CrmRocState;

#define CRM_ROC_HDRSZ	offsetof(CrmRocState, e)

/* Bytes of a state with room for cap entries. */
static inline size_t
crm_roc_size(int64_t cap)
{
	return CRM_ROC_HDRSZ + sizeof(CrmRocEntry) * (size_t) cap;
}

/* A zeroed state for cap entries; NULL and CRM_ERR_LIMIT beyond the cap. */
extern CrmRocState *crm_roc_alloc(int64_t cap, CrmError *err);

/* A score must be finite (CRM_ERR_INVALID, naming what).  0 or -1. */
extern int	crm_roc_score_check(double score, const char *what, CrmError *err);

/* Check a state's header against its size, in O(1); 0 or -1. */
extern int	crm_roc_check_header(const CrmRocState *s, size_t size, CrmErrorKind kind,
								 CrmError *err);

/* Check the entries of a state whose header passed; 0 or -1. */
extern int	crm_roc_check_entries(const CrmRocState *s, CrmErrorKind kind, CrmError *err);

/*
 * Sort the entries by score and merge equal scores (counts that would pass
 * 2^32 - 1 stay in an entry of their own): n shrinks, the content is the
 * same.
 */
extern void crm_roc_compact(CrmRocState *s);

/*
 * AUC: the probability that a row with the target scores above one
 * without, ties counted half (the Mann-Whitney U statistic over the
 * product of the class sizes).  Never folded to max(AUC, 1 - AUC).  NaN
 * when a class is empty.
 */
extern double crm_roc_auc(const CrmRocState *s);

/*
 * KS: the largest distance between the score distributions of the rows
 * with and without the target (Kolmogorov-Smirnov), over the distinct
 * scores.  NaN when a class is empty.
 */
extern double crm_roc_ks(const CrmRocState *s);

/* Binary form: version byte, int64 n, then n x (float8 score, uint32 pos, uint32 neg). */
extern size_t crm_roc_wire_size(const CrmRocState *s);
extern void crm_roc_encode(const CrmRocState *s, uint8_t *out);
extern CrmRocState *crm_roc_decode(const uint8_t *buf, size_t len, CrmErrorKind kind,
								   CrmError *err);
extern char *crm_roc_print(const CrmRocState *s);
extern CrmRocState *crm_roc_parse(const char *text, CrmError *err);

/* ---------------------------------------------------------------- PSI */

#define CRM_PSI_VERSION		1
#define CRM_PSI_CUTS		1	/* one group: the bins of cut points, then NULL */
#define CRM_PSI_CARD		2	/* one group per factor of a card */
#define CRM_PSI_MAX_CUTS	999 /* as a crm.tiers scheme's bounds */
#define CRM_PSI_MAX_BINS	(256 * 10002)	/* a card's entries at its limits */

/*
 * A flat varlena:
 *	header (this struct)
 *	double	cuts[ncuts]
 *	int32	group_bins[ngroups] (padded to 8 bytes)
 *	int64	counts[nbins][2]: expected (actual false), actual
 *	char	names[names_bytes]: each group's name and a NUL
 */
typedef struct CrmPsiState
{
	int32_t		vl_len_;
	uint8_t		version;		/* CRM_PSI_VERSION */
	uint8_t		kind;			/* CRM_PSI_CUTS or CRM_PSI_CARD */
	uint16_t	pad;
	int32_t		ngroups;
	int32_t		nbins;			/* over all groups */
	int32_t		ncuts;			/* CRM_PSI_CUTS */
	int32_t		names_bytes;
	uint64_t	fingerprint;	/* of the cuts or of the card */
	uint64_t	seal;
} CrmPsiState;

#define CRM_PSI_HDRSZ	sizeof(CrmPsiState)

/* Bytes of a state of these dimensions. */
extern size_t crm_psi_size(int32_t ngroups, int32_t nbins, int32_t ncuts, int32_t names_bytes);

/* The state's arrays (see the layout above). */
extern double *crm_psi_cuts(const CrmPsiState *s);
extern int32_t *crm_psi_group_bins(const CrmPsiState *s);
extern int64_t *crm_psi_counts(const CrmPsiState *s);
extern char *crm_psi_names(const CrmPsiState *s);

/*
 * A new state: kind, the groups' bin counts and names (NUL-separated,
 * names_bytes in all), the cuts (CRM_PSI_CUTS), the fingerprint.  NULL
 * and *err beyond the limits.
 */
extern CrmPsiState *crm_psi_alloc(uint8_t kind, int32_t ngroups, const int32_t *group_bins,
								  const char *names, int32_t names_bytes,
								  const double *cuts, int32_t ncuts, uint64_t fingerprint,
								  CrmError *err);

/* Cut points: finite, strictly ascending, at most CRM_PSI_MAX_CUTS.  0 or -1. */
extern int	crm_psi_cuts_check(const double *cuts, int32_t n, CrmError *err);

/* Check a state of size bytes: header, sizes, names, counts.  0 or -1. */
extern int	crm_psi_check(const CrmPsiState *s, size_t size, CrmErrorKind kind, CrmError *err);

/* Whether two states count the same bins (kind, dimensions, cuts, fingerprint, names). */
extern bool crm_psi_compatible(const CrmPsiState *a, const CrmPsiState *b);

/* Add b's counts into a (compatible; 54000 when a count would pass 2^53). */
extern bool crm_psi_add(CrmPsiState *a, const CrmPsiState *b, CrmError *err);

/*
 * PSI of group g: sum over its bins of (a - e) ln(a / e), a and e the
 * bin's shares of the actual and the expected rows; a bin empty in one
 * population counts half a row there (the shares stay finite), a bin empty
 * in both adds nothing.  NaN when either population is empty.
 */
extern double crm_psi_value(const CrmPsiState *s, int32_t g);

/* The 64-bit hash the states use as a fingerprint. */
extern uint64_t crm_psi_hash(const void *p, size_t len);

/* Binary form (see validation_core.c) and the compact text form. */
extern size_t crm_psi_wire_size(const CrmPsiState *s);
extern void crm_psi_encode(const CrmPsiState *s, uint8_t *out);
extern CrmPsiState *crm_psi_decode(const uint8_t *buf, size_t len, CrmErrorKind kind,
								   CrmError *err);
extern char *crm_psi_print(const CrmPsiState *s);
extern CrmPsiState *crm_psi_parse(const char *text, CrmError *err);

#endif							/* CRM_VALIDATION_CORE_H */
