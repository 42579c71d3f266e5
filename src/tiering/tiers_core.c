/*
 * tiers_core.c
 *	  crm.tiers builder, text parser, printer and consistency check.
 *
 * Server-independent (see tiers_core.h); the fuzzer links this file as is.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"
#include "lex_core.h"
#include "tiers_core.h"

/* Characters that end an unquoted label. */
static int
IsLabelDelimiter(char c)
{
	return c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' ||
		c == '>' || c == '=';
}

/*
 * A bound as the shortest decimal that reads back to it (the form the
 * printer writes).  Shortest round-trip printing: of all decimals that
 * strtod reads back to exactly this double, the one with the fewest
 * digits, found by Ryu (U. Adams, "Ryu: fast float-to-string conversion",
 * PLDI 2018), the algorithm PostgreSQL's float8out uses
 * (double_to_shortest_decimal_buf), so a bound prints as float8 does with
 * the default extra_float_digits, and text round-trips exactly.
 */
static void
FormatBound(double d, char *buf)
{
	/* -0 is normalised away by the builder; this prints the shortest form */
	double_to_shortest_decimal_buf(d, buf);
}

/*
 * Size of a scheme with these label lengths, or 0 when it exceeds the limits
 * (the caller has already checked ntiers and each label length, so this
 * cannot overflow: at most 1000 * (8 + 4 + 201) bytes).
 */
static size_t
TiersSize(int ntiers, const uint32_t *label_lens)
{
	size_t		size = CRM_TIERS_HEADER_SIZE;
	int			i;

	size += sizeof(double) * (size_t) (ntiers - 1);
	size += sizeof(uint32_t) * (size_t) ntiers;
	for (i = 0; i < ntiers; i++)
		size += (size_t) label_lens[i] + 1;
	return size;
}

/* The tier count limits, shared by the builder and every reader of a count. */
bool
crm_tiers_count_ok(int64_t ntiers, CrmError *err)
{
	if (ntiers < 2)
	{
		crm_error_set(err, CRM_ERR_INVALID,
					  "a tier scheme needs at least two tiers, got %lld", (long long) ntiers);
		crm_error_hint(err, "Give at least two labels: one tier below the first bound and one from it.");
		return false;
	}
	if (ntiers > CRM_TIERS_MAX_TIERS)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "a tier scheme can have at most %d tiers, got %lld",
					  CRM_TIERS_MAX_TIERS, (long long) ntiers);
		return false;
	}
	return true;
}

/*
 * Validate labels and bounds and pack them into a scheme (tiers_core.h).
 *
 * The canonical form: a scheme has one packing only, so equal schemes have
 * equal bytes, and = and hash compare bytes (ruleset.h).  The builder is
 * the only writer: -0 is stored as 0, labels are packed back to back in
 * tier order with their NUL, and the header's reserved fields are zero.
 */
CrmTiers *
crm_tiers_build(int ntiers, const double *bounds, const char *const *labels,
				const uint32_t *label_lens, size_t *size, CrmError *err)
{
	CrmTiers   *t;
	uint32_t   *ends;
	char	   *area;
	uint32_t	off = 0;
	size_t		total;
	int			i,
				j;

	if (!crm_tiers_count_ok(ntiers, err))
		return NULL;

	for (i = 0; i < ntiers; i++)
	{
		crm_check_interrupts();
		if (label_lens[i] == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "tier label %d is empty", i + 1);
			return NULL;
		}
		if (label_lens[i] > CRM_TIERS_MAX_LABEL)
		{
			crm_error_set(err, CRM_ERR_LIMIT,
						  "tier label %d is %u bytes long; the limit is %d",
						  i + 1, (unsigned) label_lens[i], CRM_TIERS_MAX_LABEL);
			return NULL;
		}
		if (memchr(labels[i], '\0', label_lens[i]) != NULL)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "tier label %d contains a NUL byte", i + 1);
			return NULL;
		}
		/* Quadratic, but ntiers is small and this runs once per value built. */
		for (j = 0; j < i; j++)
		{
			if (label_lens[j] == label_lens[i] &&
				memcmp(labels[j], labels[i], label_lens[i]) == 0)
			{
				crm_error_set(err, CRM_ERR_INVALID,
							  "duplicate tier label \"%.*s\"",
							  (int) label_lens[i], labels[i]);
				crm_error_hint(err, "Each tier needs its own label.");
				return NULL;
			}
		}
	}

	for (i = 0; i < ntiers - 1; i++)
	{
		if (!isfinite(bounds[i]))
		{
			char		subject[32];

			snprintf(subject, sizeof(subject), "tier bound %d", i + 1);
			crm_error_not_finite(err, subject, bounds[i]);
			return NULL;
		}
		if (i > 0 && !(bounds[i] > bounds[i - 1]))
		{
			char		a[DOUBLE_SHORTEST_DECIMAL_LEN];
			char		b[DOUBLE_SHORTEST_DECIMAL_LEN];

			FormatBound(bounds[i - 1], a);
			FormatBound(bounds[i], b);
			crm_error_set(err, CRM_ERR_INVALID,
						  "tier bounds must be strictly ascending: bound %d (%s) is not above bound %d (%s)",
						  i + 1, b, i, a);
			crm_error_hint(err, "List the tiers from lowest to highest.");
			return NULL;
		}
	}

	total = TiersSize(ntiers, label_lens);
	t = crm_core_alloc(total);
	t->version = CRM_TIERS_VERSION;
	t->flags = 0;
	t->ntiers = (uint16_t) ntiers;
	/* Normalise -0 to 0 so that equal schemes have equal bytes. */
	for (i = 0; i < ntiers - 1; i++)
		t->bounds[i] = (bounds[i] == 0.0) ? 0.0 : bounds[i];

	ends = (uint32_t *) crm_tiers_label_ends(t);
	area = (char *) crm_tiers_label_area(t);
	for (i = 0; i < ntiers; i++)
	{
		memcpy(area + off, labels[i], label_lens[i]);
		off += label_lens[i];
		area[off] = '\0';
		ends[i] = off;
		off++;
	}
	*size = total;
	return t;
}

