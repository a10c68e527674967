/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of request.c: percent-decoding, the JSON body parser,
 * response headers and the method map.
 */
#include "build.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "http/request.h"
#include "unit.h"

#define LIT(s)	 (s), sizeof(s) - 1

static void
test_percent_decode(void)
{
	static const struct {
		const char	*in;
		size_t		 inlen;
		const char	*out;	/* NULL: malformed */
		size_t		 outlen;
	} t[] = {
		{ LIT(""),		"",		0 },
		{ LIT("plain"),		"plain",	5 },
		{ LIT("XYZ-Corp"),	"XYZ-Corp",	8 },
		{ LIT("a%2Fb"),		"a/b",		3 },
		{ LIT("a%2fb"),		"a/b",		3 },
		{ LIT("%20"),		" ",		1 },
		{ LIT("a%20b%20c"),	"a b c",	5 },
		{ LIT("%41%42%43"),	"ABC",		3 },
		{ LIT("%c3%A9"),	"\xc3\xa9",	2 },
		{ LIT("%ff"),		"\xff",		1 },
		{ LIT("%25"),		"%",		1 },
		{ LIT("%2525"),		"%25",		3 },
		{ LIT("a+b"),		"a+b",		3 },	/* not a form */
		{ LIT("%00"),		NULL,		0 },
		{ LIT("a%00b"),		NULL,		0 },
		{ LIT("%"),		NULL,		0 },
		{ LIT("a%"),		NULL,		0 },
		{ LIT("%4"),		NULL,		0 },
		{ LIT("a%4"),		NULL,		0 },
		{ LIT("%zz"),		NULL,		0 },
		{ LIT("%4z"),		NULL,		0 },
		{ LIT("%z4"),		NULL,		0 },
		{ LIT("%g0"),		NULL,		0 },
		{ LIT("%%"),		NULL,		0 },
		{ LIT("%%41"),		NULL,		0 },
		{ LIT("%-1"),		NULL,		0 },
		{ LIT("% 1"),		NULL,		0 },
		{ LIT("ok%2Fthen%"),	NULL,		0 },
	};
	char	*out;
	size_t	 i, outlen;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		outlen = 12345;
		errno = 0;
		out = request_percent_decode(t[i].in, t[i].inlen, &outlen);
		if (t[i].out == NULL) {
			UNIT_CHECK(out == NULL, "\"%s\" decoded, want NULL",
			    t[i].in);
			UNIT_CHECK(outlen == 0, "\"%s\": outlen %zu", t[i].in,
			    outlen);
			UNIT_CHECK(errno != ENOMEM, "\"%s\": ENOMEM", t[i].in);
		} else {
			UNIT_CHECK(out != NULL, "\"%s\" refused", t[i].in);
			if (out == NULL)
				continue;
			UNIT_CHECK(outlen == t[i].outlen &&
			    memcmp(out, t[i].out, outlen) == 0 &&
			    out[outlen] == '\0', "\"%s\": got %zu bytes \"%s\"",
			    t[i].in, outlen, out);
		}
		free(out);
	}

	/* Only len bytes are read: an escape cut by len is malformed. */
	out = request_percent_decode("ab%2F", 4, &outlen);
	CU_ASSERT_PTR_NULL(out);
	free(out);
	out = request_percent_decode("ab%2Fzz", 5, &outlen);
	CU_ASSERT(out != NULL && outlen == 3 && strcmp(out, "ab/") == 0);
	free(out);
}

/*
 * percent_decode, the one decoder of the router, the introspection form
 * and the ACL: each row decoded into a separate buffer and in place,
 * with the same answer.
 */
