/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Shared helpers of the CUnit unit tests: the one main() body every test
 * program runs, checks that describe their table row when they fail, and
 * a few shape checks more than one module's tests need.
 *
 * Header-only on purpose (static inline): every test program is one .c
 * file linked with libadminutil.a, and an unused helper costs nothing.
 */
#ifndef ADMINUTIL_UNIT_H
#define ADMINUTIL_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <CUnit/Basic.h>

/* Exit codes the automake harness reads: 0 pass, 1 fail, 99 hard error. */
#define UNIT_EXIT_FAIL	 1
#define UNIT_EXIT_ERROR	 99

/* A printable stand-in for a string that may be NULL. */
static inline const char *
unit_str(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* 1 if both are NULL or both hold the same text. */
static inline int
unit_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * A CUnit assertion whose failure text is formatted (a table row's name,
 * what came back and what was wanted).  CUnit copies the text.
 */
static inline CU_BOOL unit_check(int ok, unsigned int line, const char *file,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline CU_BOOL
unit_check(int ok, unsigned int line, const char *file, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	if (ok)
		return CU_assertImplementation(CU_TRUE, line, "", file, "",
		    CU_FALSE);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return CU_assertImplementation(CU_FALSE, line, buf, file, "",
	    CU_FALSE);
}

#define UNIT_CHECK(ok, ...) \
	unit_check((ok), __LINE__, __FILE__, __VA_ARGS__)

/* Strings (either may be NULL) equal; what names the case. */
static inline CU_BOOL
unit_streq_check(const char *got, const char *want, const char *what,
    unsigned int line, const char *file)
{
	return unit_check(unit_streq(got, want), line, file,
	    "%s: got \"%s\", want \"%s\"", unit_str(what), unit_str(got),
	    unit_str(want));
}

/* Each argument is evaluated once. */
#define UNIT_STREQ(got, want, what) \
	unit_streq_check((got), (want), (what), __LINE__, __FILE__)

/* 1 if s[0..n) are all lowercase hex digits. */
static inline int
unit_is_lowerhex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * 1 if s is a lowercase RFC 4122 version 4 UUID: 8-4-4-4-12 lowercase
 * hex digits, version nibble 4, variant nibble 8, 9, a or b.
 */
static inline int
unit_is_uuid4(const char *s)
{
	static const size_t	 dash[] = { 8, 13, 18, 23 };
	size_t			 i, start = 0;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < sizeof(dash) / sizeof(dash[0]); i++) {
		if (s[dash[i]] != '-' ||
		    !unit_is_lowerhex(s + start, dash[i] - start))
			return 0;
		start = dash[i] + 1;
	}
	if (!unit_is_lowerhex(s + start, 36 - start))
		return 0;
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/*
 * The main() of every test program: one suite named name holding the
 * tests (ended by CU_TEST_INFO_NULL), run verbosely.  Returns the exit
 * status: 0 when every test passed.
 */
static inline int
unit_main(const char *name, const CU_TestInfo *tests, CU_InitializeFunc init,
    CU_CleanupFunc clean)
{
	CU_pSuite		 suite;
	const CU_TestInfo	*t;
	unsigned int		 failed;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "%s: %s\n", name, CU_get_error_msg());
		return UNIT_EXIT_ERROR;
	}
	if ((suite = CU_add_suite(name, init, clean)) == NULL)
		goto error;
	for (t = tests; t->pName != NULL; t++)
		if (CU_add_test(suite, t->pName, t->pTestFunc) == NULL)
			goto error;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto error;
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
	    CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : UNIT_EXIT_FAIL;
error:
	fprintf(stderr, "%s: %s\n", name, CU_get_error_msg());
	CU_cleanup_registry();
	return UNIT_EXIT_ERROR;
}

#endif
