/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of jwt.c: base64url known answers and HS256 tokens checked
 * against OpenSSL's own base64 decoder and HMAC; then parsing and
 * verifying tokens of every algorithm, signed here with keys made by the
 * suite (HMAC, RSA, ECDSA P-256, Ed25519), and every way a token or a
 * key is refused.
 */
#include "build.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "crypto/jwt.h"
#include "unit.h"

#define LIT(s)	 (s), sizeof(s) - 1
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The seed document's credential (consumer-api-keys.md). */
#define SEED_KEY	 "07dcc362679d477ea0711d74132203e1"
#define SEED_SECRET	 "8ba62750a63648059839e782a0424b4f"
#define SEED_IAT	 1542611334LL
/* Computed apart from this code (Python hmac + base64). */
#define SEED_TOKEN \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." \
	"eyJpc3MiOiIwN2RjYzM2MjY3OWQ0NzdlYTA3MTFkNzQxMzIyMDNlMSIsImlhdCI6" \
	"MTU0MjYxMTMzNH0." \
	"QLpzIN9dSutjhLza6Td7NUegOfBBD9cA_55j2upNh3o"
/* The same token's signature had the secret been hex-decoded. */
#define SEED_SIG_HEXKEY	 "eXvdXabuwRs9u9PstLJfiQxnAklh-DoZhyolUCSI6Xc"

/*
 * Decodes unpadded base64url s[0..n) into out (outsz bytes) with
 * OpenSSL's decoder.  Returns the length, or -1 when s is not unpadded
 * base64url.
 */
static int
b64url_decode(unsigned char *out, size_t outsz, const char *s, size_t n)
{
	char	*buf;
	size_t	 i, pad = (4 - n % 4) % 4;
	int	 len;

	if (n % 4 == 1 || (n + pad) / 4 * 3 > outsz)
		return -1;
	if ((buf = malloc(n + pad + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '+' || s[i] == '/' || s[i] == '=') {
			free(buf);
			return -1;
		}
		buf[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	}
	for (; i < n + pad; i++)
		buf[i] = '=';
	buf[i] = '\0';
	len = EVP_DecodeBlock(out, (unsigned char *)buf, (int)(n + pad));
	free(buf);
	return len < 0 ? -1 : len - (int)pad;
}

/* The base64url of HMAC-SHA256(key, data), as a token's third part. */
static void
hs256(char out[JWT_B64_LEN(32)], const void *key, size_t klen,
    const char *data, size_t dlen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(HMAC(EVP_sha256(), key, (int)klen,
	    (const unsigned char *)data, dlen, mac, &maclen));
	CU_ASSERT_EQUAL_FATAL(maclen, 32);
	jwt_b64url_encode(out, mac, maclen);
}

static void
test_b64url_known(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*want;
	} t[] = {
		/* RFC 4648 section 10. */
		{ LIT(""), "" },
		{ LIT("f"), "Zg" },
		{ LIT("fo"), "Zm8" },
		{ LIT("foo"), "Zm9v" },
		{ LIT("foob"), "Zm9vYg" },
		{ LIT("fooba"), "Zm9vYmE" },
		{ LIT("foobar"), "Zm9vYmFy" },
		/* The URL alphabet's two letters. */
		{ LIT("\xfb\xff"), "-_8" },
		{ LIT("\xfb\xef\xbe"), "----" },
		{ LIT("\xff\xff\xff"), "____" },
		{ LIT("\xfb\xff\xbf"), "-_-_" },
		{ LIT("\x00"), "AA" },
		{ LIT("\x00\x00"), "AAA" },
		{ LIT("\x00\x00\x00"), "AAAA" },
		{ LIT("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"),
		    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" },
	};
	char	 out[64];
	size_t	 i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		len = jwt_b64url_encode(out, (const unsigned char *)t[i].in,
		    t[i].n);
		UNIT_STREQ(out, t[i].want, t[i].want);
		UNIT_CHECK(len == strlen(t[i].want), "%s: length %zu",
		    t[i].want, len);
	}
}

/* Random inputs of every small length: no padding, no '+' or '/'. */
static void
test_b64url_roundtrip(void)
{
	unsigned char	 in[100], back[128];
	char		*out;
	size_t		 n, len;
	int		 dec;

	for (n = 0; n <= sizeof(in); n++) {
		CU_ASSERT_FATAL(RAND_bytes(in, sizeof(in)) == 1);
		/* Exactly JWT_B64_LEN(n) bytes: ASan sees any overrun. */
		out = malloc(JWT_B64_LEN(n));
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		len = jwt_b64url_encode(out, in, n);
		UNIT_CHECK(len == (n * 4 + 2) / 3 && strlen(out) == len,
		    "n %zu: length %zu", n, len);
		UNIT_CHECK(strpbrk(out, "+/=") == NULL, "n %zu: %s", n, out);
		dec = b64url_decode(back, sizeof(back), out, len);
		UNIT_CHECK(dec == (int)n && memcmp(in, back, n) == 0,
		    "n %zu: does not decode back", n);
		free(out);
	}
}

/*
 * Checks a token: three base64url parts; the header is exactly
 * {"alg":"HS256","typ":"JWT"}; the payload is {"iss":iss,"iat":iat};
 * the signature is HMAC-SHA256 over "header.payload" with key[0..klen).
 */
static void
check_token(const char *tok, const char *iss, const void *key, size_t klen,
    long long iat)
{
	const char	*dot1, *dot2;
	unsigned char	 buf[2048];
	char		 sig[JWT_B64_LEN(32)];
	json_object	*o, *v;
	int		 n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_."), strlen(tok));
	dot1 = strchr(tok, '.');
	CU_ASSERT_PTR_NOT_NULL_FATAL(dot1);
	dot2 = strchr(dot1 + 1, '.');
	CU_ASSERT_PTR_NOT_NULL_FATAL(dot2);
	CU_ASSERT_PTR_NULL(strchr(dot2 + 1, '.'));

	/* Header. */
	n = b64url_decode(buf, sizeof(buf) - 1, tok, (size_t)(dot1 - tok));
	CU_ASSERT_FATAL(n >= 0);
	buf[n] = '\0';
	UNIT_STREQ((char *)buf, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
	    "header");

	/* Payload: parses, two keys in order, the right values. */
	n = b64url_decode(buf, sizeof(buf) - 1, dot1 + 1,
	    (size_t)(dot2 - dot1 - 1));
	CU_ASSERT_FATAL(n >= 0);
	buf[n] = '\0';
	UNIT_CHECK(strncmp((char *)buf, "{\"iss\":", 7) == 0, "payload %s",
	    (char *)buf);
	o = json_tokener_parse((char *)buf);
	UNIT_CHECK(json_object_is_type(o, json_type_object), "payload %s",
	    (char *)buf);
	CU_ASSERT_EQUAL(json_object_object_length(o), 2);
	CU_ASSERT(json_object_object_get_ex(o, "iss", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), iss) == 0);
	CU_ASSERT(json_object_object_get_ex(o, "iat", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) == iat);
	json_object_put(o);

	/* Signature. */
	hs256(sig, key, klen, tok, (size_t)(dot2 - tok));
	UNIT_STREQ(dot2 + 1, sig, "signature");
}

static void
test_sign_seed(void)
{
	char		*tok, hexkey[16], sig[JWT_B64_LEN(32)];
	size_t		 i;
	unsigned int	 b;

	tok = jwt_sign_hs256(SEED_KEY, LIT(SEED_SECRET), SEED_IAT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	UNIT_STREQ(tok, SEED_TOKEN, "seed token");
	check_token(tok, SEED_KEY, LIT(SEED_SECRET), SEED_IAT);

	/* The secret's 32 characters are the key, not its 16 hex bytes. */
	for (i = 0; i < sizeof(hexkey); i++) {
		sscanf(SEED_SECRET + 2 * i, "%2x", &b);
		hexkey[i] = (char)b;
	}
	hs256(sig, hexkey, sizeof(hexkey), tok,
	    (size_t)(strrchr(tok, '.') - tok));
	CU_ASSERT_STRING_EQUAL(sig, SEED_SIG_HEXKEY);
	UNIT_CHECK(strcmp(strrchr(tok, '.') + 1, sig) != 0,
	    "signed with the hex-decoded secret");
	free(tok);
}

static void
test_sign_table(void)
{
	static const struct {
		const char	*iss;
		const char	*secret;
		size_t		 slen;
		long long	 iat;
	} t[] = {
		{ "key", LIT("secret"), 0 },
		{ "key", LIT("secret"), 1 },
		{ "key", LIT("secret"), -1 },
		{ "key", LIT("secret"), LLONG_MAX },
		{ "key", LIT("secret"), LLONG_MIN },
		{ "", LIT("secret"), 1700000000 },
		{ "k", LIT(""), 1700000000 },
		{ "k", LIT("a\0b"), 1700000000 },	/* slen, not strlen */
		{ "a\"b\\c/d", LIT("s"), 1700000000 },
		{ "caf\xc3\xa9 \xe2\x82\xac", LIT("s"), 1700000000 },
		{ "\x01\x1f\n\t", LIT("s"), 1700000000 },
		{ SEED_KEY, LIT("a secret longer than the 64-byte block of "
		    "SHA-256, so that HMAC hashes it first, as RFC 2104 says"),
		    1442426231 },
	};
	char	*tok;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tok = jwt_sign_hs256(t[i].iss, t[i].secret, t[i].slen,
		    t[i].iat);
		UNIT_CHECK(tok != NULL, "row %zu: no token", i);
		if (tok == NULL)
			continue;
		check_token(tok, t[i].iss, t[i].secret, t[i].slen, t[i].iat);
		free(tok);
	}
}