static void
test_percent_decode_one(void)
{
	static const struct {
		const char	*in;
		size_t		 inlen;
		const char	*out;	/* NULL: refused */
		size_t		 outlen;
	} t[] = {
		{ LIT(""),		"",		0 },
		{ LIT("a"),		"a",		1 },
		{ LIT("/a/b"),		"/a/b",		4 },
		{ LIT("%2F"),		"/",		1 },
		{ LIT("%2f"),		"/",		1 },
		{ LIT("a%2Fb%2fc"),	"a/b/c",	5 },
		{ LIT("%25"),		"%",		1 },
		{ LIT("%2525"),		"%25",		3 },	/* once */
		{ LIT("%252F"),		"%2F",		3 },
		{ LIT("%41%62"),	"Ab",		2 },
		{ LIT("%aB%Ab"),	"\xab\xab",	2 },
		{ LIT("%01"),		"\x01",		1 },
		{ LIT("%10"),		"\x10",		1 },
		{ LIT("%fF"),		"\xff",		1 },
		/* Bytes, not characters: overlong UTF-8 is not "/". */
		{ LIT("%C0%AF"),	"\xc0\xaf",	2 },
		{ LIT("%c0%ae%c0%ae"),	"\xc0\xae\xc0\xae", 4 },
		{ LIT("%E0%80%AF"),	"\xe0\x80\xaf",	3 },
		{ LIT("a+b"),		"a+b",		3 },
		{ LIT("%2B"),		"+",		1 },
		/* NUL, escaped or not. */
		{ LIT("%00"),		NULL,		0 },
		{ LIT("a%00"),		NULL,		0 },
		{ LIT("%00a"),		NULL,		0 },
		{ LIT("%2F%00"),	NULL,		0 },
		{ LIT("\0"),		NULL,		0 },
		{ LIT("a\0b"),		NULL,		0 },
		/* Not two hex digits, or cut short. */
		{ LIT("%"),		NULL,		0 },
		{ LIT("a%"),		NULL,		0 },
		{ LIT("%4"),		NULL,		0 },
		{ LIT("a%4"),		NULL,		0 },
		{ LIT("%G0"),		NULL,		0 },
		{ LIT("%0G"),		NULL,		0 },
		{ LIT("%g0"),		NULL,		0 },
		{ LIT("%0g"),		NULL,		0 },
		{ LIT("%%"),		NULL,		0 },
		{ LIT("%%41"),		NULL,		0 },
		{ LIT("%+1"),		NULL,		0 },
		{ LIT("%0x1"),		NULL,		0 },
		{ LIT("%2F%"),		NULL,		0 },
		{ LIT("%25%"),		NULL,		0 },
	};
	char	 buf[32], in[32];
	long	 n;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(buf, 'X', sizeof(buf));
		n = percent_decode(buf, t[i].in, t[i].inlen);
		if (t[i].out == NULL)
			UNIT_CHECK(n == -1, "row %zu \"%s\": got %ld, "
			    "want -1", i, t[i].in, n);
		else
			UNIT_CHECK(n >= 0 && (size_t)n == t[i].outlen &&
			    memcmp(buf, t[i].out, t[i].outlen) == 0 &&
			    buf[n] == 'X', "row %zu \"%s\": got %ld, "
			    "want %zu", i, t[i].in, n, t[i].outlen);

		/* In place: the same answer. */
		memcpy(in, t[i].in, t[i].inlen);
		n = percent_decode(in, in, t[i].inlen);
		if (t[i].out == NULL)
			UNIT_CHECK(n == -1, "row %zu \"%s\" in place: got "
			    "%ld, want -1", i, t[i].in, n);
		else
			UNIT_CHECK(n >= 0 && (size_t)n == t[i].outlen &&
			    memcmp(in, t[i].out, t[i].outlen) == 0,
			    "row %zu \"%s\" in place: got %ld, want %zu", i,
			    t[i].in, n, t[i].outlen);
	}

	/* Only len bytes are read: an escape cut by len is refused. */
	CU_ASSERT_EQUAL(percent_decode(buf, "a%2F", 3), -1);
	CU_ASSERT_EQUAL(percent_decode(buf, "a%2F", 2), -1);
	CU_ASSERT(percent_decode(buf, "a%2F%00", 4) == 2 &&
	    memcmp(buf, "a/", 2) == 0);
	CU_ASSERT_EQUAL(percent_decode(buf, NULL, 0), 0);
}

/* A request whose body is a malloc'ed copy of b[0..n). */
static void
set_body(struct request *r, const char *b, size_t n)
{
	request_init(r);
	r->body = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->body);
	memcpy(r->body, b, n);
	r->body[n] = '\0';
	r->bodylen = n;
}

