/*
 * crm.c
 *	  Module entry point, and the server implementation of the core hooks
 *	  declared in error_core.h.
 */
#include "crm.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"
#include "utils/guc.h"

#include "wire_core.h"

PG_MODULE_MAGIC;

#include "miscadmin.h"

void		_PG_init(void);

/* The cores' interrupt check (error_core.h): CHECK_FOR_INTERRUPTS(). */
static void
CheckInterrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Module load: route the cores' interrupt checks to the server.  crm has no
 * settings of its own yet; reserving the prefix makes a misspelt
 * "crm.something" setting an error instead of a silently ignored
 * placeholder.
 */
void
_PG_init(void)
{
	crm_interrupt_hook = CheckInterrupts;
	MarkGUCPrefixReserved("crm");
}

/*
 * The cores' allocators.  Cores bound their sizes before allocating; a
 * request above PostgreSQL's 1 GB limit that still gets here is a program
 * limit (54000), not an internal error.
 */
static void
CheckAllocSize(size_t size)
{
	if (unlikely(!AllocSizeIsValid(size)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("crm: cannot allocate %zu bytes", size),
				 errdetail("PostgreSQL limits one allocation to 1 GB.")));
}

/* The cores' allocator (error_core.h): palloc0. */
void *
crm_core_alloc(size_t size)
{
	CheckAllocSize(size);
	return palloc0(size);
}

/* The cores' allocator without zeroing (error_core.h): palloc. */
void *
crm_core_alloc_uninit(size_t size)
{
	CheckAllocSize(size);
	return palloc(size);
}

/* The cores' free (error_core.h): pfree. */
void
crm_core_free(void *ptr)
{
	pfree(ptr);
}

/*
 * The core clips quoted input to a number of bytes ("%.40s...") and formats
 * into fixed buffers, which can cut a multibyte character in two.  A broken
 * character in a message makes the server fail to convert it to the client
 * encoding, and that error replaces ours.  So every byte that does not start
 * a valid character of the database encoding is dropped (in place).
 */
static char *
ValidMessage(const char *in)
{
	int			enc = GetDatabaseEncoding();
	int			len = (int) strlen(in);
	char	   *out = palloc(len + 1);
	int			i = 0;
	int			o = 0;

	while (i < len)
	{
		int			l = pg_encoding_verifymbchar(enc, in + i, len - i);

		if (l <= 0)
		{
			i++;				/* part of a character cut in two */
			continue;
		}
		memcpy(out + o, in + i, l);
		o += l;
		i += l;
	}
	out[o] = '\0';
	return out;
}

/* Map a core error kind to its SQLSTATE and raise it. */
void
crm_ereport(const CrmError *err)
{
	int			code;

	switch (err->kind)
	{
		case CRM_ERR_SYNTAX:
			code = ERRCODE_INVALID_TEXT_REPRESENTATION;
			break;
		case CRM_ERR_INVALID:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
		case CRM_ERR_RANGE:
			code = ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
			break;
		case CRM_ERR_LIMIT:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			break;
		case CRM_ERR_BINARY:
			code = ERRCODE_INVALID_BINARY_REPRESENTATION;
			break;
		default:
			elog(ERROR, "crm: unexpected error kind %d, please report a bug", (int) err->kind);
			pg_unreachable();
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg_internal("%s", ValidMessage(err->message)),
			 err->detail[0] ? errdetail_internal("%s", ValidMessage(err->detail)) : 0,
			 err->hint[0] ? errhint("%s", ValidMessage(err->hint)) : 0));
	pg_unreachable();
}

/* Print a binary form as compact text (see crm.h). */
char *
crm_wire_out(const void *bin, size_t n, const char *what)
{
	if (n > CRM_WIRE_MAX_BINARY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value of %zu bytes is too large for its text form", what, n),
				 errdetail("The text form of a value can hold at most %zu bytes.",
						   (size_t) CRM_WIRE_MAX_BINARY)));
	return crm_wire_to_text(bin, n);
}

/* Decode a compact text into the binary form (see crm.h). */
uint8 *
crm_wire_in(const char *text, size_t *n, const char *what)
{
	CrmError	err = {0};
	uint8	   *bin = crm_wire_from_text(text, n, what, &err);

	if (bin == NULL)
		crm_ereport(&err);
	return bin;
}
