/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's check end to end, token to verdict, without MariaDB:
 * auth_check() with its real token reading, credential cache, policy
 * and signature checks, and auth_client() (introspection's caller by
 * key and secret), over a store of a few credentials in memory.
 * The seam is the store's lookup: this file defines store_auth_lookup()
 * and store_auth_record_free(), so the linker takes them, not the
 * store's (nothing else of the store is linked in).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/config.h"
#include "core/ratelimit.h"
#include "crypto/jwt.h"
#include "gateway/auth.h"
#include "store/credential.h"
#include "store/store.h"
#include "unit.h"

#define NOW	 1700000000000LL		/* epoch ms */
#define LIT_KEY(s)	 (s), sizeof(s) - 1
#define TTL	 5				/* cache_ttl, s */

/* The store in memory: credentials by key, and whether it is up. */
static const struct fake_cred {
	const char	*key, *alg, *secret, *user, *groups;
	const char	*prev;		/* rotated out, or NULL */
	long long	 grace_until;
} creds[] = {
	{ "k1", "HS256", "secret-one", "alice", "contentAdmin,contentUser",
	    NULL, 0 },
	{ "k2", "HS384", "secret-two", "bob", "contentUser", NULL, 0 },
	{ "k3", "HS256", "secret-new", "carol", "contentAdmin", "secret-old",
	    NOW + 8000 },
	{ "k4", "HS256", "secret-four", "alice", "contentAdmin", NULL, 0 },
};

static int	 store_down;
static int	 lookups;

enum store_rc
store_auth_lookup(struct store *s, const char *key, size_t len,
    long long now_ms, struct auth_record *out)
{
	const struct fake_cred	*c = NULL;
	const char		*g, *e;
	size_t			 i;

	(void)s;
	(void)now_ms;
	lookups++;
	memset(out, 0, sizeof(*out));
	if (store_down)
		return ST_DOWN;
	for (i = 0; i < sizeof(creds) / sizeof(creds[0]); i++)
		if (strlen(creds[i].key) == len &&
		    memcmp(creds[i].key, key, len) == 0)
			c = &creds[i];
	if (c == NULL)
		return ST_NOT_FOUND;
	snprintf(out->algorithm, sizeof(out->algorithm), "%s", c->alg);
	snprintf(out->secret, sizeof(out->secret), "%s", c->secret);
	if (c->prev != NULL) {
		snprintf(out->prev_secret, sizeof(out->prev_secret), "%s",
		    c->prev);
		out->grace_until_ms = c->grace_until;
	}
	if ((out->username = strdup(c->user)) == NULL)
		return ST_ERR;
	/* carol has limits of her own: 3 a minute. */
	if (strcmp(c->user, "carol") == 0)
		out->limits[RL_MINUTE] = 3;
	for (g = c->groups; *g != '\0'; g = *e != '\0' ? e + 1 : e) {
		e = g + strcspn(g, ",");
		if (strlist_add(&out->groups, g, (size_t)(e - g)) == -1)
			return ST_ERR;
	}
	return ST_OK;
}

void
store_auth_record_free(struct auth_record *r)
{
	free(r->username);
	free(r->public_key);
	free(r->prev_public_key);
	strlist_free(&r->groups);
	explicit_bzero(r, sizeof(*r));
}

/* s as unpadded base64url, into out (a new string). */
static char *
b64url(const unsigned char *s, size_t len)
{
	char	*out;
	int	 n, i, o = 0;

	if ((out = malloc(len / 3 * 4 + 8)) == NULL)
		return NULL;
	n = EVP_EncodeBlock((unsigned char *)out, s, (int)len);
	for (i = 0; i < n; i++)
		if (out[i] == '+')
			out[o++] = '-';
		else if (out[i] == '/')
			out[o++] = '_';
		else if (out[i] != '=')
			out[o++] = out[i];
	out[o] = '\0';
	return out;
}

/*
 * "Bearer " and a token of header and payload (JSON texts) signed with
 * HMAC-SHA256 keyed with secret (NULL: an empty signature).
 */
static char *
bearer_of(const char *header, const char *payload, const char *secret)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*h, *p, *sig, *input = NULL, *out = NULL;

	h = b64url((const unsigned char *)header, strlen(header));
	p = b64url((const unsigned char *)payload, strlen(payload));
	if (h == NULL || p == NULL || asprintf(&input, "%s.%s", h, p) == -1)
		goto done;
	if (secret != NULL)
		HMAC(EVP_sha256(), secret, (int)strlen(secret),
		    (const unsigned char *)input, strlen(input), mac, &maclen);
	if ((sig = b64url(mac, maclen)) != NULL &&
	    asprintf(&out, "Bearer %s.%s", input, sig) == -1)
		out = NULL;
	free(sig);
