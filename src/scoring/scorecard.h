/*
 * scorecard.h
 *	  crm.scorecard, server side: fmgr accessors and helpers shared by the
 *	  type (scorecard.c) and the scoring functions (score.c).
 */
#ifndef CRM_SCORECARD_H
#define CRM_SCORECARD_H

#include "crm.h"

#include "utils/numeric.h"

#include "scorecard_core.h"
#include "validate.h"

#define DatumGetScorecardP(X)		((CrmScorecard *) PG_DETOAST_DATUM(X))
#define PG_GETARG_SCORECARD_P(n)	DatumGetScorecardP(PG_GETARG_DATUM(n))
#define PG_RETURN_SCORECARD_P(x)	PG_RETURN_POINTER(x)

/* Wrap a core-built card as a varlena (sets the header). */
extern CrmScorecard *scorecard_finish(CrmScorecard *c, size_t size);

/* The card's levels as a stand-alone crm.tiers datum. */
extern Datum scorecard_levels_datum(const CrmScorecard *c);

#endif							/* CRM_SCORECARD_H */