static void
test_parse_table(void)
{
	static const char	 notjson[] = "REQUEST BODY IS NOT VALID JSON";
	static const char	 notobj[] =
	    "REQUEST BODY MUST BE A JSON OBJECT";
	static const char	 notutf8[] = "REQUEST BODY IS NOT VALID UTF-8";
	static const struct {
		const char	*name;
		const char	*body;
		size_t		 len;
		const char	*want;
		const char	*msgid;
	} t[] = {
		{ "empty", LIT(""), NULL, "" },
		{ "spaces", LIT("   "), NULL, "" },
		{ "white space", LIT(" \t\r\n \n"), NULL, "" },
		{ "{}", LIT("{}"), NULL, "" },
		{ "{} in space", LIT("\n {} \r\n"), NULL, "" },
		{ "seed request", LIT("{\"id\":\"ekstep.api.am.adminutil."
		    "consumer.create\",\"ver\":\"1.0\",\"ets\":1489054878488,"
		    "\"params\":{\"msgid\":\"\"},\"request\":{\"username\":"
		    "\"XYZ-Corp\"}}"), NULL, "" },
		{ "msgid echoed", LIT("{\"params\":{\"msgid\":\"c3049b36\"}}"),
		    NULL, "c3049b36" },
		{ "msgid null", LIT("{\"params\":{\"msgid\":null}}"), NULL,
		    "" },
		{ "params null", LIT("{\"params\":null}"), NULL, "" },
		{ "unknown fields", LIT("{\"x\":[1,2],\"params\":{\"y\":1}}"),
		    NULL, "" },
		{ "UTF-8 msgid",
		    LIT("{\"params\":{\"msgid\":\"caf\xc3\xa9\"}}"), NULL,
		    "caf\xc3\xa9" },

		{ "not JSON", LIT("hello"), notjson, "" },
		{ "half an object", LIT("{\"a\":"), notjson, "" },
		{ "unclosed", LIT("{"), notjson, "" },
		{ "trailing garbage", LIT("{}x"), notjson, "" },
		{ "two objects", LIT("{} {}"), notjson, "" },
		{ "trailing comma", LIT("{\"a\":1,}"), notjson, "" },
		{ "NUL after object", LIT("{}\0"), notjson, "" },
		{ "form body", LIT("token=abc"), notjson, "" },
		{ "array", LIT("[]"), notobj, "" },
		{ "array of objects", LIT("[{}]"), notobj, "" },
		{ "string", LIT("\"{}\""), notobj, "" },
		{ "invalid UTF-8 in value", LIT("{\"a\":\"\xff\"}"), notutf8,
		    "" },
		{ "invalid UTF-8 in key", LIT("{\"\xc3\x28\":1}"), notutf8,
		    "" },
		{ "truncated UTF-8", LIT("{\"a\":\"\xe2\x82\"}"), notutf8, "" },
		{ "msgid a number", LIT("{\"params\":{\"msgid\":5}}"),
		    "MSGID MUST BE A STRING", "" },
		{ "msgid an object", LIT("{\"params\":{\"msgid\":{}}}"),
		    "MSGID MUST BE A STRING", "" },
		{ "msgid true", LIT("{\"params\":{\"msgid\":true}}"),
		    "MSGID MUST BE A STRING", "" },
		{ "params a string", LIT("{\"params\":\"x\"}"),
		    "PARAMS MUST BE AN OBJECT", "" },
		{ "request an array",
		    LIT("{\"params\":{\"msgid\":\"m1\"},\"request\":[]}"),
		    "REQUEST MUST BE AN OBJECT", "m1" },
		{ "request a string", LIT("{\"request\":\"x\"}"),
		    "REQUEST MUST BE AN OBJECT", "" },
		{ "single-quoted name", LIT("{'request':{}}"), notjson, "" },
		{ "single-quoted value", LIT("{\"a\":'x'}"), notjson, "" },
		{ "a quote inside a string is text",
		    LIT("{\"params\":{\"msgid\":\"it's\"}}"), NULL, "it's" },
		{ "a lone high surrogate",
		    LIT("{\"params\":{\"msgid\":\"\\ud800\"}}"),
		    "REQUEST BODY HOLDS HALF A SURROGATE PAIR", "" },
		{ "a lone low surrogate",
		    LIT("{\"params\":{\"msgid\":\"\\udc00x\"}}"),
		    "REQUEST BODY HOLDS HALF A SURROGATE PAIR", "" },
		{ "a high surrogate then another escape",
		    LIT("{\"a\":\"\\ud83d\\u0041\"}"),
		    "REQUEST BODY HOLDS HALF A SURROGATE PAIR", "" },
		{ "a surrogate pair is a character",
		    LIT("{\"params\":{\"msgid\":\"\\ud83d\\ude00\"}}"), NULL,
		    "\xf0\x9f\x98\x80" },
		{ "an escaped backslash then u is text",
		    LIT("{\"params\":{\"msgid\":\"\\\\ud800\"}}"), NULL,
		    "\\ud800" },
	};
	struct request	 r;
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		set_body(&r, t[i].body, t[i].len);
		got = request_parse_json(&r);
		UNIT_STREQ(got, t[i].want, t[i].name);
		/* msgid stays usable on every path. */
		UNIT_CHECK(r.msgid != NULL && strcmp(r.msgid, t[i].msgid) == 0,
		    "%s: msgid \"%s\", want \"%s\"", t[i].name,
		    unit_str(r.msgid), t[i].msgid);
		if (got == NULL)
			UNIT_CHECK(json_object_is_type(r.json,
			    json_type_object), "%s: json not an object",
			    t[i].name);
		request_free(&r);
	}
}

