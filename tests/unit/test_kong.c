/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl import's mapping (src/ctl/kongmap.c) and decK reader
 * (src/ctl/deck.c), without a network: Kong 0.14's rows as its Admin
 * API gives them, each case what must be carried, refused or reported.
 */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/import.h"
#include "unit.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A secret of 164 bytes: one over what the server stores. */
#define LONG_SECRET	"0123456789abcdef0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123"

static struct json_object *
parse(const char *s)
{
	struct json_object	*o = json_tokener_parse(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

/* The report's counter at a dotted path ("consumers.read"). */
static int64_t
counter(struct json_object *r, const char *path)
{
	struct json_object	*o = r;
	char			 buf[128], *p, *dot;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
		*dot = '\0';
		o = json_object_object_get(o, p);
	}
	o = json_object_object_get(o, p);
	return o != NULL ? json_object_get_int64(o) : -1;
}

/* The state of username in the mapped list, or NULL. */
static struct json_object *
state_of(struct json_object *states, const char *user)
{
	struct json_object	*s;
	size_t			 i;

	for (i = 0; i < json_object_array_length(states); i++) {
		s = json_object_array_get_idx(states, i);
		if (strcmp(json_object_get_string(json_object_object_get(s,
		    "username")), user) == 0)
			return s;
	}
	return NULL;
}

/* 1 if the report's list holds an entry of who whose why holds text. */
static int
noted(struct json_object *r, const char *list, const char *who,
    const char *text)
{
	struct json_object	*l = json_object_object_get(r, list), *o;
	size_t			 i;

	for (i = 0; i < json_object_array_length(l); i++) {
		o = json_object_array_get_idx(l, i);
		if (strcmp(json_object_get_string(json_object_object_get(o,
		    "consumer")), who) == 0 && strstr(json_object_get_string(
		    json_object_object_get(o, "why")), text) != NULL)
			return 1;
	}
	return 0;
}

static const char consumers[] = "[\n"
    "{\"id\":\"c1\",\"username\":\"alice\",\"custom_id\":\"x1\","
    "\"created_at\":1500000000},"
    "{\"id\":\"c2\",\"custom_id\":\"bob\"},"
    "{\"id\":\"c3\"},"
    "{\"id\":\"c4\",\"username\":\"bob\"},"
    "{\"id\":\"c5\",\"username\":\"carol\"},"
    "{\"id\":\"c6\",\"username\":\"dave\"},"
    "{\"id\":\"c7\",\"username\":\"erin\",\"username2\":1}]";

static const char jwts[] = "["
    "{\"id\":\"j1\",\"consumer_id\":\"c1\",\"key\":\"k-a1\","
    "\"secret\":\"sa1\"},"
    "{\"id\":\"j2\",\"consumer_id\":\"c1\",\"key\":\"k-a0\","
    "\"algorithm\":\"HS512\",\"secret\":\"sa0\"},"
    "{\"id\":\"j3\",\"consumer_id\":\"c1\",\"key\":\"k-a2\","
    "\"algorithm\":\"RS512\",\"rsa_public_key\":\"PEM-A\","
    "\"secret\":\"unused\"},"
    "{\"id\":\"j4\",\"consumer_id\":\"c5\",\"key\":\"k-c\","
    "\"algorithm\":\"HS256\",\"secret\":\"" LONG_SECRET "\"},"
    "{\"id\":\"j5\",\"consumer_id\":\"c6\",\"key\":\"k-d\","
    "\"algorithm\":\"ES256\"},"
    "{\"id\":\"j6\",\"consumer_id\":\"c7\",\"key\":\"k-e\","
    "\"algorithm\":\"HS1\",\"secret\":\"se\"},"
    "{\"id\":\"j7\",\"consumer_id\":\"gone\",\"key\":\"k-g\","
    "\"secret\":\"sg\"},"
    "{\"id\":\"j8\",\"consumer_id\":\"c3\",\"key\":\"k-3\","
    "\"secret\":\"s3\"}]";

static const char acls[] = "["
    "{\"id\":\"a1\",\"consumer_id\":\"c1\",\"group\":\"zeta\"},"
    "{\"id\":\"a2\",\"consumer_id\":\"c1\",\"group\":\"alpha\"},"
    "{\"id\":\"a3\",\"consumer_id\":\"c1\",\"group\":\"zeta\"},"
    "{\"id\":\"a4\",\"consumer_id\":\"c1\",\"group\":\"zeta\"},"
    "{\"id\":\"a5\",\"consumer_id\":\"c2\",\"group\":\"Alpha\"}]";

static const char plugins[] = "["
    "{\"id\":\"p1\",\"name\":\"rate-limiting\",\"consumer_id\":\"c1\","
    "\"config\":{\"minute\":60,\"hour\":5.0,\"month\":9,"
    "\"limit_by\":\"consumer\",\"policy\":\"cluster\"},\"enabled\":true},"
    "{\"id\":\"p2\",\"name\":\"rate-limiting\",\"consumer_id\":\"c2\","
    "\"config\":{\"month\":100}},"
    "{\"id\":\"p3\",\"name\":\"rate-limiting\",\"consumer_id\":\"c4\","
    "\"config\":{\"second\":1,\"limit_by\":\"ip\"}},"
    "{\"id\":\"p4\",\"name\":\"rate-limiting\",\"route_id\":\"r1\","
    "\"config\":{\"second\":1}},"
    "{\"id\":\"p5\",\"name\":\"rate-limiting\",\"consumer_id\":\"c4\","
    "\"api_id\":\"a1\",\"config\":{\"second\":1}},"
    "{\"id\":\"p6\",\"name\":\"cors\",\"consumer_id\":\"c4\","
    "\"config\":{}},"
    "{\"id\":\"p7\",\"name\":\"rate-limiting\",\"consumer_id\":\"c2\","
    "\"enabled\":false,\"config\":{\"second\":3}}]";

static struct json_object *
mapped(struct json_object **report)
{
	struct json_object	*states;
	struct kong		 k;

	k.consumers = parse(consumers);
	k.jwts = parse(jwts);
	k.acls = parse(acls);
	k.plugins = parse(plugins);
	*report = import_report_new();
	states = kong_map(&k, *report);
	kong_free(&k);
	return states;
}

static void
test_names(void)
{
	struct json_object	*r, *states;

	states = mapped(&r);
	UNIT_CHECK(counter(r, "consumers.read") == 7, "read %lld",
	    (long long)counter(r, "consumers.read"));
	CU_ASSERT_PTR_NOT_NULL(state_of(states, "alice"));
	/* custom_id when there is no username, and said. */
	CU_ASSERT_PTR_NOT_NULL(state_of(states, "bob"));
	CU_ASSERT_EQUAL(counter(r, "consumers.named_by_custom_id"), 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(
	    json_object_object_get(r, "named_by_custom_id"), 0)), "bob");
	/* Neither: refused, its credential not taken for a stray. */
	CU_ASSERT_EQUAL(counter(r, "consumers.unnamed"), 1);
	CU_ASSERT(noted(r, "refused", "c3", "neither username nor "
	    "custom_id"));
	CU_ASSERT(!noted(r, "not_carried", "c3", ""));
	/* A name two consumers take: the second refused. */
	CU_ASSERT(noted(r, "refused", "bob", "another Kong consumer"));
	/* A credential of a consumer not listed: reported. */
	CU_ASSERT(noted(r, "not_carried", "gone", "JWT credential"));
	json_object_put(states);
	json_object_put(r);
}

