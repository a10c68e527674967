/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Reading the token of a gateway request: the bearer token of the
 * Authorization header, its JWT, which credentials it names, and the
 * contract's time checks.  Nothing here knows a credential.
 */
#ifndef ADMINUTIL_TOKEN_H
#define ADMINUTIL_TOKEN_H

#include <stddef.h>

#include "crypto/jwt.h"

struct config;

/*
 * A token read once.  key names the credential that verifies it: the
 * header's kid, else the key claim (config key_claim, "iss").  iss is
 * the key claim when kid is there too: it must then name a credential
 * of the same consumer.  All point into jwt or the caller's token.
 */
struct token {
	struct jwt	 jwt;
	const char	*key;
	size_t		 keylen;
	const char	*iss;		/* NULL unless kid and the claim */
	size_t		 isslen;
};

/*
 * The token of an Authorization header value h: "Bearer" (any case),
 * blanks, one token, nothing after it.  NULL with a static reason in
 * *why otherwise.
 */
const char	*token_bearer(const char *h, size_t *len, const char **why);

/*
 * The client of an HTTP Basic Authorization header value h (RFC 7617)
 * as RFC 6749 2.3.1 has it: "Basic" (any case), blanks, the base64 of
 * id ":" secret, nothing after it, id and secret each form-urlencoded
 * (request_form_decode: "%3A" is a ":" of the id).  1 with *id and
 * *secret new strings (lengths in *idlen, *slen; the caller clears
 * secret before it frees it), 0 when h is no Basic header (NULL, or
 * another scheme), -1 with a static reason in *why when it is one but
 * cannot be read.
 */
int		 token_basic(const char *h, char **id, size_t *idlen,
		    char **secret, size_t *slen, const char **why);

/*
 * Parses tok (len bytes, which must outlive t) and names its
 * credentials.  0, or -1 with a static reason in *why (t then needs no
 * token_free()).
 */
int		 token_read(struct token *t, const char *tok, size_t len,
		    const char *key_claim, const char **why);
void		 token_free(struct token *t);

/*
 * The time checks of the contract on claims at now (epoch ms): exp and
 * nbf within clock_skew, require_exp, max_token_lifetime.  0, or -1 with
 * a static reason in *why.
 */
int		 token_times(const struct config *cfg, json_object *claims,
		    long long now_ms, const char **why);

/* 1 and *exp when claims hold a numeric exp, else 0. */
int		 token_exp(json_object *claims, double *exp);

#endif
