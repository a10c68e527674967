/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of token.c: the bearer token of an Authorization header,
 * the client of an HTTP Basic one (RFC 6749 2.3.1), which credentials a token names (kid, the key claim, both), and the
 * contract's time checks at their edges.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/config.h"
#include "crypto/jwt.h"
#include "gateway/token.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
test_bearer(void)
{
	static const struct {
		const char	*h;
		const char	*tok;		/* NULL: refused */
		const char	*why;
	} t[] = {
		{ "Bearer abc", "abc", NULL },
		{ "bearer abc", "abc", NULL },
		{ "BEARER\tabc", "abc", NULL },
		{ "Bearer   abc  ", "abc", NULL },
		{ "Bearer a.b.c", "a.b.c", NULL },
		{ NULL, NULL, "no bearer token" },
		{ "", NULL, "no bearer token" },
		{ "Bearer", NULL, "authorization scheme is not Bearer" },
		{ "Bearer ", NULL, "no bearer token" },
		{ "Bearerabc", NULL, "authorization scheme is not Bearer" },
		{ "Basic abc", NULL, "authorization scheme is not Bearer" },
		{ " Bearer abc", NULL, "authorization scheme is not Bearer" },
		{ "Bearer abc def", NULL, "more than one token" },
		{ "Bearer abc,def", NULL, "more than one token" },
		{ "Bearer abc\tdef", NULL, "more than one token" },
		{ "Bearer ,abc", NULL, "no bearer token" },
	};
	const char	*why, *tok;
	size_t		 i, len;

	for (i = 0; i < NELEM(t); i++) {
		why = NULL;
		len = 0;
		tok = token_bearer(t[i].h, &len, &why);
		if (t[i].tok == NULL) {
			UNIT_CHECK(tok == NULL, "\"%s\": read", t[i].h);
			UNIT_STREQ(why, t[i].why, t[i].h != NULL ? t[i].h :
			    "(none)");
		} else
			UNIT_CHECK(tok != NULL && len == strlen(t[i].tok) &&
			    memcmp(tok, t[i].tok, len) == 0, "\"%s\": %.*s",
			    t[i].h, (int)len, tok != NULL ? tok : "");
	}
}

/* header.payload.sig of the two JSON texts; jwt_parse ignores sig. */
static char *
unsigned_token(const char *hdr, const char *payload)
{
	char	*tok;
	size_t	 off;

	tok = malloc(JWT_B64_LEN(strlen(hdr)) + JWT_B64_LEN(strlen(payload)) +
	    8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	off = jwt_b64url_encode(tok, (const unsigned char *)hdr, strlen(hdr));
	tok[off++] = '.';
	off += jwt_b64url_encode(tok + off, (const unsigned char *)payload,
	    strlen(payload));
	strcpy(tok + off, ".c2ln");
	return tok;
}

static void
test_names(void)
{
	static const struct {
		const char	*hdr, *payload;
		const char	*key, *iss;	/* key NULL: refused */
		const char	*why;
	} t[] = {
		{ "{\"alg\":\"HS256\"}", "{\"iss\":\"k1\"}", "k1", NULL, NULL },
		{ "{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{}", "k2", NULL, NULL },
		/* Both: kid verifies, iss must be of the same consumer. */
		{ "{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{\"iss\":\"k1\"}", "k2",
		    "k1", NULL },
		{ "{\"alg\":\"HS256\"}", "{\"iss\":5}", NULL, NULL,
		    "the token's key claim is not a string" },
		{ "{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{\"iss\":null}", NULL,
		    NULL, "the token's key claim is not a string" },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"k1\"}", NULL, NULL,
		    "token names no credential (no kid, no key claim)" },
		/* A NUL never reaches here: jwt_parse refuses it. */
		{ "{\"alg\":\"HS256\",\"kid\":\"k\\u0000x\"}", "{}", NULL, NULL,
		    "token header has a NUL or a name twice" },
		{ "{\"alg\":\"HS256\"}", "{\"iss\":\"a\",\"iss\":\"b\"}", NULL,
		    NULL, "token payload has a NUL or a name twice" },
	};
	struct token	 tk;
	const char	*why;
	char		*tok;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		tok = unsigned_token(t[i].hdr, t[i].payload);
		why = NULL;
		if (t[i].key == NULL) {
			UNIT_CHECK(token_read(&tk, tok, strlen(tok), "iss",
			    &why) == -1, "%s %s: read", t[i].hdr,
			    t[i].payload);
			UNIT_STREQ(why, t[i].why, t[i].payload);
		} else if (UNIT_CHECK(token_read(&tk, tok, strlen(tok), "iss",
		    &why) == 0, "%s %s: %s", t[i].hdr, t[i].payload,
		    why != NULL ? why : "")) {
			UNIT_CHECK(tk.keylen == strlen(t[i].key) &&
			    memcmp(tk.key, t[i].key, tk.keylen) == 0,
			    "%s: key", t[i].payload);
			UNIT_CHECK(t[i].iss == NULL ? tk.iss == NULL :
			    tk.iss != NULL && tk.isslen == strlen(t[i].iss) &&
			    memcmp(tk.iss, t[i].iss, tk.isslen) == 0,
			    "%s: iss", t[i].payload);
			token_free(&tk);
		}
		free(tok);
	}
}

