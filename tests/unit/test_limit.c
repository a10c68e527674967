/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's counting (gateway/limit.c) over the real counter table:
 * a rule counts by credential, consumer or address as it says, an
 * @public rule and a request without a token by address; several rules
 * and windows are counted all or none; a consumer's own limit replaces
 * a rule's for a window the rule limits and adds none; the figures for
 * the headers are those of the limit closest to running out, and a
 * refusal says when to come back; /metrics counts passes and refusals
 * by class.  Each test has rules of its own (ids), so no two share a
 * counter.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "core/ratelimit.h"
#include "gateway/limit.h"
#include "unit.h"

/* 2023-11-14T00:00:00Z: a whole day, hour and minute. */
#define T0	 (1699920000LL * 1000)

static struct acl_rule
rule(uint64_t id, enum acl_kind kind, enum rl_by by)
{
	struct acl_rule	 r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.id = id;
	r.by = by;
	r.limited = 1;
	return r;
}

static int
count1(const struct acl_rule *r, const struct limit_who *who, long long now,
    struct limit_answer *a)
{
	const struct acl_rule	*rules[1] = { r };

	return limit_count(rules, 1, who, now, a);
}

static const struct limit_who alice1 = { "k1", "alice", "192.0.2.1", NULL };
static const struct limit_who alice2 = { "k2", "alice", "192.0.2.2", NULL };
static const struct limit_who bob = { "k3", "bob", "192.0.2.1", NULL };
static const struct limit_who anon1 = { NULL, NULL, "192.0.2.1", NULL };
static const struct limit_who anon2 = { NULL, NULL, "192.0.2.9", NULL };

/* A limit of 3 a minute by credential: 3 pass, the 4th not; then others. */
static void
test_by_credential(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;
	int			 i;

	r = rule(101, ACL_GROUPS, RL_BY_CREDENTIAL);
	r.limit[RL_MINUTE] = 3;
	for (i = 0; i < 3; i++) {
		UNIT_CHECK(count1(&r, &alice1, T0 + i, &a) == 1,
		    "pass %d refused", i + 1);
		CU_ASSERT(a.counted && !a.refused);
		CU_ASSERT_EQUAL(a.w[RL_MINUTE].limit, 3);
		CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, (uint64_t)(2 - i));
		CU_ASSERT_EQUAL(a.w[RL_MINUTE].reset, 60);
		CU_ASSERT_EQUAL(a.w[RL_HOUR].limit, 0);
	}
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0 + 15500, &a), 0);
	CU_ASSERT(a.counted && a.refused);
	CU_ASSERT_EQUAL(a.window, RL_MINUTE);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, 0);
	/* 44.5 s to the minute's end: whole seconds, rounded up. */
	CU_ASSERT_EQUAL(a.retry_after, 45);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].reset, 45);
	/* The same consumer's other credential, and another consumer. */
	CU_ASSERT_EQUAL(count1(&r, &alice2, T0 + 16000, &a), 1);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, 2);
	CU_ASSERT_EQUAL(count1(&r, &bob, T0 + 16000, &a), 1);
	/* The next minute starts afresh. */
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0 + 60000, &a), 1);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, 2);
}

/* By consumer: its credentials share one count. */
static void
test_by_consumer(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;

	r = rule(102, ACL_GROUPS, RL_BY_CONSUMER);
	r.limit[RL_HOUR] = 2;
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&r, &alice2, T0, &a), 1);
	CU_ASSERT_EQUAL(a.w[RL_HOUR].remaining, 0);
	CU_ASSERT_EQUAL(count1(&r, &alice2, T0, &a), 0);
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 0);
	CU_ASSERT_EQUAL(a.window, RL_HOUR);
	CU_ASSERT_EQUAL(a.retry_after, 3600);
	CU_ASSERT_EQUAL(count1(&r, &bob, T0, &a), 1);
}

