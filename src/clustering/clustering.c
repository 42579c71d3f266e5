/*
 * clustering.c
 *	  Server-side helpers shared by the clustering files (see clustering.h):
 *	  the options parser, the feature-array reader, and what the aggregates
 *	  need to judge their arguments and report a bad state.
 */
#include "crm.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/syscache.h"

#include "clustering.h"
#include "validate.h"

/* ------------------------------------------------------------ options */

/* A jsonb option's number as a float8 (+-Infinity beyond float8's range). */
static double
OptionNumber(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number", key)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											  NumericGetDatum(v->val.numeric)));
}

/* A numeric in short scientific notation: 1e+400, 1.5e+400 (as %g would). */
static char *
NumericShortSci(Numeric num)
{
	char	   *s = numeric_out_sci(num, 16);
	char	   *e = strchr(s, 'e');
	char	   *z;

	if (e == NULL)
		return s;
	z = e;
	while (z > s && z[-1] == '0')
		z--;
	if (z > s && z[-1] == '.')
		z--;
	memmove(z, e, strlen(e) + 1);
	return s;
}

/* A jsonb option's number as it reads in a message: 2.5, 1e+30, 1e+400. */
static char *
OptionText(JsonbValue *v, double d)
{
	if (isfinite(d) && fabs(d) < 1e15)
		return float8out_internal(d);
	return NumericShortSci(v->val.numeric);
}

/*
 * An integer option: a whole number, within its limits
 * (crm_check_option_int, the check stored sketches get too).
 */
static int
OptionInt(JsonbValue *v, const char *key)
{
	double		d = OptionNumber(v, key);
	CrmError	err = {0};

	if (d != floor(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an integer, got %s", key, OptionText(v, d))));
	if (!(fabs(d) < 1e18))
		crm_error_option_range(&err, key, OptionText(v, d));
	else
		crm_check_option_int(key, (int64) d, &err);
	RaiseIf(err.kind == CRM_OK, &err);
	return (int) d;
}

/*
 * A float8 option.  A JSON number beyond float8 (1e400) is 22003 "option
 * "tol" "1e+400" is out of range for type double precision", the rule of
 * validate_core.h; the ranges are crm_cluster_options_check's.
 */
static double
OptionFloat(JsonbValue *v, const char *key)
{
	double		d = OptionNumber(v, key);

	if (!isfinite(d))
	{
		CrmError	err = {0};
		char	   *subject = psprintf("option \"%s\"", key);
		char	   *lit = NumericShortSci(v->val.numeric);

		crm_error_out_of_range(&err, subject, lit, strlen(lit));
		crm_ereport(&err);
	}
	return d;
}

/* The scaling named by option "scale". */
static int
OptionScale(JsonbValue *v)
{
	int			s = -1;

	if (v->type == jbvString)
		s = crm_scale_parse(v->val.string.val, v->val.string.len);
	if (s < 0)
	{
		CrmError	err = {0};

		crm_error_scale(&err, "option \"scale\"",
						v->type == jbvString ?
						psprintf("\"%.*s\"", Min(v->val.string.len, 40), v->val.string.val) : NULL);
		crm_ereport(&err);
	}
	return s;
}

/* The options jsonb's keys and the bits cluster_parse_options reports. */
static const struct
{
	const char *key;
	int			bit;
}			option_keys[] = {
	{"scale", CRM_OPT_SCALE},
	{"budget_kb", CRM_OPT_BUDGET},
	{"restarts", CRM_OPT_RESTARTS},
	{"max_iter", CRM_OPT_MAX_ITER},
	{"seed", CRM_OPT_SEED},
	{"tol", CRM_OPT_TOL},
	{"atan_scale", CRM_OPT_ATAN_SCALE},
	{"names", CRM_OPT_NAMES},
};

/*
 * Option "names": a non-empty JSON array of strings, each a valid feature
 * name, all distinct (crm_names_validate), as a palloc'd names block.
 */
static void *
OptionNames(JsonbValue *v)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			n;
	int			i = 0;
	const char **names;
	uint32	   *lens;
	CrmError	err = {0};
	void	   *block;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"names\" must be an array of strings, one name per feature"),
				 errhint("For example '{\"names\": [\"balance\", \"tenure\"]}'.")));
	n = JsonContainerSize(v->val.binary.data);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"names\" must not be empty"),
				 errhint("Leave the option out for features without names.")));
	/* before reading them: at most one name per feature */
	if (n > CRM_MAX_DIMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("there can be at most %d feature names, got %d", CRM_MAX_DIMS, n)));
	names = palloc(sizeof(char *) * n);
	lens = palloc(sizeof(uint32) * n);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"names\" element %d must be a string", i + 1)));
		names[i] = e.val.string.val;
		lens[i] = (uint32) e.val.string.len;
		i++;
	}
	RaiseIf(crm_names_validate(n, names, lens, &err), &err);
	block = palloc(crm_names_block_size(n, lens));
	crm_names_block_write(block, n, names, lens);
	return block;
}

/* The names of option "names" must be one per feature. */
void
cluster_check_names(const void *names, int dims)
{
	CrmError	err = {0};

	if (names != NULL)
		RaiseIf(crm_names_check_count(crm_names_count(names), dims, "option \"names\"", &err), &err);
}

