/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of metrics.c: slots claimed, bound and released as the
 * master does; counts from a worker's slot in the rendered text;
 * totals that outlive the worker that made them.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/feed.h"
#include "core/metrics.h"
#include "unit.h"

static const char *const names[] = { "/v1/auth", "/health", "none" };

/* The rendered text, checked to hold line. */
static void
has_line(const char *line)
{
	char	*text;
	size_t	 len;

	text = metrics_render(names, 3, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strlen(text), len);
	UNIT_CHECK(strstr(text, line) != NULL, "no line \"%s\" in:\n%s",
	    line, text);
	free(text);
}

static void
test_render_before_init(void)
{
	size_t	 len = 1;

	CU_ASSERT_PTR_NULL(metrics_render(names, 3, &len));
	CU_ASSERT_EQUAL(len, 0);
	/* Counting without a slot does nothing, and does not crash. */
	metrics_request(0, 200, 10);
	metrics_cache(1);
	metrics_db_error();
}

static void
test_slots(void)
{
	int	 a, b, c;

	CU_ASSERT_EQUAL_FATAL(metrics_init(2), 0);
	a = metrics_claim();
	b = metrics_claim();
	c = metrics_claim();
	CU_ASSERT(a >= 0 && b >= 0 && a != b);
	CU_ASSERT_EQUAL(c, -1);			/* both taken */
	metrics_bind(a, 101);
	metrics_bind(b, 102);
	has_line("adminutil_workers 2\n");
	metrics_release(101);
	has_line("adminutil_workers 1\n");
	CU_ASSERT_EQUAL(metrics_claim(), a);	/* freed, taken again */
	metrics_bind(a, 0);
	metrics_release(102);
	has_line("adminutil_workers 0\n");
}

static void
test_counts(void)
{
	int	 s;

	s = metrics_claim();
	CU_ASSERT_FATAL(s >= 0);
	metrics_bind(s, 201);
	metrics_attach(s);
	metrics_request(0, 200, 50);		/* bucket 0.0001 */
	metrics_request(0, 200, 3000);		/* bucket 0.005 */
	metrics_request(0, 401, 700);		/* bucket 0.001 */
	metrics_request(1, 503, 2000000);	/* +Inf only */
	metrics_request(2, 418, 10);		/* status "other" */
	metrics_cache(1);
	metrics_cache(1);
	metrics_cache(0);
	metrics_db_error();
	has_line("adminutil_requests_total{route=\"/v1/auth\",status=\"200\"} 2\n");
	has_line("adminutil_requests_total{route=\"/v1/auth\",status=\"401\"} 1\n");
	has_line("adminutil_requests_total{route=\"/health\",status=\"503\"} 1\n");
	has_line("adminutil_requests_total{route=\"none\",status=\"other\"} 1\n");
	has_line("adminutil_request_duration_seconds_bucket{le=\"0.0001\"} 2\n");
	has_line("adminutil_request_duration_seconds_bucket{le=\"0.001\"} 3\n");
	has_line("adminutil_request_duration_seconds_bucket{le=\"0.005\"} 4\n");
	has_line("adminutil_request_duration_seconds_bucket{le=\"1\"} 4\n");
	has_line("adminutil_request_duration_seconds_bucket{le=\"+Inf\"} 5\n");
	has_line("adminutil_request_duration_seconds_count 5\n");
	has_line("adminutil_request_duration_seconds_sum 2.003760\n");
	has_line("adminutil_cache_hits_total 2\n");
	has_line("adminutil_cache_misses_total 1\n");
	has_line("adminutil_db_errors_total 1\n");
	/* The feed's evictions by cause and the key filter's answers. */
	metrics_evict(FEED_KEY);
	metrics_evict(FEED_KEY);
	metrics_evict(FEED_CONSUMER);
	metrics_evict(FEED_ALL);
	metrics_filter(1);
	metrics_filter(1);
	metrics_filter(0);
	has_line("adminutil_feed_evictions_total{cause=\"key\"} 2\n");
	has_line("adminutil_feed_evictions_total{cause=\"consumer\"} 1\n");
	has_line("adminutil_feed_evictions_total{cause=\"all\"} 1\n");
	has_line("adminutil_key_filter_hits_total 2\n");
	has_line("adminutil_key_filter_passes_total 1\n");

	/* The worker goes; a new one in its slot adds to the totals. */
	metrics_release(201);
	CU_ASSERT_EQUAL(metrics_claim(), s);
	metrics_bind(s, 202);
	metrics_request(0, 200, 50);
	has_line("adminutil_requests_total{route=\"/v1/auth\",status=\"200\"} 3\n");
	has_line("adminutil_workers 1\n");
}

/* The feed's state, once its memory is mapped. */
static void
test_feed(void)
{
	CU_ASSERT_EQUAL_FATAL(feed_init(), 0);
	has_line("adminutil_feed_lag_seconds -1.000\n");
	feed_set_position(42);
	feed_statement();
	feed_poll_done(0, 0);
	feed_poll_done(1, clock_wall_ms());
	has_line("adminutil_feed_position 42\n");
	has_line("adminutil_feed_polls_total 2\n");
	has_line("adminutil_feed_poll_failures_total 1\n");
	has_line("adminutil_feed_statements_total 1\n");
	has_line("adminutil_feed_lag_seconds 0.0");
}

/* The rendered text, checked not to hold line. */
static void
lacks_line(const char *line)
{
	char	*text;
	size_t	 len;

	text = metrics_render(names, 3, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	UNIT_CHECK(strstr(text, line) == NULL, "a line \"%s\" in:\n%s",
	    line, text);
	free(text);
}

/* Failovers add up; each live worker counts on the node it uses. */
static void
test_db_nodes(void)
{
	int	 a, b;

	/* A region of its own: no slot of the tests above. */
	CU_ASSERT_EQUAL_FATAL(metrics_init(2), 0);
	a = metrics_claim();
	b = metrics_claim();
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	metrics_bind(a, 301);
	metrics_bind(b, 302);
	lacks_line("adminutil_db_node_workers{node=");
	metrics_attach(a);
	metrics_db_node(0);
	metrics_attach(b);
	metrics_db_node(0);
	has_line("adminutil_db_failovers_total 0\n");
	has_line("adminutil_db_node_workers{node=\"0\"} 2\n");
	metrics_db_failover();
	metrics_db_node(2);
	has_line("adminutil_db_failovers_total 1\n");
	has_line("adminutil_db_node_workers{node=\"0\"} 1\n");
	has_line("adminutil_db_node_workers{node=\"2\"} 1\n");
	/* Not connected: on no node. */
	metrics_db_node(-1);
	lacks_line("adminutil_db_node_workers{node=\"2\"}");
	metrics_db_failover();
	metrics_db_node(0);
	has_line("adminutil_db_failovers_total 2\n");
	/* A worker gone counts on no node; its failovers stay. */
	metrics_release(302);
	has_line("adminutil_db_node_workers{node=\"0\"} 1\n");
	has_line("adminutil_db_failovers_total 2\n");
}

static const CU_TestInfo tests[] = {
	{ "render before init", test_render_before_init },
	{ "slots claimed, bound, released", test_slots },
	{ "counts and totals", test_counts },
	{ "the feed's state", test_feed },
	{ "database nodes and failovers", test_db_nodes },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("metrics", tests, NULL, NULL);
}
