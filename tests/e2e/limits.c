/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the rate limits, through the web server's gateway
 * (nginx's auth_request and its 403-to-429 mapping, or lighttpd's
 * authorizer and its plain 429): the rules of tests/e2e/limits.acl,
 * which lib-e2e.sh adds to the instance's ACL file.  Each test has a
 * prefix of its own (/rl/<name>), so no two share a counter.  What a
 * test counts is read from the answers, never from adminutil's word.
 *
 * Passes through lighttpd carry no rate-limit headers (it keeps only
 * Variable-* ones on a pass): the tests check that they do not.
 */
#include "build.h"

#include <sys/types.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"

#define LIMIT		 5		/* the other /h rules of limits.acl */
#define CRED_LIMIT	 100		/* /rl/cred: the 101st is refused */
#define PER_SEC		 3		/* /rl/sec */
#define BURST_LIMIT	 1000		/* /rl/burst, a minute */
#define BURST_THREADS	 8
#define BURST_EACH	 150		/* 1,200 asked, 1,000 pass */
#define NBAD		 20		/* 401s and 403s first */
#define RATE_MSG	 "API rate limit exceeded"
#define CONTENT_ADMIN	 "{\"groups\":[\"contentAdmin\"]}"

/* A consumer of the tests: one or two credentials, their headers. */
struct rc {
	char	 user[NAMESZ];
	char	 key[2][NAMESZ];
	char	*auth[2];		/* "Authorization: Bearer ..." */
};

static int
is_nginx(void)
{
	return strcmp(web, "nginx") == 0;
}

/*
 * GET path of the gateway with the header lines hdrs (NULL-ended), from
 * the local address from (NULL: the default).  No check.
 */
static void
rl_fetch_hdrs(struct resp *r, const char *path, const char *const *hdrs,
    const char *from)
{
	struct xfer	 x;

	if (xfer_init(&x, r, gw_url, "GET", path, NULL, 0) == -1) {
		xfer_done(&x, CURLE_FAILED_INIT);
		return;
	}
	for (; *hdrs != NULL; hdrs++)
		x.hdrs = curl_slist_append(x.hdrs, *hdrs);
	if (x.hdrs != NULL)
		curl_easy_setopt(x.h, CURLOPT_HTTPHEADER, x.hdrs);
	if (from != NULL)
		curl_easy_setopt(x.h, CURLOPT_INTERFACE, from);
	xfer_done(&x, curl_easy_perform(x.h));
}

/* As rl_fetch_hdrs, with auth (a header line, NULL: none) alone. */
static void
rl_fetch(struct resp *r, const char *path, const char *auth,
    const char *from)
{
	const char	*hdrs[2] = { auth, NULL };

	rl_fetch_hdrs(r, path, hdrs, from);
}

static void
rl_get(struct resp *r, const char *path, const char *auth, const char *from)
{
	rl_fetch(r, path, auth, from);
	CHECK(r->error == NULL, "GET %s: %s", path, str(r->error));
}

/*
 * A new consumer in contentAdmin with n (1 or 2) credentials and their
 * tokens; 0, or -1 after a failed check.
 */
static int
rc_new(struct rc *c, const char *tag, int n)
{
	char		 secret[HEX32 + 1], req[NAMESZ + 16];
	struct resp	 r;
	json_object	*res;
	int		 ok;

	memset(c, 0, sizeof(*c));
	if (create(fresh(c->user, sizeof(c->user), tag), c->key[0],
	    secret) == -1)
		return -1;
	call(&r, RT_GRANT, c->user, CONTENT_ADMIN);
	ok = expect_ok("grant contentAdmin", &r, RT_GRANT) != NULL;
	resp_free(&r);
	if (!ok || (c->auth[0] = hs256_bearer(c->key[0], secret)) == NULL)
		return -1;
	if (n < 2)
		return 0;
	fresh(c->key[1], sizeof(c->key[1]), "rlkey");
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", c->key[1]);
	call(&r, RT_CRED_REGISTER, c->user, req);
	if ((res = expect_ok("register a second credential", &r,
	    RT_CRED_REGISTER)) != NULL && jstr(res, "secret") != NULL)
		c->auth[1] = hs256_bearer(c->key[1], jstr(res, "secret"));
	resp_free(&r);
	return c->auth[1] != NULL ? 0 : -1;
}