/*
 * Bare JSON values are JSON, but not an object (regression: json-c saw
 * no end to a bare number or literal without the NUL after the body).
 */
static void
test_parse_bare_values(void)
{
	static const char	 notjson[] = "REQUEST BODY IS NOT VALID JSON";
	static const char	 notobj[] =
	    "REQUEST BODY MUST BE A JSON OBJECT";
	static const struct {
		const char	*body;
		size_t		 len;
		const char	*want;
	} t[] = {
		{ LIT("123"), notobj },
		{ LIT("-1"), notobj },
		{ LIT("0"), notobj },
		{ LIT("1.5"), notobj },
		{ LIT("1e3"), notobj },
		{ LIT("true"), notobj },
		{ LIT("false"), notobj },
		{ LIT("null"), notobj },
		{ LIT(" 123 \r\n"), notobj },
		{ LIT("\ttrue\n"), notobj },
		{ LIT("\"s\""), notobj },
		/* Still not JSON. */
		{ LIT("{}x"), notjson },
		{ LIT("123x"), notjson },
		{ LIT("1 2"), notjson },
		{ LIT("-"), notjson },
		{ LIT("tru"), notjson },
		{ LIT("nul"), notjson },
		{ LIT("nullx"), notjson },
		{ LIT("True"), notjson },
		{ LIT("123\0"), notjson },
	};
	struct request	 r;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* As the worker makes it: bodylen bytes, then a NUL. */
		set_body(&r, t[i].body, t[i].len);
		UNIT_STREQ(request_parse_json(&r), t[i].want, t[i].body);
		CU_ASSERT_STRING_EQUAL(r.msgid, "");
		request_free(&r);
	}
}

static void
test_parse_no_body(void)
{
	struct request	 r;

	request_init(&r);
	CU_ASSERT_STRING_EQUAL(r.msgid, "");
	CU_ASSERT_PTR_NULL(request_parse_json(&r));
	CU_ASSERT(json_object_is_type(r.json, json_type_object));
	CU_ASSERT_EQUAL(json_object_object_length(r.json), 0);
	CU_ASSERT_PTR_NULL(r.req);
	request_free(&r);
}

static void
test_parse_request_object(void)
{
	static const char	 b[] = "{\"params\":{\"msgid\":\"id-1\"},"
	    "\"request\":{\"username\":\"XYZ-Corp\"}}";
	struct request		 r;
	json_object		*u;

	set_body(&r, LIT(b));
	CU_ASSERT_PTR_NULL_FATAL(request_parse_json(&r));
	CU_ASSERT_STRING_EQUAL(r.msgid, "id-1");
	CU_ASSERT_FATAL(json_object_is_type(r.req, json_type_object));
	CU_ASSERT(json_object_object_get_ex(r.req, "username", &u));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(u), "XYZ-Corp");
	request_free(&r);

	/* No "request": r->req stays NULL. */
	set_body(&r, LIT("{\"params\":{}}"));
	CU_ASSERT_PTR_NULL(request_parse_json(&r));
	CU_ASSERT_PTR_NULL(r.req);
	request_free(&r);
}

