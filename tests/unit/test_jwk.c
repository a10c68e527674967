/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of jwk.c: the RFC 7638 and RFC 8037 thumbprints of their
 * own examples; keys made here (RSA, EC P-256, Ed25519) shown as a JWK
 * and read back into the same PEM; every form of a JWK that is refused,
 * with its reason; and what is ignored.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "crypto/jwk.h"
#include "crypto/jwt.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 7638 3.1: the example key and its thumbprint. */
#define RFC7638_JWK \
	"{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAF" \
	"bWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3" \
	"oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_" \
	"FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpb" \
	"ISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0" \
	"Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\"," \
	"\"kid\":\"2011-04-29\"}"
#define RFC7638_THUMB	 "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

/* RFC 8037 A.2 and A.3: the Ed25519 example's public key, thumbprint. */
#define RFC8037_JWK \
	"{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," \
	"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
#define RFC8037_THUMB	 "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

#define MSG_PRIVATE	 "jwk has a private key member (d, p, q, dp, dq, " \
			    "qi, k or oth): send the public key only"
#define MSG_RSA_BITS	 "RS256 needs an RSA public key of 2048 to 4096 bits"
#define MSG_RSA_MEMBERS	 "jwk n and e must be unpadded base64url of the " \
			    "modulus and the exponent, without a leading " \
			    "zero octet (RFC 7518 6.3.1)"
#define MSG_EC_MEMBERS	 "jwk x and y must be unpadded base64url of 32 " \
			    "octets each (RFC 7518 6.2.1)"
#define MSG_OKP_MEMBERS	 "jwk x must be unpadded base64url of 32 octets " \
			    "(RFC 8037 2)"

/* Keys made once: RSA 2048 and 1024, EC P-256 and P-384, Ed25519. */
static EVP_PKEY	*rsa2048, *rsa1024, *p256, *p384, *ed25519;

static int
suite_init(void)
{
	rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return rsa2048 != NULL && rsa1024 != NULL && p256 != NULL &&
	    p384 != NULL && ed25519 != NULL ? 0 : -1;
}

static int
suite_clean(void)
{
	EVP_PKEY_free(rsa2048);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed25519);
	return 0;
}

/* The PEM of pkey's public key, a new string. */
static char *
pem_of(EVP_PKEY *pkey)
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
	}
	BIO_free(bio);
	return out;
}

/* Sets member name of o to the base64url of BIGNUM param of pkey. */
static void
set_bn(json_object *o, const char *name, EVP_PKEY *pkey, const char *param,
    int pad)
{
	unsigned char	 buf[1024];
	char		 s[JWT_B64_LEN(sizeof(buf))];
	BIGNUM		*bn = NULL;
	int		 n;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) {
		CU_FAIL("EVP_PKEY_get_bn_param");
		return;
	}
	n = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	BN_free(bn);
	jwt_b64url_encode(s, buf, (size_t)n);
	json_object_object_add(o, name, json_object_new_string(s));
}

/*
 * A JWK of pkey made here, apart from jwk_of_pem (which refuses the
 * keys that jwk_pem must refuse too): RSA's n and e, EC's crv, x, y.
 */
static json_object *
jwk_made(EVP_PKEY *pkey)
{
	json_object	*o = json_object_new_object();
	char		 group[64];
	size_t		 glen = 0;

	if (EVP_PKEY_is_a(pkey, "RSA")) {
		json_object_object_add(o, "kty", json_object_new_string("RSA"));
		set_bn(o, "n", pkey, OSSL_PKEY_PARAM_RSA_N, 0);
		set_bn(o, "e", pkey, OSSL_PKEY_PARAM_RSA_E, 0);
		return o;
	}
	EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
	    sizeof(group), &glen);
	json_object_object_add(o, "kty", json_object_new_string("EC"));
	json_object_object_add(o, "crv", json_object_new_string(
	    strcmp(group, "secp384r1") == 0 ? "P-384" : "P-256"));
	set_bn(o, "x", pkey, OSSL_PKEY_PARAM_EC_PUB_X,
	    EVP_PKEY_get_bits(pkey) / 8);
	set_bn(o, "y", pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
	    EVP_PKEY_get_bits(pkey) / 8);
	return o;
}

