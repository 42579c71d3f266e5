/*
 * feature_names_core.c
 *	  Feature names of crm.cluster_sketch and crm.clusters: validation, the
 *	  block in a value, and the JSON and binary forms (see
 *	  feature_names_core.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature_names_core.h"
#include "lex_core.h"
#include "validate_core.h"

/* bytes of the block's fixed part: size and count */
#define FIXED_BYTES 8

/* n rounded up to a multiple of 8 */
static inline size_t
Align8(size_t n)
{
	return (n + 7) & ~(size_t) 7;
}

/* The end[] table of a block. */
static inline const uint32_t *
Ends(const void *block)
{
	return (const uint32_t *) ((const char *) block + FIXED_BYTES);
}

/* The text area of a block of count names. */
static inline const char *
Text(const void *block, int count)
{
	return (const char *) block + FIXED_BYTES + sizeof(uint32_t) * (size_t) count;
}

/* One name: 1 .. CRM_FEATURE_NAME_MAX bytes, no control characters or NUL. */
static bool
CheckName(const char *s, uint32_t len, int i, CrmError *err)
{
	uint32_t	j;

	if (len == 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "feature name %d must not be empty", i + 1);
		return false;
	}
	if (len > CRM_FEATURE_NAME_MAX)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "feature name %d is longer than %d bytes (%u)",
					  i + 1, CRM_FEATURE_NAME_MAX, (unsigned) len);
		return false;
	}
	for (j = 0; j < len; j++)
	{
		unsigned char c = (unsigned char) s[j];

		if (c < 0x20 || c == 0x7f)
		{
			crm_error_set(err, CRM_ERR_INVALID,
						  "feature name %d must not contain control characters", i + 1);
			crm_error_detail(err, "Byte %u is 0x%02x.", (unsigned) j + 1, (unsigned) c);
			return false;
		}
	}
	return true;
}

/* a name and its position, sorted to find duplicates */
typedef struct NameRef
{
	const char *s;
	uint32_t	len;
	int			i;
} NameRef;

/* qsort order: the bytes (shorter first on a common prefix), then position */
static int
NameRefCmp(const void *a, const void *b)
{
	const NameRef *x = a;
	const NameRef *y = b;
	int			c = crm_lex_compare_bytes(x->s, x->len, y->s, y->len);

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* Validate a list of names (see feature_names_core.h). */
bool
crm_names_validate(int count, const char *const *names, const uint32_t *lens, CrmError *err)
{
	NameRef    *refs;
	int			i;
	bool		ok = true;

	if (count > CRM_MAX_DIMS)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "there can be at most %d feature names, got %d",
					  CRM_MAX_DIMS, count);
		return false;
	}
	for (i = 0; i < count; i++)
		if (!CheckName(names[i], lens[i], i, err))
			return false;
	if (count < 2)
		return true;
	/* duplicates are neighbours once sorted: O(n log n) for 1,000 names */
	refs = crm_core_alloc(sizeof(NameRef) * (size_t) count);
	for (i = 0; i < count; i++)
	{
		refs[i].s = names[i];
		refs[i].len = lens[i];
		refs[i].i = i;
	}
	qsort(refs, (size_t) count, sizeof(NameRef), NameRefCmp);
	for (i = 1; i < count && ok; i++)
		if (refs[i].len == refs[i - 1].len && memcmp(refs[i].s, refs[i - 1].s, refs[i].len) == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID, "duplicate feature name \"%.*s\"",
						  (int) refs[i].len, refs[i].s);
			crm_error_detail(err, "Features %d and %d have the same name.",
							 refs[i - 1].i + 1, refs[i].i + 1);
			ok = false;
		}
	crm_core_free(refs);
	return ok;
}

/* Names for dims features: none or one each. */
bool
crm_names_check_count(int count, int dims, const char *what, CrmError *err)
{
	if (count == 0 || count == dims)
		return true;
	crm_error_set(err, CRM_ERR_INVALID, "%s has %d feature names for %d features", what, count, dims);
	crm_error_hint(err, "Give one name per feature, in the order of the features array.");
	return false;
}