/*
 * Parser state.  Labels are unescaped into one scratch buffer as large as
 * the input, so no label can overflow it.
 */
typedef struct TiersParser
{
	const char *str;			/* whole input, for messages */
	const char *p;				/* cursor */
	CrmError   *err;
} TiersParser;

/* Move the cursor past white space (lex_core.h's definition). */
static void
SkipSpace(TiersParser *ps)
{
	ps->p = crm_lex_skip_space(ps->p);
}

/* Record 22P02 for the literal, the detail saying what was expected where. */
static void
SyntaxError(TiersParser *ps, const char *what)
{
	crm_error_set(ps->err, CRM_ERR_SYNTAX,
				  "invalid input syntax for type crm.tiers: \"%.200s\"", ps->str);
	if (*ps->p == '\0')
		crm_error_detail(ps->err, "%s at end of input.", what);
	else
		crm_error_detail(ps->err, "%s at character %d.", what,
						 (int) (ps->p - ps->str) + 1);
}

/* Read a label into out (unescaped); returns its length or -1. */
static long
ReadLabel(TiersParser *ps, char *out)
{
	long		n = 0;

	SkipSpace(ps);
	if (*ps->p == '"')
	{
		const char *end = crm_lex_read_quoted(ps->p, out, &n);

		if (end == NULL)
		{
			ps->p += strlen(ps->p);
			SyntaxError(ps, "Unterminated quoted label");
			return -1;
		}
		ps->p = end;
		return n;
	}

	while (*ps->p != '\0' && !IsLabelDelimiter(*ps->p))
		out[n++] = *ps->p++;
	/* trailing whitespace is not part of an unquoted label */
	while (n > 0 && crm_lex_space(out[n - 1]))
		n--;
	if (n == 0)
	{
		SyntaxError(ps, "Expected a tier label");
		return -1;
	}
	return n;
}

/*
 * Read ">= number" if present, the floor of tier `index` (0-based).
 * Returns 1 (bound read), 0 (none), -1 (error).  Whether the number is
 * finite is the builder's question, as for every other form.
 */
static int
ReadBound(TiersParser *ps, int index, double *bound)
{
	const char *end;
	double		d;
	CrmNumRead	status;

	SkipSpace(ps);
	if (ps->p[0] != '>')
		return 0;
	if (ps->p[1] != '=')
	{
		ps->p++;
		SyntaxError(ps, "Expected \">=\"");
		return -1;
	}
	ps->p += 2;
	SkipSpace(ps);
	status = crm_lex_read_double(ps->p, &end, &d);
	if (status == CRM_NUM_NONE)
	{
		SyntaxError(ps, "Expected a number after \">=\"");
		return -1;
	}
	if (status == CRM_NUM_RANGE)
	{
		char		subject[32];

		snprintf(subject, sizeof(subject), "tier bound %d", index);
		crm_error_out_of_range(ps->err, subject, ps->p, (size_t) (end - ps->p));
		return -1;
	}
	ps->p = end;
	*bound = d;
	return 1;
}

