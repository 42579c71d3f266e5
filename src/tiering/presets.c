/*
 * presets.c
 *	  Named tier schemes from published bank and operator practice:
 *	  crm.tiers_preset(name) and crm.tiers_presets().
 *
 * Each preset records where its floors come from; README.md repeats the
 * table.  They are starting points: a bank stores its own schemes as values.
 */
#include "crm.h"

#include "common/string.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "tiers.h"

#define MAX_PRESET_TIERS 8

typedef struct TiersPreset
{
	const char *name;
	int			ntiers;
	const char *labels[MAX_PRESET_TIERS];
	double		bounds[MAX_PRESET_TIERS - 1];
	const char *description;
	const char *source;
} TiersPreset;

/* Sorted by name: the listing and the hint show them in this order. */
static const TiersPreset presets[] = {
	{
		"cn_retail_aum", 5,
		{"mass", "priority", "sunflower", "citigold", "private_banking"},
		{80000, 500000, 800000, 6000000},
		"Chinese retail customers by daily combined balance across all accounts (RMB).",
		"Citibank China 睿智理财 (Citi Priority) from RMB 80,000 and 贵宾理财 (Citigold) "
		"from RMB 800,000; China Merchants Bank 金葵花 (Sunflower) from RMB 500,000; "
		"private banking from RMB 6,000,000 of financial net assets, the regulator's "
		"definition of a private-banking client for wealth-product sales. Below the "
		"first floor an account-management fee applies."
	},
	{
		"corporate_sales_usd", 4,
		{"micro", "sme", "mid", "large"},
		{2500000, 50000000, 2000000000},
		"Corporate customers by annual sales (USD).",
		"Bank of America commercial segmentation: large corporate above USD 2B, "
		"middle market USD 50M-2B, small and medium business USD 2.5M-50M, micro "
		"below USD 2.5M (no dedicated manager: branches and online banking). "
		"A value equal to a floor belongs to the upper tier."
	},
	{
		"telecom_monthly_spend", 3,
		{"standard", "commercial_a", "key_account"},
		{1500, 3000},
		"Business customers by monthly spend, for key-account lists set yearly "
		"from a reference period.",
		"Operator practice: commercial A/A+ tier from 1,500 a month (one on-site "
		"visit per quarter and one proactive call per month), key accounts from "
		"3,000 a month; the list is frozen for the year."
	},
	{
		"us_wealth", 5,
		{"mass", "structured_products", "affluent", "investment_platform", "private_banking"},
		{50000, 100000, 250000, 1000000},
		"Wealth ladder by investable assets or net worth (USD).",
		"Industry thresholds: structured products from USD 50,000, universal-bank "
		"affluent programmes from USD 100,000, investment platforms from USD 250,000, "
		"private banks from USD 1,000,000 net worth."
	},
};

#define NUM_PRESETS ((int) lengthof(presets))

/* The crm.tiers value of a preset (the table is valid: a failure is a bug). */
static CrmTiers *
BuildPreset(const TiersPreset *p)
{
	uint32		lens[MAX_PRESET_TIERS] = {0};
	CrmError	err = {0};
	size_t		size;
	CrmTiers   *t;
	int			i;

	for (i = 0; i < p->ntiers; i++)
		lens[i] = strlen(p->labels[i]);
	t = crm_tiers_build(p->ntiers, p->bounds, p->labels, lens, &size, &err);
	if (t == NULL)
		elog(ERROR, "crm: preset \"%s\" is invalid (%s), please report a bug",
			 p->name, err.message);
	return tiers_finish(t, size);
}

/*
 * crm.tiers_preset(name): the preset's scheme; an unknown name lists the
 * valid ones.
 */
PG_FUNCTION_INFO_V1(tiers_preset);
Datum
tiers_preset(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	StringInfoData names;
	int			i;

	for (i = 0; i < NUM_PRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			PG_RETURN_TIERS_P(BuildPreset(&presets[i]));

	initStringInfo(&names);
	for (i = 0; i < NUM_PRESETS; i++)
		appendStringInfo(&names, "%s%s", i ? ", " : "", presets[i].name);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown tier preset \"%s\"", name),
			 errhint("Valid presets are: %s.", names.data)));
	PG_RETURN_NULL();			/* keep the compiler quiet */
}

/*
 * A UTF-8 string from this file as text in the database encoding.  The
 * sources name Chinese products in Chinese; a database whose encoding cannot
 * represent them gets the text without the non-ASCII characters rather than
 * an error from a catalogue listing.
 */
static Datum
LocalText(const char *utf8)
{
	int			len = strlen(utf8);
	int			enc = GetDatabaseEncoding();
	MemoryContext cxt = CurrentMemoryContext;
	char	   *converted = NULL;

	if (enc == PG_UTF8 || enc == PG_SQL_ASCII || pg_is_ascii(utf8))
		return CStringGetTextDatum(utf8);

	PG_TRY();
	{
		converted = pg_any_to_server(utf8, len, PG_UTF8);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		converted = NULL;
	}
	PG_END_TRY();

	if (converted == NULL)
	{
		char	   *ascii = palloc(len + 1);
		int			n = 0;
		int			i;

		for (i = 0; i < len; i++)
			if (!IS_HIGHBIT_SET(utf8[i]))
				ascii[n++] = utf8[i];
		ascii[n] = '\0';
		converted = ascii;
	}
	return CStringGetTextDatum(converted);
}

/*
 * crm.tiers_presets(): every preset with its scheme, description and
 * source.
 */
PG_FUNCTION_INFO_V1(tiers_presets);
Datum
tiers_presets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < NUM_PRESETS; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(presets[i].name);
		values[1] = PointerGetDatum(BuildPreset(&presets[i]));
		values[2] = LocalText(presets[i].description);
		values[3] = LocalText(presets[i].source);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
