/*
 * policy_core.c
 *	  crm.service_policy builder, text parser, printer and consistency check.
 *
 * Server-independent (see policy_core.h); the fuzzer links this file as is.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"
#include "lex_core.h"
#include "outbuf_core.h"
#include "policy_core.h"
#include "validate_core.h"
#include "wire_core.h"

const char *const crm_policy_key_names[CRM_POLICY_NKEYS] = {
	"visits_per_year", "calls_per_year", "visit_minutes", "call_minutes", "travel_minutes"
};

/* The index of a key name (CrmPolicyKey), or -1 for an unknown name. */
int
crm_policy_key_index(const char *name, size_t len)
{
	int			k;

	for (k = 0; k < CRM_POLICY_NKEYS; k++)
		if (strlen(crm_policy_key_names[k]) == len && memcmp(crm_policy_key_names[k], name, len) == 0)
			return k;
	return -1;
}

/*
 * The entry for a tier: binary search over the listed labels (sorted
 * bytewise by the builder), else the `*` entry, else NULL.
 */
const CrmPolicyEntry *
crm_policy_lookup(const CrmPolicy *p, const char *label, size_t len)
{
	int			nlisted = (int) p->nentries - ((p->flags & CRM_POLICY_FLAG_DEFAULT) ? 1 : 0);
	int			lo = 0;
	int			hi = nlisted - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const CrmPolicyEntry *e = &p->entries[mid];
		int			cmp = crm_lex_compare_bytes(crm_policy_label(p, e), e->label_len, label, len);

		if (cmp == 0)
			return e;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (p->flags & CRM_POLICY_FLAG_DEFAULT)
		return &p->entries[p->nentries - 1];
	return NULL;
}

/* ----------------------------------------------------------------------
 * Builder
 * ---------------------------------------------------------------------- */

/* qsort order of entry specs: labels bytewise (the canonical order). */
static int
CompareSpecs(const void *a, const void *b)
{
	const CrmPolicySpec *x = *(const CrmPolicySpec *const *) a;
	const CrmPolicySpec *y = *(const CrmPolicySpec *const *) b;

	return crm_lex_compare_bytes(x->label, x->label_len, y->label, y->label_len);
}

/* Whether a label is the `*` entry's (NULL, or the one byte "*"). */
static bool
IsStar(const char *s, size_t len)
{
	return s == NULL || (len == 1 && s[0] == '*');
}

/*
 * The one check of a policy number, whichever form it came in (text, JSON,
 * binary): "<what> must be a finite number, got NaN" for NaN and
 * infinities, then the range [0, 1e9].  0, or -1 with a CRM_ERR_INVALID
 * error.
 */
static int
CheckValue(const CrmPolicySpec *e, int k, CrmError *err)
{
	double		v = e->v[k];
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];
	bool		star = IsStar(e->label, e->label_len);
	int			len = star ? 1 : (int) (e->label_len > 60 ? 60 : e->label_len);
	const char *label = star ? "*" : e->label;
	char		subject[120];

	if (isfinite(v) && v >= 0 && v <= CRM_POLICY_MAX_VALUE)
		return 0;
	snprintf(subject, sizeof(subject), "service policy entry \"%.*s\": %s",
			 len, label, crm_policy_key_names[k]);
	if (crm_check_finite(v, subject, err))
	{
		double_to_shortest_decimal_buf(v, num);
		crm_error_set(err, CRM_ERR_INVALID, "%s must be between 0 and 1e9, got %s", subject, num);
	}
	return -1;
}

/*
 * Validate entry specs (numbers, labels, one `*` at most, no tier twice,
 * the caps) and pack them into the canonical value: listed entries sorted
 * bytewise, `*` last, labels after the entries, -0 stored as 0.
 */
