/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the gateway's verdicts: the token matrix (every
 * algorithm, claim and spoilt token, through the web server), GET
 * /v1/auth itself, introspection, and the client told nothing of
 * whether a key exists (see gateway.c).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "e2e.h"
#include "gateway.h"

#define NREPEAT		 8	/* times each check after a revocation */

#define WWW_INVALID	 "Bearer error=\"invalid_token\", error_description=\""
#define SEED_CLAIMS	 "\"iat\":\"%lld\",\"id\":\"org.sunbird.api." \
			 "contentAPI\",\"qsh\":\"8063ff4ca1e41df0f6207d491" \
			 "cf6dad7c66ea797b4614b7\",\"version\":\"1.0\"," \
			 "\"params\":{\"did\":\"ff305d54-85b4-341b-da2f-" \
			 "eb6b9e5460fa\",\"msgid\":\"c3049b36249a3c9f8891" \
			 "cb1999777743c\"}"

/* the token matrix */

struct gcase {
	const char	*name;
	const char	*path;		/* as sent, not normalised */
	struct tok	 tok;
	const char	*auth;		/* Authorization: a format of the
					   token (twice); NULL: "Bearer %s"
					   when there is a token, else none */
	const char	*auth2;		/* a second one */
	const char	*hdr;		/* another header line */
	long		 want;		/* HTTP status */
	long		 also[2];	/* others accepted, never 200 */
	enum cr		 as;		/* 200: the credential the API sees;
					   CR_DEF: none (a public API) */
	const char	*api;		/* 200: the path the API sees;
					   NULL: path */
	int		 after;		/* after the revocations */
	unsigned	 suites;
};

#define VALID(c)	 { .signer = (c) }

