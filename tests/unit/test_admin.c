/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Three admin handlers, consumer/{username}/grant, .../read and
 * .../limits, over a store in memory: the request as the router hands it, the envelope
 * they answer with, and what they ask of the store.  The seam is the
 * store's consumer verbs (store/consumer.h): this file defines them, so
 * the linker takes these, not the store's (neither the store nor
 * MariaDB is linked in).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "admin/admin.h"
#include "core/config.h"
#include "core/strlist.h"
#include "http/reply.h"
#include "store/consumer.h"
#include "store/store.h"
#include "unit.h"

/* The store in memory: one consumer, what it is asked, how it answers. */
static struct strlist	 alice;		/* alice's groups */
static uint64_t		 alice_limits[RL_NWINDOWS]; /* her own, 0: none */
static enum store_rc	 answer;	/* ST_OK: as the data says */
static int		 calls;

static int
is_alice(const char *user, size_t ulen)
{
	return ulen == 5 && memcmp(user, "alice", 5) == 0;
}

enum store_rc
store_groups_set(struct store *s, const struct actor *act, const char *user,
    size_t ulen, const struct strlist *list, struct strlist *out)
{
	size_t	 i;

	(void)s;
	(void)act;
	calls++;
	if (answer != ST_OK)
		return answer;
	if (!is_alice(user, ulen))
		return ST_NOT_FOUND;
	strlist_free(&alice);
	for (i = 0; i < list->n; i++)
		if (strlist_add(&alice, list->v[i], list->len[i]) == -1)
			return ST_ERR;
	for (i = 0; i < alice.n; i++)
		if (strlist_add(out, alice.v[i], alice.len[i]) == -1)
			return ST_ERR;
	return ST_OK;
}

enum store_rc
store_consumer_get(struct store *s, const char *user, size_t ulen,
    struct strlist *out, uint64_t limits[RL_NWINDOWS])
{
	size_t	 i;

	(void)s;
	calls++;
	if (answer != ST_OK)
		return answer;
	if (!is_alice(user, ulen))
		return ST_NOT_FOUND;
	for (i = 0; i < alice.n; i++)
		if (strlist_add(out, alice.v[i], alice.len[i]) == -1)
			return ST_ERR;
	memcpy(limits, alice_limits, sizeof(alice_limits));
	return ST_OK;
}

enum store_rc
store_limits_set(struct store *s, const struct actor *act, const char *user,
    size_t ulen, const uint64_t limits[RL_NWINDOWS],
    uint64_t out[RL_NWINDOWS])
{
	(void)s;
	(void)act;
	calls++;
	if (answer != ST_OK)
		return answer;
	if (!is_alice(user, ulen))
		return ST_NOT_FOUND;
	memcpy(alice_limits, limits, sizeof(alice_limits));
	memcpy(out, alice_limits, sizeof(alice_limits));
	return ST_OK;
}

/* The verbs these tests do not reach: a call is a failure. */
enum store_rc
store_groups_remove(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const struct strlist *list,
    struct strlist *out)
{
	(void)s, (void)act, (void)user, (void)ulen, (void)list, (void)out;
	CU_FAIL("store_groups_remove called");
	return ST_ERR;
}

enum store_rc
store_consumer_create(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const char *group, struct credential *out)
{
	(void)s, (void)act, (void)user, (void)ulen, (void)group, (void)out;
	CU_FAIL("store_consumer_create called");
	return ST_ERR;
}

enum store_rc
store_consumer_delete(struct store *s, const struct actor *act,
    const char *user, size_t ulen)
{
	(void)s, (void)act, (void)user, (void)ulen;
	CU_FAIL("store_consumer_delete called");
	return ST_ERR;
}

enum store_rc
store_consumer_list(struct store *s, const char *prefix, size_t plen,
    long long offset, long long limit,
    void (*fn)(void *, const struct consumer_row *), void *arg,
    long long *total)
{
	(void)s, (void)prefix, (void)plen, (void)offset, (void)limit;
	(void)fn, (void)arg, (void)total;
	CU_FAIL("store_consumer_list called");
	return ST_ERR;
}

