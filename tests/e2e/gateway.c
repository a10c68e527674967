/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the gateway: JWTs of every algorithm, signed
 * here, through the web server's gateway (E2E_GW_URL: nginx's
 * auth_request, or lighttpd's FastCGI authorizer) to adminutil's check
 * and the API behind it; GET /v1/auth itself; the workers' caches, as
 * MariaDB's own counters see them; introspection; credential/register
 * of every algorithm.  Part of the e2e program: e2e.c runs it, e2e.h
 * is the harness.  Tokens, secrets and private keys are never printed.
 *
 * Behind nginx's gateway is a demo API that echoes what it was given
 * as JSON: {"api": its $uri, "username", "groups", "key": the consumer
 * headers}.  Behind lighttpd's are files that say which API they are:
 * {"api": path}.
 *
 * Here are the helpers of gateway.h, the matrix's consumers and
 * credentials, and the list of every gateway test; the tests are in
 * gateway-check.c, gateway-path.c, gateway-db.c, gateway-feed.c and
 * gateway-keys.c.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "e2e.h"
#include "gateway.h"

#define HUGE_CLAIM	 9000	/* bytes: makes a token over 8 KiB */
#define SIG_MAX		 1024

/* The consumers of the matrix. */
const struct gconsumer consumers[NCONS] = {
	[C_MAIN] = { "gw", "{\"groups\":[\"contentUser\",\"contentAdmin\"]}",
	    "contentUser,contentAdmin" },
	[C_DEV] = { "gwdev",
	    "{\"groups\":[\"contentAdmin\",\"reportViewer\"]}",
	    "contentAdmin,reportViewer" },
	[C_GONE] = { "gwgone", "{\"groups\":[\"contentAdmin\"]}",
	    "contentAdmin" },
};

/* The credentials of the matrix. */
const struct gcredspec credspec[NCR] = {
	[CR_HS256] = { C_MAIN, "HS256", 1 },
	[CR_HS384] = { C_MAIN, "HS384", 0 },
	[CR_HS512] = { C_MAIN, "HS512", 0 },
	[CR_RS256] = { C_MAIN, "RS256", 0 },
	[CR_ES256] = { C_MAIN, "ES256", 0 },
	[CR_EDDSA] = { C_MAIN, "EdDSA", 0 },
	[CR_REVOKED] = { C_MAIN, "HS256", 0 },
	[CR_DEVICE] = { C_DEV, "ES256", 0 },
	[CR_DEV] = { C_DEV, "HS256", 1 },
	[CR_GONE] = { C_GONE, "HS256", 1 },
};

struct gcred		 creds[NCR];
char			 users[NCONS][NAMESZ];
static int		 ready;		/* 1 set up, -1 failed */

/* utilities */

int
is_web(const char *name)
{
	return strcmp(web, name) == 0;
}

/* s, unless it shows the token tok: then a placeholder. */
const char *
shown(const char *s, const char *tok)
{
	return tok != NULL && s != NULL && strstr(s, tok) != NULL ?
	    "(text with the token)" : s;
}

/* The instance's cache_ttl in ms (its default, 5 s, when unset). */
long
ttl_ms(void)
{
	char	 v[32];

	return conf_get("cache_ttl", v, sizeof(v)) == 0 ?
	    strtol(v, NULL, 10) * 1000 : 5000;
}

/* The instance's value of key, a number (def when unset). */
long
conf_num(const char *key, long def)
{
	char	 v[32];

	return conf_get(key, v, sizeof(v)) == 0 ? strtol(v, NULL, 10) : def;
}

/*
 * The longest a change may take to be honoured through the web server
 * while the feed follows: the feed's interval, one poll (a generous
 * 250 ms), and nginx's pass_keep.
 */
long
feed_bound_ms(void)
{
	return conf_num("feed_interval", 250) + 250 +
	    (is_web("nginx") ? conf_num("pass_keep", 1000) : 0);
}

/* n bytes as unpadded base64url, in a new string. */
static char *
b64_new(const void *p, size_t n)
{
	char	*s;

	if ((s = malloc((n + 2) / 3 * 4 + 1)) != NULL)
		b64url(s, p, n);
	return s;
}

