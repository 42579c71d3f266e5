/*
 * json_core.h
 *	  A small pull reader for the JSON text forms of crm.cluster_sketch,
 *	  crm.clusters and the workload states: the one JSON reader the cores
 *	  and the fuzzers link (server-independent).
 *
 * The reader walks a document the caller expects, key by key: every call
 * either consumes what it was asked for or records a syntax error saying
 * what was expected where, and all later calls fail.  Numbers are JSON
 * numbers read by the number rule (validate_core.h, crm_lex_read_double:
 * strtod, exact for the shortest round-trip forms the printers write); a
 * literal beyond float8's range, 1e400 or 1e-400, is 22003 "number at
 * offset N of <type> input "1e400" is out of range for type double
 * precision".  NaN and infinities are not JSON and are rejected.
 */
#ifndef CRM_JSON_CORE_H
#define CRM_JSON_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error_core.h"
#include "outbuf_core.h"

typedef struct CrmJson
{
	const char *start;
	const char *p;
	CrmError   *err;
	const char *what;			/* the type, for messages */
} CrmJson;

extern void crm_json_init(CrmJson *j, const char *str, CrmError *err, const char *what);
extern bool crm_json_failed(const CrmJson *j);
/* consume one punctuation character: { } [ ] , : */
extern bool crm_json_expect(CrmJson *j, char c);
/* true (and consumed) when the next character is c */
extern bool crm_json_accept(CrmJson *j, char c);
/* "key": (the key must be the given one, in this order) */
extern bool crm_json_key(CrmJson *j, const char *key);
/* a string of at most cap - 1 bytes, no escapes other than \" and \\ */
extern bool crm_json_string(CrmJson *j, char *buf, size_t cap);
extern bool crm_json_number(CrmJson *j, double *out);
extern bool crm_json_int(CrmJson *j, int64_t lo, int64_t hi, int64_t *out);
extern bool crm_json_uint64(CrmJson *j, uint64_t *out);
extern bool crm_json_bool(CrmJson *j, bool *out);
/* [v1, ..., vn] with exactly n numbers */
extern bool crm_json_numbers(CrmJson *j, double *out, int n);
/* nothing but white space left */
extern bool crm_json_end(CrmJson *j);

/* Append the shortest exact decimal form of d to buf (at least 32 bytes). */
extern int	crm_json_format_double(char *buf, double d);

/* Writers: a number in shortest round-trip form, an integer, an array. */
extern void crm_json_write_double(CrmOut *o, double d);
extern void crm_json_write_int(CrmOut *o, long long v);
extern void crm_json_write_numbers(CrmOut *o, const double *v, int n);

#endif							/* CRM_JSON_CORE_H */
