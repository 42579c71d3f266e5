/*
 * policy.c
 *	  crm.service_policy type (text and binary I/O, equality, jsonb casts)
 *	  and the functions that apply a policy: service_minutes, visits_due,
 *	  calls_due, contact_compliance; and required_fte.
 *
 * The layout, text parser and printer live in policy_core.c.  The binary
 * form is a version byte and the canonical text form, as for crm.scorecard:
 * one parser and one set of rules for every way a policy can arrive.
 *
 * Periods.  A policy counts contacts per year; a period (an interval) is
 * turned into a fraction of a year as
 *     months / 12 + days / 365.25 + time / (365.25 * 24 h)
 * so '1 month' = 1/12, '3 months' = 1/4, '1 year' = 1 and '7 days' =
 * 7/365.25.  Intervals are kept in months, days and time separately by
 * PostgreSQL, so each part is converted on its own.  Negative periods are
 * errors.
 */
#include "crm.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "argcache.h"
#include "policy.h"
#include "ruleset.h"
#include "validate.h"

/*
 * A core policy (or the core's error) as a datum-ready varlena, after the
 * check every policy argument gets: nothing is returned that would be
 * refused later.
 */
static CrmPolicy *
PolicyFinish(CrmPolicy *p, size_t size, CrmError *err)
{
	CrmError	cerr = {0};

	if (p == NULL)
		crm_ereport(err);
	SET_VARSIZE(p, size);
	if (crm_policy_check(p, size, &cerr) != 0)
		elog(ERROR, "crm.service_policy built a value it would refuse (%s), please report a bug",
			 cerr.message);
	return p;
}

/*
 * A policy argument, checked before it is read (values only come from the
 * input functions, which build them through crm_policy_build; this is the
 * net under that).
 */
static CrmPolicy *
PolicyArg(FunctionCallInfo fcinfo, int argno)
{
	CrmPolicy  *p = PG_GETARG_SERVICE_POLICY_P(argno);
	CrmError	err = {0};

	if (crm_policy_check(p, VARSIZE(p), &err) != 0)
	{
		err.kind = CRM_ERR_INVALID;
		crm_ereport(&err);
	}
	return p;
}

/* ----------------------------------------------------------------------
 * Type I/O, equality and hashing: the rule-set plumbing (ruleset.h) with
 * the core's parser, printer, decoder and check (policy_core.h).
 * ---------------------------------------------------------------------- */

/* crm_policy_parse for the descriptor. */
static void *
PolicyParse(const char *str, size_t *size, CrmError *err)
{
	return crm_policy_parse(str, size, err);
}

/* crm_policy_print for the descriptor. */
static char *
PolicyPrint(const void *value)
{
	return crm_policy_print((const CrmPolicy *) value);
}

/*
 * The binary form of a policy: a version byte, then the canonical text
 * form converted by conv (to the client encoding), without a length.
 */
static uint8_t *
PolicyEncode(const void *value, CrmConvFn conv, size_t *len)
{
	char	   *str = crm_policy_print((const CrmPolicy *) value);
	size_t		tlen = strlen(str);
	const char *text = conv ? conv(str, tlen, &tlen) : str;
	uint8	   *bin = crm_core_alloc(tlen + 1);

	bin[0] = CRM_POLICY_BINARY_VERSION;
	memcpy(bin + 1, text, tlen);
	*len = tlen + 1;
	return bin;
}

/*
 * A binary value: the text after the version byte is converted by conv
 * (to the server encoding; invalid bytes are 22021, as for text), then
 * everything else, truncation included, is the core decoder's (22P03).
 */
static void *
PolicyDecode(const void *buf, size_t len, CrmConvFn conv, size_t *size, CrmError *err)
{
	const char *raw = buf;

	if (len > 1 && conv != NULL)
	{
		size_t		tlen;
		const char *text = conv(raw + 1, len - 1, &tlen);
		char	   *value = crm_core_alloc(tlen + 1);

		value[0] = raw[0];
		memcpy(value + 1, text, tlen);
		raw = value;
		len = tlen + 1;
	}
	return crm_policy_decode((const uint8 *) raw, len, size, err);
}

/* crm_policy_check for the descriptor. */
static int
PolicyCheck(const void *value, size_t size, CrmError *err)
{
	return crm_policy_check((const CrmPolicy *) value, size, err);
}

