/*
 * lex_core.h
 *	  Lexical rules shared by crm's text parsers and printers (crm.tiers,
 *	  crm.scorecard, crm.service_policy): what counts as whitespace and as a
 *	  bare word, how labels are ordered, and how a double-quoted string is
 *	  read and written.  One rule for every type, so a label that
 *	  needs quotes in one text form is written the same way in the other.
 *
 *	  A quoted string runs from " to the next unescaped "; inside it a
 *	  backslash makes the next character literal (\" and \\ are the only
 *	  escapes printers produce).  No server dependencies.
 */
#ifndef CRM_LEX_CORE_H
#define CRM_LEX_CORE_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_core.h"
#include "validate_core.h"

/* Whether c is white space in crm's text forms (the C locale's isspace). */
static inline bool
crm_lex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The first non-white-space character at or after p. */
static inline const char *
crm_lex_skip_space(const char *p)
{
	while (crm_lex_space(*p))
		p++;
	return p;
}

/* Bytes that may appear in a bare (unquoted) word: ASCII letters, digits,
 * _ - . + and every non-ASCII byte (so UTF-8 labels need no quotes). */
static inline bool
crm_lex_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '-' || c == '.' || c == '+' || c >= 0x80;
}

/* Can s be written as a bare word?  Not when empty. */
static inline bool
crm_lex_is_bare_word(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!crm_lex_word_char((unsigned char) s[i]))
			return false;
	return true;
}

/* Label order: bytewise, shorter first on a common prefix. */
static inline int
crm_lex_compare_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/*
 * Read the quoted string whose opening quote is at p, unescaped, into out
 * (which has room for as many bytes as the input has).  Returns the position
 * after the closing quote and sets *len, or returns NULL if the string is
 * unterminated (*len then says how far it got).
 */
static inline const char *
crm_lex_read_quoted(const char *p, char *out, long *len)
{
	long		n = 0;

	p++;						/* the opening quote */
	for (;;)
	{
		char		c = *p;

		if (c == '\0')
			break;
		if (c == '"')
		{
			*len = n;
			return p + 1;
		}
		if (c == '\\')
		{
			p++;
			if (*p == '\0')
				break;
			c = *p;
		}
		out[n++] = c;
		p++;
	}
	*len = n;
	return NULL;
}

/*
 * Write s quoted, escaping " and \, into out (room for 2 * len + 2 bytes).
 * Returns the number of bytes written.
 */
static inline size_t
crm_lex_write_quoted(char *out, const char *s, size_t len)
{
	size_t		n = 0;
	size_t		i;

	out[n++] = '"';
	for (i = 0; i < len; i++)
	{
		if (s[i] == '"' || s[i] == '\\')
			out[n++] = '\\';
		out[n++] = s[i];
	}
	out[n++] = '"';
	return n;
}

/* ----------------------------------------------------------------------
 * Numbers, read by the rules of validate_core.h: a literal too large for
 * float8, or so small that it would read as zero, is CRM_NUM_RANGE (22003
 * through crm_error_out_of_range); NaN and infinities are read, and the
 * caller decides whether they are allowed (crm_error_not_finite).
 * ---------------------------------------------------------------------- */

typedef enum CrmNumRead
{
	CRM_NUM_OK = 0,				/* *out holds the value (possibly NaN or +-Inf) */
	CRM_NUM_NONE,				/* no number at p */
	CRM_NUM_RANGE				/* out of range for float8 */
} CrmNumRead;

/*
 * Read a float8 literal at p as float8in does (strtod; the server runs with
 * LC_NUMERIC=C, so the decimal point is always '.').  *end is set after the
 * literal.  NaN and Infinity are read as such: the caller decides whether
 * they are allowed.  Denormals are accepted, as float8in accepts them.
 */
static inline CrmNumRead
crm_lex_read_double(const char *p, const char **end, double *out)
{
	char	   *e;
	double		d;

	errno = 0;
	d = strtod(p, &e);
	*end = e;
	*out = d;
	if (e == p)
		return CRM_NUM_NONE;
	if (errno == ERANGE && (d == 0.0 || d >= HUGE_VAL || d <= -HUGE_VAL))
		return CRM_NUM_RANGE;
	return CRM_NUM_OK;
}

#endif							/* CRM_LEX_CORE_H */
