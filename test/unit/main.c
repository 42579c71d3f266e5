/*
 * main.c
 *	  Runner of crm's unit tests (see unit.h): runs every registered test,
 *	  or those whose names contain one of the arguments, and prints
 *	  "unit: N passed, N failed" (tests, not checks) as its last line.
 *
 *	  Tests whose names end in "_known_bug" state a property a core does
 *	  not have yet (a bug found, reported, and left for its owner to fix):
 *	  they are skipped, and counted on a line of their own, unless the
 *	  environment sets CRM_UNIT_KNOWN_BUGS=1:
 *
 *		CRM_UNIT_KNOWN_BUGS=1 test/unit/run.sh known_bug
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error_core.h"
#include "unit.h"

static UnitTest *tests = NULL;
static int	failures_in_test;

/* Called by UNIT_TEST's constructor: keep tests in name order. */
void
unit_register(UnitTest *t)
{
	UnitTest  **p = &tests;

	while (*p && strcmp((*p)->name, t->name) < 0)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

/* Report one failed check. */
void
unit_fail(const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	fprintf(stdout, "    %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	failures_in_test++;
}

/*
 * The cores' allocator: every block is its own malloc (so the sanitizers see
 * each one's bounds) and is linked into a list that is freed after each
 * test.
 */
typedef struct Block
{
	struct Block *next;
	struct Block *prev;
	/* data follows, suitably aligned */
	double		align[];
} Block;

static Block *blocks = NULL;

void *
crm_core_alloc(size_t size)
{
	Block	   *b = calloc(1, sizeof(Block) + (size ? size : 1));

	if (b == NULL)
	{
		fprintf(stderr, "unit: out of memory allocating %zu bytes\n", size);
		abort();
	}
	b->next = blocks;
	if (blocks)
		blocks->prev = b;
	blocks = b;
	return b->align;
}

/*
 * The cores' allocator without zeroing: crm_core_alloc's block filled with
 * 0xA5, so that a core reading memory it never wrote gets garbage here
 * rather than zeros it might silently rely on.
 */
void *
crm_core_alloc_uninit(size_t size)
{
	void	   *p = crm_core_alloc(size);

	memset(p, 0xA5, size);
	return p;
}

void
crm_core_free(void *ptr)
{
	Block	   *b;

	if (ptr == NULL)
		return;
	b = (Block *) ((char *) ptr - offsetof(Block, align));
	if (b->prev)
		b->prev->next = b->next;
	else
		blocks = b->next;
	if (b->next)
		b->next->prev = b->prev;
	free(b);
}

/* Free what the test left allocated. */
static void
FreeAll(void)
{
	while (blocks)
	{
		Block	   *b = blocks;

		blocks = b->next;
		free(b);
	}
}

/* Whether a test states a known, reported bug (see the top of the file). */
static bool
KnownBug(const char *name)
{
	static const char suffix[] = "_known_bug";
	size_t		n = strlen(name);

	return n >= sizeof(suffix) - 1 && strcmp(name + n - (sizeof(suffix) - 1), suffix) == 0;
}

/* Whether the test's name contains one of the filters (or there are none). */
static bool
Selected(const char *name, int argc, char **argv)
{
	int			i;

	if (argc <= 1)
		return true;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	UnitTest   *t;
	int			passed = 0;
	int			failed = 0;
	int			skipped = 0;
	const char *env = getenv("CRM_UNIT_KNOWN_BUGS");
	bool		known_bugs = env != NULL && strcmp(env, "1") == 0;

	for (t = tests; t; t = t->next)
	{
		if (!Selected(t->name, argc, argv))
			continue;
		if (KnownBug(t->name) && !known_bugs)
		{
			skipped++;
			printf("  skip    %s (known bug; CRM_UNIT_KNOWN_BUGS=1 runs it)\n", t->name);
			continue;
		}
		failures_in_test = 0;
		t->fn();
		FreeAll();
		if (failures_in_test == 0)
		{
			passed++;
			printf("  ok      %s\n", t->name);
		}
		else
		{
			failed++;
			printf("  FAILED  %s (%d checks)\n", t->name, failures_in_test);
		}
	}
	if (skipped > 0)
		printf("unit: %d known-bug tests skipped\n", skipped);
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
