/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of a consumer's credentials through the gateway:
 * credential/register of every algorithm, and rotation, the old
 * secret until its grace and not after (see gateway.c).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "e2e.h"
#include "gateway.h"

#define ALG_MSG		 "ALGORITHM MUST BE ONE OF HS256, HS384, HS512, " \
			 "RS256, RS512, ES256, EdDSA"

/* credential/register */

/* Public keys as a register request may have them. */
enum pk {
	PK_NONE,	/* no public_key */
	PK_EMPTY,	/* "" */
	PK_NUMBER,	/* 42 */
	PK_GARBAGE,	/* PEM armour around no key */
	PK_RSA2048,
	PK_RSA1024,
	PK_P256,
	PK_P384,
	PK_ED25519,
	PK_PRIVATE,	/* a private key's PEM */
	PK_NUL,		/* an RSA key's PEM, then a NUL and more */
	NPK
};

struct rcase {
	const char	*name;
	const char	*alg;		/* JSON of algorithm; NULL: none */
	enum pk		 pk;
	const char	*msg;		/* errmsg; NULL: any */
	int		 prefix;	/* msg is its start */
};

static const struct rcase rcases[] = {
	{ "unknown algorithm", "\"HS1024\"", PK_NONE, ALG_MSG, 0 },
	{ "algorithm none", "\"none\"", PK_NONE, ALG_MSG, 0 },
	{ "algorithm in lowercase", "\"hs256\"", PK_NONE, ALG_MSG, 0 },
	{ "algorithm EDDSA", "\"EDDSA\"", PK_RSA2048, ALG_MSG, 0 },
	{ "algorithm RS384", "\"RS384\"", PK_RSA2048, ALG_MSG, 0 },
	{ "algorithm empty", "\"\"", PK_NONE, ALG_MSG, 0 },
	{ "algorithm a number", "256", PK_NONE, ALG_MSG, 0 },
	{ "RS256 without public_key", "\"RS256\"", PK_NONE,
	    "PUBLIC KEY IS MANDATORY FOR RS256", 0 },
	{ "ES256 without public_key", "\"ES256\"", PK_NONE,
	    "PUBLIC KEY IS MANDATORY FOR ES256", 0 },
	{ "EdDSA without public_key", "\"EdDSA\"", PK_NONE,
	    "PUBLIC KEY IS MANDATORY FOR EdDSA", 0 },
	{ "RS256, public_key empty", "\"RS256\"", PK_EMPTY,
	    "PUBLIC KEY IS MANDATORY FOR RS256", 0 },
	{ "RS256, public_key a number", "\"RS256\"", PK_NUMBER,
	    "PUBLIC KEY", 1 },
	{ "RS256, garbage PEM", "\"RS256\"", PK_GARBAGE, "PUBLIC KEY: ", 1 },
	{ "RS256, an EC key", "\"RS256\"", PK_P256, "PUBLIC KEY: ", 1 },
	{ "RS512, an EC key", "\"RS512\"", PK_P256, "PUBLIC KEY: ", 1 },
	{ "RS512, RSA of 1024 bits", "\"RS512\"", PK_RSA1024, "PUBLIC KEY: ",
	    1 },
	{ "RS256, RSA of 1024 bits", "\"RS256\"", PK_RSA1024, "PUBLIC KEY: ",
	    1 },
	{ "RS256, a private key", "\"RS256\"", PK_PRIVATE, "PUBLIC KEY: ",
	    1 },
	{ "RS256, a NUL in the PEM", "\"RS256\"", PK_NUL, "PUBLIC KEY: ", 1 },
	{ "ES256, an RSA key", "\"ES256\"", PK_RSA2048, "PUBLIC KEY: ", 1 },
	{ "ES256, a P-384 key", "\"ES256\"", PK_P384, "PUBLIC KEY: ", 1 },
	{ "ES256, an Ed25519 key", "\"ES256\"", PK_ED25519, "PUBLIC KEY: ",
	    1 },
	{ "EdDSA, a P-256 key", "\"EdDSA\"", PK_P256, "PUBLIC KEY: ", 1 },
	{ "EdDSA, an RSA key", "\"EdDSA\"", PK_RSA2048, "PUBLIC KEY: ", 1 },
	{ "HS256 with a public_key", "\"HS256\"", PK_P256, NULL, 0 },
	{ "HS512 with a public_key", "\"HS512\"", PK_RSA2048, NULL, 0 },
	{ "no algorithm, a public_key", NULL, PK_ED25519, NULL, 0 },
};