CrmPolicy *
crm_policy_build(const CrmPolicySpec *entries, int n, size_t *size, CrmError *err)
{
	const CrmPolicySpec **sorted;
	const CrmPolicySpec *star = NULL;
	int			nlisted = 0;
	size_t		strings = 0;
	size_t		total;
	size_t		spos;
	CrmPolicy  *p;
	int			i;
	int			k;

	if (n <= 0)
	{
		crm_error_set(err, CRM_ERR_INVALID, "a service policy needs at least one entry");
		return NULL;
	}
	if (n > CRM_POLICY_MAX_ENTRIES + 1)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "a service policy has at most %d entries, got %d",
					  CRM_POLICY_MAX_ENTRIES, n);
		return NULL;
	}
	sorted = crm_core_alloc(sizeof(*sorted) * (size_t) n);
	for (i = 0; i < n; i++)
	{
		const CrmPolicySpec *e = &entries[i];
		bool		name = IsStar(e->label, e->label_len);

		for (k = 0; k < CRM_POLICY_NKEYS; k++)
			if (CheckValue(e, k, err) != 0)
				goto fail;
		if (name)
		{
			if (star != NULL)
			{
				crm_error_set(err, CRM_ERR_INVALID, "service policy has more than one \"*\" entry");
				goto fail;
			}
			star = e;
			continue;
		}
		if (e->label_len == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID, "service policy tier label is empty");
			goto fail;
		}
		if (e->label_len > CRM_POLICY_MAX_LABEL)
		{
			crm_error_set(err, CRM_ERR_LIMIT, "service policy tier label \"%.40s...\" is %u bytes long; the limit is %d",
						  e->label, (unsigned) e->label_len, CRM_POLICY_MAX_LABEL);
			goto fail;
		}
		if (memchr(e->label, '\0', e->label_len) != NULL)
		{
			crm_error_set(err, CRM_ERR_INVALID, "service policy tier label contains a NUL byte");
			goto fail;
		}
		sorted[nlisted++] = e;
		strings += (size_t) e->label_len + 1;
	}
	if (nlisted > CRM_POLICY_MAX_ENTRIES)
	{
		crm_error_set(err, CRM_ERR_LIMIT, "a service policy has at most %d tiers, got %d",
					  CRM_POLICY_MAX_ENTRIES, nlisted);
		goto fail;
	}
	qsort(sorted, (size_t) nlisted, sizeof(*sorted), CompareSpecs);
	for (i = 1; i < nlisted; i++)
		if (CompareSpecs(&sorted[i - 1], &sorted[i]) == 0)
		{
			crm_error_set(err, CRM_ERR_INVALID, "service policy lists tier \"%.*s\" twice",
						  (int) (sorted[i]->label_len > 60 ? 60 : sorted[i]->label_len), sorted[i]->label);
			goto fail;
		}

	total = sizeof(CrmPolicy) + sizeof(CrmPolicyEntry) * (size_t) n + strings;
	total = (total + 7) & ~(size_t) 7;
	p = crm_core_alloc(total);
	p->version = CRM_POLICY_VERSION;
	p->flags = star ? CRM_POLICY_FLAG_DEFAULT : 0;
	p->nentries = (uint32_t) n;
	spos = sizeof(CrmPolicy) + sizeof(CrmPolicyEntry) * (size_t) n;
	for (i = 0; i < n; i++)
	{
		const CrmPolicySpec *s = i < nlisted ? sorted[i] : star;
		CrmPolicyEntry *e = &p->entries[i];

		for (k = 0; k < CRM_POLICY_NKEYS; k++)
			e->v[k] = s->v[k] == 0.0 ? 0.0 : s->v[k];	/* no -0: equal values, equal bytes */
		e->label_off = (uint32_t) spos;
		if (i < nlisted)
		{
			e->label_len = s->label_len;
			memcpy((char *) p + spos, s->label, s->label_len);
			spos += (size_t) s->label_len + 1;
		}
		else
			e->label_len = 0;
	}
	crm_core_free(sorted);
	*size = total;
	return p;

fail:
	crm_core_free(sorted);
	return NULL;
}

