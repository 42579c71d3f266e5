/*
 * quota_core.c
 *	  Daily contact quotas: the text form (see quota_core.h).
 */
#include <string.h>

#include "quota_core.h"

/* Blanks around a quota: space, tab, newline, carriage return. */
static bool
IsBlank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The malformed-quota error, quoting at most 40 bytes of the input. */
static bool
Malformed(const char *s, size_t len, CrmError *err)
{
	crm_error_set(err, CRM_ERR_SYNTAX, "invalid contact quota \"%.*s%s\"",
				  (int) (len > 40 ? 40 : len), s, len > 40 ? "..." : "");
	crm_error_detail(err, "A quota is three digits, contacts, sales and written reasons a day (\"511\"), or three whole numbers separated by '-' (\"10-2-1\").");
	return false;
}

/* See quota_core.h. */
bool
crm_quota_parse(const char *s, size_t len, CrmQuota *q, CrmError *err)
{
	const char *p = s;
	const char *end = s + len;
	int64_t		v[3];
	int			n = 0;

	while (p < end && IsBlank(*p))
		p++;
	while (end > p && IsBlank(end[-1]))
		end--;

	if (end - p == 3 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
		p[2] >= '0' && p[2] <= '9')
	{
		v[0] = p[0] - '0';
		v[1] = p[1] - '0';
		v[2] = p[2] - '0';
	}
	else
	{
		/* n-n-n: digits, a '-', digits, a '-', digits */
		while (n < 3)
		{
			int64_t		x = 0;
			const char *start = p;

			while (p < end && *p >= '0' && *p <= '9')
			{
				if (((p - s) & 0xFFFF) == 0xFFFF)
					crm_check_interrupts();
				/* stop growing past the limit: the value is reported as too large */
				if (x <= CRM_QUOTA_MAX)
					x = x * 10 + (*p - '0');
				p++;
			}
			if (p == start)
				return Malformed(s, len, err);
			v[n++] = x;
			if (n < 3)
			{
				if (p == end || *p != '-')
					return Malformed(s, len, err);
				p++;
			}
		}
		if (p != end)
			return Malformed(s, len, err);
	}
	{
		static const char *const names[3] = {"contacts", "sales", "written reasons"};
		int			i;

		for (i = 0; i < 3; i++)
			if (v[i] > CRM_QUOTA_MAX)
			{
				crm_error_set(err, CRM_ERR_INVALID, "contact quota \"%.*s%s\": %s must be at most %d a day",
							  (int) (len > 40 ? 40 : len), s, len > 40 ? "..." : "",
							  names[i], CRM_QUOTA_MAX);
				return false;
			}
	}
	q->contacts = v[0];
	q->sales = v[1];
	q->reasons = v[2];
	if (crm_quota_met(q, 0, 0, 0))
	{
		crm_error_set(err, CRM_ERR_INVALID, "contact quota \"%.*s%s\" is met by every day",
					  (int) (len > 40 ? 40 : len), s, len > 40 ? "..." : "");
		crm_error_hint(err, "Ask for at least one contact or one sale (\"511\": 5 contacts and 1 sale or 1 written reason).");
		return false;
	}
	return true;
}
