/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "core/validate.h"
#include "crypto/jwt.h"

#define JSON_PART_MAX	 (JWT_MAX_LEN / 4 * 3 + 3)
#define JSON_DEPTH	 8

static const struct {
	const char	*name;
	const char	*digest;	/* NULL: none (EdDSA) */
} algs[] = {
	[JWT_ALG_INVALID] = { "", NULL },
	[JWT_HS256] = { "HS256", "SHA256" },
	[JWT_HS384] = { "HS384", "SHA384" },
	[JWT_HS512] = { "HS512", "SHA512" },
	[JWT_RS256] = { "RS256", "SHA256" },
	[JWT_ES256] = { "ES256", "SHA256" },
	[JWT_EDDSA] = { "EdDSA", NULL },
	[JWT_RS512] = { "RS512", "SHA512" },
};

#define NALGS	 (sizeof(algs) / sizeof(algs[0]))

enum jwt_alg
jwt_alg_parse(const char *s, size_t len)
{
	size_t	 i;

	for (i = 1; i < NALGS; i++)
		if (strlen(algs[i].name) == len &&
		    memcmp(algs[i].name, s, len) == 0)
			return (enum jwt_alg)i;
	return JWT_ALG_INVALID;
}

const char *
jwt_alg_name(enum jwt_alg a)
{
	return (size_t)a < NALGS ? algs[a].name : "";
}

int
jwt_alg_is_hmac(enum jwt_alg a)
{
	return a == JWT_HS256 || a == JWT_HS384 || a == JWT_HS512;
}

int
jwt_alg_is_rsa(enum jwt_alg a)
{
	return a == JWT_RS256 || a == JWT_RS512;
}

/* base64url */

size_t
jwt_b64url_encode(char *out, const unsigned char *in, size_t n)
{
	int	 len;
	size_t	 i;

	len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (i = 0; i < (size_t)len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return (size_t)len;
}

/* The 6-bit value of a base64url character, or -1. */
static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
jwt_b64url_decode(unsigned char *out, const char *in, size_t len)
{
	unsigned char	 buf[JWT_MAX_LEN + 4];
	size_t		 i, pad;
	int		 n;

	if (len == 0 || len > JWT_MAX_LEN || len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if (b64val(in[i]) < 0)
			return -1;
		buf[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' :
		    (unsigned char)in[i];
	}
	/* Only the canonical encoding: unused trailing bits are zero. */
	if ((len % 4 == 2 && (b64val(in[len - 1]) & 0x0f) != 0) ||
	    (len % 4 == 3 && (b64val(in[len - 1]) & 0x03) != 0))
		return -1;
	pad = (4 - len % 4) % 4;
	for (i = 0; i < pad; i++)
		buf[len + i] = '=';
	if ((n = EVP_DecodeBlock(out, buf, (int)(len + pad))) < 0)
		return -1;
	return (long)n - (long)pad;
}

/* parsing */

/*
 * The JSON object in base64url s.  One tokener serves the whole process
 * (a worker checks one token at a time): made once, reset per part.
 */
static json_object *
json_part(const char *s, size_t len, int *twofold)
{
	static json_tokener	*tok;
	unsigned char		 dec[JSON_PART_MAX];
	json_object		*o;
	long			 n;

	if (len / 4 * 3 + 3 > sizeof(dec) ||
	    (n = jwt_b64url_decode(dec, s, len)) <= 0)
		return NULL;
	if (tok == NULL) {
		if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
			return NULL;
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		    JSON_TOKENER_VALIDATE_UTF8);
	} else
		json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, (const char *)dec, (int)n);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != (size_t)n ||
	    !json_object_is_type(o, json_type_object) ||
	    (*twofold = !validate_json_exact((const char *)dec,
	    (size_t)n, o)))) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

void
jwt_free(struct jwt *t)
{
	json_object_put(t->header);
	json_object_put(t->claims);
	memset(t, 0, sizeof(*t));
}

