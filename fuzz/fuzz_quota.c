/*
 * fuzz_quota.c
 *	  libFuzzer harness for daily contact quotas (src/workload/quota_core.c):
 *	  the text parser behind crm.quota_met.
 *
 * Parsing arbitrary bytes either fails with a recorded error (22P02 for a
 * malformed quota, 22023 for one beyond the limits or met by every day) or
 * yields a quota within the limits that no day with zero counts meets;
 * printing it as "c-s-r" and parsing that gives the same quota, and so
 * does "csr" when all three are digits.  A day meeting the quota still
 * meets it with more of anything (the rule is monotone).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota_core.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrmQuota	q;
	CrmError	err = {0};

	if (!crm_quota_parse((const char *) data, size, &q, &err))
	{
		FUZZ_ASSERT(err.kind == CRM_ERR_SYNTAX || err.kind == CRM_ERR_INVALID);
		FUZZ_ASSERT(err.message[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(q.contacts >= 0 && q.contacts <= CRM_QUOTA_MAX);
	FUZZ_ASSERT(q.sales >= 0 && q.sales <= CRM_QUOTA_MAX);
	FUZZ_ASSERT(q.reasons >= 0 && q.reasons <= CRM_QUOTA_MAX);
	FUZZ_ASSERT(!crm_quota_met(&q, 0, 0, 0));
	{
		char		buf[64];
		CrmQuota	q2;
		CrmError	err2 = {0};
		int			len = snprintf(buf, sizeof(buf), "%lld-%lld-%lld", (long long) q.contacts,
								   (long long) q.sales, (long long) q.reasons);

		FUZZ_ASSERT(crm_quota_parse(buf, (size_t) len, &q2, &err2));
		FUZZ_ASSERT(q2.contacts == q.contacts && q2.sales == q.sales && q2.reasons == q.reasons);
		if (q.contacts < 10 && q.sales < 10 && q.reasons < 10)
		{
			len = snprintf(buf, sizeof(buf), "%lld%lld%lld", (long long) q.contacts,
						   (long long) q.sales, (long long) q.reasons);
			FUZZ_ASSERT(crm_quota_parse(buf, (size_t) len, &q2, &err2));
			FUZZ_ASSERT(q2.contacts == q.contacts && q2.sales == q.sales && q2.reasons == q.reasons);
		}
	}
	/* the quota itself is met, with a sale or (when r > 0) a reason; more never hurts */
	FUZZ_ASSERT(crm_quota_met(&q, q.contacts, q.sales, 0));
	if (q.reasons > 0)
		FUZZ_ASSERT(crm_quota_met(&q, q.contacts, 0, q.reasons));
	FUZZ_ASSERT(crm_quota_met(&q, q.contacts + 1, q.sales + 1, q.reasons + 1));
	if (q.contacts > 0)
		FUZZ_ASSERT(!crm_quota_met(&q, q.contacts - 1, CRM_QUOTA_MAX, CRM_QUOTA_MAX));
	return 0;
}