static const struct gcase gcases[] = {
	/* Every algorithm. */
	{ "HS256", API, VALID(CR_HS256), .want = 200, .as = CR_HS256,
	    .suites = FULL | SMOKE },
	{ "HS384", API, VALID(CR_HS384), .want = 200, .as = CR_HS384,
	    .suites = FULL },
	{ "HS512", API, VALID(CR_HS512), .want = 200, .as = CR_HS512,
	    .suites = FULL },
	{ "RS256", API, VALID(CR_RS256), .want = 200, .as = CR_RS256,
	    .suites = FULL },
	{ "ES256", API, VALID(CR_ES256), .want = 200, .as = CR_ES256,
	    .suites = FULL | SMOKE },
	{ "EdDSA", API, VALID(CR_EDDSA), .want = 200, .as = CR_EDDSA,
	    .suites = FULL },
	{ "the seeds' client token: iat a string of ms, more claims", API,
	    { .signer = CR_HS256, .claims = SEED_CLAIMS }, .want = 200,
	    .as = CR_HS256, .suites = FULL | SMOKE },
	/* Times. */
	{ "exp ahead", API, { .signer = CR_HS256, .exp = 300 }, .want = 200,
	    .as = CR_HS256, .suites = FULL },
	{ "exp past, beyond the skew", API,
	    { .signer = CR_HS256, .exp = -2 * SKEW }, .want = 401,
	    .suites = FULL | SMOKE },
	{ "exp past, within the skew", API,
	    { .signer = CR_HS256, .exp = -SKEW / 2 }, .want = 200,
	    .as = CR_HS256, .suites = FULL },
	{ "nbf ahead, beyond the skew", API,
	    { .signer = CR_HS256, .nbf = 2 * SKEW }, .want = 401,
	    .suites = FULL },
	{ "nbf ahead, within the skew", API,
	    { .signer = CR_HS256, .nbf = SKEW / 2 }, .want = 200,
	    .as = CR_HS256, .suites = FULL },
	{ "exp a string", API,
	    { .signer = CR_HS256, .claims = "\"exp\":\"9999999999\"" },
	    .want = 401, .suites = FULL },
	{ "nbf a string", API,
	    { .signer = CR_HS256, .claims = "\"nbf\":\"1\"" }, .want = 401,
	    .suites = FULL },
	{ "exp null", API,
	    { .signer = CR_HS256, .claims = "\"exp\":null" }, .want = 401,
	    .suites = FULL },
	/* Shapes. */
	{ "bad signature", API, { .signer = CR_HS256, .mangle = M_BADSIG },
	    .want = 401, .suites = FULL | SMOKE },
	{ "bad signature, RS256", API,
	    { .signer = CR_RS256, .mangle = M_BADSIG }, .want = 401,
	    .suites = FULL },
	{ "truncated signature", API,
	    { .signer = CR_HS256, .mangle = M_CUTSIG }, .want = 401,
	    .suites = FULL },
	{ "truncated to two parts", API,
	    { .signer = CR_HS256, .mangle = M_TWOPARTS }, .want = 401,
	    .suites = FULL },
	{ "a trailing dot", API, { .signer = CR_HS256, .mangle = M_TRAILDOT },
	    .want = 401, .suites = FULL },
	{ "a double dot", API, { .signer = CR_HS256, .mangle = M_DOUBLEDOT },
	    .want = 401, .suites = FULL },
	{ "base64 with + and /, signed so", API,
	    { .signer = CR_HS256, .mangle = M_STDB64 }, .want = 401,
	    .suites = FULL },
	{ "signature padded with =", API,
	    { .signer = CR_HS256, .mangle = M_SIGPAD }, .want = 401,
	    .suites = FULL },
	{ "a ! in the header, signed so", API,
	    { .signer = CR_HS256, .mangle = M_JUNK }, .want = 401,
	    .suites = FULL },
	{ "over 8 KiB", API, { .signer = CR_HS256, .mangle = M_HUGE },
	    .want = 401, .also = { 400, 431 }, .suites = FULL },
	{ "no signature, alg none", API,
	    { .signer = CR_HS256, .alg = "none", .mangle = M_UNSIGNED },
	    .want = 401, .suites = FULL },
	{ "alg none, signed", API, { .signer = CR_HS256, .alg = "none" },
	    .want = 401, .suites = FULL },
	{ "ES256 signature in DER", API,
	    { .signer = CR_ES256, .mangle = M_DER }, .want = 401,
	    .suites = FULL },
	/* The Authorization header. */
	{ "no Authorization", API, VALID(CR_DEF), .want = 401,
	    .suites = FULL | SMOKE },
	{ "scheme bearer, lowercase", API, VALID(CR_HS256),
	    .auth = "bearer %s", .want = 200, .as = CR_HS256,
	    .suites = FULL },
	{ "scheme BEARER", API, VALID(CR_HS256), .auth = "BEARER %s",
	    .want = 200, .as = CR_HS256, .suites = FULL },
	{ "scheme Basic", API, VALID(CR_DEF), .auth = "Basic dXNlcjpwYXNz",
	    .want = 401, .suites = FULL },
	{ "scheme JWT", API, VALID(CR_HS256), .auth = "JWT %s", .want = 401,
	    .suites = FULL },
	{ "token without a scheme", API, VALID(CR_HS256), .auth = "%s",
	    .want = 401, .suites = FULL },
	{ "Bearer and no token", API, VALID(CR_DEF), .auth = "Bearer",
	    .want = 401, .suites = FULL },
	{ "two tokens in one header", API, VALID(CR_HS256),
	    .auth = "Bearer %s %s", .want = 401, .suites = FULL },
	{ "two tokens, comma-separated", API, VALID(CR_HS256),
	    .auth = "Bearer %s,%s", .want = 401, .suites = FULL },
	{ "two Authorization headers", API, VALID(CR_HS256),
	    .auth2 = "Authorization: Bearer x.y.z", .want = 401,
	    .also = { 400 }, .suites = FULL | SMOKE },
	{ "garbage", API, VALID(CR_DEF), .auth = "Bearer x.y.z",
	    .want = 401, .suites = FULL },
	/* Algorithms and keys. */
	{ "alg confusion: HS256 keyed with the RS256 public key", API,
	    { .signer = CR_RS256, .alg = "HS256", .kid = CR_RS256 },
	    .want = 401, .suites = FULL | SMOKE },
	{ "alg confusion, by iss", API,
	    { .signer = CR_RS256, .alg = "HS256" }, .want = 401,
	    .suites = FULL },
	{ "HS512 on an HS256 credential", API,
	    { .signer = CR_HS256, .alg = "HS512" }, .want = 401,
	    .suites = FULL },
	{ "HS256 on an HS384 credential", API,
	    { .signer = CR_HS384, .alg = "HS256" }, .want = 401,
	    .suites = FULL },
	{ "EdDSA on an ES256 credential", API,
	    { .signer = CR_EDDSA, .kid = CR_ES256 }, .want = 401,
	    .suites = FULL },
	{ "ES256 signed by another ES256 key", API,
	    { .signer = CR_DEVICE, .kid = CR_ES256 }, .want = 401,
	    .suites = FULL },
	{ "alg hs256, lowercase", API, { .signer = CR_HS256, .alg = "hs256" },
	    .want = 401, .suites = FULL },
	{ "kid empty", API, { .signer = CR_HS256, .head = "\"kid\":\"\"" },
	    .want = 401, .suites = FULL },
	{ "kid a number", API, { .signer = CR_HS256, .head = "\"kid\":42" },
	    .want = 401, .suites = FULL },
	{ "crit in the header", API,
	    { .signer = CR_HS256, .head = "\"crit\":[\"exp\"]" }, .want = 401,
	    .suites = FULL },
	{ "unknown iss", API, { .signer = CR_HS256, .iss = CR_UNKNOWN },
	    .want = 401, .suites = FULL },
	{ "unknown kid (iss known)", API,
	    { .signer = CR_HS256, .kid = CR_UNKNOWN }, .want = 401,
	    .suites = FULL },
	{ "neither kid nor iss", API, { .signer = CR_HS256, .iss = CR_ABSENT },
	    .want = 401, .suites = FULL },
	{ "iss the key and a space", API,
	    { .signer = CR_HS256, .iss = CR_SPACED }, .want = 401,
	    .suites = FULL },
	{ "kid the key and a space", API,
	    { .signer = CR_EDDSA, .kid = CR_SPACED }, .want = 401,
	    .suites = FULL },
	{ "kid picks the device key, iss its consumer's own", API,
	    { .signer = CR_DEVICE, .kid = CR_DEVICE, .iss = CR_DEV },
	    .want = 200, .as = CR_DEVICE, .suites = FULL | SMOKE },
	/* kid and iss must name one consumer: neither lends its name. */
	{ "kid the device key, iss another consumer's", API,
	    { .signer = CR_DEVICE, .kid = CR_DEVICE, .iss = CR_HS256 },
	    .want = 401, .suites = FULL | SMOKE },
	{ "kid a key, iss another consumer's", API,
	    { .signer = CR_HS256, .kid = CR_HS256, .iss = CR_DEV },
	    .want = 401, .suites = FULL },
	{ "kid picks the key, iss unknown", API,
	    { .signer = CR_HS256, .kid = CR_HS256, .iss = CR_UNKNOWN },
	    .want = 401, .suites = FULL },
	{ "kid picks the key, iss revoked", API,
	    { .signer = CR_HS384, .kid = CR_HS384, .iss = CR_REVOKED },
	    .want = 401, .after = 1, .suites = FULL },
	{ "kid picks the key, iss a number", API,
	    { .signer = CR_HS256, .kid = CR_HS256, .iss = CR_ABSENT,
	    .claims = "\"iss\":42" }, .want = 401, .suites = FULL },
	{ "kid only", API,
	    { .signer = CR_EDDSA, .kid = CR_EDDSA, .iss = CR_ABSENT },
	    .want = 200, .as = CR_EDDSA, .suites = FULL },
	/* The ACL. */
	{ "wrong group", API_OTHER, VALID(CR_HS256), .want = 403,
	    .suites = FULL | SMOKE },
	{ "public API, no token", API_PUBLIC, VALID(CR_DEF), .want = 200,
	    .suites = FULL | SMOKE },
	{ "public API, a garbage token", API_PUBLIC, VALID(CR_DEF),
	    .auth = "Bearer x.y.z", .want = 200, .suites = FULL | SMOKE },
	{ "public API, a valid token", API_PUBLIC, VALID(CR_HS256),
	    .want = 200, .suites = FULL },
	{ "unknown API (acl_default deny)", "/no/such/api", VALID(CR_HS256),
	    .want = 403, .suites = FULL },
	{ "unknown API, no token", "/no/such/api", VALID(CR_DEF),
	    .want = 401, .suites = FULL },
	{ "below the API", API "/123", VALID(CR_HS256), .want = 200,
	    .as = CR_HS256, .suites = FULL },
	{ "the API's name longer", API "x", VALID(CR_HS256), .want = 403,
	    .suites = FULL },
	{ "a query", API "?next=/user/v1/block", VALID(CR_HS256),
	    .want = 200, .as = CR_HS256, .api = API, .suites = FULL | SMOKE },
	{ "the API in capitals", "/CONTENT/v1/flag/accept", VALID(CR_HS256),
	    .want = 403, .suites = FULL },
	{ "a spoofed X-Original-URI", API_OTHER, VALID(CR_DEF),
	    .hdr = "X-Original-URI: " API_PUBLIC, .want = 401,
	    .suites = FULL | SMOKE },
	/* Groups set by the nginx location, not the ACL file. */
	{ "location groups, not in them", API_REPORTS, VALID(CR_HS256),
	    .want = 403, .suites = FULL },
	{ "location groups, in them", API_REPORTS, VALID(CR_DEV),
	    .want = 200, .as = CR_DEV, .suites = FULL },
	{ "location groups, no token", API_REPORTS, VALID(CR_DEF),
	    .want = 401, .suites = FULL },
	/* The path as the web server routes it. */
	{ "../ out of the API into another", API "/../../../../user/v1/block",
	    VALID(CR_HS256), .want = 403, .suites = FULL | SMOKE },
	{ "../ out of the API, three", API "/../../../user/v1/block",
	    VALID(CR_HS256), .want = 403, .suites = FULL },
	{ "%2e%2e out of the API into another",
	    API "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/user/v1/block", VALID(CR_HS256),
	    .want = 403, .suites = FULL | SMOKE },
	{ "%2E. and .%2e out of the API",
	    API "/%2E./.%2e/%2E%2E/../user/v1/block", VALID(CR_HS256),
	    .want = 403, .suites = FULL },
	{ "..%2F out of the API", API "/..%2F..%2F..%2F..%2Fuser/v1/block",
	    VALID(CR_HS256), .want = 403, .suites = FULL },
	{ "%3F, no query, out of the API",
	    API "%3F/../../../../user/v1/block", VALID(CR_HS256), .want = 403,
	    .suites = FULL },
	{ "%23, no fragment, out of the API",
	    API "%23/../../../../user/v1/block", VALID(CR_HS256), .want = 403,
	    .suites = FULL },
	{ "../ into the API", "/user/v1/block/../../../content/v1/flag/accept",
	    VALID(CR_HS256), .want = 200, .as = CR_HS256, .api = API,
	    .suites = FULL | SMOKE },
	{ "%2e%2e into the API", API_OTHER "/%2e%2e/%2e%2e/%2e%2e" API,
	    VALID(CR_HS256), .want = 200, .as = CR_HS256, .api = API,
	    .suites = FULL },
	{ "%3F into the API", API_OTHER "%3F/../../.." API, VALID(CR_HS256),
	    .want = 200, .as = CR_HS256, .api = API, .suites = FULL },
	{ "// and /./ into the API", "//content/./v1//flag/accept",
	    VALID(CR_HS256), .want = 200, .as = CR_HS256, .api = API,
	    .suites = FULL },
	{ "%XX in the API's name", "/content/v1/fl%61g/accept",
	    VALID(CR_HS256), .want = 200, .as = CR_HS256, .api = API,
	    .suites = FULL },
	{ "above the root", "/../content/v1/flag/accept", VALID(CR_HS256),
	    .want = 400, .also = { 403 }, .suites = FULL },
	{ "%00 in the path", API "%00", VALID(CR_HS256), .want = 400,
	    .also = { 403 }, .suites = FULL },
	/* Before the revocations... */
	{ "to be revoked", API, VALID(CR_REVOKED), .want = 200,
	    .as = CR_REVOKED, .suites = FULL },
	{ "to be deleted", API, VALID(CR_GONE), .want = 200, .as = CR_GONE,
	    .suites = FULL },
	/* ...and after. */
	{ "revoked credential", API, VALID(CR_REVOKED), .want = 401,
	    .after = 1, .suites = FULL },
	{ "deleted consumer", API, VALID(CR_GONE), .want = 401, .after = 1,
	    .suites = FULL },
	{ "the consumer's other credential", API, VALID(CR_HS256),
	    .want = 200, .as = CR_HS256, .after = 1, .suites = FULL },
	{ "another consumer", API, VALID(CR_DEV), .want = 200, .as = CR_DEV,
	    .after = 1, .suites = FULL },
};

