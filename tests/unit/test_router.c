/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of router.c: literal and captured segments, percent-decoded
 * captures, 404 / 405 / 400 outcomes and route families; and that the
 * router and the ACL (acl.c) read the same escapes alike.
 */
#include "build.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "gateway/acl.h"
#include "gateway/path.h"
#include "http/router.h"
#include "unit.h"

/* Never called: the router only hands routes back. */
static void
dummy(struct app *app, const struct route *rt, struct request *r,
    struct response *res)
{
	(void)app;
	(void)rt;
	(void)r;
	(void)res;
}

enum {
	R_CREATE, R_LIST, R_GRANT, R_READ, R_CRED_REVOKE, R_AUTH, R_HEALTH,
	R_V1_HEALTH, R_INTROSPECT, R_HEALTH_HEAD, R__MAX
};

static const struct route table[R__MAX] = {
	[R_CREATE] = { METHOD_POST, "/v1/consumer/create", dummy,
	    "create", NULL, ROUTES_ADMIN, BODY_REQUEST, ACCESS_OPEN },
	[R_LIST] = { METHOD_POST, "/v1/consumer/list", dummy,
	    "list", NULL, ROUTES_ADMIN, BODY_NONE, ACCESS_OPEN },
	[R_GRANT] = { METHOD_POST, "/v1/consumer/{}/grant", dummy,
	    "grant", NULL, ROUTES_ADMIN, BODY_REQUEST, ACCESS_OPEN },
	[R_READ] = { METHOD_POST, "/v1/consumer/{}/read", dummy,
	    "read", NULL, ROUTES_ADMIN, BODY_NONE, ACCESS_OPEN },
	[R_CRED_REVOKE] = { METHOD_POST,
	    "/v1/consumer/{}/credential/{}/revoke", dummy,
	    "credential.revoke", NULL, ROUTES_ADMIN, BODY_NONE, ACCESS_OPEN },
	[R_AUTH] = { METHOD_GET, "/v1/auth", dummy,
	    "auth", NULL, ROUTES_AUTH, BODY_NONE, ACCESS_OPEN },
	[R_HEALTH] = { METHOD_GET, "/health", dummy,
	    "health", NULL, ROUTES_HEALTH, BODY_NONE, ACCESS_OPEN },
	[R_V1_HEALTH] = { METHOD_GET, "/v1/health", dummy,
	    "health", NULL, ROUTES_HEALTH, BODY_NONE, ACCESS_OPEN },
	[R_INTROSPECT] = { METHOD_POST, "/v1/token/introspect", dummy,
	    "introspect", NULL, ROUTES_ADMIN, BODY_NONE, ACCESS_OPEN },
	[R_HEALTH_HEAD] = { METHOD_HEAD, "/health", dummy,
	    "health", NULL, ROUTES_HEALTH, BODY_NONE, ACCESS_OPEN },
};

#define ALL	 (ROUTES_ADMIN | ROUTES_AUTH | ROUTES_HEALTH)
#define NONE	 (-1)
#define LIT(s)	 (s), sizeof(s) - 1

static const char	 nosuch[] = "NO SUCH ROUTE";
static const char	 badenc[] = "PATH IS NOT VALIDLY PERCENT-ENCODED";
static const char	 method[] = "METHOD NOT ALLOWED";

struct rcase {
	enum method	 m;
	const char	*path;
	unsigned	 families;
	int		 route;		/* index into table, or NONE */
	enum err	 e;		/* when route is NONE */
	int		 same;		/* for ERR_METHOD, else NONE */
	size_t		 pathc;
	struct {
		const char	*s;
		size_t		 len;
	} param[2];
};

