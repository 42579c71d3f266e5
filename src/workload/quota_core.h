/*
 * quota_core.h
 *	  Daily contact quotas such as "511": a manager's day meets the quota
 *	  with at least 5 effective contacts and at least 1 sale, or, instead of
 *	  the sale, 1 written reason why there was none.  No server
 *	  dependencies (fuzzed directly).
 *
 * Text form: three digits, contacts, sales and written reasons ("511"), or
 * three whole numbers separated by '-' for quotas beyond 9 ("10-2-1");
 * blanks around the whole are ignored.  Each number is at most
 * CRM_QUOTA_MAX.  A day meets quota c-s-r when
 *     contacts >= c  and  (s = 0  or  sales >= s  or  (r > 0 and reasons >= r))
 * so a 0 for written reasons means no reason replaces the sale ("510": 5
 * contacts and 1 sale), and a 0 for sales asks for no sale ("500").  A
 * quota every day meets (c = 0 and s = 0) is refused: it would report full
 * compliance whatever was done.
 */
#ifndef CRM_QUOTA_CORE_H
#define CRM_QUOTA_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"

#define CRM_QUOTA_MAX		10000	/* contacts, sales or reasons a day */

typedef struct CrmQuota
{
	int64_t		contacts;		/* effective contacts */
	int64_t		sales;
	int64_t		reasons;		/* written reasons, instead of a sale */
} CrmQuota;

/*
 * Parse len bytes at s.  false and *err on failure: 22P02 for a malformed
 * quota, 22023 for numbers beyond CRM_QUOTA_MAX and for a quota every day
 * meets.
 */
extern bool crm_quota_parse(const char *s, size_t len, CrmQuota *q, CrmError *err);

/* Whether a day with these counts (each >= 0) meets the quota. */
static inline bool
crm_quota_met(const CrmQuota *q, int64_t contacts, int64_t sales, int64_t reasons)
{
	return contacts >= q->contacts &&
		(q->sales == 0 || sales >= q->sales || (q->reasons > 0 && reasons >= q->reasons));
}

#endif							/* CRM_QUOTA_CORE_H */