/* The secret's length is honoured: bytes after a NUL count. */
static void
test_sign_secret_len(void)
{
	char	*a, *b;

	a = jwt_sign_hs256("k", "a\0b", 3, 1);
	b = jwt_sign_hs256("k", "a\0b", 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	free(a);
	free(b);
}

/* Same inputs, same token; any input changed, another signature. */
static void
test_sign_deterministic(void)
{
	char	*a, *b, *c, *d, *e;

	a = jwt_sign_hs256(SEED_KEY, LIT(SEED_SECRET), SEED_IAT);
	b = jwt_sign_hs256(SEED_KEY, LIT(SEED_SECRET), SEED_IAT);
	c = jwt_sign_hs256(SEED_KEY, LIT(SEED_SECRET), SEED_IAT + 1);
	d = jwt_sign_hs256(SEED_KEY "x", LIT(SEED_SECRET), SEED_IAT);
	e = jwt_sign_hs256(SEED_KEY, LIT(SEED_SECRET "x"), SEED_IAT);
	CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL && d != NULL &&
	    e != NULL);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(strrchr(a, '.'), strrchr(c, '.'));
	CU_ASSERT_STRING_NOT_EQUAL(strrchr(a, '.'), strrchr(d, '.'));
	CU_ASSERT_STRING_NOT_EQUAL(strrchr(a, '.'), strrchr(e, '.'));
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

/* A long iss whose JSON escapes are six times its size still fits. */
static void
test_sign_long_iss(void)
{
	char	 iss[256], *tok;
	size_t	 len;

	memset(iss, '\x01', sizeof(iss) - 1);
	iss[sizeof(iss) - 1] = '\0';
	tok = jwt_sign_hs256(iss, LIT("s"), LLONG_MIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	check_token(tok, iss, LIT("s"), LLONG_MIN);
	free(tok);

	memset(iss, 'k', sizeof(iss) - 1);
	tok = jwt_sign_hs256(iss, LIT("s"), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	check_token(tok, iss, LIT("s"), 1);
	len = strlen(tok);
	free(tok);
	CU_ASSERT(len > 255 * 4 / 3);
}

/*
 * Parsing and verifying.  The suite makes its keys once (RSA keygen is
 * slow); the helpers below sign tokens apart from jwt.c, with OpenSSL.
 */

/* The token of the seed document (consumer-api-keys.md): iat a string. */
#define DOC_TOKEN \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." \
	"eyJpc3MiOiJhMzZjMzA0OWIzNjI0OWEzYzlmODg5MWNiMTI3MjQzYyIsImlhdCI6" \
	"IjE0NDI0MjYyMzE2MDAiLCJpZCI6Im9yZy5la3N0ZXAuYXBpLmRhdGFTZXQiLCJx" \
	"c2giOiI4MDYzZmY0Y2ExZTQxZGYwZjYyMDdkNDkxY2Y2ZGFkN2M2NmVhNzk3YjQ2" \
	"MTRiNyIsInZlcnNpb24iOiIxLjAiLCJwYXJhbXMiOnsiZGlkIjoiZmYzMDVkNTQt" \
	"ODViNC0zNDFiLWRhMmYtZWI2YjllNTQ2MGZhIiwibXNnaWQiOiJjMzA0OWIzNjI0" \
	"OWEzYzlmODg5MWNiMTk5OTc3Nzc0M2MifX0." \
	"rww4BN-EfnAXKTRltQChYA3KM31GzyEF-YpYvIBzw1I"
#define DOC_ISS		 "a36c3049b36249a3c9f8891cb127243c"

#define SECRET_A	 SEED_SECRET
#define SECRET_B	 "8ba62750a63648059839e782a0424b4e"

/* {"alg":"HS256","typ":"JWT"}, "{}" and "sig" in base64url. */
#define HDR_B64		 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define PAY_B64		 "e30"
#define SIG_B64		 "c2ln"

enum {
	K_RSA, K_RSA_B, K_EC, K_EC_B, K_ED, K_ED_B, K_RSA1024, K_EC384,
	K__MAX
};

static struct {
	EVP_PKEY	*pkey;
	char		*pem;		/* its public key, PEM */
	size_t		 pemlen;
	char		*priv;		/* its private key, PEM */
	size_t		 privlen;
} keys[K__MAX];

static EVP_PKEY *
keygen(int i)
{
	switch (i) {
	case K_RSA:
	case K_RSA_B:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	case K_RSA1024:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	case K_EC:
	case K_EC_B:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case K_EC384:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	default:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
}

/* The text a PEM writer puts in a memory BIO, as a new string. */
static char *
bio_text(BIO *bio, size_t *len)
{
	char	*data, *s;
	long	 n;

	if ((n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static int
suite_init(void)
{
	BIO	*bio;
	int	 i, ok;

	for (i = 0; i < K__MAX; i++) {
		if ((keys[i].pkey = keygen(i)) == NULL)
			return -1;
		if ((bio = BIO_new(BIO_s_mem())) == NULL)
			return -1;
		ok = PEM_write_bio_PUBKEY(bio, keys[i].pkey) == 1 &&
		    (keys[i].pem = bio_text(bio, &keys[i].pemlen)) != NULL;
		BIO_free(bio);
		if (!ok || (bio = BIO_new(BIO_s_mem())) == NULL)
			return -1;
		ok = PEM_write_bio_PrivateKey(bio, keys[i].pkey, NULL, NULL, 0,
		    NULL, NULL) == 1 &&
		    (keys[i].priv = bio_text(bio, &keys[i].privlen)) != NULL;
		BIO_free(bio);
		if (!ok)
			return -1;
	}
	return 0;
}

static int
suite_clean(void)
{
	int	 i;

	for (i = 0; i < K__MAX; i++) {
		EVP_PKEY_free(keys[i].pkey);
		free(keys[i].pem);
		free(keys[i].priv);
	}
	memset(keys, 0, sizeof(keys));
	return 0;
}

/* The algorithms, each with its key (keys[] index, -1: a secret). */
static const struct algrow {
	enum jwt_alg	 alg;
	const char	*name;
	int		 key, other;	/* the right key and another */
	size_t		 siglen;
} algtab[] = {
	{ JWT_HS256, "HS256", -1, -1, 32 },
	{ JWT_HS384, "HS384", -1, -1, 48 },
	{ JWT_HS512, "HS512", -1, -1, 64 },
	{ JWT_RS256, "RS256", K_RSA, K_RSA_B, 256 },
	{ JWT_ES256, "ES256", K_EC, K_EC_B, 64 },
	{ JWT_EDDSA, "EdDSA", K_ED, K_ED_B, 64 },
	{ JWT_RS512, "RS512", K_RSA, K_RSA_B, 256 },
};

/* A DER or raw signature of data[0..dlen) with pkey, md NULL for EdDSA. */
static size_t
pkey_sign(EVP_PKEY *pkey, const EVP_MD *md, const char *data, size_t dlen,
    unsigned char *out, size_t outsz)
{
	EVP_MD_CTX	*ctx;
	size_t		 len = outsz;
	int		 ok;

	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit(ctx, NULL, md, NULL, pkey) == 1 &&
	    EVP_DigestSign(ctx, out, &len, (const unsigned char *)data,
	    dlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? len : 0;
}

/*
 * The JWS signature (RFC 7518) of data[0..dlen) by alg: an HMAC with
 * secret[0..slen), or a signature with pkey; ES256 as raw r || s.  Into
 * sig (JWT_MAX_SIG bytes); its length, 0 on failure.
 */
static size_t
sign(enum jwt_alg alg, EVP_PKEY *pkey, const void *secret, size_t slen,
    const char *data, size_t dlen, unsigned char *sig)
{
	unsigned char		 der[JWT_MAX_SIG + 16];
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	const EVP_MD		*md;
	ECDSA_SIG		*es;
	unsigned int		 hlen = 0;
	size_t			 len;
	int			 ok;

	switch (alg) {
	case JWT_HS256:
	case JWT_HS384:
	case JWT_HS512:
		md = alg == JWT_HS256 ? EVP_sha256() : alg == JWT_HS384 ?
		    EVP_sha384() : EVP_sha512();
		if (HMAC(md, secret, (int)slen, (const unsigned char *)data,
		    dlen, sig, &hlen) == NULL)
			return 0;
		return hlen;
	case JWT_RS256:
		return pkey_sign(pkey, EVP_sha256(), data, dlen, sig,
		    JWT_MAX_SIG);
	case JWT_RS512:
		return pkey_sign(pkey, EVP_sha512(), data, dlen, sig,
		    JWT_MAX_SIG);
	case JWT_EDDSA:
		return pkey_sign(pkey, NULL, data, dlen, sig, JWT_MAX_SIG);
	case JWT_ES256:
		if ((len = pkey_sign(pkey, EVP_sha256(), data, dlen, der,
		    sizeof(der))) == 0 ||
		    (es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
			return 0;
		ECDSA_SIG_get0(es, &r, &s);
		ok = BN_bn2binpad(r, sig, 32) == 32 &&
		    BN_bn2binpad(s, sig + 32, 32) == 32;
		ECDSA_SIG_free(es);
		return ok ? 64 : 0;
	default:
		return 0;
	}
}

/* The longest signature the helpers put in a token. */
#define SIG_ROOM	 1024

/*
 * "b64(hdr).b64(payload)" with room for "." and a signature of SIG_ROOM
 * bytes; *off its length.
 */
static char *
token_start(const char *hdr, const char *payload, size_t *off)
{
	size_t	 hl = strlen(hdr), pl = strlen(payload);
	char	*tok;

	tok = malloc(JWT_B64_LEN(hl) + JWT_B64_LEN(pl) +
	    JWT_B64_LEN(SIG_ROOM) + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	*off = jwt_b64url_encode(tok, (const unsigned char *)hdr, hl);
	tok[(*off)++] = '.';
	*off += jwt_b64url_encode(tok + *off, (const unsigned char *)payload,
	    pl);
	tok[*off] = '\0';
	return tok;
}

/* A token of the JSON texts hdr and payload, sig[0..siglen) as is. */
static char *
token_with_sig(const char *hdr, const char *payload, const unsigned char *sig,
    size_t siglen)
{
	char	*tok;
	size_t	 off;

	CU_ASSERT_FATAL(siglen <= SIG_ROOM);
	tok = token_start(hdr, payload, &off);
	tok[off++] = '.';
	jwt_b64url_encode(tok + off, sig, siglen);
	return tok;
}

/* A token of the JSON texts hdr and payload, signed as sign() does. */
static char *
make_token(const char *hdr, const char *payload, enum jwt_alg alg,
    EVP_PKEY *pkey, const void *secret, size_t slen)
{
	unsigned char	 sig[JWT_MAX_SIG];
	char		*tok;
	size_t		 off, n;

	tok = token_start(hdr, payload, &off);
	n = sign(alg, pkey, secret, slen, tok, off, sig);
	CU_ASSERT_FATAL(n > 0);
	tok[off++] = '.';
	jwt_b64url_encode(tok + off, sig, n);
	return tok;
}

/* A token of row a's algorithm, signed with its key (other: another). */
static char *
row_token(const struct algrow *a, int other, const char *hdr,
    const char *payload)
{
	int	 k = other ? a->other : a->key;

	if (k < 0)
		return make_token(hdr, payload, a->alg, NULL, other ?
		    SECRET_B : SECRET_A, strlen(SECRET_A));
	return make_token(hdr, payload, a->alg, keys[k].pkey, NULL, 0);
}

/* {"alg":name,"typ":"JWT"} into buf. */
static const char *
header_of(const char *name, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", name);
	return buf;
}

/* The verification key of row a (other: of another key or secret). */
static void
row_key(struct jwt_key *k, const struct algrow *a, int other)
{
	const char	*why = NULL;
	int		 ki = other ? a->other : a->key;

	if (ki < 0) {
		CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(k, a->alg, other ?
		    SECRET_B : SECRET_A, strlen(SECRET_A)), 0);
		return;
	}
	UNIT_CHECK(jwt_key_pem(k, a->alg, keys[ki].pem, keys[ki].pemlen,
	    &why) == 0, "%s: %s", a->name, unit_str(why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(k->pkey);
}

/* 1: tok parses and verifies with k; 0: parses only; -1: does not. */
static int
check(const struct jwt_key *k, const char *tok)
{
	struct jwt	 t;
	const char	*why = NULL;
	int		 ok;

	if (jwt_parse(&t, tok, strlen(tok), &why) == -1) {
		CU_ASSERT_PTR_NULL(t.header);
		CU_ASSERT_PTR_NULL(t.claims);
		jwt_free(&t);
		return -1;
	}
	ok = jwt_verify(k, &t);
	jwt_free(&t);
	return ok;
}

/* The string member name of o, or NULL. */
static const char *
member(json_object *o, const char *name)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void
test_alg_parse(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		enum jwt_alg	 want;
	} t[] = {
		{ LIT("HS256"), JWT_HS256 },
		{ LIT("HS384"), JWT_HS384 },
		{ LIT("HS512"), JWT_HS512 },
		{ LIT("RS256"), JWT_RS256 },
		{ LIT("ES256"), JWT_ES256 },
		{ LIT("EdDSA"), JWT_EDDSA },
		{ "HS2567", 5, JWT_HS256 },	/* len, not strlen */
		{ LIT("none"), JWT_ALG_INVALID },
		{ LIT("None"), JWT_ALG_INVALID },
		{ LIT("NONE"), JWT_ALG_INVALID },
		{ LIT(""), JWT_ALG_INVALID },
		{ LIT("hs256"), JWT_ALG_INVALID },
		{ LIT("HS256 "), JWT_ALG_INVALID },
		{ LIT(" HS256"), JWT_ALG_INVALID },
		{ LIT("HS256\0"), JWT_ALG_INVALID },
		{ LIT("HS25"), JWT_ALG_INVALID },
		{ LIT("HS"), JWT_ALG_INVALID },
		{ LIT("RS384"), JWT_ALG_INVALID },
		{ LIT("RS512"), JWT_RS512 },
		{ LIT("PS256"), JWT_ALG_INVALID },
		{ LIT("ES384"), JWT_ALG_INVALID },
		{ LIT("ES256K"), JWT_ALG_INVALID },
		{ LIT("EDDSA"), JWT_ALG_INVALID },
		{ LIT("Ed25519"), JWT_ALG_INVALID },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		UNIT_CHECK(jwt_alg_parse(t[i].s, t[i].len) == t[i].want,
		    "\"%.*s\": got %d, want %d", (int)t[i].len, t[i].s,
		    (int)jwt_alg_parse(t[i].s, t[i].len), (int)t[i].want);

	for (i = 0; i < NELEM(algtab); i++) {
		UNIT_STREQ(jwt_alg_name(algtab[i].alg), algtab[i].name,
		    algtab[i].name);
		CU_ASSERT_EQUAL(jwt_alg_parse(algtab[i].name,
		    strlen(algtab[i].name)), algtab[i].alg);
		CU_ASSERT_EQUAL(jwt_alg_is_hmac(algtab[i].alg),
		    algtab[i].key < 0);
	}
	UNIT_STREQ(jwt_alg_name(JWT_ALG_INVALID), "", "invalid");
	CU_ASSERT_FALSE(jwt_alg_is_hmac(JWT_ALG_INVALID));
}

static void
test_b64url_decode(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*out;	/* NULL: -1 */
		size_t		 outlen;
	} t[] = {
		{ LIT("Zg"), "f", 1 },
		{ LIT("Zm8"), "fo", 2 },
		{ LIT("Zm9v"), "foo", 3 },
		{ LIT("Zm9vYg"), "foob", 4 },
		{ LIT("Zm9vYmE"), "fooba", 5 },
		{ LIT("Zm9vYmFy"), "foobar", 6 },
		{ LIT("-_8"), "\xfb\xff", 2 },
		{ LIT("----"), "\xfb\xef\xbe", 3 },
		{ LIT("____"), "\xff\xff\xff", 3 },
		{ LIT("AA"), "\0", 1 },
		{ LIT("AAAA"), "\0\0\0", 3 },
		{ LIT(HDR_B64), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27 },
		/* Empty, or one character over a quantum. */
		{ LIT(""), NULL, 0 },
		{ LIT("Z"), NULL, 0 },
		{ LIT("Zm9vY"), NULL, 0 },
		/* Padding and the other alphabet. */
		{ LIT("Zg=="), NULL, 0 },
		{ LIT("Zm8="), NULL, 0 },
		{ LIT("Zg="), NULL, 0 },
		{ LIT("+_8"), NULL, 0 },
		{ LIT("-/8"), NULL, 0 },
		{ LIT("++++"), NULL, 0 },
		{ LIT("////"), NULL, 0 },
		/* Not canonical: the unused low bits are not zero. */
		{ LIT("Zh"), NULL, 0 },
		{ LIT("Zv"), NULL, 0 },
		{ LIT("Zm9"), NULL, 0 },
		{ LIT("Zm-"), NULL, 0 },
		{ LIT("AB"), NULL, 0 },
		{ LIT("AAB"), NULL, 0 },
		/* Other bytes. */
		{ LIT("Zm9v\n"), NULL, 0 },
		{ LIT(" Zm9v"), NULL, 0 },
		{ LIT("Zm 9v"), NULL, 0 },
		{ LIT("Zm\09v"), NULL, 0 },
		{ LIT("Zm.v"), NULL, 0 },
		{ LIT("Zm9\xc3\xa9"), NULL, 0 },
		{ LIT("Zm9v\x80"), NULL, 0 },
	};
	unsigned char	 out[64];
	long		 n;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(out, 0xa5, sizeof(out));
		n = jwt_b64url_decode(out, t[i].in, t[i].n);
		if (t[i].out == NULL) {
			UNIT_CHECK(n == -1, "\"%.*s\": got %ld, want -1",
			    (int)t[i].n, t[i].in, n);
			continue;
		}
		UNIT_CHECK(n == (long)t[i].outlen &&
		    memcmp(out, t[i].out, t[i].outlen) == 0,
		    "\"%.*s\": got %ld bytes", (int)t[i].n, t[i].in, n);
	}
}

/* jwt_b64url_encode then _decode: the same bytes; the length bound. */
static void
test_b64url_decode_roundtrip(void)
{
	unsigned char	 in[600], *back;
	char		*enc;
	size_t		 n, len;
	long		 dec;

	CU_ASSERT_FATAL(RAND_bytes(in, sizeof(in)) == 1);
	for (n = 1; n <= sizeof(in); n++) {
		enc = malloc(JWT_B64_LEN(n));
		CU_ASSERT_PTR_NOT_NULL_FATAL(enc);
		len = jwt_b64url_encode(enc, in, n);
		/* The room the header promises, and no more. */
		back = malloc(len * 3 / 4 + 3);
		CU_ASSERT_PTR_NOT_NULL_FATAL(back);
		dec = jwt_b64url_decode(back, enc, len);
		UNIT_CHECK(dec == (long)n && memcmp(back, in, n) == 0,
		    "n %zu: got %ld", n, dec);
		free(back);
		free(enc);
	}

	/* JWT_MAX_LEN characters decode; one more does not. */
	enc = malloc(JWT_MAX_LEN + 2);
	back = malloc(JWT_MAX_LEN);
	CU_ASSERT_FATAL(enc != NULL && back != NULL);
	memset(enc, 'A', JWT_MAX_LEN + 1);
	enc[JWT_MAX_LEN + 1] = '\0';
	CU_ASSERT_EQUAL(jwt_b64url_decode(back, enc, JWT_MAX_LEN),
	    JWT_MAX_LEN / 4 * 3);
	CU_ASSERT_EQUAL(jwt_b64url_decode(back, enc, JWT_MAX_LEN + 1), -1);
	free(enc);
	free(back);
}

/* A token of each algorithm parses and verifies; another key's fails. */
static void
test_verify_valid(void)
{
	static const char	 payload[] = "{\"iss\":\"issuer-1\","
	    "\"exp\":2000000000,\"iat\":\"1442426231600\"}";
	const struct algrow	*a;
	struct jwt_key		 k, other;
	struct jwt		 t;
	const char		*why = NULL, *dot;
	char			 hdr[128], *tok;
	size_t			 i;

	for (i = 0; i < NELEM(algtab); i++) {
		a = &algtab[i];
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\","
		    "\"kid\":\"kid-%s\"}", a->name, a->name);
		tok = row_token(a, 0, hdr, payload);
		row_key(&k, a, 0);
		row_key(&other, a, 1);
		CU_ASSERT_EQUAL(k.alg, a->alg);

		UNIT_CHECK(jwt_parse(&t, tok, strlen(tok), &why) == 0,
		    "%s: %s", a->name, unit_str(why));
		CU_ASSERT_EQUAL(t.alg, a->alg);
		UNIT_CHECK(t.siglen == a->siglen, "%s: siglen %zu", a->name,
		    t.siglen);
		dot = strrchr(tok, '.');
		CU_ASSERT(t.input == tok &&
		    t.inputlen == (size_t)(dot - tok));
		CU_ASSERT(t.kid != NULL && strncmp(t.kid, "kid-", 4) == 0 &&
		    strcmp(t.kid + 4, a->name) == 0);
		UNIT_STREQ(member(t.claims, "iss"), "issuer-1", a->name);
		UNIT_STREQ(member(t.claims, "iat"), "1442426231600", a->name);
		UNIT_STREQ(member(t.header, "typ"), "JWT", a->name);
		UNIT_CHECK(jwt_verify(&k, &t) == 1, "%s: not verified",
		    a->name);
		UNIT_CHECK(jwt_verify(&other, &t) == 0,
		    "%s: verified with another key", a->name);
		/* Verifying changes nothing: again. */
		UNIT_CHECK(jwt_verify(&k, &t) == 1, "%s: not verified twice",
		    a->name);
		jwt_free(&t);
		CU_ASSERT_PTR_NULL(t.header);
		CU_ASSERT_PTR_NULL(t.claims);
		jwt_free(&t);			/* harmless */
		free(tok);

		/* Without a kid, the minimal header, an empty payload. */
		tok = row_token(a, 0, header_of(a->name, hdr, sizeof(hdr)),
		    "{}");
		CU_ASSERT_FATAL(jwt_parse(&t, tok, strlen(tok), &why) == 0);
		CU_ASSERT_PTR_NULL(t.kid);
		CU_ASSERT_EQUAL(json_object_object_length(t.claims), 0);
		UNIT_CHECK(jwt_verify(&k, &t) == 1, "%s: {} not verified",
		    a->name);
		jwt_free(&t);
		free(tok);

		/* A key freed is no key. */
		tok = row_token(a, 0, hdr, payload);
		jwt_key_free(&k);
		CU_ASSERT_PTR_NULL(k.mac);
		CU_ASSERT_PTR_NULL(k.pkey);
		UNIT_CHECK(check(&k, tok) == 0, "%s: freed key verifies",
		    a->name);
		jwt_key_free(&k);		/* harmless */
		jwt_key_free(&other);
		free(tok);
	}
}

/* The seed document's sample token parses, iat a string and all. */
static void
test_doc_token(void)
{
	static const char	 tok[] = DOC_TOKEN;
	struct jwt		 t;
	struct jwt_key		 k;
	json_object		*params;
	const char		*why = NULL;

	UNIT_CHECK(jwt_parse(&t, LIT(tok), &why) == 0, "%s", unit_str(why));
	CU_ASSERT_FATAL(t.claims != NULL);
	CU_ASSERT_EQUAL(t.alg, JWT_HS256);
	CU_ASSERT_PTR_NULL(t.kid);
	CU_ASSERT_EQUAL(t.siglen, 32);
	CU_ASSERT_EQUAL(t.inputlen, (size_t)(strrchr(tok, '.') - tok));
	UNIT_STREQ(member(t.claims, "iss"), DOC_ISS, "iss");
	UNIT_STREQ(member(t.claims, "iat"), "1442426231600", "iat");
	UNIT_STREQ(member(t.claims, "id"), "org.ekstep.api.dataSet", "id");
	CU_ASSERT(json_object_object_get_ex(t.claims, "params", &params) &&
	    json_object_is_type(params, json_type_object));
	UNIT_STREQ(member(params, "msgid"),
	    "c3049b36249a3c9f8891cb1999777743c", "msgid");
	/* Its secret is not published: the seed's does not verify it. */
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, LIT(SEED_SECRET)),
	    0);
	CU_ASSERT_EQUAL(jwt_verify(&k, &t), 0);
	jwt_key_free(&k);
	jwt_free(&t);

	/* The token jwt_sign_hs256 makes verifies with its secret. */
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, LIT(SEED_SECRET)),
	    0);
	CU_ASSERT_EQUAL(check(&k, SEED_TOKEN), 1);
	jwt_key_free(&k);
}

/* "none" and every other unknown alg: refused by jwt_parse already. */
static void
test_alg_refused(void)
{
	static const char *const names[] = {
		"none", "None", "NONE", "", "hs256", "HS256 ", "HS", "RS384",
		"PS512", "PS256", "ES384", "ES512", "EDDSA", "Ed25519",
	};
	struct jwt	 t;
	const char	*why;
	char		 hdr[128], *tok;
	size_t		 i;

	for (i = 0; i < NELEM(names); i++) {
		tok = make_token(header_of(names[i], hdr, sizeof(hdr)), "{}",
		    JWT_HS256, NULL, LIT(SECRET_A));
		why = NULL;
		UNIT_CHECK(jwt_parse(&t, tok, strlen(tok), &why) == -1,
		    "alg \"%s\" parsed", names[i]);
		UNIT_STREQ(why, "token alg is not accepted", names[i]);
		jwt_free(&t);
		free(tok);
	}

	/* The usual "none" token has an empty signature. */
	tok = token_start(header_of("none", hdr, sizeof(hdr)), "{}", &i);
	tok[i++] = '.';
	tok[i] = '\0';
	why = NULL;
	CU_ASSERT_EQUAL(jwt_parse(&t, tok, strlen(tok), &why), -1);
	UNIT_STREQ(why, "token has an empty part", "alg none, no signature");
	free(tok);
}

/* A token's alg must be its key's: every pair of different algorithms. */
static void
test_alg_mismatch(void)
{
	struct jwt_key	 k, k2;
	char		 hdr[128], *tok;
	size_t		 i, j;

	for (i = 0; i < NELEM(algtab); i++) {
		tok = row_token(&algtab[i], 0, header_of(algtab[i].name, hdr,
		    sizeof(hdr)), "{\"iss\":\"x\"}");
		for (j = 0; j < NELEM(algtab); j++) {
			row_key(&k, &algtab[j], 0);
			UNIT_CHECK(check(&k, tok) == (i == j),
			    "%s token, %s key: %d", algtab[i].name,
			    algtab[j].name, check(&k, tok));
			jwt_key_free(&k);
		}
		free(tok);
	}

	/*
	 * An HMAC token whose header names another HMAC algorithm than
	 * the key's, with the same secret: still refused.
	 */
	tok = make_token(header_of("HS256", hdr, sizeof(hdr)), "{}",
	    JWT_HS256, NULL, LIT(SECRET_A));
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS384, LIT(SECRET_A)), 0);
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k2, JWT_HS256, LIT(SECRET_A)), 0);
	CU_ASSERT_EQUAL(check(&k, tok), 0);
	CU_ASSERT_EQUAL(check(&k2, tok), 1);
	jwt_key_free(&k);
	jwt_key_free(&k2);
	free(tok);

	/* The header says HS384, the MAC is HS256's. */
	tok = make_token(header_of("HS384", hdr, sizeof(hdr)), "{}",
	    JWT_HS256, NULL, LIT(SECRET_A));
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS384, LIT(SECRET_A)), 0);
	CU_ASSERT_EQUAL(check(&k, tok), 0);
	jwt_key_free(&k);
	free(tok);
}