static const struct rcase cases[] = {
	/* Matches. */
	{ METHOD_POST, "/v1/consumer/create", ALL, R_CREATE, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/list", ALL, R_LIST, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_POST, "/v1/token/introspect", ALL, R_INTROSPECT, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/health", ALL, R_HEALTH, 0, NONE, 0, { { NULL, 0 } } },
	{ METHOD_HEAD, "/health", ALL, R_HEALTH_HEAD, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/v1/health", ALL, R_V1_HEALTH, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/v1/auth", ALL, R_AUTH, 0, NONE, 0, { { NULL, 0 } } },

	/* Captures, percent-decoded, with their lengths. */
	{ METHOD_POST, "/v1/consumer/XYZ-Corp/grant", ALL, R_GRANT, 0, NONE,
	    1, { { LIT("XYZ-Corp") } } },
	{ METHOD_POST, "/v1/consumer/user%20name/grant", ALL, R_GRANT, 0,
	    NONE, 1, { { LIT("user name") } } },
	{ METHOD_POST, "/v1/consumer/a%2Fb/read", ALL, R_READ, 0, NONE, 1,
	    { { LIT("a/b") } } },
	{ METHOD_POST, "/v1/consumer/a%2fb/read", ALL, R_READ, 0, NONE, 1,
	    { { LIT("a/b") } } },
	{ METHOD_POST, "/v1/consumer/caf%C3%A9/read", ALL, R_READ, 0, NONE, 1,
	    { { LIT("caf\xc3\xa9") } } },
	{ METHOD_POST, "/v1/consumer/list/read", ALL, R_READ, 0, NONE, 1,
	    { { LIT("list") } } },
	{ METHOD_POST, "/v1/consumer/create/read", ALL, R_READ, 0, NONE, 1,
	    { { LIT("create") } } },
	{ METHOD_POST, "/v1/consumer/u1/credential/k%2B1/revoke", ALL,
	    R_CRED_REVOKE, 0, NONE, 2, { { LIT("u1") }, { LIT("k+1") } } },
	{ METHOD_POST, "/v1/consumer/%41/credential/%42%43/revoke", ALL,
	    R_CRED_REVOKE, 0, NONE, 2, { { LIT("A") }, { LIT("BC") } } },

	/* An empty segment is captured as "". */
	{ METHOD_POST, "/v1/consumer//grant", ALL, R_GRANT, 0, NONE, 1,
	    { { LIT("") } } },
	{ METHOD_POST, "/v1/consumer//credential//revoke", ALL,
	    R_CRED_REVOKE, 0, NONE, 2, { { LIT("") }, { LIT("") } } },

	/* No route: trailing slash, prefix, extra segment, unknown. */
	{ METHOD_POST, "/v1/consumer/create/", ALL, NONE, ERR_NOT_FOUND, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/u/grant/", ALL, NONE, ERR_NOT_FOUND,
	    NONE, 0, { { NULL, 0 } } },
	{ METHOD_GET, "/health/", ALL, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer", ALL, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/", ALL, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/u/grant/x", ALL, NONE, ERR_NOT_FOUND,
	    NONE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/u/credential/revoke", ALL, NONE,
	    ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/create2", ALL, NONE, ERR_NOT_FOUND,
	    NONE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/creat", ALL, NONE, ERR_NOT_FOUND, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_POST, "/V1/consumer/create", ALL, NONE, ERR_NOT_FOUND, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_POST, "//v1/consumer/create", ALL, NONE, ERR_NOT_FOUND, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_POST, "v1/consumer/create", ALL, NONE, ERR_NOT_FOUND, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_GET, "/nope", ALL, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/", ALL, NONE, ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_GET, "", ALL, NONE, ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },

	/* Right path, wrong method: 405 and the route; nothing captured. */
	{ METHOD_GET, "/v1/consumer/create", ALL, NONE, ERR_METHOD, R_CREATE,
	    0, { { NULL, 0 } } },
	{ METHOD_GET, "/v1/consumer/u/grant", ALL, NONE, ERR_METHOD, R_GRANT,
	    0, { { NULL, 0 } } },
	{ METHOD_OTHER, "/v1/consumer/u/credential/k/revoke", ALL, NONE,
	    ERR_METHOD, R_CRED_REVOKE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/health", ALL, NONE, ERR_METHOD, R_HEALTH, 0,
	    { { NULL, 0 } } },
	{ METHOD_HEAD, "/v1/auth", ALL, NONE, ERR_METHOD, R_AUTH, 0,
	    { { NULL, 0 } } },
	/* Wrong method wins over a bad escape: nothing is decoded. */
	{ METHOD_GET, "/v1/consumer/%zz/grant", ALL, NONE, ERR_METHOD,
	    R_GRANT, 0, { { NULL, 0 } } },

	/* A bad escape in a captured segment: 400, and the route it hit. */
	{ METHOD_POST, "/v1/consumer/%zz/grant", ALL, NONE, ERR_BAD_REQUEST,
	    R_GRANT, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/%/read", ALL, NONE, ERR_BAD_REQUEST,
	    R_READ, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/ab%4/read", ALL, NONE, ERR_BAD_REQUEST,
	    R_READ, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/u/credential/%4g/revoke", ALL, NONE,
	    ERR_BAD_REQUEST, R_CRED_REVOKE, 0, { { NULL, 0 } } },
	/* "%00" too: no name, key or id holds a NUL (percent_decode). */
	{ METHOD_POST, "/v1/consumer/nul%00x/read", ALL, NONE,
	    ERR_BAD_REQUEST, R_READ, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/u/credential/%00/revoke", ALL, NONE,
	    ERR_BAD_REQUEST, R_CRED_REVOKE, 0, { { NULL, 0 } } },

	/* Families: a switched-off family is not there at all. */
	{ METHOD_POST, "/v1/consumer/create", ROUTES_ADMIN, R_CREATE, 0, NONE,
	    0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/create", ROUTES_AUTH | ROUTES_HEALTH,
	    NONE, ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_GET, "/v1/consumer/create", ROUTES_AUTH | ROUTES_HEALTH,
	    NONE, ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/v1/consumer/%zz/grant", ROUTES_AUTH, NONE,
	    ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_GET, "/v1/auth", ROUTES_AUTH, R_AUTH, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/v1/auth", ROUTES_ADMIN | ROUTES_HEALTH, NONE,
	    ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_GET, "/health", ROUTES_HEALTH, R_HEALTH, 0, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/health", ROUTES_ADMIN | ROUTES_AUTH, NONE,
	    ERR_NOT_FOUND, NONE, 0, { { NULL, 0 } } },
	{ METHOD_POST, "/health", ROUTES_ADMIN, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
	{ METHOD_GET, "/health", 0, NONE, ERR_NOT_FOUND, NONE, 0,
	    { { NULL, 0 } } },
};

static void
check_case(const struct rcase *c)
{
	struct request		 r;
	const struct route	*rt, *same = &table[0];
	const char		*msg = NULL, *wantmsg;
	enum err		 e = ERR__MAX;
	size_t			 i;
	char			 what[128];

	snprintf(what, sizeof(what), "%d %s (families %u)", (int)c->m,
	    c->path, c->families);
	request_init(&r);
	r.method = c->m;
	r.path = strdup(c->path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.path);
	rt = router_match(table, R__MAX, c->families, &r, &e, &msg, &same);
	if (c->route != NONE) {
		UNIT_CHECK(rt == &table[c->route], "%s: route %ld, want %d",
		    what, rt == NULL ? -1L : (long)(rt - table), c->route);
		UNIT_CHECK(r.pathc == c->pathc, "%s: pathc %zu, want %zu",
		    what, r.pathc, c->pathc);
		for (i = 0; i < c->pathc && i < r.pathc; i++)
			UNIT_CHECK(r.pathlen[i] == c->param[i].len &&
			    memcmp(r.pathv[i], c->param[i].s,
			    c->param[i].len + 1) == 0,
			    "%s: param %zu \"%s\" (%zu bytes)", what, i,
			    r.pathv[i], r.pathlen[i]);
	} else {
		UNIT_CHECK(rt == NULL, "%s: matched route %ld", what,
		    rt == NULL ? -1L : (long)(rt - table));
		UNIT_CHECK(e == c->e, "%s: err %d, want %d", what, (int)e,
		    (int)c->e);
		switch (c->e) {
		case ERR_METHOD:
			wantmsg = method;
			break;
		case ERR_BAD_REQUEST:
			wantmsg = badenc;
			break;
		default:
			wantmsg = nosuch;
			break;
		}
		UNIT_STREQ(msg, wantmsg, what);
		if (c->e == ERR_METHOD || c->e == ERR_BAD_REQUEST)
			UNIT_CHECK(same == &table[c->same], "%s: same %ld, "
			    "want %d", what, same == NULL ? -1L :
			    (long)(same - table), c->same);
		else
			UNIT_CHECK(same == NULL, "%s: same set", what);
		if (c->e != ERR_BAD_REQUEST)
			UNIT_CHECK(r.pathc == 0, "%s: pathc %zu", what,
			    r.pathc);
	}
	request_free(&r);
}

static void
test_match_table(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void
test_null_path(void)
{
	struct request		 r;
	const struct route	*same = &table[0];
	const char		*msg = NULL;
	enum err		 e = ERR_NONE;

	request_init(&r);
	r.method = METHOD_GET;
	CU_ASSERT_PTR_NULL(router_match(table, R__MAX, ALL, &r, &e, &msg,
	    &same));
	CU_ASSERT_EQUAL(e, ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(msg);
	CU_ASSERT_PTR_NULL(same);
	request_free(&r);
}

/* The first route of a pattern is the one *same points at. */
static void
test_same_is_first(void)
{
	static const struct route	 t[] = {
		{ METHOD_GET, "/x/{}", dummy, "get", NULL, ROUTES_ADMIN,
		    BODY_NONE, ACCESS_OPEN },
		{ METHOD_HEAD, "/x/{}", dummy, "head", NULL, ROUTES_ADMIN,
		    BODY_NONE, ACCESS_OPEN },
		{ METHOD_POST, "/x/{}", dummy, "post", NULL, ROUTES_AUTH,
		    BODY_NONE, ACCESS_OPEN },
	};
	struct request			 r;
	const struct route		*rt, *same;
	const char			*msg;
	enum err			 e;

	request_init(&r);
	r.path = strdup("/x/y");
	r.method = METHOD_POST;
	rt = router_match(t, 3, ROUTES_ADMIN, &r, &e, &msg, &same);
	CU_ASSERT_PTR_NULL(rt);
	CU_ASSERT_EQUAL(e, ERR_METHOD);
	CU_ASSERT_PTR_EQUAL(same, &t[0]);
	request_free(&r);

	/* The later route with the right method is found. */
	request_init(&r);
	r.path = strdup("/x/y");
	r.method = METHOD_HEAD;
	rt = router_match(t, 3, ROUTES_ADMIN, &r, &e, &msg, &same);
	CU_ASSERT_PTR_EQUAL(rt, &t[1]);
	CU_ASSERT_EQUAL(r.pathc, 1);
	CU_ASSERT(r.pathc == 1 && strcmp(r.pathv[0], "y") == 0);
	request_free(&r);

	/* Its own family on: the POST route is found. */
	request_init(&r);
	r.path = strdup("/x/y");
	r.method = METHOD_POST;
	rt = router_match(t, 3, ROUTES_ADMIN | ROUTES_AUTH, &r, &e, &msg,
	    &same);
	CU_ASSERT_PTR_EQUAL(rt, &t[2]);
	request_free(&r);
}

/* More "{}" than REQUEST_MAX_PATH_PARAMS: refused, never overflowing. */
static void
test_too_many_captures(void)
{
	static const struct route	 t[] = {
		{ METHOD_GET, "/{}/{}/{}/{}/{}", dummy, "five", NULL,
		    ROUTES_ADMIN, BODY_NONE, ACCESS_OPEN },
	};
	struct request			 r;
	const struct route		*rt, *same;
	const char			*msg;
	enum err			 e;

	request_init(&r);
	r.path = strdup("/a/b/c/d/e");
	r.method = METHOD_GET;
	errno = 0;
	rt = router_match(t, 1, ROUTES_ADMIN, &r, &e, &msg, &same);
	CU_ASSERT_PTR_NULL(rt);
	CU_ASSERT_EQUAL(e, ERR_BAD_REQUEST);
	CU_ASSERT(r.pathc <= REQUEST_MAX_PATH_PARAMS);
	request_free(&r);
}

/*
 * One reading of the same bytes: a segment the router refuses (400) is
 * a path every reading of the ACL refuses, and a segment it captures is
 * what the ACL reads there, byte for byte.  The segment goes between
 * "/a" and "z" (no hex digit: an escape cut short stays cut), where no
 * escape here makes a "//" or a dot segment.
 */
static void
test_router_acl_agree(void)
{
	static const char	 acl_text[] = "*\t/a\t@public\n";
	static const char *const segs[] = {
		"", "x", "%00", "a%00b", "%00%2F", "%2F", "%2f", "%25",
		"%2525", "%252F", "%2e", "%41", "%C0%AF", "%c0%ae", "%FF",
		"%2B", "+", "%20", "%3B", "%5C", "%zz", "%G0", "%0G", "%4",
		"%", "%%41", "a%2Fb",
	};
	const struct acl_rule	*out[ACL_READINGS];
	struct acl		*a;
	struct request		 r;
	const struct route	*rt, *same;
	const char		*msg, *why;
	enum err		 e;
	char			 path[64], buf[64], err[128];
	long			 n;
	size_t			 i;
	int			 k;

	a = acl_parse(acl_text, sizeof(acl_text) - 1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		request_init(&r);
		r.method = METHOD_POST;
		snprintf(path, sizeof(path), "/v1/consumer/%s/read", segs[i]);
		r.path = strdup(path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r.path);
		e = ERR_NONE;
		rt = router_match(table, R__MAX, ALL, &r, &e, &msg, &same);
		UNIT_CHECK(rt == &table[R_READ] || e == ERR_BAD_REQUEST,
		    "\"%s\": route %ld, err %d", segs[i], rt == NULL ? -1L :
		    (long)(rt - table), (int)e);

		snprintf(path, sizeof(path), "/a%sz", segs[i]);
		snprintf(buf, sizeof(buf), "%s", path);
		n = path_normalize(buf);
		k = acl_reach(a, "GET", path, out, &why);
		UNIT_CHECK((rt == NULL) == (n < 0), "\"%s\": the router %s "
		    "it, path_normalize %s", segs[i], rt == NULL ? "refuses" :
		    "reads", n < 0 ? "refuses" : "reads");
		UNIT_CHECK((rt == NULL) == (k < 0), "\"%s\": the router %s "
		    "it, acl_reach %s", segs[i], rt == NULL ? "refuses" :
		    "reads", k < 0 ? "refuses" : "reads");
		if (rt != NULL && n >= 0)
			UNIT_CHECK((size_t)n == 2 + r.pathlen[0] + 1 &&
			    memcmp(buf, "/a", 2) == 0 &&
			    memcmp(buf + 2, r.pathv[0], r.pathlen[0]) == 0 &&
			    buf[n - 1] == 'z', "\"%s\": the ACL reads \"%s\", "
			    "the router \"%s\" (%zu bytes)", segs[i], buf,
			    r.pathv[0], r.pathlen[0]);
		request_free(&r);
	}
	acl_free(a);
}

static const CU_TestInfo tests[] = {
	{ "router_match table", test_match_table },
	{ "NULL path is not found", test_null_path },
	{ "405 names the first route of the path", test_same_is_first },
	{ "too many captures are refused", test_too_many_captures },
	{ "the router and the ACL read escapes alike",
	    test_router_acl_agree },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("router", tests, NULL, NULL);
}
