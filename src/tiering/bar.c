/*
 * bar.c
 *	  crm.bar(value, max [, width]): a text bar chart cell for psql.
 *
 * The bar is value / max of `width` character cells, drawn with Unicode
 * block elements at eighth-of-a-cell resolution (U+2588 full block, U+2589
 * .. U+258F for 7/8 .. 1/8), rounded to the nearest eighth.  Values are
 * clamped to [0, max].  A maximum of 0 draws an empty bar: the natural
 * call crm.bar(x, max(x) OVER ()) over a group where every value is 0 (a
 * region without load) must not fail.  In a database whose encoding is
 * neither UTF8 nor SQL_ASCII the bar is drawn with '#' at whole-cell
 * resolution.
 */
#include "crm.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "validate.h"

#define MAX_WIDTH 200

/*
 * crm.bar(value, max [, width]): the bar of value / max as text (see the
 * file header).
 */
PG_FUNCTION_INFO_V1(bar_chart);
Datum
bar_chart(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	float8		max = PG_GETARG_FLOAT8(1);
	int32		width = PG_GETARG_INT32(2);
	bool		unicode;
	double		frac;
	int			eighths;
	StringInfoData buf;
	int			i;

	CheckNotNaN(value, "value");
	CheckFinite(max, "max");
	if (max < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max must not be negative, got %s", float8out_internal(max)),
				 errhint("A bar shows value / max of its width; a maximum of 0 draws an empty bar.")));
	CheckIntRange(width, 1, MAX_WIDTH, "width");

	/* max = 0 (also -0): nothing to draw, whatever the value */
	frac = (value <= 0 || max == 0) ? 0.0 : (value >= max ? 1.0 : value / max);
	unicode = GetDatabaseEncoding() == PG_UTF8 || GetDatabaseEncoding() == PG_SQL_ASCII;
	initStringInfo(&buf);
	if (unicode)
	{
		eighths = (int) floor(frac * width * 8 + 0.5);
		for (i = 0; i < eighths / 8; i++)
			appendStringInfoString(&buf, "\xe2\x96\x88");
		if (eighths % 8)
		{
			/* 1/8 is U+258F, 7/8 is U+2589 */
			appendStringInfoChar(&buf, (char) 0xe2);
			appendStringInfoChar(&buf, (char) 0x96);
			appendStringInfoChar(&buf, (char) (0x90 - eighths % 8));
		}
	}
	else
	{
		int			cells = (int) floor(frac * width + 0.5);

		for (i = 0; i < cells; i++)
			appendStringInfoChar(&buf, '#');
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}