int
jwt_parse(struct jwt *t, const char *tok, size_t len, const char **why)
{
	const char	*d1, *d2;
	json_object	*v;
	long		 n;
	int		 twofold = 0;

	memset(t, 0, sizeof(*t));
	if (len == 0 || len > JWT_MAX_LEN) {
		*why = "token is empty or too long";
		return -1;
	}
	if ((d1 = memchr(tok, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok))) == NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)) != NULL) {
		*why = "token is not three dot-separated parts";
		return -1;
	}
	if (d1 == tok || d2 == d1 + 1 || d2 + 1 == tok + len) {
		*why = "token has an empty part";
		return -1;
	}
	if ((t->header = json_part(tok, (size_t)(d1 - tok), &twofold)) ==
	    NULL) {
		*why = twofold ? "token header has a NUL or a name twice" :
		    "token header is not base64url JSON object";
		goto fail;
	}
	if (!json_object_object_get_ex(t->header, "alg", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*why = "token header has no alg";
		goto fail;
	}
	t->alg = jwt_alg_parse(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
	if (t->alg == JWT_ALG_INVALID) {
		*why = "token alg is not accepted";
		goto fail;
	}
	if (json_object_object_get_ex(t->header, "crit", &v)) {
		*why = "token header has crit extensions";
		goto fail;
	}
	if (json_object_object_get_ex(t->header, "kid", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) == 0) {
			*why = "token kid is not a string";
			goto fail;
		}
		t->kid = json_object_get_string(v);
		t->kidlen = (size_t)json_object_get_string_len(v);
	}
	if ((t->claims = json_part(d1 + 1, (size_t)(d2 - d1 - 1),
	    &twofold)) == NULL) {
		*why = twofold ? "token payload has a NUL or a name twice" :
		    "token payload is not base64url JSON object";
		goto fail;
	}
	/* len / 4 * 3 + 3 bytes at most: sig has room for them. */
	if ((size_t)(tok + len - d2 - 1) / 4 * 3 > JWT_MAX_SIG ||
	    (n = jwt_b64url_decode(t->sig, d2 + 1,
	    (size_t)(tok + len - d2 - 1))) <= 0 || n > JWT_MAX_SIG) {
		*why = "token signature is not base64url";
		goto fail;
	}
	t->siglen = (size_t)n;
	t->input = tok;
	t->inputlen = (size_t)(d2 - tok);
	return 0;
fail:
	jwt_free(t);
	return -1;
}

/* keys */

static EVP_MAC *
hmac_impl(void)
{
	static EVP_MAC	*mac;

	if (mac == NULL)
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	return mac;
}

/*
 * An HMAC context of alg's digest, without a key, made once per process
 * and copied for each key: a digest set by its name is fetched from the
 * provider again each time, most of the cost of a key, which every
 * credential read (a miss) makes.  NULL on failure.
 */
static const EVP_MAC_CTX *
hmac_template(enum jwt_alg alg)
{
	static EVP_MAC_CTX	*tpl[NALGS];
	OSSL_PARAM		 params[2];
	EVP_MAC			*mac;

	if (tpl[alg] != NULL)
		return tpl[alg];
	if ((mac = hmac_impl()) == NULL ||
	    (tpl[alg] = EVP_MAC_CTX_new(mac)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)algs[alg].digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_CTX_set_params(tpl[alg], params) != 1) {
		EVP_MAC_CTX_free(tpl[alg]);
		tpl[alg] = NULL;
	}
	return tpl[alg];
}

int
jwt_key_hmac(struct jwt_key *k, enum jwt_alg alg, const void *secret,
    size_t len)
{
	const EVP_MAC_CTX	*tpl;
	EVP_MAC_CTX		*ctx;

	memset(k, 0, sizeof(*k));
	if (!jwt_alg_is_hmac(alg) || (tpl = hmac_template(alg)) == NULL ||
	    (ctx = EVP_MAC_CTX_dup(tpl)) == NULL)
		return -1;
	/* An empty HMAC key is legal but useless: refuse it. */
	if (len == 0 || EVP_MAC_init(ctx, secret, len, NULL) != 1) {
		EVP_MAC_CTX_free(ctx);
		return -1;
	}
	k->alg = alg;
	k->mac = ctx;
	return 0;
}

