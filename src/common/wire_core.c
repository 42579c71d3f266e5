/*
 * wire_core.c
 *	  Big-endian reader and writer for crm's binary forms, and the base64
 *	  compact text form (see wire_core.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "wire_core.h"

/* Write n doubles big-endian (a loop the compiler turns into byte swaps). */
void
crm_wr_f64s(CrmWriter *w, const double *v, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		uint64_t	u;

		memcpy(&u, &v[i], sizeof(u));
		w->p[0] = (uint8_t) (u >> 56);
		w->p[1] = (uint8_t) (u >> 48);
		w->p[2] = (uint8_t) (u >> 40);
		w->p[3] = (uint8_t) (u >> 32);
		w->p[4] = (uint8_t) (u >> 24);
		w->p[5] = (uint8_t) (u >> 16);
		w->p[6] = (uint8_t) (u >> 8);
		w->p[7] = (uint8_t) u;
		w->p += 8;
		if ((i & 0xFFFFF) == 0xFFFFF)
			crm_check_interrupts();
	}
}

/* Start reading len bytes at buf; errors of kind name the type what. */
void
crm_rd_init(CrmReader *r, const void *buf, size_t len, CrmErrorKind kind,
			const char *what, CrmError *err)
{
	r->p = (const uint8_t *) buf;
	r->end = r->p + len;
	r->err = err;
	r->kind = kind;
	r->what = what;
}

/* The error for a value that ends too soon. */
static bool
Truncated(CrmReader *r)
{
	crm_error_set(r->err, r->kind, "%s %s value is truncated", r->what,
				  r->kind == CRM_ERR_BINARY ? "binary" : "compact text");
	r->p = r->end;
	return false;
}

/* Whether n more bytes can be read (false, and the error, when not). */
static inline bool
Have(CrmReader *r, size_t n)
{
	if (r->err->kind != CRM_OK)
		return false;
	if ((size_t) (r->end - r->p) < n)
		return Truncated(r);
	return true;
}

