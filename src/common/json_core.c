/*
 * json_core.c
 *	  Pull reader for the JSON text forms of the clustering types.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "json_core.h"
#include "lex_core.h"

/* Start reading str; errors name the type what. */
void
crm_json_init(CrmJson *j, const char *str, CrmError *err, const char *what)
{
	j->start = str;
	j->p = str;
	j->err = err;
	j->what = what;
}

/* Whether an error has been recorded (every later call then fails). */
bool
crm_json_failed(const CrmJson *j)
{
	return j->err->kind != CRM_OK;
}

/*
 * The scanning loops below call this for every character: every 64 kB of
 * input it checks for interrupts, so a cancel stops even a 1 GB run of
 * white space, string or digits.
 */
static inline void
PollAt(const CrmJson *j, const char *q)
{
	if (((q - j->start) & 0xFFFF) == 0xFFFF)
		crm_check_interrupts();
}

/*
 * Move past JSON white space (RFC 8259: space, tab, line feed, carriage
 * return).
 */
static void
SkipSpace(CrmJson *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
	{
		PollAt(j, j->p);
		j->p++;
	}
}

/*
 * Record 22P02 "invalid input syntax", the detail saying what was expected
 * at which offset.
 */
static bool
Fail(CrmJson *j, const char *expected)
{
	char		near[24];
	size_t		n = strnlen(j->p, sizeof(near) - 1);

	memcpy(near, j->p, n);
	near[n] = '\0';
	crm_error_set(j->err, CRM_ERR_SYNTAX, "invalid input syntax for type %s", j->what);
	if (n == 0)
		crm_error_detail(j->err, "Expected %s at offset %ld, found the end of the input.",
						 expected, (long) (j->p - j->start));
	else
		crm_error_detail(j->err, "Expected %s at offset %ld, near \"%s\".",
						 expected, (long) (j->p - j->start), near);
	return false;
}

/* Consume the punctuation character c after white space, or fail. */
bool
crm_json_expect(CrmJson *j, char c)
{
	char		what[4] = {'"', c, '"', '\0'};

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	if (*j->p != c)
		return Fail(j, what);
	j->p++;
	return true;
}

/*
 * Consume c if it comes next (after white space); false, with no error, if
 * not.
 */
bool
crm_json_accept(CrmJson *j, char c)
{
	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	if (*j->p != c)
		return false;
	j->p++;
	return true;
}

/*
 * A string of at most cap - 1 bytes into buf; \" and \\ are the only
 * escapes.
 */
bool
crm_json_string(CrmJson *j, char *buf, size_t cap)
{
	size_t		n = 0;

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	if (*j->p != '"')
		return Fail(j, "a string");
	j->p++;
	while (*j->p != '"')
	{
		char		c = *j->p;

		PollAt(j, j->p);

		if (c == '\0')
			return Fail(j, "a closing quote");
		if (c == '\\')
		{
			c = j->p[1];
			if (c != '"' && c != '\\')
				return Fail(j, "\\\" or \\\\ (no other escapes)");
			j->p++;
		}
		if (n + 1 >= cap)
			return Fail(j, "a shorter string");
		buf[n++] = c;
		j->p++;
	}
	j->p++;
	buf[n] = '\0';
	return true;
}

/* "key": where the caller expects exactly this key. */
bool
crm_json_key(CrmJson *j, const char *key)
{
	char		buf[64];
	char		expected[96];
	const char *save;

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	save = j->p;
	snprintf(expected, sizeof(expected), "key \"%s\"", key);
	if (*j->p != '"')
		return Fail(j, expected);
	if (!crm_json_string(j, buf, sizeof(buf)) || strcmp(buf, key) != 0)
	{
		/* report the key we wanted, not the string reader's complaint */
		j->err->kind = CRM_OK;
		j->p = save;
		return Fail(j, expected);
	}
	return crm_json_expect(j, ':');
}

/*
 * A JSON number as float8.
 *
 * The grammar is RFC 8259's (section 6): -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?, matched first, so strtod never reads what JSON does
 * not allow (hex, inf, nan, a leading + or .); the value is then read by
 * the number rule, which refuses a literal beyond float8's range.
 */
bool
crm_json_number(CrmJson *j, double *out)
{
	const char *q;
	const char *end;
	CrmNumRead	status;

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	/* JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	q = j->p;
	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (*q >= '0' && *q <= '9')
			PollAt(j, q++);
	else
		return Fail(j, "a number");
	if (*q == '.')
	{
		q++;
		if (!(*q >= '0' && *q <= '9'))
			return Fail(j, "a number");
		while (*q >= '0' && *q <= '9')
			PollAt(j, q++);
	}
	if (*q == 'e' || *q == 'E')
	{
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return Fail(j, "a number");
		while (*q >= '0' && *q <= '9')
			PollAt(j, q++);
	}
	/* the number rule (validate_core.h), as every other form reads numbers */
	status = crm_lex_read_double(j->p, &end, out);
	if (status == CRM_NUM_NONE || end != q)
		return Fail(j, "a number");
	if (status == CRM_NUM_RANGE)
	{
		char		subject[96];

		snprintf(subject, sizeof(subject), "number at offset %ld of %s input",
				 (long) (j->p - j->start), j->what);
		crm_error_out_of_range(j->err, subject, j->p, (size_t) (q - j->p));
		return false;
	}
	j->p = q;
	return true;
}

