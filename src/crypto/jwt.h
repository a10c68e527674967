/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * JSON Web Tokens (RFC 7519) in compact JWS form.  Base64url, HMAC,
 * RSA, ECDSA, EdDSA and JSON all go through OpenSSL 3 and json-c.
 */
#ifndef ADMINUTIL_JWT_H
#define ADMINUTIL_JWT_H

#include <stddef.h>

#include <json-c/json.h>

#define JWT_MAX_LEN	 8192	/* longest token accepted */
#define JWT_MAX_SIG	 512	/* RS256 with a 4096-bit key */

enum jwt_alg {
	JWT_ALG_INVALID = 0,	/* "none", unknown, or missing */
	JWT_HS256,
	JWT_HS384,
	JWT_HS512,
	JWT_RS256,
	JWT_ES256,
	JWT_EDDSA,
	JWT_RS512		/* Kong's: RSA PKCS#1 v1.5 with SHA-512 */
};

/* The algorithm named s (exact, case-sensitive), or JWT_ALG_INVALID. */
enum jwt_alg	 jwt_alg_parse(const char *s, size_t len);
const char	*jwt_alg_name(enum jwt_alg);
/* 1 for HS256/384/512. */
int		 jwt_alg_is_hmac(enum jwt_alg);
/* 1 for RS256 and RS512: one RSA key fits both. */
int		 jwt_alg_is_rsa(enum jwt_alg);

/*
 * A parsed token.  The header and claims are json-c objects owned by
 * it; kid points into header; input points into the caller's token,
 * which must outlive it.  jwt_free() releases everything.
 */
struct jwt {
	const char	*input;		/* "header.payload", signed bytes */
	size_t		 inputlen;
	unsigned char	 sig[JWT_MAX_SIG + 3];	/* room for a last quantum */
	size_t		 siglen;
	json_object	*header;
	json_object	*claims;
	enum jwt_alg	 alg;
	const char	*kid;		/* NULL when absent */
	size_t		 kidlen;
};

/*
 * Splits and decodes token (len bytes): exactly three base64url parts,
 * a JSON-object header with a string "alg", a JSON-object payload, both
 * read one way only: no NUL (escaped or not) and no member name twice
 * in the same object.  The signature is not checked here.  0, or -1 with a static reason in *why
 * (never quoting the token).
 */
int		 jwt_parse(struct jwt *, const char *token, size_t len,
		    const char **why);
void		 jwt_free(struct jwt *);

/*
 * A verification key, made once per credential and kept: HMAC keys are
 * pre-keyed MAC contexts, public keys parsed EVP_PKEYs.
 */
struct jwt_key {
	enum jwt_alg	 alg;
	void		*mac;		/* EVP_MAC_CTX * (HMAC) */
	void		*pkey;		/* EVP_PKEY * (RS/ES/EdDSA) */
};

/* 0, or -1 (bad algorithm, no memory). */
int		 jwt_key_hmac(struct jwt_key *, enum jwt_alg,
		    const void *secret, size_t len);
/*
 * Parses a PEM public key and checks that it fits alg (RSA of at least
 * 2048 bits for RS256 and RS512, P-256 for ES256, Ed25519 for EdDSA).  0, or -1
 * with a static reason in *why.
 */
int		 jwt_key_pem(struct jwt_key *, enum jwt_alg, const char *pem,
		    size_t len, const char **why);
void		 jwt_key_free(struct jwt_key *);

/*
 * 1 if the token's alg is the key's and its signature verifies
 * (HMACs compared in constant time), else 0.
 */
int		 jwt_verify(const struct jwt_key *, const struct jwt *);

/*
 * 1 if secret (slen bytes) is the HMAC key of k, else 0 (also for a k
 * that is NULL or no HMAC key).  The MACs of one message under both are
 * compared in constant time, and a k that cannot match costs the same
 * MACs (against a dummy key of alg): the time taken says neither
 * whether the secret was right nor whether k exists.
 */
int		 jwt_key_is_secret(const struct jwt_key *k, enum jwt_alg alg,
		    const void *secret, size_t slen);

/*
 * Encodes n bytes of in as unpadded base64url into out, which must hold
 * JWT_B64_LEN(n) bytes (with the NUL).  Returns the length written.
 */
#define JWT_B64_LEN(n)	 (((n) + 2) / 3 * 4 + 1)
size_t		 jwt_b64url_encode(char *out, const unsigned char *in,
		    size_t n);
/*
 * Decodes unpadded base64url (len chars of [A-Za-z0-9_-]) into out
 * (room for len * 3 / 4 + 3 bytes).  Returns the length, or -1.
 */
long		 jwt_b64url_decode(unsigned char *out, const char *in,
		    size_t len);

/*
 * A new token {"alg":<alg>,"typ":"JWT"}.{<claim>:iss,"iat":iat} (and
 * "exp":exp unless it is 0) signed with HMAC (alg HS256, HS384 or
 * HS512) keyed with the secret's bytes as they are.  Caller frees.  NULL
 * on failure.
 */
char		*jwt_sign_hmac(enum jwt_alg alg, const char *claim,
		    const char *iss, const char *secret, size_t slen,
		    long long iat, long long exp);
/* jwt_sign_hmac() with HS256, claim "iss", no exp. */
char		*jwt_sign_hs256(const char *iss, const char *secret,
		    size_t slen, long long iat);

#endif
