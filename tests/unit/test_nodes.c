/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of nodes.c, the walk over db_hosts without a database:
 * reading and refusing lists (and the configuration check that uses
 * it), which node is asked next, how long a failed node is left alone,
 * when a worker on a later node asks the earlier ones again, and what
 * counts as a failover.  The clock is an argument: no test sleeps.
 */
#include "build.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "proc/master.h"
#include "store/nodes.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
test_parse(void)
{
	static const struct {
		const char	*list;
		size_t		 n;
		const char	*host0, *host1;
		unsigned	 port0, port1;
	} good[] = {
		{ "db1:3306", 1, "db1", NULL, 3306, 0 },
		{ "db1:3306,db2:3307", 2, "db1", "db2", 3306, 3307 },
		{ " db1:1 , db2:65535 ", 2, "db1", "db2", 1, 65535 },
		{ "db1:3306 db2:3306", 2, "db1", "db2", 3306, 3306 },
		{ "127.0.0.1:3306,[::1]:3307", 2, "127.0.0.1", "::1", 3306,
		    3307 },
		{ "a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8", 8, "a", "b", 1, 2 },
	};
	static const char *const bad[] = {
		"", " , ", "db1", "db1:", ":3306", "db1:0", "db1:65536",
		"db1:-1", "db1:33a6", "db1:3306,db2", "::1:3306", "[::1:3306",
		"db1:3306:1", "a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,i:9",
		"db1:99999999999999999999",
	};
	struct nodes	 ns;
	char		 err[512], big[400];
	size_t		 i;

	for (i = 0; i < NELEM(good); i++) {
		err[0] = '\0';
		UNIT_CHECK(nodes_parse(&ns, good[i].list, "db_hosts", err,
		    sizeof(err)) == 0, "\"%s\" refused: %s", good[i].list, err);
		UNIT_CHECK(ns.n == good[i].n, "\"%s\": %zu nodes",
		    good[i].list, ns.n);
		UNIT_STREQ(ns.node[0].host, good[i].host0, good[i].list);
		UNIT_CHECK(ns.node[0].port == good[i].port0, "\"%s\": port %u",
		    good[i].list, ns.node[0].port);
		if (good[i].host1 != NULL) {
			UNIT_STREQ(ns.node[1].host, good[i].host1,
			    good[i].list);
			UNIT_CHECK(ns.node[1].port == good[i].port1,
			    "\"%s\": port %u", good[i].list, ns.node[1].port);
		}
		UNIT_CHECK(ns.cur == ns.n && ns.last == ns.n,
		    "\"%s\": a node in use before any connection",
		    good[i].list);
	}
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		UNIT_CHECK(nodes_parse(&ns, bad[i], "db_read_hosts", err,
		    sizeof(err)) == -1, "\"%s\" taken", bad[i]);
		UNIT_CHECK(strncmp(err, "db_read_hosts: ", 15) == 0,
		    "\"%s\": the message names no key: %s", bad[i], err);
	}
	/* A host of 256 bytes is one too long. */
	memset(big, 'h', 256);
	snprintf(big + 256, sizeof(big) - 256, ":3306");
	CU_ASSERT_EQUAL(nodes_parse(&ns, big, "db_hosts", err, sizeof(err)),
	    -1);
	big[0] = '.';
	memmove(big, big + 1, strlen(big));
	CU_ASSERT_EQUAL(nodes_parse(&ns, big, "db_hosts", err, sizeof(err)),
	    0);
}

static void
test_where(void)
{
	struct nodes	 ns;
	char		 err[256], buf[300];

	CU_ASSERT_EQUAL_FATAL(nodes_parse(&ns, "db1:3306,[::1]:3307",
	    "db_hosts", err, sizeof(err)), 0);
	nodes_where(&ns.node[0], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "db1:3306");
	nodes_where(&ns.node[1], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[::1]:3307");
	nodes_one(&ns, "/run/mysqld/mysqld.sock", 0);
	nodes_where(&ns.node[0], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "/run/mysqld/mysqld.sock");
}

/* The configuration check refuses a bad list, naming its key. */
static void
test_config_check(void)
{
	struct config	 c;
	char		 err[512];

	config_defaults(&c);
	/* No gateway and no open admin plane: the check warns of neither. */
	c.routes = ROUTES_ADMIN | ROUTES_HEALTH;
	CU_ASSERT_EQUAL(master_config_check(&c, err, sizeof(err)), 0);
	snprintf(c.db_hosts, sizeof(c.db_hosts), "db1:3306,db2:3306");
	snprintf(c.db_read_hosts, sizeof(c.db_read_hosts), "db2:3306");
	CU_ASSERT_EQUAL(master_config_check(&c, err, sizeof(err)), 0);
	snprintf(c.db_hosts, sizeof(c.db_hosts), "db1:3306,db2");
	CU_ASSERT_EQUAL(master_config_check(&c, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "db_hosts") != NULL, "message: %s", err);
	snprintf(c.db_hosts, sizeof(c.db_hosts), "db1:3306");
	snprintf(c.db_read_hosts, sizeof(c.db_read_hosts), "db2:0");
	CU_ASSERT_EQUAL(master_config_check(&c, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "db_read_hosts") != NULL, "message: %s", err);
}

static void
three(struct nodes *ns)
{
	char	 err[256];

	CU_ASSERT_EQUAL_FATAL(nodes_parse(ns, "a:1,b:2,c:3", "db_hosts", err,
	    sizeof(err)), 0);
}

/* The first node that is not held, from where the walk is. */
static void
test_next(void)
{
	struct nodes	 ns;

	three(&ns);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 0), 0);
	CU_ASSERT_EQUAL(nodes_next(&ns, 1, 0), 1);
	CU_ASSERT_EQUAL(nodes_next(&ns, 3, 0), 3);
	/* a refuses at once: left alone NODES_PROBE_MS, the others not. */
	CU_ASSERT_EQUAL(nodes_failed(&ns, 0, 5, 1000), 1);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000), 1);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000 + NODES_PROBE_MS - 1), 1);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000 + NODES_PROBE_MS), 0);
	/* Failing again is no change to log. */
	CU_ASSERT_EQUAL(nodes_failed(&ns, 0, 5, 1000), 0);
	/* Every node held: none to ask. */
	(void)nodes_failed(&ns, 1, 5, 1000);
	(void)nodes_failed(&ns, 2, 5, 1000);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000), 3);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000 + NODES_PROBE_MS), 0);
}