/* Bytes of the block of count names. */
size_t
crm_names_block_size(int count, const uint32_t *lens)
{
	size_t		n = FIXED_BYTES + sizeof(uint32_t) * (size_t) count;
	int			i;

	for (i = 0; i < count; i++)
		n += (size_t) lens[i] + 1;
	return Align8(n);
}

/* Write the canonical block of count validated names. */
void
crm_names_block_write(void *block, int count, const char *const *names, const uint32_t *lens)
{
	uint32_t	size = (uint32_t) crm_names_block_size(count, lens);
	uint32_t	c = (uint32_t) count;
	char	   *text = (char *) block + FIXED_BYTES + sizeof(uint32_t) * (size_t) count;
	uint32_t	at = 0;
	int			i;

	memset(block, 0, size);
	memcpy(block, &size, sizeof(size));
	memcpy((char *) block + 4, &c, sizeof(c));
	for (i = 0; i < count; i++)
	{
		uint32_t	end = at + lens[i];

		memcpy(text + at, names[i], lens[i]);
		memcpy((char *) block + FIXED_BYTES + sizeof(uint32_t) * (size_t) i, &end, sizeof(end));
		at = end + 1;			/* past the NUL, which memset wrote */
	}
}

/* Check a block in a value (see feature_names_core.h). */
bool
crm_names_block_check(const void *block, size_t avail, int dims, const char *what, CrmError *err)
{
	uint32_t	size,
				count;
	const uint32_t *ends;
	const char *text;
	size_t		textlen,
				used;
	const char **names;
	uint32_t   *lens;
	uint32_t	start = 0;
	int			i;
	bool		ok;

	if (avail < FIXED_BYTES)
	{
		crm_error_set(err, CRM_ERR_INVALID, "%s feature names are truncated", what);
		return false;
	}
	size = crm_names_block_bytes(block);
	count = (uint32_t) crm_names_count(block);
	if (size % 8 != 0 || size < FIXED_BYTES || size > avail ||
		(count != 0 && count != (uint32_t) dims) ||
		(size_t) FIXED_BYTES + sizeof(uint32_t) * (size_t) count > size)
	{
		crm_error_set(err, CRM_ERR_INVALID, "invalid %s feature names", what);
		crm_error_detail(err, "The block has %u bytes (of %zu) and %u names for %d features.",
						 (unsigned) size, avail, (unsigned) count, dims);
		return false;
	}
	ends = Ends(block);
	text = Text(block, (int) count);
	textlen = size - FIXED_BYTES - sizeof(uint32_t) * (size_t) count;
	names = crm_core_alloc(sizeof(char *) * (count > 0 ? count : 1));
	lens = crm_core_alloc(sizeof(uint32_t) * (count > 0 ? count : 1));
	ok = true;
	for (i = 0; i < (int) count && ok; i++)
	{
		uint32_t	end = ends[i];

		/* the name lies within the text and its NUL is where end says */
		if (end < start || end >= textlen || text[end] != '\0' ||
			memchr(text + start, '\0', end - start) != NULL)
		{
			crm_error_set(err, CRM_ERR_INVALID, "invalid %s feature names", what);
			crm_error_detail(err, "Name %d is not where the block says.", i + 1);
			ok = false;
			break;
		}
		names[i] = text + start;
		lens[i] = end - start;
		start = end + 1;
	}
	/* canonical: nothing after the last NUL but fewer than 8 zero bytes */
	used = FIXED_BYTES + sizeof(uint32_t) * (size_t) count + start;
	if (ok && Align8(used) != size)
	{
		crm_error_set(err, CRM_ERR_INVALID, "invalid %s feature names", what);
		crm_error_detail(err, "The block has %u bytes, but its names need %zu.",
						 (unsigned) size, Align8(used));
		ok = false;
	}
	if (ok)
	{
		size_t		p;

		for (p = start; p < textlen; p++)
			if (text[p] != '\0')
			{
				crm_error_set(err, CRM_ERR_INVALID, "invalid %s feature names", what);
				crm_error_detail(err, "The padding after the names is not zero.");
				ok = false;
				break;
			}
	}
	ok = ok && crm_names_validate((int) count, names, lens, err);
	crm_core_free(lens);
	crm_core_free(names);
	return ok;
}