static void
test_parse_msgid_length(void)
{
	char		 b[400];
	struct request	 r;
	int		 n;

	/* 255 bytes is the longest msgid. */
	n = snprintf(b, sizeof(b), "{\"params\":{\"msgid\":\"%0255d\"}}", 0);
	set_body(&r, b, (size_t)n);
	CU_ASSERT_PTR_NULL(request_parse_json(&r));
	CU_ASSERT_EQUAL(strlen(r.msgid), 255);
	request_free(&r);
	n = snprintf(b, sizeof(b), "{\"params\":{\"msgid\":\"%0256d\"}}", 0);
	set_body(&r, b, (size_t)n);
	UNIT_STREQ(request_parse_json(&r),
	    "MSGID MUST NOT BE LONGER THAN 255 BYTES", "256-byte msgid");
	CU_ASSERT_STRING_EQUAL(r.msgid, "");
	request_free(&r);
}

/* depth levels of "[" around "{}" ... inside {"a": ...}. */
static char *
nested(size_t depth, size_t *len)
{
	char	*b;
	size_t	 i, o = 0;

	if ((b = malloc(2 * depth + 16)) == NULL)
		return NULL;
	memcpy(b, "{\"a\":", 5);
	o = 5;
	for (i = 0; i < depth; i++)
		b[o++] = '[';
	for (i = 0; i < depth; i++)
		b[o++] = ']';
	b[o++] = '}';
	b[o] = '\0';
	*len = o;
	return b;
}

