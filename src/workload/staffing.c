/*
 * staffing.c
 *	  Staffing checks per unit: crm.staffing_gap(unit_kind, managers,
 *	  cash_specialists, credit_specialists [, rules]) reports, per role,
 *	  what the unit has, what its kind needs at the minimum and at the
 *	  target, and what is missing; crm.staffing_rules([rules]) lists the
 *	  rules in force.
 *
 * The rules (staffing_core.h) default to the domain facts: >= 3 managers per
 * second-tier branch settlement department, >= 1 per corporate outlet
 * (target 2), and manager : cash-management specialist : credit specialist
 * ratios by corporate tier (1:1:1 large, 2-3:1:1 mid, 10:1:1 SME face to
 * face, 25-30:1:1 SME by phone).  Custom rules are a jsonb object of unit
 * kind: rule; a kind it names replaces that kind's default rule, other
 * kinds are added.  They are read once per call site and value
 * (argcache.h).
 */
#include "crm.h"

#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "argcache.h"
#include "jsonb_form.h"
#include "staffing_core.h"
#include "validate.h"

/* How the rules' JSON form names itself in errors (jsonb_form.h). */
static const JsonbForm RulesForm = {
	.what = "staffing rules",
	.hint = "Staffing rules are a JSON object of unit kind: {\"managers\": [minimum, target], \"managers_per_cash_specialist\": [low, high], \"managers_per_credit_specialist\": [low, high]}; a single number stands for both ends; crm.staffing_rules() lists the defaults.",
};

/* The rules in force: the defaults with the custom ones merged in. */
typedef struct StaffingRules
{
	int			n;
	CrmStaffingRule *rules;
} StaffingRules;

/* A number, or [low, high]; a single number is both ends. */
static void
JsonPair(const JsonbValue *v, const char *path, double out[2])
{
	if (jsonb_form_is_array(v))
	{
		int			n;
		JsonbValue *elems;

		if (jsonb_form_array_length(&RulesForm, v, path) != 2)
			jsonb_form_error(&RulesForm, path, "must be a number or [low, high]");
		elems = jsonb_form_elements(&RulesForm, v, path, &n);
		out[0] = jsonb_form_number(&RulesForm, &elems[0], psprintf("%s[0]", path), path);
		out[1] = jsonb_form_number(&RulesForm, &elems[1], psprintf("%s[1]", path), path);
	}
	else if (v->type == jbvNumeric)
		out[0] = out[1] = jsonb_form_number(&RulesForm, v, path, path);
	else
		jsonb_form_error(&RulesForm, path, "must be a number or [low, high]");
}

/*
 * A headcount of a rule: a whole number (the range is the core's check,
 * but a magnitude no int64 holds is refused here, in the core's words).
 */
static int64
JsonCount(double d, const char *path, const char *where)
{
	if (d != floor(d))
		jsonb_form_error(&RulesForm, path, psprintf("must be a whole number of managers, got %s",
													float8out_internal(d)));
	if (fabs(d) > 2.0 * CRM_STAFFING_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: managers must be between 0 and %d, got %s",
						where, CRM_STAFFING_MAX_COUNT, float8out_internal(d))));
	return (int64) d;
}

/*
 * A unit kind as messages name it: quoted, cut to 60 bytes (on a character
 * boundary) with "..." after a longer one.
 */
static char *
KindName(const char *kind, int len)
{
	int			cut = pg_mbcliplen(kind, len, 60);

	return psprintf("\"%.*s%s\"", cut, kind, cut < len ? "..." : "");
}