/* Name i of a block with names. */
const char *
crm_names_get(const void *block, int i, uint32_t *len)
{
	const uint32_t *ends = Ends(block);
	uint32_t	start = i == 0 ? 0 : ends[i - 1] + 1;

	*len = ends[i] - start;
	return Text(block, crm_names_count(block)) + start;
}

/* Name i as shown: stored, or f<i + 1>. */
const char *
crm_names_display(const void *block, int i, char *buf, uint32_t *len)
{
	if (crm_names_count(block) > 0)
		return crm_names_get(block, i, len);
	*len = (uint32_t) snprintf(buf, 16, "f%d", i + 1);
	return buf;
}

/* Same names: the canonical blocks are byte for byte equal. */
bool
crm_names_equal(const void *a, const void *b)
{
	if (crm_names_count(a) == 0 || crm_names_count(b) == 0)
		return crm_names_count(a) == crm_names_count(b);
	return crm_names_block_bytes(a) == crm_names_block_bytes(b) &&
		memcmp(a, b, crm_names_block_bytes(a)) == 0;
}

/* The error for different names, with the first difference. */
void
crm_names_error_differ(CrmError *err, const void *a, const void *b, const char *message)
{
	int			na = crm_names_count(a);
	int			nb = crm_names_count(b);
	int			i;

	crm_error_set(err, CRM_ERR_INVALID, "%s", message);
	if (na == 0 || nb == 0)
	{
		crm_error_detail(err, "One has feature names and the other has none.");
		return;
	}
	for (i = 0; i < na && i < nb; i++)
	{
		uint32_t	la,
					lb;
		const char *sa = crm_names_get(a, i, &la);
		const char *sb = crm_names_get(b, i, &lb);

		if (la != lb || memcmp(sa, sb, la) != 0)
		{
			crm_error_detail(err, "Feature %d is \"%.*s\" in one and \"%.*s\" in the other.",
							 i + 1, (int) (la > 60 ? 60 : la), sa, (int) (lb > 60 ? 60 : lb), sb);
			return;
		}
	}
}

/* A copy of a block (an empty one for NULL). */
void *
crm_names_copy(const void *block)
{
	size_t		size = block ? crm_names_block_bytes(block) : CRM_NAMES_EMPTY_SIZE;
	void	   *copy = crm_core_alloc(size);

	if (block)
		memcpy(copy, block, size);
	else
		crm_names_block_write(copy, 0, NULL, NULL);
	return copy;
}

/* ------------------------------------------------------------ JSON */

/* Write the JSON array of names. */
void
crm_names_write_json(CrmOut *o, const void *block)
{
	int			n = crm_names_count(block);
	int			i;

	crm_out_str(o, "[");
	for (i = 0; i < n; i++)
	{
		uint32_t	len;
		const char *s = crm_names_get(block, i, &len);
		uint32_t	j;

		if (i > 0)
			crm_out_str(o, ",");
		crm_out_str(o, "\"");
		/* names have no control characters: " and \ are the only escapes */
		for (j = 0; j < len; j++)
		{
			if (s[j] == '"' || s[j] == '\\')
				crm_out_bytes(o, "\\", 1);
			crm_out_bytes(o, s + j, 1);
		}
		crm_out_str(o, "\"");
	}
	crm_out_str(o, "]");
}

/*
 * The unescaped length of the JSON string starting at p (after white
 * space), counted without reading it, so that a long name is reported as
 * too long (54000) rather than as a syntax error; SIZE_MAX when p is not
 * a string the reader would take (it then reports the syntax).
 */
static size_t
JsonStringLength(const char *p)
{
	size_t		n = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '"')
		return SIZE_MAX;
	for (p++; *p != '"'; p++, n++)
	{
		if (*p == '\0')
			return SIZE_MAX;
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		if ((n & 65535) == 65535)
			crm_check_interrupts();
	}
	return n;
}

