/*
 * policy.c
 *	  The crm.service_policy type: text and binary I/O, equality and hash,
 *	  the jsonb casts and crm.policy_entries (in a tier scheme's order when
 *	  one is given).  The functions that apply a
 *	  policy (crm.service_minutes and the others) are in workload.c.
 *
 * The layout, text parser and printer live in policy_core.c.  The binary
 * form is a version byte and the canonical text form, as for crm.scorecard:
 * one parser and one set of rules for every way a policy can arrive.
 */
#include "crm.h"

#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "policy.h"
#include "ruleset.h"
#include "tiers.h"
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

/* Raise 22023 for the JSON form: path names the place, problem what is wrong. */
static void pg_attribute_noreturn()
JsonError(const char *path, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid service policy JSON: %s %s", path, problem),
			 errhint("A service policy is a JSON object of tier: {visits_per_year, calls_per_year, visit_minutes, call_minutes, travel_minutes}.")));
}

/*
 * crm.service_policy(jsonb), the cast from jsonb: each key a tier, each
 * value an object of numbers, read with the text form's number rule
 * (crm_policy_number) and checked by the same builder.
 */
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
				double		d;

				if (ev.type != jbvNumeric)
					JsonError(psprintf("%s.%s", path, crm_policy_key_names[key]), "must be a number");

				/*
				 * the text form's number rule, so both forms say the same; a
				 * number beyond float8 is quoted in scientific notation
				 */
				if (crm_numeric_double(ev.val.numeric, &d, &lit))
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

/*
 * crm.service_policy_to_jsonb(policy), the cast to jsonb: every entry with
 * every key, numbers in shortest round-trip form (reads back equal).
 */
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

/* An entry's place in the order of crm.policy_entries(policy, scheme). */
typedef struct EntryOrder
{
	int			rank;			/* 0-based tier in the scheme; ntiers: not in it */
	uint32		pos;			/* position in the policy (bytewise, * last) */
} EntryOrder;

/* qsort comparator: by rank, then by the policy's own order. */
static int
CompareEntryOrder(const void *a, const void *b)
{
	const EntryOrder *x = a;
	const EntryOrder *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->pos < y->pos ? -1 : (x->pos > y->pos ? 1 : 0);
}

/*
 * crm.policy_entries(policy [, scheme]) -> one row per entry.  Without a
 * scheme, in the policy's canonical order (tiers sorted bytewise, * last);
 * with one, the scheme's tiers first in its order (lowest first, as
 * crm.labels lists them), then the tiers it does not have, bytewise, then
 * *.  Alphabetical order puts "A" before "A+" and "premier" before
 * "standard", which no report wants.
 */
PG_FUNCTION_INFO_V1(service_policy_entries);
Datum
service_policy_entries(PG_FUNCTION_ARGS)
{
	CrmPolicy  *p = PolicyArg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EntryOrder *order = palloc(sizeof(EntryOrder) * Max(p->nentries, 1));
	uint32		i;
	int			k;

	for (i = 0; i < p->nentries; i++)
	{
		order[i].rank = 0;
		order[i].pos = i;
	}
	if (PG_NARGS() > 1)
	{
		CrmTiers   *t = PG_GETARG_TIERS_P(1);

		for (i = 0; i < p->nentries; i++)
		{
			const CrmPolicyEntry *e = &p->entries[i];
			int			r = -1;

			/* the * entry (label_len 0) is in no scheme: labels are non-empty */
			if (e->label_len > 0)
				r = crm_tiers_find_label(t, crm_policy_label(p, e), e->label_len);
			order[i].rank = r >= 0 ? r : t->ntiers;
			CHECK_FOR_INTERRUPTS();
		}
		qsort(order, p->nentries, sizeof(EntryOrder), CompareEntryOrder);
	}

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < p->nentries; i++)
	{
		const CrmPolicyEntry *e = &p->entries[order[i].pos];
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