static void
test_groups_and_credentials(void)
{
	struct json_object	*r, *states, *s, *g, *c, *v;
	const char		*text;

	states = mapped(&r);
	s = state_of(states, "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* Byte order, duplicates collapsed and reported. */
	g = json_object_object_get(s, "groups");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(g,
	    JSON_C_TO_STRING_PLAIN), "[\"alpha\",\"zeta\"]");
	CU_ASSERT(noted(r, "duplicates", "alice", "group zeta 3 times"));
	CU_ASSERT_EQUAL(counter(r, "groups.duplicates_collapsed"), 2);
	/* Every credential, sorted by key; HS256 when Kong says none. */
	c = json_object_object_get(s, "credentials");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(c), 3);
	v = json_object_array_get_idx(c, 0);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v,
	    "key")), "k-a0");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v,
	    "algorithm")), "HS512");
	v = json_object_array_get_idx(c, 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v,
	    "algorithm")), "HS256");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v,
	    "secret")), "sa1");
	/* A public key's credential: its PEM, never Kong's secret. */
	v = json_object_array_get_idx(c, 2);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v,
	    "public_key")), "PEM-A");
	CU_ASSERT(!json_object_object_get_ex(v, "secret", NULL));
	/* Too long a secret, no public key, an unknown algorithm. */
	CU_ASSERT_PTR_NULL(state_of(states, "carol"));
	CU_ASSERT(noted(r, "refused", "carol", "a secret of 164 bytes"));
	CU_ASSERT_PTR_NULL(state_of(states, "dave"));
	CU_ASSERT(noted(r, "refused", "dave", "ES256 without a public key"));
	CU_ASSERT_PTR_NULL(state_of(states, "erin"));
	CU_ASSERT(noted(r, "refused", "erin", "algorithm HS1"));
	CU_ASSERT_EQUAL(counter(r, "consumers.refused"), 5);
	/* The report holds no secret, not even the refused one's. */
	text = json_object_to_json_string(r);
	CU_ASSERT_PTR_NULL(strstr(text, LONG_SECRET));
	CU_ASSERT_PTR_NULL(strstr(text, "sa1"));
	CU_ASSERT_PTR_NULL(strstr(text, "unused"));
	json_object_put(states);
	json_object_put(r);
}