/* Set option key to the jsonb value v; returns its CRM_OPT_ bit. */
static int
ParseOption(const char *key, JsonbValue *v, CrmClusterOptions *o, void **names)
{
	int			bit = 0;
	int			i;

	for (i = 0; i < lengthof(option_keys); i++)
		if (strcmp(key, option_keys[i].key) == 0)
			bit = option_keys[i].bit;
	switch (bit)
	{
		case CRM_OPT_SCALE:
			o->scale = OptionScale(v);
			break;
		case CRM_OPT_BUDGET:
			o->budget_kb = OptionInt(v, key);
			break;
		case CRM_OPT_RESTARTS:
			o->restarts = OptionInt(v, key);
			break;
		case CRM_OPT_MAX_ITER:
			o->max_iter = OptionInt(v, key);
			break;
		case CRM_OPT_SEED:
			o->seed = (uint64) OptionInt(v, key);
			break;
		case CRM_OPT_TOL:
			o->tol = OptionFloat(v, key);
			break;
		case CRM_OPT_ATAN_SCALE:
			o->atan_scale = OptionFloat(v, key);
			break;
		case CRM_OPT_NAMES:
			*names = OptionNames(v);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown clustering option \"%s\"", key),
					 errhint("Valid options are scale, seed, restarts, max_iter, tol, budget_kb, atan_scale and names.")));
	}
	return bit;
}

/*
 * Parse an options jsonb over the values already in o (defaults, or a
 * sketch's own options): each key is read by its kind, then the whole set is
 * checked once by crm_cluster_options_check. Returns the CRM_OPT_ bits of
 * the keys given.
 */
int
cluster_parse_options(Jsonb *jb, CrmClusterOptions *o, void **names)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			set = 0;
	CrmError	err = {0};

	if (jb == NULL)
		return 0;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clustering options must be a JSON object"),
				 errhint("For example '{\"scale\": \"zscore\", \"seed\": 7}'.")));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		tok = JsonbIteratorNext(&it, &v, true);
		set |= ParseOption(key, &v, o, names);
		pfree(key);
	}
	RaiseIf(crm_cluster_options_check(o, &err), &err);
	return set;
}

/* ------------------------------------------------------------ encodings */

/* Names of a binary form leave in the client's encoding. */
const char *
cluster_names_to_client(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_server_to_client(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* Names of a binary form arrive in the client's encoding (verified). */
const char *
cluster_names_from_client(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_client_to_server(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* Names of the compact text form are UTF-8. */
const char *
cluster_names_to_utf8(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_server_to_any(s, (int) len, PG_UTF8);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* Names of the compact text form are UTF-8 (verified). */
const char *
cluster_names_from_utf8(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_any_to_server(s, (int) len, PG_UTF8);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* ------------------------------------------------------------ names */

/* The names as a text[] (see clustering.h). */
ArrayType *
cluster_names_array(const void *names, int dims)
{
	Datum	   *d = palloc(sizeof(Datum) * dims);
	int			j;

	for (j = 0; j < dims; j++)
	{
		char		buf[16];
		uint32		len;
		const char *name = crm_names_display(names, j, buf, &len);

		d[j] = PointerGetDatum(cstring_to_text_with_len(name, (int) len));
	}
	return construct_array(d, dims, TEXTOID, -1, false, TYPALIGN_INT);
}

/* ------------------------------------------------------------ features */

/* The one reader of a features argument (see clustering.h). */
const double *
cluster_features(ArrayType *arr, int expected_dims, int *dims)
{
	int			n;
	const double *x;
	int			j;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("features must be a float8[] array")));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array, got %d dimensions", ARR_NDIM(arr))));
	if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features must not contain NULL elements")));
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	CheckDims(n);
	if (expected_dims > 0 && n != expected_dims)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features has %d elements, but %d were expected", n, expected_dims),
				 errdetail("Every row must have as many features as the first one (or as the model).")));
	x = (const double *) ARR_DATA_PTR(arr);
	for (j = 0; j < n; j++)
		if (unlikely(!(fabs(x[j]) <= CRM_CLUSTER_MAX_ABS)))
		{
			CrmError	err = {0};

			crm_check_feature(x[j], psprintf("features element %d", j + 1), &err);
			crm_ereport(&err);
		}
	*dims = n;
	return x;
}

/* ------------------------------------------------------------ aggregates */

/*
 * Whether aggregate argument argno is the same value for the whole life of
 * one transition state, so that it needs comparing only once per state.  A
 * Const cannot change.  A Param is constant during one scan of the Agg
 * node: an external parameter for the whole execution, an initplan's output
 * once computed, an outer reference until the Agg is rescanned, and a
 * rescan with changed aggregate parameters builds new states.  Anything else
 * (a column, an expression over the row, a window aggregate, where there is
 * no Aggref) is compared on every row.
 *
 * Only an optimisation, never needed for a result: the Aggref is trusted
 * only when it is our own aggregate's, i.e. its transition function is the
 * function being called with one argument more than the Aggref has.  A
 * wrapper that calls our transition function bare under its own Aggref
 * (Citus's worker_partial_agg(agg oid, ROW(...)), whose first argument is a
 * Const) gets false, and every row is compared.
 */
bool
cluster_agg_arg_stable(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	TargetEntry *tle;
	HeapTuple	tup;
	bool		ours;

	if (aggref == NULL || argno >= list_length(aggref->args) ||
		list_length(aggref->args) != PG_NARGS() - 1)
		return false;
	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tup))
		return false;
	ours = ((Form_pg_aggregate) GETSTRUCT(tup))->aggtransfn == fcinfo->flinfo->fn_oid;
	ReleaseSysCache(tup);
	if (!ours)
		return false;
	tle = list_nth_node(TargetEntry, aggref->args, argno);
	return IsA(tle->expr, Const) || IsA(tle->expr, Param);
}

/* A state that fails its check (see clustering.h). */
void
cluster_state_error(const char *agg, const CrmError *err)
{
	ereport(ERROR,
			(errcode(err->kind == CRM_ERR_LIMIT ? ERRCODE_PROGRAM_LIMIT_EXCEEDED
					 : ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s state", agg),
			 errdetail_internal("%s", err->message)));
}