/* A big-endian 32-bit integer at p. */
static inline uint32_t
Get32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
		((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

/* A big-endian 64-bit integer at p. */
static inline uint64_t
Get64(const uint8_t *p)
{
	return ((uint64_t) Get32(p) << 32) | Get32(p + 4);
}

/* Read one byte. */
bool
crm_rd_u8(CrmReader *r, uint8_t *v)
{
	*v = 0;
	if (!Have(r, 1))
		return false;
	*v = *r->p++;
	return true;
}

/* Read a big-endian 16-bit integer. */
bool
crm_rd_u16(CrmReader *r, uint16_t *v)
{
	*v = 0;
	if (!Have(r, 2))
		return false;
	*v = (uint16_t) ((r->p[0] << 8) | r->p[1]);
	r->p += 2;
	return true;
}

/* Read a big-endian 32-bit integer. */
bool
crm_rd_u32(CrmReader *r, uint32_t *v)
{
	*v = 0;
	if (!Have(r, 4))
		return false;
	*v = Get32(r->p);
	r->p += 4;
	return true;
}

/* Read a big-endian 32-bit signed integer (two's complement). */
bool
crm_rd_i32(CrmReader *r, int32_t *v)
{
	uint32_t	u;
	bool		ok = crm_rd_u32(r, &u);

	*v = (int32_t) u;
	return ok;
}

/* Read a big-endian 64-bit integer. */
bool
crm_rd_u64(CrmReader *r, uint64_t *v)
{
	*v = 0;
	if (!Have(r, 8))
		return false;
	*v = Get64(r->p);
	r->p += 8;
	return true;
}

/* Read a big-endian 64-bit signed integer (two's complement). */
bool
crm_rd_i64(CrmReader *r, int64_t *v)
{
	uint64_t	u;
	bool		ok = crm_rd_u64(r, &u);

	*v = (int64_t) u;
	return ok;
}

/* Read a double: its IEEE 754 bits as a big-endian 64-bit integer. */
bool
crm_rd_f64(CrmReader *r, double *v)
{
	uint64_t	u;
	bool		ok = crm_rd_u64(r, &u);

	memcpy(v, &u, sizeof(u));
	return ok;
}

/* Read n doubles, after checking that all of them are there. */
bool
crm_rd_f64s(CrmReader *r, double *v, size_t n)
{
	size_t		i;

	if (!crm_rd_need(r, n, 8))
		return false;
	for (i = 0; i < n; i++)
	{
		uint64_t	u = Get64(r->p + 8 * i);

		memcpy(&v[i], &u, sizeof(u));
		if ((i & 0xFFFFF) == 0xFFFFF)
			crm_check_interrupts();
	}
	r->p += 8 * n;
	return true;
}

/* Point *out at the next n bytes, in place, and skip them. */
bool
crm_rd_bytes(CrmReader *r, size_t n, const uint8_t **out)
{
	*out = r->p;
	if (!Have(r, n))
		return false;
	r->p += n;
	return true;
}

/* Whether n items of item_size bytes are left (see wire_core.h). */
bool
crm_rd_need(CrmReader *r, uint64_t n, size_t item_size)
{
	if (r->err->kind != CRM_OK)
		return false;
	if (item_size != 0 && n > (uint64_t) (r->end - r->p) / item_size)
		return Truncated(r);
	return true;
}

/*
 * Record "invalid <what> binary value: <reason>" ("compact text value" for
 * text) and stop reading.
 */
bool
crm_rd_fail(CrmReader *r, const char *fmt,...)
{
	char		msg[200];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	crm_error_set(r->err, r->kind, "invalid %s %s value: %s", r->what,
				  r->kind == CRM_ERR_BINARY ? "binary" : "compact text", msg);
	r->p = r->end;
	return false;
}

/* Whether the value ended exactly here (trailing bytes are an error). */
bool
crm_rd_end(CrmReader *r)
{
	if (r->err->kind != CRM_OK)
		return false;
	if (r->p != r->end)
		return crm_rd_fail(r, "%zu bytes after the end of the value",
						   (size_t) (r->end - r->p));
	return true;
}

/* Size, allocate, write: see wire_core.h. */
uint8_t *
crm_encode(CrmEncodeFn fn, const void *value, CrmConvFn conv, size_t *len)
{
	CrmEnc		e;
	uint8_t    *buf;

	memset(&e, 0, sizeof(e));
	e.sizing = true;
	e.conv = conv;
	fn(&e, value);
	buf = crm_core_alloc(e.size > 0 ? e.size : 1);
	crm_wr_init(&e.w, buf, e.size);
	*len = e.size;
	e.size = 0;
	e.sizing = false;
	fn(&e, value);
	if (!crm_wr_done(&e.w) || e.size != *len)
	{
		/* the two passes disagree: a bug in fn, never a property of the input */
		crm_core_free(buf);
		return NULL;
	}
	return buf;
}

/* A counted string, converted; see wire_core.h. */
bool
crm_rd_str(CrmReader *r, CrmConvFn conv, const char **s, uint32_t *len)
{
	uint32_t	n;
	const uint8_t *bytes;

	*s = "";
	*len = 0;
	if (!crm_rd_u32(r, &n) || !crm_rd_bytes(r, n, &bytes))
		return false;
	*s = (const char *) bytes;
	*len = n;
	if (conv && n > 0)
	{
		size_t		out;

		*s = conv(*s, n, &out);
		if (out > UINT32_MAX)
			return crm_rd_fail(r, "string of %zu bytes is too long", out);
		*len = (uint32_t) out;
	}
	return true;
}

/* ---------------------------------------------------------------- base64 */

static const char b64_alphabet[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for an alphabet character, 64 for '=', 255 for anything else */
static uint8_t b64_value[256];
static bool b64_ready = false;

/* Fill the decoding table (once per process). */
static void
B64Init(void)
{
	int			i;

	memset(b64_value, 255, sizeof(b64_value));
	for (i = 0; i < 64; i++)
		b64_value[(uint8_t) b64_alphabet[i]] = (uint8_t) i;
	b64_value[(uint8_t) '='] = 64;
	b64_ready = true;
}

/*
 * The compact text of n bytes: the prefix, then base64.
 *
 * Base64 (RFC 4648, section 4): each 3 bytes, 24 bits, become 4 characters
 * of 6 bits each from the standard alphabet; a last group of 1 or 2 bytes
 * is padded with zero bits to whole characters and with "=" to 4.  The
 * output is 4 * ceil(n / 3) characters after the prefix.
 */
char *
crm_wire_to_text(const void *bin, size_t n)
{
	const uint8_t *s = (const uint8_t *) bin;
	size_t		len = crm_wire_text_len(n);
	char	   *out = crm_core_alloc(len + 1);
	char	   *o = out;
	size_t		i;

	memcpy(o, CRM_WIRE_PREFIX, CRM_WIRE_PREFIX_LEN);
	o += CRM_WIRE_PREFIX_LEN;
	for (i = 0; i + 3 <= n; i += 3)
	{
		uint32_t	v = ((uint32_t) s[i] << 16) | ((uint32_t) s[i + 1] << 8) | s[i + 2];

		o[0] = b64_alphabet[v >> 18];
		o[1] = b64_alphabet[(v >> 12) & 63];
		o[2] = b64_alphabet[(v >> 6) & 63];
		o[3] = b64_alphabet[v & 63];
		o += 4;
		if ((i & 0x3FFFFF) == 0x3FFFFF)
			crm_check_interrupts();
	}
	if (n - i == 1)
	{
		uint32_t	v = (uint32_t) s[i] << 16;

		o[0] = b64_alphabet[v >> 18];
		o[1] = b64_alphabet[(v >> 12) & 63];
		o[2] = '=';
		o[3] = '=';
		o += 4;
	}
	else if (n - i == 2)
	{
		uint32_t	v = ((uint32_t) s[i] << 16) | ((uint32_t) s[i + 1] << 8);

		o[0] = b64_alphabet[v >> 18];
		o[1] = b64_alphabet[(v >> 12) & 63];
		o[2] = b64_alphabet[(v >> 6) & 63];
		o[3] = '=';
		o += 4;
	}
	*o = '\0';
	return out;
}

/* The syntax error for a compact text, with the offset of the bad byte. */
static uint8_t *
BadText(CrmError *err, const char *what, size_t offset, const char *why)
{
	crm_error_set(err, CRM_ERR_SYNTAX, "invalid compact text for %s: %s", what, why);
	crm_error_detail(err, "At character %zu after the \"" CRM_WIRE_PREFIX "\" prefix.", offset);
	return NULL;
}

/*
 * Decode a compact text into the binary form (see wire_core.h).
 *
 * Only the canonical encoding is accepted (RFC 4648, section 3.5): no
 * characters outside the alphabet, no white space, "=" only at the end,
 * and the pad bits of the last character zero.  So each binary value has
 * exactly one compact text, and text equality means value equality.
 */
uint8_t *
crm_wire_from_text(const char *text, size_t *n, const char *what, CrmError *err)
{
	const uint8_t *s;
	size_t		len;
	size_t		i;
	uint8_t    *out;
	uint8_t    *o;

	*n = 0;
	if (!b64_ready)
		B64Init();
	if (!crm_wire_is_compact(text))
		return BadText(err, what, 0, "missing prefix");
	s = (const uint8_t *) text + CRM_WIRE_PREFIX_LEN;
	len = strlen((const char *) s);
	if (len % 4 != 0)
		return BadText(err, what, len, "length is not a multiple of 4");
	out = crm_core_alloc(len / 4 * 3 + 1);
	o = out;
	for (i = 0; i < len; i += 4)
	{
		uint8_t		a = b64_value[s[i]],
					b = b64_value[s[i + 1]],
					c = b64_value[s[i + 2]],
					d = b64_value[s[i + 3]];
		bool		last = (i + 4 == len);

		if ((a | b) >= 64 ||
			c == 255 || d == 255 ||
			(c == 64 && (!last || d != 64)) ||
			(d == 64 && !last))
		{
			size_t		bad = i;

			while (bad < len && b64_value[s[bad]] < 64)
				bad++;
			crm_core_free(out);
			return BadText(err, what, bad,
						   s[bad] == '=' ? "padding before the end" : "not a base64 character");
		}
		if (d != 64)
		{
			uint32_t	v = ((uint32_t) a << 18) | ((uint32_t) b << 12) | ((uint32_t) c << 6) | d;

			o[0] = (uint8_t) (v >> 16);
			o[1] = (uint8_t) (v >> 8);
			o[2] = (uint8_t) v;
			o += 3;
		}
		else if (c != 64)
		{
			/* two bytes; the last character's low 2 bits must be zero */
			if (c & 3)
			{
				crm_core_free(out);
				return BadText(err, what, i + 2, "non-canonical padding bits");
			}
			o[0] = (uint8_t) ((a << 2) | (b >> 4));
			o[1] = (uint8_t) (((b & 15) << 4) | (c >> 2));
			o += 2;
		}
		else
		{
			/* one byte; the second character's low 4 bits must be zero */
			if (b & 15)
			{
				crm_core_free(out);
				return BadText(err, what, i + 1, "non-canonical padding bits");
			}
			o[0] = (uint8_t) ((a << 2) | (b >> 4));
			o += 1;
		}
		if ((i & 0x3FFFFF) == 0x3FFFFC)
			crm_check_interrupts();
	}
	*n = (size_t) (o - out);
	return out;
}

/* Decode the text of a compact-only type (see wire_core.h). */
uint8_t *
crm_wire_from_compact_only(const char *text, size_t *n, const char *type, CrmError *err)
{
	*n = 0;
	if (!crm_wire_is_compact(text))
	{
		crm_error_set(err, CRM_ERR_SYNTAX, "invalid input syntax for type %s", type);
		crm_error_detail(err, "The text form of a %s is \"" CRM_WIRE_PREFIX "\" followed by base64.", type);
		return NULL;
	}
	return crm_wire_from_text(text, n, type, err);
}
