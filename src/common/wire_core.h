/*
 * wire_core.h
 *	  The binary form of crm's types, and its compact text encoding.
 *
 * Every crm type has one binary form: the bytes its send function writes
 * and its recv function reads (binary COPY, the binary protocol, parallel
 * query).  Numbers are big-endian, so the form is the same on every
 * machine.  Each type's core writes it with a CrmWriter and reads it with a
 * CrmReader; the reader never reads past the end and records a CrmError
 * instead (22P03 for binary input, 22P02 when the bytes came from text), so
 * a truncated or padded value is an error with the type's name in it, never
 * a read past the buffer.  Strings are a uint32 byte count and the bytes,
 * converted between the database and the client encoding by a CrmConvFn
 * the server passes (NULL in the fuzzers); a type whose form is built of
 * parts writes it with a CrmEnc, one function that sizes and then writes,
 * so size and bytes cannot disagree.  No server dependencies: the fuzzers
 * link it.
 *
 * The compact text form is that binary form in base64 (RFC 4648, standard
 * alphabet, with padding) after the prefix "crm64:".  Types whose readable
 * text form is JSON print the compact form once a value is larger than
 * CRM_WIRE_READABLE_MAX bytes of binary (JSON would be about three times
 * the size and slow to read back: Citus 13 ships aggregate states between
 * nodes as text), and their input functions accept both forms.  Because
 * the compact form carries the binary form's version field, it is as
 * versioned as the binary form.
 */
#ifndef CRM_WIRE_CORE_H
#define CRM_WIRE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error_core.h"

/* prefix of the compact text form */
#define CRM_WIRE_PREFIX		"crm64:"
#define CRM_WIRE_PREFIX_LEN 6

/* binary size up to which a JSON-printing type prints JSON */
#define CRM_WIRE_READABLE_MAX 8192

/*
 * Largest compact text a type may print: under PostgreSQL's 1 GB limit on
 * any value or allocation (MaxAllocSize is 2^30 - 1), with room for the
 * terminating NUL and a varlena header.
 */
#define CRM_WIRE_MAX_TEXT	((size_t) 0x3FFFFFFF - 64)
/* the largest binary form whose compact text fits CRM_WIRE_MAX_TEXT */
#define CRM_WIRE_MAX_BINARY (((CRM_WIRE_MAX_TEXT - CRM_WIRE_PREFIX_LEN) / 4) * 3)

/* ---------------------------------------------------------------- writing */

/*
 * Writes into a buffer of a size computed beforehand.  The writers trust
 * the size the caller computed; a mismatch is a bug in the caller, caught
 * by crm_wr_done (and by the sanitizers in the fuzzers).
 */
typedef struct CrmWriter
{
	uint8_t    *p;
	uint8_t    *end;
} CrmWriter;

/* Start writing len bytes at buf. */
static inline void
crm_wr_init(CrmWriter *w, void *buf, size_t len)
{
	w->p = (uint8_t *) buf;
	w->end = (uint8_t *) buf + len;
}

/* Write one byte. */
static inline void
crm_wr_u8(CrmWriter *w, uint8_t v)
{
	*w->p++ = v;
}

/* Write a big-endian 16-bit integer. */
static inline void
crm_wr_u16(CrmWriter *w, uint16_t v)
{
	w->p[0] = (uint8_t) (v >> 8);
	w->p[1] = (uint8_t) v;
	w->p += 2;
}

/* Write a big-endian 32-bit integer. */
static inline void
crm_wr_u32(CrmWriter *w, uint32_t v)
{
	w->p[0] = (uint8_t) (v >> 24);
	w->p[1] = (uint8_t) (v >> 16);
	w->p[2] = (uint8_t) (v >> 8);
	w->p[3] = (uint8_t) v;
	w->p += 4;
}

/* Write a big-endian 64-bit integer. */
static inline void
crm_wr_u64(CrmWriter *w, uint64_t v)
{
	crm_wr_u32(w, (uint32_t) (v >> 32));
	crm_wr_u32(w, (uint32_t) v);
}

/* Write a double: its IEEE 754 bits as a big-endian 64-bit integer. */
static inline void
crm_wr_f64(CrmWriter *w, double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	crm_wr_u64(w, u);
}

/* Write n raw bytes. */
static inline void
crm_wr_bytes(CrmWriter *w, const void *src, size_t n)
{
	if (n)
		memcpy(w->p, src, n);
	w->p += n;
}

/* n doubles, big-endian */
extern void crm_wr_f64s(CrmWriter *w, const double *v, size_t n);

/* True when exactly the computed size was written. */
static inline bool
crm_wr_done(const CrmWriter *w)
{
	return w->p == w->end;
}

/* ---------------------------------------------------------------- reading */

typedef struct CrmReader
{
	const uint8_t *p;
	const uint8_t *end;
	CrmError   *err;
	CrmErrorKind kind;			/* CRM_ERR_BINARY, or CRM_ERR_SYNTAX for text */
	const char *what;			/* the type, for messages: "crm.tiers" */
} CrmReader;

extern void crm_rd_init(CrmReader *r, const void *buf, size_t len,
						CrmErrorKind kind, const char *what, CrmError *err);

/* Bytes left to read. */
static inline size_t
crm_rd_left(const CrmReader *r)
{
	return (size_t) (r->end - r->p);
}

/* Whether the reader has recorded an error. */
static inline bool
crm_rd_failed(const CrmReader *r)
{
	return r->err->kind != CRM_OK;
}

/*
 * Each getter reads one value, or records "<what> binary value is
 * truncated" (and reads zeros) when fewer bytes are left; after the first
 * error every later call fails too.
 */
