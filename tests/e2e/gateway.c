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
 */
#include "build.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "e2e.h"

#define SKEW		 60	/* the instance's clock_skew (its default) */
#define HUGE_CLAIM	 9000	/* bytes: makes a token over 8 KiB */
#define NREPEAT		 8	/* times each check after a revocation */
#define NBURST		 20	/* requests that reach every worker */
#define NFLOOD		 200	/* tokens of one unknown key */
#define NDISTINCT	 50	/* tokens of as many unknown keys */
#define SIG_MAX		 1024

/* APIs of conf/acl/sunbird.acl and conf/nginx.conf. */
#define API		 "/content/v1/flag/accept"	/* contentAdmin */
#define API_OTHER	 "/user/v1/block"		/* userAdmin */
#define API_PUBLIC	 "/data/v1/page/assemble"	/* @public */
#define API_REPORTS	 "/demo/reports/x"	/* nginx: reportViewer... */
/* Longer than src/gateway/acl.h's ACL_PATH_MAX, shorter than nginx's line. */
#define ACL_PATH_MAX_E2E 4200

#define WWW_INVALID	 "Bearer error=\"invalid_token\", error_description=\""
#define ALG_MSG		 "ALGORITHM MUST BE ONE OF HS256, HS384, HS512, " \
			 "RS256, RS512, ES256, EdDSA"
#define SEED_CLAIMS	 "\"iat\":\"%lld\",\"id\":\"org.sunbird.api." \
			 "contentAPI\",\"qsh\":\"8063ff4ca1e41df0f6207d491" \
			 "cf6dad7c66ea797b4614b7\",\"version\":\"1.0\"," \
			 "\"params\":{\"did\":\"ff305d54-85b4-341b-da2f-" \
			 "eb6b9e5460fa\",\"msgid\":\"c3049b36249a3c9f8891" \
			 "cb1999777743c\"}"

/* The consumers of the matrix. */
enum consumer {
	C_MAIN,
	C_DEV,		/* owns a device key */
	C_GONE,		/* deleted between the phases */
	NCONS
};

static const struct {
	const char	*tag;
	const char	*grant;		/* the grant request */
	const char	*joined;	/* the groups, as the API sees them */
} consumers[NCONS] = {
	[C_MAIN] = { "gw", "{\"groups\":[\"contentUser\",\"contentAdmin\"]}",
	    "contentUser,contentAdmin" },
	[C_DEV] = { "gwdev",
	    "{\"groups\":[\"contentAdmin\",\"reportViewer\"]}",
	    "contentAdmin,reportViewer" },
	[C_GONE] = { "gwgone", "{\"groups\":[\"contentAdmin\"]}",
	    "contentAdmin" },
};

/* The credentials of the matrix. */
enum cr {
	CR_DEF,		/* as kid: none; as iss: the signer's key */
	CR_HS256,	/* C_MAIN's own, from create */
	CR_HS384,
	CR_HS512,
	CR_RS256,
	CR_ES256,
	CR_EDDSA,
	CR_REVOKED,	/* C_MAIN's, revoked between the phases */
	CR_DEVICE,	/* C_DEV's device key */
	CR_DEV,		/* C_DEV's own */
	CR_GONE,	/* C_GONE's own */
	NCR,
	CR_UNKNOWN,	/* a key no one has */
	CR_SPACED,	/* the signer's key and a space */
	CR_ABSENT	/* as iss: no iss claim */
};