static const struct rfield r_groups[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY }, { NULL, RF_STR } };

static const struct route rt_grant = { METHOD_POST, "/v1/consumer/{}/grant",
	consumer_grant, "ekstep.api.am.adminutil.consumer.grant", r_groups,
	ROUTES_ADMIN, BODY_REQUEST, ACCESS_WRITE };
static const struct rfield r_read[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY },
	{ "limits", RF_OBJECT }, { NULL, RF_STR } };
static const struct rfield r_limits[] = {
	{ "username", RF_STR }, { "limits", RF_OBJECT }, { NULL, RF_STR } };

static const struct route rt_read = { METHOD_POST, "/v1/consumer/{}/read",
	consumer_read, "ekstep.api.am.adminutil.consumer.read", r_read,
	ROUTES_ADMIN, BODY_NONE, ACCESS_READ };
static const struct route rt_limits = { METHOD_POST,
	"/v1/consumer/{}/limits", consumer_limits,
	"ekstep.api.am.adminutil.consumer.limits", r_limits, ROUTES_ADMIN,
	BODY_REQUEST, ACCESS_WRITE };

/*
 * Calls rt's handler for user with body (the request's JSON text), as
 * the router and app_handle hand it; the answer's envelope (a new
 * reference) and its HTTP status.
 */
static json_object *
call(const struct route *rt, const char *user, const char *body,
    int *status, char *headers, size_t hsz)
{
	struct config	 cfg;
	struct app	 a;
	struct request	 r;
	struct response	 res;
	json_object	*env = NULL;

	config_defaults(&cfg);
	memset(&a, 0, sizeof(a));
	a.cfg = &cfg;
	a.store = (struct store *)&cfg;	/* followed by the fakes only */
	request_init(&r);
	response_init(&res);
	r.pathv[0] = strdup(user);
	r.pathlen[0] = strlen(user);
	r.pathc = 1;
	r.body = strdup(body);
	r.bodylen = strlen(body);
	if (r.pathv[0] == NULL || r.body == NULL ||
	    request_parse_json(&r) != NULL) {
		CU_FAIL("cannot make the request");
	} else
		rt->handler(&a, rt, &r, &res);
	*status = res.status;
	snprintf(headers, hsz, "%s", res.headers != NULL ? res.headers : "");
	if (res.body != NULL)
		env = json_tokener_parse(res.body);
	response_free(&res);
	request_free(&r);
	return env;
}

/*
 * The envelope's member at path a.b as JSON text: "null" for a null, ""
 * when absent.
 */