extern bool crm_rd_u8(CrmReader *r, uint8_t *v);
extern bool crm_rd_u16(CrmReader *r, uint16_t *v);
extern bool crm_rd_u32(CrmReader *r, uint32_t *v);
extern bool crm_rd_i32(CrmReader *r, int32_t *v);
extern bool crm_rd_u64(CrmReader *r, uint64_t *v);
extern bool crm_rd_i64(CrmReader *r, int64_t *v);
extern bool crm_rd_f64(CrmReader *r, double *v);
/* n doubles; checks that n * 8 bytes are left before reading any */
extern bool crm_rd_f64s(CrmReader *r, double *v, size_t n);
/* n raw bytes, pointed to in place (*out is valid while the buffer is) */
extern bool crm_rd_bytes(CrmReader *r, size_t n, const uint8_t **out);

/*
 * Whether at least n items of item_size bytes are left: a count read from
 * the input is checked with this before anything is allocated for it, so a
 * forged count cannot make the reader allocate more than the input could
 * hold.  Records the truncation error when not.
 */
extern bool crm_rd_need(CrmReader *r, uint64_t n, size_t item_size);

/* Record an error about the value (invalid header, bad count, ...). */
extern bool crm_rd_fail(CrmReader *r, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Nothing may be left: trailing bytes are an error. */
extern bool crm_rd_end(CrmReader *r);

/* ------------------------------------------------- strings and encoders */

/*
 * Convert a string between encodings: returns the converted bytes (s itself
 * when nothing changes) and sets *out_len.  In the server it may raise an
 * error (an invalid or unconvertible character) and not return.
 */
typedef const char *(*CrmConvFn) (const char *s, size_t len, size_t *out_len);

/*
 * A two-pass binary writer: a first pass with sizing set only counts the
 * bytes, a second writes them into a buffer of exactly that size.  One
 * encoding function serves both passes, so size and bytes cannot disagree.
 */
typedef struct CrmEnc
{
	CrmWriter	w;
	size_t		size;			/* bytes counted or written */
	bool		sizing;
	CrmConvFn	conv;			/* strings to the client encoding, or NULL */
} CrmEnc;

/* Count or write one byte. */
static inline void
crm_enc_u8(CrmEnc *e, uint8_t v)
{
	if (!e->sizing)
		crm_wr_u8(&e->w, v);
	e->size += 1;
}

/* Count or write a big-endian 32-bit integer. */
static inline void
crm_enc_u32(CrmEnc *e, uint32_t v)
{
	if (!e->sizing)
		crm_wr_u32(&e->w, v);
	e->size += 4;
}

/* Count or write a big-endian double. */
static inline void
crm_enc_f64(CrmEnc *e, double d)
{
	if (!e->sizing)
		crm_wr_f64(&e->w, d);
	e->size += 8;
}

/* Count or write n doubles. */
static inline void
crm_enc_f64s(CrmEnc *e, const double *v, size_t n)
{
	if (!e->sizing)
		crm_wr_f64s(&e->w, v, n);
	e->size += 8 * n;
}

/*
 * Count or write a string: its byte count (after conversion), then its
 * bytes.
 */
static inline void
crm_enc_str(CrmEnc *e, const char *s, size_t len)
{
	if (e->conv && len > 0)
		s = e->conv(s, len, &len);
	crm_enc_u32(e, (uint32_t) len);
	if (!e->sizing)
		crm_wr_bytes(&e->w, s, len);
	e->size += len;
}

/*
 * Run an encoding function twice (size, then write) and return the bytes
 * in memory from crm_core_alloc; *len receives their number.  NULL only if
 * the two passes disagree, which is a bug in fn.
 */
typedef void (*CrmEncodeFn) (CrmEnc *e, const void *value);
extern uint8_t *crm_encode(CrmEncodeFn fn, const void *value, CrmConvFn conv, size_t *len);

/*
 * Read a string written by crm_enc_str, converted by conv (NULL: as is).
 * False (error recorded) when the input is short.
 */
extern bool crm_rd_str(CrmReader *r, CrmConvFn conv, const char **s, uint32_t *len);

/* ---------------------------------------------------------------- base64 */

/* Whether a text starts with the compact-form prefix. */
static inline bool
crm_wire_is_compact(const char *text)
{
	return strncmp(text, CRM_WIRE_PREFIX, CRM_WIRE_PREFIX_LEN) == 0;
}

/* Length of the compact text (prefix included, NUL excluded) of n bytes. */
static inline size_t
crm_wire_text_len(size_t n)
{
	return CRM_WIRE_PREFIX_LEN + ((n + 2) / 3) * 4;
}

/*
 * The compact text of n bytes of binary form, NUL-terminated, in memory
 * from crm_core_alloc.  The caller checks n <= CRM_WIRE_MAX_BINARY.
 */
extern char *crm_wire_to_text(const void *bin, size_t n);

/*
 * Decode a compact text (starting with the prefix) into its binary form,
 * in memory from crm_core_alloc; *n receives its length.  NULL and a
 * CRM_ERR_SYNTAX error for anything but canonical base64 (no white space,
 * padding only at the end, zero bits after the last character).
 */
extern uint8_t *crm_wire_from_text(const char *text, size_t *n, const char *what,
								   CrmError *err);

/*
 * crm_wire_from_text for a type whose only text form is the compact one
 * (the aggregate states): anything without the prefix is the type's
 * "invalid input syntax" error, whose detail names the form.
 */
extern uint8_t *crm_wire_from_compact_only(const char *text, size_t *n, const char *type,
										   CrmError *err);

#endif							/* CRM_WIRE_CORE_H */