static void
test_limits(void)
{
	struct json_object	*r, *states, *s;

	states = mapped(&r);
	s = state_of(states, "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* minute and hour (5.0 is 5); month said, not carried. */
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(s, "limits"), JSON_C_TO_STRING_PLAIN),
	    "{\"minute\":60,\"hour\":5}");
	CU_ASSERT(noted(r, "not_carried", "alice", "month 9"));
	/* month only: no limits, said; a disabled plugin, said. */
	s = state_of(states, "bob");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(json_object_object_length(json_object_object_get(s,
	    "limits")), 0);
	CU_ASSERT(noted(r, "not_carried", "bob", "month 100"));
	CU_ASSERT(noted(r, "not_carried", "bob", "disabled"));
	/* By IP, on a route or an API, another plugin: said, by name. */
	CU_ASSERT(noted(r, "not_carried", "bob", "rate-limiting by ip"));
	CU_ASSERT(noted(r, "not_carried", "-", "rate-limiting (2)"));
	CU_ASSERT(noted(r, "not_carried", "bob", "plugin cors"));
	CU_ASSERT_EQUAL(counter(r, "plugins.not_carried"), 6);
	json_object_put(states);
	json_object_put(r);
}

static void
test_page(void)
{
	static const struct {
		const char	*page;
		int		 total;
		const char	*why;	/* NULL: good */
	} t[] = {
		{ "{\"total\":2,\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", 1,
		    NULL },
		{ "{\"total\":3,\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", 1,
		    "fewer or more rows" },
		{ "{\"data\":[{\"id\":\"a\"}]}", 1, "no \"total\"" },
		{ "{\"data\":[{\"id\":\"a\"}]}", 0, NULL },
		{ "{\"total\":2,\"data\":[{\"id\":\"a\"},{\"id\":\"a\"}]}", 1,
		    "given twice" },
		{ "{\"total\":1,\"data\":[{\"key\":\"a\"}]}", 1,
		    "string id" },
		{ "[]", 0, "no \"data\"" },
	};
	struct json_object	*p, *d;
	const char		*why;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		why = NULL;
		p = parse(t[i].page);
		d = kong_page_data(p, t[i].total, &why);
		if (t[i].why == NULL)
			UNIT_CHECK(d != NULL, "%s: refused: %s", t[i].page,
			    unit_str(why));
		else
			UNIT_CHECK(d == NULL && why != NULL && strstr(why,
			    t[i].why) != NULL, "%s: %s, want %s", t[i].page,
			    unit_str(why), t[i].why);
		json_object_put(d);
		json_object_put(p);
	}
}

/* A decK file of text, read; its report and states. */
static int
deck_of(const char *text, struct json_object **states,
    struct json_object **report)
{
	struct kong	 k;
	char		 path[] = "/tmp/test_kong.XXXXXX";
	int		 fd, rc;

	*states = NULL;
	*report = import_report_new();
	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) ==
	    (ssize_t)strlen(text));
	close(fd);
	rc = deck_read(path, &k);
	unlink(path);
	if (rc == CTL_OK) {
		*states = kong_map(&k, *report);
		kong_free(&k);
	}
	return rc;
}