int
jwt_key_pem(struct jwt_key *k, enum jwt_alg alg, const char *pem,
    size_t len, const char **why)
{
	BIO		*bio;
	EVP_PKEY	*pkey;
	char		 group[64];
	size_t		 glen = 0;
	int		 ok = 0;

	memset(k, 0, sizeof(*k));
	if (!jwt_alg_is_rsa(alg) && alg != JWT_ES256 && alg != JWT_EDDSA) {
		*why = "algorithm takes no public key";
		return -1;
	}
	if (len > 16384 || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		*why = "public key is too long";
		return -1;
	}
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		ERR_clear_error();
		*why = "public key is not a PEM public key";
		return -1;
	}
	switch (alg) {
	case JWT_RS256:
	case JWT_RS512:
		ok = EVP_PKEY_is_a(pkey, "RSA") &&
		    EVP_PKEY_get_bits(pkey) >= 2048 &&
		    EVP_PKEY_get_bits(pkey) <= JWT_MAX_SIG * 8;
		*why = alg == JWT_RS256 ? "RS256 needs an RSA public key of "
		    "2048 to 4096 bits" : "RS512 needs an RSA public key of "
		    "2048 to 4096 bits";
		break;
	case JWT_ES256:
		ok = EVP_PKEY_is_a(pkey, "EC") &&
		    EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) ==
		    1 && strcmp(group, "prime256v1") == 0;
		*why = "ES256 needs an EC P-256 public key";
		break;
	default:
		ok = EVP_PKEY_is_a(pkey, "ED25519");
		*why = "EdDSA needs an Ed25519 public key";
		break;
	}
	if (!ok) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	*why = NULL;
	k->alg = alg;
	k->pkey = pkey;
	return 0;
}

void
jwt_key_free(struct jwt_key *k)
{
	EVP_MAC_CTX_free(k->mac);
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

static int
verify_hmac(const struct jwt_key *k, const struct jwt *t)
{
	EVP_MAC_CTX	*ctx = k->mac;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	size_t		 len = 0;

	/* A NULL key re-uses the one set at jwt_key_hmac(). */
	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)t->input,
	    t->inputlen) != 1 ||
	    EVP_MAC_final(ctx, mac, &len, sizeof(mac)) != 1)
		return 0;
	return len == t->siglen && CRYPTO_memcmp(mac, t->sig, len) == 0;
}

/* The message both MACs of jwt_key_is_secret() are made of. */
static const unsigned char secret_probe[] = "adminutil client secret";

/* HMAC of secret_probe under the key of ctx into mac; its length or 0. */
static size_t
probe_mac(EVP_MAC_CTX *ctx, unsigned char mac[EVP_MAX_MD_SIZE])
{
	size_t	 len = 0;

	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, secret_probe, sizeof(secret_probe)) != 1 ||
	    EVP_MAC_final(ctx, mac, &len, EVP_MAX_MD_SIZE) != 1)
		return 0;
	return len;
}

int
jwt_key_is_secret(const struct jwt_key *k, enum jwt_alg alg,
    const void *secret, size_t slen)
{
	static struct jwt_key	 dummy[NALGS];
	static const char	 dummy_secret[] = "no credential has this key";
	struct jwt_key		 given;
	const struct jwt_key	*held = k;
	unsigned char		 a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	size_t			 alen, blen;
	int			 real;

	if (k != NULL && k->mac != NULL && jwt_alg_is_hmac(k->alg))
		alg = k->alg;
	if (!jwt_alg_is_hmac(alg))
		alg = JWT_HS256;
	real = held != NULL && held->mac != NULL && held->alg == alg;
	if (!real) {
		if (dummy[alg].mac == NULL && jwt_key_hmac(&dummy[alg], alg,
		    dummy_secret, sizeof(dummy_secret) - 1) == -1)
			return 0;
		held = &dummy[alg];
	}
	/*
	 * HMAC pads a key shorter than its block with zeros and hashes a
	 * longer one: two secrets alike under HMAC pass alike here, as
	 * their tokens do at the gateway.
	 */
	if (slen == 0 || jwt_key_hmac(&given, alg, secret, slen) == -1)
		return 0;
	alen = probe_mac(given.mac, a);
	blen = probe_mac(held->mac, b);
	jwt_key_free(&given);
	real = real && alen > 0 && alen == blen && CRYPTO_memcmp(a, b,
	    alen) == 0;
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return real;
}

