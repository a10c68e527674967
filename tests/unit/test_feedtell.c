/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What the follower of the change feed tells the workers of an audit
 * row (proc/feed.c, feed_tell), read back from the ring.
 */
#include "build.h"

#include <string.h>

#include "core/feed.h"
#include "proc/feed.h"
#include "store/feed.h"
#include "unit.h"

/* The changes feed_tell publishes for row, into out (at most n). */
static size_t
told(const struct feed_row *row, struct feed_change *out, size_t n)
{
	uint64_t	 seen = feed_head();
	size_t		 i = 0;

	feed_tell(row);
	while (i < n && feed_next(&seen, &out[i]) == 1)
		i++;
	return i;
}

/*
 * What an audit row tells: its key and its consumer (a grant, a
 * consumer's own limits: every credential of that consumer); for one
 * that names neither, the consumers an access revoke took groups from, nothing for
 * an access request's own change, a sealing or an export, everything
 * otherwise; a state set's added keys besides its consumer.
 */
static void
test_tell(void)
{
	struct feed_row		 r;
	struct feed_change	 c[4];

	memset(&r, 0, sizeof(r));
	r.key = "k1";
	r.klen = 2;
	r.consumer = "alice";
	r.clen = 5;
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 2);
	CU_ASSERT(c[0].kind == FEED_KEY && strcmp(c[0].name, "k1") == 0);
	CU_ASSERT(c[1].kind == FEED_CONSUMER &&
	    strcmp(c[1].name, "alice") == 0);

	/*
	 * A consumer's own limits set (consumer.limits): its row names the
	 * consumer and no key, and every credential of its is read again.
	 */
	memset(&r, 0, sizeof(r));
	r.key = "";
	r.consumer = "partner";
	r.clen = 7;
	r.change = NULL;
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 1);
	CU_ASSERT(c[0].kind == FEED_CONSUMER && c[0].len == 7 &&
	    strcmp(c[0].name, "partner") == 0);

	/*
	 * A consumer's state set (consumer.state): its row names the
	 * consumer; each key it added is told too, so that a token of it
	 * is not kept as one of an unknown key.
	 */
	memset(&r, 0, sizeof(r));
	r.key = "";
	r.consumer = "partner";
	r.clen = 7;
	r.change = "{\"managed_by\":\"T\",\"changes\":[{\"op\":\"create\"},"
	    "{\"op\":\"credential.add\",\"key\":\"p-1\"},{\"op\":"
	    "\"credential.revoke\",\"key\":\"p-0\"},{\"op\":"
	    "\"credential.add\",\"key\":\"p-2\"}]}";
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 3);
	CU_ASSERT(c[0].kind == FEED_CONSUMER &&
	    strcmp(c[0].name, "partner") == 0);
	CU_ASSERT(c[1].kind == FEED_KEY && strcmp(c[1].name, "p-1") == 0);
	CU_ASSERT(c[2].kind == FEED_KEY && strcmp(c[2].name, "p-2") == 0);

	memset(&r, 0, sizeof(r));
	r.key = r.consumer = "";
	r.change = "{\"state_before\":\"approved\",\"state_after\":"
	    "\"revoked\",\"taken\":{\"consumers\":[\"dev-1\",\"dev-2\"],"
	    "\"groups\":[\"g\"]}}";
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 2);
	CU_ASSERT(c[0].kind == FEED_CONSUMER &&
	    strcmp(c[0].name, "dev-1") == 0);
	CU_ASSERT(c[1].kind == FEED_CONSUMER &&
	    strcmp(c[1].name, "dev-2") == 0);

	r.change = "{\"state_before\":null,\"state_after\":\"pending\"}";
	CU_ASSERT_EQUAL(told(&r, c, 4), 0);
	r.change = "{\"sealed\":3,\"seal_key\":\"0a1b2c3d\"}";
	CU_ASSERT_EQUAL(told(&r, c, 4), 0);
	/* An export (state.export) is a read: nothing to forget. */
	r.change = "{\"exported\":12,\"secrets\":true,\"managed_by\":null}";
	CU_ASSERT_EQUAL(told(&r, c, 4), 0);
	r.change = "{\"something\":\"new\"}";
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 1);
	CU_ASSERT_EQUAL(c[0].kind, FEED_ALL);
	r.change = "{\"taken\":{\"consumers\":[7]}}";
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 1);
	CU_ASSERT_EQUAL(c[0].kind, FEED_ALL);
	r.change = "not json";
	CU_ASSERT_EQUAL_FATAL(told(&r, c, 4), 1);
	CU_ASSERT_EQUAL(c[0].kind, FEED_ALL);
}

static int
map_feed(void)
{
	return feed_init();
}

static const CU_TestInfo tests[] = {
	{ "an audit row: what it tells the workers", test_tell },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("feedtell", tests, map_feed, NULL);
}