static void
test_parse_depth(void)
{
	struct request	 r;
	char		*b;
	size_t		 len;

	/* A modest nesting is fine. */
	b = nested(8, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	set_body(&r, b, len);
	CU_ASSERT_PTR_NULL(request_parse_json(&r));
	request_free(&r);
	free(b);

	/* 100 nested arrays are refused, as an object's member... */
	b = nested(100, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	set_body(&r, b, len);
	UNIT_STREQ(request_parse_json(&r), "REQUEST BODY IS NOT VALID JSON",
	    "100 nested arrays in an object");
	CU_ASSERT_PTR_NULL(r.json);
	request_free(&r);

	/* ...and on their own. */
	set_body(&r, b + 5, 200);
	UNIT_STREQ(request_parse_json(&r), "REQUEST BODY IS NOT VALID JSON",
	    "100 nested arrays");
	CU_ASSERT_PTR_NULL(r.json);
	request_free(&r);
	free(b);
}

static void
test_response_header(void)
{
	struct response	 res;
	char		*big;

	response_init(&res);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT_EQUAL(res.headerslen, 0);
	CU_ASSERT_EQUAL(response_header(&res, "Content-Type",
	    "application/json; charset=utf-8"), 0);
	CU_ASSERT_STRING_EQUAL(res.headers,
	    "Content-Type: application/json; charset=utf-8\r\n");
	CU_ASSERT_EQUAL(res.headerslen, strlen(res.headers));
	CU_ASSERT_EQUAL(response_header(&res, "X-Consumer-Username", "u"), 0);
	CU_ASSERT_STRING_EQUAL(res.headers,
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "X-Consumer-Username: u\r\n");
	CU_ASSERT_EQUAL(res.headerslen, strlen(res.headers));

	/* CR or LF in a value: refused, nothing written. */
	CU_ASSERT_EQUAL(response_header(&res, "X-A", "a\r\nX-Evil: 1"), -1);
	CU_ASSERT_EQUAL(response_header(&res, "X-A", "a\nb"), -1);
	CU_ASSERT_EQUAL(response_header(&res, "X-A", "a\rb"), -1);
	CU_ASSERT_EQUAL(response_header(&res, "X-A", "\n"), -1);
	CU_ASSERT_STRING_EQUAL(res.headers,
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "X-Consumer-Username: u\r\n");
	CU_ASSERT_EQUAL(res.headerslen, strlen(res.headers));

	/* An empty value is a header. */
	response_free(&res);
	CU_ASSERT_EQUAL(res.headerslen, 0);
	CU_ASSERT_EQUAL(response_header(&res, "X-Empty", ""), 0);
	CU_ASSERT_STRING_EQUAL(res.headers, "X-Empty: \r\n");
	response_free(&res);

	/* The bound: "X: " + v + "\r\n" + NUL in RESPONSE_MAX_HEADERS. */
	big = malloc(RESPONSE_MAX_HEADERS + 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'v', RESPONSE_MAX_HEADERS + 100);
	big[RESPONSE_MAX_HEADERS - 6] = '\0';
	CU_ASSERT_EQUAL(response_header(&res, "X", big), 0);
	CU_ASSERT_EQUAL(res.headerslen, RESPONSE_MAX_HEADERS - 1);
	CU_ASSERT_EQUAL(strlen(res.headers), RESPONSE_MAX_HEADERS - 1);
	CU_ASSERT_EQUAL(response_header(&res, "Y", ""), -1);
	CU_ASSERT_EQUAL(res.headerslen, RESPONSE_MAX_HEADERS - 1);
	response_free(&res);
	big[RESPONSE_MAX_HEADERS - 6] = 'v';
	big[RESPONSE_MAX_HEADERS - 5] = '\0';
	CU_ASSERT_EQUAL(response_header(&res, "X", big), -1);
	CU_ASSERT_EQUAL(res.headerslen, 0);
	big[RESPONSE_MAX_HEADERS - 5] = 'v';
	big[RESPONSE_MAX_HEADERS + 99] = '\0';
	CU_ASSERT_EQUAL(response_header(&res, "X", big), -1);
	CU_ASSERT_EQUAL(res.headerslen, 0);
	response_free(&res);
	free(big);
}

static void
test_method(void)
{
	static const struct {
		const char	*in;
		enum method	 want;
	} t[] = {
		{ "GET", METHOD_GET },
		{ "HEAD", METHOD_HEAD },
		{ "POST", METHOD_POST },
		{ "PUT", METHOD_OTHER },
		{ "DELETE", METHOD_OTHER },
		{ "OPTIONS", METHOD_OTHER },
		{ "get", METHOD_OTHER },
		{ "Post", METHOD_OTHER },
		{ "GET ", METHOD_OTHER },
		{ "POSTX", METHOD_OTHER },
		{ "GE", METHOD_OTHER },
		{ "", METHOD_OTHER },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		UNIT_CHECK(request_method(t[i].in) == t[i].want,
		    "request_method(\"%s\") = %d, want %d", t[i].in,
		    (int)request_method(t[i].in), (int)t[i].want);
	CU_ASSERT_EQUAL(request_method(NULL), METHOD_OTHER);
}

static void
test_request_free(void)
{
	struct request	 r;

	/* request_free frees everything and leaves an initialised one. */
	set_body(&r, LIT("{\"params\":{\"msgid\":\"m\"}}"));
	r.path = strdup("/v1/consumer/x/read");
	r.authorization = strdup("Bearer x");
	r.pathv[0] = strdup("x");
	r.pathlen[0] = 1;
	r.pathc = 1;
	CU_ASSERT_PTR_NULL(request_parse_json(&r));
	request_free(&r);
	CU_ASSERT_PTR_NULL(r.path);
	CU_ASSERT_PTR_NULL(r.body);
	CU_ASSERT_PTR_NULL(r.json);
	CU_ASSERT_EQUAL(r.pathc, 0);
	CU_ASSERT_STRING_EQUAL(r.msgid, "");
	/* A second free is harmless. */
	request_free(&r);
}

static const CU_TestInfo tests[] = {
	{ "percent_decode table, in place too", test_percent_decode_one },
	{ "request_percent_decode table", test_percent_decode },
	{ "request_parse_json table", test_parse_table },
	{ "request_parse_json bare values", test_parse_bare_values },
	{ "request_parse_json without a body is {}", test_parse_no_body },
	{ "request_parse_json sets r->req", test_parse_request_object },
	{ "request_parse_json msgid 255 vs 256", test_parse_msgid_length },
	{ "request_parse_json refuses a depth bomb", test_parse_depth },
	{ "response_header format, CR/LF, bound", test_response_header },
	{ "request_method", test_method },
	{ "request_free frees and resets", test_request_free },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("request", tests, NULL, NULL);
}
