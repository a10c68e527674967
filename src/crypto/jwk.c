/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "crypto/jwk.h"
#include "crypto/jwt.h"

/*
 * The longest key member read, in base64url characters: an RSA modulus
 * of 4096 bits takes 683.
 */
#define MEMBER_MAX	 1024
#define MEMBER_BYTES	 (MEMBER_MAX / 4 * 3 + 3)

/* The octets of an EC P-256 coordinate and of an Ed25519 key. */
#define P256_LEN	 32
#define ED25519_LEN	 32

/*
 * The members of a private or symmetric key (RFC 7518 6.2.2, 6.3.2,
 * 6.4; RFC 8037 2): a credential holds a public key only, and a private
 * one sent here has already leaked.
 */
static const char *const private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "k", "oth"
};

#define NPRIVATE	 (sizeof(private_members) / sizeof(private_members[0]))

/* A key type, what it is for, and its thumbprint's members (RFC 7638). */
struct kty {
	const char	*name;
	enum jwt_alg	 alg;
	const char	*crv;		/* NULL: none */
	const char	*wrong_kty;	/* the reason for another kty */
	const char	*wrong_crv;
	const char	*bad_members;
	const char	*thumb[4];	/* sorted, NULL-ended */
};

static const struct kty ktys[] = {
	{ "RSA", JWT_RS256, NULL,
	    "RS256 needs a jwk of kty RSA",
	    NULL,
	    "jwk n and e must be unpadded base64url of the modulus and the "
	    "exponent, without a leading zero octet (RFC 7518 6.3.1)",
	    { "e", "kty", "n", NULL } },
	{ "EC", JWT_ES256, "P-256",
	    "ES256 needs a jwk of kty EC",
	    "ES256 needs a jwk on the curve P-256 (crv \"P-256\")",
	    "jwk x and y must be unpadded base64url of 32 octets each "
	    "(RFC 7518 6.2.1)",
	    { "crv", "kty", "x", "y" } },
	{ "OKP", JWT_EDDSA, "Ed25519",
	    "EdDSA needs a jwk of kty OKP",
	    "EdDSA needs a jwk on the curve Ed25519 (crv \"Ed25519\")",
	    "jwk x must be unpadded base64url of 32 octets (RFC 8037 2)",
	    { "crv", "kty", "x", NULL } },
};

#define NKTYS	 (sizeof(ktys) / sizeof(ktys[0]))

/* The string member name of o, or NULL (absent, or not a string). */
static const char *
member_str(json_object *o, const char *name, size_t *len)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	if (len != NULL)
		*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

/*
 * The octets of the base64url member name of o into out (MEMBER_BYTES
 * of room): their count, or -1 when it is absent, not a string, empty,
 * too long or not canonical unpadded base64url.
 */
static long
member_b64(json_object *o, const char *name, unsigned char *out)
{
	const char	*s;
	size_t		 len;

	if ((s = member_str(o, name, &len)) == NULL || len == 0 ||
	    len > MEMBER_MAX)
		return -1;
	return jwt_b64url_decode(out, s, len);
}

/* 1 if key_ops (an array) holds the string "verify". */
static int
ops_verify(json_object *ops)
{
	json_object	*v;
	size_t		 i, n;

	n = json_object_array_length(ops);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(ops, i);
		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "verify") == 0)
			return 1;
	}
	return 0;
}

/*
 * The checks every kty shares: no private member, a kty that fits alg,
 * alg, use and key_ops that allow verifying alg's signatures.  The kty,
 * or NULL with the reason in *why.
 */
static const struct kty *
jwk_common(json_object *jwk, enum jwt_alg alg, const char **why)
{
	const struct kty *t = NULL;
	json_object	*v;
	const char	*s;
	size_t		 i, len;

	if (!json_object_is_type(jwk, json_type_object)) {
		*why = "jwk must be a JSON object";
		return NULL;
	}
	for (i = 0; i < NPRIVATE; i++)
		if (json_object_object_get_ex(jwk, private_members[i], NULL)) {
			*why = "jwk has a private key member (d, p, q, dp, dq, "
			    "qi, k or oth): send the public key only";
			return NULL;
		}
	if ((s = member_str(jwk, "kty", NULL)) == NULL) {
		*why = "jwk has no kty (a string)";
		return NULL;
	}
	/* RS512 takes the RSA keys RS256 takes. */
	for (i = 0; i < NKTYS; i++)
		if (ktys[i].alg == (alg == JWT_RS512 ? JWT_RS256 : alg))
			t = &ktys[i];
	if (t == NULL) {
		*why = "algorithm takes no public key";
		return NULL;
	}
	if (strcmp(s, t->name) != 0) {
		*why = alg == JWT_RS512 ? "RS512 needs a jwk of kty RSA" :
		    t->wrong_kty;
		return NULL;
	}
	if (t->crv != NULL && ((s = member_str(jwk, "crv", NULL)) == NULL ||
	    strcmp(s, t->crv) != 0)) {
		*why = t->wrong_crv;
		return NULL;
	}
	if (json_object_object_get_ex(jwk, "alg", &v) &&
	    ((s = member_str(jwk, "alg", &len)) == NULL ||
	    jwt_alg_parse(s, len) != alg)) {
		*why = "jwk alg is not the credential's algorithm";
		return NULL;
	}
	if (json_object_object_get_ex(jwk, "use", &v) &&
	    ((s = member_str(jwk, "use", NULL)) == NULL ||
	    strcmp(s, "sig") != 0)) {
		*why = "jwk use must be \"sig\": the key verifies signatures";
		return NULL;
	}
	if (json_object_object_get_ex(jwk, "key_ops", &v) &&
	    (!json_object_is_type(v, json_type_array) || !ops_verify(v))) {
		*why = "jwk key_ops must hold \"verify\"";
		return NULL;
	}
	return t;
}