/*
 * The classic confusion: an HS256 token MACed with the public key's PEM
 * text as the secret, sent to a credential that holds that public key.
 */
static void
test_alg_confusion(void)
{
	static const struct {
		int		 key;
		enum jwt_alg	 alg;
	} t[] = {
		{ K_RSA, JWT_RS256 },
		{ K_RSA, JWT_RS512 },
		{ K_EC, JWT_ES256 },
		{ K_ED, JWT_EDDSA },
	};
	struct jwt_key	 k, hk;
	const char	*why = NULL;
	char		 hdr[128], *tok;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		tok = make_token(header_of("HS256", hdr, sizeof(hdr)),
		    "{\"iss\":\"victim\"}", JWT_HS256, NULL,
		    keys[t[i].key].pem, keys[t[i].key].pemlen);
		CU_ASSERT_EQUAL_FATAL(jwt_key_pem(&k, t[i].alg,
		    keys[t[i].key].pem, keys[t[i].key].pemlen, &why), 0);
		UNIT_CHECK(check(&k, tok) == 0, "%s key accepts an HS256 "
		    "token MACed with its PEM", jwt_alg_name(t[i].alg));
		/* The token is a good one for that "secret", though. */
		CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&hk, JWT_HS256,
		    keys[t[i].key].pem, keys[t[i].key].pemlen), 0);
		CU_ASSERT_EQUAL(check(&hk, tok), 1);
		jwt_key_free(&hk);
		jwt_key_free(&k);
		free(tok);
	}
}

