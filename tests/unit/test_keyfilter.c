/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The key filter (core/keyfilter.c): "maybe" until built; after a
 * build, every key it was given is "maybe" and unknown keys "no"; a key
 * added while a rebuild fills the other table survives the switch; a
 * rebuild sheds what it was not given; a full table says "maybe" to
 * everything.
 */
#include "build.h"

#include <stdio.h>
#include <string.h>

#include "core/keyfilter.h"
#include "unit.h"

#define MAX	 64

static void
name(char *buf, size_t sz, const char *tag, int i)
{
	snprintf(buf, sz, "%s-%08x", tag, (unsigned)i * 2654435761u);
}

/* How many of n keys never given the filter answers "no" to. */
static int
refused(int n)
{
	char	 k[64];
	int	 i, no = 0;

	for (i = 0; i < n; i++) {
		name(k, sizeof(k), "stranger", i);
		no += keyfilter_maybe(k, strlen(k)) == 0;
	}
	return no;
}

static void
build(const char *tag, int n)
{
	char	 k[64];
	int	 i;

	keyfilter_rebuild_begin();
	for (i = 0; i < n; i++) {
		name(k, sizeof(k), tag, i);
		keyfilter_rebuild_add(k, strlen(k));
	}
}

static void
test_filter(void)
{
	char	 k[64];
	int	 i, yes;

	/* Not built: it cannot say. */
	CU_ASSERT_EQUAL(refused(100), 0);

	build("key", 50);
	/* Filling the table not in use: still "maybe" for all. */
	CU_ASSERT_EQUAL(refused(100), 0);
	keyfilter_add("fresh", 5);		/* committed meanwhile */
	CU_ASSERT_EQUAL_FATAL(keyfilter_rebuild_end(), 0);
	for (i = 0, yes = 0; i < 50; i++) {
		name(k, sizeof(k), "key", i);
		yes += keyfilter_maybe(k, strlen(k));
	}
	UNIT_CHECK(yes == 50, "%d of the 50 keys built in are \"maybe\"",
	    yes);
	CU_ASSERT_EQUAL(keyfilter_maybe("fresh", 5), 1);
	yes = refused(10000);
	UNIT_CHECK(yes >= 9990, "%d of 10000 unknown keys refused, want "
	    "nearly all", yes);
	keyfilter_add("later", 5);
	CU_ASSERT_EQUAL(keyfilter_maybe("later", 5), 1);

	/* Rebuilt without fresh: shed.  The old table in use meanwhile. */
	build("key", 50);
	CU_ASSERT_EQUAL(keyfilter_maybe("fresh", 5), 1);
	keyfilter_rebuild_add("later", 5);
	CU_ASSERT_EQUAL_FATAL(keyfilter_rebuild_end(), 0);
	CU_ASSERT_EQUAL(keyfilter_maybe("fresh", 5), 0);
	CU_ASSERT_EQUAL(keyfilter_maybe("later", 5), 1);

	/* More keys than it takes: "maybe" for everything. */
	build("many", MAX + 1);
	CU_ASSERT_EQUAL(keyfilter_rebuild_end(), -1);
	CU_ASSERT_EQUAL(refused(100), 0);
	/* One that fits again. */
	build("key", 10);
	CU_ASSERT_EQUAL(keyfilter_rebuild_end(), 0);
	UNIT_CHECK(refused(1000) >= 999, "after a build that fits, unknown "
	    "keys are refused again");
}

static int
map_filter(void)
{
	return keyfilter_init(MAX);
}

static const CU_TestInfo tests[] = {
	{ "built, added, rebuilt, full", test_filter },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("keyfilter", tests, map_filter, NULL);
}