#define NRCASES	 (sizeof(rcases) / sizeof(rcases[0]))

/* The public keys of enum pk, as JSON values (NULL: none). */
static int
pk_make(json_object **pk)
{
	EVP_PKEY	*k[NPK];
	char		*pem[NPK], *p;
	size_t		 i;
	int		 rc = 0;

	memset(k, 0, sizeof(k));
	memset(pem, 0, sizeof(pem));
	memset(pk, 0, NPK * sizeof(*pk));
	k[PK_RSA2048] = keygen("RS256");
	k[PK_RSA1024] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	k[PK_P256] = keygen("ES256");
	k[PK_P384] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	k[PK_ED25519] = keygen("EdDSA");
	for (i = PK_RSA2048; i <= PK_ED25519; i++)
		if ((pem[i] = pem_of(k[i], 0)) == NULL ||
		    (pk[i] = json_object_new_string(pem[i])) == NULL)
			rc = -1;
	pem[PK_PRIVATE] = pem_of(k[PK_P256], 1);
	if (pem[PK_PRIVATE] == NULL || pem[PK_RSA2048] == NULL) {
		rc = -1;
		goto done;
	}
	pk[PK_PRIVATE] = json_object_new_string(pem[PK_PRIVATE]);
	pk[PK_EMPTY] = json_object_new_string("");
	pk[PK_NUMBER] = json_object_new_int(42);
	pk[PK_GARBAGE] = json_object_new_string("-----BEGIN PUBLIC KEY-----\n"
	    "bm90IGEga2V5\n-----END PUBLIC KEY-----\n");
	/* A PEM reader stops at its END line; the rest must not be lost. */
	if (asprintf(&p, "%s#x", pem[PK_RSA2048]) != -1) {
		p[strlen(pem[PK_RSA2048])] = '\0';
		pk[PK_NUL] = json_object_new_string_len(p,
		    (int)strlen(pem[PK_RSA2048]) + 2);
		free(p);
	}
done:
	for (i = 0; i < NPK; i++) {
		EVP_PKEY_free(k[i]);
		if (pem[i] != NULL)
			explicit_bzero(pem[i], strlen(pem[i]));
		free(pem[i]);
	}
	return rc;
}

void
test_gw_register_invalid(void)
{
	const struct rcase	*k;
	json_object		*pk[NPK], *v;
	struct resp		 r;
	const char		*msg;
	char			 u[NAMESZ], key[NAMESZ], what[160];
	size_t			 i;

	if (create(fresh(u, sizeof(u), "gwreg"), NULL, NULL) == -1)
		return;
	if (pk_make(pk) == -1) {
		CU_FAIL("cannot make the public keys");
		goto done;
	}
	for (i = 0; i < NRCASES; i++) {
		k = &rcases[i];
		snprintf(what, sizeof(what), "register: %s", k->name);
		v = k->alg != NULL ? json_tokener_parse(k->alg) : NULL;
		register_key(&r, u, fresh(key, sizeof(key), "gwkey"), v,
		    json_object_get(pk[k->pk]));
		expect_err(what, &r, RT_CRED_REGISTER, 400, "BAD_REQUEST",
		    k->prefix ? NULL : k->msg);
		msg = jstr(r.json, "params.errmsg");
		if (k->prefix)
			CHECK(msg != NULL && strncmp(msg, k->msg,
			    strlen(k->msg)) == 0, "%s: errmsg \"%s\", want "
			    "\"%s...\"", what, str(msg), k->msg);
		resp_free(&r);
	}
	CHECK(rows("credentials", u) == 1, "%lld credentials after the "
	    "failed registers, want 1", rows("credentials", u));
done:
	for (i = 0; i < NPK; i++)
		json_object_put(pk[i]);
}

/*
 * The token of an HMAC credential/register: {"alg":alg,"typ":"JWT"}.
 * {"iss":key,"iat":<now>} signed with the secret's bytes; 1 if so.
 */