done:
	free(h);
	free(p);
	free(input);
	return out;
}

/* "Bearer " and jwt_sign_hmac()'s token: {iss: key, iat, exp}. */
static char *
signed_by(enum jwt_alg alg, const char *key, const char *secret,
    long long exp)
{
	char	*tok, *out = NULL;

	if ((tok = jwt_sign_hmac(alg, "iss", key, secret, strlen(secret),
	    NOW / 1000, exp)) != NULL && asprintf(&out, "Bearer %s", tok) ==
	    -1)
		out = NULL;
	free(tok);
	return out;
}

static struct config	 cfg;
static struct auth	*a;

static int
setup(void)
{
	char	 err[256];

	config_defaults(&cfg);
	cfg.cache_ttl = TTL;
	store_down = 0;
	lookups = 0;
	/* The store pointer is never followed but by the fake above. */
	if ((a = auth_new(&cfg, (struct store *)&cfg, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "auth_new: %s\n", err);
		return -1;
	}
	return 0;
}

static void
teardown(void)
{
	auth_free(a);
	a = NULL;
}

/* The verdict on authorization for an API allowing groups, at now. */
static enum auth_verdict
check(const char *authorization, const char *groups, long long now,
    struct auth_result *v)
{
	struct auth_request	 q;

	memset(&q, 0, sizeof(q));
	q.authorization = authorization;
	q.nauthorization = authorization != NULL;
	q.method = "GET";
	q.uri = "/content/v1/flag/accept";
	q.allow_groups = groups;
	auth_check(a, &q, now, v);
	return v->verdict;
}

/* Every verdict of the contract, token by token. */
static void
test_verdicts(void)
{
	static const struct {
		const char	*what;
		const char	*header, *payload, *secret;
		const char	*groups;
		enum auth_verdict want;
	} t[] = {
		{ "a valid token", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\"}", "secret-one", "contentAdmin",
		    AUTH_PASS },
		{ "the seeds' iat, a string of ms",
		    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\",\"iat\":\"1700000000000\"}", "secret-one",
		    "contentAdmin", AUTH_PASS },
		{ "a group the API does not allow",
		    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"iss\":\"k1\"}",
		    "secret-one", "courseAdmin", AUTH_FORBIDDEN },
		{ "a wrong secret", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\"}", "secret-two", "contentAdmin",
		    AUTH_UNAUTHORIZED },
		{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\"}", NULL, "contentAdmin",
		    AUTH_UNAUTHORIZED },
		{ "alg none, signed anyway", "{\"alg\":\"none\"}",
		    "{\"iss\":\"k1\"}", "secret-one", "contentAdmin",
		    AUTH_UNAUTHORIZED },
		{ "HS256 for an HS384 credential",
		    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"iss\":\"k2\"}",
		    "secret-two", "contentUser", AUTH_UNAUTHORIZED },
		{ "an unknown key", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"nobody\"}", "secret-one", "contentAdmin",
		    AUTH_UNAUTHORIZED },
		{ "expired beyond clock_skew",
		    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\",\"exp\":1699999939}", "secret-one",
		    "contentAdmin", AUTH_UNAUTHORIZED },
		{ "expired within clock_skew",
		    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\",\"exp\":1699999941}", "secret-one",
		    "contentAdmin", AUTH_PASS },
		{ "exp a string", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		    "{\"iss\":\"k1\",\"exp\":\"9999999999\"}", "secret-one",
		    "contentAdmin", AUTH_UNAUTHORIZED },
		{ "kid and iss of one consumer",
		    "{\"alg\":\"HS256\",\"kid\":\"k4\"}", "{\"iss\":\"k1\"}",
		    "secret-four", "contentAdmin", AUTH_PASS },
		{ "kid and iss of two consumers",
		    "{\"alg\":\"HS256\",\"kid\":\"k3\"}", "{\"iss\":\"k1\"}",
		    "secret-new", "contentAdmin", AUTH_UNAUTHORIZED },
		{ "a name twice in the header",
		    "{\"alg\":\"HS256\",\"alg\":\"none\"}", "{\"iss\":\"k1\"}",
		    "secret-one", "contentAdmin", AUTH_UNAUTHORIZED },
	};
	struct auth_result	 v;
	char			*h;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		h = bearer_of(t[i].header, t[i].payload, t[i].secret);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		UNIT_CHECK(check(h, t[i].groups, NOW, &v) == t[i].want,
		    "%s: verdict %d, want %d (%s)", t[i].what, v.verdict,
		    t[i].want, unit_str(v.why));
		if (t[i].want == AUTH_PASS)
			UNIT_CHECK(v.username != NULL && v.key != NULL,
			    "%s: a pass names no consumer", t[i].what);
		free(h);
	}
	check(NULL, "contentAdmin", NOW, &v);
	CU_ASSERT_EQUAL(v.verdict, AUTH_UNAUTHORIZED);
	/* A pass says who: the headers nginx hands the API. */
	h = signed_by(JWT_HS256, "k1", "secret-one", 0);
	CU_ASSERT_EQUAL(check(h, "contentAdmin", NOW, &v), AUTH_PASS);
	UNIT_STREQ(v.username, "alice", "the pass's consumer");
	UNIT_STREQ(v.groups, "contentAdmin,contentUser", "the pass's groups");
	UNIT_STREQ(v.key, "k1", "the pass's key");
	free(h);
}