/* jwk_of_pem of pkey, for alg. */
static json_object *
jwk_shown(EVP_PKEY *pkey, enum jwt_alg alg)
{
	json_object	*o;
	char		*pem = pem_of(pkey);

	o = pem != NULL ? jwk_of_pem(pem, strlen(pem), alg, "the-key") : NULL;
	free(pem);
	return o;
}

/* jwk_pem of the JSON text s for alg: its reason, NULL on success. */
static const char *
refusal(const char *s, enum jwt_alg alg, char thumb[JWK_THUMB_LEN + 1])
{
	json_object	*o = json_tokener_parse(s);
	const char	*why = "no reason";
	char		*pem = NULL;
	int		 rc;

	if (o == NULL)
		return "(test: not JSON)";
	rc = jwk_pem(o, alg, &pem, thumb, &why);
	json_object_put(o);
	UNIT_CHECK((rc == 0) == (pem != NULL), "%s: rc %d, pem %s", s, rc,
	    pem != NULL ? "set" : "NULL");
	free(pem);
	return rc == 0 ? NULL : why;
}

static void
test_rfc7638(void)
{
	char	 thumb[JWK_THUMB_LEN + 1];

	UNIT_STREQ(refusal(RFC7638_JWK, JWT_RS256, thumb), NULL,
	    "RFC 7638's example for RS256");
	UNIT_STREQ(thumb, RFC7638_THUMB, "RFC 7638 3.1's thumbprint");
	/* Its members in another order, and others more: the same. */
	UNIT_STREQ(refusal("{\"e\":\"AQAB\",\"use\":\"sig\",\"x5t\":\"z\","
	    "\"key_ops\":[\"verify\"],\"kty\":\"RSA\",\"n\":"
	    "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86"
	    "zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5Js"
	    "GY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicA"
	    "taSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bF"
	    "TWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur"
	    "-kEgU8awapJzKnqDKgw\"}", JWT_RS256, thumb), NULL,
	    "RFC 7638's example, reordered, with use, key_ops, x5t");
	UNIT_STREQ(thumb, RFC7638_THUMB, "the thumbprint, reordered");
}

static void
test_rfc8037(void)
{
	char	 thumb[JWK_THUMB_LEN + 1];

	UNIT_STREQ(refusal(RFC8037_JWK, JWT_EDDSA, thumb), NULL,
	    "RFC 8037's example for EdDSA");
	UNIT_STREQ(thumb, RFC8037_THUMB, "RFC 8037 A.3's thumbprint");
	UNIT_STREQ(refusal(RFC8037_JWK, JWT_ES256, thumb),
	    "ES256 needs a jwk of kty EC", "an OKP key for ES256");
	UNIT_STREQ(refusal(RFC8037_JWK, JWT_HS256, thumb),
	    "algorithm takes no public key", "a JWK for HS256");
}