static const char *
at(json_object *env, const char *a, const char *b)
{
	json_object	*o = NULL, *v = NULL;
	int		 there;

	there = json_object_object_get_ex(env, a, &o);
	if (there && b != NULL)
		there = json_object_object_get_ex(o, b, &v);
	else
		v = o;
	if (!there)
		return "";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void
test_grant(void)
{
	static const struct {
		const char	*what, *user, *body;
		enum store_rc	 answer;
		int		 status;
		const char	*err;		/* params.err, as JSON */
		const char	*groups;	/* result.groups, as JSON */
		int		 calls;		/* of the store */
	} t[] = {
		{ "a grant", "alice",
		    "{\"request\":{\"groups\":[\"b\",\"a\",\"b\"]}}", ST_OK, 200,
		    "null", "[\"b\",\"a\"]", 1 },
		{ "no request", "alice", "{}", ST_OK, 400,
		    "\"BAD_REQUEST\"", "[]", 0 },
		{ "a group with a comma", "alice",
		    "{\"request\":{\"groups\":[\"a,b\"]}}", ST_OK, 400,
		    "\"BAD_REQUEST\"", "[]", 0 },
		{ "groups not an array", "alice",
		    "{\"request\":{\"groups\":\"a\"}}", ST_OK, 400,
		    "\"BAD_REQUEST\"", "[]", 0 },
		{ "a username with a space", "al ice",
		    "{\"request\":{\"groups\":[\"a\"]}}", ST_OK, 400,
		    "\"BAD_REQUEST\"", "[]", 0 },
		{ "no such consumer", "bob",
		    "{\"request\":{\"groups\":[\"a\"]}}", ST_OK, 404,
		    "\"GROUP_ASSIGN_ERROR\"", "[]", 1 },
		{ "the database down", "alice",
		    "{\"request\":{\"groups\":[\"a\"]}}", ST_DOWN, 503,
		    "\"SERVICE_UNAVAILABLE\"", "[]", 1 },
		{ "a row held too long", "alice",
		    "{\"request\":{\"groups\":[\"a\"]}}", ST_BUSY, 503,
		    "\"SERVICE_UNAVAILABLE\"", "[]", 1 },
		{ "the last admin", "alice",
		    "{\"request\":{\"groups\":[\"a\"]}}", ST_LAST_ADMIN, 409,
		    "\"LAST_ADMIN\"", "[]", 1 },
	};
	json_object	*env;
	char		 hdrs[512];
	size_t		 i;
	int		 status;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		answer = t[i].answer;
		calls = 0;
		env = call(&rt_grant, t[i].user, t[i].body, &status, hdrs,
		    sizeof(hdrs));
		UNIT_CHECK(status == t[i].status, "%s: HTTP %d, want %d",
		    t[i].what, status, t[i].status);
		UNIT_STREQ(at(env, "params", "err"), t[i].err, t[i].what);
		UNIT_STREQ(at(env, "result", "groups"), t[i].groups,
		    t[i].what);
		UNIT_STREQ(at(env, "id", NULL),
		    "\"ekstep.api.am.adminutil.consumer.grant\"", t[i].what);
		UNIT_CHECK(calls == t[i].calls, "%s: %d calls of the store, "
		    "want %d", t[i].what, calls, t[i].calls);
		if (t[i].answer == ST_BUSY)
			UNIT_CHECK(strstr(hdrs, "Retry-After: 1\r\n") != NULL,
			    "%s: no Retry-After", t[i].what);
		json_object_put(env);
	}
	answer = ST_OK;
	/* The exact message of the seeds' error. */
	env = call(&rt_grant, "bob", "{\"request\":{\"groups\":[\"g1\"]}}",
	    &status, hdrs, sizeof(hdrs));
	UNIT_STREQ(at(env, "params", "errmsg"), "\"ERROR WHEN GRANTING "
	    "CONSUMER ACCESS TO API GROUP : g1. CONSUMER DOES NOT EXISTS\"",
	    "the grant's 404");
	json_object_put(env);
}

static void
test_read(void)
{
	json_object	*env;
	char		 hdrs[512];
	int		 status;

	answer = ST_OK;
	strlist_free(&alice);
	CU_ASSERT_EQUAL(strlist_add(&alice, "contentAdmin", 12), 0);
	CU_ASSERT_EQUAL(strlist_add(&alice, "contentUser", 11), 0);
	env = call(&rt_read, "alice", "", &status, hdrs, sizeof(hdrs));
	CU_ASSERT_EQUAL(status, 200);
	UNIT_STREQ(at(env, "result", NULL), "{\"username\":\"alice\","
	    "\"groups\":[\"contentAdmin\",\"contentUser\"],\"limits\":{}}",
	    "read");
	json_object_put(env);
	alice_limits[RL_MINUTE] = 1000;
	alice_limits[RL_DAY] = 1000000000000ULL;
	env = call(&rt_read, "alice", "", &status, hdrs, sizeof(hdrs));
	UNIT_STREQ(at(env, "result", "limits"), "{\"minute\":1000,"
	    "\"day\":1000000000000}", "read with limits");
	memset(alice_limits, 0, sizeof(alice_limits));
	UNIT_STREQ(at(env, "params", "status"), "\"successful\"", "read");
	json_object_put(env);
	env = call(&rt_read, "bob", "", &status, hdrs, sizeof(hdrs));
	CU_ASSERT_EQUAL(status, 404);
	UNIT_STREQ(at(env, "params", "errmsg"), "\"ERROR WHEN FETCHING GROUPS "
	    "OF CONSUMER, USERNAME: bob. CONSUMER DOES NOT EXISTS\"",
	    "the read's 404");
	UNIT_STREQ(at(env, "result", NULL), "{\"username\":\"\",\"groups\":[],"
	    "\"limits\":{}}", "a failure's result: the route's fields, empty");
	json_object_put(env);
	strlist_free(&alice);
}