static void
test_deck(void)
{
	static const char v3[] = "{\"_format_version\":\"3.0\",\"consumers\":["
	    "{\"username\":\"u1\",\"tags\":[\"t\"],\"jwt_secrets\":[{\"key\":"
	    "\"k1\",\"secret\":\"s1\",\"algorithm\":\"HS384\"}],\"acls\":["
	    "{\"group\":\"g\"},{\"group\":\"g\"}],\"plugins\":[{\"name\":"
	    "\"rate-limiting\",\"config\":{\"second\":2}}]},"
	    "{\"custom_id\":\"u2\"},{\"tags\":[\"x\"]}],"
	    "\"plugins\":[{\"name\":\"acl\",\"service\":\"s\"}]}";
	/* Refused by the reader: an alias, a key twice, not a decK file. */
	static const char *const bad[] = {
		"_format_version: \"3.0\"\nconsumers:\n- &a {username: x}\n"
		"- *a\n",
		"_format_version: \"3.0\"\n_format_version: \"1.1\"\n",
		"{\"_format_version\":\"1.0\"}",
		"{\"consumers\":[]}",
		"{\"_format_version\":\"3.0\",\"consumers\":{}}",
		"{\"_format_version\":\"3.0\",\"consumers\":[{\"acls\":7}]}",
	};
	static const char v1[] = "{\"_format_version\":\"1.1\",\"consumers\":["
	    "{\"username\":\"u1\",\"custom_id\":\"c1\"}],\"plugins\":["
	    "{\"name\":\"rate-limiting\",\"consumer\":\"c1\",\"config\":"
	    "{\"hour\":7}},{\"name\":\"rate-limiting\",\"consumer\":\"u9\","
	    "\"config\":{\"hour\":7}}],\"jwt_secrets\":[{\"consumer\":\"u1\","
	    "\"key\":\"k1\",\"secret\":\"s1\"}]}";
	struct json_object	*states, *r, *s;
	size_t			 i;

	CU_ASSERT_EQUAL_FATAL(deck_of(v3, &states, &r), CTL_OK);
	s = state_of(states, "u1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(s,
	    JSON_C_TO_STRING_PLAIN), "{\"username\":\"u1\",\"credentials\":"
	    "[{\"key\":\"k1\",\"algorithm\":\"HS384\",\"secret\":\"s1\"}],"
	    "\"limits\":{\"second\":2},\"groups\":[\"g\"]}");
	CU_ASSERT(noted(r, "duplicates", "u1", "group g 2 times"));
	CU_ASSERT_PTR_NOT_NULL(state_of(states, "u2"));
	CU_ASSERT_EQUAL(counter(r, "consumers.unnamed"), 1);
	CU_ASSERT(noted(r, "not_carried", "-", "acl (1)"));
	json_object_put(states);
	json_object_put(r);

	/* 1.1: top-level rows name their consumer, by username or id. */
	CU_ASSERT_EQUAL_FATAL(deck_of(v1, &states, &r), CTL_OK);
	s = state_of(states, "u1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(s, "limits"), JSON_C_TO_STRING_PLAIN),
	    "{\"hour\":7}");
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(s,
	    "credentials")), 1);
	CU_ASSERT(noted(r, "not_carried", "u9", "not in the consumers"));
	json_object_put(states);
	json_object_put(r);

	/* YAML, as deck dump writes it: the same mapping. */
	CU_ASSERT_EQUAL_FATAL(deck_of("_format_version: \"3.0\"\n"
	    "consumers:\n- username: u1\n  jwt_secrets:\n  - key: k1\n"
	    "    secret: s1\n    algorithm: HS512\n  acls:\n"
	    "  - group: g\n  plugins:\n  - name: rate-limiting\n"
	    "    config:\n      minute: 5\n      month: 9\n", &states, &r),
	    CTL_OK);
	s = state_of(states, "u1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(s,
	    JSON_C_TO_STRING_PLAIN), "{\"username\":\"u1\",\"credentials\":"
	    "[{\"key\":\"k1\",\"algorithm\":\"HS512\",\"secret\":\"s1\"}],"
	    "\"limits\":{\"minute\":5},\"groups\":[\"g\"]}");
	CU_ASSERT(noted(r, "not_carried", "u1", "month 9"));
	json_object_put(states);
	json_object_put(r);
	/* A key given as a number: refused, not taken for a string. */
	CU_ASSERT_EQUAL_FATAL(deck_of("_format_version: \"3.0\"\n"
	    "consumers:\n- username: u1\n  jwt_secrets:\n  - key: 12\n"
	    "    secret: s1\n", &states, &r), CTL_OK);
	CU_ASSERT_PTR_NULL(state_of(states, "u1"));
	CU_ASSERT(noted(r, "refused", "u1", "without a key"));
	json_object_put(states);
	json_object_put(r);
	for (i = 0; i < NELEM(bad); i++) {
		CU_ASSERT_EQUAL(deck_of(bad[i], &states, &r), CTL_UNREACHABLE);
		json_object_put(r);
	}
}

static const CU_TestInfo tests[] = {
	{ "consumers named by username, custom_id, neither, twice",
	    test_names },
	{ "groups and credentials carried, refusals by consumer",
	    test_groups_and_credentials },
	{ "rate-limiting plugins: carried or said why not", test_limits },
	{ "old DAO pages: total, repeated ids", test_page },
	{ "decK 3.0 and 1.1 files, JSON and YAML, bad ones refused",
	    test_deck },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("kong", tests, NULL, NULL);
}