#define NGCASES	 (sizeof(gcases) / sizeof(gcases[0]))

/* What the API saw: its path, and on nginx the consumer. */
static void
check_api(const struct gcase *k, const struct resp *r, const char *what)
{
	json_object	*o = api_saw(r);
	const char	*want = k->api != NULL ? k->api : k->path;
	const char	*user = "", *groups = "", *key = "";

	if (!CHECK(o != NULL, "%s: the API's answer is no JSON", what))
		return;
	CHECK(streq(jstr(o, "api"), want), "%s: the API saw %s, want %s",
	    what, str(jstr(o, "api")), want);
	if (!is_web("lighttpd")) {
		if (k->as != CR_DEF) {
			user = users[credspec[k->as].owner];
			groups = consumers[credspec[k->as].owner].joined;
			key = creds[k->as].key;
		}
		CHECK(streq(jstr(o, "username"), user) &&
		    streq(jstr(o, "groups"), groups) &&
		    streq(jstr(o, "key"), key), "%s: the API saw consumer "
		    "\"%s\" groups \"%s\" key \"%s\", want \"%s\" \"%s\" "
		    "\"%s\"", what, str(jstr(o, "username")),
		    str(jstr(o, "groups")), str(jstr(o, "key")), user, groups,
		    key);
	}
	json_object_put(o);
}