/* A key made here: shown as a JWK, read back into its own PEM. */
static void
test_roundtrip(void)
{
	static const struct {
		const char	*name;
		EVP_PKEY	**pkey;
		enum jwt_alg	 alg;
		const char	*members[4];
	} rows[] = {
		{ "RSA 2048", &rsa2048, JWT_RS256, { "kty", "n", "e", NULL } },
		{ "EC P-256", &p256, JWT_ES256, { "kty", "crv", "x", "y" } },
		{ "Ed25519", &ed25519, JWT_EDDSA, { "kty", "crv", "x", NULL } },
	};
	char		 thumb[JWK_THUMB_LEN + 1], *pem, *back;
	const char	*why = NULL;
	json_object	*o, *v;
	size_t		 i, j;

	for (i = 0; i < NELEM(rows); i++) {
		pem = pem_of(*rows[i].pkey);
		o = jwk_shown(*rows[i].pkey, rows[i].alg);
		UNIT_CHECK(o != NULL, "%s: jwk_of_pem", rows[i].name);
		if (o == NULL || pem == NULL) {
			free(pem);
			continue;
		}
		for (j = 0; j < 4 && rows[i].members[j] != NULL; j++)
			UNIT_CHECK(json_object_object_get_ex(o,
			    rows[i].members[j], NULL), "%s: no %s",
			    rows[i].name, rows[i].members[j]);
		UNIT_CHECK(json_object_object_get_ex(o, "alg", &v) &&
		    unit_streq(json_object_get_string(v),
		    jwt_alg_name(rows[i].alg)), "%s: alg", rows[i].name);
		UNIT_CHECK(json_object_object_get_ex(o, "kid", &v) &&
		    unit_streq(json_object_get_string(v), "the-key"),
		    "%s: kid", rows[i].name);
		UNIT_CHECK(!json_object_object_get_ex(o, "d", NULL),
		    "%s: a private member shown", rows[i].name);
		/* Read back, with its alg, use and kid members. */
		back = NULL;
		UNIT_CHECK(jwk_pem(o, rows[i].alg, &back, thumb, &why) == 0,
		    "%s: read back: %s", rows[i].name, unit_str(why));
		UNIT_STREQ(back, pem, rows[i].name);
		UNIT_CHECK(strlen(thumb) == JWK_THUMB_LEN, "%s: thumbprint "
		    "\"%s\"", rows[i].name, thumb);
		free(back);
		free(pem);
		json_object_put(o);
	}
	/* Another algorithm's key, and a text that is no key: none. */
	pem = pem_of(p256);
	UNIT_CHECK(pem != NULL && jwk_of_pem(pem, strlen(pem), JWT_RS256,
	    NULL) == NULL, "jwk_of_pem of an EC key for RS256");
	UNIT_CHECK(jwk_of_pem("x", 1, JWT_ES256, NULL) == NULL,
	    "jwk_of_pem of no PEM");
	free(pem);
}

/* jwk_pem of o (consumed) for alg: want its reason (NULL: accepted). */
static void
expect(json_object *o, enum jwt_alg alg, const char *want, const char *name)
{
	char		 thumb[JWK_THUMB_LEN + 1], *pem = NULL;
	const char	*why = NULL;
	int		 rc;

	rc = jwk_pem(o, alg, &pem, thumb, &why);
	UNIT_STREQ(rc == 0 ? NULL : why, want, name);
	UNIT_CHECK(rc == 0 || (pem == NULL && thumb[0] == '\0'),
	    "%s: refused, yet a key or a thumbprint", name);
	free(pem);
	json_object_put(o);
}

/* A copy of o with member name set to v (NULL: removed). */
static json_object *
with(json_object *o, const char *name, json_object *v)
{
	json_object	*c = NULL;

	json_object_deep_copy(o, &c, NULL);
	if (v == NULL)
		json_object_object_del(c, name);
	else
		json_object_object_add(c, name, v);
	return c;
}

/* A copy of o with member name null (json-c's NULL). */
static json_object *
with_null(json_object *o, const char *name)
{
	json_object	*c = NULL;

	json_object_deep_copy(o, &c, NULL);
	json_object_object_add(c, name, NULL);
	return c;
}