static void
rc_free(struct rc *c)
{
	free(c->auth[0]);
	free(c->auth[1]);
}

/*
 * Waits, when less than need_ms are left of the current window of secs
 * seconds, for the next one: a test's calls then fall in one window.
 */
static void
room(long secs, long need_ms)
{
	long long	 w = secs * 1000LL, left = w - now_ms() % w;

	if (left < need_ms)
		sleep_ms((long)left + 20);
}

/* "<window>" for the headers' names: "Hour" of "hour". */
static void
titled(char *out, size_t sz, const char *window)
{
	snprintf(out, sz, "%c%s", window[0] - 'a' + 'A', window + 1);
}

/* The number after "<name>=" in a header's value, or -1. */
static long long
param(const char *v, const char *name)
{
	char		 pat[16];
	const char	*p;

	snprintf(pat, sizeof(pat), ";%s=", name);
	if ((p = strstr(v, pat)) == NULL)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

/*
 * The rate-limit headers of r: window (e.g. "hour", secs long) limits
 * to limit with remaining left.  Through lighttpd a pass has none.
 * The seconds to the window's end (RateLimit's t) into *t (may be NULL).
 */
static int
rate_headers(const char *what, const struct resp *r, const char *window,
    long secs, long long limit, long long remaining, long long *t)
{
	char	 v[256], name[64], w[16], item[32];
	int	 ok = 1;

	titled(w, sizeof(w), window);
	snprintf(name, sizeof(name), "X-RateLimit-Limit-%s", w);
	if (r->status == 200 && !is_nginx())
		return CHECK(header(r, name, v, sizeof(v)) == -1 &&
		    header(r, "RateLimit", v, sizeof(v)) == -1, "%s: a pass "
		    "through lighttpd carries rate-limit headers", what);
	ok &= CHECK(header(r, name, v, sizeof(v)) == 0 &&
	    strtoll(v, NULL, 10) == limit, "%s: %s is %s, want %lld", what,
	    name, header(r, name, v, sizeof(v)) == 0 ? v : "absent", limit);
	snprintf(name, sizeof(name), "X-RateLimit-Remaining-%s", w);
	ok &= CHECK(header(r, name, v, sizeof(v)) == 0 &&
	    strtoll(v, NULL, 10) == remaining, "%s: %s is %s, want %lld",
	    what, name, header(r, name, v, sizeof(v)) == 0 ? v : "absent",
	    remaining);
	snprintf(item, sizeof(item), "\"%s\";", window);
	ok &= CHECK(header(r, "RateLimit-Policy", v, sizeof(v)) == 0 &&
	    strstr(v, item) == v && param(v, "q") == limit &&
	    param(v, "w") == secs, "%s: RateLimit-Policy \"%s\", want "
	    "%s q=%lld;w=%ld", what, header(r, "RateLimit-Policy", v,
	    sizeof(v)) == 0 ? v : "(absent)", item, limit, secs);
	ok &= CHECK(header(r, "RateLimit", v, sizeof(v)) == 0 &&
	    strstr(v, item) == v && param(v, "r") == remaining &&
	    param(v, "t") >= 1 && param(v, "t") <= secs, "%s: RateLimit "
	    "\"%s\", want %sr=%lld;t=1..%ld", what, header(r, "RateLimit", v,
	    sizeof(v)) == 0 ? v : "(absent)", item, remaining, secs);
	if (t != NULL)
		*t = header(r, "RateLimit", v, sizeof(v)) == 0 ?
		    param(v, "t") : -1;
	return ok;
}

/* A pass, counted: remaining left of limit in window. */
static int
expect_pass(const char *what, const struct resp *r, const char *window,
    long secs, long long limit, long long remaining)
{
	if (!CHECK(r->status == 200, "%s: HTTP %ld, want 200", what,
	    r->status))
		return 0;
	return rate_headers(what, r, window, secs, limit, remaining, NULL);
}

/*
 * A refusal over limit in window: 429, the envelope, Retry-After the
 * seconds to the window's end (RateLimit's t), both header families.
 */
static int
expect_limited(const char *what, const struct resp *r, const char *window,
    long secs, long long limit)
{
	char		 v[64];
	long long	 t = -1, after;
	int		 ok;

	expect_err(what, r, RT_AUTH, 429, "TOO_MANY_REQUESTS", RATE_MSG);
	ok = r->status == 429;
	ok &= rate_headers(what, r, window, secs, limit, 0, &t);
	after = header(r, "Retry-After", v, sizeof(v)) == 0 ?
	    strtoll(v, NULL, 10) : -1;
	ok &= CHECK(after >= 1 && after <= secs && after == t, "%s: "
	    "Retry-After %lld, want RateLimit's t (%lld), 1..%ld", what,
	    after, t, secs);
	ok &= CHECK(header(r, "X-Content-Type-Options", v, sizeof(v)) == 0 &&
	    strcmp(v, "nosniff") == 0, "%s: no X-Content-Type-Options: "
	    "nosniff", what);
	ok &= CHECK(header(r, "X-Adminutil-Status", v, sizeof(v)) == -1 &&
	    header(r, "X-Adminutil-Envelope", v, sizeof(v)) == -1, "%s: "
	    "adminutil's markers reached the client", what);
	return ok;
}

/*
 * n passes of path as auth (from address from), the first with
 * remaining left of limit an hour; 0, or -1 after a failed check.
 */
static int
passes(const char *what, const char *path, const char *auth,
    const char *from, int n, long long limit, long long remaining)
{
	struct resp	 r;
	char		 w[128];
	int		 i, ok = 1;

	for (i = 0; ok && i < n; i++) {
		snprintf(w, sizeof(w), "%s, pass %d", what, i + 1);
		rl_get(&r, path, auth, from);
		ok = expect_pass(w, &r, "hour", 3600, limit, remaining - i);
		resp_free(&r);
	}
	return ok ? 0 : -1;
}

static int
limited(const char *what, const char *path, const char *auth,
    const char *from, long long limit)
{
	struct resp	 r;
	int		 ok;

	rl_get(&r, path, auth, from);
	ok = expect_limited(what, &r, "hour", 3600, limit);
	resp_free(&r);
	return ok ? 0 : -1;
}

/*
 * by=credential: the 101st pass within the hour is refused (every call
 * the same, so nginx's pass cache would have answered them had it kept
 * any); the same consumer's other credential is not; /metrics counts.
 */
static void
test_rl_credential(void)
{
	struct rc	 c;
	struct resp	 r;
	const char	*p = "/rl/cred/x";

	if (rc_new(&c, "rlcred", 2) == -1)
		goto done;
	room(3600, 10000);
	if (passes("by credential", p, c.auth[0], NULL, CRED_LIMIT,
	    CRED_LIMIT, CRED_LIMIT - 1) == -1 || limited("by credential, over",
	    p, c.auth[0], NULL, CRED_LIMIT) == -1)
		goto done;
	if (passes("by credential, its consumer's other credential", p,
	    c.auth[1], NULL, 1, CRED_LIMIT, CRED_LIMIT - 1) == -1)
		goto done;
	limited("by credential, still over", p, c.auth[0], NULL, CRED_LIMIT);
	get(&r, url, "/metrics");
	CHECK(r.body.p != NULL && strstr(r.body.p, "adminutil_ratelimit_total"
	    "{by=\"credential\",window=\"hour\",result=\"limited\"} ") !=
	    NULL && strstr(r.body.p, "adminutil_ratelimit_total{by="
	    "\"credential\",window=\"hour\",result=\"pass\"} ") != NULL,
	    "/metrics counts no pass or refusal by credential an hour");
	resp_free(&r);
done:
	rc_free(&c);
}

/* by=consumer: its credentials share the count; another's does not. */
static void
test_rl_consumer(void)
{
	struct rc	 c, other;
	const char	*p = "/rl/cons/x";

	memset(&other, 0, sizeof(other));
	if (rc_new(&c, "rlcons", 2) == -1 || rc_new(&other, "rlcons", 1) ==
	    -1)
		goto done;
	room(3600, 10000);
	if (passes("by consumer, first credential", p, c.auth[0], NULL, 3,
	    LIMIT, LIMIT - 1) == -1 || passes("by consumer, second "
	    "credential", p, c.auth[1], NULL, 2, LIMIT, LIMIT - 4) == -1)
		goto done;
	if (limited("by consumer, second credential over", p, c.auth[1],
	    NULL, LIMIT) == -1 || limited("by consumer, first credential "
	    "over", p, c.auth[0], NULL, LIMIT) == -1)
		goto done;
	passes("by consumer, another consumer", p, other.auth[0], NULL, 1,
	    LIMIT, LIMIT - 1);
done:
	rc_free(&c);
	rc_free(&other);
}

/*
 * What a client controls cannot take it past a limit: readings of one
 * path that reach one rule (a query, "//", a percent-encoded byte, a
 * trailing "/": distinct keys of nginx's pass cache) share the rule's
 * count; forwarding headers do not change the address counted; the
 * marker adminutil gives nginx, sent by the client, changes no answer.
 */
static void
test_rl_evasion(void)
{
	static const char *const readings[LIMIT] = {
		"/rl/evade/x", "/rl/evade/x?q=1", "/rl/evade//x",
		"/rl/evade/%78", "/rl/evade/x/"
	};
	static const char *const spoofs[LIMIT] = {
		"X-Forwarded-For: 10.9.8.7", "X-Real-IP: 10.9.8.6",
		"Forwarded: for=10.9.8.5", "X-Forwarded-For: 127.0.0.2",
		"Client-IP: 10.9.8.4"
	};
	struct rc	 c;
	struct resp	 r;
	const char	*h[3];
	char		 w[128];
	int		 i, ok = 1;

	if (rc_new(&c, "rlevade", 1) == -1)
		goto done;
	room(3600, 10000);
	for (i = 0; ok && i < LIMIT; i++) {
		snprintf(w, sizeof(w), "one rule, read as %s", readings[i]);
		rl_get(&r, readings[i], c.auth[0], NULL);
		ok = expect_pass(w, &r, "hour", 3600, LIMIT, LIMIT - 1 - i);
		resp_free(&r);
	}
	for (i = 0; ok && i < LIMIT; i++) {
		snprintf(w, sizeof(w), "one rule over, read as %s",
		    readings[i]);
		ok = limited(w, readings[i], c.auth[0], NULL, LIMIT) == 0;
	}
	for (i = 0; ok && i < LIMIT; i++) {
		snprintf(w, sizeof(w), "by ip, with %s", spoofs[i]);
		h[0] = spoofs[i];
		h[1] = NULL;
		rl_fetch_hdrs(&r, "/rl/evadeip/x", h, "127.0.0.1");
		ok = expect_pass(w, &r, "hour", 3600, LIMIT, LIMIT - 1 - i);
		resp_free(&r);
	}
	for (i = 0; ok && i < LIMIT; i++) {
		snprintf(w, sizeof(w), "by ip over, with %s", spoofs[i]);
		h[0] = spoofs[i];
		h[1] = NULL;
		rl_fetch_hdrs(&r, "/rl/evadeip/x", h, "127.0.0.1");
		ok = expect_limited(w, &r, "hour", 3600, LIMIT);
		resp_free(&r);
	}
	/* The client's own marker: a pass stays a pass, unlimited. */
	h[0] = c.auth[0];
	h[1] = "X-Adminutil-Status: 429";
	h[2] = NULL;
	rl_fetch_hdrs(&r, "/rl/free/x", h, NULL);
	CHECK(r.status == 200 && header(&r, "RateLimit", w, sizeof(w)) == -1,
	    "a client's X-Adminutil-Status: HTTP %ld, want 200 and no "
	    "RateLimit", r.status);
	resp_free(&r);
done:
	rc_free(&c);
}

/*
 * by=ip on an @public API: counted by the client's address, with or
 * without a token; another address has its own count.
 */
static void
test_rl_ip(void)
{
	struct rc	 c;
	const char	*p = "/rl/ip/x";
	struct resp	 r;

	if (rc_new(&c, "rlip", 1) == -1)
		goto done;
	/* Another address of the loopback must reach the gateway. */
	rl_fetch(&r, "/rl/free/x", NULL, "127.0.0.2");
	if (!CHECK(r.error == NULL, "no connection from 127.0.0.2: %s",
	    str(r.error))) {
		resp_free(&r);
		goto done;
	}
	resp_free(&r);
	room(3600, 10000);
	if (passes("by ip, no token", p, NULL, "127.0.0.1", 3, LIMIT,
	    LIMIT - 1) == -1 || passes("by ip, a token", p, c.auth[0],
	    "127.0.0.1", 2, LIMIT, LIMIT - 4) == -1)
		goto done;
	if (limited("by ip, over", p, NULL, "127.0.0.1", LIMIT) == -1 ||
	    limited("by ip, over, a token", p, c.auth[0], "127.0.0.1",
	    LIMIT) == -1)
		goto done;
	passes("by ip, another address", p, NULL, "127.0.0.2", 1, LIMIT,
	    LIMIT - 1);
done:
	rc_free(&c);
}

/*
 * A refusal never spends quota: many 401s (no token, a bad signature)
 * and 403s (no group) first, then the whole limit passes; over it, a
 * bad token is still a 401, not a 429.
 */
static void
test_rl_refusals_free(void)
{
	struct rc	 c, nogroup;
	struct resp	 r;
	char		*bad = NULL, secret[HEX32 + 1], key[NAMESZ];
	const char	*p = "/rl/unauth/x";
	int		 i, ok = 1;

	memset(&nogroup, 0, sizeof(nogroup));
	if (rc_new(&c, "rlunauth", 1) == -1 || create(fresh(nogroup.user,
	    NAMESZ, "rlnogroup"), key, secret) == -1 ||
	    (nogroup.auth[0] = hs256_bearer(key, secret)) == NULL ||
	    (bad = hs256_bearer(c.key[0], "not-the-secret")) == NULL)
		goto done;
	room(3600, 15000);
	for (i = 0; ok && i < NBAD; i++) {
		rl_get(&r, p, i % 2 ? bad : NULL, NULL);
		ok = CHECK(r.status == 401, "refusal %d: HTTP %ld, want 401",
		    i + 1, r.status);
		resp_free(&r);
		rl_get(&r, p, nogroup.auth[0], NULL);
		ok &= CHECK(r.status == 403, "no group %d: HTTP %ld, want 403",
		    i + 1, r.status);
		resp_free(&r);
	}
	if (!ok || passes("after 401s and 403s", p, c.auth[0], NULL, LIMIT,
	    LIMIT, LIMIT - 1) == -1 || limited("after 401s and 403s, over",
	    p, c.auth[0], NULL, LIMIT) == -1)
		goto done;
	rl_get(&r, p, bad, NULL);
	CHECK(r.status == 401, "a bad token over the limit: HTTP %ld, want "
	    "401", r.status);
	resp_free(&r);
done:
	free(bad);
	rc_free(&c);
	rc_free(&nogroup);
}

/*
 * A window of a second rolls over: PER_SEC pass, the next is refused
 * with Retry-After 1, and the next second passes again.  Tried in up to
 * five seconds, for a second whose calls all fall in it.
 */
static void
test_rl_rollover(void)
{
	struct rc	 c;
	struct resp	 r[PER_SEC + 1], again;
	const char	*p = "/rl/sec/x";
	char		 w[64];
	long long	 t0, t1;
	int		 try, i, ok;

	if (rc_new(&c, "rlsec", 1) == -1)
		goto done;
	for (try = 0; try < 5; try++) {
		room(1, 1000);		/* the start of a second */
		t0 = now_ms();
		for (i = 0; i <= PER_SEC; i++)
			rl_fetch(&r[i], p, c.auth[0], NULL);
		t1 = now_ms();
		if (t0 / 1000 == t1 / 1000)
			break;
		for (i = 0; i <= PER_SEC; i++)
			resp_free(&r[i]);
	}
	if (!CHECK(try < 5, "no second of five held %d calls", PER_SEC + 1))
		goto done;
	for (ok = 1, i = 0; i < PER_SEC; i++) {
		snprintf(w, sizeof(w), "a second, pass %d", i + 1);
		ok &= CHECK(r[i].error == NULL, "%s: %s", w, str(r[i].error)) &&
		    expect_pass(w, &r[i], "second", 1, PER_SEC,
		    PER_SEC - 1 - i);
	}
	ok &= expect_limited("a second, over", &r[PER_SEC], "second", 1,
	    PER_SEC);
	for (i = 0; i <= PER_SEC; i++)
		resp_free(&r[i]);
	if (!ok)
		goto done;
	room(1, 1000);
	rl_get(&again, p, c.auth[0], NULL);
	expect_pass("the next second", &again, "second", 1, PER_SEC,
	    PER_SEC - 1);
	resp_free(&again);
done:
	rc_free(&c);
}

/*
 * A reload (SIGHUP: every worker replaced) keeps the counters: the
 * count goes on where it was.
 */
static void
test_rl_reload(void)
{
	struct rc	 c;
	const char	*p = "/rl/reload/x";
	long		 len = -1;

	if (rc_new(&c, "rlreload", 1) == -1)
		goto done;
	room(3600, 20000);
	if (passes("before a reload", p, c.auth[0], NULL, 3, LIMIT,
	    LIMIT - 1) == -1 || reconfigure("\n", &len) == -1)
		goto done;
	if (passes("after a reload", p, c.auth[0], NULL, 2, LIMIT,
	    LIMIT - 4) == -1)
		goto back;
	limited("after a reload, over", p, c.auth[0], NULL, LIMIT);
back:
	reconfigure(NULL, &len);
done:
	rc_free(&c);
}

/* Sets user's own limits (a JSON object); 0, or -1 after a failed check. */
static int
own_limits(const char *user, const char *limits)
{
	struct resp	 r;
	char		 req[256];
	int		 ok;

	snprintf(req, sizeof(req), "{\"limits\":%s}", limits);
	call(&r, RT_LIMITS, user, req);
	ok = expect_ok("set a consumer's own limits", &r, RT_LIMITS) != NULL;
	resp_free(&r);
	return ok ? 0 : -1;
}

/*
 * Calls path as auth until the answer is want (the feed brings a change
 * to every worker within 1 s: 3 s at most), then waits 1.5 s more for
 * the workers that were later; *r is the last answer.
 */
static int
until_status(struct resp *r, const char *path, const char *auth, long want,
    const char *hour_limit)
{
	long long	 end = now_ms() + 3000;
	char		 v[32];
	int		 ok;

	for (;;) {
		rl_get(r, path, auth, NULL);
		ok = r->status == want && (hour_limit == NULL ||
		    (header(r, "X-RateLimit-Limit-Hour", v, sizeof(v)) == 0 &&
		    strcmp(v, hour_limit) == 0));
		if (ok || now_ms() > end)
			break;
		resp_free(r);
		sleep_ms(50);
	}
	if (ok)
		sleep_ms(1500);
	return ok;
}

/*
 * A consumer's own limit (POST /v1/consumer/{username}/limits) wins over
 * the rule's where the rule has one: 7 an hour over the rule's 5, by
 * consumer (both its credentials), and a day's limit of 3 adds none to a
 * rule without one.  Raised to 9, the running count goes on; cleared,
 * the rule's 5 is back over the same count.
 */
static void
test_rl_override(void)
{
	struct rc	 c;
	struct resp	 r;
	const char	*p = "/rl/over/x";

	if (rc_new(&c, "rlover", 2) == -1 ||
	    own_limits(c.user, "{\"hour\":7,\"day\":3}") == -1)
		goto done;
	room(3600, 20000);
	if (passes("own limit", p, c.auth[0], NULL, 4, 7, 6) == -1 ||
	    passes("own limit, other credential", p, c.auth[1], NULL, 3, 7,
	    2) == -1 || limited("own limit, over", p, c.auth[0], NULL, 7) ==
	    -1 || own_limits(c.user, "{\"hour\":9}") == -1)
		goto done;
	if (!CHECK(until_status(&r, p, c.auth[1], 200, NULL), "raised to 9: "
	    "no pass within 3 s (HTTP %ld)", r.status) || !expect_pass("raised "
	    "to 9", &r, "hour", 3600, 9, 1)) {
		resp_free(&r);
		goto done;
	}
	resp_free(&r);
	if (passes("raised to 9, the last", p, c.auth[0], NULL, 1, 9, 0) ==
	    -1 || limited("raised to 9, over", p, c.auth[0], NULL, 9) == -1 ||
	    own_limits(c.user, "{}") == -1)
		goto done;
	CHECK(until_status(&r, p, c.auth[0], 429, "5"), "cleared: the rule's "
	    "limit is not back within 3 s (HTTP %ld)", r.status);
	resp_free(&r);
	limited("cleared, over the rule's limit", p, c.auth[1], NULL, LIMIT);
done:
	rc_free(&c);
}

/* A rule without a limit: no rate-limit header, no count. */
static void
test_rl_free(void)
{
	struct rc	 c;
	struct resp	 r;
	char		 v[64];
	int		 i;

	if (rc_new(&c, "rlfree", 1) == -1)
		goto done;
	for (i = 0; i < LIMIT + 2; i++) {
		rl_get(&r, "/rl/free/x", c.auth[0], NULL);
		CHECK(r.status == 200 && header(&r, "RateLimit", v,
		    sizeof(v)) == -1 && header(&r, "RateLimit-Policy", v,
		    sizeof(v)) == -1 && header(&r, "X-RateLimit-Limit-Hour", v,
		    sizeof(v)) == -1, "no limit, call %d: HTTP %ld, or a "
		    "rate-limit header", i + 1, r.status);
		resp_free(&r);
	}
done:
	rc_free(&c);
}

/* The burst: BURST_THREADS clients, BURST_EACH calls each. */
struct burst {
	const char	*auth;
	int		 pass, limited, other;
};

static void *
burst_run(void *arg)
{
	struct burst	*b = arg;
	struct resp	 r;
	int		 i;

	for (i = 0; i < BURST_EACH; i++) {
		rl_fetch(&r, "/rl/burst/x", b->auth, NULL);
		if (r.error == NULL && r.status == 200)
			b->pass++;
		else if (r.error == NULL && r.status == 429)
			b->limited++;
		else
			b->other++;
		resp_free(&r);
	}
	return NULL;
}

/*
 * N clients racing on a limit of 1,000 a minute get exactly 1,000
 * passes between them, counted from their answers, and 429 for the
 * rest: the check and the count are one step.  Started with 20 s or
 * more left of the minute, and checked to have ended in it.
 */
static void
test_rl_burst(void)
{
	struct rc	 c;
	struct burst	 b[BURST_THREADS];
	pthread_t	 th[BURST_THREADS];
	long long	 t0, t1;
	int		 i, n = 0, pass = 0, lim = 0, other = 0;

	if (rc_new(&c, "rlburst", 1) == -1)
		goto done;
	memset(b, 0, sizeof(b));
	room(60, 20000);
	t0 = now_ms();
	for (i = 0; i < BURST_THREADS; i++) {
		b[i].auth = c.auth[0];
		if (pthread_create(&th[i], NULL, burst_run, &b[i]) != 0)
			break;
	}
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	t1 = now_ms();
	if (!CHECK(n == BURST_THREADS, "started %d clients of %d", n,
	    BURST_THREADS))
		goto done;
	for (i = 0; i < n; i++) {
		pass += b[i].pass;
		lim += b[i].limited;
		other += b[i].other;
	}
	if (!CHECK(t0 / 60000 == t1 / 60000, "the burst took %lld ms and "
	    "crossed a minute's end", t1 - t0))
		goto done;
	CHECK(pass == BURST_LIMIT && lim == BURST_THREADS * BURST_EACH -
	    BURST_LIMIT && other == 0, "%d clients, %d calls in %lld ms: %d "
	    "passed, %d refused (429), %d else; want %d passed, the rest "
	    "429", n, n * BURST_EACH, t1 - t0, pass, lim, other, BURST_LIMIT);
	printf("\n    %d clients, %d calls in %lld ms: %d passed, %d 429 ", n,
	    n * BURST_EACH, t1 - t0, pass, lim);
done:
	rc_free(&c);
}

const struct e2e_test limits_tests[] = {
	{ "limits: by credential, 429 with the envelope and headers, "
	    "another credential not counted", test_rl_credential,
	    FULL | SMOKE },
	{ "limits: by consumer, its credentials share the count",
	    test_rl_consumer, FULL | SMOKE },
	{ "limits: by address on a public API", test_rl_ip, FULL | SMOKE },
	{ "limits: readings of a path, forwarding headers and a client's "
	    "marker escape nothing", test_rl_evasion, FULL | SMOKE },
	{ "limits: 401s and 403s spend no quota", test_rl_refusals_free,
	    FULL | SMOKE },
	{ "limits: a window of a second rolls over", test_rl_rollover,
	    FULL | SMOKE },
	{ "limits: a reload keeps the counters", test_rl_reload,
	    FULL | SMOKE },
	{ "limits: a consumer's own limit wins over the rule's",
	    test_rl_override, FULL | SMOKE },
	{ "limits: no limit, no header", test_rl_free, FULL | SMOKE },
	{ "limits: 8 clients racing on 1000 a minute get exactly 1000",
	    test_rl_burst, FULL | SMOKE },
};

const size_t limits_ntests = sizeof(limits_tests) / sizeof(limits_tests[0]);