/* The signature of tok replaced by sig[0..n): a new token. */
static char *
resign(const char *tok, const unsigned char *sig, size_t n)
{
	const char	*dot = strrchr(tok, '.');
	size_t		 off = (size_t)(dot - tok) + 1;
	char		*s;

	s = malloc(off + JWT_B64_LEN(n));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memcpy(s, tok, off);
	jwt_b64url_encode(s + off, sig, n);
	return s;
}

/* Wrong secret or key, flipped bits, short or long signatures: 0. */
static void
test_tampered(void)
{
	static const char	 payload[] = "{\"iss\":\"issuer-1\"}";
	const struct algrow	*a;
	struct jwt_key		 k;
	unsigned char		 sig[JWT_MAX_SIG + 8];
	char			 hdr[128], *tok, *bad;
	long			 n;
	size_t			 i, bit;

	for (i = 0; i < NELEM(algtab); i++) {
		a = &algtab[i];
		header_of(a->name, hdr, sizeof(hdr));
		tok = row_token(a, 0, hdr, payload);
		row_key(&k, a, 0);
		CU_ASSERT_EQUAL(check(&k, tok), 1);

		/* Signed with another secret or key. */
		bad = row_token(a, 1, hdr, payload);
		UNIT_CHECK(check(&k, bad) == 0, "%s: other key", a->name);
		free(bad);

		n = jwt_b64url_decode(sig, strrchr(tok, '.') + 1,
		    strlen(strrchr(tok, '.') + 1));
		CU_ASSERT_FATAL(n == (long)a->siglen);

		/* One bit flipped: first, middle and last bytes. */
		for (bit = 0; bit < a->siglen * 8; bit += a->siglen * 8 / 3 -
		    1) {
			sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));
			bad = resign(tok, sig, (size_t)n);
			UNIT_CHECK(check(&k, bad) == 0, "%s: bit %zu flipped",
			    a->name, bit);
			free(bad);
			sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		}
		sig[n - 1] ^= 0x80;
		bad = resign(tok, sig, (size_t)n);
		UNIT_CHECK(check(&k, bad) == 0, "%s: last bit", a->name);
		free(bad);
		sig[n - 1] ^= 0x80;

		/* Truncated by a byte, by half; one byte too many. */
		bad = resign(tok, sig, (size_t)n - 1);
		UNIT_CHECK(check(&k, bad) == 0, "%s: truncated", a->name);
		free(bad);
		bad = resign(tok, sig, (size_t)n / 2);
		UNIT_CHECK(check(&k, bad) == 0, "%s: half", a->name);
		free(bad);
		sig[n] = 0;
		bad = resign(tok, sig, (size_t)n + 1);
		UNIT_CHECK(check(&k, bad) == 0, "%s: a byte more", a->name);
		free(bad);

		/* Truncated as text: never verifies, parses or not. */
		bad = strdup(tok);
		CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
		bad[strlen(bad) - 1] = '\0';
		UNIT_CHECK(check(&k, bad) != 1, "%s: text cut", a->name);
		bad[strlen(bad) - 1] = '\0';
		UNIT_CHECK(check(&k, bad) != 1, "%s: text cut by 2", a->name);
		free(bad);

		/* Another payload or header under the same signature. */
		bad = token_with_sig(hdr, "{\"iss\":\"issuer-2\"}", sig,
		    (size_t)n);
		UNIT_CHECK(check(&k, bad) == 0, "%s: other payload", a->name);
		free(bad);
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\","
		    "\"kid\":\"x\"}", a->name);
		bad = token_with_sig(hdr, payload, sig, (size_t)n);
		UNIT_CHECK(check(&k, bad) == 0, "%s: other header", a->name);
		free(bad);
		/* And the unchanged signature still does. */
		bad = token_with_sig(header_of(a->name, hdr, sizeof(hdr)),
		    payload, sig, (size_t)n);
		UNIT_CHECK(check(&k, bad) == 1, "%s: rebuilt", a->name);
		free(bad);

		jwt_key_free(&k);
		free(tok);
	}
}