/* One custom rule from its JSON object. */
static void
ReadRule(const JsonbValue *v, const char *kind, int kind_len, CrmStaffingRule *rule)
{
	static const char *const keys[] = {
		"managers", "managers_per_cash_specialist", "managers_per_credit_specialist", NULL
	};
	static const char *const ratio_keys[2] = {
		"managers_per_cash_specialist", "managers_per_credit_specialist"
	};
	char	   *path = KindName(kind, kind_len);
	char	   *where = psprintf("staffing rule %s", path);
	JsonbContainer *obj;
	JsonbValue *mv;
	CrmError	err = {0};
	int			k;

	if (!jsonb_form_is_object(v))
		jsonb_form_error(&RulesForm, path, "must be an object");
	obj = v->val.binary.data;
	jsonb_form_check_keys(&RulesForm, obj, keys, path);
	memset(rule, 0, sizeof(*rule));
	rule->kind = kind;
	rule->kind_len = (uint32) kind_len;
	mv = jsonb_form_get(obj, "managers");
	if (mv != NULL)
	{
		double		pair[2];
		char	   *mpath = psprintf("%s.managers", path);

		JsonPair(mv, mpath, pair);
		rule->has_managers = true;
		rule->managers[0] = JsonCount(pair[0], mpath, where);
		rule->managers[1] = JsonCount(pair[1], mpath, where);
	}
	for (k = 0; k < 2; k++)
	{
		JsonbValue *rv = jsonb_form_get(obj, ratio_keys[k]);

		if (rv == NULL)
			continue;
		rule->has_ratio[k] = true;
		JsonPair(rv, psprintf("%s.%s", path, ratio_keys[k]), rule->ratio[k]);
	}
	RaiseIf(crm_staffing_check_rule(rule, where, &err), &err);
}

/*
 * The rules in force for a rules document (NULL: the defaults), in the
 * current memory context: the defaults in their order, a kind the document
 * names replacing its default, then the document's new kinds (jsonb's key
 * order: shortest first, then bytewise).
 */
static StaffingRules
ReadRules(Jsonb *jb)
{
	StaffingRules out;
	JsonbPair  *members = NULL;
	int			nmembers = 0;
	int			i;

	if (jb != NULL)
	{
		if (!JsonContainerIsObject(&jb->root) || JsonContainerIsScalar(&jb->root))
			jsonb_form_error(&RulesForm, "the rules", "must be a JSON object of unit kind: rule");
		if (JsonContainerSize(&jb->root) > CRM_STAFFING_MAX_KINDS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("staffing rules can have at most %d unit kinds, got %d",
							CRM_STAFFING_MAX_KINDS, (int) JsonContainerSize(&jb->root))));
		members = jsonb_form_members(&jb->root, &nmembers);
	}
	out.rules = palloc(sizeof(CrmStaffingRule) * (CRM_STAFFING_DEFAULTS + nmembers));
	memcpy(out.rules, crm_staffing_defaults, sizeof(crm_staffing_defaults));
	out.n = CRM_STAFFING_DEFAULTS;
	for (i = 0; i < nmembers; i++)
	{
		const char *kind = members[i].key.val.string.val;
		int			len = members[i].key.val.string.len;
		CrmStaffingRule rule;
		int			j;

		CHECK_FOR_INTERRUPTS();
		ReadRule(&members[i].value, pnstrdup(kind, len), len, &rule);
		for (j = 0; j < CRM_STAFFING_DEFAULTS; j++)
			if (out.rules[j].kind_len == (uint32) len && memcmp(out.rules[j].kind, kind, len) == 0)
				break;
		out.rules[j < CRM_STAFFING_DEFAULTS ? j : out.n++] = rule;
	}
	return out;
}

/* per call site: the rules of argument 4 */
typedef struct RulesCache
{
	ArgCache	arg;			/* must be first */
	StaffingRules rules;
} RulesCache;

/* The rules of this call (argument 4 when given), cached by value. */
static StaffingRules
GetRules(FunctionCallInfo fcinfo)
{
	RulesCache *cache;

	if (PG_NARGS() < 5)
	{
		StaffingRules d = {CRM_STAFFING_DEFAULTS, (CrmStaffingRule *) crm_staffing_defaults};

		return d;
	}
	cache = (RulesCache *) fcinfo->flinfo->fn_extra;
	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return cache->rules;
	if (cache == NULL)
		cache = (RulesCache *) arg_cache_init(fcinfo, 4, sizeof(RulesCache));
	if (arg_cache_update(&cache->arg, fcinfo, 4))
	{
		MemoryContext old;

		/* invalid until read: an error must not leave a half-read cache */
		cache->arg.valid = false;
		old = MemoryContextSwitchTo(cache->arg.cxt);
		cache->rules = ReadRules((Jsonb *) cache->arg.value);
		MemoryContextSwitchTo(old);
		cache->arg.valid = true;
	}
	return cache->rules;
}