static void
test_refused(void)
{
	json_object	*rsa, *ec, *okp, *o;
	static const char *const private[] = {
		"d", "p", "q", "dp", "dq", "qi", "k", "oth"
	};
	char		 name[64];
	size_t		 i;

	rsa = jwk_made(rsa2048);
	ec = jwk_made(p256);
	okp = jwk_shown(ed25519, JWT_EDDSA);
	/* Each made key is accepted as it is. */
	expect(with(rsa, "x-extra", json_object_new_int(1)), JWT_RS256, NULL,
	    "RSA, with an unknown member");
	expect(with(ec, "kid", json_object_new_string("any")), JWT_ES256,
	    NULL, "EC, with a kid");
	expect(with(okp, "kid", NULL), JWT_EDDSA, NULL, "OKP, no kid");
	/* RS512 takes the RSA keys RS256 takes, by kty. */
	expect(with(rsa, "x-extra", NULL), JWT_RS512, NULL, "RSA for RS512");
	expect(json_object_get(ec), JWT_RS512, "RS512 needs a jwk of kty RSA",
	    "an EC key for RS512");

	for (i = 0; i < NELEM(private); i++) {
		snprintf(name, sizeof(name), "RSA with private member %s",
		    private[i]);
		expect(with(rsa, private[i], json_object_new_string("AQAB")),
		    JWT_RS256, MSG_PRIVATE, name);
	}
	expect(with(ec, "d", json_object_new_string("AQAB")), JWT_ES256,
	    MSG_PRIVATE, "EC with d");
	expect(with_null(okp, "d"), JWT_EDDSA, MSG_PRIVATE,
	    "OKP with d null");

	expect(json_object_new_array(), JWT_RS256, "jwk must be a JSON object",
	    "an array");
	expect(json_object_new_string("{}"), JWT_RS256,
	    "jwk must be a JSON object", "a string");
	expect(with(rsa, "kty", NULL), JWT_RS256, "jwk has no kty (a string)",
	    "no kty");
	expect(with(rsa, "kty", json_object_new_int(1)), JWT_RS256,
	    "jwk has no kty (a string)", "kty a number");
	expect(with(rsa, "kty", json_object_new_string("rsa")), JWT_RS256,
	    "RS256 needs a jwk of kty RSA", "kty in lowercase");
	expect(with(rsa, "kty", json_object_new_string("oct")), JWT_RS256,
	    "RS256 needs a jwk of kty RSA", "kty oct");
	expect(json_object_get(ec), JWT_RS256, "RS256 needs a jwk of kty RSA",
	    "an EC key for RS256");
	expect(json_object_get(rsa), JWT_ES256, "ES256 needs a jwk of kty EC",
	    "an RSA key for ES256");
	expect(json_object_get(ec), JWT_EDDSA, "EdDSA needs a jwk of kty OKP",
	    "an EC key for EdDSA");

	/* alg, use, key_ops */
	expect(with(rsa, "alg", json_object_new_string("RS384")), JWT_RS256,
	    "jwk alg is not the credential's algorithm", "alg RS384");
	expect(with(rsa, "alg", json_object_new_string("ES256")), JWT_RS256,
	    "jwk alg is not the credential's algorithm", "alg ES256 on RSA");
	expect(with(ec, "alg", json_object_new_string("RS256")), JWT_ES256,
	    "jwk alg is not the credential's algorithm", "alg RS256 on EC");
	expect(with_null(rsa, "alg"), JWT_RS256,
	    "jwk alg is not the credential's algorithm", "alg null");
	expect(with(rsa, "alg", json_object_new_string("RS256")), JWT_RS256,
	    NULL, "alg RS256");
	expect(with(rsa, "use", json_object_new_string("enc")), JWT_RS256,
	    "jwk use must be \"sig\": the key verifies signatures", "use enc");
	expect(with(rsa, "use", json_object_new_string("sig")), JWT_RS256,
	    NULL, "use sig");
	o = json_object_new_array();
	json_object_array_add(o, json_object_new_string("encrypt"));
	json_object_array_add(o, json_object_new_string("sign"));
	expect(with(rsa, "key_ops", o), JWT_RS256,
	    "jwk key_ops must hold \"verify\"", "key_ops without verify");
	expect(with(rsa, "key_ops", json_object_new_string("verify")),
	    JWT_RS256, "jwk key_ops must hold \"verify\"", "key_ops a string");
	o = json_object_new_array();
	json_object_array_add(o, json_object_new_string("verify"));
	expect(with(ec, "key_ops", o), JWT_ES256, NULL, "key_ops [verify]");

	/* Sizes, curves, members. */
	expect(jwk_made(rsa1024), JWT_RS256, MSG_RSA_BITS, "RSA 1024");
	expect(jwk_made(p384), JWT_ES256,
	    "ES256 needs a jwk on the curve P-256 (crv \"P-256\")",
	    "EC P-384");
	expect(with(ec, "crv", NULL), JWT_ES256,
	    "ES256 needs a jwk on the curve P-256 (crv \"P-256\")", "no crv");
	expect(with(okp, "crv", json_object_new_string("X25519")), JWT_EDDSA,
	    "EdDSA needs a jwk on the curve Ed25519 (crv \"Ed25519\")",
	    "OKP X25519");
	expect(with(rsa, "n", NULL), JWT_RS256, MSG_RSA_MEMBERS, "no n");
	expect(with(rsa, "e", json_object_new_int(65537)), JWT_RS256,
	    MSG_RSA_MEMBERS, "e a number");
	expect(with(rsa, "e", json_object_new_string("AAEAAQ")), JWT_RS256,
	    MSG_RSA_MEMBERS, "e with a leading zero octet");
	expect(with(rsa, "e", json_object_new_string("AQAB==")), JWT_RS256,
	    MSG_RSA_MEMBERS, "e padded");
	expect(with(rsa, "e", json_object_new_string("AQ+B")), JWT_RS256,
	    MSG_RSA_MEMBERS, "e in base64, not base64url");
	expect(with(ec, "x", json_object_new_string("AQAB")), JWT_ES256,
	    MSG_EC_MEMBERS, "x of 3 octets");
	expect(with(ec, "y", NULL), JWT_ES256, MSG_EC_MEMBERS, "no y");
	/* 32 octets of 0x01: (1...1, y) is no point of P-256. */
	expect(with(ec, "x", json_object_new_string(
	    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE")), JWT_ES256,
	    MSG_EC_MEMBERS, "a point not on the curve");
	expect(with(okp, "x", json_object_new_string("AQAB")), JWT_EDDSA,
	    MSG_OKP_MEMBERS, "OKP x of 3 octets");
	json_object_put(rsa);
	json_object_put(ec);
	json_object_put(okp);
}

/* An RSA modulus with a leading zero octet: not the minimal encoding. */
static void
test_rsa_leading_zero(void)
{
	json_object	*rsa = jwk_made(rsa2048), *v;
	unsigned char	 n[600];
	char		 s[JWT_B64_LEN(sizeof(n))];
	const char	*in;
	long		 len;

	UNIT_CHECK(json_object_object_get_ex(rsa, "n", &v), "no n made");
	in = json_object_get_string(v);
	len = jwt_b64url_decode(n + 1, in, strlen(in));
	UNIT_CHECK(len == 256, "n of %ld octets", len);
	if (len == 256) {
		n[0] = 0;
		jwt_b64url_encode(s, n, (size_t)len + 1);
		expect(with(rsa, "n", json_object_new_string(s)), JWT_RS256,
		    MSG_RSA_MEMBERS, "n with a leading zero octet");
	}
	json_object_put(rsa);
}

static const CU_TestInfo tests[] = {
	{ "RFC 7638 3.1: the example's thumbprint", test_rfc7638 },
	{ "RFC 8037 A.3: the Ed25519 example's thumbprint", test_rfc8037 },
	{ "jwk_of_pem then jwk_pem: the same PEM", test_roundtrip },
	{ "jwk_pem refusals and their reasons", test_refused },
	{ "jwk_pem: n with a leading zero octet", test_rsa_leading_zero },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("jwk", tests, suite_init, suite_clean);
}
