#include "build.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.h"

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

/* Appends the base64url of a JSON object's text to buf at *off. */
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
jwt_sign_hs256(const char *iss, const char *secret, size_t slen,
    long long iat)
{
	json_object	*hdr = NULL, *claims = NULL;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*tok = NULL;
	size_t		 cap, off = 0;

	cap = 64 + JWT_B64_LEN(strlen(iss) * 6 + 64) + JWT_B64_LEN(sizeof(mac));
	if ((tok = malloc(cap)) == NULL)
		return NULL;
	if ((hdr = json_object_new_object()) == NULL ||
	    (claims = json_object_new_object()) == NULL)
		goto fail;
	json_object_object_add(hdr, "alg", json_object_new_string("HS256"));
	json_object_object_add(hdr, "typ", json_object_new_string("JWT"));
	json_object_object_add(claims, "iss", json_object_new_string(iss));
	json_object_object_add(claims, "iat", json_object_new_int64(iat));
	if (append_json(tok, cap, &off, hdr) == -1)
		goto fail;
	tok[off++] = '.';
	if (append_json(tok, cap, &off, claims) == -1)
		goto fail;
	if (HMAC(EVP_sha256(), secret, (int)slen, (unsigned char *)tok, off,
	    mac, &maclen) == NULL || off + 1 + JWT_B64_LEN(maclen) > cap)
		goto fail;
	tok[off++] = '.';
	jwt_b64url_encode(tok + off, mac, maclen);
	json_object_put(hdr);
	json_object_put(claims);
	return tok;
fail:
	json_object_put(hdr);
	json_object_put(claims);
	free(tok);
	return NULL;
}
