/*
 * jsonb_form.h
 *	  Reading the JSON form of a crm rule-set type from a jsonb value: the
 *	  casts jsonb -> crm.scorecard and jsonb -> crm.service_policy.
 *
 * A cast walks the parsed jsonb with these helpers, naming each place it
 * reads by a path ("factors[2].points", "\"A+\".call_minutes").  Every
 * problem of shape is one error, 22023
 *     invalid <form> JSON: <path> <problem>
 * with the form's hint, so the casts word their errors alike.  Numbers
 * follow the number rule (validate_core.h): a JSON number beyond float8's
 * range is 22003 naming the value as the type's text form names it; what a
 * value must satisfy beyond being a number is left to the type's builder,
 * which every form of a value goes through.  Unknown keys are errors, so a
 * misspelt key is never silently ignored.
 *
 * (crm.cluster_sketch, crm.clusters and the workload states have JSON text
 * forms read by their server-free cores: json_core.h, not this.)
 */
#ifndef CRM_JSONB_FORM_H
#define CRM_JSONB_FORM_H

#include "crm.h"

#include "utils/jsonb.h"

/* What a form's errors say: "invalid <what> JSON: ...", and a hint. */
typedef struct JsonbForm
{
	const char *what;			/* "scorecard", "service policy" */
	const char *hint;			/* where the form is described */
} JsonbForm;

/* Raise "invalid <what> JSON: <path> <problem>" (22023). */
extern void jsonb_form_error(const JsonbForm *form, const char *path, const char *problem)
			pg_attribute_noreturn();

/* Every key of obj must be in allowed (NULL-terminated), or the error. */
extern void jsonb_form_check_keys(const JsonbForm *form, JsonbContainer *obj,
								  const char *const *allowed, const char *path);

/* The value of key in obj, or NULL when absent. */
extern JsonbValue *jsonb_form_get(JsonbContainer *obj, const char *key);

/* Whether v is a JSON object (or array) held as a container. */
extern bool jsonb_form_is_object(const JsonbValue *v);
extern bool jsonb_form_is_array(const JsonbValue *v);

/* The number of elements of an array (v NULL or no array: the error). */
extern int	jsonb_form_array_length(const JsonbForm *form, const JsonbValue *v, const char *path);

/*
 * The elements of an array (scalars; containers as jbvBinary), *n of them.
 * Callers check jsonb_form_array_length against their limits first.
 */
extern JsonbValue *jsonb_form_elements(const JsonbForm *form, const JsonbValue *v,
									   const char *path, int *n);

/*
 * The members of an object, key and value, in jsonb's order (keys
 * shortest first, then bytewise), *n of them.  Callers check
 * JsonContainerSize against their limits first.
 */
extern JsonbPair *jsonb_form_members(JsonbContainer *obj, int *n);

/*
 * A JSON number as float8.  Not a number (or NULL): the form's error at
 * path.  Beyond float8's range: 22003 naming the value as subject.
 */
extern double jsonb_form_number(const JsonbForm *form, const JsonbValue *v,
								const char *path, const char *subject);

/* An optional string, palloc'd with its length: NULL when v is NULL. */
extern char *jsonb_form_string(const JsonbForm *form, const JsonbValue *v,
							   const char *path, int *len);

#endif							/* CRM_JSONB_FORM_H */
