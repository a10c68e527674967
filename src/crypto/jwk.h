/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * JSON Web Keys (RFC 7517, 7518, 8037): the public key of an RS256,
 * ES256 or EdDSA credential given as a JWK, read into the PEM text the
 * credentials keep (so nothing that reads a stored key changes), its
 * RFC 7638 thumbprint, and a stored key shown as a JWK again.  Every
 * key is made by OpenSSL 3 (EVP_PKEY_fromdata), every text by json-c.
 */
#ifndef ADMINUTIL_JWK_H
#define ADMINUTIL_JWK_H

#include <stddef.h>

#include <json-c/json.h>

#include "crypto/jwt.h"

/* The RFC 7638 thumbprint: the base64url of a SHA-256, 43 characters. */
#define JWK_THUMB_LEN	 43

/*
 * Reads jwk, a public key for alg (RS256, ES256, EdDSA), as strictly as
 * jwt_key_pem() reads a PEM one: an object with no private member (d,
 * p, q, dp, dq, qi, k, oth), a kty that fits alg (RSA, EC on P-256, OKP
 * on Ed25519), an alg member, if any, equal to alg, a use member, if
 * any, "sig", key_ops, if any, holding "verify", its key members
 * unpadded base64url of the sizes RFC 7518 gives (RSA of 2048 to 4096
 * bits, n and e without a leading zero octet), a point on the curve.
 * Other members are ignored.  On success *pem is a new PEM
 * SubjectPublicKeyInfo text (the caller frees it) and thumb the key's
 * RFC 7638 thumbprint.  0, or -1 with a static reason in *why (never
 * quoting the key).
 */
int		 jwk_pem(json_object *jwk, enum jwt_alg alg, char **pem,
		    char thumb[JWK_THUMB_LEN + 1], const char **why);

/*
 * The public JWK of a stored PEM public key: kty, crv where there is
 * one, the key members, "alg" alg, "use" "sig" and "kid" kid (the
 * credential's key, which a token names), as a new object.  NULL for a
 * text that is not an RSA, P-256 or Ed25519 public key, or no memory.
 */
json_object	*jwk_of_pem(const char *pem, size_t len, enum jwt_alg alg,
		    const char *kid);

#endif