/* ES256 signatures are r || s (RFC 7518 3.4); OpenSSL wants DER. */
static int
es256_der(const struct jwt *t, unsigned char **der, int *derlen)
{
	ECDSA_SIG	*es;
	BIGNUM		*r, *s;

	if (t->siglen != 64 || (es = ECDSA_SIG_new()) == NULL)
		return -1;
	r = BN_bin2bn(t->sig, 32, NULL);
	s = BN_bin2bn(t->sig + 32, 32, NULL);
	if (r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return -1;
	}
	*der = NULL;
	*derlen = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	return *derlen > 0 ? 0 : -1;
}

static int
verify_pkey(const struct jwt_key *k, const struct jwt *t)
{
	EVP_MD_CTX	*md;
	const EVP_MD	*digest = NULL;
	unsigned char	*der = NULL;
	const unsigned char *sig = t->sig;
	size_t		 siglen = t->siglen;
	int		 derlen, ok = 0;

	if (k->alg == JWT_ES256) {
		if (es256_der(t, &der, &derlen) == -1)
			return 0;
		sig = der;
		siglen = (size_t)derlen;
	}
	if (k->alg == JWT_RS512)
		digest = EVP_sha512();
	else if (k->alg != JWT_EDDSA)
		digest = EVP_sha256();
	if ((md = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(md, NULL, digest, NULL, k->pkey) == 1)
		ok = EVP_DigestVerify(md, sig, siglen,
		    (const unsigned char *)t->input, t->inputlen) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	return ok;
}

int
jwt_verify(const struct jwt_key *k, const struct jwt *t)
{
	if (t->alg == JWT_ALG_INVALID || t->alg != k->alg)
		return 0;
	if (jwt_alg_is_hmac(k->alg))
		return k->mac != NULL && verify_hmac(k, t);
	return k->pkey != NULL && verify_pkey(k, t);
}

/* signing (the ready token of credential/register) */

static int
append_json(char *buf, size_t cap, size_t *off, json_object *o)
{
	size_t		 len;
	const char	*s;

	if (o == NULL)
		return -1;
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || *off + JWT_B64_LEN(len) > cap)
		return -1;
	*off += jwt_b64url_encode(buf + *off, (const unsigned char *)s, len);
	return 0;
}

char *
jwt_sign_hmac(enum jwt_alg alg, const char *claim, const char *iss,
    const char *secret, size_t slen, long long iat, long long exp)
{
	json_object	*hdr = NULL, *claims = NULL;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	const EVP_MD	*md;
	char		*tok = NULL;
	size_t		 cap, off = 0;

	if (!jwt_alg_is_hmac(alg) ||
	    (md = EVP_get_digestbyname(algs[alg].digest)) == NULL)
		return NULL;
	cap = 64 + JWT_B64_LEN((strlen(claim) + strlen(iss)) * 6 + 96) +
	    JWT_B64_LEN(sizeof(mac));
	if ((tok = malloc(cap)) == NULL)
		return NULL;
	if ((hdr = json_object_new_object()) == NULL ||
	    (claims = json_object_new_object()) == NULL)
		goto fail;
	json_object_object_add(hdr, "alg",
	    json_object_new_string(algs[alg].name));
	json_object_object_add(hdr, "typ", json_object_new_string("JWT"));
	json_object_object_add(claims, claim, json_object_new_string(iss));
	json_object_object_add(claims, "iat", json_object_new_int64(iat));
	if (exp != 0)
		json_object_object_add(claims, "exp",
		    json_object_new_int64(exp));
	if (append_json(tok, cap, &off, hdr) == -1)
		goto fail;
	tok[off++] = '.';
	if (append_json(tok, cap, &off, claims) == -1)
		goto fail;
	if (HMAC(md, secret, (int)slen, (unsigned char *)tok, off, mac,
	    &maclen) == NULL || off + 1 + JWT_B64_LEN(maclen) > cap)
		goto fail;
	tok[off++] = '.';
	jwt_b64url_encode(tok + off, mac, maclen);
	OPENSSL_cleanse(mac, sizeof(mac));
	json_object_put(hdr);
	json_object_put(claims);
	return tok;
fail:
	json_object_put(hdr);
	json_object_put(claims);
	free(tok);
	return NULL;
}

char *
jwt_sign_hs256(const char *iss, const char *secret, size_t slen,
    long long iat)
{
	return jwt_sign_hmac(JWT_HS256, "iss", iss, secret, slen, iat, 0);
}
