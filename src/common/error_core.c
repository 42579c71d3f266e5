/*
 * error_core.c
 *	  CrmError helpers shared by the server-independent cores.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error_core.h"

/* Set by the server in _PG_init; NULL in fuzzers and unit tests. */
void		(*crm_interrupt_hook) (void) = NULL;

/* Record an error, the first one only (see error_core.h). */
void
crm_error_set(CrmError *err, CrmErrorKind kind, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL || err->kind != CRM_OK)
		return;
	err->kind = kind;
	err->detail[0] = '\0';
	err->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* Only the first error gets details: see crm_error_set. */
void
crm_error_detail(CrmError *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL || err->kind == CRM_OK || err->detail[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

/* Add a hint to the recorded error (the first hint only). */
void
crm_error_hint(CrmError *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL || err->kind == CRM_OK || err->hint[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}