/* The digest of an HMAC algorithm name (HS384, HS512; else SHA-256). */
const EVP_MD *
hmac_md(const char *alg)
{
	if (strcmp(alg, "HS384") == 0)
		return EVP_sha384();
	if (strcmp(alg, "HS512") == 0)
		return EVP_sha512();
	return EVP_sha256();
}

/* A new key pair for an algorithm: RSA 2048, P-256 or Ed25519. */
EVP_PKEY *
keygen(const char *alg)
{
	if (strcmp(alg, "RS256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(alg, "ES256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

/* The PEM of pkey's public key (or private, never shown); NULL. */
char *
pem_of(EVP_PKEY *pkey, int private)
{
	BIO	*b;
	char	*p, *s = NULL;
	long	 n;
	int	 ok;

	if (pkey == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	ok = private ? PEM_write_bio_PrivateKey(b, pkey, NULL, NULL, 0, NULL,
	    NULL) : PEM_write_bio_PUBKEY(b, pkey);
	if (ok == 1 && (n = BIO_get_mem_data(b, &p)) > 0)
		s = strndup(p, (size_t)n);
	BIO_free(b);
	return s;
}

/* tokens */

/*
 * Signs len bytes of in as alg with credential c into sig (SIG_MAX
 * bytes): RS256, ES256 (r || s unless der) and EdDSA with c's private
 * key; anything else as HMAC (SHA-256 unless HS384 or HS512) with c's
 * secret, or with its public key's PEM text when it has no secret (the
 * confusion attack).  0 or -1.
 */
static int
sign(const struct gcred *c, const char *alg, const char *in, size_t len,
    int der, unsigned char *sig, size_t *siglen)
{
	EVP_MD_CTX	*ctx;
	ECDSA_SIG	*es;
	const BIGNUM	*r, *s;
	const unsigned char *p;
	const char	*k = c->pkey == NULL ? c->secret : c->pem;
	unsigned char	 d[SIG_MAX];
	unsigned int	 n = 0;
	size_t		 dlen = sizeof(d);
	int		 ok, ec = strcmp(alg, "ES256") == 0;

	*siglen = 0;
	if (strcmp(alg, "RS256") != 0 && !ec && strcmp(alg, "EdDSA") != 0) {
		if (HMAC(hmac_md(alg), k, (int)strlen(k),
		    (const unsigned char *)in, len, sig, &n) == NULL)
			return -1;
		*siglen = n;
		return 0;
	}
	if (c->pkey == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit(ctx, NULL, strcmp(alg, "EdDSA") == 0 ? NULL :
	    EVP_sha256(), NULL, c->pkey) == 1 &&
	    EVP_DigestSign(ctx, d, &dlen, (const unsigned char *)in, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	if (!ec || der) {
		memcpy(sig, d, dlen);
		*siglen = dlen;
		return 0;
	}
	p = d;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) == NULL)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) ==
	    32;
	ECDSA_SIG_free(es);
	*siglen = 64;
	return ok ? 0 : -1;
}

/* + and / for - and _. */
static void
to_std(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '-')
			*s = '+';
		else if (*s == '_')
			*s = '/';
}

/*
 * The token of t with kid and iss given (NULL: none) and signed by c,
 * in a new string; NULL on failure.
 */
char *
mint(const struct tok *t, const struct gcred *c, const char *alg,
    const char *kid, const char *iss)
{
	unsigned char	 sig[SIG_MAX];
	FILE		*f;
	char		*hj = NULL, *pj = NULL, *h = NULL, *p = NULL;
	char		*in = NULL, *s = NULL, *out = NULL, *e;
	size_t		 hl, pl, siglen, n;
	long long	 now = now_ms();
	int		 i, comma = 0;

	if ((f = open_memstream(&hj, &hl)) == NULL)
		return NULL;
	fprintf(f, "{\"alg\":\"%s\",\"typ\":\"JWT\"", alg);
	if (kid != NULL)
		fprintf(f, ",\"kid\":\"%s\"", kid);
	if (t->head != NULL)
		fprintf(f, ",%s", t->head);
	fputc('}', f);
	fclose(f);
	if ((f = open_memstream(&pj, &pl)) == NULL)
		goto done;
	fputc('{', f);
	if (iss != NULL) {
		fprintf(f, "\"iss\":\"%s\"", iss);
		comma = 1;
	}
	/* The seeds' clients send their own iat, a string. */
	if (t->claims == NULL || strstr(t->claims, "\"iat\"") == NULL) {
		fprintf(f, "%s\"iat\":%lld", comma ? "," : "", now / 1000);
		comma = 1;
	}
	if (t->exp != 0)
		fprintf(f, ",\"exp\":%lld", now / 1000 + t->exp);
	if (t->nbf != 0)
		fprintf(f, ",\"nbf\":%lld", now / 1000 + t->nbf);
	if (t->claims != NULL) {
		fputs(comma ? "," : "", f);
		fprintf(f, t->claims, now);
	}
	if (t->mangle == M_HUGE) {
		fputs(",\"pad\":\"", f);
		for (i = 0; i < HUGE_CLAIM; i++)
			fputc('a', f);
		fputc('"', f);
	}
	/* Six ?s make a _ in base64url, whatever their offset. */
	if (t->mangle == M_STDB64)
		fputs(",\"q\":\"??????\"", f);
	fputc('}', f);
	fclose(f);
	if ((h = b64_new(hj, hl)) == NULL || (p = b64_new(pj, pl)) == NULL ||
	    asprintf(&in, "%s%s.%s", t->mangle == M_JUNK ? "!" : "", h, p) ==
	    -1) {
		in = NULL;
		goto done;
	}
	if (t->mangle == M_STDB64)
		to_std(in);
	if (sign(c, alg, in, strlen(in), t->mangle == M_DER, sig, &siglen) ==
	    -1 || (s = b64_new(sig, siglen)) == NULL)
		goto done;
	if (t->mangle == M_STDB64)
		to_std(s);
	if (t->mangle == M_BADSIG && s[0] != '\0')
		s[0] = s[0] == 'A' ? 'B' : 'A';
	if (t->mangle == M_CUTSIG && (n = strlen(s)) > 4)
		s[n - 4] = '\0';
	if (t->mangle == M_UNSIGNED || t->mangle == M_TWOPARTS)
		s[0] = '\0';
	e = strchr(in, '.');
	if (asprintf(&out, "%.*s%s%s%s%s%s", (int)(e - in), in,
	    t->mangle == M_DOUBLEDOT ? "." : "", e,
	    t->mangle == M_TWOPARTS ? "" : ".", s,
	    t->mangle == M_TRAILDOT ? "." : t->mangle == M_SIGPAD ? "=" : "") ==
	    -1)
		out = NULL;
done:
	free(hj);
	free(pj);
	free(h);
	free(p);
	free(in);
	free(s);
	return out;
}

/* The key that a kid or iss of a token of signer names (in buf). */
static const char *
key_named(enum cr which, enum cr signer, char *buf, size_t sz)
{
	if (which == CR_UNKNOWN)
		return fresh(buf, sz, "nokey");
	if (which == CR_SPACED) {
		snprintf(buf, sz, "%s ", creds[signer].key);
		return buf;
	}
	return which > CR_DEF && which < NCR ? creds[which].key : NULL;
}

/* The token t, in a new string; NULL on failure. */
char *
token(const struct tok *t)
{
	char	 kb[NAMESZ], ib[NAMESZ];

	if (t->signer <= CR_DEF || t->signer >= NCR)
		return NULL;
	return mint(t, &creds[t->signer], t->alg != NULL ? t->alg :
	    credspec[t->signer].alg, key_named(t->kid, t->signer, kb,
	    sizeof(kb)), t->iss == CR_ABSENT ? NULL : key_named(t->iss ==
	    CR_DEF ? t->signer : t->iss, t->signer, ib, sizeof(ib)));
}

char *
bearer(const char *tok)
{
	char	*s;

	return tok != NULL && asprintf(&s, "Authorization: Bearer %s", tok) !=
	    -1 ? s : NULL;
}

/* http */

/*
 * Sets up GET base+path, the path sent as it is (no dot segment
 * removed), with the header lines hdrs (n of them).  0 or -1.
 */
static int
gw_init(struct xfer *x, struct resp *r, const char *base, const char *path,
    const char *const *hdrs, size_t n)
{
	struct curl_slist	*l;
	size_t			 i;

	if (xfer_init(x, r, base, "GET", path, NULL, 0) == -1)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_PATH_AS_IS, 1L);
	for (i = 0; i < n; i++) {
		if ((l = curl_slist_append(x->hdrs, hdrs[i])) == NULL)
			return -1;
		x->hdrs = l;
	}
	curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
	return 0;
}

/* GET path with hdrs; a request curl or the server refuses is no failure. */
void
gw_get_quiet(struct resp *r, const char *base, const char *path,
    const char *const *hdrs, size_t n)
{
	struct xfer	 x;

	if (gw_init(&x, r, base, path, hdrs, n) == -1) {
		xfer_done(&x, CURLE_FAILED_INIT);
		return;
	}
	xfer_done(&x, curl_easy_perform(x.h));
}

void
gw_get(struct resp *r, const char *base, const char *path,
    const char *const *hdrs, size_t n)
{
	gw_get_quiet(r, base, path, hdrs, n);
	CHECK(r->error == NULL, "GET %s: %s", path, str(r->error));
}

/* The JSON the API behind the gateway answered with (caller puts). */
json_object *
api_saw(const struct resp *r)
{
	return r->body.p != NULL ? json_tokener_parse(r->body.p) : NULL;
}

/* Whether r is want, and for a 200 on nginx, the API saw groups. */
static int
answer_is(const struct resp *r, long want, const char *groups)
{
	json_object	*o;
	int		 ok;

	if (r->status != want)
		return 0;
	if (want != 200 || groups == NULL || is_web("lighttpd"))
		return 1;
	o = api_saw(r);
	ok = streq(jstr(o, "groups"), groups);
	json_object_put(o);
	return ok;
}

/*
 * n requests of path with header hdr, one after another (burst 0) or
 * all at once; how many answered want (answer_is).
 */
size_t
gw_many(const char *path, const char *hdr, size_t n, int burst, long want,
    const char *groups)
{
	struct xfer	 x[NBURST];
	struct resp	 r[NBURST];
	CURLcode	 rcs[NBURST];
	CURLM		*m;
	CURLMsg		*msg;
	size_t		 i, ok = 0;
	int		 running = 0, left;

	if (n > NBURST)
		n = NBURST;
	if (!burst) {
		for (i = 0; i < n; i++) {
			gw_get(&r[0], gw_url, path, &hdr, hdr != NULL);
			ok += answer_is(&r[0], want, groups);
			resp_free(&r[0]);
		}
		return ok;
	}
	if ((m = curl_multi_init()) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		rcs[i] = CURLE_FAILED_INIT;
		if (gw_init(&x[i], &r[i], gw_url, path, &hdr, hdr != NULL) ==
		    0)
			curl_multi_add_handle(m, x[i].h);
	}
	do {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running > 0 && curl_multi_poll(m, NULL, 0, 1000, NULL) !=
		    CURLM_OK)
			break;
	} while (running > 0);
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		for (i = 0; i < n; i++)
			if (msg->msg == CURLMSG_DONE &&
			    x[i].h == msg->easy_handle)
				rcs[i] = msg->data.result;
	for (i = 0; i < n; i++) {
		if (x[i].h != NULL)
			curl_multi_remove_handle(m, x[i].h);
		xfer_done(&x[i], rcs[i]);
		ok += answer_is(&r[i], want, groups);
		resp_free(&r[i]);
	}
	curl_multi_cleanup(m);
	return ok;
}