/* The rule of a unit kind; an unknown kind is an error listing the kinds. */
static const CrmStaffingRule *
FindRule(StaffingRules rules, text *kind)
{
	const char *s = VARDATA_ANY(kind);
	int			len = VARSIZE_ANY_EXHDR(kind);
	StringInfoData names;
	int			i;

	for (i = 0; i < rules.n; i++)
		if (rules.rules[i].kind_len == (uint32) len && memcmp(rules.rules[i].kind, s, len) == 0)
			return &rules.rules[i];
	initStringInfo(&names);
	for (i = 0; i < rules.n && i < 20; i++)
		appendStringInfo(&names, "%s%.*s", i ? ", " : "", (int) rules.rules[i].kind_len, rules.rules[i].kind);
	if (i < rules.n)
		appendStringInfo(&names, ", ... (%d in all)", rules.n);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("crm.staffing_gap: unknown unit kind %s", KindName(s, len)),
			 errhint("Unit kinds: %s; add others with the rules argument.", names.data)));
	pg_unreachable();
}

/*
 * crm.staffing_gap(unit_kind, managers, cash_specialists,
 * credit_specialists [, rules]): one row per role, (role, staffed, minimum,
 * target, short_of_minimum, short_of_target).
 */
PG_FUNCTION_INFO_V1(staffing_gap);
Datum
staffing_gap(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StaffingRules rules = GetRules(fcinfo);
	const CrmStaffingRule *rule = FindRule(rules, PG_GETARG_TEXT_PP(0));
	static const char *const count_names[CRM_NROLES] = {
		"crm.staffing_gap: managers", "crm.staffing_gap: cash_specialists",
		"crm.staffing_gap: credit_specialists"
	};
	int64		staffed[CRM_NROLES];
	CrmStaffingNeed need[CRM_NROLES];
	int			i;

	for (i = 0; i < CRM_NROLES; i++)
	{
		CrmError	err = {0};

		staffed[i] = PG_GETARG_INT64(1 + i);
		RaiseIf(crm_staffing_check_count(staffed[i], count_names[i], &err), &err);
	}
	crm_staffing_needs(rule, staffed[CRM_ROLE_MANAGER], need);

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < CRM_NROLES; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = CStringGetTextDatum(crm_role_names[i]);
		values[1] = Int64GetDatum(staffed[i]);
		values[2] = Int64GetDatum(need[i].minimum);
		values[3] = Int64GetDatum(need[i].target);
		values[4] = Int64GetDatum(Max(need[i].minimum - staffed[i], 0));
		values[5] = Int64GetDatum(Max(need[i].target - staffed[i], 0));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* A [low, high] pair as a float8[] datum. */
static Datum
PairArray(double lo, double hi)
{
	Datum		elems[2] = {Float8GetDatum(lo), Float8GetDatum(hi)};

	return PointerGetDatum(construct_array(elems, 2, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * crm.staffing_rules([rules]): the rules in force, one row per unit kind
 * (unit_kind, min_managers, target_managers, managers_per_cash_specialist,
 * managers_per_credit_specialist; NULL where the rule says nothing).
 */
PG_FUNCTION_INFO_V1(staffing_rules);
Datum
staffing_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StaffingRules rules = ReadRules(PG_NARGS() > 0 ? PG_GETARG_JSONB_P(0) : NULL);
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < rules.n; i++)
	{
		const CrmStaffingRule *r = &rules.rules[i];
		Datum		values[5];
		bool		nulls[5] = {false, !r->has_managers, !r->has_managers,
								!r->has_ratio[0], !r->has_ratio[1]};

		values[0] = PointerGetDatum(cstring_to_text_with_len(r->kind, r->kind_len));
		values[1] = Int64GetDatum(r->managers[0]);
		values[2] = Int64GetDatum(r->managers[1]);
		values[3] = r->has_ratio[0] ? PairArray(r->ratio[0][0], r->ratio[0][1]) : (Datum) 0;
		values[4] = r->has_ratio[1] ? PairArray(r->ratio[1][0], r->ratio[1][1]) : (Datum) 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