/* The gateway's answer to case k (sent with token tok, or NULL). */
static void
check_answer(const struct gcase *k, const struct resp *r, const char *tok,
    const char *what)
{
	char	 www[512];
	int	 has;

	CHECK(r->status == k->want || (r->status != 200 &&
	    (r->status == k->also[0] || r->status == k->also[1])),
	    "%s: HTTP %ld, want %ld", what, r->status, k->want);
	if (tok != NULL)
		CHECK((r->body.p == NULL || strstr(r->body.p, tok) == NULL) &&
		    (r->head.p == NULL || strstr(r->head.p, tok) == NULL),
		    "%s: the answer shows the token", what);
	if (r->status != k->want)
		return;
	switch (k->want) {
	case 200:
		check_api(k, r, what);
		break;
	case 401:
		has = header(r, "WWW-Authenticate", www, sizeof(www)) == 0;
		CHECK(has && strncmp(www, WWW_INVALID, strlen(WWW_INVALID)) ==
		    0, "%s: WWW-Authenticate %s, want %s...\"", what,
		    has ? shown(www, tok) : "(none)", WWW_INVALID);
		/*
		 * The seeds' promise: the error metadata in the payload.
		 * lighttpd hands on the authorizer's whole answer; nginx's
		 * error_page answers adminutil's envelope.
		 */
		expect_err(what, r, RT_AUTH, 401, "UNAUTHORIZED", NULL);
		CHECK(header(r, "X-Content-Type-Options", www, sizeof(www)) ==
		    0 && streq(www, "nosniff"), "%s: no nosniff", what);
		break;
	case 403:
		expect_err(what, r, RT_AUTH, 403, "FORBIDDEN", NULL);
		CHECK(header(r, "X-Content-Type-Options", www, sizeof(www)) ==
		    0 && streq(www, "nosniff"), "%s: no nosniff", what);
		break;
	}
}