/*
 * crm.service_policy: every policy argument is checked before it is read,
 * and every value built is checked before it is returned.
 */
static const RuleSetType ServicePolicyType = {
	.name = "crm.service_policy",
	.parse = PolicyParse,
	.print = PolicyPrint,
	.encode = PolicyEncode,
	.decode = PolicyDecode,
	.check = PolicyCheck,
};

/* The text form (policy_core.h). */
PG_FUNCTION_INFO_V1(service_policy_in);
Datum
service_policy_in(PG_FUNCTION_ARGS)
{
	return ruleset_in(&ServicePolicyType, fcinfo);
}

/* The canonical text form. */
PG_FUNCTION_INFO_V1(service_policy_out);
Datum
service_policy_out(PG_FUNCTION_ARGS)
{
	return ruleset_out(&ServicePolicyType, fcinfo);
}

/* The binary form: a version byte, then the canonical text in the client encoding. */
PG_FUNCTION_INFO_V1(service_policy_recv);
Datum
service_policy_recv(PG_FUNCTION_ARGS)
{
	return ruleset_recv(&ServicePolicyType, fcinfo);
}

/* The binary form (see service_policy_recv). */
PG_FUNCTION_INFO_V1(service_policy_send);
Datum
service_policy_send(PG_FUNCTION_ARGS)
{
	return ruleset_send(&ServicePolicyType, fcinfo);
}

/* Equal policies: the same entries (canonical bytes). */
PG_FUNCTION_INFO_V1(service_policy_eq);
Datum
service_policy_eq(PG_FUNCTION_ARGS)
{
	return ruleset_eq(&ServicePolicyType, fcinfo);
}

/* The negation of service_policy_eq. */
PG_FUNCTION_INFO_V1(service_policy_ne);
Datum
service_policy_ne(PG_FUNCTION_ARGS)
{
	return ruleset_ne(&ServicePolicyType, fcinfo);
}

/* The hash opclass support function, consistent with service_policy_eq. */
PG_FUNCTION_INFO_V1(service_policy_hash);
Datum
service_policy_hash(PG_FUNCTION_ARGS)
{
	return ruleset_hash(&ServicePolicyType, fcinfo);
}

/* ----------------------------------------------------------------------
 * jsonb <-> crm.service_policy
 *
 * {"A+": {"visits_per_year": 4, "calls_per_year": 12, "visit_minutes": 60,
 *         "call_minutes": 10, "travel_minutes": 40},
 *  "*": {"calls_per_year": 2, "call_minutes": 10}}
 *
 * Keys not given are 0; unknown keys and non-numbers are errors.
 * ---------------------------------------------------------------------- */

static void pg_attribute_noreturn()
JsonError(const char *path, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid service policy JSON: %s %s", path, problem),
			 errhint("A service policy is a JSON object of tier: {visits_per_year, calls_per_year, visit_minutes, call_minutes, travel_minutes}.")));
}

PG_FUNCTION_INFO_V1(service_policy_from_jsonb);
Datum
service_policy_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbContainer *root = &jb->root;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	CrmPolicySpec *specs;
	CrmError	err = {0};
	CrmPolicy  *p;
	size_t		size;
	int			n = 0;

	if (!JsonContainerIsObject(root) || JsonContainerIsScalar(root))
		JsonError("the policy", "must be a JSON object of tier: entry");
	specs = palloc0(sizeof(CrmPolicySpec) * Max(JsonContainerSize(root), 1));
	it = JsonbIteratorInit(root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CrmPolicySpec *s;
		JsonbIterator *eit;
		JsonbValue	ev;
		JsonbIteratorToken etok;
		int			key = -1;
		char	   *path;

		if (tok != WJB_KEY)
			continue;
		s = &specs[n];
		s->label = pnstrdup(v.val.string.val, v.val.string.len);
		s->label_len = v.val.string.len;
		path = psprintf("\"%s\"", s->label);
		if (s->label_len == 1 && s->label[0] == '*')
			s->label = NULL;
		tok = JsonbIteratorNext(&it, &v, true);
		if (tok != WJB_VALUE || v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			JsonError(path, "must be an object");
		eit = JsonbIteratorInit(v.val.binary.data);
		while ((etok = JsonbIteratorNext(&eit, &ev, true)) != WJB_DONE)
		{
			if (etok == WJB_KEY)
			{
				key = crm_policy_key_index(ev.val.string.val, ev.val.string.len);
				if (key < 0)
					JsonError(path, psprintf("has an unknown key \"%.*s\"",
											 ev.val.string.len, ev.val.string.val));
			}
			else if (etok == WJB_VALUE)
			{
				char	   *lit;

				if (ev.type != jbvNumeric)
					JsonError(psprintf("%s.%s", path, crm_policy_key_names[key]), "must be a number");
				/* the text form's number rule, so both forms say the same */
				lit = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(ev.val.numeric)));
				if (crm_policy_number(lit, strlen(lit), s->label, s->label_len, key, &s->v[key], &err) != 0)
				{
					if (err.kind == CRM_OK)
						JsonError(psprintf("%s.%s", path, crm_policy_key_names[key]), "must be a number");
					crm_ereport(&err);
				}
			}
		}
		n++;
	}
	p = crm_policy_build(specs, n, &size, &err);
	PG_RETURN_SERVICE_POLICY_P(PolicyFinish(p, size, &err));
}