/* n requests of path with hdr, one after another: how many answered want. */
size_t
gw_row(const char *path, const char *hdr, size_t n, long want)
{
	return gw_many(path, hdr, n, 0, want, NULL);
}

/* Both: NBURST one after another, then NBURST at once. */
void
expect_everywhere(const char *what, const char *path, const char *hdr,
    long want, const char *groups)
{
	size_t	 n;

	n = gw_many(path, hdr, NBURST, 0, want, groups);
	CHECK(n == NBURST, "%s: %zu of %d requests in a row answered %ld%s%s",
	    what, n, NBURST, want, groups != NULL ? " with groups " : "",
	    str(groups));
	n = gw_many(path, hdr, NBURST, 1, want, groups);
	CHECK(n == NBURST, "%s: %zu of %d requests at once answered %ld%s%s",
	    what, n, NBURST, want, groups != NULL ? " with groups " : "",
	    str(groups));
}

/* POSTs a form to /v1/token/introspect at base. */
void
introspect_as(struct resp *r, const char *base, const char *form,
    const char *caller)
{
	const char	*hdrs[] = {
	    "Content-Type: application/x-www-form-urlencoded", caller, NULL };

	post_raw(r, base, routes[RT_INTROSPECT].path, form, strlen(form), hdrs,
	    NULL);
	CHECK(r->error == NULL, "introspect: %s", str(r->error));
}

