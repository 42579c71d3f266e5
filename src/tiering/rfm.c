/*
 * rfm.c
 *	  crm.rfm_segment(r, f, m): the standard RFM segment map.
 *
 * Scores are 1..5 (crm.quantile_score with n = 5).  Frequency and monetary
 * value are combined as fm = floor((f + m) / 2) and the segment is read off
 * a 5 x 5 grid of recency against fm, so every (r, f, m) has exactly one of
 * the eleven segments.  README.md ("RFM") prints the grid.
 */
#include "crm.h"

#include "utils/builtins.h"

#include "validate.h"

/* grid[fm - 1][r - 1] */
static const char *const rfm_grid[5][5] = {
	/* fm = 1 */ {"lost", "hibernating", "about_to_sleep", "promising", "new"},
	/* fm = 2 */ {"hibernating", "hibernating", "about_to_sleep", "potential_loyalist", "potential_loyalist"},
	/* fm = 3 */ {"at_risk", "at_risk", "need_attention", "potential_loyalist", "potential_loyalist"},
	/* fm = 4 */ {"cannot_lose", "at_risk", "loyal", "loyal", "champions"},
	/* fm = 5 */ {"cannot_lose", "at_risk", "loyal", "champions", "champions"},
};

PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);

	CheckIntRange(r, 1, 5, "r");
	CheckIntRange(f, 1, 5, "f");
	CheckIntRange(m, 1, 5, "m");
	PG_RETURN_TEXT_P(cstring_to_text(rfm_grid[(f + m) / 2 - 1][r - 1]));
}
