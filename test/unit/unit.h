/*
 * unit.h
 *	  A small unit-test harness for crm's server-free cores.
 *
 * Each test_*.c file defines tests with UNIT_TEST(name) { ... }; they
 * register themselves at load time and test/unit/main.c runs them all (or
 * those whose names contain the arguments), under AddressSanitizer and
 * UndefinedBehaviorSanitizer (see test/unit/run.sh).  A check that fails
 * prints its file, line and expression and marks the test failed; the test
 * goes on, so one run shows every failure.  Memory the cores allocate
 * (crm_core_alloc) is released after each test, so leaks of the cores'
 * arena style do not drown real findings.
 */
#ifndef CRM_UNIT_H
#define CRM_UNIT_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct UnitTest
{
	const char *name;
	void		(*fn) (void);
	struct UnitTest *next;
} UnitTest;

extern void unit_register(UnitTest *t);
extern void unit_fail(const char *file, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

#define UNIT_TEST(name) \
	static void unit_##name(void); \
	static UnitTest unit_reg_##name = {#name, unit_##name, NULL}; \
	__attribute__((constructor)) static void unit_ctor_##name(void) \
	{ unit_register(&unit_reg_##name); } \
	static void unit_##name(void)

#define CHECK(cond) \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, "%s", #cond); } while (0)

#define CHECK_INT(a, b) \
	do { long long a_ = (long long) (a), b_ = (long long) (b); \
		 if (a_ != b_) unit_fail(__FILE__, __LINE__, "%s == %s (%lld vs %lld)", #a, #b, a_, b_); } while (0)

#define CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
		 if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) \
			 unit_fail(__FILE__, __LINE__, "%s == %s (\"%s\" vs \"%s\")", #a, #b, \
					   a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

/* |a - b| <= tol * max(1, |b|): a relative tolerance with an absolute floor */
#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
		 if (!(fabs(a_ - b_) <= (tol) * fmax(1.0, fabs(b_)))) \
			 unit_fail(__FILE__, __LINE__, "%s ~ %s (%.17g vs %.17g, tol %g)", #a, #b, a_, b_, (double) (tol)); } while (0)

/* |a - b| <= tol * |b|: purely relative, for values far from 1 (1e-200) */
#define CHECK_REL(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
		 if (!(fabs(a_ - b_) <= (tol) * fabs(b_))) \
			 unit_fail(__FILE__, __LINE__, "%s ~ %s (%.17g vs %.17g, rel tol %g)", #a, #b, a_, b_, (double) (tol)); } while (0)

/*
 * An error of kind k whose message (or detail) contains frag: errp points
 * to a CrmError (error_core.h).
 */
#define CHECK_ERR(errp, k, frag) \
	do { const char *f_ = (frag); \
		 if ((int) (errp)->kind != (int) (k)) \
			 unit_fail(__FILE__, __LINE__, "error kind of %s: %d, expected %s (%d); message \"%s\"", \
					   #errp, (int) (errp)->kind, #k, (int) (k), (errp)->message); \
		 else if (f_ && !strstr((errp)->message, f_) && !strstr((errp)->detail, f_)) \
			 unit_fail(__FILE__, __LINE__, "error of %s lacks \"%s\": \"%s\" / \"%s\"", \
					   #errp, f_, (errp)->message, (errp)->detail); } while (0)

#endif							/* CRM_UNIT_H */
