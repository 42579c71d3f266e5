/*
 * error_core.h
 *	  Error reporting and allocation for crm's server-independent cores.
 *
 * Parsers and algorithms that do not need a backend (tiers_core.c, ...)
 * report failures through a CrmError instead of ereport(), and allocate
 * through crm_core_alloc().  Inside the server, crm.c implements the
 * allocator with palloc and crm_ereport() maps each kind to a SQLSTATE;
 * fuzzers and unit tests link their own malloc-based versions.
 */
#ifndef CRM_ERROR_CORE_H
#define CRM_ERROR_CORE_H

#include <stddef.h>

typedef enum CrmErrorKind
{
	CRM_OK = 0,
	CRM_ERR_SYNTAX,				/* 22P02 invalid_text_representation */
	CRM_ERR_INVALID,			/* 22023 invalid_parameter_value */
	CRM_ERR_RANGE,				/* 22003 numeric_value_out_of_range */
	CRM_ERR_LIMIT,				/* 54000 program_limit_exceeded */
	CRM_ERR_BINARY				/* 22P03 invalid_binary_representation */
} CrmErrorKind;

typedef struct CrmError
{
	CrmErrorKind kind;
	char		message[256];
	char		detail[256];	/* empty when there is none */
	char		hint[256];		/* empty when there is none */
} CrmError;

/*
 * Record an error (the first one only: later failures are usually its
 * consequences).  crm_error_detail and crm_error_hint add to the recorded
 * error.  All are printf-style.
 */
extern void crm_error_set(CrmError *err, CrmErrorKind kind, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern void crm_error_detail(CrmError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void crm_error_hint(CrmError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/*
 * Interrupts: every loop of a core that can run long (parsers, k-means,
 * reduction, the rebalance search) calls crm_check_interrupts().  The server
 * sets the hook once, in _PG_init, to a function that runs
 * CHECK_FOR_INTERRUPTS(), so a cancelled query stops promptly; fuzzers and
 * unit tests leave it NULL.  It may not return (the server longjmps out of
 * the core), so cores call it only where abandoning their work is safe:
 * everything they allocate comes from crm_core_alloc (palloc in the server).
 */
extern void (*crm_interrupt_hook) (void);

/* The one interrupt check of the cores: the server's hook, when set. */
static inline void
crm_check_interrupts(void)
{
	if (crm_interrupt_hook)
		crm_interrupt_hook();
}

/*
 * Allocation for the cores: zeroed memory, never returns NULL.
 * crm_core_alloc_uninit is the same without the zeroing, for large arrays
 * that are written before they are read: a large block's pages are not
 * touched (and cost nothing) until they are written.  Harnesses fill it with
 * a pattern, so a read before a write shows.  Both are freed with
 * crm_core_free.
 */
extern void *crm_core_alloc(size_t size);
extern void *crm_core_alloc_uninit(size_t size);
extern void crm_core_free(void *ptr);

#endif							/* CRM_ERROR_CORE_H */