static int
hmac_token_ok(const char *tok, const char *alg, const char *key,
    const char *secret)
{
	const char	*d1, *d2;
	json_object	*h, *p;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0;
	char		 sig[2 * EVP_MAX_MD_SIZE];
	int		 ok;

	if (tok == NULL || (d1 = strchr(tok, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL)
		return 0;
	h = b64url_json(tok, (size_t)(d1 - tok));
	p = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1));
	HMAC(hmac_md(alg), secret, (int)strlen(secret),
	    (const unsigned char *)tok, (size_t)(d2 - tok), mac, &len);
	b64url(sig, mac, len);
	ok = json_object_object_length(h) == 2 && streq(jstr(h, "alg"), alg) &&
	    streq(jstr(h, "typ"), "JWT") && json_object_object_length(p) == 2 &&
	    streq(jstr(p, "iss"), key) &&
	    json_object_is_type(jget(p, "iat"), json_type_int) &&
	    llabs(json_object_get_int64(jget(p, "iat")) - now_ms() / 1000) <=
	    60 && strcmp(sig, d2 + 1) == 0;
	json_object_put(h);
	json_object_put(p);
	return ok;
}

struct reg {
	const char	*alg;
	char		 key[NAMESZ];
	char		 secret[HEX32 + 1];
	char		*pem;
};

/* Registers g (again: the same answer); its result checked. */
static void
register_ok(const char *u, struct reg *g, const char *what)
{
	struct resp	 r;
	json_object	*res;
	char		*h;
	static const char *const keys[] = { "key", "secret", "token", NULL };

	register_key(&r, u, g->key, json_object_new_string(g->alg),
	    g->pem != NULL ? json_object_new_string(g->pem) : NULL);
	if ((res = expect_ok(what, &r, RT_CRED_REGISTER)) == NULL) {
		resp_free(&r);
		return;
	}
	check_keys(what, "result", res, keys);
	CHECK(streq(jstr(res, "key"), g->key), "%s: key %s, want %s", what,
	    str(jstr(res, "key")), g->key);
	if (g->pem != NULL) {
		CHECK(streq(jstr(res, "secret"), "") &&
		    streq(jstr(res, "token"), ""), "%s: an asymmetric "
		    "credential with a secret or a token", what);
		resp_free(&r);
		return;
	}
	if (g->secret[0] == '\0' && is_hex(jstr(res, "secret"), HEX32))
		snprintf(g->secret, sizeof(g->secret), "%s",
		    jstr(res, "secret"));
	CHECK(streq(jstr(res, "secret"), g->secret), "%s: the secret is not "
	    "32 lowercase hex digits, or not the first one", what);
	CHECK(hmac_token_ok(jstr(res, "token"), g->alg, g->key, g->secret),
	    "%s: the token is not {\"alg\":\"%s\",\"typ\":\"JWT\"}."
	    "{\"iss\":key,\"iat\":now} signed with the secret", what, g->alg);
	/* The token it gave works at the gateway. */
	if (gw_url != NULL && (h = bearer(jstr(res, "token"))) != NULL) {
		CHECK(gw_many(API, h, 1, 0, 200, "contentAdmin") == 1,
		    "%s: the token it gave does not pass the gateway", what);
		free(h);
	}
	resp_free(&r);
}