/*
 * The cache: a credential is asked of the store once per cache_ttl, an
 * unknown key too; a pass lasts no longer than the cached credential
 * that made it (to the whole second within cache_ttl); a store that is
 * down fails closed for what is not cached.
 */
static void
test_cache(void)
{
	struct auth_result	 v;
	char			*h, *u;
	long long		 t;

	h = signed_by(JWT_HS256, "k1", "secret-one", 0);
	u = signed_by(JWT_HS256, "nobody", "secret-one", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	t = NOW + 300;
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 1);
	UNIT_CHECK(v.until_ms == (t + TTL * 1000) / 1000 * 1000, "a pass "
	    "lasts until %lld, want the cached credential's end, %lld",
	    v.until_ms, (t + TTL * 1000) / 1000 * 1000);
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t + 1000, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check(h, "courseAdmin", t + 2000, &v),
	    AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(lookups, 1);
	CU_ASSERT_EQUAL(check(u, "contentAdmin", t, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(check(u, "contentAdmin", t + 1000, &v),
	    AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(lookups, 2);
	/* The store down: what is cached passes, what is not is 503. */
	store_down = 1;
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t + 2000, &v), AUTH_PASS);
	h[strlen(h) - 1] ^= 1;		/* another token, same credential */
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t + 2000, &v),
	    AUTH_UNAUTHORIZED);
	h[strlen(h) - 1] ^= 1;
	free(u);
	u = signed_by(JWT_HS256, "k4", "secret-four", 0);
	CU_ASSERT_EQUAL(check(u, "contentAdmin", t + 2000, &v),
	    AUTH_UNAVAILABLE);
	/* Past cache_ttl the credential is asked again: down, 503. */
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t + TTL * 1000, &v),
	    AUTH_UNAVAILABLE);
	store_down = 0;
	CU_ASSERT_EQUAL(check(h, "contentAdmin", t + TTL * 1000 + 1, &v),
	    AUTH_PASS);
	free(h);
	free(u);
}