static void
run_case(const struct gcase *k, const char *what)
{
	struct resp	 r;
	const char	*hdrs[3];
	const char	*fmt = k->auth;
	char		*tok = NULL, *a = NULL, *h = NULL;
	size_t		 n = 0;

	if (k->tok.signer != CR_DEF && (tok = token(&k->tok)) == NULL) {
		CHECK(0, "%s: cannot make the token", what);
		return;
	}
	if (fmt == NULL && tok != NULL)
		fmt = "Bearer %s";
	if (fmt != NULL) {
		if (asprintf(&a, fmt, str(tok), str(tok)) == -1 ||
		    asprintf(&h, "Authorization: %s", a) == -1) {
			CU_FAIL("out of memory");
			free(a);
			free(tok);
			return;
		}
		hdrs[n++] = h;
	}
	if (k->auth2 != NULL)
		hdrs[n++] = k->auth2;
	if (k->hdr != NULL)
		hdrs[n++] = k->hdr;
	gw_get(&r, gw_url, k->path, hdrs, n);
	check_answer(k, &r, tok, what);
	resp_free(&r);
	free(h);
	free(a);
	free(tok);
}

/* Introspection says a valid token of credential c is not active. */
static void
expect_inactive(const char *what, enum cr c)
{
	struct resp	 r;
	struct tok	 t = { .signer = c };
	char		*tok, *form;

	if ((tok = token(&t)) == NULL || asprintf(&form, "token=%s", tok) ==
	    -1) {
		free(tok);
		CU_FAIL("out of memory");
		return;
	}
	introspect(&r, url, form);
	CHECK(r.status == 200 && streq(r.body.p, "{\"active\":false}"),
	    "%s: HTTP %ld, %s, want 200, {\"active\":false}", what, r.status,
	    jtext(r.json));
	resp_free(&r);
	free(form);
	free(tok);
}

/* Revokes CR_REVOKED and deletes C_GONE. */
static void
revocations(void)
{
	struct resp	 r;

	api(&r, url, RT_CRED_REVOKE, users[C_MAIN], creds[CR_REVOKED].key,
	    NULL);
	expect_ok("credential revoke", &r, RT_CRED_REVOKE);
	resp_free(&r);
	call(&r, RT_DELETE, users[C_GONE], NULL);
	expect_ok("delete", &r, RT_DELETE);
	resp_free(&r);
}

void
test_gw_matrix(void)
{
	struct tok	 rt = { .signer = CR_REVOKED };
	struct tok	 gt = { .signer = CR_GONE };
	char		 what[160], *rtok, *gtok, *rh, *gh;
	size_t		 i, j, after = 0;

	if (gw_setup() == -1)
		return;
	for (i = 0; i < NGCASES; i++) {
		if (!(gcases[i].suites & suite))
			continue;
		if (gcases[i].after) {
			after++;
			continue;
		}
		snprintf(what, sizeof(what), "%s %s", gcases[i].name,
		    gcases[i].path);
		run_case(&gcases[i], what);
	}
	if (after == 0)
		return;

	/* Every worker knows the credentials, then they go. */
	rh = bearer(rtok = token(&rt));
	gh = bearer(gtok = token(&gt));
	expect_everywhere("to be revoked", API, rh, 200, NULL);
	expect_everywhere("to be deleted", API, gh, 200, NULL);
	revocations();
	sleep_ms(ttl_ms() + 1000);
	expect_everywhere("revoked, cache_ttl + 1 s later", API, rh, 401, NULL);
	expect_everywhere("deleted, cache_ttl + 1 s later", API, gh, 401, NULL);
	free(gh);
	free(rh);
	free(gtok);
	free(rtok);
	for (i = 0; i < NGCASES; i++) {
		if (!(gcases[i].suites & suite) || !gcases[i].after)
			continue;
		for (j = 0; j < NREPEAT; j++) {
			snprintf(what, sizeof(what), "%s (%zu of %d)",
			    gcases[i].name, j + 1, NREPEAT);
			run_case(&gcases[i], what);
		}
	}
	expect_inactive("introspect a revoked credential's token", CR_REVOKED);
	expect_inactive("introspect a deleted consumer's token", CR_GONE);
}

/* GET /v1/auth itself */

struct acase {
	const char	*name;
	int		 down;		/* at the instance without a database */
	const char	*uri;		/* X-Original-URI; NULL: none */
	struct tok	 tok;		/* sent as "Bearer <token>" */
	long		 want;
	enum cr		 as;		/* 200: the consumer; CR_DEF: none */
};