void
test_gw_register(void)
{
	struct reg	 g[] = {
		{ .alg = "HS384" }, { .alg = "HS512" }, { .alg = "HS256" },
		{ .alg = "RS256" }, { .alg = "ES256" }, { .alg = "EdDSA" },
	};
	struct {
		size_t		 which;		/* of g */
		const char	*alg;		/* another */
		size_t		 pem;		/* of g: its key */
	} clash[] = { { 0, "HS512", 0 }, { 3, "ES256", 4 }, { 4, "HS256", 0 },
	    { 5, "RS256", 3 } };
	EVP_PKEY	*pkey;
	struct resp	 r;
	json_object	*l, *c;
	char		 u[NAMESZ], what[160], msg[NAMESZ + 96];
	size_t		 i, n = sizeof(g) / sizeof(g[0]);

	if (create(fresh(u, sizeof(u), "gwreg"), NULL, NULL) == -1 ||
	    grant(u, "{\"groups\":[\"contentAdmin\"]}") == -1)
		return;
	for (i = 0; i < n; i++) {
		fresh(g[i].key, sizeof(g[i].key), "gwkey");
		if (strncmp(g[i].alg, "HS", 2) != 0) {
			pkey = keygen(g[i].alg);
			g[i].pem = pem_of(pkey, 0);
			EVP_PKEY_free(pkey);
			if (g[i].pem == NULL) {
				CU_FAIL("cannot make a key pair");
				goto done;
			}
		}
		snprintf(what, sizeof(what), "register %s", g[i].alg);
		register_ok(u, &g[i], what);
		snprintf(what, sizeof(what), "register %s again", g[i].alg);
		register_ok(u, &g[i], what);
	}
	for (i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		snprintf(what, sizeof(what), "register the %s key as %s",
		    g[clash[i].which].alg, clash[i].alg);
		register_key(&r, u, g[clash[i].which].key,
		    json_object_new_string(clash[i].alg),
		    strncmp(clash[i].alg, "HS", 2) != 0 ?
		    json_object_new_string(g[clash[i].pem].pem) : NULL);
		snprintf(msg, sizeof(msg), "ERROR WHEN CREATING CREDENTIAL "
		    "FOR CONSUMER. KEY : %s, already exists.",
		    g[clash[i].which].key);
		expect_err(what, &r, RT_CRED_REGISTER, 409,
		    "CREATE_CREDENTIAL_ERROR", msg);
		resp_free(&r);
	}
	/* A revoked key is not handed out again. */
	api(&r, url, RT_CRED_REVOKE, u, g[0].key, NULL);
	expect_ok("credential revoke", &r, RT_CRED_REVOKE);
	resp_free(&r);
	register_key(&r, u, g[0].key, json_object_new_string(g[0].alg), NULL);
	snprintf(msg, sizeof(msg), "ERROR WHEN CREATING CREDENTIAL FOR "
	    "CONSUMER. KEY : %s, already exists.", g[0].key);
	expect_err("register a revoked key again", &r, RT_CRED_REGISTER, 409,
	    "CREATE_CREDENTIAL_ERROR", msg);
	resp_free(&r);
	CHECK(rows("credentials", u) == (long long)n + 1, "%lld credentials, "
	    "want %zu", rows("credentials", u), n + 1);
	/*
	 * The list shows each one's algorithm, a public key as a JWK of
	 * its public members, never a PEM, a private member or a secret.
	 */
	call(&r, RT_CRED_LIST, u, NULL);
	if (expect_ok("credential/list", &r, RT_CRED_LIST) != NULL) {
		l = jget(r.json, "result.credentials");
		CHECK(json_object_array_length(l) == n + 1, "credential/list: "
		    "%s", jtext(l));
		for (i = 0; i < n && i + 1 < json_object_array_length(l);
		    i++) {
			c = json_object_array_get_idx(l, i + 1);
			CHECK(streq(jstr(c, "key"), g[i].key) &&
			    streq(jstr(c, "algorithm"), g[i].alg),
			    "credential/list: %s, want key %s algorithm %s",
			    jtext(c), g[i].key, g[i].alg);
			CHECK(strncmp(g[i].alg, "HS", 2) == 0 ?
			    jget(c, "jwk") == NULL :
			    streq(jstr(c, "jwk.kid"), g[i].key) &&
			    streq(jstr(c, "jwk.alg"), g[i].alg) &&
			    jget(c, "jwk.d") == NULL, "credential/list: %s, "
			    "want a jwk of kid %s, alg %s for a public key, "
			    "none for HMAC", jtext(c), g[i].key, g[i].alg);
		}
		CHECK(strstr(r.body.p, "BEGIN") == NULL &&
		    strstr(r.body.p, "secret") == NULL, "credential/list "
		    "shows a PEM key or a secret");
	}
	resp_free(&r);
done:
	for (i = 0; i < n; i++)
		free(g[i].pem);
}

/* rotation */