static void
test_times(void)
{
	static const struct {
		const char	*claims;	/* %lld: now in seconds */
		int		 require_exp, lifetime;
		const char	*why;
	} t[] = {
		{ "{}", 0, 0, NULL },
		{ "{\"exp\":%lld}", 0, 0, NULL },
		{ "{\"iat\":\"1542611334000\"}", 0, 0, NULL },
		{ "{}", 1, 0, "token has no exp" },
		{ "{}", 0, 60, "token has no exp" },
		{ "{\"exp\":\"1\"}", 0, 0, "exp is not a number" },
		{ "{\"nbf\":null}", 0, 0, "nbf is not a number" },
		{ "{\"exp\":1}", 0, 0, "token has expired" },
		{ "{\"nbf\":9999999999}", 0, 0, "token is not valid yet" },
		{ "{\"exp\":9999999999}", 0, 60,
		    "token lives longer than allowed" },
	};
	struct config	 cfg;
	json_object	*o;
	long long	 now = 1700000000LL;
	char		 buf[128];
	const char	*why;
	size_t		 i;

	config_defaults(&cfg);
	for (i = 0; i < NELEM(t); i++) {
		snprintf(buf, sizeof(buf), t[i].claims, now);
		o = json_tokener_parse(buf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		cfg.require_exp = t[i].require_exp;
		cfg.max_token_lifetime = t[i].lifetime;
		CU_ASSERT_EQUAL(token_times(&cfg, o, now * 1000, &why),
		    t[i].why == NULL ? 0 : -1);
		UNIT_STREQ(why, t[i].why, buf);
		json_object_put(o);
	}
	/* clock_skew at its edges: exp + skew is the last moment. */
	cfg.require_exp = 0;
	cfg.max_token_lifetime = 0;
	snprintf(buf, sizeof(buf), "{\"exp\":%lld,\"nbf\":%lld}", now - 60,
	    now + 60);
	o = json_tokener_parse(buf);
	CU_ASSERT_EQUAL(token_times(&cfg, o, now * 1000, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL(token_times(&cfg, o, now * 1000 + 1, &why), -1);
	UNIT_STREQ(why, "token has expired", "one ms past exp + clock_skew");
	CU_ASSERT_EQUAL(token_times(&cfg, o, now * 1000 - 1, &why), -1);
	UNIT_STREQ(why, "token is not valid yet",
	    "one ms before nbf - clock_skew");
	json_object_put(o);
}

#define BASIC_B64	 "HTTP Basic credentials are not base64 of id:secret"
#define BASIC_FORM	 "HTTP Basic id or secret is not form-urlencoded " \
			    "(RFC 6749 2.3.1)"

static void
test_basic(void)
{
	static const struct {
		const char	*h;
		int		 rc;
		const char	*id, *secret;	/* rc 1 */
		const char	*why;		/* rc -1 */
	} rows[] = {
		{ "Basic YWJjOmRlZg==", 1, "abc", "def", NULL },
		{ "basic\tYWJjOmRlZg==  ", 1, "abc", "def", NULL },
		{ "BASIC YWI6Yw==", 1, "ab", "c", NULL },
		/* "a%3Ab:s%2Bx+y": a ":" of the id, "+" a space, "%2B" a "+" */
		{ "Basic YSUzQWI6cyUyQngreQ==", 1, "a:b", "s+x y", NULL },
		/* "key:sec:ret": the first ":" ends the id (RFC 7617). */
		{ "Basic a2V5OnNlYzpyZXQ=", 1, "key", "sec:ret", NULL },
		{ "Basic OnNlY3JldA==", 1, "", "secret", NULL },
		{ NULL, 0, NULL, NULL, NULL },
		{ "Bearer a.b.c", 0, NULL, NULL, NULL },
		{ "Basicx YWJjOmRlZg==", 0, NULL, NULL, NULL },
		{ "Basic ", -1, NULL, NULL, BASIC_B64 },
		{ "Basic bm9jb2xvbg==", -1, NULL, NULL, BASIC_B64 },
		{ "Basic !!!!", -1, NULL, NULL, BASIC_B64 },
		{ "Basic YWJjOmRlZg", -1, NULL, NULL, BASIC_B64 },
		{ "Basic YWJjOmRlZg== YWJj", -1, NULL, NULL, BASIC_B64 },
		{ "Basic YSV6ejpi", -1, NULL, NULL, BASIC_FORM },
		{ "Basic YTpiJTAw", -1, NULL, NULL, BASIC_FORM },
	};
	const char	*why;
	char		*id, *secret;
	size_t		 i, idlen, slen;
	int		 rc;

	for (i = 0; i < NELEM(rows); i++) {
		why = NULL;
		rc = token_basic(rows[i].h, &id, &idlen, &secret, &slen, &why);
		UNIT_CHECK(rc == rows[i].rc, "\"%s\": %d, want %d",
		    unit_str(rows[i].h), rc, rows[i].rc);
		if (rows[i].rc == 1) {
			UNIT_STREQ(id, rows[i].id, rows[i].h);
			UNIT_STREQ(secret, rows[i].secret, rows[i].h);
			UNIT_CHECK(id != NULL && secret != NULL &&
			    idlen == strlen(id) && slen == strlen(secret),
			    "%s: lengths", rows[i].h);
		} else {
			UNIT_CHECK(id == NULL && secret == NULL, "%s: a "
			    "refused header left strings", unit_str(rows[i].h));
			if (rows[i].rc == -1)
				UNIT_STREQ(why, rows[i].why, rows[i].h);
		}
		free(id);
		free(secret);
	}
}

static const CU_TestInfo tests[] = {
	{ "token_bearer", test_bearer },
	{ "token_basic: RFC 7617 and RFC 6749 2.3.1", test_basic },
	{ "token_read: which credentials a token names", test_names },
	{ "token_times", test_times },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("token", tests, NULL, NULL);
}