static const struct acase acases[] = {
	{ "valid", 0, API, VALID(CR_HS256), 200, CR_HS256 },
	{ "valid, EdDSA", 0, API, VALID(CR_EDDSA), 200, CR_EDDSA },
	{ "no token", 0, API, VALID(CR_DEF), 401, CR_DEF },
	{ "bad signature", 0, API, { .signer = CR_HS256, .mangle = M_BADSIG },
	    401, CR_DEF },
	{ "expired", 0, API, { .signer = CR_HS256, .exp = -2 * SKEW }, 401,
	    CR_DEF },
	{ "unknown kid", 0, API, { .signer = CR_HS256, .kid = CR_UNKNOWN },
	    401, CR_DEF },
	{ "wrong group", 0, API_OTHER, VALID(CR_HS256), 403, CR_DEF },
	{ "no X-Original-URI (acl_default deny)", 0, NULL, VALID(CR_HS256),
	    403, CR_DEF },
	{ "public, no token", 0, API_PUBLIC, VALID(CR_DEF), 200, CR_DEF },
	{ "database down", 1, API, VALID(CR_HS256), 503, CR_DEF },
	{ "database down, public", 1, API_PUBLIC, VALID(CR_DEF), 200,
	    CR_DEF },
	{ "database down, no token", 1, API, VALID(CR_DEF), 401, CR_DEF },
};

#define NACASES	 (sizeof(acases) / sizeof(acases[0]))

/* A 200 of /v1/auth: no body; the consumer's headers, or none. */
static void
check_auth_pass(const struct acase *k, const struct resp *r,
    const char *what)
{
	static const char *const names[] = {
		"X-Consumer-Username", "X-Consumer-Groups", "X-Credential-Key"
	};
	const char	*want[3] = { NULL, NULL, NULL };
	char		 v[NAMESZ];
	size_t		 i;
	int		 has;

	CHECK(r->body.len == 0, "%s: a body of %zu bytes, want none", what,
	    r->body.len);
	if (k->as != CR_DEF) {
		want[0] = users[credspec[k->as].owner];
		want[1] = consumers[credspec[k->as].owner].joined;
		want[2] = creds[k->as].key;
	}
	for (i = 0; i < 3; i++) {
		has = header(r, names[i], v, sizeof(v)) == 0;
		if (want[i] == NULL)
			CHECK(!has, "%s: %s: %s, want none", what, names[i], v);
		else
			CHECK(has && strcmp(v, want[i]) == 0, "%s: %s: %s, "
			    "want %s", what, names[i], has ? v : "(none)",
			    want[i]);
	}
}

void
test_gw_auth(void)
{
	const struct acase	*k;
	struct resp		 r;
	const char		*hdrs[3], *msg;
	char			*tok, *h, *o, www[512], want[512], what[160];
	size_t			 i, n;

	if (gw_setup() == -1)
		return;
	for (i = 0; i < NACASES; i++) {
		k = &acases[i];
		snprintf(what, sizeof(what), "/v1/auth: %s", k->name);
		n = 0;
		tok = token(&k->tok);
		h = bearer(tok);
		o = NULL;
		if (h != NULL)
			hdrs[n++] = h;
		if (k->uri != NULL && asprintf(&o, "X-Original-URI: %s",
		    k->uri) != -1)
			hdrs[n++] = o;
		hdrs[n++] = "X-Original-Method: GET";
		gw_get(&r, k->down ? down_url : url, routes[RT_AUTH].path, hdrs,
		    n);
		switch (k->want) {
		case 200:
			CHECK(r.status == 200, "%s: HTTP %ld, want 200", what,
			    r.status);
			check_auth_pass(k, &r, what);
			break;
		case 401:
			expect_err(what, &r, RT_AUTH, 401, "UNAUTHORIZED",
			    NULL);
			msg = jstr(r.json, "params.errmsg");
			snprintf(want, sizeof(want), "%s%s\"", WWW_INVALID,
			    str(msg));
			if (header(&r, "WWW-Authenticate", www,
			    sizeof(www)) == -1)
				snprintf(www, sizeof(www), "(none)");
			CHECK(strcmp(www, want) == 0, "%s: WWW-Authenticate "
			    "%s, want %s", what, shown(www, tok),
			    shown(want, tok));
			break;
		case 403:
			expect_err(what, &r, RT_AUTH, 403, "FORBIDDEN", NULL);
			CHECK(header(&r, "X-Consumer-Username", www,
			    sizeof(www)) == -1, "%s: a 403 names the consumer",
			    what);
			break;
		default:
			expect_err(what, &r, RT_AUTH, k->want,
			    "SERVICE_UNAVAILABLE", NULL);
			break;
		}
		if (tok != NULL)
			CHECK(r.body.p == NULL || (strstr(r.body.p, tok) ==
			    NULL && (creds[k->tok.signer].secret[0] == '\0' ||
			    strstr(r.body.p, creds[k->tok.signer].secret) ==
			    NULL)), "%s: the answer shows the token or the "
			    "secret", what);
		resp_free(&r);
		free(o);
		free(h);
		free(tok);
	}
}

/* introspection */

struct icase {
	const char	*name;
	const char	*form;		/* a format of the token */
	struct tok	 tok;
	long		 want;		/* 200 or 400 */
	const char	*msg;		/* a 400's errmsg; NULL: any */
	enum cr		 as;		/* active: the credential; CR_DEF:
					   inactive */
	enum cr		 iss;		/* the iss it shows; CR_DEF: none */
	int		 times;		/* exp and nbf too */
	int		 seed;		/* the seeds' iat: a string of ms */
};