/*
 * Read tier n (0-based): its label into out, *len bytes, and for every tier
 * but the first its ">= bound".  False (error recorded) on a syntax error,
 * a label over the limit, or a bound on the first tier or none on another.
 */
static bool
ReadTier(TiersParser *ps, int n, char *out, long *len, double *bound)
{
	int			has_bound;

	*len = ReadLabel(ps, out);
	if (*len < 0)
		return false;
	if (*len > CRM_TIERS_MAX_LABEL)
	{
		crm_error_set(ps->err, CRM_ERR_LIMIT,
					  "tier label %d is %ld bytes long; the limit is %d",
					  n + 1, *len, CRM_TIERS_MAX_LABEL);
		return false;
	}
	has_bound = ReadBound(ps, n, bound);
	if (has_bound < 0)
		return false;
	if (n == 0 && has_bound)
	{
		crm_error_set(ps->err, CRM_ERR_SYNTAX,
					  "invalid input syntax for type crm.tiers: \"%.200s\"", ps->str);
		crm_error_hint(ps->err, "The first tier runs from -Infinity; write it without \">=\", e.g. {mass, affluent >= 80000}.");
		return false;
	}
	if (n > 0 && !has_bound)
	{
		SyntaxError(ps, "Expected \">=\" and the tier's lower bound");
		return false;
	}
	return true;
}

/*
 * Read "{tier, tier, ...}" and nothing after it: the labels (unescaped into
 * scratch), their lengths and the bounds, at most cap tiers; *n receives
 * the count.  False (error recorded) on any syntax error.
 */
static bool
ReadScheme(TiersParser *ps, char *scratch, const char **labels, uint32_t *lens,
		   double *bounds, int cap, int *n)
{
	size_t		used = 0;

	SkipSpace(ps);
	if (*ps->p != '{')
	{
		SyntaxError(ps, "Expected \"{\"");
		return false;
	}
	ps->p++;

	for (;;)
	{
		long		len;
		double		b = 0;

		crm_check_interrupts();
		if (*n == cap)
		{
			crm_error_set(ps->err, CRM_ERR_LIMIT,
						  "a tier scheme can have at most %d tiers",
						  CRM_TIERS_MAX_TIERS);
			return false;
		}
		if (!ReadTier(ps, *n, scratch + used, &len, &b))
			return false;
		labels[*n] = scratch + used;
		lens[*n] = (uint32_t) len;
		if (*n > 0)
			bounds[*n - 1] = b;
		used += (size_t) len;
		(*n)++;

		SkipSpace(ps);
		if (*ps->p == ',')
		{
			ps->p++;
			continue;
		}
		if (*ps->p == '}')
		{
			ps->p++;
			break;
		}
		SyntaxError(ps, "Expected \",\" or \"}\"");
		return false;
	}

	SkipSpace(ps);
	if (*ps->p != '\0')
	{
		SyntaxError(ps, "Junk after closing \"}\"");
		return false;
	}
	return true;
}

/*
 * Parse the text form: bound the work by the input length, read the scheme,
 * build it.
 */
CrmTiers *
crm_tiers_parse(const char *str, size_t *size, CrmError *err)
{
	TiersParser ps;
	size_t		inlen = strlen(str);
	char	   *scratch;
	const char **labels;
	uint32_t   *lens;
	double	   *bounds;
	int			n = 0;
	int			cap;
	CrmTiers   *result = NULL;

	ps.str = str;
	ps.p = str;
	ps.err = err;
	if (inlen > CRM_TIERS_MAX_TEXT)
	{
		crm_error_set(err, CRM_ERR_LIMIT,
					  "crm.tiers literal is %zu bytes long; the limit is %d",
					  inlen, CRM_TIERS_MAX_TEXT);
		return NULL;
	}

	/*
	 * Each tier needs at least one label byte and one separator, so the input
	 * length bounds the tier count; cap it just above the limit so that an
	 * over-long scheme is reported as such.
	 */
	cap = (int) (inlen / 2 + 2);
	if (cap > CRM_TIERS_MAX_TIERS + 1)
		cap = CRM_TIERS_MAX_TIERS + 1;
	scratch = crm_core_alloc(inlen + 1);
	labels = crm_core_alloc(sizeof(char *) * (size_t) cap);
	lens = crm_core_alloc(sizeof(uint32_t) * (size_t) cap);
	bounds = crm_core_alloc(sizeof(double) * (size_t) cap);

	if (ReadScheme(&ps, scratch, labels, lens, bounds, cap, &n))
		result = crm_tiers_build(n, bounds, labels, lens, size, err);

	crm_core_free(scratch);
	crm_core_free(labels);
	crm_core_free(lens);
	crm_core_free(bounds);
	return result;
}