/* A rotated-out secret passes until its grace ends, and not after. */
static void
test_rotation(void)
{
	struct auth_result	 v;
	char			*old, *new;

	old = signed_by(JWT_HS256, "k3", "secret-old", 0);
	new = signed_by(JWT_HS256, "k3", "secret-new", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(new);
	CU_ASSERT_EQUAL(check(new, "contentAdmin", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check(old, "contentAdmin", NOW + 1000, &v),
	    AUTH_PASS);
	UNIT_CHECK(v.until_ms == NOW + 5000, "the old secret's pass lasts "
	    "until %lld, want the cached credential's end %lld (before the "
	    "grace's)", v.until_ms, NOW + 5000);
	CU_ASSERT_EQUAL(check(old, "contentAdmin", NOW + 7999, &v),
	    AUTH_PASS);
	UNIT_CHECK(v.until_ms == NOW + 8000, "the old secret's pass lasts "
	    "until %lld, want the grace's end %lld", v.until_ms, NOW + 8000);
	CU_ASSERT_EQUAL(check(old, "contentAdmin", NOW + 8000, &v),
	    AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(check(new, "contentAdmin", NOW + 8000, &v),
	    AUTH_PASS);
	/* Cached again at NOW + 7999, to the whole second within cache_ttl. */
	CU_ASSERT_EQUAL(v.until_ms, NOW + 12000);
	free(old);
	free(new);
}

/* The verdict on authorization for uri of the ACL file, from addr. */
static enum auth_verdict
check_at(const char *authorization, const char *uri, const char *addr,
    long long now, struct auth_result *v)
{
	struct auth_request	 q;

	memset(&q, 0, sizeof(q));
	q.authorization = authorization;
	q.nauthorization = authorization != NULL;
	q.method = "GET";
	q.uri = uri;
	q.remote_addr = addr;
	auth_check(a, &q, now, v);
	return v->verdict;
}

/*
 * Rate limits through the whole check: a pass is counted, also when the
 * memo of verified tokens answers it; a 401 or a 403 is not; the limit
 * over, AUTH_LIMITED with when to come back; a rule by consumer counts
 * its credentials together; an @public rule counts by address; a
 * consumer's own limit wins over the rule's.
 */
static void
test_limits(void)
{
	static const char acl[] =
	    "GET\t/lim\tcontentAdmin\t2/m\tby=credential\n"
	    "GET\t/cons\tcontentAdmin\t2/m\tby=consumer\n"
	    "GET\t/pub\t@public\t1/m\n";
	struct auth_result	 v;
	char			 path[] = "/tmp/test_check.XXXXXX";
	char			 err[256];
	char			*k1, *k3, *k4, *bad, *bob;
	int			 fd, i, n;

	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	CU_ASSERT_FATAL(write(fd, acl, sizeof(acl) - 1) ==
	    (ssize_t)(sizeof(acl) - 1));
	close(fd);
	config_defaults(&cfg);
	cfg.cache_ttl = TTL;
	snprintf(cfg.acl_file, sizeof(cfg.acl_file), "%s", path);
	a = auth_new(&cfg, (struct store *)&cfg, err, sizeof(err));
	unlink(path);
	UNIT_CHECK(a != NULL, "auth_new: %s", err);
	if (a == NULL)
		return;
	k1 = signed_by(JWT_HS256, "k1", "secret-one", 0);
	k3 = signed_by(JWT_HS256, "k3", "secret-new", 0);
	k4 = signed_by(JWT_HS256, "k4", "secret-four", 0);
	bad = signed_by(JWT_HS256, "k1", "not-the-secret", 0);
	bob = signed_by(JWT_HS384, "k2", "secret-two", 0);
	CU_ASSERT_FATAL(k1 != NULL && k3 != NULL && k4 != NULL &&
	    bad != NULL && bob != NULL);

	/* 401s and 403s first: they spend nothing. */
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(check_at(bad, "/lim", NULL, NOW, &v),
		    AUTH_UNAUTHORIZED);
		CU_ASSERT(!v.rate.counted);
		CU_ASSERT_EQUAL(check_at(bob, "/lim", NULL, NOW, &v),
		    AUTH_FORBIDDEN);
		CU_ASSERT(!v.rate.counted);
	}
	/* The second pass is the memo's: counted all the same. */
	n = lookups;
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(check_at(k1, "/lim", NULL, NOW, &v), AUTH_PASS);
		CU_ASSERT(v.rate.counted && !v.rate.refused);
		CU_ASSERT_EQUAL(v.rate.w[RL_MINUTE].limit, 2);
		CU_ASSERT_EQUAL(v.rate.w[RL_MINUTE].remaining,
		    (uint64_t)(1 - i));
	}
	CU_ASSERT(lookups <= n + 1);
	CU_ASSERT_EQUAL(check_at(k1, "/lim", NULL, NOW + 500, &v),
	    AUTH_LIMITED);
	UNIT_STREQ(v.why, "API rate limit exceeded", "limited: why");
	CU_ASSERT(v.rate.refused && v.rate.window == RL_MINUTE);
	CU_ASSERT(v.rate.retry_after >= 1 && v.rate.retry_after <= 60);
	CU_ASSERT_STRING_EQUAL(v.username, "alice");
	/* alice's other credential, by credential: its own count. */
	CU_ASSERT_EQUAL(check_at(k4, "/lim", NULL, NOW, &v), AUTH_PASS);
	/* By consumer: k1 and k4 together. */
	CU_ASSERT_EQUAL(check_at(k1, "/cons", NULL, NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check_at(k4, "/cons", NULL, NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check_at(k4, "/cons", NULL, NOW, &v), AUTH_LIMITED);
	CU_ASSERT_EQUAL(check_at(k1, "/cons", NULL, NOW, &v), AUTH_LIMITED);
	/* @public: by address, no token needed. */
	CU_ASSERT_EQUAL(check_at(NULL, "/pub", "192.0.2.1", NOW, &v),
	    AUTH_PASS);
	CU_ASSERT(v.rate.counted && v.username == NULL);
	CU_ASSERT_EQUAL(check_at(k1, "/pub", "192.0.2.1", NOW, &v),
	    AUTH_LIMITED);
	CU_ASSERT_EQUAL(check_at(NULL, "/pub", "192.0.2.2", NOW, &v),
	    AUTH_PASS);
	/* carol's own 3 a minute over the rule's 2. */
	for (i = 0; i < 3; i++)
		UNIT_CHECK(check_at(k3, "/lim", NULL, NOW, &v) == AUTH_PASS,
		    "carol's pass %d: verdict %d", i + 1, (int)v.verdict);
	CU_ASSERT_EQUAL(v.rate.w[RL_MINUTE].limit, 3);
	CU_ASSERT_EQUAL(check_at(k3, "/lim", NULL, NOW, &v), AUTH_LIMITED);
	/* The next minute. */
	CU_ASSERT_EQUAL(check_at(k1, "/lim", NULL, NOW + 60000, &v),
	    AUTH_PASS);
	free(k1);
	free(k3);
	free(k4);
	free(bad);
	free(bob);
	teardown();
}

/* auth_client: key and secret, one 401 for every refusal. */
static void
test_client(void)
{
	static const struct {
		const char	*key, *secret, *groups;
		long long	 at;		/* after NOW */
		enum auth_verdict want;
		const char	*user;		/* AUTH_PASS */
	} rows[] = {
		{ "k1", "secret-one", "contentAdmin", 0, AUTH_PASS, "alice" },
		{ "k1", "secret-one", "x contentUser", 0, AUTH_PASS, "alice" },
		{ "k2", "secret-two", "contentUser", 0, AUTH_PASS, "bob" },
		{ "k1", "secret-onE", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		{ "k1", "secret-on", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		{ "k1", "secret-two", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		{ "nokey", "secret-one", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		{ "", "secret-one", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		{ "k2", "secret-two", "contentAdmin", 0, AUTH_UNAUTHORIZED,
		    NULL },
		/* A rotation: both secrets until the grace ends. */
		{ "k3", "secret-new", "contentAdmin", 0, AUTH_PASS, "carol" },
		{ "k3", "secret-old", "contentAdmin", 7999, AUTH_PASS,
		    "carol" },
		{ "k3", "secret-old", "contentAdmin", 8000, AUTH_UNAUTHORIZED,
		    NULL },
	};
	struct auth_result	 v;
	size_t			 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		auth_client(a, rows[i].key, strlen(rows[i].key),
		    rows[i].secret, strlen(rows[i].secret), rows[i].groups,
		    NOW + rows[i].at, &v);
		UNIT_CHECK(v.verdict == rows[i].want, "row %zu (%s, %s, %s): "
		    "verdict %d, want %d", i, rows[i].key, rows[i].secret,
		    rows[i].groups, (int)v.verdict, (int)rows[i].want);
		if (rows[i].want == AUTH_PASS) {
			UNIT_STREQ(v.username, rows[i].user, rows[i].key);
			UNIT_STREQ(v.key, rows[i].key, rows[i].key);
		} else
			UNIT_STREQ(v.why, "client authentication failed",
			    rows[i].key);
	}
	store_down = 1;
	auth_client(a, LIT_KEY("k4"), LIT_KEY("secret-four"), "contentAdmin",
	    NOW, &v);
	CU_ASSERT_EQUAL(v.verdict, AUTH_UNAVAILABLE);
}

/* Each test on a checker of its own: caches and counts start empty. */
#define CASE(f)	 static void f##_fresh(void) { \
	CU_ASSERT_FATAL(setup() == 0); f(); teardown(); }
CASE(test_verdicts)
CASE(test_cache)
CASE(test_rotation)
CASE(test_client)

static const CU_TestInfo tests[] = {
	{ "auth_check: every verdict, token by token", test_verdicts_fresh },
	{ "the cache: one lookup a cache_ttl, passes no longer, fails closed",
	    test_cache_fresh },
	{ "rotation: the old secret until its grace", test_rotation_fresh },
	{ "rate limits: passes counted, memo hits too, refusals not",
	    test_limits },
	{ "auth_client: key and secret, one refusal", test_client_fresh },
	CU_TEST_INFO_NULL
};

static int
init(void)
{
	return ratelimit_init(1024);
}

int
main(void)
{
	return unit_main("check", tests, init, NULL);
}