/* ES256 wants raw r || s: the DER form OpenSSL makes is refused. */
static void
test_es256_der(void)
{
	unsigned char	 der[JWT_MAX_SIG], raw[64];
	struct jwt_key	 k;
	const char	*why = NULL;
	char		 hdr[128], *tok, *bad;
	size_t		 off, n;

	tok = token_start(header_of("ES256", hdr, sizeof(hdr)), "{}", &off);
	n = pkey_sign(keys[K_EC].pkey, EVP_sha256(), tok, off, der,
	    sizeof(der));
	CU_ASSERT_FATAL(n > 0);
	free(tok);
	CU_ASSERT_EQUAL_FATAL(jwt_key_pem(&k, JWT_ES256, keys[K_EC].pem,
	    keys[K_EC].pemlen, &why), 0);
	bad = token_with_sig(hdr, "{}", der, n);
	CU_ASSERT_EQUAL(check(&k, bad), 0);
	free(bad);

	/* r = 0 or s = 0, and all ones: refused, not a crash. */
	memset(raw, 0, sizeof(raw));
	bad = token_with_sig(hdr, "{}", raw, sizeof(raw));
	CU_ASSERT_EQUAL(check(&k, bad), 0);
	free(bad);
	memset(raw, 0xff, sizeof(raw));
	bad = token_with_sig(hdr, "{}", raw, sizeof(raw));
	CU_ASSERT_EQUAL(check(&k, bad), 0);
	free(bad);
	jwt_key_free(&k);
}

/* Tokens jwt_parse refuses, and the reason it gives. */
static void
test_parse_errors(void)
{
	static const char	 hdrbad[] =
	    "token header is not base64url JSON object";
	static const char	 paybad[] =
	    "token payload is not base64url JSON object";
	static const char	 sigbad[] = "token signature is not base64url";
	static const char	 parts[] =
	    "token is not three dot-separated parts";
	static const char	 empty[] = "token has an empty part";
	static const char	 noalg[] = "token header has no alg";
	static const char	 kid[] = "token kid is not a string";
	static const char	 crit[] = "token header has crit extensions";
	static const char	 hdr2[] = "token header has a NUL or a name twice";
	static const char	 pay2[] =
	    "token payload has a NUL or a name twice";
	static const struct {
		const char	*name;
		const char	*raw;		/* the token, or NULL: */
		const char	*hdr, *payload;	/* then "." SIG_B64 */
		const char	*why;
	} t[] = {
		{ "empty", "", NULL, NULL, "token is empty or too long" },
		{ "one part", "abc", NULL, NULL, parts },
		{ "two parts", HDR_B64 "." PAY_B64, NULL, NULL, parts },
		{ "four parts", HDR_B64 "." PAY_B64 "." SIG_B64 ".x", NULL,
		    NULL, parts },
		{ "extra dot at the end", HDR_B64 "." PAY_B64 "." SIG_B64 ".",
		    NULL, NULL, parts },
		{ "three dots", "...", NULL, NULL, parts },
		{ "two dots", "..", NULL, NULL, empty },
		{ "empty header", "." PAY_B64 "." SIG_B64, NULL, NULL, empty },
		{ "empty payload", HDR_B64 ".." SIG_B64, NULL, NULL, empty },
		{ "empty signature", HDR_B64 "." PAY_B64 ".", NULL, NULL,
		    empty },
		{ "dots doubled", HDR_B64 ".." PAY_B64 "." SIG_B64, NULL, NULL,
		    parts },
		{ "padded header", HDR_B64 "=." PAY_B64 "." SIG_B64, NULL,
		    NULL, hdrbad },
		{ "padded payload", HDR_B64 "." PAY_B64 "=." SIG_B64, NULL,
		    NULL, paybad },
		{ "padded signature", HDR_B64 "." PAY_B64 "." SIG_B64 "=",
		    NULL, NULL, sigbad },
		{ "+ in header", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ+."
		    PAY_B64 "." SIG_B64, NULL, NULL, hdrbad },
		{ "/ in payload", HDR_B64 ".e3/." SIG_B64, NULL, NULL,
		    paybad },
		{ "+ in signature", HDR_B64 "." PAY_B64 ".c2+n", NULL, NULL,
		    sigbad },
		{ "/ in signature", HDR_B64 "." PAY_B64 ".c2/n", NULL, NULL,
		    sigbad },
		{ "space in signature", HDR_B64 "." PAY_B64 ".c2 n", NULL,
		    NULL, sigbad },
		{ "non-canonical payload", HDR_B64 ".e31." SIG_B64, NULL, NULL,
		    paybad },
		{ "non-canonical signature", HDR_B64 "." PAY_B64 ".c2l", NULL,
		    NULL, sigbad },
		{ "one-char signature", HDR_B64 "." PAY_B64 ".c", NULL, NULL,
		    sigbad },
		{ "standard base64 header",
		    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9Cg==." PAY_B64 "."
		    SIG_B64, NULL, NULL, hdrbad },

		{ "header not JSON", NULL, "hello", "{}", hdrbad },
		{ "header an array", NULL, "[\"alg\",\"HS256\"]", "{}",
		    hdrbad },
		{ "header a string", NULL, "\"HS256\"", "{}", hdrbad },
		{ "header a number", NULL, "256", "{}", hdrbad },
		{ "header null", NULL, "null", "{}", hdrbad },
		{ "header unclosed", NULL, "{\"alg\":\"HS256\"", "{}",
		    hdrbad },
		{ "header trailing garbage", NULL, "{\"alg\":\"HS256\"}x",
		    "{}", hdrbad },
		{ "header two objects", NULL, "{\"alg\":\"HS256\"}{}", "{}",
		    hdrbad },
		{ "header trailing comma", NULL, "{\"alg\":\"HS256\",}", "{}",
		    hdrbad },
		{ "header single quotes", NULL, "{'alg':'HS256'}", "{}",
		    hdrbad },
		{ "header bad UTF-8", NULL,
		    "{\"alg\":\"HS256\",\"x\":\"\xff\"}", "{}", hdrbad },
		{ "header too deep", NULL, "{\"alg\":\"HS256\",\"x\":"
		    "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", "{}", hdrbad },
		{ "header {}", NULL, "{}", "{}", noalg },
		{ "header without alg", NULL, "{\"typ\":\"JWT\"}", "{}",
		    noalg },
		{ "ALG in capitals", NULL, "{\"ALG\":\"HS256\"}", "{}", noalg },
		{ "alg a number", NULL, "{\"alg\":256}", "{}", noalg },
		{ "alg null", NULL, "{\"alg\":null}", "{}", noalg },
		{ "alg true", NULL, "{\"alg\":true}", "{}", noalg },
		{ "alg an array", NULL, "{\"alg\":[\"HS256\"]}", "{}", noalg },
		{ "alg an object", NULL, "{\"alg\":{\"HS256\":1}}", "{}",
		    noalg },
		{ "kid a number", NULL, "{\"alg\":\"HS256\",\"kid\":5}", "{}",
		    kid },
		{ "kid null", NULL, "{\"alg\":\"HS256\",\"kid\":null}", "{}",
		    kid },
		{ "kid empty", NULL, "{\"alg\":\"HS256\",\"kid\":\"\"}", "{}",
		    kid },
		{ "kid an array", NULL, "{\"alg\":\"HS256\",\"kid\":[\"a\"]}",
		    "{}", kid },
		{ "kid an object", NULL, "{\"alg\":\"HS256\",\"kid\":{}}",
		    "{}", kid },
		{ "crit", NULL, "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "{}",
		    crit },
		{ "crit empty", NULL, "{\"alg\":\"HS256\",\"crit\":[]}", "{}",
		    crit },
		{ "crit null", NULL, "{\"alg\":\"HS256\",\"crit\":null}", "{}",
		    crit },
		{ "payload not JSON", NULL, "{\"alg\":\"HS256\"}", "hello",
		    paybad },
		{ "payload an array", NULL, "{\"alg\":\"HS256\"}", "[{}]",
		    paybad },
		{ "payload a string", NULL, "{\"alg\":\"HS256\"}", "\"{}\"",
		    paybad },
		{ "payload a number", NULL, "{\"alg\":\"HS256\"}", "123",
		    paybad },
		{ "payload null", NULL, "{\"alg\":\"HS256\"}", "null", paybad },
		{ "payload unclosed", NULL, "{\"alg\":\"HS256\"}", "{",
		    paybad },
		{ "payload trailing garbage", NULL, "{\"alg\":\"HS256\"}",
		    "{}x", paybad },
		{ "payload bad UTF-8", NULL, "{\"alg\":\"HS256\"}",
		    "{\"iss\":\"\xc3\x28\"}", paybad },
		{ "payload too deep", NULL, "{\"alg\":\"HS256\"}",
		    "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}",
		    paybad },

		/* Bytes json-c would read one way and another parser
		 * another: refused before anything is looked at. */
		{ "alg none, then alg NUL HS256", NULL,
		    "{\"alg\":\"none\",\"alg\\u0000\":\"HS256\"}", "{}",
		    hdr2 },
		{ "alg HS256 NUL", NULL, "{\"alg\":\"HS256\\u0000\"}", "{}",
		    hdr2 },
		{ "alg twice", NULL,
		    "{\"alg\":\"HS512\",\"alg\":\"HS256\"}", "{}", hdr2 },
		{ "kid with a NUL", NULL,
		    "{\"alg\":\"HS256\",\"kid\":\"a\\u0000b\"}", "{}",
		    hdr2 },
		{ "NUL in a name of the header", NULL,
		    "{\"alg\":\"HS256\",\"x\\u0000\":1}", "{}", hdr2 },
		{ "iss, then iss NUL x", NULL, "{\"alg\":\"HS256\"}",
		    "{\"iss\":\"B\",\"iss\\u0000x\":\"A\"}", pay2 },
		{ "iss twice", NULL, "{\"alg\":\"HS256\"}",
		    "{\"iss\":\"B\",\"iss\":\"A\"}", pay2 },
		{ "exp twice", NULL, "{\"alg\":\"HS256\"}",
		    "{\"exp\":1,\"exp\":9999999999}", pay2 },
		{ "a name twice, nested", NULL, "{\"alg\":\"HS256\"}",
		    "{\"a\":[{\"b\":1,\"b\":2}]}", pay2 },
		{ "iss with a NUL", NULL, "{\"alg\":\"HS256\"}",
		    "{\"iss\":\"A\\u0000B\"}", pay2 },
		{ "NUL escaped in a nested name", NULL,
		    "{\"alg\":\"HS256\"}", "{\"a\":{\"\\u0000\":1}}",
		    pay2 },
	};
	struct jwt	 jt;
	const char	*why;
	char		*tok;
	size_t		 i, off;

	for (i = 0; i < NELEM(t); i++) {
		if (t[i].raw != NULL) {
			tok = strdup(t[i].raw);
			CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		} else {
			tok = token_start(t[i].hdr, t[i].payload, &off);
			memcpy(tok + off, "." SIG_B64, sizeof(SIG_B64) + 1);
		}
		why = NULL;
		UNIT_CHECK(jwt_parse(&jt, tok, strlen(tok), &why) == -1,
		    "%s: parsed", t[i].name);
		UNIT_STREQ(why, t[i].why, t[i].name);
		/* Nothing left to free, and the reason quotes nothing. */
		CU_ASSERT(jt.header == NULL && jt.claims == NULL);
		jwt_free(&jt);
		UNIT_CHECK(why == NULL || strstr(why, "eyJ") == NULL,
		    "%s: %s", t[i].name, why);
		free(tok);
	}
}

