/*
 * ruleset.h
 *	  The type plumbing of crm's rule-set types (crm.tiers, crm.scorecard,
 *	  crm.service_policy): input and output, binary receive and send,
 *	  equality and hashing, written once.
 *
 * A rule-set type is a value that holds rules (tier bounds, a points card,
 * a contact policy), built by a server-free core that validates it and
 * puts it in canonical form.  Each type describes itself with a
 * RuleSetType: its name and the core functions of its two external forms
 * (text: parse and print; binary: encode and decode) and, optionally, the
 * consistency check its values get when they are read and built.  Its
 * SQL-callable functions (tiers_in, scorecard_send, ...) are one-line
 * wrappers that pass their descriptor to the functions below, so the
 * seven of them behave alike for every type.
 *
 * Strings inside a binary form travel in the client's encoding, as text
 * does: decode and encode get a CrmConvFn (wire_core.h) that converts
 * from and to the database encoding, raising 22021 on an invalid or
 * unconvertible character.
 *
 * Equality and hashing work on the canonical form.  Every builder writes
 * a value one way only (-0 becomes 0, category values and policy entries
 * sorted bytewise, every default written out, padding zeroed), so two
 * values are equal exactly when their bytes are: = is a length test and
 * memcmp, and the hash is hash_any of the same bytes, which keeps it
 * consistent with = without decoding anything.
 */
#ifndef CRM_RULESET_H
#define CRM_RULESET_H

#include "crm.h"

#include "wire_core.h"

typedef struct RuleSetType
{
	const char *name;			/* SQL name, for messages: "crm.tiers" */

	/* the text form: a value (and its size) from a literal, and back */
	void	   *(*parse) (const char *str, size_t *size, CrmError *err);
	char	   *(*print) (const void *value);

	/* the binary form, strings converted by conv */
	uint8_t    *(*encode) (const void *value, CrmConvFn conv, size_t *len);
	void	   *(*decode) (const void *buf, size_t len, CrmConvFn conv,
						   size_t *size, CrmError *err);

	/*
	 * Consistency check of a packed value (0, or -1 with *err), or NULL.
	 * When set, out and send check their argument before reading it (a
	 * failure is 22023), and in and recv check the value the core built
	 * before returning it (a failure is a bug: the type would refuse what
	 * it produced).
	 */
	int			(*check) (const void *value, size_t size, CrmError *err);
} RuleSetType;

/* The seven SQL-callable functions of a rule-set type, by descriptor. */
extern Datum ruleset_in(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_out(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_recv(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_send(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_eq(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_ne(const RuleSetType *type, FunctionCallInfo fcinfo);
extern Datum ruleset_hash(const RuleSetType *type, FunctionCallInfo fcinfo);

/*
 * A value a core built (or the core's error, raised when value is NULL)
 * as a varlena of size bytes, after the type's check: what in and recv
 * return, for other constructors (casts) of the type to share.
 */
extern struct varlena *ruleset_finish(const RuleSetType *type, void *value, size_t size,
									  const CrmError *err);

/* Argument argno, detoasted, after the type's check (if any). */
extern struct varlena *ruleset_arg(const RuleSetType *type, FunctionCallInfo fcinfo, int argno);

#endif							/* CRM_RULESET_H */
