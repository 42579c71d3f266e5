/*
 * lex_core.h
 *	  Lexical rules shared by crm's text parsers and printers (crm.tiers,
 *	  crm.scorecard): what counts as whitespace, and how a double-quoted
 *	  string is read and written.  One rule for every type, so a label that
 *	  needs quotes in one text form is written the same way in the other.
 *
 *	  A quoted string runs from " to the next unescaped "; inside it a
 *	  backslash makes the next character literal (\" and \\ are the only
 *	  escapes printers produce).  No server dependencies.
 */
#ifndef CRM_LEX_CORE_H
#define CRM_LEX_CORE_H

#include <stdbool.h>
#include <stddef.h>

static inline bool
crm_lex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline const char *
crm_lex_skip_space(const char *p)
{
	while (crm_lex_space(*p))
		p++;
	return p;
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

#endif							/* CRM_LEX_CORE_H */