/* A modest nesting and unknown header fields are fine. */
static void
test_parse_accepts(void)
{
	static const struct {
		const char	*hdr, *payload;
	} t[] = {
		{ "{\"alg\":\"HS256\"}", "{}" },
		{ "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"x5u\":\"y\"}", "{}" },
		{ "{\"alg\":\"HS256\",\"kid\":\"k\"}",
		    "{\"a\":[[1,{\"b\":[2]}]],\"c\":null}" },
		{ "{\"alg\":\"HS256\"}", "{\"iss\":\"caf\xc3\xa9\"}" },
		{ "{\"alg\":\"HS256\"}",
		    "{\"iss\":\"\\u00e9\\ud83d\\ude00\"}" },
		/* What the NUL and twice checks must not take for either. */
		{ "{\"alg\":\"HS256\"}", "{\"x\":\"\\\\u0000\"}" },
		{ "{\"alg\":\"HS256\"}", "{\"x\":\"a:b:c\",\"y\":\"\\\":\"}" },
		{ "{\"alg\":\"HS256\"}", "{\"a\":{\"b\":1},\"c\":{\"b\":2}}" },
		{ "{\"alg\":\"HS256\"}", "{\"x\":\"\\u0001\",\"X\":1}" },
	};
	struct jwt_key	 k;
	size_t		 i;
	char		*tok;

	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, LIT(SECRET_A)), 0);
	for (i = 0; i < NELEM(t); i++) {
		tok = make_token(t[i].hdr, t[i].payload, JWT_HS256, NULL,
		    LIT(SECRET_A));
		UNIT_CHECK(check(&k, tok) == 1, "%s . %s", t[i].hdr,
		    t[i].payload);
		free(tok);
	}
	jwt_key_free(&k);
}

/* Flips the last character to one with a low bit set: not canonical. */
static void
noncanonical(char *last)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const char		*p = strchr(abc, *last);

	CU_ASSERT_FATAL(p != NULL);
	*last = abc[(p - abc) | 1];
}

/* Each part with non-zero unused bits in its last character. */
static void
test_parse_noncanonical(void)
{
	static const char	 hdr[] = "{\"alg\":\"HS256\",\"x\":12}";
	static const char	 payload[] = "{\"iss\":\"abc\"}";
	struct jwt_key		 k;
	struct jwt		 t;
	const char		*why;
	char			*tok, *d1, *d2;

	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, LIT(SECRET_A)), 0);
	tok = make_token(hdr, payload, JWT_HS256, NULL, LIT(SECRET_A));
	CU_ASSERT_EQUAL_FATAL(check(&k, tok), 1);
	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	/* None of the parts is a whole number of quanta. */
	CU_ASSERT_FATAL((d1 - tok) % 4 != 0 && (d2 - d1 - 1) % 4 != 0 &&
	    strlen(d2 + 1) % 4 != 0);

	noncanonical(d1 - 1);
	why = NULL;
	CU_ASSERT_EQUAL(jwt_parse(&t, tok, strlen(tok), &why), -1);
	UNIT_STREQ(why, "token header is not base64url JSON object",
	    "header");
	free(tok);

	tok = make_token(hdr, payload, JWT_HS256, NULL, LIT(SECRET_A));
	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	noncanonical(d2 - 1);
	why = NULL;
	CU_ASSERT_EQUAL(jwt_parse(&t, tok, strlen(tok), &why), -1);
	UNIT_STREQ(why, "token payload is not base64url JSON object",
	    "payload");
	free(tok);

	tok = make_token(hdr, payload, JWT_HS256, NULL, LIT(SECRET_A));
	noncanonical(tok + strlen(tok) - 1);
	why = NULL;
	CU_ASSERT_EQUAL(jwt_parse(&t, tok, strlen(tok), &why), -1);
	UNIT_STREQ(why, "token signature is not base64url", "signature");
	free(tok);
	jwt_key_free(&k);
}

/* Tokens up to JWT_MAX_LEN bytes parse; longer ones do not. */
static void
test_parse_max_len(void)
{
	struct jwt_key	 k;
	struct jwt	 t;
	const char	*why;
	char		*payload, *tok;
	size_t		 pad, len, at = 0, over = 0;

	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, LIT(SECRET_A)), 0);
	payload = malloc(JWT_MAX_LEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(payload);
	/* 36 + 1 + payload + 1 + 43 characters around JWT_MAX_LEN. */
	for (pad = 6060; pad < 6090; pad++) {
		snprintf(payload, JWT_MAX_LEN, "{\"p\":\"%0*d\"}", (int)pad,
		    0);
		tok = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload,
		    JWT_HS256, NULL, LIT(SECRET_A));
		len = strlen(tok);
		why = NULL;
		if (len <= JWT_MAX_LEN) {
			UNIT_CHECK(check(&k, tok) == 1, "length %zu refused",
			    len);
			at += len == JWT_MAX_LEN;
		} else {
			UNIT_CHECK(jwt_parse(&t, tok, len, &why) == -1,
			    "length %zu parsed", len);
			UNIT_STREQ(why, "token is empty or too long", "long");
			jwt_free(&t);
			over++;
		}
		/* The len argument counts, not the NUL. */
		if (len > 10) {
			CU_ASSERT_EQUAL(jwt_parse(&t, tok, len - 1, &why) ==
			    0 && jwt_verify(&k, &t), 0);
			jwt_free(&t);
		}
		free(tok);
	}
	UNIT_CHECK(at == 1 && over > 0, "at %zu, over %zu", at, over);
	free(payload);
	jwt_key_free(&k);
}