PG_FUNCTION_INFO_V1(service_policy_to_jsonb);
Datum
service_policy_to_jsonb(PG_FUNCTION_ARGS)
{
	CrmPolicy  *p = PolicyArg(fcinfo, 0);
	StringInfoData buf;
	uint32		i;
	int			k;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < p->nentries; i++)
	{
		const CrmPolicyEntry *e = &p->entries[i];

		if (i)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, e->label_len ? pnstrdup(crm_policy_label(p, e), e->label_len) : "*");
		appendStringInfoString(&buf, ": {");
		for (k = 0; k < CRM_POLICY_NKEYS; k++)
		{
			char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

			double_to_shortest_decimal_buf(e->v[k], num);
			appendStringInfo(&buf, "%s\"%s\": %s", k ? ", " : "", crm_policy_key_names[k], num);
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* crm.policy_entries(policy) -> one row per entry */
PG_FUNCTION_INFO_V1(service_policy_entries);
Datum
service_policy_entries(PG_FUNCTION_ARGS)
{
	CrmPolicy  *p = PolicyArg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint32		i;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < p->nentries; i++)
	{
		const CrmPolicyEntry *e = &p->entries[i];
		Datum		values[CRM_POLICY_NKEYS + 2];
		bool		nulls[CRM_POLICY_NKEYS + 2] = {0};

		values[0] = PointerGetDatum(e->label_len ? cstring_to_text_with_len(crm_policy_label(p, e), e->label_len)
									: cstring_to_text("*"));
		for (k = 0; k < CRM_POLICY_NKEYS; k++)
			values[k + 1] = Float8GetDatum(e->v[k]);
		values[CRM_POLICY_NKEYS + 1] = Float8GetDatum(crm_policy_minutes_per_year(e));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * Applying a policy
 * ---------------------------------------------------------------------- */

/* Fraction of a year in a period (see the header comment); >= 0. */
static double
YearFraction(const Interval *iv, const char *fname)
{
	double		f = iv->month / 12.0 + iv->day / 365.25 +
		(double) iv->time / (365.25 * (double) USECS_PER_DAY);

	if (f < 0 || iv->month < 0 || iv->day < 0 || iv->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period must not be negative", fname),
				 errdetail("Months, days and time of the interval must each be zero or positive.")));
	return f;
}

/* per call site: the policy, through the argument cache */
typedef struct PolicyCache
{
	ArgCache	arg;			/* must be first */
} PolicyCache;

static const CrmPolicy *
GetPolicy(FunctionCallInfo fcinfo)
{
	PolicyCache *cache = (PolicyCache *) fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL && arg_cache_current(&cache->arg)))
		return (const CrmPolicy *) cache->arg.value;
	if (cache == NULL)
		cache = (PolicyCache *) arg_cache_init(fcinfo, 0, sizeof(PolicyCache));
	if (arg_cache_update(&cache->arg, fcinfo, 0))
	{
		/* a new value: checked once, before any lookup reads it */
		CrmError	err = {0};

		if (crm_policy_check((const CrmPolicy *) cache->arg.value, VARSIZE(cache->arg.value), &err) != 0)
		{
			cache->arg.valid = false;
			err.kind = CRM_ERR_INVALID;
			crm_ereport(&err);
		}
	}
	return (const CrmPolicy *) cache->arg.value;
}