/* An EVP_PKEY of type name from params, or NULL. */
static EVP_PKEY *
pkey_fromdata(const char *name, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	OSSL_PARAM	*params;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		return NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *
rsa_key(json_object *jwk)
{
	unsigned char	 n[MEMBER_BYTES], e[MEMBER_BYTES];
	OSSL_PARAM_BLD	*bld;
	BIGNUM		*bn = NULL, *be = NULL;
	EVP_PKEY	*pkey = NULL;
	long		 nlen, elen;

	/* RFC 7518 6.3.1: the fewest octets, so one key has one text. */
	if ((nlen = member_b64(jwk, "n", n)) <= 0 || n[0] == 0 ||
	    (elen = member_b64(jwk, "e", e)) <= 0 || e[0] == 0 || elen > 8)
		return NULL;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) != NULL &&
	    (be = BN_bin2bn(e, (int)elen, NULL)) != NULL &&
	    (bld = OSSL_PARAM_BLD_new()) != NULL) {
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ==
		    1 && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E,
		    be) == 1)
			pkey = pkey_fromdata("RSA", bld);
		OSSL_PARAM_BLD_free(bld);
	}
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static EVP_PKEY *
ec_key(json_object *jwk)
{
	unsigned char	 x[MEMBER_BYTES], y[MEMBER_BYTES];
	unsigned char	 point[1 + 2 * P256_LEN];
	OSSL_PARAM_BLD	*bld;
	EVP_PKEY	*pkey = NULL;

	if (member_b64(jwk, "x", x) != P256_LEN ||
	    member_b64(jwk, "y", y) != P256_LEN)
		return NULL;
	/* SEC 1 2.3.3: the uncompressed point. */
	point[0] = 0x04;
	memcpy(point + 1, x, P256_LEN);
	memcpy(point + 1 + P256_LEN, y, P256_LEN);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) == 1 && OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) == 1)
		pkey = pkey_fromdata("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

static EVP_PKEY *
okp_key(json_object *jwk)
{
	unsigned char	 x[MEMBER_BYTES];

	if (member_b64(jwk, "x", x) != ED25519_LEN)
		return NULL;
	return EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x,
	    ED25519_LEN);
}

/* 1 if OpenSSL finds pkey a sound public key (a point on its curve). */
static int
public_ok(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX	*ctx;
	int		 ok;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return 0;
	ok = EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* pkey as a new PEM SubjectPublicKeyInfo text, or NULL. */
static char *
pem_of(EVP_PKEY *pkey, size_t *len)
{
	BIO	*bio;
	char	*data, *out = NULL;
	long	 n;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, pkey) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(bio);
	return out;
}

/*
 * RFC 7638 3: SHA-256 over the kty's required members, sorted by name,
 * as JSON without whitespace; every value is a plain string here
 * (base64url, a kty, a crv), so json-c's text is the canonical one.
 */
static int
thumbprint(json_object *jwk, const struct kty *t,
    char thumb[JWK_THUMB_LEN + 1])
{
	json_object	*o, *v;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	const char	*s;
	size_t		 i, len;
	int		 rc = -1;

	if ((o = json_object_new_object()) == NULL)
		return -1;
	for (i = 0; i < 4 && t->thumb[i] != NULL; i++) {
		if (!json_object_object_get_ex(jwk, t->thumb[i], &v))
			goto done;
		json_object_object_add(o, t->thumb[i], json_object_get(v));
	}
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL && EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) ==
	    1 && mdlen == 32 &&
	    jwt_b64url_encode(thumb, md, mdlen) == JWK_THUMB_LEN)
		rc = 0;
done:
	json_object_put(o);
	return rc;
}

