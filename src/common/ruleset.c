/*
 * ruleset.c
 *	  in, out, recv, send, =, <> and hash of crm's rule-set types, by
 *	  descriptor (see ruleset.h).
 */
#include "crm.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

#include "ruleset.h"

/*
 * Strings of a binary form arrive in the client's encoding: convert them to
 * the database encoding, verifying them (CrmConvFn for the cores' decoders).
 */
static const char *
FromClient(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_client_to_server(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* Strings of a binary form leave in the client's encoding (CrmConvFn). */
static const char *
ToClient(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_server_to_client(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* A core-encoded binary form as a bytea (frees bin). */
static bytea *
ToBytea(const RuleSetType *type, uint8_t *bin, size_t len)
{
	bytea	   *result;

	if (bin == NULL)
		elog(ERROR, "crm: %s binary encoder sized and wrote different lengths, please report a bug",
			 type->name);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bin, len);
	crm_core_free(bin);
	return result;
}

/* See ruleset.h. */
struct varlena *
ruleset_finish(const RuleSetType *type, void *value, size_t size, const CrmError *err)
{
	if (value == NULL)
		crm_ereport(err);
	SET_VARSIZE(value, size);
	if (type->check != NULL)
	{
		CrmError	cerr = {0};

		if (type->check(value, size, &cerr) != 0)
			elog(ERROR, "%s built a value it would refuse (%s), please report a bug",
				 type->name, cerr.message);
	}
	return (struct varlena *) value;
}

/*
 * See ruleset.h.  Values only come from the input functions, which build
 * them through the core's builder; the check is the net under that (a
 * value altered on disk, or forged through a binary-compatible cast).
 */
struct varlena *
ruleset_arg(const RuleSetType *type, FunctionCallInfo fcinfo, int argno)
{
	struct varlena *value = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (type->check != NULL)
	{
		CrmError	err = {0};

		if (type->check(value, VARSIZE(value), &err) != 0)
		{
			err.kind = CRM_ERR_INVALID;
			crm_ereport(&err);
		}
	}
	return value;
}

/* The input function: the text form through the core's parser. */
Datum
ruleset_in(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	CrmError	err = {0};
	size_t		size = 0;
	void	   *value = type->parse(PG_GETARG_CSTRING(0), &size, &err);

	PG_RETURN_POINTER(ruleset_finish(type, value, size, &err));
}

/* The output function: the canonical text form. */
Datum
ruleset_out(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	PG_RETURN_CSTRING(type->print(ruleset_arg(type, fcinfo, 0)));
}

/*
 * The receive function: the whole rest of the buffer is the value.  The
 * core decoder checks every count and length against the bytes left
 * before reading or allocating (a short or padded value is 22P03), and
 * builds the value with the rules of the text form.
 */
Datum
ruleset_recv(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CrmError	err = {0};
	size_t		size = 0;
	void	   *value = type->decode(buf->data + buf->cursor, buf->len - buf->cursor,
									 FromClient, &size, &err);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(ruleset_finish(type, value, size, &err));
}

/* The send function: the binary form, strings in the client encoding. */
Datum
ruleset_send(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	size_t		len = 0;
	uint8_t    *bin = type->encode(ruleset_arg(type, fcinfo, 0), ToClient, &len);

	PG_RETURN_BYTEA_P(ToBytea(type, bin, len));
}

/* = : canonical values are equal exactly when their bytes are. */
Datum
ruleset_eq(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	PG_RETURN_BOOL(crm_canonical_equal(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
									   PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* <> : the negation of =. */
Datum
ruleset_ne(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	PG_RETURN_BOOL(!crm_canonical_equal(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* The hash support function: hash_any of the canonical bytes. */
Datum
ruleset_hash(const RuleSetType *type, FunctionCallInfo fcinfo)
{
	return crm_canonical_hash(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)));
}