/* A stall holds a node 1 s, doubling to 4 s; an answer ends it. */
static void
test_stall_hold(void)
{
	struct nodes	 ns;
	long long	 t = 10000;

	three(&ns);
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t);
	CU_ASSERT_EQUAL(ns.node[0].hold_until, t + NODES_HOLD_MIN_MS);
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t);
	CU_ASSERT_EQUAL(ns.node[0].hold_until, t + 2 * NODES_HOLD_MIN_MS);
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t);
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t);
	CU_ASSERT_EQUAL(ns.node[0].hold_until, t + NODES_HOLD_MAX_MS);
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, t + NODES_HOLD_MAX_MS), 0);
	CU_ASSERT_EQUAL(ns.node[0].hold_ms, 0);
	CU_ASSERT_EQUAL(ns.node[0].failed, 0);
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t);
	CU_ASSERT_EQUAL(ns.node[0].hold_until, t + NODES_HOLD_MIN_MS);
}

/* The one server of db_host: asked again at once after a refusal. */
static void
test_single(void)
{
	struct nodes	 ns;

	nodes_one(&ns, "localhost", 3306);
	CU_ASSERT_EQUAL(ns.n, 1);
	(void)nodes_failed(&ns, 0, 5, 1000);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000), 0);
	/* A stall holds it, as before there were lists. */
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, 1000);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000), 1);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, 1000 + NODES_HOLD_MIN_MS), 0);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, 1000000), 0);
}

/* Moves: the first connection is none; another node is, back too. */
static void
test_moves(void)
{
	struct nodes	 ns;

	three(&ns);
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, 0), 0);
	CU_ASSERT_EQUAL(ns.moves, 0);
	nodes_lost(&ns);
	CU_ASSERT_EQUAL(ns.cur, 3);
	/* The same node again after a lost connection: no failover. */
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, 10), 0);
	(void)nodes_failed(&ns, 0, 5, 20);
	CU_ASSERT_EQUAL(ns.cur, 3);
	CU_ASSERT_EQUAL(nodes_use(&ns, 1, 20), 1);
	CU_ASSERT_EQUAL(ns.moves, 1);
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, 5000), 1);
	CU_ASSERT_EQUAL(ns.moves, 2);
	/* The first connection on a later node is no move either. */
	three(&ns);
	CU_ASSERT_EQUAL(nodes_use(&ns, 2, 0), 0);
}

/* When a worker on a later node asks the earlier ones again. */
static void
test_probe(void)
{
	struct nodes	 ns;
	long long	 t = 100000;

	three(&ns);
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, t), 0);
	/* On the first: never. */
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + 60000), 0);
	(void)nodes_failed(&ns, 0, 3, t);
	CU_ASSERT_EQUAL(nodes_next(&ns, 0, t), 1);
	(void)nodes_use(&ns, 1, t);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t), 0);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + NODES_PROBE_MS - 1), 0);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + NODES_PROBE_MS), 1);
	/* Not while the earlier nodes are all held. */
	(void)nodes_failed(&ns, 0, NODES_STALL_MS, t + NODES_PROBE_MS);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + NODES_PROBE_MS), 0);
	t += NODES_PROBE_MS + NODES_HOLD_MIN_MS;
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t), 1);
	/* A probe that found none: again after NODES_PROBE_MS. */
	nodes_probe_failed(&ns, 0, t);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + NODES_PROBE_MS - 1), 0);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + NODES_PROBE_MS), 1);
	/* One that stalled: the wait doubles, to NODES_PROBE_MAX_MS. */
	nodes_probe_failed(&ns, 1, t);
	CU_ASSERT_EQUAL(ns.probe_at, t + 2 * NODES_PROBE_MS);
	nodes_probe_failed(&ns, 1, t);
	nodes_probe_failed(&ns, 1, t);
	nodes_probe_failed(&ns, 1, t);
	nodes_probe_failed(&ns, 1, t);
	CU_ASSERT_EQUAL(ns.probe_at, t + NODES_PROBE_MAX_MS);
	/* Back on the first: the interval starts over. */
	CU_ASSERT_EQUAL(nodes_use(&ns, 0, t), 1);
	CU_ASSERT_EQUAL(ns.probe_ms, NODES_PROBE_MS);
	/* Not connected: nothing to probe from. */
	(void)nodes_use(&ns, 2, t);
	nodes_lost(&ns);
	CU_ASSERT_EQUAL(nodes_probe_due(&ns, t + 60000), 0);
}

static const CU_TestInfo tests[] = {
	{ "db_hosts lists read and refused", test_parse },
	{ "a node as logs and /health name it", test_where },
	{ "the configuration check refuses bad lists", test_config_check },
	{ "the next node not held", test_next },
	{ "a stall holds a node 1 s doubling to 4 s", test_stall_hold },
	{ "one server: asked again at once", test_single },
	{ "what counts as a failover", test_moves },
	{ "when to ask the earlier nodes again", test_probe },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("nodes", tests, NULL, NULL);
}