#define LIM(x)	 "{\"request\":{\"limits\":" x "}}"
#define BAD	 "\"BAD_REQUEST\""

/*
 * Set, replace and clear; every bad body a 400 that leaves the store
 * alone (not called, her limits as they were); 404, 503.
 */
static void
test_limits(void)
{
	static const struct {
		const char	*what, *user, *body;
		enum store_rc	 answer;
		int		 status;
		const char	*err;		/* params.err, as JSON */
		const char	*limits;	/* result.limits, as JSON */
		int		 calls;		/* of the store */
	} t[] = {
		{ "set two", "alice", LIM("{\"hour\":50000,\"minute\":1000}"),
		    ST_OK, 200, "null", "{\"minute\":1000,\"hour\":50000}",
		    1 },
		{ "replace with one", "alice", LIM("{\"day\":1000000000000}"),
		    ST_OK, 200, "null", "{\"day\":1000000000000}", 1 },
		{ "every window", "alice", LIM("{\"second\":1,\"minute\":2,"
		    "\"hour\":3,\"day\":4}"), ST_OK, 200, "null",
		    "{\"second\":1,\"minute\":2,\"hour\":3,\"day\":4}", 1 },
		{ "no request", "alice", "{}", ST_OK, 400, BAD, "{}", 0 },
		{ "no limits", "alice", "{\"request\":{}}", ST_OK, 400, BAD,
		    "{}", 0 },
		{ "limits null", "alice", LIM("null"), ST_OK, 400, BAD, "{}",
		    0 },
		{ "limits an array", "alice", LIM("[1]"), ST_OK, 400, BAD, "{}",
		    0 },
		{ "limits a number", "alice", LIM("5000"), ST_OK, 400, BAD,
		    "{}", 0 },
		{ "an unknown window", "alice", LIM("{\"week\":5}"), ST_OK,
		    400, BAD, "{}", 0 },
		{ "a window in capitals", "alice", LIM("{\"Hour\":5}"), ST_OK,
		    400, BAD, "{}", 0 },
		{ "a float", "alice", LIM("{\"hour\":1.5}"), ST_OK, 400, BAD,
		    "{}", 0 },
		{ "a whole float", "alice", LIM("{\"hour\":100.0}"), ST_OK, 400,
		    BAD, "{}", 0 },
		{ "an exponent", "alice", LIM("{\"hour\":1e3}"), ST_OK, 400,
		    BAD, "{}", 0 },
		{ "a string", "alice", LIM("{\"hour\":\"100\"}"), ST_OK, 400,
		    BAD, "{}", 0 },
		{ "a boolean", "alice", LIM("{\"hour\":true}"), ST_OK, 400,
		    BAD, "{}", 0 },
		{ "a null", "alice", LIM("{\"hour\":null}"), ST_OK, 400, BAD,
		    "{}", 0 },
		{ "zero", "alice", LIM("{\"hour\":0}"), ST_OK, 400, BAD, "{}",
		    0 },
		{ "negative", "alice", LIM("{\"hour\":-5}"), ST_OK, 400, BAD,
		    "{}", 0 },
		{ "over 10^12", "alice", LIM("{\"hour\":1000000000001}"),
		    ST_OK, 400, BAD, "{}", 0 },
		{ "past int64", "alice",
		    LIM("{\"hour\":99999999999999999999}"), ST_OK, 400, BAD,
		    "{}", 0 },
		{ "a window twice", "alice",
		    LIM("{\"hour\":5,\"hour\":50000}"), ST_OK, 400, BAD, "{}",
		    0 },
		{ "limits twice", "alice", "{\"request\":{\"limits\":"
		    "{\"hour\":5},\"limits\":{}}}", ST_OK, 400, BAD, "{}", 0 },
		{ "a NUL in a name", "alice",
		    LIM("{\"hour\\u0000x\":5}"), ST_OK, 400, BAD, "{}", 0 },
		{ "no such consumer", "bob", LIM("{\"hour\":5}"), ST_OK, 404,
		    "\"CONSUMER_NOT_FOUND\"", "{}", 1 },
		{ "the database down", "alice", LIM("{\"hour\":5}"), ST_DOWN,
		    503, "\"SERVICE_UNAVAILABLE\"", "{}", 1 },
		{ "clear", "alice", LIM("{}"), ST_OK, 200, "null", "{}", 1 },
	};
	json_object	*env;
	char		 hdrs[512];
	uint64_t	 before[RL_NWINDOWS];
	size_t		 i;
	int		 status;

	memset(alice_limits, 0, sizeof(alice_limits));
	alice_limits[RL_HOUR] = 77;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		answer = t[i].answer;
		calls = 0;
		memcpy(before, alice_limits, sizeof(before));
		env = call(&rt_limits, t[i].user, t[i].body, &status, hdrs,
		    sizeof(hdrs));
		UNIT_CHECK(status == t[i].status, "%s: HTTP %d, want %d",
		    t[i].what, status, t[i].status);
		UNIT_STREQ(at(env, "params", "err"), t[i].err, t[i].what);
		UNIT_STREQ(at(env, "result", "limits"), t[i].limits,
		    t[i].what);
		UNIT_STREQ(at(env, "result", "username"), status == 200 ?
		    "\"alice\"" : "\"\"", t[i].what);
		UNIT_STREQ(at(env, "id", NULL),
		    "\"ekstep.api.am.adminutil.consumer.limits\"", t[i].what);
		UNIT_CHECK(calls == t[i].calls, "%s: %d calls of the store, "
		    "want %d", t[i].what, calls, t[i].calls);
		if (status != 200)
			UNIT_CHECK(memcmp(before, alice_limits,
			    sizeof(before)) == 0, "%s: her limits changed",
			    t[i].what);
		json_object_put(env);
	}
	answer = ST_OK;
	env = call(&rt_limits, "alice", LIM("{\"hour\":0}"), &status, hdrs,
	    sizeof(hdrs));
	UNIT_STREQ(at(env, "params", "errmsg"), "\"A LIMIT MUST BE AN INTEGER "
	    "FROM 1 TO 1000000000000\"", "zero's message");
	json_object_put(env);
	env = call(&rt_limits, "alice", LIM("{\"week\":1}"), &status, hdrs,
	    sizeof(hdrs));
	UNIT_STREQ(at(env, "params", "errmsg"), "\"LIMITS: A WINDOW IS second, "
	    "minute, hour OR day\"", "an unknown window's message");
	json_object_put(env);
	memset(alice_limits, 0, sizeof(alice_limits));
}

static const CU_TestInfo tests[] = {
	{ "consumer/{username}/grant over a store in memory", test_grant },
	{ "consumer/{username}/read over a store in memory", test_read },
	{ "consumer/{username}/limits over a store in memory: set, clear, "
	    "each bad body a 400 that changes nothing", test_limits },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("admin", tests, NULL, NULL);
}