/*
 * A number written with digits only ([-]digits, as the printers write
 * integers) must be an integer a double holds exactly: 9007199254740993
 * would otherwise read as 9007199254740992 and pass a range check it fails.
 * False when it is not; *d is left as strtod read it otherwise.
 */
static bool
ExactInteger(const char *p, const char *end, double *d)
{
	const char *q = p;
	uint64_t	v = 0;

	if (*q == '-')
		q++;
	for (; q < end; q++)
	{
		if (*q < '0' || *q > '9')
			return true;		/* a fraction or an exponent: as read */
		if (v > (UINT64_C(1) << 53))
			return false;
		v = v * 10 + (uint64_t) (*q - '0');
	}
	return v <= (UINT64_C(1) << 53);
}

/*
 * An integer in [lo, hi]: a JSON number whose value is whole and exact in a
 * double.
 */
bool
crm_json_int(CrmJson *j, int64_t lo, int64_t hi, int64_t *out)
{
	double		d;
	const char *save;

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	save = j->p;
	if (!crm_json_number(j, &d))
		return false;
	if (!ExactInteger(save, j->p, &d) || d != floor(d) || d < (double) lo || d > (double) hi)
	{
		j->p = save;
		crm_error_set(j->err, CRM_ERR_SYNTAX, "invalid input syntax for type %s", j->what);
		crm_error_detail(j->err, "Expected an integer between %lld and %lld at offset %ld.",
						 (long long) lo, (long long) hi, (long) (j->p - j->start));
		return false;
	}
	*out = (int64_t) d;
	return true;
}

/* An unsigned 64-bit integer, digits only, no leading zero. */
bool
crm_json_uint64(CrmJson *j, uint64_t *out)
{
	uint64_t	v = 0;
	const char *q;

	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	q = j->p;
	if (!(*q >= '0' && *q <= '9') || (*q == '0' && q[1] >= '0' && q[1] <= '9'))
		return Fail(j, "an unsigned integer");
	while (*q >= '0' && *q <= '9')
	{
		uint64_t	digit = (uint64_t) (*q - '0');

		PollAt(j, q);

		if (v > (UINT64_MAX - digit) / 10)
			return Fail(j, "an unsigned 64-bit integer");
		v = v * 10 + digit;
		q++;
	}
	if (*q == '.' || *q == 'e' || *q == 'E')
		return Fail(j, "an unsigned integer");
	j->p = q;
	*out = v;
	return true;
}

/* true or false. */
bool
crm_json_bool(CrmJson *j, bool *out)
{
	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	if (strncmp(j->p, "true", 4) == 0)
	{
		j->p += 4;
		*out = true;
		return true;
	}
	if (strncmp(j->p, "false", 5) == 0)
	{
		j->p += 5;
		*out = false;
		return true;
	}
	return Fail(j, "true or false");
}

/* [v1, ..., vn]: exactly n numbers into out. */
bool
crm_json_numbers(CrmJson *j, double *out, int n)
{
	int			i;

	if (!crm_json_expect(j, '['))
		return false;
	crm_check_interrupts();
	for (i = 0; i < n; i++)
	{
		if (i > 0 && !crm_json_expect(j, ','))
			return false;
		if (!crm_json_number(j, &out[i]))
			return false;
	}
	if (!crm_json_accept(j, ']'))
	{
		char		expected[64];

		snprintf(expected, sizeof(expected), "\"]\" after %d numbers", n);
		return Fail(j, expected);
	}
	return true;
}

/* Nothing but white space left. */
bool
crm_json_end(CrmJson *j)
{
	if (crm_json_failed(j))
		return false;
	SkipSpace(j);
	if (*j->p != '\0')
		return Fail(j, "the end of the input");
	return true;
}

/*
 * The shortest decimal that reads back to d (Ryu, as float8out); returns
 * its length.
 */
int
crm_json_format_double(char *buf, double d)
{
	/* -0 prints as "-0", which strtod reads back as -0: exact */
	return double_to_shortest_decimal_buf(d, buf);
}

/* Append a number in shortest round-trip form. */
void
crm_json_write_double(CrmOut *o, double d)
{
	crm_out_reserve(o, 40);
	o->len += crm_json_format_double(o->data + o->len, d);
	o->data[o->len] = '\0';
}

/* Append an integer in decimal. */
void
crm_json_write_int(CrmOut *o, long long v)
{
	crm_out_reserve(o, 24);
	o->len += snprintf(o->data + o->len, 24, "%lld", v);
}

/* Append [v1,...,vn]. */
void
crm_json_write_numbers(CrmOut *o, const double *v, int n)
{
	int			i;

	crm_out_str(o, "[");
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			crm_out_str(o, ",");
		crm_json_write_double(o, v[i]);
	}
	crm_out_str(o, "]");
}