/* Whether every one of NROT requests with tok answers want. */
#define NROT	 8
static int
rot_all(const char *tok, long want)
{
	char	*h;
	size_t	 n;

	if ((h = bearer(tok)) == NULL)
		return 0;
	n = gw_many(API, h, NROT, 0, want, NULL);
	free(h);
	return n == NROT;
}

struct rot_wait {
	const char	*tok;
	long		 want;
};

static int
rot_settled(void *arg)
{
	struct rot_wait	*w = arg;

	return rot_all(w->tok, w->want);
}

/* rotate of user's key with request; its result, or NULL (r kept). */
json_object *
rotate(struct resp *r, const char *user, const char *key,
    const char *request, const char *what)
{
	char	 path[2 * NAMESZ + 64], *body;

	snprintf(path, sizeof(path), "/v1/consumer/%s/credential/%s/rotate",
	    user, key);
	body = envelope("", request);
	http(r, url, "POST", path, body, body != NULL ? strlen(body) : 0);
	free(body);
	if (r->status != 200 || r->json == NULL) {
		CHECK(0, "%s: HTTP %ld, %s", what, r->status,
		    str(jstr(r->json, "params.errmsg")));
		return NULL;
	}
	CHECK(streq(jstr(r->json, "id"), ID("credential.rotate")), "%s: id %s",
	    what, str(jstr(r->json, "id")));
	return jget(r->json, "result");
}

/*
 * A rotation the workers' caches do not show yet: the passes they give
 * the old secret meanwhile are kept by nginx no longer than the cached
 * credential lives, so none outlives a grace of cache_ttl while the old
 * token keeps coming.  Kept cache_ttl - 1 s whatever the entry's age, a
 * pass that a worker cached in the second of the rotation made when
 * nginx's first copy ran out, whole seconds later, was served until
 * nearly twice cache_ttl after the rotation.  So the credential is
 * cached, and rotated, a third of a way into a second.
 */
void
test_gw_rotate_edge(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 r;
	json_object	*res;
	char		 u[NAMESZ], path[64], req[64], *old = NULL, *h = NULL;
	long long	 until, n, first = 0, last = 0;
	long		 ttl = ttl_ms();
	int		 i;

	if (gw_setup() == -1 || !CHECK(ttl >= 2000, "cache_ttl %ld ms: nginx "
	    "keeps nothing under 2 s", ttl) || consumer_as("rotedge",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &old) == -1 ||
	    (h = bearer(old)) == NULL)
		goto done;
	while (now_ms() % 1000 < 300 || now_ms() % 1000 > 350)
		sleep_ms(5);
	/* Every URI is new to nginx: each reaches a worker, which caches. */
	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "%s?edge=%d", API, i);
		CHECK(gw_row(path, h, 1, 200) == 1, "before the rotation: no "
		    "pass");
	}
	snprintf(req, sizeof(req), "{\"grace_seconds\":%ld}", ttl / 1000);
	if ((res = rotate(&r, u, c.key, req, "rotate, grace cache_ttl")) ==
	    NULL)
		goto done;
	until = json_object_get_int64(jget(res, "grace_until"));
	resp_free(&r);
	while ((n = now_ms()) < until + 2000) {
		if (gw_row(API, h, 1, 200) == 1) {
			if (first == 0)
				first = n;
			last = n;
		}
		sleep_ms(20);
	}
	CHECK(first != 0 && last >= until - 1500, "the old secret did not "
	    "pass to the end of its grace (last pass %lld ms before)",
	    until - last);
	CHECK(last < until, "the old secret passed %lld ms after its grace "
	    "ended", last - until);
done:
	free(h);
	free(old);
}

/* A rotate that is refused with HTTP status and err. */
static void
rotate_refused(const char *user, const char *key, const char *request,
    long status, const char *err, const char *what)
{
	char		 path[2 * NAMESZ + 64], *body;
	struct resp	 r;

	snprintf(path, sizeof(path), "/v1/consumer/%s/credential/%s/rotate",
	    user, key);
	body = envelope("", request);
	http(&r, url, "POST", path, body, body != NULL ? strlen(body) : 0);
	free(body);
	CHECK(r.status == status && streq(jstr(r.json, "params.err"), err),
	    "%s: HTTP %ld %s, want %ld %s", what, r.status,
	    str(jstr(r.json, "params.err")), status, err);
	resp_free(&r);
}