/* Signatures up to JWT_MAX_SIG bytes (RS256, 4096 bits) parse. */
static void
test_parse_sig_len(void)
{
	static const size_t	 lens[] = { 1, 2, 3, 63, 64, 65, 256, 510,
	    511, 512, 513, 514, 515, 600 };
	unsigned char		 sig[700];
	struct jwt		 t;
	const char		*why;
	char			*tok;
	size_t			 i;
	int			 rc;

	CU_ASSERT_FATAL(RAND_bytes(sig, sizeof(sig)) == 1);
	for (i = 0; i < NELEM(lens); i++) {
		tok = token_with_sig("{\"alg\":\"RS256\"}", "{}", sig, lens[i]);
		why = NULL;
		rc = jwt_parse(&t, tok, strlen(tok), &why);
		if (lens[i] <= JWT_MAX_SIG) {
			UNIT_CHECK(rc == 0 && t.siglen == lens[i] &&
			    memcmp(t.sig, sig, lens[i]) == 0,
			    "%zu-byte signature: %s", lens[i], unit_str(why));
		} else {
			UNIT_CHECK(rc == -1, "%zu-byte signature parsed",
			    lens[i]);
			UNIT_STREQ(why, "token signature is not base64url",
			    "long signature");
		}
		jwt_free(&t);
		free(tok);
	}
}

/*
 * RS512 and RS256 share a key but not a digest: a SHA-256 signature
 * under an "RS512" header, or the other way round, verifies under
 * neither, and one key loaded as each verifies only its own tokens.
 */
static void
test_rs512_digest(void)
{
	struct jwt_key	 k256, k512;
	const char	*why = NULL;
	char		 hdr[128], *tok;

	CU_ASSERT_EQUAL_FATAL(jwt_key_pem(&k256, JWT_RS256, keys[K_RSA].pem,
	    keys[K_RSA].pemlen, &why), 0);
	CU_ASSERT_EQUAL_FATAL(jwt_key_pem(&k512, JWT_RS512, keys[K_RSA].pem,
	    keys[K_RSA].pemlen, &why), 0);
	tok = make_token(header_of("RS512", hdr, sizeof(hdr)), "{}",
	    JWT_RS256, keys[K_RSA].pkey, NULL, 0);
	UNIT_CHECK(check(&k512, tok) == 0, "RS512 header, SHA-256 signature "
	    "verified");
	free(tok);
	tok = make_token(header_of("RS256", hdr, sizeof(hdr)), "{}",
	    JWT_RS512, keys[K_RSA].pkey, NULL, 0);
	UNIT_CHECK(check(&k256, tok) == 0, "RS256 header, SHA-512 signature "
	    "verified");
	free(tok);
	tok = make_token(header_of("RS512", hdr, sizeof(hdr)), "{}",
	    JWT_RS512, keys[K_RSA].pkey, NULL, 0);
	UNIT_CHECK(check(&k512, tok) == 1, "RS512 token not verified");
	UNIT_CHECK(check(&k256, tok) == 0, "RS512 token verified by the key "
	    "as RS256");
	free(tok);
	jwt_key_free(&k256);
	jwt_key_free(&k512);
}

/* Keys that do not fit their algorithm, and keys that are no keys. */
static void
test_key_pem(void)
{
	enum { GOOD, PRIV, GARBAGE, EMPTY, CUT, HALF, HUGE };
	static const char	 rs[] =
	    "RS256 needs an RSA public key of 2048 to 4096 bits";
	static const char	 rs512[] =
	    "RS512 needs an RSA public key of 2048 to 4096 bits";
	static const char	 es[] = "ES256 needs an EC P-256 public key";
	static const char	 ed[] = "EdDSA needs an Ed25519 public key";
	static const char	 notpem[] =
	    "public key is not a PEM public key";
	static const char	 noalg[] = "algorithm takes no public key";
	static const struct {
		const char	*name;
		enum jwt_alg	 alg;
		int		 what, key;
		const char	*why;	/* NULL: accepted */
	} t[] = {
		{ "RSA 2048 for RS256", JWT_RS256, GOOD, K_RSA, NULL },
		{ "P-256 for ES256", JWT_ES256, GOOD, K_EC, NULL },
		{ "Ed25519 for EdDSA", JWT_EDDSA, GOOD, K_ED, NULL },
		{ "RSA 1024 for RS256", JWT_RS256, GOOD, K_RSA1024, rs },
		{ "RSA 2048 for RS512", JWT_RS512, GOOD, K_RSA, NULL },
		{ "RSA 1024 for RS512", JWT_RS512, GOOD, K_RSA1024, rs512 },
		{ "P-256 for RS512", JWT_RS512, GOOD, K_EC, rs512 },
		{ "RSA private key for RS512", JWT_RS512, PRIV, K_RSA,
		    notpem },
		{ "P-256 for RS256", JWT_RS256, GOOD, K_EC, rs },
		{ "Ed25519 for RS256", JWT_RS256, GOOD, K_ED, rs },
		{ "P-384 for ES256", JWT_ES256, GOOD, K_EC384, es },
		{ "RSA for ES256", JWT_ES256, GOOD, K_RSA, es },
		{ "Ed25519 for ES256", JWT_ES256, GOOD, K_ED, es },
		{ "RSA for EdDSA", JWT_EDDSA, GOOD, K_RSA, ed },
		{ "P-256 for EdDSA", JWT_EDDSA, GOOD, K_EC, ed },
		{ "RSA for HS256", JWT_HS256, GOOD, K_RSA, noalg },
		{ "Ed25519 for HS512", JWT_HS512, GOOD, K_ED, noalg },
		{ "RSA for no algorithm", JWT_ALG_INVALID, GOOD, K_RSA,
		    noalg },
		{ "garbage", JWT_RS256, GARBAGE, 0, notpem },
		{ "empty", JWT_EDDSA, EMPTY, 0, notpem },
		{ "RSA private key", JWT_RS256, PRIV, K_RSA, notpem },
		{ "EC private key", JWT_ES256, PRIV, K_EC, notpem },
		{ "Ed25519 private key", JWT_EDDSA, PRIV, K_ED, notpem },
		{ "RSA PEM body cut", JWT_RS256, CUT, K_RSA, notpem },
		{ "P-256 PEM, first half", JWT_ES256, HALF, K_EC, notpem },
		{ "over 16 KiB", JWT_RS256, HUGE, K_RSA,
		    "public key is too long" },
	};
	static const char	 garbage[] = "-----BEGIN PUBLIC KEY-----\n"
	    "bm90IGEga2V5\n-----END PUBLIC KEY-----\n";
	struct jwt_key		 k;
	const char		*why, *pem;
	char			*buf = NULL;
	size_t			 i, len;
	int			 rc;

	for (i = 0; i < NELEM(t); i++) {
		pem = keys[t[i].key].pem;
		len = keys[t[i].key].pemlen;
		switch (t[i].what) {
		case PRIV:
			pem = keys[t[i].key].priv;
			len = keys[t[i].key].privlen;
			break;
		case GARBAGE:
			pem = garbage;
			len = sizeof(garbage) - 1;
			break;
		case EMPTY:
			pem = "";
			len = 0;
			break;
		case CUT:
			/* The body's last line goes. */
			buf = strdup(pem);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
			memmove(strstr(buf, "\n-----END") - 20,
			    strstr(buf, "\n-----END"),
			    strlen(strstr(buf, "\n-----END")) + 1);
			pem = buf;
			len = strlen(buf);
			break;
		case HALF:
			len /= 2;
			break;
		case HUGE:
			/* A good key after 16 KiB of comment lines. */
			buf = malloc(20000 + len);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
			memset(buf, '\n', 20000);
			memcpy(buf + 20000, pem, len);
			pem = buf;
			len += 20000;
			break;
		}
		memset(&k, 0xa5, sizeof(k));
		why = "(unset)";
		rc = jwt_key_pem(&k, t[i].alg, pem, len, &why);
		if (t[i].why == NULL) {
			UNIT_CHECK(rc == 0 && k.pkey != NULL && k.mac == NULL &&
			    k.alg == t[i].alg, "%s refused: %s", t[i].name,
			    unit_str(why));
			jwt_key_free(&k);
		} else {
			UNIT_CHECK(rc == -1, "%s accepted", t[i].name);
			UNIT_STREQ(why, t[i].why, t[i].name);
			/* Nothing to free, nothing that verifies. */
			CU_ASSERT(k.pkey == NULL && k.mac == NULL);
			if (rc == 0)
				jwt_key_free(&k);
		}
		free(buf);
		buf = NULL;
	}
}

/*
 * The PEM of an RSA public key of bits bits, made up (n random, odd,
 * its top bit set; e 65537) since only its size matters: generating
 * one that large would take long.  Caller frees; NULL on failure.
 */
static char *
rsa_pem_of_size(int bits, size_t *len)
{
	unsigned char	 nb[2048];
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*n = NULL, *e = NULL;
	BIO		*bio = NULL;
	char		*pem = NULL;
	size_t		 nlen = (size_t)bits / 8;

	if (nlen > sizeof(nb) || RAND_bytes(nb, (int)nlen) != 1)
		return NULL;
	nb[0] |= 0x80;
	nb[nlen - 1] |= 1;
	if ((n = BN_bin2bn(nb, (int)nlen, NULL)) != NULL &&
	    (e = BN_new()) != NULL && BN_set_word(e, 65537) == 1 &&
	    (bld = OSSL_PARAM_BLD_new()) != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
	    EVP_PKEY_get_bits(pkey) == bits &&
	    (bio = BIO_new(BIO_s_mem())) != NULL &&
	    PEM_write_bio_PUBKEY(bio, pkey) == 1)
		pem = bio_text(bio, len);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	return pem;
}

/*
 * RS256 keys up to 4096 bits: a larger key's signatures cannot fit
 * JWT_MAX_SIG, so no token of it could ever parse; the key must be
 * refused when it is registered, not at every token.
 */