static const struct {
	enum consumer	 owner;
	const char	*alg;
	int		 own;		/* made by create, not registered */
} credspec[NCR] = {
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

struct gcred {
	char		 key[NAMESZ];
	char		 secret[HEX32 + 1];	/* HMAC */
	EVP_PKEY	*pkey;			/* the others: private key */
	char		*pem;			/* and its public key */
};

static struct gcred	 creds[NCR];
static char		 users[NCONS][NAMESZ];
static int		 ready;		/* 1 set up, -1 failed */

/* How a token is spoilt. */
enum mangle {
	M_NONE,
	M_BADSIG,	/* a signature character changed */
	M_CUTSIG,	/* the signature's last 4 characters cut */
	M_TWOPARTS,	/* header.payload */
	M_TRAILDOT,	/* header.payload.signature. */
	M_DOUBLEDOT,	/* header..payload.signature */
	M_STDB64,	/* base64 with + and /, then signed */
	M_SIGPAD,	/* the signature padded with = */
	M_JUNK,		/* a ! in the header, then signed */
	M_HUGE,		/* a claim that makes it over 8 KiB */
	M_UNSIGNED,	/* header.payload. */
	M_DER		/* ES256 signature DER-encoded, not r || s */
};

struct tok {
	enum cr		 signer;	/* CR_DEF: no token */
	const char	*alg;		/* the header's; NULL: the signer's */
	enum cr		 kid;		/* CR_DEF: none */
	enum cr		 iss;		/* CR_DEF: the signer's key */
	long		 exp, nbf;	/* seconds from now; 0: absent */
	const char	*claims;	/* more: a format of now in ms */
	const char	*head;		/* more header members */
	enum mangle	 mangle;
};

/* utilities */

static int
is_web(const char *name)
{
	return strcmp(web, name) == 0;
}

/* s, unless it shows the token tok: then a placeholder. */
static const char *
shown(const char *s, const char *tok)
{
	return tok != NULL && s != NULL && strstr(s, tok) != NULL ?
	    "(text with the token)" : s;
}

/* The instance's cache_ttl in ms (its default, 5 s, when unset). */
static long
ttl_ms(void)
{
	char	 v[32];

	return conf_get("cache_ttl", v, sizeof(v)) == 0 ?
	    strtol(v, NULL, 10) * 1000 : 5000;
}

/* The instance's value of key, a number (def when unset). */
static long
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
static long
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
static const EVP_MD *
hmac_md(const char *alg)
{
	if (strcmp(alg, "HS384") == 0)
		return EVP_sha384();
	if (strcmp(alg, "HS512") == 0)
		return EVP_sha512();
	return EVP_sha256();
}

/* A new key pair for an algorithm: RSA 2048, P-256 or Ed25519. */
static EVP_PKEY *
keygen(const char *alg)
{
	if (strcmp(alg, "RS256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(alg, "ES256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

/* The PEM of pkey's public key (or private, never shown); NULL. */
static char *
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
static char *
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
static char *
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
static void
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

static void
gw_get(struct resp *r, const char *base, const char *path,
    const char *const *hdrs, size_t n)
{
	gw_get_quiet(r, base, path, hdrs, n);
	CHECK(r->error == NULL, "GET %s: %s", path, str(r->error));
}

/* The JSON the API behind the gateway answered with (caller puts). */
static json_object *
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
static size_t
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

/* Both: NBURST one after another, then NBURST at once. */
static void
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
static void
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
static void
introspect(struct resp *r, const char *base, const char *form)
{
	introspect_as(r, base, form, intro_caller);
}

/* admin */

/* credential/register of key for user: algorithm and public_key. */
static void
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

static int
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
static int
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
static int
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

static void
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

static void
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

/* caches */

/*
 * A grant and a revoke of groups: every worker within the feed's bound,
 * under cache_ttl: the feed tells them.
 */
static void
test_gw_grant_everywhere(void)
{
	struct resp	 r;
	char		 u[NAMESZ], *tok, *h;
	long long	 t0;

	if (gw_setup() == -1 || consumer("gwcache",
	    "{\"groups\":[\"contentAdmin\"]}", u, &tok) == -1)
		return;
	h = bearer(tok);
	expect_everywhere("before the grant", API, h, 200, "contentAdmin");
	expect_everywhere("before the grant", API_OTHER, h, 403, NULL);

	if (!CHECK(feed_bound_ms() < ttl_ms(), "the feed's bound %ld ms is "
	    "not under cache_ttl %ld ms: this test cannot tell them apart",
	    feed_bound_ms(), ttl_ms()))
		goto done;
	t0 = now_ms();
	if (grant(u, "{\"groups\":[\"userAdmin\",\"contentUser\"]}") == 0) {
		sleep_ms((long)(t0 + feed_bound_ms() - now_ms()));
		expect_everywhere("the feed's bound after the grant",
		    API_OTHER, h, 200, "userAdmin,contentUser");
		expect_everywhere("the feed's bound after the grant", API, h,
		    403, NULL);
	}

	t0 = now_ms();
	call(&r, RT_REVOKE, u, "{\"groups\":[\"userAdmin\"]}");
	if (expect_ok("revoke", &r, RT_REVOKE) != NULL) {
		sleep_ms((long)(t0 + feed_bound_ms() - now_ms()));
		expect_everywhere("the feed's bound after the revoke",
		    API_OTHER, h, 403, NULL);
	}
	resp_free(&r);
done:
	free(h);
	free(tok);
}

/*
 * A consumer in many groups: the API sees all of them (nginx: the
 * demo API echoes X-Consumer-Groups), and its name and key.
 */
/*
 * A consumer in n groups named by fmt (with their index; padded with
 * "x" to len bytes), then contentAdmin, the API's: the API sees all of
 * them, whole, through the gateway.
 */
static void
many_groups(const char *what, int n, size_t len)
{
	struct resp	 r;
	json_object	*o;
	FILE		*f, *g;
	char		 u[NAMESZ], key[HEX32 + 1], secret[HEX32 + 1], name[256];
	char		*req = NULL, *joined = NULL, *tok = NULL, *h = NULL;
	size_t		 rlen, jlen;
	int		 i;
	struct gcred	 c;
	struct tok	 t = { .signer = CR_HS256 };

	if (gw_setup() == -1 || create(fresh(u, sizeof(u), "gwmany"), key,
	    secret) == -1)
		return;
	if ((f = open_memstream(&req, &rlen)) == NULL)
		return;
	if ((g = open_memstream(&joined, &jlen)) == NULL) {
		fclose(f);
		goto done;
	}
	fputs("{\"groups\":[", f);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e2e-group-%03d-", i);
		while (strlen(name) < len && strlen(name) < sizeof(name) - 1)
			strcat(name, "x");
		fprintf(f, "\"%s\",", name);
		fprintf(g, "%s,", name);
	}
	fputs("\"contentAdmin\"]}", f);
	fputs("contentAdmin", g);
	fclose(f);
	fclose(g);
	memset(&c, 0, sizeof(c));
	snprintf(c.key, sizeof(c.key), "%s", key);
	snprintf(c.secret, sizeof(c.secret), "%s", secret);
	if (grant(u, req) == -1 || (tok = mint(&t, &c, "HS256", NULL, key)) ==
	    NULL || (h = bearer(tok)) == NULL)
		goto done;
	gw_get(&r, gw_url, API, (const char *const *)&h, 1);
	CHECK(r.status == 200, "%s: HTTP %ld, want 200", what, r.status);
	if (r.status == 200 && !is_web("lighttpd")) {
		o = api_saw(&r);
		CHECK(streq(jstr(o, "username"), u) &&
		    streq(jstr(o, "key"), key), "%s: the API saw consumer "
		    "\"%s\" key \"%s\", want \"%s\" \"%s\"", what,
		    str(jstr(o, "username")), str(jstr(o, "key")), u, key);
		CHECK(streq(jstr(o, "groups"), joined), "%s: the API saw %zu "
		    "bytes of X-Consumer-Groups, want all %zu", what,
		    jstr(o, "groups") != NULL ? strlen(jstr(o, "groups")) : 0,
		    jlen);
		json_object_put(o);
	}
	resp_free(&r);
done:
	free(h);
	free(tok);
	free(joined);
	free(req);
}

static void
test_gw_many_groups(void)
{
	struct resp	 r;
	char		 u[NAMESZ], *req = NULL;
	size_t		 len;
	FILE		*f;
	int		 i;

	/* 40 groups, over 1 KiB comma-joined, the API's last. */
	many_groups("40 groups", 40, 34);
	/* The most a grant may hold: 31 of 255 bytes and more, 7,948. */
	many_groups("31 groups of 255 bytes", 31, 255);
	/* More than the gateway's answer carries is refused at grant time. */
	if (create(fresh(u, sizeof(u), "gwtoomany"), NULL, NULL) == -1 ||
	    (f = open_memstream(&req, &len)) == NULL)
		return;
	fputs("{\"groups\":[\"contentAdmin\"", f);
	for (i = 0; i < 40; i++)
		fprintf(f, ",\"e2e-big-%03d-%0240d\"", i, 0);
	fputs("]}", f);
	fclose(f);
	call(&r, RT_GRANT, u, req);
	expect_err("a grant the gateway cannot carry", &r, RT_GRANT, 400,
	    "BAD_REQUEST", "GROUPS ARE TOO LONG FOR THE GATEWAY: AT MOST 8192 "
	    "BYTES JOINED BY COMMAS");
	resp_free(&r);
	expect_groups("its groups after", RT_READ, u, NULL,
	    GROUPS("contentUser"));
	free(req);
}

static int
auth_works(void *arg)
{
	struct resp	 r;
	const char	*h = arg;
	int		 ok;

	gw_get(&r, gw_url, API, &h, 1);
	ok = r.status == 200;
	resp_free(&r);
	return ok;
}

/*
 * Tokens of credentials made while the database is up and never
 * checked since, so that no worker has cached them, and the key filter
 * knows their keys: only the database can say more of them.  (A key
 * nobody has is refused by the filter, database or not.)
 */
#define NSPARE	 4
static char	*spare[NSPARE];
static size_t	 nspare;

/* Makes spare tokens up to n; 0, or -1 after a failed check. */
static int
spares(size_t n)
{
	char	 u[NAMESZ], *tok;

	while (nspare < n && nspare < NSPARE) {
		if (consumer("gwspare", "{\"groups\":[\"contentAdmin\"]}", u,
		    &tok) == -1)
			return -1;
		spare[nspare++] = tok;
	}
	return 0;
}

/*
 * A key no worker has cached (a spare), as the database is gone, locked
 * or stalled (what names it): the gateway fails closed (nginx 500,
 * lighttpd 503) and, with direct, /v1/auth says 503.
 */
static void
uncached_refused(const char *what, int direct)
{
	struct resp	 r;
	const char	*hdrs[2];
	char		*tok, *h, msg[128];
	long		 want = is_web("lighttpd") ? 503 : 500;

	if (!CHECK(nspare > 0, "%s: no spare credential", what))
		return;
	tok = spare[--nspare];
	h = bearer(tok);

	gw_get(&r, gw_url, API, (const char *const *)&h, 1);
	CHECK(r.status == want, "%s, a credential not cached: HTTP %ld, want "
	    "%ld", what, r.status, want);
	resp_free(&r);
	if (direct) {
		hdrs[0] = h;
		hdrs[1] = "X-Original-URI: " API;
		gw_get(&r, url, routes[RT_AUTH].path, hdrs, 2);
		snprintf(msg, sizeof(msg), "/v1/auth, %s", what);
		expect_err(msg, &r, RT_AUTH, 503, "SERVICE_UNAVAILABLE", NULL);
		resp_free(&r);
	}
	free(h);
	free(tok);
}

/*
 * The database gone (adminutil's account locked, its connections
 * killed): a token whose credential no worker has cached is refused,
 * never let through (nginx answers 500: it fails closed); /v1/auth
 * says 503.  Public APIs still pass.  Then it all comes back.
 */
static void
test_gw_db_down(void)
{
	struct tok	 v = { .signer = CR_HS256 };
	struct resp	 r;
	char		*vh, *vtok;
	size_t		 i;

	if (gw_setup() == -1 || spares(4) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	if (sql(db, "ALTER USER 'adminutil'@'localhost' ACCOUNT LOCK") == -1)
		goto done;
	kill_connections();
	for (i = 0; i < 4; i++)
		uncached_refused("database down", 1);
	gw_get(&r, gw_url, API_PUBLIC, NULL, 0);
	CHECK(r.status == 200, "database down, a public API: HTTP %ld, want "
	    "200", r.status);
	resp_free(&r);
	gw_get(&r, gw_url, API, NULL, 0);
	CHECK(r.status == 401, "database down, no token: HTTP %ld, want 401",
	    r.status);
	resp_free(&r);
done:
	sql(db, "ALTER USER 'adminutil'@'localhost' ACCOUNT UNLOCK");
	CHECK(vh != NULL && wait_until(auth_works, vh, 5000, 100),
	    "the database back: a valid token did not pass within 5 s");
	free(vh);
	free(vtok);
}

/*
 * A table locked (LOCK TABLES, as an ALTER TABLE waiting for its turn
 * would lock it): a check that needs the database waits
 * db_lock_wait_timeout for it, not db_rw_timeout twice, and fails
 * closed: /v1/auth says 503, the gateway refuses.  An admin read says
 * 503 too.  Unlocked, the valid token passes again.
 */
static void
test_gw_db_locked(void)
{
	struct tok	 v = { .signer = CR_HS256 };
	struct resp	 r;
	char		*vh, *vtok;
	MYSQL		*lk;

	if (gw_setup() == -1 || spares(1) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	if ((lk = sql_open()) == NULL || sql(lk, "LOCK TABLES credentials "
	    "WRITE, consumers WRITE") == -1)
		goto done;
	uncached_refused("a table locked", 1);
	call(&r, RT_READ, users[C_MAIN], NULL);
	expect_err("an admin read, a table locked", &r, RT_READ, 503,
	    "SERVICE_UNAVAILABLE", NULL);
	resp_free(&r);
done:
	if (lk != NULL) {
		sql(lk, "UNLOCK TABLES");
		mysql_close(lk);
	}
	CHECK(vh != NULL && wait_until(auth_works, vh, 5000, 100),
	    "the table unlocked: a valid token did not pass within 5 s");
	free(vh);
	free(vtok);
}

/* How many times needle is in the adminutil log. */
static int
log_count(const char *needle)
{
	char		*log = au_log();
	const char	*p;
	int		 n = 0;

	for (p = log; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/*
 * The database stalled (SIGSTOP: as a swamped server, or one across a
 * cut network, answers nothing): a check that needs it fails closed,
 * each worker of the gateway's pool waits auth_db_timeout for it once
 * and then leaves it alone for a hold (logged), refusing at once what
 * it has not cached.  Continued, the valid token passes again (once a
 * hold, 4 s at most, is over).
 */
static void
test_gw_db_stalled(void)
{
	static const char stall[] = "the database stalled";
	struct tok	 v = { .signer = CR_HS256 };
	char		*vh, *vtok;
	long		 len = -1;
	int		 i, before;

	if (gw_setup() == -1 || spares(4) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	before = log_count(stall);
	if (!CHECK(kill(db_pid, SIGSTOP) == 0, "SIGSTOP MariaDB: %s",
	    strerror(errno)))
		goto done;
	for (i = 0; i < 4; i++)
		uncached_refused("database stalled", 0);
	kill(db_pid, SIGCONT);
	CHECK(log_count(stall) > before, "database stalled: no worker of the "
	    "gateway's pool held off (\"%s\" not logged)", stall);
done:
	kill(db_pid, SIGCONT);
	CHECK(vh != NULL && wait_until(auth_works, vh, 10000, 100),
	    "the database continued: a valid token did not pass within "
	    "10 s");
	/* The next test gets workers out of any hold. */
	(void)reconfigure("", &len);
	free(vh);
	free(vtok);
}

/* A counter of adminutil's /metrics, by its line's name; -1 if none. */
static long long
metric(const char *name)
{
	struct resp	 r;
	const char	*p;
	size_t		 len = strlen(name);
	long long	 n = -1;

	get(&r, url, "/metrics");
	for (p = r.body.p; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (strncmp(p, name, len) == 0 && p[len] == ' ') {
			n = strtoll(p + len + 1, NULL, 10);
			break;
		}
	}
	resp_free(&r);
	return n;
}

/* One of MariaDB's global status counters (all clients), by name. */
static long long
global_status(const char *name)
{
	return sql_num("SELECT VARIABLE_VALUE FROM information_schema."
	    "GLOBAL_STATUS WHERE VARIABLE_NAME = '%s'", name);
}

/* MariaDB's count of prepared statements executed, all clients. */
static long long
executes(void)
{
	return global_status("COM_STMT_EXECUTE");
}

/*
 * Sends n tokens (made by mk for 0..n-1) through the gateway, each
 * expected to give want; the statements the database executed
 * meanwhile, less the feed's own (up to FEED_EDGE of them may still be
 * counted); *ms the time it took.
 */
#define FEED_EDGE	 2
static long long
statements(const char *what, char *(*mk)(size_t, void *), void *arg,
    size_t n, long want, long long *ms)
{
	struct resp	 r;
	long long	 before, t0, polls;
	size_t		 i, ok = 0;
	char		*tok, *h;

	before = executes();
	polls = metric("adminutil_feed_statements_total");
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		tok = mk(i, arg);
		if ((h = bearer(tok)) != NULL) {
			gw_get(&r, gw_url, API, (const char *const *)&h, 1);
			ok += r.status == want;
			resp_free(&r);
		}
		free(h);
		free(tok);
	}
	*ms = now_ms() - t0;
	CHECK(ok == n, "%s: %zu of %zu answered %ld", what, ok, n, want);
	/*
	 * The feed's follower runs its own statements (a poll, the key
	 * filter's builds): not the check's.  One may fall between the two
	 * readings of each.
	 */
	polls = metric("adminutil_feed_statements_total") - polls;
	CHECK(polls >= 0, "/metrics: no adminutil_feed_statements_total");
	return executes() - before - polls;
}

struct flood {
	const char	*kid;		/* NULL: none */
	const char	*iss;		/* NULL: fresh for each */
	int		 bykid;		/* the fresh one is the kid */
	int		 garble;	/* not even a token */
	int		 random;	/* the fresh one 128 random bits, hex */
};

static size_t	 gw_row(const char *, const char *, size_t, long);

/* 16 random bytes in hex: a key as adminutil makes them, nobody's. */
static void
random_key(char *k, size_t sz)
{
	unsigned char	 b[16];
	size_t		 i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		memset(b, 0x5a, sizeof(b));
	for (i = 0; i < sizeof(b) && 2 * i + 2 < sz; i++)
		snprintf(k + 2 * i, 3, "%02x", b[i]);
}

static char *
flood_token(size_t i, void *arg)
{
	struct flood	*f = arg;
	struct tok	 t = { .signer = CR_HS256 };
	char		 k[NAMESZ], *s;

	if (f->garble)
		return asprintf(&s, "x%zu.y.z", i) == -1 ? NULL : s;
	if (f->kid != NULL || f->iss != NULL)
		return mint(&t, &creds[CR_HS256], "HS256", f->kid, f->iss);
	if (f->random)
		random_key(k, sizeof(k));
	else
		fresh(k, sizeof(k), "nokey");
	return mint(&t, &creds[CR_HS256], "HS256", f->bykid ? k : NULL,
	    f->bykid ? creds[CR_HS256].key : k);
}

/*
 * The statements the outbox's sender may run in ms beside the check:
 * with no mail waiting, it reads the outbox (its due mails, then when
 * the next is due) every 30 s (src/proc/sender.c), when the instance has
 * one; and the feed's polls statements() did not take off.
 */
static long long
sender_reads(long long ms)
{
	char	 v[64];

	if ((conf_get("mail_dir", v, sizeof(v)) == 0 && v[0] != '\0') ||
	    (conf_get("smtp_url", v, sizeof(v)) == 0 && v[0] != '\0'))
		return 2 * (1 + ms / 30000) + FEED_EDGE;
	return FEED_EDGE;
}

/*
 * Unknown keys cost no statement: the key filter refuses them (one key
 * or many, as iss or as kid); a known one, one per worker and
 * cache_ttl.
 */
static void
test_gw_flood(void)
{
	struct flood	 f;
	char		 k[NAMESZ];
	long long	 n, ms, most, workers = (long long)conf_workers();
	long		 ttl = ttl_ms();

	if (gw_setup() == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.iss = fresh(k, sizeof(k), "nokey");
	n = statements("one unknown iss", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of one unknown iss in %lld "
	    "ms: %lld statements, want 0 (and the sender's %lld)", NFLOOD,
	    ms, n, sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.kid = fresh(k, sizeof(k), "nokey");
	f.iss = creds[CR_HS256].key;
	n = statements("one unknown kid", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of one unknown kid in %lld "
	    "ms: %lld statements, want 0 (and the sender's %lld)", NFLOOD,
	    ms, n, sender_reads(ms));

	memset(&f, 0, sizeof(f));
	n = statements("distinct unknown iss", flood_token, &f, NDISTINCT,
	    401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of as many unknown iss: %lld "
	    "statements, want 0 (and the sender's %lld)", NDISTINCT, n,
	    sender_reads(ms));

	f.bykid = 1;
	n = statements("distinct unknown kid", flood_token, &f, NDISTINCT,
	    401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of as many unknown kid: %lld "
	    "statements, want 0 (and the sender's %lld)", NDISTINCT, n,
	    sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.garble = 1;
	n = statements("garbage", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens that do not parse: %lld "
	    "statements, want 0 (and the sender's %lld)", NFLOOD, n,
	    sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.iss = creds[CR_HS256].key;
	n = statements("a known credential", flood_token, &f, NFLOOD, 200,
	    &ms);
	most = workers * (1 + ms / ttl) + sender_reads(ms);
	CHECK(n <= most, "%d tokens of a known credential in %lld ms: %lld "
	    "statements, want at most %lld", NFLOOD, ms, n, most);
}

/*
 * A miss costs one statement and one round trip: NMISS consumers made,
 * whose keys the gateway's workers have never looked up, each token
 * sent once through nginx (none is kept: a token seen once is not).
 * MariaDB executes NMISS statements for them (the credential, its
 * consumer, groups and limits in one), the feed's and the sender's
 * aside; prepares, resets or closes none but the first use of a
 * connection (one per process at most).  MariaDB's other questions
 * meanwhile are printed (this test's readings of the counters, the
 * database probes): a figure, not a bound.
 */
#define NMISS	 50

static char *
miss_token(size_t i, void *arg)
{
	char	**toks = arg;

	return strdup(toks[i]);
}

static void
test_gw_miss_cost(void)
{
	char		*toks[NMISS] = { NULL }, u[NAMESZ];
	long long	 n, ms, prep, quest, most;
	size_t		 i;

	if (gw_setup() == -1)
		return;
	for (i = 0; i < NMISS; i++)
		if (!CHECK(consumer("miss", "{\"groups\":[\"contentAdmin\"]}",
		    u, &toks[i]) == 0, "cannot make consumer %zu", i))
			goto done;
	prep = global_status("COM_STMT_PREPARE") +
	    global_status("COM_STMT_RESET") + global_status("COM_STMT_CLOSE");
	quest = global_status("QUESTIONS") - executes();
	n = statements("distinct known keys", miss_token, toks, NMISS, 200,
	    &ms);
	prep = global_status("COM_STMT_PREPARE") +
	    global_status("COM_STMT_RESET") +
	    global_status("COM_STMT_CLOSE") - prep;
	quest = global_status("QUESTIONS") - executes() - quest;
	most = NMISS + sender_reads(ms);
	printf("\n    %d misses: %lld statements executed, %lld prepared, "
	    "reset or closed; %lld other questions\n", NMISS, n, prep, quest);
	CHECK(n >= NMISS && n <= most, "%d misses in %lld ms: %lld "
	    "statements, want %d (and the sender's %lld)", NMISS, ms, n,
	    NMISS, most - NMISS);
	CHECK(prep <= (long long)conf_workers(), "%d misses: %lld statements "
	    "prepared, reset or closed, want at most one a process (%zu)",
	    NMISS, prep, conf_workers());
done:
	for (i = 0; i < NMISS; i++)
		free(toks[i]);
}

/*
 * The key filter: NFILTER tokens naming random keys through nginx, and
 * MariaDB's count of statements (less the feed's own) does not move:
 * 0 a token; every one of them a filter hit (/metrics).  And a
 * credential made on this host passes at once, with the feed reading
 * the trail only every 5 s: the worker that made it told the filter.
 */
#define NFILTER	 1000

static void
test_gw_filter(void)
{
	struct flood	 f;
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 n, ms, hits;
	long		 len = -1;

	if (gw_setup() == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.random = 1;
	hits = metric("adminutil_key_filter_hits_total");
	n = statements("random keys", flood_token, &f, NFILTER, 401, &ms);
	hits = metric("adminutil_key_filter_hits_total") - hits;
	printf("\n    key filter: %d tokens of random keys in %lld ms: %lld "
	    "statements (%.3f a token), %lld filter hits\n", NFILTER, ms, n,
	    (double)n / NFILTER, hits);
	CHECK(n <= sender_reads(ms), "%d tokens of random keys: %lld "
	    "statements, want 0 (and the sender's %lld)", NFILTER, n,
	    sender_reads(ms));
	CHECK(hits >= NFILTER, "%lld filter hits for %d unknown keys", hits,
	    NFILTER);

	if (reconfigure("feed_interval = 5000\n", &len) == -1)
		return;
	/* The new follower's first read: the filter built again. */
	sleep_ms(1000);
	if (consumer_as("kfnew", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == 0 && (h = bearer(tok)) != NULL)
		CHECK(gw_row(API, h, 1, 200) == 1, "a credential made on this "
		    "host: its first token refused (the key filter did not "
		    "know it)");
	(void)reconfigure(NULL, &len);
	free(h);
	free(tok);
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

static void
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

static void
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

static void
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

/* adminutil's credential lookups so far (its /metrics). */
static long long
lookups(void)
{
	struct resp	 r;
	const char	*p;
	long long	 n = 0;
	int		 seen = 0;

	get(&r, url, "/metrics");
	for (p = r.body.p; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (strncmp(p, "adminutil_cache_hits_total ", 27) == 0 ||
		    strncmp(p, "adminutil_cache_misses_total ", 29) == 0) {
			n += strtoll(strchr(p, ' ') + 1, NULL, 10);
			seen++;
		}
	}
	CHECK(r.status == 200 && seen == 2, "/metrics: HTTP %ld, %d of the 2 "
	    "lookup counters", r.status, seen);
	resp_free(&r);
	return n;
}

/* n requests of path with hdr, one after another: how many answered want. */
static size_t
gw_row(const char *path, const char *hdr, size_t n, long want)
{
	return gw_many(path, hdr, n, 0, want, NULL);
}

/*
 * nginx's pass cache (conf/nginx.conf): passes are kept, for pass_keep
 * at most and never past exp + clock_skew; refusals never are; a
 * deleted consumer's token stops passing within the feed's bound
 * (feed_interval, a poll, pass_keep) even while it keeps being sent.
 */
static void
test_gw_pass_cache(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 r;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	char		*bad = NULL, *bh = NULL, *soon = NULL, *sh = NULL;
	long long	 n, t0, last = 0, soon_end, ttl = ttl_ms();
	size_t		 ok;

	if (gw_setup() == -1 || !CHECK(is_web("nginx"), "the pass cache is "
	    "nginx's; the web server is %s", web) || consumer_as("gwkeep",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1)
		goto done;
	h = bearer(tok);
	t.mangle = M_BADSIG;
	bh = bearer(bad = mint(&t, &c, "HS256", NULL, c.key));

	/*
	 * Kept: the third request on is nginx's (it keeps what it saw
	 * twice).  nginx keeps whole seconds: a pass of pass_keep (1 s in
	 * this instance, after the feed's last read, at most 250 ms and a
	 * read before) made 500 to 600 ms into a second is kept to that
	 * second's end ("@S"), longer than the burst takes.
	 */
	if (!CHECK(conf_num("pass_keep", 1000) == 1000, "pass_keep %ld ms: "
	    "this test wants 1000", conf_num("pass_keep", 1000)))
		goto done;
	while (now_ms() % 1000 < 500 || now_ms() % 1000 > 600)
		sleep_ms(5);
	n = lookups();
	ok = gw_row(API, h, NBURST, 200);
	n = lookups() - n;
	CHECK(ok == NBURST && n >= 1 && n <= 3, "a pass, %d times: %zu "
	    "answered 200, %lld reached adminutil, want 1 to 3", NBURST, ok,
	    n);
	/* Never kept: refusals, and what expires before nginx would drop it. */
	n = lookups();
	ok = gw_row(API_OTHER, h, NBURST, 403);
	n = lookups() - n;
	/*
	 * At least all: the counters are the whole instance's, and a lookup
	 * not of this burst may fall between the two readings (21 for 20
	 * was seen once on the sanitized build).
	 */
	CHECK(ok == NBURST && n >= NBURST, "a 403, %d times: %zu answered "
	    "403, %lld reached adminutil, want all", NBURST, ok, n);
	n = lookups();
	ok = gw_row(API, bh, NBURST, 401);
	n = lookups() - n;
	CHECK(ok == NBURST && n >= NBURST, "a bad signature, %d times: %zu "
	    "answered 401, %lld reached adminutil, want all", NBURST, ok, n);
	/*
	 * Valid for 1 to 2 s more (exp + clock_skew): kept no longer.  It
	 * passes until then, and is refused at once after, nginx's cache
	 * included.
	 */
	t.mangle = M_NONE;
	t.exp = 2 - SKEW;
	sh = bearer(soon = mint(&t, &c, "HS256", NULL, c.key));
	soon_end = (now_ms() / 1000 + 2) * 1000;	/* or a second later */
	ok = gw_row(API, sh, NBURST / 2, 200);
	CHECK(ok == NBURST / 2, "a token about to expire, %d times: %zu "
	    "answered 200", NBURST / 2, ok);
	while (now_ms() <= soon_end + 20)
		sleep_ms(5);
	ok = gw_row(API, sh, NBURST / 2, 401);
	CHECK(ok == NBURST / 2, "an expired token, %d times: %zu answered "
	    "401 (a pass kept past exp + clock_skew)", NBURST / 2, ok);

	/*
	 * Deleted while its token keeps coming: refused within the feed's
	 * bound.
	 */
	t0 = now_ms();
	call(&r, RT_DELETE, u, NULL);
	ok = expect_ok("delete", &r, RT_DELETE) != NULL;
	resp_free(&r);
	if (!ok)
		goto done;
	for (; (n = now_ms()) < t0 + ttl + 1500; sleep_ms(20))
		if (gw_row(API, h, 1, 200) == 1)
			last = n;
	CHECK(last < t0 + feed_bound_ms(), "deleted: its token passed %lld "
	    "ms later, want under %ld (the feed's bound)", last - t0,
	    feed_bound_ms());
	expect_everywhere("deleted, cache_ttl later", API, h, 401, NULL);
	expect_everywhere("expired", API, sh, 401, NULL);
done:
	free(sh);
	free(soon);
	free(bh);
	free(bad);
	free(h);
	free(tok);
}

/*
 * One reading of each request, through the web server: a path that a
 * servlet container or a case-blind framework reads as a protected API
 * needs that API's groups, whatever weaker rule nginx's reading finds.
 */
static void
test_gw_readings(void)
{
	static const struct {
		const char	*path;
		int		 who;	/* 0: no token, 1: contentAccess, 2: both */
		long		 want;
	} t[] = {
		/* /course/v1/hierarchy is @public, .../update courseUpdate. */
		{ "/course/v1/hierarchy/update", 0, 401 },
		{ "/course/v1/hierarchy/update;x", 0, 401 },
		{ "/course/v1/hierarchy/update;jsessionid=1", 0, 401 },
		{ "/course/v1/hierarchy/x/..;/update", 0, 401 },
		{ "/course/v1/hierarchy/update%3Bx", 0, 401 },
		{ "/course/v1/hierarchy/update;x", 1, 403 },
		{ "/course/v1/hierarchy/update;x", 2, 200 },
		{ "/course/v1/hierarchy/read", 0, 200 },
		/* /content/v1/flag is contentAccess, .../accept contentAdmin. */
		{ "/content/v1/flag/accept", 1, 403 },
		{ "/content/v1/flag/ACCEPT", 1, 403 },
		{ "/content/v1/flag/Accept;v=2", 1, 403 },
		{ "/content/v1/flag/%41ccept", 1, 403 },
		{ "/content/v1/flag/ACCEPT", 2, 200 },
		{ "/content/v1/flag/list", 1, 200 },
		/* Too long to look up: refused, never the default. */
		{ "/data/v1/page/assemble/", 0, 401 },
		{ "/data/v1/page/assemble/", 2, 403 },
		{ "/data/v1/page/assemble/x", 0, 200 },
	};
	char		 u1[NAMESZ], u2[NAMESZ], *tok1 = NULL, *tok2 = NULL;
	char		*h1 = NULL, *h2 = NULL, *path, *longseg;
	const char	*hdr;
	struct resp	 r;
	size_t		 i;

	if (gw_setup() == -1 || consumer("gwread1",
	    "{\"groups\":[\"contentAccess\"]}", u1, &tok1) == -1 ||
	    consumer("gwread2", "{\"groups\":[\"contentAccess\","
	    "\"contentAdmin\",\"courseUpdate\"]}", u2, &tok2) == -1 ||
	    (longseg = malloc(ACL_PATH_MAX_E2E + 1)) == NULL)
		goto done;
	memset(longseg, 'a', ACL_PATH_MAX_E2E);
	longseg[ACL_PATH_MAX_E2E] = '\0';
	h1 = bearer(tok1);
	h2 = bearer(tok2);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* A path ending in "/" gets the long segment. */
		if (asprintf(&path, "%s%s", t[i].path, t[i].path[strlen(
		    t[i].path) - 1] == '/' ? longseg : "") == -1)
			break;
		hdr = t[i].who == 0 ? NULL : t[i].who == 1 ? h1 : h2;
		gw_get(&r, gw_url, path, &hdr, hdr != NULL);
		/* lighttpd serves files: a pass to none is its 404. */
		if (is_web("lighttpd") && t[i].want == 200 && r.status == 404)
			r.status = 200;
		CHECK(r.status == t[i].want, "%.60s%s as %s: HTTP %ld, want %ld",
		    path, strlen(path) > 60 ? "..." : "", t[i].who == 0 ?
		    "no token" : t[i].who == 1 ? "contentAccess" :
		    "contentAdmin+courseUpdate", r.status, t[i].want);
		if (r.status == t[i].want && t[i].want != 200)
			expect_err(path, &r, RT_AUTH, t[i].want, t[i].want ==
			    401 ? "UNAUTHORIZED" : "FORBIDDEN", NULL);
		resp_free(&r);
		free(path);
	}
	free(longseg);
done:
	free(h1);
	free(h2);
	free(tok1);
	free(tok2);
}

/*
 * The client is not told whether a key exists: an unknown key, a bad
 * signature, an alg that is not the credential's, a revoked-looking
 * mix of kid and iss all read the same to it.
 */
static void
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

/*
 * The path and Authorization header (NULL: none) of a forgery row:
 * formats of the separator and the token, auth "" an empty header.
 * 0, or -1 on no memory.
 */
static int
forged(const char *pathfmt, const char *authfmt, const char *sep,
    const char *tok, char **path, char **hdr)
{
	char	*v = NULL;

	*hdr = NULL;
	if (asprintf(path, pathfmt, sep, tok) == -1)
		return -1;
	if (authfmt == NULL)
		return 0;
	if (asprintf(&v, authfmt, sep, tok) == -1 || asprintf(hdr,
	    v[0] == '\0' ? "Authorization;" : "Authorization: %s", v) == -1) {
		free(v);
		free(*path);
		return -1;
	}
	free(v);
	return 0;
}

/*
 * nginx's pass cache cannot be forged: requests built so that a key
 * joining the decision's inputs with a separator would be the same as a
 * pass's (the separator in the path, in the query, in the Authorization
 * header; an empty header; the location's groups) each get adminutil's
 * own answer.  Each seed is sent three times (nginx keeps what it saw
 * twice), then its twin once.
 */
static void
test_gw_forgery(void)
{
	static const char *const seps[] = { "|", "\t", " ", ",", ":", ";",
	    "\\", "\"", "%7C", "%09" };
	static const struct {
		const char	*name;
		const char	*seed_path, *seed_auth;	/* %1$s sep, %2$s token */
		const char	*path, *auth;
		long		 want;
	} t[] = {
		{ "no token, a public API's query",
		    API_PUBLIC "?x%1$sGET%1$s" API, "Z",
		    API, "Z%1$sGET%1$s" API_PUBLIC "?x", 401 },
		{ "no token, a public API's path",
		    API_PUBLIC "/x%1$sGET%1$s" API, "Z",
		    API, "Z%1$sGET%1$s" API_PUBLIC "/x", 401 },
		{ "no header, a public API's query",
		    API_PUBLIC "?%1$sGET%1$s" API, NULL,
		    API, "%1$sGET%1$s" API_PUBLIC "?", 401 },
		{ "a consumer's pass lifted onto another API",
		    API "?%1$sGET%1$s" API_OTHER, "Bearer %2$s",
		    API_OTHER, "Bearer %2$s%1$sGET%1$s" API "?", 401 },
		{ "the same, the token split",
		    API "?%1$s" API_OTHER, "Bearer %2$s%1$sGET",
		    API_OTHER, "Bearer %2$s%1$sGET%1$s" API "?", 401 },
		{ "an empty header after a token's pass",
		    API, "Bearer %2$s", API, "", 401 },
		{ "no header after a token's pass",
		    API, "Bearer %2$s", API, NULL, 401 },
		{ "the location's groups, then the ACL's",
		    API_REPORTS "?%1$sreportViewer reportAdmin", "Bearer %2$s",
		    "/demo/reportsx?%1$sreportViewer reportAdmin",
		    "Bearer %2$s", 403 },
	};
	char		*h, *path, u[NAMESZ], *tok = NULL;
	struct resp	 r;
	size_t		 i, j, k, seeded = 0, tried = 0;

	if (gw_setup() == -1 || !CHECK(is_web("nginx"), "the pass cache is "
	    "nginx's; the web server is %s", web) || consumer("gwforge",
	    "{\"groups\":[\"contentAdmin\",\"reportViewer\"]}", u,
	    &tok) == -1)
		goto done;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (j = 0; j < sizeof(seps) / sizeof(seps[0]); j++) {
			if (forged(t[i].seed_path, t[i].seed_auth, seps[j], tok,
			    &path, &h) == -1)
				goto done;
			for (k = 0; k < 3; k++) {
				gw_get_quiet(&r, gw_url, path,
				    (const char *const *)&h, h != NULL);
				seeded += k == 2 && r.status == 200;
				resp_free(&r);
			}
			free(h);
			free(path);
			if (forged(t[i].path, t[i].auth, seps[j], tok, &path,
			    &h) == -1)
				goto done;
			gw_get_quiet(&r, gw_url, path, (const char *const *)&h,
			    h != NULL);
			if (r.error == NULL) {
				tried++;
				CHECK(r.status == t[i].want, "%s, separator "
				    "\"%s\": HTTP %ld, want %ld", t[i].name,
				    seps[j], r.status, t[i].want);
			}
			resp_free(&r);
			free(h);
			free(path);
		}
	/* Most seeds must have passed, or nothing was tried. */
	CHECK(seeded >= sizeof(t) / sizeof(t[0]) * 4 && tried >=
	    sizeof(t) / sizeof(t[0]) * 4, "%zu seeds passed, %zu twins sent",
	    seeded, tried);
done:
	free(tok);
}

/* A grant sent from a thread of its own: no CUnit check in there. */
struct storm {
	pthread_t	 t;
	const char	*user;
	struct resp	 r;
	int		 started;
};

static void *
storm_grant(void *arg)
{
	struct storm	*g = arg;

	grant_unchecked(&g->r, g->user,
	    "{\"groups\":[\"isoA\",\"contentAdmin\"]}");
	return NULL;
}

#define NSTORM		 12	/* grants in the storm: 3 per admin worker */
#define LOCK_HELD_MS	 3000	/* over the instance's lock wait */
#define GW_BOUND_MS	 1000	/* the slowest gateway answer allowed */

/*
 * The gateway's own pool: a row lock held on a consumer, and a storm of
 * grants for it filling every admin worker, while the gateway is asked
 * in a loop with tokens nginx has never seen (so that each reaches
 * adminutil): no gateway answer is a 5xx or slower than GW_BOUND_MS.
 * The grants wait db_lock_wait_timeout, then answer 503 with
 * Retry-After, nothing changed; the consumer's groups are whole.
 */
static void
test_gw_isolation(void)
{
	struct storm	 g[NSTORM];
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 r;
	MYSQL		*m = NULL;
	char		 u[NAMESZ], claims[64], ra[16], *tok = NULL, *h;
	const char	*hp;
	long long	 t0, t1, worst = 0, n = 0, bad = 0, busy = 0, ok = 0;
	size_t		 i;

	memset(g, 0, sizeof(g));
	if (gw_setup() == -1 || consumer_as("gwiso",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1 ||
	    (m = sql_open()) == NULL)
		goto done;
	if (sql(m, "BEGIN") == -1 || sql(m, "SELECT id FROM consumers "
	    "WHERE username = '%s' FOR UPDATE", u) == -1)
		goto done;
	for (i = 0; i < NSTORM; i++) {
		g[i].user = u;
		g[i].started = pthread_create(&g[i].t, NULL, storm_grant,
		    &g[i]) == 0;
	}
	for (t0 = now_ms(); now_ms() < t0 + LOCK_HELD_MS; n++) {
		snprintf(claims, sizeof(claims), "\"n\":%lld", n);
		t.claims = claims;
		free(tok);
		if ((tok = mint(&t, &c, "HS256", NULL, c.key)) == NULL ||
		    (h = bearer(tok)) == NULL)
			break;
		hp = h;
		t1 = now_ms();
		gw_get(&r, gw_url, API, &hp, 1);
		t1 = now_ms() - t1;
		worst = t1 > worst ? t1 : worst;
		bad += r.status != 200;
		resp_free(&r);
		free(h);
	}
	sql(m, "COMMIT");
	for (i = 0; i < NSTORM; i++) {
		if (!g[i].started)
			continue;
		pthread_join(g[i].t, NULL);
		if (g[i].r.status == 200)
			ok++;
		else if (g[i].r.status == 503 && header(&g[i].r,
		    "Retry-After", ra, sizeof(ra)) == 0) {
			busy++;
			expect_err("a grant that waited too long", &g[i].r,
			    RT_GRANT, 503, "SERVICE_UNAVAILABLE", NULL);
		}
		resp_free(&g[i].r);
	}
	CHECK(n >= 10 && bad == 0 && worst < GW_BOUND_MS, "gateway during "
	    "the storm: %lld requests, %lld not 200, slowest %lld ms (want "
	    "none not 200, all under %d ms)", n, bad, worst, GW_BOUND_MS);
	CHECK(busy >= 1 && busy + ok == NSTORM, "the storm: %lld of %d "
	    "grants answered 503 with Retry-After, %lld 200, want every one "
	    "either, one 503 at least", busy, NSTORM, ok);
	/* Whole: the grant's groups, or the first ones, nothing between. */
	expect_groups("after the storm", RT_READ, u, NULL, ok > 0 ?
	    GROUPS("isoA", "contentAdmin") : GROUPS("contentAdmin"));
done:
	if (m != NULL)
		mysql_close(m);
	free(tok);
}

/* sealed secrets */

/*
 * adminutil --seal-keygen path, its output in out; the key's id it
 * printed into kid.  0, or -1 after a failed check.
 */
static int
run_keygen(const char *path, const char *out, char *kid, size_t sz)
{
	pid_t	 pid;
	int	 st, fd;
	FILE	*f;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
		    -1)
			dup2(fd, STDOUT_FILENO);
		execl(bin, bin, "--seal-keygen", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	kid[0] = '\0';
	if ((f = fopen(out, "r")) != NULL) {
		if (fgets(kid, (int)sz, f) == NULL)
			kid[0] = '\0';
		fclose(f);
	}
	kid[strcspn(kid, "\n")] = '\0';
	return CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    strlen(kid) == 8, "--seal-keygen %s: status %d, id \"%s\"", path,
	    st, kid) ? 0 : -1;
}

/* The whole of a small file, or "" (static). */
static const char *
slurp(const char *path)
{
	static char	 buf[65536];
	FILE		*f;
	size_t		 n = 0;

	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* 1 if the database dump holds s. */
static int
dump_holds(const char *s)
{
	char	 cmd[1024], line[8192];
	FILE	*p;
	int	 found = 0;

	snprintf(cmd, sizeof(cmd), "mariadb-dump --no-defaults -uroot -S '%s' "
	    "'%s' 2>/dev/null", db_sock, db_name);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, s) != NULL)
			found = 1;
	return pclose(p) == 0 ? found : -1;
}

/*
 * Secrets at rest: a dump shows none of those issued; each row is sealed
 * under the ring's key (8 hex digits); a plaintext row of before is
 * sealed by --migrate, and its token passes before and after; a reseal
 * under a new key and back keeps every token valid; a row under a key
 * the ring does not hold stops start-up, naming the key.
 */
static void
test_gw_sealed(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c, p;
	char		 u[NAMESZ], kid[64], nkid[64], tmp[] = "/tmp/e2e-seal.XXXXXX";
	char		 nkey[400], ring[512], ring2[920], log[512], env1[960];
	char		*tok = NULL, *h = NULL, *ptok = NULL, *ph = NULL;
	const char	*envs[3] = { env1, NULL, NULL };
	struct resp	 r;
	long long	 n;
	long		 len;
	int		 rc;

	if (gw_setup() == -1 || consumer_as("gwseal",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1 ||
	    (h = bearer(tok)) == NULL || !CHECK(mkdtemp(tmp) != NULL,
	    "mkdtemp: %s", strerror(errno)))
		goto done;
	/* No secret in clear: not in its row, not in a dump. */
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE secret LIKE "
	    "'%%%s%%'", c.secret) == 0, "a secret is in clear in its row");
	CHECK(dump_holds(c.secret) == 0 && dump_holds(creds[CR_HS384].secret)
	    == 0 && dump_holds(creds[CR_DEV].secret) == 0, "a dump of the "
	    "database holds an issued secret");
	CHECK(sql_num("SELECT COUNT(DISTINCT seal_key) FROM credentials "
	    "WHERE secret IS NOT NULL") == 1 && sql_num("SELECT COUNT(*) FROM "
	    "credentials WHERE secret IS NOT NULL AND (seal_key IS NULL OR "
	    "seal_key NOT REGEXP '^[0-9a-f]{8}$')") == 0, "not every secret "
	    "is sealed under one key");
	if (conf_get("seal_key_file", ring, sizeof(ring)) == -1 ||
	    sql_num("SELECT COUNT(*) FROM credentials") < 1)
		goto done;
	/* The ring's key id, as the rows name it. */
	{
		MYSQL		*m = sql_open();
		MYSQL_RES	*res;
		MYSQL_ROW	 row;

		kid[0] = '\0';
		if (m != NULL && mysql_query(m, "SELECT seal_key FROM "
		    "credentials WHERE seal_key IS NOT NULL LIMIT 1") == 0 &&
		    (res = mysql_store_result(m)) != NULL) {
			if ((row = mysql_fetch_row(res)) != NULL)
				snprintf(kid, sizeof(kid), "%s", row[0]);
			mysql_free_result(res);
		}
		if (m != NULL)
			mysql_close(m);
	}
	if (!CHECK(strlen(kid) == 8, "no key id in the rows"))
		goto done;

	/* A plaintext row of before: it passes, --migrate seals it. */
	memset(&p, 0, sizeof(p));
	fresh(p.key, sizeof(p.key), "plainkey");
	snprintf(p.secret, sizeof(p.secret), "0123456789abcdef0123456789abcdef");
	if (sql(db, "INSERT INTO credentials (consumer_id, `key`, secret, "
	    "algorithm) SELECT id, '%s', '%s', 'HS256' FROM consumers WHERE "
	    "username = '%s'", p.key, p.secret, u) == -1 ||
	    (ptok = mint(&t, &p, "HS256", NULL, p.key)) == NULL ||
	    (ph = bearer(ptok)) == NULL)
		goto done;
	/*
	 * Written by hand, not through adminutil: no audit row tells the
	 * key filter of it; a reload's new follower builds it again from
	 * the table, at once.
	 */
	if (reconfigure("", &len) == -1)
		goto done;
	sleep_ms(500);
	expect_everywhere("a plaintext row of before", API, ph, 200, NULL);
	rc = run_adminutil(ARGS("--migrate"), NULL, NULL);
	CHECK(rc == 0, "--migrate: exit %d", rc);
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE `key` = '%s' "
	    "AND seal_key = '%s' AND secret <> '%s'", p.key, kid, p.secret) ==
	    1, "--migrate did not seal the plaintext row");
	sleep_ms(ttl_ms() + 500);
	expect_everywhere("the row sealed by --migrate", API, ph, 200, NULL);

	/* A reseal under a new key, then back: tokens keep passing. */
	snprintf(nkey, sizeof(nkey), "%s/new.key", tmp);
	snprintf(log, sizeof(log), "%s/keygen.out", tmp);
	if (run_keygen(nkey, log, nkid, sizeof(nkid)) == -1)
		goto done;
	snprintf(ring2, sizeof(ring2), "%s,%s", nkey, ring);
	snprintf(env1, sizeof(env1), "ADMINUTIL_SEAL_KEY_FILE=%s", ring2);
	snprintf(log, sizeof(log), "%s/reseal.out", tmp);
	rc = run_adminutil(ARGS("--reseal"), envs, log);
	n = sql_num("SELECT COUNT(*) FROM credentials WHERE secret IS NOT NULL "
	    "AND seal_key <> '%s'", nkid);
	CHECK(rc == 0 && n == 0, "--reseal under the new key: exit %d, %lld "
	    "rows under another; said %.300s", rc, n, slurp(log));
	/* The running ring lacks the new key: start-up refuses, naming it. */
	snprintf(env1, sizeof(env1), "ADMINUTIL_LISTEN=unix:%s/x.sock", tmp);
	envs[1] = "ADMINUTIL_AUTH_LISTEN=";
	snprintf(log, sizeof(log), "%s/start.out", tmp);
	rc = run_adminutil(NULL, envs, log);
	CHECK(rc == 1 && strstr(slurp(log), nkid) != NULL, "start-up with a "
	    "ring without key %s: exit %d, said: %.200s", nkid, rc,
	    slurp(log));
	envs[1] = NULL;
	snprintf(ring2, sizeof(ring2), "%s,%s", ring, nkey);
	snprintf(env1, sizeof(env1), "ADMINUTIL_SEAL_KEY_FILE=%s", ring2);
	rc = run_adminutil(ARGS("--reseal"), envs, NULL);
	n = sql_num("SELECT COUNT(*) FROM credentials WHERE secret IS NOT NULL "
	    "AND seal_key <> '%s'", kid);
	CHECK(rc == 0 && n == 0, "--reseal back: exit %d, %lld rows under "
	    "another", rc, n);
	sleep_ms(ttl_ms() + 500);
	expect_everywhere("after two reseals", API, h, 200, NULL);
	expect_everywhere("after two reseals, the row of before", API, ph, 200,
	    NULL);
	call(&r, RT_READ, u, NULL);
	expect_ok("read after the reseals", &r, RT_READ);
	resp_free(&r);
done:
	if (tmp[strlen(tmp) - 1] != 'X') {
		snprintf(log, sizeof(log), "rm -rf '%s'", tmp);
		(void)system(log);
	}
	free(ph);
	free(ptok);
	free(h);
	free(tok);
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
static json_object *
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
static void
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

/*
 * The change feed's bound, measured: with cache_ttl 60 s, only the
 * feed can tell the workers of a change in time.  NCHANGE changes of
 * four kinds (a credential revoked, a group taken away, a consumer
 * deleted, a secret rotated without grace), each while its token keeps
 * coming through the web server, its pass cached in the workers and in
 * nginx: the time from the change asked for to the first refusal, and
 * none passes after it.  p50, p99 and max are printed; the max must be
 * 1 s at most.
 */
#define NCHANGE	 52

static int
cmp_ll(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Change kind (0 to 3: credential revoked, group taken, consumer
 * deleted, secret rotated without grace) to consumer u and its key: 1
 * if the admin call answered 200.
 */
static int
feed_make(int kind, const char *u, const char *key, const char *what)
{
	struct resp	 r;
	long		 st;
	int		 ok;

	switch (kind) {
	case 0:
		api(&r, url, RT_CRED_REVOKE, u, key, NULL);
		ok = r.status == 200;
		break;
	case 1:
		call(&r, RT_REVOKE, u, "{\"groups\":[\"contentAdmin\"]}");
		ok = r.status == 200;
		break;
	case 2:
		call(&r, RT_DELETE, u, NULL);
		ok = r.status == 200;
		break;
	default:
		ok = rotate(&r, u, key, "{\"grace_seconds\":0}",
		    "rotate") != NULL;
		break;
	}
	st = r.status;
	resp_free(&r);
	return CHECK(ok, "%s: HTTP %ld", what, st);
}

/*
 * One change of kind (0 to 3) to a new consumer: the time from the
 * admin call's answer to the first refusal through the web server, ms;
 * *call_ms (may be NULL) gets the admin call's own.
 */
static long long
feed_change(int kind, long long *call_ms)
{
	static const char *const what[] = { "credential revoked",
	    "group taken", "consumer deleted", "secret rotated" };
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 g;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 t0, n, took = -1;
	long		 want = kind == 1 ? 403 : 401, st = 0;

	if (consumer_as("feedb", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == -1 || (h = bearer(tok)) == NULL)
		goto done;
	/* Cached by the workers that answer, then by nginx (twice seen). */
	if (!CHECK(gw_row(API, h, 4, 200) == 4, "%s: no pass before",
	    what[kind]))
		goto done;
	t0 = now_ms();
	if (!feed_make(kind, u, c.key, what[kind]))
		goto done;
	/*
	 * Counted from the answer: the change committed before it, and the
	 * admin call's own time (long on a loaded machine) is not the
	 * feed's.
	 */
	if (call_ms != NULL)
		*call_ms = now_ms() - t0;
	t0 = now_ms();
	while ((n = now_ms()) < t0 + 5000) {
		gw_get(&g, gw_url, API, (const char *const *)&h, 1);
		st = g.status;
		resp_free(&g);
		if (st != 200) {
			took = n - t0;
			break;
		}
		sleep_ms(5);
	}
	if (CHECK(took >= 0 && st == want, "%s: answered %ld, want %ld, "
	    "%lld ms after", what[kind], st, want, now_ms() - t0))
		CHECK(gw_row(API, h, 8, want) == 8, "%s: a pass after the "
		    "first refusal", what[kind]);
done:
	free(h);
	free(tok);
	return took;
}

/*
 * The text of the instance's configuration into *old (a new string),
 * and the file rewritten with its line of key (which it must have) set
 * to value, then reloaded.  0, or -1 after a failed check.
 */
static int
conf_swap(const char *key, const char *value, char **old)
{
	FILE		*f;
	char		*line, *p;
	size_t		 klen = strlen(key);
	long		 len;
	int		 found = 0;

	*old = NULL;
	if (!CHECK((f = fopen(conf_path, "r")) != NULL, "%s: %s", conf_path,
	    strerror(errno)))
		return -1;
	if ((p = *old = calloc(1, 65536)) == NULL) {
		fclose(f);
		return -1;
	}
	(void)fread(p, 1, 65535, f);
	fclose(f);
	if (!CHECK((f = fopen(conf_path, "w")) != NULL, "%s: %s", conf_path,
	    strerror(errno)))
		return -1;
	if ((p = strdup(*old)) == NULL) {
		fclose(f);
		return -1;
	}
	for (line = strtok(p, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (strncmp(line, key, klen) == 0 && (line[klen] == ' ' ||
		    line[klen] == '=')) {
			fprintf(f, "%s = %s\n", key, value);
			found = 1;
		} else
			fprintf(f, "%s\n", line);
	free(p);
	fclose(f);
	if (!CHECK(found, "%s: no line of %s", conf_path, key))
		return -1;
	return reconfigure("", &len);
}

/* The configuration text old written back, reloaded, and freed. */
static void
conf_unswap(char *old)
{
	FILE	*f;
	long	 len;

	if (old == NULL)
		return;
	if (CHECK((f = fopen(conf_path, "w")) != NULL, "%s: %s", conf_path,
	    strerror(errno))) {
		fputs(old, f);
		fclose(f);
		(void)reconfigure("", &len);
	}
	free(old);
}

static void
test_gw_feed_bound(void)
{
	long long	 ms[NCHANGE], p50, p99, call, call_max = 0;
	char		*old = NULL;
	size_t		 i, n = 0;

	if (gw_setup() == -1 || conf_swap("cache_ttl", "60", &old) == -1) {
		conf_unswap(old);
		return;
	}
	/* The new follower's first poll. */
	sleep_ms(1000);
	/*
	 * Each change at another moment of the feed's polls and of nginx's
	 * seconds: a step of 397 ms spreads 52 over the whole second.
	 */
	for (i = 0; i < NCHANGE; i++) {
		sleep_ms((long)(i * 397 % 1000));
		if ((ms[n] = feed_change((int)(i % 4), &call)) >= 0) {
			n++;
			if (call > call_max)
				call_max = call;
		}
	}
	conf_unswap(old);
	if (!CHECK(n == NCHANGE, "%zu of %d changes measured", n, NCHANGE))
		return;
	qsort(ms, n, sizeof(ms[0]), cmp_ll);
	p50 = ms[n / 2];
	p99 = ms[(n * 99 + 99) / 100 - 1];
	printf("\n    feed: %zu changes (cache_ttl 60 s, feed_interval %ld ms, "
	    "pass_keep %ld ms): from the admin's answer to the first refusal "
	    "p50 %lld ms, p99 %lld ms, max %lld ms (the admin calls took "
	    "%lld ms at most)\n", n, conf_num("feed_interval", 250),
	    conf_num("pass_keep", 1000), p50, p99, ms[n - 1], call_max);
	CHECK(ms[n - 1] <= 1000, "a change took %lld ms to be honoured, "
	    "want 1000 at most", ms[n - 1]);
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
static void
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

/*
 * Once refused, never passed again: a change made while one worker
 * keeps the token's pass and another does not, with the feed slowed to
 * 3 s so that only a refusal can tell the first worker in time, and
 * nginx keeping no pass.  The token is asked until the first refusal
 * (the worker that read the store), then NREFUSED times in a row and
 * NBURST at once (every worker): none may pass.  Each of the four
 * kinds of change NSEEN_ROUNDS times.
 */
#define NSEEN_ROUNDS	 3
#define NREFUSED	 40		/* a multiple of NBURST */

static size_t
refusal_round(int kind, int round)
{
	static const char *const what[] = { "credential revoked",
	    "group taken", "consumer deleted", "secret rotated" };
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 g;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 t0;
	long		 want = kind == 1 ? 403 : 401, st = 0;
	size_t		 i, passed = 0;

	if (consumer_as("seen", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == -1 || (h = bearer(tok)) == NULL)
		goto done;
	/* Kept by the one worker that answers. */
	if (!CHECK(gw_row(API, h, 1, 200) == 1, "%s: no pass before",
	    what[kind]))
		goto done;
	if (!feed_make(kind, u, c.key, what[kind]))
		goto done;
	t0 = now_ms();
	do {
		gw_get(&g, gw_url, API, (const char *const *)&h, 1);
		st = g.status;
		resp_free(&g);
	} while (st == 200 && now_ms() < t0 + 10000);
	if (!CHECK(st == want, "%s: answered %ld, want %ld", what[kind], st,
	    want))
		goto done;
	for (i = 0; i < NREFUSED; i += NBURST)
		passed += NBURST - gw_row(API, h, NBURST, want);
	passed += NBURST - gw_many(API, h, NBURST, 1, want, NULL);
	CHECK(passed == 0, "%s (round %d): %zu of %d requests after the "
	    "first refusal not refused", what[kind], round, passed,
	    NREFUSED + NBURST);
done:
	free(h);
	free(tok);
	return passed;
}

static void
test_gw_refusal_seen(void)
{
	char		*old = NULL;
	size_t		 failed = 0, rounds = 0;
	int		 i;

	/*
	 * The instance's configuration has a line of cache_ttl only: the
	 * other two follow it.
	 */
	if (gw_setup() == -1 || conf_swap("cache_ttl", "60\nfeed_interval = "
	    "3000\npass_keep = 0", &old) == -1) {
		conf_unswap(old);
		return;
	}
	/* The new follower's first poll. */
	sleep_ms(1000);
	for (i = 0; i < 4 * NSEEN_ROUNDS; i++, rounds++)
		failed += refusal_round(i % 4, i / 4) > 0;
	conf_unswap(old);
	printf("\n    refusal seen: %zu of %zu changes passed a request "
	    "after the first refusal\n", failed, rounds);
}

/*
 * A refusal makes the other workers read again only while the store
 * holds a change the feed has not told: once it has, a revoked token
 * replayed, or a valid one on a path its groups do not open, costs no
 * statement however often it comes.
 */
#define NREPLAY	 1000

static char *
same_token(size_t i, void *arg)
{
	(void)i;
	return strdup(arg);
}

static void
test_gw_refusal_replayed(void)
{
	struct resp	 r;
	char		 u[NAMESZ], v[NAMESZ], *tok = NULL, *tv = NULL;
	long long	 n, ms, most;

	if (gw_setup() == -1 || consumer("replay", "{\"groups\":"
	    "[\"contentAdmin\"]}", u, &tok) == -1 || consumer("forbid",
	    "{\"groups\":[\"userAdmin\"]}", v, &tv) == -1)
		goto done;
	call(&r, RT_DELETE, u, NULL);
	if (!CHECK(r.status == 200, "delete: HTTP %ld", r.status)) {
		resp_free(&r);
		goto done;
	}
	resp_free(&r);
	/* Told by the feed; each worker's refusal cached from here. */
	sleep_ms(feed_bound_ms());
	(void)statements("a deleted consumer's token", same_token, tok,
	    NBURST, 401, &ms);
	n = statements("a deleted consumer's token", same_token, tok,
	    NREPLAY, 401, &ms);
	printf("\n    refusal replayed: %d times in %lld ms, %lld statements"
	    "\n", NREPLAY, ms, n);
	/* Each worker reads again once a cache_ttl, whatever comes. */
	most = (ms / ttl_ms() + 2) * (long long)conf_workers() + FEED_EDGE;
	CHECK(n <= most, "a revoked token %d times: %lld statements, want "
	    "%lld at most", NREPLAY, n, most);
	(void)statements("a forbidden path", same_token, tv, NBURST, 403,
	    &ms);
	n = statements("a forbidden path", same_token, tv, NREPLAY, 403, &ms);
	printf("    forbidden path: %d times in %lld ms, %lld statements\n",
	    NREPLAY, ms, n);
	most = (ms / ttl_ms() + 2) * (long long)conf_workers() + FEED_EDGE;
	CHECK(n <= most, "a forbidden path %d times: %lld statements, want "
	    "%lld at most", NREPLAY, n, most);
done:
	free(tok);
	free(tv);
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