/* Read the JSON array of names (see feature_names_core.h). */
void *
crm_names_read_json(CrmJson *j, int dims, const char *what, CrmError *err)
{
	char	  **names = crm_core_alloc(sizeof(char *) * (size_t) dims);
	uint32_t   *lens = crm_core_alloc(sizeof(uint32_t) * (size_t) dims);
	int			n = 0;
	int			i;
	void	   *block = NULL;

	if (!crm_json_expect(j, '['))
		goto done;
	if (!crm_json_accept(j, ']'))
	{
		do
		{
			size_t		len = JsonStringLength(j->p);

			crm_check_interrupts();
			if (n == dims)
			{
				crm_error_set(err, CRM_ERR_INVALID, "%s has more feature names than its %d features",
							  what, dims);
				goto done;
			}
			if (len != SIZE_MAX && len > CRM_FEATURE_NAME_MAX)
			{
				crm_error_set(err, CRM_ERR_LIMIT, "feature name %d is longer than %d bytes (%zu)",
							  n + 1, CRM_FEATURE_NAME_MAX, len);
				goto done;
			}
			names[n] = crm_core_alloc(CRM_FEATURE_NAME_MAX + 1);
			if (!crm_json_string(j, names[n], CRM_FEATURE_NAME_MAX + 1))
			{
				n++;
				goto done;
			}
			lens[n] = (uint32_t) strlen(names[n]);
			/* an escaped NUL cannot occur (no \u escapes), a raw one ends the text */
			n++;
		} while (crm_json_accept(j, ','));
		if (!crm_json_expect(j, ']'))
			goto done;
	}
	if (!crm_names_check_count(n, dims, what, err) ||
		!crm_names_validate(n, (const char *const *) names, lens, err))
		goto done;
	block = crm_core_alloc(crm_names_block_size(n, lens));
	crm_names_block_write(block, n, (const char *const *) names, lens);
done:
	for (i = 0; i < n; i++)
		crm_core_free(names[i]);
	crm_core_free(lens);
	crm_core_free(names);
	return block;
}

/* ------------------------------------------------------------ binary */

/* Write the names: count, then each as a string. */
void
crm_names_encode(CrmEnc *e, const void *block)
{
	int			n = crm_names_count(block);
	int			i;

	crm_enc_u32(e, (uint32_t) n);
	for (i = 0; i < n; i++)
	{
		uint32_t	len;
		const char *s = crm_names_get(block, i, &len);

		crm_enc_str(e, s, len);
	}
}

/* Read the binary names (see feature_names_core.h). */
void *
crm_names_decode(CrmReader *r, CrmConvFn conv, int dims)
{
	uint32_t	count;
	const char **names;
	uint32_t   *lens;
	void	   *block = NULL;
	uint32_t	i;

	if (!crm_rd_u32(r, &count))
		return NULL;
	if (count != 0 && count != (uint32_t) dims)
	{
		crm_rd_fail(r, "%u feature names for %d features", (unsigned) count, dims);
		return NULL;
	}
	/* each name takes at least its 4-byte length: checked before allocating */
	if (!crm_rd_need(r, count, sizeof(uint32_t)))
		return NULL;
	names = crm_core_alloc(sizeof(char *) * (count > 0 ? count : 1));
	lens = crm_core_alloc(sizeof(uint32_t) * (count > 0 ? count : 1));
	for (i = 0; i < count; i++)
	{
		if ((i & 255) == 255)
			crm_check_interrupts();
		if (!crm_rd_str(r, conv, &names[i], &lens[i]))
			goto done;
		/* a NUL would end the name early in the block: not a valid name */
		if (memchr(names[i], '\0', lens[i]) != NULL)
		{
			crm_error_set(r->err, CRM_ERR_INVALID, "feature name %u must not contain control characters",
						  (unsigned) i + 1);
			goto done;
		}
	}
	if (!crm_names_validate((int) count, names, lens, r->err))
		goto done;
	block = crm_core_alloc(crm_names_block_size((int) count, lens));
	crm_names_block_write(block, (int) count, names, lens);
done:
	crm_core_free(lens);
	crm_core_free(names);
	return block;
}
