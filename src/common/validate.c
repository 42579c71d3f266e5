/*
 * validate.c
 *	  Out-of-line parts of the argument checks (see validate.h).
 */
#include "crm.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "lex_core.h"
#include "validate.h"

/*
 * A plain decimal as numeric_out prints it ("1000...0", "0.000...01") in
 * scientific notation with up to 17 significant digits, for messages about
 * numbers out of float8's range (whose plain form runs to 300 digits).
 */
static char *
ScientificText(const char *s)
{
	bool		neg = (*s == '-');
	const char *p = s + neg;
	const char *dot = strchr(p, '.');
	int			intlen = dot ? (int) (dot - p) : (int) strlen(p);
	StringInfoData digits;
	StringInfoData out;
	int			first;
	int			last;

	initStringInfo(&digits);
	for (; *p; p++)
		if (*p != '.')
			appendStringInfoChar(&digits, *p);
	for (first = 0; first < digits.len && digits.data[first] == '0'; first++)
		;
	if (first == digits.len)
		return pstrdup(s);		/* zero: never out of range */
	last = Min(digits.len, first + 17);
	while (last > first + 1 && digits.data[last - 1] == '0')
		last--;
	initStringInfo(&out);
	appendStringInfo(&out, "%s%c", neg ? "-" : "", digits.data[first]);
	if (last > first + 1)
		appendStringInfo(&out, ".%.*s", last - first - 1, digits.data + first + 1);
	appendStringInfo(&out, "e%+d", intlen - 1 - first);
	return out.data;
}

/* numeric -> float8 by the number rule (validate.h). */
bool
crm_numeric_double(Numeric num, double *out, char **literal)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
	const char *end;

	if (crm_lex_read_double(s, &end, out) == CRM_NUM_RANGE)
	{
		*literal = ScientificText(s);
		return false;
	}
	pfree(s);
	return true;
}