/* By address; an @public rule counts by address whatever its by says. */
static void
test_by_ip(void)
{
	struct acl_rule		 r;
	struct acl_rule		 p;
	struct limit_answer	 a;

	r = rule(103, ACL_GROUPS, RL_BY_IP);
	p = rule(104, ACL_PUBLIC, RL_BY_CREDENTIAL);
	r.limit[RL_SECOND] = 1;
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 1);
	/* bob comes from alice1's address. */
	CU_ASSERT_EQUAL(count1(&r, &bob, T0, &a), 0);
	CU_ASSERT_EQUAL(a.retry_after, 1);
	CU_ASSERT_EQUAL(count1(&r, &alice2, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&r, &bob, T0 + 1000, &a), 1);

	p.limit[RL_MINUTE] = 2;
	CU_ASSERT_EQUAL(count1(&p, &anon1, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&p, &alice1, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&p, &anon1, T0, &a), 0);
	CU_ASSERT_EQUAL(count1(&p, &anon2, T0, &a), 1);
}

/* A request without a token on a rule by credential: by address. */
static void
test_no_token(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;

	r = rule(105, ACL_GROUPS, RL_BY_CONSUMER);
	r.limit[RL_MINUTE] = 1;
	CU_ASSERT_EQUAL(count1(&r, &anon1, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&r, &anon1, T0, &a), 0);
	CU_ASSERT_EQUAL(count1(&r, &anon2, T0, &a), 1);
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 1);
}

/*
 * Two rules, two windows: all or none.  The strictest refuses, and the
 * others are not spent by what it refused; the figures of a window are
 * its limit closest to running out.
 */
static void
test_all_or_none(void)
{
	struct acl_rule		 r1;
	struct acl_rule		 r2;
	const struct acl_rule	*both[2] = { &r1, &r2 };
	struct limit_answer	 a;
	int			 i;

	r1 = rule(106, ACL_GROUPS, RL_BY_CREDENTIAL);
	r2 = rule(107, ACL_GROUPS, RL_BY_CREDENTIAL);
	r1.limit[RL_MINUTE] = 10;
	r1.limit[RL_HOUR] = 100;
	r2.limit[RL_MINUTE] = 2;
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(limit_count(both, 2, &alice1, T0, &a), 1);
		CU_ASSERT_EQUAL(a.w[RL_MINUTE].limit, 2);
		CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, (uint64_t)(1 - i));
		CU_ASSERT_EQUAL(a.w[RL_HOUR].limit, 100);
		CU_ASSERT_EQUAL(a.w[RL_HOUR].remaining, (uint64_t)(99 - i));
		CU_ASSERT_EQUAL(a.w[RL_HOUR].reset, 3600);
	}
	CU_ASSERT_EQUAL(limit_count(both, 2, &alice1, T0, &a), 0);
	CU_ASSERT_EQUAL(a.window, RL_MINUTE);
	CU_ASSERT_EQUAL(a.w[RL_HOUR].remaining, 98);
	/* r1 alone: only the two passes spent it. */
	CU_ASSERT_EQUAL(count1(&r1, &alice1, T0, &a), 1);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].remaining, 7);
	CU_ASSERT_EQUAL(a.w[RL_HOUR].remaining, 97);
}

/*
 * When two windows are full, the client comes back when the later one
 * ends: that is the window that refused.
 */
static void
test_retry_after_latest(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;

	r = rule(108, ACL_GROUPS, RL_BY_CREDENTIAL);
	r.limit[RL_SECOND] = 1;
	r.limit[RL_MINUTE] = 1;
	CU_ASSERT_EQUAL(count1(&r, &bob, T0 + 200, &a), 1);
	CU_ASSERT_EQUAL(count1(&r, &bob, T0 + 300, &a), 0);
	CU_ASSERT_EQUAL(a.window, RL_MINUTE);
	CU_ASSERT_EQUAL(a.retry_after, 60);
	CU_ASSERT_EQUAL(a.w[RL_SECOND].reset, 1);
}