/*
 * Whether a label must be double-quoted to read back as itself
 * (tiers_core.h).
 */
int
crm_tiers_label_needs_quotes(const char *label, size_t len)
{
	size_t		i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) label[i];

		if (IsLabelDelimiter((char) c) || crm_lex_space((char) c) || c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Print the canonical text form into one allocation of its worst-case size. */
char *
crm_tiers_print(const CrmTiers *t)
{
	size_t		cap;
	size_t		n = 0;
	char	   *out;
	int			i;

	/* worst case: every label byte escaped, plus quotes and a bound each */
	cap = 3;
	for (i = 0; i < t->ntiers; i++)
	{
		uint32_t	len;

		(void) crm_tiers_label(t, i, &len);
		cap += 2 * (size_t) len + 2 + 4 + DOUBLE_SHORTEST_DECIMAL_LEN + 2;
	}
	out = crm_core_alloc(cap);

	out[n++] = '{';
	for (i = 0; i < t->ntiers; i++)
	{
		uint32_t	len;
		const char *label = crm_tiers_label(t, i, &len);

		if (i > 0)
		{
			out[n++] = ',';
			out[n++] = ' ';
		}
		if (crm_tiers_label_needs_quotes(label, len))
			n += crm_lex_write_quoted(out + n, label, len);
		else
		{
			memcpy(out + n, label, len);
			n += len;
		}
		if (i > 0)
		{
			memcpy(out + n, " >= ", 4);
			n += 4;
			n += (size_t) double_to_shortest_decimal_bufn(t->bounds[i - 1], out + n);
		}
	}
	out[n++] = '}';
	out[n] = '\0';
	return out;
}

/*
 * Index of the tier whose label is these len bytes, or -1 (a linear scan: n
 * is small).
 */
int
crm_tiers_find_label(const CrmTiers *t, const char *label, size_t len)
{
	int			i;

	for (i = 0; i < t->ntiers; i++)
	{
		uint32_t	l;
		const char *s = crm_tiers_label(t, i, &l);

		if (l == len && memcmp(s, label, len) == 0)
			return i;
	}
	return -1;
}

/*
 * Check a value of unknown origin: layout within size, then rebuild and
 * compare bytes.
 */
int
crm_tiers_check(const CrmTiers *t, size_t size, CrmError *err)
{
	const uint32_t *ends;
	const char *area;
	size_t		fixed;
	size_t		area_size;
	uint32_t	start = 0;
	const char **labels;
	uint32_t   *lens;
	CrmTiers   *rebuilt;
	size_t		rebuilt_size;
	int			i;
	int			ok;

	if (size < CRM_TIERS_HEADER_SIZE)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.tiers value is truncated");
		return -1;
	}
	if (t->version != CRM_TIERS_VERSION || t->flags != 0)
	{
		crm_error_set(err, CRM_ERR_BINARY,
					  "unsupported crm.tiers format version %d", t->version);
		return -1;
	}
	if (t->ntiers < 2 || t->ntiers > CRM_TIERS_MAX_TIERS)
	{
		crm_error_set(err, CRM_ERR_BINARY,
					  "crm.tiers value has an invalid tier count %d", t->ntiers);
		return -1;
	}
	fixed = CRM_TIERS_HEADER_SIZE + sizeof(double) * (size_t) (t->ntiers - 1) +
		sizeof(uint32_t) * (size_t) t->ntiers;
	if (size < fixed)
	{
		crm_error_set(err, CRM_ERR_BINARY, "crm.tiers value is truncated");
		return -1;
	}
	ends = crm_tiers_label_ends(t);
	area = crm_tiers_label_area(t);
	area_size = size - fixed;
	for (i = 0; i < t->ntiers; i++)
	{
		if (ends[i] < start || ends[i] >= area_size || area[ends[i]] != '\0')
		{
			crm_error_set(err, CRM_ERR_BINARY,
						  "crm.tiers value has a corrupt label table");
			return -1;
		}
		start = ends[i] + 1;
	}

	/* Semantics: rebuild and compare, so both paths apply the same rules. */
	labels = crm_core_alloc(sizeof(char *) * t->ntiers);
	lens = crm_core_alloc(sizeof(uint32_t) * t->ntiers);
	for (i = 0; i < t->ntiers; i++)
		labels[i] = crm_tiers_label(t, i, &lens[i]);
	rebuilt = crm_tiers_build(t->ntiers, t->bounds, labels, lens, &rebuilt_size, err);
	ok = rebuilt != NULL &&
		rebuilt_size == size &&
		memcmp((const char *) rebuilt + sizeof(int32_t),
			   (const char *) t + sizeof(int32_t), size - sizeof(int32_t)) == 0;
	if (rebuilt != NULL && !ok)
		crm_error_set(err, CRM_ERR_BINARY, "crm.tiers value is not canonical");
	if (rebuilt)
		crm_core_free(rebuilt);
	crm_core_free(labels);
	crm_core_free(lens);
	return ok ? 0 : -1;
}