/* The Authorization header of the introspection caller (gw_setup). */
static char	*intro_caller;

/* Introspection by a caller in introspect_groups. */
void
introspect(struct resp *r, const char *base, const char *form)
{
	introspect_as(r, base, form, intro_caller);
}

/* admin */

/* credential/register of key for user: algorithm and public_key. */
void
register_key(struct resp *r, const char *user, const char *key,
    json_object *alg, json_object *pk)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL) {
		memset(r, 0, sizeof(*r));
		CU_FAIL("out of memory");
		return;
	}
	json_object_object_add(o, "key", json_object_new_string(key));
	if (alg != NULL)
		json_object_object_add(o, "algorithm", alg);
	if (pk != NULL)
		json_object_object_add(o, "public_key", pk);
	api(r, url, RT_CRED_REGISTER, user, NULL,
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int
grant(const char *user, const char *request)
{
	struct resp	 r;
	int		 ok;

	call(&r, RT_GRANT, user, request);
	ok = expect_ok("grant", &r, RT_GRANT) != NULL;
	resp_free(&r);
	return ok ? 0 : -1;
}

/*
 * A consumer with groups (a grant request) and a token of its own
 * credential c (NULL: kept here), made as t says; 0 or -1.
 */
int
consumer_as(const char *tag, const char *groups, char *user,
    const struct tok *t, struct gcred *c, char **tok)
{
	struct gcred	 own;

	if (c == NULL)
		c = &own;
	memset(c, 0, sizeof(*c));
	*tok = NULL;
	if (create(fresh(user, NAMESZ, tag), c->key, c->secret) == -1 ||
	    grant(user, groups) == -1)
		return -1;
	*tok = mint(t, c, "HS256", NULL, c->key);
	return *tok != NULL ? 0 : -1;
}

int
consumer(const char *tag, const char *groups, char *user, char **tok)
{
	struct tok	 t = { .signer = CR_HS256 };

	return consumer_as(tag, groups, user, &t, NULL, tok);
}

/* The consumers and credentials of the matrix, once; 0 or -1. */
int
gw_setup(void)
{
	struct gcred	*c;
	struct resp	 r;
	json_object	*res;
	char		 v[32], u[NAMESZ], *tok = NULL;
	size_t		 i;
	int		 ok;

	if (ready != 0)
		return ready == 1 ? 0 : -1;
	ready = -1;
	if (!CHECK(gw_url != NULL, "E2E_GW_URL is not set: the web server "
	    "has no gateway") || !CHECK(conf_get("clock_skew", v,
	    sizeof(v)) == -1 || strtol(v, NULL, 10) == SKEW, "the instance's "
	    "clock_skew is %s, the cases are made for %d", v, SKEW))
		return -1;
	/* The consumers, with their own credentials, then the others. */
	for (i = 0; i < NCONS; i++)
		fresh(users[i], NAMESZ, consumers[i].tag);
	for (i = CR_DEF + 1; i < NCR; i++)
		if (credspec[i].own && (create(users[credspec[i].owner],
		    creds[i].key, creds[i].secret) == -1 ||
		    grant(users[credspec[i].owner],
		    consumers[credspec[i].owner].grant) == -1))
			return -1;
	for (i = CR_DEF + 1; i < NCR; i++) {
		c = &creds[i];
		if (credspec[i].own)
			continue;
		fresh(c->key, sizeof(c->key), "gwkey");
		if (strncmp(credspec[i].alg, "HS", 2) != 0 &&
		    ((c->pkey = keygen(credspec[i].alg)) == NULL ||
		    (c->pem = pem_of(c->pkey, 0)) == NULL)) {
			CU_FAIL("cannot make a key pair");
			return -1;
		}
		register_key(&r, users[credspec[i].owner], c->key,
		    json_object_new_string(credspec[i].alg), c->pem != NULL ?
		    json_object_new_string(c->pem) : NULL);
		res = expect_ok("register", &r, RT_CRED_REGISTER);
		ok = res != NULL && streq(jstr(res, "key"), c->key) &&
		    (c->pem != NULL ? streq(jstr(res, "secret"), "") :
		    is_hex(jstr(res, "secret"), HEX32));
		if (ok && c->pem == NULL)
			snprintf(c->secret, sizeof(c->secret), "%s",
			    jstr(res, "secret"));
		CHECK(ok, "register %s (%s): not the key, or a secret where "
		    "there should be none, or none where there should be one",
		    c->key, credspec[i].alg);
		resp_free(&r);
		if (!ok)
			return -1;
	}
	/* Introspection's caller: a consumer of introspect_groups. */
	if (consumer("gwintro", "{\"groups\":[\"adminutilAdmin\"]}", u,
	    &tok) == -1 || (intro_caller = bearer(tok)) == NULL) {
		free(tok);
		return -1;
	}
	free(tok);
	ready = 1;
	return 0;
}

const struct e2e_test gateway_tests[] = {
	{ "gateway: the token matrix", test_gw_matrix, FULL | SMOKE },
	{ "gateway: GET /v1/auth answers", test_gw_auth, FULL | SMOKE },
	{ "gateway: grant and revoke reach every worker in the feed's bound",
	    test_gw_grant_everywhere, FULL },
	{ "gateway: 41 groups, and the most a grant may hold: the API sees "
	    "them all; more is refused", test_gw_many_groups, FULL },
	{ "gateway: nginx keeps passes only, and within pass_keep",
	    test_gw_pass_cache, FULL },
	{ "gateway: its own pool: no wait behind an admin storm on a lock",
	    test_gw_isolation, FULL },
	{ "gateway: secrets sealed at rest, --migrate, --reseal, a key "
	    "missing", test_gw_sealed, FULL },
	{ "gateway: no request is answered from another's pass",
	    test_gw_forgery, FULL },
	{ "gateway: every reading of the path decides",
	    test_gw_readings, FULL | SMOKE },
	{ "gateway: unknown key and bad signature read the same",
	    test_gw_oracle, FULL | SMOKE },
	{ "gateway: database down: the gateway fails closed",
	    test_gw_db_down, FULL },
	{ "gateway: a table locked: a check waits db_lock_wait_timeout, "
	    "fails closed", test_gw_db_locked, FULL },
	{ "gateway: database stalled: a check fails closed, the pool holds "
	    "off", test_gw_db_stalled, FULL },
	{ "gateway: unknown keys cost no statement, a known one one per "
	    "worker", test_gw_flood, FULL },
	{ "gateway: a miss costs one statement, prepared once",
	    test_gw_miss_cost, FULL },
	{ "gateway: the key filter: 1000 random keys, no statement; a new "
	    "credential passes at once", test_gw_filter, FULL },
	{ "gateway: introspection (RFC 7662)", test_gw_introspect, FULL },
	{ "gateway: credential/register refuses bad algorithms and keys",
	    test_gw_register_invalid, FULL },
	{ "gateway: credential/register of every algorithm",
	    test_gw_register, FULL },
	{ "gateway: rotation: the old secret until its grace, the new one",
	    test_gw_rotate, FULL },
	{ "gateway: the feed honours 52 changes within 1 s, cache_ttl 60 s",
	    test_gw_feed_bound, FULL },
	{ "gateway: a rotation a worker's cache does not show yet: no pass "
	    "of the old secret outlives its grace", test_gw_rotate_edge,
	    FULL },
	{ "gateway: once refused, never passed again on the host",
	    test_gw_refusal_seen, FULL },
	{ "gateway: a refusal replayed costs no statement",
	    test_gw_refusal_replayed, FULL },
};

const size_t gateway_ntests = sizeof(gateway_tests) /
    sizeof(gateway_tests[0]);