/* ----------------------------------------------------------------------
 * Text parser
 *
 * Memory is bounded whatever the input's size: at most
 * CRM_POLICY_MAX_ENTRIES + 2 entry specs, and of each label only its first
 * CRM_POLICY_MAX_LABEL + 1 bytes are kept (its full length is counted, for
 * the builder's error), so a parse needs about 260 kB besides the input.
 * Every loop over input bytes checks for interrupts.
 *
 * A hand-written recursive-descent parser, one function per rule of the
 * grammar, reading left to right without backtracking:
 *     policy  := entry (';' entry)* [';']
 *     entry   := label ':' '{' [key ':' number (',' key ':' number)*] '}'
 *     label   := bare word | quoted string | '*'
 * Each function records where the input stopped matching, so an error
 * names the character (A. V. Aho, M. S. Lam, R. Sethi, J. D. Ullman,
 * "Compilers: Principles, Techniques, and Tools", section 4.4).  The
 * values are checked by the builder, as for every other form.
 * ---------------------------------------------------------------------- */

/* room kept for one label: the limit, one byte to tell it was passed, a NUL */
#define LABEL_SLOT (CRM_POLICY_MAX_LABEL + 2)

/* The parser's position, error and label scratch space. */
typedef struct PolicyParser
{
	const char *str;
	const char *p;
	CrmError   *err;
	char	   *scratch;		/* kept label bytes, back to back */
	size_t		used;
	size_t		cap;
	uint64_t	ticks;
} PolicyParser;

/* One input byte consumed by a scanning loop; checks interrupts now and then. */
static inline void
Tick(PolicyParser *ps)
{
	if ((++ps->ticks & 0xFFFFF) == 0)
		crm_check_interrupts();
}

/* Skip white space (checking for interrupts). */
static void
SkipSpace(PolicyParser *ps)
{
	while (crm_lex_space(*ps->p))
	{
		ps->p++;
		Tick(ps);
	}
}

/* Record a 22P02 syntax error at the parser's position; what says what was expected. */
static void
SyntaxError(PolicyParser *ps, const char *what)
{
	crm_error_set(ps->err, CRM_ERR_SYNTAX,
				  "invalid input syntax for type crm.service_policy: \"%.120s%s\"",
				  ps->str, strnlen(ps->str, 121) > 120 ? "..." : "");
	if (*ps->p == '\0')
		crm_error_detail(ps->err, "%s at end of input.", what);
	else
		crm_error_detail(ps->err, "%s at character %ld.", what, (long) (ps->p - ps->str) + 1);
}

/* Consume ch after white space, or record a syntax error (what) and return false. */
static bool
Expect(PolicyParser *ps, char ch, const char *what)
{
	SkipSpace(ps);
	if (*ps->p != ch)
	{
		SyntaxError(ps, what);
		return false;
	}
	ps->p++;
	return true;
}

/* Keep byte c of a label of which n bytes were seen (see LABEL_SLOT). */
static inline void
KeepByte(PolicyParser *ps, char *dst, long n, char c)
{
	if (n < CRM_POLICY_MAX_LABEL + 1)
		dst[n] = c;
	Tick(ps);
}

/*
 * A quoted label whose opening quote is at ps->p (\ makes the next byte
 * literal, as crm_lex_read_quoted reads it).  Its length, or -1.
 */
static long
ReadQuoted(PolicyParser *ps, char *dst)
{
	long		n = 0;

	ps->p++;
	for (;;)
	{
		char		c = *ps->p;

		if (c == '\0')
		{
			SyntaxError(ps, "Unterminated quoted string");
			return -1;
		}
		ps->p++;
		if (c == '"')
			return n;
		if (c == '\\')
		{
			c = *ps->p;
			if (c == '\0')
			{
				SyntaxError(ps, "Unterminated quoted string");
				return -1;
			}
			ps->p++;
		}
		KeepByte(ps, dst, n++, c);
	}
}

/*
 * A label: bare word, quoted string or `*`.  Returns its length (of which
 * at most CRM_POLICY_MAX_LABEL + 1 bytes are kept in *out), -1 if there is
 * none (error recorded).  *star is set for the `*` entry.
 */
