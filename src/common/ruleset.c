/*
 * ruleset.c
 *	  Type plumbing shared by crm's rule-set types.
 */
#include "crm.h"

#include "mb/pg_wchar.h"

#include "ruleset.h"

/*
 * Strings of a binary form arrive in the client's encoding: convert them to
 * the database encoding, verifying them (CrmConvFn for the cores' decoders).
 */
const char *
tiers_from_client(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_client_to_server(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* Strings of a binary form leave in the client's encoding (CrmConvFn). */
const char *
tiers_to_client(const char *s, size_t len, size_t *out_len)
{
	char	   *r = pg_server_to_client(s, (int) len);

	*out_len = (r == s) ? len : strlen(r);
	return r;
}

/* A core-encoded binary form as a bytea. */
bytea *
tiers_bytea(uint8_t *bin, size_t len)
{
	bytea	   *result;

	if (bin == NULL)
		elog(ERROR, "crm: binary encoder sized and wrote different lengths, please report a bug");
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bin, len);
	crm_core_free(bin);
	return result;
}