#define BADTOKENENC \
	"TOKEN IS NOT VALIDLY PERCENT-ENCODED (FORM FIELD token)"

static const struct icase icases[] = {
	{ "valid", "token=%s", VALID(CR_HS256), .want = 200,
	    .as = CR_HS256, .iss = CR_HS256 },
	{ "the seeds' client token", "token=%s",
	    { .signer = CR_HS256, .claims = SEED_CLAIMS }, .want = 200,
	    .as = CR_HS256, .iss = CR_HS256, .seed = 1 },
	{ "valid, ES256 with exp and nbf", "token=%s",
	    { .signer = CR_ES256, .exp = 300, .nbf = -10 }, .want = 200,
	    .as = CR_ES256, .iss = CR_ES256, .times = 1 },
	{ "kid picks the device key", "token=%s",
	    { .signer = CR_DEVICE, .kid = CR_DEVICE, .iss = CR_DEV },
	    .want = 200, .as = CR_DEVICE, .iss = CR_DEV },
	{ "kid and iss of two consumers", "token=%s",
	    { .signer = CR_DEVICE, .kid = CR_DEVICE, .iss = CR_HS256 },
	    .want = 200 },
	{ "among other fields", "a=1&token=%s&b=2", VALID(CR_HS384),
	    .want = 200, .as = CR_HS384, .iss = CR_HS384 },
	{ "bad signature", "token=%s",
	    { .signer = CR_HS256, .mangle = M_BADSIG }, .want = 200 },
	{ "expired", "token=%s", { .signer = CR_HS256, .exp = -2 * SKEW },
	    .want = 200 },
	{ "unknown iss", "token=%s", { .signer = CR_HS256, .iss = CR_UNKNOWN },
	    .want = 200 },
	{ "alg none", "token=%s",
	    { .signer = CR_HS256, .alg = "none", .mangle = M_UNSIGNED },
	    .want = 200 },
	{ "alg confusion", "token=%s",
	    { .signer = CR_RS256, .alg = "HS256" }, .want = 200 },
	{ "garbage", "token=abc", VALID(CR_DEF), .want = 200 },
	{ "no token field", "foo=bar", VALID(CR_DEF), .want = 400 },
	{ "empty token", "token=", VALID(CR_DEF), .want = 400 },
	{ "empty body", "", VALID(CR_DEF), .want = 400 },
	/* Decoded as the router decodes: no NUL (it was {"active":false}). */
	{ "a valid token and %00", "token=%s%%00", VALID(CR_HS256),
	    .want = 400, .msg = BADTOKENENC },
	{ "a NUL escape for a token", "token=%%00", VALID(CR_DEF),
	    .want = 400, .msg = BADTOKENENC },
	{ "a bad escape in a token", "token=%s%%4", VALID(CR_HS256),
	    .want = 400, .msg = BADTOKENENC },
};

#define NICASES	 (sizeof(icases) / sizeof(icases[0]))

/* The groups of joined ("a,b") as a JSON array. */
static json_object *
groups_of(const char *joined)
{
	json_object	*a;
	char		*dup, *g, *save = NULL;

	if ((a = json_object_new_array()) == NULL ||
	    (dup = strdup(joined)) == NULL)
		return a;
	for (g = strtok_r(dup, ",", &save); g != NULL;
	    g = strtok_r(NULL, ",", &save))
		json_object_array_add(a, json_object_new_string(g));
	free(dup);
	return a;
}

/* An active answer: its members, in the contract's order. */
static void
check_active(const struct icase *k, json_object *o, const char *what)
{
	static const char *const keys[] = {
		"active", "iss", "client_id", "username", "groups", "iat",
		"token_type", NULL
	};
	static const char *const tkeys[] = {
		"active", "iss", "client_id", "username", "groups", "exp",
		"iat", "nbf", "token_type", NULL
	};
	static const char *const skeys[] = {
		"active", "iss", "client_id", "username", "groups",
		"token_type", NULL
	};
	json_object	*want, *iat = jget(o, "iat");
	enum consumer	 c = credspec[k->as].owner;

	/*
	 * RFC 7662 has iat an integer of seconds; the seeds' clients send
	 * a string of milliseconds: shown as seconds, or not at all.
	 */
	if (k->seed && iat == NULL)
		check_keys(what, "answer", o, skeys);
	else
		check_keys(what, "answer", o, k->times ? tkeys : keys);
	CHECK(json_object_get_boolean(jget(o, "active")) &&
	    streq(jstr(o, "iss"), creds[k->iss].key) &&
	    streq(jstr(o, "client_id"), creds[k->as].key) &&
	    streq(jstr(o, "username"), users[c]) &&
	    streq(jstr(o, "token_type"), "Bearer"), "%s: answer %s", what,
	    jtext(o));
	CHECK((k->seed && iat == NULL) ||
	    (json_object_is_type(iat, json_type_int) &&
	    llabs(json_object_get_int64(iat) - now_ms() / 1000) <= 60),
	    "%s: iat %s, want an integer, seconds of now", what, jtext(iat));
	if (k->times)
		CHECK(json_object_is_type(jget(o, "exp"), json_type_int) &&
		    json_object_is_type(jget(o, "nbf"), json_type_int),
		    "%s: exp or nbf is no number: %s", what, jtext(o));
	want = groups_of(consumers[c].joined);
	CHECK(json_object_equal(jget(o, "groups"), want), "%s: groups %s, "
	    "want %s", what, jtext(jget(o, "groups")), jtext(want));
	json_object_put(want);
}