/* The policy entry of the tier in argument 1; an unknown tier is an error. */
static const CrmPolicyEntry *
GetEntry(FunctionCallInfo fcinfo, const char *fname)
{
	const CrmPolicy *p = GetPolicy(fcinfo);
	text	   *tier = PG_GETARG_TEXT_PP(1);
	const CrmPolicyEntry *e = crm_policy_lookup(p, VARDATA_ANY(tier), VARSIZE_ANY_EXHDR(tier));

	if (unlikely(e == NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: tier \"%s\" is not in the service policy", fname, text_to_cstring(tier)),
				 errhint("Add the tier, or a \"*\" entry for unlisted tiers.")));
	return e;
}

/* crm.service_minutes(policy, tier [, period]) */
PG_FUNCTION_INFO_V1(service_minutes);
Datum
service_minutes(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.service_minutes");
	double		f = YearFraction(PG_GETARG_INTERVAL_P(2), "crm.service_minutes");

	PG_RETURN_FLOAT8(crm_policy_minutes_per_year(e) * f);
}

PG_FUNCTION_INFO_V1(visits_due);
Datum
visits_due(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.visits_due");

	PG_RETURN_FLOAT8(e->v[CRM_POLICY_VISITS] * YearFraction(PG_GETARG_INTERVAL_P(2), "crm.visits_due"));
}

PG_FUNCTION_INFO_V1(calls_due);
Datum
calls_due(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.calls_due");

	PG_RETURN_FLOAT8(e->v[CRM_POLICY_CALLS] * YearFraction(PG_GETARG_INTERVAL_P(2), "crm.calls_due"));
}

/*
 * crm.contact_compliance(policy, tier, visits_done, calls_done [, period]):
 * the share of the due contacts' minutes that was done.  A visit weighs
 * visit + travel minutes, a call call minutes; contacts beyond what is due
 * do not count.  When contacts are due but cost no minutes (a policy that
 * lists contacts without their minutes), each contact weighs the same.
 * 1 when nothing is due.
 */
PG_FUNCTION_INFO_V1(contact_compliance);
Datum
contact_compliance(PG_FUNCTION_ARGS)
{
	const CrmPolicyEntry *e = GetEntry(fcinfo, "crm.contact_compliance");
	int32		visits_done = PG_GETARG_INT32(2);
	int32		calls_done = PG_GETARG_INT32(3);
	double		f = YearFraction(PG_GETARG_INTERVAL_P(4), "crm.contact_compliance");
	double		due_v = e->v[CRM_POLICY_VISITS] * f;
	double		due_c = e->v[CRM_POLICY_CALLS] * f;
	double		w_v = e->v[CRM_POLICY_VISIT_MIN] + e->v[CRM_POLICY_TRAVEL_MIN];
	double		w_c = e->v[CRM_POLICY_CALL_MIN];
	double		due;
	double		done;

	if (visits_done < 0 || calls_done < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.contact_compliance: visits_done and calls_done must not be negative, got %d and %d",
						visits_done, calls_done)));
	due = due_v * w_v + due_c * w_c;
	if (due <= 0 && due_v + due_c > 0)
	{
		w_v = 1;
		w_c = 1;
		due = due_v + due_c;
	}
	if (due <= 0)
		PG_RETURN_FLOAT8(1.0);
	done = Min((double) visits_done, due_v) * w_v + Min((double) calls_done, due_c) * w_c;
	PG_RETURN_FLOAT8(Min(done / due, 1.0));
}

/* crm.required_fte(minutes, period [, hours_per_fte_year]) */
PG_FUNCTION_INFO_V1(required_fte);
Datum
required_fte(PG_FUNCTION_ARGS)
{
	double		minutes = PG_GETARG_FLOAT8(0);
	double		f = YearFraction(PG_GETARG_INTERVAL_P(1), "crm.required_fte");
	double		hours = PG_GETARG_FLOAT8(2);

	CheckFinite(minutes, "crm.required_fte minutes");
	if (minutes < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: minutes must not be negative")));
	CheckFinite(hours, "crm.required_fte hours_per_fte_year");
	if (hours <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: hours_per_fte_year must be positive, got %s",
						float8out_internal(hours))));
	if (f <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.required_fte: period must be longer than zero")));
	{
		double		fte = minutes / 60.0 / (hours * f);

		if (!isfinite(fte))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("crm.required_fte: the result is out of range for type double precision")));
		PG_RETURN_FLOAT8(fte);
	}
}
