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

#define DatumGetScorecardP(X)		((CrmScorecard *) PG_DETOAST_DATUM(X))
#define PG_GETARG_SCORECARD_P(n)	DatumGetScorecardP(PG_GETARG_DATUM(n))
#define PG_RETURN_SCORECARD_P(x)	PG_RETURN_POINTER(x)

/* Wrap a core-built card as a varlena (sets the header). */
extern CrmScorecard *scorecard_finish(CrmScorecard *c, size_t size);

/*
 * A numeric as float8 by crm's number rule (lex_core.h): NaN and Infinity
 * come back as such; false when the value is out of float8's range, with
 * *literal set to its decimal text for the 22003 message.
 */
extern bool scorecard_numeric_double(Numeric num, double *out, char **literal);

/* The card's levels as a stand-alone crm.tiers datum. */
extern Datum scorecard_levels_datum(const CrmScorecard *c);

#endif							/* CRM_SCORECARD_H */
