/*
 * JSON Web Tokens (RFC 7519).  Base64url, HMAC and JSON all go through
 * OpenSSL and json-c.
 */
#ifndef ADMINUTIL_JWT_H
#define ADMINUTIL_JWT_H

#include <stddef.h>

/*
 * Encodes n bytes of in as unpadded base64url into out, which must hold
 * JWT_B64_LEN(n) bytes (with the NUL).  Returns the length written.
 */
#define JWT_B64_LEN(n)	 (((n) + 2) / 3 * 4 + 1)
size_t	jwt_b64url_encode(char *out, const unsigned char *in, size_t n);

/*
 * A new HS256 token {"alg":"HS256","typ":"JWT"}.{"iss":iss,"iat":iat}
 * signed with the secret's bytes as they are.  Caller frees.  NULL on
 * failure.
 */
char	*jwt_sign_hs256(const char *iss, const char *secret, size_t slen,
	    long long iat);

#endif