void
test_gw_introspect(void)
{
	const struct icase	*k;
	struct resp		 r;
	json_object		*inactive;
	char			*tok, *form, what[160], *caller;
	size_t			 i;

	if (gw_setup() == -1)
		return;
	inactive = json_tokener_parse("{\"active\":false}");
	for (i = 0; i < NICASES; i++) {
		k = &icases[i];
		snprintf(what, sizeof(what), "introspect: %s", k->name);
		tok = token(&k->tok);
		if (asprintf(&form, k->form, str(tok)) == -1) {
			free(tok);
			CU_FAIL("out of memory");
			continue;
		}
		introspect(&r, url, form);
		if (k->want == 400)
			expect_err(what, &r, RT_INTROSPECT, 400, "BAD_REQUEST",
			    k->msg);
		else if (CHECK(r.status == 200 && streq(r.ctype, CTYPE_JSON) &&
		    json_object_is_type(r.json, json_type_object),
		    "%s: HTTP %ld, Content-Type %s, want 200, %s", what,
		    r.status, str(r.ctype), CTYPE_JSON)) {
			if (k->as != CR_DEF)
				check_active(k, r.json, what);
			else
				CHECK(json_object_equal(r.json, inactive),
				    "%s: answer %s, want {\"active\":false}",
				    what, jtext(r.json));
		}
		resp_free(&r);
		free(form);
		free(tok);
	}
	json_object_put(inactive);
	/* RFC 7662 2.1: no caller, a bad one, one without the group. */
	if ((tok = token(&(struct tok){ .signer = CR_HS256 })) == NULL ||
	    asprintf(&form, "token=%s", tok) == -1) {
		free(tok);
		return;
	}
	introspect_as(&r, url, form, NULL);
	expect_err("introspect, no caller", &r, RT_INTROSPECT, 401,
	    "UNAUTHORIZED", NULL);
	resp_free(&r);
	introspect_as(&r, url, form, "Authorization: Bearer a.b.c");
	expect_err("introspect, a caller's bad token", &r, RT_INTROSPECT, 401,
	    "UNAUTHORIZED", NULL);
	resp_free(&r);
	caller = bearer(tok);		/* contentAdmin, not adminutilAdmin */
	introspect_as(&r, url, form, caller);
	expect_err("introspect, a caller without the group", &r,
	    RT_INTROSPECT, 403, "FORBIDDEN", NULL);
	resp_free(&r);
	free(caller);
	free(form);
	free(tok);
}

/* what the client is told */

/*
 * The client is not told whether a key exists: an unknown key, a bad
 * signature, an alg that is not the credential's, a revoked-looking
 * mix of kid and iss all read the same to it.
 */
void
test_gw_oracle(void)
{
	static const struct {
		const char	*name;
		struct tok	 t;
	} t[] = {
		{ "unknown iss", { .signer = CR_HS256, .iss = CR_UNKNOWN } },
		{ "unknown kid", { .signer = CR_HS256, .kid = CR_UNKNOWN } },
		{ "bad signature", { .signer = CR_HS256, .mangle = M_BADSIG } },
		{ "alg not the credential's", { .signer = CR_RS256,
		    .alg = "HS256" } },
		{ "kid and iss of two consumers", { .signer = CR_DEVICE,
		    .kid = CR_DEVICE, .iss = CR_HS256 } },
		{ "a key no credential can have", { .signer = CR_EDDSA,
		    .kid = CR_SPACED } },
	};
	char		 www[512], first_www[512] = "", first_msg[512] = "";
	const char	*msg;
	char		*tok, *h;
	struct resp	 r;
	size_t		 i;

	if (gw_setup() == -1)
		return;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if ((tok = token(&t[i].t)) == NULL || (h = bearer(tok)) ==
		    NULL) {
			free(tok);
			CU_FAIL("cannot make the token");
			return;
		}
		gw_get(&r, gw_url, API, (const char *const *)&h, 1);
		expect_err(t[i].name, &r, RT_AUTH, 401, "UNAUTHORIZED", NULL);
		msg = jstr(r.json, "params.errmsg");
		if (header(&r, "WWW-Authenticate", www, sizeof(www)) != 0)
			www[0] = '\0';
		if (i == 0) {
			snprintf(first_www, sizeof(first_www), "%s", www);
			snprintf(first_msg, sizeof(first_msg), "%s", str(msg));
		}
		CHECK(streq(www, first_www) && streq(msg, first_msg),
		    "%s: told \"%s\" / %s, %s: \"%s\" / %s", t[i].name,
		    str(msg), www, t[0].name, first_msg, first_www);
		resp_free(&r);
		free(h);
		free(tok);
	}
}