static long
ReadLabel(PolicyParser *ps, const char **out, bool *star)
{
	char	   *dst = ps->scratch + ps->used;
	long		n = 0;

	SkipSpace(ps);
	*out = dst;
	*star = false;
	if (*ps->p == '"')
	{
		n = ReadQuoted(ps, dst);
		if (n < 0)
			return -1;
	}
	else if (*ps->p == '*')
		dst[n++] = *ps->p++;
	else
	{
		while (crm_lex_word_char((unsigned char) *ps->p))
			KeepByte(ps, dst, n++, *ps->p++);
		if (n == 0)
		{
			SyntaxError(ps, "Expected a tier label");
			return -1;
		}
	}
	dst[n < CRM_POLICY_MAX_LABEL + 1 ? n : CRM_POLICY_MAX_LABEL + 1] = '\0';
	ps->used += LABEL_SLOT;
	*star = (n == 1 && dst[0] == '*');
	return n;
}

/* Whether len bytes at s spell word, ignoring ASCII case. */
static bool
WordIs(const char *s, size_t len, const char *word)
{
	size_t		i;

	if (strlen(word) != len)
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

/* Read one policy number (see policy_core.h). */
int
crm_policy_number(const char *lit, size_t len, const char *label, size_t label_len,
				  int key, double *out, CrmError *err)
{
	const char *digits = lit + (len > 0 && lit[0] == '-');
	size_t		dlen = len - (size_t) (digits - lit);
	char	   *buf;
	char	   *end;
	bool		ok;

	/* NaN and the infinities are numbers here (the builder refuses them) */
	if (WordIs(digits, dlen, "nan") && digits == lit)
	{
		*out = NAN;
		return 0;
	}
	if (WordIs(digits, dlen, "infinity") || WordIs(digits, dlen, "inf"))
	{
		*out = digits == lit ? INFINITY : -INFINITY;
		return 0;
	}
	/* otherwise a decimal number: digits, point, exponent; no hex, no + */
	if (dlen == 0 || !((digits[0] >= '0' && digits[0] <= '9') || digits[0] == '.') ||
		memchr(lit, 'x', len) != NULL || memchr(lit, 'X', len) != NULL)
		return -1;
	buf = crm_core_alloc(len + 1);
	memcpy(buf, lit, len);
	errno = 0;
	*out = strtod(buf, &end);
	ok = (end == buf + len);
	crm_core_free(buf);
	if (!ok)
		return -1;
	if (errno == ERANGE && (*out == 0.0 || isinf(*out)))
	{
		/*
		 * beyond float8, or so small it would read as 0: out of range, as
		 * float8in says (validate_core.h's rule); a subnormal is read
		 */
		char		subject[120];

		snprintf(subject, sizeof(subject), "service policy entry \"%.*s\": %s",
				 label ? (int) (label_len > 60 ? 60 : label_len) : 1, label ? label : "*",
				 crm_policy_key_names[key]);
		crm_error_out_of_range(err, subject, lit, len);
		return -2;
	}
	return 0;
}

/* The number after "key:"; the builder checks its value. */
static bool
ReadNumber(PolicyParser *ps, const CrmPolicySpec *spec, int key, double *out)
{
	const char *start;
	int			rc;

	SkipSpace(ps);
	start = ps->p;
	while (crm_lex_word_char((unsigned char) *ps->p))
	{
		ps->p++;
		Tick(ps);
	}
	rc = crm_policy_number(start, (size_t) (ps->p - start), spec->label, spec->label_len,
						   key, out, ps->err);
	if (rc == -1)
	{
		ps->p = start;
		SyntaxError(ps, "Expected a number");
	}
	return rc == 0;
}

/* `{key: number, ...}` into spec->v */
static bool
ReadEntryBody(PolicyParser *ps, CrmPolicySpec *spec)
{
	bool		seen[CRM_POLICY_NKEYS] = {false};

	if (!Expect(ps, '{', "Expected \"{\""))
		return false;
	SkipSpace(ps);
	if (*ps->p == '}')
	{
		ps->p++;
		return true;
	}
	for (;;)
	{
		const char *start;
		int			k;

		SkipSpace(ps);
		start = ps->p;
		while ((*ps->p >= 'a' && *ps->p <= 'z') || *ps->p == '_')
		{
			ps->p++;
			Tick(ps);
		}
		k = crm_policy_key_index(start, (size_t) (ps->p - start));
		if (k < 0)
		{
			ps->p = start;
			SyntaxError(ps, "Expected one of visits_per_year, calls_per_year, visit_minutes, call_minutes, travel_minutes");
			return false;
		}
		if (seen[k])
		{
			ps->p = start;
			SyntaxError(ps, "Key written twice");
			return false;
		}
		seen[k] = true;
		if (!Expect(ps, ':', "Expected \":\""))
			return false;
		if (!ReadNumber(ps, spec, k, &spec->v[k]))
			return false;
		SkipSpace(ps);
		if (*ps->p == ',')
		{
			ps->p++;
			continue;
		}
		return Expect(ps, '}', "Expected \",\" or \"}\"");
	}
}

/* Parse the text form: entries up to the end of input, then the builder. */
CrmPolicy *
crm_policy_parse(const char *str, size_t *size, CrmError *err)
{
	PolicyParser ps;
	size_t		slen = strlen(str);
	/* an entry takes at least 4 bytes ("a:{}"); the parser stops after the limit */
	size_t		cap = slen / 4 + 2 < (size_t) CRM_POLICY_MAX_ENTRIES + 2 ?
		slen / 4 + 2 : (size_t) CRM_POLICY_MAX_ENTRIES + 2;
	CrmPolicySpec *specs;
	int			n = 0;
	CrmPolicy  *result = NULL;

	memset(&ps, 0, sizeof(ps));
	ps.str = str;
	ps.p = str;
	ps.err = err;
	ps.cap = cap * LABEL_SLOT;
	ps.scratch = crm_core_alloc(ps.cap);
	specs = crm_core_alloc(sizeof(CrmPolicySpec) * cap);

	for (;;)
	{
		const char *label;
		bool		star;
		long		len;

		SkipSpace(&ps);
		if (*ps.p == '\0' && n > 0)
			break;
		if (n > CRM_POLICY_MAX_ENTRIES)
		{
			crm_error_set(err, CRM_ERR_LIMIT, "a service policy has at most %d entries",
						  CRM_POLICY_MAX_ENTRIES);
			goto done;
		}
		crm_check_interrupts();
		len = ReadLabel(&ps, &label, &star);
		if (len < 0)
			goto done;
		specs[n].label = star ? NULL : label;
		specs[n].label_len = star ? 0 : (uint32_t) (len < (long) UINT32_MAX ? len : (long) UINT32_MAX);
		if (!Expect(&ps, ':', "Expected \":\" after the tier label"))
			goto done;
		if (!ReadEntryBody(&ps, &specs[n]))
			goto done;
		n++;
		SkipSpace(&ps);
		if (*ps.p == ';')
		{
			ps.p++;
			continue;
		}
		if (*ps.p != '\0')
		{
			SyntaxError(&ps, "Expected \";\" or end of input");
			goto done;
		}
		break;
	}
	result = crm_policy_build(specs, n, size, err);
done:
	crm_core_free(specs);
	crm_core_free(ps.scratch);
	return result;
}

/* Read a policy's binary form: version byte and canonical text. */
CrmPolicy *
crm_policy_decode(const uint8_t *buf, size_t len, size_t *size, CrmError *err)
{
	CrmReader	r;
	uint8_t		version;
	const uint8_t *text;
	size_t		n;
	char	   *str;
	CrmPolicy  *p;

	crm_rd_init(&r, buf, len, CRM_ERR_BINARY, "crm.service_policy", err);
	if (!crm_rd_u8(&r, &version))
		return NULL;
	if (version != CRM_POLICY_BINARY_VERSION)
	{
		crm_rd_fail(&r, "unsupported format version %d", version);
		return NULL;
	}
	n = crm_rd_left(&r);
	if (!crm_rd_bytes(&r, n, &text))
		return NULL;
	if (memchr(text, '\0', n) != NULL)
	{
		crm_rd_fail(&r, "its text contains a NUL byte");
		return NULL;
	}
	str = crm_core_alloc(n + 1);
	memcpy(str, text, n);
	p = crm_policy_parse(str, size, err);
	crm_core_free(str);
	if (p == NULL && err->kind == CRM_ERR_SYNTAX)
	{
		/* a malformed (say, truncated) binary value, not a text to correct */
		err->kind = CRM_ERR_BINARY;
		snprintf(err->message, sizeof(err->message),
				 "invalid crm.service_policy binary value: its text is malformed");
	}
	return p;
}

/* ----------------------------------------------------------------------
 * Printer
 * ---------------------------------------------------------------------- */

/*
 * The canonical text form: entries in stored order, labels bare when they
 * can be, every key, numbers in shortest round-trip form.
 */
char *
crm_policy_print(const CrmPolicy *p)
{
	CrmOut		o = {NULL, 0, 0};
	uint32_t	i;
	int			k;

	for (i = 0; i < p->nentries; i++)
	{
		const CrmPolicyEntry *e = &p->entries[i];

		if (i)
			crm_out_str(&o, "; ");
		if (e->label_len == 0)
			crm_out_str(&o, "*");
		else if (!crm_lex_is_bare_word(crm_policy_label(p, e), e->label_len))
		{
			char	   *q = crm_core_alloc(2 * (size_t) e->label_len + 2);
			size_t		qn = crm_lex_write_quoted(q, crm_policy_label(p, e), e->label_len);

			crm_out_bytes(&o, q, qn);
			crm_core_free(q);
		}
		else
			crm_out_bytes(&o, crm_policy_label(p, e), e->label_len);
		crm_out_str(&o, ": {");
		for (k = 0; k < CRM_POLICY_NKEYS; k++)
		{
			char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

			if (k)
				crm_out_str(&o, ", ");
			crm_out_str(&o, crm_policy_key_names[k]);
			crm_out_str(&o, ": ");
			double_to_shortest_decimal_buf(e->v[k], num);
			crm_out_str(&o, num);
		}
		crm_out_str(&o, "}");
	}
	return o.data;
}

/* ----------------------------------------------------------------------
 * Consistency check of a packed policy
 * ---------------------------------------------------------------------- */

/*
 * Check a packed policy of unknown origin against everything the builder
 * guarantees: header, sizes, numbers in range, labels inside the value,
 * NUL-terminated, sorted and unique, `*` only last.
 */
int
crm_policy_check(const CrmPolicy *p, size_t size, CrmError *err)
{
	size_t		fixed;
	uint32_t	i;
	uint32_t	nlisted;
	int			k;

	if (size < sizeof(CrmPolicy) || p->version != CRM_POLICY_VERSION ||
		(p->flags & ~CRM_POLICY_FLAG_DEFAULT) != 0 || p->nentries == 0 ||
		p->nentries > CRM_POLICY_MAX_ENTRIES + 1)
		goto corrupt;
	fixed = sizeof(CrmPolicy) + sizeof(CrmPolicyEntry) * (size_t) p->nentries;
	if (fixed > size)
		goto corrupt;
	nlisted = p->nentries - ((p->flags & CRM_POLICY_FLAG_DEFAULT) ? 1 : 0);
	for (i = 0; i < p->nentries; i++)
	{
		const CrmPolicyEntry *e = &p->entries[i];

		for (k = 0; k < CRM_POLICY_NKEYS; k++)
			if (!isfinite(e->v[k]) || e->v[k] < 0 || e->v[k] > CRM_POLICY_MAX_VALUE)
				goto corrupt;
		if (i >= nlisted)
		{
			if (e->label_len != 0)
				goto corrupt;
			continue;
		}
		if (e->label_len == 0 || e->label_len > CRM_POLICY_MAX_LABEL ||
			e->label_off < fixed || (size_t) e->label_off + e->label_len >= size ||
			((const char *) p)[e->label_off + e->label_len] != '\0' ||
			memchr(crm_policy_label(p, e), '\0', e->label_len) != NULL ||
			(e->label_len == 1 && crm_policy_label(p, e)[0] == '*'))
			goto corrupt;
		if (i > 0 && crm_lex_compare_bytes(crm_policy_label(p, &p->entries[i - 1]), p->entries[i - 1].label_len,
								  crm_policy_label(p, e), e->label_len) >= 0)
			goto corrupt;
	}
	return 0;

corrupt:
	crm_error_set(err, CRM_ERR_BINARY, "corrupt crm.service_policy value");
	return -1;
}
