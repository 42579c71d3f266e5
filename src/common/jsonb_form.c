/*
 * jsonb_form.c
 *	  Helpers that read a crm type's JSON form from jsonb (see
 *	  jsonb_form.h).
 */
#include "crm.h"

#include "miscadmin.h"

#include "jsonb_form.h"
#include "validate.h"

/* See jsonb_form.h. */
void
jsonb_form_error(const JsonbForm *form, const char *path, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s JSON: %s %s", form->what, path, problem),
			 errhint("%s", form->hint)));
}

/* See jsonb_form.h (the key test is validate.h's UnknownJsonbKey). */
void
jsonb_form_check_keys(const JsonbForm *form, JsonbContainer *obj,
					  const char *const *allowed, const char *path)
{
	char	   *key = UnknownJsonbKey(obj, allowed);

	if (key)
		jsonb_form_error(form, path, psprintf("has an unknown key \"%s\"", key));
}

/* See jsonb_form.h. */
JsonbValue *
jsonb_form_get(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* See jsonb_form.h. */
bool
jsonb_form_is_object(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

/* See jsonb_form.h. */
bool
jsonb_form_is_array(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* See jsonb_form.h. */
int
jsonb_form_array_length(const JsonbForm *form, const JsonbValue *v, const char *path)
{
	if (v == NULL || !jsonb_form_is_array(v))
		jsonb_form_error(form, path, "must be an array");
	return JsonContainerSize(v->val.binary.data);
}

/* See jsonb_form.h. */
JsonbValue *
jsonb_form_elements(const JsonbForm *form, const JsonbValue *v, const char *path, int *n)
{
	int			cap = jsonb_form_array_length(form, v, path);
	JsonbValue *out = palloc(sizeof(JsonbValue) * Max(cap, 1));
	JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
	JsonbValue	elem;
	JsonbIteratorToken tok;

	*n = 0;
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_ELEM)
			out[(*n)++] = elem;
	}
	return out;
}

/* See jsonb_form.h. */
JsonbPair *
jsonb_form_members(JsonbContainer *obj, int *n)
{
	JsonbPair  *out = palloc(sizeof(JsonbPair) * Max(JsonContainerSize(obj), 1));
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;

	*n = 0;
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY)
			out[*n].key = v;
		else if (tok == WJB_VALUE)
		{
			out[*n].value = v;
			out[*n].order = (uint32) *n;
			(*n)++;
		}
	}
	return out;
}

/*
 * See jsonb_form.h; the range test is the number rule of
 * crm_numeric_double.
 */
double
jsonb_form_number(const JsonbForm *form, const JsonbValue *v, const char *path,
				  const char *subject)
{
	double		d;
	char	   *literal;

	if (v == NULL || v->type != jbvNumeric)
		jsonb_form_error(form, path, "must be a number");
	if (!crm_numeric_double(v->val.numeric, &d, &literal))
	{
		CrmError	err = {0};

		crm_error_out_of_range(&err, subject, literal, strlen(literal));
		crm_ereport(&err);
	}
	return d;
}

/* See jsonb_form.h. */
char *
jsonb_form_string(const JsonbForm *form, const JsonbValue *v, const char *path, int *len)
{
	if (v == NULL)
		return NULL;
	if (v->type != jbvString)
		jsonb_form_error(form, path, "must be a string");
	*len = v->val.string.len;
	return pnstrdup(v->val.string.val, v->val.string.len);
}
