/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/config.h"
#include "gateway/token.h"
#include "http/request.h"

/* The longest Basic credentials read, in base64 characters. */
#define BASIC_MAX	 2048

const char *
token_bearer(const char *h, size_t *len, const char **why)
{
	const char	*t, *e;

	if (h == NULL || *h == '\0') {
		*why = "no bearer token";
		return NULL;
	}
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' &&
	    h[6] != '\t')) {
		*why = "authorization scheme is not Bearer";
		return NULL;
	}
	t = h + 6 + strspn(h + 6, " \t");
	e = t + strcspn(t, " \t,");
	if (e == t) {
		*why = "no bearer token";
		return NULL;
	}
	*len = (size_t)(e - t);
	if (e[strspn(e, " \t")] != '\0') {
		*why = "more than one token";
		return NULL;
	}
	return t;
}

int
token_basic(const char *h, char **id, size_t *idlen, char **secret,
    size_t *slen, const char **why)
{
	unsigned char	 dec[BASIC_MAX / 4 * 3 + 1];
	const char	*t, *colon;
	size_t		 len, pad;
	int		 n, rc = -1;

	*id = *secret = NULL;
	*idlen = *slen = 0;
	if (h == NULL || strncasecmp(h, "Basic", 5) != 0 ||
	    (h[5] != ' ' && h[5] != '\t'))
		return 0;
	t = h + 5 + strspn(h + 5, " \t");
	len = strcspn(t, " \t");
	*why = "HTTP Basic credentials are not base64 of id:secret";
	if (len == 0 || len > BASIC_MAX || len % 4 != 0 ||
	    t[len + strspn(t + len, " \t")] != '\0')
		return -1;
	/* EVP_DecodeBlock counts the padding's zero bytes in. */
	pad = t[len - 1] == '=' ? (t[len - 2] == '=' ? 2 : 1) : 0;
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)t, (int)len)) <
	    0 || (size_t)n < pad)
		goto done;
	n -= (int)pad;
	if ((colon = memchr(dec, ':', (size_t)n)) == NULL ||
	    memchr(dec, '\0', (size_t)n) != NULL)
		goto done;
	*why = "HTTP Basic id or secret is not form-urlencoded (RFC 6749 "
	    "2.3.1)";
	if ((*id = request_form_decode((const char *)dec,
	    (size_t)(colon - (const char *)dec), idlen)) == NULL ||
	    (*secret = request_form_decode(colon + 1, (size_t)((const char *)
	    dec + n - colon - 1), slen)) == NULL) {
		free(*id);
		*id = NULL;
		*idlen = 0;
		goto done;
	}
	rc = 1;
done:
	OPENSSL_cleanse(dec, sizeof(dec));
	return rc;
}

int
token_read(struct token *t, const char *tok, size_t len,
    const char *key_claim, const char **why)
{
	json_object	*v;
	int		 claim;

	memset(t, 0, sizeof(*t));
	if (jwt_parse(&t->jwt, tok, len, why) == -1)
		return -1;
	claim = json_object_object_get_ex(t->jwt.claims, key_claim, &v);
	if (claim && !json_object_is_type(v, json_type_string)) {
		*why = "the token's key claim is not a string";
		goto fail;
	}
	if (t->jwt.kid != NULL) {
		t->key = t->jwt.kid;
		t->keylen = t->jwt.kidlen;
		if (claim) {
			t->iss = json_object_get_string(v);
			t->isslen = (size_t)json_object_get_string_len(v);
		}
	} else if (claim) {
		t->key = json_object_get_string(v);
		t->keylen = (size_t)json_object_get_string_len(v);
	} else {
		*why = "token names no credential (no kid, no key claim)";
		goto fail;
	}
	return 0;
fail:
	token_free(t);
	return -1;
}

void
token_free(struct token *t)
{
	jwt_free(&t->jwt);
	memset(t, 0, sizeof(*t));
}

/* A NumericDate claim: absent (1, *present 0), number (1), else 0. */
static int
numeric_claim(json_object *claims, const char *name, double *v,
    int *present)
{
	json_object	*o;

	*present = 0;
	if (!json_object_object_get_ex(claims, name, &o))
		return 1;
	if (!json_object_is_type(o, json_type_int) &&
	    !json_object_is_type(o, json_type_double))
		return 0;
	*v = json_object_get_double(o);
	if (!isfinite(*v))
		return 0;
	*present = 1;
	return 1;
}

int
token_exp(json_object *claims, double *exp)
{
	int	 has;

	return numeric_claim(claims, "exp", exp, &has) && has;
}

/* Why claims fail the time checks at now_ms, or NULL. */
static const char *
times_why(const struct config *cfg, json_object *claims, long long now_ms)
{
	double	 now = (double)now_ms / 1000.0, exp = 0, nbf = 0, iat = 0;
	int	 has_exp, has_nbf, has_iat;

	if (!numeric_claim(claims, "exp", &exp, &has_exp))
		return "exp is not a number";
	if (!numeric_claim(claims, "nbf", &nbf, &has_nbf))
		return "nbf is not a number";
	if (has_exp && now > exp + cfg->clock_skew)
		return "token has expired";
	if (has_nbf && now + cfg->clock_skew < nbf)
		return "token is not valid yet";
	if (cfg->require_exp && !has_exp)
		return "token has no exp";
	if (cfg->max_token_lifetime > 0) {
		if (!has_exp)
			return "token has no exp";
		if (exp - now > cfg->max_token_lifetime)
			return "token lives longer than allowed";
		if (!numeric_claim(claims, "iat", &iat, &has_iat))
			return "iat is not a number";
		if (has_iat && exp - iat > cfg->max_token_lifetime)
			return "token lives longer than allowed";
	}
	return NULL;
}

int
token_times(const struct config *cfg, json_object *claims, long long now_ms,
    const char **why)
{
	*why = times_why(cfg, claims, now_ms);
	return *why == NULL ? 0 : -1;
}