/* Bytes crm_lex_write_quoted writes for s. */
static size_t
QuotedLen(const char *s, size_t len)
{
	size_t		n = len + 2;
	size_t		i;

	for (i = 0; i < len; i++)
		if (s[i] == '"' || s[i] == '\\')
			n++;
	return n;
}

/* Keep in step with crm_tiers_print (the fuzzer checks that they agree). */
size_t
crm_tiers_text_len(const CrmTiers *t)
{
	size_t		n = 2;			/* { } */
	int			i;

	for (i = 0; i < t->ntiers; i++)
	{
		uint32_t	len;
		const char *label = crm_tiers_label(t, i, &len);

		n += crm_tiers_label_needs_quotes(label, len) ? QuotedLen(label, len) : len;
		if (i > 0)
		{
			char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

			n += 2 + 4 + (size_t) double_to_shortest_decimal_bufn(t->bounds[i - 1], buf);
		}
	}
	return n;
}

/* ----------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------- */

/* Version, count, bounds, counted labels (tiers_core.h). */
void
crm_tiers_write(CrmEnc *e, const CrmTiers *t)
{
	int			i;

	crm_enc_u8(e, CRM_TIERS_VERSION);
	crm_enc_u32(e, t->ntiers);
	crm_enc_f64s(e, t->bounds, (size_t) (t->ntiers - 1));
	for (i = 0; i < t->ntiers; i++)
	{
		uint32_t	len;
		const char *label = crm_tiers_label(t, i, &len);

		crm_enc_str(e, label, len);
	}
}

/* Read the parts, bounding the count by the bytes left, then build. */
CrmTiers *
crm_tiers_read(CrmReader *r, CrmConvFn conv, size_t *size)
{
	uint8_t		version;
	int32_t		ntiers;
	double	   *bounds = NULL;
	const char **labels = NULL;
	uint32_t   *lens = NULL;
	CrmTiers   *t = NULL;
	int			i;

	if (!crm_rd_u8(r, &version) || !crm_rd_i32(r, &ntiers))
		return NULL;
	if (version != CRM_TIERS_VERSION)
	{
		crm_rd_fail(r, "unsupported format version %d", version);
		return NULL;
	}
	if (ntiers < 0)
	{
		crm_rd_fail(r, "negative tier count %d", ntiers);
		return NULL;
	}
	/* every tier takes at least 4 bytes (its label's count): bound before allocating */
	if (!crm_tiers_count_ok(ntiers, r->err) || !crm_rd_need(r, (uint64_t) ntiers, 4))
		return NULL;
	bounds = crm_core_alloc(sizeof(double) * (size_t) ntiers);
	labels = crm_core_alloc(sizeof(char *) * (size_t) ntiers);
	lens = crm_core_alloc(sizeof(uint32_t) * (size_t) ntiers);
	if (crm_rd_f64s(r, bounds, (size_t) (ntiers - 1)))
	{
		for (i = 0; i < ntiers; i++)
		{
			crm_check_interrupts();
			if (!crm_rd_str(r, conv, &labels[i], &lens[i]))
				break;
		}
		if (!crm_rd_failed(r))
			t = crm_tiers_build(ntiers, bounds, labels, lens, size, r->err);
	}
	crm_core_free(bounds);
	crm_core_free(labels);
	crm_core_free(lens);
	return t;
}

/* crm_tiers_write with the signature crm_encode takes. */
static void
EncodeTiers(CrmEnc *e, const void *value)
{
	crm_tiers_write(e, (const CrmTiers *) value);
}

/* The binary form of a scheme (send). */
uint8_t *
crm_tiers_encode(const CrmTiers *t, CrmConvFn conv, size_t *len)
{
	return crm_encode(EncodeTiers, t, conv, len);
}

/* A whole binary value (recv): the scheme and nothing after it. */
CrmTiers *
crm_tiers_decode(const void *buf, size_t len, CrmConvFn conv, size_t *size, CrmError *err)
{
	CrmReader	r;
	CrmTiers   *t;

	crm_rd_init(&r, buf, len, CRM_ERR_BINARY, "crm.tiers", err);
	t = crm_tiers_read(&r, conv, size);
	if (t != NULL && !crm_rd_end(&r))
	{
		crm_core_free(t);
		t = NULL;
	}
	return t;
}