static void
test_key_pem_rsa_size(void)
{
	static const struct {
		int	 bits;
		int	 ok;
	} t[] = {
		{ 2048, 1 },
		{ 3072, 1 },
		{ JWT_MAX_SIG * 8, 1 },
		{ JWT_MAX_SIG * 8 + 8, 0 },
		{ 8192, 0 },
		{ 16384, 0 },
	};
	struct jwt_key	 k;
	const char	*why;
	char		*pem;
	size_t		 i, len = 0;
	int		 rc;

	for (i = 0; i < NELEM(t); i++) {
		pem = rsa_pem_of_size(t[i].bits, &len);
		UNIT_CHECK(pem != NULL, "%d bits: no key made", t[i].bits);
		if (pem == NULL)
			continue;
		why = NULL;
		rc = jwt_key_pem(&k, JWT_RS256, pem, len, &why);
		if (t[i].ok)
			UNIT_CHECK(rc == 0, "RSA %d refused: %s", t[i].bits,
			    unit_str(why));
		else
			UNIT_CHECK(rc == -1 && why != NULL,
			    "RSA %d accepted for RS256, but its %d-byte "
			    "signatures exceed JWT_MAX_SIG", t[i].bits,
			    t[i].bits / 8);
		jwt_key_free(&k);
		free(pem);
	}
}

static void
test_key_hmac(void)
{
	static const struct {
		enum jwt_alg	 alg;
		const char	*secret;
		size_t		 len;
		int		 want;
	} t[] = {
		{ JWT_HS256, LIT(SECRET_A), 0 },
		{ JWT_HS384, LIT(SECRET_A), 0 },
		{ JWT_HS512, LIT(SECRET_A), 0 },
		{ JWT_HS256, LIT("x"), 0 },
		{ JWT_HS256, LIT(""), -1 },
		{ JWT_HS512, LIT(""), -1 },
		{ JWT_RS256, LIT(SECRET_A), -1 },
		{ JWT_ES256, LIT(SECRET_A), -1 },
		{ JWT_EDDSA, LIT(SECRET_A), -1 },
		{ JWT_ALG_INVALID, LIT(SECRET_A), -1 },
	};
	struct jwt_key	 k;
	size_t		 i;
	char		*tok;

	for (i = 0; i < NELEM(t); i++) {
		memset(&k, 0xa5, sizeof(k));
		UNIT_CHECK(jwt_key_hmac(&k, t[i].alg, t[i].secret, t[i].len) ==
		    t[i].want, "row %zu: alg %d, %zu-byte secret", i,
		    (int)t[i].alg, t[i].len);
		if (t[i].want == 0) {
			CU_ASSERT(k.alg == t[i].alg && k.mac != NULL &&
			    k.pkey == NULL);
		} else {
			CU_ASSERT(k.mac == NULL && k.pkey == NULL);
		}
		jwt_key_free(&k);
	}

	/* The secret is slen bytes, NULs and all. */
	tok = make_token("{\"alg\":\"HS256\"}", "{}", JWT_HS256, NULL,
	    "a\0b", 3);
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, "a\0b", 3), 0);
	CU_ASSERT_EQUAL(check(&k, tok), 1);
	jwt_key_free(&k);
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256, "a\0b", 1), 0);
	CU_ASSERT_EQUAL(check(&k, tok), 0);
	jwt_key_free(&k);
	free(tok);

	/* A secret longer than the hash's block is hashed first. */
	tok = make_token("{\"alg\":\"HS256\"}", "{}", JWT_HS256, NULL,
	    LIT(SECRET_A SECRET_A SECRET_A SECRET_B));
	CU_ASSERT_EQUAL_FATAL(jwt_key_hmac(&k, JWT_HS256,
	    LIT(SECRET_A SECRET_A SECRET_A SECRET_B)), 0);
	CU_ASSERT_EQUAL(check(&k, tok), 1);
	jwt_key_free(&k);
	free(tok);
}

/* One key, made once, verifies token after token (its context reused). */
static void
test_key_reuse(void)
{
	const struct algrow	*a;
	struct jwt_key		 k;
	char			 hdr[128], payload[64], *good[3], *bad;
	size_t			 i, j;

	for (i = 0; i < NELEM(algtab); i++) {
		a = &algtab[i];
		header_of(a->name, hdr, sizeof(hdr));
		for (j = 0; j < NELEM(good); j++) {
			snprintf(payload, sizeof(payload), "{\"n\":%zu}", j);
			good[j] = row_token(a, 0, hdr, payload);
		}
		bad = row_token(a, 1, hdr, "{\"n\":0}");
		row_key(&k, a, 0);
		UNIT_CHECK(check(&k, good[0]) == 1, "%s: first", a->name);
		UNIT_CHECK(check(&k, good[0]) == 1, "%s: same again", a->name);
		UNIT_CHECK(check(&k, good[1]) == 1, "%s: another", a->name);
		UNIT_CHECK(check(&k, bad) == 0, "%s: bad", a->name);
		UNIT_CHECK(check(&k, good[2]) == 1, "%s: good after bad",
		    a->name);
		for (j = 0; j < 30; j++)
			UNIT_CHECK(check(&k, j % 4 == 3 ? bad :
			    good[j % 3]) == (j % 4 != 3), "%s: round %zu",
			    a->name, j);
		jwt_key_free(&k);
		for (j = 0; j < NELEM(good); j++)
			free(good[j]);
		free(bad);
	}
}

/* jwt_key_is_secret: the right secret only, of an HMAC key only. */
static void
test_key_is_secret(void)
{
	static const enum jwt_alg algs[] = { JWT_HS256, JWT_HS384, JWT_HS512 };
	struct jwt_key	 k, pk;
	const char	*why;
	size_t		 i;

	for (i = 0; i < NELEM(algs); i++) {
		if (jwt_key_hmac(&k, algs[i], LIT(SECRET_A)) == -1) {
			CU_FAIL("jwt_key_hmac");
			continue;
		}
		UNIT_CHECK(jwt_key_is_secret(&k, JWT_HS256, LIT(SECRET_A)) ==
		    1, "%s: the right secret", jwt_alg_name(algs[i]));
		UNIT_CHECK(jwt_key_is_secret(&k, JWT_HS256, LIT(SECRET_B)) ==
		    0, "%s: another secret", jwt_alg_name(algs[i]));
		UNIT_CHECK(jwt_key_is_secret(&k, JWT_HS256, SECRET_A,
		    strlen(SECRET_A) - 1) == 0, "%s: the secret less its last "
		    "byte", jwt_alg_name(algs[i]));
		UNIT_CHECK(jwt_key_is_secret(&k, JWT_HS256, LIT("")) == 0,
		    "%s: an empty secret", jwt_alg_name(algs[i]));
		jwt_key_free(&k);
	}
	/* No key, or a public one: 0, even for the dummy's own secret. */
	UNIT_CHECK(jwt_key_is_secret(NULL, JWT_HS256, LIT(SECRET_A)) == 0,
	    "no key");
	UNIT_CHECK(jwt_key_is_secret(NULL, JWT_HS256,
	    LIT("no credential has this key")) == 0, "no key, the dummy's");
	UNIT_CHECK(jwt_key_is_secret(NULL, JWT_RS256, LIT(SECRET_A)) == 0,
	    "no key, RS256");
	if (jwt_key_pem(&pk, JWT_RS256, keys[K_RSA].pem, keys[K_RSA].pemlen,
	    &why) == 0) {
		UNIT_CHECK(jwt_key_is_secret(&pk, JWT_HS256,
		    keys[K_RSA].pem, keys[K_RSA].pemlen) == 0,
		    "an RSA key, its PEM as the secret");
		jwt_key_free(&pk);
	} else
		CU_FAIL("jwt_key_pem");
}

static const CU_TestInfo tests[] = {
	{ "jwt_b64url_encode known answers", test_b64url_known },
	{ "jwt_b64url_encode round trip, no padding", test_b64url_roundtrip },
	{ "jwt_sign_hs256 seed known answer, secret as bytes", test_sign_seed },
	{ "jwt_sign_hs256 header, payload, HMAC", test_sign_table },
	{ "jwt_sign_hs256 honours slen", test_sign_secret_len },
	{ "jwt_sign_hs256 is deterministic", test_sign_deterministic },
	{ "jwt_sign_hs256 long escaped iss", test_sign_long_iss },
	{ "jwt_alg_parse, jwt_alg_name, jwt_alg_is_hmac", test_alg_parse },
	{ "jwt_b64url_decode table", test_b64url_decode },
	{ "jwt_b64url_decode round trip, bounds",
	    test_b64url_decode_roundtrip },
	{ "jwt_parse + jwt_verify, every algorithm", test_verify_valid },
	{ "jwt_parse of the seed document's token", test_doc_token },
	{ "alg none and unknown algs refused", test_alg_refused },
	{ "token alg must be the key's", test_alg_mismatch },
	{ "HS256 MACed with a public key's PEM", test_alg_confusion },
	{ "tampered tokens and signatures", test_tampered },
	{ "ES256 DER and degenerate signatures", test_es256_der },
	{ "jwt_parse refusals and reasons", test_parse_errors },
	{ "jwt_parse accepts nesting, extra fields", test_parse_accepts },
	{ "jwt_parse non-canonical base64url", test_parse_noncanonical },
	{ "jwt_parse JWT_MAX_LEN bound", test_parse_max_len },
	{ "jwt_parse JWT_MAX_SIG bound", test_parse_sig_len },
	{ "jwt_key_pem fits key to algorithm", test_key_pem },
	{ "RS512 and RS256: one key, two digests", test_rs512_digest },
	{ "jwt_key_pem RSA sizes for RS256", test_key_pem_rsa_size },
	{ "jwt_key_hmac", test_key_hmac },
	{ "jwt_key_is_secret", test_key_is_secret },
	{ "one key verifies many tokens", test_key_reuse },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("jwt", tests, suite_init, suite_clean);
}