/*
 * Rotation: the new secret passes on every worker within cache_ttl, the
 * old one until its grace ends and not after (nginx's pass cache
 * included); grace 0 ends it at once; a public key rotates the same way;
 * the old secret is kept sealed; bad requests are refused.
 */
void
test_gw_rotate(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c, c2, pk, pk2;
	struct resp	 r;
	struct rot_wait	 w;
	json_object	*res, *pem;
	char		 u[NAMESZ], u2[NAMESZ], req[8192], *old = NULL;
	char		*new = NULL, *newer = NULL, *pold = NULL, *pnew = NULL;
	char		*tok2 = NULL, *esc = NULL;
	long long	 t0, until;
	long		 ttl = ttl_ms();

	memset(&pk, 0, sizeof(pk));
	memset(&pk2, 0, sizeof(pk2));
	if (gw_setup() == -1 || consumer_as("rot", "{\"groups\":"
	    "[\"contentAdmin\"]}", u, &t, &c, &old) == -1 ||
	    !CHECK(rot_all(old, 200), "before the rotation: no pass"))
		goto done;
	t0 = now_ms();
	if ((res = rotate(&r, u, c.key, "{\"grace_seconds\":6}",
	    "rotate, grace 6 s")) == NULL)
		goto done;
	c2 = c;
	snprintf(c2.secret, sizeof(c2.secret), "%s", str(jstr(res, "secret")));
	until = json_object_get_int64(jget(res, "grace_until"));
	CHECK(is_hex(c2.secret, HEX32) && strcmp(c2.secret, c.secret) != 0,
	    "rotate: no new secret");
	CHECK(streq(jstr(res, "username"), u) && streq(jstr(res, "key"),
	    c.key), "rotate: not the credential's username and key");
	CHECK(until >= t0 + 6000 && until <= now_ms() + 6000, "rotate: "
	    "grace_until %lld is not now + 6 s", until);
	CHECK(hmac_token_ok(jstr(res, "token"), "HS256", c.key, c2.secret),
	    "rotate: the token is not signed with the new secret");
	CHECK(header(&r, "Cache-Control", req, sizeof(req)) == 0 &&
	    streq(req, "no-store"), "rotate: the secret may be stored");
	resp_free(&r);
	new = mint(&t, &c2, "HS256", NULL, c2.key);
	w.tok = new;
	w.want = 200;
	CHECK(wait_until(rot_settled, &w, ttl + 1500, 100), "the new secret "
	    "does not pass on every worker within cache_ttl");
	CHECK(now_ms() < until - 1000 && rot_all(old, 200), "the old secret "
	    "does not pass inside its grace");
	/* The old secret is kept sealed, not in plaintext. */
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE `key` = '%s' "
	    "AND prev_seal_key IS NOT NULL AND INSTR(prev_secret, '%s') = 0",
	    c.key, c.secret) == 1, "the rotated-out secret is not sealed");
	/*
	 * It passes until just before the end, and no pass of it outlives
	 * the end in nginx's pass cache: asked 20 ms after, it fails.
	 */
	while (now_ms() < until - 40)
		if (!CHECK(rot_all(old, 200) || now_ms() >= until - 40, "the "
		    "old secret stops passing %lld ms before its grace ends",
		    until - now_ms()))
			break;
	while (now_ms() < until + 20)
		sleep_ms(2);
	CHECK(rot_all(old, 401), "the old secret passes after its grace");
	CHECK(rot_all(new, 200), "the new secret stops passing");
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE `key` = '%s' AND "
	    "action = '%s' AND JSON_VALUE(`change`, '$.grace_seconds') = 6",
	    c.key, ID("credential.rotate")) == 1, "no audit row of the "
	    "rotation with its grace");

	/* grace 0: the previous secret ends when the caches renew. */
	if ((res = rotate(&r, u, c.key, NULL, "rotate, no grace")) == NULL)
		goto done;
	snprintf(c2.secret, sizeof(c2.secret), "%s", str(jstr(res, "secret")));
	resp_free(&r);
	newer = mint(&t, &c2, "HS256", NULL, c2.key);
	w.tok = newer;
	CHECK(wait_until(rot_settled, &w, ttl + 1500, 100), "the newest "
	    "secret does not pass within cache_ttl");
	w.tok = new;
	w.want = 401;
	CHECK(wait_until(rot_settled, &w, 2 * ttl + 1500, 100), "grace 0: "
	    "the previous secret still passes after twice cache_ttl");

	/* A public key: {public_key, grace_seconds}. */
	fresh(pk.key, sizeof(pk.key), "rotpk");
	pk2 = pk;
	if (!CHECK((pk.pkey = keygen("RS256")) != NULL && (pk.pem =
	    pem_of(pk.pkey, 0)) != NULL && (pk2.pkey = keygen("RS256")) !=
	    NULL && (pk2.pem = pem_of(pk2.pkey, 0)) != NULL, "cannot make "
	    "key pairs"))
		goto done;
	register_key(&r, u, pk.key, json_object_new_string("RS256"),
	    json_object_new_string(pk.pem));
	expect_ok("register RS256", &r, RT_CRED_REGISTER);
	resp_free(&r);
	pold = mint(&t, &pk, "RS256", NULL, pk.key);
	pnew = mint(&t, &pk2, "RS256", NULL, pk.key);
	pem = json_object_new_string(pk2.pem);
	esc = strdup(json_object_to_json_string(pem));
	json_object_put(pem);
	snprintf(req, sizeof(req), "{\"public_key\":%s,\"grace_seconds\":4}",
	    str(esc));
	if ((res = rotate(&r, u, pk.key, req, "rotate RS256")) == NULL)
		goto done;
	CHECK(streq(jstr(res, "secret"), "") && streq(jstr(res, "token"), ""),
	    "rotate RS256: a secret or a token");
	until = json_object_get_int64(jget(res, "grace_until"));
	resp_free(&r);
	w.tok = pnew;
	w.want = 200;
	CHECK(wait_until(rot_settled, &w, ttl + 1500, 100), "the new public "
	    "key does not verify within cache_ttl");
	CHECK(now_ms() < until - 500 && rot_all(pold, 200), "the old public "
	    "key does not verify inside its grace");
	if (until + 50 > now_ms())
		sleep_ms(until + 50 - now_ms());
	CHECK(rot_all(pold, 401), "the old public key verifies after its "
	    "grace");

	/* What is refused. */
	rotate_refused(u, c.key, "{\"public_key\":\"x\"}", 400, "BAD_REQUEST",
	    "a public key for an HMAC credential");
	rotate_refused(u, pk.key, "{\"grace_seconds\":1}", 400, "BAD_REQUEST",
	    "RS256 without a public key");
	rotate_refused(u, c.key, "{\"grace_seconds\":604801}", 400,
	    "BAD_REQUEST", "a grace over a week");
	rotate_refused(u, c.key, "{\"grace_seconds\":-1}", 400, "BAD_REQUEST",
	    "a negative grace");
	rotate_refused(u, c.key, "{\"grace_seconds\":\"5\"}", 400,
	    "BAD_REQUEST", "a grace as a string");
	rotate_refused(u, fresh(u2, sizeof(u2), "nokey"), NULL, 404,
	    "CONSUMER_NOT_FOUND", "an unknown key");
	if (consumer("rotother", "{\"groups\":[\"contentUser\"]}", u2,
	    &tok2) == 0)
		rotate_refused(u2, c.key, NULL, 404, "CONSUMER_NOT_FOUND",
		    "another consumer's key");
	api(&r, url, RT_CRED_REVOKE, u, pk.key, NULL);
	expect_ok("revoke the RS256 credential", &r, RT_CRED_REVOKE);
	resp_free(&r);
	rotate_refused(u, pk.key, NULL, 404, "CONSUMER_NOT_FOUND",
	    "a revoked key");
done:
	resp_free(&r);
	free(old);
	free(new);
	free(newer);
	free(pold);
	free(pnew);
	free(tok2);
	free(esc);
	EVP_PKEY_free(pk.pkey);
	EVP_PKEY_free(pk2.pkey);
	free(pk.pem);
	free(pk2.pem);
}