/* A consumer's own limit replaces the rule's, where the rule has one. */
static void
test_own_limit(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;
	uint64_t		 own[RL_NWINDOWS] = { 0 };
	struct limit_who	 premium = alice1;
	int			 i;

	r = rule(109, ACL_GROUPS, RL_BY_CREDENTIAL);
	premium.own = own;
	own[RL_MINUTE] = 5;
	own[RL_DAY] = 1;		/* the rule limits no day: no limit */
	r.limit[RL_MINUTE] = 2;
	for (i = 0; i < 5; i++)
		UNIT_CHECK(count1(&r, &premium, T0, &a) == 1,
		    "premium pass %d refused", i + 1);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].limit, 5);
	CU_ASSERT_EQUAL(a.w[RL_DAY].limit, 0);
	CU_ASSERT_EQUAL(count1(&r, &premium, T0, &a), 0);
	/* The same counter: without its own limit it is long over. */
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 0);
	CU_ASSERT_EQUAL(a.w[RL_MINUTE].limit, 2);
}

/* No rule, or no limit: nothing counted, and it passes. */
static void
test_nothing_to_count(void)
{
	struct acl_rule		 r;
	struct limit_answer	 a;

	r = rule(110, ACL_GROUPS, RL_BY_CREDENTIAL);
	CU_ASSERT_EQUAL(limit_count(NULL, 0, &alice1, T0, &a), 1);
	CU_ASSERT(!a.counted);
	CU_ASSERT_EQUAL(count1(&r, &alice1, T0, &a), 1);
	CU_ASSERT(!a.counted);
}

static int
occurs(const char *text, const char *what)
{
	int	 n = 0;

	for (; (text = strstr(text, what)) != NULL; text++)
		n++;
	return n;
}

/* /metrics: passes and refusals by what they count by and the window. */
static void
test_metrics(void)
{
	struct acl_rule		 r;
	struct acl_rule		 p;
	const struct acl_rule	*both[2] = { &r, &p };
	struct limit_answer	 a;
	const char		*names[] = { "auth" };
	char			*text;
	size_t			 len;
	int			 slot;

	r = rule(111, ACL_GROUPS, RL_BY_CONSUMER);
	p = rule(112, ACL_PUBLIC, RL_BY_CREDENTIAL);
	CU_ASSERT_EQUAL_FATAL(metrics_init(1), 0);
	CU_ASSERT_FATAL((slot = metrics_claim()) >= 0);
	metrics_bind(slot, 1);
	metrics_attach(slot);
	r.limit[RL_MINUTE] = 1;
	r.limit[RL_DAY] = 10;
	p.limit[RL_MINUTE] = 5;
	CU_ASSERT_EQUAL(limit_count(both, 2, &alice1, T0, &a), 1);
	CU_ASSERT_EQUAL(limit_count(both, 2, &alice1, T0, &a), 0);
	text = metrics_render(names, 1, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	UNIT_CHECK(strstr(text, "adminutil_ratelimit_total{by=\"consumer\","
	    "window=\"minute\",result=\"pass\"} 1\n") != NULL &&
	    strstr(text, "adminutil_ratelimit_total{by=\"consumer\","
	    "window=\"day\",result=\"pass\"} 1\n") != NULL &&
	    strstr(text, "adminutil_ratelimit_total{by=\"ip\","
	    "window=\"minute\",result=\"pass\"} 1\n") != NULL &&
	    strstr(text, "adminutil_ratelimit_total{by=\"consumer\","
	    "window=\"minute\",result=\"limited\"} 1\n") != NULL, "%s", text);
	/* Only the limit that was full is said to have refused. */
	UNIT_CHECK(occurs(text, "result=\"limited\"") == 1, "%s", text);
	free(text);
}

static const CU_TestInfo tests[] = {
	{ "by credential", test_by_credential },
	{ "by consumer", test_by_consumer },
	{ "by address, and @public rules", test_by_ip },
	{ "no token: by address", test_no_token },
	{ "several rules and windows: all or none", test_all_or_none },
	{ "Retry-After: the later full window", test_retry_after_latest },
	{ "a consumer's own limit", test_own_limit },
	{ "nothing to count", test_nothing_to_count },
	{ "metrics by class", test_metrics },
	CU_TEST_INFO_NULL
};

static int
init(void)
{
	return ratelimit_init(4096);
}

int
main(void)
{
	return unit_main("limit", tests, init, NULL);
}
