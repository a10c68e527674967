/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of envelope.c: the contract's envelope (key order, nulls,
 * resmsgid, ets), the error table and empty results.
 */
#include "build.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "http/envelope.h"
#include "unit.h"

#define ROUTE_ID	 "ekstep.api.am.adminutil.consumer.create"

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 if o's keys are exactly want[0..n), in that order. */
static int
keys_are(json_object *o, const char *const *want, size_t n)
{
	size_t	 i = 0;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (i == n || strcmp(k, want[i]) != 0)
			return 0;
		i++;
	}
	return i == n;
}

/* The member k of o; the test fails when o has no such key. */
static json_object *
member(json_object *o, const char *k)
{
	json_object	*v = NULL;

	UNIT_CHECK(json_object_object_get_ex(o, k, &v), "no key \"%s\"", k);
	return v;
}

/* 1 if o has key k with a JSON null (json-c: a NULL value). */
static int
is_null_member(json_object *o, const char *k)
{
	json_object	*v = NULL;

	return json_object_object_get_ex(o, k, &v) && v == NULL;
}

static int
is_string_member(json_object *o, const char *k, const char *want)
{
	json_object	*v = NULL;

	return json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), want) == 0;
}

static void
test_key_order(void)
{
	static const char *const	 top[] = {
		"id", "ver", "ets", "params", "result"
	};
	static const char *const	 params[] = {
		"status", "err", "errmsg", "msgid", "resmsgid"
	};
	static const char *const	 text[] = {
		"\"id\":", "\"ver\":", "\"ets\":", "\"params\":", "\"status\":",
		"\"err\":", "\"errmsg\":", "\"msgid\":", "\"resmsgid\":",
		"\"result\":"
	};
	json_object	*env;
	const char	*s, *p, *prev = NULL;
	size_t		 i;
	enum err	 e;

	/* Both a success and a failure keep the order. */
	for (e = ERR_NONE; e <= ERR_BAD_REQUEST; e++) {
		env = envelope_new(ROUTE_ID, e, "BAD", "m1", NULL, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(env);
		UNIT_CHECK(keys_are(env, top, 5), "top-level keys of err %d",
		    (int)e);
		UNIT_CHECK(keys_are(member(env, "params"), params, 5),
		    "params keys of err %d", (int)e);

		s = json_object_to_json_string_ext(env,
		    JSON_C_TO_STRING_PLAIN);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		UNIT_CHECK(strncmp(s, "{\"id\":", 6) == 0, "starts: %s", s);
		prev = NULL;
		for (i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
			p = strstr(s, text[i]);
			UNIT_CHECK(p != NULL && (prev == NULL || p > prev),
			    "%s out of order in %s", text[i], s);
			prev = p;
		}
		json_object_put(env);
	}
}

static void
test_success_nulls(void)
{
	json_object	*env, *params;
	const char	*s;

	/* An errmsg given with ERR_NONE is not written. */
	env = envelope_new(ROUTE_ID, ERR_NONE, "IGNORED", "abc", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	CU_ASSERT(is_string_member(env, "id", ROUTE_ID));
	CU_ASSERT(is_string_member(env, "ver", "1.0"));
	params = member(env, "params");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	CU_ASSERT(is_string_member(params, "status", "successful"));
	CU_ASSERT(is_null_member(params, "err"));
	CU_ASSERT(is_null_member(params, "errmsg"));
	CU_ASSERT(is_string_member(params, "msgid", "abc"));
	s = json_object_to_json_string_ext(env, JSON_C_TO_STRING_PLAIN);
	UNIT_CHECK(strstr(s, "\"err\":null,\"errmsg\":null,") != NULL,
	    "nulls not written: %s", s);
	UNIT_CHECK(strstr(s, "IGNORED") == NULL, "errmsg leaked: %s", s);
	json_object_put(env);
}

static void
test_failure_fields(void)
{
	json_object	*env, *params;
	char		 msg[] = "USERNAME IS MANDATORY";

	env = envelope_new(ROUTE_ID, ERR_BAD_REQUEST, msg, "m-7", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	/* errmsg is copied: changing the caller's buffer changes nothing. */
	msg[0] = 'X';
	params = member(env, "params");
	CU_ASSERT_PTR_NOT_NULL_FATAL(params);
	CU_ASSERT(is_string_member(params, "status", "failed"));
	CU_ASSERT(is_string_member(params, "err", "BAD_REQUEST"));
	CU_ASSERT(is_string_member(params, "errmsg", "USERNAME IS MANDATORY"));
	CU_ASSERT(is_string_member(params, "msgid", "m-7"));
	json_object_put(env);

	/* A failure without a message writes null. */
	env = envelope_new(ROUTE_ID, ERR_INTERNAL, NULL, NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	params = member(env, "params");
	CU_ASSERT(is_string_member(params, "err", "INTERNAL_ERROR"));
	CU_ASSERT(is_null_member(params, "errmsg"));
	json_object_put(env);
}

static void
test_msgid(void)
{
	json_object	*env;

	env = envelope_new(ROUTE_ID, ERR_NONE, NULL, NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	CU_ASSERT(is_string_member(member(env, "params"), "msgid", ""));
	json_object_put(env);
	env = envelope_new(ROUTE_ID, ERR_NONE, NULL, "", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	CU_ASSERT(is_string_member(member(env, "params"), "msgid", ""));
	json_object_put(env);
}

static void
test_resmsgid(void)
{
	json_object	*a, *b, *va, *vb;
	const char	*sa, *sb;
	const char	*sa_given = "0f8fad5b-d9cb-469f-a165-70867728950e";

	a = envelope_new(ROUTE_ID, ERR_NONE, NULL, "same", NULL, NULL);
	b = envelope_new(ROUTE_ID, ERR_NONE, NULL, "same", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	va = member(member(a, "params"), "resmsgid");
	vb = member(member(b, "params"), "resmsgid");
	CU_ASSERT_FATAL(json_object_is_type(va, json_type_string));
	CU_ASSERT_FATAL(json_object_is_type(vb, json_type_string));
	sa = json_object_get_string(va);
	sb = json_object_get_string(vb);
	UNIT_CHECK(unit_is_uuid4(sa), "not a lowercase UUIDv4: %s",
	    unit_str(sa));
	UNIT_CHECK(unit_is_uuid4(sb), "not a lowercase UUIDv4: %s",
	    unit_str(sb));
	UNIT_CHECK(strcmp(sa, sb) != 0, "resmsgid reused: %s",
	    unit_str(sa));
	json_object_put(a);
	json_object_put(b);
	/* The one the audit row has is the one the answer has. */
	a = envelope_new(ROUTE_ID, ERR_NONE, NULL, "m", sa_given, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	va = member(member(a, "params"), "resmsgid");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(va), sa_given);
	json_object_put(a);
}

static void
test_ets(void)
{
	json_object	*env, *ets;
	long long	 before, after, v;

	before = now_ms();
	env = envelope_new(ROUTE_ID, ERR_NONE, NULL, NULL, NULL, NULL);
	after = now_ms();
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	ets = member(env, "ets");
	/* A number, not a string, and in milliseconds. */
	CU_ASSERT_FATAL(json_object_is_type(ets, json_type_int));
	v = (long long)json_object_get_int64(ets);
	UNIT_CHECK(v >= before - 1000 && v <= after + 1000,
	    "ets %lld not within a second of [%lld, %lld]", v, before, after);
	/* Milliseconds, not seconds: after 2001-09-09 in ms. */
	CU_ASSERT(v > 1000000000000LL);
	json_object_put(env);

	v = clock_wall_ms();
	after = now_ms();
	CU_ASSERT(v >= before - 1000 && v <= after + 1000);
}

static void
test_result(void)
{
	json_object	*env, *res, *r;

	/* NULL result becomes {}. */
	env = envelope_new(ROUTE_ID, ERR_NONE, NULL, NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	r = member(env, "result");
	CU_ASSERT(json_object_is_type(r, json_type_object));
	CU_ASSERT_EQUAL(json_object_object_length(r), 0);
	json_object_put(env);

	/* A given result is taken over as it is. */
	res = json_object_new_object();
	json_object_object_add(res, "username", json_object_new_string("u"));
	env = envelope_new(ROUTE_ID, ERR_NONE, NULL, NULL, NULL, res);
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	r = member(env, "result");
	CU_ASSERT_PTR_EQUAL(r, res);
	CU_ASSERT(is_string_member(r, "username", "u"));
	json_object_put(env);	/* frees res too: LeakSanitizer checks */
}

static void
test_err_table(void)
{
	static const struct {
		enum err	 e;
		const char	*code;
		int		 status;
	} t[] = {
		{ ERR_NONE,		  NULL,			     200 },
		{ ERR_BAD_REQUEST,	  "BAD_REQUEST",	     400 },
		{ ERR_TOO_LARGE,	  "BAD_REQUEST",	     413 },
		{ ERR_GROUP_FETCH,	  "GROUP_FETCH_ERROR",	     404 },
		{ ERR_GROUP_ASSIGN,	  "GROUP_ASSIGN_ERROR",	     404 },
		{ ERR_CRED_EXISTS,	  "CREATE_CREDENTIAL_ERROR", 409 },
		{ ERR_CRED_NO_CONSUMER,	  "CREATE_CREDENTIAL_ERROR", 404 },
		{ ERR_CONSUMER_NOT_FOUND, "CONSUMER_NOT_FOUND",	     404 },
		{ ERR_UNAVAILABLE,	  "SERVICE_UNAVAILABLE",     503 },
		{ ERR_INTERNAL,		  "INTERNAL_ERROR",	     500 },
		{ ERR_NOT_FOUND,	  "NOT_FOUND",		     404 },
		{ ERR_METHOD,		  "METHOD_NOT_ALLOWED",	     405 },
		{ ERR_UNAUTHORIZED,	  "UNAUTHORIZED",	     401 },
		{ ERR_FORBIDDEN,	  "FORBIDDEN",		     403 },
		{ ERR_MEDIA_TYPE,	  "BAD_REQUEST",	     415 },
		{ ERR_MISDIRECTED,	  "BAD_REQUEST",	     421 },
		{ ERR_LAST_ADMIN,	  "LAST_ADMIN",		     409 },
		{ ERR_DECIDED,		  "REQUEST_DECIDED",	     409 },
		{ ERR_LIMIT,		  "CREDENTIAL_LIMIT",	     409 },
		{ ERR_RATE,		  "TOO_MANY_REQUESTS",	     429 },
		{ ERR_NOT_MANAGED,	  "NOT_MANAGED",	     409 },
	};
	json_object	*env;
	char		 what[32];
	size_t		 i;

	/* Every value of the enum has a row. */
	CU_ASSERT_EQUAL(sizeof(t) / sizeof(t[0]), (size_t)ERR__MAX);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(what, sizeof(what), "err %d", (int)t[i].e);
		UNIT_STREQ(err_code(t[i].e), t[i].code, what);
		UNIT_CHECK(err_status(t[i].e) == t[i].status,
		    "%s: status %d, want %d", what, err_status(t[i].e),
		    t[i].status);
		/* The envelope writes the same code. */
		env = envelope_new(ROUTE_ID, t[i].e, "m", NULL, NULL, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(env);
		if (t[i].code == NULL)
			UNIT_CHECK(is_null_member(member(env, "params"), "err"),
			    "%s: err not null", what);
		else
			UNIT_CHECK(is_string_member(member(env, "params"),
			    "err", t[i].code), "%s: err not %s", what,
			    t[i].code);
		json_object_put(env);
	}
	/* Out of the table: an internal error, never a crash. */
	UNIT_STREQ(err_code(ERR__MAX), "INTERNAL_ERROR", "ERR__MAX");
	CU_ASSERT_EQUAL(err_status(ERR__MAX), 500);
}

static void
test_empty_result(void)
{
	static const struct rfield	 f[] = {
		{ "username", RF_STR },
		{ "groups", RF_ARRAY },
		{ "count", RF_NUM },
		{ "revoked", RF_BOOL },
		{ NULL, RF_STR }
	};
	static const char *const	 names[] = {
		"username", "groups", "count", "revoked"
	};
	static const struct rfield	 none[] = { { NULL, RF_STR } };
	json_object			*o, *v;

	o = envelope_empty_result(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(keys_are(o, names, 4));
	v = member(o, "username");
	CU_ASSERT(json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) == 0);
	v = member(o, "groups");
	CU_ASSERT(json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 0);
	v = member(o, "count");
	CU_ASSERT(json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) == 0);
	v = member(o, "revoked");
	CU_ASSERT(json_object_is_type(v, json_type_boolean) &&
	    !json_object_get_boolean(v));
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN),
	    "{\"username\":\"\",\"groups\":[],\"count\":0,\"revoked\":false}");
	json_object_put(o);

	/* No fields, or a NULL list: {}. */
	o = envelope_empty_result(none);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_object_length(o), 0);
	json_object_put(o);
	o = envelope_empty_result(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_object_length(o), 0);
	json_object_put(o);

	/* As a failure's result, inside the envelope. */
	o = envelope_new(ROUTE_ID, ERR_GROUP_FETCH, "x", NULL, NULL,
	    envelope_empty_result(f));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(keys_are(member(o, "result"), names, 4));
	json_object_put(o);
}

static const CU_TestInfo tests[] = {
	{ "key order id,ver,ets,params{...},result", test_key_order },
	{ "success writes err and errmsg as null", test_success_nulls },
	{ "failure writes status, err, copied errmsg", test_failure_fields },
	{ "msgid NULL or empty is \"\"", test_msgid },
	{ "resmsgid is a fresh lowercase UUIDv4, or the one given",
	    test_resmsgid },
	{ "ets is now in milliseconds", test_ets },
	{ "result: NULL is {}, given one is kept", test_result },
	{ "err_code/err_status for every err", test_err_table },
	{ "envelope_empty_result field kinds", test_empty_result },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("envelope", tests, NULL, NULL);
}