int
jwk_pem(json_object *jwk, enum jwt_alg alg, char **pem,
    char thumb[JWK_THUMB_LEN + 1], const char **why)
{
	const struct kty *t;
	struct jwt_key	 key;
	EVP_PKEY	*pkey;
	size_t		 len = 0;

	*pem = NULL;
	thumb[0] = '\0';
	if ((t = jwk_common(jwk, alg, why)) == NULL)
		return -1;
	switch (t->alg) {
	case JWT_RS256:
		pkey = rsa_key(jwk);
		break;
	case JWT_ES256:
		pkey = ec_key(jwk);
		break;
	default:
		pkey = okp_key(jwk);
		break;
	}
	if (pkey == NULL) {
		ERR_clear_error();
		*why = t->bad_members;
		return -1;
	}
	if (!public_ok(pkey)) {
		ERR_clear_error();
		EVP_PKEY_free(pkey);
		*why = t->alg == JWT_RS256 ? "jwk is not a sound RSA public "
		    "key" : "jwk is not a point on its curve";
		return -1;
	}
	*pem = pem_of(pkey, &len);
	EVP_PKEY_free(pkey);
	if (*pem == NULL || thumbprint(jwk, t, thumb) == -1) {
		free(*pem);
		*pem = NULL;
		*why = "out of memory";
		return -1;
	}
	/* The same checks as a PEM's, sizes too: one rule for both. */
	if (jwt_key_pem(&key, alg, *pem, len, why) == -1) {
		free(*pem);
		*pem = NULL;
		thumb[0] = '\0';
		return -1;
	}
	jwt_key_free(&key);
	*why = NULL;
	return 0;
}

/* Adds the base64url of buf[0..len) as member name of o; 0 or -1. */
static int
add_b64(json_object *o, const char *name, const unsigned char *buf,
    size_t len)
{
	char	 s[JWT_B64_LEN(JWT_MAX_SIG)];

	if (len > JWT_MAX_SIG)
		return -1;
	jwt_b64url_encode(s, buf, len);
	return json_object_object_add(o, name, json_object_new_string(s));
}

/* Adds BIGNUM parameter param of pkey, pad octets (0: fewest); 0 or -1. */
static int
add_bn(json_object *o, const char *name, EVP_PKEY *pkey, const char *param,
    int pad)
{
	unsigned char	 buf[JWT_MAX_SIG];
	BIGNUM		*bn = NULL;
	int		 n = -1;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) == 1 &&
	    BN_num_bytes(bn) <= (int)sizeof(buf))
		n = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	BN_free(bn);
	return n > 0 ? add_b64(o, name, buf, (size_t)n) : -1;
}

json_object *
jwk_of_pem(const char *pem, size_t len, enum jwt_alg alg, const char *kid)
{
	struct jwt_key	 key;
	unsigned char	 raw[ED25519_LEN];
	size_t		 rawlen = sizeof(raw);
	json_object	*o;
	EVP_PKEY	*pkey;
	const char	*why;
	int		 rc = -1;

	if (jwt_key_pem(&key, alg, pem, len, &why) == -1)
		return NULL;
	pkey = key.pkey;
	if ((o = json_object_new_object()) == NULL) {
		jwt_key_free(&key);
		return NULL;
	}
	switch (alg) {
	case JWT_RS256:
	case JWT_RS512:
		rc = json_object_object_add(o, "kty",
		    json_object_new_string("RSA")) == 0 &&
		    add_bn(o, "n", pkey, OSSL_PKEY_PARAM_RSA_N, 0) == 0 &&
		    add_bn(o, "e", pkey, OSSL_PKEY_PARAM_RSA_E, 0) == 0 ? 0 :
		    -1;
		break;
	case JWT_ES256:
		rc = json_object_object_add(o, "kty",
		    json_object_new_string("EC")) == 0 &&
		    json_object_object_add(o, "crv",
		    json_object_new_string("P-256")) == 0 &&
		    add_bn(o, "x", pkey, OSSL_PKEY_PARAM_EC_PUB_X, P256_LEN) ==
		    0 && add_bn(o, "y", pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
		    P256_LEN) == 0 ? 0 : -1;
		break;
	default:
		rc = json_object_object_add(o, "kty",
		    json_object_new_string("OKP")) == 0 &&
		    json_object_object_add(o, "crv",
		    json_object_new_string("Ed25519")) == 0 &&
		    EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) == 1 &&
		    rawlen == ED25519_LEN &&
		    add_b64(o, "x", raw, rawlen) == 0 ? 0 : -1;
		break;
	}
	jwt_key_free(&key);
	if (rc == 0 && (json_object_object_add(o, "alg",
	    json_object_new_string(jwt_alg_name(alg))) != 0 ||
	    json_object_object_add(o, "use",
	    json_object_new_string("sig")) != 0 ||
	    (kid != NULL && json_object_object_add(o, "kid",
	    json_object_new_string(kid)) != 0)))
		rc = -1;
	if (rc != 0) {
		ERR_clear_error();
		json_object_put(o);
		return NULL;
	}
	return o;
}
