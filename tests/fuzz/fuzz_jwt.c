/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * libFuzzer driver for jwt.c: jwt_parse on the input and, when it
 * parses, jwt_verify against a fixed HS256 key and a fixed Ed25519 key.
 * An HS256 verdict is checked against OpenSSL's HMAC() computed here:
 * a disagreement aborts, as a crash does.
 *
 * Built and run by scripts/fuzz jwt; the seeds are in corpus/jwt/.
 */
#include "build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/jwt.h"

/* The seeds' HS256 secret and the public half of their Ed25519 key. */
static const char	 secret[] = "fuzz-secret-0123456789abcdef";
static const char	 ed25519_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAp06CMN7RLg95ieGZ/a966aFrdRkjdnqmK9Xv3rWcSOE=\n"
    "-----END PUBLIC KEY-----\n";

static struct jwt_key	 hs, ed;

static void
keys_init(void)
{
	static int	 ready;
	const char	*why;

	if (ready)
		return;
	if (jwt_key_hmac(&hs, JWT_HS256, secret, sizeof(secret) - 1) == -1 ||
	    jwt_key_pem(&ed, JWT_EDDSA, ed25519_pem, sizeof(ed25519_pem) - 1,
	    &why) == -1)
		abort();
	ready = 1;
}

/* What jwt_verify(&hs, t) must say: alg HS256 and the HMAC matches. */
static int
hs256_oracle(const struct jwt *t)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0;

	if (t->alg != JWT_HS256)
		return 0;
	if (HMAC(EVP_sha256(), secret, sizeof(secret) - 1,
	    (const unsigned char *)t->input, t->inputlen, mac, &len) == NULL)
		abort();
	return len == t->siglen && CRYPTO_memcmp(mac, t->sig, len) == 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwt	 t;
	const char	*why = NULL;
	char		*tok;

	keys_init();
	/* Exactly size bytes, no NUL: ASan sees any read past the end. */
	if ((tok = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(tok, data, size);
	if (jwt_parse(&t, tok, size, &why) == 0) {
		if (t.header == NULL || t.claims == NULL ||
		    t.alg == JWT_ALG_INVALID || t.siglen == 0 ||
		    t.siglen > JWT_MAX_SIG || t.input != tok ||
		    t.inputlen >= size)
			abort();
		if (jwt_verify(&hs, &t) != hs256_oracle(&t))
			abort();
		(void)jwt_verify(&ed, &t);
	} else if (why == NULL || t.header != NULL || t.claims != NULL)
		abort();
	jwt_free(&t);
	free(tok);
	return 0;
}
